//! A line of the archive's log (`log.jsonl`) on arbitrary bytes, as `archive verify` and
//! every command that reads the log parse it: refuse or accept, never panic; what is accepted
//! names objects, agreements, entries and keys only by 64 lower-case hex digits (such a value
//! becomes a path: a forged line must never name `/dev/zero` or `../x`), and is written back
//! as a line that reads back as the same entry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tweevoud::archive::{self, parse_log_line};

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fuzz_target!(|data: &[u8]| {
    let Ok(entry) = parse_log_line(data) else {
        return;
    };
    let mut names = vec![entry.hash.as_str()];
    names.extend(entry.prev.as_ref().map(|h| h.as_str()));
    names.extend(entry.signed_by.as_ref().map(|h| h.as_str()));
    names.extend(entry.agreement.as_ref().map(|h| h.as_str()));
    names.extend(entry.objects.iter().map(|o| o.sha256.as_str()));
    for name in names {
        assert!(is_hex64(name), "an accepted line names {name:?}");
    }
    assert!(entry.objects.len() <= archive::MAX_ENTRY_OBJECTS);
    // The hash and the signature check never panic, whatever the entry says.
    let _ = archive::entry_hash(&entry);
    let _ = entry.check_signature();
    let line = entry.to_line();
    let again = parse_log_line(
        line.strip_suffix(b"\n")
            .expect("a line ends in a line feed"),
    )
    .expect("an accepted entry's own line reads back");
    assert_eq!(again, entry);
});
