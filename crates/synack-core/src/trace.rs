//! A run's record: every event at its virtual time. See `docs/trace-format.md`.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::endpoint::{AppNote, TimerAction, TimerKind};
use crate::profile::{Handshake, ProfileName};
use crate::reason::Reason;
use crate::scenario::Action;
use crate::segment::Segment;
use crate::state::State;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::Client, Side::Server];

    pub fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which way a segment travels.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    C2s,
    S2c,
}

impl Dir {
    pub fn from(side: Side) -> Dir {
        match side {
            Side::Client => Dir::C2s,
            Side::Server => Dir::S2c,
        }
    }
    pub fn sender(self) -> Side {
        match self {
            Dir::C2s => Side::Client,
            Dir::S2c => Side::Server,
        }
    }
}

/// Why the network lost a segment.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropCause {
    /// The link's random loss rate.
    Loss,
    /// The scenario (or a reader's click) asked for this segment to be lost.
    Scripted,
}

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
}

/// One side as the trace introduces it.
#[derive(Clone, Debug, Serialize)]
pub struct PeerInfo {
    pub port: u16,
    /// The ISN of this side's first connection.
    pub isn: u32,
    pub profile: ProfileName,
}

/// A plain statement about how the run ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct Fact {
    pub key: &'static str,
    pub text: &'static str,
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
