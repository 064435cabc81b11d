//! Signers whose keys are bound to a test eID (`common::eid::SoftCard`): Tom Hendrix's test
//! key (seed 1) to his RSA card, Anne-Marie D'Hondt's (seed 2) to her P-384 card, and the DPA
//! they sign with them, so that a qualified seal made with either card is by a signer of the
//! agreement.

use ed25519_dalek::SigningKey;
use tweevoud::eid::{Binding, Card};
use tweevoud::signature::Signer;
use tweevoud::Agreement;

use super::eid::SoftCard;
use super::{at, test_key};

/// A test key with its eID binding.
pub struct BoundKey {
    key: SigningKey,
    binding: Binding,
}

impl BoundKey {
    /// Test key `seed` bound to `card` an hour before the tests' first signature.
    pub fn new(seed: u8, card: &dyn Card) -> BoundKey {
        let key = test_key(seed);
        let binding = Binding::make(card, &key, at(8), None).expect("the card binds the key");
        BoundKey { key, binding }
    }
}

impl Signer for BoundKey {
    fn public_key_bytes(&self) -> [u8; 32] {
        self.key.public_key_bytes()
    }

    fn sign_message(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign_message(message)
    }

    fn seal_key(&self) -> Option<tweevoud::seal::SealKey> {
        self.key.seal_key()
    }

    fn eid_binding(&self) -> Option<&Binding> {
        Some(&self.binding)
    }
}

/// The DPA signed by both parties with keys bound to their eIDs: Tom Hendrix (seed 1, the
/// RSA card) for the provider, Anne-Marie D'Hondt (seed 2, the P-384 card) for the customer.
pub fn dpa_complete_bound() -> Agreement {
    super::dpa_complete_by(
        &BoundKey::new(1, &SoftCard::rsa()),
        &BoundKey::new(2, &SoftCard::ec()),
    )
}

/// Makes this process trust the test root for the eID (a debug build reads
/// `TWEEVOUD_TEST_EID_ROOTS`; every test of a binary that calls this sets the same value).
pub fn trust_test_root() {
    std::env::set_var(
        "TWEEVOUD_TEST_EID_ROOTS",
        super::fixture("eid").join("root.pem"),
    );
}
