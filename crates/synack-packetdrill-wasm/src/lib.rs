//! synack-packetdrill-wasm: the browser's view of synack-packetdrill, for the
//! `<synack-viz packetdrill="…">` element (www/synack/packetdrill.js, a chunk
//! fetched only by a page that shows a script). It translates and holds no
//! protocol logic: script text in, JSON text out.
//!
//! ```js
//! import init, { runPacketdrill } from "./synack_packetdrill_wasm.js";
//! await init();
//! const out = JSON.parse(runPacketdrill(text, "close.pkt"));
//! // { packetdrill: { verdict, engine, checks, script }, trace } or { error: { line, column, message } }
//! ```

#![forbid(unsafe_code)]

use wasm_bindgen::prelude::*;

/// Run a script against the engine. The answer is JSON: the run as `synack run
/// --packetdrill FILE --format json` prints it, or `{"error": {line, column,
/// message}}` for a script outside the subset.
#[wasm_bindgen(js_name = runPacketdrill)]
pub fn run_packetdrill(text: &str, name: &str) -> String {
    run(text, name).to_string()
}

/// The same, as a JSON value (tested natively).
pub fn run(text: &str, name: &str) -> serde_json::Value {
    let outcome = synack_packetdrill::parse(text)
        .and_then(|script| synack_packetdrill::run(&script, name).map(|run| (script, run)));
    match outcome {
        Ok((script, run)) => synack_packetdrill::report::to_json_with_script(&run, &script),
        Err(e) => serde_json::json!({ "error": { "line": e.line, "column": e.column, "message": e.message } }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_and_a_refusal_both_come_out_as_json() {
        let ok = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n", "t");
        assert_eq!(ok["packetdrill"]["verdict"], "pass");
        assert_eq!(ok["packetdrill"]["script"][1]["line"], 2);
        let bad = run("0 > Q 0:0(0)\n", "t");
        assert_eq!(bad["error"]["line"], 1);
        assert_eq!(bad["error"]["column"], 5);
    }
}
