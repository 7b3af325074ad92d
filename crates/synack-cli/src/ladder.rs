//! The text ladder: one line per event, both sides' states on every line, arrows
//! for segments, like Wireshark's flow graph with the states added.

use std::io::{self, Write};

use synack_core::endpoint::{AppNote, TimerAction, TimerKind};
use synack_core::scenario::Action;
use synack_core::trace::{AppEvent, Dir, DropCause, EventKind, Relative, Trace};
use synack_core::{ProfileName, Segment, Side, State};

use crate::args::Numbers;
use crate::terminal::clean;

const STATE_W: usize = 12;

pub fn write(out: &mut impl Write, trace: &Trace, numbers: Numbers) -> io::Result<()> {
    write_with(out, trace, numbers, &Script::default())
}

/// What a packetdrill run adds to the ladder: the script line behind each event
/// (a first column), and the side the script plays (it has no states to show).
#[derive(Default)]
pub struct Script<'a> {
    pub lines: Option<&'a [Option<u32>]>,
    pub scripted: Option<Side>,
}

pub fn write_with(out: &mut impl Write, trace: &Trace, numbers: Numbers, script: &Script) -> io::Result<()> {
    let widest = trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Send { segment, relative: r, dir, .. } => {
                Some(label(segment, r, numbers, dir.sender()).chars().count() + 10)
            }
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let middle = widest.clamp(44, 90);

    // The id and title may come from a scenario file: no terminal controls.
    writeln!(out, "{} · {}", clean(&trace.scenario), clean(&trace.title))?;
    writeln!(
        out,
        "handshake {} · seed {} · numbers {} · client :{} ISN {} · server :{} ISN {}",
        trace.handshake,
        trace.seed,
        match numbers {
            Numbers::Absolute => "absolute",
            Numbers::Relative => "relative (from each connection's ISN)",
            Numbers::Symbolic => "symbolic (x: the client's ISN, y: the server's; x′ a later one)",
        },
        trace.client.port,
        trace.client.isn,
        trace.server.port,
        trace.server.isn
    )?;
    writeln!(out)?;
    let (blank, time, client, server) = ("", "time (s)", "client", "server");
    let gutter = |k: Option<usize>| match (script.lines, k) {
        (None, _) => String::new(),
        (Some(_), None) => format!("{:>5}  ", "line"),
        (Some(lines), Some(k)) => match lines.get(k).copied().flatten() {
            Some(n) => format!("{n:>5}  "),
            None => format!("{:>5}  ", ""),
        },
    };
    let (client, server) = match script.scripted {
        Some(Side::Client) => ("script", server),
        Some(Side::Server) => (client, "script"),
        None => (client, server),
    };
    writeln!(out, "{}{time:>10}  {client:<STATE_W$}  {blank:^middle$}  {server:<STATE_W$}  why", gutter(None))?;

    let mut states = [State::Closed, State::Closed];
    let state_name = |side: Side, states: &[State; 2]| {
        if script.scripted == Some(side) {
            "·"
        } else {
            states[side.index()].name()
        }
    };
    for (k, e) in trace.events.iter().enumerate() {
        let side = e.side;
        let (text, why): (String, String) = match &e.kind {
            EventKind::Send { id, dir, segment, reason, retransmission, stale, relative: r, cookie } => {
                let mut label = format!("#{id} {}", label(segment, r, numbers, dir.sender()));
                // A host the ladder does not draw (another client, a forged source):
                // name its port.
                let ends = [trace.client.port, trace.server.port];
                if !ends.contains(&segment.src_port) {
                    label = format!("{label} from :{}", segment.src_port);
                } else if !ends.contains(&segment.dst_port) {
                    label = format!("{label} to :{}", segment.dst_port);
                }
                if let Some(c) = cookie {
                    // What the cookie ISN is made of (Linux secure_tcp_syn_cookie).
                    label = format!("{label} cookie(count={} mss={})", c.count, c.mss);
                }
                let mut why = reason.rfc().to_string();
                if *retransmission {
                    why = format!("retransmission · {why}");
                }
                if *stale {
                    why = format!("old duplicate · {why}");
                }
                (arrow(*dir, &label, middle, false), why)
            }
            EventKind::Drop { id, dir, cause } => {
                let cause = match cause {
                    DropCause::Loss => "lost (link loss)",
                    DropCause::Scripted => "lost",
                    DropCause::NoHost => "to a host not drawn",
                    DropCause::Cut => "lost (path cut)",
                };
                (arrow(*dir, &format!("#{id} {cause}"), middle, true), String::new())
            }
            EventKind::Duplicate { id, copy, .. } => (format!("network duplicates #{id} as #{copy}"), String::new()),
            EventKind::State { from, to, reason } => {
                states[side.index()] = *to;
                (at_side(side, &format!("{from} → {to}"), middle), reason.rfc().to_string())
            }
            EventKind::Discard { id, reason } => {
                (at_side(side, &format!("ignores #{id}"), middle), format!("{} · {}", reason.key(), reason.rfc()))
            }
            EventKind::Accept { id, reason } => {
                (at_side(side, &format!("takes #{id}"), middle), format!("{} · {}", reason.key(), reason.rfc()))
            }
            EventKind::Timer { timer, action: TimerAction::Fired } => {
                (at_side(side, &format!("{} timer fires", timer_name(*timer)), middle), String::new())
            }
            EventKind::Timer { timer: TimerKind::TimeWait, action: TimerAction::Set { at_us } } => {
                let wait = at_us.saturating_sub(e.t_us) as f64 / 1e6;
                // Linux's TIME-WAIT is a fixed length, not derived from an MSL.
                let why = match trace.peer(side).profile {
                    _ if wait == 0.0 => "a counterfactual: no TIME-WAIT",
                    ProfileName::Rfc => "2×MSL",
                    ProfileName::Linux => "Linux's fixed TIME-WAIT",
                };
                (at_side(side, &format!("waits {wait} s ({why})"), middle), String::new())
            }
            EventKind::Timer { timer: TimerKind::FinWait2, action: TimerAction::Set { at_us } } => {
                let wait = at_us.saturating_sub(e.t_us) as f64 / 1e6;
                (at_side(side, &format!("gives the peer's FIN {wait} s (tcp_fin_timeout)"), middle), String::new())
            }
            EventKind::Timer { .. } | EventKind::Deliver { .. } => continue,
            EventKind::Queue { syn_queue, accept_queue, backlog, reason } => {
                let cap = backlog + 1;
                (
                    at_side(side, &format!("SYN queue {syn_queue}/{cap} · accept queue {accept_queue}/{cap}"), middle),
                    format!("{} · {}", reason.key(), reason.rfc()),
                )
            }
            EventKind::App { app } => (at_side(side, &app_text(app), middle), String::new()),
        };
        writeln!(
            out,
            "{}{:>10.6}  {:<STATE_W$}  {:<middle$}  {:<STATE_W$}  {}",
            gutter(Some(k)),
            e.t_us as f64 / 1e6,
            state_name(Side::Client, &states),
            text,
            state_name(Side::Server, &states),
            why
        )?;
    }

    writeln!(out)?;
    let end = |side: Side, state: State| {
        if script.scripted == Some(side) {
            "the script".to_string()
        } else {
            state.to_string()
        }
    };
    writeln!(
        out,
        "end: client {} · server {}",
        end(Side::Client, trace.outcome.client),
        end(Side::Server, trace.outcome.server)
    )?;
    for fact in &trace.outcome.facts {
        writeln!(out, "  {}", fact.text())?;
    }
    Ok(())
}

fn timer_name(t: TimerKind) -> &'static str {
    match t {
        TimerKind::Retransmission => "retransmission",
        TimerKind::TimeWait => "TIME-WAIT",
        TimerKind::DelayedAck => "delayed-ACK",
        TimerKind::FinWait2 => "FIN-WAIT-2",
        TimerKind::Keepalive => "keep-alive",
        TimerKind::Persist => "persist",
    }
}

fn app_text(app: &AppEvent) -> String {
    match app {
        AppEvent::Call(Action::Send { len, text: Some(t), .. }) => {
            let first = clean(t.lines().next().unwrap_or(""));
            format!("send {len} bytes \"{first}…\"")
        }
        AppEvent::Call(Action::Send { len, .. }) => format!("send {len} bytes"),
        // A crash is the host stopping, not a call its application makes.
        AppEvent::Call(Action::Crash) => "host crashes".into(),
        AppEvent::Call(a) => format!("{}()", action_name(a)),
        AppEvent::Note(n) => match n {
            AppNote::Connected => "app: connected".into(),
            AppNote::Received { len, total } => format!("app reads {len} bytes ({total} in all)"),
            AppNote::PeerClosed => "app: end of peer's data".into(),
            AppNote::Closed => "app: closed".into(),
            AppNote::Reset => "app: connection reset".into(),
            AppNote::Refused => "app: connection refused".into(),
            AppNote::TimedOut => "app: connection timed out".into(),
            AppNote::Error { message } => format!("app: {message}"),
        },
    }
}

fn action_name(a: &Action) -> &'static str {
    match a {
        Action::Listen => "listen",
        Action::Connect => "connect",
        Action::Send { .. } => "send",
        Action::Shutdown => "shutdown",
        Action::Close => "close",
        Action::Abort => "abort",
        Action::Crash => "crash",
        Action::Accept => "accept",
        Action::Read => "read",
    }
}

/// A label with an arrow pointing the segment's way; a lost one ends in ✕.
fn arrow(dir: Dir, label: &str, width: usize, lost: bool) -> String {
    let fill = width.saturating_sub(label.chars().count() + 2).max(3);
    match (dir, lost) {
        (Dir::C2s, false) => format!("{label} {}▶", "─".repeat(fill)),
        (Dir::C2s, true) => format!("{}✕ {label}", "─".repeat(fill / 2)),
        (Dir::S2c, false) => format!("◀{} {label}", "─".repeat(fill)),
        (Dir::S2c, true) => format!("{:>w$}", format!("{label} ✕{}", "─".repeat(fill / 2)), w = width),
    }
}

/// A note placed at the edge of the side it concerns.
fn at_side(side: Side, text: &str, width: usize) -> String {
    match side {
        Side::Client => text.to_string(),
        Side::Server => format!("{text:>width$}"),
    }
}

/// `n` past `side`'s `i`-th ISN in textbook letters: x, x+1, x′+1 (y for the server).
pub fn symbolic(side: Side, i: u32, n: u32) -> String {
    let letter = if side == Side::Client { "x" } else { "y" };
    let primes = "′".repeat(i as usize);
    if n == 0 {
        format!("{letter}{primes}")
    } else {
        format!("{letter}{primes}+{n}")
    }
}

/// A segment's flags, numbers and length: as sent, relative as the trace works
/// them out (never negative), or in textbook letters (x+1); a number with no
/// origin is shown as sent.
fn label(seg: &Segment, r: &Relative, numbers: Numbers, sender: Side) -> String {
    let names = seg.flag_names().join(",");
    let shown = |rel: Option<u32>, isn: Option<u32>, raw: u32, side: Side| match (numbers, rel, isn) {
        (Numbers::Relative, Some(n), _) => n.to_string(),
        (Numbers::Symbolic, Some(n), Some(i)) => symbolic(side, i, n),
        _ => raw.to_string(),
    };
    let mut s = format!("{names} seq={}", shown(r.seq_rel, r.seq_isn, seg.seq.0, sender));
    if let Some(ack) = seg.ack {
        s.push_str(&format!(" ack={}", shown(r.ack_rel, r.ack_isn, ack.0, sender.peer())));
    }
    s.push_str(&format!(" len={}", seg.payload.len()));
    if let Some(mss) = seg.options.mss {
        s.push_str(&format!(" mss={mss}"));
    }
    s
}
