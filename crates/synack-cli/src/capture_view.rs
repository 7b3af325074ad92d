//! The text view of an imported capture: for each connection, a ladder in the style
//! of `synack run` (one line per segment or state change, both sides' states on
//! every line), with Wireshark's relative sequence numbers.

use std::io::{self, Write};

use synack_capture::{Connection, Dir, Listed, SegmentRow, StateChange, Summary};
use synack_core::{Side, State};

const STATE_W: usize = 12;

/// The list's column names, written before the first connection is read.
pub fn list_header(out: &mut (impl Write + ?Sized)) -> io::Result<()> {
    let (n, c, s, segs, bytes, st, rtt) =
        ("#", "client", "server", "segments c/s", "bytes c/s", "states c/s: first → last", "hs rtt ms");
    writeln!(out, "{n:>7}  {c:<21}  {s:<21}  {segs:>15}  {bytes:>23}  {st:<53}  {rtt:>9}  marks")
}

/// One connection of the list, on one line.
pub fn list_row(out: &mut (impl Write + ?Sized), s: &Summary) -> io::Result<()> {
    let pair = |p: &[u64; 2]| format!("{}/{}", p[0], p[1]);
    let states = |p: &[State; 2]| format!("{}/{}", p[0].name(), p[1].name());
    let rtt = s.handshake_rtt.map_or("-".to_string(), |t| format!("{:.3}", t * 1e3));
    let line = format!(
        "{:>7}  {:<21}  {:<21}  {:>15}  {:>23}  {:<25} → {:<25}  {rtt:>9}  {}",
        s.number,
        s.client.to_string(),
        s.server.to_string(),
        pair(&s.segments),
        pair(&s.bytes),
        states(&s.first),
        states(&s.last),
        s.marks().join(" ")
    );
    writeln!(out, "{}", line.trim_end())
}

/// What the whole capture held, after the list.
pub fn list_footer(out: &mut impl Write, listed: &Listed, path: &str, shown: u64) -> io::Result<()> {
    let n = listed.connections;
    writeln!(
        out,
        "{path}: {} frames · {} TCP segments · {n} connection{}{}",
        listed.frames,
        listed.tcp_segments,
        if n == 1 { "" } else { "s" },
        if shown == n { String::new() } else { format!(" ({shown} shown)") }
    )?;
    for (what, count) in &listed.skipped {
        writeln!(out, "  skipped {count} frames: {what}")?;
    }
    for note in &listed.notes {
        writeln!(out, "  {}", crate::terminal::clean(note))?;
    }
    Ok(())
}

fn label(s: &SegmentRow) -> String {
    let mut l = format!("{} seq={}", s.flags.names().join(","), s.seq_rel);
    if let Some(a) = s.ack_rel {
        l.push_str(&format!(" ack={a}"));
    }
    l.push_str(&format!(" len={}", s.len));
    if let Some(mss) = s.options.mss {
        l.push_str(&format!(" mss={mss}"));
    }
    l
}

pub fn connection(out: &mut impl Write, c: &Connection, number: usize) -> io::Result<()> {
    writeln!(
        out,
        "connection {number}: client {} · server {} · {} segments · numbers relative (0 at each SYN)",
        c.client,
        c.server,
        c.segments.len()
    )?;
    for note in &c.notes {
        writeln!(out, "  {note}")?;
    }
    let middle = c.segments.iter().map(|s| label(s).chars().count() + 10).max().unwrap_or(0).clamp(44, 90);
    let (blank, frame, time, client, server) = ("", "frame", "time (s)", "client", "server");
    writeln!(out, "{frame:>6} {time:>10}  {client:<STATE_W$}  {blank:^middle$}  {server:<STATE_W$}  why")?;
    let mut states = c.initial;
    let mut changes = c.states.iter().peekable();
    let line = |out: &mut dyn Write, s: &SegmentRow, states: &[State; 2], text: &str, why: &str| {
        writeln!(
            out,
            "{:>6} {:>10.6}  {:<STATE_W$}  {text:<middle$}  {:<STATE_W$}  {why}",
            s.frame,
            s.t,
            states[0].name(),
            states[1].name()
        )
    };
    let show = |out: &mut dyn Write, states: &mut [State; 2], s: &SegmentRow, ch: &StateChange| {
        states[usize::from(ch.side == Side::Server)] = ch.to;
        let text = at_side(ch.side, &format!("{} → {}", ch.from, ch.to), middle);
        line(out, s, states, &text, ch.reason.rfc())
    };
    for s in &c.segments {
        let mut here = Vec::new();
        while let Some(ch) = changes.next_if(|ch| ch.frame <= s.frame) {
            here.push(ch);
        }
        let sender = s.dir.sender();
        // The sender's application call (connect, close, abort), or its host's restart,
        // comes before its segment; every other change, on either side, after it.
        let is_call = |ch: &&&StateChange| {
            ch.side == sender && (ch.reason.key().starts_with("app-") || ch.reason.key() == "crash")
        };
        for ch in here.iter().filter(is_call) {
            show(out, &mut states, s, ch)?;
        }
        let mut why = Vec::new();
        if s.retransmission {
            why.push("retransmission");
        }
        if s.lost {
            why.push("never reached the receiver (inferred)");
        }
        line(out, s, &states, &arrow(s.dir, &label(s), middle, s.lost), &why.join(" · "))?;
        for ch in here.iter().filter(|ch| !is_call(ch)) {
            show(out, &mut states, s, ch)?;
        }
    }
    writeln!(out)?;
    writeln!(out, "end of capture: client {} · server {}", c.last[0], c.last[1])?;
    Ok(())
}

/// A label with an arrow pointing the segment's way; one that never arrived ends in ✕.
fn arrow(dir: Dir, label: &str, width: usize, lost: bool) -> String {
    let fill = width.saturating_sub(label.chars().count() + 2).max(3);
    match (dir, lost) {
        (Dir::ClientToServer, false) => format!("{label} {}▶", "─".repeat(fill)),
        (Dir::ClientToServer, true) => format!("{label} {}✕", "─".repeat(fill / 2)),
        (Dir::ServerToClient, false) => format!("◀{} {label}", "─".repeat(fill)),
        (Dir::ServerToClient, true) => format!("{:>w$}", format!("✕{} {label}", "─".repeat(fill / 2)), w = width),
    }
}

/// A note placed at the edge of the side it concerns.
fn at_side(side: Side, text: &str, width: usize) -> String {
    match side {
        Side::Client => text.to_string(),
        Side::Server => format!("{text:>width$}"),
    }
}
