//! Helpers shared by the scenario tests in `tests/tests/`.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

pub mod oracle;

use synack_core::scenario::{ActionKind, Step, When};
use synack_core::trace::{Dir, EventKind, Trace};
use synack_core::{catalogue, sim, Scenario, Side, State};

/// One expected segment: direction, flags as Wireshark writes them, SEQ, ACK, length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seg {
    pub dir: Dir,
    pub flags: &'static str,
    pub seq: u32,
    pub ack: Option<u32>,
    pub len: usize,
}

/// `c2s("SYN", 100, None)`: a segment from the client.
pub fn c2s(flags: &'static str, seq: u32, ack: Option<u32>) -> Seg {
    Seg { dir: Dir::C2s, flags, seq, ack, len: 0 }
}

/// `s2c("SYN,ACK", 300, Some(101))`: a segment from the server.
pub fn s2c(flags: &'static str, seq: u32, ack: Option<u32>) -> Seg {
    Seg { dir: Dir::S2c, flags, seq, ack, len: 0 }
}

impl Seg {
    pub fn len(mut self, len: usize) -> Seg {
        self.len = len;
        self
    }
}

/// Every segment sent in the run, in order, in the shape of [`Seg`].
pub fn segments(trace: &Trace) -> Vec<Seg> {
    trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Send { dir, segment, .. } => Some(Seg {
                dir: *dir,
                flags: leak(segment.flag_names().join(",")),
                seq: segment.seq.0,
                ack: segment.ack.map(|a| a.0),
                len: segment.payload.len(),
            }),
            _ => None,
        })
        .collect()
}

fn leak(s: String) -> &'static str {
    // Test-only: flag strings are a handful of short, repeated values.
    Box::leak(s.into_boxed_str())
}

/// The states one side passed through, starting with the state it left first.
pub fn states(trace: &Trace, side: Side) -> Vec<State> {
    trace.states(side)
}

/// Parse "CLOSED SYN-SENT ESTABLISHED" into states.
pub fn path(s: &str) -> Vec<State> {
    s.split_whitespace().map(|w| w.parse().unwrap_or_else(|()| panic!("no state {w}"))).collect()
}

/// A catalogue scenario with fixed ISNs, as the RFC figures use.
pub fn catalogue_with_isns(id: &str, client: u32, server: u32) -> Scenario {
    let mut sc = catalogue::scenario(id).unwrap_or_else(|| panic!("no scenario {id}"));
    sc.client.isn = Some(client);
    sc.server.isn = Some(server);
    sc
}

pub fn run(sc: &Scenario) -> Trace {
    sim::run(sc).unwrap_or_else(|e| panic!("scenario {} did not run: {e}", sc.id))
}

/// A server that listens and a client that connects, with fixed ISNs.
pub fn handshake(client_isn: u32, server_isn: u32) -> Scenario {
    let mut sc = catalogue_with_isns("three-way-handshake", client_isn, server_isn);
    sc.actions = vec![
        Step::new(Side::Server, When::Start, ActionKind::Listen),
        Step::new(Side::Client, When::Start, ActionKind::Connect),
    ];
    sc
}

/// The first time (µs) at which `side` entered `state`.
pub fn entered(trace: &Trace, side: Side, state: State) -> Option<u64> {
    trace.events.iter().find_map(|e| match e.kind {
        EventKind::State { to, .. } if to == state && e.side == side => Some(e.t_us),
        _ => None,
    })
}
