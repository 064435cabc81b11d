//! Hostile inputs through the real binary: files far too large, files that never end, JSON
//! nested deeper than any agreement: refused at once with words, memory bounded, no panic.

use std::fs::File;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn tweevoud(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tweevoud").unwrap();
    cmd.env("TWEEVOUD_DATA_DIR", dir.join("profile"))
        .env("TWEEVOUD_PASSPHRASE", "a passphrase for hostile tests")
        .timeout(std::time::Duration::from_secs(60));
    cmd
}

/// A 500 MB file that costs nothing on disk (sparse).
fn huge(dir: &Path, name: &str, head: &[u8]) -> std::path::PathBuf {
    use std::io::Write;
    let p = dir.join(name);
    let mut f = File::create(&p).unwrap();
    f.write_all(head).unwrap();
    f.set_len(500 << 20).unwrap();
    p
}

#[test]
fn fail_500_mb_files_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let agreement = huge(
        dir.path(),
        "big.tweevoud",
        b"{\"format\": \"tweevoud-agreement/1\"",
    );
    let pdf = huge(dir.path(), "big.pdf", b"%PDF-1.7\n");
    let template = huge(dir.path(), "big.tvt", b"+++\n");
    let pem = huge(dir.path(), "big.pem", b"-----BEGIN PUBLIC KEY-----\n");
    for (args, words) in [
        (vec!["verify", agreement.to_str().unwrap()], "larger than"),
        (vec!["verify", pdf.to_str().unwrap()], "larger than"),
        (vec!["render", agreement.to_str().unwrap()], "larger than"),
        (
            vec![
                "export",
                pdf.to_str().unwrap(),
                "-o",
                dir.path().to_str().unwrap(),
            ],
            "larger than",
        ),
        (
            vec!["template", "check", template.to_str().unwrap()],
            "larger than",
        ),
        (
            vec!["archive", "add", agreement.to_str().unwrap()],
            "larger than",
        ),
        (
            vec![
                "contact",
                "add",
                pem.to_str().unwrap(),
                "--name",
                "X",
                "--org",
                "Y",
            ],
            "larger than",
        ),
    ] {
        let out = tweevoud(dir.path()).args(&args).output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(matches!(out.status.code(), Some(1 | 2)), "{args:?}: {all}");
        assert!(all.contains(words), "{args:?}: {all}");
        assert!(!all.contains("panicked"), "{args:?}: {all}");
    }
}

#[test]
fn fail_endless_input_is_not_read_forever() {
    let dir = tempfile::tempdir().unwrap();
    tweevoud(dir.path())
        .args(["verify", "/dev/zero"])
        .assert()
        .code(predicate::in_iter([1, 2]))
        .stderr(predicate::str::contains("larger than").or(predicate::str::contains("not")));
    tweevoud(dir.path())
        .args(["template", "check", "/dev/zero"])
        .assert()
        .code(predicate::in_iter([1, 2]));
}

#[test]
fn fail_deeply_nested_json_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("deep.tweevoud");
    let depth = 100_000;
    let mut s = String::from("{\"format\":\"tweevoud-agreement/1\",\"template\":");
    s.push_str(&"[".repeat(depth));
    s.push_str(&"]".repeat(depth));
    s.push('}');
    std::fs::write(&p, s).unwrap();
    tweevoud(dir.path())
        .args(["verify", p.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not a valid agreement file"))
        .stdout(predicate::str::contains("panicked").not());
    tweevoud(dir.path())
        .args(["render", p.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid agreement file"));
    // Bare nesting, as deep as it gets: read as JSON to tell our files from others, it stops
    // at the parser's recursion limit instead of exhausting the stack.
    std::fs::write(&p, format!("{}{}", "[".repeat(depth), "]".repeat(depth))).unwrap();
    tweevoud(dir.path())
        .args(["verify", p.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not a Tweevoud agreement file"));
}
