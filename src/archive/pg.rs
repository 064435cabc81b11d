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
use postgres::{Client, Config, NoTls};

use super::backend::Entries;
use super::log::{chain_after, parse_log_line, Line, LogEntry, LogRead, NewEntry};
use super::{tls, MAX_LINE_BYTES, MAX_LOG_BYTES, MAX_LOG_ENTRIES};
use crate::signature::Signer;

/// How long a connection may take to be made.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one statement (or a wait for the log's lock) may take on the server.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);

/// The schema: made once, under an advisory lock, so that members connecting at the same
/// time do not trip over each other's `CREATE`.
const SCHEMA: &str = "
SELECT pg_advisory_xact_lock(7795022815110011);
CREATE TABLE IF NOT EXISTS tweevoud_log (
    seq  BIGINT PRIMARY KEY CHECK (seq >= 0),
    line TEXT NOT NULL
);
";

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
/// and nothing else is special). A log line is UTF-8 JSON, without NUL.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The append's two round trips: take the lock and read the last entry; insert the new one
/// and commit. (Each round trip waits for the server: with eight writers on a busy machine a
/// statement apiece made appends several times slower.)
fn append_locked(
    client: &mut Client,
    new: NewEntry,
    signer: Option<&dyn Signer>,
) -> Result<io::Result<LogEntry>, postgres::Error> {
    let messages = client.simple_query(&format!(
        "BEGIN; LOCK TABLE tweevoud_log IN SHARE ROW EXCLUSIVE MODE;
         SELECT CASE WHEN octet_length(line) <= {MAX_LINE_BYTES} THEN line ELSE '' END
         FROM tweevoud_log ORDER BY seq DESC LIMIT 1"
    ))?;
    let last = messages.iter().find_map(|m| match m {
        postgres::SimpleQueryMessage::Row(row) => Some(row.get(0).unwrap_or("").to_string()),
        _ => None,
    });
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
    let entry = chain_after(prev.as_ref(), new, signer);
    let line = entry.to_line();
    let line = match std::str::from_utf8(&line[..line.len() - 1]) {
        Ok(l) => l,
        Err(e) => return Ok(Err(io::Error::new(io::ErrorKind::InvalidData, e))),
    };
    client.batch_execute(&format!(
        "INSERT INTO tweevoud_log (seq, line) VALUES ({}, {}); COMMIT",
        entry.seq,
        literal(line)
    ))?;
    Ok(Ok(entry))
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
        let size = tx
            .query_one(
                "SELECT count(*), coalesce(sum(octet_length(line)), 0)::bigint FROM tweevoud_log",
                &[],
            )
            .map_err(|e| self.err(e))?;
        let (count, bytes): (i64, i64) = (size.get(0), size.get(1));
        if count as u64 > MAX_LOG_ENTRIES as u64 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the log has {count} entries, more than {MAX_LOG_ENTRIES}"),
            ));
        }
        if bytes as u64 > MAX_LOG_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!("the log holds {bytes} bytes, more than {MAX_LOG_BYTES}"),
            ));
        }
        // A row longer than any entry is read as its length alone, and refused as such.
        let rows = tx
            .query(
                "SELECT CASE WHEN octet_length(line) <= $1 THEN line ELSE NULL END,
                        octet_length(line)
                 FROM tweevoud_log ORDER BY seq",
                &[&(MAX_LINE_BYTES as i32)],
            )
            .map_err(|e| self.err(e))?;
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
        tx.commit().map_err(|e| self.err(e))?;
        Ok(LogRead {
            lines,
            torn_tail: None,
        })
    }

    fn last(&self) -> io::Result<Option<LogEntry>> {
        let row = self
            .client()
            .query_opt(LAST, &[&(MAX_LINE_BYTES as i32)])
            .map_err(|e| self.err(e))?;
        last_of(row)
    }

    fn append(&self, new: NewEntry, signer: Option<&dyn Signer>) -> io::Result<LogEntry> {
        let mut client = self.client();
        let result = append_locked(&mut client, new, signer).unwrap_or_else(|e| Err(self.err(e)));
        if result.is_err() {
            // Whatever failed, nothing of it stays (a connection that broke has rolled back
            // already; the server ends the transaction with it).
            let _ = client.batch_execute("ROLLBACK");
        }
        result
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

    #[test]
    fn appends_from_eight_processes_make_one_chain() {
        let server = PgServer::start();
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
        assert_eq!(chain.entries.len(), WRITERS as usize * EACH);
        // Each entry's signature checked once (unoptimised Ed25519 is slow), counted by key.
        let mut by_key: std::collections::BTreeMap<String, usize> = Default::default();
        for e in &chain.entries {
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
        let log = PgLog::connect(&server.url, None, None).unwrap();
        for i in 0..4 {
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
