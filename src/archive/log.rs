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

use super::id::{AgreementId, BadHex, Sha256Hex};
use super::{check_regular, read_regular};
use crate::canonical::{tagged_hash, to_canonical_json};
use crate::error::{param, Coded, Params};
use crate::fsutil::sync_dir;
use crate::key::Fingerprint;
use crate::signature::Signer;

/// Domain tag of a log entry's hash.
pub const LOG_TAG: &str = "tweevoud-archive-log/1";

/// Domain tag that starts the message a log entry's signature is made over.
pub const LOG_SIGNATURE_TAG: &str = "tweevoud-archive-log-signature/1";

/// Longest line of the log, in bytes (an entry is well under 8 KiB; its longest member is an
/// export's note, which names a directory).
pub const MAX_LINE_BYTES: usize = 64 << 10;

/// Largest log, in bytes: a log that size holds about a million entries.
pub const MAX_LOG_BYTES: u64 = 1 << 30;

/// Most entries a log may hold.
pub const MAX_LOG_ENTRIES: usize = 2_000_000;

/// Most objects one entry may name (an added entry names 4).
pub const MAX_ENTRY_OBJECTS: usize = 64;

/// The largest `seq` a line may carry: 2^53 - 1, the largest integer canonical JSON (RFC
/// 8785, which writes numbers as IEEE doubles) writes exactly. A larger one would be hashed
/// and written back rounded: two entries that differ only there would share a hash.
const MAX_SEQ: u64 = (1 << 53) - 1;

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
    /// A team archive's members were set (`members` lists them), by its creator
    /// (`docs/archive-team.md`).
    Members,
}

impl LogEvent {
    /// `"added"`, `"exported"`, `"verified"`, `"deleted"` or `"members"`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogEvent::Added => "added",
            LogEvent::Exported => "exported",
            LogEvent::Verified => "verified",
            LogEvent::Deleted => "deleted",
            LogEvent::Members => "members",
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
    pub sha256: Sha256Hex,
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
    pub agreement: Option<AgreementId>,
    /// The objects concerned: stored (`added`), copied out (`exported`), erased (`deleted`).
    #[serde(default)]
    pub objects: Vec<LoggedObject>,
    /// Why an agreement was erased (`deleted` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A short note: where an export went, what a verification found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A team archive's members from the next entry on (`members` entries only): the
    /// fingerprints of their keys (as many as an entry's longest line holds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Sha256Hex>,
    /// The archive's identifier (32 random bytes, hex), chosen when the archive was created:
    /// carried by the first entry of an archive (and, in an archive made before identifiers,
    /// by the first entry written after the upgrade); absent elsewhere. The profile finds its
    /// checkpoint of the archive by it (`docs/format.md`, "The checkpoint").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<Sha256Hex>,
    /// The previous entry's `hash`; absent for the first entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<Sha256Hex>,
    /// The fingerprint (SHA-256 of the raw public key, hex) of the key that signed this
    /// entry, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<Sha256Hex>,
    /// `H("tweevoud-archive-log/1", entry without "hash" and "signature")`, hex.
    pub hash: Sha256Hex,
    /// The signature, when `signed_by` is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<LogSignature>,
}

/// What a new entry says; the log adds the sequence number, the chain and the signature.
#[derive(Debug, Clone)]
pub(crate) struct NewEntry {
    pub time: String,
    pub event: LogEvent,
    pub agreement: Option<AgreementId>,
    pub objects: Vec<LoggedObject>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// A team archive's members (`members` entries only).
    pub members: Vec<Sha256Hex>,
    /// The archive's identifier, when this entry is the one that carries it.
    pub archive: Option<Sha256Hex>,
}

/// The hash of an entry: over everything but `hash` and `signature`.
pub fn entry_hash(entry: &LogEntry) -> Sha256Hex {
    let mut value = serde_json::to_value(entry).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.remove("hash");
        map.remove("signature");
    }
    Sha256Hex::from_bytes(&tagged_hash(LOG_TAG, &value))
}

/// The bytes a log entry's signature is made over: `LOG_SIGNATURE_TAG || LF || hash`, the
/// hash as its 32 raw bytes.
pub fn signature_message(hash: &Sha256Hex) -> Vec<u8> {
    let mut m = Vec::with_capacity(LOG_SIGNATURE_TAG.len() + 33);
    m.extend_from_slice(LOG_SIGNATURE_TAG.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(&hash.to_bytes());
    m
}

/// Why a log entry's signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureProblem {
    /// A signature without `signed_by`.
    #[error("it carries a signature but does not say by which key")]
    Unnamed,
    /// `signed_by` without a signature.
    #[error("it says it was signed, but its signature was removed")]
    Removed,
    /// The public key is not 32 bytes of base64, or not a valid Ed25519 key.
    #[error("its signature's public key is not a valid Ed25519 key")]
    BadKey,
    /// The public key's fingerprint is not `signed_by`.
    #[error("its signature was made with another key than the one it names")]
    OtherKey,
    /// The value is not 64 bytes of base64.
    #[error("its signature value is malformed")]
    Malformed,
    /// The signature does not verify over the entry's hash.
    #[error("its signature does not match it")]
    Mismatch,
}

impl SignatureProblem {
    /// Every code of [`SignatureProblem`].
    pub const CODES: &'static [&'static str] = &[
        "log_signature_unnamed",
        "log_signature_removed",
        "log_signature_bad_key",
        "log_signature_other_key",
        "log_signature_malformed",
        "log_signature_mismatch",
    ];
}

impl Coded for SignatureProblem {
    fn code(&self) -> &'static str {
        match self {
            SignatureProblem::Unnamed => "log_signature_unnamed",
            SignatureProblem::Removed => "log_signature_removed",
            SignatureProblem::BadKey => "log_signature_bad_key",
            SignatureProblem::OtherKey => "log_signature_other_key",
            SignatureProblem::Malformed => "log_signature_malformed",
            SignatureProblem::Mismatch => "log_signature_mismatch",
        }
    }

    fn params(&self) -> Params {
        match self {
            SignatureProblem::Unnamed
            | SignatureProblem::Removed
            | SignatureProblem::BadKey
            | SignatureProblem::OtherKey
            | SignatureProblem::Malformed
            | SignatureProblem::Mismatch => Vec::new(),
        }
    }
}

impl LogEntry {
    /// The entry as it is written: its canonical JSON and a line feed.
    pub fn to_line(&self) -> Vec<u8> {
        let mut line = to_canonical_json(self);
        line.push(b'\n');
        line
    }

    /// Checks the signature, if the entry says it is signed. `Ok(None)`: not signed;
    /// `Ok(Some(fingerprint))`: signed by that key and the signature holds. Whether that key
    /// is one the reader trusts is the reader's to decide (`archive::verify_trusted`).
    pub fn check_signature(&self) -> Result<Option<Fingerprint>, SignatureProblem> {
        let Some(fingerprint) = &self.signed_by else {
            return match self.signature {
                None => Ok(None),
                Some(_) => Err(SignatureProblem::Unnamed),
            };
        };
        let sig = self.signature.as_ref().ok_or(SignatureProblem::Removed)?;
        let key = check_ed25519(sig, &signature_message(&self.hash))?;
        if key.as_bytes() != &fingerprint.to_bytes() {
            return Err(SignatureProblem::OtherKey);
        }
        Ok(Some(key))
    }
}

/// Checks an Ed25519 signature (strict) over `message`; the fingerprint of its key.
pub(crate) fn check_ed25519(
    sig: &LogSignature,
    message: &[u8],
) -> Result<Fingerprint, SignatureProblem> {
    let key: [u8; 32] = decode_b64(&sig.public_key, 32)
        .and_then(|k| k.try_into().ok())
        .ok_or(SignatureProblem::BadKey)?;
    let value: [u8; 64] = decode_b64(&sig.value, 64)
        .and_then(|v| v.try_into().ok())
        .ok_or(SignatureProblem::Malformed)?;
    let fingerprint = Fingerprint::of_raw_public_key(&key);
    let verifying =
        ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| SignatureProblem::BadKey)?;
    verifying
        .verify_strict(message, &ed25519_dalek::Signature::from_bytes(&value))
        .map_err(|_| SignatureProblem::Mismatch)?;
    Ok(fingerprint)
}

/// Base64 of `n` bytes: refused before decoding when it is longer than that can be.
fn decode_b64(text: &str, n: usize) -> Option<Vec<u8>> {
    if text.len() > n.div_ceil(3) * 4 {
        return None;
    }
    B64.decode(text).ok()
}

/// A signature over `message` by `signer`, as a log entry (or a checkpoint) carries it.
pub(crate) fn sign(signer: &dyn Signer, message: &[u8]) -> LogSignature {
    LogSignature {
        public_key: B64.encode(signer.public_key_bytes()),
        value: B64.encode(signer.sign_message(message)),
    }
}

/// The fingerprint of a signer's key, as a log entry names it.
pub(crate) fn fingerprint_of(signer: &dyn Signer) -> Sha256Hex {
    Sha256Hex::from_bytes(&Sha256::digest(signer.public_key_bytes()).into())
}

/// Why a line of the log is not an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineError {
    /// The line is longer than [`MAX_LINE_BYTES`].
    #[error("it is {0} bytes long, more than any entry ({MAX_LINE_BYTES})")]
    TooLong(usize),
    /// The line is not UTF-8.
    #[error("it is not UTF-8 text")]
    NotUtf8,
    /// A member that names an object, an agreement, an entry or a key is not 64 lower-case
    /// hex digits (a forged entry: such a value must never become a path).
    #[error("its member {member} is not a SHA-256 (64 lower-case hex digits): {value}")]
    BadHash {
        /// The member: `hash`, `prev`, `agreement`, `signed_by` or `objects[i].sha256`.
        member: String,
        /// The value.
        value: BadHex,
    },
    /// The entry names more than [`MAX_ENTRY_OBJECTS`] objects.
    #[error("it names {0} objects, more than any entry ({MAX_ENTRY_OBJECTS})")]
    TooManyObjects(usize),
    /// Not JSON, or not the members of an entry.
    #[error("it is not a log entry ({0})")]
    NotAnEntry(String),
}

impl LineError {
    /// Every code of [`LineError`].
    pub const CODES: &'static [&'static str] = &[
        "log_line_too_long",
        "log_line_not_utf8",
        "log_bad_hash",
        "log_too_many_objects",
        "log_line_not_an_entry",
    ];
}

/// Parameters: `bytes`, `max`, `member`, `found`, `count`, `detail` (English words).
impl Coded for LineError {
    fn code(&self) -> &'static str {
        match self {
            LineError::TooLong(_) => "log_line_too_long",
            LineError::NotUtf8 => "log_line_not_utf8",
            LineError::BadHash { .. } => "log_bad_hash",
            LineError::TooManyObjects(_) => "log_too_many_objects",
            LineError::NotAnEntry(_) => "log_line_not_an_entry",
        }
    }

    fn params(&self) -> Params {
        match self {
            LineError::TooLong(bytes) => vec![param("bytes", bytes), param("max", MAX_LINE_BYTES)],
            LineError::NotUtf8 => Vec::new(),
            LineError::BadHash { member, value } => {
                vec![param("member", member), param("found", &value.0)]
            }
            LineError::TooManyObjects(count) => {
                vec![param("count", count), param("max", MAX_ENTRY_OBJECTS)]
            }
            LineError::NotAnEntry(detail) => vec![param("detail", detail)],
        }
    }
}

/// Parses one line of the log (without its line feed) into an entry. Never panics, whatever
/// the bytes; every hash and id in it is checked to be 64 lower-case hex digits. Exposed for
/// fuzzing.
#[doc(hidden)]
pub fn parse_log_line(line: &[u8]) -> Result<LogEntry, LineError> {
    if line.len() > MAX_LINE_BYTES {
        return Err(LineError::TooLong(line.len()));
    }
    let text = std::str::from_utf8(line).map_err(|_| LineError::NotUtf8)?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| LineError::NotAnEntry(e.to_string()))?;
    let hex_member = |member: String, v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => Sha256Hex::parse(s)
            .map(|_| ())
            .map_err(|value| LineError::BadHash { member, value }),
        _ => Ok(()),
    };
    for member in ["hash", "prev", "agreement", "signed_by", "archive"] {
        hex_member(member.to_string(), value.get(member))?;
    }
    // Found by fuzzing (the log_line target): a forged seq of 2^64 - 1 was accepted, but its
    // canonical JSON rounds it, so the entry's own line did not read back.
    if let Some(seq) = value.get("seq").and_then(serde_json::Value::as_u64) {
        if seq > MAX_SEQ {
            return Err(LineError::NotAnEntry(format!(
                "its seq {seq} is larger than canonical JSON holds exactly ({MAX_SEQ})"
            )));
        }
    }
    if let Some(objects) = value.get("objects").and_then(|o| o.as_array()) {
        if objects.len() > MAX_ENTRY_OBJECTS {
            return Err(LineError::TooManyObjects(objects.len()));
        }
        for (i, o) in objects.iter().enumerate() {
            hex_member(format!("objects[{i}].sha256"), o.get("sha256"))?;
        }
    }
    serde_json::from_value(value).map_err(|e| LineError::NotAnEntry(e.to_string()))
}

/// One line of the log as read.
#[derive(Debug)]
pub(crate) struct Line {
    /// 1-based line number.
    pub number: usize,
    /// The entry, or why the line is not one.
    pub entry: Result<LogEntry, LineError>,
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

    /// Reads every line: a log that is not a regular file, larger than [`MAX_LOG_BYTES`] or
    /// with more than [`MAX_LOG_ENTRIES`] lines is refused.
    pub(crate) fn read_all(&self) -> io::Result<LogRead> {
        let bytes = match read_regular(&self.path, MAX_LOG_BYTES) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(LogRead::default()),
            Err(e) => return Err(e),
        };
        let count = bytes.iter().filter(|&&b| b == b'\n').count();
        if count > MAX_LOG_ENTRIES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the log has {count} lines, more than {MAX_LOG_ENTRIES}"),
            ));
        }
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let torn_tail = (complete < bytes.len()).then(|| bytes.len() - complete);
        let lines = bytes[..complete]
            .split_inclusive(|&b| b == b'\n')
            .enumerate()
            .map(|(i, l)| Line {
                number: i + 1,
                entry: parse_log_line(l.strip_suffix(b"\n").unwrap_or(l)),
            })
            .collect();
        Ok(LogRead { lines, torn_tail })
    }

    /// The last complete entry, read from the end of the file (at most [`MAX_LINE_BYTES`]
    /// of it).
    pub(crate) fn last(&self) -> io::Result<Option<LogEntry>> {
        match check_regular(&self.path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        }
        let mut f = File::open(&self.path)?;
        let meta = f.metadata()?;
        if !meta.is_file() {
            return Err(super::not_regular());
        }
        let len = meta.len();
        let mut chunk = 64 * 1024u64;
        loop {
            if chunk > 4 * (MAX_LINE_BYTES as u64 + 1) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the last line of the log is longer than any entry ({MAX_LINE_BYTES} bytes)"),
                ));
            }
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
        let created = match check_regular(&self.path) {
            Ok(()) => false,
            Err(e) if e.kind() == io::ErrorKind::NotFound => true,
            Err(e) => return Err(e),
        };
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
        let entry = chain_after(self.last()?.as_ref(), new, signer);
        f.seek(SeekFrom::End(0))?;
        f.write_all(&entry.to_line())?;
        f.sync_data()?;
        Ok(entry)
    }
}

/// The entry `new` makes after `prev` (the log's last entry, `None` for the first): the next
/// `seq`, `prev`'s hash, its own hash and, when `signer` is given, its signature. What every
/// back-end appends (`super::backend::Entries::append`).
pub(crate) fn chain_after(
    prev: Option<&LogEntry>,
    new: NewEntry,
    signer: Option<&dyn Signer>,
) -> LogEntry {
    let mut entry = LogEntry {
        seq: prev.map_or(0, |p| p.seq + 1),
        time: new.time,
        event: new.event,
        agreement: new.agreement,
        objects: new.objects,
        reason: new.reason,
        note: new.note,
        members: new.members,
        archive: new.archive,
        prev: prev.map(|p| p.hash.clone()),
        signed_by: signer.map(fingerprint_of),
        hash: Sha256Hex::from_bytes(&[0; 32]),
        signature: None,
    };
    entry.hash = entry_hash(&entry);
    if let Some(s) = signer {
        entry.signature = Some(sign(s, &signature_message(&entry.hash)));
    }
    entry
}

fn last_entry(line: &[u8]) -> io::Result<Option<LogEntry>> {
    parse_log_line(line).map(Some).map_err(|e| {
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
            agreement: Some(AgreementId::parse(&"ab".repeat(32)).unwrap()),
            objects: vec![LoggedObject {
                sha256: Sha256Hex::parse(&"cd".repeat(32)).unwrap(),
                kind: ObjectKind::Agreement,
                number: None,
                name: None,
            }],
            reason: None,
            note: None,
            members: Vec::new(),
            archive: None,
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
        assert_eq!(b.prev.as_ref(), Some(&a.hash));
        assert_eq!(a.check_signature(), Ok(None));
        assert_eq!(
            b.check_signature().unwrap().unwrap().hex(),
            "34750f98bd59fcfc946da45aaabe933be154a4b5094e1c4abf42866505f3c97e"
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
        assert_eq!(stripped.check_signature(), Err(SignatureProblem::Removed));
        let other = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
        let mut foreign = e.clone();
        foreign.signature = Some(sign(&other, &signature_message(&e.hash)));
        assert_eq!(foreign.check_signature(), Err(SignatureProblem::OtherKey));
        let mut altered = e;
        altered.hash = Sha256Hex::parse(&"00".repeat(32)).unwrap();
        assert_eq!(altered.check_signature(), Err(SignatureProblem::Mismatch));
    }

    #[test]
    fn fail_forged_lines_are_refused_with_their_member() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path().join("log.jsonl"));
        let good = log.append(new(LogEvent::Added), Some(&key)).unwrap();
        let line = String::from_utf8(good.to_line()).unwrap();
        let line = line.trim_end();
        assert_eq!(parse_log_line(line.as_bytes()).unwrap(), good);
        let sha = good.objects[0].sha256.as_str();
        for (bad, member) in [
            ("/etc/passwd", "objects[0].sha256"),
            ("/dev/zero", "objects[0].sha256"),
            ("ab", "objects[0].sha256"),
            (&"zz".repeat(32), "objects[0].sha256"),
            (&"CD".repeat(32), "objects[0].sha256"),
        ] {
            let forged = line.replace(sha, bad);
            match parse_log_line(forged.as_bytes()) {
                Err(e @ LineError::BadHash { .. }) => {
                    assert!(e.to_string().contains(member), "{e}");
                    assert_eq!(crate::error::Coded::code(&e), "log_bad_hash");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        let agreement = good.agreement.as_ref().unwrap().as_str();
        let forged = line.replace(agreement, "../../../../tmp");
        assert!(matches!(
            parse_log_line(forged.as_bytes()),
            Err(LineError::BadHash { member, .. }) if member == "agreement"
        ));
        let long = vec![b' '; MAX_LINE_BYTES + 1];
        assert_eq!(
            parse_log_line(&long),
            Err(LineError::TooLong(MAX_LINE_BYTES + 1))
        );
        assert_eq!(parse_log_line(b"\xff"), Err(LineError::NotUtf8));
        assert!(matches!(
            parse_log_line(b"{}"),
            Err(LineError::NotAnEntry(_))
        ));
    }

    /// Fuzzing finding (log_line target, fuzz/seeds/log_line/fail_huge-seq.jsonl): a seq
    /// beyond 2^53 - 1 is refused, since its canonical JSON (hashed, and written back) would
    /// round it; the largest exact one still reads back as the same entry.
    #[test]
    fn fail_seq_beyond_what_canonical_json_holds() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path().join("log.jsonl"));
        let good = log.append(new(LogEvent::Added), Some(&key)).unwrap();
        let mut value = serde_json::to_value(&good).unwrap();
        for seq in [u64::MAX, MAX_SEQ + 1] {
            value["seq"] = seq.into();
            let line = value.to_string();
            assert!(
                matches!(parse_log_line(line.as_bytes()), Err(LineError::NotAnEntry(m)) if m.contains("seq")),
                "{seq}"
            );
        }
        value["seq"] = MAX_SEQ.into();
        let entry = parse_log_line(value.to_string().as_bytes()).unwrap();
        let back = entry.to_line();
        assert_eq!(parse_log_line(&back[..back.len() - 1]).unwrap(), entry);
    }

    #[test]
    fn fail_log_that_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
            let log = Log::new(path.clone());
            assert!(log.read_all().is_err());
            assert!(log.last().is_err());
            assert!(log.append(new(LogEvent::Added), None).is_err());
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_log_line_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let _ = parse_log_line(&bytes);
        }

        #[test]
        fn parse_log_line_never_panics_on_near_entries(
            seq in 0u64..u64::MAX,
            hash in "[0-9a-fA-F/.]{0,70}",
            name in "\\PC{0,40}",
            number in proptest::option::of(0u32..u32::MAX),
        ) {
            let line = serde_json::json!({
                "seq": seq, "time": "t", "event": "added", "hash": hash, "prev": hash,
                "objects": [{"sha256": hash, "kind": "exemplar", "number": number, "name": name}],
            })
            .to_string();
            if let Ok(e) = parse_log_line(line.as_bytes()) {
                proptest::prop_assert_eq!(e.hash.as_str().len(), 64);
            }
        }
    }
}
