//! Other tools' signatures on an exemplar (docs/pdf.md, "Other tools' signatures"): a
//! signature another program appended after Tweevoud's seals, in an update that changes
//! nothing shown (`read::appended` decides that), is evidence beside the agreement, not a
//! change to it. Its CMS is checked over its `/ByteRange` with the one CMS check
//! ([`crate::cms_check`]) and reported: who (its certificate's name), whether it holds and
//! why not, and whether its certificate chains to the eID anchors. The agreement's verdict
//! stays what it is: an appended signature that does not hold is evidence of nothing, and is
//! reported as such.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::read::Appended;
use crate::cms_check::{self, CmsProblem, Ess, Limits, SignedCms};
use crate::der_scan;
use crate::eid::Anchors;
use crate::error::CodedJson;
use crate::x509::readable_name;

/// The bounds an appended signature's CMS is read within: its `/Contents` (at most 64 KiB),
/// nesting as a seal's (a timestamp token may sit in an unsigned attribute), and as many
/// certificates as a chain and a TSA's need.
const LIMITS: Limits = Limits {
    max_bytes: 64 << 10,
    max_depth: der_scan::MAX_SEAL_DEPTH,
    max_certificates: 16,
};

/// A signature another program appended to the exemplar, and what checking it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherSignature {
    /// Its field's name in the PDF, if it has one.
    pub field: Option<String>,
    /// The signer's certificate's name (common name and organization), when the signature
    /// names a certificate it carries.
    pub name: Option<String>,
    /// The signing time the signature dictionary states (`/M`, as written): a claim of the
    /// program that signed, not attested.
    pub time: Option<String>,
    /// Whether the signature holds over the bytes its `/ByteRange` covers.
    pub valid: bool,
    /// Why it does not hold, when it does not.
    #[serde(serialize_with = "problem_json")]
    pub problem: Option<CmsProblem>,
    /// Whether its certificate chains to the eID anchors, each certificate valid at the time
    /// its `/M` states. Only a signature that holds and states its time can be trusted.
    pub trusted: bool,
    /// The signer's certificate (DER), when found.
    #[serde(skip)]
    pub certificate: Option<Vec<u8>>,
    /// The other certificates the signature carries (DER).
    #[serde(skip)]
    pub certificates: Vec<Vec<u8>>,
}

fn problem_json<S: serde::Serializer>(p: &Option<CmsProblem>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(p) => s.serialize_some(&CodedJson(p)),
        None => s.serialize_none(),
    }
}

impl OtherSignature {
    /// Decides `trusted`: whether the signer's certificate chains through the certificates
    /// the signature carries to one of `anchors`, valid at the time its `/M` states.
    pub fn judge_trust(&mut self, anchors: &Anchors) {
        self.trusted = match (&self.certificate, self.valid, self.stated_time()) {
            (Some(cert), true, Some(at)) => {
                crate::eid::validate_path(cert, &self.certificates, at, anchors).is_ok()
            }
            _ => false,
        };
    }

    /// The time its `/M` states (`D:YYYYMMDDHHmmSS` with `Z` or an offset), if it can be read.
    pub fn stated_time(&self) -> Option<DateTime<Utc>> {
        pdf_date(self.time.as_deref()?)
    }
}

/// A PDF date (ISO 32000-1, 7.9.4) with at least seconds: `D:YYYYMMDDHHmmSS` then `Z`, or
/// `+HH'mm'` / `-HH'mm'` (the last `'` optional), or nothing (read as UTC).
fn pdf_date(text: &str) -> Option<DateTime<Utc>> {
    let rest = text.strip_prefix("D:")?;
    let (digits, zone) = rest.split_at_checked(14)?;
    let local = chrono::NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok()?;
    let offset = match zone.trim_end_matches('\'') {
        "" | "Z" | "Z00'00" => 0,
        z => {
            let sign = match z.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = z[1..].split_once('\'').unwrap_or((&z[1..], "0"));
            sign * (h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60)
        }
    };
    let offset = chrono::FixedOffset::east_opt(offset)?;
    local
        .and_local_timezone(offset)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// The DER of a CMS at the start of `contents`, without the zeros after it: as long as its
/// header says (all of `contents` when the header cannot be read; the CMS reader refuses it).
fn cms_der(contents: &[u8]) -> &[u8] {
    let len = match contents {
        [0x30, n, ..] if *n < 0x80 => Some(2 + usize::from(*n)),
        [0x30, 0x81, a, ..] => Some(3 + usize::from(*a)),
        [0x30, 0x82, a, b, ..] => Some(4 + (usize::from(*a) << 8 | usize::from(*b))),
        [0x30, 0x83, a, b, c, ..] => {
            Some(5 + (usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c)))
        }
        _ => None,
    };
    match len {
        Some(n) if n <= contents.len() && contents[n..].iter().all(|b| *b == 0) => &contents[..n],
        _ => contents,
    }
}

/// Checks the CMS of each appended signature over the bytes of `file` its `/ByteRange`
/// covers. Trust is decided apart ([`OtherSignature::judge_trust`]).
pub(crate) fn check(file: &[u8], appended: &[Appended]) -> Vec<OtherSignature> {
    appended
        .iter()
        .map(|a| {
            let mut found = OtherSignature {
                field: a.field.clone(),
                name: None,
                time: a.time.clone(),
                valid: false,
                problem: None,
                trusted: false,
                certificate: None,
                certificates: Vec::new(),
            };
            let signed = match SignedCms::read(cms_der(&a.contents), LIMITS) {
                Ok(signed) => signed,
                Err(problem) => {
                    found.problem = Some(problem);
                    return found;
                }
            };
            let parts: Vec<&[u8]> = a.signed.iter().map(|r| &file[r.clone()]).collect();
            match cms_check::check_detached(&signed, &parts, Ess::WhenPresent) {
                Ok(signer) => {
                    found.valid = true;
                    found.name = Some(readable_name(&signer.cert.cert.tbs_certificate.subject));
                    found.certificate = Some(signer.cert.der.clone());
                    found.certificates = signed
                        .certificates()
                        .iter()
                        .filter(|c| c.der != signer.cert.der)
                        .map(|c| c.der.clone())
                        .collect();
                }
                Err(problem) => found.problem = Some(problem),
            }
            found
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates() {
        let t = |s: &str| pdf_date(s).map(|t| t.to_rfc3339());
        assert_eq!(
            t("D:20261207152012Z").as_deref(),
            Some("2026-12-07T15:20:12+00:00")
        );
        assert_eq!(
            t("D:20260101120000+01'00'").as_deref(),
            Some("2026-01-01T11:00:00+00:00")
        );
        assert_eq!(
            t("D:20260101120000-02'30").as_deref(),
            Some("2026-01-01T14:30:00+00:00")
        );
        for bad in [
            "",
            "20260101120000Z",
            "D:2026",
            "D:20261301000000Z",
            "D:20260101120000x",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_der_is_cut_before_the_zeros() {
        assert_eq!(cms_der(&[0x30, 1, 5, 0, 0]), &[0x30, 1, 5]);
        assert_eq!(cms_der(&[0x30, 1, 5, 0, 7]), &[0x30, 1, 5, 0, 7]);
        assert_eq!(cms_der(&[0x30, 9]), &[0x30, 9]);
        assert_eq!(cms_der(&[]), &[] as &[u8]);
    }
}
