//! A second, independent verifier in another language: tests/python/verify_vectors.py,
//! written from docs/format.md and docs/templates.md alone (standard library and Python's
//! `cryptography`, installed by scripts/setup.sh into target/pyenv), must give every vector
//! the answer tests/vectors/vectors.json lists. If it does not, either the documents do not
//! say what the code does, or the code does not do what they say.

use std::path::PathBuf;
use std::process::Command;

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("TWEEVOUD_PYTHON") {
        return p.into();
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/pyenv/bin/python");
    assert!(
        venv.exists(),
        "{} is missing: run scripts/setup.sh (make test does) to install Python's cryptography",
        venv.display()
    );
    venv
}

fn run(args: &[PathBuf]) -> (bool, String, String) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(python())
        .arg(root.join("tests/python/verify_vectors.py"))
        .args(args)
        .output()
        .expect("python runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The Python verifier, written from docs/format.md and docs/templates.md alone, gives every
/// vector the status, `unsigned_audit` or exact problem codes vectors.json lists, and checks
/// the keys, message bytes, record hashes and signatures it lists.
#[test]
fn python_verifier_agrees_with_every_vector() {
    let (ok, stdout, stderr) = run(&[]);
    assert!(
        ok,
        "the Python verifier disagrees with the vectors:\n{stdout}\n{stderr}"
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/vectors.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let files =
        manifest["valid"].as_array().unwrap().len() + manifest["fail"].as_array().unwrap().len();
    let last = stdout.lines().last().unwrap_or("");
    assert!(last.ends_with(" passed, 0 failed"), "{stdout}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed > files, "fewer checks than vector files:\n{stdout}");
    for key in [
        "key provider",
        "key customer",
        "message dpa-complete.signature-0.message",
        "message dpa-complete.signature-1.message",
        "signature 0 strict",
        "signature 1 strict",
        "signature 0 tampered",
        "signature 1 tampered",
        "small-order key refused",
        "timestamped format",
        "timestamp 0 attests",
        "timestamp 1 attests",
        "timestamp 0 trusted with tsa-ca.pem",
        "timestamp 1 trusted with tsa-ca.pem",
        "timestamp 0 not trusted without",
        "timestamp 1 not trusted without",
        "dpa-complete-eid.tweevoud confirmed by eID",
        "dpa-complete-eid.tweevoud not confirmed without the test root",
        "dpa-complete-eid-no-ocsp.tweevoud confirmed by eID",
        "fail_eid_certificate_revoked.tweevoud eid_certificate_revoked",
        "fail_eid_untrusted.tweevoud eid_untrusted",
    ] {
        assert!(
            stdout.contains(&format!("ok   {key}")),
            "{key} not checked:\n{stdout}"
        );
    }
}

#[test]
fn python_verifier_accepts_the_complete_agreement() {
    let v = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let (ok, stdout, stderr) = run(&[v.join("dpa-complete.tweevoud")]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stdout.contains(": complete  unsigned_audit=[]"), "{stdout}");
}

#[test]
fn fail_python_rejects_an_altered_statement() {
    let v = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let (ok, stdout, stderr) = run(&[v.join("fail_signature_mismatch-statement-altered.tweevoud")]);
    assert!(!ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains(": invalid ") && stdout.contains("signature_mismatch"),
        "{stdout}"
    );
}
