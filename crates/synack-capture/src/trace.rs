//! One connection of a capture as a trace: the events a scenario's trace has
//! (docs/trace-format.md), with the fields only a capture has ("Captures" there).
//! The element draws it as it draws a scenario; the TCP reasoning behind it (when
//! each segment arrived, which ones crossed, where each state change goes) is done
//! here, beside the observers whose conclusions it draws.
//!
//! The capture shows where and when each segment was sent; arrivals are inferred.
//! Each segment is `send` at its capture time, then `deliver` one one-way time later
//! (half the round trip measured in the handshake, or a nominal 1 ms without one),
//! or `drop` for a segment judged lost. A delivery is kept consistent with the
//! receiver's next segment, as the observers read it (docs/capture-format.md,
//! "Segments that crossed"): before that segment when it shows the receiver had the
//! delivered one, after it when they crossed. Each state change goes beside its
//! cause: the sender's before its send, the receiver's after the arrival.

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};
use synack_core::{Side, State};

use crate::observe::deferrals;
use crate::{Cause, Connection, Dir, Header, OptionsJson, SegmentRow, StateChange, TcpFlags};

/// The slant drawn when the capture holds no complete handshake to measure.
pub const NOMINAL_ONE_WAY_US: i64 = 1000;

/// A connection's first segments as a trace ([`Connection::trace`]).
#[derive(Clone, Debug)]
pub struct Trace<'a> {
    conn: &'a Connection,
    /// The segments drawn: the connection's first `shown`.
    pub shown: usize,
    /// The round trip measured in the handshake, in µs: from the client's answered
    /// SYN to the ACK that completed the handshake. `None` without a complete one.
    pub rtt_us: Option<i64>,
    /// How long each segment is taken to travel: half of `rtt_us`, rounded up, or
    /// [`NOMINAL_ONE_WAY_US`].
    pub one_way_us: i64,
    /// Each side's base for relative numbers (client, server): its ISN when the
    /// capture has its SYN. `None` for a side that sent nothing but a RST from a
    /// closed port (SEQ 0 is no ISN).
    pub isn: [Option<u32>; 2],
    /// In order: sorted by time, ties as the observers saw them.
    pub events: Vec<Event>,
    /// Each side's state after the events (client, server).
    pub outcome: [State; 2],
}

/// One event: its time in µs since the connection's first segment, and what it is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Event {
    pub t_us: i64,
    pub kind: Kind,
}

/// What an event is; segments and state changes by their index in the connection.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// The capture saw segment `i` (its id in the trace is `i + 1`).
    Send(usize),
    /// Segment `i` reached its receiver (inferred).
    Deliver(usize),
    /// Segment `i` never reached its receiver (judged lost).
    Drop(usize),
    /// State change `i` of the connection.
    State(usize),
}

impl Connection {
    /// The trace of the connection's first `window` segments and the state changes
    /// they cause.
    pub fn trace(&self, window: usize) -> Trace<'_> {
        build(self, window)
    }
}

fn sender(d: Dir) -> Side {
    d.sender()
}

/// The SYN that was answered (the last bare SYN before the first SYN,ACK that was not
/// lost: earlier ones were lost or timed out, and their wait is no round trip), and
/// the ACK that completed the handshake: one round trip wherever the capture was
/// taken (at the client it is SYN → SYN,ACK plus the ACK's turn-around; at the
/// server, SYN,ACK → ACK plus the SYN's).
fn round_trip(segs: &[SegmentRow], at: &[i64]) -> Option<i64> {
    let has = |s: &SegmentRow, f: u8| s.flags.has(f);
    let syn_ack =
        segs.iter().position(|s| s.dir == Dir::ServerToClient && has(s, TcpFlags::SYN) && has(s, TcpFlags::ACK))?;
    let syn = (0..syn_ack).rev().find(|&i| {
        let s = &segs[i];
        s.dir == Dir::ClientToServer && has(s, TcpFlags::SYN) && !has(s, TcpFlags::ACK) && !s.lost
    })?;
    let ack = (syn_ack + 1..segs.len()).find(|&i| {
        let s = &segs[i];
        s.dir == Dir::ClientToServer && has(s, TcpFlags::ACK) && !has(s, TcpFlags::SYN)
    })?;
    let rtt = at[ack] - at[syn];
    (rtt > 0).then_some(rtt)
}

fn build(c: &Connection, window: usize) -> Trace<'_> {
    let segs = &c.segments[..window.min(c.segments.len())];
    let at: Vec<i64> = segs.iter().map(|s| (s.t * 1e6).round() as i64).collect();
    let rtt_us = round_trip(segs, &at);
    let one_way_us = rtt_us.map_or(NOMINAL_ONE_WAY_US, |r| ((r + 1) / 2).max(1));

    // The next segment from the other side, for each segment.
    let mut next_from = vec![None; segs.len()];
    let mut seen: [Option<usize>; 2] = [None; 2];
    for i in (0..segs.len()).rev() {
        let d = usize::from(segs[i].dir == Dir::ServerToClient);
        next_from[i] = seen[1 - d];
        seen[d] = Some(i);
    }
    // The segments the observers handed over only after the receiver's next one was
    // sent: the same evidence, read once.
    let mut crossed = vec![false; segs.len()];
    for (_, j) in deferrals(&c.segments) {
        if j < segs.len() {
            crossed[j] = true;
        }
    }
    // Each segment's state changes: the sender's own, before it is sent; the rest on
    // its arrival (the observers record a crossed segment's at the frame after which
    // it was handed over, and name its own frame as the cause).
    // Frames grow with the file, and a connection's segments are in file order.
    let index = |frame: u64| segs.binary_search_by_key(&frame, |s| s.frame).ok();
    let mut before: Vec<Vec<usize>> = vec![Vec::new(); segs.len()];
    let mut on_arrival: Vec<Vec<usize>> = vec![Vec::new(); segs.len()];
    for (k, st) in c.states.iter().enumerate() {
        match st.cause {
            Cause::Sent => {
                let Some(i) = index(st.frame) else { continue };
                if st.side == sender(segs[i].dir) {
                    before[i].push(k);
                } else {
                    on_arrival[i].push(k);
                }
            }
            Cause::Received(f) => {
                if let Some(i) = index(f) {
                    on_arrival[i].push(k);
                }
            }
        }
    }

    // (time, phase, order): at one instant a delivery that came before the reply
    // (phase 0), then sends and what goes with them (1), deliveries (2), and those that
    // crossed the reply sent at that instant (3).
    let mut keyed: Vec<(i64, u8, usize, Kind)> = Vec::with_capacity(segs.len() * 2 + c.states.len());
    let mut push = |t: i64, phase: u8, kind: Kind| {
        let n = keyed.len();
        keyed.push((t, phase, n, kind));
    };
    let mut last_delivery = [i64::MIN; 2];
    for (i, s) in segs.iter().enumerate() {
        for &k in &before[i] {
            push(at[i], 1, Kind::State(k));
        }
        push(at[i], 1, Kind::Send(i));
        if s.lost {
            push(at[i], 1, Kind::Drop(i));
            for &k in &on_arrival[i] {
                push(at[i], 1, Kind::State(k));
            }
            continue;
        }
        let (mut time, mut phase) = (at[i] + one_way_us, 2);
        if let Some(n) = next_from[i] {
            if crossed[i] {
                if time <= at[n] {
                    (time, phase) = (at[n], 3); // the reply was on its way already
                }
            } else if time >= at[n] {
                (time, phase) = (at[n], 0); // it arrived before the reply left
            }
        }
        // One path delivers in order: the receiver's states follow that order.
        let d = usize::from(s.dir == Dir::ServerToClient);
        time = time.max(last_delivery[d]);
        last_delivery[d] = time;
        push(time, phase, Kind::Deliver(i));
        for &k in &on_arrival[i] {
            push(time, phase, Kind::State(k));
        }
    }
    keyed.sort_unstable_by_key(|&(t, phase, order, _)| (t, u64::from(phase), order as u64));
    let events: Vec<Event> = keyed.into_iter().map(|(t_us, _, _, kind)| Event { t_us, kind }).collect();

    let mut outcome = c.initial;
    for e in &events {
        if let Kind::State(k) = e.kind {
            let st = &c.states[k];
            outcome[usize::from(st.side == Side::Server)] = st.to;
        }
    }
    // Each side's base: raw minus relative, from any segment but a RST from a closed
    // port (SEQ 0, shown as 1), which says nothing of the side's numbers.
    let base = |d: Dir| {
        segs.iter()
            .find(|s| s.dir == d && !(s.flags.has(TcpFlags::RST) && s.seq == 0))
            .map(|s| s.seq.wrapping_sub(s.seq_rel))
    };
    let isn = [base(Dir::ClientToServer), base(Dir::ServerToClient)];
    Trace { conn: c, shown: segs.len(), rtt_us, one_way_us, isn, events, outcome }
}

impl Trace<'_> {
    /// The connection traced.
    pub fn connection(&self) -> &Connection {
        self.conn
    }

    /// The segment an event is about, if any.
    pub fn segment(&self, e: &Event) -> Option<&SegmentRow> {
        match e.kind {
            Kind::Send(i) | Kind::Deliver(i) | Kind::Drop(i) => self.conn.segments.get(i),
            Kind::State(_) => None,
        }
    }

    /// The state change an event is, if any.
    pub fn state(&self, e: &Event) -> Option<&StateChange> {
        match e.kind {
            Kind::State(k) => self.conn.states.get(k),
            _ => None,
        }
    }

    /// The trace as JSON text (docs/trace-format.md, "Captures").
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }
}

struct Peer<'a>(&'a Trace<'a>, usize);

impl Serialize for Peer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let addr = if self.1 == 0 { self.0.conn.client } else { self.0.conn.server };
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("port", &addr.port())?;
        m.serialize_entry("isn", &self.0.isn[self.1])?;
        m.serialize_entry("addr", &addr.to_string())?;
        m.end()
    }
}

struct Pair<'a>(&'a [State; 2]);

impl Serialize for Pair<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("client", self.0[0].name())?;
        m.serialize_entry("server", self.0[1].name())?;
        m.end()
    }
}

struct Outcome<'a>(&'a Trace<'a>);

impl Serialize for Outcome<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("client", t.outcome[0].name())?;
        m.serialize_entry("server", t.outcome[1].name())?;
        m.serialize_entry("facts", &[(); 0])?;
        m.serialize_entry("truncated", &(t.shown < t.conn.segments.len()))?;
        m.serialize_entry("end_us", &t.events.last().map_or(0, |e| e.t_us))?;
        m.end()
    }
}

impl Serialize for Trace<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Trace", 9)?;
        st.serialize_field("capture", &true)?;
        st.serialize_field("handshake", "three-way")?;
        st.serialize_field("client", &Peer(self, 0))?;
        st.serialize_field("server", &Peer(self, 1))?;
        st.serialize_field("initial", &Pair(&self.conn.initial))?;
        st.serialize_field("one_way_us", &self.rtt_us.map(|_| self.one_way_us))?;
        st.serialize_field("rtt_us", &self.rtt_us)?;
        st.serialize_field("events", &Events(self))?;
        st.serialize_field("outcome", &Outcome(self))?;
        st.end()
    }
}

struct Events<'a>(&'a Trace<'a>);

impl Serialize for Events<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.events.iter().map(|e| EventJson(self.0, e)))
    }
}

struct EventJson<'a>(&'a Trace<'a>, &'a Event);

/// `c2s` or `s2c`, as a scenario's trace spells directions.
fn dir_name(d: Dir) -> &'static str {
    match d {
        Dir::ClientToServer => "c2s",
        Dir::ServerToClient => "s2c",
    }
}

impl Serialize for EventJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (t, e) = (self.0, self.1);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("t_us", &e.t_us)?;
        match e.kind {
            Kind::Send(i) | Kind::Deliver(i) | Kind::Drop(i) => {
                let row = &t.conn.segments[i];
                let side = match e.kind {
                    Kind::Deliver(_) => sender(row.dir).peer(),
                    _ => sender(row.dir),
                };
                m.serialize_entry("side", side.name())?;
                let kind = match e.kind {
                    Kind::Send(_) => "send",
                    Kind::Deliver(_) => "deliver",
                    _ => "drop",
                };
                m.serialize_entry("kind", kind)?;
                m.serialize_entry("id", &(i + 1))?;
                m.serialize_entry("dir", dir_name(row.dir))?;
                match e.kind {
                    Kind::Drop(_) => m.serialize_entry("cause", "capture")?,
                    _ => m.serialize_entry("segment", &SegmentJson(t.conn, row))?,
                }
                if let Kind::Send(_) = e.kind {
                    m.serialize_entry("retransmission", &row.retransmission)?;
                    m.serialize_entry("stale", &false)?;
                    m.serialize_entry("seq_rel", &row.seq_rel)?;
                    m.serialize_entry("ack_rel", &row.ack_rel)?;
                    m.serialize_entry("seq_isn", &0)?;
                    m.serialize_entry("ack_isn", &row.ack_rel.map(|_| 0))?;
                }
                m.serialize_entry("frame", &row.frame)?;
            }
            Kind::State(k) => {
                let st = &t.conn.states[k];
                m.serialize_entry("side", st.side.name())?;
                m.serialize_entry("kind", "state")?;
                m.serialize_entry("from", st.from.name())?;
                m.serialize_entry("to", st.to.name())?;
                m.serialize_entry("reason_key", st.reason.key())?;
                m.serialize_entry("rfc", st.reason.rfc())?;
                m.serialize_entry("frame", &st.frame)?;
            }
        }
        m.serialize_entry("capture", &true)?;
        m.end()
    }
}

/// `{ "len", "options": [[kind, length], …] }`, as synack-core writes a segment's.
struct HeaderJson<'a>(&'a Header);

impl Serialize for HeaderJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Header", 2)?;
        st.serialize_field("len", &self.0.len)?;
        st.serialize_field("options", &self.0.options)?;
        st.end()
    }
}

/// The segment object of docs/trace-format.md, "Segments" (`options` may also hold
/// the SACK blocks a capture shows).
struct SegmentJson<'a>(&'a Connection, &'a SegmentRow);

impl Serialize for SegmentJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (c, r) = (self.0, self.1);
        let (src, dst) = if r.dir == Dir::ClientToServer { (c.client, c.server) } else { (c.server, c.client) };
        let mut st = s.serialize_struct("Segment", 8)?;
        st.serialize_field("src_port", &src.port())?;
        st.serialize_field("dst_port", &dst.port())?;
        st.serialize_field("seq", &r.seq)?;
        st.serialize_field("ack", &r.ack)?;
        st.serialize_field("flags", &r.flags.names())?;
        st.serialize_field("len", &r.len)?;
        st.serialize_field("window", &r.win)?;
        if r.options.is_empty() {
            st.skip_field("options")?;
        } else {
            st.serialize_field("options", &OptionsJson(&r.options))?;
        }
        // As the engine's segments carry it (docs/trace-format.md), with what was captured.
        st.serialize_field("header", &HeaderJson(&r.header))?;
        st.serialize_field("checksum", &r.header.checksum)?;
        st.serialize_field("urgent", &r.header.urgent)?;
        st.end()
    }
}
