//! Verification: from an agreement file alone, who signed what, and whether anything was
//! changed since.
//!
//! Each signature is checked on its own terms (the Ed25519 signature over its statement, and
//! the statement against the template and the text it claims), and then against the file as
//! it is now: every value a signature covers must still be there unchanged, every value
//! added since must have been left open by the signatures before it for the party that
//! filled it, and the signatures and the audit trail must still chain. The algorithm is
//! specified step by step in `docs/format.md`; the reasons below are its failure reasons.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::DateTime;
use serde::Serialize;

use crate::agreement::{audit_hash, Agreement, AuditEvent};
use crate::canonical::sha256_hex;
use crate::error::{param, with_params, Coded, CodedJson, Params};
use crate::file_kind::FileKind;
use crate::party::{Party, PARTIES};
use crate::render;
use crate::signature::{SignatureError, SignatureRecord, Statement};
use crate::template::Template;
pub use crate::time::parse_time;

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Both parties signed, every signature is valid, every required blank is filled.
    Complete,
    /// Every signature is valid; the named party has yet to sign.
    AwaitingCountersignature,
    /// Nobody has signed.
    Unsigned,
    /// Something does not hold; the reasons say what.
    Invalid,
}

/// Why verification fails: one failure reason of `docs/format.md`, with a stable code and its
/// parameters, so that a user interface can say it in its own language. `Display` gives the
/// English words of the specification; it serializes as `{code, params, message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The signature's cryptography does not hold.
    Signature(SignatureError),
    /// The signature was made on another template.
    TemplateSwapped,
    /// A party signed a second time.
    SignedTwice {
        /// The party.
        party: Party,
    },
    /// Signatures were removed, added or moved before this one.
    SignatureCount {
        /// How many signatures it was made after.
        signed_after: usize,
        /// How many stand before it now.
        standing: usize,
    },
    /// The signatures before this one are not the ones it signed.
    SignaturesReplaced,
    /// The signature covers a blank the template does not have.
    UnknownBlank {
        /// The blank's id.
        blank: String,
    },
    /// The signature covers a value that is not in its kind's normal form.
    InvalidSignedValue {
        /// The blank's id.
        blank: String,
    },
    /// The text hash signed is not the hash of the text the signed values give.
    TextMismatch,
    /// The signer is not the signatory the signed values name.
    WrongSigner,
    /// A signed value was emptied since.
    ValueEmptied {
        /// The blank's id.
        blank: String,
        /// Who signed it.
        signer: String,
    },
    /// A signed value was changed since.
    ValueChanged {
        /// The blank's id.
        blank: String,
        /// Who signed it.
        signer: String,
    },
    /// A signed value is now said to be filled by another party.
    FillerChanged {
        /// The blank's id.
        blank: String,
        /// The party the file now names.
        now: Party,
        /// Who signed it.
        signer: String,
        /// The party the signature names.
        signed_as: Party,
    },
    /// A later signature changed a value the one before it signed: its words, or the party
    /// said to have filled it.
    ChangedSignedValue {
        /// The blank's id.
        blank: String,
        /// Who signed it first.
        signer: String,
    },
    /// A later signature filled a blank the earlier one had not left open for its party.
    FilledNotOpen {
        /// The blank's id.
        blank: String,
        /// Who signed before.
        signer: String,
        /// The later signer's party.
        party: Party,
    },
    /// A later signature dropped a value an earlier one signed.
    DroppedValue {
        /// The blank's id.
        blank: String,
        /// Who signed it.
        signer: String,
    },
    /// A value was filled after the last signature in a blank not left open for its filler.
    FilledAfterSigning {
        /// The blank's id.
        blank: String,
        /// The last signer.
        signer: String,
        /// The party that filled it.
        party: Party,
    },
    /// The signature's time is not a time as Tweevoud writes it (`YYYY-MM-DDTHH:MM:SS+HH:MM`).
    BadSignatureTime {
        /// Who signed.
        signer: String,
        /// The time it says, shortened to 40 characters.
        time: String,
    },
    /// The signature's time is earlier than the time of the signature before it.
    SignedBeforePrevious {
        /// Who signed.
        signer: String,
        /// The time it says.
        time: String,
        /// The time of the signature before it.
        previous: String,
    },
    /// The values it covers are not in the template's blank order.
    SignedValuesOutOfOrder,
    /// It covers two values for one blank.
    SignedValueTwice {
        /// The blank's id.
        blank: String,
    },
    /// It leaves open a blank the template does not have.
    OpenUnknownBlank {
        /// The blank's id.
        blank: String,
    },
    /// It leaves open a blank it also covers a value for.
    OpenFilled {
        /// The blank's id.
        blank: String,
    },
    /// It leaves a blank open for a party the template does not give it to.
    OpenWrongParty {
        /// The blank's id.
        blank: String,
        /// The party it names.
        party: Party,
    },
    /// It leaves a blank open for the signer's own party.
    OpenForSigner {
        /// The blank's id.
        blank: String,
    },
    /// It leaves a blank open for a party that had already signed.
    OpenForSignedParty {
        /// The blank's id.
        blank: String,
        /// That party.
        party: Party,
    },
    /// The blanks it leaves open are not in the template's order, or one is listed twice.
    OpenOutOfOrder,
    /// It neither covers nor leaves open a blank that signing leaves open.
    NotLeftOpen {
        /// The blank's id.
        blank: String,
        /// The party it should have been left open for.
        party: Party,
    },
    /// A required blank of the signer's own party is empty in what it signed.
    OwnBlankEmpty {
        /// The blank's id.
        blank: String,
    },
    /// Both parties signed, but required blanks are empty.
    RequiredBlanksEmpty,
    /// An audit entry's time is not a time as Tweevoud writes it.
    BadAuditTime {
        /// Its position.
        entry: usize,
        /// The time it says, shortened to 40 characters.
        time: String,
    },
    /// An audit entry carries members its event does not have, or lacks one it has.
    AuditMembers {
        /// Its position.
        entry: usize,
        /// Its event.
        event: AuditEvent,
    },
    /// An audit entry names a blank the template does not have, or one blank twice.
    AuditUnknownBlank {
        /// Its position.
        entry: usize,
        /// The blank named.
        blank: String,
    },
    /// The audit trail is missing.
    AuditMissing,
    /// An audit entry's `seq` is not its position.
    AuditOutOfSequence {
        /// Its position.
        entry: usize,
        /// The `seq` it says.
        says: u64,
    },
    /// An audit entry's hash does not match it.
    AuditAltered {
        /// Its position.
        entry: usize,
        /// Its event.
        event: AuditEvent,
    },
    /// An audit entry does not name the entry before it.
    AuditUnchained {
        /// Its position.
        entry: usize,
    },
    /// The audit trail records another number of signatures than the file holds.
    AuditSignatureCount {
        /// Signatures recorded in the trail.
        recorded: usize,
        /// Signatures in the file.
        held: usize,
    },
    /// A `signed` audit entry names another signature.
    AuditSignatureMismatch {
        /// The entry's position.
        entry: usize,
        /// The signer of the signature it should name.
        signer: String,
    },
    /// The audit trail before a signature is not the one it signed.
    AuditHeadMismatch {
        /// The signer.
        signer: String,
    },
    /// An exemplar PDF does not say which exemplar it is.
    ExemplarUnlabelled,
    /// An exemplar PDF was laid out by a version of the renderer this program does not have.
    RendererVersion {
        /// The version the PDF names (`(none)` when it names none).
        found: String,
        /// The versions this program renders and verifies, comma-separated (`1, 2`).
        ours: String,
    },
    /// An exemplar PDF's visible document is not the exemplar its agreement file gives.
    VisibleDiffers,
    /// A PDF made by a renderer that seals (3 on) carries no seal where its seal goes.
    SealMissing,
    /// A seal of the PDF does not hold.
    Seal {
        /// Which seal: 1, made with the PDF, or 2, added by the other party.
        number: u8,
        /// What does not hold.
        problem: crate::seal::SealProblem,
    },
    /// Bytes were added after the PDF Tweevoud wrote that are not a Tweevoud seal.
    ForeignUpdate,
    /// A timestamp of a signature does not hold.
    Timestamp {
        /// The signatory whose signature it stamps.
        signer: String,
        /// Which of its timestamps, from 1.
        number: usize,
        /// What does not hold.
        problem: crate::timestamp::TokenProblem,
    },
    /// The eID binding a signature carries does not confirm its signer (judged against the
    /// anchors of the process: the judgement's, not verification's, since validity never
    /// depends on what a verifier trusts).
    EidBinding {
        /// The signatory whose record carries it.
        signer: String,
        /// The holder its certificate names, when it is a Signature certificate that can be
        /// read (whatever its path): who the binding claims the signer is.
        holder: Option<String>,
        /// What does not hold (boxed: the reason stays as small as the others).
        problem: Box<crate::eid::BindingProblem>,
    },
    /// The signature timestamp of a seal does not hold.
    SealTimestamp {
        /// Which seal.
        number: u8,
        /// What does not hold.
        problem: crate::timestamp::TokenProblem,
    },
    /// An exemplar PDF's label does not fit the state of the agreement inside.
    LabelMismatch {
        /// The label it carries.
        label: String,
        /// The agreement's state: `complete`, `awaiting_countersignature` or `unsigned`.
        state: Status,
    },
    /// The file cannot be read as an agreement at all (a reader's refusal, before any check).
    Unreadable {
        /// What the file is.
        kind: FileKind,
        /// The reader's reason, in English.
        detail: String,
    },
}

impl Reason {
    /// Every code [`Reason`] gives (with [`SignatureError`]'s, which
    /// [`Reason::Signature`] gives), so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "bad_public_key",
        "bad_signature_encoding",
        "signature_mismatch",
        "template_swapped",
        "signed_twice",
        "signature_count",
        "signatures_replaced",
        "unknown_blank",
        "invalid_signed_value",
        "text_mismatch",
        "wrong_signer",
        "value_emptied",
        "value_changed",
        "filler_changed",
        "changed_signed_value",
        "filled_not_open",
        "dropped_value",
        "filled_after_signing",
        "bad_signature_time",
        "signed_before_previous",
        "signed_values_out_of_order",
        "signed_value_twice",
        "open_unknown_blank",
        "open_filled",
        "open_wrong_party",
        "open_for_signer",
        "open_for_signed_party",
        "open_out_of_order",
        "not_left_open",
        "own_blank_empty",
        "required_blanks_empty",
        "bad_audit_time",
        "audit_members",
        "audit_unknown_blank",
        "audit_missing",
        "audit_out_of_sequence",
        "audit_altered",
        "audit_unchained",
        "audit_signature_count",
        "audit_signature_mismatch",
        "audit_head_mismatch",
        "exemplar_unlabelled",
        "renderer_version",
        "visible_differs",
        "label_mismatch",
        "seal_missing",
        "foreign_update",
        "seal_unreadable",
        "seal_not_signer",
        "seal_certificate",
        "seal_binding",
        "seal_signature",
        "eid_seal_unreadable",
        "eid_seal_signature",
        "eid_seal_chain",
        "eid_seal_expired",
        "eid_seal_not_signature_certificate",
        "eid_seal_revoked",
        "eid_seal_ocsp",
        "eid_seal_not_signer",
        "timestamp_unreadable",
        "timestamp_imprint",
        "timestamp_signature",
        "timestamp_certificate",
        "timestamp_chain",
        "eid_binding_unreadable",
        "eid_binding_key",
        "eid_binding_signature",
        "eid_certificate_unreadable",
        "eid_not_signature_certificate",
        "eid_certificate_expired",
        "eid_chain",
        "eid_untrusted",
        "eid_ocsp_unreadable",
        "eid_ocsp_refused",
        "eid_ocsp_signature",
        "eid_ocsp_responder",
        "eid_ocsp_other_certificate",
        "eid_ocsp_not_current",
        "eid_certificate_revoked",
        "eid_ocsp_unknown",
        "damaged_agreement_file",
        "damaged_exemplar",
        "pdf_without_agreement",
        "not_tweevoud",
    ];
}

/// The stable code: the UI words the reason from it and its parameters: `blank` is a blank's
/// id, `party`, `now` and `signed_as` are parties (`provider`, `customer`), `signer` is a
/// signatory's name, `entry` an audit entry's position from 0; `event`, `state` are
/// snake_case codes; `detail` is a reader's reason in English.
impl Coded for Reason {
    fn code(&self) -> &'static str {
        match self {
            Reason::Signature(e) => e.code(),
            Reason::TemplateSwapped => "template_swapped",
            Reason::SignedTwice { .. } => "signed_twice",
            Reason::SignatureCount { .. } => "signature_count",
            Reason::SignaturesReplaced => "signatures_replaced",
            Reason::UnknownBlank { .. } => "unknown_blank",
            Reason::InvalidSignedValue { .. } => "invalid_signed_value",
            Reason::TextMismatch => "text_mismatch",
            Reason::WrongSigner => "wrong_signer",
            Reason::ValueEmptied { .. } => "value_emptied",
            Reason::ValueChanged { .. } => "value_changed",
            Reason::FillerChanged { .. } => "filler_changed",
            Reason::ChangedSignedValue { .. } => "changed_signed_value",
            Reason::FilledNotOpen { .. } => "filled_not_open",
            Reason::DroppedValue { .. } => "dropped_value",
            Reason::FilledAfterSigning { .. } => "filled_after_signing",
            Reason::BadSignatureTime { .. } => "bad_signature_time",
            Reason::SignedBeforePrevious { .. } => "signed_before_previous",
            Reason::SignedValuesOutOfOrder => "signed_values_out_of_order",
            Reason::SignedValueTwice { .. } => "signed_value_twice",
            Reason::OpenUnknownBlank { .. } => "open_unknown_blank",
            Reason::OpenFilled { .. } => "open_filled",
            Reason::OpenWrongParty { .. } => "open_wrong_party",
            Reason::OpenForSigner { .. } => "open_for_signer",
            Reason::OpenForSignedParty { .. } => "open_for_signed_party",
            Reason::OpenOutOfOrder => "open_out_of_order",
            Reason::NotLeftOpen { .. } => "not_left_open",
            Reason::OwnBlankEmpty { .. } => "own_blank_empty",
            Reason::RequiredBlanksEmpty => "required_blanks_empty",
            Reason::BadAuditTime { .. } => "bad_audit_time",
            Reason::AuditMembers { .. } => "audit_members",
            Reason::AuditUnknownBlank { .. } => "audit_unknown_blank",
            Reason::AuditMissing => "audit_missing",
            Reason::AuditOutOfSequence { .. } => "audit_out_of_sequence",
            Reason::AuditAltered { .. } => "audit_altered",
            Reason::AuditUnchained { .. } => "audit_unchained",
            Reason::AuditSignatureCount { .. } => "audit_signature_count",
            Reason::AuditSignatureMismatch { .. } => "audit_signature_mismatch",
            Reason::AuditHeadMismatch { .. } => "audit_head_mismatch",
            Reason::ExemplarUnlabelled => "exemplar_unlabelled",
            Reason::RendererVersion { .. } => "renderer_version",
            Reason::VisibleDiffers => "visible_differs",
            Reason::SealMissing => "seal_missing",
            Reason::Seal { problem, .. } => problem.code(),
            Reason::ForeignUpdate => "foreign_update",
            Reason::Timestamp { problem, .. } | Reason::SealTimestamp { problem, .. } => {
                problem.code()
            }
            Reason::EidBinding { problem, .. } => problem.code(),
            Reason::LabelMismatch { .. } => "label_mismatch",
            Reason::Unreadable { kind, .. } => match kind {
                FileKind::AgreementFile => "damaged_agreement_file",
                FileKind::Exemplar => "damaged_exemplar",
                FileKind::OtherPdf => "pdf_without_agreement",
                FileKind::Other => "not_tweevoud",
            },
        }
    }

    fn params(&self) -> Params {
        let s = |v: &str| v.to_string();
        match self {
            Reason::SignedTwice { party } => vec![("party", s(party.as_str()))],
            Reason::SignatureCount {
                signed_after,
                standing,
            } => vec![
                ("signed_after", signed_after.to_string()),
                ("standing", standing.to_string()),
            ],
            Reason::UnknownBlank { blank }
            | Reason::InvalidSignedValue { blank }
            | Reason::SignedValueTwice { blank }
            | Reason::OpenUnknownBlank { blank }
            | Reason::OpenFilled { blank }
            | Reason::OpenForSigner { blank }
            | Reason::OwnBlankEmpty { blank } => {
                vec![("blank", s(blank))]
            }
            Reason::OpenWrongParty { blank, party }
            | Reason::OpenForSignedParty { blank, party }
            | Reason::NotLeftOpen { blank, party } => {
                vec![("blank", s(blank)), ("party", s(party.as_str()))]
            }
            Reason::BadSignatureTime { signer, time } => {
                vec![("signer", s(signer)), ("time", s(time))]
            }
            Reason::SignedBeforePrevious {
                signer,
                time,
                previous,
            } => vec![
                ("signer", s(signer)),
                ("time", s(time)),
                ("previous", s(previous)),
            ],
            Reason::BadAuditTime { entry, time } => {
                vec![("entry", entry.to_string()), ("time", s(time))]
            }
            Reason::AuditMembers { entry, event } => {
                vec![("entry", entry.to_string()), ("event", s(event.as_str()))]
            }
            Reason::AuditUnknownBlank { entry, blank } => {
                vec![("entry", entry.to_string()), ("blank", s(blank))]
            }
            Reason::ValueEmptied { blank, signer }
            | Reason::ValueChanged { blank, signer }
            | Reason::ChangedSignedValue { blank, signer }
            | Reason::DroppedValue { blank, signer } => {
                vec![("blank", s(blank)), ("signer", s(signer))]
            }
            Reason::FillerChanged {
                blank,
                now,
                signer,
                signed_as,
            } => vec![
                ("blank", s(blank)),
                ("now", s(now.as_str())),
                ("signer", s(signer)),
                ("signed_as", s(signed_as.as_str())),
            ],
            Reason::FilledNotOpen {
                blank,
                signer,
                party,
            }
            | Reason::FilledAfterSigning {
                blank,
                signer,
                party,
            } => vec![
                ("blank", s(blank)),
                ("signer", s(signer)),
                ("party", s(party.as_str())),
            ],
            Reason::AuditOutOfSequence { entry, says } => {
                vec![("entry", entry.to_string()), ("says", says.to_string())]
            }
            Reason::AuditAltered { entry, event } => {
                vec![("entry", entry.to_string()), ("event", s(event.as_str()))]
            }
            Reason::AuditUnchained { entry } => vec![("entry", entry.to_string())],
            Reason::AuditSignatureCount { recorded, held } => vec![
                ("recorded", recorded.to_string()),
                ("held", held.to_string()),
            ],
            Reason::AuditSignatureMismatch { entry, signer } => {
                vec![("entry", entry.to_string()), ("signer", s(signer))]
            }
            Reason::AuditHeadMismatch { signer } => vec![("signer", s(signer))],
            Reason::RendererVersion { found, ours } => {
                vec![("found", s(found)), ("ours", s(ours))]
            }
            Reason::LabelMismatch { label, state } => {
                vec![("label", s(label)), ("state", s(state.as_str()))]
            }
            Reason::Unreadable { detail, .. } => vec![("detail", s(detail))],
            Reason::Signature(e) => e.params(),
            Reason::TemplateSwapped
            | Reason::SignaturesReplaced
            | Reason::TextMismatch
            | Reason::WrongSigner
            | Reason::SignedValuesOutOfOrder
            | Reason::OpenOutOfOrder
            | Reason::RequiredBlanksEmpty
            | Reason::AuditMissing
            | Reason::ExemplarUnlabelled
            | Reason::VisibleDiffers
            | Reason::SealMissing
            | Reason::ForeignUpdate => Vec::new(),
            Reason::Seal { number, problem } => {
                crate::error::with_params(vec![crate::error::param("seal", number)], problem)
            }
            Reason::Timestamp {
                signer,
                number,
                problem,
            } => crate::error::with_params(
                vec![
                    crate::error::param("signer", signer),
                    crate::error::param("timestamp", number),
                ],
                problem,
            ),
            Reason::SealTimestamp { number, problem } => {
                crate::error::with_params(vec![crate::error::param("seal", number)], problem)
            }
            Reason::EidBinding {
                signer,
                holder,
                problem,
            } => crate::error::with_params(
                std::iter::once(crate::error::param("signer", signer))
                    .chain(holder.iter().map(|h| crate::error::param("holder", h)))
                    .collect(),
                problem,
            ),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Signature(e) => write!(f, "{e}"),
            Reason::TemplateSwapped => {
                f.write_str("it was made on another template (the template was swapped)")
            }
            Reason::SignedTwice { party } => write!(f, "the {party} signed twice"),
            Reason::SignatureCount {
                signed_after,
                standing,
            } => write!(
                f,
                "it was made after {signed_after} signature(s), but {standing} stand before it (a signature was removed, added or moved)"
            ),
            Reason::SignaturesReplaced => f.write_str(
                "the signatures before it are not the ones it signed (reordered or replaced)",
            ),
            Reason::UnknownBlank { blank } => write!(
                f,
                "it covers blank {blank}, which the template does not have"
            ),
            Reason::InvalidSignedValue { blank } => {
                write!(f, "it covers an invalid value for blank {blank}")
            }
            Reason::TextMismatch => {
                f.write_str("the text it signed is not the text these values give")
            }
            Reason::WrongSigner => {
                f.write_str("the signer is not the signatory the signed values name")
            }
            Reason::ValueEmptied { blank, signer } => {
                write!(f, "blank {blank} was emptied after {signer} signed")
            }
            Reason::ValueChanged { blank, signer } => {
                write!(f, "blank {blank} was changed after {signer} signed")
            }
            Reason::FillerChanged {
                blank,
                now,
                signer,
                signed_as,
            } => write!(
                f,
                "blank {blank} is now said to be filled by the {now}, but {signer} signed it as filled by the {signed_as}"
            ),
            Reason::ChangedSignedValue { blank, signer } => {
                write!(f, "it changed blank {blank}, which {signer} had signed")
            }
            Reason::FilledNotOpen {
                blank,
                signer,
                party,
            } => write!(
                f,
                "it filled blank {blank}, which {signer} had not left open for the {party}"
            ),
            Reason::DroppedValue { blank, signer } => {
                write!(f, "it dropped blank {blank}, which {signer} had signed")
            }
            Reason::FilledAfterSigning {
                blank,
                signer,
                party,
            } => write!(
                f,
                "blank {blank} was filled after {signer} signed, but was not left open for the {party}"
            ),
            Reason::BadSignatureTime { signer, time } => write!(
                f,
                "the time {signer} signed at, {time:?}, is not a time of the form 2026-11-23T10:00:00+01:00"
            ),
            Reason::SignedBeforePrevious {
                signer,
                time,
                previous,
            } => write!(
                f,
                "{signer} signed at {time}, before the signature before it ({previous})"
            ),
            Reason::SignedValuesOutOfOrder => {
                f.write_str("the values it covers are not in the template's order")
            }
            Reason::SignedValueTwice { blank } => {
                write!(f, "it covers two values for blank {blank}")
            }
            Reason::OpenUnknownBlank { blank } => write!(
                f,
                "it leaves open blank {blank}, which the template does not have"
            ),
            Reason::OpenFilled { blank } => write!(
                f,
                "it leaves blank {blank} open, but also covers a value for it"
            ),
            Reason::OpenWrongParty { blank, party } => write!(
                f,
                "it leaves blank {blank} open for the {party}, which does not fill it"
            ),
            Reason::OpenForSigner { blank } => write!(
                f,
                "it leaves blank {blank} open for the signer's own party"
            ),
            Reason::OpenForSignedParty { blank, party } => write!(
                f,
                "it leaves blank {blank} open for the {party}, which had already signed"
            ),
            Reason::OpenOutOfOrder => f.write_str(
                "the blanks it leaves open are not in the template's order, or one is listed twice",
            ),
            Reason::NotLeftOpen { blank, party } => write!(
                f,
                "it neither covers blank {blank} nor leaves it open for the {party}"
            ),
            Reason::OwnBlankEmpty { blank } => write!(
                f,
                "it leaves blank {blank} of the signer's own party empty, but it is required"
            ),
            Reason::RequiredBlanksEmpty => {
                f.write_str("both parties signed, but required blanks are empty")
            }
            Reason::BadAuditTime { entry, time } => write!(
                f,
                "audit entry {entry}'s time, {time:?}, is not a time of the form 2026-11-23T10:00:00+01:00"
            ),
            Reason::AuditMembers { entry, event } => write!(
                f,
                "audit entry {entry} ({}) does not carry the members a {} entry carries",
                event.as_str(),
                event.as_str()
            ),
            Reason::AuditUnknownBlank { entry, blank } => write!(
                f,
                "audit entry {entry} names blank {blank} twice or names a blank the template does not have"
            ),
            Reason::AuditMissing => f.write_str("the audit trail is missing"),
            Reason::AuditOutOfSequence { entry, says } => {
                write!(f, "audit entry {entry} is out of sequence (it says {says})")
            }
            Reason::AuditAltered { entry, event } => {
                write!(f, "audit entry {entry} ({}) was altered", event.as_str())
            }
            Reason::AuditUnchained { entry } => {
                write!(f, "audit entry {entry} does not follow the entry before it")
            }
            Reason::AuditSignatureCount { recorded, held } => write!(
                f,
                "the audit trail records {recorded} signature(s), the file holds {held}"
            ),
            Reason::AuditSignatureMismatch { entry, signer } => write!(
                f,
                "the audit trail's signature entry {entry} does not match the signature of {signer}"
            ),
            Reason::AuditHeadMismatch { signer } => write!(
                f,
                "the audit trail before the signature of {signer} is not the one it signed"
            ),
            Reason::ExemplarUnlabelled => f.write_str(
                "the PDF does not say which exemplar it is, so its visible document cannot be checked",
            ),
            Reason::RendererVersion { found, ours } => write!(
                f,
                "the PDF was laid out by exemplar renderer {found:?}, this program knows renderers {ours}, so its visible document cannot be checked"
            ),
            Reason::VisibleDiffers => write!(
                f,
                "{VISIBLE_DIFFERS} (the PDF is not the exemplar Tweevoud makes from the agreement file inside it)"
            ),
            Reason::SealMissing => f.write_str(
                "the PDF has no seal where Tweevoud seals it: it was not sealed, or its seal was removed",
            ),
            Reason::Seal { number, problem } => write!(f, "seal {number}: {problem}"),
            Reason::Timestamp {
                signer,
                number,
                problem,
            } => write!(
                f,
                "timestamp {number} of the signature of {signer} does not hold: {problem}"
            ),
            Reason::SealTimestamp { number, problem } => {
                write!(f, "the timestamp of seal {number} does not hold: {problem}")
            }
            Reason::EidBinding {
                signer,
                holder: Some(holder),
                problem,
            } => write!(
                f,
                "the eID binding of {signer}'s key, by a certificate in the name of {holder}, does not hold: {problem}"
            ),
            Reason::EidBinding {
                signer,
                holder: None,
                problem,
            } => write!(f, "the eID binding of {signer}'s key does not hold: {problem}"),
            Reason::ForeignUpdate => f.write_str(
                "the PDF was changed after Tweevoud wrote it: it holds an update that is not a Tweevoud seal",
            ),
            Reason::LabelMismatch { label, state } => write!(
                f,
                "the PDF is labelled {label:?}, but the agreement inside is {}",
                match state {
                    Status::Complete => "complete",
                    Status::AwaitingCountersignature => "awaiting its countersignature",
                    _ => "not signed",
                }
            ),
            Reason::Unreadable { detail, .. } => f.write_str(detail),
        }
    }
}

/// The start of [`Reason::VisibleDiffers`]'s words.
pub const VISIBLE_DIFFERS: &str = "the visible document differs from the signed agreement";

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CodedJson(self).serialize(serializer)
    }
}

/// A reason with the signature it concerns, if it concerns one: what an app shows first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FirstProblem {
    /// The signatory whose signature it concerns; `None` for the file as a whole.
    pub signer: Option<String>,
    /// That signature's party.
    pub role: Option<Party>,
    /// What does not hold.
    pub reason: Reason,
}

/// The reason's code; its parameters, with the `signer` and `role` of the signature it
/// concerns, if any.
impl Coded for FirstProblem {
    fn code(&self) -> &'static str {
        self.reason.code()
    }

    fn params(&self) -> Params {
        let mut params = Params::new();
        if let Some(signer) = &self.signer {
            params.push(param("signer", signer));
        }
        if let Some(role) = self.role {
            params.push(param("role", role));
        }
        with_params(params, &self.reason)
    }
}

impl fmt::Display for FirstProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.signer, self.role) {
            (Some(name), Some(role)) => write!(f, "signature of {name} ({role}): {}", self.reason),
            _ => write!(f, "{}", self.reason),
        }
    }
}

impl Status {
    /// The status's code, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::AwaitingCountersignature => "awaiting_countersignature",
            Status::Unsigned => "unsigned",
            Status::Invalid => "invalid",
        }
    }
}

/// What was found about one signature.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureCheck {
    /// Position, from 0.
    pub index: usize,
    /// The party signed for.
    pub role: Party,
    /// The signatory's name.
    pub name: String,
    /// The signatory's function.
    pub function: String,
    /// The organisation.
    pub organisation: String,
    /// When, as signed (RFC 3339).
    pub time: String,
    /// SHA-256 of the raw public key, hex (empty if the key is malformed).
    pub fingerprint: String,
    /// The public key, base64 as signed.
    pub public_key: String,
    /// Whether everything about this signature holds.
    pub valid: bool,
    /// What does not hold.
    pub problems: Vec<Reason>,
    /// What its timestamps that hold attest, in order.
    pub timestamps: Vec<Stamped>,
}

/// The result of verifying an agreement.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// The verdict.
    pub status: Status,
    /// Who must still sign, when awaiting.
    pub awaiting: Option<Party>,
    /// The template id.
    pub template: String,
    /// SHA-256 of the template's canonical text.
    pub template_sha256: String,
    /// SHA-256 of the agreement's canonical text as it is now.
    pub text_sha256: String,
    /// Per signature, in order.
    pub signatures: Vec<SignatureCheck>,
    /// Problems not tied to one signature (the audit trail, values nobody may have filled).
    pub problems: Vec<Reason>,
    /// Blanks filled since the last signature, by the party they were left open for, and not
    /// yet signed.
    pub unsigned_values: Vec<String>,
    /// The `seq` of every audit entry after the last `signed` entry: no signature covers
    /// them, so the verdict does not vouch for them (in a complete agreement they were
    /// added after both parties signed). Empty when nobody signed.
    pub unsigned_audit: Vec<u64>,
}

impl Verification {
    /// The first problem found, in words, if any.
    pub fn first_problem(&self) -> Option<String> {
        self.first_reason().map(|p| p.to_string())
    }

    /// The first problem found, with the signature it concerns, if any.
    pub fn first_reason(&self) -> Option<FirstProblem> {
        self.signatures
            .iter()
            .flat_map(|s| {
                s.problems.iter().map(move |p| FirstProblem {
                    signer: Some(s.name.clone()),
                    role: Some(s.role),
                    reason: p.clone(),
                })
            })
            .chain(self.problems.iter().map(|p| FirstProblem {
                signer: None,
                role: None,
                reason: p.clone(),
            }))
            .next()
    }

    /// One sentence for the verdict.
    pub fn summary(&self) -> String {
        match self.status {
            Status::Complete => {
                "authentic and complete: both parties signed, nothing was changed since".to_string()
            }
            Status::AwaitingCountersignature => format!(
                "authentic, awaiting countersignature by the {}",
                self.awaiting.map(Party::as_str).unwrap_or("other party")
            ),
            Status::Unsigned => "not signed by anyone".to_string(),
            Status::Invalid => format!(
                "INVALID: {}",
                self.first_problem()
                    .unwrap_or_else(|| "unknown problem".to_string())
            ),
        }
    }
}

/// A text given back in a reason, cut to 40 characters.
fn shortened(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

/// What a timestamp that holds attests (whether its TSA is trusted is the judgement's to say,
/// from the chain kept here: validity never depends on trust).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stamped {
    /// The time the TSA attests, RFC 3339, in the offset of the time it stamps (UTC if that
    /// cannot be read).
    pub time: String,
    /// The TSA, as its certificate names it.
    pub tsa: String,
    /// SHA-256 of the TSA's signing certificate, hex.
    pub tsa_certificate_sha256: String,
    /// The token's certificates, for the judgement to decide the trust in its TSA without
    /// checking the token again.
    #[serde(skip)]
    pub(crate) chain: crate::timestamp::TokenChain,
}

impl Stamped {
    /// What `attested` says, its time shown in the offset of `stated` (an RFC 3339 time).
    pub fn of(attested: &crate::timestamp::Attested, stated: &str) -> Stamped {
        let time = match DateTime::parse_from_rfc3339(stated) {
            Ok(t) => attested.time.with_timezone(t.offset()).to_rfc3339(),
            Err(_) => attested.time.fixed_offset().to_rfc3339(),
        };
        Stamped {
            time,
            tsa: attested.tsa.clone(),
            tsa_certificate_sha256: attested.tsa_certificate_sha256.clone(),
            chain: attested.chain.clone(),
        }
    }
}

/// Checks the timestamps a signature carries: each must be a token over the signature's 64
/// bytes that holds (its TSA's signature, its certificates as of its time). One that does not
/// is a problem of the signature (the file was altered: Tweevoud adds only tokens that hold).
fn check_timestamps(record: &SignatureRecord, problems: &mut Vec<Reason>) -> Vec<Stamped> {
    let mut stamped = Vec::new();
    for (n, t) in record.timestamps.iter().enumerate() {
        let problem = |problem| Reason::Timestamp {
            signer: record.statement.signer.name.clone(),
            number: n + 1,
            problem,
        };
        let token =
            match base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &t.token) {
                Ok(token) => token,
                Err(_) => {
                    problems.push(problem(crate::timestamp::TokenProblem::Unreadable {
                        reason: "the token is not base64".into(),
                    }));
                    continue;
                }
            };
        let Some(bytes) = record.signature_bytes() else {
            // The signature itself is malformed, and reported as such.
            continue;
        };
        match crate::timestamp::check_token(&token, &bytes, &[]) {
            Ok(attested) => stamped.push(Stamped::of(&attested, &record.statement.time)),
            Err(e) => problems.push(problem(e)),
        }
    }
    stamped
}

/// Verifies an agreement that was read from a file.
pub fn verify(agreement: &Agreement) -> Verification {
    let template = agreement.template();
    let current: BTreeMap<&str, _> = agreement
        .values()
        .into_iter()
        .map(|f| (f.blank.as_str(), f))
        .collect();
    let records = agreement.signatures();
    // Each signature checked and hashed once: later signatures and the audit trail name the
    // signatures before them by these hashes.
    let (verified, hashes): (Vec<_>, Vec<String>) =
        records.iter().map(SignatureRecord::verify_and_hash).unzip();
    let mut checks = Vec::with_capacity(records.len());
    let mut problems = Vec::new();
    let audit_problems = check_audit(agreement, &hashes);
    let mut seen_roles: Vec<Party> = Vec::new();

    for (i, record) in records.iter().enumerate() {
        let st = &record.statement;
        let mut p = Vec::new();
        let fingerprint = st.fingerprint().map(hex::encode).unwrap_or_default();
        if let Err(e) = &verified[i] {
            p.push(Reason::Signature(e.clone()));
        }
        if st.template_sha256 != template.sha256_hex() {
            p.push(Reason::TemplateSwapped);
        }
        match parse_time(&st.time) {
            None => p.push(Reason::BadSignatureTime {
                signer: st.signer.name.clone(),
                time: shortened(&st.time),
            }),
            // Not earlier than the signature before it, as instants (offsets aside); a time
            // before it that cannot be read is reported there.
            Some(t) => {
                let previous = i.checked_sub(1).map(|j| &records[j].statement.time);
                if let Some(previous) = previous {
                    if parse_time(previous).is_some_and(|before| t < before) {
                        p.push(Reason::SignedBeforePrevious {
                            signer: st.signer.name.clone(),
                            time: st.time.clone(),
                            previous: previous.clone(),
                        });
                    }
                }
            }
        }
        if seen_roles.contains(&st.signer.role) {
            p.push(Reason::SignedTwice {
                party: st.signer.role,
            });
        }
        let signed_before = seen_roles.clone();
        seen_roles.push(st.signer.role);
        if st.previous_signatures[..] != hashes[..i] {
            p.push(if st.previous_signatures.len() != i {
                Reason::SignatureCount {
                    signed_after: st.previous_signatures.len(),
                    standing: i,
                }
            } else {
                Reason::SignaturesReplaced
            });
        }
        // The statement must describe a real state of this template.
        let signed_values: BTreeMap<&str, _> =
            st.values.iter().map(|f| (f.blank.as_str(), f)).collect();
        let mut statement_ok = true;
        for f in &st.values {
            match template.blank(&f.blank) {
                None => {
                    statement_ok = false;
                    p.push(Reason::UnknownBlank {
                        blank: f.blank.clone(),
                    });
                }
                Some(b) => {
                    if !b.kind.is_stored_form(&f.value) {
                        statement_ok = false;
                        p.push(Reason::InvalidSignedValue {
                            blank: f.blank.clone(),
                        });
                    }
                }
            }
        }
        p.extend(statement_shape(template, st, &signed_before));
        if statement_ok {
            let text = render::render_text(template, |id| {
                signed_values.get(id).map(|f| f.value.as_str())
            });
            if sha256_hex(text.as_bytes()) != st.text_sha256 {
                p.push(Reason::TextMismatch);
            }
        }
        // The signer must be the signatory the agreement names.
        let details = template.party(st.signer.role);
        let named = |d: &crate::template::Detail| match d {
            crate::template::Detail::Fixed(s) => Some(s.clone()),
            crate::template::Detail::Blank(id) => {
                signed_values.get(id.as_str()).map(|f| f.value.clone())
            }
        };
        if named(&details.signatory_name).as_deref() != Some(st.signer.name.as_str())
            || named(&details.signatory_function).as_deref() != Some(st.signer.function.as_str())
            || named(&details.name).as_deref() != Some(st.signer.organisation.as_str())
        {
            p.push(Reason::WrongSigner);
        }
        // Every value it covers must still be there, unchanged.
        for f in &st.values {
            match current.get(f.blank.as_str()) {
                None => p.push(Reason::ValueEmptied {
                    blank: f.blank.clone(),
                    signer: st.signer.name.clone(),
                }),
                Some(now) if now.value != f.value => p.push(Reason::ValueChanged {
                    blank: f.blank.clone(),
                    signer: st.signer.name.clone(),
                }),
                Some(now) if now.filled_by != f.filled_by => p.push(Reason::FillerChanged {
                    blank: f.blank.clone(),
                    now: now.filled_by,
                    signer: st.signer.name.clone(),
                    signed_as: f.filled_by,
                }),
                Some(_) => {}
            }
        }
        // A later signature may only add values its party was left open.
        if i > 0 {
            let prev = &records[i - 1].statement;
            let prev_values: BTreeMap<&str, _> =
                prev.values.iter().map(|f| (f.blank.as_str(), f)).collect();
            // The blanks it left open for this signer's party.
            let prev_open: BTreeSet<&str> = prev
                .open
                .iter()
                .filter(|o| o.party == st.signer.role)
                .map(|o| o.blank.as_str())
                .collect();
            for f in &st.values {
                if let Some(before) = prev_values.get(f.blank.as_str()) {
                    // Unchanged: the same words, and the same party said to have filled them.
                    if before.value != f.value || before.filled_by != f.filled_by {
                        p.push(Reason::ChangedSignedValue {
                            blank: f.blank.clone(),
                            signer: prev.signer.name.clone(),
                        });
                    }
                } else if !(prev_open.contains(f.blank.as_str()) && f.filled_by == st.signer.role) {
                    p.push(Reason::FilledNotOpen {
                        blank: f.blank.clone(),
                        signer: prev.signer.name.clone(),
                        party: st.signer.role,
                    });
                }
            }
            for b in prev_values.keys() {
                if !signed_values.contains_key(b) {
                    p.push(Reason::DroppedValue {
                        blank: b.to_string(),
                        signer: prev.signer.name.clone(),
                    });
                }
            }
        }
        let timestamps = check_timestamps(record, &mut p);
        checks.push(SignatureCheck {
            index: i,
            role: st.signer.role,
            name: st.signer.name.clone(),
            function: st.signer.function.clone(),
            organisation: st.signer.organisation.clone(),
            time: st.time.clone(),
            fingerprint,
            public_key: st.public_key.clone(),
            valid: p.is_empty(),
            problems: p,
            timestamps,
        });
    }

    // Values filled after the last signature must have been left open for their filler.
    let mut unsigned_values = Vec::new();
    if let Some(last) = records.last() {
        let covered: BTreeSet<&str> = last
            .statement
            .values
            .iter()
            .map(|f| f.blank.as_str())
            .collect();
        let open: BTreeSet<(&str, Party)> = last
            .statement
            .open
            .iter()
            .map(|o| (o.blank.as_str(), o.party))
            .collect();
        for f in current.values() {
            if covered.contains(f.blank.as_str()) {
                continue;
            }
            let left_open = open.contains(&(f.blank.as_str(), f.filled_by));
            if left_open && !seen_roles.contains(&f.filled_by) {
                unsigned_values.push(f.blank.clone());
            } else {
                problems.push(Reason::FilledAfterSigning {
                    blank: f.blank.clone(),
                    signer: last.statement.signer.name.clone(),
                    party: f.filled_by,
                });
            }
        }
    }
    problems.extend(audit_problems);
    let audit = agreement.audit();
    let unsigned_audit = match audit.iter().rposition(|e| e.event == AuditEvent::Signed) {
        Some(last) if !records.is_empty() => audit[last + 1..].iter().map(|e| e.seq).collect(),
        _ => Vec::new(),
    };

    let all_valid = checks.iter().all(|c| c.valid) && problems.is_empty();
    let signed: Vec<Party> = checks.iter().map(|c| c.role).collect();
    let (status, awaiting) = if !all_valid {
        (Status::Invalid, None)
    } else if checks.is_empty() {
        (Status::Unsigned, None)
    } else if PARTIES.iter().all(|p| signed.contains(p)) {
        if agreement.is_filled() && unsigned_values.is_empty() {
            (Status::Complete, None)
        } else {
            problems.push(Reason::RequiredBlanksEmpty);
            (Status::Invalid, None)
        }
    } else {
        let missing = PARTIES.into_iter().find(|p| !signed.contains(p));
        (Status::AwaitingCountersignature, missing)
    };

    Verification {
        status,
        awaiting,
        template: template.id().to_string(),
        template_sha256: template.sha256_hex(),
        text_sha256: agreement.text_sha256(),
        signatures: checks,
        problems,
        unsigned_values,
        unsigned_audit,
    }
}

/// The rules of signing a statement must show it was made by (`docs/format.md`, "The rules
/// of signing"): its values and open blanks each in template order and once; its open blanks
/// exactly the empty blanks of the parties that have yet to sign, other than the signer's;
/// the signer's own required blanks filled. `signed_before` are the parties that signed
/// before it.
fn statement_shape(template: &Template, st: &Statement, signed_before: &[Party]) -> Vec<Reason> {
    let mut p = Vec::new();
    // Sets, not walks of the lists: each list is checked against the others in proportion to
    // its length (the lists are capped, `docs/format.md`, "Limits", but a check of a list
    // against a list would still be quadratic in them).
    let position = |id: &str| template.blank_position(id);
    let covered: BTreeSet<&str> = st.values.iter().map(|f| f.blank.as_str()).collect();
    let covers = |id: &str| covered.contains(id);
    let left_open: BTreeSet<&str> = st.open.iter().map(|o| o.blank.as_str()).collect();
    let mut last = None;
    let mut ordered = true;
    for f in &st.values {
        if let Some(at) = position(&f.blank) {
            if last == Some(at) {
                p.push(Reason::SignedValueTwice {
                    blank: f.blank.clone(),
                });
            } else if last.is_some_and(|l| l > at) {
                ordered = false;
            }
            last = Some(at);
        }
    }
    if !ordered {
        p.push(Reason::SignedValuesOutOfOrder);
    }
    let mut last = None;
    let mut ordered = true;
    for o in &st.open {
        let Some(at) = position(&o.blank) else {
            p.push(Reason::OpenUnknownBlank {
                blank: o.blank.clone(),
            });
            continue;
        };
        if last.is_some_and(|l| l >= at) {
            ordered = false;
        }
        last = Some(at);
        let owner = template.blanks()[at].party;
        if covers(&o.blank) {
            p.push(Reason::OpenFilled {
                blank: o.blank.clone(),
            });
        } else if o.party != owner {
            p.push(Reason::OpenWrongParty {
                blank: o.blank.clone(),
                party: o.party,
            });
        } else if o.party == st.signer.role {
            p.push(Reason::OpenForSigner {
                blank: o.blank.clone(),
            });
        } else if signed_before.contains(&o.party) {
            p.push(Reason::OpenForSignedParty {
                blank: o.blank.clone(),
                party: o.party,
            });
        }
    }
    if !ordered {
        p.push(Reason::OpenOutOfOrder);
    }
    for b in template.blanks() {
        if covers(&b.id) {
            continue;
        }
        if b.party == st.signer.role {
            if b.required {
                p.push(Reason::OwnBlankEmpty {
                    blank: b.id.clone(),
                });
            }
        } else if !signed_before.contains(&b.party) && !left_open.contains(b.id.as_str()) {
            p.push(Reason::NotLeftOpen {
                blank: b.id.clone(),
                party: b.party,
            });
        }
    }
    p
}

/// Checks the audit trail: each entry's hash, the chain, and that every signature is
/// recorded where its statement says the trail stood. `hashes` are the record hashes of the
/// agreement's signatures, in order.
fn check_audit(agreement: &Agreement, hashes: &[String]) -> Vec<Reason> {
    let mut problems = Vec::new();
    let audit = agreement.audit();
    if audit.is_empty() {
        problems.push(Reason::AuditMissing);
        return problems;
    }
    let mut prev: Option<&str> = None;
    for (i, e) in audit.iter().enumerate() {
        if e.seq != i as u64 {
            problems.push(Reason::AuditOutOfSequence {
                entry: i,
                says: e.seq,
            });
        }
        if e.hash != audit_hash(e) {
            problems.push(Reason::AuditAltered {
                entry: i,
                event: e.event,
            });
        }
        if e.prev.as_deref() != prev {
            problems.push(Reason::AuditUnchained { entry: i });
        }
        prev = Some(e.hash.as_str());
        if parse_time(&e.time).is_none() {
            problems.push(Reason::BadAuditTime {
                entry: i,
                time: shortened(&e.time),
            });
        }
        // A `signed` entry, and only it, names the signature it made and no blanks; a
        // `filled` or `cleared` entry names the blanks it changed.
        let members_ok = match e.event {
            AuditEvent::Signed => e.signature_sha256.is_some() && e.blanks.is_empty(),
            AuditEvent::Filled | AuditEvent::Cleared => {
                e.signature_sha256.is_none() && !e.blanks.is_empty()
            }
            _ => e.signature_sha256.is_none(),
        };
        if !members_ok {
            problems.push(Reason::AuditMembers {
                entry: i,
                event: e.event,
            });
        }
        let mut named = BTreeSet::new();
        for blank in &e.blanks {
            if agreement.template().blank(blank).is_none() || !named.insert(blank.as_str()) {
                problems.push(Reason::AuditUnknownBlank {
                    entry: i,
                    blank: blank.clone(),
                });
            }
        }
    }
    let signed_entries: Vec<(usize, &str)> = audit
        .iter()
        .enumerate()
        .filter(|(_, e)| e.event == AuditEvent::Signed)
        .map(|(i, e)| (i, e.signature_sha256.as_deref().unwrap_or("")))
        .collect();
    let records = agreement.signatures();
    if signed_entries.len() != records.len() {
        problems.push(Reason::AuditSignatureCount {
            recorded: signed_entries.len(),
            held: records.len(),
        });
    }
    for ((record, record_hash), (at, hash)) in records.iter().zip(hashes).zip(&signed_entries) {
        if record_hash != hash {
            problems.push(Reason::AuditSignatureMismatch {
                entry: *at,
                signer: record.statement.signer.name.clone(),
            });
        }
        let head = at
            .checked_sub(1)
            .and_then(|j| audit.get(j))
            .map(|e| e.hash.as_str());
        if head != Some(record.statement.audit_head.as_str()) {
            problems.push(Reason::AuditHeadMismatch {
                signer: record.statement.signer.name.clone(),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::SignatureError;

    #[test]
    fn reasons_serialize_as_code_params_and_english_words() {
        let r = Reason::ValueChanged {
            blank: "customer_name".into(),
            signer: "Tom Hendrix".into(),
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["code"], "value_changed");
        assert_eq!(json["params"]["blank"], "customer_name");
        assert_eq!(json["params"]["signer"], "Tom Hendrix");
        assert_eq!(
            json["message"],
            "blank customer_name was changed after Tom Hendrix signed"
        );
        assert_eq!(json.as_object().unwrap().len(), 3);
    }

    #[test]
    fn parties_and_events_are_codes_in_the_parameters() {
        let r = Reason::FillerChanged {
            blank: "place".into(),
            now: Party::Customer,
            signer: "Tom".into(),
            signed_as: Party::Provider,
        };
        let params: BTreeMap<_, _> = r.params().into_iter().collect();
        assert_eq!(params["now"], "customer");
        assert_eq!(params["signed_as"], "provider");
        let r = Reason::AuditAltered {
            entry: 1,
            event: AuditEvent::Filled,
        };
        assert_eq!(r.to_string(), "audit entry 1 (filled) was altered");
        assert_eq!(r.params()[1], ("event", "filled".to_string()));
    }

    #[test]
    fn every_reason_has_its_own_code() {
        use crate::eid::{BindingProblem, OcspProblem, PathProblem};
        let s = || String::from("x");
        let all = [
            Reason::Signature(SignatureError::BadPublicKey),
            Reason::Signature(SignatureError::BadSignatureEncoding),
            Reason::Signature(SignatureError::Mismatch),
            Reason::TemplateSwapped,
            Reason::SignedTwice {
                party: Party::Provider,
            },
            Reason::SignatureCount {
                signed_after: 1,
                standing: 0,
            },
            Reason::SignaturesReplaced,
            Reason::UnknownBlank { blank: s() },
            Reason::InvalidSignedValue { blank: s() },
            Reason::TextMismatch,
            Reason::WrongSigner,
            Reason::ValueEmptied {
                blank: s(),
                signer: s(),
            },
            Reason::ValueChanged {
                blank: s(),
                signer: s(),
            },
            Reason::FillerChanged {
                blank: s(),
                now: Party::Provider,
                signer: s(),
                signed_as: Party::Customer,
            },
            Reason::ChangedSignedValue {
                blank: s(),
                signer: s(),
            },
            Reason::FilledNotOpen {
                blank: s(),
                signer: s(),
                party: Party::Customer,
            },
            Reason::DroppedValue {
                blank: s(),
                signer: s(),
            },
            Reason::FilledAfterSigning {
                blank: s(),
                signer: s(),
                party: Party::Customer,
            },
            Reason::BadSignatureTime {
                signer: s(),
                time: s(),
            },
            Reason::SignedBeforePrevious {
                signer: s(),
                time: s(),
                previous: s(),
            },
            Reason::SignedValuesOutOfOrder,
            Reason::SignedValueTwice { blank: s() },
            Reason::OpenUnknownBlank { blank: s() },
            Reason::OpenFilled { blank: s() },
            Reason::OpenWrongParty {
                blank: s(),
                party: Party::Provider,
            },
            Reason::OpenForSigner { blank: s() },
            Reason::OpenForSignedParty {
                blank: s(),
                party: Party::Provider,
            },
            Reason::OpenOutOfOrder,
            Reason::NotLeftOpen {
                blank: s(),
                party: Party::Customer,
            },
            Reason::OwnBlankEmpty { blank: s() },
            Reason::RequiredBlanksEmpty,
            Reason::BadAuditTime {
                entry: 1,
                time: s(),
            },
            Reason::AuditMembers {
                entry: 1,
                event: AuditEvent::Signed,
            },
            Reason::AuditUnknownBlank {
                entry: 1,
                blank: s(),
            },
            Reason::AuditMissing,
            Reason::AuditOutOfSequence { entry: 1, says: 2 },
            Reason::AuditAltered {
                entry: 0,
                event: AuditEvent::Created,
            },
            Reason::AuditUnchained { entry: 1 },
            Reason::AuditSignatureCount {
                recorded: 1,
                held: 2,
            },
            Reason::AuditSignatureMismatch {
                entry: 3,
                signer: s(),
            },
            Reason::AuditHeadMismatch { signer: s() },
            Reason::ExemplarUnlabelled,
            Reason::RendererVersion {
                found: s(),
                ours: s(),
            },
            Reason::VisibleDiffers,
            Reason::SealMissing,
            Reason::ForeignUpdate,
            Reason::Seal {
                number: 1,
                problem: crate::seal::SealProblem::Unreadable(s()),
            },
            Reason::Seal {
                number: 1,
                problem: crate::seal::SealProblem::NotASigner,
            },
            Reason::Seal {
                number: 2,
                problem: crate::seal::SealProblem::Certificate { name: s() },
            },
            Reason::Seal {
                number: 1,
                problem: crate::seal::SealProblem::Binding { name: s() },
            },
            Reason::Seal {
                number: 1,
                problem: crate::seal::SealProblem::Signature,
            },
            Reason::Seal {
                number: 1,
                problem: crate::seal::SealProblem::EidUnreadable(s()),
            },
            Reason::Seal {
                number: 1,
                problem: crate::seal::SealProblem::EidSignature(s()),
            },
            Reason::Seal {
                number: 1,
                problem: crate::seal::SealProblem::EidChain(s()),
            },
            Reason::Seal {
                number: 1,
                problem: crate::seal::SealProblem::EidExpired(s()),
            },
            Reason::Seal {
                number: 1,
                problem: crate::seal::SealProblem::EidNotSignatureCertificate(s()),
            },
            Reason::Seal {
                number: 1,
                problem: crate::seal::SealProblem::EidRevoked(s()),
            },
            Reason::Seal {
                number: 1,
                problem: crate::seal::SealProblem::EidOcsp(s()),
            },
            Reason::Seal {
                number: 2,
                problem: crate::seal::SealProblem::EidNotSigner { holder: s() },
            },
            Reason::Timestamp {
                signer: s(),
                number: 1,
                problem: crate::timestamp::TokenProblem::Unreadable { reason: s() },
            },
            Reason::Timestamp {
                signer: s(),
                number: 1,
                problem: crate::timestamp::TokenProblem::Imprint { reason: s() },
            },
            Reason::SealTimestamp {
                number: 1,
                problem: crate::timestamp::TokenProblem::Signature { reason: s() },
            },
            Reason::Timestamp {
                signer: s(),
                number: 1,
                problem: crate::timestamp::TokenProblem::Certificate { reason: s() },
            },
            Reason::Timestamp {
                signer: s(),
                number: 2,
                problem: crate::timestamp::TokenProblem::Chain { reason: s() },
            },
            Reason::LabelMismatch {
                label: s(),
                state: Status::Complete,
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Unreadable { reason: s() }),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::OtherKey { reason: s() }),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::EidSignature { reason: s() }),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Path(PathProblem::Unreadable {
                    reason: s(),
                })),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Path(PathProblem::NotSignature {
                    reason: s(),
                })),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Path(PathProblem::Expired { reason: s() })),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Path(PathProblem::Chain { reason: s() })),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Path(PathProblem::Untrusted { reason: s() })),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Ocsp(OcspProblem::Unreadable {
                    reason: s(),
                })),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Ocsp(OcspProblem::Refused {
                    status: 1,
                    meaning: s(),
                })),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Ocsp(OcspProblem::Signature { reason: s() })),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Ocsp(OcspProblem::Responder { reason: s() })),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Ocsp(OcspProblem::OtherCertificate)),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Ocsp(OcspProblem::NotCurrent {
                    reason: s(),
                })),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Ocsp(OcspProblem::Revoked { time: s() })),
            },
            Reason::EidBinding {
                signer: s(),
                holder: None,
                problem: Box::new(BindingProblem::Ocsp(OcspProblem::Unknown)),
            },
            Reason::Unreadable {
                kind: FileKind::AgreementFile,
                detail: s(),
            },
            Reason::Unreadable {
                kind: FileKind::Exemplar,
                detail: s(),
            },
            Reason::Unreadable {
                kind: FileKind::OtherPdf,
                detail: s(),
            },
            Reason::Unreadable {
                kind: FileKind::Other,
                detail: s(),
            },
        ];
        let mut codes: Vec<_> = all.iter().map(Reason::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        let mut listed = Reason::CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(codes, listed, "Reason::CODES lists every code once");
        assert!(all.iter().all(|r| !r.to_string().is_empty()));
    }

    #[test]
    fn times_are_of_one_shape() {
        for good in [
            "2026-11-23T10:00:00+01:00",
            "2026-11-23T23:59:59-05:30",
            "2028-02-29T00:00:00+00:00",
            "2026-01-01T00:00:00+23:59",
            "0001-01-01T00:00:00+23:59",
            "9999-12-31T23:59:59-23:59",
            "2026-11-23T10:00:00+00:00",
        ] {
            assert!(parse_time(good).is_some(), "{good}");
        }
        // Compared as instants: the same moment in two offsets is one time.
        assert_eq!(
            parse_time("2026-11-23T09:00:00+00:00"),
            parse_time("2026-11-23T10:00:00+01:00")
        );
        for bad in [
            "yesterday",
            "",
            "2026-11-23T25:61:00+01:00",
            "2026-11-23T10:61:00+01:00",
            "2026-11-23T10:00:60+01:00",
            "2026-11-23T10:00:00Z",
            "2026-11-23T10:00:00.5+01:00",
            "2026-02-30T10:00:00+01:00",
            "2027-02-29T10:00:00+01:00",
            "0000-01-01T10:00:00+01:00",
            "2026-11-23T10:00:00+24:00",
            "2026-11-23T10:00:00+01:60",
            "2026-11-23 10:00:00+01:00",
            "2026-11-23t10:00:00+01:00",
            "2026-11-23T10:00:00+0100",
            "2026-1-23T10:00:00+01:00",
            "２026-11-23T10:00:00+01:00",
            "2026-11-23T10:00:00-00:00",
        ] {
            assert!(parse_time(bad).is_none(), "{bad}");
        }
        assert_eq!(shortened(&"x".repeat(41)), format!("{}…", "x".repeat(40)));
        assert_eq!(shortened("short"), "short");
    }

    #[test]
    fn the_first_problem_names_its_signature() {
        let first = FirstProblem {
            signer: Some("Tom Hendrix".into()),
            role: Some(Party::Provider),
            reason: Reason::TextMismatch,
        };
        assert_eq!(
            first.to_string(),
            "signature of Tom Hendrix (provider): the text it signed is not the text these values give"
        );
        let whole = FirstProblem {
            signer: None,
            role: None,
            reason: Reason::AuditMissing,
        };
        assert_eq!(whole.to_string(), "the audit trail is missing");
    }
}
