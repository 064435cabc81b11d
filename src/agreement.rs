//! Agreements: a template, the values filled in so far (each with the party that filled it),
//! the signatures, and an audit trail; and the agreement file that carries them.
//!
//! An agreement is always read whole and checked on the way in: a value that is not in its
//! kind's normal form, a blank the template does not have, a template whose hash does not match
//! its text, are refused with the blank or field named. The byte-exact file format is
//! specified in `docs/format.md`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::{Deserialize, Serialize};

use crate::canonical::{sha256_hex, tagged_hash_without};
use crate::error::{param, with_params, Coded, Params};
use crate::key::Fingerprint;
use crate::kind::Problem;
use crate::party::{Party, PARTIES};
use crate::render;
pub use crate::signature::Filled;
use crate::signature::SignatureRecord;
use crate::template::Detail;
use crate::template::{Template, TemplateError, MAX_BLANKS};

/// The `format` of an agreement file whose signatures carry no timestamps (every file made
/// before timestamps existed, and every file without one since).
pub const FORMAT: &str = "tweevoud-agreement/1";
/// The `format` of an agreement file in which some signature carries trusted timestamps
/// (`timestamps` in its record) or its key's eID binding (`eid_binding`). A reader of `/1`
/// refuses it, as it should: it cannot check them.
pub const FORMAT_2: &str = "tweevoud-agreement/2";
/// The most timestamps one signature carries.
pub const MAX_TIMESTAMPS: usize = 4;

/// Domain tag of an audit entry's hash.
pub const AUDIT_TAG: &str = "tweevoud-audit/1";

/// Largest agreement file read, in bytes.
pub const MAX_AGREEMENT_BYTES: u64 = 8 << 20;

/// Most signature records a file holds (two parties sign; a few more are still read, so that
/// verification can say what is wrong with them), and most `previous_signatures` a statement
/// names.
pub const MAX_SIGNATURES: usize = 4;

/// Most entries of an audit trail. Filling and clearing stop two entries short of it, so that
/// both parties can still sign.
pub const MAX_AUDIT_ENTRIES: usize = 10_000;

/// What happened, in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditEvent {
    /// The agreement was created from its template (defaults applied).
    Created,
    /// Blanks were filled or changed.
    Filled,
    /// Blanks were emptied again.
    Cleared,
    /// A party signed.
    Signed,
}

impl AuditEvent {
    /// The event's code, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEvent::Created => "created",
            AuditEvent::Filled => "filled",
            AuditEvent::Cleared => "cleared",
            AuditEvent::Signed => "signed",
        }
    }
}

/// One entry of the audit trail. Entries are chained: each carries the hash of the one
/// before, and its own hash over everything else it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// Position in the trail, from 0.
    pub seq: u64,
    /// When, RFC 3339 with offset.
    pub time: String,
    /// What happened.
    pub event: AuditEvent,
    /// Who did it.
    pub party: Party,
    /// The blanks concerned (filled, cleared, or set at creation); always written, `[]` when
    /// none (a missing member is refused: the hash covers the entry as stored).
    pub blanks: Vec<String>,
    /// SHA-256 of the rendered text after the event.
    pub text_sha256: String,
    /// Hash of the signature made, for a `signed` event; absent otherwise (never `null`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::canonical::present"
    )]
    pub signature_sha256: Option<String>,
    /// Hash of the previous entry; absent for the first (never `null`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::canonical::present"
    )]
    pub prev: Option<String>,
    /// `SHA-256(AUDIT_TAG || LF || JCS(entry without "hash"))`, hex.
    pub hash: String,
}

/// The template as carried inside an agreement file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateRecord {
    id: String,
    sha256: String,
    text: String,
}

/// The agreement file as it is on disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementFile {
    format: String,
    template: TemplateRecord,
    values: Vec<Filled>,
    signatures: Vec<SignatureRecord>,
    audit: Vec<AuditEntry>,
}

impl AgreementFile {
    /// Holds every list the file carries to its cap (`docs/format.md`, "Limits"), before any
    /// other check: what verification does with a list then costs in proportion to the file.
    fn check_counts(&self) -> Result<(), AgreementError> {
        let cap = |what: &'static str, found: usize, max: usize| {
            if found > max {
                Err(AgreementError::TooMany { what, found, max })
            } else {
                Ok(())
            }
        };
        cap("values", self.values.len(), MAX_BLANKS)?;
        cap("signatures", self.signatures.len(), MAX_SIGNATURES)?;
        for record in &self.signatures {
            let st = &record.statement;
            cap("a statement's values", st.values.len(), MAX_BLANKS)?;
            cap("a statement's open blanks", st.open.len(), MAX_BLANKS)?;
            cap(
                "a statement's previous signatures",
                st.previous_signatures.len(),
                MAX_SIGNATURES,
            )?;
        }
        cap("audit", self.audit.len(), MAX_AUDIT_ENTRIES)?;
        for entry in &self.audit {
            cap("an audit entry's blanks", entry.blanks.len(), MAX_BLANKS)?;
        }
        Ok(())
    }
}

/// An agreement: a template and what has been filled in.
#[derive(Debug, Clone)]
pub struct Agreement {
    template: Template,
    values: BTreeMap<String, Filled>,
    signatures: Vec<SignatureRecord>,
    audit: Vec<AuditEntry>,
}

/// What is still open in an agreement, per party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The party.
    pub party: Party,
    /// Required blanks of this party not yet filled.
    pub required: Vec<String>,
    /// Optional blanks of this party not yet filled.
    pub optional: Vec<String>,
    /// Required blanks the program fills when this party signs.
    pub automatic: Vec<String>,
}

/// An agreement could not be read, written or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AgreementError {
    /// Reading the file failed.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing the file failed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A problem in a given file.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// The problem.
        source: Box<AgreementError>,
    },
    /// A list of the file holds more entries than it may (`docs/format.md`, "Limits"); or a
    /// change would make the audit trail longer than [`MAX_AUDIT_ENTRIES`].
    #[error("{what} holds {found} entries; at most {max} are allowed")]
    TooMany {
        /// Which list, in words.
        what: &'static str,
        /// How many entries it holds (or would hold).
        found: usize,
        /// The cap.
        max: usize,
    },
    /// Larger than [`MAX_AGREEMENT_BYTES`].
    #[error(
        "the file is larger than {} bytes; an agreement file is far smaller",
        MAX_AGREEMENT_BYTES
    )]
    TooLarge,
    /// Not JSON, or JSON of the wrong shape.
    #[error("not a valid agreement file: {0}")]
    Json(String),
    /// A format this program does not read.
    #[error("format {0:?} is not supported (this program reads {FORMAT:?} and {FORMAT_2:?})")]
    UnsupportedFormat(String),
    /// A timestamp to add does not hold for the signature.
    #[error("the timestamp of {signer}'s signature is refused: {problem}")]
    Timestamp {
        /// The signatory whose signature it stamps.
        signer: String,
        /// Why.
        problem: crate::timestamp::TokenProblem,
    },
    /// The time to record is not one an agreement file can carry (verification would refuse
    /// it): a year outside 0001–9999, or an offset of more than 23:59.
    #[error("the time {0} cannot be recorded: an agreement's times have a year from 0001 to 9999 and an offset of at most 23:59 (is this computer's clock right?)")]
    BadTime(String),
    /// Signing at a time before the last signature's (verification would refuse it).
    #[error("the signing time {time} is before the last signature's, {previous} (is this computer's clock right?)")]
    BeforePreviousSignature {
        /// The signing time.
        time: String,
        /// The last signature's time.
        previous: String,
    },
    /// The signature carries as many timestamps as it may.
    #[error("{signer}'s signature carries {max} timestamps already")]
    TooManyTimestamps {
        /// The signatory.
        signer: String,
        /// [`MAX_TIMESTAMPS`].
        max: usize,
    },
    /// The embedded template's hash does not match its text.
    #[error("the embedded template was changed: its text hashes to {actual}, but the file says {recorded}")]
    TemplateHash {
        /// What the file says.
        recorded: String,
        /// What the text hashes to.
        actual: String,
    },
    /// The embedded template's id does not match its text.
    #[error("the embedded template's id {recorded:?} does not match its text ({actual:?})")]
    TemplateId {
        /// What the file says.
        recorded: String,
        /// What the text says.
        actual: String,
    },
    /// The embedded template does not parse.
    #[error("the embedded template is not valid: {0}")]
    Template(#[from] TemplateError),
    /// A value names a blank the template does not have.
    #[error("unknown blank {blank:?}: the template {template:?} has no such blank")]
    UnknownBlank {
        /// The blank named.
        blank: String,
        /// The template.
        template: String,
    },
    /// Two values for one blank.
    #[error("blank {0:?} has two values")]
    DuplicateValue(String),
    /// A value is not valid for its blank.
    #[error("blank {blank} ({label}): {value:?} is refused: {problem}")]
    InvalidValue {
        /// The blank.
        blank: String,
        /// Its label in the template's language.
        label: String,
        /// The value as given.
        value: String,
        /// Why.
        problem: Problem,
    },
    /// `--set` without `=`.
    #[error("{0:?} is not BLANK=VALUE")]
    BadAssignment(String),
    /// A value that a signature covers cannot change.
    #[error("blank {blank} cannot be changed: {signer} signed it")]
    Signed {
        /// The blank.
        blank: String,
        /// Who signed it, in words.
        signer: String,
    },
    /// After a signature, a blank may only be filled by the party it was left open for.
    #[error("blank {blank} was not left open for the {party} when the agreement was signed")]
    NotOpen {
        /// The blank.
        blank: String,
        /// Who tried.
        party: Party,
    },
    /// A party that signed cannot fill in any more.
    #[error("the {0} has already signed")]
    AlreadySigned(Party),
    /// The signer's own required blanks are not all filled.
    #[error("the {party} must fill its own blanks before signing: {}", blanks.join(", "))]
    OwnBlanksMissing {
        /// The signing party.
        party: Party,
        /// The empty blanks.
        blanks: Vec<String>,
    },
    /// The other party's required blanks are empty and the signer did not say to leave them open.
    #[error("the {party}'s blanks are empty: {}; fill them, or leave them open for the {party}", blanks.join(", "))]
    MustLeaveOpen {
        /// The other party.
        party: Party,
        /// The empty blanks.
        blanks: Vec<String>,
    },
    /// Blanks can only be left open for a party that has not signed.
    #[error("blanks can only be left open for the other party, which has not signed yet")]
    CannotLeaveOpen,
    /// The key's owner is not the signatory the agreement names.
    #[error("the key belongs to {key_owner}, but the agreement names {signatory} as the {party}'s signatory")]
    WrongSignatory {
        /// The signing party.
        party: Party,
        /// The name in the key.
        key_owner: String,
        /// The name in the agreement.
        signatory: String,
    },
    /// A party detail needed for the signature is empty.
    #[error("the {party}'s {detail} is not filled in")]
    DetailMissing {
        /// The party.
        party: Party,
        /// Which detail.
        detail: &'static str,
    },
}

impl AgreementError {
    /// Every code of [`AgreementError`]'s own variants (one in a file gives its source's), so
    /// that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "read_failed",
        "write_failed",
        "too_large",
        "not_an_agreement",
        "unsupported_format",
        "template_hash_mismatch",
        "template_id_mismatch",
        "embedded_template_invalid",
        "unknown_blank",
        "duplicate_value",
        "invalid_value",
        "bad_assignment",
        "blank_signed",
        "blank_not_open",
        "already_signed",
        "own_blanks_missing",
        "must_leave_open",
        "cannot_leave_open",
        "wrong_signatory",
        "detail_missing",
        "too_many_timestamps",
        "bad_time",
        "before_previous_signature",
        "too_many_entries",
    ];
}

/// Parameters: `path`, `max` (bytes), `found`, `recorded` and `actual`, `blank`, `template`,
/// `label`, `value`, `problem` (the [`Problem`]'s code; its parameters follow), `signer`,
/// `party` (`provider`, `customer`), `blanks` (joined by ", "), `key_owner`, `signatory`,
/// `detail` (a party detail, or English words), `cause` (the code of an embedded template's
/// problem), `time` and `previous` (times, RFC 3339).
impl Coded for AgreementError {
    fn code(&self) -> &'static str {
        match self {
            AgreementError::Read { .. } => "read_failed",
            AgreementError::Write { .. } => "write_failed",
            AgreementError::InFile { source, .. } => source.code(),
            AgreementError::TooLarge => "too_large",
            AgreementError::TooMany { .. } => "too_many_entries",
            AgreementError::Json(_) => "not_an_agreement",
            AgreementError::UnsupportedFormat(_) => "unsupported_format",
            AgreementError::TemplateHash { .. } => "template_hash_mismatch",
            AgreementError::TemplateId { .. } => "template_id_mismatch",
            AgreementError::Template(_) => "embedded_template_invalid",
            AgreementError::UnknownBlank { .. } => "unknown_blank",
            AgreementError::DuplicateValue(_) => "duplicate_value",
            AgreementError::InvalidValue { .. } => "invalid_value",
            AgreementError::BadAssignment(_) => "bad_assignment",
            AgreementError::Signed { .. } => "blank_signed",
            AgreementError::NotOpen { .. } => "blank_not_open",
            AgreementError::AlreadySigned(_) => "already_signed",
            AgreementError::OwnBlanksMissing { .. } => "own_blanks_missing",
            AgreementError::MustLeaveOpen { .. } => "must_leave_open",
            AgreementError::CannotLeaveOpen => "cannot_leave_open",
            AgreementError::WrongSignatory { .. } => "wrong_signatory",
            AgreementError::DetailMissing { .. } => "detail_missing",
            AgreementError::Timestamp { problem, .. } => problem.code(),
            AgreementError::TooManyTimestamps { .. } => "too_many_timestamps",
            AgreementError::BadTime(_) => "bad_time",
            AgreementError::BeforePreviousSignature { .. } => "before_previous_signature",
        }
    }

    fn params(&self) -> Params {
        match self {
            AgreementError::Read { path, source } | AgreementError::Write { path, source } => {
                vec![param("path", path.display()), param("detail", source)]
            }
            AgreementError::InFile { path, source } => {
                with_params(vec![param("path", path.display())], source.as_ref())
            }
            AgreementError::TooLarge => vec![param("max", MAX_AGREEMENT_BYTES)],
            AgreementError::TooMany { what, found, max } => vec![
                param("what", what),
                param("found", found),
                param("max", max),
            ],
            AgreementError::Json(detail) => vec![param("detail", detail)],
            AgreementError::UnsupportedFormat(found) => vec![param("found", found)],
            AgreementError::Timestamp { signer, problem } => {
                with_params(vec![param("signer", signer)], problem)
            }
            AgreementError::TooManyTimestamps { signer, max } => {
                vec![param("signer", signer), param("max", max)]
            }
            AgreementError::TemplateHash { recorded, actual }
            | AgreementError::TemplateId { recorded, actual } => {
                vec![param("recorded", recorded), param("actual", actual)]
            }
            AgreementError::Template(e) => with_params(vec![param("cause", e.code())], e),
            AgreementError::UnknownBlank { blank, template } => {
                vec![param("blank", blank), param("template", template)]
            }
            AgreementError::DuplicateValue(blank) => vec![param("blank", blank)],
            AgreementError::InvalidValue {
                blank,
                label,
                value,
                problem,
            } => with_params(
                vec![
                    param("blank", blank),
                    param("label", label),
                    param("value", value),
                    param("problem", problem.code()),
                ],
                problem,
            ),
            AgreementError::BadAssignment(found) => vec![param("found", found)],
            AgreementError::Signed { blank, signer } => {
                vec![param("blank", blank), param("signer", signer)]
            }
            AgreementError::NotOpen { blank, party } => {
                vec![param("blank", blank), param("party", party)]
            }
            AgreementError::AlreadySigned(party) => vec![param("party", party)],
            AgreementError::OwnBlanksMissing { party, blanks }
            | AgreementError::MustLeaveOpen { party, blanks } => {
                vec![param("party", party), param("blanks", blanks.join(", "))]
            }
            AgreementError::CannotLeaveOpen => Vec::new(),
            AgreementError::WrongSignatory {
                party,
                key_owner,
                signatory,
            } => vec![
                param("party", party),
                param("key_owner", key_owner),
                param("signatory", signatory),
            ],
            AgreementError::DetailMissing { party, detail } => {
                vec![param("party", party), param("detail", detail)]
            }
            AgreementError::BadTime(time) => vec![param("time", time)],
            AgreementError::BeforePreviousSignature { time, previous } => {
                vec![param("time", time), param("previous", previous)]
            }
        }
    }
}

impl Agreement {
    /// Starts an agreement from a template. Blanks with a default get it, recorded as filled
    /// by `creator` (the party preparing the agreement, who may still change them).
    pub fn new(template: Template, creator: Party, now: DateTime<FixedOffset>) -> Agreement {
        let mut values = BTreeMap::new();
        for blank in template.blanks() {
            if let Some(default) = &blank.default {
                values.insert(
                    blank.id.clone(),
                    Filled {
                        blank: blank.id.clone(),
                        value: default.clone(),
                        filled_by: creator,
                    },
                );
            }
        }
        let mut agreement = Agreement {
            template,
            values,
            signatures: Vec::new(),
            audit: Vec::new(),
        };
        let set: Vec<String> = agreement.values().iter().map(|f| f.blank.clone()).collect();
        agreement.record(now, AuditEvent::Created, creator, set, None);
        agreement
    }

    /// The template.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The value of a blank, if filled.
    pub fn value(&self, blank: &str) -> Option<&str> {
        self.values.get(blank).map(|f| f.value.as_str())
    }

    /// The filled values, in template order.
    pub fn values(&self) -> Vec<&Filled> {
        self.template
            .blanks()
            .iter()
            .filter_map(|b| self.values.get(&b.id))
            .collect()
    }

    /// The audit trail.
    pub fn audit(&self) -> &[AuditEntry] {
        &self.audit
    }

    /// Checks `raw` for `blank` and returns its normal form, without changing anything.
    pub fn check_value(&self, blank: &str, raw: &str) -> Result<String, AgreementError> {
        let b = self
            .template
            .blank(blank)
            .ok_or_else(|| AgreementError::UnknownBlank {
                blank: blank.to_string(),
                template: self.template.id().to_string(),
            })?;
        b.kind
            .normalize(raw)
            .map_err(|problem| AgreementError::InvalidValue {
                blank: blank.to_string(),
                label: b.label.get(self.template.language()).to_string(),
                value: raw.to_string(),
                problem,
            })
    }

    /// Fills blanks as `party`, by the rules of [`Agreement::may_change`]. Every value is
    /// checked first; if any is refused, nothing changes. The agreement's intactness is
    /// checked by the public [`Agreement::fill`] (`crate::signing`), which calls this.
    pub(crate) fn apply_fill(
        &mut self,
        party: Party,
        assignments: &[(String, String)],
        now: DateTime<FixedOffset>,
    ) -> Result<(), AgreementError> {
        recorded_time(now)?;
        self.room_for_change()?;
        let mut checked = Vec::with_capacity(assignments.len());
        for (blank, raw) in assignments {
            let value = self.check_value(blank, raw)?;
            self.check_may_change(party, blank)?;
            checked.push((blank.clone(), value));
        }
        let mut changed = Vec::new();
        for (blank, value) in checked {
            let same = self.values.get(&blank).is_some_and(|f| f.value == value);
            if !same {
                // A blank set twice in one fill is one change (an entry names it once).
                if !changed.contains(&blank) {
                    changed.push(blank.clone());
                }
                self.values.insert(
                    blank.clone(),
                    Filled {
                        blank: blank.clone(),
                        value,
                        filled_by: party,
                    },
                );
            }
        }
        if !changed.is_empty() {
            self.record(now, AuditEvent::Filled, party, changed, None);
        }
        Ok(())
    }

    /// Empties blanks again, as `party`, by the rules of [`Agreement::may_change`] (see
    /// [`Agreement::apply_fill`]).
    pub(crate) fn apply_clear(
        &mut self,
        party: Party,
        blanks: &[String],
        now: DateTime<FixedOffset>,
    ) -> Result<(), AgreementError> {
        recorded_time(now)?;
        self.room_for_change()?;
        for blank in blanks {
            if self.template.blank(blank).is_none() {
                return Err(AgreementError::UnknownBlank {
                    blank: blank.clone(),
                    template: self.template.id().to_string(),
                });
            }
            self.check_may_change(party, blank)?;
        }
        let cleared: Vec<String> = blanks
            .iter()
            .filter(|b| self.values.remove(b.as_str()).is_some())
            .cloned()
            .collect();
        if !cleared.is_empty() {
            self.record(now, AuditEvent::Cleared, party, cleared, None);
        }
        Ok(())
    }

    /// Refuses a fill or clear that would take one of the last entries of the audit trail
    /// ([`MAX_AUDIT_ENTRIES`]): those are kept for the signatures, so that a file this program
    /// writes never holds more than a reader accepts, and can always still be signed.
    fn room_for_change(&self) -> Result<(), AgreementError> {
        let max = MAX_AUDIT_ENTRIES - PARTIES.len();
        if self.audit.len() >= max {
            return Err(AgreementError::TooMany {
                what: "the audit trail",
                found: self.audit.len() + 1,
                max,
            });
        }
        Ok(())
    }

    /// Refuses a signature that would make the audit trail longer than a reader accepts.
    pub(crate) fn room_for_signature(&self) -> Result<(), AgreementError> {
        if self.signatures.len() >= MAX_SIGNATURES {
            return Err(AgreementError::TooMany {
                what: "signatures",
                found: self.signatures.len() + 1,
                max: MAX_SIGNATURES,
            });
        }
        if self.audit.len() >= MAX_AUDIT_ENTRIES {
            return Err(AgreementError::TooMany {
                what: "the audit trail",
                found: self.audit.len() + 1,
                max: MAX_AUDIT_ENTRIES,
            });
        }
        Ok(())
    }

    /// The signatures, in the order they were made.
    pub fn signatures(&self) -> &[SignatureRecord] {
        &self.signatures
    }

    /// The first party, in template order, that has not signed: who acts next by default.
    pub fn next_signer(&self) -> Option<Party> {
        PARTIES.into_iter().find(|&p| !self.has_signed(p))
    }

    /// Whether `party` has signed.
    pub fn has_signed(&self, party: Party) -> bool {
        self.signatures
            .iter()
            .any(|s| s.statement.signer.role == party)
    }

    /// Whether `party` may change `blank` now: any blank of the template before anyone signed;
    /// after a signature, only a blank the last signer left open for `party` that no signature
    /// covers, and only while `party` has not signed. The refusal says which rule holds it
    /// back. [`Agreement::fill`] and [`Agreement::clear`] enforce this rule.
    pub fn may_change(&self, party: Party, blank: &str) -> Result<(), AgreementError> {
        if self.template.blank(blank).is_none() {
            return Err(AgreementError::UnknownBlank {
                blank: blank.to_string(),
                template: self.template.id().to_string(),
            });
        }
        self.check_may_change(party, blank)
    }

    /// The blanks `party` may change now, in template order (see [`Agreement::may_change`]).
    pub fn editable(&self, party: Party) -> Vec<String> {
        self.template
            .blanks()
            .iter()
            .filter(|b| self.check_may_change(party, &b.id).is_ok())
            .map(|b| b.id.clone())
            .collect()
    }

    /// Which side the holder of the keys `own_keys` acts for in this agreement: the party that
    /// has not signed yet, unless one of those keys already made a signature on it (then the
    /// holder signed for their side and waits for the other party, who fills in with their
    /// own keys: `None`). `None` too once both parties signed.
    pub fn acting_party(&self, own_keys: &[Fingerprint]) -> Option<Party> {
        let signed_here = self.signatures.iter().any(|s| {
            s.statement
                .fingerprint()
                .is_ok_and(|f| own_keys.iter().any(|k| k.as_bytes() == &f))
        });
        if signed_here {
            None
        } else {
            self.next_signer()
        }
    }

    /// After a signature, only blanks the last signer left open for `party` may change, and
    /// only while `party` has not signed.
    fn check_may_change(&self, party: Party, blank: &str) -> Result<(), AgreementError> {
        let Some(last) = self.signatures.last() else {
            return Ok(());
        };
        if self.has_signed(party) {
            return Err(AgreementError::AlreadySigned(party));
        }
        if let Some(record) = self
            .signatures
            .iter()
            .find(|s| s.statement.values.iter().any(|v| v.blank == blank))
        {
            return Err(AgreementError::Signed {
                blank: blank.to_string(),
                signer: record.statement.signer.name.clone(),
            });
        }
        if !last
            .statement
            .open
            .iter()
            .any(|o| o.blank == blank && o.party == party)
        {
            return Err(AgreementError::NotOpen {
                blank: blank.to_string(),
                party,
            });
        }
        Ok(())
    }

    /// The value of a party detail (fixed, or the blank's value).
    pub fn detail(&self, detail: &Detail) -> Option<String> {
        match detail {
            Detail::Fixed(s) => Some(s.clone()),
            Detail::Blank(id) => self.value(id).map(str::to_string),
        }
    }

    /// What is still open, per party (provider first).
    pub fn missing(&self) -> Vec<Missing> {
        PARTIES
            .iter()
            .map(|&party| {
                let mut m = Missing {
                    party,
                    required: Vec::new(),
                    optional: Vec::new(),
                    automatic: Vec::new(),
                };
                for b in self.template.blanks().iter().filter(|b| b.party == party) {
                    if self.values.contains_key(&b.id) {
                        continue;
                    }
                    if b.auto.is_some() && b.required {
                        m.automatic.push(b.id.clone());
                    } else if b.required {
                        m.required.push(b.id.clone());
                    } else {
                        m.optional.push(b.id.clone());
                    }
                }
                m
            })
            .collect()
    }

    /// Whether every required blank is filled.
    pub fn is_filled(&self) -> bool {
        self.template
            .blanks()
            .iter()
            .all(|b| !b.required || self.values.contains_key(&b.id))
    }

    /// The canonical text with the values filled in so far.
    pub fn render_text(&self) -> String {
        render::render_text(&self.template, |id| self.value(id))
    }

    /// SHA-256 of [`Agreement::render_text`], hex.
    pub fn text_sha256(&self) -> String {
        sha256_hex(self.render_text().as_bytes())
    }

    /// Appends an audit entry for `event`, chained to the last one.
    pub(crate) fn record(
        &mut self,
        now: DateTime<FixedOffset>,
        event: AuditEvent,
        party: Party,
        blanks: Vec<String>,
        signature_sha256: Option<String>,
    ) {
        let mut entry = AuditEntry {
            seq: self.audit.len() as u64,
            time: now.to_rfc3339_opts(SecondsFormat::Secs, false),
            event,
            party,
            blanks,
            text_sha256: self.text_sha256(),
            signature_sha256,
            prev: self.audit.last().map(|e| e.hash.clone()),
            hash: String::new(),
        };
        entry.hash = audit_hash(&entry);
        self.audit.push(entry);
    }

    /// Adds a trusted timestamp (an RFC 3161 token, DER) to signature `index`: it must hold
    /// for that signature's bytes (`crate::timestamp::check_token`, whatever TSA made it:
    /// whether the TSA is trusted is for the verifier to say), and not be there already. The
    /// signatures and the audit trail stay as they are: a timestamp is evidence about a
    /// signature, not part of it. Returns whether it was added (`false`: it was there).
    pub fn add_timestamp(&mut self, index: usize, token: &[u8]) -> Result<bool, AgreementError> {
        let Some(record) = self.signatures.get_mut(index) else {
            return Ok(false);
        };
        let signer = record.statement.signer.name.clone();
        let bytes = record
            .signature_bytes()
            .ok_or_else(|| AgreementError::Timestamp {
                signer: signer.clone(),
                problem: crate::timestamp::TokenProblem::Imprint {
                    reason: "the signature it would stamp is malformed".into(),
                },
            })?;
        crate::timestamp::check_token(token, &bytes, &[]).map_err(|problem| {
            AgreementError::Timestamp {
                signer: signer.clone(),
                problem,
            }
        })?;
        let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, token);
        if record.timestamps.iter().any(|t| t.token == encoded) {
            return Ok(false);
        }
        if record.timestamps.len() >= MAX_TIMESTAMPS {
            return Err(AgreementError::TooManyTimestamps {
                signer,
                max: MAX_TIMESTAMPS,
            });
        }
        record
            .timestamps
            .push(crate::signature::TimestampRecord { token: encoded });
        Ok(true)
    }

    /// Takes out every trusted timestamp (what copies of one version that differ only in them
    /// share).
    pub fn strip_timestamps(&mut self) {
        for record in &mut self.signatures {
            record.timestamps.clear();
        }
    }

    /// Appends a signature just made, with its `signed` audit entry.
    pub(crate) fn push_signature(&mut self, record: SignatureRecord, now: DateTime<FixedOffset>) {
        let role = record.statement.signer.role;
        let record_hash = record.record_hash();
        self.signatures.push(record);
        self.record(now, AuditEvent::Signed, role, Vec::new(), Some(record_hash));
    }

    /// The agreement file's bytes: pretty-printed JSON, UTF-8, ending in LF.
    pub fn to_json(&self) -> String {
        let stamped = self
            .signatures
            .iter()
            .any(|s| !s.timestamps.is_empty() || s.eid_binding.is_some());
        let file = AgreementFile {
            format: if stamped { FORMAT_2 } else { FORMAT }.to_string(),
            template: TemplateRecord {
                id: self.template.id().to_string(),
                sha256: self.template.sha256_hex(),
                text: self.template.canonical_text().to_string(),
            },
            values: self.values().into_iter().cloned().collect(),
            signatures: self.signatures.clone(),
            audit: self.audit.clone(),
        };
        let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads an agreement from the text of an agreement file, checking everything.
    pub fn from_json(text: &str) -> Result<Agreement, AgreementError> {
        if text.len() as u64 > MAX_AGREEMENT_BYTES {
            return Err(AgreementError::TooLarge);
        }
        let file: AgreementFile =
            serde_json::from_str(text).map_err(|e| AgreementError::Json(e.to_string()))?;
        if file.format != FORMAT && file.format != FORMAT_2 {
            return Err(AgreementError::UnsupportedFormat(file.format));
        }
        file.check_counts()?;
        for record in &file.signatures {
            if file.format == FORMAT && !record.timestamps.is_empty() {
                return Err(AgreementError::Json(format!(
                    "a signature carries timestamps, which a {FORMAT} file does not have"
                )));
            }
            if record.timestamps.len() > MAX_TIMESTAMPS {
                return Err(AgreementError::Json(format!(
                    "a signature carries more than {MAX_TIMESTAMPS} timestamps"
                )));
            }
            if let Some(binding) = &record.eid_binding {
                if file.format == FORMAT {
                    return Err(AgreementError::Json(format!(
                        "a signature carries an eID binding, which a {FORMAT} file does not have"
                    )));
                }
                binding
                    .check_limits()
                    .map_err(|e| AgreementError::Json(format!("a signature's eID binding: {e}")))?;
            }
        }
        let actual = sha256_hex(file.template.text.as_bytes());
        if actual != file.template.sha256 {
            return Err(AgreementError::TemplateHash {
                recorded: file.template.sha256,
                actual,
            });
        }
        let template = Template::parse(&file.template.text)?;
        if template.canonical_text() != file.template.text {
            return Err(AgreementError::Json(
                "the embedded template is not in canonical form".to_string(),
            ));
        }
        if template.id() != file.template.id {
            return Err(AgreementError::TemplateId {
                recorded: file.template.id,
                actual: template.id().to_string(),
            });
        }
        let mut agreement = Agreement {
            template,
            values: BTreeMap::new(),
            signatures: file.signatures,
            audit: file.audit,
        };
        let stored_order: Vec<String> = file.values.iter().map(|f| f.blank.clone()).collect();
        for filled in file.values {
            let normal = agreement.check_value(&filled.blank, &filled.value)?;
            // The normal form, or the form an earlier version stored (kept as it was signed).
            let stored = normal == filled.value
                || agreement
                    .template
                    .blank(&filled.blank)
                    .is_some_and(|b| b.kind.is_stored_form(&filled.value));
            if !stored {
                return Err(AgreementError::Json(format!(
                    "blank {:?}: the stored value {:?} is not in normal form ({:?})",
                    filled.blank, filled.value, normal
                )));
            }
            if agreement.values.contains_key(&filled.blank) {
                return Err(AgreementError::DuplicateValue(filled.blank));
            }
            agreement.values.insert(filled.blank.clone(), filled);
        }
        // One agreement has one file: the values stand in the template's order.
        if stored_order
            != agreement
                .values()
                .iter()
                .map(|f| f.blank.clone())
                .collect::<Vec<_>>()
        {
            return Err(AgreementError::Json(
                "the values are not in the template's order".to_string(),
            ));
        }
        Ok(agreement)
    }
}

/// `now` as an agreement records it (RFC 3339, whole seconds), refused when verification would
/// refuse it as a time ([`crate::time::parse_time`]): signing and filling write only what
/// verifying accepts.
pub(crate) fn recorded_time(now: DateTime<FixedOffset>) -> Result<String, AgreementError> {
    let time = now.to_rfc3339_opts(SecondsFormat::Secs, false);
    match crate::time::parse_time(&time) {
        Some(_) => Ok(time),
        None => Err(AgreementError::BadTime(time)),
    }
}

/// The hash of an audit entry (its `hash` field is left out).
pub fn audit_hash(entry: &AuditEntry) -> String {
    hex::encode(tagged_hash_without(AUDIT_TAG, entry, &["hash"]))
}

/// Splits `BLANK=VALUE`.
pub fn parse_assignment(s: &str) -> Result<(String, String), AgreementError> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| AgreementError::BadAssignment(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::builtin;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap()
    }

    fn dpa() -> Agreement {
        Agreement::new(builtin().remove(0), Party::Provider, now())
    }

    #[test]
    fn defaults_are_filled_by_the_creator() {
        let a = dpa();
        assert_eq!(a.value("provider_signatory_name"), Some("Tom Hendrix"));
        assert_eq!(a.values()[0].filled_by, Party::Provider);
        assert_eq!(a.audit().len(), 1);
        assert_eq!(a.audit()[0].event, AuditEvent::Created);
    }

    #[test]
    fn fill_is_all_or_nothing() {
        let mut a = dpa();
        let err = a
            .apply_fill(
                Party::Customer,
                &[
                    ("customer_name".into(), "Acme NV".into()),
                    ("customer_enterprise_number".into(), "0821.588.021".into()),
                ],
                now(),
            )
            .unwrap_err();
        assert!(
            err.to_string().contains("customer_enterprise_number"),
            "{err}"
        );
        assert_eq!(a.value("customer_name"), None);
        assert_eq!(a.audit().len(), 1);
    }

    #[test]
    fn json_round_trip_keeps_everything() {
        let mut a = dpa();
        a.apply_fill(
            Party::Customer,
            &[("customer_address".into(), "Kerkstraat 1\n3600 Genk".into())],
            now(),
        )
        .unwrap();
        let b = Agreement::from_json(&a.to_json()).unwrap();
        assert_eq!(a.to_json(), b.to_json());
        assert_eq!(b.value("customer_address"), Some("Kerkstraat 1\n3600 Genk"));
        assert_eq!(
            b.audit()[1].prev.as_deref(),
            Some(a.audit()[0].hash.as_str())
        );
    }

    #[test]
    fn audit_entries_are_chained_and_hashed() {
        let mut a = dpa();
        a.apply_fill(
            Party::Provider,
            &[("customer_name".into(), "Acme NV".into())],
            now(),
        )
        .unwrap();
        for (i, e) in a.audit().iter().enumerate() {
            assert_eq!(e.seq, i as u64);
            assert_eq!(e.hash, audit_hash(e));
        }
        assert_eq!(a.audit()[1].text_sha256, a.text_sha256());
    }

    #[test]
    fn fail_tampered_template_text() {
        let json = dpa().to_json().replace("Hasselt", "Antwerpen");
        assert!(matches!(
            Agreement::from_json(&json),
            Err(AgreementError::TemplateHash { .. })
        ));
    }

    #[test]
    fn fail_value_not_in_normal_form() {
        let mut a = dpa();
        a.apply_fill(
            Party::Customer,
            &[("customer_enterprise_number".into(), "BE0821588020".into())],
            now(),
        )
        .unwrap();
        let json = a.to_json().replace("\"BE0821.588.020\"", "\"0821588020\"");
        let err = Agreement::from_json(&json).unwrap_err();
        assert!(err.to_string().contains("normal form"), "{err}");
    }

    #[test]
    fn a_value_in_the_form_an_earlier_version_stored_is_read_as_it_is() {
        let mut a = dpa();
        a.apply_fill(
            Party::Customer,
            &[("customer_enterprise_number".into(), "0821 588 020".into())],
            now(),
        )
        .unwrap();
        assert_eq!(
            a.value("customer_enterprise_number"),
            Some("BE0821.588.020")
        );
        let json = a
            .to_json()
            .replace("\"BE0821.588.020\"", "\"0821.588.020\"");
        let read = Agreement::from_json(&json).unwrap();
        assert_eq!(
            read.value("customer_enterprise_number"),
            Some("0821.588.020")
        );
        assert_eq!(read.to_json(), json);
    }

    #[test]
    fn fail_invalid_stored_value() {
        let mut a = dpa();
        a.apply_fill(
            Party::Customer,
            &[("customer_enterprise_number".into(), "0821.588.020".into())],
            now(),
        )
        .unwrap();
        let json = a
            .to_json()
            .replace("\"BE0821.588.020\"", "\"0821.588.021\"");
        let err = Agreement::from_json(&json).unwrap_err();
        assert!(
            matches!(&err, AgreementError::InvalidValue { blank, .. } if blank == "customer_enterprise_number"),
            "{err}"
        );
    }

    #[test]
    fn fail_unknown_blank_and_not_json() {
        let json = dpa()
            .to_json()
            .replace("\"provider_signatory_name\"", "\"ceo\"");
        assert!(matches!(
            Agreement::from_json(&json),
            Err(AgreementError::UnknownBlank { .. })
        ));
        assert!(matches!(
            Agreement::from_json("%PDF-1.7"),
            Err(AgreementError::Json(_))
        ));
    }

    #[test]
    fn fail_fill_and_clear_stop_short_of_the_audit_cap_and_a_reader_holds_to_it() {
        let mut a = dpa();
        let set = |v: &str| vec![("customer_name".to_string(), v.to_string())];
        // A blank set twice in one fill is named once.
        a.apply_fill(Party::Customer, &[set("A BV"), set("B BV")].concat(), now())
            .unwrap();
        assert_eq!(a.audit().last().unwrap().blanks, ["customer_name"]);
        let first = a.audit[0].clone();
        a.audit.resize(MAX_AUDIT_ENTRIES - PARTIES.len() - 1, first);
        a.apply_fill(Party::Customer, &set("C BV"), now()).unwrap();
        let full = a.audit.len();
        let err = a
            .apply_fill(Party::Customer, &set("D BV"), now())
            .unwrap_err();
        assert_eq!(err.code(), "too_many_entries");
        let err = a
            .apply_clear(Party::Customer, &["customer_name".to_string()], now())
            .unwrap_err();
        assert_eq!(err.code(), "too_many_entries");
        assert_eq!(
            (a.audit.len(), a.value("customer_name")),
            (full, Some("C BV"))
        );
        // Two signatures still fit; the reader reads the cap and refuses one more.
        a.audit.resize(MAX_AUDIT_ENTRIES, a.audit[0].clone());
        assert!(Agreement::from_json(&a.to_json()).is_ok());
        a.audit.push(a.audit[0].clone());
        let err = Agreement::from_json(&a.to_json()).unwrap_err();
        assert_eq!(err.code(), "too_many_entries");
    }

    #[test]
    fn fail_values_out_of_template_order() {
        let mut a = dpa();
        a.apply_fill(
            Party::Customer,
            &[("customer_name".into(), "Acme NV".into())],
            now(),
        )
        .unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
        v["values"].as_array_mut().unwrap().swap(0, 1);
        let err = Agreement::from_json(&v.to_string()).unwrap_err();
        assert!(
            err.to_string().contains("not in the template's order"),
            "{err}"
        );
    }

    #[test]
    fn assignments() {
        assert_eq!(
            parse_assignment("a=b=c").unwrap(),
            ("a".to_string(), "b=c".to_string())
        );
        assert!(parse_assignment("novalue").is_err());
        assert!(parse_assignment("=x").is_err());
    }
}
