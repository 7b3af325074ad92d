//! The `synack` command as a user runs it.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};

mod common;

use common::{refuses, stdout, synack};

fn json(args: &[&str]) -> serde_json::Value {
    let o = synack(args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn scenarios_lists_the_catalogue() {
    let text = stdout(&synack(&["scenarios"]));
    assert_eq!(text.lines().count(), 25);
    assert!(text.lines().any(|l| l.starts_with("old-duplicate-syn") && l.contains("An old duplicate SYN")));
    let list = json(&["scenarios", "--format", "json"]);
    assert_eq!(list.as_array().unwrap().len(), 25);
    assert_eq!(list[0]["id"], "three-way-handshake");
    assert_eq!(list[0]["title"], "Three-way handshake");
}

#[test]
fn every_scenario_prints_a_ladder() {
    let ids = stdout(&synack(&["scenarios"]));
    for id in ids.lines().map(|l| l.split_whitespace().next().unwrap()) {
        let o = synack(&["run", id]);
        assert!(o.status.success(), "{id}");
        let text = stdout(&o);
        assert!(text.starts_with(id), "{id}");
        assert!(text.contains("#1 SYN seq="), "{id}: no first SYN");
        assert!(text.contains("\nend: client "), "{id}");
    }
}

#[test]
fn the_ladder_shows_the_three_segments_and_both_states() {
    let text = stdout(&synack(&["run", "three-way-handshake", "--isn-client", "100", "--isn-server", "300"]));
    let line =
        |needle: &str| text.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no {needle}\n{text}"));
    assert!(line("#1 SYN seq=100 len=0").contains("SYN-SENT"));
    let synack = line("#2 SYN,ACK seq=300 ack=101 len=0");
    assert!(synack.contains("◀") && synack.contains("SYN-RECEIVED"));
    assert!(line("#3 ACK seq=101 ack=301 len=0").contains("▶"));
    assert!(text.contains("end: client ESTABLISHED · server ESTABLISHED"));
}

#[test]
fn relative_numbers_start_at_zero() {
    let text = stdout(&synack(&["run", "three-way-handshake", "--numbers", "relative"]));
    assert!(text.contains("#2 SYN,ACK seq=0 ack=1 len=0"), "{text}");
    assert!(text.contains("#3 ACK seq=1 ack=1 len=0"), "{text}");
    // An old duplicate is numbered from its own incarnation's ISN, as RFC 9293's
    // Fig. 8 draws it (SEQ=90, then ACK=91 and the RST's SEQ=91): never negative.
    let text = stdout(&synack(&["run", "old-duplicate-syn", "--numbers", "relative"]));
    assert!(text.contains("#2 SYN seq=0 len=0"), "{text}");
    assert!(text.contains("#3 SYN,ACK seq=0 ack=1 len=0"), "{text}");
    assert!(text.contains("#4 RST seq=1 len=0"), "{text}");
    // The crashed client's old connection is acknowledged from the old ISN.
    let text = stdout(&synack(&["run", "half-open", "--numbers", "relative"]));
    assert!(text.contains("#5 ACK seq=1 ack=1 len=0"), "{text}");
}

#[test]
fn no_relative_number_is_negative_anywhere_a_reader_can_go() {
    let ids = stdout(&synack(&["scenarios"]));
    let ids: Vec<&str> = ids.lines().filter_map(|l| l.split_whitespace().next()).filter(|w| w.contains('-')).collect();
    assert!(ids.len() >= 15, "{ids:?}");
    for id in ids {
        for handshake in ["two-way", "three-way", "four-way"] {
            for isn in ["0", "4294967295", "4294967200"] {
                let args = ["run", id, "--handshake", handshake, "--numbers", "relative", "--isn-client", isn];
                let text = stdout(&synack(&args));
                assert!(!text.contains("=-"), "{args:?}\n{text}");
            }
        }
    }
}

#[test]
fn json_trace_has_the_documented_shape() {
    let t =
        json(&["run", "three-way-handshake", "--format", "json", "--isn-client", "4294967295", "--isn-server", "7"]);
    assert_eq!(t["scenario"], "three-way-handshake");
    assert_eq!(t["handshake"], "three-way");
    let events = t["events"].as_array().unwrap();
    let sends: Vec<_> = events.iter().filter(|e| e["kind"] == "send").collect();
    assert_eq!(sends.len(), 3);
    let seg = |i: usize| &sends[i]["segment"];
    assert_eq!((seg(0)["seq"].as_u64(), seg(0)["ack"].is_null()), (Some(4294967295), true));
    assert_eq!(seg(0)["flags"], serde_json::json!(["SYN"]));
    assert_eq!(seg(1)["flags"], serde_json::json!(["SYN", "ACK"]));
    assert_eq!(seg(1)["ack"], 0, "ISN 4294967295 is acknowledged with 0");
    assert_eq!((seg(2)["seq"].as_u64(), seg(2)["ack"].as_u64()), (Some(0), Some(8)));
    assert_eq!(seg(2)["len"], 0);
    assert_eq!(seg(2)["window"], 65535);
    for e in events {
        assert!(e["t_us"].is_u64() && e["side"].is_string() && e["kind"].is_string(), "{e}");
    }
    let state = events.iter().find(|e| e["kind"] == "state").unwrap();
    assert_eq!(
        (state["side"].as_str(), state["from"].as_str(), state["to"].as_str()),
        (Some("server"), Some("CLOSED"), Some("LISTEN"))
    );
    assert!(state["reason"].as_str().unwrap().ends_with('.'));
    assert_eq!(state["rfc"], "RFC 9293 §3.10.1");
}

#[test]
fn old_duplicate_syn_two_way_versus_three_way() {
    let states_of = |t: &serde_json::Value, side: &str| -> Vec<String> {
        t["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "state" && e["side"] == side)
            .map(|e| e["to"].as_str().unwrap().to_string())
            .collect()
    };
    let two = json(&["run", "old-duplicate-syn", "--handshake", "two-way", "--format", "json"]);
    assert_eq!(two["outcome"]["server"], "ESTABLISHED");
    assert_eq!(two["outcome"]["client"], "CLOSED");
    assert_eq!(two["outcome"]["facts"][0]["key"], "server-holds-unwanted-connection");
    assert_eq!(states_of(&two, "server"), ["LISTEN", "ESTABLISHED"]);

    let three = json(&["run", "old-duplicate-syn", "--handshake", "three-way", "--format", "json"]);
    let rst = three["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "send" && e["segment"]["flags"] == serde_json::json!(["RST"]));
    let rst = rst.expect("the client resets the stale connection");
    assert_eq!(rst["side"], "client");
    assert_eq!(rst["segment"]["seq"], 91);
    assert_eq!(states_of(&three, "server"), ["LISTEN", "SYN-RECEIVED", "LISTEN", "SYN-RECEIVED", "ESTABLISHED"]);

    let text = stdout(&synack(&["run", "old-duplicate-syn", "--handshake", "two-way"]));
    assert!(text.contains("end: client CLOSED · server ESTABLISHED"));
    assert!(text.contains("no client asked for"));
}

#[test]
fn with_tcp_s_syn_sent_rule_the_two_way_client_resets_and_the_listener_survives() {
    // --unexpected-answer reset: the two-way client answers the SYN,ACK of a SYN it
    // never sent with <SEQ=SEG.ACK><CTL=RST>. The reset deletes the server's
    // committed connection, not its listening socket: the client's own SYN is then
    // answered (before the listener was modelled, the server was left CLOSED and
    // refused it).
    let two = json(&[
        "run",
        "old-duplicate-syn",
        "--handshake",
        "two-way",
        "--unexpected-answer",
        "reset",
        "--format",
        "json",
    ]);
    let events = two["events"].as_array().unwrap();
    let server: Vec<&str> = events
        .iter()
        .filter(|e| e["kind"] == "state" && e["side"] == "server")
        .map(|e| e["to"].as_str().unwrap())
        .collect();
    assert_eq!(server, ["LISTEN", "ESTABLISHED", "CLOSED", "LISTEN", "ESTABLISHED"]);
    let told: Vec<&str> = events
        .iter()
        .filter(|e| e["kind"] == "app" && e["side"] == "server")
        .filter_map(|e| e["note"].as_str())
        .collect();
    assert_eq!(
        told,
        ["connected", "reset", "connected"],
        "the server's application accepted a connection nobody wanted"
    );
    assert_eq!(
        (two["outcome"]["client"].as_str(), two["outcome"]["server"].as_str()),
        (Some("ESTABLISHED"), Some("ESTABLISHED"))
    );
    assert!(!events.iter().any(|e| e["kind"] == "app" && e["do"] == "listen" && e["t_us"].as_u64() > Some(0)));
    refuses(
        &["run", "old-duplicate-syn", "--unexpected-answer", "shrug"],
        "synack: --unexpected-answer: \"shrug\" is not a rule; use ignore or reset\n",
    );
}

#[test]
fn a_crash_is_the_host_stopping_and_a_reset_leaves_the_listener_listening() {
    let text = stdout(&synack(&["run", "half-open"]));
    assert!(text.contains("host crashes"), "{text}");
    assert!(!text.contains("crash()"), "a crash is not an application call\n{text}");
    assert_eq!(text.matches("listen()").count(), 1, "the server listens once\n{text}");
    assert!(text.contains("ESTABLISHED → CLOSED") && text.contains("CLOSED → LISTEN"), "{text}");
}

#[test]
fn symbolic_numbers_read_as_a_textbook_draws_them() {
    // Issue 13: seq=x, ack=x+1 as textbooks and the blogs that follow them write it;
    // a later incarnation (the crashed client's new connection) is x′.
    let text = stdout(&synack(&["run", "half-open", "--numbers", "symbolic"]));
    for line in [
        "#1 SYN seq=x len=0",
        "#2 SYN,ACK seq=y ack=x+1 len=0",
        "#3 ACK seq=x+1 ack=y+1 len=0",
        "#4 SYN seq=x′ len=0",
        "#5 ACK seq=y+1 ack=x+1 len=0",
        "#6 RST seq=x+1 len=0",
        "#8 SYN,ACK seq=y′ ack=x′+1 len=0",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    // Everywhere a reader can go, a symbolic number is a letter, primes and +n, or
    // the number as sent (a big one here, or a closed port's RST's SEQ=0): never
    // negative, never a bare relative number.
    for id in ["old-duplicate-syn", "full-lifecycle", "simultaneous-open", "connection-refused", "half-close"] {
        for hs in ["two-way", "three-way", "four-way"] {
            let text =
                stdout(&synack(&["run", id, "--handshake", hs, "--numbers", "symbolic", "--isn-client", "4294967290"]));
            for word in text.split_whitespace().filter(|w| w.starts_with("seq=") || w.starts_with("ack=")) {
                let v = &word[4..];
                let ok = v.chars().all(|c| c.is_ascii_digit()) && (v.len() >= 3 || v == "0")
                    || (v.starts_with('x') || v.starts_with('y'))
                        && v[1..]
                            .trim_start_matches('′')
                            .strip_prefix('+')
                            .map_or(v[1..].trim_start_matches('′').is_empty(), |n| {
                                n.parse::<u32>().is_ok_and(|n| n > 0)
                            });
                assert!(ok, "{id} {hs}: {word}");
            }
        }
    }
}

#[test]
fn drop_makes_tcp_retransmit() {
    let t = json(&["run", "three-way-handshake", "--drop", "1", "--format", "json"]);
    let events = t["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["kind"] == "drop" && e["id"] == 1 && e["cause"] == "scripted"));
    let syns: Vec<_> =
        events.iter().filter(|e| e["kind"] == "send" && e["segment"]["flags"] == serde_json::json!(["SYN"])).collect();
    assert_eq!(syns.len(), 2);
    assert_eq!(syns[0]["segment"]["seq"], syns[1]["segment"]["seq"]);
    assert_eq!(syns[1]["t_us"], 1_000_000);
    assert_eq!(syns[1]["retransmission"], true);
}

#[test]
fn scenario_files_run_and_bad_ones_are_refused() {
    let dir = std::env::temp_dir().join(format!("synack-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    std::fs::write(&good, r#"{"client":{"isn":10},"server":{"isn":20},"actions":[{"side":"server","do":"listen"},{"side":"client","do":"connect"}]}"#).unwrap();
    let t = json(&["run", "--scenario-file", good.to_str().unwrap(), "--format", "json"]);
    assert_eq!(t["scenario"], "custom");
    assert_eq!(t["outcome"]["client"], "ESTABLISHED");

    let write = |name: &str, body: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p.to_str().unwrap().to_string()
    };
    refuses(
        &["run", "--scenario-file", &write("trunc.json", b"{\"actions\": [")],
        "trunc.json: line 1, column 14: the text ends where a value should be",
    );
    refuses(
        &["run", "--scenario-file", &write("typo.json", br#"{"actions":[],"netwrok":{}}"#)],
        "typo.json: unknown field `netwrok` at the top level",
    );
    refuses(&["run", "--scenario-file", &write("binary.json", &[0xff, 0xfe, 0, 1, 2])], "not UTF-8 text");
    refuses(
        &[
            "run",
            "--scenario-file",
            &write("loss.json", br#"{"network":{"link":{"loss":1.5}},"actions":[{"side":"client","do":"connect"}]}"#),
        ],
        "invalid scenario: network.link.loss must be a probability between 0 and 1",
    );
    refuses(
        &[
            "run",
            "--scenario-file",
            &write("when.json", br#"{"actions":[{"side":"client","do":"connect","when":"tomorrow"}]}"#),
        ],
        "when.json: actions[0].when: `tomorrow` is not one of start, established, peer-closed, closed",
    );
    refuses(&["run", "--scenario-file", dir.join("missing.json").to_str().unwrap()], "no such file");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_scenario_can_come_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["run", "--scenario-file", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(br#"{"actions":[{"side":"client","do":"connect"}]}"#).unwrap();
    let out = child.wait_with_output().unwrap();
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(t["outcome"]["facts"][0]["key"], "refused");
}

#[test]
fn bad_flags_get_one_clear_line() {
    refuses(&["run", "no-such-scenario"], "unknown scenario \"no-such-scenario\"; `synack scenarios` lists them");
    refuses(
        &["run", "syn-lost", "--isn-client", "-1"],
        "--isn-client: \"-1\" is not a whole number from 0 to 4294967295",
    );
    refuses(&["run", "syn-lost", "--isn-server", "99999999999"], "--isn-server: \"99999999999\" is not a whole number");
    refuses(&["run", "syn-lost", "--seed", "abc"], "--seed: \"abc\" is not a whole number");
    refuses(&["run", "syn-lost", "--drop", "0"], "--drop: segments are numbered from 1");
    refuses(&["run", "syn-lost", "--handshake", "one-way"], "is not a handshake");
    refuses(&["run", "syn-lost", "--format", "xml"], "--format: \"xml\" is not text or json");
    refuses(&["run"], "run needs a scenario id");
    refuses(&["run", "syn-lost", "--scenario-file", "x.json"], "not both");
    refuses(&["fly"], "unknown command \"fly\"");
}

#[test]
fn help_and_version() {
    assert!(stdout(&synack(&["--help"])).contains("synack run ID [options]"));
    assert!(stdout(&synack(&[])).contains("Usage:"));
    assert!(stdout(&synack(&["--version"])).starts_with("synack 0."));
}

#[test]
fn variants_compare_one_scenario_with_itself_changed() {
    // Without TIME-WAIT, the lost final ACK's FIN meets a closed port: a reset.
    let text = stdout(&synack(&["run", "final-ack-lost", "--variant", "no-time-wait"]));
    assert!(text.contains("waits 0 s (a counterfactual: no TIME-WAIT)"), "{text}");
    assert!(!text.contains("2×MSL"), "a TIME-WAIT of no time is not 2×MSL\n{text}");
    let trace = json(&["run", "final-ack-lost", "--variant", "no-time-wait", "--format", "json"]);
    let events = trace["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["reason_key"] == "time-wait-skipped"));
    let last = events.iter().rev().find(|e| e["kind"] == "send").unwrap();
    assert_eq!((last["side"].as_str(), last["segment"]["flags"][0].as_str()), (Some("client"), Some("RST")));
    // abort() instead of close(): the first segment to end the connection is a RST.
    let trace = json(&["run", "four-way-teardown", "--variant", "abort", "--format", "json"]);
    let ends = trace["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "send")
        .map(|e| e["segment"]["flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect::<Vec<_>>())
        .find(|f| f.contains(&"FIN") || f.contains(&"RST"))
        .unwrap();
    assert_eq!(ends, ["RST", "ACK"]);
    // Linux's defaults: every option in the SYN, 40 bytes of header.
    let trace = json(&["run", "three-way-handshake", "--variant", "linux", "--format", "json"]);
    assert_eq!(
        trace["events"].as_array().unwrap().iter().find(|e| e["kind"] == "send").unwrap()["segment"]["header"]["len"],
        40
    );
    refuses(
        &["run", "connect-timeout", "--variant", "abort"],
        "synack: --variant abort: the scenario never calls close(), so it would change nothing\n",
    );
    refuses(
        &["run", "three-way-handshake", "--variant", "isn-clock"],
        "synack: --variant isn-clock: no host but the client meets the listener (the hash is counted from the client's port), so it would change nothing\n",
    );
    refuses(
        &["run", "final-ack-lost", "--variant", "shrug"],
        "synack: --variant: \"shrug\" is not a variant; use linux, no-time-wait, abort or isn-clock\n",
    );
}
