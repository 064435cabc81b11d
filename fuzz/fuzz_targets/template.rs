//! The template parser on arbitrary text: it must refuse or accept, never panic or hang, and
//! what it accepts must render and be identified by its canonical bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(t) = tweevoud::Template::parse(text) {
        let again = tweevoud::Template::parse(t.canonical_text()).expect("canonical text parses");
        assert_eq!(again.sha256(), t.sha256());
        let _ = tweevoud::render::render_text(&t, |_| None);
        let _ = t.summary();
    }
});
