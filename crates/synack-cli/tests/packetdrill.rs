//! `synack run --packetdrill`: exit 0 on pass, 1 at the first mismatch (named by
//! its script line), 2 for a script outside the subset.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};

mod common;

use common::{refuses, stdout, synack};

fn script(name: &str) -> String {
    format!("{}/../synack-packetdrill/tests/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_passing_script_exits_0_with_a_lined_ladder() {
    let o = synack(&["run", "--packetdrill", &script("scripts/close-in-syn-sent.pkt")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    assert!(text.contains(" line    time (s)  client"), "{text}");
    // The late SYN,ACK (line 9) meets a closed port and gets a bare RST (line 10).
    let rst = text.lines().find(|l| l.contains("RST seq=")).unwrap();
    assert!(rst.trim_start().starts_with("10 "), "{rst}");
    assert!(text.contains("packetdrill: pass (2 packets and 4 calls"), "{text}");
    assert!(o.stderr.is_empty());
}

#[test]
fn a_mismatch_exits_1_and_names_the_line_on_stderr() {
    let path = script("wrong/unread-close-expects-fin.pkt");
    let o = synack(&["run", "--packetdrill", &path, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("script line 14: expected `F. 1:1(0) ack 101`, the engine sent `R. 1:1(0) ack 101` at 0.140 s"),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["packetdrill"]["verdict"], "mismatch");
    assert_eq!(json["packetdrill"]["line"], 14);
    let last = json["packetdrill"]["checks"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["matched"], false);
    assert_eq!(last["actual"], "R. 1:1(0) ack 101");
}

#[test]
fn a_script_can_come_from_stdin() {
    let text = std::fs::read_to_string(script("scripts/connect-refused.pkt")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["run", "--packetdrill", "-", "--numbers", "relative"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    assert!(text.starts_with("packetdrill · stdin"), "{text}");
    // The remote sent no SYN, so its RST has no ISN to count from: shown as sent.
    assert!(text.contains("#1 SYN seq=0 len=0"), "{text}");
    assert!(text.contains("RST,ACK seq=1000000 ack=1 len=0"), "{text}");
}

#[test]
fn a_bad_script_exits_2_with_its_line_and_column() {
    let dir = std::env::temp_dir().join(format!("synack-pd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.pkt");
    std::fs::write(&bad, "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 > S. 0:0(0) ack 1 <sack 1:2>\n").unwrap();
    refuses(&["run", "--packetdrill", bad.to_str().unwrap()], "line 2, column 23: SACK blocks are not modelled");
    std::fs::write(&bad, [0xff, 0xfe]).unwrap();
    refuses(&["run", "--packetdrill", bad.to_str().unwrap()], "not UTF-8 text");
    refuses(&["run", "--packetdrill", "/nonexistent.pkt"], "no such file");
    refuses(&["run", "--packetdrill", bad.to_str().unwrap(), "--drop", "2"], "--drop does not apply to a script");
    std::fs::remove_dir_all(&dir).unwrap();
}
