//! What both key files, the public (SPKI) and the secret (encrypted PKCS#8), have in common:
//! a PEM text of bounded size whose algorithm identifier must name Ed25519.

use pkcs8::ObjectIdentifier;

/// The largest PEM file read, public or secret key: an Ed25519 public key in SPKI PEM is
/// 113 bytes, an encrypted PKCS#8 secret key about 400; 16 KiB leaves room for explanatory
/// text around the PEM block and refuses anything that cannot be a key before it is read.
pub const MAX_PEM_BYTES: u64 = 16 << 10;

/// id-Ed25519 (RFC 8410).
pub(super) const ED25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// A readable name for the key algorithms people are likely to offer instead of Ed25519.
pub(super) fn algorithm_name(oid: ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => "RSA".into(),
        "1.2.840.113549.1.1.10" => "RSA-PSS".into(),
        "1.2.840.10045.2.1" => "elliptic-curve (ECDSA)".into(),
        "1.2.840.10040.4.1" => "DSA".into(),
        "1.3.101.110" => "X25519".into(),
        "1.3.101.111" => "X448".into(),
        "1.3.101.113" => "Ed448".into(),
        other => format!("unknown-algorithm ({other})"),
    }
}
