//! The archive: every agreement a profile signed or received, stored so that nothing is lost,
//! any tampering shows, and any agreement is found in an instant.
//!
//! Three parts, in the order a write touches them:
//!
//! 1. **objects** (`objects/<ab>/<sha256>`): the agreement files (every version), the
//!    templates and the exemplar PDFs, each named by the SHA-256 of its bytes and written
//!    atomically;
//! 2. **the log** (`log.jsonl`): an append-only, hash-chained record of every event (added,
//!    exported, verified, deleted), each entry signed when a key is at hand;
//! 3. **the index** (`index.sqlite`): an SQLite database for listing and full-text search,
//!    which holds nothing that cannot be rebuilt from the objects and the log.
//!
//! A process that dies at any point leaves an archive that [`verify`] accepts: an object
//! written before its log entry is an orphan (reported as a note, and used again if the same
//! file is added again); an index left behind the log catches up from the log the next time
//! the archive is opened. Writers hold an exclusive lock (`lock`) for the whole of an add,
//! export, verification or deletion, so two processes never interleave their writes.
//!
//! The layout, the log entry's hash and signature and the index schema are specified in
//! `docs/format.md`, "The archive".

use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::Serialize;

use crate::agreement::{Agreement, AgreementError};
use crate::canonical::tagged_hash;
use crate::error::{param, Coded, Params};
use crate::fsutil::create_private_dir;
use crate::key::Fingerprint;
use crate::kind::Kind;
use crate::party::{Party, PARTIES};
use crate::signature::Signer;
use crate::verify::{verify as verify_agreement, Status, Verification};

mod backend;
mod check;
mod checkpoint;
#[cfg(feature = "team")]
mod connection;
mod find;
mod id;
mod index;
mod log;
mod members;
#[cfg(feature = "team")]
mod pg;
#[cfg(feature = "team")]
mod s3;
#[cfg(feature = "team")]
mod secrets;
/// The team archive's real servers, for the tests (shared with `tests/team.rs`).
#[cfg(all(test, feature = "team"))]
#[path = "../../tests/common/servers.rs"]
mod servers;
mod store;
#[cfg(feature = "team")]
mod team_place;
#[cfg(feature = "team")]
mod tls;
mod words;

#[cfg(feature = "team")]
#[doc(hidden)]
pub use check::verify_team;
pub use check::{
    verify, verify_threads, verify_trusted, Problem, ProblemCode, Progress, Report, Trust,
};
pub use checkpoint::{
    checkpoint_of_archive, Checkpoint, CheckpointError, CHECKPOINT_SIGNATURE_TAG, CHECKPOINT_TAG,
};
#[cfg(feature = "team")]
pub use connection::TeamRecord;
pub use id::{AgreementId, BadHex, IdPrefix, Sha256Hex};
#[doc(hidden)]
pub use index::{parse_index_row, IndexRowError};
pub use index::{ObjectRow, SignatureRow, Summary, MAX_INDEX_FIELD_BYTES};
#[doc(hidden)]
pub use log::parse_log_line;
pub use log::{
    entry_hash, signature_message, LineError, LogEntry, LogEvent, LogSignature, LoggedObject,
    ObjectKind, SignatureProblem, LOG_SIGNATURE_TAG, LOG_TAG, MAX_ENTRY_OBJECTS, MAX_LINE_BYTES,
    MAX_LOG_BYTES, MAX_LOG_ENTRIES,
};
#[doc(hidden)]
pub use members::Members;
pub use members::Writers;
#[cfg(feature = "team")]
#[doc(hidden)]
pub use secrets::{TeamSecrets, ACCESS_KEY_ID, DATABASE_PASSWORD, SECRET_ACCESS_KEY};
pub use store::MAX_OBJECT_BYTES;
#[cfg(feature = "team")]
pub use team_place::TeamPlace;

use backend::{Entries, Following, IndexChange, Objects};
use index::{Derived, Index};
use log::{Log, NewEntry};
use store::Store;

/// Domain tag of an agreement's archive id.
pub const ID_TAG: &str = "tweevoud-archive-id/1";

/// Most results a search returns.
pub const SEARCH_LIMIT: u32 = 1000;

/// Longest reason for an erasure, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// The archive could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// Reading or writing a file of the archive (or an export) failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The SQLite index refused an operation.
    #[error("the index {}: {source}", path.display())]
    Index {
        /// The index file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The log has entries but the index file is gone.
    #[error("the index {} is missing; it can be rebuilt from the objects and the log", path.display())]
    IndexMissing {
        /// Where the index should be.
        path: PathBuf,
    },
    /// The index was made by another version of Tweevoud.
    #[error("the index {} has schema version {found}, this program uses {}; it can be rebuilt from the objects and the log", path.display(), index::SCHEMA_VERSION)]
    IndexSchema {
        /// The index file.
        path: PathBuf,
        /// The version found.
        found: String,
    },
    /// The log and the index disagree in a way no crash can cause (the log was cut or edited).
    #[error("the log {} does not match the index: {reason}", path.display())]
    LogMismatch {
        /// The log file.
        path: PathBuf,
        /// What does not match.
        reason: String,
    },
    /// Another process holds the archive and the lock could not be taken.
    #[error("cannot lock the archive ({}): {source}", path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not an agreement file (or exemplar) that can be read.
    #[error("not archived: {0}")]
    Agreement(#[from] AgreementError),
    /// An exemplar PDF could not be read or made.
    #[error("not archived: {0}")]
    Pdf(#[from] crate::pdf::PdfError),
    /// The agreement does not verify; the archive keeps only intact agreements.
    #[error("not archived: the agreement is not intact: {0}")]
    Invalid(String),
    /// A stored object is missing or its bytes do not hash to its name.
    #[error("object {sha256} is {problem}")]
    BadObject {
        /// The object.
        sha256: String,
        /// "missing" or what is wrong with it.
        problem: String,
    },
    /// No archived agreement has this id (or id prefix).
    #[error("no archived agreement has the id {0}")]
    NotFound(String),
    /// An id prefix names more than one agreement.
    #[error("{prefix} names several agreements ({}); give more of the id", matches.join(", "))]
    Ambiguous {
        /// The prefix given.
        prefix: String,
        /// Some of the ids it matches.
        matches: Vec<String>,
    },
    /// An id prefix shorter than 8 hex digits, or not hex.
    #[error("{0:?} is not an agreement id (64 hex digits, or at least the first 8)")]
    BadId(String),
    /// There is no archive in this directory.
    #[error("there is no archive in {}", path.display())]
    NoArchive {
        /// The directory.
        path: PathBuf,
    },
    /// A search query with nothing to search for.
    #[error("nothing to search for in {0:?}")]
    EmptyQuery(String),
    /// The archived agreement has no stored exemplar with this number.
    #[error("the archived agreement {id} has no exemplar {number} (a complete agreement has exemplars 1 and 2)")]
    NoExemplar {
        /// The agreement's id.
        id: String,
        /// The number asked for.
        number: u32,
    },
    /// An erasure without a reason, or with one that is too long.
    #[error("an erasure needs a reason of 1 to {MAX_REASON_CHARS} characters")]
    BadReason,
    /// The log does not reach the profile's checkpoint of it (it was cut or rebuilt), or the
    /// checkpoint cannot be relied on: nothing is written to such an archive.
    #[error("the archive's log does not match the profile's checkpoint {}: {problem}; nothing was written", path.display())]
    Checkpoint {
        /// The checkpoint file.
        path: PathBuf,
        /// What does not match.
        problem: String,
    },
    /// The log's chain does not hold (an entry removed, moved or altered, a line that is not
    /// an entry): nothing is written to such a log, and no checkpoint is moved to it.
    #[error("the archive's log {} does not hold together: {problem}; nothing was written", path.display())]
    LogBroken {
        /// The log.
        path: PathBuf,
        /// Where it breaks.
        problem: String,
    },
    /// The archive's directory is a symbolic link: the archive reads only its own files, and
    /// writes to none that another copy could stand in for.
    #[error("the archive's directory {} is a symbolic link (to {}); nothing was written", path.display(), target.display())]
    Linked {
        /// The directory.
        path: PathBuf,
        /// Where the link points.
        target: PathBuf,
    },
    /// An erasure that is not signed by a key that may write the log: the archive deletes
    /// only on a signed erasure.
    #[error("an erasure must be signed with one of your keys; nothing was erased")]
    UnsignedErasure,
    /// A team archive can be begun only once, on an empty log.
    #[error("the team archive was begun already (its log has entries): its members are changed with `tweevoud archive members`; nothing was written")]
    TeamBegun,
    /// The members of a team archive that was not begun cannot be changed, nor anything
    /// written to its log.
    #[error("the team archive was not begun by its creator yet (`tweevoud archive init`); nothing was written")]
    TeamNotBegun,
    /// The secrets to reach a team archive cannot be had (none is ever quoted).
    #[error("the team archive's secrets: {problem}")]
    Secrets {
        /// What is wrong, in English words.
        problem: String,
    },
    /// The profile's connection to a team archive cannot be made or used (no secret is ever
    /// quoted).
    #[error("the team archive's connection: {problem}")]
    TeamConnection {
        /// What is wrong, in English words.
        problem: String,
    },
    /// Only a team archive's creator sets its members.
    #[error("only the creator of a team archive sets its members, with the key the archive was begun with; nothing was written")]
    NotCreator,
    /// A stored exemplar that is not a PDF Tweevoud reads: it is not handed out.
    #[error("exemplar {number} of agreement {id} (object {sha256}) is not a PDF Tweevoud reads: {problem}; it is not handed out")]
    NotAnExemplar {
        /// The agreement.
        id: String,
        /// The exemplar's number.
        number: u32,
        /// The object.
        sha256: String,
        /// Why.
        problem: String,
    },
}

impl ArchiveError {
    /// Every code of [`ArchiveError`]'s own variants (one about an agreement or a PDF gives
    /// its source's), so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "archive_io",
        "index_error",
        "index_missing",
        "index_schema",
        "log_mismatch",
        "archive_locked",
        "not_intact",
        "bad_object",
        "archive_not_found",
        "ambiguous_id",
        "bad_id",
        "no_archive",
        "empty_query",
        "no_exemplar",
        "bad_reason",
        "checkpoint_mismatch",
        "log_broken",
        "archive_linked",
        "erasure_unsigned",
        "not_an_exemplar",
        "team_begun",
        "team_not_begun",
        "members_not_creator",
        "team_secrets",
        "team_connection",
    ];
}

/// The stable code of this error, for programs and the UI to word it. Parameters: `path`,
/// `detail` and `reason` (English words), `found`, `ours` (schema versions), `sha256`,
/// `problem`, `id`, `prefix`, `matches` (joined by ", "), `query`, `number`, `max`
/// (characters), `target` (where a link points); an agreement's or a PDF's as their errors give them.
impl Coded for ArchiveError {
    fn code(&self) -> &'static str {
        match self {
            ArchiveError::Io { .. } => "archive_io",
            ArchiveError::Index { .. } => "index_error",
            ArchiveError::IndexMissing { .. } => "index_missing",
            ArchiveError::IndexSchema { .. } => "index_schema",
            ArchiveError::LogMismatch { .. } => "log_mismatch",
            ArchiveError::Lock { .. } => "archive_locked",
            ArchiveError::Agreement(e) => e.code(),
            ArchiveError::Pdf(e) => e.code(),
            ArchiveError::Invalid(_) => "not_intact",
            ArchiveError::BadObject { .. } => "bad_object",
            ArchiveError::NotFound(_) => "archive_not_found",
            ArchiveError::Ambiguous { .. } => "ambiguous_id",
            ArchiveError::BadId(_) => "bad_id",
            ArchiveError::NoArchive { .. } => "no_archive",
            ArchiveError::EmptyQuery(_) => "empty_query",
            ArchiveError::NoExemplar { .. } => "no_exemplar",
            ArchiveError::BadReason => "bad_reason",
            ArchiveError::Checkpoint { .. } => "checkpoint_mismatch",
            ArchiveError::LogBroken { .. } => "log_broken",
            ArchiveError::Linked { .. } => "archive_linked",
            ArchiveError::UnsignedErasure => "erasure_unsigned",
            ArchiveError::TeamBegun => "team_begun",
            ArchiveError::TeamNotBegun => "team_not_begun",
            ArchiveError::NotCreator => "members_not_creator",
            ArchiveError::Secrets { .. } => "team_secrets",
            ArchiveError::TeamConnection { .. } => "team_connection",
            ArchiveError::NotAnExemplar { .. } => "not_an_exemplar",
        }
    }

    fn params(&self) -> Params {
        let path = |p: &Path| param("path", p.display());
        match self {
            ArchiveError::Io { path: p, source } | ArchiveError::Lock { path: p, source } => {
                vec![path(p), param("detail", source)]
            }
            ArchiveError::Index { path: p, source } => vec![path(p), param("detail", source)],
            ArchiveError::IndexMissing { path: p } | ArchiveError::NoArchive { path: p } => {
                vec![path(p)]
            }
            ArchiveError::IndexSchema { path: p, found } => vec![
                path(p),
                param("found", found),
                param("ours", index::SCHEMA_VERSION),
            ],
            ArchiveError::LogMismatch { path: p, reason } => vec![path(p), param("reason", reason)],
            ArchiveError::Agreement(e) => e.params(),
            ArchiveError::Pdf(e) => e.params(),
            ArchiveError::Invalid(detail) => vec![param("detail", detail)],
            ArchiveError::BadObject { sha256, problem } => {
                vec![param("sha256", sha256), param("problem", problem)]
            }
            ArchiveError::NotFound(id) => vec![param("id", id)],
            ArchiveError::Ambiguous { prefix, matches } => {
                vec![
                    param("prefix", prefix),
                    param("matches", matches.join(", ")),
                ]
            }
            ArchiveError::BadId(found) => vec![param("found", found)],
            ArchiveError::EmptyQuery(query) => vec![param("query", query)],
            ArchiveError::NoExemplar { id, number } => {
                vec![param("id", id), param("number", number)]
            }
            ArchiveError::BadReason => vec![param("max", MAX_REASON_CHARS)],
            ArchiveError::Checkpoint { path: p, problem }
            | ArchiveError::LogBroken { path: p, problem } => {
                vec![path(p), param("problem", problem)]
            }
            ArchiveError::Linked { path: p, target } => {
                vec![path(p), param("target", target.display())]
            }
            ArchiveError::Secrets { problem } | ArchiveError::TeamConnection { problem } => {
                vec![param("problem", problem)]
            }
            ArchiveError::UnsignedErasure
            | ArchiveError::TeamBegun
            | ArchiveError::TeamNotBegun
            | ArchiveError::NotCreator => Vec::new(),
            ArchiveError::NotAnExemplar {
                id,
                number,
                sha256,
                problem,
            } => vec![
                param("id", id),
                param("number", number),
                param("sha256", sha256),
                param("problem", problem),
            ],
        }
    }
}

/// Where a team archive is, and the secrets to reach it (see [`Archive::open_team`]).
#[cfg(feature = "team")]
#[doc(hidden)]
#[derive(Clone)]
pub struct TeamConnection {
    /// The PostgreSQL database: a `postgresql://user@host:port/db` URL (a password in it is
    /// used too, but `secrets` is where one belongs).
    pub database: String,
    /// The bucket: `https://host[:port]/bucket` (`http://` only on this machine).
    pub objects: String,
    /// The bucket's region.
    pub region: String,
    /// The certificate authorities (PEM) that the servers' certificates are checked against,
    /// and only those; `None`: the system's.
    pub ca: Option<String>,
    /// The database's password and the bucket's keys (never written anywhere, never in a
    /// message).
    pub secrets: TeamSecrets,
}

#[cfg(feature = "team")]
impl std::fmt::Debug for TeamConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamConnection")
            .field("objects", &self.objects)
            .field("region", &self.region)
            .field("secrets", &self.secrets)
            .finish_non_exhaustive()
    }
}

/// A stored exemplar PDF: see [`Archive::exemplar`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedExemplar {
    /// Its number: 1 (the provider's) or 2 (the customer's).
    pub number: u32,
    /// The file name the archive gives it: the customer (or template), the id's start and
    /// the number, ending in `.pdf` (never a name a file or a log line chose).
    pub file_name: String,
    /// SHA-256 of its bytes, hex: its name in the archive.
    pub sha256: String,
    /// The PDF.
    pub bytes: Vec<u8>,
}

/// What [`Archive::add`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
#[non_exhaustive]
pub enum AddOutcome {
    /// A new agreement.
    New,
    /// A later version of an archived agreement (countersigned, signed, or filled further);
    /// the agreement keeps its id.
    Updated {
        /// Its status before.
        was: Status,
    },
    /// This very version is already archived: nothing was changed.
    AlreadyArchived,
    /// A later version of this agreement is already archived: nothing was changed.
    LaterVersionArchived,
}

/// The result of [`Archive::add`].
#[derive(Debug, Clone, Serialize)]
pub struct Added {
    /// The agreement's archive id.
    pub id: String,
    /// What happened.
    #[serde(flatten)]
    pub outcome: AddOutcome,
    /// The agreement's status (of the version given).
    pub status: Status,
    /// The customer, if named.
    pub customer: Option<String>,
    /// The objects stored (or found already stored), agreement file first.
    pub objects: Vec<LoggedObject>,
    /// The log entry written, if any.
    pub seq: Option<u64>,
}

/// Everything the archive holds about one agreement.
#[derive(Debug, Clone, Serialize)]
pub struct Details {
    /// The summary of its current version.
    #[serde(flatten)]
    pub summary: Summary,
    /// Its signatures.
    pub signatures: Vec<SignatureRow>,
    /// Its objects: every version's agreement file, the template, the exemplars.
    pub objects: Vec<ObjectRow>,
    /// The log entries about it.
    pub history: Vec<LogEntry>,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    /// The agreement.
    pub id: String,
    /// The files written.
    pub files: Vec<PathBuf>,
}

/// What an erasure removed.
#[derive(Debug, Clone, Serialize)]
pub struct Deleted {
    /// The agreement.
    pub id: String,
    /// The objects removed from disk.
    pub objects: Vec<LoggedObject>,
    /// Objects kept because another agreement holds them too (a shared template).
    pub kept: Vec<Sha256Hex>,
    /// The tombstone's position in the log.
    pub seq: u64,
}

/// What a rebuild of the index did.
#[derive(Debug, Clone, Serialize)]
pub struct Rebuilt {
    /// Log entries read.
    pub entries: u64,
    /// Agreements in the new index.
    pub agreements: usize,
    /// Entries that could not be indexed, and why.
    pub problems: Vec<String>,
}

/// What a file is to this archive (see [`lookup`]).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
#[non_exhaustive]
pub enum Lookup {
    /// There is no archive here.
    NoArchive,
    /// The file is, byte for byte, a stored exemplar.
    Exemplar {
        /// The agreement.
        agreement: Box<Summary>,
        /// Its number.
        number: u32,
        /// How many exemplars the agreement has.
        of: u32,
        /// When it was stored.
        archived: String,
    },
    /// The file is, byte for byte, a stored version of an agreement.
    AgreementFile {
        /// The agreement.
        agreement: Box<Summary>,
        /// Whether it is the current version.
        current: bool,
        /// When it was stored.
        archived: String,
    },
    /// The file holds the same agreement as a stored version, in other bytes (an agreement
    /// file written out again).
    SameContent {
        /// The agreement.
        agreement: Box<Summary>,
    },
    /// The file is another version of an archived agreement, which this archive does not
    /// hold (an earlier draft, or a later signature not archived yet).
    OtherVersion {
        /// The agreement.
        agreement: Box<Summary>,
    },
    /// The file is an exemplar of an archived agreement but matches none of its stored
    /// exemplars: it was changed.
    DiffersFromExemplars {
        /// The agreement.
        agreement: Box<Summary>,
    },
    /// Nothing in this archive matches the file.
    Unknown,
}

/// The agreement file of `agreement` without its trusted timestamps: what two copies of one
/// version share, whatever evidence of time each carries.
fn without_timestamps(agreement: &Agreement) -> String {
    let mut bare = agreement.clone();
    bare.strip_timestamps();
    bare.to_json()
}

/// An exemplar PDF rendered from a complete agreement.
struct RenderedExemplar {
    number: u32,
    name: String,
    bytes: Vec<u8>,
}

/// The two exemplar PDFs of a complete agreement (`crate::pdf`): exemplar 1, the
/// provider's, and exemplar 2, the customer's, rendered deterministically and sealed by the
/// one who archives, when that is one of the agreement's signers (who else would not be the
/// party that made them: then none are stored, and an exemplar is known by its content).
fn render_exemplars(
    agreement: &Agreement,
    signer: Option<&dyn Signer>,
) -> Result<Vec<RenderedExemplar>, ArchiveError> {
    let Some(sealer) = signer.and_then(|s| crate::pdf::Sealer::new(agreement, s, None).ok()) else {
        return Ok(Vec::new());
    };
    Ok(crate::pdf::exemplars(agreement, &sealer)?
        .into_iter()
        .filter_map(|pdf| {
            let number = pdf.exemplar.id().parse().ok()?;
            Some(RenderedExemplar {
                number,
                name: pdf.file_name,
                bytes: pdf.bytes,
            })
        })
        .collect())
}

/// Reads the agreement a file holds: an agreement file, or an exemplar PDF carrying one whose
/// visible document is that agreement (`crate::open`: a PDF showing something else is not
/// archived as if it were the agreement inside). Returns the agreement and the bytes of its
/// agreement file.
fn read_agreement(bytes: &[u8]) -> Result<(Agreement, Vec<u8>), ArchiveError> {
    let contents = crate::open::read(bytes).map_err(|u| ArchiveError::Invalid(u.detail))?;
    if let Some(problem) = contents.pdf_problem() {
        return Err(ArchiveError::Invalid(problem.to_string()));
    }
    let json = if contents.pdf.is_some() {
        contents.agreement.to_json().into_bytes()
    } else {
        bytes.to_vec()
    };
    Ok((contents.agreement, json))
}

/// The agreement a file carries, whatever its PDF shows: to tell which archived agreement an
/// altered copy claims to be.
fn read_any_agreement(bytes: &[u8]) -> Result<Agreement, ArchiveError> {
    if crate::pdf::is_pdf(bytes) {
        let embedded = crate::pdf::embedded_agreement(bytes)?;
        return Ok(Agreement::from_json(&embedded.json)?);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AgreementError::Json("the file is not UTF-8 text".into()))?;
    Ok(Agreement::from_json(text)?)
}

/// The back-ends of the team archive `team` names: its bucket and its database.
#[cfg(feature = "team")]
pub(crate) fn team_backends(team: &TeamConnection) -> Result<Backends, ArchiveError> {
    let ca = team.ca.as_deref();
    let log = pg::PgLog::connect(
        &team.database,
        team.secrets.database_password.as_deref(),
        ca,
    )
    .map_err(io_at(Path::new("the team archive's database")))?;
    let store = s3::Bucket::new(
        &team.objects,
        s3::Credentials {
            access_key_id: team.secrets.access_key_id.clone(),
            secret_access_key: team.secrets.secret_access_key.clone(),
            region: team.region.clone(),
        },
        ca,
    )
    .map_err(io_at(Path::new("the team archive's bucket")))?;
    Ok(Backends {
        store: Box::new(store),
        log: Box::new(log),
    })
}

/// Where an archive keeps its objects and its log.
pub(crate) struct Backends {
    pub(crate) store: Box<dyn Objects>,
    pub(crate) log: Box<dyn Entries>,
}

/// A key's fingerprint as a log entry names it.
#[cfg(feature = "team")]
fn key_hex(key: &Fingerprint) -> Sha256Hex {
    Sha256Hex::from_bytes(key.as_bytes())
}

/// An archive, open.
pub struct Archive {
    dir: PathBuf,
    /// Where its objects are (`backend`).
    store: Box<dyn Objects>,
    /// Where its log is (`backend`).
    log: Box<dyn Entries>,
    index: Index,
    /// The profile's checkpoint of this archive's directory, if the caller gave one
    /// ([`Archive::with_checkpoint`]); the checkpoint of an archive whose log carries an
    /// identifier is beside it ([`checkpoint_of_archive`]).
    checkpoint: Option<PathBuf>,
    /// The keys that may write its log; `None`: any key whose signature holds.
    writers: Option<Vec<Fingerprint>>,
    /// A team archive's members, as its log says (refreshed whenever the log is read);
    /// when given, they are who may write, not `writers`.
    members: Option<Members>,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// The error for a file of the archive that is not a regular file.
pub(crate) fn not_regular() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "it is not a regular file (a symbolic link, a device, a pipe or a directory); the archive reads only its own files",
    )
}

/// Checks that `path` is a regular file, without following a symbolic link. `NotFound` if
/// there is nothing there.
pub(crate) fn check_regular(path: &Path) -> std::io::Result<()> {
    if fs::symlink_metadata(path)?.is_file() {
        Ok(())
    } else {
        Err(not_regular())
    }
}

/// Reads a file of the archive: a regular file (a symbolic link, a device or a pipe in its
/// place is refused before it is opened, so `/dev/zero` or a FIFO is never read), of at most
/// `limit` bytes.
pub(crate) fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    check_regular(path)?;
    let file = fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let too_large = || {
        std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("it is larger than {limit} bytes, more than the archive holds in one file"),
        )
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Checks that the index and its write-ahead files, where present, are regular files (SQLite
/// would otherwise open a symbolic link to a device or a pipe).
pub(crate) fn check_index_files(index: &Path) -> Result<(), ArchiveError> {
    for suffix in ["", "-wal", "-shm"] {
        let f = PathBuf::from(format!("{}{suffix}", index.display()));
        match check_regular(&f) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(ArchiveError::Io { path: f, source }),
        }
    }
    Ok(())
}

/// Whether an error of a log or a store says it could not be reached (a team archive's
/// database or bucket gone, or too slow), rather than what it holds.
fn unreachable(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset | NotConnected | TimedOut
    )
}

pub(crate) fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn time_str(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// The files of an archive directory.
pub(crate) struct Paths {
    pub objects: PathBuf,
    pub log: PathBuf,
    pub index: PathBuf,
    pub lock: PathBuf,
}

pub(crate) fn paths(dir: &Path) -> Paths {
    Paths {
        objects: dir.join("objects"),
        log: dir.join("log.jsonl"),
        index: dir.join("index.sqlite"),
        lock: dir.join("lock"),
    }
}

/// What [`Archive::guard`] found of a log that may be written to.
struct Guarded {
    /// Its first entry, if any.
    first: Option<LogEntry>,
    /// Its identifier, if an authenticated entry carries one.
    archive_id: Option<Sha256Hex>,
    /// A team archive's members, as the log says.
    members: Option<Members>,
}

/// What [`Archive::append`] appends.
enum Make<'a> {
    /// This entry; the index kept with the log (a team archive's) makes this change with it.
    Entry(NewEntry, IndexChange<'a>),
    /// The entry this makes of the whole log, read when no other entry can come before it
    /// (the members; it may refuse). It changes no row of an index.
    #[cfg(feature = "team")]
    OfLog(&'a mut dyn FnMut(&log::LogRead) -> Result<NewEntry, ArchiveError>),
}

/// An entry appended, with what the checkpoint that follows it names.
struct Appended {
    entry: LogEntry,
    first: LogEntry,
    archive_id: Option<Sha256Hex>,
}

/// Where `dir` points, if it is a symbolic link.
pub(crate) fn link_target(dir: &Path) -> Option<PathBuf> {
    let meta = fs::symlink_metadata(dir).ok()?;
    meta.file_type()
        .is_symlink()
        .then(|| fs::read_link(dir).unwrap_or_default())
}

/// Writes the checkpoint of a log from `first` to `last`: for the archive's identifier, when
/// it has one, and for its directory (`by_path`).
pub(crate) fn write_checkpoint(
    by_path: &Path,
    first: &LogEntry,
    last: &LogEntry,
    archive_id: Option<&Sha256Hex>,
    signer: &dyn Signer,
) -> Result<(), ArchiveError> {
    let c = Checkpoint::signed(first, last, archive_id, signer);
    if let Some(id) = archive_id {
        let path = checkpoint_of_archive(by_path, id);
        c.write(&path).map_err(io_at(&path))?;
    }
    c.write(by_path).map_err(io_at(by_path))
}

/// Holds the archive's lock until dropped.
pub(crate) struct Locked {
    _lock: Box<fd_lock::RwLock<fs::File>>,
}

/// Takes the archive's exclusive lock, waiting for another process to let go of it.
pub(crate) fn lock(dir: &Path) -> Result<Locked, ArchiveError> {
    let path = paths(dir).lock;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| ArchiveError::Lock {
            path: path.clone(),
            source,
        })?;
    let mut lock = Box::new(fd_lock::RwLock::new(file));
    // The guard only unlocks on drop; the lock is released when the file is closed, which
    // is when `Locked` is dropped.
    let guard = lock.write().map_err(|source| ArchiveError::Lock {
        path: path.clone(),
        source,
    })?;
    std::mem::forget(guard);
    Ok(Locked { _lock: lock })
}

impl Archive {
    /// Opens (creating it if need be) the archive in `dir`, and brings its index up to date
    /// with the log if a crash left it behind.
    pub fn open(dir: &Path) -> Result<Archive, ArchiveError> {
        Archive::open_with(dir, None, true)
    }

    /// Opens the archive in `dir` as a profile does: only log entries signed by one of
    /// `trust.own_keys` are acted on (indexed, listed, erasing), and every append checks the
    /// log against the profile's checkpoint (`trust.checkpoint`) and moves it.
    pub fn open_trusted(dir: &Path, trust: &Trust) -> Result<Archive, ArchiveError> {
        let archive = Archive::open_with(dir, Some(trust.own_keys.clone()), true)?;
        Ok(match &trust.checkpoint {
            Some(path) => archive.with_checkpoint(path.clone()),
            None => archive,
        })
    }

    /// Opens the archive; brings its index up to date with the log when `catch_up` (a reader
    /// that does not know which keys may write leaves the index as it is).
    fn open_with(
        dir: &Path,
        writers: Option<Vec<Fingerprint>>,
        catch_up: bool,
    ) -> Result<Archive, ArchiveError> {
        let p = paths(dir);
        create_private_dir(dir).map_err(io_at(dir))?;
        create_private_dir(&p.objects).map_err(io_at(&p.objects))?;
        let log = Log::new(p.log.clone());
        check_index_files(&p.index)?;
        let index_exists = fs::symlink_metadata(&p.index).is_ok();
        let log_has_entries = fs::symlink_metadata(&p.log)
            .map(|m| !m.is_file() || m.len() > 0)
            .unwrap_or(false);
        if !index_exists && log_has_entries {
            return Err(ArchiveError::IndexMissing { path: p.index });
        }
        let index = Index::open(&p.index, true).map_err(|source| ArchiveError::Index {
            path: p.index.clone(),
            source,
        })?;
        let archive = Archive {
            dir: dir.to_path_buf(),
            store: Box::new(Store::new(p.objects)),
            log: Box::new(log),
            index,
            checkpoint: None,
            writers,
            members: None,
        };
        archive.check_schema()?;
        let mut archive = archive;
        if catch_up && archive.lag()? {
            let _lock = lock(dir)?;
            archive.catch_up()?;
        }
        Ok(archive)
    }

    /// Opens a team archive: its log in the PostgreSQL database and its objects in the
    /// bucket `team` names, its index kept in `cache` (a directory of the member's profile:
    /// the index holds nothing that cannot be rebuilt from the log and the objects, and
    /// catches up with every member's entries). Only entries signed by one of
    /// `trust.own_keys` are acted on. The CLI and the desktop app open a connected profile's
    /// team archive through [`TeamPlace::open`] (`docs/archive-team.md`).
    #[cfg(feature = "team")]
    #[doc(hidden)]
    pub fn open_team(
        cache: &Path,
        team: &TeamConnection,
        trust: &Trust,
    ) -> Result<Archive, ArchiveError> {
        let p = paths(cache);
        create_private_dir(cache).map_err(io_at(cache))?;
        check_index_files(&p.index)?;
        let Backends { store, log } = team_backends(team)?;
        let index = Index::open(&p.index, true).map_err(|source| ArchiveError::Index {
            path: p.index.clone(),
            source,
        })?;
        let mut archive = Archive {
            dir: cache.to_path_buf(),
            store,
            log,
            index,
            checkpoint: trust.checkpoint.clone(),
            writers: Some(trust.own_keys.clone()),
            members: None,
        };
        let read = archive.log.read_all().map_err(io_at(archive.log.place()))?;
        archive.members = Some(Members::of_lines(&read.lines, trust.creator.as_ref()));
        archive.check_schema()?;
        if archive.lag()? {
            let _lock = lock(cache)?;
            archive.catch_up()?;
        }
        Ok(archive)
    }

    /// The archive's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Keeps the profile's checkpoint of this archive at `path` (see
    /// [`crate::Profile::archive_checkpoint`]): from now on every append refuses to write to a
    /// log that does not reach the checkpoint (cut or rebuilt), and every signed append moves
    /// the checkpoint to the new entry, signed with the same key.
    pub fn with_checkpoint(mut self, path: PathBuf) -> Archive {
        self.checkpoint = Some(path);
        self
    }

    /// The keys that may write this archive's log.
    pub(crate) fn writers(&self) -> Writers<'_> {
        match (&self.members, &self.writers) {
            (Some(members), _) => Writers::Members(members),
            (None, Some(keys)) => Writers::Keys(keys),
            (None, None) => Writers::AnySigned,
        }
    }

    /// Whether an entry, in its place in the chain, is one the archive acts on.
    fn authentic(&self, entry: &LogEntry) -> bool {
        self.writers().authenticate(entry)
    }

    /// Appends an entry: after checking the whole log, and against the profile's checkpoint
    /// if there is one (see [`Archive::guard`]). The caller holds the lock.
    fn append(
        &mut self,
        make: Make<'_>,
        signer: Option<&dyn Signer>,
    ) -> Result<Appended, ArchiveError> {
        let guarded = self.guard()?;
        if guarded.members.is_some() {
            self.members = guarded.members.clone();
        }
        // A team archive's log begins with its creator's members entry (`begin_team`):
        // nothing else is written to an empty one (its database refuses it too, under the
        // append's lock).
        if self.members.is_some() && guarded.first.is_none() && matches!(make, Make::Entry(..)) {
            return Err(ArchiveError::TeamNotBegun);
        }
        // The entry that names the archive: the first one (or, in an archive made before
        // identifiers, the first signed one written since).
        let (id, fresh) = match (&guarded.archive_id, signer) {
            (Some(id), _) => (Some(id.clone()), None),
            (None, Some(_)) => {
                let id = checkpoint::new_archive_id().map_err(io_at(self.log.place()))?;
                (Some(id.clone()), Some(id))
            }
            (None, None) => (None, None),
        };
        let writers = self.writers();
        let entry = match make {
            Make::Entry(mut new, change) => {
                new.archive = fresh;
                self.log
                    .append_following(
                        new,
                        signer,
                        &Following {
                            change,
                            acts: &|e| writers.authenticate(e),
                        },
                    )
                    .map_err(io_at(self.log.place()))?
            }
            #[cfg(feature = "team")]
            Make::OfLog(make) => self.log.append_made(
                &mut |read| {
                    let mut new = make(read)?;
                    new.archive = fresh.clone();
                    Ok(new)
                },
                signer,
            )?,
        };
        // Entries other writers appended since the index last read the log (a team log has
        // several writers; a local one has only the holder of the lock, and none lie
        // between) are indexed first: the caller then indexes its own.
        let (seen, _) = self.index.log_position().map_err(self.index_err())?;
        if entry.seq > seen {
            self.catch_up_before(Some(entry.seq))?;
        }
        let first = guarded.first.unwrap_or_else(|| entry.clone());
        Ok(Appended {
            entry,
            first,
            archive_id: id,
        })
    }

    /// Refuses to write to a log that does not hold together (a line that is not an entry,
    /// an entry out of place, altered or not following the one before), to an archive whose
    /// directory is a symbolic link, and, with a checkpoint, to a log that does not reach
    /// it (cut, rolled back, rebuilt, another archive's) or whose checkpoint is missing or
    /// not one of the profile's. Reads and checks the whole log: O(n).
    fn guard(&self) -> Result<Guarded, ArchiveError> {
        if let Some(target) = link_target(&self.dir) {
            return Err(ArchiveError::Linked {
                path: self.dir.clone(),
                target,
            });
        }
        let read = self.log.read_all().map_err(|e| {
            // A team archive's database gone is not a log that does not hold together.
            if unreachable(&e) {
                return io_at(self.log.place())(e);
            }
            ArchiveError::LogBroken {
                path: self.log.place().to_path_buf(),
                problem: format!("it cannot be read: {e}"),
            }
        })?;
        let chain = checkpoint::Chain::check(read);
        if let Some(problem) = chain.broken {
            return Err(ArchiveError::LogBroken {
                path: self.log.place().to_path_buf(),
                problem,
            });
        }
        // A team archive's members, as the log says now.
        let members = self.members.as_ref().map(|m| m.again(&chain.entries));
        let writers = match &members {
            Some(m) => Writers::Members(m),
            None => self.writers(),
        };
        let archive_id = chain.archive_id(writers).cloned();
        let guarded = Guarded {
            first: chain.entries.first().cloned(),
            archive_id: archive_id.clone(),
            members: members.clone(),
        };
        let Some(by_path) = &self.checkpoint else {
            return Ok(guarded);
        };
        let refuse = |path: &Path, problem: String| ArchiveError::Checkpoint {
            path: path.to_path_buf(),
            problem,
        };
        let (path, c, key) =
            match checkpoint::locate(by_path, archive_id.as_ref()) {
                checkpoint::Located::None => return Ok(guarded),
                checkpoint::Located::Found(path, c, key) => (path, c, key),
                checkpoint::Located::Missing(path) => return Err(refuse(
                    &path,
                    "the profile knows this archive but keeps no checkpoint of it: it was deleted"
                        .into(),
                )),
                checkpoint::Located::Unreadable(path, e) => {
                    return Err(refuse(&path, format!("it {e}")))
                }
            };
        // The checkpoint is the profile's own, signed by one of its keys, whoever may write
        // the log: a member removed from a team archive still keeps its checkpoint of it.
        let own = match &self.writers {
            Some(keys) => Writers::Keys(keys),
            None => writers,
        };
        if !own.allows(&key) {
            return Err(refuse(
                &path,
                format!(
                    "it is signed by key {}, which is not one of this profile's keys",
                    key.short()
                ),
            ));
        }
        match checkpoint::against(&c, chain.lines, &chain.entries, archive_id.as_ref()) {
            checkpoint::Against::Holds => Ok(guarded),
            checkpoint::Against::Truncated { log } => Err(refuse(
                &path,
                format!(
                    "the log holds {log} entries, the checkpoint counted {}: entries were removed",
                    c.entries
                ),
            )),
            checkpoint::Against::Rebuilt => Err(refuse(
                &path,
                "the checkpoint's entry is not in the log: the log was rewritten, rebuilt or rolled back to another copy".into(),
            )),
        }
    }

    /// Moves the checkpoint to `appended`'s entry, signed by `signer`; nothing without a
    /// checkpoint or a signer. Written where it is found again: beside the directory's, by
    /// the archive's identifier, and for the directory.
    fn move_checkpoint(
        &self,
        appended: &Appended,
        signer: Option<&dyn Signer>,
    ) -> Result<(), ArchiveError> {
        let (Some(by_path), Some(signer)) = (&self.checkpoint, signer) else {
            return Ok(());
        };
        write_checkpoint(
            by_path,
            &appended.first,
            &appended.entry,
            appended.archive_id.as_ref(),
            signer,
        )
    }

    fn index_err(&self) -> impl FnOnce(rusqlite::Error) -> ArchiveError + '_ {
        move |source| ArchiveError::Index {
            path: paths(&self.dir).index,
            source,
        }
    }

    fn check_schema(&self) -> Result<(), ArchiveError> {
        match self.index.meta("schema").map_err(self.index_err())? {
            Some(v) if v == index::SCHEMA_VERSION => Ok(()),
            found => Err(ArchiveError::IndexSchema {
                path: paths(&self.dir).index,
                found: found.unwrap_or_else(|| "none".into()),
            }),
        }
    }

    fn log_err(&self, reason: String) -> ArchiveError {
        ArchiveError::LogMismatch {
            path: self.log.place().to_path_buf(),
            reason,
        }
    }

    /// Whether the log has entries the index has not read; an error if the log is shorter
    /// than what the index has read, or differs from it.
    fn lag(&self) -> Result<bool, ArchiveError> {
        let (seen, head) = self.index.log_position().map_err(self.index_err())?;
        let last = self.log.last().map_err(|e| {
            if unreachable(&e) {
                io_at(self.log.place())(e)
            } else {
                self.log_err(e.to_string())
            }
        })?;
        let count = last.as_ref().map_or(0, |e| e.seq + 1);
        if count < seen {
            return Err(self.log_err(format!(
                "it has {count} entries, but the index has read {seen}: entries were removed"
            )));
        }
        if count == seen {
            if let (Some(last), Some(head)) = (&last, &head) {
                if last.hash != *head {
                    return Err(self.log_err(format!(
                        "its entry {} is not the one the index read",
                        last.seq
                    )));
                }
            }
        }
        Ok(count > seen)
    }

    /// Indexes the log entries the index has not read. The caller holds the lock.
    fn catch_up(&mut self) -> Result<(), ArchiveError> {
        self.catch_up_before(None)
    }

    /// Indexes the log entries the index has not read, up to (not including) the one at
    /// `until` when given. The caller holds the lock.
    fn catch_up_before(&mut self, until: Option<u64>) -> Result<(), ArchiveError> {
        let (seen, head) = self.index.log_position().map_err(self.index_err())?;
        let read = self.log.read_all().map_err(io_at(self.log.place()))?;
        if let Some(m) = &self.members {
            self.members = Some(m.again_lines(&read.lines));
        }
        let mut pending = Vec::new();
        // Whether the chain holds up to here: an entry after a break is not acted on.
        let mut prev: Option<Sha256Hex> = None;
        let mut chained = true;
        for (i, line) in read.lines.iter().enumerate() {
            let entry = line
                .entry
                .as_ref()
                .map_err(|e| self.log_err(format!("line {} cannot be read: {e}", line.number)))?;
            if entry.seq + 1 == seen && head.as_ref().is_some_and(|h| *h != entry.hash) {
                return Err(self.log_err(format!(
                    "its entry {} is not the one the index read",
                    entry.seq
                )));
            }
            chained &= entry.seq == i as u64 && entry.prev == prev;
            prev = Some(entry.hash.clone());
            if entry.seq >= seen && until.is_none_or(|u| entry.seq < u) {
                pending.push((entry.clone(), chained && self.authentic(entry)));
            }
        }
        let acted: Vec<LogEntry> = pending
            .iter()
            .filter(|(_, a)| *a)
            .map(|(e, _)| e.clone())
            .collect();
        let erased = erased_later(&acted);
        for (entry, authentic) in pending {
            if !authentic {
                // Not authenticated: reported by `verify`, never acted on.
                self.index
                    .apply(&[(&skip_entry(&entry), None)])
                    .map_err(self.index_err())?;
                continue;
            }
            if is_erased_later(&entry, &erased) {
                self.index
                    .apply(&[(&skip_entry(&entry), None)])
                    .map_err(self.index_err())?;
                continue;
            }
            let derived = self.derive_entry(&entry)?;
            self.index
                .apply(&[(&entry, derived.as_ref())])
                .map_err(self.index_err())?;
        }
        Ok(())
    }

    /// For an `added` entry, what the index holds about its agreement.
    fn derive_entry(&self, entry: &LogEntry) -> Result<Option<Derived>, ArchiveError> {
        if entry.event != LogEvent::Added {
            return Ok(None);
        }
        let Some(object) = entry
            .objects
            .iter()
            .find(|o| o.kind == ObjectKind::Agreement)
        else {
            return Ok(None);
        };
        let agreement = self.load_agreement(&object.sha256)?;
        let verification = verify_agreement(&agreement);
        Ok(Some(derive(
            &agreement,
            &verification,
            object.sha256.as_str(),
        )))
    }

    /// Reads an object, checking that its bytes still hash to its name.
    fn object(&self, sha256: &Sha256Hex) -> Result<Vec<u8>, ArchiveError> {
        let bytes = self
            .store
            .get(sha256)
            .map_err(|e| ArchiveError::BadObject {
                sha256: sha256.to_string(),
                problem: if e.kind() == std::io::ErrorKind::NotFound {
                    "missing".to_string()
                } else {
                    format!("unreadable: {e}")
                },
            })?;
        let actual = Sha256Hex::of(&bytes);
        if actual != *sha256 {
            return Err(ArchiveError::BadObject {
                sha256: sha256.to_string(),
                problem: format!("corrupt: its bytes hash to {actual}"),
            });
        }
        Ok(bytes)
    }

    /// Whether `agreement` is the archived current version of `summary` with trusted
    /// timestamps added: every timestamp the archived file carries, and more.
    fn adds_timestamps(
        &self,
        summary: &Summary,
        agreement: &Agreement,
    ) -> Result<bool, ArchiveError> {
        let sha = Sha256Hex::parse(&summary.object).map_err(|_| ArchiveError::BadObject {
            sha256: summary.object.clone(),
            problem: "not a SHA-256".into(),
        })?;
        let stored = self.load_agreement(&sha)?;
        if without_timestamps(&stored) != without_timestamps(agreement) {
            return Ok(false);
        }
        let tokens = |a: &Agreement| -> Vec<Vec<String>> {
            a.signatures()
                .iter()
                .map(|r| r.timestamps.iter().map(|t| t.token.clone()).collect())
                .collect()
        };
        let (old, new) = (tokens(&stored), tokens(agreement));
        let kept = old
            .iter()
            .zip(&new)
            .all(|(o, n)| o.iter().all(|t| n.contains(t)));
        Ok(kept
            && new.iter().map(Vec::len).sum::<usize>() > old.iter().map(Vec::len).sum::<usize>())
    }

    fn load_agreement(&self, sha256: &Sha256Hex) -> Result<Agreement, ArchiveError> {
        let bytes = self.object(sha256)?;
        let text = String::from_utf8(bytes).map_err(|_| ArchiveError::BadObject {
            sha256: sha256.to_string(),
            problem: "not an agreement file (not UTF-8)".into(),
        })?;
        Agreement::from_json(&text).map_err(|e| ArchiveError::BadObject {
            sha256: sha256.to_string(),
            problem: format!("not a readable agreement file: {e}"),
        })
    }

    /// Adds an agreement file (or an exemplar PDF carrying one) to the archive.
    ///
    /// A new agreement gets an id; a later version of an archived agreement (the
    /// countersigned one after the awaiting one) replaces it as the current version and keeps
    /// its id, the earlier version staying stored; the same version again, or an earlier one,
    /// changes nothing. A complete agreement is stored with its exemplar PDFs. An agreement
    /// that does not verify is refused. `signer`, when given, signs the log entry.
    pub fn add(
        &mut self,
        bytes: &[u8],
        now: DateTime<FixedOffset>,
        signer: Option<&dyn Signer>,
    ) -> Result<Added, ArchiveError> {
        let (agreement, file_bytes) = read_agreement(bytes)?;
        let verification = verify_agreement(&agreement);
        if verification.status == Status::Invalid {
            return Err(ArchiveError::Invalid(
                verification
                    .first_problem()
                    .unwrap_or_else(|| "unknown problem".into()),
            ));
        }
        let _lock = lock(&self.dir)?;
        if self.lag()? {
            self.catch_up()?;
        }
        let audit = agreement.audit();
        let head = audit.last().map(|e| e.hash.clone()).unwrap_or_default();
        let customer = customer_of(&agreement);
        let unchanged = |id: String, outcome| Added {
            id,
            outcome,
            status: verification.status,
            customer: customer.clone(),
            objects: Vec::new(),
            seq: None,
        };
        // An archived agreement whose trail holds this version's head is this version, or a
        // later one of it.
        let later = self.index.containing(&head).map_err(self.index_err())?;
        // This version, unless this file adds trusted timestamps to the archived one's
        // signatures: then it is stored as the current version (the same agreement, with
        // more evidence of when it was signed).
        let mut extends: Option<Summary> = None;
        if let Some(c) = later.iter().find(|c| c.head == head) {
            if !self.adds_timestamps(c, &agreement)? {
                return Ok(unchanged(c.id.clone(), AddOutcome::AlreadyArchived));
            }
            extends = Some(c.clone());
        } else if let Some(c) = later.into_iter().next() {
            return Ok(unchanged(c.id, AddOutcome::LaterVersionArchived));
        }
        // An archived agreement whose head is in this version's trail is an earlier version
        // of it (the latest such, if a draft and its signed version were both archived
        // apart).
        for e in audit.iter().rev() {
            if extends.is_some() {
                break;
            }
            let held = self.index.containing(&e.hash).map_err(self.index_err())?;
            if let Some(c) = held.into_iter().find(|c| c.head == e.hash) {
                extends = Some(c);
                break;
            }
        }
        let (id, outcome) = match extends {
            Some(c) => (id_of(&c)?, AddOutcome::Updated { was: c.status }),
            None => (self.new_id(&agreement)?, AddOutcome::New),
        };

        // Objects first, then the log entry, then the index.
        let mut objects = Vec::new();
        let put = |bytes: &[u8]| self.store.put(bytes).map_err(io_at(&self.store.place()));
        let agreement_sha = put(&file_bytes)?;
        objects.push(LoggedObject {
            sha256: agreement_sha.clone(),
            kind: ObjectKind::Agreement,
            number: None,
            name: None,
        });
        objects.push(LoggedObject {
            sha256: put(agreement.template().canonical_text().as_bytes())?,
            kind: ObjectKind::Template,
            number: None,
            name: None,
        });
        if verification.status == Status::Complete {
            for ex in render_exemplars(&agreement, signer)? {
                objects.push(LoggedObject {
                    sha256: put(&ex.bytes)?,
                    kind: ObjectKind::Exemplar,
                    number: Some(ex.number),
                    name: Some(ex.name),
                });
            }
        }
        let derived = derive(&agreement, &verification, agreement_sha.as_str());
        let appended = self.append(
            Make::Entry(
                NewEntry {
                    time: time_str(now),
                    event: LogEvent::Added,
                    agreement: Some(id.clone()),
                    objects: objects.clone(),
                    reason: None,
                    note: None,
                    members: Vec::new(),
                    archive: None,
                },
                IndexChange::Agreement(&derived),
            ),
            signer,
        )?;
        let entry = &appended.entry;
        // An entry the archive cannot authenticate (unsigned, or by a key that may not
        // write) is not acted on: the index reads past it, as it would on a rebuild.
        if self.authentic(entry) {
            self.index
                .apply(&[(entry, Some(&derived))])
                .map_err(self.index_err())?;
        } else {
            self.index
                .apply(&[(&skip_entry(entry), None)])
                .map_err(self.index_err())?;
        }
        self.move_checkpoint(&appended, signer)?;
        Ok(Added {
            id: id.into_string(),
            outcome,
            status: verification.status,
            customer,
            objects,
            seq: Some(appended.entry.seq),
        })
    }

    /// The id for a new agreement: from its first signature (or, unsigned, its first audit
    /// entry); if an archived agreement that this one does not continue already has that id
    /// (a pre-signed agreement countersigned by several customers), from its audit head.
    fn new_id(&self, agreement: &Agreement) -> Result<AgreementId, ArchiveError> {
        let first = agreement_id(agreement);
        if self.index.get(&first).map_err(self.index_err())?.is_none() {
            return AgreementId::parse(&first).map_err(|e| ArchiveError::BadId(e.0));
        }
        let head = agreement
            .audit()
            .last()
            .map(|e| e.hash.clone())
            .unwrap_or_default();
        Ok(AgreementId::from_bytes(&tagged_hash(
            ID_TAG,
            &serde_json::json!({ "audit_head": head }),
        )))
    }

    /// The archived agreements, oldest update first, optionally of one status only. A team
    /// archive answers from the index in its database.
    pub fn list(&self, status: Option<Status>) -> Result<Vec<Summary>, ArchiveError> {
        self.with_lookups(|index| index.list(status))
    }

    /// Finds agreements: by either party's enterprise number in any accepted form
    /// (`BE 0821588020`, `0821.588.020`), by an id or key fingerprint (8 or more hex
    /// digits), or by words of the text, the parties' names and the signatories (every word
    /// must occur; a word matches the words it begins). At most [`SEARCH_LIMIT`] results, the
    /// most recently updated, oldest first. A team archive answers from the index in its
    /// database, with the same answers (`docs/archive-team.md`, "The index in PostgreSQL").
    pub fn search(&self, query: &str) -> Result<Vec<Summary>, ArchiveError> {
        self.with_lookups(|index| find::search(index, query))
    }

    /// Runs `f` on the index that answers searches: the one the log's storage keeps (a team
    /// archive's database), or the archive's own. What the database's index answers is
    /// shown only as far as the member's own index, made of the entries it authenticated,
    /// holds the very same rows: a row changed in the database, or one for an entry the
    /// member does not act on, is left out (and reported by `archive verify`).
    fn with_lookups(
        &self,
        f: impl FnOnce(&dyn find::Lookups) -> Result<Vec<Summary>, ArchiveError>,
    ) -> Result<Vec<Summary>, ArchiveError> {
        match self.log.shared_index() {
            Some(shared) => {
                let found = f(shared)?;
                let mut confirmed = Vec::with_capacity(found.len());
                for s in found {
                    if self.index.get(&s.id).map_err(self.index_err())?.as_ref() == Some(&s) {
                        confirmed.push(s);
                    }
                }
                Ok(confirmed)
            }
            None => f(&find::Local {
                index: &self.index,
                path: paths(&self.dir).index,
            }),
        }
    }

    /// The full id of the agreement that `id` (the id or its first 8+ hex digits) names.
    pub fn resolve(&self, id: &str) -> Result<String, ArchiveError> {
        Ok(self.resolve_id(id)?.into_string())
    }

    /// The full id of the agreement that `id` (the id or its first 8+ hex digits, any case)
    /// names, as an [`AgreementId`].
    pub fn resolve_id(&self, id: &str) -> Result<AgreementId, ArchiveError> {
        let prefix = IdPrefix::parse(id).map_err(|e| ArchiveError::BadId(e.0))?;
        let mut ids = self
            .index
            .ids_starting(prefix.as_str())
            .map_err(self.index_err())?;
        match ids.len() {
            0 => Err(ArchiveError::NotFound(prefix.to_string())),
            1 => Ok(ids.remove(0)),
            _ => Err(ArchiveError::Ambiguous {
                prefix: prefix.to_string(),
                matches: ids.into_iter().map(AgreementId::into_string).collect(),
            }),
        }
    }

    /// The full id and the index row of the agreement `id` (or an unambiguous prefix of it)
    /// names.
    fn summary(&self, id: &str) -> Result<(AgreementId, Summary), ArchiveError> {
        let id = self.resolve_id(id)?;
        let summary = self
            .index
            .get(id.as_str())
            .map_err(self.index_err())?
            .ok_or_else(|| ArchiveError::NotFound(id.to_string()))?;
        Ok((id, summary))
    }

    /// Everything about one agreement.
    pub fn show(&self, id: &str) -> Result<Details, ArchiveError> {
        let (id, summary) = self.summary(id)?;
        let read = self.log.read_all().map_err(io_at(self.log.place()))?;
        let history = read
            .lines
            .into_iter()
            .filter_map(|l| l.entry.ok())
            .filter(|e| e.agreement.as_ref() == Some(&id) && self.authentic(e))
            .collect();
        Ok(Details {
            signatures: self
                .index
                .signatures(id.as_str())
                .map_err(self.index_err())?,
            objects: self.index.objects(id.as_str()).map_err(self.index_err())?,
            summary,
            history,
        })
    }

    /// The current version of an archived agreement.
    pub fn agreement(&self, id: &str) -> Result<Agreement, ArchiveError> {
        let (_, summary) = self.summary(id)?;
        self.load_agreement(&object_of(&summary)?)
    }

    /// Exemplar `number` (1 for the provider's, 2 for the customer's) of archived agreement
    /// `id`, as stored: its file name and its bytes, checked against their hash. Refused when
    /// the id is unknown or ambiguous, when no such exemplar is stored (an agreement awaiting
    /// its countersignature has none), and when the stored object is missing or corrupt.
    pub fn exemplar(&self, id: &str, number: u32) -> Result<ArchivedExemplar, ArchiveError> {
        let (id, summary) = self.summary(id)?;
        let row = self
            .index
            .objects(id.as_str())
            .map_err(self.index_err())?
            .into_iter()
            // The current version's: a version with trusted timestamps added has its own.
            .rev()
            .find(|o| o.kind == ObjectKind::Exemplar && o.number == Some(number))
            .ok_or_else(|| ArchiveError::NoExemplar {
                id: id.to_string(),
                number,
            })?;
        let bytes = self.exemplar_bytes(&id, number, &row.sha256)?;
        Ok(ArchivedExemplar {
            bytes,
            file_name: exemplar_file_name(&file_stem(&summary), number),
            number,
            sha256: row.sha256.into_string(),
        })
    }

    /// The bytes of a stored exemplar, checked: they hash to the name the log gave them, and
    /// they are a PDF Tweevoud reads, carrying an agreement. Nothing else is handed out as
    /// an exemplar.
    fn exemplar_bytes(
        &self,
        id: &AgreementId,
        number: u32,
        sha256: &Sha256Hex,
    ) -> Result<Vec<u8>, ArchiveError> {
        let bytes = self.object(sha256)?;
        let not = |problem: String| ArchiveError::NotAnExemplar {
            id: id.to_string(),
            number,
            sha256: sha256.to_string(),
            problem,
        };
        if !crate::pdf::is_pdf(&bytes) {
            return Err(not("it does not start as a PDF".into()));
        }
        crate::pdf::embedded_agreement(&bytes).map_err(|e| not(e.to_string()))?;
        Ok(bytes)
    }

    /// Copies an agreement out: its current agreement file and its exemplars, into `dir`
    /// (created if need be; files of the same name are replaced). Every object is checked
    /// against its hash first. Logged as `exported`.
    pub fn export(
        &mut self,
        id: &str,
        dir: &Path,
        now: DateTime<FixedOffset>,
        signer: Option<&dyn Signer>,
    ) -> Result<Exported, ArchiveError> {
        let id = self.resolve_id(id)?;
        let _lock = lock(&self.dir)?;
        let summary = self
            .index
            .get(id.as_str())
            .map_err(self.index_err())?
            .ok_or_else(|| ArchiveError::NotFound(id.to_string()))?;
        let base = file_stem(&summary);
        let current = object_of(&summary)?;
        let mut out: Vec<(PathBuf, Vec<u8>, LoggedObject)> = Vec::new();
        out.push((
            dir.join(format!("{base}.tweevoud")),
            self.object(&current)?,
            LoggedObject {
                sha256: current,
                kind: ObjectKind::Agreement,
                number: None,
                name: None,
            },
        ));
        for o in self.index.objects(id.as_str()).map_err(self.index_err())? {
            if o.kind == ObjectKind::Exemplar {
                // Named by the archive, never by the log or the file: `<stem>-<n>.pdf`.
                let number = o.number.unwrap_or(0);
                let path = dir.join(exemplar_file_name(&base, number));
                if out.iter().any(|(p, _, _)| *p == path) {
                    // An earlier version's exemplar of the same number: the current one
                    // (listed later) replaces it.
                    out.retain(|(p, _, _)| *p != path);
                }
                out.push((
                    path,
                    self.exemplar_bytes(&id, number, &o.sha256)?,
                    LoggedObject {
                        sha256: o.sha256,
                        kind: o.kind,
                        number: o.number,
                        name: Some(exemplar_file_name(&base, number)),
                    },
                ));
            }
        }
        create_private_dir(dir).map_err(io_at(dir))?;
        for (path, bytes, _) in &out {
            crate::fsutil::write_atomic(path, bytes).map_err(io_at(path))?;
        }
        let appended = self.append(
            Make::Entry(
                NewEntry {
                    time: time_str(now),
                    event: LogEvent::Exported,
                    agreement: Some(id.clone()),
                    objects: out.iter().map(|(_, _, o)| o.clone()).collect(),
                    reason: None,
                    note: Some(format!("to {}", dir.display())),
                    members: Vec::new(),
                    archive: None,
                },
                IndexChange::Nothing,
            ),
            signer,
        )?;
        // The index has nothing to change for an export, but records having read the entry.
        self.index
            .apply(&[(&appended.entry, None)])
            .map_err(self.index_err())?;
        self.move_checkpoint(&appended, signer)?;
        Ok(Exported {
            id: id.into_string(),
            files: out.into_iter().map(|(p, _, _)| p).collect(),
        })
    }

    /// Begins a team archive (opened with [`Archive::open_team`], its creator pinned in the
    /// trust): the first entry of its log, listing its `members` (the creator's key among
    /// them), signed by the creator, whose key `signer` must be. Refused on a log that has
    /// entries ([`ArchiveError::TeamBegun`]), which is looked at when no other entry can be
    /// appended before this one: of members beginning the same archive at once, one does.
    #[cfg(feature = "team")]
    #[doc(hidden)]
    pub fn begin_team(
        &mut self,
        members: &[Fingerprint],
        now: DateTime<FixedOffset>,
        signer: &dyn Signer,
    ) -> Result<LogEntry, ArchiveError> {
        let _lock = lock(&self.dir)?;
        self.creator_only(signer)?;
        if self.log.last().map_err(io_at(self.log.place()))?.is_some() {
            return Err(ArchiveError::TeamBegun);
        }
        let creator = Fingerprint::of_raw_public_key(&signer.public_key_bytes());
        let list: Vec<Sha256Hex> = members.iter().chain([&creator]).map(key_hex).collect();
        self.write_members(
            &mut |read| {
                if read.lines.is_empty() {
                    Ok(list.clone())
                } else {
                    Err(ArchiveError::TeamBegun)
                }
            },
            now,
            signer,
        )
    }

    /// Changes a team archive's members: `add` join and `remove` leave, from the next entry
    /// on; an entry signed by the creator (`signer`), appended to the log. The list it
    /// changes is the one in force when no other entry can be appended before this one: two
    /// changes made at once each keep the other's.
    #[cfg(feature = "team")]
    #[doc(hidden)]
    pub fn change_members(
        &mut self,
        add: &[Fingerprint],
        remove: &[Fingerprint],
        now: DateTime<FixedOffset>,
        signer: &dyn Signer,
    ) -> Result<LogEntry, ArchiveError> {
        let _lock = lock(&self.dir)?;
        self.creator_only(signer)?;
        let Some(known) = self.members.clone() else {
            return Err(ArchiveError::NotCreator);
        };
        let add: Vec<Sha256Hex> = add.iter().map(key_hex).collect();
        let remove: Vec<Sha256Hex> = remove.iter().map(key_hex).collect();
        self.write_members(
            &mut |read| {
                let members = known.again_lines(&read.lines);
                if !members.begun() {
                    return Err(ArchiveError::TeamNotBegun);
                }
                Ok(members
                    .current()
                    .into_iter()
                    .chain(add.iter().cloned())
                    .filter(|k| !remove.contains(k))
                    .collect())
            },
            now,
            signer,
        )
    }

    /// Refuses a signer that is not the pinned creator of a team archive.
    #[cfg(feature = "team")]
    fn creator_only(&self, signer: &dyn Signer) -> Result<(), ArchiveError> {
        let key = Fingerprint::of_raw_public_key(&signer.public_key_bytes());
        match &self.members {
            Some(m) if m.is_creator(&key) => Ok(()),
            _ => Err(ArchiveError::NotCreator),
        }
    }

    /// Appends a `members` entry listing the members `list` makes of the log as it stands
    /// when no other entry can come before this one (sorted, each once). The caller holds
    /// the lock.
    #[cfg(feature = "team")]
    fn write_members(
        &mut self,
        list: &mut dyn FnMut(&log::LogRead) -> Result<Vec<Sha256Hex>, ArchiveError>,
        now: DateTime<FixedOffset>,
        signer: &dyn Signer,
    ) -> Result<LogEntry, ArchiveError> {
        let time = time_str(now);
        let appended = self.append(
            Make::OfLog(&mut |read| {
                let mut members = list(read)?;
                members.sort();
                members.dedup();
                Ok(NewEntry {
                    time: time.clone(),
                    event: LogEvent::Members,
                    agreement: None,
                    objects: Vec::new(),
                    reason: None,
                    note: None,
                    members,
                    archive: None,
                })
            }),
            Some(signer),
        )?;
        // The index has nothing to change for the members, but records having read the entry.
        self.index
            .apply(&[(&appended.entry, None)])
            .map_err(self.index_err())?;
        self.move_checkpoint(&appended, Some(signer))?;
        Ok(appended.entry)
    }

    /// Erases an agreement on request: every version's agreement file and its exemplars are
    /// removed from disk and from the index (a template another agreement also uses is
    /// kept), and a tombstone entry with the reason and the erased hashes is appended to the
    /// log, so the chain stays verifiable.
    pub fn delete(
        &mut self,
        id: &str,
        reason: &str,
        now: DateTime<FixedOffset>,
        signer: Option<&dyn Signer>,
    ) -> Result<Deleted, ArchiveError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
            return Err(ArchiveError::BadReason);
        }
        // Data is deleted only on an erasure signed by a key that may write the log: one that
        // the archive itself would act on when it reads the tombstone again.
        let Some(s) = signer else {
            return Err(ArchiveError::UnsignedErasure);
        };
        if !self
            .writers()
            .allows(&Fingerprint::of_raw_public_key(&s.public_key_bytes()))
        {
            return Err(ArchiveError::UnsignedErasure);
        }
        let id = self.resolve_id(id)?;
        let _lock = lock(&self.dir)?;
        let mut erased = Vec::new();
        let mut kept = Vec::new();
        for o in self.index.objects(id.as_str()).map_err(self.index_err())? {
            let holders = self.index.holders(&o.sha256).map_err(self.index_err())?;
            if holders.iter().any(|(other, _)| *other != id) {
                kept.push(o.sha256);
            } else if !erased.iter().any(|e: &LoggedObject| e.sha256 == o.sha256) {
                erased.push(LoggedObject {
                    sha256: o.sha256,
                    kind: o.kind,
                    number: o.number,
                    name: o.name,
                });
            }
        }
        // The tombstone first: if the process dies before the files are gone, `verify`
        // finishes the erasure.
        let appended = self.append(
            Make::Entry(
                NewEntry {
                    time: time_str(now),
                    event: LogEvent::Deleted,
                    agreement: Some(id.clone()),
                    objects: erased.clone(),
                    reason: Some(reason.to_string()),
                    note: None,
                    members: Vec::new(),
                    archive: None,
                },
                IndexChange::Erased,
            ),
            signer,
        )?;
        let entry = &appended.entry;
        for o in &erased {
            self.store
                .remove(&o.sha256)
                .map_err(io_at(&self.store.place_of(&o.sha256)))?;
        }
        self.index
            .apply(&[(entry, None)])
            .map_err(self.index_err())?;
        self.move_checkpoint(&appended, signer)?;
        Ok(Deleted {
            id: id.into_string(),
            objects: erased,
            kept,
            seq: entry.seq,
        })
    }

    /// Tells what a file is to this archive: a stored exemplar or agreement file, the same
    /// agreement in other bytes, another version of an archived agreement, an exemplar that
    /// matches none stored (changed), or unknown.
    pub fn lookup(&self, bytes: &[u8]) -> Result<Lookup, ArchiveError> {
        let sha = Sha256Hex::of(bytes);
        let holders = self.index.holders(&sha).map_err(self.index_err())?;
        for (id, o) in &holders {
            let Some(summary) = self.index.get(id.as_str()).map_err(self.index_err())? else {
                continue;
            };
            match o.kind {
                ObjectKind::Exemplar => {
                    // Exemplars 1 and 2, however many versions stored them.
                    let mut numbers: Vec<u32> = self
                        .index
                        .objects(id.as_str())
                        .map_err(self.index_err())?
                        .iter()
                        .filter(|x| x.kind == ObjectKind::Exemplar)
                        .filter_map(|x| x.number)
                        .collect();
                    numbers.sort_unstable();
                    numbers.dedup();
                    let of = numbers.len() as u32;
                    return Ok(Lookup::Exemplar {
                        agreement: Box::new(summary),
                        number: o.number.unwrap_or(0),
                        of,
                        archived: o.added.clone(),
                    });
                }
                ObjectKind::Agreement => {
                    return Ok(Lookup::AgreementFile {
                        current: sha == summary.object,
                        agreement: Box::new(summary),
                        archived: o.added.clone(),
                    });
                }
                ObjectKind::Template => {}
            }
        }
        let Ok(agreement) = read_any_agreement(bytes) else {
            return Ok(Lookup::Unknown);
        };
        let is_pdf = bytes.starts_with(b"%PDF");
        let audit = agreement.audit();
        let head = audit.last().map(|e| e.hash.clone()).unwrap_or_default();
        let content = without_timestamps(&agreement);
        // The same version, or a later one.
        if let Some(summary) = self
            .index
            .containing(&head)
            .map_err(self.index_err())?
            .into_iter()
            .next()
        {
            let versions = self.index.objects(&summary.id).map_err(self.index_err())?;
            for v in versions.iter().filter(|v| v.kind == ObjectKind::Agreement) {
                let Ok(stored) = self.load_agreement(&v.sha256) else {
                    continue;
                };
                // A copy with more or fewer trusted timestamps is the same agreement.
                if without_timestamps(&stored) == content {
                    let has_exemplars = versions.iter().any(|v| v.kind == ObjectKind::Exemplar);
                    let agreement = Box::new(summary);
                    return Ok(if is_pdf && has_exemplars {
                        Lookup::DiffersFromExemplars { agreement }
                    } else {
                        Lookup::SameContent { agreement }
                    });
                }
            }
            return Ok(Lookup::OtherVersion {
                agreement: Box::new(summary),
            });
        }
        // An earlier one: its head is in this file's trail.
        for e in audit.iter().rev() {
            let held = self.index.containing(&e.hash).map_err(self.index_err())?;
            if let Some(summary) = held.into_iter().find(|c| c.head == e.hash) {
                return Ok(Lookup::OtherVersion {
                    agreement: Box::new(summary),
                });
            }
        }
        // The same customer's agreement that went another way from a common entry (say, the
        // customer countersigned one signed PDF twice, with different values). A signed PDF
        // countersigned by another customer is another agreement, not another version.
        let customer = agreement
            .template()
            .party(Party::Customer)
            .enterprise_number
            .as_ref()
            .and_then(|d| agreement.detail(d));
        if let Some(customer) = customer {
            for e in audit.iter().rev() {
                let held = self.index.containing(&e.hash).map_err(self.index_err())?;
                if let Some(summary) = held.into_iter().find(|c| {
                    // The same number, whichever form each version stored it in.
                    let normal = |n: &str| Kind::EnterpriseNumber.normalize(n).ok();
                    c.customer_enterprise_number.as_deref().and_then(normal) == normal(&customer)
                }) {
                    return Ok(Lookup::OtherVersion {
                        agreement: Box::new(summary),
                    });
                }
            }
        }
        Ok(Lookup::Unknown)
    }

    /// Rebuilds the index from the objects and the log alone: from the entries whose
    /// signature holds, by any key (see [`Archive::rebuild_index_trusted`]).
    pub fn rebuild_index(dir: &Path) -> Result<Rebuilt, ArchiveError> {
        Archive::rebuild_with(dir, None)
    }

    /// Rebuilds the index from the objects and the entries of the log signed by one of
    /// `trust.own_keys`: every other entry is reported as a problem and not acted on.
    pub fn rebuild_index_trusted(dir: &Path, trust: &Trust) -> Result<Rebuilt, ArchiveError> {
        Archive::rebuild_with(dir, Some(trust.own_keys.clone()))
    }

    fn rebuild_with(
        dir: &Path,
        writers: Option<Vec<Fingerprint>>,
    ) -> Result<Rebuilt, ArchiveError> {
        let p = paths(dir);
        create_private_dir(dir).map_err(io_at(dir))?;
        let _lock = lock(dir)?;
        for suffix in ["", "-wal", "-shm"] {
            let f = PathBuf::from(format!("{}{suffix}", p.index.display()));
            match fs::remove_file(&f) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_at(&f)(e)),
            }
        }
        let index = Index::open(&p.index, true).map_err(|source| ArchiveError::Index {
            path: p.index.clone(),
            source,
        })?;
        let mut archive = Archive {
            dir: dir.to_path_buf(),
            store: Box::new(Store::new(p.objects)),
            log: Box::new(Log::new(p.log)),
            index,
            checkpoint: None,
            writers,
            members: None,
        };
        let read = archive.log.read_all().map_err(io_at(archive.log.place()))?;
        let mut problems = Vec::new();
        let mut entries = 0;
        // Which entries are acted on: in their place in an unbroken chain, and authenticated.
        let mut prev: Option<Sha256Hex> = None;
        let mut chained = true;
        let mut authentic = Vec::with_capacity(read.lines.len());
        for (i, line) in read.lines.iter().enumerate() {
            let Ok(e) = &line.entry else {
                chained = false;
                authentic.push(false);
                continue;
            };
            chained &= e.seq == i as u64 && e.prev == prev;
            prev = Some(e.hash.clone());
            authentic.push(chained && archive.authentic(e));
        }
        let acted: Vec<LogEntry> = read
            .lines
            .iter()
            .zip(&authentic)
            .filter(|(_, a)| **a)
            .filter_map(|(l, _)| l.entry.as_ref().ok().cloned())
            .collect();
        let erased = erased_later(&acted);
        for (line, &authentic) in read.lines.iter().zip(&authentic) {
            let entry = match &line.entry {
                Ok(e) => e,
                Err(e) => {
                    problems.push(format!("log line {}: {e}", line.number));
                    continue;
                }
            };
            entries += 1;
            if !authentic {
                problems.push(format!(
                    "log entry {} ({} {}) is not authenticated (unsigned, signed by a key that may not write, altered, or out of the chain): not acted on",
                    entry.seq,
                    entry.event.as_str(),
                    entry.agreement.as_ref().map_or("", |a| a.as_str())
                ));
                archive
                    .index
                    .apply(&[(&skip_entry(entry), None)])
                    .map_err(archive.index_err())?;
                continue;
            }
            if is_erased_later(entry, &erased) {
                // Its agreement was erased further on: its objects are gone, and it ends up
                // in no row.
                archive
                    .index
                    .apply(&[(&skip_entry(entry), None)])
                    .map_err(archive.index_err())?;
                continue;
            }
            let derived = match archive.derive_entry(entry) {
                Ok(d) => d,
                Err(e) => {
                    problems.push(format!(
                        "log entry {} ({} {}): {e}",
                        entry.seq,
                        entry.event.as_str(),
                        entry.agreement.as_ref().map_or("", |a| a.as_str())
                    ));
                    // Record having read the entry all the same.
                    archive
                        .index
                        .apply(&[(&skip_entry(entry), None)])
                        .map_err(archive.index_err())?;
                    continue;
                }
            };
            archive
                .index
                .apply(&[(entry, derived.as_ref())])
                .map_err(archive.index_err())?;
        }
        let agreements = archive.index.all_ids().map_err(archive.index_err())?.len();
        Ok(Rebuilt {
            entries,
            agreements,
            problems,
        })
    }
}

/// How many times a rebuild of a team archive's index tries to replace it while other
/// members keep appending.
#[cfg(feature = "team")]
const REBUILD_TRIES: u32 = 20;

/// What [`Archive::push_into`] copied.
#[cfg(feature = "team")]
#[derive(Debug, Clone, Default, Serialize)]
pub struct Pushed {
    /// Agreement versions the team archive did not hold and now does (new agreements, and
    /// later versions of agreements it held).
    pub copied: Vec<Added>,
    /// Agreement versions it held already (or a later version of): nothing written.
    pub already: usize,
    /// Agreements erased in the team archive, as they were in the local one (tombstones).
    pub erased: Vec<String>,
    /// Agreement versions not copied because the local archive erased them later.
    pub skipped_erased: usize,
}

#[cfg(feature = "team")]
impl Archive {
    /// The first entry of the log, whatever signed it (to tell a member who began a team
    /// archive, for it to compare and pin).
    #[doc(hidden)]
    pub fn first_entry(&self) -> Result<Option<LogEntry>, ArchiveError> {
        let read = self.log.read_all().map_err(io_at(self.log.place()))?;
        Ok(read.lines.into_iter().next().and_then(|l| l.entry.ok()))
    }

    /// Makes a team archive's index (the member's cache in `cache`) again from the log and
    /// the objects: the index is removed, then made and caught up as on a first opening.
    #[doc(hidden)]
    pub fn rebuild_team_index(
        cache: &Path,
        team: &TeamConnection,
        trust: &Trust,
    ) -> Result<Rebuilt, ArchiveError> {
        let p = paths(cache);
        check_index_files(&p.index)?;
        {
            let _lock = lock(cache)?;
            for suffix in ["", "-wal", "-shm"] {
                let f = PathBuf::from(format!("{}{suffix}", p.index.display()));
                match fs::remove_file(&f) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_at(&f)(e)),
                }
            }
        }
        let mut archive = Archive::open_team(cache, team, trust)?;
        // The index in the database, made again from the member's, which was just made from
        // the log and the objects: replaced at once, if no entry was appended since (else
        // the member's catches up, and it is tried again).
        let mut tries = 0;
        loop {
            let (seq, head) = archive.index.log_position().map_err(archive.index_err())?;
            let rows = archive.shared_rows()?;
            let shared = archive
                .log
                .shared_index()
                .expect("a team archive's log keeps its index");
            if shared
                .replace_all(&rows, head.as_ref())
                .map_err(io_at(archive.log.place()))?
            {
                return Ok(Rebuilt {
                    entries: seq,
                    agreements: rows.len(),
                    problems: Vec::new(),
                });
            }
            tries += 1;
            if tries >= REBUILD_TRIES {
                return Err(io_at(archive.log.place())(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("entries kept being appended while its index was made again ({REBUILD_TRIES} times): try again"),
                )));
            }
            let _lock = lock(cache)?;
            archive.catch_up()?;
        }
    }

    /// Every agreement's rows as the member's index holds them, for the index in the
    /// database.
    fn shared_rows(&self) -> Result<Vec<backend::SharedRows>, ArchiveError> {
        let rows = self.index.rows_by_agreement().map_err(self.index_err())?;
        let texts = self.index.search_texts().map_err(self.index_err())?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, held) in rows {
            let (Some(summary), Some((parties, text))) = (held.summary, texts.get(id.as_str()))
            else {
                continue;
            };
            out.push(
                backend::SharedRows::of(&summary, &held.signatures, parties, text)
                    .map_err(io_at(&paths(&self.dir).index))?,
            );
        }
        Ok(out)
    }

    /// Copies this (local) archive into `team`, entry by entry in the order of its log: each
    /// agreement version its log added, as `team.add` stores it (its agreement file and
    /// template, and its exemplars made again and sealed by `signer` when it is one of the
    /// agreement's signers), and each erasure as an erasure of the same agreement there,
    /// with its reason. Only the entries this archive acts on are copied (signed by the
    /// profile's keys, in an unbroken chain); a version erased later is not copied. Running
    /// it again copies nothing: what the team archive holds is found there
    /// ([`AddOutcome::AlreadyArchived`]), and an agreement it does not hold is not erased.
    pub fn push_into(
        &self,
        team: &mut Archive,
        now: DateTime<FixedOffset>,
        signer: &dyn Signer,
    ) -> Result<Pushed, ArchiveError> {
        let read = self.log.read_all().map_err(io_at(self.log.place()))?;
        let chain = checkpoint::Chain::check(read);
        if let Some(problem) = chain.broken {
            return Err(ArchiveError::LogBroken {
                path: self.log.place().to_path_buf(),
                problem,
            });
        }
        let acted: Vec<LogEntry> = chain
            .entries
            .into_iter()
            .filter(|e| self.authentic(e))
            .collect();
        let erased = erased_later(&acted);
        let mut pushed = Pushed::default();
        for entry in &acted {
            match entry.event {
                LogEvent::Added => {
                    if is_erased_later(entry, &erased) {
                        pushed.skipped_erased += 1;
                        continue;
                    }
                    let Some(file) = entry
                        .objects
                        .iter()
                        .find(|o| o.kind == ObjectKind::Agreement)
                    else {
                        continue;
                    };
                    let bytes = self.object(&file.sha256)?;
                    let added = team.add(&bytes, now, Some(signer))?;
                    match added.outcome {
                        AddOutcome::New | AddOutcome::Updated { .. } => pushed.copied.push(added),
                        _ => pushed.already += 1,
                    }
                }
                LogEvent::Deleted => {
                    let Some(id) = &entry.agreement else {
                        continue;
                    };
                    match team.resolve_id(id.as_str()) {
                        Ok(_) => {}
                        Err(ArchiveError::NotFound(_)) => continue,
                        Err(e) => return Err(e),
                    }
                    let reason = entry
                        .reason
                        .as_deref()
                        .unwrap_or("erased in the local archive");
                    let done = team.delete(id.as_str(), reason, now, Some(signer))?;
                    pushed.erased.push(done.id);
                }
                _ => {}
            }
        }
        Ok(pushed)
    }
}

/// For each agreement, the position of the last tombstone that erased it.
fn erased_later(entries: &[LogEntry]) -> std::collections::HashMap<AgreementId, u64> {
    entries
        .iter()
        .filter(|e| e.event == LogEvent::Deleted)
        .filter_map(|e| e.agreement.clone().map(|id| (id, e.seq)))
        .collect()
}

/// Whether an `added` entry's agreement is erased by a later tombstone.
fn is_erased_later(entry: &LogEntry, erased: &std::collections::HashMap<AgreementId, u64>) -> bool {
    entry.event == LogEvent::Added
        && entry
            .agreement
            .as_ref()
            .and_then(|id| erased.get(id))
            .is_some_and(|&at| at > entry.seq)
}

/// An entry that the index reads without changing anything (for an `added` entry whose
/// agreement cannot be read).
fn skip_entry(entry: &LogEntry) -> LogEntry {
    LogEntry {
        event: LogEvent::Verified,
        agreement: None,
        ..entry.clone()
    }
}

/// What a file is to the archive in `dir`; [`Lookup::NoArchive`] if there is none (nothing
/// is created). The index is read as it stands: a lookup does not know which keys may write
/// the log, so it acts on no entry the index has not read.
pub fn lookup(dir: &Path, bytes: &[u8]) -> Result<Lookup, ArchiveError> {
    let p = paths(dir);
    if !p.index.is_file() && !p.log.is_file() {
        return Ok(Lookup::NoArchive);
    }
    Archive::open_with(dir, None, false)?.lookup(bytes)
}

/// The id an agreement gets when it is first archived: `H("tweevoud-archive-id/1",
/// {"first_signature": record hash})` for a signed agreement, `H(.., {"created": hash of
/// the first audit entry})` for an unsigned one. Every later version of the agreement keeps
/// the id it was archived under.
pub fn agreement_id(agreement: &Agreement) -> String {
    let value = match agreement.signatures().first() {
        Some(first) => serde_json::json!({ "first_signature": first.record_hash() }),
        None => serde_json::json!({
            "created": agreement.audit().first().map(|e| e.hash.clone()).unwrap_or_default()
        }),
    };
    hex::encode(tagged_hash(ID_TAG, &value))
}

fn customer_of(agreement: &Agreement) -> Option<String> {
    agreement.detail(&agreement.template().party(Party::Customer).name)
}

/// What the index holds about an agreement's current version.
pub(crate) fn derive(agreement: &Agreement, v: &Verification, object: &str) -> Derived {
    let template = agreement.template();
    let detail = |d: &Option<crate::template::Detail>| d.as_ref().and_then(|d| agreement.detail(d));
    let provider = template.party(Party::Provider);
    let customer = template.party(Party::Customer);
    let mut parties = Vec::new();
    for party in PARTIES {
        let d = template.party(party);
        parties.extend(agreement.detail(&d.name));
        parties.push(d.designation.clone());
        parties.extend(detail(&d.address).map(|a| a.replace('\n', ", ")));
        parties.extend(detail(&d.enterprise_number));
        parties.extend(agreement.detail(&d.signatory_name));
        parties.extend(agreement.detail(&d.signatory_function));
    }
    for s in agreement.signatures() {
        let st = &s.statement;
        parties.push(format!(
            "{} {} {}",
            st.signer.name, st.signer.function, st.signer.organisation
        ));
    }
    let audit = agreement.audit();
    Derived {
        summary: Summary {
            id: String::new(),
            status: v.status,
            awaiting: v.awaiting,
            template: template.id().to_string(),
            template_sha256: template.sha256_hex(),
            title: template.title().to_string(),
            provider: agreement.detail(&provider.name),
            provider_enterprise_number: detail(&provider.enterprise_number),
            customer: agreement.detail(&customer.name),
            customer_enterprise_number: detail(&customer.enterprise_number),
            created: audit.first().map(|e| e.time.clone()).unwrap_or_default(),
            signed: agreement
                .signatures()
                .last()
                .map(|s| s.statement.time.clone()),
            archived: String::new(),
            updated: String::new(),
            object: object.to_string(),
            root: audit.first().map(|e| e.hash.clone()).unwrap_or_default(),
            head: audit.last().map(|e| e.hash.clone()).unwrap_or_default(),
            text_sha256: v.text_sha256.clone(),
        },
        signatures: v
            .signatures
            .iter()
            .map(|c| SignatureRow {
                index: c.index as u32,
                role: c.role,
                name: c.name.clone(),
                function: c.function.clone(),
                organisation: c.organisation.clone(),
                fingerprint: c.fingerprint.clone(),
                time: c.time.clone(),
            })
            .collect(),
        trail: audit.iter().map(|e| e.hash.clone()).collect(),
        parties: parties.join("\n"),
        text: agreement.render_text(),
    }
}

/// Longest file name an export writes, in bytes: with the temporary name it is written
/// through (`.<name>.tmp-<pid>`), well within the 255 bytes file systems allow.
pub const MAX_FILE_NAME_BYTES: usize = 200;

/// Longest part of an export's file name taken from the customer's name, in bytes.
const MAX_STEM_WHO_BYTES: usize = 120;

/// A file name for an export: the customer's name in plain letters (cut at a character
/// boundary to at most [`MAX_STEM_WHO_BYTES`] bytes) and the id's start.
fn file_stem(s: &Summary) -> String {
    let who: String = s
        .customer
        .as_deref()
        .unwrap_or(&s.template)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let who: Vec<&str> = who.split('-').filter(|w| !w.is_empty()).collect();
    let who = cut_at_char(&who.join("-"), MAX_STEM_WHO_BYTES)
        .trim_end_matches('-')
        .to_string();
    let id = s.id.get(..12).unwrap_or(&s.id);
    if who.is_empty() {
        id.to_string()
    } else {
        format!("{who}-{id}")
    }
}

/// The longest start of `s` of at most `max` bytes that ends at a character boundary.
fn cut_at_char(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The file name the archive gives exemplar `number` of an agreement whose export stem is
/// `stem`: always `.pdf`, whatever a log line or a file says.
fn exemplar_file_name(stem: &str, number: u32) -> String {
    format!("{stem}-{number}.pdf")
}

/// The id of an index row, checked (the index reader already refuses a row whose id is not
/// 64 hex digits).
fn id_of(s: &Summary) -> Result<AgreementId, ArchiveError> {
    AgreementId::parse(&s.id).map_err(|e| ArchiveError::BadId(e.0))
}

/// The current agreement file of an index row, checked.
fn object_of(s: &Summary) -> Result<Sha256Hex, ArchiveError> {
    Sha256Hex::parse(&s.object).map_err(|e| ArchiveError::BadObject {
        sha256: e.0,
        problem: "not a SHA-256 (the index is damaged)".into(),
    })
}
