//! The engine against the Linux kernel's TCP through a TUN device in a network
//! namespace each test creates (see `docs/interop.md`). The engine is 10.77.0.2; Linux
//! is 10.77.0.1 with ordinary `std::net` sockets. Real time, bounded: each wait
//! gives up after [`LIMIT`].
//!
//! Without root or /dev/net/tun each test prints `SKIPPED: …` to stderr and returns;
//! with `CI=true` as root a failure to set up fails the test instead.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::net::{SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::path::Path;
use std::sync::mpsc::{channel, Sender};
use std::time::{Duration, Instant};

use synack_core::{AppNote, EndpointConfig, Profile, Reason, SeqNum, Side, State};
use synack_interop::capture;
use synack_interop::host;
use synack_interop::linux::{self, LinuxRun, Netns};
use synack_interop::wire::{self, ENGINE_ADDR, PEER_ADDR};

/// The longest any one wait may take.
const LIMIT: Duration = Duration::from_secs(4);
const LINUX_PORT: u16 = 8080;
const ENGINE_PORT: u16 = 49152;
const ENGINE_ISN: u32 = 4_000_000_000;
const REQUEST: &[u8] = b"GET /index.html HTTP/1.0\r\nHost: 10.77.0.1\r\n\r\n";
const RESPONSE: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello";

/// What the Linux side saw.
#[derive(Debug, Default)]
struct LinuxSaw {
    /// The bytes its socket read.
    read: Vec<u8>,
    /// Its connection's states in /proc/net/tcp after its close, in order (`None`:
    /// the kernel has forgotten the connection).
    states_after_close: Vec<Option<State>>,
}

fn namespace(tag: &str) -> Option<Netns> {
    linux::namespace_or_skip(tag).unwrap_or_else(|e| panic!("{e}"))
}

fn io<T>(what: &str, r: std::io::Result<T>) -> Result<T, String> {
    r.map_err(|e| format!("Linux side, {what}: {e}"))
}

fn v4(addr: SocketAddr) -> Result<SocketAddrV4, String> {
    match addr {
        SocketAddr::V4(a) => Ok(a),
        SocketAddr::V6(a) => Err(format!("an IPv6 address {a} in an IPv4-only namespace")),
    }
}

/// Run the engine in `ns` (the test's thread stays outside). `prepare` runs first;
/// then `linux` starts on its own thread in the namespace and says when it is
/// ready; then `engine` drives the run and may ask whether `linux` has finished.
fn run_pair<L: Send + 'static>(
    ns: &Netns,
    side: Side,
    cfg: EndpointConfig,
    prepare: impl FnOnce(&mut LinuxRun) -> Result<(), String> + Send + 'static,
    linux: impl FnOnce(Sender<()>) -> Result<L, String> + Send + 'static,
    engine: impl FnOnce(&mut LinuxRun, &dyn Fn() -> bool) -> Result<(), String> + Send + 'static,
) -> (LinuxRun, L) {
    let entry = ns.entry();
    let thread = std::thread::spawn(move || -> Result<(LinuxRun, L), String> {
        let mut run = LinuxRun::open(&entry, side, cfg)?;
        prepare(&mut run)?;
        let (ready_tx, ready_rx) = channel();
        let linux_entry = entry.clone();
        let linux_thread = std::thread::spawn(move || {
            linux_entry.enter()?;
            linux(ready_tx)
        });
        let ready = ready_rx.recv_timeout(LIMIT);
        let engine_result = match ready {
            Ok(()) => engine(&mut run, &|| linux_thread.is_finished()),
            Err(e) => Err(format!("the Linux side never got ready: {e}")),
        };
        let linux_result = linux_thread.join().map_err(|_| "the Linux side panicked".to_string())?;
        // The engine's error first: it has the packet count and both states.
        engine_result.map_err(|e| format!("{e}; the Linux side: {:?}", linux_result.as_ref().err()))?;
        Ok((run, linux_result?))
    });
    match thread.join() {
        Ok(Ok(pair)) => pair,
        Ok(Err(e)) => panic!("{e}"),
        Err(_) => panic!("the engine's thread panicked"),
    }
}

/// Every captured packet decodes with valid checksums, and they are exactly the
/// segments the engine sent and received; nothing else crossed the device.
fn check_capture(run: &LinuxRun) {
    // A duplicate ACK is noted but not lost (its window still counts); anything
    // else the engine drops would mean it disagrees with Linux.
    let dropped: Vec<_> = run.engine.discards.iter().filter(|k| *k != Reason::DuplicateAck.key()).collect();
    assert!(dropped.is_empty(), "the engine dropped segments Linux sent: {dropped:?}");
    assert!(run.ignored.is_empty(), "packets the engine did not get: {:?}", run.ignored);
    let (mut sent, mut received) = (Vec::new(), Vec::new());
    for r in &run.records {
        let p = wire::decode(&r.data).unwrap_or_else(|e| panic!("a captured packet does not decode: {e}"));
        assert!(p.unmodelled_flags.is_empty(), "Linux set flags the engine cannot see: {:?}", p.unmodelled_flags);
        match (p.src, p.dst) {
            (ENGINE_ADDR, PEER_ADDR) => sent.push(p.segment),
            (PEER_ADDR, ENGINE_ADDR) => received.push(p.segment),
            other => panic!("a packet between unexpected addresses: {other:?}"),
        }
    }
    assert_eq!(sent, run.engine.sent);
    assert_eq!(received, run.engine.received);
}

fn save(run: &LinuxRun, name: &str, linux_final: Option<State>) {
    let dir = capture::default_dir(Path::new(env!("CARGO_TARGET_TMPDIR")));
    let (pcap, json) =
        capture::save(&dir, &run.records, &run.expected(name, linux_final)).expect("the capture is written");
    eprintln!("capture: {} and {}", pcap.display(), json.display());
}

/// The handshake as a reader checks it: our SYN with the Linux profile's options,
/// Linux's SYN,ACK acknowledging ISN+1 with the options a Linux SYN,ACK carries,
/// our ACK of Linux's ISN+1.
fn check_engine_client_handshake(run: &LinuxRun) {
    let e = &run.engine;
    let syn = &e.sent[0];
    assert_eq!((syn.flag_names(), syn.seq), (vec!["SYN"], SeqNum(ENGINE_ISN)));
    let syn_ack = &e.received[0];
    assert_eq!(syn_ack.flag_names(), ["SYN", "ACK"]);
    assert_eq!(syn_ack.ack, Some(SeqNum(ENGINE_ISN) + 1), "the SYN,ACK acknowledges ISN+1");
    assert_eq!(syn_ack.options.mss, Some(1460), "an MTU of 1500 less 40 bytes of headers");
    assert!(syn_ack.options.sack_permitted, "Linux answers SACK-permitted");
    assert!(syn_ack.options.window_scale.is_some(), "Linux answers window scaling");
    let (our_val, _) = syn.options.timestamps.expect("the Linux profile offers timestamps");
    assert_eq!(syn_ack.options.timestamps.map(|t| t.1), Some(our_val), "Linux echoes our TSval");
    let ack = &e.sent[1];
    assert_eq!((ack.flag_names(), ack.seq, ack.ack), (vec!["ACK"], SeqNum(ENGINE_ISN) + 1, Some(syn_ack.seq + 1)));
}

/// A Linux server: accept, read the request, send the response, then either close
/// first or wait for the engine's FIN before closing.
/// Listen on 10.77.0.1:8080, say so, and accept one connection (within [`LIMIT`]).
/// Returns the stream, with timeouts set, and the engine's address.
fn accept_one(ready: Sender<()>) -> Result<(TcpStream, SocketAddrV4), String> {
    let listener = io("bind", TcpListener::bind(SocketAddrV4::new(PEER_ADDR, LINUX_PORT)))?;
    io("non-blocking listener", listener.set_nonblocking(true))?;
    ready.send(()).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + LIMIT;
    let (stream, peer) = loop {
        match listener.accept() {
            Ok(pair) => break pair,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) => return Err(format!("Linux side, accept: {e}")),
        }
    };
    io("blocking stream", stream.set_nonblocking(false))?;
    io("read timeout", stream.set_read_timeout(Some(LIMIT)))?;
    io("write timeout", stream.set_write_timeout(Some(LIMIT)))?;
    Ok((stream, v4(peer)?))
}

fn linux_server(ready: Sender<()>, linux_closes_first: bool) -> Result<LinuxSaw, String> {
    let (mut stream, remote) = accept_one(ready)?;
    let local = SocketAddrV4::new(PEER_ADDR, LINUX_PORT);
    let mut read = vec![0; REQUEST.len()];
    io("read the request", stream.read_exact(&mut read))?;
    io("write the response", stream.write_all(RESPONSE))?;
    let want = if linux_closes_first {
        // Linux closes first: it waits in TIME-WAIT once the engine's FIN arrives.
        Some(State::TimeWait)
    } else {
        // The engine closes first: read to its FIN, then close; the engine's last
        // ACK lets the kernel forget the connection.
        io("read to the end", stream.read_to_end(&mut read))?;
        None
    };
    drop(stream);
    let states_after_close = linux::wait_for_kernel_state(local, remote, want, LIMIT)?;
    Ok(LinuxSaw { read, states_after_close })
}

/// The engine's client: connect, send the request, read the response; close first
/// or after Linux's FIN.
fn engine_client(run: &mut LinuxRun, linux_done: &dyn Fn() -> bool, engine_closes_first: bool) -> Result<(), String> {
    let now = run.now();
    run.engine.call(now, |ep, now| ep.connect(now))?;
    run.run_until(LIMIT, |r| r.engine.state() == State::Established)?;
    let now = run.now();
    run.engine.call(now, |ep, now| ep.send(now, REQUEST))?;
    run.run_until(LIMIT, |r| r.engine.endpoint.received().len() >= RESPONSE.len())?;
    if !engine_closes_first {
        run.run_until(LIMIT, |r| r.engine.state() == State::CloseWait)?;
    }
    let now = run.now();
    run.engine.call(now, |ep, now| ep.close(now))?;
    let end = if engine_closes_first { State::TimeWait } else { State::Closed };
    run.run_until(LIMIT, |r| r.engine.state() == end && linux_done())
}

fn engine_client_config() -> EndpointConfig {
    host::config(ENGINE_PORT, LINUX_PORT, ENGINE_ISN, Profile::linux())
}

#[test]
fn linux_engine_client_to_linux_server_engine_closes_first() {
    let Some(ns) = namespace("client-first") else { return };
    let (run, linux) = run_pair(
        &ns,
        Side::Client,
        engine_client_config(),
        |_| Ok(()),
        |ready| linux_server(ready, false),
        |run, done| engine_client(run, done, true),
    );
    check_engine_client_handshake(&run);
    assert_eq!(linux.read, REQUEST, "the request arrives intact at Linux, and then its end (the FIN)");
    assert_eq!(run.engine.endpoint.received(), RESPONSE, "the response arrives intact at the engine");

    // The engine closed first, so it ends in TIME-WAIT. Linux acknowledges our FIN
    // either on its own or, delayed, on its own FIN (then FIN-WAIT-2 is skipped).
    let path = run.engine.state_path();
    let direct = [State::Closed, State::SynSent, State::Established, State::FinWait1, State::TimeWait];
    let via_fin_wait_2 =
        [State::Closed, State::SynSent, State::Established, State::FinWait1, State::FinWait2, State::TimeWait];
    assert!(path == direct || path == via_fin_wait_2, "engine states {path:?}");
    let our_fin = run.engine.sent.iter().find(|s| s.flags.fin).expect("the engine sent a FIN");
    assert_eq!(our_fin.seq, SeqNum(ENGINE_ISN) + 1 + REQUEST.len() as u32, "the FIN follows the request");
    let linux_fin = run.engine.received.iter().find(|s| s.flags.fin).expect("Linux sent a FIN");
    assert_eq!(linux_fin.ack, Some(our_fin.seq + 1), "Linux's FIN acknowledges ours");
    assert_eq!(linux.states_after_close.last(), Some(&None), "Linux forgot the connection after our last ACK");
    check_capture(&run);
    save(&run, "linux-engine-client-closes-first", Some(State::Closed));
}

#[test]
fn linux_engine_client_to_linux_server_linux_closes_first() {
    let Some(ns) = namespace("linux-first") else { return };
    let (run, linux) = run_pair(
        &ns,
        Side::Client,
        engine_client_config(),
        |_| Ok(()),
        |ready| linux_server(ready, true),
        |run, done| engine_client(run, done, false),
    );
    check_engine_client_handshake(&run);
    assert_eq!(linux.read, REQUEST, "the request arrives intact at Linux");
    assert_eq!(run.engine.endpoint.received(), RESPONSE, "the response arrives intact at the engine");

    // Linux closed first: the engine goes through CLOSE-WAIT and LAST-ACK to
    // CLOSED, and Linux is the one left in TIME-WAIT.
    assert_eq!(
        run.engine.state_path(),
        [State::Closed, State::SynSent, State::Established, State::CloseWait, State::LastAck, State::Closed]
    );
    assert!(run.engine.app_notes.contains(&AppNote::PeerClosed));
    assert_eq!(run.engine.app_notes.last(), Some(&AppNote::Closed));
    assert_eq!(linux.states_after_close.last(), Some(&Some(State::TimeWait)), "Linux waits in TIME-WAIT");
    check_capture(&run);
    save(&run, "linux-engine-client-linux-closes-first", Some(State::TimeWait));
}

#[test]
fn linux_client_to_engine_server_linux_closes_first() {
    let Some(ns) = namespace("server") else { return };
    let cfg = host::config(80, 0, ENGINE_ISN, Profile::linux());
    let (run, linux) = run_pair(
        &ns,
        Side::Server,
        cfg,
        |run| {
            let now = run.now();
            run.engine.call(now, |ep, now| ep.listen_for_one(now))
        },
        |ready| {
            ready.send(()).map_err(|e| e.to_string())?;
            let engine = SocketAddr::from((ENGINE_ADDR, 80));
            let mut stream = io("connect", TcpStream::connect_timeout(&engine, LIMIT))?;
            io("read timeout", stream.set_read_timeout(Some(LIMIT)))?;
            io("write timeout", stream.set_write_timeout(Some(LIMIT)))?;
            let local = v4(io("local address", stream.local_addr())?)?;
            io("write the request", stream.write_all(REQUEST))?;
            let mut read = vec![0; RESPONSE.len()];
            io("read the response", stream.read_exact(&mut read))?;
            drop(stream);
            let states_after_close =
                linux::wait_for_kernel_state(local, SocketAddrV4::new(ENGINE_ADDR, 80), Some(State::TimeWait), LIMIT)?;
            Ok(LinuxSaw { read, states_after_close })
        },
        |run, done| {
            run.run_until(LIMIT, |r| r.engine.endpoint.received().len() >= REQUEST.len())?;
            let now = run.now();
            run.engine.call(now, |ep, now| ep.send(now, RESPONSE))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::CloseWait)?;
            let now = run.now();
            run.engine.call(now, |ep, now| ep.close(now))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::Closed && done())
        },
    );
    let e = &run.engine;
    let syn = &e.received[0];
    assert_eq!(syn.flag_names(), ["SYN"]);
    let o = syn.options;
    assert!(o.mss == Some(1460) && o.sack_permitted && o.window_scale.is_some(), "Linux's SYN options: {o:?}");
    let (linux_val, _) = o.timestamps.expect("Linux's SYN carries timestamps");
    let syn_ack = &e.sent[0];
    assert_eq!(
        (syn_ack.flag_names(), syn_ack.seq, syn_ack.ack),
        (vec!["SYN", "ACK"], SeqNum(ENGINE_ISN), Some(syn.seq + 1))
    );
    assert_eq!(syn_ack.options.timestamps.map(|t| t.1), Some(linux_val), "the SYN,ACK echoes Linux's TSval");
    assert_eq!(e.received[1].ack, Some(SeqNum(ENGINE_ISN) + 1), "Linux's ACK acknowledges our ISN+1");

    assert_eq!(e.endpoint.received(), REQUEST, "the request arrives intact at the engine");
    assert_eq!(linux.read, RESPONSE, "the response arrives intact at Linux");
    // A passive close: CLOSE-WAIT, then LAST-ACK until our FIN is acknowledged.
    assert_eq!(
        e.state_path(),
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
    assert_eq!(linux.states_after_close.last(), Some(&Some(State::TimeWait)), "Linux closed first: TIME-WAIT");
    check_capture(&run);
    save(&run, "linux-engine-server", Some(State::TimeWait));
}

#[test]
fn linux_refuses_the_engine_on_a_closed_port() {
    let Some(ns) = namespace("refused") else { return };
    let cfg = host::config(ENGINE_PORT, 9, ENGINE_ISN, Profile::linux());
    let (run, ()) = run_pair(
        &ns,
        Side::Client,
        cfg,
        |_| Ok(()),
        |ready| ready.send(()).map_err(|e| e.to_string()),
        |run, _| {
            let now = run.now();
            run.engine.call(now, |ep, now| ep.connect(now))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::Closed)
        },
    );
    // Linux answers a SYN to a port with no listener with <SEQ=0><ACK=ISN+1><CTL=RST,ACK>
    // (RFC 9293 §3.10.7.1), and the engine reports the connection refused.
    let rst = &run.engine.received[0];
    assert_eq!((rst.flag_names(), rst.seq, rst.ack), (vec!["RST", "ACK"], SeqNum(0), Some(SeqNum(ENGINE_ISN) + 1)));
    assert_eq!(run.engine.state_path(), [State::Closed, State::SynSent, State::Closed]);
    assert_eq!(run.engine.transitions[1].reason_key, Reason::RefusedByReset.key());
    assert!(run.engine.app_notes.contains(&AppNote::Refused));
    check_capture(&run);
    save(&run, "linux-refused", None);
}

/// 200 kB each way: many full segments, and more than a 16-bit window can hold,
/// so both sides must scale their windows (RFC 7323 §2) for it to finish.
const BULK: usize = 200_000;

fn bulk_data() -> Vec<u8> {
    (0..BULK).map(|i| (i % 251) as u8).collect()
}

#[test]
fn linux_bulk_data_both_ways_in_full_segments() {
    let Some(ns) = namespace("bulk") else { return };
    let (run, linux) = run_pair(
        &ns,
        Side::Client,
        engine_client_config(),
        |_| Ok(()),
        |ready| {
            let (mut stream, _) = accept_one(ready)?;
            let mut read = vec![0; BULK];
            io("read the upload", stream.read_exact(&mut read))?;
            io("write the download", stream.write_all(&bulk_data()))?;
            io("read to the end", stream.read_to_end(&mut read))?;
            Ok(LinuxSaw { read, states_after_close: Vec::new() })
        },
        |run, done| {
            let now = run.now();
            run.engine.call(now, |ep, now| ep.connect(now))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::Established)?;
            let now = run.now();
            run.engine.call(now, |ep, now| ep.send(now, &bulk_data()))?;
            run.run_until(LIMIT, |r| r.engine.endpoint.received().len() >= BULK)?;
            let now = run.now();
            run.engine.call(now, |ep, now| ep.close(now))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::TimeWait && done())
        },
    );
    assert!(linux.read == bulk_data(), "the upload arrives intact at Linux, then its end");
    assert!(run.engine.endpoint.received() == bulk_data(), "the download arrives intact at the engine");
    // The engine's segments are full: Linux's MSS of 1460 less 12 bytes of timestamps.
    let largest = run.engine.sent.iter().map(|s| s.payload.len()).max();
    assert_eq!(largest, Some(1448));
    let linux_largest = run.engine.received.iter().map(|s| s.payload.len()).max();
    assert_eq!(linux_largest, Some(1448), "Linux sends full segments to the engine's MSS less timestamps");
    // Window scaling in use both ways: each SYN offered a shift.
    assert!(run.engine.sent[0].options.window_scale.is_some() && run.engine.received[0].options.window_scale.is_some());
    check_capture(&run);
    save(&run, "linux-bulk", None);
}

#[test]
fn linux_engine_abort_resets_the_linux_connection() {
    let Some(ns) = namespace("engine-abort") else { return };
    let (run, reset) = run_pair(
        &ns,
        Side::Client,
        engine_client_config(),
        |_| Ok(()),
        |ready| {
            let (mut stream, _) = accept_one(ready)?;
            let mut request = vec![0; REQUEST.len()];
            io("read the request", stream.read_exact(&mut request))?;
            io("write the response", stream.write_all(RESPONSE))?;
            // The engine aborts once the response is in: the next read fails.
            match stream.read(&mut request) {
                Err(e) => Ok(e.kind()),
                Ok(n) => Err(format!("Linux side: read {n} bytes after the engine's abort instead of an error")),
            }
        },
        |run, done| {
            let now = run.now();
            run.engine.call(now, |ep, now| ep.connect(now))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::Established)?;
            let now = run.now();
            run.engine.call(now, |ep, now| ep.send(now, REQUEST))?;
            run.run_until(LIMIT, |r| r.engine.endpoint.received().len() >= RESPONSE.len())?;
            let now = run.now();
            run.engine.call(now, |ep, now| ep.abort(now))?;
            run.run_until(LIMIT, |_| done())
        },
    );
    // ABORT in ESTABLISHED (RFC 9293 §3.10.5) sends <SEQ=SND.NXT><CTL=RST>; Linux
    // believes it only if SEQ is exactly its RCV.NXT (RFC 5961 §3.2), and it did.
    let rst = run.engine.sent.last().expect("the engine sent its RST");
    assert_eq!(rst.flag_names(), ["RST", "ACK"]);
    assert_eq!(rst.seq, SeqNum(ENGINE_ISN) + 1 + REQUEST.len() as u32, "SEQ is SND.NXT");
    assert_eq!(reset, std::io::ErrorKind::ConnectionReset, "Linux's read reports the reset");
    assert_eq!(run.engine.state_path(), [State::Closed, State::SynSent, State::Established, State::Closed]);
    check_capture(&run);
}

#[test]
fn linux_abort_resets_the_engine() {
    let Some(ns) = namespace("linux-abort") else { return };
    let (run, ()) = run_pair(
        &ns,
        Side::Client,
        engine_client_config(),
        |_| Ok(()),
        |ready| {
            let (mut stream, _) = accept_one(ready)?;
            let mut request = vec![0; REQUEST.len()];
            io("read the request", stream.read_exact(&mut request))?;
            io("write the response", stream.write_all(RESPONSE))?;
            // SO_LINGER with a zero timeout: close() aborts with a RST instead of a FIN.
            let linger = nix::libc::linger { l_onoff: 1, l_linger: 0 };
            nix::sys::socket::setsockopt(&stream, nix::sys::socket::sockopt::Linger, &linger)
                .map_err(|e| format!("Linux side, SO_LINGER: {e}"))?;
            drop(stream);
            Ok(())
        },
        |run, done| {
            let now = run.now();
            run.engine.call(now, |ep, now| ep.connect(now))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::Established)?;
            let now = run.now();
            run.engine.call(now, |ep, now| ep.send(now, REQUEST))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::Closed && done())
        },
    );
    let rst = run.engine.received.last().expect("Linux sent its RST");
    assert!(rst.flags.rst, "Linux's last segment is a RST: {rst:?}");
    assert_eq!(Some(rst.seq), run.engine.received.iter().rev().nth(1).map(|s| s.end()), "SEQ is Linux's SND.NXT");
    assert_eq!(run.engine.endpoint.received(), RESPONSE, "the response arrived before the reset");
    assert_eq!(run.engine.state_path(), [State::Closed, State::SynSent, State::Established, State::Closed]);
    assert_eq!(run.engine.transitions[2].reason_key, Reason::ResetReceived.key());
    assert_eq!(run.engine.app_notes.last(), Some(&AppNote::Reset), "the application is told of the reset");
    check_capture(&run);
}

#[test]
fn linux_half_close_engine_shuts_down_and_keeps_reading() {
    let Some(ns) = namespace("half-close") else { return };
    let (run, linux) = run_pair(
        &ns,
        Side::Client,
        engine_client_config(),
        |_| Ok(()),
        |ready| {
            // Linux reads the whole request up to the engine's FIN, then answers.
            let (mut stream, _) = accept_one(ready)?;
            let mut read = Vec::new();
            io("read to the end", stream.read_to_end(&mut read))?;
            io("write the response", stream.write_all(RESPONSE))?;
            drop(stream);
            Ok(LinuxSaw { read, states_after_close: Vec::new() })
        },
        |run, done| {
            let now = run.now();
            run.engine.call(now, |ep, now| ep.connect(now))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::Established)?;
            let now = run.now();
            run.engine.call(now, |ep, now| ep.send(now, REQUEST))?;
            run.engine.call(now, |ep, now| ep.shutdown(now))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::TimeWait && done())
        },
    );
    assert_eq!(linux.read, REQUEST, "Linux read the request and then the end of it");
    assert_eq!(run.engine.endpoint.received(), RESPONSE, "the engine still reads after its FIN");
    // The request left at send(); the FIN follows it at shutdown().
    let fin = run.engine.sent.iter().find(|s| s.flags.fin).expect("the engine sent a FIN");
    assert_eq!((fin.seq, fin.flag_names()), (SeqNum(ENGINE_ISN) + 1 + REQUEST.len() as u32, vec!["FIN", "ACK"]));
    // Linux answered after reading our FIN: its data acknowledges the FIN, and the
    // engine took it in a FIN-WAIT state (RFC 9293 §3.10.7.4, seventh).
    let response = run.engine.received.iter().find(|s| !s.payload.is_empty()).expect("the response came");
    assert_eq!(response.ack, Some(fin.seq + 1), "the response acknowledges our FIN");
    let path = run.engine.state_path();
    assert_eq!(path[..4], [State::Closed, State::SynSent, State::Established, State::FinWait1]);
    assert_eq!(path.last(), Some(&State::TimeWait), "the engine closed first: TIME-WAIT, {path:?}");
    check_capture(&run);
    save(&run, "linux-half-close", None);
}

#[test]
fn linux_simultaneous_open_with_crossing_syns() {
    // Linux connects to the engine's port 7000; its SYN is held back while the engine,
    // in turn, connects to Linux's port from 7000. Each SYN then meets a socket in
    // SYN-SENT: RFC 9293 §3.5, Figure 7.
    let Some(ns) = namespace("simultaneous") else { return };
    let (run, linux) = run_pair(
        &ns,
        Side::Client,
        host::config(7000, 0, ENGINE_ISN, Profile::linux()),
        |run| {
            run.hold = true;
            Ok(())
        },
        |ready| {
            ready.send(()).map_err(|e| e.to_string())?;
            let mut stream = io("connect", TcpStream::connect_timeout(&SocketAddr::from((ENGINE_ADDR, 7000)), LIMIT))?;
            io("read timeout", stream.set_read_timeout(Some(LIMIT)))?;
            io("write the request", stream.write_all(REQUEST))?;
            let mut read = vec![0; RESPONSE.len()];
            io("read the response", stream.read_exact(&mut read))?;
            Ok(LinuxSaw { read, states_after_close: Vec::new() })
        },
        |run, done| {
            run.run_until(LIMIT, |r| !r.held.is_empty())?;
            let linux_port = run.held[0].src_port;
            // The engine now knows the port to cross with: connect from 7000 to it,
            // and only then let Linux's SYN in.
            run.engine =
                host::EngineHost::new(Side::Client, host::config(7000, linux_port, ENGINE_ISN, Profile::linux()));
            let now = run.now();
            run.engine.call(now, |ep, now| ep.connect(now))?;
            run.release();
            run.run_until(LIMIT, |r| r.engine.endpoint.received().len() >= REQUEST.len())?;
            let now = run.now();
            run.engine.call(now, |ep, now| ep.send(now, RESPONSE))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::CloseWait)?;
            let now = run.now();
            run.engine.call(now, |ep, now| ep.close(now))?;
            run.run_until(LIMIT, |r| r.engine.state() == State::Closed && done())
        },
    );
    let e = &run.engine;
    let linux_syn = &e.received[0];
    assert_eq!(linux_syn.flag_names(), ["SYN"]);
    assert_eq!((e.sent[0].flag_names(), e.sent[0].seq), (vec!["SYN"], SeqNum(ENGINE_ISN)));
    // Our answer to Linux's SYN in SYN-SENT: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
    assert_eq!((e.sent[1].flag_names(), e.sent[1].seq), (vec!["SYN", "ACK"], SeqNum(ENGINE_ISN)));
    assert_eq!(e.sent[1].ack, Some(linux_syn.seq + 1));
    // Linux answers our SYN the same way from its SYN-SENT.
    let linux_syn_ack = &e.received[1];
    assert_eq!(linux_syn_ack.flag_names(), ["SYN", "ACK"]);
    assert_eq!((linux_syn_ack.seq, linux_syn_ack.ack), (linux_syn.seq, Some(SeqNum(ENGINE_ISN) + 1)));
    assert_eq!(
        e.state_path()[..4],
        [State::Closed, State::SynSent, State::SynReceived, State::Established],
        "SYN-SENT → SYN-RECEIVED → ESTABLISHED"
    );
    assert_eq!(e.transitions[1].reason_key, Reason::SimultaneousOpen.key());
    assert_eq!(e.transitions[2].reason_key, Reason::SimultaneousSynAck.key());
    assert_eq!(e.endpoint.received(), REQUEST, "the request arrives intact at the engine");
    assert_eq!(linux.read, RESPONSE, "the response arrives intact at Linux");
    check_capture(&run);
    save(&run, "linux-simultaneous-open", None);
}
