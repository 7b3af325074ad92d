//! What the CLI tests share: running `synack`, and the shape of a refusal.

#![allow(dead_code, clippy::unwrap_used)]

use std::process::{Command, Output};

pub fn synack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack")).args(args).output().expect("synack runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Bad input: exit status 2 and exactly one line on stderr, which says `expected`.
pub fn refuses(args: &[&str], expected: &str) {
    let o = synack(args);
    let err = String::from_utf8(o.stderr.clone()).unwrap();
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.contains(expected), "{args:?}: {err}");
    assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
    assert!(o.stdout.is_empty());
}
