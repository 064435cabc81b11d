//! Signing keys: Ed25519 key pairs, their fingerprints, and the passphrase-protected store.
//!
//! A signer's key is an Ed25519 key pair made from the operating system's randomness. It is
//! identified everywhere by its [`Fingerprint`]: the SHA-256 of the raw 32-byte public key,
//! shown as 16 groups of 4 upper-case hex digits.
//!
//! # Storage
//!
//! `KeyStore` (with the `fs` feature) keeps each key in `keys/<fingerprint-hex>/` of the
//! `Profile`:
//!
//! - `secret.pem`: the secret key, **only ever encrypted**, as an encrypted PKCS#8 PEM
//!   (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, RFC 5958) that `openssl pkey` reads with the
//!   passphrase. The PKCS#8 structure is version 1 with the 32-byte seed as RFC 8410 says,
//!   exactly as OpenSSL writes it. It is encrypted with PBES2 (RFC 8018): scrypt as the
//!   key-derivation function and AES-256-CBC as the cipher, with a fresh random 16-byte salt
//!   and IV per file. The scrypt cost is N = 2^14, r = 8, p = 8 ([`SCRYPT_LOG_N`],
//!   [`SCRYPT_R`], [`SCRYPT_P`]): 16 MiB of memory per guess, and 0.3 s to unlock in a
//!   release build on a 2-core development machine (0.15 s with p = 4, 0.25 s with p = 6;
//!   OpenSSL 3.0 takes about 0.45 s). N and r are the most that OpenSSL 3 reads by default
//!   (N = 2^15 exceeds its 32 MiB scrypt memory limit: "memory limit exceeded"), so the cost
//!   is raised with p instead. Mode 0600.
//! - `public.pem`: the public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
//! - `key.json`: what the key is for: name, organisation, function, creation time and
//!   fingerprint. Written last: a directory without it is an unfinished key and is ignored.
//!
//! Every file is written atomically (a reader never sees half a file) in a directory that is
//! private to the user (mode 0700). Secret material lives in memory only as long as needed,
//! in buffers that are zeroed when dropped ([`Zeroizing`], and ed25519-dalek's own
//! zeroize-on-drop signing key); it is never written anywhere in the clear, not even to a
//! temporary file. One copy is beyond this module's reach: the `pkcs5` crate does not zero
//! the AES key it derives from the passphrase (a stack buffer, overwritten soon after).
//!
//! An imported key (`import`) is decrypted to check the passphrase and learn the public key,
//! then stored **re-encrypted** with the same passphrase under the parameters above, so that
//! every stored key has the same, documented cost whatever the source used (OpenSSL's own
//! default, PBKDF2 with 2048 iterations, is cheap to guess).

use std::fmt;
#[cfg(feature = "fs")]
use std::fs;
use std::io;
#[cfg(feature = "fs")]
use std::path::Path;
use std::path::PathBuf;
use std::str::FromStr;

use base64::Engine as _;
use chrono::{DateTime, FixedOffset};
use ed25519_dalek::pkcs8::{DecodePublicKey, EncodePublicKey};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use pkcs8::der::pem::LineEnding;
use pkcs8::pkcs5::{pbes2, scrypt};
use pkcs8::{AlgorithmIdentifierRef, EncryptedPrivateKeyInfo, ObjectIdentifier, PrivateKeyInfo};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{param, Coded, CodedJson, Params};
#[cfg(feature = "fs")]
use crate::fsutil::{read_limited, write_atomic, write_atomic_private};
#[cfg(feature = "fs")]
use crate::profile::{create_private_dir, Profile};

/// The largest PEM file read, public or secret key: an Ed25519 public key in SPKI PEM is
/// 113 bytes, an encrypted PKCS#8 secret key about 400; 16 KiB leaves room for explanatory
/// text around the PEM block and refuses anything that cannot be a key before it is read.
pub const MAX_PEM_BYTES: u64 = 16 << 10;

/// The largest key metadata file (`key.json`) read: a name, an organisation, a function and
/// a few dates.
#[cfg(feature = "fs")]
const MAX_METADATA_BYTES: u64 = 64 << 10;

/// Reads a PEM key file (public or secret) of at most [`MAX_PEM_BYTES`], as UTF-8 text in
/// memory that is wiped when dropped. A larger file, or one that never ends, is refused
/// before it is read.
#[cfg(feature = "fs")]
pub fn read_pem_file(path: &Path) -> Result<Zeroizing<String>, KeyError> {
    read_text(path, MAX_PEM_BYTES)
}

/// A small text file of the key store, or one offered as a key: at most `limit` bytes.
#[cfg(feature = "fs")]
fn read_text(path: &Path, limit: u64) -> Result<Zeroizing<String>, KeyError> {
    let bytes = Zeroizing::new(read_limited(path, limit).map_err(io_error(path))?);
    let text = std::str::from_utf8(&bytes).map_err(|_| KeyError::Io {
        path: path.to_path_buf(),
        source: io::Error::new(io::ErrorKind::InvalidData, "it is not text (UTF-8)"),
    })?;
    Ok(Zeroizing::new(text.to_string()))
}

/// scrypt's cost parameter, as a power of two: N = 2^14 (the most OpenSSL 3 reads with r = 8).
pub const SCRYPT_LOG_N: u8 = 14;
/// scrypt's block size r.
pub const SCRYPT_R: u32 = 8;
/// scrypt's parallelism p: raises the time to unlock (to about 0.3 s) without raising the
/// memory past what OpenSSL reads.
pub const SCRYPT_P: u32 = 8;
/// The shortest passphrase a new or imported key accepts, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// id-Ed25519 (RFC 8410).
const ED25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const SECRET_LABEL: &str = "ENCRYPTED PRIVATE KEY";
#[cfg(feature = "fs")]
const SECRET_FILE: &str = "secret.pem";
#[cfg(feature = "fs")]
const PUBLIC_FILE: &str = "public.pem";
#[cfg(feature = "fs")]
const META_FILE: &str = "key.json";

/// The most memory a key's scrypt may ask for, 128·N·r bytes: 128 MiB (ours takes 16 MiB;
/// the `pkcs8` crate's default, N = 2^17 with r = 8 and p = 1, takes 128 MiB for the same
/// work as ours, and keys made with it must stay usable).
pub const MAX_SCRYPT_MEMORY: u64 = 128 << 20;
/// The most work a key's scrypt may ask for, N·r·p (scrypt mixes 128·N·r·p bytes twice):
/// 2^20, exactly what Tweevoud's own keys ask for ([`SCRYPT_LOG_N`], [`SCRYPT_R`],
/// [`SCRYPT_P`]). Memory, parallelism and iterations are capped together, not one by one: a
/// key at both caps unlocks in the time Tweevoud's own keys take.
pub const MAX_SCRYPT_WORK: u64 = 1 << 20;
/// The most PBKDF2 iterations a key may ask for: 2^16, 32 times what OpenSSL writes (2048). A
/// key imported is stored re-encrypted with Tweevoud's scrypt.
pub const MAX_PBKDF2_ITERATIONS: u32 = 1 << 16;

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
    /// ([`MAX_SCRYPT_MEMORY`], [`MAX_SCRYPT_WORK`], [`MAX_PBKDF2_ITERATIONS`]): refused before
    /// any of it is done.
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
            KeyError::NotEncrypted | KeyError::MissingName => Vec::new(),
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

#[cfg(feature = "fs")]
fn io_error(path: &Path) -> impl FnOnce(io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    }
}

// ---------------------------------------------------------------------------------------------
// Fingerprints

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

/// The lower-case hex digits of `selector` if it can be (a prefix of) a fingerprint: at least
/// 8 hex digits, spaces allowed between them.
#[cfg(feature = "fs")]
pub(crate) fn hex_prefix(selector: &str) -> Option<String> {
    let digits: String = selector.chars().filter(|c| !c.is_whitespace()).collect();
    let ok = (8..=64).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_hexdigit());
    ok.then(|| digits.to_ascii_lowercase())
}

/// What a selector (a fingerprint, a unique fingerprint prefix, or a name) picks from a list.
#[cfg(feature = "fs")]
pub(crate) enum Selection<'a, T> {
    One(&'a T),
    Many(Vec<&'a T>),
    None,
}

/// Picks by fingerprint prefix first, then by exact name, then by name ignoring case.
#[cfg(feature = "fs")]
pub(crate) fn select<'a, T>(
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

// ---------------------------------------------------------------------------------------------
// Public keys

/// An Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// A public key from its raw 32 bytes. Refuses bytes that are not a curve point and weak
    /// (small-order) keys, which no honest signer has.
    pub fn from_bytes(raw: &[u8; 32]) -> Result<PublicKey, KeyError> {
        let key = VerifyingKey::from_bytes(raw).map_err(|_| KeyError::Malformed {
            reason: "the 32 bytes are not an Ed25519 public key".into(),
        })?;
        if key.is_weak() {
            return Err(KeyError::Malformed {
                reason: "a weak (small-order) Ed25519 public key, which signs nothing securely"
                    .into(),
            });
        }
        Ok(PublicKey(key))
    }

    /// A public key from raw bytes, which must be 32.
    pub fn from_slice(raw: &[u8]) -> Result<PublicKey, KeyError> {
        let raw: &[u8; 32] = raw.try_into().map_err(|_| KeyError::Malformed {
            reason: format!(
                "an Ed25519 public key is 32 bytes, this is {} bytes",
                raw.len()
            ),
        })?;
        PublicKey::from_bytes(raw)
    }

    /// A public key from standard base64 of its raw 32 bytes.
    pub fn from_base64(text: &str) -> Result<PublicKey, KeyError> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|e| KeyError::Malformed {
                reason: format!("not base64 ({e})"),
            })?;
        PublicKey::from_slice(&raw)
    }

    /// A public key from SPKI PEM (`-----BEGIN PUBLIC KEY-----`, what `openssl pkey -pubout`
    /// writes).
    pub fn from_pem(pem: &str) -> Result<PublicKey, KeyError> {
        let (label, doc) =
            pkcs8::Document::from_pem(pem.trim()).map_err(|e| KeyError::Malformed {
                reason: format!("not a PEM file ({e})"),
            })?;
        match label {
            "PUBLIC KEY" => {}
            "PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" => {
                return Err(KeyError::Malformed {
                    reason: "this is a secret key; give the public key (`tweevoud key export`, or `openssl pkey -pubout`) and keep the secret one to yourself".into(),
                })
            }
            other => {
                return Err(KeyError::Malformed {
                    reason: format!("a PEM \"{other}\", not a \"PUBLIC KEY\""),
                })
            }
        }
        let spki = pkcs8::SubjectPublicKeyInfoRef::try_from(doc.as_bytes()).map_err(|e| {
            KeyError::Malformed {
                reason: format!("not a public key ({e})"),
            }
        })?;
        if spki.algorithm.oid != ED25519_OID {
            return Err(KeyError::NotEd25519 {
                algorithm: algorithm_name(spki.algorithm.oid),
            });
        }
        let key =
            VerifyingKey::from_public_key_der(doc.as_bytes()).map_err(|e| KeyError::Malformed {
                reason: format!("not an Ed25519 public key ({e})"),
            })?;
        PublicKey::from_bytes(key.as_bytes())
    }

    /// A public key from SPKI PEM or from base64 of the raw 32 bytes, whichever `text` is.
    pub fn parse(text: &str) -> Result<PublicKey, KeyError> {
        if text.trim_start().starts_with("-----BEGIN") {
            PublicKey::from_pem(text)
        } else {
            PublicKey::from_base64(text)
        }
    }

    /// SPKI PEM, with a final newline.
    pub fn to_pem(&self) -> String {
        self.0
            .to_public_key_pem(LineEnding::LF)
            .expect("an Ed25519 SPKI always encodes")
    }

    /// The raw 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// Standard base64 (with padding) of the raw 32 bytes.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.as_bytes())
    }

    /// The key's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_raw_public_key(self.as_bytes())
    }

    /// Checks an Ed25519 signature strictly (ed25519-dalek's `verify_strict`: no small-order
    /// keys or `R` values, canonical `S`), so that a signature has exactly one valid form.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8]) -> Result<(), BadSignature> {
        let signature =
            ed25519_dalek::Signature::from_slice(signature).map_err(|_| BadSignature)?;
        self.0
            .verify_strict(message, &signature)
            .map_err(|_| BadSignature)
    }

    /// The ed25519-dalek key underneath.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.0
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_base64())
    }
}

/// A readable name for the key algorithms people are likely to offer instead of Ed25519.
fn algorithm_name(oid: ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => "RSA".into(),
        "1.2.840.113549.1.1.10" => "RSA-PSS".into(),
        "1.2.840.10045.2.1" => "elliptic-curve (ECDSA)".into(),
        "1.2.840.10040.4.1" => "DSA".into(),
        "1.3.101.110" => "X25519".into(),
        "1.3.101.111" => "X448".into(),
        "1.3.101.113" => "Ed448".into(),
        other => format!("unknown-algorithm ({other})"),
    }
}

// ---------------------------------------------------------------------------------------------
// Passphrases

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

/// Refuses a passphrase that may not protect a new key: empty, or shorter than
/// [`MIN_PASSPHRASE_CHARS`] characters. (The [`passphrase_strength`] hint asks for more.)
pub fn check_new_passphrase(passphrase: &str) -> Result<(), KeyError> {
    let n = passphrase.chars().count();
    if n == 0 {
        return Err(KeyError::WeakPassphrase {
            reason: "the passphrase is empty, and a key needs one".into(),
        });
    }
    if n < MIN_PASSPHRASE_CHARS {
        return Err(KeyError::WeakPassphrase {
            reason: format!("the passphrase has only {n} characters"),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Encrypted PKCS#8

/// Why a PEM secret key could not be decrypted (before the caller adds which file).
enum Unseal {
    WrongPassphrase,
    Other(KeyError),
}

fn malformed(reason: impl Into<String>) -> Unseal {
    Unseal::Other(KeyError::Malformed {
        reason: reason.into(),
    })
}

/// A new secret key from the operating system's randomness (in a browser, the Web Crypto
/// API's).
fn fresh_signing_key() -> Result<SigningKey, KeyError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    OsRng
        .try_fill_bytes(&mut seed[..])
        .map_err(|e| KeyError::Randomness(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Encrypts the key's 32-byte seed as an encrypted PKCS#8 v1 PEM (see the module docs).
fn seal(signing: &SigningKey, passphrase: &str) -> Result<String, KeyError> {
    // PrivateKeyInfo.privateKey is an OCTET STRING holding CurvePrivateKey, itself an
    // OCTET STRING of the 32-byte seed (RFC 8410 section 7).
    let mut inner = Zeroizing::new([0u8; 34]);
    inner[0] = 0x04;
    inner[1] = 0x20;
    inner[2..].copy_from_slice(signing.as_bytes());
    let info = PrivateKeyInfo::new(
        AlgorithmIdentifierRef {
            oid: ED25519_OID,
            parameters: None,
        },
        &inner[..],
    );
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut salt)
        .and_then(|()| OsRng.try_fill_bytes(&mut iv))
        .map_err(|e| KeyError::Randomness(e.to_string()))?;
    let cost =
        scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, 32).expect("valid scrypt parameters");
    let params =
        pbes2::Parameters::scrypt_aes256cbc(cost, &salt, &iv).expect("valid PBES2 parameters");
    let encrypted = info
        .encrypt_with_params(params, passphrase.as_bytes())
        .map_err(|e| KeyError::Malformed {
            reason: format!("cannot encrypt the key ({e})"),
        })?;
    let pem = encrypted
        .to_pem(SECRET_LABEL, LineEnding::LF)
        .map_err(|e| KeyError::Malformed {
            reason: format!("cannot encode the key ({e})"),
        })?;
    Ok(pem.to_string())
}

/// Refuses KDF parameters that would take more memory or time than Tweevoud spends on trying
/// a passphrase (`docs/format.md`, "Keys and fingerprints"), from the parameters alone, before
/// any of the work.
fn check_kdf(params: &pbes2::Parameters<'_>) -> Result<(), Unseal> {
    let costly = |reason: String| Unseal::Other(KeyError::KdfTooCostly { reason });
    if let Some(s) = params.kdf.scrypt() {
        let (n, r, p) = (
            s.cost_parameter,
            u64::from(s.block_size),
            u64::from(s.parallelization),
        );
        let memory = 128u64.saturating_mul(n).saturating_mul(r);
        let work = n.saturating_mul(r).saturating_mul(p);
        if memory > MAX_SCRYPT_MEMORY || work > MAX_SCRYPT_WORK {
            return Err(costly(format!(
                "scrypt with N = {n}, r = {r}, p = {p}: 128·N·r must be at most {MAX_SCRYPT_MEMORY} \
                 bytes and N·r·p at most {MAX_SCRYPT_WORK}"
            )));
        }
    }
    if let Some(p) = params.kdf.pbkdf2() {
        if p.iteration_count > MAX_PBKDF2_ITERATIONS {
            return Err(costly(format!(
                "PBKDF2 with {} iterations: at most {MAX_PBKDF2_ITERATIONS}",
                p.iteration_count
            )));
        }
    }
    Ok(())
}

/// Decrypts an encrypted PKCS#8 PEM Ed25519 secret key.
fn unseal(pem: &str, passphrase: &str) -> Result<SigningKey, Unseal> {
    let (label, doc) = pkcs8::SecretDocument::from_pem(pem.trim())
        .map_err(|e| malformed(format!("not a PEM file ({e})")))?;
    match label {
        SECRET_LABEL => {}
        "PRIVATE KEY" => return Err(Unseal::Other(KeyError::NotEncrypted)),
        "PUBLIC KEY" => {
            return Err(malformed(
                "this is a public key; a secret key (\"ENCRYPTED PRIVATE KEY\") is needed",
            ))
        }
        other => {
            return Err(malformed(format!(
                "a PEM \"{other}\", not an \"ENCRYPTED PRIVATE KEY\" (PKCS#8)"
            )))
        }
    }
    let epki = EncryptedPrivateKeyInfo::try_from(doc.as_bytes())
        .map_err(|e| malformed(format!("not an encrypted PKCS#8 key ({e})")))?;
    let scheme = &epki.encryption_algorithm;
    let Some(pbes2) = scheme.pbes2() else {
        return Err(Unseal::Other(KeyError::UnsupportedEncryption {
            reason: format!("the old PBES1 scheme {}", scheme.oid()),
        }));
    };
    check_kdf(pbes2)?;
    let mut buffer = Zeroizing::new(epki.encrypted_data.to_vec());
    let plain = scheme
        .decrypt_in_place(passphrase.as_bytes(), &mut buffer)
        .map_err(|e| match e {
            pkcs8::pkcs5::Error::DecryptFailed | pkcs8::pkcs5::Error::EncryptFailed => {
                Unseal::WrongPassphrase
            }
            other => Unseal::Other(KeyError::UnsupportedEncryption {
                reason: other.to_string(),
            }),
        })?;
    // A wrong passphrase gives random bytes, whose padding is valid one time in 256: what
    // does not parse is a wrong passphrase too.
    let info = PrivateKeyInfo::try_from(plain).map_err(|_| Unseal::WrongPassphrase)?;
    if info.algorithm.oid != ED25519_OID {
        return Err(Unseal::Other(KeyError::NotEd25519 {
            algorithm: algorithm_name(info.algorithm.oid),
        }));
    }
    let seed: &[u8; 32] = match info.private_key {
        [0x04, 0x20, seed @ ..] => seed
            .try_into()
            .map_err(|_| malformed("the Ed25519 secret key is not 32 bytes"))?,
        _ => return Err(malformed("the Ed25519 secret key is not 32 bytes")),
    };
    let signing = SigningKey::from_bytes(seed);
    if let Some(public) = info.public_key {
        if public != signing.verifying_key().as_bytes() {
            return Err(malformed(
                "the public key inside does not belong to the secret key",
            ));
        }
    }
    Ok(signing)
}

// ---------------------------------------------------------------------------------------------
// The store

/// Times as RFC 3339 strings with seconds and the offset, e.g. `2026-11-23T10:00:00+01:00`.
pub(crate) mod rfc3339 {
    use chrono::{DateTime, FixedOffset, SecondsFormat};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn format(t: &DateTime<FixedOffset>) -> String {
        t.to_rfc3339_opts(SecondsFormat::Secs, false)
    }

    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<FixedOffset>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_some(&format(t)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|s| DateTime::parse_from_rfc3339(&s).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

/// What a stored key is for: the signer it stands for. This is `key.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    name: String,
    /// Absent when none (never `null`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::canonical::present"
    )]
    organisation: Option<String>,
    /// Absent when none (never `null`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::canonical::present"
    )]
    function: Option<String>,
    #[serde(with = "rfc3339")]
    created: DateTime<FixedOffset>,
    fingerprint: Fingerprint,
}

impl KeyInfo {
    /// The signer's name, e.g. "Tom Hendrix".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The signer's organisation, e.g. "Xtreme Internet Solutions BV".
    pub fn organisation(&self) -> Option<&str> {
        self.organisation.as_deref()
    }

    /// The signer's function, e.g. "CEO".
    pub fn function(&self) -> Option<&str> {
        self.function.as_deref()
    }

    /// When the key was made or imported.
    pub fn created(&self) -> DateTime<FixedOffset> {
        self.created
    }

    /// The key's fingerprint.
    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// "Tom Hendrix (Xtreme Internet Solutions BV)", or just the name.
    pub fn display_name(&self) -> String {
        match &self.organisation {
            Some(org) => format!("{} ({org})", self.name),
            None => self.name.clone(),
        }
    }

    /// "key Tom Hendrix (3B6A 27BC CEB6 A42D)": for messages.
    fn described(&self) -> String {
        format!("key {} ({})", self.name, self.fingerprint.short())
    }
}

/// Trims a text field; empty means absent.
fn field(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from)
}

/// Where one stored key's files are.
#[cfg(feature = "fs")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPaths {
    /// The key's directory, `keys/<fingerprint-hex>`.
    pub dir: PathBuf,
    /// The encrypted secret key.
    pub secret: PathBuf,
    /// The public key.
    pub public: PathBuf,
    /// The metadata.
    pub metadata: PathBuf,
}

/// A key decrypted for signing. The secret key is zeroed in memory when this is dropped.
pub struct UnlockedKey {
    signing: SigningKey,
    public: PublicKey,
    info: KeyInfo,
}

impl UnlockedKey {
    /// A key from a fixed 32-byte seed, for test vectors and worked examples; real keys come
    /// from `KeyStore::unlock` (with the `fs` feature), [`generate`](Self::generate) or
    /// [`unlock_pem`](Self::unlock_pem).
    pub fn from_seed(
        seed: &[u8; 32],
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        created: DateTime<FixedOffset>,
    ) -> Result<UnlockedKey, KeyError> {
        UnlockedKey::of(
            SigningKey::from_bytes(seed),
            name,
            organisation,
            function,
            created,
        )
    }

    /// A new key from the operating system's randomness (in a browser, the Web Crypto API's),
    /// held in memory only: [`to_encrypted_pem`](Self::to_encrypted_pem) gives its
    /// `secret.pem` and [`info`](Self::info) its `key.json`. (`KeyStore::create` makes and
    /// stores a key in one step.)
    pub fn generate(
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        created: DateTime<FixedOffset>,
    ) -> Result<UnlockedKey, KeyError> {
        field(Some(name)).ok_or(KeyError::MissingName)?;
        UnlockedKey::of(fresh_signing_key()?, name, organisation, function, created)
    }

    /// Decrypts an encrypted PKCS#8 PEM Ed25519 secret key made elsewhere (e.g. by `openssl
    /// genpkey -algorithm ed25519 -aes-256-cbc`), as a new key named `name`: what
    /// `KeyStore::import` does, without storing it.
    pub fn import_pem(
        secret_pem: &str,
        passphrase: &str,
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        created: DateTime<FixedOffset>,
    ) -> Result<UnlockedKey, KeyError> {
        field(Some(name)).ok_or(KeyError::MissingName)?;
        let signing = unseal(secret_pem, passphrase).map_err(|e| match e {
            Unseal::WrongPassphrase => KeyError::WrongPassphrase {
                what: "the key being imported".into(),
            },
            Unseal::Other(e) => e,
        })?;
        UnlockedKey::of(signing, name, organisation, function, created)
    }

    /// Decrypts a stored key for signing: its `secret.pem` (an encrypted PKCS#8 PEM) with
    /// `passphrase`, as its `key.json` (`info`) describes it.
    ///
    /// [`KeyError::WrongPassphrase`] if the passphrase is wrong; [`KeyError::Malformed`] if
    /// the PEM is not such a key or holds another key than `info`'s fingerprint says.
    pub fn unlock_pem(
        secret_pem: &str,
        passphrase: &str,
        info: KeyInfo,
    ) -> Result<UnlockedKey, KeyError> {
        let signing = unseal(secret_pem, passphrase).map_err(|e| match e {
            Unseal::WrongPassphrase => KeyError::WrongPassphrase {
                what: info.described(),
            },
            Unseal::Other(e) => e,
        })?;
        let public = PublicKey::from_bytes(signing.verifying_key().as_bytes())?;
        if public.fingerprint() != info.fingerprint {
            return Err(KeyError::Malformed {
                reason: format!(
                    "the secret key is not {} (it has another fingerprint)",
                    info.described()
                ),
            });
        }
        Ok(UnlockedKey {
            signing,
            public,
            info,
        })
    }

    /// The secret key as an encrypted PKCS#8 PEM, the `secret.pem` of the module docs (scrypt
    /// and AES-256-CBC, fresh random salt and IV), encrypted with `passphrase` (at least
    /// [`MIN_PASSPHRASE_CHARS`] characters, as for a stored key).
    pub fn to_encrypted_pem(&self, passphrase: &str) -> Result<String, KeyError> {
        check_new_passphrase(passphrase)?;
        seal(&self.signing, passphrase)
    }

    fn of(
        signing: SigningKey,
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        created: DateTime<FixedOffset>,
    ) -> Result<UnlockedKey, KeyError> {
        let public = PublicKey::from_bytes(signing.verifying_key().as_bytes())?;
        let name = field(Some(name)).ok_or(KeyError::MissingName)?;
        let info = KeyInfo {
            name,
            organisation: field(organisation),
            function: field(function),
            created,
            fingerprint: public.fingerprint(),
        };
        Ok(UnlockedKey {
            signing,
            public,
            info,
        })
    }

    /// Signs `message` (Ed25519, RFC 8032): the 64-byte signature.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// The public key.
    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// What the key is for.
    pub fn info(&self) -> &KeyInfo {
        &self.info
    }
}

impl crate::signature::Signer for UnlockedKey {
    fn public_key_bytes(&self) -> [u8; 32] {
        self.public.to_bytes()
    }

    fn sign_message(&self, message: &[u8]) -> [u8; 64] {
        self.sign(message)
    }

    fn seal_key(&self) -> Option<crate::seal::SealKey> {
        self.signing.seal_key()
    }
}

impl fmt::Debug for UnlockedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnlockedKey")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// The signing keys of a profile (see the module docs for the layout).
#[cfg(feature = "fs")]
#[derive(Debug, Clone)]
pub struct KeyStore {
    dir: PathBuf,
}

#[cfg(feature = "fs")]
impl KeyStore {
    /// The key store of `profile`. Nothing is read or created until it is used.
    pub fn open(profile: &Profile) -> KeyStore {
        KeyStore {
            dir: profile.keys_dir(),
        }
    }

    /// The keys directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the files of the key with this fingerprint are (whether or not it exists).
    pub fn paths(&self, fingerprint: &Fingerprint) -> KeyPaths {
        let dir = self.dir.join(fingerprint.hex());
        KeyPaths {
            secret: dir.join(SECRET_FILE),
            public: dir.join(PUBLIC_FILE),
            metadata: dir.join(META_FILE),
            dir,
        }
    }

    /// Makes a new key from the operating system's randomness and stores it, the secret key
    /// encrypted with `passphrase` (at least [`MIN_PASSPHRASE_CHARS`] characters).
    pub fn create(
        &self,
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        passphrase: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<KeyInfo, KeyError> {
        let name = field(Some(name)).ok_or(KeyError::MissingName)?;
        check_new_passphrase(passphrase)?;
        let signing = fresh_signing_key()?;
        self.store(&signing, name, organisation, function, passphrase, now)
    }

    /// Imports an encrypted PKCS#8 PEM Ed25519 secret key made elsewhere (e.g. by `openssl
    /// genpkey -algorithm ed25519 -aes-256-cbc`). It is decrypted with `passphrase` to check
    /// the passphrase and learn the public key, then stored re-encrypted with the same
    /// passphrase under this store's KDF parameters (see the module docs).
    pub fn import(
        &self,
        secret_pem: &str,
        passphrase: &str,
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> Result<KeyInfo, KeyError> {
        let name = field(Some(name)).ok_or(KeyError::MissingName)?;
        let signing = unseal(secret_pem, passphrase).map_err(|e| match e {
            Unseal::WrongPassphrase => KeyError::WrongPassphrase {
                what: "the key being imported".into(),
            },
            Unseal::Other(e) => e,
        })?;
        check_new_passphrase(passphrase)?;
        let fingerprint = Fingerprint::of_raw_public_key(signing.verifying_key().as_bytes());
        if let Some(existing) = self.find(&fingerprint)? {
            return Err(KeyError::AlreadyExists {
                existing: format!("{} ({})", existing.display_name(), fingerprint.short()),
            });
        }
        self.store(&signing, name, organisation, function, passphrase, now)
    }

    fn store(
        &self,
        signing: &SigningKey,
        name: String,
        organisation: Option<&str>,
        function: Option<&str>,
        passphrase: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<KeyInfo, KeyError> {
        let public = PublicKey::from_bytes(signing.verifying_key().as_bytes())?;
        let info = KeyInfo {
            name,
            organisation: field(organisation),
            function: field(function),
            created: now,
            fingerprint: public.fingerprint(),
        };
        let paths = self.paths(&info.fingerprint);
        let secret_pem = seal(signing, passphrase)?;
        create_private_dir(&paths.dir).map_err(io_error(&paths.dir))?;
        write_atomic_private(&paths.secret, secret_pem.as_bytes())
            .map_err(io_error(&paths.secret))?;
        write_atomic(&paths.public, public.to_pem().as_bytes()).map_err(io_error(&paths.public))?;
        let mut json = serde_json::to_string_pretty(&info).expect("key metadata serializes");
        json.push('\n');
        write_atomic(&paths.metadata, json.as_bytes()).map_err(io_error(&paths.metadata))?;
        Ok(info)
    }

    /// Every stored key, oldest first.
    pub fn list(&self) -> Result<Vec<KeyInfo>, KeyError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error(&self.dir)(e)),
        };
        let mut keys = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io_error(&self.dir))?;
            let Ok(fingerprint) = entry.file_name().to_string_lossy().parse::<Fingerprint>() else {
                continue;
            };
            if let Some(info) = self.find(&fingerprint)? {
                keys.push(info);
            }
        }
        keys.sort_by(|a, b| (a.created, &a.name).cmp(&(b.created, &b.name)));
        Ok(keys)
    }

    /// The key with exactly this fingerprint, if stored.
    pub fn find(&self, fingerprint: &Fingerprint) -> Result<Option<KeyInfo>, KeyError> {
        let path = self.paths(fingerprint).metadata;
        let text = match read_limited(&path, MAX_METADATA_BYTES).and_then(|b| {
            String::from_utf8(b).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        }) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&path)(e)),
        };
        let info: KeyInfo = serde_json::from_str(&text).map_err(|e| KeyError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if info.fingerprint != *fingerprint {
            return Err(KeyError::Corrupt {
                path,
                reason: "its fingerprint is not the directory's".into(),
            });
        }
        Ok(Some(info))
    }

    /// The key that `selector` names: a fingerprint (grouped or not), a unique prefix of one
    /// of at least 8 hex digits, or a unique name (exact, else ignoring case).
    pub fn get(&self, selector: &str) -> Result<KeyInfo, KeyError> {
        let keys = self.list()?;
        match select(&keys, selector, |k| &k.fingerprint, |k| &k.name) {
            Selection::One(info) => Ok(info.clone()),
            Selection::Many(matches) => Err(KeyError::Ambiguous {
                selector: selector.into(),
                candidates: matches
                    .iter()
                    .map(|k| format!("{} {}", k.name, k.fingerprint.short()))
                    .collect(),
            }),
            Selection::None => Err(KeyError::NotFound {
                selector: selector.into(),
                dir: self.dir.clone(),
            }),
        }
    }

    /// The public key of a stored key, checked against its fingerprint.
    pub fn public_key(&self, info: &KeyInfo) -> Result<PublicKey, KeyError> {
        let path = self.paths(&info.fingerprint).public;
        let pem = read_pem_file(&path)?;
        let key = PublicKey::from_pem(&pem).map_err(|e| KeyError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if key.fingerprint() != info.fingerprint {
            return Err(KeyError::Corrupt {
                path,
                reason: "it holds another key than its fingerprint says".into(),
            });
        }
        Ok(key)
    }

    /// The public key that `selector` names, as SPKI PEM: what to give the other party.
    pub fn export_public(&self, selector: &str) -> Result<String, KeyError> {
        let info = self.get(selector)?;
        Ok(self.public_key(&info)?.to_pem())
    }

    /// Decrypts the secret key that `selector` names, for signing.
    ///
    /// [`KeyError::WrongPassphrase`] if the passphrase is wrong; [`KeyError::Corrupt`] if the
    /// file is damaged or holds another key than its fingerprint says.
    pub fn unlock(&self, selector: &str, passphrase: &str) -> Result<UnlockedKey, KeyError> {
        let info = self.get(selector)?;
        let path = self.paths(&info.fingerprint).secret;
        let pem = read_pem_file(&path)?;
        let signing = unseal(&pem, passphrase).map_err(|e| match e {
            Unseal::WrongPassphrase => KeyError::WrongPassphrase {
                what: info.described(),
            },
            Unseal::Other(e) => KeyError::Corrupt {
                path: path.clone(),
                reason: e.to_string(),
            },
        })?;
        let public = PublicKey::from_bytes(signing.verifying_key().as_bytes())?;
        if public.fingerprint() != info.fingerprint {
            return Err(KeyError::Corrupt {
                path,
                reason: "it holds another key than its fingerprint says".into(),
            });
        }
        Ok(UnlockedKey {
            signing,
            public,
            info,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap()
    }

    /// RFC 8032 section 7.1, test 1.
    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn rfc_key() -> UnlockedKey {
        let seed: [u8; 32] = hex::decode(SEED).unwrap().try_into().unwrap();
        UnlockedKey::from_seed(&seed, "Test", None, None, now()).unwrap()
    }

    /// key.json's `organisation` and `function` are absent when there is none: `null` is
    /// refused, not read as absent (docs/format.md, "Keys and fingerprints").
    #[test]
    fn fail_key_info_with_null() {
        let info = serde_json::json!({
            "name": "Tom",
            "organisation": "XIS",
            "created": "2026-11-23T10:00:00+01:00",
            "fingerprint": "34750f98bd59fcfc946da45aaabe933be154a4b5094e1c4abf42866505f3c97e",
        });
        assert!(serde_json::from_value::<KeyInfo>(info.clone()).is_ok());
        for member in ["organisation", "function"] {
            let mut null = info.clone();
            null[member] = serde_json::Value::Null;
            assert!(serde_json::from_value::<KeyInfo>(null).is_err(), "{member}");
        }
    }

    #[test]
    fn fingerprint_is_sha256_of_the_raw_key_in_groups() {
        let key = rfc_key();
        assert_eq!(hex::encode(key.public().as_bytes()), PUBLIC);
        let fp = key.public().fingerprint();
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
        let fp = rfc_key().public().fingerprint();
        assert_eq!(fp.to_string().parse::<Fingerprint>().unwrap(), fp);
        assert_eq!(fp.hex().parse::<Fingerprint>().unwrap(), fp);
        assert_eq!(fp.hex().to_uppercase().parse::<Fingerprint>().unwrap(), fp);
        let json = serde_json::to_string(&fp).unwrap();
        assert_eq!(json, format!("\"{}\"", fp.hex()));
        assert_eq!(serde_json::from_str::<Fingerprint>(&json).unwrap(), fp);
    }

    #[test]
    fn fail_fingerprint_parse() {
        let fp = rfc_key().public().fingerprint();
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

    #[cfg(feature = "fs")]
    #[test]
    fn hex_prefixes_need_eight_digits() {
        assert_eq!(hex_prefix("ABCD 1234").as_deref(), Some("abcd1234"));
        assert_eq!(hex_prefix("abcd123"), None);
        assert_eq!(hex_prefix("Tom Hendrix"), None);
    }

    #[test]
    fn public_key_round_trips() {
        let key = *rfc_key().public();
        assert_eq!(PublicKey::from_pem(&key.to_pem()).unwrap(), key);
        assert_eq!(PublicKey::from_base64(&key.to_base64()).unwrap(), key);
        assert_eq!(PublicKey::parse(&key.to_pem()).unwrap(), key);
        assert_eq!(PublicKey::parse(&key.to_base64()).unwrap(), key);
        assert!(key.to_pem().starts_with("-----BEGIN PUBLIC KEY-----\n"));
    }

    #[test]
    fn sign_then_verify_strict() {
        let key = rfc_key();
        // RFC 8032 test 1: the empty message.
        let sig = key.sign(b"");
        assert_eq!(
            hex::encode(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155\
             5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        key.public().verify_strict(b"", &sig).unwrap();
        assert_eq!(key.public().verify_strict(b"x", &sig), Err(BadSignature));
        assert_eq!(
            key.public().verify_strict(b"", &sig[..63]),
            Err(BadSignature)
        );
    }

    proptest::proptest! {
        // Each case signs in an unoptimized build: 64 cases keep this under a second.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        #[test]
        fn fingerprint_round_trips(bytes: [u8; 32]) {
            let fp = Fingerprint(bytes);
            proptest::prop_assert_eq!(fp.to_string().parse::<Fingerprint>().unwrap(), fp);
            proptest::prop_assert_eq!(fp.hex().parse::<Fingerprint>().unwrap(), fp);
        }

        #[test]
        fn public_key_forms_and_signatures_round_trip(seed: [u8; 32], message: Vec<u8>) {
            let key = UnlockedKey::from_seed(&seed, "P", None, None, now()).unwrap();
            let public = *key.public();
            proptest::prop_assert_eq!(PublicKey::from_pem(&public.to_pem()).unwrap(), public);
            proptest::prop_assert_eq!(PublicKey::from_base64(&public.to_base64()).unwrap(), public);
            let sig = key.sign(&message);
            proptest::prop_assert!(public.verify_strict(&message, &sig).is_ok());
            let mut other = message.clone();
            other.push(0);
            proptest::prop_assert!(public.verify_strict(&other, &sig).is_err());
        }
    }

    #[test]
    fn fail_weak_public_key() {
        // The identity point: small order.
        let mut raw = [0u8; 32];
        raw[0] = 1;
        assert!(matches!(
            PublicKey::from_bytes(&raw),
            Err(KeyError::Malformed { .. })
        ));
    }

    #[test]
    fn seal_unseal_round_trip_and_wrong_passphrase() {
        let key = rfc_key();
        let pem = seal(&key.signing, "correct horse battery").unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        assert!(!pem
            .contains(&base64::engine::general_purpose::STANDARD.encode(key.signing.as_bytes())));
        let back = unseal(&pem, "correct horse battery").ok().unwrap();
        assert_eq!(back.as_bytes(), key.signing.as_bytes());
        assert!(matches!(
            unseal(&pem, "correct horse battery!"),
            Err(Unseal::WrongPassphrase)
        ));
    }

    #[test]
    fn keys_in_memory_round_trip_through_their_encrypted_pem() {
        let key = UnlockedKey::generate(" Tom Hendrix ", Some("XIS"), None, now()).unwrap();
        assert_eq!(key.info().name(), "Tom Hendrix");
        assert_eq!(key.info().fingerprint(), &key.public().fingerprint());
        assert!(matches!(
            key.to_encrypted_pem("kort"),
            Err(KeyError::WeakPassphrase { .. })
        ));
        let pem = key.to_encrypted_pem("lang genoeg").unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        let back = UnlockedKey::unlock_pem(&pem, "lang genoeg", key.info().clone()).unwrap();
        assert_eq!(back.public(), key.public());
        assert_eq!(back.sign(b"hello"), key.sign(b"hello"));
        let err = UnlockedKey::unlock_pem(&pem, "lang genoeg?", key.info().clone()).unwrap_err();
        assert!(
            err.to_string()
                .contains("wrong passphrase for key Tom Hendrix ("),
            "{err}"
        );
        let other = rfc_key();
        assert!(matches!(
            UnlockedKey::unlock_pem(&pem, "lang genoeg", other.info().clone()),
            Err(KeyError::Malformed { .. })
        ));
        let imported =
            UnlockedKey::import_pem(&pem, "lang genoeg", "Anne", None, None, now()).unwrap();
        assert_eq!(imported.public(), key.public());
        assert_eq!(imported.info().name(), "Anne");
        assert!(matches!(
            UnlockedKey::generate("  ", None, None, now()),
            Err(KeyError::MissingName)
        ));
    }

    #[cfg(feature = "fs")]
    #[test]
    fn a_stored_key_unlocks_from_its_files_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(&Profile::at(dir.path()));
        let info = store
            .create("Tom", None, None, "lang genoeg", now())
            .unwrap();
        let paths = store.paths(info.fingerprint());
        let pem = fs::read_to_string(&paths.secret).unwrap();
        let json: KeyInfo =
            serde_json::from_str(&fs::read_to_string(&paths.metadata).unwrap()).unwrap();
        let key = UnlockedKey::unlock_pem(&pem, "lang genoeg", json).unwrap();
        assert_eq!(key.info(), &info);
        assert_eq!(Some(*key.public()), store.public_key(&info).ok());
    }

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

    #[test]
    fn new_passphrases_need_eight_characters() {
        assert!(matches!(
            check_new_passphrase(""),
            Err(KeyError::WeakPassphrase { .. })
        ));
        assert!(matches!(
            check_new_passphrase("1234567"),
            Err(KeyError::WeakPassphrase { .. })
        ));
        check_new_passphrase("12345678").unwrap();
        // Characters, not bytes.
        assert!(check_new_passphrase("ééééééé").is_err());
    }

    #[cfg(feature = "fs")]
    #[test]
    fn store_create_get_unlock() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(&Profile::at(dir.path()));
        assert!(store.list().unwrap().is_empty());
        let info = store
            .create(
                "Tom Hendrix",
                Some("XIS"),
                Some("CEO"),
                "lang genoeg",
                now(),
            )
            .unwrap();
        assert_eq!(info.display_name(), "Tom Hendrix (XIS)");
        assert_eq!(store.list().unwrap(), vec![info.clone()]);
        assert_eq!(store.get("Tom Hendrix").unwrap(), info);
        assert_eq!(store.get("tom hendrix").unwrap(), info);
        assert_eq!(store.get(&info.fingerprint().short()).unwrap(), info);
        assert_eq!(store.get(&info.fingerprint().to_string()).unwrap(), info);
        assert!(matches!(store.get("Anne"), Err(KeyError::NotFound { .. })));
        let unlocked = store.unlock("Tom Hendrix", "lang genoeg").unwrap();
        let sig = unlocked.sign(b"hello");
        store
            .public_key(&info)
            .unwrap()
            .verify_strict(b"hello", &sig)
            .unwrap();
        let err = store.unlock("Tom Hendrix", "lang genoeg?").unwrap_err();
        assert!(matches!(err, KeyError::WrongPassphrase { .. }));
        let message = err.to_string();
        assert!(
            message.contains("wrong passphrase for key Tom Hendrix ("),
            "{message}"
        );
        assert!(message.contains(&info.fingerprint().short()), "{message}");
    }

    #[cfg(feature = "fs")]
    #[test]
    fn fail_damaged_secret_is_not_a_wrong_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(&Profile::at(dir.path()));
        let info = store
            .create("Tom", None, None, "lang genoeg", now())
            .unwrap();
        let path = store.paths(info.fingerprint()).secret;
        fs::write(
            &path,
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
        )
        .unwrap();
        assert!(matches!(
            store.unlock("Tom", "lang genoeg"),
            Err(KeyError::Corrupt { .. })
        ));
    }
}
