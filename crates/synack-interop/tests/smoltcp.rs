//! The engine against smoltcp, in one process on a virtual clock: the engine's client
//! against a smoltcp server, smoltcp's client against the engine's server, and a
//! smoltcp client refused by a closed engine port. Every packet is real IPv4/TCP
//! bytes whose checksums each side checks.

use std::path::{Path, PathBuf};

use smoltcp::socket::tcp::State as SmolState;
use synack_core::{AppNote, Profile, Reason, SeqNum, Side, State, TcpOptions};
use synack_interop::capture::{self, Expected};
use synack_interop::host;
use synack_interop::smol::SmolPair;
use synack_interop::wire::{self, ENGINE_ADDR, PEER_ADDR};

/// Virtual time allowed for each phase of a run.
const PHASE_US: u64 = 5_000_000;
const REQUEST: &[u8] = b"GET /index.html HTTP/1.0\r\nHost: 10.77.0.1\r\n\r\n";
const RESPONSE: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello";

fn capture_dir() -> PathBuf {
    capture::default_dir(Path::new(env!("CARGO_TARGET_TMPDIR")))
}

/// The committed copies of the smoltcp captures.
fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures")
}

/// `(flags, seq, ack)` of a segment, as a reader of a ladder diagram sees it.
fn line(seg: &synack_core::Segment) -> (String, u32, Option<u32>) {
    (seg.flag_names().join(","), seg.seq.0, seg.ack.map(|a| a.0))
}

/// Every packet in the capture decodes with valid checksums, between the two
/// addresses, and they are exactly the segments the engine sent and received.
fn check_capture(pair: &SmolPair) {
    // A duplicate ACK is noted but not lost (its window still counts); anything
    // else the engine drops would mean it disagrees with smoltcp.
    let dropped: Vec<_> = pair.engine.discards.iter().filter(|k| *k != Reason::DuplicateAck.key()).collect();
    assert!(dropped.is_empty(), "the engine dropped segments smoltcp sent: {dropped:?}");
    let mut sent = Vec::new();
    let mut received = Vec::new();
    for r in &pair.records {
        let p = wire::decode(&r.data).unwrap_or_else(|e| panic!("a captured packet does not decode: {e}"));
        assert!(p.unmodelled_flags.is_empty(), "flags the engine cannot see: {:?}", p.unmodelled_flags);
        match (p.src, p.dst) {
            (ENGINE_ADDR, PEER_ADDR) => sent.push(p.segment),
            (PEER_ADDR, ENGINE_ADDR) => received.push(p.segment),
            other => panic!("a packet between unexpected addresses: {other:?}"),
        }
    }
    assert_eq!(sent, pair.engine.sent);
    assert_eq!(received, pair.engine.received);
}

/// The engine connects to smoltcp's listener, sends a request, reads the response
/// and closes first; smoltcp then closes. Returns the finished pair.
fn engine_client_run() -> SmolPair {
    let mut pair = SmolPair::new(Side::Client, host::config(49152, 80, 1000, Profile::linux()), 7);
    pair.socket().listen(80).expect("smoltcp listens on port 80");
    pair.engine.call(0, |ep, now| ep.connect(now)).expect("the engine connects");

    pair.run_until(PHASE_US, |p| p.engine.state() == State::Established && p.smol_state() == SmolState::Established)
        .expect("both sides reach ESTABLISHED");
    pair.engine.call(pair.now, |ep, now| ep.send(now, REQUEST)).expect("the engine sends");
    let mut got = Vec::new();
    pair.run_until(PHASE_US, |p| {
        got.extend(p.smol_read());
        got.len() >= REQUEST.len()
    })
    .expect("smoltcp receives the request");
    assert_eq!(got, REQUEST, "the request arrives intact at smoltcp");

    pair.socket().send_slice(RESPONSE).expect("smoltcp queues the response");
    pair.run_until(PHASE_US, |p| p.engine.endpoint.received().len() >= RESPONSE.len())
        .expect("the engine receives the response");

    pair.engine.call(pair.now, |ep, now| ep.close(now)).expect("the engine closes");
    pair.run_until(PHASE_US, |p| p.smol_state() == SmolState::CloseWait && p.engine.state() == State::FinWait2)
        .expect("smoltcp sees the FIN and acknowledges it");
    pair.socket().close();
    pair.run_until(PHASE_US, |p| p.smol_state() == SmolState::Closed && p.engine.state() == State::TimeWait)
        .expect("smoltcp's FIN puts the engine in TIME-WAIT");
    pair
}

#[test]
fn engine_client_against_smoltcp_server_handshake_data_and_engine_closes_first() {
    let pair = engine_client_run();
    let e = &pair.engine;

    // The handshake: our SYN with the Linux profile's options, smoltcp's SYN,ACK
    // acknowledging ISN+1, our ACK of its ISN+1.
    let syn = &e.sent[0];
    assert_eq!(line(syn), ("SYN".into(), 1000, None));
    assert_eq!(
        syn.options,
        TcpOptions {
            mss: Some(1460),
            window_scale: Some(10),
            sack_permitted: true,
            timestamps: syn.options.timestamps,
            fast_open: None,
        }
    );
    assert!(syn.options.timestamps.is_some(), "the Linux profile offers timestamps");
    let syn_ack = &e.received[0];
    assert_eq!(syn_ack.flag_names(), ["SYN", "ACK"]);
    assert_eq!(syn_ack.ack, Some(SeqNum(1001)), "the SYN,ACK acknowledges ISN+1");
    assert!(syn_ack.options.mss.is_some(), "smoltcp announces its MSS");
    let smol_isn = syn_ack.seq;
    assert_eq!(line(&e.sent[1]), ("ACK".into(), 1001, Some(smol_isn.0.wrapping_add(1))));
    assert_eq!(e.endpoint.irs(), smol_isn);

    // Data both ways, intact.
    assert_eq!(e.endpoint.received(), RESPONSE, "the response arrives intact at the engine");
    let data: Vec<u8> = e.sent.iter().flat_map(|s| s.payload.clone()).collect();
    assert_eq!(data, REQUEST, "the engine sent the request once, in order");
    assert!(e.app_notes.contains(&AppNote::Connected));

    // The close: the side that closed first (the engine) ends in TIME-WAIT; smoltcp
    // went through CLOSE-WAIT and LAST-ACK to CLOSED.
    assert_eq!(
        e.state_path(),
        [State::Closed, State::SynSent, State::Established, State::FinWait1, State::FinWait2, State::TimeWait]
    );
    let fin = e.sent.iter().find(|s| s.flags.fin).expect("the engine sent a FIN");
    assert_eq!(fin.seq, SeqNum(1001 + REQUEST.len() as u32), "the FIN follows the request");
    let smol_fin = e.received.iter().find(|s| s.flags.fin).expect("smoltcp sent a FIN");
    assert_eq!(smol_fin.ack, Some(fin.seq + 1), "smoltcp's FIN acknowledges ours");
    assert_eq!(
        pair.smol_states,
        [
            SmolState::Closed,
            SmolState::Listen,
            SmolState::SynReceived,
            SmolState::Established,
            SmolState::CloseWait,
            SmolState::LastAck,
            SmolState::Closed
        ]
    );
    check_capture(&pair);

    let expected = pair.expected("smoltcp-engine-client");
    let (pcap, json) = capture::save(&capture_dir(), &pair.records, &expected).expect("the capture is written");
    eprintln!("capture: {} and {}", pcap.display(), json.display());
}

#[test]
fn smoltcp_client_against_engine_server_handshake_data_and_smoltcp_closes_first() {
    let mut pair = SmolPair::new(Side::Server, host::config(80, 0, 5000, Profile::rfc()), 11);
    pair.engine.call(0, |ep, now| ep.listen_for_one(now)).expect("the engine listens");
    pair.smol_connect(80, 49153).expect("smoltcp connects");

    pair.run_until(PHASE_US, |p| p.engine.state() == State::Established && p.smol_state() == SmolState::Established)
        .expect("both sides reach ESTABLISHED");
    let e = &pair.engine;
    let syn = &e.received[0];
    assert_eq!(syn.flag_names(), ["SYN"]);
    assert_eq!(syn.src_port, 49153);
    assert_eq!(line(&e.sent[0]), ("SYN,ACK".into(), 5000, Some(syn.seq.0.wrapping_add(1))), "SYN,ACK acks ISN+1");
    assert_eq!(
        e.sent[0].options,
        TcpOptions { mss: Some(1460), ..TcpOptions::default() },
        "the RFC profile offers only its MSS, and nothing smoltcp did not offer"
    );
    assert_eq!(line(&e.received[1]), ("ACK".into(), syn.seq.0.wrapping_add(1), Some(5001)));

    pair.socket().send_slice(REQUEST).expect("smoltcp queues the request");
    pair.run_until(PHASE_US, |p| p.engine.endpoint.received().len() >= REQUEST.len())
        .expect("the engine receives the request");
    assert_eq!(pair.engine.endpoint.received(), REQUEST, "the request arrives intact at the engine");
    pair.engine.call(pair.now, |ep, now| ep.send(now, RESPONSE)).expect("the engine answers");
    let mut got = Vec::new();
    pair.run_until(PHASE_US, |p| {
        got.extend(p.smol_read());
        got.len() >= RESPONSE.len()
    })
    .expect("smoltcp receives the response");
    assert_eq!(got, RESPONSE, "the response arrives intact at smoltcp");

    // smoltcp closes first; the engine reads the end of data and closes too.
    pair.socket().close();
    pair.run_until(PHASE_US, |p| p.engine.state() == State::CloseWait).expect("the engine sees smoltcp's FIN");
    assert_eq!(pair.engine.app_notes.last(), Some(&AppNote::PeerClosed));
    pair.engine.call(pair.now, |ep, now| ep.close(now)).expect("the engine closes");
    pair.run_until(PHASE_US, |p| p.engine.state() == State::Closed && p.smol_state() == SmolState::TimeWait)
        .expect("the engine's FIN is acknowledged");

    assert_eq!(
        pair.engine.state_path(),
        [
            State::Closed,
            State::Listen,
            State::SynReceived,
            State::Established,
            State::CloseWait,
            State::LastAck,
            State::Closed
        ]
    );
    assert_eq!(pair.engine.app_notes.last(), Some(&AppNote::Closed));
    assert_eq!(pair.smol_state(), SmolState::TimeWait, "smoltcp closed first, so it waits in TIME-WAIT");
    // The engine acknowledges smoltcp's FIN at once and closes at that same instant,
    // so the ACK and the engine's FIN reach smoltcp together: FIN-WAIT-2 lasts no
    // time at all between two of smoltcp's polls.
    assert_eq!(
        pair.smol_states,
        [SmolState::Closed, SmolState::SynSent, SmolState::Established, SmolState::FinWait1, SmolState::TimeWait]
    );
    check_capture(&pair);

    let expected = pair.expected("smoltcp-engine-server");
    capture::save(&capture_dir(), &pair.records, &expected).expect("the capture is written");
}

#[test]
fn smoltcp_client_is_refused_by_a_closed_engine_port() {
    // The engine never listens: RFC 9293 §3.10.7.1 answers the SYN with
    // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, and smoltcp gives up at once.
    let mut pair = SmolPair::new(Side::Server, host::config(81, 0, 5000, Profile::rfc()), 3);
    pair.smol_connect(81, 49154).expect("smoltcp connects");
    pair.run_until(PHASE_US, |p| !p.engine.sent.is_empty() && p.smol_state() == SmolState::Closed)
        .expect("smoltcp is refused");
    let syn = &pair.engine.received[0];
    assert_eq!(pair.engine.sent.len(), 1);
    assert_eq!(line(&pair.engine.sent[0]), ("RST,ACK".into(), 0, Some(syn.seq.0.wrapping_add(1))));
    assert_eq!(pair.smol_states, [SmolState::Closed, SmolState::SynSent, SmolState::Closed]);
    assert!(pair.engine.transitions.is_empty(), "a closed port changes no state");
}

#[test]
fn engine_against_smoltcp_with_timestamps_negotiates_them_both_ways() {
    // smoltcp offers timestamps when it has a clock for them; the engine's Linux
    // profile answers with its own and echoes smoltcp's (RFC 7323 §3.2).
    fn clock() -> u32 {
        // smoltcp's generator is a plain function: a fixed TSval is monotonic.
        0x5EED
    }
    let mut pair = SmolPair::new(Side::Server, host::config(80, 0, 9000, Profile::linux()), 5);
    pair.engine.call(0, |ep, now| ep.listen_for_one(now)).expect("the engine listens");
    pair.socket().set_tsval_generator(Some(clock));
    pair.smol_connect(80, 49155).expect("smoltcp connects");
    pair.run_until(PHASE_US, |p| p.engine.state() == State::Established && p.smol_state() == SmolState::Established)
        .expect("both sides reach ESTABLISHED");
    pair.engine.call(pair.now, |ep, now| ep.send(now, RESPONSE)).expect("the engine sends");
    let mut got = Vec::new();
    pair.run_until(PHASE_US, |p| {
        got.extend(p.smol_read());
        got.len() >= RESPONSE.len()
    })
    .expect("smoltcp receives the data");
    assert_eq!(got, RESPONSE);

    let e = &pair.engine;
    let syn = &e.received[0];
    assert_eq!(syn.options.timestamps.map(|t| t.0), Some(0x5EED), "smoltcp's SYN carries its TSval");
    let syn_ack = &e.sent[0];
    let (_, ecr) = syn_ack.options.timestamps.expect("the engine answers with timestamps");
    assert_eq!(ecr, 0x5EED, "the SYN,ACK echoes smoltcp's TSval");
    assert_eq!(syn_ack.options.sack_permitted, syn.options.sack_permitted, "SACK only if offered");
    assert_eq!(syn_ack.options.window_scale.is_some(), syn.options.window_scale.is_some(), "scaling only if offered");
    for seg in &e.sent[1..] {
        assert!(seg.options.timestamps.is_some(), "every later segment carries timestamps: {seg:?}");
    }
    for seg in &e.received[1..] {
        let (_, ecr) = seg.options.timestamps.expect("smoltcp keeps sending timestamps");
        assert!(syn_ack.options.timestamps.is_some_and(|(val, _)| ecr.wrapping_sub(val) < 1 << 31), "{seg:?}");
    }
}

/// The committed smoltcp captures are what a fresh run produces now: set
/// `SYNACK_BLESS=1` to rewrite them after an intended change of the engine.
#[test]
fn committed_smoltcp_capture_matches_a_fresh_run() {
    let pair = engine_client_run();
    let name = "smoltcp-engine-client";
    let expected: Expected = pair.expected(name);
    if std::env::var("SYNACK_BLESS").is_ok_and(|v| v == "1") {
        capture::save(&committed_dir(), &pair.records, &expected).expect("the committed capture is rewritten");
    }
    let (records, committed) = capture::load(&committed_dir(), name).expect("the committed capture reads back");
    assert_eq!(committed, expected, "the committed states differ from a fresh run (SYNACK_BLESS=1 to rewrite)");
    assert_eq!(records, pair.records, "the committed packets differ from a fresh run (SYNACK_BLESS=1 to rewrite)");
}

/// 200 kB each way through smoltcp's 64 KiB buffers: many full segments, and the
/// windows fill, so both sides must honour the other's (scaled) window.
#[test]
fn bulk_data_both_ways_between_engine_and_smoltcp() {
    const BULK: usize = 200_000;
    let data: Vec<u8> = (0..BULK).map(|i| (i % 251) as u8).collect();
    let mut pair = SmolPair::new(Side::Client, host::config(49160, 80, 77, Profile::linux()), 13);
    pair.socket().listen(80).expect("smoltcp listens on port 80");
    pair.engine.call(0, |ep, now| ep.connect(now)).expect("the engine connects");
    pair.run_until(PHASE_US, |p| p.smol_state() == SmolState::Established).expect("connected");

    pair.engine.call(pair.now, |ep, now| ep.send(now, &data)).expect("the engine sends");
    let mut got = Vec::new();
    pair.run_until(PHASE_US, |p| {
        got.extend(p.smol_read());
        got.len() >= BULK
    })
    .expect("smoltcp receives everything");
    assert!(got == data, "the upload arrives intact at smoltcp");

    let mut queued = 0;
    pair.run_until(PHASE_US, |p| {
        queued += p.socket().send_slice(&data[queued..]).unwrap_or(0);
        p.engine.endpoint.received().len() >= BULK
    })
    .expect("the engine receives everything");
    assert!(pair.engine.endpoint.received() == data, "the download arrives intact at the engine");

    pair.engine.call(pair.now, |ep, now| ep.close(now)).expect("the engine closes");
    pair.run_until(PHASE_US, |p| p.smol_state() == SmolState::CloseWait).expect("smoltcp sees the FIN");
    pair.socket().close();
    pair.run_until(PHASE_US, |p| p.engine.state() == State::TimeWait && p.smol_state() == SmolState::Closed)
        .expect("both close");

    let e = &pair.engine;
    let mss = e.received[0].options.mss.expect("smoltcp announces its MSS");
    let largest = e.sent.iter().map(|s| s.payload.len()).max().unwrap_or(0);
    assert_eq!(largest, usize::from(mss.min(1460)), "the engine's segments are full (no timestamps with smoltcp)");
    // Nothing was lost on this link, so nothing is sent twice: each data segment
    // starts where the one before it ended.
    let data_segments: Vec<_> = e.sent.iter().filter(|s| !s.payload.is_empty()).collect();
    let retransmitted = data_segments.windows(2).filter(|w| w[1].seq != w[0].end()).count();
    assert_eq!(retransmitted, 0, "the engine sent {retransmitted} data segments out of sequence");
    check_capture(&pair);
}
