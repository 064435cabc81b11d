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

use super::index::{search_digest, AgreementRows, Derived, Index, ObjectRow};
use super::log::{entry_hash, Log, LogEntry, LogEvent, NewEntry, ObjectKind};
use super::store::{Found, Store};
use super::{derive, lock, paths, time_str, Archive, ArchiveError};
use crate::agreement::Agreement;
use crate::canonical::sha256_hex;
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

/// What verifying an archive found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The archive's directory.
    pub archive: PathBuf,
    /// Entries in the log.
    pub log_entries: usize,
    /// Entries signed (and whose signature holds).
    pub signed_entries: usize,
    /// The fingerprints of the keys that signed log entries.
    pub log_signers: Vec<String>,
    /// Agreements held.
    pub agreements: usize,
    /// Objects checked against their hash.
    pub objects: usize,
    /// Agreement signatures verified (every stored version counts).
    pub signatures: usize,
    /// What is wrong, one sentence each. Empty: the archive is sound.
    pub problems: Vec<String>,
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
    current: String,
    archived: String,
    updated: String,
    objects: BTreeMap<String, Held>,
}

fn short(h: &str) -> &str {
    &h[..h.len().min(12)]
}

/// Verifies the archive in `dir` (see the module docs). Holds the archive's lock while it
/// runs; finishes interrupted erasures, removes temporary files, and brings an index that
/// is behind the log up to date (each said in a note). Unless the log itself is damaged, a
/// `verified` entry with the result is appended to the log, signed by `signer` if given.
/// Objects are read and hashed, and agreement files read and verified, on every core
/// ([`verify_threads`]); what they give is judged and reported in order, as on one.
pub fn verify(
    dir: &Path,
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
    let mut r = Report {
        archive: dir.to_path_buf(),
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

    // The log.
    let log = Log::new(p.log.clone());
    let read = log.read_all().map_err(|source| ArchiveError::Io {
        path: p.log.clone(),
        source,
    })?;
    let total_lines = read.lines.len();
    let mut entries: Vec<LogEntry> = Vec::new();
    let mut prev: Option<String> = None;
    let mut log_sound = true;
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
                r.problems
                    .push(format!("log line {} cannot be read: {e}", line.number));
                log_sound = false;
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
            r.problems.push(format!(
                "{what} is out of sequence: it should be entry {i} (entries were removed, added or moved)"
            ));
            log_sound = false;
        }
        // Every readable entry was worked out above.
        let Some((hash, signature)) = worked else {
            continue;
        };
        if hash != entry.hash {
            r.problems.push(format!(
                "{what} was altered: its content does not match its hash"
            ));
            log_sound = false;
        }
        if entry.prev != prev && !(i > 0 && read.lines[i - 1].entry.is_err()) {
            r.problems
                .push(format!("{what} does not follow the entry before it"));
            log_sound = false;
        }
        match signature {
            Ok(Some(fp)) => {
                r.signed_entries += 1;
                if !r.log_signers.contains(&fp) {
                    r.log_signers.push(fp);
                }
            }
            Ok(None) => {}
            Err(e) => {
                r.problems.push(format!("{what}: {e}"));
                log_sound = false;
            }
        }
        prev = Some(entry.hash.clone());
        entries.push(entry.clone());
    }
    r.log_entries = entries.len();
    if let Some(n) = read.torn_tail {
        r.notes.push(format!(
            "the log ends with {n} bytes of an append that was cut short; they are not an entry and are dropped at the next write"
        ));
    }

    // What the log says the archive holds.
    let mut states: BTreeMap<String, State> = BTreeMap::new();
    let mut erased: BTreeMap<String, u64> = BTreeMap::new();
    for e in &entries {
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
                        state.current = o.sha256.clone();
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
    let mut held: BTreeMap<String, Vec<(String, Held)>> = BTreeMap::new();
    for (id, s) in &states {
        for (sha, h) in &s.objects {
            held.entry(sha.clone())
                .or_default()
                .push((id.clone(), h.clone()));
        }
    }
    let describe = |sha: &str| -> String {
        match held.get(sha).and_then(|v| v.first()) {
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
    };

    // The index's own soundness and its search rows are read on a thread of their own, on a
    // second connection, while the objects are hashed and the agreements verified: on a
    // large archive that is seconds of work that would otherwise wait for the rest.
    let index_scan = p.index.is_file().then(|| {
        let path = p.index.clone();
        std::thread::spawn(move || IndexScan::read(&path))
    });

    // The objects on disk.
    let store = Store::new(p.objects.clone());
    let found = store.scan().map_err(|source| ArchiveError::Io {
        path: p.objects.clone(),
        source,
    })?;
    let total = found.len();
    let mut sound: BTreeSet<String> = BTreeSet::new();
    let mut on_disk: BTreeSet<String> = BTreeSet::new();
    let mut done = 0;
    for chunk in found.chunks(CHUNK) {
        // Read and hash on every core; judge here, in order.
        let hashed = map_parallel(chunk, &|f: &Found| match f {
            Found::Object(sha) => Some(store.get(sha).map(|b| sha256_hex(&b))),
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
                            r.problems
                                .push(format!("{} cannot be read: {e}", describe(sha)));
                            continue;
                        }
                        // Every object was hashed above.
                        None => continue,
                    };
                    if actual != *sha {
                        r.problems.push(format!(
                            "{} is corrupt: its bytes hash to {actual}",
                            describe(sha)
                        ));
                        continue;
                    }
                    if held.contains_key(sha) {
                        sound.insert(sha.clone());
                    } else if let Some(seq) = erased.get(sha) {
                        match store.remove(sha) {
                            Ok(()) => r.notes.push(format!(
                                "object {sha} was erased by log entry {seq} but was still on disk (an erasure was interrupted); it is removed now"
                            )),
                            Err(e) => r.problems.push(format!(
                                "object {sha} was erased by log entry {seq} but is still on disk, and cannot be removed: {e}"
                            )),
                        }
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
    for sha in held.keys() {
        if !on_disk.contains(sha) {
            r.problems.push(format!("{} is missing", describe(sha)));
        }
    }

    // Every stored agreement, every version: its signatures, and what the index should say.
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
    let mut expected: BTreeMap<String, Derived> = BTreeMap::new();
    let total = states.len();
    for chunk in versions.chunks(CHUNK) {
        // Read, parse and verify on every core; report here, in order.
        let checked = map_parallel(chunk, &|v: &Version| check_version(&store, v));
        for (v, checked) in chunk.iter().zip(checked) {
            progress(Progress {
                stage: "agreements",
                done: v.ordinal,
                total,
            });
            match checked {
                Checked::Unreadable(e) => r.problems.push(format!(
                    "the agreement file {} of agreement {} cannot be read: {e}",
                    v.sha,
                    short(v.id)
                )),
                Checked::Read {
                    signatures,
                    problem,
                    derived,
                } => {
                    r.signatures += signatures;
                    r.problems.extend(problem);
                    if let Some(mut d) = derived {
                        d.summary.id = v.id.clone();
                        d.summary.archived = v.state.archived.clone();
                        d.summary.updated = v.state.updated.clone();
                        expected.insert(v.id.clone(), *d);
                    }
                }
            }
        }
    }
    r.agreements = states.len();

    // The index.
    progress(Progress {
        stage: "index",
        done: 0,
        total: 1,
    });
    let mut index_ok = false;
    if !p.index.is_file() {
        r.problems.push(format!(
            "the index {} is missing; rebuild it with `tweevoud archive rebuild-index`",
            p.index.display()
        ));
    } else {
        match Index::open(&p.index, false) {
            Err(e) => r.problems.push(format!(
                "the index {} cannot be opened ({e}); rebuild it with `tweevoud archive rebuild-index`",
                p.index.display()
            )),
            Ok(index) => {
                let mut archive = Archive {
                    dir: dir.to_path_buf(),
                    store: Store::new(p.objects.clone()),
                    log: Log::new(p.log.clone()),
                    index,
                };
                let scan = index_scan.and_then(|h| h.join().ok()).flatten();
                (index_ok, log_sound) = check_index(
                    &mut archive,
                    scan,
                    &entries,
                    &states,
                    &expected,
                    log_sound,
                    &mut r,
                );
            }
        }
    }
    progress(Progress {
        stage: "index",
        done: 1,
        total: 1,
    });

    // The record of this verification.
    if log_sound {
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
                },
                signer,
            )
            .map_err(|source| ArchiveError::Io {
                path: p.log.clone(),
                source,
            })?;
        r.logged = Some(entry.seq);
        if index_ok {
            if let Ok(mut index) = Index::open(&p.index, false) {
                let _ = index.apply(&[(&entry, None)]);
            }
        }
    }
    Ok(r)
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
    id: &'a String,
    sha: &'a String,
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
fn check_version(store: &Store, v: &Version) -> Checked {
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
    let derived =
        (*v.sha == v.state.current).then(|| Box::new(derive(&agreement, &verification, v.sha)));
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
    rows: rusqlite::Result<BTreeMap<String, AgreementRows>>,
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
    states: &BTreeMap<String, State>,
    expected: &BTreeMap<String, Derived>,
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
            r.problems.push(format!(
                "the index {} is damaged ({s}); rebuild it with `tweevoud archive rebuild-index`",
                index_path.display()
            ));
            return (false, log_sound);
        }
        Err(e) => {
            r.problems.push(format!(
                "the index {} cannot be read ({e}); rebuild it with `tweevoud archive rebuild-index`",
                index_path.display()
            ));
            return (false, log_sound);
        }
    }
    if let Err(e) = archive.check_schema() {
        r.problems.push(e.to_string());
        return (false, log_sound);
    }
    let (seen, head) = match archive.index.log_position() {
        Ok(x) => x,
        Err(e) => {
            r.problems.push(format!("the index cannot be read: {e}"));
            return (false, log_sound);
        }
    };
    let count = entries.len() as u64;
    if seen > count {
        r.problems.push(format!(
            "the index has read {seen} log entries, but the log holds {count}: entries were removed from the log"
        ));
        return (false, false);
    }
    if seen > 0 {
        let at = &entries[seen as usize - 1];
        if head.as_deref() != Some(at.hash.as_str()) {
            r.problems.push(format!(
                "log entry {} is not the one the index read: the log was changed",
                seen - 1
            ));
            return (false, false);
        }
    }
    if seen < count {
        if !log_sound {
            r.problems.push(format!(
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
                r.problems.push(format!("the index cannot be brought up to date: {e}"));
                return (false, log_sound);
            }
        }
    }

    let ids = match archive.index.all_ids() {
        Ok(ids) => ids,
        Err(e) => {
            r.problems.push(format!("the index cannot be read: {e}"));
            return (false, log_sound);
        }
    };
    for id in &ids {
        if !states.contains_key(id) {
            r.problems.push(format!(
                "the index lists agreement {id}, which the log does not hold (never added, or erased)"
            ));
        }
    }
    let searched = match searched.unwrap_or_else(|| archive.index.search_digests()) {
        Ok(s) => s,
        Err(e) => {
            r.problems
                .push(format!("the search index cannot be read: {e}"));
            return (false, log_sound);
        }
    };
    for id in searched.keys().filter(|id| !states.contains_key(*id)) {
        r.problems.push(format!(
            "the search index holds agreement {id}, which the log does not hold (never added, or erased)"
        ));
    }
    let rows = match rows.unwrap_or_else(|| archive.index.rows_by_agreement()) {
        Ok(rows) => rows,
        Err(e) => {
            r.problems.push(format!("the index cannot be read: {e}"));
            return (false, log_sound);
        }
    };
    let none = AgreementRows::default();
    for (id, state) in states {
        let Some(d) = expected.get(id) else {
            // The agreement file is corrupt, missing or unreadable: reported above.
            if !ids.contains(id) {
                r.problems
                    .push(format!("agreement {id} is not in the index"));
            }
            continue;
        };
        let who = d.summary.customer.as_deref().unwrap_or("no customer named");
        let held = rows.get(id).unwrap_or(&none);
        let Some(summary) = &held.summary else {
            r.problems
                .push(format!("agreement {id} ({who}) is not in the index"));
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
            r.problems.push(format!(
                "the index's row for agreement {} ({who}) does not match its agreement file: {}",
                short(id),
                fields.join("; ")
            ));
        }
        if held.trail != d.trail {
            r.problems.push(format!(
                "the index's audit trail of agreement {} ({who}) does not match its agreement file",
                short(id)
            ));
        }
        if held.signatures != d.signatures {
            r.problems.push(format!(
                "the index's signatures of agreement {} ({who}) do not match its agreement file",
                short(id)
            ));
        }
        let want: BTreeSet<(String, &str, Option<u32>)> = state
            .objects
            .iter()
            .map(|(sha, h)| (sha.clone(), h.kind.as_str(), h.number))
            .collect();
        let have: BTreeSet<(String, &str, Option<u32>)> = held
            .objects
            .iter()
            .map(|o: &ObjectRow| (o.sha256.clone(), o.kind.as_str(), o.number))
            .collect();
        if have != want {
            r.problems.push(format!(
                "the index's objects of agreement {} ({who}) do not match the log",
                short(id)
            ));
        }
        match searched.get(id) {
            Some(rows) if rows[..] == [search_digest(&d.parties, &d.text)] => {}
            _ => r.problems.push(format!(
                "the search index of agreement {} ({who}) does not match its agreement file",
                short(id)
            )),
        }
    }
    (true, log_sound)
}
