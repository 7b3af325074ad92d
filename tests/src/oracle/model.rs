//! The oracle's own view of a trace: plain data read from the trace's JSON form
//! (`docs/trace-format.md`), so that nothing here depends on the engine's types
//! beyond what the trace format documents.

use serde_json::Value;
use synack_core::{Handshake, Profile, ProfileName, Scenario, Trace, UnexpectedAnswer};

/// Sequence numbers compared modulo 2^32 (RFC 9293 §3.4): `a - b` as a signed distance.
pub fn diff(a: u32, b: u32) -> i64 {
    i64::from(a.wrapping_sub(b) as i32)
}

/// `a < b` in sequence space.
pub fn lt(a: u32, b: u32) -> bool {
    diff(a, b) < 0
}

/// `a <= b` in sequence space.
pub fn le(a: u32, b: u32) -> bool {
    diff(a, b) <= 0
}

/// `lo <= x <= hi` in sequence space, measured from `lo` so that it works across 2^32.
pub fn within(x: u32, lo: u32, hi: u32) -> bool {
    x.wrapping_sub(lo) <= hi.wrapping_sub(lo)
}

/// The eleven states of RFC 9293 §3.3.2.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum St {
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}

impl St {
    pub const ALL: [St; 11] = [
        St::Closed,
        St::Listen,
        St::SynSent,
        St::SynReceived,
        St::Established,
        St::FinWait1,
        St::FinWait2,
        St::CloseWait,
        St::Closing,
        St::LastAck,
        St::TimeWait,
    ];

    pub fn name(self) -> &'static str {
        match self {
            St::Closed => "CLOSED",
            St::Listen => "LISTEN",
            St::SynSent => "SYN-SENT",
            St::SynReceived => "SYN-RECEIVED",
            St::Established => "ESTABLISHED",
            St::FinWait1 => "FIN-WAIT-1",
            St::FinWait2 => "FIN-WAIT-2",
            St::CloseWait => "CLOSE-WAIT",
            St::Closing => "CLOSING",
            St::LastAck => "LAST-ACK",
            St::TimeWait => "TIME-WAIT",
        }
    }

    pub fn parse(s: &str) -> Option<St> {
        St::ALL.into_iter().find(|st| st.name() == s)
    }
}

/// A segment as the trace shows it. `len` is the payload only (not SYN or FIN).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Seg {
    pub seq: u32,
    pub ack: Option<u32>,
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
    pub len: u32,
    /// It carries a timestamps option echoing a TSval (TSecr non-zero).
    pub echoes_ts: bool,
    /// The window field as sent (not scaled).
    pub window: u32,
    /// Its window-scale option (on a SYN).
    pub ws: Option<u32>,
    /// Its TCP Fast Open option (RFC 7413 §4.1.1): the cookie's length in bytes
    /// (0 for a request) and its bytes, big-endian in a u128.
    pub fo: Option<(u8, u128)>,
}

impl Seg {
    /// SEG.LEN of RFC 9293 §3.4: SYN and FIN count one each.
    pub fn seg_len(&self) -> u32 {
        self.len + u32::from(self.syn) + u32::from(self.fin)
    }
    pub fn end(&self) -> u32 {
        self.seq.wrapping_add(self.seg_len())
    }
    /// The segment written the way RFC 9293 writes segments.
    pub fn show(&self) -> String {
        let mut f = Vec::new();
        for (on, n) in [(self.fin, "FIN"), (self.syn, "SYN"), (self.rst, "RST"), (self.ack.is_some(), "ACK")] {
            if on {
                f.push(n);
            }
        }
        let mut s = format!("<SEQ={}>", self.seq);
        if let Some(a) = self.ack {
            s += &format!("<ACK={a}>");
        }
        s += &format!("<CTL={}>", f.join(","));
        if self.len > 0 {
            s += &format!("<DATA={}>", self.len);
        }
        s
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Call {
    Listen,
    Connect,
    Send(u64),
    Shutdown,
    Close,
    Abort,
    Crash,
    Accept,
    Read,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Note {
    Connected,
    Received { len: u64 },
    PeerClosed,
    Closed,
    Reset,
    Refused,
    TimedOut,
    Error,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TimerName {
    Retransmission,
    TimeWait,
    DelayedAck,
    FinWait2,
    Keepalive,
    Persist,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TimerAct {
    Set { at_us: u64 },
    Fired,
    Cancelled,
}

/// What a SYN cookie's ISN is made of, as the trace says (`cookie` of a send).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Cookie {
    pub isn: u32,
    pub peer_isn: u32,
    pub hash1: u32,
    pub count: u32,
    pub hash2: u32,
    pub mss_index: u32,
    pub mss: u32,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum K {
    Send {
        id: u32,
        seg: Seg,
        reason: String,
        retransmission: bool,
        stale: bool,
        cookie: Option<Cookie>,
    },
    Deliver {
        id: u32,
        seg: Seg,
    },
    Drop {
        id: u32,
    },
    Duplicate {
        id: u32,
        copy: u32,
    },
    Discard {
        id: u32,
        reason: String,
    },
    Accept {
        id: u32,
        reason: String,
    },
    State {
        from: St,
        to: St,
        reason: String,
    },
    Timer {
        timer: TimerName,
        act: TimerAct,
    },
    Call(Call),
    Note(Note),
    /// A listener's queue lengths after a change.
    Queue {
        syn: u32,
        accept: u32,
        backlog: u32,
        reason: String,
    },
}

/// One event: `side` is 0 for the client, 1 for the server.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Ev {
    pub t: u64,
    pub side: usize,
    pub k: K,
}

pub const SIDE: [&str; 2] = ["client", "server"];

/// Everything the oracle knows about one run: the events and the few settings
/// that change what is right (handshake mode, profiles).
#[derive(Clone, Debug)]
pub struct Run {
    /// Scenario id, handshake, ISNs, seed, drops and profiles, for messages.
    pub label: String,
    pub handshake: Handshake,
    pub unexpected: UnexpectedAnswer,
    pub profiles: [Profile; 2],
    pub profile_names: [ProfileName; 2],
    /// The scenario chose its own SYN retry count (so §3.8.3's 3 minutes are its choice).
    pub syn_retries_set: [bool; 2],
    /// The scenario's own TIME-WAIT length (0: the `no-time-wait` counterfactual).
    pub time_wait_set: [Option<u64>; 2],
    /// No link has a transmission time: a segment leaves at the instant it is made.
    pub exact_timing: bool,
    pub truncated: bool,
    pub final_states: [St; 2],
    /// The events of the connection the two sides follow: everything but the
    /// segments of other hosts (another client, a forged source) and the
    /// listener's queue events.
    pub events: Vec<Ev>,
    /// Every event in order, each segment event with the port of the other host
    /// it belongs to, if it belongs to one (for the listener-queue rule).
    pub all: Vec<(Ev, Option<u16>)>,
    /// The scenario's client and server ports.
    pub ports: [u16; 2],
    /// The server's listen backlog, if the scenario models the queues.
    pub backlog: Option<u32>,
}

fn s(v: &Value, k: &str) -> Result<String, String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| format!("no string {k} in {v}"))
}

fn n(v: &Value, k: &str) -> Result<u64, String> {
    v.get(k).and_then(Value::as_u64).ok_or_else(|| format!("no number {k} in {v}"))
}

fn seg(v: &Value) -> Result<Seg, String> {
    let flags: Vec<&str> = v
        .get("flags")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    Ok(Seg {
        seq: n(v, "seq")? as u32,
        ack: v.get("ack").and_then(Value::as_u64).map(|a| a as u32),
        syn: flags.contains(&"SYN"),
        fin: flags.contains(&"FIN"),
        rst: flags.contains(&"RST"),
        len: n(v, "len")? as u32,
        echoes_ts: v
            .get("options")
            .and_then(|o| o.get("timestamps"))
            .and_then(|t| t.get(1))
            .and_then(Value::as_u64)
            .is_some_and(|ecr| ecr != 0),
        window: n(v, "window")? as u32,
        ws: v.get("options").and_then(|o| o.get("window_scale")).and_then(Value::as_u64).map(|w| w as u32),
        fo: match v.get("options").and_then(|o| o.get("fast_open")) {
            None => None,
            Some(c) => Some(fast_open(c.as_str().ok_or_else(|| format!("fast_open is not a string in {v}"))?)?),
        },
    })
}

/// A Fast Open cookie written as hex, "" for a request (docs/trace-format.md).
fn fast_open(hex: &str) -> Result<(u8, u128), String> {
    if hex.len() & 1 == 1 || hex.len() > 32 {
        return Err(format!("fast_open {hex:?}: not whole bytes, or more than 16"));
    }
    let value = if hex.is_empty() {
        0
    } else {
        u128::from_str_radix(hex, 16).map_err(|e| format!("fast_open {hex:?}: {e}"))?
    };
    Ok(((hex.len() / 2) as u8, value))
}

fn state(v: &Value, k: &str) -> Result<St, String> {
    let name = s(v, k)?;
    St::parse(&name).ok_or_else(|| format!("unknown state {name}"))
}

/// Read one event from its JSON form (`docs/trace-format.md`, "Events").
pub fn event(v: &Value) -> Result<Ev, String> {
    let t = n(v, "t_us")?;
    let side = match s(v, "side")?.as_str() {
        "client" => 0,
        "server" => 1,
        other => return Err(format!("unknown side {other}")),
    };
    let id = || n(v, "id").map(|i| i as u32);
    let k = match s(v, "kind")?.as_str() {
        "send" => K::Send {
            id: id()?,
            seg: seg(v.get("segment").ok_or("send without segment")?)?,
            reason: s(v, "reason_key")?,
            retransmission: v.get("retransmission").and_then(Value::as_bool).unwrap_or(false),
            stale: v.get("stale").and_then(Value::as_bool).unwrap_or(false),
            cookie: match v.get("cookie") {
                Some(c) => Some(Cookie {
                    isn: n(c, "isn")? as u32,
                    peer_isn: n(c, "peer_isn")? as u32,
                    hash1: n(c, "hash1")? as u32,
                    count: n(c, "count")? as u32,
                    hash2: n(c, "hash2")? as u32,
                    mss_index: n(c, "mss_index")? as u32,
                    mss: n(c, "mss")? as u32,
                }),
                None => None,
            },
        },
        "deliver" => K::Deliver { id: id()?, seg: seg(v.get("segment").ok_or("deliver without segment")?)? },
        "drop" => K::Drop { id: id()? },
        "duplicate" => K::Duplicate { id: id()?, copy: n(v, "copy")? as u32 },
        "discard" => K::Discard { id: id()?, reason: s(v, "reason_key")? },
        "accept" => K::Accept { id: id()?, reason: s(v, "reason_key")? },
        "state" => K::State { from: state(v, "from")?, to: state(v, "to")?, reason: s(v, "reason_key")? },
        "timer" => K::Timer {
            timer: match s(v, "timer")?.as_str() {
                "retransmission" => TimerName::Retransmission,
                "time-wait" => TimerName::TimeWait,
                "delayed-ack" => TimerName::DelayedAck,
                "fin-wait-2" => TimerName::FinWait2,
                "keepalive" => TimerName::Keepalive,
                "persist" => TimerName::Persist,
                other => return Err(format!("unknown timer {other}")),
            },
            act: match s(v, "action")?.as_str() {
                "set" => TimerAct::Set { at_us: n(v, "at_us")? },
                "fired" => TimerAct::Fired,
                "cancelled" => TimerAct::Cancelled,
                other => return Err(format!("unknown timer action {other}")),
            },
        },
        "app" => {
            if let Some(d) = v.get("do").and_then(Value::as_str) {
                K::Call(match d {
                    "listen" => Call::Listen,
                    "connect" => Call::Connect,
                    "send" => Call::Send(n(v, "len")?),
                    "shutdown" => Call::Shutdown,
                    "close" => Call::Close,
                    "abort" => Call::Abort,
                    "crash" => Call::Crash,
                    "accept" => Call::Accept,
                    "read" => Call::Read,
                    other => return Err(format!("unknown call {other}")),
                })
            } else {
                K::Note(match s(v, "note")?.as_str() {
                    "connected" => Note::Connected,
                    "received" => Note::Received { len: n(v, "len")? },
                    "peer-closed" => Note::PeerClosed,
                    "closed" => Note::Closed,
                    "reset" => Note::Reset,
                    "refused" => Note::Refused,
                    "timed-out" => Note::TimedOut,
                    "error" => Note::Error,
                    other => return Err(format!("unknown note {other}")),
                })
            }
        }
        "queue" => K::Queue {
            syn: n(v, "syn_queue")? as u32,
            accept: n(v, "accept_queue")? as u32,
            backlog: n(v, "backlog")? as u32,
            reason: s(v, "reason_key")?,
        },
        other => return Err(format!("unknown event kind {other}")),
    };
    Ok(Ev { t, side, k })
}

impl Run {
    /// The oracle's view of `trace`, the run of `sc`.
    pub fn new(sc: &Scenario, trace: &Trace) -> Result<Run, String> {
        let ports = [trace.client.port, trace.server.port];
        // Which host each segment id belongs to: the other end of a segment whose
        // ports are not the scenario's two.
        let mut other_of = std::collections::HashMap::new();
        let mut all = Vec::new();
        for e in &trace.events {
            let v = serde_json::to_value(e).map_err(|e| e.to_string())?;
            let ev = event(&v)?;
            let port_of = |seg: &Value| -> Option<u16> {
                let src = seg.get("src_port").and_then(Value::as_u64)? as u16;
                let dst = seg.get("dst_port").and_then(Value::as_u64)? as u16;
                let other = if ports.contains(&src) { dst } else { src };
                (!(ports.contains(&src) && ports.contains(&dst))).then_some(other)
            };
            let other = match &ev.k {
                K::Send { id, .. } | K::Deliver { id, .. } => {
                    let p = v.get("segment").and_then(port_of);
                    if let Some(p) = p {
                        other_of.insert(*id, p);
                    }
                    p
                }
                K::Drop { id } | K::Discard { id, .. } | K::Accept { id, .. } => other_of.get(id).copied(),
                K::Duplicate { id, copy } => {
                    let p = other_of.get(id).copied();
                    if let Some(p) = p {
                        other_of.insert(*copy, p);
                    }
                    p
                }
                _ => None,
            };
            all.push((ev, other));
        }
        let events = all
            .iter()
            .filter(|(e, o)| o.is_none() && !matches!(e.k, K::Queue { .. }))
            .map(|(e, _)| e.clone())
            .collect();
        let final_state = |st: synack_core::State| St::parse(st.name()).ok_or("unknown final state");
        let links = [synack_core::Side::Client, synack_core::Side::Server].map(|s| sc.network.link(s));
        Ok(Run {
            label: format!(
                "{} [{}{}] isn c={} s={} seed={} drops={:?} profiles={}/{}",
                sc.id,
                sc.handshake.name(),
                match sc.unexpected_answer {
                    Some(UnexpectedAnswer::Ignore) => ", ignore",
                    Some(UnexpectedAnswer::Reset) => ", reset",
                    None => "",
                },
                trace.client.isn,
                trace.server.isn,
                sc.seed,
                sc.network.faults.drop,
                sc.client.profile.name(),
                sc.server.profile.name(),
            ),
            handshake: sc.handshake,
            // Unset, the documented default: two-way ignores, TCP resets.
            unexpected: sc.unexpected_answer.unwrap_or(if sc.handshake == Handshake::TwoWay {
                UnexpectedAnswer::Ignore
            } else {
                UnexpectedAnswer::Reset
            }),
            profiles: [sc.client.profile(), sc.server.profile()],
            profile_names: [sc.client.profile, sc.server.profile],
            // A passive side's SYN is its SYN,ACK, retried synack_retries times.
            syn_retries_set: [
                sc.client.syn_retries.is_some() || sc.client.synack_retries.is_some(),
                sc.server.syn_retries.is_some() || sc.server.synack_retries.is_some(),
            ],
            time_wait_set: [sc.client.time_wait_us, sc.server.time_wait_us],
            exact_timing: links.iter().all(|l| l.tx_time_us == 0),
            truncated: trace.outcome.truncated,
            final_states: [final_state(trace.outcome.client)?, final_state(trace.outcome.server)?],
            events,
            all,
            ports,
            backlog: sc.server.backlog,
        })
    }
}
