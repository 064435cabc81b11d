//! Public keys: an Ed25519 key read from SPKI PEM, base64 or raw bytes, weak keys refused,
//! and the one strict check of a signature.

use std::fmt;

use base64::Engine as _;
use ed25519_dalek::pkcs8::{DecodePublicKey, EncodePublicKey};
use ed25519_dalek::VerifyingKey;
use pkcs8::der::pem::LineEnding;

use super::error::{BadSignature, KeyError};
use super::fingerprint::Fingerprint;
use super::pem::{algorithm_name, ED25519_OID};

/// An Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// A public key from its raw 32 bytes. Refuses bytes that are not a curve point and weak
    /// (small-order) keys, which no honest signer has.
    pub fn from_bytes(raw: &[u8; 32]) -> Result<PublicKey, KeyError> {
        let key = VerifyingKey::from_bytes(raw).map_err(|_| KeyError::Malformed {
            reason: "the 32 bytes are not an Ed25519 public key".into(),
        })?;
        if key.is_weak() {
            return Err(KeyError::Malformed {
                reason: "a weak (small-order) Ed25519 public key, which signs nothing securely"
                    .into(),
            });
        }
        Ok(PublicKey(key))
    }

    /// A public key from raw bytes, which must be 32.
    pub fn from_slice(raw: &[u8]) -> Result<PublicKey, KeyError> {
        let raw: &[u8; 32] = raw.try_into().map_err(|_| KeyError::Malformed {
            reason: format!(
                "an Ed25519 public key is 32 bytes, this is {} bytes",
                raw.len()
            ),
        })?;
        PublicKey::from_bytes(raw)
    }

    /// A public key from standard base64 of its raw 32 bytes.
    pub fn from_base64(text: &str) -> Result<PublicKey, KeyError> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|e| KeyError::Malformed {
                reason: format!("not base64 ({e})"),
            })?;
        PublicKey::from_slice(&raw)
    }

    /// A public key from SPKI PEM (`-----BEGIN PUBLIC KEY-----`, what `openssl pkey -pubout`
    /// writes). A key file may carry the key's eID binding in a block after the key's
    /// ([`crate::eid::key_file`]): it is left to those that keep it
    /// ([`crate::eid::split_key_file`]).
    pub fn from_pem(pem: &str) -> Result<PublicKey, KeyError> {
        let (pem, _binding) = crate::eid::split_key_file(pem);
        let (label, doc) =
            pkcs8::Document::from_pem(pem.trim()).map_err(|e| KeyError::Malformed {
                reason: format!("not a PEM file ({e})"),
            })?;
        match label {
            "PUBLIC KEY" => {}
            "PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" => {
                return Err(KeyError::Malformed {
                    reason: "this is a secret key; give the public key (`tweevoud key export`, or `openssl pkey -pubout`) and keep the secret one to yourself".into(),
                })
            }
            other => {
                return Err(KeyError::Malformed {
                    reason: format!("a PEM \"{other}\", not a \"PUBLIC KEY\""),
                })
            }
        }
        let spki = pkcs8::SubjectPublicKeyInfoRef::try_from(doc.as_bytes()).map_err(|e| {
            KeyError::Malformed {
                reason: format!("not a public key ({e})"),
            }
        })?;
        if spki.algorithm.oid != ED25519_OID {
            return Err(KeyError::NotEd25519 {
                algorithm: algorithm_name(spki.algorithm.oid),
            });
        }
        let key =
            VerifyingKey::from_public_key_der(doc.as_bytes()).map_err(|e| KeyError::Malformed {
                reason: format!("not an Ed25519 public key ({e})"),
            })?;
        PublicKey::from_bytes(key.as_bytes())
    }

    /// A public key from SPKI PEM or from base64 of the raw 32 bytes, whichever `text` is.
    pub fn parse(text: &str) -> Result<PublicKey, KeyError> {
        if text.trim_start().starts_with("-----BEGIN") {
            PublicKey::from_pem(text)
        } else {
            PublicKey::from_base64(text)
        }
    }

    /// SPKI PEM, with a final newline.
    pub fn to_pem(&self) -> String {
        self.0
            .to_public_key_pem(LineEnding::LF)
            .expect("an Ed25519 SPKI always encodes")
    }

    /// The raw 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// Standard base64 (with padding) of the raw 32 bytes.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.as_bytes())
    }

    /// The key's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_raw_public_key(self.as_bytes())
    }

    /// Checks an Ed25519 signature strictly (ed25519-dalek's `verify_strict`: no small-order
    /// keys or `R` values, canonical `S`), so that a signature has exactly one valid form.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8]) -> Result<(), BadSignature> {
        let signature =
            ed25519_dalek::Signature::from_slice(signature).map_err(|_| BadSignature)?;
        self.0
            .verify_strict(message, &signature)
            .map_err(|_| BadSignature)
    }

    /// The ed25519-dalek key underneath.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.0
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_base64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of RFC 8032 section 7.1, test 1, from its seed.
    fn rfc_public() -> PublicKey {
        let seed: [u8; 32] =
            hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .unwrap()
                .try_into()
                .unwrap();
        let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
        PublicKey::from_bytes(signing.verifying_key().as_bytes()).unwrap()
    }

    #[test]
    fn public_key_round_trips() {
        let key = rfc_public();
        assert_eq!(PublicKey::from_pem(&key.to_pem()).unwrap(), key);
        assert_eq!(PublicKey::from_base64(&key.to_base64()).unwrap(), key);
        assert_eq!(PublicKey::parse(&key.to_pem()).unwrap(), key);
        assert_eq!(PublicKey::parse(&key.to_base64()).unwrap(), key);
        assert!(key.to_pem().starts_with("-----BEGIN PUBLIC KEY-----\n"));
    }

    #[test]
    fn fail_weak_public_key() {
        // The identity point: small order.
        let mut raw = [0u8; 32];
        raw[0] = 1;
        assert!(matches!(
            PublicKey::from_bytes(&raw),
            Err(KeyError::Malformed { .. })
        ));
    }
}
