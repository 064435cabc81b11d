//! Passphrases: the shortest one a key accepts, and a quick, honest hint of how strong one
//! looks, for the first-run screen (a stable code and parameters, worded by the window).

use serde::Serialize;

use crate::error::{param, Coded, CodedJson, Params};

/// The shortest passphrase a new or imported key accepts, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// How strong a passphrase looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StrengthLevel {
    /// Easy to guess: do not use it.
    Weak,
    /// Acceptable, could be better.
    Fair,
    /// Hard to guess.
    Strong,
}

/// A hint about a passphrase's strength, for the first-run screen: a level and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Strength {
    /// How strong it looks.
    pub level: StrengthLevel,
    /// Why.
    pub reason: StrengthReason,
}

/// Why a passphrase looks as strong as it does: a stable code with its parameters, so that a
/// user interface can say it in its own language. `Display` gives English words; it
/// serializes as `{code, params, message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StrengthReason {
    /// Nothing was typed.
    Empty,
    /// Fewer than [`MIN_PASSPHRASE_CHARS`] characters.
    TooShort {
        /// The minimum.
        min: usize,
    },
    /// Mostly the same few characters repeated.
    Repetitive,
    /// One of the most common passwords, perhaps with digits around it.
    CommonPassword {
        /// The password.
        word: String,
    },
    /// Contains one of the most common passwords.
    ContainsCommonPassword {
        /// The password.
        word: String,
    },
    /// Short, and only one kind of character.
    ShortOneKind,
    /// Long enough to be strong.
    Long {
        /// Its length in characters.
        chars: usize,
    },
    /// Long enough, with enough kinds of character, to be strong.
    Varied {
        /// Its length in characters.
        chars: usize,
        /// How many kinds of character (lower case, upper case, digits, others).
        kinds: usize,
    },
    /// Acceptable; a longer one would be stronger.
    CouldBeLonger {
        /// Its length in characters.
        chars: usize,
    },
}

impl StrengthReason {
    /// Every code [`StrengthReason::code`] gives, so that a user interface can check it words
    /// them all.
    pub const CODES: &'static [&'static str] = &[
        "empty",
        "too_short",
        "repetitive",
        "common_password",
        "contains_common_password",
        "short_one_kind",
        "long",
        "varied",
        "could_be_longer",
    ];
}

/// The stable code: the UI words the reason from it and its parameters: `min`, `chars`,
/// `kinds` are numbers, `word` a password.
impl Coded for StrengthReason {
    fn code(&self) -> &'static str {
        match self {
            StrengthReason::Empty => "empty",
            StrengthReason::TooShort { .. } => "too_short",
            StrengthReason::Repetitive => "repetitive",
            StrengthReason::CommonPassword { .. } => "common_password",
            StrengthReason::ContainsCommonPassword { .. } => "contains_common_password",
            StrengthReason::ShortOneKind => "short_one_kind",
            StrengthReason::Long { .. } => "long",
            StrengthReason::Varied { .. } => "varied",
            StrengthReason::CouldBeLonger { .. } => "could_be_longer",
        }
    }

    fn params(&self) -> Params {
        match self {
            StrengthReason::TooShort { min } => vec![param("min", min)],
            StrengthReason::CommonPassword { word }
            | StrengthReason::ContainsCommonPassword { word } => vec![param("word", word)],
            StrengthReason::Long { chars } | StrengthReason::CouldBeLonger { chars } => {
                vec![param("chars", chars)]
            }
            StrengthReason::Varied { chars, kinds } => {
                vec![param("chars", chars), param("kinds", kinds)]
            }
            StrengthReason::Empty | StrengthReason::Repetitive | StrengthReason::ShortOneKind => {
                Vec::new()
            }
        }
    }
}

impl std::fmt::Display for StrengthReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StrengthReason::Empty => f.write_str("empty"),
            StrengthReason::TooShort { min } => write!(f, "shorter than {min} characters"),
            StrengthReason::Repetitive => f.write_str("mostly the same few characters repeated"),
            StrengthReason::CommonPassword { word } => {
                write!(f, "one of the most common passwords (\"{word}\")")
            }
            StrengthReason::ContainsCommonPassword { word } => write!(
                f,
                "contains the common password \"{word}\"; add more unrelated words"
            ),
            StrengthReason::ShortOneKind => f.write_str("short, and only one kind of character"),
            StrengthReason::Long { chars } => write!(f, "{chars} characters long"),
            StrengthReason::Varied { chars, kinds } => {
                write!(f, "{chars} characters with {kinds} kinds of character")
            }
            StrengthReason::CouldBeLonger { chars } => write!(
                f,
                "{chars} characters; a longer one (four or more unrelated words) would be stronger"
            ),
        }
    }
}

impl Serialize for StrengthReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CodedJson(self).serialize(serializer)
    }
}

/// Passwords that head every leaked-password list, in the languages of our users.
const COMMON_WORDS: [&str; 22] = [
    "password",
    "wachtwoord",
    "motdepasse",
    "passwort",
    "welkom",
    "welcome",
    "bienvenue",
    "qwerty",
    "azerty",
    "123456",
    "letmein",
    "admin",
    "secret",
    "geheim",
    "iloveyou",
    "monkey",
    "dragon",
    "sunshine",
    "football",
    "abc123",
    "tweevoud",
    "changeme",
];

/// A quick, honest hint about a passphrase: length counts most, then the mix of character
/// kinds; a passphrase built on one of the most common passwords is at most fair. It is a
/// hint, not a guarantee: nothing here can tell a random passphrase from a quotation.
pub fn passphrase_strength(passphrase: &str) -> Strength {
    let chars: Vec<char> = passphrase.chars().collect();
    let n = chars.len();
    let weak = |reason| Strength {
        level: StrengthLevel::Weak,
        reason,
    };
    if n == 0 {
        return weak(StrengthReason::Empty);
    }
    if n < MIN_PASSPHRASE_CHARS {
        return weak(StrengthReason::TooShort {
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    let mut distinct = chars.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() * 3 < n || distinct.len() < 4 {
        return weak(StrengthReason::Repetitive);
    }
    let lower = passphrase.to_lowercase();
    let letters: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    if let Some(word) = COMMON_WORDS
        .iter()
        .find(|w| letters.trim_matches(|c: char| c.is_ascii_digit()) == **w || letters == **w)
    {
        return weak(StrengthReason::CommonPassword {
            word: word.to_string(),
        });
    }
    let classes = [
        chars.iter().any(|c| c.is_lowercase()),
        chars.iter().any(|c| c.is_uppercase()),
        chars.iter().any(|c| c.is_numeric()),
        chars.iter().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    let common = COMMON_WORDS.iter().find(|w| lower.contains(**w));
    if let Some(word) = common {
        return Strength {
            level: StrengthLevel::Fair,
            reason: StrengthReason::ContainsCommonPassword {
                word: word.to_string(),
            },
        };
    }
    if n >= 20 || (n >= 14 && classes >= 3) {
        return Strength {
            level: StrengthLevel::Strong,
            reason: if n >= 20 {
                StrengthReason::Long { chars: n }
            } else {
                StrengthReason::Varied {
                    chars: n,
                    kinds: classes,
                }
            },
        };
    }
    if n < 10 && classes == 1 {
        return weak(StrengthReason::ShortOneKind);
    }
    Strength {
        level: StrengthLevel::Fair,
        reason: StrengthReason::CouldBeLonger { chars: n },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_hints() {
        use StrengthLevel::*;
        let level = |p: &str| passphrase_strength(p).level;
        assert_eq!(level(""), Weak);
        assert_eq!(level("abc"), Weak);
        assert_eq!(level("aaaaaaaaaaaa"), Weak);
        assert_eq!(level("password"), Weak);
        assert_eq!(level("Password1"), Weak);
        assert_eq!(level("wachtwoord2026"), Weak);
        assert_eq!(level("abcdefgh"), Weak);
        assert_eq!(level("Tulpen!Gent"), Fair);
        assert_eq!(level("mijn password is lang genoeg"), Fair);
        assert_eq!(level("Brouwerij-Kat-2026"), Strong);
        assert_eq!(level("paard batterij nietje correct"), Strong);
        assert!(passphrase_strength("abc")
            .reason
            .to_string()
            .contains("8 characters"));
        assert!(passphrase_strength("password")
            .reason
            .to_string()
            .contains("common"));
    }

    #[test]
    fn strength_reasons_have_stable_codes_and_parameters() {
        type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
        let cases: [Case; 8] = [
            ("", "empty", &[]),
            ("abc", "too_short", &[("min", "8")]),
            ("aaaaaaaaaaaa", "repetitive", &[]),
            ("Password1", "common_password", &[("word", "password")]),
            ("abcdefgh", "short_one_kind", &[]),
            ("Tulpen!Gent", "could_be_longer", &[("chars", "11")]),
            (
                "mijn password is lang genoeg",
                "contains_common_password",
                &[("word", "password")],
            ),
            (
                "Brouwerij-Kat-2026",
                "varied",
                &[("chars", "18"), ("kinds", "4")],
            ),
        ];
        for (passphrase, code, params) in cases {
            let reason = passphrase_strength(passphrase).reason;
            assert_eq!(reason.code(), code, "{passphrase:?}");
            let got: Vec<(&str, String)> = reason.params();
            let want: Vec<(&str, String)> =
                params.iter().map(|(k, v)| (*k, v.to_string())).collect();
            assert_eq!(got, want, "{passphrase:?}");
        }
        let mut seen: Vec<&str> = cases.iter().map(|c| c.1).collect();
        seen.push("long");
        seen.sort_unstable();
        let mut listed = StrengthReason::CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(seen, listed, "StrengthReason::CODES lists every code once");
        let long = passphrase_strength("paard batterij nietje correct").reason;
        assert_eq!(long, StrengthReason::Long { chars: 29 });
        let json = serde_json::to_value(&long).unwrap();
        assert_eq!(json["code"], "long");
        assert_eq!(json["params"]["chars"], "29");
        assert_eq!(json["message"], "29 characters long");
    }
}
