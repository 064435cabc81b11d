//! Signing keys: Ed25519 key pairs, their fingerprints, and their passphrase-protected form.
//!
//! A signer's key is an Ed25519 key pair made from the operating system's randomness. It is
//! identified everywhere by its [`Fingerprint`]: the SHA-256 of the raw 32-byte public key,
//! shown as 16 groups of 4 upper-case hex digits.
//!
//! One file per thing a key is made of or goes through:
//!
//! - `error`: [`KeyError`], every way a key can fail, with its stable code, and
//!   [`BadSignature`];
//! - `fingerprint`: [`Fingerprint`];
//! - `pem`: what both key files share, a PEM of at most [`MAX_PEM_BYTES`] naming Ed25519;
//! - `public`: [`PublicKey`], read from SPKI PEM or base64, and the strict check of a
//!   signature;
//! - `passphrase`: the shortest passphrase a key accepts and the strength hint
//!   ([`passphrase_strength`]);
//! - `pkcs8`: the secret key sealed with a passphrase as an encrypted PKCS#8 PEM (scrypt and
//!   AES-256-CBC), and the cap on the cost of a key made elsewhere;
//! - `info`: [`KeyInfo`], what a key is for (its `key.json`);
//! - `unlocked`: [`UnlockedKey`], a key decrypted for signing.
//!
//! Secret material lives in memory only as long as needed, in buffers that are zeroed when
//! dropped ([`zeroize::Zeroizing`], and ed25519-dalek's own zeroize-on-drop signing key); it
//! is never written anywhere in the clear, not even to a temporary file. One copy is beyond
//! this module's reach: the `pkcs5` crate does not zero the AES key it derives from the
//! passphrase (a stack buffer, overwritten soon after).
//!
//! Where a profile keeps its keys on disk (`KeyStore`, `KeyPaths`, `read_pem_file`, with the
//! `fs` feature) is the profile's (`crate::profile`).

mod error;
mod fingerprint;
mod info;
mod passphrase;
mod pem;
mod pkcs8;
mod public;
pub(crate) mod rfc3339;
mod unlocked;

pub use error::{BadSignature, KeyError};
pub use fingerprint::{Fingerprint, InvalidFingerprint};
pub(crate) use info::field;
pub use info::KeyInfo;
pub use passphrase::{
    passphrase_strength, Strength, StrengthLevel, StrengthReason, MIN_PASSPHRASE_CHARS,
};
pub use pem::MAX_PEM_BYTES;
pub use pkcs8::{
    check_new_passphrase, MAX_PBKDF2_ITERATIONS, MAX_SCRYPT_MEMORY, MAX_SCRYPT_WORK, SCRYPT_LOG_N,
    SCRYPT_P, SCRYPT_R,
};
pub use public::PublicKey;
pub use unlocked::UnlockedKey;
