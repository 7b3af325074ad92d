//! Any text through the scenario reader: it returns a scenario or one line of
//! error, never panics, and the JSON reader under it agrees with serde_json. Run it
//! as BENCHMARKS.md ("Fuzzing") says.

#![no_main]

use libfuzzer_sys::fuzz_target;
use synack_core::json::{self, Value};
use synack_core::Scenario;

// One comparison for this target and tests/json_agrees.rs.
include!("../../tests/agree/same.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ours = json::parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert!(same(a, b), "the readers read different values"),
        (Ok(_), Err(e)) => panic!("ours accepts what serde_json refuses: {e}"),
        (Err(m), Ok(_)) => assert!(
            // What ours refuses on purpose: a repeated field name (serde_json keeps
            // the last), more nesting than a scenario needs.
            m.contains("appears twice") || m.contains("levels deep"),
            "ours refuses what serde_json accepts: {m}"
        ),
        (Err(m), Err(_)) => assert!(!m.contains('\n')),
    }
    match Scenario::from_json(text) {
        Ok(sc) => {
            let _ = sc.validate();
        }
        Err(e) => assert!(!e.to_string().contains('\n'), "a message of more than one line: {e}"),
    }
});
