//! The trace as JSON text, written by hand for the browser.
//!
//! It is the format of docs/trace-format.md, field for field, less the English
//! sentences (`reason`, `title`, the facts' `text`): the element renders those
//! from its own tables, keyed by `reason_key`, fact `key` and scenario id, in the
//! reader's language. Writing it by hand instead of through serde keeps serde's
//! generic code out of the module a reader downloads; a native test checks that
//! the two agree on every catalogue scenario.

use alloc::string::String;

use synack_core::endpoint::{AppNote, TimerAction, TimerKind};
use synack_core::scenario::Action;
use synack_core::trace::{AppEvent, Dir, DropCause, Event, EventKind, Outcome, PeerInfo};
use synack_core::{Reason, Segment, Trace};

/// JSON text under construction. Keys are project literals; only strings that
/// come from a scenario (ids, payload text) are escaped.
pub struct Json(String);

impl Json {
    pub fn new() -> Json {
        Json(String::with_capacity(256))
    }

    pub fn finish(self) -> String {
        self.0
    }

    /// Opens an object or continues one: `{` at the start, `,` after a value.
    fn key(&mut self, k: &str) -> &mut Json {
        let sep = if self.0.ends_with('{') { "" } else { "," };
        self.0.push_str(sep);
        self.0.push('"');
        self.0.push_str(k);
        self.0.push_str("\":");
        self
    }

    fn num(&mut self, k: &str, n: u64) -> &mut Json {
        self.key(k);
        synack_core::text::push_decimal(&mut self.0, n);
        self
    }

    fn bool(&mut self, k: &str, b: bool) -> &mut Json {
        self.key(k).0.push_str(if b { "true" } else { "false" });
        self
    }

    fn str(&mut self, k: &str, s: &str) -> &mut Json {
        self.key(k).string(s);
        self
    }

    fn raw(&mut self, s: &str) -> &mut Json {
        self.0.push_str(s);
        self
    }

    fn string(&mut self, s: &str) {
        synack_core::json::write_string(&mut self.0, s);
    }

    fn open(&mut self) {
        self.0.push('{');
    }

    fn close(&mut self) {
        self.0.push('}');
    }

    /// Starts an array value, separated from what came before when needed.
    fn item(&mut self) {
        if !self.0.ends_with('[') {
            self.0.push(',');
        }
    }
}

/// The whole trace: `{"scenario", "handshake", "seed", "client", "server", "events", "outcome"}`.
/// The catalogue: `[{ "id", "figure"?, "compare" }]`, in the order a gallery shows it.
pub fn catalogue() -> String {
    let mut j = Json::new();
    j.raw("[");
    for (i, e) in synack_core::catalogue::ENTRIES.iter().enumerate() {
        if i > 0 {
            j.raw(",");
        }
        j.open();
        j.str("id", e.id);
        if let Some(f) = e.figure {
            j.str("figure", f);
        }
        j.bool("compare", e.compare);
        if e.full {
            j.bool("full", true);
        }
        j.close();
    }
    j.raw("]");
    j.finish()
}

pub fn trace(t: &Trace) -> String {
    let mut j = Json::new();
    j.open();
    j.str("scenario", &t.scenario).str("handshake", t.handshake.name()).num("seed", t.seed);
    peer(j.key("client"), &t.client);
    peer(j.key("server"), &t.server);
    events(j.key("events"), &t.events);
    outcome(j.key("outcome"), &t.outcome);
    j.close();
    j.finish()
}

/// An array of events.
#[cfg(any(feature = "stepping", test))]
pub fn event_list(list: &[Event]) -> String {
    let mut j = Json::new();
    events(&mut j, list);
    j.finish()
}

/// One event.
#[cfg(any(feature = "stepping", test))]
pub fn event(e: &Event) -> String {
    let mut j = Json::new();
    write_event(&mut j, e);
    j.finish()
}

fn events(j: &mut Json, list: &[Event]) {
    j.0.push('[');
    for e in list {
        j.item();
        write_event(j, e);
    }
    j.0.push(']');
}

fn peer(j: &mut Json, p: &PeerInfo) {
    j.open();
    j.num("port", p.port.into()).num("isn", p.isn.into()).str("profile", p.profile.name());
    j.close();
}

fn outcome(j: &mut Json, o: &Outcome) {
    j.open();
    j.str("client", o.client.name()).str("server", o.server.name());
    j.key("facts").0.push('[');
    for f in &o.facts {
        j.item();
        j.open();
        j.str("key", f.key());
        j.close();
    }
    j.0.push(']');
    j.bool("truncated", o.truncated).num("end_us", o.end_us);
    j.close();
}

fn write_event(j: &mut Json, e: &Event) {
    j.open();
    j.num("t_us", e.t_us).str("side", e.side.name());
    match &e.kind {
        EventKind::Send { id, dir, segment, reason, retransmission, stale, relative, cookie } => {
            j.str("kind", "send").num("id", (*id).into()).str("dir", dir_name(*dir));
            write_segment(j.key("segment"), segment);
            why(j, *reason).bool("retransmission", *retransmission).bool("stale", *stale);
            let numbers = [
                ("seq_rel", relative.seq_rel),
                ("ack_rel", relative.ack_rel),
                ("seq_isn", relative.seq_isn),
                ("ack_isn", relative.ack_isn),
            ];
            for (k, n) in numbers {
                match n {
                    Some(n) => j.num(k, n.into()),
                    None => j.key(k).raw("null"),
                };
            }
            // (The lean module cannot meet a cookie or a queue: their scenarios run in the full one.)
            if let Some(c) = cookie.filter(|_| cfg!(feature = "queues")) {
                j.key("cookie").open();
                j.num("isn", c.isn.into()).num("peer_isn", c.peer_isn.into()).num("hash1", c.hash1.into());
                j.num("count", c.count.into()).num("hash2", c.hash2.into());
                j.num("mss_index", c.mss_index.into()).num("mss", c.mss.into());
                if let Some(o) = c.ts_options {
                    j.num("ts_options", o.into());
                }
                j.close();
            }
        }
        EventKind::Deliver { id, dir, segment } => {
            j.str("kind", "deliver").num("id", (*id).into()).str("dir", dir_name(*dir));
            write_segment(j.key("segment"), segment);
        }
        EventKind::Drop { id, dir, cause } => {
            let cause = match cause {
                DropCause::Loss => "loss",
                DropCause::Scripted => "scripted",
                DropCause::NoHost => "no-host",
                DropCause::Cut => "cut",
            };
            j.str("kind", "drop").num("id", (*id).into()).str("dir", dir_name(*dir)).str("cause", cause);
        }
        EventKind::Duplicate { id, dir, copy } => {
            j.str("kind", "duplicate").num("id", (*id).into()).str("dir", dir_name(*dir)).num("copy", (*copy).into());
        }
        EventKind::Discard { id, reason } => {
            why(j.str("kind", "discard").num("id", (*id).into()), *reason);
        }
        EventKind::Accept { id, reason } => {
            why(j.str("kind", "accept").num("id", (*id).into()), *reason);
        }
        EventKind::State { from, to, reason } => {
            why(j.str("kind", "state").str("from", from.name()).str("to", to.name()), *reason);
        }
        EventKind::Timer { timer, action } => {
            let timer = match timer {
                TimerKind::Retransmission => "retransmission",
                TimerKind::TimeWait => "time-wait",
                TimerKind::DelayedAck => "delayed-ack",
                TimerKind::FinWait2 => "fin-wait-2",
                TimerKind::Keepalive => "keepalive",
                // (Only the full module's scenarios close a window.)
                TimerKind::Persist if cfg!(feature = "queues") => "persist",
                TimerKind::Persist => "",
            };
            j.str("kind", "timer").str("timer", timer);
            match action {
                TimerAction::Set { at_us } => j.str("action", "set").num("at_us", *at_us),
                TimerAction::Fired => j.str("action", "fired"),
                TimerAction::Cancelled => j.str("action", "cancelled"),
            };
        }
        EventKind::Queue { syn_queue, accept_queue, backlog, reason } if cfg!(feature = "queues") => {
            j.str("kind", "queue").num("syn_queue", (*syn_queue).into());
            j.num("accept_queue", (*accept_queue).into()).num("backlog", (*backlog).into());
            why(j, *reason);
        }
        // Without the feature nothing makes a queue event.
        EventKind::Queue { .. } => {}
        EventKind::App { app } => {
            j.str("kind", "app");
            match app {
                AppEvent::Call(call) => write_call(j, call),
                AppEvent::Note(note) => write_note(j, note),
            }
        }
    }
    j.close();
}

fn why(j: &mut Json, r: Reason) -> &mut Json {
    j.str("reason_key", r.key()).str("rfc", r.rfc())
}

fn dir_name(d: Dir) -> &'static str {
    match d {
        Dir::C2s => "c2s",
        Dir::S2c => "s2c",
    }
}

fn write_call(j: &mut Json, call: &Action) {
    match call {
        Action::Listen => j.str("do", "listen"),
        Action::Connect => j.str("do", "connect"),
        Action::Send { len, text, .. } => {
            j.str("do", "send").num("len", *len as u64);
            if let Some(t) = text {
                j.str("text", t);
            }
            j
        }
        Action::Shutdown => j.str("do", "shutdown"),
        Action::Close => j.str("do", "close"),
        Action::Abort => j.str("do", "abort"),
        Action::Crash => j.str("do", "crash"),
        Action::Accept => j.str("do", "accept"),
        Action::Read if cfg!(feature = "queues") => j.str("do", "read"),
        Action::Read => j,
    };
}

fn write_note(j: &mut Json, note: &AppNote) {
    match note {
        AppNote::Connected => j.str("note", "connected"),
        AppNote::Received { len, total } => j.str("note", "received").num("len", *len as u64).num("total", *total),
        AppNote::PeerClosed => j.str("note", "peer-closed"),
        AppNote::Closed => j.str("note", "closed"),
        AppNote::Reset => j.str("note", "reset"),
        AppNote::Refused => j.str("note", "refused"),
        AppNote::TimedOut => j.str("note", "timed-out"),
        AppNote::Error { message } => j.str("note", "error").str("message", message),
    };
}

fn write_segment(j: &mut Json, s: &Segment) {
    j.open();
    j.num("src_port", s.src_port.into()).num("dst_port", s.dst_port.into()).num("seq", s.seq.0.into());
    match s.ack {
        Some(a) => j.num("ack", a.0.into()),
        None => j.key("ack").raw("null"),
    };
    j.key("flags").0.push('[');
    for name in s.flag_names() {
        j.item();
        j.string(name);
    }
    j.0.push(']');
    j.num("len", s.payload.len() as u64).num("window", s.window.into());
    let o = &s.options;
    if !o.is_empty() {
        j.key("options").open();
        if let Some(mss) = o.mss {
            j.num("mss", mss.into());
        }
        if let Some(ws) = o.window_scale {
            j.num("window_scale", ws.into());
        }
        if o.sack_permitted {
            j.bool("sack_permitted", true);
        }
        if let Some((val, ecr)) = o.timestamps {
            j.key("timestamps").raw("[");
            synack_core::text::push_decimal(&mut j.0, val.into());
            j.raw(",");
            synack_core::text::push_decimal(&mut j.0, ecr.into());
            j.raw("]");
        }
        // TCP Fast Open, in hex ("" asks for a cookie): only the full module sends it.
        #[cfg(feature = "queues")]
        if let Some(c) = o.fast_open {
            let hex: String = c
                .bytes()
                .iter()
                .flat_map(|b| [b >> 4, b & 15])
                .map(|d| char::from(b"0123456789abcdef"[usize::from(d)]))
                .collect();
            j.str("fast_open", &hex);
        }
        j.close();
    }
    // The header as laid out on the wire: its length and each option's kind and length.
    let layout = o.layout();
    j.key("header").open();
    j.num("len", synack_core::header_len(&layout) as u64);
    j.key("options").raw("[");
    for (i, w) in layout.iter().enumerate() {
        j.raw(if i == 0 { "[" } else { ",[" });
        synack_core::text::push_decimal(&mut j.0, w.kind.into());
        j.raw(",");
        synack_core::text::push_decimal(&mut j.0, w.len.into());
        j.raw("]");
    }
    j.raw("]");
    j.close();
    if let Some(t) = s.text() {
        j.str("text", t);
    }
    j.close();
}

#[cfg(test)]
mod tests {
    use serde_json::Value;
    use synack_core::{catalogue, sim, Handshake};

    /// serde's rendering of the trace (what the CLI prints), less the English
    /// sentences the browser build leaves to the element.
    fn without_text(mut v: Value) -> Value {
        let o = v.as_object_mut().expect("a trace is an object");
        o.remove("title");
        for e in o["events"].as_array_mut().expect("events").iter_mut() {
            e.as_object_mut().expect("an event is an object").remove("reason");
        }
        for f in o["outcome"]["facts"].as_array_mut().expect("facts").iter_mut() {
            f.as_object_mut().expect("a fact is an object").remove("text");
        }
        v
    }

    #[test]
    fn the_hand_written_json_is_the_cli_json_without_its_sentences() {
        let mut checked = 0;
        for e in catalogue::ENTRIES {
            for h in Handshake::ALL {
                for drop in [None, Some(1), Some(2), Some(3)] {
                    let mut sc = catalogue::scenario(e.id).expect("catalogue scenario");
                    sc.handshake = h;
                    sc.network.faults.drop.extend(drop);
                    let t = sim::run(&sc).expect("catalogue scenarios run");
                    let ours: Value = serde_json::from_str(&super::trace(&t)).expect("valid JSON");
                    let theirs = without_text(serde_json::to_value(&t).expect("serialisable"));
                    assert_eq!(ours, theirs, "{} {h} drop {drop:?}", e.id);
                    let events: Value = serde_json::from_str(&super::event_list(&t.events)).expect("valid JSON");
                    assert_eq!(events, theirs["events"]);
                    let first: Value = serde_json::from_str(&super::event(&t.events[0])).expect("valid JSON");
                    assert_eq!(first, theirs["events"][0]);
                    checked += t.events.len();
                }
            }
        }
        assert!(checked > 5000, "only {checked} events compared");
    }
}
