//! A capture of any size in one pass: every connection listed, in memory bounded by
//! the connections open at once.
//!
//! [`Lister`] reads a capture chunk by chunk, as [`crate::Importer`] does, but keeps
//! only the connections still open. A connection that has ended (a RST, or a FIN each
//! way) and then stayed quiet for [`StreamLimits::quiet_ns`] of capture time is read
//! to the end, summarised in a [`Summary`] (its 4-tuple, segments and bytes each way,
//! first and last states, handshake round trip, and marks for what went wrong), and
//! its segments dropped. A long connection is read a stretch of
//! [`StreamLimits::stretch`] segments at a time: its observers and relative numbers go
//! on from one stretch to the next, so a bulk transfer of millions of segments costs
//! one stretch of memory. The one connection asked for ([`Lister::new`]'s `want`) also
//! keeps its segments, up to [`StreamLimits::ladder_segments`], for its full ladder.
//!
//! Summaries come out in the order of the connections' first segments
//! ([`Lister::ready`]); a summary waits while an earlier connection is still open.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, VecDeque};
use std::net::SocketAddr;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use synack_core::State;

use crate::analyze::{self, RowState};
use crate::observe::{self, Sides};
use crate::packet::{self, TcpFlags, TcpPacket};
use crate::table::{self, RawConn, RawSeg};
use crate::{file, CaptureError, Connection, Dir, Pair};

/// The bounds of a [`Lister`]. None of them limits what is listed: every connection
/// of the capture is, and every segment is counted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct StreamLimits {
    /// Connections open at once. Past it, the one quiet for longest is summarised as
    /// far as it got ("set aside"); a later segment of it starts a new entry.
    pub max_open: usize,
    /// Segments held over all open connections, waiting to be read as a stretch.
    /// Past it, every open connection's stretch is read early.
    pub max_buffered: usize,
    /// Segments of one connection read as one stretch.
    pub stretch: usize,
    /// Segments kept for the ladder of the connection asked for.
    pub ladder_segments: usize,
    /// Capture time an ended connection stays open for late segments (the last ACK, a
    /// retransmitted FIN) before it is summarised.
    pub quiet_ns: u64,
    /// Capture time after that during which a late segment of a summarised connection
    /// is recognised and counted (TIME-WAIT's 60 s on Linux), rather than taken for a
    /// new connection.
    pub linger_ns: u64,
    /// Summarised connections remembered for late segments, at most.
    pub max_linger: usize,
    /// Sequence space filled in for data the capture never showed, over the whole
    /// capture ([`crate::MAX_UNSEEN`]).
    pub max_unseen: u64,
}

impl Default for StreamLimits {
    fn default() -> StreamLimits {
        StreamLimits {
            max_open: 100_000,
            max_buffered: 1 << 20,
            stretch: 8192,
            ladder_segments: crate::MAX_SEGMENTS,
            quiet_ns: 2_000_000_000,
            linger_ns: 60_000_000_000,
            max_linger: 100_000,
            max_unseen: crate::MAX_UNSEEN,
        }
    }
}

/// One connection as the list shows it. Indexes `[0]` and `[1]` are the client's and
/// the server's (what each sent, each one's state).
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// From 1, in the order of first segments (as [`crate::import`] numbers them).
    pub number: u64,
    pub client: SocketAddr,
    pub server: SocketAddr,
    /// The frame of its first segment.
    pub first_frame: u64,
    /// Seconds from the capture's first TCP segment to this connection's first.
    pub start: f64,
    /// Seconds from its first segment to its last.
    pub duration: f64,
    /// Segments sent by the client and by the server.
    pub segments: [u64; 2],
    /// Payload bytes sent by the client and by the server.
    pub bytes: [u64; 2],
    /// Both sides' states before the first segment.
    pub first: [State; 2],
    /// Both sides' states after the last segment.
    pub last: [State; 2],
    /// From the client's first SYN to its ACK of the server's SYN,ACK, in seconds
    /// (Wireshark's iRTT); `None` without a complete handshake in the capture.
    pub handshake_rtt: Option<f64>,
    /// A segment with RST.
    pub rst: bool,
    /// Segments flagged as retransmissions.
    pub retransmissions: u64,
    /// Segments judged lost.
    pub lost: u64,
    /// A segment other than a RST advertised a zero window.
    pub zero_window: bool,
    /// Neither side reached ESTABLISHED: the handshake never finished.
    pub incomplete: bool,
    /// Summarised while still open, because [`StreamLimits::max_open`] connections
    /// were open at once.
    pub set_aside: bool,
}

impl Summary {
    /// The marks the list shows, in a fixed order.
    pub fn marks(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.rst {
            m.push("rst");
        }
        if self.retransmissions > 0 {
            m.push("retrans");
        }
        if self.lost > 0 {
            m.push("lost");
        }
        if self.zero_window {
            m.push("zero-window");
        }
        if self.incomplete {
            m.push("incomplete");
        }
        if self.set_aside {
            m.push("set-aside");
        }
        m
    }
}

impl Summary {
    /// The summary as one line of JSON (the fields of docs/capture-format.md, "The list").
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }
}

impl Connection {
    /// The connection as JSON, as `synack import --connection N --format json` prints it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }
}

struct Both<'a>(&'a [u64; 2]);

impl Serialize for Both<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Both", 2)?;
        st.serialize_field("client", &self.0[0])?;
        st.serialize_field("server", &self.0[1])?;
        st.end()
    }
}

fn micro(t: f64) -> f64 {
    (t * 1e6).round() / 1e6
}

impl Serialize for Summary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Summary", 17)?;
        st.serialize_field("number", &self.number)?;
        st.serialize_field("client", &self.client.to_string())?;
        st.serialize_field("server", &self.server.to_string())?;
        st.serialize_field("first_frame", &self.first_frame)?;
        st.serialize_field("start", &micro(self.start))?;
        st.serialize_field("duration", &micro(self.duration))?;
        st.serialize_field("segments", &Both(&self.segments))?;
        st.serialize_field("bytes", &Both(&self.bytes))?;
        st.serialize_field("first", &Pair(&self.first))?;
        st.serialize_field("last", &Pair(&self.last))?;
        st.serialize_field("handshake_rtt", &self.handshake_rtt.map(micro))?;
        st.serialize_field("rst", &self.rst)?;
        st.serialize_field("retransmissions", &self.retransmissions)?;
        st.serialize_field("lost", &self.lost)?;
        st.serialize_field("zero_window", &self.zero_window)?;
        st.serialize_field("incomplete", &self.incomplete)?;
        st.serialize_field("set_aside", &self.set_aside)?;
        st.end()
    }
}

type Key = (SocketAddr, SocketAddr);
type Map<V> = HashMap<Key, V, foldhash::fast::RandomState>;

/// What is known of a connection once its first stretch has been read.
struct Read {
    a_is_client: bool,
    rows: RowState,
    sides: Option<Sides>,
    first: [State; 2],
    last: [State; 2],
    established: bool,
    retransmissions: u64,
    lost: u64,
    /// The time of the client's first SYN, and whether the server's SYN,ACK followed.
    syn_t: Option<f64>,
    synack: bool,
    rtt: Option<f64>,
}

/// An open connection.
struct Open {
    number: u64,
    /// Its identity and the stretch of segments not read yet.
    raw: RawConn,
    first_ns: u64,
    last_ns: u64,
    first_frame: u64,
    /// Sent by `raw.a` and by `raw.b`.
    segments: [u64; 2],
    bytes: [u64; 2],
    rst: bool,
    zero_window: bool,
    ending_queued: bool,
    /// Boxed: the observers are large, and most open connections have none yet.
    read: Option<Box<Read>>,
}

/// A summarised connection, remembered for a while for its late segments.
struct Gone {
    until_ns: u64,
    a: SocketAddr,
    base: [Option<u32>; 2],
}

/// What a whole capture came to, besides the summaries: from [`Lister::finish`].
#[derive(Debug, Default)]
pub struct Listed {
    /// Packet records in the file.
    pub frames: u64,
    /// TCP segments among them.
    pub tcp_segments: u64,
    /// TCP connections (every one listed).
    pub connections: u64,
    /// Frames that held no TCP segment, counted by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Plain sentences about the capture as a whole.
    pub notes: Vec<String>,
    /// The connection asked for, with its segments and states (its ladder).
    pub detail: Option<Connection>,
    /// The most connections open at once while reading.
    pub peak_open: usize,
}

/// Lists every connection of a capture in one pass: [`Lister::push`] each chunk,
/// take [`Lister::ready`] summaries as they come, then [`Lister::finish`].
pub struct Lister {
    limits: StreamLimits,
    framer: file::Framer,
    skipped: BTreeMap<packet::Skip, u64>,
    open: Map<Open>,
    /// Numbers of the open connections, to know which summaries may go out.
    open_numbers: BTreeSet<u64>,
    /// Summaries waiting for an earlier connection to end.
    done: BTreeMap<u64, Summary>,
    ready: VecDeque<Summary>,
    /// Ended connections waiting out their quiet time, soonest first: (deadline, key,
    /// number).
    ending: BinaryHeap<Reverse<(u64, Key, u64)>>,
    /// Every open connection in order of (roughly) least recent activity:
    /// (key, number, its last activity when queued).
    idle: VecDeque<(Key, u64, u64)>,
    gone: Map<Gone>,
    gone_order: VecDeque<(u64, Key)>,
    buffered: usize,
    next_shrink: usize,
    next_number: u64,
    want: Option<u64>,
    ladder: Option<RawConn>,
    ladder_full: bool,
    detail: Option<Connection>,
    now_ns: u64,
    t_first: Option<u64>,
    tcp_segments: u64,
    unseen: u64,
    bad_checksums: u64,
    late: u64,
    set_aside: u64,
    peak_open: usize,
}

impl core::fmt::Debug for Lister {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Lister({} open, {} listed)", self.open.len(), self.next_number - 1)
    }
}

impl Lister {
    /// `want`: the number of the connection whose ladder is wanted (from 1), if any.
    pub fn new(want: Option<u64>) -> Lister {
        Lister::with_limits(want, StreamLimits::default())
    }

    pub fn with_limits(want: Option<u64>, limits: StreamLimits) -> Lister {
        Lister {
            limits,
            framer: file::Framer::new(),
            skipped: BTreeMap::new(),
            open: Map::default(),
            open_numbers: BTreeSet::new(),
            done: BTreeMap::new(),
            ready: VecDeque::new(),
            ending: BinaryHeap::new(),
            idle: VecDeque::new(),
            gone: Map::default(),
            gone_order: VecDeque::new(),
            buffered: 0,
            next_shrink: limits.max_buffered,
            next_number: 1,
            want,
            ladder: None,
            ladder_full: false,
            detail: None,
            now_ns: 0,
            t_first: None,
            tcp_segments: 0,
            unseen: limits.max_unseen,
            bad_checksums: 0,
            late: 0,
            set_aside: 0,
            peak_open: 0,
        }
    }

    /// Feed the next bytes of the file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), CaptureError> {
        let mut framer = std::mem::take(&mut self.framer);
        let r = framer.push(chunk, &mut |frame| match packet::decode(frame.link_type, frame.data) {
            Ok(p) => self.add(frame.number, frame.ts_ns, p),
            Err(why) => *self.skipped.entry(why).or_insert(0) += 1,
        });
        self.framer = framer;
        r
    }

    /// Bytes of the file parsed so far.
    pub fn consumed(&self) -> u64 {
        self.framer.consumed()
    }

    /// Connections open now.
    pub fn open_connections(&self) -> usize {
        self.open.len()
    }

    /// The summaries ready to be shown, in order; each is given once.
    pub fn ready(&mut self) -> impl Iterator<Item = Summary> + '_ {
        self.ready.drain(..)
    }

    /// The file has ended: check it was complete, and summarise what is still open.
    /// The last summaries are then in [`Lister::ready`].
    pub fn finish(&mut self) -> Result<Listed, CaptureError> {
        self.framer.finish()?;
        let frames = self.framer.frames();
        let skipped: BTreeMap<String, u64> = self.skipped.iter().map(|(k, v)| (k.describe(), *v)).collect();
        if self.tcp_segments == 0 {
            let list: Vec<String> = skipped.iter().map(|(k, v)| format!("{v} {k}")).collect();
            return Err(CaptureError::NoTcp { frames, skipped: list.join(", ") });
        }
        let mut keys: Vec<(u64, Key)> = self.open.iter().map(|(k, o)| (o.number, *k)).collect();
        keys.sort_unstable();
        for (_, k) in keys {
            self.close(k, false);
        }
        let mut notes = Vec::new();
        if self.set_aside > 0 {
            notes.push(format!(
                "{} connection{} set aside while still open, when {} connections were open at once: each is \
                 listed as far as it had come (marked set-aside), and a later segment of it starts a new entry.",
                self.set_aside,
                if self.set_aside == 1 { " was" } else { "s were" },
                self.limits.max_open
            ));
        }
        if self.late > 0 {
            notes.push(format!(
                "{} segment{} came after {} connection had ended and been listed (within {} s); {} counted here \
                 only.",
                self.late,
                if self.late == 1 { "" } else { "s" },
                if self.late == 1 { "its" } else { "their" },
                self.limits.linger_ns / 1_000_000_000,
                if self.late == 1 { "it is" } else { "they are" }
            ));
        }
        if self.ladder_full {
            notes.push(format!(
                "The ladder of connection {} shows its first {} segments; the list counts all of them.",
                self.want.unwrap_or(0),
                self.limits.ladder_segments
            ));
        }
        if self.bad_checksums > 0 {
            notes.push(crate::checksum_note(self.bad_checksums));
        }
        Ok(Listed {
            frames,
            tcp_segments: self.tcp_segments,
            connections: self.next_number - 1,
            skipped,
            notes,
            detail: self.detail.take(),
            peak_open: self.peak_open,
        })
    }

    fn add(&mut self, frame: u64, ts_ns: u64, p: TcpPacket) {
        self.tcp_segments += 1;
        self.t_first.get_or_insert(ts_ns);
        if ts_ns > self.now_ns {
            self.now_ns = ts_ns;
            self.expire();
        }
        let src = std::net::SocketAddr::new(p.src, p.src_port);
        let dst = std::net::SocketAddr::new(p.dst, p.dst_port);
        let k = table::key(src, dst);
        let syn_only = p.flags.has(TcpFlags::SYN) && !p.flags.has(TcpFlags::ACK);
        let mut reused = false;
        let mut is_open = false;
        // A SYN with a new sequence number on ports whose connection has ended opens a
        // new connection, as in `table::Table::add` (and Wireshark).
        if let Some(o) = self.open.get(&k) {
            let dir = usize::from(o.raw.a != src);
            is_open = true;
            if syn_only && o.raw.base[dir].is_some_and(|b| b != p.seq) && o.raw.ended() {
                self.close(k, false);
                reused = true;
                is_open = false;
            }
        } else if let Some(g) = self.gone.get(&k) {
            let dir = usize::from(g.a != src);
            if syn_only && g.base[dir] != Some(p.seq) {
                self.gone.remove(&k);
                reused = true;
            } else {
                self.late += 1;
                return;
            }
        }
        if !is_open {
            if self.open.len() >= self.limits.max_open {
                self.set_one_aside();
            }
            let number = self.next_number;
            self.next_number += 1;
            let raw = RawConn::new(src, dst, reused);
            if self.want == Some(number) {
                self.ladder = Some(raw.clone());
            }
            self.open.insert(
                k,
                Open {
                    number,
                    raw,
                    first_ns: ts_ns,
                    last_ns: ts_ns,
                    first_frame: frame,
                    segments: [0; 2],
                    bytes: [0; 2],
                    rst: false,
                    zero_window: false,
                    ending_queued: false,
                    read: None,
                },
            );
            self.open_numbers.insert(number);
            self.idle.push_back((k, number, ts_ns));
            self.peak_open = self.peak_open.max(self.open.len());
        }
        let Some(o) = self.open.get_mut(&k) else { return };
        let c = &mut o.raw;
        let from_a = c.a == src;
        let (fwd, rev) = if from_a { (0, 1) } else { (1, 0) };
        if c.base[fwd].is_none() {
            c.base[fwd] = Some(if p.flags.has(TcpFlags::SYN) { p.seq } else { p.seq.wrapping_sub(1) });
        }
        if c.base[rev].is_none() && p.flags.has(TcpFlags::ACK) {
            c.base[rev] = Some(p.ack.wrapping_sub(1));
        }
        let rst = p.flags.has(TcpFlags::RST);
        if rst {
            c.ended[0] = true;
        }
        if p.flags.has(TcpFlags::FIN) {
            c.ended[1 + fwd] = true;
        }
        if p.checksum_ok == Some(false) {
            c.bad_checksums += 1;
            self.bad_checksums += 1;
        }
        o.segments[fwd] += 1;
        o.bytes[fwd] += u64::from(p.len);
        o.rst |= rst;
        o.zero_window |= p.window == 0 && !rst;
        o.last_ns = o.last_ns.max(ts_ns);
        let seg = RawSeg::from_packet(frame, ts_ns, from_a, p);
        if self.want == Some(o.number) {
            if let Some(l) = &mut self.ladder {
                if l.segs.len() < self.limits.ladder_segments {
                    l.segs.push(seg.clone());
                    l.bad_checksums = c.bad_checksums;
                } else {
                    self.ladder_full = true;
                }
            }
        }
        c.segs.push(seg);
        self.buffered += 1;
        if c.ended() && !o.ending_queued {
            o.ending_queued = true;
            self.ending.push(Reverse((ts_ns.saturating_add(self.limits.quiet_ns), k, o.number)));
        }
        if c.segs.len() >= self.limits.stretch {
            let n = c.segs.len();
            read_stretch(o, &mut self.unseen);
            self.buffered -= n;
        }
        if self.buffered > self.next_shrink {
            self.shrink();
        }
    }

    /// Summarise the ended connections whose quiet time has passed, and forget the
    /// summarised ones whose lingering time has.
    fn expire(&mut self) {
        let now = self.now_ns;
        while let Some(&Reverse((deadline, k, number))) = self.ending.peek() {
            if deadline > now {
                break;
            }
            self.ending.pop();
            let Some(o) = self.open.get(&k) else { continue };
            if o.number != number {
                continue;
            }
            let due = o.last_ns.saturating_add(self.limits.quiet_ns);
            if due <= now {
                self.close(k, false);
            } else {
                self.ending.push(Reverse((due, k, number)));
            }
        }
        while let Some(&(until, k)) = self.gone_order.front() {
            if until > now && self.gone_order.len() <= self.limits.max_linger {
                break;
            }
            self.gone_order.pop_front();
            if self.gone.get(&k).is_some_and(|g| g.until_ns == until) {
                self.gone.remove(&k);
            }
        }
    }

    /// Make room for one more open connection: summarise the one quiet for longest.
    fn set_one_aside(&mut self) {
        while let Some((k, number, last)) = self.idle.pop_front() {
            let Some(o) = self.open.get(&k) else { continue };
            if o.number != number {
                continue;
            }
            if o.last_ns != last {
                // Active since it was queued: queue it again as of now.
                self.idle.push_back((k, number, o.last_ns));
                continue;
            }
            self.set_aside += 1;
            self.close(k, true);
            return;
        }
    }

    /// Too many segments wait in open connections' stretches: read every stretch
    /// longer than an equal share now.
    fn shrink(&mut self) {
        let share = (self.limits.max_buffered / self.open.len().max(1)).max(16);
        for o in self.open.values_mut() {
            let n = o.raw.segs.len();
            if n > share {
                read_stretch(o, &mut self.unseen);
                self.buffered -= n;
            }
        }
        self.next_shrink = self.buffered + self.limits.max_buffered / 2;
    }

    /// Read what is left of a connection, summarise it, and let its summary go out
    /// once every earlier connection's has.
    fn close(&mut self, k: Key, set_aside: bool) {
        let Some(mut o) = self.open.remove(&k) else { return };
        self.buffered -= o.raw.segs.len();
        read_stretch(&mut o, &mut self.unseen);
        let Some(r) = o.read.take() else { return };
        let (ci, si) = if r.a_is_client { (0, 1) } else { (1, 0) };
        let (client, server) = if r.a_is_client { (o.raw.a, o.raw.b) } else { (o.raw.b, o.raw.a) };
        let t_first = self.t_first.unwrap_or(0);
        let summary = Summary {
            number: o.number,
            client,
            server,
            first_frame: o.first_frame,
            start: o.first_ns.saturating_sub(t_first) as f64 / 1e9,
            duration: o.last_ns.saturating_sub(o.first_ns) as f64 / 1e9,
            segments: [o.segments[ci], o.segments[si]],
            bytes: [o.bytes[ci], o.bytes[si]],
            first: r.first,
            last: r.last,
            handshake_rtt: r.rtt,
            rst: o.rst,
            retransmissions: r.retransmissions,
            lost: r.lost,
            zero_window: o.zero_window,
            incomplete: !r.established,
            set_aside,
        };
        if self.want == Some(o.number) {
            if let Some(l) = self.ladder.take() {
                self.detail = Some(crate::connection(&l, &mut self.unseen));
            }
        }
        if !set_aside && o.raw.ended() {
            let until = self.now_ns.saturating_add(self.limits.linger_ns);
            self.gone.insert(k, Gone { until_ns: until, a: o.raw.a, base: o.raw.base });
            self.gone_order.push_back((until, k));
        }
        self.open_numbers.remove(&o.number);
        // The idle queue keeps an entry for each connection until it is looked at;
        // those of summarised connections are dropped once they outnumber the open
        // ones (amortised: at most one pass per as many closes as there are open).
        if self.idle.len() > 2 * self.open.len() + 1024 {
            let open = &self.open;
            self.idle.retain(|(k, n, _)| open.get(k).is_some_and(|o| o.number == *n));
        }
        self.done.insert(o.number, summary);
        let floor = self.open_numbers.first().copied().unwrap_or(u64::MAX);
        while let Some(e) = self.done.first_entry() {
            if *e.key() >= floor {
                break;
            }
            self.ready.push_back(e.remove());
        }
    }
}

/// Read the connection's waiting stretch of segments: who is the client (decided on
/// the first stretch), relative numbers and flags, the observers' states, and what
/// the summary counts; then drop the segments.
fn read_stretch(o: &mut Open, unseen: &mut u64) {
    if o.raw.segs.is_empty() {
        return;
    }
    let raw = &o.raw;
    let r = o.read.get_or_insert_with(|| {
        let (a_is_client, _) = analyze::pick_client(raw);
        Box::new(Read {
            a_is_client,
            rows: RowState::default(),
            sides: None,
            first: [State::Closed; 2],
            last: [State::Closed; 2],
            established: false,
            retransmissions: 0,
            lost: 0,
            syn_t: None,
            synack: false,
            rtt: None,
        })
    });
    let (client, server) = if r.a_is_client { (raw.a, raw.b) } else { (raw.b, raw.a) };
    let resumed = r.sides.is_some();
    let (mut rows, _) = analyze::rows(&raw.segs, r.a_is_client, &mut r.rows);
    analyze::mark_lost(&raw.segs, &mut rows);
    let (obs, sides) = observe::observe_from(
        &raw.segs,
        &rows,
        (client.port(), server.port()),
        r.rows.base,
        r.a_is_client,
        unseen,
        r.sides.take(),
    );
    r.sides = Some(sides);
    if !resumed {
        r.first = obs.initial;
        r.established = obs.initial.contains(&State::Established);
    }
    r.last = obs.last;
    r.established |= obs.states.iter().any(|c| c.to == State::Established);
    for row in &rows {
        r.retransmissions += u64::from(row.retransmission);
        r.lost += u64::from(row.lost);
        if r.rtt.is_some() {
            continue;
        }
        let (syn, ack) = (row.flags.has(TcpFlags::SYN), row.flags.has(TcpFlags::ACK));
        match row.dir {
            Dir::ClientToServer if syn && !ack && r.syn_t.is_none() => r.syn_t = Some(row.t),
            Dir::ServerToClient if syn && ack && r.syn_t.is_some() => r.synack = true,
            Dir::ClientToServer if r.synack && ack && !syn && row.ack_rel == Some(1) => {
                r.rtt = r.syn_t.map(|t| row.t - t);
            }
            _ => {}
        }
    }
    o.raw.segs.clear();
}
