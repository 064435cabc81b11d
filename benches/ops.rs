//! In-process timings for `make bench`: what one operation costs once the process is up and,
//! for signing, once the key is unlocked — next to the floor of the cryptography alone.
//!
//! `cargo bench --bench ops` (release build). Prints a human summary on standard error and
//! one JSON object (milliseconds, medians) on standard output. `TWEEVOUD_BENCH_RUNS` sets the
//! number of runs per operation (default 200). Not a test: it asserts only that what it
//! times succeeds.
//!
//! - `unlock`: decrypting a stored key with its passphrase (scrypt), once.
//! - `sign` / `sign_floor`: the customer countersigning the DPA with the unlocked key
//!   (`Agreement::sign`: verify what is there, check the values, render and hash the text,
//!   build and sign the statement, record it) / one Ed25519 signature over the same message.
//! - `verify_file` / `verify_file_floor`: reading and verifying the complete agreement file
//!   (`Agreement::from_json` + `verify`) / SHA-256 of its bytes and the Ed25519 verification
//!   of its two signatures.
//! - `verify_pdf`: verifying exemplar 1 (`pdf::verify_exemplar`: read, verify, re-render,
//!   compare); `export`: rendering both exemplars (`pdf::exemplars`).

mod floor;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::DateTime;
use sha2::{Digest, Sha256};
use tweevoud::{pdf, verify, Agreement, KeyStore, Party, Profile};

const CUSTOMER: &str = "Anne-Marie D'Hondt";

fn vector(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The median of `runs` timings of `f`, after a few runs to warm up, in milliseconds.
fn median(runs: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..runs.clamp(1, 5) {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2].as_secs_f64() * 1000.0
}

fn main() {
    let runs: usize = std::env::var("TWEEVOUD_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
        .max(1);
    let now = DateTime::parse_from_rfc3339("2026-11-23T15:00:00+01:00").unwrap();

    // A real key in a throwaway profile, encrypted as `tweevoud key new` stores it.
    let tmp = tempfile::tempdir().unwrap();
    let store = KeyStore::open(&Profile::at(tmp.path()));
    let passphrase = "correct horse battery staple";
    store
        .create(
            CUSTOMER,
            Some("Brouwerij De Zwarte Kat BV"),
            Some("Zaakvoerder"),
            passphrase,
            now,
        )
        .unwrap();
    let t = Instant::now();
    let key = store.unlock(CUSTOMER, passphrase).unwrap();
    let unlock = t.elapsed().as_secs_f64() * 1000.0;

    // The provider-signed DPA with the customer's blanks filled, ready to countersign.
    let mut filled = Agreement::from_json(&vector("dpa-awaiting.tweevoud")).unwrap();
    let set = |k: &str, v: &str| (k.to_string(), v.to_string());
    filled
        .fill(
            Party::Customer,
            &[
                set("customer_name", "Brouwerij De Zwarte Kat BV"),
                set("customer_address", "Kerkstraat 12\n3600 Genk"),
                set("customer_enterprise_number", "BE 0403.170.701"),
                set("customer_signatory_name", CUSTOMER),
                set("customer_signatory_function", "Zaakvoerder"),
            ],
            now,
        )
        .unwrap();
    let sign = median(runs, || {
        let mut a = filled.clone();
        a.sign(&key, Party::Customer, Some(CUSTOMER), None, now)
            .unwrap();
        std::hint::black_box(&a);
    });
    let mut signed = filled.clone();
    let message = signed
        .sign(&key, Party::Customer, Some(CUSTOMER), None, now)
        .unwrap()
        .statement
        .message();
    let sign_floor = median(runs, || {
        std::hint::black_box(key.sign(&message));
    });

    // The complete agreement file.
    let complete = vector("dpa-complete.tweevoud");
    let verify_file = median(runs, || {
        let a = Agreement::from_json(&complete).unwrap();
        assert_eq!(verify(&a).status, tweevoud::Status::Complete);
    });
    let parsed = Agreement::from_json(&complete).unwrap();
    let checks: Vec<floor::Check> = parsed.signatures().iter().map(floor::check).collect();
    let verify_file_floor = median(runs, || {
        std::hint::black_box(Sha256::digest(complete.as_bytes()));
        for (k, m, s) in &checks {
            k.verify_strict(m, s).unwrap();
        }
    });

    // The exemplars, sealed by the customer who countersigned the vector (seed 2).
    let customer = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
    let sealer = pdf::Sealer::new(&parsed, &customer, None).unwrap();
    let pdfs = pdf::exemplars(&parsed, &sealer).unwrap();
    let pdf_runs = runs.div_ceil(4);
    let verify_pdf = median(pdf_runs, || {
        let v = pdf::verify_exemplar(&pdfs[0].bytes).unwrap();
        assert!(v.visible_document_matches);
    });
    let export = median(pdf_runs, || {
        std::hint::black_box(pdf::exemplars(&parsed, &sealer).unwrap());
    });

    eprintln!("in-process medians ({runs} runs; {pdf_runs} for PDFs):");
    eprintln!("  unlock the key (scrypt), once:       {unlock:9.3} ms");
    eprintln!("  sign (countersign, key unlocked):    {sign:9.3} ms   floor (Ed25519 sign of the same message): {sign_floor:.3} ms");
    eprintln!("  verify the agreement file:           {verify_file:9.3} ms   floor (SHA-256 + 2 Ed25519 verifications): {verify_file_floor:.3} ms");
    eprintln!("  verify exemplar 1 (re-render, compare): {verify_pdf:6.3} ms");
    eprintln!("  export both exemplars:               {export:9.3} ms");
    println!(
        "{}",
        serde_json::json!({
            "runs": runs,
            "pdf_runs": pdf_runs,
            "unlock": unlock,
            "sign": sign,
            "sign_floor": sign_floor,
            "verify_file": verify_file,
            "verify_file_floor": verify_file_floor,
            "verify_pdf": verify_pdf,
            "export": export,
        })
    );
}
