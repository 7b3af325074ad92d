//! Issue 15's endings: what a reader sees when a connection ends other than by
//! the textbook's FIN exchange — the segments' flags and numbers, both sides'
//! states, and the facts.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use synack_core::trace::{EventKind, Trace};
use synack_core::{catalogue, sim, AppNote, Reason, Scenario, Side, State};

fn run(sc: &Scenario) -> Trace {
    sim::run(sc).unwrap()
}

/// `(side, flags, seq, ack, reason key)` of every segment sent.
fn sends(t: &Trace) -> Vec<(Side, String, u32, Option<u32>, &'static str)> {
    t.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Send { segment: s, reason, .. } => {
                Some((e.side, s.flag_names().join(","), s.seq.0, s.ack.map(|a| a.0), reason.key()))
            }
            _ => None,
        })
        .collect()
}

fn noted(t: &Trace, side: Side, note: &AppNote) -> bool {
    t.events.iter().any(|e| {
        e.side == side && matches!(&e.kind, EventKind::App { app: synack_core::trace::AppEvent::Note(n) } if n == note)
    })
}

#[test]
fn close_with_unread_data_sends_a_rst_instead_of_a_fin() {
    for isns in [None, Some((u32::MAX - 5, u32::MAX))] {
        let mut sc = catalogue::scenario("close-with-unread-data").unwrap();
        if let Some((c, s)) = isns {
            sc.client.isn = Some(c);
            sc.server.isn = Some(s);
        }
        let t = run(&sc);
        let s = sends(&t);
        // No FIN anywhere: the server's last segment is RST,ACK from SND.NXT,
        // acknowledging the 18 unread bytes (RCV.NXT).
        assert!(s.iter().all(|x| !x.1.contains("FIN")), "{s:?}");
        let last = s.last().unwrap();
        assert_eq!(last.0, Side::Server);
        assert_eq!((last.1.as_str(), last.4), ("RST,ACK", "rst-unread-data"));
        assert_eq!(last.2, t.server.isn.wrapping_add(1));
        assert_eq!(last.3, Some(t.client.isn.wrapping_add(1 + 18)));
        // The server's application never read them; the client is told "reset".
        assert!(!noted(&t, Side::Server, &AppNote::Received { len: 18, total: 18 }));
        assert!(noted(&t, Side::Client, &AppNote::Reset));
        let server_states: Vec<_> = t
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::State { from, to, reason } if e.side == Side::Server => Some((from, to, reason)),
                _ => None,
            })
            .collect();
        assert!(server_states.contains(&(State::Established, State::Closed, Reason::RstUnreadData)));
        assert_eq!((t.outcome.client, t.outcome.server), (State::Closed, State::Listen));
        assert!(t.outcome.facts.iter().any(|f| f.key() == "reset"));
    }
}

#[test]
fn close_after_reading_everything_still_sends_a_fin() {
    // The same scenario with an application that reads: the usual FIN.
    let mut sc = catalogue::scenario("close-with-unread-data").unwrap();
    sc.server.reads = None;
    let t = run(&sc);
    assert!(sends(&t).iter().any(|x| x.0 == Side::Server && x.1 == "FIN,ACK"));
    assert!(sends(&t).iter().all(|x| !x.1.contains("RST")));
}

#[test]
fn an_orphaned_fin_wait_2_is_dropped_after_tcp_fin_timeout_and_the_late_fin_meets_a_rst() {
    let t = run(&catalogue::scenario("fin-wait-2-timeout").unwrap());
    let state_change = |reason: Reason| {
        t.events.iter().find_map(|e| match e.kind {
            EventKind::State { from, to, reason: r } if r == reason => Some((e.t_us, e.side, from, to)),
            _ => None,
        })
    };
    let (entered, ..) = state_change(Reason::FinAcked).unwrap();
    let (dropped, side, from, to) = state_change(Reason::FinWait2Timeout).unwrap();
    assert_eq!((side, from, to), (Side::Client, State::FinWait2, State::Closed));
    assert_eq!(dropped - entered, 60_000_000, "tcp_fin_timeout");
    // Nothing is sent when it is dropped; the server's late FIN,ACK gets a bare RST
    // with SEQ = its ACK (RFC 9293 §3.10.7.1), and the server is reset.
    let s = sends(&t);
    let fin = s.iter().rposition(|x| x.0 == Side::Server && x.1 == "FIN,ACK").unwrap();
    let rst = &s[fin + 1];
    assert_eq!((rst.0, rst.1.as_str(), rst.2, rst.3), (Side::Client, "RST", s[fin].3.unwrap(), None));
    assert!(noted(&t, Side::Server, &AppNote::Reset));
    let keys: Vec<_> = t.outcome.facts.iter().map(|f| f.key()).collect();
    assert!(keys.contains(&"fin-wait-2-dropped"), "{keys:?}");
}

#[test]
fn keepalive_probes_find_a_silent_peer_dead_and_the_connection_is_reset() {
    let t = run(&catalogue::scenario("keepalive").unwrap());
    let s: Vec<_> = t
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Send { segment, reason, .. } if e.side == Side::Server => {
                Some((e.t_us, segment.flag_names().join(","), segment.seq.0, segment.ack.map(|a| a.0), reason.key()))
            }
            _ => None,
        })
        .collect();
    let probes: Vec<_> = s.iter().filter(|x| x.4 == "keepalive-probe").collect();
    assert_eq!(probes.len(), 9, "tcp_keepalive_probes");
    // Each probe is a bare ACK one below SND.UNA, so a live peer must answer it.
    let snd_una = t.server.isn.wrapping_add(1);
    assert!(probes.iter().all(|p| p.1 == "ACK" && p.2 == snd_una.wrapping_sub(1)));
    assert!(probes.iter().all(|p| p.3 == Some(t.client.isn.wrapping_add(1 + 5))));
    // The first after 2 hours of silence (from the last segment received at
    // 0.15 s), then every 75 s; 75 s after the last, the reset.
    let times: Vec<u64> = probes.iter().map(|p| p.0).collect();
    let first = 150_000 + 7200 * 1_000_000;
    assert_eq!(times, (0..9).map(|k| first + k * 75_000_000).collect::<Vec<_>>());
    let last = s.last().unwrap();
    assert_eq!(
        (last.0, last.1.as_str(), last.2, last.4),
        (first + 9 * 75_000_000, "RST,ACK", snd_una, "keepalive-timeout")
    );
    // The path is cut: nothing gets through, and the server's application hears
    // that the connection timed out.
    let cut = t
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Drop { cause: synack_core::net::DropCause::Cut, .. }))
        .count();
    assert_eq!(cut, 10);
    assert!(noted(&t, Side::Server, &AppNote::TimedOut));
    assert_eq!(t.outcome.server, State::Listen);
    let keys: Vec<_> = t.outcome.facts.iter().map(|f| f.key()).collect();
    assert!(keys.contains(&"keepalive-gave-up") && !keys.contains(&"timed-out"), "{keys:?}");
}

#[test]
fn a_live_peer_answers_the_probe_and_the_idle_time_starts_again() {
    let mut sc = catalogue::scenario("keepalive").unwrap();
    sc.actions.retain(|s| s.action != synack_core::scenario::ActionKind::Crash);
    sc.network.faults.cut_at_us = None;
    sc.horizon_us = 7300 * 1_000_000; // past the first probe and its answer
    let t = run(&sc);
    let probe = t
        .events
        .iter()
        .position(|e| matches!(&e.kind, EventKind::Send { reason: Reason::KeepaliveProbe, .. }))
        .unwrap();
    // The client answers with an ACK of what it expects (RFC 9293 §3.10.7.4: the
    // probe's SEQ is below RCV.NXT), and the server arms the idle time again.
    let answer = t.events[probe..].iter().find_map(|e| match &e.kind {
        EventKind::Send { segment, reason, .. } if e.side == Side::Client => {
            Some((segment.flag_names().join(","), *reason))
        }
        _ => None,
    });
    assert_eq!(answer, Some(("ACK".into(), Reason::UnacceptableSegment)));
    assert_eq!(
        t.events.iter().filter(|e| matches!(&e.kind, EventKind::Send { reason: Reason::KeepaliveProbe, .. })).count(),
        1
    );
    assert_eq!(t.outcome.server, State::Established);
}

#[test]
fn a_new_syn_ends_the_servers_time_wait_and_opens_a_new_connection() {
    for isns in [None, Some((u32::MAX - 10, u32::MAX - 30))] {
        let mut sc = catalogue::scenario("time-wait-new-syn").unwrap();
        if let Some((c, s)) = isns {
            sc.client.isn = Some(c);
            sc.server.isn = Some(s);
        }
        let t = run(&sc);
        let server_states: Vec<_> = t
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::State { from, to, reason } if e.side == Side::Server => Some((e.t_us, from, to, reason)),
                _ => None,
            })
            .collect();
        let ended = server_states.iter().position(|s| s.3 == Reason::TimeWaitNewSyn).unwrap();
        let (at, from, to, _) = server_states[ended];
        assert_eq!((from, to), (State::TimeWait, State::Closed));
        assert!(at < 60_000_000, "well before TIME-WAIT's 60 s");
        let after: Vec<_> = server_states[ended + 1..].iter().map(|s| (s.1, s.2)).collect();
        assert_eq!(
            after,
            [
                (State::Closed, State::Listen),
                (State::Listen, State::SynReceived),
                (State::SynReceived, State::Established)
            ]
        );
        // The new SYN,ACK's ISN is the old SND.NXT + 65537, and it acknowledges the
        // client's new ISN + 1.
        let s = sends(&t);
        let old_fin = s.iter().find(|x| x.0 == Side::Server && x.1 == "FIN,ACK").unwrap();
        let syn_acks: Vec<_> = s.iter().filter(|x| x.0 == Side::Server && x.1 == "SYN,ACK").collect();
        assert_eq!(syn_acks.len(), 2);
        assert_eq!(syn_acks[1].2, old_fin.2.wrapping_add(1).wrapping_add(65537));
        let new_syn = s.iter().filter(|x| x.0 == Side::Client && x.1 == "SYN").nth(1).unwrap();
        assert_eq!(syn_acks[1].3, Some(new_syn.2.wrapping_add(1)));
        assert_eq!((t.outcome.client, t.outcome.server), (State::Established, State::Established));
    }
}

#[test]
fn an_old_duplicate_syn_in_time_wait_does_not_open_a_connection() {
    // The same TIME-WAIT meets the client's first SYN again (a copy the network
    // held back): not beyond the old connection, so TIME-WAIT goes on.
    let mut sc = catalogue::scenario("time-wait-new-syn").unwrap();
    sc.client.profile = synack_core::ProfileName::Rfc;
    sc.server.profile = synack_core::ProfileName::Rfc;
    sc.actions.pop();
    sc.network.faults.inject.push(synack_core::scenario::Inject {
        at_us: 1_000_000,
        from: Side::Client,
        flags: vec!["SYN".into()],
        seq: synack_core::scenario::SeqSpec::offset(0),
        ack: None,
        len: 0,
        port: None,
        forged: false,
    });
    let t = run(&sc);
    assert!(!t.events.iter().any(|e| matches!(e.kind, EventKind::State { reason: Reason::TimeWaitNewSyn, .. })));
}
