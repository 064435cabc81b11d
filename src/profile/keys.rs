//! The key store: the profile's signing keys on disk, one directory `keys/<fingerprint-hex>/`
//! each:
//!
//! - `secret.pem`: the secret key, **only ever encrypted**, as an encrypted PKCS#8 PEM that
//!   `openssl pkey` reads with the passphrase (scrypt and AES-256-CBC, see
//!   [`crate::key::SCRYPT_LOG_N`] and the `key` module). Mode 0600.
//! - `public.pem`: the public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
//! - `key.json`: what the key is for ([`KeyInfo`]): name, organisation, function, creation
//!   time and fingerprint. Written last: a directory without it is an unfinished key and is
//!   ignored.
//! - `eid-binding.json`: the key's binding to its owner's eID ([`crate::eid::Binding`], its
//!   canonical JSON), when the key was bound ([`KeyStore::bind`]); every signature the key
//!   makes then carries it.
//!
//! Every file is written atomically (a reader never sees half a file) in a directory that is
//! private to the user (mode 0700).
//!
//! An imported key ([`KeyStore::import`]) is decrypted to check the passphrase and learn the
//! public key, then stored **re-encrypted** with the same passphrase under Tweevoud's own
//! parameters, so that every stored key has the same, documented cost whatever the source used
//! (OpenSSL's own default, PBKDF2 with 2048 iterations, is cheap to guess).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use zeroize::Zeroizing;

use super::select::{select, Selection};
use super::Profile;
use crate::fsutil::{create_private_dir, read_limited, write_atomic, write_atomic_private};
use crate::key::{
    check_new_passphrase, field, Fingerprint, KeyError, KeyInfo, PublicKey, UnlockedKey,
    MAX_PEM_BYTES,
};

/// The largest key metadata file (`key.json`) read: a name, an organisation, a function and
/// a few dates.
const MAX_METADATA_BYTES: u64 = 64 << 10;

const SECRET_FILE: &str = "secret.pem";
const PUBLIC_FILE: &str = "public.pem";
const META_FILE: &str = "key.json";
const BINDING_FILE: &str = "eid-binding.json";

/// Reads a PEM key file (public or secret) of at most [`MAX_PEM_BYTES`], as UTF-8 text in
/// memory that is wiped when dropped. A larger file, or one that never ends, is refused
/// before it is read.
pub fn read_pem_file(path: &Path) -> Result<Zeroizing<String>, KeyError> {
    read_text(path, MAX_PEM_BYTES)
}

/// A small text file of the key store, or one offered as a key: at most `limit` bytes.
fn read_text(path: &Path, limit: u64) -> Result<Zeroizing<String>, KeyError> {
    let bytes = Zeroizing::new(read_limited(path, limit).map_err(io_error(path))?);
    let text = std::str::from_utf8(&bytes).map_err(|_| KeyError::Io {
        path: path.to_path_buf(),
        source: io::Error::new(io::ErrorKind::InvalidData, "it is not text (UTF-8)"),
    })?;
    Ok(Zeroizing::new(text.to_string()))
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where one stored key's files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPaths {
    /// The key's directory, `keys/<fingerprint-hex>`.
    pub dir: PathBuf,
    /// The encrypted secret key.
    pub secret: PathBuf,
    /// The public key.
    pub public: PathBuf,
    /// The metadata.
    pub metadata: PathBuf,
    /// The key's eID binding, when it was bound.
    pub binding: PathBuf,
}

/// The signing keys of a profile (see the module docs for the layout).
#[derive(Debug, Clone)]
pub struct KeyStore {
    dir: PathBuf,
}

impl KeyStore {
    /// The key store of `profile`. Nothing is read or created until it is used.
    pub fn open(profile: &Profile) -> KeyStore {
        KeyStore {
            dir: profile.keys_dir(),
        }
    }

    /// The keys directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the files of the key with this fingerprint are (whether or not it exists).
    pub fn paths(&self, fingerprint: &Fingerprint) -> KeyPaths {
        let dir = self.dir.join(fingerprint.hex());
        KeyPaths {
            secret: dir.join(SECRET_FILE),
            public: dir.join(PUBLIC_FILE),
            metadata: dir.join(META_FILE),
            binding: dir.join(BINDING_FILE),
            dir,
        }
    }

    /// Makes a new key from the operating system's randomness and stores it, the secret key
    /// encrypted with `passphrase` (at least [`crate::key::MIN_PASSPHRASE_CHARS`]
    /// characters).
    pub fn create(
        &self,
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        passphrase: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<KeyInfo, KeyError> {
        field(Some(name)).ok_or(KeyError::MissingName)?;
        check_new_passphrase(passphrase)?;
        let key = UnlockedKey::generate(name, organisation, function, now)?;
        self.store(&key, passphrase)
    }

    /// Imports an encrypted PKCS#8 PEM Ed25519 secret key made elsewhere (e.g. by `openssl
    /// genpkey -algorithm ed25519 -aes-256-cbc`). It is decrypted with `passphrase` to check
    /// the passphrase and learn the public key, then stored re-encrypted with the same
    /// passphrase under this store's KDF parameters (see the module docs).
    pub fn import(
        &self,
        secret_pem: &str,
        passphrase: &str,
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> Result<KeyInfo, KeyError> {
        let key =
            UnlockedKey::import_pem(secret_pem, passphrase, name, organisation, function, now)?;
        check_new_passphrase(passphrase)?;
        let fingerprint = key.public().fingerprint();
        if let Some(existing) = self.find(&fingerprint)? {
            return Err(KeyError::AlreadyExists {
                existing: format!("{} ({})", existing.display_name(), fingerprint.short()),
            });
        }
        self.store(&key, passphrase)
    }

    /// Writes `key`'s three files (and its eID binding when it has one), its secret encrypted
    /// with `passphrase`; `key.json` last.
    fn store(&self, key: &UnlockedKey, passphrase: &str) -> Result<KeyInfo, KeyError> {
        let info = key.info();
        let paths = self.paths(info.fingerprint());
        let secret_pem = key.to_encrypted_pem(passphrase)?;
        create_private_dir(&paths.dir).map_err(io_error(&paths.dir))?;
        write_atomic_private(&paths.secret, secret_pem.as_bytes())
            .map_err(io_error(&paths.secret))?;
        write_atomic(&paths.public, key.public().to_pem().as_bytes())
            .map_err(io_error(&paths.public))?;
        if let Some(binding) = key.binding() {
            write_atomic(&paths.binding, binding.to_json().as_bytes())
                .map_err(io_error(&paths.binding))?;
        }
        let mut json = serde_json::to_string_pretty(info).expect("key metadata serializes");
        json.push('\n');
        write_atomic(&paths.metadata, json.as_bytes()).map_err(io_error(&paths.metadata))?;
        Ok(info.clone())
    }

    /// Every stored key, oldest first.
    pub fn list(&self) -> Result<Vec<KeyInfo>, KeyError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error(&self.dir)(e)),
        };
        let mut keys = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io_error(&self.dir))?;
            let Ok(fingerprint) = entry.file_name().to_string_lossy().parse::<Fingerprint>() else {
                continue;
            };
            if let Some(info) = self.find(&fingerprint)? {
                keys.push(info);
            }
        }
        keys.sort_by(|a, b| (a.created(), a.name()).cmp(&(b.created(), b.name())));
        Ok(keys)
    }

    /// The key with exactly this fingerprint, if stored.
    pub fn find(&self, fingerprint: &Fingerprint) -> Result<Option<KeyInfo>, KeyError> {
        let path = self.paths(fingerprint).metadata;
        let text = match read_limited(&path, MAX_METADATA_BYTES).and_then(|b| {
            String::from_utf8(b).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        }) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&path)(e)),
        };
        let info: KeyInfo = serde_json::from_str(&text).map_err(|e| KeyError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if info.fingerprint() != fingerprint {
            return Err(KeyError::Corrupt {
                path,
                reason: "its fingerprint is not the directory's".into(),
            });
        }
        Ok(Some(info))
    }

    /// The key that `selector` names: a fingerprint (grouped or not), a unique prefix of one
    /// of at least 8 hex digits, or a unique name (exact, else ignoring case).
    pub fn get(&self, selector: &str) -> Result<KeyInfo, KeyError> {
        let keys = self.list()?;
        match select(&keys, selector, |k| k.fingerprint(), |k| k.name()) {
            Selection::One(info) => Ok(info.clone()),
            Selection::Many(matches) => Err(KeyError::Ambiguous {
                selector: selector.into(),
                candidates: matches
                    .iter()
                    .map(|k| format!("{} {}", k.name(), k.fingerprint().short()))
                    .collect(),
            }),
            Selection::None => Err(KeyError::NotFound {
                selector: selector.into(),
                dir: self.dir.clone(),
            }),
        }
    }

    /// The key to use where none was named: the profile's only key. [`KeyError::NoKey`] when
    /// it holds none, [`KeyError::KeyToChoose`] (naming them) when it holds several.
    pub fn only(&self) -> Result<KeyInfo, KeyError> {
        let mut keys = self.list()?;
        match keys.len() {
            0 => Err(KeyError::NoKey {
                dir: self.dir.clone(),
            }),
            1 => Ok(keys.remove(0)),
            _ => Err(KeyError::KeyToChoose {
                candidates: keys
                    .iter()
                    .map(|k| format!("{} {}", k.name(), k.fingerprint().short()))
                    .collect(),
            }),
        }
    }

    /// The public key of a stored key, checked against its fingerprint.
    pub fn public_key(&self, info: &KeyInfo) -> Result<PublicKey, KeyError> {
        let path = self.paths(info.fingerprint()).public;
        let pem = read_pem_file(&path)?;
        let key = PublicKey::from_pem(&pem).map_err(|e| KeyError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if key.fingerprint() != *info.fingerprint() {
            return Err(KeyError::Corrupt {
                path,
                reason: "it holds another key than its fingerprint says".into(),
            });
        }
        Ok(key)
    }

    /// The public key that `selector` names, as SPKI PEM: what to give the other party;
    /// followed by the key's eID binding block when it is bound ([`crate::eid::key_file`]).
    pub fn export_public(&self, selector: &str) -> Result<String, KeyError> {
        let info = self.get(selector)?;
        let pem = self.public_key(&info)?.to_pem();
        Ok(crate::eid::key_file(&pem, self.binding(&info)?.as_ref()))
    }

    /// Decrypts the secret key that `selector` names, for signing.
    ///
    /// [`KeyError::WrongPassphrase`] if the passphrase is wrong; [`KeyError::Corrupt`] if the
    /// file is damaged or holds another key than its fingerprint says.
    pub fn unlock(&self, selector: &str, passphrase: &str) -> Result<UnlockedKey, KeyError> {
        let info = self.get(selector)?;
        let path = self.paths(info.fingerprint()).secret;
        let pem = read_pem_file(&path)?;
        let binding = self.binding(&info)?;
        let key = UnlockedKey::unlock_from(&pem, passphrase, info, Some(&path))?;
        match binding {
            Some(binding) => key.with_binding(binding).map_err(|e| KeyError::Corrupt {
                path: path.with_file_name(BINDING_FILE),
                reason: e.to_string(),
            }),
            None => Ok(key),
        }
    }

    /// The eID binding kept with a stored key, if it was bound: read within its limits, of
    /// this key, both its signatures holding ([`KeyError::Corrupt`] otherwise).
    pub fn binding(&self, info: &KeyInfo) -> Result<Option<crate::eid::Binding>, KeyError> {
        let path = self.paths(info.fingerprint()).binding;
        let bytes = match read_limited(&path, crate::eid::MAX_BINDING_BYTES as u64) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&path)(e)),
        };
        let corrupt = |reason: String| KeyError::Corrupt {
            path: path.clone(),
            reason,
        };
        let text = String::from_utf8(bytes).map_err(|e| corrupt(e.to_string()))?;
        let binding = crate::eid::Binding::from_json(&text).map_err(|e| corrupt(e.to_string()))?;
        binding
            .check_own(&self.public_key(info)?.to_bytes())
            .map_err(|e| corrupt(e.to_string()))?;
        Ok(Some(binding))
    }

    /// Keeps the eID binding of `key` (made by [`crate::eid::Binding::make`], given it by
    /// [`UnlockedKey::with_binding`], which checked that it is of this key and that both its
    /// signatures hold) with the stored key, in place of any it had. From then on every
    /// signature the key makes carries it. A key without a binding is left as it is.
    pub fn bind(&self, key: &UnlockedKey) -> Result<(), KeyError> {
        let Some(binding) = key.binding() else {
            return Ok(());
        };
        let info = self
            .find(&key.public().fingerprint())?
            .ok_or_else(|| KeyError::NotFound {
                selector: key.public().fingerprint().to_string(),
                dir: self.dir.clone(),
            })?;
        let path = self.paths(info.fingerprint()).binding;
        write_atomic(&path, binding.to_json().as_bytes()).map_err(io_error(&path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap()
    }

    #[test]
    fn a_stored_key_unlocks_from_its_files_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(&Profile::at(dir.path()));
        let info = store
            .create("Tom", None, None, "lang genoeg", now())
            .unwrap();
        let paths = store.paths(info.fingerprint());
        let pem = fs::read_to_string(&paths.secret).unwrap();
        let json: KeyInfo =
            serde_json::from_str(&fs::read_to_string(&paths.metadata).unwrap()).unwrap();
        let key = UnlockedKey::unlock_pem(&pem, "lang genoeg", json).unwrap();
        assert_eq!(key.info(), &info);
        assert_eq!(Some(*key.public()), store.public_key(&info).ok());
    }

    #[test]
    fn store_create_get_unlock() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(&Profile::at(dir.path()));
        assert!(store.list().unwrap().is_empty());
        let info = store
            .create(
                "Tom Hendrix",
                Some("XIS"),
                Some("CEO"),
                "lang genoeg",
                now(),
            )
            .unwrap();
        assert_eq!(info.display_name(), "Tom Hendrix (XIS)");
        assert_eq!(store.list().unwrap(), vec![info.clone()]);
        assert_eq!(store.get("Tom Hendrix").unwrap(), info);
        assert_eq!(store.get("tom hendrix").unwrap(), info);
        assert_eq!(store.get(&info.fingerprint().short()).unwrap(), info);
        assert_eq!(store.get(&info.fingerprint().to_string()).unwrap(), info);
        assert!(matches!(store.get("Anne"), Err(KeyError::NotFound { .. })));
        let unlocked = store.unlock("Tom Hendrix", "lang genoeg").unwrap();
        let sig = unlocked.sign(b"hello");
        store
            .public_key(&info)
            .unwrap()
            .verify_strict(b"hello", &sig)
            .unwrap();
        let err = store.unlock("Tom Hendrix", "lang genoeg?").unwrap_err();
        assert!(matches!(err, KeyError::WrongPassphrase { .. }));
        let message = err.to_string();
        assert!(
            message.contains("wrong passphrase for key Tom Hendrix ("),
            "{message}"
        );
        assert!(message.contains(&info.fingerprint().short()), "{message}");
    }

    #[test]
    fn fail_damaged_secret_is_not_a_wrong_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(&Profile::at(dir.path()));
        let info = store
            .create("Tom", None, None, "lang genoeg", now())
            .unwrap();
        let path = store.paths(info.fingerprint()).secret;
        fs::write(
            &path,
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
        )
        .unwrap();
        assert!(matches!(
            store.unlock("Tom", "lang genoeg"),
            Err(KeyError::Corrupt { .. })
        ));
    }
}
