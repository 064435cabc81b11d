//! A software eID card for the tests: a [`Card`] from the test PKI's fixtures
//! (`tests/fixtures/eid`, made by `tests/eid/make-pki.sh`), its key read from the fixture's
//! PEM file. Tom Hendrix's card signs with RSA-2048 (SHA-256), Anne-Marie D'Hondt's with
//! ECDSA P-384 (SHA-384), as the eID's two generations of applet do.

use std::fs;

use p384::ecdsa::signature::hazmat::PrehashSigner;
use pkcs8::DecodePrivateKey;
use tweevoud::eid::{Anchors, Card, CardError, CardHash};

/// The bytes of a fixture of the test PKI.
pub fn eid_fixture(name: &str) -> Vec<u8> {
    let path = super::fixture("eid").join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The tests' anchors: the test root ("Tweevoud Test Belgium Root CA") alone.
pub fn test_anchors() -> Anchors {
    Anchors::from_der(&[eid_fixture("root.der")]).expect("the test root")
}

enum Key {
    Rsa(rsa::pkcs1v15::SigningKey<sha2::Sha256>),
    Ec(p384::ecdsa::SigningKey),
}

/// A card whose Signature key is in memory.
pub struct SoftCard {
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    key: Key,
}

impl SoftCard {
    /// Tom Hendrix's card (RSA-2048): `rsa-sign` under `ca-rsa` under the test root.
    pub fn rsa() -> SoftCard {
        SoftCard::from_fixtures("rsa-sign", &["ca-rsa", "root"])
    }

    /// Anne-Marie D'Hondt's card (P-384): `ec-sign` under `ca-ec` under the test root.
    pub fn ec() -> SoftCard {
        SoftCard::from_fixtures("ec-sign", &["ca-ec", "root"])
    }

    /// Tom Hendrix's older card, whose Signature certificate expired in 2020.
    pub fn expired() -> SoftCard {
        SoftCard::from_fixtures("expired-sign", &["ca-rsa", "root"])
    }

    /// Tom Hendrix's card reported stolen: its certificate revoked on 2025-06-01.
    pub fn revoked() -> SoftCard {
        SoftCard::from_fixtures("revoked-sign", &["ca-rsa", "root"])
    }

    /// A card with Tom Hendrix's name and number under a root no one trusts (named
    /// "Belgium Root CA4").
    pub fn other() -> SoftCard {
        SoftCard::from_fixtures("other-sign", &["other-ca", "other-root"])
    }

    /// The card of the fixture `leaf` (`<leaf>.der`, `<leaf>.key`), holding the CA
    /// certificates `chain` (`<name>.der` each, the Citizen CA first).
    pub fn from_fixtures(leaf: &str, chain: &[&str]) -> SoftCard {
        let pem = String::from_utf8(eid_fixture(&format!("{leaf}.key"))).expect("a PEM key");
        let key = match rsa::RsaPrivateKey::from_pkcs8_pem(&pem) {
            Ok(key) => Key::Rsa(rsa::pkcs1v15::SigningKey::new(key)),
            Err(_) => {
                Key::Ec(p384::ecdsa::SigningKey::from_pkcs8_pem(&pem).expect("an RSA or P-384 key"))
            }
        };
        SoftCard {
            certificate: eid_fixture(&format!("{leaf}.der")),
            chain: chain
                .iter()
                .map(|name| eid_fixture(&format!("{name}.der")))
                .collect(),
            key,
        }
    }
}

impl Card for SoftCard {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn hash(&self) -> CardHash {
        match self.key {
            Key::Rsa(_) => CardHash::Sha256,
            Key::Ec(_) => CardHash::Sha384,
        }
    }

    fn sign_digest(&self, digest: &[u8]) -> Result<Vec<u8>, CardError> {
        let failed = |e: p384::ecdsa::Error| CardError::CardFailed {
            reason: e.to_string(),
        };
        match &self.key {
            Key::Rsa(key) => {
                let signature: rsa::pkcs1v15::Signature =
                    key.sign_prehash(digest).map_err(failed)?;
                Ok(Box::<[u8]>::from(signature).into_vec())
            }
            Key::Ec(key) => {
                let signature: p384::ecdsa::Signature = key.sign_prehash(digest).map_err(failed)?;
                Ok(signature.to_der().as_bytes().to_vec())
            }
        }
    }
}
