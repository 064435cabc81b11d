//! Text from outside (a certificate's names, a TSA's words, a file name, a party's values)
//! made safe to show: which characters must never reach a reader as they are.
//!
//! A control character can make a terminal clear its screen or start a new line that seems to
//! be someone else's; a bidirectional override or an invisible formatting character can make a
//! line read otherwise than its characters say ("cod.exe" shown as "exe.doc"). Whatever shows
//! outside text (the exemplar PDF, the command line) replaces or escapes each character
//! [`is_hidden_or_control`] names; the command line escapes them (`src/cli/terminal.rs`).

/// Whether `c` must not be shown as it is: a control character (C0, DEL, C1), a line or
/// paragraph separator (U+2028, U+2029), an invisible formatting character (Unicode category
/// Cf, [`crate::kind::INVISIBLE`]: bidirectional marks, embeddings, overrides and isolates,
/// zero-width spaces and joiners, the byte order mark, the soft hyphen, the tag characters,
/// ...), or a character that shows as nothing (the combining grapheme joiner, the Khmer
/// inherent vowels, the Hangul fillers). The characters a value may not hold
/// ([`crate::kind::text_problem`]) are all among them, but the line feed.
pub fn is_hidden_or_control(c: char) -> bool {
    let cp = u32::from(c);
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{034F}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{3164}'
                | '\u{FFA0}'
        )
        || crate::kind::INVISIBLE
            .iter()
            .any(|&(lo, hi)| (lo..=hi).contains(&cp))
}

/// `text` with every character [`is_hidden_or_control`] names replaced by U+FFFD, and cut to
/// `max` characters (with "…" after them) when it is longer: for a name shown where nothing
/// can be escaped (a PDF page).
pub fn replaced(text: &str, max: usize) -> String {
    let mut shown: String = text
        .chars()
        .map(|c| {
            if is_hidden_or_control(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .take(max.saturating_add(1))
        .collect();
    if shown.chars().count() > max {
        shown = shown.chars().take(max).collect::<String>() + "…";
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_hidden_or_a_control() {
        for c in [
            '\0',
            '\x1b',
            '\n',
            '\r',
            '\t',
            '\x7f',
            '\u{85}',
            '\u{9b}',
            '\u{ad}',
            '\u{200b}',
            '\u{200d}',
            '\u{200e}',
            '\u{2028}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{feff}',
            '\u{e0001}',
            '\u{e0041}',
        ] {
            assert!(is_hidden_or_control(c), "{:x}", c as u32);
        }
        for c in ['a', ' ', 'é', '—', '…', 'ש', '日', '\u{fffd}', '😀'] {
            assert!(!is_hidden_or_control(c), "{:x}", c as u32);
        }
    }

    #[test]
    fn replaced_and_cut() {
        assert_eq!(
            replaced("a\x1b[2Jb\u{202e}c", 200),
            "a\u{fffd}[2Jb\u{fffd}c"
        );
        assert_eq!(replaced("abcdef", 3), "abc…");
        assert_eq!(replaced("abc", 3), "abc");
    }
}
