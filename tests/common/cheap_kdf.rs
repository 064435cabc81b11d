//! A profile's secret keys sealed again with a cheap KDF, for tests that start the binary
//! hundreds of times with the same profile (the crash trials): each start unlocks the key,
//! and at Tweevoud's own cost (scrypt N = 2^14, r = 8, p = 8) that is a third of a second of
//! CPU. The key, the passphrase and the format stay the same; only the scrypt cost drops to
//! N = 2^10, r = 8, p = 1, which the reader accepts as it accepts any cost under its caps.
//! What such tests check (the archive's behaviour) does not depend on the KDF's cost.

use std::fs;
use std::path::Path;

use pkcs8::der::pem::LineEnding;
use pkcs8::pkcs5::{pbes2, scrypt};
use pkcs8::EncryptedPrivateKeyInfo;

/// Seals every `keys/*/secret.pem` of the profile in `data_dir` again, with the same
/// `passphrase` and a cheap scrypt.
pub fn reseal_cheaply(data_dir: &Path, passphrase: &str) {
    let mut resealed = 0;
    for entry in fs::read_dir(data_dir.join("keys")).expect("the profile has keys") {
        let secret = entry.unwrap().path().join("secret.pem");
        let Ok(pem) = fs::read_to_string(&secret) else {
            continue;
        };
        let (label, der) = pkcs8::der::pem::decode_vec(pem.as_bytes()).expect("a PEM secret key");
        let encrypted =
            EncryptedPrivateKeyInfo::try_from(der.as_slice()).expect("encrypted PKCS#8");
        let plain = encrypted
            .decrypt(passphrase)
            .expect("the passphrase unlocks it");
        let cost = scrypt::Params::new(10, 8, 1, 32).unwrap();
        let params = pbes2::Parameters::scrypt_aes256cbc(cost, &[7u8; 16], &[9u8; 16]).unwrap();
        let again = pkcs8::PrivateKeyInfo::try_from(plain.as_bytes())
            .expect("a PKCS#8 key")
            .encrypt_with_params(params, passphrase)
            .expect("sealed again");
        let pem = pkcs8::der::pem::encode_string(label, LineEnding::LF, again.as_bytes()).unwrap();
        fs::write(&secret, pem).unwrap();
        resealed += 1;
    }
    assert!(resealed > 0, "no secret key in {}", data_dir.display());
}

/// A PKCS #8 secret key (`plain`, DER) sealed with `passphrase` under the same cheap scrypt,
/// as an encrypted PEM (`ENCRYPTED PRIVATE KEY`): a key that tests store without paying
/// Tweevoud's own KDF cost even once.
pub fn sealed_cheaply(plain: &[u8], passphrase: &str) -> String {
    let cost = scrypt::Params::new(10, 8, 1, 32).unwrap();
    let params = pbes2::Parameters::scrypt_aes256cbc(cost, &[7u8; 16], &[9u8; 16]).unwrap();
    let sealed = pkcs8::PrivateKeyInfo::try_from(plain)
        .expect("a PKCS#8 key")
        .encrypt_with_params(params, passphrase)
        .expect("sealed");
    pkcs8::der::pem::encode_string("ENCRYPTED PRIVATE KEY", LineEnding::LF, sealed.as_bytes())
        .unwrap()
}
