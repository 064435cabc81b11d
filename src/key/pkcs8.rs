//! Encrypted PKCS#8: how a secret key is sealed with a passphrase, and unsealed.
//!
//! The secret key is **only ever encrypted**, as an encrypted PKCS#8 PEM (`-----BEGIN
//! ENCRYPTED PRIVATE KEY-----`, RFC 5958) that `openssl pkey` reads with the passphrase. The
//! PKCS#8 structure is version 1 with the 32-byte seed as RFC 8410 says, exactly as OpenSSL
//! writes it. It is encrypted with PBES2 (RFC 8018): scrypt as the key-derivation function and
//! AES-256-CBC as the cipher, with a fresh random 16-byte salt and IV per file. The scrypt cost
//! is N = 2^14, r = 8, p = 8 ([`SCRYPT_LOG_N`], [`SCRYPT_R`], [`SCRYPT_P`]): 16 MiB of memory
//! per guess, and 0.3 s to unlock in a release build on a 2-core development machine (0.15 s
//! with p = 4, 0.25 s with p = 6; OpenSSL 3.0 takes about 0.45 s). N and r are the most that
//! OpenSSL 3 reads by default (N = 2^15 exceeds its 32 MiB scrypt memory limit: "memory limit
//! exceeded"), so the cost is raised with p instead.
//!
//! A key made elsewhere is read whatever PBES2 scheme it uses, within a cap on the cost of
//! trying a passphrase ([`MAX_SCRYPT_MEMORY`], [`MAX_SCRYPT_WORK`], [`MAX_PBKDF2_ITERATIONS`]),
//! refused before any of the work.

use ed25519_dalek::SigningKey;
use pkcs8::der::pem::LineEnding;
use pkcs8::pkcs5::{pbes2, scrypt};
use pkcs8::{AlgorithmIdentifierRef, EncryptedPrivateKeyInfo, PrivateKeyInfo};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

use super::error::KeyError;
use super::passphrase::MIN_PASSPHRASE_CHARS;
use super::pem::{algorithm_name, ED25519_OID};

/// scrypt's cost parameter, as a power of two: N = 2^14 (the most OpenSSL 3 reads with r = 8).
pub const SCRYPT_LOG_N: u8 = 14;
/// scrypt's block size r.
pub const SCRYPT_R: u32 = 8;
/// scrypt's parallelism p: raises the time to unlock (to about 0.3 s) without raising the
/// memory past what OpenSSL reads.
pub const SCRYPT_P: u32 = 8;

/// The PEM label of an encrypted PKCS#8 key.
const SECRET_LABEL: &str = "ENCRYPTED PRIVATE KEY";

/// The most memory a key's scrypt may ask for, 128·N·r bytes: 128 MiB (ours takes 16 MiB;
/// the `pkcs8` crate's default, N = 2^17 with r = 8 and p = 1, takes 128 MiB for the same
/// work as ours, and keys made with it must stay usable).
pub const MAX_SCRYPT_MEMORY: u64 = 128 << 20;
/// The most work a key's scrypt may ask for, N·r·p (scrypt mixes 128·N·r·p bytes twice):
/// 2^20, exactly what Tweevoud's own keys ask for ([`SCRYPT_LOG_N`], [`SCRYPT_R`],
/// [`SCRYPT_P`]). Memory, parallelism and iterations are capped together, not one by one: a
/// key at both caps unlocks in the time Tweevoud's own keys take.
pub const MAX_SCRYPT_WORK: u64 = 1 << 20;
/// The most PBKDF2 iterations a key may ask for: 2^16, 32 times what OpenSSL writes (2048). A
/// key imported is stored re-encrypted with Tweevoud's scrypt.
pub const MAX_PBKDF2_ITERATIONS: u32 = 1 << 16;

/// Refuses a passphrase that may not protect a new key: empty, or shorter than
/// [`MIN_PASSPHRASE_CHARS`] characters. (The [`passphrase_strength`](super::passphrase_strength) hint asks
/// for more.)
pub fn check_new_passphrase(passphrase: &str) -> Result<(), KeyError> {
    let n = passphrase.chars().count();
    if n == 0 {
        return Err(KeyError::WeakPassphrase {
            reason: "the passphrase is empty, and a key needs one".into(),
        });
    }
    if n < MIN_PASSPHRASE_CHARS {
        return Err(KeyError::WeakPassphrase {
            reason: format!("the passphrase has only {n} characters"),
        });
    }
    Ok(())
}

/// Why a PEM secret key could not be decrypted (before the caller adds which file).
pub(super) enum Unseal {
    /// The passphrase does not decrypt it.
    WrongPassphrase,
    /// Anything else: the PEM is not such a key, or is sealed in a way not read.
    Other(KeyError),
}

fn malformed(reason: impl Into<String>) -> Unseal {
    Unseal::Other(KeyError::Malformed {
        reason: reason.into(),
    })
}

/// Encrypts the key's 32-byte seed as an encrypted PKCS#8 v1 PEM (see the module docs).
pub(super) fn seal(signing: &SigningKey, passphrase: &str) -> Result<String, KeyError> {
    // PrivateKeyInfo.privateKey is an OCTET STRING holding CurvePrivateKey, itself an
    // OCTET STRING of the 32-byte seed (RFC 8410 section 7).
    let mut inner = Zeroizing::new([0u8; 34]);
    inner[0] = 0x04;
    inner[1] = 0x20;
    inner[2..].copy_from_slice(signing.as_bytes());
    let info = PrivateKeyInfo::new(
        AlgorithmIdentifierRef {
            oid: ED25519_OID,
            parameters: None,
        },
        &inner[..],
    );
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut salt)
        .and_then(|()| OsRng.try_fill_bytes(&mut iv))
        .map_err(|e| KeyError::Randomness(e.to_string()))?;
    let cost =
        scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, 32).expect("valid scrypt parameters");
    let params =
        pbes2::Parameters::scrypt_aes256cbc(cost, &salt, &iv).expect("valid PBES2 parameters");
    let encrypted = info
        .encrypt_with_params(params, passphrase.as_bytes())
        .map_err(|e| KeyError::Malformed {
            reason: format!("cannot encrypt the key ({e})"),
        })?;
    let pem = encrypted
        .to_pem(SECRET_LABEL, LineEnding::LF)
        .map_err(|e| KeyError::Malformed {
            reason: format!("cannot encode the key ({e})"),
        })?;
    Ok(pem.to_string())
}

/// Refuses KDF parameters that would take more memory or time than Tweevoud spends on trying
/// a passphrase (`docs/format.md`, "Keys and fingerprints"), from the parameters alone, before
/// any of the work.
fn check_kdf(params: &pbes2::Parameters<'_>) -> Result<(), Unseal> {
    let costly = |reason: String| Unseal::Other(KeyError::KdfTooCostly { reason });
    if let Some(s) = params.kdf.scrypt() {
        let (n, r, p) = (
            s.cost_parameter,
            u64::from(s.block_size),
            u64::from(s.parallelization),
        );
        let memory = 128u64.saturating_mul(n).saturating_mul(r);
        let work = n.saturating_mul(r).saturating_mul(p);
        if memory > MAX_SCRYPT_MEMORY || work > MAX_SCRYPT_WORK {
            return Err(costly(format!(
                "scrypt with N = {n}, r = {r}, p = {p}: 128·N·r must be at most {MAX_SCRYPT_MEMORY} \
                 bytes and N·r·p at most {MAX_SCRYPT_WORK}"
            )));
        }
    }
    if let Some(p) = params.kdf.pbkdf2() {
        if p.iteration_count > MAX_PBKDF2_ITERATIONS {
            return Err(costly(format!(
                "PBKDF2 with {} iterations: at most {MAX_PBKDF2_ITERATIONS}",
                p.iteration_count
            )));
        }
    }
    Ok(())
}

/// Decrypts an encrypted PKCS#8 PEM Ed25519 secret key.
pub(super) fn unseal(pem: &str, passphrase: &str) -> Result<SigningKey, Unseal> {
    let (label, doc) = pkcs8::SecretDocument::from_pem(pem.trim())
        .map_err(|e| malformed(format!("not a PEM file ({e})")))?;
    match label {
        SECRET_LABEL => {}
        "PRIVATE KEY" => return Err(Unseal::Other(KeyError::NotEncrypted)),
        "PUBLIC KEY" => {
            return Err(malformed(
                "this is a public key; a secret key (\"ENCRYPTED PRIVATE KEY\") is needed",
            ))
        }
        other => {
            return Err(malformed(format!(
                "a PEM \"{other}\", not an \"ENCRYPTED PRIVATE KEY\" (PKCS#8)"
            )))
        }
    }
    let epki = EncryptedPrivateKeyInfo::try_from(doc.as_bytes())
        .map_err(|e| malformed(format!("not an encrypted PKCS#8 key ({e})")))?;
    let scheme = &epki.encryption_algorithm;
    let Some(pbes2) = scheme.pbes2() else {
        return Err(Unseal::Other(KeyError::UnsupportedEncryption {
            reason: format!("the old PBES1 scheme {}", scheme.oid()),
        }));
    };
    check_kdf(pbes2)?;
    let mut buffer = Zeroizing::new(epki.encrypted_data.to_vec());
    let plain = scheme
        .decrypt_in_place(passphrase.as_bytes(), &mut buffer)
        .map_err(|e| match e {
            pkcs8::pkcs5::Error::DecryptFailed | pkcs8::pkcs5::Error::EncryptFailed => {
                Unseal::WrongPassphrase
            }
            other => Unseal::Other(KeyError::UnsupportedEncryption {
                reason: other.to_string(),
            }),
        })?;
    // A wrong passphrase gives random bytes, whose padding is valid one time in 256: what
    // does not parse is a wrong passphrase too.
    let info = PrivateKeyInfo::try_from(plain).map_err(|_| Unseal::WrongPassphrase)?;
    if info.algorithm.oid != ED25519_OID {
        return Err(Unseal::Other(KeyError::NotEd25519 {
            algorithm: algorithm_name(info.algorithm.oid),
        }));
    }
    let seed: &[u8; 32] = match info.private_key {
        [0x04, 0x20, seed @ ..] => seed
            .try_into()
            .map_err(|_| malformed("the Ed25519 secret key is not 32 bytes"))?,
        _ => return Err(malformed("the Ed25519 secret key is not 32 bytes")),
    };
    let signing = SigningKey::from_bytes(seed);
    if let Some(public) = info.public_key {
        if public != signing.verifying_key().as_bytes() {
            return Err(malformed(
                "the public key inside does not belong to the secret key",
            ));
        }
    }
    Ok(signing)
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use super::*;

    #[test]
    fn seal_unseal_round_trip_and_wrong_passphrase() {
        // RFC 8032 section 7.1, test 1.
        let seed: [u8; 32] =
            hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .unwrap()
                .try_into()
                .unwrap();
        let signing = SigningKey::from_bytes(&seed);
        let pem = seal(&signing, "correct horse battery").unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        assert!(
            !pem.contains(&base64::engine::general_purpose::STANDARD.encode(signing.as_bytes()))
        );
        let back = unseal(&pem, "correct horse battery").ok().unwrap();
        assert_eq!(back.as_bytes(), signing.as_bytes());
        assert!(matches!(
            unseal(&pem, "correct horse battery!"),
            Err(Unseal::WrongPassphrase)
        ));
    }

    #[test]
    fn new_passphrases_need_eight_characters() {
        assert!(matches!(
            check_new_passphrase(""),
            Err(KeyError::WeakPassphrase { .. })
        ));
        assert!(matches!(
            check_new_passphrase("1234567"),
            Err(KeyError::WeakPassphrase { .. })
        ));
        check_new_passphrase("12345678").unwrap();
        // Characters, not bytes.
        assert!(check_new_passphrase("ééééééé").is_err());
    }
}
