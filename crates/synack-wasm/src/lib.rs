//! synack-wasm: the browser's view of synack-core. It translates and holds no
//! protocol logic: a scenario goes in, the engine runs it, and the trace comes out
//! as the same JSON-shaped values `synack run --format json` prints
//! (docs/trace-format.md), one event at a time or all at once.
//!
//! ```js
//! import init, { Simulation, catalogue } from "./pkg/synack_wasm.js";
//! await init();
//! const sim = new Simulation({ scenario: "three-way-handshake", isnClient: 100 });
//! sim.step(); // → { t_us: 0, side: "server", kind: "app", do: "listen" }
//! ```

#![forbid(unsafe_code)]

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use synack_core::{catalogue, sim, Handshake, Scenario, Trace, UnexpectedAnswer};
use wasm_bindgen::prelude::*;

/// What the constructor accepts. Unknown fields are an error, so a typo in an
/// attribute never passes silently.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Options {
    /// A catalogue id, or a whole scenario object (docs/scenario-format.md).
    scenario: Option<ScenarioSource>,
    handshake: Option<String>,
    unexpected_answer: Option<String>,
    seed: Option<f64>,
    isn_client: Option<f64>,
    isn_server: Option<f64>,
    #[serde(default)]
    drop: Vec<f64>,
}

enum ScenarioSource {
    Id(String),
    Inline(Box<Scenario>),
}

// A string is a catalogue id, an object a scenario: told apart by hand rather than
// with `#[serde(untagged)]`, whose buffering costs kilobytes.
impl<'de> Deserialize<'de> for ScenarioSource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ScenarioSource, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ScenarioSource;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a catalogue id or a scenario object")
            }
            fn visit_str<E: de::Error>(self, id: &str) -> Result<ScenarioSource, E> {
                Ok(ScenarioSource::Id(id.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ScenarioSource, A::Error> {
                Scenario::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|s| ScenarioSource::Inline(Box::new(s)))
            }
        }
        d.deserialize_any(V)
    }
}

/// One scenario's run, with a cursor for stepping through its events.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Simulation {
    scenario: Scenario,
    trace: Trace,
    cursor: usize,
}

#[wasm_bindgen]
impl Simulation {
    /// `new Simulation({ scenario, handshake, seed, isnClient, isnServer, drop })`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Simulation, JsError> {
        console_error_panic_hook::set_once();
        let options: Options = if options.is_undefined() || options.is_null() {
            Options::default()
        } else {
            check_keys(&options)?;
            serde_wasm_bindgen::from_value(options).map_err(|e| error(format!("bad options: {e}")))?
        };
        let scenario = scenario_from(options)?;
        let trace = run(&scenario)?;
        Ok(Simulation { scenario, trace, cursor: 0 })
    }

    /// The next event, or `null` at the end.
    pub fn step(&mut self) -> Result<JsValue, JsError> {
        let Some(event) = self.trace.events.get(self.cursor) else { return Ok(JsValue::NULL) };
        self.cursor += 1;
        to_js(event)
    }

    /// Step back one event; returns the event now last shown, or `null` at the start.
    pub fn back(&mut self) -> Result<JsValue, JsError> {
        self.cursor = self.cursor.saturating_sub(1);
        self.current()
    }

    /// Show the first `i` events (clamped to the trace's length).
    pub fn seek(&mut self, i: usize) {
        self.cursor = i.min(self.trace.events.len());
    }

    pub fn reset(&mut self) {
        self.cursor = 0;
    }

    /// How many events the trace has.
    pub fn len(&self) -> usize {
        self.trace.events.len()
    }

    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.trace.events.is_empty()
    }

    /// How many events have been shown.
    #[wasm_bindgen(getter)]
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The last event shown, or `null` before the first step.
    pub fn current(&self) -> Result<JsValue, JsError> {
        match self.cursor.checked_sub(1).and_then(|i| self.trace.events.get(i)) {
            Some(e) => to_js(e),
            None => Ok(JsValue::NULL),
        }
    }

    /// Every event, as an array.
    pub fn events(&self) -> Result<JsValue, JsError> {
        to_js(&self.trace.events)
    }

    /// The whole trace: scenario, title, handshake, both sides, events and outcome.
    pub fn trace(&self) -> Result<JsValue, JsError> {
        to_js(&self.trace)
    }

    /// Run again as if segment `k` (numbered from 1 in sending order) were lost.
    /// The cursor stays where it was: everything before that segment is unchanged.
    #[wasm_bindgen(js_name = dropSegment)]
    pub fn drop_segment(&mut self, k: u32) -> Result<(), JsError> {
        if k == 0
            || !self.trace.sends().any(|(e, _)| matches!(e.kind, synack_core::EventKind::Send { id, .. } if id == k))
        {
            return Err(error(format!("there is no segment {k} to drop")));
        }
        let mut scenario = self.scenario.clone();
        if !scenario.network.faults.drop.contains(&k) {
            scenario.network.faults.drop.push(k);
        }
        self.trace = run(&scenario)?;
        self.scenario = scenario;
        self.cursor = self.cursor.min(self.trace.events.len());
        Ok(())
    }
}

/// The catalogue: `[{ id, title, summary, figure?, compare }]`.
#[wasm_bindgen]
pub fn catalogue() -> Result<JsValue, JsError> {
    to_js(catalogue::ENTRIES)
}

fn scenario_from(options: Options) -> Result<Scenario, JsError> {
    let mut sc = match options.scenario {
        None => return Err(error("no scenario: give a catalogue id such as \"three-way-handshake\"".into())),
        Some(ScenarioSource::Id(id)) => catalogue::scenario(&id)
            .ok_or_else(|| error(format!("unknown scenario \"{id}\"; known: {}", known_ids())))?,
        Some(ScenarioSource::Inline(sc)) => *sc,
    };
    if let Some(h) = options.handshake {
        sc.handshake = h
            .parse::<Handshake>()
            .map_err(|()| error(format!("handshake \"{h}\" is not two-way, three-way or four-way")))?;
    }
    if let Some(r) = options.unexpected_answer {
        sc.unexpected_answer = match r.as_str() {
            "ignore" => UnexpectedAnswer::Ignore,
            "reset" => UnexpectedAnswer::Reset,
            _ => return Err(error(format!("unexpectedAnswer \"{r}\" is not ignore or reset"))),
        };
    }
    if let Some(n) = options.seed {
        sc.seed = whole(n, "seed", u64::MAX as f64)? as u64;
    }
    if let Some(n) = options.isn_client {
        sc.client.isn = Some(whole(n, "isnClient", u32::MAX as f64)? as u32);
    }
    if let Some(n) = options.isn_server {
        sc.server.isn = Some(whole(n, "isnServer", u32::MAX as f64)? as u32);
    }
    for k in options.drop {
        let k = whole(k, "drop", u32::MAX as f64)? as u32;
        if k == 0 {
            return Err(error("drop: segments are numbered from 1".into()));
        }
        sc.network.faults.drop.push(k);
    }
    Ok(sc)
}

/// A JS number that must be a whole number in `0..=max`.
fn whole(n: f64, name: &str, max: f64) -> Result<f64, JsError> {
    if n.fract() != 0.0 || !(0.0..=max).contains(&n) {
        // Formatted as integers: float formatting would cost the module 15 KB.
        return Err(error(format!("{name} must be a whole number from 0 to {}", max as u64)));
    }
    Ok(n)
}

const OPTION_KEYS: [&str; 7] = ["scenario", "handshake", "unexpectedAnswer", "seed", "isnClient", "isnServer", "drop"];

/// serde-wasm-bindgen looks struct fields up by name and never sees the others, so
/// a misspelt option is caught here instead of being silently ignored.
fn check_keys(options: &JsValue) -> Result<(), JsError> {
    if !options.is_object() {
        return Err(error("options must be an object such as { scenario: \"three-way-handshake\" }".into()));
    }
    for key in js_sys::Object::keys(&js_sys::Object::from(options.clone())).iter() {
        let key = key.as_string().unwrap_or_default();
        if !OPTION_KEYS.contains(&key.as_str()) {
            return Err(error(format!("unknown option `{key}`; the options are {}", OPTION_KEYS.join(", "))));
        }
    }
    Ok(())
}

fn known_ids() -> String {
    catalogue::ENTRIES.iter().map(|e| e.id).collect::<Vec<_>>().join(", ")
}

fn run(scenario: &Scenario) -> Result<Trace, JsError> {
    sim::run(scenario).map_err(|e| error(format!("invalid scenario: {e}")))
}

/// Plain objects and numbers, exactly as the CLI's JSON.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| error(e.to_string()))
}

/// Every error reaches JS as an `Error` carrying the engine's message.
fn error(message: String) -> JsError {
    JsError::new(&message)
}
