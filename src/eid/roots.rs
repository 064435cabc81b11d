//! The Belgian eID's public roots, shipped in the binary: the certificates the eID middleware
//! ships as its trust roots (`plugins_tools/eid-viewer/certs/` of Fedict's eid-mw), as DER.
//! Their SHA-256 are pinned by a test and listed in `docs/eid-certificates.md`.

use super::pki::Anchors;

/// The roots: file name, DER.
const ROOTS: [(&str, &[u8]); 5] = [
    (
        "belgium-root-ca2.der",
        include_bytes!("roots/belgium-root-ca2.der"),
    ),
    (
        "belgium-root-ca3.der",
        include_bytes!("roots/belgium-root-ca3.der"),
    ),
    (
        "belgium-root-ca4.der",
        include_bytes!("roots/belgium-root-ca4.der"),
    ),
    (
        "belgium-root-ca4-2032.der",
        include_bytes!("roots/belgium-root-ca4-2032.der"),
    ),
    (
        "belgium-root-ca6.der",
        include_bytes!("roots/belgium-root-ca6.der"),
    ),
];

impl Anchors {
    /// The Belgian eID's roots: Belgium Root CA2, CA3, CA4 (both its certificates: until 2028
    /// and, re-issued with the same key, until 2032) and CA6. What a release build trusts.
    /// Read once per process: every exemplar verified needs them.
    pub fn belgian() -> Anchors {
        static BELGIAN: std::sync::OnceLock<Anchors> = std::sync::OnceLock::new();
        BELGIAN
            .get_or_init(|| {
                let ders: Vec<&[u8]> = ROOTS.iter().map(|(_, der)| *der).collect();
                // The shipped roots are read by a test; none can fail here.
                Anchors::from_der(&ders).unwrap_or_default()
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    /// The SHA-256 of each root's DER, as `openssl x509 -fingerprint -sha256` gives it for the
    /// middleware's PEM files (and docs/eid-certificates.md lists them).
    const PINNED: [(&str, &str); 5] = [
        (
            "belgium-root-ca2.der",
            "9f9744463be13714754e1a3becf98c08cc205e4ab32028f4e2830c4a1b2775b8",
        ),
        (
            "belgium-root-ca3.der",
            "a8d14e945e3e5156bcae5e39737cf6a1b1f51028bbbf982f50ce5f4c05568b4d",
        ),
        (
            "belgium-root-ca4.der",
            "c3fbf37259af0954eeea4282dd1c7226a54e7150f7c29a2c495ba34dbfe09ca0",
        ),
        (
            "belgium-root-ca4-2032.der",
            "702dd5c1a093cf0a9d71fadd9bf9a7c5857d89fb73b716e867228b3c2beb968f",
        ),
        (
            "belgium-root-ca6.der",
            "9c872bc979a7c09a58d4a274c199e5cb16cfa9b9618d98bc9a9988e984b8495c",
        ),
    ];

    #[test]
    fn the_shipped_roots_are_the_pinned_ones() {
        for ((name, der), (pinned_name, sha256)) in ROOTS.iter().zip(PINNED) {
            assert_eq!(*name, pinned_name);
            assert_eq!(hex::encode(Sha256::digest(der)), sha256, "{name}");
        }
        // Each one reads, so that belgian() drops none.
        let anchors = Anchors::from_der(&ROOTS.map(|(_, der)| der)).unwrap();
        assert_eq!(anchors.len(), 5);
        let belgian = Anchors::belgian();
        let listed: Vec<(String, String)> = belgian.list();
        let subjects: Vec<&str> = listed.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            subjects,
            [
                "Belgium Root CA2",
                "Belgium Root CA3",
                "Belgium Root CA4",
                "Belgium Root CA4",
                "Belgium Root CA6, Kingdom of Belgium - Federal Government",
            ]
        );
        let hashes: Vec<&str> = listed.iter().map(|(_, h)| h.as_str()).collect();
        assert_eq!(hashes, PINNED.map(|(_, h)| h));
    }

    #[test]
    fn the_test_root_is_not_among_them() {
        let test_root = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eid/root.der"),
        )
        .unwrap();
        let other = Anchors::from_der(&[test_root]).unwrap();
        let (_, test_sha) = &other.list()[0];
        assert!(Anchors::belgian().list().iter().all(|(_, h)| h != test_sha));
    }
}
