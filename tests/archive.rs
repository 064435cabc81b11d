//! The archive: adding and updating, search, erasure, the log chain and its signatures, every
//! corruption reported with its code, and processes killed while adding or adding at once.

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use common::{at, dpa, dpa_complete, dpa_provider_signed, set, test_key};
use predicates::prelude::*;
use serde_json::Value;
use tweevoud::archive::{self, AddOutcome, LogEntry, ObjectKind, Progress};
use tweevoud::Coded;
use tweevoud::{Agreement, Archive, ArchiveError, Party, Status};

/// A valid Belgian enterprise number made from `n` (mod-97 check digits).
fn enterprise_number(n: u32) -> String {
    let base = 10_000_000 + n;
    let check = 97 - base % 97;
    let digits = format!("{base:08}{check:02}");
    format!("{}.{}.{}", &digits[..4], &digits[4..7], &digits[7..])
}

/// The pre-signed DPA countersigned by customer number `n` (its own name and number).
fn complete_for(n: u32) -> Agreement {
    let mut a = dpa_provider_signed();
    let signatory = format!("Klant Nummer {}", letters(n));
    a.fill(
        Party::Customer,
        &set(&[
            ("customer_name", &format!("Klant {n} BV")),
            ("customer_address", "Markt 1\n3500 Hasselt"),
            ("customer_enterprise_number", &enterprise_number(n)),
            ("customer_signatory_name", &signatory),
            ("customer_signatory_function", "Zaakvoerder"),
        ]),
        at(14),
    )
    .unwrap();
    a.sign(&test_key(2), Party::Customer, None, None, at(15))
        .unwrap();
    a
}

/// A name-safe spelling of a number: 12 -> "Bc".
fn letters(n: u32) -> String {
    let s: String = n
        .to_string()
        .bytes()
        .map(|d| (b'a' + (d - b'0')) as char)
        .collect();
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn bytes(a: &Agreement) -> Vec<u8> {
    a.to_json().into_bytes()
}

fn no_progress() -> impl FnMut(Progress) {
    |_| {}
}

/// The key that signs the log entries of the archives made here.
fn key() -> ed25519_dalek::SigningKey {
    test_key(1)
}

/// Verifies the archive in `dir`, trusting [`key`].
fn verify_dir(dir: &Path) -> archive::Report {
    archive::verify(dir, at(20), Some(&key()), &mut no_progress()).unwrap()
}

/// The passphrase of the profile's key.
const PASS: &str = "a long passphrase for the log";

/// A profile, made once for this test binary, whose own key "Tom Hendrix" is [`key`]
/// (imported as `tweevoud key import` does), unlocked with [`PASS`].
fn data() -> &'static Path {
    static DATA: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DATA.get_or_init(|| {
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("archive-profile-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let pem = key()
            .to_pkcs8_encrypted_pem(&mut rand_core::OsRng, PASS, Default::default())
            .unwrap();
        tweevoud::KeyStore::open(&tweevoud::Profile::at(&dir))
            .import(&pem, PASS, "Tom Hendrix", Some("XIS"), None, at(8))
            .unwrap();
        // The crash trials start the binary 150 times with this profile.
        common::cheap_kdf::reseal_cheaply(&dir, PASS);
        dir
    })
}

/// The binary, with the profile of [`data`] and its passphrase.
fn tv() -> Command {
    let mut cmd = Command::cargo_bin("tweevoud").unwrap();
    cmd.env("TWEEVOUD_NOW", "2026-11-24T09:30:00+01:00")
        .env("TWEEVOUD_DATA_DIR", data())
        .env("TWEEVOUD_PASSPHRASE", PASS);
    cmd
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn log_lines(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join("log.jsonl"))
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn object_path(dir: &Path, sha: impl AsRef<str>) -> PathBuf {
    let sha = sha.as_ref();
    dir.join("objects").join(&sha[..2]).join(sha)
}

#[test]
fn awaiting_then_complete_updates_one_agreement() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ar = Archive::open(tmp.path()).unwrap();
    let first = ar
        .add(&bytes(&dpa_provider_signed()), at(11), Some(&key()))
        .unwrap();
    assert_eq!(first.outcome, AddOutcome::New);
    assert_eq!(first.status, Status::AwaitingCountersignature);
    let again = ar
        .add(&bytes(&dpa_provider_signed()), at(12), Some(&key()))
        .unwrap();
    assert_eq!(again.outcome, AddOutcome::AlreadyArchived);
    assert_eq!(again.seq, None);
    let done = ar
        .add(&bytes(&dpa_complete()), at(16), Some(&key()))
        .unwrap();
    assert_eq!(done.id, first.id, "the countersigned version keeps the id");
    assert_eq!(
        done.outcome,
        AddOutcome::Updated {
            was: Status::AwaitingCountersignature
        }
    );
    let older = ar
        .add(&bytes(&dpa_provider_signed()), at(17), Some(&key()))
        .unwrap();
    assert_eq!(older.outcome, AddOutcome::LaterVersionArchived);
    let list = ar.list(None).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].status, Status::Complete);
    assert_eq!(
        list[0].customer.as_deref(),
        Some("Brouwerij De Zwarte Kat BV")
    );
    assert_eq!(list[0].archived, "2026-11-23T11:00:00+01:00");
    assert_eq!(list[0].updated, "2026-11-23T16:00:00+01:00");
    let shown = ar.show(&first.id[..10]).unwrap();
    assert_eq!(shown.signatures.len(), 2);
    let versions = shown
        .objects
        .iter()
        .filter(|o| o.kind == ObjectKind::Agreement)
        .count();
    assert_eq!(versions, 2, "the awaiting version stays stored");
    assert_eq!(shown.history.len(), 2);
    // The id is the same in an archive that only ever saw the complete version.
    let other = tempfile::tempdir().unwrap();
    let id = Archive::open(other.path())
        .unwrap()
        .add(&bytes(&dpa_complete()), at(16), Some(&key()))
        .unwrap()
        .id;
    assert_eq!(id, first.id);
    assert_eq!(id, archive::agreement_id(&dpa_complete()));
    assert!(verify_dir(tmp.path()).is_sound());
}

#[test]
fn a_presigned_agreement_countersigned_by_two_customers_is_two_agreements() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ar = Archive::open(tmp.path()).unwrap();
    let presigned = ar
        .add(&bytes(&dpa_provider_signed()), at(11), Some(&key()))
        .unwrap();
    let one = ar
        .add(&bytes(&complete_for(1)), at(16), Some(&key()))
        .unwrap();
    let two = ar
        .add(&bytes(&complete_for(2)), at(17), Some(&key()))
        .unwrap();
    assert_eq!(one.id, presigned.id);
    assert!(matches!(one.outcome, AddOutcome::Updated { .. }));
    assert_eq!(two.outcome, AddOutcome::New);
    assert_ne!(two.id, one.id);
    assert_eq!(ar.list(Some(Status::Complete)).unwrap().len(), 2);
    assert_eq!(ar.search(&enterprise_number(2)).unwrap().len(), 1);
    let report = verify_dir(tmp.path());
    assert!(report.is_sound(), "{:?}", report.problems);
}

#[test]
fn search_by_customer_number_in_any_form_signer_words_and_id() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ar = Archive::open(tmp.path()).unwrap();
    let id = ar
        .add(&bytes(&dpa_complete()), at(16), Some(&key()))
        .unwrap()
        .id;
    for n in 3..6 {
        ar.add(&bytes(&complete_for(n)), at(16), Some(&key()))
            .unwrap();
    }
    let one = vec![id.clone()];
    let find =
        |q: &str| -> Vec<String> { ar.search(q).unwrap().into_iter().map(|s| s.id).collect() };
    assert_eq!(find("Zwarte Kat"), one);
    assert_eq!(find("zwarte"), one);
    assert_eq!(find("brouw"), one, "a word matches the words it begins");
    assert_eq!(find("BE 0403170701"), one);
    assert_eq!(find("0403.170.701"), one);
    assert_eq!(find("403170701"), one);
    assert_eq!(find("Anne-Marie D'Hondt"), one);
    assert_eq!(find("dhondt").len(), 0, "words are not glued together");
    assert_eq!(find(&id[..12]), one);
    // The provider's number, in either form, finds every agreement with XIS.
    assert_eq!(find("BE 0821588020").len(), 4);
    assert_eq!(find("0821.588.020").len(), 4);
    // The provider's key fingerprint.
    assert_eq!(find("3475 0F98 BD59 FCFC").len(), 4);
    assert_eq!(find("verwerker Hasselt Markt").len(), 3);
    assert!(find("nergens").is_empty());
    assert!(matches!(
        ar.search("  ;; "),
        Err(ArchiveError::EmptyQuery(_))
    ));
}

#[test]
fn fail_invalid_or_foreign_files_are_refused_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ar = Archive::open(tmp.path()).unwrap();
    let vectors = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let tampered = fs::read(vectors.join("fail_value_changed-after-both-signed.tweevoud")).unwrap();
    let err = ar.add(&tampered, at(16), Some(&key())).unwrap_err();
    assert!(matches!(err, ArchiveError::Invalid(_)), "{err}");
    assert_eq!(err.code(), "not_intact", "{err}");
    let err = ar
        .add(b"%PDF-1.7\n%%EOF\n", at(16), Some(&key()))
        .unwrap_err();
    assert_eq!(err.code(), "not_intact", "{err}");
    assert!(ar.list(None).unwrap().is_empty());
    assert!(!tmp.path().join("log.jsonl").exists());
}

#[test]
fn unsigned_drafts_are_archived_and_updated_when_signed() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ar = Archive::open(tmp.path()).unwrap();
    let draft = Agreement::new(dpa(), Party::Provider, at(9));
    let a = ar.add(&bytes(&draft), at(9), Some(&key())).unwrap();
    assert_eq!(a.status, Status::Unsigned);
    let b = ar
        .add(&bytes(&dpa_provider_signed()), at(10), Some(&key()))
        .unwrap();
    assert_eq!(b.id, a.id);
    assert_eq!(
        b.outcome,
        AddOutcome::Updated {
            was: Status::Unsigned
        }
    );
    assert!(verify_dir(tmp.path()).is_sound());
}

#[test]
fn erasure_leaves_a_tombstone_and_a_verifiable_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ar = Archive::open(tmp.path()).unwrap();
    let keep = ar
        .add(&bytes(&complete_for(7)), at(12), Some(&key()))
        .unwrap();
    let gone = ar
        .add(&bytes(&dpa_complete()), at(13), Some(&key()))
        .unwrap();
    let agreement_object = gone.objects[0].sha256.clone();
    let template_object = gone.objects[1].sha256.clone();
    let deleted = ar
        .delete(
            &gone.id,
            "erasure asked for by the customer (DPA 6.6)",
            at(14),
            Some(&key()),
        )
        .unwrap();
    assert_eq!(deleted.id, gone.id);
    assert!(!object_path(tmp.path(), &agreement_object).exists());
    assert!(
        object_path(tmp.path(), &template_object).exists(),
        "the template another agreement uses stays"
    );
    assert_eq!(deleted.kept, [template_object]);
    assert!(ar.search("Zwarte Kat").unwrap().is_empty());
    assert_eq!(ar.list(None).unwrap().len(), 1);
    assert!(matches!(ar.show(&gone.id), Err(ArchiveError::NotFound(_))));
    let tombstone: LogEntry = serde_json::from_str(log_lines(tmp.path()).last().unwrap()).unwrap();
    assert_eq!(tombstone.event, archive::LogEvent::Deleted);
    assert_eq!(
        tombstone.reason.as_deref(),
        Some("erasure asked for by the customer (DPA 6.6)")
    );
    assert!(tombstone
        .objects
        .iter()
        .any(|o| o.sha256 == agreement_object));
    let report = verify_dir(tmp.path());
    assert!(report.is_sound(), "{:?}", report.problems);
    assert_eq!(report.agreements, 1);
    assert!(ar.show(&keep.id).is_ok());
    assert!(matches!(
        ar.delete(&keep.id, "  ", at(15), Some(&key())),
        Err(ArchiveError::BadReason)
    ));
    // Data is deleted only on a signed erasure: an unsigned one is refused, changing nothing.
    let lines = log_lines(tmp.path()).len();
    assert!(matches!(
        ar.delete(&keep.id, "unsigned", at(15), None),
        Err(ArchiveError::UnsignedErasure)
    ));
    assert_eq!(log_lines(tmp.path()).len(), lines);
    assert!(object_path(tmp.path(), &keep.objects[0].sha256).exists());
    assert!(ar.show(&keep.id).is_ok());
    // The same agreement may be archived again later.
    let back = ar
        .add(&bytes(&dpa_complete()), at(16), Some(&key()))
        .unwrap();
    assert_eq!(back.outcome, AddOutcome::New);
    assert!(verify_dir(tmp.path()).is_sound());
}

#[test]
fn log_entries_are_chained_and_signed_and_unsigned_ones_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ar = Archive::open(tmp.path()).unwrap();
    ar.add(&bytes(&dpa_provider_signed()), at(11), Some(&key()))
        .unwrap();
    ar.add(&bytes(&dpa_complete()), at(16), None).unwrap();
    let lines = log_lines(tmp.path());
    let a: LogEntry = serde_json::from_str(&lines[0]).unwrap();
    let b: LogEntry = serde_json::from_str(&lines[1]).unwrap();
    assert_eq!(b.prev.as_ref(), Some(&a.hash));
    assert_eq!(archive::entry_hash(&a), a.hash);
    assert_eq!(
        a.signed_by.as_ref().map(|f| f.as_str()),
        Some("34750f98bd59fcfc946da45aaabe933be154a4b5094e1c4abf42866505f3c97e")
    );
    assert!(b.signed_by.is_none() && b.signature.is_none());
    // Each line is the canonical JSON of its entry.
    assert_eq!(
        lines[0].as_bytes(),
        &tweevoud::canonical::to_canonical_json(&a)[..]
    );
    let report = verify_dir(tmp.path());
    assert_eq!(report.signed_entries, 1);
    assert_eq!(
        report
            .log_signers
            .iter()
            .map(|f| f.hex())
            .collect::<Vec<_>>(),
        [a.signed_by.clone().unwrap().into_string()]
    );
    assert!(
        report.has(archive::ProblemCode::LogUnsigned),
        "{:?}",
        report.problems
    );
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.logged.is_none(),
        "an untrusted log is not vouched for"
    );
    // Signed by a key that is not the profile's own: foreign.
    let other =
        archive::verify(tmp.path(), at(20), Some(&test_key(9)), &mut no_progress()).unwrap();
    assert!(other.has(archive::ProblemCode::LogForeignSignature));
}

#[test]
fn rebuilt_index_equals_the_one_kept_up_to_date() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ar = Archive::open(tmp.path()).unwrap();
    ar.add(&bytes(&dpa_provider_signed()), at(11), Some(&key()))
        .unwrap();
    ar.add(&bytes(&complete_for(1)), at(12), Some(&key()))
        .unwrap();
    ar.add(&bytes(&complete_for(2)), at(13), Some(&key()))
        .unwrap();
    let gone = ar
        .add(&bytes(&complete_for(3)), at(14), Some(&key()))
        .unwrap();
    ar.delete(&gone.id, "test", at(15), Some(&key())).unwrap();
    let before = ar.list(None).unwrap();
    drop(ar);
    let rebuilt = Archive::rebuild_index(tmp.path()).unwrap();
    assert!(rebuilt.problems.is_empty(), "{:?}", rebuilt.problems);
    assert_eq!(rebuilt.agreements, 2);
    let after = Archive::open(tmp.path()).unwrap().list(None).unwrap();
    assert_eq!(before, after);
    assert!(verify_dir(tmp.path()).is_sound());
}

/// An archive with two agreements, and what they stored.
fn two_agreements() -> (tempfile::TempDir, archive::Added, archive::Added) {
    let tmp = tempfile::tempdir().unwrap();
    let mut ar = Archive::open(tmp.path()).unwrap();
    let a = ar
        .add(&bytes(&complete_for(1)), at(12), Some(&key()))
        .unwrap();
    let b = ar
        .add(&bytes(&dpa_complete()), at(13), Some(&key()))
        .unwrap();
    (tmp, a, b)
}

/// The problems the archive's check reports, each as its code and its words.
fn problems_of(dir: &Path) -> Vec<(&'static str, String)> {
    let report = verify_dir(dir);
    assert!(!report.is_sound(), "the damage went unnoticed");
    report
        .problems
        .iter()
        .map(|p| (p.code(), p.message.clone()))
        .collect()
}

/// One of `problems` has the code `code` and names each of `names` (the hashes, ids, times
/// and names a problem carries in its words only).
fn assert_reported(problems: &[(&'static str, String)], code: &str, names: &[&str]) {
    assert!(
        problems
            .iter()
            .any(|(c, words)| *c == code && names.iter().all(|n| words.contains(n))),
        "no problem {code} names {names:?}: {problems:#?}"
    );
}

#[test]
fn fail_corrupt_object() {
    let (tmp, _, b) = two_agreements();
    let path = object_path(tmp.path(), &b.objects[0].sha256);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("Zwarte", "Witte", 1)).unwrap();
    let p = problems_of(tmp.path());
    assert_reported(
        &p,
        "object_corrupt",
        &[b.objects[0].sha256.as_str(), &b.id[..12]],
    );
}

#[test]
fn fail_missing_object() {
    let (tmp, a, _) = two_agreements();
    fs::remove_file(object_path(tmp.path(), &a.objects[0].sha256)).unwrap();
    let p = problems_of(tmp.path());
    assert_reported(&p, "object_missing", &[a.objects[0].sha256.as_str()]);
}

#[test]
fn fail_edited_log_line() {
    let (tmp, _, _) = two_agreements();
    let mut lines = log_lines(tmp.path());
    lines[0] = lines[0].replace("2026-11-23T12:00:00+01:00", "2026-11-22T12:00:00+01:00");
    fs::write(tmp.path().join("log.jsonl"), lines.join("\n") + "\n").unwrap();
    let p = problems_of(tmp.path());
    assert_reported(
        &p,
        "log_altered",
        &["log entry 0 (added, 2026-11-22T12:00:00+01:00) on line 1"],
    );
}

#[test]
fn fail_edited_log_line_with_its_hash_recomputed() {
    let (tmp, _, _) = two_agreements();
    let lines = log_lines(tmp.path());
    let mut e: LogEntry = serde_json::from_str(&lines[0]).unwrap();
    e.time = "2026-11-22T12:00:00+01:00".into();
    e.hash = archive::entry_hash(&e);
    let forged = String::from_utf8(e.to_line()).unwrap();
    fs::write(tmp.path().join("log.jsonl"), forged + &lines[1] + "\n").unwrap();
    let p = problems_of(tmp.path());
    assert_reported(
        &p,
        "log_unchained",
        &["log entry 1 (added, 2026-11-23T13:00:00+01:00) on line 2"],
    );
}

#[test]
fn fail_removed_log_lines() {
    let (tmp, _, _) = two_agreements();
    let lines = log_lines(tmp.path());
    fs::write(tmp.path().join("log.jsonl"), lines[0].clone() + "\n").unwrap();
    let p = problems_of(tmp.path());
    assert_reported(
        &p,
        "index_log_mismatch",
        &["has read 2 log entries, but the log holds 1"],
    );
    // The writers refuse to go on.
    let err = Archive::open(tmp.path()).unwrap_err();
    assert_eq!(err.code(), "log_mismatch", "{err}");
}

#[test]
fn fail_deleted_index_then_rebuilt() {
    let (tmp, a, b) = two_agreements();
    fs::remove_file(tmp.path().join("index.sqlite")).unwrap();
    let _ = fs::remove_file(tmp.path().join("index.sqlite-wal"));
    let _ = fs::remove_file(tmp.path().join("index.sqlite-shm"));
    let p = problems_of(tmp.path());
    assert_reported(&p, "index_missing", &["index.sqlite"]);
    let err = Archive::open(tmp.path()).unwrap_err();
    assert!(matches!(err, ArchiveError::IndexMissing { .. }), "{err}");
    Archive::rebuild_index(tmp.path()).unwrap();
    let ar = Archive::open(tmp.path()).unwrap();
    assert!(ar.show(&a.id).is_ok() && ar.show(&b.id).is_ok());
    assert!(verify_dir(tmp.path()).is_sound());
}

#[test]
fn fail_index_that_disagrees_with_the_objects() {
    let (tmp, _, b) = two_agreements();
    edit_index(tmp.path(), &b.id);
    let p = problems_of(tmp.path());
    assert_reported(
        &p,
        "index_mismatch",
        &[&b.id[..12], "customer", "\"Brouwerij De Witte Kat BV\""],
    );
}

/// Every table of the index is compared with the agreement files: an edit to any of them,
/// made behind the archive's back, is reported for the agreement it touches.
#[test]
fn fail_index_rows_edited_table_by_table() {
    let cases: [(&str, &str); 6] = [
        (
            "DELETE FROM agreements WHERE id = ?1",
            "agreement {id} (Brouwerij De Zwarte Kat BV) is not in the index",
        ),
        (
            "DELETE FROM trail WHERE agreement = ?1 AND seq = 1",
            "the index's audit trail of agreement {short} (Brouwerij De Zwarte Kat BV) does not match its agreement file",
        ),
        (
            "UPDATE signatures SET name = 'Iemand Anders' WHERE agreement = ?1 AND idx = 0",
            "the index's signatures of agreement {short} (Brouwerij De Zwarte Kat BV) do not match its agreement file",
        ),
        (
            "DELETE FROM objects WHERE agreement = ?1 AND kind = 'exemplar' AND number = 2",
            "the index's objects of agreement {short} (Brouwerij De Zwarte Kat BV) do not match the log",
        ),
        (
            "UPDATE search SET text = 'iets anders' WHERE agreement = ?1",
            "the search index of agreement {short} (Brouwerij De Zwarte Kat BV) does not match its agreement file",
        ),
        (
            "INSERT INTO search (agreement, parties, text) VALUES ('0123456789abcdef' || substr(?1, 1, 0), 'x', 'y')",
            "the search index holds agreement 0123456789abcdef, which the log does not hold",
        ),
    ];
    for (sql, words) in cases {
        let (tmp, _, b) = two_agreements();
        let conn = rusqlite::Connection::open(tmp.path().join("index.sqlite")).unwrap();
        assert_eq!(conn.execute(sql, [&b.id]).unwrap(), 1, "{sql}");
        drop(conn);
        let words = words.replace("{id}", &b.id).replace("{short}", &b.id[..12]);
        let p = problems_of(tmp.path());
        // Which of the index's tables disagrees is said in words only.
        assert_reported(&p, "index_mismatch", &[&words]);
        assert_eq!(p.len(), 1, "{sql}: {p:#?}");
    }
}

/// Edits the index behind the archive's back.
fn edit_index(dir: &Path, id: &str) {
    let conn = rusqlite::Connection::open(dir.join("index.sqlite")).unwrap();
    conn.execute(
        "UPDATE agreements SET customer = 'Brouwerij De Witte Kat BV' WHERE id = ?1",
        [id],
    )
    .unwrap();
}

#[test]
fn orphans_and_interrupted_writes_are_notes_not_problems() {
    let (tmp, _, _) = two_agreements();
    // An object written by an add that died before its log entry.
    let orphan = b"an orphan";
    let sha = tweevoud::canonical::sha256_hex(orphan);
    fs::create_dir_all(tmp.path().join("objects").join(&sha[..2])).unwrap();
    fs::write(object_path(tmp.path(), &sha), orphan).unwrap();
    // A temporary file of a write that died, and half a log line.
    fs::write(
        tmp.path()
            .join("objects")
            .join(&sha[..2])
            .join(format!(".{sha}.tmp-99")),
        b"half",
    )
    .unwrap();
    let mut log = fs::OpenOptions::new()
        .append(true)
        .open(tmp.path().join("log.jsonl"))
        .unwrap();
    std::io::Write::write_all(&mut log, b"{\"seq\":2,\"ev").unwrap();
    let report = verify_dir(tmp.path());
    assert!(report.is_sound(), "{:?}", report.problems);
    let notes = report.notes.join("\n");
    assert!(
        notes.contains(&format!("object {sha} is in no log entry")),
        "{notes}"
    );
    assert!(
        notes.contains("a temporary file an interrupted write left"),
        "{notes}"
    );
    assert!(notes.contains("an append that was cut short"), "{notes}");
    // The cut line is dropped by the next write; the chain goes on.
    assert!(verify_dir(tmp.path()).is_sound());
}

// Through the binary.

#[test]
fn cli_add_list_search_show_export_verify_delete() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let awaiting = tmp.path().join("awaiting.tweevoud");
    let complete = tmp.path().join("complete.tweevoud");
    dpa_provider_signed().save(&awaiting).unwrap();
    dpa_complete().save(&complete).unwrap();
    let arch = |args: &[&str]| {
        let mut c = tv();
        c.arg("archive").arg("--archive-dir").arg(&dir).args(args);
        c
    };
    // The profile holds one key: it signs the log entry without --key.
    arch(&["add", s(&awaiting)])
        .assert()
        .success()
        .stdout(predicate::str::contains("archived as "))
        .stdout(predicate::str::contains("awaiting countersignature"));
    arch(&["add", s(&awaiting), "--key", "Tom Hendrix"])
        .assert()
        .success()
        .stdout(predicate::str::contains("already archived as"))
        .stdout(predicate::str::contains("nothing changed"));
    tv().args(["verify", s(&complete), "--archive-dir", s(&dir)])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "archive: another version of the archived agreement",
        ));
    arch(&["add", s(&complete), "--key", "Tom Hendrix"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "with Brouwerij De Zwarte Kat BV: awaiting countersignature → complete",
        ));
    let out = arch(&["list", "--status", "complete", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let id = list[0]["id"].as_str().unwrap().to_string();
    for q in [
        "Zwarte Kat",
        "BE 0821588020",
        "0821.588.020",
        "BE0403.170.701",
    ] {
        arch(&["search", q])
            .assert()
            .success()
            .stdout(predicate::str::contains(&id[..16]));
    }
    arch(&["search", "nergens"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no agreements"));
    arch(&["show", &id[..8]])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "signed for the customer by Anne-Marie D'Hondt",
        ))
        .stdout(predicate::str::contains("agreement (current)"));
    let out_dir = tmp.path().join("out");
    arch(&["export", &id, "-o", s(&out_dir), "--key", "Tom Hendrix"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Brouwerij-De-Zwarte-Kat-BV-"));
    let exported: Vec<_> = fs::read_dir(&out_dir).unwrap().collect();
    assert!(!exported.is_empty());
    // `verify` knows the archived copy.
    tv().args(["verify", s(&complete), "--archive-dir", s(&dir)])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(format!(
            "archive: the current agreement file of agreement {id} with Brouwerij De Zwarte Kat BV, archived on 2026-11-24"
        )));
    let out = tv()
        .args(["verify", s(&complete), "--json", "--archive-dir", s(&dir)])
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["archive"]["status"], "agreement_file");
    assert_eq!(v["archive"]["agreement"]["id"], id.as_str());
    let stranger = tmp.path().join("stranger.tweevoud");
    complete_for(4).save(&stranger).unwrap();
    tv().args(["verify", "--json", s(&stranger), "--archive-dir", s(&dir)])
        .assert()
        .code(3)
        .stdout(predicate::function(|out: &str| {
            common::verify_answer(out.as_bytes())["archive"]["status"] == "unknown"
        }));
    arch(&["verify"])
        .assert()
        .success()
        .stdout(predicate::str::contains("sound: 1 agreement(s)"));
    arch(&[
        "delete",
        &id[..10],
        "--reason",
        "asked by the customer",
        "--key",
        "Tom Hendrix",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("erased agreement"));
    arch(&["show", &id])
        .assert()
        .code(2)
        .stderr(cli::says_code("archive_not_found"));
    arch(&["verify", "--json"]).assert().success();
    tv().args(["verify", "--json", s(&complete), "--archive-dir", s(&dir)])
        .assert()
        .code(3)
        .stdout(predicate::function(|out: &str| {
            common::verify_answer(out.as_bytes())["archive"]["status"] == "unknown"
        }));
}

#[test]
fn cli_reports_each_corruption_with_exit_1() {
    let (tmp, a, _) = two_agreements();
    let dir = tmp.path();
    let verify = || {
        let mut c = tv();
        c.args(["archive", "verify", "--archive-dir", s(dir)]);
        c
    };
    verify().assert().success();
    let path = object_path(dir, &a.objects[0].sha256);
    let good = fs::read(&path).unwrap();
    fs::write(&path, b"{}").unwrap();
    verify()
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 PROBLEM(S)"))
        .stdout(predicate::str::contains("is corrupt"));
    fs::remove_file(&path).unwrap();
    verify()
        .assert()
        .code(1)
        .stdout(predicate::str::contains("is missing"));
    fs::write(&path, good).unwrap();
    verify().assert().success();
    fs::remove_file(dir.join("index.sqlite")).unwrap();
    verify()
        .assert()
        .code(1)
        .stdout(predicate::str::contains("index.sqlite is missing"));
    tv().args(["archive", "list", "--archive-dir", s(dir)])
        .assert()
        .code(2)
        .stderr(cli::says_code("index_missing"))
        // The CLI's advice, its own words: the command to run.
        .stderr(predicate::str::contains("rebuild-index"));
    tv().args(["archive", "rebuild-index", "--archive-dir", s(dir)])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 agreement(s)"));
    verify().assert().success();
}

#[test]
fn cli_add_without_key_names_the_keys_to_choose_from() {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let file = tmp.path().join("a.tweevoud");
    dpa_complete().save(&file).unwrap();
    let add = || {
        let mut c = tv();
        c.env("TWEEVOUD_DATA_DIR", &data)
            .args(["archive", "add", s(&file)]);
        c
    };
    // No key at all: refused, nothing written.
    add()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error[no_key]"))
        .stderr(predicate::str::contains("tweevoud key new"));
    // Two keys: which one is not guessed; both are named.
    let store = tweevoud::KeyStore::open(&tweevoud::Profile::at(&data));
    for (seed, name) in [(1u8, "Tom Hendrix"), (3u8, "An Peeters")] {
        let pem = test_key(seed)
            .to_pkcs8_encrypted_pem(&mut rand_core::OsRng, PASS, Default::default())
            .unwrap();
        store
            .import(&pem, PASS, name, Some("XIS"), None, at(8))
            .unwrap();
    }
    add()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error[key_to_choose]"))
        .stderr(predicate::str::contains("Tom Hendrix"))
        .stderr(predicate::str::contains("An Peeters"))
        .stderr(predicate::str::contains("--key"));
    assert!(!data.join("archive/log.jsonl").exists());
    add()
        .args(["--key", "An Peeters"])
        .assert()
        .success()
        .stdout(predicate::str::contains("archived as "));
}

#[test]
fn cli_signs_log_entries_with_the_profiles_key() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let pass = "a long passphrase for the log";
    tv().env("TWEEVOUD_DATA_DIR", &data)
        .env("TWEEVOUD_PASSPHRASE", pass)
        .args(["key", "new", "--name", "Tom Hendrix", "--org", "XIS"])
        .assert()
        .success();
    let file = tmp.path().join("a.tweevoud");
    dpa_complete().save(&file).unwrap();
    tv().env("TWEEVOUD_DATA_DIR", &data)
        .env("TWEEVOUD_PASSPHRASE", pass)
        .args(["archive", "add", s(&file), "--key", "Tom Hendrix"])
        .assert()
        .success();
    let out = tv()
        .env("TWEEVOUD_DATA_DIR", &data)
        .args(["archive", "verify", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["signed_entries"], 1);
    assert_eq!(report["log_entries"], 1);
    assert!(data.join("archive/log.jsonl").is_file());
    // The profile keeps a signed checkpoint of the log, outside the archive: by the
    // identifier the log's first entry carries, and for the directory.
    let first: LogEntry = serde_json::from_str(&log_lines(&data.join("archive"))[0]).unwrap();
    let id = first.archive.expect("the first entry names the archive");
    let mut checkpoints: Vec<String> = fs::read_dir(data.join("archive-checkpoints"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    checkpoints.sort();
    assert_eq!(checkpoints.len(), 2, "{checkpoints:?}");
    assert!(
        checkpoints.contains(&format!("archive-{id}.json")),
        "{checkpoints:?}"
    );
}

/// A small deterministic generator (xorshift), for the kill delays.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn spawn_add(dir: &Path, file: &Path) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("tweevoud"))
        .args(["archive", "add", s(file), "--archive-dir", s(dir)])
        .args(["--key", "Tom Hendrix"])
        .env("TWEEVOUD_NOW", "2026-11-24T09:30:00+01:00")
        .env("TWEEVOUD_DATA_DIR", data())
        .env("TWEEVOUD_PASSPHRASE", PASS)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The child's exit status if it ends within `limit` (looked at every millisecond), else None.
fn exit_within(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        let elapsed = started.elapsed();
        if elapsed >= limit {
            return None;
        }
        std::thread::sleep((limit - elapsed).min(Duration::from_millis(1)));
    }
}

#[test]
fn adds_killed_at_random_moments_lose_nothing_added_before() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let mut rng = Rng(0x5eed_1234_abcd_0042);
    // How long one add takes here, so that the kills fall before, during and after it.
    let first = complete_for(99);
    let file = tmp.path().join("first.tweevoud");
    first.save(&file).unwrap();
    let started = std::time::Instant::now();
    assert!(spawn_add(&dir, &file).wait().unwrap().success());
    let span = (started.elapsed().as_micros() as u64 * 3 / 2).max(1000);
    let mut completed: Vec<String> = vec![archive::agreement_id(&first)];
    let mut killed = 0;
    // `make harden` runs 100 (TWEEVOUD_CRASH_TRIALS); `make test` 50.
    let trials: u32 = std::env::var("TWEEVOUD_CRASH_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    for n in 0..trials {
        let agreement = complete_for(100 + n);
        let file = tmp.path().join(format!("a{n}.tweevoud"));
        agreement.save(&file).unwrap();
        let mut child = spawn_add(&dir, &file);
        match exit_within(&mut child, Duration::from_micros(rng.below(span))) {
            Some(status) => {
                assert!(status.success(), "add {n} failed on its own");
                completed.push(archive::agreement_id(&agreement));
            }
            None => {
                child.kill().unwrap();
                let status = child.wait().unwrap();
                if status.success() {
                    completed.push(archive::agreement_id(&agreement));
                } else {
                    killed += 1;
                }
            }
        }
    }
    assert!(
        killed > 0,
        "no add was interrupted: the delays are too long"
    );
    let out = tv()
        .args(["archive", "verify", "--json", "--archive-dir", s(&dir)])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["problems"].as_array().unwrap().len(), 0);
    let ar = Archive::open(&dir).unwrap();
    for id in &completed {
        let shown = ar.show(id).unwrap();
        assert_eq!(shown.summary.status, Status::Complete);
    }
    assert!(ar.list(None).unwrap().len() >= completed.len());
    let lost = completed.iter().filter(|id| ar.show(id).is_err()).count();
    println!(
        "crash trials {trials}, killed {killed}, completed {}, lost {lost}",
        completed.len() - 1
    );
    // Every interrupted add can simply be done again, and doing a finished one again adds
    // nothing (the first three finished ones stand for the rest).
    drop(ar);
    let again = (0..trials).filter(|n| {
        let id = archive::agreement_id(&complete_for(100 + n));
        !completed.contains(&id) || completed[1..].iter().take(3).any(|c| *c == id)
    });
    for n in again {
        let file = tmp.path().join(format!("a{n}.tweevoud"));
        tv().args(["archive", "add", s(&file), "--archive-dir", s(&dir)])
            .args(["--key", "Tom Hendrix"])
            .assert()
            .success();
    }
    let ar = Archive::open(&dir).unwrap();
    assert_eq!(ar.list(None).unwrap().len(), trials as usize + 1);
    assert!(verify_dir(&dir).is_sound());
}

#[test]
fn processes_adding_at_once_corrupt_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    // Create the archive first, so that every process finds it.
    Archive::open(&dir).unwrap();
    let files: Vec<PathBuf> = (0..12u32)
        .map(|n| {
            let file = tmp.path().join(format!("c{n}.tweevoud"));
            complete_for(200 + n).save(&file).unwrap();
            file
        })
        .collect();
    let children: Vec<Child> = files.iter().map(|f| spawn_add(&dir, f)).collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let ar = Archive::open(&dir).unwrap();
    assert_eq!(ar.list(None).unwrap().len(), 12);
    let report = verify_dir(&dir);
    assert!(report.is_sound(), "{:?}", report.problems);
    assert_eq!(report.log_entries, 12);
}

#[test]
fn complete_agreements_are_stored_with_both_exemplars_and_verify_names_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let complete = tmp.path().join("complete.tweevoud");
    dpa_complete().save(&complete).unwrap();
    let mut ar = Archive::open(&dir).unwrap();
    let added = ar
        .add(&fs::read(&complete).unwrap(), at(16), Some(&key()))
        .unwrap();
    let exemplars: Vec<_> = added
        .objects
        .iter()
        .filter(|o| o.kind == ObjectKind::Exemplar)
        .collect();
    assert_eq!(
        exemplars.iter().map(|o| o.number).collect::<Vec<_>>(),
        [Some(1), Some(2)]
    );
    // Adding an exemplar PDF is adding the agreement inside it: already there.
    let two = fs::read(object_path(&dir, &exemplars[1].sha256)).unwrap();
    let again = ar.add(&two, at(17), Some(&key())).unwrap();
    assert_eq!(again.outcome, AddOutcome::AlreadyArchived);
    drop(ar);
    let copy = tmp.path().join("copy.pdf");
    fs::write(&copy, &two).unwrap();
    tv().args(["verify", s(&copy), "--archive-dir", s(&dir)])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(format!(
            "archive: exemplar 2 of 2 of agreement {} with Brouwerij De Zwarte Kat BV, archived on 2026-11-23",
            added.id
        )));
    let mut edited = two.clone();
    edited.extend_from_slice(b"\n% edited\n");
    fs::write(&copy, &edited).unwrap();
    tv().args(["verify", s(&copy), "--archive-dir", s(&dir)])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "DIFFERS from every stored exemplar of agreement",
        ));
    let report = verify_dir(&dir);
    assert!(report.is_sound(), "{:?}", report.problems);
    assert_eq!(report.objects, 4);
}
