//! A listener's queues (issue 15): what a reader of `syn-flood`, `syn-cookies` and
//! `accept-queue-full` sees — the segments with their flags and numbers, both
//! sides' states, the queue lengths and the facts — checked against what Linux
//! does (tcp-facts.md; `tcp_conn_request`, `tcp_check_req`, RFC 4987).

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use synack_core::net::DropCause;
use synack_core::trace::{EventKind, Trace};
use synack_core::{catalogue, sim, Reason, Scenario, State};

const S: u64 = 1_000_000;
const MS: u64 = 1_000;

fn run(sc: &Scenario) -> Trace {
    sim::run(sc).unwrap()
}

fn scenario(id: &str) -> Scenario {
    catalogue::scenario(id).unwrap()
}

/// `(t, port the segment goes to or comes from, flags, seq, ack, reason key)` of
/// every segment the server sends.
/// A segment the server sent: time, the peer's port, flags, seq, ack, reason key.
type Sent = (u64, u16, String, u32, Option<u32>, &'static str);

fn server_sends(t: &Trace) -> Vec<Sent> {
    t.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Send { segment: s, reason, .. } if e.side == synack_core::Side::Server => {
                Some((e.t_us, s.dst_port, s.flag_names().join(","), s.seq.0, s.ack.map(|a| a.0), reason.key()))
            }
            _ => None,
        })
        .collect()
}

/// The (SYN queue, accept queue) lengths the trace shows, in order, with reasons.
fn queues(t: &Trace) -> Vec<(u32, u32, &'static str)> {
    t.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Queue { syn_queue, accept_queue, reason, .. } => Some((*syn_queue, *accept_queue, reason.key())),
            _ => None,
        })
        .collect()
}

fn discards(t: &Trace, reason: Reason) -> Vec<u64> {
    t.events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Discard { reason: r, .. } if r == reason => Some(e.t_us),
            _ => None,
        })
        .collect()
}

fn fact_keys(t: &Trace) -> Vec<&'static str> {
    t.outcome.facts.iter().map(|f| f.key()).collect()
}

#[test]
fn scenarios_without_a_backlog_have_no_queue_events() {
    for e in catalogue::ENTRIES {
        let sc = scenario(e.id);
        if sc.server.backlog.is_none() {
            assert!(queues(&run(&sc)).is_empty(), "{}", e.id);
        }
    }
}

#[test]
fn syn_flood_fills_the_syn_queue_and_drops_the_clients_syn_until_the_entries_expire() {
    let t = run(&scenario("syn-flood"));
    let sends = server_sends(&t);
    // Each forged SYN gets a SYN,ACK acknowledging its ISN + 1, to a host that is not
    // there: the network drops it as addressed to no host.
    let to_forged: Vec<_> = sends.iter().filter(|s| s.1 != t.client.port).collect();
    assert_eq!(to_forged.len(), 3 * 6, "each entry's SYN,ACK and its 5 resends (tcp_synack_retries)");
    assert!(to_forged.iter().all(|s| s.2 == "SYN,ACK" && s.4 == Some(1001)));
    let no_host =
        t.events.iter().filter(|e| matches!(e.kind, EventKind::Drop { cause: DropCause::NoHost, .. })).count();
    assert_eq!(no_host, 18);
    // The first entry's SYN,ACK at 50 ms, then 1, 2, 4, 8, 16 s apart (doubling).
    let first: Vec<u64> = to_forged.iter().filter(|s| s.1 == 40001).map(|s| s.0).collect();
    assert_eq!(first, [50 * MS, 1050 * MS, 3050 * MS, 7050 * MS, 15050 * MS, 31050 * MS]);
    // The queue fills to backlog + 1 = 3; the entries expire 32 s after the last resend.
    let q = queues(&t);
    assert_eq!(&q[..3], [(1, 0, "syn-queued"), (2, 0, "syn-queued"), (3, 0, "syn-queued")]);
    let expired: Vec<_> = t
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Queue { reason: Reason::RequestExpired, .. }))
        .map(|e| e.t_us)
        .collect();
    assert_eq!(expired, [63050 * MS, 63060 * MS, 63070 * MS]);
    // Meanwhile every SYN of the real client is dropped without a word: no SYN,ACK
    // and no RST to it before the entries are gone.
    let dropped = discards(&t, Reason::SynQueueFull);
    assert_eq!(dropped.len(), 10, "the client's SYN and its retransmissions up to 35 s");
    assert!(dropped.iter().all(|&d| d < 63 * S));
    let to_client: Vec<_> = sends.iter().filter(|s| s.1 == t.client.port).collect();
    assert_eq!(to_client.len(), 1);
    assert_eq!((to_client[0].2.as_str(), to_client[0].5), ("SYN,ACK", "syn-in-listen"));
    assert!(to_client[0].0 > 63 * S, "answered only once the queue has room");
    assert_eq!((t.outcome.client, t.outcome.server), (State::Established, State::Established));
    assert!(fact_keys(&t).contains(&"syn-queue-overflowed"));
}

#[test]
fn syn_cookies_answer_from_a_cookie_keep_no_state_and_rebuild_the_connection() {
    for isns in [None, Some((u32::MAX, u32::MAX - 3)), Some((7, 0))] {
        let mut sc = scenario("syn-cookies");
        if let Some((c, s)) = isns {
            sc.client.isn = Some(c);
            sc.server.isn = Some(s);
        }
        let t = run(&sc);
        let cookie = t
            .events
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::Send { segment, cookie: Some(c), reason: Reason::SynCookieSent, .. } => {
                    Some((segment.clone(), *c))
                }
                _ => None,
            })
            .unwrap();
        let (seg, c) = cookie;
        // It answers the client's SYN: ACK = its ISN + 1, SEQ = the cookie.
        assert_eq!(seg.ack.map(|a| a.0), Some(t.client.isn.wrapping_add(1)));
        assert_eq!(seg.seq.0, c.isn);
        assert_eq!(c.peer_isn, t.client.isn);
        let sum = c
            .hash1
            .wrapping_add(c.peer_isn)
            .wrapping_add(c.count << 24)
            .wrapping_add(c.hash2.wrapping_add(c.mss_index.into()) & 0xFF_FFFF);
        assert_eq!(sum, c.isn, "ISN = hash1 + peer ISN + count·2^24 + ((hash2 + MSS index) mod 2^24)");
        assert_eq!((c.mss_index, c.mss), (3, 1460), "the client offered 1460");
        // Window scale 10 and SACK-permitted ride in the low bits of the TSval.
        assert_eq!(c.ts_options, Some(10 | 0x10));
        assert_eq!(seg.options.timestamps.map(|(val, _)| val & 0x3F), Some(10 | 0x10));
        // No state: the server stays in LISTEN, with no timer, until the ACK.
        let states: Vec<_> = t
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::State { from, to, reason } if e.side == synack_core::Side::Server => {
                    Some((from, to, reason))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            states,
            [
                (State::Closed, State::Listen, Reason::AppListen),
                (State::Listen, State::Established, Reason::SynCookieAck),
            ]
        );
        // The request arrives whole on the rebuilt connection, and the server's ACK
        // acknowledges it from the cookie ISN + 1.
        let [_, server] = sim::run_with_endpoints(&sc).unwrap().1;
        assert_eq!(server.received(), b"GET / HTTP/1.0\r\n\r\n");
        let last = server_sends(&t).into_iter().rfind(|s| s.1 == t.client.port).unwrap();
        assert_eq!((last.2.as_str(), last.3), ("ACK", c.isn.wrapping_add(1)));
        assert_eq!(last.4, Some(t.client.isn.wrapping_add(1 + 18)));
        assert!(fact_keys(&t).contains(&"syn-cookie-connection"));
        // The SYN queue stays full of forged entries all along.
        assert!(queues(&t).contains(&(3, 1, "syn-cookie-ack")));
    }
}

#[test]
fn a_full_accept_queue_drops_the_final_ack_while_the_client_is_established() {
    let t = run(&scenario("accept-queue-full"));
    let state_at = |side: synack_core::Side, at: u64| {
        t.events.iter().filter(|e| e.side == side && e.t_us <= at).rev().find_map(|e| match e.kind {
            EventKind::State { to, .. } => Some(to),
            _ => None,
        })
    };
    // At 1 s the client has been ESTABLISHED for most of a second; the server still
    // holds the connection in SYN-RECEIVED, having dropped the ACK.
    assert_eq!(state_at(synack_core::Side::Client, S), Some(State::Established));
    assert_eq!(state_at(synack_core::Side::Server, S), Some(State::SynReceived));
    assert_eq!(discards(&t, Reason::AcceptQueueFullAck), [270 * MS, 1270 * MS]);
    // The SYN,ACK goes again with the same numbers, 1 s and then 2 s later.
    let to_client: Vec<_> = server_sends(&t).into_iter().filter(|s| s.1 == t.client.port).collect();
    assert_eq!(to_client.len(), 3);
    assert!(to_client.iter().all(|s| s.2 == "SYN,ACK" && s.3 == to_client[0].3 && s.4 == Some(t.client.isn + 1)));
    assert_eq!(to_client.iter().map(|s| s.0).collect::<Vec<_>>(), [170 * MS, 1170 * MS, 3170 * MS]);
    // accept() at 2 s makes room: the ACK of the third SYN,ACK completes it.
    assert_eq!(state_at(synack_core::Side::Server, 3270 * MS), Some(State::Established));
    let q = queues(&t);
    assert!(q.contains(&(1, 2, "accept-queued")), "two other clients fill backlog + 1 = 2 places: {q:?}");
    assert!(q.contains(&(1, 1, "app-accept")));
    assert!(q.contains(&(0, 2, "handshake-acked")));
    assert_eq!(q.last(), Some(&(0, 0, "app-accept")));
    assert!(fact_keys(&t).contains(&"accept-queue-overflowed"));
}

#[test]
fn a_full_accept_queue_drops_a_new_syn_silently() {
    // Linux (tcp-facts.md, measured): with the accept queue full, later SYNs get no
    // answer at all, neither SYN,ACK nor RST, and their clients stay in SYN-SENT.
    let mut sc = scenario("accept-queue-full");
    sc.server.backlog = Some(0);
    sc.actions.retain(|s| s.action != synack_core::scenario::ActionKind::Accept);
    sc.client.syn_retries = Some(1);
    sc.client.profile = synack_core::ProfileName::Rfc;
    let t = run(&sc);
    assert!(!discards(&t, Reason::AcceptQueueFull).is_empty() || !discards(&t, Reason::SynQueueFull).is_empty());
    assert!(server_sends(&t).iter().all(|s| s.1 != t.client.port), "nothing answers the client");
    assert_eq!(t.outcome.client, State::Closed, "it gives up");
}

/// `isn-choice` (RFC 6528): the attacker reads the ISN its own SYN got, and forges
/// the trusted client's handshake with the ISN it predicts from it.
#[test]
fn a_guessed_isn_misses_with_the_keyed_hash_and_lands_with_the_clock_alone() {
    use synack_core::variant::Variant;
    let forged = |t: &Trace| -> Vec<(u64, String, u32, Option<u32>)> {
        t.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Send { segment: s, reason: Reason::Forged, stale: false, .. } => {
                    Some((e.t_us, s.flag_names().join(","), s.seq.0, s.ack.map(|a| a.0)))
                }
                _ => None,
            })
            .collect()
    };
    for hashed in [true, false] {
        let mut sc = scenario("isn-choice");
        if !hashed {
            assert!(Variant::IsnClock.applies_to(&sc));
            Variant::IsnClock.apply(&mut sc);
        }
        let t = run(&sc);
        let sent = server_sends(&t);
        // The attacker's own SYN (from port 40001) got an ISN; 300 ms later the forged
        // SYN from the client's port got another: exactly 75,000 ticks of the 4 µs
        // clock later when the ISN is the clock alone, anywhere else with the hash.
        let probe = sent.iter().find(|s| s.1 == 40001 && s.2 == "SYN,ACK").unwrap();
        let real = sent.iter().find(|s| s.1 == t.client.port && s.2 == "SYN,ACK").unwrap();
        assert_eq!((probe.0, real.0), (50 * MS, 350 * MS));
        assert_eq!(real.4, Some(1001), "the SYN,ACK acknowledges the forged SYN (seq 1000)");
        assert_eq!(real.3.wrapping_sub(probe.3) == 75_000, !hashed, "hashed: {hashed}");
        // The forged ACK and data acknowledge the probe's ISN + 75,000 + 1.
        let f = forged(&t);
        let guess = probe.3.wrapping_add(75_001);
        assert_eq!(f.iter().map(|s| s.1.as_str()).collect::<Vec<_>>(), ["SYN", "ACK", "PSH,ACK"]);
        assert!(f[1..].iter().all(|s| s.3 == Some(guess)));
        let rsts: Vec<_> = sent.iter().filter(|s| s.2 == "RST").collect();
        if hashed {
            // RFC 9293 §3.10.7.4: in SYN-RECEIVED an unacceptable ACK gets
            // <SEQ=SEG.ACK><CTL=RST>, and the server never leaves SYN-RECEIVED.
            assert_eq!(rsts.iter().map(|s| (s.0, s.3)).collect::<Vec<_>>(), [(360 * MS, guess), (370 * MS, guess)]);
            assert!(!t.events.iter().any(|e| matches!(e.kind, EventKind::State { to: State::Established, .. })));
            assert_eq!(t.outcome.server, State::Listen);
            assert!(fact_keys(&t).contains(&"unconfirmed-connection-dropped"), "{:?}", fact_keys(&t));
        } else {
            assert!(rsts.is_empty());
            assert_eq!((t.outcome.client, t.outcome.server), (State::Closed, State::Established));
            assert_eq!(
                t.events.iter().filter(|e| e.side == synack_core::Side::Server).find_map(|e| match &e.kind {
                    EventKind::App {
                        app: synack_core::trace::AppEvent::Note(synack_core::AppNote::Received { total, .. }),
                    } => Some(*total),
                    _ => None,
                }),
                Some(20),
                "the server's application reads the forged command"
            );
            assert_eq!(fact_keys(&t), ["server-holds-forged-connection"]);
        }
        // Nothing the server sends reaches the client: it never answers. (Injected
        // segments travel on the client's side, as the attacker's or another host's.)
        assert!(!t.events.iter().any(|e| e.side == synack_core::Side::Client
            && matches!(e.kind, EventKind::Send { reason, .. } if reason != Reason::Forged && reason != Reason::OtherPeer)));
    }
}

/// RFC 6528 §3: ISN = M + F(4-tuple). A later connection with the same peer differs
/// from the first by the clock alone (4 µs in the RFC, 64 ns in Linux); another
/// peer's port gets an unrelated ISN, unless the hash is off.
#[test]
fn the_isn_clock_ticks_every_4_us_in_the_rfc_and_64_ns_in_linux() {
    for (profile, per_second) in [("rfc", 250_000u64), ("linux", 15_625_000)] {
        let sc = Scenario::from_json(&format!(
            r#"{{"id": "t", "client": {{"isn": 1000, "profile": "{profile}"}}, "server": {{"isn": 5000, "profile": "{profile}"}},
                "actions": [{{"side": "server", "do": "listen"}}, {{"side": "client", "do": "connect"}},
                            {{"side": "client", "do": "abort", "when": "established"}},
                            {{"side": "client", "do": "connect", "when": {{"at_us": 2000000}}}}]}}"#
        ))
        .unwrap();
        let t = run(&sc);
        let isns: Vec<u32> = server_sends(&t).iter().filter(|s| s.2 == "SYN,ACK").map(|s| s.3).collect();
        // The server's two SYN,ACKs: at 50 ms and 2.05 s, 2 s of ticks apart.
        assert_eq!(isns, [5000, 5000u32.wrapping_add((2 * per_second) as u32)], "{profile}");
    }
}
