//! After a key is made and used (signing, exporting, archiving with a signed log entry), the
//! secret key is found in no file the program wrote: not in the profile, not in the output
//! directory, not in its temporary directory; not raw, not hex, not base64. The passphrase
//! neither.

#[path = "common/cli.rs"]
mod cli;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine as _;

const PASS: &str = "geheim wachtwoord voor Tom";

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn secret_key_and_passphrase_are_written_nowhere_in_the_clear() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let tmp = root.path().join("tmp");
    let out = root.path().join("out");
    fs::create_dir_all(&tmp).unwrap();
    fs::create_dir_all(&out).unwrap();
    let tweevoud = || {
        let mut cmd = Command::cargo_bin("tweevoud").unwrap();
        cmd.env("TWEEVOUD_DATA_DIR", &data)
            .env("TWEEVOUD_PASSPHRASE", PASS)
            .env("TMPDIR", &tmp);
        cmd
    };
    let run = |args: &[&str]| {
        tweevoud().args(args).assert().success();
    };
    let draft = out.join("dpa.tweevoud");
    let d = draft.to_str().unwrap();
    cli::make_key(tweevoud(), &cli::TOM).assert().success();
    cli::new_dpa(tweevoud(), &draft).assert().success();
    cli::sign(tweevoud(), &draft, &cli::TOM)
        .args(["--leave-open-for", "customer"])
        .assert()
        .success();
    run(&["export", d, "-o", out.to_str().unwrap()]);
    run(&["archive", "add", d, "--key", "Tom Hendrix"]);
    run(&["key", "check", "Tom Hendrix"]);

    // The secret key, as OpenSSL decrypts it with the passphrase.
    let secret_pem = files_under(&data.join("keys"))
        .into_iter()
        .find(|p| p.ends_with("secret.pem"))
        .expect("the key's secret file");
    let pass_file = root.path().join("pass");
    fs::write(&pass_file, PASS).unwrap();
    let der = Process::new("openssl")
        .args([
            "pkey",
            "-in",
            secret_pem.to_str().unwrap(),
            "-outform",
            "DER",
            "-passin",
        ])
        .arg(format!("file:{}", pass_file.display()))
        .output()
        .expect("openssl runs (scripts/setup.sh installs it)");
    assert!(
        der.status.success(),
        "{}",
        String::from_utf8_lossy(&der.stderr)
    );
    fs::remove_file(&pass_file).unwrap();
    let seed = &der.stdout[der.stdout.len() - 32..];

    let forms: Vec<(&str, Vec<u8>)> = vec![
        ("raw", seed.to_vec()),
        ("hex", hex::encode(seed).into_bytes()),
        ("HEX", hex::encode_upper(seed).into_bytes()),
        ("base64", STANDARD.encode(seed).into_bytes()),
        (
            "base64, no padding",
            STANDARD_NO_PAD.encode(seed).into_bytes(),
        ),
        ("base64url", URL_SAFE_NO_PAD.encode(seed).into_bytes()),
        ("the passphrase", PASS.as_bytes().to_vec()),
    ];
    let mut scanned = 0;
    for file in files_under(&data)
        .into_iter()
        .chain(files_under(&out))
        .chain(files_under(&tmp))
    {
        let bytes = fs::read(&file).unwrap();
        scanned += 1;
        for (name, form) in &forms {
            assert!(
                !contains(&bytes, form),
                "{} holds the secret key ({name})",
                file.display()
            );
        }
    }
    // The profile (key, archive objects, log, index), the agreement file and its PDF.
    assert!(scanned >= 8, "only {scanned} files scanned");
}
