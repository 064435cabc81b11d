//! A profile: the directory where one person's keys, contacts and archive live.
//!
//! Tweevoud keeps everything a signer owns in one data directory, so that a provider and a
//! customer (or a test) can work side by side on one machine with separate profiles. The
//! directory is, in order of preference: the one given explicitly (`--data-dir`), the one in
//! the environment variable `TWEEVOUD_DATA_DIR`, or the platform's data directory
//! (`~/.local/share/tweevoud` on Linux, `~/Library/Application Support/be.Tweevoud.Tweevoud`
//! on macOS, `%APPDATA%\Tweevoud\Tweevoud\data` on Windows).
//!
//! Nothing is created when a profile is resolved; each store creates its directory, private
//! to the user (mode 0700 on Unix), when it first writes.
//!
//! The stores, one file each: the signing keys ([`KeyStore`], `keys`), the contacts
//! ([`ContactBook`], `contacts`), the time-stamping authorities and the seals' tokens
//! ([`tsa::TsaList`]), the PKCS #11 module of the eID's reader ([`eid::EidSettings`]), and the profile as the [`Keyring`](crate::Keyring) that judges who
//! signed (`keyring`). The archive lives in the profile's directory too (`crate::archive`),
//! with the profile's checkpoints of archives' logs kept outside them (`checkpoints`:
//! [`Profile::archive_checkpoint`]), which the archive reads and moves on every signed write. This whole module is the core's `fs`
//! feature: what a key, a contact or a TSA *is* is not here, only where they are kept.

use std::path::{Path, PathBuf};

use crate::error::{Coded, Params};

mod checkpoints;
mod contacts;
pub mod eid;
mod keyring;
mod keys;
mod select;
pub mod tsa;

pub use contacts::ContactBook;
pub use keyring::trust;
pub use keys::{read_pem_file, KeyPaths, KeyStore};

/// Creates a directory private to the user (it is `crate::fsutil`'s, named here too).
pub use crate::fsutil::create_private_dir;

/// The environment variable that names the data directory when `--data-dir` is not given.
pub const DATA_DIR_ENV: &str = "TWEEVOUD_DATA_DIR";

/// Why no data directory could be found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// Neither an explicit directory, nor `TWEEVOUD_DATA_DIR`, nor a platform data directory.
    #[error("cannot tell where to keep Tweevoud's data (no home directory?)")]
    NoDataDir,
}

impl ProfileError {
    /// Every code of [`ProfileError`].
    pub const CODES: &'static [&'static str] = &["no_data_dir"];
}

impl Coded for ProfileError {
    fn code(&self) -> &'static str {
        match self {
            ProfileError::NoDataDir => "no_data_dir",
        }
    }

    fn params(&self) -> Params {
        match self {
            ProfileError::NoDataDir => Vec::new(),
        }
    }
}

/// One person's data directory: keys, contacts and the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    root: PathBuf,
}

impl Profile {
    /// A profile rooted at `root`, exactly as given.
    pub fn at(root: impl Into<PathBuf>) -> Profile {
        Profile { root: root.into() }
    }

    /// Finds the profile: `explicit` (from `--data-dir`) if given, else the directory named by
    /// `TWEEVOUD_DATA_DIR` if set and not empty, else the platform data directory.
    pub fn resolve(explicit: Option<PathBuf>) -> Result<Profile, ProfileError> {
        if let Some(dir) = explicit {
            return Ok(Profile::at(dir));
        }
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return Ok(Profile::at(dir));
        }
        directories::ProjectDirs::from("be", "Tweevoud", "Tweevoud")
            .map(|dirs| Profile::at(dirs.data_dir()))
            .ok_or(ProfileError::NoDataDir)
    }

    /// The data directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the signing keys live: one subdirectory per key, named by its fingerprint.
    pub fn keys_dir(&self) -> PathBuf {
        self.root.join("keys")
    }

    /// Where the counterparties' public keys live: one JSON file per contact.
    pub fn contacts_dir(&self) -> PathBuf {
        self.root.join("contacts")
    }

    /// Where signed agreements and exemplars are archived.
    pub fn archive_dir(&self) -> PathBuf {
        self.root.join("archive")
    }

    /// The profile's record of the team archive it is connected to, if it is
    /// (`tweevoud archive connect`; `docs/archive-team.md`, "Connecting"): the archive
    /// commands then work on that archive instead of [`Profile::archive_dir`].
    pub fn team_archive_file(&self) -> PathBuf {
        self.root.join("team.json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_dir_wins_and_names_the_stores() {
        let p = Profile::resolve(Some(PathBuf::from("/tmp/tv"))).unwrap();
        assert_eq!(p.root(), Path::new("/tmp/tv"));
        assert_eq!(p.keys_dir(), Path::new("/tmp/tv/keys"));
        assert_eq!(p.contacts_dir(), Path::new("/tmp/tv/contacts"));
        assert_eq!(p.archive_dir(), Path::new("/tmp/tv/archive"));
        let checkpoint = p.archive_checkpoint(Path::new("/nonexistent/archive"));
        assert_eq!(
            checkpoint.parent(),
            Some(Path::new("/tmp/tv/archive-checkpoints"))
        );
        assert_eq!(
            checkpoint,
            p.archive_checkpoint(Path::new("/nonexistent/archive"))
        );
        assert_ne!(
            checkpoint,
            p.archive_checkpoint(Path::new("/nonexistent/other"))
        );
    }
}
