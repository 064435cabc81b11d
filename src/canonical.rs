//! Canonical JSON (RFC 8785, the JSON Canonicalization Scheme) and the hashes taken over it.
//!
//! Everything Tweevoud hashes or signs that is structured is first serialized to JSON and then
//! canonicalized: keys sorted, no white space, numbers and strings in their one ECMAScript
//! form. That makes the bytes independent of the order in which a program happened to write
//! the fields, so another implementation can rebuild them from the document alone.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The RFC 8785 canonical form of a value.
pub fn to_canonical_json<T: Serialize>(value: &T) -> Vec<u8> {
    // Our values are strings, integers, booleans, arrays and objects with string keys: none
    // of them can fail to serialize.
    serde_json_canonicalizer::to_vec(value).unwrap_or_default()
}

/// SHA-256 over `tag || 0x0A || canonical JSON of value`: the domain tag keeps a hash of one
/// kind of object from ever being taken for another.
pub fn tagged_hash<T: Serialize>(tag: &str, value: &T) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(tag.as_bytes());
    h.update(b"\n");
    h.update(to_canonical_json(value));
    h.finalize().into()
}

/// Reads an optional member that, when present, must hold a value: JSON `null` is refused
/// (`#[serde(default, deserialize_with = "crate::canonical::present")]`). A member the format
/// says is absent when it has nothing is absent, never `null`: so each value has one
/// encoding, and an entry hashed as it is stored is the entry as it is read.
pub(crate) fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// Reads a member that must be present and holds a value or `null` (the contact files'
/// `organisation` and `verified`, which Tweevoud writes as `null` when there is none): absence
/// is refused, so each value has one encoding.
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d)
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_keys_and_drops_white_space() {
        let v = json!({"b": 1, "a": [true, null, "x\u{e9}\n"], "A": {}});
        assert_eq!(
            String::from_utf8(to_canonical_json(&v)).unwrap(),
            "{\"A\":{},\"a\":[true,null,\"x\u{e9}\\n\"],\"b\":1}"
        );
    }

    #[test]
    fn tag_separates_domains() {
        let v = json!({"a": 1});
        assert_ne!(tagged_hash("one/1", &v), tagged_hash("two/1", &v));
        assert_eq!(
            hex::encode(tagged_hash("t", &v)),
            sha256_hex(b"t\n{\"a\":1}")
        );
    }
}
