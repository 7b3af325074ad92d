//! Both sides' states over time, by running the engine's own endpoints as observers.
//!
//! Each side of the captured connection gets a real [`Endpoint`] configured with the
//! ISN that the capture shows for it. The application calls are read off what that
//! side sends: its SYN is `connect` (or, for a side that answers with SYN,ACK, an
//! earlier `listen`), new data is `send`, its FIN is `shutdown` (RFC 9293 §3.10.4)
//! and a RST it was not made to send is `abort` (§3.10.5). Every segment that the
//! receiver got is handed to the receiver's endpoint, which moves through the states
//! by the same rules (§3.10.7) as in a simulation. The segments the endpoints would
//! send are thrown away: the capture is the truth about what was sent.
//!
//! What the capture cannot show is left out rather than guessed: timers (TIME-WAIT
//! ending, a connect attempt giving up) change states without a segment, so the
//! states end where the last segment left them.

use synack_core::endpoint::Note;
use synack_core::segment::FastOpenCookie;
use synack_core::{Endpoint, EndpointConfig, Flags, Handshake, Profile, Segment, SeqNum, State, TcpOptions};
use synack_core::{Reason, Side, UnexpectedAnswer};

use crate::packet::TcpFlags;
use crate::table::RawSeg;
use crate::{Cause, Dir, SegmentRow, StateChange};

/// The largest payload handed to an endpoint for one segment (an IPv4 datagram's limit).
const MAX_PAYLOAD: usize = 65_535;

/// The most segments one observer keeps beyond a gap in what it received.
const MAX_HELD: usize = 4096;

/// The most bytes an observer's endpoint holds unacknowledged. The endpoint keeps
/// every byte it was given until the peer acknowledges it, and the capture decides
/// how much that is: a few small segments far apart in sequence space, never
/// acknowledged, once made it hold gigabytes. Sequence space beyond this is owed
/// ([`Observer::owed`]) and handed over as the peer acknowledges what the endpoint
/// holds. 16 MiB is more than a real sender has in flight (Linux's largest default
/// send buffer is 4 MiB).
pub(crate) const MAX_UNACKED: usize = 16 << 20;

/// The most sequence space, over a whole capture, that the observers fill in for data
/// the capture did not show (sent before a segment, but missing from the capture).
/// Each byte filled in costs work and, until acknowledged, memory; a few segments far
/// apart in sequence space could otherwise ask for gigabytes per connection, over
/// thousands of connections. Real captures miss far less than this.
pub const MAX_UNSEEN: u64 = 256 << 20;

/// Zero bytes to hand to an endpoint's `send`, a slice at a time.
static ZEROS: [u8; 64 << 10] = [0; 64 << 10];

/// One side's observer: the engine's endpoint and what has been handed to it.
struct Observer {
    ep: Endpoint,
    /// The side's sequence space already given to its endpoint (ISN + 1 + bytes).
    sent_hi: SeqNum,
    closed: bool,
    /// The endpoint answered the last segment it got with a RST of this number.
    owes_rst: Option<u32>,
    /// Sequence space the side sent (up to `sent_hi`) that its endpoint has not been
    /// given yet, because it already held [`MAX_UNACKED`] bytes.
    owed: u64,
}

impl Observer {
    fn new(ep: Endpoint, sent_hi: SeqNum) -> Observer {
        Observer { ep, sent_hi, closed: false, owes_rst: None, owed: 0 }
    }

    /// Hand the endpoint what it is owed, as far as [`MAX_UNACKED`] allows.
    fn pay(&mut self, now: u64) {
        while self.owed > 0 {
            let room = MAX_UNACKED.saturating_sub(self.ep.unacknowledged());
            let n = room.min(ZEROS.len()).min(usize::try_from(self.owed).unwrap_or(usize::MAX));
            if n == 0 || self.ep.send(now, &ZEROS[..n]).is_err() {
                return;
            }
            self.owed -= n as u64;
            // What it would send now is a copy of those bytes: let it go at once.
            self.discard_transmits();
        }
    }

    /// Throw away what the endpoint would send (the capture is the truth about that),
    /// and remember a RST it would send in answer.
    fn discard_transmits(&mut self) {
        while let Some(t) = self.ep.poll_transmit() {
            if t.segment.flags.rst {
                self.owes_rst = Some(t.segment.seq.0);
            }
        }
    }

    /// Before this side's endpoint takes `seg`: while it is owed sequence space that
    /// `seg` acknowledges, acknowledge what it holds (a bare ACK of its SND.NXT, which
    /// the real ACK covers) and hand it more, so that an acknowledgment of more than
    /// [`MAX_UNACKED`] at once is taken whole.
    fn catch_up(&mut self, now: u64, seg: &Segment) {
        self.pay(now);
        let Some(ack) = seg.ack else { return };
        if seg.flags.syn || seg.flags.rst {
            return;
        }
        while self.owed > 0 && ack > self.ep.snd_nxt() {
            let una = self.ep.snd_una();
            let bare = Segment { ack: Some(self.ep.snd_nxt()), flags: Flags::NONE, payload: Vec::new(), ..seg.clone() };
            self.ep.handle_segment(now, &bare);
            self.discard_transmits();
            if self.ep.snd_una() == una {
                return;
            }
            self.pay(now);
        }
    }
}

/// Both observers, carried from one stretch of a long connection to the next
/// ([`crate::stream`]), with the clock they were last given.
pub struct Sides {
    sides: [Observer; 2],
    t0: u64,
    now: u64,
}

impl core::fmt::Debug for Sides {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Sides({}, {})", self.sides[0].ep.state(), self.sides[1].ep.state())
    }
}

#[derive(Debug)]
pub struct Observed {
    pub states: Vec<StateChange>,
    pub initial: [State; 2],
    pub last: [State; 2],
    pub notes: Vec<String>,
}

/// The endpoint profile for an observer: Linux's, with room for anything a real
/// sender may have in flight (window and MSS at their largest), so that the observer
/// never refuses a segment that the real receiver took for flow-control reasons.
/// With `fast_open`, as Linux's tcp_fastopen=3 (a connection whose client's SYN
/// carried data or a Fast Open option, RFC 7413).
fn observer_profile(fast_open: bool) -> Profile {
    Profile { mss: u16::MAX, window: 65_535 << 14, window_scale: Some(14), fast_open, ..Profile::linux() }
}

fn config(local: u16, remote: u16, isn: u32, fast_open: bool) -> EndpointConfig {
    EndpointConfig {
        local_port: local,
        remote_port: remote,
        isn,
        profile: observer_profile(fast_open),
        handshake: Handshake::ThreeWay,
        unexpected_answer: UnexpectedAnswer::Reset,
        backlog: None,
    }
}

/// The segment as an endpoint sees it. The window is opened fully: the observers
/// follow states, not flow control, and must never hold back data the real side sent.
fn to_segment(s: &RawSeg, (src_port, dst_port): (u16, u16)) -> Segment {
    let f = s.flags;
    Segment {
        src_port,
        dst_port,
        seq: SeqNum(s.seq),
        ack: f.has(TcpFlags::ACK).then_some(SeqNum(s.ack)),
        flags: Flags { syn: f.has(TcpFlags::SYN), fin: f.has(TcpFlags::FIN), rst: f.has(TcpFlags::RST), psh: false },
        window: u16::MAX,
        options: TcpOptions {
            mss: s.options.mss,
            window_scale: s.options.window_scale,
            sack_permitted: s.options.sack_permitted,
            timestamps: s.options.timestamps,
            // A cookie of a length RFC 7413 does not allow is left out.
            fast_open: s.options.fast_open.as_deref().and_then(FastOpenCookie::new),
        },
        payload: vec![0; (s.len as usize).min(MAX_PAYLOAD)],
    }
}

/// Run the observers over one connection. `bases` are the directions' sequence bases
/// (client → server, server → client) from [`crate::analyze::rows`].
pub fn observe(
    segs: &[RawSeg],
    rows: &[SegmentRow],
    ports: (u16, u16),
    bases: [Option<u32>; 2],
    a_is_client: bool,
    unseen: &mut u64,
) -> Observed {
    observe_from(segs, rows, ports, bases, a_is_client, unseen, None).0
}

/// [`observe`], going on from where an earlier stretch of the same connection left
/// its observers (`resume`), and handing them back for the next stretch. A segment
/// held beyond a gap is not carried over.
pub fn observe_from(
    segs: &[RawSeg],
    rows: &[SegmentRow],
    ports: (u16, u16),
    bases: [Option<u32>; 2],
    a_is_client: bool,
    unseen: &mut u64,
    resume: Option<Sides>,
) -> (Observed, Sides) {
    let (cport, sport) = ports;
    let dir_of = |s: &RawSeg| if s.from_a == a_is_client { 0 } else { 1 };
    let resumed = resume.is_some();
    let first_syn = |d: usize, with_ack: bool| {
        segs.iter().find(|s| dir_of(s) == d && s.flags.has(TcpFlags::SYN) && s.flags.has(TcpFlags::ACK) == with_ack)
    };
    let client_syn = first_syn(0, false);
    let server_syn = first_syn(1, false);
    let server_synack = first_syn(1, true);
    let mut notes = Vec::new();
    // TCP Fast Open (RFC 7413): the client's SYN carried data or the option. Its
    // observer sends that data with its connect(), with the SYN's cookie cached; the
    // server's observer takes the cookie as valid when the real server did: its
    // SYN,ACK acknowledged the data, or carried no new cookie.
    let fast_open = client_syn.is_some_and(|s| s.len > 0 || s.options.fast_open.is_some());
    let trusted = client_syn.zip(server_synack).and_then(|(syn, synack)| {
        let cookie = FastOpenCookie::new(syn.options.fast_open.as_deref()?).filter(|c| !c.is_request())?;
        let took = synack.ack != syn.seq.wrapping_add(1) || synack.options.fast_open.is_none();
        took.then_some(cookie)
    });

    let isn = |d: usize| bases[d].unwrap_or(0);
    let (mut sides, t0, mut now) = match resume {
        Some(r) => (r.sides, r.t0, r.now),
        None => (
            [
                Observer::new(Endpoint::new(config(cport, sport, isn(0), fast_open)), SeqNum(isn(0)) + 1),
                Observer::new(Endpoint::new(config(sport, cport, isn(1), fast_open)), SeqNum(isn(1)) + 1),
            ],
            segs.first().map_or(0, |s| s.ts_ns),
            0u64,
        ),
    };

    let mid_connection = client_syn.is_none() && server_syn.is_none() && server_synack.is_none();
    if resumed {
        // Going on from an earlier stretch: the observers are where it left them.
    } else if mid_connection {
        // The handshake happened before the capture began: replay one with the ISNs
        // the capture implies, so both observers start ESTABLISHED, and keep none of it.
        let [c, s] = &mut sides;
        let _ = s.ep.listen_for_one(0);
        let _ = c.ep.connect(0);
        for _ in 0..3 {
            while let Some(t) = c.ep.poll_transmit() {
                s.ep.handle_segment(0, &t.segment);
            }
            while let Some(t) = s.ep.poll_transmit() {
                c.ep.handle_segment(0, &t.segment);
            }
        }
        for side in &mut sides {
            while side.ep.poll_note().is_some() {}
        }
        notes.push("Both sides are taken to be ESTABLISHED when the capture begins.".to_string());
    } else if server_synack.is_some() && server_syn.is_none() {
        // It answered a SYN with SYN,ACK: it was listening before the capture began.
        let _ = sides[1].ep.listen_for_one(0);
        while sides[1].ep.poll_note().is_some() {}
    } else if server_syn.is_none() {
        notes.push("The server never sent a SYN: no listening socket is assumed on its side.".to_string());
    }
    if let (Some(cookie), false) = (trusted, resumed) {
        sides[1].ep.trust_fast_open_cookie(cookie);
    }
    let initial = [sides[0].ep.state(), sides[1].ep.state()];

    let ports_of = |d: usize| if d == 0 { (cport, sport) } else { (sport, cport) };
    let mut states = Vec::new();
    let mut restarts = Vec::new();
    let deferred = deferrals(rows);
    let mut is_deferred = vec![false; segs.len()];
    for &(_, j) in &deferred {
        is_deferred[j] = true;
    }
    let mut next_deferred = deferred.iter().peekable();
    // The first frame at which each side had more unacknowledged than its observer
    // holds, and a FIN it sent while its observer was still owed sequence space.
    let mut short: [Option<u64>; 2] = [None; 2];
    let mut fin_short: [Option<u64>; 2] = [None; 2];
    // The first frame of each side whose unseen sequence space was past the budget.
    let mut skipped: [Option<u64>; 2] = [None; 2];
    // What each side's observer keeps beyond a gap, as (SEQ, end, segment index).
    let mut held: [Vec<(SeqNum, SeqNum, usize)>; 2] = [Vec::new(), Vec::new()];
    let seg_of = |j: usize| to_segment(&segs[j], ports_of(dir_of(&segs[j])));
    for (k, (s, row)) in segs.iter().zip(rows).enumerate() {
        now = now.max(s.ts_ns.saturating_sub(t0) / 1000);
        let d = dir_of(s);
        let seg = to_segment(s, ports_of(d));
        {
            let me = &mut sides[d];
            // What the sender's application must have done for this segment to exist.
            let restarted = !matches!(me.ep.state(), State::Closed | State::Listen) && me.ep.iss() != seg.seq;
            if seg.flags.syn && seg.ack.is_none() && restarted {
                // A new ISN while its connection is still open: this host restarted and
                // forgot the connection (RFC 9293 §3.5.2, a half-open connection). It
                // starts again with a fresh endpoint, as its rebooted stack does.
                let from = me.ep.state();
                *me = Observer::new(Endpoint::new(config(seg.src_port, seg.dst_port, seg.seq.0, false)), seg.seq + 1);
                let side = if d == 0 { Side::Client } else { Side::Server };
                states.push(StateChange {
                    frame: row.frame,
                    side,
                    from,
                    to: State::Closed,
                    reason: Reason::Crash,
                    cause: Cause::Sent,
                });
                restarts.push(format!(
                    "The {} opened again with a new ISN at frame {} while the connection was still open: it \
                     had restarted and forgotten it (a half-open connection, RFC 9293 §3.5.2).",
                    if d == 0 { "client" } else { "server" },
                    row.frame
                ));
            }
            if seg.flags.syn && seg.ack.is_none() && me.ep.state() == State::Closed {
                if fast_open && d == 0 && !seg.payload.is_empty() {
                    // sendto(MSG_FASTOPEN) with a cookie: the data rides in the SYN.
                    if let Some(cookie) = seg.options.fast_open.filter(|c| !c.is_request()) {
                        me.ep.cache_fast_open_cookie(cookie, u16::MAX);
                    }
                    let _ = me.ep.send(now, &seg.payload);
                    me.sent_hi = seg.seq + 1 + seg.payload.len() as u32;
                }
                let _ = me.ep.connect(now);
            }
            // Everything up to this segment's end was sent, also what the capture has not
            // shown (yet): a segment reordered or lost before the capture point. Counting
            // only this segment's bytes would leave the observer's SND.NXT behind the real
            // one, and the peer's ACK of the whole would look like an ACK of unsent data
            // (RFC 9293 §3.10.7.4).
            // The endpoint holds what it is given until the peer acknowledges it, so
            // it is given at most MAX_UNACKED bytes; the rest is owed.
            let end = seg.seq + seg.payload.len() as u32;
            if !seg.payload.is_empty() && end > me.sent_hi && !me.closed {
                let new = end.since(me.sent_hi).max(0) as u64;
                // The part before this segment's payload is what the capture did not
                // show; it is filled in only while the capture's budget lasts.
                let shown = new.min(seg.payload.len() as u64);
                let gap = (new - shown).min(*unseen);
                *unseen -= gap;
                if gap < new - shown && skipped[d].is_none() {
                    skipped[d] = Some(row.frame);
                }
                let new = shown + gap;
                if me.owed == 0 && new as usize + me.ep.unacknowledged() > MAX_UNACKED && short[d].is_none() {
                    short[d] = Some(row.frame);
                }
                me.owed += new;
                me.pay(now);
                me.sent_hi = end;
            }
            if seg.flags.fin && !me.closed {
                if me.owed > 0 {
                    // Its endpoint's FIN comes before the real one in sequence space:
                    // the peer's ACK of the real FIN will not match it.
                    fin_short[d] = Some(row.frame);
                    me.owed = 0;
                }
                let _ = me.ep.shutdown(now);
                me.closed = true;
            }
            if seg.flags.rst {
                // A RST the endpoint itself would send in answer (a closed port, an
                // unacceptable ACK) changes nothing on its side; any other is an abort.
                if me.owes_rst != Some(s.seq) {
                    let _ = me.ep.abort(now);
                }
            }
            me.owes_rst = None;
        }
        // The sender's own changes (its application's call) come before the segment,
        // the receiver's after it.
        drain(&mut sides, d, row.frame, Cause::Sent, &mut states);
        if !row.lost && !is_deferred[k] {
            sides[1 - d].catch_up(now, &seg);
            deliver(&mut sides[1 - d].ep, &mut held[1 - d], seg, k, now, &seg_of);
        }
        drain(&mut sides, 1 - d, row.frame, Cause::Received(row.frame), &mut states);
        drain(&mut sides, d, row.frame, Cause::Sent, &mut states);
        // Segments that, by the evidence, reached their receiver only after this one
        // was sent.
        while let Some(&(_, j)) = next_deferred.next_if(|&&(after, _)| after == k) {
            let dj = dir_of(&segs[j]);
            let seg = seg_of(j);
            sides[1 - dj].catch_up(now, &seg);
            deliver(&mut sides[1 - dj].ep, &mut held[1 - dj], seg, j, now, &seg_of);
            drain(&mut sides, 1 - dj, row.frame, Cause::Received(rows[j].frame), &mut states);
            drain(&mut sides, dj, row.frame, Cause::Sent, &mut states);
        }
    }
    notes.extend(restarts);
    for d in 0..2 {
        let (who, peer) = if d == 0 { ("client", "server") } else { ("server", "client") };
        if let Some(frame) = short[d] {
            notes.push(format!(
                "At frame {frame} the {who} had sent more than {} MiB that the {peer} had not acknowledged (as far as \
                 the capture shows); its observer holds at most that much and takes the rest as the {peer} \
                 acknowledges it.",
                MAX_UNACKED >> 20
            ));
        }
        if let Some(frame) = skipped[d] {
            notes.push(format!(
                "From frame {frame} on, the {who}'s segments lie further ahead in sequence space than the capture \
                 shows it sending (past the {} MiB of unseen data the reader fills in per capture): its observer \
                 does not follow them, so the {who}'s later states may stop short.",
                MAX_UNSEEN >> 20
            ));
        }
        if let Some(frame) = fin_short[d] {
            notes.push(format!(
                "The {who}'s FIN (frame {frame}) came while more than {} MiB of it were unacknowledged: the \
                 {peer}'s acknowledgment of that FIN cannot be recognised, so the {who}'s later states may stop \
                 short of what it really went through.",
                MAX_UNACKED >> 20
            ));
        }
    }
    let last = [sides[0].ep.state(), sides[1].ep.state()];
    (Observed { states, initial, last, notes }, Sides { sides, t0, now })
}

/// Hand segment `k` to a receiver's endpoint, as its real TCP got it.
///
/// A real receiver keeps what arrives beyond RCV.NXT and takes it once the gap before
/// it is filled (RFC 9293 §3.10.7.4: such segments "may be held for later
/// processing"; Linux keeps an out-of-order queue). The engine keeps none: it acts on
/// such a segment's ACK and drops its text and FIN, counting on the sender to send
/// them again. A real sender does not, so the observer gives the segment to the
/// endpoint at once (its ACK counts), keeps it, and gives it again once RCV.NXT
/// reaches it: after a lost or reordered segment, the text and the FIN behind the
/// gap are taken as the real receiver took them.
fn deliver(
    ep: &mut Endpoint,
    held: &mut Vec<(SeqNum, SeqNum, usize)>,
    seg: Segment,
    k: usize,
    now: u64,
    seg_of: &dyn Fn(usize) -> Segment,
) {
    let synchronized = matches!(ep.state(), State::Established | State::FinWait1 | State::FinWait2);
    let before = ep.rcv_nxt();
    let beyond = synchronized && !seg.flags.syn && !seg.flags.rst && seg.seg_len() > 0 && seg.seq > before;
    ep.handle_segment(now, &seg);
    if beyond {
        if held.len() < MAX_HELD {
            held.push((seg.seq, seg.end(), k));
        }
        return;
    }
    if held.is_empty() || ep.rcv_nxt() == before {
        return;
    }
    // The gap may be filled now: the kept segments that RCV.NXT reached, in order.
    loop {
        let rcv_nxt = ep.rcv_nxt();
        held.retain(|&(_, end, _)| end > rcv_nxt);
        let Some(i) = (0..held.len()).filter(|&i| held[i].0 <= rcv_nxt).min_by_key(|&i| held[i].0.since(rcv_nxt))
        else {
            return;
        };
        let (_, _, j) = held.swap_remove(i);
        ep.handle_segment(now, &seg_of(j));
        if ep.rcv_nxt() == rcv_nxt {
            // The endpoint did not take it (its state no longer accepts text): nothing
            // more will be taken.
            held.clear();
            return;
        }
    }
}

/// Record one side's state changes, and remember a RST it would send in answer.
/// `cause`: what they go with in a trace, the side's own sending or an arrival.
fn drain(sides: &mut [Observer; 2], i: usize, frame: u64, cause: Cause, states: &mut Vec<StateChange>) {
    let side = &mut sides[i];
    side.discard_transmits();
    while let Some(note) = side.ep.poll_note() {
        if let Note::State { from, to, reason } = note {
            states.push(StateChange {
                frame,
                side: if i == 0 { Side::Client } else { Side::Server },
                from,
                to,
                reason,
                cause,
            });
        }
    }
}

/// Segments that crossed the receiver's own segment in flight, as (deliver after
/// index, segment index), sorted. The trace draws them so ([`crate::trace`]).
///
/// A capture shows each segment where it was taken, not when its receiver's TCP
/// processed it. The receiver's next segment tells: every segment carries the
/// sender's current RCV.NXT (RFC 9293 §3.10.7.4, "Send an acknowledgment"), so if
/// that next segment does not acknowledge this one, it was sent before this one
/// arrived (the FINs of a simultaneous close). Likewise a bare SYN from the receiver
/// means it was opening actively when this segment reached it (the SYNs of a
/// simultaneous open, RFC 9293 Fig. 7).
pub(crate) fn deferrals(rows: &[SegmentRow]) -> Vec<(usize, usize)> {
    let dir_of = |r: &SegmentRow| usize::from(r.dir == Dir::ServerToClient);
    let mut out = Vec::new();
    // Walking backwards, `next_from[d]` is the next segment sent by side d.
    let mut next_from: [Option<usize>; 2] = [None; 2];
    for j in (0..rows.len()).rev() {
        let s = &rows[j];
        let d = dir_of(s);
        if s.seg_len() > 0 && !s.lost {
            if let Some(i) = next_from[1 - d] {
                let r = &rows[i];
                let bare_syn = r.flags.has(TcpFlags::SYN) && !r.flags.has(TcpFlags::ACK);
                let end = SeqNum(s.seq) + s.seg_len();
                // Its ACK stops inside this segment: it had not arrived yet. (An ACK
                // elsewhere in sequence space says nothing about this segment.)
                let not_acked =
                    !r.flags.has(TcpFlags::RST) && r.ack.is_some_and(|a| SeqNum(s.seq) <= SeqNum(a) && SeqNum(a) < end);
                if bare_syn || not_acked {
                    out.push((i, j));
                }
            }
        }
        next_from[d] = Some(j);
    }
    out.sort_unstable();
    keep_order(rows, out)
}

/// Defers, with each deferred segment, every later segment of the same sender that
/// precedes the receiver's segment it waits for, and returns the whole list sorted.
///
/// One path delivers in order: what a sender sent after a segment that had not yet
/// arrived when the receiver's segment was sent had not arrived either. Handing
/// those later segments over first would also lose them: the engine keeps no
/// out-of-order queue (a segment beyond RCV.NXT is dropped, RFC 9293 §3.10.7.4), so
/// in a bulk transfer, where every ACK crosses data still in flight, the receiver's
/// RCV.NXT would stop at the first deferred segment, and its peer's FIN would never
/// be taken.
fn keep_order(rows: &[SegmentRow], deferred: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut after: Vec<Option<usize>> = vec![None; rows.len()];
    for &(i, j) in &deferred {
        after[j] = Some(i);
    }
    // `waiting[d]`: side d's segments are held back until after this index.
    let mut waiting: [Option<usize>; 2] = [None; 2];
    for j in 0..rows.len() {
        let d = usize::from(rows[j].dir == Dir::ServerToClient);
        if rows[j].lost {
            continue;
        }
        match (after[j], waiting[d]) {
            (Some(i), _) => waiting[d] = Some(i),
            (None, Some(i)) if j < i => after[j] = Some(i),
            _ => waiting[d] = None,
        }
    }
    let mut out: Vec<(usize, usize)> = after.iter().enumerate().filter_map(|(j, i)| Some(((*i)?, j))).collect();
    out.sort_unstable();
    out
}
