//! The object store: every file the archive keeps, named by the SHA-256 of its bytes.
//!
//! An object lives at `objects/<first two hex digits>/<64 hex digits>`. It is written once,
//! atomically (a temporary file in the same directory, flushed, renamed, the directory
//! flushed), and never changed: the same bytes always land at the same name, so writing an
//! object that is already there is a no-op.

use std::fs;
use std::io;
use std::path::PathBuf;

use super::id::Sha256Hex;
use super::read_regular;
use crate::fsutil::{create_private_dir, sync_dir, write_atomic_private};

/// Largest object, in bytes: the largest file the archive stores (an exemplar PDF).
pub const MAX_OBJECT_BYTES: u64 = crate::pdf::MAX_PDF_BYTES;

/// The objects directory of an archive.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    dir: PathBuf,
}

/// A file found in the objects directory.
#[derive(Debug)]
pub(crate) enum Found {
    /// An object, by the name it is stored under.
    Object(Sha256Hex),
    /// A temporary file an interrupted write left behind.
    Temporary(PathBuf),
    /// Anything else.
    Stray(PathBuf),
}

impl Store {
    pub(crate) fn new(dir: PathBuf) -> Store {
        Store { dir }
    }

    /// The objects directory.
    pub(crate) fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// Where the object with this hash is (whether or not it exists): always inside the
    /// objects directory, since a [`Sha256Hex`] is 64 hex digits and nothing else.
    pub(crate) fn path(&self, sha256: &Sha256Hex) -> PathBuf {
        self.dir.join(sha256.short(2)).join(sha256.as_str())
    }

    /// Stores `bytes` and returns their SHA-256. An object already present is kept as it is.
    pub(crate) fn put(&self, bytes: &[u8]) -> io::Result<Sha256Hex> {
        let sha256 = Sha256Hex::of(bytes);
        let path = self.path(&sha256);
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            return Ok(sha256);
        }
        let sub = self.dir.join(sha256.short(2));
        if !sub.is_dir() {
            create_private_dir(&sub)?;
            sync_dir(&self.dir)?;
        }
        write_atomic_private(&path, bytes)?;
        Ok(sha256)
    }

    /// The bytes of an object: a regular file of at most [`MAX_OBJECT_BYTES`] (a symlink, a
    /// device or a pipe in its place is refused, not followed).
    pub(crate) fn get(&self, sha256: &Sha256Hex) -> io::Result<Vec<u8>> {
        read_regular(&self.path(sha256), MAX_OBJECT_BYTES)
    }

    /// Removes an object (a missing one is not an error).
    pub(crate) fn remove(&self, sha256: &Sha256Hex) -> io::Result<()> {
        let path = self.path(sha256);
        match fs::remove_file(&path) {
            Ok(()) => {
                if let Some(dir) = path.parent() {
                    sync_dir(dir)?;
                }
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Everything in the objects directory, sorted by path.
    pub(crate) fn scan(&self) -> io::Result<Vec<Found>> {
        let mut found = Vec::new();
        let top = match fs::read_dir(&self.dir) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
            Err(e) => return Err(e),
        };
        let mut subs: Vec<PathBuf> = Vec::new();
        for entry in top {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() && is_prefix_dir(&entry.file_name().to_string_lossy()) {
                subs.push(path);
            } else {
                found.push(Found::Stray(path));
            }
        }
        subs.sort();
        for sub in subs {
            let prefix = sub
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut names: Vec<(String, PathBuf, bool)> = Vec::new();
            for entry in fs::read_dir(&sub)? {
                let entry = entry?;
                names.push((
                    entry.file_name().to_string_lossy().into_owned(),
                    entry.path(),
                    entry.file_type()?.is_file(),
                ));
            }
            names.sort();
            for (name, path, is_file) in names {
                let object = Sha256Hex::parse(&name)
                    .ok()
                    .filter(|h| is_file && h.short(2) == prefix);
                if let Some(h) = object {
                    found.push(Found::Object(h));
                } else if is_file && name.starts_with('.') && name.contains(".tmp-") {
                    found.push(Found::Temporary(path));
                } else {
                    found.push(Found::Stray(path));
                }
            }
        }
        Ok(found)
    }
}

fn is_prefix_dir(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_is_content_addressed_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("objects"));
        create_private_dir(&dir.path().join("objects")).unwrap();
        let a = store.put(b"hello").unwrap();
        assert_eq!(a, Sha256Hex::of(b"hello"));
        assert_eq!(store.put(b"hello").unwrap(), a);
        assert_eq!(store.get(&a).unwrap(), b"hello");
        assert!(store.path(&a).ends_with(format!("{}/{a}", a.short(2))));
        let found = store.scan().unwrap();
        assert!(matches!(&found[..], [Found::Object(h)] if *h == a));
        store.remove(&a).unwrap();
        store.remove(&a).unwrap();
        assert!(!store.path(&a).exists());
    }
}
