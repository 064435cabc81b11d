//! A key bound to its owner's eID keeps its binding in the browser: loaded from the desktop's
//! key file, kept in what the page saves, and given back in the browser's own key file and in
//! its public key file, as the desktop's export gives it.

use std::path::PathBuf;

use serde_json::{json, Value};
use tweevoud::eid::{split_key_file, Binding};
use tweevoud::{KeyStore, Profile};
use tweevoud_web::WebDesk;

mod common;
use common::call;

// The core's test card; its other cards serve the core's tests.
#[allow(dead_code)]
#[path = "../../tests/common/eid.rs"]
mod eid;

/// The core's test fixtures, where tests/common/eid.rs finds the eID's.
fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

const PASS: &str = "correct horse battery staple";

/// The binding block of a key file the page gave.
fn binding_in(file: &Value) -> Option<Binding> {
    let text = file["text"].as_str().expect("a text file");
    split_key_file(text)
        .1
        .map(|block| Binding::from_pem(block).expect("a binding the core reads"))
}

#[test]
fn a_bound_key_keeps_its_binding_in_the_browser() {
    // Bound on the desktop, to the test card.
    let dir = tempfile::tempdir().unwrap();
    let profile = Profile::at(dir.path().to_path_buf());
    let store = KeyStore::open(&profile);
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-08T10:00:00+01:00").unwrap();
    let info = store
        .create("Tom Hendrix", Some("XIS"), Some("CEO"), PASS, now)
        .unwrap();
    let fingerprint = info.fingerprint().hex().to_string();
    let key = store.unlock(&fingerprint, PASS).unwrap();
    let binding = Binding::make(&eid::SoftCard::rsa(), &key, now, None).unwrap();
    let key = key.with_binding(binding.clone()).unwrap();
    let file = key.to_key_file(PASS).unwrap();
    assert!(split_key_file(&file).1.is_some());

    // Loaded in a browser, kept, and given back with it, also after the page is opened again.
    let mut browser = WebDesk::new("").unwrap();
    call(
        &mut browser,
        "load_key_file",
        json!({"text": file, "passphrase": PASS, "name": "Tom Hendrix"}),
    );
    let mut again = WebDesk::new(&browser.saved()).unwrap();
    for desk in [&mut browser, &mut again] {
        let secret = call(desk, "secret_key_file", json!({"fingerprint": fingerprint}));
        assert_eq!(binding_in(&secret).as_ref(), Some(&binding));
        let public = call(desk, "public_key_file", json!({"fingerprint": fingerprint}));
        assert_eq!(binding_in(&public).as_ref(), Some(&binding));
    }

    // What the page saved, with a binding that is not of this key, is not read as the key's.
    let other = Binding::make(
        &eid::SoftCard::rsa(),
        &store
            .unlock(
                store
                    .create("Other", None, None, PASS, now)
                    .unwrap()
                    .fingerprint()
                    .hex()
                    .as_str(),
                PASS,
            )
            .unwrap(),
        now,
        None,
    )
    .unwrap();
    let saved = browser.saved();
    let swapped = saved.replace(
        &binding.to_pem().replace('\n', "\\n"),
        &other.to_pem().replace('\n', "\\n"),
    );
    assert_ne!(swapped, saved, "the saved store holds the binding block");
    let e = WebDesk::new(&swapped).unwrap_err();
    assert_eq!(
        serde_json::from_str::<Value>(&e.to_json()).unwrap()["kind"],
        "saved_unreadable"
    );
}
