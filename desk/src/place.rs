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
pub use profile::{archive_where, open_archive, verify_archive};

#[cfg(feature = "fs")]
mod profile {
    use std::path::PathBuf;

    use chrono::{DateTime, FixedOffset};
    use tweevoud::archive::{self, Lookup, Report, Trust};
    use tweevoud::contact::{Added, Contact, ContactError};
    use tweevoud::key::{KeyError, KeyInfo, PublicKey};
    use tweevoud::profile::ContactBook;
    use tweevoud::tsa::TsaList;
    use tweevoud::{Agreement, Archive, ArchiveError, KeyStore, Keyring, Profile, UnlockedKey};

    use super::Place;
    use crate::view::ArchiveWhere;
    use crate::{DeskError, Stamps};

    /// The archive a profile's archive commands work on: its own directory's, or the team
    /// archive it is connected to (`tweevoud archive connect`), with the secrets read now
    /// from where the profile's record says (the file `connect` was given, else the
    /// environment), as every `tweevoud archive` command reads them.
    enum Home {
        Local(PathBuf),
        #[cfg(feature = "team")]
        Team(Box<archive::TeamPlace>),
    }

    impl Home {
        fn of(profile: &Profile) -> Result<Home, ArchiveError> {
            #[cfg(feature = "team")]
            if let Some(team) =
                archive::TeamPlace::connected(profile, |name| std::env::var(name).ok())?
            {
                return Ok(Home::Team(Box::new(team)));
            }
            Ok(Home::Local(profile.archive_dir()))
        }

        /// What the profile trusts of it: only log entries signed by its own keys (a team
        /// archive's: by the members its pinned creator signed) are acted on, and its
        /// checkpoint of the log.
        fn trust(&self, profile: &Profile) -> Result<Trust, ArchiveError> {
            // A key store that cannot be listed trusts no key: nothing in the log is acted on.
            let own = profile.own_keys();
            match self {
                Home::Local(dir) => {
                    Ok(Trust::keys(own).with_checkpoint(profile.archive_checkpoint(dir)))
                }
                #[cfg(feature = "team")]
                Home::Team(team) => team.trust(own),
            }
        }
    }

    /// The profile's archive, opened as the profile trusts it: only log entries signed by the
    /// profile's own keys (a team archive's: its members') are acted on (listed, shown,
    /// handed out), and with the profile's checkpoint of its log, so that nothing is added
    /// to a log that was cut, rolled back or rebuilt, and each signed entry moves the
    /// checkpoint. A profile connected to a team archive opens that one (with the `team`
    /// feature): the same commands, the same rules.
    pub fn open_archive(profile: &Profile) -> Result<Archive, ArchiveError> {
        let home = Home::of(profile)?;
        let trust = home.trust(profile)?;
        match &home {
            Home::Local(dir) => Archive::open_trusted(dir, &trust),
            #[cfg(feature = "team")]
            Home::Team(team) => team.open(&trust),
        }
    }

    /// Which archive the profile's archive commands work on, for the window to say so. Read
    /// from the profile's record alone: a team archive whose secrets are missing or whose
    /// servers cannot be reached is still named.
    pub fn archive_where(profile: &Profile) -> Result<ArchiveWhere, ArchiveError> {
        #[cfg(feature = "team")]
        if let Some(record) = archive::TeamRecord::load(&profile.team_archive_file())? {
            return Ok(ArchiveWhere::Team {
                database: record.place(),
                objects: record.objects,
                pinned: record.creator.is_some(),
            });
        }
        Ok(ArchiveWhere::Local {
            dir: profile.archive_dir().display().to_string(),
        })
    }

    /// Verifies the profile's archive (local, or the connected team archive) as the profile
    /// trusts it: every entry, object and signature, the checkpoint, the index. Writes no
    /// `verified` entry (no key is unlocked for it: `tweevoud archive verify --key` does).
    pub fn verify_archive(
        profile: &Profile,
        now: DateTime<FixedOffset>,
    ) -> Result<Report, ArchiveError> {
        let home = Home::of(profile)?;
        let trust = home.trust(profile)?;
        match &home {
            Home::Local(dir) => archive::verify_trusted(dir, &trust, now, None, &mut |_| {}),
            #[cfg(feature = "team")]
            Home::Team(team) => team.verify(&trust, now, None, &mut |_| {}),
        }
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
            let lookup = match Home::of(self).ok()? {
                Home::Local(dir) => archive::lookup(&dir, json.as_bytes()),
                // The team archive opened as the profile trusts it (its cache caught up).
                #[cfg(feature = "team")]
                Home::Team(_) => open_archive(self).and_then(|a| a.lookup(json.as_bytes())),
            };
            match lookup.ok()? {
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

#[cfg(all(test, feature = "team"))]
mod tests {
    use tweevoud::archive::TeamRecord;
    use tweevoud::key::Fingerprint;
    use tweevoud::{Coded, Profile};

    use super::{archive_where, open_archive, verify_archive};
    use crate::view::ArchiveWhere;

    const SECRET: &str = "s3cr3t-never-shown";

    fn write_secrets(path: &std::path::Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(
            path,
            format!("TWEEVOUD_TEAM_ACCESS_KEY_ID=AKID\nTWEEVOUD_TEAM_SECRET_ACCESS_KEY={SECRET}\n"),
        )
        .unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// A profile connected to a team archive: the window is told which one (its database and
    /// bucket, no secret) whatever else holds; without its secrets, or with its servers out of
    /// reach, every archive action is refused with a code the window words, quoting no secret,
    /// and no local archive is made in its place.
    #[test]
    fn a_connected_profile_works_on_its_team_archive_or_says_why_not() {
        let dir = tempfile::tempdir().unwrap();
        let profile = Profile::at(dir.path());
        let secrets = dir.path().join("team-secrets");
        // Port 1: nothing listens there, so connecting is refused at once.
        let mut record = TeamRecord::new(
            "postgresql://tweevoud@127.0.0.1:1/team",
            "http://127.0.0.1:1/team-archive",
            "us-east-1",
            Some(secrets.clone()),
        )
        .unwrap();
        record.creator = Some(Fingerprint::of_raw_public_key(&[7; 32]));
        record.save(&profile.team_archive_file()).unwrap();
        let team = ArchiveWhere::Team {
            database: "postgresql://tweevoud@127.0.0.1:1/team".into(),
            objects: "http://127.0.0.1:1/team-archive".into(),
            pinned: true,
        };
        assert_eq!(archive_where(&profile).unwrap(), team);
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-08T10:00:00+01:00").unwrap();

        // No secrets file, then one others may read: team_secrets.
        for mode in [None, Some(0o644)] {
            if let Some(mode) = mode {
                write_secrets(&secrets, mode);
            }
            let e = open_archive(&profile).unwrap_err();
            assert_eq!(e.code(), "team_secrets", "{e}");
            let e = verify_archive(&profile, now).unwrap_err();
            assert_eq!(e.code(), "team_secrets", "{e}");
        }

        // The secrets, but no server: archive_io, naming the database without a secret.
        write_secrets(&secrets, 0o600);
        for e in [
            open_archive(&profile).unwrap_err(),
            verify_archive(&profile, now).unwrap_err(),
        ] {
            assert_eq!(e.code(), "archive_io", "{e}");
            assert!(e.to_string().contains("127.0.0.1:1"), "{e}");
            assert!(!e.to_string().contains(SECRET), "{e}");
        }
        assert_eq!(archive_where(&profile).unwrap(), team);
        assert!(!profile.archive_dir().exists(), "a local archive was made");

        // Disconnected: the local archive again.
        TeamRecord::remove(&profile.team_archive_file()).unwrap();
        assert_eq!(
            archive_where(&profile).unwrap(),
            ArchiveWhere::Local {
                dir: profile.archive_dir().display().to_string()
            }
        );
    }
}
