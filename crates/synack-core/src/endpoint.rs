//! A sans-IO TCP endpoint following RFC 9293.
//!
//! Input: application calls ([`Endpoint::connect`], [`Endpoint::send`], …),
//! [`Endpoint::handle_segment`] and [`Endpoint::handle_timeout`], each with the
//! caller's `now` in microseconds. Output: [`Endpoint::poll_transmit`] for segments,
//! [`Endpoint::poll_note`] for what happened (state changes with their reasons,
//! timers, discarded segments, application notifications) and
//! [`Endpoint::poll_timeout`] for when to call back. The endpoint never reads a
//! clock or a random source: the same calls give the same output on every platform.
//!
//! Every state change goes through one private `set_state`, which records it with
//! its [`Reason`]; that record is what the visualizer animates.

use crate::prelude::*;
use alloc::collections::VecDeque;
use core::fmt;
use core::ops::ControlFlow;

use serde::Serialize;

use crate::profile::{Handshake, Profile, UnexpectedAnswer, SECOND};
use crate::reason::Reason;
use crate::segment::{Flags, Segment, TcpOptions};
use crate::seq::SeqNum;
use crate::state::State;
use crate::QUEUES;

#[cfg(feature = "queues")]
mod fast_open;

/// RFC 9293 §3.7.1: the MSS assumed when the peer sends no MSS option.
const DEFAULT_MSS: u16 = 536;
/// RFC 6298 §5.7: the RTO after a SYN timed out, once data transmission begins.
const RTO_AFTER_SYN_TIMEOUT: u64 = 3 * SECOND;
/// RFC 7323 §2.3: the largest window scale shift.
const MAX_WINDOW_SCALE: u8 = 14;
/// Received bytes kept for inspection; past this only the count grows.
const RECEIVED_KEEP: usize = 1 << 20;

/// Static configuration of one endpoint.
#[derive(Clone, Debug)]
pub struct EndpointConfig {
    pub local_port: u16,
    /// The peer's port for an active open; a listener learns it from the SYN.
    pub remote_port: u16,
    /// The ISN of this endpoint's first connection. Later connections (after a crash,
    /// or a listener's next SYN) add a 4 µs clock to it, as RFC 9293 §3.4.1 asks.
    pub isn: u32,
    pub profile: Profile,
    pub handshake: Handshake,
    pub unexpected_answer: UnexpectedAnswer,
    /// The backlog of `listen()`. `None`: no queues are modelled, and a connection
    /// is the application's as soon as it is established (every scenario before the
    /// listen queues). `Some(n)`: the SYN queue and the accept queue each hold n + 1
    /// entries, as Linux counts (`inet_csk_reqsk_queue_is_full`, `sk_acceptq_is_full`
    /// compare with `>`), and SYNs from peers other than `remote_port` get entries of
    /// their own beside the connection this endpoint follows.
    pub backlog: Option<u32>,
}

/// A segment the endpoint wants sent, and why.
#[derive(Clone, Debug)]
pub struct Transmit {
    pub segment: Segment,
    pub reason: Reason,
    pub retransmission: bool,
    /// What the ISN of a SYN,ACK sent from a SYN cookie encodes.
    pub cookie: Option<SynCookie>,
}

/// The parts of a SYN cookie, the ISN a listener with a full SYN queue answers with
/// (RFC 4987 §3.6), laid out as Linux's `secure_tcp_syn_cookie` adds them:
/// `ISN = hash1 + peer_isn + (count << 24) + ((hash2 + mss_index) mod 2^24)`.
/// The two hashes here are a stand-in for Linux's keyed siphash of the addresses,
/// ports and counter (keyed with a secret drawn at boot): deterministic, not secret.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct SynCookie {
    /// The ISN it makes.
    pub isn: u32,
    /// The client's ISN, from its SYN.
    pub peer_isn: u32,
    /// The first hash, of the addresses and ports only.
    pub hash1: u32,
    /// The minute counter (Linux `tcp_cookie_time`); a cookie is good for 2 minutes.
    pub count: u32,
    /// The second hash, of the addresses, ports and counter (24 bits).
    pub hash2: u32,
    /// Index into Linux's table of MSS values 536, 1300, 1440, 1460.
    pub mss_index: u8,
    pub mss: u16,
    /// With timestamps: the low 6 bits of our TSval carry the peer's window scale
    /// (15 for none) and, in bit 4, SACK-permitted (Linux `cookie_init_timestamp`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts_options: Option<u8>,
}

/// Linux's `msstab`: the MSS values a SYN cookie can carry, by index.
const COOKIE_MSS: [u16; 4] = [536, 1300, 1440, 1460];
/// A minute of microseconds: the SYN cookie counter's tick.
const COOKIE_TICK_US: u64 = 60 * SECOND;
/// What a SYN's options may take at most (Linux MAX_TCP_OPTION_SPACE): Linux
/// sends at most the MSS less this much data in a SYN (tcp_send_syn_data).
#[cfg(feature = "queues")]
const MAX_OPTION_SPACE: u16 = 40;

/// A 64-to-32-bit mixer (splitmix64's finaliser): the keyed hashes' stand-in for
/// Linux's siphash.
fn mix(x: u64) -> u32 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as u32
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimerKind {
    Retransmission,
    TimeWait,
    DelayedAck,
    /// Linux's `tcp_fin_timeout` for a closed socket waiting in FIN-WAIT-2.
    #[serde(rename = "fin-wait-2")]
    FinWait2,
    /// Keep-alive (RFC 1122 §4.2.3.6): the next probe is due.
    Keepalive,
    /// The persist timer (RFC 9293 §3.8.6.1): the peer's window is zero and data
    /// waits; the next zero-window probe is due.
    Persist,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum TimerAction {
    /// Armed to fire at `at_us`.
    Set {
        at_us: u64,
    },
    Fired,
    Cancelled,
}

/// What the application is told.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "note", rename_all = "kebab-case")]
pub enum AppNote {
    Connected,
    /// `len` new bytes arrived in order; `total` so far on this connection.
    Received {
        len: usize,
        total: u64,
    },
    /// The peer's FIN arrived: end of its data.
    PeerClosed,
    /// The connection is fully closed.
    Closed,
    /// The peer reset the connection.
    Reset,
    /// The peer refused the connection (RST in answer to our SYN).
    Refused,
    /// Retransmissions never got the acknowledgment they waited for; the connection was given up.
    TimedOut,
    /// An application call failed; the text is the RFC's error wording.
    Error {
        message: String,
    },
}

/// Something that happened inside the endpoint, in order.
#[derive(Clone, Debug)]
pub enum Note {
    State {
        from: State,
        to: State,
        reason: Reason,
    },
    Timer {
        timer: TimerKind,
        action: TimerAction,
    },
    /// An arriving segment was dropped without any reply.
    Discard {
        reason: Reason,
    },
    /// An arriving segment was taken in without a state change, for a reason worth
    /// telling (the four-way client accepting the lone ACK of its SYN).
    Accept {
        reason: Reason,
    },
    App(AppNote),
    /// The listener's queues changed length (only with a backlog).
    Queue {
        syn_queue: u32,
        accept_queue: u32,
        backlog: u32,
        reason: Reason,
    },
}

/// What a listener does with a SYN that would start a connection.
enum Admit {
    Queue,
    Cookie,
    Drop,
}

/// A half-open connection of a peer other than the one this endpoint follows, in
/// the listener's SYN queue: Linux's `request_sock`, which holds just enough to
/// resend the SYN,ACK and to recognise the ACK that completes it.
#[derive(Clone, Debug)]
struct Request {
    remote_port: u16,
    irs: SeqNum,
    iss: SeqNum,
    /// The SYN,ACK, resent as it is (its timestamp renewed).
    syn_ack: Segment,
    retries: u32,
    rto: u64,
    rtx_at: u64,
}

/// An application call that the current state does not allow (RFC 9293 §3.10).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AppError {
    ConnectionExists,
    ConnectionDoesNotExist,
    ConnectionClosing,
}

impl AppError {
    /// RFC 9293's words for it (§3.10, the user calls).
    pub fn message(self) -> &'static str {
        match self {
            AppError::ConnectionExists => "error: connection already exists",
            AppError::ConnectionDoesNotExist => "error: connection does not exist",
            AppError::ConnectionClosing => "error: connection closing",
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for AppError {}

/// RFC 6298 round-trip estimation.
#[derive(Clone, Debug, Default)]
struct Rtt {
    srtt: Option<u64>,
    rttvar: u64,
}

impl Rtt {
    /// RFC 6298 §2.2–2.3, with K = 4 and a clock granularity of 1 µs.
    fn sample(&mut self, r: u64) -> u64 {
        match self.srtt {
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2;
            }
            Some(srtt) => {
                self.rttvar = (3 * self.rttvar + srtt.abs_diff(r)) / 4;
                self.srtt = Some((7 * srtt + r) / 8);
            }
        }
        self.srtt.unwrap_or(r) + (4 * self.rttvar).max(1)
    }
}

/// The transmission control block of one connection (RFC 9293 §3.3.1): everything
/// that a new connection starts afresh, built by [`Tcb::new`].
#[derive(Debug)]
struct Tcb {
    /// The connection came from LISTEN (RFC 9293 §3.10.7.4: a reset returns it there).
    passive: bool,
    remote_port: u16,

    iss: SeqNum,
    snd_una: SeqNum,
    snd_nxt: SeqNum,
    snd_wnd: u32,
    snd_wl1: SeqNum,
    snd_wl2: SeqNum,
    irs: SeqNum,
    rcv_nxt: SeqNum,
    /// RCV.WND: our receive window, fixed when our SYN is built.
    rcv_wnd: u32,

    // Negotiated options.
    peer_mss: u16,
    snd_shift: u8,
    rcv_shift: u8,
    sack_ok: bool,
    ts_ok: bool,
    ts_recent: u32,
    peer_ws: bool,

    /// Application bytes not yet acknowledged; `sendq[0]` has sequence number `buf_seq`.
    sendq: VecDeque<u8>,
    buf_seq: SeqNum,
    /// The application closed its sending side: a FIN follows the queued data.
    fin_queued: bool,
    /// The sequence number our FIN occupies, once sent.
    fin_seq: Option<SeqNum>,
    /// The application no longer reads (close, as opposed to shutdown).
    read_closed: bool,
    /// The peer's FIN arrived on this connection.
    peer_fin_seen: bool,

    ack_now: bool,
    unacked_segments: u32,
    quick_acks_left: u32,

    rtx_at: Option<u64>,
    keepalive_at: Option<u64>,
    /// Keep-alive probes sent since the peer last said anything.
    probes_out: u32,
    persist_at: Option<u64>,
    /// The right edge of the last window offered, RCV.NXT + RCV.WND as sent.
    rcv_adv: Option<SeqNum>,
    /// Zero-window probes sent since the window closed (their timeout doubles).
    persist_probes: u32,
    /// The RFC's probe, one octet beyond a zero window, is out unacknowledged.
    probe_octet: bool,
    /// Sent again from SND.UNA after a probe octet the peer did not take: what
    /// goes below this was sent before (a retransmission, for Karn's rule).
    resend_below: Option<SeqNum>,
    time_wait_at: Option<u64>,
    fin_wait_2_at: Option<u64>,
    delack_at: Option<u64>,
    rto: u64,
    retries: u32,
    rtt: Rtt,
    rtt_probe: Option<(SeqNum, u64)>,
    syn_timed_out: bool,

    ever_established: bool,
    received: Vec<u8>,
    received_total: u64,
    /// Bytes that arrived and that the application has not read.
    unread: u64,

    /// TCP Fast Open on this connection (RFC 7413).
    #[cfg(feature = "queues")]
    fo: fast_open::Conn,
}

impl Tcb {
    /// A connection that has not begun: no numbers chosen, no options negotiated,
    /// no timer running, the profile's initial RTO and window.
    fn new(cfg: &EndpointConfig) -> Tcb {
        Tcb {
            passive: false,
            remote_port: cfg.remote_port,
            iss: SeqNum(0),
            snd_una: SeqNum(0),
            snd_nxt: SeqNum(0),
            snd_wnd: 0,
            snd_wl1: SeqNum(0),
            snd_wl2: SeqNum(0),
            irs: SeqNum(0),
            rcv_nxt: SeqNum(0),
            rcv_wnd: cfg.profile.window,
            peer_mss: DEFAULT_MSS,
            snd_shift: 0,
            rcv_shift: 0,
            sack_ok: false,
            ts_ok: false,
            ts_recent: 0,
            peer_ws: false,
            sendq: VecDeque::new(),
            buf_seq: SeqNum(0),
            fin_queued: false,
            fin_seq: None,
            read_closed: false,
            peer_fin_seen: false,
            ack_now: false,
            unacked_segments: 0,
            quick_acks_left: cfg.profile.quick_acks,
            rtx_at: None,
            keepalive_at: None,
            probes_out: 0,
            persist_at: None,
            rcv_adv: None,
            persist_probes: 0,
            probe_octet: false,
            resend_below: None,
            time_wait_at: None,
            fin_wait_2_at: None,
            delack_at: None,
            rto: cfg.profile.rto_initial_us,
            retries: 0,
            rtt: Rtt::default(),
            rtt_probe: None,
            syn_timed_out: false,
            ever_established: false,
            received: Vec::new(),
            received_total: 0,
            unread: 0,
            #[cfg(feature = "queues")]
            fo: fast_open::Conn::default(),
        }
    }
}

/// One TCP endpoint: a socket that holds one connection's [`Tcb`] at a time, and
/// possibly a listener that outlives its connections.
#[derive(Debug)]
pub struct Endpoint {
    cfg: EndpointConfig,
    state: State,
    /// The application has a listening socket open. It is not the connection: a
    /// connection accepted from it ends (closed, reset, timed out) and the listener
    /// goes on listening, as a sockets API listener and Linux's do.
    listener: bool,
    /// Connections that have ended on this endpoint (a scenario's `closed` step
    /// waits for the next one, even if the listener is back in LISTEN at once).
    ended: u32,
    /// When this endpoint first chose an ISN: the start of its 4 µs ISN clock.
    isn_epoch: Option<u64>,
    /// The ISN the next connection must take (a SYN that ended TIME-WAIT).
    next_isn: Option<SeqNum>,
    /// The time of the call being handled, set by every public entry point; the
    /// timers and timestamps read it.
    now: u64,
    /// The current (or last) connection.
    tcb: Tcb,
    /// The listener's SYN queue: other peers' half-open connections (with a backlog).
    requests: Vec<Request>,
    /// The listener's accept queue: established connections, by the peer's port,
    /// that the application has not yet taken with accept().
    accept_queue: VecDeque<u16>,
    /// The last time a SYN found the SYN queue full: cookies are checked for two
    /// minutes after it (Linux `tcp_synq_no_recent_overflow`).
    last_overflow: Option<u64>,
    /// TCP Fast Open's host state: data sent before connect(), the client's
    /// cookie cache, the server's key (RFC 7413). It outlives connections.
    #[cfg(feature = "queues")]
    fo: fast_open::Host,

    out: VecDeque<Transmit>,
    notes: VecDeque<Note>,
}

impl Endpoint {
    pub fn new(cfg: EndpointConfig) -> Endpoint {
        Endpoint {
            state: State::Closed,
            listener: false,
            ended: 0,
            isn_epoch: None,
            next_isn: None,
            now: 0,
            tcb: Tcb::new(&cfg),
            requests: Vec::new(),
            accept_queue: VecDeque::new(),
            last_overflow: None,
            #[cfg(feature = "queues")]
            fo: fast_open::Host::default(),
            out: VecDeque::new(),
            notes: VecDeque::new(),
            cfg,
        }
    }

    // ----- Observation -------------------------------------------------------------

    pub fn state(&self) -> State {
        self.state
    }
    pub fn config(&self) -> &EndpointConfig {
        &self.cfg
    }
    /// The ISN of the current (or last) connection.
    pub fn iss(&self) -> SeqNum {
        self.tcb.iss
    }
    /// The peer's ISN, once known.
    pub fn irs(&self) -> SeqNum {
        self.tcb.irs
    }
    pub fn snd_una(&self) -> SeqNum {
        self.tcb.snd_una
    }
    pub fn snd_nxt(&self) -> SeqNum {
        self.tcb.snd_nxt
    }
    pub fn rcv_nxt(&self) -> SeqNum {
        self.tcb.rcv_nxt
    }
    /// The bytes delivered to the application on this connection, in order
    /// (the first MiB; [`Endpoint::received_total`] counts all).
    pub fn received(&self) -> &[u8] {
        &self.tcb.received
    }
    pub fn received_total(&self) -> u64 {
        self.tcb.received_total
    }
    /// The connection reached ESTABLISHED since the last connect or listen.
    /// How many connections have ended here (entered CLOSED), including one that
    /// its listener has since replaced with LISTEN.
    pub fn connections_ended(&self) -> u32 {
        self.ended
    }

    /// The application has a listening socket open (see [`Endpoint::listen`]).
    pub fn listening(&self) -> bool {
        self.listener
    }

    pub fn ever_established(&self) -> bool {
        self.tcb.ever_established
    }
    /// The application closed this connection's socket (close(), not shutdown()):
    /// it reads nothing more from it.
    pub fn app_closed(&self) -> bool {
        self.tcb.read_closed
    }
    /// The peer's FIN arrived on this connection.
    pub fn peer_closed(&self) -> bool {
        self.tcb.peer_fin_seen
    }
    /// Bytes the application queued that the peer has not acknowledged.
    pub fn unacknowledged(&self) -> usize {
        self.tcb.sendq.len()
    }

    // ----- Output ------------------------------------------------------------------

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.out.pop_front()
    }

    pub fn poll_note(&mut self) -> Option<Note> {
        self.notes.pop_front()
    }

    /// The earliest time [`Endpoint::handle_timeout`] has work to do.
    pub fn poll_timeout(&self) -> Option<u64> {
        let requests = if QUEUES { self.requests.iter().map(|r| r.rtx_at).min() } else { None };
        [
            self.tcb.rtx_at,
            self.tcb.time_wait_at,
            self.tcb.delack_at,
            self.tcb.fin_wait_2_at,
            requests,
            self.tcb.keepalive_at.filter(|_| QUEUES),
            self.tcb.persist_at.filter(|_| QUEUES),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Half-open connections in the listener's SYN queue (with a backlog): other
    /// peers' entries, and the followed connection while it is in SYN-RECEIVED.
    pub fn syn_queue_len(&self) -> u32 {
        let own = self.state == State::SynReceived && self.tcb.passive;
        self.requests.len() as u32 + u32::from(own)
    }

    /// Established connections waiting for accept() (with a backlog).
    pub fn accept_queue_len(&self) -> u32 {
        self.accept_queue.len() as u32
    }

    // ----- Application calls (RFC 9293 §3.10) --------------------------------------

    /// Passive OPEN (§3.10.1).
    pub fn listen(&mut self, now: u64) -> Result<(), AppError> {
        self.now = now;
        if self.state != State::Closed {
            return Err(AppError::ConnectionExists);
        }
        self.fresh_connection();
        self.tcb.passive = true;
        self.listener = true;
        self.set_state(State::Listen, Reason::AppListen);
        Ok(())
    }

    /// Passive OPEN for one connection only: when it ends the endpoint stays CLOSED.
    /// A capture's observer uses it: a capture shows the connection, not the listening
    /// socket it came from.
    pub fn listen_for_one(&mut self, now: u64) -> Result<(), AppError> {
        self.listen(now)?;
        self.listener = false;
        Ok(())
    }

    /// Active OPEN (§3.10.1): choose an ISS, send `<SEQ=ISS><CTL=SYN>`, enter SYN-SENT.
    pub fn connect(&mut self, now: u64) -> Result<(), AppError> {
        self.now = now;
        if self.state != State::Closed {
            return Err(AppError::ConnectionExists);
        }
        self.fresh_connection();
        self.choose_iss();
        self.choose_rcv_wnd();
        self.tcb.snd_una = self.tcb.iss;
        self.tcb.snd_nxt = self.tcb.iss + 1;
        self.set_state(State::SynSent, Reason::AppConnect);
        // Data sent before connect() makes it sendto(MSG_FASTOPEN) (RFC 7413 §4.2).
        #[cfg(feature = "queues")]
        let sent = self.connect_fast_open();
        #[cfg(not(feature = "queues"))]
        let sent = false;
        if !sent {
            self.emit_syn(false, Reason::AppConnect, false);
        }
        self.tcb.rtt_probe = Some((self.tcb.snd_nxt, self.now));
        self.arm_rtx();
        Ok(())
    }

    /// SEND (§3.10.2): queue bytes; they go out as soon as the state allows.
    pub fn send(&mut self, now: u64, data: &[u8]) -> Result<(), AppError> {
        self.now = now;
        // sendto(MSG_FASTOPEN): the data waits for the connect() that follows.
        #[cfg(feature = "queues")]
        if self.send_early(data) {
            return Ok(());
        }
        match self.state {
            State::Closed => return Err(AppError::ConnectionDoesNotExist),
            // A passive open becomes active when data is sent (§3.10.2); this engine's
            // listeners only answer SYNs, so sending from LISTEN is refused instead.
            State::Listen => return Err(AppError::ConnectionDoesNotExist),
            _ if self.tcb.fin_queued => return Err(AppError::ConnectionClosing),
            _ => {}
        }
        self.tcb.sendq.extend(data);
        self.flush();
        Ok(())
    }

    /// CLOSE (§3.10.4) of the sending side only: a FIN follows the queued data, and
    /// the application keeps reading (a half-close, as `shutdown(SHUT_WR)`).
    pub fn shutdown(&mut self, now: u64) -> Result<(), AppError> {
        self.now = now;
        match self.state {
            State::Closed => Err(AppError::ConnectionDoesNotExist),
            State::Listen | State::SynSent => {
                // In LISTEN the call closes the listening socket itself.
                self.close_listener();
                self.enter_closed(Reason::AppCloseBeforeSynchronized);
                Ok(())
            }
            _ if self.tcb.fin_queued => Err(AppError::ConnectionClosing),
            State::SynReceived | State::Established => {
                self.tcb.fin_queued = true;
                self.set_state(State::FinWait1, Reason::AppClose);
                self.flush();
                Ok(())
            }
            State::CloseWait => {
                self.tcb.fin_queued = true;
                self.set_state(State::LastAck, Reason::AppClose);
                self.flush();
                Ok(())
            }
            _ => Err(AppError::ConnectionClosing),
        }
    }

    /// `close()` of a socket: CLOSE as in [`Endpoint::shutdown`], and the application
    /// stops reading, so later data is answered with a reset (as Linux does).
    pub fn close(&mut self, now: u64) -> Result<(), AppError> {
        self.now = now;
        let synchronized = matches!(
            self.state,
            State::Established | State::CloseWait | State::FinWait1 | State::FinWait2 | State::SynReceived
        );
        if QUEUES && synchronized && self.tcb.unread > 0 {
            // RFC 9293 §3.10.4 lets CLOSE keep receiving, but bytes nobody will read
            // would be lost silently: RFC 2525 §2.17 asks for a RST, and Linux's
            // tcp_close sends one (<SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>) instead
            // of a FIN, and forgets the connection.
            let seg = self.segment(self.tcb.snd_nxt, Some(self.tcb.rcv_nxt), Flags::RST, Vec::new());
            self.queue(seg, Reason::RstUnreadData, false);
            self.enter_closed(Reason::RstUnreadData);
            return Ok(());
        }
        self.shutdown(now)?;
        self.tcb.read_closed = true;
        Ok(())
    }

    /// ABORT (§3.10.5): in a synchronized state send `<SEQ=SND.NXT><CTL=RST>`
    /// (with the ACK bit, as Linux sends it), then forget the connection.
    pub fn abort(&mut self, now: u64) -> Result<(), AppError> {
        self.now = now;
        match self.state {
            State::Closed => return Err(AppError::ConnectionDoesNotExist),
            State::SynReceived | State::Established | State::FinWait1 | State::FinWait2 | State::CloseWait => {
                let seg = self.segment(self.tcb.snd_nxt, Some(self.tcb.rcv_nxt), Flags::RST, Vec::new());
                self.queue(seg, Reason::AppAbort, false);
            }
            // Aborting in LISTEN closes the listening socket itself.
            State::Listen => self.close_listener(),
            _ => {}
        }
        self.enter_closed(Reason::AppAbort);
        Ok(())
    }

    /// `accept()`: take the oldest established connection from the listener's accept
    /// queue (with a backlog). With nothing waiting there is nothing to take (a real
    /// accept() would block; a scenario calls it when a connection waits).
    pub fn accept(&mut self, now: u64) -> Result<(), AppError> {
        self.now = now;
        if !QUEUES || !self.listener || self.accept_queue.pop_front().is_none() {
            return Err(AppError::ConnectionDoesNotExist);
        }
        self.note_queue(Reason::AppAccept);
        Ok(())
    }

    /// `read()` by an application that does not read as data arrives (`reads`
    /// false): it takes everything waiting in the receive buffer, so the window
    /// opens again. A window that opens by at least min(buffer / 2, MSS), or from
    /// zero, is told to the peer at once (RFC 9293 §3.8.6.2.2; Linux
    /// tcp_cleanup_rbuf).
    pub fn read(&mut self, now: u64) -> Result<(), AppError> {
        self.now = now;
        if !QUEUES || self.state == State::Closed && !self.listener {
            return Err(AppError::ConnectionDoesNotExist);
        }
        let taken = self.tcb.unread;
        if taken == 0 {
            return Ok(());
        }
        let before = self.rcv_space();
        self.tcb.unread = 0;
        self.notes.push_back(Note::App(AppNote::Received { len: taken as usize, total: self.tcb.received_total }));
        let opened = self.rcv_space() - before;
        let worth = (self.tcb.rcv_wnd / 2).min(self.eff_mss() as u32).max(1);
        if self.state.is_synchronized() && (before == 0 || opened >= worth) {
            self.tcb.ack_now = true;
            self.send_ack_if_due(Reason::WindowUpdate);
        }
        Ok(())
    }

    /// The host crashes: every record of the connection is gone and nothing is sent.
    pub fn crash(&mut self, now: u64) {
        self.now = now;
        self.close_listener(); // The whole host is gone, its listening sockets too.
                               // And its memory: the Fast Open cookie cache, unsent data, the key.
        #[cfg(feature = "queues")]
        self.fo.forget();
        self.enter_closed(Reason::Crash);
    }

    // ----- Timers ------------------------------------------------------------------

    pub fn handle_timeout(&mut self, now: u64) {
        self.now = now;
        if self.tcb.delack_at.is_some_and(|t| t <= now) {
            self.tcb.delack_at = None;
            self.note_timer(TimerKind::DelayedAck, TimerAction::Fired);
            self.tcb.ack_now = true;
            self.send_ack_if_due(Reason::DelayedAck);
        }
        if self.tcb.time_wait_at.is_some_and(|t| t <= now) {
            self.tcb.time_wait_at = None;
            self.note_timer(TimerKind::TimeWait, TimerAction::Fired);
            self.notes.push_back(Note::App(AppNote::Closed));
            // A TIME-WAIT of no time at all is the comparison's counterfactual, not an expiry.
            let why =
                if self.cfg.profile.time_wait_us == 0 { Reason::TimeWaitSkipped } else { Reason::TimeWaitExpired };
            self.enter_closed(why);
        }
        if self.tcb.fin_wait_2_at.is_some_and(|t| t <= now) {
            self.tcb.fin_wait_2_at = None;
            self.note_timer(TimerKind::FinWait2, TimerAction::Fired);
            // Nobody can read from the socket any more: it is dropped without a word
            // to the peer, whose later segments will meet a closed port.
            self.enter_closed(Reason::FinWait2Timeout);
        }
        if self.tcb.rtx_at.is_some_and(|t| t <= now) {
            self.tcb.rtx_at = None;
            self.note_timer(TimerKind::Retransmission, TimerAction::Fired);
            self.on_rto();
        }
        if QUEUES && self.tcb.persist_at.is_some_and(|t| t <= now) {
            self.tcb.persist_at = None;
            self.note_timer(TimerKind::Persist, TimerAction::Fired);
            self.on_persist();
        }
        if QUEUES && self.tcb.keepalive_at.is_some_and(|t| t <= now) {
            self.tcb.keepalive_at = None;
            self.note_timer(TimerKind::Keepalive, TimerAction::Fired);
            self.on_keepalive();
        }
        if self.backlog().is_some() {
            self.requests_timeout();
        }
    }

    /// The keep-alive timer (RFC 1122 §4.2.3.6, as Linux's tcp_keepalive_timer):
    /// while data waits for an acknowledgment the retransmission timer watches
    /// the peer; otherwise probe, and after the last unanswered probe give up.
    #[inline(never)]
    fn on_keepalive(&mut self) {
        if !matches!(self.state, State::Established | State::CloseWait) {
            return;
        }
        let p = &self.cfg.profile;
        let (idle, intvl, probes) = (p.keepalive_idle_us, p.keepalive_intvl_us, p.keepalive_probes);
        if self.tcb.snd_una != self.tcb.snd_nxt {
            return self.arm_keepalive(idle);
        }
        if self.tcb.probes_out >= probes {
            let rst = self.segment(self.tcb.snd_nxt, Some(self.tcb.rcv_nxt), Flags::RST, Vec::new());
            self.queue(rst, Reason::KeepaliveTimeout, false);
            self.notes.push_back(Note::App(AppNote::TimedOut));
            return self.enter_closed(Reason::KeepaliveTimeout);
        }
        self.tcb.probes_out += 1;
        let probe = self.segment(self.tcb.snd_una - 1, Some(self.tcb.rcv_nxt), Flags::NONE, Vec::new());
        self.queue(probe, Reason::KeepaliveProbe, false);
        self.arm_keepalive(intvl);
    }

    fn arm_keepalive(&mut self, after: u64) {
        let at = self.now + after;
        self.tcb.keepalive_at = Some(at);
        self.note_timer(TimerKind::Keepalive, TimerAction::Set { at_us: at });
    }

    /// The persist timer fired (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17): probe the
    /// zero window, and wait twice as long for the next probe. Probing never gives
    /// up while the peer answers (MUST-36/RFC 1122: the connection stays open).
    #[inline(never)]
    fn on_persist(&mut self) {
        if !matches!(self.state, State::Established | State::CloseWait | State::FinWait1 | State::LastAck) {
            return;
        }
        let probe = if self.cfg.profile.zero_window_probe_octet {
            // The RFC: "at least one octet of new data", sent beyond the window.
            let offset = self.tcb.snd_una.since(self.tcb.buf_seq).max(0) as usize;
            let octet = self.queued(offset, 1);
            if octet.is_empty() {
                return;
            }
            self.tcb.probe_octet = true;
            if self.tcb.snd_nxt == self.tcb.snd_una {
                self.tcb.snd_nxt = self.tcb.snd_una + 1;
            }
            self.segment(self.tcb.snd_una, Some(self.tcb.rcv_nxt), Flags::NONE, octet)
        } else {
            // Linux (tcp_write_wakeup, tcp_xmit_probe_skb): no data, a sequence number
            // the peer has already seen, so it answers with an ACK and its window.
            self.segment(self.tcb.snd_una - 1, Some(self.tcb.rcv_nxt), Flags::NONE, Vec::new())
        };
        let again = self.tcb.persist_probes > 0;
        self.tcb.persist_probes += 1;
        self.queue(probe, Reason::ZeroWindowProbe, again);
        self.arm_persist();
    }

    /// The next zero-window probe: after the RTO, doubled for each probe already
    /// sent, at most the profile's maximum RTO.
    fn arm_persist(&mut self) {
        let wait =
            self.tcb.rto.saturating_mul(1u64 << self.tcb.persist_probes.min(30)).min(self.cfg.profile.rto_max_us);
        let at = self.now + wait;
        self.tcb.persist_at = Some(at);
        self.note_timer(TimerKind::Persist, TimerAction::Set { at_us: at });
    }

    /// The peer's window opened: stop probing. An octet probe it did not take is
    /// sent again, in its place, with what follows.
    fn stop_persist(&mut self) {
        if self.tcb.persist_at.take().is_some() {
            self.note_timer(TimerKind::Persist, TimerAction::Cancelled);
        }
        self.tcb.persist_probes = 0;
        if self.tcb.probe_octet && self.tcb.snd_nxt > self.tcb.snd_una && self.tcb.rtx_at.is_none() {
            self.tcb.resend_below = Some(self.tcb.snd_nxt);
            self.tcb.snd_nxt = self.tcb.snd_una;
        }
        self.tcb.probe_octet = false;
    }

    /// The SYN queue's own timer (Linux `reqsk_timer_handler`): resend each due
    /// entry's SYN,ACK with a doubled timeout, or drop the entry once it has been
    /// resent `tcp_synack_retries` times. (Entries keep no timer events in the
    /// trace: their SYN,ACKs and the queue's lengths show what happens.)
    #[inline(never)]
    fn requests_timeout(&mut self) {
        let now = self.now;
        let mut i = 0;
        while i < self.requests.len() {
            if self.requests[i].rtx_at > now {
                i += 1;
                continue;
            }
            if self.requests[i].retries >= self.cfg.profile.synack_retries {
                self.requests.remove(i);
                self.note_queue(Reason::RequestExpired);
                continue;
            }
            let ts = self.ts_val();
            let max = self.cfg.profile.rto_max_us;
            let r = &mut self.requests[i];
            r.retries += 1;
            r.rto = (r.rto * 2).min(max);
            r.rtx_at = now + r.rto;
            if let Some((_, ecr)) = r.syn_ack.options.timestamps {
                r.syn_ack.options.timestamps = Some((ts, ecr));
            }
            let seg = r.syn_ack.clone();
            self.out.push_back(Transmit {
                segment: seg,
                reason: Reason::Retransmission,
                retransmission: true,
                cookie: None,
            });
            i += 1;
        }
    }

    /// RFC 6298 §5.4–5.6: retransmit the earliest unacknowledged segment, back off,
    /// and restart the timer; past the retry limit, give up (RFC 9293 §3.8.3).
    fn on_rto(&mut self) {
        if self.tcb.snd_una == self.tcb.snd_nxt {
            return; // Everything was acknowledged at this same instant.
        }
        let p = &self.cfg.profile;
        let limit = match self.state {
            // Linux's linear SYN timeouts come on top of tcp_syn_retries: its give-up
            // time is the doubling schedule's, moved later by one RTO per linear retry.
            State::SynSent => p.syn_retries + p.syn_linear_timeouts,
            State::SynReceived if self.tcb.passive => p.synack_retries,
            State::SynReceived => p.syn_retries,
            _ => p.retries,
        };
        if self.tcb.retries >= limit {
            if self.state == State::SynReceived && self.tcb.passive {
                // A listener's half-finished connection was never accept()ed: its
                // application hears nothing of it.
                self.reset_tcb_keep_listening(Reason::HandshakeTimeoutPassive);
            } else {
                self.notes.push_back(Note::App(AppNote::TimedOut));
                self.enter_closed(Reason::RetransmissionLimit);
            }
            return;
        }
        self.tcb.retries += 1;
        // RFC 6298 §5.5: back off. Linux 6.5+ keeps the initial RTO for the first
        // `tcp_syn_linear_timeouts` SYN retransmissions (tcp_retransmit_timer).
        let linear = self.state == State::SynSent && self.tcb.retries <= self.cfg.profile.syn_linear_timeouts;
        if !linear {
            self.tcb.rto = (self.tcb.rto * 2).min(self.cfg.profile.rto_max_us);
        }
        self.tcb.rtt_probe = None; // Karn's algorithm: no sample from a retransmission.
        match self.state {
            State::SynSent => {
                self.tcb.syn_timed_out = true;
                self.emit_syn(false, Reason::Retransmission, true);
            }
            // Our SYN is still unacknowledged: in SYN-RECEIVED, or in FIN-WAIT-1
            // after a close there. It is the earliest unacknowledged segment, so it
            // is what goes again (RFC 6298 §5.4); FIN-WAIT-1 used to resend nothing.
            _ if self.tcb.snd_una == self.tcb.iss => {
                self.tcb.syn_timed_out = true;
                // Only the four-way server sends its SYN alone; an active opener in
                // SYN-RECEIVED (a simultaneous open) resends SYN,ACK (RFC 9293 Fig. 7).
                let with_ack = !(self.tcb.passive && self.cfg.handshake == Handshake::FourWay);
                self.emit_syn(with_ack, Reason::Retransmission, true);
            }
            _ => self.retransmit_earliest(),
        }
        self.arm_rtx();
    }

    /// `len` bytes of the send queue from `off`, copied as (at most two) slices: a
    /// byte-by-byte copy took a third of `synack import`'s time on a bulk capture.
    fn queued(&self, off: usize, len: usize) -> Vec<u8> {
        let (a, b) = self.tcb.sendq.as_slices();
        let mut out = Vec::with_capacity(len);
        let from_a = a.get(off..).unwrap_or(&[]);
        out.extend_from_slice(&from_a[..len.min(from_a.len())]);
        let off_b = off.saturating_sub(a.len());
        let rest = len - out.len();
        let from_b = b.get(off_b..).unwrap_or(&[]);
        out.extend_from_slice(&from_b[..rest.min(from_b.len())]);
        out
    }

    fn retransmit_earliest(&mut self) {
        let data_off = self.tcb.snd_una.since(self.tcb.buf_seq).max(0) as usize;
        let in_flight = (self.tcb.snd_nxt.since(self.tcb.buf_seq).max(0) as usize).min(self.tcb.sendq.len());
        let len = in_flight.saturating_sub(data_off).min(self.eff_mss());
        let payload = self.queued(data_off, len);
        let seq = self.tcb.snd_una;
        let mut flags = Flags { psh: !payload.is_empty(), ..Flags::NONE };
        if let Some(fin) = self.tcb.fin_seq {
            if seq + len as u32 == fin {
                flags.fin = true;
            }
        }
        if payload.is_empty() && !flags.fin {
            return;
        }
        let seg = self.segment(seq, Some(self.tcb.rcv_nxt), flags, payload);
        self.queue(seg, Reason::Retransmission, true);
    }

    // ----- Segment arrival (RFC 9293 §3.10.7) --------------------------------------

    pub fn handle_segment(&mut self, now: u64, seg: &Segment) {
        self.now = now;
        if self.queues_on() && seg.dst_port == self.cfg.local_port && seg.src_port != self.cfg.remote_port {
            // Another peer: the listener's queues deal with it, beside the connection
            // followed here.
            return self.on_other_peer(seg);
        }
        let ours = seg.dst_port == self.cfg.local_port
            && (matches!(self.state, State::Listen | State::Closed) || seg.src_port == self.tcb.remote_port);
        match self.state {
            _ if !ours => self.on_closed(seg),
            State::Closed => self.on_closed(seg),
            State::Listen => self.on_listen(seg),
            State::SynSent => self.on_syn_sent(seg),
            _ => self.on_synchronized(seg),
        }
        self.flush();
    }

    /// §3.10.7.1 CLOSED: everything is discarded; anything but a RST gets a RST.
    fn on_closed(&mut self, seg: &Segment) {
        if seg.flags.rst {
            return self.discard(Reason::IgnoredRst);
        }
        let (rst, reason) = match seg.ack {
            // If the ACK bit is off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
            None => (self.reply(seg, SeqNum(0), Some(seg.seq + seg.seg_len())), Reason::RstClosedPort),
            // If the ACK bit is on: <SEQ=SEG.ACK><CTL=RST>.
            Some(ack) => (self.reply(seg, ack, None), Reason::RstClosedPortAck),
        };
        self.queue(rst, reason, false);
    }

    /// §3.10.7.2 LISTEN.
    fn on_listen(&mut self, seg: &Segment) {
        // First, an incoming RST is ignored.
        if seg.flags.rst {
            return self.discard(Reason::IgnoredRst);
        }
        // Second, any acknowledgment is bad in LISTEN: <SEQ=SEG.ACK><CTL=RST>. Unless
        // it acknowledges a SYN cookie this listener sent (Linux cookie_v4_check).
        if let Some(ack) = seg.ack {
            let cookie = if QUEUES { self.check_cookie(seg) } else { None };
            if let Some((mss, ts_options)) = cookie {
                return self.establish_from_cookie(seg, mss, ts_options);
            }
            let rst = self.reply(seg, ack, None);
            return self.queue(rst, Reason::RstAckInListen, false);
        }
        // Third, a SYN: record the peer's ISN, choose ours, answer.
        if !seg.flags.syn {
            return self.discard(Reason::IgnoredInState);
        }
        match if QUEUES { self.admit_syn() } else { Admit::Queue } {
            Admit::Drop => return,
            Admit::Cookie => return self.send_cookie(seg),
            Admit::Queue => {}
        }
        self.fresh_connection();
        self.tcb.passive = true;
        self.tcb.remote_port = seg.src_port;
        self.tcb.irs = seg.seq;
        self.tcb.rcv_nxt = seg.seq + 1;
        self.take_syn_options(seg);
        self.choose_iss();
        self.choose_rcv_wnd();
        self.tcb.snd_una = self.tcb.iss;
        self.tcb.snd_nxt = self.tcb.iss + 1;
        self.tcb.snd_wl1 = seg.seq;
        self.tcb.snd_wnd = u32::from(seg.window);
        match self.cfg.handshake {
            Handshake::ThreeWay => {
                #[cfg(feature = "queues")]
                let reason = self.fast_open_syn(seg);
                #[cfg(not(feature = "queues"))]
                let reason = Reason::SynInListen;
                self.set_state(State::SynReceived, reason);
                #[cfg(feature = "queues")]
                self.take_syn_data(seg);
                self.emit_syn(true, reason, false);
                self.tcb.rtt_probe = Some((self.tcb.snd_nxt, self.now));
                self.arm_rtx();
            }
            Handshake::TwoWay => {
                // The counterfactual: the server commits now. No ACK will ever confirm
                // its SYN, so it treats the SYN as delivered and never retransmits it.
                self.emit_syn(true, Reason::TwoWayCommit, false);
                self.tcb.snd_una = self.tcb.snd_nxt;
                self.set_state(State::Established, Reason::TwoWayCommit);
                self.on_established();
            }
            Handshake::FourWay => {
                self.set_state(State::SynReceived, Reason::FourWayAck);
                self.emit_four_way_reply(false);
                self.arm_rtx();
            }
        }
    }

    /// §3.10.7.3 SYN-SENT.
    fn on_syn_sent(&mut self, seg: &Segment) {
        // First, check the ACK bit: it must acknowledge our SYN and nothing beyond.
        let mut ack_ok = false; // The ACK bit is set and passed the test below.
        if let Some(ack) = seg.ack {
            if ack <= self.tcb.iss || ack > self.tcb.snd_nxt {
                if seg.flags.rst {
                    return self.discard(Reason::IgnoredRst);
                }
                if self.cfg.unexpected_answer == UnexpectedAnswer::Ignore {
                    return self.discard(if self.cfg.handshake == Handshake::TwoWay {
                        Reason::TwoWayIgnored
                    } else {
                        Reason::SilentClient
                    });
                }
                // <SEQ=SEG.ACK><CTL=RST>: how TCP rejects an old duplicate (Fig. 8).
                let rst = self.reply(seg, ack, None);
                return self.queue(rst, Reason::RstBadAck, false);
            }
            ack_ok = true;
        }
        // Second, a RST is believed only if it acknowledges our SYN (RFC 5961 §3.2).
        if seg.flags.rst {
            if ack_ok {
                self.notes.push_back(Note::App(AppNote::Refused));
                return self.enter_closed(Reason::RefusedByReset);
            }
            return self.discard(Reason::IgnoredRst);
        }
        // Fourth, the SYN bit.
        if seg.flags.syn {
            self.tcb.irs = seg.seq;
            self.tcb.rcv_nxt = seg.seq + 1;
            self.take_syn_options(seg);
            if let (Some(ack), true) = (seg.ack, ack_ok) {
                self.advance_una(ack, seg);
            }
            // The peer's SYN (with or without ACK) opens its window to us: take it as it
            // is (RFC 9293 §3.10.7.3: SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ,
            // SND.WL2 <- SEG.ACK), whether or not an earlier lone ACK came first.
            self.take_window(seg);
            if self.tcb.snd_una > self.tcb.iss {
                // Our SYN has been acknowledged: ESTABLISHED, and acknowledge theirs.
                // (After sendto(MSG_FASTOPEN) the data waiting goes at once and
                // carries the ACK: Linux's writer waits, sk_write_pending.)
                #[cfg(feature = "queues")]
                let (reason, data_goes) = self.fast_open_syn_ack(seg);
                #[cfg(not(feature = "queues"))]
                let (reason, data_goes) = (Reason::SynAckReceived, false);
                self.set_state(State::Established, reason);
                self.on_established();
                if self.cfg.handshake != Handshake::TwoWay && !data_goes {
                    self.tcb.ack_now = true;
                    self.send_ack_if_due(Reason::HandshakeAck);
                }
            } else {
                // Simultaneous open: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. Our SYN now
                // goes out a second time, so its ACK cannot be timed (Karn, RFC 6298 §3).
                self.tcb.rtt_probe = None;
                self.set_state(State::SynReceived, Reason::SimultaneousOpen);
                self.emit_syn(true, Reason::SimultaneousOpen, false);
                self.arm_rtx();
            }
            return;
        }
        // Neither SYN nor RST. The four-way variant's lone ACK of our SYN is recorded;
        // TCP itself drops it.
        match seg.ack {
            Some(ack) if ack_ok && self.cfg.handshake == Handshake::FourWay && self.tcb.snd_una == self.tcb.iss => {
                self.advance_una(ack, seg);
                self.notes.push_back(Note::Accept { reason: Reason::FourWaySynAcked });
            }
            _ => self.discard(Reason::IgnoredInState),
        }
    }

    /// §3.10.7.4: SYN-RECEIVED and every synchronized state, in the RFC's order of
    /// steps (the third, security, and the sixth, URG, do not apply here). Each step
    /// either lets the segment go on to the next or settles it (`Break`).
    fn on_synchronized(&mut self, seg: &Segment) {
        let _settled = self.synchronized_steps(seg);
    }

    fn synchronized_steps(&mut self, seg: &Segment) -> ControlFlow<()> {
        if QUEUES && self.tcb.keepalive_at.is_some() {
            // The peer said something: it is alive, and the idle time starts again.
            self.tcb.probes_out = 0;
            self.arm_keepalive(self.cfg.profile.keepalive_idle_us);
        }
        self.answer_repeated_handshake(seg)?;
        // A SYN,ACK in SYN-RECEIVED that acknowledges our SYN: the peer's answer in a
        // simultaneous open (RFC 9293 Fig. 7), whose SYN we already took.
        let simultaneous_syn_ack = self.state == State::SynReceived
            && seg.flags.syn
            && !seg.flags.rst
            && seg.seq + 1 == self.tcb.rcv_nxt
            && seg.ack == Some(self.tcb.snd_nxt);
        self.check_sequence(seg, simultaneous_syn_ack)?;
        self.check_rst(seg)?;
        self.check_syn(seg, simultaneous_syn_ack)?;
        let ack = self.check_ack(seg, simultaneous_syn_ack)?;
        self.process_text(seg, ack)?;
        self.check_fin(seg);
        ControlFlow::Continue(())
    }

    /// Before the RFC's steps, the two repeats Linux answers at once.
    fn answer_repeated_handshake(&mut self, seg: &Segment) -> ControlFlow<()> {
        // TIME-WAIT: a retransmission of the peer's FIN means our last ACK was lost.
        // Acknowledge it again and restart the 2×MSL timer (Linux tcp_timewait_state_process).
        if self.state == State::TimeWait && seg.flags.fin && !seg.flags.rst && seg.end() == self.tcb.rcv_nxt {
            self.tcb.ack_now = true;
            self.send_ack_if_due(Reason::TimeWaitReack);
            self.arm_time_wait();
            return ControlFlow::Break(());
        }
        // TIME-WAIT of a connection accepted from a listener: a new SYN beyond the old
        // connection (its sequence number after RCV.NXT, or its timestamp newer) is a
        // new connection, not an old duplicate. TIME-WAIT ends early and the listener
        // takes the SYN (RFC 9293 §3.10.7.4, RFC 6191; RFC 1122 §4.2.2.13). Linux
        // (tcp_timewait_state_process) starts the new ISN at the old SND.NXT + 65537,
        // beyond anything the old connection sent.
        if self.state == State::TimeWait
            && self.listener
            && self.tcb.passive
            && seg.flags.syn
            && !seg.flags.rst
            && seg.ack.is_none()
            && self.newer_than_time_wait(seg)
        {
            let isn = self.tcb.snd_nxt + 65537;
            self.next_isn = Some(if isn.0 == 0 { isn + 1 } else { isn });
            self.enter_closed(Reason::TimeWaitNewSyn);
            self.on_listen(seg);
            return ControlFlow::Break(());
        }
        // A peer that lost our SYN,ACK sends its SYN again: repeat the answer at once
        // (Linux tcp_check_req) instead of waiting for our own timer.
        if seg.flags.syn
            && !seg.flags.rst
            && seg.ack.is_none()
            && seg.seq == self.tcb.irs
            && self.handshake_unconfirmed()
        {
            self.resend_handshake_reply();
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// RFC 6191: the SYN's sequence number is after RCV.NXT, or (with timestamps)
    /// its TSval is newer than the last one the old connection saw.
    fn newer_than_time_wait(&self, seg: &Segment) -> bool {
        let ts_newer = match (self.tcb.ts_ok, seg.options.timestamps) {
            (true, Some((val, _))) => (val.wrapping_sub(self.tcb.ts_recent) as i32) > 0,
            _ => false,
        };
        seg.seq > self.tcb.rcv_nxt || ts_newer
    }

    /// First, check the sequence number: an unacceptable segment is answered with an
    /// ACK (a RST is dropped), and goes no further.
    fn check_sequence(&mut self, seg: &Segment, simultaneous_syn_ack: bool) -> ControlFlow<()> {
        if simultaneous_syn_ack || self.acceptable(seg) {
            return ControlFlow::Continue(());
        }
        if seg.flags.rst {
            self.discard(Reason::IgnoredRst);
        } else {
            self.tcb.ack_now = true;
            // A SYN is challenged "irrespective of the sequence number" (RFC 5961 §4.2;
            // Linux tcp_validate_incoming jumps to syn_challenge the same way).
            let reason = if seg.flags.syn { Reason::ChallengeAck } else { Reason::UnacceptableSegment };
            self.send_ack_if_due(reason);
        }
        ControlFlow::Break(())
    }

    /// Second, check the RST bit (RFC 5961 §3.2: only an exact match resets).
    fn check_rst(&mut self, seg: &Segment) -> ControlFlow<()> {
        if !seg.flags.rst {
            return ControlFlow::Continue(());
        }
        if seg.seq != self.tcb.rcv_nxt {
            self.tcb.ack_now = true;
            self.send_ack_if_due(Reason::ChallengeAckRst);
        } else if self.state == State::SynReceived && self.tcb.passive {
            self.reset_tcb_keep_listening(Reason::ResetReturnsToListen);
        } else {
            let note = if self.state == State::SynReceived { AppNote::Refused } else { AppNote::Reset };
            self.notes.push_back(Note::App(note));
            self.enter_closed(Reason::ResetReceived);
        }
        ControlFlow::Break(())
    }

    /// Fourth, check the SYN bit.
    fn check_syn(&mut self, seg: &Segment, simultaneous_syn_ack: bool) -> ControlFlow<()> {
        if !seg.flags.syn || simultaneous_syn_ack {
            return ControlFlow::Continue(());
        }
        if self.state == State::SynReceived && self.tcb.passive {
            self.reset_tcb_keep_listening(Reason::SynInSynReceived);
        } else {
            // RFC 5961 §4: a challenge ACK; the peer, if it really restarted, answers RST.
            self.tcb.ack_now = true;
            self.send_ack_if_due(Reason::ChallengeAck);
        }
        ControlFlow::Break(())
    }

    /// Fifth, check the ACK field: complete the handshake in SYN-RECEIVED, advance
    /// SND.UNA, update the window, and act on an acknowledged FIN. Goes on with the
    /// segment's acknowledgment number.
    fn check_ack(&mut self, seg: &Segment, simultaneous_syn_ack: bool) -> ControlFlow<(), SeqNum> {
        let Some(ack) = seg.ack else {
            self.discard(Reason::NoAckBit);
            return ControlFlow::Break(());
        };
        if self.state == State::SynReceived {
            if !ack.in_open_closed(self.tcb.snd_una, self.tcb.snd_nxt) {
                let rst = self.reply(seg, ack, None);
                self.queue(rst, Reason::BadAckInSynReceived, false);
                return ControlFlow::Break(());
            }
            if self.queues_on() && self.tcb.passive && self.accept_queue_full() {
                // tcp_abort_on_overflow=0: drop the ACK, keep the entry; its timer
                // resends the SYN,ACK, and a later ACK may find room.
                self.discard(Reason::AcceptQueueFullAck);
                return ControlFlow::Break(());
            }
            let reason = if simultaneous_syn_ack { Reason::SimultaneousSynAck } else { Reason::HandshakeAcked };
            self.advance_una(ack, seg);
            // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and continue
            // processing with the variables below set to: SND.WND <- SEG.WND,
            // SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK" (RFC 9293 §3.10.7.4).
            self.take_window(seg);
            self.take_ts_recent(seg);
            self.set_state(State::Established, reason);
            self.on_established();
            if simultaneous_syn_ack {
                // The SYN in it is a duplicate: acknowledge it (Linux does, at once).
                self.tcb.ack_now = true;
                self.send_ack_if_due(Reason::SimultaneousSynAck);
                return ControlFlow::Break(());
            }
        } else if ack > self.tcb.snd_nxt {
            self.tcb.ack_now = true;
            self.send_ack_if_due(Reason::AckOfUnsent);
            return ControlFlow::Break(());
        } else if ack > self.tcb.snd_una {
            self.advance_una(ack, seg);
        } else if seg.seg_len() == 0 && self.tcb.snd_una != self.tcb.snd_nxt {
            // An ACK that moves nothing while we wait for one: a duplicate ACK, unless
            // it changes the window (RFC 5681 §2) or answers a zero-window probe.
            let window = u32::from(seg.window) << self.tcb.snd_shift;
            if QUEUES && self.tcb.persist_at.is_some() && window == 0 {
                self.discard(Reason::WindowStillZero);
            } else if !QUEUES || window == self.tcb.snd_wnd {
                self.discard(Reason::DuplicateAck);
            }
        } else if QUEUES && seg.seg_len() == 0 && self.tcb.persist_at.is_some() && seg.window == 0 {
            // Linux's probe leaves nothing outstanding: its answer moves nothing either.
            self.discard(Reason::WindowStillZero);
        }
        if ack >= self.tcb.snd_una {
            self.update_window(seg);
        }
        match self.state {
            // A FIN that also acknowledges ours goes straight to TIME-WAIT in the FIN
            // step ("if our FIN has been ACKed (perhaps in this segment)").
            State::FinWait1 if self.our_fin_acked() && !seg.flags.fin => self.enter_fin_wait_2(),
            State::Closing if self.our_fin_acked() => {
                self.set_state(State::TimeWait, Reason::FinAckedClosing);
                self.arm_time_wait();
                return ControlFlow::Break(());
            }
            State::LastAck if self.our_fin_acked() => {
                self.notes.push_back(Note::App(AppNote::Closed));
                self.enter_closed(Reason::FinAckedLastAck);
                return ControlFlow::Break(());
            }
            _ => {}
        }
        ControlFlow::Continue(ack)
    }

    /// Seventh, process the segment text: new in-order bytes go to the application;
    /// a segment beyond RCV.NXT is answered with a duplicate ACK and dropped.
    fn process_text(&mut self, seg: &Segment, ack: SeqNum) -> ControlFlow<()> {
        let in_order = seg.seq <= self.tcb.rcv_nxt;
        let skip = self.tcb.rcv_nxt.since(seg.seq).max(0) as usize;
        let mut new_data = if in_order && skip < seg.payload.len() { &seg.payload[skip..] } else { &[][..] };
        // Only what fits in the window advertised is taken (RFC 9293 §3.10.7.4: text
        // beyond it is trimmed); the ACK tells the sender where the window ends. (The
        // advertised window, scaled, may round up past the buffer's room: it is kept.)
        let space = (u32::from(self.advertised_window()) << self.tcb.rcv_shift) as usize;
        if QUEUES && new_data.len() > space {
            new_data = &new_data[..space];
            self.tcb.ack_now = true;
        }
        if !in_order && seg.seg_len() > 0 {
            self.tcb.ack_now = true;
            self.send_ack_if_due(Reason::OutOfOrder);
            return ControlFlow::Break(());
        }
        if !new_data.is_empty() {
            match self.state {
                State::Established | State::FinWait1 | State::FinWait2 if self.tcb.read_closed => {
                    // RFC 1122 §4.2.2.13: data after CLOSE is answered by a reset. Linux
                    // sends it as a reply, <SEQ=SEG.ACK><CTL=RST> (tcp_v4_send_reset).
                    let rst = self.reply(seg, ack, None);
                    // Our application already closed: it is told nothing more.
                    self.queue(rst, Reason::RstDataAfterClose, false);
                    self.enter_closed(Reason::RstDataAfterClose);
                    return ControlFlow::Break(());
                }
                State::Established | State::FinWait1 | State::FinWait2 => self.accept_data(new_data),
                // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer already sent its FIN.
                _ => {}
            }
        }
        ControlFlow::Continue(())
    }

    /// Eighth, check the FIN bit: only once everything before it has arrived.
    fn check_fin(&mut self, seg: &Segment) {
        if seg.flags.fin && seg.seq + seg.payload.len() as u32 == self.tcb.rcv_nxt {
            self.on_fin();
        } else if self.state == State::FinWait1 && self.our_fin_acked() {
            // The FIN in this segment could not be taken yet; the ACK still counts.
            self.enter_fin_wait_2();
        }
    }

    /// Our FIN has been sent and acknowledged.
    fn our_fin_acked(&self) -> bool {
        self.tcb.fin_seq.is_some_and(|f| self.tcb.snd_una == f + 1)
    }

    fn on_fin(&mut self) {
        self.tcb.rcv_nxt = self.tcb.rcv_nxt + 1;
        self.tcb.peer_fin_seen = true;
        self.notes.push_back(Note::App(AppNote::PeerClosed));
        match self.state {
            State::SynReceived | State::Established => {
                self.set_state(State::CloseWait, Reason::FinReceived);
                // Linux delays this ACK (pingpong mode): if the application closes
                // quickly, it rides on the FIN and the close takes three segments.
                self.schedule_ack(true);
            }
            State::FinWait1 => {
                if self.our_fin_acked() {
                    self.set_state(State::TimeWait, Reason::FinAndAckReceived);
                    self.arm_time_wait();
                } else {
                    self.set_state(State::Closing, Reason::SimultaneousClose);
                }
                self.tcb.ack_now = true;
            }
            State::FinWait2 => {
                self.set_state(State::TimeWait, Reason::FinReceivedFinWait2);
                self.arm_time_wait();
                self.tcb.ack_now = true;
            }
            _ => self.tcb.ack_now = true,
        }
        if self.tcb.ack_now {
            self.send_ack_if_due(Reason::Ack);
        }
    }

    fn accept_data(&mut self, data: &[u8]) {
        self.tcb.rcv_nxt = self.tcb.rcv_nxt + data.len() as u32;
        self.tcb.received_total += data.len() as u64;
        let room = RECEIVED_KEEP.saturating_sub(self.tcb.received.len());
        self.tcb.received.extend_from_slice(&data[..data.len().min(room)]);
        if !QUEUES || self.cfg.profile.app_reads {
            self.notes.push_back(Note::App(AppNote::Received { len: data.len(), total: self.tcb.received_total }));
        } else {
            self.tcb.unread += data.len() as u64;
        }
        self.schedule_ack(false);
    }

    /// Decide when to acknowledge new data or a FIN (RFC 9293 §3.8.6.3): at once, or
    /// after the delayed-ACK timeout, but at least every second full segment.
    fn schedule_ack(&mut self, fin: bool) {
        let Some(delay) = self.cfg.profile.delayed_ack_us else {
            self.tcb.ack_now = true;
            return;
        };
        if !fin {
            self.tcb.unacked_segments += 1;
            if self.tcb.quick_acks_left > 0 {
                self.tcb.quick_acks_left -= 1;
                self.tcb.ack_now = true;
                return;
            }
            if self.tcb.unacked_segments >= 2 {
                self.tcb.ack_now = true;
                return;
            }
        }
        if self.tcb.delack_at.is_none() {
            let idle = self.tcb.received_total == 0;
            let at = self.now + if idle { self.cfg.profile.delayed_ack_idle_us.unwrap_or(delay) } else { delay };
            self.tcb.delack_at = Some(at);
            self.note_timer(TimerKind::DelayedAck, TimerAction::Set { at_us: at });
        }
    }

    /// RFC 9293 §3.10.7.4, the segment acceptability test.
    fn acceptable(&self, seg: &Segment) -> bool {
        // RCV.WND is what we advertise: the header's 16 bits, scaled if negotiated.
        let wnd = u32::from(self.advertised_window()) << self.tcb.rcv_shift;
        let in_window = |s: SeqNum| s.since(self.tcb.rcv_nxt) >= 0 && (s.since(self.tcb.rcv_nxt) as u32) < wnd;
        match seg.seg_len() {
            // A zero window takes no text, only SEG.SEQ = RCV.NXT (its ACK, URG, RST).
            0 if QUEUES && wnd == 0 => seg.seq == self.tcb.rcv_nxt,
            0 => in_window(seg.seq),
            _ if QUEUES && wnd == 0 => false,
            len => in_window(seg.seq) || in_window(seg.seq + (len - 1)),
        }
    }

    // ----- Sending -----------------------------------------------------------------

    /// Send what the state allows: new data within the peer's window, then the FIN,
    /// then a bare ACK if one is still owed.
    fn flush(&mut self) {
        // (A Fast Open server may send in SYN-RECEIVED: RFC 7413 §4.2.2, Linux's
        // tcp_sendmsg lets a passive Fast Open socket write before the last ACK.)
        #[cfg(feature = "queues")]
        let early = self.tcb.fo.passive && self.state == State::SynReceived;
        #[cfg(not(feature = "queues"))]
        let early = false;
        let can_send =
            matches!(self.state, State::Established | State::CloseWait | State::FinWait1 | State::LastAck) || early;
        if can_send {
            loop {
                let offset = self.tcb.snd_nxt.since(self.tcb.buf_seq).max(0) as usize;
                let avail = self.tcb.sendq.len().saturating_sub(offset);
                let room = (self.tcb.snd_una + self.tcb.snd_wnd).since(self.tcb.snd_nxt).max(0) as usize;
                let len = avail.min(room).min(self.eff_mss());
                let fin_now = self.tcb.fin_queued && self.tcb.fin_seq.is_none() && len == avail;
                if len == 0 && !fin_now {
                    break;
                }
                let payload = self.queued(offset, len);
                let flags = Flags { fin: fin_now, psh: len > 0 && len == avail, ..Flags::NONE };
                let seg = self.segment(self.tcb.snd_nxt, Some(self.tcb.rcv_nxt), flags, payload);
                if fin_now {
                    self.tcb.fin_seq = Some(self.tcb.snd_nxt + len as u32);
                }
                // (RFC 6298 §3, Karn: no round trip is timed on what was sent before.)
                let again = QUEUES && self.tcb.resend_below.is_some_and(|b| seg.seq < b);
                if QUEUES && self.tcb.resend_below.is_some_and(|b| seg.end() >= b) {
                    self.tcb.resend_below = None;
                }
                self.tcb.snd_nxt = seg.end();
                if self.tcb.rtt_probe.is_none() && !again {
                    self.tcb.rtt_probe = Some((seg.end(), self.now));
                }
                #[cfg(feature = "queues")]
                let data = self.data_reason(again, seg.seq);
                #[cfg(not(feature = "queues"))]
                let data = Reason::Data;
                let reason = if fin_now { Reason::Fin } else { data };
                self.queue(seg, reason, again);
                if self.tcb.rtx_at.is_none() {
                    self.arm_rtx();
                }
                if fin_now {
                    break;
                }
            }
            // Data waits behind a zero window, with nothing in flight to bring an ACK
            // that would open it: the persist timer probes (RFC 9293 §3.8.6.1).
            let offset = self.tcb.snd_nxt.since(self.tcb.buf_seq).max(0) as usize;
            let waiting = self.tcb.sendq.len() > offset;
            if QUEUES && waiting && self.tcb.snd_wnd == 0 && self.tcb.persist_at.is_none() && self.tcb.rtx_at.is_none()
            {
                self.arm_persist();
            }
        }
        self.send_ack_if_due(Reason::Ack);
    }

    /// Send `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>` if an acknowledgment is owed.
    fn send_ack_if_due(&mut self, reason: Reason) {
        if !self.tcb.ack_now || !self.state.is_synchronized() && self.state != State::SynSent {
            self.tcb.ack_now = false;
            return;
        }
        let seg = self.segment(self.tcb.snd_nxt, Some(self.tcb.rcv_nxt), Flags::NONE, Vec::new());
        self.queue(seg, reason, false);
    }

    /// Our SYN (or SYN,ACK when `with_ack`), with the profile's options.
    fn emit_syn(&mut self, with_ack: bool, reason: Reason, retransmission: bool) {
        let seg = self.syn_segment(with_ack, retransmission);
        self.queue(seg, reason, retransmission);
    }

    /// (Without the `queues` feature, `retransmission` changes nothing: only Fast
    /// Open's cookie depends on it.)
    #[cfg_attr(not(feature = "queues"), allow(unused_variables))]
    fn syn_segment(&self, with_ack: bool, retransmission: bool) -> Segment {
        let p = &self.cfg.profile;
        // On a SYN,ACK, offer only what the peer's SYN offered (RFC 7323 §1.3, RFC 2018).
        let answering = with_ack;
        let window_scale = p.window_scale.filter(|_| !answering || self.tcb.peer_ws);
        let options = TcpOptions {
            mss: Some(p.mss),
            window_scale,
            sack_permitted: p.sack_permitted && (!answering || self.tcb.sack_ok),
            timestamps: (p.timestamps && (!answering || self.tcb.ts_ok)).then(|| (self.ts_val(), self.tcb.ts_recent)),
            // A client's SYN keeps its Fast Open option when resent (without its
            // data); a SYN,ACK carries a cookie only the first time (Linux's
            // inet_rtx_syn_ack passes none).
            #[cfg(feature = "queues")]
            fast_open: self.tcb.fo.option.filter(|_| !answering || self.tcb.passive && !retransmission),
        };
        let mut seg = self.segment(self.tcb.iss, with_ack.then_some(self.tcb.rcv_nxt), Flags::SYN, Vec::new());
        seg.window = self.tcb.rcv_wnd.min(65535) as u16;
        seg.options = options;
        seg
    }

    /// The four-way server's reply: a lone ACK of the client's SYN, then its own SYN.
    fn emit_four_way_reply(&mut self, retransmission: bool) {
        let mut ack = self.segment(self.tcb.iss, Some(self.tcb.rcv_nxt), Flags::NONE, Vec::new());
        // Sent before our SYN, so before the window scale is in effect (RFC 7323
        // §2.2): the peer reads this window field as it is, unscaled.
        ack.window = self.rcv_space().min(65535) as u16;
        self.queue(ack, Reason::FourWayAck, retransmission);
        self.emit_syn(false, Reason::FourWaySyn, retransmission);
    }

    fn handshake_unconfirmed(&self) -> bool {
        match self.state {
            State::SynReceived => self.tcb.passive,
            // A two-way server never learns whether its SYN,ACK arrived.
            State::Established => {
                self.cfg.handshake == Handshake::TwoWay && self.tcb.passive && self.tcb.rcv_nxt == self.tcb.irs + 1
            }
            _ => false,
        }
    }

    fn resend_handshake_reply(&mut self) {
        // Karn's algorithm (RFC 6298 §3): the SYN,ACK now exists twice, so its ACK
        // cannot say which copy it answers; take no RTT sample from it (Linux samples
        // the SYN,ACK's round trip only when it was not retransmitted).
        self.tcb.rtt_probe = None;
        if self.cfg.handshake == Handshake::FourWay {
            self.emit_four_way_reply(true);
        } else {
            self.emit_syn(true, Reason::SynAckResent, true);
        }
        // Restart the timer so that it does not repeat the answer just sent. (A two-way
        // server has nothing outstanding: it never waits for its SYN to be acknowledged.)
        if self.tcb.snd_una != self.tcb.snd_nxt {
            self.arm_rtx();
        }
    }

    /// A segment from us to the peer with the current window and timestamps.
    fn segment(&self, seq: SeqNum, ack: Option<SeqNum>, flags: Flags, payload: Vec<u8>) -> Segment {
        // A reset of a connection carries the window and timestamps like any segment
        // of it, as Linux sends one (only a reply from no connection has neither).
        let options = TcpOptions {
            timestamps: self.tcb.ts_ok.then(|| (self.ts_val(), self.tcb.ts_recent)),
            ..TcpOptions::default()
        };
        Segment {
            src_port: self.cfg.local_port,
            dst_port: self.tcb.remote_port,
            seq,
            ack,
            flags,
            window: self.advertised_window(),
            options,
            payload,
        }
    }

    /// The header's window field: RCV.WND scaled down, rounded up as Linux's
    /// tcp_select_window aligns it (64240 with shift 10 is sent as 63).
    fn advertised_window(&self) -> u16 {
        let unit = (1u64 << self.tcb.rcv_shift) - 1;
        ((u64::from(self.rcv_space()) + unit) >> self.tcb.rcv_shift).min(65535) as u16
    }

    /// RCV.WND now: the receive buffer less what arrived and the application has not
    /// read, but never less than the window already offered: its right edge (RCV.NXT
    /// plus RCV.WND, as sent) does not move back (RFC 9293 §3.8.6.2.2; Linux
    /// tcp_select_window), even where rounding to the scale offered a little more.
    fn rcv_space(&self) -> u32 {
        if QUEUES {
            let room = self.tcb.rcv_wnd.saturating_sub(self.tcb.unread.min(u64::from(u32::MAX)) as u32);
            let offered = self.tcb.rcv_adv.map_or(0, |e| e.since(self.tcb.rcv_nxt).max(0) as u32);
            room.max(offered)
        } else {
            self.tcb.rcv_wnd
        }
    }

    /// Our receive window for a new connection: the profile's, or (Linux) the
    /// whole segments that fit in 64 KiB, counted with timestamps' 12 bytes once
    /// they are known to be in use.
    fn choose_rcv_wnd(&mut self) {
        let p = &self.cfg.profile;
        self.tcb.rcv_wnd = p.window;
        if p.window_whole_segments {
            let seg = u32::from(p.mss).saturating_sub(if self.tcb.ts_ok { 12 } else { 0 }).max(1);
            self.tcb.rcv_wnd = (p.window.min(65535) / seg * seg).max(1);
        }
    }

    /// A reset answering `seg`, addressed back to its sender.
    fn reply(&self, seg: &Segment, seq: SeqNum, ack: Option<SeqNum>) -> Segment {
        Segment {
            src_port: seg.dst_port,
            dst_port: seg.src_port,
            seq,
            ack,
            flags: Flags::RST,
            window: 0,
            options: TcpOptions::default(),
            payload: Vec::new(),
        }
    }

    fn queue(&mut self, segment: Segment, reason: Reason, retransmission: bool) {
        if let (true, Some(ack), false) = (QUEUES, segment.ack, segment.flags.rst) {
            // The right edge of the window this segment offers: it never moves back.
            // A SYN's window is unscaled, and so is a four-way server's lone ACK, sent
            // before its SYN (see `emit_four_way_reply`).
            let lone_ack = self.cfg.handshake == Handshake::FourWay
                && self.state == State::SynReceived
                && segment.seq == self.tcb.iss;
            let shift = if segment.flags.syn || lone_ack { 0 } else { self.tcb.rcv_shift };
            let edge = ack + (u32::from(segment.window) << shift);
            if self.tcb.rcv_adv.map_or(true, |e| edge > e) {
                self.tcb.rcv_adv = Some(edge);
            }
        }
        if segment.ack.is_some() && !segment.flags.rst {
            // Every segment with the ACK bit acknowledges all we have: nothing is owed.
            self.tcb.ack_now = false;
            self.tcb.unacked_segments = 0;
            if self.tcb.delack_at.take().is_some() {
                self.note_timer(TimerKind::DelayedAck, TimerAction::Cancelled);
            }
        }
        self.out.push_back(Transmit { segment, reason, retransmission, cookie: None });
    }

    // ----- The listener's queues (with a backlog) ----------------------------------

    fn accept_queue_full(&self) -> bool {
        self.backlog().is_some_and(|b| self.accept_queue_len() > b)
    }

    /// What a SYN that would start a new connection meets (Linux tcp_conn_request):
    /// a full SYN queue drops it or, with cookies, answers it statelessly; a full
    /// accept queue drops it either way.
    #[inline(never)]
    fn admit_syn(&mut self) -> Admit {
        let Some(backlog) = self.backlog().filter(|_| self.listener) else { return Admit::Queue };
        let mut cookie = false;
        if self.syn_queue_len() > backlog {
            self.last_overflow = Some(self.now);
            if !self.cfg.profile.syncookies {
                self.discard(Reason::SynQueueFull);
                return Admit::Drop;
            }
            cookie = true;
        }
        if self.accept_queue_full() {
            self.discard(Reason::AcceptQueueFull);
            return Admit::Drop;
        }
        if cookie {
            Admit::Cookie
        } else {
            Admit::Queue
        }
    }

    /// A segment from a peer other than the followed one reached the listener.
    #[inline(never)]
    fn on_other_peer(&mut self, seg: &Segment) {
        let found = self.requests.iter().position(|r| r.remote_port == seg.src_port);
        if seg.flags.rst {
            match found {
                Some(i) if seg.seq == self.requests[i].irs + 1 => {
                    self.requests.remove(i);
                    self.note_queue(Reason::RequestReset);
                }
                _ => self.discard(Reason::IgnoredRst),
            }
            return;
        }
        if seg.flags.syn && seg.ack.is_none() {
            if let Some(i) = found {
                if seg.seq == self.requests[i].irs {
                    // Its SYN again: our SYN,ACK may be lost; answer at once (tcp_check_req).
                    let mut again = self.requests[i].syn_ack.clone();
                    if let Some((_, ecr)) = again.options.timestamps {
                        again.options.timestamps = Some((self.ts_val(), ecr));
                    }
                    self.out.push_back(Transmit {
                        segment: again,
                        reason: Reason::SynAckResent,
                        retransmission: true,
                        cookie: None,
                    });
                } else {
                    self.discard(Reason::IgnoredInState);
                }
                return;
            }
            if self.accept_queue.contains(&seg.src_port) {
                // Its connection is established and waiting: not modelled further.
                return self.discard(Reason::IgnoredInState);
            }
            match self.admit_syn() {
                Admit::Drop => {}
                Admit::Cookie => self.send_cookie(seg),
                Admit::Queue => self.queue_request(seg),
            }
            return;
        }
        let Some(ack) = seg.ack else { return self.discard(Reason::IgnoredInState) };
        if let Some(i) = found {
            if seg.flags.syn || ack != self.requests[i].iss + 1 {
                let rst = self.reply(seg, ack, None);
                return self.queue(rst, Reason::BadAckInSynReceived, false);
            }
            if self.accept_queue_full() {
                // The entry stays (Linux marks it acked) and its timer goes on.
                return self.discard(Reason::AcceptQueueFullAck);
            }
            self.requests.remove(i);
            self.accept_queue.push_back(seg.src_port);
            self.notes.push_back(Note::Accept { reason: Reason::QueuedEstablished });
            return self.note_queue(Reason::QueuedEstablished);
        }
        if self.accept_queue.contains(&seg.src_port) {
            return self.discard(Reason::IgnoredInState);
        }
        if self.check_cookie(seg).is_some() {
            if self.accept_queue_full() {
                return self.discard(Reason::AcceptQueueFull);
            }
            self.accept_queue.push_back(seg.src_port);
            self.notes.push_back(Note::Accept { reason: Reason::SynCookieAck });
            return self.note_queue(Reason::SynCookieAck);
        }
        let rst = self.reply(seg, ack, None);
        self.queue(rst, Reason::RstAckInListen, false);
    }

    /// The SYN,ACK answering `seg` from a listener: our options as far as the SYN
    /// offered them (RFC 7323 §1.3, RFC 2018), and the window that goes with them.
    #[inline(never)]
    fn answer_syn(&self, seg: &Segment, iss: SeqNum, tsval: Option<u32>, keep_options: bool) -> Segment {
        let p = &self.cfg.profile;
        let ts = p.timestamps && seg.options.timestamps.is_some();
        let options = TcpOptions {
            mss: Some(p.mss),
            window_scale: p.window_scale.filter(|_| keep_options && seg.options.window_scale.is_some()),
            sack_permitted: keep_options && p.sack_permitted && seg.options.sack_permitted,
            timestamps: seg.options.timestamps.filter(|_| ts).map(|(val, _)| (tsval.unwrap_or(self.ts_val()), val)),
            #[cfg(feature = "queues")]
            fast_open: None,
        };
        let mut window = p.window;
        if p.window_whole_segments {
            let unit = u32::from(p.mss).saturating_sub(if ts { 12 } else { 0 }).max(1);
            window = (p.window.min(65535) / unit * unit).max(1);
        }
        Segment {
            src_port: self.cfg.local_port,
            dst_port: seg.src_port,
            seq: iss,
            ack: Some(seg.seq + 1),
            flags: Flags::SYN,
            window: window.min(65535) as u16,
            options,
            payload: Vec::new(),
        }
    }

    /// A new SYN-queue entry for another peer, and its SYN,ACK. (A two-way listener
    /// commits at once: the connection goes straight to the accept queue.)
    #[inline(never)]
    fn queue_request(&mut self, seg: &Segment) {
        let iss = self.next_iss(seg.src_port);
        let syn_ack = self.answer_syn(seg, iss, None, true);
        if self.cfg.handshake == Handshake::TwoWay {
            self.queue(syn_ack, Reason::TwoWayCommit, false);
            self.accept_queue.push_back(seg.src_port);
            return self.note_queue(Reason::TwoWayCommit);
        }
        let rto = self.cfg.profile.rto_initial_us;
        self.requests.push(Request {
            remote_port: seg.src_port,
            irs: seg.seq,
            iss,
            syn_ack: syn_ack.clone(),
            retries: 0,
            rto,
            rtx_at: self.now + rto,
        });
        self.out.push_back(Transmit {
            segment: syn_ack,
            reason: Reason::SynQueued,
            retransmission: false,
            cookie: None,
        });
        self.note_queue(Reason::SynQueued);
    }

    /// The two hashes of a SYN cookie for a peer's port and a counter value: a
    /// stand-in for Linux's keyed siphash (the key here is derived from the
    /// configured ISN, so runs repeat).
    #[inline(never)]
    fn cookie_hashes(&self, port: u16, count: u32) -> (u32, u32) {
        let key = self.hash_key(port);
        (mix(key), mix(key ^ (u64::from(count) + 1) << 40) & 0xFF_FFFF)
    }

    /// What the keyed hashes here start from: the key (derived from the configured
    /// ISN, so runs repeat) and both ports.
    fn hash_key(&self, port: u16) -> u64 {
        u64::from(self.cfg.isn) << 32 | u64::from(self.cfg.local_port) << 16 | u64::from(port)
    }

    /// Answer a SYN from a cookie (RFC 4987 §3.6, Linux `cookie_v4_init_sequence`):
    /// nothing is remembered, everything needed later is in the ISN (and, with
    /// timestamps, in the low bits of our TSval).
    #[inline(never)]
    fn send_cookie(&mut self, seg: &Segment) {
        let count = (self.now / COOKIE_TICK_US) as u32;
        let (hash1, hash2) = self.cookie_hashes(seg.src_port, count);
        let peer_mss = seg.options.mss.unwrap_or(DEFAULT_MSS);
        let mss_index = COOKIE_MSS.iter().rposition(|&m| m <= peer_mss).unwrap_or(0);
        let isn = hash1
            .wrapping_add(seg.seq.0)
            .wrapping_add(count << 24)
            .wrapping_add(hash2.wrapping_add(mss_index as u32) & 0xFF_FFFF);
        let p = &self.cfg.profile;
        // Without timestamps there is nowhere to keep the window scale and SACK:
        // Linux offers neither (tcp_clear_options).
        let ts = p.timestamps && seg.options.timestamps.is_some();
        let ts_options = ts.then(|| {
            let ws = match (seg.options.window_scale, p.window_scale) {
                (Some(w), Some(_)) => w.min(MAX_WINDOW_SCALE),
                _ => 0xF,
            };
            ws | if p.sack_permitted && seg.options.sack_permitted { 0x10 } else { 0 }
        });
        let tsval = ts_options.map(|o| {
            let now = self.ts_val();
            let t = (now & !0x3F) | u32::from(o);
            // Never ahead of the clock (cookie_init_timestamp).
            if (t.wrapping_sub(now) as i32) > 0 {
                t.wrapping_sub(64)
            } else {
                t
            }
        });
        let segment = self.answer_syn(seg, SeqNum(isn), tsval, ts);
        let cookie = SynCookie {
            isn,
            peer_isn: seg.seq.0,
            hash1,
            count,
            hash2,
            mss_index: mss_index as u8,
            mss: COOKIE_MSS[mss_index],
            ts_options,
        };
        self.out.push_back(Transmit {
            segment,
            reason: Reason::SynCookieSent,
            retransmission: false,
            cookie: Some(cookie),
        });
    }

    /// Does this ACK acknowledge a SYN cookie of ours (Linux `cookie_v4_check`,
    /// `__cookie_v4_check`)? Only within two minutes of a SYN-queue overflow. Gives
    /// the MSS it encodes and the options kept in the echoed timestamp.
    #[inline(never)]
    fn check_cookie(&self, seg: &Segment) -> Option<(u16, Option<u8>)> {
        let recent = self.last_overflow.is_some_and(|t| self.now.saturating_sub(t) <= 2 * COOKIE_TICK_US);
        if !self.queues_on() || !self.cfg.profile.syncookies || !recent || seg.flags.syn || seg.flags.rst {
            return None;
        }
        let cookie = seg.ack?.0.wrapping_sub(1);
        let peer_isn = seg.seq.0.wrapping_sub(1);
        let count = (self.now / COOKIE_TICK_US) as u32;
        let (hash1, _) = self.cookie_hashes(seg.src_port, count);
        let v = cookie.wrapping_sub(hash1).wrapping_sub(peer_isn);
        let age = count.wrapping_sub(v >> 24) & 0xFF;
        if age >= 2 {
            return None;
        }
        let (_, hash2) = self.cookie_hashes(seg.src_port, count.wrapping_sub(age));
        let index = (v.wrapping_sub(hash2) & 0xFF_FFFF) as usize;
        let mss = *COOKIE_MSS.get(index)?;
        let ts_options =
            seg.options.timestamps.filter(|_| self.cfg.profile.timestamps).map(|(_, ecr)| (ecr & 0x3F) as u8);
        Some((mss, ts_options))
    }

    /// The followed peer's ACK carried a good cookie: build the connection from it,
    /// straight into ESTABLISHED, then take the rest of the segment as usual.
    #[inline(never)]
    fn establish_from_cookie(&mut self, seg: &Segment, mss: u16, ts_options: Option<u8>) {
        if self.accept_queue_full() {
            return self.discard(Reason::AcceptQueueFull);
        }
        self.fresh_connection();
        let Some(ack) = seg.ack else { return };
        let p = &self.cfg.profile;
        let t = &mut self.tcb;
        t.passive = true;
        t.remote_port = seg.src_port;
        t.irs = seg.seq - 1;
        t.rcv_nxt = seg.seq;
        t.iss = ack - 1;
        t.snd_una = ack;
        t.snd_nxt = ack;
        t.buf_seq = ack;
        t.peer_mss = mss;
        if let Some(o) = ts_options {
            t.ts_ok = true;
            if let Some((val, _)) = seg.options.timestamps {
                t.ts_recent = val;
            }
            let ws = o & 0xF;
            if ws != 0xF {
                if let Some(ours) = p.window_scale {
                    t.peer_ws = true;
                    t.snd_shift = ws.min(MAX_WINDOW_SCALE);
                    t.rcv_shift = ours.min(MAX_WINDOW_SCALE);
                }
            }
            t.sack_ok = o & 0x10 != 0 && p.sack_permitted;
        }
        self.choose_rcv_wnd();
        self.take_window(seg);
        self.set_state(State::Established, Reason::SynCookieAck);
        self.on_established();
        // Data or a FIN in the same segment is taken as in any synchronized state.
        if seg.seg_len() > 0 {
            self.on_synchronized(seg);
        }
    }

    // ----- Helpers -----------------------------------------------------------------

    /// The one place the state changes; it records the transition and its reason.
    fn set_state(&mut self, to: State, reason: Reason) {
        let from = self.state;
        if from == to {
            return;
        }
        self.state = to;
        self.notes.push_back(Note::State { from, to, reason });
        if self.queues_on() && self.tcb.passive {
            self.queues_follow(from, to, reason);
        }
    }

    /// The followed connection moves through the listener's queues like any other:
    /// counted in the SYN queue while SYN-RECEIVED, then waiting in the accept queue
    /// once established. (Kept out of line: `set_state` is inlined everywhere, and
    /// the element's wasm has a size budget.)
    #[inline(never)]
    fn queues_follow(&mut self, from: State, to: State, reason: Reason) {
        let established = to == State::Established && matches!(from, State::SynReceived | State::Listen);
        if established {
            self.accept_queue.push_back(self.tcb.remote_port);
        }
        if established || from == State::SynReceived || to == State::SynReceived {
            self.note_queue(reason);
        }
    }

    /// The listener models its queues: it has a backlog and is still listening.
    fn queues_on(&self) -> bool {
        self.listener && self.backlog().is_some()
    }

    /// The backlog, when this build models the queues (synack-core's `queues`
    /// feature): without it the optimiser drops every queue's code.
    fn backlog(&self) -> Option<u32> {
        self.cfg.backlog.filter(|_| QUEUES)
    }

    #[inline(never)]
    fn note_queue(&mut self, reason: Reason) {
        if let Some(backlog) = self.backlog() {
            let (syn_queue, accept_queue) = (self.syn_queue_len(), self.accept_queue_len());
            self.notes.push_back(Note::Queue { syn_queue, accept_queue, backlog, reason });
        }
    }

    /// The listening socket is closed: its queues go with it.
    #[inline(never)]
    fn close_listener(&mut self) {
        self.listener = false;
        if QUEUES {
            self.requests.clear();
            self.accept_queue.clear();
        }
    }

    fn discard(&mut self, reason: Reason) {
        self.notes.push_back(Note::Discard { reason });
    }

    fn on_established(&mut self) {
        self.tcb.ever_established = true;
        if QUEUES && self.cfg.profile.keepalive {
            self.arm_keepalive(self.cfg.profile.keepalive_idle_us);
        }
        // RFC 6298 §5.7: after a SYN timed out, an RTO below 3 s is "re-initialized to
        // 3 seconds when data transmission begins", unless a round trip was measured
        // (with timestamps the SYN,ACK's TSecr gives one even though the SYN was resent).
        if self.tcb.syn_timed_out && self.tcb.rtt.srtt.is_none() {
            self.tcb.rto = RTO_AFTER_SYN_TIMEOUT.min(self.cfg.profile.rto_max_us);
        }
        self.notes.push_back(Note::App(AppNote::Connected));
    }

    fn choose_iss(&mut self) {
        self.tcb.iss = self.next_iss(self.tcb.remote_port);
        self.tcb.buf_seq = self.tcb.iss + 1;
    }

    /// RFC 9293 §3.4.1, RFC 6528 §3: ISN = M + F(ports, secret), M a clock (every 4 µs
    /// in the RFC, 64 ns in Linux) and F a keyed hash. The first connection with the
    /// drawn peer takes the configured ISN: F is counted from that peer's port, so
    /// its later incarnations differ by the clock alone, while another peer's port
    /// lands somewhere unrelated. Without the hash (RFC 793) every port shares the
    /// clock, and one ISN foretells the next.
    fn next_iss(&mut self, port: u16) -> SeqNum {
        if let Some(isn) = self.next_isn.take() {
            return isn;
        }
        let epoch = *self.isn_epoch.get_or_insert(self.now);
        let p = &self.cfg.profile;
        // At most a day of virtual time: ns fit in a u64 many times over.
        let ticks = (self.now.saturating_sub(epoch).wrapping_mul(1000) / p.isn_tick_ns.max(1)) as u32;
        let mut isn = self.cfg.isn.wrapping_add(ticks);
        // Only a listener with queues tells peers apart; without them, whoever
        // connects is the followed peer.
        if QUEUES && p.isn_hash && port != self.cfg.remote_port && self.queues_on() {
            isn = isn.wrapping_add(self.port_hash(port)).wrapping_sub(self.port_hash(self.cfg.remote_port));
        }
        SeqNum(isn)
    }

    /// RFC 6528's F: a keyed hash of the connection's 4-tuple, which the engine
    /// tells apart by the peer's port (a different address would change the hash
    /// as much). A stand-in for Linux's siphash, keyed from the configured ISN so
    /// that runs repeat.
    #[inline(never)]
    fn port_hash(&self, port: u16) -> u32 {
        mix(self.hash_key(port) ^ 0x6528 << 48)
    }

    /// The round trip that an echoed timestamp measures, in whole milliseconds (at
    /// least one, as Linux counts it), if timestamps are in use on this connection.
    fn ts_rtt(&self, seg: &Segment) -> Option<u64> {
        let (_, ecr) = seg.options.timestamps.filter(|_| self.tcb.ts_ok)?;
        let sent_ms = ecr.wrapping_sub(self.ts_offset());
        let elapsed_ms = ((self.now / 1000) as u32).wrapping_sub(sent_ms);
        // An echo from the future or from long ago is not ours to trust.
        (ecr != 0 && elapsed_ms < 600_000).then(|| u64::from(elapsed_ms.max(1)) * 1000)
    }

    /// RFC 7323 §5.4: a millisecond clock with a per-endpoint offset.
    fn ts_val(&self) -> u32 {
        self.ts_offset().wrapping_add((self.now / 1000) as u32)
    }

    fn ts_offset(&self) -> u32 {
        self.cfg.isn.rotate_left(13)
    }

    fn take_syn_options(&mut self, seg: &Segment) {
        let p = &self.cfg.profile;
        self.tcb.peer_mss = seg.options.mss.unwrap_or(DEFAULT_MSS).max(1);
        // Scaling is in effect only when both SYNs carry the option (RFC 7323 §2.2).
        self.tcb.peer_ws = seg.options.window_scale.is_some();
        (self.tcb.snd_shift, self.tcb.rcv_shift) = match (seg.options.window_scale, p.window_scale) {
            (Some(theirs), Some(ours)) => (theirs.min(MAX_WINDOW_SCALE), ours.min(MAX_WINDOW_SCALE)),
            _ => (0, 0),
        };
        self.tcb.sack_ok = p.sack_permitted && seg.options.sack_permitted;
        self.tcb.ts_ok = p.timestamps && seg.options.timestamps.is_some();
        if let Some((val, _)) = seg.options.timestamps {
            self.tcb.ts_recent = val;
        }
    }

    fn eff_mss(&self) -> usize {
        let ts = if self.tcb.ts_ok { 12 } else { 0 };
        usize::from(self.tcb.peer_mss.min(self.cfg.profile.mss)).saturating_sub(ts).max(1)
    }

    /// SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK, unconditionally: on
    /// the segment that synchronizes the connection (RFC 9293 §3.10.7.3, §3.10.7.4).
    fn take_window(&mut self, seg: &Segment) {
        // SYN segments' windows are never scaled (RFC 7323 §2.2).
        self.tcb.snd_wnd =
            if seg.flags.syn { u32::from(seg.window) } else { u32::from(seg.window) << self.tcb.snd_shift };
        self.tcb.snd_wl1 = seg.seq;
        self.tcb.snd_wl2 = seg.ack.unwrap_or(self.tcb.snd_una);
    }

    /// The window update of a synchronized connection (RFC 9293 §3.10.7.4, fifth step):
    /// only a segment newer than the last one that set the window may change it.
    fn update_window(&mut self, seg: &Segment) {
        let Some(ack) = seg.ack else { return };
        if self.tcb.snd_wl1 < seg.seq || self.tcb.snd_wl1 == seg.seq && self.tcb.snd_wl2 <= ack {
            self.take_window(seg);
            if QUEUES && self.tcb.snd_wnd > 0 && (self.tcb.persist_at.is_some() || self.tcb.probe_octet) {
                self.stop_persist();
            }
        }
        self.take_ts_recent(seg);
    }

    /// RFC 7323 §4.3: remember the peer's TSval of a segment that is not from the future.
    fn take_ts_recent(&mut self, seg: &Segment) {
        if let (false, Some((val, _))) = (seg.flags.syn, seg.options.timestamps) {
            if seg.seq <= self.tcb.rcv_nxt {
                self.tcb.ts_recent = val;
            }
        }
    }

    /// SND.UNA advances: drop acknowledged bytes, take an RTT sample, manage the timer.
    fn advance_una(&mut self, ack: SeqNum, seg: &Segment) {
        let syn_newly_acked = self.tcb.snd_una <= self.tcb.iss && ack > self.tcb.iss;
        let acked_data = ack.since(self.tcb.buf_seq).max(0) as usize;
        let drain = acked_data.min(self.tcb.sendq.len());
        self.tcb.sendq.drain(..drain);
        self.tcb.buf_seq = self.tcb.buf_seq + drain as u32;
        self.tcb.snd_una = ack;
        self.tcb.retries = 0;
        let timed = match self.tcb.rtt_probe {
            Some((end, sent)) if ack >= end => {
                self.tcb.rtt_probe = None;
                Some(self.now.saturating_sub(sent))
            }
            _ => None,
        };
        // Karn's rule leaves no timed segment after a retransmission; with timestamps
        // the echoed TSval still measures the round trip (RFC 7323 §4.1; Linux
        // tcp_ack_update_rtt falls back to tcp_rtt_tsopt_us).
        if let Some(r) = timed.or_else(|| self.ts_rtt(seg)) {
            let rto = self.tcb.rtt.sample(r);
            self.tcb.rto = rto.clamp(self.cfg.profile.rto_min_us, self.cfg.profile.rto_max_us);
        }
        // RFC 6298 §5.7: our SYN timed out and no round trip was measured, so the
        // RTO is 3 s from now on. `on_established` says the same; this covers a
        // connection whose SYN is acknowledged after it left SYN-RECEIVED (closed
        // in SYN-RECEIVED, FIN-WAIT-1), which never passes ESTABLISHED.
        if syn_newly_acked && self.tcb.syn_timed_out && self.tcb.rtt.srtt.is_none() {
            self.tcb.rto = RTO_AFTER_SYN_TIMEOUT.min(self.cfg.profile.rto_max_us);
        }
        // RFC 6298 §5.2–5.3.
        if self.tcb.snd_una == self.tcb.snd_nxt {
            self.cancel_rtx();
        } else {
            self.arm_rtx();
        }
    }

    fn arm_rtx(&mut self) {
        let at = self.now + self.tcb.rto;
        self.tcb.rtx_at = Some(at);
        self.note_timer(TimerKind::Retransmission, TimerAction::Set { at_us: at });
    }

    fn cancel_rtx(&mut self) {
        if self.tcb.rtx_at.take().is_some() {
            self.note_timer(TimerKind::Retransmission, TimerAction::Cancelled);
        }
    }

    /// Our FIN is acknowledged. A socket that its application closed (not just shut
    /// down) can wait here for ever in the RFC; Linux drops it after
    /// `tcp_fin_timeout` (tcp_rcv_state_process, then tcp_time_wait(TCP_FIN_WAIT2)).
    fn enter_fin_wait_2(&mut self) {
        self.set_state(State::FinWait2, Reason::FinAcked);
        if let (true, Some(after)) = (self.tcb.read_closed, self.cfg.profile.fin_timeout_us) {
            let at = self.now + after;
            self.tcb.fin_wait_2_at = Some(at);
            self.note_timer(TimerKind::FinWait2, TimerAction::Set { at_us: at });
        }
    }

    fn arm_time_wait(&mut self) {
        self.cancel_rtx();
        if self.tcb.fin_wait_2_at.take().is_some() {
            self.note_timer(TimerKind::FinWait2, TimerAction::Cancelled);
        }
        let at = self.now + self.cfg.profile.time_wait_us;
        self.tcb.time_wait_at = Some(at);
        self.note_timer(TimerKind::TimeWait, TimerAction::Set { at_us: at });
    }

    fn note_timer(&mut self, timer: TimerKind, action: TimerAction) {
        self.notes.push_back(Note::Timer { timer, action });
    }

    fn cancel_all_timers(&mut self) {
        self.cancel_rtx();
        if self.tcb.time_wait_at.take().is_some() {
            self.note_timer(TimerKind::TimeWait, TimerAction::Cancelled);
        }
        if self.tcb.fin_wait_2_at.take().is_some() {
            self.note_timer(TimerKind::FinWait2, TimerAction::Cancelled);
        }
        if self.tcb.delack_at.take().is_some() {
            self.note_timer(TimerKind::DelayedAck, TimerAction::Cancelled);
        }
        if self.tcb.keepalive_at.take().is_some() {
            self.note_timer(TimerKind::Keepalive, TimerAction::Cancelled);
        }
    }

    fn enter_closed(&mut self, reason: Reason) {
        self.cancel_all_timers();
        self.set_state(State::Closed, reason);
        self.tcb.sendq.clear();
        self.ended += 1;
        if self.listener && self.tcb.passive {
            // The connection is deleted; the socket it was accepted from never left
            // LISTEN, and the next SYN starts a new connection (with a fresh TCB:
            // what this one received stays readable until then).
            self.set_state(State::Listen, Reason::ListenerRemains);
        }
    }

    /// Back to LISTEN, forgetting the half-open connection (RFC 9293 §3.10.7.4).
    fn reset_tcb_keep_listening(&mut self, reason: Reason) {
        self.fresh_connection();
        self.tcb.passive = true;
        self.set_state(State::Listen, reason);
    }

    /// Start a new connection with a fresh TCB. What outlives connections stays:
    /// the state, the listener, the count of ended connections and the ISN clock.
    fn fresh_connection(&mut self) {
        // The timers belong to the connection: any still running is cancelled, and
        // the trace says so.
        self.cancel_all_timers();
        self.tcb = Tcb::new(&self.cfg);
    }
}

#[cfg(test)]
mod tests {
    //! One endpoint driven by hand, grouped by the state it is in. Each fixture
    //! builds on the one before, as the states follow each other.
    use super::*;

    const LOCAL: u16 = 80;
    const REMOTE: u16 = 49152;

    fn config(handshake: Handshake) -> EndpointConfig {
        EndpointConfig {
            local_port: LOCAL,
            remote_port: REMOTE,
            isn: 300,
            profile: Profile::rfc(),
            handshake,
            unexpected_answer: UnexpectedAnswer::default_for(handshake),
            backlog: None,
        }
    }

    /// A segment from the peer: `seg(100, None, Flags::SYN)`.
    fn seg(seq: u32, ack: Option<u32>, flags: Flags) -> Segment {
        Segment {
            src_port: REMOTE,
            dst_port: LOCAL,
            seq: SeqNum(seq),
            ack: ack.map(SeqNum),
            flags,
            window: 65535,
            ..Segment::default()
        }
    }

    /// Everything the endpoint sent, as `(flags, seq, ack)`.
    fn sent(ep: &mut Endpoint) -> Vec<(String, u32, Option<u32>)> {
        core::iter::from_fn(|| ep.poll_transmit())
            .map(|t| (t.segment.flag_names().join(","), t.segment.seq.0, t.segment.ack.map(|a| a.0)))
            .collect()
    }

    fn reasons(ep: &mut Endpoint) -> Vec<Reason> {
        core::iter::from_fn(|| ep.poll_note())
            .filter_map(|n| match n {
                Note::State { reason, .. } | Note::Discard { reason } | Note::Accept { reason } => Some(reason),
                _ => None,
            })
            .collect()
    }

    fn out(flags: &str, seq: u32, ack: Option<u32>) -> (String, u32, Option<u32>) {
        (flags.to_string(), seq, ack)
    }

    fn listening(handshake: Handshake) -> Endpoint {
        let mut ep = Endpoint::new(config(handshake));
        ep.listen(0).unwrap();
        reasons(&mut ep);
        ep
    }

    /// The connection was deleted (CLOSED) and its listener shows again (LISTEN).
    fn assert_connection_ended(ep: &mut Endpoint) {
        let r = reasons(ep);
        assert_eq!(r.last(), Some(&Reason::ListenerRemains), "{r:?}");
        assert_eq!(ep.state(), State::Listen);
        assert_eq!(ep.connections_ended(), 1);
    }

    fn syn_received() -> Endpoint {
        let mut ep = listening(Handshake::ThreeWay);
        ep.handle_segment(10, &seg(100, None, Flags::SYN));
        assert_eq!(sent(&mut ep), [out("SYN,ACK", 300, Some(101))]);
        reasons(&mut ep);
        ep
    }

    fn established() -> Endpoint {
        let mut ep = syn_received();
        ep.handle_segment(20, &seg(101, Some(301), Flags::NONE));
        assert_eq!(ep.state(), State::Established);
        reasons(&mut ep);
        ep
    }

    fn syn_sent() -> Endpoint {
        let mut ep = Endpoint::new(config(Handshake::ThreeWay));
        ep.connect(0).unwrap();
        assert_eq!(sent(&mut ep), [out("SYN", 300, None)]);
        reasons(&mut ep);
        ep
    }

    mod closed {
        use super::*;

        #[test]
        fn answers_a_syn_with_rst_ack_from_sequence_zero() {
            let mut ep = Endpoint::new(config(Handshake::ThreeWay));
            ep.handle_segment(0, &seg(100, None, Flags::SYN));
            assert_eq!(sent(&mut ep), [out("RST,ACK", 0, Some(101))]);
            assert_eq!(ep.state(), State::Closed);
        }

        #[test]
        fn answers_an_ack_with_a_bare_rst_and_ignores_a_rst() {
            let mut ep = Endpoint::new(config(Handshake::ThreeWay));
            ep.handle_segment(0, &seg(5, Some(77), Flags::NONE));
            assert_eq!(sent(&mut ep), [out("RST", 77, None)]);
            ep.handle_segment(0, &seg(5, None, Flags::RST));
            assert!(sent(&mut ep).is_empty());
        }

        #[test]
        fn refuses_calls_that_need_a_connection() {
            let mut ep = Endpoint::new(config(Handshake::ThreeWay));
            assert_eq!(ep.send(0, b"x"), Err(AppError::ConnectionDoesNotExist));
            assert_eq!(ep.close(0), Err(AppError::ConnectionDoesNotExist));
            assert_eq!(ep.abort(0), Err(AppError::ConnectionDoesNotExist));
            assert_eq!(AppError::ConnectionClosing.to_string(), "error: connection closing");
        }
    }

    mod listen {
        use super::*;

        #[test]
        fn the_listener_outlives_a_connection_reset_in_established() {
            // Before the listener was its own thing, this connection's end left the
            // server CLOSED, deaf to the next SYN.
            let mut ep = established();
            ep.handle_segment(30, &seg(101, None, Flags::RST));
            assert_connection_ended(&mut ep);
            ep.handle_segment(40, &seg(5000, None, Flags::SYN));
            assert_eq!(ep.state(), State::SynReceived);
            assert_eq!(sent(&mut ep)[0].0, "SYN,ACK");
        }

        #[test]
        fn closing_the_listening_socket_or_a_crash_ends_the_listener() {
            let mut ep = listening(Handshake::ThreeWay);
            ep.close(5).unwrap();
            assert_eq!(ep.state(), State::Closed);
            assert!(!ep.listening());
            // An abort in LISTEN too (it used to come straight back to LISTEN).
            let mut ep = listening(Handshake::ThreeWay);
            ep.abort(5).unwrap();
            assert_eq!(ep.state(), State::Closed);
            assert!(!ep.listening());
            let mut ep = established();
            ep.crash(30);
            assert_eq!(reasons(&mut ep), [Reason::Crash]);
            assert_eq!(ep.state(), State::Closed);
        }

        #[test]
        fn listen_for_one_stays_closed_after_its_connection() {
            let mut ep = Endpoint::new(config(Handshake::ThreeWay));
            ep.listen_for_one(0).unwrap();
            ep.handle_segment(10, &seg(100, None, Flags::SYN));
            ep.handle_segment(20, &seg(101, Some(301), Flags::NONE));
            ep.handle_segment(30, &seg(101, None, Flags::RST));
            assert_eq!(ep.state(), State::Closed);
        }

        #[test]
        fn a_syn_moves_to_syn_received_with_our_isn_acknowledging_theirs_plus_one() {
            let mut ep = listening(Handshake::ThreeWay);
            ep.handle_segment(10, &seg(100, None, Flags::SYN));
            assert_eq!(ep.state(), State::SynReceived);
            assert_eq!(sent(&mut ep), [out("SYN,ACK", 300, Some(101))]);
            assert_eq!(reasons(&mut ep), [Reason::SynInListen]);
            assert_eq!(ep.poll_timeout(), Some(10 + SECOND));
        }

        #[test]
        fn an_ack_is_answered_with_rst_and_the_socket_keeps_listening() {
            let mut ep = listening(Handshake::ThreeWay);
            ep.handle_segment(0, &seg(100, Some(555), Flags::SYN));
            assert_eq!(sent(&mut ep), [out("RST", 555, None)]);
            assert_eq!(ep.state(), State::Listen);
        }

        #[test]
        fn two_way_commits_at_once_and_never_retransmits() {
            let mut ep = listening(Handshake::TwoWay);
            ep.handle_segment(10, &seg(100, None, Flags::SYN));
            assert_eq!(ep.state(), State::Established);
            assert_eq!(sent(&mut ep), [out("SYN,ACK", 300, Some(101))]);
            assert_eq!(ep.poll_timeout(), None);
        }

        #[test]
        fn four_way_sends_the_ack_and_the_syn_apart() {
            let mut ep = listening(Handshake::FourWay);
            ep.handle_segment(10, &seg(100, None, Flags::SYN));
            assert_eq!(sent(&mut ep), [out("ACK", 300, Some(101)), out("SYN", 300, None)]);
            assert_eq!(ep.state(), State::SynReceived);
        }
    }

    #[cfg(feature = "queues")]
    mod listen_queues {
        //! A listener with a backlog: other peers' SYNs get SYN-queue entries of their
        //! own while the socket stays in LISTEN; full queues drop or cookie.
        use super::*;

        fn queued(backlog: u32, cookies: bool) -> Endpoint {
            let mut cfg = config(Handshake::ThreeWay);
            cfg.backlog = Some(backlog);
            cfg.profile.syncookies = cookies;
            let mut ep = Endpoint::new(cfg);
            ep.listen(0).unwrap();
            reasons(&mut ep);
            ep
        }

        fn from(port: u16, seq: u32, ack: Option<u32>, flags: Flags) -> Segment {
            Segment { src_port: port, ..seg(seq, ack, flags) }
        }

        #[test]
        fn another_peers_syn_gets_an_entry_and_the_socket_stays_in_listen() {
            let mut ep = queued(1, false);
            ep.handle_segment(10, &from(40001, 7000, None, Flags::SYN));
            assert_eq!(ep.state(), State::Listen);
            assert_eq!(ep.syn_queue_len(), 1);
            let tx = ep.poll_transmit().unwrap();
            assert_eq!((tx.segment.dst_port, tx.segment.ack), (40001, Some(SeqNum(7001))));
            assert_eq!(tx.reason, Reason::SynQueued);
            // Its ACK moves it to the accept queue; accept() takes it.
            ep.handle_segment(20, &from(40001, 7001, Some(tx.segment.seq.0 + 1), Flags::NONE));
            assert_eq!((ep.syn_queue_len(), ep.accept_queue_len()), (0, 1));
            ep.accept(30).unwrap();
            assert_eq!(ep.accept_queue_len(), 0);
            assert_eq!(ep.accept(40), Err(AppError::ConnectionDoesNotExist));
        }

        #[test]
        fn a_full_syn_queue_drops_a_syn_without_an_answer() {
            let mut ep = queued(0, false);
            ep.handle_segment(10, &from(40001, 7000, None, Flags::SYN));
            sent(&mut ep);
            reasons(&mut ep);
            ep.handle_segment(20, &seg(100, None, Flags::SYN));
            assert!(sent(&mut ep).is_empty());
            assert_eq!(reasons(&mut ep), [Reason::SynQueueFull]);
            assert_eq!(ep.state(), State::Listen);
        }

        #[test]
        fn a_cookie_comes_back_and_the_connection_is_rebuilt_from_it() {
            let mut ep = queued(0, true);
            ep.handle_segment(10, &from(40001, 7000, None, Flags::SYN));
            sent(&mut ep);
            ep.handle_segment(20, &seg(100, None, Flags::SYN));
            let tx = ep.poll_transmit().unwrap();
            assert_eq!(tx.reason, Reason::SynCookieSent);
            let cookie = tx.cookie.unwrap();
            assert_eq!((tx.segment.seq.0, tx.segment.ack), (cookie.isn, Some(SeqNum(101))));
            assert_eq!(ep.state(), State::Listen, "no state kept");
            // An ACK whose number decodes to no MSS in the table is reset, as in any
            // LISTEN. (Like Linux's, the check only bounds the MSS index: an ACK a few
            // numbers off would decode to another table entry.)
            ep.handle_segment(30, &seg(101, Some(cookie.isn.wrapping_add(1000)), Flags::NONE));
            assert_eq!(sent(&mut ep), [out("RST", cookie.isn.wrapping_add(1000), None)]);
            ep.handle_segment(40, &seg(101, Some(cookie.isn.wrapping_add(1)), Flags::NONE));
            assert_eq!(ep.state(), State::Established);
            assert_eq!((ep.iss().0, ep.irs().0, ep.accept_queue_len()), (cookie.isn, 100, 1));
        }
    }

    mod syn_sent {
        use super::*;

        #[test]
        fn a_syn_ack_of_our_isn_establishes_and_is_acknowledged() {
            let mut ep = syn_sent();
            ep.handle_segment(50, &seg(900, Some(301), Flags::SYN));
            assert_eq!(ep.state(), State::Established);
            assert_eq!(sent(&mut ep), [out("ACK", 301, Some(901))]);
        }

        #[test]
        fn an_ack_of_another_isn_is_reset_with_seq_from_that_ack() {
            let mut ep = syn_sent();
            ep.handle_segment(50, &seg(900, Some(91), Flags::SYN));
            assert_eq!(sent(&mut ep), [out("RST", 91, None)]);
            assert_eq!(ep.state(), State::SynSent);
        }

        #[test]
        fn a_rst_counts_only_if_it_acknowledges_our_syn() {
            let mut ep = syn_sent();
            ep.handle_segment(50, &seg(0, Some(999), Flags::RST));
            assert_eq!(ep.state(), State::SynSent);
            ep.handle_segment(50, &seg(0, Some(301), Flags::RST));
            assert_eq!(ep.state(), State::Closed);
            assert_eq!(reasons(&mut ep).last(), Some(&Reason::RefusedByReset));
        }

        #[test]
        fn a_bare_syn_means_simultaneous_open() {
            let mut ep = syn_sent();
            ep.handle_segment(50, &seg(900, None, Flags::SYN));
            assert_eq!(ep.state(), State::SynReceived);
            assert_eq!(sent(&mut ep), [out("SYN,ACK", 300, Some(901))]);
        }

        #[test]
        fn the_syn_is_retransmitted_with_the_same_isn_and_a_doubled_timer() {
            let mut ep = syn_sent();
            ep.handle_timeout(SECOND);
            assert_eq!(sent(&mut ep), [out("SYN", 300, None)]);
            assert_eq!(ep.poll_timeout(), Some(3 * SECOND));
        }

        #[test]
        fn two_way_ignores_an_answer_it_did_not_ask_for() {
            let mut ep = Endpoint::new(config(Handshake::TwoWay));
            ep.connect(0).unwrap();
            sent(&mut ep);
            reasons(&mut ep);
            ep.handle_segment(50, &seg(900, Some(91), Flags::SYN));
            assert!(sent(&mut ep).is_empty());
            assert_eq!(reasons(&mut ep), [Reason::TwoWayIgnored]);
        }
    }

    mod syn_received {
        use super::*;

        #[test]
        fn a_repeated_syn_gets_the_syn_ack_again() {
            let mut ep = syn_received();
            ep.handle_segment(500, &seg(100, None, Flags::SYN));
            assert_eq!(sent(&mut ep), [out("SYN,ACK", 300, Some(101))]);
            assert_eq!(ep.state(), State::SynReceived);
        }

        #[test]
        fn a_rst_returns_a_passive_connection_to_listen() {
            let mut ep = syn_received();
            ep.handle_segment(30, &seg(101, None, Flags::RST));
            assert_eq!(ep.state(), State::Listen);
            assert_eq!(reasons(&mut ep), [Reason::ResetReturnsToListen]);
            assert_eq!(ep.poll_timeout(), None, "the SYN,ACK timer is gone");
        }

        #[test]
        fn an_ack_of_something_else_is_reset() {
            let mut ep = syn_received();
            ep.handle_segment(30, &seg(101, Some(999), Flags::NONE));
            assert_eq!(sent(&mut ep), [out("RST", 999, None)]);
            assert_eq!(ep.state(), State::SynReceived);
        }

        #[test]
        fn closed_before_its_syn_was_acked_it_resends_the_syn_ack_and_then_takes_3_s() {
            // Closed in SYN-RECEIVED: FIN-WAIT-1 with the SYN still unacknowledged.
            let mut ep = syn_received();
            ep.close(20).unwrap();
            assert_eq!(sent(&mut ep), [out("FIN,ACK", 301, Some(101))]);
            ep.handle_timeout(10 + SECOND);
            assert_eq!(sent(&mut ep), [out("SYN,ACK", 300, Some(101))], "the earliest unacknowledged segment");
            // The ACK of the SYN: no round trip measured after a timeout, so the
            // RTO is 3 s (RFC 6298 §5.7), for whatever is sent next.
            ep.handle_segment(2 * SECOND, &seg(101, Some(301), Flags::NONE));
            assert_eq!(ep.tcb.rto, RTO_AFTER_SYN_TIMEOUT);
        }

        #[test]
        fn the_handshake_ack_establishes() {
            let mut ep = syn_received();
            ep.handle_segment(20, &seg(101, Some(301), Flags::NONE));
            assert_eq!(ep.state(), State::Established);
            assert_eq!(reasons(&mut ep), [Reason::HandshakeAcked]);
            assert!(sent(&mut ep).is_empty(), "an ACK is not acknowledged");
        }
    }

    mod established {
        use super::*;

        #[test]
        fn data_is_delivered_and_acknowledged() {
            let mut ep = established();
            let mut data = seg(101, Some(301), Flags { psh: true, ..Flags::NONE });
            data.payload = b"hello".to_vec();
            ep.handle_segment(30, &data);
            assert_eq!(ep.received(), b"hello");
            assert_eq!(sent(&mut ep), [out("ACK", 301, Some(106))]);
        }

        #[test]
        fn a_syn_gets_a_challenge_ack() {
            let mut ep = established();
            ep.handle_segment(30, &seg(7777, None, Flags::SYN));
            let tx = ep.poll_transmit().unwrap();
            assert_eq!(
                (tx.segment.flag_names(), tx.segment.seq, tx.segment.ack),
                (vec!["ACK"], SeqNum(301), Some(SeqNum(101)))
            );
            assert_eq!(tx.reason, Reason::ChallengeAck);
            assert_eq!(ep.state(), State::Established);
        }

        #[test]
        fn only_an_exact_rst_resets_an_inexact_one_is_challenged() {
            let mut ep = established();
            ep.handle_segment(30, &seg(150, None, Flags::RST));
            assert_eq!(sent(&mut ep), [out("ACK", 301, Some(101))]);
            assert_eq!(ep.state(), State::Established);
            ep.handle_segment(30, &seg(101, None, Flags::RST));
            assert_connection_ended(&mut ep);
        }

        #[test]
        fn a_fin_moves_to_close_wait_and_consumes_one_number() {
            let mut ep = established();
            ep.handle_segment(30, &seg(101, Some(301), Flags::FIN));
            assert_eq!(ep.state(), State::CloseWait);
            assert_eq!(sent(&mut ep), [out("ACK", 301, Some(102))]);
        }

        #[test]
        fn close_sends_fin_ack_and_enters_fin_wait_1() {
            let mut ep = established();
            ep.close(40).unwrap();
            assert_eq!(ep.state(), State::FinWait1);
            assert_eq!(sent(&mut ep), [out("FIN,ACK", 301, Some(101))]);
        }

        #[test]
        fn abort_sends_rst_ack() {
            let mut ep = established();
            ep.abort(40).unwrap();
            assert_eq!(sent(&mut ep), [out("RST,ACK", 301, Some(101))]);
            assert_connection_ended(&mut ep);
        }
    }

    mod closing_states {
        use super::*;

        fn fin_wait_1() -> Endpoint {
            let mut ep = established();
            ep.close(40).unwrap();
            sent(&mut ep);
            reasons(&mut ep);
            ep
        }

        #[test]
        fn fin_wait_1_then_our_fin_acked_then_theirs_time_wait() {
            let mut ep = fin_wait_1();
            ep.handle_segment(50, &seg(101, Some(302), Flags::NONE));
            assert_eq!(ep.state(), State::FinWait2);
            ep.handle_segment(60, &seg(101, Some(302), Flags::FIN));
            assert_eq!(ep.state(), State::TimeWait);
            assert_eq!(sent(&mut ep), [out("ACK", 302, Some(102))]);
            assert_eq!(ep.poll_timeout(), Some(60 + 240 * SECOND));
        }

        #[test]
        fn a_fin_that_acks_ours_goes_straight_to_time_wait() {
            let mut ep = fin_wait_1();
            ep.handle_segment(50, &seg(101, Some(302), Flags::FIN));
            assert_eq!(reasons(&mut ep), [Reason::FinAndAckReceived]);
            assert_eq!(ep.state(), State::TimeWait);
        }

        #[test]
        fn a_fin_that_does_not_ack_ours_is_a_simultaneous_close() {
            let mut ep = fin_wait_1();
            ep.handle_segment(50, &seg(101, Some(301), Flags::FIN));
            assert_eq!(ep.state(), State::Closing);
            ep.handle_segment(60, &seg(102, Some(302), Flags::NONE));
            assert_eq!(ep.state(), State::TimeWait);
        }

        #[test]
        fn close_wait_close_last_ack_closed() {
            let mut ep = established();
            ep.handle_segment(30, &seg(101, Some(301), Flags::FIN));
            ep.close(40).unwrap();
            assert_eq!(ep.state(), State::LastAck);
            sent(&mut ep);
            ep.handle_segment(50, &seg(102, Some(302), Flags::NONE));
            assert_connection_ended(&mut ep);
        }

        #[test]
        fn time_wait_reacks_a_retransmitted_fin_and_restarts_its_timer() {
            let mut ep = fin_wait_1();
            ep.handle_segment(50, &seg(101, Some(302), Flags::FIN));
            sent(&mut ep);
            ep.handle_segment(1_000_000, &seg(101, Some(302), Flags::FIN));
            assert_eq!(sent(&mut ep), [out("ACK", 302, Some(102))]);
            assert_eq!(ep.poll_timeout(), Some(1_000_000 + 240 * SECOND));
            ep.handle_timeout(1_000_000 + 240 * SECOND);
            assert_connection_ended(&mut ep);
        }
    }

    /// TCP Fast Open (RFC 7413), client and server, as Linux's tcp_fastopen=3.
    #[cfg(feature = "queues")]
    mod fast_open {
        use super::*;
        use crate::segment::FastOpenCookie;

        fn fo_config() -> EndpointConfig {
            EndpointConfig { profile: Profile { fast_open: true, ..Profile::rfc() }, ..config(Handshake::ThreeWay) }
        }

        fn with(mut s: Segment, cookie: Option<FastOpenCookie>, data: &[u8]) -> Segment {
            s.options.mss = Some(1460);
            s.options.fast_open = cookie;
            s.payload = data.to_vec();
            s
        }

        fn transmits(ep: &mut Endpoint) -> Vec<Transmit> {
            core::iter::from_fn(|| ep.poll_transmit()).collect()
        }

        fn cookie(bytes: &[u8]) -> FastOpenCookie {
            FastOpenCookie::new(bytes).unwrap()
        }

        /// A client with this cookie cached (or none), its request sent before connect().
        fn client(cached: Option<FastOpenCookie>) -> (Endpoint, Vec<Transmit>) {
            let mut ep = Endpoint::new(fo_config());
            if let Some(c) = cached {
                ep.cache_fast_open_cookie(c, 1460);
            }
            ep.send(0, b"GET").unwrap();
            assert_eq!(ep.state(), State::Closed);
            ep.connect(0).unwrap();
            let t = transmits(&mut ep);
            (ep, t)
        }

        /// A Fast Open server and the cookie it gives the client at REMOTE.
        fn server() -> (Endpoint, FastOpenCookie) {
            let mut ep = Endpoint::new(fo_config());
            ep.listen(0).unwrap();
            ep.handle_segment(10, &with(seg(100, None, Flags::SYN), Some(FastOpenCookie::REQUEST), b""));
            let t = transmits(&mut ep);
            let given = t[0].segment.options.fast_open.unwrap();
            assert_eq!(given.bytes().len(), 8, "Linux's cookie length");
            (Endpoint::new(fo_config()), given)
        }

        #[test]
        fn without_a_cookie_the_syn_asks_for_one_and_the_data_rides_on_the_third_segment() {
            let (mut ep, t) = client(None);
            assert_eq!(t.len(), 1);
            let syn = &t[0].segment;
            assert_eq!((syn.flag_names(), syn.seq.0, syn.payload.len()), (vec!["SYN"], 300, 0));
            assert_eq!(syn.options.fast_open, Some(FastOpenCookie::REQUEST));
            assert_eq!(t[0].reason, Reason::FastOpenCookieRequest);
            reasons(&mut ep);
            let c = cookie(&[1, 2, 3, 4, 5, 6, 7, 8]);
            ep.handle_segment(100, &with(seg(500, Some(301), Flags::SYN), Some(c), b""));
            assert_eq!(ep.state(), State::Established);
            assert_eq!(reasons(&mut ep), [Reason::FastOpenCookieCached]);
            assert_eq!(ep.fast_open_cookie(), Some(c));
            // No bare ACK: the request carries it (Linux, fast-open.pcap frame 3).
            let t = transmits(&mut ep);
            assert_eq!(t.len(), 1, "{t:?}");
            let s = &t[0].segment;
            assert_eq!(
                (s.flag_names(), s.seq.0, s.ack.map(|a| a.0), &s.payload[..]),
                (vec!["PSH", "ACK"], 301, Some(501), &b"GET"[..])
            );
            assert_eq!(t[0].reason, Reason::Data);
        }

        #[test]
        fn with_a_cookie_the_syn_carries_it_and_the_data_which_the_syn_ack_acknowledges() {
            let c = cookie(&[9; 8]);
            let (mut ep, t) = client(Some(c));
            let syn = &t[0].segment;
            assert_eq!((syn.seq.0, &syn.payload[..], syn.seg_len()), (300, &b"GET"[..], 4));
            assert_eq!((syn.options.fast_open, t[0].reason), (Some(c), Reason::FastOpenSynData));
            assert_eq!(ep.snd_nxt(), SeqNum(304));
            reasons(&mut ep);
            ep.handle_segment(100, &seg(500, Some(304), Flags::SYN));
            assert_eq!(ep.state(), State::Established);
            assert_eq!(reasons(&mut ep), [Reason::FastOpenDataAcked]);
            assert_eq!(sent(&mut ep), [out("ACK", 304, Some(501))]);
            assert_eq!(ep.unacknowledged(), 0);
            // The cookie stays cached for the next connection.
            assert_eq!(ep.fast_open_cookie(), Some(c));
        }

        #[test]
        fn a_syn_ack_of_the_syn_alone_has_the_data_sent_again_at_once() {
            // RFC 7413 §4.2: the server refused the cookie; it sends a new one.
            let (old, new) = (cookie(&[9; 8]), cookie(&[7; 8]));
            let (mut ep, _) = client(Some(old));
            reasons(&mut ep);
            ep.handle_segment(100, &with(seg(500, Some(301), Flags::SYN), Some(new), b""));
            assert_eq!(ep.state(), State::Established);
            assert_eq!(reasons(&mut ep), [Reason::FastOpenDataResent]);
            let t = transmits(&mut ep);
            assert_eq!(t.len(), 1, "the data carries the ACK: {t:?}");
            let s = &t[0].segment;
            assert_eq!((s.seq.0, s.ack.map(|a| a.0), &s.payload[..]), (301, Some(501), &b"GET"[..]));
            assert!(t[0].retransmission);
            assert_eq!(t[0].reason, Reason::FastOpenDataResent);
            assert_eq!(ep.fast_open_cookie(), Some(new));
            ep.handle_segment(200, &seg(501, Some(304), Flags::NONE));
            assert_eq!(ep.unacknowledged(), 0);
        }

        #[test]
        fn a_resent_syn_keeps_its_option_but_not_its_data() {
            let c = cookie(&[9; 8]);
            let (mut ep, _) = client(Some(c));
            ep.handle_timeout(SECOND);
            let t = transmits(&mut ep);
            let syn = &t[0].segment;
            assert!(t[0].retransmission && syn.flags.syn);
            assert_eq!((syn.seq.0, syn.payload.len(), syn.options.fast_open), (300, 0, Some(c)));
        }

        #[test]
        fn without_fast_open_a_send_before_connect_fails_and_a_cookie_is_not_cached() {
            let mut ep = Endpoint::new(config(Handshake::ThreeWay));
            assert_eq!(ep.send(0, b"GET"), Err(AppError::ConnectionDoesNotExist));
            ep.connect(0).unwrap();
            assert_eq!(transmits(&mut ep)[0].segment.options.fast_open, None);
            ep.handle_segment(100, &with(seg(500, Some(301), Flags::SYN), Some(cookie(&[1; 8])), b""));
            assert_eq!(ep.state(), State::Established);
            assert_eq!(ep.fast_open_cookie(), None, "an unsolicited cookie is ignored");
        }

        #[test]
        fn a_request_gets_a_cookie_and_its_data_is_not_taken() {
            let mut ep = Endpoint::new(fo_config());
            ep.listen(0).unwrap();
            reasons(&mut ep);
            ep.handle_segment(10, &with(seg(100, None, Flags::SYN), Some(FastOpenCookie::REQUEST), b"GET"));
            assert_eq!(ep.state(), State::SynReceived);
            assert_eq!(reasons(&mut ep), [Reason::FastOpenCookieSent]);
            let t = transmits(&mut ep);
            assert_eq!((t[0].segment.seq.0, t[0].segment.ack.map(|a| a.0)), (300, Some(101)));
            assert_eq!(t[0].reason, Reason::FastOpenCookieSent);
            assert!(t[0].segment.options.fast_open.is_some_and(|c| c.bytes().len() == 8));
            assert_eq!(ep.received_total(), 0);
            // Resent, the SYN,ACK carries no cookie (Linux inet_rtx_syn_ack).
            ep.handle_timeout(10 + SECOND);
            let t = transmits(&mut ep);
            assert!(t[0].retransmission && t[0].segment.flags.syn);
            assert_eq!(t[0].segment.options.fast_open, None);
        }

        #[test]
        fn a_valid_cookie_has_the_data_taken_in_syn_received_and_acknowledged_in_the_syn_ack() {
            let (mut ep, given) = server();
            ep.listen(0).unwrap();
            reasons(&mut ep);
            ep.handle_segment(10, &with(seg(100, None, Flags::SYN), Some(given), b"GET"));
            assert_eq!(ep.state(), State::SynReceived);
            assert_eq!(ep.received(), b"GET");
            let notes: Vec<Note> = core::iter::from_fn(|| ep.poll_note()).collect();
            assert!(matches!(notes[0], Note::State { to: State::SynReceived, reason: Reason::FastOpenAccepted, .. }));
            assert!(notes.iter().any(|n| matches!(n, Note::App(AppNote::Received { len: 3, total: 3 }))));
            let t = transmits(&mut ep);
            assert_eq!(t.len(), 1, "{t:?}");
            assert_eq!((t[0].segment.flag_names(), t[0].segment.ack.map(|a| a.0)), (vec!["SYN", "ACK"], Some(104)));
            assert_eq!(t[0].segment.options.fast_open, None);
            // The server answers before the handshake's last ACK.
            ep.send(20, b"OK").unwrap();
            assert_eq!(sent(&mut ep), [out("PSH,ACK", 301, Some(104))]);
            ep.handle_segment(30, &seg(104, Some(301), Flags::NONE));
            assert_eq!(ep.state(), State::Established);
            ep.handle_segment(40, &seg(104, Some(303), Flags::NONE));
            assert_eq!(ep.snd_una(), SeqNum(303));
        }

        #[test]
        fn an_invalid_cookie_has_the_data_dropped_and_the_valid_cookie_sent() {
            let (mut ep, given) = server();
            ep.listen(0).unwrap();
            reasons(&mut ep);
            let forged = cookie(&[0xAA; 8]);
            assert_ne!(forged, given);
            ep.handle_segment(10, &with(seg(100, None, Flags::SYN), Some(forged), b"GET"));
            assert_eq!(reasons(&mut ep), [Reason::FastOpenCookieInvalid]);
            assert_eq!(ep.received_total(), 0);
            let t = transmits(&mut ep);
            assert_eq!(t[0].segment.ack, Some(SeqNum(101)));
            assert_eq!(t[0].segment.options.fast_open, Some(given));
            assert_eq!(ep.send(20, b"OK"), Ok(()));
            assert!(transmits(&mut ep).is_empty(), "no data before the handshake without Fast Open");
        }

        #[test]
        fn a_crash_draws_a_new_key_so_an_old_cookie_no_longer_checks() {
            let (mut ep, given) = server();
            ep.listen(0).unwrap();
            ep.crash(5);
            ep.listen(6).unwrap();
            reasons(&mut ep);
            ep.handle_segment(10, &with(seg(100, None, Flags::SYN), Some(given), b"GET"));
            assert_eq!(reasons(&mut ep), [Reason::FastOpenCookieInvalid]);
            let t = transmits(&mut ep);
            assert_eq!(t[0].segment.ack, Some(SeqNum(101)));
            assert!(t[0].segment.options.fast_open.is_some_and(|c| c != given));
        }
    }
}
