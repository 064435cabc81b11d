//! The team archive (#23, docs/archive-team.md) with 10,000 agreements, next to the local
//! archive of benches/archive.rs (the same agreements, the same searches): how fast they are
//! added, how fast a search answers, how long verifying the whole archive takes, and a
//! concurrency run (8 members adding at once, each with its own key and its own cache).
//!
//! `cargo bench --bench team` (release build, feature `team`, which the default `cli` turns
//! on). The servers are the tests' (tests/common/servers.rs): PostgreSQL from Debian's
//! packages, started here with `fsync` on, as a server keeping an archive would run; moto's
//! S3-compatible server from the project's venv (`scripts/setup.sh python`), which keeps
//! objects in memory. `TWEEVOUD_BENCH_N` sets the number of agreements (default 10000). Not a
//! test: it prints numbers (on standard error, and one JSON object on standard output for
//! `make bench`) and asserts only that the archive comes out sound, one unbroken chain.

mod corpus;
#[path = "../tests/common/servers.rs"]
mod servers;

use std::path::Path;
use std::time::Instant;

use corpus::{at, median, ms};
use ed25519_dalek::SigningKey;
use serde_json::json;
use servers::{PgServer, S3Server};
use tweevoud::archive::{self, Progress, TeamConnection, TeamSecrets, Trust};
use tweevoud::key::Fingerprint;
use tweevoud::{Archive, Template};

/// Members adding at once in the concurrency run, and agreements each adds.
const WRITERS: u8 = 8;
const EACH: u32 = 50;

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[0x40 + n; 32])
}

fn fingerprint(n: u8) -> Fingerprint {
    Fingerprint::of_raw_public_key(key(n).verifying_key().as_bytes())
}

/// What member `n`'s profile trusts: its own key, the creator (member 0) pinned, and its
/// checkpoint of the team log, in a directory of its own under `profile`.
fn trust(n: u8, profile: &Path) -> Trust {
    Trust::keys(vec![fingerprint(n)])
        .with_checkpoint(profile.join(format!("member-{n}")).join("checkpoint.json"))
        .with_creator(fingerprint(0))
}

fn main() {
    let n = corpus::count();
    let template = Template::resolve("xis-verwerkersovereenkomst").unwrap();
    let tmp = tempfile::tempdir().unwrap();

    let pg = PgServer::start_durable();
    assert_eq!(pg.rows("SHOW fsync")[0][0].as_deref(), Some("on"));
    let s3 = S3Server::start();
    let team = TeamConnection {
        database: pg.url.clone(),
        objects: s3.url.clone(),
        region: "us-east-1".into(),
        // On this machine, in clear: the bench measures the archive, not TLS.
        ca: None,
        secrets: TeamSecrets {
            database_password: Some("password-of-the-bench".into()),
            access_key_id: "tweevoud".into(),
            secret_access_key: "secret-of-the-bench".into(),
        },
    };
    let profile = tmp.path().join("profile");
    std::fs::create_dir_all(&profile).unwrap();
    let cache = |n: u8| tmp.path().join(format!("cache-{n}"));

    // Begun by member 0, who adds the 10,000; members 1 to 8 add at once afterwards.
    let mut ar = Archive::open_team(&cache(0), &team, &trust(0, &profile)).unwrap();
    let members: Vec<Fingerprint> = (1..=WRITERS).map(fingerprint).collect();
    ar.begin_team(&members, at(8, 0), &key(0)).unwrap();

    let t = Instant::now();
    let files = corpus::files(&template, 0, n);
    eprintln!(
        "made {n} signed agreements in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // Adding, one member.
    let t = Instant::now();
    let mut ids = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        ids.push(ar.add(f, at(16, 0), Some(&key(0))).unwrap().id);
        if (i + 1) % 1000 == 0 {
            eprintln!("  {} added, {:.1} s", i + 1, t.elapsed().as_secs_f64());
        }
    }
    let added = t.elapsed();
    eprintln!(
        "add:    {n} agreements in {:.1} s = {:.0} agreements/s ({:.2} ms each: verified, both exemplar PDFs rendered, its objects written create-only to the bucket, its log entry appended in one PostgreSQL transaction under the log's lock)",
        added.as_secs_f64(),
        n as f64 / added.as_secs_f64(),
        ms(added) / n as f64
    );
    drop(ar);

    // Searching, as a member's profile opens the archive to search it.
    let t = Instant::now();
    let ar = Archive::open_team(&cache(0), &team, &trust(0, &profile)).unwrap();
    eprintln!(
        "open:   {:.1} ms (both servers reached, the log read)",
        ms(t.elapsed())
    );
    let mut searches = Vec::new();
    for q in corpus::queries(n, &ids) {
        let mut found = 0;
        let times: Vec<f64> = (0..20)
            .map(|_| {
                let t = Instant::now();
                found = ar.search(&q).unwrap().len();
                ms(t.elapsed())
            })
            .collect();
        let search = median(times);
        eprintln!("search: {search:>8.3} ms  {found:>5} found  {q:?}");
        searches.push(json!({ "query": q, "ms": search, "found": found }));
    }
    let search_ms = median(searches.iter().map(|s| s["ms"].as_f64().unwrap()).collect());
    drop(ar);

    // Verifying the whole archive: every object read back from the bucket and hashed, every
    // agreement verified, every log entry's signature and membership, the index, the
    // checkpoint.
    let verify = |what: &str| {
        let t = Instant::now();
        let report = archive::verify_team(
            &cache(0),
            &team,
            &trust(0, &profile),
            at(17, 0),
            None,
            &mut |_: Progress| {},
        )
        .unwrap();
        let took = t.elapsed();
        assert!(report.is_sound(), "{:?}", report.problems);
        eprintln!(
            "verify: {:.1} s for {} agreements, {} objects, {} signatures, {} log entries{what}",
            took.as_secs_f64(),
            report.agreements,
            report.objects,
            report.signatures,
            report.log_entries
        );
        (took, report)
    };
    let (verified, report) = verify("");
    let objects = report.objects;
    let signatures = report.signatures;

    // Eight members add at once, each in a thread of its own with its own connection, key,
    // cache and checkpoint, as eight laptops would.
    let extra = corpus::files(&template, n, n + u32::from(WRITERS) * EACH);
    let t = Instant::now();
    std::thread::scope(|s| {
        for w in 1..=WRITERS {
            let (team, profile, extra) = (&team, &profile, &extra);
            let dir = cache(w);
            s.spawn(move || {
                let mut ar = Archive::open_team(&dir, team, &trust(w, profile)).unwrap();
                let mine = extra
                    .iter()
                    .skip(usize::from(w - 1))
                    .step_by(usize::from(WRITERS));
                for f in mine {
                    ar.add(f, at(18, 0), Some(&key(w))).unwrap();
                }
            });
        }
    });
    let together = t.elapsed();
    let total = usize::from(WRITERS) * EACH as usize;
    eprintln!(
        "at once: {WRITERS} members added {total} agreements in {:.1} s = {:.0} agreements/s ({:.0}/s for one member alone above)",
        together.as_secs_f64(),
        total as f64 / together.as_secs_f64(),
        n as f64 / added.as_secs_f64()
    );
    // One unbroken chain: the members entry, the 10,000, the 400, each place taken once.
    let rows = pg.rows("SELECT count(*), min(seq), max(seq) FROM tweevoud_log");
    let expected = (n as usize + total + 1).to_string();
    assert_eq!(rows[0][0].as_deref(), Some(expected.as_str()));
    let (_, after) = verify(" (after the concurrency run)");
    assert_eq!(after.agreements, n as usize + total);

    println!(
        "{}",
        json!({
            "n": n,
            "add_s": added.as_secs_f64(),
            "searches": searches,
            "search_ms": search_ms,
            "verify_s": verified.as_secs_f64(),
            "objects": objects,
            "signatures": signatures,
            "writers": WRITERS,
            "each": EACH,
            "together_s": together.as_secs_f64(),
        })
    );
}
