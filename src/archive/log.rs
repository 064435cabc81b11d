//! The archive's log: an append-only, hash-chained record of every archive event.
//!
//! `log.jsonl` holds one entry per line, each the RFC 8785 canonical JSON of a
//! [`LogEntry`] followed by a line feed. Each entry carries the hash of the one before it
//! (`prev`) and its own hash over everything it says except its hash and its signature, so
//! changing, inserting, removing or reordering an entry breaks the chain. When a key is at
//! hand the entry also names the key (`signed_by`, inside what is hashed) and carries an
//! Ed25519 signature over its hash (outside it). The byte-exact format is in
//! `docs/format.md`, "The archive".

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::canonical::{tagged_hash, to_canonical_json};
use crate::fsutil::sync_dir;
use crate::signature::Signer;

/// Domain tag of a log entry's hash.
pub const LOG_TAG: &str = "tweevoud-archive-log/1";

/// Domain tag that starts the message a log entry's signature is made over.
pub const LOG_SIGNATURE_TAG: &str = "tweevoud-archive-log-signature/1";

/// What happened, in the archive's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LogEvent {
    /// An agreement (a new one, or a later version of one) and its exemplars were stored.
    Added,
    /// An agreement was copied out of the archive.
    Exported,
    /// The whole archive was verified; the note says with what result.
    Verified,
    /// An agreement was erased; the entry is its tombstone.
    Deleted,
}

impl LogEvent {
    /// `"added"`, `"exported"`, `"verified"` or `"deleted"`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogEvent::Added => "added",
            LogEvent::Exported => "exported",
            LogEvent::Verified => "verified",
            LogEvent::Deleted => "deleted",
        }
    }
}

/// What kind of file an object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ObjectKind {
    /// An agreement file (`.tweevoud`), one version of an agreement.
    Agreement,
    /// The canonical text of a template.
    Template,
    /// An exemplar PDF of a complete agreement.
    Exemplar,
}

impl ObjectKind {
    /// `"agreement"`, `"template"` or `"exemplar"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Agreement => "agreement",
            ObjectKind::Template => "template",
            ObjectKind::Exemplar => "exemplar",
        }
    }
}

/// An object named in a log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoggedObject {
    /// SHA-256 of the object's bytes, hex.
    pub sha256: String,
    /// What it is.
    pub kind: ObjectKind,
    /// For an exemplar: its number (1 or 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    /// For an exemplar: its file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The signature of a log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSignature {
    /// The Ed25519 public key, 32 bytes, standard base64.
    pub public_key: String,
    /// Ed25519 over [`signature_message`] of the entry's hash, 64 bytes, standard base64.
    pub value: String,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    /// Position in the log, from 0.
    pub seq: u64,
    /// When, RFC 3339 with offset, whole seconds.
    pub time: String,
    /// What happened.
    pub event: LogEvent,
    /// The agreement concerned (all but `verified`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<String>,
    /// The objects concerned: stored (`added`), copied out (`exported`), erased (`deleted`).
    #[serde(default)]
    pub objects: Vec<LoggedObject>,
    /// Why an agreement was erased (`deleted` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A short note: where an export went, what a verification found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The previous entry's `hash`; absent for the first entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// The fingerprint (SHA-256 of the raw public key, hex) of the key that signed this
    /// entry, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    /// `H("tweevoud-archive-log/1", entry without "hash" and "signature")`, hex.
    pub hash: String,
    /// The signature, when `signed_by` is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<LogSignature>,
}

/// What a new entry says; the log adds the sequence number, the chain and the signature.
#[derive(Debug, Clone)]
pub(crate) struct NewEntry {
    pub time: String,
    pub event: LogEvent,
    pub agreement: Option<String>,
    pub objects: Vec<LoggedObject>,
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// The hash of an entry: over everything but `hash` and `signature`.
pub fn entry_hash(entry: &LogEntry) -> String {
    let mut value = serde_json::to_value(entry).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.remove("hash");
        map.remove("signature");
    }
    hex::encode(tagged_hash(LOG_TAG, &value))
}

/// The bytes a log entry's signature is made over: `LOG_SIGNATURE_TAG || LF || hash`, the
/// hash as its 32 raw bytes.
pub fn signature_message(hash_hex: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(LOG_SIGNATURE_TAG.len() + 33);
    m.extend_from_slice(LOG_SIGNATURE_TAG.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(&hex::decode(hash_hex).unwrap_or_default());
    m
}

impl LogEntry {
    /// The entry as it is written: its canonical JSON and a line feed.
    pub fn to_line(&self) -> Vec<u8> {
        let mut line = to_canonical_json(self);
        line.push(b'\n');
        line
    }

    /// Checks the signature, if the entry says it is signed. `Ok(None)`: not signed;
    /// `Ok(Some(fingerprint))`: signed by that key and the signature holds.
    pub fn check_signature(&self) -> Result<Option<String>, String> {
        let Some(fingerprint) = &self.signed_by else {
            return match self.signature {
                None => Ok(None),
                Some(_) => Err("it carries a signature but does not say by which key".into()),
            };
        };
        let sig = self
            .signature
            .as_ref()
            .ok_or("it says it was signed, but its signature was removed")?;
        let key: [u8; 32] = B64
            .decode(&sig.public_key)
            .ok()
            .and_then(|k| k.try_into().ok())
            .ok_or("its signature's public key is not a valid Ed25519 key")?;
        if hex::encode(Sha256::digest(key)) != *fingerprint {
            return Err("its signature was made with another key than the one it names".into());
        }
        let value: [u8; 64] = B64
            .decode(&sig.value)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or("its signature value is malformed")?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&key)
            .map_err(|_| "its signature's public key is not a valid Ed25519 key")?;
        key.verify_strict(
            &signature_message(&self.hash),
            &ed25519_dalek::Signature::from_bytes(&value),
        )
        .map_err(|_| "its signature does not match it")?;
        Ok(Some(fingerprint.clone()))
    }
}

/// One line of the log as read.
#[derive(Debug)]
pub(crate) struct Line {
    /// 1-based line number.
    pub number: usize,
    /// The entry, or why the line is not one.
    pub entry: Result<LogEntry, String>,
}

/// The whole log as read.
#[derive(Debug, Default)]
pub(crate) struct LogRead {
    pub lines: Vec<Line>,
    /// Bytes at the end that do not end in a line feed: an append that was cut short.
    pub torn_tail: Option<usize>,
}

/// The log file.
#[derive(Debug, Clone)]
pub(crate) struct Log {
    path: PathBuf,
}

impl Log {
    pub(crate) fn new(path: PathBuf) -> Log {
        Log { path }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Reads every line.
    pub(crate) fn read_all(&self) -> io::Result<LogRead> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(LogRead::default()),
            Err(e) => return Err(e),
        };
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let torn_tail = (complete < bytes.len()).then(|| bytes.len() - complete);
        let lines = bytes[..complete]
            .split_inclusive(|&b| b == b'\n')
            .enumerate()
            .map(|(i, l)| Line {
                number: i + 1,
                entry: parse_line(&l[..l.len() - 1]),
            })
            .collect();
        Ok(LogRead { lines, torn_tail })
    }

    /// The last complete entry, read from the end of the file.
    pub(crate) fn last(&self) -> io::Result<Option<LogEntry>> {
        let mut f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let len = f.metadata()?.len();
        let mut chunk = 64 * 1024u64;
        loop {
            let start = len.saturating_sub(chunk);
            f.seek(SeekFrom::Start(start))?;
            let mut buf = Vec::with_capacity((len - start) as usize);
            (&mut f).take(len - start).read_to_end(&mut buf)?;
            let Some(end) = buf.iter().rposition(|&b| b == b'\n') else {
                if start == 0 {
                    return Ok(None);
                }
                chunk *= 4;
                continue;
            };
            match buf[..end].iter().rposition(|&b| b == b'\n') {
                Some(begin) => return last_entry(&buf[begin + 1..end]),
                None if start == 0 => return last_entry(&buf[..end]),
                None => chunk *= 4,
            }
        }
    }

    /// Appends an entry, flushed to disk before this returns. The caller holds the
    /// archive's lock. A line cut short by an earlier crash is dropped first.
    pub(crate) fn append(
        &self,
        new: NewEntry,
        signer: Option<&dyn Signer>,
    ) -> io::Result<LogEntry> {
        let created = !self.path.exists();
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&self.path)?;
        if created {
            if let Some(dir) = self.path.parent() {
                sync_dir(dir)?;
            }
        }
        // Drop a torn last line.
        let len = f.metadata()?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            f.seek(SeekFrom::Start(len - 1))?;
            f.read_exact(&mut last)?;
            if last[0] != b'\n' {
                let keep = complete_length(&mut f, len)?;
                f.set_len(keep)?;
                f.sync_all()?;
            }
        }
        let prev = self.last()?;
        let mut entry = LogEntry {
            seq: prev.as_ref().map_or(0, |p| p.seq + 1),
            time: new.time,
            event: new.event,
            agreement: new.agreement,
            objects: new.objects,
            reason: new.reason,
            note: new.note,
            prev: prev.map(|p| p.hash),
            signed_by: signer.map(|s| hex::encode(Sha256::digest(s.public_key_bytes()))),
            hash: String::new(),
            signature: None,
        };
        entry.hash = entry_hash(&entry);
        if let Some(s) = signer {
            entry.signature = Some(LogSignature {
                public_key: B64.encode(s.public_key_bytes()),
                value: B64.encode(s.sign_message(&signature_message(&entry.hash))),
            });
        }
        f.seek(SeekFrom::End(0))?;
        f.write_all(&entry.to_line())?;
        f.sync_data()?;
        Ok(entry)
    }
}

fn parse_line(line: &[u8]) -> Result<LogEntry, String> {
    let text = std::str::from_utf8(line).map_err(|_| "it is not UTF-8 text".to_string())?;
    serde_json::from_str(text).map_err(|e| format!("it is not a log entry ({e})"))
}

fn last_entry(line: &[u8]) -> io::Result<Option<LogEntry>> {
    parse_line(line).map(Some).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the last line of the log cannot be read: {e}"),
        )
    })
}

/// The length of the file up to and including its last line feed.
fn complete_length(f: &mut File, len: u64) -> io::Result<u64> {
    let mut pos = len;
    let mut buf = vec![0u8; 64 * 1024];
    while pos > 0 {
        let start = pos.saturating_sub(buf.len() as u64);
        let n = (pos - start) as usize;
        f.seek(SeekFrom::Start(start))?;
        f.read_exact(&mut buf[..n])?;
        if let Some(i) = buf[..n].iter().rposition(|&b| b == b'\n') {
            return Ok(start + i as u64 + 1);
        }
        pos = start;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(event: LogEvent) -> NewEntry {
        NewEntry {
            time: "2026-11-23T10:00:00+01:00".into(),
            event,
            agreement: Some("ab".repeat(32)),
            objects: vec![LoggedObject {
                sha256: "cd".repeat(32),
                kind: ObjectKind::Agreement,
                number: None,
                name: None,
            }],
            reason: None,
            note: None,
        }
    }

    #[test]
    fn entries_chain_and_sign() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path().join("log.jsonl"));
        let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let a = log.append(new(LogEvent::Added), None).unwrap();
        let b = log.append(new(LogEvent::Exported), Some(&key)).unwrap();
        assert_eq!((a.seq, b.seq), (0, 1));
        assert_eq!(b.prev.as_deref(), Some(a.hash.as_str()));
        assert_eq!(a.check_signature(), Ok(None));
        assert_eq!(
            b.check_signature(),
            Ok(Some(
                "34750f98bd59fcfc946da45aaabe933be154a4b5094e1c4abf42866505f3c97e".into()
            ))
        );
        let read = log.read_all().unwrap();
        assert_eq!(read.lines.len(), 2);
        assert_eq!(read.lines[1].entry.as_ref().unwrap(), &b);
        assert_eq!(log.last().unwrap().unwrap(), b);
        assert_eq!(entry_hash(&b), b.hash);
    }

    #[test]
    fn torn_tail_is_dropped_on_append() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path().join("log.jsonl"));
        let a = log.append(new(LogEvent::Added), None).unwrap();
        let mut f = OpenOptions::new().append(true).open(log.path()).unwrap();
        f.write_all(b"{\"seq\":1,\"ti").unwrap();
        let read = log.read_all().unwrap();
        assert_eq!((read.lines.len(), read.torn_tail), (1, Some(12)));
        let b = log.append(new(LogEvent::Added), None).unwrap();
        assert_eq!(b.seq, 1);
        assert_eq!(b.prev, Some(a.hash));
        let read = log.read_all().unwrap();
        assert!(read.torn_tail.is_none());
        assert!(read.lines.iter().all(|l| l.entry.is_ok()));
    }

    #[test]
    fn fail_stripped_or_foreign_signature() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path().join("log.jsonl"));
        let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let e = log.append(new(LogEvent::Added), Some(&key)).unwrap();
        let mut stripped = e.clone();
        stripped.signature = None;
        assert!(stripped.check_signature().unwrap_err().contains("removed"));
        let other = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
        let mut foreign = e.clone();
        foreign.signature = Some(LogSignature {
            public_key: B64.encode(other.verifying_key().to_bytes()),
            value: B64.encode(other.sign_message(&signature_message(&e.hash))),
        });
        assert!(foreign
            .check_signature()
            .unwrap_err()
            .contains("another key"));
        let mut altered = e;
        altered.hash = "00".repeat(32);
        assert!(altered
            .check_signature()
            .unwrap_err()
            .contains("does not match"));
    }
}
