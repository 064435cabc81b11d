//! What the app holds while it runs.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, FixedOffset};
use tweevoud::archive::{self, Lookup};
use tweevoud::judgement::judge_agreement;
use tweevoud::key::Fingerprint;
use tweevoud::pdf::ExemplarCheck;
use tweevoud::template::{self, Template};
use tweevoud::{
    Agreement, Archive, Context, Judgement, KeyStore, Party, Profile, Turn, UnlockedKey,
};

use crate::error::Error;
use crate::files::Opened;

/// The one shared state, built before the window opens and `.manage()`d. Locks are taken only
/// around what changes: the agreement being worked on, a dropped file, a test answer.
#[derive(Debug)]
pub struct AppState {
    profile: Profile,
    templates: Vec<Template>,
    work: Mutex<Option<Work>>,
    dropped: Mutex<Option<PathBuf>>,
    verified: Mutex<Option<PathBuf>>,
    #[cfg(feature = "e2e-hooks")]
    hooks: crate::hooks::Hooks,
}

/// The agreement on the desk: made from a template here, or opened from a file.
#[derive(Debug)]
pub struct Work {
    /// The agreement as it stands now.
    pub agreement: Agreement,
    /// The party filling in and signing now (`None` once both have signed).
    pub acting: Option<Party>,
    /// The file it was opened from or last saved to.
    pub file: Option<PathBuf>,
    /// Whether nothing would be lost by closing it: everything done is saved in `file`.
    pub saved: bool,
    /// Whether the user has seen the existing signatures (always true for a new agreement):
    /// nothing can be filled in before.
    pub reviewed: bool,
    /// For an agreement opened from an exemplar PDF: the core's check of the PDF itself (its
    /// label, and whether it shows the agreement inside).
    pub pdf: Option<ExemplarCheck>,
    /// The archive id, once this version is in the profile's archive.
    pub archived: Option<String>,
    /// Why archiving it failed, if it did (the signature stands all the same), as the IPC
    /// error `{kind, message, ...}`, so that the window can word it.
    pub archive_error: Option<serde_json::Value>,
}

/// The archive id of exactly this version of `agreement`, if the profile's archive holds it.
pub fn archived_id(profile: &Profile, agreement: &Agreement) -> Option<String> {
    let json = agreement.to_json();
    match archive::lookup(&profile.archive_dir(), json.as_bytes()).ok()? {
        Lookup::AgreementFile {
            agreement,
            current: true,
            ..
        }
        | Lookup::SameContent { agreement } => Some(agreement.id),
        _ => None,
    }
}

/// The profile's archive, opened to be written: with the profile's checkpoint of its log, so
/// that nothing is added to a log that was cut or rebuilt, and each signed entry moves the
/// checkpoint.
pub fn archive_for_writing(profile: &Profile) -> Result<Archive, tweevoud::ArchiveError> {
    let dir = profile.archive_dir();
    Ok(Archive::open(&dir)?.with_checkpoint(profile.archive_checkpoint(&dir)))
}

/// The profile's own keys (a key directory that cannot be read counts as holding none).
pub fn own_keys(profile: &Profile) -> Vec<Fingerprint> {
    KeyStore::open(profile)
        .list()
        .unwrap_or_default()
        .iter()
        .map(|k| *k.fingerprint())
        .collect()
}

/// Who fills in and signs next in this profile ([`Agreement::acting_party`] with the
/// profile's own keys).
pub fn acting_party(profile: &Profile, agreement: &Agreement) -> Option<Party> {
    agreement.acting_party(&own_keys(profile))
}

impl Work {
    /// A new agreement, started here by the provider. Nothing is lost if it is left as it is,
    /// so it counts as saved until something is filled in.
    pub fn new(agreement: Agreement) -> Work {
        Work {
            acting: agreement.next_signer(),
            agreement,
            file: None,
            saved: true,
            reviewed: true,
            pdf: None,
            archived: None,
            archive_error: None,
        }
    }

    /// An agreement read from `file`: the party that has not signed yet fills in next, after
    /// looking at the signatures already on it.
    pub fn opened(profile: &Profile, opened: Opened, file: PathBuf) -> Work {
        let agreement = opened.agreement;
        let unsigned = agreement.signatures().is_empty();
        let archived = archived_id(profile, &agreement);
        Work {
            acting: acting_party(profile, &agreement),
            agreement,
            file: Some(file),
            saved: true,
            reviewed: unsigned,
            pdf: opened.pdf,
            archived,
            archive_error: None,
        }
    }
}

impl AppState {
    /// Opens the profile at `data_dir` (made absolute), creating the directory if it is new,
    /// and loads the built-in templates. (With the `e2e-hooks` feature, the test hooks are on
    /// if the environment says so.)
    pub fn open(data_dir: PathBuf) -> Result<AppState, Error> {
        let fail = |source| Error::DataDir {
            path: data_dir.clone(),
            source,
        };
        tweevoud::profile::create_private_dir(&data_dir).map_err(fail)?;
        let data_dir = std::path::absolute(&data_dir).map_err(fail)?;
        Ok(AppState {
            profile: Profile::at(data_dir),
            templates: template::builtin(),
            work: Mutex::new(None),
            dropped: Mutex::new(None),
            verified: Mutex::new(None),
            #[cfg(feature = "e2e-hooks")]
            hooks: crate::hooks::Hooks::from_env(),
        })
    }

    /// The profile directory.
    pub fn data_dir(&self) -> &Path {
        self.profile.root()
    }

    /// The profile: keys, contacts, archive.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The templates the app offers, the DPA first.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// The template with this id.
    pub fn template(&self, id: &str) -> Result<&Template, Error> {
        self.templates
            .iter()
            .find(|t| t.id() == id)
            .ok_or_else(|| template::TemplateError::NotFound(id.to_string()).into())
    }

    /// The agreement on the desk, locked.
    pub fn work(&self) -> MutexGuard<'_, Option<Work>> {
        self.work.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Remembers the file last dropped on the window.
    pub fn set_dropped(&self, path: PathBuf) {
        *self.dropped.lock().unwrap_or_else(|e| e.into_inner()) = Some(path);
    }

    /// The name of the file waiting to be opened or verified (dropped, or given on the command
    /// line), if any; it stays waiting.
    pub fn waiting_file(&self) -> Option<String> {
        self.dropped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_deref()
            .map(crate::files::file_name)
    }

    /// The file last dropped on the window, taken (a drop is used once).
    pub fn take_dropped(&self) -> Result<PathBuf, Error> {
        self.dropped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .ok_or(Error::NothingDropped)
    }

    /// Remembers the file last verified, which the user may then open.
    pub fn set_verified(&self, path: PathBuf) {
        *self.verified.lock().unwrap_or_else(|e| e.into_inner()) = Some(path);
    }

    /// The file last verified.
    pub fn verified(&self) -> Result<PathBuf, Error> {
        self.verified
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or(Error::NothingDropped)
    }

    /// The end-to-end test's hooks (only with the `e2e-hooks` feature).
    #[cfg(feature = "e2e-hooks")]
    pub fn hooks(&self) -> &crate::hooks::Hooks {
        &self.hooks
    }
}

impl Work {
    /// Signs as the acting party with `key` (whose owner is `owner`), leaving the other
    /// party's empty blanks open for it; then files the signed agreement in the profile's
    /// archive, the log entry signed with the same key. If archiving fails, the signature
    /// stands and `archive_error` says why.
    pub fn sign(
        &mut self,
        profile: &Profile,
        key: &UnlockedKey,
        owner: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<(), Error> {
        let role = self.filler(profile)?;
        let leave_open = self.leave_open_for(role);
        self.agreement
            .sign(key, role, Some(owner), leave_open, now)?;
        self.acting = acting_party(profile, &self.agreement);
        self.saved = false;
        let json = self.agreement.to_json();
        match archive_for_writing(profile)
            .and_then(|mut archive| archive.add(json.as_bytes(), now, Some(key)))
        {
            Ok(added) => self.archived = Some(added.id),
            Err(e) => self.archive_error = serde_json::to_value(Error::from(e)).ok(),
        }
        Ok(())
    }

    /// The party `role` leaves its empty blanks open for when it signs: the other party, until
    /// it signed.
    pub fn leave_open_for(&self, role: Party) -> Option<Party> {
        let other = role.other();
        (!self.agreement.has_signed(other)).then_some(other)
    }

    /// The core's answer to what may be done next here ([`Agreement::turn`]).
    pub fn turn(&self, profile: &Profile) -> Turn {
        self.agreement.turn(
            &tweevoud::verify(&self.agreement),
            self.pdf.as_ref(),
            &own_keys(profile),
            self.reviewed,
        )
    }

    /// The core's judgement of the agreement as it stands, as if read from its file.
    pub fn judgement(&self, profile: &Profile) -> Judgement {
        judge_agreement(
            &self.agreement,
            self.pdf.as_ref(),
            &Context {
                keyring: Some(profile),
                archive: None,
            },
        )
    }

    /// The party that may fill in and sign now: after the signatures were looked at, while
    /// someone has still to sign, and only in an agreement (and PDF) that holds.
    pub fn filler(&self, profile: &Profile) -> Result<Party, Error> {
        let turn = self.turn(profile);
        if let Some(first) = turn.blocked {
            return Err(Error::NotIntact(first));
        }
        if turn.review {
            return Err(Error::NotReviewed);
        }
        turn.acting.ok_or(Error::Finished)
    }
}
