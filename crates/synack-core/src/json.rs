//! A small JSON reader for scenario files (RFC 8259).
//!
//! The command line and the browser read scenarios with this one reader, so a
//! file means the same in both. It is written by hand because a generic
//! deserializer would add about 100 KB to the module a reader downloads.
//! Input size and nesting depth are bounded; every error names where it is.

use crate::prelude::*;
use alloc::collections::BTreeSet;

/// The largest scenario text accepted (generous: actions may carry 1 MiB of text).
pub const MAX_INPUT: usize = 4 << 20;
const MAX_DEPTH: usize = 32;

/// A parsed JSON value. Numbers keep their text, so that integers are read
/// exactly whatever their size.
#[derive(Clone, PartialEq, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Value>),
    /// Members in document order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// What a value is, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "true or false",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// Parses one JSON document. The error reads "line L, column C: what is wrong".
pub fn parse(text: &str) -> Result<Value, String> {
    if text.len() > MAX_INPUT {
        return Err(format!("the text is {} bytes; at most {MAX_INPUT} are read", text.len()));
    }
    let mut p = Parser { s: text.as_bytes(), i: 0 };
    let v = p.value(0).map_err(|m| p.at(&m))?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.at("unexpected text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn at(&self, msg: &str) -> String {
        let before = &self.s[..self.i.min(self.s.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        format!("line {line}, column {col}: {msg}")
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8, what: &str) -> Result<(), String> {
        match self.peek() {
            Some(c) if c == b => {
                self.i += 1;
                Ok(())
            }
            Some(_) => Err(format!("expected {what}")),
            None => Err(format!("the text ends where {what} should be")),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        match self.peek() {
            None => Err("the text ends where a value should be".into()),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err("expected a value (an object, array, string, number, true, false or null)".into()),
        }
    }

    fn word(&mut self, w: &str, v: Value) -> Result<Value, String> {
        if self.s[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(v)
        } else {
            Err("expected a value (an object, array, string, number, true, false or null)".into())
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, String> {
        self.i += 1;
        let mut members: Vec<(String, Value)> = Vec::new();
        // The keys so far, to find a duplicate in O(log n) rather than by a scan.
        let mut seen: BTreeSet<String> = BTreeSet::new();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Value::Object(members));
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err("expected a field name in double quotes".into());
            }
            let key = self.string()?;
            if !seen.insert(key.clone()) {
                return Err(format!("the field `{key}` appears twice"));
            }
            self.eat(b':', "':'")?;
            let v = self.value(depth + 1)?;
            members.push((key, v));
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(members));
                }
                Some(_) => return Err("expected ',' or '}'".into()),
                None => return Err("the text ends inside an object".into()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.i += 1;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                Some(_) => return Err("expected ',' or ']'".into()),
                None => return Err("the text ends inside an array".into()),
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The input is a &str and we stopped at ASCII bytes, so this is whole UTF-8.
            out.push_str(core::str::from_utf8(&self.s[start..self.i]).map_err(|_| "invalid UTF-8")?);
            match self.s.get(self.i) {
                None => return Err("the text ends inside a string".into()),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = match self.s.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        _ => return Err("unknown escape in a string".into()),
                    };
                    self.i += 1;
                    out.push(c);
                }
                Some(_) => return Err("a control character inside a string (write it as \\n, \\t or \\u00XX)".into()),
            }
        }
    }

    /// `\uXXXX`, with surrogate pairs; leaves `i` on the last hex digit.
    fn unicode_escape(&mut self) -> Result<char, String> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.s.get(self.i + 1..self.i + 3) != Some(b"\\u") {
                return Err("a lone surrogate in a \\u escape".into());
            }
            self.i += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err("a lone surrogate in a \\u escape".into());
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| "a lone surrogate in a \\u escape".into())
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self.s.get(self.i + 1..self.i + 5).ok_or("a \\u escape needs four hex digits")?;
        let mut n = 0;
        for &d in digits {
            n = n * 16 + (d as char).to_digit(16).ok_or("a \\u escape needs four hex digits")?;
        }
        self.i += 4;
        Ok(n)
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        let digits = |p: &mut Parser<'_>| {
            let from = p.i;
            while p.s.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i > from
        };
        if self.s[self.i] == b'-' {
            self.i += 1;
        }
        let int_start = self.i;
        if !digits(self) {
            return Err("a number needs digits".into());
        }
        if self.s[int_start] == b'0' && self.i - int_start > 1 {
            return Err("a number cannot start with 0".into());
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return Err("a number needs digits after the decimal point".into());
            }
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if !digits(self) {
                return Err("a number needs digits in its exponent".into());
            }
        }
        let text = core::str::from_utf8(&self.s[start..self.i]).map_err(|_| "invalid UTF-8")?;
        // A number no double can hold (`1e400`) is refused here, as serde_json and
        // JavaScript's JSON.parse (which reads it as Infinity) do not read it either.
        if text.parse::<f64>().map_or(true, f64::is_infinite) {
            self.i = start;
            return Err("a number out of range (larger than a double holds)".into());
        }
        Ok(Value::Number(text.to_string()))
    }
}

/// A JSON number's text as sign, mantissa and power of ten: `-0.25e1` is
/// `(true, 25, -1)`. `None` when the digits do not fit a `u64` exactly.
fn scan(text: &str) -> Option<(bool, u64, i32)> {
    let mut b = text.as_bytes();
    let neg = b.first() == Some(&b'-');
    if neg {
        b = &b[1..];
    }
    let (mut m, mut exp, mut frac) = (0u64, 0i32, false);
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                m = m.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
                exp -= i32::from(frac);
            }
            b'.' => frac = true,
            _ => break,
        }
        i += 1;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        // Saturating: an exponent past ±2^31 only matters for zero, which it leaves zero;
        // any other mantissa is then far out of range whichever way it saturates.
        let (neg_e, digits) = match b.get(i + 1) {
            Some(b'-') => (true, &b[i + 2..]),
            Some(b'+') => (false, &b[i + 2..]),
            _ => (false, &b[i + 1..]),
        };
        let mut e: i32 = 0;
        for &c in digits {
            if !c.is_ascii_digit() {
                return None;
            }
            e = e.saturating_mul(10).saturating_add(i32::from(c - b'0'));
        }
        exp = exp.saturating_add(if neg_e { -e } else { e });
    }
    Some((neg, m, exp))
}

/// Reads a JSON number's text as a whole number and its sign: `5`, `-3`, `5.0`
/// and `5e3` are whole, `5.5` is not, and neither is anything beyond `u64`.
pub fn whole_number(text: &str) -> Option<(bool, u64)> {
    let (neg, mut m, mut exp) = scan(text)?;
    if m == 0 {
        // Zero whatever the exponent: the loops below would spin |exp| times on it.
        return Some((false, 0));
    }
    // Each turn of either loop takes or adds a decimal digit of a u64: at most 20 turns.
    while exp < 0 {
        if m % 10 != 0 {
            return None;
        }
        m /= 10;
        exp += 1;
    }
    while exp > 0 && m != 0 {
        m = m.checked_mul(10)?;
        exp -= 1;
    }
    Some((neg && m != 0, m))
}

/// Reads a JSON number's text as a float, correctly rounded when the mantissa
/// is below 2^53 and the exponent within ±22 (both are then exact doubles, and
/// one multiplication or division rounds once); other numbers are refused.
pub fn decimal(text: &str) -> Option<f64> {
    let (neg, m, exp) = scan(text)?;
    if m >= 1 << 53 || !(-22..=22).contains(&exp) {
        return None;
    }
    let mut p = 1.0;
    for _ in 0..exp.unsigned_abs() {
        p *= 10.0;
    }
    let v = if exp < 0 { m as f64 / p } else { m as f64 * p };
    Some(if neg { -v } else { v })
}

/// Appends `s` to `out` as a JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Without write!: the browser's module carries no formatting code.
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[c as usize >> 4]));
                out.push(char::from(HEX[c as usize & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_value() {
        let v = parse(r#" {"a": [1, -2.5e3, true, false, null], "b": "x\"\\\n\u00e9\ud83d\ude00"} "#).unwrap();
        let Value::Object(m) = v else { panic!("not an object") };
        assert_eq!(m[0].0, "a");
        assert_eq!(
            m[0].1,
            Value::Array(vec![
                Value::Number("1".into()),
                Value::Number("-2.5e3".into()),
                Value::Bool(true),
                Value::Bool(false),
                Value::Null
            ])
        );
        assert_eq!(m[1].1, Value::String("x\"\\\né😀".into()));
        let mut out = String::new();
        write_string(&mut out, "x\"\\\n\u{1}é");
        assert_eq!(out, r#""x\"\\\n\u0001é""#);
        assert_eq!(parse(&out).unwrap(), Value::String("x\"\\\n\u{1}é".into()));
    }

    #[test]
    fn errors_say_where_and_what() {
        let cases = [
            ("{\"actions\": [", "line 1, column 14: the text ends where a value should be"),
            ("{\"a\": 1,\n \"a\": 2}", "line 2, column 5: the field `a` appears twice"),
            ("[1 2]", "line 1, column 4: expected ',' or ']'"),
            ("{a: 1}", "line 1, column 2: expected a field name in double quotes"),
            ("[01]", "line 1, column 4: a number cannot start with 0"),
            ("[1.]", "line 1, column 4: a number needs digits after the decimal point"),
            ("\"abc", "line 1, column 5: the text ends inside a string"),
            ("\"\\x\"", "line 1, column 3: unknown escape in a string"),
            ("\"\\ud800\"", "line 1, column 7: a lone surrogate in a \\u escape"),
            ("{} x", "line 1, column 4: unexpected text after the JSON value"),
            ("tru", "line 1, column 1: expected a value (an object, array, string, number, true, false or null)"),
            ("", "line 1, column 1: the text ends where a value should be"),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text).unwrap_err(), want, "{text:?}");
        }
        let deep = "[".repeat(40) + &"]".repeat(40);
        assert!(parse(&deep).unwrap_err().ends_with("nested more than 32 levels deep"));
    }

    #[test]
    fn a_number_no_double_holds_is_refused_as_serde_json_refuses_it() {
        assert_eq!(
            parse("[1e400]").unwrap_err(),
            "line 1, column 2: a number out of range (larger than a double holds)"
        );
        assert!(parse("-1.5e308").is_ok());
        assert!(parse("1e-400").is_ok(), "a number too small for a double reads as zero, as in serde_json");
    }

    #[test]
    fn numbers_are_read_exactly() {
        assert_eq!(whole_number("4294967295"), Some((false, 4_294_967_295)));
        assert_eq!(whole_number("18446744073709551615"), Some((false, u64::MAX)));
        assert_eq!(whole_number("18446744073709551616"), None);
        assert_eq!(whole_number("-10"), Some((true, 10)));
        assert_eq!(whole_number("-0"), Some((false, 0)));
        assert_eq!(whole_number("5.0"), Some((false, 5)));
        assert_eq!(whole_number("2e3"), Some((false, 2000)));
        assert_eq!(whole_number("2.5E+1"), Some((false, 25)));
        assert_eq!(whole_number("1.5"), None);
        assert_eq!(whole_number("1e400"), None);
        assert_eq!(decimal("0.1"), Some(0.1));
        assert_eq!(decimal("0.25"), Some(0.25));
        assert_eq!(decimal("1e-3"), Some(0.001));
        assert_eq!(decimal("0.333333333333333"), Some(0.333333333333333));
        assert_eq!(decimal("1"), Some(1.0));
        assert_eq!(decimal("0.1234567890123456789"), None);
        assert_eq!(decimal("-2.5e-1"), Some(-0.25));
    }

    /// Runs `f` on another thread and fails if it takes longer than `limit`: a test of
    /// the work a hostile input costs that reports instead of hanging.
    fn within<T: Send + 'static>(limit: std::time::Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(f()));
        rx.recv_timeout(limit).expect("took too long")
    }

    #[test]
    fn a_huge_exponent_costs_no_more_than_a_small_one() {
        let limit = std::time::Duration::from_secs(2);
        for (text, want) in [
            ("0e-2147483648", Some((false, 0))),
            ("-0.0e-2147483648", Some((false, 0))),
            ("0e2147483647", Some((false, 0))),
            ("1e-2147483648", None),
            ("10e-2147483648", None),
            ("1e2147483647", None),
            ("0e99999999999999999999", Some((false, 0))),
            ("1e-99999999999999999999", None),
        ] {
            assert_eq!(within(limit, move || whole_number(text)), want, "{text}");
        }
        let doc = r#"{"seed": 0e-2147483648, "actions": []}"#;
        assert!(within(limit, move || parse(doc)).is_ok());
    }

    #[test]
    fn many_keys_cost_n_log_n() {
        // 200,000 distinct keys once took 41 s: each key was compared with every earlier one.
        let members: Vec<String> = (0..200_000).map(|i| std::format!("\"k{i}\": 0")).collect();
        let doc = std::format!("{{{}}}", members.join(","));
        let v = within(std::time::Duration::from_secs(10), move || parse(&doc));
        let Ok(Value::Object(m)) = v else { panic!("not an object") };
        assert_eq!(m.len(), 200_000);
        // A duplicate far from its first appearance is still found, and named.
        let doc = std::format!("{{{}, \"k7\": 1}}", members.join(","));
        let err = within(std::time::Duration::from_secs(10), move || parse(&doc)).unwrap_err();
        assert!(err.ends_with("the field `k7` appears twice"), "{err}");
    }
}
