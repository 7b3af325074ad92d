//! synack-capture-wasm: the browser's view of synack-capture, for the
//! `<synack-viz capture="…">` element's Web Worker (www/synack/capture-worker.js).
//! It translates and holds no protocol logic: bytes go in chunk by chunk, and the
//! list of every connection (docs/capture-format.md, "The list") with the trace of
//! the one asked for (docs/trace-format.md, "Captures") comes out as text.
//!
//! ```js
//! import init, { CaptureLister } from "./synack_capture_wasm.js";
//! await init();
//! const lister = new CaptureLister(1 << 30, 2, 1000, 300); // refuse past 1 GiB; connection 2; list 1000; draw 300 segments
//! for await (const chunk of stream) { lister.push(chunk); postProgress(lister.consumed()); }
//! const capture = JSON.parse(lister.finish()); // { frames, tcp_segments, notes, skipped, count, list, connection }
//! ```
//!
//! Errors are JS `Error`s whose `message` is the reader's one English line and
//! whose `key` (and `offset`, `frames`, `number`) let the element say it in the
//! reader's language. The summaries and the trace are synack-capture's JSON,
//! written by serde_json (the summaries as `synack import --format json` prints
//! them); the only JSON written here is a small envelope around them.

#![forbid(unsafe_code)]

use synack_capture::{CaptureError, Listed, Lister};
use wasm_bindgen::prelude::*;

/// A capture being read in one pass, chunk by chunk: every connection summarised,
/// one kept whole.
#[wasm_bindgen]
#[derive(Debug)]
pub struct CaptureLister {
    lister: Option<Lister>,
    pushed: u64,
    max_bytes: u64,
    /// The first summaries, as JSON, for the page's list; the rest are counted.
    list: Vec<String>,
    max_listed: usize,
    /// Segments of the chosen connection put in its trace.
    window: usize,
}

#[wasm_bindgen]
impl CaptureLister {
    /// A lister that refuses files longer than `max_bytes` (0: no limit of its own;
    /// memory stays bounded by the connections open at once either way), keeps
    /// connection `connection` whole (from 1; 0 for none), hands the first
    /// `max_listed` summaries to the page, and traces that connection's first
    /// `window` segments.
    #[wasm_bindgen(constructor)]
    pub fn new(max_bytes: f64, connection: f64, max_listed: f64, window: f64) -> CaptureLister {
        let max_bytes = if max_bytes.is_finite() && max_bytes >= 1.0 { max_bytes as u64 } else { u64::MAX };
        let want = (connection.is_finite() && connection >= 1.0).then_some(connection as u64);
        let count = |n: f64| if n.is_finite() && n >= 0.0 { n as usize } else { 0 };
        let (max_listed, window) = (count(max_listed), count(window));
        CaptureLister { lister: Some(Lister::new(want)), pushed: 0, max_bytes, list: Vec::new(), max_listed, window }
    }

    /// Reads the next bytes of the file. Throws on a file that is not a capture,
    /// is malformed, or grows past the size limit.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let lister = self.lister.as_mut().ok_or_else(finished)?;
        self.pushed = self.pushed.saturating_add(chunk.len() as u64);
        if self.pushed > self.max_bytes {
            return Err(into_error(&CaptureError::TooLarge { max: self.max_bytes }));
        }
        lister.push(chunk).map_err(|e| into_error(&e))?;
        take(lister, &mut self.list, self.max_listed);
        Ok(())
    }

    /// Bytes of the file parsed so far: the progress bar's value.
    pub fn consumed(&self) -> f64 {
        self.lister.as_ref().map_or(self.pushed, Lister::consumed) as f64
    }

    /// The file has ended: the list and the connection asked for, as JSON text (see
    /// [`envelope`]).
    pub fn finish(&mut self) -> Result<String, JsValue> {
        let mut lister = self.lister.take().ok_or_else(finished)?;
        let listed = lister.finish().map_err(|e| into_error(&e))?;
        take(&mut lister, &mut self.list, self.max_listed);
        Ok(envelope(&listed, &self.list, self.window))
    }
}

/// Keep the JSON of the first `max` summaries that are ready.
fn take(lister: &mut Lister, list: &mut Vec<String>, max: usize) {
    for s in lister.ready() {
        if list.len() < max {
            list.push(s.to_json());
        }
    }
}

fn finished() -> JsValue {
    js_sys::Error::new("this capture reader has already finished").into()
}

/// The one place errors are made: an `Error` with the English line as its
/// message, a stable `key` and the numbers a translation needs.
fn into_error(e: &CaptureError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let (key, number) = error_key(e);
    let _ = js_sys::Reflect::set(&err, &"key".into(), &key.into());
    if let Some(n) = number {
        let _ = js_sys::Reflect::set(&err, &"number".into(), &(n as f64).into());
    }
    err.into()
}

/// A stable key for each kind of error, and the one number its sentence names (a
/// byte offset, a size or a count of packets).
pub fn error_key(e: &CaptureError) -> (&'static str, Option<u64>) {
    match e {
        CaptureError::Empty => ("empty", None),
        CaptureError::BadMagic { .. } => ("not-capture", None),
        CaptureError::Truncated { offset, .. } => ("truncated", Some(*offset)),
        CaptureError::BadLength { offset, .. } => ("bad-length", Some(*offset)),
        CaptureError::Malformed { offset, .. } => ("malformed", Some(*offset)),
        CaptureError::Version { .. } => ("version", None),
        CaptureError::TooLarge { max } => ("too-large", Some(*max)),
        CaptureError::NoTcp { frames, .. } => ("no-tcp", Some(*frames)),
    }
}

/// `{"frames":…,"tcp_segments":…,"notes":[…],"skipped":{…},"count":…,"list":[…],"connection":…}`:
/// `count` connections in all, the first of them in `list` (each as in `synack
/// import --format json`'s list), and `connection` the one asked for (or `null`):
/// `{"client","server","notes":[…],"total","trace"}`, its addresses, notes and
/// number of segments, and the trace of its first `window` segments.
pub fn envelope(l: &Listed, list: &[String], window: usize) -> String {
    let mut out = format!("{{\"frames\":{},\"tcp_segments\":{},\"notes\":[", l.frames, l.tcp_segments);
    for (i, note) in l.notes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(&mut out, note);
    }
    out.push_str("],\"skipped\":{");
    for (i, (why, n)) in l.skipped.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(&mut out, why);
        out.push_str(&format!(":{n}"));
    }
    out.push_str(&format!("}},\"count\":{},\"list\":[", l.connections));
    out.push_str(&list.join(","));
    out.push_str("],\"connection\":");
    match &l.detail {
        Some(c) => {
            out.push_str("{\"client\":");
            quote(&mut out, &c.client.to_string());
            out.push_str(",\"server\":");
            quote(&mut out, &c.server.to_string());
            out.push_str(",\"notes\":[");
            for (i, note) in c.notes.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote(&mut out, note);
            }
            out.push_str(&format!("],\"total\":{},\"trace\":", c.segments.len()));
            out.push_str(&c.trace(window).to_json());
            out.push('}');
        }
        None => out.push_str("null"),
    }
    out.push('}');
    out
}

/// A JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped.
fn quote(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &[u8] = include_bytes!("../../synack-capture/tests/captures/full-lifecycle.pcap");
    const TWO: &[u8] = include_bytes!("../../synack-capture/tests/captures/two-interfaces.pcapng");

    /// Lists `bytes` in one push, keeping connection `want`.
    fn listed(bytes: &[u8], want: Option<u64>) -> (Listed, Vec<String>) {
        let mut lister = Lister::new(want);
        lister.push(bytes).expect("a real capture");
        let listed = lister.finish().expect("a real capture");
        let list = lister.ready().map(|s| s.to_json()).collect();
        (listed, list)
    }

    #[test]
    fn envelope_holds_the_list_the_counts_and_the_connection_asked_for() {
        let (l, list) = listed(TWO, Some(2));
        let text = envelope(&l, &list, 300);
        let head = format!(
            "{{\"frames\":{},\"tcp_segments\":{},\"notes\":[],\"skipped\":{{}},\"count\":2,\"list\":[{{\"number\":1,",
            l.frames, l.tcp_segments
        );
        assert!(text.starts_with(&head), "{text}");
        let whole = synack_capture::import(TWO).expect("a real capture");
        let c = &whole.connections[1];
        let tail = format!(
            "],\"connection\":{{\"client\":\"{}\",\"server\":\"{}\",\"notes\":[],\"total\":{},\"trace\":{}}}}}",
            c.client,
            c.server,
            c.segments.len(),
            c.trace(300).to_json()
        );
        assert!(text.ends_with(&tail), "{text}");
        let (l, list) = listed(TWO, None);
        assert!(envelope(&l, &list, 300).ends_with("\"connection\":null}"));
    }

    #[test]
    fn notes_are_quoted_as_json_strings() {
        let mut out = String::new();
        quote(&mut out, "a \"b\" \\ c\n");
        assert_eq!(out, r#""a \"b\" \\ c\u000a""#);
    }

    #[test]
    fn each_error_has_a_key_and_its_number() {
        let not = synack_capture::import(b"GIF89a-not-a-capture").expect_err("not a capture");
        assert_eq!(error_key(&not), ("not-capture", None));
        let cut = synack_capture::import(&FULL[..100]).expect_err("cut short");
        assert_eq!(error_key(&cut).0, "truncated");
        assert_eq!(error_key(&CaptureError::Empty), ("empty", None));
        assert_eq!(error_key(&CaptureError::TooLarge { max: 10 }), ("too-large", Some(10)));
    }
}
