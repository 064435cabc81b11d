//! The end-to-end test's hooks, compiled only with the `e2e-hooks` feature (`make e2e`); the
//! app people run has none of this, nor the names below (`make test` checks its binary).
//!
//! WebDriver can neither drop a file from the desktop on a window nor, while a native dialog
//! is open, talk to the page, and the test must not start a real PDF viewer. So, when the app
//! also runs with `TWEEVOUD_E2E_HOOKS=1`, the test may stand in for them: the commands in
//! `commands::e2e` act as if a file were dropped and set the next file dialog's answer, and
//! `TWEEVOUD_PDF_VIEWER` names the program run instead of the system's PDF viewer.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::Error;

/// The environment variable that turns the hooks on (`1`), a second gate after the feature.
pub const ENV: &str = "TWEEVOUD_E2E_HOOKS";

/// The environment variable naming the program that opens PDFs instead of the system viewer.
pub const VIEWER_ENV: &str = "TWEEVOUD_PDF_VIEWER";

/// Whether the app was started with the hooks on.
fn on_in_env() -> bool {
    std::env::var_os(ENV).is_some_and(|v| v == "1")
}

/// The hooks' part of the app's state.
#[derive(Debug, Default)]
pub struct Hooks {
    on: bool,
    dialog_answer: Mutex<Option<PathBuf>>,
}

impl Hooks {
    /// On if the app was started with `TWEEVOUD_E2E_HOOKS=1`.
    pub fn from_env() -> Hooks {
        Hooks {
            on: on_in_env(),
            ..Hooks::default()
        }
    }

    /// Refuses unless the hooks are on.
    pub fn require(&self) -> Result<(), Error> {
        if self.on {
            Ok(())
        } else {
            Err(Error::HooksOff)
        }
    }

    /// The next file dialog answers `path` without showing itself.
    pub fn set_dialog_answer(&self, path: PathBuf) {
        *self.dialog_answer.lock().unwrap_or_else(|e| e.into_inner()) = Some(path);
    }

    /// The answer the test set for the next file dialog, if any (taken: it is used once).
    pub fn take_dialog_answer(&self) -> Option<PathBuf> {
        self.dialog_answer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }
}

/// The program the test wants PDFs opened with, if the hooks are on and it named one.
pub fn pdf_viewer() -> Option<OsString> {
    on_in_env().then(|| std::env::var_os(VIEWER_ENV)).flatten()
}
