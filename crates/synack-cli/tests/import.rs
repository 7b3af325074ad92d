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
fn text_lists_every_connection_on_a_line() {
    let o = synack(&["import", &capture("two-interfaces.pcapng")]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("client") && lines[0].contains("marks"), "{text}");
    let words = |l: &str| l.split_whitespace().map(String::from).collect::<Vec<_>>();
    assert_eq!(
        words(lines[1]),
        [
            "1",
            "10.99.0.1:43150",
            "10.99.0.2:81",
            "1/1",
            "0/0",
            "CLOSED/CLOSED",
            "→",
            "CLOSED/CLOSED",
            "-",
            "rst",
            "incomplete"
        ]
    );
    assert_eq!(
        words(lines[2]),
        ["2", "10.99.0.1:35290", "10.99.0.2:80", "6/4", "47/53", "CLOSED/LISTEN", "→", "TIME-WAIT/CLOSED", "0.035"]
    );
    assert!(lines[3].ends_with(": 12 frames · 12 TCP segments · 2 connections"), "{text}");
    let lost = String::from_utf8(synack(&["import", &capture("syn-lost.pcap")]).stdout).unwrap();
    assert!(lost.lines().nth(1).unwrap().ends_with("1016.249  retrans lost"), "{lost}");
}

#[test]
fn filters_choose_connections() {
    let path = capture("two-interfaces.pcapng");
    let rows = |extra: &[&str]| {
        let mut args = vec!["import", path.as_str()];
        args.extend(extra);
        let o = synack(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8(o.stdout).unwrap();
        let numbers: Vec<String> = text
            .lines()
            .skip(1)
            .take_while(|l| !l.contains(" frames · "))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect();
        (numbers, text)
    };
    assert_eq!(rows(&[]).0, ["1", "2"]);
    assert_eq!(rows(&["--port", "81"]).0, ["1"]);
    assert_eq!(rows(&["--port", "35290"]).0, ["2"]);
    assert_eq!(rows(&["--port", "443"]).0, Vec::<String>::new());
    assert_eq!(rows(&["--host", "10.99.0.2"]).0, ["1", "2"]);
    assert_eq!(rows(&["--host", "10.99.0.3"]).0, Vec::<String>::new());
    assert_eq!(rows(&["--only", "rst"]).0, ["1"]);
    assert_eq!(rows(&["--only", "incomplete"]).0, ["1"]);
    assert_eq!(rows(&["--only", "retrans"]).0, Vec::<String>::new());
    let (n, text) = rows(&["--port", "80", "--only", "rst"]);
    assert!(n.is_empty());
    assert!(text.contains("2 connections (0 shown)"), "{text}");
}

#[test]
fn text_shows_the_ladder_with_relative_numbers_and_both_states() {
    let path = capture("three-segment-teardown.pcap");
    let o = synack(&["import", &path, "--connection", "1"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains(": 6 frames · 6 TCP segments · 1 connection\n"), "{text}");
    assert!(text.contains("connection 1: client 10.99.0.1:"), "{text}");
    assert!(text.contains("SYN,ACK seq=0 ack=1 len=0 mss=1460"), "{text}");
    assert!(text.contains("FIN-WAIT-1 → TIME-WAIT"), "{text}");
    assert!(text.contains("LAST-ACK → CLOSED"), "{text}");
    assert!(text.ends_with("end of capture: client TIME-WAIT · server CLOSED\n"), "{text}");
    let lost = String::from_utf8(synack(&["import", &capture("syn-lost.pcap"), "--connection=1"]).stdout).unwrap();
    assert!(lost.contains("never reached the receiver (inferred)") && lost.contains("retransmission"), "{lost}");
}

#[test]
fn json_is_the_documented_list() {
    let o = synack(&["import", &capture("two-interfaces.pcapng"), "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["connections"].as_array().unwrap().len(), 2);
    assert_eq!((v["frames"].as_u64(), v["connections_total"].as_u64()), (Some(12), Some(2)));
    let first = &v["connections"][0];
    assert_eq!(first["server"], "10.99.0.2:81");
    assert_eq!((first["rst"].as_bool(), first["incomplete"].as_bool()), (Some(true), Some(true)));
    let second = &v["connections"][1];
    assert_eq!(second["bytes"], serde_json::json!({"client": 47, "server": 53}));
    assert_eq!(second["last"], serde_json::json!({"client": "TIME-WAIT", "server": "CLOSED"}));
    assert_eq!(second["handshake_rtt"], 0.000035);
    assert!(v.get("connection").is_none());
    // One connection, with its ladder.
    let o = synack(&["import", &capture("two-interfaces.pcapng"), "--connection", "2", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["connections"].as_array().unwrap().len(), 1);
    assert_eq!(v["connection"]["server"], "10.99.0.2:80");
    assert_eq!(v["connection"]["states"][0]["to"], "SYN-SENT");
    assert_eq!(v["connection"]["segments"].as_array().unwrap().len(), 10);
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
    assert_eq!(v["connections"][0]["segments"], serde_json::json!({"client": 2, "server": 1}));
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
    refuses(&["import", &png, "--host", "example.org"], "--host: \"example.org\" is not an IPv4 or IPv6 address");
    refuses(
        &["import", &png, "--only", "slow"],
        "--only: \"slow\" is not rst, retrans, lost, zero-window or incomplete",
    );
    refuses(&["import", &png, "--port", "-1"], "--port: \"-1\" is not a whole number from 0 to 65535");
    std::fs::remove_dir_all(&dir).unwrap();
}
