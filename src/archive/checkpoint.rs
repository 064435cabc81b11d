//! The checkpoint: a signed note of how far the log went, kept outside the archive.
//!
//! The log's chain shows any entry changed in the middle, but not a log cut back to an
//! earlier entry, nor a log written anew from the first entry with a fresh key: both are
//! chains that hold. So every signed append also writes, in the profile's directory (not the
//! archive's), a checkpoint signed with the same key: the number of entries, the last one's
//! hash, the first one's hash (which names the chain) and the time. `archive verify` then
//! finds a log shorter than its checkpoint (cut) or one whose entry at the checkpoint's
//! position is not the one signed (rewritten). What this does and does not protect against
//! is in `docs/format.md`, "The checkpoint".

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::id::Sha256Hex;
use super::log::{check_ed25519, fingerprint_of, sign, LogEntry, LogSignature, SignatureProblem};
use super::read_regular;
use crate::canonical::{tagged_hash, to_canonical_json};
use crate::error::{param, Coded, Params};
use crate::fsutil::write_atomic_private;
use crate::key::Fingerprint;
use crate::profile::create_private_dir;
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
    pub(crate) fn signed(first: &LogEntry, last: &LogEntry, signer: &dyn Signer) -> Checkpoint {
        let mut c = Checkpoint {
            format: CHECKPOINT_TAG.to_string(),
            archive: first.hash.clone(),
            entries: last.seq + 1,
            head: last.hash.clone(),
            time: last.time.clone(),
            signed_by: fingerprint_of(signer),
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
    /// The checkpoint's head is in the log, at its position.
    Holds,
    /// The log has fewer entries than the checkpoint counted: entries were cut off its end.
    Truncated {
        /// Entries in the log.
        log: u64,
    },
    /// The log's entry at the checkpoint's position (or its first entry) is not the one the
    /// checkpoint names: the log was rewritten or rebuilt.
    Rebuilt,
}

/// Compares a log (`count` entries; `entry(seq)` the entry at a position, if readable) with a
/// checkpoint.
pub(crate) fn against<'a>(
    c: &Checkpoint,
    count: u64,
    entry: impl Fn(u64) -> Option<&'a LogEntry>,
) -> Against {
    if count < c.entries {
        return Against::Truncated { log: count };
    }
    let first = entry(0).is_some_and(|e| e.hash == c.archive);
    let head = entry(c.entries - 1).is_some_and(|e| e.hash == c.head);
    if first && head {
        Against::Holds
    } else {
        Against::Rebuilt
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
        let c = Checkpoint::signed(&log[0], &log[1], &key);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cp/x.json");
        c.write(&path).unwrap();
        let (read, fp) = Checkpoint::read(&path).unwrap().unwrap();
        assert_eq!(read, c);
        assert_eq!(fp.hex(), fingerprint_of(&key).as_str());
        let at = |n: u64| log.get(n as usize);
        assert_eq!(against(&c, 3, at), Against::Holds);
        assert_eq!(against(&c, 1, at), Against::Truncated { log: 1 });
        let other = entries(3, &ed25519_dalek::SigningKey::from_bytes(&[2; 32]));
        assert_eq!(against(&c, 3, |n| other.get(n as usize)), Against::Rebuilt);
    }

    #[test]
    fn fail_altered_checkpoint() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let log = entries(2, &key);
        let mut c = Checkpoint::signed(&log[0], &log[1], &key);
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
