//! synack-wasm: the browser's view of synack-core. It translates and holds no
//! protocol logic: a scenario goes in, the engine runs it, and the trace comes out
//! in the shape `synack run --format json` prints (docs/trace-format.md), less the
//! English sentences, which the element renders in the reader's language from
//! `reason_key`, the facts' `key` and the scenario id.
//!
//! ```js
//! import init, { Simulation, catalogue } from "./pkg-full/synack_wasm.js";
//! await init();
//! const sim = new Simulation({ scenario: "three-way-handshake", isnClient: 100 });
//! sim.step(); // → { t_us: 0, side: "server", kind: "app", do: "listen" }
//! ```
//!
//! Nothing here uses serde: options are read field by field, values leave as JSON
//! text that `JSON.parse` turns into plain objects, and a scenario object is read
//! by synack-core's own small JSON reader. That keeps the module a reader
//! downloads small (see BENCHMARKS.md).
//!
//! The site ships two builds of this crate. The element's module (`pkg/`) is
//! built with none of the default features: no `objects` (the scenario-object
//! JSON reader), no `stepping` (the step API: the element takes the whole trace
//! once with `trace()`), and no `std`, so it is `no_std` with its own panic
//! handler. The full build (`pkg-full/`, all three) is loaded on demand by a
//! page that passes scenario objects (`loadEngine({ objects: true })` in
//! www/synack/engine.js).

#![forbid(unsafe_code)]
// The element's lean module is built without std (`--no-default-features`):
// std's panic machinery would bring `core::fmt` along, a tenth of the module.
// Messages are therefore built with `synack_core::text!`, never `format!`.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

mod json;

use alloc::string::String;
use alloc::vec::Vec;
use js_sys::{Array, Object, Reflect};
use synack_core::{catalogue, sim, text, Handshake, Scenario, Trace, UnexpectedAnswer, Variant};
use wasm_bindgen::prelude::*;

/// A small free-list allocator that coalesces freed neighbours: the engine's
/// allocations are a few thousand small vectors per run, and dlmalloc's speed
/// buys nothing here (a run takes a fraction of a millisecond either way) but
/// costs 3 KB gzip of every reader's download.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Without std there is no panic hook. A panic, which would be a bug, throws a
/// JS `Error` that says where in the Rust source it happened (the full module
/// shows the same through console_error_panic_hook).
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let what = info.message().as_str().unwrap_or("panicked");
    let message = match info.location() {
        Some(at) => text!["synack's engine: ", what, " at ", at.file(), ":", at.line()],
        None => text!["synack's engine: ", what],
    };
    wasm_bindgen::throw_str(&message)
}

/// One scenario's run, with a cursor for stepping through its events.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Simulation {
    // Read by the step API only, which the lean module leaves out.
    #[cfg_attr(not(feature = "stepping"), allow(dead_code))]
    scenario: Scenario,
    trace: Trace,
    #[cfg_attr(not(feature = "stepping"), allow(dead_code))]
    cursor: usize,
}

#[wasm_bindgen]
impl Simulation {
    /// `new Simulation({ scenario, handshake, unexpectedAnswer, variant, seed, isnClient, isnServer, drop, horizonUs })`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Simulation, JsError> {
        #[cfg(feature = "std")]
        console_error_panic_hook::set_once();
        let scenario = scenario_from(&options)?;
        let trace = run(&scenario)?;
        Ok(Simulation { scenario, trace, cursor: 0 })
    }

    /// The whole trace: scenario, handshake, seed, both sides, events and outcome.
    pub fn trace(&self) -> Result<JsValue, JsError> {
        parse(&json::trace(&self.trace))
    }
}

/// Stepping through the trace, and losing a segment by number: the step API of
/// the full module. The element's lean module leaves it out, since the element
/// takes the whole trace once and steps through it in JS.
#[cfg(feature = "stepping")]
#[wasm_bindgen]
impl Simulation {
    /// The next event, or `null` at the end.
    pub fn step(&mut self) -> Result<JsValue, JsError> {
        let Some(event) = self.trace.events.get(self.cursor) else { return Ok(JsValue::NULL) };
        self.cursor += 1;
        parse(&json::event(event))
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
            Some(e) => parse(&json::event(e)),
            None => Ok(JsValue::NULL),
        }
    }

    /// Every event, as an array.
    pub fn events(&self) -> Result<JsValue, JsError> {
        parse(&json::event_list(&self.trace.events))
    }

    /// Run again as if segment `k` (numbered from 1 in sending order) were lost.
    /// The cursor stays where it was: everything before that segment is unchanged.
    #[wasm_bindgen(js_name = dropSegment)]
    pub fn drop_segment(&mut self, k: u32) -> Result<(), JsError> {
        let sent =
            self.trace.sends().any(|(e, _)| matches!(e.kind, synack_core::EventKind::Send { id, .. } if id == k));
        if !sent {
            return Err(error(text!["there is no segment ", k, " to drop"]));
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

/// The catalogue: `[{ id, figure?, compare }]`, in the order a gallery shows it.
/// Titles and summaries are the element's to translate, by id.
#[wasm_bindgen]
pub fn catalogue() -> Result<JsValue, JsError> {
    parse(&json::catalogue())
}

const OPTION_KEYS: [&str; 9] =
    ["scenario", "handshake", "unexpectedAnswer", "variant", "seed", "isnClient", "isnServer", "drop", "horizonUs"];

fn scenario_from(options: &JsValue) -> Result<Scenario, JsError> {
    if options.is_undefined() || options.is_null() {
        return Err(no_scenario());
    }
    if !options.is_object() || Array::is_array(options) {
        return Err(error("options must be an object such as { scenario: \"three-way-handshake\" }".into()));
    }
    // A misspelt option must not be ignored silently.
    for key in Object::keys(&Object::from(options.clone())).iter() {
        let key = key.as_string().unwrap_or_default();
        if !OPTION_KEYS.contains(&key.as_str()) {
            return Err(error(text!["unknown option `", key, "`; the options are ", OPTION_KEYS.join(", ")]));
        }
    }
    let field = |name: &str| -> Option<JsValue> {
        Reflect::get(options, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
    };

    let source = field("scenario").ok_or_else(no_scenario)?;
    let mut sc = if let Some(id) = source.as_string() {
        catalogue::untitled(&id).ok_or_else(|| error(text!["unknown scenario \"", id, "\"; known: ", known_ids()]))?
    } else if source.is_object() && !Array::is_array(&source) {
        scenario_object(&source)?
    } else {
        return Err(error(
            "scenario must be a catalogue id such as \"three-way-handshake\" or a scenario object".into(),
        ));
    };

    if let Some(h) = field("handshake") {
        let h = string(&h, "handshake")?;
        sc.handshake = h
            .parse::<Handshake>()
            .map_err(|()| error(text!["handshake \"", h, "\" is not two-way, three-way or four-way"]))?;
    }
    if let Some(r) = field("unexpectedAnswer") {
        sc.unexpected_answer = match string(&r, "unexpectedAnswer")?.as_str() {
            "ignore" => Some(UnexpectedAnswer::Ignore),
            "reset" => Some(UnexpectedAnswer::Reset),
            r => return Err(error(text!["unexpectedAnswer \"", r, "\" is not ignore or reset"])),
        };
    }
    if let Some(v) = field("variant") {
        let v = string(&v, "variant")?;
        let variant = Variant::parse(&v)
            .ok_or_else(|| error(text!["variant \"", v, "\" is not linux, no-time-wait, abort or isn-clock"]))?;
        if !variant.applies_to(&sc) {
            return Err(error(text!["variant ", v, ": ", variant.inapplicable(), ", so it would change nothing"]));
        }
        variant.apply(&mut sc);
    }
    if let Some(n) = field("seed") {
        sc.seed = seed(&n)?;
    }
    if let Some(n) = field("horizonUs") {
        // Only ever shortens the run (a comparison stops one side where the other ends).
        let h = whole(&n, "horizonUs", synack_core::scenario::MAX_HORIZON_US as f64)? as u64;
        sc.horizon_us = sc.horizon_us.min(h);
    }
    if let Some(n) = field("isnClient") {
        sc.client.isn = Some(whole(&n, "isnClient", u32::MAX.into())? as u32);
    }
    if let Some(n) = field("isnServer") {
        sc.server.isn = Some(whole(&n, "isnServer", u32::MAX.into())? as u32);
    }
    if let Some(list) = field("drop") {
        if !Array::is_array(&list) {
            return Err(error("drop must be an array of segment numbers, such as [1]".into()));
        }
        for k in Array::from(&list).iter() {
            let k = whole(&k, "drop", u32::MAX.into())? as u32;
            if k == 0 {
                return Err(error("drop: segments are numbered from 1".into()));
            }
            sc.network.faults.drop.push(k);
        }
    }
    Ok(sc)
}

/// A scenario object (docs/scenario-format.md), read by the same code as a
/// scenario file on the command line.
#[cfg(feature = "objects")]
fn scenario_object(source: &JsValue) -> Result<Scenario, JsError> {
    let text = js_sys::JSON::stringify(source)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| error("the scenario object cannot be turned into JSON".into()))?;
    Scenario::from_json(&text).map_err(|e| error(text!["invalid scenario: ", e.0]))
}

/// The lean module reads no scenario objects: the JSON reader is a quarter of
/// the module, and the element only ever passes catalogue ids.
#[cfg(not(feature = "objects"))]
fn scenario_object(_: &JsValue) -> Result<Scenario, JsError> {
    Err(error(OBJECTS_ELSEWHERE.into()))
}

#[cfg(not(feature = "objects"))]
const OBJECTS_ELSEWHERE: &str =
    "this build reads catalogue ids only; scenario objects need the full engine: await loadEngine({ objects: true }) first";

fn no_scenario() -> JsError {
    error("no scenario: give a catalogue id such as \"three-way-handshake\"".into())
}

fn string(v: &JsValue, name: &str) -> Result<String, JsError> {
    v.as_string().ok_or_else(|| error(text![name, " must be a string"]))
}

/// A JS number that must be a whole number in `0..=max`.
fn whole(v: &JsValue, name: &str, max: f64) -> Result<f64, JsError> {
    match v.as_f64() {
        // Whole when it survives the trip through u64 (f64::fract needs std).
        Some(n) if (0.0..=max).contains(&n) && n as u64 as f64 == n => Ok(n),
        _ => Err(error(text![name, " must be a whole number from 0 to ", max as u64])),
    }
}

/// The seed: a JS number up to 2^53 − 1 (past it, a number is no longer exact), or
/// the decimal digits of any u64 as a string, as the element passes it.
fn seed(v: &JsValue) -> Result<u64, JsError> {
    const RANGE: &str = "seed must be a whole number from 0 to 9007199254740991, or a string of the digits of one \
                         from 0 to 18446744073709551615";
    match v.as_string() {
        Some(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().map_err(|_| error(RANGE.into())),
        Some(_) => Err(error(RANGE.into())),
        None => match v.as_f64() {
            Some(n) if (0.0..=9_007_199_254_740_991.0).contains(&n) && n as u64 as f64 == n => Ok(n as u64),
            _ => Err(error(RANGE.into())),
        },
    }
}

fn known_ids() -> String {
    catalogue::ENTRIES.iter().map(|e| e.id).collect::<Vec<_>>().join(", ")
}

fn run(scenario: &Scenario) -> Result<Trace, JsError> {
    sim::run(scenario).map_err(|e| error(text!["invalid scenario: ", e.0]))
}

/// JSON text from [`json`] into plain JS objects.
fn parse(text: &str) -> Result<JsValue, JsError> {
    js_sys::JSON::parse(text).map_err(|_| error("the engine wrote JSON that does not parse".into()))
}

/// Every error reaches JS as an `Error` carrying the engine's message.
fn error(message: String) -> JsError {
    JsError::new(&message)
}
