//! The one-pass lister (`Lister`): every connection of a capture, in bounded memory,
//! agreeing with the whole-capture reader (`import`) wherever that one can read a
//! capture whole.

#![allow(clippy::unwrap_used)]

mod build;

use build::*;
use synack_capture::{import, Lister, StreamLimits, Summary};
use synack_core::State;

fn list_with(bytes: &[u8], want: Option<u64>, limits: StreamLimits) -> (Vec<Summary>, synack_capture::Listed) {
    let mut l = Lister::with_limits(want, limits);
    let mut out = Vec::new();
    // Odd chunk sizes, so that records straddle pushes.
    for piece in bytes.chunks(777) {
        l.push(piece).unwrap();
        out.extend(l.ready());
    }
    let listed = l.finish().unwrap();
    out.extend(l.ready());
    (out, listed)
}

fn list(bytes: &[u8]) -> Vec<Summary> {
    list_with(bytes, None, StreamLimits::default()).0
}

fn captures() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/captures");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// A connection in the list's terms: client, server, segments and bytes each way,
/// first and last states, retransmissions, lost segments, a RST.
type Listing = (String, String, [u64; 2], [u64; 2], [State; 2], [State; 2], u64, u64, bool);

/// What the whole-capture reader says of a connection, in the list's terms.
fn expected(c: &synack_capture::Connection) -> Listing {
    let mut segs = [0u64; 2];
    let mut bytes = [0u64; 2];
    for s in &c.segments {
        let d = usize::from(s.dir == synack_capture::Dir::ServerToClient);
        segs[d] += 1;
        bytes[d] += u64::from(s.len);
    }
    (
        c.client.to_string(),
        c.server.to_string(),
        segs,
        bytes,
        c.initial,
        c.last,
        c.segments.iter().filter(|s| s.retransmission).count() as u64,
        c.segments.iter().filter(|s| s.lost).count() as u64,
        c.segments.iter().any(|s| s.flags.has(synack_capture::TcpFlags::RST)),
    )
}

fn got(s: &Summary) -> Listing {
    (s.client.to_string(), s.server.to_string(), s.segments, s.bytes, s.first, s.last, s.retransmissions, s.lost, s.rst)
}

#[test]
fn every_real_capture_lists_as_the_whole_reader_reads_it() {
    for (name, bytes) in captures() {
        let whole = import(&bytes).unwrap();
        let listed = list(&bytes);
        assert_eq!(listed.len(), whole.connections.len(), "{name}");
        for (i, (s, c)) in listed.iter().zip(&whole.connections).enumerate() {
            assert_eq!(s.number, i as u64 + 1, "{name}");
            assert_eq!(got(s), expected(c), "{name}, connection {}", i + 1);
        }
    }
}

#[test]
fn the_connection_asked_for_comes_with_its_ladder() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/captures/two-interfaces.pcapng")).unwrap();
    let whole = import(&bytes).unwrap();
    let (_, listed) = list_with(&bytes, Some(2), StreamLimits::default());
    let detail = listed.detail.unwrap();
    assert_eq!(serde_json::to_value(&detail).unwrap(), serde_json::to_value(&whole.connections[1]).unwrap());
}

/// A long connection read a few segments at a time ends in the same states, with the
/// same counts, as read whole.
#[test]
fn a_long_connection_read_in_stretches_ends_where_read_whole() {
    for name in ["bulk.pcap", "data-lost.pcap", "full-lifecycle.pcap", "half-close.pcap", "final-ack-lost.pcap"] {
        let bytes = std::fs::read(format!("{}/tests/captures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let whole = import(&bytes).unwrap();
        let c = &whole.connections[0];
        let (s, _) = list_with(&bytes, None, StreamLimits { stretch: 7, ..StreamLimits::default() });
        let e = expected(c);
        assert_eq!((&s[0].client.to_string(), s[0].segments, s[0].bytes), (&e.0, e.2, e.3), "{name}");
        assert_eq!((s[0].first, s[0].last, s[0].rst), (e.4, e.5, e.8), "{name}");
    }
}

/// `n` short connections one after the other, 10 ms apart, each a handshake, a
/// request, a response and a close; each from its own port.
fn short_connections(n: u32) -> Vec<u8> {
    let mut frames = Vec::new();
    for i in 0..n {
        let port = 1024 + (i % 60_000) as u16;
        let t = u64::from(i) * 10_000;
        let c = |seq, ack, flags| {
            let mut s = tcp(port, 80, seq, ack, flags);
            s.src = v4([10, 0, (i / 60_000) as u8, 1]);
            s
        };
        let segs = [
            c(100, 0, SYN),
            c(900, 101, SYN | ACK).back(),
            c(101, 901, ACK),
            c(101, 901, ACK | PSH).data(b"GET /"),
            c(901, 106, ACK | PSH).data(b"200 OK").back(),
            c(106, 907, FIN | ACK),
            c(907, 107, FIN | ACK).back(),
            c(107, 908, ACK),
        ];
        for (k, s) in segs.into_iter().enumerate() {
            frames.push((t + k as u64 * 100, s.ether()));
        }
    }
    pcap(1, &frames)
}

#[test]
fn many_short_connections_are_all_listed_with_few_open_at_once() {
    let bytes = short_connections(70_000);
    let (s, listed) = list_with(&bytes, None, StreamLimits::default());
    assert_eq!((s.len(), listed.connections), (70_000, 70_000));
    assert!(s.iter().enumerate().all(|(i, s)| s.number == i as u64 + 1));
    let last = &s[69_999];
    assert_eq!(last.client.to_string(), "10.0.1.1:11023");
    assert_eq!((last.segments, last.bytes), ([5, 3], [5, 6]));
    assert_eq!(last.last, [State::TimeWait, State::Closed]);
    assert_eq!(last.handshake_rtt, Some(0.0002));
    assert!(last.marks().is_empty(), "{:?}", last.marks());
    // Ended connections wait 2 s of capture time for late segments: 200 of them, 10 ms apart.
    assert!(listed.peak_open <= 202, "{} open at once", listed.peak_open);
}

#[test]
fn past_the_open_limit_the_quietest_is_set_aside_and_still_listed() {
    // 50 handshakes that never close, then one more segment of the first.
    let mut segs: Vec<Tcp> = (0..50u16)
        .flat_map(|i| {
            handshake().into_iter().map(move |mut s| {
                if s.sport == 40000 {
                    s.sport += i;
                } else {
                    s.dport += i;
                }
                s
            })
        })
        .collect();
    segs.push(tcp(40000, 80, 1001, 5001, ACK | PSH).data(b"late"));
    let limits = StreamLimits { max_open: 10, ..StreamLimits::default() };
    let (s, listed) = list_with(&eth_pcap(&segs), None, limits);
    assert_eq!(s.len(), 51);
    assert_eq!(s.iter().filter(|s| s.set_aside).count(), 41);
    assert!(s[0].set_aside && s[0].last == [State::Established, State::Established]);
    // The first connection's late segment is a new entry, read as mid-connection.
    assert_eq!((s[50].client.to_string(), s[50].first), ("192.0.2.1:40000".to_string(), [State::Established; 2]));
    assert!(listed.notes[0].starts_with("41 connections were set aside while still open"), "{:?}", listed.notes);
    assert!(listed.peak_open <= 10);
}

#[test]
fn a_late_segment_of_a_listed_connection_is_counted_not_listed_and_ports_can_be_used_again() {
    let mut frames = Vec::new();
    let close = [
        tcp(40000, 80, 1001, 5001, FIN | ACK),
        tcp(40000, 80, 5001, 1002, FIN | ACK).back(),
        tcp(40000, 80, 1002, 5002, ACK),
    ];
    for (i, s) in handshake().into_iter().chain(close).enumerate() {
        frames.push((i as u64 * 1000, s.ether()));
    }
    // 5 s later (past the quiet time), the server's FIN again; then a new connection.
    frames.push((5_000_000, tcp(40000, 80, 5001, 1002, FIN | ACK).back().ether()));
    frames.push((6_000_000, tcp(40000, 80, 7000, 0, SYN).ether()));
    let (s, listed) = list_with(&pcap(1, &frames), None, StreamLimits::default());
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].segments, [4, 2]);
    assert_eq!(s[1].segments, [1, 0]);
    assert!(s[1].incomplete);
    assert!(listed.notes[0].starts_with("1 segment came after its connection had ended"), "{:?}", listed.notes);
}
