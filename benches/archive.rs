//! The archive with 10,000 agreements: how fast they are added, how fast a search answers,
//! how long verifying the whole archive takes, and the floor under that (hashing the same
//! bytes and verifying the same signatures, nothing else).
//!
//! `cargo bench --bench archive` (release build). `TWEEVOUD_BENCH_N` sets the number of
//! agreements (default 10000); `TWEEVOUD_BENCH_DIR` keeps the archive in that directory
//! instead of a temporary one. Not a test: it prints numbers (on standard error, and one JSON
//! object on standard output for `make bench`) and asserts only that the archive comes out
//! sound. Every log entry is signed with a key of a throwaway profile, as `archive add --key`
//! signs it, and the archive is verified trusting that profile's keys and checkpoint, as
//! `archive verify` does.

mod corpus;
mod floor;

use std::time::Instant;

use serde_json::json;

use corpus::{at, median, ms};
use sha2::{Digest, Sha256};
use tweevoud::archive::{self, Progress, Trust};
use tweevoud::{Agreement, Archive, KeyStore, Profile, Template};

fn main() {
    let n = corpus::count();
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("TWEEVOUD_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().join("archive"));
    let template = Template::resolve("xis-verwerkersovereenkomst").unwrap();

    // The profile whose key signs every log entry (an unsigned entry is one `archive verify`
    // reports): made and stored encrypted by the key store, unlocked once, as the CLI does.
    let profile = Profile::at(tmp.path().join("profile"));
    let keys = KeyStore::open(&profile);
    let passphrase = "a passphrase for the bench";
    let info = keys
        .create("Tom Hendrix", Some("XIS"), None, passphrase, at(8, 0))
        .unwrap();
    let key = keys.unlock(&info.fingerprint().hex(), passphrase).unwrap();

    let t = Instant::now();
    let files = corpus::files(&template, 0, n);
    let made = t.elapsed();
    let bytes: usize = files.iter().map(Vec::len).sum();
    eprintln!(
        "made {n} signed agreements in {:.1} s ({:.1} MB of agreement files)",
        made.as_secs_f64(),
        bytes as f64 / 1e6
    );

    // Adding.
    // Opened as `archive add` opens it: with the profile's checkpoint of it.
    let ar = Archive::open(&dir).unwrap();
    let checkpoint = profile.archive_checkpoint(ar.dir());
    let mut ar = ar.with_checkpoint(checkpoint.clone());
    let t = Instant::now();
    let mut ids = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        ids.push(ar.add(f, at(16, 0), Some(&key)).unwrap().id);
        if (i + 1) % 1000 == 0 {
            eprintln!("  {} added, {:.1} s", i + 1, t.elapsed().as_secs_f64());
        }
    }
    let added = t.elapsed();
    eprintln!(
        "add:    {n} agreements in {:.1} s = {:.0} agreements/s ({:.2} ms each: each is verified, both its exemplar PDFs are rendered, its files and its log entry are flushed to disk, the index is updated)",
        added.as_secs_f64(),
        n as f64 / added.as_secs_f64(),
        ms(added) / n as f64
    );
    drop(ar);

    // Searching, and what finding the same without an index costs: scanning the agreement
    // files, held in memory, for the query.
    let t = Instant::now();
    let ar = Archive::open(&dir).unwrap();
    eprintln!(
        "open:   {:.2} ms (SQLite, and the log's last line)",
        ms(t.elapsed())
    );
    let texts: Vec<&str> = files
        .iter()
        .map(|f| std::str::from_utf8(f).unwrap())
        .collect();
    let queries = corpus::queries(n, &ids);
    let mut searches = Vec::new();
    for q in &queries {
        let rounds = 20;
        let mut found = 0;
        let times: Vec<f64> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                found = ar.search(q).unwrap().len();
                ms(t.elapsed())
            })
            .collect();
        let search = median(times);
        let scans: Vec<f64> = (0..3)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(texts.iter().filter(|t| t.contains(q.as_str())).count());
                ms(t.elapsed())
            })
            .collect();
        let scan = median(scans);
        eprintln!("search: {search:>8.3} ms  {found:>5} found  {q:?}   (scan: {scan:.1} ms)");
        searches.push(json!({ "query": q, "ms": search, "found": found, "scan_ms": scan }));
    }
    let search_ms = median(searches.iter().map(|s| s["ms"].as_f64().unwrap()).collect());
    let scan_ms = median(
        searches
            .iter()
            .map(|s| s["scan_ms"].as_f64().unwrap())
            .collect(),
    );
    drop(ar);

    // Verifying the whole archive.
    let t = Instant::now();
    let trust = Trust::keys(vec![*info.fingerprint()]).with_checkpoint(checkpoint);
    let report =
        archive::verify_trusted(&dir, &trust, at(17, 0), None, &mut |_: Progress| {}).unwrap();
    let verified = t.elapsed();
    assert!(report.is_sound(), "{:?}", report.problems);
    assert_eq!(report.signed_entries, report.log_entries);
    eprintln!(
        "verify: {:.1} s for {} agreements, {} objects, {} signatures, {} log entries",
        verified.as_secs_f64(),
        report.agreements,
        report.objects,
        report.signatures,
        report.log_entries
    );

    // The floor: read and hash the same object files, verify the same signatures, nothing
    // else; on one thread (the floor of adding, per agreement) and on as many threads as
    // `archive verify` uses (the floor it is held to).
    let objects = walk(&dir.join("objects"));
    let object_bytes: u64 = objects
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    let checks: Vec<floor::Check> = files
        .iter()
        .flat_map(|f| {
            let a = Agreement::from_json(std::str::from_utf8(f).unwrap()).unwrap();
            a.signatures().iter().map(floor::check).collect::<Vec<_>>()
        })
        .collect();
    let floor_on = |threads: usize| {
        let t = Instant::now();
        std::thread::scope(|s| {
            for k in 0..threads {
                let (objects, checks) = (&objects, &checks);
                s.spawn(move || {
                    for p in objects.iter().skip(k).step_by(threads) {
                        let b = std::fs::read(p).unwrap();
                        std::hint::black_box(Sha256::digest(&b));
                    }
                    for (key, m, sig) in checks.iter().skip(k).step_by(threads) {
                        key.verify_strict(m, sig).unwrap();
                    }
                });
            }
        });
        t.elapsed()
    };
    let threads = archive::verify_threads();
    // The better of two runs each: the floor is what the machine can do at best.
    let floor_one = floor_on(1).min(floor_on(1));
    let floor = floor_on(threads).min(floor_on(threads));
    eprintln!(
        "floor:  {:.2} s on {threads} thread(s) ({:.2} s on one) = reading and hashing {:.1} MB of objects + {} Ed25519 verifications",
        floor.as_secs_f64(),
        floor_one.as_secs_f64(),
        object_bytes as f64 / 1e6,
        checks.len(),
    );
    eprintln!(
        "        verify takes {:.1}x the floor: it also parses every agreement file, re-renders and re-hashes its text for each signature, checks the audit trail and the log, and compares the index row by row",
        verified.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "{}",
        json!({
            "n": n,
            "make_s": made.as_secs_f64(),
            "add_s": added.as_secs_f64(),
            "add_floor_s": floor_one.as_secs_f64(),
            "searches": searches,
            "search_ms": search_ms,
            "scan_ms": scan_ms,
            "verify_s": verified.as_secs_f64(),
            "floor_s": floor.as_secs_f64(),
            "floor_one_thread_s": floor_one.as_secs_f64(),
            "threads": threads,
            "objects": report.objects,
            "signatures": report.signatures,
            "object_mb": object_bytes as f64 / 1e6,
        })
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
