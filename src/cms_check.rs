//! One check of a CMS `SignedData` signature (RFC 5652) with one signer: a timestamp token's
//! (RFC 3161), another tool's PDF signature (`adbe.pkcs7.detached`, `ETSI.CAdES.detached`)
//! and an eID seal are all checked by it, so the rules are written once.
//!
//! `SignedCms::read` reads the structure within the caller's `Limits` (the DER pre-scan of
//! `der_scan::scan_cms` first, then the ContentInfo, the SignedData, its one SignerInfo and
//! the certificates it carries); `SignedCms::check` checks the signer: its
//! certificate found among those carried (by issuerAndSerialNumber or subjectKeyIdentifier),
//! the signed attributes (content-type, message-digest against the digest of the signed data
//! the caller gives, ESS signing-certificate v1/v2 when present or when required), and the
//! signature over them (RSA PKCS #1 v1.5, ECDSA P-256/P-384; SHA-256, SHA-384, SHA-512).
//! What the signer's certificate is for, and the chain above it, are the caller's rules.
//!
//! The certificates and the signature primitives are the crate's one set (`x509`); this module
//! sits beside the timestamps and the PDF, so that both depend on it without depending on each
//! other.

use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    DigestAlgorithmIdentifiers, EncapsulatedContentInfo, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};

use crate::der_scan;
use crate::error::{param, Coded, Params};
use crate::x509::{self, oid_name, Cert, Hash, Scheme};

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// The content type `id-data`: what a detached signature over bytes names.
pub(crate) const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// The bounds a reading keeps to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Largest CMS read, in bytes.
    pub(crate) max_bytes: usize,
    /// Most constructed elements nested in one another (the DER pre-scan's bound).
    pub(crate) max_depth: usize,
    /// Most X.509 certificates the SignedData may carry.
    pub(crate) max_certificates: usize,
}

/// Why a CMS signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CmsProblem {
    /// It is not a DER SignedData with one signer within the bounds.
    #[error("the signature cannot be read: {reason}")]
    Unreadable {
        /// English words.
        reason: String,
    },
    /// The signer's signature (or what it signs: the signed attributes, the message digest)
    /// does not hold.
    #[error("the signature does not hold: {reason}")]
    Signature {
        /// English words.
        reason: String,
    },
    /// The signer's certificate is missing, or not the one the signed attributes name.
    #[error("the signer's certificate is not acceptable: {reason}")]
    Certificate {
        /// English words.
        reason: String,
    },
}

impl CmsProblem {
    /// Every code of [`CmsProblem`], so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] =
        &["cms_unreadable", "cms_signature", "cms_certificate"];

    /// The English reason, without the sentence around it.
    pub fn reason(&self) -> &str {
        match self {
            CmsProblem::Unreadable { reason }
            | CmsProblem::Signature { reason }
            | CmsProblem::Certificate { reason } => reason,
        }
    }
}

/// Parameters: `reason` (English words).
impl Coded for CmsProblem {
    fn code(&self) -> &'static str {
        match self {
            CmsProblem::Unreadable { .. } => "cms_unreadable",
            CmsProblem::Signature { .. } => "cms_signature",
            CmsProblem::Certificate { .. } => "cms_certificate",
        }
    }

    fn params(&self) -> Params {
        vec![param("reason", self.reason())]
    }
}

fn unreadable(reason: impl Into<String>) -> CmsProblem {
    CmsProblem::Unreadable {
        reason: reason.into(),
    }
}

fn bad_signature(reason: impl Into<String>) -> CmsProblem {
    CmsProblem::Signature {
        reason: reason.into(),
    }
}

fn bad_certificate(reason: impl Into<String>) -> CmsProblem {
    CmsProblem::Certificate {
        reason: reason.into(),
    }
}

/// Whether the ESS signing-certificate attribute (v1 or v2) must be there. When it is there,
/// it is always checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ess {
    /// One of the two must be there (RFC 3161 tokens, PAdES).
    Required,
    /// Checked only when present (`adbe.pkcs7.detached` signatures may leave it out).
    #[allow(
        dead_code,
        reason = "the PDF's signatures use it in the commit that reads them"
    )]
    WhenPresent,
}

/// A SignedData read, not yet checked.
pub(crate) struct SignedCms {
    content_type: ObjectIdentifier,
    content: Option<Vec<u8>>,
    signer: SignerInfo,
    certs: Vec<Cert>,
}

/// What a signature that holds was made by.
pub(crate) struct Signer<'a> {
    /// The signer's certificate, among those the SignedData carries.
    pub(crate) cert: &'a Cert,
}

impl SignedCms {
    /// Reads a ContentInfo holding SignedData, with exactly one SignerInfo, within `limits`.
    pub(crate) fn read(der: &[u8], limits: Limits) -> Result<SignedCms, CmsProblem> {
        if der.len() > limits.max_bytes {
            return Err(unreadable(format!(
                "it is larger than {} bytes",
                limits.max_bytes
            )));
        }
        der_scan::scan_cms(der, limits.max_depth)
            .map_err(|e| unreadable(format!("it is not DER: {e}")))?;
        let info = ContentInfo::from_der(der)
            .map_err(|e| unreadable(format!("not a CMS ContentInfo: {e}")))?;
        if info.content_type != ID_SIGNED_DATA {
            return Err(unreadable(format!(
                "its content is {}, not signed data",
                oid_name(&info.content_type)
            )));
        }
        if info.content.tag() != Tag::Sequence {
            return Err(unreadable("its signed data is not a SEQUENCE"));
        }
        let signed = read_signed_data(info.content.value())
            .map_err(|e| unreadable(format!("its signed data cannot be read: {e}")))?;
        let content = match &signed.encap.econtent {
            Some(any) if any.tag() == Tag::OctetString => Some(any.value().to_vec()),
            Some(_) => return Err(unreadable("its content is not an OCTET STRING")),
            None => None,
        };
        let mut infos = signed.signer_infos.0.iter();
        let signer = match (infos.next(), infos.next()) {
            (Some(one), None) => one.clone(),
            (None, _) => return Err(unreadable("it has no signer")),
            (Some(_), Some(_)) => return Err(unreadable("it has more than one signer")),
        };
        let certs = read_certificates(signed.certificates, limits.max_certificates)?;
        Ok(SignedCms {
            content_type: signed.encap.econtent_type,
            content,
            signer,
            certs,
        })
    }

    /// The content type the SignedData names (`eContentType`).
    pub(crate) fn content_type(&self) -> ObjectIdentifier {
        self.content_type
    }

    /// The content it encapsulates, `None` for a detached signature.
    pub(crate) fn content(&self) -> Option<&[u8]> {
        self.content.as_deref()
    }

    /// The certificates it carries (X.509 only, in the order written).
    pub(crate) fn certificates(&self) -> &[Cert] {
        &self.certs
    }

    /// The certificates it carries, taken out of it.
    pub(crate) fn into_certificates(self) -> Vec<Cert> {
        self.certs
    }

    /// The value of the signed attribute `oid`: `None` when absent, an error when it is not
    /// one attribute with one value (or there are no signed attributes).
    pub(crate) fn signed_attribute(
        &self,
        oid: ObjectIdentifier,
    ) -> Result<Option<&Any>, CmsProblem> {
        let attrs = self
            .signer
            .signed_attrs
            .as_ref()
            .ok_or_else(|| bad_signature("it has no signed attributes"))?;
        one_value(attrs, oid, "signed")
    }

    /// The DER of the signed attributes, as the signature is over them (a SET OF), if there
    /// are any.
    pub(crate) fn signed_attributes_der(&self) -> Option<Vec<u8>> {
        self.signer.signed_attrs.as_ref()?.to_der().ok()
    }

    /// The value of the unsigned attribute `oid` (a signature timestamp): `None` when absent
    /// (or there are no unsigned attributes), an error when it is not one attribute with one
    /// value.
    pub(crate) fn unsigned_attribute(
        &self,
        oid: ObjectIdentifier,
    ) -> Result<Option<&Any>, CmsProblem> {
        match &self.signer.unsigned_attrs {
            None => Ok(None),
            Some(attrs) => one_value(attrs, oid, "unsigned"),
        }
    }

    /// The signer's signature value: what a signature timestamp stamps.
    #[allow(
        dead_code,
        reason = "for the eID seal's signature timestamp (eid-seal's)"
    )]
    pub(crate) fn signature_value(&self) -> &[u8] {
        self.signer.signature.as_bytes()
    }

    /// Checks the signer: its certificate among those carried, the signed attributes (the
    /// content-type must be `content_type`, the message-digest must be `digest_of` the
    /// signed data for the SignerInfo's digest algorithm; the ESS signing-certificate as
    /// `ess` says), and its signature over the signed attributes.
    pub(crate) fn check(
        &self,
        content_type: ObjectIdentifier,
        digest_of: &dyn Fn(Hash) -> Vec<u8>,
        ess: Ess,
    ) -> Result<Signer<'_>, CmsProblem> {
        let signer = &self.signer;
        let signing = find_signer(&self.certs, &signer.sid)?;

        // The signed attributes.
        let digest_alg = &signer.digest_alg;
        let hash = Hash::sha2(digest_alg.oid, digest_alg.parameters.as_ref()).ok_or_else(|| {
            bad_signature(format!(
                "its digest algorithm {} is not accepted (SHA-256, SHA-384 and SHA-512 are)",
                oid_name(&digest_alg.oid)
            ))
        })?;
        let attrs = signer
            .signed_attrs
            .as_ref()
            .ok_or_else(|| bad_signature("it has no signed attributes"))?;
        let named = self
            .signed_attribute(ID_CONTENT_TYPE)?
            .ok_or_else(|| bad_signature("it has no content-type attribute"))?
            .decode_as::<ObjectIdentifier>()
            .map_err(|_| bad_signature("its content-type attribute is not an OID"))?;
        if named != content_type {
            return Err(bad_signature(format!(
                "its content-type attribute is {}, not {}",
                oid_name(&named),
                oid_name(&content_type)
            )));
        }
        let digest = self
            .signed_attribute(ID_MESSAGE_DIGEST)?
            .ok_or_else(|| bad_signature("it has no message-digest attribute"))?
            .decode_as::<OctetString>()
            .map_err(|_| bad_signature("its message-digest attribute is not an OCTET STRING"))?;
        if digest.as_bytes() != digest_of(hash) {
            return Err(bad_signature(format!(
                "its message-digest attribute is not the {} of the signed data: it was changed",
                hash.name()
            )));
        }
        let ess_v1 = self.signed_attribute(ID_SIGNING_CERTIFICATE)?;
        let ess_v2 = self.signed_attribute(ID_SIGNING_CERTIFICATE_V2)?;
        if ess == Ess::Required && ess_v1.is_none() && ess_v2.is_none() {
            return Err(bad_signature(
                "it has no ESS signing-certificate attribute (v1 or v2)",
            ));
        }
        if let Some(v1) = ess_v1 {
            let (_, cert_hash) = first_ess_cert_id(v1, false)?;
            if cert_hash != Hash::Sha1.digest(&signing.der) {
                return Err(bad_certificate(
                    "its ESS signing-certificate attribute names another certificate",
                ));
            }
        }
        if let Some(v2) = ess_v2 {
            let (ess_hash, cert_hash) = first_ess_cert_id(v2, true)?;
            if cert_hash != ess_hash.digest(&signing.der) {
                return Err(bad_certificate(
                    "its ESS signing-certificate-v2 attribute names another certificate",
                ));
            }
        }

        // The signature over the DER of the signed attributes, as a SET OF.
        let sig_alg = signer.signature_algorithm.oid;
        let scheme = match x509::signature_algorithm(sig_alg) {
            Some((scheme, None)) => scheme,
            Some((scheme, Some(named))) if named == hash => scheme,
            Some((_, Some(named))) => {
                return Err(bad_signature(format!(
                    "its signature algorithm uses {} but its digest algorithm is {}",
                    named.name(),
                    hash.name()
                )))
            }
            None => {
                return Err(bad_signature(format!(
                    "its signature algorithm {} is not accepted (RSA PKCS #1 v1.5 and ECDSA P-256/P-384 are)",
                    oid_name(&sig_alg)
                )))
            }
        };
        if scheme == Scheme::Rsa
            && signer
                .signature_algorithm
                .parameters
                .as_ref()
                .is_some_and(|p| p.tag() != Tag::Null)
        {
            return Err(bad_signature("its RSA signature algorithm has parameters"));
        }
        let signed_bytes = attrs
            .to_der()
            .map_err(|e| bad_signature(format!("its signed attributes cannot be encoded: {e}")))?;
        x509::verify(
            &signing.cert,
            scheme,
            hash,
            &signed_bytes,
            signer.signature.as_bytes(),
        )
        .map_err(bad_signature)?;
        Ok(Signer { cert: signing })
    }
}

/// The one value of the one attribute `oid` among `attrs` (`kind`: "signed" or "unsigned",
/// for the words): `None` when absent.
fn one_value<'a>(
    attrs: &'a x509_cert::attr::Attributes,
    oid: ObjectIdentifier,
    kind: &str,
) -> Result<Option<&'a Any>, CmsProblem> {
    let mut found = attrs.iter().filter(|a| a.oid == oid);
    match (found.next(), found.next()) {
        (None, _) => Ok(None),
        (Some(a), None) if a.values.len() == 1 => Ok(a.values.iter().next()),
        _ => Err(bad_signature(format!(
            "its {kind} attribute {} is not one attribute with one value",
            oid_name(&oid)
        ))),
    }
}

/// Checks a detached signature (no encapsulated content, content type `id-data`) over the
/// bytes of `parts` one after the other: a PDF signature over its `/ByteRange`.
#[allow(
    dead_code,
    reason = "the PDF's signatures use it in the commit that reads them"
)]
pub(crate) fn check_detached<'a>(
    signed: &'a SignedCms,
    parts: &[&[u8]],
    ess: Ess,
) -> Result<Signer<'a>, CmsProblem> {
    if signed.content().is_some() {
        return Err(unreadable(
            "it encapsulates its content; a detached signature does not",
        ));
    }
    signed.check(ID_DATA, &|hash| digest_parts(hash, parts), ess)
}

/// The `hash` of the bytes of `parts` one after the other: what a PDF signature's
/// `/ByteRange` covers.
pub(crate) fn digest_parts(hash: Hash, parts: &[&[u8]]) -> Vec<u8> {
    fn all<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
        let mut d = D::new();
        for part in parts {
            d.update(part);
        }
        d.finalize().to_vec()
    }
    match hash {
        Hash::Sha1 => all::<sha1::Sha1>(parts),
        Hash::Sha256 => all::<sha2::Sha256>(parts),
        Hash::Sha384 => all::<sha2::Sha384>(parts),
        Hash::Sha512 => all::<sha2::Sha512>(parts),
    }
}

/// The fields of a SignedData that are used; `certificates` as the content of its `[0]`.
struct Signed<'a> {
    encap: EncapsulatedContentInfo,
    certificates: &'a [u8],
    signer_infos: SignerInfos,
}

/// Reads a SignedData's fields (RFC 5652 section 5.1) from its content. The certificates are
/// kept as bytes, for [`read_certificates`]: the `cms` crate reads the `other` choice with an
/// explicit tag where RFC 5652 gives an implicit one. The `crls` are not read (revocation is
/// the caller's); the pre-scan has held them to DER.
fn read_signed_data(content: &[u8]) -> der::Result<Signed<'_>> {
    let mut r = SliceReader::new(content)?;
    let _version: CmsVersion = r.decode()?;
    let _digests: DigestAlgorithmIdentifiers = r.decode()?;
    let encap: EncapsulatedContentInfo = r.decode()?;
    let certificates = if r.peek_byte() == Some(0xA0) {
        r.tlv_bytes()?
    } else {
        &[]
    };
    if r.peek_byte() == Some(0xA1) {
        r.tlv_bytes()?;
    }
    let signer_infos: SignerInfos = r.decode()?;
    let certificates = der_scan::members(certificates)
        .first()
        .map_or(&[][..], |set| set.content);
    r.finish(Signed {
        encap,
        certificates,
        signer_infos,
    })
}

/// The certificates of a `certificates [0] IMPLICIT CertificateSet` (its content): each X.509
/// certificate, at most `max`; an `other [3] IMPLICIT OtherCertificateFormat` (an OID and one
/// value) is ignored and not counted; the obsolete choices are refused.
fn read_certificates(set: &[u8], max: usize) -> Result<Vec<Cert>, CmsProblem> {
    let mut certs = Vec::new();
    for choice in der_scan::members(set) {
        match choice.tag {
            0x30 => {
                if certs.len() == max {
                    return Err(unreadable(format!(
                        "it carries more than {max} certificates"
                    )));
                }
                let cert = x509::parse_certificate(choice.whole)
                    .map_err(|e| unreadable(format!("a certificate it carries: {e}")))?;
                certs.push(Cert {
                    der: choice.whole.to_vec(),
                    cert,
                });
            }
            0xA3 => match der_scan::members(choice.content)[..] {
                [format, _] if format.tag == 0x06 => {}
                _ => {
                    return Err(unreadable(
                        "an other certificate format ([3]) that is not an OID and one value",
                    ))
                }
            },
            0xA0 => return Err(unreadable("it carries an extended certificate (obsolete)")),
            0xA1 | 0xA2 => return Err(unreadable("it carries an attribute certificate")),
            tag => {
                return Err(unreadable(format!(
                    "its certificates hold an element of tag {tag:#04x}"
                )))
            }
        }
    }
    Ok(certs)
}

/// The one certificate the signer identifier names.
fn find_signer<'a>(certs: &'a [Cert], sid: &SignerIdentifier) -> Result<&'a Cert, CmsProblem> {
    let matches = |c: &&Cert| match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            c.cert.tbs_certificate.issuer == ias.issuer
                && c.cert.tbs_certificate.serial_number == ias.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            x509::subject_key_id(&c.cert).as_deref() == Some(ski.0.as_bytes())
        }
    };
    let mut found = certs.iter().filter(matches);
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => Err(bad_certificate(
            "it does not carry the signer's certificate",
        )),
        (Some(_), Some(_)) => Err(bad_certificate(
            "it carries two certificates that match its signer",
        )),
    }
}

/// The hash algorithm and certificate hash of the first ESSCertID (v1: SHA-1) or ESSCertIDv2
/// (hash algorithm, default SHA-256) of a signing-certificate attribute's value.
fn first_ess_cert_id(value: &Any, v2: bool) -> Result<(Hash, Vec<u8>), CmsProblem> {
    let bad = |e: der::Error| {
        bad_signature(format!(
            "its ESS signing-certificate attribute cannot be read: {e}"
        ))
    };
    let bytes = value.to_der().map_err(bad)?;
    let mut reader = SliceReader::new(&bytes).map_err(bad)?;
    let found = reader
        .sequence(|signing_certificate| {
            let first = signing_certificate.sequence(|certs| {
                let first = certs.sequence(|id| {
                    let algorithm = if v2 && id.peek_byte() == Some(0x30) {
                        Some(id.decode::<x509_cert::spki::AlgorithmIdentifierOwned>()?)
                    } else {
                        None
                    };
                    let hash: OctetString = id.decode()?;
                    while !id.is_finished() {
                        id.tlv_bytes()?;
                    }
                    Ok((algorithm, hash.as_bytes().to_vec()))
                })?;
                while !certs.is_finished() {
                    certs.tlv_bytes()?;
                }
                Ok(first)
            })?;
            while !signing_certificate.is_finished() {
                signing_certificate.tlv_bytes()?;
            }
            Ok(first)
        })
        .map_err(bad)?;
    let (algorithm, cert_hash) = found;
    let hash = match (v2, algorithm) {
        (false, _) => Hash::Sha1,
        (true, None) => Hash::Sha256,
        (true, Some(alg)) => Hash::sha2(alg.oid, alg.parameters.as_ref()).ok_or_else(|| {
            bad_signature(format!(
                "its ESS signing-certificate-v2 attribute uses {}, not SHA-256, SHA-384 or SHA-512",
                oid_name(&alg.oid)
            ))
        })?,
    };
    Ok((hash, cert_hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_bytes: 1 << 10,
        max_depth: der_scan::MAX_DEPTH,
        max_certificates: 4,
    };

    #[test]
    fn unreadable_signatures_do_not_panic() {
        for bytes in [
            &[][..],
            &[0x30],
            &[0x30, 0x80],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
            &[0x30, 0x03, 0x06, 0x01, 0x00],
            b"garbage garbage garbage",
        ] {
            let e = SignedCms::read(bytes, LIMITS).err().unwrap();
            assert_eq!(e.code(), "cms_unreadable", "{bytes:?}");
        }
        let big = vec![0x30; LIMITS.max_bytes + 1];
        let e = SignedCms::read(&big, LIMITS).err().unwrap();
        assert!(e.to_string().contains("larger than"), "{e}");
    }

    const DATA: &[u8] = include_bytes!("../tests/fixtures/cms/data.txt");
    const RSA: &[u8] = include_bytes!("../tests/fixtures/cms/detached-rsa.der");
    const EC_KEYID: &[u8] = include_bytes!("../tests/fixtures/cms/detached-ec-keyid.der");
    const READ: Limits = Limits {
        max_bytes: 16 << 10,
        max_depth: der_scan::MAX_DEPTH,
        max_certificates: 8,
    };

    /// `openssl cms -sign -binary` over `data.txt`: RSA SHA-256 with ESS signing-certificate
    /// v2 (`-cades`) and the CA carried; ECDSA P-384 SHA-384 named by subject key identifier
    /// (`-keyid`), without ESS. Both from the eID test cards (tests/fixtures/eid).
    #[test]
    fn detached_signatures_hold_over_their_bytes_only() {
        for (der, ess, certs) in [(RSA, Ess::Required, 2), (EC_KEYID, Ess::WhenPresent, 1)] {
            let signed = SignedCms::read(der, READ).unwrap();
            assert_eq!(signed.certificates().len(), certs);
            let (head, tail) = DATA.split_at(10);
            let signer = check_detached(&signed, &[head, tail], ess).unwrap();
            assert!(
                x509::readable_name(&signer.cert.cert.tbs_certificate.subject)
                    .contains("(Signature)")
            );
            let e = check_detached(&signed, &[head], ess).err().unwrap();
            assert_eq!(e.code(), "cms_signature");
            assert!(e.reason().contains("message-digest"), "{e}");
        }
        let signed = SignedCms::read(EC_KEYID, READ).unwrap();
        let e = check_detached(&signed, &[DATA], Ess::Required)
            .err()
            .unwrap();
        assert!(e.reason().contains("ESS"), "{e}");
        let mut flipped = RSA.to_vec();
        let at = flipped.len() - 10;
        flipped[at] ^= 1;
        let signed = SignedCms::read(&flipped, READ).unwrap();
        let e = check_detached(&signed, &[DATA], Ess::Required)
            .err()
            .unwrap();
        assert_eq!(e.code(), "cms_signature", "{e}");
        let e = SignedCms::read(
            RSA,
            Limits {
                max_certificates: 1,
                ..READ
            },
        )
        .err()
        .unwrap();
        assert!(e.reason().contains("more than 1 certificates"), "{e}");
    }

    #[test]
    fn digests_of_parts_are_digests_of_the_whole() {
        for hash in [Hash::Sha256, Hash::Sha384, Hash::Sha512] {
            assert_eq!(
                digest_parts(hash, &[b"ab", b"", b"cd"]),
                hash.digest(b"abcd")
            );
        }
    }
}
