//! Checking a qualified seal (docs/pdf.md, "Verifying the seals"): a CMS in a seal's place
//! that is not a companion seal is checked as one a signer's Belgian eID made. The CMS
//! signature over the bytes outside `/Contents` is `cms_check`'s (the one check of a CMS
//! signature in the crate), the certificate's path and holder the eID's (`crate::eid`); what
//! is left here is which of them a seal must pass, and in which order.

use chrono::{DateTime, Utc};
use der::asn1::Any;
use der::{Decode, Encode, Tagged};

use crate::cms_check::{self, CmsProblem, Ess, Limits, SignedCms};
use crate::eid::{
    check_signature_certificate, read_ocsp, Anchors, CertStatus, Holder, OcspProblem, PathProblem,
};
use crate::seal::qualified::{self, MAX_CHAIN, REVOCATION_INFO_ARCHIVAL};
use crate::seal::{SealProblem, MAX_SEAL_BYTES, SIGNATURE_TIMESTAMP};

/// What a qualified seal is checked against: the anchors its certificate must chain to, the
/// time it must have been valid at, and who of the agreement's signers an eID holder is.
pub(crate) struct EidRules<'a> {
    /// The anchors of this process (the Belgian roots; a test's root in a test build).
    pub anchors: &'a Anchors,
    /// The seal's `/M`: the time of the agreement's last signature.
    pub at: DateTime<Utc>,
    /// The Ed25519 key of the agreement's signer whom an eID binding that holds names as
    /// `holder` (the same national register number), if any.
    pub signer_of: &'a dyn Fn(&Holder) -> Option<[u8; 32]>,
}

/// A qualified seal that holds.
#[derive(Debug, Clone)]
pub(crate) struct CheckedEidSeal {
    /// The holder its certificate names.
    pub holder: Holder,
    /// The Ed25519 key of the signer the holder is.
    pub ed25519: [u8; 32],
    /// The Signature certificate (DER).
    pub certificate: Vec<u8>,
    /// The signature value, which a signature timestamp stamps.
    pub signature: Vec<u8>,
    /// The signature timestamp token, if the seal carries one.
    pub token: Option<Vec<u8>>,
    /// Whether an OCSP answer the seal carries said the certificate was not revoked.
    pub revocation_checked: bool,
}

/// The problem of a CMS that does not hold, as a seal's.
fn cms_problem(problem: CmsProblem) -> SealProblem {
    match problem {
        CmsProblem::Unreadable { reason } => SealProblem::EidUnreadable(reason),
        CmsProblem::Signature { reason } | CmsProblem::Certificate { reason } => {
            SealProblem::EidSignature(reason)
        }
    }
}

/// The problem of a certificate that does not hold, as a seal's.
fn path_problem(problem: PathProblem) -> SealProblem {
    let reason = problem.reason().to_string();
    match problem {
        PathProblem::Unreadable { .. }
        | PathProblem::Chain { .. }
        | PathProblem::Untrusted { .. } => SealProblem::EidChain(reason),
        PathProblem::Expired { .. } => SealProblem::EidExpired(reason),
        PathProblem::NotSignature { .. } => SealProblem::EidNotSignatureCertificate(reason),
    }
}

/// The OCSP answers of an `adbe-revocationInfoArchival` value:
/// `SEQUENCE { crl [0] OPTIONAL, ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL, ... }`.
fn ocsp_answers(value: &Any) -> Result<Vec<Vec<u8>>, SealProblem> {
    let bad = || SealProblem::EidOcsp("its revocation information cannot be read".into());
    let fields: Vec<Any> = value.decode_as().map_err(|_| bad())?;
    let mut answers = Vec::new();
    for field in fields {
        let ocsp = der::Tag::ContextSpecific {
            constructed: true,
            number: der::TagNumber::N1,
        };
        if field.tag() == ocsp {
            let list: Vec<Any> = Vec::from_der(field.value()).map_err(|_| bad())?;
            for answer in list {
                answers.push(answer.to_der().map_err(|_| bad())?);
            }
        }
    }
    Ok(answers)
}

/// The CMS SignedData `der` is, read within a seal's limits: a seal in a seal's place that
/// is not a companion seal ([`crate::seal::is_companion`]) and reads as one is checked as a
/// qualified seal; anything else is taken apart as a companion seal (and refused as such).
pub(crate) fn read(der: &[u8]) -> Option<SignedCms> {
    SignedCms::read(
        der,
        Limits {
            max_bytes: MAX_SEAL_BYTES,
            max_depth: crate::der_scan::MAX_SEAL_DEPTH,
            max_certificates: 1 + MAX_CHAIN,
        },
    )
    .ok()
}

/// Checks the qualified seal `der` (read as `cms`) over the bytes `ranges` (the PDF outside its `/Contents`),
/// in this order: its signature (`eid_seal_signature`), and
/// the CMS exactly the one Tweevoud makes from its parts (`eid_seal_unreadable`);
/// the Signature certificate's path to an anchor at the seal's time, its key usage, and no
/// certificate carried but those of the path (`eid_seal_chain`, `eid_seal_expired`,
/// `eid_seal_not_signature_certificate`); the OCSP
/// answer it carries, if any (`eid_seal_ocsp`, `eid_seal_revoked`); and its holder, a signer
/// of the agreement by an eID binding that holds (`eid_seal_not_signer`).
pub(crate) fn check(
    der: &[u8],
    cms: &SignedCms,
    ranges: &[&[u8]],
    rules: &EidRules<'_>,
) -> Result<CheckedEidSeal, SealProblem> {
    let signer = cms_check::check_detached(cms, ranges, Ess::Required).map_err(cms_problem)?;
    let token = match cms.unsigned_attribute(SIGNATURE_TIMESTAMP) {
        Ok(Some(token)) => Some(
            token
                .to_der()
                .map_err(|e| SealProblem::EidUnreadable(e.to_string()))?,
        ),
        Ok(None) => None,
        Err(problem) => return Err(cms_problem(problem)),
    };
    let all: Vec<&[u8]> = cms
        .certificates()
        .iter()
        .map(|c| c.der.as_slice())
        .collect();
    let remade = cms.signed_attributes_der().is_some_and(|attributes| {
        qualified::is_remade(
            der,
            &all,
            &signer.cert.der,
            &attributes,
            cms.signature_value(),
            token.as_deref(),
        )
    });
    if !remade {
        return Err(SealProblem::EidUnreadable(
            "it holds more, less or other than a qualified seal Tweevoud makes".into(),
        ));
    }
    let others: Vec<&[u8]> = cms
        .certificates()
        .iter()
        .filter(|c| c.der != signer.cert.der)
        .map(|c| c.der.as_slice())
        .collect();
    let validated = check_signature_certificate(&signer.cert.der, &others, rules.at, rules.anchors)
        .map_err(path_problem)?;
    // Nothing carried but the path: a stray or altered certificate is no part of the seal.
    if !all
        .iter()
        .all(|c| validated.path.certificates.iter().any(|p| p == c))
    {
        return Err(SealProblem::EidChain(
            "the seal carries a certificate that is not on its certificate's path".into(),
        ));
    }
    let answers = match cms.signed_attribute(REVOCATION_INFO_ARCHIVAL) {
        Ok(Some(value)) => ocsp_answers(value)?,
        Ok(None) => Vec::new(),
        Err(problem) => return Err(cms_problem(problem)),
    };
    let revocation_checked = revocation(
        &answers,
        &signer.cert.der,
        validated.path.issuer(),
        rules.at,
    )?;
    let ed25519 =
        (rules.signer_of)(&validated.holder).ok_or_else(|| SealProblem::EidNotSigner {
            holder: validated.holder.name.clone(),
        })?;
    Ok(CheckedEidSeal {
        holder: validated.holder,
        ed25519,
        certificate: signer.cert.der.clone(),
        signature: cms.signature_value().to_vec(),
        token,
        revocation_checked,
    })
}

/// Whether the OCSP answer a seal carries (at most one) says its certificate `certificate`
/// (issued by `issuer`) was not revoked: `Ok(false)` when it carries none, or when the
/// responder did not know the certificate (revocation not checked). The answer must hold
/// (signed by the issuer or its responder, about this certificate) and be current at `at` (the
/// seal's `/M`) or newer: an answer had when the seal was made, after the last signature, says
/// as much of the time before it. Any revocation it reports is `eid_seal_revoked`: the card
/// signed after the answer was made, so after the revocation.
fn revocation(
    answers: &[Vec<u8>],
    certificate: &[u8],
    issuer: Option<&[u8]>,
    at: DateTime<Utc>,
) -> Result<bool, SealProblem> {
    let answer = match answers {
        [] => return Ok(false),
        [answer] => answer,
        _ => {
            return Err(SealProblem::EidOcsp(
                "the seal carries more than one OCSP answer".into(),
            ))
        }
    };
    let issuer = issuer.ok_or_else(|| {
        SealProblem::EidOcsp("the certificate is an anchor, which no OCSP answer is about".into())
    })?;
    let ocsp = |problem: OcspProblem| SealProblem::EidOcsp(problem.to_string());
    let said = read_ocsp(answer, certificate, issuer).map_err(ocsp)?;
    if said.this_update <= at {
        said.current_at(at).map_err(ocsp)?;
    }
    match said.status {
        CertStatus::Good => Ok(true),
        CertStatus::Unknown => Ok(false),
        CertStatus::Revoked { time, .. } => Err(SealProblem::EidRevoked(format!(
            "revoked on {}",
            time.to_rfc3339()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use p384::ecdsa::signature::hazmat::PrehashSigner;
    use rsa::pkcs1::DecodeRsaPrivateKey;

    use super::*;
    use crate::error::Coded;
    use crate::seal::qualified::{prepare, Algorithm};

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/eid/");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}{name}")).unwrap()
    }

    /// A qualified seal over `ranges` by the fixture `leaf` (`rsa`/`ec` keys), with its CA
    /// `ca` and the root, and `ocsp` if given.
    fn sealed(leaf: &str, ca: &str, ranges: &[&[u8]], ocsp: Option<&[u8]>) -> Vec<u8> {
        let key = fixture(&format!("{leaf}.key.der"));
        let algorithm = if key.len() > 1000 {
            Algorithm::RsaSha256
        } else {
            Algorithm::EcdsaP384Sha384
        };
        let chain = vec![fixture(&format!("{ca}.der")), fixture("root.der")];
        let prepared = prepare(
            algorithm,
            &fixture(&format!("{leaf}.der")),
            &chain,
            ocsp,
            &algorithm.digest(ranges),
            MAX_SEAL_BYTES,
        )
        .unwrap();
        let digest = prepared.to_sign();
        let signature = match algorithm {
            Algorithm::RsaSha256 => {
                let key = rsa::RsaPrivateKey::from_pkcs1_der(&key).unwrap();
                let key = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key);
                let s: rsa::pkcs1v15::Signature = key.sign_prehash(&digest).unwrap();
                Box::<[u8]>::from(s).into_vec()
            }
            Algorithm::EcdsaP384Sha384 => {
                let key = p384::SecretKey::from_sec1_der(&key).unwrap();
                let key = p384::ecdsa::SigningKey::from(key);
                let s: p384::ecdsa::Signature = key.sign_prehash(&digest).unwrap();
                s.to_der().as_bytes().to_vec()
            }
        };
        prepared.signed(signature).to_der(None, true)
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    /// Checks `der` over `ranges` trusting `root`, at `when`, with Tom Hendrix and
    /// Anne-Marie D'Hondt the agreement's signers (keys 1 and 2).
    fn checked(
        der: &[u8],
        ranges: &[&[u8]],
        root: &str,
        when: &str,
    ) -> Result<CheckedEidSeal, SealProblem> {
        let anchors = Anchors::from_der(&[fixture(root)]).unwrap();
        let signer_of = |h: &Holder| match h.name.as_str() {
            "Tom Hendrix" => Some([1; 32]),
            "Anne-Marie D'Hondt" => Some([2; 32]),
            _ => None,
        };
        let cms = read(der).ok_or(SealProblem::EidUnreadable("not a CMS".into()))?;
        check(
            der,
            &cms,
            ranges,
            &EidRules {
                anchors: &anchors,
                at: at(when),
                signer_of: &signer_of,
            },
        )
    }

    const RANGES: [&[u8]; 2] = [b"%PDF-1.7 before the seal", b"after it %%EOF"];
    const WHEN: &str = "2026-11-23T15:00:00+01:00";

    #[test]
    fn a_qualified_seal_by_either_card_holds_and_names_its_holder() {
        for (leaf, ca, name, key) in [
            ("rsa-sign", "ca-rsa", "Tom Hendrix", [1; 32]),
            ("ec-sign", "ca-ec", "Anne-Marie D'Hondt", [2; 32]),
        ] {
            let der = sealed(leaf, ca, &RANGES, None);
            let seal = checked(&der, &RANGES, "root.der", WHEN).unwrap();
            assert_eq!(seal.holder.name, name);
            assert_eq!(seal.ed25519, key);
            assert!(!seal.revocation_checked);
            assert!(seal.token.is_none());
            assert_eq!(seal.certificate, fixture(&format!("{leaf}.der")));
        }
    }

    #[test]
    fn fail_each_rule_of_a_qualified_seal_with_its_code() {
        let code = |r: Result<CheckedEidSeal, SealProblem>| r.map(|_| ()).unwrap_err().code();
        let good = sealed("rsa-sign", "ca-rsa", &RANGES, None);
        assert_eq!(
            code(checked(
                &good,
                &[b"%PDF-1.7 other bytes", RANGES[1]],
                "root.der",
                WHEN
            )),
            "eid_seal_signature"
        );
        assert_eq!(
            code(checked(&good, &RANGES, "other-root.der", WHEN)),
            "eid_seal_chain"
        );
        assert_eq!(
            code(checked(&good, &RANGES, "root.der", "2036-01-01T00:00:00Z")),
            "eid_seal_expired"
        );
        assert_eq!(
            code(checked(&[0x30, 0x00], &RANGES, "root.der", WHEN)),
            "eid_seal_unreadable"
        );
        // The Authentication key's certificate is not for signatures.
        let auth = sealed("rsa-auth", "ca-rsa", &RANGES, None);
        assert_eq!(
            code(checked(&auth, &RANGES, "root.der", WHEN)),
            "eid_seal_not_signature_certificate"
        );
        // Tom's name and number under a root no one trusts.
        let other = sealed("other-sign", "other-ca", &RANGES, None);
        assert_eq!(
            code(checked(&other, &RANGES, "root.der", WHEN)),
            "eid_seal_chain"
        );
        // The OCSP answers: one that says good is revocation checked; one that says revoked,
        // or one about another certificate, is refused.
        let ocsp = fixture("ocsp-rsa-sign.der");
        let with_ocsp = sealed("rsa-sign", "ca-rsa", &RANGES, Some(&ocsp));
        assert!(
            checked(&with_ocsp, &RANGES, "root.der", WHEN)
                .unwrap()
                .revocation_checked
        );
        let revoked = sealed(
            "revoked-sign",
            "ca-rsa",
            &RANGES,
            Some(&fixture("ocsp-revoked-sign.der")),
        );
        assert_eq!(
            code(checked(&revoked, &RANGES, "root.der", WHEN)),
            "eid_seal_revoked"
        );
        let other = sealed(
            "rsa-sign",
            "ca-rsa",
            &RANGES,
            Some(&fixture("ocsp-ec-sign.der")),
        );
        assert_eq!(
            code(checked(&other, &RANGES, "root.der", WHEN)),
            "eid_seal_ocsp"
        );
        // A holder no binding names.
        let anchors = Anchors::from_der(&[fixture("root.der")]).unwrap();
        let nobody = check(
            &good,
            &read(&good).unwrap(),
            &RANGES,
            &EidRules {
                anchors: &anchors,
                at: at(WHEN),
                signer_of: &|_| None,
            },
        );
        assert_eq!(
            nobody.map(|_| ()).unwrap_err(),
            SealProblem::EidNotSigner {
                holder: "Tom Hendrix".into()
            }
        );
        // A flipped byte is refused, whatever it hits (one byte in seven, for time).
        for i in (0..good.len()).step_by(7) {
            let mut bad = good.clone();
            bad[i] ^= 0x01;
            assert!(
                checked(&bad, &RANGES, "root.der", WHEN).is_err(),
                "byte {i}"
            );
        }
    }
}
