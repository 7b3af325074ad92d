//! The catalogue: every entry runs, ends where its story says, and survives a trip
//! through the scenario JSON format unchanged.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use synack_core::trace::EventKind;
use synack_core::{catalogue, sim, Scenario, State};

#[test]
fn ids_are_unique_and_every_entry_has_a_scenario_title_and_summary() {
    let mut ids: Vec<_> = catalogue::ENTRIES.iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), 25);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 25, "duplicate id");
    for e in catalogue::ENTRIES {
        let sc = catalogue::scenario(e.id).unwrap_or_else(|| panic!("{} has no scenario", e.id));
        assert_eq!(sc.id, e.id);
        assert!(!e.title().is_empty() && e.summary().ends_with('.'), "{}", e.id);
    }
    assert!(catalogue::scenario("no-such-thing").is_none());
}

#[test]
fn every_scenario_ends_where_its_story_says() {
    use State::*;
    // A server that listened is back in LISTEN once its connection is gone: the
    // listening socket outlives the connections accepted from it.
    let expected = [
        ("three-way-handshake", Established, Established),
        ("four-way-teardown", Closed, Listen),
        ("full-lifecycle", Closed, Listen),
        ("old-duplicate-syn", Established, Established),
        ("four-way-handshake", Established, Established),
        ("syn-lost", Established, Established),
        ("syn-ack-lost", Established, Established),
        ("final-ack-lost", Closed, Listen),
        ("simultaneous-open", Established, Established),
        ("simultaneous-close", Closed, Listen),
        ("three-segment-teardown", Closed, Listen),
        ("half-close", Closed, Listen),
        ("connection-refused", Closed, Closed),
        ("half-open", Established, Established),
        ("connect-timeout", Closed, Listen),
        // The followed connection's states; the listening socket stays in LISTEN
        // beside it, with its queues.
        ("syn-flood", Established, Established),
        ("syn-cookies", Established, Established),
        ("accept-queue-full", Established, Established),
        ("close-with-unread-data", Closed, Listen),
        ("fin-wait-2-timeout", Closed, Listen),
        ("keepalive", Closed, Listen),
        ("time-wait-new-syn", Established, Established),
        ("zero-window", Closed, Listen),
        // The forged connection never completes: the listener is left as it was.
        ("isn-choice", Closed, Listen),
        ("fast-open", Closed, Listen),
    ];
    assert_eq!(expected.len(), catalogue::ENTRIES.len());
    for (id, client, server) in expected {
        let t = sim::run(&catalogue::scenario(id).unwrap()).unwrap();
        assert_eq!((t.outcome.client, t.outcome.server), (client, server), "{id}");
        assert!(!t.outcome.truncated, "{id}");
        assert!(!t.outcome.facts.is_empty(), "{id} states no outcome");
    }
}

#[test]
fn the_final_ack_lost_scenario_drops_the_final_ack() {
    let t = sim::run(&catalogue::scenario("final-ack-lost").unwrap()).unwrap();
    let dropped = t.events.iter().find_map(|e| match e.kind {
        EventKind::Drop { id, .. } => Some(id),
        _ => None,
    });
    let (_, seg) = t.sends().nth(dropped.unwrap() as usize - 1).unwrap();
    assert_eq!(seg.flag_names(), ["ACK"]);
    let (_, before) = t.sends().nth(dropped.unwrap() as usize - 2).unwrap();
    assert_eq!(before.flag_names(), ["FIN", "ACK"], "the dropped ACK answers the server's FIN");
}

#[test]
fn fast_open_gets_the_response_one_round_trip_sooner() {
    // RFC 7413: the first connection asks for a cookie and sends its request after
    // the handshake; the second sends cookie and request in its SYN, and the
    // server answers before the handshake's last ACK reaches it.
    let t = sim::run(&catalogue::scenario("fast-open").unwrap()).unwrap();
    let sends: Vec<_> = t.sends().collect();
    let syns: Vec<usize> = (0..sends.len()).filter(|&i| sends[i].1.flag_names() == ["SYN"]).collect();
    assert_eq!(syns.len(), 2);
    let (first, second) = (sends[syns[0]].1, sends[syns[1]].1);
    let request = first.options.fast_open.unwrap();
    assert!(request.is_request() && first.payload.is_empty());
    let cookie = sends[syns[0] + 1].1.options.fast_open.unwrap();
    assert_eq!(cookie.bytes().len(), 8, "Linux's cookie length");
    assert_eq!(second.options.fast_open, Some(cookie));
    assert_eq!(second.payload.len(), 37);
    let syn_ack = sends[syns[1] + 1].1;
    assert_eq!(syn_ack.ack, Some(second.seq + 38), "ISN + 1 + the request");
    assert_eq!(syn_ack.options.fast_open, None);
    // The response: when it reached the client, after each connect().
    let connects: Vec<u64> = t
        .events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::App { app: synack_core::trace::AppEvent::Call(synack_core::scenario::Action::Connect) } if e.side == synack_core::Side::Client))
        .map(|e| e.t_us)
        .collect();
    let got: Vec<u64> = t
        .events
        .iter()
        .filter(|e| {
            e.side == synack_core::Side::Client
                && matches!(
                    &e.kind,
                    EventKind::App { app: synack_core::trace::AppEvent::Note(synack_core::AppNote::Received { .. }) }
                )
        })
        .map(|e| e.t_us)
        .collect();
    assert_eq!((connects.len(), got.len()), (2, 2));
    let rtt = 100_000;
    assert_eq!(got[0] - connects[0], 2 * rtt + 5_000, "two round trips and the server's 5 ms");
    assert_eq!(got[1] - connects[1], rtt + 5_000, "one round trip saved");
    // The response left the server before the handshake's last ACK arrived.
    let server_established = t
        .events
        .iter()
        .filter(|e| {
            e.side == synack_core::Side::Server && matches!(e.kind, EventKind::State { to: State::Established, .. })
        })
        .map(|e| e.t_us)
        .nth(1)
        .unwrap();
    let response_sent = t.events.iter().find(|e| matches!(&e.kind, EventKind::Send { segment, .. } if segment.payload.len() == 44 && segment.seq == syn_ack.seq + 1)).unwrap().t_us;
    assert!(response_sent < server_established, "{response_sent} {server_established}");
}

#[test]
fn scenarios_round_trip_through_json() {
    for e in catalogue::ENTRIES {
        let sc = catalogue::scenario(e.id).unwrap();
        let json = serde_json::to_string(&sc).unwrap();
        let back = Scenario::from_json(&json).unwrap_or_else(|err| panic!("{}: {err}\n{json}", e.id));
        assert_eq!(back, sc, "{}", e.id);
    }
}

#[test]
fn impossible_scenarios_are_refused_with_a_reason() {
    let base = catalogue::scenario("three-way-handshake").unwrap();
    type Change = fn(&mut Scenario);
    let cases: [(&str, Change); 6] = [
        ("network.c2s.loss must be a probability between 0 and 1", |s| {
            s.network.c2s = Some(synack_core::net::Link { loss: 1.5, ..Default::default() })
        }),
        ("client.port must be between 1 and 65535", |s| s.client.port = Some(0)),
        ("client and server need different ports (both are 80)", |s| s.client.port = Some(80)),
        ("actions: a scenario needs at least one action (say, the client's connect)", |s| s.actions.clear()),
        ("network.faults: segments are numbered from 1", |s| s.network.faults.drop.push(0)),
        ("server.window_scale must be at most 14 (RFC 7323 §2.3)", |s| s.server.window_scale = Some(15)),
    ];
    for (msg, change) in cases {
        let mut sc = base.clone();
        change(&mut sc);
        assert_eq!(sim::run(&sc).unwrap_err().to_string(), msg);
    }
}
