//! Trusted timestamps through the CLI, against a real TSA (`scripts/tsa.py`): signing asks the
//! profile's TSAs, `timestamp` adds tokens later, `verify` reports the attested time and the
//! TSA (trusted or not) and refuses a token that does not hold, with its code; exported PDFs
//! carry a seal timestamp that pyHanko accepts, and exporting again gives the same bytes.
#![cfg(feature = "fs")]

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command as Bin;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;
use tweevoud::Agreement;

use common::tsa::start_tsa;

const PASS: &str = "vier losse woorden zijn sterk";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The CLI with the profile `profile`, at `now` (RFC 3339) if given.
fn tv(profile: &Path, now: Option<&str>) -> Bin {
    let mut cmd = Bin::cargo_bin("tweevoud").unwrap();
    cmd.env("TWEEVOUD_DATA_DIR", profile)
        .env("TWEEVOUD_PASSPHRASE", PASS)
        .env_remove("TWEEVOUD_NOW");
    if let Some(now) = now {
        cmd.env("TWEEVOUD_NOW", now);
    }
    cmd
}

fn verify_json(profile: &Path, file: &Path) -> (i32, Value) {
    let out = tv(profile, None)
        .args(["verify", "--json", s(file)])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        common::verify_answer(&out.stdout),
    )
}

/// A provider profile with its key, and the DPA signed by it (to be countersigned).
fn provider(
    dir: &Path,
    url: Option<&str>,
    ca: &Path,
    now: Option<&str>,
    extra: &[&str],
) -> (PathBuf, PathBuf) {
    let profile = dir.join("provider");
    cli::make_key(tv(&profile, None), &cli::TOM)
        .assert()
        .success();
    if let Some(url) = url {
        tv(&profile, None)
            .args(["tsa", "add", url, "--cert", s(ca)])
            .assert()
            .success()
            .stdout(predicate::str::contains("Tweevoud Test CA"));
    }
    let draft = dir.join("dpa.tweevoud");
    cli::new_dpa(tv(&profile, None), &draft).assert().success();
    cli::sign(tv(&profile, now), &draft, &cli::TOM)
        .args(["--leave-open-for", "customer"])
        .args(extra)
        .assert()
        .success();
    (profile, draft)
}

fn tokens(file: &Path) -> Vec<String> {
    let v: Value = serde_json::from_str(&fs::read_to_string(file).unwrap()).unwrap();
    v["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["timestamps"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|t| t["token"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn signing_asks_the_tsa_and_verify_reports_the_attested_time() {
    let dir = TempDir::new().unwrap();
    let tsa = start_tsa(&dir.path().join("tsa"), "rsa");
    let ca = tsa.dir.join("ca.pem");
    let (profile, draft) = provider(dir.path(), Some(&tsa.url), &ca, None, &[]);

    let text = fs::read_to_string(&draft).unwrap();
    assert!(
        text.contains("\"format\": \"tweevoud-agreement/2\""),
        "{text}"
    );
    assert_eq!(tokens(&draft).len(), 1);
    let (code, v) = verify_json(&profile, &draft);
    assert_eq!(code, 0, "{v}");
    let stamp = &v["signatures"][0]["timestamps"][0];
    assert_eq!(stamp["trusted"], true, "{v}");
    assert!(stamp["tsa"].as_str().unwrap().contains("Tweevoud Test TSA"));
    assert_eq!(stamp["notes"], serde_json::json!([]));
    // The attested time is within a minute of the stated one (both are now).
    let stated =
        chrono::DateTime::parse_from_rfc3339(v["signatures"][0]["time"].as_str().unwrap()).unwrap();
    let attested = chrono::DateTime::parse_from_rfc3339(stamp["time"].as_str().unwrap()).unwrap();
    assert!((stated - attested).num_seconds().abs() < 60);
    // The words say so too.
    tv(&profile, None)
        .args(["verify", s(&draft)])
        .assert()
        .success()
        .stdout(predicate::str::contains("by Tweevoud Test TSA"))
        .stdout(predicate::str::contains("a TSA you trust"));

    // Another profile, which does not name this TSA: the token holds, its time is not attested.
    let other = dir.path().join("other");
    let (code, v) = verify_json(&other, &draft);
    assert_eq!(code, 3, "{v}");
    assert_eq!(v["signatures"][0]["timestamps"][0]["trusted"], false);
    assert_eq!(v["signatures"][0]["valid"], true);

    // The PDF to send: sealed, its seal timestamped; exporting again gives the same bytes,
    // from the token the profile kept (even with the TSA gone).
    let out = dir.path().join("out");
    let first = tv(&profile, None)
        .args(["export", s(&draft), "-o", s(&out)])
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    drop(tsa);
    let again = tv(&profile, None)
        .args(["export", s(&draft), "-o", s(&dir.path().join("again"))])
        .output()
        .unwrap();
    assert!(again.status.success());
    let line = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stdout)
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(line(&first), line(&again), "the same bytes again");
    let pdf = out.join("verwerkersovereenkomst-ter-ondertekening.pdf");
    let (code, v) = verify_json(&profile, &pdf);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["seals"][0]["number"], 1);
    assert_eq!(v["seals"][0]["name"], "Tom Hendrix");
    assert_eq!(v["seals"][0]["timestamp"]["trusted"], true, "{v}");

    // pyHanko, trusting the seal's certificate and the TSA's CA: intact, trusted, and the
    // signature timestamp valid and trusted.
    let pyhanko = common::pyhanko();
    let cert = dir.path().join("seal.pem");
    common::seal_certificate(&pdf, 0, &cert);
    let report = std::process::Command::new(&pyhanko)
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--trust-replace",
            "--trust",
        ])
        .arg(&cert)
        .arg("--trust")
        .arg(&ca)
        .arg(&pdf)
        .output()
        .unwrap();
    let words = String::from_utf8_lossy(&report.stdout);
    assert!(
        report.status.success(),
        "{words}{}",
        String::from_utf8_lossy(&report.stderr)
    );
    assert!(
        words.contains("The signer's certificate is trusted."),
        "{words}"
    );
    assert!(
        words.contains("The timestamp token is cryptographically sound."),
        "{words}"
    );
    assert!(words.contains("The TSA certificate is trusted."), "{words}");
}

#[test]
fn offline_signing_is_timestamped_later_and_a_late_or_early_time_is_noted() {
    let dir = TempDir::new().unwrap();
    let tsa = start_tsa(&dir.path().join("tsa"), "ec");
    let ca = tsa.dir.join("ca.pem");
    // A TSA that does not answer: the signature stands, without a timestamp, and says so.
    let dead = "http://127.0.0.1:9/";
    let profile = dir.path().join("provider");
    let (profile2, draft) = {
        let (p, d) = provider(
            dir.path(),
            Some(dead),
            &ca,
            Some("2026-11-23T10:00:00+01:00"),
            &[],
        );
        assert_eq!(p, profile);
        (p, d)
    };
    assert!(tokens(&draft).is_empty());
    assert!(fs::read_to_string(&draft)
        .unwrap()
        .contains("tweevoud-agreement/1"));
    tv(&profile2, None)
        .args(["verify", s(&draft)])
        .assert()
        .success()
        .stdout(predicate::str::contains("no trusted timestamp"));
    tv(&profile2, None)
        .args(["timestamp", s(&draft)])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("tsa_unreachable"));

    // The TSA answers now: the token is added, six days after the stated time (the test's
    // clock said 23 November), which is noted.
    tv(&profile2, None)
        .args(["tsa", "remove", dead])
        .assert()
        .success();
    tv(&profile2, None)
        .args(["tsa", "add", &tsa.url, "--cert", s(&ca)])
        .assert()
        .success();
    tv(&profile2, None)
        .args(["timestamp", s(&draft)])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "timestamped the signature of Tom Hendrix",
        ));
    tv(&profile2, None)
        .args(["timestamp", s(&draft)])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "every signature has a timestamp already",
        ));
    let (code, v) = verify_json(&profile2, &draft);
    assert_eq!(code, 0, "{v}");
    let notes = &v["signatures"][0]["timestamps"][0]["notes"];
    assert_eq!(notes[0]["code"], "timestamped_later", "{v}");

    // A signer whose clock runs two hours ahead: the stated time is after the attested one.
    let ahead = (chrono::Utc::now() + chrono::TimeDelta::hours(2))
        .with_timezone(&chrono::FixedOffset::east_opt(3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    let dir2 = TempDir::new().unwrap();
    let (p, d) = provider(dir2.path(), Some(&tsa.url), &ca, Some(&ahead), &[]);
    let (_, v) = verify_json(&p, &d);
    assert_eq!(
        v["signatures"][0]["timestamps"][0]["notes"][0]["code"], "stated_after_timestamp",
        "{v}"
    );
    // `--no-timestamp` asks nobody.
    let dir3 = TempDir::new().unwrap();
    let (_, d) = provider(dir3.path(), Some(&tsa.url), &ca, None, &["--no-timestamp"]);
    assert!(tokens(&d).is_empty());
}

/// A token that does not hold makes the agreement invalid, with the token's code, in the CLI's
/// words and JSON (the app's verify presents the same judgement: src-tauri/tests/verdict.rs).
#[test]
fn fail_a_token_that_does_not_hold_is_reported_with_its_code() {
    let dir = TempDir::new().unwrap();
    let tsa = start_tsa(&dir.path().join("tsa"), "rsa");
    let ca = tsa.dir.join("ca.pem");
    let (profile, draft) = provider(dir.path(), Some(&tsa.url), &ca, None, &[]);
    let good = fs::read_to_string(&draft).unwrap();
    let token = tokens(&draft).remove(0);
    let der = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &token).unwrap();

    let with_token = |t: &[u8]| {
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, t);
        good.replace(&token, &b64)
    };
    // The TSA's signature is the last thing in the token: its last byte flipped.
    let mut flipped = der.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x01;
    // A token over other bytes: the TSA's token for a signature of another agreement.
    let other = dir.path().join("other");
    let (_, other_draft) = provider(&other, Some(&tsa.url), &ca, None, &[]);
    let foreign = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        tokens(&other_draft).remove(0),
    )
    .unwrap();
    for (name, text, code) in [
        ("signature", with_token(&flipped), "timestamp_signature"),
        ("imprint", with_token(&foreign), "timestamp_imprint"),
        (
            "unreadable",
            with_token(&der[..der.len() / 2]),
            "timestamp_unreadable",
        ),
    ] {
        let file = dir.path().join(format!("{name}.tweevoud"));
        fs::write(&file, &text).unwrap();
        assert!(
            Agreement::from_json(&text).is_ok(),
            "{name}: still readable"
        );
        let (exit, v) = verify_json(&profile, &file);
        assert_eq!(exit, 1, "{name}: {v}");
        assert_eq!(v["verdict"]["code"], "altered", "{name}");
        assert_eq!(
            v["signatures"][0]["problems"][0]["code"], code,
            "{name}: {v}"
        );
        assert_eq!(
            v["signatures"][0]["problems"][0]["params"]["signer"],
            "Tom Hendrix"
        );
        tv(&profile, None)
            .args(["verify", s(&file)])
            .assert()
            .code(1)
            .stdout(predicate::str::contains(
                "timestamp 1 of the signature of Tom Hendrix does not hold",
            ));
        // Nothing is countersigned or exported on top of it.
        tv(&profile, None)
            .args(["export", s(&file), "-o", s(&dir.path().join(name))])
            .assert()
            .code(1);
    }
}

/// Timestamps added after archiving: the timestamped copy is the same agreement (no mismatch),
/// and archiving it stores it as the current version, whose exemplars are then the ones
/// handed out.
#[test]
fn a_copy_with_timestamps_added_is_the_same_agreement_and_archiving_it_updates() {
    let dir = TempDir::new().unwrap();
    let tsa = start_tsa(&dir.path().join("tsa"), "ec");
    let ca = tsa.dir.join("ca.pem");
    let (profile, draft) = provider(dir.path(), None, &ca, None, &[]);
    assert!(tokens(&draft).is_empty());
    tv(&profile, None)
        .args(["archive", "add", s(&draft), "--key", "Tom Hendrix"])
        .assert()
        .success();
    tv(&profile, None)
        .args(["tsa", "add", &tsa.url, "--cert", s(&ca)])
        .assert()
        .success();
    tv(&profile, None)
        .args(["timestamp", s(&draft)])
        .assert()
        .success();
    let (code, v) = verify_json(&profile, &draft);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["archive"]["status"], "same_content", "{v}");
    tv(&profile, None)
        .args(["archive", "add", s(&draft), "--key", "Tom Hendrix"])
        .assert()
        .success()
        .stdout(predicate::str::contains("updated"));
    let (code, v) = verify_json(&profile, &draft);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["archive"]["status"], "agreement_file", "{v}");
    assert_eq!(v["archive"]["current"], true, "{v}");
    // Adding it again changes nothing.
    tv(&profile, None)
        .args(["archive", "add", s(&draft), "--key", "Tom Hendrix"])
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing changed"));
    tv(&profile, None)
        .args(["archive", "verify"])
        .assert()
        .success();
}
