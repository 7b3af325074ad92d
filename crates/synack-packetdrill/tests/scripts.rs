//! The scripts in `tests/scripts/` against the engine. Each was also run by
//! packetdrill itself against this machine's Linux 6.18 and passed there
//! (`scripts/packetdrill-linux.sh`, docs/packetdrill.md).

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use synack_core::trace::EventKind;
use synack_core::State;
use synack_packetdrill::{parse, report, run, Run, Verdict};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(name)
}

fn scripts(name: &str) -> Vec<(String, String)> {
    let mut v: Vec<_> = std::fs::read_dir(dir(name))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pkt"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    v.sort();
    v
}

fn run_text(name: &str, text: &str) -> Run {
    let script = parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    run(&script, name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn mismatch_line(r: &Run) -> Option<u32> {
    match &r.verdict {
        Verdict::Pass => None,
        Verdict::Mismatch { line, .. } => Some(*line),
    }
}

#[test]
fn every_script_passes_against_the_engine() {
    let all = scripts("scripts");
    assert!(all.len() >= 14, "only {} scripts", all.len());
    for (name, text) in &all {
        let r = run_text(name, text);
        assert_eq!(r.verdict, Verdict::Pass, "{name}");
        let packets = r.checks.iter().filter(|c| c.kind == "packet").count();
        assert!(packets >= 1, "{name}: {packets} packets checked");
        assert!(r.checks.iter().all(|c| c.matched), "{name}");
        // Every `>` line and every call line of the script was checked.
        let script = parse(text).unwrap();
        assert_eq!(r.checks.len(), script.events.iter().filter(|e| !is_inbound(e)).count(), "{name}");
    }
}

fn is_inbound(e: &synack_packetdrill::script::ScriptEvent) -> bool {
    matches!(&e.action, synack_packetdrill::script::Action::Packet(p) if p.inbound)
}

/// Test the space, not the examples: every `>` line of every script, changed in
/// its acknowledgment number (or, without one, its sequence number), must make
/// the run fail at exactly that line.
#[test]
fn changing_any_expected_packet_fails_at_its_line() {
    let mut tried = 0;
    for (name, text) in scripts("scripts") {
        for (k, line) in text.lines().enumerate() {
            let body = line.split("//").next().unwrap();
            let Some(at) = body.find(" > ") else { continue };
            let changed = if let Some(a) = body.find(" ack ") {
                let digits: String = body[a + 5..].chars().take_while(char::is_ascii_digit).collect();
                let n: u64 = digits.parse().unwrap();
                format!("{}{}{}", &body[..a + 5], n + 1, &body[a + 5 + digits.len()..])
            } else {
                // `> S 0:0(0)` becomes `> S 1:1(0)`.
                let rest = &body[at + 3..];
                let sp = rest.find(' ').unwrap();
                let colon = rest.find(':').unwrap();
                let seq: u64 = rest[sp + 1..colon].parse().unwrap();
                let paren = rest.find('(').unwrap();
                let len: u64 = rest[paren + 1..rest.find(')').unwrap()].parse().unwrap();
                format!(
                    "{} {}:{}({}){}",
                    &body[..at + 3 + sp],
                    seq + 1,
                    seq + 1 + len,
                    len,
                    &rest[rest.find(')').unwrap() + 1..]
                )
            };
            let mutated: Vec<String> =
                text.lines().enumerate().map(|(j, l)| if j == k { changed.clone() } else { l.to_string() }).collect();
            let r = run_text(&name, &mutated.join("\n"));
            assert_eq!(mismatch_line(&r), Some(k as u32 + 1), "{name}: `{changed}`");
            tried += 1;
        }
    }
    assert!(tried >= 40, "only {tried} lines tried");
}

#[test]
fn a_deliberately_wrong_script_fails_at_the_right_line_with_both_versions() {
    let (name, text) = scripts("wrong").remove(0);
    let r = run_text(&name, &text);
    let Verdict::Mismatch { line, message } = &r.verdict else { panic!("{name} passed") };
    assert_eq!(*line, 14);
    assert_eq!(
        message,
        "script line 14: expected `F. 1:1(0) ack 101`, the engine sent `R. 1:1(0) ack 101` at 0.140 s (flags R. instead of F.)"
    );
    // The run stops there, as packetdrill's does: line 15 is never played.
    assert!(!r.checks.iter().any(|c| c.line == 15));
    assert!(r.lines.iter().all(|l| l.is_none_or(|l| l <= 14)));
}

#[test]
fn events_carry_their_script_lines() {
    let text = std::fs::read_to_string(dir("scripts").join("active-open-close.pkt")).unwrap();
    let r = run_text("active-open-close.pkt", &text);
    let json = report::to_json(&r);
    assert_eq!(json["packetdrill"]["verdict"], "pass");
    assert_eq!(json["packetdrill"]["engine"], "client");
    let events = json["trace"]["events"].as_array().unwrap();
    let line_of =
        |pred: &dyn Fn(&serde_json::Value) -> bool| events.iter().find(|e| pred(e)).map(|e| e["line"].clone());
    // The SYN is checked by line 6; the FIN is sent by close() on line 9 and
    // checked by line 10; the remote's FIN is line 12.
    let syn = line_of(&|e| e["kind"] == "send" && e["segment"]["flags"] == serde_json::json!(["SYN"]));
    assert_eq!(syn, Some(serde_json::json!(6)));
    let fins: Vec<_> = events
        .iter()
        .filter(|e| e["kind"] == "send" && e["segment"]["flags"] == serde_json::json!(["FIN", "ACK"]))
        .collect();
    assert_eq!(fins.len(), 2);
    assert_eq!(fins[0]["line"], 10);
    assert_eq!(fins[1]["line"], 12);
    assert_eq!(fins[1]["reason_key"], "script-segment");
    let close = line_of(&|e| e["kind"] == "app" && e["do"] == "close");
    assert_eq!(close, Some(serde_json::json!(9)));
    // The engine ends in TIME-WAIT, as Linux's active closer does.
    assert_eq!(r.trace.outcome.client, State::TimeWait);
    assert!(r.trace.events.iter().any(|e| matches!(e.kind, EventKind::State { to: State::TimeWait, .. })));
}

#[test]
fn a_blocking_call_returns_when_the_engine_lets_it() {
    let text = std::fs::read_to_string(dir("scripts").join("backlog-one.pkt")).unwrap();
    // accept() must block until 0.1 s; moving the remote's ACK later breaks it.
    let late = text.replace("+.05   < . 1:1(0) ack 1 win 29200", "+.2    < . 1:1(0) ack 1 win 29200");
    let r = run_text("late", &late);
    let Verdict::Mismatch { line, message } = &r.verdict else { panic!("passed") };
    assert_eq!(*line, 7, "{message}");
    assert!(message.contains("still blocked"), "{message}");
    // And one that returns too early is caught as well.
    let early = text.replace("0...0.1 accept", "0...0.3 accept");
    let r = run_text("early", &early);
    let Verdict::Mismatch { line, message } = &r.verdict else { panic!("passed") };
    assert_eq!(*line, 7, "{message}");
    assert!(message.contains("it returned at 0.100 s"), "{message}");
}

#[test]
fn call_results_are_checked() {
    let text = std::fs::read_to_string(dir("scripts").join("shutdown-wr.pkt")).unwrap();
    let wrong = text.replace("write(3, ..., 10) = -1 EPIPE (Broken pipe)", "write(3, ..., 10) = 10");
    let r = run_text("wrong", &wrong);
    let Verdict::Mismatch { line, message } = &r.verdict else { panic!("passed") };
    assert_eq!(*line, 19);
    assert_eq!(message, "script line 19: expected `write(3, ..., 10) = 10`, the call returned -1 EPIPE at 0.110 s");
}

/// POSIX `cksum`'s CRC (polynomial 0x04C11DB7, the length appended, inverted).
fn cksum(data: &[u8]) -> u32 {
    let mut crc: u32 = 0;
    let mut feed = |b: u8| {
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 { (crc << 1) ^ 0x04C1_1DB7 } else { crc << 1 };
        }
    };
    for &b in data {
        feed(b);
    }
    let mut len = data.len();
    while len > 0 {
        feed(len as u8);
        len >>= 8;
    }
    !crc
}

/// `tests/linux-record.txt` is what `scripts/packetdrill-linux.sh` printed when
/// packetdrill ran each script against this machine's Linux. Every script, as it
/// is now (its cksum), must be there with Linux's verdict: a script changed or
/// added without running it on Linux again fails here.
#[test]
fn every_script_was_run_on_linux_as_it_is_now() {
    let record = std::fs::read_to_string(dir("linux-record.txt")).unwrap();
    assert_eq!(cksum(b"synack\n"), 2_161_268_272, "cksum as POSIX defines it");
    for (folder, linux, engine) in [("scripts", "pass", "pass"), ("wrong", "fail@14", "fail@14")] {
        for (name, text) in scripts(folder) {
            let key = format!("{folder}/{name}");
            let row = record.lines().find(|l| l.split_whitespace().next() == Some(key.as_str()));
            let row: Vec<&str> =
                row.unwrap_or_else(|| panic!("{key} is not in linux-record.txt")).split_whitespace().collect();
            assert_eq!(row[1], linux, "{key}: Linux");
            assert_eq!(row[2], engine, "{key}: the engine");
            assert_eq!(row[3], cksum(text.as_bytes()).to_string(), "{key} changed since it was run on Linux");
        }
    }
}
