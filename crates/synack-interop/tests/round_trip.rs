//! The round trip of issue 5: a capture of a real interop run (the engine against
//! Linux or smoltcp), read back by synack-capture's importer, shows the states the
//! engine actually went through. The importer knows nothing of the run: it infers
//! the engine's side from the packets alone.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use synack_core::State;
use synack_interop::capture;

const RUNS: [&str; 5] = [
    "smoltcp-engine-client",
    "linux-engine-client-closes-first",
    "linux-engine-server",
    "linux-refused",
    "linux-simultaneous-open",
];

#[test]
fn imported_interop_captures_show_the_states_the_engine_went_through() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures");
    for name in RUNS {
        if let Err(e) = check(&dir, name) {
            panic!("{e}");
        }
    }
}

/// The captures this run's interop tests just wrote (tests/linux.rs, as root;
/// cargo runs that file before this one), when there are any.
#[test]
fn fresh_interop_captures_round_trip_too() {
    let dir = capture::default_dir(Path::new(env!("CARGO_TARGET_TMPDIR")));
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("no fresh interop captures in {} (the Linux tests did not run here)", dir.display());
        return;
    };
    let mut names: Vec<String> =
        entries.filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".pcap").map(str::to_string)).collect();
    names.sort();
    let reasons: Vec<String> = names.iter().filter_map(|name| check(&dir, name).err()).collect();
    assert!(reasons.is_empty(), "fresh captures that did not round-trip:\n{}", reasons.join("\n"));
    eprintln!("{} fresh interop captures round-tripped", names.len());
}

/// Imports run `name` and compares the engine's states with what it recorded.
fn check(dir: &Path, name: &str) -> Result<(), String> {
    let (_, expected) = capture::load(dir, name)?;
    let bytes = std::fs::read(dir.join(format!("{name}.pcap"))).map_err(|e| format!("{name}: {e}"))?;
    let imported = synack_capture::import(&bytes).map_err(|e| format!("{name}: {e}"))?;
    let [conn] = imported.connections.as_slice() else {
        return Err(format!("{name}: {} connections, not one", imported.connections.len()));
    };
    // Which side of the imported connection is the engine: by its address.
    let engine_ip = expected.engine_addr.split(':').next().unwrap_or_default();
    let side = if conn.client.ip().to_string() == engine_ip {
        synack_core::Side::Client
    } else if conn.server.ip().to_string() == engine_ip {
        synack_core::Side::Server
    } else {
        return Err(format!("{name}: the engine {engine_ip} is neither {} nor {}", conn.client, conn.server));
    };
    let mut seen: Vec<State> = vec![conn.initial[side.index()]];
    seen.extend(conn.states.iter().filter(|c| c.side == side).map(|c| c.to));
    let mut want = expected.state_path();
    // A passive open sends nothing, so no capture can show CLOSED -> LISTEN:
    // the importer starts a listener in LISTEN.
    if want.starts_with(&[State::Closed, State::Listen]) {
        want.remove(0);
    }
    if seen == want {
        Ok(())
    } else {
        Err(format!("{name}: the importer's states for the engine ({side}) are {seen:?}, the engine's {want:?}"))
    }
}
