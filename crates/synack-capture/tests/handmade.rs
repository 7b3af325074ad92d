//! Link types and situations that the real captures do not cover, built byte by byte:
//! VLAN tags, IPv6 extension headers, a capture that starts mid-connection, ports
//! used twice, SACK blocks, and the JSON that `synack import --format json` prints.

#![allow(clippy::unwrap_used)]

mod build;

use build::*;
use synack_capture::import;

fn states(c: &synack_capture::Connection) -> Vec<String> {
    c.states.iter().map(|s| format!("{} {:?} {}>{}", s.frame, s.side, s.from, s.to)).collect()
}

#[test]
fn vlan_tags_single_and_stacked() {
    let segs = handshake();
    let frames: Vec<(u64, Vec<u8>)> = segs
        .iter()
        .enumerate()
        .map(|(i, s)| (i as u64, s.ether_vlan(if i == 1 { &[10, 20] } else { &[10] })))
        .collect();
    let cap = import(&pcap(1, &frames)).unwrap();
    let c = &cap.connections[0];
    assert_eq!(c.segments.len(), 3);
    assert_eq!(c.segments[1].flags.names(), ["SYN", "ACK"]);
    assert_eq!(c.last.map(|s| s.to_string()), ["ESTABLISHED", "ESTABLISHED"]);
    assert_eq!(c.bad_checksums, 0);
}

#[test]
fn ipv6_extension_headers_are_skipped() {
    let v6 = |last: u8| {
        let mut a = vec![0x20, 0x01, 0x0d, 0xb8];
        a.extend([0; 11]);
        a.push(last);
        a
    };
    let mut seg = tcp(40000, 80, 7, 0, SYN);
    seg.src = v6(1);
    seg.dst = v6(2);
    // Hop-by-hop options (8 bytes), destination options (16 bytes), a fragment header
    // of an unfragmented packet (offset 0, no more fragments).
    let hbh = (0u8, vec![0, 0, 1, 4, 0, 0, 0, 0]);
    let dst = (60u8, vec![0, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let frag = (44u8, vec![0, 0, 0, 0, 0, 0, 0, 1]);
    let ip = seg.ip_with(&[hbh, dst, frag]);
    let cap = import(&pcap(101, &[(0, ip.clone())])).unwrap();
    let c = &cap.connections[0];
    assert_eq!(c.client.to_string(), "[2001:db8::1]:40000");
    assert_eq!(c.segments[0].flags.names(), ["SYN"]);
    assert_eq!(c.bad_checksums, 0, "the pseudo-header uses the upper-layer length");
    // A later fragment is counted and skipped.
    let mut later = ip;
    later[40 + 8 + 16 + 3] = 0x08; // Offset 1.
    let err = import(&pcap(101, &[(0, later)])).unwrap_err().to_string();
    assert_eq!(err, "no TCP segment among the 1 packets of the capture (1 IP fragments)");
}

#[test]
fn a_capture_that_starts_mid_connection() {
    // Data both ways, then the server closes first; no SYN anywhere.
    let segs = [
        tcp(40000, 80, 5000, 9000, ACK | PSH).data(b"GET / HTTP/1.1\r\n\r\n"),
        tcp(40000, 80, 9000, 5018, ACK | PSH).data(b"HTTP/1.1 204 No Content\r\n\r\n").back(),
        tcp(40000, 80, 9027, 5018, ACK | FIN).back(),
        tcp(40000, 80, 5018, 9028, ACK | FIN),
        tcp(40000, 80, 9028, 5019, ACK).back(),
    ];
    let cap = import(&eth_pcap(&segs)).unwrap();
    let c = &cap.connections[0];
    assert_eq!(c.client.port(), 40000, "the higher port is taken as the client");
    assert!(c.notes[0].contains("the side with the higher port is taken as the client"), "{:?}", c.notes);
    // Wireshark's numbering without a SYN: each direction starts at 1.
    let nums: Vec<(u32, Option<u32>)> = c.segments.iter().map(|s| (s.seq_rel, s.ack_rel)).collect();
    assert_eq!(nums, [(1, Some(1)), (1, Some(19)), (28, Some(19)), (19, Some(29)), (29, Some(20))]);
    assert_eq!(c.initial.map(|s| s.to_string()), ["ESTABLISHED", "ESTABLISHED"]);
    assert_eq!(
        states(c),
        [
            "3 Server ESTABLISHED>FIN-WAIT-1",
            "3 Client ESTABLISHED>CLOSE-WAIT",
            "4 Client CLOSE-WAIT>LAST-ACK",
            "4 Server FIN-WAIT-1>TIME-WAIT",
            "5 Client LAST-ACK>CLOSED",
        ]
    );
}

#[test]
fn the_client_is_the_receiver_of_the_first_syn_ack_when_the_syn_is_missing() {
    let segs = handshake();
    let cap = import(&eth_pcap(&segs[1..])).unwrap();
    let c = &cap.connections[0];
    assert_eq!(c.client.port(), 40000);
    assert_eq!(c.segments[0].dir.as_str(), "S>C");
    assert_eq!((c.segments[0].seq_rel, c.segments[0].ack_rel), (0, Some(1)));
}

#[test]
fn ports_used_again_make_a_second_connection() {
    let mut segs = handshake();
    segs.push(tcp(40000, 80, 1001, 5001, ACK | RST));
    // The same ports again, with a new ISN.
    segs.push(tcp(40000, 80, 777_777, 0, SYN));
    segs.push(tcp(40000, 80, 0, 777_778, ACK | RST).back());
    let cap = import(&eth_pcap(&segs)).unwrap();
    assert_eq!(cap.connections.len(), 2);
    let second = &cap.connections[1];
    assert_eq!(second.segments.len(), 2);
    assert_eq!(second.segments[0].seq_rel, 0);
    assert!(second.notes.iter().any(|n| n == "These ports were used by an earlier connection in the capture."));
    assert_eq!(second.last.map(|s| s.to_string()), ["CLOSED", "CLOSED"]);
}

#[test]
fn sack_blocks_and_a_data_retransmission() {
    let mut segs = handshake();
    segs.push(tcp(40000, 80, 1001, 5001, ACK | PSH).data(&[b'a'; 100]));
    segs.push(tcp(40000, 80, 1101, 5001, ACK | PSH).data(&[b'b'; 100]));
    // The server lost the first: it acknowledges the handshake and SACKs the second.
    let mut sack = vec![1, 1, 5, 10];
    sack.extend(1101u32.to_be_bytes());
    sack.extend(1201u32.to_be_bytes());
    segs.push(tcp(40000, 80, 5001, 1001, ACK).opts(&sack).back());
    segs.push(tcp(40000, 80, 1001, 5001, ACK | PSH).data(&[b'a'; 100]));
    segs.push(tcp(40000, 80, 5001, 1201, ACK).back());
    let cap = import(&eth_pcap(&segs)).unwrap();
    let c = &cap.connections[0];
    assert_eq!(c.segments[5].options.sack, [(1101, 1201)]);
    let marks: Vec<(bool, bool)> = c.segments.iter().map(|s| (s.retransmission, s.lost)).collect();
    assert_eq!(marks[3], (false, true), "the first data segment never arrived");
    assert_eq!(marks[6], (true, false), "its retransmission");
    assert_eq!(c.segments[0].options.window_scale, Some(7));
    assert_eq!(c.segments[0].options.mss, Some(1460));
}

#[test]
fn acks_crossing_a_burst_of_data_do_not_lose_the_close() {
    // A bulk transfer seen from the client's side: three segments leave back to back,
    // and the server's ACK of the first was sent before the second reached it (it
    // acknowledges 1101, inside the second). The second, and the third behind it on
    // the same path, arrive only after that ACK; the FIN after them must still be
    // taken. Delivering the third before the second left the server's RCV.NXT at 1201
    // for good, and its observer never saw the client's FIN (the linux-bulk round trip).
    let mut segs = handshake();
    segs.push(tcp(40000, 80, 1001, 5001, ACK).data(&[b'a'; 100]));
    segs.push(tcp(40000, 80, 1101, 5001, ACK).data(&[b'b'; 100]));
    segs.push(tcp(40000, 80, 1201, 5001, ACK | PSH).data(&[b'c'; 100]));
    segs.push(tcp(40000, 80, 5001, 1101, ACK).back());
    segs.push(tcp(40000, 80, 5001, 1301, ACK).back());
    segs.push(tcp(40000, 80, 1301, 5001, ACK | FIN));
    segs.push(tcp(40000, 80, 5001, 1302, ACK | FIN).back());
    segs.push(tcp(40000, 80, 1302, 5002, ACK));
    let cap = import(&eth_pcap(&segs)).unwrap();
    let c = &cap.connections[0];
    assert!(c.segments.iter().all(|s| !s.retransmission && !s.lost));
    assert_eq!(
        states(c),
        [
            "1 Client CLOSED>SYN-SENT",
            "1 Server LISTEN>SYN-RECEIVED",
            "2 Client SYN-SENT>ESTABLISHED",
            "3 Server SYN-RECEIVED>ESTABLISHED",
            "9 Client ESTABLISHED>FIN-WAIT-1",
            "9 Server ESTABLISHED>CLOSE-WAIT",
            "10 Server CLOSE-WAIT>LAST-ACK",
            "10 Client FIN-WAIT-1>TIME-WAIT",
            "11 Server LAST-ACK>CLOSED",
        ]
    );
}

#[test]
fn a_duplicate_sack_clears_the_first_copy_of_a_repeated_segment() {
    // A data segment seen twice before any acknowledgment. Without more evidence the
    // first copy is judged lost (the sender would not repeat what had arrived); a
    // D-SACK for that range (RFC 2883: a SACK block below the ACK) says the receiver
    // got both, so neither was lost.
    let case = |sack: Option<(u32, u32)>| {
        let mut segs = handshake();
        segs.push(tcp(40000, 80, 1001, 5001, ACK | PSH).data(&[b'a'; 100]));
        segs.push(tcp(40000, 80, 1001, 5001, ACK | PSH).data(&[b'a'; 100]));
        let mut ack = tcp(40000, 80, 5001, 1101, ACK).back();
        if let Some((l, r)) = sack {
            let mut o = vec![1, 1, 5, 10];
            o.extend(l.to_be_bytes());
            o.extend(r.to_be_bytes());
            ack = ack.opts(&o);
        }
        segs.push(ack);
        let cap = import(&eth_pcap(&segs)).unwrap();
        cap.connections[0].segments[3..5].iter().map(|s| (s.retransmission, s.lost)).collect::<Vec<_>>()
    };
    assert_eq!(case(None), [(false, true), (true, false)]);
    assert_eq!(case(Some((1001, 1101))), [(false, false), (true, false)]);
    // A SACK block above the ACK is no D-SACK: it says nothing about this range.
    assert_eq!(case(Some((1201, 1301))), [(false, true), (true, false)]);
}

#[test]
fn the_json_is_a_list_of_connections_in_the_documented_shape() {
    let mut segs = handshake();
    segs[0] = segs[0].clone().data(b"");
    let cap = import(&eth_pcap(&segs)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&cap.to_json()).unwrap();
    let c = &json[0];
    assert_eq!(c["client"], "192.0.2.1:40000");
    assert_eq!(c["server"], "192.0.2.2:80");
    let s = &c["segments"];
    assert_eq!(s[0]["frame"], 1);
    assert_eq!(s[0]["t"], 0.0);
    assert_eq!(s[1]["t"], 0.001);
    assert_eq!(s[0]["dir"], "C>S");
    assert_eq!(s[1]["dir"], "S>C");
    assert_eq!(s[1]["flags"], serde_json::json!(["SYN", "ACK"]));
    assert_eq!(s[0]["ack_rel"], serde_json::Value::Null);
    assert_eq!((s[1]["seq_rel"].as_u64(), s[1]["ack_rel"].as_u64()), (Some(0), Some(1)));
    assert_eq!((s[2]["len"].as_u64(), s[2]["win"].as_u64()), (Some(0), Some(64240)));
    assert_eq!(s[0]["options"]["mss"], 1460);
    let st = &c["states"][0];
    assert_eq!((st["frame"].as_u64(), st["side"].as_str()), (Some(1), Some("client")));
    assert_eq!((st["from"].as_str(), st["to"].as_str()), (Some("CLOSED"), Some("SYN-SENT")));
    assert_eq!(st["rfc"], "RFC 9293 §3.10.1");
    assert_eq!(c["initial"]["server"], "LISTEN");
    assert_eq!(c["last"]["server"], "ESTABLISHED");
}

/// A bulk transfer captured with a short snapshot length (headers only): 300 segments
/// of 65,000 bytes, 19.5 MB that the server acknowledges only at the end (its window
/// allows it), then both
/// FINs. The observers hold at most 16 MiB unacknowledged (issue 12): the rest is
/// handed over as the ACK comes, and the close is read as it happened.
#[test]
fn an_ack_of_more_than_the_observer_holds_still_counts() {
    const LEN: u32 = 65_000;
    const N: u32 = 300;
    // The frame of a header-only segment whose IP length says it carried `len` bytes.
    let snapped = |t: Tcp, len: u32| {
        let mut f = t.ether();
        let total = (f.len() - 14) as u32 + len;
        f[16..18].copy_from_slice(&(total as u16).to_be_bytes());
        f
    };
    // The server scales its window by 2^14: up to 1 GiB may be in flight.
    let mut hs = handshake();
    hs[1] = tcp(40000, 80, 5000, 1001, SYN | ACK).opts(&[2, 4, 5, 0xb4, 3, 3, 14]).back();
    let mut frames: Vec<Vec<u8>> = hs.iter().map(Tcp::ether).collect();
    for i in 0..N {
        frames.push(snapped(tcp(40000, 80, 1001 + i * LEN, 5001, ACK), LEN));
    }
    let end = 1001 + N * LEN;
    frames.push(tcp(40000, 80, 5001, end, ACK).back().ether());
    frames.push(tcp(40000, 80, end, 5001, FIN | ACK).ether());
    frames.push(tcp(40000, 80, 5001, end + 1, FIN | ACK).back().ether());
    frames.push(tcp(40000, 80, end + 1, 5002, ACK).ether());
    let frames: Vec<(u64, Vec<u8>)> = frames.into_iter().enumerate().map(|(i, f)| (i as u64 * 10, f)).collect();
    let cap = import(&pcap(1, &frames)).unwrap();
    let c = &cap.connections[0];
    assert_eq!(c.last.map(|s| s.to_string()), ["TIME-WAIT", "CLOSED"], "{:?}\n{:?}", states(c), c.notes);
    let note = c.notes.iter().find(|n| n.contains("the client had sent more than 16 MiB"));
    assert!(note.is_some_and(|n| n.starts_with("At frame 262 ")), "{:?}", c.notes);
}
