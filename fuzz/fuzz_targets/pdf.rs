//! The PDF reader and exemplar verification on arbitrary bytes: refuse or verify, never
//! panic, never hang; what verifies is exactly the exemplar its agreement renders.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tweevoud::pdf::embedded_agreement(data);
    if let Ok(v) = tweevoud::pdf::verify_exemplar(data) {
        if v.visible_document_matches {
            let e = v.exemplar.expect("a matching exemplar says which one it is");
            assert_eq!(tweevoud::pdf::render(&v.agreement, e).ok().as_deref(), Some(data));
        }
    }
});
