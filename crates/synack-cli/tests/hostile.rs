//! Hostile input, as a user (or an attacker handing a user a file) runs it: every
//! input ends in success or a clear refusal (exit 2), never an abort, a signal or an
//! out-of-memory kill, within a time bound and under a limit on address space
//! (issue 12). The inputs are built here, small files that once cost gigabytes.

#![allow(clippy::unwrap_used)]

// synack-capture's test builders. That crate keeps the workspace's rust-version (1.81),
// which has no `is_multiple_of`; this one declares none, so clippy would ask for it.
#[allow(clippy::manual_is_multiple_of)]
#[path = "../../synack-capture/tests/build/mod.rs"]
mod build;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use build::*;

/// What a run under limits ended with.
#[derive(Debug)]
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Runs `synack args` with its address space limited to `limit_mib` MiB (`ulimit -v`)
/// and kills it after `timeout`. The limit is on virtual memory, so it also stops an
/// allocation that would only be touched later.
fn synack_limited(args: &[&str], stdin: Option<&[u8]>, limit_mib: u64, timeout: Duration) -> Outcome {
    let script = format!("ulimit -v {}; exec \"$0\" \"$@\"", limit_mib * 1024);
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        // The child may stop reading early (a refusal); a broken pipe is no failure here.
        let _ = child.stdin.take().unwrap().write_all(bytes);
    }
    let start = Instant::now();
    // Read the pipes on other threads so that a chatty child never blocks on them.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut s).unwrap();
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > timeout {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("synack {args:?} still ran after {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = start.elapsed();
    Outcome {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
        took,
    }
}

/// A scratch file for one test.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Success or a clear refusal: exit 0 or 2, never a signal (abort, OOM kill) or 70/101.
fn assert_handled(o: &Outcome, what: &str) {
    assert!(matches!(o.code, Some(0 | 2)), "{what}: exit {:?} after {:?}\n{}", o.code, o.took, o.stderr);
    assert!(!o.stderr.contains("memory allocation"), "{what}: {}", o.stderr);
    assert!(!o.stderr.contains("internal error"), "{what}: {}", o.stderr);
}

/// A handshake, then `n` one-byte client segments each 16 MiB further on in sequence
/// space that the server never acknowledges: every one looks like data the capture
/// missed before it.
fn far_apart_segments(n: u32) -> Vec<u8> {
    let mut segs = handshake();
    for i in 1..=n {
        segs.push(tcp(40000, 80, 1001u32.wrapping_add(i << 24), 5001, ACK).data(b"x"));
    }
    eth_pcap(&segs)
}

/// A handshake, then `n` ACK segments on the same connection with sequence and
/// acknowledgment numbers from a fixed pseudo-random sequence, some with a byte of data.
fn random_acks(n: u32) -> Vec<u8> {
    let mut segs = handshake();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in 0..n {
        let r = next();
        let s = tcp(40000, 80, r as u32, (r >> 32) as u32, ACK).data(if i % 2 == 0 { b"" } else { b"y" });
        segs.push(if r & (1 << 20) == 0 { s } else { s.back() });
    }
    eth_pcap(&segs)
}

const LIMIT_MIB: u64 = 200;
const TIMEOUT: Duration = Duration::from_secs(60);

#[test]
fn far_apart_segments_stay_within_memory() {
    // 120 segments once took 985 MB; 1000 asked for 8 GiB at once and aborted.
    for n in [120, 1000] {
        let path = scratch(&format!("far-apart-{n}.pcap"), &far_apart_segments(n));
        let o = synack_limited(&["import", path.to_str().unwrap(), "--format", "json"], None, LIMIT_MIB, TIMEOUT);
        assert_handled(&o, &format!("{n} far-apart segments"));
        assert_eq!(o.code, Some(0), "{}", o.stderr);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        let c = &v["connections"][0];
        assert_eq!(c["segments"], serde_json::json!({"client": 2 + n, "server": 1}));
        // The server never acknowledged: both sides stay ESTABLISHED.
        assert_eq!(c["last"], serde_json::json!({"client": "ESTABLISHED", "server": "ESTABLISHED"}));
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn random_acks_stay_within_memory() {
    let o = synack_limited(&["import", "-", "--format", "json"], Some(&random_acks(20_000)), LIMIT_MIB, TIMEOUT);
    assert_handled(&o, "20000 random ACKs");
}

/// Runs `synack` with these arguments, as they are (any bytes).
fn synack_os(args: &[std::ffi::OsString]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_synack")).args(args).output().unwrap()
}

#[test]
fn terminal_escapes_in_a_scenario_file_are_shown_not_obeyed() {
    // A title that clears the screen, and send text that retitles the window.
    let scenario = r#"{"id": "x\u001b[31m", "title": "clear\u001b[2J", "actions": [
        {"side": "server", "do": "listen"}, {"side": "client", "do": "connect"},
        {"side": "client", "when": "established", "do": "send", "text": "\u001b]0;owned\u0007hi\u009b1m\nsecond"}]}"#;
    let path = scratch("escapes.json", scenario.as_bytes());
    let o = synack_limited(&["run", "--scenario-file", path.to_str().unwrap()], None, LIMIT_MIB, TIMEOUT);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(!o.stdout.contains('\u{1b}') && !o.stdout.contains('\u{7}') && !o.stdout.contains('\u{9b}'));
    assert!(o.stdout.starts_with("x\\u{1b}[31m · clear\\u{1b}[2J\n"), "{}", o.stdout);
    assert!(o.stdout.contains("\"\\u{1b}]0;owned\\u{7}hi\\u{9b}1m…\""), "{}", o.stdout);
    // In an error message too: the field name comes from the file.
    let bad = scratch("escapes-bad.json", br#"{"actions": [], "\u001b[2J": 1}"#);
    let o = synack_limited(&["run", "--scenario-file", bad.to_str().unwrap()], None, LIMIT_MIB, TIMEOUT);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("unknown field `\\u{1b}[2J` at the top level"), "{}", o.stderr);
    assert!(!o.stderr.contains('\u{1b}'));
    // And a file name, in the capture view's header and in errors.
    let name = scratch("\u{1b}[2J.pcap", &far_apart_segments(1));
    let o = synack_limited(&["import", name.to_str().unwrap()], None, LIMIT_MIB, TIMEOUT);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(!o.stdout.contains('\u{1b}') && o.stdout.contains("\\u{1b}[2J.pcap: 4 frames"), "{}", o.stdout);
    let o = synack_limited(&["import", &format!("{}x", name.to_str().unwrap())], None, LIMIT_MIB, TIMEOUT);
    assert_eq!(o.code, Some(2));
    assert!(!o.stderr.contains('\u{1b}') && o.stderr.contains("\\u{1b}[2J.pcapx: no such file"), "{}", o.stderr);
    for p in [path, bad, name] {
        std::fs::remove_file(p).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn arguments_that_are_not_utf8_get_one_line() {
    use std::os::unix::ffi::OsStringExt;
    let os = |b: &[u8]| std::ffi::OsString::from_vec(b.to_vec());
    for (args, expected) in [
        (vec![os(b"run"), os(b"\xff")], "synack: the argument \"\\xFF\" is not UTF-8 text\n"),
        (
            vec![os(b"import"), os(b"/nonexistent/\xff.pcap")],
            "synack: cannot read /nonexistent/\u{fffd}.pcap: no such file\n",
        ),
        (vec![os(b"\xff")], "synack: the argument \"\\xFF\" is not UTF-8 text\n"),
    ] {
        let o = synack_os(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&o.stderr), expected, "{args:?}");
    }
    // A capture whose name is not UTF-8 is read like any other.
    let dir = std::env::temp_dir().join(format!("synack-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(os(b"\xff.pcap"));
    std::fs::write(&path, far_apart_segments(1)).unwrap();
    let o = synack_os(&[os(b"import"), path.clone().into_os_string(), os(b"--format=json")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_directory_gets_the_same_sentence_from_run_and_import() {
    let dir = std::env::temp_dir();
    let dir = dir.to_str().unwrap();
    let want = format!("synack: cannot read {dir}: it is a directory\n");
    for args in [vec!["run", "--scenario-file", dir], vec!["import", dir]] {
        let o = synack_limited(&args, None, LIMIT_MIB, TIMEOUT);
        assert_eq!((o.code, o.stderr.as_str()), (Some(2), want.as_str()), "{args:?}");
    }
}

/// `n` connections, a SYN each from its own port (and address, past 60,000).
fn many_connections(n: u32) -> Vec<u8> {
    let syns: Vec<Tcp> = (0..n)
        .map(|i| {
            let mut s = tcp(1024 + (i % 60_000) as u16, 80, 1, 0, SYN);
            s.src = v4([10, 0, (i / 60_000) as u8, 1]);
            s
        })
        .collect();
    eth_pcap(&syns)
}

/// More connections open at once than the lister holds (100,000), none ever ending:
/// every one is listed, the quietest set aside, in bounded memory.
#[test]
fn connections_past_the_open_limit_are_all_listed_in_bounded_memory() {
    let path = scratch("open-150k.pcap", &many_connections(150_000));
    let o = synack_limited(&["import", path.to_str().unwrap(), "--format", "json"], None, LIMIT_MIB, TIMEOUT);
    assert_handled(&o, "150000 open connections");
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let list = v["connections"].as_array().unwrap();
    assert_eq!((list.len(), v["connections_total"].as_u64()), (150_000, Some(150_000)));
    assert_eq!(list.iter().filter(|c| c["set_aside"] == true).count(), 50_000);
    assert!(o.stderr.contains("50000 connections were set aside while still open"), "{}", o.stderr);
    std::fs::remove_file(path).unwrap();
}

/// Every hostile input of issue 12 at once, each under the address-space limit and
/// the time bound: it ends in success or exit 2, never a signal.
#[test]
fn every_hostile_input_ends_in_success_or_a_refusal() {
    let keys: Vec<String> = (0..200_000).map(|i| format!("\"k{i}\": 0")).collect();
    let files: Vec<(&str, Vec<u8>, &[&str])> = vec![
        ("far-apart-1000.pcap", far_apart_segments(1000), &["import"]),
        ("random-acks.pcap", random_acks(20_000), &["import", "--format", "json"]),
        ("connections.pcap", many_connections(100_000), &["import", "--format", "json"]),
        (
            "exponent.json",
            br#"{"seed": 0e-2147483648, "actions": [{"side": "client", "do": "connect", "delay_us": 0.0e-2147483648}]}"#
                .to_vec(),
            &["run", "--scenario-file"],
        ),
        ("keys.json", format!("{{{}}}", keys.join(",")).into_bytes(), &["run", "--scenario-file"]),
        ("null.json", br#"{"id": null, "actions": []}"#.to_vec(), &["run", "--scenario-file"]),
    ];
    for (name, bytes, args) in files {
        let path = scratch(name, &bytes);
        let mut args = args.to_vec();
        // `import FILE [flags]` and `run --scenario-file FILE`.
        let at = if args[0] == "import" { 1 } else { args.len() };
        args.insert(at, path.to_str().unwrap());
        let o = synack_limited(&args, None, LIMIT_MIB, Duration::from_secs(20));
        assert_handled(&o, name);
        match name {
            "connections.pcap" => {
                // Every one listed (once only 10,000 were kept), each an unfinished handshake.
                let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
                assert_eq!(v["connections_total"], 100_000);
                let list = v["connections"].as_array().unwrap();
                assert_eq!(list.len(), 100_000);
                assert_eq!(list[99_999]["number"], 100_000);
                assert_eq!(list[99_999]["client"], "10.0.1.1:41023");
                assert!(list.iter().all(|c| c["incomplete"] == true && c["segments"]["client"] == 1));
            }
            "exponent.json" => assert_eq!(o.code, Some(0), "{}", o.stderr),
            "keys.json" => assert!(o.stderr.contains("unknown field `k0` at the top level"), "{}", o.stderr),
            "null.json" => assert!(o.stderr.contains("id cannot be null"), "{}", o.stderr),
            _ => {}
        }
        std::fs::remove_file(path).unwrap();
    }
}
