//! The Belgian eID as evidence: what Tweevoud asks of a card ([`Card`]), the holder its
//! Signature certificate names ([`Holder`]), and the check that such a certificate chains to
//! an anchor Tweevoud trusts and was valid at a given time ([`check_signature_certificate`]).
//!
//! Everything here works on bytes and values: no file system, no operating system, so that the
//! browser edition checks the same way. What the rules are, and their limits, is specified in
//! `docs/eid-certificates.md`.

pub mod binding;
#[cfg(feature = "fs")]
pub mod device;
mod holder;
mod key_kind;
mod ocsp;
#[cfg(feature = "fs")]
pub mod ocsp_fetch;
mod pki;
mod roots;
#[cfg(feature = "fs")]
mod trusted;

use crate::error::{param, Coded, Params};

pub use binding::{
    key_file, split_key_file, BindError, Binding, BindingProblem, BindingStatement, Confirmation,
    Confirmed, Revocation, MAX_BINDING_BYTES,
};
pub use holder::{Holder, NationalNumber};
pub use key_kind::KeyKind;
pub use ocsp::{
    check_ocsp, ocsp_request, read_ocsp, CertStatus, OcspAnswer, OcspProblem, MAX_OCSP_BYTES,
    MAX_OCSP_CERTIFICATES, OCSP_CLOCK_TOLERANCE_SECONDS, OCSP_MAX_AGE_SECONDS,
};
pub use pki::{
    check_signature_certificate, signature_certificate_holder, validate_path, Anchors, PathProblem,
    ValidPath, Validated, MAX_ANCHORS_BYTES, MAX_CERTIFICATE_BYTES, MAX_OFFERED, MAX_PATH,
};
#[cfg(feature = "fs")]
pub use trusted::trusted_anchors;

/// The anchors an eID certificate must chain to in this process: the Belgian roots Tweevoud
/// ships (and, in a debug build with the fs layer, the tests' root when named; a file named
/// there that cannot be read adds nothing). What verifying a binding and a qualified seal
/// trusts.
pub fn process_anchors() -> Anchors {
    #[cfg(feature = "fs")]
    {
        trusted_anchors().unwrap_or_else(|_| Anchors::belgian())
    }
    #[cfg(not(feature = "fs"))]
    {
        Anchors::belgian()
    }
}

/// A hash the card's signature is made over (hashed on the host, signed raw).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardHash {
    /// SHA-256: with an RSA key.
    Sha256,
    /// SHA-384: with a P-384 key.
    Sha384,
}

impl CardHash {
    /// The digest of `data` with this hash.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            CardHash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            CardHash::Sha384 => sha2::Sha384::digest(data).to_vec(),
        }
    }
}

/// What Tweevoud asks of an eID (or a test token, or a test's software card): its Signature
/// certificate, the CA certificates it holds, and a signature over a digest.
pub trait Card {
    /// The Signature certificate, DER.
    fn certificate(&self) -> &[u8];
    /// The CA certificates the card holds (Citizen CA, then Root), DER.
    fn chain(&self) -> &[Vec<u8>];
    /// The hash to use with this key: SHA-256 for RSA, SHA-384 for P-384.
    fn hash(&self) -> CardHash;
    /// The Signature key's signature over `digest`: for RSA, PKCS#1 v1.5 over the DigestInfo
    /// (the card pads; CKM_RSA_PKCS); for ECDSA, the DER Ecdsa-Sig-Value (the card gives r||s
    /// from CKM_ECDSA; the device converts).
    fn sign_digest(&self, digest: &[u8]) -> Result<Vec<u8>, CardError>;
}

/// Why the card could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// No eID middleware (PKCS #11 module) could be found or loaded.
    #[error("the eID middleware cannot be used: {reason}")]
    NoModule {
        /// English words.
        reason: String,
    },
    /// The module is there but cannot be loaded or initialized (not a PKCS #11 module, or
    /// one built for another machine).
    #[error("the PKCS #11 module {path} cannot be loaded: {reason}")]
    ModuleUnloadable {
        /// The module's path.
        path: String,
        /// English words.
        reason: String,
    },
    /// No reader holds an eID card.
    #[error("no eID card is in a reader")]
    NoCard,
    /// No reader holds an eID card, but the module shows other tokens.
    #[error("no eID card is in a reader; the module shows only other tokens: {tokens}")]
    OtherTokens {
        /// Their labels, comma-separated.
        tokens: String,
    },
    /// The card was taken out of the reader during the operation.
    #[error("the eID card was removed")]
    CardRemoved,
    /// The PIN given is wrong.
    #[error("the PIN is wrong{}", tries_left_words(*.tries_left))]
    PinWrong {
        /// How many tries are left before the PIN is blocked, when the card says.
        tries_left: Option<u32>,
    },
    /// The PIN is blocked (too many wrong tries).
    #[error("the PIN is blocked")]
    PinBlocked,
    /// The person declined to give the PIN.
    #[error("no PIN was given")]
    PinCancelled,
    /// The card or the middleware failed otherwise.
    #[error("the eID card failed: {reason}")]
    CardFailed {
        /// English words.
        reason: String,
    },
}

fn tries_left_words(tries_left: Option<u32>) -> String {
    match tries_left {
        Some(1) => " (1 try left)".into(),
        Some(n) => format!(" ({n} tries left)"),
        None => String::new(),
    }
}

impl CardError {
    /// Every code of [`CardError`], so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "eid_no_module",
        "eid_module_unloadable",
        "eid_no_card",
        "eid_other_tokens",
        "eid_card_removed",
        "eid_pin_wrong",
        "eid_pin_blocked",
        "eid_pin_cancelled",
        "eid_card_failed",
    ];
}

/// Parameters: `reason` (English words); `path` (the module's); `tokens` (labels);
/// `tries_left` (a number, only when the card says).
impl Coded for CardError {
    fn code(&self) -> &'static str {
        match self {
            CardError::NoModule { .. } => "eid_no_module",
            CardError::ModuleUnloadable { .. } => "eid_module_unloadable",
            CardError::NoCard => "eid_no_card",
            CardError::OtherTokens { .. } => "eid_other_tokens",
            CardError::CardRemoved => "eid_card_removed",
            CardError::PinWrong { .. } => "eid_pin_wrong",
            CardError::PinBlocked => "eid_pin_blocked",
            CardError::PinCancelled => "eid_pin_cancelled",
            CardError::CardFailed { .. } => "eid_card_failed",
        }
    }

    fn params(&self) -> Params {
        match self {
            CardError::NoModule { reason } | CardError::CardFailed { reason } => {
                vec![param("reason", reason)]
            }
            CardError::ModuleUnloadable { path, reason } => {
                vec![param("path", path), param("reason", reason)]
            }
            CardError::OtherTokens { tokens } => vec![param("tokens", tokens)],
            CardError::PinWrong {
                tries_left: Some(n),
            } => vec![param("tries_left", n)],
            CardError::PinWrong { tries_left: None }
            | CardError::NoCard
            | CardError::CardRemoved
            | CardError::PinBlocked
            | CardError::PinCancelled => vec![],
        }
    }
}

/// Checks that `signature` is the certificate's key's signature over `message` with `hash`, as
/// a [`Card`] makes it: RSA PKCS #1 v1.5, or ECDSA (P-256 or P-384) DER-encoded. `certificate`
/// is DER, read within [`MAX_CERTIFICATE_BYTES`]. The error is English words; the caller gives
/// it its code (what was signed is the caller's).
pub fn verify_with_certificate(
    certificate: &[u8],
    hash: CardHash,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    use crate::x509::{verify, Hash, Scheme};
    let cert = pki::read(certificate)
        .map_err(|e| e.reason().to_string())?
        .cert;
    let oid = &cert.tbs_certificate.subject_public_key_info.algorithm.oid;
    let scheme = if *oid == const_oid::db::rfc5912::RSA_ENCRYPTION {
        Scheme::Rsa
    } else {
        Scheme::Ecdsa
    };
    let hash = match hash {
        CardHash::Sha256 => Hash::Sha256,
        CardHash::Sha384 => Hash::Sha384,
    };
    verify(&cert, scheme, hash, message, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_errors_say_the_tries_left() {
        assert_eq!(
            CardError::PinWrong {
                tries_left: Some(2)
            }
            .to_string(),
            "the PIN is wrong (2 tries left)"
        );
        assert_eq!(
            CardError::PinWrong { tries_left: None }.params(),
            Vec::<(&str, String)>::new()
        );
    }

    #[test]
    fn card_hashes_digest() {
        assert_eq!(CardHash::Sha256.digest(b"abc").len(), 32);
        assert_eq!(CardHash::Sha384.digest(b"abc").len(), 48);
    }
}
