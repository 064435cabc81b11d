//! Hashes and ids as types that can only hold a valid value.
//!
//! Everything the archive reads back (log lines, index rows, command-line arguments) names
//! objects and agreements by 64 lower-case hex digits, and some of those names become file
//! paths (`objects/<ab>/<sha256>`). A string read from disk is parsed into one of these types
//! at the boundary, so that no path is ever made from a value nobody checked and no
//! on-disk string is ever sliced.

use std::borrow::Borrow;
use std::fmt;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{param, Coded, Params};

/// A value that should be 64 lower-case hex digits and is not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} is not 64 lower-case hex digits", shown(.0))]
pub struct BadHex(pub String);

impl Coded for BadHex {
    fn code(&self) -> &'static str {
        "bad_hex"
    }

    fn params(&self) -> Params {
        vec![param("found", shown(&self.0))]
    }
}

/// A value as it may be shown in a message: at most 80 characters of it, escaped.
fn shown(s: &str) -> String {
    let mut cut: String = s.chars().take(80).collect();
    if cut.len() < s.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// Whether `s` is exactly 64 lower-case hex digits.
fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

macro_rules! hex64 {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Parses 64 lower-case hex digits; anything else is refused.
            pub fn parse(s: &str) -> Result<$name, BadHex> {
                if is_hex64(s) {
                    Ok($name(s.to_string()))
                } else {
                    Err(BadHex(s.to_string()))
                }
            }

            /// The 32 bytes, hex-encoded.
            pub fn from_bytes(bytes: &[u8; 32]) -> $name {
                $name(hex::encode(bytes))
            }

            /// The 64 hex digits.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The first `n` hex digits (all 64 if `n` is larger): for display.
            pub fn short(&self, n: usize) -> &str {
                // ASCII only: every index is a char boundary.
                &self.0[..n.min(64)]
            }

            /// The 32 bytes.
            pub fn to_bytes(&self) -> [u8; 32] {
                let mut out = [0u8; 32];
                // Always 64 hex digits, so this cannot fail.
                let _ = hex::decode_to_slice(&self.0, &mut out);
                out
            }

            /// The 64 hex digits, as a `String`.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = BadHex;
            fn from_str(s: &str) -> Result<$name, BadHex> {
                $name::parse(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.0 == *other
            }
        }

        impl From<$name> for String {
            fn from(h: $name) -> String {
                h.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::parse(&s).map_err(serde::de::Error::custom)
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<$name> {
                let s = value.as_str()?;
                $name::parse(s).map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

hex64!(
    /// The SHA-256 of some bytes, as 64 lower-case hex digits: an object's name, a log
    /// entry's hash, a key's fingerprint.
    Sha256Hex
);

hex64!(
    /// An agreement's archive id: 64 lower-case hex digits (see `docs/format.md`, "The
    /// agreement id").
    AgreementId
);

impl Sha256Hex {
    /// The SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Sha256Hex {
        use sha2::{Digest, Sha256};
        Sha256Hex(hex::encode(Sha256::digest(bytes)))
    }
}

/// The start of an agreement id as given on a command line: 8 to 64 hex digits, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdPrefix(String);

impl IdPrefix {
    /// Parses an id or its first 8 or more hex digits (surrounding blanks ignored, any case).
    pub fn parse(s: &str) -> Result<IdPrefix, BadHex> {
        let t = s.trim().to_ascii_lowercase();
        if (8..=64).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(IdPrefix(t))
        } else {
            Err(BadHex(s.to_string()))
        }
    }

    /// The hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_64_lower_case_hex_digits() {
        let good = "ab".repeat(32);
        assert_eq!(Sha256Hex::parse(&good).unwrap().as_str(), good);
        for bad in [
            "",
            "ab",
            "/etc/passwd",
            "/dev/zero",
            &"AB".repeat(32),
            &"ab".repeat(33),
            &format!("{}/", "a".repeat(63)),
            &format!("{}é", "a".repeat(62)),
            &"g".repeat(64),
        ] {
            assert!(Sha256Hex::parse(bad).is_err(), "{bad:?}");
            assert!(AgreementId::parse(bad).is_err(), "{bad:?}");
        }
        let h: Sha256Hex = serde_json::from_str(&format!("\"{good}\"")).unwrap();
        assert_eq!(serde_json::to_string(&h).unwrap(), format!("\"{good}\""));
        assert!(serde_json::from_str::<Sha256Hex>("\"../../x\"").is_err());
        assert_eq!(h.short(16), &good[..16]);
        assert_eq!(h.short(100), good);
        assert_eq!(Sha256Hex::from_bytes(&h.to_bytes()), h);
    }

    #[test]
    fn prefixes() {
        assert_eq!(IdPrefix::parse(" ABCDEF12 ").unwrap().as_str(), "abcdef12");
        for bad in ["abc", "xyzxyzxyz", &"a".repeat(65), "abcdef12/"] {
            assert!(IdPrefix::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn messages_do_not_carry_huge_values() {
        let e = BadHex("x".repeat(10_000));
        assert!(e.to_string().len() < 200);
    }
}
