//! The desk: the agreement being worked on, and what a window is sent about it.
//!
//! Both editions of Tweevoud, the desktop app (src-tauri) and the browser edition (web), put
//! one agreement at a time on a desk, fill it in and sign it, and show the core's answers in
//! the same window (ui/). This crate holds what they share above the core: every command the
//! window calls, written once ([`command`]; each edition only translates arguments in and
//! dialogs, files and storage out), the [`Work`] on the desk and its rules (who acts, may it
//! be signed: the core's [`tweevoud::Turn`]), and the views the window reads ([`view`]), which
//! carry every answer the window shows so that it decides nothing itself. Where the two
//! differ, a [`Place`] says: which keys sign here and where they are kept, who the signers are
//! to this place, what its archive holds, whether a time-stamping authority can be asked.
//!
//! Features: `fs` makes the profile on disk ([`tweevoud::Profile`]) a [`Place`], and reaches
//! the Belgian eID in a card reader (the module `eid`); `team` lets a profile connected to a
//! team archive (`tweevoud archive connect`) work on that archive (the desktop app only).

#![forbid(unsafe_code)]

pub mod command;
#[cfg(feature = "fs")]
pub mod eid;
mod error;
mod place;
pub mod view;
pub mod window;
mod work;

pub use error::DeskError;
pub use place::Place;
#[cfg(feature = "fs")]
pub use place::{archive_where, open_archive, verify_archive};
pub use work::{Opened, Stamps, Work};

use std::path::Path;

/// A file's name, for showing.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
