//! What the desk refuses.

use tweevoud::contact::ContactError;
use tweevoud::error::{Coded, Params};
use tweevoud::key::KeyError;
use tweevoud::template::TemplateError;
use tweevoud::verify::FirstProblem;
use tweevoud::{AgreementError, ChangeError, OpenError};

use crate::window::{self, open_reason, WindowError};

/// Why the desk did not do what was asked; nothing changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// A signature of the agreement on the desk that it does not have.
    #[error("the agreement has no signature {index}")]
    NoSignature {
        /// The index asked for (from 0).
        index: usize,
    },
    /// The passphrase and its confirmation differ.
    #[error("the passphrase and its confirmation differ")]
    PassphrasesDiffer,
    /// "Open this agreement" on the verify screen, with no file verified yet.
    #[error("no file has been verified yet, so there is none to open")]
    NothingVerified,
    /// No time-stamping authority gave a timestamp.
    #[error("no timestamp could be obtained: {}", if *tsas == 0 { "this profile names no time-stamping authority".to_string() } else { format!("none of the {tsas} time-stamping authorities this profile names answered") })]
    NoTimestamp {
        /// How many TSAs the place names.
        tsas: usize,
    },
    /// The PDFs are sealed by a key that signed the agreement, which must be unlocked.
    #[error("the PDFs are sealed with the key that signed the agreement: choose it and give its passphrase")]
    SealKeyNeeded,
    /// Filling in or signing was refused by the core.
    #[error(transparent)]
    Agreement(#[from] AgreementError),
    /// A template was not found.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// This place's keys could not be read, made, unlocked or found.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A contact could not be added, read or changed.
    #[error(transparent)]
    Contact(#[from] ContactError),
    /// A file could not be opened as an agreement: it cannot be read, it is damaged or
    /// altered (a Tweevoud file), or it is no agreement at all.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// Making the PDFs was refused by the core.
    #[error(transparent)]
    Pdf(#[from] tweevoud::pdf::PdfError),
    /// The place's archive could not store, find or read an agreement.
    #[cfg(feature = "fs")]
    #[error(transparent)]
    Archive(#[from] tweevoud::ArchiveError),
    /// Sealing with the eID: the card in the reader is not of a signer whose key is bound to
    /// it (an eID binding that holds names its holder).
    #[error(
        "the eID card in the reader is not of a signer of this agreement whose key is bound to it"
    )]
    OtherHolder,
    /// The card reader, the card or its PIN (its own code).
    #[cfg(feature = "fs")]
    #[error(transparent)]
    Card(#[from] tweevoud::eid::CardError),
    /// Where the profile keeps its eID setting could not be read.
    #[cfg(feature = "fs")]
    #[error(transparent)]
    EidSettings(#[from] tweevoud::profile::eid::EidSettingsError),
    /// The card's Signature certificate does not hold now (its own code, a reason).
    #[cfg(feature = "fs")]
    #[error(transparent)]
    EidPath(#[from] tweevoud::eid::PathProblem),
    /// The eID's revocation service says the certificate is revoked, or does not know it.
    #[cfg(feature = "fs")]
    #[error(transparent)]
    Ocsp(#[from] tweevoud::eid::OcspProblem),
    /// The binding could not be made (its own code).
    #[cfg(feature = "fs")]
    #[error(transparent)]
    Bind(#[from] tweevoud::eid::BindError),
    /// A key's binding does not hold (its own code, a reason).
    #[cfg(feature = "fs")]
    #[error(transparent)]
    Binding(#[from] tweevoud::eid::BindingProblem),
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
        "no_signature",
        "passphrases_differ",
        "nothing_verified",
        "no_timestamp",
        "seal_key_needed",
        "eid_other_holder",
    ];

    /// Why a file or an agreement is refused, as the core's reason, when there is one.
    pub fn reason(&self) -> Option<FirstProblem> {
        match self {
            DeskError::NotIntact(first) => Some(first.clone()),
            DeskError::Open(e) => open_reason(e),
            _ => None,
        }
    }

    /// The error as the window reads it (`{kind, message, params, ...}`), to keep beside the
    /// agreement (why archiving it failed).
    pub fn to_window(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("an error serializes")
    }
}

impl Coded for DeskError {
    fn code(&self) -> &'static str {
        match self {
            DeskError::NoAgreement => "no_agreement",
            DeskError::NotReviewed => "not_reviewed",
            DeskError::NotIntact(_) => "not_intact",
            DeskError::Finished => "finished",
            DeskError::NoSignature { .. } => "no_signature",
            DeskError::PassphrasesDiffer => "passphrases_differ",
            DeskError::NothingVerified => "nothing_verified",
            DeskError::NoTimestamp { .. } => "no_timestamp",
            DeskError::SealKeyNeeded => "seal_key_needed",
            DeskError::OtherHolder => "eid_other_holder",
            DeskError::Agreement(e) => e.code(),
            DeskError::Template(e) => e.code(),
            DeskError::Key(e) => e.code(),
            DeskError::Contact(e) => e.code(),
            DeskError::Open(e) => e.code(),
            DeskError::Pdf(e) => e.code(),
            #[cfg(feature = "fs")]
            DeskError::Archive(e) => e.code(),
            #[cfg(feature = "fs")]
            DeskError::Card(e) => e.code(),
            #[cfg(feature = "fs")]
            DeskError::EidSettings(e) => e.code(),
            #[cfg(feature = "fs")]
            DeskError::EidPath(e) => e.code(),
            #[cfg(feature = "fs")]
            DeskError::Ocsp(e) => e.code(),
            #[cfg(feature = "fs")]
            DeskError::Bind(e) => e.code(),
            #[cfg(feature = "fs")]
            DeskError::Binding(e) => e.code(),
        }
    }

    fn params(&self) -> Params {
        match self {
            DeskError::NoAgreement
            | DeskError::NotReviewed
            | DeskError::Finished
            | DeskError::PassphrasesDiffer
            | DeskError::NothingVerified
            | DeskError::SealKeyNeeded
            | DeskError::OtherHolder => Vec::new(),
            DeskError::NoSignature { index } => vec![("index", index.to_string())],
            DeskError::NoTimestamp { tsas } => vec![("tsas", tsas.to_string())],
            DeskError::NotIntact(first) => {
                let mut params = vec![("reason", first.code().to_string())];
                params.extend(first.params());
                params
            }
            DeskError::Agreement(e) => e.params(),
            DeskError::Template(e) => e.params(),
            DeskError::Key(e) => e.params(),
            DeskError::Contact(e) => e.params(),
            DeskError::Open(e) => e.params(),
            DeskError::Pdf(e) => e.params(),
            #[cfg(feature = "fs")]
            DeskError::Archive(e) => e.params(),
            #[cfg(feature = "fs")]
            DeskError::Card(e) => e.params(),
            #[cfg(feature = "fs")]
            DeskError::EidSettings(e) => e.params(),
            #[cfg(feature = "fs")]
            DeskError::EidPath(e) => e.params(),
            #[cfg(feature = "fs")]
            DeskError::Ocsp(e) => e.params(),
            #[cfg(feature = "fs")]
            DeskError::Bind(e) => e.params(),
            #[cfg(feature = "fs")]
            DeskError::Binding(e) => e.params(),
        }
    }
}

impl WindowError for DeskError {
    fn agreement_error(&self) -> Option<&AgreementError> {
        match self {
            DeskError::Agreement(e) => Some(e),
            #[cfg(feature = "fs")]
            DeskError::Archive(tweevoud::ArchiveError::Agreement(e)) => Some(e),
            _ => None,
        }
    }

    fn reason(&self) -> Option<FirstProblem> {
        DeskError::reason(self)
    }
}

impl serde::Serialize for DeskError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        window::serialize(self, serializer)
    }
}

#[cfg(test)]
mod tests {
    use tweevoud::error::assert_codes;

    use super::*;

    #[test]
    fn own_codes_are_listed() {
        assert_codes(
            &[
                &DeskError::NoAgreement,
                &DeskError::NotReviewed,
                &DeskError::NotIntact(FirstProblem {
                    signer: None,
                    role: None,
                    reason: tweevoud::Reason::TextMismatch,
                }),
                &DeskError::Finished,
                &DeskError::NoSignature { index: 3 },
                &DeskError::PassphrasesDiffer,
                &DeskError::NothingVerified,
                &DeskError::NoTimestamp { tsas: 0 },
                &DeskError::SealKeyNeeded,
                &DeskError::OtherHolder,
            ],
            DeskError::CODES,
        );
    }
}
