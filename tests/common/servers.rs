//! Real servers for the team archive's tests (#23), each started on 127.0.0.1 in a temporary
//! directory of its own and stopped when dropped: PostgreSQL from Debian's packages, and
//! moto's S3-compatible server from the project's venv (`scripts/setup.sh`, `team_servers`).
//! Included by the core's unit tests (`src/archive/pg.rs`, `s3.rs`), by `tests/team.rs` and
//! by the app's end-to-end test on a team archive (`tests/e2e/tests/team.rs`).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port no one listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The workspace's directory (where `target/pyenv` is), from the package that includes this
/// file: the core, or the end-to-end tests' package (`tests/e2e`) below it.
fn workspace_root() -> PathBuf {
    let package = Path::new(env!("CARGO_MANIFEST_DIR"));
    package
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or(package)
        .to_path_buf()
}

/// Whether the tests run as root (`/proc/self` belongs to the process's user).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The directory of Debian's PostgreSQL programs (the newest installed).
fn pg_bin() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (scripts/setup.sh: team_servers)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop().expect("initdb is installed")
}

/// Runs a PostgreSQL program as the owner of the data directory: as root (initdb refuses
/// root, and CI runs as root), as the `postgres` user.
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// A PostgreSQL server of its own (trust authentication on 127.0.0.1, no fsync unless
/// [`PgServer::start_durable`]), stopped and
/// its directory removed when dropped.
pub struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// Whether it syncs what it commits to disk (`fsync`): off for the tests.
    durable: bool,
    /// Its URL, as the superuser `tweevoud`.
    pub url: String,
}

impl PgServer {
    pub fn start() -> PgServer {
        PgServer::start_with(false)
    }

    /// A server that syncs what it commits to disk, as one keeping an archive runs (for the
    /// benches).
    pub fn start_durable() -> PgServer {
        PgServer::start_with(true)
    }

    fn start_with(durable: bool) -> PgServer {
        let bin = pg_bin();
        let dir = tempfile::tempdir().unwrap();
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success());
        }
        let data = dir.path().join("data");
        let out = as_owner(&bin.join("initdb"))
            .args([
                "-A",
                "trust",
                "-U",
                "tweevoud",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .arg("-D")
            .arg(&data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let server = PgServer {
            url: format!("postgresql://tweevoud@127.0.0.1:{port}/postgres"),
            dir,
            bin,
            port,
            durable,
        };
        server.start_again();
        server
    }

    /// Starts the server (again, after [`PgServer::stop`]) on its port, with its data.
    pub fn start_again(&self) {
        let dir = &self.dir;
        let port = self.port;
        let data = dir.path().join("data");
        let out = as_owner(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.path().join("server.log"))
            .arg("-o")
            .arg(format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync={} -c max_connections=40",
                dir.path().display(),
                if self.durable { "on" } else { "off" }
            ))
            .args(["-w", "-t", "30", "start"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg_ctl start: {}{}",
            String::from_utf8_lossy(&out.stdout),
            std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default()
        );
    }

    /// A new database of this server, `name`: its URL.
    pub fn database(&self, name: &str) -> String {
        self.sql(&format!("CREATE DATABASE {name}"));
        format!("postgresql://tweevoud@127.0.0.1:{}/{name}", self.port)
    }
}

impl PgServer {
    /// Runs SQL as the superuser, as someone holding the database's password could; the
    /// rows changed.
    pub fn sql(&self, sql: &str) -> u64 {
        sql_at(&self.url, sql)
    }

    /// The rows of a query, each as its columns' texts.
    pub fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        rows_at(&self.url, sql)
    }
}

/// Runs SQL in the database at `url`; the rows changed.
pub fn sql_at(url: &str, sql: &str) -> u64 {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.execute(sql, &[]).unwrap()
}

/// The rows of a query in the database at `url`, each as its columns' texts.
pub fn rows_at(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.simple_query(sql)
        .unwrap()
        .into_iter()
        .filter_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
            }
            _ => None,
        })
        .collect()
}

impl PgServer {
    /// Stops the server at once, as a crash or a pulled cable would (`-m immediate`).
    pub fn stop(&self) {
        let _ = as_owner(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// moto's S3-compatible server, with one bucket (`team-archive`), stopped when dropped.
pub struct S3Server {
    child: Child,
    /// The bucket's URL, path-style.
    pub url: String,
}

impl S3Server {
    /// A new bucket of this server, `name`: its URL, path-style.
    pub fn bucket(&self, name: &str) -> String {
        let rest = self.url.strip_prefix("http://").unwrap();
        let (host, _) = rest.split_once('/').unwrap();
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        write!(
            stream,
            "PUT /{name} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        format!("http://{host}/{name}")
    }

    /// Stops the server at once (SIGKILL).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.stop();
    }
}

impl S3Server {
    /// Writes `body` under `key` in the bucket, over whatever is there, as someone holding
    /// the bucket's keys could (moto takes a request without checking its signature, but
    /// wants one for a write to an object).
    pub fn put_raw(&self, key: &str, body: &[u8]) {
        put_raw_in(&self.url, key, body)
    }

    pub fn start() -> S3Server {
        let (server, port, mut stream) = S3Server::spawn(&[], "http");
        // The bucket (moto takes requests without checking their signature).
        write!(
            stream,
            "PUT /team-archive HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        server
    }

    /// The server over TLS only (`https://`), with the certificate `cert` and its key `key`
    /// (PEM files).
    pub fn start_tls(cert: &Path, key: &Path) -> S3Server {
        let (server, _, _) = S3Server::spawn(
            &[
                "-c".as_ref(),
                cert.as_os_str(),
                "-k".as_ref(),
                key.as_os_str(),
            ],
            "https",
        );
        // The bucket, made over TLS by the venv's Python, which checks nothing here.
        let root = workspace_root();
        let made = Command::new(root.join("target/pyenv/bin/python3"))
            .args([
                "-c",
                "import ssl, sys, urllib.request as u; \
                 u.urlopen(u.Request(sys.argv[1], method='PUT'), \
                 context=ssl._create_unverified_context(), timeout=30)",
                &server.url,
            ])
            .output()
            .unwrap();
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        server
    }

    /// moto's server started with `extra` arguments, its bucket's URL in `scheme`; its port,
    /// and a connection to it once it listens.
    fn spawn(extra: &[&std::ffi::OsStr], scheme: &str) -> (S3Server, u16, std::net::TcpStream) {
        let root = workspace_root();
        let server = root.join("target/pyenv/bin/moto_server");
        assert!(
            server.is_file(),
            "moto's server is installed (scripts/setup.sh python: team_servers)"
        );
        let port = free_port();
        // Started by the venv's own interpreter, so that a copied venv works too.
        let child = Command::new(root.join("target/pyenv/bin/python3"))
            .arg(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = S3Server {
            child,
            url: format!("{scheme}://127.0.0.1:{port}/team-archive"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let stream = loop {
            match std::net::TcpStream::connect(("127.0.0.1", port)) {
                Ok(s) => break s,
                Err(_) => {
                    assert!(Instant::now() < deadline, "moto_server did not start");
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        };
        (server, port, stream)
    }
}

/// Writes `body` under `key` in the bucket at `url` (see [`S3Server::put_raw`]).
pub fn put_raw_in(url: &str, key: &str, body: &[u8]) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, bucket) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "PUT /{bucket}/{key} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=forger/20261207/us-east-1/s3/aws4_request, \
         SignedHeaders=host, Signature=00\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}
