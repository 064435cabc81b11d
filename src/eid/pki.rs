//! Certificate paths: the anchors Tweevoud trusts for the eID ([`Anchors`]), the walk from a
//! certificate up to one of them ([`validate_path`]), and the eID's Signature certificate
//! checked with its holder ([`check_signature_certificate`]).

use std::fmt;

use chrono::{DateTime, Utc};
use der::asn1::ObjectIdentifier;
use sha2::{Digest, Sha256};
use x509_cert::name::Name;
use x509_cert::Certificate;

use super::holder::Holder;
use crate::error::{param, Coded, Params};
use crate::x509::{
    self, basic_constraints, key_usage, parse_certificate, pem_certificate, readable_name, Cert,
    Rules, Walked,
};

/// Largest certificate read, in bytes. An eID certificate is under 2 KiB.
pub const MAX_CERTIFICATE_BYTES: usize = 8 << 10;

/// Most certificates offered beside the one checked (a card holds two: its Citizen CA and the
/// root).
pub const MAX_OFFERED: usize = 8;

/// Most certificates in a path, from the one checked up to its anchor.
pub const MAX_PATH: usize = 8;

/// Largest PEM text of anchors read, in bytes.
pub const MAX_ANCHORS_BYTES: usize = 64 << 10;

/// Most anchors read from one PEM text.
const MAX_ANCHORS: usize = 16;

const ID_AT_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const ID_AT_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");

/// The time a path is checked at, in the words.
const WHEN: &str = "the time asked about";

/// Reads a certificate of at most [`MAX_CERTIFICATE_BYTES`], exactly DER.
pub(super) fn read(der: &[u8]) -> Result<Cert, PathProblem> {
    if der.len() > MAX_CERTIFICATE_BYTES {
        return Err(PathProblem::Unreadable {
            reason: format!("a certificate is larger than {MAX_CERTIFICATE_BYTES} bytes"),
        });
    }
    let cert = parse_certificate(der).map_err(|reason| PathProblem::Unreadable { reason })?;
    Ok(Cert {
        der: der.to_vec(),
        cert,
    })
}

/// The certificates a path must end at: for the eID, the Belgian roots.
#[derive(Clone, Default)]
pub struct Anchors {
    certs: Vec<Cert>,
}

impl fmt::Debug for Anchors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.certs.iter().map(|c| (c.subject(), c.sha256())))
            .finish()
    }
}

impl Anchors {
    /// No anchor: nothing is trusted.
    pub fn none() -> Anchors {
        Anchors::default()
    }

    /// The certificates of `ders`, each DER; refuses any that cannot be read.
    pub fn from_der<D: AsRef<[u8]>>(ders: &[D]) -> Result<Anchors, PathProblem> {
        if ders.len() > MAX_ANCHORS {
            return Err(PathProblem::Unreadable {
                reason: format!("more than {MAX_ANCHORS} anchors"),
            });
        }
        let certs = ders
            .iter()
            .map(|d| read(d.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Anchors { certs })
    }

    /// The certificates of a PEM text: one or more `-----BEGIN CERTIFICATE-----` blocks (text
    /// around them allowed), at most [`MAX_ANCHORS_BYTES`] in all and 16 certificates.
    pub fn from_pem(text: &[u8]) -> Result<Anchors, PathProblem> {
        const END: &[u8] = b"-----END CERTIFICATE-----";
        let unreadable = |reason: String| PathProblem::Unreadable { reason };
        if text.len() > MAX_ANCHORS_BYTES {
            return Err(unreadable(format!(
                "the anchors' PEM text is larger than {MAX_ANCHORS_BYTES} bytes"
            )));
        }
        let mut ders = Vec::new();
        let mut rest = text;
        while let Some(end) = rest.windows(END.len()).position(|w| w == END) {
            if ders.len() == MAX_ANCHORS {
                return Err(unreadable(format!("more than {MAX_ANCHORS} anchors")));
            }
            let block = &rest[..end + END.len()];
            ders.push(pem_certificate(block).map_err(unreadable)?);
            rest = &rest[end + END.len()..];
        }
        if ders.is_empty() {
            return Err(unreadable("no PEM certificate".into()));
        }
        Anchors::from_der(&ders)
    }

    /// These anchors and those of `other`, each once.
    pub fn with(mut self, other: &Anchors) -> Anchors {
        for cert in &other.certs {
            if !self.certs.iter().any(|c| c.der == cert.der) {
                self.certs.push(cert.clone());
            }
        }
        self
    }

    /// How many anchors there are.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// Each anchor's subject (readable) and the SHA-256 of its DER (lower-case hex).
    pub fn list(&self) -> Vec<(String, String)> {
        self.certs
            .iter()
            .map(|c| (c.subject(), c.sha256()))
            .collect()
    }
}

/// A path from a certificate up to an anchor, valid at the time asked about.
#[derive(Clone, PartialEq, Eq)]
pub struct ValidPath {
    /// The certificates' DER, the one checked first, the anchor last (the same certificate
    /// when it is itself an anchor).
    pub certificates: Vec<Vec<u8>>,
    /// The anchor's subject, readable.
    pub anchor: String,
    /// The SHA-256 of the anchor's DER, in lower-case hex.
    pub anchor_sha256: String,
}

/// The certificates by their SHA-256: their bytes hold the holder's national register number.
impl fmt::Debug for ValidPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hashes: Vec<String> = self
            .certificates
            .iter()
            .map(|der| hex::encode(Sha256::digest(der)))
            .collect();
        f.debug_struct("ValidPath")
            .field("certificates_sha256", &hashes)
            .field("anchor", &self.anchor)
            .field("anchor_sha256", &self.anchor_sha256)
            .finish()
    }
}

impl ValidPath {
    /// The DER of the certificate's issuer (the second of the path), None when the
    /// certificate is itself an anchor.
    pub fn issuer(&self) -> Option<&[u8]> {
        self.certificates.get(1).map(Vec::as_slice)
    }
}

/// An eID Signature certificate that holds: its holder, its path and its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    /// The holder the certificate names.
    pub holder: Holder,
    /// The SHA-256 of the certificate's DER, in lower-case hex.
    pub certificate_sha256: String,
    /// The certificate's notBefore.
    pub not_before: DateTime<Utc>,
    /// The certificate's notAfter.
    pub not_after: DateTime<Utc>,
    /// The path from the certificate to its anchor.
    pub path: ValidPath,
}

/// Why a certificate does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathProblem {
    /// A certificate is not a DER X.509 certificate within the bounds.
    #[error("a certificate cannot be read: {reason}")]
    Unreadable {
        /// English words.
        reason: String,
    },
    /// The certificate is not an eID Signature certificate: its key usage is not
    /// non-repudiation, it is a CA, or it names no holder with a national register number.
    #[error("the certificate is not a Signature certificate: {reason}")]
    NotSignature {
        /// English words.
        reason: String,
    },
    /// The certificate was not valid at the time asked about (expired, or not yet valid).
    #[error("the certificate was not valid at that time: {reason}")]
    Expired {
        /// English words.
        reason: String,
    },
    /// A certificate of the path does not hold: a signature that does not verify, an issuer
    /// that is no CA, may not sign certificates, or was not valid at the time, a path too long.
    #[error("the certificate chain does not hold: {reason}")]
    Chain {
        /// English words.
        reason: String,
    },
    /// The path ends at no anchor: the certificate is of a PKI Tweevoud does not trust.
    #[error("the certificate does not chain to a trusted root: {reason}")]
    Untrusted {
        /// English words.
        reason: String,
    },
}

impl PathProblem {
    /// Every code of [`PathProblem`], so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "eid_certificate_unreadable",
        "eid_not_signature_certificate",
        "eid_certificate_expired",
        "eid_chain",
        "eid_untrusted",
    ];

    /// The English reason, without the sentence around it.
    pub fn reason(&self) -> &str {
        match self {
            PathProblem::Unreadable { reason }
            | PathProblem::NotSignature { reason }
            | PathProblem::Expired { reason }
            | PathProblem::Chain { reason }
            | PathProblem::Untrusted { reason } => reason,
        }
    }
}

/// Parameters: `reason` (English words).
impl Coded for PathProblem {
    fn code(&self) -> &'static str {
        match self {
            PathProblem::Unreadable { .. } => "eid_certificate_unreadable",
            PathProblem::NotSignature { .. } => "eid_not_signature_certificate",
            PathProblem::Expired { .. } => "eid_certificate_expired",
            PathProblem::Chain { .. } => "eid_chain",
            PathProblem::Untrusted { .. } => "eid_untrusted",
        }
    }

    fn params(&self) -> Params {
        vec![param("reason", self.reason())]
    }
}

/// Checks an eID Signature certificate: `leaf` (DER) is a Signature certificate (key usage
/// non-repudiation, not a CA) naming a holder with a national register number, valid at `at`,
/// and chains through `offered` (DER; the card's CA certificates, in any order) to one of
/// `anchors`, each issuer a CA valid at `at`. Returns the holder and the path.
pub fn check_signature_certificate<D: AsRef<[u8]>>(
    leaf: &[u8],
    offered: &[D],
    at: DateTime<Utc>,
    anchors: &Anchors,
) -> Result<Validated, PathProblem> {
    let leaf = read(leaf)?;
    let holder = signature_holder(&leaf.cert)?;
    let path = validate(&leaf, offered, at, anchors)?;
    let validity = &leaf.cert.tbs_certificate.validity;
    Ok(Validated {
        holder,
        certificate_sha256: leaf.sha256(),
        not_before: time(validity.not_before),
        not_after: time(validity.not_after),
        path,
    })
}

/// The holder an eID Signature certificate (`leaf`, DER) names, without checking its path or
/// its validity: to say who a certificate claims to be when its path does not hold. The same
/// rules as [`check_signature_certificate`] for what a Signature certificate is.
pub fn signature_certificate_holder(leaf: &[u8]) -> Result<Holder, PathProblem> {
    signature_holder(&read(leaf)?.cert)
}

/// Checks the path of any certificate: `leaf` (DER) valid at `at`, chaining through `offered`
/// (DER, in any order) to one of `anchors`, each issuer a CA valid at `at` that may sign
/// certificates, within its path length constraint.
pub fn validate_path<D: AsRef<[u8]>>(
    leaf: &[u8],
    offered: &[D],
    at: DateTime<Utc>,
    anchors: &Anchors,
) -> Result<ValidPath, PathProblem> {
    validate(&read(leaf)?, offered, at, anchors)
}

fn validate<D: AsRef<[u8]>>(
    leaf: &Cert,
    offered: &[D],
    at: DateTime<Utc>,
    anchors: &Anchors,
) -> Result<ValidPath, PathProblem> {
    if offered.len() > MAX_OFFERED {
        return Err(PathProblem::Unreadable {
            reason: format!("more than {MAX_OFFERED} certificates offered"),
        });
    }
    let offered = offered
        .iter()
        .map(|d| read(d.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    let at = at.timestamp();
    x509::check_valid_at(&leaf.cert, at, WHEN).map_err(|reason| PathProblem::Expired { reason })?;
    let path = walk(leaf, &offered, anchors, at)?;
    let anchor = path.last().copied().unwrap_or(leaf);
    Ok(ValidPath {
        anchor: anchor.subject(),
        anchor_sha256: anchor.sha256(),
        certificates: path.iter().map(|c| c.der.clone()).collect(),
    })
}

/// The holder of a Signature certificate, or why it is not one.
fn signature_holder(cert: &Certificate) -> Result<Holder, PathProblem> {
    let not = |reason: String| PathProblem::NotSignature { reason };
    let usage = key_usage(cert)
        .map_err(not)?
        .ok_or_else(|| not("it has no key usage".into()))?;
    if !usage.non_repudiation() {
        return Err(not("its key usage is not non-repudiation".into()));
    }
    if basic_constraints(cert)
        .map_err(not)?
        .is_some_and(|bc| bc.ca)
    {
        return Err(not("it is a CA certificate".into()));
    }
    Holder::from_subject(&cert.tbs_certificate.subject)
        .ok_or_else(|| not("it names no holder with a national register number".into()))
}

/// A name in the words: its common name and organization ([`readable_name`]); never the whole
/// name, which for an eID certificate holds the national register number.
fn shown_name(name: &Name) -> String {
    let has = |oid: ObjectIdentifier| {
        name.0
            .iter()
            .flat_map(|rdn| rdn.0.iter())
            .any(|atv| atv.oid == oid)
    };
    if has(ID_AT_CN) || has(ID_AT_O) {
        readable_name(name)
    } else {
        "a certificate without a common name".into()
    }
}

fn time(t: x509_cert::time::Time) -> DateTime<Utc> {
    DateTime::from_timestamp(x509::seconds(t), 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Walks from `leaf` up through `offered` and `anchors` ([`x509::walk`], at most [`MAX_PATH`]
/// certificates, issuers' key usage and path length constraints checked): the path, leaf
/// first; Untrusted when it reaches no anchor, Chain when a link does not hold.
fn walk<'a>(
    leaf: &'a Cert,
    offered: &'a [Cert],
    anchors: &'a Anchors,
    at: i64,
) -> Result<Vec<&'a Cert>, PathProblem> {
    let rules = Rules {
        max: MAX_PATH,
        constraints: true,
        when: WHEN,
        name: shown_name,
    };
    let anchors: Vec<&Cert> = anchors.certs.iter().collect();
    match x509::walk(leaf, offered, &anchors, at, &rules) {
        Ok(Walked::Anchored(path)) => Ok(path),
        Ok(Walked::Unanchored(last)) => Err(PathProblem::Untrusted {
            reason: format!(
                "the certificate of {} is issued by {}, which is not trusted",
                shown_name(&last.cert.tbs_certificate.subject),
                shown_name(&last.cert.tbs_certificate.issuer)
            ),
        }),
        Err(reason) => Err(PathProblem::Chain { reason }),
    }
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

    fn test_root() -> Anchors {
        Anchors::from_der(&[fixture("root.der")]).unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn now() -> DateTime<Utc> {
        at("2026-12-07T12:00:00Z")
    }

    #[test]
    fn both_cards_chain_to_the_test_root() {
        for (leaf, ca, name, last) in [
            ("rsa-sign.der", "ca-rsa.der", "Tom Hendrix", "28"),
            ("ec-sign.der", "ca-ec.der", "Anne-Marie D'Hondt", "14"),
        ] {
            let offered = [fixture(ca), fixture("root.der")];
            let v =
                check_signature_certificate(&fixture(leaf), &offered, now(), &test_root()).unwrap();
            assert_eq!(v.holder.name, name);
            assert!(v.holder.number.masked().ends_with(last));
            assert_eq!(v.path.certificates.len(), 3);
            assert_eq!(v.path.issuer(), Some(fixture(ca).as_slice()));
            assert_eq!(v.path.anchor, "Tweevoud Test Belgium Root CA");
            assert_eq!(
                v.certificate_sha256,
                hex::encode(x509::Hash::Sha256.digest(&fixture(leaf)))
            );
            assert_eq!(v.not_before, at("2025-01-01T00:00:00Z"));
            // The root need not be offered, and the order does not matter.
            let v2 =
                check_signature_certificate(&fixture(leaf), &[fixture(ca)], now(), &test_root())
                    .unwrap();
            assert_eq!(v2, v);
        }
    }

    #[test]
    fn the_authentication_certificate_is_not_a_signature_certificate() {
        let offered = [fixture("ca-rsa.der")];
        let e =
            check_signature_certificate(&fixture("rsa-auth.der"), &offered, now(), &test_root())
                .unwrap_err();
        assert_eq!(e.code(), "eid_not_signature_certificate", "{e}");
        // Its path holds all the same.
        validate_path(&fixture("rsa-auth.der"), &offered, now(), &test_root()).unwrap();
        // A CA is no Signature certificate.
        let e = check_signature_certificate(&fixture("ca-rsa.der"), &offered, now(), &test_root())
            .unwrap_err();
        assert_eq!(e.code(), "eid_not_signature_certificate", "{e}");
    }

    #[test]
    fn validity_at_the_time() {
        let offered = [fixture("ca-rsa.der")];
        let e = check_signature_certificate(
            &fixture("expired-sign.der"),
            &offered,
            now(),
            &test_root(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "eid_certificate_expired", "{e}");
        let e = check_signature_certificate(
            &fixture("rsa-sign.der"),
            &offered,
            at("2024-12-31T23:59:59Z"),
            &test_root(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "eid_certificate_expired", "{e}");
        // The CA was not valid before 2020: the chain does not hold then.
        let e = validate_path(
            &fixture("expired-sign.der"),
            &offered,
            at("2019-06-01T00:00:00Z"),
            &test_root(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "eid_chain", "{e}");
    }

    #[test]
    fn another_root_of_the_same_name_is_not_trusted() {
        let offered = [fixture("other-ca.der"), fixture("other-root.der")];
        let e =
            check_signature_certificate(&fixture("other-sign.der"), &offered, now(), &test_root())
                .unwrap_err();
        assert_eq!(e.code(), "eid_untrusted", "{e}");
        // Without its CA, no issuer is found.
        let e = check_signature_certificate(
            &fixture("rsa-sign.der"),
            &Vec::<Vec<u8>>::new(),
            now(),
            &test_root(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "eid_untrusted", "{e}");
        // With no anchor at all, nothing is trusted.
        let e = check_signature_certificate(
            &fixture("rsa-sign.der"),
            &[fixture("ca-rsa.der"), fixture("root.der")],
            now(),
            &Anchors::none(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "eid_untrusted", "{e}");
    }

    #[test]
    fn the_national_number_shows_nowhere() {
        let offered = [fixture("ca-rsa.der")];
        let v =
            check_signature_certificate(&fixture("rsa-sign.der"), &offered, now(), &test_root())
                .unwrap();
        let mut shown = vec![format!("{v:?}"), format!("{v:#?}")];
        for (leaf, ca) in [
            ("expired-sign.der", "ca-rsa.der"),
            ("other-sign.der", "other-ca.der"),
            ("rsa-auth.der", "ca-rsa.der"),
        ] {
            let e =
                check_signature_certificate(&fixture(leaf), &[fixture(ca)], now(), &test_root())
                    .unwrap_err();
            shown.extend([e.to_string(), format!("{e:?}"), format!("{:?}", e.params())]);
        }
        for text in shown {
            assert!(!text.contains("85073003328"), "{text}");
            assert!(!text.contains("073003"), "{text}");
        }
    }

    #[test]
    fn a_root_named_belgium_root_ca4_is_not_the_belgian_one() {
        let offered = [fixture("other-ca.der"), fixture("other-root.der")];
        let e = check_signature_certificate(
            &fixture("other-sign.der"),
            &offered,
            now(),
            &Anchors::belgian(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "eid_untrusted", "{e}");
        // Nor does the test PKI chain to the Belgian roots.
        let e = check_signature_certificate(
            &fixture("rsa-sign.der"),
            &[fixture("ca-rsa.der"), fixture("root.der")],
            now(),
            &Anchors::belgian(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "eid_untrusted", "{e}");
    }

    #[test]
    fn the_real_citizen_and_foreigner_cas_chain_to_belgium_root_ca6() {
        for ca in [
            "belgium/CitizenCA202002.der",
            "belgium/ForeignerCA202001.der",
        ] {
            let path = validate_path(
                &fixture(ca),
                &Vec::<Vec<u8>>::new(),
                now(),
                &Anchors::belgian(),
            )
            .unwrap();
            assert_eq!(
                path.anchor,
                "Belgium Root CA6, Kingdom of Belgium - Federal Government"
            );
            assert_eq!(path.certificates.len(), 2);
            // Not valid after 2032-06-03.
            let e = validate_path(
                &fixture(ca),
                &Vec::<Vec<u8>>::new(),
                at("2032-06-04T00:00:00Z"),
                &Anchors::belgian(),
            )
            .unwrap_err();
            assert_eq!(e.code(), "eid_certificate_expired", "{e}");
            // A CA is not a Signature certificate.
            let e = check_signature_certificate(
                &fixture(ca),
                &Vec::<Vec<u8>>::new(),
                now(),
                &Anchors::belgian(),
            )
            .unwrap_err();
            assert_eq!(e.code(), "eid_not_signature_certificate", "{e}");
        }
    }

    #[test]
    fn a_critical_extension_not_understood_breaks_the_path() {
        let e = check_signature_certificate(
            &fixture("extra/critical-sign.der"),
            &[fixture("ca-rsa.der")],
            at("2026-12-08T12:00:00Z"),
            &test_root(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "eid_chain", "{e}");
        assert!(e.reason().contains("1.3.6.1.4.1.99999.1"), "{e}");
    }

    #[test]
    fn the_holder_of_a_certificate_whose_path_does_not_hold() {
        let other = signature_certificate_holder(&fixture("other-sign.der")).unwrap();
        let tom = signature_certificate_holder(&fixture("rsa-sign.der")).unwrap();
        assert_eq!(other.name, "Tom Hendrix");
        assert!(other.same_person(&tom));
        let anne = signature_certificate_holder(&fixture("ec-sign.der")).unwrap();
        assert!(!anne.same_person(&tom));
        let e = signature_certificate_holder(&fixture("rsa-auth.der")).unwrap_err();
        assert_eq!(e.code(), "eid_not_signature_certificate");
    }

    #[test]
    fn a_signature_that_does_not_verify_breaks_the_chain() {
        let mut leaf = fixture("rsa-sign.der");
        let last = leaf.len() - 1;
        leaf[last] ^= 1;
        let e = check_signature_certificate(&leaf, &[fixture("ca-rsa.der")], now(), &test_root())
            .unwrap_err();
        assert_eq!(e.code(), "eid_chain", "{e}");
    }

    #[test]
    fn hostile_certificates_are_refused_with_a_code() {
        let big = vec![0x30; MAX_CERTIFICATE_BYTES + 1];
        for leaf in [&b""[..], b"\x30\x03\x02\x01", &big, &[0x30, 0x80, 0, 0]] {
            let e =
                check_signature_certificate(leaf, &[fixture("ca-rsa.der")], now(), &test_root())
                    .unwrap_err();
            assert_eq!(e.code(), "eid_certificate_unreadable", "{e}");
        }
        let many = vec![fixture("ca-rsa.der"); MAX_OFFERED + 1];
        let e = check_signature_certificate(&fixture("rsa-sign.der"), &many, now(), &test_root())
            .unwrap_err();
        assert_eq!(e.code(), "eid_certificate_unreadable", "{e}");
        let e = check_signature_certificate(
            &fixture("rsa-sign.der"),
            &[b"junk".to_vec()],
            now(),
            &test_root(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "eid_certificate_unreadable", "{e}");
    }

    #[test]
    fn anchors_from_pem() {
        let pem = [
            std::fs::read(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/eid/root.pem"),
            )
            .unwrap(),
            b"some words between\n".to_vec(),
            std::fs::read(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/eid/other-root.pem"),
            )
            .unwrap(),
        ]
        .concat();
        let anchors = Anchors::from_pem(&pem).unwrap();
        assert_eq!(anchors.len(), 2);
        assert_eq!(anchors.list()[0].0, "Tweevoud Test Belgium Root CA");
        assert_eq!(anchors.clone().with(&test_root()).len(), 2);
        for bad in [
            &b""[..],
            b"no certificate",
            b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----",
        ] {
            let e = Anchors::from_pem(bad).unwrap_err();
            assert_eq!(e.code(), "eid_certificate_unreadable", "{e}");
        }
        assert!(Anchors::from_pem(&vec![b' '; MAX_ANCHORS_BYTES + 1]).is_err());
    }
}
