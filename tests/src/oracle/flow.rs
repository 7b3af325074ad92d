//! Rule 11: flow control (RFC 9293 §3.8.6), replayed from the trace.
//!
//! Each side's knowledge of the window its peer offers is rebuilt from the segments
//! delivered to it: the right edge, SEG.ACK + SEG.WND (scaled once both SYNs carried
//! the window-scale option, RFC 7323 §2.2), which only moves forward. Then:
//! - no data is sent past that edge, but for a zero-window probe of one octet, the
//!   first one past it (RFC 9293 §3.8.6.1);
//! - a zero-window probe goes only to a peer whose last word was a zero window, and
//!   each probe of a series waits twice as long as the one before, up to the
//!   profile's maximum RTO (RFC 1122 §4.2.2.17);
//! - only an application that does not read lets its window close; and when it
//!   reads a closed window open, the peer is told at that instant (a window update,
//!   RFC 9293 §3.8.6.2.2).

use super::model::{Call, Ev, Run, K};
use super::{Rule, Violation};

/// `a` is after `b` in sequence space.
fn after(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

#[derive(Default)]
struct Side {
    /// The window-scale option of this side's SYN.
    ws: Option<u32>,
    /// The right edge of the window the peer offers this side, once known.
    edge: Option<u32>,
    /// The peer's window as RFC 9293 §3.10.7.4 takes it: from the newest segment
    /// (by SND.WL1 = its SEQ, then SND.WL2 = its ACK), not the last to arrive.
    last_window: Option<u32>,
    wl: Option<(u32, u32)>,
    /// This side's zero-window probes of the current series: their times.
    probes: Vec<u64>,
    /// The last window this side sent (to spot an update after a read).
    sent_window: Option<u32>,
    /// A read() that found the window it offers closed, and when.
    opened_by_read: Option<u64>,
    /// The window of a new connection's SYN delivered to this side: its SYN,ACK
    /// sets the right edge at its ISN + that window (SND.UNA = ISS; RFC 9293
    /// §3.10.7.2), which a Fast Open server may send into before the last ACK.
    syn_window: Option<u32>,
}

pub fn check(run: &Run) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut sides = [Side::default(), Side::default()];
    let mut v = |check: &'static str, i: usize, e: &Ev, msg: String| {
        out.push(Violation {
            rule: Rule::Flow,
            check,
            message: format!("{} | event #{i} t={} µs {}: {msg}", run.label, e.t, super::model::SIDE[e.side]),
        });
    };
    // Windows are scaled only once both SYNs carried the option.
    let scaled = |sides: &[Side; 2], from: usize| match (sides[0].ws, sides[1].ws) {
        (Some(_), Some(_)) => sides[from].ws.unwrap_or(0),
        _ => 0,
    };
    for (i, e) in run.events.iter().enumerate() {
        // A read() that opened a closed window is told to the peer at that instant.
        for side in &mut sides {
            if side.opened_by_read.is_some_and(|t| e.t > t) {
                side.opened_by_read = None;
                v("window-update-after-read", i, e, "an earlier read() opened a closed window, and no segment told the peer at that instant (RFC 9293 §3.8.6.2.2)".into());
            }
        }
        let x = e.side;
        match &e.k {
            K::Send { seg, reason, .. } => {
                if seg.syn {
                    sides[x].ws = seg.ws;
                    if let (Some(_), Some(w)) = (seg.ack, sides[x].syn_window.take()) {
                        sides[x].edge = Some(seg.seq.wrapping_add(w));
                    }
                }
                let probe = reason == "zero-window-probe";
                if seg.len > 0 && !seg.syn && !seg.rst {
                    if let Some(edge) = sides[x].edge {
                        let end = seg.seq.wrapping_add(seg.len);
                        let octet_probe = probe && seg.len == 1 && seg.seq == edge;
                        if after(end, edge) && !octet_probe {
                            v("data-within-window", i, e, format!(
                                "{} ends at {end}, past the right edge {edge} of the window offered (RFC 9293 §3.8.6)", seg.show()));
                        }
                    }
                }
                if probe {
                    if sides[x].last_window != Some(0) {
                        v(
                            "probe-only-a-zero-window",
                            i,
                            e,
                            format!(
                                "{}: a zero-window probe, but the peer's last window was {:?} (RFC 9293 §3.8.6.1)",
                                seg.show(),
                                sides[x].last_window
                            ),
                        );
                    }
                    let p = &run.profiles[x];
                    let times = &sides[x].probes;
                    if run.exact_timing && times.len() >= 2 {
                        let (a, b) = (times[times.len() - 2], times[times.len() - 1]);
                        let want = (2 * (b - a)).min(p.rto_max_us);
                        if e.t - b != want {
                            v("probe-backoff", i, e, format!(
                                "probe {} came {} µs after the one before, which came {} µs after its own: expected {want} µs (twice, at most the maximum RTO; RFC 1122 §4.2.2.17)",
                                times.len() + 1, e.t - b, b - a));
                        }
                    }
                    sides[x].probes.push(e.t);
                }
                if let (Some(_), false) = (seg.ack, seg.syn) {
                    if seg.window == 0 && run.profiles[x].app_reads && !seg.rst {
                        v(
                            "only-an-unread-buffer-closes-the-window",
                            i,
                            e,
                            format!(
                                "{} offers a window of 0, but this side's application reads all that arrives",
                                seg.show()
                            ),
                        );
                    }
                    if let Some(t) = sides[x].opened_by_read.take() {
                        if t == e.t && seg.window == 0 {
                            v(
                                "window-update-opens",
                                i,
                                e,
                                format!("{}: the window update after read() still offers 0", seg.show()),
                            );
                        }
                    }
                    sides[x].sent_window = Some(seg.window);
                }
            }
            K::Deliver { seg, .. } => {
                // A new connection's SYN: what the window was no longer holds.
                if seg.syn && seg.ack.is_none() && !seg.rst {
                    sides[x].edge = None;
                    sides[x].wl = None;
                    sides[x].syn_window = Some(seg.window);
                }
                // What x learns of the window its peer offers.
                let Some(ack) = seg.ack else { continue };
                let y = 1 - x;
                let shift = if seg.syn { 0 } else { scaled(&sides, y) };
                let edge = ack.wrapping_add(seg.window << shift);
                if sides[x].edge.is_none_or(|old| after(edge, old)) {
                    sides[x].edge = Some(edge);
                }
                let newer =
                    sides[x].wl.is_none_or(|(wl1, wl2)| after(seg.seq, wl1) || seg.seq == wl1 && !after(wl2, ack));
                if newer {
                    sides[x].wl = Some((seg.seq, ack));
                    sides[x].last_window = Some(seg.window);
                    if seg.window > 0 {
                        sides[x].probes.clear();
                    }
                }
            }
            K::Call(Call::Read) if sides[x].sent_window == Some(0) => sides[x].opened_by_read = Some(e.t),
            _ => {}
        }
    }
    out
}
