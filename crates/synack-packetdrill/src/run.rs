//! The runner: a script's remote against one engine [`Endpoint`] with the `linux`
//! profile, on a virtual clock, checked line by line as packetdrill checks a kernel.
//!
//! The script's `<` segments are handed to the endpoint at their times; its system
//! calls become the endpoint's application calls through a small model of the
//! sockets API (file descriptors, blocking and non-blocking calls, the receive
//! queue, `SO_LINGER`); each `>` line is compared with the next segment the
//! endpoint sent, field by field, and each call's result with what the script
//! expects. The first difference ends the run, as it ends a packetdrill run.

use std::collections::VecDeque;

use synack_core::endpoint::Note;
use synack_core::scenario::Action as AppAction;
use synack_core::trace::{AppEvent, Dir, Numbering, Outcome, PeerInfo};
use synack_core::{
    AppNote, Endpoint, EndpointConfig, Event, EventKind, Flags, Handshake, Profile, ProfileName, Reason, Segment,
    SeqNum, Side, State, TcpOptions, Trace, UnexpectedAnswer,
};

use crate::script::{
    Action, Call, CallSpec, Errno, How, PacketSpec, PdFlags, PdOption, Script, ScriptError, ScriptEvent, SockOpt,
    Sysctl, Time, MAX_TIME_US, MAX_WRITE_TOTAL,
};

/// The engine's ISN for its first connection. packetdrill learns the stack's ISN
/// from its first SYN, and so does the runner; the value only shows in absolute
/// numbers.
pub const ENGINE_ISN: u32 = 2_918_013_452;
/// The script's own ISN: its `<` sequence numbers count from here.
pub const REMOTE_ISN: u32 = 1_000_000;
/// The port a listening engine uses, and the port an active engine connects to.
pub const SERVER_PORT: u16 = 8080;
/// The other end's port.
pub const CLIENT_PORT: u16 = 41_000;
/// The most trace events one run records (the engine's `MAX_EVENTS`).
pub const MAX_TRACE_EVENTS: usize = 20_000;
/// The most timer turns one run takes.
const MAX_STEPS: u32 = 200_000;
/// packetdrill widens its tolerance to 12.5 % (one eighth) of the time since the
/// previous event when that is more than its fixed allowance.
const TOLERANCE_DIVISOR: u64 = 8;

/// What one `>` line or call line was checked against.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub line: u32,
    /// `"packet"` or `"call"`.
    pub kind: &'static str,
    /// The line's expectation, in packetdrill's notation.
    pub expected: String,
    /// What the engine did, in the same notation; `None` when it did nothing.
    pub actual: Option<String>,
    /// When the engine did it.
    pub t_us: Option<u64>,
    pub matched: bool,
}

/// packetdrill's kind of verdict.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Mismatch { line: u32, message: String },
}

/// A finished run: the trace (the usual ladder), the script line behind each of
/// its events, every check made, and the verdict.
#[derive(Clone, Debug)]
pub struct Run {
    pub trace: Trace,
    /// `lines[i]` is the script line that caused `trace.events[i]`, if any (a
    /// timer's events have none).
    pub lines: Vec<Option<u32>>,
    pub checks: Vec<Check>,
    pub verdict: Verdict,
    /// The side the engine plays in the trace: the client if the script connects,
    /// the server if it listens. The scripted remote is the other side.
    pub engine: Side,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SockKind {
    Fresh,
    Listening,
    /// The engine's connection, opened by connect() on this descriptor.
    Active,
    /// The engine's connection, returned by accept().
    Accepted,
}

#[derive(Clone, Debug)]
struct Sock {
    fd: i64,
    kind: SockKind,
    nonblocking: bool,
    linger_abort: bool,
    wr_shut: bool,
    /// shutdown(SHUT_RD) or SHUT_RDWR: the application reads no more.
    rd_shut: bool,
}

/// What a call returned, or that it must wait.
enum Outcome2 {
    Done(i64, Option<Errno>, String),
    Block,
}

struct Pending {
    event: usize,
    deadline: u64,
    expected_end: u64,
    lo: u64,
}

struct Runner<'s> {
    script: &'s Script,
    profile: Profile,
    ep: Option<Endpoint>,
    engine: Option<Side>,
    now: u64,
    events: Vec<Event>,
    lines: Vec<Option<u32>>,
    line: Option<u32>,
    next_id: u32,
    numbering: Numbering,
    /// Segments the engine sent that no `>` line has checked yet: (time, id, segment).
    outbound: VecDeque<(u64, u32, Segment)>,
    socks: Vec<Sock>,
    /// Bytes received on the connection that no read() has taken.
    unread: u64,
    peer_fin: bool,
    /// The connection's error, for SO_ERROR and the next call.
    error: Option<Errno>,
    /// The connection ended by a reset: later writes fail with EPIPE.
    dead: bool,
    established: bool,
    accepted: bool,
    listener_closed: bool,
    stack_isn: Option<u32>,
    /// (the script's TS val, the engine's) for each checked `>` segment.
    ts_map: Vec<(u32, u32)>,
    written: u64,
    checks: Vec<Check>,
    pending: Option<Pending>,
    verdict: Option<Verdict>,
    truncated: bool,
    steps: u32,
}

/// Run a script against the engine.
///
/// `Err` is a script the engine cannot run (a refusal found only while running,
/// such as a second connection); a mismatch is `Ok` with [`Verdict::Mismatch`].
pub fn run(script: &Script, name: &str) -> Result<Run, ScriptError> {
    let mut profile = Profile::linux();
    for (_, s) in &script.sysctls {
        match *s {
            Sysctl::Timestamps(on) => profile.timestamps = on,
            Sysctl::Sack(on) => profile.sack_permitted = on,
            Sysctl::WindowScaling(on) => profile.window_scale = if on { Profile::linux().window_scale } else { None },
            Sysctl::SynRetries(n) => profile.syn_retries = n,
            Sysctl::SynackRetries(n) => profile.synack_retries = n,
            Sysctl::SynLinearTimeouts(n) => profile.syn_linear_timeouts = n,
            Sysctl::FinTimeoutSecs(n) => profile.fin_timeout_us = Some(u64::from(n) * 1_000_000),
            Sysctl::Retries2(n) => profile.retries = n,
        }
    }
    let mut r = Runner {
        script,
        profile,
        ep: None,
        engine: None,
        now: 0,
        events: Vec::new(),
        lines: Vec::new(),
        line: None,
        next_id: 1,
        numbering: Numbering::new(),
        outbound: VecDeque::new(),
        socks: Vec::new(),
        unread: 0,
        peer_fin: false,
        error: None,
        dead: false,
        established: false,
        accepted: false,
        listener_closed: false,
        stack_isn: None,
        ts_map: Vec::new(),
        written: 0,
        checks: Vec::new(),
        pending: None,
        verdict: None,
        truncated: false,
        steps: 0,
    };
    r.go()?;
    let engine = r.engine.unwrap_or(Side::Client);
    let state = r.ep.as_ref().map_or(State::Closed, |ep| ep.state());
    let (client_state, server_state) = match engine {
        Side::Client => (state, State::Closed),
        Side::Server => (State::Closed, state),
    };
    let engine_info = PeerInfo {
        port: if engine == Side::Client { CLIENT_PORT } else { SERVER_PORT },
        isn: r.stack_isn.unwrap_or(ENGINE_ISN),
        profile: ProfileName::Linux,
    };
    let remote_info = PeerInfo {
        port: if engine == Side::Client { SERVER_PORT } else { CLIENT_PORT },
        isn: REMOTE_ISN,
        profile: ProfileName::Linux,
    };
    let (client, server) = match engine {
        Side::Client => (engine_info, remote_info),
        Side::Server => (remote_info, engine_info),
    };
    let mut facts = Vec::new();
    if r.truncated {
        facts.push(synack_core::trace::Fact::Truncated);
    }
    let trace = Trace {
        scenario: "packetdrill".into(),
        title: name.into(),
        handshake: Handshake::ThreeWay,
        seed: 0,
        client,
        server,
        events: r.events,
        outcome: Outcome { client: client_state, server: server_state, facts, truncated: r.truncated, end_us: r.now },
    };
    Ok(Run { trace, lines: r.lines, checks: r.checks, verdict: r.verdict.unwrap_or(Verdict::Pass), engine })
}

fn refuse(ev: &ScriptEvent, msg: impl Into<String>) -> ScriptError {
    ScriptError::new(ev.line, ev.column, msg)
}

fn secs(us: u64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

impl<'s> Runner<'s> {
    fn go(&mut self) -> Result<(), ScriptError> {
        // The time the previous event finished at, which `+t` counts from.
        let mut base = 0u64;
        let mut prev_script = 0u64;
        let mut prev_inbound = false;
        let events = &self.script.events;
        for (k, ev) in events.iter().enumerate() {
            let inbound = matches!(&ev.action, Action::Packet(p) if p.inbound);
            // Consecutive inbound packets count from each other's script times
            // (packetdrill's anchoring); anything else from when the last event ended.
            let offset = if inbound && prev_inbound { prev_script } else { base };
            let (start, end, any) = match ev.time {
                Time::Any => (self.now, u64::MAX, true),
                Time::At { relative, us } => {
                    let t = if relative { offset.saturating_add(us) } else { us };
                    (t, t, false)
                }
                Time::Range { relative, start, end } => {
                    let o = if relative { offset } else { 0 };
                    (o.saturating_add(start), o.saturating_add(end), false)
                }
            };
            if start > MAX_TIME_US {
                return Err(refuse(ev, "this event falls past one hour, the longest a script may run"));
            }
            let tol = self.tolerance(start.saturating_sub(prev_script));
            prev_script = start;
            prev_inbound = inbound;
            self.line = Some(ev.line);
            match &ev.action {
                Action::Packet(p) if p.inbound => {
                    self.advance(start.max(self.now))?;
                    if self.verdict.is_some() {
                        break;
                    }
                    self.inject(ev, p)?;
                    base = self.now;
                }
                Action::Packet(p) => {
                    let lo = if any { 0 } else { start.saturating_sub(tol) };
                    let hi = if any { MAX_TIME_US } else { end.saturating_add(tol) };
                    match self.expect_packet(ev, p, lo, hi)? {
                        Some(t) => base = t,
                        None => break,
                    }
                }
                Action::Call(c) => {
                    if self.pending.is_some() {
                        return Err(refuse(
                            ev,
                            "another system call while a blocking one is still waiting: packetdrill runs one blocking call at a time",
                        ));
                    }
                    self.advance(start.max(self.now))?;
                    if self.verdict.is_some() {
                        break;
                    }
                    let expected_end = match c.end_us {
                        None => start,
                        Some(e) => match ev.time {
                            Time::At { relative: true, .. } => offset.saturating_add(e),
                            _ => e,
                        },
                    };
                    if expected_end < start {
                        return Err(refuse(ev, "this call's end time (after `...`) is before its start"));
                    }
                    self.call(k, c, start, expected_end, tol)?;
                    base = start;
                }
            }
            self.line = None;
            if self.verdict.is_some() {
                break;
            }
        }
        // A call still blocked at the end must return by its deadline.
        if self.verdict.is_none() {
            if let Some(p) = &self.pending {
                let deadline = p.deadline;
                self.advance(deadline)?;
                if self.pending.is_some() {
                    self.fail_pending();
                }
            }
        }
        Ok(())
    }

    /// packetdrill's tolerance: its fixed allowance, or 12.5 % of the time since the
    /// previous event when that is more.
    fn tolerance(&self, since_prev: u64) -> u64 {
        self.script.tolerance_us.max(since_prev / TOLERANCE_DIVISOR)
    }

    fn engine_side(&self) -> Side {
        self.engine.unwrap_or(Side::Client)
    }

    fn record(&mut self, t_us: u64, side: Side, kind: EventKind) {
        if self.events.len() >= MAX_TRACE_EVENTS {
            self.truncated = true;
            return;
        }
        self.events.push(Event { t_us, side, kind });
        self.lines.push(self.line);
    }

    /// Take the endpoint's notes and segments into the trace.
    fn drain(&mut self, delivered: Option<u32>) {
        let side = self.engine_side();
        let Some(ep) = self.ep.as_mut() else { return };
        let mut notes = Vec::new();
        while let Some(n) = ep.poll_note() {
            notes.push(n);
        }
        let mut sent = Vec::new();
        while let Some(tx) = ep.poll_transmit() {
            sent.push(tx);
        }
        for n in notes {
            let kind = match n {
                Note::State { from, to, reason } => {
                    if to == State::Established {
                        self.established = true;
                    }
                    EventKind::State { from, to, reason }
                }
                Note::Timer { timer, action } => EventKind::Timer { timer, action },
                Note::Discard { reason } => EventKind::Discard { id: delivered.unwrap_or(0), reason },
                Note::Accept { reason } => EventKind::Accept { id: delivered.unwrap_or(0), reason },
                // The script's socket has no backlog: its queues are never modelled.
                Note::Queue { syn_queue, accept_queue, backlog, reason } => {
                    EventKind::Queue { syn_queue, accept_queue, backlog, reason }
                }
                Note::App(a) => {
                    match &a {
                        AppNote::Received { len, .. } => self.unread += *len as u64,
                        AppNote::PeerClosed => self.peer_fin = true,
                        AppNote::Reset => {
                            self.error = Some(Errno::ECONNRESET);
                            self.dead = true;
                        }
                        AppNote::Refused => {
                            self.error = Some(Errno::ECONNREFUSED);
                            self.dead = true;
                        }
                        AppNote::TimedOut => {
                            self.error = Some(Errno::ETIMEDOUT);
                            self.dead = true;
                        }
                        _ => {}
                    }
                    EventKind::App { app: AppEvent::Note(a) }
                }
            };
            self.record(self.now, side, kind);
        }
        for tx in sent {
            if tx.reason == Reason::RstDataAfterClose {
                // Linux resets its own socket here (tcp_reset): the application's
                // next call learns ECONNRESET.
                self.error = Some(Errno::ECONNRESET);
                self.dead = true;
            }
            let id = self.next_id;
            self.next_id += 1;
            // packetdrill learns the stack's ISN from its first SYN on the script's
            // connection and keeps it: a later incarnation's SYN shows its offset.
            if tx.segment.flags.syn && self.stack_isn.is_none() {
                self.stack_isn = Some(tx.segment.seq.0);
            }
            let dir = Dir::from(side);
            let relative = self.numbering.number(side, &tx.segment);
            let seg = tx.segment;
            self.record(
                self.now,
                side,
                EventKind::Send {
                    id,
                    dir,
                    segment: seg.clone(),
                    reason: tx.reason,
                    retransmission: tx.retransmission,
                    stale: false,
                    relative,
                    cookie: tx.cookie,
                },
            );
            self.record(self.now, side.peer(), EventKind::Deliver { id, dir, segment: seg.clone() });
            if self.outbound.len() < 10_000 {
                self.outbound.push_back((self.now, id, seg));
            }
        }
        // A listening socket the script closed while its connection lived goes
        // once the connection has ended and the endpoint shows LISTEN again.
        if self.listener_closed && self.ep.as_ref().is_some_and(|ep| ep.state() == State::Listen) {
            self.listener_closed = false;
            let now = self.now;
            if let Some(ep) = self.ep.as_mut() {
                let _ = ep.close(now);
            }
            self.drain(None);
        }
    }

    /// Run the endpoint's timers up to `t`, checking a blocked call as time passes.
    fn advance(&mut self, t: u64) -> Result<(), ScriptError> {
        loop {
            // However the endpoint's timers behave, a run takes bounded work.
            self.steps += 1;
            if self.steps > MAX_STEPS {
                self.truncated = true;
                self.now = self.now.max(t);
                return Ok(());
            }
            self.try_pending()?;
            if self.verdict.is_some() {
                return Ok(());
            }
            if let Some(p) = &self.pending {
                if p.deadline < t && !self.next_timer().is_some_and(|n| n <= p.deadline) {
                    self.now = self.now.max(p.deadline);
                    self.fail_pending();
                    return Ok(());
                }
            }
            match self.next_timer() {
                Some(n) if n <= t && self.events.len() < MAX_TRACE_EVENTS => {
                    self.now = self.now.max(n);
                    let now = self.now;
                    if let Some(ep) = self.ep.as_mut() {
                        ep.handle_timeout(now);
                    }
                    let line = self.line.take();
                    self.drain(None);
                    self.line = line;
                }
                Some(n) if n <= t => {
                    self.truncated = true;
                    self.now = self.now.max(t);
                    return Ok(());
                }
                _ => {
                    self.now = self.now.max(t);
                    return self.try_pending();
                }
            }
        }
    }

    fn next_timer(&self) -> Option<u64> {
        self.ep.as_ref().and_then(|ep| ep.poll_timeout())
    }

    fn inject(&mut self, ev: &ScriptEvent, p: &PacketSpec) -> Result<(), ScriptError> {
        let Some(side) = self.engine else {
            return Err(refuse(ev, "a packet arrives before the script made a socket listen or connect; the engine has no socket to give it to"));
        };
        let remote = side.peer();
        let stack_isn = self.stack_isn.unwrap_or(ENGINE_ISN);
        let mut options = TcpOptions::default();
        for o in p.options.as_deref().unwrap_or(&[]) {
            match *o {
                PdOption::Mss(m) => options.mss = Some(m),
                PdOption::Wscale(w) => options.window_scale = Some(w),
                PdOption::SackOk => options.sack_permitted = true,
                PdOption::Ts { val, ecr } => {
                    // packetdrill's rule: an ACK's TS ecr names a TS val the script
                    // wrote on a `>` line, and stands for what the stack really sent.
                    let ecr = if p.flags.ack {
                        match self.ts_map.iter().rev().find(|(s, _)| *s == ecr) {
                            Some(&(_, actual)) => actual,
                            None => {
                                return Err(refuse(
                                    ev,
                                    format!("TS ecr {ecr} echoes no TS val of an earlier `>` line, so its value on the wire is unknown"),
                                ))
                            }
                        }
                    } else {
                        ecr
                    };
                    options.timestamps = Some((val, ecr));
                }
                PdOption::Nop | PdOption::Eol => {}
            }
        }
        let (src_port, dst_port) =
            if side == Side::Client { (SERVER_PORT, CLIENT_PORT) } else { (CLIENT_PORT, SERVER_PORT) };
        let seg = Segment {
            src_port,
            dst_port,
            seq: SeqNum(REMOTE_ISN.wrapping_add(p.seq)),
            ack: p.ack.map(|a| SeqNum(stack_isn.wrapping_add(a))),
            flags: Flags { syn: p.flags.syn, fin: p.flags.fin, rst: p.flags.rst, psh: p.flags.psh },
            window: p.win.unwrap_or(32792),
            options,
            payload: vec![0; p.len as usize],
        };
        let id = self.next_id;
        self.next_id += 1;
        let dir = Dir::from(remote);
        let relative = self.numbering.number(remote, &seg);
        self.record(
            self.now,
            remote,
            EventKind::Send {
                id,
                dir,
                segment: seg.clone(),
                reason: Reason::ScriptSegment,
                retransmission: false,
                stale: false,
                relative,
                cookie: None,
            },
        );
        self.record(self.now, side, EventKind::Deliver { id, dir, segment: seg.clone() });
        let now = self.now;
        if let Some(ep) = self.ep.as_mut() {
            ep.handle_segment(now, &seg);
        }
        self.drain(Some(id));
        self.try_pending()
    }

    /// The next segment the engine sends must be `p`, between `lo` and `hi`.
    /// Returns the time it was sent, or `None` when the run ends in a mismatch.
    fn expect_packet(
        &mut self,
        ev: &ScriptEvent,
        p: &PacketSpec,
        lo: u64,
        hi: u64,
    ) -> Result<Option<u64>, ScriptError> {
        while self.outbound.is_empty() {
            match self.next_timer() {
                Some(n) if n <= hi && self.events.len() < MAX_TRACE_EVENTS => {
                    self.advance(n.max(self.now))?;
                    if self.verdict.is_some() {
                        return Ok(None);
                    }
                }
                _ => break,
            }
        }
        let expected = p.to_string();
        let Some((mut t, id, mut seg)) = self.outbound.pop_front() else {
            let by = if hi >= MAX_TIME_US { self.now } else { hi };
            self.advance(by.max(self.now))?;
            if self.verdict.is_some() {
                return Ok(None);
            }
            let message =
                format!("script line {}: expected `{expected}`, the engine sent nothing by {}", ev.line, secs(by));
            self.fail(ev.line, "packet", expected, None, None, message);
            return Ok(None);
        };
        let mut ids = vec![id];
        // packetdrill (without --strict_segments) gathers consecutive segments
        // until it has the payload a `>` line with data expects, as TSO would
        // have sent it: the aggregate has the first segment's sequence number,
        // the last one's other fields and time, and every payload byte. A bare
        // ACK just before the data is gathered up the same way.
        let mut payload = seg.payload.len();
        while payload < p.len as usize {
            if self.outbound.is_empty() {
                match self.next_timer() {
                    Some(n) if n <= hi && self.events.len() < MAX_TRACE_EVENTS => {
                        self.advance(n.max(self.now))?;
                        if self.verdict.is_some() {
                            return Ok(None);
                        }
                        continue;
                    }
                    _ => break,
                }
            }
            let Some((t2, id2, next)) = self.outbound.pop_front() else { break };
            payload += next.payload.len();
            ids.push(id2);
            let first_seq = seg.seq;
            seg = next;
            seg.seq = first_seq;
            t = t2;
        }
        if ids.len() > 1 {
            seg.payload = vec![0; payload];
        }
        let actual = self.notation(&seg, p);
        // Attribute the sends to this line.
        for id in ids {
            if let Some(k) =
                self.events.iter().rposition(|e| matches!(e.kind, EventKind::Send { id: i, .. } if i == id))
            {
                self.lines[k] = Some(ev.line);
                if let Some(l) = self.lines.get_mut(k + 1) {
                    *l = Some(ev.line);
                }
            }
        }
        let why = self.differs(p, &seg);
        let timing = if t < lo || t > hi {
            Some(format!(
                "script line {}: expected `{expected}` between {} and {}, the engine sent it at {}",
                ev.line,
                secs(lo),
                secs(hi),
                secs(t)
            ))
        } else {
            None
        };
        if let Some(why) = why {
            let message = format!(
                "script line {}: expected `{expected}`, the engine sent `{actual}` at {} ({why})",
                ev.line,
                secs(t)
            );
            self.fail(ev.line, "packet", expected, Some(actual), Some(t), message);
            return Ok(None);
        }
        if let Some(message) = timing {
            self.fail(ev.line, "packet", expected, Some(actual), Some(t), message);
            return Ok(None);
        }
        if let (Some(opts), Some((val, _))) = (&p.options, seg.options.timestamps) {
            if let Some(PdOption::Ts { val: sv, .. }) = opts.iter().find(|o| matches!(o, PdOption::Ts { .. })) {
                self.ts_map.push((*sv, val));
                if self.ts_map.len() > 4096 {
                    self.ts_map.remove(0);
                }
            }
        }
        self.checks.push(Check {
            line: ev.line,
            kind: "packet",
            expected,
            actual: Some(actual),
            t_us: Some(t),
            matched: true,
        });
        Ok(Some(t))
    }

    fn fail(
        &mut self,
        line: u32,
        kind: &'static str,
        expected: String,
        actual: Option<String>,
        t: Option<u64>,
        message: String,
    ) {
        self.checks.push(Check { line, kind, expected, actual, t_us: t, matched: false });
        self.verdict = Some(Verdict::Mismatch { line, message });
    }

    /// The first field of `seg` that `p` does not allow, if any.
    fn differs(&self, p: &PacketSpec, seg: &Segment) -> Option<String> {
        let f = seg.flags;
        let flags = PdFlags { syn: f.syn, fin: f.fin, rst: f.rst, psh: f.psh, ack: seg.ack.is_some() };
        if flags != p.flags {
            return Some(format!("flags {} instead of {}", show_flags(flags), show_flags(p.flags)));
        }
        let isn = self.stack_isn.unwrap_or(ENGINE_ISN);
        let seq = seg.seq.0.wrapping_sub(isn);
        if seq != p.seq {
            return Some(format!("sequence number {seq} instead of {}", p.seq));
        }
        if seg.payload.len() as u32 != p.len {
            return Some(format!("{} bytes of data instead of {}", seg.payload.len(), p.len));
        }
        if seg.payload.iter().any(|b| *b != 0) {
            return Some("the payload differs".into());
        }
        if let (Some(a), Some(want)) = (seg.ack, p.ack) {
            let ack = a.0.wrapping_sub(REMOTE_ISN);
            if ack != want {
                return Some(format!("ack {ack} instead of {want}"));
            }
        }
        if let Some(w) = p.win {
            if seg.window != w {
                return Some(format!("window {} instead of {w}", seg.window));
            }
        }
        if let Some(opts) = &p.options {
            let have = wire_options(seg);
            let kinds = |v: &[PdOption]| v.iter().map(option_kind).collect::<Vec<_>>();
            if kinds(&have) != kinds(opts) {
                return Some("the TCP options differ".into());
            }
            for (a, b) in have.iter().zip(opts) {
                // packetdrill does not check TS values unless told the clock's tick.
                if !matches!(a, PdOption::Ts { .. }) && a != b {
                    return Some(format!("option `{a}` instead of `{b}`"));
                }
            }
        }
        None
    }

    /// A segment the engine sent, as a `>` line would write it; the window and
    /// options are shown when the expectation writes them.
    fn notation(&self, seg: &Segment, p: &PacketSpec) -> String {
        let isn = self.stack_isn.unwrap_or(ENGINE_ISN);
        let spec = PacketSpec {
            inbound: false,
            flags: PdFlags {
                syn: seg.flags.syn,
                fin: seg.flags.fin,
                rst: seg.flags.rst,
                psh: seg.flags.psh,
                ack: seg.ack.is_some(),
            },
            seq: seg.seq.0.wrapping_sub(isn),
            len: seg.payload.len() as u32,
            ack: seg.ack.map(|a| a.0.wrapping_sub(REMOTE_ISN)),
            win: p.win.map(|_| seg.window),
            options: Some(if p.options.as_ref().is_some_and(|o| o.is_empty()) && wire_options(seg).is_empty() {
                Vec::new()
            } else {
                wire_options(seg)
            }),
        };
        spec.to_string()
    }

    // ----- System calls ------------------------------------------------------------

    fn sock(&self, fd: i64) -> Option<&Sock> {
        self.socks.iter().find(|s| s.fd == fd)
    }
    fn sock_mut(&mut self, fd: i64) -> Option<&mut Sock> {
        self.socks.iter_mut().find(|s| s.fd == fd)
    }
    fn lowest_free_fd(&self) -> i64 {
        (3..).find(|fd| self.sock(*fd).is_none()).unwrap_or(3)
    }

    fn new_endpoint(&mut self, ev: &ScriptEvent, side: Side) -> Result<(), ScriptError> {
        if self.ep.is_some() {
            return Err(refuse(
                ev,
                "the engine models one connection per script: a second listen() or connect() is not supported",
            ));
        }
        let (local_port, remote_port) = match side {
            Side::Client => (CLIENT_PORT, SERVER_PORT),
            Side::Server => (SERVER_PORT, CLIENT_PORT),
        };
        self.ep = Some(Endpoint::new(EndpointConfig {
            local_port,
            remote_port,
            isn: ENGINE_ISN,
            profile: self.profile.clone(),
            handshake: Handshake::ThreeWay,
            unexpected_answer: UnexpectedAnswer::Reset,
            backlog: None,
        }));
        self.engine = Some(side);
        Ok(())
    }

    fn app_call(&mut self, action: AppAction) {
        let side = self.engine_side();
        self.record(self.now, side, EventKind::App { app: AppEvent::Call(action) });
    }

    fn call(&mut self, k: usize, c: &CallSpec, start: u64, expected_end: u64, tol: u64) -> Result<(), ScriptError> {
        let ev = &self.script.events[k];
        match self.perform(ev, &c.call, false)? {
            Outcome2::Done(ret, errno, extra) => {
                self.check_call(ev, c, ret, errno, extra, start, expected_end, tol);
            }
            Outcome2::Block => {
                self.pending = Some(Pending {
                    event: k,
                    deadline: expected_end.saturating_add(tol),
                    expected_end,
                    lo: expected_end.saturating_sub(tol),
                });
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn check_call(
        &mut self,
        ev: &ScriptEvent,
        c: &CallSpec,
        ret: i64,
        errno: Option<Errno>,
        extra: String,
        at: u64,
        expected_end: u64,
        tol: u64,
    ) {
        let expected = format!("{} = {}", call_text(ev), result_text(c.ret, c.errno));
        let actual = format!("{} = {}{extra}", call_text(ev), result_text(ret, errno));
        let lo = expected_end.saturating_sub(tol);
        let hi = expected_end.saturating_add(tol);
        if ret != c.ret || errno != c.errno || !extra.is_empty() {
            let message = format!(
                "script line {}: expected `{expected}`, the call returned {}{extra} at {}",
                ev.line,
                result_text(ret, errno),
                secs(at)
            );
            self.fail(ev.line, "call", expected, Some(actual), Some(at), message);
        } else if at < lo || at > hi {
            let message = format!(
                "script line {}: expected `{expected}` to return at {}, it returned at {}",
                ev.line,
                secs(expected_end),
                secs(at)
            );
            self.fail(ev.line, "call", expected, Some(actual), Some(at), message);
        } else {
            self.checks.push(Check {
                line: ev.line,
                kind: "call",
                expected,
                actual: Some(actual),
                t_us: Some(at),
                matched: true,
            });
        }
    }

    /// A blocked call whose time has come: can it return now?
    fn try_pending(&mut self) -> Result<(), ScriptError> {
        let Some(p) = self.pending.as_ref() else { return Ok(()) };
        let k = p.event;
        let (expected_end, lo) = (p.expected_end, p.lo);
        let ev = &self.script.events[k];
        let Action::Call(c) = &ev.action else { return Ok(()) };
        let line = self.line.replace(ev.line);
        let out = self.perform(ev, &c.call, true);
        self.line = line;
        if let Outcome2::Done(ret, errno, extra) = out? {
            self.pending = None;
            let now = self.now;
            self.check_call(ev, c, ret, errno, extra, now, expected_end, expected_end - lo);
        }
        Ok(())
    }

    fn fail_pending(&mut self) {
        let Some(p) = self.pending.take() else { return };
        let ev = &self.script.events[p.event];
        let Action::Call(c) = &ev.action else { return };
        let expected = format!("{} = {}", call_text(ev), result_text(c.ret, c.errno));
        let message = format!(
            "script line {}: expected `{expected}` to return at {}, the call was still blocked at {}",
            ev.line,
            secs(p.expected_end),
            secs(p.deadline)
        );
        self.fail(ev.line, "call", expected, None, None, message);
    }

    /// Carry out a call, or say that it blocks. `retry` is a blocked call looking
    /// again: it has already had its effect on the engine.
    fn perform(&mut self, ev: &ScriptEvent, call: &Call, retry: bool) -> Result<Outcome2, ScriptError> {
        use Outcome2::{Block, Done};
        let ok = |v: i64| Ok(Done(v, None, String::new()));
        let err = |e: Errno| Ok(Done(-1, Some(e), String::new()));
        let now = self.now;
        let fd_of = |c: &Call| match *c {
            Call::Socket => None,
            Call::Bind { fd }
            | Call::Listen { fd, .. }
            | Call::Accept { fd }
            | Call::Connect { fd }
            | Call::Write { fd, .. }
            | Call::Read { fd, .. }
            | Call::Shutdown { fd, .. }
            | Call::Close { fd }
            | Call::SetFlags { fd, .. }
            | Call::GetFlags { fd }
            | Call::SetOpt { fd, .. }
            | Call::SoError { fd, .. } => Some(fd),
        };
        let sock = match fd_of(call) {
            None => None,
            Some(fd) => match self.sock(fd) {
                Some(s) => Some(s.clone()),
                None => return err(Errno::EBADF),
            },
        };
        let sock_kind = sock.as_ref().map(|s| s.kind);
        let nonblocking = sock.as_ref().is_some_and(|s| s.nonblocking);
        match *call {
            Call::Socket => {
                if self.socks.len() >= 16 {
                    return Err(refuse(ev, "more than 16 sockets"));
                }
                let fd = self.lowest_free_fd();
                self.socks.push(Sock {
                    fd,
                    kind: SockKind::Fresh,
                    nonblocking: false,
                    linger_abort: false,
                    wr_shut: false,
                    rd_shut: false,
                });
                ok(fd)
            }
            Call::Bind { .. } => ok(0),
            Call::SetFlags { fd, nonblocking } => {
                if let Some(s) = self.sock_mut(fd) {
                    s.nonblocking = nonblocking;
                }
                ok(0)
            }
            Call::GetFlags { .. } => ok(2 | if nonblocking { 0x800 } else { 0 }),
            Call::SetOpt { fd, opt } => {
                if let SockOpt::Linger { on, secs } = opt {
                    if let Some(s) = self.sock_mut(fd) {
                        s.linger_abort = on && secs == 0;
                    }
                }
                ok(0)
            }
            Call::SoError { value, .. } => {
                let pending = self.error.take();
                let have = pending.map_or(0, Errno::number);
                let extra = if have == value {
                    String::new()
                } else {
                    format!(" with SO_ERROR {have}{}", pending.map(|e| format!(" ({})", e.name())).unwrap_or_default())
                };
                Ok(Done(0, None, extra))
            }
            Call::Listen { fd, .. } => {
                if sock_kind != Some(SockKind::Fresh) {
                    return err(Errno::EINVAL);
                }
                self.new_endpoint(ev, Side::Server)?;
                self.app_call(AppAction::Listen);
                if let Some(ep) = self.ep.as_mut() {
                    let _ = ep.listen(now);
                }
                self.drain(None);
                if let Some(s) = self.sock_mut(fd) {
                    s.kind = SockKind::Listening;
                }
                ok(0)
            }
            Call::Accept { .. } => {
                if sock_kind != Some(SockKind::Listening) {
                    return err(Errno::EINVAL);
                }
                if self.established && !self.accepted {
                    self.accepted = true;
                    let fd = self.lowest_free_fd();
                    self.socks.push(Sock {
                        fd,
                        kind: SockKind::Accepted,
                        nonblocking: false,
                        linger_abort: false,
                        wr_shut: false,
                        rd_shut: false,
                    });
                    return ok(fd);
                }
                if nonblocking {
                    err(Errno::EAGAIN)
                } else {
                    Ok(Block)
                }
            }
            Call::Connect { fd } => {
                if !retry {
                    match sock_kind {
                        Some(SockKind::Fresh) => {}
                        Some(SockKind::Active) => {
                            return if self.established {
                                err(Errno::EISCONN)
                            } else if let Some(e) = self.error.take() {
                                err(e)
                            } else {
                                err(Errno::EALREADY)
                            };
                        }
                        _ => return err(Errno::EINVAL),
                    }
                    self.new_endpoint(ev, Side::Client)?;
                    self.app_call(AppAction::Connect);
                    if let Some(ep) = self.ep.as_mut() {
                        let _ = ep.connect(now);
                    }
                    self.drain(None);
                    if let Some(s) = self.sock_mut(fd) {
                        s.kind = SockKind::Active;
                    }
                    if nonblocking {
                        return err(Errno::EINPROGRESS);
                    }
                }
                if self.established {
                    ok(0)
                } else if let Some(e) = self.error.take() {
                    err(e)
                } else {
                    Ok(Block)
                }
            }
            Call::Write { fd, len } => {
                if !matches!(sock_kind, Some(SockKind::Active | SockKind::Accepted)) {
                    return err(Errno::ENOTCONN);
                }
                if let Some(e) = self.error.take() {
                    return err(e);
                }
                if self.dead || sock.as_ref().is_some_and(|s| s.wr_shut) {
                    return err(Errno::EPIPE);
                }
                if !self.established {
                    return if nonblocking { err(Errno::EAGAIN) } else { Ok(Block) };
                }
                self.written += u64::from(len);
                if self.written > MAX_WRITE_TOTAL {
                    return Err(refuse(
                        ev,
                        format!("the script writes more than {} KiB in all", MAX_WRITE_TOTAL >> 10),
                    ));
                }
                let data = vec![0u8; len as usize];
                self.app_call(AppAction::Send { len: len as usize, text: None, data: Vec::new() });
                let r = self.ep.as_mut().map(|ep| ep.send(now, &data));
                self.drain(None);
                let _ = fd;
                match r {
                    Some(Ok(())) => ok(i64::from(len)),
                    _ => err(Errno::EPIPE),
                }
            }
            Call::Read { len, .. } => {
                if !matches!(sock_kind, Some(SockKind::Active | SockKind::Accepted)) {
                    return err(Errno::ENOTCONN);
                }
                if self.unread > 0 {
                    let n = self.unread.min(u64::from(len));
                    self.unread -= n;
                    return ok(n as i64);
                }
                // tcp_recvmsg: a pending error comes before the end of the stream.
                if let Some(e) = self.error.take() {
                    return err(e);
                }
                if self.peer_fin || len == 0 || sock.as_ref().is_some_and(|s| s.rd_shut) {
                    return ok(0);
                }
                if self.dead {
                    return ok(0);
                }
                if nonblocking {
                    err(Errno::EAGAIN)
                } else {
                    Ok(Block)
                }
            }
            Call::Shutdown { fd, how } => {
                if !matches!(sock_kind, Some(SockKind::Active | SockKind::Accepted)) {
                    return err(Errno::ENOTCONN);
                }
                let rd_shut = how != How::Wr || sock.as_ref().is_some_and(|s| s.rd_shut);
                if let Some(s) = self.sock_mut(fd) {
                    s.rd_shut = rd_shut;
                }
                if how == How::Rd || sock.as_ref().is_some_and(|s| s.wr_shut) {
                    return ok(0);
                }
                if let Some(s) = self.sock_mut(fd) {
                    s.wr_shut = true;
                }
                // With reading shut as well, Linux resets data that arrives once its
                // FIN is out (tcp_rcv_state_process, RCV_SHUTDOWN in FIN-WAIT-1/2),
                // as after close(): the engine's close() is that rule.
                self.app_call(if rd_shut { AppAction::Close } else { AppAction::Shutdown });
                let r = self.ep.as_mut().map(|ep| if rd_shut { ep.close(now) } else { ep.shutdown(now) });
                self.drain(None);
                match r {
                    Some(Ok(())) => ok(0),
                    _ => err(Errno::ENOTCONN),
                }
            }
            Call::Close { fd } => {
                let Some(s) = sock else { return err(Errno::EBADF) };
                self.socks.retain(|x| x.fd != fd);
                match s.kind {
                    SockKind::Fresh => ok(0),
                    SockKind::Listening => {
                        let state = self.ep.as_ref().map_or(State::Closed, |ep| ep.state());
                        if state == State::Listen {
                            self.app_call(AppAction::Close);
                            if let Some(ep) = self.ep.as_mut() {
                                let _ = ep.close(now);
                            }
                            self.drain(None);
                        } else if self.accepted || state == State::Closed {
                            self.listener_closed = true;
                        } else {
                            return Err(refuse(
                                ev,
                                "closing a listening socket while its connection waits to be accept()ed is not modelled (the engine has no accept queue)",
                            ));
                        }
                        ok(0)
                    }
                    SockKind::Active | SockKind::Accepted => {
                        // Linux's tcp_close: unread data, or SO_LINGER with a zero
                        // time, makes close() an abort with RST.
                        let abort = s.linger_abort || self.unread > 0;
                        let action = if abort { AppAction::Abort } else { AppAction::Close };
                        self.app_call(action);
                        if let Some(ep) = self.ep.as_mut() {
                            let _ = if abort { ep.abort(now) } else { ep.close(now) };
                        }
                        self.unread = 0;
                        self.drain(None);
                        ok(0)
                    }
                }
            }
        }
    }
}

fn show_flags(f: PdFlags) -> String {
    let s = f.to_string();
    if s.is_empty() {
        "none".into()
    } else {
        s
    }
}

fn option_kind(o: &PdOption) -> u8 {
    match o {
        PdOption::Eol => 0,
        PdOption::Nop => 1,
        PdOption::Mss(_) => 2,
        PdOption::Wscale(_) => 3,
        PdOption::SackOk => 4,
        PdOption::Ts { .. } => 8,
    }
}

/// The options of a segment as Linux lays them out on the wire
/// (`tcp_options_write`): MSS; SACK-permitted sharing a word with timestamps, or
/// two NOPs before timestamps; two NOPs and SACK-permitted when there are no
/// timestamps; NOP and window scale (checked against Linux 6.18 by the scripts in
/// `tests/scripts/`).
pub fn wire_options(seg: &Segment) -> Vec<PdOption> {
    let o = &seg.options;
    let mut v = Vec::new();
    if let Some(m) = o.mss {
        v.push(PdOption::Mss(m));
    }
    if let Some((val, ecr)) = o.timestamps {
        if o.sack_permitted {
            v.push(PdOption::SackOk);
        } else {
            v.extend([PdOption::Nop, PdOption::Nop]);
        }
        v.push(PdOption::Ts { val, ecr });
    }
    if o.sack_permitted && o.timestamps.is_none() {
        v.extend([PdOption::Nop, PdOption::Nop, PdOption::SackOk]);
    }
    if let Some(w) = o.window_scale {
        v.extend([PdOption::Nop, PdOption::Wscale(w)]);
    }
    v
}

/// The call part of a line as written: from its name to the closing parenthesis.
fn call_text(ev: &ScriptEvent) -> String {
    let t = &ev.text;
    let start = t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()).map_or(0, |(i, _)| i);
    let end = t.rfind(')').map_or(t.len(), |i| i + 1);
    let call = &t[start..];
    // Up to the `=` of the result.
    let upto = call.find(") =").map_or(end - start, |i| i + 1);
    call[..upto.min(call.len())].trim().to_string()
}

fn result_text(ret: i64, errno: Option<Errno>) -> String {
    match errno {
        Some(e) => format!("{ret} {}", e.name()),
        None => ret.to_string(),
    }
}
