//! `tweevoud key` and `tweevoud contact`, run for real against temporary profiles, with
//! OpenSSL (a tool no one here wrote) reading what they write.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use predicates::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

#[path = "common/cli.rs"]
mod cli;
use cli::says_code;

const PASS: &str = "correct horse battery staple";

/// A temporary profile, with a passphrase file beside it.
struct Profile {
    tmp: TempDir,
}

impl Profile {
    fn new() -> Profile {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("pass"), format!("{PASS}\n")).unwrap();
        fs::write(tmp.path().join("wrong"), "not the passphrase\n").unwrap();
        Profile { tmp }
    }

    fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    fn file(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// The binary with this profile's data dir (via the environment) and the passphrase.
    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("tweevoud").unwrap();
        cmd.env_remove("TWEEVOUD_DATA_DIR")
            .env("TWEEVOUD_DATA_DIR", self.data())
            .env("TWEEVOUD_PASSPHRASE", PASS)
            .env("TWEEVOUD_NOW", "2026-11-23T10:00:00+01:00");
        cmd
    }

    fn new_key(&self, name: &str, org: &str) -> Value {
        self.cmd()
            .args([
                "key",
                "new",
                "--name",
                name,
                "--org",
                org,
                "--function",
                "CEO",
            ])
            .assert()
            .success()
            .stdout(predicate::str::contains("fingerprint  "));
        let keys = self.keys();
        keys.as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == name)
            .unwrap()
            .clone()
    }

    fn keys(&self) -> Value {
        json(self.cmd().args(["key", "list", "--json"]))
    }

    fn key_dir(&self, key: &Value) -> PathBuf {
        PathBuf::from(key["dir"].as_str().unwrap())
    }
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("valid JSON on stdout")
}

fn openssl(args: &[&str]) -> Output {
    std::process::Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl is installed (scripts/setup.sh installs it)")
}

fn openssl_ok(args: &[&str]) -> Vec<u8> {
    let out = openssl(args);
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn key_new_is_read_by_openssl_and_never_stored_in_the_clear() {
    let p = Profile::new();
    let key = p.new_key("Tom Hendrix", "Xtreme Internet Solutions BV");
    let dir = p.key_dir(&key);
    let secret = dir.join("secret.pem");
    let public = dir.join("public.pem");
    let pass = p.file("pass");
    let wrong = p.file("wrong");

    let pem = fs::read_to_string(&secret).unwrap();
    assert!(
        pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"),
        "{pem}"
    );
    let passin = format!("file:{}", s(&pass));
    openssl_ok(&["pkey", "-in", s(&secret), "-passin", &passin, "-noout"]);
    let bad = openssl(&[
        "pkey",
        "-in",
        s(&secret),
        "-passin",
        &format!("file:{}", s(&wrong)),
        "-noout",
    ]);
    assert!(!bad.status.success(), "openssl accepted a wrong passphrase");

    // The public key: OpenSSL reads it, and its raw key hashes to our fingerprint.
    openssl_ok(&["pkey", "-pubin", "-in", s(&public), "-noout"]);
    let der = openssl_ok(&["pkey", "-pubin", "-in", s(&public), "-outform", "DER"]);
    let raw = &der[der.len() - 32..];
    assert_eq!(hex::encode(Sha256::digest(raw)), key["fingerprint"]);
    assert_eq!(B64.encode(raw), key["public_key"]);
    // ... and it is the public key of the secret key.
    let from_secret = openssl_ok(&["pkey", "-in", s(&secret), "-passin", &passin, "-pubout"]);
    assert_eq!(from_secret, fs::read(&public).unwrap());

    // The secret key, as OpenSSL decrypts it: found in no file of the data dir, in any form.
    let secret_der = openssl_ok(&[
        "pkey",
        "-in",
        s(&secret),
        "-passin",
        &passin,
        "-outform",
        "DER",
    ]);
    let seed = &secret_der[secret_der.len() - 32..];
    let forms: Vec<Vec<u8>> = vec![
        seed.to_vec(),
        hex::encode(seed).into_bytes(),
        hex::encode_upper(seed).into_bytes(),
        B64.encode(seed).into_bytes(),
        B64.encode(&secret_der).into_bytes(),
        B64.encode(&secret_der).as_bytes()[..40].to_vec(),
    ];
    let files = files_under(&p.data());
    assert_eq!(files.len(), 3, "{files:?}");
    for file in files {
        let bytes = fs::read(&file).unwrap();
        for form in &forms {
            assert!(
                !contains(&bytes, form),
                "{} holds the secret key",
                file.display()
            );
        }
    }

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&secret), 0o600);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&p.data().join("keys")), 0o700);
    }
}

#[test]
fn key_new_prints_the_grouped_fingerprint_and_paths() {
    let p = Profile::new();
    let out = p
        .cmd()
        .args(["key", "new", "--name", "Tom Hendrix"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let key = &p.keys()[0];
    assert!(
        out.contains(&format!(
            "fingerprint  {}",
            key["fingerprint_grouped"].as_str().unwrap()
        )),
        "{out}"
    );
    let grouped = key["fingerprint_grouped"].as_str().unwrap();
    assert_eq!(grouped.split(' ').count(), 16);
    assert!(
        out.contains("secret.pem (encrypted with your passphrase)"),
        "{out}"
    );
    assert!(out.contains("public.pem"), "{out}");
    assert_eq!(key["created"], "2026-11-23T10:00:00+01:00");
}

#[test]
fn fail_wrong_passphrase() {
    let p = Profile::new();
    let key = p.new_key("Tom Hendrix", "XIS");
    let short = &key["fingerprint_grouped"].as_str().unwrap()[..19];
    p.cmd()
        .args(["key", "check", "Tom Hendrix"])
        .env("TWEEVOUD_PASSPHRASE", "not the passphrase")
        .assert()
        .code(2)
        .stderr(says_code("wrong_passphrase"))
        .stderr(predicate::str::contains(format!(
            "key Tom Hendrix ({short})"
        )));
    // The passphrase file wins over the environment; its line ending is not part of it.
    p.cmd()
        .args(["key", "check", "Tom Hendrix", "--passphrase-file"])
        .arg(p.file("pass"))
        .env("TWEEVOUD_PASSPHRASE", "not the passphrase")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "The passphrase unlocks the key of Tom Hendrix (XIS)",
        ));
    p.cmd()
        .args(["key", "check", "Tom Hendrix", "--passphrase-file"])
        .arg(p.file("wrong"))
        .assert()
        .code(2)
        .stderr(says_code("wrong_passphrase"));
}

#[test]
fn fail_damaged_secret_key_is_not_called_a_wrong_passphrase() {
    let p = Profile::new();
    let key = p.new_key("Tom Hendrix", "XIS");
    let secret = p.key_dir(&key).join("secret.pem");
    fs::write(
        &secret,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n",
    )
    .unwrap();
    p.cmd()
        .args(["key", "check", "Tom Hendrix"])
        .assert()
        .code(2)
        .stderr(says_code("key_damaged"))
        .stderr(predicate::str::contains("secret.pem"));
}

#[test]
fn key_list_export_and_import_round_trip() {
    let a = Profile::new();
    let b = Profile::new();
    let tom = a.new_key("Tom Hendrix", "XIS");
    a.new_key("Anne", "De Zwarte Kat");
    let listed = a.keys();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    a.cmd()
        .args(["key", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Tom Hendrix (XIS), CEO  created 2026-11-23",
        ))
        .stdout(predicate::str::contains(
            tom["fingerprint_grouped"].as_str().unwrap(),
        ));

    // Export by fingerprint prefix (grouped or not) and by name: the same PEM as public.pem.
    let public = fs::read(a.key_dir(&tom).join("public.pem")).unwrap();
    let prefix = &tom["fingerprint"].as_str().unwrap()[..8];
    for selector in [
        prefix,
        &tom["fingerprint_grouped"].as_str().unwrap()[..9],
        "Tom Hendrix",
    ] {
        let out = a.cmd().args(["key", "export", selector]).assert().success();
        assert_eq!(out.get_output().stdout, public, "{selector}");
    }
    let exported = a.file("tom.pem");
    a.cmd()
        .args(["key", "export", "Tom Hendrix", "-o"])
        .arg(&exported)
        .assert()
        .success();
    assert_eq!(fs::read(&exported).unwrap(), public);

    // Our own secret key moves to another profile (with --data-dir this time).
    let mut import = Command::cargo_bin("tweevoud").unwrap();
    import
        .env_remove("TWEEVOUD_DATA_DIR")
        .env_remove("TWEEVOUD_PASSPHRASE")
        .args(["key", "import"])
        .arg(a.key_dir(&tom).join("secret.pem"))
        .args(["--name", "Tom Hendrix", "--org", "XIS", "--data-dir"])
        .arg(b.data())
        .arg("--passphrase-file")
        .arg(a.file("pass"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Imported the key of Tom Hendrix (XIS)",
        ));
    let imported = &b.keys()[0];
    assert_eq!(imported["fingerprint"], tom["fingerprint"]);
    b.cmd().args(["key", "check", prefix]).assert().success();
    // Twice is refused.
    b.cmd()
        .args(["key", "import"])
        .arg(a.key_dir(&tom).join("secret.pem"))
        .args(["--name", "Tom"])
        .assert()
        .code(2)
        .stderr(says_code("key_exists"));

    // A key made by OpenSSL (PBKDF2 + AES-256-CBC, OpenSSL's default encryption).
    let theirs = b.file("openssl.pem");
    openssl_ok(&[
        "genpkey",
        "-algorithm",
        "ed25519",
        "-aes-256-cbc",
        "-pass",
        &format!("file:{}", s(&b.file("pass"))),
        "-out",
        s(&theirs),
    ]);
    b.cmd()
        .args([
            "key",
            "import",
            s(&theirs),
            "--name",
            "Anne",
            "--function",
            "Zaakvoerder",
        ])
        .env("TWEEVOUD_PASSPHRASE", "not the passphrase")
        .assert()
        .code(2)
        .stderr(says_code("wrong_passphrase"))
        .stderr(predicate::str::contains("the key being imported"));
    b.cmd()
        .args([
            "key",
            "import",
            s(&theirs),
            "--name",
            "Anne",
            "--function",
            "Zaakvoerder",
        ])
        .assert()
        .success();
    let pubout = openssl_ok(&[
        "pkey",
        "-in",
        s(&theirs),
        "-passin",
        &format!("file:{}", s(&b.file("pass"))),
        "-pubout",
    ]);
    let out = b.cmd().args(["key", "export", "Anne"]).assert().success();
    assert_eq!(out.get_output().stdout, pubout);
    // Stored re-encrypted with our scrypt parameters, still readable by OpenSSL.
    let anne = b
        .keys()
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "Anne")
        .unwrap()
        .clone();
    let stored = b.key_dir(&anne).join("secret.pem");
    let parsed = openssl_ok(&["asn1parse", "-in", s(&stored)]);
    assert!(String::from_utf8_lossy(&parsed).contains(":scrypt"));
    openssl_ok(&[
        "pkey",
        "-in",
        s(&stored),
        "-passin",
        &format!("file:{}", s(&b.file("pass"))),
        "-noout",
    ]);
}

#[test]
fn fail_key_selectors() {
    let p = Profile::new();
    p.new_key("Tom Hendrix", "XIS");
    p.new_key("Tom Hendrix", "Other BV");
    p.cmd()
        .args(["key", "export", "Tom Hendrix"])
        .assert()
        .code(2)
        .stderr(says_code("key_ambiguous"));
    p.cmd()
        .args(["key", "export", "Nobody"])
        .assert()
        .code(2)
        .stderr(says_code("key_not_found"));
}

#[test]
fn fail_import_unencrypted_or_rsa_or_junk() {
    let p = Profile::new();
    let plain = p.file("plain.pem");
    openssl_ok(&["genpkey", "-algorithm", "ed25519", "-out", s(&plain)]);
    p.cmd()
        .args(["key", "import", s(&plain), "--name", "X"])
        .assert()
        .code(2)
        .stderr(says_code("key_not_encrypted"));
    let rsa = p.file("rsa.pem");
    openssl_ok(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:1024",
        "-aes-256-cbc",
        "-pass",
        &format!("file:{}", s(&p.file("pass"))),
        "-out",
        s(&rsa),
    ]);
    p.cmd()
        .args(["key", "import", s(&rsa), "--name", "X"])
        .assert()
        .code(2)
        .stderr(says_code("not_ed25519"))
        .stderr(predicate::str::contains("RSA"));
    let junk = p.file("junk.pem");
    fs::write(&junk, "hello\n").unwrap();
    p.cmd()
        .args(["key", "import", s(&junk), "--name", "X"])
        .assert()
        .code(2)
        .stderr(says_code("not_a_key"));
    assert!(!p.data().join("keys").exists() || files_under(&p.data()).is_empty());
}

#[test]
fn fail_empty_or_short_passphrase() {
    let p = Profile::new();
    p.cmd()
        .args(["key", "new", "--name", "Tom"])
        .env("TWEEVOUD_PASSPHRASE", "")
        .assert()
        .code(2)
        .stderr(says_code("weak_passphrase"))
        .stderr(predicate::str::contains("the passphrase is empty"));
    p.cmd()
        .args(["key", "new", "--name", "Tom"])
        .env("TWEEVOUD_PASSPHRASE", "1234567")
        .assert()
        .code(2)
        .stderr(says_code("weak_passphrase"))
        .stderr(predicate::str::contains("at least 8 characters"));
    let empty = p.file("empty");
    fs::write(&empty, "\n").unwrap();
    p.cmd()
        .args(["key", "new", "--name", "Tom", "--passphrase-file"])
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(says_code("weak_passphrase"))
        .stderr(predicate::str::contains("the passphrase is empty"));
    p.cmd()
        .args(["key", "new", "--name", "  ", "--org", "XIS"])
        .assert()
        .code(2)
        .stderr(says_code("missing_name"));
    assert!(!p.data().exists() || files_under(&p.data()).is_empty());
}

#[test]
fn contacts_add_list_verify() {
    let provider = Profile::new();
    let customer = Profile::new();
    let tom = provider.new_key("Tom Hendrix", "Xtreme Internet Solutions BV");
    let pem = provider.file("tom.pem");
    provider
        .cmd()
        .args(["key", "export", "Tom Hendrix", "-o", s(&pem)])
        .assert()
        .success();

    customer
        .cmd()
        .args(["contact", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No contacts yet"));
    customer
        .cmd()
        .args(["contact", "add", s(&pem), "--name", "Tom Hendrix"])
        .args(["--org", "Xtreme Internet Solutions BV"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Added the contact Tom Hendrix (Xtreme Internet Solutions BV)",
        ))
        .stdout(predicate::str::contains(
            tom["fingerprint_grouped"].as_str().unwrap(),
        ))
        .stdout(predicate::str::contains("Not verified yet"));
    customer
        .cmd()
        .args(["contact", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Tom Hendrix (Xtreme Internet Solutions BV)  not verified",
        ));
    // Adding it again changes nothing, not even the name.
    customer
        .cmd()
        .args([
            "contact",
            "add",
            s(&pem),
            "--name",
            "T. H.",
            "--org",
            "X",
            "--verified",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("already a contact"));
    let list = json(customer.cmd().args(["contact", "list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Tom Hendrix");
    assert_eq!(list[0]["fingerprint"], tom["fingerprint"]);
    assert_eq!(list[0]["added"], "2026-11-23T10:00:00+01:00");
    assert_eq!(list[0]["verified"], Value::Null);
    assert_eq!(
        list[0]["public_key"].as_str().unwrap(),
        fs::read_to_string(&pem).unwrap()
    );

    let prefix = &tom["fingerprint_grouped"].as_str().unwrap()[..9];
    customer
        .cmd()
        .args(["contact", "verify", prefix])
        .env("TWEEVOUD_NOW", "2026-11-24T09:30:00+01:00")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Marked the key of Tom Hendrix (Xtreme Internet Solutions BV) verified",
        ));
    customer
        .cmd()
        .args(["contact", "verify", tom["fingerprint"].as_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("already verified on 2026-11-24"));
    let list = json(customer.cmd().args(["contact", "list", "--json"]));
    assert_eq!(list[0]["verified"], "2026-11-24T09:30:00+01:00");
    customer
        .cmd()
        .args(["contact", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("verified 2026-11-24"));
    // The contact file is plain JSON holding an SPKI PEM that OpenSSL reads.
    let file = customer
        .data()
        .join("contacts")
        .join(format!("{}.json", tom["fingerprint"].as_str().unwrap()));
    let stored: Value = serde_json::from_str(&fs::read_to_string(file).unwrap()).unwrap();
    let spki = customer.file("stored.pem");
    fs::write(&spki, stored["public_key"].as_str().unwrap()).unwrap();
    openssl_ok(&["pkey", "-pubin", "-in", s(&spki), "-noout"]);
}

#[test]
fn contact_added_verified_from_an_openssl_key() {
    let p = Profile::new();
    let secret = p.file("k.pem");
    let public = p.file("k.pub.pem");
    openssl_ok(&["genpkey", "-algorithm", "ed25519", "-out", s(&secret)]);
    openssl_ok(&["pkey", "-in", s(&secret), "-pubout", "-out", s(&public)]);
    p.cmd()
        .args([
            "contact",
            "add",
            s(&public),
            "--name",
            "Anne",
            "--org",
            "Kat BV",
            "--verified",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Marked verified"));
    let list = json(p.cmd().args(["contact", "list", "--json"]));
    assert_eq!(list[0]["verified"], "2026-11-23T10:00:00+01:00");
}

#[test]
fn fail_contact_add_bad_keys() {
    let p = Profile::new();
    let junk = p.file("junk.pem");
    fs::write(&junk, "this is not a key\n").unwrap();
    p.cmd()
        .args(["contact", "add", s(&junk), "--name", "X", "--org", "Y"])
        .assert()
        .code(2)
        .stderr(says_code("not_a_key"));

    let rsa = p.file("rsa.pem");
    let rsa_pub = p.file("rsa.pub.pem");
    openssl_ok(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:1024",
        "-out",
        s(&rsa),
    ]);
    openssl_ok(&["pkey", "-in", s(&rsa), "-pubout", "-out", s(&rsa_pub)]);
    p.cmd()
        .args(["contact", "add", s(&rsa_pub), "--name", "X", "--org", "Y"])
        .assert()
        .code(2)
        .stderr(says_code("not_ed25519"))
        .stderr(predicate::str::contains("RSA"));

    // A secret key offered as a contact's key.
    let ed = p.file("ed.pem");
    openssl_ok(&["genpkey", "-algorithm", "ed25519", "-out", s(&ed)]);
    p.cmd()
        .args(["contact", "add", s(&ed), "--name", "X", "--org", "Y"])
        .assert()
        .code(2)
        .stderr(says_code("not_a_key"))
        .stderr(predicate::str::contains("this is a secret key"));

    // Your own key.
    p.new_key("Tom Hendrix", "XIS");
    let own = p.file("own.pem");
    p.cmd()
        .args(["key", "export", "Tom Hendrix", "-o", s(&own)])
        .assert()
        .success();
    p.cmd()
        .args(["contact", "add", s(&own), "--name", "Tom", "--org", "XIS"])
        .assert()
        .code(2)
        .stderr(says_code("own_key"))
        .stderr(predicate::str::contains("Tom Hendrix"));

    p.cmd()
        .args(["contact", "verify", "0123456789abcdef"])
        .assert()
        .code(2)
        .stderr(says_code("contact_not_found"));
    assert!(!p.data().join("contacts").exists());
}
