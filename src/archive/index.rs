//! The archive's index: an SQLite database for listing and searching, rebuilt at any time
//! from the objects and the log.
//!
//! The index is a cache. Every row comes from a log entry and the objects it names, and the
//! `meta` table records how far into the log the index has read (`log_seq`, `log_head`), in
//! the same transaction as the rows: an index that a crash left behind the log is brought up
//! to date by reading the entries it has not seen. The schema is in `docs/format.md`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::id::{AgreementId, Sha256Hex};
use super::log::{LogEntry, LogEvent, ObjectKind};
use crate::error::{param, Coded, Params};
use crate::party::Party;
use crate::verify::Status;

/// The version of the index's schema; an index of another version is rebuilt.
pub(crate) const SCHEMA_VERSION: &str = "2";

/// Longest text a row of the index may hold in one column, in bytes (names, titles,
/// addresses: a few hundred bytes at most). A longer value is refused when read, before it is
/// copied out of SQLite.
pub const MAX_INDEX_FIELD_BYTES: usize = 64 << 10;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS agreements (
    id                         TEXT PRIMARY KEY,
    root                       TEXT NOT NULL,
    head                       TEXT NOT NULL,
    object                     TEXT NOT NULL,
    template                   TEXT NOT NULL,
    template_sha256            TEXT NOT NULL,
    title                      TEXT NOT NULL,
    status                     TEXT NOT NULL,
    awaiting                   TEXT,
    provider                   TEXT,
    provider_enterprise_number TEXT,
    customer                   TEXT,
    customer_enterprise_number TEXT,
    created                    TEXT NOT NULL,
    signed                     TEXT,
    archived                   TEXT NOT NULL,
    updated                    TEXT NOT NULL,
    text_sha256                TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS agreements_root ON agreements (root);
CREATE INDEX IF NOT EXISTS agreements_provider_number ON agreements (provider_enterprise_number);
CREATE INDEX IF NOT EXISTS agreements_customer_number ON agreements (customer_enterprise_number);
CREATE TABLE IF NOT EXISTS signatures (
    agreement    TEXT NOT NULL,
    idx          INTEGER NOT NULL,
    role         TEXT NOT NULL,
    name         TEXT NOT NULL,
    function     TEXT NOT NULL,
    organisation TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    time         TEXT NOT NULL,
    PRIMARY KEY (agreement, idx)
);
CREATE INDEX IF NOT EXISTS signatures_fingerprint ON signatures (fingerprint);
CREATE TABLE IF NOT EXISTS trail (
    agreement TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (agreement, seq)
);
CREATE INDEX IF NOT EXISTS trail_hash ON trail (hash);
CREATE TABLE IF NOT EXISTS objects (
    sha256    TEXT NOT NULL,
    agreement TEXT NOT NULL,
    kind      TEXT NOT NULL,
    number    INTEGER,
    name      TEXT,
    seq       INTEGER NOT NULL,
    added     TEXT NOT NULL,
    PRIMARY KEY (sha256, agreement)
);
CREATE INDEX IF NOT EXISTS objects_agreement ON objects (agreement);
CREATE VIEW IF NOT EXISTS exemplars AS
    SELECT agreement, number, name, sha256, added FROM objects WHERE kind = 'exemplar';
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (
    agreement UNINDEXED,
    parties,
    text,
    tokenize = 'unicode61 remove_diacritics 2'
);
";

/// One archived agreement, as the index lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The agreement's archive id (see `docs/format.md`, "The archive").
    pub id: String,
    /// The verdict on its current version.
    pub status: Status,
    /// Who must still sign, when awaiting.
    pub awaiting: Option<Party>,
    /// The template's id.
    pub template: String,
    /// SHA-256 of the template's canonical text.
    pub template_sha256: String,
    /// The template's title.
    pub title: String,
    /// The provider's name, if known.
    pub provider: Option<String>,
    /// The provider's enterprise number, if known.
    pub provider_enterprise_number: Option<String>,
    /// The customer's name, if filled in.
    pub customer: Option<String>,
    /// The customer's enterprise number, if filled in.
    pub customer_enterprise_number: Option<String>,
    /// When the agreement was created (its first audit entry).
    pub created: String,
    /// When it was last signed, if it was.
    pub signed: Option<String>,
    /// When this archive first stored it.
    pub archived: String,
    /// When this archive stored its current version.
    pub updated: String,
    /// SHA-256 of the current version's agreement file (an object).
    pub object: String,
    /// The hash of the first audit entry, which every version shares.
    pub root: String,
    /// The hash of the current version's last audit entry.
    pub head: String,
    /// SHA-256 of the current version's canonical text.
    pub text_sha256: String,
}

/// A signature, as the index lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureRow {
    /// Position, from 0.
    pub index: u32,
    /// The party signed for.
    pub role: Party,
    /// The signatory.
    pub name: String,
    /// The signatory's function.
    pub function: String,
    /// The organisation.
    pub organisation: String,
    /// SHA-256 of the public key, hex.
    pub fingerprint: String,
    /// When, as signed.
    pub time: String,
}

/// An object of an agreement, as the index lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectRow {
    /// SHA-256 of its bytes.
    pub sha256: Sha256Hex,
    /// What it is.
    pub kind: ObjectKind,
    /// For an exemplar: its number.
    pub number: Option<u32>,
    /// For an exemplar: its file name.
    pub name: Option<String>,
    /// The log entry that stored it.
    pub seq: u64,
    /// When.
    pub added: String,
}

/// What the index holds about one agreement, as [`Index::rows_by_agreement`] reads it.
#[derive(Debug, Default)]
pub(crate) struct AgreementRows {
    /// Its row in `agreements`, if it has one.
    pub summary: Option<Summary>,
    /// The hashes of its audit entries, in order.
    pub trail: Vec<String>,
    /// Its signatures, in order.
    pub signatures: Vec<SignatureRow>,
    /// Its objects, by log entry, kind and number.
    pub objects: Vec<ObjectRow>,
}

/// Everything the index holds about one agreement, derived from its current version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Derived {
    pub summary: Summary,
    pub signatures: Vec<SignatureRow>,
    /// The hashes of the current version's audit entries, in order.
    pub trail: Vec<String>,
    pub parties: String,
    pub text: String,
}

pub(crate) struct Index {
    conn: Connection,
}

pub(crate) fn status_str(s: Status) -> &'static str {
    match s {
        Status::Complete => "complete",
        Status::AwaitingCountersignature => "awaiting_countersignature",
        Status::Unsigned => "unsigned",
        Status::Invalid => "invalid",
    }
}

fn parse_status(s: &str) -> Status {
    match s {
        "complete" => Status::Complete,
        "awaiting_countersignature" => Status::AwaitingCountersignature,
        "unsigned" => Status::Unsigned,
        _ => Status::Invalid,
    }
}

fn parse_kind(s: &str) -> ObjectKind {
    match s {
        "agreement" => ObjectKind::Agreement,
        "template" => ObjectKind::Template,
        _ => ObjectKind::Exemplar,
    }
}

fn parse_party(s: &str) -> Party {
    s.parse().unwrap_or(Party::Provider)
}

pub(crate) const SUMMARY_COLUMNS: &str =
    "id, status, awaiting, template, template_sha256, title, provider,
    provider_enterprise_number, customer, customer_enterprise_number, created, signed, archived,
    updated, object, root, head, text_sha256";

/// The texts of a summary's columns, in the order of [`SUMMARY_COLUMNS`], as an index stores
/// them (`None` for NULL): what a team archive's index writes and what its verification
/// expects.
pub(crate) fn summary_texts(s: &Summary) -> Vec<Option<String>> {
    let some = |t: &str| Some(t.to_string());
    vec![
        some(&s.id),
        some(status_str(s.status)),
        s.awaiting.map(|p| p.as_str().to_string()),
        some(&s.template),
        some(&s.template_sha256),
        some(&s.title),
        s.provider.clone(),
        s.provider_enterprise_number.clone(),
        s.customer.clone(),
        s.customer_enterprise_number.clone(),
        some(&s.created),
        s.signed.clone(),
        some(&s.archived),
        some(&s.updated),
        some(&s.object),
        some(&s.root),
        some(&s.head),
        some(&s.text_sha256),
    ]
}

/// The texts of a signature's columns, in the order of [`SIGNATURE_COLUMNS`] (its position
/// in decimal).
pub(crate) fn signature_texts(s: &SignatureRow) -> Vec<String> {
    vec![
        s.index.to_string(),
        s.role.as_str().to_string(),
        s.name.clone(),
        s.function.clone(),
        s.organisation.clone(),
        s.fingerprint.clone(),
        s.time.clone(),
    ]
}

/// A text column of at most [`MAX_INDEX_FIELD_BYTES`]; `None` for NULL.
fn text_opt(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<String>> {
    let value = row.get_ref(at)?;
    if value == rusqlite::types::ValueRef::Null {
        return Ok(None);
    }
    let s = value.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(at, value.data_type(), Box::new(e))
    })?;
    if s.len() > MAX_INDEX_FIELD_BYTES {
        return Err(rusqlite::Error::FromSqlConversionFailure(
            at,
            rusqlite::types::Type::Text,
            format!(
                "a value of {} bytes, more than an index row holds ({MAX_INDEX_FIELD_BYTES})",
                s.len()
            )
            .into(),
        ));
    }
    Ok(Some(s.to_string()))
}

/// A text column of at most [`MAX_INDEX_FIELD_BYTES`], not NULL.
fn text(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<String> {
    text_opt(row, at)?.ok_or(rusqlite::Error::InvalidColumnType(
        at,
        String::new(),
        rusqlite::types::Type::Null,
    ))
}

/// A column that must hold 64 lower-case hex digits.
fn hex64(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<String> {
    Ok(row.get::<_, Sha256Hex>(at)?.into_string())
}

fn summary_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<Summary> {
    let mut cols: Vec<Option<&str>> = Vec::with_capacity(SUMMARY_COLUMN_COUNT);
    for at in 0..SUMMARY_COLUMN_COUNT {
        let value = row.get_ref(at)?;
        cols.push(match value {
            rusqlite::types::ValueRef::Null => None,
            v => Some(v.as_str().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(at, v.data_type(), Box::new(e))
            })?),
        });
    }
    parse_index_row(&cols).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// How many columns a row of `agreements` has.
const SUMMARY_COLUMN_COUNT: usize = 18;

/// A row of the index that cannot be what Tweevoud wrote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a row of the index is not valid: {0}")]
pub struct IndexRowError(pub String);

impl Coded for IndexRowError {
    fn code(&self) -> &'static str {
        "index_row_invalid"
    }

    fn params(&self) -> Params {
        vec![param("detail", &self.0)]
    }
}

/// Parses a row of the index's `agreements` table, given as the texts of its columns in the
/// order of the schema's select (`id, status, awaiting, template, template_sha256, title,
/// provider, provider_enterprise_number, customer, customer_enterprise_number, created,
/// signed, archived, updated, object, root, head, text_sha256`; `None` for NULL). Ids and
/// hashes must be 64 lower-case hex digits and no column may be longer than
/// [`MAX_INDEX_FIELD_BYTES`]. Never panics, whatever it is given. Exposed for fuzzing.
#[doc(hidden)]
pub fn parse_index_row(cols: &[Option<&str>]) -> Result<Summary, IndexRowError> {
    if cols.len() != SUMMARY_COLUMN_COUNT {
        return Err(IndexRowError(format!(
            "{} columns, not {SUMMARY_COLUMN_COUNT}",
            cols.len()
        )));
    }
    for (i, c) in cols.iter().enumerate() {
        if c.is_some_and(|c| c.len() > MAX_INDEX_FIELD_BYTES) {
            return Err(IndexRowError(format!(
                "column {i} holds more than {MAX_INDEX_FIELD_BYTES} bytes"
            )));
        }
    }
    let opt = |i: usize| cols.get(i).copied().flatten().map(str::to_string);
    let req = |i: usize| opt(i).ok_or_else(|| IndexRowError(format!("column {i} is empty")));
    let hex = |i: usize| -> Result<String, IndexRowError> {
        Ok(Sha256Hex::parse(&req(i)?)
            .map_err(|e| IndexRowError(format!("column {i}: {e}")))?
            .into_string())
    };
    let id = AgreementId::parse(&req(0)?)
        .map_err(|e| IndexRowError(format!("its id: {e}")))?
        .into_string();
    Ok(Summary {
        id,
        status: parse_status(&req(1)?),
        awaiting: opt(2).map(|p| parse_party(&p)),
        template: req(3)?,
        template_sha256: hex(4)?,
        title: req(5)?,
        provider: opt(6),
        provider_enterprise_number: opt(7),
        customer: opt(8),
        customer_enterprise_number: opt(9),
        created: req(10)?,
        signed: opt(11),
        archived: req(12)?,
        updated: req(13)?,
        object: hex(14)?,
        root: req(15)?,
        head: req(16)?,
        text_sha256: hex(17)?,
    })
}

/// The SHA-256 of an FTS row's (parties, text), each preceded by its length, so that a row
/// can be compared with what the agreement file gives without holding every text.
pub(crate) fn search_digest(parties: &str, text: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [parties, text] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

impl Index {
    /// Opens the index; creates it (and its tables) only when `create` is set.
    pub(crate) fn open(path: &Path, create: bool) -> rusqlite::Result<Index> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Room for every statement the index runs, each compiled once (`prepare_cached`).
        conn.set_prepared_statement_cache_capacity(64);
        let index = Index { conn };
        // An index that already says it has this schema is not asked to create it again
        // (running the schema's statements is most of the cost of opening the archive).
        let current = || index.meta("schema").ok().flatten().as_deref() == Some(SCHEMA_VERSION);
        if create && !current() {
            index.conn.execute_batch(SCHEMA)?;
            index.conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?1)",
                [SCHEMA_VERSION],
            )?;
        }
        Ok(index)
    }

    pub(crate) fn meta(&self, key: &str) -> rusqlite::Result<Option<String>> {
        self.conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()
    }

    /// How far into the log the index has read: the number of entries and the last hash.
    pub(crate) fn log_position(&self) -> rusqlite::Result<(u64, Option<Sha256Hex>)> {
        let seq = self
            .meta("log_seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let head = match self.meta("log_head")? {
            Some(h) => Some(Sha256Hex::parse(&h).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
            })?),
            None => None,
        };
        Ok((seq, head))
    }

    /// Applies log entries (with, for each `added` entry, what its agreement object gives)
    /// in one transaction.
    pub(crate) fn apply(
        &mut self,
        entries: &[(&LogEntry, Option<&Derived>)],
    ) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        for (entry, derived) in entries {
            apply_one(&tx, entry, *derived)?;
        }
        tx.commit()
    }

    pub(crate) fn get(&self, id: &str) -> rusqlite::Result<Option<Summary>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM agreements WHERE id = ?1"
            ))?
            .query_row([id], summary_of)
            .optional()
    }

    /// Ids that start with `prefix` (at most 10).
    pub(crate) fn ids_starting(&self, prefix: &str) -> rusqlite::Result<Vec<AgreementId>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id FROM agreements WHERE id >= ?1 AND id < ?1 || 'g' ORDER BY id LIMIT 10",
        )?;
        let ids = st.query_map([prefix], |r| r.get(0))?.collect();
        ids
    }

    /// Agreements whose current version's audit trail holds an entry with this hash: the
    /// version with that head, and every later one.
    pub(crate) fn containing(&self, audit_hash: &str) -> rusqlite::Result<Vec<Summary>> {
        self.summaries(
            "WHERE id IN (SELECT agreement FROM trail WHERE hash = ?1) ORDER BY archived, id",
            [audit_hash],
        )
    }

    pub(crate) fn list(&self, status: Option<Status>) -> rusqlite::Result<Vec<Summary>> {
        match status {
            Some(s) => self.summaries("WHERE status = ?1 ORDER BY updated, id", [status_str(s)]),
            None => self.summaries("ORDER BY updated, id", []),
        }
    }

    pub(crate) fn all_ids(&self) -> rusqlite::Result<Vec<AgreementId>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id FROM agreements ORDER BY id")?;
        let ids = st.query_map([], |r| r.get(0))?.collect();
        ids
    }

    /// Agreements either of whose parties has this enterprise number, in its normal form
    /// (`BE0821.588.020`) or the form earlier versions stored (`0821.588.020`): the `limit` most
    /// recently updated, oldest first.
    pub(crate) fn by_enterprise_number(
        &self,
        number: &str,
        limit: u32,
    ) -> rusqlite::Result<Vec<Summary>> {
        let earlier = number.strip_prefix("BE").unwrap_or(number);
        self.summaries(
            "WHERE id IN (SELECT id FROM agreements
                          WHERE provider_enterprise_number IN (?1, ?3)
                             OR customer_enterprise_number IN (?1, ?3)
                          ORDER BY updated DESC, id DESC LIMIT ?2)
             ORDER BY updated, id",
            params![number, limit, earlier],
        )
    }

    /// Agreements whose search row holds, for each of `terms` (made by
    /// [`super::words::terms`]), a word that begins with it, in either column: the `limit`
    /// most recently updated, oldest first.
    pub(crate) fn by_terms(&self, terms: &[String], limit: u32) -> rusqlite::Result<Vec<Summary>> {
        // Each term is one token, quoted: FTS5 reads it back as itself, a prefix.
        let fts_query: Vec<String> = terms
            .iter()
            .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
            .collect();
        self.summaries(
            "WHERE id IN (SELECT id FROM agreements
                          WHERE id IN (SELECT agreement FROM search WHERE search MATCH ?1)
                          ORDER BY updated DESC, id DESC LIMIT ?2)
             ORDER BY updated, id",
            params![fts_query.join(" "), limit],
        )
    }

    /// Agreements signed with a key whose fingerprint starts with `prefix` (hex): the `limit`
    /// most recently updated, oldest first.
    pub(crate) fn by_fingerprint(
        &self,
        prefix: &str,
        limit: u32,
    ) -> rusqlite::Result<Vec<Summary>> {
        self.summaries(
            "WHERE id IN (SELECT id FROM agreements WHERE id IN
                            (SELECT agreement FROM signatures
                             WHERE fingerprint >= ?1 AND fingerprint < ?1 || 'g')
                          ORDER BY updated DESC, id DESC LIMIT ?2)
             ORDER BY updated, id",
            params![prefix, limit],
        )
    }

    fn summaries<P: rusqlite::Params>(&self, clause: &str, p: P) -> rusqlite::Result<Vec<Summary>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM agreements {clause}"
        ))?;
        let rows = st.query_map(p, summary_of)?.collect();
        rows
    }

    pub(crate) fn signatures(&self, id: &str) -> rusqlite::Result<Vec<SignatureRow>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {SIGNATURE_COLUMNS} FROM signatures WHERE agreement = ?1 ORDER BY idx"
        ))?;
        let rows = st.query_map([id], |r| signature_of(r, 0))?.collect();
        rows
    }

    /// Every agreement's rows (its summary, audit trail, signatures and objects), read table
    /// by table in four passes: what `archive verify` compares with the agreement files,
    /// without a query per agreement.
    pub(crate) fn rows_by_agreement(
        &self,
    ) -> rusqlite::Result<BTreeMap<AgreementId, AgreementRows>> {
        let mut out: BTreeMap<AgreementId, AgreementRows> = BTreeMap::new();
        let mut st = self
            .conn
            .prepare(&format!("SELECT {SUMMARY_COLUMNS} FROM agreements"))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let summary = summary_of(r)?;
            let id: AgreementId = r.get(0)?;
            out.entry(id).or_default().summary = Some(summary);
        }
        let mut st = self
            .conn
            .prepare("SELECT agreement, hash FROM trail ORDER BY agreement, seq")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().trail.push(text(r, 1)?);
        }
        let mut st = self.conn.prepare(&format!(
            "SELECT agreement, {SIGNATURE_COLUMNS} FROM signatures ORDER BY agreement, idx"
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let row = signature_of(r, 1)?;
            out.entry(r.get(0)?).or_default().signatures.push(row);
        }
        let mut st = self.conn.prepare(
            "SELECT agreement, sha256, kind, number, name, seq, added FROM objects
             ORDER BY agreement, seq, kind, number",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let row = object_of(r, 1)?;
            out.entry(r.get(0)?).or_default().objects.push(row);
        }
        Ok(out)
    }

    pub(crate) fn objects(&self, id: &str) -> rusqlite::Result<Vec<ObjectRow>> {
        self.object_rows("WHERE agreement = ?1 ORDER BY seq, kind, number", [id])
    }

    /// The agreements that hold the object with this hash, with how they hold it.
    pub(crate) fn holders(
        &self,
        sha256: &Sha256Hex,
    ) -> rusqlite::Result<Vec<(AgreementId, ObjectRow)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT agreement, sha256, kind, number, name, seq, added FROM objects
             WHERE sha256 = ?1 ORDER BY seq",
        )?;
        let rows = st
            .query_map([sha256], |r| Ok((r.get(0)?, object_of(r, 1)?)))?
            .collect();
        rows
    }

    fn object_rows<P: rusqlite::Params>(
        &self,
        clause: &str,
        p: P,
    ) -> rusqlite::Result<Vec<ObjectRow>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT sha256, kind, number, name, seq, added FROM objects {clause}"
        ))?;
        let rows = st.query_map(p, |r| object_of(r, 0))?.collect();
        rows
    }

    /// Every FTS row, as [`search_digest`] of its (parties, text), by agreement: read in one
    /// pass. (`agreement` is an unindexed column of the FTS table, so looking up one
    /// agreement's row reads them all: doing that for each agreement made verifying an
    /// archive of 10,000 agreements take minutes.)
    /// (Keyed by the `agreement` column as it is: a row whose agreement is not an id is
    /// reported as one the log does not hold.)
    pub(crate) fn search_digests(&self) -> rusqlite::Result<BTreeMap<String, Vec<[u8; 32]>>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT agreement, parties, text FROM search")?;
        let mut rows = st.query([])?;
        let mut out: BTreeMap<String, Vec<[u8; 32]>> = BTreeMap::new();
        while let Some(r) = rows.next()? {
            let digest = search_digest(r.get_ref(1)?.as_str()?, r.get_ref(2)?.as_str()?);
            out.entry(text(r, 0)?).or_default().push(digest);
        }
        Ok(out)
    }

    /// Every FTS row's texts (parties, text), by agreement: what a team archive's index
    /// makes its terms of when it is made again from this one.
    #[cfg(feature = "team")]
    pub(crate) fn search_texts(&self) -> rusqlite::Result<BTreeMap<String, (String, String)>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT agreement, parties, text FROM search")?;
        let mut rows = st.query([])?;
        let mut out = BTreeMap::new();
        while let Some(r) = rows.next()? {
            out.insert(text(r, 0)?, (text(r, 1)?, text(r, 2)?));
        }
        Ok(out)
    }

    /// Whether SQLite finds the database sound.
    pub(crate) fn integrity(&self) -> rusqlite::Result<String> {
        self.conn
            .query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0))
    }
}

/// The columns [`signature_of`] reads, in its order.
pub(crate) const SIGNATURE_COLUMNS: &str =
    "idx, role, name, function, organisation, fingerprint, time";

fn signature_of(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<SignatureRow> {
    Ok(SignatureRow {
        index: r.get(at)?,
        role: parse_party(&text(r, at + 1)?),
        name: text(r, at + 2)?,
        function: text(r, at + 3)?,
        organisation: text(r, at + 4)?,
        fingerprint: hex64(r, at + 5)?,
        time: text(r, at + 6)?,
    })
}

fn object_of(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<ObjectRow> {
    Ok(ObjectRow {
        sha256: r.get(at)?,
        kind: parse_kind(&text(r, at + 1)?),
        number: r.get(at + 2)?,
        name: text_opt(r, at + 3)?,
        seq: r.get::<_, i64>(at + 4)?.max(0) as u64,
        added: text(r, at + 5)?,
    })
}

/// Runs a statement, compiled once per connection and then kept: adding an agreement runs
/// the same twenty or so statements each time.
fn exec<P: rusqlite::Params>(tx: &Transaction<'_>, sql: &str, p: P) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql)?.execute(p)
}

fn apply_one(
    tx: &Transaction<'_>,
    entry: &LogEntry,
    derived: Option<&Derived>,
) -> rusqlite::Result<()> {
    match (entry.event, &entry.agreement, derived) {
        (LogEvent::Added, Some(id), Some(d)) => {
            let archived: Option<String> = tx
                .prepare_cached("SELECT archived FROM agreements WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            let s = &d.summary;
            exec(tx, "DELETE FROM agreements WHERE id = ?1", [id])?;
            exec(
                tx,
                &format!(
                    "INSERT INTO agreements ({SUMMARY_COLUMNS}) VALUES
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
                ),
                params![
                    id,
                    status_str(s.status),
                    s.awaiting.map(Party::as_str),
                    s.template,
                    s.template_sha256,
                    s.title,
                    s.provider,
                    s.provider_enterprise_number,
                    s.customer,
                    s.customer_enterprise_number,
                    s.created,
                    s.signed,
                    archived.as_deref().unwrap_or(&entry.time),
                    entry.time,
                    s.object,
                    s.root,
                    s.head,
                    s.text_sha256,
                ],
            )?;
            exec(tx, "DELETE FROM signatures WHERE agreement = ?1", [id])?;
            for sig in &d.signatures {
                exec(
                    tx,
                    "INSERT INTO signatures (agreement, idx, role, name, function, organisation,
                     fingerprint, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        id,
                        sig.index,
                        sig.role.as_str(),
                        sig.name,
                        sig.function,
                        sig.organisation,
                        sig.fingerprint,
                        sig.time
                    ],
                )?;
            }
            for o in &entry.objects {
                exec(
                    tx,
                    "INSERT OR IGNORE INTO objects (sha256, agreement, kind, number, name, seq, added)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        o.sha256,
                        id,
                        o.kind.as_str(),
                        o.number,
                        o.name,
                        entry.seq as i64,
                        entry.time
                    ],
                )?;
            }
            exec(tx, "DELETE FROM trail WHERE agreement = ?1", [id])?;
            for (i, hash) in d.trail.iter().enumerate() {
                exec(
                    tx,
                    "INSERT INTO trail (agreement, seq, hash) VALUES (?1, ?2, ?3)",
                    params![id, i as i64, hash],
                )?;
            }
            exec(tx, "DELETE FROM search WHERE agreement = ?1", [id])?;
            exec(
                tx,
                "INSERT INTO search (agreement, parties, text) VALUES (?1, ?2, ?3)",
                params![id, d.parties, d.text],
            )?;
        }
        (LogEvent::Deleted, Some(id), _) => {
            for table in [
                "agreements WHERE id",
                "signatures WHERE agreement",
                "objects WHERE agreement",
                "trail WHERE agreement",
                "search WHERE agreement",
            ] {
                exec(tx, &format!("DELETE FROM {table} = ?1"), [id])?;
            }
        }
        _ => {}
    }
    exec(
        tx,
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('log_seq', ?1), ('log_head', ?2)",
        params![(entry.seq + 1).to_string(), entry.hash],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Vec<String> {
        let h = "ab".repeat(32);
        let mut cols: Vec<String> = (0..SUMMARY_COLUMN_COUNT).map(|i| format!("c{i}")).collect();
        for i in [0, 4, 14, 17] {
            cols[i] = h.clone();
        }
        cols[1] = "complete".into();
        cols
    }

    #[test]
    fn the_search_table_splits_words_as_the_terms_are_made() {
        assert!(SCHEMA.contains(&format!("tokenize = '{}'", super::super::words::TOKENIZER)));
    }

    #[test]
    fn rows_are_checked() {
        let cols = good();
        let refs: Vec<Option<&str>> = cols.iter().map(|c| Some(c.as_str())).collect();
        let s = parse_index_row(&refs).unwrap();
        assert_eq!(s.status, Status::Complete);
        for (i, bad) in [(0, "/etc"), (14, "/dev/zero"), (4, "ab"), (17, "")] {
            let mut refs = refs.clone();
            refs[i] = Some(bad);
            assert!(parse_index_row(&refs).is_err(), "{i} {bad}");
        }
        let huge = "x".repeat(MAX_INDEX_FIELD_BYTES + 1);
        let mut long = refs.clone();
        long[5] = Some(&huge);
        assert!(parse_index_row(&long).is_err());
        assert!(parse_index_row(&refs[..3]).is_err());
        let mut null = refs.clone();
        null[0] = None;
        assert!(parse_index_row(&null).is_err());
    }

    proptest::proptest! {
        #[test]
        fn parse_index_row_never_panics(
            cols in proptest::collection::vec(proptest::option::of("\\PC{0,70}"), 0..24)
        ) {
            let refs: Vec<Option<&str>> = cols.iter().map(|c| c.as_deref()).collect();
            let _ = parse_index_row(&refs);
        }
    }
}
