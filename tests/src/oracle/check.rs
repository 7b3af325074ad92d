//! The oracle's own model of one TCP endpoint per side, replayed over a trace.
//!
//! Each side keeps what RFC 9293 §3.3.1 calls the TCB, rebuilt from the trace alone:
//! ISS, SND.UNA, SND.NXT from what it sent and what was acknowledged to it; IRS and
//! RCV.NXT from the SYN it took (the one that moved it out of LISTEN or SYN-SENT)
//! and the in-order segments delivered to it; and the retransmission timer's RTO
//! from the timer's `set` events. Every event is checked against that model.

use std::collections::HashSet;

use synack_core::{Handshake, ProfileName, UnexpectedAnswer};

use super::model::{diff, le, lt, within, Call, Ev, Note, Run, Seg, St, TimerAct, TimerName, K, SIDE};
use super::{Rule, Violation};

const SECOND: u64 = 1_000_000;

/// A segment that takes sequence space, for Karn's rule: when it was first sent and
/// whether it was ever sent again.
#[derive(Clone, Debug)]
struct Sent {
    seq: u32,
    end: u32,
    first_t: u64,
    retransmitted: bool,
}

/// One connection of one side (an incarnation: from its OPEN to CLOSED or LISTEN).
#[derive(Clone, Debug)]
struct Conn {
    /// Opened from LISTEN: a reset in SYN-RECEIVED returns it there (RFC 9293 §3.10.7.4).
    passive: bool,
    iss: Option<u32>,
    snd_una: u32,
    snd_nxt: u32,
    /// The sequence number our FIN occupies.
    fin_seq: Option<u32>,
    irs: Option<u32>,
    rcv_nxt: u32,
    /// RCV.NXT just after a SYN or FIN advanced it (to tell rule 2 from rule 1).
    ctl_end: Option<u32>,
    last_ack: Option<u32>,
    sent: Vec<Sent>,
    first_syn_t: Option<u64>,
    syn_acked: bool,
    /// The RTO in use, as the last `set` of the retransmission timer showed it.
    rto: Option<u64>,
    armed_at: Option<u64>,
    initial: bool,
    after_fire: bool,
    syn_timed_out: bool,
    /// SYN retransmission timeouts in SYN-SENT so far.
    syn_sent_fires: u32,
    sampled: bool,
    /// A segment sent only once was acknowledged since the last `set`: a valid RTT sample.
    fresh_ack: bool,
    /// An ACK that covered only retransmitted segments: (its time, the first send of the earliest).
    retx_only_ack: Option<(u64, u64)>,
    data_rto_seen: bool,
    /// The right edge of the window this side offers, as its segments told it
    /// (SEG.ACK + SEG.WND, scaled once both SYNs carried the option).
    offered: Option<u32>,
    /// This side's SYN carried a Fast Open option (RFC 7413).
    fo_sent: bool,
    /// Bytes of the peer's SYN this (passive) side took with a valid cookie.
    syn_data_taken: u32,
}

impl Conn {
    fn new(passive: bool) -> Conn {
        Conn {
            passive,
            iss: None,
            snd_una: 0,
            snd_nxt: 0,
            fin_seq: None,
            irs: None,
            rcv_nxt: 0,
            ctl_end: None,
            last_ack: None,
            sent: Vec::new(),
            first_syn_t: None,
            syn_acked: false,
            rto: None,
            armed_at: None,
            initial: true,
            after_fire: false,
            syn_timed_out: false,
            syn_sent_fires: 0,
            sampled: false,
            fresh_ack: false,
            retx_only_ack: None,
            data_rto_seen: false,
            offered: None,
            fo_sent: false,
            syn_data_taken: 0,
        }
    }
}

#[derive(Clone, Debug)]
struct SideM {
    state: St,
    conn: Option<Conn>,
    /// The connection that ended last: when, and in which state (for the RST of an abort).
    prev: Option<(u64, Conn, St)>,
    pending_syn: Option<(u64, u32)>,
    last_deliver: Option<(u64, Seg, u32)>,
    last_call: Option<(u64, Call, usize)>,
    tw_deadline: Option<u64>,
    tw_last_set: Option<u64>,
    app_sent: u64,
    /// Bytes an attacker sent in this side's name (forged segments, RFC 6528 §1):
    /// they may reach the peer's application although this side sent nothing.
    forged_bytes: u64,
    app_received: u64,
    broken: bool,
    sent_rst: bool,
    /// A close or shutdown in a synchronized state that a FIN must follow: (event, time).
    fin_owed: Option<(usize, u64)>,
    gave_up_at: Option<u64>,
    /// The SYN cookies this listener sent to the followed peer: (ISN, the peer's
    /// ISN, the MSS index in its low bits). Any recent one is good (Linux checks
    /// the last two minutes' counters).
    cookies: Vec<(u32, u32, u32)>,
    /// The cookies that have rebuilt a connection.
    cookies_used: Vec<u32>,
    /// A cookie rebuilt a connection from a later segment, or a second time.
    cookie_rebuilt_oddly: bool,
    /// Data bytes taken in order on the current connection (what the application
    /// could read; `app_received` is what it did read).
    in_order: u64,
    /// The window-scale option of this side's last SYN.
    ws: Option<u32>,
    /// TCP Fast Open (RFC 7413 §4.1.2): the cookies this server has handed out
    /// since its host last crashed (a crash draws a new key).
    fo_issued: Vec<(u8, u128)>,
    /// The cookie this client's host cached from a SYN,ACK that answered its own
    /// Fast Open SYN (§4.1.3), since it last crashed.
    fo_cached: Option<(u8, u128)>,
}

impl SideM {
    fn new() -> SideM {
        SideM {
            state: St::Closed,
            conn: None,
            prev: None,
            pending_syn: None,
            last_deliver: None,
            last_call: None,
            tw_deadline: None,
            tw_last_set: None,
            app_sent: 0,
            forged_bytes: 0,
            app_received: 0,
            broken: false,
            sent_rst: false,
            fin_owed: None,
            gave_up_at: None,
            cookies: Vec::new(),
            cookies_used: Vec::new(),
            cookie_rebuilt_oddly: false,
            in_order: 0,
            ws: None,
            fo_issued: Vec::new(),
            fo_cached: None,
        }
    }

    /// The current connection, or the one that ended at `t` (its last segments
    /// follow the state change in the trace).
    fn conn_at(&self, t: u64) -> Option<&Conn> {
        self.conn.as_ref().or(self.prev.as_ref().filter(|p| p.0 == t).map(|p| &p.1))
    }
}

/// Something that must (or must not) happen at the same instant.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// A time-wait timer set at this instant; `restart` after a FIN arrived again.
    TimeWaitSet { restart: bool },
    /// A two-way client answers an unexpected segment with `<SEQ=seq><CTL=RST>`.
    Rst { seq: u32 },
    /// A two-way client ignores an unexpected segment: it sends nothing.
    NoReply,
    /// A two-way client sends no third segment: no bare ACK of the server's SYN alone.
    NoBareAck { ack: u32 },
}

struct Checker<'a> {
    run: &'a Run,
    sides: [SideM; 2],
    discarded: HashSet<(usize, u32)>,
    expects: Vec<(u64, usize, usize, Expect)>,
    out: Vec<Violation>,
}

/// Check one run against every rule; an empty list means the run is clean.
pub fn check(run: &Run) -> Vec<Violation> {
    let discarded = run
        .events
        .iter()
        .filter_map(|e| if let K::Discard { id, .. } = e.k { Some((e.side, id)) } else { None })
        .collect();
    let mut c = Checker { run, sides: [SideM::new(), SideM::new()], discarded, expects: Vec::new(), out: Vec::new() };
    for (i, e) in run.events.iter().enumerate() {
        c.flush(e.t);
        match &e.k {
            K::Send { id, seg, reason, retransmission, stale, .. } => {
                // A forged segment is not this side's: like a stale one, it binds
                // nothing the side does; what it carries may still be delivered.
                if reason == "forged" {
                    c.sides[e.side].forged_bytes += u64::from(seg.len);
                } else if !*stale {
                    c.send(i, e, *id, seg, reason, *retransmission);
                }
            }
            K::Deliver { id, seg } => c.deliver(i, e, *id, seg),
            K::State { from, to, reason } => c.state(i, e, *from, *to, reason),
            K::Timer { timer, act } => c.timer(i, e, *timer, *act),
            K::Call(call) => c.call(i, e, *call),
            K::Note(note) => c.note(i, e, *note),
            K::Drop { .. } | K::Duplicate { .. } | K::Discard { .. } | K::Accept { .. } | K::Queue { .. } => {}
        }
    }
    c.flush(u64::MAX);
    c.end();
    let mut out = c.out;
    out.extend(super::queues::check(run));
    out.extend(super::flow::check(run));
    out
}

impl Checker<'_> {
    fn v(&mut self, rule: Rule, check: &'static str, i: usize, msg: String) {
        let (t, side) = self.run.events.get(i).map_or((0, "-"), |e| (e.t, SIDE[e.side]));
        self.out.push(Violation {
            rule,
            check,
            message: format!("{} | event #{i} t={t} µs {side}: {msg}", self.run.label),
        });
    }

    fn flush(&mut self, now: u64) {
        let due: Vec<_> = self.expects.iter().copied().filter(|x| x.0 < now).collect();
        self.expects.retain(|x| x.0 >= now);
        for (t, side, i, what) in due {
            match what {
                Expect::TimeWaitSet { restart } if self.sides[side].tw_last_set != Some(t) => {
                    let tw = self.time_wait_us(side);
                    if restart {
                        self.v(Rule::TimeWait, "fin-restarts-2msl", i, format!(
                            "a FIN arrived again in TIME-WAIT: expected the 2×MSL timer restarted ({tw} µs), saw no time-wait set at t={t} µs (RFC 9293 §3.10.7.4, TIME-WAIT: \"restart the 2 MSL time-out\")"));
                    } else {
                        self.v(Rule::TimeWait, "time-wait-timer", i, format!(
                            "entered TIME-WAIT: expected a time-wait timer of 2×MSL = {tw} µs, saw none set at t={t} µs (RFC 9293 §3.10.7.4)"));
                    }
                }
                Expect::Rst { seq } => self.v(Rule::HandshakeMode, "two-way-reset", i, format!(
                    "unexpected_answer=reset: expected <SEQ={seq}><CTL=RST> in answer, saw no RST (docs/architecture.md; RFC 9293 §3.10.7.3)")),
                _ => {}
            }
        }
    }

    fn expect(&mut self, t: u64, side: usize, i: usize, what: Expect) {
        self.expects.push((t, side, i, what));
    }

    fn send(&mut self, i: usize, e: &Ev, id: u32, seg: &Seg, reason: &str, retransmission: bool) {
        let x = e.side;
        let t = e.t;
        if seg.syn {
            // Its window-scale option, whatever answers it (a SYN cookie's too).
            self.sides[x].ws = seg.ws;
        }
        // A SYN,ACK from a SYN cookie (Linux, RFC 4987 §3.6) leaves the listener with
        // no connection: it must answer the SYN just delivered, and the ACK that
        // comes back must acknowledge its ISN + 1.
        if reason == "syn-cookie" && self.sides[x].state == St::Listen && self.sides[x].conn.is_none() {
            let m = &mut self.sides[x];
            match m.last_deliver.filter(|d| d.0 == t && d.1.syn && d.1.ack.is_none()) {
                Some((_, syn, _)) if seg.syn && seg.ack == Some(syn.seq.wrapping_add(1)) => {
                    let index = match &self.run.events[i].k {
                        K::Send { cookie: Some(c), .. } => c.mss_index,
                        _ => 0,
                    };
                    m.cookies.push((seg.seq, syn.seq, index));
                }
                _ => self.v(Rule::SeqAck, "cookie-answers-syn", i, format!(
                    "segment {id} {}: a SYN cookie's SYN,ACK answers the SYN delivered at this instant, acknowledging its ISN + 1 (RFC 9293 §3.4; RFC 4987 §3.6)", seg.show())),
            }
            return;
        }
        // Same-instant expectations about what this side may send.
        let mut hits = Vec::new();
        self.expects.retain(|&(et, es, ei, w)| {
            let hit =
                et == t && es == x && matches!(w, Expect::Rst { .. } | Expect::NoReply | Expect::NoBareAck { .. });
            if hit && matches!(w, Expect::Rst { .. }) && !seg.rst {
                return true;
            }
            if hit {
                hits.push((ei, w));
            }
            !(hit && matches!(w, Expect::Rst { .. }))
        });
        for (ei, w) in hits {
            match w {
                Expect::Rst { seq } if seg.seq != seq || seg.ack.is_some() => self.v(Rule::HandshakeMode, "two-way-reset", i, format!(
                    "unexpected_answer=reset, answering event #{ei}: expected <SEQ={seq}><CTL=RST>, saw {} (RFC 9293 §3.10.7.3)", seg.show())),
                Expect::NoReply => self.v(Rule::HandshakeMode, "two-way-ignore", i, format!(
                    "unexpected_answer=ignore: the segment of event #{ei} must be silently dropped, saw segment {id} {} sent in answer (docs/architecture.md, two-way-ignored)", seg.show())),
                Expect::NoBareAck { ack } if !seg.syn && !seg.fin && !seg.rst && seg.len == 0 && seg.ack == Some(ack) => self.v(Rule::HandshakeMode, "two-way-no-third-segment", i, format!(
                    "two-way client became ESTABLISHED on the SYN,ACK: expected no third segment, saw segment {id} {} (docs/architecture.md, Handshake modes)", seg.show())),
                _ => {}
            }
        }
        if seg.rst {
            self.rst(i, e, id, seg, reason);
            return;
        }
        if seg.syn {
            self.fast_open_syn(i, x, id, seg);
        }
        let hs = self.run.handshake;
        let two_way = hs == Handshake::TwoWay;
        // The scale of this side's windows: its own option, once both SYNs had one.
        let scale = match (self.sides[0].ws, self.sides[1].ws) {
            (Some(_), Some(_)) => self.sides[x].ws.unwrap_or(0),
            _ => 0,
        };
        let m = &mut self.sides[x];
        let last_deliver = m.last_deliver;
        let mut vs: Vec<(Rule, &'static str, String)> = Vec::new();
        let Some(c) = m.conn.as_mut() else {
            self.v(Rule::SeqAck, "segment-without-connection", i, format!(
                "segment {id} {} sent in {} with no connection (no SYN sent or taken): only a RST may be sent there (RFC 9293 §3.10.7.1, §3.10.7.2)", seg.show(), self.sides[x].state.name()));
            return;
        };
        if seg.ack.is_none() {
            if !seg.syn {
                vs.push((Rule::SeqAck, "ack-bit", format!(
                    "segment {id} {} has no ACK bit: every segment after the first SYN carries one (RFC 9293 §3.10.7.4: \"if the ACK bit is off drop the segment\")", seg.show())));
            } else if reason == "four-way-syn" || (hs == Handshake::FourWay && c.passive) {
                // The four-way server sends (and resends) its SYN without the ACK bit.
                if hs != Handshake::FourWay {
                    vs.push((
                        Rule::HandshakeMode,
                        "four-way-syn-outside-four-way",
                        format!("segment {id}: a four-way SYN in {hs} mode"),
                    ));
                }
            } else if c.irs.is_some() {
                vs.push((Rule::SeqAck, "ack-bit", format!(
                    "segment {id} {} ({reason}): a SYN without ACK after the peer's SYN was taken, in {}: expected <SEQ={}><ACK={}><CTL=SYN,ACK> (RFC 9293 §3.10.7.3, Fig. 7 line 5: SYN-RECEIVED sends SYN,ACK)",
                    seg.show(), m.state.name(), seg.seq, c.rcv_nxt)));
            }
        }
        if seg.syn {
            match c.iss {
                None => {
                    c.iss = Some(seg.seq);
                    c.snd_una = seg.seq;
                    c.snd_nxt = seg.seq.wrapping_add(1);
                    c.first_syn_t = Some(t);
                    if two_way && c.passive {
                        // The two-way server treats its SYN as delivered.
                        c.snd_una = c.snd_nxt;
                        c.syn_acked = true;
                    }
                }
                Some(iss) if iss != seg.seq => vs.push((Rule::SynFin, "syn-reuses-isn", format!(
                    "segment {id} {}: a SYN again on the same connection must carry the same ISN {iss} (RFC 9293 §3.4: the SYN occupies ISS; a retransmitted SYN reuses it)", seg.show()))),
                Some(_) => {}
            }
            if seg.ack.is_none() {
                c.fo_sent |= seg.fo.is_some();
            }
            if let Some(a) = seg.ack {
                // With Fast Open, also the data of the SYN it took (RFC 7413 §4.2.2).
                let taken = c.syn_data_taken;
                match c.irs {
                    Some(irs) if a != irs.wrapping_add(1).wrapping_add(taken) => vs.push((Rule::SynFin, "syn-ack-acks-isn-plus-1", format!(
                        "segment {id} {}: a SYN,ACK acknowledges the peer's ISN + 1 = {} (its SYN takes one sequence number{}), saw ACK={a} (RFC 9293 §3.4, Fig. 6)", seg.show(), irs.wrapping_add(1).wrapping_add(taken), if taken > 0 { format!(", and {taken} bytes of data taken with a Fast Open cookie, RFC 7413 §4.2.2") } else { String::new() }))),
                    None => vs.push((Rule::SeqAck, "ack-without-peer-syn", format!(
                        "segment {id} {}: acknowledges {a}, but this side took no SYN from the peer (RFC 9293 §3.10.7.3)", seg.show()))),
                    _ => {}
                }
            }
            if hs == Handshake::FourWay && c.passive && seg.ack.is_some() {
                vs.push((Rule::HandshakeMode, "four-way-separate-syn", format!(
                    "segment {id} {}: the four-way server sends its ACK and its SYN as separate segments, never SYN,ACK (docs/architecture.md)", seg.show())));
            }
            if two_way && c.passive && retransmission && !last_deliver.is_some_and(|d| d.0 == t && d.1.syn) {
                vs.push((Rule::HandshakeMode, "two-way-no-synack-retransmission", format!(
                    "segment {id} {}: the two-way server never retransmits its SYN,ACK on a timeout, only repeats it when the SYN comes again (docs/architecture.md)", seg.show())));
            }
        } else if c.iss.is_none() {
            if reason == "four-way-ack" && hs == Handshake::FourWay {
                if let (Some(a), Some(_)) = (seg.ack, c.irs) {
                    if a != c.rcv_nxt {
                        vs.push((Rule::SynFin, "syn-ack-acks-isn-plus-1", format!(
                            "segment {id} {}: the four-way lone ACK acknowledges ISN+1 = {}, saw {a} (RFC 9293 §3.4)", seg.show(), c.rcv_nxt)));
                    }
                    // It offers the first window (unscaled: no SYN of this side yet),
                    // and the peer's segments are judged against it from now on.
                    let edge = a.wrapping_add(seg.window);
                    if c.offered.is_none_or(|o| lt(o, edge)) {
                        c.offered = Some(edge);
                    }
                }
            } else {
                vs.push((
                    Rule::SeqAck,
                    "segment-before-syn",
                    format!(
                        "segment {id} {} ({reason}) sent before this side's SYN: SND.NXT is undefined (RFC 9293 §3.4)",
                        seg.show()
                    ),
                ));
            }
            for (r, k, msg) in vs {
                self.v(r, k, i, msg);
            }
            return;
        }
        let iss = c.iss.unwrap_or(seg.seq);
        if !within(seg.seq, iss, c.snd_nxt) {
            vs.push((
                Rule::SeqAck,
                "seq-within-iss-snd-nxt",
                format!(
                    "segment {id} {}: SEQ must lie in [ISS, SND.NXT] = [{iss}, {}] (RFC 9293 §3.4, §3.8.1)",
                    seg.show(),
                    c.snd_nxt
                ),
            ));
        }
        if let Some(a) = seg.ack {
            if c.irs.is_some() && !seg.syn {
                let exact = self.run.exact_timing;
                let bad =
                    if exact { a != c.rcv_nxt } else { !le(a, c.rcv_nxt) || c.last_ack.is_some_and(|l| lt(a, l)) };
                if bad {
                    let fin_or_syn = a.wrapping_add(1) == c.rcv_nxt && c.ctl_end == Some(c.rcv_nxt);
                    let (rule, key) = if fin_or_syn {
                        (Rule::SynFin, "ack-counts-syn-fin")
                    } else {
                        (Rule::SeqAck, "ack-is-rcv-nxt")
                    };
                    vs.push((rule, key, format!(
                        "segment {id} {} ({reason}): ACK must be RCV.NXT = {} (what it has received in order{}), saw {a} (off by {}) (RFC 9293 §3.10.7.4, §3.4)",
                        seg.show(), c.rcv_nxt, if fin_or_syn { ", counting the SYN/FIN as one" } else { "" }, diff(a, c.rcv_nxt))));
                }
            }
        }
        if let Some(f) = c.fin_seq {
            let data_end = seg.seq.wrapping_add(seg.len).wrapping_add(u32::from(seg.syn));
            if seg.fin && data_end != f {
                vs.push((
                    Rule::SynFin,
                    "fin-keeps-its-place",
                    format!("segment {id} {}: the FIN was at {f}, now at {data_end} (RFC 9293 §3.4)", seg.show()),
                ));
            } else if !seg.fin && seg.len > 0 && lt(f, data_end) {
                vs.push((
                    Rule::SynFin,
                    "no-data-after-fin",
                    format!("segment {id} {}: data beyond the FIN at {f} (RFC 9293 §3.10.4)", seg.show()),
                ));
            }
        }
        // Update the model.
        let end = seg.end();
        if lt(c.snd_nxt, end) {
            c.snd_nxt = end;
        }
        if seg.seg_len() > 0 {
            if let Some(s) = c.sent.iter_mut().find(|s| s.seq == seg.seq) {
                s.retransmitted = true;
                if lt(s.end, end) {
                    s.end = end;
                }
            } else {
                c.sent.push(Sent { seq: seg.seq, end, first_t: t, retransmitted: retransmission });
            }
        }
        if seg.fin {
            c.fin_seq = Some(seg.seq.wrapping_add(seg.len).wrapping_add(u32::from(seg.syn)));
            m.fin_owed = None;
        }
        if seg.ack.is_some() {
            c.last_ack = seg.ack;
        }
        if let (Some(a), false) = (seg.ack, seg.rst) {
            let shift = if seg.syn { 0 } else { scale };
            let edge = a.wrapping_add(seg.window << shift);
            if c.offered.is_none_or(|o| lt(o, edge)) {
                c.offered = Some(edge);
            }
        }
        for (r, k, msg) in vs {
            self.v(r, k, i, msg);
        }
    }

    /// Rule 4: the forms of RST.
    fn rst(&mut self, i: usize, e: &Ev, id: u32, seg: &Seg, reason: &str) {
        let x = e.side;
        let t = e.t;
        let m = &mut self.sides[x];
        m.sent_rst = true;
        let mut vs: Vec<(&'static str, String)> = Vec::new();
        if seg.len > 0 {
            vs.push(("rst-carries-no-data", format!("segment {id} {}: a RST with data", seg.show())));
        }
        // A close() with received bytes unread resets like an abort (RFC 2525 §2.17;
        // Linux tcp_close), from the connection's SND.NXT and RCV.NXT.
        let unread = m.in_order > m.app_received;
        // So does a keep-alive timeout (RFC 1122 §4.2.3.6; Linux tcp_keepalive_timer).
        let aborted = reason == "keepalive-timeout"
            || m.last_call.is_some_and(|(ct, call, _)| {
                ct == t && (call == Call::Abort || call == Call::Close && unread && m.conn.is_none())
            });
        if aborted {
            let before =
                if m.conn.is_some() { Some(m.state) } else { m.prev.as_ref().filter(|p| p.0 == t).map(|p| p.2) };
            match (m.conn_at(t), before) {
                (_, Some(St::SynSent | St::Listen | St::Closing | St::LastAck | St::TimeWait)) => vs.push((
                    "abort-rst-only-when-synchronized",
                    format!(
                        "segment {id} {}: ABORT in {} sends no RST (RFC 9293 §3.10.5)",
                        seg.show(),
                        before.map_or("?", St::name)
                    ),
                )),
                (Some(c), _) => {
                    if seg.seq != c.snd_nxt {
                        vs.push((
                            "abort-rst-seq-snd-nxt",
                            format!(
                                "segment {id} {}: ABORT sends <SEQ=SND.NXT>, SND.NXT = {} (RFC 9293 §3.10.5)",
                                seg.show(),
                                c.snd_nxt
                            ),
                        ));
                    }
                    if let Some(a) = seg.ack {
                        if c.irs.is_some() && a != c.rcv_nxt {
                            vs.push(("abort-rst-ack-rcv-nxt", format!(
                                "segment {id} {}: the RST,ACK of an abort (as Linux sends it) acknowledges RCV.NXT = {} (RFC 9293 §3.10.5; docs/architecture.md)", seg.show(), c.rcv_nxt)));
                        }
                    }
                }
                _ => {}
            }
        } else {
            let trigger = m.last_deliver.filter(|d| d.0 == t || !self.run.exact_timing);
            match trigger {
                None => vs.push(("rst-answers-a-segment", format!(
                    "segment {id} {}: a RST with no segment delivered at t={t} µs to answer and no abort (RFC 9293 §3.10.7, §3.5.2)", seg.show()))),
                Some((_, trig, tid)) if trig.rst => vs.push(("rst-never-answers-rst", format!(
                    "segment {id} {} answers segment {tid} {}, itself a RST: \"an incoming segment containing a RST is discarded\" (RFC 9293 §3.10.7.1, §3.10.7.2)", seg.show(), trig.show()))),
                Some((_, trig, tid)) => match trig.ack {
                    Some(a) if seg.seq != a || seg.ack.is_some() => vs.push(("rst-seq-is-seg-ack", format!(
                        "segment {id} answers segment {tid} {}: expected <SEQ={a}><CTL=RST> (the sequence number from the ACK field, no ACK bit), saw {} (RFC 9293 §3.10.7.1, §3.10.7.3, §3.5.2)", trig.show(), seg.show()))),
                    Some(_) => {}
                    None => {
                        let want = trig.seq.wrapping_add(trig.seg_len());
                        if seg.seq != 0 || seg.ack != Some(want) {
                            vs.push(("rst-ack-of-no-ack-segment", format!(
                                "segment {id} answers segment {tid} {} (no ACK bit): expected <SEQ=0><ACK={want}><CTL=RST,ACK>, saw {} (RFC 9293 §3.10.7.1)", trig.show(), seg.show())));
                        }
                    }
                },
            }
        }
        for (k, msg) in vs {
            self.v(Rule::RstForm, k, i, msg);
        }
    }

    fn deliver(&mut self, i: usize, e: &Ev, id: u32, seg: &Seg) {
        let x = e.side;
        let t = e.t;
        let discarded = self.discarded.contains(&(x, id));
        let hs = self.run.handshake;
        let unexpected = self.run.unexpected;
        // A two-way client's "third segment" is what it sends on the SYN,ACK alone.
        self.expects.retain(|w| !(w.1 == x && matches!(w.3, Expect::NoBareAck { .. })));
        // What this side sends from now on answers this segment, not one delivered
        // earlier at the same instant (an ignored stale SYN,ACK, then the real one).
        self.expects.retain(|w| !(w.0 == t && w.1 == x && matches!(w.3, Expect::NoReply)));
        // The receiver's own answer at this instant, before anything else reaches it.
        let answered_unacceptable = self.run.events[i + 1..]
            .iter()
            .take_while(|n| n.t == t && !(n.side == x && matches!(n.k, K::Deliver { .. })))
            .any(|n| n.side == x && matches!(&n.k, K::Send { reason, .. } if reason == "unacceptable"));
        let m = &mut self.sides[x];
        m.last_deliver = Some((t, *seg, id));
        let state = m.state;
        // A SYN in TIME-WAIT may be a new connection for the listener (RFC 6191).
        if seg.syn
            && !seg.rst
            && (matches!(state, St::Listen | St::SynSent) || state == St::TimeWait && seg.ack.is_none())
        {
            m.pending_syn = Some((t, seg.seq));
        }
        let mut expects = Vec::new();
        if state == St::TimeWait && seg.fin && !seg.rst {
            expects.push(Expect::TimeWaitSet { restart: true });
        }
        let mut vs = Vec::new();
        let mut new_data = 0;
        if let Some(c) = m.conn.as_mut() {
            if let (Some(iss), Some(a), false) = (c.iss, seg.ack, seg.rst) {
                // Rule 9: the client's answer to a segment it did not ask for, under
                // the run's rule (a two-way client's, or any client told to ignore).
                // (A Fast Open SYN's data may be acknowledged with it, RFC 7413 §4.2.)
                if (hs == Handshake::TwoWay || unexpected == UnexpectedAnswer::Ignore)
                    && x == 0
                    && state == St::SynSent
                    && !within(a, iss.wrapping_add(1), c.snd_nxt)
                {
                    match unexpected {
                        UnexpectedAnswer::Ignore => {
                            expects.push(Expect::NoReply);
                            if !discarded {
                                vs.push(format!(
                                    "unexpected_answer=ignore: segment {id} {} does not acknowledge ISS+1 = {}, expected a discard (two-way-ignored), saw none",
                                    seg.show(), iss.wrapping_add(1)));
                            }
                        }
                        UnexpectedAnswer::Reset => expects.push(Expect::Rst { seq: a }),
                    }
                }
                let acceptable_ack = if state == St::SynReceived {
                    // It must acknowledge our SYN (RFC 9293 §3.10.7.4); the four-way
                    // client may already have recorded the lone ACK of it.
                    within(a, iss.wrapping_add(1), c.snd_nxt)
                } else {
                    le(a, c.snd_nxt)
                };
                // The sequence test comes first in a synchronized state (RFC 9293
                // §3.10.7.4): an unacceptable segment is answered with an ACK and
                // dropped, its ACK field unused. A SYN,ACK in SYN-RECEIVED is taken
                // anyway (`simultaneous-syn-ack`, as Linux does; docs/architecture.md).
                // A zero window (the right edge offered is RCV.NXT) takes no text: a
                // segment with data is unacceptable, its ACK unused (RFC 9293 §3.10.7.4).
                let zero_window = c.offered == Some(c.rcv_nxt) && c.irs.is_some();
                // A segment at or past the right edge last offered may be outside RCV.WND
                // or inside it (the window may have grown since): either is right, and
                // the receiver's answer says which (an ACK for an unacceptable segment).
                let past_edge = c.offered.is_some_and(|edge| !lt(seg.seq, edge)) && c.irs.is_some();
                let refused = past_edge && answered_unacceptable;
                let seq_ok = !refused
                    && (c.irs.is_none()
                        || matches!(state, St::SynSent | St::Listen | St::Closed)
                        || (seg.syn && state == St::SynReceived)
                        || if seg.seg_len() == 0 {
                            within(seg.seq, c.rcv_nxt, c.rcv_nxt.wrapping_add(1 << 30))
                        } else if zero_window && !matches!(state, St::SynReceived) {
                            false
                        } else {
                            within(seg.seq, c.rcv_nxt, c.rcv_nxt.wrapping_add(1 << 30)) || lt(c.rcv_nxt, seg.end())
                        });
                let acceptable_ack = acceptable_ack && seq_ok;
                if !discarded && seq_ok && lt(c.snd_una, a) && le(a, c.snd_nxt) {
                    // A SYN,ACK of a Fast Open SYN that acknowledges the SYN alone: the
                    // SYN is acknowledged, its data is not (RFC 7413 §4.2).
                    if state == St::SynSent && seg.syn {
                        if let Some(s) = c.sent.iter_mut().find(|s| s.seq == iss && lt(a, s.end)) {
                            s.end = a;
                        }
                        // The client's host caches a cookie that answers its own option.
                        if let Some(cookie) = seg.fo.filter(|&(len, _)| len > 0 && c.fo_sent) {
                            m.fo_cached = Some(cookie);
                        }
                    }
                    // New data acknowledged: which segments, and were they ever resent?
                    let (acked, kept): (Vec<Sent>, Vec<Sent>) = c.sent.drain(..).partition(|s| le(s.end, a));
                    c.sent = kept;
                    // With timestamps every ACK of new data measures a round trip from
                    // the TSval it echoes, retransmitted or not (RFC 7323 §4.1, §4.2).
                    if acked.iter().any(|s| !s.retransmitted) || seg.echoes_ts {
                        c.sampled = true;
                        c.fresh_ack = true;
                        c.retx_only_ack = None;
                    } else if let Some(first) = acked.iter().map(|s| s.first_t).min() {
                        if !c.fresh_ack {
                            c.retx_only_ack = Some((t, first));
                        }
                    }
                    c.snd_una = a;
                    if le(iss.wrapping_add(1), a) {
                        c.syn_acked = true;
                    }
                }
                // RCV.NXT: the in-order part of an acceptable segment (RFC 9293 §3.10.7.4).
                if let Some(_irs) = c.irs {
                    if !discarded
                        && acceptable_ack
                        && matches!(state, St::SynReceived | St::Established | St::FinWait1 | St::FinWait2)
                    {
                        let start = seg.seq.wrapping_add(u32::from(seg.syn));
                        let mut end = seg.end();
                        let mut fin = seg.fin;
                        // Text past the window offered is trimmed, and a FIN after it with it
                        // (a FIN right after text that fits is taken, as Linux takes it).
                        let data_end = end.wrapping_sub(u32::from(seg.fin));
                        if let Some(edge) = c.offered.filter(|&e| lt(e, data_end) && !seg.syn) {
                            end = edge;
                            fin = false;
                        }
                        if le(start, c.rcv_nxt) && lt(c.rcv_nxt, end) {
                            let data_end = end.wrapping_sub(u32::from(fin));
                            if lt(c.rcv_nxt, data_end) {
                                new_data += u64::from(data_end.wrapping_sub(c.rcv_nxt));
                            }
                            c.rcv_nxt = end;
                            c.ctl_end = fin.then_some(end);
                        }
                    }
                }
            }
        }
        self.sides[x].in_order += new_data;
        for w in expects {
            self.expect(t, x, i, w);
        }
        for msg in vs {
            self.v(Rule::HandshakeMode, "two-way-ignore", i, msg);
        }
    }

    fn state(&mut self, i: usize, e: &Ev, from: St, to: St, reason: &str) {
        use St::*;
        let x = e.side;
        let t = e.t;
        let hs = self.run.handshake;
        let passive = self.sides[x].conn.as_ref().is_some_and(|c| c.passive);
        let mut vs: Vec<(Rule, &'static str, String)> = Vec::new();
        let was = self.sides[x].state;
        if from != was {
            vs.push((
                Rule::StateDiagram,
                "from-is-previous-state",
                format!(
                    "state change {}→{}: `from` must be the side's previous state {}",
                    from.name(),
                    to.name(),
                    was.name()
                ),
            ));
        }
        // RFC 9293 §3.3.2, Fig. 5, with the text's extra edges.
        let edge = match (from, to) {
            (Closed, Listen) | (Closed, SynSent) => true,
            (Listen, SynReceived) => {
                if hs == Handshake::TwoWay {
                    vs.push((Rule::HandshakeMode, "two-way-commits", format!(
                        "two-way server: a SYN in LISTEN goes straight to ESTABLISHED (two-way-commit), saw LISTEN→SYN-RECEIVED ({reason})")));
                }
                true
            }
            (Listen, Established) if reason == "syn-cookie-ack" => true,
            (Listen, Established) => {
                if hs != Handshake::TwoWay {
                    vs.push((Rule::HandshakeMode, "only-two-way-skips-syn-received", format!(
                        "LISTEN→ESTABLISHED ({reason}) in {hs} mode: only the two-way counterfactual skips SYN-RECEIVED (RFC 9293 §3.5)")));
                }
                true
            }
            (Listen, SynSent) | (Listen, Closed) => true,
            (SynSent, SynReceived) | (SynSent, Established) => true,
            (SynReceived, Established) | (SynReceived, FinWait1) => true,
            (SynReceived, Listen) => passive,
            (Established, FinWait1) | (Established, CloseWait) => true,
            (FinWait1, FinWait2) | (FinWait1, Closing) | (FinWait1, TimeWait) => true,
            (FinWait2, TimeWait) | (CloseWait, LastAck) | (Closing, TimeWait) => true,
            (LastAck, Closed) | (TimeWait, Closed) => true,
            // ABORT, a RST, a timeout or a crash (RFC 9293 §3.10.5, §3.10.7, §3.8.3).
            (f, Closed) => f != Closed,
            _ => false,
        };
        if !edge {
            vs.push((
                Rule::StateDiagram,
                "edge-of-fig-5",
                format!(
                    "{}→{} ({reason}) is not a transition of RFC 9293 Fig. 5{}",
                    from.name(),
                    to.name(),
                    if (from, to) == (SynReceived, Listen) {
                        " for a connection opened actively (only a passive OPEN returns to LISTEN, §3.10.7.4)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        let m = &mut self.sides[x];
        let fin_in = m.last_deliver.is_some_and(|d| d.0 == t && d.1.fin && !d.1.rst);
        let needs_fin_in = matches!((from, to), (Established, CloseWait) | (FinWait1, Closing) | (FinWait2, TimeWait))
            || ((from, to) == (FinWait1, TimeWait) && reason != "app-abort");
        if needs_fin_in && !fin_in {
            vs.push((
                Rule::StateDiagram,
                "fin-received-transition",
                format!(
                    "{}→{} ({reason}) needs the peer's FIN, and no FIN was delivered at t={t} µs (RFC 9293 §3.10.7.4)",
                    from.name(),
                    to.name()
                ),
            ));
        }
        if matches!((from, to), (FinWait1, FinWait2) | (Closing, TimeWait) | (FinWait1, TimeWait))
            || (from, to) == (LastAck, Closed) && reason == "last-ack-acked"
        {
            if let Some(c) = m.conn.as_ref() {
                let acked = c.fin_seq.is_some_and(|f| c.snd_una == f.wrapping_add(1));
                if !acked {
                    vs.push((Rule::SynFin, "fin-acked-before-moving-on", format!(
                        "{}→{} ({reason}): our FIN (at {}) must be acknowledged with ACK = FIN+1, SND.UNA is {} (RFC 9293 §3.4, §3.10.7.4)",
                        from.name(), to.name(), c.fin_seq.map_or("never sent".into(), |f| f.to_string()), c.snd_una)));
                }
            }
        }
        let rst_in = m.last_deliver.is_some_and(|d| d.0 == t && d.1.rst);
        // A RST in TIME-WAIT closes it early (RFC 9293 §3.10.7.4, TIME-WAIT, RST bit),
        // and so does a new SYN beyond the old connection (RFC 6191), checked here.
        let new_syn = reason == "time-wait-new-syn";
        // (The oracle's segments carry no TSval: with timestamps on both sides it
        // takes RFC 6191's newer-timestamp case on trust.)
        let both_ts = self.run.profiles.iter().all(|p| p.timestamps);
        let m = &mut self.sides[x];
        if new_syn {
            let syn = m.last_deliver.filter(|d| d.0 == t && d.1.syn && !d.1.rst && d.1.ack.is_none());
            let beyond = match (syn, m.conn.as_ref()) {
                (Some((_, s, _)), Some(c)) => lt(c.rcv_nxt, s.seq) || both_ts,
                _ => false,
            };
            if !beyond {
                vs.push((Rule::TimeWait, "time-wait-ends-on-a-new-syn", format!(
                    "TIME-WAIT→CLOSED (time-wait-new-syn) at {t} µs: only a SYN beyond the old connection (SEQ after RCV.NXT, or a newer timestamp) ends TIME-WAIT early (RFC 6191)")));
            }
        }
        if from == TimeWait && to == Closed && !rst_in && !new_syn && !matches!(reason, "app-abort" | "crash") {
            if let Some(d) = m.tw_deadline {
                if d != t {
                    vs.push((
                        Rule::TimeWait,
                        "time-wait-lasts-2msl",
                        format!("TIME-WAIT→CLOSED at {t} µs, but the 2×MSL timer was due at {d} µs (RFC 9293 §3.10.8)"),
                    ));
                }
            }
        }
        // Bookkeeping.
        if matches!((from, to), (Closed | Listen, SynSent)) {
            m.conn = Some(Conn::new(false));
        }
        if from == Listen && matches!(to, SynReceived | Established) {
            m.conn = Some(Conn::new(true));
        }
        if (from, to) == (Listen, Established) && reason == "syn-cookie-ack" {
            // Linux rebuilds the connection from the cookie that the ACK brings back.
            let d = m.last_deliver.filter(|d| d.0 == t);
            // The check takes the peer's ISN as SEG.SEQ - 1 and subtracts it: a
            // segment from k bytes later decodes the MSS index k lower, and passes
            // while that is still an index (Linux cookie_v4_check's arithmetic; a
            // late ACK after data can rebuild a connection that has ended).
            let brought = d.and_then(|(_, seg, _)| {
                m.cookies.iter().copied().find(|&(cookie, peer_isn, index)| {
                    let later = seg.seq.wrapping_sub(peer_isn.wrapping_add(1));
                    seg.ack == Some(cookie.wrapping_add(1)) && later <= index
                })
            });
            match (d, brought) {
                (Some((_, seg, _)), Some((cookie, sent_to, _))) => {
                    let peer_isn = seg.seq.wrapping_sub(1);
                    // Rebuilt from a later segment, the connection starts past bytes
                    // the peer sent before it: they are lost to this side, and the
                    // peer, acknowledged past them, never resends them. That is the
                    // cookie's design (it keeps no ISN), not a stall to report.
                    if peer_isn != sent_to {
                        m.cookie_rebuilt_oddly = true;
                    }
                    // A cookie that comes back again (a late or duplicated ACK, within
                    // its two minutes) rebuilds a second connection with the same
                    // bytes: Linux's cookies cannot tell. Nothing can be said of what
                    // the applications got across the two.
                    if m.cookies_used.contains(&cookie) {
                        m.cookie_rebuilt_oddly = true;
                    }
                    m.cookies_used.push(cookie);
                    if let Some(c) = m.conn.as_mut() {
                        c.iss = Some(cookie);
                        c.snd_una = cookie.wrapping_add(1);
                        c.snd_nxt = c.snd_una;
                        c.syn_acked = true;
                        c.irs = Some(peer_isn);
                        // Data in the same segment is taken at once.
                        c.rcv_nxt = seg.seq.wrapping_add(seg.len).wrapping_add(u32::from(seg.fin));
                    }
                    // ... and counts as received, read or not (a close() then resets).
                    m.in_order += u64::from(seg.len);
                }
                _ => vs.push((Rule::SeqAck, "cookie-ack", format!(
                    "LISTEN→ESTABLISHED (syn-cookie-ack): the segment delivered at t={t} µs must acknowledge a SYN cookie sent ({:?}) + 1, from the peer's ISN + 1 (RFC 4987 §3.6)", m.cookies))),
            }
        } else if matches!(from, Listen | SynSent) && matches!(to, SynReceived | Established) {
            match m.pending_syn.filter(|p| p.0 == t) {
                Some((_, irs)) => {
                    if let Some(c) = m.conn.as_mut() {
                        c.irs = Some(irs);
                        c.rcv_nxt = irs.wrapping_add(1);
                        c.ctl_end = Some(c.rcv_nxt);
                    }
                }
                None => vs.push((Rule::StateDiagram, "synchronized-by-a-syn", format!(
                    "{}→{} ({reason}) without a SYN delivered at t={t} µs: only the peer's SYN gives IRS (RFC 9293 §3.10.7.2, §3.10.7.3)", from.name(), to.name()))),
            }
            m.pending_syn = None;
        }
        if (from, to) == (Listen, SynReceived) {
            vs.extend(self.fast_open_accept(x, t, reason));
        }
        if hs == Handshake::TwoWay && x == 0 && (from, to) == (SynSent, Established) {
            if let Some(irs) = self.sides[x].conn.as_ref().and_then(|c| c.irs) {
                self.expects.push((t, x, i, Expect::NoBareAck { ack: irs.wrapping_add(1) }));
            }
        }
        if to == TimeWait {
            self.expects.push((t, x, i, Expect::TimeWaitSet { restart: false }));
        }
        let m = &mut self.sides[x];
        if matches!(reason, "retransmission-limit" | "handshake-timeout-listen") && m.gave_up_at != Some(t) {
            let c = m.conn.clone();
            m.gave_up_at = Some(t);
            if let Some(c) = c {
                self.give_up(i, x, t, &c);
            }
        }
        let m = &mut self.sides[x];
        if matches!(to, Closed | Listen) {
            if let Some(c) = m.conn.take() {
                m.prev = Some((t, c, from));
            }
        }
        m.state = to;
        for (r, k, msg) in vs {
            self.v(r, k, i, msg);
        }
    }

    /// TCP Fast Open (RFC 7413) on a SYN this side sends: only with Fast Open on;
    /// data only with the cookie its host cached from this server (§4.1.3, §4.2);
    /// a SYN,ACK's cookie only in answer to a SYN that asked for one or brought
    /// one the server would not take (§4.1.2, §4.2.2), and never empty.
    fn fast_open_syn(&mut self, i: usize, x: usize, id: u32, seg: &Seg) {
        let on = self.run.profiles[x].fast_open;
        let m = &mut self.sides[x];
        let mut vs = Vec::new();
        if seg.fo.is_some() && !on {
            vs.push((
                "fast-open-only-when-on",
                format!(
                    "segment {id} {} carries a Fast Open option, and this side's Fast Open is off (RFC 7413 §4.1.1)",
                    seg.show()
                ),
            ));
        }
        match seg.ack {
            None if seg.len > 0 => {
                let cookie = seg.fo.filter(|&(len, _)| len > 0);
                if cookie.is_none() || cookie != m.fo_cached {
                    vs.push(("syn-data-needs-a-cookie", format!(
                        "segment {id} {}: data in a SYN needs the Fast Open cookie this client's host cached from the server ({:?}), saw {:?} (RFC 7413 §4.1.3, §4.2)", seg.show(), m.fo_cached, seg.fo)));
                }
            }
            Some(_) => {
                if let Some(cookie) = seg.fo {
                    let asked =
                        m.last_deliver.is_some_and(|(_, syn, _)| syn.syn && syn.ack.is_none() && syn.fo.is_some());
                    if cookie.0 == 0 || !asked {
                        vs.push(("syn-ack-cookie-answers-an-option", format!(
                            "segment {id} {}: a SYN,ACK carries a cookie (never an empty option) only to a SYN with a Fast Open option (RFC 7413 §4.1.2)", seg.show())));
                    }
                    if !m.fo_issued.contains(&cookie) {
                        m.fo_issued.push(cookie);
                    }
                }
            }
            None => {}
        }
        for (k, msg) in vs {
            self.v(Rule::SeqAck, k, i, msg);
        }
    }

    /// A listener's LISTEN → SYN-RECEIVED on a SYN (RFC 7413 §4.2.2): it takes the
    /// SYN's data exactly when the SYN brings back a cookie it issued since its
    /// host last crashed (and Fast Open is on, in the three-way handshake); the
    /// data then counts as received, and RCV.NXT is past it.
    fn fast_open_accept(&mut self, x: usize, t: u64, reason: &str) -> Vec<(Rule, &'static str, String)> {
        let on = self.run.profiles[x].fast_open && self.run.handshake == Handshake::ThreeWay;
        let m = &mut self.sides[x];
        let Some((_, syn, _)) = m.last_deliver.filter(|d| d.0 == t && d.1.syn && d.1.ack.is_none()) else {
            return Vec::new();
        };
        let valid = on && syn.fo.is_some_and(|c| c.0 > 0 && m.fo_issued.contains(&c));
        let took = reason == "fast-open-accepted";
        let mut vs = Vec::new();
        if took != valid {
            vs.push((Rule::SeqAck, "fast-open-takes-a-valid-cookie", format!(
                "LISTEN→SYN-RECEIVED ({reason}) at {t} µs on {}, cookie {:?}, issued {:?}: a Fast Open server takes the SYN's data exactly when it brings back a cookie it issued (RFC 7413 §4.2.2)", syn.show(), syn.fo, m.fo_issued)));
        }
        if took {
            if let Some(c) = m.conn.as_mut() {
                c.syn_data_taken = syn.len;
                c.rcv_nxt = syn.seq.wrapping_add(1).wrapping_add(syn.len);
                c.ctl_end = None;
            }
            m.in_order += u64::from(syn.len);
        }
        vs
    }

    /// Rule 6: when a side may give up (RFC 9293 §3.8.3).
    fn give_up(&mut self, i: usize, x: usize, t: u64, c: &Conn) {
        let rfc = self.run.profile_names[x] == ProfileName::Rfc;
        if !c.syn_acked {
            if let Some(first) = c.first_syn_t {
                if rfc && !self.run.syn_retries_set[x] && t - first < 180 * SECOND {
                    self.v(Rule::Rto, "syn-give-up-after-3-minutes", i, format!(
                        "gave up on its SYN {} µs after first sending it: R2 for a SYN must allow retransmission for at least 3 minutes = 180000000 µs (RFC 9293 §3.8.3)", t - first));
                }
            }
        } else if let Some(oldest) = c.sent.iter().map(|s| s.first_t).min() {
            if t - oldest < 100 * SECOND {
                self.v(Rule::Rto, "data-give-up-after-100s", i, format!(
                    "gave up {} µs after first sending the oldest unacknowledged segment: R2 should be at least 100 s (RFC 9293 §3.8.3)", t - oldest));
            }
        }
    }

    /// TIME-WAIT: 2×MSL in the RFC (§3.4.2); Linux's TCP_TIMEWAIT_LEN is a fixed 60 s.
    fn time_wait_us(&self, side: usize) -> u64 {
        if let Some(us) = self.run.time_wait_set[side] {
            return us; // the scenario's choice, as syn_retries_set
        }
        match self.run.profile_names[side] {
            ProfileName::Rfc => 2 * self.run.profiles[side].msl_us,
            ProfileName::Linux => 60_000_000,
        }
    }

    fn timer(&mut self, i: usize, e: &Ev, timer: TimerName, act: TimerAct) {
        let x = e.side;
        let t = e.t;
        let p = self.run.profiles[x].clone();
        let rfc = self.run.profile_names[x] == ProfileName::Rfc;
        match (timer, act) {
            (TimerName::TimeWait, TimerAct::Set { at_us }) => {
                let m = &mut self.sides[x];
                m.tw_deadline = Some(at_us);
                m.tw_last_set = Some(t);
                let want = self.time_wait_us(x);
                if at_us.saturating_sub(t) != want {
                    self.v(Rule::TimeWait, "time-wait-lasts-2msl", i, format!(
                        "TIME-WAIT timer of {} µs, expected 2×MSL = {want} µs for the {} profile (RFC 9293 §3.4.2, §3.10.7.4)", at_us.saturating_sub(t), self.run.profile_names[x].name()));
                }
            }
            // Linux's tcp_fin_timeout (60 s) for an orphaned FIN-WAIT-2; the RFC has none.
            (TimerName::FinWait2, TimerAct::Set { at_us }) => {
                let ok = !rfc && self.sides[x].state == St::FinWait2 && at_us.saturating_sub(t) == 60_000_000;
                if !ok {
                    self.v(Rule::TimeWait, "fin-timeout-60s-linux-only", i, format!(
                        "FIN-WAIT-2 timer of {} µs in {} for the {} profile: only Linux has one, 60 s, set on entering FIN-WAIT-2 (tcp_fin_timeout)",
                        at_us.saturating_sub(t), self.sides[x].state.name(), self.run.profile_names[x].name()));
                }
            }
            (TimerName::Retransmission, TimerAct::Fired) => {
                if let Some(c) = self.sides[x].conn.as_mut() {
                    c.after_fire = true;
                    c.armed_at = None;
                    if !c.syn_acked {
                        c.syn_timed_out = true;
                    }
                    if self.sides[x].state == St::SynSent {
                        c.syn_sent_fires += 1;
                    }
                }
            }
            (TimerName::Retransmission, TimerAct::Cancelled) => {
                if let Some(c) = self.sides[x].conn.as_mut() {
                    c.armed_at = None;
                }
            }
            (TimerName::Retransmission, TimerAct::Set { at_us }) => {
                let Some(c) = self.sides[x].conn.as_mut() else { return };
                if c.armed_at == Some(at_us) {
                    return; // Re-armed for the same deadline: not a new RTO.
                }
                c.armed_at = Some(at_us);
                let rto = at_us.saturating_sub(t);
                let mut vs: Vec<(Rule, &'static str, String)> = Vec::new();
                if rto < p.rto_min_us || rto > p.rto_max_us {
                    vs.push((
                        Rule::Rto,
                        "rto-within-min-max",
                        format!(
                            "RTO {rto} µs outside the profile's [{}, {}] µs (RFC 6298 §2.4, §2.5)",
                            p.rto_min_us, p.rto_max_us
                        ),
                    ));
                }
                let three = (3 * SECOND).clamp(p.rto_min_us, p.rto_max_us);
                if c.initial {
                    if rto != p.rto_initial_us {
                        vs.push((
                            Rule::Rto,
                            "initial-rto",
                            format!(
                                "first RTO of the connection {rto} µs, expected the initial {} µs (RFC 6298 §2.1)",
                                p.rto_initial_us
                            ),
                        ));
                    }
                } else if c.after_fire {
                    let prev = c.rto.unwrap_or(p.rto_initial_us);
                    // Linux 6.5+ keeps the initial RTO for the first four SYN
                    // retransmissions (tcp_syn_linear_timeouts=4, tcp_retransmit_timer).
                    let linear = !rfc && self.sides[x].state == St::SynSent && c.syn_sent_fires <= 4;
                    let want = if linear { prev } else { (2 * prev).min(p.rto_max_us) };
                    if rto != want {
                        vs.push((Rule::Rto, "backoff-doubles", format!(
                            "RTO after a timeout {rto} µs, expected 2×{prev} capped at {} = {want} µs (RFC 6298 §5.5)", p.rto_max_us)));
                    }
                } else if !c.sampled && c.syn_timed_out && c.syn_acked && !c.data_rto_seen && !c.fresh_ack {
                    c.data_rto_seen = true;
                    if rfc && rto != three {
                        vs.push((Rule::Rto, "rto-3s-after-syn-timeout", format!(
                            "first RTO for data after the SYN timed out with no RTT sample: {rto} µs, expected {three} µs (RFC 6298 §5.7: \"the RTO MUST be re-initialized to 3 seconds\"; backed-off before: {:?})", c.rto)));
                    }
                } else if c.fresh_ack {
                    // A valid RTT sample: the RTO may take any value within bounds.
                } else if let Some(prev) = c.rto {
                    let fresh_data_after_syn = c.syn_timed_out && c.data_rto_seen && !c.sampled && rto == three;
                    if rto != prev && !fresh_data_after_syn {
                        match c.retx_only_ack {
                            Some((ack_t, first_t)) => {
                                let r = ack_t - first_t;
                                let derived = (3 * r).clamp(p.rto_min_us, p.rto_max_us);
                                vs.push((Rule::Karn, "no-sample-from-retransmitted", format!(
                                    "RTO changed from {prev} to {rto} µs after an ACK (t={ack_t} µs) that acknowledged only retransmitted segments: it must stay at the backed-off {prev} µs until a segment sent once is acknowledged{} (RFC 6298 §3, §5; Karn)",
                                    if rto.abs_diff(derived) <= rto / 20 { format!("; {rto} ≈ 3×{r} µs, the time from the original send to the ACK of its retransmission") } else { String::new() })));
                            }
                            None => vs.push((Rule::Rto, "rto-changes-only-on-sample-or-timeout", format!(
                                "RTO changed from {prev} to {rto} µs with no RTT sample and no timeout since (RFC 6298 §2, §5)"))),
                        }
                    }
                }
                c.rto = Some(rto);
                c.initial = false;
                c.after_fire = false;
                c.fresh_ack = false;
                c.retx_only_ack = None;
                for (r, k, msg) in vs {
                    self.v(r, k, i, msg);
                }
            }
            _ => {}
        }
    }

    fn call(&mut self, i: usize, e: &Ev, call: Call) {
        let m = &mut self.sides[e.side];
        m.last_call = Some((e.t, call, i));
        match call {
            Call::Send(n) => m.app_sent += n,
            Call::Close | Call::Shutdown if matches!(m.state, St::SynReceived | St::Established | St::CloseWait) => {
                m.fin_owed = Some((i, e.t));
            }
            Call::Abort | Call::Crash => m.broken = true,
            _ => {}
        }
        if call == Call::Crash {
            // A host's memory: its Fast Open key and cookie cache (RFC 7413 §4.1).
            m.fo_issued.clear();
            m.fo_cached = None;
        }
    }

    fn note(&mut self, i: usize, e: &Ev, note: Note) {
        let x = e.side;
        let t = e.t;
        let m = &mut self.sides[x];
        match note {
            Note::Received { len } => m.app_received += len,
            Note::Reset | Note::Refused => m.broken = true,
            Note::TimedOut => {
                m.broken = true;
                if m.gave_up_at != Some(t) {
                    m.gave_up_at = Some(t);
                    if let Some(c) = m.conn_at(t).cloned() {
                        self.give_up(i, x, t, &c);
                    }
                }
            }
            Note::Error => match m.last_call {
                Some((ct, Call::Send(n), _)) if ct == t => m.app_sent -= n,
                Some((ct, Call::Close | Call::Shutdown, _)) if ct == t => m.fin_owed = None,
                _ => {}
            },
            Note::Connected | Note::PeerClosed | Note::Closed => {}
        }
    }

    /// Rules 3 and 8 at the end of the run.
    fn end(&mut self) {
        let last = self.run.events.len().saturating_sub(1);
        for (x, name) in SIDE.iter().enumerate() {
            if self.sides[x].state != self.run.final_states[x] {
                let (mine, theirs) = (self.sides[x].state.name(), self.run.final_states[x].name());
                self.v(
                    Rule::StateDiagram,
                    "outcome-matches-states",
                    last,
                    format!("{}: the state events end in {mine}, the outcome says {theirs}", name),
                );
            }
        }
        if self.run.truncated {
            // The catalogue's own tests hold every run to finishing before its horizon.
            self.v(
                Rule::NoStall,
                "run-not-truncated",
                last,
                format!(
                    "the run was truncated (horizon or event limit) with the client in {} and the server in {}",
                    self.sides[0].state.name(),
                    self.sides[1].state.name()
                ),
            );
            return;
        }
        let broken = self.sides.iter().any(|m| m.broken || m.sent_rst);
        // What a cookie rebuilt oddly holds is the cookie's design, not a stall or a
        // duplicate delivery (see the cookie-ack check).
        let odd_cookie = self.sides.iter().any(|m| m.cookie_rebuilt_oddly);
        for (x, name) in SIDE.iter().enumerate() {
            let y = 1 - x;
            // An application that does not read has its bytes in the buffer: TCP delivered them.
            let got = if self.run.profiles[y].app_reads { self.sides[y].app_received } else { self.sides[y].in_order };
            let sent = self.sides[x].app_sent;
            if got > sent + self.sides[x].forged_bytes && !odd_cookie {
                self.v(
                    Rule::NoStall,
                    "bytes-delivered-once",
                    last,
                    format!("the {} application received {got} bytes, the {} sent only {sent}", SIDE[y], name),
                );
            } else if got < sent && !broken && !odd_cookie {
                self.v(Rule::NoStall, "bytes-delivered", last, format!(
                    "the run ended untruncated: the {} application sent {sent} bytes, the {} received {got}, and nobody was reset, refused, timed out, aborted or crashed (RFC 9293 §3.8.1: the sender retransmits until acknowledged)", name, SIDE[y]));
            }
            let m = &self.sides[x];
            if let Some((ci, ct)) = m.fin_owed {
                if !m.broken && !m.sent_rst && !self.sides[y].sent_rst {
                    self.v(Rule::NoStall, "fin-after-close", ci, format!(
                        "close/shutdown at t={ct} µs in a synchronized state, and no FIN was ever sent; the run ended in {} (RFC 9293 §3.10.4: \"queue this until all preceding SENDs have been segmentized, then form a FIN segment and send it\")", m.state.name()));
                }
            }
            let st = self.sides[x].state;
            if matches!(st, St::SynSent | St::SynReceived | St::FinWait1 | St::Closing | St::LastAck | St::TimeWait) {
                self.v(Rule::NoStall, "no-stuck-state", last, format!(
                    "the run ended untruncated with the {} in {}: something unacknowledged is left and no timer will move it (RFC 9293 §3.8.1, §3.8.3)", name, st.name()));
            }
        }
    }
}
