//! The regression corpus of bad input: each gets one clear message, never a panic,
//! and memory stays within the stated limits.

#![allow(clippy::unwrap_used)]

mod build;

use build::*;
use synack_capture::{import, CaptureError, Importer, Limits};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/captures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn error(bytes: &[u8]) -> String {
    match import(bytes) {
        Ok(c) => panic!("accepted: {} connections", c.connections.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn empty_and_wrong_magic() {
    assert_eq!(error(b""), "the file is empty; expected a pcap or pcapng capture");
    assert_eq!(error(b"\x89PNG\r\n\x1a\n"), "not a pcap or pcapng file: it starts with bytes 89 50 4e 47");
    assert_eq!(error(b"{\"json\": true}"), "not a pcap or pcapng file: it starts with bytes 7b 22 6a 73");
    assert_eq!(error(b"\xd4\xc3"), "the file is truncated: it ends inside the magic number that starts at byte 0");
}

#[test]
fn truncated_at_every_byte_of_a_real_pcap() {
    let full = fixture("three-way-handshake.pcap");
    // Record boundaries: after the 24-byte header, then each record.
    let mut bounds = vec![24];
    let mut at = 24;
    while at < full.len() {
        let incl = u32::from_le_bytes(full[at + 8..at + 12].try_into().unwrap()) as usize;
        at += 16 + incl;
        bounds.push(at);
    }
    for cut in 0..full.len() {
        let got = import(&full[..cut]);
        match bounds.iter().position(|&b| b == cut) {
            // A cut between records is a shorter, valid capture.
            Some(0) => assert_eq!(got.unwrap_err().to_string(), "the capture holds no packets"),
            Some(n) => assert_eq!(got.unwrap().connections[0].segments.len(), n, "cut at {cut}"),
            None => {
                let msg = got.unwrap_err().to_string();
                let expected = if cut == 0 {
                    "the file is empty; expected a pcap or pcapng capture".to_string()
                } else if cut < 4 {
                    "the file is truncated: it ends inside the magic number that starts at byte 0".to_string()
                } else if cut < 24 {
                    "the file is truncated: it ends inside the pcap file header that starts at byte 0".to_string()
                } else {
                    let start = bounds.iter().rev().find(|&&b| b < cut).unwrap();
                    format!("the file is truncated: it ends inside a packet record that starts at byte {start}")
                };
                assert_eq!(msg, expected, "cut at {cut}");
            }
        }
    }
}

#[test]
fn truncated_at_every_byte_of_a_real_pcapng() {
    let full = fixture("full-lifecycle.pcapng");
    let whole = import(&full).unwrap().connections[0].segments.len();
    for cut in 1..full.len() {
        match import(&full[..cut]) {
            Ok(c) => assert!(c.connections[0].segments.len() < whole, "cut at {cut}"),
            Err(e) => {
                let msg = e.to_string();
                assert!(
                    msg.starts_with("the file is truncated: it ends inside") || msg == "the capture holds no packets",
                    "cut at {cut}: {msg}"
                );
            }
        }
    }
    // Reading in chunks of every size gives the same result as reading at once.
    for chunk in [1, 3, 7, 64, 1000] {
        let mut imp = Importer::new();
        for piece in full.chunks(chunk) {
            imp.push(piece).unwrap();
        }
        assert_eq!(imp.consumed(), full.len() as u64);
        assert_eq!(imp.finish().unwrap().connections[0].segments.len(), whole, "chunks of {chunk}");
    }
}

#[test]
fn absurd_lengths() {
    let mut p = eth_pcap(&handshake());
    // The first record's captured length: 4 GiB.
    p[24 + 8..24 + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        error(&p),
        "absurd length at byte 24: a packet record's captured length says 4294967295 bytes (at most 262144 accepted)"
    );

    let mut ng = shb();
    ng.extend(idb(1));
    let mut huge = epb(0, 0, &handshake()[0].ether());
    huge[4..8].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
    let at = ng.len();
    ng.extend(huge);
    assert_eq!(
        error(&ng),
        format!("absurd length at byte {at}: a pcapng block's total length says 4294967280 bytes (at most 16777216 accepted)")
    );

    let mut odd = shb();
    odd[4..8].copy_from_slice(&13u32.to_le_bytes());
    assert_eq!(
        error(&odd),
        "absurd length at byte 0: a pcapng block's total length says 13 bytes (at most 16777216 accepted)"
    );

    // A packet longer than its block.
    let mut ng = shb();
    ng.extend(idb(1));
    let mut b = epb(0, 0, &handshake()[0].ether());
    b[8 + 12..8 + 16].copy_from_slice(&5000u32.to_le_bytes());
    let at = ng.len();
    ng.extend(b);
    assert_eq!(
        error(&ng),
        format!("absurd length at byte {at}: a packet's captured length says 5000 bytes (at most 68 accepted)")
    );
}

#[test]
fn malformed_pcapng() {
    let mut ng = shb();
    ng.extend(epb(3, 0, &handshake()[0].ether()));
    assert_eq!(error(&ng), "malformed capture at byte 28: a packet refers to interface 3, which was not described");

    let mut ng = shb();
    let last = ng.len() - 4;
    ng[last..].copy_from_slice(&32u32.to_le_bytes());
    assert_eq!(error(&ng), "malformed capture at byte 0: a block's trailing length differs from its leading length");

    let mut ng = shb();
    ng[8..12].copy_from_slice(&0x1234_5678u32.to_le_bytes());
    assert_eq!(error(&ng), "malformed capture at byte 0: the section header's byte-order magic is 0x12345678");

    let mut p = eth_pcap(&handshake());
    p[4..6].copy_from_slice(&9u16.to_le_bytes());
    assert_eq!(error(&p), "unsupported capture format version 9.4");
}

#[test]
fn non_tcp_traffic() {
    // An ARP frame, a UDP datagram, and an 802.11 frame on an unsupported link type.
    let arp = [vec![0xff; 6], vec![2, 0, 0, 0, 0, 1], vec![0x08, 0x06], vec![0; 28]].concat();
    let mut udp = handshake()[0].ether();
    udp[14 + 9] = 17;
    let eth = pcap(1, &[(0, arp), (1, udp)]);
    assert_eq!(error(&eth), "no TCP segment among the 2 packets of the capture (1 not IPv4 or IPv6, 1 not TCP)");
    let wifi = pcap(105, &[(0, vec![0; 40])]);
    assert_eq!(error(&wifi), "no TCP segment among the 1 packets of the capture (1 link type 105 is not supported)");
    assert_eq!(error(&pcap(1, &[])), "the capture holds no packets");
}

#[test]
fn cut_short_and_fragmented_packets_are_skipped_and_counted() {
    let segs = handshake();
    let mut frag = segs[1].ether();
    frag[14 + 6] = 0x20; // More fragments.
    let short = segs[2].ether()[..30].to_vec();
    let p = pcap(1, &[(0, segs[0].ether()), (1, frag), (2, short)]);
    let cap = import(&p).unwrap();
    assert_eq!(cap.frames, 3);
    assert_eq!(cap.tcp_segments, 1);
    assert_eq!(cap.skipped.get("IP fragments"), Some(&1));
    assert_eq!(cap.skipped.get("cut short by the capture"), Some(&1));
}

#[test]
fn the_segment_limit_stops_reading_with_a_note() {
    // A stream of segments far beyond the limit: the importer keeps the limit, reads a
    // little further, then reports itself full so that a caller stops reading.
    let limits = Limits { max_segments: 100, max_connections: 10, ..Limits::default() };
    let mut imp = Importer::with_limits(limits);
    let header = pcap(1, &[]);
    imp.push(&header).unwrap();
    let data = tcp(40000, 80, 1, 1, ACK | PSH).data(&[7; 1000]).ether();
    let record = pcap(1, &[(0, data)]).split_off(24);
    let mut pushed = header.len() as u64;
    let mut rounds = 0;
    while !imp.is_full() && rounds < 100_000 {
        imp.push(&record).unwrap();
        pushed += record.len() as u64;
        rounds += 1;
    }
    assert!(imp.is_full());
    assert!(pushed < 3 << 20, "stopped after {pushed} bytes");
    let cap = imp.finish().unwrap();
    assert_eq!(cap.connections[0].segments.len(), 100);
    let note = &cap.notes[0];
    assert!(note.starts_with("The capture was truncated at 100 segments: "), "{note}");
    assert!(note.contains(", and reading stopped at byte "), "{note}");
}

#[test]
fn the_connection_limit_is_kept_and_reported() {
    let limits = Limits { max_segments: 1000, max_connections: 3, ..Limits::default() };
    let syns: Vec<Tcp> = (0..5).map(|i| tcp(40000 + i, 80, 1, 0, SYN)).collect();
    let mut imp = Importer::with_limits(limits);
    imp.push(&eth_pcap(&syns)).unwrap();
    let cap = imp.finish().unwrap();
    assert_eq!(cap.connections.len(), 3);
    assert_eq!(cap.notes, ["Only the first 3 connections were kept: 2 more connections were left out."]);
}

#[test]
fn connections_past_the_limit_are_all_counted() {
    // 100,000 connections: 10,000 kept, and the 90,000 others counted (the count once
    // stopped at the limit itself, and said 10000).
    let syns: Vec<Tcp> = (0..100_000u32)
        .map(|i| {
            let mut s = tcp(1024 + (i % 60_000) as u16, 80, 1, 0, SYN);
            s.src = v4([10, 0, (i / 60_000) as u8, 1]);
            s
        })
        .collect();
    let cap = import(&eth_pcap(&syns)).unwrap();
    assert_eq!(cap.connections.len(), 10_000);
    assert_eq!(cap.notes, ["Only the first 10000 connections were kept: 90000 more connections were left out."]);
}

#[test]
fn too_many_interfaces_is_said_as_a_count() {
    // 1025 interface descriptions: a count past the limit, not a length in bytes.
    let mut bytes = shb();
    for _ in 0..1025 {
        bytes.extend(idb(1));
    }
    assert_eq!(
        error(&bytes),
        "malformed capture at byte 20508: more than 1024 interface descriptions in one section (this reader's limit)"
    );
}

#[test]
fn garbage_after_a_valid_header_never_panics() {
    // A small deterministic generator: every byte value at every position of a
    // real pcapng's first 200 bytes, one at a time.
    let full = fixture("full-lifecycle.pcapng");
    for pos in 0..200.min(full.len()) {
        for v in [0u8, 1, 0x7f, 0x80, 0xff] {
            let mut b = full.clone();
            b[pos] = v;
            if let Err(e) = import(&b).map(|c| c.to_json()) {
                let e: CaptureError = e;
                assert!(!e.to_string().contains('\n'), "one line: {e}");
            }
        }
    }
}

mod property {
    use proptest::prelude::*;
    use synack_capture::{import, Importer};

    fn real(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/captures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// The fuzz target's property, bounded: a real capture with bytes overwritten
        /// and cut anywhere reads the same whole as in chunks, and an error is one line.
        #[test]
        fn whole_and_chunked_reading_agree(
            which in 0usize..3,
            edits in proptest::collection::vec((any::<u16>(), any::<u8>()), 0..8),
            cut in any::<u16>(),
            chunk in 1usize..300,
        ) {
            let mut b = real(["three-way-handshake.pcap", "full-lifecycle.pcapng", "cooked-sll2.pcap"][which]);
            for (pos, v) in edits {
                let len = b.len();
                b[usize::from(pos) % len] = v;
            }
            b.truncate(usize::from(cut) % (b.len() + 1));
            let whole = import(&b);
            let mut imp = Importer::new();
            let chunked = b.chunks(chunk).try_for_each(|p| imp.push(p)).and_then(|()| imp.finish());
            match (whole, chunked) {
                (Ok(a), Ok(c)) => prop_assert_eq!(a.to_json(), c.to_json()),
                (Err(a), Err(c)) => {
                    prop_assert_eq!(&a, &c);
                    prop_assert!(!a.to_string().contains('\n'));
                }
                (a, c) => prop_assert!(false, "disagree: {:?} / {:?}", a.err(), c.err()),
            }
        }
    }
}

/// What the fuzz target found (crates/synack-capture/fuzz), kept as files: each is
/// read whole and listed in one pass without a panic. Both were IPv4 segments from
/// or to 255.255.255.255, whose pseudo-header sum overflowed once the checksum was
/// added up by 32-bit words (a debug build panics on the overflow).
#[test]
fn fuzz_crashes_stay_fixed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-crashes");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let whole = synack_capture::import(&bytes);
        let mut lister = synack_capture::Lister::new(Some(1));
        let listed = lister.push(&bytes).and_then(|()| lister.finish());
        assert_eq!(whole.is_ok(), listed.is_ok());
        n += 1;
    }
    assert!(n >= 2);
}

#[test]
fn a_checksum_over_the_highest_addresses_is_checked_not_overflowed() {
    // An IPv4 TCP segment from and to 255.255.255.255 with a correct checksum.
    let mut ip = vec![0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255];
    let mut tcp = vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0];
    let mut sum: u32 = [0xffffu32; 4].iter().sum::<u32>() + 6 + 20;
    for w in tcp.chunks(2) {
        sum += u32::from(u16::from_be_bytes([w[0], w[1]]));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    let check = !(sum as u16);
    tcp[16..18].copy_from_slice(&check.to_be_bytes());
    ip.extend(tcp);
    let mut frame = vec![0u8; 12];
    frame.extend([0x08, 0x00]);
    frame.extend(ip);
    let mut pcap = Vec::new();
    pcap.extend(0xa1b2_c3d4u32.to_le_bytes());
    pcap.extend(2u16.to_le_bytes());
    pcap.extend(4u16.to_le_bytes());
    pcap.extend([0; 8]);
    pcap.extend(65535u32.to_le_bytes());
    pcap.extend(1u32.to_le_bytes());
    pcap.extend([0; 8]);
    pcap.extend((frame.len() as u32).to_le_bytes());
    pcap.extend((frame.len() as u32).to_le_bytes());
    pcap.extend(frame);
    let c = synack_capture::import(&pcap).unwrap();
    assert_eq!(c.connections[0].bad_checksums, 0, "{:?}", c.notes);
}
