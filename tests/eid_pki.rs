//! The eID's certificates through the public API, with the tests' software cards: each card's
//! signature verifies with its certificate, and its certificate holds or not as it should.

mod common;

use chrono::{DateTime, Utc};
use common::eid::{test_anchors, SoftCard};
use tweevoud::eid::{check_signature_certificate, verify_with_certificate, Card, CardHash};
use tweevoud::Coded;

fn now() -> DateTime<Utc> {
    "2026-12-07T12:00:00Z".parse().unwrap()
}

#[test]
fn soft_cards_sign_and_their_certificates_hold() {
    for (card, hash, name) in [
        (SoftCard::rsa(), CardHash::Sha256, "Tom Hendrix"),
        (SoftCard::ec(), CardHash::Sha384, "Anne-Marie D'Hondt"),
    ] {
        assert_eq!(card.hash(), hash);
        let message = b"a statement to sign";
        let signature = card.sign_digest(&hash.digest(message)).unwrap();
        verify_with_certificate(card.certificate(), hash, message, &signature).unwrap();
        let other = verify_with_certificate(card.certificate(), hash, b"another", &signature);
        assert!(other.is_err());
        let valid =
            check_signature_certificate(card.certificate(), card.chain(), now(), &test_anchors())
                .unwrap();
        assert_eq!(valid.holder.name, name);
    }
}

#[test]
fn expired_and_untrusted_cards_do_not_hold() {
    let expired = SoftCard::expired();
    let e = check_signature_certificate(
        expired.certificate(),
        expired.chain(),
        now(),
        &test_anchors(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "eid_certificate_expired");
    let other = SoftCard::other();
    let e = check_signature_certificate(other.certificate(), other.chain(), now(), &test_anchors())
        .unwrap_err();
    assert_eq!(e.code(), "eid_untrusted");
    // Revocation is OCSP's to say: the revoked card's certificate itself holds.
    let revoked = SoftCard::revoked();
    check_signature_certificate(
        revoked.certificate(),
        revoked.chain(),
        now(),
        &test_anchors(),
    )
    .unwrap();
}
