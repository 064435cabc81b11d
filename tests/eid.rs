//! The eID as a device, without a card: SoftHSM2 tokens laid out as the eID
//! (tests/common/token.rs), `tweevoud eid status` and `eid bind` against them, and the OCSP
//! answer fetched from a live `openssl ocsp` (tests/common/ocsp.rs). docs/eid.md.

mod common;

use common::token::{CardKind, SoftHsm};

/// The test tokens are laid out as the middleware lays out a card: label BELPIC, the four
/// certificates and the two keys by the middleware's labels, the Signature key asking a login
/// for each use.
#[test]
fn test_tokens_are_laid_out_as_the_eid() {
    for kind in [CardKind::Rsa, CardKind::Ec] {
        let hsm = SoftHsm::card(kind);
        let objects = hsm.list_objects("BELPIC");
        for label in ["Authentication", "Signature", "CA", "Root"] {
            assert!(
                objects.contains(&format!("label:      {label}\n")),
                "{kind:?}: {objects}"
            );
        }
        // Each object is a line that is not indented and the indented lines after it.
        let mut listed: Vec<String> = Vec::new();
        for line in objects.lines() {
            match listed.last_mut() {
                Some(o) if line.starts_with(' ') => o.push_str(&format!("{line}\n")),
                _ => listed.push(format!("{line}\n")),
            }
        }
        let signature_key = listed
            .iter()
            .find(|o| o.starts_with("Private Key Object") && o.contains("label:      Signature"))
            .expect("the Signature key");
        assert!(
            signature_key.contains("always authenticate"),
            "{signature_key}"
        );
    }
}
