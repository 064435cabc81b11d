//! Tweevoud's core: templates with typed blanks, agreements, signatures, exemplar PDFs, the
//! archive and verification.
//!
//! The library does all the work and never prints, prompts or exits: it returns values and
//! typed errors. The `tweevoud` CLI and the desktop shell (`src-tauri/`) are thin layers over
//! it, so that everything a person can do in the app can also be done, tested and scripted
//! from the command line.
//!
//! # Features
//!
//! - `fs`: everything that touches the file system or the operating system: the `profile`
//!   module, which holds every store of a profile (`KeyStore`, `ContactBook`, `tsa`, the
//!   [`Keyring`] of a `Profile`; the most used are named at the root too, and `tsa` as
//!   `tweevoud::tsa`), the `archive` (its SQLite index and lock),
//!   `fsutil`, HTTP (a TSA's token), reading files (`open::read_file`, `Agreement::load`, `Template::load`,
//!   `judge_file`) and writing them (`Agreement::save`), and the archive's part of the
//!   judgement. It gates whole modules (the inherent `load` and `save` are defined in one
//!   module of their own, the judgement's part in `judgement`'s one submodule); what remains
//!   gated elsewhere is a field, or a call, that exists only with it.
//! - `cli` (default, implies `fs`): the `tweevoud` binary: argument parsing, passphrase
//!   prompts, the clock.
//!
//! Without either, the core keeps every code path that works on bytes and values: the one
//! judgement of a file ([`judge`], with trust from a [`Keyring`] such as [`Known`]),
//! verification, templates (the built-in ones included), filling in and signing, key
//! generation and encrypted key files ([`UnlockedKey`]), and exemplar PDFs, byte-identical to
//! the desktop's. That is what builds for `wasm32-unknown-unknown`, where randomness comes
//! from the browser's Web Crypto API.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod agreement;
#[cfg(feature = "fs")]
pub mod archive;
pub mod canonical;
pub mod cms_check;
pub mod contact;
pub mod der_scan;
pub mod eid;
pub mod error;
pub mod file_kind;
#[cfg(feature = "fs")]
mod files;
#[cfg(feature = "fs")]
pub mod fsutil;
#[cfg(feature = "fs")]
mod http;
pub mod judgement;
pub mod key;
pub mod kind;
pub mod language;
pub mod open;
mod parallel;
pub mod party;
pub mod pdf;
#[cfg(feature = "fs")]
pub mod profile;
pub mod render;
pub mod seal;
pub mod shown;
pub mod signature;
pub mod signing;
pub mod template;
pub mod time;
pub mod timestamp;
pub mod verify;
mod x509;

#[cfg(test)]
mod codes_tests;
#[cfg(test)]
mod test_support;

pub use agreement::{Agreement, AgreementError, Filled, Missing};
pub use contact::{Contact, ContactError, Keyring, Known, Trust};
pub use error::Coded;
pub use file_kind::FileKind;
pub use judgement::{judge, Context, Judgement, Severity, Verdict, VerdictCode};
pub use key::{
    passphrase_strength, Fingerprint, KeyError, KeyInfo, PublicKey, Strength, StrengthLevel,
    StrengthReason, UnlockedKey,
};
pub use kind::{Kind, Problem};
pub use language::{Labels, Language};
pub use open::{identify, OpenError};
pub use party::Party;
pub use signature::{SignatureRecord, Signer, Statement};
pub use signing::{ChangeError, Share, SigningPreview, Turn};
pub use template::{Template, TemplateError, TemplateProblem};
pub use verify::{verify, FirstProblem, Reason, Status, Verification};

// What the `fs` feature adds at the crate's root.
#[cfg(feature = "fs")]
pub use {
    archive::{Archive, ArchiveError, ArchivedExemplar},
    judgement::judge_file,
    profile::{trust, tsa, ContactBook, KeyStore, Profile, ProfileError},
};
