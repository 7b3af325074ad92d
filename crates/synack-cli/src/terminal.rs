//! Text from a file on its way to a terminal.
//!
//! A scenario's title, the text an action sends, a field name in an error message or
//! a file's own name come from whoever wrote the file. Written raw, control
//! characters in them are commands to the terminal: `ESC [2J` clears the screen,
//! `ESC ]0;…BEL` retitles the window, and some terminals take more. Every such text
//! goes through [`clean`] before it is printed.

use std::borrow::Cow;

/// `text` with each control character (C0, DEL, C1) and each bidirectional
/// override written as a visible escape such as `\u{1b}`, so that a reader sees it
/// and the terminal never acts on it. Other text is returned as it is.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A character a terminal may act on rather than show: the C0 and C1 controls and
/// DEL (Unicode category Cc), and the bidirectional embeddings, overrides and
/// isolates, which reorder what follows them on the line.
fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_not_obeyed() {
        assert_eq!(clean("plain text, é and 中文"), "plain text, é and 中文");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
        assert_eq!(clean("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(clean("\u{1b}]0;owned\u{7}"), "\\u{1b}]0;owned\\u{7}");
        assert_eq!(clean("x\u{9b}31m"), "x\\u{9b}31m");
        assert_eq!(clean("tab\there\nline\r"), "tab\\u{9}here\\u{a}line\\u{d}");
        assert_eq!(clean("del\u{7f}"), "del\\u{7f}");
        assert_eq!(clean("\u{202e}gnp.exe"), "\\u{202e}gnp.exe");
    }
}
