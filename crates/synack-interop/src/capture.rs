//! What an interop run leaves behind: a pcap file of every IP packet that crossed
//! between the engine and the real stack, and beside it a JSON file of the states
//! the engine went through. A capture importer reading the pcap must infer the same
//! states.
//!
//! The naming scheme: in a directory `DIR`, the run `NAME` writes `DIR/NAME.pcap`
//! and `DIR/NAME.states.json` ([`capture_paths`]). The tests use
//! `target/tmp/interop-captures/` ([`default_dir`] of cargo's `CARGO_TARGET_TMPDIR`).

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use synack_core::{Side, State};

use crate::pcap::{self, Record};
use crate::wire::{ENGINE_ADDR, PEER_ADDR};

// The engine's types serialise but do not deserialise (synack-core reads only
// scenarios, with its own reader), so the names are read back here.
fn side<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Side, D::Error> {
    match String::deserialize(d)?.as_str() {
        "client" => Ok(Side::Client),
        "server" => Ok(Side::Server),
        other => Err(serde::de::Error::custom(format!("`{other}` is not client or server"))),
    }
}

fn state<'de, D: serde::Deserializer<'de>>(d: D) -> Result<State, D::Error> {
    let name = String::deserialize(d)?;
    name.parse().map_err(|()| serde::de::Error::custom(format!("`{name}` is not an RFC 9293 state")))
}

/// One state change of the engine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// The engine's role in the connection.
    #[serde(deserialize_with = "side")]
    pub side: Side,
    #[serde(deserialize_with = "state")]
    pub from: State,
    #[serde(deserialize_with = "state")]
    pub to: State,
    /// The engine's stable key for why (`syn-ack-received`, `fin-received`, …).
    pub reason_key: String,
    /// When, on the capture's clock (microseconds since the Unix epoch).
    pub t_us: u64,
}

/// The `NAME.states.json` file: what the engine went through in the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    /// The run's name, as in the file names.
    pub name: String,
    /// The real stack: `"linux"` or `"smoltcp"`.
    pub peer: String,
    /// The engine's role: it is `"client"` or `"server"` in `transitions`.
    #[serde(deserialize_with = "side")]
    pub engine_side: Side,
    pub engine_addr: String,
    pub peer_addr: String,
    /// The engine's state changes in order.
    pub transitions: Vec<Transition>,
    /// The peer's last state, as the peer reported it, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_final_state: Option<String>,
}

impl Expected {
    pub fn new(name: &str, peer: &str, engine_side: Side, transitions: Vec<Transition>) -> Expected {
        Expected {
            name: name.to_string(),
            peer: peer.to_string(),
            engine_side,
            engine_addr: ENGINE_ADDR.to_string(),
            peer_addr: PEER_ADDR.to_string(),
            transitions,
            peer_final_state: None,
        }
    }

    /// The states in order, starting with the first transition's `from`.
    pub fn state_path(&self) -> Vec<State> {
        let mut path: Vec<State> = self.transitions.first().map(|t| t.from).into_iter().collect();
        path.extend(self.transitions.iter().map(|t| t.to));
        path
    }
}

/// Where the tests put their captures: `TARGET_TMPDIR/interop-captures`.
/// Pass `env!("CARGO_TARGET_TMPDIR")` from an integration test.
pub fn default_dir(target_tmpdir: &Path) -> PathBuf {
    target_tmpdir.join("interop-captures")
}

/// The two files of run `name` in `dir`: `(NAME.pcap, NAME.states.json)`.
pub fn capture_paths(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    (dir.join(format!("{name}.pcap")), dir.join(format!("{name}.states.json")))
}

/// Write both files of a run (creating `dir`) and return their paths.
pub fn save(dir: &Path, records: &[Record], expected: &Expected) -> io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    let (pcap_path, json_path) = capture_paths(dir, &expected.name);
    std::fs::write(&pcap_path, pcap::write(records))?;
    let mut json = serde_json::to_string_pretty(expected).map_err(io::Error::other)?;
    json.push('\n');
    std::fs::write(&json_path, json)?;
    Ok((pcap_path, json_path))
}

/// Read a run's two files back.
pub fn load(dir: &Path, name: &str) -> Result<(Vec<Record>, Expected), String> {
    let (pcap_path, json_path) = capture_paths(dir, name);
    let bytes = std::fs::read(&pcap_path).map_err(|e| format!("{}: {e}", pcap_path.display()))?;
    let records = pcap::read(&bytes).map_err(|e| format!("{}: {e}", pcap_path.display()))?;
    let text = std::fs::read_to_string(&json_path).map_err(|e| format!("{}: {e}", json_path.display()))?;
    let expected = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json_path.display()))?;
    Ok((records, expected))
}
