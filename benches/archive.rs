//! The archive with 10,000 agreements: how fast they are added, how fast a search answers,
//! how long verifying the whole archive takes, and the floor under that (hashing the same
//! bytes and verifying the same signatures, nothing else).
//!
//! `cargo bench --bench archive` (release build). `TWEEVOUD_BENCH_N` sets the number of
//! agreements (default 10000); `TWEEVOUD_BENCH_DIR` keeps the archive in that directory
//! instead of a temporary one. Not a test: it prints numbers and asserts only that the
//! archive comes out sound.

use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use sha2::{Digest, Sha256};
use tweevoud::archive::{self, Progress};
use tweevoud::{Agreement, Archive, Party, Template};

fn at(hour: u32, minute: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-11-23T{hour:02}:{minute:02}:00+01:00")).unwrap()
}

/// A valid Belgian enterprise number made from `n`.
fn enterprise_number(n: u32) -> String {
    let base = 10_000_000 + n;
    let check = 97 - base % 97;
    let d = format!("{base:08}{check:02}");
    format!("{}.{}.{}", &d[..4], &d[4..7], &d[7..])
}

/// Letters for a number, so that names stay names: 12 -> "Bc".
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

const CITIES: [&str; 6] = ["Hasselt", "Genk", "Gent", "Leuven", "Namen", "Brugge"];

/// Agreement `n`: the DPA signed by the provider (seed 1) and countersigned by a customer of
/// its own (seed 2), with its own name, address, number and signatory.
fn agreement(template: &Template, n: u32) -> Agreement {
    let provider = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
    let customer = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
    let minute = n % 60;
    let mut a = Agreement::new(template.clone(), Party::Provider, at(9, minute));
    a.sign(
        &provider,
        Party::Provider,
        None,
        Some(Party::Customer),
        at(10, minute),
    )
    .unwrap();
    let set = |k: &str, v: String| (k.to_string(), v);
    a.fill(
        Party::Customer,
        &[
            set("customer_name", format!("Klant {} {n} BV", letters(n))),
            set(
                "customer_address",
                format!("Markt {}\n3500 {}", n % 200 + 1, CITIES[n as usize % 6]),
            ),
            set("customer_enterprise_number", enterprise_number(n)),
            set("customer_signatory_name", format!("Persoon {}", letters(n))),
            set("customer_signatory_function", "Zaakvoerder".into()),
        ],
        at(14, minute),
    )
    .unwrap();
    a.sign(&customer, Party::Customer, None, None, at(15, minute))
        .unwrap();
    a
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let n: u32 = std::env::var("TWEEVOUD_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("TWEEVOUD_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().join("archive"));
    let template = Template::resolve("xis-verwerkersovereenkomst").unwrap();

    let t = Instant::now();
    let files: Vec<Vec<u8>> = (0..n)
        .map(|i| agreement(&template, i).to_json().into_bytes())
        .collect();
    let made = t.elapsed();
    let bytes: usize = files.iter().map(Vec::len).sum();
    println!(
        "made {n} signed agreements in {:.1} s ({:.1} MB of agreement files)",
        made.as_secs_f64(),
        bytes as f64 / 1e6
    );

    // Adding.
    let mut ar = Archive::open(&dir).unwrap();
    let t = Instant::now();
    let mut ids = Vec::with_capacity(files.len());
    for f in &files {
        ids.push(ar.add(f, at(16, 0), None).unwrap().id);
    }
    let added = t.elapsed();
    println!(
        "add:    {n} agreements in {:.1} s = {:.0} agreements/s ({:.2} ms each; every add flushes its object and its log entry to disk)",
        added.as_secs_f64(),
        n as f64 / added.as_secs_f64(),
        ms(added) / n as f64
    );
    drop(ar);

    // Searching.
    let t = Instant::now();
    let ar = Archive::open(&dir).unwrap();
    println!(
        "open:   {:.2} ms (SQLite, and the log's last line)",
        ms(t.elapsed())
    );
    let probe = n / 2;
    let queries = [
        format!("Klant {} {probe} BV", letters(probe)),
        enterprise_number(probe),
        format!("BE {}", enterprise_number(probe).replace('.', "")),
        format!("Persoon {}", letters(probe)),
        ids[probe as usize][..12].to_string(),
        "Brugge".to_string(),
        "0821.588.020".to_string(),
    ];
    for q in &queries {
        let rounds = 20;
        let mut found = 0;
        let t = Instant::now();
        for _ in 0..rounds {
            found = ar.search(q).unwrap().len();
        }
        println!(
            "search: {:>8.2} ms  {found:>5} found  {q:?}",
            ms(t.elapsed()) / rounds as f64
        );
    }
    drop(ar);

    // Verifying the whole archive.
    let t = Instant::now();
    let report = archive::verify(&dir, at(17, 0), None, &mut |_: Progress| {}).unwrap();
    let verified = t.elapsed();
    assert!(report.is_sound(), "{:?}", report.problems);
    println!(
        "verify: {:.1} s for {} agreements, {} objects, {} signatures, {} log entries",
        verified.as_secs_f64(),
        report.agreements,
        report.objects,
        report.signatures,
        report.log_entries
    );

    // The floor: hash the same object bytes, verify the same signatures.
    let t = Instant::now();
    let mut object_bytes = 0usize;
    for entry in walk(&dir.join("objects")) {
        let b = std::fs::read(entry).unwrap();
        object_bytes += b.len();
        std::hint::black_box(Sha256::digest(&b));
    }
    let hashing = t.elapsed();
    let parsed: Vec<Agreement> = files
        .iter()
        .map(|f| Agreement::from_json(std::str::from_utf8(f).unwrap()).unwrap())
        .collect();
    let t = Instant::now();
    let mut sigs = 0;
    for a in &parsed {
        for s in a.signatures() {
            s.verify().unwrap();
            sigs += 1;
        }
    }
    let signing = t.elapsed();
    println!(
        "floor:  {:.2} s = reading and hashing {:.1} MB of objects ({:.2} s) + {sigs} Ed25519 verifications ({:.2} s)",
        (hashing + signing).as_secs_f64(),
        object_bytes as f64 / 1e6,
        hashing.as_secs_f64(),
        signing.as_secs_f64()
    );
    println!(
        "        verify takes {:.1}x the floor: it also parses every agreement file, re-renders and re-hashes its text for each signature, checks the audit trail and the log, and compares the index row by row",
        verified.as_secs_f64() / (hashing + signing).as_secs_f64()
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
