//! Qualified seals: the CMS a signer's Belgian eID makes in place of the companion seal
//! (docs/pdf.md, "The qualified seal"), so that a validator trusting the EU's lists sees a
//! qualified electronic signature, not a self-issued certificate.
//!
//! It is written with the same DER writer as the companion seal (`der`), in the same shape
//! (PAdES baseline, `ETSI.CAdES.detached`), with what a card adds: the card's Signature
//! certificate and its CA certificates, the card's algorithm (RSA PKCS#1 v1.5 with SHA-256,
//! or ECDSA P-384 with SHA-384), and the OCSP answer had at sealing time as the
//! `adbe-revocationInfoArchival` signed attribute (so that it stays inside `/Contents`, and the
//! bytes outside stay a function of the agreement). The card is asked for one signature, over
//! the digest of the signed attributes: [`prepare`] gives that digest, [`Prepared::signed`]
//! takes the card's answer.
//!
//! Like the rest of `seal`, this depends on no other module of the crate but `error`: the
//! card, its chain and its OCSP answer are given as bytes.

use const_oid::ObjectIdentifier;
use sha2::{Digest, Sha256, Sha384};

use super::{content_info, der, signed_attributes, Cms};

/// The signed attribute Adobe defined to carry revocation answers inside the signature
/// (`adbe-revocationInfoArchival`, 1.2.840.113583.1.1.8): PDF validators read it as PAdES
/// B-LT's revocation data, and it is covered by the signature.
pub const REVOCATION_INFO_ARCHIVAL: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113583.1.1.8");

use super::SHA256;
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");

/// The largest certificate a qualified seal carries, and the most CA certificates (the
/// caps of docs/eid.md).
pub const MAX_CERTIFICATE_BYTES: usize = 8 << 10;
/// The most CA certificates a qualified seal carries beside the Signature certificate.
pub const MAX_CHAIN: usize = 8;
/// The largest OCSP answer a qualified seal carries.
pub const MAX_OCSP_BYTES: usize = 16 << 10;

/// The eID's two kinds of Signature key, and the algorithms of the seal they make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// RSA-2048 (applet 1.7): PKCS#1 v1.5 with SHA-256.
    RsaSha256,
    /// ECDSA P-384 (applet 1.8): with SHA-384.
    EcdsaP384Sha384,
}

impl Algorithm {
    /// The digest algorithm (as the CMS names it, no parameters).
    fn digest_algorithm(self) -> Vec<u8> {
        der::seq(&[&der::oid(match self {
            Algorithm::RsaSha256 => SHA256,
            Algorithm::EcdsaP384Sha384 => SHA384,
        })])
    }

    /// The signature algorithm: sha256WithRSAEncryption (with its NULL parameters), or
    /// ecdsa-with-SHA384 (none).
    fn signature_algorithm(self) -> Vec<u8> {
        match self {
            Algorithm::RsaSha256 => der::seq(&[&der::oid(SHA256_WITH_RSA), &[0x05, 0x00]]),
            Algorithm::EcdsaP384Sha384 => der::seq(&[&der::oid(ECDSA_SHA384)]),
        }
    }

    /// The digest of `parts`, one after the other, with this algorithm's hash.
    pub fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        match self {
            Algorithm::RsaSha256 => {
                let mut h = Sha256::new();
                parts.iter().for_each(|p| h.update(p));
                h.finalize().to_vec()
            }
            Algorithm::EcdsaP384Sha384 => {
                let mut h = Sha384::new();
                parts.iter().for_each(|p| h.update(p));
                h.finalize().to_vec()
            }
        }
    }
}

/// Why a qualified seal cannot be made from what the card gave.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QualifiedSealError {
    /// The card's certificate, a CA certificate or the OCSP answer is not DER of the kind
    /// expected, or larger than a seal carries.
    #[error("the eID's certificates or OCSP answer cannot be put in a seal: {0}")]
    Unreadable(String),
    /// The certificates and the OCSP answer alone do not fit in the seal's place.
    #[error("the eID's certificates and OCSP answer do not fit in the seal's place ({max} bytes)")]
    TooLarge {
        /// The bytes a seal may take.
        max: usize,
    },
}

impl QualifiedSealError {
    /// Every code of [`QualifiedSealError`].
    pub const CODES: &'static [&'static str] = &["eid_seal_unusable", "eid_seal_too_large"];
}

/// Parameters: `detail` (English words), `max` (bytes).
impl crate::error::Coded for QualifiedSealError {
    fn code(&self) -> &'static str {
        match self {
            QualifiedSealError::Unreadable(_) => "eid_seal_unusable",
            QualifiedSealError::TooLarge { .. } => "eid_seal_too_large",
        }
    }

    fn params(&self) -> crate::error::Params {
        use crate::error::param;
        match self {
            QualifiedSealError::Unreadable(detail) => vec![param("detail", detail)],
            QualifiedSealError::TooLarge { max } => vec![param("max", max)],
        }
    }
}

fn unusable(why: &str) -> QualifiedSealError {
    QualifiedSealError::Unreadable(why.to_string())
}

/// The issuer (its DER `Name`) and the serial number (its DER `INTEGER`) of a certificate.
pub(crate) fn issuer_and_serial(certificate: &[u8]) -> Option<(&[u8], &[u8])> {
    let cert = der::only(certificate, 0x30)?;
    let [tbs, _, _] = der::items(cert.content, 3)?[..] else {
        return None;
    };
    let fields = der::items(tbs.content, 10)?;
    // version [0] is there in a v3 certificate, and left out in a v1.
    let at = usize::from(fields.first()?.tag == 0xA0);
    let serial = fields.get(at).filter(|t| t.tag == 0x02)?;
    let issuer = fields.get(at + 2).filter(|t| t.tag == 0x30)?;
    Some((issuer.whole, serial.whole))
}

/// A qualified seal's signed attributes, ready for the card to sign.
pub struct Prepared {
    algorithm: Algorithm,
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    issuer: Vec<u8>,
    serial: Vec<u8>,
    attributes: Vec<u8>,
}

impl Prepared {
    /// The digest the card signs: of the signed attributes' DER (tagged as a SET), with the
    /// algorithm's hash.
    pub fn to_sign(&self) -> Vec<u8> {
        self.algorithm.digest(&[&self.attributes])
    }

    /// The seal, with the card's signature over [`Prepared::to_sign`] (for RSA the PKCS#1
    /// v1.5 signature, for ECDSA the DER `Ecdsa-Sig-Value`).
    pub fn signed(self, signature: Vec<u8>) -> QualifiedSealed {
        QualifiedSealed {
            prepared: self,
            signature,
        }
    }
}

/// A qualified seal made, before any timestamp.
pub struct QualifiedSealed {
    prepared: Prepared,
    signature: Vec<u8>,
}

impl QualifiedSealed {
    /// The signature value: what a signature timestamp stamps.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The seal's bytes (the CMS ContentInfo): the Signature certificate and the CA
    /// certificates but for the last (the root) when `with_root` is false, and a signature
    /// timestamp token if given.
    pub fn to_der(&self, token: Option<&[u8]>, with_root: bool) -> Vec<u8> {
        let p = &self.prepared;
        let chain = match (with_root, p.chain.split_last()) {
            (false, Some((_, cas))) => cas,
            _ => &p.chain[..],
        };
        let mut certificates: Vec<&[u8]> = vec![&p.certificate];
        certificates.extend(chain.iter().map(Vec::as_slice));
        content_info(&Cms {
            certificates: &certificates,
            issuer: &p.issuer,
            serial: &p.serial,
            digest_algorithm: &p.algorithm.digest_algorithm(),
            attributes: &p.attributes,
            signature_algorithm: &p.algorithm.signature_algorithm(),
            signature: &self.signature,
            token,
        })
    }

    /// The seal's bytes that fit in `space`: everything; else without the root certificate
    /// (a validator has it as its anchor); else without the timestamp too. `None` when even
    /// that is too large.
    pub fn fitting(&self, token: Option<&[u8]>, space: usize) -> Option<Vec<u8>> {
        [(token, true), (token, false), (None, false)]
            .into_iter()
            .map(|(token, with_root)| self.to_der(token, with_root))
            .find(|der| der.len() <= space)
    }
}

/// The qualified seal Tweevoud makes from the parts a verifier found in `seal`: the
/// certificates (in any order), the signer's certificate among them, the signed attributes
/// (DER, as a SET OF), the signature value and the timestamp token. Whether it is `seal`, byte
/// for byte, with one of the two algorithms: a seal holds nothing but what Tweevoud writes,
/// so that no byte of it outside what its signature covers can change unseen.
pub fn is_remade(
    seal: &[u8],
    certificates: &[&[u8]],
    signer: &[u8],
    attributes: &[u8],
    signature: &[u8],
    token: Option<&[u8]>,
) -> bool {
    let Some((issuer, serial)) = issuer_and_serial(signer) else {
        return false;
    };
    [Algorithm::RsaSha256, Algorithm::EcdsaP384Sha384]
        .into_iter()
        .any(|algorithm| {
            content_info(&Cms {
                certificates,
                issuer,
                serial,
                digest_algorithm: &algorithm.digest_algorithm(),
                attributes,
                signature_algorithm: &algorithm.signature_algorithm(),
                signature,
                token,
            }) == seal
        })
}

/// A whole DER TLV of `tag` within `max` bytes, else why not.
fn whole(bytes: &[u8], tag: u8, max: usize, what: &str) -> Result<(), QualifiedSealError> {
    if bytes.len() > max {
        return Err(unusable(&format!("{what} is larger than {max} bytes")));
    }
    crate::der_scan::scan_cms(bytes, crate::der_scan::MAX_SEAL_DEPTH)
        .ok()
        .and_then(|()| der::only(bytes, tag))
        .map(|_| ())
        .ok_or_else(|| unusable(&format!("{what} is not DER")))
}

/// Prepares a qualified seal over `digest` (of the PDF's bytes outside the seal, with the
/// algorithm's hash) by the Signature `certificate`, with its CA `chain` (Citizen CA, then
/// the root) and the OCSP answer `ocsp` when one was had. Refused when these alone would not
/// fit in `space` bytes with the smallest seal the card can make (no root, no timestamp), so
/// that the card is not asked for a signature that cannot be used.
pub fn prepare(
    algorithm: Algorithm,
    certificate: &[u8],
    chain: &[Vec<u8>],
    ocsp: Option<&[u8]>,
    digest: &[u8],
    space: usize,
) -> Result<Prepared, QualifiedSealError> {
    whole(
        certificate,
        0x30,
        MAX_CERTIFICATE_BYTES,
        "the Signature certificate",
    )?;
    if chain.len() > MAX_CHAIN {
        return Err(unusable("the card holds too many CA certificates"));
    }
    for ca in chain {
        whole(ca, 0x30, MAX_CERTIFICATE_BYTES, "a CA certificate")?;
    }
    if let Some(ocsp) = ocsp {
        whole(ocsp, 0x30, MAX_OCSP_BYTES, "the OCSP answer")?;
    }
    let (issuer, serial) = issuer_and_serial(certificate)
        .ok_or_else(|| unusable("the Signature certificate has no issuer and serial number"))?;
    let attributes = signed_attributes(digest, certificate, issuer, serial, ocsp);
    let prepared = Prepared {
        algorithm,
        certificate: certificate.to_vec(),
        chain: chain.to_vec(),
        issuer: issuer.to_vec(),
        serial: serial.to_vec(),
        attributes,
    };
    // The largest signature either key makes: RSA-4096's 512 bytes, or P-384's 104.
    let smallest = prepared.signed(vec![0; 512]);
    if smallest.to_der(None, false).len() > space {
        return Err(QualifiedSealError::TooLarge { max: space });
    }
    Ok(smallest.prepared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::ID_DATA;

    const CERT: &[u8] = include_bytes!("../../tests/fixtures/eid/ec-sign.der");
    const CA: &[u8] = include_bytes!("../../tests/fixtures/eid/ca-ec.der");
    const ROOT: &[u8] = include_bytes!("../../tests/fixtures/eid/root.der");
    const OCSP: &[u8] = include_bytes!("../../tests/fixtures/eid/ocsp-ec-sign.der");

    #[test]
    fn a_qualified_seal_drops_the_root_then_the_timestamp_to_fit() {
        let chain = vec![CA.to_vec(), ROOT.to_vec()];
        let digest = [5u8; 48];
        let prepared = prepare(
            Algorithm::EcdsaP384Sha384,
            CERT,
            &chain,
            Some(OCSP),
            &digest,
            16 << 10,
        )
        .unwrap();
        assert_eq!(prepared.to_sign().len(), 48);
        let sealed = prepared.signed(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
        let token = der::seq(&[&der::oid(ID_DATA), &der::octets(&[7; 600])]);
        let full = sealed.to_der(Some(&token), true);
        let no_root = sealed.to_der(Some(&token), false);
        let bare = sealed.to_der(None, false);
        assert_eq!(full.len() - no_root.len(), ROOT.len());
        assert!(bare.len() < no_root.len());
        assert_eq!(sealed.fitting(Some(&token), 1 << 14).unwrap(), full);
        assert_eq!(
            sealed.fitting(Some(&token), no_root.len()).unwrap(),
            no_root
        );
        assert_eq!(
            sealed.fitting(Some(&token), no_root.len() - 1).unwrap(),
            bare
        );
        assert!(sealed.fitting(Some(&token), bare.len() - 1).is_none());
        // The whole seal is DER the pre-scan lets through, and holds the OCSP answer.
        crate::der_scan::scan_cms(&full, crate::der_scan::MAX_SEAL_DEPTH).unwrap();
        assert!(full.windows(OCSP.len()).any(|w| w == OCSP));
        let (issuer, serial) = issuer_and_serial(CERT).unwrap();
        assert_eq!(serial, [0x02, 0x02, 0x10, 0x00]);
        assert!(CA.windows(issuer.len()).any(|w| w == issuer));
    }

    #[test]
    fn fail_what_cannot_go_in_a_seal() {
        let refused = |cert: &[u8], chain: &[Vec<u8>], ocsp: Option<&[u8]>, space: usize| {
            prepare(Algorithm::RsaSha256, cert, chain, ocsp, &[0; 32], space)
                .err()
                .map(|e| crate::error::Coded::code(&e))
        };
        assert_eq!(
            refused(&CERT[1..], &[], None, 1 << 14),
            Some("eid_seal_unusable")
        );
        assert_eq!(refused(CERT, &[vec![0x30, 0x00]], None, 1 << 14), None);
        assert_eq!(
            refused(CERT, &[vec![0x02]], None, 1 << 14),
            Some("eid_seal_unusable")
        );
        assert_eq!(
            refused(CERT, &vec![CA.to_vec(); 9], None, 1 << 14),
            Some("eid_seal_unusable")
        );
        assert_eq!(
            refused(CERT, &[], Some(&[0x30, 0x80]), 1 << 14),
            Some("eid_seal_unusable")
        );
        assert_eq!(
            refused(CERT, &[], Some(OCSP), 1000),
            Some("eid_seal_too_large")
        );
    }
}
