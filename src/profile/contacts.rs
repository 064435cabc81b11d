//! The contact book: the counterparties' public keys this profile knows, one file
//! `contacts/<fingerprint-hex>.json` each (what a [`Contact`] is, and its file's members, is
//! `crate::contact`'s):
//!
//! ```json
//! {
//!   "name": "Tom Hendrix",
//!   "organisation": "Xtreme Internet Solutions BV",
//!   "public_key": "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n",
//!   "fingerprint": "<64 lower-case hex digits>",
//!   "added": "2026-11-23T10:00:00+01:00",
//!   "verified": "2026-11-23T10:05:00+01:00"
//! }
//! ```
//!
//! A file whose `fingerprint` is not its public key's, or not its name's, is reported as
//! damaged. One of the profile's own keys is never a contact.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::keys::KeyStore;
use super::select::{select, Selection};
use super::Profile;
use crate::contact::{Added, Contact, ContactError, Verified};
use crate::fsutil::{create_private_dir, read_limited, write_atomic};
use crate::key::{Fingerprint, PublicKey, MAX_PEM_BYTES};

/// The largest contact file (`<fingerprint>.json`) read: a name, an organisation, a public
/// key and a few dates are well under a kilobyte.
const MAX_CONTACT_BYTES: u64 = 64 << 10;

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> ContactError + '_ {
    move |source| ContactError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The contacts of a profile.
#[derive(Debug, Clone)]
pub struct ContactBook {
    dir: PathBuf,
    keys: KeyStore,
}

impl ContactBook {
    /// The contact book of `profile`. Nothing is read or created until it is used.
    pub fn open(profile: &Profile) -> ContactBook {
        ContactBook {
            dir: profile.contacts_dir(),
            keys: KeyStore::open(profile),
        }
    }

    /// The contacts directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, fingerprint: &Fingerprint) -> PathBuf {
        self.dir.join(format!("{}.json", fingerprint.hex()))
    }

    /// Adds a counterparty's public key, given as SPKI PEM (or base64 of the raw 32 bytes),
    /// followed by the key's eID binding block when its key file carries one (kept with the
    /// contact once checked: of this key, both signatures holding; a block that does not hold
    /// refuses the file). See [`add_key`](Self::add_key).
    pub fn add(
        &self,
        public_pem: &str,
        name: &str,
        organisation: Option<&str>,
        verified: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<Added, ContactError> {
        let (key_text, block) = crate::eid::split_key_file(public_pem);
        let key = PublicKey::parse(key_text)?;
        let binding = block
            .map(|b| {
                let binding = crate::eid::Binding::from_pem(b)?;
                binding.check_own(&key.to_bytes())?;
                Ok(binding)
            })
            .transpose()
            .map_err(|e: crate::eid::BindingProblem| {
                ContactError::from(crate::key::KeyError::Malformed {
                    reason: format!("its eID binding: {e}"),
                })
            })?;
        let added = self.add_key(&key, name, organisation, verified, now)?;
        let Some(binding) = binding else {
            return Ok(added);
        };
        // The binding is kept with the contact, new or known.
        let bound = |c: &Contact| {
            c.clone().with_binding(binding.clone()).map_err(|e| {
                ContactError::from(crate::key::KeyError::Malformed {
                    reason: format!("its eID binding: {e}"),
                })
            })
        };
        Ok(match added {
            Added::New(c) => {
                let c = bound(&c)?;
                self.save(&c)?;
                Added::New(c)
            }
            Added::AlreadyKnown(c) => {
                let c = bound(&c)?;
                self.save(&c)?;
                Added::AlreadyKnown(c)
            }
        })
    }

    /// Adds a counterparty's public key from a file (SPKI PEM, or base64 of the raw 32 bytes)
    /// of at most [`MAX_PEM_BYTES`]: a larger file, or one that never ends, is refused before
    /// it is read. See [`add_key`](Self::add_key).
    pub fn add_file(
        &self,
        path: &Path,
        name: &str,
        organisation: Option<&str>,
        verified: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<Added, ContactError> {
        let bytes = read_limited(path, MAX_PEM_BYTES).map_err(io_error(path))?;
        let pem = std::str::from_utf8(&bytes).map_err(|_| ContactError::Io {
            path: path.to_path_buf(),
            source: io::Error::new(io::ErrorKind::InvalidData, "it is not text (UTF-8)"),
        })?;
        self.add(pem, name, organisation, verified, now)
    }

    /// Adds a counterparty's public key under their name, marked verified as of `now` if
    /// `verified`. A key that is already a contact is left as it is ([`Added::AlreadyKnown`]);
    /// one of the profile's own keys is refused ([`ContactError::OwnKey`]).
    pub fn add_key(
        &self,
        key: &PublicKey,
        name: &str,
        organisation: Option<&str>,
        verified: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<Added, ContactError> {
        let contact = Contact::new(key, name, organisation, now, verified.then_some(now))?;
        let fingerprint = *contact.fingerprint();
        if let Some(own) = self.keys.find(&fingerprint)? {
            return Err(ContactError::OwnKey {
                name: own.name().into(),
                fingerprint: fingerprint.short(),
            });
        }
        if let Some(existing) = self.find(&fingerprint)? {
            return Ok(Added::AlreadyKnown(existing));
        }
        self.save(&contact)?;
        Ok(Added::New(contact))
    }

    fn save(&self, contact: &Contact) -> Result<(), ContactError> {
        create_private_dir(&self.dir).map_err(io_error(&self.dir))?;
        let path = self.path(contact.fingerprint());
        let mut json = serde_json::to_string_pretty(contact).expect("a contact serializes");
        json.push('\n');
        write_atomic(&path, json.as_bytes()).map_err(io_error(&path))
    }

    /// Every contact, by name.
    pub fn list(&self) -> Result<Vec<Contact>, ContactError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error(&self.dir)(e)),
        };
        let mut contacts = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io_error(&self.dir))?;
            let file_name = entry.file_name();
            let Some(stem) = file_name
                .to_string_lossy()
                .strip_suffix(".json")
                .map(String::from)
            else {
                continue;
            };
            let Ok(fingerprint) = stem.parse::<Fingerprint>() else {
                continue;
            };
            if let Some(contact) = self.find(&fingerprint)? {
                contacts.push(contact);
            }
        }
        contacts.sort_by(|a, b| (a.name(), a.added()).cmp(&(b.name(), b.added())));
        Ok(contacts)
    }

    /// The contact with exactly this fingerprint, if any.
    pub fn find(&self, fingerprint: &Fingerprint) -> Result<Option<Contact>, ContactError> {
        let path = self.path(fingerprint);
        let text = match read_limited(&path, MAX_CONTACT_BYTES).and_then(|b| {
            String::from_utf8(b).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        }) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&path)(e)),
        };
        let corrupt = |reason: String| ContactError::Corrupt {
            path: path.clone(),
            reason,
        };
        let contact: Contact = serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
        if contact.public_key().fingerprint() != *contact.fingerprint() {
            return Err(corrupt("its fingerprint is not its public key's".into()));
        }
        if contact.fingerprint() != fingerprint {
            return Err(corrupt(
                "it holds another key than its file name says".into(),
            ));
        }
        Ok(Some(contact))
    }

    /// The contact that `selector` names: a fingerprint (grouped or not), a unique prefix of
    /// one of at least 8 hex digits, or a unique name.
    pub fn get(&self, selector: &str) -> Result<Contact, ContactError> {
        let contacts = self.list()?;
        match select(&contacts, selector, |c| c.fingerprint(), |c| c.name()) {
            Selection::One(contact) => Ok(contact.clone()),
            Selection::Many(matches) => Err(ContactError::Ambiguous {
                selector: selector.into(),
                candidates: matches
                    .iter()
                    .map(|c| format!("{} {}", c.name(), c.fingerprint().short()))
                    .collect(),
            }),
            Selection::None => Err(ContactError::NotFound {
                selector: selector.into(),
                dir: self.dir.clone(),
            }),
        }
    }

    /// Marks a contact's key verified as of `now`: the user has compared its fingerprint with
    /// the person it belongs to. A key already verified keeps its date.
    pub fn mark_verified(
        &self,
        fingerprint: &Fingerprint,
        now: DateTime<FixedOffset>,
    ) -> Result<Verified, ContactError> {
        let mut contact = self
            .find(fingerprint)?
            .ok_or_else(|| ContactError::NotFound {
                selector: fingerprint.to_string(),
                dir: self.dir.clone(),
            })?;
        if contact.verified().is_some() {
            return Ok(Verified::Already(contact));
        }
        contact.verified = Some(now);
        self.save(&contact)?;
        Ok(Verified::Now(contact))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{at, key};

    #[test]
    fn adding_twice_changes_nothing_and_verify_keeps_its_date() {
        let dir = tempfile::tempdir().unwrap();
        let book = ContactBook::open(&Profile::at(dir.path()));
        let tom = key(1);
        let first = at("2026-11-23T10:00:00+01:00");
        book.add_key(&tom, "Tom", None, false, first).unwrap();
        let again = book
            .add_key(
                &tom,
                "Someone Else",
                Some("Org"),
                true,
                at("2026-12-01T10:00:00+01:00"),
            )
            .unwrap();
        let Added::AlreadyKnown(c) = again else {
            panic!("expected AlreadyKnown")
        };
        assert_eq!(c.name(), "Tom");
        assert_eq!(c.verified(), None);
        let v = book.mark_verified(&tom.fingerprint(), first).unwrap();
        assert!(matches!(v, Verified::Now(_)));
        let v = book
            .mark_verified(&tom.fingerprint(), at("2027-01-01T00:00:00Z"))
            .unwrap();
        let Verified::Already(c) = v else {
            panic!("expected Already")
        };
        assert_eq!(c.verified(), Some(first));
        assert_eq!(book.list().unwrap(), vec![c.clone()]);
        assert_eq!(book.get(&tom.fingerprint().short()).unwrap(), c);
    }

    #[test]
    fn fail_tampered_contact_file() {
        let dir = tempfile::tempdir().unwrap();
        let book = ContactBook::open(&Profile::at(dir.path()));
        let tom = key(1);
        book.add_key(&tom, "Tom", None, true, at("2026-11-23T10:00:00+01:00"))
            .unwrap();
        let path = book.path(&tom.fingerprint());
        let text = fs::read_to_string(&path).unwrap().replace(
            &tom.to_pem().replace('\n', "\\n"),
            &key(2).to_pem().replace('\n', "\\n"),
        );
        fs::write(&path, text).unwrap();
        assert!(matches!(
            book.find(&tom.fingerprint()),
            Err(ContactError::Corrupt { .. })
        ));
    }
}
