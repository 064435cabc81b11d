//! A hostile archive: log lines forged by whoever can write the archive's directory (a path,
//! `/dev/zero` or a short string as an object hash, an unsigned entry, an entry signed with
//! another key), objects and logs replaced by devices and pipes, a log cut back or rebuilt
//! with a fresh key. Each is reported by `archive verify` with its code; no command reads or
//! deletes anything outside the archive, hangs, or panics. The binary runs as a child
//! process with a time limit, so that a regression fails a test instead of the runner.
//!
//! `TWEEVOUD_FUZZ_SEEDS=fuzz/seeds cargo test --test archive_hostile write_fuzz_seeds` writes
//! the lines and index rows of a real archive, and forged ones, as seeds of the `log_line` and
//! `index_row` fuzz targets (`scripts/harden.sh` does).

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{at, dpa_complete, dpa_provider_signed, set, test_key};
use serde_json::Value;
use tweevoud::archive::{self, LogEntry, ProblemCode};
use tweevoud::{Agreement, Archive, KeyStore, Party, Profile};

const PASS: &str = "a long passphrase for the log";

/// The profile's own key.
fn key() -> ed25519_dalek::SigningKey {
    test_key(1)
}

/// A temporary profile whose own key "Tom Hendrix" is [`key`], and an archive beside it.
struct Setup {
    tmp: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        let tmp = tempfile::tempdir().unwrap();
        let pem = key()
            .to_pkcs8_encrypted_pem(&mut rand_core::OsRng, PASS, Default::default())
            .unwrap();
        KeyStore::open(&Profile::at(tmp.path().join("data")))
            .import(&pem, PASS, "Tom Hendrix", Some("XIS"), None, at(8))
            .unwrap();
        // Every test starts the binary with this profile, several times.
        common::cheap_kdf::reseal_cheaply(&tmp.path().join("data"), PASS);
        let setup = Setup { tmp };
        fs::create_dir_all(setup.dir()).unwrap();
        fs::write(setup.canary(), b"must survive").unwrap();
        setup
    }

    fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    fn dir(&self) -> PathBuf {
        self.tmp.path().join("archive")
    }

    /// A file outside the archive that nothing may read or remove.
    fn canary(&self) -> PathBuf {
        self.tmp.path().join("canary")
    }

    fn checkpoint(&self) -> PathBuf {
        Profile::at(self.data()).archive_checkpoint(&self.dir())
    }

    /// The archive, open as the CLI opens it to write.
    fn archive(&self) -> Archive {
        Archive::open(&self.dir())
            .unwrap()
            .with_checkpoint(self.checkpoint())
    }

    fn log(&self) -> PathBuf {
        self.dir().join("log.jsonl")
    }

    fn append_line(&self, line: &str) {
        let mut text = fs::read_to_string(self.log()).unwrap();
        text.push_str(line);
        text.push('\n');
        fs::write(self.log(), text).unwrap();
    }

    /// Runs the binary with this profile, at most 60 s: never killed by a signal.
    fn run(&self, args: &[&str]) -> Output {
        let child = Command::new(assert_cmd::cargo::cargo_bin("tweevoud"))
            .args(args)
            .env("TWEEVOUD_NOW", "2026-11-24T09:30:00+01:00")
            .env("TWEEVOUD_DATA_DIR", self.data())
            .env("TWEEVOUD_PASSPHRASE", PASS)
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let started = Instant::now();
        let done = std::thread::spawn(move || child.wait_with_output().unwrap());
        while !done.is_finished() {
            if started.elapsed() > Duration::from_secs(60) {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                panic!("{args:?} ran for more than 60 s (reading a device or a pipe?)");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = done.join().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.code().is_some(),
            "{args:?} was killed by a signal: {all}"
        );
        assert!(!all.contains("panicked"), "{args:?} panicked: {all}");
        out
    }

    /// `archive <args> --archive-dir DIR`.
    fn archive_cmd(&self, args: &[&str]) -> Output {
        let dir = self.dir();
        let mut all = vec!["archive"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--archive-dir", dir.to_str().unwrap()]);
        self.run(&all)
    }

    /// The codes `archive verify --json` reports (exit 1 expected).
    fn verify_codes(&self) -> Vec<String> {
        let out = self.archive_cmd(&["verify", "--json"]);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
            panic!(
                "verify did not report: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        assert_eq!(out.status.code(), Some(1), "{report:#}");
        report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap().to_string())
            .collect()
    }

    /// Every command that reads or writes the archive, on agreement `id`: none ends by a
    /// signal or a panic, and the canary outside the archive survives.
    fn every_command_is_safe(&self, id: &str) {
        let out = self.tmp.path().join("out");
        for args in [
            vec!["list"],
            vec!["search", "Zwarte"],
            vec!["show", id],
            vec![
                "export",
                id,
                "-o",
                out.to_str().unwrap(),
                "--key",
                "Tom Hendrix",
            ],
            vec!["delete", id, "--reason", "test", "--key", "Tom Hendrix"],
            vec!["verify", "--key", "Tom Hendrix"],
            vec!["rebuild-index"],
            vec!["delete", id, "--reason", "test", "--key", "Tom Hendrix"],
        ] {
            let o = self.archive_cmd(&args);
            assert!(matches!(o.status.code(), Some(0..=2)), "{args:?}: {o:?}");
            assert_eq!(
                fs::read(self.canary()).unwrap(),
                b"must survive",
                "{args:?} touched a file outside the archive"
            );
        }
    }
}

fn bytes(a: &Agreement) -> Vec<u8> {
    a.to_json().into_bytes()
}

/// A line of the log, re-serialized with one member replaced (the hash left as it was: a
/// forged line need not hold together to be dangerous).
fn forged(entry: &LogEntry, path: &[&str], value: &str) -> String {
    let mut v = serde_json::to_value(entry).unwrap();
    let mut at = &mut v;
    for (i, p) in path.iter().enumerate() {
        at = match p.parse::<usize>() {
            Ok(n) => &mut at[n],
            Err(_) => &mut at[*p],
        };
        if i == path.len() - 1 {
            *at = Value::String(value.into());
        }
    }
    v.to_string()
}

/// Makes the forged value of a member, for a setup.
type Forge = fn(&Setup) -> String;

#[test]
fn fail_forged_object_hashes_are_reported_and_never_become_paths() {
    let canary_value = |s: &Setup| s.canary().to_str().unwrap().to_string();
    let cases: [(&str, Forge); 6] = [
        ("absolute path", canary_value),
        ("/dev/zero", |_| "/dev/zero".into()),
        ("relative path", |_| "../canary".into()),
        ("short", |_| "ab".into()),
        ("non-hex", |_| "zz".repeat(32)),
        ("upper case", |_| "AB".repeat(32)),
    ];
    for (what, value) in cases {
        let s = Setup::new();
        let mut ar = s.archive();
        let added = ar
            .add(&bytes(&dpa_complete()), at(16), Some(&key()))
            .unwrap();
        let exported = ar
            .export(&added.id, &s.tmp.path().join("x"), at(17), Some(&key()))
            .unwrap();
        drop(ar);
        assert_eq!(exported.id, added.id);
        let last: LogEntry =
            serde_json::from_str(fs::read_to_string(s.log()).unwrap().lines().last().unwrap())
                .unwrap();
        // A tombstone that names the canary as an object to erase.
        let mut tomb = last.clone();
        tomb.seq += 1;
        tomb.event = archive::LogEvent::Deleted;
        tomb.prev = Some(last.hash.clone());
        tomb.reason = Some("forged".into());
        s.append_line(&forged(&tomb, &["objects", "0", "sha256"], &value(&s)));
        let codes = s.verify_codes();
        assert!(codes.contains(&"log_bad_hash".into()), "{what}: {codes:?}");
        s.every_command_is_safe(&added.id);
    }
}

#[test]
fn fail_forged_agreement_id_and_fingerprint() {
    for path in [&["agreement"][..], &["signed_by"], &["prev"], &["hash"]] {
        let s = Setup::new();
        let mut ar = s.archive();
        let added = ar
            .add(&bytes(&dpa_complete()), at(16), Some(&key()))
            .unwrap();
        drop(ar);
        let last: LogEntry =
            serde_json::from_str(fs::read_to_string(s.log()).unwrap().lines().last().unwrap())
                .unwrap();
        let mut next = last.clone();
        next.seq += 1;
        next.prev = Some(last.hash.clone());
        s.append_line(&forged(&next, path, "../../../canary"));
        let codes = s.verify_codes();
        assert!(
            codes.contains(&"log_bad_hash".into()),
            "{path:?}: {codes:?}"
        );
        s.every_command_is_safe(&added.id);
    }
}

#[test]
fn fail_objects_and_log_that_are_devices_pipes_or_links() {
    // An object replaced by a link to /dev/zero, and one by a pipe.
    for kind in ["zero", "fifo", "link-out"] {
        let s = Setup::new();
        let mut ar = s.archive();
        let added = ar
            .add(&bytes(&dpa_complete()), at(16), Some(&key()))
            .unwrap();
        drop(ar);
        let sha = added.objects[0].sha256.as_str();
        let path = s.dir().join("objects").join(&sha[..2]).join(sha);
        fs::remove_file(&path).unwrap();
        match kind {
            "zero" => std::os::unix::fs::symlink("/dev/zero", &path).unwrap(),
            "fifo" => assert!(Command::new("mkfifo")
                .arg(&path)
                .status()
                .unwrap()
                .success()),
            _ => std::os::unix::fs::symlink(s.canary(), &path).unwrap(),
        }
        let codes = s.verify_codes();
        assert!(
            codes.iter().any(|c| c.starts_with("object_")),
            "{kind}: {codes:?}"
        );
        s.every_command_is_safe(&added.id);
    }
    // The log itself a link to /dev/zero.
    let s = Setup::new();
    let mut ar = s.archive();
    let added = ar
        .add(&bytes(&dpa_complete()), at(16), Some(&key()))
        .unwrap();
    drop(ar);
    fs::remove_file(s.log()).unwrap();
    std::os::unix::fs::symlink("/dev/zero", s.log()).unwrap();
    let codes = s.verify_codes();
    assert!(codes.contains(&"log_unreadable".into()), "{codes:?}");
    s.every_command_is_safe(&added.id);
}

#[test]
fn fail_unsigned_and_foreign_entries() {
    let s = Setup::new();
    let mut ar = s.archive();
    ar.add(&bytes(&dpa_provider_signed()), at(11), Some(&key()))
        .unwrap();
    // Written by someone without the profile's key: unsigned, then with a key of their own.
    let mut stranger = Archive::open(&s.dir()).unwrap();
    stranger.add(&bytes(&dpa_complete()), at(12), None).unwrap();
    let added = stranger
        .add(
            &bytes(&complete_with_customer("Kat", 3)),
            at(13),
            Some(&test_key(9)),
        )
        .unwrap();
    drop((ar, stranger));
    let codes = s.verify_codes();
    assert!(codes.contains(&"log_unsigned".into()), "{codes:?}");
    assert!(codes.contains(&"log_foreign_signature".into()), "{codes:?}");
    // The library says the same, by code.
    let trust = archive::Trust::keys(vec![tweevoud::key::Fingerprint::of_raw_public_key(
        key().verifying_key().as_bytes(),
    )]);
    let report = archive::verify_trusted(&s.dir(), &trust, at(20), None, &mut |_| {}).unwrap();
    assert!(report.has(ProblemCode::LogUnsigned));
    assert!(report.has(ProblemCode::LogForeignSignature));
    assert!(report.logged.is_none());
    s.every_command_is_safe(&added.id);
}

#[test]
fn fail_log_cut_back_to_an_earlier_entry() {
    let s = Setup::new();
    let mut ar = s.archive();
    let first = ar
        .add(&bytes(&dpa_provider_signed()), at(11), Some(&key()))
        .unwrap();
    ar.add(&bytes(&dpa_complete()), at(12), Some(&key()))
        .unwrap();
    ar.add(
        &bytes(&complete_with_customer("Kat", 4)),
        at(13),
        Some(&key()),
    )
    .unwrap();
    drop(ar);
    // Cut the log back to its first entry and rebuild the index to match: the chain holds.
    let text = fs::read_to_string(s.log()).unwrap();
    fs::write(s.log(), text.lines().next().unwrap().to_string() + "\n").unwrap();
    Archive::rebuild_index(&s.dir()).unwrap();
    let codes = s.verify_codes();
    assert_eq!(codes, ["log_truncated"]);
    // Nothing more is written to it.
    let file = s.tmp.path().join("a.tweevoud");
    complete_with_customer("Kat", 5).save(&file).unwrap();
    let out = s.archive_cmd(&["add", file.to_str().unwrap(), "--key", "Tom Hendrix"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        cli::error_code(&out.stderr).as_deref(),
        Some("checkpoint_mismatch"),
        "{out:?}"
    );
    s.every_command_is_safe(&first.id);
}

#[test]
fn fail_log_rebuilt_with_a_fresh_key() {
    let s = Setup::new();
    let mut ar = s.archive();
    ar.add(&bytes(&dpa_complete()), at(11), Some(&key()))
        .unwrap();
    ar.add(
        &bytes(&complete_with_customer("Kat", 6)),
        at(12),
        Some(&key()),
    )
    .unwrap();
    drop(ar);
    // Everything but the objects thrown away, and a chain written anew from the first entry.
    fs::remove_file(s.log()).unwrap();
    for f in ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"] {
        let _ = fs::remove_file(s.dir().join(f));
    }
    let fresh = test_key(7);
    let mut ar = Archive::open(&s.dir()).unwrap();
    let kept = ar
        .add(&bytes(&dpa_complete()), at(11), Some(&fresh))
        .unwrap();
    ar.add(
        &bytes(&complete_with_customer("Kat", 8)),
        at(12),
        Some(&fresh),
    )
    .unwrap();
    drop(ar);
    let codes = s.verify_codes();
    assert!(codes.contains(&"log_rebuilt".into()), "{codes:?}");
    assert!(codes.contains(&"log_foreign_signature".into()), "{codes:?}");
    s.every_command_is_safe(&kept.id);
}

#[test]
fn a_long_customer_name_exports() {
    let s = Setup::new();
    let name: String = "Brouwerij De Zwarte Kat Élégance "
        .repeat(7)
        .chars()
        .take(200)
        .collect();
    assert_eq!(name.chars().count(), 200);
    let file = s.tmp.path().join("long.tweevoud");
    complete_with_customer(&name, 9).save(&file).unwrap();
    let out = s.archive_cmd(&[
        "add",
        file.to_str().unwrap(),
        "--key",
        "Tom Hendrix",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let added: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = added[0]["id"].as_str().unwrap().to_string();
    let dest = s.tmp.path().join("out");
    let out = s.archive_cmd(&[
        "export",
        &id,
        "-o",
        dest.to_str().unwrap(),
        "--key",
        "Tom Hendrix",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let names: Vec<String> = fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().all(|n| n.len() <= 255), "{names:?}");
    assert!(names
        .iter()
        .any(|n| n.starts_with("Brouwerij-De-Zwarte-Kat-")));
    let out = s.archive_cmd(&["verify"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

/// The pre-signed DPA countersigned by a customer of this name.
fn complete_with_customer(name: &str, n: u32) -> Agreement {
    let mut a = dpa_provider_signed();
    a.fill(
        Party::Customer,
        &set(&[
            ("customer_name", name),
            ("customer_address", "Markt 1\n3500 Hasselt"),
            ("customer_enterprise_number", &enterprise_number(n)),
            ("customer_signatory_name", "Klant Vertegenwoordiger"),
            ("customer_signatory_function", "Zaakvoerder"),
        ]),
        at(14),
    )
    .unwrap();
    a.sign(&test_key(2), Party::Customer, None, None, at(15))
        .unwrap();
    a
}

/// A valid Belgian enterprise number made from `n` (mod-97 check digits).
fn enterprise_number(n: u32) -> String {
    let base = 10_000_000 + n;
    let check = 97 - base % 97;
    let digits = format!("{base:08}{check:02}");
    format!("{}.{}.{}", &digits[..4], &digits[4..7], &digits[7..])
}

/// The columns of an index row, in the order `parse_index_row` takes them.
const INDEX_COLUMNS: &str = "id, status, awaiting, template, template_sha256, title, provider, \
    provider_enterprise_number, customer, customer_enterprise_number, created, signed, archived, \
    updated, object, root, head, text_sha256";

/// An index row as the `index_row` fuzz target reads it: columns separated by U+001F, NULL
/// as a single NUL.
fn row_seed(cols: &[Option<String>]) -> String {
    cols.iter()
        .map(|c| c.as_deref().unwrap_or("\0"))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// Writes seeds for the `log_line` and `index_row` fuzz targets under `TWEEVOUD_FUZZ_SEEDS`
/// (nothing without it): every line and index row of an archive that saw every event, and
/// lines and rows forged as an attacker who can write the archive's directory would.
#[test]
fn write_fuzz_seeds() {
    let Some(to) = std::env::var_os("TWEEVOUD_FUZZ_SEEDS") else {
        return;
    };
    let to = PathBuf::from(to);
    let (lines_dir, rows_dir) = (to.join("log_line"), to.join("index_row"));
    fs::create_dir_all(&lines_dir).unwrap();
    fs::create_dir_all(&rows_dir).unwrap();

    // Every event: added, updated, exported, verified, deleted; and entries written without
    // the profile's key (unsigned, and signed with a foreign key).
    let s = Setup::new();
    let mut ar = s.archive();
    let first = ar
        .add(&bytes(&dpa_provider_signed()), at(11), Some(&key()))
        .unwrap();
    ar.add(&bytes(&dpa_complete()), at(12), Some(&key()))
        .unwrap();
    let kat = ar
        .add(
            &bytes(&complete_with_customer("Brouwerij De Zwarte Kat BV", 3)),
            at(13),
            Some(&key()),
        )
        .unwrap();
    // Exported to a directory of a fixed name, so that the entry (which names it) is the same
    // seed from one run to the next.
    let out = std::env::temp_dir().join("tweevoud-fuzz-seeds-export");
    let _ = fs::remove_dir_all(&out);
    ar.export(&kat.id, &out, at(14), Some(&key())).unwrap();
    fs::remove_dir_all(&out).unwrap();
    drop(ar);
    archive::verify(&s.dir(), at(15), Some(&key()), &mut |_| {}).unwrap();
    let mut ar = s.archive();
    ar.delete(&first.id, "seeds", at(16), Some(&key())).unwrap();
    drop(ar);
    let mut stranger = Archive::open(&s.dir()).unwrap();
    stranger
        .add(
            &bytes(&complete_with_customer("Élégance & Zonen", 4)),
            at(17),
            None,
        )
        .unwrap();
    stranger
        .add(
            &bytes(&complete_with_customer("Kat", 5)),
            at(18),
            Some(&test_key(9)),
        )
        .unwrap();
    drop(stranger);

    let text = fs::read_to_string(s.log()).unwrap();
    let entries: Vec<LogEntry> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (line, e) in text.lines().zip(&entries) {
        let name = match (&e.signed_by, e.signed_by == entries[0].signed_by) {
            (None, _) => "unsigned",
            (Some(_), true) => "signed",
            (Some(_), false) => "fail_foreign-signature",
        };
        let file = format!("{}-{}-{name}.jsonl", e.seq, e.event.as_str());
        fs::write(lines_dir.join(file), line).unwrap();
    }
    let added = entries
        .iter()
        .find(|e| e.event == archive::LogEvent::Added)
        .unwrap();
    // An absolute path outside the archive (a fixed one: the seeds stay the same).
    let canary = "/home/tweevoud/canary".to_string();
    for (name, path, value) in [
        (
            "absolute-path-hash",
            &["objects", "0", "sha256"][..],
            canary.as_str(),
        ),
        ("dev-zero", &["objects", "0", "sha256"], "/dev/zero"),
        ("relative-path", &["objects", "1", "sha256"], "../canary"),
        ("short-hash", &["hash"], "ab"),
        ("upper-case-agreement", &["agreement"], &"AB".repeat(32)),
        ("path-as-key", &["signed_by"], "../../../canary"),
        ("path-as-prev", &["prev"], "/dev/zero"),
    ] {
        fs::write(
            lines_dir.join(format!("fail_{name}.jsonl")),
            forged(added, path, value),
        )
        .unwrap();
    }
    let mut huge_seq = serde_json::to_value(added).unwrap();
    huge_seq["seq"] = u64::MAX.into();
    fs::write(lines_dir.join("fail_huge-seq.jsonl"), huge_seq.to_string()).unwrap();

    let conn = rusqlite::Connection::open_with_flags(
        s.dir().join("index.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let mut select = conn
        .prepare(&format!(
            "SELECT {INDEX_COLUMNS} FROM agreements ORDER BY id"
        ))
        .unwrap();
    let rows: Vec<Vec<Option<String>>> = select
        .query_map([], |r| (0..18).map(|i| r.get(i)).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(rows.len() >= 2, "{rows:?}");
    for (i, row) in rows.iter().enumerate() {
        fs::write(rows_dir.join(format!("row-{i}.txt")), row_seed(row)).unwrap();
    }
    let row = &rows[0];
    let with = |at: usize, value: Option<&str>| {
        let mut r = row.clone();
        r[at] = value.map(str::to_string);
        row_seed(&r)
    };
    for (name, seed) in [
        ("absolute-path-id", with(0, Some(&canary))),
        ("dev-zero-object", with(14, Some("/dev/zero"))),
        ("short-template-hash", with(4, Some("ab"))),
        ("null-id", with(0, None)),
        (
            "long-title",
            with(5, Some(&"x".repeat(archive::MAX_INDEX_FIELD_BYTES + 1))),
        ),
        ("columns-missing", row_seed(&row[..17])),
    ] {
        fs::write(rows_dir.join(format!("fail_{name}.txt")), seed).unwrap();
    }
}

/// Every file under the archive's `objects/`, by name, with its bytes.
fn objects_on_disk(s: &Setup) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut found = std::collections::BTreeMap::new();
    for sub in fs::read_dir(s.dir().join("objects")).unwrap() {
        for f in fs::read_dir(sub.unwrap().path()).unwrap() {
            let f = f.unwrap();
            found.insert(
                f.file_name().into_string().unwrap(),
                fs::read(f.path()).unwrap(),
            );
        }
    }
    found
}

/// The last entry of the log.
fn last_entry(s: &Setup) -> LogEntry {
    serde_json::from_str(fs::read_to_string(s.log()).unwrap().lines().last().unwrap()).unwrap()
}

/// Appends an entry after the last one, well chained, with its hash right: unsigned, or
/// signed by `key`.
fn append_entry(
    s: &Setup,
    event: archive::LogEvent,
    agreement: &str,
    objects: Vec<archive::LoggedObject>,
    key: Option<&ed25519_dalek::SigningKey>,
) {
    use base64::Engine as _;
    use ed25519_dalek::Signer as _;
    let last = last_entry(s);
    let mut e = last.clone();
    e.seq = last.seq + 1;
    e.prev = Some(last.hash.clone());
    e.event = event;
    e.agreement = Some(tweevoud::archive::AgreementId::parse(agreement).unwrap());
    e.objects = objects;
    e.reason = (event == archive::LogEvent::Deleted).then(|| "forged".to_string());
    e.note = None;
    e.archive = None;
    e.signature = None;
    e.signed_by = key.map(|k| {
        tweevoud::archive::Sha256Hex::parse(
            &tweevoud::key::Fingerprint::of_raw_public_key(k.verifying_key().as_bytes()).hex(),
        )
        .unwrap()
    });
    e.hash = archive::entry_hash(&e);
    if let Some(k) = key {
        let b64 = base64::engine::general_purpose::STANDARD;
        e.signature = Some(archive::LogSignature {
            public_key: b64.encode(k.verifying_key().as_bytes()),
            value: b64.encode(k.sign(&archive::signature_message(&e.hash)).to_bytes()),
        });
    }
    s.append_line(String::from_utf8(e.to_line()).unwrap().trim_end());
}

/// `archive list --json`: the ids.
fn listed(s: &Setup) -> Vec<String> {
    let out = s.archive_cmd(&["list", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn fail_unsigned_tombstone_and_forged_added_entries_change_nothing() {
    // Unsigned, and signed by a key that is not the profile's: neither is acted on.
    for stranger in [None, Some(test_key(9))] {
        let s = Setup::new();
        let file = s.tmp.path().join("a.tweevoud");
        dpa_complete().save(&file).unwrap();
        let out = s.archive_cmd(&["add", file.to_str().unwrap(), "--key", "Tom Hendrix"]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let id = listed(&s).pop().unwrap();
        let shown = |s: &Setup| {
            let out = s.archive_cmd(&["show", &id, "--json"]);
            assert_eq!(out.status.code(), Some(0), "{out:?}");
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            v["objects"].clone()
        };
        let objects_before = shown(&s);
        let stored = objects_on_disk(&s);
        assert_eq!(stored.len(), 4, "agreement, template, two exemplars");

        // A tombstone for the agreement, well chained, naming every object it stored.
        let added = last_entry(&s);
        append_entry(
            &s,
            archive::LogEvent::Deleted,
            &id,
            added.objects.clone(),
            stranger.as_ref(),
        );
        // An `added` entry for the same agreement: exemplar 1 is now an HTML page.
        let html = b"<html><script>alert('forged')</script></html>".to_vec();
        let sha = tweevoud::archive::Sha256Hex::of(&html);
        let obj_dir = s.dir().join("objects").join(&sha.as_str()[..2]);
        fs::create_dir_all(&obj_dir).unwrap();
        fs::write(obj_dir.join(sha.as_str()), &html).unwrap();
        let mut objects = added.objects.clone();
        for o in objects.iter_mut().filter(|o| o.number == Some(1)) {
            o.sha256 = sha.clone();
            o.name = Some("exemplaar.html".into());
        }
        append_entry(
            &s,
            archive::LogEvent::Added,
            &id,
            objects,
            stranger.as_ref(),
        );

        // Nothing visible changes: list, search, show.
        assert_eq!(listed(&s), vec![id.clone()], "{stranger:?}");
        let out = s.archive_cmd(&["search", "Zwarte", "Kat", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(shown(&s), objects_before);
        let out = s.archive_cmd(&["show", &id, "--json"]);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            v["history"].as_array().unwrap().len(),
            1,
            "the forged entries are no part of its history: {v:#}"
        );

        // Verify reports them, with their codes, and deletes nothing.
        let codes = s.verify_codes();
        let expected = if stranger.is_some() {
            "log_foreign_signature"
        } else {
            "log_unsigned"
        };
        assert!(codes.contains(&expected.to_string()), "{codes:?}");
        assert!(
            codes.iter().all(|c| c == expected),
            "nothing else is wrong: {codes:?}"
        );
        let out = s.archive_cmd(&["verify", "--key", "Tom Hendrix"]);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        for (name, bytes) in &stored {
            let now = objects_on_disk(&s);
            assert_eq!(now.get(name), Some(bytes), "object {name} was touched");
        }

        // Export hands out the agreement file and the two PDFs the archive stored, under
        // names it chose.
        let dest = s.tmp.path().join("out");
        let out = s.archive_cmd(&[
            "export",
            &id,
            "-o",
            dest.to_str().unwrap(),
            "--key",
            "Tom Hendrix",
        ]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let mut names: Vec<String> = fs::read_dir(&dest)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names.len(), 3, "{names:?}");
        for n in &names {
            let bytes = fs::read(dest.join(n)).unwrap();
            if n.ends_with(".pdf") {
                assert!(bytes.starts_with(b"%PDF-"), "{n}");
                assert!(stored.values().any(|b| *b == bytes), "{n} is not stored");
            } else {
                assert!(n.ends_with(".tweevoud"), "{names:?}");
            }
            assert!(bytes != html, "{n} is the forged page");
        }

        // A rebuilt index says the same.
        let out = s.archive_cmd(&["rebuild-index"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "the forged entries are reported: {out:?}"
        );
        assert_eq!(listed(&s), vec![id.clone()]);
        assert_eq!(shown(&s), objects_before);
    }
}

/// An archive written through the CLI with two agreements, a copy of it taken after the
/// first, and the first one's id.
fn archive_with_an_older_copy(s: &Setup) -> (PathBuf, String) {
    let add = |n: u32| {
        let file = s.tmp.path().join(format!("a{n}.tweevoud"));
        complete_with_customer("Kat", n).save(&file).unwrap();
        let out = s.archive_cmd(&["add", file.to_str().unwrap(), "--key", "Tom Hendrix"]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
    };
    add(21);
    let id = listed(s).pop().unwrap();
    let old = s.tmp.path().join("old-copy");
    assert!(Command::new("cp")
        .args(["-a", s.dir().to_str().unwrap(), old.to_str().unwrap()])
        .status()
        .unwrap()
        .success());
    add(22);
    (old, id)
}

/// The profile's checkpoint files and their bytes.
fn checkpoints(s: &Setup) -> Vec<(PathBuf, Vec<u8>)> {
    let mut all: Vec<_> = fs::read_dir(s.data().join("archive-checkpoints"))
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    all.sort();
    all
}

/// A signed export, and a signed verification, refuse to write to the archive or move its
/// checkpoint: the export with the error `code`, whose words also say `detail` when the code
/// does not tell it.
fn writes_are_refused(s: &Setup, id: &str, code: &str, detail: Option<&str>) {
    let before = checkpoints(s);
    let log = fs::read(s.log()).unwrap();
    let dest = s.tmp.path().join("exported");
    let out = s.archive_cmd(&[
        "export",
        id,
        "-o",
        dest.to_str().unwrap(),
        "--key",
        "Tom Hendrix",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        cli::error_code(&out.stderr).as_deref(),
        Some(code),
        "{out:?}"
    );
    if let Some(detail) = detail {
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(detail),
            "{detail}: {out:?}"
        );
    }
    let out = s.archive_cmd(&["verify", "--key", "Tom Hendrix"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(checkpoints(s), before, "a checkpoint was written");
    assert_eq!(fs::read(s.log()).unwrap(), log, "the log was written");
}

#[test]
fn fail_archive_swapped_for_a_link_to_an_older_copy() {
    let s = Setup::new();
    let (old, id) = archive_with_an_older_copy(&s);
    let current = s.tmp.path().join("current");
    fs::rename(s.dir(), &current).unwrap();
    std::os::unix::fs::symlink(&old, s.dir()).unwrap();
    let codes = s.verify_codes();
    assert!(codes.contains(&"archive_linked".into()), "{codes:?}");
    assert!(codes.contains(&"log_truncated".into()), "{codes:?}");
    writes_are_refused(&s, &id, "archive_linked", None);

    // The older copy put in the directory's place (no link): the checkpoint, found by the
    // archive's identifier, still tells.
    fs::remove_file(s.dir()).unwrap();
    fs::rename(&old, s.dir()).unwrap();
    let codes = s.verify_codes();
    assert_eq!(codes, ["log_truncated"]);
    writes_are_refused(&s, &id, "checkpoint_mismatch", None);

    // The checkpoint by identifier deleted, the one of the directory kept: a known archive
    // without its checkpoint.
    fs::remove_dir_all(s.dir()).unwrap();
    fs::rename(&current, s.dir()).unwrap();
    let by_id: Vec<PathBuf> = checkpoints(&s)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("archive-")
        })
        .collect();
    assert_eq!(by_id.len(), 1, "{by_id:?}");
    fs::remove_file(&by_id[0]).unwrap();
    let codes = s.verify_codes();
    assert_eq!(codes, ["checkpoint_missing"]);
    // Which of the checkpoint's problems it is, is said in words only.
    writes_are_refused(&s, &id, "checkpoint_mismatch", Some("keeps no checkpoint"));
}

#[test]
fn fail_log_with_its_middle_cut() {
    let s = Setup::new();
    let (_, id) = archive_with_an_older_copy(&s);
    let file = s.tmp.path().join("a23.tweevoud");
    complete_with_customer("Kat", 23).save(&file).unwrap();
    let out = s.archive_cmd(&["add", file.to_str().unwrap(), "--key", "Tom Hendrix"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // Three entries; the second cut out, the first and the last kept.
    let text = fs::read_to_string(s.log()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    fs::write(s.log(), format!("{}\n{}\n", lines[0], lines[2])).unwrap();
    let codes = s.verify_codes();
    for code in ["log_out_of_sequence", "log_unchained", "log_truncated"] {
        assert!(codes.contains(&code.into()), "{code}: {codes:?}");
    }
    writes_are_refused(&s, &id, "log_broken", None);
}
