//! The step API as JavaScript sees it, in headless Chromium
//! (`wasm-pack test --headless --chrome`).

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use serde_json::{json, Value};
use synack_wasm::{catalogue, Simulation};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A plain JS object, as a page would pass it.
fn options(v: Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap()
}

/// What JS received, as JSON.
fn value(v: JsValue) -> Value {
    serde_json::from_str(&js_sys::JSON::stringify(&v).unwrap().as_string().unwrap()).unwrap()
}

fn sim(v: Value) -> Simulation {
    Simulation::new(options(v)).map_err(JsValue::from).unwrap()
}

/// The message of the `Error` a call threw.
fn message(err: wasm_bindgen::JsError) -> String {
    let js = JsValue::from(err);
    js_sys_message(&js)
}

fn js_sys_message(js: &JsValue) -> String {
    let msg = js_sys::Reflect::get(js, &JsValue::from_str("message")).unwrap();
    msg.as_string().unwrap()
}

#[wasm_bindgen_test]
fn the_catalogue_lists_every_scenario_and_marks_those_of_the_full_module() {
    let list = value(catalogue().map_err(JsValue::from).unwrap());
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), synack_core::catalogue::ENTRIES.len());
    // The lean module runs all but these; the element fetches the full one for them.
    let full = |id: &str| list.iter().find(|e| e["id"] == id).unwrap().get("full").cloned();
    assert_eq!(full("syn-flood"), Some(Value::Bool(true)));
    assert_eq!(full("zero-window"), Some(Value::Bool(true)));
    assert_eq!(full("three-way-handshake"), None);
    assert_eq!(list[0]["id"], "three-way-handshake");
    assert_eq!(list[3]["id"], "old-duplicate-syn");
    assert_eq!(list[3]["compare"], true);
    assert_eq!(list[3]["figure"], "RFC 9293 Fig. 8");
    assert!(list[0].get("title").is_none(), "titles are the element's, by id and language");
}

#[wasm_bindgen_test]
fn stepping_the_three_way_handshake_shows_its_segments() {
    let mut s = sim(json!({ "scenario": "three-way-handshake", "isnClient": 100, "isnServer": 300 }));
    let mut sends = Vec::new();
    let mut n = 0;
    loop {
        let e = s.step().map_err(JsValue::from).unwrap();
        if e.is_null() {
            break;
        }
        n += 1;
        let e = value(e);
        assert!(e["t_us"].is_u64() && e["side"].is_string(), "{e}");
        if e["kind"] == "send" {
            sends.push((e["segment"]["flags"].clone(), e["segment"]["seq"].clone(), e["segment"]["ack"].clone()));
        }
    }
    assert_eq!(n, s.len());
    assert_eq!(
        sends,
        [
            (json!(["SYN"]), json!(100), Value::Null),
            (json!(["SYN", "ACK"]), json!(300), json!(101)),
            (json!(["ACK"]), json!(101), json!(301)),
        ]
    );
    let trace = value(s.trace().map_err(JsValue::from).unwrap());
    assert_eq!(trace["outcome"]["client"], "ESTABLISHED");
    assert_eq!(trace["outcome"]["server"], "ESTABLISHED");
}

#[wasm_bindgen_test]
fn back_seek_and_reset_move_the_cursor() {
    let mut s = sim(json!({ "scenario": "three-way-handshake" }));
    assert!(s.current().map_err(JsValue::from).unwrap().is_null());
    let first = value(s.step().map_err(JsValue::from).unwrap());
    s.step().map_err(JsValue::from).unwrap();
    assert_eq!(s.cursor(), 2);
    assert_eq!(value(s.back().map_err(JsValue::from).unwrap()), first);
    s.seek(10_000);
    assert_eq!(s.cursor(), s.len());
    assert!(s.step().map_err(JsValue::from).unwrap().is_null());
    s.reset();
    assert_eq!(s.cursor(), 0);
}

#[wasm_bindgen_test]
fn dropping_the_syn_retransmits_it_with_the_same_isn() {
    let mut s = sim(json!({ "scenario": "three-way-handshake", "isnClient": 4294967295u32 }));
    s.drop_segment(1).map_err(JsValue::from).unwrap();
    let events = value(s.events().map_err(JsValue::from).unwrap());
    let events = events.as_array().unwrap();
    assert!(events.iter().any(|e| e["kind"] == "drop" && e["id"] == 1));
    let syns: Vec<_> =
        events.iter().filter(|e| e["kind"] == "send" && e["segment"]["flags"] == json!(["SYN"])).collect();
    assert_eq!(syns.len(), 2);
    assert_eq!(syns[1]["segment"]["seq"], 4294967295u32);
    assert_eq!(syns[1]["t_us"], 1_000_000);
    assert_eq!(syns[1]["retransmission"], true);
    let synack = events.iter().find(|e| e["kind"] == "send" && e["segment"]["flags"] == json!(["SYN", "ACK"])).unwrap();
    assert_eq!(synack["segment"]["ack"], 0, "ISN 4294967295 is acknowledged with 0");
}

#[wasm_bindgen_test]
fn a_scenario_object_runs_too() {
    let s = sim(json!({ "scenario": {
        "actions": [{ "side": "server", "do": "listen" }, { "side": "client", "do": "connect" }],
        "client": { "isn": 7 }
    }, "handshake": "two-way" }));
    let trace = value(s.trace().map_err(JsValue::from).unwrap());
    assert_eq!(trace["handshake"], "two-way");
    assert_eq!(trace["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "send").count(), 2);
}

#[wasm_bindgen_test]
fn bad_input_becomes_an_error_with_the_engines_message() {
    let err = |v: Value| match Simulation::new(options(v.clone())) {
        Ok(_) => panic!("{v} was accepted"),
        Err(e) => message(e),
    };
    assert!(
        err(json!({ "scenario": "no-such" })).starts_with("unknown scenario \"no-such\"; known: three-way-handshake,")
    );
    assert_eq!(
        err(json!({ "scenario": "syn-lost", "handshake": "5-way" })),
        "handshake \"5-way\" is not two-way, three-way or four-way"
    );
    assert_eq!(
        err(json!({ "scenario": "syn-lost", "isnClient": -1 })),
        "isnClient must be a whole number from 0 to 4294967295"
    );
    assert_eq!(err(json!({ "scenario": "syn-lost", "drop": [0] })), "drop: segments are numbered from 1");
    assert!(err(json!({ "scenario": "syn-lost", "colour": "red" }))
        .starts_with("unknown option `colour`; the options are scenario,"));
    assert_eq!(err(json!({})), "no scenario: give a catalogue id such as \"three-way-handshake\"");
    let bad = json!({ "scenario": { "actions": [], "network": { "link": { "loss": 2 } } } });
    assert_eq!(err(bad), "invalid scenario: network.link.loss must be a probability between 0 and 1");
    let typo = json!({ "scenario": { "actions": [{ "side": "client", "do": "connect", "dleay_us": 5 }] } });
    assert_eq!(
        err(typo),
        "invalid scenario: unknown field `dleay_us` in actions[0]; the fields are side, when, delay_us, do, bytes, text"
    );
    assert_eq!(
        err(json!({ "scenario": 42 })),
        "scenario must be a catalogue id such as \"three-way-handshake\" or a scenario object"
    );
    let mut s = sim(json!({ "scenario": "syn-lost" }));
    assert_eq!(message(s.drop_segment(99).err().unwrap()), "there is no segment 99 to drop");
}
