//! A row of the archive's index (`index.sqlite`, table `agreements`) on arbitrary text, as
//! `archive list`, `search` and `show` read it: refuse or accept, never panic; an accepted
//! row names its agreement and objects only by 64 lower-case hex digits (the object becomes a
//! path) and holds no column longer than the index allows.
//!
//! The input is the row's columns separated by U+001F (unit separator); a column that is a
//! single NUL is SQL NULL. The seeds are real rows of an archive and forged ones
//! (`tests/archive_hostile.rs`, `write_fuzz_seeds`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tweevoud::archive::{parse_index_row, MAX_INDEX_FIELD_BYTES};

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let cols: Vec<Option<&str>> = text
        .split('\u{1f}')
        .map(|c| (c != "\0").then_some(c))
        .collect();
    let Ok(s) = parse_index_row(&cols) else {
        return;
    };
    for name in [&s.id, &s.template_sha256, &s.object, &s.text_sha256] {
        assert!(is_hex64(name), "an accepted row names {name:?}");
    }
    let texts = [
        Some(&s.template),
        Some(&s.title),
        s.provider.as_ref(),
        s.provider_enterprise_number.as_ref(),
        s.customer.as_ref(),
        s.customer_enterprise_number.as_ref(),
        Some(&s.created),
        s.signed.as_ref(),
        Some(&s.archived),
        Some(&s.updated),
        Some(&s.root),
        Some(&s.head),
    ];
    for t in texts.into_iter().flatten() {
        assert!(t.len() <= MAX_INDEX_FIELD_BYTES);
    }
});
