//! The points in `shared/reference/tcp-facts.md` that visualizers get wrong, each
//! checked on the trace a reader would see.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use synack_core::endpoint::{AppNote, TimerAction, TimerKind};
use synack_core::scenario::{ActionKind as Do, Inject, SeqSpec, Step, When};
use synack_core::trace::{AppEvent, EventKind, Trace};
use synack_core::{catalogue, sim, Handshake, Side, State, UnexpectedAnswer};
use synack_tests::*;

fn noted(t: &Trace, side: Side, note: AppNote) -> bool {
    t.events
        .iter()
        .any(|e| e.side == side && matches!(&e.kind, EventKind::App { app: AppEvent::Note(n) } if *n == note))
}

fn send_times(t: &Trace) -> Vec<u64> {
    t.sends().map(|(e, _)| e.t_us).collect()
}

#[test]
fn an_isn_of_4294967295_is_acknowledged_with_zero() {
    let t = run(&handshake(u32::MAX, u32::MAX - 1));
    assert_eq!(
        segments(&t),
        [c2s("SYN", u32::MAX, None), s2c("SYN,ACK", u32::MAX - 1, Some(0)), c2s("ACK", 0, Some(u32::MAX))]
    );
    assert_eq!(t.outcome.client, State::Established);
    assert_eq!(t.outcome.server, State::Established);
}

#[test]
fn a_retransmitted_syn_keeps_its_isn_after_one_second() {
    let t = run(&catalogue_with_isns("syn-lost", 1000, 5000));
    let segs = segments(&t);
    assert_eq!(segs[..2], [c2s("SYN", 1000, None), c2s("SYN", 1000, None)]);
    assert_eq!(send_times(&t)[..2], [0, 1_000_000]);
    // The server's first ISN is the one configured, whenever it is chosen.
    assert_eq!(segs[2], s2c("SYN,ACK", 5000, Some(1001)));
}

#[test]
fn syn_retransmissions_double_then_the_connect_times_out() {
    let t = run(&catalogue::scenario("connect-timeout").unwrap());
    assert_eq!(send_times(&t), [0, 1_000_000, 3_000_000, 7_000_000]);
    assert!(t.sends().all(|(_, s)| s.flag_names() == ["SYN"]));
    assert!(noted(&t, Side::Client, AppNote::TimedOut));
    assert_eq!(entered(&t, Side::Client, State::Closed), Some(15_000_000));
    assert_eq!(t.outcome.facts[0].key(), "timed-out");
}

#[test]
fn a_lost_syn_ack_is_sent_again_when_the_syn_repeats() {
    let t = run(&catalogue_with_isns("syn-ack-lost", 100, 300));
    assert_eq!(
        segments(&t),
        [
            c2s("SYN", 100, None),
            s2c("SYN,ACK", 300, Some(101)), // lost
            c2s("SYN", 100, None),
            s2c("SYN,ACK", 300, Some(101)), // the same ISN again
            c2s("ACK", 101, Some(301)),
        ]
    );
    assert_eq!(t.outcome.server, State::Established);
}

#[test]
fn a_closed_port_answers_rst_ack_with_sequence_zero() {
    let t = run(&catalogue_with_isns("connection-refused", 7000, 1));
    assert_eq!(segments(&t), [c2s("SYN", 7000, None), s2c("RST,ACK", 0, Some(7001))]);
    assert!(noted(&t, Side::Client, AppNote::Refused));
    assert_eq!(states(&t, Side::Client), path("CLOSED SYN-SENT CLOSED"));
}

#[test]
fn a_listening_socket_answers_an_ack_with_rst() {
    let mut sc = handshake(100, 300);
    sc.actions = vec![Step::new(Side::Server, When::Start, Do::Listen)];
    sc.network.faults.inject.push(Inject {
        at_us: 0,
        from: Side::Client,
        flags: vec!["ACK".into()],
        seq: SeqSpec::Absolute(40),
        ack: Some(SeqSpec::Absolute(777)),
        len: 0,
        port: None,
        forged: false,
    });
    let t = run(&sc);
    assert_eq!(segments(&t), [c2s("ACK", 40, Some(777)), s2c("RST", 777, None)]);
    assert_eq!(t.outcome.server, State::Listen);
}

#[test]
fn every_segment_but_a_connection_request_or_a_reset_carries_ack() {
    for entry in catalogue::ENTRIES {
        for mode in [Handshake::TwoWay, Handshake::ThreeWay] {
            let mut sc = catalogue::scenario(entry.id).unwrap();
            sc.handshake = mode;
            let t = run(&sc);
            for (e, seg) in t.sends() {
                let request = seg.flags.syn && !seg.flags.rst;
                if !request && !seg.flags.rst {
                    assert!(seg.ack.is_some(), "{} {mode}: {seg:?} at {} has no ACK bit", entry.id, e.t_us);
                }
                if seg.flags.syn && seg.ack.is_some() {
                    assert!(seg.flags.syn && !seg.flags.fin, "{}: {seg:?}", entry.id);
                }
            }
        }
    }
}

#[test]
fn the_passive_closer_goes_close_wait_then_last_ack_and_never_time_wait() {
    let t = run(&catalogue::scenario("full-lifecycle").unwrap());
    assert!(states(&t, Side::Server).ends_with(&path("ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED LISTEN")));
    assert!(states(&t, Side::Client).ends_with(&path("ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT CLOSED")));
}

#[test]
fn linux_closes_in_three_segments_and_fin_wait_1_goes_straight_to_time_wait() {
    let t = run(&catalogue_with_isns("three-segment-teardown", 100, 300));
    let segs = segments(&t);
    // From the first FIN on (the request and its quick ACK come before).
    let close = &segs[segs.iter().position(|s| s.flags.contains("FIN")).unwrap()..];
    assert_eq!(close.len(), 3, "{close:?}");
    assert_eq!(close[0].flags, "FIN,ACK");
    // The server's FIN carries the delayed ACK of the client's FIN.
    assert_eq!((close[1].dir, close[1].flags, close[1].ack), (s2c("", 0, None).dir, "FIN,ACK", Some(close[0].seq + 1)));
    assert_eq!(close[2].flags, "ACK");
    assert!(states(&t, Side::Client).ends_with(&path("ESTABLISHED FIN-WAIT-1 TIME-WAIT CLOSED")));
    // Linux's TIME-WAIT is 60 s.
    let tw = entered(&t, Side::Client, State::TimeWait).unwrap();
    assert_eq!(t.events.last().unwrap().t_us - tw, 60_000_000);
}

#[test]
fn a_lost_final_ack_is_answered_again_from_time_wait_which_restarts() {
    let t = run(&catalogue_with_isns("final-ack-lost", 100, 300));
    let segs = segments(&t);
    assert_eq!(
        segs[5..],
        [
            s2c("FIN,ACK", 301, Some(102)),
            c2s("ACK", 102, Some(302)),     // lost
            s2c("FIN,ACK", 301, Some(102)), // retransmitted after the RTO
            c2s("ACK", 102, Some(302)),
        ]
    );
    let sets: Vec<u64> = t
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Timer { timer: TimerKind::TimeWait, action: TimerAction::Set { at_us } } => Some(at_us),
            _ => None,
        })
        .collect();
    assert_eq!(sets.len(), 2, "TIME-WAIT restarts on the retransmitted FIN");
    assert_eq!(sets[1] - sets[0], send_times(&t)[8] - send_times(&t)[6]);
    assert_eq!(t.outcome.server, State::Listen, "the connection closed; its listener did not");
    assert!(noted(&t, Side::Server, AppNote::Closed));
}

#[test]
fn a_syn_in_a_synchronized_state_gets_a_challenge_ack() {
    let t = run(&catalogue_with_isns("half-open", 100, 300));
    let (_, challenge) = t.sends().nth(4).unwrap();
    assert_eq!(challenge.flag_names(), ["ACK"]);
    let reason = t.events.iter().find_map(|e| match &e.kind {
        EventKind::Send { id: 5, reason, .. } => Some(*reason),
        _ => None,
    });
    assert_eq!(reason.map(|r| r.key()), Some("challenge-ack"));
}

#[test]
fn two_way_leaves_the_server_holding_a_connection_nobody_asked_for() {
    let mut sc = catalogue_with_isns("old-duplicate-syn", 100, 300);
    sc.handshake = Handshake::TwoWay;
    let t = run(&sc);
    assert_eq!(segments(&t)[..3], [c2s("SYN", 100, None), c2s("SYN", 90, None), s2c("SYN,ACK", 300, Some(91))]);
    assert_eq!(states(&t, Side::Server), path("CLOSED LISTEN ESTABLISHED"));
    assert_eq!(t.outcome.server, State::Established);
    assert_eq!(t.outcome.client, State::Closed);
    assert_eq!(t.outcome.facts[0].key(), "server-holds-unwanted-connection");
    // The textbook client ignores the answer: it sends no RST.
    assert!(!t.sends().any(|(_, s)| s.flags.rst));
}

#[test]
fn three_way_rejects_the_old_duplicate_and_connects() {
    let t = run(&catalogue::scenario("old-duplicate-syn").unwrap());
    assert_eq!(t.outcome.client, State::Established);
    assert_eq!(t.outcome.server, State::Established);
    let keys: Vec<_> = t.outcome.facts.iter().map(|f| f.key()).collect();
    assert_eq!(keys, ["established", "stale-connection-rejected"]);
}

#[test]
fn two_way_with_a_resetting_client_kills_the_stale_connection() {
    let mut sc = catalogue_with_isns("old-duplicate-syn", 100, 300);
    sc.handshake = Handshake::TwoWay;
    sc.unexpected_answer = Some(UnexpectedAnswer::Reset);
    let t = run(&sc);
    assert_eq!(segments(&t)[3], c2s("RST", 91, None));
    assert!(noted(&t, Side::Server, AppNote::Reset));
}

#[test]
fn two_way_opens_with_two_segments_and_four_way_with_four() {
    for (mode, expected) in [
        (Handshake::TwoWay, vec![c2s("SYN", 100, None), s2c("SYN,ACK", 300, Some(101))]),
        (
            Handshake::FourWay,
            vec![c2s("SYN", 100, None), s2c("ACK", 300, Some(101)), s2c("SYN", 300, None), c2s("ACK", 101, Some(301))],
        ),
    ] {
        let mut sc = handshake(100, 300);
        sc.handshake = mode;
        let t = run(&sc);
        assert_eq!(segments(&t), expected, "{mode}");
        assert_eq!((t.outcome.client, t.outcome.server), (State::Established, State::Established), "{mode}");
    }
}

#[test]
fn data_arrives_once_and_in_order() {
    let sc = catalogue::scenario("full-lifecycle").unwrap();
    let (_, [client, server]) = sim::run_with_endpoints(&sc).unwrap();
    assert!(server.received().starts_with(b"GET /index.html HTTP/1.1\r\n"));
    assert!(client.received().starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(client.received().ends_with(b"<h1>Hello, TCP!</h1>\r\n"));
}

#[test]
fn half_close_keeps_the_other_direction_open() {
    let sc = catalogue::scenario("half-close").unwrap();
    let (t, [client, _]) = sim::run_with_endpoints(&sc).unwrap();
    assert_eq!(client.received(), b"received 2 lines\nbye\n");
    // The client received both replies while in FIN-WAIT-2.
    let fw2 = entered(&t, Side::Client, State::FinWait2).unwrap();
    let tw = entered(&t, Side::Client, State::TimeWait).unwrap();
    let reads: Vec<u64> = t
        .events
        .iter()
        .filter(|e| {
            e.side == Side::Client
                && matches!(&e.kind, EventKind::App { app: AppEvent::Note(AppNote::Received { .. }) })
        })
        .map(|e| e.t_us)
        .collect();
    assert_eq!(reads.len(), 2);
    assert!(reads.iter().all(|t| (fw2..tw).contains(t)));
}

#[test]
fn data_after_close_is_answered_with_a_reset() {
    let mut sc = handshake(100, 300);
    sc.actions.push(Step::new(Side::Client, When::Established, Do::Close).after(100_000));
    sc.actions.push(Step::bytes(Side::Server, When::PeerClosed, 5));
    let t = run(&sc);
    // As Linux answers it (tcp_v4_send_reset): <SEQ=SEG.ACK><CTL=RST>, no ACK bit.
    let segs = segments(&t);
    let (data, last) = (segs[segs.len() - 2], segs[segs.len() - 1]);
    assert_eq!(last, c2s("RST", data.ack.unwrap(), None));
    assert!(noted(&t, Side::Server, AppNote::Reset));
}

#[test]
fn linux_profile_syn_carries_its_options_and_scales_later_windows() {
    let t = run(&catalogue::scenario("three-segment-teardown").unwrap());
    let (_, syn) = t.sends().next().unwrap();
    assert_eq!(syn.options.mss, Some(1460));
    // As this machine's Linux sends them on a veth (full-lifecycle.pcap): a SYN
    // window of 44 × 1460, a SYN,ACK window of 45 × 1448 (timestamps take 12 bytes),
    // shift 10, and after the handshake each window divided by 1024, rounded up.
    assert_eq!(syn.options.window_scale, Some(10));
    assert!(syn.options.sack_permitted);
    assert!(syn.options.timestamps.is_some());
    assert_eq!(syn.window, 64240);
    let (_, syn_ack) = t.sends().nth(1).unwrap();
    assert_eq!(syn_ack.window, 65160);
    let (_, ack) = t.sends().nth(2).unwrap();
    assert_eq!(ack.window, 63);
    let (_, server_later) = t.sends().find(|(e, s)| e.side == Side::Server && !s.flags.syn).unwrap();
    assert_eq!(server_later.window, 64);
    assert!(ack.options.timestamps.is_some());
}

#[test]
fn a_four_way_servers_lone_ack_offers_its_window_unscaled() {
    // RFC 7323 §2.2: window scaling takes effect only after both SYNs. The four-way
    // server's ACK goes before its own SYN, so the client reads its window field as
    // it is: with Linux's shift of 10 it must not be 63 (64,512 bytes scaled).
    let mut sc = catalogue::scenario("three-way-handshake").unwrap();
    sc.handshake = Handshake::FourWay;
    sc.client.profile = synack_core::ProfileName::Linux;
    sc.server.profile = synack_core::ProfileName::Linux;
    let t = run(&sc);
    let server: Vec<_> = t.sends().filter(|(e, _)| e.side == Side::Server).map(|(_, s)| s.clone()).collect();
    let (ack, syn) = (&server[0], &server[1]);
    assert_eq!((ack.flag_names(), syn.flag_names()), (vec!["ACK"], vec!["SYN"]));
    assert_eq!(syn.options.window_scale, Some(10));
    assert!(ack.window > 60_000, "lone ACK window {} (the SYN's: {})", ack.window, syn.window);
}
