//! The reader: a packetdrill script's connection-management subset as plain data.
//!
//! Everything outside the subset is refused with its line and column and what is
//! supported there; nothing is guessed. See `docs/packetdrill.md`.

use core::fmt;

use crate::lex::{tokens, Tok, Token};

/// The largest script read (1 MiB); a longer one is refused before lexing.
pub const MAX_SCRIPT_BYTES: usize = 1 << 20;
/// The most events (packets and calls) in one script.
pub const MAX_EVENTS: usize = 2000;
/// The latest time a script may name: one hour, the engine's default horizon.
pub const MAX_TIME_US: u64 = 3600 * 1_000_000;
/// The most bytes one packet or one read/write call may carry.
pub const MAX_PAYLOAD: u32 = 65535;
/// The most bytes all `write` calls of a script may send together (the engine's
/// `MAX_SEND_BYTES`).
pub const MAX_WRITE_TOTAL: u64 = 1 << 20;

/// A script refused: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl ScriptError {
    pub fn new(line: u32, column: u32, message: impl Into<String>) -> ScriptError {
        ScriptError { line, column, message: message.into() }
    }
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// When an event happens. Times are microseconds; a relative time counts from the
/// previous event, as packetdrill's `+t` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Time {
    /// `*`: whenever it comes.
    Any,
    /// `t` or `+t`.
    At { relative: bool, us: u64 },
    /// `a~b` or `+a~+b`: an outbound packet anywhere in the window.
    Range { relative: bool, start: u64, end: u64 },
}

/// The control bits a script writes: `S`, `F`, `R`, `P`, and `.` for ACK.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PdFlags {
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
    pub psh: bool,
    pub ack: bool,
}

impl fmt::Display for PdFlags {
    /// In packetdrill's own order: `F`, `S`, `R`, `P`, then `.`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (on, c) in [(self.fin, 'F'), (self.syn, 'S'), (self.rst, 'R'), (self.psh, 'P'), (self.ack, '.')] {
            if on {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// One TCP option, in the order written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PdOption {
    Nop,
    Eol,
    Mss(u16),
    Wscale(u8),
    SackOk,
    Ts { val: u32, ecr: u32 },
}

impl fmt::Display for PdOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdOption::Nop => f.write_str("nop"),
            PdOption::Eol => f.write_str("eol"),
            PdOption::Mss(n) => write!(f, "mss {n}"),
            PdOption::Wscale(n) => write!(f, "wscale {n}"),
            PdOption::SackOk => f.write_str("sackOK"),
            PdOption::Ts { val, ecr } => write!(f, "TS val {val} ecr {ecr}"),
        }
    }
}

/// A `<` or `>` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketSpec {
    /// `<`: the script injects it; `>`: the stack must send it.
    pub inbound: bool,
    pub flags: PdFlags,
    /// The sequence number relative to the sender's ISN.
    pub seq: u32,
    /// Payload bytes.
    pub len: u32,
    /// Relative to the receiver's ISN; present exactly when the flags have `.`.
    pub ack: Option<u32>,
    /// The raw window field; on `>` lines only checked when written.
    pub win: Option<u16>,
    /// `None` is `<...>`: any options. `Some(vec![])`: none.
    pub options: Option<Vec<PdOption>>,
}

impl fmt::Display for PacketSpec {
    /// The packet as packetdrill writes it (without its direction).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = self.seq.wrapping_add(self.len);
        write!(f, "{} {}:{}({})", self.flags, self.seq, end, self.len)?;
        if let Some(ack) = self.ack {
            write!(f, " ack {ack}")?;
        }
        if let Some(win) = self.win {
            write!(f, " win {win}")?;
        }
        match &self.options {
            None => f.write_str(" <...>"),
            Some(opts) if opts.is_empty() => Ok(()),
            Some(opts) => {
                let list: Vec<String> = opts.iter().map(|o| o.to_string()).collect();
                write!(f, " <{}>", list.join(","))
            }
        }
    }
}

/// The errnos a call of the subset can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Errno {
    EINPROGRESS,
    EAGAIN,
    ECONNREFUSED,
    ECONNRESET,
    EPIPE,
    ENOTCONN,
    ETIMEDOUT,
    EISCONN,
    EALREADY,
    EINVAL,
    EBADF,
}

impl Errno {
    pub const ALL: [Errno; 11] = [
        Errno::EINPROGRESS,
        Errno::EAGAIN,
        Errno::ECONNREFUSED,
        Errno::ECONNRESET,
        Errno::EPIPE,
        Errno::ENOTCONN,
        Errno::ETIMEDOUT,
        Errno::EISCONN,
        Errno::EALREADY,
        Errno::EINVAL,
        Errno::EBADF,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Errno::EINPROGRESS => "EINPROGRESS",
            Errno::EAGAIN => "EAGAIN",
            Errno::ECONNREFUSED => "ECONNREFUSED",
            Errno::ECONNRESET => "ECONNRESET",
            Errno::EPIPE => "EPIPE",
            Errno::ENOTCONN => "ENOTCONN",
            Errno::ETIMEDOUT => "ETIMEDOUT",
            Errno::EISCONN => "EISCONN",
            Errno::EALREADY => "EALREADY",
            Errno::EINVAL => "EINVAL",
            Errno::EBADF => "EBADF",
        }
    }

    /// Linux's number for it, as `getsockopt(SO_ERROR)` returns it.
    pub fn number(self) -> i64 {
        match self {
            Errno::EINPROGRESS => 115,
            Errno::EAGAIN => 11,
            Errno::ECONNREFUSED => 111,
            Errno::ECONNRESET => 104,
            Errno::EPIPE => 32,
            Errno::ENOTCONN => 107,
            Errno::ETIMEDOUT => 110,
            Errno::EISCONN => 106,
            Errno::EALREADY => 114,
            Errno::EINVAL => 22,
            Errno::EBADF => 9,
        }
    }

    fn named(s: &str) -> Option<Errno> {
        // EWOULDBLOCK is EAGAIN on Linux.
        if s == "EWOULDBLOCK" {
            return Some(Errno::EAGAIN);
        }
        Errno::ALL.into_iter().find(|e| e.name() == s)
    }
}

/// `shutdown`'s second argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    Rd,
    Wr,
    RdWr,
}

/// The socket options the engine has a meaning for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SockOpt {
    /// `SO_REUSEADDR`: no effect on one connection's segments.
    ReuseAddr,
    /// `SO_LINGER {onoff, linger}`: on with 0 seconds makes close() abort with RST.
    Linger { on: bool, secs: u32 },
    /// `TCP_NODELAY`: the engine has no Nagle algorithm, so it is always "on".
    NoDelay,
}

/// A system call of the subset, with its arguments checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    Socket,
    Bind {
        fd: i64,
    },
    Listen {
        fd: i64,
        backlog: i64,
    },
    Accept {
        fd: i64,
    },
    Connect {
        fd: i64,
    },
    Write {
        fd: i64,
        len: u32,
    },
    Read {
        fd: i64,
        len: u32,
    },
    Shutdown {
        fd: i64,
        how: How,
    },
    Close {
        fd: i64,
    },
    /// `fcntl(fd, F_SETFL, O_RDWR|O_NONBLOCK)` (or without `O_NONBLOCK`).
    SetFlags {
        fd: i64,
        nonblocking: bool,
    },
    /// `fcntl(fd, F_GETFL)`: returns `O_RDWR` (2), plus `O_NONBLOCK` (0x800) when set.
    GetFlags {
        fd: i64,
    },
    SetOpt {
        fd: i64,
        opt: SockOpt,
    },
    /// `getsockopt(fd, SOL_SOCKET, SO_ERROR, [N], [4])`: the pending error, N.
    SoError {
        fd: i64,
        value: i64,
    },
}

impl Call {
    pub fn name(&self) -> &'static str {
        match self {
            Call::Socket => "socket",
            Call::Bind { .. } => "bind",
            Call::Listen { .. } => "listen",
            Call::Accept { .. } => "accept",
            Call::Connect { .. } => "connect",
            Call::Write { .. } => "write",
            Call::Read { .. } => "read",
            Call::Shutdown { .. } => "shutdown",
            Call::Close { .. } => "close",
            Call::SetFlags { .. } | Call::GetFlags { .. } => "fcntl",
            Call::SetOpt { .. } => "setsockopt",
            Call::SoError { .. } => "getsockopt",
        }
    }
}

/// A call line: the call, its expected result and when it must return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallSpec {
    pub call: Call,
    /// `start...end`: the call blocks until `end` (counted like the start time).
    pub end_us: Option<u64>,
    /// The expected return value.
    pub ret: i64,
    pub errno: Option<Errno>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Packet(PacketSpec),
    Call(CallSpec),
}

/// One line of the script that does something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptEvent {
    pub line: u32,
    pub column: u32,
    pub time: Time,
    pub action: Action,
    /// The line as written, trimmed, for messages and the drawing.
    pub text: String,
}

/// A `sysctl` setting the engine maps onto its profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sysctl {
    Timestamps(bool),
    Sack(bool),
    WindowScaling(bool),
    SynRetries(u32),
    SynackRetries(u32),
    SynLinearTimeouts(u32),
    FinTimeoutSecs(u32),
    Retries2(u32),
}

/// The sysctls understood, as `net.ipv4.NAME`; the largest value each accepts.
pub const SYSCTLS: [(&str, u32); 8] = [
    ("tcp_timestamps", 1),
    ("tcp_sack", 1),
    ("tcp_window_scaling", 1),
    ("tcp_syn_retries", 20),
    ("tcp_synack_retries", 20),
    ("tcp_syn_linear_timeouts", 20),
    ("tcp_fin_timeout", 600),
    ("tcp_retries2", 30),
];

/// A script, read and checked.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Script {
    pub events: Vec<ScriptEvent>,
    pub sysctls: Vec<(u32, Sysctl)>,
    /// packetdrill's `--tolerance_usecs` (default 4000).
    pub tolerance_us: u64,
}

/// packetdrill's default timing tolerance.
pub const DEFAULT_TOLERANCE_US: u64 = 4000;

const SUPPORTED_CALLS: &str =
    "socket, bind, listen, accept, connect, write, read, shutdown, close, fcntl, setsockopt, getsockopt";

/// Read a script.
pub fn parse(text: &str) -> Result<Script, ScriptError> {
    if text.len() > MAX_SCRIPT_BYTES {
        return Err(ScriptError::new(1, 1, format!("the script is larger than {} KiB", MAX_SCRIPT_BYTES >> 10)));
    }
    let toks = tokens(text)?;
    let source: Vec<&str> = text.lines().collect();
    let mut script = Script { tolerance_us: DEFAULT_TOLERANCE_US, ..Script::default() };
    let mut i = 0;
    while i < toks.len() {
        let end = toks[i..].iter().position(|t| t.tok == Tok::Newline).map_or(toks.len(), |p| i + p);
        let line = &toks[i..end];
        let eol = toks.get(end).cloned().unwrap_or(Token { tok: Tok::Newline, line: 0, col: 0 });
        i = end + 1;
        if line.is_empty() {
            continue;
        }
        let mut p = Parser { toks: line, at: 0, eol };
        let first = &line[0];
        match &first.tok {
            Tok::Punct('-') if matches!(line.get(1).map(|t| &t.tok), Some(Tok::Punct('-'))) => {
                if !script.events.is_empty() {
                    return Err(p.err_here("options (`--name=value`) come before the first event"));
                }
                script.tolerance_us = p.option()?;
            }
            Tok::Command(cmd) => {
                p.at = 1;
                p.end_of_line()?;
                sysctls(cmd, first.line, first.col, &mut script)?;
            }
            _ => {
                let time = p.time()?;
                if let Some(Token { tok: Tok::Command(cmd), line, col }) = p.peek_token().cloned() {
                    p.at += 1;
                    p.end_of_line()?;
                    sysctls(&cmd, line, col, &mut script)?;
                    continue;
                }
                let action = p.action()?;
                if script.events.len() >= MAX_EVENTS {
                    return Err(ScriptError::new(first.line, first.col, format!("more than {MAX_EVENTS} events")));
                }
                // The text of the event's line(s), for messages.
                let last_line = line.last().map_or(first.line, |t| t.line);
                let text = (first.line..=last_line)
                    .filter_map(|l| source.get(l as usize - 1))
                    .map(|s| strip_comment(s).trim())
                    .collect::<Vec<_>>()
                    .join(" ");
                script.events.push(ScriptEvent { line: first.line, column: first.col, time, action, text });
            }
        }
    }
    if script.events.is_empty() {
        return Err(ScriptError::new(1, 1, "the script has no events (packets or system calls)"));
    }
    Ok(script)
}

fn strip_comment(s: &str) -> &str {
    s.find("//").map_or(s, |i| &s[..i])
}

/// `sysctl -q net.ipv4.NAME=VALUE` commands, separated by `;` or newlines.
fn sysctls(cmd: &str, line: u32, col: u32, script: &mut Script) -> Result<(), ScriptError> {
    let refuse = |msg: String| ScriptError::new(line, col, msg);
    for part in cmd.split(['\n', ';']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let words: Vec<&str> = part.split_whitespace().collect();
        let setting = match words.as_slice() {
            ["sysctl", "-q", s] | ["sysctl", "-w", s] | ["sysctl", "-qw", s] | ["sysctl", s] => *s,
            _ => {
                return Err(refuse(format!(
                    "shell commands are not run; only `sysctl -q net.ipv4.NAME=VALUE` settings are read here, not `{}`",
                    part.chars().take(60).collect::<String>()
                )))
            }
        };
        let Some((name, value)) = setting.split_once('=') else {
            return Err(refuse(format!("`{setting}` sets nothing: write net.ipv4.NAME=VALUE")));
        };
        let supported = || SYSCTLS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        let Some(short) = name.strip_prefix("net.ipv4.") else {
            return Err(refuse(format!(
                "sysctl {name} is not one the engine models; it reads net.ipv4.{{{}}}",
                supported()
            )));
        };
        let Some(&(_, max)) = SYSCTLS.iter().find(|(n, _)| *n == short) else {
            return Err(refuse(format!(
                "sysctl {name} is not one the engine models; it reads net.ipv4.{{{}}}",
                supported()
            )));
        };
        let v: u32 = value
            .parse()
            .ok()
            .filter(|v| *v <= max)
            .ok_or_else(|| refuse(format!("{name} takes a whole number from 0 to {max} here, not `{value}`")))?;
        let s = match short {
            "tcp_timestamps" => Sysctl::Timestamps(v != 0),
            "tcp_sack" => Sysctl::Sack(v != 0),
            "tcp_window_scaling" => Sysctl::WindowScaling(v != 0),
            "tcp_syn_retries" => Sysctl::SynRetries(v),
            "tcp_synack_retries" => Sysctl::SynackRetries(v),
            "tcp_syn_linear_timeouts" => Sysctl::SynLinearTimeouts(v),
            "tcp_fin_timeout" => Sysctl::FinTimeoutSecs(v),
            _ => Sysctl::Retries2(v),
        };
        if !script.events.is_empty() {
            return Err(refuse(
                "sysctl settings must come before the first event: the engine's profile is fixed once it runs".into(),
            ));
        }
        script.sysctls.push((line, s));
    }
    Ok(())
}

/// One line's tokens.
struct Parser<'a> {
    toks: &'a [Token],
    at: usize,
    eol: Token,
}

/// An argument expression of a call, as written.
#[derive(Clone, Debug)]
enum Expr {
    Any,
    Int(i64),
    Word(String),
    /// `A|B|C`
    Or(Vec<String>),
    /// `[e]`
    Array(Vec<Expr>),
    /// `{name=e, …}`
    Struct(Vec<(String, Expr)>),
    Str,
}

impl<'a> Parser<'a> {
    fn peek_token(&self) -> Option<&Token> {
        self.toks.get(self.at)
    }
    fn peek(&self) -> &Tok {
        self.toks.get(self.at).map_or(&Tok::Newline, |t| &t.tok)
    }
    fn here(&self) -> (u32, u32) {
        self.toks.get(self.at).map_or((self.eol.line, self.eol.col), |t| (t.line, t.col))
    }
    fn err_here(&self, msg: impl Into<String>) -> ScriptError {
        let (l, c) = self.here();
        ScriptError::new(l, c, msg)
    }
    fn unexpected(&self, wanted: &str) -> ScriptError {
        self.err_here(format!("expected {wanted}, found {}", self.peek().shown()))
    }
    fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        self.at += 1;
        t
    }
    fn eat(&mut self, c: char) -> bool {
        if *self.peek() == Tok::Punct(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: char) -> Result<(), ScriptError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("`{c}`")))
        }
    }
    fn eat_word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Tok::Word(x) if x == w) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn end_of_line(&self) -> Result<(), ScriptError> {
        if self.at < self.toks.len() {
            Err(self.err_here(format!("unexpected {} after the end of the event", self.peek().shown())))
        } else {
            Ok(())
        }
    }

    /// An unsigned integer no larger than `max`.
    fn uint(&mut self, what: &str, max: u64) -> Result<u64, ScriptError> {
        let (l, c) = self.here();
        match self.bump() {
            Tok::Num(s) => {
                let v = if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                    u64::from_str_radix(hex, 16).ok()
                } else {
                    s.parse::<u64>().ok()
                };
                v.filter(|v| *v <= max).ok_or_else(|| {
                    ScriptError::new(l, c, format!("{what} must be a whole number from 0 to {max}, not `{s}`"))
                })
            }
            t => Err(ScriptError::new(l, c, format!("expected {what} (a number), found {}", t.shown()))),
        }
    }

    /// `--tolerance_usecs=N`, the one packetdrill option read here.
    fn option(&mut self) -> Result<u64, ScriptError> {
        self.at = 2;
        let (l, c) = self.here();
        match self.bump() {
            Tok::Word(w) if w == "tolerance_usecs" => {
                self.expect('=')?;
                let v = self.uint("tolerance_usecs", 1_000_000)?;
                self.end_of_line()?;
                Ok(v)
            }
            t => Err(ScriptError::new(
                l,
                c,
                format!("the option {} is not supported; the only option read is --tolerance_usecs=N", t.shown()),
            )),
        }
    }

    /// Seconds as written (`1`, `.1`, `0.100`) in microseconds, exactly.
    fn seconds(&mut self) -> Result<u64, ScriptError> {
        let (l, c) = self.here();
        let Tok::Num(s) = self.bump() else {
            return Err(ScriptError::new(l, c, "expected a time in seconds"));
        };
        let bad = |why: &str| ScriptError::new(l, c, format!("the time `{s}` {why}"));
        if s.starts_with("0x") || s.starts_with("0X") {
            return Err(bad("must be decimal seconds"));
        }
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        if frac.len() > 6 {
            return Err(bad("has more than six decimals; times are kept in microseconds"));
        }
        let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad("is too large"))? };
        let frac_us: u64 =
            if frac.is_empty() { 0 } else { format!("{frac:0<6}").parse().map_err(|_| bad("is not a number"))? };
        let us = whole.checked_mul(1_000_000).and_then(|w| w.checked_add(frac_us));
        us.filter(|us| *us <= MAX_TIME_US).ok_or_else(|| bad("is past one hour, the longest a script may run"))
    }

    fn time(&mut self) -> Result<Time, ScriptError> {
        if self.eat('*') {
            return Ok(Time::Any);
        }
        let relative = self.eat('+');
        if !matches!(self.peek(), Tok::Num(_)) {
            return Err(self.unexpected("a time (`0.1`, `+.1`, `*`, or a range `+.1~+.2`)"));
        }
        let start = self.seconds()?;
        if !self.eat('~') {
            return Ok(Time::At { relative, us: start });
        }
        if self.eat('+') != relative {
            return Err(self.err_here("both ends of a time range are relative (`+a~+b`) or both absolute (`a~b`)"));
        }
        let end = self.seconds()?;
        if end < start {
            return Err(self.err_here("a time range ends before it starts"));
        }
        Ok(Time::Range { relative, start, end })
    }

    fn action(&mut self) -> Result<Action, ScriptError> {
        match self.peek().clone() {
            Tok::Punct('<') | Tok::Punct('>') => Ok(Action::Packet(self.packet()?)),
            Tok::Ellipsis | Tok::Word(_) => Ok(Action::Call(self.call()?)),
            _ => Err(self.unexpected("a packet (`<` or `>`) or a system call")),
        }
    }

    fn packet(&mut self) -> Result<PacketSpec, ScriptError> {
        let inbound = self.bump() == Tok::Punct('<');
        // Flags: a word of letters, `.`, or the word followed by `.`.
        let (fl, fc) = self.here();
        let mut flags = PdFlags::default();
        match self.peek().clone() {
            Tok::Word(w) => {
                self.at += 1;
                if ["UDP", "ICMP", "ipv4", "ipv6", "IP", "GRE", "MPLS"].contains(&w.as_str()) {
                    return Err(ScriptError::new(fl, fc, format!("{w} packets are not supported: only TCP segments")));
                }
                for (k, ch) in w.chars().enumerate() {
                    let col = fc + k as u32;
                    let slot = match ch {
                        'S' => &mut flags.syn,
                        'F' => &mut flags.fin,
                        'R' => &mut flags.rst,
                        'P' => &mut flags.psh,
                        'U' | 'E' | 'W' | 'C' => {
                            return Err(ScriptError::new(
                                fl,
                                col,
                                format!("the flag {ch} is not modelled (no urgent data, no ECN); the flags are S, F, R, P and . for ACK"),
                            ))
                        }
                        _ => {
                            return Err(ScriptError::new(
                                fl,
                                col,
                                format!("`{ch}` is not a TCP flag; the flags are S, F, R, P and . for ACK"),
                            ));
                        }
                    };
                    if *slot {
                        return Err(ScriptError::new(fl, col, format!("the flag {ch} is written twice")));
                    }
                    *slot = true;
                }
                flags.ack = self.eat('.');
            }
            Tok::Punct('.') => {
                self.at += 1;
                flags.ack = true;
            }
            Tok::Num(_) => {
                return Err(self
                    .err_here("port numbers (`a > b`) are not supported: the script's one connection has fixed ports"))
            }
            Tok::Punct('(') | Tok::Punct('[') => {
                return Err(self.err_here("IP-level settings (tos, ttl, ecn, flowlabel) are not supported"))
            }
            _ => return Err(self.unexpected("the TCP flags (`S`, `S.`, `.`, `P.`, `F.`, `R`, `R.`)")),
        }
        // start:end(len)
        let (sl, sc) = self.here();
        let start = self.uint("the start sequence number", u64::from(u32::MAX))? as u32;
        self.expect(':')?;
        let end = self.uint("the end sequence number", u64::from(u32::MAX))? as u32;
        self.expect('(')?;
        let (ll, lc) = self.here();
        let len = self.uint("the payload length", u64::from(MAX_PAYLOAD))? as u32;
        self.expect(')')?;
        if end.wrapping_sub(start) != len {
            return Err(ScriptError::new(
                sl,
                sc,
                format!("{start}:{end} spans {} bytes but the length says {len}", end.wrapping_sub(start)),
            ));
        }
        if len > 0 && (flags.syn || flags.rst) && inbound {
            return Err(ScriptError::new(ll, lc, "data on a SYN or RST is not modelled"));
        }
        let mut ack = None;
        if self.eat_word("ack") {
            ack = Some(self.uint("the acknowledgment number", u64::from(u32::MAX))? as u32);
        }
        match (flags.ack, ack) {
            (true, None) => return Err(self.err_here("the flags have `.` (ACK) but no `ack N` follows")),
            (false, Some(_)) => {
                return Err(ScriptError::new(fl, fc, "`ack N` needs the ACK flag: write `.` after the flags"))
            }
            _ => {}
        }
        let mut win = None;
        if self.eat_word("win") {
            win = Some(self.uint("the window", 65535)? as u16);
        }
        if matches!(self.peek(), Tok::Word(w) if w == "urg") {
            return Err(self.err_here("urgent pointers are not modelled"));
        }
        let options = if self.eat('<') {
            if *self.peek() == Tok::Ellipsis {
                self.at += 1;
                self.expect('>')?;
                if inbound {
                    return Err(
                        self.err_here("`<...>` (any options) is for `>` packets; a `<` packet lists its options")
                    );
                }
                None
            } else {
                let mut opts = Vec::new();
                loop {
                    opts.push(self.tcp_option(flags.syn)?);
                    if self.eat('>') {
                        break;
                    }
                    self.expect(',')?;
                    if opts.len() > 40 {
                        return Err(self.err_here("too many options: 40 bytes of options hold at most 40"));
                    }
                }
                Some(opts)
            }
        } else {
            Some(Vec::new())
        };
        if inbound && win.is_none() {
            // packetdrill's own default for an injected packet.
            win = Some(32792);
        }
        self.end_of_line()?;
        Ok(PacketSpec { inbound, flags, seq: start, len, ack, win, options })
    }

    fn tcp_option(&mut self, syn: bool) -> Result<PdOption, ScriptError> {
        let (l, c) = self.here();
        let only_syn = |name: &str| ScriptError::new(l, c, format!("{name} belongs only on a SYN"));
        let opt = match self.bump() {
            Tok::Word(w) => match w.as_str() {
                "nop" => PdOption::Nop,
                "eol" => PdOption::Eol,
                "mss" => PdOption::Mss(self.uint("the MSS", 65535)? as u16),
                "wscale" => PdOption::Wscale(self.uint("the window scale", 255)? as u8),
                "sackOK" => PdOption::SackOk,
                "TS" => {
                    if !self.eat_word("val") {
                        return Err(self.unexpected("`val`"));
                    }
                    let val = self.uint("TS val", u64::from(u32::MAX))? as u32;
                    if !self.eat_word("ecr") {
                        return Err(self.unexpected("`ecr`"));
                    }
                    let ecr = self.uint("TS ecr", u64::from(u32::MAX))? as u32;
                    PdOption::Ts { val, ecr }
                }
                "sack" => return Err(ScriptError::new(l, c, "SACK blocks are not modelled (SACK-permitted is)")),
                "FO" | "FOEXP" => return Err(ScriptError::new(l, c, "TCP Fast Open is not modelled")),
                "md5" => return Err(ScriptError::new(l, c, "TCP MD5 signatures are not modelled")),
                _ => {
                    return Err(ScriptError::new(
                        l,
                        c,
                        format!("the option `{w}` is not supported; options are nop, eol, mss N, wscale N, sackOK, TS val N ecr N"),
                    ))
                }
            },
            t => return Err(ScriptError::new(l, c, format!("expected a TCP option, found {}", t.shown()))),
        };
        match opt {
            PdOption::Mss(_) if !syn => Err(only_syn("mss")),
            PdOption::Wscale(_) if !syn => Err(only_syn("wscale")),
            PdOption::SackOk if !syn => Err(only_syn("sackOK")),
            o => Ok(o),
        }
    }

    fn expr(&mut self) -> Result<Expr, ScriptError> {
        let (l, c) = self.here();
        let e = match self.bump() {
            Tok::Ellipsis => Expr::Any,
            Tok::Num(s) => {
                let v = if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                    i64::from_str_radix(hex, 16).ok()
                } else {
                    s.parse::<i64>().ok()
                };
                Expr::Int(v.ok_or_else(|| ScriptError::new(l, c, format!("`{s}` is not a whole number in range")))?)
            }
            Tok::Punct('-') => match self.expr()? {
                Expr::Int(v) => Expr::Int(-v),
                _ => return Err(ScriptError::new(l, c, "`-` goes before a number")),
            },
            Tok::Word(w) => {
                if *self.peek() == Tok::Punct('(') {
                    return Err(ScriptError::new(
                        l,
                        c,
                        format!("`{w}(…)` expressions are not supported: write `...` for addresses"),
                    ));
                }
                let mut words = vec![w];
                while self.eat('|') {
                    let (l2, c2) = self.here();
                    match self.bump() {
                        Tok::Word(w) => words.push(w),
                        t => {
                            return Err(ScriptError::new(
                                l2,
                                c2,
                                format!("expected a flag name after `|`, found {}", t.shown()),
                            ))
                        }
                    }
                }
                if words.len() == 1 {
                    Expr::Word(words.remove(0))
                } else {
                    Expr::Or(words)
                }
            }
            Tok::Str(_) => {
                if *self.peek() == Tok::Ellipsis {
                    self.at += 1;
                }
                Expr::Str
            }
            Tok::Punct('[') => {
                let mut items = Vec::new();
                if !self.eat(']') {
                    loop {
                        items.push(self.expr()?);
                        if self.eat(']') {
                            break;
                        }
                        self.expect(',')?;
                        if items.len() > 16 {
                            return Err(ScriptError::new(l, c, "arrays in this subset hold one value"));
                        }
                    }
                }
                Expr::Array(items)
            }
            Tok::Punct('{') => {
                let mut fields = Vec::new();
                loop {
                    let (l2, c2) = self.here();
                    let Tok::Word(name) = self.bump() else {
                        return Err(ScriptError::new(l2, c2, "expected a field name (`onoff=1`)"));
                    };
                    self.expect('=')?;
                    fields.push((name, self.expr()?));
                    if self.eat('}') {
                        break;
                    }
                    self.expect(',')?;
                    if fields.len() > 8 {
                        return Err(ScriptError::new(l, c, "too many fields"));
                    }
                }
                Expr::Struct(fields)
            }
            t => return Err(ScriptError::new(l, c, format!("expected an argument, found {}", t.shown()))),
        };
        Ok(e)
    }

    fn call(&mut self) -> Result<CallSpec, ScriptError> {
        let mut end_us = None;
        if *self.peek() == Tok::Ellipsis {
            self.at += 1;
            end_us = Some(self.seconds()?);
        }
        let (nl, nc) = self.here();
        let Tok::Word(name) = self.bump() else {
            return Err(ScriptError::new(nl, nc, "expected a system call's name"));
        };
        const NAMES: [&str; 15] = [
            "socket",
            "bind",
            "listen",
            "accept",
            "accept4",
            "connect",
            "write",
            "send",
            "read",
            "recv",
            "shutdown",
            "close",
            "fcntl",
            "setsockopt",
            "getsockopt",
        ];
        if !NAMES.contains(&name.as_str()) {
            return Err(ScriptError::new(
                nl,
                nc,
                format!("the system call `{name}` is not supported; the subset has {SUPPORTED_CALLS}"),
            ));
        }
        self.expect('(')?;
        let mut args: Vec<(u32, u32, Expr)> = Vec::new();
        if !self.eat(')') {
            loop {
                let (l, c) = self.here();
                args.push((l, c, self.expr()?));
                if self.eat(')') {
                    break;
                }
                self.expect(',')?;
                if args.len() > 8 {
                    return Err(self.err_here("too many arguments"));
                }
            }
        }
        let (rl, rc) = self.here();
        self.expect('=')?;
        let ret = match self.expr()? {
            Expr::Int(v) => v,
            _ => {
                return Err(ScriptError::new(rl, rc, "the expected result must be a number (`= 0`, `= -1 EAGAIN (…)`)"))
            }
        };
        let mut errno = None;
        if let Tok::Word(w) = self.peek().clone() {
            let (el, ec) = self.here();
            self.at += 1;
            errno = Some(Errno::named(&w).ok_or_else(|| {
                let known: Vec<&str> = Errno::ALL.iter().map(|e| e.name()).collect();
                ScriptError::new(
                    el,
                    ec,
                    format!("the errno {w} is not one this subset produces ({})", known.join(", ")),
                )
            })?);
            // The optional note in parentheses: `(Operation now in progress)`.
            if self.eat('(') {
                while !self.eat(')') {
                    if self.at >= self.toks.len() {
                        return Err(self.unexpected("`)` closing the errno's note"));
                    }
                    self.at += 1;
                }
            }
        }
        self.end_of_line()?;
        if (ret == -1) != errno.is_some() {
            return Err(ScriptError::new(
                rl,
                rc,
                "a call that fails returns -1 and names its errno; one that succeeds names none",
            ));
        }
        let call = call_of(&name, nl, nc, &args)?;
        Ok(CallSpec { call, end_us, ret, errno })
    }
}

/// The call a name and its arguments stand for, or why not.
fn call_of(name: &str, line: u32, col: u32, args: &[(u32, u32, Expr)]) -> Result<Call, ScriptError> {
    let at = |k: usize| args.get(k).map_or((line, col), |(l, c, _)| (*l, *c));
    let err = |k: usize, msg: String| {
        let (l, c) = at(k);
        ScriptError::new(l, c, msg)
    };
    let arity = |n: usize, shape: &str| {
        if args.len() == n {
            Ok(())
        } else {
            Err(ScriptError::new(line, col, format!("{name} takes {n} arguments here: {shape}")))
        }
    };
    let fd = |k: usize| match args.get(k).map(|a| &a.2) {
        Some(Expr::Int(v)) if *v >= 0 && *v < 1024 => Ok(*v),
        _ => Err(err(k, format!("{name}'s argument {} is a file descriptor (a small number)", k + 1))),
    };
    let any_or = |k: usize, words: &[&str]| match args.get(k).map(|a| &a.2) {
        Some(Expr::Any) => Ok(()),
        Some(Expr::Word(w)) if words.contains(&w.as_str()) => Ok(()),
        _ => Err(err(k, format!("{name}'s argument {} must be `...` or {}", k + 1, words.join(" or ")))),
    };
    let len = |k: usize| match args.get(k).map(|a| &a.2) {
        Some(Expr::Int(v)) if *v >= 0 && *v <= i64::from(MAX_PAYLOAD) => Ok(*v as u32),
        _ => Err(err(k, format!("{name}'s length must be a number from 0 to {MAX_PAYLOAD}"))),
    };
    let int_in = |e: &Expr| match e {
        Expr::Int(v) => Some(*v),
        Expr::Array(items) if items.len() == 1 => match items[0] {
            Expr::Int(v) => Some(v),
            _ => None,
        },
        _ => None,
    };
    match name {
        "socket" => {
            arity(3, "socket(..., SOCK_STREAM, IPPROTO_TCP)")?;
            any_or(0, &["AF_INET"])?;
            if matches!(&args[0].2, Expr::Word(w) if w == "AF_INET6") {
                return Err(err(0, "IPv6 is not modelled".into()));
            }
            any_or(1, &["SOCK_STREAM"])?;
            any_or(2, &["IPPROTO_TCP", "0"]).or_else(|e| match &args[2].2 {
                Expr::Int(0) => Ok(()),
                _ => Err(e),
            })?;
            Ok(Call::Socket)
        }
        "bind" => {
            arity(3, "bind(FD, ..., ...)")?;
            Ok(Call::Bind { fd: fd(0)? })
        }
        "listen" => {
            arity(2, "listen(FD, BACKLOG)")?;
            let backlog = match args[1].2 {
                Expr::Int(v) if (0..=65535).contains(&v) => v,
                _ => return Err(err(1, "listen's backlog is a number".into())),
            };
            Ok(Call::Listen { fd: fd(0)?, backlog })
        }
        "accept" | "accept4" => {
            if name == "accept4" {
                return Err(ScriptError::new(line, col, "accept4 is not supported; use accept(FD, ..., ...)"));
            }
            arity(3, "accept(FD, ..., ...)")?;
            Ok(Call::Accept { fd: fd(0)? })
        }
        "connect" => {
            arity(3, "connect(FD, ..., ...)")?;
            Ok(Call::Connect { fd: fd(0)? })
        }
        "write" | "send" => {
            let n = if name == "send" { 4 } else { 3 };
            arity(n, if name == "send" { "send(FD, ..., LEN, 0)" } else { "write(FD, ..., LEN)" })?;
            Ok(Call::Write { fd: fd(0)?, len: len(2)? })
        }
        "read" | "recv" => {
            let n = if name == "recv" { 4 } else { 3 };
            arity(n, if name == "recv" { "recv(FD, ..., LEN, 0)" } else { "read(FD, ..., LEN)" })?;
            Ok(Call::Read { fd: fd(0)?, len: len(2)? })
        }
        "shutdown" => {
            arity(2, "shutdown(FD, SHUT_WR)")?;
            let how = match &args[1].2 {
                Expr::Word(w) if w == "SHUT_RD" => How::Rd,
                Expr::Word(w) if w == "SHUT_WR" => How::Wr,
                Expr::Word(w) if w == "SHUT_RDWR" => How::RdWr,
                _ => return Err(err(1, "shutdown's second argument is SHUT_RD, SHUT_WR or SHUT_RDWR".into())),
            };
            Ok(Call::Shutdown { fd: fd(0)?, how })
        }
        "close" => {
            arity(1, "close(FD)")?;
            Ok(Call::Close { fd: fd(0)? })
        }
        "fcntl" => {
            let fdn = fd(0)?;
            match (args.get(1).map(|a| &a.2), args.len()) {
                (Some(Expr::Word(w)), 2) if w == "F_GETFL" => Ok(Call::GetFlags { fd: fdn }),
                (Some(Expr::Word(w)), 3) if w == "F_SETFL" => {
                    let flags: Vec<String> = match &args[2].2 {
                        Expr::Word(w) => vec![w.clone()],
                        Expr::Or(ws) => ws.clone(),
                        _ => return Err(err(2, "F_SETFL takes O_RDWR, O_NONBLOCK or O_RDWR|O_NONBLOCK".into())),
                    };
                    if let Some(f) = flags.iter().find(|f| !["O_RDWR", "O_NONBLOCK"].contains(&f.as_str())) {
                        return Err(err(
                            2,
                            format!("the file flag {f} is not modelled; F_SETFL takes O_RDWR and O_NONBLOCK"),
                        ));
                    }
                    Ok(Call::SetFlags { fd: fdn, nonblocking: flags.iter().any(|f| f == "O_NONBLOCK") })
                }
                _ => Err(err(
                    1,
                    "fcntl is supported as fcntl(FD, F_SETFL, O_RDWR|O_NONBLOCK) and fcntl(FD, F_GETFL)".into(),
                )),
            }
        }
        "setsockopt" => {
            arity(5, "setsockopt(FD, LEVEL, NAME, VALUE, LEN)")?;
            let fdn = fd(0)?;
            let word = |k: usize| match &args[k].2 {
                Expr::Word(w) => Some(w.as_str()),
                _ => None,
            };
            match (word(1), word(2)) {
                (Some("SOL_SOCKET"), Some("SO_REUSEADDR")) | (Some("SOL_SOCKET"), Some("SO_REUSEPORT")) => {
                    Ok(Call::SetOpt { fd: fdn, opt: SockOpt::ReuseAddr })
                }
                (Some("IPPROTO_TCP") | Some("SOL_TCP"), Some("TCP_NODELAY")) => match int_in(&args[3].2) {
                    Some(v) if v != 0 => Ok(Call::SetOpt { fd: fdn, opt: SockOpt::NoDelay }),
                    _ => Err(err(3, "TCP_NODELAY can only be switched on: the engine has no Nagle algorithm".into())),
                },
                (Some("SOL_SOCKET"), Some("SO_LINGER")) => match &args[3].2 {
                    Expr::Struct(fields) => {
                        let get = |n: &str| fields.iter().find(|(k, _)| k == n).and_then(|(_, e)| int_in(e));
                        match (get("onoff"), get("linger"), fields.len()) {
                            (Some(on), Some(secs), 2) if (0..=3600).contains(&secs) => {
                                if on != 0 && secs != 0 {
                                    return Err(err(3, "SO_LINGER with a non-zero time (close blocking until the data is acknowledged) is not modelled; linger 0 (abort with RST) is".into()));
                                }
                                Ok(Call::SetOpt { fd: fdn, opt: SockOpt::Linger { on: on != 0, secs: secs as u32 } })
                            }
                            _ => Err(err(3, "SO_LINGER's value is {onoff=N, linger=N}".into())),
                        }
                    }
                    _ => Err(err(3, "SO_LINGER's value is {onoff=N, linger=N}".into())),
                },
                _ => Err(err(
                    2,
                    "setsockopt supports SOL_SOCKET SO_REUSEADDR, SO_REUSEPORT, SO_LINGER and IPPROTO_TCP TCP_NODELAY"
                        .into(),
                )),
            }
        }
        "getsockopt" => {
            arity(5, "getsockopt(FD, SOL_SOCKET, SO_ERROR, [N], [4])")?;
            let fdn = fd(0)?;
            match (&args[1].2, &args[2].2, int_in(&args[3].2)) {
                (Expr::Word(l), Expr::Word(n), Some(v)) if l == "SOL_SOCKET" && n == "SO_ERROR" => {
                    Ok(Call::SoError { fd: fdn, value: v })
                }
                _ => Err(err(2, "getsockopt supports SOL_SOCKET SO_ERROR only".into())),
            }
        }
        _ => Err(ScriptError::new(
            line,
            col,
            format!("the system call `{name}` is not supported; the subset has {SUPPORTED_CALLS}"),
        )),
    }
}
