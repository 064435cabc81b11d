//! The one error type at the IPC edge.
//!
//! It wraps the core's errors unchanged and reaches the front-end as `{kind, message, params}`:
//! `kind` is the stable code of [`Coded`] (the core's own for a core error, delegated, not
//! mapped), which the UI words in its own language with `params`; `message` is the error's
//! English text for when it cannot. An invalid value also carries `blank` and `problem` (the
//! core's [`Problem`] as `{code, params, message}`), so that the UI can say what is wrong with
//! it in the user's language, beside the blank. An agreement that is not intact, and a file
//! that cannot be read as one, also carry `reason`: the core's verification reason (`{code,
//! params, message}`, with the signature it concerns), to be worded the same way.

use std::path::PathBuf;

use tweevoud::archive::ArchiveError;
use tweevoud::error::Params;
use tweevoud::verify::FirstProblem;
use tweevoud::{AgreementError, Coded, OpenError};
use tweevoud_desk::window::{self, open_reason, WindowError};
use tweevoud_desk::DeskError;

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
    /// The desk refused: the command's own refusals, and the core's (a template, a value, a
    /// key, a contact, a file, the PDFs) that it passes on.
    #[error(transparent)]
    Desk(#[from] DeskError),
    /// Writing the agreement file failed.
    #[error(transparent)]
    Agreement(#[from] AgreementError),
    /// The archive could not store, find or read an agreement.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// A file could not be opened as an agreement: it cannot be read, it is damaged or
    /// altered (a Tweevoud file), or it is no agreement at all.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The system's PDF viewer could not be started.
    #[error("cannot open {} in the PDF viewer: {reason}", path.display())]
    Viewer {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
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

impl Error {
    /// The codes of this edge's own variants (a wrapped core error gives the core's), so that
    /// a test can check the window words them all.
    pub const CODES: &'static [&'static str] = &[
        "data_dir",
        "viewer",
        "write_failed",
        "read_failed",
        "nothing_dropped",
        "interrupted",
        "hooks_off",
    ];

    /// The error for a file that could not be opened as an agreement.
    pub fn from_open(e: OpenError) -> Error {
        Error::Open(e)
    }

    /// Why a file or an agreement is refused, as the core's reason, when there is one.
    pub fn reason(&self) -> Option<FirstProblem> {
        match self {
            Error::Desk(e) => e.reason(),
            Error::Open(e) => open_reason(e),
            Error::DataDir { .. }
            | Error::Agreement(_)
            | Error::Archive(_)
            | Error::Viewer { .. }
            | Error::Write { .. }
            | Error::Read { .. }
            | Error::NothingDropped
            | Error::Interrupted { .. } => None,
            #[cfg(feature = "e2e-hooks")]
            Error::HooksOff => None,
        }
    }
}

/// The stable code sent as `kind`: a core error's own, this edge's for its own variants.
/// Parameters: the core error's, or `path`, `reason`, `detail` for this edge's.
impl Coded for Error {
    fn code(&self) -> &'static str {
        match self {
            Error::DataDir { .. } => "data_dir",
            Error::Desk(e) => e.code(),
            Error::Agreement(e) => e.code(),
            Error::Archive(e) => e.code(),
            Error::Open(e) => e.code(),
            Error::Viewer { .. } => "viewer",
            Error::Write { .. } => "write_failed",
            Error::Read { .. } => "read_failed",
            Error::NothingDropped => "nothing_dropped",
            Error::Interrupted { .. } => "interrupted",
            #[cfg(feature = "e2e-hooks")]
            Error::HooksOff => "hooks_off",
        }
    }

    fn params(&self) -> Params {
        let path = |p: &std::path::Path| ("path", p.display().to_string());
        match self {
            Error::DataDir { path: p, source }
            | Error::Write { path: p, source }
            | Error::Read { path: p, source } => vec![path(p), ("detail", source.to_string())],
            Error::Desk(e) => e.params(),
            Error::Agreement(e) => e.params(),
            Error::Archive(e) => e.params(),
            Error::Open(e) => e.params(),
            Error::Viewer { path: p, reason } => vec![path(p), ("reason", reason.clone())],
            Error::Interrupted { reason } => vec![("reason", reason.clone())],
            Error::NothingDropped => Vec::new(),
            #[cfg(feature = "e2e-hooks")]
            Error::HooksOff => Vec::new(),
        }
    }
}

impl WindowError for Error {
    fn agreement_error(&self) -> Option<&AgreementError> {
        match self {
            Error::Desk(e) => e.agreement_error(),
            Error::Agreement(e) | Error::Archive(ArchiveError::Agreement(e)) => Some(e),
            _ => None,
        }
    }

    fn reason(&self) -> Option<FirstProblem> {
        Error::reason(self)
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        window::serialize(self, serializer)
    }
}

#[cfg(test)]
mod tests {
    use tweevoud::contact::ContactError;
    use tweevoud::error::params_map;
    use tweevoud::key::KeyError;
    use tweevoud::template::TemplateError;
    use tweevoud::verify::Reason;
    use tweevoud::{FileKind, Problem};

    use super::*;

    #[test]
    fn serializes_as_kind_message_and_params() {
        let e = Error::from(DeskError::from(TemplateError::NotFound("nope".into())));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "template_not_found");
        assert!(json["message"].as_str().unwrap().contains("nope"));
        assert_eq!(json["params"]["template"], "nope");
        assert_eq!(json.as_object().unwrap().len(), 3);
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
        assert_eq!(json["problem"]["params"]["expected"], "20");
        assert_eq!(json["params"]["problem"], "enterprise_number_check");
    }

    #[test]
    fn an_invisible_character_is_named() {
        let e = Error::from(AgreementError::InvalidValue {
            blank: "customer_name".into(),
            label: "Naam".into(),
            value: "Brouwerij\u{200b}Kat".into(),
            problem: Problem::InvisibleCharacter { found: '\u{200b}' },
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["problem"]["code"], "invisible_character");
        assert_eq!(json["problem"]["params"]["found"], "U+200B");
    }

    #[test]
    fn a_refusal_carries_the_core_reason_to_word() {
        let e = Error::from(DeskError::NotIntact(FirstProblem {
            signer: Some("Tom Hendrix".into()),
            role: Some(tweevoud::Party::Provider),
            reason: Reason::TextMismatch,
        }));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "not_intact");
        assert_eq!(json["reason"]["signer"], "Tom Hendrix");
        assert_eq!(json["reason"]["role"], "provider");
        assert_eq!(json["reason"]["reason"]["code"], "text_mismatch");
        let e = Error::from_open(OpenError::Refused {
            path: "notes.pdf".into(),
            kind: FileKind::OtherPdf,
            reason: Reason::Unreadable {
                kind: FileKind::OtherPdf,
                detail: "not a Tweevoud exemplar: the PDF carries no agreement file".into(),
            },
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "not_an_agreement");
        assert_eq!(json["reason"]["reason"]["code"], "pdf_without_agreement");
        assert!(json["reason"]["reason"]["params"]["detail"]
            .as_str()
            .unwrap()
            .contains("no agreement file"));
        let plain = serde_json::to_value(Error::from(DeskError::NoAgreement)).unwrap();
        assert!(plain.get("reason").is_none());
    }

    #[test]
    fn kinds_are_the_core_codes() {
        let e = Error::from(ArchiveError::NoExemplar {
            id: "ab".repeat(32),
            number: 2,
        });
        assert_eq!(e.code(), "no_exemplar");
        assert_eq!(params_map(&e)["number"], "2");
        let e = Error::from(AgreementError::InFile {
            path: "x.tweevoud".into(),
            source: Box::new(AgreementError::Json("expected value".into())),
        });
        assert_eq!(e.code(), "not_an_agreement");
        let e = Error::from(DeskError::from(ContactError::Key(
            KeyError::WrongPassphrase { what: "key".into() },
        )));
        assert_eq!(e.code(), "wrong_passphrase");
    }
}
