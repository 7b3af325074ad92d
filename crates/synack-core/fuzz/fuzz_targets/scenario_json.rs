//! Any text through the scenario reader: it returns a scenario or one line of
//! error, never panics, and the JSON reader under it agrees with serde_json. Run it
//! as BENCHMARKS.md ("Fuzzing") says.

#![no_main]

use libfuzzer_sys::fuzz_target;
use synack_core::json::{self, Value};
use synack_core::Scenario;

/// Whether the two readers read the same value. Numbers: integers exactly, others
/// to within rounding (serde_json's default float parser may be one ulp off).
fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::String(a), J::String(b)) => a == b,
        (Value::Number(a), J::Number(b)) => {
            if let Some(u) = b.as_u64() {
                json::whole_number(a) == Some((false, u))
            } else if let Some(i) = b.as_i64() {
                json::whole_number(a) == Some((true, i.unsigned_abs()))
            } else {
                let (x, y) = (a.parse::<f64>().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
                x == y || ((x - y) / y).abs() < 1e-15
            }
        }
        (Value::Array(a), J::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (Value::Object(a), J::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        _ => false,
    }
}

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
