//! A profile's place in the team archive it is connected to: the archive its record
//! (`team.json`) names, with the secrets read now from where the record says, the member's
//! cache (its index) and checkpoint in the profile, and what the profile trusts of it (the
//! members its pinned creator signed). One way to open a connected profile's team archive,
//! for the CLI and the desktop app alike (`docs/archive-team.md`, "Connecting" and "The
//! desktop app").

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use super::{Archive, ArchiveError, Progress, Report, TeamConnection, TeamRecord, Trust};
use crate::key::Fingerprint;
use crate::signature::Signer;
use crate::Profile;

/// The team archive a profile is connected to, ready to be opened.
#[derive(Debug)]
pub struct TeamPlace {
    /// The profile's record of the connection.
    pub record: TeamRecord,
    /// The addresses, with the secrets.
    pub connection: TeamConnection,
    /// The member's cache of the archive (its index), in the profile.
    pub cache: PathBuf,
    /// The profile's checkpoint of the archive's log.
    pub checkpoint: PathBuf,
}

impl TeamPlace {
    /// The team archive `profile` is connected to, if it is; its secrets read now (from the
    /// record's file, else from the environment as `var` gives it). A record that cannot be
    /// read is `team_connection`, secrets that cannot be had `team_secrets`.
    pub fn connected(
        profile: &Profile,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<TeamPlace>, ArchiveError> {
        TeamRecord::load(&profile.team_archive_file())?
            .map(|record| TeamPlace::new(profile, record, var))
            .transpose()
    }

    /// The team archive `record` names, for `profile`, with its secrets read now.
    pub fn new(
        profile: &Profile,
        record: TeamRecord,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<TeamPlace, ArchiveError> {
        let secrets = record.secrets(var)?;
        let cache = record.cache_in(profile.root());
        Ok(TeamPlace {
            connection: record.connection(secrets),
            checkpoint: profile.archive_checkpoint(&cache),
            cache,
            record,
        })
    }

    /// What a profile whose own keys are `own` trusts of this archive: its checkpoint, and the
    /// members its pinned creator signed. A profile that has not pinned the creator trusts
    /// nothing of it (`team_connection`), since no entry could be acted on.
    pub fn trust(&self, own: Vec<Fingerprint>) -> Result<Trust, ArchiveError> {
        let creator = self.record.creator.ok_or_else(|| ArchiveError::TeamConnection {
            problem: "this profile has not pinned the key that began the team archive: connect again with --creator KEY (its fingerprint, compared with its holder), or begin it with `tweevoud archive init`".into(),
        })?;
        Ok(Trust::keys(own)
            .with_checkpoint(self.checkpoint.clone())
            .with_creator(creator))
    }

    /// The archive, open as `trust` says (see [`Archive::open_team`]).
    pub fn open(&self, trust: &Trust) -> Result<Archive, ArchiveError> {
        Archive::open_team(&self.cache, &self.connection, trust)
    }

    /// Verifies the archive as `trust` says (see [`super::verify_team`]).
    pub fn verify(
        &self,
        trust: &Trust,
        now: DateTime<FixedOffset>,
        signer: Option<&dyn Signer>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Report, ArchiveError> {
        super::verify_team(&self.cache, &self.connection, trust, now, signer, progress)
    }
}
