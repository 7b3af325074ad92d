//! What a TCP expert found wrong in paths a reader can reach (issue 11), each
//! reproduction pinned to what RFC 9293, RFC 6298 or this machine's Linux does.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use synack_core::endpoint::{AppNote, TimerAction, TimerKind};
use synack_core::net::Link;
use synack_core::profile::SECOND;
use synack_core::scenario::{ActionKind as Do, Step, When};
use synack_core::trace::{AppEvent, Dir, EventKind, Trace};
use synack_core::{catalogue, Handshake, ProfileName, Scenario, Side, State};
use synack_tests::*;

const MS: u64 = 1_000;

fn with_handshake(id: &str, handshake: Handshake) -> Scenario {
    let mut sc = catalogue::scenario(id).unwrap();
    sc.handshake = handshake;
    sc
}

/// Bytes the application on `side` was told it received, in all.
fn received(t: &Trace, side: Side) -> u64 {
    t.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::App { app: AppEvent::Note(AppNote::Received { total, .. }) } if e.side == side => Some(*total),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// When each segment matching `pred` left, in µs.
fn sent_at(t: &Trace, pred: impl Fn(Dir, &synack_core::Segment) -> bool) -> Vec<u64> {
    t.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Send { dir, segment, .. } if pred(*dir, segment) => Some(e.t_us),
            _ => None,
        })
        .collect()
}

fn flags(s: &synack_core::Segment) -> String {
    s.flag_names().join(",")
}

fn linux(mut sc: Scenario) -> Scenario {
    sc.client.profile = ProfileName::Linux;
    sc.server.profile = ProfileName::Linux;
    sc
}

// ----- The send window (RFC 9293 §3.10.7.3, §3.10.7.4) -----------------------------

#[test]
fn a_four_way_handshake_then_carries_the_request_and_the_response() {
    let t = run(&with_handshake("full-lifecycle", Handshake::FourWay));
    assert_eq!(received(&t, Side::Server), 47, "the client's request arrives");
    assert_eq!(received(&t, Side::Client), 86, "the server's response arrives");
    // The connection closed; the server's listening socket is still listening.
    assert_eq!((t.outcome.client, t.outcome.server), (State::Closed, State::Listen));
}

#[test]
fn a_four_way_half_close_sends_its_fin() {
    let t = run(&with_handshake("half-close", Handshake::FourWay));
    assert!(!sent_at(&t, |d, s| d == Dir::C2s && s.flags.fin).is_empty(), "the client's FIN leaves");
    assert_eq!(received(&t, Side::Server), 35);
    assert_eq!((t.outcome.client, t.outcome.server), (State::Closed, State::Listen));
}

#[test]
fn a_simultaneous_open_with_a_lost_syn_ack_still_moves_data_for_every_isn() {
    for seed in 1..=64 {
        let mut sc = catalogue::scenario("simultaneous-open").unwrap();
        sc.seed = seed;
        sc.actions.push(Step::text(Side::Client, When::Established, "hello server"));
        sc.actions.push(Step::text(Side::Server, When::Established, "hello client"));
        sc.network.faults.drop.push(3);
        let t = run(&sc);
        assert_eq!(received(&t, Side::Server), 12, "seed {seed}: the client's bytes arrive");
        assert_eq!(received(&t, Side::Client), 12, "seed {seed}: the server's bytes arrive");
    }
}

// ----- Karn's rule and the RTO (RFC 6298) ------------------------------------------

#[test]
fn no_round_trip_is_measured_across_a_resent_syn_ack() {
    // #2, the SYN,ACK, is lost and sent again when the SYN repeats; its ACK cannot say
    // which copy it answers. #8, the response, is lost: the RTO is still the initial
    // 1 s, not 3.3 s from a 1.1 s "round trip" measured from the lost copy.
    let mut sc = catalogue::scenario("full-lifecycle").unwrap();
    sc.network.faults.drop = vec![2, 8];
    let t = run(&sc);
    let responses = sent_at(&t, |d, s| d == Dir::S2c && s.payload.len() == 86);
    assert_eq!(responses.len(), 2);
    assert_eq!(responses[1] - responses[0], SECOND);
}

#[test]
fn after_syn_timeouts_the_first_data_rto_is_three_seconds() {
    // Two SYNs lost: the RTO has backed off to 4 s, and RFC 6298 §5.7 re-initializes
    // it to 3 s (not max(4 s, 3 s)) once data transmission begins.
    let mut sc = catalogue::scenario("full-lifecycle").unwrap();
    sc.network.faults.drop = vec![1, 2, 6];
    let t = run(&sc);
    let requests = sent_at(&t, |d, s| d == Dir::C2s && s.payload.len() == 47);
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1] - requests[0], 3 * SECOND);
}

#[test]
fn the_rfc_profile_keeps_trying_a_syn_for_at_least_three_minutes() {
    // RFC 9293 §3.8.3 (MUST-23): R2 for a SYN is at least 3 minutes.
    let mut sc = handshake(100, 300);
    sc.network.c2s = Some(Link { loss: 1.0, ..Link::default() });
    let t = run(&sc);
    let syns = sent_at(&t, |d, _| d == Dir::C2s);
    assert_eq!(syns.iter().map(|t| t / SECOND).collect::<Vec<_>>(), [0, 1, 3, 7, 15, 31, 63, 123]);
    assert_eq!(entered(&t, Side::Client, State::Closed), Some(183 * SECOND));
}

#[test]
fn the_rfc_profile_keeps_a_syn_received_entry_for_at_least_three_minutes() {
    let mut sc = handshake(100, 300);
    sc.network.s2c = Some(Link { loss: 1.0, ..Link::default() });
    sc.actions[1] = Step::new(Side::Client, When::Start, Do::Connect);
    // The client gives up first unless it keeps trying as long: stop it after one SYN.
    sc.client.syn_retries = Some(0);
    let t = run(&sc);
    let first = sent_at(&t, |d, _| d == Dir::S2c)[0];
    let back = t.events.iter().find(|e| {
        e.side == Side::Server && matches!(e.kind, EventKind::State { to: State::Listen, from: State::SynReceived, .. })
    });
    assert_eq!(back.map(|e| e.t_us - first), Some(183 * SECOND));
}

// ----- The linux profile, as this machine's Linux 6.x behaves ----------------------

#[test]
fn linux_resends_a_syn_four_times_a_second_then_doubles_and_gives_up_after_131_s() {
    // tcp_syn_linear_timeouts=4, tcp_syn_retries=6 (tcp_retransmit_timer,
    // tcp_model_timeout). Measured here: the same gaps, the last two stretched by the
    // timer wheel's slack (69 s and 135 s).
    let mut sc = linux(handshake(100, 300));
    sc.network.c2s = Some(Link { loss: 1.0, ..Link::default() });
    let t = run(&sc);
    let syns = sent_at(&t, |d, _| d == Dir::C2s);
    assert_eq!(syns.iter().map(|t| t / SECOND).collect::<Vec<_>>(), [0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67]);
    assert_eq!(entered(&t, Side::Client, State::Closed), Some(131 * SECOND));
}

#[test]
fn linux_drops_a_syn_received_entry_after_five_syn_ack_retransmissions() {
    let mut sc = linux(handshake(100, 300));
    sc.network.s2c = Some(Link { loss: 1.0, ..Link::default() });
    sc.client.syn_retries = Some(0);
    sc.client.profile = ProfileName::Rfc;
    let t = run(&sc);
    let synacks = sent_at(&t, |d, s| d == Dir::S2c && flags(s) == "SYN,ACK");
    let first = synacks[0];
    assert_eq!(synacks.iter().map(|t| (t - first) / SECOND).collect::<Vec<_>>(), [0, 1, 3, 7, 15, 31]);
    let back = t.events.iter().find(|e| {
        e.side == Side::Server && matches!(e.kind, EventKind::State { to: State::Listen, .. }) && e.t_us > first
    });
    assert_eq!(back.map(|e| e.t_us - first), Some(63 * SECOND));
}

#[test]
fn linux_answers_data_after_close_with_a_bare_rst_from_the_ack_it_carried() {
    // The server closes; the client, half-closed by the server's FIN, still sends.
    let mut sc = linux(handshake(100, 300));
    sc.actions.push(Step::new(Side::Server, When::Established, Do::Close).after(100 * MS));
    sc.actions.push(Step::text(Side::Client, When::PeerClosed, "late").after(100 * MS));
    let t = run(&sc);
    let (_, rst) = t.sends().find(|(_, s)| s.flags.rst).unwrap();
    let (_, data) = t.sends().find(|(_, s)| s.payload == b"late").unwrap();
    assert_eq!(flags(rst), "RST", "no ACK bit (tcp_v4_send_reset)");
    assert_eq!(rst.seq, data.ack.unwrap(), "SEQ=SEG.ACK");
    assert_eq!(t.outcome.server, State::Listen, "the connection is gone, not the listener");
}

#[test]
fn linux_drops_an_orphaned_fin_wait_2_after_tcp_fin_timeout() {
    let mut sc = linux(handshake(100, 300));
    sc.actions.push(Step::new(Side::Server, When::Established, Do::Close).after(100 * MS));
    let t = run(&sc);
    let fw2 = entered(&t, Side::Server, State::FinWait2).unwrap();
    let set = t.events.iter().find_map(|e| match e.kind {
        EventKind::Timer { timer: TimerKind::FinWait2, action: TimerAction::Set { at_us } } => Some(at_us),
        _ => None,
    });
    assert_eq!(set, Some(fw2 + 60 * SECOND));
    let closed = t
        .events
        .iter()
        .rev()
        .find(|e| e.side == Side::Server && matches!(e.kind, EventKind::State { to: State::Closed, .. }));
    assert_eq!(closed.map(|e| e.t_us), Some(fw2 + 60 * SECOND));
    assert_eq!(t.outcome.client, State::CloseWait, "the peer is told nothing");
}

#[test]
fn an_rfc_fin_wait_2_waits_for_the_peer_for_ever() {
    let mut sc = handshake(100, 300);
    sc.actions.push(Step::new(Side::Server, When::Established, Do::Close).after(100 * MS));
    let t = run(&sc);
    assert_eq!(t.outcome.server, State::FinWait2);
}

#[test]
fn linux_time_wait_is_a_fixed_60_s() {
    let t = run(&linux(catalogue::scenario("four-way-teardown").unwrap()));
    let tw = entered(&t, Side::Client, State::TimeWait).unwrap();
    let set = t.events.iter().find_map(|e| match e.kind {
        EventKind::Timer { timer: TimerKind::TimeWait, action: TimerAction::Set { at_us } } => Some(at_us),
        _ => None,
    });
    assert_eq!(set, Some(tw + 60 * SECOND));
}

#[test]
fn with_timestamps_a_lost_syn_leaves_an_rtt_based_rto_not_three_seconds() {
    // The SYN was resent, so Karn forbids timing it; the SYN,ACK's TSecr still measures
    // the 100 ms round trip, and the lost request is resent after about 300 ms.
    let mut sc = linux(catalogue::scenario("full-lifecycle").unwrap());
    sc.network.faults.drop = vec![1, 5];
    let t = run(&sc);
    let requests = sent_at(&t, |d, s| d == Dir::C2s && s.payload.len() == 47);
    assert_eq!(requests.len(), 2);
    let rto = requests[1] - requests[0];
    assert!((200 * MS..=400 * MS).contains(&rto), "RTO {rto} µs");
}

// ----- Narration that is true ---------------------------------------------------------

/// Every reset's reason names the form it was sent in, across every catalogue
/// scenario × handshake × single drop.
#[test]
fn each_reset_is_explained_by_the_rule_that_shaped_it() {
    let mut checked = 0;
    for entry in catalogue::ENTRIES {
        for handshake in Handshake::ALL {
            let base = run(&with_handshake(entry.id, handshake));
            for drop in 0..=base.sends().count() as u32 {
                let mut sc = with_handshake(entry.id, handshake);
                if drop > 0 {
                    sc.network.faults.drop.push(drop);
                }
                let t = run(&sc);
                for e in &t.events {
                    let EventKind::Send { segment: s, reason, .. } = &e.kind else { continue };
                    let what = format!("{} {handshake} drop {drop}: {} {:?}", entry.id, reason.key(), s);
                    match reason.key() {
                        "rst-closed-port" => assert!(flags(s) == "RST,ACK" && s.seq.0 == 0, "{what}"),
                        "rst-closed-port-ack" | "rst-bad-ack" | "rst-ack-in-listen" | "rst-data-after-close" => {
                            assert_eq!(flags(s), "RST", "{what}")
                        }
                        "challenge-ack" | "challenge-ack-rst" => assert_eq!(flags(s), "ACK", "{what}"),
                        _ => {}
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000, "{checked} segments");
}

#[test]
fn an_inexact_rst_is_challenged_under_rfc_5961_section_3_2_not_4() {
    let r = synack_core::Reason::ALL.iter().find(|r| r.key() == "challenge-ack-rst").unwrap();
    assert!(r.rfc().contains("RFC 5961 §3.2"));
    let syn = synack_core::Reason::ALL.iter().find(|r| r.key() == "challenge-ack").unwrap();
    assert!(syn.rfc().contains("RFC 5961 §4"));
}

#[test]
fn a_crashed_client_is_not_a_client_that_never_asked() {
    let t = run(&with_handshake("half-open", Handshake::TwoWay));
    let keys: Vec<_> = t.outcome.facts.iter().map(|f| f.key()).collect();
    assert_eq!(keys[0], "server-holds-half-open-connection");
    let t = run(&with_handshake("old-duplicate-syn", Handshake::TwoWay));
    assert_eq!(t.outcome.facts[0].key(), "server-holds-unwanted-connection");
}

#[test]
fn a_timeout_after_challenge_acks_does_not_claim_silence() {
    // Every SYN of the two-way client is answered (by a challenge ACK it ignores).
    let t = run(&with_handshake("old-duplicate-syn", Handshake::TwoWay));
    let fact = t.outcome.facts.iter().find(|f| f.key() == "timed-out").unwrap();
    assert!(!fact.text().contains("unanswered"), "{}", fact.text());
    assert!(t.sends().any(|(_, s)| s.flag_names() == ["ACK"]), "challenge ACKs were sent");
}

#[test]
fn a_listener_is_not_told_of_a_handshake_that_never_completed() {
    let mut sc = handshake(100, 300);
    sc.network.s2c = Some(Link { loss: 1.0, ..Link::default() });
    sc.client.syn_retries = Some(0);
    let t = run(&sc);
    let told = t.events.iter().any(|e| {
        e.side == Side::Server && matches!(&e.kind, EventKind::App { app: AppEvent::Note(AppNote::TimedOut) })
    });
    assert!(!told, "accept() never saw this connection");
    assert_eq!(t.outcome.server, State::Listen);
}

#[test]
fn an_active_opener_in_syn_received_resends_syn_ack_not_a_bare_syn() {
    // Four-way, the lone ACK (#2) lost: the client takes the server's bare SYN as a
    // simultaneous open. Its timer then resends <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
    // (RFC 9293 Fig. 7), and it does not time the round trip of its twice-sent SYN.
    let mut sc = with_handshake("three-way-handshake", Handshake::FourWay);
    sc.network.faults.drop = vec![2, 4];
    let t = run(&sc);
    let resent: Vec<String> = t
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Send { segment, retransmission: true, .. } if e.side == Side::Client => Some(flags(segment)),
            _ => None,
        })
        .collect();
    assert!(!resent.is_empty() && resent.iter().all(|f| f == "SYN,ACK"), "{resent:?}");
}

// ----- Why three, not two: the honest comparison --------------------------------

/// The outcome's fact keys for old-duplicate-syn under `handshake` and the client's rule.
fn compare_facts(handshake: Handshake, rule: synack_core::UnexpectedAnswer) -> (State, State, Vec<&'static str>) {
    let mut sc = with_handshake("old-duplicate-syn", handshake);
    sc.unexpected_answer = Some(rule);
    let t = run(&sc);
    (t.outcome.client, t.outcome.server, t.outcome.facts.iter().map(|f| f.key()).collect())
}

#[test]
fn with_tcp_s_reset_the_difference_is_that_the_two_way_server_committed_first() {
    use synack_core::UnexpectedAnswer::Reset;
    // Both end with the client's real connection: the reset clears the stale one in
    // both modes. What differs is that the two-way server's application was handed
    // the stale connection (and lost it), while the three-way one never heard of it.
    let (c, s, two) = compare_facts(Handshake::TwoWay, Reset);
    assert_eq!((c, s), (State::Established, State::Established));
    assert_eq!(two, ["established", "server-accepted-unwanted-connection"]);
    let (c, s, three) = compare_facts(Handshake::ThreeWay, Reset);
    assert_eq!((c, s), (State::Established, State::Established));
    assert_eq!(three, ["established", "stale-connection-rejected"]);
}

#[test]
fn with_a_silent_client_two_way_holds_the_stale_connection_and_three_way_drops_it() {
    use synack_core::UnexpectedAnswer::Ignore;
    let (c, s, two) = compare_facts(Handshake::TwoWay, Ignore);
    assert_eq!((c, s), (State::Closed, State::Established));
    assert_eq!(two, ["server-holds-unwanted-connection", "timed-out"]);
    // The three-way client ignores the SYN,ACK too (the rule applies to every mode
    // once chosen), yet the server never committed: the SYN-RECEIVED entry goes.
    let mut sc = with_handshake("old-duplicate-syn", Handshake::ThreeWay);
    sc.unexpected_answer = Some(Ignore);
    let t = run(&sc);
    assert!(t
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Discard { reason, .. } if reason.key() == "client-silent")));
    let (c, s, three) = compare_facts(Handshake::ThreeWay, Ignore);
    assert_eq!((c, s), (State::Established, State::Established));
    assert_eq!(three, ["established", "unconfirmed-connection-dropped"]);
}
