//! The kind of key a Signature certificate names, and so the hash the card signs with: one
//! decision for the binding, the device and the seal.

use std::fmt;

use x509_cert::Certificate;

use super::CardHash;

/// The kind of key a Signature certificate names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA of this many bits (cards of applet 1.7: 2048).
    Rsa {
        /// The modulus's size in bits.
        bits: usize,
    },
    /// ECDSA on P-384 (cards of applet 1.8).
    P384,
    /// Another key, which Tweevoud cannot use (its algorithm, dotted).
    Other(String),
}

impl KeyKind {
    /// The kind of key `cert` names.
    pub fn of(cert: &Certificate) -> KeyKind {
        use rsa::pkcs1::DecodeRsaPublicKey;
        use rsa::traits::PublicKeyParts;
        let spki = &cert.tbs_certificate.subject_public_key_info;
        let oid = spki.algorithm.oid;
        if oid == const_oid::db::rfc5912::RSA_ENCRYPTION {
            let key = spki
                .subject_public_key
                .as_bytes()
                .and_then(|k| rsa::RsaPublicKey::from_pkcs1_der(k).ok());
            return match key {
                Some(key) => KeyKind::Rsa {
                    bits: key.n().bits(),
                },
                None => KeyKind::Other(oid.to_string()),
            };
        }
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok());
        if oid == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY
            && curve == Some(const_oid::db::rfc5912::SECP_384_R_1)
        {
            return KeyKind::P384;
        }
        KeyKind::Other(match curve {
            Some(curve) => format!("{oid} {curve}"),
            None => oid.to_string(),
        })
    }

    /// The hash the card signs with: SHA-256 for RSA, SHA-384 for P-384; None for a key
    /// Tweevoud cannot use.
    pub fn hash(&self) -> Option<CardHash> {
        match self {
            KeyKind::Rsa { bits } if *bits >= 2048 => Some(CardHash::Sha256),
            KeyKind::P384 => Some(CardHash::Sha384),
            KeyKind::Rsa { .. } | KeyKind::Other(_) => None,
        }
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyKind::Rsa { bits } => write!(f, "RSA-{bits}"),
            KeyKind::P384 => f.write_str("ECDSA P-384"),
            KeyKind::Other(oid) => write!(f, "unsupported key ({oid})"),
        }
    }
}
