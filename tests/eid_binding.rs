//! The binding of a key to its owner's eID (docs/format.md, "The eID binding"): made with a
//! software card of the test PKI, kept with the key in the profile, carried by every
//! signature the key makes, and checked with the tests' root as the anchor.

mod common;

use chrono::{DateTime, FixedOffset};
use common::eid::{eid_fixture, test_anchors, SoftCard};
use tweevoud::eid::{Binding, Revocation, MAX_BINDING_BYTES};
use tweevoud::profile::{KeyStore, Profile};
use tweevoud::{Agreement, Coded, Party, UnlockedKey};

fn time(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn bound() -> DateTime<FixedOffset> {
    time("2026-12-08T09:00:00+01:00")
}

fn signed() -> DateTime<FixedOffset> {
    time("2026-11-23T10:00:00+01:00")
}

fn key(seed: u8) -> ed25519_dalek::SigningKey {
    common::test_key(seed)
}

#[test]
fn both_cards_bind_a_key_that_then_checks() {
    for (card, ocsp, holder) in [
        (SoftCard::rsa(), "ocsp-rsa-sign.der", "Tom Hendrix"),
        (SoftCard::ec(), "ocsp-ec-sign.der", "Anne-Marie D'Hondt"),
    ] {
        let b = Binding::make(&card, &key(1), bound(), Some(&eid_fixture(ocsp))).unwrap();
        let public = key(1).verifying_key().to_bytes();
        let c = b.check(&public, signed(), &test_anchors()).unwrap();
        assert_eq!(c.confirmation.holder, holder);
        assert_eq!(c.holder.name, holder);
        assert_eq!(c.confirmation.root, "Tweevoud Test Belgium Root CA");
        assert!(matches!(c.confirmation.revocation, Revocation::Good { .. }));
        // Without an OCSP answer: confirmed, revocation not checked.
        let b = Binding::make(&card, &key(1), bound(), None).unwrap();
        let c = b.check(&public, signed(), &test_anchors()).unwrap();
        assert_eq!(c.confirmation.revocation, Revocation::NotChecked);
        // Its JSON reads back as it was.
        assert_eq!(Binding::from_json(&b.to_json()).unwrap(), b);
        // Another key's binding, or a time the certificate was not valid at, does not hold.
        let other = key(2).verifying_key().to_bytes();
        let e = b.check(&other, signed(), &test_anchors()).unwrap_err();
        assert_eq!(e.code(), "eid_binding_key");
        let e = b
            .check(&public, time("2036-01-01T00:00:00+00:00"), &test_anchors())
            .unwrap_err();
        assert_eq!(e.code(), "eid_certificate_expired");
        // Nor does it with the shipped Belgian roots alone: the tests' root is no anchor.
        let e = b
            .check(&public, signed(), &tweevoud::eid::Anchors::none())
            .unwrap_err();
        assert_eq!(e.code(), "eid_untrusted");
    }
}

/// A card whose key is not its certificate's cannot make a binding: what was made is checked.
#[test]
fn fail_a_card_that_signs_with_another_key_makes_no_binding() {
    struct Mixed(SoftCard, SoftCard);
    impl tweevoud::eid::Card for Mixed {
        fn certificate(&self) -> &[u8] {
            self.0.certificate()
        }
        fn chain(&self) -> &[Vec<u8>] {
            self.0.chain()
        }
        fn hash(&self) -> tweevoud::eid::CardHash {
            self.1.hash()
        }
        fn sign_digest(&self, digest: &[u8]) -> Result<Vec<u8>, tweevoud::eid::CardError> {
            self.1.sign_digest(digest)
        }
    }
    let e = Binding::make(
        &Mixed(SoftCard::rsa(), SoftCard::expired()),
        &key(1),
        bound(),
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), "eid_binding_signature", "{e}");
}

/// A binding is read within its limits, and one of another shape is refused, before any
/// work, with a code.
#[test]
fn fail_hostile_bindings_are_refused_with_a_code() {
    let b = Binding::make(&SoftCard::rsa(), &key(1), bound(), None).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&b.to_json()).unwrap();
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let edits: Vec<Edit> = vec![
        Box::new(|v| v["ocsp"] = serde_json::Value::Null),
        Box::new(|v| v["extra"] = "x".into()),
        Box::new(|v| {
            let ca = v["chain"][0].clone();
            v["chain"] = serde_json::Value::Array(vec![ca; 9]);
        }),
        Box::new(|v| v["certificate"] = "QUJD".repeat(3000).into()),
        Box::new(|v| v["statement"]["companion"] = "QUJD".into()),
        Box::new(|v| v["statement"]["time"] = "yesterday".into()),
    ];
    for edit in edits {
        edit(&mut v);
        let text = serde_json::to_string(&v).unwrap();
        let public = key(1).verifying_key().to_bytes();
        let code = match Binding::from_json(&text) {
            Err(e) => e.code(),
            Ok(b) => b
                .check(&public, signed(), &test_anchors())
                .unwrap_err()
                .code(),
        };
        assert_eq!(code, "eid_binding_unreadable", "{text}");
        v = serde_json::from_str(&b.to_json()).unwrap();
    }
    let huge = format!("{{\"x\": \"{}\"}}", "a".repeat(MAX_BINDING_BYTES));
    assert_eq!(
        Binding::from_json(&huge).unwrap_err().code(),
        "eid_binding_unreadable"
    );
}

/// A profile keeps a bound key's binding beside its `key.json`; the key unlocked carries it,
/// and every signature it makes carries it in its record, outside the record hash.
#[test]
fn a_bound_key_of_the_profile_puts_its_binding_in_every_signature() {
    let dir = tempfile::tempdir().unwrap();
    let store = KeyStore::open(&Profile::at(dir.path().join("profile")));
    let pass = "correct horse battery staple";
    let info = store
        .create("Tom Hendrix", Some("XIS"), Some("CEO"), pass, bound())
        .unwrap();
    let key = store.unlock("Tom Hendrix", pass).unwrap();
    assert!(key.binding().is_none());
    let binding = Binding::make(&SoftCard::rsa(), &key, bound(), None).unwrap();
    // Another key's binding is not kept with this one.
    let other = UnlockedKey::from_seed(&[7; 32], "Tom Hendrix", None, None, bound()).unwrap();
    let e = other.with_binding(binding.clone()).unwrap_err();
    assert_eq!(e.code(), "eid_binding_key");
    store
        .bind(&key.with_binding(binding.clone()).unwrap())
        .unwrap();
    let path = store.paths(info.fingerprint()).binding;
    assert_eq!(std::fs::read_to_string(&path).unwrap(), binding.to_json());
    assert_eq!(store.binding(&info).unwrap(), Some(binding.clone()));
    let key = store.unlock("Tom Hendrix", pass).unwrap();
    assert_eq!(key.binding(), Some(&binding));

    let mut a = Agreement::new(common::dpa(), Party::Provider, common::at(9));
    let record = a
        .sign(
            &key,
            Party::Provider,
            Some("Tom Hendrix"),
            Some(Party::Customer),
            common::at(10),
        )
        .unwrap()
        .clone();
    assert_eq!(record.eid_binding.as_ref(), Some(&binding));
    let json = a.to_json();
    assert!(json.contains("\"format\": \"tweevoud-agreement/2\""));
    let read = Agreement::from_json(&json).unwrap();
    assert_eq!(read.signatures()[0], record);
    let c = binding
        .check(&key.public().to_bytes(), common::at(10), &test_anchors())
        .unwrap();
    assert_eq!(c.confirmation.holder, "Tom Hendrix");

    // A damaged binding file makes the key's files damaged: never signed with silently.
    std::fs::write(&path, "{}").unwrap();
    let e = store.unlock("Tom Hendrix", pass).unwrap_err();
    assert_eq!(e.code(), "key_damaged");
}

/// The time a certificate is checked at is the signing time: its CA's too.
#[test]
fn fail_the_certificate_is_checked_at_the_signing_time() {
    let b = Binding::make(&SoftCard::expired(), &key(1), bound(), None).unwrap();
    let public = key(1).verifying_key().to_bytes();
    let e = b.check(&public, signed(), &test_anchors()).unwrap_err();
    assert_eq!(e.code(), "eid_certificate_expired");
    // While the certificate was valid (until 2020), its Citizen CA was not yet (from 2020).
    let e = b
        .check(&public, time("2019-06-01T00:00:00+00:00"), &test_anchors())
        .unwrap_err();
    assert_eq!(e.code(), "eid_chain");
}

/// The public key file of a bound key carries its binding: `tweevoud contact add` keeps it
/// with the contact, and `openssl` still reads the key; a key file (the browser's) carries it
/// too, and a block that is not of the key refuses the file.
#[test]
fn key_files_carry_the_binding_to_a_contact() {
    let dir = tempfile::tempdir().unwrap();
    let store = KeyStore::open(&Profile::at(dir.path().join("tom")));
    let pass = "correct horse battery staple";
    store
        .create("Tom Hendrix", Some("XIS"), Some("CEO"), pass, bound())
        .unwrap();
    let key = store.unlock("Tom Hendrix", pass).unwrap();
    let binding = Binding::make(
        &SoftCard::rsa(),
        &key,
        bound(),
        Some(&eid_fixture("ocsp-rsa-sign.der")),
    )
    .unwrap();
    let key = key.with_binding(binding.clone()).unwrap();
    store.bind(&key).unwrap();

    let exported = store.export_public("Tom Hendrix").unwrap();
    assert!(exported.starts_with(&key.public().to_pem()), "{exported}");
    assert!(exported.contains("-----BEGIN TWEEVOUD EID BINDING-----"));
    assert!(exported.len() as u64 <= tweevoud::key::MAX_PEM_BYTES);
    let pem = dir.path().join("tom.pem");
    std::fs::write(&pem, &exported).unwrap();
    let openssl = std::process::Command::new("openssl")
        .args(["pkey", "-pubin", "-in"])
        .arg(&pem)
        .output()
        .unwrap();
    assert!(openssl.status.success(), "{openssl:?}");

    let anne = dir.path().join("anne");
    assert_cmd::Command::cargo_bin("tweevoud")
        .unwrap()
        .env("TWEEVOUD_DATA_DIR", &anne)
        .args(["contact", "add"])
        .arg(&pem)
        .args(["--name", "Tom Hendrix", "--org", "XIS"])
        .assert()
        .success();
    let contacts = tweevoud::ContactBook::open(&Profile::at(anne.clone()))
        .list()
        .unwrap();
    assert_eq!(contacts[0].eid_binding(), Some(&binding));

    // Another key's binding in the file refuses it, and keeps nothing.
    let other = UnlockedKey::from_seed(&[7; 32], "X", None, None, bound()).unwrap();
    let forged = dir.path().join("forged.pem");
    std::fs::write(
        &forged,
        format!("{}{}", other.public().to_pem(), binding.to_pem()),
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("tweevoud")
        .unwrap()
        .env("TWEEVOUD_DATA_DIR", dir.path().join("carol"))
        .args(["contact", "add"])
        .arg(&forged)
        .args(["--name", "X", "--org", "Y"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not_a_key"));

    // The key file made to be carried: unlocked again, the key is still bound.
    let file = key.to_key_file(pass).unwrap();
    assert!(file.contains("-----BEGIN TWEEVOUD EID BINDING-----"));
    let again = UnlockedKey::import_pem(&file, pass, "Tom Hendrix", None, None, bound()).unwrap();
    assert_eq!(again.binding(), Some(&binding));
    let again = UnlockedKey::unlock_pem(&file, pass, key.info().clone()).unwrap();
    assert_eq!(again.binding(), Some(&binding));
    // Imported into another profile, the key keeps its binding there.
    let elsewhere = KeyStore::open(&Profile::at(dir.path().join("elsewhere")));
    let info = elsewhere
        .import(&file, pass, "Tom Hendrix", None, None, bound())
        .unwrap();
    assert_eq!(elsewhere.binding(&info).unwrap(), Some(binding.clone()));
    let other_file = format!(
        "{}{}",
        other.to_encrypted_pem(pass).unwrap(),
        binding.to_pem()
    );
    let e = UnlockedKey::import_pem(&other_file, pass, "X", None, None, bound()).unwrap_err();
    assert_eq!(e.code(), "not_a_key");
}

/// The judgement names the signer by the certificate, and notes a statement that names
/// someone else.
#[test]
fn a_signatory_name_other_than_the_holders_is_noted() {
    // Tom's key signs as the provider's signatory "Tom Hendrix", bound to Anne-Marie's card.
    let binding = Binding::make(
        &SoftCard::ec(),
        &key(1),
        bound(),
        Some(&eid_fixture("ocsp-ec-sign.der")),
    )
    .unwrap();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors/dpa-complete.tweevoud"),
    )
    .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["format"] = "tweevoud-agreement/2".into();
    v["signatures"][0]["eid_binding"] = serde_json::to_value(&binding).unwrap();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let out = assert_cmd::Command::cargo_bin("tweevoud")
        .unwrap()
        .env("TWEEVOUD_DATA_DIR", file.path().with_extension("none"))
        .env(
            "TWEEVOUD_TEST_EID_ROOTS",
            common::fixture("eid").join("root.pem"),
        )
        .args(["verify", "--json"])
        .arg(file.path())
        .output()
        .unwrap();
    let answer = common::verify_answer(&out.stdout);
    let trust = &answer["signatures"][0]["trust"];
    assert_eq!(trust["status"], "eid", "{answer}");
    assert_eq!(trust["name"], "Anne-Marie D'Hondt");
    assert_eq!(answer["signatures"][0]["name"], "Tom Hendrix");
    assert_eq!(trust["eid"]["notes"][0]["code"], "eid_name_differs");
    assert_eq!(trust["eid"]["notes"][0]["params"]["stated"], "Tom Hendrix");
}

/// A public key file with its binding block is still a public key to every reader of one
/// (the app's and the browser's contact import read the key and leave the block).
#[test]
fn a_public_key_file_with_its_binding_is_still_a_public_key() {
    let binding = Binding::make(&SoftCard::rsa(), &key(1), bound(), None).unwrap();
    let public = tweevoud::PublicKey::from_bytes(&key(1).verifying_key().to_bytes()).unwrap();
    let file = tweevoud::eid::key_file(&public.to_pem(), Some(&binding));
    assert!(file.contains("TWEEVOUD EID BINDING"));
    assert_eq!(tweevoud::PublicKey::parse(&file).unwrap(), public);
    assert_eq!(tweevoud::PublicKey::from_pem(&file).unwrap(), public);
}
