//! Every committed real capture (made by scripts/make-captures.sh from Linux TCP in
//! network namespaces), read as a user of `synack import` reads it: the segments with
//! Wireshark's relative numbers, and the states each side passes through.

#![allow(clippy::unwrap_used)]

use synack_capture::{import, Capture, Connection};

fn read(name: &str) -> Capture {
    let path = format!("{}/tests/captures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    import(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn only(name: &str) -> Connection {
    let mut c = read(name);
    assert_eq!(c.connections.len(), 1, "{name}: one connection");
    c.connections.remove(0)
}

/// Each segment as `DIR FLAGS SEQ ACK LEN`, with ` rtx` and ` lost` when so marked.
fn segments(c: &Connection) -> Vec<String> {
    c.segments
        .iter()
        .map(|s| {
            let ack = s.ack_rel.map_or("-".to_string(), |a| a.to_string());
            let mut line = format!("{} {} {} {ack} {}", s.dir.as_str(), s.flags.names().join(","), s.seq_rel, s.len);
            if s.retransmission {
                line.push_str(" rtx");
            }
            if s.lost {
                line.push_str(" lost");
            }
            line
        })
        .collect()
}

/// The states one side passes through, starting with its state before the capture.
fn path(c: &Connection, side: &str) -> Vec<String> {
    let i = usize::from(side == "server");
    let mut out = vec![c.initial[i].to_string()];
    let side = if i == 0 { synack_core::Side::Client } else { synack_core::Side::Server };
    out.extend(c.states.iter().filter(|s| s.side == side).map(|s| s.to.to_string()));
    out
}

const HANDSHAKE: [&str; 3] = ["C>S SYN 0 - 0", "S>C SYN,ACK 0 1 0", "C>S ACK 1 1 0"];
const ACTIVE_CLOSE_FW2: [&str; 6] = ["CLOSED", "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT"];
const ACTIVE_CLOSE_3SEG: [&str; 5] = ["CLOSED", "SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "TIME-WAIT"];
const PASSIVE_CLOSE: [&str; 6] = ["LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED"];

/// Whether Linux's ACK of the client's FIN rode on the server's FIN is a race with
/// the server application's close, so a capture made again may show either teardown;
/// where the teardown is not the point, either path is right.
fn active_close(c: &Connection) -> bool {
    let p = path(c, "client");
    p == ACTIVE_CLOSE_FW2 || p == ACTIVE_CLOSE_3SEG
}

#[test]
fn three_way_handshake() {
    let c = only("three-way-handshake.pcap");
    assert_eq!(segments(&c), HANDSHAKE);
    assert_eq!(path(&c, "client"), ["CLOSED", "SYN-SENT", "ESTABLISHED"]);
    assert_eq!(path(&c, "server"), ["LISTEN", "SYN-RECEIVED", "ESTABLISHED"]);
    assert_eq!(c.server.to_string(), "10.99.0.2:80");
    assert!(c.client.to_string().starts_with("10.99.0.1:"));
    // The raw numbers: the SYN,ACK acknowledges the client's ISN + 1 (RFC 9293 §3.4).
    let (syn, synack) = (&c.segments[0], &c.segments[1]);
    assert_eq!(synack.ack, Some(syn.seq.wrapping_add(1)));
    assert_eq!(syn.ack, None);
    // Linux's SYN options (tcp-facts.md): MSS 1460, SACK permitted, timestamps, window scale.
    assert_eq!(syn.options.mss, Some(1460));
    assert!(syn.options.sack_permitted && syn.options.timestamps.is_some() && syn.options.window_scale.is_some());
    assert_eq!(c.bad_checksums, 0);
}

#[test]
fn four_way_teardown() {
    let c = only("four-way-teardown.pcap");
    let mut want = HANDSHAKE.to_vec();
    want.extend(["C>S FIN,ACK 1 1 0", "S>C ACK 1 2 0", "S>C FIN,ACK 1 2 0", "C>S ACK 2 2 0"]);
    assert_eq!(segments(&c), want);
    assert_eq!(path(&c, "client"), ACTIVE_CLOSE_FW2);
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
    // The server's FIN came long after its ACK: its application closed late.
    assert!(c.segments[5].t - c.segments[4].t > 0.2);
}

#[test]
fn three_segment_teardown() {
    let c = only("three-segment-teardown.pcap");
    let mut want = HANDSHAKE.to_vec();
    want.extend(["C>S FIN,ACK 1 1 0", "S>C FIN,ACK 1 2 0", "C>S ACK 2 2 0"]);
    assert_eq!(segments(&c), want);
    // A FIN that also acknowledges ours goes straight from FIN-WAIT-1 to TIME-WAIT.
    assert_eq!(path(&c, "client"), ACTIVE_CLOSE_3SEG);
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
    let tw = c.states.iter().find(|s| s.to.to_string() == "TIME-WAIT").unwrap();
    assert_eq!(tw.from.to_string(), "FIN-WAIT-1");
    assert_eq!(tw.frame, c.segments[4].frame);
}

const LIFECYCLE: [&str; 10] = [
    "C>S SYN 0 - 0",
    "S>C SYN,ACK 0 1 0",
    "C>S ACK 1 1 0",
    "C>S PSH,ACK 1 1 47",
    "S>C ACK 1 48 0",
    "S>C PSH,ACK 1 48 53",
    "C>S ACK 48 54 0",
    "C>S FIN,ACK 48 54 0",
    "S>C FIN,ACK 54 49 0",
    "C>S ACK 49 55 0",
];

#[test]
fn full_lifecycle_in_every_encoding() {
    // The same real packets as Ethernet pcap, pcapng (nanosecond EPBs and a final SPB),
    // raw IP, BSD loopback, and a big-endian nanosecond pcap.
    for name in [
        "full-lifecycle.pcap",
        "full-lifecycle.pcapng",
        "full-lifecycle-raw.pcap",
        "full-lifecycle-null.pcap",
        "full-lifecycle-be-nanos.pcap",
    ] {
        let c = only(name);
        assert_eq!(segments(&c), LIFECYCLE, "{name}");
        assert_eq!(path(&c, "client"), ACTIVE_CLOSE_3SEG, "{name}");
        assert_eq!(path(&c, "server"), PASSIVE_CLOSE, "{name}");
        assert_eq!(c.bad_checksums, 0, "{name}");
    }
    let a = only("full-lifecycle.pcap");
    let b = only("full-lifecycle-be-nanos.pcap");
    let t = |c: &Connection| c.segments.iter().map(|s| (s.t * 1e6).round() as i64).collect::<Vec<_>>();
    assert_eq!(t(&a), t(&b), "the same times in microseconds and nanoseconds");
    assert_eq!(a.segments[0].t, 0.0);
}

#[test]
fn linux_cooked_captures_v1_and_v2() {
    for name in ["cooked-sll.pcap", "cooked-sll2.pcap"] {
        let c = only(name);
        assert_eq!(segments(&c), LIFECYCLE, "{name}");
        assert_eq!(path(&c, "server"), PASSIVE_CLOSE, "{name}");
    }
}

#[test]
fn pcapng_with_two_interfaces() {
    let cap = read("two-interfaces.pcapng");
    assert_eq!(cap.connections.len(), 2);
    assert_eq!(segments(&cap.connections[0]), ["C>S SYN 0 - 0", "S>C RST,ACK 1 1 0"]);
    assert_eq!(segments(&cap.connections[1]), LIFECYCLE);
}

#[test]
fn half_close() {
    let c = only("half-close.pcap");
    let s = segments(&c);
    // The client's FIN after its request; the server goes on sending after it.
    assert_eq!(s[5], "C>S FIN,ACK 48 1 0");
    assert_eq!(
        &s[6..],
        [
            "S>C PSH,ACK 1 49 26",
            "C>S ACK 49 27 0",
            "S>C PSH,ACK 27 49 40",
            "C>S ACK 49 67 0",
            "S>C FIN,ACK 67 49 0",
            "C>S ACK 49 68 0"
        ]
    );
    assert_eq!(path(&c, "client"), ACTIVE_CLOSE_FW2);
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
    // Data arrived while the client was in FIN-WAIT-2.
    let fw2 = c.states.iter().find(|s| s.to.to_string() == "FIN-WAIT-2").unwrap();
    assert!(c.segments.iter().any(|s| s.frame > fw2.frame && s.dir.as_str() == "S>C" && s.len == 40));
}

#[test]
fn connection_refused() {
    let c = only("connection-refused.pcap");
    // The RST's raw sequence number is 0; Wireshark's relative numbering shows 1.
    assert_eq!(segments(&c), ["C>S SYN 0 - 0", "S>C RST,ACK 1 1 0"]);
    assert_eq!(c.segments[1].seq, 0);
    assert_eq!(path(&c, "client"), ["CLOSED", "SYN-SENT", "CLOSED"]);
    assert_eq!(path(&c, "server"), ["CLOSED"]);
    assert_eq!(c.server.port(), 81);
}

#[test]
fn rst_abort() {
    let c = only("rst-abort.pcap");
    assert_eq!(segments(&c).last().unwrap(), "C>S RST,ACK 48 1 0");
    assert_eq!(path(&c, "client"), ["CLOSED", "SYN-SENT", "ESTABLISHED", "CLOSED"]);
    assert_eq!(path(&c, "server"), ["LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSED"]);
    // No TIME-WAIT for anybody after an abort.
    assert!(!c.states.iter().any(|s| s.to.to_string() == "TIME-WAIT"));
}

#[test]
fn syn_lost_is_retransmitted_with_the_same_isn() {
    let c = only("syn-lost.pcap");
    let s = segments(&c);
    assert_eq!(&s[..4], ["C>S SYN 0 - 0 lost", "C>S SYN 0 - 0 rtx", "S>C SYN,ACK 0 1 0", "C>S ACK 1 1 0"]);
    assert_eq!(c.segments[0].seq, c.segments[1].seq);
    let gap = c.segments[1].t - c.segments[0].t;
    assert!((0.9..1.5).contains(&gap), "initial RTO about 1 s, got {gap}");
    // The server moves only on the SYN that reached it.
    let syn_rcvd = c.states.iter().find(|s| s.to.to_string() == "SYN-RECEIVED").unwrap();
    assert_eq!(syn_rcvd.frame, c.segments[1].frame);
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
}

#[test]
fn syn_ack_lost() {
    let c = only("syn-ack-lost.pcap");
    let s = segments(&c);
    assert_eq!(&s[..4], ["C>S SYN 0 - 0", "S>C SYN,ACK 0 1 0 lost", "C>S SYN 0 - 0 rtx", "S>C SYN,ACK 0 1 0 rtx"]);
    // The client stays in SYN-SENT until a SYN,ACK reaches it.
    let est = c.states.iter().find(|s| s.side == synack_core::Side::Client && s.to.to_string() == "ESTABLISHED");
    assert_eq!(est.unwrap().frame, c.segments[3].frame);
    assert!(active_close(&c), "{:?}", path(&c, "client"));
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
}

#[test]
fn final_ack_lost_shows_why_time_wait_exists() {
    let c = only("final-ack-lost.pcap");
    let s = segments(&c);
    assert_eq!(
        &s[3..],
        ["C>S FIN,ACK 1 1 0", "S>C FIN,ACK 1 2 0", "C>S ACK 2 2 0 lost", "S>C FIN,ACK 1 2 0 rtx", "C>S ACK 2 2 0"]
    );
    // The server stays in LAST-ACK until the repeated ACK from TIME-WAIT.
    let closed = c.states.iter().find(|s| s.side == synack_core::Side::Server && s.to.to_string() == "CLOSED");
    assert_eq!(closed.unwrap().frame, c.segments[7].frame);
    assert_eq!(path(&c, "client"), ACTIVE_CLOSE_3SEG);
}

#[test]
fn connect_timeout_doubles_its_retransmissions() {
    let c = only("connect-timeout.pcap");
    assert_eq!(segments(&c), ["C>S SYN 0 - 0 lost", "C>S SYN 0 - 0 rtx lost", "C>S SYN 0 - 0 rtx"]);
    let gaps: Vec<f64> = c.segments.windows(2).map(|w| w[1].t - w[0].t).collect();
    assert!((0.9..1.5).contains(&gaps[0]) && (1.8..2.6).contains(&gaps[1]), "{gaps:?}");
    assert_eq!(path(&c, "client"), ["CLOSED", "SYN-SENT"]);
    assert_eq!(path(&c, "server"), ["CLOSED"]);
}

#[test]
fn simultaneous_open_passes_syn_received_on_both_sides() {
    let c = only("simultaneous-open.pcap");
    let mut s = segments(&c);
    // Both bare SYNs first, then both SYN,ACKs (in whichever order they passed).
    s[..2].sort();
    s[2..4].sort();
    assert_eq!(&s[..4], ["C>S SYN 0 - 0", "S>C SYN 0 - 0", "C>S SYN,ACK 0 1 0", "S>C SYN,ACK 0 1 0"]);
    assert!(c.segments[..4].iter().all(|s| !s.retransmission && !s.lost));
    let open = ["CLOSED", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED"];
    assert_eq!(&path(&c, "client")[..4], open);
    assert_eq!(&path(&c, "server")[..4], open);
}

#[test]
fn simultaneous_close_passes_closing_on_both_sides() {
    let c = only("simultaneous-close.pcap");
    let s = segments(&c);
    // Both FINs acknowledge only the handshake: each was sent before the other arrived.
    assert_eq!(&s[3..], ["C>S FIN,ACK 1 1 0", "S>C FIN,ACK 1 1 0", "C>S ACK 2 2 0", "S>C ACK 2 2 0"]);
    let close = ["ESTABLISHED", "FIN-WAIT-1", "CLOSING", "TIME-WAIT"];
    assert_eq!(&path(&c, "client")[2..], close);
    assert_eq!(&path(&c, "server")[2..], close);
}

#[test]
fn ipv6() {
    let c = only("ipv6-handshake.pcap");
    assert_eq!(c.server.to_string(), "[fd99::2]:80");
    assert_eq!(&segments(&c)[..3], HANDSHAKE);
    assert_eq!(c.segments[0].options.mss, Some(1440), "IPv6 MSS");
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
}

#[test]
fn checksum_offload_is_accepted_and_reported() {
    let cap = read("checksum-offload.pcap");
    let c = &cap.connections[0];
    // Taken with TX checksum offload on: the checksums were never filled in.
    assert!(c.bad_checksums >= 3, "{}", c.bad_checksums);
    assert!(active_close(c), "{:?}", path(c, "client"));
    assert_eq!(&segments(c)[..3], HANDSHAKE);
    assert_eq!(path(c, "server"), PASSIVE_CLOSE);
    let note = "segments carry a wrong TCP checksum, as captures taken on the sending host with checksum offload do";
    assert!(c.notes.iter().any(|n| n.contains(note)), "{:?}", c.notes);
    assert!(cap.notes.iter().any(|n| n.starts_with(&format!("{} segments carry", c.bad_checksums))), "{:?}", cap.notes);
    // The same situation with offload off has none.
    assert_eq!(only("three-segment-teardown.pcap").bad_checksums, 0);
}

#[test]
fn half_open_client_restarts_and_the_challenge_ack_clears_the_stale_connection() {
    let cap = read("half-open.pcap");
    assert_eq!(cap.connections.len(), 2, "the stale connection, then the new one on the same ports");
    let c = &cap.connections[0];
    let s = segments(c);
    assert_eq!(
        &s[..5],
        ["C>S SYN 0 - 0", "S>C SYN,ACK 0 1 0", "C>S ACK 1 1 0", "C>S PSH,ACK 1 1 47", "S>C ACK 1 48 0"]
    );
    // The restarted client's SYN (a new ISN, so not a retransmission), the server's
    // challenge ACK (RFC 5961 §4) carrying the old numbers, and the client's RST with
    // SEQ = that ACK's acknowledgment number (RFC 9293 §3.10.7.3).
    assert_eq!(c.segments[5].flags.names(), ["SYN"]);
    assert!(!c.segments[5].retransmission);
    assert_ne!(c.segments[5].seq, c.segments[0].seq);
    assert_eq!(s[6], "S>C ACK 1 48 0");
    assert_eq!(s[7], "C>S RST 48 - 0");
    assert_eq!(path(c, "client"), ["CLOSED", "SYN-SENT", "ESTABLISHED", "CLOSED", "SYN-SENT"]);
    assert_eq!(path(c, "server"), ["LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSED"]);
    let crash = c.states.iter().find(|s| s.reason.key() == "crash").unwrap();
    assert_eq!(crash.frame, c.segments[5].frame);
    assert!(c.notes.iter().any(|n| n.contains("a half-open connection")), "{:?}", c.notes);
    // The new connection: the SYN again, answered by the listener.
    let n = &cap.connections[1];
    assert_eq!(n.client, c.client);
    assert_eq!(&segments(n)[..3], HANDSHAKE);
    assert_eq!(n.segments[0].seq, c.segments[5].seq);
    assert_eq!(path(n, "server"), PASSIVE_CLOSE);
}

/// The lines of `segments` for these frames (numbered from 1, as in the capture).
fn frames(c: &Connection, range: std::ops::RangeInclusive<usize>) -> Vec<String> {
    segments(c)[range.start() - 1..*range.end()].to_vec()
}

#[test]
fn handshake_ack_lost_the_server_repeats_its_syn_ack() {
    let c = only("handshake-ack-lost.pcap");
    // The ACK that ends the handshake never reaches the server, which repeats its
    // SYN,ACK after 1 s; the client, already ESTABLISHED, acknowledges it again.
    assert_eq!(
        frames(&c, 1..=6),
        [
            "C>S SYN 0 - 0",
            "S>C SYN,ACK 0 1 0",
            "C>S ACK 1 1 0 lost",
            "S>C SYN,ACK 0 1 0 rtx",
            "C>S ACK 1 1 0",
            "C>S PSH,ACK 1 1 47"
        ]
    );
    let gap = c.segments[3].t - c.segments[1].t;
    assert!((0.9..1.5).contains(&gap), "the SYN,ACK again after about 1 s, got {gap}");
    // The client is ESTABLISHED from the first SYN,ACK; the server only on the second ACK.
    let established = |side| c.states.iter().find(|s| s.side == side && s.to.to_string() == "ESTABLISHED").unwrap();
    assert_eq!(established(synack_core::Side::Client).frame, 2);
    assert_eq!(established(synack_core::Side::Server).frame, 5);
    assert_eq!(path(&c, "client"), ACTIVE_CLOSE_3SEG);
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
}

#[test]
fn fin_lost_is_retransmitted_and_taken_then() {
    let c = only("fin-lost.pcap");
    assert_eq!(
        frames(&c, 8..=11),
        ["C>S FIN,ACK 48 54 0 lost", "C>S FIN,ACK 48 54 0 rtx", "S>C FIN,ACK 54 49 0", "C>S ACK 49 55 0"]
    );
    // Linux's retransmission timer: at least 200 ms.
    let gap = c.segments[8].t - c.segments[7].t;
    assert!((0.2..0.6).contains(&gap), "{gap}");
    // The server enters CLOSE-WAIT on the FIN that arrived, not on the lost one; the
    // client waits in FIN-WAIT-1 the whole time.
    let close_wait = c.states.iter().find(|s| s.to.to_string() == "CLOSE-WAIT").unwrap();
    assert_eq!(close_wait.frame, 9);
    assert_eq!(path(&c, "client"), ACTIVE_CLOSE_3SEG);
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
}

/// Ten full segments from the server after the request, acknowledged one by one.
const STREAM_END: u32 = 1 + 10 * 1448;

#[test]
fn data_lost_is_repaired_by_a_fast_retransmission() {
    let c = only("data-lost.pcap");
    // The third data segment is dropped on arrival; the client acknowledges the next
    // one with SACK (RFC 2018) and Linux retransmits at once (RACK, RFC 8985).
    assert_eq!(
        frames(&c, 10..=14),
        [
            "S>C PSH,ACK 2897 48 1448 lost",
            "S>C PSH,ACK 4345 48 1448",
            "C>S ACK 48 2897 0",
            "S>C PSH,ACK 2897 48 1448 rtx",
            "C>S ACK 48 5793 0"
        ]
    );
    let sack = &c.segments[11].options.sack;
    let base = c.segments[1].seq.wrapping_add(1);
    assert_eq!(sack, &[(base.wrapping_add(4344), base.wrapping_add(5792))], "SACK of the segment after the gap");
    // The retransmission fills the gap, and the client acknowledges the segment after it
    // too: the receiver kept it. The close after the stream is taken on both sides.
    assert_eq!(segments(&c).last().unwrap(), &format!("C>S ACK 49 {} 0", STREAM_END + 1));
    assert_eq!(path(&c, "client"), ACTIVE_CLOSE_3SEG);
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
    assert_eq!(c.segments.iter().filter(|s| s.lost).count(), 1);
}

#[test]
fn data_reordered_fills_its_gap_and_is_not_a_retransmission() {
    let c = only("data-reordered.pcap");
    // The third data segment is held back 0.1 s in the server's queue while the rest
    // go ahead; the client SACKs each of them and acknowledges all at once when it comes.
    let s = segments(&c);
    assert_eq!(s[9], "S>C ACK 4345 48 1448");
    assert_eq!(s[10], "C>S ACK 48 2897 0");
    assert_eq!(&s[20..23], ["C>S ACK 48 2897 0", "S>C PSH,ACK 2897 48 1448", "C>S ACK 48 13033 0"]);
    assert!(c.segments[21].t - c.segments[9].t > 0.05, "held back behind the later segments");
    // Its sequence space appears here for the first time: no retransmission, nothing lost.
    assert!(c.segments.iter().all(|s| !s.retransmission && !s.lost), "{s:?}");
    assert!(c.notes.iter().any(|n| n.starts_with("Frame 22 filled a gap")), "{:?}", c.notes);
    assert_eq!(path(&c, "client"), ACTIVE_CLOSE_3SEG);
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
}

#[test]
fn data_duplicated_is_flagged_and_reported_by_a_duplicate_sack() {
    let c = only("data-duplicated.pcap");
    // The fourth data segment arrives twice; the client answers the copy with a
    // duplicate ACK whose SACK block lies below its acknowledgment (a D-SACK, RFC 2883).
    assert_eq!(
        frames(&c, 12..=15),
        ["S>C PSH,ACK 4345 48 1448", "C>S ACK 48 5793 0", "S>C PSH,ACK 4345 48 1448 rtx", "C>S ACK 48 5793 0"]
    );
    let base = c.segments[1].seq.wrapping_add(1);
    assert_eq!(c.segments[14].options.sack, [(base.wrapping_add(4344), base.wrapping_add(5792))]);
    // The first copy arrived (it was acknowledged): nothing is lost.
    assert!(c.segments.iter().all(|s| !s.lost));
    assert_eq!(path(&c, "client"), ACTIVE_CLOSE_3SEG);
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
}

#[test]
fn bulk_transfer_both_ways_ends_with_the_close() {
    // 100 kB each way, headers only (a 96-byte snapshot). Every ACK crosses data still
    // in flight; the importer once lost the close here (the client stayed in FIN-WAIT-1).
    let c = only("bulk.pcap");
    assert!(c.segments.len() > 150, "{}", c.segments.len());
    assert!(c.segments.iter().all(|s| !s.retransmission && !s.lost));
    let largest = c.segments.iter().map(|s| s.len).max().unwrap();
    assert_eq!(largest, 1448, "full segments: MSS 1460 less 12 bytes of timestamps");
    let fin =
        |dir: &str| c.segments.iter().find(|s| s.dir.as_str() == dir && s.flags.names().contains(&"FIN")).unwrap();
    assert_eq!(fin("C>S").seq_rel, 100_001);
    assert_eq!(fin("S>C").seq_rel, 100_001);
    assert!(active_close(&c), "{:?}", path(&c, "client"));
    assert_eq!(path(&c, "server"), PASSIVE_CLOSE);
    assert_eq!(c.last.map(|s| s.to_string()), ["TIME-WAIT", "CLOSED"]);
}

#[test]
fn close_with_unread_data_is_a_rst_not_a_fin() {
    // The server closes without reading the 47-byte request (issue 15).
    let c = only("close-with-unread-data.pcap");
    let s = segments(&c);
    assert_eq!(&s[3..], ["C>S PSH,ACK 1 1 47", "S>C ACK 1 48 0", "S>C RST,ACK 1 48 0"]);
    assert!(!s.iter().any(|x| x.contains("FIN")), "{s:?}");
    assert_eq!(path(&c, "client"), ["CLOSED", "SYN-SENT", "ESTABLISHED", "CLOSED"]);
}

#[test]
fn keepalive_probes_then_a_reset() {
    // The client went silent; the server's keep-alive (2 s, 1 s, 3 probes) probes
    // with SEQ = SND.UNA - 1 and gives up with RST,ACK (issue 15).
    let c = only("keepalive.pcap");
    let s = segments(&c);
    assert_eq!(s.len(), 9, "{s:?}");
    assert_eq!(&s[6..8], [s[5].clone(), s[5].clone()], "three identical probes");
    assert!(s[5].starts_with("S>C ACK 0 48 0"), "{s:?}");
    assert_eq!(s[8], "S>C RST,ACK 1 48 0");
}

#[test]
fn accept_queue_full_drops_the_handshakes_ack_and_resends_the_syn_ack() {
    // listen(1) and no accept(): the accept queue holds 2. The client on port
    // 40002 lost its first ACK; by the time it answers the resent SYN,ACK the
    // other two fill the queue, so Linux drops its ACKs (tcp_abort_on_overflow=0)
    // and resends the SYN,ACK after 1 s and 2 s more, while the client has been
    // ESTABLISHED since the first SYN,ACK (issue 15).
    let cap = read("accept-queue-full.pcap");
    assert_eq!(cap.connections.len(), 3);
    let c = cap.connections.iter().find(|c| c.client.port() == 40002).unwrap();
    let s = segments(c);
    assert_eq!(
        &s[..6],
        [
            "C>S SYN 0 - 0",
            "S>C SYN,ACK 0 1 0",
            "C>S ACK 1 1 0 lost",
            "S>C SYN,ACK 0 1 0 rtx",
            "C>S ACK 1 1 0 lost",
            "S>C SYN,ACK 0 1 0 rtx"
        ]
    );
    let syn_acks: Vec<f64> = c
        .segments
        .iter()
        .filter(|x| x.dir.as_str() == "S>C" && x.flags.names() == ["SYN", "ACK"])
        .map(|x| x.t)
        .collect();
    assert!((0.95..1.2).contains(&(syn_acks[1] - syn_acks[0])), "{syn_acks:?}");
    assert!((1.95..2.4).contains(&(syn_acks[2] - syn_acks[1])), "{syn_acks:?}");
    assert_eq!(&path(c, "client")[..3], ["CLOSED", "SYN-SENT", "ESTABLISHED"]);
}

#[test]
fn syn_cookies_answer_a_full_syn_queue_from_a_cookie() {
    // listen(2), tcp_syncookies=1: three forged SYNs (from addresses whose
    // SYN,ACKs reach nobody) fill the SYN queue; the real client's SYN is then
    // answered from a cookie, and its ACK alone makes the connection (issue 15).
    let cap = read("syn-cookies.pcap");
    assert_eq!(cap.connections.len(), 4);
    let forged: Vec<&Connection> =
        cap.connections.iter().filter(|c| c.client.port() >= 40001 && c.client.port() <= 40003).collect();
    assert_eq!(forged.len(), 3);
    for c in &forged {
        assert_eq!(&segments(c)[..2], ["C>S SYN 0 - 0", "S>C SYN,ACK 0 1 0"]);
    }
    let real = cap.connections.iter().find(|c| c.client.port() < 40001 || c.client.port() > 40003).unwrap();
    let s = segments(real);
    assert_eq!(&s[..3], ["C>S SYN 0 - 0", "S>C SYN,ACK 0 1 0", "C>S ACK 1 1 0"]);
    // The server's own counters say the SYN,ACK was a cookie and the ACK brought
    // it back (the TSval's low bits that carry the options are hidden on the wire
    // by the connection's random timestamp offset).
    let txt =
        std::fs::read_to_string(format!("{}/tests/captures/syn-cookies.txt", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(txt.contains("TcpExtSyncookiesSent 1") && txt.contains("TcpExtSyncookiesRecv 1"), "{txt}");
    assert_eq!(&path(real, "client")[..3], ["CLOSED", "SYN-SENT", "ESTABLISHED"]);
}

#[test]
fn syn_flood_drops_the_real_clients_syns_until_the_forged_entries_expire() {
    // listen(2), tcp_syncookies=0: three forged SYNs fill the SYN queue; each gets
    // its SYN,ACK and 5 resends (tcp_synack_retries) and nobody answers; the real
    // client's SYNs meet silence until the entries are gone (issue 15).
    let cap = read("syn-flood.pcap");
    assert_eq!(cap.connections.len(), 4);
    for c in cap.connections.iter().filter(|c| (40001..=40003).contains(&c.client.port())) {
        let s = segments(c);
        assert_eq!(s.len(), 7, "{s:?}");
        assert_eq!(s[0], "C>S SYN 0 - 0");
        assert!(s[1..].iter().all(|x| x.starts_with("S>C SYN,ACK 0 1 0")), "{s:?}");
    }
    let real = cap.connections.iter().find(|c| !(40001..=40003).contains(&c.client.port())).unwrap();
    let syns: Vec<f64> =
        real.segments.iter().filter(|s| s.dir.as_str() == "C>S" && s.flags.names() == ["SYN"]).map(|s| s.t).collect();
    assert!(syns.len() >= 10, "{syns:?}");
    let first_answer = real.segments.iter().find(|s| s.dir.as_str() == "S>C").unwrap();
    assert_eq!(first_answer.flags.names(), ["SYN", "ACK"]);
    assert!(first_answer.t > 63.0, "answered only after the forged entries expired: {}", first_answer.t);
    let txt = std::fs::read_to_string(format!("{}/tests/captures/syn-flood.txt", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(txt.contains("TcpExtSyncookiesSent 0"), "{txt}");
}

#[test]
fn time_wait_new_syn_opens_a_new_connection_on_the_same_ports() {
    // The server answered and closed first (TIME-WAIT); the client's new SYN from
    // the same port, 0.1 s later, opened a second connection (linux_profile.rs
    // checks the new ISN: the old SND.NXT + 65537).
    let cap = read("time-wait-new-syn.pcap");
    assert_eq!(cap.connections.len(), 2);
    let (old, new) = (&cap.connections[0], &cap.connections[1]);
    assert_eq!(new.client, old.client);
    assert_eq!(path(old, "server"), ["LISTEN", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "TIME-WAIT"]);
    assert_eq!(&segments(new)[..3], HANDSHAKE);
    assert_eq!(path(new, "server")[..3], ["LISTEN", "SYN-RECEIVED", "ESTABLISHED"]);
}

#[test]
fn fast_open_asks_for_a_cookie_then_sends_its_request_in_the_syn() {
    // tcp_fastopen=3 both sides, sendto(MSG_FASTOPEN) twice (RFC 7413).
    let cap = read("fast-open.pcap");
    assert_eq!(cap.connections.len(), 2);
    let (first, second) = (&cap.connections[0], &cap.connections[1]);
    // The first: an empty option asks for a cookie; the SYN,ACK brings 8 bytes;
    // the request waits for the handshake and carries its ACK (no bare ACK).
    assert_eq!(&segments(first)[..4], ["C>S SYN 0 - 0", "S>C SYN,ACK 0 1 0", "C>S PSH,ACK 1 1 47", "S>C ACK 1 48 0"]);
    assert_eq!(first.segments[0].options.fast_open.as_deref(), Some(&[][..]));
    let cookie = first.segments[1].options.fast_open.clone().unwrap();
    assert_eq!(cookie.len(), 8);
    // Option 34 goes last, padded with two NOPs, as the engine lays it out.
    let kinds: Vec<u8> = first.segments[0].header.options.iter().map(|o| o[0]).collect();
    assert_eq!(kinds, [2, 4, 8, 1, 3, 34, 1, 1]);
    assert_eq!(first.segments[1].header.options[5], [34, 10]);
    // The second: the cookie and the request in the SYN, acknowledged by the SYN,ACK
    // (ISN + 1 + 47), which carries no cookie.
    assert_eq!(&segments(second)[..3], ["C>S SYN 0 - 47", "S>C SYN,ACK 0 48 0", "C>S ACK 48 1 0"]);
    assert_eq!(second.segments[0].options.fast_open.as_ref(), Some(&cookie));
    assert_eq!(second.segments[1].options.fast_open, None);
    // The observers follow it: the client ESTABLISHED on the SYN,ACK, the server's
    // request taken in SYN-RECEIVED; both close as usual.
    assert_eq!(path(second, "client"), ACTIVE_CLOSE_3SEG);
    assert_eq!(path(second, "server"), PASSIVE_CLOSE);
    assert_eq!(path(first, "client"), ACTIVE_CLOSE_3SEG);
}
