//! Where the profile keeps its signed checkpoints of archives' logs: outside every archive,
//! in `archive-checkpoints/`, so that one who can write an archive's directory cannot cut or
//! rebuild its log unseen. What a checkpoint holds, and how the archive reads it and moves it
//! on every signed write, is the archive's (`crate::archive::Checkpoint`); see
//! `docs/format.md`, "The checkpoint".

use std::fs;
use std::path::{Path, PathBuf};

use super::Profile;

impl Profile {
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
