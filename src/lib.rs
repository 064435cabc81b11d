//! Tweevoud's core: templates with typed blanks, agreements, signatures, exemplar PDFs, the
//! archive and verification.
//!
//! The library does all the work and never prints, prompts or exits: it returns values and
//! typed errors. The `tweevoud` CLI and the desktop shell (`src-tauri/`) are thin layers over
//! it, so that everything a person can do in the app can also be done, tested and scripted
//! from the command line.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod agreement;
pub mod archive;
pub mod canonical;
pub mod contact;
pub mod error;
pub mod file_kind;
pub mod fsutil;
pub mod judgement;
pub mod key;
pub mod kind;
pub mod language;
pub mod open;
pub mod party;
pub mod pdf;
pub mod profile;
pub mod render;
pub mod signature;
pub mod signing;
pub mod template;
pub mod verify;

#[cfg(test)]
mod codes_tests;

pub use agreement::{Agreement, AgreementError, Filled, Missing};
pub use archive::{Archive, ArchiveError, ArchivedExemplar};
pub use contact::{trust, Contact, ContactBook, ContactError, Keyring, Known, Trust};
pub use error::Coded;
pub use file_kind::FileKind;
pub use judgement::{judge, judge_file, Context, Judgement, Severity, Verdict, VerdictCode};
pub use key::{
    passphrase_strength, Fingerprint, KeyError, KeyInfo, KeyStore, PublicKey, Strength,
    StrengthLevel, StrengthReason, UnlockedKey,
};
pub use kind::{Kind, Problem};
pub use language::{Labels, Language};
pub use open::{identify, OpenError};
pub use party::Party;
pub use profile::{Profile, ProfileError};
pub use signature::{SignatureRecord, Signer, Statement};
pub use signing::{ChangeError, Share, SigningPreview, Turn};
pub use template::{Template, TemplateError, TemplateProblem};
pub use verify::{verify, FirstProblem, Reason, Status, Verification};
