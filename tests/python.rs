//! Another language's library checks our signatures from the documented message bytes:
//! Python's `cryptography` (installed by scripts/setup.sh into target/pyenv).

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

#[test]
fn python_cryptography_verifies_the_vectors() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let v = root.join("tests/vectors");
    let out = Command::new(python())
        .arg(root.join("tests/python/verify_vectors.py"))
        .arg(v.join("dpa-complete.tweevoud"))
        .arg(v.join("dpa-complete.signature-0.message"))
        .arg(v.join("dpa-complete.signature-1.message"))
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "python verification failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("2 signatures verified"), "{stdout}");
}

#[test]
fn fail_python_rejects_an_altered_statement() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(python())
        .arg(root.join("tests/python/verify_vectors.py"))
        .arg(root.join("tests/vectors/fail_altered-statement.tweevoud"))
        .output()
        .expect("python runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("InvalidSignature"));
}
