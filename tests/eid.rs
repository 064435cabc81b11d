//! The eID as a device, without a card: SoftHSM2 tokens laid out as the eID
//! (tests/common/token.rs), `tweevoud eid status` and `eid bind` against them, and the OCSP
//! answer fetched from a live `openssl ocsp` (tests/common/ocsp.rs). docs/eid.md.

#[path = "common/cli.rs"]
mod cli;
mod common;

use common::token::{CardKind, SoftHsm};

/// The test tokens are laid out as the middleware lays out a card: label BELPIC, the four
/// certificates and the two keys by the middleware's labels, the Signature key asking a login
/// for each use.
#[test]
fn test_tokens_are_laid_out_as_the_eid() {
    for kind in [CardKind::Rsa, CardKind::Ec] {
        let hsm = SoftHsm::card(kind);
        let objects = hsm.list_objects("BELPIC");
        for label in ["Authentication", "Signature", "CA", "Root"] {
            assert!(
                objects.contains(&format!("label:      {label}\n")),
                "{kind:?}: {objects}"
            );
        }
        // Each object is a line that is not indented and the indented lines after it.
        let mut listed: Vec<String> = Vec::new();
        for line in objects.lines() {
            match listed.last_mut() {
                Some(o) if line.starts_with(' ') => o.push_str(&format!("{line}\n")),
                _ => listed.push(format!("{line}\n")),
            }
        }
        let signature_key = listed
            .iter()
            .find(|o| o.starts_with("Private Key Object") && o.contains("label:      Signature"))
            .expect("the Signature key");
        assert!(
            signature_key.contains("always authenticate"),
            "{signature_key}"
        );
    }
}

/// The one test of this binary that loads SoftHSM2 in its own process (its configuration is
/// the process's environment): each card signs, the PIN asked once per signature, and a wrong
/// or declined PIN gives its code.
#[test]
fn each_test_token_signs_as_a_card() {
    use std::cell::Cell;

    use tweevoud::eid::device::{Device, PinRequest};
    use tweevoud::eid::{verify_with_certificate, Card, CardHash};
    use tweevoud::Coded;
    use zeroize::Zeroizing;

    for kind in [CardKind::Rsa, CardKind::Ec] {
        let hsm = SoftHsm::card(kind);
        std::env::set_var("SOFTHSM2_CONF", hsm.conf());
        let device = Device::open(&hsm.module()).unwrap();
        let asked = Cell::new(0);
        let card = device
            .card(Box::new(|request: &PinRequest| {
                assert_eq!(request.holder, kind.holder());
                asked.set(asked.get() + 1);
                Some(Zeroizing::new(common::token::PIN.to_string()))
            }))
            .unwrap();
        assert_eq!(card.info().holder.name, kind.holder());
        let expected_hash = match kind {
            CardKind::Rsa => CardHash::Sha256,
            CardKind::Ec => CardHash::Sha384,
        };
        assert_eq!(card.hash(), expected_hash);
        assert_eq!(card.chain().len(), 2, "the CA and the Root");
        for message in [&b"first"[..], b"second"] {
            let signature = card.sign_digest(&card.hash().digest(message)).unwrap();
            verify_with_certificate(card.certificate(), card.hash(), message, &signature)
                .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        }
        assert_eq!(asked.get(), 2, "the PIN is asked for each signature");

        let wrong = device
            .card(Box::new(|_: &PinRequest| {
                Some(Zeroizing::new("9999".to_string()))
            }))
            .unwrap();
        let e = wrong.sign_digest(&wrong.hash().digest(b"x")).unwrap_err();
        assert_eq!(e.code(), "eid_pin_wrong", "{e}");
        let declined = device.card(Box::new(|_: &PinRequest| None)).unwrap();
        let e = declined
            .sign_digest(&declined.hash().digest(b"x"))
            .unwrap_err();
        assert_eq!(e.code(), "eid_pin_cancelled", "{e}");
        drop((card, wrong, declined));
        drop(device);
    }
}

/// `tweevoud` with a fixed time, the profile `data`, and the SoftHSM2 store `hsm`.
fn tweevoud(data: &std::path::Path, hsm: &SoftHsm) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("tweevoud").unwrap();
    cmd.env("TWEEVOUD_NOW", "2026-11-23T10:00:00+01:00")
        .env("TWEEVOUD_DATA_DIR", data)
        .env("SOFTHSM2_CONF", hsm.conf())
        .env_remove("TWEEVOUD_PIN")
        .env_remove("TWEEVOUD_TEST_EID_ROOTS");
    cmd
}

/// Every file under `dir` with its bytes: what a command that failed must leave as it was.
fn snapshot(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut all = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return all;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(snapshot(&path));
        } else {
            all.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    all.sort();
    all
}

/// `eid status` names each card's holder, key and validity, without a PIN.
#[test]
fn status_names_the_holder() {
    for (kind, key) in [(CardKind::Rsa, "RSA-2048"), (CardKind::Ec, "ECDSA P-384")] {
        let hsm = SoftHsm::card(kind);
        let data = tempfile::TempDir::new().unwrap();
        let out = tweevoud(data.path(), &hsm)
            .args(["eid", "status", "--pkcs11-module"])
            .arg(hsm.module())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains(&format!("eID card of {}", kind.holder())),
            "{out}"
        );
        assert!(out.contains(&format!("key: {key}")), "{out}");
        assert!(
            out.contains("valid from 2025-01-01 until 2035-01-01"),
            "{out}"
        );
        let json = tweevoud(data.path(), &hsm)
            .args(["eid", "status", "--json", "--pkcs11-module"])
            .arg(hsm.module())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let card = json["readers"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|r| r["token"]["card"].as_object())
            .expect("a card");
        assert_eq!(card["holder"], kind.holder());
        assert_eq!(card["key"], key);
        let number = card["number"].as_str().unwrap();
        assert!(number.starts_with("••.••.••-•••."), "masked: {number}");
    }
}

/// A missing or unloadable module, no card, another token: each its code, exit 2, and the
/// profile as it was.
#[test]
fn failures_have_their_codes_and_change_nothing() {
    use cli::says_code;
    let hsm = SoftHsm::empty();
    let data = tempfile::TempDir::new().unwrap();
    let before = snapshot(data.path());
    let status = |module: &std::path::Path, code: &'static str| {
        tweevoud(data.path(), &hsm)
            .args(["eid", "status", "--pkcs11-module"])
            .arg(module)
            .assert()
            .code(2)
            .stderr(says_code(code));
        assert_eq!(snapshot(data.path()), before, "{code}");
    };
    status(
        std::path::Path::new("/nonexistent/libbeidpkcs11.so"),
        "eid_no_module",
    );
    let not_a_module = hsm.dir().join("not-a-module.so");
    std::fs::write(&not_a_module, b"not a library").unwrap();
    status(&not_a_module, "eid_module_unloadable");
    status(&hsm.module(), "eid_no_card");
    hsm.add_other_token("Some HSM");
    status(&hsm.module(), "eid_other_tokens");
    // use-module refuses a module that is not there, and keeps what was set.
    tweevoud(data.path(), &hsm)
        .args(["eid", "use-module", "/nonexistent/libbeidpkcs11.so"])
        .assert()
        .code(2)
        .stderr(says_code("eid_no_module"));
    assert_eq!(snapshot(data.path()), before);
}

/// `eid use-module` keeps the module in the profile; `eid status` then finds the card without
/// `--pkcs11-module`; `--usual` forgets it.
#[test]
fn the_profile_keeps_the_module() {
    use cli::says_code;
    let hsm = SoftHsm::card(CardKind::Ec);
    let data = tempfile::TempDir::new().unwrap();
    tweevoud(data.path(), &hsm)
        .args(["eid", "use-module"])
        .arg(hsm.module())
        .assert()
        .success();
    tweevoud(data.path(), &hsm)
        .args(["eid", "status"])
        .assert()
        .success()
        .stdout(predicates::str::contains("eID card of Anne-Marie D'Hondt"));
    tweevoud(data.path(), &hsm)
        .args(["eid", "use-module", "--usual"])
        .assert()
        .success();
    // No middleware on this machine: its usual paths hold no module.
    tweevoud(data.path(), &hsm)
        .args(["eid", "status"])
        .assert()
        .code(2)
        .stderr(says_code("eid_no_module"));
}

/// A token that says its PIN is blocked is shown so; the last try is said too.
#[test]
fn status_says_a_blocked_pin() {
    use common::token::{CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED};
    let hsm = SoftHsm::card(CardKind::Rsa);
    let data = tempfile::TempDir::new().unwrap();
    hsm.set_token_flags("BELPIC", CKF_USER_PIN_FINAL_TRY);
    tweevoud(data.path(), &hsm)
        .args(["eid", "status", "--pkcs11-module"])
        .arg(hsm.module())
        .assert()
        .success()
        .stdout(predicates::str::contains("one more wrong PIN blocks it"));
    hsm.set_token_flags("BELPIC", CKF_USER_PIN_LOCKED);
    tweevoud(data.path(), &hsm)
        .args(["eid", "status", "--pkcs11-module"])
        .arg(hsm.module())
        .assert()
        .success()
        .stdout(predicates::str::contains("the PIN is blocked"));
}

/// The Signature certificate's OCSP responder (its AIA) answers the fetch, within the bounds:
/// the answer openssl reads says the certificate is good, or for the stolen card, revoked.
#[test]
fn ocsp_answers_are_fetched_from_the_certificates_responder() {
    use std::process::Command;
    use tweevoud::eid::ocsp_fetch::{fetch, ocsp_url, OCSP_TIMEOUT};

    let pki = common::ocsp::Pki::new();
    let responder = pki.responder("rsa");
    let dir = pki.dir();
    let chain = [
        std::fs::read(dir.join("root.pem")).unwrap(),
        std::fs::read(dir.join("ca-rsa.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("chain.pem"), chain).unwrap();
    for (leaf, expected) in [("rsa-sign", "good"), ("revoked-sign", "revoked")] {
        let certificate = std::fs::read(dir.join(format!("{leaf}.der"))).unwrap();
        let url = ocsp_url(&certificate).unwrap();
        assert_eq!(url, responder.url);
        let request = dir.join(format!("{leaf}.req"));
        let made = Command::new("openssl")
            .current_dir(dir)
            .args([
                "ocsp",
                "-issuer",
                "ca-rsa.pem",
                "-cert",
                &format!("{leaf}.pem"),
            ])
            .args(["-no_nonce", "-reqout"])
            .arg(&request)
            .output()
            .unwrap();
        assert!(made.status.success(), "{made:?}");
        let answer = fetch(&url, &std::fs::read(&request).unwrap(), OCSP_TIMEOUT).unwrap();
        let answer_file = dir.join(format!("{leaf}.resp"));
        std::fs::write(&answer_file, &answer).unwrap();
        let read = Command::new("openssl")
            .current_dir(dir)
            .args(["ocsp", "-respin"])
            .arg(&answer_file)
            .args(["-issuer", "ca-rsa.pem", "-cert", &format!("{leaf}.pem")])
            .args(["-CAfile", "chain.pem", "-no_nonce"])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&read.stdout);
        assert!(said.contains(&format!("{leaf}.pem: {expected}")), "{said}");
    }
}

/// A passphrase for the story's keys.
const PASS: &str = "Dilsen-Stokkem 428 Rijksweg";

/// `tweevoud` for one side of the story: its profile `data`, its token `hsm`, the tests' root
/// `root` trusted, the PIN and the passphrase given, and the machine's clock (the live OCSP
/// answers say the time they are made).
fn side(data: &std::path::Path, hsm: &SoftHsm, root: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = tweevoud(data, hsm);
    cmd.env_remove("TWEEVOUD_NOW")
        .env("TWEEVOUD_TEST_EID_ROOTS", root)
        .env("TWEEVOUD_PASSPHRASE", PASS)
        .env("TWEEVOUD_PIN", common::token::PIN);
    cmd
}

/// `eid bind --key NAME --pkcs11-module SOFTHSM`.
fn bind(mut cmd: assert_cmd::Command, hsm: &SoftHsm, key: &str) -> assert_cmd::Command {
    cmd.args(["eid", "bind", "--key", key, "--pkcs11-module"])
        .arg(hsm.module());
    cmd
}

/// The story with both cards: each party binds its key to its eID (the live responder's OCSP
/// answer kept), the DPA is signed by both, and a third profile, which knows neither signer,
/// finds it authentic: the bindings confirm them.
#[test]
fn both_parties_bind_and_the_agreement_is_confirmed_by_the_eid() {
    let pki = common::ocsp::Pki::new();
    let root = pki.dir().join("root.pem");
    let (tom_hsm, anne_hsm) = (
        SoftHsm::card_from(pki.dir(), CardKind::Rsa),
        SoftHsm::card_from(pki.dir(), CardKind::Ec),
    );
    let (tom, anne, judge) = (
        tempfile::TempDir::new().unwrap(),
        tempfile::TempDir::new().unwrap(),
        tempfile::TempDir::new().unwrap(),
    );
    let tom_side = || side(tom.path(), &tom_hsm, &root);
    let anne_side = || side(anne.path(), &anne_hsm, &root);

    cli::make_key(tom_side(), &cli::TOM).assert().success();
    {
        let _responder = pki.responder("rsa");
        bind(tom_side(), &tom_hsm, cli::TOM.name)
            .assert()
            .success()
            .stdout(predicates::str::contains("revocation: not revoked"))
            .stdout(predicates::str::contains(
                "bound Tom Hendrix (Xtreme Internet Solutions BV) to the eID of Tom Hendrix, the OCSP answer kept",
            ));
    }
    cli::make_key(anne_side(), &cli::ANNE).assert().success();
    {
        let _responder = pki.responder("ec");
        bind(anne_side(), &anne_hsm, cli::ANNE.name)
            .assert()
            .success()
            .stdout(predicates::str::contains("the OCSP answer kept"));
    }
    for profile in [tom.path(), anne.path()] {
        let kept = snapshot(&profile.join("keys"))
            .into_iter()
            .find(|(p, _)| p.ends_with("eid-binding.json"))
            .expect("the binding kept with the key");
        let binding: serde_json::Value = serde_json::from_slice(&kept.1).unwrap();
        assert!(binding["ocsp"].is_string(), "{binding}");
    }

    let draft = tom.path().join("dpa.tweevoud");
    cli::new_dpa(tom_side(), &draft).assert().success();
    cli::sign(tom_side(), &draft, &cli::TOM)
        .args(["--leave-open-for", "customer", "--no-timestamp"])
        .assert()
        .success();
    let received = anne.path().join("dpa.tweevoud");
    std::fs::copy(&draft, &received).unwrap();
    cli::fill_customer(anne_side(), &received)
        .assert()
        .success();
    cli::sign(anne_side(), &received, &cli::ANNE)
        .arg("--no-timestamp")
        .assert()
        .success();

    let judge_hsm = SoftHsm::empty();
    let verify = |root: &std::path::Path| {
        let mut cmd = side(judge.path(), &judge_hsm, root);
        cmd.arg("verify").arg(&received);
        cmd
    };
    let out = verify(&root)
        .arg("--json")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let answer = common::verify_answer(&out);
    assert_eq!(
        common::verdict_and_codes(&answer).0,
        "authentic",
        "{answer:#}"
    );
    let text = verify(&root).assert().code(0).get_output().stdout.clone();
    let text = String::from_utf8(text).unwrap();
    for name in ["Tom Hendrix", "Anne-Marie D'Hondt"] {
        assert!(
            text.contains(&format!("confirmed by Belgian eID: {name}")),
            "{text}"
        );
    }
    // Without the tests' root, the same bindings confirm no one.
    let judge_data = judge.path();
    let mut untrusting = tweevoud(judge_data, &judge_hsm);
    untrusting
        .env_remove("TWEEVOUD_NOW")
        .arg("verify")
        .arg(&received);
    let status = untrusting.assert().get_output().status.code();
    assert_ne!(status, Some(0), "only the tests' root makes them confirmed");
}

/// A wrong PIN, the last try, a blocked PIN, a missing module, no card: `eid bind` gives each
/// its code, exit 2, and the profile is as it was.
#[test]
fn bind_failures_change_nothing() {
    use cli::says_code;
    use common::token::{CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED};

    let root = common::token::fixtures().join("root.pem");
    let hsm = SoftHsm::card(CardKind::Rsa);
    let data = tempfile::TempDir::new().unwrap();
    cli::make_key(side(data.path(), &hsm, &root), &cli::TOM)
        .assert()
        .success();
    let before = snapshot(data.path());
    let refused = |mut cmd: assert_cmd::Command, code: &'static str| {
        let out = cmd
            .assert()
            .code(2)
            .stderr(says_code(code))
            .get_output()
            .clone();
        assert_eq!(snapshot(data.path()), before, "{code}");
        String::from_utf8(out.stderr).unwrap()
    };
    let mut wrong = bind(side(data.path(), &hsm, &root), &hsm, cli::TOM.name);
    wrong.env("TWEEVOUD_PIN", "9999");
    let words = refused(wrong, "eid_pin_wrong");
    assert!(!words.contains("9999"), "the PIN is never said: {words}");
    let mut declined = bind(side(data.path(), &hsm, &root), &hsm, cli::TOM.name);
    declined.env("TWEEVOUD_PIN", "");
    refused(declined, "eid_pin_cancelled");
    hsm.set_token_flags("BELPIC", CKF_USER_PIN_FINAL_TRY);
    let mut last = bind(side(data.path(), &hsm, &root), &hsm, cli::TOM.name);
    last.env("TWEEVOUD_PIN", "9999");
    let words = refused(last, "eid_pin_wrong");
    assert!(words.contains("1 try left"), "{words}");
    hsm.set_token_flags("BELPIC", CKF_USER_PIN_LOCKED);
    refused(
        bind(side(data.path(), &hsm, &root), &hsm, cli::TOM.name),
        "eid_pin_blocked",
    );
    let mut no_module = side(data.path(), &hsm, &root);
    no_module.args([
        "eid",
        "bind",
        "--key",
        cli::TOM.name,
        "--pkcs11-module",
        "/nonexistent/libbeidpkcs11.so",
    ]);
    refused(no_module, "eid_no_module");
    let empty = SoftHsm::empty();
    refused(
        bind(side(data.path(), &empty, &root), &empty, cli::TOM.name),
        "eid_no_card",
    );
    // A card whose certificate chains to no trusted root: refused before any PIN is asked.
    let other = SoftHsm::card(CardKind::Ec);
    let mut untrusted = bind(tweevoud(data.path(), &other), &other, cli::TOM.name);
    untrusted.env("TWEEVOUD_PASSPHRASE", PASS);
    refused(untrusted, "eid_untrusted");
}

/// With no responder answering (the committed fixtures name port 1), the key is bound and the
/// binding says revocation was not checked.
#[test]
fn a_binding_without_an_ocsp_answer_is_made() {
    let root = common::token::fixtures().join("root.pem");
    let hsm = SoftHsm::card(CardKind::Ec);
    let data = tempfile::TempDir::new().unwrap();
    cli::make_key(side(data.path(), &hsm, &root), &cli::ANNE)
        .assert()
        .success();
    bind(side(data.path(), &hsm, &root), &hsm, cli::ANNE.name)
        .assert()
        .success()
        .stderr(predicates::str::contains("revocation not checked"))
        .stdout(predicates::str::contains("; revocation not checked"));
}
