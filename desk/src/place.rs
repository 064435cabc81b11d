//! Where the desk stands: the profile on disk for the desktop app, what the browser holds for
//! the browser edition.

use tweevoud::key::{Fingerprint, KeyError, KeyInfo};
use tweevoud::{Agreement, Keyring};

/// What the desk needs to know of where it stands.
pub trait Place {
    /// The keys this place signs with, oldest first.
    fn keys(&self) -> Result<Vec<KeyInfo>, KeyError>;

    /// Who signers are here: this place's own keys and its contacts.
    fn keyring(&self) -> &dyn Keyring;

    /// The archive id of exactly this version of `agreement`, if this place has an archive
    /// that holds it.
    fn archived(&self, agreement: &Agreement) -> Option<String>;

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
mod profile {
    use tweevoud::archive::{self, Lookup};
    use tweevoud::key::{KeyError, KeyInfo};
    use tweevoud::{Agreement, KeyStore, Keyring, Profile};

    use super::Place;

    /// The profile on disk: its key store, its contacts, its archive.
    impl Place for Profile {
        fn keys(&self) -> Result<Vec<KeyInfo>, KeyError> {
            KeyStore::open(self).list()
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
    }
}
