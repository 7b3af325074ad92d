//! A run as JSON: the verdict, every check, and the usual trace with the script
//! line behind each event (`"line"`, absent for an event no line caused).

use serde::Serialize;
use synack_core::trace::Event;

use crate::run::{Check, Run, Verdict};
use crate::script::{Action, Script};

#[derive(Serialize)]
struct LinedEvent<'a> {
    #[serde(flatten)]
    event: &'a Event,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
}

#[derive(Serialize)]
struct Report<'a> {
    packetdrill: Summary<'a>,
    trace: TraceOut<'a>,
}

#[derive(Serialize)]
struct Summary<'a> {
    #[serde(flatten)]
    verdict: &'a Verdict,
    /// The side the engine plays; the script's remote is the other.
    engine: synack_core::Side,
    checks: &'a [Check],
    /// The script's events, for a front end that lists them beside the ladder.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    script: Vec<ScriptLine<'a>>,
}

#[derive(Serialize)]
struct ScriptLine<'a> {
    line: u32,
    /// `"in"` (`<`), `"out"` (`>`) or `"call"`.
    kind: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct TraceOut<'a> {
    #[serde(flatten)]
    trace: TraceHead<'a>,
    events: Vec<LinedEvent<'a>>,
    outcome: &'a synack_core::trace::Outcome,
}

#[derive(Serialize)]
struct TraceHead<'a> {
    scenario: &'a str,
    title: &'a str,
    handshake: synack_core::Handshake,
    seed: u64,
    client: &'a synack_core::trace::PeerInfo,
    server: &'a synack_core::trace::PeerInfo,
}

/// The run as one JSON value: `{"packetdrill": {verdict, engine, checks}, "trace": {…}}`.
pub fn to_json(run: &Run) -> serde_json::Value {
    json(run, Vec::new())
}

/// The same, with the script's events as `packetdrill.script`: `{line, kind, text}`.
pub fn to_json_with_script(run: &Run, script: &Script) -> serde_json::Value {
    let lines = script
        .events
        .iter()
        .map(|e| ScriptLine {
            line: e.line,
            kind: match &e.action {
                Action::Packet(p) if p.inbound => "in",
                Action::Packet(_) => "out",
                Action::Call(_) => "call",
            },
            text: &e.text,
        })
        .collect();
    json(run, lines)
}

fn json<'a>(run: &'a Run, script: Vec<ScriptLine<'a>>) -> serde_json::Value {
    let t = &run.trace;
    let report = Report {
        packetdrill: Summary { verdict: &run.verdict, engine: run.engine, checks: &run.checks, script },
        trace: TraceOut {
            trace: TraceHead {
                scenario: &t.scenario,
                title: &t.title,
                handshake: t.handshake,
                seed: t.seed,
                client: &t.client,
                server: &t.server,
            },
            events: t.events.iter().zip(&run.lines).map(|(event, line)| LinedEvent { event, line: *line }).collect(),
            outcome: &t.outcome,
        },
    };
    serde_json::to_value(&report).unwrap_or(serde_json::Value::Null)
}
