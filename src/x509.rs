//! X.509 certificates, for the timestamps and the eID alike: reading them within bounds, their
//! names and extensions, the signature algorithms they and what they sign may use (RSA PKCS #1
//! v1.5 and ECDSA P-256/P-384 with SHA-2), and the one walk from a certificate up to an anchor
//! ([`walk`]). The callers give each failure its own code: this module returns English words.

use base64::Engine as _;
use der::asn1::{Any, ObjectIdentifier};
use der::{Decode, Encode, Tag, Tagged};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};
use x509_cert::name::Name;
use x509_cert::Certificate;

pub(crate) const ID_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub(crate) const ID_SHA384: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
pub(crate) const ID_SHA512: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const ID_CE_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const ID_CE_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const ID_CE_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const ID_CE_SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const ID_AT_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const ID_AT_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");

/// A hash function a token may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hash {
    /// Only for the ESS signing-certificate attribute, version 1.
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// SHA-256, SHA-384 or SHA-512 by its OID (parameters absent or NULL); None otherwise.
    pub(crate) fn sha2(oid: ObjectIdentifier, parameters: Option<&Any>) -> Option<Hash> {
        if parameters.is_some_and(|p| p.tag() != Tag::Null || !p.value().is_empty()) {
            return None;
        }
        match oid {
            ID_SHA256 => Some(Hash::Sha256),
            ID_SHA384 => Some(Hash::Sha384),
            ID_SHA512 => Some(Hash::Sha512),
            _ => None,
        }
    }

    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }
}

/// A signature scheme a token and its chain may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// RSA PKCS #1 v1.5.
    Rsa,
    /// ECDSA on P-256 or P-384, the signature DER-encoded.
    Ecdsa,
}

/// The scheme and hash a signature algorithm OID names (`rsaEncryption` names no hash).
pub(crate) fn signature_algorithm(oid: ObjectIdentifier) -> Option<(Scheme, Option<Hash>)> {
    Some(match oid {
        RSA_ENCRYPTION => (Scheme::Rsa, None),
        SHA256_WITH_RSA => (Scheme::Rsa, Some(Hash::Sha256)),
        SHA384_WITH_RSA => (Scheme::Rsa, Some(Hash::Sha384)),
        SHA512_WITH_RSA => (Scheme::Rsa, Some(Hash::Sha512)),
        ECDSA_SHA256 => (Scheme::Ecdsa, Some(Hash::Sha256)),
        ECDSA_SHA384 => (Scheme::Ecdsa, Some(Hash::Sha384)),
        ECDSA_SHA512 => (Scheme::Ecdsa, Some(Hash::Sha512)),
        _ => return None,
    })
}

/// A readable name for an OID: its name in the registry, or the dotted form.
pub(crate) fn oid_name(oid: &ObjectIdentifier) -> String {
    match const_oid::db::DB.by_oid(oid) {
        Some(name) => format!("{name} ({oid})"),
        None => oid.to_string(),
    }
}

/// Checks `signature` over `message` with the key of `cert`, by `scheme` with `hash`.
pub(crate) fn verify(
    cert: &Certificate,
    scheme: Scheme,
    hash: Hash,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let key = spki
        .subject_public_key
        .as_bytes()
        .ok_or("the public key is not a whole number of bytes")?;
    let prehash = hash.digest(message);
    let wrong = |_| "the signature does not verify".to_string();
    match scheme {
        Scheme::Rsa => {
            use rsa::pkcs1::DecodeRsaPublicKey;
            use rsa::pkcs1v15::{Signature, VerifyingKey};
            if spki.algorithm.oid != RSA_ENCRYPTION {
                return Err(format!(
                    "an RSA signature, but the key is {}",
                    oid_name(&spki.algorithm.oid)
                ));
            }
            let key = rsa::RsaPublicKey::from_pkcs1_der(key)
                .map_err(|e| format!("the RSA key cannot be read: {e}"))?;
            let sig = Signature::try_from(signature).map_err(wrong)?;
            match hash {
                Hash::Sha256 => VerifyingKey::<Sha256>::new(key).verify_prehash(&prehash, &sig),
                Hash::Sha384 => VerifyingKey::<Sha384>::new(key).verify_prehash(&prehash, &sig),
                Hash::Sha512 => VerifyingKey::<Sha512>::new(key).verify_prehash(&prehash, &sig),
                Hash::Sha1 => return Err("RSA with SHA-1 is not accepted".into()),
            }
            .map_err(wrong)
        }
        Scheme::Ecdsa => {
            if spki.algorithm.oid != EC_PUBLIC_KEY {
                return Err(format!(
                    "an ECDSA signature, but the key is {}",
                    oid_name(&spki.algorithm.oid)
                ));
            }
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .ok_or("the EC key names no curve")?;
            if hash == Hash::Sha1 {
                return Err("ECDSA with SHA-1 is not accepted".into());
            }
            match curve {
                P256 => {
                    use p256::ecdsa::{Signature, VerifyingKey};
                    let key = VerifyingKey::from_sec1_bytes(key)
                        .map_err(|_| "the P-256 key cannot be read".to_string())?;
                    let sig = Signature::from_der(signature).map_err(wrong)?;
                    key.verify_prehash(&prehash, &sig).map_err(wrong)
                }
                P384 => {
                    use p384::ecdsa::{Signature, VerifyingKey};
                    let key = VerifyingKey::from_sec1_bytes(key)
                        .map_err(|_| "the P-384 key cannot be read".to_string())?;
                    let sig = Signature::from_der(signature).map_err(wrong)?;
                    key.verify_prehash(&prehash, &sig).map_err(wrong)
                }
                other => Err(format!(
                    "the EC curve {} is not accepted (P-256 and P-384 are)",
                    oid_name(&other)
                )),
            }
        }
    }
}

/// Reads one certificate from its DER, which must be exactly DER (re-encoding gives the same
/// bytes).
pub(crate) fn parse_certificate(der: &[u8]) -> Result<Certificate, String> {
    crate::der_scan::scan(der).map_err(|e| format!("not DER: {e}"))?;
    let cert = Certificate::from_der(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    match cert.to_der() {
        Ok(again) if again == der => Ok(cert),
        _ => Err("the certificate is not in DER".into()),
    }
}

/// The DER of the one `CERTIFICATE` block of a PEM text.
pub(crate) fn pem_certificate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let text = std::str::from_utf8(bytes).map_err(|_| "neither PEM text nor DER".to_string())?;
    let count = text.matches(BEGIN).count();
    if count == 0 {
        return Err("neither a PEM certificate nor DER".into());
    }
    if count > 1 {
        return Err(format!("{count} certificates; give one"));
    }
    let start = text.find(BEGIN).map(|i| i + BEGIN.len()).unwrap_or(0);
    let end = text[start..]
        .find(END)
        .map(|i| start + i)
        .ok_or("the PEM block has no END line")?;
    let body: String = text[start..end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|e| format!("the PEM block is not base64: {e}"))
}

/// The common name and organization of `name`, joined by ", ", or the whole name when it has
/// neither. It comes from a certificate, so it is made safe to show: control characters and
/// invisible formatting characters (bidirectional overrides among them) are replaced, and it
/// is cut to 200 characters ([`crate::shown::replaced`]).
pub(crate) fn readable_name(name: &Name) -> String {
    let find = |oid: ObjectIdentifier| {
        name.0
            .iter()
            .flat_map(|rdn| rdn.0.iter())
            .find(|atv| atv.oid == oid)
            .and_then(|atv| directory_string(&atv.value))
    };
    let parts: Vec<String> = [find(ID_AT_CN), find(ID_AT_O)]
        .into_iter()
        .flatten()
        .collect();
    let text = if parts.is_empty() {
        name.to_string()
    } else {
        parts.join(", ")
    };
    crate::shown::replaced(&text, 200)
}

pub(crate) fn directory_string(value: &Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String => {
            String::from_utf8(bytes.to_vec()).ok()
        }
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units = bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        _ => None,
    }
}

/// The value of the extension `oid` of `cert`, and whether it is critical; an error when it
/// appears more than once.
pub(crate) fn extension(
    cert: &Certificate,
    oid: ObjectIdentifier,
) -> Result<Option<(&[u8], bool)>, String> {
    let mut found = cert
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == oid);
    let first = found.next();
    if found.next().is_some() {
        return Err(format!("the extension {} appears twice", oid_name(&oid)));
    }
    Ok(first.map(|e| (e.extn_value.as_bytes(), e.critical)))
}

/// The subject key identifier of `cert`, when it has one.
pub(crate) fn subject_key_id(cert: &Certificate) -> Option<Vec<u8>> {
    let (value, _) = extension(cert, ID_CE_SUBJECT_KEY_ID).ok()??;
    der::asn1::OctetString::from_der(value)
        .ok()
        .map(|o| o.as_bytes().to_vec())
}

/// The purposes of the extended key usage of `cert` and whether it is critical, when it has
/// one.
pub(crate) fn extended_key_usage(
    cert: &Certificate,
) -> Result<Option<(Vec<ObjectIdentifier>, bool)>, String> {
    extension(cert, ID_CE_EXT_KEY_USAGE)?
        .map(|(value, critical)| {
            ExtendedKeyUsage::from_der(value)
                .map(|eku| (eku.0, critical))
                .map_err(|e| format!("its extended key usage cannot be read: {e}"))
        })
        .transpose()
}

/// The basic constraints of `cert`, when it has them.
pub(crate) fn basic_constraints(cert: &Certificate) -> Result<Option<BasicConstraints>, String> {
    extension(cert, ID_CE_BASIC_CONSTRAINTS)?
        .map(|(value, _)| {
            BasicConstraints::from_der(value)
                .map_err(|e| format!("its basic constraints cannot be read: {e}"))
        })
        .transpose()
}

/// The key usage of `cert`, when it has one.
pub(crate) fn key_usage(cert: &Certificate) -> Result<Option<KeyUsage>, String> {
    extension(cert, ID_CE_KEY_USAGE)?
        .map(|(value, _)| {
            KeyUsage::from_der(value).map_err(|e| format!("its key usage cannot be read: {e}"))
        })
        .transpose()
}

/// The extensions a walk with `Rules::constraints` understands when they are marked critical:
/// key usage, basic constraints, extended key usage, certificate policies (read as any
/// policy: no policy is required of a path) and subject alternative name.
const UNDERSTOOD_CRITICAL: [ObjectIdentifier; 5] = [
    ID_CE_KEY_USAGE,
    ID_CE_BASIC_CONSTRAINTS,
    ID_CE_EXT_KEY_USAGE,
    ObjectIdentifier::new_unwrap("2.5.29.32"),
    ObjectIdentifier::new_unwrap("2.5.29.17"),
];

/// Refuses a certificate with a critical extension the walk does not understand (RFC 5280
/// section 4.2): name constraints and policy constraints among them.
fn check_critical(cert: &Certificate) -> Result<(), String> {
    let unknown = cert
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.critical && !UNDERSTOOD_CRITICAL.contains(&e.extn_id));
    match unknown {
        Some(e) => Err(format!(
            "it has a critical extension that is not understood: {}",
            oid_name(&e.extn_id)
        )),
        None => Ok(()),
    }
}

/// Whether `issuer` may issue the certificate below it: a CA (basicConstraints with cA TRUE);
/// with `rules.constraints`, also allowed to sign certificates when it has a key usage, and
/// within its path length constraint, `below` CAs being under it (0 for the issuer of the
/// first certificate).
fn check_issuer(issuer: &Certificate, below: usize, rules: &Rules) -> Result<(), String> {
    let bc = basic_constraints(issuer)?.ok_or("it has no basic constraints, so it is not a CA")?;
    if !bc.ca {
        return Err("its basic constraints say it is not a CA".into());
    }
    if !rules.constraints {
        return Ok(());
    }
    if let Some(max) = bc.path_len_constraint {
        if below > usize::from(max) {
            return Err(format!(
                "its path length constraint is {max}, and {below} CAs are below it"
            ));
        }
    }
    if key_usage(issuer)?.is_some_and(|usage| !usage.key_cert_sign()) {
        return Err("its key usage does not allow signing certificates".into());
    }
    Ok(())
}

/// A certificate time in seconds since the Unix epoch.
pub(crate) fn seconds(t: x509_cert::time::Time) -> i64 {
    i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// Whether `cert` is valid at `at` (seconds since the Unix epoch): notBefore ≤ at ≤ notAfter.
/// `when` names the time in the words ("the timestamp's time").
pub(crate) fn check_valid_at(cert: &Certificate, at: i64, when: &str) -> Result<(), String> {
    let validity = &cert.tbs_certificate.validity;
    if at < seconds(validity.not_before) {
        return Err(format!(
            "it is valid only from {}, after {when}",
            validity.not_before
        ));
    }
    if at > seconds(validity.not_after) {
        return Err(format!(
            "it was valid only until {}, before {when}",
            validity.not_after
        ));
    }
    Ok(())
}

/// The raw DER of the `tbsCertificate` inside a certificate's DER: what its issuer signed.
fn tbs_bytes(cert_der: &[u8]) -> Result<&[u8], String> {
    let inner = der_contents(cert_der, 0x30).ok_or("the certificate is not a SEQUENCE")?;
    der_first(inner).ok_or_else(|| "the certificate has no tbsCertificate".to_string())
}

/// The contents of the single DER element `bytes` when its tag is `tag`.
pub(crate) fn der_contents(bytes: &[u8], tag: u8) -> Option<&[u8]> {
    let (t, header, len) = der_header(bytes)?;
    (t == tag && header + len == bytes.len()).then(|| &bytes[header..])
}

/// The first whole DER element of `bytes`.
pub(crate) fn der_first(bytes: &[u8]) -> Option<&[u8]> {
    let (_, header, len) = der_header(bytes)?;
    bytes.get(..header + len)
}

/// A DER element's tag (single-byte tags only), header length and content length, when
/// `bytes` holds all of it.
fn der_header(bytes: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *bytes.first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let first = *bytes.get(1)?;
    let (header, len) = if first < 0x80 {
        (2, usize::from(first))
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let len = bytes
            .get(2..2 + n)?
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (2 + n, len)
    };
    (bytes.len() >= header.checked_add(len)?).then_some((tag, header, len))
}

/// Checks that `issuer`'s key made the signature of `cert` (whose DER is `cert_der`).
pub(crate) fn check_issued_by(
    cert: &Certificate,
    cert_der: &[u8],
    issuer: &Certificate,
) -> Result<(), String> {
    if cert.tbs_certificate.signature != cert.signature_algorithm {
        return Err("its two signature algorithm fields differ".into());
    }
    let oid = cert.signature_algorithm.oid;
    let (scheme, hash) = match signature_algorithm(oid) {
        Some((scheme, Some(hash))) => (scheme, hash),
        _ => {
            return Err(format!(
                "it is signed with {}, which is not accepted",
                oid_name(&oid)
            ))
        }
    };
    let signature = cert
        .signature
        .as_bytes()
        .ok_or("its signature is not a whole number of bytes")?;
    verify(issuer, scheme, hash, tbs_bytes(cert_der)?, signature)
}

/// A certificate and its DER.
#[derive(Clone)]
pub(crate) struct Cert {
    pub(crate) der: Vec<u8>,
    pub(crate) cert: Certificate,
}

impl Cert {
    /// The subject, readable ([`readable_name`]).
    pub(crate) fn subject(&self) -> String {
        readable_name(&self.cert.tbs_certificate.subject)
    }

    /// The SHA-256 of the DER, in lower-case hex.
    pub(crate) fn sha256(&self) -> String {
        hex::encode(Sha256::digest(&self.der))
    }
}

/// What a walk asks of a path beyond the signatures, CAs and validity every walk checks.
pub(crate) struct Rules {
    /// Most certificates in a path, counting the first one.
    pub(crate) max: usize,
    /// Whether an issuer's key usage (keyCertSign) and path length constraint are checked,
    /// and every certificate but the anchor refused with a critical extension not understood.
    pub(crate) constraints: bool,
    /// The time checked against, named in the words ("the timestamp's time").
    pub(crate) when: &'static str,
    /// A certificate's subject or issuer in the words ([`readable_name`], or one that never
    /// shows a personal number).
    pub(crate) name: fn(&Name) -> String,
}

/// Where a walk ended.
pub(crate) enum Walked<'a> {
    /// At an anchor: the path, the first certificate first, the anchor last.
    Anchored(Vec<&'a Cert>),
    /// At a certificate for which no issuer is found, or that is self-issued and no anchor.
    Unanchored(&'a Cert),
}

/// Walks from `first` up through `carried` (certificates offered with it) and `anchors`:
///
/// - when the current certificate is byte-equal to an anchor: anchored;
/// - with `rules.constraints`, it must have no critical extension not understood;
/// - when it is self-issued and is not an anchor: unanchored;
/// - the issuer candidates are the anchors, then the carried certificates, whose subject
///   name equals its issuer name; none: unanchored;
/// - the issuer is the first candidate whose key verifies its signature; candidates but none
///   that verifies: an error;
/// - the issuer must be valid at `at` and a CA ([`check_issuer`] with `rules`); else an error;
/// - it becomes the current certificate; a path longer than `rules.max` is an error.
///
/// The error is English words; the caller gives it its code.
pub(crate) fn walk<'a>(
    first: &'a Cert,
    carried: &'a [Cert],
    anchors: &[&'a Cert],
    at: i64,
    rules: &Rules,
) -> Result<Walked<'a>, String> {
    walk_checking(first, carried, anchors, at, rules, &|cert, issuer| {
        check_issued_by(&cert.cert, &cert.der, &issuer.cert)
    })
}

/// [`walk`], with `issued_by` saying whether a certificate's signature is its issuer's
/// ([`check_issued_by`], or a caller's record of what it gave before for the same two).
pub(crate) fn walk_checking<'a>(
    first: &'a Cert,
    carried: &'a [Cert],
    anchors: &[&'a Cert],
    at: i64,
    rules: &Rules,
    issued_by: &dyn Fn(&Cert, &Cert) -> Result<(), String>,
) -> Result<Walked<'a>, String> {
    // Anchors first: when two certificates carry the issuer's name, the anchor is tried first.
    let candidates: Vec<&Cert> = anchors.iter().copied().chain(carried).collect();
    let mut path = vec![first];
    let mut cert = first;
    loop {
        if anchors.iter().any(|a| a.der == cert.der) {
            return Ok(Walked::Anchored(path));
        }
        let tbs = &cert.cert.tbs_certificate;
        if rules.constraints {
            check_critical(&cert.cert)
                .map_err(|e| format!("the certificate of {}: {e}", (rules.name)(&tbs.subject)))?;
        }
        if tbs.issuer == tbs.subject {
            return Ok(Walked::Unanchored(cert));
        }
        let named: Vec<&Cert> = candidates
            .iter()
            .copied()
            .filter(|c| c.cert.tbs_certificate.subject == tbs.issuer && c.der != cert.der)
            .collect();
        if named.is_empty() {
            return Ok(Walked::Unanchored(cert));
        }
        if path.len() >= rules.max {
            return Err(format!("it is longer than {} certificates", rules.max));
        }
        let mut failure = None;
        let issuer = named.iter().copied().find(|issuer| {
            issued_by(cert, issuer)
                .map_err(|e| failure.get_or_insert(e))
                .is_ok()
        });
        let Some(issuer) = issuer else {
            return match failure {
                None => Ok(Walked::Unanchored(cert)),
                Some(reason) => Err(format!(
                    "the certificate of {} is not signed by {}: {reason}",
                    (rules.name)(&tbs.subject),
                    (rules.name)(&tbs.issuer)
                )),
            };
        };
        check_valid_at(&issuer.cert, at, rules.when)
            .and_then(|()| check_issuer(&issuer.cert, path.len() - 1, rules))
            .map_err(|e| {
                let issuer = (rules.name)(&issuer.cert.tbs_certificate.subject);
                format!("the certificate of {issuer}: {e}")
            })?;
        path.push(issuer);
        cert = issuer;
    }
}
