//! A PDF seal (the CMS in a sealed exemplar's `/Contents`) on arbitrary bytes: taken apart and
//! checked as `verify` does, against a fixed identity; refuse or accept, never panic, never
//! hang. Nothing but a seal Tweevoud made for that identity is accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tweevoud::seal::{check, open, Identity};

fuzz_target!(|data: &[u8]| {
    let Ok(opened) = open(data) else {
        return;
    };
    let identity = Identity {
        name: "Tom Hendrix".into(),
        function: "CEO".into(),
        organisation: "Xtreme Internet Solutions BV".into(),
        time: chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap(),
    };
    let _ = check(&opened, Some(&identity), &[0; 32]);
    let _ = check(&opened, None, &[0; 32]);
    let _ = (opened.ed25519(), opened.signature(), opened.token(), opened.certificate());
});
