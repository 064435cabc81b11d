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

use super::find::Lookups;
use super::id::Sha256Hex;
use super::index::Derived;
use super::log::{LogEntry, LogRead, NewEntry};
use super::store::Found;
#[cfg(feature = "team")]
use super::ArchiveError;
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

    /// Appends as [`Entries::append`] does and, in the same transaction, makes the change
    /// `following` says to the index this log's storage keeps ([`Entries::shared_index`]),
    /// if the archive acts on the entry. A log that keeps no index appends the entry alone
    /// (the archive's own index follows it).
    fn append_following(
        &self,
        new: NewEntry,
        signer: Option<&dyn Signer>,
        following: &Following<'_>,
    ) -> io::Result<LogEntry> {
        let _ = following;
        self.append(new, signer)
    }

    /// Appends the entry `make` makes of the whole log as it stands when no other entry can
    /// be appended before this one (for an entry that depends on the log: a team archive's
    /// first entry, a change of its members). `make` may refuse. The local log is only ever
    /// written under the archive's lock, which the caller holds: it is read, then appended to.
    #[cfg(feature = "team")]
    fn append_made(
        &self,
        make: &mut dyn FnMut(&LogRead) -> Result<NewEntry, ArchiveError>,
        signer: Option<&dyn Signer>,
    ) -> Result<LogEntry, ArchiveError> {
        let read = self.read_all().map_err(super::io_at(self.place()))?;
        let new = make(&read)?;
        self.append(new, signer).map_err(super::io_at(self.place()))
    }

    /// The index this log's storage keeps beside it, if any: a team archive's, in its
    /// database, which answers searches and is written with each entry. `None` for a local
    /// archive, whose index is its own SQLite file.
    fn shared_index(&self) -> Option<&dyn SharedIndex> {
        None
    }
}

/// What an index must record of an entry appended.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "team"), allow(dead_code))]
pub(crate) enum IndexChange<'a> {
    /// Nothing (the members changed, a verification, an export).
    Nothing,
    /// The entry stores a version of its agreement: its rows describe this one now.
    Agreement(&'a Derived),
    /// The entry erases its agreement: its rows go.
    Erased,
}

/// What an index kept with the log does with an entry appended.
#[cfg_attr(not(feature = "team"), allow(dead_code))]
pub(crate) struct Following<'a> {
    /// The change.
    pub change: IndexChange<'a>,
    /// Whether the archive acts on the entry as appended (in its place, signed by a key that
    /// may write): the change is made only then, as the archive's own index would.
    pub acts: &'a dyn Fn(&LogEntry) -> bool,
}

/// One agreement's rows in an index kept with the log, each as the texts of its columns (see
/// `docs/archive-team.md`, "The index in PostgreSQL").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SharedRows {
    /// Its row: the summary's columns ([`super::index::summary_texts`]).
    pub summary: Vec<Option<String>>,
    /// Its terms, sorted by their bytes.
    pub terms: Vec<String>,
    /// Its signatures, by position ([`super::index::signature_texts`]).
    pub signatures: Vec<Vec<String>>,
}

impl SharedRows {
    /// An agreement's rows, from its summary (with its id and times), its signatures and the
    /// texts its search row holds (the parties, the agreement's text): its terms are theirs
    /// ([`super::words::terms`]).
    pub(crate) fn of(
        summary: &super::index::Summary,
        signatures: &[super::index::SignatureRow],
        parties: &str,
        text: &str,
    ) -> io::Result<SharedRows> {
        Ok(SharedRows {
            summary: super::index::summary_texts(summary),
            terms: super::words::terms(&[parties, text])
                .map_err(|e| io::Error::other(format!("the words of the agreement: {e}")))?,
            signatures: signatures
                .iter()
                .map(super::index::signature_texts)
                .collect(),
        })
    }
}

/// An index kept with the log, in the same storage (a team archive's, in its database):
/// written in the same transaction as each entry it follows ([`Entries::append_following`]),
/// answering searches ([`Lookups`]), checked by verification ([`SharedIndex::rows`]) and made
/// again from the log and the objects by a rebuild ([`SharedIndex::replace_all`]).
pub(crate) trait SharedIndex: Lookups + Send + Sync {
    /// Every agreement's rows, by the id its rows name (a signature row whose agreement has
    /// no row is listed under its agreement all the same).
    fn rows(&self) -> io::Result<std::collections::BTreeMap<String, SharedRows>>;

    /// Replaces every row by `rows`, if the log's last entry is still the one whose hash is
    /// `at` (`None`: an empty log): whether it was.
    #[cfg(feature = "team")]
    fn replace_all(&self, rows: &[SharedRows], at: Option<&Sha256Hex>) -> io::Result<bool>;
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
