//! Where the desk stands: the profile on disk for the desktop app, what the browser holds for
//! the browser edition. Every command is written once, in [`crate::command`]; what differs
//! between the editions (where keys and contacts are kept, whether there is an archive or a
//! time-stamping authority to ask) is what a place answers.

use chrono::{DateTime, FixedOffset};
use tweevoud::contact::{Added, Contact, ContactError};
use tweevoud::key::{Fingerprint, KeyError, KeyInfo, PublicKey};
use tweevoud::{Agreement, Keyring, UnlockedKey};

use crate::{DeskError, Stamps};

/// What the desk needs to know of where it stands, and what it asks it to keep.
pub trait Place {
    /// The keys this place signs with, oldest first.
    fn keys(&self) -> Result<Vec<KeyInfo>, KeyError>;

    /// What the own key `selector` names (a fingerprint, a prefix of one, or a name) is for.
    fn key_info(&self, selector: &str) -> Result<KeyInfo, KeyError>;

    /// The own key `selector` names, decrypted with `passphrase`, for signing or sealing.
    fn unlock(&self, selector: &str, passphrase: &str) -> Result<UnlockedKey, KeyError>;

    /// The public key of the own key `selector` names, as SPKI PEM.
    fn public_pem(&self, selector: &str) -> Result<String, KeyError>;

    /// Makes and keeps a new signing key, its secret encrypted with `passphrase`.
    fn create_key(
        &mut self,
        name: &str,
        organisation: &str,
        function: &str,
        passphrase: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<KeyInfo, KeyError>;

    /// The contacts, by name.
    fn contacts(&self) -> Result<Vec<Contact>, ContactError>;

    /// Keeps a counterparty's public key under its name, not verified: a key that is a
    /// contact already is left as it is, one of the own keys is refused.
    fn add_contact(
        &mut self,
        key: &PublicKey,
        name: &str,
        organisation: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> Result<Added, ContactError>;

    /// Marks the contact `selector` names verified as of `now`.
    fn verify_contact(
        &mut self,
        selector: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<(), ContactError>;

    /// Who signers are here: this place's own keys and its contacts.
    fn keyring(&self) -> &dyn Keyring;

    /// The archive id of exactly this version of `agreement`, if this place has an archive
    /// that holds it.
    fn archived(&self, agreement: &Agreement) -> Option<String>;

    /// Files `agreement`, just signed with `key`, in this place's archive: its id there, or
    /// `None` where there is no archive.
    fn file_signed(
        &self,
        _agreement: &Agreement,
        _key: &UnlockedKey,
        _now: DateTime<FixedOffset>,
    ) -> Result<Option<String>, DeskError> {
        Ok(None)
    }

    /// Where trusted timestamps come from here, if anywhere.
    fn stamps(&self) -> Option<Box<dyn Stamps + '_>> {
        None
    }

    /// The eID binding kept with the own key `info` is for, if it was bound (one that cannot
    /// be read counts as none).
    fn binding(&self, _info: &KeyInfo) -> Option<tweevoud::eid::Binding> {
        None
    }

    /// The fingerprints of this place's own keys (keys that cannot be read count as none).
    fn own_keys(&self) -> Vec<Fingerprint> {
        self.keys()
            .unwrap_or_default()
            .iter()
            .map(|k| *k.fingerprint())
            .collect()
    }
}

#[cfg(feature = "fs")]
pub use profile::open_archive;

#[cfg(feature = "fs")]
mod profile {
    use chrono::{DateTime, FixedOffset};
    use tweevoud::archive::{self, Lookup, Trust};
    use tweevoud::contact::{Added, Contact, ContactError};
    use tweevoud::key::{KeyError, KeyInfo, PublicKey};
    use tweevoud::profile::ContactBook;
    use tweevoud::tsa::TsaList;
    use tweevoud::{Agreement, Archive, ArchiveError, KeyStore, Keyring, Profile, UnlockedKey};

    use super::Place;
    use crate::{DeskError, Stamps};

    /// The profile's archive, opened as the profile trusts it: only log entries signed by the
    /// profile's own keys are acted on (listed, shown, handed out), and with the profile's
    /// checkpoint of its log, so that nothing is added to a log that was cut, rolled back or
    /// rebuilt, and each signed entry moves the checkpoint.
    pub fn open_archive(profile: &Profile) -> Result<Archive, ArchiveError> {
        let dir = profile.archive_dir();
        // A key store that cannot be listed trusts no key: nothing in the log is acted on.
        let trust =
            Trust::keys(profile.own_keys()).with_checkpoint(profile.archive_checkpoint(&dir));
        Archive::open_trusted(&dir, &trust)
    }

    /// The profile on disk: its key store, its contacts, its archive, its TSAs.
    impl Place for Profile {
        fn keys(&self) -> Result<Vec<KeyInfo>, KeyError> {
            KeyStore::open(self).list()
        }

        fn key_info(&self, selector: &str) -> Result<KeyInfo, KeyError> {
            KeyStore::open(self).get(selector)
        }

        fn unlock(&self, selector: &str, passphrase: &str) -> Result<UnlockedKey, KeyError> {
            KeyStore::open(self).unlock(selector, passphrase)
        }

        fn public_pem(&self, selector: &str) -> Result<String, KeyError> {
            KeyStore::open(self).export_public(selector)
        }

        fn create_key(
            &mut self,
            name: &str,
            organisation: &str,
            function: &str,
            passphrase: &str,
            now: DateTime<FixedOffset>,
        ) -> Result<KeyInfo, KeyError> {
            KeyStore::open(self).create(name, Some(organisation), Some(function), passphrase, now)
        }

        fn contacts(&self) -> Result<Vec<Contact>, ContactError> {
            ContactBook::open(self).list()
        }

        fn add_contact(
            &mut self,
            key: &PublicKey,
            name: &str,
            organisation: Option<&str>,
            now: DateTime<FixedOffset>,
        ) -> Result<Added, ContactError> {
            ContactBook::open(self).add_key(key, name, organisation, false, now)
        }

        fn verify_contact(
            &mut self,
            selector: &str,
            now: DateTime<FixedOffset>,
        ) -> Result<(), ContactError> {
            let book = ContactBook::open(self);
            let contact = book.get(selector)?;
            book.mark_verified(contact.fingerprint(), now).map(|_| ())
        }

        fn keyring(&self) -> &dyn Keyring {
            self
        }

        fn archived(&self, agreement: &Agreement) -> Option<String> {
            let json = agreement.to_json();
            match archive::lookup(&self.archive_dir(), json.as_bytes()).ok()? {
                Lookup::AgreementFile {
                    agreement,
                    current: true,
                    ..
                }
                | Lookup::SameContent { agreement } => Some(agreement.id),
                _ => None,
            }
        }

        fn file_signed(
            &self,
            agreement: &Agreement,
            key: &UnlockedKey,
            now: DateTime<FixedOffset>,
        ) -> Result<Option<String>, DeskError> {
            let json = agreement.to_json();
            let added = open_archive(self)?.add(json.as_bytes(), now, Some(key))?;
            Ok(Some(added.id))
        }

        fn stamps(&self) -> Option<Box<dyn Stamps + '_>> {
            Some(Box::new(TsaList::open(self)))
        }

        fn binding(&self, info: &KeyInfo) -> Option<tweevoud::eid::Binding> {
            KeyStore::open(self).binding(info).ok().flatten()
        }
    }
}
