//! What can go wrong with keys: [`KeyError`], with its stable codes, and [`BadSignature`].

use std::io;
use std::path::PathBuf;

use super::passphrase::MIN_PASSPHRASE_CHARS;
use crate::error::{param, Coded, Params};

/// What can go wrong with keys, and what to do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The passphrase does not decrypt the secret key.
    #[error("wrong passphrase for {what}; check it (it is case-sensitive) and try again")]
    WrongPassphrase {
        /// Which key: its name and short fingerprint, or where it came from.
        what: String,
    },
    /// A new passphrase is too weak to protect a key.
    #[error("{reason}: choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters (four or more unrelated words make a strong one)")]
    WeakPassphrase {
        /// What is wrong with it.
        reason: String,
    },
    /// No key matches the selector.
    #[error("no key in {} matches {selector:?}; give a name or a fingerprint (at least 8 hex digits) of one of the profile's keys", dir.display())]
    NotFound {
        /// What was asked for.
        selector: String,
        /// The keys directory searched.
        dir: PathBuf,
    },
    /// More than one key matches the selector.
    #[error("{selector:?} matches several keys ({}); give more of the fingerprint", candidates.join("; "))]
    Ambiguous {
        /// What was asked for.
        selector: String,
        /// The keys it matches, by name and fingerprint.
        candidates: Vec<String>,
    },
    /// No key was named, and the profile holds none to use.
    #[error("no key was named, and the profile in {} holds none", dir.display())]
    NoKey {
        /// The keys directory searched.
        dir: PathBuf,
    },
    /// No key was named, and the profile holds several: which one is not guessed.
    #[error("no key was named, and the profile holds several ({}); name the one to use", candidates.join("; "))]
    KeyToChoose {
        /// The profile's keys, by name and fingerprint.
        candidates: Vec<String>,
    },
    /// The key is of another algorithm.
    #[error("this is a {algorithm} key, not an Ed25519 key; Tweevoud signs only with Ed25519")]
    NotEd25519 {
        /// The algorithm found, by name or object identifier.
        algorithm: String,
    },
    /// A secret key to import is not encrypted.
    #[error("the secret key is not encrypted; encrypt it first, e.g. `openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY.pem -out KEY-encrypted.pem`, then import that")]
    NotEncrypted,
    /// A secret key is encrypted with a scheme this program does not read.
    #[error("the secret key is encrypted in a way Tweevoud cannot read ({reason}); re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`")]
    UnsupportedEncryption {
        /// The scheme, or what about it is refused.
        reason: String,
    },
    /// A secret key's KDF asks for more memory or work than Tweevoud spends on a passphrase
    /// ([`MAX_SCRYPT_MEMORY`](super::MAX_SCRYPT_MEMORY),
    /// [`MAX_SCRYPT_WORK`](super::MAX_SCRYPT_WORK),
    /// [`MAX_PBKDF2_ITERATIONS`](super::MAX_PBKDF2_ITERATIONS)): refused before any of it is
    /// done.
    #[error("the secret key asks for too much work to try a passphrase ({reason}); re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`")]
    KdfTooCostly {
        /// The parameters, and the cap they pass.
        reason: String,
    },
    /// Input offered as a key is not one.
    #[error("not a key Tweevoud can read: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
    /// A file of the key store is damaged.
    #[error("{} is damaged ({reason}); restore the key directory from a backup", path.display())]
    Corrupt {
        /// The damaged file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A key needs a name.
    #[error("a key needs a name: the signer's name as it should appear in agreements")]
    MissingName,
    /// The key to import is already in the store.
    #[error("this key is already in the profile, as {existing}")]
    AlreadyExists {
        /// The stored key, by name and fingerprint.
        existing: String,
    },
    /// The operating system gave no randomness.
    #[error("the operating system's random number generator failed: {0}")]
    Randomness(String),
}

impl KeyError {
    /// Every code of [`KeyError`], so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "wrong_passphrase",
        "weak_passphrase",
        "key_not_found",
        "key_ambiguous",
        "no_key",
        "key_to_choose",
        "not_ed25519",
        "key_not_encrypted",
        "unsupported_encryption",
        "kdf_too_costly",
        "not_a_key",
        "key_damaged",
        "key_io",
        "missing_name",
        "key_exists",
        "randomness",
    ];
}

/// Parameters: `what` (the key), `reason`, `min` (characters), `selector`, `candidates` (joined
/// by "; "), `algorithm`, `path`, `existing` (the stored key), `detail` (English words).
impl Coded for KeyError {
    fn code(&self) -> &'static str {
        match self {
            KeyError::WrongPassphrase { .. } => "wrong_passphrase",
            KeyError::WeakPassphrase { .. } => "weak_passphrase",
            KeyError::NotFound { .. } => "key_not_found",
            KeyError::Ambiguous { .. } => "key_ambiguous",
            KeyError::NoKey { .. } => "no_key",
            KeyError::KeyToChoose { .. } => "key_to_choose",
            KeyError::NotEd25519 { .. } => "not_ed25519",
            KeyError::NotEncrypted => "key_not_encrypted",
            KeyError::UnsupportedEncryption { .. } => "unsupported_encryption",
            KeyError::KdfTooCostly { .. } => "kdf_too_costly",
            KeyError::Malformed { .. } => "not_a_key",
            KeyError::Corrupt { .. } => "key_damaged",
            KeyError::Io { .. } => "key_io",
            KeyError::MissingName => "missing_name",
            KeyError::AlreadyExists { .. } => "key_exists",
            KeyError::Randomness(_) => "randomness",
        }
    }

    fn params(&self) -> Params {
        match self {
            KeyError::WrongPassphrase { what } => vec![param("what", what)],
            KeyError::WeakPassphrase { reason } => {
                vec![param("reason", reason), param("min", MIN_PASSPHRASE_CHARS)]
            }
            KeyError::NotFound { selector, .. } => vec![param("selector", selector)],
            KeyError::Ambiguous {
                selector,
                candidates,
            } => vec![
                param("selector", selector),
                param("candidates", candidates.join("; ")),
            ],
            KeyError::KeyToChoose { candidates } => {
                vec![param("candidates", candidates.join("; "))]
            }
            KeyError::NotEd25519 { algorithm } => vec![param("algorithm", algorithm)],
            KeyError::UnsupportedEncryption { reason }
            | KeyError::KdfTooCostly { reason }
            | KeyError::Malformed { reason } => {
                vec![param("reason", reason)]
            }
            KeyError::Corrupt { path, reason } => {
                vec![param("path", path.display()), param("reason", reason)]
            }
            KeyError::Io { path, source } => {
                vec![param("path", path.display()), param("detail", source)]
            }
            KeyError::AlreadyExists { existing } => vec![param("existing", existing)],
            KeyError::Randomness(detail) => vec![param("detail", detail)],
            KeyError::NotEncrypted | KeyError::MissingName | KeyError::NoKey { .. } => Vec::new(),
        }
    }
}

/// A signature that does not match the message and the public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the signature does not match the message and the public key")]
pub struct BadSignature;

impl Coded for BadSignature {
    fn code(&self) -> &'static str {
        "bad_signature"
    }

    fn params(&self) -> Params {
        Vec::new()
    }
}
