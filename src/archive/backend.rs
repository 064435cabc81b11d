//! The storage seam: where an archive keeps its objects and its log.
//!
//! The archive's logic (what an add, an export, an erasure or a verification does, the
//! chain, the signatures, the checkpoint, the index) is one piece; what it stands on is a
//! back-end behind these traits. The local archive, a directory on the profile's disk, keeps
//! the objects as files named by their hash ([`super::store::Store`]) and the log as
//! `log.jsonl` ([`super::log::Log`]).
//!
//! A back-end only keeps bytes: it never judges them. Every object read back is hashed by the
//! archive, every log line is parsed by [`super::log::parse_log_line`] and its chain and
//! signature checked by the archive, whichever back-end gave it.

use std::fmt::Debug;
use std::io;
use std::path::{Path, PathBuf};

use super::id::Sha256Hex;
use super::log::{LogEntry, LogRead, NewEntry};
use super::store::Found;
use crate::signature::Signer;

/// Where an archive keeps its objects: immutable files named by the SHA-256 of their bytes.
pub(crate) trait Objects: Debug + Send + Sync {
    /// Stores `bytes` and returns their SHA-256. An object already present is kept as it is
    /// (the same name always holds the same bytes; nothing is ever overwritten).
    fn put(&self, bytes: &[u8]) -> io::Result<Sha256Hex>;

    /// The bytes stored under `sha256`, at most [`super::MAX_OBJECT_BYTES`] of them;
    /// `NotFound` when there are none. Not checked against the name: the caller hashes them.
    fn get(&self, sha256: &Sha256Hex) -> io::Result<Vec<u8>>;

    /// Removes an object (for an erasure); a missing one is not an error.
    fn remove(&self, sha256: &Sha256Hex) -> io::Result<()>;

    /// Everything the store holds, sorted by name: objects, and anything that is not one.
    fn scan(&self) -> io::Result<Vec<Found>>;

    /// Where the objects are, as errors and reports name it (a directory, or a bucket's
    /// address without its credentials).
    fn place(&self) -> PathBuf;

    /// Where one object is, as errors name it.
    fn place_of(&self, sha256: &Sha256Hex) -> PathBuf;
}

/// Where an archive keeps its log: an append-only sequence of lines, one entry each.
pub(crate) trait Entries: Debug + Send + Sync {
    /// Every line, in order, each parsed (a line that is not an entry is returned as such,
    /// for the archive to report). Bounded by [`super::MAX_LOG_BYTES`] and
    /// [`super::MAX_LOG_ENTRIES`].
    fn read_all(&self) -> io::Result<LogRead>;

    /// The last entry, if any.
    fn last(&self) -> io::Result<Option<LogEntry>>;

    /// Appends an entry after the last one (its `seq` the next, its `prev` that one's hash),
    /// signed by `signer` when given ([`super::log::chain_after`]), and durable before this
    /// returns. Appends never interleave (the local log is written under the archive's
    /// lock).
    fn append(&self, new: NewEntry, signer: Option<&dyn Signer>) -> io::Result<LogEntry>;

    /// Where the log is, as errors and reports name it.
    fn place(&self) -> &Path;
}

impl Objects for super::store::Store {
    fn put(&self, bytes: &[u8]) -> io::Result<Sha256Hex> {
        super::store::Store::put(self, bytes)
    }

    fn get(&self, sha256: &Sha256Hex) -> io::Result<Vec<u8>> {
        super::store::Store::get(self, sha256)
    }

    fn remove(&self, sha256: &Sha256Hex) -> io::Result<()> {
        super::store::Store::remove(self, sha256)
    }

    fn scan(&self) -> io::Result<Vec<Found>> {
        super::store::Store::scan(self)
    }

    fn place(&self) -> PathBuf {
        self.dir().to_path_buf()
    }

    fn place_of(&self, sha256: &Sha256Hex) -> PathBuf {
        self.path(sha256)
    }
}

impl Entries for super::log::Log {
    fn read_all(&self) -> io::Result<LogRead> {
        super::log::Log::read_all(self)
    }

    fn last(&self) -> io::Result<Option<LogEntry>> {
        super::log::Log::last(self)
    }

    fn append(&self, new: NewEntry, signer: Option<&dyn Signer>) -> io::Result<LogEntry> {
        super::log::Log::append(self, new, signer)
    }

    fn place(&self) -> &Path {
        self.path()
    }
}
