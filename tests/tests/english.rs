//! One source for every English sentence the engine speaks. The engine writes its
//! reasons, outcome facts and catalogue titles and summaries in Rust (the CLI and
//! the JSON trace show them); the element shows the same sentences from
//! www/synack/i18n/en.js, by key, so that its wasm carries no prose. The two are
//! kept word for word alike by this test rather than generated one from the other,
//! so that www/ stays plain modules a reader can open without a build: change a
//! sentence in one place and this test names the other.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use synack_core::endpoint::AppError;
use synack_core::trace::Fact;
use synack_core::{catalogue, Reason};

/// en.js and more-en.js (the rarer reasons and facts, a chunk of their own), one after the other.
fn en_js() -> String {
    ["en.js", "more-en.js"]
        .map(|file| {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www/synack/i18n").join(file);
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        })
        .join("\n")
}

/// The entries of `export const NAME = {` … `};`, each written on one line as
/// `"key": VALUE,` with a JSON value (a string, or an array of strings).
/// A table split over two files has two blocks: their entries together.
fn table(src: &str, name: &str) -> BTreeMap<String, Value> {
    let open = format!("export const {name} = {{\n");
    let blocks: Vec<&str> = src
        .match_indices(&open)
        .map(|(start, _)| {
            let body = &src[start + open.len()..];
            &body[..body.find("\n};").unwrap_or_else(|| panic!("en.js `{name}` is not closed by a line `}};`"))]
        })
        .collect();
    assert!(!blocks.is_empty(), "en.js has no `{open}`");
    let mut entries = BTreeMap::new();
    for line in blocks.iter().flat_map(|b| b.lines()).map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//")) {
        let entry: Option<(String, Value)> = line.strip_suffix(',').and_then(|l| {
            let (key, value) = l.split_once("\": ")?;
            Some((serde_json::from_str(&format!("{key}\"")).ok()?, serde_json::from_str(value).ok()?))
        });
        let (key, value) = entry.unwrap_or_else(|| {
            panic!("en.js `{name}`: this test reads one `\"key\": \"text\",` per line, not: {line}")
        });
        entries.insert(key, value);
    }
    entries
}

/// Each key whose English differs, with both texts.
fn differences(name: &str, rust: &[(&str, Value)], js: &BTreeMap<String, Value>) -> Vec<String> {
    rust.iter()
        .filter(|(key, text)| js.get(*key) != Some(text))
        .map(|(key, text)| {
            format!("{name} `{key}`:\n  Rust:  {text}\n  en.js: {}", js.get(*key).unwrap_or(&Value::Null))
        })
        .collect()
}

#[test]
fn en_js_says_what_the_engine_says_word_for_word() {
    let src = en_js();
    let reasons: Vec<(&str, Value)> = Reason::ALL.iter().map(|r| (r.key(), r.text().into())).collect();
    let facts: Vec<(&str, Value)> = Fact::ALL.iter().map(|f| (f.key(), f.text().into())).collect();
    let scenarios: Vec<(&str, Value)> =
        catalogue::ENTRIES.iter().map(|e| (e.id, Value::from(vec![e.title(), e.summary()]))).collect();
    // The application errors are RFC 9293's own words, shown as they are.
    let app_errors: Vec<(&str, Value)> =
        [AppError::ConnectionExists, AppError::ConnectionDoesNotExist, AppError::ConnectionClosing]
            .iter()
            .map(|e| (e.message(), e.message().into()))
            .collect();
    let mut problems = Vec::new();
    for (name, rust) in
        [("reasons", &reasons), ("facts", &facts), ("scenarios", &scenarios), ("appErrors", &app_errors)]
    {
        // (A scenario of the full engine has its title and summary in more-en.js,
        // whose tables `table` reads together with en.js's.)
        let js = table(&src, name);
        problems.extend(differences(name, rust, &js));
        // Nothing in en.js that the engine no longer says.
        let extra: Vec<&String> = js.keys().filter(|k| !rust.iter().any(|(key, _)| key == k)).collect();
        if !extra.is_empty() {
            problems.push(format!("en.js `{name}` has keys the engine does not produce: {extra:?}"));
        }
    }
    assert!(problems.is_empty(), "English differs between Rust and www/synack/i18n/en.js:\n{}", problems.join("\n"));
}

#[test]
fn the_reader_catches_a_changed_word() {
    // The comparison itself: one changed word is one difference, named by key.
    let js = table("export const facts = {\n  \"closed\": \"Both sides closed it.\",\n};\n", "facts");
    let rust = [("closed", Value::from(Fact::Closed.text()))];
    let found = differences("facts", &rust, &js);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("facts `closed`"), "{found:?}");
}
