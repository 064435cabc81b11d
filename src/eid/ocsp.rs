//! OCSP (RFC 6960) for an eID certificate: the request for its status ([`ocsp_request`]) and
//! the check of an answer ([`check_ocsp`]): signed by the certificate's issuer or by a
//! responder the issuer certified for OCSP, about this certificate, current at the time
//! asked about. Fetching an answer over HTTP is the device's (feature `fs`); this module works
//! on bytes. The rules are specified in `docs/eid-certificates.md`.

use std::fmt;

use chrono::{DateTime, Utc};
use der::asn1::{GeneralizedTime, ObjectIdentifier};
use der::{Decode, Encode};
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

use super::pki;
use crate::der_scan::{self, Element};
use crate::error::{param, Coded, Params};
use crate::x509::{self, check_issued_by, extended_key_usage, readable_name, Cert, Hash};

/// Largest OCSP answer read, in bytes. An answer with its responder's certificate is under
/// 3 KiB.
pub const MAX_OCSP_BYTES: usize = 16 << 10;

/// Most certificates an answer may carry (a delegated responder's, perhaps its chain).
pub const MAX_OCSP_CERTIFICATES: usize = 4;

/// How far the answer's times may be off the time asked about, in seconds: clocks differ.
pub const OCSP_CLOCK_TOLERANCE_SECONDS: i64 = 10 * 60;

/// How long an answer without `nextUpdate` stays current after its `thisUpdate`, in seconds.
pub const OCSP_MAX_AGE_SECONDS: i64 = 24 * 60 * 60;

const ID_PKIX_OCSP_BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
const ID_KP_OCSP_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");
const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");

/// The DER of the AlgorithmIdentifier of SHA-1 with NULL parameters, as OpenSSL and the eID
/// middleware's clients write it in a CertID.
const SHA1_ALGORITHM: [u8; 11] = [
    0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00,
];

/// What an answer says of the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStatus {
    /// Not revoked (as of the answer's `thisUpdate`).
    Good,
    /// Revoked at `time`.
    Revoked {
        /// The revocation time.
        time: DateTime<Utc>,
        /// The CRL reason code (RFC 5280 section 5.3.1), when the answer gives one.
        reason: Option<u8>,
    },
    /// The responder does not know the certificate.
    Unknown,
}

/// An answer that holds for a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspAnswer {
    /// What it says of the certificate.
    pub status: CertStatus,
    /// When the responder signed it (`producedAt`).
    pub produced_at: DateTime<Utc>,
    /// When the status was known to be correct (`thisUpdate`).
    pub this_update: DateTime<Utc>,
    /// When newer information will be available (`nextUpdate`), when given.
    pub next_update: Option<DateTime<Utc>>,
    /// Who signed it: the issuer's or the delegated responder's subject, readable.
    pub responder: String,
}

impl OcspAnswer {
    /// Whether the answer says the certificate was revoked at `at` (revoked at or before it).
    pub fn revoked_at(&self, at: DateTime<Utc>) -> bool {
        matches!(self.status, CertStatus::Revoked { time, .. } if time <= at)
    }

    /// Whether the answer was current at `at`: its `thisUpdate` no later than `at` plus the
    /// tolerance, and `at` no later than its `nextUpdate` plus the tolerance (without one, no
    /// later than `thisUpdate` plus [`OCSP_MAX_AGE_SECONDS`]).
    pub fn current_at(&self, at: DateTime<Utc>) -> Result<(), OcspProblem> {
        let tolerance = chrono::Duration::seconds(OCSP_CLOCK_TOLERANCE_SECONDS);
        let not_current = |reason: String| OcspProblem::NotCurrent { reason };
        if self.this_update > at + tolerance {
            return Err(not_current(format!(
                "it says what was known on {}, after {}",
                self.this_update.to_rfc3339(),
                at.to_rfc3339()
            )));
        }
        match self.next_update {
            Some(next) if at > next + tolerance => {
                return Err(not_current(format!(
                    "it was current until {}, before {}",
                    next.to_rfc3339(),
                    at.to_rfc3339()
                )))
            }
            None if at > self.this_update + chrono::Duration::seconds(OCSP_MAX_AGE_SECONDS) => {
                return Err(not_current(format!(
                    "it gives no nextUpdate and is from {}, more than a day before {}",
                    self.this_update.to_rfc3339(),
                    at.to_rfc3339()
                )))
            }
            _ => {}
        }
        Ok(())
    }

    /// Nothing when the answer says the certificate was not revoked at `at` (good, or revoked
    /// only after `at`); `eid_certificate_revoked` or `eid_ocsp_unknown` otherwise.
    pub fn problem_at(&self, at: DateTime<Utc>) -> Option<OcspProblem> {
        match self.status {
            CertStatus::Revoked { time, .. } if time <= at => Some(OcspProblem::Revoked {
                time: time.to_rfc3339(),
            }),
            CertStatus::Unknown => Some(OcspProblem::Unknown),
            CertStatus::Good | CertStatus::Revoked { .. } => None,
        }
    }
}

/// Why an OCSP answer does not hold, or what it says against the certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcspProblem {
    /// The answer (or a certificate given with it) is not a DER OCSP answer within the bounds.
    #[error("the OCSP answer cannot be read: {reason}")]
    Unreadable {
        /// English words.
        reason: String,
    },
    /// The responder answered with an error status instead of an answer.
    #[error("the OCSP responder refused to answer (status {status}: {meaning})")]
    Refused {
        /// The OCSPResponseStatus.
        status: u8,
        /// Its meaning, in English.
        meaning: String,
    },
    /// The answer's signature does not verify.
    #[error("the OCSP answer's signature does not hold: {reason}")]
    Signature {
        /// English words.
        reason: String,
    },
    /// The answer is signed by neither the certificate's issuer nor a responder the issuer
    /// certified for OCSP.
    #[error("the OCSP answer is not signed by the certificate's CA or its responder: {reason}")]
    Responder {
        /// English words.
        reason: String,
    },
    /// The answer is not about this certificate.
    #[error("the OCSP answer is about another certificate")]
    OtherCertificate,
    /// The answer was not current at the time asked about.
    #[error("the OCSP answer was not current at that time: {reason}")]
    NotCurrent {
        /// English words.
        reason: String,
    },
    /// The answer says the certificate was revoked.
    #[error("the certificate was revoked on {time}")]
    Revoked {
        /// The revocation time, RFC 3339.
        time: String,
    },
    /// The responder does not know the certificate.
    #[error("the OCSP responder does not know the certificate")]
    Unknown,
}

impl OcspProblem {
    /// Every code of [`OcspProblem`], so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "eid_ocsp_unreadable",
        "eid_ocsp_refused",
        "eid_ocsp_signature",
        "eid_ocsp_responder",
        "eid_ocsp_other_certificate",
        "eid_ocsp_not_current",
        "eid_certificate_revoked",
        "eid_ocsp_unknown",
    ];
}

/// Parameters: `reason` (English words); `status` and `meaning` (a refusal); `time` (RFC 3339,
/// a revocation).
impl Coded for OcspProblem {
    fn code(&self) -> &'static str {
        match self {
            OcspProblem::Unreadable { .. } => "eid_ocsp_unreadable",
            OcspProblem::Refused { .. } => "eid_ocsp_refused",
            OcspProblem::Signature { .. } => "eid_ocsp_signature",
            OcspProblem::Responder { .. } => "eid_ocsp_responder",
            OcspProblem::OtherCertificate => "eid_ocsp_other_certificate",
            OcspProblem::NotCurrent { .. } => "eid_ocsp_not_current",
            OcspProblem::Revoked { .. } => "eid_certificate_revoked",
            OcspProblem::Unknown => "eid_ocsp_unknown",
        }
    }

    fn params(&self) -> Params {
        match self {
            OcspProblem::Unreadable { reason }
            | OcspProblem::Signature { reason }
            | OcspProblem::Responder { reason }
            | OcspProblem::NotCurrent { reason } => vec![param("reason", reason)],
            OcspProblem::Refused { status, meaning } => {
                vec![param("status", status), param("meaning", meaning)]
            }
            OcspProblem::Revoked { time } => vec![param("time", time)],
            OcspProblem::OtherCertificate | OcspProblem::Unknown => vec![],
        }
    }
}

fn unreadable(reason: impl fmt::Display) -> OcspProblem {
    OcspProblem::Unreadable {
        reason: reason.to_string(),
    }
}

/// A DER element of `tag` with `content`.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let start = bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - start) as u8);
        out.extend_from_slice(&bytes[start..]);
    }
    out.extend_from_slice(content);
    out
}

/// What identifies a certificate to a responder: the hashes of its issuer's name and key, and
/// its serial number (DER content octets).
struct Identity {
    name: Vec<u8>,
    key: Vec<u8>,
    serial: Vec<u8>,
}

impl Identity {
    fn of(cert: &Certificate, issuer: &Certificate) -> Result<Identity, OcspProblem> {
        if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
            return Err(unreadable(
                "the certificate's issuer is not the CA certificate given",
            ));
        }
        let name = issuer
            .tbs_certificate
            .subject
            .to_der()
            .map_err(|e| unreadable(format!("the issuer's name: {e}")))?;
        let key = issuer
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes()
            .to_vec();
        Ok(Identity {
            name,
            key,
            serial: cert.tbs_certificate.serial_number.as_bytes().to_vec(),
        })
    }

    /// Whether the CertID `element` (a SEQUENCE) names this certificate: SHA-1 or SHA-256.
    fn matches(&self, element: &Element) -> Result<bool, OcspProblem> {
        let bad = || unreadable("a CertID is not hashAlgorithm, two hashes and a serial number");
        let [algorithm, name_hash, key_hash, serial] = der_scan::members(element.content)[..]
        else {
            return Err(bad());
        };
        if (name_hash.tag, key_hash.tag, serial.tag) != (0x04, 0x04, 0x02) {
            return Err(bad());
        }
        let algorithm = AlgorithmIdentifierOwned::from_der(algorithm.whole).map_err(|_| bad())?;
        let hash = if algorithm.oid == ID_SHA1 {
            Hash::Sha1
        } else {
            match Hash::sha2(algorithm.oid, algorithm.parameters.as_ref()) {
                Some(Hash::Sha256) => Hash::Sha256,
                _ => {
                    return Err(unreadable(format!(
                        "a CertID hashed with {}, neither SHA-1 nor SHA-256",
                        x509::oid_name(&algorithm.oid)
                    )))
                }
            }
        };
        Ok(name_hash.content == hash.digest(&self.name)
            && key_hash.content == hash.digest(&self.key)
            && serial.content == self.serial)
    }
}

/// The DER of the OCSP request for the status of `certificate` (DER), issued by `issuer` (its
/// CA's certificate, DER): one request, its CertID hashed with SHA-1 (as RFC 6960's clients
/// and the eID middleware send it), no nonce, unsigned.
pub fn ocsp_request(certificate: &[u8], issuer: &[u8]) -> Result<Vec<u8>, OcspProblem> {
    let read = |der: &[u8]| {
        pki::read(der)
            .map(|c| c.cert)
            .map_err(|e| unreadable(e.reason()))
    };
    let (cert, issuer) = (read(certificate)?, read(issuer)?);
    let id = Identity::of(&cert, &issuer)?;
    let mut cert_id = SHA1_ALGORITHM.to_vec();
    cert_id.extend(tlv(0x04, &Hash::Sha1.digest(&id.name)));
    cert_id.extend(tlv(0x04, &Hash::Sha1.digest(&id.key)));
    cert_id.extend(tlv(0x02, &id.serial));
    let request = tlv(0x30, &tlv(0x30, &cert_id));
    let request_list = tlv(0x30, &request);
    let tbs_request = tlv(0x30, &request_list);
    Ok(tlv(0x30, &tbs_request))
}

/// The parts of a BasicOCSPResponse that are checked.
struct Basic<'a> {
    tbs: Element<'a>,
    algorithm: AlgorithmIdentifierOwned,
    signature: &'a [u8],
    certs: Vec<Cert>,
}

/// A time of the answer: a GeneralizedTime element.
fn time(element: &Element) -> Result<DateTime<Utc>, OcspProblem> {
    let t = GeneralizedTime::from_der(element.whole)
        .map_err(|e| unreadable(format!("a time cannot be read: {e}")))?;
    let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    DateTime::from_timestamp(secs, 0).ok_or_else(|| unreadable("a time out of range"))
}

/// Reads the OCSPResponse: status successful, a BasicOCSPResponse.
fn read_basic(answer: &[u8]) -> Result<Basic<'_>, OcspProblem> {
    if answer.len() > MAX_OCSP_BYTES {
        return Err(unreadable(format!(
            "it is larger than {MAX_OCSP_BYTES} bytes"
        )));
    }
    der_scan::scan(answer).map_err(|e| unreadable(format!("it is not DER: {e}")))?;
    let outer = der_scan::members(answer);
    let [response] = outer[..] else {
        return Err(unreadable("it is not one element"));
    };
    let not_response = || unreadable("it is not an OCSPResponse");
    let parts = der_scan::members(response.content);
    let (status, bytes) = match (response.tag, &parts[..]) {
        (0x30, [status]) => (status, None),
        (0x30, [status, bytes]) if bytes.tag == 0xA0 => (status, Some(bytes)),
        _ => return Err(not_response()),
    };
    let status = match (status.tag, status.content) {
        (0x0A, [n]) => *n,
        _ => return Err(not_response()),
    };
    if status != 0 {
        let meaning = match status {
            1 => "malformed request",
            2 => "internal error",
            3 => "try later",
            5 => "signature required",
            6 => "unauthorized",
            _ => "not a status RFC 6960 defines",
        };
        return Err(OcspProblem::Refused {
            status,
            meaning: meaning.into(),
        });
    }
    let bytes = bytes.ok_or_else(|| unreadable("a successful status, but no answer"))?;
    let [response_bytes] = der_scan::members(bytes.content)[..] else {
        return Err(not_response());
    };
    let [kind, octets] = der_scan::members(response_bytes.content)[..] else {
        return Err(not_response());
    };
    if response_bytes.tag != 0x30 || kind.tag != 0x06 || octets.tag != 0x04 {
        return Err(not_response());
    }
    let kind = ObjectIdentifier::from_der(kind.whole).map_err(|_| not_response())?;
    if kind != ID_PKIX_OCSP_BASIC {
        return Err(unreadable(format!(
            "its answer is of the type {}, not basic",
            x509::oid_name(&kind)
        )));
    }
    let basic = octets.content;
    der_scan::scan(basic).map_err(|e| unreadable(format!("its basic answer is not DER: {e}")))?;
    let not_basic = || unreadable("its answer is not a BasicOCSPResponse");
    let [basic] = der_scan::members(basic)[..] else {
        return Err(not_basic());
    };
    let fields = der_scan::members(basic.content);
    let (tbs, algorithm, signature, certs) = match &fields[..] {
        [tbs, algorithm, signature] => (tbs, algorithm, signature, None),
        [tbs, algorithm, signature, certs] if certs.tag == 0xA0 => {
            (tbs, algorithm, signature, Some(certs))
        }
        _ => return Err(not_basic()),
    };
    if basic.tag != 0x30 || tbs.tag != 0x30 || algorithm.tag != 0x30 || signature.tag != 0x03 {
        return Err(not_basic());
    }
    let algorithm = AlgorithmIdentifierOwned::from_der(algorithm.whole).map_err(|_| not_basic())?;
    let signature = match signature.content {
        [0, bytes @ ..] => bytes,
        _ => return Err(unreadable("its signature is not a whole number of bytes")),
    };
    let certs = match certs {
        None => Vec::new(),
        Some(certs) => {
            let [sequence] = der_scan::members(certs.content)[..] else {
                return Err(not_basic());
            };
            let members = der_scan::members(sequence.content);
            if sequence.tag != 0x30 {
                return Err(not_basic());
            }
            if members.len() > MAX_OCSP_CERTIFICATES {
                return Err(unreadable(format!(
                    "it carries more than {MAX_OCSP_CERTIFICATES} certificates"
                )));
            }
            members
                .iter()
                .map(|c| {
                    pki::read(c.whole).map_err(|e| {
                        unreadable(format!("a certificate it carries: {}", e.reason()))
                    })
                })
                .collect::<Result<_, _>>()?
        }
    };
    Ok(Basic {
        tbs: *tbs,
        algorithm,
        signature,
        certs,
    })
}

/// Who the answer says signed it.
enum ResponderId<'a> {
    /// The subject name's DER.
    Name(&'a [u8]),
    /// The SHA-1 of the responder's public key (the BIT STRING's bytes).
    Key(&'a [u8]),
}

impl ResponderId<'_> {
    fn names(&self, cert: &Certificate) -> bool {
        match self {
            ResponderId::Name(name) => cert
                .tbs_certificate
                .subject
                .to_der()
                .is_ok_and(|der| der == *name),
            ResponderId::Key(hash) => {
                let key = cert
                    .tbs_certificate
                    .subject_public_key_info
                    .subject_public_key
                    .raw_bytes();
                Hash::Sha1.digest(key) == *hash
            }
        }
    }
}

/// Checks the OCSP answer `answer` (DER, an OCSPResponse) for `certificate` (DER), issued by
/// `issuer` (its CA's certificate, DER; the path check's [`super::ValidPath::issuer`]), as
/// current at `at`:
///
/// - it is a successful OCSPResponse holding a BasicOCSPResponse, within the bounds;
/// - it is signed by the issuer, or by a responder certificate it carries that the issuer
///   signed, valid when the answer was produced, with the extended key usage
///   id-kp-OCSPSigning; the responder is the one the answer names (by name or by key hash);
/// - one of its responses names the certificate (issuer name and key hashes with SHA-1 or
///   SHA-256, serial number);
/// - that response's `thisUpdate` is no later than `at` plus the tolerance, and `at` is no
///   later than its `nextUpdate` plus the tolerance (without one, no later than `thisUpdate`
///   plus [`OCSP_MAX_AGE_SECONDS`]).
///
/// Returns what it says of the certificate; whether that is a problem at a given time is
/// [`OcspAnswer::problem_at`].
pub fn check_ocsp(
    answer: &[u8],
    certificate: &[u8],
    issuer: &[u8],
    at: DateTime<Utc>,
) -> Result<OcspAnswer, OcspProblem> {
    let answer = read_ocsp(answer, certificate, issuer)?;
    answer.current_at(at)?;
    Ok(answer)
}

/// What the OCSP answer `answer` says of `certificate` (issued by `issuer`), when it holds as
/// [`check_ocsp`] says but for the time: whether it was current at a given time is
/// [`OcspAnswer::current_at`]. A qualified seal's answer, had when it was made, is newer than
/// the time its certificate is checked at, and says as much of it (docs/pdf.md).
pub fn read_ocsp(
    answer: &[u8],
    certificate: &[u8],
    issuer: &[u8],
) -> Result<OcspAnswer, OcspProblem> {
    let read = |der: &[u8]| pki::read(der).map_err(|e| unreadable(e.reason()));
    let (cert, issuer) = (read(certificate)?, read(issuer)?);
    let id = Identity::of(&cert.cert, &issuer.cert)?;
    let basic = read_basic(answer)?;
    let data = read_response_data(&basic.tbs)?;

    // The responder: the issuer itself, or a delegate it certified.
    let signer = responder(&data.responder, &issuer, &basic.certs, data.produced_at)?;
    let (scheme, hash) = match x509::signature_algorithm(basic.algorithm.oid) {
        Some((scheme, Some(hash))) => (scheme, hash),
        _ => {
            return Err(OcspProblem::Signature {
                reason: format!(
                    "it is signed with {}, which is not accepted",
                    x509::oid_name(&basic.algorithm.oid)
                ),
            })
        }
    };
    x509::verify(&signer.cert, scheme, hash, basic.tbs.whole, basic.signature)
        .map_err(|reason| OcspProblem::Signature { reason })?;

    // The response about this certificate.
    let mut found = None;
    for single in &data.responses {
        let fields = der_scan::members(single.content);
        let Some(cert_id) = fields.first().filter(|f| f.tag == 0x30) else {
            return Err(unreadable("a response has no CertID"));
        };
        if id.matches(cert_id)? {
            found = Some(fields);
            break;
        }
    }
    let fields = found.ok_or(OcspProblem::OtherCertificate)?;
    let single = read_single(&fields)?;

    if single
        .next_update
        .is_some_and(|next| next < single.this_update)
    {
        return Err(unreadable("its nextUpdate is before its thisUpdate"));
    }
    Ok(OcspAnswer {
        status: single.status,
        produced_at: data.produced_at,
        this_update: single.this_update,
        next_update: single.next_update,
        responder: readable_name(&signer.cert.tbs_certificate.subject),
    })
}

/// The fields of a ResponseData that are checked.
struct ResponseData<'a> {
    responder: ResponderId<'a>,
    produced_at: DateTime<Utc>,
    responses: Vec<Element<'a>>,
}

fn read_response_data<'a>(tbs: &Element<'a>) -> Result<ResponseData<'a>, OcspProblem> {
    let bad = |what: &str| unreadable(format!("its ResponseData: {what}"));
    let mut fields = der_scan::members(tbs.content).into_iter().peekable();
    if let Some(version) = fields.next_if(|f| f.tag == 0xA0) {
        if version.content != [0x02, 0x01, 0x00] {
            return Err(bad("a version other than v1"));
        }
    }
    let responder = match fields.next() {
        Some(Element {
            tag: 0xA1, content, ..
        }) => match der_scan::members(content)[..] {
            [name] if name.tag == 0x30 => ResponderId::Name(name.whole),
            _ => return Err(bad("a responder name that is not a Name")),
        },
        Some(Element {
            tag: 0xA2, content, ..
        }) => match der_scan::members(content)[..] {
            [key] if key.tag == 0x04 && key.content.len() == 20 => ResponderId::Key(key.content),
            _ => return Err(bad("a responder key hash that is not 20 bytes")),
        },
        _ => return Err(bad("no responder")),
    };
    let produced_at = match fields.next() {
        Some(t) if t.tag == 0x18 => time(&t)?,
        _ => return Err(bad("no producedAt")),
    };
    let responses = match fields.next() {
        Some(r) if r.tag == 0x30 => der_scan::members(r.content),
        _ => return Err(bad("no responses")),
    };
    if responses.iter().any(|r| r.tag != 0x30) {
        return Err(bad("a response that is not a SEQUENCE"));
    }
    fields.next_if(|f| f.tag == 0xA1);
    if fields.next().is_some() {
        return Err(bad("more fields than RFC 6960 defines"));
    }
    Ok(ResponseData {
        responder,
        produced_at,
        responses,
    })
}

/// A SingleResponse's status and times.
struct Single {
    status: CertStatus,
    this_update: DateTime<Utc>,
    next_update: Option<DateTime<Utc>>,
}

fn read_single(fields: &[Element]) -> Result<Single, OcspProblem> {
    let bad = |what: &str| unreadable(format!("the response about the certificate: {what}"));
    let mut rest = fields.iter().skip(1).peekable();
    let status = match rest.next() {
        Some(Element {
            tag: 0x80,
            content: [],
            ..
        }) => CertStatus::Good,
        Some(Element {
            tag: 0x82,
            content: [],
            ..
        }) => CertStatus::Unknown,
        Some(Element {
            tag: 0xA1, content, ..
        }) => {
            let info = der_scan::members(content);
            let (time_element, reason) = match &info[..] {
                [t] => (t, None),
                [t, r] if r.tag == 0xA0 => match der_scan::members(r.content)[..] {
                    [Element {
                        tag: 0x0A,
                        content: [n],
                        ..
                    }] => (t, Some(*n)),
                    _ => return Err(bad("a revocation reason that is not a reason code")),
                },
                _ => return Err(bad("revoked, without a revocation time")),
            };
            if time_element.tag != 0x18 {
                return Err(bad("a revocation time that is not a GeneralizedTime"));
            }
            CertStatus::Revoked {
                time: time(time_element)?,
                reason,
            }
        }
        _ => return Err(bad("no status of the three RFC 6960 defines")),
    };
    let this_update = match rest.next() {
        Some(t) if t.tag == 0x18 => time(t)?,
        _ => return Err(bad("no thisUpdate")),
    };
    let next_update = match rest.next_if(|f| f.tag == 0xA0) {
        Some(n) => match der_scan::members(n.content)[..] {
            [t] if t.tag == 0x18 => Some(time(&t)?),
            _ => return Err(bad("a nextUpdate that is not a GeneralizedTime")),
        },
        None => None,
    };
    rest.next_if(|f| f.tag == 0xA1);
    if rest.next().is_some() {
        return Err(bad("more fields than RFC 6960 defines"));
    }
    Ok(Single {
        status,
        this_update,
        next_update,
    })
}

/// The certificate that signed the answer: `issuer` when the answer names it; else the
/// certificate the answer carries and names, which must be issued (signed) by `issuer`, valid
/// at `produced_at`, with the extended key usage id-kp-OCSPSigning.
fn responder<'a>(
    named: &ResponderId,
    issuer: &'a Cert,
    carried: &'a [Cert],
    produced_at: DateTime<Utc>,
) -> Result<&'a Cert, OcspProblem> {
    if named.names(&issuer.cert) {
        return Ok(issuer);
    }
    let delegate = carried
        .iter()
        .find(|c| named.names(&c.cert))
        .ok_or_else(|| OcspProblem::Responder {
            reason: "the responder it names is neither the CA nor a certificate it carries".into(),
        })?;
    let refuse = |reason: String| OcspProblem::Responder {
        reason: format!("the responder {}: {reason}", delegate.subject()),
    };
    if delegate.cert.tbs_certificate.issuer != issuer.cert.tbs_certificate.subject {
        return Err(refuse("it is not issued by the certificate's CA".into()));
    }
    check_issued_by(&delegate.cert, &delegate.der, &issuer.cert)
        .map_err(|e| refuse(format!("it is not signed by the certificate's CA: {e}")))?;
    x509::check_valid_at(
        &delegate.cert,
        produced_at.timestamp(),
        "the time the answer was produced",
    )
    .map_err(refuse)?;
    let purposes = extended_key_usage(&delegate.cert)
        .map_err(refuse)?
        .map(|(purposes, _)| purposes)
        .unwrap_or_default();
    if !purposes.contains(&ID_KP_OCSP_SIGNING) {
        return Err(refuse(
            "its extended key usage does not include OCSP signing".into(),
        ));
    }
    Ok(delegate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/eid")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    /// After the offline answers were made (2026-12-07), long before they expire (2036).
    fn now() -> DateTime<Utc> {
        at("2026-12-08T12:00:00Z")
    }

    fn check(answer: &[u8], leaf: &str, ca: &str) -> Result<OcspAnswer, OcspProblem> {
        check_ocsp(answer, &fixture(leaf), &fixture(ca), now())
    }

    #[test]
    fn the_request_is_the_one_openssl_writes() {
        let request = ocsp_request(&fixture("rsa-sign.der"), &fixture("ca-rsa.der")).unwrap();
        assert_eq!(request, fixture("ocsp/request-rsa-sign.der"));
        der_scan::scan(&request).unwrap();
        let e = ocsp_request(&fixture("rsa-sign.der"), &fixture("ca-ec.der")).unwrap_err();
        assert_eq!(e.code(), "eid_ocsp_unreadable", "{e}");
    }

    #[test]
    fn good_answers_from_the_ca() {
        for (leaf, ca) in [
            ("rsa-sign", "ca-rsa.der"),
            ("ec-sign", "ca-ec.der"),
            ("expired-sign", "ca-rsa.der"),
        ] {
            let answer = fixture(&format!("ocsp-{leaf}.der"));
            let a = check(&answer, &format!("{leaf}.der"), ca).unwrap();
            assert_eq!(a.status, CertStatus::Good, "{leaf}");
            assert!(a.responder.starts_with("Tweevoud Test Citizen CA"), "{a:?}");
            assert!(a.this_update <= now() && a.next_update.is_some_and(|n| n > now()));
            assert_eq!(a.problem_at(now()), None);
            assert!(!a.revoked_at(now()));
        }
    }

    #[test]
    fn a_revoked_certificate_is_revoked_from_its_revocation_time() {
        let a = check(
            &fixture("ocsp-revoked-sign.der"),
            "revoked-sign.der",
            "ca-rsa.der",
        )
        .unwrap();
        let revoked = at("2025-06-01T00:00:00Z");
        assert_eq!(
            a.status,
            CertStatus::Revoked {
                time: revoked,
                reason: Some(1)
            }
        );
        assert!(a.revoked_at(now()) && a.revoked_at(revoked));
        let problem = a.problem_at(now()).unwrap();
        assert_eq!(problem.code(), "eid_certificate_revoked");
        assert_eq!(problem.params(), vec![("time", revoked.to_rfc3339())]);
        // Before its revocation it was good.
        assert!(!a.revoked_at(at("2025-05-31T23:59:59Z")));
        assert_eq!(a.problem_at(at("2025-05-31T23:59:59Z")), None);
    }

    #[test]
    fn an_answer_about_another_certificate() {
        let e = check(
            &fixture("ocsp-rsa-sign.der"),
            "revoked-sign.der",
            "ca-rsa.der",
        )
        .unwrap_err();
        assert_eq!(e, OcspProblem::OtherCertificate);
        // The EC card's answer is signed by another CA: not this certificate's issuer.
        let e = check(&fixture("ocsp-ec-sign.der"), "rsa-sign.der", "ca-rsa.der").unwrap_err();
        assert_eq!(e.code(), "eid_ocsp_responder", "{e}");
    }

    #[test]
    fn an_answer_is_current_between_its_updates() {
        let answer = fixture("ocsp-rsa-sign.der");
        let a = check(&answer, "rsa-sign.der", "ca-rsa.der").unwrap();
        let this = a.this_update;
        let next = a.next_update.unwrap();
        let tolerance = chrono::Duration::seconds(OCSP_CLOCK_TOLERANCE_SECONDS);
        let one = chrono::Duration::seconds(1);
        let leaf = fixture("rsa-sign.der");
        let ca = fixture("ca-rsa.der");
        for ok in [this - tolerance, this, next, next + tolerance] {
            check_ocsp(&answer, &leaf, &ca, ok).unwrap();
        }
        for late_or_early in [this - tolerance - one, next + tolerance + one] {
            let e = check_ocsp(&answer, &leaf, &ca, late_or_early).unwrap_err();
            assert_eq!(e.code(), "eid_ocsp_not_current", "{e}");
        }
    }

    #[test]
    fn delegated_responders() {
        let a = check(
            &fixture("ocsp/delegate-rsa-sign.der"),
            "rsa-sign.der",
            "ca-rsa.der",
        )
        .unwrap();
        assert_eq!(a.status, CertStatus::Good);
        assert_eq!(a.responder, "Tweevoud Test OCSP Responder");
        for refused in ["not-delegate", "other-delegate"] {
            let answer = fixture(&format!("ocsp/{refused}-rsa-sign.der"));
            let e = check(&answer, "rsa-sign.der", "ca-rsa.der").unwrap_err();
            assert_eq!(e.code(), "eid_ocsp_responder", "{refused}: {e}");
        }
    }

    #[test]
    fn a_changed_answer_does_not_hold() {
        let mut answer = fixture("ocsp-rsa-sign.der");
        // producedAt's last digit of the seconds, before its "Z": still a time, not the one
        // signed.
        let z = answer.iter().position(|&b| b == b'Z').unwrap();
        answer[z - 1] = if answer[z - 1] == b'0' { b'1' } else { b'0' };
        let e = check(&answer, "rsa-sign.der", "ca-rsa.der").unwrap_err();
        assert_eq!(e.code(), "eid_ocsp_signature", "{e}");
    }

    #[test]
    fn hostile_answers_are_refused_with_a_code() {
        let good = fixture("ocsp-rsa-sign.der");
        let mut deep = Vec::new();
        for _ in 0..40 {
            deep = tlv(0x30, &deep);
        }
        let mut huge = tlv(0x04, &vec![0; MAX_OCSP_BYTES]);
        huge = tlv(0x30, &huge);
        let mut long_length = good.clone();
        long_length[1] = 0x84;
        for (what, answer) in [
            ("empty", Vec::new()),
            ("truncated", good[..good.len() - 1].to_vec()),
            ("nested", deep),
            ("huge", huge),
            ("garbage", b"not an answer".to_vec()),
            ("bad length", long_length),
            ("trailing", [good.as_slice(), &[0]].concat()),
            ("a null", vec![0x05, 0x00]),
            ("no bytes", vec![0x30, 0x03, 0x0a, 0x01, 0x00]),
            ("inner not DER", {
                let basic = tlv(
                    0x30,
                    &[
                        tlv(
                            0x06,
                            &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01],
                        ),
                        tlv(0x04, &[0x30, 0x80]),
                    ]
                    .concat(),
                );
                tlv(0x30, &[vec![0x0a, 0x01, 0x00], tlv(0xa0, &basic)].concat())
            }),
            ("another type", {
                let bytes = tlv(
                    0x30,
                    &[
                        tlv(
                            0x06,
                            &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02],
                        ),
                        tlv(0x04, &[0x05, 0x00]),
                    ]
                    .concat(),
                );
                tlv(0x30, &[vec![0x0a, 0x01, 0x00], tlv(0xa0, &bytes)].concat())
            }),
        ] {
            let e = check(&answer, "rsa-sign.der", "ca-rsa.der").unwrap_err();
            assert_eq!(e.code(), "eid_ocsp_unreadable", "{what}: {e}");
        }
        let e = check(
            &[0x30, 0x03, 0x0a, 0x01, 0x03],
            "rsa-sign.der",
            "ca-rsa.der",
        )
        .unwrap_err();
        assert_eq!(
            e,
            OcspProblem::Refused {
                status: 3,
                meaning: "try later".into()
            }
        );
    }

    #[test]
    fn every_truncation_and_byte_flip_is_refused_without_a_panic() {
        let good = fixture("ocsp-rsa-sign.der");
        let leaf = fixture("rsa-sign.der");
        let ca = fixture("ca-rsa.der");
        for len in 0..good.len() {
            assert!(
                check_ocsp(&good[..len], &leaf, &ca, now()).is_err(),
                "{len}"
            );
        }
        for i in (0..good.len()).step_by(7) {
            let mut changed = good.clone();
            changed[i] ^= 0x5a;
            // Some flips land where nothing is checked (a certificate's signature the answer
            // carries but does not need); none may panic, and none may make it revoked.
            if let Ok(a) = check_ocsp(&changed, &leaf, &ca, now()) {
                assert_eq!(a.status, CertStatus::Good, "{i}");
            }
        }
    }
}
