//! The running app and its profile.

use tauri::{AppHandle, State};
use tweevoud_desk::command as desk;
use tweevoud_desk::view::AppInfo;

use crate::{AppState, Error};

/// The app's version and profile directory, and a file waiting to be verified.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, Error> {
    Ok(desk::app_info(
        "desktop",
        Some(state.data_dir().display().to_string()),
        state.waiting_file(),
    ))
}

/// Closes the app: the user agreed to lose the unsaved changes (see `close.rs`).
#[tauri::command]
pub async fn quit(app: AppHandle) {
    app.exit(0);
}
