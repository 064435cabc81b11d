//! A key decrypted for signing: made from randomness or a seed, or unsealed from its
//! encrypted PKCS#8 PEM; its secret is zeroed in memory when it is dropped.

use std::fmt;
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use ed25519_dalek::{Signer, SigningKey};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

use super::error::KeyError;
use super::info::{field, KeyInfo};
use super::pkcs8::{check_new_passphrase, seal, unseal, Unseal};
use super::public::PublicKey;

/// A new secret key from the operating system's randomness (in a browser, the Web Crypto
/// API's).
fn fresh_signing_key() -> Result<SigningKey, KeyError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    OsRng
        .try_fill_bytes(&mut seed[..])
        .map_err(|e| KeyError::Randomness(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A key decrypted for signing. The secret key is zeroed in memory when this is dropped.
pub struct UnlockedKey {
    signing: SigningKey,
    public: PublicKey,
    info: KeyInfo,
    binding: Option<crate::eid::Binding>,
}

impl UnlockedKey {
    /// A key from a fixed 32-byte seed, for test vectors and worked examples; real keys come
    /// from `KeyStore::unlock` (with the `fs` feature), [`generate`](Self::generate) or
    /// [`unlock_pem`](Self::unlock_pem).
    pub fn from_seed(
        seed: &[u8; 32],
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        created: DateTime<FixedOffset>,
    ) -> Result<UnlockedKey, KeyError> {
        UnlockedKey::of(
            SigningKey::from_bytes(seed),
            name,
            organisation,
            function,
            created,
        )
    }

    /// A new key from the operating system's randomness (in a browser, the Web Crypto API's),
    /// held in memory only: [`to_encrypted_pem`](Self::to_encrypted_pem) gives its
    /// `secret.pem` and [`info`](Self::info) its `key.json`. (`KeyStore::create` makes and
    /// stores a key in one step.)
    pub fn generate(
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        created: DateTime<FixedOffset>,
    ) -> Result<UnlockedKey, KeyError> {
        field(Some(name)).ok_or(KeyError::MissingName)?;
        UnlockedKey::of(fresh_signing_key()?, name, organisation, function, created)
    }

    /// Decrypts an encrypted PKCS#8 PEM Ed25519 secret key made elsewhere (e.g. by `openssl
    /// genpkey -algorithm ed25519 -aes-256-cbc`), as a new key named `name`: what
    /// `KeyStore::import` does, without storing it.
    pub fn import_pem(
        secret_pem: &str,
        passphrase: &str,
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        created: DateTime<FixedOffset>,
    ) -> Result<UnlockedKey, KeyError> {
        field(Some(name)).ok_or(KeyError::MissingName)?;
        let (secret_pem, block) = crate::eid::split_key_file(secret_pem);
        let signing = unseal(secret_pem, passphrase).map_err(|e| match e {
            Unseal::WrongPassphrase => KeyError::WrongPassphrase {
                what: "the key being imported".into(),
            },
            Unseal::Other(e) => e,
        })?;
        UnlockedKey::of(signing, name, organisation, function, created)?
            .with_block(block, |reason| KeyError::Malformed { reason })
    }

    /// Decrypts a stored key for signing: its `secret.pem` (an encrypted PKCS#8 PEM) with
    /// `passphrase`, as its `key.json` (`info`) describes it.
    ///
    /// [`KeyError::WrongPassphrase`] if the passphrase is wrong; [`KeyError::Malformed`] if
    /// the PEM is not such a key or holds another key than `info`'s fingerprint says.
    pub fn unlock_pem(
        secret_pem: &str,
        passphrase: &str,
        info: KeyInfo,
    ) -> Result<UnlockedKey, KeyError> {
        UnlockedKey::unlock_from(secret_pem, passphrase, info, None)
    }

    /// [`unlock_pem`](Self::unlock_pem), for a PEM offered (`stored` is `None`) or read from
    /// the key store's file `stored`: a stored PEM that is not such a key, or holds another
    /// key than `info`'s fingerprint says, is [`KeyError::Corrupt`], a damaged file.
    pub(crate) fn unlock_from(
        secret_pem: &str,
        passphrase: &str,
        info: KeyInfo,
        stored: Option<&Path>,
    ) -> Result<UnlockedKey, KeyError> {
        let damaged = |reason: String| match stored {
            Some(path) => KeyError::Corrupt {
                path: path.to_path_buf(),
                reason,
            },
            None => KeyError::Malformed { reason },
        };
        let (secret_pem, block) = crate::eid::split_key_file(secret_pem);
        let signing = unseal(secret_pem, passphrase).map_err(|e| match e {
            Unseal::WrongPassphrase => KeyError::WrongPassphrase {
                what: info.described(),
            },
            Unseal::Other(e) if stored.is_some() => damaged(e.to_string()),
            Unseal::Other(e) => e,
        })?;
        let public = PublicKey::from_bytes(signing.verifying_key().as_bytes())?;
        if public.fingerprint() != *info.fingerprint() {
            return Err(damaged(match stored {
                Some(_) => "it holds another key than its fingerprint says".into(),
                None => format!(
                    "the secret key is not {} (it has another fingerprint)",
                    info.described()
                ),
            }));
        }
        UnlockedKey {
            signing,
            public,
            info,
            binding: None,
        }
        .with_block(block, damaged)
    }

    /// The secret key as an encrypted PKCS#8 PEM, the `secret.pem` of a key store (scrypt
    /// and AES-256-CBC, fresh random salt and IV), encrypted with `passphrase` (at least
    /// [`MIN_PASSPHRASE_CHARS`](super::MIN_PASSPHRASE_CHARS) characters, as for a stored key).
    pub fn to_encrypted_pem(&self, passphrase: &str) -> Result<String, KeyError> {
        check_new_passphrase(passphrase)?;
        seal(&self.signing, passphrase)
    }

    /// The key file to keep or carry elsewhere (the browser's): the encrypted PEM of
    /// [`to_encrypted_pem`](Self::to_encrypted_pem), followed by the key's eID binding block
    /// when it is bound ([`crate::eid::key_file`]). [`import_pem`](Self::import_pem) and
    /// [`unlock_pem`](Self::unlock_pem) read both back.
    pub fn to_key_file(&self, passphrase: &str) -> Result<String, KeyError> {
        Ok(crate::eid::key_file(
            &self.to_encrypted_pem(passphrase)?,
            self.binding.as_ref(),
        ))
    }

    /// The key with the binding a key file's block gives, if it has one; `damaged` words the
    /// refusal of one that cannot be read or is not of this key.
    fn with_block(
        self,
        block: Option<&str>,
        damaged: impl Fn(String) -> KeyError,
    ) -> Result<UnlockedKey, KeyError> {
        let Some(block) = block else {
            return Ok(self);
        };
        let binding = crate::eid::Binding::from_pem(block)
            .map_err(|e| damaged(format!("its eID binding: {e}")))?;
        self.with_binding(binding)
            .map_err(|e| damaged(format!("its eID binding: {e}")))
    }

    fn of(
        signing: SigningKey,
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        created: DateTime<FixedOffset>,
    ) -> Result<UnlockedKey, KeyError> {
        let public = PublicKey::from_bytes(signing.verifying_key().as_bytes())?;
        let info = KeyInfo::new(name, organisation, function, created, public.fingerprint())?;
        Ok(UnlockedKey {
            signing,
            public,
            info,
            binding: None,
        })
    }
    /// Signs `message` (Ed25519, RFC 8032): the 64-byte signature.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// The public key.
    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// What the key is for.
    pub fn info(&self) -> &KeyInfo {
        &self.info
    }

    /// The key with its eID binding, which every signature it makes then carries. The
    /// binding must be of this key, and both its signatures must hold.
    pub fn with_binding(
        mut self,
        binding: crate::eid::Binding,
    ) -> Result<UnlockedKey, crate::eid::BindingProblem> {
        binding.check_own(&self.public.to_bytes())?;
        self.binding = Some(binding);
        Ok(self)
    }

    /// Its eID binding, when it has one.
    pub fn binding(&self) -> Option<&crate::eid::Binding> {
        self.binding.as_ref()
    }
}

impl crate::signature::Signer for UnlockedKey {
    fn public_key_bytes(&self) -> [u8; 32] {
        self.public.to_bytes()
    }

    fn sign_message(&self, message: &[u8]) -> [u8; 64] {
        self.sign(message)
    }

    fn seal_key(&self) -> Option<crate::seal::SealKey> {
        self.signing.seal_key()
    }

    fn eid_binding(&self) -> Option<&crate::eid::Binding> {
        self.binding.as_ref()
    }
}

impl fmt::Debug for UnlockedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnlockedKey")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::super::error::BadSignature;
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap()
    }

    /// RFC 8032 section 7.1, test 1.
    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn rfc_key() -> UnlockedKey {
        let seed: [u8; 32] = hex::decode(SEED).unwrap().try_into().unwrap();
        UnlockedKey::from_seed(&seed, "Test", None, None, now()).unwrap()
    }

    #[test]
    fn sign_then_verify_strict() {
        let key = rfc_key();
        // RFC 8032 test 1: the empty message.
        let sig = key.sign(b"");
        assert_eq!(
            hex::encode(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155\
             5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        key.public().verify_strict(b"", &sig).unwrap();
        assert_eq!(key.public().verify_strict(b"x", &sig), Err(BadSignature));
        assert_eq!(
            key.public().verify_strict(b"", &sig[..63]),
            Err(BadSignature)
        );
    }

    proptest::proptest! {
        // Each case signs in an unoptimized build: 64 cases keep this under a second.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        #[test]
        fn public_key_forms_and_signatures_round_trip(seed: [u8; 32], message: Vec<u8>) {
            let key = UnlockedKey::from_seed(&seed, "P", None, None, now()).unwrap();
            let public = *key.public();
            proptest::prop_assert_eq!(PublicKey::from_pem(&public.to_pem()).unwrap(), public);
            proptest::prop_assert_eq!(PublicKey::from_base64(&public.to_base64()).unwrap(), public);
            let sig = key.sign(&message);
            proptest::prop_assert!(public.verify_strict(&message, &sig).is_ok());
            let mut other = message.clone();
            other.push(0);
            proptest::prop_assert!(public.verify_strict(&other, &sig).is_err());
        }
    }

    #[test]
    fn the_rfc_seed_gives_the_rfc_public_key() {
        assert_eq!(hex::encode(rfc_key().public().as_bytes()), PUBLIC);
    }

    #[test]
    fn keys_in_memory_round_trip_through_their_encrypted_pem() {
        let key = UnlockedKey::generate(" Tom Hendrix ", Some("XIS"), None, now()).unwrap();
        assert_eq!(key.info().name(), "Tom Hendrix");
        assert_eq!(key.info().fingerprint(), &key.public().fingerprint());
        assert!(matches!(
            key.to_encrypted_pem("kort"),
            Err(KeyError::WeakPassphrase { .. })
        ));
        let pem = key.to_encrypted_pem("lang genoeg").unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        let back = UnlockedKey::unlock_pem(&pem, "lang genoeg", key.info().clone()).unwrap();
        assert_eq!(back.public(), key.public());
        assert_eq!(back.sign(b"hello"), key.sign(b"hello"));
        let err = UnlockedKey::unlock_pem(&pem, "lang genoeg?", key.info().clone()).unwrap_err();
        assert!(
            err.to_string()
                .contains("wrong passphrase for key Tom Hendrix ("),
            "{err}"
        );
        let other = rfc_key();
        assert!(matches!(
            UnlockedKey::unlock_pem(&pem, "lang genoeg", other.info().clone()),
            Err(KeyError::Malformed { .. })
        ));
        let imported =
            UnlockedKey::import_pem(&pem, "lang genoeg", "Anne", None, None, now()).unwrap();
        assert_eq!(imported.public(), key.public());
        assert_eq!(imported.info().name(), "Anne");
        assert!(matches!(
            UnlockedKey::generate("  ", None, None, now()),
            Err(KeyError::MissingName)
        ));
    }
}
