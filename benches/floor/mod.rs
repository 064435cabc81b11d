//! What the benches' floors verify: one Ed25519 signature, taken apart beforehand, so that
//! the floor times only the verification.

use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use tweevoud::signature::SignatureRecord;

/// A signature's key, the exact message it signs and the signature itself.
pub type Check = (VerifyingKey, Vec<u8>, Signature);

/// The check of a signature record (which must be well-formed: the benches make their own).
pub fn check(r: &SignatureRecord) -> Check {
    let b64 = base64::engine::general_purpose::STANDARD;
    let key: [u8; 32] = b64
        .decode(&r.statement.public_key)
        .unwrap()
        .try_into()
        .unwrap();
    let sig: [u8; 64] = b64.decode(&r.signature).unwrap().try_into().unwrap();
    (
        VerifyingKey::from_bytes(&key).unwrap(),
        r.statement.message(),
        Signature::from_bytes(&sig),
    )
}
