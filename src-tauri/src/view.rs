//! What the window is sent: the core's values, arranged for showing. Nothing here decides
//! anything the core decides; it only gathers the core's answers in one place per screen.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use tweevoud::contact::{self, Contact, Trust};
use tweevoud::key::{Fingerprint, KeyInfo, PublicKey};
use tweevoud::template::{Block, TemplateSummary};
use tweevoud::verify::{FirstProblem, Reason, SignatureCheck};
use tweevoud::{verify, Agreement, Labels, Missing, Party, Profile, Status, Verification};

use crate::files::Opened;
use crate::state::Work;

/// A fingerprint both ways: in groups for people, in hex for commands.
#[derive(Debug, Clone, Serialize)]
pub struct FingerprintView {
    /// 16 groups of 4 upper-case hex digits.
    pub grouped: String,
    /// 64 lower-case hex digits.
    pub hex: String,
}

impl From<&Fingerprint> for FingerprintView {
    fn from(f: &Fingerprint) -> Self {
        FingerprintView {
            grouped: f.to_string(),
            hex: f.hex(),
        }
    }
}

/// 64 hex digits as 16 groups of 4 (for text hashes, which are not key fingerprints).
pub fn grouped_hex(hex: &str) -> String {
    hex.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).to_uppercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One of the profile's own signing keys.
#[derive(Debug, Serialize)]
pub struct KeyView {
    name: String,
    organisation: Option<String>,
    function: Option<String>,
    created: String,
    fingerprint: FingerprintView,
}

impl From<&KeyInfo> for KeyView {
    fn from(k: &KeyInfo) -> Self {
        KeyView {
            name: k.name().to_string(),
            organisation: k.organisation().map(str::to_string),
            function: k.function().map(str::to_string),
            created: k.created().format("%Y-%m-%d").to_string(),
            fingerprint: k.fingerprint().into(),
        }
    }
}

/// A counterparty's key.
#[derive(Debug, Serialize)]
pub struct ContactView {
    name: String,
    organisation: Option<String>,
    added: String,
    verified: Option<String>,
    fingerprint: FingerprintView,
}

impl From<&Contact> for ContactView {
    fn from(c: &Contact) -> Self {
        ContactView {
            name: c.name().to_string(),
            organisation: c.organisation().map(str::to_string),
            added: c.added().format("%Y-%m-%d").to_string(),
            verified: c.verified().map(|t| t.format("%Y-%m-%d").to_string()),
            fingerprint: c.fingerprint().into(),
        }
    }
}

/// How far this profile trusts a signer's key.
#[derive(Debug, Serialize)]
pub struct TrustView {
    /// `own_key`, `verified_contact`, `unverified_contact` or `unknown`.
    status: &'static str,
    /// The name the profile knows the key under.
    name: Option<String>,
    /// Their organisation.
    organisation: Option<String>,
    /// When the key was verified (a verified contact).
    verified: Option<String>,
    /// The core's description, in English.
    description: String,
}

impl TrustView {
    fn of(profile: &Profile, check: &SignatureCheck) -> TrustView {
        let trust = PublicKey::from_base64(&check.public_key)
            .ok()
            .and_then(|k| contact::trust(profile, &k).ok());
        let Some(trust) = trust else {
            return TrustView {
                status: "unreadable",
                name: None,
                organisation: None,
                verified: None,
                description: "a key that cannot be read".to_string(),
            };
        };
        let description = trust.describe();
        let (status, name, organisation, verified) = match &trust {
            Trust::OwnKey { info } => (
                "own_key",
                Some(info.name().to_string()),
                info.organisation().map(str::to_string),
                None,
            ),
            Trust::VerifiedContact { contact } => (
                "verified_contact",
                Some(contact.name().to_string()),
                contact.organisation().map(str::to_string),
                contact.verified().map(|t| t.format("%Y-%m-%d").to_string()),
            ),
            Trust::UnverifiedContact { contact } => (
                "unverified_contact",
                Some(contact.name().to_string()),
                contact.organisation().map(str::to_string),
                None,
            ),
            _ => ("unknown", None, None, None),
        };
        TrustView {
            status,
            name,
            organisation,
            verified,
            description,
        }
    }
}

/// One signature, checked, with the trust in its key.
#[derive(Debug, Serialize)]
pub struct SignatureView {
    #[serde(flatten)]
    check: SignatureCheck,
    fingerprint_grouped: String,
    trust: TrustView,
}

/// The verdict on an agreement, signature by signature.
#[derive(Debug, Serialize)]
pub struct VerificationView {
    status: Status,
    awaiting: Option<Party>,
    /// The verdict in English words (the window words it from `status`).
    summary: String,
    /// The first problem, with the signature it concerns: the reason shown first.
    first_problem: Option<FirstProblem>,
    template: String,
    template_sha256: String,
    text_sha256: String,
    text_sha256_grouped: String,
    signatures: Vec<SignatureView>,
    problems: Vec<Reason>,
    unsigned_values: Vec<String>,
    /// The labels of the template's blanks, by id, to name a blank in a reason.
    labels: BTreeMap<String, Labels>,
}

impl VerificationView {
    /// Verifies `agreement` and looks up each signer's key in `profile`. `extra` are problems
    /// found outside the agreement (an exemplar PDF's visible document that differs): any
    /// makes the verdict invalid.
    pub fn of(profile: &Profile, agreement: &Agreement, extra: &[Reason]) -> VerificationView {
        let mut report = verify(agreement);
        if !extra.is_empty() {
            report.status = Status::Invalid;
            report.awaiting = None;
            report.problems.extend(extra.iter().cloned());
        }
        VerificationView::from_report(profile, report, blank_labels(agreement))
    }

    fn from_report(
        profile: &Profile,
        r: Verification,
        labels: BTreeMap<String, Labels>,
    ) -> VerificationView {
        VerificationView {
            summary: r.summary(),
            first_problem: r.first_reason(),
            labels,
            status: r.status,
            awaiting: r.awaiting,
            text_sha256_grouped: grouped_hex(&r.text_sha256),
            template: r.template,
            template_sha256: r.template_sha256,
            text_sha256: r.text_sha256,
            signatures: r
                .signatures
                .into_iter()
                .map(|check| SignatureView {
                    fingerprint_grouped: check
                        .fingerprint
                        .parse::<Fingerprint>()
                        .map(|f| f.to_string())
                        .unwrap_or_default(),
                    trust: TrustView::of(profile, &check),
                    check,
                })
                .collect(),
            problems: r.problems,
            unsigned_values: r.unsigned_values,
        }
    }

    /// Whether the verdict is "invalid".
    pub fn is_invalid(&self) -> bool {
        self.status == Status::Invalid
    }
}

/// A filled blank.
#[derive(Debug, Serialize)]
pub struct ValueView {
    blank: String,
    /// The normal form, as stored and signed.
    value: String,
    /// As it reads in the text.
    display: String,
    filled_by: Party,
}

/// The agreement on the desk, as the window shows it.
#[derive(Debug, Serialize)]
pub struct AgreementView {
    summary: TemplateSummary,
    blocks: Vec<Block>,
    values: Vec<ValueView>,
    acting: Option<Party>,
    reviewed: bool,
    editable: Vec<String>,
    missing: Vec<Missing>,
    verification: VerificationView,
    file: Option<String>,
    saved: bool,
    label: Option<String>,
    archived: Option<String>,
    archive_error: Option<serde_json::Value>,
}

impl AgreementView {
    /// Everything the window needs about `work`.
    pub fn of(profile: &Profile, work: &Work) -> AgreementView {
        let a = &work.agreement;
        let template = a.template();
        let verification = VerificationView::of(profile, a, &work.pdf_problems);
        let editable = match work.acting {
            Some(party) if work.reviewed && !verification.is_invalid() => a.editable(party),
            _ => Vec::new(),
        };
        AgreementView {
            summary: template.summary(),
            blocks: template.blocks().to_vec(),
            values: a
                .values()
                .into_iter()
                .map(|f| ValueView {
                    blank: f.blank.clone(),
                    value: f.value.clone(),
                    display: template
                        .blank(&f.blank)
                        .map(|b| b.kind.display(&f.value, template.language()))
                        .unwrap_or_else(|| f.value.clone()),
                    filled_by: f.filled_by,
                })
                .collect(),
            acting: work.acting,
            reviewed: work.reviewed,
            editable,
            missing: a.missing(),
            verification,
            file: work.file.as_deref().map(file_name),
            saved: work.saved,
            label: work.label.clone(),
            archived: work.archived.clone(),
            archive_error: work.archive_error.clone(),
        }
    }
}

/// The labels of the agreement's blanks, by id: how the UI names a blank in a reason or in the
/// audit trail.
pub fn blank_labels(agreement: &Agreement) -> BTreeMap<String, Labels> {
    agreement
        .template()
        .blanks()
        .iter()
        .map(|b| (b.id.clone(), b.label.clone()))
        .collect()
}

/// A file's name, for showing.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The verdict on any file the user asked to verify.
#[derive(Debug, Serialize)]
pub struct FileVerdict {
    /// The file's name.
    pub file: String,
    /// `complete`, `awaiting_countersignature`, `unsigned`, `altered` or `not_an_agreement`.
    pub verdict: &'static str,
    /// Why, for `altered` and `not_an_agreement`: the core's reason.
    pub reason: Option<FirstProblem>,
    /// The template's title, when the file could be read.
    pub title: Option<String>,
    /// For an exemplar PDF, the exemplar it says it is.
    pub label: Option<String>,
    /// The full verification, when the file could be read.
    pub details: Option<VerificationView>,
    /// What the profile's archive knows of these very bytes.
    pub archive: Option<tweevoud::archive::Lookup>,
}

impl FileVerdict {
    /// The verdict on an agreement read from `path`.
    pub fn of(profile: &Profile, path: &Path, opened: &Opened) -> FileVerdict {
        let agreement = &opened.agreement;
        let details = VerificationView::of(profile, agreement, &opened.pdf_problems);
        let (verdict, reason) = match details.status {
            Status::Complete => ("complete", None),
            Status::AwaitingCountersignature => ("awaiting_countersignature", None),
            Status::Unsigned => ("unsigned", None),
            Status::Invalid => ("altered", details.first_problem.clone()),
        };
        FileVerdict {
            file: file_name(path),
            verdict,
            reason,
            title: Some(agreement.template().title().to_string()),
            label: opened.label.clone(),
            details: Some(details),
            archive: None,
        }
    }

    /// The verdict on a file that could not be read as an agreement.
    pub fn unreadable(path: &Path, error: &crate::Error) -> FileVerdict {
        let verdict = match error {
            crate::Error::NotAnAgreement { .. } => "not_an_agreement",
            _ => "altered",
        };
        let kind = match verdict {
            "altered" => tweevoud::FileKind::AgreementFile,
            _ => tweevoud::FileKind::Other,
        };
        let reason = error.reason().unwrap_or_else(|| FirstProblem {
            signer: None,
            role: None,
            reason: Reason::Unreadable {
                kind,
                detail: error.to_string(),
            },
        });
        FileVerdict {
            file: file_name(path),
            verdict,
            reason: Some(reason),
            title: None,
            label: None,
            details: None,
            archive: None,
        }
    }
}

/// What signing now would sign: shown before the passphrase is asked.
#[derive(Debug, Serialize)]
pub struct SignPreview {
    /// The party signing.
    role: Party,
    /// The signatory, function and organisation the agreement names for it.
    name: Option<String>,
    function: Option<String>,
    organisation: Option<String>,
    /// SHA-256 of the text that will be signed (with the signing date filled in), grouped.
    text_sha256_grouped: String,
    /// How many values the signature covers.
    values: usize,
    /// The signer's own required blanks still empty: signing is refused until they are filled.
    own_missing: Vec<String>,
    /// Blanks of the signer that get the signing date.
    automatic: Vec<String>,
    /// The other party's empty blanks, left open for it.
    left_open: Vec<String>,
    /// The profile's keys, and the one whose name is the signatory's.
    keys: Vec<KeyView>,
    suggested_key: Option<String>,
}

impl SignPreview {
    /// The preview for the acting party of `work`, signing at `now`: the core's
    /// [`Agreement::signing_preview`], with the profile's keys.
    pub fn of(
        profile: &Profile,
        work: &Work,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<SignPreview, crate::Error> {
        let role = work.filler()?;
        let leave_open = work.leave_open_for(role);
        let p = work.agreement.signing_preview(role, leave_open, now)?;
        let keys = tweevoud::KeyStore::open(profile).list()?;
        let suggested_key = keys
            .iter()
            .find(|k| p.names_signatory(k.name()))
            .or(keys.first())
            .map(|k| k.fingerprint().hex());
        Ok(SignPreview {
            role,
            name: p.name,
            function: p.function,
            organisation: p.organisation,
            text_sha256_grouped: grouped_hex(&p.text_sha256),
            values: p.values.len(),
            own_missing: p.own_missing,
            automatic: p.automatic,
            left_open: p
                .open
                .into_iter()
                .filter(|o| o.party == role.other())
                .map(|o| o.blank)
                .collect(),
            keys: keys.iter().map(KeyView::from).collect(),
            suggested_key,
        })
    }
}
