//! A team archive over TLS (#23; `docs/archive-team.md`, "TLS"): a real PostgreSQL with
//! `ssl = on` and moto's S3 server on `https://`, their certificates made by `openssl` for
//! 127.0.0.1 and signed by a certificate authority of the test's own. The archive works with
//! that authority given (`archive connect --ca`), really over TLS; with another authority's, or
//! with the system's (which never signed the test's), nothing is read or written; an address
//! that asks for TLS gets it or fails, never a connection in clear.
#![cfg(feature = "cli")]

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "common/servers.rs"]
mod servers;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{dpa, fixed_now, set, test_key};
use servers::{PgServer, S3Server};
use tweevoud::archive::{TeamConnection, TeamSecrets, Trust};
use tweevoud::key::Fingerprint;
use tweevoud::{Agreement, Archive, Party};

/// The test's public key infrastructure, made by `openssl`: two certificate authorities, and a
/// server certificate for 127.0.0.1 signed by the first.
struct Pki {
    dir: tempfile::TempDir,
    ca: String,
    other_ca: String,
}

impl Pki {
    fn cert(&self) -> PathBuf {
        self.dir.path().join("server.pem")
    }
    fn key(&self) -> PathBuf {
        self.dir.path().join("server.key")
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn pki() -> Pki {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for ca in ["ca", "other-ca"] {
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &format!("{ca}.key"),
                "-out",
                &format!("{ca}.pem"),
                "-days",
                "30",
                "-subj",
                &format!("/CN=Tweevoud test {ca}"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
    }
    openssl(
        d,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(
        d.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "30",
            "-extfile",
            "server.ext",
        ],
    );
    // PostgreSQL reads the key as its own user (as root, the tests run it as `postgres`),
    // and only a key no one else may read.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in ["server.pem", "server.key"] {
        let mode = if f == "server.key" { 0o600 } else { 0o644 };
        std::fs::set_permissions(d.join(f), std::fs::Permissions::from_mode(mode)).unwrap();
        if servers::is_root() {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(d.join(f))
                .status()
                .unwrap();
            assert!(status.success());
        }
    }
    let read = |f: &str| std::fs::read_to_string(d.join(f)).unwrap();
    Pki {
        ca: read("ca.pem"),
        other_ca: read("other-ca.pem"),
        dir,
    }
}

/// `pg` with TLS turned on (`ssl = on`, the certificate of `pki`), taken by new connections.
fn with_tls(pg: &PgServer, pki: &Pki) {
    pg.rows(&format!(
        "ALTER SYSTEM SET ssl_cert_file = '{}'",
        pki.cert().display()
    ));
    pg.rows(&format!(
        "ALTER SYSTEM SET ssl_key_file = '{}'",
        pki.key().display()
    ));
    pg.rows("ALTER SYSTEM SET ssl = on");
    pg.rows("SELECT pg_reload_conf()");
    let deadline = Instant::now() + Duration::from_secs(20);
    while pg.rows("SHOW ssl")[0][0].as_deref() != Some("on") {
        assert!(
            Instant::now() < deadline,
            "PostgreSQL did not take ssl = on"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn connection(database: &str, objects: &str, ca: Option<&str>) -> TeamConnection {
    TeamConnection {
        database: database.into(),
        objects: objects.into(),
        region: "us-east-1".into(),
        ca: ca.map(str::to_string),
        secrets: TeamSecrets {
            database_password: Some("password-of-the-test".into()),
            access_key_id: "tweevoud".into(),
            secret_access_key: "secret-of-the-test".into(),
        },
    }
}

fn member() -> Fingerprint {
    Fingerprint::of_raw_public_key(test_key(1).verifying_key().as_bytes())
}

fn trust() -> Trust {
    Trust::keys(vec![member()]).with_creator(member())
}

fn draft(i: u32) -> Agreement {
    let mut a = Agreement::new(dpa(), Party::Provider, fixed_now());
    a.fill(
        Party::Customer,
        &set(&[("customer_name", &format!("Versleuteld {i} BV"))]),
        fixed_now(),
    )
    .unwrap();
    a
}

/// The database's address asking for TLS.
fn over_tls(pg: &PgServer) -> String {
    format!("{}?sslmode=require", pg.url)
}

/// How many of the database's connections from others than the asking one are over TLS.
fn tls_connections(pg: &PgServer) -> usize {
    pg.rows(
        "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
         WHERE s.ssl AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'",
    )[0][0]
        .as_deref()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn a_team_archive_over_tls_checked_against_the_ca_given() {
    let pki = pki();
    let pg = PgServer::start();
    with_tls(&pg, &pki);
    let s3 = S3Server::start_tls(&pki.cert(), &pki.key());
    assert!(s3.url.starts_with("https://127.0.0.1:"));

    // With the authority that signed the servers' certificates: begun, added to, listed,
    // found, verified; the connection to the database is one over TLS.
    let team = connection(&over_tls(&pg), &s3.url, Some(&pki.ca));
    let cache = tempfile::tempdir().unwrap();
    let mut archive = Archive::open_team(cache.path(), &team, &trust()).unwrap();
    assert_eq!(tls_connections(&pg), 1);
    archive.begin_team(&[], fixed_now(), &test_key(1)).unwrap();
    let added = archive
        .add(
            draft(1).to_json().as_bytes(),
            fixed_now(),
            Some(&test_key(1)),
        )
        .unwrap();
    drop(archive);
    let fresh = tempfile::tempdir().unwrap();
    let archive = Archive::open_team(fresh.path(), &team, &trust()).unwrap();
    let found = archive.search("Versleuteld 1").unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, added.id);
    assert_eq!(
        archive.agreement(&added.id).unwrap().to_json(),
        draft(1).to_json()
    );
    drop(archive);
    let report = tweevoud::archive::verify_team(
        fresh.path(),
        &team,
        &trust(),
        fixed_now(),
        None,
        &mut |_| {},
    )
    .unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    assert_eq!(report.agreements, 1);

    // Another authority's certificate, or the system's authorities (none of which signed the
    // test's): the database refuses to be reached; nothing is written.
    let before = pg.rows("SELECT count(*) FROM tweevoud_log")[0][0].clone();
    for ca in [Some(pki.other_ca.as_str()), None] {
        let team = connection(&over_tls(&pg), &s3.url, ca);
        let cache = tempfile::tempdir().unwrap();
        let e = Archive::open_team(cache.path(), &team, &trust()).unwrap_err();
        let words = e.to_string();
        assert!(words.contains("the team archive's database"), "{words}");
        assert!(
            words.contains("certificate") || words.contains("UnknownIssuer"),
            "{words}"
        );
        assert!(!words.contains("password-of-the-test"), "{words}");
    }
    // The bucket alone checked against another authority (the database on this machine, in
    // clear): refused at its first request, nothing written.
    let team = connection(&pg.url, &s3.url, Some(&pki.other_ca));
    let cache = tempfile::tempdir().unwrap();
    let refused = Archive::open_team(cache.path(), &team, &trust()).and_then(|mut a| {
        a.add(
            draft(2).to_json().as_bytes(),
            fixed_now(),
            Some(&test_key(1)),
        )
    });
    let e = refused.unwrap_err();
    assert!(e.to_string().contains("no secure connection"), "{e}");
    assert!(!e.to_string().contains("secret-of-the-test"), "{e}");
    assert_eq!(pg.rows("SELECT count(*) FROM tweevoud_log")[0][0], before);
}

#[test]
fn archive_connect_records_the_ca_and_refuses_what_is_not_one() {
    let pki = pki();
    let pg = PgServer::start();
    with_tls(&pg, &pki);
    let s3 = S3Server::start_tls(&pki.cert(), &pki.key());
    let profile = tempfile::tempdir().unwrap();
    let connect = |ca: &Path| {
        Command::new(env!("CARGO_BIN_EXE_tweevoud"))
            .env("TWEEVOUD_DATA_DIR", profile.path())
            .env("TWEEVOUD_NOW", "2026-11-24T09:30:00+01:00")
            .env("TWEEVOUD_TEAM_DATABASE_PASSWORD", "password-of-the-test")
            .env("TWEEVOUD_TEAM_ACCESS_KEY_ID", "tweevoud")
            .env("TWEEVOUD_TEAM_SECRET_ACCESS_KEY", "secret-of-the-test")
            .args(["archive", "connect", "--database", &over_tls(&pg)])
            .args(["--objects", &s3.url, "--creator", &member().hex(), "--ca"])
            .arg(ca)
            .output()
            .unwrap()
    };
    let record = profile.path().join("team.json");

    // Not a certificate authority: refused with its code before anything is reached or
    // recorded.
    let bad = pki.dir.path().join("server.csr");
    let out = connect(&bad);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        cli::error_code(&out.stderr).as_deref(),
        Some("team_connection"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!record.exists());

    // One certificate more than a --ca file may hold (32): refused, nothing recorded.
    let mut most = pki.ca.clone();
    for _ in 1..32 {
        most.push_str(&pki.other_ca);
    }
    let too_many = pki.dir.path().join("too-many.pem");
    std::fs::write(&too_many, format!("{most}{}", pki.other_ca)).unwrap();
    let out = connect(&too_many);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("more than 32"),
        "{out:?}"
    );
    assert!(!record.exists());

    // The most a --ca file may hold, the authority that signed the servers' certificates
    // among them, read by the real binary under a CPU-time and memory limit: connected, and
    // the profile keeps it (its text: the file may go).
    let ca = pki.dir.path().join("most.pem");
    assert!(most.len() as u64 <= 64 * 1024);
    std::fs::write(&ca, &most).unwrap();
    let run = common::limited::run_limited(
        Path::new(env!("CARGO_BIN_EXE_tweevoud")),
        &[
            "archive".as_ref(),
            "connect".as_ref(),
            "--database".as_ref(),
            over_tls(&pg).as_ref(),
            "--objects".as_ref(),
            s3.url.as_ref(),
            "--creator".as_ref(),
            member().hex().as_ref(),
            "--ca".as_ref(),
            ca.as_os_str(),
        ],
        &[
            ("TWEEVOUD_DATA_DIR", profile.path().as_os_str()),
            ("TWEEVOUD_NOW", "2026-11-24T09:30:00+01:00".as_ref()),
            (
                "TWEEVOUD_TEAM_DATABASE_PASSWORD",
                "password-of-the-test".as_ref(),
            ),
            ("TWEEVOUD_TEAM_ACCESS_KEY_ID", "tweevoud".as_ref()),
            (
                "TWEEVOUD_TEAM_SECRET_ACCESS_KEY",
                "secret-of-the-test".as_ref(),
            ),
        ],
        pki.dir.path(),
        10,
        1024,
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let stdout = run.stdout;
    assert!(stdout.contains("certificate authorities"), "{stdout}");
    let kept = std::fs::read_to_string(&record).unwrap();
    assert!(kept.contains("-----BEGIN CERTIFICATE-----"), "{kept}");
    assert!(!kept.contains("secret-of-the-test"), "{kept}");
}
