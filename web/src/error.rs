//! What the browser's desk refuses, as the window reads it: the desktop app's error JSON.
//!
//! A refusal reaches the window as `{kind, message, params}`, exactly as the app's IPC errors
//! do (src-tauri/src/error.rs): `kind` is the stable code of [`Coded`] (a core error's own,
//! delegated, not mapped), `message` its English words, `params` what to word it with. An
//! invalid value also carries `blank` and `problem`; an agreement that is not intact, and a
//! file that is refused, carry `reason`: the core's verification reason.

use tweevoud::contact::ContactError;
use tweevoud::error::Params;
use tweevoud::key::KeyError;
use tweevoud::pdf::PdfError;
use tweevoud::template::TemplateError;
use tweevoud::verify::FirstProblem;
use tweevoud::{AgreementError, ChangeError, Coded, OpenError};
use tweevoud_desk::window::{self, open_reason, WindowError};
use tweevoud_desk::DeskError;

/// Why a command was refused; nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The desk refused: no agreement, not looked at, not intact, finished, or the core's
    /// refusal to fill in or sign.
    #[error(transparent)]
    Desk(#[from] DeskError),
    /// Filling in or reading an agreement failed.
    #[error(transparent)]
    Agreement(#[from] AgreementError),
    /// A template was not found.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A key could not be made, read, unlocked or found.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A contact could not be added or found.
    #[error(transparent)]
    Contact(#[from] ContactError),
    /// An exemplar PDF could not be made.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// A file could not be opened as an agreement: damaged or altered, or no agreement.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// No command of this name (the desktop's archive commands, say, which the browser has
    /// not).
    #[error("there is no command {command:?} in the browser edition")]
    UnknownCommand {
        /// The name asked for.
        command: String,
    },
    /// The arguments are not what the command takes.
    #[error("the arguments of {command} are not what it takes: {detail}")]
    BadArguments {
        /// The command.
        command: String,
        /// What is wrong with them.
        detail: String,
    },
    /// What the browser kept (the saved keys and contacts) cannot be read.
    #[error("the keys and contacts this browser kept cannot be read: {detail}")]
    SavedUnreadable {
        /// What is wrong with them.
        detail: String,
    },
}

impl From<ChangeError> for WebError {
    fn from(e: ChangeError) -> WebError {
        WebError::Desk(e.into())
    }
}

impl WebError {
    /// The codes of this edition's own refusals (a wrapped error gives its own), so that a test
    /// can check the window words them all.
    pub const CODES: &'static [&'static str] =
        &["unknown_command", "bad_arguments", "saved_unreadable"];

    /// The arguments of `command` refused for `detail`.
    pub fn bad_arguments(command: &str, detail: impl std::fmt::Display) -> WebError {
        WebError::BadArguments {
            command: command.to_string(),
            detail: detail.to_string(),
        }
    }

    /// Why a file or an agreement is refused, as the core's reason, when there is one.
    pub fn reason(&self) -> Option<FirstProblem> {
        match self {
            WebError::Desk(e) => e.reason(),
            WebError::Open(e) => open_reason(e),
            WebError::Agreement(_)
            | WebError::Template(_)
            | WebError::Key(_)
            | WebError::Contact(_)
            | WebError::Pdf(_)
            | WebError::UnknownCommand { .. }
            | WebError::BadArguments { .. }
            | WebError::SavedUnreadable { .. } => None,
        }
    }

    /// The error as the window reads it: `{kind, message, params, ...}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an error serializes")
    }
}

/// The stable code sent as `kind`: a wrapped error's own, this edition's for its own variants.
/// Parameters: the wrapped error's, or `command` and `detail` for this edition's.
impl Coded for WebError {
    fn code(&self) -> &'static str {
        match self {
            WebError::Desk(e) => e.code(),
            WebError::Agreement(e) => e.code(),
            WebError::Template(e) => e.code(),
            WebError::Key(e) => e.code(),
            WebError::Contact(e) => e.code(),
            WebError::Pdf(e) => e.code(),
            WebError::Open(e) => e.code(),
            WebError::UnknownCommand { .. } => "unknown_command",
            WebError::BadArguments { .. } => "bad_arguments",
            WebError::SavedUnreadable { .. } => "saved_unreadable",
        }
    }

    fn params(&self) -> Params {
        match self {
            WebError::Desk(e) => e.params(),
            WebError::Agreement(e) => e.params(),
            WebError::Template(e) => e.params(),
            WebError::Key(e) => e.params(),
            WebError::Contact(e) => e.params(),
            WebError::Pdf(e) => e.params(),
            WebError::Open(e) => e.params(),
            WebError::UnknownCommand { command } => vec![("command", command.clone())],
            WebError::BadArguments { command, detail } => {
                vec![("command", command.clone()), ("detail", detail.clone())]
            }
            WebError::SavedUnreadable { detail } => vec![("detail", detail.clone())],
        }
    }
}

impl WindowError for WebError {
    fn agreement_error(&self) -> Option<&AgreementError> {
        match self {
            WebError::Agreement(e) => Some(e),
            WebError::Desk(e) => e.agreement_error(),
            _ => None,
        }
    }

    fn reason(&self) -> Option<FirstProblem> {
        WebError::reason(self)
    }
}

impl serde::Serialize for WebError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        window::serialize(self, serializer)
    }
}

#[cfg(test)]
mod tests {
    use tweevoud::error::assert_codes;
    use tweevoud::verify::Reason;
    use tweevoud::{FileKind, Problem};

    use super::*;

    #[test]
    fn own_codes_are_listed() {
        assert_codes(
            &[
                &WebError::UnknownCommand {
                    command: "x".into(),
                },
                &WebError::bad_arguments("x", "y"),
                &WebError::SavedUnreadable { detail: "x".into() },
            ],
            WebError::CODES,
        );
    }

    #[test]
    fn serializes_as_the_app_does() {
        let json: serde_json::Value =
            serde_json::from_str(&WebError::from(DeskError::NoAgreement).to_json()).unwrap();
        assert_eq!(json["kind"], "no_agreement");
        assert_eq!(json["message"], "no agreement is open");
        assert_eq!(json.as_object().unwrap().len(), 3);

        let e = WebError::from(AgreementError::InvalidValue {
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

        let e = WebError::from(OpenError::Refused {
            path: "notes.pdf".into(),
            kind: FileKind::OtherPdf,
            reason: Reason::Unreadable {
                kind: FileKind::OtherPdf,
                detail: "not a Tweevoud exemplar: the PDF carries no agreement file".into(),
            },
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "not_an_agreement");
        assert_eq!(json["params"]["path"], "notes.pdf");
        assert_eq!(json["reason"]["reason"]["code"], "pdf_without_agreement");

        let json = serde_json::to_value(WebError::UnknownCommand {
            command: "list_archive".into(),
        })
        .unwrap();
        assert_eq!(json["kind"], "unknown_command");
        assert_eq!(json["params"]["command"], "list_archive");
    }
}
