//! What the CLI writes to a terminal: text from outside (a TSA's words, a certificate's names,
//! a file name, a template's or an agreement's values, a contact's name) made safe to show.
//!
//! A terminal obeys control characters: an escape sequence in a TSA's refusal can clear the
//! screen or move the cursor, a carriage return or a line feed can print a line that seems to
//! be the program's, and Unicode's bidirectional and invisible formatting characters can make
//! a line read otherwise than it is. Every character of that kind
//! ([`tweevoud::shown::is_hidden_or_control`]) is written escaped, as Rust writes it in a
//! string (`\x1b`, `\n`, `\u{202e}`), so that it is seen and does nothing:
//!
//! - [`safe`] for a piece of outside text inside a line (line feeds and tabs escaped too);
//! - everything the CLI writes, to standard output or to standard error, goes through
//!   [`clean_output`], which escapes every such character but the line feeds and tabs of the
//!   program's own layout: no byte that a terminal obeys comes out unescaped, whichever print
//!   forgot [`safe`];
//! - JSON output (`--json`) is escaped by serde for the C0 controls; [`json_safe`] writes the
//!   others (DEL, C1, formatting characters) as `\uXXXX` too, which reads as the same value.

use std::borrow::Cow;
use std::fmt::Write as _;

use tweevoud::shown::is_hidden_or_control;

/// `text` with every control and invisible formatting character escaped, line feeds and tabs
/// included: for outside text shown within a line.
pub(crate) fn safe<T: std::fmt::Display + ?Sized>(text: &T) -> String {
    let text = text.to_string();
    match escaped(&text, |_| false) {
        Cow::Borrowed(_) => text,
        Cow::Owned(escaped) => escaped,
    }
}

/// What the CLI writes, made safe as a whole: every control and invisible formatting character
/// escaped but line feeds and tabs (the program's own layout).
pub(crate) fn clean_output(text: &str) -> Cow<'_, str> {
    escaped(text, |c| c == '\n' || c == '\t')
}

fn escaped(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let hidden = |c: char| is_hidden_or_control(c) && !keep(c);
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !hidden(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// JSON text with every control and invisible formatting character that serde leaves as it is
/// written as a `\uXXXX` escape (a UTF-16 pair beyond the BMP). Such characters occur only
/// inside JSON strings, where the escape stands for the same character: the value read back is
/// the same. The line feeds of pretty printing are kept.
pub(crate) fn json_safe(json: &str) -> Cow<'_, str> {
    let hidden = |c: char| is_hidden_or_control(c) && c != '\n';
    if !json.chars().any(hidden) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if hidden(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_formatting_characters_are_escaped() {
        let hostile =
            "ok\x1b[2J\r\nfake: verified\u{7f}\u{9b}31m\u{202e}cod.exe\u{200b}\tx\u{e0041}";
        assert_eq!(
            safe(hostile),
            "ok\\x1b[2J\\r\\nfake: verified\\x7f\\u{9b}31m\\u{202e}cod.exe\\u{200b}\\tx\\u{e0041}"
        );
        assert_eq!(
            clean_output(hostile),
            "ok\\x1b[2J\\r\nfake: verified\\x7f\\u{9b}31m\\u{202e}cod.exe\\u{200b}\tx\\u{e0041}"
        );
        // Plain text, accents and scripts written right to left are left as they are.
        for plain in ["Tom Hendrix", "Société Générale — Zoë", "שלום", "日本語"] {
            assert_eq!(safe(plain), plain);
            assert!(matches!(clean_output(plain), Cow::Borrowed(_)), "{plain}");
        }
    }

    #[test]
    fn json_stays_the_same_value() {
        let value = serde_json::json!({
            "name": "a\u{1b}[2J\u{7f}\u{85}\u{202e}\u{e0041}\nb",
            "plain": "Zoë"
        });
        let text = serde_json::to_string_pretty(&value).unwrap();
        let safe = json_safe(&text);
        assert!(!safe.chars().any(|c| is_hidden_or_control(c) && c != '\n'));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
        assert!(
            safe.contains("\\u007f\\u0085\\u202e\\udb40\\udc41"),
            "{safe}"
        );
    }
}
