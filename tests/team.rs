//! The team archive (#23, first steps; `docs/archive-team.md`): the archive's own logic on
//! its team back-ends, a log in a real PostgreSQL server and objects in a real S3-compatible
//! bucket (moto's), both started here on 127.0.0.1 (`common/servers.rs`).
#![cfg(feature = "team")]

mod common;
#[path = "common/servers.rs"]
mod servers;

use std::process::{Command, Stdio};

use chrono::Duration;
use common::{dpa, fixed_now, set, test_key};
use servers::{PgServer, S3Server};
use tweevoud::archive::{TeamConnection, TeamSecrets, Trust};
use tweevoud::key::Fingerprint;
use tweevoud::{Agreement, Archive, Party, Status};

const WRITERS: u8 = 8;
const EACH: u32 = 5;

fn connection(database: &str, objects: &str) -> TeamConnection {
    TeamConnection {
        database: database.into(),
        objects: objects.into(),
        region: "us-east-1".into(),
        ca: None,
        secrets: TeamSecrets {
            database_password: Some("password-of-the-test".into()),
            access_key_id: "tweevoud".into(),
            secret_access_key: "secret-of-the-test".into(),
        },
    }
}

fn key_of(n: u8) -> Fingerprint {
    Fingerprint::of_raw_public_key(test_key(n).verifying_key().as_bytes())
}

/// What a member's profile trusts: the archive's creator, member 1, pinned; its own keys
/// (every member's here) sign its checkpoint.
fn trust() -> Trust {
    Trust::keys((1..=WRITERS).map(key_of).collect()).with_creator(key_of(1))
}

/// The team archive begun by its creator, member 1, with members 1 to `n`.
fn begin(team: &TeamConnection, n: u8) {
    let cache = tempfile::tempdir().unwrap();
    let mut archive = Archive::open_team(cache.path(), team, &trust()).unwrap();
    let members: Vec<Fingerprint> = (2..=n).map(key_of).collect();
    archive
        .begin_team(&members, fixed_now(), &test_key(1))
        .unwrap();
}

/// Writer `n`'s agreement `i`: a draft for a customer of its own.
fn draft(n: u8, i: u32) -> Agreement {
    let now = fixed_now() + Duration::seconds(i64::from(n) * 1000 + i64::from(i));
    let mut a = Agreement::new(dpa(), Party::Provider, now);
    a.fill(
        Party::Customer,
        &set(&[("customer_name", &format!("Teamklant W{n}x{i} BV"))]),
        now,
    )
    .unwrap();
    a
}

/// One member adding its agreements, in a process of its own (run by
/// `eight_members_add_at_once_into_one_chain`, never alone).
#[test]
#[ignore = "run by eight_members_add_at_once_into_one_chain, in a process of its own"]
fn writer() {
    let var = |k: &str| std::env::var(k).expect("started by the team test");
    let n: u8 = var("TWEEVOUD_TEST_WRITER").parse().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let team = connection(&var("TWEEVOUD_TEST_PG_URL"), &var("TWEEVOUD_TEST_S3_URL"));
    let mut archive = Archive::open_team(cache.path(), &team, &trust()).unwrap();
    let key = test_key(n);
    for i in 0..EACH {
        let added = archive
            .add(draft(n, i).to_json().as_bytes(), fixed_now(), Some(&key))
            .unwrap();
        assert!(added.seq.is_some());
    }
}

#[test]
fn eight_members_add_at_once_into_one_chain() {
    let pg = PgServer::start();
    let s3 = S3Server::start();
    begin(&connection(&pg.url, &s3.url), WRITERS);
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (1..=WRITERS)
        .map(|n| {
            Command::new(&exe)
                .args(["writer", "--exact", "--ignored", "--test-threads=1"])
                .env("TWEEVOUD_TEST_PG_URL", &pg.url)
                .env("TWEEVOUD_TEST_S3_URL", &s3.url)
                .env("TWEEVOUD_TEST_WRITER", n.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "a member failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let total = usize::from(WRITERS) * EACH as usize;
    // One unbroken chain in the database: every place taken once, each entry after the one
    // before it (the first, the members).
    let rows = pg.rows("SELECT seq, line FROM tweevoud_log ORDER BY seq");
    assert_eq!(rows.len(), total + 1);
    let mut prev: Option<String> = None;
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0].as_deref(), Some(i.to_string().as_str()));
        let entry =
            tweevoud::archive::parse_log_line(row[1].as_deref().unwrap().as_bytes()).unwrap();
        assert_eq!(entry.seq, i as u64);
        assert_eq!(entry.prev.as_ref().map(|h| h.to_string()), prev);
        assert_eq!(tweevoud::archive::entry_hash(&entry), entry.hash);
        prev = Some(entry.hash.to_string());
    }
    // A member who comes later (a fresh cache) finds every agreement, by listing and by
    // search, its objects read back from the bucket.
    let cache = tempfile::tempdir().unwrap();
    let archive =
        Archive::open_team(cache.path(), &connection(&pg.url, &s3.url), &trust()).unwrap();
    let listed = archive.list(None).unwrap();
    assert_eq!(listed.len(), total);
    assert!(listed.iter().all(|s| s.status == Status::Unsigned));
    for n in 1..=WRITERS {
        for i in 0..EACH {
            let name = format!("Teamklant W{n}x{i} BV");
            let found = archive.search(&format!("W{n}x{i}")).unwrap();
            assert_eq!(found.len(), 1, "{name}");
            assert_eq!(found[0].customer.as_deref(), Some(name.as_str()));
            let stored = archive.agreement(&found[0].id).unwrap();
            assert_eq!(stored.to_json(), draft(n, i).to_json());
        }
    }
}

#[test]
fn fail_a_row_changed_in_the_database_is_not_acted_on() {
    let pg = PgServer::start();
    let s3 = S3Server::start();
    let team = connection(&pg.url, &s3.url);
    begin(&team, 1);
    let cache = tempfile::tempdir().unwrap();
    let mut archive = Archive::open_team(cache.path(), &team, &trust()).unwrap();
    for i in 0..2 {
        archive
            .add(
                draft(1, i).to_json().as_bytes(),
                fixed_now(),
                Some(&test_key(1)),
            )
            .unwrap();
    }
    // Someone with the database's password changes the second entry.
    assert_eq!(
        pg.sql("UPDATE tweevoud_log SET line = replace(line, '\"2026-11-23', '\"2026-11-24') WHERE seq = 2"),
        1
    );
    // A member who comes later acts on the first entry only; nothing more is written to a
    // log that does not hold together.
    let fresh = tempfile::tempdir().unwrap();
    let mut later = Archive::open_team(fresh.path(), &team, &trust()).unwrap();
    assert_eq!(later.list(None).unwrap().len(), 1);
    let e = later
        .add(
            draft(1, 7).to_json().as_bytes(),
            fixed_now(),
            Some(&test_key(1)),
        )
        .unwrap_err();
    assert_eq!(tweevoud::Coded::code(&e), "log_broken", "{e}");
    assert_eq!(
        pg.rows("SELECT count(*) FROM tweevoud_log")[0][0].as_deref(),
        Some("3")
    );
}

#[test]
fn fail_an_object_replaced_in_the_bucket_is_not_handed_out() {
    let pg = PgServer::start();
    let s3 = S3Server::start();
    let team = connection(&pg.url, &s3.url);
    begin(&team, 1);
    let cache = tempfile::tempdir().unwrap();
    let mut archive = Archive::open_team(cache.path(), &team, &trust()).unwrap();
    let added = archive
        .add(
            draft(1, 0).to_json().as_bytes(),
            fixed_now(),
            Some(&test_key(1)),
        )
        .unwrap();
    let file = &added.objects[0].sha256;
    // Someone with the bucket's keys writes other bytes under the agreement file's name.
    s3.put_raw(
        &format!("objects/{}/{file}", &file.as_str()[..2]),
        draft(1, 1).to_json().as_bytes(),
    );
    let e = archive.agreement(&added.id).unwrap_err();
    assert_eq!(tweevoud::Coded::code(&e), "bad_object", "{e}");
    assert!(e.to_string().contains("corrupt"), "{e}");
}

/// The database, then the bucket, gone: each add fails within bounded time with a coded
/// error, and nothing is half-recorded (no entry without its objects; an object without an
/// entry is harmless).
#[test]
fn fail_database_or_bucket_gone_records_nothing() {
    let pg = PgServer::start();
    let mut s3 = S3Server::start();
    let team = connection(&pg.url, &s3.url);
    begin(&team, 1);
    let cache = tempfile::tempdir().unwrap();
    let mut archive = Archive::open_team(cache.path(), &team, &trust()).unwrap();
    archive
        .add(
            draft(1, 0).to_json().as_bytes(),
            fixed_now(),
            Some(&test_key(1)),
        )
        .unwrap();
    // The bucket gone: nothing reaches the log.
    s3.stop();
    let started = std::time::Instant::now();
    let e = archive
        .add(
            draft(1, 1).to_json().as_bytes(),
            fixed_now(),
            Some(&test_key(1)),
        )
        .unwrap_err();
    assert_eq!(tweevoud::Coded::code(&e), "archive_io", "{e}");
    assert!(!e.to_string().contains("secret-of-the-test"), "{e}");
    assert!(!e.to_string().contains("password-of-the-test"), "{e}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(
        pg.rows("SELECT count(*) FROM tweevoud_log")[0][0].as_deref(),
        Some("2")
    );
    // The database gone: the add fails, within its bounds, saying where without a password.
    let s3 = S3Server::start();
    let team = connection(&pg.url, &s3.url);
    let mut archive = Archive::open_team(cache.path(), &team, &trust()).unwrap();
    pg.stop();
    let started = std::time::Instant::now();
    let e = archive
        .add(
            draft(1, 2).to_json().as_bytes(),
            fixed_now(),
            Some(&test_key(1)),
        )
        .unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "{e}"
    );
    assert_eq!(tweevoud::Coded::code(&e), "archive_io", "{e}");
    assert!(
        e.to_string().contains("postgresql://tweevoud@127.0.0.1"),
        "{e}"
    );
}

/// A member's verification of the whole team archive, with the checkpoint its profile keeps.
fn verify(
    cache: &std::path::Path,
    team: &TeamConnection,
    checkpoint: &std::path::Path,
) -> tweevoud::archive::Report {
    tweevoud::archive::verify_team(
        cache,
        team,
        &trust().with_checkpoint(checkpoint.to_path_buf()),
        fixed_now(),
        Some(&test_key(1)),
        &mut |_| {},
    )
    .unwrap()
}

fn codes(r: &tweevoud::archive::Report) -> Vec<&'static str> {
    r.problems.iter().map(|p| p.code.as_str()).collect()
}

/// `verify` on a team archive is as strict as on a local one: every object read back from
/// the bucket and hashed, every entry in the database checked and its signature, the log
/// held to the checkpoint the member's profile keeps; tampering in the database or the
/// bucket is reported with its own code.
#[test]
fn verify_a_team_archive_and_fail_its_tampering() {
    let pg = PgServer::start();
    let s3 = S3Server::start();
    let team = connection(&pg.url, &s3.url);
    begin(&team, 1);
    let profile = tempfile::tempdir().unwrap();
    let checkpoint = profile.path().join("checkpoint.json");
    let cache = profile.path().join("cache");
    let mut archive =
        Archive::open_team(&cache, &team, &trust().with_checkpoint(checkpoint.clone())).unwrap();
    let mut added = Vec::new();
    for i in 0..2 {
        added.push(
            archive
                .add(
                    draft(1, i).to_json().as_bytes(),
                    fixed_now(),
                    Some(&test_key(1)),
                )
                .unwrap(),
        );
    }
    drop(archive);
    // Sound; the verification is recorded in the database's log, and the checkpoint moved.
    let r = verify(&cache, &team, &checkpoint);
    assert!(r.is_sound(), "{:?}", r.problems);
    assert_eq!((r.agreements, r.log_entries, r.logged), (2, 3, Some(3)));
    assert!(r
        .archive
        .to_string_lossy()
        .starts_with("postgresql://tweevoud@127.0.0.1"));
    // A member with a fresh cache finds it sound too: its index is made and caught up.
    let fresh = tempfile::tempdir().unwrap();
    let r = verify(&fresh.path().join("cache"), &team, &checkpoint);
    assert!(r.is_sound(), "{:?}", r.problems);
    assert_eq!((r.agreements, r.logged), (2, Some(4)));

    // An agreement file replaced in the bucket.
    let file = &added[0].objects[0].sha256;
    let key = format!("objects/{}/{file}", &file.as_str()[..2]);
    s3.put_raw(&key, draft(1, 5).to_json().as_bytes());
    let r = verify(&cache, &team, &checkpoint);
    assert_eq!(codes(&r), ["object_corrupt"], "{:?}", r.problems);
    // Put back; then an entry changed in the database.
    s3.put_raw(&key, draft(1, 0).to_json().as_bytes());
    assert!(verify(&cache, &team, &checkpoint).is_sound());
    assert_eq!(
        pg.sql("UPDATE tweevoud_log SET line = replace(line, '\"2026-11-23', '\"2026-11-24') WHERE seq = 2"),
        1
    );
    let r = verify(&fresh.path().join("again"), &team, &checkpoint);
    assert!(codes(&r).contains(&"log_altered"), "{:?}", r.problems);
    assert_eq!(
        r.logged, None,
        "nothing is written to a log that does not hold"
    );
    // The log cut back in the database: the member's checkpoint tells.
    let rows = pg.rows("SELECT count(*) FROM tweevoud_log")[0][0].clone();
    assert_eq!(rows.as_deref(), Some("7"));
    pg.sql("DELETE FROM tweevoud_log WHERE seq >= 1");
    let r = verify(&fresh.path().join("cut"), &team, &checkpoint);
    assert!(codes(&r).contains(&"log_truncated"), "{:?}", r.problems);
    assert_eq!(r.logged, None);
}

/// A member's entry as `n` signs it.
fn add_as(team: &TeamConnection, n: u8, i: u32) -> tweevoud::archive::Added {
    let cache = tempfile::tempdir().unwrap();
    let mut archive = Archive::open_team(cache.path(), team, &trust()).unwrap();
    archive
        .add(
            draft(n, i).to_json().as_bytes(),
            fixed_now(),
            Some(&test_key(n)),
        )
        .unwrap()
}

/// Members: the creator begins the archive with its members and changes them; an entry is
/// acted on when its signer was a member at its place in the log, and verify reports any
/// other (`log_not_member`); only the creator sets the members.
#[test]
fn members_set_by_the_creator_and_fail_a_non_member() {
    let pg = PgServer::start();
    let s3 = S3Server::start();
    let team = connection(&pg.url, &s3.url);
    begin(&team, 2);
    let cache = tempfile::tempdir().unwrap();
    let mut creator = Archive::open_team(cache.path(), &team, &trust()).unwrap();
    let e = creator
        .begin_team(&[], fixed_now(), &test_key(1))
        .unwrap_err();
    assert_eq!(tweevoud::Coded::code(&e), "team_begun", "{e}");
    add_as(&team, 2, 0); // a member
    add_as(&team, 3, 0); // not a member yet
    creator
        .change_members(&[key_of(3)], &[key_of(2)], fixed_now(), &test_key(1))
        .unwrap();
    add_as(&team, 3, 1); // a member now
    add_as(&team, 2, 1); // no longer one
                         // Only the creator sets the members, even a member cannot.
    let other = tempfile::tempdir().unwrap();
    let mut member = Archive::open_team(other.path(), &team, &trust()).unwrap();
    let e = member
        .change_members(&[key_of(4)], &[], fixed_now(), &test_key(3))
        .unwrap_err();
    assert_eq!(tweevoud::Coded::code(&e), "members_not_creator", "{e}");
    // A member who comes later acts on the members' entries only.
    let fresh = tempfile::tempdir().unwrap();
    let later = Archive::open_team(fresh.path(), &team, &trust()).unwrap();
    let mut names: Vec<String> = later
        .list(None)
        .unwrap()
        .into_iter()
        .filter_map(|s| s.customer)
        .collect();
    names.sort();
    assert_eq!(names, ["Teamklant W2x0 BV", "Teamklant W3x1 BV"]);
    // verify names both entries whose signer was not a member there.
    let profile = tempfile::tempdir().unwrap();
    let r = verify(
        &profile.path().join("cache"),
        &team,
        &profile.path().join("checkpoint.json"),
    );
    assert_eq!(
        codes(&r),
        ["log_not_member", "log_not_member"],
        "{:?}",
        r.problems
    );
    assert!(
        r.problems[0].message.contains("log entry 2 "),
        "{}",
        r.problems[0].message
    );
    assert!(
        r.problems[1].message.contains("log entry 5 "),
        "{}",
        r.problems[1].message
    );
    assert_eq!(
        r.logged, None,
        "nothing is written to a log that is not all the members'"
    );
    // A profile that pinned another creator acts on none of it.
    let other_creator = Trust::keys(vec![key_of(1)]).with_creator(key_of(2));
    let r = tweevoud::archive::verify_team(
        &profile.path().join("other"),
        &team,
        &other_creator,
        fixed_now(),
        None,
        &mut |_| {},
    )
    .unwrap();
    assert!(
        codes(&r).iter().all(|c| *c == "log_foreign_signature"),
        "{:?}",
        r.problems
    );
    assert_eq!(r.agreements, 0);
    // And one that pinned none, even trusting every member's key as its own.
    let r = tweevoud::archive::verify_team(
        &profile.path().join("none"),
        &team,
        &Trust::keys((1..=WRITERS).map(key_of).collect()),
        fixed_now(),
        None,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(r.agreements, 0, "{:?}", r.problems);
    assert_eq!(r.problems.len(), 6, "{:?}", r.problems);
}
