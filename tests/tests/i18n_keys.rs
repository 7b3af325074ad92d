//! The element's string tables (www/synack/i18n/*.js) speak for the engine: its
//! trace carries only keys (reason keys, outcome fact keys, catalogue ids), and the
//! element renders each from a table. A key missing from a language would show
//! up as a bare key, or as nothing, on a reader's page; this test fails first, so a
//! new reason, fact or scenario can never ship untranslated.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use synack_core::trace::Fact;
use synack_core::{catalogue, Reason, State};

const LANGUAGES: &[&str] = &["en", "zh-CN"];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> String {
    let path = repo().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    // A language's rarer reasons and facts are a chunk of their own, more-LANG.js.
    match rel.strip_prefix("www/synack/i18n/") {
        Some(file) if !file.starts_with("more-") => text + "\n" + &read(&format!("www/synack/i18n/more-{file}")),
        _ => text,
    }
}

/// The text of every `export const NAME = {` block, each up to its first line that is exactly `};`.
fn table(src: &str, lang: &str, name: &str) -> String {
    let open = format!("export const {name} = {{");
    let blocks: Vec<&str> = src
        .match_indices(&open)
        .map(|(start, _)| {
            let body = &src[start + open.len()..];
            let end =
                body.find("\n};").unwrap_or_else(|| panic!("i18n/{lang}.js: `{name}` is not closed by a line `}};`"));
            &body[..end]
        })
        .collect();
    assert!(!blocks.is_empty(), "i18n/{lang}.js has no `{open}`");
    blocks.join("\n")
}

/// The keys a table lacks: each must appear as `"key":` at the start of a line.
fn missing(table: &str, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .filter(|k| !table.lines().any(|l| l.trim_start().starts_with(&format!("\"{k}\":"))))
        .map(|k| (*k).to_string())
        .collect()
}

#[test]
fn every_language_names_every_reason_fact_scenario_and_state() {
    let reasons: Vec<&str> = Reason::ALL.iter().map(|r| r.key()).collect();
    let facts: Vec<&str> = Fact::ALL.iter().map(|f| f.key()).collect();
    let ids: Vec<&str> = catalogue::ENTRIES.iter().map(|e| e.id).collect();
    let states: Vec<&str> = State::ALL.iter().map(|s| s.name()).collect();
    let mut problems = Vec::new();
    for lang in LANGUAGES {
        let src = read(&format!("www/synack/i18n/{lang}.js"));
        for (name, keys) in [("reasons", &reasons), ("facts", &facts), ("scenarios", &ids), ("states", &states)] {
            let gaps = missing(&table(&src, lang, name), keys);
            if !gaps.is_empty() {
                problems.push(format!("i18n/{lang}.js `{name}` lacks {gaps:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "untranslated keys:\n{}", problems.join("\n"));
}

#[test]
fn the_languages_have_the_same_tables_and_keys() {
    // What one language says, the other says too: same tables, same keys.
    let keys_of = |lang: &str, name: &str| -> Vec<String> {
        let src = read(&format!("www/synack/i18n/{lang}.js"));
        let mut keys: Vec<String> = table(&src, lang, name)
            .lines()
            .filter_map(|l| {
                let l = l.trim_start();
                let quoted = l.strip_prefix('"').and_then(|r| r.split_once("\":")).map(|(k, _)| k);
                let bare = l.split_once(':').map(|(k, _)| k).filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric()));
                quoted.or(bare).filter(|k| !k.is_empty()).map(str::to_string)
            })
            .collect();
        keys.sort();
        keys
    };
    for name in ["ui", "errors", "modes", "states", "reasons", "facts", "scenarios", "appErrors", "marks", "say"] {
        let en = keys_of("en", name);
        assert!(!en.is_empty(), "en `{name}` is empty");
        for lang in &LANGUAGES[1..] {
            assert_eq!(keys_of(lang, name), en, "{lang} `{name}` has other keys than en");
        }
    }
}

#[test]
fn chinese_tables_use_the_textbook_terms() {
    // The words a Chinese reader knows from the textbooks, where the element uses them.
    let src = read("www/synack/i18n/zh-CN.js");
    let scenarios = table(&src, "zh-CN", "scenarios");
    for (id, term) in [
        ("three-way-handshake", "三次握手"),
        ("four-way-teardown", "四次挥手"),
        ("half-close", "半关闭"),
        ("old-duplicate-syn", "已失效的连接请求报文段"),
    ] {
        let line = scenarios.lines().find(|l| l.trim_start().starts_with(&format!("\"{id}\":"))).unwrap();
        assert!(line.contains(term), "{id} should be called {term}: {line}");
    }
    let modes = table(&src, "zh-CN", "modes");
    assert!(modes.contains("\"two-way\": \"两次握手\""), "two-way is 两次握手");
}
