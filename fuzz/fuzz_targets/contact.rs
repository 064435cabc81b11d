//! Contact import on arbitrary bytes, from a file as `contact add` imports one
//! ([`ContactBook::add_file`], the bounded reader): refuse or add, never panic; a contact
//! added is found again under its key's fingerprint.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tweevoud::key::PublicKey;
use tweevoud::{ContactBook, Profile};

/// A contact book of this process's own, in the temporary directory.
fn book() -> &'static ContactBook {
    static BOOK: OnceLock<ContactBook> = OnceLock::new();
    BOOK.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("tweevoud-fuzz-contact-{}", std::process::id()));
        ContactBook::open(&Profile::at(dir))
    })
}

/// The file each input is written to, in the temporary directory.
fn input_path() -> &'static std::path::Path {
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("tweevoud-fuzz-contact-{}.pem", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    std::fs::write(input_path(), data).expect("the input is written");
    let book = book();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap();
    if book
        .add_file(input_path(), "Fuzz", Some("Fuzzing BV"), false, now)
        .is_ok()
    {
        let text = std::str::from_utf8(data).expect("a key that was added is text");
        let key = PublicKey::parse(text).expect("a key that was added parses");
        let found = book
            .find(&key.fingerprint())
            .expect("the contact book reads")
            .expect("the contact added is found");
        assert_eq!(found.fingerprint(), &key.fingerprint());
        // One contact at a time, so that the directory does not grow with the run.
        let _ = std::fs::remove_file(book.dir().join(format!("{}.json", key.fingerprint().hex())));
    }
});
