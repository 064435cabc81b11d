//! What the desk refuses.

use tweevoud::error::{Coded, Params};
use tweevoud::key::KeyError;
use tweevoud::verify::FirstProblem;
use tweevoud::{AgreementError, ChangeError};

/// Why the desk did not do what was asked; nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// A command about the agreement on the desk, with none there.
    #[error("no agreement is open")]
    NoAgreement,
    /// The agreement's signatures have not been looked at yet.
    #[error("look at the existing signatures before filling in anything")]
    NotReviewed,
    /// The agreement is not intact, so nothing may be added to it.
    #[error("this agreement is not intact, so it cannot be filled in or signed: {0}")]
    NotIntact(FirstProblem),
    /// Everybody has signed: nothing is left to fill in.
    #[error("both parties have signed; nothing is left to fill in")]
    Finished,
    /// Filling in or signing was refused by the core.
    #[error(transparent)]
    Agreement(#[from] AgreementError),
    /// This place's keys could not be read.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Making the PDFs was refused by the core.
    #[error(transparent)]
    Pdf(#[from] tweevoud::pdf::PdfError),
    /// The PDFs are sealed by a key that signed the agreement, which must be unlocked.
    #[error("the PDFs are sealed with the key that signed the agreement: choose it and give its passphrase")]
    SealKeyNeeded,
}

impl From<ChangeError> for DeskError {
    fn from(e: ChangeError) -> DeskError {
        match e {
            ChangeError::Agreement(e) => DeskError::Agreement(e),
            ChangeError::NotIntact(first) => DeskError::NotIntact(first),
        }
    }
}

impl DeskError {
    /// The codes of the desk's own refusals (a wrapped core error gives the core's).
    pub const CODES: &'static [&'static str] = &[
        "no_agreement",
        "not_reviewed",
        "not_intact",
        "finished",
        "seal_key_needed",
    ];
}

impl Coded for DeskError {
    fn code(&self) -> &'static str {
        match self {
            DeskError::NoAgreement => "no_agreement",
            DeskError::NotReviewed => "not_reviewed",
            DeskError::NotIntact(_) => "not_intact",
            DeskError::Finished => "finished",
            DeskError::SealKeyNeeded => "seal_key_needed",
            DeskError::Pdf(e) => e.code(),
            DeskError::Agreement(e) => e.code(),
            DeskError::Key(e) => e.code(),
        }
    }

    fn params(&self) -> Params {
        match self {
            DeskError::NoAgreement
            | DeskError::NotReviewed
            | DeskError::Finished
            | DeskError::SealKeyNeeded => Vec::new(),
            DeskError::Pdf(e) => e.params(),
            DeskError::NotIntact(first) => {
                let mut params = vec![("reason", first.code().to_string())];
                params.extend(first.params());
                params
            }
            DeskError::Agreement(e) => e.params(),
            DeskError::Key(e) => e.params(),
        }
    }
}
