//! The judgement's part that needs the `fs` feature: a file judged by its path
//! ([`judge_file`]), and what the archive knows of the very bytes ([`ArchiveCheck`]), asked
//! when the [`Context`] names an archive.

use std::path::Path;

use serde::ser::SerializeMap;
use serde::Serialize;

use super::{judge, Context, Judgement, Verdict, VerdictCode};
use crate::archive::{self, Lookup};
use crate::open::{self, OpenError};
use crate::verify::Status;

/// What the archive knows of the file (see [`archive::lookup`]).
#[derive(Debug, Clone)]
pub enum ArchiveCheck {
    /// The archive was consulted.
    Consulted(Lookup),
    /// The archive exists but cannot be consulted.
    Unavailable {
        /// Why, in English.
        detail: String,
    },
}

impl Serialize for ArchiveCheck {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ArchiveCheck::Consulted(lookup) => lookup.serialize(s),
            ArchiveCheck::Unavailable { detail } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("status", "unavailable")?;
                m.serialize_entry("detail", detail)?;
                m.end()
            }
        }
    }
}

impl Judgement {
    /// The judgement of readable contents with what the archive in `dir` knows of `bytes`,
    /// the file judged.
    pub(super) fn archived(self, dir: &Path, bytes: &[u8]) -> Judgement {
        self.with_archive(match archive::lookup(dir, bytes) {
            Ok(found) => ArchiveCheck::Consulted(found),
            Err(e) => ArchiveCheck::Unavailable {
                detail: e.to_string(),
            },
        })
    }

    /// The judgement of readable contents with what the archive knows of the file: a valid
    /// agreement is [`VerdictCode::ArchiveMismatch`] when the archive holds another version.
    fn with_archive(mut self, check: ArchiveCheck) -> Judgement {
        let check = match check {
            // Exemplars are rendered deterministically: a PDF that is exactly the rendering of
            // the archived agreement, yet not byte for byte a stored exemplar, was laid out by
            // another renderer version. It is the same agreement.
            ArchiveCheck::Consulted(Lookup::DiffersFromExemplars { agreement })
                if self
                    .exemplar
                    .as_ref()
                    .is_some_and(|p| p.problems.is_empty()) =>
            {
                ArchiveCheck::Consulted(Lookup::SameContent { agreement })
            }
            other => other,
        };
        // The archive holds another completed version of this agreement: two different
        // agreements were countersigned on one first signature, or this copy is not the one
        // that was archived.
        let differs = match &check {
            ArchiveCheck::Consulted(Lookup::DiffersFromExemplars { .. }) => true,
            ArchiveCheck::Consulted(Lookup::OtherVersion { agreement }) => {
                agreement.status == Status::Complete && self.status == Status::Complete
            }
            _ => false,
        };
        if differs && !matches!(self.status, Status::Invalid | Status::Unsigned) {
            self.verdict = Verdict::of(VerdictCode::ArchiveMismatch, self.awaiting);
            self.summary = self.sentence();
        }
        self.archive = Some(check);
        self
    }
}

/// Judges the file at `path`. The error is for a file that cannot be read at all; a file too
/// large to be an agreement is judged as not a Tweevoud file.
pub fn judge_file(path: &Path, ctx: &Context<'_>) -> Result<Judgement, OpenError> {
    match open::read_file(path) {
        Ok(bytes) => Ok(judge(&bytes, ctx)),
        Err(OpenError::Refused { kind, reason, .. }) => Ok(Judgement::unreadable(kind, reason)),
        Err(e) => Err(e),
    }
}

/// [`judge_file`], with what an archive the [`Context`] cannot name by a directory (a team
/// archive, open) knows of the file: `lookup` is asked with the file's bytes when they are
/// readable contents, as the archive in `ctx.archive` would be; its error, in words, makes
/// the archive unavailable to the judgement, not the file unreadable.
pub fn judge_file_looked_up(
    path: &Path,
    ctx: &Context<'_>,
    lookup: impl FnOnce(&[u8]) -> Result<Lookup, String>,
) -> Result<Judgement, OpenError> {
    let bytes = match open::read_file(path) {
        Ok(bytes) => bytes,
        Err(OpenError::Refused { kind, reason, .. }) => {
            return Ok(Judgement::unreadable(kind, reason))
        }
        Err(e) => return Err(e),
    };
    let contents = match open::read(&bytes) {
        Ok(c) => c,
        Err(u) => return Ok(Judgement::unreadable(u.kind, u.reason())),
    };
    let judgement = Judgement::of_contents(contents, ctx);
    Ok(judgement.with_archive(match lookup(&bytes) {
        Ok(found) => ArchiveCheck::Consulted(found),
        Err(detail) => ArchiveCheck::Unavailable { detail },
    }))
}

#[cfg(test)]
mod tests {
    use crate::contact::{Contact, Known};
    use crate::judgement::tests::check;
    use crate::judgement::{SignerTrust, TrustStatus};
    use crate::profile::{ContactBook, KeyStore, Profile};
    use crate::test_support::{at, key};

    /// A browser's keys and contacts in memory say of every signer what the profile with the
    /// same keys and contacts on disk says.
    #[test]
    fn known_keys_in_memory_are_trusted_as_a_profile_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let profile = Profile::at(dir.path());
        let store = KeyStore::open(&profile);
        let own = store
            .create(
                "Tom Hendrix",
                Some("Xtreme Internet Solutions BV"),
                Some("CEO"),
                "lang genoeg",
                at("2026-11-01T09:00:00+01:00"),
            )
            .unwrap();
        let own_key = store.public_key(&own).unwrap();
        let book = ContactBook::open(&profile);
        let added = at("2026-11-23T10:00:00+01:00");
        let verified = [
            (key(1), "Anne-Marie D'Hondt", Some("Klant NV"), true),
            (key(2), "Bob", None, false),
        ];
        let mut contacts = Vec::new();
        for (k, name, organisation, is_verified) in verified {
            book.add_key(&k, name, organisation, is_verified, added)
                .unwrap();
            contacts.push(
                Contact::new(&k, name, organisation, added, is_verified.then_some(added)).unwrap(),
            );
        }
        let known = Known {
            own: vec![own.clone()],
            contacts,
        };
        let cases = [
            (own_key.to_base64(), TrustStatus::OwnKey),
            (key(1).to_base64(), TrustStatus::VerifiedContact),
            (key(2).to_base64(), TrustStatus::UnverifiedContact),
            (key(3).to_base64(), TrustStatus::Unknown),
            ("not a key".to_string(), TrustStatus::Unknown),
        ];
        for (public_key, status) in cases {
            let check = check(public_key);
            let on_disk = SignerTrust::of(Some(&profile), &check);
            assert_eq!(on_disk.status, status, "{}", on_disk.description);
            assert_eq!(SignerTrust::of(Some(&known), &check), on_disk);
        }
        assert_eq!(
            SignerTrust::of(Some(&known), &check(key(1).to_base64())).verified,
            Some("2026-11-23".to_string())
        );
    }
}
