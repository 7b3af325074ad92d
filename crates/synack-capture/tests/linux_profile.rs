//! Differential tests for the engine's `linux` profile: what real Linux 6.x did in
//! the `linux-*` captures (made by scripts/make-captures.sh in network namespaces,
//! default sysctls), and the same situation run in the engine with both endpoints
//! on `ProfileName::Linux`.
//!
//! Each situation has two tests. `capture_*` reads the capture with this crate's
//! importer and asserts what a reader of it would notice; these hold as long as the
//! fixtures do. `engine_*` builds the equivalent scenario, runs `synack_core::sim`
//! and asserts the engine sends the same segments, in the same forms, at the same
//! times (to a few milliseconds) as the capture shows.
//!
//! About the times. Linux arms its timers with exact values (an RTO of 1 s, 2 s,
//! 4 s, …), but its timer wheel fires a timer up to an eighth of its length late
//! (the wheel's granularity grows with the timeout), so the capture shows 1.022 s
//! for 1 s and 34.048 s for 32 s, and the lateness adds up: the SYN that Linux
//! schedules at 67 s leaves at 69.57 s. The engine models the armed values, not the
//! wheel. So the capture tests check every measured interval against the interval
//! Linux armed (`armed <= measured <= armed * 9/8 + slack`), and the engine tests
//! check that the engine arms the same intervals, to within `TOLERANCE_US`.

#![allow(clippy::unwrap_used)]

use synack_capture::{import, Connection, SegmentRow, TcpFlags};
use synack_core::net::Link;
use synack_core::scenario::{ActionKind, Step, When};
use synack_core::{catalogue, sim, AppNote, EventKind, ProfileName, Scenario, Segment, Side, State, Trace};

const SECOND: f64 = 1.0;

/// How far an engine time may be from the time Linux armed (the link's latency
/// and rounding, never a whole timer tick).
const TOLERANCE_US: u64 = 5_000;

/// One-way latency on the engine's link: a veth delivers in tens of microseconds.
const LATENCY_US: u64 = 50;

// ---------------------------------------------------------------------------
// Reading the captures

fn bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/captures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn connections(name: &str) -> Vec<Connection> {
    import(&bytes(name)).unwrap_or_else(|e| panic!("{name}: {e}")).connections
}

fn only(name: &str) -> Connection {
    let mut c = connections(name);
    assert_eq!(c.len(), 1, "{name}: one connection");
    c.remove(0)
}

/// The `key value` lines of the NAME.txt that make-captures.sh writes next to a
/// capture (times in seconds since the capture's first segment).
fn facts(name: &str) -> Vec<(String, String)> {
    let text = String::from_utf8(bytes(name)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (k, v) = l.split_once(' ').unwrap_or_else(|| panic!("{name}: {l:?}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// The last value of `key` in NAME.txt, as a number of seconds.
fn fact(name: &str, key: &str) -> f64 {
    let all = facts(name);
    let v = all.iter().rev().find(|(k, _)| k == key).unwrap_or_else(|| panic!("{name}: no {key} in {all:?}"));
    v.1.parse().unwrap_or_else(|e| panic!("{name}: {key}: {e}"))
}

/// Every frame's time in a classic little-endian microsecond pcap (what tcpdump
/// writes), in seconds since the first frame: the importer gives times per
/// connection, and the NAME.txt files count from the capture's first frame.
fn frame_times(name: &str) -> Vec<f64> {
    let b = bytes(name);
    assert_eq!(&b[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "{name}: a little-endian microsecond pcap");
    let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let mut times = Vec::new();
    let mut i = 24;
    while i + 16 <= b.len() {
        times.push(f64::from(u32_at(i)) + f64::from(u32_at(i + 4)) / 1e6);
        i += 16 + u32_at(i + 8) as usize;
    }
    let t0 = times[0];
    times.iter().map(|t| t - t0).collect()
}

/// A segment's time in seconds since the capture's first frame.
fn abs_t(name: &str, s: &SegmentRow) -> f64 {
    frame_times(name)[s.frame as usize - 1]
}

/// `DIR FLAGS`: the form of a segment, as the capture and the engine both give it.
fn form(s: &SegmentRow) -> String {
    format!("{} {}", s.dir.as_str(), s.flags.names().join(","))
}

/// Whether `measured` (seconds) is what a Linux timer armed for `armed` seconds
/// gives: never early, at most an eighth late (the timer wheel's granularity),
/// plus `slack` for what surrounds it (a poll interval, a scheduling delay).
fn fired_as_armed(measured: f64, armed: f64, slack: f64) -> bool {
    measured >= armed - 0.001 && measured <= armed * 9.0 / 8.0 + slack
}

/// The timeout Linux armed for an interval it measured late by at most an eighth:
/// the doubling RTOs are 1 s × 2^k, so the largest such value not above it.
fn armed(measured: f64) -> f64 {
    let mut a = SECOND;
    while a * 2.0 <= measured + 0.001 {
        a *= 2.0;
    }
    a
}

fn gaps(times: &[f64]) -> Vec<f64> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

/// The bare RST that Linux's tcp_v4_send_reset sends when no socket takes a
/// segment that carries an ACK: `<SEQ=SEG.ACK><CTL=RST>`, no ACK bit, window 0,
/// no options (RFC 9293 §3.10.7.1).
fn assert_bare_rst(rst: &SegmentRow, answered: &SegmentRow) {
    assert_eq!(rst.flags.names(), ["RST"], "a bare RST: no ACK bit");
    assert_eq!(rst.seq, answered.ack.unwrap(), "seq = SEG.ACK of the segment it answers");
    assert_eq!(rst.ack, None);
    assert_eq!(rst.win, 0);
    assert!(rst.options.is_empty(), "no options, no timestamps: {:?}", rst.options);
    assert_eq!(rst.len, 0);
}

// ---------------------------------------------------------------------------
// Running the engine

/// Both sides Linux, fixed ISNs, a veth-like link, the server listening and the
/// client connecting at 0.
fn linux_scenario(id: &str) -> Scenario {
    let mut sc = catalogue::untitled("three-way-handshake").unwrap();
    sc.id = id.into();
    sc.client.profile = ProfileName::Linux;
    sc.server.profile = ProfileName::Linux;
    sc.client.isn = Some(1_000_000);
    sc.server.isn = Some(3_000_000);
    sc.network.link = Some(Link { latency_us: LATENCY_US, ..Link::default() });
    sc.actions = vec![
        Step::new(Side::Server, When::Start, ActionKind::Listen),
        Step::new(Side::Client, When::Start, ActionKind::Connect),
    ];
    sc
}

fn run(sc: &Scenario) -> Trace {
    sim::run(sc).unwrap_or_else(|e| panic!("{}: {e}", sc.id))
}

/// One segment the engine sent.
#[derive(Debug)]
struct Sent {
    id: u32,
    t_us: u64,
    side: Side,
    seg: Segment,
    dropped: bool,
}

impl Sent {
    fn form(&self) -> String {
        let dir = if self.side == Side::Client { "C>S" } else { "S>C" };
        format!("{dir} {}", self.seg.flag_names().join(","))
    }
}

fn sent(tr: &Trace) -> Vec<Sent> {
    let dropped: Vec<u32> = tr
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Drop { id, .. } => Some(id),
            _ => None,
        })
        .collect();
    tr.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Send { id, segment, .. } => {
                Some(Sent { id: *id, t_us: e.t_us, side: e.side, seg: segment.clone(), dropped: dropped.contains(id) })
            }
            _ => None,
        })
        .collect()
}

/// Each state change of one side: (time, from, to).
fn state_changes(tr: &Trace, side: Side) -> Vec<(u64, State, State)> {
    tr.events
        .iter()
        .filter(|e| e.side == side)
        .filter_map(|e| match e.kind {
            EventKind::State { from, to, .. } => Some((e.t_us, from, to)),
            _ => None,
        })
        .collect()
}

fn app_notes(tr: &Trace, side: Side) -> Vec<(u64, AppNote)> {
    tr.events
        .iter()
        .filter(|e| e.side == side)
        .filter_map(|e| match &e.kind {
            EventKind::App { app: synack_core::trace::AppEvent::Note(n) } => Some((e.t_us, n.clone())),
            _ => None,
        })
        .collect()
}

/// A readable dump of a run, for failure messages.
fn ladder(tr: &Trace) -> String {
    let mut out = String::new();
    for e in &tr.events {
        let t = e.t_us as f64 / 1e6;
        match &e.kind {
            EventKind::Send { id, segment: s, .. } => out.push_str(&format!(
                "{t:>12.6} {} sends #{id} {} seq={} ack={:?} win={} len={} opts={:?}\n",
                e.side,
                s.flag_names().join(","),
                s.seq.0,
                s.ack.map(|a| a.0),
                s.window,
                s.payload.len(),
                s.options
            )),
            EventKind::Drop { id, .. } => out.push_str(&format!("{t:>12.6} #{id} lost\n")),
            EventKind::State { from, to, .. } => out.push_str(&format!("{t:>12.6} {} {from} -> {to}\n", e.side)),
            EventKind::App { app } => out.push_str(&format!("{t:>12.6} {} app {app:?}\n", e.side)),
            _ => {}
        }
    }
    out
}

fn close_to(t_us: u64, want_s: f64) -> bool {
    (t_us as f64 - want_s * 1e6).abs() <= TOLERANCE_US as f64
}

// ---------------------------------------------------------------------------
// linux-syn-timeout: connect() to a port whose SYNs are dropped

/// Measured on Linux 6.18 (linux-syn-timeout.pcap): SYNs at 0, 1.022907,
/// 2.046887, 3.070889, 4.094884, 5.118907, 7.134884, 11.198959, 19.390927,
/// 35.522925 and 69.570919 s; connect() failed with ETIMEDOUT at 135.103 s
/// (linux-syn-timeout.txt). Linux armed 1 s five times (tcp_syn_linear_timeouts=4
/// keeps the RTO at 1 s for the first four retransmissions, so the fifth interval
/// is still 1 s), then 2, 4, 8, 16, 32 s, and gave up 64 s after the last SYN:
/// tcp_syn_retries=6 plus the 4 linear ones, 10 retransmissions in all.
const SYN_ARMED_S: [f64; 11] = [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

fn syn_timeout_capture() -> (Vec<f64>, f64) {
    let c = only("linux-syn-timeout.pcap");
    let times: Vec<f64> = c.segments.iter().map(|s| s.t).collect();
    (times, fact("linux-syn-timeout.txt", "connect_failed_at"))
}

#[test]
fn capture_syn_timeout_linear_then_doubling_then_etimedout() {
    let c = only("linux-syn-timeout.pcap");
    assert_eq!(c.segments.len(), 11, "the SYN and 10 retransmissions");
    let isn = c.segments[0].seq;
    for (i, s) in c.segments.iter().enumerate() {
        assert_eq!(form(s), "C>S SYN");
        assert_eq!(s.seq, isn, "every retransmission repeats the ISN");
        assert_eq!(s.retransmission, i > 0);
        assert_eq!(s.win, 64240);
        assert_eq!(s.options.window_scale, Some(10));
    }
    let (times, failed) = syn_timeout_capture();
    let mut intervals = gaps(&times);
    intervals.push(failed - times[10]);
    for (i, (&g, &a)) in intervals.iter().zip(&SYN_ARMED_S).enumerate() {
        assert!(fired_as_armed(g, a, 0.01), "interval {i}: {g} s for an RTO of {a} s; all: {intervals:?}");
        assert_eq!(armed(g), a, "interval {i}");
    }
    // Five intervals of about 1 s before the first doubling.
    assert!(intervals[..5].iter().all(|g| (1.0..1.03).contains(g)), "{intervals:?}");
    assert!((69.0..70.5).contains(&times[10]), "the last SYN at {} s", times[10]);
    let facts = facts("linux-syn-timeout.txt");
    assert!(facts.contains(&("errno".into(), "110 ETIMEDOUT".into())), "{facts:?}");
    // 131 s armed in all; 135.1 s measured.
    assert!(fired_as_armed(failed, 131.0, 0.05), "connect() failed at {failed} s");
    assert!((135.0..135.3).contains(&failed), "connect() failed at {failed} s");
    assert_eq!(c.initial[0].to_string(), "CLOSED");
}

#[test]
fn engine_syn_timeout_linear_then_doubling_then_etimedout() {
    let mut sc = linux_scenario("linux-syn-timeout");
    sc.network.c2s = Some(Link { loss: 1.0, latency_us: LATENCY_US, ..Link::default() });
    let tr = run(&sc);
    let syns: Vec<Sent> = sent(&tr).into_iter().filter(|s| s.side == Side::Client).collect();
    let (capture_times, capture_failed) = syn_timeout_capture();
    // The times Linux armed, read off the capture: 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67.
    let mut want = vec![0.0];
    for g in gaps(&capture_times) {
        want.push(want.last().unwrap() + armed(g));
    }
    let want_failed = want.last().unwrap() + armed(capture_failed - capture_times[10]);
    assert_eq!(want_failed, 131.0);
    let got: Vec<f64> = syns.iter().map(|s| s.t_us as f64 / 1e6).collect();
    assert_eq!(syns.len(), want.len(), "SYNs at {got:?}, Linux's at {want:?}\n{}", ladder(&tr));
    for (s, w) in syns.iter().zip(&want) {
        assert_eq!(s.form(), "C>S SYN");
        assert!(close_to(s.t_us, *w), "SYNs at {got:?}, Linux's at {want:?}\n{}", ladder(&tr));
    }
    // The client gives up 64 s after its last SYN: CLOSED, and the application is
    // told the connection timed out (ETIMEDOUT).
    let changes = state_changes(&tr, Side::Client);
    let (t, from, to) = *changes.last().unwrap();
    assert_eq!((from, to), (State::SynSent, State::Closed), "{changes:?}");
    assert!(close_to(t, want_failed), "gave up at {} s, Linux at {want_failed} s\n{}", t as f64 / 1e6, ladder(&tr));
    assert!(app_notes(&tr, Side::Client).iter().any(|(_, n)| *n == AppNote::TimedOut), "{}", ladder(&tr));
}

// ---------------------------------------------------------------------------
// linux-synack-timeout: the server's SYN-RECEIVED entry hears nothing back

/// Measured on Linux 6.18 (linux-synack-timeout.pcap): SYN,ACKs at 0.000047,
/// 1.021708, 3.037752, 7.165701, 15.357712 and 31.485730 s after the SYN; the
/// SYN-RECEIVED entry was gone at 65.31 s (`ss`, polled every 20 ms:
/// linux-synack-timeout.txt). Armed: 1, 2, 4, 8, 16 s between SYN,ACKs
/// (tcp_synack_retries=5), and 32 s after the last; 63 s in all. The client's
/// request at 71.27 s got a bare RST from the listener.
const SYNACK_ARMED_S: [f64; 6] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
/// When the client, ESTABLISHED all along, finally sends (engine scenario).
const LATE_REQUEST_S: f64 = 71.0;

#[test]
fn capture_synack_timeout_five_retries_then_the_entry_is_dropped() {
    let c = only("linux-synack-timeout.pcap");
    let forms: Vec<String> = c.segments.iter().map(form).collect();
    let mut want = vec!["C>S SYN".to_string()];
    want.extend(std::iter::repeat("S>C SYN,ACK".to_string()).take(6));
    want.extend(["C>S PSH,ACK".to_string(), "S>C RST".to_string()]);
    assert_eq!(forms, want);
    let synacks: Vec<&SegmentRow> = c.segments[1..7].iter().collect();
    assert!(synacks.iter().all(|s| s.seq == synacks[0].seq && s.win == 65160));
    assert!(synacks[1..].iter().all(|s| s.retransmission));
    assert!(synacks[0].t < 0.001);
    let times: Vec<f64> = synacks.iter().map(|s| s.t).collect();
    let gone = fact("linux-synack-timeout.txt", "syn_recv_0_at");
    let mut intervals = gaps(&times);
    intervals.push(gone - times[5]);
    for (i, (&g, &a)) in intervals.iter().zip(&SYNACK_ARMED_S).enumerate() {
        // The entry's end is seen by polling `ss` every 20 ms.
        assert!(fired_as_armed(g, a, 0.05), "interval {i}: {g} s for {a} s; all: {intervals:?}");
        assert_eq!(armed(g), a, "interval {i}");
    }
    assert!((63.0..66.0).contains(&gone), "SYN-RECEIVED gone at {gone} s");
    assert!(fact("linux-synack-timeout.txt", "syn_recv_1_at") < 0.1);
    // The client's request, long after: the server has no connection, so the
    // listener answers with a bare RST.
    let (req, rst) = (&c.segments[7], &c.segments[8]);
    assert_eq!(req.len, 47);
    assert!(req.t > gone, "the request at {} s came after the entry was gone", req.t);
    assert_bare_rst(rst, req);
    assert_eq!(rst.seq_rel, 1, "SEG.ACK: the server's ISN + 1");
}

/// Drop every segment the client sends before `until_s` but its first SYN, as
/// the nftables rule in the client's namespace did: re-run until the list of
/// dropped ids is complete (the ids depend on what is dropped).
fn drop_client_segments_but_the_syn(mut sc: Scenario, until_s: f64) -> Trace {
    for _ in 0..30 {
        let tr = run(&sc);
        let s = sent(&tr);
        let first = s.iter().find(|x| x.side == Side::Client).unwrap().id;
        let more: Vec<u32> = s
            .iter()
            .filter(|x| x.side == Side::Client && x.id != first && (x.t_us as f64) < until_s * 1e6 && !x.dropped)
            .map(|x| x.id)
            .collect();
        if more.is_empty() {
            let wrong: Vec<&Sent> = s.iter().filter(|x| x.dropped && x.side == Side::Server).collect();
            assert!(wrong.is_empty(), "dropped a server segment: {wrong:?}");
            return tr;
        }
        sc.network.faults.drop.extend(more);
    }
    panic!("{}: the dropped segments do not settle", sc.id);
}

#[test]
fn engine_synack_timeout_five_retries_then_the_entry_is_dropped() {
    let mut sc = linux_scenario("linux-synack-timeout");
    sc.actions.push(Step::text(Side::Client, When::AtUs((LATE_REQUEST_S * 1e6) as u64), "GET / HTTP/1.1\r\n\r\n"));
    let tr = drop_client_segments_but_the_syn(sc, LATE_REQUEST_S);
    let s = sent(&tr);
    let synacks: Vec<&Sent> = s.iter().filter(|x| x.side == Side::Server && x.form() == "S>C SYN,ACK").collect();
    let mut want = vec![LATENCY_US as f64 / 1e6];
    for a in &SYNACK_ARMED_S[..5] {
        want.push(want.last().unwrap() + a);
    }
    let got: Vec<f64> = synacks.iter().map(|x| x.t_us as f64 / 1e6).collect();
    assert_eq!(synacks.len(), 6, "SYN,ACKs at {got:?}, Linux's at {want:?}\n{}", ladder(&tr));
    for (x, w) in synacks.iter().zip(&want) {
        assert!(close_to(x.t_us, *w), "SYN,ACKs at {got:?}, Linux's at {want:?}\n{}", ladder(&tr));
    }
    // 32 s after the last SYN,ACK the server forgets the connection: its listener
    // stays (the engine may show LISTEN or CLOSED), nothing is sent.
    let give_up = want[5] + SYNACK_ARMED_S[5];
    let changes = state_changes(&tr, Side::Server);
    let left = changes.iter().find(|(_, from, _)| *from == State::SynReceived);
    let (t, _, to) = *left.unwrap_or_else(|| panic!("the server never leaves SYN-RECEIVED\n{}", ladder(&tr)));
    assert!(matches!(to, State::Listen | State::Closed), "{to}");
    assert!(close_to(t, give_up), "left SYN-RECEIVED at {} s, Linux at {give_up} s\n{}", t as f64 / 1e6, ladder(&tr));
    // Then the client's request is answered by a bare RST with seq = SEG.ACK.
    let req = s.iter().find(|x| x.side == Side::Client && !x.seg.payload.is_empty()).unwrap();
    let rst = s.iter().find(|x| x.side == Side::Server && x.seg.flags.rst).unwrap();
    assert!(rst.t_us > req.t_us);
    assert_eq!(rst.form(), "S>C RST", "{}", ladder(&tr));
    assert_eq!(Some(rst.seg.seq), req.seg.ack);
    assert_eq!(rst.seg.window, 0);
    assert!(rst.seg.options.is_empty(), "{:?}", rst.seg.options);
}

// ---------------------------------------------------------------------------
// linux-data-after-close: data for a socket the application closed

#[test]
fn capture_data_after_close_gets_a_bare_rst() {
    let c = only("linux-data-after-close.pcap");
    let forms: Vec<String> = c.segments.iter().map(form).collect();
    assert_eq!(forms, ["C>S SYN", "S>C SYN,ACK", "C>S ACK", "S>C FIN,ACK", "C>S ACK", "C>S PSH,ACK", "S>C RST"]);
    let (data, rst) = (&c.segments[5], &c.segments[6]);
    assert_eq!((data.seq_rel, data.ack_rel, data.len), (1, Some(2), 47));
    assert_bare_rst(rst, data);
    assert_eq!(rst.seq_rel, 2, "SEG.ACK: after the server's FIN");
    // The data came half a second after the server's FIN was acknowledged: the
    // server was in FIN-WAIT-2, with no application to read it.
    assert!(data.t - c.segments[4].t > 0.4);
    assert!(rst.t - data.t < 0.001, "answered at once");
    // The client's ACK of the FIN came 6.5 ms after it: in CLOSE-WAIT Linux delays
    // it, but with no data received yet its delayed-ACK timeout is still 0, and the
    // timer fires at the next tick (4 ms at HZ=250), not after 40 ms.
    let fin_ack = c.segments[4].t - c.segments[3].t;
    assert!((0.001..0.010).contains(&fin_ack), "{fin_ack}");
}

#[test]
fn engine_data_after_close_gets_a_bare_rst() {
    let mut sc = linux_scenario("linux-data-after-close");
    sc.actions.push(Step::new(Side::Server, When::Established, ActionKind::Close).after(5_000));
    sc.actions.push(Step::text(Side::Client, When::PeerClosed, "GET /index.html HTTP/1.1\r\n\r\n").after(500_000));
    let tr = run(&sc);
    let s = sent(&tr);
    let forms: Vec<String> = s.iter().map(Sent::form).collect();
    let capture: Vec<String> = only("linux-data-after-close.pcap").segments.iter().map(form).collect();
    assert_eq!(forms, capture, "\n{}", ladder(&tr));
    let (data, rst) = (&s[5], &s[6]);
    assert_eq!(Some(rst.seg.seq), data.seg.ack, "seq = SEG.ACK");
    assert_eq!(rst.seg.window, 0);
    assert!(rst.seg.options.is_empty(), "no timestamps on this RST: {:?}", rst.seg.options);
    assert!(rst.t_us - data.t_us <= 2 * LATENCY_US + 1_000);
    // The server's connection is gone; the socket it was accepted from still listens.
    assert_eq!(tr.outcome.server, State::Listen);
    assert_eq!(tr.outcome.client, State::Closed, "the RST ends the client's side too\n{}", ladder(&tr));
    assert!(app_notes(&tr, Side::Client).iter().any(|(_, n)| *n == AppNote::Reset), "{}", ladder(&tr));
}

// ---------------------------------------------------------------------------
// linux-fin-wait-2-timeout: an orphaned FIN-WAIT-2 is dropped after tcp_fin_timeout

/// The client's FINs, this long after the server's FIN (the capture's and the
/// engine's scenario alike).
const EARLY_FIN_S: f64 = 30.0;
const LATE_FIN_S: f64 = 65.0;
/// tcp_fin_timeout: how long Linux keeps an orphaned FIN-WAIT-2 socket.
const FIN_TIMEOUT_S: f64 = 60.0;
/// TCP_TIMEWAIT_LEN.
const TIME_WAIT_S: f64 = 60.0;

#[test]
fn capture_fin_wait_2_timeout_ack_before_rst_after() {
    let name = "linux-fin-wait-2-timeout.pcap";
    let cs = connections(name);
    assert_eq!(cs.len(), 2);
    let head = ["C>S SYN", "S>C SYN,ACK", "C>S ACK", "S>C FIN,ACK", "C>S ACK"];
    for (c, tail) in cs.iter().zip([["C>S FIN,ACK", "S>C ACK"], ["C>S FIN,ACK", "S>C RST"]]) {
        let forms: Vec<String> = c.segments.iter().map(form).collect();
        let want: Vec<&str> = head.iter().chain(&tail).copied().collect();
        assert_eq!(forms, want);
    }
    let (early, late) = (&cs[0], &cs[1]);
    // Both servers' FINs together; each client's FIN that much later.
    let fin_at = abs_t(name, &early.segments[3]);
    assert!((abs_t(name, &late.segments[3]) - fin_at).abs() < 0.05);
    let early_fin = abs_t(name, &early.segments[5]) - fin_at;
    let late_fin = abs_t(name, &late.segments[5]) - abs_t(name, &late.segments[3]);
    assert!((EARLY_FIN_S..EARLY_FIN_S + 0.5).contains(&early_fin), "{early_fin}");
    assert!((LATE_FIN_S..LATE_FIN_S + 0.5).contains(&late_fin), "{late_fin}");
    // At 30 s the orphan is still there: it acknowledges the FIN (and goes to TIME-WAIT).
    let (fin, ack) = (&early.segments[5], &early.segments[6]);
    assert_eq!(ack.ack, Some(fin.seq.wrapping_add(1)));
    assert!(ack.options.timestamps.is_some());
    // At 65 s it is gone: the FIN finds no connection and gets a bare RST.
    assert_bare_rst(&late.segments[6], &late.segments[5]);
    // When it went: `ss` (polled every 20 ms) saw the last FIN-WAIT-2 socket go
    // 60 s after the client's ACK of the server's FIN, plus the timer wheel's lateness.
    let ack_at = abs_t(name, &late.segments[4]);
    let gone = fact("linux-fin-wait-2-timeout.txt", "fin_wait_2_0_at") - ack_at;
    assert!(fired_as_armed(gone, FIN_TIMEOUT_S, 0.05), "FIN-WAIT-2 gone {gone} s after the ACK");
    assert!(gone < late_fin, "gone before the late FIN");
    // And the early one left FIN-WAIT-2 when its FIN came (for TIME-WAIT).
    let left = fact("linux-fin-wait-2-timeout.txt", "fin_wait_2_1_at") - abs_t(name, &early.segments[5]);
    assert!((0.0..0.1).contains(&left), "{left}");
}

/// The server closes at once; the client closes `after_s` after the server's FIN.
fn fin_wait_2_scenario(after_s: f64) -> Trace {
    let mut sc = linux_scenario("linux-fin-wait-2-timeout");
    sc.actions.push(Step::new(Side::Server, When::Established, ActionKind::Close).after(5_000));
    sc.actions.push(Step::new(Side::Client, When::PeerClosed, ActionKind::Close).after((after_s * 1e6) as u64));
    run(&sc)
}

#[test]
fn engine_fin_wait_2_before_fin_timeout_acks_the_fin() {
    let tr = fin_wait_2_scenario(EARLY_FIN_S);
    let s = sent(&tr);
    let forms: Vec<String> = s.iter().map(Sent::form).collect();
    let capture: Vec<String> = connections("linux-fin-wait-2-timeout.pcap")[0].segments.iter().map(form).collect();
    assert_eq!(forms, capture, "\n{}", ladder(&tr));
    // The server: FIN-WAIT-2 → TIME-WAIT on the client's FIN, CLOSED 60 s later.
    let changes = state_changes(&tr, Side::Server);
    let tw = changes.iter().find(|(_, _, to)| *to == State::TimeWait).unwrap();
    assert_eq!(tw.1, State::FinWait2);
    let closed = changes.iter().find(|(t, _, to)| *to == State::Closed && *t > tw.0).unwrap();
    assert!(
        close_to(closed.0 - tw.0, TIME_WAIT_S),
        "TIME-WAIT lasted {} s\n{}",
        (closed.0 - tw.0) as f64 / 1e6,
        ladder(&tr)
    );
}

#[test]
fn engine_fin_wait_2_after_fin_timeout_is_gone_and_resets() {
    let tr = fin_wait_2_scenario(LATE_FIN_S);
    let s = sent(&tr);
    let forms: Vec<String> = s.iter().map(Sent::form).collect();
    let capture: Vec<String> = connections("linux-fin-wait-2-timeout.pcap")[1].segments.iter().map(form).collect();
    assert_eq!(forms, capture, "\n{}", ladder(&tr));
    // The server's orphan leaves FIN-WAIT-2 for CLOSED 60 s after the ACK of its
    // FIN arrived, sending nothing.
    let changes = state_changes(&tr, Side::Server);
    let fw2 = changes.iter().find(|(_, _, to)| *to == State::FinWait2).unwrap();
    let gone = changes.iter().find(|(_, from, _)| *from == State::FinWait2).unwrap();
    assert_eq!(gone.2, State::Closed, "{changes:?}");
    assert!(
        close_to(gone.0 - fw2.0, FIN_TIMEOUT_S),
        "FIN-WAIT-2 lasted {} s, Linux's tcp_fin_timeout is 60 s\n{}",
        (gone.0 - fw2.0) as f64 / 1e6,
        ladder(&tr)
    );
    let (fin, rst) = (&s[5], &s[6]);
    assert!(fin.t_us > gone.0);
    assert_eq!(Some(rst.seg.seq), fin.seg.ack, "seq = SEG.ACK");
    assert_eq!(rst.seg.window, 0);
    assert!(rst.seg.options.is_empty(), "{:?}", rst.seg.options);
    assert_eq!(tr.outcome.client, State::Closed);
}

// ---------------------------------------------------------------------------
// An established connection's abort (rst-abort.pcap): unlike the bare RSTs above,
// it comes from a live socket and carries its window and timestamps.

#[test]
fn capture_abort_rst_carries_window_and_timestamps() {
    let c = only("rst-abort.pcap");
    let rst = c.segments.last().unwrap();
    assert_eq!(form(rst), "C>S RST,ACK");
    assert_eq!(rst.win, 63, "the client's window, scaled by 2^10: 64512 bytes");
    assert!(rst.options.timestamps.is_some());
    let before = &c.segments[c.segments.len() - 2];
    assert_eq!(rst.options.timestamps.unwrap().1, before.options.timestamps.unwrap().0, "TSecr echoes the last TSval");
    assert!(rst.flags.has(TcpFlags::ACK));
}

#[test]
fn engine_abort_rst_carries_window_and_timestamps() {
    let mut sc = linux_scenario("linux-rst-established");
    sc.actions.push(Step::text(Side::Client, When::Established, "GET /index.html HTTP/1.1\r\n\r\n"));
    sc.actions.push(Step::new(Side::Client, When::Start, ActionKind::Abort).after(100_000));
    let tr = run(&sc);
    let s = sent(&tr);
    let rst = s.iter().find(|x| x.seg.flags.rst).unwrap();
    assert_eq!(rst.form(), "C>S RST,ACK", "\n{}", ladder(&tr));
    assert_ne!(rst.seg.window, 0, "\n{}", ladder(&tr));
    assert!(rst.seg.options.timestamps.is_some(), "\n{}", ladder(&tr));
}

// ---------------------------------------------------------------------------
// Windows: what Linux announces on a veth (MTU 1500) with tcp_rmem's 32 MiB max.

#[test]
fn capture_handshake_windows() {
    let c = only("full-lifecycle.pcap");
    let (syn, synack, ack) = (&c.segments[0], &c.segments[1], &c.segments[2]);
    assert_eq!((syn.win, syn.options.window_scale), (64240, Some(10)));
    assert_eq!((synack.win, synack.options.window_scale), (65160, Some(10)), "45 × 1448");
    // After the handshake the field is scaled by 2^10, rounded up: the client's
    // 64240 shows as 63 (64512 bytes), the server's 65160 as 64 (65536 bytes).
    assert_eq!(ack.win, 63);
    let server_ack = c.segments.iter().find(|s| s.dir.as_str() == "S>C" && !s.flags.has(TcpFlags::SYN)).unwrap();
    assert_eq!(server_ack.win, 64);
    for name in ["three-way-handshake.pcap", "linux-data-after-close.pcap", "bulk.pcap"] {
        let c = only(name);
        assert_eq!((c.segments[1].win, c.segments[1].options.window_scale), (65160, Some(10)), "{name}");
        assert_eq!(c.segments[2].win, 63, "{name}");
    }
}

#[test]
fn engine_handshake_windows() {
    let mut sc = linux_scenario("linux-windows");
    sc.actions.push(Step::text(Side::Client, When::Established, "GET /index.html HTTP/1.1\r\n\r\n"));
    let tr = run(&sc);
    let s = sent(&tr);
    let (syn, synack, ack) = (&s[0].seg, &s[1].seg, &s[2].seg);
    let got = |x: &Segment| (x.window, x.options.window_scale);
    assert_eq!(got(syn), (64240, Some(10)), "\n{}", ladder(&tr));
    assert_eq!(got(synack), (65160, Some(10)), "\n{}", ladder(&tr));
    assert_eq!(ack.window, 63);
    let server_ack = s.iter().find(|x| x.side == Side::Server && !x.seg.flags.syn).unwrap();
    assert_eq!(server_ack.seg.window, 64, "\n{}", ladder(&tr));
}

#[test]
fn engine_scenarios_here_run_on_a_veth_fast_link() {
    // The engine's link here is what the captures' veth is: tens of microseconds.
    let c = only("full-lifecycle.pcap");
    assert!(c.segments[1].t < 0.001);
    let tr = run(&linux_scenario("linux-handshake"));
    let s = sent(&tr);
    assert_eq!(s.iter().map(Sent::form).collect::<Vec<_>>(), ["C>S SYN", "S>C SYN,ACK", "C>S ACK"]);
    assert!(s[2].t_us < 1_000);
}

// ---------------------------------------------------------------------------
// Issue 15: close() with unread data, and keep-alive, against this kernel.

#[test]
fn close_with_unread_data_engine_resets_as_linux_does() {
    let c = only("close-with-unread-data.pcap");
    let rst = c.segments.last().unwrap();
    assert_eq!(form(rst), "S>C RST,ACK");
    assert!(rst.win > 0 && rst.options.timestamps.is_some(), "a live socket's RST: window and timestamps");
    let request_len = c.segments.iter().find(|s| s.len > 0).unwrap().len;
    let mut sc = catalogue::untitled("close-with-unread-data").unwrap();
    sc.client.isn = Some(1_000_000);
    sc.server.isn = Some(3_000_000);
    let tr = run(&sc);
    let s = sent(&tr);
    let last = s.last().unwrap();
    assert_eq!(last.form(), form(rst), "\n{}", ladder(&tr));
    // SEQ = SND.NXT, ACK = RCV.NXT, relative as in the capture (1, then 1 + the request).
    assert_eq!(last.seg.seq.0 - 3_000_000, rst.seq_rel);
    let engine_len = s.iter().find(|x| !x.seg.payload.is_empty()).unwrap().seg.payload.len() as u32;
    assert_eq!(rst.ack_rel, Some(1 + request_len));
    assert_eq!(last.seg.ack.map(|a| a.0 - 1_000_000), Some(1 + engine_len));
    assert!(last.seg.window > 0 && last.seg.options.timestamps.is_some(), "\n{}", ladder(&tr));
    assert!(!s.iter().any(|x| x.seg.flags.fin), "\n{}", ladder(&tr));
}

#[test]
fn keepalive_engine_probes_and_gives_up_as_linux_does() {
    let name = "keepalive.pcap";
    let c = only(name);
    let server: Vec<&SegmentRow> = c.segments.iter().filter(|s| s.dir.as_str() == "S>C").collect();
    let probes: Vec<&&SegmentRow> =
        server.iter().filter(|s| s.len == 0 && s.seq_rel == 0 && !s.flags.has(TcpFlags::SYN)).collect();
    assert_eq!(probes.len(), 3);
    let rst = server.last().unwrap();
    assert_eq!((form(rst).as_str(), rst.seq_rel), ("S>C RST,ACK", 1));
    // Linux's timers as armed: 2 s idle after the last segment received, then 1 s
    // between probes, and the reset 1 s after the last probe.
    let last_in = c.segments.iter().filter(|s| s.dir.as_str() == "C>S").map(|s| abs_t(name, s)).fold(0.0, f64::max);
    assert!(fired_as_armed(abs_t(name, probes[0]) - last_in, 2.0, 0.05));
    for w in probes.windows(2) {
        assert!(fired_as_armed(abs_t(name, w[1]) - abs_t(name, w[0]), 1.0, 0.05));
    }
    assert!(fired_as_armed(abs_t(name, rst) - abs_t(name, probes[2]), 1.0, 0.05));

    // The engine with the same settings: the same segments, at the armed times.
    let mut sc = catalogue::untitled("keepalive").unwrap();
    sc.server.keepalive_idle_us = Some(2_000_000);
    sc.server.keepalive_intvl_us = Some(1_000_000);
    sc.server.keepalive_probes = Some(3);
    let tr = run(&sc);
    let s: Vec<Sent> = sent(&tr).into_iter().filter(|x| x.side == Side::Server).collect();
    let tail: Vec<String> = s[s.len() - 4..].iter().map(Sent::form).collect();
    assert_eq!(tail, ["S>C ACK", "S>C ACK", "S>C ACK", "S>C RST,ACK"], "\n{}", ladder(&tr));
    let una = tr.server.isn.wrapping_add(1);
    assert!(s[s.len() - 4..s.len() - 1].iter().all(|p| p.seg.seq.0 == una.wrapping_sub(1) && p.seg.payload.is_empty()));
    assert_eq!(s.last().unwrap().seg.seq.0, una);
    let t: Vec<u64> = s[s.len() - 4..].iter().map(|x| x.t_us).collect();
    let gaps_us: Vec<u64> = t.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps_us, [1_000_000; 3], "\n{}", ladder(&tr));
}

#[test]
fn accept_queue_full_engine_resends_the_syn_ack_as_linux_does() {
    // The capture: the client on port 40002 is ESTABLISHED; the server, its ACKs
    // dropped on a full accept queue, resends its SYN,ACK 1 s and then 2 s later.
    let name = "accept-queue-full.pcap";
    let mut cap = synack_capture::import(&bytes(name)).unwrap();
    let i = cap.connections.iter().position(|c| c.client.port() == 40002).unwrap();
    let c = cap.connections.remove(i);
    let synack = |s: &&SegmentRow| s.dir.as_str() == "S>C" && s.flags.has(TcpFlags::SYN);
    let captured: Vec<f64> = c.segments.iter().filter(synack).map(|s| s.t).collect();
    let captured_gaps = gaps(&captured[..3]);
    assert!(
        fired_as_armed(captured_gaps[0], 1.0, 0.05) && fired_as_armed(captured_gaps[1], 2.0, 0.05),
        "{captured_gaps:?}"
    );
    // The engine's scenario: the same SYN,ACKs at the armed times, the same form.
    let tr = run(&catalogue::untitled("accept-queue-full").unwrap());
    let s: Vec<Sent> =
        sent(&tr).into_iter().filter(|x| x.side == Side::Server && x.seg.dst_port == tr.client.port).collect();
    assert!(s.iter().all(|x| x.form() == "S>C SYN,ACK"), "\n{}", ladder(&tr));
    let t: Vec<u64> = s.iter().map(|x| x.t_us).collect();
    assert_eq!(t.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>(), [1_000_000, 2_000_000], "\n{}", ladder(&tr));
}

#[test]
fn syn_flood_engine_resends_and_expires_entries_as_linux_does() {
    // Each forged entry's SYN,ACK and its resends: 1, 2, 4, 8, 16 s apart
    // (tcp_synack_retries 5), in the capture as armed and in the engine exactly.
    let name = "syn-flood.pcap";
    let cap = synack_capture::import(&bytes(name)).unwrap();
    let forged = cap.connections.iter().find(|c| c.client.port() == 40001).unwrap();
    let times: Vec<f64> = forged.segments.iter().filter(|s| s.dir.as_str() == "S>C").map(|s| s.t).collect();
    let armed_gaps = [1.0, 2.0, 4.0, 8.0, 16.0];
    for (g, a) in gaps(&times).iter().zip(armed_gaps) {
        assert!(fired_as_armed(*g, a, 0.05), "{:?}", gaps(&times));
    }
    let tr = run(&catalogue::untitled("syn-flood").unwrap());
    let engine: Vec<u64> =
        sent(&tr).iter().filter(|x| x.side == Side::Server && x.seg.dst_port == 40001).map(|x| x.t_us).collect();
    let engine_gaps: Vec<u64> = engine.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(engine_gaps, [1_000_000, 2_000_000, 4_000_000, 8_000_000, 16_000_000], "\n{}", ladder(&tr));
    // The real client: answered only after the entries expired, in both.
    let real = cap.connections.iter().find(|c| !(40001..=40003).contains(&c.client.port())).unwrap();
    let answered = real.segments.iter().find(|s| s.dir.as_str() == "S>C").unwrap().t;
    let engine_answer =
        sent(&tr).iter().find(|x| x.side == Side::Server && x.seg.dst_port == tr.client.port).unwrap().t_us;
    assert!(answered > 63.0 && engine_answer > 63_000_000, "{answered} {engine_answer}");
}

#[test]
fn time_wait_new_syn_engine_takes_the_isn_linux_takes() {
    // The capture: the server answered and closed first, so its side was in
    // TIME-WAIT when the client's new SYN came from the same port. Linux
    // (tcp_timewait_state_process) took it as a new connection, with its ISN at
    // the old connection's SND.NXT + 65537 (tw_snd_nxt + 65535 + 2).
    let c = connections("time-wait-new-syn.pcap");
    assert_eq!(c.len(), 2, "two incarnations of one address and port pair");
    assert_eq!((c[0].client.port(), c[1].client.port()), (40000, 40000));
    let fin = |conn: &Connection, dir: &str| {
        conn.segments.iter().position(|s| s.dir.as_str() == dir && s.flags.has(TcpFlags::FIN)).unwrap()
    };
    assert!(fin(&c[0], "S>C") < fin(&c[0], "C>S"), "the server closed first");
    let old_snd_nxt = c[0].segments[fin(&c[0], "S>C")].seq.wrapping_add(1);
    let syn_ack = |conn: &Connection| {
        conn.segments.iter().find(|s| s.dir.as_str() == "S>C" && s.flags.has(TcpFlags::SYN)).unwrap().seq
    };
    assert_eq!(syn_ack(&c[1]), old_snd_nxt.wrapping_add(65537));

    // The engine, near 2^32 so that the sum wraps: the same rule, and the same turn.
    let mut sc = catalogue::untitled("time-wait-new-syn").unwrap();
    sc.client.isn = Some(1_000_000);
    sc.server.isn = Some(u32::MAX - 40);
    sc.network.link = Some(Link { latency_us: LATENCY_US, ..Link::default() });
    let tr = run(&sc);
    let s: Vec<Sent> = sent(&tr).into_iter().filter(|x| x.side == Side::Server).collect();
    let synacks: Vec<u32> = s.iter().filter(|x| x.seg.flags.syn).map(|x| x.seg.seq.0).collect();
    let first_fin = s.iter().find(|x| x.seg.flags.fin).unwrap();
    assert_eq!(synacks.len(), 2, "\n{}", ladder(&tr));
    assert_eq!(synacks[1], first_fin.seg.seq.0.wrapping_add(1).wrapping_add(65537), "\n{}", ladder(&tr));
    let server = state_changes(&tr, Side::Server);
    assert!(
        server.iter().any(|&(_, from, to)| (from, to) == (State::TimeWait, State::Closed)),
        "TIME-WAIT ends early\n{}",
        ladder(&tr)
    );
}

// ---------------------------------------------------------------------------
// A zero window: the server's application reads nothing for 6 s.

#[test]
fn zero_window_engine_probes_as_linux_does() {
    // The capture: a 4096-byte SO_RCVBUF gives a window of 2896 (two segments) and
    // no scaling; unread, it closes. The client's probes (tcp_write_wakeup) carry no
    // data and SEQ = SND.UNA - 1, each after twice the wait of the one before; the
    // server's read() sends its window at once.
    let c = only("zero-window.pcap");
    let closed = c.segments.iter().position(|s| s.dir.as_str() == "S>C" && s.win == 0).unwrap();
    let una = c.segments[closed].ack_rel.unwrap();
    let probes: Vec<&SegmentRow> = c.segments[closed..]
        .iter()
        .take_while(|s| !(s.dir.as_str() == "S>C" && s.win > 0))
        .filter(|s| s.dir.as_str() == "C>S")
        .collect();
    assert!(probes.len() >= 4, "{} probes", probes.len());
    assert!(probes.iter().all(|p| p.len == 0 && p.seq_rel == una - 1));
    let t: Vec<f64> = std::iter::once(c.segments[closed].t).chain(probes.iter().map(|p| p.t)).collect();
    let waits = gaps(&t);
    for w in waits.windows(2) {
        assert!((w[1] / w[0] - 2.0).abs() < 0.15, "waits {waits:?}");
    }
    let update = c.segments[closed..].iter().find(|s| s.dir.as_str() == "S>C" && s.win > 0).unwrap();
    assert_eq!((update.ack_rel, update.win), (Some(una), 2896));
    assert!(close_to((update.t * 1e6) as u64, 6.0), "the read() after 6 s: {}", update.t);
    // (Linux rate-limits its answers to segments outside the window, one per
    // 500 ms, tcp_invalid_ratelimit: one probe here went unanswered. The engine
    // answers each.)

    // The engine, Linux's profile on a veth: the same window, the same probes.
    let mut sc = catalogue::untitled("zero-window").unwrap();
    synack_core::Variant::Linux.apply(&mut sc);
    sc.network.link = Some(Link { latency_us: LATENCY_US, ..Link::default() });
    let tr = run(&sc);
    let s = sent(&tr);
    let server_windows: Vec<u16> = s.iter().filter(|x| x.side == Side::Server).map(|x| x.seg.window).collect();
    assert_eq!(server_windows[0], 2896, "the SYN,ACK's window\n{}", ladder(&tr));
    let probes: Vec<&Sent> = s.iter().filter(|x| x.side == Side::Client && x.seg.payload.is_empty() && !x.seg.flags.syn && !x.seg.flags.fin)
        .filter(|x| tr.events.iter().any(|e| matches!(&e.kind, EventKind::Send { id, reason, .. } if *id == x.id && reason.key() == "zero-window-probe")))
        .collect();
    assert!(probes.len() >= 3, "\n{}", ladder(&tr));
    let una = probes[0].seg.seq.0.wrapping_add(1);
    assert!(probes.iter().all(|p| p.seg.seq.0 == una.wrapping_sub(1)), "\n{}", ladder(&tr));
    let t: Vec<f64> = probes.iter().map(|p| p.t_us as f64).collect();
    let waits = gaps(&t);
    assert!(waits.windows(2).all(|w| w[1] == 2.0 * w[0]), "waits {waits:?}\n{}", ladder(&tr));
    assert!(
        s.iter().any(|x| x.side == Side::Server && x.seg.window > 0 && x.seg.ack.map(|a| a.0) == Some(una)
            && tr.events.iter().any(|e| matches!(&e.kind, EventKind::Send { id, reason, .. } if *id == x.id && reason.key() == "window-update"))),
        "a window update after read()\n{}",
        ladder(&tr)
    );
}

// ---------------------------------------------------------------------------
// ISNs (RFC 6528): two connections from one port 100 ms apart, one from the next.

#[test]
fn isn_choice_linux_adds_a_64_ns_clock_to_a_hash_of_the_ports() {
    // The capture: the server's ISN for a second connection from the same port is
    // the first's plus the time between the SYNs in 64 ns ticks (seq_scale adds
    // ktime_get_real_ns() >> 6 to a siphash of the 4-tuple that does not change);
    // for another port it is nowhere near that.
    let c = connections("isn-choice.pcap");
    assert_eq!(c.iter().map(|c| c.client.port()).collect::<Vec<_>>(), [40000, 40000, 40001]);
    let syn_ack = |conn: &Connection| {
        let s = conn.segments.iter().find(|s| s.dir.as_str() == "S>C" && s.flags.has(TcpFlags::SYN)).unwrap();
        (abs_t("isn-choice.pcap", s), s.seq)
    };
    let [(t0, isn0), (t1, isn1), (t2, isn2)] = [syn_ack(&c[0]), syn_ack(&c[1]), syn_ack(&c[2])];
    let ticks = |from: f64, to: f64| ((to - from) * 15_625_000.0).round() as u32;
    // The stamps are the capture's, a few µs from the kernel's clock reading:
    // within 20 µs, 312 ticks.
    let off = |isn: u32, predicted: u32| isn.wrapping_sub(predicted).min(predicted.wrapping_sub(isn));
    assert!(off(isn1, isn0.wrapping_add(ticks(t0, t1))) < 312, "{isn0} {isn1} {}", t1 - t0);
    assert!(off(isn2, isn1.wrapping_add(ticks(t1, t2))) > 1_000_000, "another port: the clock says nothing");

    // The engine's linux profile: the same clock for the same ports, and a hash
    // for another port (a host the diagram does not draw, whose SYN is injected).
    let delta_us = ((t1 - t0) * 1e6).round() as u64;
    let mut sc = Scenario::from_json(&format!(
        r#"{{"id": "isns", "client": {{"profile": "linux", "isn": 240125902}}, "server": {{"profile": "linux", "isn": {isn0}, "backlog": 8}},
            "network": {{"link": {{"latency_us": {LATENCY_US}}}, "faults": {{"inject": [
                {{"at_us": {}, "from": "client", "flags": ["SYN"], "seq": 1592376607, "port": 40001}}]}}}},
            "actions": [{{"side": "server", "do": "listen"}}, {{"side": "client", "do": "connect"}},
                        {{"side": "client", "do": "abort", "when": "established", "delay_us": 20000}},
                        {{"side": "client", "do": "connect", "when": {{"at_us": {delta_us}}}}},
                        {{"side": "client", "do": "abort", "when": "established", "delay_us": 20000}}]}}"#,
        2 * delta_us
    ))
    .unwrap();
    sc.client.port = Some(40000);
    let tr = run(&sc);
    // (The SYN,ACK to port 40001 goes again and again: nothing answers it.)
    let mut synacks: Vec<(u16, u32)> = sent(&tr)
        .iter()
        .filter(|x| x.side == Side::Server && x.seg.flags.syn)
        .map(|x| (x.seg.dst_port, x.seg.seq.0))
        .collect();
    synacks.dedup();
    assert_eq!(synacks.len(), 3, "\n{}", ladder(&tr));
    assert_eq!(synacks[0], (40000, isn0));
    assert_eq!(synacks[1], (40000, isn0.wrapping_add((delta_us * 1000 / 64) as u32)));
    assert_eq!(synacks[2].0, 40001);
    assert!(off(synacks[2].1, isn0.wrapping_add((2 * delta_us * 1000 / 64) as u32)) > 1_000_000);
}

// ---------------------------------------------------------------------------
// TCP Fast Open: tcp_fastopen=3 both sides, sendto(MSG_FASTOPEN) twice.

/// A segment's option kinds and lengths in header order, as `[kind, len]`.
fn wire(seg: &Segment) -> Vec<[u8; 2]> {
    seg.options.layout().iter().map(|o| [o.kind, o.len]).collect()
}

#[test]
fn fast_open_engine_sends_what_linux_sends() {
    // The capture (Linux 6.18): the first SYN asks for a cookie with an empty option
    // 34 after the window scale; the SYN,ACK answers with an 8-byte cookie; the
    // request follows the handshake and carries its ACK. The second SYN carries the
    // cookie and the request; its SYN,ACK acknowledges ISN + 1 + 47, without a
    // cookie, and the client's ACK follows at once.
    let c = connections("fast-open.pcap");
    assert_eq!(c.len(), 2);
    let (first, second) = (&c[0].segments, &c[1].segments);
    let cookie = first[1].options.fast_open.clone().unwrap();
    assert_eq!(cookie.len(), 8);
    let forms = |segs: &[SegmentRow], n: usize| segs[..n].iter().map(form).collect::<Vec<_>>();
    assert_eq!(forms(first, 3), ["C>S SYN", "S>C SYN,ACK", "C>S PSH,ACK"]);
    assert_eq!(forms(second, 3), ["C>S SYN", "S>C SYN,ACK", "C>S ACK"]);
    assert_eq!(second[0].options.fast_open.as_ref(), Some(&cookie));
    assert_eq!(second[1].ack, Some(second[0].seq.wrapping_add(1 + second[0].len)));
    assert_eq!((second[0].len, second[1].options.fast_open.as_ref()), (47, None));
    for (syn, synack) in [(&first[0], &first[1]), (&second[0], &second[1])] {
        assert_eq!((syn.win, synack.win), (64240, 65160));
    }

    // The engine, Linux's profile on a veth, the capture's request.
    let mut sc = catalogue::untitled("fast-open").unwrap();
    sc.client.isn = Some(1_000_000);
    sc.server.isn = Some(3_000_000);
    sc.network.link = Some(Link { latency_us: LATENCY_US, ..Link::default() });
    let request = "GET /index.html HTTP/1.1\r\nHost: synack.test\r\n\r\n";
    for step in sc.actions.iter_mut().filter(|s| s.side == Side::Client && s.text.is_some()) {
        step.text = Some(request.into());
    }
    for step in sc.actions.iter_mut().filter(|s| s.side == Side::Server && s.when != When::Start) {
        if let When::Received(_) = step.when {
            step.when = When::Received(request.len() as u64);
        }
    }
    let tr = run(&sc);
    let s = sent(&tr);
    let syns: Vec<usize> = (0..s.len()).filter(|&i| s[i].side == Side::Client && s[i].seg.flags.syn).collect();
    assert_eq!(syns.len(), 2, "\n{}", ladder(&tr));
    for (k, (&i, real)) in syns.iter().zip([first, second]).enumerate() {
        let (syn, synack, third) = (&s[i].seg, &s[i + 1].seg, &s[i + 2].seg);
        assert_eq!(wire(syn), real[0].header.options, "SYN {k}\n{}", ladder(&tr));
        assert_eq!(wire(synack), real[1].header.options, "SYN,ACK {k}\n{}", ladder(&tr));
        assert_eq!((syn.window, synack.window), (64240, 65160), "\n{}", ladder(&tr));
        assert_eq!(syn.payload.len() as u32, real[0].len);
        assert_eq!(synack.ack.map(|a| a.0.wrapping_sub(syn.seq.0)), Some(1 + real[0].len));
        let third_form = format!("C>S {}", third.flag_names().join(","));
        assert_eq!((third_form, third.payload.len() as u32), (form(&real[2]), real[2].len), "\n{}", ladder(&tr));
    }
    let engine_cookie = s[syns[0] + 1].seg.options.fast_open.unwrap();
    assert_eq!(engine_cookie.bytes().len(), cookie.len());
    assert_eq!(s[syns[1]].seg.options.fast_open, Some(engine_cookie));
}
