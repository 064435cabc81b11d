//! The DER readers' worst cases (docs/timestamps.md, "Cost"): `tweevoud verify` on an
//! agreement file whose timestamp token is the most expensive one the reader accepts at its
//! caps, or one just past a cap or out of DER order, run in a child process held to a CPU
//! limit. Each must finish within the documented bound: the accepted one verifies, the others
//! are refused as `timestamp_unreadable`, the issue's 16,000 values in an unsigned attribute
//! among them (the `der` crate sorted them by insertion: 27 s).
#![cfg(feature = "fs")]

mod common;
#[path = "common/der_gen.rs"]
mod der_gen;

use std::path::{Path, PathBuf};

use common::limited::{run_limited, Limited};
use serde_json::Value;
use tweevoud::timestamp::MAX_TOKEN_BYTES;

/// The documented bound: verifying a file carrying any one of these tokens, seconds of CPU
/// (the whole process, the debug build the tests run).
const BOUND_SECONDS: f64 = 0.5;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// The timestamped DPA vector with signature 0's token replaced by `token`.
fn agreement_with(token: &[u8]) -> String {
    let text =
        std::fs::read_to_string(vectors().join("dpa-complete-timestamped.tweevoud")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["signatures"][0]["timestamps"][0]["token"] =
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, token).into();
    serde_json::to_string_pretty(&v).unwrap()
}

fn verify_limited(dir: &Path, name: &str, token: &[u8]) -> Limited {
    let file = dir.join(format!("{}.tweevoud", name.replace([' ', ','], "-")));
    std::fs::write(&file, agreement_with(token)).unwrap();
    let profile = dir.join("profile");
    run_limited(
        Path::new(env!("CARGO_BIN_EXE_tweevoud")),
        &["verify".as_ref(), "--json".as_ref(), file.as_os_str()],
        &[("TWEEVOUD_DATA_DIR", profile.as_os_str())],
        dir,
        10,
        2048,
    )
}

fn token() -> Vec<u8> {
    std::fs::read(vectors().join("dpa-complete.signature-0.tsr")).unwrap()
}

#[test]
fn the_most_expensive_token_accepted_verifies_within_the_bound() {
    let dir = tempfile::TempDir::new().unwrap();
    let worst = der_gen::at_caps(&token());
    assert!(worst.len() > MAX_TOKEN_BYTES - 512, "{}", worst.len());
    assert!(worst.len() <= MAX_TOKEN_BYTES);
    let run = verify_limited(dir.path(), "at caps", &worst);
    // 3: complete, the signers' keys not confirmed (an empty profile).
    assert_eq!(run.code, Some(3), "{run:?}");
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["status"], "complete", "{v}");
    assert_eq!(v["signatures"][0]["valid"], true, "{v}");
    assert_eq!(
        v["signatures"][0]["timestamps"].as_array().unwrap().len(),
        1,
        "{v}"
    );
    eprintln!("at caps ({} bytes): {:.3} s", worst.len(), run.cpu_seconds);
    assert!(
        run.cpu_seconds < BOUND_SECONDS,
        "{:.3} s of CPU, over the bound of {BOUND_SECONDS} s",
        run.cpu_seconds
    );
}

#[test]
fn fail_tokens_past_a_cap_or_out_of_order_are_refused_within_the_bound() {
    let dir = tempfile::TempDir::new().unwrap();
    let shapes = der_gen::refused(&token());
    assert_eq!(shapes.len(), 14);
    let mut slow = Vec::new();
    for (name, token) in shapes {
        assert!(token.len() <= MAX_TOKEN_BYTES, "{name}: {}", token.len());
        let run = verify_limited(dir.path(), name, &token);
        assert_eq!(run.code, Some(1), "{name}: {run:?}");
        assert!(
            run.stdout.contains("timestamp_unreadable"),
            "{name}: {}",
            run.stdout
        );
        eprintln!("{name} ({} bytes): {:.3} s", token.len(), run.cpu_seconds);
        if run.cpu_seconds >= BOUND_SECONDS {
            slow.push(format!("{name}: {:.3} s", run.cpu_seconds));
        }
    }
    assert!(
        slow.is_empty(),
        "over the bound of {BOUND_SECONDS} s: {slow:?}"
    );
}

/// The issue's shape in numbers: about 16,000 distinct values, each out of DER order.
#[test]
fn the_issues_token_holds_thousands_of_values_out_of_order() {
    let (t, n) = der_gen::many_values_reversed(&token());
    assert!((15_000..=16_000).contains(&n), "{n}");
    assert!(t.len() <= MAX_TOKEN_BYTES);
}
