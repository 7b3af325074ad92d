//! Prints, as JSON lines, the trace of every catalogue scenario that the browser's
//! lean module runs (the entries not marked `full`), under each handshake mode.
//! scripts/test.sh runs it with and without the `queues` feature and compares:
//! leaving the listen queues out must change nothing else.
//!
//!     cargo run -p synack-core --example lean_traces [--no-default-features]

use synack_core::profile::Handshake;
use synack_core::{catalogue, sim};

fn main() {
    for e in catalogue::ENTRIES.iter().filter(|e| !e.full) {
        for handshake in [Handshake::TwoWay, Handshake::ThreeWay, Handshake::FourWay] {
            let Some(mut sc) = catalogue::scenario(e.id) else {
                panic!("{} is not marked full but has no scenario in this build", e.id)
            };
            sc.handshake = handshake;
            sc.unexpected_answer = None;
            match sim::run(&sc) {
                Ok(trace) => println!("{}", serde_json::to_string(&trace).expect("a trace serialises")),
                Err(err) => println!("{} {handshake:?}: {err}", e.id),
            }
        }
    }
}
