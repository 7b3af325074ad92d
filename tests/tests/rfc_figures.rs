//! RFC 9293 figures 6–13, as tables of segments and states.
//!
//! Each test builds the figure's situation with the figure's ISNs (client "TCP A"
//! = 100, server "TCP B" = 300) and checks every segment's flags, SEQ and ACK and
//! both sides' state paths.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use synack_core::scenario::{ActionKind as Do, Inject, SeqSpec, Step, When};
use synack_core::{catalogue, Side, State};
use synack_tests::*;

#[test]
fn figure_6_basic_three_way_handshake() {
    let mut sc = handshake(100, 300);
    sc.actions.push(Step::bytes(Side::Client, When::Established, 10));
    let t = run(&sc);
    assert_eq!(
        segments(&t),
        [
            c2s("SYN", 100, None),
            s2c("SYN,ACK", 300, Some(101)),
            c2s("ACK", 101, Some(301)),
            c2s("PSH,ACK", 101, Some(301)).len(10),
            s2c("ACK", 301, Some(111)),
        ]
    );
    assert_eq!(states(&t, Side::Client), path("CLOSED SYN-SENT ESTABLISHED"));
    assert_eq!(states(&t, Side::Server), path("CLOSED LISTEN SYN-RECEIVED ESTABLISHED"));
}

#[test]
fn figure_7_simultaneous_open() {
    let t = run(&catalogue_with_isns("simultaneous-open", 100, 300));
    assert_eq!(
        segments(&t),
        [
            c2s("SYN", 100, None),
            s2c("SYN", 300, None),
            s2c("SYN,ACK", 300, Some(101)),
            c2s("SYN,ACK", 100, Some(301)),
            // Each SYN,ACK repeats a SYN already received: it is acknowledged (as Linux does).
            c2s("ACK", 101, Some(301)),
            s2c("ACK", 301, Some(101)),
        ]
    );
    for side in Side::BOTH {
        assert_eq!(states(&t, side), path("CLOSED SYN-SENT SYN-RECEIVED ESTABLISHED"), "{side}");
    }
}

#[test]
fn figure_8_recovery_from_old_duplicate_syn() {
    let t = run(&catalogue_with_isns("old-duplicate-syn", 100, 300));
    // The server's second ISN is 300 plus the 4 µs clock: 240 ms later, 60000 ticks.
    let second_isn = 300 + 240_000 / 4;
    assert_eq!(
        segments(&t),
        [
            c2s("SYN", 100, None),
            c2s("SYN", 90, None), // the old duplicate
            s2c("SYN,ACK", 300, Some(91)),
            c2s("RST", 91, None), // <SEQ=SEG.ACK><CTL=RST>, ACK bit off
            s2c("SYN,ACK", second_isn, Some(101)),
            c2s("ACK", 101, Some(second_isn + 1)),
        ]
    );
    assert_eq!(states(&t, Side::Client), path("CLOSED SYN-SENT ESTABLISHED"));
    assert_eq!(states(&t, Side::Server), path("CLOSED LISTEN SYN-RECEIVED LISTEN SYN-RECEIVED ESTABLISHED"));
}

#[test]
fn figure_9_half_open_connection_discovery() {
    let t = run(&catalogue_with_isns("half-open", 100, 300));
    let segs = segments(&t);
    let new_isn = 100 + 800_000 / 4; // reconnecting 0.8 s after the first ISN was chosen
    assert_eq!(
        segs[3..7],
        [
            c2s("SYN", new_isn, None),
            // The server still holds the old connection: a challenge ACK (RFC 5961 §4).
            s2c("ACK", 301, Some(101)),
            c2s("RST", 101, None),
            // The client's SYN, retransmitted, now reaches a listening server.
            c2s("SYN", new_isn, None),
        ]
    );
    assert_eq!(states(&t, Side::Client), path("CLOSED SYN-SENT ESTABLISHED CLOSED SYN-SENT ESTABLISHED"));
    assert_eq!(
        states(&t, Side::Server),
        path("CLOSED LISTEN SYN-RECEIVED ESTABLISHED CLOSED LISTEN SYN-RECEIVED ESTABLISHED")
    );
}

#[test]
fn figure_10_active_side_causes_half_open_discovery() {
    let mut sc = handshake(100, 300);
    sc.actions.push(Step::new(Side::Client, When::Established, Do::Crash).after(100_000));
    sc.actions.push(Step::bytes(Side::Server, When::AtUs(500_000), 10));
    let t = run(&sc);
    assert_eq!(segments(&t)[3..], [s2c("PSH,ACK", 301, Some(101)).len(10), c2s("RST", 101, None)]);
    // The figure's TCB goes to CLOSED; the listening socket it came from stays.
    assert_eq!(states(&t, Side::Server).rsplit(|s| *s == State::Established).next(), Some(&path("CLOSED LISTEN")[..]));
}

#[test]
fn figure_11_old_duplicate_syn_resets_two_passive_sockets() {
    let mut sc = handshake(100, 300);
    sc.actions =
        vec![Step::new(Side::Client, When::Start, Do::Listen), Step::new(Side::Server, When::Start, Do::Listen)];
    sc.network.faults.inject.push(Inject {
        at_us: 0,
        from: Side::Client,
        flags: vec!["SYN".into()],
        seq: SeqSpec::Absolute(5000),
        ack: None,
        len: 0,
        port: None,
        forged: false,
    });
    let t = run(&sc);
    assert_eq!(segments(&t), [c2s("SYN", 5000, None), s2c("SYN,ACK", 300, Some(5001)), c2s("RST", 5001, None)]);
    assert_eq!(states(&t, Side::Client), path("CLOSED LISTEN"));
    assert_eq!(states(&t, Side::Server), path("CLOSED LISTEN SYN-RECEIVED LISTEN"));
}

#[test]
fn figure_12_normal_close() {
    let t = run(&catalogue_with_isns("four-way-teardown", 100, 300));
    assert_eq!(
        segments(&t)[3..],
        [
            c2s("FIN,ACK", 101, Some(301)),
            s2c("ACK", 301, Some(102)),
            s2c("FIN,ACK", 301, Some(102)),
            c2s("ACK", 102, Some(302)),
        ]
    );
    assert_eq!(states(&t, Side::Client), path("CLOSED SYN-SENT ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT CLOSED"));
    assert_eq!(
        states(&t, Side::Server),
        path("CLOSED LISTEN SYN-RECEIVED ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED LISTEN")
    );
    // Only the side that closed first waits, and for 2×MSL = 240 s.
    let tw = entered(&t, Side::Client, State::TimeWait).unwrap();
    let closed = t.events.iter().rev().find(|e| e.side == Side::Client).unwrap().t_us;
    assert_eq!(closed - tw, 240_000_000);
    assert_eq!(entered(&t, Side::Server, State::TimeWait), None);
}

#[test]
fn figure_13_simultaneous_close() {
    let t = run(&catalogue_with_isns("simultaneous-close", 100, 300));
    assert_eq!(
        segments(&t)[3..],
        [
            c2s("FIN,ACK", 101, Some(301)),
            s2c("FIN,ACK", 301, Some(101)),
            s2c("ACK", 302, Some(102)),
            c2s("ACK", 102, Some(302)),
        ]
    );
    let close = path("ESTABLISHED FIN-WAIT-1 CLOSING TIME-WAIT CLOSED");
    assert!(states(&t, Side::Client).ends_with(&close), "{:?}", states(&t, Side::Client));
    // The server's connection ends the same way; its listener then shows again.
    let server = states(&t, Side::Server);
    assert!(server.ends_with(&path("ESTABLISHED FIN-WAIT-1 CLOSING TIME-WAIT CLOSED LISTEN")), "{server:?}");
}

#[test]
fn every_catalogue_figure_is_one_of_these() {
    let figures: Vec<_> = catalogue::ENTRIES.iter().filter_map(|e| e.figure).collect();
    for f in &figures {
        let n: u32 = f.trim_start_matches("RFC 9293 Fig. ").parse().unwrap();
        assert!((6..=13).contains(&n), "{f}");
    }
}
