//! The team archive through the `tweevoud` binary (#23; `docs/archive-team.md`): profiles
//! connect (`archive connect`), the creator begins it (`archive init`) and sets its members,
//! eight members add at once from eight processes, every archive command works on it, a
//! local archive is pushed into it, a member is killed and the database and the bucket go
//! away mid-add, and tampering in PostgreSQL and in the bucket is reported. One pair of real
//! servers (`common/servers.rs`) serves the whole file, a database and a bucket per stage;
//! the password and the secret never show in an output, a profile or the log.
#![cfg(feature = "cli")]

mod common;
#[path = "common/servers.rs"]
mod servers;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::Duration as Days;
use common::{dpa, fixed_now, set, test_key};
use servers::{put_raw_in, rows_at, sql_at, PgServer, S3Server};
use tweevoud::key::Fingerprint;
use tweevoud::{Agreement, Party};

/// The passphrase of every member's key.
const PASS: &str = "a long passphrase for the team";
/// The database's password and the bucket's secret, as a member gives them: neither may show
/// anywhere (the servers here do not ask for them: trust authentication, and moto takes any
/// signature; they are given all the same, as a member would).
const PASSWORD: &str = "db-pw-of-the-team-Q7x";
const SECRET: &str = "s3-secret-of-the-team-Z9k";

const WRITERS: u8 = 8;
const EACH: u32 = 50;

/// Everything the binary printed, to look for the secrets in at the end.
static SEEN: Mutex<Vec<u8>> = Mutex::new(Vec::new());

fn fingerprint(n: u8) -> String {
    Fingerprint::of_raw_public_key(test_key(n).verifying_key().as_bytes()).hex()
}

/// Member `n`'s profile under `root`: its key, test key `n`, named "Member n", stored as
/// `KeyStore` lays keys out, its secret sealed under a cheap scrypt (`common::cheap_kdf`:
/// sealing it at Tweevoud's own cost, then again cheaply, was a third of this test's CPU).
fn profile(root: &Path, n: u8) -> PathBuf {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    let dir = root.join(format!("m{n}"));
    if dir.exists() {
        return dir;
    }
    let plain = test_key(n).to_pkcs8_der().unwrap();
    let pem = common::cheap_kdf::sealed_cheaply(plain.as_bytes(), PASS);
    let key = tweevoud::UnlockedKey::import_pem(
        &pem,
        PASS,
        &format!("Member {n}"),
        Some("XIS"),
        None,
        fixed_now(),
    )
    .unwrap();
    let paths =
        tweevoud::KeyStore::open(&tweevoud::Profile::at(&dir)).paths(key.info().fingerprint());
    std::fs::create_dir_all(&paths.dir).unwrap();
    std::fs::write(&paths.secret, &pem).unwrap();
    std::fs::write(&paths.public, key.public().to_pem()).unwrap();
    std::fs::write(
        &paths.metadata,
        serde_json::to_string_pretty(key.info()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        tweevoud::KeyStore::open(&tweevoud::Profile::at(&dir))
            .unlock(&key.info().fingerprint().hex(), PASS)
            .unwrap()
            .info(),
        key.info()
    );
    dir
}

/// The binary on `profile`, with its passphrase, a fixed time and the team's secrets in the
/// environment (unless the profile reads them from a file: `uses-file` beside its keys).
fn tv(profile: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tweevoud"));
    cmd.env("TWEEVOUD_DATA_DIR", profile)
        .env("TWEEVOUD_PASSPHRASE", PASS)
        .env("TWEEVOUD_NOW", "2026-11-24T09:30:00+01:00")
        .env_remove("TWEEVOUD_PASSPHRASE_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if profile.join("uses-file").exists() {
        cmd.env_remove("TWEEVOUD_TEAM_DATABASE_PASSWORD")
            .env_remove("TWEEVOUD_TEAM_ACCESS_KEY_ID")
            .env_remove("TWEEVOUD_TEAM_SECRET_ACCESS_KEY");
    } else {
        cmd.env("TWEEVOUD_TEAM_DATABASE_PASSWORD", PASSWORD)
            .env("TWEEVOUD_TEAM_ACCESS_KEY_ID", "AKIDTEAM")
            .env("TWEEVOUD_TEAM_SECRET_ACCESS_KEY", SECRET);
    }
    cmd
}

fn seen(out: &Output) {
    let mut s = SEEN.lock().unwrap();
    s.extend_from_slice(&out.stdout);
    s.extend_from_slice(&out.stderr);
}

/// Runs `tweevoud ARGS` on `profile`: its exit code and its output.
fn run(profile: &Path, args: &[&str]) -> (i32, String, String) {
    let out = tv(profile).args(args).output().unwrap();
    seen(&out);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs it and asserts it succeeded: its standard output.
fn ok(profile: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(profile, args);
    assert_eq!(code, 0, "tweevoud {args:?}: {out}{err}");
    out
}

/// The code of an error line `tweevoud: error[CODE]: ...`.
fn code_of(stderr: &str) -> Option<&str> {
    stderr.lines().find_map(|l| {
        l.strip_prefix("tweevoud: error[")?
            .split_once(']')
            .map(|(c, _)| c)
    })
}

/// The codes of the problems `archive verify --json` found, and its exit code.
fn verify_codes(profile: &Path) -> (i32, Vec<String>) {
    let (code, out, err) = run(profile, &["archive", "verify", "--json"]);
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let codes = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect();
    (code, codes)
}

/// The ids of the agreements `archive list --json` lists.
fn listed(profile: &Path) -> BTreeSet<String> {
    let out = ok(profile, &["archive", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// The ids `archive add` reported stored ("FILE: archived as ID ...") in its output.
fn reported_stored(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| {
            let (_, rest) = l.split_once(": archived as ")?;
            Some(
                rest.split_whitespace()
                    .next()?
                    .trim_end_matches(',')
                    .to_string(),
            )
        })
        .collect()
}

/// Writer `n`'s agreement `i`, a draft for a customer of its own, written to `dir`.
fn draft_file(dir: &Path, n: u8, i: u32) -> PathBuf {
    let now = fixed_now() + Days::seconds(i64::from(n) * 1000 + i64::from(i));
    let mut a = Agreement::new(dpa(), Party::Provider, now);
    a.fill(
        Party::Customer,
        &set(&[("customer_name", &format!("Teamklant W{n}x{i} BV"))]),
        now,
    )
    .unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("w{n}-{i}.tweevoud"));
    std::fs::write(&path, a.to_json()).unwrap();
    path
}

fn drafts(dir: &Path, n: u8, range: std::ops::Range<u32>) -> Vec<String> {
    range
        .map(|i| draft_file(dir, n, i).to_str().unwrap().to_string())
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Connects `profile` to the database and bucket given (pinning member 1 as the creator,
/// unless it is member 1, which begins it).
fn connect(profile: &Path, database: &str, bucket: &str, creator: bool) -> String {
    let fp1 = fingerprint(1);
    let mut args = vec![
        "archive",
        "connect",
        "--database",
        database,
        "--objects",
        bucket,
    ];
    if creator {
        args.extend(["--creator", &fp1]);
    }
    ok(profile, &args)
}

/// A TCP relay in front of the bucket, which can cut every connection and refuse new ones
/// (the bucket gone from the network, its data kept), then come back on the same port.
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn start(target: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (u, o) = (up.clone(), open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if !u.load(Ordering::SeqCst) {
                    let _ = client.shutdown(std::net::Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let mut kept = o.lock().unwrap();
                kept.push(client.try_clone().unwrap());
                kept.push(server.try_clone().unwrap());
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16384];
                        while let Ok(n) = from.read(&mut buf) {
                            if n == 0 || to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        Relay { port, up, open }
    }

    /// Every connection cut, new ones closed at once.
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for s in self.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

fn spawn_add(profile: &Path, files: &[String]) -> Child {
    tv(profile)
        .args(["archive", "add"])
        .args(files)
        .spawn()
        .unwrap()
}

fn finish(child: Child) -> (i32, String, String) {
    let out = child.wait_with_output().unwrap();
    seen(&out);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_team_archive_through_the_binary() {
    let pg = PgServer::start();
    let s3 = S3Server::start();
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let started = Instant::now();
    eight_members_add_at_once(&pg, &s3, root);
    eprintln!("eight members: {:?}", started.elapsed());
    let t = Instant::now();
    commands_on_the_team_archive(&pg, &s3, root);
    push_a_local_archive(&pg, &s3, root);
    eprintln!("commands and push: {:?}", t.elapsed());
    let t = Instant::now();
    faults_lose_nothing_reported_stored(&pg, &s3, root);
    eprintln!("faults: {:?}", t.elapsed());
    let t = Instant::now();
    tampering_is_reported(&pg, &s3, root);
    eprintln!("tampering: {:?}", t.elapsed());
    no_secret_anywhere(&pg, root);
}

/// 8 writer processes, 8 member keys, 50 adds each at once: 400 entries in one chain,
/// `archive verify` clean, every agreement found by `archive search`.
fn eight_members_add_at_once(pg: &PgServer, s3: &S3Server, root: &Path) {
    let db = pg.database("eight");
    let bucket = s3.bucket("eight");
    let creator = profile(root, 1);
    // An address holding the password is refused, quoting nothing of it.
    let with_password = db.replace("tweevoud@", &format!("tweevoud:{PASSWORD}@"));
    let (code, out, err) = run(
        &creator,
        &[
            "archive",
            "connect",
            "--database",
            &with_password,
            "--objects",
            &bucket,
        ],
    );
    assert_eq!(
        (code, code_of(&err)),
        (2, Some("team_connection")),
        "{out}{err}"
    );
    assert!(!creator.join("team.json").exists());
    let said = connect(&creator, &db, &bucket, false);
    assert!(said.contains("not begun yet"), "{said}");
    // The creator begins it, with the other seven as members.
    let members: Vec<String> = (2..=WRITERS).map(fingerprint).collect();
    let mut args = vec!["archive", "init"];
    for m in &members {
        args.extend(["--member", m]);
    }
    let said = ok(&creator, &args);
    assert!(said.contains("8 member(s)"), "{said}");
    // Member 4 reads the secrets from a file only it may read; one others may read is
    // refused, and nothing is recorded.
    let m4 = profile(root, 4);
    std::fs::write(m4.join("uses-file"), "").unwrap();
    let file = m4.join("team-secrets");
    std::fs::write(
        &file,
        format!(
            "TWEEVOUD_TEAM_DATABASE_PASSWORD={PASSWORD}\nTWEEVOUD_TEAM_ACCESS_KEY_ID=AKIDTEAM\nTWEEVOUD_TEAM_SECRET_ACCESS_KEY={SECRET}\n"
        ),
    )
    .unwrap();
    let fp1 = fingerprint(1);
    let with_file = |mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        run(
            &m4,
            &[
                "archive",
                "connect",
                "--database",
                &db,
                "--objects",
                &bucket,
                "--secrets",
                s(&file),
                "--creator",
                &fp1,
            ],
        )
    };
    let (code, _, err) = with_file(0o644);
    assert_eq!((code, code_of(&err)), (2, Some("team_secrets")), "{err}");
    assert!(!m4.join("team.json").exists());
    let (code, out, err) = with_file(0o600);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("secrets from the file"), "{out}");
    for n in (2..=WRITERS).filter(|&n| n != 4) {
        let said = connect(&profile(root, n), &db, &bucket, true);
        assert!(said.contains("pinned"), "{said}");
    }
    // The record holds the addresses and the creator, never a secret.
    let record = std::fs::read_to_string(m4.join("team.json")).unwrap();
    assert!(record.contains(&db) && record.contains(&fp1), "{record}");

    let files = root.join("files");
    let lists: Vec<Vec<String>> = (1..=WRITERS).map(|n| drafts(&files, n, 0..EACH)).collect();
    let started = Instant::now();
    let children: Vec<Child> = (1..=WRITERS)
        .map(|n| spawn_add(&profile(root, n), &lists[usize::from(n) - 1]))
        .collect();
    let mut stored = BTreeSet::new();
    for child in children {
        let (code, out, err) = finish(child);
        assert_eq!(code, 0, "a member failed: {out}{err}");
        let ids = reported_stored(&out);
        assert_eq!(ids.len(), EACH as usize, "{out}");
        stored.extend(ids);
    }
    eprintln!("400 adds by 8 processes: {:?}", started.elapsed());
    let total = usize::from(WRITERS) * EACH as usize;
    assert_eq!(stored.len(), total);
    // One unbroken chain in the database: every place taken once, each entry after the one
    // before it.
    let rows = rows_at(&db, "SELECT seq, line FROM tweevoud_log ORDER BY seq");
    assert_eq!(rows.len(), total + 1);
    let mut prev: Option<String> = None;
    for (i, row) in rows.iter().enumerate() {
        let entry =
            tweevoud::archive::parse_log_line(row[1].as_deref().unwrap().as_bytes()).unwrap();
        assert_eq!(entry.seq, i as u64);
        assert_eq!(entry.prev.as_ref().map(|h| h.to_string()), prev);
        prev = Some(entry.hash.to_string());
    }
    // Verified clean by a member, named by its database without a password.
    let (code, out, err) = run(&profile(root, 5), &["archive", "verify"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("archive {db}: sound: {total} agreement(s)")),
        "{out}"
    );
    // Every agreement found by search, by any member.
    let out = ok(
        &profile(root, 8),
        &["archive", "search", "Teamklant", "--json"],
    );
    let found: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found: BTreeSet<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(found, stored);
    // A member connecting without --creator is told which key began the archive, and acts
    // on nothing until it pins it; a key that did not begin it is refused.
    let m2 = profile(root, 2);
    let said = ok(
        &m2,
        &[
            "archive",
            "connect",
            "--database",
            &db,
            "--objects",
            &bucket,
        ],
    );
    assert!(said.contains(&format!("begun by key {fp1}")), "{said}");
    let (code, _, err) = run(&m2, &["archive", "list"]);
    assert_eq!((code, code_of(&err)), (2, Some("team_connection")), "{err}");
    let fp2 = fingerprint(2);
    let (code, _, err) = run(
        &m2,
        &[
            "archive",
            "connect",
            "--database",
            &db,
            "--objects",
            &bucket,
            "--creator",
            &fp2,
        ],
    );
    assert_eq!((code, code_of(&err)), (2, Some("team_connection")), "{err}");
    connect(&m2, &db, &bucket, true);
    for (n, i) in [(1, 0), (4, 17), (8, EACH - 1)] {
        let out = ok(
            &profile(root, 2),
            &["archive", "search", &format!("W{n}x{i}")],
        );
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.contains(&format!("Teamklant W{n}x{i} BV")), "{out}");
    }
}

/// show, export, delete, rebuild-index and the members on the connected team archive.
fn commands_on_the_team_archive(_pg: &PgServer, _s3: &S3Server, root: &Path) {
    let (creator, m2, m8) = (profile(root, 1), profile(root, 2), profile(root, 8));
    let out = ok(&m2, &["archive", "search", "W3x7", "--json"]);
    let found: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = found[0]["id"].as_str().unwrap().to_string();
    let out = ok(&m2, &["archive", "show", &id[..12]]);
    assert!(out.contains(&format!("agreement {id}")), "{out}");
    assert!(out.contains("added, signed by key"), "{out}");
    let to = root.join("exported");
    ok(&m2, &["archive", "export", &id, "-o", s(&to)]);
    let written: Vec<_> = std::fs::read_dir(&to).unwrap().collect();
    assert_eq!(written.len(), 1);
    let text = std::fs::read_to_string(written[0].as_ref().unwrap().path()).unwrap();
    assert!(text.contains("Teamklant W3x7 BV"));
    // An erasure by a member: gone for every member, a tombstone in the log.
    let out = ok(
        &m2,
        &["archive", "delete", &id, "--reason", "erasure request"],
    );
    assert!(out.contains("tombstone at log entry"), "{out}");
    let (code, out, _) = run(&m8, &["archive", "search", "W3x7"]);
    assert_eq!(code, 1, "{out}");
    assert!(!listed(&m8).contains(&id));
    let out = ok(&m8, &["archive", "rebuild-index"]);
    assert!(out.contains("399 agreement(s)"), "{out}");
    // Only the creator sets the members; a member removed no longer writes.
    let (code, _, err) = run(&m2, &["archive", "members", "add", &fingerprint(9)]);
    assert_eq!(
        (code, code_of(&err)),
        (2, Some("members_not_creator")),
        "{err}"
    );
    let out = ok(&creator, &["archive", "members", "remove", &fingerprint(8)]);
    assert!(out.contains("7 member(s)"), "{out}");
    let file = draft_file(&root.join("files"), 8, 900);
    let out = ok(&m8, &["archive", "add", s(&file)]);
    let late = reported_stored(&out);
    assert!(!listed(&creator).contains(&late[0]), "not acted on");
    let (code, codes) = verify_codes(&creator);
    assert_eq!((code, codes), (1, vec!["log_not_member".to_string()]));
}

/// `archive push`: a local archive copied into a team archive, idempotent, its erasures
/// too; `disconnect` goes back to the local archive.
fn push_a_local_archive(pg: &PgServer, s3: &S3Server, root: &Path) {
    let m3 = profile(root, 3);
    let local = root.join("local-archive");
    let files = root.join("push-files");
    let mut four = drafts(&files, 3, 500..503);
    // And one complete, which member 3 signed for the provider: stored with its exemplars,
    // sealed by member 3's key.
    let complete = files.join("complete.tweevoud");
    std::fs::write(
        &complete,
        common::dpa_complete_by(&test_key(3), &test_key(2)).to_json(),
    )
    .unwrap();
    four.push(s(&complete).to_string());
    let mut args = vec!["archive", "add", "--archive-dir", s(&local)];
    args.extend(four.iter().map(String::as_str));
    let ids = reported_stored(&ok(&m3, &args));
    assert_eq!(ids.len(), 4);
    let exemplars = |args: &[&str]| -> BTreeSet<String> {
        let shown: serde_json::Value = serde_json::from_str(&ok(&m3, args)).unwrap();
        shown["objects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["kind"] == "exemplar")
            .map(|o| o["sha256"].as_str().unwrap().to_string())
            .collect()
    };
    let local_exemplars = exemplars(&[
        "archive",
        "show",
        "--archive-dir",
        s(&local),
        &ids[3],
        "--json",
    ]);
    assert_eq!(local_exemplars.len(), 2);
    ok(
        &m3,
        &[
            "archive",
            "delete",
            "--archive-dir",
            s(&local),
            &ids[2],
            "--reason",
            "asked",
        ],
    );
    let db = pg.database("pushed");
    let bucket = s3.bucket("pushed");
    ok(
        &m3,
        &[
            "archive",
            "connect",
            "--database",
            &db,
            "--objects",
            &bucket,
        ],
    );
    ok(&m3, &["archive", "init"]);
    let out = ok(&m3, &["archive", "push", "--archive-dir", s(&local)]);
    assert!(
        out.contains("3 agreement version(s) copied, 0 already there, 0 erased"),
        "{out}"
    );
    assert!(out.contains("1 version(s) not copied"), "{out}");
    assert_eq!(
        listed(&m3),
        [&ids[0], &ids[1], &ids[3]].into_iter().cloned().collect()
    );
    // The complete agreement's exemplars, made again and sealed by the same key: the very
    // objects of the local archive.
    assert_eq!(
        exemplars(&["archive", "show", &ids[3], "--json"]),
        local_exemplars
    );
    let out = ok(&m3, &["archive", "push", "--archive-dir", s(&local)]);
    assert!(
        out.contains("0 agreement version(s) copied, 3 already there, 0 erased"),
        "{out}"
    );
    // An erasure in the local archive is pushed as one.
    ok(
        &m3,
        &[
            "archive",
            "delete",
            "--archive-dir",
            s(&local),
            &ids[0],
            "--reason",
            "asked too",
        ],
    );
    let out = ok(&m3, &["archive", "push", "--archive-dir", s(&local)]);
    assert!(out.contains("1 erased"), "{out}");
    assert_eq!(
        listed(&m3),
        [&ids[1], &ids[3]].into_iter().cloned().collect()
    );
    let (code, codes) = verify_codes(&m3);
    assert_eq!((code, codes), (0, Vec::<String>::new()));
    // Back to the profile's own local archive (empty).
    let out = ok(&m3, &["archive", "disconnect"]);
    assert!(out.contains("disconnected from the team archive"), "{out}");
    assert!(listed(&m3).is_empty());
}

/// A member killed mid-add, the database stopped mid-add, the bucket gone mid-add: verify
/// is clean afterwards (an orphan object at most, a note), and every agreement an add
/// reported stored is there.
fn faults_lose_nothing_reported_stored(pg: &PgServer, s3: &S3Server, root: &Path) {
    let db = pg.database("faults");
    let moto = s3.bucket("faults");
    let target = moto
        .strip_prefix("http://")
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let relay = Relay::start(target);
    let bucket = format!("http://127.0.0.1:{}/faults", relay.port);
    let (creator, m6) = (profile(root, 1), profile(root, 6));
    connect(&creator, &db, &bucket, false);
    ok(&creator, &["archive", "init", "--member", &fingerprint(6)]);
    connect(&m6, &db, &bucket, true);
    let files = root.join("fault-files");
    let mut stored: BTreeSet<String> = BTreeSet::new();
    // How long 10 adds take here, so that the faults fall inside one.
    let started = Instant::now();
    let (code, out, err) = finish(spawn_add(&m6, &drafts(&files, 6, 0..10)));
    assert_eq!(code, 0, "{out}{err}");
    stored.extend(reported_stored(&out));
    let one = started.elapsed() / 10;
    eprintln!("one add: {one:?}");
    let mut next = 10;
    let mut batch = |n: u32| {
        let b = drafts(&files, 6, next..next + n);
        next += n;
        b
    };
    // Killed with SIGKILL, at three moments.
    for k in [2, 5, 8] {
        let child = spawn_add(&m6, &batch(10));
        std::thread::sleep(one * k + one / 3);
        let mut child = child;
        child.kill().unwrap();
        let (_, out, _) = finish(child);
        stored.extend(reported_stored(&out));
    }
    // The database stopped mid-add, then started again.
    let child = spawn_add(&m6, &batch(10));
    std::thread::sleep(one * 4 + one / 2);
    pg.stop();
    let (code, out, err) = finish(child);
    stored.extend(reported_stored(&out));
    assert_eq!((code, code_of(&err)), (2, Some("archive_io")), "{out}{err}");
    pg.start_again();
    // The bucket gone mid-add, then back.
    let child = spawn_add(&m6, &batch(10));
    std::thread::sleep(one * 4 + one / 2);
    relay.cut();
    let (code, out, err) = finish(child);
    stored.extend(reported_stored(&out));
    assert_eq!((code, code_of(&err)), (2, Some("archive_io")), "{out}{err}");
    relay.restore();
    // Clean (orphans are notes), and nothing reported stored is missing.
    let (code, codes) = verify_codes(&creator);
    assert_eq!((code, codes), (0, Vec::<String>::new()));
    let there = listed(&creator);
    assert!(stored.len() >= 10 && stored.is_subset(&there), "{stored:?}");
    // The member carries on where it stopped.
    let (code, out, err) = finish(spawn_add(&m6, &batch(2)));
    assert_eq!(code, 0, "{out}{err}");
}

/// One tampering: `tamper` done, `archive verify` exits 1 and reports `code`; then `undo`
/// done, and verify finds the archive sound again (when `undo` is given).
fn tampered(profile: &Path, code: &str, tamper: impl FnOnce(), undo: Option<&dyn Fn()>) {
    tamper();
    let (exit, codes) = verify_codes(profile);
    assert_eq!(exit, 1, "{codes:?}");
    assert!(codes.iter().any(|c| c == code), "{code} in {codes:?}");
    if let Some(undo) = undo {
        undo();
        assert_eq!(verify_codes(profile), (0, vec![]));
    }
}

/// Tampering in PostgreSQL (a row of the index changed, a log row re-signed by a non-member,
/// changed, deleted) and in the bucket (an object replaced): `archive verify` exits 1 with
/// its code.
fn tampering_is_reported(pg: &PgServer, s3: &S3Server, root: &Path) {
    let db = pg.database("tamper");
    let bucket = s3.bucket("tamper");
    let (creator, m7) = (profile(root, 1), profile(root, 7));
    connect(&creator, &db, &bucket, false);
    ok(&creator, &["archive", "init", "--member", &fingerprint(7)]);
    connect(&m7, &db, &bucket, true);
    let files = drafts(&root.join("tamper-files"), 7, 0..3);
    let mut args = vec!["archive", "add", "--json"];
    args.extend(files.iter().map(String::as_str));
    let added: serde_json::Value = serde_json::from_str(&ok(&m7, &args)).unwrap();
    assert_eq!(verify_codes(&creator), (0, vec![]));
    // `tweevoud verify FILE` on a connected profile compares the file with the team archive:
    // a stored agreement file is found there (by the creator, who did not add it), another
    // is unknown to it.
    let archived = |profile: &Path, file: &str| {
        let (_, out, err) = run(profile, &["verify", "--json", file]);
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}"));
        v["archive"].clone()
    };
    let found = archived(&creator, &files[0]);
    assert_eq!(found["status"], "agreement_file", "{found}");
    assert_eq!(found["agreement"]["id"], added[0]["id"], "{found}");
    let other = drafts(&root.join("tamper-other"), 6, 0..1);
    assert_eq!(archived(&creator, &other[0])["status"], "unknown");

    // An agreement file replaced in the bucket.
    let sha = added[0]["objects"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let key = format!("objects/{}/{sha}", &sha[..2]);
    let original = std::fs::read(&files[0]).unwrap();
    tampered(
        &creator,
        "object_corrupt",
        || put_raw_in(&bucket, &key, &std::fs::read(&files[1]).unwrap()),
        Some(&|| put_raw_in(&bucket, &key, &original)),
    );

    // A row of the index changed: `archive search` no longer shows it (the member's own
    // index holds another), and `rebuild-index` makes the database's rows again.
    let id = added[0]["id"].as_str().unwrap().to_string();
    let customer = added[0]["customer"].as_str().unwrap().to_string();
    assert!(ok(&m7, &["archive", "search", &customer]).contains(&id[..12]));
    tampered(
        &creator,
        "index_mismatch",
        || {
            let n = sql_at(
                &db,
                &format!(
                    "UPDATE tweevoud_index SET customer = 'Iemand Anders BV' WHERE id = '{id}'"
                ),
            );
            assert_eq!(n, 1);
            assert!(!listed(&m7).contains(&id));
        },
        Some(&|| {
            ok(&creator, &["archive", "rebuild-index"]);
            assert!(ok(&m7, &["archive", "search", &customer]).contains(&id[..12]));
        }),
    );

    let line = |seq: u32| {
        rows_at(
            &db,
            &format!("SELECT line FROM tweevoud_log WHERE seq = {seq}"),
        )[0][0]
            .clone()
            .unwrap()
    };
    let set_line = |seq: u32, text: &str| {
        let n = sql_at(
            &db,
            &format!(
                "UPDATE tweevoud_log SET line = '{}' WHERE seq = {seq}",
                text.replace('\'', "''")
            ),
        );
        assert_eq!(n, 1);
    };
    // The last row re-signed by a key that is no member: its chain and signature hold.
    let last = line(3);
    let mut entry = tweevoud::archive::parse_log_line(last.as_bytes()).unwrap();
    let outsider = test_key(9);
    entry.signed_by = Some(tweevoud::archive::Sha256Hex::from_bytes(
        Fingerprint::of_raw_public_key(outsider.verifying_key().as_bytes()).as_bytes(),
    ));
    entry.hash = tweevoud::archive::entry_hash(&entry);
    {
        use base64::Engine;
        use ed25519_dalek::Signer;
        let b64 = base64::engine::general_purpose::STANDARD;
        let message = tweevoud::archive::signature_message(&entry.hash);
        entry.signature = Some(tweevoud::archive::LogSignature {
            public_key: b64.encode(outsider.verifying_key().as_bytes()),
            value: b64.encode(outsider.sign(&message).to_bytes()),
        });
    }
    let resigned = String::from_utf8(entry.to_line()).unwrap();
    // (The member's cache, which read the entry before, no longer matches it either.)
    tampered(
        &creator,
        "log_not_member",
        || set_line(3, resigned.trim_end()),
        Some(&|| set_line(3, &last)),
    );
    // A row changed.
    let original = line(2);
    let changed = original.replace("T09:30:00", "T09:31:00");
    assert_ne!(changed, original);
    tampered(&creator, "log_altered", || set_line(2, &changed), None);
    // A row deleted.
    tampered(
        &creator,
        "log_out_of_sequence",
        || assert_eq!(sql_at(&db, "DELETE FROM tweevoud_log WHERE seq = 2"), 1),
        None,
    );
}

/// The password and the secret are in no output, no file of any profile (but the secrets
/// file its member wrote) and no row of any log.
fn no_secret_anywhere(pg: &PgServer, root: &Path) {
    let seen = SEEN.lock().unwrap();
    let text = String::from_utf8_lossy(&seen);
    assert!(!text.is_empty());
    for secret in [PASSWORD, SECRET] {
        assert!(!text.contains(secret), "{secret} in an output");
    }
    let mut stack = vec![root.to_path_buf()];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "team-secrets") {
                let bytes = std::fs::read(&path).unwrap();
                files += 1;
                for secret in [PASSWORD, SECRET] {
                    assert!(
                        !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                        "{secret} in {}",
                        path.display()
                    );
                }
            }
        }
    }
    assert!(files > 20);
    for db in ["eight", "pushed", "faults", "tamper"] {
        let url = pg.url.replace("/postgres", &format!("/{db}"));
        let rows = rows_at(&url, "SELECT line FROM tweevoud_log");
        assert!(!rows.is_empty());
        for row in rows {
            let line = row[0].as_deref().unwrap();
            assert!(!line.contains(PASSWORD) && !line.contains(SECRET));
        }
    }
}
