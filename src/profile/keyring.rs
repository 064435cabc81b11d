//! The profile as a [`Keyring`]: who signed, from its key store and its contact book, and the
//! TSAs it names.

use super::contacts::ContactBook;
use super::keys::KeyStore;
use super::tsa::TsaList;
use super::Profile;
use crate::contact::{ContactError, Keyring, Trust};
use crate::key::PublicKey;
use crate::timestamp::Anchor;

/// The profile on disk: its key store and its contact book.
impl Keyring for Profile {
    fn trust(&self, key: &PublicKey) -> Result<Trust, ContactError> {
        trust(self, key)
    }

    /// The certificates of the TSAs the profile names ([`TsaList`]).
    fn timestamp_anchors(&self) -> Vec<Anchor> {
        TsaList::open(self).anchors()
    }
}

/// How far `profile` trusts `key`: its own key, a verified or unverified contact, or unknown.
pub fn trust(profile: &Profile, key: &PublicKey) -> Result<Trust, ContactError> {
    let fingerprint = key.fingerprint();
    let own = KeyStore::open(profile).find(&fingerprint)?;
    let contact = match own {
        Some(_) => None,
        None => ContactBook::open(profile).find(&fingerprint)?,
    };
    Ok(Trust::found(fingerprint, own, contact))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::Added;
    use crate::test_support::{at, key};

    #[test]
    fn trust_descriptions() {
        let dir = tempfile::tempdir().unwrap();
        let profile = Profile::at(dir.path());
        let book = ContactBook::open(&profile);
        let tom = key(1);
        let anne = key(2);
        let stranger = key(3);
        let added = book
            .add(
                &tom.to_pem(),
                "Tom Hendrix",
                Some("Xtreme Internet Solutions BV"),
                true,
                at("2026-11-23T23:30:00+01:00"),
            )
            .unwrap();
        assert!(matches!(added, Added::New(_)));
        book.add_key(
            &anne,
            "Anne-Marie D'Hondt",
            None,
            false,
            at("2026-11-23T10:00:00+01:00"),
        )
        .unwrap();

        let t = trust(&profile, &tom).unwrap();
        assert!(t.is_trusted());
        assert_eq!(
            t.describe(),
            "Tom Hendrix (Xtreme Internet Solutions BV), a key you verified on 2026-11-23"
        );
        let t = trust(&profile, &anne).unwrap();
        assert!(!t.is_trusted());
        assert_eq!(
            t.describe(),
            format!(
                "Anne-Marie D'Hondt, a contact whose key you have not verified (fingerprint {})",
                anne.fingerprint()
            )
        );
        let t = trust(&profile, &stranger).unwrap();
        assert_eq!(
            t.describe(),
            format!(
                "a key you do not know (fingerprint {})",
                stranger.fingerprint()
            )
        );
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["status"], "unknown");
        assert_eq!(json["fingerprint"], stranger.fingerprint().hex());
    }

    #[test]
    fn fail_own_key_as_contact() {
        let dir = tempfile::tempdir().unwrap();
        let profile = Profile::at(dir.path());
        let keys = KeyStore::open(&profile);
        let info = keys
            .create(
                "Tom",
                None,
                None,
                "lang genoeg",
                at("2026-11-23T10:00:00+01:00"),
            )
            .unwrap();
        let pem = keys.export_public("Tom").unwrap();
        let err = ContactBook::open(&profile)
            .add(&pem, "Tom", None, false, info.created())
            .unwrap_err();
        assert!(matches!(err, ContactError::OwnKey { .. }), "{err}");
        assert_eq!(
            trust(&profile, &PublicKey::from_pem(&pem).unwrap())
                .unwrap()
                .describe(),
            "Tom, your own key"
        );
    }
}
