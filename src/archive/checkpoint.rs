//! The checkpoint: a signed note of how far the log went, kept outside the archive.
//!
//! The log's chain shows any entry changed in the middle, but not a log cut back to an
//! earlier entry, nor a log written anew from the first entry with a fresh key: both are
//! chains that hold. So every signed append also writes, in the profile's directory (not the
//! archive's), a checkpoint signed with the same key: the number of entries, the last one's
//! hash, the first one's hash (which names the chain), the archive's identifier and the
//! time. `archive verify` then finds a log shorter than its checkpoint (cut, or an older copy)
//! or one whose entry at the checkpoint's position is not the one signed (rewritten).
//!
//! The checkpoint is found by the identifier the archive's first signed entry carries (32
//! random bytes drawn when it was created), not by where the directory points: a copy of the
//! archive, reached through a symbolic link or put in its place, finds the same checkpoint.
//! An archive made before identifiers is found by its directory until its first signed write
//! gives it one. What this does and does not protect against is in `docs/format.md`, "The
//! checkpoint".

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::id::Sha256Hex;
use super::log::{
    check_ed25519, entry_hash, fingerprint_of, sign, LogEntry, LogRead, LogSignature,
    SignatureProblem,
};
use super::members::Writers;
use super::read_regular;
use crate::canonical::{tagged_hash, to_canonical_json};
use crate::error::{param, Coded, Params};
use crate::fsutil::{create_private_dir, write_atomic_private};
use crate::key::Fingerprint;
use crate::signature::Signer;

/// The `format` of a checkpoint, and the domain tag of its hash.
pub const CHECKPOINT_TAG: &str = "tweevoud-archive-checkpoint/1";

/// Domain tag that starts the message a checkpoint's signature is made over.
pub const CHECKPOINT_SIGNATURE_TAG: &str = "tweevoud-archive-checkpoint-signature/1";

/// Largest checkpoint file, in bytes (one is about 400).
pub const MAX_CHECKPOINT_BYTES: u64 = 4096;

/// What the profile keeps about the log of one archive (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// [`CHECKPOINT_TAG`].
    pub format: String,
    /// The hash of the log's first entry: which chain this is.
    pub archive: Sha256Hex,
    /// How many entries the log held.
    pub entries: u64,
    /// The hash of the last of them.
    pub head: Sha256Hex,
    /// When, RFC 3339 (the time of that entry).
    pub time: String,
    /// The fingerprint of the key that signed it.
    pub signed_by: Sha256Hex,
    /// The archive's identifier (the `archive` member its log carries); absent in a
    /// checkpoint of an archive made before identifiers that has none yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_id: Option<Sha256Hex>,
    /// Ed25519 over [`CHECKPOINT_SIGNATURE_TAG`] || LF || the 32 bytes of
    /// `H(CHECKPOINT_TAG, checkpoint without "signature")`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<LogSignature>,
}

/// Why a checkpoint cannot be relied on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The file cannot be read (or is not a regular file, or is too large).
    #[error("cannot be read: {0}")]
    Io(#[from] io::Error),
    /// The file is not a checkpoint.
    #[error("is not a checkpoint ({0})")]
    Malformed(String),
    /// Its signature does not hold.
    #[error("is not validly signed: {0}")]
    Signature(SignatureProblem),
}

impl CheckpointError {
    /// Every code of [`CheckpointError`].
    pub const CODES: &'static [&'static str] = &[
        "checkpoint_unreadable",
        "checkpoint_malformed",
        "checkpoint_bad_signature",
    ];
}

/// Parameters: `detail` (English words); for a signature that does not hold, its
/// [`SignatureProblem`]'s code as `cause`.
impl Coded for CheckpointError {
    fn code(&self) -> &'static str {
        match self {
            CheckpointError::Io(_) => "checkpoint_unreadable",
            CheckpointError::Malformed(_) => "checkpoint_malformed",
            CheckpointError::Signature(_) => "checkpoint_bad_signature",
        }
    }

    fn params(&self) -> Params {
        match self {
            CheckpointError::Io(e) => vec![param("detail", e)],
            CheckpointError::Malformed(detail) => vec![param("detail", detail)],
            CheckpointError::Signature(p) => vec![param("cause", p.code())],
        }
    }
}

impl Checkpoint {
    /// The checkpoint of a log whose first entry is `first` and last is `last`, signed.
    pub(crate) fn signed(
        first: &LogEntry,
        last: &LogEntry,
        archive_id: Option<&Sha256Hex>,
        signer: &dyn Signer,
    ) -> Checkpoint {
        let mut c = Checkpoint {
            format: CHECKPOINT_TAG.to_string(),
            archive: first.hash.clone(),
            entries: last.seq + 1,
            head: last.hash.clone(),
            time: last.time.clone(),
            signed_by: fingerprint_of(signer),
            archive_id: archive_id.cloned(),
            signature: None,
        };
        c.signature = Some(sign(signer, &c.message()));
        c
    }

    /// The bytes its signature is made over.
    fn message(&self) -> Vec<u8> {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.remove("signature");
        }
        let hash = tagged_hash(CHECKPOINT_TAG, &value);
        let mut m = Vec::with_capacity(CHECKPOINT_SIGNATURE_TAG.len() + 33);
        m.extend_from_slice(CHECKPOINT_SIGNATURE_TAG.as_bytes());
        m.push(b'\n');
        m.extend_from_slice(&hash);
        m
    }

    /// Checks its signature: the fingerprint of the key that made it.
    pub fn check_signature(&self) -> Result<Fingerprint, CheckpointError> {
        let sig = self
            .signature
            .as_ref()
            .ok_or(CheckpointError::Signature(SignatureProblem::Removed))?;
        let key = check_ed25519(sig, &self.message()).map_err(CheckpointError::Signature)?;
        if key.as_bytes() != &self.signed_by.to_bytes() {
            return Err(CheckpointError::Signature(SignatureProblem::OtherKey));
        }
        Ok(key)
    }

    /// Reads the checkpoint at `path`: `Ok(None)` if there is none. Its signature is checked.
    pub fn read(path: &Path) -> Result<Option<(Checkpoint, Fingerprint)>, CheckpointError> {
        let bytes = match read_regular(path, MAX_CHECKPOINT_BYTES) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let c = parse_checkpoint(&bytes)?;
        let key = c.check_signature()?;
        Ok(Some((c, key)))
    }

    /// Writes it to `path` atomically, creating the directory (private to the user).
    pub(crate) fn write(&self, path: &Path) -> io::Result<()> {
        if let Some(dir) = path.parent() {
            create_private_dir(dir)?;
        }
        let mut bytes = to_canonical_json(self);
        bytes.push(b'\n');
        write_atomic_private(path, &bytes)
    }
}

/// Parses a checkpoint file (its signature unchecked). Never panics.
pub(crate) fn parse_checkpoint(bytes: &[u8]) -> Result<Checkpoint, CheckpointError> {
    let c: Checkpoint =
        serde_json::from_slice(bytes).map_err(|e| CheckpointError::Malformed(e.to_string()))?;
    if c.format != CHECKPOINT_TAG {
        return Err(CheckpointError::Malformed(format!(
            "its format is {:?}, not {CHECKPOINT_TAG}",
            c.format.chars().take(60).collect::<String>()
        )));
    }
    if c.entries == 0 {
        return Err(CheckpointError::Malformed("it counts no entries".into()));
    }
    Ok(c)
}

/// How a log compares with its checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Against {
    /// The log reaches the checkpoint: its first entry and its entry at the checkpoint's
    /// position are the ones the checkpoint names.
    Holds,
    /// The log has fewer entries than the checkpoint counted: entries were cut off its end
    /// (or out of its middle).
    Truncated {
        /// Entries in the log.
        log: u64,
    },
    /// The log's entry at the checkpoint's position (or its first entry, or its identifier)
    /// is not the one the checkpoint names: the log was rewritten, rebuilt, or is another
    /// archive's.
    Rebuilt,
}

/// Compares a log (`lines` lines; `entries` its entries in order, each at its position;
/// `log_id` the identifier its authenticated entries carry) with a checkpoint. Whether the
/// entries in between hold together is the caller's to check ([`Chain`]).
pub(crate) fn against(
    c: &Checkpoint,
    lines: u64,
    entries: &[LogEntry],
    log_id: Option<&Sha256Hex>,
) -> Against {
    if lines < c.entries {
        return Against::Truncated { log: lines };
    }
    if c.archive_id.is_some() && c.archive_id.as_ref() != log_id {
        return Against::Rebuilt;
    }
    let at = |seq: u64| {
        usize::try_from(seq)
            .ok()
            .and_then(|i| entries.get(i))
            .filter(|e| e.seq == seq)
    };
    let first = at(0).is_some_and(|e| e.hash == c.archive);
    let head = at(c.entries - 1).is_some_and(|e| e.hash == c.head);
    if first && head {
        Against::Holds
    } else {
        Against::Rebuilt
    }
}

/// The log read whole, as the append guard reads it before every write.
#[derive(Debug, Default)]
pub(crate) struct Chain {
    /// Its entries from the first, as far as the chain holds.
    pub entries: Vec<LogEntry>,
    /// Lines read (a torn tail is no line).
    pub lines: u64,
    /// Where the chain first fails, in words: a line that is not an entry, an entry out of
    /// place, altered, or not following the one before. `None`: it holds throughout.
    pub broken: Option<String>,
}

impl Chain {
    /// Checks every line: each an entry, at its position, matching its hash, following the
    /// one before. O(n) in the log's size.
    pub(crate) fn check(read: LogRead) -> Chain {
        let lines = read.lines.len() as u64;
        let mut entries: Vec<LogEntry> = Vec::with_capacity(read.lines.len());
        let mut broken = None;
        for (i, line) in read.lines.into_iter().enumerate() {
            let entry = match line.entry {
                Ok(e) => e,
                Err(e) => {
                    broken = Some(format!("line {} is not an entry ({e})", line.number));
                    break;
                }
            };
            let problem = if entry.seq != i as u64 {
                Some("is out of sequence")
            } else if entry_hash(&entry) != entry.hash {
                Some("does not match its hash")
            } else if entry.prev.as_ref() != entries.last().map(|e| &e.hash) {
                Some("does not follow the entry before it")
            } else {
                None
            };
            if let Some(p) = problem {
                broken = Some(format!("the entry on line {} {p}", line.number));
                break;
            }
            entries.push(entry);
        }
        Chain {
            entries,
            lines,
            broken,
        }
    }

    /// The archive's identifier: the `archive` member of the first entry signed by a key
    /// that may write that carries one.
    pub(crate) fn archive_id(&self, writers: Writers) -> Option<&Sha256Hex> {
        self.entries
            .iter()
            .filter(|e| e.archive.is_some())
            .find(|e| writers.signed(e))
            .and_then(|e| e.archive.as_ref())
    }
}

/// A new archive identifier: 32 random bytes.
pub(crate) fn new_archive_id() -> io::Result<Sha256Hex> {
    use rand_core::RngCore;
    let mut bytes = [0u8; 32];
    rand_core::OsRng.try_fill_bytes(&mut bytes).map_err(|e| {
        io::Error::other(format!("no randomness for the archive's identifier: {e}"))
    })?;
    Ok(Sha256Hex::from_bytes(&bytes))
}

/// The checkpoint file of the archive with identifier `id`, beside the one the profile keeps
/// for its directory (`by_path`, [`crate::Profile::archive_checkpoint`]).
pub fn checkpoint_of_archive(by_path: &Path, id: &Sha256Hex) -> PathBuf {
    by_path.with_file_name(format!("archive-{id}.json"))
}

/// Where the profile's checkpoint of an archive is, and what was found there.
#[derive(Debug)]
pub(crate) enum Located {
    /// The log carries no identifier, and the profile keeps no checkpoint of its directory.
    None,
    /// The profile knows the archive (the checkpoint of its directory names the identifier
    /// its log carries), but keeps no checkpoint of it by that identifier: it was deleted.
    Missing(PathBuf),
    /// The checkpoint, checked, and the key that signed it.
    Found(PathBuf, Box<Checkpoint>, Fingerprint),
    /// A checkpoint that cannot be read, is not one, or is not validly signed.
    Unreadable(PathBuf, CheckpointError),
}

/// Finds the profile's checkpoint of an archive: by the identifier its log carries (`id`),
/// or, for a log without one (made before identifiers), by its directory (`by_path`). An
/// archive the profile knows (the checkpoint of its directory names its identifier) whose
/// checkpoint by identifier is gone is [`Located::Missing`].
pub(crate) fn locate(by_path: &Path, id: Option<&Sha256Hex>) -> Located {
    let Some(id) = id else {
        return match Checkpoint::read(by_path) {
            Ok(Some((c, key))) => Located::Found(by_path.to_path_buf(), Box::new(c), key),
            Ok(None) => Located::None,
            Err(e) => Located::Unreadable(by_path.to_path_buf(), e),
        };
    };
    let path = checkpoint_of_archive(by_path, id);
    match Checkpoint::read(&path) {
        Ok(Some((c, key))) if c.archive_id.as_ref() == Some(id) => {
            Located::Found(path, Box::new(c), key)
        }
        Ok(Some(_)) => Located::Unreadable(
            path,
            CheckpointError::Malformed("it names another archive".into()),
        ),
        Ok(None) => match Checkpoint::read(by_path) {
            Ok(Some((c, _))) if c.archive_id.as_ref() == Some(id) => Located::Missing(path),
            _ => Located::None,
        },
        Err(e) => Located::Unreadable(path, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::log::{Log, NewEntry};
    use crate::archive::LogEvent;

    fn entries(n: usize, key: &ed25519_dalek::SigningKey) -> Vec<LogEntry> {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path().join("log.jsonl"));
        (0..n)
            .map(|_| {
                log.append(
                    NewEntry {
                        time: "2026-11-23T10:00:00+01:00".into(),
                        event: LogEvent::Verified,
                        agreement: None,
                        objects: Vec::new(),
                        reason: None,
                        note: None,
                        members: Vec::new(),
                        archive: None,
                    },
                    Some(key),
                )
                .unwrap()
            })
            .collect()
    }

    #[test]
    fn signed_read_back_and_compared() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let log = entries(3, &key);
        let c = Checkpoint::signed(&log[0], &log[1], None, &key);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cp/x.json");
        c.write(&path).unwrap();
        let (read, fp) = Checkpoint::read(&path).unwrap().unwrap();
        assert_eq!(read, c);
        assert_eq!(fp.hex(), fingerprint_of(&key).as_str());
        assert_eq!(against(&c, 3, &log, None), Against::Holds);
        assert_eq!(
            against(&c, 1, &log[..1], None),
            Against::Truncated { log: 1 }
        );
        let other = entries(3, &ed25519_dalek::SigningKey::from_bytes(&[2; 32]));
        assert_eq!(against(&c, 3, &other, None), Against::Rebuilt);
        // A checkpoint that names an identifier holds only for the log that carries it.
        let id = new_archive_id().unwrap();
        let named = Checkpoint::signed(&log[0], &log[1], Some(&id), &key);
        assert_eq!(against(&named, 3, &log, Some(&id)), Against::Holds);
        assert_eq!(against(&named, 3, &log, None), Against::Rebuilt);
    }

    #[test]
    fn fail_chain_with_an_entry_cut_out_of_its_middle() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path().join("log.jsonl"));
        let new = |archive| NewEntry {
            time: "2026-11-23T10:00:00+01:00".into(),
            event: LogEvent::Verified,
            agreement: None,
            objects: Vec::new(),
            reason: None,
            note: None,
            members: Vec::new(),
            archive,
        };
        let id = new_archive_id().unwrap();
        let all: Vec<LogEntry> = (0..3)
            .map(|i| {
                log.append(new((i == 0).then(|| id.clone())), Some(&key))
                    .unwrap()
            })
            .collect();
        let whole = Chain::check(log.read_all().unwrap());
        assert_eq!(whole.broken, None);
        assert_eq!(whole.entries, all);
        assert_eq!(whole.archive_id(Writers::AnySigned), Some(&id));
        let other = [7u8; 32];
        let theirs = Fingerprint::of_raw_public_key(&other);
        assert_eq!(whole.archive_id(Writers::Keys(&[theirs])), None);
        // The middle entry cut out: the first and the last are still the checkpoint's.
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(log.path(), format!("{}\n{}\n", lines[0], lines[2])).unwrap();
        let cut = Chain::check(log.read_all().unwrap());
        assert!(cut.broken.unwrap().contains("line 2"));
        assert_eq!(cut.entries.len(), 1);
        let c = Checkpoint::signed(&all[0], &all[2], Some(&id), &key);
        assert_eq!(
            against(&c, cut.lines, &cut.entries, Some(&id)),
            Against::Truncated { log: 2 }
        );
    }

    #[test]
    fn fail_altered_checkpoint() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let log = entries(2, &key);
        let mut c = Checkpoint::signed(&log[0], &log[1], None, &key);
        c.entries = 1;
        assert!(matches!(
            c.check_signature(),
            Err(CheckpointError::Signature(SignatureProblem::Mismatch))
        ));
        for bad in [&b""[..], b"{}", b"[1,2]", b"\xff", b"{\"format\":1}"] {
            assert!(parse_checkpoint(bad).is_err());
        }
    }
}
