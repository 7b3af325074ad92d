//! Tokens of packetdrill's notation, each with its line and column (from 1).
//!
//! The lexer reads the whole script at once so that comments (`//`, `/* */`) and
//! backquoted shell commands may span lines; outside them a newline ends an event.

use crate::script::ScriptError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A decimal number as written (`0`, `.1`, `0.100`) or a hex one (`0x2`).
    Num(String),
    /// A name: `S`, `ack`, `SOCK_STREAM`, `sackOK`, `EINPROGRESS`.
    Word(String),
    /// A double-quoted string.
    Str(String),
    /// A backquoted shell command, without its quotes.
    Command(String),
    /// `...`
    Ellipsis,
    /// One punctuation character: `+ ~ * < > . : ( ) , = [ ] { } | -`.
    Punct(char),
    Newline,
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub tok: Tok,
    pub line: u32,
    pub col: u32,
}

const PUNCT: &str = "+~*<>.:(),=[]{}|-";

/// Split a script into tokens. Anything that is not part of the notation's
/// alphabet is refused where it stands.
pub(crate) fn tokens(text: &str) -> Result<Vec<Token>, ScriptError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    // Moves past `n` characters, keeping line and column.
    let advance = |i: &mut usize, line: &mut u32, col: &mut u32, n: usize| {
        for _ in 0..n {
            if chars.get(*i) == Some(&'\n') {
                *line += 1;
                *col = 1;
            } else {
                *col += 1;
            }
            *i += 1;
        }
    };
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let (tl, tc) = (line, col);
        let at = |tok: Tok| Token { tok, line: tl, col: tc };
        match c {
            '\n' => {
                out.push(at(Tok::Newline));
                advance(&mut i, &mut line, &mut col, 1);
            }
            ' ' | '\t' | '\r' => advance(&mut i, &mut line, &mut col, 1),
            '/' if next == Some('/') => {
                while chars.get(i).is_some_and(|&c| c != '\n') {
                    advance(&mut i, &mut line, &mut col, 1);
                }
            }
            '/' if next == Some('*') => {
                advance(&mut i, &mut line, &mut col, 2);
                loop {
                    match chars.get(i) {
                        None => return Err(ScriptError::new(tl, tc, "this comment never ends: `*/` is missing")),
                        Some('*') if chars.get(i + 1) == Some(&'/') => {
                            advance(&mut i, &mut line, &mut col, 2);
                            break;
                        }
                        Some(_) => advance(&mut i, &mut line, &mut col, 1),
                    }
                }
            }
            '%' if next == Some('{') => {
                return Err(ScriptError::new(
                    tl,
                    tc,
                    "python blocks (`%{ … }%`) are not supported: nothing here runs Python",
                ));
            }
            '`' => {
                advance(&mut i, &mut line, &mut col, 1);
                let start = i;
                while chars.get(i).is_some_and(|&c| c != '`') {
                    advance(&mut i, &mut line, &mut col, 1);
                }
                if i >= chars.len() {
                    return Err(ScriptError::new(
                        tl,
                        tc,
                        "this backquoted command never ends: the closing ` is missing",
                    ));
                }
                out.push(at(Tok::Command(chars[start..i].iter().collect())));
                advance(&mut i, &mut line, &mut col, 1);
            }
            '"' => {
                advance(&mut i, &mut line, &mut col, 1);
                let start = i;
                while chars.get(i).is_some_and(|&c| c != '"' && c != '\n') {
                    advance(&mut i, &mut line, &mut col, 1);
                }
                if chars.get(i) != Some(&'"') {
                    return Err(ScriptError::new(
                        tl,
                        tc,
                        "this string never ends on its line: the closing \" is missing",
                    ));
                }
                out.push(at(Tok::Str(chars[start..i].iter().collect())));
                advance(&mut i, &mut line, &mut col, 1);
            }
            '.' if next == Some('.') && chars.get(i + 2) == Some(&'.') => {
                out.push(at(Tok::Ellipsis));
                advance(&mut i, &mut line, &mut col, 3);
            }
            '0' if matches!(next, Some('x' | 'X')) => {
                let start = i;
                advance(&mut i, &mut line, &mut col, 2);
                while chars.get(i).is_some_and(|c| c.is_ascii_hexdigit()) {
                    advance(&mut i, &mut line, &mut col, 1);
                }
                out.push(at(Tok::Num(chars[start..i].iter().collect())));
            }
            c if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let start = i;
                while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                    advance(&mut i, &mut line, &mut col, 1);
                }
                if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()) {
                    advance(&mut i, &mut line, &mut col, 1);
                    while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                        advance(&mut i, &mut line, &mut col, 1);
                    }
                }
                out.push(at(Tok::Num(chars[start..i].iter().collect())));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while chars.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_') {
                    advance(&mut i, &mut line, &mut col, 1);
                }
                out.push(at(Tok::Word(chars[start..i].iter().collect())));
            }
            c if PUNCT.contains(c) => {
                out.push(at(Tok::Punct(c)));
                advance(&mut i, &mut line, &mut col, 1);
            }
            c => {
                let shown = if c.is_control() { format!("U+{:04X}", c as u32) } else { format!("`{c}`") };
                return Err(ScriptError::new(tl, tc, format!("unexpected character {shown}")));
            }
        }
    }
    out.push(Token { tok: Tok::Newline, line, col });
    Ok(out)
}

impl Tok {
    /// The token as a message quotes it.
    pub(crate) fn shown(&self) -> String {
        match self {
            Tok::Num(s) | Tok::Word(s) => format!("`{s}`"),
            Tok::Str(s) => format!("\"{s}\""),
            Tok::Command(_) => "a backquoted command".into(),
            Tok::Ellipsis => "`...`".into(),
            Tok::Punct(c) => format!("`{c}`"),
            Tok::Newline => "the end of the line".into(),
        }
    }
}
