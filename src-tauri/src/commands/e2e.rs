//! The end-to-end test's hooks as IPC commands (see `hooks`): compiled, registered and granted
//! (`capabilities/e2e.json`) only with the `e2e-hooks` feature, and refused unless the app
//! was also started with `TWEEVOUD_E2E_HOOKS=1`.

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
    state.hooks().require()?;
    crate::drop::dropped(&app, path);
    Ok(())
}

/// Makes the next file dialog answer `path` without showing itself.
#[tauri::command]
pub async fn e2e_answer_dialog(state: State<'_, AppState>, path: PathBuf) -> Result<(), Error> {
    state.hooks().require()?;
    state.hooks().set_dialog_answer(path);
    Ok(())
}
