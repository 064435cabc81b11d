//! The one error type at the IPC edge.
//!
//! It wraps the core's errors unchanged and reaches the front-end as `{kind, message}`: `kind`
//! is a stable code the UI can branch on and word in its own language, `message` is the
//! error's English text for when it cannot. An invalid value also carries `blank` and
//! `problem` (the core's [`Problem::code`] and its parameters), so that the UI can say what is
//! wrong with it in the user's language, beside the blank. An agreement that is not intact,
//! and a file that cannot be read as one, also carry `reason`: the core's verification reason
//! (`{code, params, message}`, with the signature it concerns), to be worded the same way.

use std::path::PathBuf;

use serde::ser::SerializeMap;
use tweevoud::archive::ArchiveError;
use tweevoud::contact::ContactError;
use tweevoud::key::KeyError;
use tweevoud::pdf::PdfError;
use tweevoud::template::TemplateError;
use tweevoud::verify::{FirstProblem, Reason};
use tweevoud::{AgreementError, ChangeError, FileKind, OpenError, Problem};

/// Anything a command can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The profile directory could not be created or opened.
    #[error("cannot use the profile directory {}: {source}", path.display())]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A template was not found or is not well-formed.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Filling, signing, reading or writing an agreement failed.
    #[error(transparent)]
    Agreement(#[from] AgreementError),
    /// A key could not be made, read, unlocked or exported.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A contact could not be added, read or changed.
    #[error(transparent)]
    Contact(#[from] ContactError),
    /// An exemplar PDF could not be made.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// The archive could not store, find or read an agreement.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The system's PDF viewer could not be started.
    #[error("cannot open {} in the PDF viewer: {reason}", path.display())]
    Viewer {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The file opened is not a Tweevoud agreement at all.
    #[error("{} is not a Tweevoud agreement file: {reason}", path.display())]
    NotAnAgreement {
        /// The file.
        path: PathBuf,
        /// What it is ([`FileKind::OtherPdf`] or [`FileKind::Other`]).
        kind: FileKind,
        /// The core's reason.
        reason: Reason,
    },
    /// The file claims to be a Tweevoud agreement but cannot be read as one: it was damaged
    /// or altered.
    #[error("{} is a damaged or altered Tweevoud agreement file: {reason}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What it is ([`FileKind::AgreementFile`] or [`FileKind::Exemplar`]).
        kind: FileKind,
        /// The core's reason.
        reason: Reason,
    },
    /// Writing a file the user chose failed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Reading a file the user chose failed.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A command about the open agreement, with none open.
    #[error("no agreement is open")]
    NoAgreement,
    /// The open agreement's signatures have not been looked at yet.
    #[error("look at the existing signatures before filling in anything")]
    NotReviewed,
    /// The open agreement is not intact, so nothing may be added to it.
    #[error("this agreement is not intact, so it cannot be filled in or signed: {0}")]
    NotIntact(FirstProblem),
    /// Everybody has signed: nothing is left to fill in.
    #[error("both parties have signed; nothing is left to fill in")]
    Finished,
    /// The passphrase and its confirmation differ.
    #[error("the passphrase and its confirmation differ")]
    PassphrasesDiffer,
    /// A file was asked for, but none was dropped on the window.
    #[error("no file was dropped on the window")]
    NothingDropped,
    /// The work of a command stopped before it finished: a defect in Tweevoud (it panicked).
    /// The window and the agreement on the desk stay.
    #[error("the work stopped before it finished: {reason}")]
    Interrupted {
        /// What stopped it.
        reason: String,
    },
    /// A test hook was called, but the app was not started with `TWEEVOUD_E2E_HOOKS=1` (only
    /// with the `e2e-hooks` feature).
    #[cfg(feature = "e2e-hooks")]
    #[error("test hooks are off (start the app with TWEEVOUD_E2E_HOOKS=1)")]
    HooksOff,
}

impl From<ChangeError> for Error {
    fn from(e: ChangeError) -> Error {
        match e {
            ChangeError::Agreement(e) => Error::Agreement(e),
            ChangeError::NotIntact(first) => Error::NotIntact(first),
        }
    }
}

impl Error {
    /// The error for a file that could not be opened as an agreement: unreadable, or refused
    /// (damaged when it is a Tweevoud file, else not an agreement).
    pub fn from_open(e: OpenError) -> Error {
        match e {
            OpenError::Read { path, source } => Error::Read { path, source },
            OpenError::Refused { path, kind, reason } if kind.is_tweevoud() => {
                Error::Damaged { path, kind, reason }
            }
            OpenError::Refused { path, kind, reason } => {
                Error::NotAnAgreement { path, kind, reason }
            }
        }
    }

    /// The stable code sent as `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::DataDir { .. } => "data_dir",
            Error::Template(TemplateError::NotFound(_)) => "template_not_found",
            Error::Template(_) => "template_invalid",
            Error::Agreement(e) => agreement_kind(e),
            Error::Key(e) => key_kind(e),
            Error::Contact(ContactError::Key(e)) => key_kind(e),
            Error::Contact(ContactError::OwnKey { .. }) => "own_key",
            Error::Contact(ContactError::MissingName) => "missing_name",
            Error::Contact(ContactError::NotFound { .. }) => "contact_not_found",
            Error::Contact(ContactError::Corrupt { .. }) => "contact_damaged",
            Error::Contact(_) => "contact",
            Error::Pdf(PdfError::Unsigned) => "unsigned",
            Error::Pdf(PdfError::Invalid(_)) => "not_intact",
            Error::Pdf(PdfError::MissingGlyph { .. }) => "missing_glyph",
            Error::Pdf(_) => "pdf",
            Error::Archive(ArchiveError::Invalid(_)) => "not_intact",
            Error::Archive(ArchiveError::NotFound(_)) => "archive_not_found",
            Error::Archive(ArchiveError::EmptyQuery(_)) => "empty_query",
            Error::Archive(ArchiveError::NoExemplar { .. }) => "no_exemplar",
            Error::Archive(ArchiveError::Lock { .. }) => "archive_locked",
            Error::Archive(
                ArchiveError::BadObject { .. }
                | ArchiveError::LogMismatch { .. }
                | ArchiveError::IndexMissing { .. }
                | ArchiveError::IndexSchema { .. },
            ) => "archive_damaged",
            Error::Archive(ArchiveError::Agreement(e)) => agreement_kind(e),
            Error::Archive(_) => "archive",
            Error::Viewer { .. } => "viewer",
            Error::NotAnAgreement { .. } => "not_an_agreement",
            Error::Damaged { .. } => "altered",
            Error::Write { .. } => "write_failed",
            Error::Read { .. } => "read_failed",
            Error::NoAgreement => "no_agreement",
            Error::NotReviewed => "not_reviewed",
            Error::NotIntact(_) => "not_intact",
            Error::Finished => "finished",
            Error::PassphrasesDiffer => "passphrases_differ",
            Error::NothingDropped => "nothing_dropped",
            Error::Interrupted { .. } => "interrupted",
            #[cfg(feature = "e2e-hooks")]
            Error::HooksOff => "hooks_off",
        }
    }

    /// Why a file or an agreement is refused, as the core's reason, when there is one.
    pub fn reason(&self) -> Option<FirstProblem> {
        let whole = |reason| FirstProblem {
            signer: None,
            role: None,
            reason,
        };
        match self {
            Error::NotIntact(first) => Some(first.clone()),
            Error::NotAnAgreement { reason, .. } | Error::Damaged { reason, .. } => {
                Some(whole(reason.clone()))
            }
            _ => None,
        }
    }

    /// The invalid value's blank and problem, for `invalid_value`.
    fn invalid_value(&self) -> Option<(&str, &Problem)> {
        let mut e = match self {
            Error::Agreement(e) => e,
            _ => return None,
        };
        while let AgreementError::InFile { source, .. } = e {
            e = source;
        }
        match e {
            AgreementError::InvalidValue { blank, problem, .. } => Some((blank, problem)),
            _ => None,
        }
    }
}

fn agreement_kind(e: &AgreementError) -> &'static str {
    match e {
        AgreementError::InFile { source, .. } => agreement_kind(source),
        AgreementError::Read { .. } => "read_failed",
        AgreementError::Write { .. } => "write_failed",
        AgreementError::TooLarge => "too_large",
        AgreementError::Json(_) | AgreementError::UnsupportedFormat(_) => "not_an_agreement",
        AgreementError::TemplateHash { .. }
        | AgreementError::TemplateId { .. }
        | AgreementError::Template(_)
        | AgreementError::DuplicateValue(_) => "altered",
        AgreementError::UnknownBlank { .. } => "unknown_blank",
        AgreementError::InvalidValue { .. } => "invalid_value",
        AgreementError::Signed { .. } => "blank_signed",
        AgreementError::NotOpen { .. } => "blank_not_open",
        AgreementError::AlreadySigned(_) => "already_signed",
        AgreementError::OwnBlanksMissing { .. } => "own_blanks_missing",
        AgreementError::MustLeaveOpen { .. } => "must_leave_open",
        AgreementError::CannotLeaveOpen => "cannot_leave_open",
        AgreementError::WrongSignatory { .. } => "wrong_signatory",
        AgreementError::DetailMissing { .. } => "detail_missing",
        _ => "agreement",
    }
}

fn key_kind(e: &KeyError) -> &'static str {
    match e {
        KeyError::WrongPassphrase { .. } => "wrong_passphrase",
        KeyError::WeakPassphrase { .. } => "weak_passphrase",
        KeyError::NotFound { .. } => "key_not_found",
        KeyError::Ambiguous { .. } => "key_ambiguous",
        KeyError::MissingName => "missing_name",
        KeyError::AlreadyExists { .. } => "key_exists",
        KeyError::Corrupt { .. } => "key_damaged",
        KeyError::Io { .. } => "io",
        KeyError::NotEncrypted
        | KeyError::UnsupportedEncryption { .. }
        | KeyError::Malformed { .. } => "not_a_key",
        _ => "key",
    }
}

/// The parameters of a problem, for the UI's wording.
#[derive(serde::Serialize)]
struct ProblemJson {
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    digits: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    found: Option<String>,
}

impl From<&Problem> for ProblemJson {
    fn from(p: &Problem) -> Self {
        let mut json = ProblemJson {
            code: p.code(),
            max: None,
            digits: None,
            expected: None,
            found: None,
        };
        match p {
            Problem::TooLong { max } | Problem::TooManyLines { max } => json.max = Some(*max),
            Problem::EnterpriseNumberLength { digits } => json.digits = Some(*digits),
            Problem::EnterpriseNumberCheck { expected } => json.expected = Some(expected.clone()),
            Problem::BadCharacter { found } => json.found = Some(found.to_string()),
            _ => {}
        }
        json
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let invalid = self.invalid_value();
        let reason = self.reason();
        let len = 2 + 2 * usize::from(invalid.is_some()) + usize::from(reason.is_some());
        let mut s = serializer.serialize_map(Some(len))?;
        s.serialize_entry("kind", self.kind())?;
        s.serialize_entry("message", &self.to_string())?;
        if let Some((blank, problem)) = invalid {
            s.serialize_entry("blank", blank)?;
            s.serialize_entry("problem", &ProblemJson::from(problem))?;
        }
        if let Some(reason) = reason {
            s.serialize_entry("reason", &reason)?;
        }
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let e = Error::from(TemplateError::NotFound("nope".into()));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "template_not_found");
        assert!(json["message"].as_str().unwrap().contains("nope"));
        assert_eq!(json.as_object().unwrap().len(), 2);
    }

    #[test]
    fn invalid_value_names_the_blank_and_the_problem() {
        let e = Error::from(AgreementError::InvalidValue {
            blank: "customer_enterprise_number".into(),
            label: "Ondernemingsnummer van de Klant".into(),
            value: "0821.588.021".into(),
            problem: Problem::EnterpriseNumberCheck {
                expected: "20".into(),
            },
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "invalid_value");
        assert_eq!(json["blank"], "customer_enterprise_number");
        assert_eq!(json["problem"]["code"], "enterprise_number_check");
        assert_eq!(json["problem"]["expected"], "20");
    }

    #[test]
    fn a_refusal_carries_the_core_reason_to_word() {
        let e = Error::NotIntact(FirstProblem {
            signer: Some("Tom Hendrix".into()),
            role: Some(tweevoud::Party::Provider),
            reason: Reason::TextMismatch,
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "not_intact");
        assert_eq!(json["reason"]["signer"], "Tom Hendrix");
        assert_eq!(json["reason"]["role"], "provider");
        assert_eq!(json["reason"]["reason"]["code"], "text_mismatch");
        let e = Error::NotAnAgreement {
            path: "notes.pdf".into(),
            kind: FileKind::OtherPdf,
            reason: Reason::Unreadable {
                kind: FileKind::OtherPdf,
                detail: "not a Tweevoud exemplar: the PDF carries no agreement file".into(),
            },
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "not_an_agreement");
        assert_eq!(json["reason"]["reason"]["code"], "pdf_without_agreement");
        assert!(json["reason"]["reason"]["params"]["detail"]
            .as_str()
            .unwrap()
            .contains("no agreement file"));
        let plain = serde_json::to_value(Error::NoAgreement).unwrap();
        assert!(plain.get("reason").is_none());
    }

    #[test]
    fn archive_refusals_have_their_own_kinds() {
        let e = Error::from(ArchiveError::NoExemplar {
            id: "ab".repeat(32),
            number: 2,
        });
        assert_eq!(e.kind(), "no_exemplar");
        let e = Error::from(ArchiveError::BadObject {
            sha256: "00".repeat(32),
            problem: "missing".into(),
        });
        assert_eq!(e.kind(), "archive_damaged");
        let e = Error::from(ArchiveError::NotFound("x".into()));
        assert_eq!(e.kind(), "archive_not_found");
    }

    #[test]
    fn kinds_look_through_the_file_context() {
        let e = Error::from(AgreementError::InFile {
            path: "x.tweevoud".into(),
            source: Box::new(AgreementError::Json("expected value".into())),
        });
        assert_eq!(e.kind(), "not_an_agreement");
        let e = Error::from(KeyError::WrongPassphrase { what: "key".into() });
        assert_eq!(e.kind(), "wrong_passphrase");
    }
}

/// The window words every code the core and this edge can send, in each of its languages.
#[cfg(test)]
mod wording {
    use tweevoud::verify::Reason;
    use tweevoud::StrengthReason;

    /// The keys of one language's table in `ui/i18n.js`.
    fn keys(lang: &str) -> Vec<String> {
        let js = include_str!("../../ui/i18n.js");
        let start = js
            .find(&format!("\n  {lang}: {{"))
            .unwrap_or_else(|| panic!("no {lang} table"));
        let end = start + js[start..].find("\n  },").expect("the table ends");
        js[start..end]
            .lines()
            .filter_map(|l| l.strip_prefix("    ")?.split_once(':'))
            .map(|(k, _)| k.trim().to_string())
            .filter(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect()
    }

    #[test]
    fn every_reason_and_hint_has_words_in_nl_fr_and_en() {
        for lang in ["nl", "fr", "en"] {
            let keys = keys(lang);
            let missing: Vec<String> = Reason::CODES
                .iter()
                .map(|c| format!("reason_{c}"))
                .chain(
                    StrengthReason::CODES
                        .iter()
                        .map(|c| format!("strength_reason_{c}")),
                )
                .filter(|k| !keys.contains(k))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    #[test]
    fn every_verdict_has_a_title_and_words_in_nl_fr_and_en() {
        for lang in ["nl", "fr", "en"] {
            let keys = keys(lang);
            for code in tweevoud::VerdictCode::ALL {
                for key in [format!("verdict_{code}"), format!("verdict_{code}_text")] {
                    assert!(keys.contains(&key), "{lang} lacks {key}");
                }
            }
        }
    }

    #[test]
    fn the_three_languages_have_the_same_strings() {
        let en = keys("en");
        assert!(en.len() > 300, "{}", en.len());
        for lang in ["nl", "fr"] {
            let other = keys(lang);
            let only_en: Vec<_> = en.iter().filter(|k| !other.contains(k)).collect();
            let only_here: Vec<_> = other.iter().filter(|k| !en.contains(k)).collect();
            assert!(
                only_en.is_empty() && only_here.is_empty(),
                "{lang}: missing {only_en:?}, extra {only_here:?}"
            );
        }
    }
}
