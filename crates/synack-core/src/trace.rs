//! A run's record: every event at its virtual time. See `docs/trace-format.md`.

use crate::prelude::*;

use serde::Serialize;

use crate::action::Action;
use crate::endpoint::{AppNote, SynCookie, TimerAction, TimerKind};
use crate::profile::{Handshake, ProfileName};
use crate::reason::Reason;
use crate::segment::Segment;
use crate::seq::SeqNum;
use crate::state::State;

// Re-exported where they were first defined, so `trace::Side` and the rest still work.
pub use crate::net::DropCause;
pub use crate::side::{Dir, Side};

/// Something the application did, or was told.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(untagged)]
pub enum AppEvent {
    /// A call the scenario made: `{"do": "connect"}`.
    Call(Action),
    /// A notification from the endpoint: `{"note": "connected"}`.
    Note(AppNote),
}

#[derive(Clone, Debug, Serialize)]
pub struct Event {
    pub t_us: u64,
    pub side: Side,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The kinds of event. Segment events carry an `id` numbering segments in the order
/// they were sent, from 1 (the number `--drop` takes).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// `side` sent a segment (at its departure time).
    Send {
        id: u32,
        dir: Dir,
        segment: Segment,
        #[serde(flatten)]
        reason: Reason,
        retransmission: bool,
        /// An old duplicate from an earlier incarnation, injected by the scenario.
        stale: bool,
        /// The numbers a reader sees in relative mode (see [`Relative`]).
        #[serde(flatten)]
        relative: Relative,
        /// A SYN,ACK answering from a SYN cookie: what its ISN encodes.
        #[serde(skip_serializing_if = "Option::is_none")]
        cookie: Option<SynCookie>,
    },
    /// A segment reached `side`.
    Deliver { id: u32, dir: Dir, segment: Segment },
    /// The network lost a segment that `side` sent.
    Drop { id: u32, dir: Dir, cause: DropCause },
    /// The network duplicated a segment that `side` sent; `copy` is the copy's id.
    Duplicate { id: u32, dir: Dir, copy: u32 },
    /// `side` dropped a delivered segment without replying.
    Discard {
        id: u32,
        #[serde(flatten)]
        reason: Reason,
    },
    /// `side` took a delivered segment in without changing state, for this reason.
    Accept {
        id: u32,
        #[serde(flatten)]
        reason: Reason,
    },
    State {
        from: State,
        to: State,
        #[serde(flatten)]
        reason: Reason,
    },
    Timer {
        timer: TimerKind,
        #[serde(flatten)]
        action: TimerAction,
    },
    App {
        #[serde(flatten)]
        app: AppEvent,
    },
    /// A listener with a backlog: its queues' lengths after a change, and why.
    Queue {
        syn_queue: u32,
        accept_queue: u32,
        backlog: u32,
        #[serde(flatten)]
        reason: Reason,
    },
}

/// A segment's sequence and acknowledgment numbers as a reader sees them in
/// relative mode, never negative (docs/trace-format.md, "Relative numbers").
///
/// Each number is counted from the ISN of the incarnation it belongs to: a side's
/// incarnations are the ISNs it sends in SYNs (its own, and old duplicates or forged
/// segments sent in its name) between the same two ports, as Wireshark counts per
/// stream, and a number belongs to the one it follows most closely, within half the
/// sequence space (RFC 9293 §3.4); a forged segment, sent blind, is counted knowing
/// the ISNs sent after it too, so an ACK that guesses right shows `ack=1`. A number
/// that follows none of them, and the SEQ=0 of a reset from a closed port, is
/// `None`: shown as it is on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize)]
pub struct Relative {
    pub seq_rel: Option<u32>,
    pub ack_rel: Option<u32>,
    /// Which of its side's ISNs each number counts from: 0 for the side's first,
    /// 1 for the next incarnation (an old duplicate's, or a new connection's after
    /// a crash), and so on; what textbook notation writes x, x′ (client) and y, y′
    /// (server). `None` where the number is shown as sent.
    pub seq_isn: Option<u32>,
    pub ack_isn: Option<u32>,
}

/// Works out [`Relative`] numbers for segments in the order they are sent, and
/// afterwards for forged ones ([`Numbering::forged`]).
#[derive(Clone, Debug, Default)]
pub struct Numbering {
    /// Each side's ISNs in the order first sent, with the connection each opens.
    isns: [Vec<(Stream, SeqNum)>; 2],
}

/// A connection, by its client-side port. Without the queues there is only one
/// stream, and the key takes no room and no code.
#[cfg(feature = "queues")]
type Stream = u16;
#[cfg(not(feature = "queues"))]
type Stream = ();

impl Numbering {
    pub fn new() -> Numbering {
        Numbering::default()
    }

    /// The relative numbers of a segment that `from` sends now, knowing the ISNs
    /// sent so far.
    pub fn number(&mut self, from: Side, seg: &Segment) -> Relative {
        self.learn(from, seg);
        self.relative(from, seg)
    }

    /// Number again the forged segments in `events` knowing every ISN of the run:
    /// an attacker's blind ACK guesses an ISN sent after it, and is counted from
    /// that one if it follows it (`ack=1` for a right guess).
    pub fn forged(events: &mut [Event]) {
        let mut n = Numbering::new();
        for e in events.iter() {
            if let EventKind::Send { segment, .. } = &e.kind {
                n.learn(e.side, segment);
            }
        }
        for e in events.iter_mut() {
            if let EventKind::Send { segment, relative, reason: Reason::Forged, .. } = &mut e.kind {
                *relative = n.relative(e.side, segment);
            }
        }
    }

    /// The connection a segment belongs to.
    #[cfg(feature = "queues")]
    fn stream(from: Side, seg: &Segment) -> Stream {
        match from {
            Side::Client => seg.src_port,
            Side::Server => seg.dst_port,
        }
    }

    #[cfg(not(feature = "queues"))]
    fn stream(_: Side, _: &Segment) -> Stream {}

    fn learn(&mut self, from: Side, seg: &Segment) {
        let isn = (Self::stream(from, seg), seg.seq);
        if seg.flags.syn && !seg.flags.rst && !self.isns[from.index()].contains(&isn) {
            self.isns[from.index()].push(isn);
        }
    }

    // (Without the queues a stream is `()`: the binding and comparisons are no-ops.)
    #[cfg_attr(not(feature = "queues"), allow(clippy::let_unit_value))]
    fn relative(&self, from: Side, seg: &Segment) -> Relative {
        let stream = Self::stream(from, seg);
        let closed_port_reset = seg.flags.rst && seg.seq == SeqNum(0) && seg.ack.is_some();
        let seq = if closed_port_reset { None } else { self.counted(from, stream, seg.seq) };
        let ack = seg.ack.and_then(|a| self.counted(from.peer(), stream, a));
        Relative {
            seq_rel: seq.map(|(n, _)| n),
            ack_rel: ack.map(|(n, _)| n),
            seq_isn: seq.map(|(_, i)| i),
            ack_isn: ack.map(|(_, i)| i),
        }
    }

    /// `n` counted from the ISN of `stream` it follows most closely, and that ISN's
    /// index among all the side's.
    #[cfg_attr(not(feature = "queues"), allow(clippy::unit_cmp))]
    fn counted(&self, side: Side, stream: Stream, n: SeqNum) -> Option<(u32, u32)> {
        self.isns[side.index()]
            .iter()
            .enumerate()
            .filter(|(_, (s, _))| *s == stream)
            .filter_map(|(i, &(_, isn))| Some((u32::try_from(n.since(isn)).ok()?, i as u32)))
            .min()
    }
}

/// One side as the trace introduces it.
#[derive(Clone, Debug, Serialize)]
pub struct PeerInfo {
    pub port: u16,
    /// The ISN of this side's first connection.
    pub isn: u32,
    pub profile: ProfileName,
}

/// A plain statement about how the run ended. The key is stable (front ends
/// translate by key); the English text is the reference rendering.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fact {
    UnwantedConnection,
    UnwantedAccepted,
    HalfOpenHeld,
    StaleRejected,
    UnconfirmedDropped,
    Established,
    Closed,
    TimedOut,
    Refused,
    Reset,
    ClientLockedOut,
    Truncated,
    SynQueueOverflow,
    CookieConnection,
    AcceptQueueOverflow,
    FinWait2Dropped,
    KeepaliveGaveUp,
    ForgedConnection,
}

impl Fact {
    pub const ALL: [Fact; 18] = [
        Fact::UnwantedConnection,
        Fact::UnwantedAccepted,
        Fact::HalfOpenHeld,
        Fact::StaleRejected,
        Fact::UnconfirmedDropped,
        Fact::Established,
        Fact::Closed,
        Fact::TimedOut,
        Fact::Refused,
        Fact::Reset,
        Fact::ClientLockedOut,
        Fact::Truncated,
        Fact::SynQueueOverflow,
        Fact::CookieConnection,
        Fact::AcceptQueueOverflow,
        Fact::FinWait2Dropped,
        Fact::KeepaliveGaveUp,
        Fact::ForgedConnection,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Fact::UnwantedConnection => "server-holds-unwanted-connection",
            Fact::UnwantedAccepted => "server-accepted-unwanted-connection",
            Fact::HalfOpenHeld => "server-holds-half-open-connection",
            Fact::ForgedConnection => "server-holds-forged-connection",
            Fact::StaleRejected => "stale-connection-rejected",
            Fact::UnconfirmedDropped => "unconfirmed-connection-dropped",
            Fact::Established => "established",
            Fact::Closed => "closed",
            Fact::TimedOut => "timed-out",
            Fact::Refused => "refused",
            Fact::Reset => "reset",
            Fact::ClientLockedOut => "client-locked-out",
            Fact::Truncated => "truncated",
            Fact::SynQueueOverflow => "syn-queue-overflowed",
            Fact::CookieConnection => "syn-cookie-connection",
            Fact::AcceptQueueOverflow => "accept-queue-overflowed",
            Fact::FinWait2Dropped => "fin-wait-2-dropped",
            Fact::KeepaliveGaveUp => "keepalive-gave-up",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            Fact::UnwantedConnection => {
                "The server holds an ESTABLISHED connection that no client asked for: its resources stay tied up."
            }
            Fact::UnwantedAccepted => {
                "The server handed its application a connection that no client asked for, before anything confirmed its own ISN; the client's reset then took it away."
            }
            Fact::UnconfirmedDropped => {
                "The server dropped a half-finished connection (SYN-RECEIVED) that nothing had confirmed: its application never heard of it."
            }
            Fact::ForgedConnection => {
                "The server holds an ESTABLISHED connection that the client never opened: an attacker made it by guessing the server's ISN, and the server's application took the attacker's bytes as the client's."
            }
            Fact::HalfOpenHeld => {
                "The server still holds an ESTABLISHED connection whose client is gone (half-open): it will not notice until it sends something."
            }
            Fact::StaleRejected => {
                "The client reset the connection it had not asked for; the server, not yet committed to it, went back to LISTEN, and its application never heard of it."
            }
            Fact::Established => "Both sides are ESTABLISHED on the same connection.",
            Fact::Closed => "Both sides closed the connection cleanly.",
            Fact::TimedOut => {
                "The connection was given up: its retransmissions never got the acknowledgment they waited for."
            }
            Fact::Refused => "The connection was refused with a reset.",
            Fact::Reset => "The connection was reset.",
            Fact::ClientLockedOut => {
                "The diagram stops here, but nothing would change: each SYN the client sends again meets the stale connection, so it retries until it gives up."
            }
            Fact::Truncated => "The run stopped at its time or event limit.",
            Fact::SynQueueOverflow => {
                "The listener's SYN queue was full, so SYNs were dropped without any answer (Linux counts them as ListenDrops); their sender could only retry."
            }
            Fact::CookieConnection => {
                "The connection was rebuilt from a SYN cookie (RFC 4987 §3.6): between its SYN,ACK and the client's ACK the server kept no state at all."
            }
            Fact::KeepaliveGaveUp => {
                "No keep-alive probe was answered, so the side took its silent peer for dead and gave the connection up (RFC 1122 §4.2.3.6): without keep-alive it would have waited for ever."
            }
            Fact::FinWait2Dropped => {
                "A closed socket waited in FIN-WAIT-2 for the peer's FIN and was dropped after Linux's tcp_fin_timeout (60 s); the RFC's state machine would have waited for ever."
            }
            Fact::AcceptQueueOverflow => {
                "The accept queue was full, so the server dropped segments of a finished handshake (Linux ListenOverflows) while the client already believed it was ESTABLISHED."
            }
        }
    }
}

impl Serialize for Fact {
    /// `{"key": …, "text": …}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("key", self.key())?;
        m.serialize_entry("text", self.text())?;
        m.end()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub client: State,
    pub server: State,
    /// What a reader should take away, most important first.
    pub facts: Vec<Fact>,
    /// The run hit its time horizon or event limit before going quiet.
    pub truncated: bool,
    pub end_us: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Trace {
    pub scenario: String,
    pub title: String,
    pub handshake: Handshake,
    pub seed: u64,
    pub client: PeerInfo,
    pub server: PeerInfo,
    pub events: Vec<Event>,
    pub outcome: Outcome,
}

impl Trace {
    /// The send events in order: the segments a ladder diagram draws.
    pub fn sends(&self) -> impl Iterator<Item = (&Event, &Segment)> {
        self.events.iter().filter_map(|e| match &e.kind {
            EventKind::Send { segment, .. } => Some((e, segment)),
            _ => None,
        })
    }

    /// How one side was introduced.
    pub fn peer(&self, side: Side) -> &PeerInfo {
        match side {
            Side::Client => &self.client,
            Side::Server => &self.server,
        }
    }

    /// Every state change of one side, in order.
    pub fn states(&self, side: Side) -> Vec<State> {
        let mut v = Vec::new();
        for e in &self.events {
            if let EventKind::State { from, to, .. } = e.kind {
                if e.side == side {
                    if v.is_empty() {
                        v.push(from);
                    }
                    v.push(to);
                }
            }
        }
        v
    }
}
