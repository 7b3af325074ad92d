//! The committed captures in `tests/captures/` (real runs against Linux and smoltcp)
//! read back, and the packets agree with the states recorded beside them. No root
//! needed: this is what a capture importer's round trip starts from.

use std::path::{Path, PathBuf};

use synack_core::{Side, State};
use synack_interop::capture::{self, Expected};
use synack_interop::pcap::Record;
use synack_interop::wire::{self, Packet};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures")
}

/// Every run in the directory, by the names of its pcap files.
fn committed_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(committed_dir())
        .expect("tests/captures exists")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".pcap").map(str::to_string))
        .collect();
    names.sort();
    names
}

fn load(name: &str) -> (Vec<Record>, Vec<Packet>, Expected) {
    let (records, expected) = capture::load(&committed_dir(), name).unwrap_or_else(|e| panic!("{e}"));
    let packets = records
        .iter()
        .map(|r| wire::decode(&r.data).unwrap_or_else(|e| panic!("{name}: a packet does not decode: {e}")))
        .collect();
    (records, packets, expected)
}

#[test]
fn committed_captures_cover_both_stacks_and_both_roles() {
    let names = committed_names();
    let mut seen = Vec::new();
    for name in &names {
        let (_, _, e) = load(name);
        assert_eq!(&e.name, name, "the JSON names its own run");
        seen.push((e.peer.clone(), e.engine_side));
    }
    assert!(seen.contains(&("linux".into(), Side::Client)), "{seen:?}");
    assert!(seen.contains(&("linux".into(), Side::Server)), "{seen:?}");
    assert!(seen.contains(&("smoltcp".into(), Side::Client)), "{seen:?}");
    assert!(names.iter().any(|n| n == "linux-simultaneous-open"), "{names:?}");
}

#[test]
fn committed_captures_agree_with_their_states() {
    for name in committed_names() {
        let (records, packets, e) = load(&name);
        let engine = e.engine_addr.parse::<std::net::Ipv4Addr>().expect("engine_addr is an IPv4 address");
        let peer = e.peer_addr.parse::<std::net::Ipv4Addr>().expect("peer_addr is an IPv4 address");
        for p in &packets {
            assert!((p.src, p.dst) == (engine, peer) || (p.src, p.dst) == (peer, engine), "{name}: {p:?}");
        }
        assert!(records.windows(2).all(|w| w[0].t_us <= w[1].t_us), "{name}: packets in time order");

        // The states form one chain from CLOSED, all on the engine's side, in time order.
        let path = e.state_path();
        assert_eq!(path.first(), Some(&State::Closed), "{name}");
        assert!(e.transitions.windows(2).all(|w| w[0].to == w[1].from && w[0].t_us <= w[1].t_us), "{name}");
        assert!(e.transitions.iter().all(|t| t.side == e.engine_side), "{name}");
        let engine_first = records.iter().zip(&packets).find(|(_, p)| p.src == engine).map(|(r, _)| r.t_us);
        let opened = e.transitions[0].t_us;
        assert!(engine_first.is_some_and(|t| t >= opened), "{name}: the engine sent nothing before it opened");

        // What the packets say, read without the engine.
        let from_engine = |p: &Packet| p.src == engine;
        let bare_syn = |p: &Packet| p.segment.flags.syn && p.segment.ack.is_none();
        let engine_syn = packets.iter().any(|p| from_engine(p) && bare_syn(p));
        let peer_syn = packets.iter().any(|p| !from_engine(p) && bare_syn(p));
        let first_fin = packets.iter().position(|p| p.segment.flags.fin);
        let reset = packets.iter().any(|p| !from_engine(p) && p.segment.flags.rst);
        // SYN-SENT exactly when the engine opened actively (sent a SYN without ACK);
        // LISTEN or SYN-SENT → SYN-RECEIVED (a simultaneous open) only on the peer's SYN.
        assert_eq!(path.contains(&State::SynSent), engine_syn, "{name}: SYN-SENT and the engine's SYN");
        assert_eq!(path.contains(&State::SynReceived), peer_syn, "{name}: SYN-RECEIVED and the peer's SYN");
        assert_eq!(e.engine_side == Side::Server, path.contains(&State::Listen), "{name}: a server listens");
        if path.contains(&State::TimeWait) {
            let fin = first_fin.expect("TIME-WAIT follows a close");
            assert!(from_engine(&packets[fin]), "{name}: TIME-WAIT on the engine, so its FIN came first");
        }
        if path.contains(&State::LastAck) {
            let fin = first_fin.expect("LAST-ACK follows the peer's FIN");
            assert!(!from_engine(&packets[fin]), "{name}: LAST-ACK on the engine, so the peer's FIN came first");
        }
        if reset {
            assert_eq!(path, [State::Closed, State::SynSent, State::Closed], "{name}: refused");
            assert_eq!(e.peer_final_state, None, "{name}: a refused connection leaves the peer nothing");
        }
        // Data flows only over a connection that was established.
        let established = path.contains(&State::Established);
        let carried = packets.iter().any(|p| !p.segment.payload.is_empty());
        assert_eq!(established, carried, "{name}: data flows exactly when the connection was established");
    }
}
