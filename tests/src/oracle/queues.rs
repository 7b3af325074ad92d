//! Rule 10: a listener's queues, replayed from the trace with the oracle's own
//! model of what Linux does (`tcp_conn_request`, `tcp_check_req`,
//! `reqsk_timer_handler`, `inet_csk_accept`; RFC 4987 for SYN floods and cookies).
//!
//! The model: a SYN queue of half-open entries (other hosts' entries by port, and
//! the followed connection while the server is in SYN-RECEIVED) and an accept queue
//! of established connections not yet taken by accept(), each full once it holds
//! backlog + 1. Every queue event must show the model's lengths; every SYN,ACK to
//! another host must answer its entry with the right numbers and the right timing;
//! an entry ends after `tcp_synack_retries` resends; a SYN cookie's ISN must be the
//! sum its parts say.

use std::collections::{BTreeMap, VecDeque};

use super::model::{Call, Ev, Run, Seg, St, K, SIDE};
use super::{Rule, Violation};

/// Linux's `msstab`.
const COOKIE_MSS: [u32; 4] = [536, 1300, 1440, 1460];

struct Entry {
    irs: u32,
    iss: Option<u32>,
    first_t: u64,
    resends: u32,
}

struct Q<'a> {
    run: &'a Run,
    backlog: u32,
    entries: BTreeMap<u16, Entry>,
    /// The followed connection is in the server's SYN queue (SYN-RECEIVED from LISTEN).
    own_half_open: bool,
    accept: VecDeque<u16>,
    /// SYN cookies sent, by port: (ISN, the peer's ISN).
    cookies: Vec<(u16, u32, u32)>,
    server: St,
    out: Vec<Violation>,
}

pub fn check(run: &Run) -> Vec<Violation> {
    let Some(backlog) = run.backlog else { return Vec::new() };
    let mut q = Q {
        run,
        backlog,
        entries: BTreeMap::new(),
        own_half_open: false,
        accept: VecDeque::new(),
        cookies: Vec::new(),
        server: St::Closed,
        out: Vec::new(),
    };
    for (i, (e, other)) in run.all.iter().enumerate() {
        q.event(i, e, *other);
    }
    q.out
}

impl Q<'_> {
    fn v(&mut self, check: &'static str, i: usize, msg: String) {
        let e = &self.run.all[i].0;
        self.out.push(Violation {
            rule: Rule::Queues,
            check,
            message: format!("{} | event #{i} t={} µs {}: {msg}", self.run.label, e.t, SIDE[e.side]),
        });
    }

    fn syn_len(&self) -> u32 {
        self.entries.len() as u32 + u32::from(self.own_half_open)
    }

    fn full(&self, n: u32) -> bool {
        n > self.backlog
    }

    /// The segments the server sends at `t` right after event `i`, to `port`
    /// (`None`: the followed client).
    fn replies(&self, i: usize, port: Option<u16>) -> Vec<(&Seg, &str)> {
        let t = self.run.all[i].0.t;
        self.run.all[i + 1..]
            .iter()
            .take_while(|(e, _)| e.t == t)
            .filter_map(|(e, o)| match &e.k {
                K::Send { seg, reason, .. } if e.side == 1 && *o == port => Some((seg, reason.as_str())),
                _ => None,
            })
            .collect()
    }

    fn event(&mut self, i: usize, e: &Ev, other: Option<u16>) {
        let p = self.run.profiles[1].clone();
        match (&e.k, other) {
            (K::State { from, to, reason }, None) if e.side == 1 => {
                self.server = *to;
                match (*from, *to) {
                    (St::Listen, St::SynReceived) => self.own_half_open = true,
                    (St::SynReceived, St::Established) | (St::Listen, St::Established) => {
                        self.own_half_open = false;
                        self.accept.push_back(self.run.ports[0]);
                        if *from == St::SynReceived && self.full(self.accept.len() as u32 - 1) {
                            self.v("accept-queue-room", i, format!(
                                "SYN-RECEIVED→ESTABLISHED ({reason}) with the accept queue already full ({} of {}): Linux drops the ACK instead (tcp_abort_on_overflow=0)", self.accept.len() - 1, self.backlog + 1));
                        }
                    }
                    (St::SynReceived, _) => self.own_half_open = false,
                    (_, St::Closed) => {
                        // The listening socket is gone, and its queues with it.
                        if matches!(*from, St::Listen) {
                            self.entries.clear();
                            self.accept.clear();
                        }
                    }
                    _ => {}
                }
            }
            (K::Call(Call::Accept), _) if e.side == 1 => {
                self.accept.pop_front();
            }
            // The followed client's SYN reaches a listening server.
            (K::Deliver { seg, .. }, None)
                if e.side == 1 && self.server == St::Listen && seg.syn && seg.ack.is_none() =>
            {
                let replies = self.replies(i, None);
                let syn_full = self.full(self.syn_len());
                if self.full(self.accept.len() as u32) || syn_full && !p.syncookies {
                    if !replies.is_empty() {
                        self.v("full-queue-drops-syn", i, format!(
                            "the SYN queue holds {} and the accept queue {} of {}: a SYN is dropped without an answer (Linux tcp_conn_request), saw {} answered", self.syn_len(), self.accept.len(), self.backlog + 1, seg.show()));
                    }
                } else if syn_full && !replies.iter().any(|(_, r)| *r == "syn-cookie") {
                    self.v("cookie-when-syn-queue-full", i, format!(
                        "the SYN queue is full ({} of {}) and tcp_syncookies=1: the SYN must be answered with a SYN cookie (RFC 4987 §3.6; Linux tcp_syn_flood_action)", self.syn_len(), self.backlog + 1));
                }
            }
            (K::Deliver { seg, .. }, Some(port)) if e.side == 1 => self.other_host(i, port, seg),
            (K::Send { seg, reason, retransmission, cookie, .. }, other) if e.side == 1 => {
                if let Some(c) = cookie {
                    let sum = c
                        .hash1
                        .wrapping_add(c.peer_isn)
                        .wrapping_add(c.count << 24)
                        .wrapping_add(c.hash2.wrapping_add(c.mss_index) & 0xFF_FFFF);
                    if sum != c.isn || seg.seq != c.isn || COOKIE_MSS.get(c.mss_index as usize) != Some(&c.mss) {
                        self.v("cookie-parts", i, format!(
                            "SYN cookie {c:?}: ISN = hash1 + peer ISN + count·2^24 + ((hash2 + MSS index) mod 2^24) = {sum}, the MSS from Linux's table, and the SYN,ACK's SEQ {} must agree (Linux secure_tcp_syn_cookie)", seg.seq));
                    }
                    let port = other.unwrap_or(self.run.ports[0]);
                    self.cookies.push((port, c.isn, c.peer_isn));
                }
                let Some(port) = other else { return };
                if !seg.syn || seg.ack.is_none() || reason == "syn-cookie" || reason == "two-way-commit" {
                    return;
                }
                let Some(entry) = self.entries.get_mut(&port) else {
                    self.v(
                        "syn-ack-has-an-entry",
                        i,
                        format!("{} to port {port} ({reason}): no SYN-queue entry for that host", seg.show()),
                    );
                    return;
                };
                let iss = *entry.iss.get_or_insert(seg.seq);
                let mut vs = Vec::new();
                if seg.seq != iss || seg.ack != Some(entry.irs.wrapping_add(1)) {
                    vs.push((
                        "entry-numbers",
                        format!(
                            "{} to port {port}: the entry's SYN,ACK is <SEQ={iss}><ACK={}> every time (RFC 9293 §3.4)",
                            seg.show(),
                            entry.irs.wrapping_add(1)
                        ),
                    ));
                }
                if *retransmission && reason == "retransmission" {
                    entry.resends += 1;
                    let due = backed_off(entry.first_t, p.rto_initial_us, p.rto_max_us, entry.resends);
                    if entry.resends > p.synack_retries {
                        vs.push(("synack-retries", format!(
                            "resend {} of the SYN,ACK to port {port}: at most tcp_synack_retries = {} (Linux reqsk_timer_handler)", entry.resends, p.synack_retries)));
                    } else if self.run.exact_timing && e.t != due {
                        vs.push(("synack-backoff", format!(
                            "resend {} of the SYN,ACK to port {port} at {} µs: with the timeout doubling from {} µs it is due at {due} µs (RFC 6298 §5.5; Linux reqsk_timeout)", entry.resends, e.t, p.rto_initial_us)));
                    }
                }
                for (k, m) in vs {
                    self.v(k, i, m);
                }
            }
            (K::Discard { reason, .. }, None)
                if e.side == 1 && reason == "accept-queue-full-ack" && !self.full(self.accept.len() as u32) =>
            {
                self.v(
                    "ack-dropped-only-when-full",
                    i,
                    format!(
                        "the handshake's ACK was dropped as if the accept queue were full, but it holds {} of {}",
                        self.accept.len(),
                        self.backlog + 1
                    ),
                );
            }
            (K::Queue { syn, accept, backlog, reason }, _) => {
                if reason == "syn-queue-expired" {
                    self.expire(i, e.t);
                }
                let (want_syn, want_accept) = (self.syn_len(), self.accept.len() as u32);
                if (*syn, *accept, *backlog) != (want_syn, want_accept, self.backlog) {
                    self.v("queue-lengths", i, format!(
                        "queue event ({reason}) shows SYN queue {syn}, accept queue {accept}, backlog {backlog}; the oracle's model has {want_syn}, {want_accept}, {}", self.backlog));
                }
                if *syn > self.backlog + 1 || *accept > self.backlog + 1 {
                    self.v("queue-bound", i, format!(
                        "a queue holds more than backlog + 1 = {} (SYN {syn}, accept {accept}; Linux inet_csk_reqsk_queue_is_full, sk_acceptq_is_full)", self.backlog + 1));
                }
            }
            _ => {}
        }
    }

    /// A segment from another host reaches the listener.
    fn other_host(&mut self, i: usize, port: u16, seg: &Seg) {
        let t = self.run.all[i].0.t;
        let p = self.run.profiles[1].clone();
        if self.server == St::Closed {
            return;
        }
        if seg.rst {
            if self.entries.get(&port).is_some_and(|e| seg.seq == e.irs.wrapping_add(1)) {
                self.entries.remove(&port);
            }
            return;
        }
        let replies: Vec<(Seg, String)> =
            self.replies(i, Some(port)).into_iter().map(|(s, r)| (*s, r.into())).collect();
        if seg.syn && seg.ack.is_none() {
            if self.entries.contains_key(&port) || self.accept.contains(&port) {
                return;
            }
            let syn_full = self.full(self.syn_len());
            let accept_full = self.full(self.accept.len() as u32);
            if accept_full || syn_full && !p.syncookies {
                if !replies.is_empty() {
                    self.v("full-queue-drops-syn", i, format!(
                        "SYN from port {port} with the SYN queue at {} and the accept queue at {} of {}: dropped without an answer (Linux tcp_conn_request), saw {}", self.syn_len(), self.accept.len(), self.backlog + 1, replies[0].0.show()));
                }
            } else if syn_full {
                if !replies.iter().any(|(_, r)| r == "syn-cookie") {
                    self.v("cookie-when-syn-queue-full", i, format!(
                        "SYN from port {port} with the SYN queue full: tcp_syncookies=1 answers with a SYN cookie (RFC 4987 §3.6)"));
                }
            } else if self.run.handshake == synack_core::Handshake::TwoWay {
                self.accept.push_back(port);
            } else {
                match replies.iter().find(|(s, _)| s.syn) {
                    Some((s, _)) if s.ack == Some(seg.seq.wrapping_add(1)) => {
                        self.entries.insert(port, Entry { irs: seg.seq, iss: Some(s.seq), first_t: t, resends: 0 });
                    }
                    _ => self.v("syn-gets-syn-ack", i, format!(
                        "SYN {} from port {port} with room in both queues: a SYN,ACK acknowledging its ISN + 1 must answer it (RFC 9293 §3.10.7.2)", seg.show())),
                }
            }
            return;
        }
        let Some(a) = seg.ack else { return };
        if let Some(e) = self.entries.get(&port) {
            let completes = !seg.syn && e.iss.is_some_and(|iss| a == iss.wrapping_add(1));
            if completes && !self.full(self.accept.len() as u32) {
                self.entries.remove(&port);
                self.accept.push_back(port);
            }
            return;
        }
        let cookie = self
            .cookies
            .iter()
            .any(|&(cp, isn, peer)| cp == port && a == isn.wrapping_add(1) && seg.seq == peer.wrapping_add(1));
        let took = self.run.all[i + 1..]
            .iter()
            .take_while(|(e, _)| e.t == t)
            .any(|(e, _)| matches!(&e.k, K::Accept { reason, .. } if reason == "syn-cookie-ack"));
        if took && !cookie {
            self.v("cookie-must-match", i, format!(
                "{} from port {port} was taken as a SYN cookie's ACK, but it acknowledges no cookie sent to that port (RFC 4987 §3.6)", seg.show()));
        }
        if took {
            self.accept.push_back(port);
        }
    }

    /// An entry expired: one must be due, after its last resend's doubled timeout.
    fn expire(&mut self, i: usize, t: u64) {
        let p = &self.run.profiles[1];
        let n = p.synack_retries;
        let due = |e: &Entry| backed_off(e.first_t, p.rto_initial_us, p.rto_max_us, n + 1);
        let exact = self.run.exact_timing;
        let found = self.entries.iter().find(|(_, e)| e.resends == n && (!exact || due(e) == t)).map(|(port, _)| *port);
        match found {
            Some(port) => {
                self.entries.remove(&port);
            }
            None => self.v("entry-expires-after-retries", i, format!(
                "a SYN-queue entry expired at {t} µs, but none had been resent tcp_synack_retries = {n} times and reached its last timeout (Linux reqsk_timer_handler)")),
        }
    }
}

/// When the `k`-th timeout after `first` ends: each timeout doubles the one before,
/// from `initial`, up to `max` (RFC 6298 §5.5, §2.5; Linux reqsk_timeout caps at
/// TCP_RTO_MAX).
fn backed_off(first: u64, initial: u64, max: u64, k: u32) -> u64 {
    first + (0..k).map(|j| initial.saturating_mul(1u64 << j.min(40)).min(max)).sum::<u64>()
}
