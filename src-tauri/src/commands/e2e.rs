//! Test hooks for the end-to-end test, refused unless the app was started with
//! `TWEEVOUD_E2E_HOOKS=1`: WebDriver can neither drop a file from the desktop on a window
//! nor, while a native dialog is open, talk to the page, so the test may stand in for them.

use std::path::PathBuf;

use tauri::{AppHandle, State};

use crate::{AppState, Error};

/// Acts as if `path` had been dropped on the window.
#[tauri::command]
pub async fn e2e_drop(
    app: AppHandle,
    state: State<'_, AppState>,
    path: PathBuf,
) -> Result<(), Error> {
    state.require_hooks()?;
    crate::drop::dropped(&app, path);
    Ok(())
}

/// Makes the next file dialog answer `path` without showing itself.
#[tauri::command]
pub async fn e2e_answer_dialog(state: State<'_, AppState>, path: PathBuf) -> Result<(), Error> {
    state.require_hooks()?;
    state.set_dialog_answer(path);
    Ok(())
}
