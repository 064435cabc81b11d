//! A trusted timestamp token (RFC 3161) and a TSA's reply on arbitrary bytes: checked as
//! `verify` checks the tokens of an agreement file and `sign` reads a TSA's answer; refuse or
//! accept, never panic, never hang. The first byte says which.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tweevoud::timestamp::{check_token, read_response, Anchor};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => {
            let _ = check_token(rest, b"the stamped bytes", &[]);
        }
        1 => {
            let _ = read_response(rest, b"the stamped bytes", 7);
        }
        _ => {
            if let Ok(anchor) = Anchor::from_bytes(rest) {
                let _ = (anchor.sha256(), anchor.subject(), anchor.to_pem());
                let _ = check_token(rest, b"the stamped bytes", &[anchor]);
            }
        }
    }
});
