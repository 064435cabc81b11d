//! Test vectors under `tests/vectors/`, documented in `docs/format.md`.
//!
//! The vectors are made from fixed-seed keys at fixed times, so they are byte-for-byte
//! reproducible; this test rebuilds them and compares. After a deliberate format change,
//! regenerate with `TWEEVOUD_REGENERATE_VECTORS=1 cargo test --test vectors` and review the
//! diff. Every `fail_*` vector must fail verification with the reason its manifest entry names.

mod common;

use std::path::PathBuf;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tweevoud::pdf::{self, Exemplar};
use tweevoud::{verify, Agreement, Party, Reason, Status};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// A tampered copy of `base`, by a JSON edit.
fn tampered(base: &Agreement, edit: impl Fn(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(&base.to_json()).unwrap();
    edit(&mut v);
    let mut s = serde_json::to_string_pretty(&v).unwrap();
    s.push('\n');
    s
}

/// Every vector file, by name.
fn build() -> Vec<(String, String)> {
    let awaiting = common::dpa_provider_signed();
    let complete = common::dpa_complete();
    let mut files = vec![
        ("dpa-awaiting.tweevoud".to_string(), awaiting.to_json()),
        ("dpa-complete.tweevoud".to_string(), complete.to_json()),
    ];
    let mut keys = Vec::new();
    for (role, seed) in [("provider", 1u8), ("customer", 2u8)] {
        let k = common::test_key(seed);
        let public = k.verifying_key().to_bytes();
        keys.push(json!({
            "role": role,
            "seed_hex": hex::encode([seed; 32]),
            "public_key_base64": tweevoud::signature::encode_public_key(&public),
            "fingerprint_sha256_hex": hex::encode(Sha256::digest(public)),
        }));
    }
    let mut signatures = Vec::new();
    for (i, rec) in complete.signatures().iter().enumerate() {
        let name = format!("dpa-complete.signature-{i}.message");
        let message = rec.statement.message();
        signatures.push(json!({
            "signer": rec.statement.signer.role,
            "message_file": name,
            "message_sha256_hex": hex::encode(Sha256::digest(&message)),
            "signature_base64": rec.signature,
            "record_sha256_hex": rec.record_hash(),
        }));
        files.push((name, String::from_utf8(message).unwrap()));
    }
    let fails: Vec<(&str, String, &str)> = vec![
        (
            "fail_changed-value.tweevoud",
            tampered(&complete, |v| {
                v["values"][0]["value"] = "Brouwerij De Witte Kat BV".into();
            }),
            "blank customer_name was changed after Anne-Marie D'Hondt signed",
        ),
        (
            "fail_filled-not-open.tweevoud",
            tampered(&awaiting, |v| {
                // customer_name comes first in the template's order.
                v["values"].as_array_mut().unwrap().insert(
                    0,
                    json!({
                        "blank": "customer_name", "value": "Acme NV", "filled_by": "provider"
                    }),
                );
            }),
            "was not left open for the provider",
        ),
        (
            "fail_swapped-template.tweevoud",
            tampered(&complete, |v| {
                let text = v["template"]["text"]
                    .as_str()
                    .unwrap()
                    .replace("Hasselt", "Antwerpen");
                v["template"]["sha256"] = hex::encode(Sha256::digest(text.as_bytes())).into();
                v["template"]["text"] = text.into();
            }),
            "the template was swapped",
        ),
        (
            "fail_reordered-signatures.tweevoud",
            tampered(&complete, |v| {
                v["signatures"].as_array_mut().unwrap().swap(0, 1)
            }),
            "a signature was removed, added or moved",
        ),
        (
            "fail_removed-signature.tweevoud",
            tampered(&complete, |v| {
                v["signatures"].as_array_mut().unwrap().remove(1);
            }),
            "the audit trail records 2 signature(s), the file holds 1",
        ),
        (
            "fail_signed-twice.tweevoud",
            tampered(&complete, |v| {
                let first = v["signatures"][0].clone();
                v["signatures"].as_array_mut().unwrap().push(first);
            }),
            "the provider signed twice",
        ),
        (
            "fail_altered-statement.tweevoud",
            tampered(&complete, |v| {
                v["signatures"][0]["statement"]["signer"]["function"] = "Zaakvoerder".into();
            }),
            "the signature does not match what was signed",
        ),
        (
            "fail_altered-audit.tweevoud",
            tampered(&complete, |v| {
                v["audit"][1]["time"] = "2026-11-22T10:00:00+01:00".into();
            }),
            "audit entry 1",
        ),
    ];
    let mut manifest_fails = Vec::new();
    for (name, text, reason) in fails {
        manifest_fails.push(json!({"file": name, "must_fail_with": reason}));
        files.push((name.to_string(), text));
    }
    let manifest = json!({
        "about": "Tweevoud test vectors; see docs/format.md, section Test vectors.",
        "keys": keys,
        "template_sha256_hex": complete.template().sha256_hex(),
        "complete_text_sha256_hex": complete.text_sha256(),
        "signatures": signatures,
        "valid": [
            {"file": "dpa-awaiting.tweevoud", "status": "awaiting_countersignature"},
            {"file": "dpa-complete.tweevoud", "status": "complete"}
        ],
        "fail": manifest_fails,
    });
    let mut m = serde_json::to_string_pretty(&manifest).unwrap();
    m.push('\n');
    files.push(("vectors.json".to_string(), m));
    files
}

#[test]
fn vectors_are_reproducible_and_current() {
    let files = build();
    if std::env::var_os("TWEEVOUD_REGENERATE_VECTORS").is_some() {
        for (name, text) in &files {
            std::fs::write(dir().join(name), text).unwrap();
        }
    }
    for (name, text) in &files {
        let on_disk = std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| {
            panic!("tests/vectors/{name}: {e} (regenerate, see the module doc)")
        });
        assert!(
            on_disk == *text,
            "tests/vectors/{name} is stale: the format changed (regenerate and review)"
        );
    }
}

#[test]
fn valid_vectors_verify() {
    for (name, status) in [
        ("dpa-awaiting.tweevoud", Status::AwaitingCountersignature),
        ("dpa-complete.tweevoud", Status::Complete),
    ] {
        let a = Agreement::load(&dir().join(name)).unwrap();
        assert_eq!(verify(&a).status, status, "{name}");
    }
}

#[test]
fn every_fail_vector_fails_with_its_reason() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("vectors.json")).unwrap())
            .unwrap();
    let fails = manifest["fail"].as_array().unwrap();
    assert!(fails.len() >= 8);
    for f in fails {
        let name = f["file"].as_str().unwrap();
        let reason = f["must_fail_with"].as_str().unwrap();
        let why = match Agreement::load(&dir().join(name)) {
            Err(e) => e.to_string(),
            Ok(a) => {
                let v = verify(&a);
                assert_eq!(v.status, Status::Invalid, "{name} must be invalid");
                v.signatures
                    .iter()
                    .flat_map(|s| &s.problems)
                    .chain(&v.problems)
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(" | ")
            }
        };
        assert!(why.contains(reason), "{name}: expected {reason:?} in {why}");
    }
}

#[test]
fn message_bytes_are_tag_and_canonical_json() {
    let a = common::dpa_complete();
    let st = &a.signatures()[0].statement;
    let m = st.message();
    let (tag, body) = m.split_at(m.iter().position(|&b| b == b'\n').unwrap());
    assert_eq!(tag, b"tweevoud-signature/1");
    let parsed: Value = serde_json::from_slice(&body[1..]).unwrap();
    // Keys sorted, no white space: re-serializing the parsed value gives the same bytes.
    assert_eq!(tweevoud::canonical::to_canonical_json(&parsed), &body[1..]);
    assert_eq!(parsed["signer"]["name"], "Tom Hendrix");
    assert_eq!(parsed["template_sha256"], a.template().sha256_hex());
}

/// The same through the binary: exit 1 and the reason on stdout.
#[test]
fn every_fail_vector_exits_1_through_the_cli() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("vectors.json")).unwrap())
            .unwrap();
    for f in manifest["fail"].as_array().unwrap() {
        let name = f["file"].as_str().unwrap();
        let reason = f["must_fail_with"].as_str().unwrap();
        let out = assert_cmd::Command::cargo_bin("tweevoud")
            .unwrap()
            .env("TWEEVOUD_DATA_DIR", dir().join("no-profile"))
            .arg("verify")
            .arg(dir().join(name))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {stdout}");
        assert!(stdout.contains("INVALID"), "{name}: {stdout}");
        assert!(
            stdout.contains(reason),
            "{name}: expected {reason:?} in {stdout}"
        );
    }
    for name in ["dpa-awaiting.tweevoud", "dpa-complete.tweevoud"] {
        assert_cmd::Command::cargo_bin("tweevoud")
            .unwrap()
            .env("TWEEVOUD_DATA_DIR", dir().join("no-profile"))
            .arg("verify")
            .arg(dir().join(name))
            .assert()
            .success();
    }
}

// ---- exemplar PDFs of every renderer version ----------------------------------------------

/// Exemplar 1 of `dpa-complete.tweevoud` as renderer 1 made it (streams at zlib level 9),
/// kept as it was made: exemplars are kept for years, and one made by an older renderer must
/// still be verified byte for byte. Never regenerated.
const RENDERER_1_EXEMPLAR: &str = "dpa-complete.renderer-1.exemplar-1.pdf";

fn renderer_1_exemplar() -> Vec<u8> {
    let bytes = std::fs::read(dir().join(RENDERER_1_EXEMPLAR)).unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        "df5fb9d013ba6ed85122f654587435420cc39c85a7d72783d6b1fc1943f33549",
        "tests/vectors/{RENDERER_1_EXEMPLAR} is the file renderer 1 made"
    );
    bytes
}

/// `bytes` with the first `from` replaced by `to` (of the same length).
fn edited(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .unwrap_or_else(|| panic!("{:?} is in the PDF", String::from_utf8_lossy(from)));
    let mut out = bytes.to_vec();
    out[at..at + to.len()].copy_from_slice(to);
    out
}

#[test]
fn a_renderer_1_exemplar_still_verifies_as_complete() {
    let bytes = renderer_1_exemplar();
    let check = pdf::verify_exemplar(&bytes).unwrap();
    assert_eq!(check.exemplar, Some(Exemplar::Copy(Party::Provider)));
    assert!(check.visible_document_matches);
    assert_eq!(
        check.verification.status,
        Status::Complete,
        "{:?}",
        check.verification.problems
    );
    // It is not what this program makes today: new exemplars come from the newer renderer.
    assert_ne!(
        pdf::render(&check.agreement, Exemplar::Copy(Party::Provider)).unwrap(),
        bytes
    );
    // It is exactly what renderer 1 makes (the fuzz target holds every verified PDF to this),
    // and this program renders no version it does not know.
    let provider = Exemplar::Copy(Party::Provider);
    let again = pdf::render_version(&check.agreement, provider, "1").unwrap();
    assert_eq!(again.unwrap(), bytes);
    let today = pdf::render_version(&check.agreement, provider, pdf::RENDERER_VERSION).unwrap();
    assert_eq!(
        today.unwrap(),
        pdf::render(&check.agreement, provider).unwrap()
    );
    assert!(pdf::render_version(&check.agreement, provider, "3").is_none());
}

#[test]
fn fail_renderer_1_exemplar_with_an_edited_byte() {
    let bytes = renderer_1_exemplar();
    // One byte of the document information, which stays readable.
    let producer = edited(
        &bytes,
        b"(Tweevoud exemplar renderer 1)",
        b"(Tweevoud exemplar renderer 7)",
    );
    let check = pdf::verify_exemplar(&producer).unwrap();
    assert!(!check.visible_document_matches);
    assert_eq!(check.verification.status, Status::Invalid);
    assert!(check
        .verification
        .problems
        .contains(&Reason::VisibleDiffers));
    // One byte of a compressed stream, the last before its end: refused one way or another.
    let end = bytes.windows(10).position(|w| w == b"\nendstream").unwrap();
    let mut stream = bytes.clone();
    stream[end - 1] ^= 0x01;
    if let Ok(check) = pdf::verify_exemplar(&stream) {
        assert!(!check.visible_document_matches);
        assert_eq!(check.verification.status, Status::Invalid);
    }
}

#[test]
fn a_renderer_2_exemplar_verifies_and_says_so() {
    let complete = common::dpa_complete();
    for e in pdf::exemplars(&complete).unwrap() {
        assert!(
            e.bytes.windows(20).any(|w| w == b"/TweevoudRenderer(2)"),
            "{}",
            e.file_name
        );
        let check = pdf::verify_exemplar(&e.bytes).unwrap();
        assert!(check.visible_document_matches, "{}", e.file_name);
        assert_eq!(
            check.verification.status,
            Status::Complete,
            "{}",
            e.file_name
        );
    }
    assert_eq!(pdf::RENDERER_VERSION, "2");
}

#[test]
fn fail_unknown_renderer_version() {
    let complete = common::dpa_complete();
    let made = pdf::exemplars(&complete).unwrap();
    let bytes = edited(
        &made[0].bytes,
        b"/TweevoudRenderer(2)",
        b"/TweevoudRenderer(3)",
    );
    let check = pdf::verify_exemplar(&bytes).unwrap();
    assert!(!check.visible_document_matches);
    assert_eq!(check.verification.status, Status::Invalid);
    let reason = Reason::RendererVersion {
        found: "3".to_string(),
        ours: "1, 2".to_string(),
    };
    assert!(
        check.verification.problems.contains(&reason),
        "{:?}",
        check.verification.problems
    );
    assert_eq!(
        reason.to_string(),
        "the PDF was laid out by exemplar renderer \"3\", this program knows renderers 1, 2, \
         so its visible document cannot be checked"
    );
    // A renderer name of a thousand characters is not repeated in full.
    let mut doc = lopdf::Document::load_mem(&made[0].bytes).unwrap();
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    doc.get_dictionary_mut(info).unwrap().set(
        "TweevoudRenderer",
        lopdf::Object::string_literal("x".repeat(1000)),
    );
    let mut bytes_long = Vec::new();
    doc.save_to(&mut bytes_long).unwrap();
    let check = pdf::verify_exemplar(&bytes_long).unwrap();
    assert_eq!(check.verification.status, Status::Invalid);
    let reason = Reason::RendererVersion {
        found: format!("{}…", "x".repeat(40)),
        ours: "1, 2".to_string(),
    };
    assert!(
        check.verification.problems.contains(&reason),
        "{:?}",
        check.verification.problems
    );
    // The command says so, and fails.
    let tmp = tempfile::TempDir::new().unwrap();
    let path = tmp.path().join("renderer-3.pdf");
    std::fs::write(&path, &bytes).unwrap();
    assert_cmd::Command::cargo_bin("tweevoud")
        .unwrap()
        .env("TWEEVOUD_DATA_DIR", tmp.path().join("profile"))
        .args(["verify", path.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "exemplar renderer \"3\", this program knows renderers 1, 2",
        ));
}
