//! Other tools' signatures appended to a sealed exemplar (docs/pdf.md, "Other tools'
//! signatures"): pyHanko's own invisible signature, with a key and certificate the test makes
//! with openssl, leaves the verdict as it was and is reported (valid, by its certificate's
//! name, not trusted: its certificate chains to no eID root); a second one too; one whose
//! signature bytes were changed is reported as not holding, the verdict unchanged; an update
//! that changes what is shown (a visible signature, a page's content replaced) is
//! `foreign_update`; hostile updates are refused within CPU and memory limits. These tests run
//! pyHanko and openssl and fail when one is missing (scripts/setup.sh installs them).

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{dpa_complete, limited::run_limited, pdf_update};
use serde_json::Value;
use tempfile::TempDir;
use tweevoud::pdf::{self, Exemplar};
use tweevoud::{judge, Context, Party};

/// A key and a certificate for pyHanko to sign with (and the CA certificates it adds).
struct Signer {
    dir: TempDir,
    chain: Option<PathBuf>,
}

impl Signer {
    fn new(name: &str) -> Signer {
        let dir = TempDir::new().unwrap();
        let out = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "3650",
                "-subj",
                &format!("/CN={name}/O=Another Tool"),
                "-keyout",
            ])
            .arg(dir.path().join("key.pem"))
            .arg("-out")
            .arg(dir.path().join("cert.pem"))
            .output()
            .expect("openssl is installed (scripts/setup.sh)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Signer { dir, chain: None }
    }

    /// An eID test card's Signature key and certificate (tests/fixtures/eid), its Citizen CA
    /// carried in the signature.
    fn card(name: &str, ca: &str) -> Signer {
        let dir = TempDir::new().unwrap();
        let fixture = |f: &str| common::fixture(&format!("eid/{f}"));
        std::fs::copy(fixture(&format!("{name}.key")), dir.path().join("key.pem")).unwrap();
        std::fs::copy(fixture(&format!("{name}.pem")), dir.path().join("cert.pem")).unwrap();
        Signer {
            dir,
            chain: Some(fixture(&format!("{ca}.pem"))),
        }
    }

    /// `pdf` with pyHanko's signature appended in field `field`: invisible, or in a visible
    /// box on page 1 when `visible`.
    fn sign(&self, pdf: &[u8], field: &str, visible: bool) -> Vec<u8> {
        let input = self.dir.path().join("in.pdf");
        let output = self.dir.path().join("out.pdf");
        std::fs::write(&input, pdf).unwrap();
        let spec = if visible {
            format!("1/100,100,300,200/{field}")
        } else {
            field.to_string()
        };
        let key = self.dir.path().join("key.pem");
        let cert = self.dir.path().join("cert.pem");
        let out = Command::new(common::pyhanko())
            .args(["sign", "addsig", "--field", &spec, "pemder", "--key"])
            .arg(&key)
            .arg("--cert")
            .arg(&cert)
            .args(
                self.chain
                    .iter()
                    .flat_map(|c| [OsStr::new("--chain"), c.as_os_str()]),
            )
            .arg("--no-pass")
            .arg(&input)
            .arg(&output)
            .output()
            .expect("pyHanko runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let signed = std::fs::read(&output).unwrap();
        assert!(signed.starts_with(pdf), "pyHanko appends an update");
        signed
    }
}

/// Exemplar 1 of the DPA, sealed by the customer (the library's, as tests/seal.rs makes it).
fn exemplar() -> Vec<u8> {
    common::render(&dpa_complete(), Exemplar::Copy(Party::Provider)).unwrap()
}

/// The judgement of `pdf` by a profile that knows nobody: its JSON.
fn judged(pdf: &[u8]) -> Value {
    serde_json::to_value(judge(pdf, &Context::default())).unwrap()
}

fn verdict(j: &Value) -> &str {
    j["verdict"]["code"].as_str().unwrap()
}

fn exemplar_codes(j: &Value) -> Vec<&str> {
    j["exemplar"]["problems"]
        .as_array()
        .map(|ps| ps.iter().map(|p| p["code"].as_str().unwrap()).collect())
        .unwrap_or_default()
}

fn others(j: &Value) -> Vec<Value> {
    j["other_signatures"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Where the `n`-th `/Contents<` hex string of `pdf` (pyHanko writes `/Contents <`) starts
/// (after `<`) and ends (at `>`).
fn contents_hex(pdf: &[u8], n: usize) -> (usize, usize) {
    let mut from = 0;
    let mut found = Vec::new();
    while let Some(at) = pdf[from..].windows(9).position(|w| w == b"/Contents") {
        let mut start = from + at + 9;
        while pdf[start] == b' ' {
            start += 1;
        }
        from = start;
        if pdf[start] != b'<' {
            continue;
        }
        let end = start + pdf[start..].iter().position(|b| *b == b'>').unwrap();
        found.push((start + 1, end));
        from = end;
    }
    found[n]
}

#[test]
fn an_invisible_signature_by_another_tool_is_reported_and_changes_no_verdict() {
    let one = exemplar();
    let before = judged(&one);
    assert_eq!(verdict(&before), "complete_unconfirmed");
    let signer = Signer::new("Other Tool Signer");
    let signed = signer.sign(&one, "Elsewhere", false);
    let after = judged(&signed);
    assert_eq!(verdict(&after), verdict(&before));
    assert!(exemplar_codes(&after).is_empty(), "{after}");
    assert_eq!(after["exemplar"]["visible_document_matches"], true);
    assert_eq!(
        after["seals"], before["seals"],
        "the seal is reported as before"
    );
    let reported = others(&after);
    assert_eq!(reported.len(), 1, "{after}");
    let other = &reported[0];
    assert_eq!(other["field"], "Elsewhere");
    assert_eq!(other["name"], "Other Tool Signer, Another Tool");
    assert_eq!(other["valid"], true, "{other}");
    assert_eq!(other["problem"], Value::Null);
    assert_eq!(
        other["trusted"], false,
        "its certificate chains to no eID root"
    );
    assert!(
        other["time"].as_str().unwrap().starts_with("D:20"),
        "{other}"
    );

    // A second signature on top: both reported, the verdict still the agreement's.
    let twice = Signer::new("Second Signer").sign(&signed, "Again", false);
    let again = judged(&twice);
    assert_eq!(verdict(&again), verdict(&before));
    let names: Vec<(String, bool)> = others(&again)
        .iter()
        .map(|o| (o["name"].as_str().unwrap().to_string(), o["valid"] == true))
        .collect();
    assert_eq!(
        names,
        [
            ("Other Tool Signer, Another Tool".to_string(), true),
            ("Second Signer, Another Tool".to_string(), true)
        ]
    );

    // After the other party's Tweevoud seal too.
    let sealed_twice = pdf::add_seal(&one, &common::test_key(1), None).unwrap();
    let both = signer.sign(&sealed_twice, "AfterSeals", false);
    let j = judged(&both);
    assert_eq!(verdict(&j), verdict(&judged(&sealed_twice)));
    assert_eq!(j["seals"].as_array().unwrap().len(), 2, "{j}");
    assert_eq!(others(&j).len(), 1);
    assert_eq!(others(&j)[0]["valid"], true);
}

#[test]
fn the_cli_reports_the_signature_and_keeps_its_exit_code() {
    let one = exemplar();
    let signed = Signer::new("Other Tool Signer").sign(&one, "Elsewhere", false);
    let dir = TempDir::new().unwrap();
    let (plain, with_other) = (dir.path().join("one.pdf"), dir.path().join("signed.pdf"));
    std::fs::write(&plain, &one).unwrap();
    std::fs::write(&with_other, &signed).unwrap();
    let verify = |file: &Path, json: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tweevoud"));
        cmd.env("TWEEVOUD_DATA_DIR", dir.path().join("profile"))
            .arg("verify")
            .arg(file);
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    let (a, b) = (verify(&plain, false), verify(&with_other, false));
    assert_eq!(a.status.code(), b.status.code());
    let words = String::from_utf8_lossy(&b.stdout);
    assert!(
        words.contains("signature appended by another program (field Elsewhere): holds, signed by Other Tool Signer, Another Tool"),
        "{words}"
    );
    let answer = common::verify_answer(&verify(&with_other, true).stdout);
    assert_eq!(answer["other_signatures"][0]["valid"], true, "{answer}");
}

/// A signature by an eID test card's key is trusted when its chain reaches the eID anchors: the
/// tests' root, which only a debug build trusts, and only when `TWEEVOUD_TEST_EID_ROOTS` names
/// it; a card of a root no one trusts (`other-sign`) holds but is not trusted.
#[test]
fn an_eid_signature_appended_by_another_tool_is_trusted_through_the_eid_anchors() {
    let one = exemplar();
    let tom = Signer::card("rsa-sign", "ca-rsa").sign(&one, "Tom", false);
    let other = Signer::card("other-sign", "other-ca").sign(&tom, "Other", false);
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("signed.pdf");
    std::fs::write(&file, &other).unwrap();
    let verify = |roots: Option<PathBuf>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tweevoud"));
        cmd.env("TWEEVOUD_DATA_DIR", dir.path().join("profile"))
            .env_remove("TWEEVOUD_TEST_EID_ROOTS")
            .args(["verify", "--json"])
            .arg(&file);
        if let Some(roots) = roots {
            cmd.env("TWEEVOUD_TEST_EID_ROOTS", roots);
        }
        common::verify_answer(&cmd.output().unwrap().stdout)
    };
    let trust = |answer: &Value| -> Vec<(String, bool, bool)> {
        others(answer)
            .iter()
            .map(|o| {
                (
                    o["name"].as_str().unwrap().to_string(),
                    o["valid"] == true,
                    o["trusted"] == true,
                )
            })
            .collect()
    };
    let with_root = verify(Some(common::fixture("eid/root.pem")));
    assert_eq!(verdict(&with_root), verdict(&judged(&one)));
    assert_eq!(
        trust(&with_root),
        [
            ("Tom Hendrix (Signature)".to_string(), true, true),
            ("Tom Hendrix (Signature)".to_string(), true, false)
        ]
    );
    let without = verify(None);
    assert!(trust(&without)
        .iter()
        .all(|(_, valid, trusted)| *valid && !trusted));
}

#[test]
fn a_signature_whose_bytes_were_changed_is_reported_as_not_holding() {
    let one = exemplar();
    let mut signed = Signer::new("Other Tool Signer").sign(&one, "Elsewhere", false);
    // A hex digit near the end of the CMS: the signature value (an ECDSA P-256 signature,
    // just before the zeros that fill /Contents).
    let (start, end) = contents_hex(&signed, 1);
    let hex = &signed[start..end];
    let last = start + hex.iter().rposition(|b| *b != b'0').unwrap() - 4;
    signed[last] = if signed[last] == b'1' { b'2' } else { b'1' };
    let j = judged(&signed);
    assert_eq!(
        verdict(&j),
        verdict(&judged(&one)),
        "the verdict is the agreement's"
    );
    assert!(exemplar_codes(&j).is_empty(), "{j}");
    let other = &others(&j)[0];
    assert_eq!(other["valid"], false, "{other}");
    assert_eq!(other["trusted"], false);
    assert_eq!(other["problem"]["code"], "cms_signature", "{other}");
}

#[test]
fn fail_an_update_that_changes_what_is_shown_is_a_foreign_update() {
    let one = exemplar();
    // pyHanko's signature in a visible box on page 1.
    let visible = Signer::new("Other Tool Signer").sign(&one, "Stamp", true);
    let j = judged(&visible);
    assert_eq!(verdict(&j), "altered");
    assert_eq!(exemplar_codes(&j), ["foreign_update"]);
    assert!(others(&j).is_empty());
    // An update that replaces page 1's content stream, written by hand.
    let page = pdf_update::content_object(&one);
    let replaced = pdf_update::append_update(
        &one,
        &[(
            page,
            "<</Length 22>>stream\nBT /F1 12 Tf (x) Tj ET\nendstream".to_string(),
        )],
    );
    let j = judged(&replaced);
    assert_eq!(verdict(&j), "altered");
    assert_eq!(exemplar_codes(&j), ["foreign_update"]);
    // The same after an invisible signature that was accepted.
    let signed = Signer::new("Other Tool Signer").sign(&one, "Elsewhere", false);
    let j = judged(&pdf_update::append_update(
        &signed,
        &[(page, "<</Length 0>>stream\n\nendstream".to_string())],
    ));
    assert_eq!(exemplar_codes(&j), ["foreign_update"]);
}

/// Hostile updates after a valid invisible signature: many objects, values nested deep, a
/// catalog of many keys, a huge /Contents, many updates. Each is refused (`foreign_update`, or the PDF is not read)
/// by the real binary held to 10 s of CPU and 1 GiB, without a panic.
#[test]
fn fail_hostile_updates_are_refused_within_limits() {
    let one = exemplar();
    let signed = Signer::new("Other Tool Signer").sign(&one, "Elsewhere", false);
    let many: Vec<(u32, String)> = (1000..1000 + 20_000)
        .map(|n| (n, "null".to_string()))
        .collect();
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let huge = format!(
        "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/adbe.pkcs7.detached/ByteRange[0 1 2 3]/Contents<{}>>>",
        "00".repeat(8 << 20)
    );
    // The catalog written again with 20,000 keys.
    let catalog = {
        let text = String::from_utf8_lossy(&one);
        let at = text.find("/Type/Catalog").unwrap();
        let obj = text[..at].rfind(" 0 obj").unwrap();
        let line = text[..obj].rfind('\n').unwrap() + 1;
        text[line..obj].parse::<u32>().unwrap()
    };
    let keys: String = (0..20_000).map(|i| format!("/K{i} {i}")).collect();
    let many_keys = format!("<</Type/Catalog/Pages 1 0 R{keys}>>");
    let mut chained = signed.clone();
    for _ in 0..12 {
        chained = pdf_update::append_update(&chained, &[(900, "null".to_string())]);
    }
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("many objects", pdf_update::append_update(&signed, &many)),
        ("deep", pdf_update::append_update(&signed, &[(900, deep)])),
        (
            "many keys",
            pdf_update::append_update(&signed, &[(catalog, many_keys)]),
        ),
        (
            "huge contents",
            pdf_update::append_update(&signed, &[(900, huge)]),
        ),
        ("many updates", chained),
    ];
    let dir = TempDir::new().unwrap();
    for (name, bytes) in cases {
        let file: PathBuf = dir.path().join(format!("{}.pdf", name.replace(' ', "-")));
        std::fs::write(&file, &bytes).unwrap();
        let run = run_limited(
            Path::new(env!("CARGO_BIN_EXE_tweevoud")),
            &[OsStr::new("verify"), OsStr::new("--json"), file.as_os_str()],
            &[("TWEEVOUD_DATA_DIR", dir.path().join("profile").as_os_str())],
            dir.path(),
            10,
            1024,
        );
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
        assert_eq!(run.code, Some(1), "{name}: {} {}", run.stdout, run.stderr);
        let answer = common::verify_answer(run.stdout.as_bytes());
        let (verdict, codes) = common::verdict_and_codes(&answer);
        assert!(
            (verdict == "altered" && codes.contains(&"foreign_update".to_string()))
                || verdict == "not_tweevoud",
            "{name}: {verdict} {codes:?}"
        );
        assert!(
            run.cpu_seconds < 5.0,
            "{name}: {} s of CPU",
            run.cpu_seconds
        );
    }
}
