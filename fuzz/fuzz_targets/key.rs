//! Key import on arbitrary bytes, read from a file as `key import` reads one (the bounded
//! reader, [`tweevoud::profile::read_pem_file`]): public keys (SPKI PEM or the raw key in base64,
//! what `contact add` and signature checks read) and encrypted PKCS#8 secret keys (what
//! `key import` reads): refuse or accept, never panic, never hang; a public key accepted
//! reads back from its own PEM.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tweevoud::key::PublicKey;
use tweevoud::profile::{read_pem_file, KeyStore};
use tweevoud::Profile;

/// A key store of this process's own, in the temporary directory.
fn store() -> &'static KeyStore {
    static STORE: OnceLock<KeyStore> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tweevoud-fuzz-key-{}", std::process::id()));
        KeyStore::open(&Profile::at(dir))
    })
}

/// The file each input is written to, in the temporary directory.
fn input_path() -> &'static std::path::Path {
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("tweevoud-fuzz-key-{}.pem", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    std::fs::write(input_path(), data).expect("the input is written");
    let Ok(text) = read_pem_file(input_path()) else {
        return;
    };
    let text: &str = &text;
    if let Ok(key) = PublicKey::parse(text) {
        let again = PublicKey::from_pem(&key.to_pem()).expect("its own PEM reads back");
        assert_eq!(again.fingerprint(), key.fingerprint());
    }
    let _ = PublicKey::from_pem(text);
    // The core refuses a KDF past its caps (64 MiB, N·r·p at 2^20) before any work, so
    // every input is imported: one that costs more than the run allows is a finding.
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap();
    let _ = store().import(text, "a passphrase for fuzzing", "Fuzz", None, None, now);
});
