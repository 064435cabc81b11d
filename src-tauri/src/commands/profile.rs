//! The running app and its profile.

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, State};

use crate::{AppState, Error};

/// What the window shows about the app itself.
#[derive(Debug, Serialize)]
pub struct AppInfo {
    /// The app's version.
    version: &'static str,
    /// Which Tweevoud this is: `desktop` (the browser edition says `web`).
    edition: &'static str,
    /// The profile directory in use.
    data_dir: PathBuf,
    /// The name of a file given on the command line, waiting to be verified.
    waiting_file: Option<String>,
}

/// The app's version and profile directory, and a file waiting to be verified.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, Error> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        edition: "desktop",
        data_dir: state.data_dir().to_path_buf(),
        waiting_file: state.waiting_file(),
    })
}

/// Closes the app: the user agreed to lose the unsaved changes (see `close.rs`).
#[tauri::command]
pub async fn quit(app: AppHandle) {
    app.exit(0);
}
