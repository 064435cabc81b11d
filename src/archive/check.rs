//! Verifying a whole archive: every object against its hash, every stored agreement's
//! signatures, the log's chain and signatures, and the index against the objects and the log.
//!
//! Problems are things that should not be: a corrupt or missing object, an agreement that no
//! longer verifies, a log entry that was altered, an index that is missing or says something
//! the objects do not. Notes are what a crash leaves and what verification tidied up: an
//! orphan object written before its log entry, a temporary file, an index behind the log,
//! an erasure to finish. An archive with notes and no problems is sound.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::backend::{Entries, Objects, SharedIndex, SharedRows};
use super::checkpoint::{against, locate, Against, Located};
use super::id::{AgreementId, Sha256Hex};
use super::index::{search_digest, AgreementRows, Derived, Index, ObjectRow};
use super::log::{entry_hash, LineError, Log, LogEntry, LogEvent, NewEntry, ObjectKind};
use super::members::{Members, Standing};
use super::store::{Found, Store};
use super::{
    derive, link_target, lock, paths, time_str, write_checkpoint, Archive, ArchiveError, Backends,
};
use crate::agreement::Agreement;
use crate::error::{Coded, Params};
use crate::key::Fingerprint;
use crate::signature::Signer;
use crate::verify::{verify as verify_agreement, Status};

/// Where a verification is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// What is being checked: `"log"`, `"objects"`, `"agreements"` or `"index"`.
    pub stage: &'static str,
    /// How many of them are done.
    pub done: usize,
    /// How many there are.
    pub total: usize,
}

/// What a verification trusts, from outside the archive: which keys may sign its log (the
/// profile's own), and where the profile keeps the archive's checkpoint. The archive never
/// reads a profile itself; the caller says what it trusts.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// The fingerprints of the profile's own keys: a log entry signed by any other key is a
    /// foreign signature.
    pub own_keys: Vec<Fingerprint>,
    /// The checkpoint file the profile keeps of this archive
    /// ([`crate::Profile::archive_checkpoint`]); `None`: no checkpoint is read or written.
    pub checkpoint: Option<PathBuf>,
    /// For a team archive: its creator's key, as the profile pinned it. The entries acted
    /// on are then those signed by a key that was a member at their place in the log, by
    /// the member lists the creator signed (`docs/archive-team.md`, "Members"); the
    /// profile's own keys still sign its checkpoint. A team archive with none pinned has
    /// no entry acted on; a local archive ignores it.
    pub creator: Option<Fingerprint>,
}

impl Trust {
    /// Trusting these keys, with no checkpoint.
    pub fn keys(own_keys: Vec<Fingerprint>) -> Trust {
        Trust {
            own_keys,
            checkpoint: None,
            creator: None,
        }
    }

    /// The same, for a team archive begun by `creator`.
    pub fn with_creator(mut self, creator: Fingerprint) -> Trust {
        self.creator = Some(creator);
        self
    }

    /// The same, with the checkpoint at `path`.
    pub fn with_checkpoint(mut self, path: PathBuf) -> Trust {
        self.checkpoint = Some(path);
        self
    }
}

/// What kind of problem a verification found: a stable code, for programs and the UI to
/// word it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProblemCode {
    /// The log is not a regular file, too large, or cannot be read at all.
    LogUnreadable,
    /// A line of the log is not an entry.
    LogLineUnreadable,
    /// A line of the log is longer than any entry.
    LogLineTooLong,
    /// An entry names an object, agreement, entry or key by something that is not a
    /// SHA-256 (a forged entry; never used as a path).
    LogBadHash,
    /// An entry's `seq` is not its position.
    LogOutOfSequence,
    /// An entry does not match its hash.
    LogAltered,
    /// An entry's `prev` is not the entry before it.
    LogUnchained,
    /// An entry's signature is malformed, removed, or does not hold.
    LogBadSignature,
    /// An entry is not signed.
    LogUnsigned,
    /// An entry is validly signed, by a key that is not one of the profile's own.
    LogForeignSignature,
    /// In a team archive: an entry is validly signed, by a key that was not a member at its
    /// place in the log (or, for an entry that changes the members, not the creator's).
    LogNotMember,
    /// The log has fewer entries than the profile's checkpoint counted: it was cut.
    LogTruncated,
    /// The log's entry at the checkpoint's position is not the one the checkpoint names: it
    /// was rewritten or rebuilt.
    LogRebuilt,
    /// The profile's checkpoint of this archive cannot be read.
    CheckpointUnreadable,
    /// The profile's checkpoint is not validly signed.
    CheckpointBadSignature,
    /// The profile's checkpoint is signed by a key that is not one of the profile's own.
    CheckpointForeignSignature,
    /// The profile knows this archive (its checkpoint of the directory names the identifier
    /// the log carries), but keeps no checkpoint of it by that identifier: it was deleted.
    CheckpointMissing,
    /// The archive's directory is a symbolic link (to another copy, perhaps an older one).
    ArchiveLinked,
    /// An object cannot be read (or is not a regular file).
    ObjectUnreadable,
    /// An object's bytes do not hash to its name.
    ObjectCorrupt,
    /// An object the log says is held is not there.
    ObjectMissing,
    /// An erased object is still there and cannot be removed.
    ObjectNotRemoved,
    /// A stored agreement file cannot be read.
    AgreementUnreadable,
    /// A stored agreement does not verify.
    AgreementInvalid,
    /// The index is missing.
    IndexMissing,
    /// The index is damaged or cannot be read.
    IndexDamaged,
    /// The index and the log disagree (entries removed or changed).
    IndexLogMismatch,
    /// The index says something its agreement files and log do not.
    IndexMismatch,
}

impl ProblemCode {
    /// The code, as in the JSON report: `log_unsigned`, `object_corrupt`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::LogUnreadable => "log_unreadable",
            ProblemCode::LogLineUnreadable => "log_line_unreadable",
            ProblemCode::LogLineTooLong => "log_line_too_long",
            ProblemCode::LogBadHash => "log_bad_hash",
            ProblemCode::LogOutOfSequence => "log_out_of_sequence",
            ProblemCode::LogAltered => "log_altered",
            ProblemCode::LogUnchained => "log_unchained",
            ProblemCode::LogBadSignature => "log_bad_signature",
            ProblemCode::LogUnsigned => "log_unsigned",
            ProblemCode::LogForeignSignature => "log_foreign_signature",
            ProblemCode::LogNotMember => "log_not_member",
            ProblemCode::LogTruncated => "log_truncated",
            ProblemCode::LogRebuilt => "log_rebuilt",
            ProblemCode::CheckpointUnreadable => "checkpoint_unreadable",
            ProblemCode::CheckpointBadSignature => "checkpoint_bad_signature",
            ProblemCode::CheckpointForeignSignature => "checkpoint_foreign_signature",
            ProblemCode::CheckpointMissing => "checkpoint_missing",
            ProblemCode::ArchiveLinked => "archive_linked",
            ProblemCode::ObjectUnreadable => "object_unreadable",
            ProblemCode::ObjectCorrupt => "object_corrupt",
            ProblemCode::ObjectMissing => "object_missing",
            ProblemCode::ObjectNotRemoved => "object_not_removed",
            ProblemCode::AgreementUnreadable => "agreement_unreadable",
            ProblemCode::AgreementInvalid => "agreement_invalid",
            ProblemCode::IndexMissing => "index_missing",
            ProblemCode::IndexDamaged => "index_damaged",
            ProblemCode::IndexLogMismatch => "index_log_mismatch",
            ProblemCode::IndexMismatch => "index_mismatch",
        }
    }
}

impl Coded for ProblemCode {
    fn code(&self) -> &'static str {
        self.as_str()
    }

    fn params(&self) -> Params {
        Vec::new()
    }
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem: its code and a sentence that says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What kind of problem.
    pub code: ProblemCode,
    /// What is wrong, in words.
    pub message: String,
}

/// The problem's code; its words are in `message` only.
impl Coded for Problem {
    fn code(&self) -> &'static str {
        self.code.as_str()
    }

    fn params(&self) -> Params {
        Vec::new()
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What verifying an archive found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The archive's directory.
    pub archive: PathBuf,
    /// Entries in the log.
    pub log_entries: usize,
    /// Entries signed by one of the profile's own keys (and whose signature holds).
    pub signed_entries: usize,
    /// The fingerprints of the keys that signed log entries (own and foreign).
    pub log_signers: Vec<Fingerprint>,
    /// Agreements held.
    pub agreements: usize,
    /// Objects checked against their hash.
    pub objects: usize,
    /// Agreement signatures verified (every stored version counts).
    pub signatures: usize,
    /// What is wrong, one sentence and a code each. Empty: the archive is sound.
    pub problems: Vec<Problem>,
    /// What a crash left behind and what was tidied up; not problems.
    pub notes: Vec<String>,
    /// The `verified` log entry written, if one was.
    pub logged: Option<u64>,
}

impl Report {
    /// Whether nothing is wrong.
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }

    /// Whether a problem with this code was found.
    pub fn has(&self, code: ProblemCode) -> bool {
        self.problems.iter().any(|p| p.code == code)
    }

    fn problem(&mut self, code: ProblemCode, message: String) {
        self.problems.push(Problem { code, message });
    }
}

/// An object the log says the archive holds.
#[derive(Debug, Clone)]
struct Held {
    kind: ObjectKind,
    number: Option<u32>,
    seq: u64,
}

/// One agreement as the log describes it.
#[derive(Debug, Clone, Default)]
struct State {
    current: Option<Sha256Hex>,
    archived: String,
    updated: String,
    objects: BTreeMap<Sha256Hex, Held>,
}

fn short(h: &AgreementId) -> &str {
    h.short(12)
}

/// [`verify_trusted`] trusting only `signer`'s key (when given) and with no checkpoint: for
/// an archive used without a profile. Every entry signed by another key is reported as a
/// foreign signature, and truncation cannot be seen.
pub fn verify(
    dir: &Path,
    now: DateTime<FixedOffset>,
    signer: Option<&dyn Signer>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, ArchiveError> {
    let own = signer
        .map(|s| Fingerprint::of_raw_public_key(&s.public_key_bytes()))
        .into_iter()
        .collect();
    verify_trusted(dir, &Trust::keys(own), now, signer, progress)
}

/// Verifies the archive in `dir` (see the module docs), trusting what `trust` says: log
/// entries must be signed by one of `trust.own_keys`, and the log must reach the checkpoint
/// at `trust.checkpoint`. Holds the archive's lock while it runs; finishes interrupted
/// erasures, removes temporary files, and brings an index that is behind the log up to date
/// (each said in a note). When `signer` is given, and unless the log itself is damaged or
/// not trusted, a `verified` entry with the result is appended to the log, signed by it, and
/// the checkpoint moved to it. Objects are read and hashed, and agreement files read and
/// verified, on every core ([`verify_threads`]); what they give is judged and reported in
/// order, as on one.
///
/// The phases, each a function of this module, in the order they report: the log, entry by
/// entry (`read_log`); what stands outside the log that it must agree with, the directory and
/// the checkpoint (`check_place`); what the authenticated entries say the archive holds
/// (`Holdings::of`); the objects on disk (`check_objects`); every stored agreement
/// (`check_agreements`); the index (`check_index_file`); and the record of this verification
/// (`record`).
pub fn verify_trusted(
    dir: &Path,
    trust: &Trust,
    now: DateTime<FixedOffset>,
    signer: Option<&dyn Signer>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, ArchiveError> {
    let p = paths(dir);
    if !dir.is_dir() {
        return Err(ArchiveError::NoArchive {
            path: dir.to_path_buf(),
        });
    }
    let _lock = lock(dir)?;
    let backends = Backends {
        store: Box::new(Store::new(p.objects.clone())),
        log: Box::new(Log::new(p.log.clone())),
    };
    verify_on(dir, dir, backends, false, trust, now, signer, progress)
}

/// Verifies the team archive `team` names (its log in PostgreSQL, its objects in the
/// bucket) as strictly as a local one ([`verify_trusted`]): every object read back from the
/// bucket and hashed, every entry of the database's log checked, in sequence, chained and
/// signed by one of `trust.own_keys`, the log against the profile's checkpoint of it at
/// `trust.checkpoint`, and the member's index in `cache` against both. Holds the cache's
/// lock while it runs (appends to the shared log are serialised by the database). With
/// `signer`, and a log that is sound and trusted, the `verified` entry is appended to the
/// database's log and the checkpoint moved to it. The CLI and the desktop app verify a
/// connected profile's team archive through [`super::TeamPlace::verify`]
/// (`docs/archive-team.md`).
#[cfg(feature = "team")]
#[doc(hidden)]
pub fn verify_team(
    cache: &Path,
    team: &super::TeamConnection,
    trust: &Trust,
    now: DateTime<FixedOffset>,
    signer: Option<&dyn Signer>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, ArchiveError> {
    let p = paths(cache);
    crate::fsutil::create_private_dir(cache).map_err(super::io_at(cache))?;
    let _lock = lock(cache)?;
    let backends = super::team_backends(team)?;
    // A member's index is a cache: one not made yet is made empty here, and brought up to
    // date with the log below (a note), as a local index behind its log is.
    super::check_index_files(&p.index)?;
    if std::fs::symlink_metadata(&p.index).is_err() {
        Index::open(&p.index, true).map_err(|source| ArchiveError::Index {
            path: p.index.clone(),
            source,
        })?;
    }
    let place = backends.log.place().to_path_buf();
    verify_on(&place, cache, backends, true, trust, now, signer, progress)
}

/// The phases of a verification (see [`verify_trusted`]), on an archive named `archive` in
/// reports, whose objects and log are `backends` and whose index is in `dir`; for a `team`
/// archive, who may write is its members, by the creator `trust` pins. The caller holds the
/// lock of `dir`.
#[allow(clippy::too_many_arguments)]
fn verify_on(
    archive: &Path,
    dir: &Path,
    backends: Backends,
    team: bool,
    trust: &Trust,
    now: DateTime<FixedOffset>,
    signer: Option<&dyn Signer>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, ArchiveError> {
    let p = paths(dir);
    let mut r = Report {
        archive: archive.to_path_buf(),
        log_entries: 0,
        signed_entries: 0,
        log_signers: Vec::new(),
        agreements: 0,
        objects: 0,
        signatures: 0,
        problems: Vec::new(),
        notes: Vec::new(),
        logged: None,
    };
    let mut read = read_log(&*backends.log, team, trust, progress, &mut r);
    read.trusted &= check_place(dir, trust, &read, &mut r);
    let holdings = Holdings::of(&read.entries, &read.authentic);
    // The index's own soundness and its search rows are read on a thread of their own, on a
    // second connection, while the objects are hashed and the agreements verified: on a
    // large archive that is seconds of work that would otherwise wait for the rest.
    let index_scan = p.index.is_file().then(|| {
        let path = p.index.clone();
        std::thread::spawn(move || IndexScan::read(&path))
    });
    let sound = check_objects(&*backends.store, &holdings, progress, &mut r)?;
    let expected = check_agreements(&*backends.store, &holdings.states, &sound, progress, &mut r);
    let scan = || index_scan.and_then(|h| h.join().ok()).flatten();
    progress(Progress {
        stage: "index",
        done: 0,
        total: 1,
    });
    let (index_ok, backends) = check_index_file(
        dir, trust, scan, backends, &holdings, &expected, &mut read, &mut r,
    );
    // (A log not begun by the creator the profile pinned is not its team's archive: nothing
    // of it is acted on, and its index says nothing this profile could hold it to.)
    let ours = read.members.as_ref().is_some_and(|m| m.begun());
    if let (Some(shared), true) = (backends.log.shared_index(), ours) {
        check_shared_index(
            shared,
            backends.log.place(),
            &holdings.states,
            &expected,
            &mut r,
        );
    }
    progress(Progress {
        stage: "index",
        done: 1,
        total: 1,
    });
    if team && read.total_lines == 0 && signer.is_some() {
        // A team archive's first entry is its creator's members entry.
        r.notes.push(
            "the team archive is not begun (`tweevoud archive init`): this verification is not recorded in its log".into(),
        );
    } else if let (true, true, Some(signer)) = (read.sound, read.trusted, signer) {
        let index = index_ok.then_some(p.index.as_path());
        record(&*backends.log, &read, index, trust, now, signer, &mut r)?;
    }
    Ok(r)
}

/// The log as [`read_log`] found it.
struct LogRead {
    /// Its lines, readable or not.
    total_lines: usize,
    /// The entries that could be read, in order.
    entries: Vec<LogEntry>,
    /// For each entry, whether it is authenticated and so acted on: in its place, following
    /// the entry before it in a chain unbroken so far, matching its hash, and signed by one of
    /// the profile's keys. Only these say what the archive holds and what was erased.
    authentic: Vec<bool>,
    /// The archive's identifier: the first authenticated entry's that carries one.
    id: Option<Sha256Hex>,
    /// Whether the log is undamaged (every line an entry, in sequence, chained, matching its
    /// hash, with a signature that is well formed and holds).
    sound: bool,
    /// Whether the log may be appended to and the checkpoint moved: every entry signed by the
    /// profile's own keys (and, once [`check_place`] has looked, the log reaching its
    /// checkpoint in a directory that is not a link).
    trusted: bool,
    /// The bytes of an append cut short at the end, if any.
    torn_tail: Option<usize>,
    /// A team archive's members, as the log says ([`Trust::creator`]).
    members: Option<Members>,
}

/// Reads the log and checks it entry by entry: each line an entry, its place in the
/// sequence, its hash, its link to the entry before it, and who signed it. Reports each
/// problem; counts the entries and the profile's signatures, and lists the signers.
fn read_log(
    log: &dyn Entries,
    team: bool,
    trust: &Trust,
    progress: &mut dyn FnMut(Progress),
    r: &mut Report,
) -> LogRead {
    let mut sound = true;
    let read = match log.read_all() {
        Ok(read) => read,
        Err(e) => {
            r.problem(
                ProblemCode::LogUnreadable,
                format!("the log {} cannot be read: {e}", log.place().display()),
            );
            sound = false;
            Default::default()
        }
    };
    let total_lines = read.lines.len();
    // A team archive's members (none are acted on without a pinned creator); a local
    // archive's writers are the profile's own keys, whatever `trust.creator` says.
    let members = team.then(|| Members::of_lines(&read.lines, trust.creator.as_ref()));
    let mut entries: Vec<LogEntry> = Vec::new();
    let mut authentic: Vec<bool> = Vec::new();
    let mut chained = true;
    let mut prev: Option<Sha256Hex> = None;
    let mut trusted = true;
    // Each entry's hash and signature, worked out on every core; judged below, in order.
    let worked = map_parallel(&read.lines, &|line| {
        line.entry
            .as_ref()
            .ok()
            .map(|e| (entry_hash(e), e.check_signature()))
    });
    for ((i, line), worked) in read.lines.iter().enumerate().zip(worked) {
        progress(Progress {
            stage: "log",
            done: i,
            total: total_lines,
        });
        let entry = match &line.entry {
            Ok(e) => e,
            Err(e) => {
                let code = match e {
                    LineError::BadHash { .. } => ProblemCode::LogBadHash,
                    LineError::TooLong(_) => ProblemCode::LogLineTooLong,
                    _ => ProblemCode::LogLineUnreadable,
                };
                r.problem(
                    code,
                    format!("log line {} cannot be read: {e}", line.number),
                );
                sound = false;
                chained = false;
                prev = None;
                continue;
            }
        };
        let what = format!(
            "log entry {} ({}, {}) on line {}",
            entry.seq,
            entry.event.as_str(),
            entry.time,
            line.number
        );
        if entry.seq != i as u64 {
            r.problem(ProblemCode::LogOutOfSequence, format!(
                "{what} is out of sequence: it should be entry {i} (entries were removed, added or moved)"
            ));
            sound = false;
        }
        // Every readable entry was worked out above.
        let Some((hash, signature)) = worked else {
            continue;
        };
        chained &= entry.seq == i as u64 && hash == entry.hash && entry.prev == prev;
        let standing = |fp: &Fingerprint| match &members {
            Some(m) => m.standing(entry, fp),
            None if trust.own_keys.contains(fp) => Standing::Member,
            None => Standing::NotThisTeam,
        };
        let own = matches!(&signature, Ok(Some(fp)) if standing(fp) == Standing::Member);
        if hash != entry.hash {
            r.problem(
                ProblemCode::LogAltered,
                format!("{what} was altered: its content does not match its hash"),
            );
            sound = false;
        }
        if entry.prev != prev && !(i > 0 && read.lines[i - 1].entry.is_err()) {
            r.problem(
                ProblemCode::LogUnchained,
                format!("{what} does not follow the entry before it"),
            );
            sound = false;
        }
        match signature {
            Ok(Some(fp)) => {
                if !r.log_signers.contains(&fp) {
                    r.log_signers.push(fp);
                }
                match standing(&fp) {
                    Standing::Member => r.signed_entries += 1,
                    Standing::NotThisTeam if members.is_some() => {
                        r.problem(ProblemCode::LogForeignSignature, format!(
                            "{what} is signed by key {}, but this team archive was not begun with the list of its members by the creator's key {}: someone else wrote or rewrote it",
                            fp.short(),
                            trust.creator.as_ref().map_or("(none pinned)".into(), |c| c.short())
                        ));
                        trusted = false;
                    }
                    Standing::NotThisTeam => {
                        r.problem(ProblemCode::LogForeignSignature, format!(
                            "{what} is signed by key {}, which is not one of this profile's keys: someone else wrote or rewrote it",
                            fp.short()
                        ));
                        trusted = false;
                    }
                    Standing::NotMember => {
                        r.problem(ProblemCode::LogNotMember, format!(
                            "{what} is signed by key {}, which was not a member of the team archive there: it is not acted on",
                            fp.short()
                        ));
                        trusted = false;
                    }
                    Standing::NotCreator => {
                        r.problem(ProblemCode::LogNotMember, format!(
                            "{what} changes the members, but is signed by key {}, not by the archive's creator: it changes nothing",
                            fp.short()
                        ));
                        trusted = false;
                    }
                }
            }
            Ok(None) => {
                r.problem(ProblemCode::LogUnsigned, format!(
                    "{what} is not signed: anyone who can write the archive's directory could have written it"
                ));
                trusted = false;
            }
            Err(e) => {
                r.problem(ProblemCode::LogBadSignature, format!("{what}: {e}"));
                sound = false;
            }
        }
        prev = Some(entry.hash.clone());
        entries.push(entry.clone());
        authentic.push(chained && own);
    }
    r.log_entries = entries.len();
    let id = entries
        .iter()
        .zip(&authentic)
        .find(|(e, &a)| a && e.archive.is_some())
        .and_then(|(e, _)| e.archive.clone());
    LogRead {
        total_lines,
        entries,
        authentic,
        id,
        sound,
        trusted,
        torn_tail: read.torn_tail,
        members,
    }
}

/// Checks what the log must agree with outside it: that the archive's directory is not a
/// link to another copy, and that the log reaches the profile's checkpoint of it. Notes an
/// append cut short. Whether the log can still be trusted.
fn check_place(dir: &Path, trust: &Trust, log: &LogRead, r: &mut Report) -> bool {
    let mut trusted = true;
    if let Some(target) = link_target(dir) {
        r.problem(ProblemCode::ArchiveLinked, format!(
            "the archive's directory {} is a symbolic link to {}: another copy of the archive may stand in for it, so nothing is written to it",
            dir.display(),
            target.display()
        ));
        trusted = false;
    }
    if let Some(path) = &trust.checkpoint {
        trusted &= check_checkpoint(
            path,
            trust,
            log.total_lines as u64,
            &log.entries,
            log.id.as_ref(),
            r,
        );
    }
    if let Some(n) = log.torn_tail {
        r.notes.push(format!(
            "the log ends with {n} bytes of an append that was cut short; they are not an entry and are dropped at the next write"
        ));
    }
    trusted
}

/// What the authenticated entries of the log say the archive holds.
struct Holdings {
    /// Each agreement held, as the log describes it.
    states: BTreeMap<AgreementId, State>,
    /// The objects erased, and by which entry.
    erased: BTreeMap<Sha256Hex, u64>,
    /// Objects named only by entries that are not acted on: left where they are.
    unacted: BTreeSet<Sha256Hex>,
    /// Each object held, and by which agreements.
    held: BTreeMap<Sha256Hex, Vec<(AgreementId, Held)>>,
}

impl Holdings {
    /// Replays the entries acted on (`authentic`): what was added and what was erased.
    fn of(entries: &[LogEntry], authentic: &[bool]) -> Holdings {
        let mut states: BTreeMap<AgreementId, State> = BTreeMap::new();
        let mut erased: BTreeMap<Sha256Hex, u64> = BTreeMap::new();
        let mut unacted: BTreeSet<Sha256Hex> = BTreeSet::new();
        for (e, &acted) in entries.iter().zip(authentic) {
            if !acted {
                unacted.extend(e.objects.iter().map(|o| o.sha256.clone()));
                continue;
            }
            let Some(id) = &e.agreement else { continue };
            match e.event {
                LogEvent::Added => {
                    let state = states.entry(id.clone()).or_insert_with(|| State {
                        archived: e.time.clone(),
                        ..State::default()
                    });
                    state.updated = e.time.clone();
                    for o in &e.objects {
                        if o.kind == ObjectKind::Agreement {
                            state.current = Some(o.sha256.clone());
                        }
                        state.objects.entry(o.sha256.clone()).or_insert(Held {
                            kind: o.kind,
                            number: o.number,
                            seq: e.seq,
                        });
                        erased.remove(&o.sha256);
                    }
                }
                LogEvent::Deleted => {
                    states.remove(id);
                    for o in &e.objects {
                        erased.insert(o.sha256.clone(), e.seq);
                    }
                }
                _ => {}
            }
        }
        let mut held: BTreeMap<Sha256Hex, Vec<(AgreementId, Held)>> = BTreeMap::new();
        for (id, s) in &states {
            for (sha, h) in &s.objects {
                held.entry(sha.clone())
                    .or_default()
                    .push((id.clone(), h.clone()));
            }
        }
        Holdings {
            states,
            erased,
            unacted,
            held,
        }
    }

    /// An object, named with what it is to the archive, for a message.
    fn describe(&self, sha: &Sha256Hex) -> String {
        match self.held.get(sha).and_then(|v| v.first()) {
            Some((id, h)) => match h.kind {
                ObjectKind::Exemplar => format!(
                    "object {sha} (exemplar {} of agreement {})",
                    h.number.unwrap_or(0),
                    short(id)
                ),
                ObjectKind::Agreement => format!(
                    "object {sha} (the agreement file of agreement {} stored at log entry {})",
                    short(id),
                    h.seq
                ),
                ObjectKind::Template => {
                    format!("object {sha} (the template of agreement {})", short(id))
                }
            },
            None => format!("object {sha}"),
        }
    }
}

/// Checks every object on disk against its hash and against what the log says is held:
/// finishes erasures, removes temporary files, notes what is not part of the archive, and
/// reports what is corrupt, unreadable or missing. The objects held that are sound.
fn check_objects(
    store: &dyn Objects,
    holdings: &Holdings,
    progress: &mut dyn FnMut(Progress),
    r: &mut Report,
) -> Result<BTreeSet<Sha256Hex>, ArchiveError> {
    let found = store.scan().map_err(|source| ArchiveError::Io {
        path: store.place(),
        source,
    })?;
    let total = found.len();
    let mut sound: BTreeSet<Sha256Hex> = BTreeSet::new();
    let mut on_disk: BTreeSet<Sha256Hex> = BTreeSet::new();
    let mut done = 0;
    for chunk in found.chunks(CHUNK) {
        // Read and hash on every core; judge here, in order.
        let hashed = map_parallel(chunk, &|f: &Found| match f {
            Found::Object(sha) => Some(store.get(sha).map(|b| Sha256Hex::of(&b))),
            _ => None,
        });
        for (f, hashed) in chunk.iter().zip(hashed) {
            progress(Progress {
                stage: "objects",
                done,
                total,
            });
            done += 1;
            match f {
                Found::Object(sha) => {
                    on_disk.insert(sha.clone());
                    r.objects += 1;
                    let actual = match hashed {
                        Some(Ok(actual)) => actual,
                        Some(Err(e)) => {
                            r.problem(
                                ProblemCode::ObjectUnreadable,
                                format!("{} cannot be read: {e}", holdings.describe(sha)),
                            );
                            continue;
                        }
                        // Every object was hashed above.
                        None => continue,
                    };
                    if actual != *sha {
                        r.problem(
                            ProblemCode::ObjectCorrupt,
                            format!(
                                "{} is corrupt: its bytes hash to {actual}",
                                holdings.describe(sha)
                            ),
                        );
                        continue;
                    }
                    if holdings.held.contains_key(sha) {
                        sound.insert(sha.clone());
                    } else if let Some(seq) = holdings.erased.get(sha) {
                        match store.remove(sha) {
                            Ok(()) => r.notes.push(format!(
                                "object {sha} was erased by log entry {seq} but was still on disk (an erasure was interrupted); it is removed now"
                            )),
                            Err(e) => r.problem(ProblemCode::ObjectNotRemoved, format!(
                                "object {sha} was erased by log entry {seq} but is still on disk, and cannot be removed: {e}"
                            )),
                        }
                    } else if holdings.unacted.contains(sha) {
                        r.notes.push(format!(
                            "object {sha} is named only by log entries that are not authenticated (reported above); it is not part of the archive, and is left where it is"
                        ));
                    } else {
                        r.notes.push(format!(
                            "object {sha} is in no log entry (an add was interrupted before it was logged); it is not part of the archive, and is used again if the same file is added"
                        ));
                    }
                }
                Found::Temporary(path) => match std::fs::remove_file(path) {
                    Ok(()) => r.notes.push(format!(
                        "removed {}, a temporary file an interrupted write left",
                        path.display()
                    )),
                    Err(e) => r.notes.push(format!(
                        "{} is a temporary file an interrupted write left; it cannot be removed: {e}",
                        path.display()
                    )),
                },
                Found::Stray(path) => r.notes.push(format!(
                    "{} is not an object; the archive ignores it",
                    path.display()
                )),
            }
        }
    }
    for sha in holdings.held.keys() {
        if !on_disk.contains(sha) {
            r.problem(
                ProblemCode::ObjectMissing,
                format!("{} is missing", holdings.describe(sha)),
            );
        }
    }
    Ok(sound)
}

/// Reads and verifies every stored version of every agreement held (whose object is
/// `sound`): counts the signatures, reports what does not verify, and works out what the
/// index should say of each agreement (from its current version).
fn check_agreements(
    store: &dyn Objects,
    states: &BTreeMap<AgreementId, State>,
    sound: &BTreeSet<Sha256Hex>,
    progress: &mut dyn FnMut(Progress),
    r: &mut Report,
) -> BTreeMap<AgreementId, Derived> {
    let versions: Vec<Version> = states
        .iter()
        .enumerate()
        .flat_map(|(ordinal, (id, state))| {
            state
                .objects
                .iter()
                .filter(|(sha, h)| h.kind == ObjectKind::Agreement && sound.contains(*sha))
                .map(move |(sha, h)| Version {
                    ordinal,
                    id,
                    sha,
                    seq: h.seq,
                    state,
                })
        })
        .collect();
    let mut expected: BTreeMap<AgreementId, Derived> = BTreeMap::new();
    let total = states.len();
    for chunk in versions.chunks(CHUNK) {
        // Read, parse and verify on every core; report here, in order.
        let checked = map_parallel(chunk, &|v: &Version| check_version(store, v));
        for (v, checked) in chunk.iter().zip(checked) {
            progress(Progress {
                stage: "agreements",
                done: v.ordinal,
                total,
            });
            match checked {
                Checked::Unreadable(e) => r.problem(
                    ProblemCode::AgreementUnreadable,
                    format!(
                        "the agreement file {} of agreement {} cannot be read: {e}",
                        v.sha,
                        short(v.id)
                    ),
                ),
                Checked::Read {
                    signatures,
                    problem,
                    derived,
                } => {
                    r.signatures += signatures;
                    if let Some(message) = problem {
                        r.problem(ProblemCode::AgreementInvalid, message);
                    }
                    if let Some(mut d) = derived {
                        d.summary.id = v.id.to_string();
                        d.summary.archived = v.state.archived.clone();
                        d.summary.updated = v.state.updated.clone();
                        expected.insert(v.id.clone(), *d);
                    }
                }
            }
        }
    }
    r.agreements = states.len();
    expected
}

/// Checks the index file: there, whole, and saying what the log and the agreements say
/// ([`check_index`], with what `scan` read ahead). Whether the index can be kept in step
/// (and the back-ends, given back); marks the log unsound when the index shows that it lost
/// or changed entries.
#[allow(clippy::too_many_arguments)]
fn check_index_file(
    dir: &Path,
    trust: &Trust,
    scan: impl FnOnce() -> Option<IndexScan>,
    backends: Backends,
    holdings: &Holdings,
    expected: &BTreeMap<AgreementId, Derived>,
    log: &mut LogRead,
    r: &mut Report,
) -> (bool, Backends) {
    let p = paths(dir);
    if std::fs::symlink_metadata(&p.index).is_err() {
        r.problem(
            ProblemCode::IndexMissing,
            format!(
                "the index {} is missing; rebuild it with `tweevoud archive rebuild-index`",
                p.index.display()
            ),
        );
        return (false, backends);
    }
    if let Err(e) = super::check_index_files(&p.index) {
        r.problem(ProblemCode::IndexDamaged, e.to_string());
        return (false, backends);
    }
    let index = match Index::open(&p.index, false) {
        Ok(index) => index,
        Err(e) => {
            r.problem(ProblemCode::IndexDamaged, format!(
                "the index {} cannot be opened ({e}); rebuild it with `tweevoud archive rebuild-index`",
                p.index.display()
            ));
            return (false, backends);
        }
    };
    let mut archive = Archive {
        dir: dir.to_path_buf(),
        store: backends.store,
        log: backends.log,
        index,
        checkpoint: None,
        writers: Some(trust.own_keys.clone()),
        members: log.members.clone(),
    };
    let index_ok;
    (index_ok, log.sound) = check_index(
        &mut archive,
        scan(),
        &log.entries,
        &holdings.states,
        expected,
        log.sound,
        r,
    );
    let Archive { store, log, .. } = archive;
    (index_ok, Backends { store, log })
}

/// The record of this verification: a `verified` entry appended to the log, signed by
/// `signer` (naming the archive if no entry does yet), added to the `index` given when it is
/// in step, and the checkpoint moved to it. Only for a log that is sound and trusted:
/// appending to a damaged one, or to one whose entries this profile did not all sign or that
/// does not reach its checkpoint, would vouch for it.
fn record(
    log: &dyn Entries,
    read: &LogRead,
    index: Option<&Path>,
    trust: &Trust,
    now: DateTime<FixedOffset>,
    signer: &dyn Signer,
    r: &mut Report,
) -> Result<(), ArchiveError> {
    let io = |source| ArchiveError::Io {
        path: log.place().to_path_buf(),
        source,
    };
    let note = if r.problems.is_empty() {
        format!(
            "sound: {} agreements, {} objects, {} signatures",
            r.agreements, r.objects, r.signatures
        )
    } else {
        format!("{} problem(s) found", r.problems.len())
    };
    let entry = log
        .append(
            NewEntry {
                time: time_str(now),
                event: LogEvent::Verified,
                agreement: None,
                objects: Vec::new(),
                reason: None,
                note: Some(note),
                // The entry that names the archive, if none does yet.
                members: Vec::new(),
                archive: match &read.id {
                    Some(_) => None,
                    None => Some(super::checkpoint::new_archive_id().map_err(io)?),
                },
            },
            Some(signer),
        )
        .map_err(io)?;
    r.logged = Some(entry.seq);
    if let Some(path) = index {
        if let Ok(mut index) = Index::open(path, false) {
            let _ = index.apply(&[(&entry, None)]);
        }
    }
    if let (Some(path), Some(first)) = (&trust.checkpoint, read.entries.first().or(Some(&entry))) {
        let id = read.id.as_ref().or(entry.archive.as_ref());
        write_checkpoint(path, first, &entry, id, signer)?;
    }
    Ok(())
}

/// Compares the log with the profile's checkpoint of it (found by the identifier `id` the
/// log carries, or for a log without one by `path`, the directory's); reports what does not
/// hold. Whether the log can be trusted to reach its checkpoint.
fn check_checkpoint(
    path: &Path,
    trust: &Trust,
    lines: u64,
    entries: &[LogEntry],
    id: Option<&Sha256Hex>,
    r: &mut Report,
) -> bool {
    let (path, c, key) = match locate(path, id) {
        Located::Found(path, c, key) => (path, c, key),
        Located::None => {
            if !entries.is_empty() {
                r.notes.push(format!(
                    "the profile keeps no checkpoint of this archive ({}): it was not written to with one of this profile's keys yet, so a log cut short cannot be told",
                    path.display()
                ));
            }
            return true;
        }
        Located::Missing(path) => {
            r.problem(ProblemCode::CheckpointMissing, format!(
                "the profile knows this archive (identifier {}), but keeps no checkpoint of it ({}): it was deleted, so a log cut short or rolled back cannot be told",
                id.map_or("", |i| i.short(16)),
                path.display()
            ));
            return false;
        }
        Located::Unreadable(path, super::checkpoint::CheckpointError::Signature(e)) => {
            r.problem(
                ProblemCode::CheckpointBadSignature,
                format!(
                    "the profile's checkpoint of this archive ({}) is not validly signed: {e}",
                    path.display()
                ),
            );
            return false;
        }
        Located::Unreadable(path, e) => {
            r.problem(
                ProblemCode::CheckpointUnreadable,
                format!(
                    "the profile's checkpoint of this archive ({}) {e}",
                    path.display()
                ),
            );
            return false;
        }
    };
    if !trust.own_keys.contains(&key) {
        r.problem(ProblemCode::CheckpointForeignSignature, format!(
            "the profile's checkpoint of this archive ({}) is signed by key {}, which is not one of this profile's keys",
            path.display(),
            key.short()
        ));
        return false;
    }
    match against(&c, lines, entries, id) {
        Against::Holds => true,
        Against::Truncated { log } => {
            r.problem(ProblemCode::LogTruncated, format!(
                "the log holds {log} entries, but on {} it held {} (the profile's checkpoint, signed by key {}): entries were removed, or the archive was rolled back to an older copy",
                c.time,
                c.entries,
                key.short()
            ));
            false
        }
        Against::Rebuilt => {
            r.problem(ProblemCode::LogRebuilt, format!(
                "the log's entry {} is not the one the profile's checkpoint of {} names (hash {}), or its first entry or its identifier is not: the log was rewritten, rebuilt, or is another archive's",
                c.entries - 1,
                c.time,
                c.head.short(16)
            ));
            false
        }
    }
}

/// How many threads [`verify`] reads, hashes and verifies on: one a core, at most 8.
pub fn verify_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
}

/// Objects and agreement versions are handed to the threads this many at a time, so that
/// progress moves and only so many results wait to be reported.
const CHUNK: usize = 256;

/// `f` over `items`, split over [`verify_threads`] threads; the results in the items' order.
fn map_parallel<T: Sync, R: Send>(items: &[T], f: &(dyn Fn(&T) -> R + Sync)) -> Vec<R> {
    let threads = verify_threads().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> = items
            .chunks(per)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// A stored version of an agreement, to check.
struct Version<'a> {
    /// The agreement's position among those held, for progress.
    ordinal: usize,
    id: &'a AgreementId,
    sha: &'a Sha256Hex,
    /// The log entry that stored it.
    seq: u64,
    state: &'a State,
}

/// What checking a version found.
enum Checked {
    /// The file is not a readable agreement file: why.
    Unreadable(String),
    /// It was read and verified.
    Read {
        /// How many signatures were verified.
        signatures: usize,
        /// The problem to report, if it does not verify.
        problem: Option<String>,
        /// What the index should say, if this is the current version.
        derived: Option<Box<Derived>>,
    },
}

/// Reads and verifies one stored version of an agreement (on any thread).
fn check_version(store: &dyn Objects, v: &Version) -> Checked {
    let agreement = match store
        .get(v.sha)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| "it is not UTF-8 text".to_string())
        .and_then(|t| Agreement::from_json(&t).map_err(|e| e.to_string()))
    {
        Ok(a) => a,
        Err(e) => return Checked::Unreadable(e),
    };
    let verification = verify_agreement(&agreement);
    let problem = (verification.status == Status::Invalid).then(|| {
        format!(
            "agreement {} ({}), the version stored at log entry {}: {}",
            short(v.id),
            super::customer_of(&agreement).unwrap_or_else(|| "no customer named".into()),
            v.seq,
            verification.summary()
        )
    });
    let derived = (Some(v.sha) == v.state.current.as_ref())
        .then(|| Box::new(derive(&agreement, &verification, v.sha.as_str())));
    Checked::Read {
        signatures: verification.signatures.len(),
        problem,
        derived,
    }
}

/// What [`check_index`] reads of the index in one go, read ahead on another thread.
struct IndexScan {
    /// `PRAGMA quick_check`.
    integrity: rusqlite::Result<String>,
    /// [`Index::search_digests`].
    searched: rusqlite::Result<BTreeMap<String, Vec<[u8; 32]>>>,
    /// [`Index::rows_by_agreement`].
    rows: rusqlite::Result<BTreeMap<AgreementId, AgreementRows>>,
}

impl IndexScan {
    /// Reads both on a connection of its own; `None` if the index cannot be opened (the
    /// caller opens it again and reports why).
    fn read(path: &Path) -> Option<IndexScan> {
        let index = Index::open(path, false).ok()?;
        Some(IndexScan {
            integrity: index.integrity(),
            searched: index.search_digests(),
            rows: index.rows_by_agreement(),
        })
    }
}

/// Checks the index against the log and the objects. `scan` is what was read of it ahead
/// (read here when `None`). Returns whether the index can be kept in step, and whether the
/// log may be appended to (not when the index shows that the log lost or changed entries).
fn check_index(
    archive: &mut Archive,
    scan: Option<IndexScan>,
    entries: &[LogEntry],
    states: &BTreeMap<AgreementId, State>,
    expected: &BTreeMap<AgreementId, Derived>,
    log_sound: bool,
    r: &mut Report,
) -> (bool, bool) {
    let index_path = paths(&archive.dir).index;
    let (integrity, mut searched, mut rows) = match scan {
        Some(scan) => (scan.integrity, Some(scan.searched), Some(scan.rows)),
        None => (archive.index.integrity(), None, None),
    };
    match integrity {
        Ok(s) if s == "ok" => {}
        Ok(s) => {
            r.problem(
                ProblemCode::IndexDamaged,
                format!(
                "the index {} is damaged ({s}); rebuild it with `tweevoud archive rebuild-index`",
                index_path.display()
            ),
            );
            return (false, log_sound);
        }
        Err(e) => {
            r.problem(ProblemCode::IndexDamaged, format!(
                "the index {} cannot be read ({e}); rebuild it with `tweevoud archive rebuild-index`",
                index_path.display()
            ));
            return (false, log_sound);
        }
    }
    if let Err(e) = archive.check_schema() {
        r.problem(ProblemCode::IndexDamaged, e.to_string());
        return (false, log_sound);
    }
    let (seen, head) = match archive.index.log_position() {
        Ok(x) => x,
        Err(e) => {
            r.problem(
                ProblemCode::IndexDamaged,
                format!("the index cannot be read: {e}"),
            );
            return (false, log_sound);
        }
    };
    let count = entries.len() as u64;
    if seen > count {
        r.problem(ProblemCode::IndexLogMismatch, format!(
            "the index has read {seen} log entries, but the log holds {count}: entries were removed from the log"
        ));
        return (false, false);
    }
    if seen > 0 {
        let at = &entries[seen as usize - 1];
        if head.as_ref() != Some(&at.hash) {
            r.problem(
                ProblemCode::IndexLogMismatch,
                format!(
                    "log entry {} is not the one the index read: the log was changed",
                    seen - 1
                ),
            );
            return (false, false);
        }
    }
    if seen < count {
        if !log_sound {
            r.problem(ProblemCode::IndexMismatch, format!(
                "the index has not read the last {} log entries, and the log is damaged, so they are not indexed",
                count - seen
            ));
            return (false, log_sound);
        }
        // The rows read ahead no longer hold for an index that is brought up to date.
        (searched, rows) = (None, None);
        match archive.catch_up() {
            Ok(()) => r.notes.push(format!(
                "the index had not read the last {} log entries (a write was interrupted); it is up to date now",
                count - seen
            )),
            Err(e) => {
                r.problem(ProblemCode::IndexDamaged, format!("the index cannot be brought up to date: {e}"));
                return (false, log_sound);
            }
        }
    }

    let ids = match archive.index.all_ids() {
        Ok(ids) => ids,
        Err(e) => {
            r.problem(
                ProblemCode::IndexDamaged,
                format!("the index cannot be read: {e}"),
            );
            return (false, log_sound);
        }
    };
    for id in &ids {
        if !states.contains_key(id) {
            r.problem(ProblemCode::IndexMismatch, format!(
                "the index lists agreement {id}, which the log does not hold (never added, or erased)"
            ));
        }
    }
    let searched = match searched.unwrap_or_else(|| archive.index.search_digests()) {
        Ok(s) => s,
        Err(e) => {
            r.problem(
                ProblemCode::IndexDamaged,
                format!("the search index cannot be read: {e}"),
            );
            return (false, log_sound);
        }
    };
    for id in searched
        .keys()
        .filter(|id| !states.contains_key(id.as_str()))
    {
        r.problem(ProblemCode::IndexMismatch, format!(
            "the search index holds agreement {id}, which the log does not hold (never added, or erased)"
        ));
    }
    let rows = match rows.unwrap_or_else(|| archive.index.rows_by_agreement()) {
        Ok(rows) => rows,
        Err(e) => {
            r.problem(
                ProblemCode::IndexDamaged,
                format!("the index cannot be read: {e}"),
            );
            return (false, log_sound);
        }
    };
    let none = AgreementRows::default();
    for (id, state) in states {
        let Some(d) = expected.get(id) else {
            // The agreement file is corrupt, missing or unreadable: reported above.
            if !ids.contains(id) {
                r.problem(
                    ProblemCode::IndexMismatch,
                    format!("agreement {id} is not in the index"),
                );
            }
            continue;
        };
        let who = d.summary.customer.as_deref().unwrap_or("no customer named");
        let held = rows.get(id).unwrap_or(&none);
        let Some(summary) = &held.summary else {
            r.problem(
                ProblemCode::IndexMismatch,
                format!("agreement {id} ({who}) is not in the index"),
            );
            continue;
        };
        if *summary != d.summary {
            let a = serde_json::to_value(summary).unwrap_or_default();
            let b = serde_json::to_value(&d.summary).unwrap_or_default();
            let fields: Vec<String> = b
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, v)| a.get(k.as_str()) != Some(*v))
                .map(|(k, v)| {
                    format!(
                        "{k} is {} but should be {v}",
                        a.get(k.as_str()).cloned().unwrap_or_default()
                    )
                })
                .collect();
            r.problem(
                ProblemCode::IndexMismatch,
                format!(
                "the index's row for agreement {} ({who}) does not match its agreement file: {}",
                short(id),
                fields.join("; ")
            ),
            );
        }
        if held.trail != d.trail {
            r.problem(
                ProblemCode::IndexMismatch,
                format!(
                "the index's audit trail of agreement {} ({who}) does not match its agreement file",
                short(id)
            ),
            );
        }
        if held.signatures != d.signatures {
            r.problem(
                ProblemCode::IndexMismatch,
                format!(
                "the index's signatures of agreement {} ({who}) do not match its agreement file",
                short(id)
            ),
            );
        }
        let want: BTreeSet<(Sha256Hex, &str, Option<u32>)> = state
            .objects
            .iter()
            .map(|(sha, h)| (sha.clone(), h.kind.as_str(), h.number))
            .collect();
        let have: BTreeSet<(Sha256Hex, &str, Option<u32>)> = held
            .objects
            .iter()
            .map(|o: &ObjectRow| (o.sha256.clone(), o.kind.as_str(), o.number))
            .collect();
        if have != want {
            r.problem(
                ProblemCode::IndexMismatch,
                format!(
                    "the index's objects of agreement {} ({who}) do not match the log",
                    short(id)
                ),
            );
        }
        match searched.get(id.as_str()) {
            Some(rows) if rows[..] == [search_digest(&d.parties, &d.text)] => {}
            _ => r.problem(
                ProblemCode::IndexMismatch,
                format!(
                    "the search index of agreement {} ({who}) does not match its agreement file",
                    short(id)
                ),
            ),
        }
    }
    (true, log_sound)
}

/// Checks the index kept with the log (a team archive's, in its database) against the log
/// and the agreement files: it must hold a row for each agreement the log holds and none
/// other, each row (its columns, its signatures, its terms) the very one `expected` (what
/// the agreement's current version, stored by an authenticated entry, gives) makes
/// ([`SharedRows::of`]). Any other row, a row missing or a row changed is `index_mismatch`.
fn check_shared_index(
    index: &dyn SharedIndex,
    place: &Path,
    states: &BTreeMap<AgreementId, State>,
    expected: &BTreeMap<AgreementId, Derived>,
    r: &mut Report,
) {
    let rows = match index.rows() {
        Ok(rows) => rows,
        Err(e) => {
            r.problem(
                ProblemCode::IndexDamaged,
                format!("the index in {} cannot be read: {e}", place.display()),
            );
            return;
        }
    };
    for id in rows.keys().filter(|id| !states.contains_key(id.as_str())) {
        r.problem(ProblemCode::IndexMismatch, format!(
            "the index in {} lists agreement {id}, which the log does not hold (never added, or erased)",
            place.display()
        ));
    }
    let expected: Vec<(&AgreementId, &Derived)> = expected.iter().collect();
    let want = map_parallel(&expected, &|(_, d)| {
        SharedRows::of(&d.summary, &d.signatures, &d.parties, &d.text)
    });
    let columns: Vec<&str> = super::index::SUMMARY_COLUMNS
        .split(',')
        .map(str::trim)
        .collect();
    for ((id, d), want) in expected.iter().zip(want) {
        let who = d.summary.customer.as_deref().unwrap_or("no customer named");
        let want = match want {
            Ok(w) => w,
            Err(e) => {
                r.problem(
                    ProblemCode::IndexDamaged,
                    format!(
                        "the terms of agreement {} ({who}) cannot be made: {e}",
                        short(id)
                    ),
                );
                continue;
            }
        };
        let Some(have) = rows.get(id.as_str()).filter(|h| !h.summary.is_empty()) else {
            r.problem(
                ProblemCode::IndexMismatch,
                format!(
                    "agreement {id} ({who}) is not in the index in {}",
                    place.display()
                ),
            );
            continue;
        };
        if have.summary != want.summary {
            let text =
                |c: &Option<String>| c.as_deref().map_or("NULL".into(), |t| format!("{t:?}"));
            let fields: Vec<String> = columns
                .iter()
                .zip(have.summary.iter().zip(&want.summary))
                .filter(|(_, (a, b))| a != b)
                .map(|(name, (a, b))| format!("{name} is {} but should be {}", text(a), text(b)))
                .collect();
            r.problem(
                ProblemCode::IndexMismatch,
                format!(
                    "the row of agreement {} ({who}) in the index in {} does not match its agreement file: {}",
                    short(id),
                    place.display(),
                    fields.join("; ")
                ),
            );
        }
        if have.signatures != want.signatures {
            r.problem(
                ProblemCode::IndexMismatch,
                format!(
                    "the signatures of agreement {} ({who}) in the index in {} do not match its agreement file",
                    short(id),
                    place.display()
                ),
            );
        }
        if have.terms != want.terms {
            r.problem(
                ProblemCode::IndexMismatch,
                format!(
                    "the search terms of agreement {} ({who}) in the index in {} do not match its agreement file",
                    short(id),
                    place.display()
                ),
            );
        }
    }
}
