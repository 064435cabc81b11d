//! Which team archive a profile is connected to: the profile's record of it (`team.json` in
//! the profile, written by `tweevoud archive connect`). It holds the two addresses (the
//! database's without any password), the bucket's region, the path of the secrets file when
//! the secrets come from one, and the key of the archive's creator once the profile pinned
//! it, and the certificate authorities its servers' certificates are checked against when
//! they were given; never a secret (`docs/archive-team.md`, "Connecting").

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{pg, s3, ArchiveError, TeamConnection, TeamSecrets};
use crate::fsutil::{read_limited, write_atomic_private};
use crate::key::Fingerprint;

/// The largest record read: its addresses, and the certificate authorities' PEM text (at
/// most 64 KiB, each byte of it at most 6 in JSON).
pub const MAX_RECORD_BYTES: u64 = 16 * 1024 + 6 * super::tls::MAX_CA_BYTES;

/// The longest region name.
const MAX_REGION_CHARS: usize = 32;

/// A profile's record of the team archive it is connected to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamRecord {
    /// The database: a PostgreSQL connection URL without a password.
    pub database: String,
    /// The bucket: `https://host[:port]/bucket` (`http://` on this machine only), without
    /// user or password.
    pub objects: String,
    /// The bucket's region (for its requests' signatures).
    pub region: String,
    /// The file the secrets are read from at each command (mode 0600); `None`: the
    /// environment.
    pub secrets_file: Option<PathBuf>,
    /// The key that began the team archive, as the profile pinned it; `None` until then.
    pub creator: Option<Fingerprint>,
    /// The certificate authorities (PEM) the servers' certificates are checked against, and
    /// only those (`archive connect --ca`); `None`: the system's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<String>,
}

fn refuse(problem: impl Into<String>) -> ArchiveError {
    ArchiveError::TeamConnection {
        problem: problem.into(),
    }
}

impl TeamRecord {
    /// A record of these addresses, checked: the database's is a PostgreSQL URL holding no
    /// password, the bucket's an `http://` URL ending in the bucket's name and holding no
    /// user or password, the region a short name. Nothing of a refused address is quoted.
    pub fn new(
        database: &str,
        objects: &str,
        region: &str,
        secrets_file: Option<PathBuf>,
    ) -> Result<TeamRecord, ArchiveError> {
        let record = TeamRecord {
            database: database.to_string(),
            objects: objects.to_string(),
            region: region.to_string(),
            secrets_file,
            creator: None,
            ca: None,
        };
        record.check()?;
        Ok(record)
    }

    /// The record, its servers' certificates checked against the certificate authorities in
    /// the PEM file `file` only (`archive connect --ca FILE`), at most
    /// 64 KiB; the profile keeps their text, not the file's path.
    pub fn with_ca_file(self, file: &Path) -> Result<TeamRecord, ArchiveError> {
        let bytes = read_limited(file, super::tls::MAX_CA_BYTES).map_err(|e| {
            refuse(format!(
                "the certificate authorities' file {} cannot be read: {e}",
                file.display()
            ))
        })?;
        let pem = String::from_utf8(bytes).map_err(|_| {
            refuse(format!(
                "the certificate authorities' file {} is not PEM text",
                file.display()
            ))
        })?;
        self.with_ca(&pem)
    }

    /// The record, its servers' certificates checked against the certificate authorities in
    /// `pem` only (the text of `archive connect --ca FILE`).
    pub fn with_ca(mut self, pem: &str) -> Result<TeamRecord, ArchiveError> {
        super::tls::parse_ca(pem).map_err(refuse)?;
        self.ca = Some(pem.to_string());
        self.check()?;
        Ok(self)
    }

    fn check(&self) -> Result<(), ArchiveError> {
        pg::recordable_address(&self.database).map_err(refuse)?;
        let authority = self
            .objects
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or(""))
            .unwrap_or("");
        if authority.contains('@') {
            return Err(refuse(
                "the bucket's address holds a user or a password: give the bucket's keys in the environment or the secrets file instead",
            ));
        }
        let unused = s3::Credentials {
            access_key_id: String::new(),
            secret_access_key: String::new(),
            region: self.region.clone(),
        };
        s3::Bucket::new(&self.objects, unused, self.ca.as_deref())
            .map_err(|e| refuse(e.to_string()))?;
        let valid = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if self.region.is_empty()
            || self.region.chars().count() > MAX_REGION_CHARS
            || !self.region.chars().all(valid)
        {
            return Err(refuse(
                "the bucket's region is a name of lower-case letters, digits and '-' (such as us-east-1)",
            ));
        }
        if let Some(file) = &self.secrets_file {
            if !file.is_absolute() {
                return Err(refuse("the secrets file is recorded by its absolute path"));
            }
        }
        Ok(())
    }

    /// The record in `path`, if there is one; a record that cannot be read, or that names
    /// addresses a record may not hold (a password in one, written by hand), is refused.
    pub fn load(path: &Path) -> Result<Option<TeamRecord>, ArchiveError> {
        let bytes = match read_limited(path, MAX_RECORD_BYTES) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(refuse(format!(
                    "the profile's record {} cannot be read: {e}",
                    path.display()
                )))
            }
        };
        let record: TeamRecord = serde_json::from_slice(&bytes).map_err(|e| {
            refuse(format!(
                "the profile's record {} is not a team archive's connection: {e}",
                path.display()
            ))
        })?;
        record.check()?;
        Ok(Some(record))
    }

    /// Writes the record to `path` (mode 0600, atomically).
    pub fn save(&self, path: &Path) -> Result<(), ArchiveError> {
        let mut json = serde_json::to_vec_pretty(self).map_err(|e| refuse(e.to_string()))?;
        json.push(b'\n');
        if let Some(dir) = path.parent() {
            crate::fsutil::create_private_dir(dir).map_err(super::io_at(dir))?;
        }
        write_atomic_private(path, &json).map_err(super::io_at(path))
    }

    /// Removes the record in `path`; whether there was one.
    pub fn remove(path: &Path) -> Result<bool, ArchiveError> {
        match std::fs::remove_file(path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(super::io_at(path)(e)),
        }
    }

    /// The secrets, from the record's file when it names one, else from the environment as
    /// `var` gives it.
    pub fn secrets(
        &self,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<TeamSecrets, ArchiveError> {
        match &self.secrets_file {
            Some(file) => TeamSecrets::from_file(file),
            None => TeamSecrets::from_env(var),
        }
    }

    /// The connection to the archive, with `secrets`.
    pub fn connection(&self, secrets: TeamSecrets) -> TeamConnection {
        TeamConnection {
            database: self.database.clone(),
            objects: self.objects.clone(),
            region: self.region.clone(),
            ca: self.ca.clone(),
            secrets,
        }
    }

    /// The database's address without any password: the archive's name in reports.
    pub fn place(&self) -> String {
        pg::recordable_address(&self.database)
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }

    /// The member's cache of this archive (its index) under the profile's directory `root`:
    /// one directory per pair of addresses and pinned creator, since what the index holds
    /// depends on who may write (the creator's members): a profile connected to another
    /// team archive later, or pinning its creator only now, never reads an index made for
    /// another.
    pub fn cache_in(&self, root: &Path) -> PathBuf {
        let creator = self.creator.map(|c| c.hex()).unwrap_or_default();
        let name = crate::canonical::sha256_hex(
            format!("{}\n{}\n{creator}", self.place(), self.objects).as_bytes(),
        );
        root.join("team-cache").join(&name[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Coded;

    const DB: &str = "postgresql://tweevoud@127.0.0.1:5432/team";
    const BUCKET: &str = "http://127.0.0.1:9000/team-archive";

    #[test]
    fn a_record_round_trips_and_holds_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.json");
        assert_eq!(TeamRecord::load(&path).unwrap(), None);
        let mut r = TeamRecord::new(DB, BUCKET, "us-east-1", None).unwrap();
        r.creator = Some(Fingerprint::of_raw_public_key(&[7; 32]));
        r.save(&path).unwrap();
        assert_eq!(TeamRecord::load(&path).unwrap(), Some(r.clone()));
        assert_eq!(r.place(), DB);
        let cache = r.cache_in(dir.path());
        assert!(cache.starts_with(dir.path().join("team-cache")));
        // Another creator pinned, another cache.
        let mut other = r.clone();
        other.creator = None;
        assert_ne!(other.cache_in(dir.path()), cache);
        assert!(TeamRecord::remove(&path).unwrap());
        assert!(!TeamRecord::remove(&path).unwrap());
    }

    #[test]
    fn servers_elsewhere_only_over_tls() {
        let far_db = "postgresql://tweevoud@db.example.com/team";
        let far_bucket = "http://s3.example.com/team-archive";
        for (db, bucket) in [(far_db, BUCKET), (DB, far_bucket)] {
            let e = TeamRecord::new(db, bucket, "us-east-1", None).unwrap_err();
            assert_eq!(e.code(), "team_connection", "{e}");
            assert!(e.to_string().contains("not on this machine"), "{e}");
        }
        let r = TeamRecord::new(
            "postgresql://tweevoud@db.example.com/team?sslmode=require",
            "https://s3.example.com/team-archive",
            "us-east-1",
            None,
        )
        .unwrap();
        assert_eq!(r.ca, None);
        let e = r.clone().with_ca("no certificate here").unwrap_err();
        assert_eq!(e.code(), "team_connection", "{e}");
        // A record whose bucket was edited by hand to go elsewhere in clear is refused when
        // read.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.json");
        r.save(&path).unwrap();
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("https://s3", "http://s3");
        std::fs::write(&path, text).unwrap();
        let e = TeamRecord::load(&path).unwrap_err();
        assert!(e.to_string().contains("must be https://"), "{e}");
    }

    #[test]
    fn fail_addresses_holding_secrets_quoting_none() {
        let cases = [
            (
                "postgresql://tweevoud:pw-s3cr3t@127.0.0.1/team",
                BUCKET,
                "us-east-1",
            ),
            (
                "postgresql://127.0.0.1/team?password=pw-s3cr3t",
                BUCKET,
                "us-east-1",
            ),
            ("not a url pw-s3cr3t", BUCKET, "us-east-1"),
            (DB, "http://AKID:pw-s3cr3t@127.0.0.1:9000/b", "us-east-1"),
            (DB, "http://127.0.0.1:9000/", "us-east-1"),
            (DB, BUCKET, "US EAST"),
        ];
        for (db, bucket, region) in cases {
            let e = TeamRecord::new(db, bucket, region, None).unwrap_err();
            assert_eq!(e.code(), "team_connection", "{e}");
            assert!(!e.to_string().contains("s3cr3t"), "{e}");
        }
        // A record edited by hand to hold a password is refused when read.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.json");
        let r = TeamRecord::new(DB, BUCKET, "us-east-1", None).unwrap();
        let text = serde_json::to_string(&r)
            .unwrap()
            .replace("tweevoud@", "tweevoud:pw-s3cr3t@");
        std::fs::write(&path, text).unwrap();
        let e = TeamRecord::load(&path).unwrap_err();
        assert_eq!(e.code(), "team_connection", "{e}");
        assert!(!e.to_string().contains("s3cr3t"), "{e}");
    }
}
