//! The one judgement of a file: what it is, and what can be said of it.
//!
//! Everything a user can hand Tweevoud (an agreement file, the PDF to sign, an exemplar, or
//! anything else) is judged here, once: the agreement inside and each signature, the trust
//! this profile has in each signer's key, whether an exemplar PDF shows the agreement it
//! carries, what the archive knows of the very bytes, and one overall [`Verdict`] with a stable
//! code and a severity. The CLI (text, `--json`, exit code) and the app (headline, details)
//! only present this value; none of them works any part of it out again.
//!
//! The verdict never claims more than is known: valid signatures by keys that this profile
//! neither owns nor verified are "valid, signers not confirmed", never "authentic".

mod eid;
#[cfg(feature = "fs")]
mod on_disk;

use std::fmt;

use serde::Serialize;

use crate::agreement::Agreement;
use crate::contact::{Keyring, Trust};
use crate::error::{Coded, Params};
use crate::file_kind::FileKind;
use crate::key::{Fingerprint, PublicKey};
use crate::open::{self, Contents};
use crate::party::Party;
use crate::pdf::ExemplarCheck;
use crate::signature::OpenBlank;
use crate::verify::{FirstProblem, Reason, SignatureCheck, Stamped, Status};

pub use eid::{EidNote, JudgedBinding};
#[cfg(feature = "fs")]
pub use on_disk::{judge_file, judge_file_looked_up, ArchiveCheck};

/// Where the judgement looks for trust and for the archive.
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    /// The own keys and contacts that say who signers are (the profile on disk, or [`Known`]
    /// keys in memory); `None`: nobody is known.
    ///
    /// [`Known`]: crate::contact::Known
    pub keyring: Option<&'a dyn Keyring>,
    /// The archive to look the file up in; `None`: not looked up.
    #[cfg(feature = "fs")]
    pub archive: Option<&'a std::path::Path>,
}

impl<'a> Context<'a> {
    /// Trust from `keyring`, no archive.
    pub fn known_by(keyring: &'a dyn Keyring) -> Context<'a> {
        Context {
            keyring: Some(keyring),
            #[cfg(feature = "fs")]
            archive: None,
        }
    }
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Context");
        d.field("keyring", &self.keyring.map(|_| "..."));
        #[cfg(feature = "fs")]
        d.field("archive", &self.archive);
        d.finish()
    }
}

/// The overall verdict's code: stable, for scripts and for the app to word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictCode {
    /// Both parties signed, every signature holds, nothing changed since, and every signer's
    /// key is this profile's own or a contact it verified.
    Authentic,
    /// As [`VerdictCode::Authentic`], but at least one signer's key is not confirmed: the
    /// signatures are valid, who made them is not established.
    CompleteUnconfirmed,
    /// Every signature holds, the named party has yet to countersign, and every signer's key
    /// is confirmed.
    AwaitingCountersignature,
    /// As [`VerdictCode::AwaitingCountersignature`], with a signer not confirmed.
    AwaitingUnconfirmed,
    /// A Tweevoud agreement nobody signed: a draft.
    Unsigned,
    /// The file holds a valid agreement, but the archive holds this agreement's exemplars and
    /// this file is none of them.
    ArchiveMismatch,
    /// A Tweevoud file that was changed, damaged, or does not hold together: the reasons say
    /// what.
    Altered,
    /// Not a Tweevoud file at all.
    NotTweevoud,
}

impl VerdictCode {
    /// Every code, in the order above.
    pub const ALL: [VerdictCode; 8] = [
        VerdictCode::Authentic,
        VerdictCode::CompleteUnconfirmed,
        VerdictCode::AwaitingCountersignature,
        VerdictCode::AwaitingUnconfirmed,
        VerdictCode::Unsigned,
        VerdictCode::ArchiveMismatch,
        VerdictCode::Altered,
        VerdictCode::NotTweevoud,
    ];

    /// The code, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictCode::Authentic => "authentic",
            VerdictCode::CompleteUnconfirmed => "complete_unconfirmed",
            VerdictCode::AwaitingCountersignature => "awaiting_countersignature",
            VerdictCode::AwaitingUnconfirmed => "awaiting_unconfirmed",
            VerdictCode::Unsigned => "unsigned",
            VerdictCode::ArchiveMismatch => "archive_mismatch",
            VerdictCode::Altered => "altered",
            VerdictCode::NotTweevoud => "not_tweevoud",
        }
    }

    /// How serious it is.
    pub fn severity(self) -> Severity {
        match self {
            VerdictCode::Authentic | VerdictCode::AwaitingCountersignature => Severity::Ok,
            VerdictCode::CompleteUnconfirmed
            | VerdictCode::AwaitingUnconfirmed
            | VerdictCode::Unsigned => Severity::Warning,
            VerdictCode::ArchiveMismatch | VerdictCode::Altered | VerdictCode::NotTweevoud => {
                Severity::Error
            }
        }
    }

    /// The exit code of `tweevoud verify`: 0 for a valid agreement whose signers are all
    /// confirmed, 3 for valid signatures by a signer not confirmed, 1 for everything else
    /// (altered, not a Tweevoud file, unsigned, or not what the archive holds). 2 is left for
    /// a file that cannot be read at all, and usage errors.
    pub fn exit_code(self) -> u8 {
        match self {
            VerdictCode::Authentic | VerdictCode::AwaitingCountersignature => 0,
            VerdictCode::CompleteUnconfirmed | VerdictCode::AwaitingUnconfirmed => 3,
            VerdictCode::Unsigned
            | VerdictCode::ArchiveMismatch
            | VerdictCode::Altered
            | VerdictCode::NotTweevoud => 1,
        }
    }
}

impl fmt::Display for VerdictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a verdict should be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// What the user hoped for.
    Ok,
    /// Valid as far as it goes, but not all that could be hoped for: look at the details.
    Warning,
    /// Do not rely on this file.
    Error,
}

/// The overall verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// What the file is, in one code.
    pub code: VerdictCode,
    /// How to show it.
    pub severity: Severity,
    /// The party that has still to sign, for an agreement awaiting its countersignature.
    pub awaiting: Option<Party>,
    /// The exit code `tweevoud verify` gives for it.
    pub exit_code: u8,
}

impl Verdict {
    fn of(code: VerdictCode, awaiting: Option<Party>) -> Verdict {
        Verdict {
            code,
            severity: code.severity(),
            awaiting,
            exit_code: code.exit_code(),
        }
    }
}

/// How far this profile trusts a signer's key: its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustStatus {
    /// A key that an eID binding the signature carries names: the Belgian state vouches for
    /// its owner (the binding holds, its certificate chains to a Belgian root and was valid
    /// when it signed).
    Eid,
    /// One of this profile's own keys.
    OwnKey,
    /// A contact whose key this profile verified.
    VerifiedContact,
    /// A contact whose key was never verified.
    UnverifiedContact,
    /// A key this profile does not know (or that cannot be read, or no profile was asked).
    Unknown,
}

/// The trust in one signer's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignerTrust {
    /// The trust's code.
    pub status: TrustStatus,
    /// Whether the signer is confirmed: this profile's own key or a verified contact. Only a
    /// confirmed signer makes a verdict "authentic".
    pub confirmed: bool,
    /// The name this profile knows the key under.
    pub name: Option<String>,
    /// Their organisation, as this profile knows it.
    pub organisation: Option<String>,
    /// When the contact's key was verified (`yyyy-mm-dd`).
    pub verified: Option<String>,
    /// The key's fingerprint in 16 groups of 4 hex digits, to compare with the signer's own
    /// (empty when the key cannot be read).
    pub fingerprint: String,
    /// In English, with how to confirm it when it is not.
    pub description: String,
    /// What the eID binding confirms, for status `eid`; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eid: Option<JudgedBinding>,
}

impl SignerTrust {
    /// The trust `keyring` has in the key of `check`.
    pub fn of(keyring: Option<&dyn Keyring>, check: &SignatureCheck) -> SignerTrust {
        let unknown = |fingerprint: String, description: String| SignerTrust {
            status: TrustStatus::Unknown,
            confirmed: false,
            name: None,
            organisation: None,
            verified: None,
            fingerprint,
            description,
            eid: None,
        };
        let Ok(key) = PublicKey::from_base64(&check.public_key) else {
            return unknown(String::new(), "a key that cannot be read".to_string());
        };
        let fingerprint = key.fingerprint().to_string();
        let Some(keyring) = keyring else {
            return unknown(fingerprint.clone(), unknown_words(&fingerprint));
        };
        let trust = match keyring.trust(&key) {
            Ok(trust) => trust,
            Err(e) => {
                return unknown(
                    fingerprint,
                    format!("unknown: this profile's keys and contacts cannot be read ({e})"),
                )
            }
        };
        let mut description = trust.describe();
        let (status, name, organisation, verified) = match &trust {
            Trust::OwnKey { info } => (
                TrustStatus::OwnKey,
                Some(info.name().to_string()),
                info.organisation().map(str::to_string),
                None,
            ),
            Trust::VerifiedContact { contact } => (
                TrustStatus::VerifiedContact,
                Some(contact.name().to_string()),
                contact.organisation().map(str::to_string),
                contact.verified().map(|t| t.format("%Y-%m-%d").to_string()),
            ),
            Trust::UnverifiedContact { contact } => {
                description.push_str(
                    "; to confirm it, compare the fingerprint with the signer's own (by phone, in person) and mark the contact verified",
                );
                (
                    TrustStatus::UnverifiedContact,
                    Some(contact.name().to_string()),
                    contact.organisation().map(str::to_string),
                    None,
                )
            }
            Trust::Unknown { .. } => {
                description = unknown_words(&fingerprint);
                (TrustStatus::Unknown, None, None, None)
            }
        };
        SignerTrust {
            confirmed: trust.is_trusted(),
            status,
            name,
            organisation,
            verified,
            fingerprint,
            description,
            eid: None,
        }
    }

    /// The trust in a key that an eID binding that holds names: confirmed by the state,
    /// under the certificate's name (never the agreement's words), whatever the profile knows
    /// of the key.
    fn by_eid(self, binding: JudgedBinding, organisation: &str) -> SignerTrust {
        let holder = binding.confirmation.holder.clone();
        let mut description = format!("confirmed by Belgian eID: {holder}");
        if binding
            .notes
            .iter()
            .any(|n| matches!(n, EidNote::RevocationNotChecked { .. }))
        {
            description.push_str(" (revocation not checked)");
        }
        SignerTrust {
            status: TrustStatus::Eid,
            confirmed: true,
            name: Some(holder),
            organisation: Some(organisation.to_string()).filter(|o| !o.is_empty()),
            verified: None,
            fingerprint: self.fingerprint,
            description,
            eid: Some(binding),
        }
    }
}

fn unknown_words(fingerprint: &str) -> String {
    format!(
        "a key you do not know (fingerprint {fingerprint}); to confirm it, compare the fingerprint with the signer's own (by phone, in person), add their public key as a contact and mark it verified"
    )
}

/// One signature, checked, with the trust in its key.
#[derive(Debug, Clone, Serialize)]
pub struct JudgedSignature {
    /// What was found about the signature itself; its `timestamps` are said once, by
    /// `attested`, under the same key.
    #[serde(flatten, serialize_with = "check_without_timestamps")]
    pub check: SignatureCheck,
    /// The key's fingerprint in groups (empty when it cannot be read).
    pub fingerprint_grouped: String,
    /// How far this profile trusts the key.
    pub trust: SignerTrust,
    /// Its timestamps that hold, with the trust in their TSAs (empty: no timestamp was
    /// obtained, and the signing time rests on the signer's word).
    #[serde(rename = "timestamps")]
    pub attested: Vec<JudgedTimestamp>,
}

/// A signature's check without its `timestamps`, which [`JudgedSignature::attested`] says
/// again with the trust in their TSAs: flattened beside it, the check's own would make the
/// key appear twice in one object (a JSON reader keeps one of them, which one is its own
/// choice). Every other field is kept: a field added to [`SignatureCheck`] must be named here.
fn check_without_timestamps<S: serde::Serializer>(
    check: &SignatureCheck,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Fields<'a> {
        index: usize,
        role: Party,
        name: &'a str,
        function: &'a str,
        organisation: &'a str,
        time: &'a str,
        fingerprint: &'a str,
        public_key: &'a str,
        valid: bool,
        problems: &'a [Reason],
    }
    let SignatureCheck {
        index,
        role,
        name,
        function,
        organisation,
        time,
        fingerprint,
        public_key,
        valid,
        problems,
        timestamps: _,
    } = check;
    Fields {
        index: *index,
        role: *role,
        name,
        function,
        organisation,
        time,
        fingerprint,
        public_key,
        valid: *valid,
        problems,
    }
    .serialize(serializer)
}

/// A timestamp that holds, with what this profile makes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JudgedTimestamp {
    /// What it attests.
    #[serde(flatten)]
    pub stamped: Stamped,
    /// Whether its TSA is one this profile trusts (its chain reaches one of the profile's TSA
    /// certificates): only then does it attest the time.
    pub trusted: bool,
    /// What is odd about the time it attests next to the time the signer stated; only for a
    /// trusted token (an untrusted one attests nothing).
    pub notes: Vec<TimeNote>,
}

/// How far a stated signing time may run ahead of the time a TSA attests (clocks differ).
pub const STATED_AHEAD_TOLERANCE_SECONDS: i64 = 10 * 60;
/// How long after the stated signing time a timestamp counts as taken later.
pub const LATE_TIMESTAMP_SECONDS: i64 = 24 * 3600;

/// Something to know about a signing time next to the time a TSA attests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeNote {
    /// The signer's stated time is later than the time the TSA attests the signature existed,
    /// by more than [`STATED_AHEAD_TOLERANCE_SECONDS`]: the signer's clock was wrong, or the
    /// stated time is not true.
    StatedAfterTimestamp {
        /// The stated time.
        stated: String,
        /// The attested time.
        attested: String,
        /// By how many minutes.
        minutes: i64,
    },
    /// The timestamp was taken more than [`LATE_TIMESTAMP_SECONDS`] after the stated time:
    /// until then, the time rests on the signer's word.
    TimestampedLater {
        /// The stated time.
        stated: String,
        /// The attested time.
        attested: String,
        /// By how many hours.
        hours: i64,
    },
}

impl TimeNote {
    /// Every code of [`TimeNote`].
    pub const CODES: &'static [&'static str] = &["stated_after_timestamp", "timestamped_later"];

    /// The notes on `stated` (RFC 3339) next to `attested`.
    pub fn of(stated: &str, attested: &str) -> Vec<TimeNote> {
        let (Ok(s), Ok(a)) = (
            chrono::DateTime::parse_from_rfc3339(stated),
            chrono::DateTime::parse_from_rfc3339(attested),
        ) else {
            return Vec::new();
        };
        let ahead = (s - a).num_seconds();
        let mut notes = Vec::new();
        if ahead > STATED_AHEAD_TOLERANCE_SECONDS {
            notes.push(TimeNote::StatedAfterTimestamp {
                stated: stated.to_string(),
                attested: attested.to_string(),
                minutes: ahead / 60,
            });
        }
        if -ahead > LATE_TIMESTAMP_SECONDS {
            notes.push(TimeNote::TimestampedLater {
                stated: stated.to_string(),
                attested: attested.to_string(),
                hours: -ahead / 3600,
            });
        }
        notes
    }
}

/// Parameters: `stated`, `attested` (RFC 3339 times), `minutes` or `hours`.
impl Coded for TimeNote {
    fn code(&self) -> &'static str {
        match self {
            TimeNote::StatedAfterTimestamp { .. } => "stated_after_timestamp",
            TimeNote::TimestampedLater { .. } => "timestamped_later",
        }
    }

    fn params(&self) -> Params {
        match self {
            TimeNote::StatedAfterTimestamp {
                stated,
                attested,
                minutes,
            } => vec![
                ("stated", stated.clone()),
                ("attested", attested.clone()),
                ("minutes", minutes.to_string()),
            ],
            TimeNote::TimestampedLater {
                stated,
                attested,
                hours,
            } => vec![
                ("stated", stated.clone()),
                ("attested", attested.clone()),
                ("hours", hours.to_string()),
            ],
        }
    }
}

impl fmt::Display for TimeNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeNote::StatedAfterTimestamp {
                stated,
                attested,
                minutes,
            } => write!(
                f,
                "the stated signing time {stated} is {minutes} minutes after {attested}, when a TSA attests the signature existed: the signer's clock was wrong, or the stated time is not true"
            ),
            TimeNote::TimestampedLater {
                stated,
                attested,
                hours,
            } => write!(
                f,
                "timestamped {hours} hours after the stated signing time {stated} (at {attested}): until then the time rests on the signer's word"
            ),
        }
    }
}

impl Serialize for TimeNote {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::error::CodedJson(self).serialize(serializer)
    }
}

/// A seal of an exemplar PDF that holds: who sealed it, and its signature timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JudgedSeal {
    /// 1 for the seal made with the PDF, 2 for the one the other party added.
    pub number: u8,
    /// The party of the signer who sealed it.
    pub role: Option<Party>,
    /// The signatory who sealed it.
    pub name: String,
    /// Their key's fingerprint (the Ed25519 key that signed the agreement), in groups.
    pub fingerprint_grouped: String,
    /// Its signature timestamp, if it carries one that holds (PAdES B-T).
    pub timestamp: Option<JudgedTimestamp>,
    /// For a qualified seal, made with the signer's Belgian eID: whose eID, and whether
    /// revocation was checked. `null` for a companion seal.
    pub eid: Option<JudgedEidSeal>,
}

/// What a qualified seal says of the eID that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JudgedEidSeal {
    /// The certificate's holder, as shown (never the national register number).
    pub holder: String,
    /// Whether an OCSP answer the seal carries says the certificate was not revoked;
    /// `false`: revocation not checked.
    pub revocation_checked: bool,
}

/// The trust in a timestamp that holds: whether its chain reaches one of `anchors` (walked
/// from the certificates verification kept, the token not checked again); and, only when it
/// does, the notes on its time next to the `stated` one.
fn judged_timestamp(
    stamped: &Stamped,
    stated: Option<&str>,
    anchors: &[crate::timestamp::Anchor],
) -> JudgedTimestamp {
    let trusted = stamped.chain.trusted_by(anchors);
    // A token of a TSA the profile does not trust attests nothing to it, so its time is
    // not set against the stated one: anyone can make such a token, with any time, and add
    // it to a file (docs/format.md, "Timestamps").
    let notes = stated
        .filter(|_| trusted)
        .map(|s| TimeNote::of(s, &stamped.time))
        .unwrap_or_default();
    JudgedTimestamp {
        stamped: stamped.clone(),
        trusted,
        notes,
    }
}

/// The timestamps of a signature that hold (those its check attested, in order), judged.
fn judged_timestamps(
    check: &SignatureCheck,
    anchors: &[crate::timestamp::Anchor],
) -> Vec<JudgedTimestamp> {
    check
        .timestamps
        .iter()
        .map(|stamped| judged_timestamp(stamped, Some(&check.time), anchors))
        .collect()
}

/// The judgement of one file.
#[derive(Debug, Clone, Serialize)]
pub struct Judgement {
    /// What the file is.
    pub kind: FileKind,
    /// The overall verdict.
    pub verdict: Verdict,
    /// The verdict in one English sentence.
    pub summary: String,
    /// The agreement's own state, as verification found it (with the check of an exemplar
    /// PDF folded in): `complete`, `awaiting_countersignature`, `unsigned`, `invalid`.
    pub status: Status,
    /// Who has still to sign, when awaiting.
    pub awaiting: Option<Party>,
    /// The template's title, when the file could be read.
    pub title: Option<String>,
    /// The template's id.
    pub template: Option<String>,
    /// SHA-256 of the template's canonical text.
    pub template_sha256: Option<String>,
    /// SHA-256 of the agreement's text as it is now.
    pub text_sha256: Option<String>,
    /// Each signature, in order, with the trust in its key.
    pub signatures: Vec<JudgedSignature>,
    /// Problems not tied to one signature: the agreement's, the PDF's, or the reader's.
    pub problems: Vec<Reason>,
    /// The problem to show first, with the signature it concerns.
    pub first_problem: Option<FirstProblem>,
    /// Blanks filled since the last signature by the party they were left open for, not yet
    /// signed.
    pub unsigned_values: Vec<String>,
    /// Audit entries (their `seq`) after the last signature: unsigned additions the verdict
    /// does not vouch for.
    pub unsigned_audit: Vec<u64>,
    /// The blanks the last signature left open, and for whom.
    pub left_open: Vec<OpenBlank>,
    /// For a PDF that carries an agreement: what it says it is and whether it shows the
    /// agreement inside.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exemplar: Option<ExemplarCheck>,
    /// For a sealed exemplar (renderer 3 on): the seals that hold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seals: Vec<JudgedSeal>,
    /// For a sealed exemplar: the signatures other programs appended after the seals, in
    /// updates that change nothing shown; each whether it holds and whether its certificate
    /// chains to the eID anchors. They do not change the verdict.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_signatures: Vec<crate::pdf::OtherSignature>,
    /// What the archive knows of these very bytes, when it was asked.
    #[cfg(feature = "fs")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<ArchiveCheck>,
    /// The agreement, when the file could be read.
    #[serde(skip)]
    pub agreement: Option<Agreement>,
}

impl Judgement {
    /// The names of the signers whose keys are not confirmed.
    pub fn unconfirmed_signers(&self) -> Vec<&str> {
        self.signatures
            .iter()
            .filter(|s| !s.trust.confirmed)
            .map(|s| s.check.name.as_str())
            .collect()
    }

    /// A file that is not a readable agreement: not a Tweevoud file, or a damaged one.
    fn unreadable(kind: FileKind, reason: Reason) -> Judgement {
        let code = if kind.is_tweevoud() {
            VerdictCode::Altered
        } else {
            VerdictCode::NotTweevoud
        };
        let first = FirstProblem {
            signer: None,
            role: None,
            reason: reason.clone(),
        };
        Judgement {
            kind,
            summary: match kind {
                FileKind::OtherPdf => format!("not a Tweevoud exemplar ({reason})"),
                FileKind::Other => format!("not a Tweevoud agreement file ({reason})"),
                _ => format!("INVALID: {reason}"),
            },
            verdict: Verdict::of(code, None),
            status: Status::Invalid,
            awaiting: None,
            title: None,
            template: None,
            template_sha256: None,
            text_sha256: None,
            signatures: Vec::new(),
            problems: vec![reason],
            first_problem: Some(first),
            unsigned_values: Vec::new(),
            unsigned_audit: Vec::new(),
            left_open: Vec::new(),
            exemplar: None,
            seals: Vec::new(),
            other_signatures: Vec::new(),
            #[cfg(feature = "fs")]
            archive: None,
            agreement: None,
        }
    }

    /// The judgement of readable contents, before the archive is asked (see
    /// [`with_archive`](Self::with_archive)).
    fn of_contents(contents: Contents, ctx: &Context<'_>) -> Judgement {
        let Contents {
            kind,
            agreement,
            mut verification,
            pdf,
        } = contents;
        if let Some(pdf) = &pdf {
            pdf.fold_into(&mut verification);
        }
        let anchors = ctx
            .keyring
            .map(|k| k.timestamp_anchors())
            .unwrap_or_default();
        let grouped = |hex: &str| {
            hex.parse::<Fingerprint>()
                .map(|f| f.to_string())
                .unwrap_or_default()
        };
        let attested: Vec<Vec<JudgedTimestamp>> = verification
            .signatures
            .iter()
            .map(|check| judged_timestamps(check, &anchors))
            .collect();
        let bindings = eid::judge_bindings(&agreement, &mut verification, &attested);
        let signatures: Vec<JudgedSignature> = verification
            .signatures
            .iter()
            .zip(attested)
            .zip(bindings)
            .map(|((check, attested), binding)| {
                let trust = SignerTrust::of(ctx.keyring, check);
                JudgedSignature {
                    fingerprint_grouped: grouped(&check.fingerprint),
                    trust: match binding {
                        Some(b) => trust.by_eid(b, &check.organisation),
                        None => trust,
                    },
                    attested,
                    check: check.clone(),
                }
            })
            .collect();
        let seals = pdf
            .iter()
            .flat_map(|p| &p.seals)
            .map(|seal| {
                let signer = agreement
                    .signatures()
                    .iter()
                    .find(|r| r.statement.public_key_bytes().ok() == Some(seal.ed25519));
                JudgedSeal {
                    number: seal.number,
                    role: signer.map(|r| r.statement.signer.role),
                    // A qualified seal names the eID's holder, never the agreement's words.
                    name: match &seal.eid {
                        Some(e) => e.holder.clone(),
                        None => signer
                            .map(|r| r.statement.signer.name.clone())
                            .unwrap_or_default(),
                    },
                    fingerprint_grouped: Fingerprint::of_raw_public_key(&seal.ed25519).to_string(),
                    timestamp: seal
                        .timestamp
                        .as_ref()
                        .map(|stamped| judged_timestamp(stamped, None, &anchors)),
                    eid: seal.eid.as_ref().map(|e| JudgedEidSeal {
                        holder: e.holder.clone(),
                        revocation_checked: e.revocation_checked,
                    }),
                }
            })
            .collect();
        let others = pdf.iter().flat_map(|p| &p.other_signatures);
        // The eID anchors are read only when there is a signature to judge by them.
        let eid_anchors = others.clone().next().map(|_| crate::eid::process_anchors());
        let other_signatures = others
            .map(|other| {
                let mut other = other.clone();
                if let Some(anchors) = &eid_anchors {
                    other.judge_trust(anchors);
                }
                other
            })
            .collect();
        let all_confirmed = signatures.iter().all(|s| s.trust.confirmed);
        let code = match verification.status {
            Status::Invalid => VerdictCode::Altered,
            Status::Unsigned => VerdictCode::Unsigned,
            Status::Complete if all_confirmed => VerdictCode::Authentic,
            Status::Complete => VerdictCode::CompleteUnconfirmed,
            Status::AwaitingCountersignature if all_confirmed => {
                VerdictCode::AwaitingCountersignature
            }
            Status::AwaitingCountersignature => VerdictCode::AwaitingUnconfirmed,
        };
        let left_open = match verification.status {
            Status::AwaitingCountersignature => agreement
                .signatures()
                .last()
                .map(|s| s.statement.open.clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut j = Judgement {
            kind,
            verdict: Verdict::of(code, verification.awaiting),
            summary: String::new(),
            status: verification.status,
            awaiting: verification.awaiting,
            title: Some(agreement.template().title().to_string()),
            template: Some(verification.template.clone()),
            template_sha256: Some(verification.template_sha256.clone()),
            text_sha256: Some(verification.text_sha256.clone()),
            first_problem: verification.first_reason(),
            problems: verification.problems,
            unsigned_values: verification.unsigned_values,
            unsigned_audit: verification.unsigned_audit,
            signatures,
            left_open,
            exemplar: pdf,
            seals,
            other_signatures,
            #[cfg(feature = "fs")]
            archive: None,
            agreement: Some(agreement),
        };
        j.summary = j.sentence();
        j
    }

    /// The verdict in one English sentence.
    fn sentence(&self) -> String {
        let unconfirmed = || self.unconfirmed_signers().join(", ");
        let awaiting = self.awaiting.map(Party::as_str).unwrap_or("other party");
        match self.verdict.code {
            VerdictCode::Authentic if self.signatures.iter().any(|s| s.trust.eid.is_some()) => {
                let who: Vec<String> = self
                    .signatures
                    .iter()
                    .map(|s| match &s.trust.eid {
                        Some(eid)
                            if eid.confirmation.revocation == crate::eid::Revocation::NotChecked =>
                        {
                            format!("{} by Belgian eID, revocation not checked", eid.confirmation.holder)
                        }
                        Some(eid) => format!("{} by Belgian eID", eid.confirmation.holder),
                        None => s.trust.description.clone(),
                    })
                    .collect();
                format!(
                    "authentic and complete: both parties signed, nothing was changed since, and both signers are confirmed ({})",
                    who.join("; ")
                )
            }
            VerdictCode::Authentic => {
                "authentic and complete: both parties signed, nothing was changed since, and you know both signers' keys".to_string()
            }
            VerdictCode::CompleteUnconfirmed => format!(
                "complete, valid signatures, but not confirmed who signed: you have not verified the key of {}",
                unconfirmed()
            ),
            VerdictCode::AwaitingCountersignature => {
                format!("authentic, awaiting countersignature by the {awaiting}")
            }
            VerdictCode::AwaitingUnconfirmed => format!(
                "valid signature, awaiting countersignature by the {awaiting}, but not confirmed who signed: you have not verified the key of {}",
                unconfirmed()
            ),
            VerdictCode::Unsigned => "not signed by anyone".to_string(),
            VerdictCode::ArchiveMismatch => "the agreement inside is valid, but this file is none of the exemplars your archive holds of it".to_string(),
            VerdictCode::Altered => format!(
                "INVALID: {}",
                self.first_problem
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "unknown problem".to_string())
            ),
            VerdictCode::NotTweevoud => "not a Tweevoud agreement file".to_string(),
        }
    }
}

/// Judges the file with these bytes.
pub fn judge(bytes: &[u8], ctx: &Context<'_>) -> Judgement {
    let contents = match open::read(bytes) {
        Ok(c) => c,
        Err(u) => return Judgement::unreadable(u.kind, u.reason()),
    };
    let judgement = Judgement::of_contents(contents, ctx);
    #[cfg(feature = "fs")]
    if let Some(dir) = ctx.archive {
        return judgement.archived(dir, bytes);
    }
    judgement
}

/// Judges an agreement held in memory (the app's agreement being worked on), as if it were
/// read again from the file it came from: its agreement file, or the exemplar PDF whose check
/// is `pdf`. The archive is not asked.
pub fn judge_agreement(
    agreement: &Agreement,
    pdf: Option<&ExemplarCheck>,
    ctx: &Context<'_>,
) -> Judgement {
    let contents = Contents {
        kind: match pdf {
            Some(_) => FileKind::Exemplar,
            None => FileKind::AgreementFile,
        },
        verification: crate::verify::verify(agreement),
        agreement: agreement.clone(),
        pdf: pdf.cloned(),
    };
    Judgement::of_contents(contents, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::Known;
    use crate::test_support::key;
    use crate::verify::SignatureCheck;

    pub(super) fn check(public_key: String) -> SignatureCheck {
        SignatureCheck {
            index: 0,
            role: Party::Provider,
            name: "Tom Hendrix".into(),
            function: String::new(),
            organisation: String::new(),
            time: "2026-11-23T10:00:00+01:00".into(),
            fingerprint: String::new(),
            public_key,
            valid: true,
            problems: Vec::new(),
            timestamps: Vec::new(),
        }
    }

    #[test]
    fn a_stated_time_far_from_the_attested_one_is_noted() {
        let stated = "2026-11-23T10:00:00+01:00";
        assert!(TimeNote::of(stated, "2026-11-23T10:05:00+01:00").is_empty());
        assert!(TimeNote::of(stated, "2026-11-23T09:55:00+01:00").is_empty());
        let notes = TimeNote::of(stated, "2026-11-23T08:00:00+00:00");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code(), "stated_after_timestamp");
        assert_eq!(crate::error::params_map(&notes[0])["minutes"], "60");
        let notes = TimeNote::of(stated, "2026-11-26T10:00:00+01:00");
        assert_eq!(notes[0].code(), "timestamped_later");
        assert_eq!(crate::error::params_map(&notes[0])["hours"], "72");
        let all = [
            TimeNote::of(stated, "2026-11-23T08:00:00+00:00").remove(0),
            TimeNote::of(stated, "2026-11-26T10:00:00+01:00").remove(0),
        ];
        let coded: Vec<&dyn Coded> = all.iter().map(|n| n as &dyn Coded).collect();
        crate::error::assert_codes(&coded, TimeNote::CODES);
    }

    #[test]
    fn without_a_keyring_nobody_is_known() {
        let unknown = SignerTrust::of(None, &check(key(1).to_base64()));
        assert_eq!(unknown.status, TrustStatus::Unknown);
        assert!(!unknown.confirmed);
        assert_eq!(unknown.fingerprint, key(1).fingerprint().to_string());
        let empty = Known::default();
        assert_eq!(
            SignerTrust::of(Some(&empty), &check(key(1).to_base64())),
            unknown
        );
        let unreadable = SignerTrust::of(Some(&empty), &check("not a key".into()));
        assert_eq!(unreadable.fingerprint, "");
        assert_eq!(unreadable.description, "a key that cannot be read");
    }

    /// An untrusted token attests nothing, so its time is not set against the stated one:
    /// anyone can make a token with any time and add it to a file (docs/format.md).
    #[test]
    fn time_notes_are_for_a_trusted_token_only() {
        let token = include_bytes!("../tests/vectors/dpa-complete.signature-0.tsr");
        let manifest: serde_json::Value =
            serde_json::from_str(include_str!("../tests/vectors/vectors.json")).unwrap();
        let signature = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            manifest["signatures"][0]["signature_base64"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        let attested = crate::timestamp::check_token(token, &signature, &[]).unwrap();
        // A stated time years after the attested one: noted, when the TSA is trusted.
        let stated = "2099-01-01T00:00:00+00:00";
        let stamped = Stamped::of(&attested, stated);
        let anchor =
            crate::timestamp::Anchor::from_bytes(include_bytes!("../tests/vectors/tsa-ca.pem"))
                .unwrap();
        let trusted = judged_timestamp(&stamped, Some(stated), &[anchor]);
        assert!(trusted.trusted);
        assert_eq!(trusted.notes.len(), 1);
        assert_eq!(trusted.notes[0].code(), "stated_after_timestamp");
        let untrusted = judged_timestamp(&stamped, Some(stated), &[]);
        assert!(!untrusted.trusted);
        assert!(untrusted.notes.is_empty(), "{:?}", untrusted.notes);
    }
}
