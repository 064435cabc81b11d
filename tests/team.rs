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

/// The French template of the tests.
fn accord() -> tweevoud::Template {
    tweevoud::Template::load(&common::fixture("accord-confidentialite.tvt")).unwrap()
}

/// A DPA draft made at minute `m`, with its customer's blanks filled (`number` its enterprise
/// number, if any; `before_be`: in the form stored before the `BE` form).
fn dpa_for(m: i64, name: &str, address: &str, number: Option<&str>, before_be: bool) -> Agreement {
    let now = fixed_now() + Duration::minutes(m);
    let mut a = Agreement::new(dpa(), Party::Provider, now);
    let mut values = vec![("customer_name", name), ("customer_address", address)];
    values.extend(number.map(|n| ("customer_enterprise_number", n)));
    a.fill(Party::Customer, &set(&values), now).unwrap();
    if before_be {
        common::stored_before_be(a)
    } else {
        a
    }
}

/// A French agreement made at minute `m`, every blank filled.
fn accord_for(m: i64, client: &str, number: &str, signatory: &str, place: &str) -> Agreement {
    let now = fixed_now() + Duration::minutes(m);
    let mut a = Agreement::new(accord(), Party::Provider, now);
    a.fill(
        Party::Provider,
        &set(&[
            ("prestataire_nom", "Xtreme Internet Solutions BV"),
            ("prestataire_siege", "Kempische Steenweg 311\n3500 Hasselt"),
            ("prestataire_signataire", "Tom Hendrix"),
        ]),
        now,
    )
    .unwrap();
    a.fill(
        Party::Customer,
        &set(&[
            ("client_nom", client),
            ("client_bce", number),
            ("client_signataire", signatory),
            ("client_fonction", "Gérante"),
            ("lieu", place),
            ("date_signature", "23-11-2026"),
        ]),
        now,
    )
    .unwrap();
    a
}

/// What both archives are given, in this order: drafts in Dutch and French with names in
/// Dutch, French and German (accents, ligatures, apostrophes), enterprise numbers in their
/// `BE` form and in the form stored before it, a pre-signed agreement and then its
/// countersigned version (an update of the same agreement).
fn corpus() -> Vec<Agreement> {
    vec![
        dpa_for(
            1,
            "Brouwerij De Zwarte Kat BV",
            "Kerkstraat 12\n3600 Genk",
            Some("BE 0403.170.701"),
            false,
        ),
        dpa_for(
            2,
            "Société Générale de Belgique SA",
            "Rue de l'Église 5\n5000 Namur",
            Some("0555.555.523"),
            true,
        ),
        dpa_for(
            3,
            "Ärztekammer Ostbelgien VoG",
            "Klötzerbahn 3\n4700 Eupen",
            Some("0202239951"),
            false,
        ),
        dpa_for(
            4,
            "Œuvres Sociales Namuroises ASBL",
            "Place d'Armes 1\n5000 Namur",
            Some("BE0876.543.270"),
            false,
        ),
        dpa_for(5, "Café 't Hoekske", "Markt 1\n9000 Gent", None, false),
        accord_for(
            6,
            "Boulangerie Dupré & Fils SRL",
            "BE 0477 047 780",
            "Jean-Édouard Lefèvre",
            "Liège",
        ),
        accord_for(
            7,
            "Ëlise Müller-Straße GmbH",
            "0123.456.749",
            "Sofie Ĳsselmeer-Fiﬁ",
            "Malmedy",
        ),
        common::dpa_provider_signed(),
        common::dpa_complete(),
    ]
}

/// Both archives' answers to each query, the same; how many agreements the local one finds
/// (`None`: an empty query, refused by both with the same code).
fn same_answers(local: &Archive, team: &Archive, table: &[(&str, Option<usize>)]) {
    let mut counted = Vec::new();
    for (query, count) in table {
        match (local.search(query), team.search(query)) {
            (Ok(l), Ok(t)) => {
                assert_eq!(l, t, "{query:?}: the team archive answers otherwise");
                if Some(l.len()) != *count {
                    counted.push(format!("{query:?} finds {}", l.len()));
                }
            }
            (Err(l), Err(t)) => {
                assert_eq!(
                    tweevoud::Coded::code(&l),
                    tweevoud::Coded::code(&t),
                    "{query:?}"
                );
                assert_eq!(*count, None, "{query:?}: {l}");
            }
            (l, t) => panic!("{query:?}: {l:?} but {t:?}"),
        }
    }
    assert!(counted.is_empty(), "{counted:#?}");
    for status in [
        None,
        Some(Status::Unsigned),
        Some(Status::Complete),
        Some(Status::AwaitingCountersignature),
    ] {
        assert_eq!(
            local.list(status).unwrap(),
            team.list(status).unwrap(),
            "{status:?}"
        );
    }
}

/// The index in the database (#23 items 4 and 5): the same queries give the same answers as
/// the local index, which holds the same agreements; the database's rows are what answers
/// (its terms emptied, nothing is found), and a row changed, added or removed in the database
/// is reported by `archive verify` (`index_mismatch`) until `rebuild-index` makes the rows
/// again from the log and the objects.
fn the_database_answers_searches_as_the_local_index(pg: &PgServer, s3: &S3Server) {
    let db = pg.database("searched");
    let team = connection(&db, &s3.bucket("searched"));
    let sql = |q: &str| servers::sql_at(&db, q);
    begin(&team, 1);
    let dir = tempfile::tempdir().unwrap();
    let mut local = Archive::open(&dir.path().join("local")).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let checkpoint = profile.path().join("checkpoint.json");
    let cache = profile.path().join("cache");
    let mut shared =
        Archive::open_team(&cache, &team, &trust().with_checkpoint(checkpoint.clone())).unwrap();
    let key = test_key(1);
    let mut ids = Vec::new();
    for (i, a) in corpus().iter().enumerate() {
        let now = fixed_now() + Duration::hours(i as i64 + 1);
        let l = local.add(a.to_json().as_bytes(), now, Some(&key)).unwrap();
        let t = shared.add(a.to_json().as_bytes(), now, Some(&key)).unwrap();
        assert_eq!((&l.id, &l.outcome), (&t.id, &t.outcome));
        ids.push(l.id);
    }
    // The fourth one erased from both.
    let now = fixed_now() + Duration::hours(20);
    local
        .delete(&ids[3], "verzoek van de klant", now, Some(&key))
        .unwrap();
    shared
        .delete(&ids[3], "verzoek van de klant", now, Some(&key))
        .unwrap();
    // A member who comes later, with a fresh index of its own, reads the same database.
    let later_cache = tempfile::tempdir().unwrap();
    let later = Archive::open_team(later_cache.path(), &team, &trust()).unwrap();
    let fingerprint = key_of(1).hex();
    let table: Vec<(&str, Option<usize>)> = vec![
        // Enterprise numbers, in every form a person types them; both forms stored.
        ("0403.170.701", Some(2)),
        ("BE0403170701", Some(2)),
        ("BE 0403.170.701", Some(2)),
        ("be 0403 170 701", Some(2)),
        ("0403170701", Some(2)),
        ("403170701", Some(2)),
        ("0555.555.523", Some(1)),
        ("BE 0555 555 523", Some(1)),
        ("BE0555555523", Some(1)),
        ("0821.588.020", Some(5)), // the provider's, in the DPA's text
        ("0202.239.951", Some(1)),
        ("0477047780", Some(1)),
        ("BE0123456749", Some(1)),
        ("0876.543.270", Some(0)), // erased
        // Words: any case, with or without accents, a word's beginning.
        ("zwarte kat", Some(2)),
        ("ZWAR", Some(2)),
        ("Société", Some(1)),
        ("societe generale", Some(1)),
        ("SOCIÉTÉ Générale Belgique", Some(1)),
        ("arztekammer", Some(1)),
        ("Ärzte Eupen", Some(1)),
        ("klotzerbahn", Some(1)),
        ("œuvres", Some(0)), // erased
        ("namur", Some(1)),
        ("église", Some(1)),
        ("e\u{301}glise", Some(1)),
        ("l'Église", Some(1)),
        ("Café 't Hoekske", Some(1)),
        ("cafe", Some(1)),
        ("dupré & fils", Some(1)),
        ("Jean-Édouard", Some(1)),
        ("lefevre", Some(1)),
        ("straße", Some(1)),
        ("müller", Some(1)),
        ("ĳsselmeer", Some(1)),
        ("fiﬁ", Some(1)),
        ("liège", Some(1)),
        ("confidentialité", Some(2)),
        ("verwerker", Some(5)),
        ("Tom Hendrix", Some(7)),
        ("anne-marie d'hondt", Some(1)),
        ("genk 3600", Some(2)),
        ("xyzzy", Some(0)),
        ("zwarte xyzzy", Some(0)),
        // An id's beginning, a key's fingerprint's beginning.
        (&ids[0][..12], Some(1)),
        (&fingerprint[..16], Some(1)),
        ("deadbeef00", Some(0)),
        // Nothing to look for.
        ("", None),
        (" ,.;-' ", None),
    ];
    same_answers(&local, &shared, &table);
    same_answers(&local, &later, &table);

    // The database's rows are what answers: terms emptied there, nothing is found.
    let hoekske = "customer = 'Café ''t Hoekske'";
    assert_eq!(
        sql(&format!(
            "UPDATE tweevoud_index SET terms = ''::tsvector WHERE {hoekske}"
        )),
        1
    );
    assert_eq!(local.search("hoekske").unwrap().len(), 1);
    assert!(shared.search("hoekske").unwrap().is_empty());
    let r = verify(&cache, &team, &checkpoint);
    assert_eq!(codes(&r), ["index_mismatch"], "{:?}", r.problems);
    assert!(
        r.problems[0].message.contains("search terms"),
        "{}",
        r.problems[0].message
    );
    // A row changed in the database: not shown (the member's own index, made of the entries
    // it authenticated, holds another), and reported.
    assert_eq!(
        sql("UPDATE tweevoud_index SET customer = 'Iemand Anders BV' WHERE customer LIKE 'Brouwerij%'"),
        2
    );
    assert_eq!(
        later.list(None).unwrap().len(),
        local.list(None).unwrap().len() - 2
    );
    assert!(later.search("iemand").unwrap().is_empty());
    let r = verify(&cache, &team, &checkpoint);
    assert_eq!(codes(&r), ["index_mismatch"; 3], "{:?}", r.problems);
    assert!(
        r.problems
            .iter()
            .any(|p| p.message.contains("customer is \"Iemand Anders BV\"")),
        "{:?}",
        r.problems
    );
    // A row added, a row removed, a signature changed.
    sql(&format!(
        "INSERT INTO tweevoud_index SELECT '{}', status, awaiting, template, template_sha256, title,
            provider, provider_enterprise_number, customer, customer_enterprise_number, created,
            signed, archived, updated, object, root, head, text_sha256, terms
         FROM tweevoud_index WHERE customer LIKE 'Ärzte%'",
        "ab".repeat(32)
    ));
    assert_eq!(
        sql("DELETE FROM tweevoud_index WHERE customer LIKE 'Société%'"),
        1
    );
    assert_eq!(
        sql("UPDATE tweevoud_index_signatures SET name = 'Niet Tom' WHERE idx = 0"),
        1
    );
    // A value longer than any row holds: never read (as NULL), the row not shown, reported.
    assert_eq!(
        sql(&format!(
            "UPDATE tweevoud_index SET title = repeat('x', 70000) WHERE id = '{}'",
            ids[2]
        )),
        1
    );
    assert!(later.list(None).unwrap().iter().all(|s| s.id != ids[2]));
    assert!(later.search("arztekammer").unwrap().is_empty());
    let r = verify(&cache, &team, &checkpoint);
    assert_eq!(codes(&r), ["index_mismatch"; 7], "{:?}", r.problems);
    assert!(
        r.problems
            .iter()
            .any(|p| p.message.contains("title is NULL but should be")),
        "{:?}",
        r.problems
    );
    let said: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        said[0].contains(&format!("lists agreement {}", "ab".repeat(32))),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|m| m.contains(&format!("agreement {} (Société", ids[1]))
                && m.contains("is not in the index")),
        "{said:?}"
    );
    assert_eq!(
        said.iter()
            .filter(|m| m.contains("the signatures of agreement"))
            .count(),
        1,
        "{said:?}"
    );
    // Made again from the log and the objects: sound, and the same answers.
    let rebuilt = Archive::rebuild_team_index(&cache, &team, &trust()).unwrap();
    assert_eq!(rebuilt.agreements, 7);
    let r = verify(&cache, &team, &checkpoint);
    assert!(r.is_sound(), "{:?}", r.problems);
    let shared = Archive::open_team(&cache, &team, &trust()).unwrap();
    same_answers(&local, &shared, &table);
}

/// The first entry only on an empty log, and two changes of the members at once: both
/// decided under the append's lock in the database (#23, item 3).
fn begin_once_and_members_changed_at_once_lose_nothing(pg: &PgServer, s3: &S3Server) {
    let db = pg.database("raced");
    let team = connection(&db, &s3.bucket("raced"));
    // Nothing is written before the creator begins the archive.
    let cache = tempfile::tempdir().unwrap();
    let mut member = Archive::open_team(cache.path(), &team, &trust()).unwrap();
    let e = member
        .add(
            draft(2, 0).to_json().as_bytes(),
            fixed_now(),
            Some(&test_key(2)),
        )
        .unwrap_err();
    assert_eq!(tweevoud::Coded::code(&e), "team_not_begun", "{e}");
    let count = || {
        servers::rows_at(&db, "SELECT count(*) FROM tweevoud_log")[0][0]
            .clone()
            .unwrap()
    };
    assert_eq!(count(), "0");
    // Four members (threads, each with a connection of its own) begin it at once: one does.
    let barrier = std::sync::Barrier::new(4);
    let outcomes: Vec<Result<(), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let cache = tempfile::tempdir().unwrap();
                    let mut a = Archive::open_team(cache.path(), &team, &trust()).unwrap();
                    barrier.wait();
                    a.begin_team(&[key_of(2)], fixed_now(), &test_key(1))
                        .map(|_| ())
                        .map_err(|e| tweevoud::Coded::code(&e).to_string())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    assert!(outcomes
        .iter()
        .all(|o| o.is_ok() || o.as_ref().unwrap_err() == "team_begun"));
    assert_eq!(count(), "1");
    // The creator changes the members from two places at once, again and again: every
    // change stays.
    for round in 0..3u8 {
        let barrier = std::sync::Barrier::new(2);
        std::thread::scope(|s| {
            for k in [10 + 2 * round, 11 + 2 * round] {
                let barrier = &barrier;
                let team = &team;
                s.spawn(move || {
                    let cache = tempfile::tempdir().unwrap();
                    let mut a = Archive::open_team(cache.path(), team, &trust()).unwrap();
                    barrier.wait();
                    a.change_members(&[key_of(k)], &[], fixed_now(), &test_key(1))
                        .unwrap();
                });
            }
        });
    }
    let rows = servers::rows_at(
        &db,
        "SELECT line FROM tweevoud_log ORDER BY seq DESC LIMIT 1",
    );
    let last =
        tweevoud::archive::parse_log_line(rows[0][0].as_deref().unwrap().as_bytes()).unwrap();
    let mut want: Vec<String> = [1, 2, 10, 11, 12, 13, 14, 15]
        .into_iter()
        .map(|k| key_of(k).hex())
        .collect();
    want.sort();
    let have: Vec<String> = last.members.iter().map(|m| m.to_string()).collect();
    assert_eq!(have, want);
    assert_eq!(count(), "7");
}

/// The index in the database and the log's lock (#23, items 3 to 5): one PostgreSQL and one
/// S3 server for both, a database and a bucket for each.
#[test]
fn the_index_in_the_database_and_the_log_s_lock() {
    let pg = PgServer::start();
    let s3 = S3Server::start();
    the_database_answers_searches_as_the_local_index(&pg, &s3);
    begin_once_and_members_changed_at_once_lose_nothing(&pg, &s3);
}
