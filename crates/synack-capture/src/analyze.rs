//! From a connection's raw segments to what a reader sees: who is the client,
//! relative sequence numbers, retransmissions, and which segments the receiver
//! evidently never got.

use synack_core::SeqNum;

use crate::packet::TcpFlags;
use crate::table::{RawConn, RawSeg};
use crate::{Dir, SegmentRow};

/// Which endpoint of `conn` is the client, and how that was decided.
pub fn pick_client(conn: &RawConn) -> (bool, Option<&'static str>) {
    // The sender of the first SYN without ACK opened the connection.
    if let Some(s) = conn.segs.iter().find(|s| s.flags.has(TcpFlags::SYN) && !s.flags.has(TcpFlags::ACK)) {
        return (s.from_a, None);
    }
    // Otherwise the receiver of the first SYN,ACK.
    if let Some(s) = conn.segs.iter().find(|s| s.flags.has(TcpFlags::SYN)) {
        return (!s.from_a, None);
    }
    // Mid-connection: the lower port is the server's (services listen on low, well-known
    // ports; clients use ephemeral ones); equal ports make the first sender the client.
    let a_is_client = match conn.a.port().cmp(&conn.b.port()) {
        core::cmp::Ordering::Greater => true,
        core::cmp::Ordering::Less => false,
        core::cmp::Ordering::Equal => conn.segs.first().map_or(true, |s| s.from_a),
    };
    (a_is_client, Some("The capture starts after the handshake: the side with the higher port is taken as the client."))
}

/// Build the rows: direction, relative numbers (Wireshark's rule: a direction's base is
/// its SYN's sequence number, or one less than its first sequence number, or one less
/// than the first acknowledgment of it), and the retransmission flag.
///
/// How many gaps in each direction's sequence space are remembered (the oldest goes
/// first), to tell a segment that fills one from a retransmission.
const MAX_GAPS: usize = 64;

/// What [`rows`] carries from one stretch of a connection's segments to the next,
/// when a long connection is read a stretch at a time ([`crate::stream`]).
#[derive(Clone, Debug, Default)]
pub struct RowState {
    /// The connection's first timestamp.
    t0: Option<u64>,
    /// Each direction's base (index 0: client → server; 1: server → client).
    pub base: [Option<u32>; 2],
    next: [Option<SeqNum>; 2],
    /// Whether each side's last SYN carried no ACK (an active open).
    sent_bare_syn: [bool; 2],
    isn: [Option<u32>; 2],
    /// Sequence space that each side skipped at the capture point: a later segment lying
    /// wholly inside it was sent before, but reached the capture point late.
    gaps: [Vec<(SeqNum, SeqNum)>; 2],
}

/// Also returns the frames of segments that filled a gap their sender had left at the
/// capture point (reordered, not retransmitted).
pub fn rows(segs: &[RawSeg], a_is_client: bool, st: &mut RowState) -> (Vec<SegmentRow>, Vec<u64>) {
    let t0 = *st.t0.get_or_insert(segs.first().map_or(0, |s| s.ts_ns));
    let RowState { base, next, sent_bare_syn, isn, gaps, .. } = st;
    let mut filled = Vec::new();
    let mut out = Vec::with_capacity(segs.len());
    for s in segs {
        let from_client = s.from_a == a_is_client;
        let (fwd, rev) = if from_client { (0, 1) } else { (1, 0) };
        let syn = s.flags.has(TcpFlags::SYN);
        let has_ack = s.flags.has(TcpFlags::ACK);
        let b = *base[fwd].get_or_insert(if syn { s.seq } else { s.seq.wrapping_sub(1) });
        if base[rev].is_none() && has_ack {
            base[rev] = Some(s.ack.wrapping_sub(1));
        }
        let rb = base[rev];
        // A segment that occupies sequence space below what this side already sent is
        // a retransmission (RFC 9293 §3.8.1), as Wireshark flags it.
        let seq = SeqNum(s.seq);
        let end = seq + s.seg_len();
        // In a simultaneous open a side answers the peer's SYN with SYN,ACK on the same
        // ISN as its own SYN (RFC 9293 §3.5, Fig. 7): a new segment, not a retransmission.
        let simultaneous_answer = syn && has_ack && sent_bare_syn[fwd];
        // A bare SYN with another ISN than this side's first is a restarted host
        // opening anew (a half-open connection), not a retransmission.
        let restart = syn && !has_ack && isn[fwd].is_some_and(|i| i != s.seq);
        if restart {
            next[fwd] = None;
            gaps[fwd].clear();
        }
        if syn && isn[fwd].is_none() {
            isn[fwd] = Some(s.seq);
        }
        let behind = s.seg_len() > 0 && !simultaneous_answer && next[fwd].is_some_and(|n| seq < n);
        let gap = if behind { gaps[fwd].iter().position(|&(lo, hi)| lo <= seq && end <= hi) } else { None };
        if let Some(g) = gap {
            // It fills (part of) a gap: its sequence space is used for the first time here.
            let (lo, hi) = gaps[fwd].swap_remove(g);
            gaps[fwd].extend([(lo, seq), (end, hi)].into_iter().filter(|(a, b)| a < b));
            filled.push(s.frame);
        }
        let retransmission = behind && gap.is_none();
        if syn {
            sent_bare_syn[fwd] = !has_ack;
        }
        if let Some(n) = next[fwd] {
            if s.seg_len() > 0 && seq > n {
                if gaps[fwd].len() == MAX_GAPS {
                    gaps[fwd].remove(0);
                }
                gaps[fwd].push((n, seq));
            }
        }
        if next[fwd].map_or(true, |n| end > n) {
            next[fwd] = Some(end);
        }
        out.push(SegmentRow {
            frame: s.frame,
            t: (i128::from(s.ts_ns) - i128::from(t0)) as f64 / 1e9,
            dir: if from_client { Dir::ClientToServer } else { Dir::ServerToClient },
            flags: s.flags,
            seq: s.seq,
            ack: has_ack.then_some(s.ack),
            seq_rel: s.seq.wrapping_sub(b),
            ack_rel: if has_ack { rb.map(|r| s.ack.wrapping_sub(r)) } else { None },
            len: s.len,
            win: s.win,
            options: s.options.clone(),
            header: s.header.clone(),
            retransmission,
            lost: false,
        });
    }
    (out, filled)
}

/// Mark segments that the receiver evidently never got, from what happened next.
///
/// When a side retransmits a range (RFC 6298 §5.4), then (a) if the other side sent
/// nothing acknowledging it since the previous transmission, that transmission was
/// lost; and (b) any acknowledgment of it the other side sent since then was lost,
/// since the sender would not have retransmitted what it knew to be acknowledged.
/// This holds for captures taken at either end; a capture point in the middle of a
/// slow path could see a spurious retransmission, which this reading would blame on
/// an earlier segment.
/// How far back (in segments) a retransmission looks for its previous transmission.
const LOOKBACK: usize = 1024;

pub fn mark_lost(segs: &[RawSeg], rows: &mut [SegmentRow]) {
    let rtt = [round_trip(segs, rows, Dir::ClientToServer), round_trip(segs, rows, Dir::ServerToClient)];
    for r in 0..rows.len() {
        if !rows[r].retransmission {
            continue;
        }
        let from = rows[r].dir;
        let seq = SeqNum(segs[r].seq);
        let end = seq + segs[r].seg_len();
        // The previous transmission: the latest earlier segment from the same side that
        // covers the start of this range.
        let Some(p) = (r.saturating_sub(LOOKBACK)..r).rev().find(|&i| {
            rows[i].dir == from && segs[i].seg_len() > 0 && {
                let s = SeqNum(segs[i].seq);
                s <= seq && seq < s + segs[i].seg_len()
            }
        }) else {
            continue;
        };
        let acks: Vec<usize> =
            (p + 1..r).filter(|&i| rows[i].dir != from && rows[i].ack.is_some_and(|a| SeqNum(a) >= end)).collect();
        if acks.is_empty() && !reported_twice(segs, rows, r) {
            rows[p].lost = true;
        }
        // An acknowledgment that the retransmission followed within a round trip (as
        // seen from the acknowledging side) may simply have crossed it in flight.
        let rtt_acker = rtt[usize::from(from == Dir::ClientToServer)];
        for i in acks {
            if rows[r].t - rows[i].t > rtt_acker {
                rows[i].lost = true;
            }
        }
    }
}

/// Whether the receiver of retransmission `r` reported getting its range twice: a
/// later segment of its own whose first SACK block is a duplicate (D-SACK) covering it
/// (RFC 2883 §4: a block below the cumulative ACK, or inside the second block). Then
/// the earlier transmission arrived too: the network duplicated it, or the sender
/// retransmitted for nothing.
fn reported_twice(segs: &[RawSeg], rows: &[SegmentRow], r: usize) -> bool {
    let seq = SeqNum(segs[r].seq);
    let end = seq + segs[r].len;
    segs[r].len > 0
        && (r + 1..segs.len().min(r + 1 + LOOKBACK)).any(|i| {
            let s = &segs[i];
            let Some(&(left, right)) = s.options.sack.first() else { return false };
            let (left, right) = (SeqNum(left), SeqNum(right));
            let duplicate = rows[i].ack.is_some_and(|a| left < SeqNum(a))
                || s.options.sack.get(1).is_some_and(|&(l, r)| SeqNum(l) <= left && right <= SeqNum(r));
            rows[i].dir != rows[r].dir && duplicate && left <= seq && end <= right
        })
}

/// The longest round trip seen from one side at the capture point: from a segment it
/// sent that occupies sequence space to the other side's next segment, when that one
/// acknowledges it. Zero when there is no such pair.
fn round_trip(segs: &[RawSeg], rows: &[SegmentRow], from: Dir) -> f64 {
    let mut rtt: f64 = 0.0;
    // Walking backwards, `reply` is the next segment from the other side.
    let mut reply: Option<usize> = None;
    for i in (0..segs.len()).rev() {
        if rows[i].dir != from {
            reply = Some(i);
            continue;
        }
        let s = &segs[i];
        let Some(j) = reply else { continue };
        let end = SeqNum(s.seq) + s.seg_len();
        if s.seg_len() > 0 && rows[j].ack.is_some_and(|a| SeqNum(a) >= end) {
            rtt = rtt.max(rows[j].t - rows[i].t).min(1.0);
        }
    }
    rtt
}
