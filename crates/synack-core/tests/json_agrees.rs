//! The scenario JSON reader (`synack_core::json`) against serde_json, on documents
//! built with JSON's structure: nested objects and arrays, numbers with fractions and
//! exponents, every escape, surrogate pairs and lone surrogates, repeated field names,
//! and the same documents with a byte cut, doubled or changed. Where serde_json reads
//! a document, ours reads the same value or refuses it for one of its two documented
//! reasons (a field named twice, more than 32 levels); where serde_json refuses, ours
//! refuses too.

use proptest::prelude::*;
use synack_core::json::{self, Value};

/// A generated document and what it is known to contain.
#[derive(Clone, Debug)]
struct Doc {
    text: String,
    /// Some object names a field twice.
    duplicate: bool,
    /// Nesting depth (a scalar is 0).
    depth: usize,
    /// It holds something JSON forbids (a lone surrogate, a raw control character).
    invalid: bool,
}

fn ws() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "", "", " ", "\n", "\t", "\r\n  "]).prop_map(String::from)
}

fn number() -> impl Strategy<Value = String> {
    let int = prop_oneof![
        Just("0".to_string()),
        "[1-9][0-9]{0,3}",
        "[1-9][0-9]{17,25}", // around and past u64
    ];
    let frac = prop::option::of("[0-9]{1,20}");
    let exp = prop::option::of((
        prop::sample::select(vec!["e", "E"]),
        prop::sample::select(vec!["", "+", "-"]),
        prop_oneof!["[0-9]{1,3}", Just("2147483648".to_string()), Just("0000000000000000000001".to_string())],
    ));
    (any::<bool>(), int, frac, exp).prop_map(|(neg, i, f, e)| {
        let mut s = String::new();
        if neg {
            s.push('-');
        }
        s.push_str(&i);
        if let Some(f) = f {
            s.push('.');
            s.push_str(&f);
        }
        if let Some((e, sign, d)) = e {
            s.push_str(e);
            s.push_str(sign);
            s.push_str(&d);
        }
        s
    })
}

/// A string literal built from pieces; `invalid` when a piece is one JSON forbids.
fn string_lit() -> impl Strategy<Value = (String, bool)> {
    let piece = prop_oneof![
        6 => any::<char>().prop_filter("plain", |c| *c != '"' && *c != '\\' && *c >= ' ').prop_map(|c| (c.to_string(), false)),
        2 => prop::sample::select(vec!["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"]).prop_map(|e| (e.to_string(), false)),
        2 => (0u32..0x10000).prop_filter("not a surrogate", |c| !(0xD800..0xE000).contains(c))
            .prop_map(|c| (format!("\\u{c:04x}"), false)),
        1 => (0xD800u32..0xDC00, 0xDC00u32..0xE000).prop_map(|(h, l)| (format!("\\u{h:04X}\\u{l:04x}"), false)),
        // A lone surrogate is followed by a plain letter, so that the next piece cannot pair it.
        1 => (0xD800u32..0xE000).prop_map(|c| (format!("\\u{c:04x}x"), true)),
        1 => (0xDC00u32..0xE000, 0xD800u32..0xDC00).prop_map(|(l, h)| (format!("\\u{l:04x}\\u{h:04x}x"), true)),
        1 => (0u8..0x20).prop_map(|c| ((c as char).to_string(), true)),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|ps| {
        let invalid = ps.iter().any(|p| p.1);
        (format!("\"{}\"", ps.into_iter().map(|p| p.0).collect::<String>()), invalid)
    })
}

fn scalar() -> impl Strategy<Value = Doc> {
    prop_oneof![
        prop::sample::select(vec!["null", "true", "false"]).prop_map(|w| (w.to_string(), false)),
        number().prop_map(|n| (n, false)),
        string_lit(),
    ]
    .prop_map(|(text, invalid)| Doc { text, duplicate: false, depth: 0, invalid })
}

fn doc() -> impl Strategy<Value = Doc> {
    scalar().prop_recursive(40, 200, 6, |inner| {
        prop_oneof![
            (prop::collection::vec((inner.clone(), ws()), 0..6), ws()).prop_map(|(items, w)| {
                let text = items.iter().map(|(d, w)| format!("{w}{}{w}", d.text)).collect::<Vec<_>>().join(",");
                Doc {
                    text: format!("[{text}{w}]"),
                    duplicate: items.iter().any(|(d, _)| d.duplicate),
                    depth: 1 + items.iter().map(|(d, _)| d.depth).max().unwrap_or(0),
                    invalid: items.iter().any(|(d, _)| d.invalid),
                }
            }),
            // Keys from a small pool, so that the same name comes twice now and then.
            prop::collection::vec(
                (prop::sample::select(vec!["a", "b", "c", "d", "e", "f", "g", "\\u0061", "é"]), inner),
                0..5
            )
            .prop_map(|members| {
                // `\u0061` is "a" written another way: a duplicate all the same.
                let norm = |k: &str| if k == "\\u0061" { "a".to_string() } else { k.to_string() };
                let mut names: Vec<String> = members.iter().map(|(k, _)| norm(k)).collect();
                names.sort();
                let dup_here = names.windows(2).any(|w| w[0] == w[1]);
                let text = members.iter().map(|(k, d)| format!("\"{k}\" : {}", d.text)).collect::<Vec<_>>().join(",");
                Doc {
                    text: format!("{{{text}}}"),
                    duplicate: dup_here || members.iter().any(|(_, d)| d.duplicate),
                    depth: 1 + members.iter().map(|(_, d)| d.depth).max().unwrap_or(0),
                    invalid: members.iter().any(|(_, d)| d.invalid),
                }
            }),
        ]
    })
}

// One comparison for this test and the fuzz target (fuzz/fuzz_targets/scenario_json.rs).
include!("agree/same.rs");

/// The agreement itself, for one text.
fn agree(text: &str) -> Result<(), String> {
    let ours = json::parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) if same(a, b) => Ok(()),
        (Ok(a), Ok(b)) => Err(format!("different values: ours {a:?}, serde_json {b}")),
        (Ok(_), Err(e)) => Err(format!("ours accepts what serde_json refuses ({e})")),
        (Err(m), Ok(_)) if m.contains("appears twice") || m.contains("levels deep") => Ok(()),
        (Err(m), Ok(_)) => Err(format!("ours refuses what serde_json reads: {m}")),
        (Err(m), Err(_)) if m.contains('\n') => Err(format!("a message of two lines: {m:?}")),
        (Err(_), Err(_)) => Ok(()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn valid_documents_read_alike(d in doc(), w1 in ws(), w2 in ws()) {
        let text = format!("{w1}{}{w2}", d.text);
        agree(&text).map_err(TestCaseError::fail)?;
        let ours = json::parse(&text);
        // Beyond agreeing: what the generator knows about the document decides.
        if d.invalid {
            prop_assert!(ours.is_err(), "accepted a forbidden string: {text}");
        } else if d.duplicate {
            prop_assert!(ours.is_err(), "a field named twice was accepted: {text}");
        } else if d.depth <= 32 && serde_json::from_str::<serde_json::Value>(&text).is_ok() {
            prop_assert!(ours.is_ok(), "{ours:?} for {text}");
        }
    }

    #[test]
    fn damaged_documents_refused_alike(d in doc(), at in any::<prop::sample::Index>(), how in 0u8..4, with in any::<char>()) {
        let mut chars: Vec<char> = d.text.chars().collect();
        let i = at.index(chars.len() + 1);
        match how {
            0 => { chars.truncate(i); }
            1 if i < chars.len() => { chars.remove(i); }
            2 => chars.insert(i, with),
            _ if i < chars.len() => { let c = chars[i]; chars.insert(i, c); }
            _ => chars.push(with),
        }
        let text: String = chars.into_iter().collect();
        agree(&text).map_err(TestCaseError::fail)?;
    }
}

/// Documents written out, that once went wrong or easily could.
#[test]
fn written_cases_read_alike() {
    for text in [
        "0e-2147483648",
        "-0",
        "-0.0e+0",
        "1E400",
        "123456789012345678901234567890",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "\"\\ud83d\\ude00\"",
        "\"\\ud83d\"",
        "\"\\ude00\\ud83d\"",
        "\"\\u00e9\\/\"",
        "[1,]",
        "{\"a\":1,}",
        "01",
        "1.",
        ".5",
        "+1",
        "1e",
        "\"\u{7f}\"",
        " \u{feff}1",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "nul",
        "truefalse",
    ] {
        assert_eq!(agree(text), Ok(()), "{text}");
    }
}
