//! What the browser keeps: its own signing keys, only ever encrypted, and its contacts. This
//! is the browser edition's [`Place`]: no archive.
//!
//! It is kept as one JSON text ([`Store::saved`]) that the page persists and hands back to
//! the next [`WebDesk`](crate::commands::WebDesk):
//!
//! ```json
//! {
//!   "format": "tweevoud-web-saved/1",
//!   "keys": [{
//!     "name": "Tom Hendrix", "organisation": "...", "function": "CEO",
//!     "created": "2026-11-23T10:00:00+01:00", "fingerprint": "<64 hex digits>",
//!     "public_key": "-----BEGIN PUBLIC KEY-----\n...",
//!     "secret_key": "-----BEGIN ENCRYPTED PRIVATE KEY-----\n..."
//!   }],
//!   "contacts": [{ "name": "...", "organisation": "...", "public_key": "-----BEGIN PUBLIC KEY-----\n...",
//!     "fingerprint": "...", "added": "...", "verified": null }]
//! }
//! ```
//!
//! A key is what the desktop's key store holds in `key.json` (name, organisation, function,
//! created, fingerprint), `public.pem` and `secret.pem` (the encrypted PKCS#8 PEM, scrypt and
//! AES-256-CBC, that `openssl pkey` reads); a contact is the desktop's contact file. Nothing
//! secret is in it in the clear, and no passphrase.
//!
//! What it holds grants trust (own keys, contacts marked verified) and is taken as it is: the
//! page must keep it only where no other page can write. ui/web.js keeps it in the browser
//! only when the page is served over http(s) from an origin of its own; opened from disk
//! (`file:`), where every local page shares the storage, it keeps nothing and starts each
//! visit from `""` (web/README.md, "What the browser keeps").

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use tweevoud::contact::{Added, ContactError};
use tweevoud::key::{Fingerprint, KeyError, KeyInfo, PublicKey, UnlockedKey};
use tweevoud::{Agreement, Contact, Keyring, Known};
use tweevoud_desk::Place;

use crate::error::WebError;

/// The format of what the browser keeps.
const FORMAT: &str = "tweevoud-web-saved/1";

/// The first line of an encrypted PKCS#8 PEM: the only form a secret key is kept in.
const ENCRYPTED_PEM: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----";

/// Where a key or contact was looked for, for the core's "not found" messages.
fn here() -> PathBuf {
    PathBuf::from("this browser")
}

/// One of the browser's own signing keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct OwnKey {
    /// Its `key.json`.
    #[serde(flatten)]
    info: KeyInfo,
    /// Its public key, as SPKI PEM.
    #[serde(with = "public_pem")]
    public_key: PublicKey,
    /// Its secret key, as an encrypted PKCS#8 PEM.
    secret_key: String,
}

mod public_pem {
    use serde::{Deserialize, Deserializer, Serializer};
    use tweevoud::key::PublicKey;

    pub fn serialize<S: Serializer>(key: &PublicKey, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&key.to_pem())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PublicKey, D::Error> {
        PublicKey::from_pem(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// What the browser keeps, as saved.
#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    format: String,
    keys: Vec<OwnKey>,
    contacts: Vec<Contact>,
}

/// The browser's keys and contacts.
#[derive(Debug, Default)]
pub struct Store {
    keys: Vec<OwnKey>,
    /// The keys' `key.json` (oldest first) and the contacts (by name): who signers are here.
    known: Known,
}

/// A key or contact that `selector` names: its fingerprint (grouped or not), a unique prefix
/// of it of at least 8 hex digits, or a unique name (exact, else ignoring case). `Err` holds
/// the names of several that match.
fn select<'a, T>(
    items: &'a [T],
    selector: &str,
    fingerprint: impl Fn(&T) -> &Fingerprint,
    name: impl Fn(&T) -> &str,
) -> Result<Option<&'a T>, Vec<String>> {
    let pick = |keep: &dyn Fn(&T) -> bool| -> Result<Option<&'a T>, Vec<String>> {
        let found: Vec<&'a T> = items.iter().filter(|t| keep(t)).collect();
        match found[..] {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            _ => Err(found
                .iter()
                .map(|t| format!("{} {}", name(t), fingerprint(t).short()))
                .collect()),
        }
    };
    let digits: String = selector.chars().filter(|c| !c.is_whitespace()).collect();
    if (8..=64).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_hexdigit()) {
        let prefix = digits.to_ascii_lowercase();
        if let Some(found) = pick(&|t| fingerprint(t).hex().starts_with(&prefix))? {
            return Ok(Some(found));
        }
    }
    let wanted = selector.trim();
    if let Some(found) = pick(&|t| name(t) == wanted)? {
        return Ok(Some(found));
    }
    let folded = wanted.to_lowercase();
    pick(&|t| name(t).to_lowercase() == folded)
}

impl Store {
    /// What [`saved`](Self::saved) gave, read back; `""` is a browser that kept nothing.
    pub fn load(saved: &str) -> Result<Store, WebError> {
        if saved.trim().is_empty() {
            return Ok(Store::default());
        }
        let unreadable = |detail: String| WebError::SavedUnreadable { detail };
        let saved: Saved = serde_json::from_str(saved).map_err(|e| unreadable(e.to_string()))?;
        if saved.format != FORMAT {
            return Err(unreadable(format!(
                "its format is {:?}, not {FORMAT:?}",
                saved.format
            )));
        }
        for key in &saved.keys {
            if key.public_key.fingerprint() != *key.info.fingerprint() {
                return Err(unreadable(format!(
                    "the key {} holds another public key than its fingerprint says",
                    key.info.name()
                )));
            }
            if !key.secret_key.trim_start().starts_with(ENCRYPTED_PEM) {
                return Err(unreadable(format!(
                    "the key {} is not kept encrypted",
                    key.info.name()
                )));
            }
            // A binding kept after the key must be of this key, both its signatures holding:
            // what the page saved is read again as any other input.
            if let Some(block) = tweevoud::eid::split_key_file(&key.secret_key).1 {
                tweevoud::eid::Binding::from_pem(block)
                    .and_then(|b| b.check_own(key.public_key.as_bytes()))
                    .map_err(|e| {
                        unreadable(format!(
                            "the eID binding of the key {}: {e}",
                            key.info.name()
                        ))
                    })?;
            }
        }
        for contact in &saved.contacts {
            if contact.public_key().fingerprint() != *contact.fingerprint() {
                return Err(unreadable(format!(
                    "the contact {} holds another public key than its fingerprint says",
                    contact.name()
                )));
            }
        }
        let mut store = Store {
            keys: saved.keys,
            known: Known {
                own: Vec::new(),
                contacts: saved.contacts,
            },
        };
        store.sort();
        Ok(store)
    }

    /// What to keep: the keys (secret keys encrypted) and the contacts, as JSON.
    pub fn saved(&self) -> String {
        serde_json::to_string(&Saved {
            format: FORMAT.to_string(),
            keys: self.keys.clone(),
            contacts: self.known.contacts.clone(),
        })
        .expect("what the browser keeps serializes")
    }

    /// Keys oldest first, contacts by name, as the desktop lists them; the keyring follows.
    fn sort(&mut self) {
        self.keys.sort_by(|a, b| {
            (a.info.created(), a.info.name()).cmp(&(b.info.created(), b.info.name()))
        });
        self.known.own = self.keys.iter().map(|k| k.info.clone()).collect();
        self.known
            .contacts
            .sort_by(|a, b| (a.name(), a.added()).cmp(&(b.name(), b.added())));
    }

    /// The own key `selector` names.
    fn key(&self, selector: &str) -> Result<&OwnKey, KeyError> {
        match select(
            &self.keys,
            selector,
            |k| k.info.fingerprint(),
            |k| k.info.name(),
        ) {
            Ok(Some(key)) => Ok(key),
            Ok(None) => Err(KeyError::NotFound {
                selector: selector.to_string(),
                dir: here(),
            }),
            Err(candidates) => Err(KeyError::Ambiguous {
                selector: selector.to_string(),
                candidates,
            }),
        }
    }

    /// What the own key `selector` names is for.
    pub fn key_info(&self, selector: &str) -> Result<&KeyInfo, KeyError> {
        Ok(&self.key(selector)?.info)
    }

    /// The secret key of the own key `selector` names, as kept: an encrypted PKCS#8 PEM.
    pub fn secret_pem(&self, selector: &str) -> Result<&str, KeyError> {
        Ok(&self.key(selector)?.secret_key)
    }

    /// Keeps `key`, its secret encrypted with `passphrase` (at least 8 characters) as the
    /// desktop's key store encrypts it. A key kept already is refused, as the desktop does.
    pub fn add_key(&mut self, key: &UnlockedKey, passphrase: &str) -> Result<KeyInfo, KeyError> {
        let fingerprint = key.public().fingerprint();
        if let Some(existing) = self
            .keys
            .iter()
            .find(|k| *k.info.fingerprint() == fingerprint)
        {
            return Err(KeyError::AlreadyExists {
                existing: format!("{} ({})", existing.info.display_name(), fingerprint.short()),
            });
        }
        // The key file, as the browser gives it back: the encrypted PEM, then the key's eID
        // binding when it is bound, so that the binding stays with the key (every signature
        // the key makes carries it) and leaves with it in the key files.
        let secret_key = key.to_key_file(passphrase)?;
        self.keys.push(OwnKey {
            info: key.info().clone(),
            public_key: *key.public(),
            secret_key,
        });
        self.sort();
        Ok(key.info().clone())
    }

    /// The contacts, by name.
    pub fn contacts(&self) -> &[Contact] {
        &self.known.contacts
    }
}

/// The browser as a place to work: its keys, its contacts, no archive, no TSA (the page
/// sends nothing anywhere).
impl Place for Store {
    fn keys(&self) -> Result<Vec<KeyInfo>, KeyError> {
        Ok(self.known.own.clone())
    }

    fn key_info(&self, selector: &str) -> Result<KeyInfo, KeyError> {
        Store::key_info(self, selector).cloned()
    }

    fn unlock(&self, selector: &str, passphrase: &str) -> Result<UnlockedKey, KeyError> {
        let key = self.key(selector)?;
        UnlockedKey::unlock_pem(&key.secret_key, passphrase, key.info.clone())
    }

    /// The public key file, with the key's eID binding when it is bound, as the desktop's
    /// export gives it (a contact who imports it gets the binding too).
    fn public_pem(&self, selector: &str) -> Result<String, KeyError> {
        let key = self.key(selector)?;
        let binding = tweevoud::eid::split_key_file(&key.secret_key)
            .1
            .map(tweevoud::eid::Binding::from_pem)
            .transpose()
            .map_err(|e| KeyError::Malformed {
                reason: format!("the key's eID binding, as kept: {e}"),
            })?;
        Ok(tweevoud::eid::key_file(
            &key.public_key.to_pem(),
            binding.as_ref(),
        ))
    }

    /// As the desktop's key store: the name first, then the passphrase.
    fn create_key(
        &mut self,
        name: &str,
        organisation: &str,
        function: &str,
        passphrase: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<KeyInfo, KeyError> {
        if name.trim().is_empty() {
            return Err(KeyError::MissingName);
        }
        tweevoud::key::check_new_passphrase(passphrase)?;
        let key = UnlockedKey::generate(name, Some(organisation), Some(function), now)?;
        self.add_key(&key, passphrase)
    }

    fn contacts(&self) -> Result<Vec<Contact>, ContactError> {
        Ok(Store::contacts(self).to_vec())
    }

    /// A key that is a contact already is left as it is, one of the own keys is refused (as
    /// the desktop's contact book does).
    fn add_contact(
        &mut self,
        key: &PublicKey,
        name: &str,
        organisation: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> Result<Added, ContactError> {
        let contact = Contact::new(key, name, organisation, now, None)?;
        let fingerprint = *contact.fingerprint();
        if let Some(own) = self
            .keys
            .iter()
            .find(|k| *k.info.fingerprint() == fingerprint)
        {
            return Err(ContactError::OwnKey {
                name: own.info.name().to_string(),
                fingerprint: fingerprint.short(),
            });
        }
        if let Some(existing) = self
            .contacts()
            .iter()
            .find(|c| *c.fingerprint() == fingerprint)
        {
            return Ok(Added::AlreadyKnown(existing.clone()));
        }
        self.known.contacts.push(contact.clone());
        self.sort();
        Ok(Added::New(contact))
    }

    /// A contact verified already keeps its date.
    fn verify_contact(
        &mut self,
        selector: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<(), ContactError> {
        let found = select(self.contacts(), selector, |c| c.fingerprint(), |c| c.name());
        let fingerprint = match found {
            Ok(Some(contact)) => *contact.fingerprint(),
            Ok(None) => {
                return Err(ContactError::NotFound {
                    selector: selector.to_string(),
                    dir: here(),
                })
            }
            Err(candidates) => {
                return Err(ContactError::Ambiguous {
                    selector: selector.to_string(),
                    candidates,
                })
            }
        };
        for contact in &mut self.known.contacts {
            if *contact.fingerprint() == fingerprint && contact.verified().is_none() {
                *contact = Contact::new(
                    contact.public_key(),
                    contact.name(),
                    contact.organisation(),
                    contact.added(),
                    Some(now),
                )?;
            }
        }
        Ok(())
    }

    fn keyring(&self) -> &dyn Keyring {
        &self.known
    }

    fn archived(&self, _agreement: &Agreement) -> Option<String> {
        None
    }
}
