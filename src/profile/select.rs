//! Picking one key or contact from a list by what a person types: a fingerprint, a unique
//! prefix of one, or a name.

use crate::key::Fingerprint;

/// The lower-case hex digits of `selector` if it can be (a prefix of) a fingerprint: at least
/// 8 hex digits, spaces allowed between them.
fn hex_prefix(selector: &str) -> Option<String> {
    let digits: String = selector.chars().filter(|c| !c.is_whitespace()).collect();
    let ok = (8..=64).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_hexdigit());
    ok.then(|| digits.to_ascii_lowercase())
}

/// What a selector (a fingerprint, a unique fingerprint prefix, or a name) picks from a list.
pub(super) enum Selection<'a, T> {
    One(&'a T),
    Many(Vec<&'a T>),
    None,
}

/// Picks by fingerprint prefix first, then by exact name, then by name ignoring case.
pub(super) fn select<'a, T>(
    items: &'a [T],
    selector: &str,
    fingerprint: impl Fn(&T) -> &Fingerprint,
    name: impl Fn(&T) -> &str,
) -> Selection<'a, T> {
    let pick = |keep: &dyn Fn(&T) -> bool| -> Selection<'a, T> {
        let matches: Vec<&'a T> = items.iter().filter(|t| keep(t)).collect();
        match matches.len() {
            0 => Selection::None,
            1 => Selection::One(matches[0]),
            _ => Selection::Many(matches),
        }
    };
    if let Some(prefix) = hex_prefix(selector) {
        let found = pick(&|t| fingerprint(t).hex().starts_with(&prefix));
        if !matches!(found, Selection::None) {
            return found;
        }
    }
    let wanted = selector.trim();
    let found = pick(&|t| name(t) == wanted);
    if !matches!(found, Selection::None) {
        return found;
    }
    let folded = wanted.to_lowercase();
    pick(&|t| name(t).to_lowercase() == folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_prefixes_need_eight_digits() {
        assert_eq!(hex_prefix("ABCD 1234").as_deref(), Some("abcd1234"));
        assert_eq!(hex_prefix("abcd123"), None);
        assert_eq!(hex_prefix("Tom Hendrix"), None);
    }
}
