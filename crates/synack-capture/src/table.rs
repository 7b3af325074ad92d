//! Grouping segments into connections by their 4-tuple, within explicit limits.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::{IpAddr, SocketAddr};

use crate::packet::{Header, Options, TcpFlags, TcpPacket};

/// At most this many connections are kept; segments of later ones are counted only.
pub const MAX_CONNECTIONS: usize = 10_000;
/// At most this many segments are kept over the whole capture; the rest are counted.
pub const MAX_SEGMENTS: usize = 250_000;

/// Connections past [`MAX_CONNECTIONS`] are counted up to this many; past it the
/// count is a lower bound ([`Table::dropped_counted_all`]).
pub const MAX_DROPPED_COUNTED: usize = 1 << 20;

/// A segment as kept: the header fields, not the payload.
#[derive(Clone, Debug)]
pub struct RawSeg {
    pub frame: u64,
    pub ts_ns: u64,
    /// Sent by the connection's first-seen endpoint `a`.
    pub from_a: bool,
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    pub win: u16,
    pub len: u32,
    pub options: Options,
    pub header: Header,
}

impl RawSeg {
    /// The header fields of a decoded packet, kept as the table and the lister keep them.
    pub fn from_packet(frame: u64, ts_ns: u64, from_a: bool, p: TcpPacket) -> RawSeg {
        RawSeg {
            frame,
            ts_ns,
            from_a,
            seq: p.seq,
            ack: p.ack,
            flags: p.flags,
            win: p.window,
            len: p.len,
            options: p.options,
            header: p.header,
        }
    }

    /// SEG.LEN: payload plus one each for SYN and FIN (RFC 9293 §3.4).
    pub fn seg_len(&self) -> u32 {
        self.len + u32::from(self.flags.has(TcpFlags::SYN)) + u32::from(self.flags.has(TcpFlags::FIN))
    }
}

/// One connection's segments, in capture order.
#[derive(Clone, Debug)]
pub struct RawConn {
    pub a: SocketAddr,
    pub b: SocketAddr,
    pub segs: Vec<RawSeg>,
    /// Sequence base of each direction as Wireshark sets it (a→b, b→a), used to tell
    /// when a SYN opens a new connection on the same 4-tuple.
    pub(crate) base: [Option<u32>; 2],
    pub bad_checksums: u64,
    /// The 4-tuple was used again by an earlier connection in this capture.
    pub reused: bool,
    /// A RST was seen; a FIN was seen from a and from b.
    pub(crate) ended: [bool; 3],
}

impl RawConn {
    /// A connection first seen from `a` to `b`, with no segment yet.
    pub fn new(a: SocketAddr, b: SocketAddr, reused: bool) -> RawConn {
        RawConn { a, b, segs: Vec::new(), base: [None; 2], bad_checksums: 0, reused, ended: [false; 3] }
    }

    pub(crate) fn ended(&self) -> bool {
        self.ended[0] || self.ended[1] && self.ended[2]
    }
}

/// How much of a capture is kept: the bounds on memory.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Limits {
    /// Segments kept over the whole capture; later ones are counted only.
    pub max_segments: usize,
    /// Connections kept; segments of later ones are counted only.
    pub max_connections: usize,
    /// Sequence space filled in for data the capture never showed, over the whole
    /// capture ([`crate::MAX_UNSEEN`]).
    pub max_unseen: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_segments: MAX_SEGMENTS, max_connections: MAX_CONNECTIONS, max_unseen: crate::MAX_UNSEEN }
    }
}

/// All connections of a capture, in order of their first segment.
#[derive(Debug, Default)]
pub struct Table {
    pub limits: Limits,
    pub conns: Vec<RawConn>,
    index: HashMap<(SocketAddr, SocketAddr), usize>,
    pub kept: usize,
    /// Segments not kept because a limit was reached.
    pub dropped_segments: u64,
    /// Connections not kept because [`MAX_CONNECTIONS`] was reached (their distinct
    /// 4-tuples, counted exactly up to [`MAX_DROPPED_COUNTED`]).
    pub dropped_connections: u64,
    /// A 64-bit hash of each dropped 4-tuple: 8 bytes each rather than 64, so that
    /// a million of them take about 16 MB.
    dropped_keys: HashSet<u64>,
    pub tcp_segments: u64,
}

pub(crate) fn key(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if (a.ip(), a.port()) <= (b.ip(), b.port()) {
        (a, b)
    } else {
        (b, a)
    }
}

/// A fixed hash (SipHash with zero keys), so that a count is the same on every run.
/// Two distinct 4-tuples share one with a chance of about n²/2^65: never, in practice.
fn hash(k: &(SocketAddr, SocketAddr)) -> u64 {
    let mut h = DefaultHasher::new();
    k.hash(&mut h);
    h.finish()
}

fn sock(ip: IpAddr, port: u16) -> SocketAddr {
    SocketAddr::new(ip, port)
}

impl Table {
    /// Every dropped connection was counted (the count is exact, not a lower bound).
    pub fn dropped_counted_all(&self) -> bool {
        self.dropped_keys.len() < MAX_DROPPED_COUNTED
    }

    pub fn add(&mut self, frame: u64, ts_ns: u64, p: TcpPacket) {
        self.tcp_segments += 1;
        let src = sock(p.src, p.src_port);
        let dst = sock(p.dst, p.dst_port);
        let k = key(src, dst);
        if self.kept >= self.limits.max_segments {
            self.dropped_segments += 1;
            return;
        }
        let mut idx = self.index.get(&k).copied();
        // A SYN whose sequence number differs from the base already seen in its
        // direction opens a new connection on the same ports (as Wireshark decides),
        // once the earlier one has ended (a RST, or a FIN each way). While it is still
        // open, the SYN is the restart of a host that forgot it: a half-open
        // connection (RFC 9293 §3.5.2), read as part of the same connection.
        let syn_only = p.flags.has(TcpFlags::SYN) && !p.flags.has(TcpFlags::ACK);
        let mut reused = false;
        if let (Some(i), true) = (idx, syn_only) {
            let c = &self.conns[i];
            let dir = usize::from(c.a != src);
            if c.base[dir].is_some_and(|b| b != p.seq) && c.ended() {
                idx = None;
                reused = true;
            }
        }
        let i = match idx {
            Some(i) => i,
            None => {
                if self.conns.len() >= self.limits.max_connections {
                    self.dropped_segments += 1;
                    if self.dropped_keys.len() < MAX_DROPPED_COUNTED && self.dropped_keys.insert(hash(&k)) {
                        self.dropped_connections += 1;
                    }
                    return;
                }
                self.conns.push(RawConn::new(src, dst, reused));
                self.index.insert(k, self.conns.len() - 1);
                self.conns.len() - 1
            }
        };
        let c = &mut self.conns[i];
        let from_a = c.a == src;
        let (fwd, rev) = if from_a { (0, 1) } else { (1, 0) };
        if c.base[fwd].is_none() {
            c.base[fwd] = Some(if p.flags.has(TcpFlags::SYN) { p.seq } else { p.seq.wrapping_sub(1) });
        }
        if c.base[rev].is_none() && p.flags.has(TcpFlags::ACK) {
            c.base[rev] = Some(p.ack.wrapping_sub(1));
        }
        if p.flags.has(TcpFlags::RST) {
            c.ended[0] = true;
        }
        if p.flags.has(TcpFlags::FIN) {
            c.ended[1 + fwd] = true;
        }
        if p.checksum_ok == Some(false) {
            c.bad_checksums += 1;
        }
        c.segs.push(RawSeg::from_packet(frame, ts_ns, from_a, p));
        self.kept += 1;
    }
}
