//! synack-capture-wasm: the browser's view of synack-capture, for the
//! `<synack-viz capture="…">` element's Web Worker (www/synack/capture-worker.js).
//! It translates and holds no protocol logic: bytes go in chunk by chunk, the
//! capture JSON of docs/capture-format.md comes out as text.
//!
//! ```js
//! import init, { CaptureReader } from "./synack_capture_wasm.js";
//! await init();
//! const reader = new CaptureReader(1 << 30); // refuse files past 1 GiB
//! for await (const chunk of stream) { reader.push(chunk); postProgress(reader.consumed()); if (reader.isFull()) break; }
//! const capture = JSON.parse(reader.finish()); // { frames, tcp_segments, notes, skipped, connections }
//! ```
//!
//! Errors are JS `Error`s whose `message` is the reader's one English line and
//! whose `key` (and `offset`, `frames`) let the element say it in the reader's
//! language. The capture JSON is synack-capture's `Capture::to_json()`, written
//! by serde_json over its serde derives (the text `synack import --format json`
//! prints); the only JSON written here is a small envelope around it.

#![forbid(unsafe_code)]

use synack_capture::{Capture, CaptureError, Importer};
use wasm_bindgen::prelude::*;

/// A capture being read, chunk by chunk.
#[wasm_bindgen]
#[derive(Debug)]
pub struct CaptureReader {
    importer: Option<Importer>,
    pushed: u64,
    max_bytes: u64,
}

#[wasm_bindgen]
impl CaptureReader {
    /// A reader that refuses files longer than `max_bytes` (0: no limit of its own;
    /// memory stays bounded by synack-capture's limits either way).
    #[wasm_bindgen(constructor)]
    pub fn new(max_bytes: f64) -> CaptureReader {
        let max_bytes = if max_bytes.is_finite() && max_bytes >= 1.0 { max_bytes as u64 } else { u64::MAX };
        CaptureReader { importer: Some(Importer::new()), pushed: 0, max_bytes }
    }

    /// Reads the next bytes of the file. Throws on a file that is not a capture,
    /// is malformed, or grows past the size limit.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let imp = self.importer.as_mut().ok_or_else(finished)?;
        self.pushed = self.pushed.saturating_add(chunk.len() as u64);
        if self.pushed > self.max_bytes {
            return Err(into_error(&CaptureError::TooLarge { max: self.max_bytes }));
        }
        imp.push(chunk).map_err(|e| into_error(&e))
    }

    /// Bytes of the file parsed so far: the progress bar's value.
    pub fn consumed(&self) -> f64 {
        self.importer.as_ref().map_or(self.pushed, Importer::consumed) as f64
    }

    /// The segment limit was reached a while ago: the rest of the file changes
    /// nothing, so the caller may stop reading.
    #[wasm_bindgen(js_name = isFull)]
    pub fn is_full(&self) -> bool {
        self.importer.as_ref().is_some_and(Importer::is_full)
    }

    /// The file has ended: the whole capture as JSON text (see [`envelope`]).
    pub fn finish(&mut self) -> Result<String, JsValue> {
        let imp = self.importer.take().ok_or_else(finished)?;
        imp.finish().map(|c| envelope(&c)).map_err(|e| into_error(&e))
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

/// `{"frames":…,"tcp_segments":…,"notes":[…],"skipped":{…},"connections":[…]}`:
/// the connections exactly as `synack import --format json` prints them, with
/// what the library says about the capture as a whole around them.
pub fn envelope(c: &Capture) -> String {
    let mut out = format!("{{\"frames\":{},\"tcp_segments\":{},\"notes\":[", c.frames, c.tcp_segments);
    for (i, note) in c.notes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(&mut out, note);
    }
    out.push_str("],\"skipped\":{");
    for (i, (why, n)) in c.skipped.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(&mut out, why);
        out.push_str(&format!(":{n}"));
    }
    out.push_str("},\"connections\":");
    out.push_str(&c.to_json());
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

    #[test]
    fn envelope_holds_the_cli_connections_and_the_counts() {
        let capture = synack_capture::import(FULL).expect("a real capture");
        let text = envelope(&capture);
        let head = format!(
            "{{\"frames\":{},\"tcp_segments\":{},\"notes\":[],\"skipped\":{{}},\"connections\":",
            capture.frames, capture.tcp_segments
        );
        assert!(text.starts_with(&head), "{text}");
        assert!(text.ends_with(&format!("{}}}", capture.to_json())));
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
