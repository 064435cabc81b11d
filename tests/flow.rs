//! The two-party story through the CLI alone, with two profiles (two data directories), as
//! the provider's CEO and the customer would run it.

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

const PROVIDER_PASS: &str = "Dilsen-Stokkem 428 Rijksweg";
const CUSTOMER_PASS: &str = "de zwarte kat in Genk";

struct Side {
    dir: TempDir,
    pass: &'static str,
}

impl Side {
    fn new(pass: &'static str) -> Side {
        Side {
            dir: tempfile::tempdir().unwrap(),
            pass,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cmd(&self, hour: u32) -> Command {
        let mut cmd = Command::cargo_bin("tweevoud").unwrap();
        cmd.env("TWEEVOUD_DATA_DIR", self.path("data"))
            .env("TWEEVOUD_PASSPHRASE", self.pass)
            .env("TWEEVOUD_NOW", format!("2026-11-23T{hour:02}:00:00+01:00"));
        cmd
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn verify_json(side: &Side, file: &Path, code: i32) -> Value {
    let out = side
        .cmd(16)
        .args(["verify", s(file), "--json"])
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// Provider signs leaving the customer's blanks open; the customer fills and countersigns.
/// Returns (provider, customer, agreement file at the customer's).
fn two_party_flow() -> (Side, Side, PathBuf) {
    let provider = Side::new(PROVIDER_PASS);
    let customer = Side::new(CUSTOMER_PASS);
    cli::make_key(provider.cmd(9), &cli::TOM).assert().success();
    let draft = provider.path("dpa.tweevoud");
    cli::new_dpa(provider.cmd(9), &draft).assert().success();
    cli::sign(provider.cmd(10), &draft, &cli::TOM)
        .args(["--leave-open-for", "customer"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "awaiting countersignature by the customer",
        ));
    provider
        .cmd(10)
        .args(["verify", s(&draft)])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "authentic, awaiting countersignature by the customer",
        ))
        .stdout(predicate::str::contains(
            "whose key is: Tom Hendrix (Xtreme Internet Solutions BV), your own key",
        ));
    let public = provider.path("tom.pem");
    provider
        .cmd(10)
        .args(["key", "export", "Tom Hendrix", "-o", s(&public)])
        .assert()
        .success();

    // The customer receives the file and Tom's public key (e.g. from XIS's website).
    let received = customer.path("dpa.tweevoud");
    fs::copy(&draft, &received).unwrap();
    cli::make_key(customer.cmd(13), &cli::ANNE)
        .assert()
        .success();
    customer
        .cmd(13)
        .args([
            "contact",
            "add",
            s(&public),
            "--name",
            "Tom Hendrix",
            "--org",
            "Xtreme Internet Solutions BV",
            "--verified",
        ])
        .assert()
        .success();
    cli::fill_customer(customer.cmd(14), &received)
        .assert()
        .success()
        .stdout(predicate::str::contains("filled as customer"));
    cli::sign(customer.cmd(15), &received, &cli::ANNE)
        .assert()
        .success()
        .stdout(predicate::str::contains("a key you verified on 2026-11-23"))
        .stdout(predicate::str::contains("authentic and complete"));
    (provider, customer, received)
}

#[test]
fn two_profiles_sign_and_countersign() {
    let (provider, customer, signed) = two_party_flow();
    // From the customer's profile: both signers, with their trust.
    let v = verify_json(&customer, &signed, 0);
    assert_eq!(v["status"], "complete");
    assert_eq!(v["signatures"][0]["name"], "Tom Hendrix");
    assert_eq!(v["signatures"][0]["trust"]["status"], "verified_contact");
    assert_eq!(v["signatures"][1]["name"], "Anne-Marie D'Hondt");
    assert_eq!(v["signatures"][1]["trust"]["status"], "own_key");
    assert_eq!(v["verdict"]["code"], "authentic");
    assert_eq!(v["verdict"]["severity"], "ok");
    assert_eq!(v["signatures"][0]["trust"]["confirmed"], true);
    // From the provider's profile: the customer's key is unknown until it is added, so the
    // signatures are valid but who made the customer's is not confirmed: never "authentic".
    let back = provider.path("returned.tweevoud");
    fs::copy(&signed, &back).unwrap();
    let v = verify_json(&provider, &back, 3);
    assert_eq!(v["status"], "complete");
    assert_eq!(v["verdict"]["code"], "complete_unconfirmed");
    assert_eq!(v["verdict"]["severity"], "warning");
    assert_eq!(v["verdict"]["exit_code"], 3);
    assert_eq!(v["signatures"][0]["trust"]["status"], "own_key");
    assert_eq!(v["signatures"][1]["trust"]["status"], "unknown");
    assert_eq!(v["signatures"][1]["trust"]["confirmed"], false);
    provider
        .cmd(16)
        .args(["verify", s(&back)])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("authentic").not())
        .stdout(predicate::str::contains(
            "not confirmed who signed: you have not verified the key of Anne-Marie D'Hondt",
        ))
        .stdout(predicate::str::contains(
            "whose key is: a key you do not know (fingerprint",
        ))
        .stdout(predicate::str::contains("NOT CONFIRMED"));
    // A script that wants confirmed signers only gets exit 1.
    provider
        .cmd(16)
        .args(["verify", "--require-confirmed", s(&back)])
        .assert()
        .code(1);
    // The customer's key, added as a contact: known, not yet confirmed.
    let anne = customer.path("anne.pem");
    customer
        .cmd(16)
        .args(["key", "export", "Anne-Marie D'Hondt", "-o", s(&anne)])
        .assert()
        .success();
    provider
        .cmd(16)
        .args(["contact", "add", s(&anne), "--name", "Anne-Marie D'Hondt"])
        .args(["--org", "Brouwerij De Zwarte Kat BV"])
        .assert()
        .success();
    let v = verify_json(&provider, &back, 3);
    assert_eq!(v["signatures"][1]["trust"]["status"], "unverified_contact");
    assert_eq!(v["verdict"]["code"], "complete_unconfirmed");
    // Once its fingerprint was compared and the contact marked verified: authentic.
    provider
        .cmd(16)
        .args(["contact", "verify", "Anne-Marie D'Hondt"])
        .assert()
        .success();
    let v = verify_json(&provider, &back, 0);
    assert_eq!(v["verdict"]["code"], "authentic");
    assert_eq!(v["signatures"][1]["trust"]["status"], "verified_contact");
    provider
        .cmd(16)
        .args(["verify", s(&back)])
        .assert()
        .success()
        .stdout(predicate::str::contains("authentic and complete"));
    let text = provider
        .cmd(16)
        .args(["render", s(&back)])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("op 23 november 2026, in twee exemplaren"),
        "the date is the day of the last signature"
    );
}

#[test]
fn fail_wrong_passphrase_changes_nothing() {
    let provider = Side::new(PROVIDER_PASS);
    provider
        .cmd(9)
        .args(["key", "new", "--name", "Tom Hendrix", "--org", "XIS"])
        .assert()
        .success();
    let draft = provider.path("dpa.tweevoud");
    cli::new_dpa(provider.cmd(9), &draft).assert().success();
    let before = fs::read(&draft).unwrap();
    let mut wrong = provider.cmd(10);
    wrong.env("TWEEVOUD_PASSPHRASE", "not the passphrase");
    cli::sign(wrong, &draft, &cli::TOM)
        .args(["--leave-open-for", "customer"])
        .assert()
        .code(2)
        .stderr(cli::says_code("wrong_passphrase"));
    assert_eq!(fs::read(&draft).unwrap(), before);
}

#[test]
fn fail_signing_refusals_through_the_cli() {
    let (_, customer, signed) = two_party_flow();
    let before = fs::read(&signed).unwrap();
    cli::sign(customer.cmd(17), &signed, &cli::ANNE)
        .assert()
        .code(2)
        .stderr(cli::says_code("already_signed"));
    customer
        .cmd(17)
        .args([
            "fill",
            s(&signed),
            "--as",
            "customer",
            "--set",
            "customer_name=Other NV",
        ])
        .assert()
        .code(2)
        .stderr(cli::says_code("already_signed"));
    assert_eq!(fs::read(&signed).unwrap(), before);

    // Signing without leaving the customer's blanks open is refused with what to do.
    let provider = Side::new(PROVIDER_PASS);
    provider
        .cmd(9)
        .args(["key", "new", "--name", "Jan Peeters", "--org", "XIS"])
        .assert()
        .success();
    let draft = provider.path("d.tweevoud");
    cli::new_dpa(provider.cmd(9), &draft).assert().success();
    provider
        .cmd(10)
        .args([
            "sign",
            s(&draft),
            "--key",
            "Jan Peeters",
            "--as",
            "provider",
        ])
        .assert()
        .code(2)
        .stderr(cli::says_code("must_leave_open"))
        // The CLI's advice, its own words: the option to pass.
        .stderr(predicate::str::contains("--leave-open-for customer"));
    // Jan's key cannot sign where the agreement names Tom Hendrix.
    provider
        .cmd(10)
        .args([
            "sign",
            s(&draft),
            "--key",
            "Jan Peeters",
            "--as",
            "provider",
            "--leave-open-for",
            "customer",
        ])
        .assert()
        .code(2)
        .stderr(cli::says_code("wrong_signatory"))
        .stderr(predicate::str::contains("Jan Peeters"))
        .stderr(predicate::str::contains("Tom Hendrix"));
}

#[test]
fn fail_hand_edits_are_reported_with_exit_1() {
    let (_, customer, signed) = two_party_flow();
    let original = fs::read_to_string(&signed).unwrap();
    // The edit, and the blank whose value the customer's signature finds changed (`None`:
    // some blank).
    let cases = [
        (
            "Brouwerij De Zwarte Kat BV\"",
            "Brouwerij De Witte Kat BV\"",
            Some("customer_name"),
        ),
        ("\"CEO\"", "\"Zaakvoerder\"", None),
        ("\"2026-11-23\"", "\"2026-11-24\"", Some("date")),
    ];
    for (from, to, blank) in cases {
        let edited = customer.path("edited.tweevoud");
        assert!(original.contains(from), "{from}");
        fs::write(&edited, original.replacen(from, to, 1)).unwrap();
        let out = customer
            .cmd(16)
            .args(["verify", "--json", s(&edited)])
            .assert()
            .code(1);
        let answer = common::verify_answer(&out.get_output().stdout);
        assert_eq!(common::verdict_and_codes(&answer).0, "altered");
        let changed: Vec<&Value> = answer["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["problems"].as_array().unwrap())
            .filter(|p| p["code"] == "value_changed")
            .collect();
        assert!(!changed.is_empty(), "{answer}");
        if let Some(blank) = blank {
            assert!(
                changed.iter().any(|p| p["params"]["blank"] == blank
                    && p["params"]["signer"] == "Anne-Marie D'Hondt"),
                "{answer}"
            );
        }
    }
}

#[test]
fn fail_verify_foreign_corrupt_and_missing_files() {
    let side = Side::new(PROVIDER_PASS);
    let p = side.path("x.pdf");
    fs::write(&p, b"%PDF-1.7\n%%EOF\n").unwrap();
    let out = side
        .cmd(9)
        .args(["verify", "--json", s(&p)])
        .assert()
        .code(1);
    let answer = common::verify_answer(&out.get_output().stdout);
    assert_eq!(
        common::verdict_and_codes(&answer),
        (
            "not_tweevoud".to_string(),
            vec!["pdf_without_agreement".to_string()]
        )
    );
    fs::write(
        &p,
        b"{\"format\": \"tweevoud-agreement/1\", \"template\": 3}",
    )
    .unwrap();
    let out = side
        .cmd(9)
        .args(["verify", "--json", s(&p)])
        .assert()
        .code(1);
    let answer = common::verify_answer(&out.get_output().stdout);
    assert_eq!(
        common::verdict_and_codes(&answer),
        (
            "altered".to_string(),
            vec!["damaged_agreement_file".to_string()]
        )
    );
    side.cmd(9)
        .args(["verify", s(&side.path("none.tweevoud"))])
        .assert()
        .code(2)
        .stderr(cli::says_code("read_failed"));
}
