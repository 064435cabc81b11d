//! Reading a timestamp token and checking it: the structure, the message imprint, the signed
//! attributes, the signature, the signing certificate and the chain.

use chrono::{DateTime, NaiveDate, Utc};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    DigestAlgorithmIdentifiers, EncapsulatedContentInfo, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, Int, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};
use x509_tsp::{Accuracy, MessageImprint};

use super::chain;
use super::{Anchor, Attested, TokenProblem, MAX_CERTIFICATES, MAX_TOKEN_BYTES};
use crate::der_scan;
use crate::x509::{self, oid_name, Cert, Hash, Scheme};

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
pub(super) const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

fn unreadable(reason: impl Into<String>) -> TokenProblem {
    TokenProblem::Unreadable {
        reason: reason.into(),
    }
}

fn bad_signature(reason: impl Into<String>) -> TokenProblem {
    TokenProblem::Signature {
        reason: reason.into(),
    }
}

fn bad_certificate(reason: impl Into<String>) -> TokenProblem {
    TokenProblem::Certificate {
        reason: reason.into(),
    }
}

/// The fields of a TSTInfo that are checked or reported.
pub(super) struct Tst {
    pub(super) policy: ObjectIdentifier,
    pub(super) imprint_hash: ObjectIdentifier,
    pub(super) imprint_params: Option<Any>,
    pub(super) imprint: Vec<u8>,
    pub(super) serial: Vec<u8>,
    pub(super) time: DateTime<Utc>,
    pub(super) nonce: Option<Vec<u8>>,
}

/// A token read, not yet checked.
pub(super) struct Token {
    pub(super) tst: Tst,
    econtent: Vec<u8>,
    signer: SignerInfo,
    certs: Vec<Cert>,
}

/// Reads the structure of a token: ContentInfo, SignedData, TSTInfo, the one SignerInfo and
/// the certificates, within the bounds.
pub(super) fn read(token: &[u8]) -> Result<Token, TokenProblem> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(unreadable(format!(
            "it is larger than {MAX_TOKEN_BYTES} bytes"
        )));
    }
    der_scan::scan_cms(token, der_scan::MAX_DEPTH)
        .map_err(|e| unreadable(format!("it is not DER: {e}")))?;
    let info = ContentInfo::from_der(token)
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
    let encap = &signed.encap;
    if encap.econtent_type != ID_CT_TST_INFO {
        return Err(unreadable(format!(
            "it signs {}, not a TSTInfo",
            oid_name(&encap.econtent_type)
        )));
    }
    let econtent = match &encap.econtent {
        Some(any) if any.tag() == Tag::OctetString => any.value().to_vec(),
        Some(_) => return Err(unreadable("its content is not an OCTET STRING")),
        None => return Err(unreadable("it carries no TSTInfo")),
    };
    let tst = read_tst_info(&econtent)?;
    let mut infos = signed.signer_infos.0.iter();
    let signer = match (infos.next(), infos.next()) {
        (Some(one), None) => one.clone(),
        (None, _) => return Err(unreadable("it has no signer")),
        (Some(_), Some(_)) => return Err(unreadable("it has more than one signer")),
    };
    let certs = read_certificates(signed.certificates)?;
    Ok(Token {
        tst,
        econtent,
        signer,
        certs,
    })
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
/// not checked); the pre-scan has held them to DER.
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
/// certificate, at most [`MAX_CERTIFICATES`]; an `other [3] IMPLICIT OtherCertificateFormat`
/// (an OID and one value) is ignored and not counted; the obsolete choices are refused.
fn read_certificates(set: &[u8]) -> Result<Vec<Cert>, TokenProblem> {
    let mut certs = Vec::new();
    for choice in der_scan::members(set) {
        match choice.tag {
            0x30 => {
                if certs.len() == MAX_CERTIFICATES {
                    return Err(unreadable(format!(
                        "it carries more than {MAX_CERTIFICATES} certificates"
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

/// Reads a TSTInfo (RFC 3161 section 2.4.2). Its genTime may carry fractions of a second,
/// which the RustCrypto type does not accept, so it is read field by field.
fn read_tst_info(bytes: &[u8]) -> Result<Tst, TokenProblem> {
    der_scan::scan(bytes).map_err(|e| unreadable(format!("its TSTInfo is not DER: {e}")))?;
    let bad = |e: der::Error| unreadable(format!("its TSTInfo cannot be read: {e}"));
    let mut reader = SliceReader::new(bytes).map_err(bad)?;
    let (tst, gen_time) = reader
        .sequence(|r| {
            let version: u8 = r.decode()?;
            if version != 1 {
                return Err(Tag::Integer.value_error());
            }
            let policy: ObjectIdentifier = r.decode()?;
            let imprint: MessageImprint = r.decode()?;
            let serial: Int = r.decode()?;
            let gen_time: Any = r.decode()?;
            let _accuracy: Option<Accuracy> = r.decode()?;
            let ordering: Option<bool> = r.decode()?;
            if ordering == Some(false) {
                // DER leaves a DEFAULT value out.
                return Err(Tag::Boolean.non_canonical_error());
            }
            let nonce: Option<Int> = r.decode()?;
            for tag in [0xa0, 0xa1] {
                if r.peek_byte() == Some(tag) {
                    r.tlv_bytes()?;
                }
            }
            let tst = Tst {
                policy,
                imprint_hash: imprint.hash_algorithm.oid,
                imprint_params: imprint.hash_algorithm.parameters,
                imprint: imprint.hashed_message.as_bytes().to_vec(),
                serial: serial.as_bytes().to_vec(),
                time: DateTime::<Utc>::MIN_UTC,
                nonce: nonce.map(|n| n.as_bytes().to_vec()),
            };
            Ok((tst, gen_time))
        })
        .map_err(bad)?;
    if !reader.is_finished() {
        return Err(unreadable("its TSTInfo is followed by other bytes"));
    }
    if gen_time.tag() != Tag::GeneralizedTime {
        return Err(unreadable("its genTime is not a GeneralizedTime"));
    }
    let time = generalized_time(gen_time.value())
        .ok_or_else(|| unreadable("its genTime is not a time in UTC (YYYYMMDDhhmmss[.f]Z)"))?;
    Ok(Tst { time, ..tst })
}

/// A GeneralizedTime as RFC 3161 writes it: `YYYYMMDDhhmmss`, optionally `.` and 1 to 9
/// digits (no trailing zero), then `Z`. The fraction is dropped.
pub(super) fn generalized_time(text: &[u8]) -> Option<DateTime<Utc>> {
    let (digits, rest) = text.split_at_checked(14)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let rest = rest.strip_suffix(b"Z")?;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let ok = (1..=9).contains(&fraction.len())
            && fraction.iter().all(u8::is_ascii_digit)
            && fraction.last() != Some(&b'0');
        if !ok {
            return None;
        }
    } else if !rest.is_empty() {
        return None;
    }
    let n = |range: std::ops::Range<usize>| {
        digits[range]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(n(0..4)).ok()?, n(4..6), n(6..8))?;
    let time = date.and_hms_opt(n(8..10), n(10..12), n(12..14))?;
    Some(time.and_utc())
}

/// Checks a timestamp token (the DER of a CMS ContentInfo holding SignedData whose content is
/// a TSTInfo) over `stamped`: the bytes whose hash must be the token's message imprint.
/// The rules are those of `docs/timestamps.md`. A token that holds but whose chain reaches
/// none of `anchors` is Ok with `trusted` false.
pub fn check_token(
    token: &[u8],
    stamped: &[u8],
    anchors: &[Anchor],
) -> Result<Attested, TokenProblem> {
    let token = read(token)?;
    let tst = &token.tst;

    // The message imprint.
    let imprint_hash =
        Hash::sha2(tst.imprint_hash, tst.imprint_params.as_ref()).ok_or_else(|| {
            TokenProblem::Imprint {
                reason: format!(
                    "its imprint is made with {}, not SHA-256, SHA-384 or SHA-512",
                    oid_name(&tst.imprint_hash)
                ),
            }
        })?;
    if imprint_hash.digest(stamped) != tst.imprint {
        return Err(TokenProblem::Imprint {
            reason: format!(
                "its {} imprint is not the hash of the stamped bytes",
                imprint_hash.name()
            ),
        });
    }

    // The signer's certificate, among those the token carries.
    let signer = &token.signer;
    let signing = find_signer(&token.certs, &signer.sid)?;

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
    let attribute = |oid: ObjectIdentifier| -> Result<Option<&Any>, TokenProblem> {
        let mut found = attrs.iter().filter(|a| a.oid == oid);
        match (found.next(), found.next()) {
            (None, _) => Ok(None),
            (Some(a), None) if a.values.len() == 1 => Ok(a.values.iter().next()),
            _ => Err(bad_signature(format!(
                "its signed attribute {} is not one attribute with one value",
                oid_name(&oid)
            ))),
        }
    };
    let content_type = attribute(ID_CONTENT_TYPE)?
        .ok_or_else(|| bad_signature("it has no content-type attribute"))?
        .decode_as::<ObjectIdentifier>()
        .map_err(|_| bad_signature("its content-type attribute is not an OID"))?;
    if content_type != ID_CT_TST_INFO {
        return Err(bad_signature(format!(
            "its content-type attribute is {}, not TSTInfo",
            oid_name(&content_type)
        )));
    }
    let digest = attribute(ID_MESSAGE_DIGEST)?
        .ok_or_else(|| bad_signature("it has no message-digest attribute"))?
        .decode_as::<OctetString>()
        .map_err(|_| bad_signature("its message-digest attribute is not an OCTET STRING"))?;
    if digest.as_bytes() != hash.digest(&token.econtent) {
        return Err(bad_signature(format!(
            "its message-digest attribute is not the {} of the TSTInfo: the TSTInfo was changed",
            hash.name()
        )));
    }
    let ess_v1 = attribute(ID_SIGNING_CERTIFICATE)?;
    let ess_v2 = attribute(ID_SIGNING_CERTIFICATE_V2)?;
    if ess_v1.is_none() && ess_v2.is_none() {
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

    // The signing certificate: for time stamping, valid at genTime.
    let at = tst.time.timestamp();
    chain::check_time_stamping(&signing.cert)
        .map_err(|e| bad_certificate(format!("the TSA's certificate: {e}")))?;
    x509::check_valid_at(&signing.cert, at, chain::WHEN)
        .map_err(|e| bad_certificate(format!("the TSA's certificate: {e}")))?;

    // The chain.
    let trusted = chain::walk(signing, &token.certs, anchors, at)?;

    Ok(Attested {
        time: tst.time,
        tsa: x509::readable_name(&signing.cert.tbs_certificate.subject),
        tsa_certificate_sha256: hex::encode(Hash::Sha256.digest(&signing.der)),
        serial: hex_number(&tst.serial),
        policy: tst.policy.to_string(),
        trusted,
    })
}

/// A positive integer's DER content bytes in hex, without a leading zero byte.
fn hex_number(bytes: &[u8]) -> String {
    match bytes {
        [0, rest @ ..] if !rest.is_empty() => hex::encode(rest),
        _ => hex::encode(bytes),
    }
}

/// The one certificate the signer identifier names.
fn find_signer<'a>(certs: &'a [Cert], sid: &SignerIdentifier) -> Result<&'a Cert, TokenProblem> {
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
            "the token does not carry the TSA's signing certificate",
        )),
        (Some(_), Some(_)) => Err(bad_certificate(
            "the token carries two certificates that match its signer",
        )),
    }
}

/// The hash algorithm and certificate hash of the first ESSCertID (v1: SHA-1) or ESSCertIDv2
/// (hash algorithm, default SHA-256) of a signing-certificate attribute's value.
fn first_ess_cert_id(value: &Any, v2: bool) -> Result<(Hash, Vec<u8>), TokenProblem> {
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

    #[test]
    fn generalized_times() {
        let t = |s: &str| generalized_time(s.as_bytes()).map(|t| t.to_rfc3339());
        assert_eq!(
            t("20240229123456Z").as_deref(),
            Some("2024-02-29T12:34:56+00:00")
        );
        assert_eq!(
            t("20240229123456.125Z").as_deref(),
            Some("2024-02-29T12:34:56+00:00")
        );
        for bad in [
            "",
            "2024022912345Z",
            "20240229123456",
            "20230229123456Z",
            "20240229123456.Z",
            "20240229123456.10Z",
            "20240229123456.1234567891Z",
            "20240229123456+0100",
            "2024022912345aZ",
            "20241301000000Z",
            "20240101240000Z",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    #[test]
    fn hex_numbers() {
        assert_eq!(hex_number(&[0]), "00");
        assert_eq!(hex_number(&[0, 0x80]), "80");
        assert_eq!(hex_number(&[0x12, 0x34]), "1234");
    }

    #[test]
    fn unreadable_tokens_do_not_panic() {
        for bytes in [
            &[][..],
            &[0x30],
            &[0x30, 0x80],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
            &[0x30, 0x03, 0x06, 0x01, 0x00],
            b"garbage garbage garbage",
        ] {
            let e = check_token(bytes, b"x", &[]).unwrap_err();
            assert_eq!(crate::Coded::code(&e), "timestamp_unreadable", "{bytes:?}");
        }
        let big = vec![0x30; MAX_TOKEN_BYTES + 1];
        let e = check_token(&big, b"x", &[]).unwrap_err();
        assert!(e.to_string().contains("larger than"), "{e}");
    }
}
