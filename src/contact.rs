//! Contacts: the counterparties' public keys that this profile knows, and how far it trusts
//! them.
//!
//! A signature proves only that someone holding a key signed; who that is comes from the
//! person checking. A contact records a counterparty's public key under their name, and
//! whether the user has *verified* it (compared the fingerprint with the person, by phone or
//! in person). Verification then reports "signed by Tom Hendrix (Xtreme Internet Solutions
//! BV), a key you verified on 2026-11-23" or "signed by a key you do not know" — see
//! [`Trust`] — and never assumes more.
//!
//! Who signed is asked of a [`Keyring`]: the profile on disk (its key store and its
//! `ContactBook`, with the `fs` feature: `crate::profile`), or [`Known`], own keys and
//! contacts held in memory (a browser's). Both give the same [`Trust`] for the same keys and
//! contacts.
//!
//! A [`Contact`] serializes as its file in the profile's contact book: `name`, `organisation`
//! (`null` when none), `public_key` (SPKI PEM), `fingerprint` (64 lower-case hex digits, which
//! must be its public key's), `added` and `verified` (RFC 3339; `verified` is `null` until the
//! key is marked verified).

use std::io;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::error::{param, Coded, Params};
use crate::key::{field, rfc3339, Fingerprint, KeyError, KeyInfo, PublicKey};

/// What can go wrong with contacts, and what to do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContactError {
    /// The key offered is not a usable public key (or the key store could not be read).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The key offered is one of this profile's own signing keys.
    #[error("this is your own key {name} ({fingerprint}); contacts are the other parties' keys")]
    OwnKey {
        /// The own key's name.
        name: String,
        /// Its short fingerprint.
        fingerprint: String,
    },
    /// No contact matches the selector.
    #[error("no contact in {} matches {selector:?}; give a name or a fingerprint (at least 8 hex digits) of one of the profile's contacts", dir.display())]
    NotFound {
        /// What was asked for.
        selector: String,
        /// The contacts directory searched.
        dir: PathBuf,
    },
    /// More than one contact matches the selector.
    #[error("{selector:?} matches several contacts ({}); give more of the fingerprint", candidates.join("; "))]
    Ambiguous {
        /// What was asked for.
        selector: String,
        /// The contacts it matches, by name and fingerprint.
        candidates: Vec<String>,
    },
    /// A contact needs a name.
    #[error("a contact needs a name: the person the key belongs to")]
    MissingName,
    /// A contact file is damaged.
    #[error("{} is damaged ({reason}); remove it and add the contact again", path.display())]
    Corrupt {
        /// The damaged file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
}

impl ContactError {
    /// Every code of [`ContactError`]'s own variants ([`ContactError::Key`] gives
    /// [`KeyError`]'s), so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "own_key",
        "contact_not_found",
        "contact_ambiguous",
        "missing_name",
        "contact_damaged",
        "contact_io",
    ];
}

/// Parameters: `name` and `fingerprint` (of the own key), `selector`, `candidates` (joined by
/// "; "), `path`, `reason`, `detail` (English words); a key's as [`KeyError`] gives them.
impl Coded for ContactError {
    fn code(&self) -> &'static str {
        match self {
            ContactError::Key(e) => e.code(),
            ContactError::OwnKey { .. } => "own_key",
            ContactError::NotFound { .. } => "contact_not_found",
            ContactError::Ambiguous { .. } => "contact_ambiguous",
            ContactError::MissingName => "missing_name",
            ContactError::Corrupt { .. } => "contact_damaged",
            ContactError::Io { .. } => "contact_io",
        }
    }

    fn params(&self) -> Params {
        match self {
            ContactError::Key(e) => e.params(),
            ContactError::OwnKey { name, fingerprint } => {
                vec![param("name", name), param("fingerprint", fingerprint)]
            }
            ContactError::NotFound { selector, .. } => vec![param("selector", selector)],
            ContactError::Ambiguous {
                selector,
                candidates,
            } => vec![
                param("selector", selector),
                param("candidates", candidates.join("; ")),
            ],
            ContactError::MissingName => Vec::new(),
            ContactError::Corrupt { path, reason } => {
                vec![param("path", path.display()), param("reason", reason)]
            }
            ContactError::Io { path, source } => {
                vec![param("path", path.display()), param("detail", source)]
            }
        }
    }
}

mod pem_string {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::key::PublicKey;

    pub fn serialize<S: Serializer>(key: &PublicKey, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&key.to_pem())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PublicKey, D::Error> {
        let text = String::deserialize(d)?;
        PublicKey::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A counterparty's public key, under their name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    name: String,
    /// `null` when none; always present.
    #[serde(deserialize_with = "crate::canonical::nullable")]
    organisation: Option<String>,
    #[serde(with = "pem_string")]
    public_key: PublicKey,
    fingerprint: Fingerprint,
    #[serde(with = "rfc3339")]
    added: DateTime<FixedOffset>,
    /// `null` when not verified; always present. Set by the contact book, which marks a
    /// contact verified.
    #[serde(with = "rfc3339::option")]
    pub(crate) verified: Option<DateTime<FixedOffset>>,
    /// The binding of the key to its owner's eID, when the key file it came from carried one
    /// (checked: of this key, both signatures holding); absent otherwise (never `null`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::canonical::present"
    )]
    eid_binding: Option<crate::eid::Binding>,
}

impl Contact {
    /// A contact made in memory: `key` under `name` (trimmed; not empty), added at `added`,
    /// and verified at `verified` if the user compared its fingerprint with the person.
    pub fn new(
        key: &PublicKey,
        name: &str,
        organisation: Option<&str>,
        added: DateTime<FixedOffset>,
        verified: Option<DateTime<FixedOffset>>,
    ) -> Result<Contact, ContactError> {
        Ok(Contact {
            name: field(Some(name)).ok_or(ContactError::MissingName)?,
            organisation: field(organisation),
            public_key: *key,
            fingerprint: key.fingerprint(),
            added,
            verified,
            eid_binding: None,
        })
    }

    /// The contact with the eID binding its key file carried: it must be of this key, and
    /// both its signatures must hold.
    pub fn with_binding(
        mut self,
        binding: crate::eid::Binding,
    ) -> Result<Contact, crate::eid::BindingProblem> {
        binding.check_own(&self.public_key.to_bytes())?;
        self.eid_binding = Some(binding);
        Ok(self)
    }

    /// The eID binding of the key, when its key file carried one.
    pub fn eid_binding(&self) -> Option<&crate::eid::Binding> {
        self.eid_binding.as_ref()
    }

    /// The person's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Their organisation.
    pub fn organisation(&self) -> Option<&str> {
        self.organisation.as_deref()
    }

    /// Their public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// Its fingerprint.
    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// When the contact was added.
    pub fn added(&self) -> DateTime<FixedOffset> {
        self.added
    }

    /// When the user marked the key verified, if they did.
    pub fn verified(&self) -> Option<DateTime<FixedOffset>> {
        self.verified
    }

    /// "Tom Hendrix (Xtreme Internet Solutions BV)", or just the name.
    pub fn display_name(&self) -> String {
        match &self.organisation {
            Some(org) => format!("{} ({org})", self.name),
            None => self.name.clone(),
        }
    }
}

/// What adding a contact did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// The key is new: the contact was stored.
    New(Contact),
    /// The key was already a contact: nothing was changed (not even the name).
    AlreadyKnown(Contact),
}

/// What marking a contact verified did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// The key is now marked verified, as of now.
    Now(Contact),
    /// It was already verified: its date was kept.
    Already(Contact),
}

/// How far this profile trusts a public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Trust {
    /// One of the profile's own signing keys.
    OwnKey {
        /// The key.
        info: KeyInfo,
    },
    /// A contact whose key the user has verified.
    VerifiedContact {
        /// The contact.
        contact: Contact,
    },
    /// A contact whose key the user has not verified.
    UnverifiedContact {
        /// The contact.
        contact: Contact,
    },
    /// A key this profile does not know.
    Unknown {
        /// Its fingerprint, to compare with the signer.
        fingerprint: Fingerprint,
    },
}

impl Trust {
    /// The trust in the key `fingerprint`, from what a keyring found of it: one of its own
    /// keys first, else a contact, verified or not.
    pub(crate) fn found(
        fingerprint: Fingerprint,
        own: Option<KeyInfo>,
        contact: Option<Contact>,
    ) -> Trust {
        match (own, contact) {
            (Some(info), _) => Trust::OwnKey { info },
            (None, Some(contact)) if contact.verified.is_some() => {
                Trust::VerifiedContact { contact }
            }
            (None, Some(contact)) => Trust::UnverifiedContact { contact },
            (None, None) => Trust::Unknown { fingerprint },
        }
    }
    /// The trust status in words, to follow "signed by":
    ///
    /// - "Tom Hendrix (Xtreme Internet Solutions BV), your own key"
    /// - "Tom Hendrix (Xtreme Internet Solutions BV), a key you verified on 2026-11-23"
    /// - "Tom Hendrix (Xtreme Internet Solutions BV), a contact whose key you have not
    ///   verified (fingerprint 3B6A 27BC ...)"
    /// - "a key you do not know (fingerprint 3B6A 27BC ...)"
    pub fn describe(&self) -> String {
        match self {
            Trust::OwnKey { info } => format!("{}, your own key", info.display_name()),
            Trust::VerifiedContact { contact } => format!(
                "{}, a key you verified on {}",
                contact.display_name(),
                contact
                    .verified
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_default()
            ),
            Trust::UnverifiedContact { contact } => format!(
                "{}, a contact whose key you have not verified (fingerprint {})",
                contact.display_name(),
                contact.fingerprint
            ),
            Trust::Unknown { fingerprint } => {
                format!("a key you do not know (fingerprint {fingerprint})")
            }
        }
    }

    /// True for the profile's own keys and verified contacts.
    pub fn is_trusted(&self) -> bool {
        matches!(self, Trust::OwnKey { .. } | Trust::VerifiedContact { .. })
    }
}

/// Who the user knows: their own keys and their contacts, which say how far a signer's key is
/// trusted. The judgement of a file asks one (see `crate::judgement::Context`).
pub trait Keyring {
    /// How far this keyring trusts `key`: an own key, a verified or unverified contact, or
    /// unknown. An error is a keyring that cannot be read.
    fn trust(&self, key: &PublicKey) -> Result<Trust, ContactError>;

    /// The certificates of the time-stamping authorities this keyring trusts (a TSA's own, or
    /// a CA's above it): a timestamp whose chain reaches one attests its time. None by
    /// default.
    fn timestamp_anchors(&self) -> Vec<crate::timestamp::Anchor> {
        Vec::new()
    }
}

/// Own keys and contacts held in memory, e.g. those a browser holds: the same trust as a
/// profile with these keys and contacts on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    /// The user's own keys (what each `key.json` says).
    pub own: Vec<KeyInfo>,
    /// The user's contacts.
    pub contacts: Vec<Contact>,
}

impl Keyring for Known {
    /// Never fails. A contact whose fingerprint is not its public key's (a damaged one) names
    /// nobody: its key is unknown, as a profile would not trust it either.
    fn trust(&self, key: &PublicKey) -> Result<Trust, ContactError> {
        let fingerprint = key.fingerprint();
        let own = self.own.iter().find(|k| *k.fingerprint() == fingerprint);
        let contact = self
            .contacts
            .iter()
            .find(|c| c.fingerprint == fingerprint && c.public_key.fingerprint() == fingerprint);
        Ok(Trust::found(fingerprint, own.cloned(), contact.cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::UnlockedKey;
    use crate::test_support::{at, key};

    /// A contact file's `organisation` and `verified` are `null` when there is none, as
    /// Tweevoud writes them, and always present: a missing one is refused.
    #[test]
    fn fail_contact_without_its_nullable_members() {
        let contact = serde_json::json!({
            "name": "Anne",
            "organisation": null,
            "public_key": key(4).to_pem(),
            "fingerprint": key(4).fingerprint(),
            "added": "2026-11-23T10:00:00+01:00",
            "verified": null,
        });
        let read: Contact = serde_json::from_value(contact.clone()).unwrap();
        assert_eq!(serde_json::to_value(&read).unwrap(), contact);
        for member in ["organisation", "verified"] {
            let mut without = contact.clone();
            without.as_object_mut().unwrap().remove(member);
            assert!(
                serde_json::from_value::<Contact>(without).is_err(),
                "{member}"
            );
        }
    }

    #[test]
    fn known_keys_and_contacts_in_memory() {
        let own = UnlockedKey::from_seed(&[9; 32], "Anne", None, None, at("2026-01-01T00:00:00Z"))
            .unwrap();
        let tom = Contact::new(
            &key(1),
            " Tom Hendrix ",
            Some("Xtreme Internet Solutions BV"),
            at("2026-11-23T10:00:00+01:00"),
            Some(at("2026-11-23T23:30:00+01:00")),
        )
        .unwrap();
        let anne = Contact::new(
            &key(2),
            "Anne-Marie",
            None,
            at("2026-11-23T10:00:00+01:00"),
            None,
        )
        .unwrap();
        let known = Known {
            own: vec![own.info().clone()],
            contacts: vec![tom.clone(), anne.clone()],
        };
        assert_eq!(
            known.trust(own.public()).unwrap().describe(),
            "Anne, your own key"
        );
        assert_eq!(
            known.trust(&key(1)).unwrap(),
            Trust::VerifiedContact { contact: tom }
        );
        assert_eq!(
            known.trust(&key(2)).unwrap(),
            Trust::UnverifiedContact { contact: anne }
        );
        assert_eq!(
            known.trust(&key(3)).unwrap(),
            Trust::Unknown {
                fingerprint: key(3).fingerprint()
            }
        );
        // A contact whose fingerprint is not its key's names nobody.
        let mut damaged: Contact = serde_json::from_value(serde_json::json!({
            "name": "Mallory",
            "organisation": null,
            "public_key": key(4).to_pem(),
            "fingerprint": key(5).fingerprint(),
            "added": "2026-11-23T10:00:00+01:00",
            "verified": "2026-11-23T10:00:00+01:00",
        }))
        .unwrap();
        let damaged_known = Known {
            own: Vec::new(),
            contacts: vec![damaged.clone()],
        };
        for k in [key(4), key(5)] {
            assert!(matches!(
                damaged_known.trust(&k).unwrap(),
                Trust::Unknown { .. }
            ));
        }
        damaged.fingerprint = key(4).fingerprint();
        assert!(Known {
            own: Vec::new(),
            contacts: vec![damaged],
        }
        .trust(&key(4))
        .unwrap()
        .is_trusted());
        assert!(matches!(
            Contact::new(&key(1), " ", None, at("2026-11-23T10:00:00+01:00"), None),
            Err(ContactError::MissingName)
        ));
    }
}
