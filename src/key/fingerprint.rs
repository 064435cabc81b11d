//! Fingerprints: how a key is named everywhere, the SHA-256 of its raw 32-byte public key,
//! shown in 16 groups of 4 hex digits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{param, Coded, Params};

/// A key's fingerprint: the SHA-256 of its raw 32-byte Ed25519 public key.
///
/// Shown (`Display`) as 16 groups of 4 upper-case hex digits separated by spaces, e.g.
/// `3B6A 27BC CEB6 A42D 62A3 A8D0 2A6F 0D73 6532 1577 1DE2 43A6 3AC0 48A1 8B59 DA29`;
/// [`hex`](Self::hex) gives 64 lower-case hex digits for files and JSON. Parses from either
/// form (any case, spaces anywhere).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a raw 32-byte public key.
    pub fn of_raw_public_key(raw: &[u8; 32]) -> Fingerprint {
        Fingerprint(Sha256::digest(raw).into())
    }

    /// The 32 bytes of the hash.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// 64 lower-case hex digits.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The first 4 groups, e.g. `3B6A 27BC CEB6 A42D`: enough to tell keys apart at a glance,
    /// not to check one.
    pub fn short(&self) -> String {
        self.groups().take(4).collect::<Vec<_>>().join(" ")
    }

    fn groups(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .chunks(2)
            .map(|pair| format!("{:02X}{:02X}", pair[0], pair[1]))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.groups().collect::<Vec<_>>().join(" "))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.hex())
    }
}

/// A string that is not a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a fingerprint: a fingerprint is 64 hex digits, in groups or not")]
pub struct InvalidFingerprint(pub String);

impl Coded for InvalidFingerprint {
    fn code(&self) -> &'static str {
        "invalid_fingerprint"
    }

    fn params(&self) -> Params {
        vec![param("found", &self.0)]
    }
}

impl FromStr for Fingerprint {
    type Err = InvalidFingerprint;

    fn from_str(s: &str) -> Result<Fingerprint, InvalidFingerprint> {
        let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&digits, &mut bytes).map_err(|_| InvalidFingerprint(s.into()))?;
        Ok(Fingerprint(bytes))
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Fingerprint, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The public key of RFC 8032 section 7.1, test 1.
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn rfc_fingerprint() -> Fingerprint {
        let raw: [u8; 32] = hex::decode(PUBLIC).unwrap().try_into().unwrap();
        Fingerprint::of_raw_public_key(&raw)
    }

    #[test]
    fn fingerprint_is_sha256_of_the_raw_key_in_groups() {
        let fp = rfc_fingerprint();
        let expected = hex::encode(Sha256::digest(hex::decode(PUBLIC).unwrap()));
        assert_eq!(fp.hex(), expected);
        let shown = fp.to_string();
        assert_eq!(shown.len(), 16 * 4 + 15);
        let groups: Vec<&str> = shown.split(' ').collect();
        assert_eq!(groups.len(), 16);
        assert!(groups.iter().all(|g| g.len() == 4
            && g.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())));
        assert_eq!(shown.replace(' ', "").to_lowercase(), expected);
        assert_eq!(fp.short(), groups[..4].join(" "));
    }

    #[test]
    fn fingerprint_parses_from_either_form() {
        let fp = rfc_fingerprint();
        assert_eq!(fp.to_string().parse::<Fingerprint>().unwrap(), fp);
        assert_eq!(fp.hex().parse::<Fingerprint>().unwrap(), fp);
        assert_eq!(fp.hex().to_uppercase().parse::<Fingerprint>().unwrap(), fp);
        let json = serde_json::to_string(&fp).unwrap();
        assert_eq!(json, format!("\"{}\"", fp.hex()));
        assert_eq!(serde_json::from_str::<Fingerprint>(&json).unwrap(), fp);
    }

    #[test]
    fn fail_fingerprint_parse() {
        let fp = rfc_fingerprint();
        for bad in [
            String::new(),
            fp.hex()[..63].to_string(),
            format!("{}0", fp.hex()),
            fp.hex().replace('a', "g"),
            fp.short(),
        ] {
            assert!(bad.parse::<Fingerprint>().is_err(), "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fingerprint_round_trips(bytes: [u8; 32]) {
            let fp = Fingerprint(bytes);
            proptest::prop_assert_eq!(fp.to_string().parse::<Fingerprint>().unwrap(), fp);
            proptest::prop_assert_eq!(fp.hex().parse::<Fingerprint>().unwrap(), fp);
        }
    }
}
