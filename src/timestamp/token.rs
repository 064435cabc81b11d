//! Reading a timestamp token and checking it: the structure, the message imprint, the signed
//! attributes, the signature, the signing certificate and the chain.

use chrono::{DateTime, NaiveDate, Utc};
use der::asn1::{Any, Int, ObjectIdentifier};
use der::{Reader, SliceReader, Tag, Tagged};
use x509_tsp::{Accuracy, MessageImprint};

use super::chain::{self, TokenChain};
use super::{Anchor, Attested, TokenProblem, MAX_CERTIFICATES, MAX_TOKEN_BYTES};
use crate::cms_check::{CmsProblem, Ess, Limits, SignedCms};
use crate::der_scan;
use crate::x509::{self, oid_name, Hash};

pub(super) const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// The bounds a token is read within.
const TOKEN_LIMITS: Limits = Limits {
    max_bytes: MAX_TOKEN_BYTES,
    max_depth: der_scan::MAX_DEPTH,
    max_certificates: MAX_CERTIFICATES,
};

fn unreadable(reason: impl Into<String>) -> TokenProblem {
    TokenProblem::Unreadable {
        reason: reason.into(),
    }
}

fn bad_certificate(reason: impl Into<String>) -> TokenProblem {
    TokenProblem::Certificate {
        reason: reason.into(),
    }
}

/// A problem of the token's SignedData as the token's own: the same kind, the same words.
fn token_problem(problem: CmsProblem) -> TokenProblem {
    let reason = problem.reason().to_string();
    match problem {
        CmsProblem::Unreadable { .. } => TokenProblem::Unreadable { reason },
        CmsProblem::Signature { .. } => TokenProblem::Signature { reason },
        CmsProblem::Certificate { .. } => TokenProblem::Certificate { reason },
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
    signed: SignedCms,
}

/// Reads the structure of a token: ContentInfo, SignedData, TSTInfo, the one SignerInfo and
/// the certificates, within the bounds.
pub(super) fn read(token: &[u8]) -> Result<Token, TokenProblem> {
    let signed = SignedCms::read(token, TOKEN_LIMITS).map_err(token_problem)?;
    if signed.content_type() != ID_CT_TST_INFO {
        return Err(unreadable(format!(
            "it signs {}, not a TSTInfo",
            oid_name(&signed.content_type())
        )));
    }
    let econtent = signed
        .content()
        .ok_or_else(|| unreadable("it carries no TSTInfo"))?
        .to_vec();
    let tst = read_tst_info(&econtent)?;
    Ok(Token {
        tst,
        econtent,
        signed,
    })
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

    // The signer: its certificate among those the token carries, the signed attributes (the
    // message digest over the TSTInfo) and its signature.
    let signing = token
        .signed
        .check(
            ID_CT_TST_INFO,
            &|hash: Hash| hash.digest(&token.econtent),
            Ess::Required,
        )
        .map_err(token_problem)?
        .cert;

    // The signing certificate: for time stamping, valid at genTime.
    let at = tst.time.timestamp();
    chain::check_time_stamping(&signing.cert)
        .map_err(|e| bad_certificate(format!("the TSA's certificate: {e}")))?;
    x509::check_valid_at(&signing.cert, at, chain::WHEN)
        .map_err(|e| bad_certificate(format!("the TSA's certificate: {e}")))?;
    let tsa = x509::readable_name(&signing.cert.tbs_certificate.subject);
    let tsa_certificate_sha256 = hex::encode(Hash::Sha256.digest(&signing.der));
    let signer = token
        .signed
        .certificates()
        .iter()
        .position(|c| std::ptr::eq(c, signing))
        .ok_or_else(|| bad_certificate("the TSA's certificate is not among those it carries"))?;

    // The chain.
    let Token { tst, signed, .. } = token;
    let chain = TokenChain::new(signed.into_certificates(), signer, at);
    let trusted = chain.walk(anchors)?;

    Ok(Attested {
        time: tst.time,
        tsa,
        tsa_certificate_sha256,
        serial: hex_number(&tst.serial),
        policy: tst.policy.to_string(),
        trusted,
        chain,
    })
}

/// A positive integer's DER content bytes in hex, without a leading zero byte.
fn hex_number(bytes: &[u8]) -> String {
    match bytes {
        [0, rest @ ..] if !rest.is_empty() => hex::encode(rest),
        _ => hex::encode(bytes),
    }
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
