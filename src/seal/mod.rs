//! Seals: the signature a PDF carries so that tools no one here wrote (poppler's `pdfsig`,
//! pyHanko, Adobe Reader, the EU's DSS) see who made it. Specified in docs/pdf.md ("The
//! seal").
//!
//! Standard validators do not accept Ed25519 inside a PDF, so each Tweevoud key has a
//! *companion* ECDSA P-256 key, derived from its Ed25519 seed ([`companion_key`]): nothing new
//! to store, and a key made before seals existed has its companion the first time it seals.
//! The companion is bound to the Ed25519 key by a statement the Ed25519 key signs, carried in
//! the seal's certificate, so a verifier can say that the PDF was sealed by the same signer as
//! the one who signed the agreement.
//!
//! A seal is a CMS `SignedData` (PAdES baseline, `ETSI.CAdES.detached`) with one self-issued
//! certificate naming the person, their function and organisation. Everything in it is
//! deterministic (RFC 6979 nonces, times taken from the agreement), so sealing the same PDF
//! with the same key gives the same bytes; and its shape is fixed, so a seal is verified by
//! taking it apart ([`open`]), making it again from its parts and comparing bytes ([`check`]).
//!
//! This module depends on no other module of the crate but `error`.

mod der;
pub mod qualified;

use chrono::{DateTime, FixedOffset, TimeDelta};
use const_oid::ObjectIdentifier;
use ed25519_dalek::{Signature, VerifyingKey};
use hkdf::Hkdf;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey as P256Key};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::error::{param, Coded, Params};

/// The HKDF salt of the companion key, and the tag of the statement binding it.
pub const COMPANION_TAG: &str = "tweevoud-pdf-key/1";

/// The extension of a seal's certificate that carries the binding: the UUID OID
/// `2.25.65224912495693359878389053197538108930` (UUID 3111dc78-3aa1-4332-86d6-d1d31e552602,
/// ITU-T X.667), as the content bytes of its DER encoding (its last arc is larger than the
/// 32 bits an `ObjectIdentifier` holds).
pub const BINDING_OID: [u8; 19] = [
    0x69, 0xE2, 0x91, 0xEE, 0x9E, 0x87, 0xAA, 0x8A, 0x8C, 0xE5, 0x86, 0xEB, 0xB4, 0xBA, 0xB1, 0xF2,
    0xD4, 0xCC, 0x02,
];

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// The unsigned attribute holding a signature timestamp token (PAdES B-T).
pub const SIGNATURE_TIMESTAMP: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
const ORGANISATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const TITLE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.12");
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");

/// The largest seal read: a seal with a timestamp token and its certificates is a few
/// kilobytes.
pub const MAX_SEAL_BYTES: usize = 16 << 10;

/// The companion ECDSA P-256 key of an Ed25519 key: HKDF-SHA256 (RFC 5869) with the seed as
/// input key material, [`COMPANION_TAG`] as salt and the single byte `counter` as info, 32
/// bytes read as a big-endian scalar; the first counter from 0 up that gives a scalar in
/// `[1, n)` (the first, but for a chance of about 2^-32).
pub fn companion_key(seed: &[u8; 32]) -> Option<SigningKey> {
    let hk = Hkdf::<Sha256>::new(Some(COMPANION_TAG.as_bytes()), seed);
    (0..=u8::MAX).find_map(|counter| {
        let mut okm = [0u8; 32];
        hk.expand(&[counter], &mut okm).ok()?;
        SigningKey::from_bytes(&okm.into()).ok()
    })
}

/// The statement an Ed25519 key signs to bind its companion:
/// `"tweevoud-pdf-key/1" || LF || Ed25519 public key (32 bytes) || P-256 public key (65 bytes,
/// uncompressed SEC1)`.
pub fn binding_message(ed25519: &[u8; 32], point: &[u8; 65]) -> Vec<u8> {
    let mut m = Vec::with_capacity(COMPANION_TAG.len() + 1 + 32 + 65);
    m.extend_from_slice(COMPANION_TAG.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(ed25519);
    m.extend_from_slice(point);
    m
}

/// A key ready to seal: the companion, the Ed25519 public key it belongs to and the Ed25519
/// signature binding them.
pub struct SealKey {
    companion: SigningKey,
    ed25519: [u8; 32],
    binding: [u8; 64],
}

impl SealKey {
    /// The companion of an Ed25519 key and the binding that key signed (`sign` signs with it).
    pub fn new(
        companion: SigningKey,
        ed25519: [u8; 32],
        sign: impl Fn(&[u8]) -> [u8; 64],
    ) -> SealKey {
        let point = point_of(companion.verifying_key());
        let binding = sign(&binding_message(&ed25519, &point));
        SealKey {
            companion,
            ed25519,
            binding,
        }
    }

    /// The Ed25519 public key it belongs to.
    pub fn ed25519(&self) -> &[u8; 32] {
        &self.ed25519
    }

    /// The companion's public key, uncompressed SEC1 (65 bytes): what an eID binding names.
    pub fn point(&self) -> [u8; 65] {
        point_of(self.companion.verifying_key())
    }
}

fn point_of(key: &P256Key) -> [u8; 65] {
    let encoded = key.to_encoded_point(false);
    let mut point = [0u8; 65];
    point.copy_from_slice(encoded.as_bytes());
    point
}

/// Who a seal's certificate names: the signatory as the agreement's signature states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The signatory's name (the certificate's CN).
    pub name: String,
    /// Their function (title).
    pub function: String,
    /// Their organisation (O).
    pub organisation: String,
    /// The time of their signature of the agreement: the certificate is valid from a day
    /// before it (a signer's clock may run ahead of a TSA's).
    pub time: DateTime<FixedOffset>,
}

/// The certificate's name: O, title and CN, each present when not empty.
fn name(identity: &Identity) -> Vec<u8> {
    let rdn =
        |o: ObjectIdentifier, v: &str| der::tlv(0x31, &der::seq(&[&der::oid(o), &der::utf8(v)]));
    let rdns: Vec<Vec<u8>> = [
        (ORGANISATION, identity.organisation.as_str()),
        (TITLE, identity.function.as_str()),
        (COMMON_NAME, identity.name.as_str()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(o, v)| rdn(o, v))
    .collect();
    der::tlv(0x30, &rdns.concat())
}

/// The certificate's serial number: `01` then the first 15 bytes of SHA-256 over
/// `"tweevoud-pdf-certificate/1" || LF || Ed25519 key || P-256 key || name (DER)`.
fn serial(ed25519: &[u8; 32], point: &[u8; 65], name: &[u8]) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(b"tweevoud-pdf-certificate/1\n");
    h.update(ed25519);
    h.update(point);
    h.update(name);
    let mut s = vec![1u8];
    s.extend_from_slice(&h.finalize()[..15]);
    s
}

fn algorithm(o: ObjectIdentifier) -> Vec<u8> {
    der::seq(&[&der::oid(o)])
}

/// The to-be-signed part of a seal's certificate.
fn tbs(identity: &Identity, ed25519: &[u8; 32], point: &[u8; 65], binding: &[u8; 64]) -> Vec<u8> {
    let name = name(identity);
    let from = identity.time.to_utc() - TimeDelta::days(1);
    let until = DateTime::parse_from_rfc3339("9999-12-31T23:59:59Z")
        .map(|t| t.to_utc())
        .unwrap_or(from);
    let spki = der::seq(&[
        &der::seq(&[&der::oid(EC_PUBLIC_KEY), &der::oid(P256)]),
        &der::bits(point, 0),
    ]);
    let key_usage = der::seq(&[
        &der::oid(KEY_USAGE),
        &der::true_(),
        // digitalSignature and nonRepudiation.
        &der::octets(&der::bits(&[0xC0], 6)),
    ]);
    let key_id = der::seq(&[
        &der::oid(SUBJECT_KEY_ID),
        &der::octets(&der::octets(&Sha1::digest(point))),
    ]);
    let binding_ext = der::seq(&[
        &der::tlv(0x06, &BINDING_OID),
        &der::octets(&der::seq(&[
            &der::uint(&[1]),
            &der::octets(ed25519),
            &der::octets(binding),
        ])),
    ]);
    der::seq(&[
        &der::ctx(0, &der::uint(&[2])),
        &der::uint(&serial(ed25519, point, &name)),
        &algorithm(ECDSA_SHA256),
        &name,
        &der::seq(&[&der::time(from), &der::time(until)]),
        &name,
        &spki,
        &der::ctx(3, &der::seq(&[&key_usage, &key_id, &binding_ext])),
    ])
}

fn certificate(tbs: &[u8], signature: &[u8]) -> Vec<u8> {
    der::seq(&[tbs, &algorithm(ECDSA_SHA256), &der::bits(signature, 0)])
}

/// The signed attributes of a seal: content type (data), the message digest, the signing
/// certificate (v2: its SHA-256, issuer and serial number) and, for a qualified seal that has
/// one, the OCSP answer (`qualified`).
fn signed_attributes(
    digest: &[u8],
    cert: &[u8],
    issuer: &[u8],
    serial: &[u8],
    ocsp: Option<&[u8]>,
) -> Vec<u8> {
    let attribute =
        |o: ObjectIdentifier, value: Vec<u8>| der::seq(&[&der::oid(o), &der::set_of(vec![value])]);
    let issuer_serial = der::seq(&[&der::seq(&[&der::ctx(4, issuer)]), serial]);
    let cert_id = der::seq(&[&der::octets(&Sha256::digest(cert)), &issuer_serial]);
    let mut attributes = vec![
        attribute(CONTENT_TYPE, der::oid(ID_DATA)),
        attribute(MESSAGE_DIGEST, der::octets(digest)),
        attribute(SIGNING_CERTIFICATE_V2, der::seq(&[&der::seq(&[&cert_id])])),
    ];
    if let Some(ocsp) = ocsp {
        attributes.push(attribute(
            qualified::REVOCATION_INFO_ARCHIVAL,
            der::seq(&[&der::ctx(1, &der::seq(&[ocsp]))]),
        ));
    }
    der::set_of(attributes)
}

/// What a seal's CMS is made of: a companion seal's and a qualified seal's differ only here.
struct Cms<'a> {
    /// The certificates, the signer's among them.
    certificates: &'a [&'a [u8]],
    /// The signer's issuer (DER `Name`) and serial number (DER `INTEGER`).
    issuer: &'a [u8],
    serial: &'a [u8],
    /// The digest algorithm (an `AlgorithmIdentifier`).
    digest_algorithm: &'a [u8],
    /// The signed attributes, as a SET.
    attributes: &'a [u8],
    /// The signature algorithm (an `AlgorithmIdentifier`).
    signature_algorithm: &'a [u8],
    /// The signature value.
    signature: &'a [u8],
    /// The signature timestamp token, if any.
    token: Option<&'a [u8]>,
}

/// The seal: a ContentInfo holding the SignedData.
fn content_info(cms: &Cms<'_>) -> Vec<u8> {
    // The signed attributes as the SignerInfo holds them: [0] IMPLICIT instead of SET.
    let mut signed = cms.attributes.to_vec();
    signed[0] = 0xA0;
    let unsigned = cms.token.map(|t| {
        der::tlv(
            0xA1,
            &der::seq(&[
                &der::oid(SIGNATURE_TIMESTAMP),
                &der::set_of(vec![t.to_vec()]),
            ]),
        )
    });
    let signer_info = der::seq(&[
        &der::uint(&[1]),
        &der::seq(&[cms.issuer, cms.serial]),
        cms.digest_algorithm,
        &signed,
        cms.signature_algorithm,
        &der::octets(cms.signature),
        unsigned.as_deref().unwrap_or_default(),
    ]);
    // The certificates are a SET OF: in DER order.
    let mut certificates = cms.certificates.to_vec();
    certificates.sort();
    let signed_data = der::seq(&[
        &der::uint(&[1]),
        &der::set_of(vec![cms.digest_algorithm.to_vec()]),
        &der::seq(&[&der::oid(ID_DATA)]),
        &der::ctx(0, &certificates.concat()),
        &der::set_of(vec![signer_info]),
    ]);
    der::seq(&[&der::oid(ID_SIGNED_DATA), &der::ctx(0, &signed_data)])
}

/// A companion seal's CMS.
fn companion_cms(
    cert: &[u8],
    issuer: &[u8],
    serial: &[u8],
    attributes: &[u8],
    signature: &[u8],
    token: Option<&[u8]>,
) -> Vec<u8> {
    content_info(&Cms {
        certificates: &[cert],
        issuer,
        serial,
        digest_algorithm: &algorithm(SHA256),
        attributes,
        signature_algorithm: &algorithm(ECDSA_SHA256),
        signature,
        token,
    })
}

/// A seal made, before any timestamp: its certificate, signed attributes and signature.
pub struct Sealed {
    cert: Vec<u8>,
    issuer: Vec<u8>,
    serial: Vec<u8>,
    attributes: Vec<u8>,
    signature: Vec<u8>,
}

impl Sealed {
    /// The signature value (the ECDSA signature, DER): what a signature timestamp stamps.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The seal's bytes (the CMS ContentInfo), with a signature timestamp token if given.
    pub fn to_der(&self, token: Option<&[u8]>) -> Vec<u8> {
        companion_cms(
            &self.cert,
            &self.issuer,
            &self.serial,
            &self.attributes,
            &self.signature,
            token,
        )
    }
}

/// Seals `digest` (SHA-256 of the PDF's bytes outside the seal) as `identity`, with `key`.
pub fn seal(key: &SealKey, identity: &Identity, digest: &[u8; 32]) -> Sealed {
    let point = point_of(key.companion.verifying_key());
    let tbs = tbs(identity, &key.ed25519, &point, &key.binding);
    let cert = certificate(&tbs, &low_s(&key.companion, &tbs));
    let issuer = name(identity);
    let serial = der::uint(&serial(&key.ed25519, &point, &issuer));
    let attributes = signed_attributes(digest, &cert, &issuer, &serial, None);
    let signature = low_s(&key.companion, &attributes);
    Sealed {
        cert,
        issuer,
        serial,
        attributes,
        signature,
    }
}

/// A deterministic ECDSA signature (RFC 6979, SHA-256) over `message`, with the low of its two
/// `s` values (an `s` and `n - s` both verify; a seal has exactly one form), as DER.
fn low_s(key: &SigningKey, message: &[u8]) -> Vec<u8> {
    let signature: p256::ecdsa::Signature = key.sign(message);
    let signature = signature.normalize_s().unwrap_or(signature);
    let der: DerSignature = signature.to_der();
    der.as_bytes().to_vec()
}

/// A seal taken apart: the parts it would be made again from.
#[derive(Debug, Clone)]
pub struct Opened<'a> {
    der: &'a [u8],
    cert: &'a [u8],
    tbs: &'a [u8],
    cert_signature: &'a [u8],
    point: [u8; 65],
    ed25519: [u8; 32],
    binding: [u8; 64],
    digest: [u8; 32],
    signature: &'a [u8],
    token: Option<&'a [u8]>,
}

impl<'a> Opened<'a> {
    /// The Ed25519 public key the certificate binds the companion to (a claim until
    /// [`check`] holds).
    pub fn ed25519(&self) -> &[u8; 32] {
        &self.ed25519
    }

    /// The signature value, which a signature timestamp stamps.
    pub fn signature(&self) -> &'a [u8] {
        self.signature
    }

    /// The signature timestamp token (a CMS ContentInfo), if the seal carries one.
    pub fn token(&self) -> Option<&'a [u8]> {
        self.token
    }

    /// The seal's certificate (DER).
    pub fn certificate(&self) -> &'a [u8] {
        self.cert
    }
}

/// Why a seal does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealProblem {
    /// The seal is not a CMS signature of the shape Tweevoud makes.
    #[error("the PDF's seal is not a signature of the shape Tweevoud makes: {0}")]
    Unreadable(String),
    /// Its certificate binds a key that signed no part of the agreement.
    #[error("the PDF was sealed with a key that did not sign the agreement")]
    NotASigner,
    /// Its certificate is not the one Tweevoud makes for that signer.
    #[error("the seal's certificate is not the one Tweevoud makes for {name}")]
    Certificate {
        /// The signer whose key the certificate claims.
        name: String,
    },
    /// The Ed25519 signature binding the companion key does not hold.
    #[error(
        "the seal's key is not bound to the key of {name} (the binding signature does not hold)"
    )]
    Binding {
        /// The signer whose key the certificate claims.
        name: String,
    },
    /// The signature is not over what the seal says, or its digest is not of this PDF.
    #[error("the seal's signature does not hold: the PDF or the seal was changed after sealing")]
    Signature,
    /// A qualified (eID) seal that is not a CMS signature within the limits.
    #[error("the PDF's eID seal cannot be read: {0}")]
    EidUnreadable(String),
    /// A qualified seal whose signature does not hold over the bytes outside `/Contents`, or
    /// that does not name its certificate as PAdES asks.
    #[error("the eID seal's signature does not hold: {0}")]
    EidSignature(String),
    /// A qualified seal whose certificate does not chain to a root Tweevoud trusts.
    #[error("the eID seal's certificate does not chain to a trusted root: {0}")]
    EidChain(String),
    /// A qualified seal whose certificate was not valid at the seal's time.
    #[error("the eID seal's certificate was not valid at the time of the seal: {0}")]
    EidExpired(String),
    /// A qualified seal whose certificate is not an eID Signature certificate
    /// (non-repudiation, a holder with a national register number).
    #[error("the eID seal's certificate is not a Signature certificate: {0}")]
    EidNotSignatureCertificate(String),
    /// A qualified seal whose OCSP answer says its certificate was revoked.
    #[error("the eID seal's certificate was revoked, its OCSP answer says: {0}")]
    EidRevoked(String),
    /// A qualified seal whose OCSP answer does not hold, or is not about its certificate.
    #[error("the eID seal's OCSP answer does not hold: {0}")]
    EidOcsp(String),
    /// A qualified seal by a holder whom no eID binding that holds names for a signer of the
    /// agreement.
    #[error("the PDF was sealed with the eID of {holder}, whom no eID binding of the agreement names as a signer")]
    EidNotSigner {
        /// The certificate's holder, as shown.
        holder: String,
    },
}

impl SealProblem {
    /// Every code of [`SealProblem`].
    pub const CODES: &'static [&'static str] = &[
        "seal_unreadable",
        "seal_not_signer",
        "seal_certificate",
        "seal_binding",
        "seal_signature",
        "eid_seal_unreadable",
        "eid_seal_signature",
        "eid_seal_chain",
        "eid_seal_expired",
        "eid_seal_not_signature_certificate",
        "eid_seal_revoked",
        "eid_seal_ocsp",
        "eid_seal_not_signer",
    ];
}

/// Parameters: `detail` (English words), `signer` (a signatory's name), `holder` (an eID
/// certificate's holder, as shown).
impl Coded for SealProblem {
    fn code(&self) -> &'static str {
        match self {
            SealProblem::Unreadable(_) => "seal_unreadable",
            SealProblem::NotASigner => "seal_not_signer",
            SealProblem::Certificate { .. } => "seal_certificate",
            SealProblem::Binding { .. } => "seal_binding",
            SealProblem::Signature => "seal_signature",
            SealProblem::EidUnreadable(_) => "eid_seal_unreadable",
            SealProblem::EidSignature(_) => "eid_seal_signature",
            SealProblem::EidChain(_) => "eid_seal_chain",
            SealProblem::EidExpired(_) => "eid_seal_expired",
            SealProblem::EidNotSignatureCertificate(_) => "eid_seal_not_signature_certificate",
            SealProblem::EidRevoked(_) => "eid_seal_revoked",
            SealProblem::EidOcsp(_) => "eid_seal_ocsp",
            SealProblem::EidNotSigner { .. } => "eid_seal_not_signer",
        }
    }

    fn params(&self) -> Params {
        match self {
            SealProblem::Unreadable(detail)
            | SealProblem::EidUnreadable(detail)
            | SealProblem::EidSignature(detail)
            | SealProblem::EidChain(detail)
            | SealProblem::EidExpired(detail)
            | SealProblem::EidNotSignatureCertificate(detail)
            | SealProblem::EidRevoked(detail)
            | SealProblem::EidOcsp(detail) => vec![param("detail", detail)],
            SealProblem::Certificate { name } | SealProblem::Binding { name } => {
                vec![param("signer", name)]
            }
            SealProblem::EidNotSigner { holder } => vec![param("holder", holder)],
            SealProblem::NotASigner | SealProblem::Signature => Vec::new(),
        }
    }
}

/// Whether `seal` (a seal's DER) is a companion seal: one whose certificate carries the
/// binding extension ([`BINDING_OID`]). Any other CMS in a seal's place is checked as a
/// qualified seal.
pub fn is_companion(seal: &[u8]) -> bool {
    let oid = der::tlv(0x06, &BINDING_OID);
    seal.windows(oid.len()).any(|w| w == oid)
}

fn unreadable(why: &str) -> SealProblem {
    SealProblem::Unreadable(why.to_string())
}

/// Takes a seal apart. What this lets through is only a claim: [`check`] makes the seal again
/// from these parts and compares bytes.
pub fn open(seal: &[u8]) -> Result<Opened<'_>, SealProblem> {
    let shape = || unreadable("its structure is not a Tweevoud seal's");
    if seal.len() > MAX_SEAL_BYTES {
        return Err(unreadable("it is larger than a seal can be"));
    }
    crate::der_scan::scan_cms(seal, crate::der_scan::MAX_SEAL_DEPTH)
        .map_err(|e| unreadable(&format!("it is not DER: {e}")))?;
    let ci = der::only(seal, 0x30).ok_or_else(shape)?;
    let [_, sd] = der::items(ci.content, 2).ok_or_else(shape)?[..] else {
        return Err(shape());
    };
    let sd = der::only(sd.content, 0x30).ok_or_else(shape)?;
    let parts = der::items(sd.content, 5).ok_or_else(shape)?;
    let [_, _, _, certs, infos] = parts[..] else {
        return Err(shape());
    };
    let cert = der::only(certs.content, 0x30).ok_or_else(shape)?;
    let info = der::only(infos.content, 0x30).ok_or_else(shape)?;
    let fields = der::items(info.content, 7).ok_or_else(shape)?;
    if fields.len() < 6 {
        return Err(shape());
    }
    let attributes = fields[3];
    let signature = fields[5];
    if signature.tag != 0x04 || attributes.tag != 0xA0 {
        return Err(shape());
    }
    let token = match fields.get(6) {
        None => None,
        Some(unsigned) => {
            let attr = der::only(unsigned.content, 0x30).ok_or_else(shape)?;
            let [_, values] = der::items(attr.content, 2).ok_or_else(shape)?[..] else {
                return Err(shape());
            };
            Some(der::only(values.content, 0x30).ok_or_else(shape)?.whole)
        }
    };
    // The message digest, found by its OID.
    let mut digest = None;
    for attr in der::items(attributes.content, 3).ok_or_else(shape)? {
        let [o, values] = der::items(attr.content, 2).ok_or_else(shape)?[..] else {
            return Err(shape());
        };
        if o.whole == der::oid(MESSAGE_DIGEST) {
            let d = der::only(values.content, 0x04).ok_or_else(shape)?;
            digest = Some(<[u8; 32]>::try_from(d.content).map_err(|_| shape())?);
        }
    }
    let digest = digest.ok_or_else(shape)?;
    // The certificate: its TBS, its key and the binding extension.
    let [tbs, _, cert_signature] = der::items(cert.content, 3).ok_or_else(shape)?[..] else {
        return Err(shape());
    };
    let cert_signature = match cert_signature.content.split_first() {
        Some((0, s)) if cert_signature.tag == 0x03 => s,
        _ => return Err(shape()),
    };
    let tbs_fields = der::items(tbs.content, 8).ok_or_else(shape)?;
    let [_, _, _, _, _, _, spki, exts] = tbs_fields[..] else {
        return Err(shape());
    };
    let [_, key_bits] = der::items(spki.content, 2).ok_or_else(shape)?[..] else {
        return Err(shape());
    };
    let point: [u8; 65] = match key_bits.content.split_first() {
        Some((0, p)) => p.try_into().map_err(|_| shape())?,
        _ => return Err(shape()),
    };
    let exts = der::only(exts.content, 0x30).ok_or_else(shape)?;
    let [_, _, binding_ext] = der::items(exts.content, 3).ok_or_else(shape)?[..] else {
        return Err(shape());
    };
    let [_, value] = der::items(binding_ext.content, 2).ok_or_else(shape)?[..] else {
        return Err(shape());
    };
    let inner = der::only(value.content, 0x30).ok_or_else(shape)?;
    let [_, ed, binding] = der::items(inner.content, 3).ok_or_else(shape)?[..] else {
        return Err(shape());
    };
    Ok(Opened {
        der: seal,
        cert: cert.whole,
        tbs: tbs.whole,
        cert_signature,
        point,
        ed25519: ed.content.try_into().map_err(|_| shape())?,
        binding: binding.content.try_into().map_err(|_| shape())?,
        digest,
        signature: signature.content,
        token,
    })
}

/// Checks a seal taken apart: `identity` is who the agreement says holds the Ed25519 key the
/// certificate names (`None`: nobody who signed it), and `digest` the SHA-256 of the PDF's
/// bytes outside the seal. The seal must be exactly the one Tweevoud makes from these parts:
/// the certificate for that signer, with a binding the Ed25519 key signed and the companion's
/// own signature; the signed attributes over this digest; the ECDSA signature over them; and
/// the timestamp token, if any, as the one unsigned attribute (the token itself is checked by
/// `crate::timestamp`).
pub fn check(
    opened: &Opened<'_>,
    identity: Option<&Identity>,
    digest: &[u8; 32],
) -> Result<(), SealProblem> {
    let identity = identity.ok_or(SealProblem::NotASigner)?;
    let certificate_problem = || SealProblem::Certificate {
        name: identity.name.clone(),
    };
    let expected_tbs = tbs(identity, &opened.ed25519, &opened.point, &opened.binding);
    if expected_tbs != opened.tbs
        || certificate(&expected_tbs, opened.cert_signature) != opened.cert
    {
        return Err(certificate_problem());
    }
    let ed = VerifyingKey::from_bytes(&opened.ed25519).map_err(|_| SealProblem::Binding {
        name: identity.name.clone(),
    })?;
    let binding = Signature::from_bytes(&opened.binding);
    ed.verify_strict(&binding_message(&opened.ed25519, &opened.point), &binding)
        .map_err(|_| SealProblem::Binding {
            name: identity.name.clone(),
        })?;
    let key = P256Key::from_sec1_bytes(&opened.point).map_err(|_| certificate_problem())?;
    let cert_signature = p256::ecdsa::Signature::from_der(opened.cert_signature)
        .ok()
        .filter(|s| s.normalize_s().is_none())
        .ok_or_else(certificate_problem)?;
    key.verify(opened.tbs, &cert_signature)
        .map_err(|_| certificate_problem())?;
    let issuer = name(identity);
    let serial = der::uint(&serial(&opened.ed25519, &opened.point, &issuer));
    let attributes = signed_attributes(&opened.digest, opened.cert, &issuer, &serial, None);
    let again = companion_cms(
        opened.cert,
        &issuer,
        &serial,
        &attributes,
        opened.signature,
        opened.token,
    );
    if again != opened.der {
        return Err(unreadable(
            "it holds more, less or other than a Tweevoud seal",
        ));
    }
    let signature =
        p256::ecdsa::Signature::from_der(opened.signature).map_err(|_| SealProblem::Signature)?;
    // A high-S signature verifies as well as its low-S twin, but is not what sealing makes.
    if signature.normalize_s().is_some() {
        return Err(SealProblem::Signature);
    }
    key.verify(&attributes, &signature)
        .map_err(|_| SealProblem::Signature)?;
    if &opened.digest != digest {
        return Err(SealProblem::Signature);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> Identity {
        Identity {
            name: "Tom Hendrix".into(),
            function: "CEO".into(),
            organisation: "Xtreme Internet Solutions BV".into(),
            time: DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap(),
        }
    }

    fn key(seed: u8) -> SealKey {
        let ed = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        SealKey::new(
            companion_key(&[seed; 32]).unwrap(),
            ed.verifying_key().to_bytes(),
            |m| ed.sign(m).to_bytes(),
        )
    }

    #[test]
    fn the_companion_is_derived_and_a_seal_is_reproducible() {
        assert_eq!(
            companion_key(&[7; 32]).unwrap().to_bytes(),
            companion_key(&[7; 32]).unwrap().to_bytes()
        );
        assert_ne!(
            companion_key(&[7; 32]).unwrap().to_bytes(),
            companion_key(&[8; 32]).unwrap().to_bytes()
        );
        let digest = [3u8; 32];
        let a = seal(&key(7), &identity(), &digest).to_der(None);
        let b = seal(&key(7), &identity(), &digest).to_der(None);
        assert_eq!(a, b);
        let opened = open(&a).unwrap();
        check(&opened, Some(&identity()), &digest).unwrap();
        assert_eq!(opened.ed25519(), key(7).ed25519());
        assert!(opened.token().is_none());
    }

    #[test]
    fn fail_a_seal_that_is_not_exactly_ours() {
        let digest = [3u8; 32];
        let sealed = seal(&key(7), &identity(), &digest);
        let der = sealed.to_der(None);
        assert_eq!(
            check(&open(&der).unwrap(), Some(&identity()), &[4; 32]),
            Err(SealProblem::Signature)
        );
        assert_eq!(
            check(&open(&der).unwrap(), None, &digest),
            Err(SealProblem::NotASigner)
        );
        let mut other = identity();
        other.function = "CFO".into();
        assert!(matches!(
            check(&open(&der).unwrap(), Some(&other), &digest),
            Err(SealProblem::Certificate { .. })
        ));
        // Every single flipped byte is refused, whatever it hits.
        for i in 0..der.len() {
            let mut bad = der.clone();
            bad[i] ^= 0x01;
            let verdict = open(&bad).and_then(|o| check(&o, Some(&identity()), &digest));
            assert!(verdict.is_err(), "byte {i} flipped was accepted");
        }
        // A token slot holding a token is kept, and the seal is still made again exactly.
        let stamped = sealed.to_der(Some(&der::seq(&[&der::oid(ID_DATA)])));
        let opened = open(&stamped).unwrap();
        check(&opened, Some(&identity()), &digest).unwrap();
        assert!(opened.token().is_some());
    }
}
