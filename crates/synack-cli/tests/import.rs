//! `synack import` as a user runs it, on the real captures of synack-capture.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};

fn capture(name: &str) -> String {
    format!("{}/../synack-capture/tests/captures/{name}", env!("CARGO_MANIFEST_DIR"))
}

mod common;

use common::{refuses, synack};

#[test]
fn text_shows_the_ladder_with_relative_numbers_and_both_states() {
    let path = capture("three-segment-teardown.pcap");
    let o = synack(&["import", &path]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains(": 6 frames · 6 TCP segments · 1 connection\n"), "{text}");
    assert!(text.contains("connection 1: client 10.99.0.1:"), "{text}");
    assert!(text.contains("SYN,ACK seq=0 ack=1 len=0 mss=1460"), "{text}");
    assert!(text.contains("FIN-WAIT-1 → TIME-WAIT"), "{text}");
    assert!(text.contains("LAST-ACK → CLOSED"), "{text}");
    assert!(text.ends_with("end of capture: client TIME-WAIT · server CLOSED\n"), "{text}");
    let lost = String::from_utf8(synack(&["import", &capture("syn-lost.pcap")]).stdout).unwrap();
    assert!(lost.contains("never reached the receiver (inferred)") && lost.contains("retransmission"), "{lost}");
}

#[test]
fn json_is_the_documented_list() {
    let o = synack(&["import", &capture("two-interfaces.pcapng"), "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["server"], "10.99.0.2:81");
    assert_eq!(v[0]["segments"][1]["flags"], serde_json::json!(["RST", "ACK"]));
    assert_eq!(v[1]["states"][0]["to"], "SYN-SENT");
    // One connection only.
    let o = synack(&["import", &capture("two-interfaces.pcapng"), "--connection", "2", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["server"], "10.99.0.2:80");
}

#[test]
fn reads_stdin() {
    let bytes = std::fs::read(capture("three-way-handshake.pcap")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["import", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let o = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["segments"].as_array().unwrap().len(), 3);
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("synack-import-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_string_lossy().into_owned()
    };
    let png = file("picture.png", b"\x89PNG\r\n\x1a\n rest");
    refuses(&["import", &png], "not a pcap or pcapng file: it starts with bytes 89 50 4e 47");
    let real = std::fs::read(capture("three-way-handshake.pcap")).unwrap();
    let cut = file("cut.pcap", &real[..100]);
    refuses(&["import", &cut], "the file is truncated: it ends inside a packet record that starts at byte 24");
    let empty = file("empty.pcap", b"");
    refuses(&["import", &empty], "the file is empty");
    refuses(&["import", "/nonexistent/x.pcap"], "cannot read /nonexistent/x.pcap: no such file");
    refuses(&["import", dir.to_str().unwrap()], "it is a directory");
    refuses(
        &["import", &capture("three-way-handshake.pcap"), "--connection", "2"],
        "there is no connection 2; the capture holds 1 TCP connection",
    );
    refuses(&["import"], "import needs a capture file");
    std::fs::remove_dir_all(&dir).unwrap();
}
