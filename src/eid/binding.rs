//! The binding of a Tweevoud key to its owner's Belgian eID.
//!
//! A binding is a statement that names an Ed25519 public key, its P-256 companion (the key
//! that seals PDFs), the SHA-256 of an eID Signature certificate and a time, signed by BOTH
//! keys: the Ed25519 key (so that no one binds a key they do not hold) and the eID's Signature
//! key (so that no one binds a key to a card they do not hold). It carries the certificate,
//! the CA certificates the card holds and, when one was had, the OCSP answer about the
//! certificate. Its bytes, its limits and its check are specified in `docs/format.md`, "The
//! eID binding".
//!
//! Nothing here touches a file or a device: [`Binding::make`] asks a [`Card`] for its
//! signature, [`Binding::check`] decides from the binding's bytes, a time and the anchors
//! alone.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Card, CardError, CardHash, MAX_CERTIFICATE_BYTES, MAX_OCSP_BYTES};
use crate::canonical::{sha256_hex, to_canonical_json};
use crate::error::{param, Coded, Params};
use crate::signature::Signer;

/// The domain tag that starts the message both keys sign.
pub const BINDING_TAG: &str = "tweevoud-eid-binding/1";
/// The largest binding: its canonical JSON, in bytes (48 KiB).
pub const MAX_BINDING_BYTES: usize = 48 << 10;
/// The most CA certificates a binding carries: as many as a path check is offered.
pub const MAX_CHAIN: usize = super::MAX_OFFERED;
/// The largest eID signature a binding carries (an RSA-4096 signature is 512 bytes).
pub const MAX_EID_SIGNATURE_BYTES: usize = 1024;

/// The label of the PEM block a key file carries its key's binding in, after the key's own.
pub const KEY_FILE_LABEL: &str = "TWEEVOUD EID BINDING";

/// Splits a key file (a public or a secret key's PEM) into the key's own text and the text of
/// the binding block after it, if any ([`KEY_FILE_LABEL`]).
pub fn split_key_file(text: &str) -> (&str, Option<&str>) {
    let begin = format!("-----BEGIN {KEY_FILE_LABEL}-----");
    match text.find(&begin) {
        Some(at) => (&text[..at], Some(&text[at..])),
        None => (text, None),
    }
}

/// A key file: the key's PEM `pem` followed by `binding`'s block, when there is one and the
/// whole stays within a key file's cap ([`crate::key::MAX_PEM_BYTES`]); otherwise `pem`
/// alone (the binding still travels with every signature the key makes).
pub fn key_file(pem: &str, binding: Option<&Binding>) -> String {
    let mut file = pem.to_string();
    if let Some(b) = binding {
        let block = b.to_pem();
        if (file.len() + block.len()) as u64 <= crate::key::MAX_PEM_BYTES {
            file.push_str(&block);
        }
    }
    file
}

/// What both keys sign: `BINDING_TAG || LF || JCS(statement)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindingStatement {
    /// The Ed25519 public key bound, 32 bytes, standard base64.
    pub public_key: String,
    /// Its companion P-256 public key (the key that seals PDFs), 65 bytes (uncompressed
    /// SEC1), standard base64.
    pub companion: String,
    /// SHA-256 of the eID Signature certificate's DER, lower-case hex.
    pub certificate_sha256: String,
    /// When it was made (a time of `docs/format.md`, Conventions).
    pub time: String,
}

impl BindingStatement {
    /// The bytes both keys sign.
    pub fn message(&self) -> Vec<u8> {
        let statement = to_canonical_json(self);
        let mut m = Vec::with_capacity(BINDING_TAG.len() + 1 + statement.len());
        m.extend_from_slice(BINDING_TAG.as_bytes());
        m.push(b'\n');
        m.extend_from_slice(&statement);
        m
    }
}

/// A key bound to an eID, as an agreement file, a profile and a public key file carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    /// What both keys signed.
    pub statement: BindingStatement,
    /// The Ed25519 signature over the statement's message, 64 bytes, standard base64.
    pub signature: String,
    /// The eID Signature key's signature over the same message: RSA PKCS #1 v1.5 with
    /// SHA-256, or ECDSA P-384 with SHA-384 (DER `Ecdsa-Sig-Value`); standard base64.
    pub eid_signature: String,
    /// The eID Signature certificate, DER, standard base64.
    pub certificate: String,
    /// The CA certificates the card holds (Citizen CA, then root), DER, standard base64.
    pub chain: Vec<String>,
    /// The OCSP answer (`OCSPResponse`, DER, standard base64) about the certificate, when one
    /// was had when binding; absent otherwise (never `null`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::canonical::present"
    )]
    pub ocsp: Option<String>,
}

/// A UTC time as the format writes times (`+00:00`, whole seconds).
fn utc(t: DateTime<Utc>) -> String {
    t.fixed_offset().to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// The hash the eID signs a binding with, by its certificate's key: SHA-256 for RSA, SHA-384
/// for P-384; any other key cannot sign a binding.
fn card_hash_of(certificate: &[u8]) -> Result<CardHash, BindingProblem> {
    let cert = super::pki::read(certificate).map_err(BindingProblem::Path)?;
    super::KeyKind::of(&cert.cert)
        .hash()
        .ok_or_else(|| BindingProblem::EidSignature {
            reason: "the certificate's key is neither RSA of 2048 bits or more nor ECDSA P-384"
                .into(),
        })
}

/// The largest standard base64 of `n` bytes.
const fn b64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// Why a binding cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindError {
    /// The card could not sign (its own code).
    #[error(transparent)]
    Card(#[from] CardError),
    /// What was made does not hold (the card's certificate is not the one its key signs
    /// with, or it carries more than a binding may).
    #[error("the eID binding made does not hold: {0}")]
    Made(BindingProblem),
    /// The key has no companion (a chance of about 2^-2048).
    #[error("this key has no companion key to bind")]
    NoCompanion,
}

impl BindError {
    /// Every code of its own variants.
    pub const CODES: &'static [&'static str] = &["eid_binding_no_companion"];
}

impl Coded for BindError {
    fn code(&self) -> &'static str {
        match self {
            BindError::Card(e) => e.code(),
            BindError::Made(p) => p.code(),
            BindError::NoCompanion => "eid_binding_no_companion",
        }
    }

    fn params(&self) -> Params {
        match self {
            BindError::Card(e) => e.params(),
            BindError::Made(p) => p.params(),
            BindError::NoCompanion => Vec::new(),
        }
    }
}

/// Why a binding does not confirm its key's owner. Each is a problem of the signature whose
/// record carries the binding (`docs/format.md`, "The eID binding").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindingProblem {
    /// The binding is not of the shape the format gives, or over its limits.
    #[error("the eID binding cannot be read: {reason}")]
    Unreadable {
        /// English words.
        reason: String,
    },
    /// The binding binds another key, or its Ed25519 signature does not hold.
    #[error("the eID binding is of another key: {reason}")]
    OtherKey {
        /// English words.
        reason: String,
    },
    /// The eID's signature over the binding does not hold (or the certificate is not the one
    /// it names).
    #[error("the eID's signature over the binding does not hold: {reason}")]
    EidSignature {
        /// English words.
        reason: String,
    },
    /// The certificate does not chain to an anchor, is not valid at the signing time, or is
    /// not a Signature certificate (the path check's own code).
    #[error("{0}")]
    Path(super::PathProblem),
    /// The OCSP answer kept with the binding does not hold (it is not a current answer of the
    /// certificate's responder about it), or says the certificate was revoked at or before
    /// the signing time, or that its responder does not know it: the OCSP check's own code.
    #[error("{0}")]
    Ocsp(super::OcspProblem),
}

impl BindingProblem {
    /// Every code of its own variants (a wrapping variant gives the wrapped check's code).
    pub const CODES: &'static [&'static str] = &[
        "eid_binding_unreadable",
        "eid_binding_key",
        "eid_binding_signature",
    ];

    fn unreadable(reason: impl Into<String>) -> BindingProblem {
        BindingProblem::Unreadable {
            reason: reason.into(),
        }
    }
}

/// Parameters: `reason` (English words); a wrapped check's own.
impl Coded for BindingProblem {
    fn code(&self) -> &'static str {
        match self {
            BindingProblem::Unreadable { .. } => "eid_binding_unreadable",
            BindingProblem::OtherKey { .. } => "eid_binding_key",
            BindingProblem::EidSignature { .. } => "eid_binding_signature",
            BindingProblem::Path(p) => p.code(),
            BindingProblem::Ocsp(p) => p.code(),
        }
    }

    fn params(&self) -> Params {
        match self {
            BindingProblem::Unreadable { reason }
            | BindingProblem::OtherKey { reason }
            | BindingProblem::EidSignature { reason } => vec![param("reason", reason)],
            BindingProblem::Path(p) => p.params(),
            BindingProblem::Ocsp(p) => p.params(),
        }
    }
}

/// What a binding that holds says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Confirmation {
    /// The holder's name as the certificate gives it (given names, surname).
    pub holder: String,
    /// SHA-256 of the Signature certificate, hex.
    pub certificate_sha256: String,
    /// The root the certificate chains to, as its subject names it.
    pub root: String,
    /// Until when the certificate is valid, RFC 3339 in UTC.
    pub valid_until: String,
    /// What the kept OCSP answer says.
    pub revocation: Revocation,
    /// The time the certificate was checked at (the signing time), RFC 3339.
    pub checked_at: String,
    /// When the binding was made (its statement's time).
    pub bound: String,
}

/// What is known of the certificate's revocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Revocation {
    /// The kept OCSP answer says the certificate was good when it was produced.
    Good {
        /// The answer's `thisUpdate`, RFC 3339 in UTC.
        this_update: String,
    },
    /// The kept OCSP answer says the certificate was revoked after it signed.
    RevokedLater {
        /// When it was revoked, RFC 3339 in UTC.
        revoked: String,
    },
    /// No OCSP answer was kept: revocation was not checked.
    NotChecked,
}

/// A binding that holds: what it says, and the holder it names (whose national register
/// number is for comparison only: never shown in full).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmed {
    /// What it says.
    pub confirmation: Confirmation,
    /// The holder the certificate names.
    pub holder: super::Holder,
}

/// The parts of a binding, decoded.
struct Decoded {
    public_key: [u8; 32],
    signature: [u8; 64],
    eid_signature: Vec<u8>,
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    ocsp: Option<Vec<u8>>,
}

fn decode(what: &str, value: &str, max: usize) -> Result<Vec<u8>, BindingProblem> {
    if value.len() > b64_len(max) {
        return Err(BindingProblem::unreadable(format!(
            "its {what} is larger than {max} bytes"
        )));
    }
    let bytes = B64
        .decode(value)
        .map_err(|_| BindingProblem::unreadable(format!("its {what} is not base64")))?;
    if bytes.is_empty() || bytes.len() > max {
        return Err(BindingProblem::unreadable(format!(
            "its {what} is empty or larger than {max} bytes"
        )));
    }
    Ok(bytes)
}

fn exact<const N: usize>(what: &str, value: &str) -> Result<[u8; N], BindingProblem> {
    decode(what, value, N)?
        .try_into()
        .map_err(|_| BindingProblem::unreadable(format!("its {what} is not {N} bytes")))
}

impl Binding {
    /// Binds `key` to `card`'s holder at `now`, keeping `ocsp` (an `OCSPResponse`, DER)
    /// when one was had. The card is asked for one signature; what is made is checked as
    /// [`check_own`](Self::check_own) does (both signatures, the limits) before it is
    /// returned. Whether the certificate chains to an anchor is for a verifier to say.
    pub fn make(
        card: &dyn Card,
        key: &dyn Signer,
        now: DateTime<FixedOffset>,
        ocsp: Option<&[u8]>,
    ) -> Result<Binding, BindError> {
        let companion = key.seal_key().ok_or(BindError::NoCompanion)?;
        let public_key = key.public_key_bytes();
        let statement = BindingStatement {
            public_key: B64.encode(public_key),
            companion: B64.encode(companion.point()),
            certificate_sha256: sha256_hex(card.certificate()),
            time: now.to_rfc3339_opts(SecondsFormat::Secs, false),
        };
        let message = statement.message();
        let eid_signature = card.sign_digest(&card.hash().digest(&message))?;
        let binding = Binding {
            signature: B64.encode(key.sign_message(&message)),
            eid_signature: B64.encode(eid_signature),
            certificate: B64.encode(card.certificate()),
            chain: card.chain().iter().map(|c| B64.encode(c)).collect(),
            ocsp: ocsp.map(|o| B64.encode(o)),
            statement,
        };
        binding.check_own(&public_key).map_err(BindError::Made)?;
        Ok(binding)
    }

    /// Reads a binding from its JSON (a profile's `eid-binding.json`, a public key file's
    /// block), within its limits ([`check_limits`](Self::check_limits)).
    pub fn from_json(text: &str) -> Result<Binding, BindingProblem> {
        if text.len() > MAX_BINDING_BYTES {
            return Err(BindingProblem::unreadable(format!(
                "it is larger than {MAX_BINDING_BYTES} bytes"
            )));
        }
        let binding: Binding = serde_json::from_str(text)
            .map_err(|e| BindingProblem::unreadable(format!("it is not a binding: {e}")))?;
        binding.check_limits()?;
        Ok(binding)
    }

    /// The binding's canonical JSON: how a profile keeps it.
    pub fn to_json(&self) -> String {
        String::from_utf8(to_canonical_json(self)).unwrap_or_default()
    }

    /// The binding as a key file carries it: a PEM block labelled [`KEY_FILE_LABEL`] whose
    /// body is the base64 of its canonical JSON, in lines of 64 characters.
    pub fn to_pem(&self) -> String {
        let body = B64.encode(self.to_json());
        let mut pem = format!("-----BEGIN {KEY_FILE_LABEL}-----\n");
        for line in body.as_bytes().chunks(64) {
            pem.push_str(&String::from_utf8_lossy(line));
            pem.push('\n');
        }
        pem.push_str(&format!("-----END {KEY_FILE_LABEL}-----\n"));
        pem
    }

    /// Reads the binding block of a key file ([`to_pem`](Self::to_pem)), within the limits
    /// of [`from_json`](Self::from_json); nothing but white space may follow it.
    pub fn from_pem(block: &str) -> Result<Binding, BindingProblem> {
        let unreadable = |why: &str| BindingProblem::unreadable(format!("its PEM block {why}"));
        let begin = format!("-----BEGIN {KEY_FILE_LABEL}-----");
        let end = format!("-----END {KEY_FILE_LABEL}-----");
        let body = block
            .trim()
            .strip_prefix(&begin)
            .ok_or_else(|| unreadable("does not begin as one"))?;
        let body = body
            .strip_suffix(&end)
            .ok_or_else(|| unreadable("does not end as one"))?;
        if body.len() > b64_len(MAX_BINDING_BYTES) + b64_len(MAX_BINDING_BYTES) / 64 + 2 {
            return Err(unreadable("is too large"));
        }
        let compact: String = body.split_ascii_whitespace().collect();
        let json = B64
            .decode(compact)
            .map_err(|_| unreadable("is not base64"))?;
        let text = String::from_utf8(json).map_err(|_| unreadable("is not text"))?;
        Binding::from_json(&text)
    }

    /// The limits a reader checks before any work: at most [`MAX_CHAIN`] CA certificates,
    /// each member no longer than its cap, the whole at most [`MAX_BINDING_BYTES`] of
    /// canonical JSON.
    pub fn check_limits(&self) -> Result<(), BindingProblem> {
        if self.chain.len() > MAX_CHAIN {
            return Err(BindingProblem::unreadable(format!(
                "it carries more than {MAX_CHAIN} CA certificates"
            )));
        }
        let long = |s: &str, max: usize| s.len() > b64_len(max);
        if long(&self.certificate, MAX_CERTIFICATE_BYTES)
            || self.chain.iter().any(|c| long(c, MAX_CERTIFICATE_BYTES))
            || self
                .ocsp
                .as_deref()
                .is_some_and(|o| long(o, MAX_OCSP_BYTES))
            || long(&self.eid_signature, MAX_EID_SIGNATURE_BYTES)
            || self.statement.public_key.len() > 64
            || self.statement.companion.len() > 128
            || self.statement.certificate_sha256.len() > 64
            || self.statement.time.len() > 64
            || self.signature.len() > 128
        {
            return Err(BindingProblem::unreadable(
                "a member is larger than its limit",
            ));
        }
        if to_canonical_json(self).len() > MAX_BINDING_BYTES {
            return Err(BindingProblem::unreadable(format!(
                "it is larger than {MAX_BINDING_BYTES} bytes"
            )));
        }
        Ok(())
    }

    fn decoded(&self) -> Result<Decoded, BindingProblem> {
        self.check_limits()?;
        let s = &self.statement;
        let public_key = exact::<32>("public key", &s.public_key)?;
        let companion = exact::<65>("companion key", &s.companion)?;
        if companion[0] != 0x04 {
            return Err(BindingProblem::unreadable(
                "its companion key is not an uncompressed point",
            ));
        }
        if s.certificate_sha256.len() != 64
            || !s
                .certificate_sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(BindingProblem::unreadable(
                "its certificate_sha256 is not 64 lower-case hex digits",
            ));
        }
        if crate::time::parse_time(&s.time).is_none() {
            return Err(BindingProblem::unreadable("its time is not a time"));
        }
        Ok(Decoded {
            public_key,
            signature: exact::<64>("Ed25519 signature", &self.signature)?,
            eid_signature: decode(
                "eID signature",
                &self.eid_signature,
                MAX_EID_SIGNATURE_BYTES,
            )?,
            certificate: decode("certificate", &self.certificate, MAX_CERTIFICATE_BYTES)?,
            chain: self
                .chain
                .iter()
                .map(|c| decode("CA certificate", c, MAX_CERTIFICATE_BYTES))
                .collect::<Result<_, _>>()?,
            ocsp: self
                .ocsp
                .as_deref()
                .map(|o| decode("OCSP answer", o, MAX_OCSP_BYTES))
                .transpose()?,
        })
    }

    /// The name of the holder its certificate names, when it is a Signature certificate that
    /// can be read, whatever its path and its signatures: who the binding claims its key's
    /// owner is (to report a binding that does not hold; never a confirmation).
    pub fn claimed_holder(&self) -> Option<String> {
        let certificate = decode("certificate", &self.certificate, MAX_CERTIFICATE_BYTES).ok()?;
        super::signature_certificate_holder(&certificate)
            .ok()
            .map(|h| h.name)
    }

    /// The Ed25519 public key it binds, when it can be read.
    pub fn public_key(&self) -> Option<[u8; 32]> {
        exact::<32>("public key", &self.statement.public_key).ok()
    }

    /// What holds of the binding itself, whatever the anchors and the time: it can be read,
    /// it binds `public_key`, and both its signatures hold. (What a profile checks before it
    /// keeps a binding with a key, and a contact's.)
    pub fn check_own(&self, public_key: &[u8; 32]) -> Result<(), BindingProblem> {
        self.check_signatures(&self.decoded()?, public_key)
    }

    fn check_signatures(&self, d: &Decoded, public_key: &[u8; 32]) -> Result<(), BindingProblem> {
        if &d.public_key != public_key {
            return Err(BindingProblem::OtherKey {
                reason: "it binds another key than the one that signed".into(),
            });
        }
        let message = self.statement.message();
        let holds = VerifyingKey::from_bytes(&d.public_key).is_ok_and(|k| {
            k.verify_strict(&message, &Signature::from_bytes(&d.signature))
                .is_ok()
        });
        if !holds {
            return Err(BindingProblem::OtherKey {
                reason: "its Ed25519 signature does not hold".into(),
            });
        }
        if hex::encode(Sha256::digest(&d.certificate)) != self.statement.certificate_sha256 {
            return Err(BindingProblem::EidSignature {
                reason: "the certificate it carries is not the one it names".into(),
            });
        }
        let hash = card_hash_of(&d.certificate)?;
        super::verify_with_certificate(&d.certificate, hash, &message, &d.eid_signature)
            .map_err(|reason| BindingProblem::EidSignature { reason })
    }

    /// Checks the binding for a signature by `public_key` made at `at` (the signing time:
    /// a trusted timestamp's, else the stated one): it can be read, binds that key, both its
    /// signatures hold, its certificate is a Signature certificate that chains to one of
    /// `anchors` and was valid at `at`, and its kept OCSP answer, if any, holds and does not
    /// say it was revoked at or before `at`.
    pub fn check(
        &self,
        public_key: &[u8; 32],
        at: DateTime<FixedOffset>,
        anchors: &super::Anchors,
    ) -> Result<Confirmed, BindingProblem> {
        let d = self.decoded()?;
        self.check_signatures(&d, public_key)?;
        let bound = crate::time::parse_time(&self.statement.time)
            .ok_or_else(|| BindingProblem::unreadable("its time is not a time"))?;
        let valid = super::check_signature_certificate(
            &d.certificate,
            &d.chain,
            at.with_timezone(&Utc),
            anchors,
        )
        .map_err(BindingProblem::Path)?;
        let revocation = match &d.ocsp {
            None => Revocation::NotChecked,
            Some(answer) => kept_ocsp(answer, &d.certificate, &valid, bound, at)?,
        };
        let holder = valid.holder;
        Ok(Confirmed {
            confirmation: Confirmation {
                holder: holder.name.clone(),
                certificate_sha256: self.statement.certificate_sha256.clone(),
                root: valid.path.anchor.clone(),
                valid_until: utc(valid.not_after),
                revocation,
                checked_at: at.to_rfc3339_opts(SecondsFormat::Secs, false),
                bound: self.statement.time.clone(),
            },
            holder,
        })
    }
}

/// What the OCSP answer kept with a binding says of its certificate at `at`: the answer must
/// hold (the OCSP check: signed by the certificate's CA or a responder it certified, about
/// this certificate) and have been current when the binding was made (`bound`, when it was
/// had); then it must not say the certificate was revoked at or before `at`, nor that its
/// responder does not know it.
fn kept_ocsp(
    answer: &[u8],
    certificate: &[u8],
    valid: &super::Validated,
    bound: DateTime<FixedOffset>,
    at: DateTime<FixedOffset>,
) -> Result<Revocation, BindingProblem> {
    let issuer = valid.path.issuer().unwrap_or(certificate);
    let said = super::check_ocsp(answer, certificate, issuer, bound.with_timezone(&Utc))
        .map_err(BindingProblem::Ocsp)?;
    if let Some(problem) = said.problem_at(at.with_timezone(&Utc)) {
        return Err(BindingProblem::Ocsp(problem));
    }
    Ok(match said.status {
        super::CertStatus::Revoked { time, .. } => Revocation::RevokedLater { revoked: utc(time) },
        _ => Revocation::Good {
            this_update: utc(said.this_update),
        },
    })
}
