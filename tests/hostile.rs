//! Hostile inputs through the real binary: files far too large, files that never end, JSON
//! nested deeper than any agreement: refused at once with words, memory bounded, no panic.

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::fs::File;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tweevoud::Coded;

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
    // A device is not read at all (tests/terminal.rs: pipes, directories).
    tweevoud(dir.path())
        .args(["verify", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(cli::says_code("not_a_file"))
        // What it is: the code does not say it, the words do.
        .stderr(predicate::str::contains(
            "it is a device, not a regular file",
        ));
    tweevoud(dir.path())
        .args(["template", "check", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(cli::says_code("template_unreadable"))
        .stderr(predicate::str::contains(
            "it is a device, not a regular file",
        ));
    // A file larger than any agreement or PDF is refused before it is read.
    let big = dir.path().join("big.tweevoud");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 30) // sparse: nothing is written
        .unwrap();
    let out = tweevoud(dir.path())
        .args(["verify", "--json", big.to_str().unwrap()])
        .assert()
        .code(1);
    assert_eq!(
        common::verdict_and_codes(&common::verify_answer(&out.get_output().stdout)),
        ("not_tweevoud".to_string(), vec!["not_tweevoud".to_string()])
    );
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
    let out = tweevoud(dir.path())
        .args(["verify", "--json", p.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("panicked").not());
    // Nested past the JSON reader's limit, it is not read as a file of the agreement's shape
    // (format.md, "Limits").
    assert_eq!(
        common::verdict_and_codes(&common::verify_answer(&out.get_output().stdout)),
        ("not_tweevoud".to_string(), vec!["not_tweevoud".to_string()])
    );
    tweevoud(dir.path())
        .args(["render", p.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(cli::says_code("not_an_agreement"));
    // Bare nesting, as deep as it gets: read as JSON to tell our files from others, it stops
    // at the parser's recursion limit instead of exhausting the stack.
    std::fs::write(&p, format!("{}{}", "[".repeat(depth), "]".repeat(depth))).unwrap();
    let out = tweevoud(dir.path())
        .args(["verify", "--json", p.to_str().unwrap()])
        .assert()
        .code(1);
    assert_eq!(
        common::verdict_and_codes(&common::verify_answer(&out.get_output().stdout)),
        ("not_tweevoud".to_string(), vec!["not_tweevoud".to_string()])
    );
}

/// Key and contact files are read with a limit: a PEM key is far under 16 KiB, so a larger
/// file, or one that never ends, is refused before it is read.
#[test]
fn fail_pem_files_larger_than_16_kib_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let pem = huge(dir.path(), "big.pem", b"-----BEGIN PUBLIC KEY-----\n");
    let e = tweevoud::profile::read_pem_file(&pem).unwrap_err();
    assert_eq!(e.code(), "key_io", "{e}");
    // The limit is said in words only.
    assert!(e.to_string().contains("larger than 16 KiB"), "{e}");
    assert!(tweevoud::profile::read_pem_file(Path::new("/dev/zero")).is_err());
    let book = tweevoud::ContactBook::open(&tweevoud::Profile::at(dir.path().join("profile")));
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap();
    let e = book.add_file(&pem, "X", Some("Y"), false, now).unwrap_err();
    assert_eq!(e.code(), "contact_io", "{e}");
    assert!(e.to_string().contains("larger than 16 KiB"), "{e}");
    // A real public key is read.
    let key = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";
    let small = dir.path().join("small.pem");
    std::fs::write(&small, key).unwrap();
    assert_eq!(&*tweevoud::profile::read_pem_file(&small).unwrap(), key);
    book.add_file(&small, "X", Some("Y"), false, now).unwrap();
}
