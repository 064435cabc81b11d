//! The team archive's log in PostgreSQL (feature `team`; `docs/archive-team.md`).
//!
//! One table, `tweevoud_log`, one row per entry: its position (`seq`, the primary key, so
//! that two entries can never take the same place) and its line, the very canonical JSON a
//! local archive writes to `log.jsonl`. The database only keeps the lines: every line read
//! back is parsed and its chain, hash and signature checked by the archive, as for the local
//! log, so a row changed, removed or re-signed in the database is found by the same checks.
//!
//! An append is one transaction that takes the table's lock (`SHARE ROW EXCLUSIVE`: writers
//! wait for each other, readers do not wait), reads the last entry, chains the new one after
//! it ([`super::log::chain_after`]) and inserts it: concurrent writers, in as many processes
//! as there are members, never fork the chain nor lose an entry. A writer that dies before
//! its commit leaves nothing; one that dies after it leaves a whole entry.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use postgres::config::Host;
use postgres::config::SslMode;
use postgres::{Client, Config, GenericClient, NoTls};

use super::backend::{Entries, Following, IndexChange, SharedIndex, SharedRows};
use super::find::Lookups;
use super::id::{AgreementId, Sha256Hex};
use super::index::{
    parse_index_row, Summary, MAX_INDEX_FIELD_BYTES, SIGNATURE_COLUMNS, SUMMARY_COLUMNS,
};
use super::log::{chain_after, parse_log_line, Line, LogEntry, LogRead, NewEntry};
use super::{tls, ArchiveError, MAX_LINE_BYTES, MAX_LOG_BYTES, MAX_LOG_ENTRIES};
use crate::signature::Signer;
use crate::verify::Status;

/// How long a connection may take to be made.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one statement (or a wait for the log's lock) may take on the server.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);

/// The schema: made once, under an advisory lock, so that members connecting at the same
/// time do not trip over each other's `CREATE`.
const SCHEMA: &str = r#"
SELECT pg_advisory_xact_lock(7795022815110011);
CREATE TABLE IF NOT EXISTS tweevoud_log (
    seq  BIGINT PRIMARY KEY CHECK (seq >= 0),
    line TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tweevoud_index (
    id                         TEXT COLLATE "C" PRIMARY KEY,
    status                     TEXT NOT NULL,
    awaiting                   TEXT,
    template                   TEXT NOT NULL,
    template_sha256            TEXT NOT NULL,
    title                      TEXT NOT NULL,
    provider                   TEXT,
    provider_enterprise_number TEXT,
    customer                   TEXT,
    customer_enterprise_number TEXT,
    created                    TEXT NOT NULL,
    signed                     TEXT,
    archived                   TEXT NOT NULL,
    updated                    TEXT COLLATE "C" NOT NULL,
    object                     TEXT NOT NULL,
    root                       TEXT NOT NULL,
    head                       TEXT NOT NULL,
    text_sha256                TEXT NOT NULL,
    terms                      TSVECTOR NOT NULL
);
CREATE INDEX IF NOT EXISTS tweevoud_index_terms ON tweevoud_index USING GIN (terms);
CREATE INDEX IF NOT EXISTS tweevoud_index_updated ON tweevoud_index (updated, id);
CREATE INDEX IF NOT EXISTS tweevoud_index_provider_number ON tweevoud_index (provider_enterprise_number);
CREATE INDEX IF NOT EXISTS tweevoud_index_customer_number ON tweevoud_index (customer_enterprise_number);
CREATE TABLE IF NOT EXISTS tweevoud_index_signatures (
    agreement    TEXT COLLATE "C" NOT NULL,
    idx          INTEGER NOT NULL,
    role         TEXT NOT NULL,
    name         TEXT NOT NULL,
    function     TEXT NOT NULL,
    organisation TEXT NOT NULL,
    fingerprint  TEXT COLLATE "C" NOT NULL,
    time         TEXT NOT NULL,
    PRIMARY KEY (agreement, idx)
);
CREATE INDEX IF NOT EXISTS tweevoud_index_signatures_fingerprint
    ON tweevoud_index_signatures (fingerprint);
"#;

/// The log of a team archive, in a PostgreSQL database.
pub(crate) struct PgLog {
    client: Mutex<Client>,
    /// The database's address without its password, as errors name it.
    place: PathBuf,
}

impl std::fmt::Debug for PgLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgLog")
            .field("place", &self.place)
            .finish_non_exhaustive()
    }
}

/// A database error as an I/O error, saying where: PostgreSQL's messages name neither the
/// password nor the URL.
fn db_err(place: &Path, e: postgres::Error) -> io::Error {
    // The server gone, or too slow (a statement or a lock wait past its bound), is told
    // apart from what the server refused: the archive reports the first as unreachable.
    let io_source = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<io::Error>());
    let kind = if e.is_closed() {
        io::ErrorKind::ConnectionAborted
    } else if let Some(source) = io_source {
        match source.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => io::ErrorKind::TimedOut,
            _ => io::ErrorKind::ConnectionAborted,
        }
    } else if e.code().is_some_and(|c| {
        *c == postgres::error::SqlState::QUERY_CANCELED
            || *c == postgres::error::SqlState::LOCK_NOT_AVAILABLE
    }) {
        io::ErrorKind::TimedOut
    } else {
        io::ErrorKind::Other
    };
    // What went wrong underneath, when the error's own words do not say it (a TLS handshake
    // names the certificate's fault only there).
    let mut words = e.to_string();
    if let Some(source) = std::error::Error::source(&e).map(|s| s.to_string()) {
        if !words.contains(&source) {
            words = format!("{words}: {source}");
        }
    }
    io::Error::new(kind, format!("the database {}: {words}", place.display()))
}

/// `postgresql://user@host:port/dbname`: the address of a configured database, never its
/// password.
fn place_of(config: &Config) -> PathBuf {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .zip(config.get_ports().iter().chain(std::iter::repeat(&5432)))
        .map(|(h, port)| match h {
            Host::Tcp(name) => format!("{name}:{port}"),
            Host::Unix(dir) => format!("{}:{port}", dir.display()),
        })
        .collect();
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    PathBuf::from(format!(
        "postgresql://{user}{}/{}",
        hosts.join(","),
        config.get_dbname().unwrap_or("")
    ))
}

/// Checks the address of a team archive's database for a profile to record: a PostgreSQL
/// connection URL (or `key=value` string) that holds no password (the password belongs in
/// the secrets: `docs/archive-team.md`, "Connecting"). The address without any password, as
/// reports name it, when it can be recorded; what is wrong, quoting nothing of it, when not.
pub(crate) fn recordable_address(url: &str) -> Result<PathBuf, &'static str> {
    let config: Config = url
        .parse()
        .map_err(|_| "the database's address is not a PostgreSQL connection URL")?;
    if config.get_password().is_some() {
        return Err("the database's address holds a password: give it in TWEEVOUD_TEAM_DATABASE_PASSWORD or the secrets file instead, never in the address");
    }
    over_tls(&config)?;
    Ok(place_of(&config))
}

/// Whether the connection to the database `config` names goes over TLS: when its address asks
/// for it (`sslmode=require`), and it must when the database is not on this machine (a host
/// other than `localhost`, a loopback address or a Unix socket; a `hostaddr` other than a
/// loopback address). `sslmode=prefer` (the default) would fall back to a connection in
/// clear, so it counts as asking for none.
fn over_tls(config: &Config) -> Result<bool, &'static str> {
    if config.get_ssl_mode() == SslMode::Require {
        return Ok(true);
    }
    let local_host = |h: &Host| match h {
        Host::Tcp(name) => tls::is_local(name),
        Host::Unix(_) => true,
    };
    let here = config.get_hosts().iter().all(local_host)
        && config.get_hostaddrs().iter().all(|a| a.is_loopback());
    match here {
        true => Ok(false),
        false => Err("the database is not on this machine, so its address must ask for TLS (sslmode=require): agreements and the log would cross the network in clear"),
    }
}

impl PgLog {
    /// Connects to the database at `url` (a `postgresql://` URL or a `key=value` string; its
    /// password, if any, is used and never repeated), with `password` when given, and makes
    /// the log's table if it is not there. Bounded: [`CONNECT_TIMEOUT`] to connect,
    /// [`STATEMENT_TIMEOUT`] for each statement and each wait for the lock.
    /// Over TLS when the address asks for it (and it must, for a database elsewhere: see
    /// [`over_tls`]), the server's certificate checked against `ca` (PEM) only, or else the
    /// system's certificate authorities.
    pub(crate) fn connect(
        url: &str,
        password: Option<&str>,
        ca: Option<&str>,
    ) -> io::Result<PgLog> {
        let mut config: Config = url.parse().map_err(|_| {
            // The parser's message may quote the URL, password and all.
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the database's address is not a PostgreSQL connection URL",
            )
        })?;
        if let Some(password) = password {
            config.password(password);
        }
        let place = place_of(&config);
        let ms = STATEMENT_TIMEOUT.as_millis();
        config
            .connect_timeout(CONNECT_TIMEOUT)
            .tcp_user_timeout(STATEMENT_TIMEOUT)
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(10))
            .options(&format!(
                "-c statement_timeout={ms} -c lock_timeout={ms} -c idle_in_transaction_session_timeout={ms} -c standard_conforming_strings=on"
            ));
        let refused = |reason: &str| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the database {}: {reason}", place.display()),
            )
        };
        let mut client = if over_tls(&config).map_err(refused)? {
            let tls = tls::client_config(ca).map_err(|r| refused(&r))?;
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new((*tls).clone());
            config.connect(tls)
        } else {
            // In clear, on this machine: never offered TLS and then fallen back from it.
            config.ssl_mode(SslMode::Disable).connect(NoTls)
        }
        .map_err(|e| db_err(&place, e))?;
        let mut tx = client.transaction().map_err(|e| db_err(&place, e))?;
        tx.batch_execute(SCHEMA).map_err(|e| db_err(&place, e))?;
        tx.commit().map_err(|e| db_err(&place, e))?;
        Ok(PgLog {
            client: Mutex::new(client),
            place,
        })
    }

    fn client(&self) -> std::sync::MutexGuard<'_, Client> {
        // A panic while holding the connection leaves nothing half-done in the database (an
        // open transaction is rolled back with it): the connection can be used again.
        self.client.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn err(&self, e: postgres::Error) -> io::Error {
        db_err(&self.place, e)
    }
}

/// An entry read from a row: `None` when the table is empty.
fn last_of(row: Option<postgres::Row>) -> io::Result<Option<LogEntry>> {
    let Some(row) = row else {
        return Ok(None);
    };
    let line: &str = row.get(0);
    parse_log_line(line.as_bytes()).map(Some).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the last line of the log cannot be read: {e}"),
        )
    })
}

/// The last row's line, read only when it is no longer than any entry.
const LAST: &str = "SELECT CASE WHEN octet_length(line) <= $1 THEN line ELSE '' END
                    FROM tweevoud_log ORDER BY seq DESC LIMIT 1";

/// A text as an SQL string literal (`standard_conforming_strings` is on: a quote is doubled,
/// and nothing else is special). A log line is UTF-8 JSON, without NUL; a text that holds a
/// NUL is refused by the client before anything is sent.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A text or NULL, as an SQL literal.
fn literal_opt(text: Option<&str>) -> String {
    text.map_or_else(|| "NULL".to_string(), literal)
}

/// The statements that write one agreement's rows (`rows`, whose first column is its id),
/// after removing any it had; with `keep_archived`, a row already there keeps its
/// `archived` (the time the agreement was first stored), as the local index does.
fn rows_sql(rows: &SharedRows, keep_archived: bool) -> String {
    let id = literal_opt(rows.summary.first().cloned().flatten().as_deref());
    let values: Vec<String> = rows
        .summary
        .iter()
        .map(|c| literal_opt(c.as_deref()))
        .collect();
    let terms: Vec<String> = rows.terms.iter().map(|t| literal(t)).collect();
    let columns: Vec<&str> = SUMMARY_COLUMNS.split(',').map(str::trim).collect();
    let archived = if keep_archived {
        "tweevoud_index.archived"
    } else {
        "EXCLUDED.archived"
    };
    let set: Vec<String> = columns
        .iter()
        .skip(1)
        .map(|c| match *c {
            "archived" => format!("archived = {archived}"),
            c => format!("{c} = EXCLUDED.{c}"),
        })
        .chain(["terms = EXCLUDED.terms".to_string()])
        .collect();
    let mut sql = format!(
        "INSERT INTO tweevoud_index ({SUMMARY_COLUMNS}, terms) VALUES ({}, array_to_tsvector(ARRAY[{}]::text[]))
         ON CONFLICT (id) DO UPDATE SET {};
         DELETE FROM tweevoud_index_signatures WHERE agreement = {id};",
        values.join(", "),
        terms.join(", "),
        set.join(", ")
    );
    if !rows.signatures.is_empty() {
        let sigs: Vec<String> = rows
            .signatures
            .iter()
            .map(|s| {
                let cols: Vec<String> = s.iter().map(|c| literal(c)).collect();
                format!("({id}, {})", cols.join(", "))
            })
            .collect();
        sql.push_str(&format!(
            "INSERT INTO tweevoud_index_signatures (agreement, {SIGNATURE_COLUMNS}) VALUES {};",
            sigs.join(", ")
        ));
    }
    sql
}

/// The statements that remove one agreement's rows.
fn erase_sql(id: &str) -> String {
    let id = literal(id);
    format!(
        "DELETE FROM tweevoud_index WHERE id = {id};
         DELETE FROM tweevoud_index_signatures WHERE agreement = {id};"
    )
}

/// What the index holds of an agreement `d` describes, stored by the entry `new` (its
/// agreement's id; its time, when it was stored).
pub(crate) fn shared_rows(new: &NewEntry, d: &super::index::Derived) -> io::Result<SharedRows> {
    let mut summary = d.summary.clone();
    summary.id = new
        .agreement
        .as_ref()
        .map(|a| a.as_str().to_string())
        .unwrap_or_default();
    summary.archived = new.time.clone();
    summary.updated = new.time.clone();
    SharedRows::of(&summary, &d.signatures, &d.parties, &d.text)
}

/// The statements of an index's change, and whether the archive acts on the entry (only
/// then are they run).
type RowsSql<'a> = (&'a str, &'a dyn Fn(&LogEntry) -> bool);

/// The append's two round trips: take the lock and read the last entry; insert the new one
/// and commit. (Each round trip waits for the server: with eight writers on a busy machine a
/// statement apiece made appends several times slower.)
fn append_locked(
    client: &mut Client,
    new: NewEntry,
    signer: Option<&dyn Signer>,
    rows: Option<RowsSql<'_>>,
) -> Result<io::Result<LogEntry>, postgres::Error> {
    let last = lock_and_read_last(client)?;
    let prev = match last {
        None => None,
        Some(line) => match parse_log_line(line.as_bytes()) {
            Ok(e) => Some(e),
            Err(e) => {
                return Ok(Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the last line of the log cannot be read: {e}"),
                )))
            }
        },
    };
    // A team archive's log begins with its creator's members entry, appended only to an
    // empty log (`append_made`): nothing else is the first entry.
    if prev.is_none() {
        return Ok(Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the team archive is not begun: its log has no entry yet, and its first is the members entry its creator appends (`tweevoud archive init`)",
        )));
    }
    let entry = chain_after(prev.as_ref(), new, signer);
    let line = entry.to_line();
    let line = match std::str::from_utf8(&line[..line.len() - 1]) {
        Ok(l) => l,
        Err(e) => return Ok(Err(io::Error::new(io::ErrorKind::InvalidData, e))),
    };
    // The index's rows, in the same transaction, when the archive acts on the entry.
    let rows = match rows {
        Some((sql, acts)) if acts(&entry) => sql,
        _ => "",
    };
    client.batch_execute(&format!(
        "INSERT INTO tweevoud_log (seq, line) VALUES ({}, {}); {rows} COMMIT",
        entry.seq,
        literal(line)
    ))?;
    Ok(Ok(entry))
}

impl PgLog {
    /// An append, with `rows` (the statements of the index's change, and whether the
    /// archive acts on the entry) in the same transaction.
    fn append_rows(
        &self,
        new: NewEntry,
        signer: Option<&dyn Signer>,
        rows: Option<RowsSql<'_>>,
    ) -> io::Result<LogEntry> {
        let mut client = self.client();
        let result =
            append_locked(&mut client, new, signer, rows).unwrap_or_else(|e| Err(self.err(e)));
        if result.is_err() {
            // Whatever failed, nothing of it stays (a connection that broke has rolled back
            // already; the server ends the transaction with it).
            let _ = client.batch_execute("ROLLBACK");
        }
        result
    }

    /// The rows of `query` (with `params`) as summaries, each checked as a row of the local
    /// index is ([`parse_index_row`]).
    fn summaries(
        &self,
        query: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Summary>, ArchiveError> {
        let rows = self
            .client()
            .query(
                &format!("SELECT {} FROM tweevoud_index {query}", bounded_columns()),
                params,
            )
            .map_err(|e| super::io_at(&self.place)(self.err(e)))?;
        // A row that is not one Tweevoud writes (a column of another type, a value too long,
        // an id that is not one) cannot be the row the member's own index holds: it is left
        // out of the answer, as a row changed is, and reported by verify.
        Ok(rows
            .iter()
            .filter_map(|row| {
                let cols = (0..row.len())
                    .map(|i| row.try_get::<_, Option<&str>>(i))
                    .collect::<Result<Vec<_>, _>>()
                    .ok()?;
                parse_index_row(&cols).ok()
            })
            .collect())
    }
}

/// The summary's columns as a query reads them: a value longer than any row of an index
/// holds ([`MAX_INDEX_FIELD_BYTES`]) is read as NULL, never copied out of the database (a row
/// so read is refused, or is not the row the member's index holds, or is reported by verify).
fn bounded_columns() -> String {
    SUMMARY_COLUMNS
        .split(',')
        .map(str::trim)
        .map(|c| {
            format!("CASE WHEN octet_length({c}) <= {MAX_INDEX_FIELD_BYTES} THEN {c} END AS {c}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the whole log under the log's lock and appends the entry `make` makes of it, in one
/// transaction.
fn append_made_locked(
    client: &mut Client,
    make: &mut dyn FnMut(&LogRead) -> Result<NewEntry, ArchiveError>,
    signer: Option<&dyn Signer>,
) -> Result<Result<LogEntry, ArchiveError>, postgres::Error> {
    client.batch_execute("BEGIN; LOCK TABLE tweevoud_log IN SHARE ROW EXCLUSIVE MODE")?;
    let read = match read_rows(client)? {
        Ok(read) => read,
        Err(e) => return Ok(Err(super::io_at(Path::new("the log"))(e))),
    };
    let new = match make(&read) {
        Ok(new) => new,
        Err(e) => return Ok(Err(e)),
    };
    let prev = read.lines.last().and_then(|l| l.entry.as_ref().ok());
    let entry = chain_after(prev, new, signer);
    let line = entry.to_line();
    let line = String::from_utf8_lossy(&line[..line.len() - 1]).into_owned();
    client.batch_execute(&format!(
        "INSERT INTO tweevoud_log (seq, line) VALUES ({}, {}); COMMIT",
        entry.seq,
        literal(&line)
    ))?;
    Ok(Ok(entry))
}

/// Every row of the log, bounded as [`Entries::read_all`] says, in the transaction open on
/// `client`.
fn read_rows(client: &mut impl GenericClient) -> Result<io::Result<LogRead>, postgres::Error> {
    let size = client.query_one(
        "SELECT count(*), coalesce(sum(octet_length(line)), 0)::bigint FROM tweevoud_log",
        &[],
    )?;
    let (count, bytes): (i64, i64) = (size.get(0), size.get(1));
    if count as u64 > MAX_LOG_ENTRIES as u64 {
        return Ok(Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the log has {count} entries, more than {MAX_LOG_ENTRIES}"),
        )));
    }
    if bytes as u64 > MAX_LOG_BYTES {
        return Ok(Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("the log holds {bytes} bytes, more than {MAX_LOG_BYTES}"),
        )));
    }
    // A row longer than any entry is read as its length alone, and refused as such.
    let rows = client.query(
        "SELECT CASE WHEN octet_length(line) <= $1 THEN line ELSE NULL END,
                octet_length(line)
         FROM tweevoud_log ORDER BY seq",
        &[&(MAX_LINE_BYTES as i32)],
    )?;
    let lines = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let line: Option<&str> = row.get(0);
            let length: i32 = row.get(1);
            Line {
                number: i + 1,
                entry: match line {
                    Some(line) => parse_log_line(line.as_bytes()),
                    None => Err(super::LineError::TooLong(length.max(0) as usize)),
                },
            }
        })
        .collect();
    Ok(Ok(LogRead {
        lines,
        torn_tail: None,
    }))
}

/// A tsquery that asks for a lexeme beginning with each of `terms`: each quoted (a quote
/// and a backslash escaped), as itself, with no parser between.
fn prefix_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("'{}':*", t.replace('\\', "\\\\").replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(" & ")
}

impl Lookups for PgLog {
    fn get(&self, id: &str) -> Result<Option<Summary>, ArchiveError> {
        Ok(self.summaries("WHERE id = $1", &[&id])?.into_iter().next())
    }

    fn ids_starting(&self, prefix: &str) -> Result<Vec<AgreementId>, ArchiveError> {
        let rows = self
            .client()
            .query(
                "SELECT id FROM tweevoud_index WHERE id >= $1 AND id < $1 || 'g'
                 ORDER BY id LIMIT 10",
                &[&prefix],
            )
            .map_err(|e| super::io_at(&self.place)(self.err(e)))?;
        // (An id that is not one is left out, as in `summaries`.)
        Ok(rows
            .iter()
            .filter_map(|r| AgreementId::parse(r.try_get::<_, &str>(0).ok()?).ok())
            .collect())
    }

    fn list(&self, status: Option<Status>) -> Result<Vec<Summary>, ArchiveError> {
        match status {
            Some(s) => self.summaries(
                "WHERE status = $1 ORDER BY updated, id",
                &[&super::index::status_str(s)],
            ),
            None => self.summaries("ORDER BY updated, id", &[]),
        }
    }

    fn by_enterprise_number(&self, number: &str, limit: u32) -> Result<Vec<Summary>, ArchiveError> {
        let earlier = number.strip_prefix("BE").unwrap_or(number);
        self.summaries(
            "WHERE id IN (SELECT id FROM tweevoud_index
                          WHERE provider_enterprise_number IN ($1, $3)
                             OR customer_enterprise_number IN ($1, $3)
                          ORDER BY updated DESC, id DESC LIMIT $2)
             ORDER BY updated, id",
            &[
                &number,
                &i64::from(limit) as &(dyn postgres::types::ToSql + Sync),
                &earlier,
            ],
        )
    }

    fn by_fingerprint(&self, prefix: &str, limit: u32) -> Result<Vec<Summary>, ArchiveError> {
        self.summaries(
            "WHERE id IN (SELECT id FROM tweevoud_index WHERE id IN
                            (SELECT agreement FROM tweevoud_index_signatures
                             WHERE fingerprint >= $1 AND fingerprint < $1 || 'g')
                          ORDER BY updated DESC, id DESC LIMIT $2)
             ORDER BY updated, id",
            &[
                &prefix,
                &i64::from(limit) as &(dyn postgres::types::ToSql + Sync),
            ],
        )
    }

    fn by_terms(&self, terms: &[String], limit: u32) -> Result<Vec<Summary>, ArchiveError> {
        self.summaries(
            "WHERE id IN (SELECT id FROM tweevoud_index WHERE terms @@ $1::text::tsquery
                          ORDER BY updated DESC, id DESC LIMIT $2)
             ORDER BY updated, id",
            &[
                &prefix_query(terms),
                &i64::from(limit) as &(dyn postgres::types::ToSql + Sync),
            ],
        )
    }
}

impl SharedIndex for PgLog {
    fn rows(&self) -> io::Result<std::collections::BTreeMap<String, SharedRows>> {
        let mut client = self.client();
        let mut tx = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| self.err(e))?;
        let mut out: std::collections::BTreeMap<String, SharedRows> = Default::default();
        let rows = tx
            .query(
                &format!(
                    "SELECT {}, tsvector_to_array(terms) FROM tweevoud_index",
                    bounded_columns()
                ),
                &[],
            )
            .map_err(|e| self.err(e))?;
        let n = SUMMARY_COLUMNS.split(',').count();
        let bad = |e: postgres::Error| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a row of the index cannot be read: {e}"),
            )
        };
        for row in &rows {
            let summary = (0..n)
                .map(|i| Ok(row.try_get::<_, Option<&str>>(i)?.map(str::to_string)))
                .collect::<Result<Vec<Option<String>>, postgres::Error>>()
                .map_err(bad)?;
            let mut terms: Vec<String> = row.try_get(n).map_err(bad)?;
            terms.sort_unstable();
            let id = summary[0].clone().unwrap_or_default();
            let entry = out.entry(id).or_default();
            entry.summary = summary;
            entry.terms = terms;
        }
        let rows = tx
            .query(
                &format!(
                    "SELECT {} FROM tweevoud_index_signatures ORDER BY agreement, idx",
                    [
                        "agreement",
                        "idx::text",
                        "role",
                        "name",
                        "function",
                        "organisation",
                        "fingerprint",
                        "time"
                    ]
                    .map(|c| format!(
                        "CASE WHEN octet_length({c}) <= {MAX_INDEX_FIELD_BYTES} THEN {c} END"
                    ))
                    .join(", ")
                ),
                &[],
            )
            .map_err(|e| self.err(e))?;
        for row in &rows {
            let cols = (1..row.len())
                .map(|i| row.try_get::<_, String>(i))
                .collect::<Result<Vec<String>, _>>()
                .map_err(bad)?;
            let agreement: String = row.try_get(0).map_err(bad)?;
            out.entry(agreement).or_default().signatures.push(cols);
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(out)
    }

    fn replace_all(&self, rows: &[SharedRows], at: Option<&Sha256Hex>) -> io::Result<bool> {
        let mut client = self.client();
        let result = replace_locked(&mut client, rows, at);
        if !matches!(result, Ok(true)) {
            let _ = client.batch_execute("ROLLBACK");
        }
        result.map_err(|e| self.err(e))
    }
}

/// Begins a transaction, takes the log's lock (appends wait for it, readers do not), and
/// reads the log's last line: `None` on an empty log, an empty line for one longer than
/// [`MAX_LINE_BYTES`] (never copied out; it does not parse).
fn lock_and_read_last(client: &mut Client) -> Result<Option<String>, postgres::Error> {
    let messages = client.simple_query(&format!(
        "BEGIN; LOCK TABLE tweevoud_log IN SHARE ROW EXCLUSIVE MODE;
         SELECT CASE WHEN octet_length(line) <= {MAX_LINE_BYTES} THEN line ELSE '' END
         FROM tweevoud_log ORDER BY seq DESC LIMIT 1"
    ))?;
    Ok(messages.iter().find_map(|m| match m {
        postgres::SimpleQueryMessage::Row(row) => Some(row.get(0).unwrap_or("").to_string()),
        _ => None,
    }))
}

/// Under the log's lock, if its last entry is still `at`: every row removed, `rows` written,
/// committed.
fn replace_locked(
    client: &mut Client,
    rows: &[SharedRows],
    at: Option<&Sha256Hex>,
) -> Result<bool, postgres::Error> {
    let last = lock_and_read_last(client)?;
    let last = last.and_then(|l| parse_log_line(l.as_bytes()).ok().map(|e| e.hash));
    if last.as_ref() != at {
        return Ok(false);
    }
    client.batch_execute("DELETE FROM tweevoud_index; DELETE FROM tweevoud_index_signatures")?;
    // A few hundred agreements a statement: each a round trip, none too long.
    for chunk in rows.chunks(200) {
        let sql: String = chunk.iter().map(|r| rows_sql(r, false)).collect();
        client.batch_execute(&sql)?;
    }
    client.batch_execute("COMMIT")?;
    Ok(true)
}

impl Entries for PgLog {
    fn read_all(&self) -> io::Result<LogRead> {
        let mut client = self.client();
        let mut tx = client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| self.err(e))?;
        let read = read_rows(&mut tx).map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        read
    }

    fn last(&self) -> io::Result<Option<LogEntry>> {
        let row = self
            .client()
            .query_opt(LAST, &[&(MAX_LINE_BYTES as i32)])
            .map_err(|e| self.err(e))?;
        last_of(row)
    }

    fn append(&self, new: NewEntry, signer: Option<&dyn Signer>) -> io::Result<LogEntry> {
        self.append_rows(new, signer, None)
    }

    fn append_following(
        &self,
        new: NewEntry,
        signer: Option<&dyn Signer>,
        following: &Following<'_>,
    ) -> io::Result<LogEntry> {
        // Made before the lock is taken: the lock is held for the round trips alone.
        let id = new.agreement.as_ref().map(|a| a.as_str().to_string());
        let sql = match (following.change, id) {
            (IndexChange::Agreement(d), Some(_)) => rows_sql(&shared_rows(&new, d)?, true),
            (IndexChange::Erased, Some(id)) => erase_sql(&id),
            _ => return self.append(new, signer),
        };
        self.append_rows(new, signer, Some((&sql, following.acts)))
    }

    fn append_made(
        &self,
        make: &mut dyn FnMut(&LogRead) -> Result<NewEntry, ArchiveError>,
        signer: Option<&dyn Signer>,
    ) -> Result<LogEntry, ArchiveError> {
        let mut client = self.client();
        let result = append_made_locked(&mut client, make, signer);
        if !matches!(result, Ok(Ok(_))) {
            let _ = client.batch_execute("ROLLBACK");
        }
        match result {
            Ok(Ok(entry)) => Ok(entry),
            Ok(Err(e)) => Err(e),
            Err(e) => Err(super::io_at(&self.place)(self.err(e))),
        }
    }

    fn shared_index(&self) -> Option<&dyn SharedIndex> {
        Some(self)
    }

    fn place(&self) -> &Path {
        &self.place
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! Against a real PostgreSQL server (Debian's `postgresql` package: `initdb`, `pg_ctl`),
    //! started by the test on 127.0.0.1 in a temporary directory and stopped after it.

    use super::*;
    use crate::archive::checkpoint::Chain;
    use crate::archive::log::LogEvent;
    use crate::archive::servers::{free_port, PgServer};
    use std::process::Command;

    fn note(i: usize) -> NewEntry {
        NewEntry {
            time: "2026-12-07T22:00:00+01:00".into(),
            event: LogEvent::Verified,
            agreement: None,
            objects: Vec::new(),
            reason: None,
            note: Some(format!("note {i}: it's 'quoted'")),
            members: Vec::new(),
            archive: None,
        }
    }

    fn key(n: u8) -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[n; 32])
    }

    const WRITERS: u8 = 8;
    const EACH: usize = 50;

    /// One writer of [`appends_from_eight_processes_make_one_chain`], in a process of its own
    /// (it runs only when that test starts it).
    #[test]
    #[ignore = "run by appends_from_eight_processes_make_one_chain, in a process of its own"]
    fn writer() {
        let url = std::env::var("TWEEVOUD_TEST_PG_URL").expect("started by the chain test");
        let n: u8 = std::env::var("TWEEVOUD_TEST_WRITER")
            .unwrap()
            .parse()
            .unwrap();
        let log = PgLog::connect(&url, None, None).unwrap();
        for i in 0..EACH {
            log.append(note(i), Some(&key(n))).unwrap();
        }
    }

    /// Begins the log at `url` with a first entry (by key 9), as `archive init` does: no
    /// other append makes the first entry.
    fn begin(url: &str) -> PgLog {
        let log = PgLog::connect(url, None, None).unwrap();
        let e = log.append(note(0), Some(&key(9))).unwrap_err();
        assert!(e.to_string().contains("not begun"), "{e}");
        log.append_made(&mut |read| Ok(note(read.lines.len())), Some(&key(9)))
            .unwrap();
        let e = log
            .append_made(
                &mut |read| match read.lines.len() {
                    0 => Ok(note(0)),
                    _ => Err(crate::archive::ArchiveError::TeamBegun),
                },
                Some(&key(9)),
            )
            .unwrap_err();
        assert_eq!(crate::Coded::code(&e), "team_begun");
        log
    }

    #[test]
    fn appends_from_eight_processes_make_one_chain() {
        let server = PgServer::start();
        begin(&server.url);
        let exe = std::env::current_exe().unwrap();
        let children: Vec<_> = (1..=WRITERS)
            .map(|n| {
                Command::new(&exe)
                    .args([
                        "archive::pg::tests::writer",
                        "--exact",
                        "--ignored",
                        "--test-threads=1",
                    ])
                    .env("TWEEVOUD_TEST_PG_URL", &server.url)
                    .env("TWEEVOUD_TEST_WRITER", n.to_string())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "a writer failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
        }
        let log = PgLog::connect(&server.url, None, None).unwrap();
        let chain = Chain::check(log.read_all().unwrap());
        assert_eq!(chain.broken, None);
        assert_eq!(chain.entries.len(), WRITERS as usize * EACH + 1);
        // Each entry's signature checked once (unoptimised Ed25519 is slow), counted by key.
        let mut by_key: std::collections::BTreeMap<String, usize> = Default::default();
        for e in &chain.entries[1..] {
            let fp = e.check_signature().unwrap().unwrap();
            *by_key.entry(fp.hex()).or_default() += 1;
        }
        for n in 1..=WRITERS {
            let fp = crate::key::Fingerprint::of_raw_public_key(key(n).verifying_key().as_bytes());
            assert_eq!(by_key.get(&fp.hex()), Some(&EACH), "writer {n}");
        }
        assert_eq!(log.last().unwrap().as_ref(), chain.entries.last());
        assert!(!log.place().display().to_string().contains("password"));
    }

    #[test]
    fn fail_rows_changed_or_removed_in_the_database() {
        let server = PgServer::start();
        let log = begin(&server.url);
        for i in 1..4 {
            log.append(note(i), Some(&key(1))).unwrap();
        }
        assert_eq!(Chain::check(log.read_all().unwrap()).broken, None);
        // A changed row.
        assert_eq!(
            server.sql(
                "UPDATE tweevoud_log SET line = replace(line, 'note 1', 'note 9') WHERE seq = 1"
            ),
            1
        );
        let broken = Chain::check(log.read_all().unwrap()).broken.unwrap();
        assert!(broken.contains("does not match its hash"), "{broken}");
        server
            .sql("UPDATE tweevoud_log SET line = replace(line, 'note 9', 'note 1') WHERE seq = 1");
        assert_eq!(Chain::check(log.read_all().unwrap()).broken, None);
        // A removed row.
        assert_eq!(server.sql("DELETE FROM tweevoud_log WHERE seq = 2"), 1);
        let broken = Chain::check(log.read_all().unwrap()).broken.unwrap();
        assert!(broken.contains("out of sequence"), "{broken}");
        // A row longer than any entry is read as too long, not copied out.
        server.sql(&format!(
            "INSERT INTO tweevoud_log (seq, line) VALUES (99, repeat('x', {}))",
            MAX_LINE_BYTES + 1
        ));
        let read = log.read_all().unwrap();
        assert!(matches!(
            read.lines.last().unwrap().entry,
            Err(crate::archive::LineError::TooLong(n)) if n == MAX_LINE_BYTES + 1
        ));
    }

    #[test]
    fn fail_unreachable_database_within_bounded_time() {
        let port = free_port();
        let started = std::time::Instant::now();
        let e = PgLog::connect(
            &format!("postgresql://tweevoud:secret@127.0.0.1:{port}/x"),
            None,
            None,
        )
        .unwrap_err();
        assert!(started.elapsed() < CONNECT_TIMEOUT);
        assert!(!e.to_string().contains("secret"), "{e}");
        assert!(
            e.to_string().contains("postgresql://tweevoud@127.0.0.1"),
            "{e}"
        );
        let e = PgLog::connect("postgresql://tweevoud:secret@[::1/x", None, None).unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
        // A password given beside the URL is never repeated either.
        let e = PgLog::connect(
            &format!("postgresql://tweevoud@127.0.0.1:{port}/x"),
            Some("pw-beside"),
            None,
        )
        .unwrap_err();
        assert!(!e.to_string().contains("pw-beside"), "{e}");
        // A database elsewhere only over TLS: refused before any connection is tried.
        let e = PgLog::connect(
            "postgresql://tweevoud:secret@db.example.com/x",
            Some("pw-beside"),
            None,
        )
        .unwrap_err();
        assert!(!e.to_string().contains("pw-beside"), "{e}");
    }
}
