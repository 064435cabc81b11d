//! Signatures: what exactly a party signs, and the signature record kept in the agreement file.
//!
//! A party signs one byte string: the domain tag [`SIGNATURE_TAG`], a line feed, and the
//! RFC 8785 canonical JSON of a [`Statement`]. The statement says everything that party saw
//! and agreed to: the template, the text as rendered at that moment, every value filled and
//! by whom, the blanks left open and for whom, who signs in which role, when, with which
//! key, and what was signed and recorded before. Nothing outside the statement is signed;
//! everything the verifier relies on is inside it. See `docs/format.md`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::canonical::to_canonical_json;
use crate::error::{Coded, Params};
use crate::party::Party;

/// The domain-separation tag that starts every signed message.
pub const SIGNATURE_TAG: &str = "tweevoud-signature/1";

/// Domain tag of a signature record's hash (how later signatures and the audit trail refer
/// to it).
pub const RECORD_TAG: &str = "tweevoud-signature-record/1";

/// A value filled into a blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filled {
    /// The blank's id.
    pub blank: String,
    /// The value, in its kind's normal form.
    pub value: String,
    /// Who filled it.
    pub filled_by: Party,
}

/// A blank left open by a signer, for the party that may still fill it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenBlank {
    /// The blank's id.
    pub blank: String,
    /// The party allowed to fill it.
    pub party: Party,
}

/// Who signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignerInfo {
    /// The party the signer signs for.
    pub role: Party,
    /// The signatory's name, as the agreement states it.
    pub name: String,
    /// The signatory's function, as the agreement states it.
    pub function: String,
    /// The organisation signed for, as the agreement states it.
    pub organisation: String,
}

/// What a party signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// SHA-256 of the template's canonical text, hex.
    pub template_sha256: String,
    /// SHA-256 of the agreement's canonical text as rendered when signing, hex.
    pub text_sha256: String,
    /// Every value filled at that moment, in template order.
    pub values: Vec<Filled>,
    /// Every blank still empty, with the party that may fill it, in template order.
    pub open: Vec<OpenBlank>,
    /// Who signs.
    pub signer: SignerInfo,
    /// When, RFC 3339 with the signer's offset, whole seconds.
    pub time: String,
    /// The signer's Ed25519 public key, 32 bytes, standard base64.
    pub public_key: String,
    /// The record hashes of the signatures made before, in order.
    pub previous_signatures: Vec<String>,
    /// The hash of the last audit-trail entry before this signature.
    pub audit_head: String,
}

/// A signature as stored in the agreement file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureRecord {
    /// What was signed.
    pub statement: Statement,
    /// The Ed25519 signature over [`Statement::message`], 64 bytes, standard base64.
    pub signature: String,
    /// Trusted timestamps of the signature (RFC 3161 tokens over the 64 signature bytes),
    /// added when it was made or later (`tweevoud-agreement/2`). Not part of the record hash:
    /// a timestamp added later changes no signature.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<TimestampRecord>,
    /// The binding of the signer's key to its owner's eID (`tweevoud-agreement/2`), put in
    /// by signing with a bound key. Not part of the record hash: signed by the key itself
    /// (and the eID), it vouches for itself, and names the key, not this signature.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::canonical::present"
    )]
    pub eid_binding: Option<crate::eid::Binding>,
}

/// A trusted timestamp kept with a signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimestampRecord {
    /// The token (the DER of its CMS ContentInfo), standard base64.
    pub token: String,
}

/// Something that can sign: an unlocked key.
pub trait Signer {
    /// The 32-byte Ed25519 public key.
    fn public_key_bytes(&self) -> [u8; 32];
    /// An Ed25519 signature over `message`.
    fn sign_message(&self, message: &[u8]) -> [u8; 64];
    /// The key's companion for sealing PDFs (`crate::seal`), bound by this key; `None` only
    /// for the chance of about 2^-2048 that no companion can be derived.
    fn seal_key(&self) -> Option<crate::seal::SealKey>;
    /// The key's binding to its owner's eID, when it has one: signing puts it in the
    /// signature's record.
    fn eid_binding(&self) -> Option<&crate::eid::Binding> {
        None
    }
}

impl Signer for ed25519_dalek::SigningKey {
    fn public_key_bytes(&self) -> [u8; 32] {
        self.verifying_key().to_bytes()
    }

    fn sign_message(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer as _;
        self.sign(message).to_bytes()
    }

    fn seal_key(&self) -> Option<crate::seal::SealKey> {
        let companion = crate::seal::companion_key(&self.to_bytes())?;
        Some(crate::seal::SealKey::new(
            companion,
            self.public_key_bytes(),
            |m| self.sign_message(m),
        ))
    }
}

/// Why a signature's cryptography does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The public key is not 32 bytes of base64, or not a valid Ed25519 point.
    #[error("the public key is not a valid Ed25519 key")]
    BadPublicKey,
    /// The signature is not 64 bytes of base64.
    #[error("the signature value is malformed")]
    BadSignatureEncoding,
    /// The signature does not verify over the statement.
    #[error("the signature does not match what was signed (the signed statement or the signature was altered)")]
    Mismatch,
}

impl SignatureError {
    /// Every code of [`SignatureError`].
    pub const CODES: &'static [&'static str] = &[
        "bad_public_key",
        "bad_signature_encoding",
        "signature_mismatch",
    ];
}

impl Coded for SignatureError {
    fn code(&self) -> &'static str {
        match self {
            SignatureError::BadPublicKey => "bad_public_key",
            SignatureError::BadSignatureEncoding => "bad_signature_encoding",
            SignatureError::Mismatch => "signature_mismatch",
        }
    }

    fn params(&self) -> Params {
        match self {
            SignatureError::BadPublicKey
            | SignatureError::BadSignatureEncoding
            | SignatureError::Mismatch => Vec::new(),
        }
    }
}

impl Statement {
    /// The exact bytes that are signed: `SIGNATURE_TAG || LF || JCS(statement)`.
    pub fn message(&self) -> Vec<u8> {
        message_of(&to_canonical_json(self))
    }

    /// The public key's raw bytes, if the field is valid base64 of 32 bytes.
    pub fn public_key_bytes(&self) -> Result<[u8; 32], SignatureError> {
        let bytes = B64
            .decode(&self.public_key)
            .map_err(|_| SignatureError::BadPublicKey)?;
        bytes.try_into().map_err(|_| SignatureError::BadPublicKey)
    }

    /// SHA-256 of the raw public key: the key's fingerprint.
    pub fn fingerprint(&self) -> Result<[u8; 32], SignatureError> {
        Ok(Sha256::digest(self.public_key_bytes()?).into())
    }
}

impl SignatureRecord {
    /// Signs a statement.
    pub fn sign(statement: Statement, signer: &dyn Signer) -> SignatureRecord {
        let sig = signer.sign_message(&statement.message());
        SignatureRecord {
            statement,
            signature: B64.encode(sig),
            timestamps: Vec::new(),
            eid_binding: signer.eid_binding().cloned(),
        }
    }

    /// The 64 signature bytes, when the record's value is 64 bytes of base64: what a
    /// timestamp of the signature stamps.
    pub fn signature_bytes(&self) -> Option<[u8; 64]> {
        B64.decode(&self.signature).ok()?.try_into().ok()
    }

    /// Checks the Ed25519 signature over the statement, with strict verification (no
    /// small-order keys, no non-canonical encodings).
    pub fn verify(&self) -> Result<(), SignatureError> {
        self.verify_message(&self.statement.message())
    }

    /// [`SignatureRecord::verify`] and [`SignatureRecord::record_hash`] at once: the
    /// statement is canonicalized once for both (a verifier needs both for every signature).
    pub fn verify_and_hash(&self) -> (Result<(), SignatureError>, String) {
        let statement = to_canonical_json(&self.statement);
        (
            self.verify_message(&message_of(&statement)),
            record_hash_of(&self.signature, &statement),
        )
    }

    fn verify_message(&self, message: &[u8]) -> Result<(), SignatureError> {
        let key_bytes = self.statement.public_key_bytes()?;
        let key = VerifyingKey::from_bytes(&key_bytes).map_err(|_| SignatureError::BadPublicKey)?;
        let sig_bytes: [u8; 64] = B64
            .decode(&self.signature)
            .map_err(|_| SignatureError::BadSignatureEncoding)?
            .try_into()
            .map_err(|_| SignatureError::BadSignatureEncoding)?;
        let sig = Signature::from_bytes(&sig_bytes);
        key.verify_strict(message, &sig)
            .map_err(|_| SignatureError::Mismatch)
    }

    /// `SHA-256(RECORD_TAG || LF || JCS(record))`, hex: how later signatures and the audit
    /// trail name this signature.
    pub fn record_hash(&self) -> String {
        record_hash_of(&self.signature, &to_canonical_json(&self.statement))
    }
}

/// `SIGNATURE_TAG || LF || statement`, the statement already canonical.
fn message_of(statement: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(SIGNATURE_TAG.len() + 1 + statement.len());
    m.extend_from_slice(SIGNATURE_TAG.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(statement);
    m
}

/// The record hash from its parts, the statement already canonical. A record has two
/// members, `signature` and `statement`, in that (sorted) order; JCS writes an object member
/// by member, a nested object in its own canonical form, so the record's canonical JSON is
/// put together here without canonicalizing the statement again (a test holds this equal to
/// canonicalizing the record).
fn record_hash_of(signature: &str, statement: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(RECORD_TAG.as_bytes());
    h.update(b"\n{\"signature\":");
    h.update(to_canonical_json(&signature));
    h.update(b",\"statement\":");
    h.update(statement);
    h.update(b"}");
    hex::encode(h.finalize())
}

/// Standard base64 of 32 public-key bytes.
pub fn encode_public_key(bytes: &[u8; 32]) -> String {
    B64.encode(bytes)
}
