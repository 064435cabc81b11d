//! What the core's unit tests share: a time written as RFC 3339, and a public key made from
//! a one-byte seed.

use chrono::{DateTime, FixedOffset};

use crate::key::{PublicKey, UnlockedKey};

/// The time `s` (RFC 3339).
pub(crate) fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// The public key of the seed `[seed; 32]`.
pub(crate) fn key(seed: u8) -> PublicKey {
    *UnlockedKey::from_seed(&[seed; 32], "x", None, None, at("2026-01-01T00:00:00Z"))
        .unwrap()
        .public()
}
