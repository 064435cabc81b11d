//! What the app holds while it runs.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tweevoud::template::{self, Template};
use tweevoud::Profile;
use tweevoud_desk::DeskError;
pub use tweevoud_desk::Work;

use crate::error::Error;

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
            .map(tweevoud_desk::file_name)
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
            .ok_or_else(|| DeskError::NothingVerified.into())
    }

    /// The end-to-end test's hooks (only with the `e2e-hooks` feature).
    #[cfg(feature = "e2e-hooks")]
    pub fn hooks(&self) -> &crate::hooks::Hooks {
        &self.hooks
    }
}
