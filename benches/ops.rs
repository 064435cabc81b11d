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
//! - `verify_pdf`: judging exemplar 1, sealed and timestamped, as `tweevoud verify` does
//!   once its process is up (`judge`: read, verify the agreement inside, re-render, compare,
//!   check the seal and its signature timestamp, trusted by the profile's TSA);
//!   `verify_pdf_unstamped`: the same exemplar sealed without a timestamp.
//! - `export`: rendering and sealing both exemplars with the key already unlocked
//!   (`pdf::exemplars`; the TSA's tokens kept by the profile, as exporting again uses them).
//!
//! The seal's timestamps come from a real TSA, `scripts/tsa.py` (python3 and openssl), on
//! 127.0.0.1, as the tests use it.

mod floor;
#[path = "../tests/common/tsa.rs"]
mod tsa;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::DateTime;
use sha2::{Digest, Sha256};
use tweevoud::profile::tsa::TsaList;
use tweevoud::{
    judge, pdf, verify, Agreement, Context, KeyStore, Keyring, Party, Profile, VerdictCode,
};

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
    let profile = Profile::at(tmp.path().join("profile"));
    let store = KeyStore::open(&profile);
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

    // The exemplars, sealed by the customer who countersigned the vector (seed 2), each seal
    // with its signature timestamp from the profile's TSA, which the profile trusts.
    let tsa = tsa::start_tsa(&tmp.path().join("tsa"), "rsa");
    let tsas = TsaList::open(&profile);
    tsas.add(&tsa.url, &std::fs::read(tsa.dir.join("ca.pem")).unwrap())
        .unwrap();
    let stamp = |signature: &[u8]| tsas.seal_stamp(signature);
    let customer = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
    let sealer = pdf::Sealer::new(&parsed, &customer, Some(&stamp)).unwrap();
    let pdfs = pdf::exemplars(&parsed, &sealer).unwrap();
    let unstamped = pdf::exemplars(
        &parsed,
        &pdf::Sealer::new(&parsed, &customer, None).unwrap(),
    )
    .unwrap();
    let ctx = Context::known_by(&profile as &dyn Keyring);
    let judged = judge(&pdfs[0].bytes, &ctx);
    assert_eq!(judged.verdict.code, VerdictCode::CompleteUnconfirmed);
    let stamp_trusted = judged.seals[0].timestamp.as_ref().map(|t| t.trusted);
    assert_eq!(stamp_trusted, Some(true), "the seal's timestamp is trusted");
    let pdf_runs = runs.div_ceil(4);
    let verify_pdf = median(pdf_runs, || {
        let j = judge(&pdfs[0].bytes, &ctx);
        assert_eq!(j.verdict.code, VerdictCode::CompleteUnconfirmed);
    });
    let verify_pdf_unstamped = median(pdf_runs, || {
        let v = pdf::verify_exemplar(&unstamped[0].bytes).unwrap();
        assert!(v.visible_document_matches);
    });
    let export = median(pdf_runs, || {
        std::hint::black_box(pdf::exemplars(&parsed, &sealer).unwrap());
    });
    drop(tsa);

    eprintln!("in-process medians ({runs} runs; {pdf_runs} for PDFs):");
    eprintln!("  unlock the key (scrypt), once:       {unlock:9.3} ms");
    eprintln!("  sign (countersign, key unlocked):    {sign:9.3} ms   floor (Ed25519 sign of the same message): {sign_floor:.3} ms");
    eprintln!("  verify the agreement file:           {verify_file:9.3} ms   floor (SHA-256 + 2 Ed25519 verifications): {verify_file_floor:.3} ms");
    eprintln!("  verify exemplar 1, sealed and timestamped (judged): {verify_pdf:6.3} ms");
    eprintln!("  verify exemplar 1, sealed, no timestamp: {verify_pdf_unstamped:6.3} ms");
    eprintln!("  export both exemplars (key unlocked): {export:9.3} ms");
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
            "verify_pdf_unstamped": verify_pdf_unstamped,
            "export": export,
        })
    );
}
