//! The PDF reader and exemplar verification on arbitrary bytes: refuse or verify, never
//! panic, never hang; what verifies is exactly the exemplar its agreement renders with the
//! renderer version the PDF names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tweevoud::pdf;

fuzz_target!(|data: &[u8]| {
    let embedded = pdf::embedded_agreement(data);
    if let Ok(v) = pdf::verify_exemplar(data) {
        if v.visible_document_matches {
            let e = v
                .exemplar
                .expect("a matching exemplar says which one it is");
            let version = embedded
                .ok()
                .and_then(|m| m.renderer)
                .expect("a matching exemplar names its renderer");
            let again = pdf::render_version(&v.agreement, e, &version)
                .expect("a matching exemplar names a renderer this program knows");
            assert_eq!(again.ok().as_deref(), Some(data));
        }
    }
});
