//! The agreement-file reader and the verifier on arbitrary bytes: refuse or verify, never
//! panic; anything accepted round-trips through its own JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(a) = tweevoud::Agreement::from_json(text) {
        let report = tweevoud::verify(&a);
        let _ = report.summary();
        let back = tweevoud::Agreement::from_json(&a.to_json()).expect("own JSON reads back");
        assert_eq!(back.to_json(), a.to_json());
    }
});
