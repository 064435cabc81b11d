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

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Coded, Params};

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

    /// Where the profile keeps its signed checkpoints of archives' logs: outside every
    /// archive, so that one who can write an archive's directory cannot cut or rebuild its
    /// log unseen (see `docs/format.md`, "The checkpoint").
    pub fn archive_checkpoints_dir(&self) -> PathBuf {
        self.root.join("archive-checkpoints")
    }

    /// The checkpoint file of the archive directory `archive_dir`:
    /// `archive-checkpoints/<SHA-256 of the directory's path>.json`, the path made canonical
    /// up to its parent (so that two spellings of one archive share one checkpoint) but not
    /// through the directory itself: a directory replaced by a symbolic link to another copy
    /// keeps the checkpoint of the place it stands in. An archive whose log carries an
    /// identifier has its checkpoint beside this one, by that identifier
    /// ([`crate::archive::checkpoint_of_archive`]); this one is for an archive made before
    /// identifiers (see `docs/format.md`, "The checkpoint").
    pub fn archive_checkpoint(&self, archive_dir: &Path) -> PathBuf {
        let absolute =
            std::path::absolute(archive_dir).unwrap_or_else(|_| archive_dir.to_path_buf());
        let place = match (absolute.parent(), absolute.file_name()) {
            (Some(parent), Some(name)) => fs::canonicalize(parent)
                .map(|p| p.join(name))
                .unwrap_or_else(|_| absolute.clone()),
            _ => absolute.clone(),
        };
        let name = crate::canonical::sha256_hex(place.as_os_str().as_encoded_bytes());
        self.archive_checkpoints_dir().join(format!("{name}.json"))
    }
}

/// Creates `dir` and any missing parents. The directories it creates are private to the user
/// (mode 0700 on Unix); directories that already exist are left as they are.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
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

    #[cfg(unix)]
    #[test]
    fn private_dirs_are_0700() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("profile/keys");
        create_private_dir(&keys).unwrap();
        for d in [dir.path().join("profile"), keys] {
            let mode = fs::metadata(&d).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", d.display());
        }
    }
}
