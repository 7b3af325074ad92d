//! A connection's trace (docs/trace-format.md, "Captures"): what a reader of the
//! drawing notices. Crossed segments arrive after the reply that crossed them, and
//! the state change they cause comes after that arrival; a lost segment is dropped,
//! never delivered; each side's ISN is the base of its relative numbers, and a RST
//! from a closed port has none; without a handshake the slant is a nominal 1 ms;
//! sequence numbers wrap past 2^32.

#![allow(clippy::unwrap_used)]

mod build;

use build::*;
use serde_json::Value;
use synack_capture::trace::{Kind, NOMINAL_ONE_WAY_US};
use synack_capture::{import, Connection, Dir, Trace};

fn fixture(name: &str) -> Connection {
    let path = format!("{}/tests/captures/{name}", env!("CARGO_MANIFEST_DIR"));
    import(&std::fs::read(path).unwrap()).unwrap().connections.remove(0)
}

/// Where an event of this kind is in the trace.
fn at(t: &Trace, kind: Kind) -> usize {
    t.events.iter().position(|e| e.kind == kind).unwrap_or_else(|| panic!("no {kind:?} in the trace"))
}

/// Where the state change `side: from → to` is in the trace.
fn state_at(t: &Trace, side: &str, change: &str) -> usize {
    t.events
        .iter()
        .position(|e| t.state(e).is_some_and(|s| s.side.name() == side && format!("{} → {}", s.from, s.to) == change))
        .unwrap_or_else(|| panic!("no {side} {change} in the trace"))
}

/// The first segment from `dir` with all these flags.
fn seg(c: &Connection, dir: Dir, flags: &[&str]) -> usize {
    c.segments.iter().position(|s| s.dir == dir && flags.iter().all(|f| s.flags.names().contains(f))).unwrap()
}

fn json(t: &Trace) -> Value {
    serde_json::from_str(&t.to_json()).unwrap()
}

#[test]
fn crossed_fins_arrive_after_the_reply_and_closing_follows_the_arrival() {
    // RFC 9293 Fig. 13, captured at the client: both FINs sent before either arrived.
    let c = fixture("simultaneous-close.pcap");
    let t = c.trace(300);
    let client_fin = seg(&c, Dir::ClientToServer, &["FIN"]);
    let server_fin = seg(&c, Dir::ServerToClient, &["FIN"]);
    assert!(
        at(&t, Kind::Send(server_fin)) < at(&t, Kind::Deliver(client_fin)),
        "the server's FIN left before the client's arrived"
    );
    assert!(at(&t, Kind::Send(client_fin)) < at(&t, Kind::Deliver(server_fin)));
    // Each side moves to CLOSING on the other's FIN, not before: capture.js drew the
    // server's CLOSING above its own FIN, before the client's FIN had arrived.
    assert!(state_at(&t, "server", "FIN-WAIT-1 → CLOSING") > at(&t, Kind::Deliver(client_fin)));
    assert!(state_at(&t, "server", "ESTABLISHED → FIN-WAIT-1") < at(&t, Kind::Send(server_fin)));
    assert!(state_at(&t, "client", "FIN-WAIT-1 → CLOSING") > at(&t, Kind::Deliver(server_fin)));
    // Each side's changes in the order the observers made them.
    for side in ["client", "server"] {
        let drawn: Vec<String> = t
            .events
            .iter()
            .filter_map(|e| t.state(e))
            .filter(|s| s.side.name() == side)
            .map(|s| s.to.to_string())
            .collect();
        let inferred: Vec<String> =
            c.states.iter().filter(|s| s.side.name() == side).map(|s| s.to.to_string()).collect();
        assert_eq!(drawn, inferred, "{side}");
    }
    let v = json(&t);
    assert_eq!(v["capture"], true);
    let times: Vec<i64> = v["events"].as_array().unwrap().iter().map(|e| e["t_us"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "sorted by t_us");
}

#[test]
fn a_lost_segment_is_dropped_and_never_delivered() {
    let c = fixture("syn-lost.pcap");
    let t = c.trace(300);
    assert!(c.segments[0].lost && c.segments[1].retransmission);
    assert!(at(&t, Kind::Send(0)) < at(&t, Kind::Drop(0)));
    assert!(!t.events.iter().any(|e| e.kind == Kind::Deliver(0)));
    assert!(
        at(&t, Kind::Deliver(1)) < state_at(&t, "server", "LISTEN → SYN-RECEIVED"),
        "the second SYN opens the connection"
    );
    let v = json(&t);
    let drop = v["events"].as_array().unwrap().iter().find(|e| e["kind"] == "drop").unwrap();
    assert_eq!(drop["id"], 1);
    assert_eq!(drop["side"], "client", "a drop is the sender's, as in a scenario's trace");
    assert_eq!(drop["cause"], "capture");
    assert_eq!(drop["dir"], "c2s");
    // The answered SYN's round trip, not the lost one's wait, sets the slant.
    let rtt = t.rtt_us.unwrap();
    assert!(rtt < 1000, "{rtt} µs, not the 1 s between the two SYNs");
    assert_eq!(v["one_way_us"], (rtt + 1) / 2);
}

#[test]
fn each_sides_isn_is_the_base_of_its_relative_numbers() {
    let c = fixture("full-lifecycle.pcap");
    let t = c.trace(300);
    let syn = &c.segments[seg(&c, Dir::ClientToServer, &["SYN"])];
    let syn_ack = &c.segments[seg(&c, Dir::ServerToClient, &["SYN", "ACK"])];
    assert_eq!(t.isn, [Some(syn.seq), Some(syn_ack.seq)]);
    let v = json(&t);
    assert_eq!(v["client"]["isn"], syn.seq);
    assert_eq!(v["client"]["addr"], c.client.to_string());
    assert_eq!(v["server"]["port"], c.server.port());
    assert_eq!(v["initial"]["server"], "LISTEN");
    assert_eq!(v["outcome"]["client"], c.last[0].to_string());
    assert_eq!(v["outcome"]["truncated"], false);
    let send = &v["events"].as_array().unwrap().iter().find(|e| e["kind"] == "send" && e["id"] == 2).unwrap();
    assert_eq!(
        (send["seq_rel"].clone(), send["ack_rel"].clone(), send["seq_isn"].clone()),
        (0.into(), 1.into(), 0.into())
    );
    assert_eq!(send["segment"]["flags"], serde_json::json!(["SYN", "ACK"]));
    assert_eq!(send["segment"]["seq"], syn_ack.seq);
    assert_eq!(send["frame"], syn_ack.frame);
    // The window: the first two segments, and what they caused.
    let two = c.trace(2);
    assert_eq!(json(&two)["outcome"]["truncated"], true);
    assert!(two.events.iter().all(|e| !matches!(e.kind, Kind::Send(i) | Kind::Deliver(i) if i >= 2)));
}

#[test]
fn a_reset_from_a_closed_port_is_no_isn() {
    // SYN, then RST,ACK with SEQ 0 (RFC 9293 §3.10.7.1): the 0 is no ISN of the server's.
    let c = fixture("connection-refused.pcap");
    let t = c.trace(300);
    assert_eq!(c.segments[1].seq, 0);
    assert_eq!(t.isn, [Some(c.segments[0].seq), None]);
    assert_eq!(json(&t)["server"]["isn"], Value::Null);
}

#[test]
fn without_a_handshake_the_slant_is_a_nominal_millisecond() {
    // Mid-connection, 10 ms apart: nothing to measure.
    let segs = [
        tcp(40000, 80, 5000, 9000, ACK | PSH).data(b"GET / HTTP/1.1\r\n\r\n"),
        tcp(40000, 80, 9000, 5018, ACK | PSH).data(b"HTTP/1.1 204 No Content\r\n\r\n").back(),
        tcp(40000, 80, 5018, 9027, ACK),
    ];
    let frames: Vec<(u64, Vec<u8>)> = segs.iter().enumerate().map(|(i, s)| (i as u64 * 10_000, s.ether())).collect();
    let c = import(&pcap(1, &frames)).unwrap().connections.remove(0);
    let t = c.trace(300);
    assert_eq!((t.rtt_us, t.one_way_us), (None, NOMINAL_ONE_WAY_US));
    let when = |k: Kind| t.events[at(&t, k)].t_us;
    assert_eq!(when(Kind::Deliver(0)) - when(Kind::Send(0)), 1000);
    assert_eq!(when(Kind::Deliver(1)) - when(Kind::Send(1)), 1000);
    let v = json(&t);
    assert_eq!((v["one_way_us"].clone(), v["rtt_us"].clone()), (Value::Null, Value::Null));
    assert_eq!(v["initial"]["client"], "ESTABLISHED");
}

#[test]
fn data_crossing_the_2_32_wrap_is_delivered_after_the_reply_it_crossed() {
    // The client's ISN is 2^32 − 2: its first data byte is 2^32 − 1, the second 0.
    // Both sides send data; the server's segment, sent 10 ms after the client's
    // would have arrived by the measured one-way time, still acknowledges only
    // 2^32 − 1, inside the client's segment: the two crossed, so the client's arrives
    // after the server's left. Compared as raw u32s, that ACK (4294967295) would not
    // lie below the segment's end (1), and the client's data would be drawn arriving
    // first.
    let isn = u32::MAX - 1;
    let segs = [
        (0, tcp(40000, 80, isn, 0, SYN)),
        (50_000, tcp(40000, 80, 5000, isn.wrapping_add(1), SYN | ACK).back()),
        (100_000, tcp(40000, 80, isn.wrapping_add(1), 5001, ACK)),
        (200_000, tcp(40000, 80, isn.wrapping_add(1), 5001, ACK | PSH).data(b"hi")),
        (260_000, tcp(40000, 80, 5001, isn.wrapping_add(1), ACK | PSH).data(b"yes").back()),
        (300_000, tcp(40000, 80, 1, 5004, ACK)),
        (350_000, tcp(40000, 80, 5004, 1, ACK).back()),
    ];
    let frames: Vec<(u64, Vec<u8>)> = segs.iter().map(|(us, s)| (*us, s.ether())).collect();
    let c = import(&pcap(1, &frames)).unwrap().connections.remove(0);
    assert_eq!(c.segments[3].seq_rel, 1);
    assert_eq!(c.segments[5].seq, 1, "wrapped");
    let t = c.trace(300);
    assert_eq!(t.isn[0], Some(isn));
    assert_eq!((t.rtt_us, t.one_way_us), (Some(100_000), 50_000));
    assert!(at(&t, Kind::Send(4)) < at(&t, Kind::Deliver(3)), "the client's data crossed the server's");
    assert_eq!(t.events[at(&t, Kind::Deliver(3))].t_us, 260_000, "at once after the server's segment left");
    // The client's next segment acknowledges the server's data across the wrap: it
    // arrived first.
    assert!(at(&t, Kind::Deliver(4)) < at(&t, Kind::Send(5)));
    let v = json(&t);
    let send = v["events"].as_array().unwrap().iter().find(|e| e["kind"] == "send" && e["id"] == 6).unwrap();
    assert_eq!((send["seq_rel"].clone(), send["segment"]["seq"].clone()), (3.into(), 1.into()));
    assert_eq!(v["outcome"]["client"], "ESTABLISHED");
}

#[test]
fn each_segment_carries_its_header_as_captured_for_the_inspector() {
    // Linux's SYN options (mss, sackOK, TS, nop, wscale), then a segment with an
    // unknown option and the end of the list, padded by the builder with NOPs.
    let ts = [8, 10, 0, 0, 0, 7, 0, 0, 0, 0];
    let syn = tcp(40000, 80, 1000, 0, SYN).opts(&[&[2, 4, 5, 0xb4, 4, 2][..], &ts, &[1, 3, 3, 7]].concat());
    let segs =
        [syn, tcp(40000, 80, 5000, 1001, SYN | ACK).back(), tcp(40000, 80, 1001, 5001, ACK).opts(&[30, 4, 9, 9, 0])];
    let c = import(&eth_pcap(&segs)).unwrap().connections.remove(0);
    let j = json(&c.trace(300));
    let sends: Vec<&Value> = j["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "send").collect();
    let header = |i: usize| &sends[i]["segment"];
    assert_eq!(
        header(0)["header"],
        serde_json::json!({ "len": 40, "options": [[2, 4], [4, 2], [8, 10], [1, 1], [3, 3]] })
    );
    assert_eq!(header(1)["header"], serde_json::json!({ "len": 20, "options": [] }));
    // Kind 30 by its length, the end of the list, and nothing read after it.
    assert_eq!(header(2)["header"], serde_json::json!({ "len": 28, "options": [[30, 4], [0, 1]] }));
    // The checksum and urgent pointer are the file's: TCP header bytes 16–19.
    for (i, seg) in segs.iter().enumerate() {
        let bytes = seg.ip();
        assert_eq!(header(i)["checksum"], u16::from_be_bytes([bytes[36], bytes[37]]));
        assert_eq!(header(i)["urgent"], 0);
    }
}
