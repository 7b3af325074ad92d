//! synack-capture: reads a packet capture (pcap or pcapng) of real TCP traffic and
//! turns each connection into what the visualizer shows: the segments with
//! relative numbers, and both sides' states over time, inferred by running the
//! engine's own endpoints as observers (docs/capture-format.md).
//!
//! The reader works on bytes, never on files, so it runs in a browser as well:
//! [`import`] takes a whole capture, [`Importer`] takes it chunk by chunk and reports
//! how far it got. Memory stays bounded by explicit limits ([`MAX_SEGMENTS`],
//! [`MAX_CONNECTIONS`], [`file::MAX_PACKET`], [`file::MAX_BLOCK`]); a capture past
//! them is read up to the limit and says so in its notes.
//!
//! ```
//! let err = synack_capture::import(b"GIF89a").unwrap_err();
//! assert_eq!(err.to_string(), "not a pcap or pcapng file: it starts with bytes 47 49 46 38");
//! ```

#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};
use synack_core::{Reason, Side, State};

mod analyze;
pub mod error;
pub mod file;
mod observe;
pub mod packet;
pub mod stream;
mod table;
pub mod trace;

pub use error::CaptureError;
pub use observe::MAX_UNSEEN;
pub use packet::{Header, Options, TcpFlags};
pub use stream::{Listed, Lister, StreamLimits, Summary};
pub use table::{Limits, MAX_CONNECTIONS, MAX_SEGMENTS};
pub use trace::Trace;

/// The direction of a segment.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dir {
    ClientToServer,
    ServerToClient,
}

impl Dir {
    /// `C>S` or `S>C`.
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::ClientToServer => "C>S",
            Dir::ServerToClient => "S>C",
        }
    }

    pub fn sender(self) -> Side {
        match self {
            Dir::ClientToServer => Side::Client,
            Dir::ServerToClient => Side::Server,
        }
    }
}

/// One segment of a connection, as a reader of the capture sees it.
#[derive(Clone, Debug)]
pub struct SegmentRow {
    /// The frame number in the file (1 for the first packet record).
    pub frame: u64,
    /// Seconds since the connection's first segment.
    pub t: f64,
    pub dir: Dir,
    pub flags: TcpFlags,
    /// The raw sequence number.
    pub seq: u32,
    /// The raw acknowledgment number, when the ACK bit is set.
    pub ack: Option<u32>,
    /// Relative to the sender's ISN, as Wireshark shows it (the SYN is 0).
    pub seq_rel: u32,
    /// Relative to the receiver's ISN; `None` without the ACK bit.
    pub ack_rel: Option<u32>,
    /// Payload bytes.
    pub len: u32,
    /// The window field as sent (not scaled).
    pub win: u16,
    pub options: Options,
    /// Its length, checksum, urgent pointer and option layout, as captured.
    pub header: Header,
    /// It covers sequence space this side had already sent.
    pub retransmission: bool,
    /// The receiver evidently never got it (inferred from what followed: the
    /// sender retransmitted it unacknowledged, or the receiver retransmitted what it
    /// acknowledged).
    pub lost: bool,
}

impl SegmentRow {
    /// SEG.LEN: payload plus one each for SYN and FIN (RFC 9293 §3.4).
    pub fn seg_len(&self) -> u32 {
        self.len + u32::from(self.flags.has(TcpFlags::SYN)) + u32::from(self.flags.has(TcpFlags::FIN))
    }
}

/// One state change of one side, at the frame that caused it.
#[derive(Clone, Debug, Serialize)]
pub struct StateChange {
    pub frame: u64,
    pub side: Side,
    pub from: State,
    pub to: State,
    /// The engine's reason for the change, with its RFC section.
    #[serde(flatten)]
    pub reason: Reason,
    /// Which event the change goes with in a trace ([`Connection::trace`]).
    #[serde(skip)]
    pub cause: Cause,
}

/// What a state change followed: the side's own sending (its application's call, or
/// a restart), or the arrival of a segment. A segment that crossed the receiver's
/// own one arrives after that one was sent, so the change it causes is recorded at
/// the later frame but goes with the earlier segment's arrival.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Cause {
    /// Before the side sent the segment of the change's frame.
    Sent,
    /// On the arrival of the segment of this frame.
    Received(u64),
}

/// One TCP connection of the capture.
#[derive(Clone, Debug)]
pub struct Connection {
    pub client: SocketAddr,
    pub server: SocketAddr,
    pub segments: Vec<SegmentRow>,
    pub states: Vec<StateChange>,
    /// Each side's state before the first segment (client, server).
    pub initial: [State; 2],
    /// Each side's state after the last segment (client, server).
    pub last: [State; 2],
    /// Segments whose TCP checksum is wrong (accepted all the same).
    pub bad_checksums: u64,
    /// Plain sentences about how this connection was read.
    pub notes: Vec<String>,
}

/// Everything read from one capture.
#[derive(Clone, Debug, Default)]
pub struct Capture {
    pub connections: Vec<Connection>,
    /// Packet records in the file.
    pub frames: u64,
    /// TCP segments among them (kept or not).
    pub tcp_segments: u64,
    /// Frames that held no TCP segment, counted by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Plain sentences about the capture as a whole: limits reached, bad checksums.
    pub notes: Vec<String>,
}

/// Reads a capture incrementally: [`Importer::push`] each chunk, then
/// [`Importer::finish`]. [`Importer::consumed`] is the progress in bytes.
#[derive(Debug, Default)]
pub struct Importer {
    framer: file::Framer,
    table: table::Table,
    skipped: BTreeMap<packet::Skip, u64>,
    /// The file offset at which [`MAX_SEGMENTS`] was reached.
    full_at: Option<u64>,
}

/// Bytes read past the segment limit before the reader stops: enough to count what
/// follows a little, never the rest of a huge file.
const READ_PAST_LIMIT: u64 = 1 << 20;

impl Importer {
    pub fn new() -> Importer {
        Importer::default()
    }

    /// An importer with other bounds than the defaults (a browser may want smaller).
    pub fn with_limits(limits: Limits) -> Importer {
        let mut imp = Importer::default();
        imp.table.limits = limits;
        imp
    }

    /// Feed the next bytes of the file. Once [`Importer::is_full`], further bytes are
    /// ignored: the capture is read up to its limit and says so.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), CaptureError> {
        if self.is_full() {
            return Ok(());
        }
        let table = &mut self.table;
        let skipped = &mut self.skipped;
        self.framer.push(chunk, &mut |frame| match packet::decode(frame.link_type, frame.data) {
            Ok(p) => table.add(frame.number, frame.ts_ns, p),
            Err(why) => *skipped.entry(why).or_insert(0) += 1,
        })?;
        if self.full_at.is_none() && self.table.kept >= self.table.limits.max_segments {
            self.full_at = Some(self.framer.consumed());
        }
        Ok(())
    }

    /// Bytes of the file parsed so far: the progress to show against the file's size.
    pub fn consumed(&self) -> u64 {
        self.framer.consumed()
    }

    /// The segment limit ([`MAX_SEGMENTS`]) was reached a while ago: reading on
    /// would change nothing, so a caller streaming a file may stop here.
    pub fn is_full(&self) -> bool {
        self.full_at.is_some_and(|at| self.framer.consumed() > at + READ_PAST_LIMIT)
    }

    /// The file has ended: check it was complete, and analyse every connection.
    pub fn finish(self) -> Result<Capture, CaptureError> {
        let stopped = self.is_full();
        if !stopped {
            self.framer.finish()?;
        }
        let frames = self.framer.frames();
        let skipped: BTreeMap<String, u64> = self.skipped.iter().map(|(k, v)| (k.describe(), *v)).collect();
        if self.table.tcp_segments == 0 {
            let list: Vec<String> = skipped.iter().map(|(k, v)| format!("{v} {k}")).collect();
            return Err(CaptureError::NoTcp { frames, skipped: list.join(", ") });
        }
        let mut notes = Vec::new();
        let t = &self.table;
        if t.dropped_connections > 0 {
            let n = t.dropped_connections;
            notes.push(format!(
                "Only the first {} connections were kept: {}{n} more connection{} left out.",
                t.limits.max_connections,
                if t.dropped_counted_all() { "" } else { "at least " },
                if n == 1 { " was" } else { "s were" }
            ));
        }
        if t.kept >= t.limits.max_segments && (t.dropped_segments > 0 || stopped) {
            notes.push(format!(
                "The capture was truncated at {} segments: {} later segment{} left out{}.",
                t.kept,
                t.dropped_segments,
                if t.dropped_segments == 1 { " was" } else { "s were" },
                if stopped {
                    format!(", and reading stopped at byte {}", self.framer.consumed())
                } else {
                    String::new()
                }
            ));
        }
        let mut unseen = t.limits.max_unseen;
        let connections: Vec<Connection> = self.table.conns.iter().map(|c| connection(c, &mut unseen)).collect();
        let bad: u64 = connections.iter().map(|c| c.bad_checksums).sum();
        if bad > 0 {
            notes.push(checksum_note(bad));
        }
        Ok(Capture { connections, frames, tcp_segments: self.table.tcp_segments, skipped, notes })
    }
}

fn checksum_note(n: u64) -> String {
    format!(
        "{n} segment{} carr{} a wrong TCP checksum, as captures taken on the sending host with checksum \
         offload do (the network card fills it in later); {} accepted.",
        if n == 1 { "" } else { "s" },
        if n == 1 { "ies" } else { "y" },
        if n == 1 { "it was" } else { "they were" },
    )
}

/// `unseen`: what is left of the capture's budget for sequence space that the
/// capture did not show ([`observe::MAX_UNSEEN`]).
fn connection(raw: &table::RawConn, unseen: &mut u64) -> Connection {
    let (a_is_client, guess) = analyze::pick_client(raw);
    let (client, server) = if a_is_client { (raw.a, raw.b) } else { (raw.b, raw.a) };
    let mut row_state = analyze::RowState::default();
    let (mut segments, filled) = analyze::rows(&raw.segs, a_is_client, &mut row_state);
    let bases = row_state.base;
    analyze::mark_lost(&raw.segs, &mut segments);
    let obs = observe::observe(&raw.segs, &segments, (client.port(), server.port()), bases, a_is_client, unseen);
    let mut notes: Vec<String> = guess.map(String::from).into_iter().collect();
    if raw.reused {
        notes.push("These ports were used by an earlier connection in the capture.".into());
    }
    notes.extend(obs.notes);
    if !filled.is_empty() {
        let frames: Vec<String> = filled.iter().map(u64::to_string).collect();
        let (one, these, it) = if filled.len() == 1 { ("", "its", "it is") } else { ("s", "their", "they are") };
        notes.push(format!(
            "Frame{one} {} filled a gap {these} sender had left in its sequence space: reordered in the network (or \
             the capture missed the first transmission), so {it} not flagged as a retransmission.",
            frames.join(", ")
        ));
    }
    let lost = segments.iter().filter(|s| s.lost).count();
    if lost > 0 {
        notes.push(format!(
            "{lost} segment{} never reached {} receiver, judging by what followed (marked \"lost\").",
            if lost == 1 { "" } else { "s" },
            if lost == 1 { "its" } else { "their" }
        ));
    }
    if raw.bad_checksums > 0 {
        notes.push(checksum_note(raw.bad_checksums));
    }
    Connection {
        client,
        server,
        segments,
        states: obs.states,
        initial: obs.initial,
        last: obs.last,
        bad_checksums: raw.bad_checksums,
        notes,
    }
}

/// Read a whole capture held in memory.
pub fn import(bytes: &[u8]) -> Result<Capture, CaptureError> {
    let mut imp = Importer::new();
    imp.push(bytes)?;
    imp.finish()
}

impl Capture {
    /// The documented JSON (docs/capture-format.md): a list of connections.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.connections).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }

    /// The same, indented for people.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.connections).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }
}

struct Pair<'a>(&'a [State; 2]);

impl Serialize for Pair<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("client", &self.0[0])?;
        m.serialize_entry("server", &self.0[1])?;
        m.end()
    }
}

impl Serialize for Connection {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Connection", 8)?;
        st.serialize_field("client", &self.client.to_string())?;
        st.serialize_field("server", &self.server.to_string())?;
        st.serialize_field("initial", &Pair(&self.initial))?;
        st.serialize_field("last", &Pair(&self.last))?;
        st.serialize_field("segments", &self.segments)?;
        st.serialize_field("states", &self.states)?;
        st.serialize_field("bad_checksums", &self.bad_checksums)?;
        st.serialize_field("notes", &self.notes)?;
        st.end()
    }
}

impl Serialize for SegmentRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Segment", 14)?;
        st.serialize_field("frame", &self.frame)?;
        // Microsecond precision is what pcap gives; more digits would only be noise.
        st.serialize_field("t", &((self.t * 1e6).round() / 1e6))?;
        st.serialize_field("dir", self.dir.as_str())?;
        st.serialize_field("flags", &self.flags.names())?;
        st.serialize_field("seq_rel", &self.seq_rel)?;
        st.serialize_field("ack_rel", &self.ack_rel)?;
        st.serialize_field("len", &self.len)?;
        st.serialize_field("win", &self.win)?;
        st.serialize_field("seq", &self.seq)?;
        st.serialize_field("ack", &self.ack)?;
        if self.options.is_empty() {
            st.skip_field("options")?;
        } else {
            st.serialize_field("options", &OptionsJson(&self.options))?;
        }
        st.serialize_field("retransmission", &self.retransmission)?;
        st.serialize_field("lost", &self.lost)?;
        st.end()
    }
}

pub(crate) struct OptionsJson<'a>(&'a Options);

impl Serialize for OptionsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.0;
        let mut m = s.serialize_map(None)?;
        if let Some(mss) = o.mss {
            m.serialize_entry("mss", &mss)?;
        }
        if let Some(ws) = o.window_scale {
            m.serialize_entry("window_scale", &ws)?;
        }
        if o.sack_permitted {
            m.serialize_entry("sack_permitted", &true)?;
        }
        if !o.sack.is_empty() {
            m.serialize_entry("sack", &o.sack)?;
        }
        if let Some(ts) = o.timestamps {
            m.serialize_entry("timestamps", &ts)?;
        }
        if let Some(cookie) = &o.fast_open {
            // Hex, as the engine's trace writes it: "" for a cookie request.
            let hex: String = cookie.iter().map(|b| format!("{b:02x}")).collect();
            m.serialize_entry("fast_open", &hex)?;
        }
        m.end()
    }
}
