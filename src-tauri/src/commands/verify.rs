//! Verify any file: picked in the dialog or dropped on the window.

use std::path::Path;

use tauri::{AppHandle, State};
use tweevoud::{judge_file, Context};

use crate::dialog::FileDialog;
use crate::{worker, AppState, Error};
use tweevoud_desk::view::FileVerdict;

/// Verifies a file the user picks; `None` if the dialog was cancelled.
#[tauri::command]
pub async fn verify_file(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
) -> Result<Option<FileVerdict>, Error> {
    let dialog = FileDialog::open(title)
        .filter("Tweevoud", &["tweevoud", "pdf", "json"])
        .filter("*", &["*"]);
    match dialog.ask(&state).await {
        Some(path) => worker::run(&app, move |state| verdict(state, &path))
            .await
            .map(Some),
        None => Ok(None),
    }
}

/// Verifies the file last dropped on the window.
#[tauri::command]
pub async fn verify_dropped(app: AppHandle) -> Result<FileVerdict, Error> {
    worker::run(&app, |state| {
        let path = state.take_dropped()?;
        verdict(state, &path)
    })
    .await
}

fn verdict(state: &AppState, path: &Path) -> Result<FileVerdict, Error> {
    let archive = state.profile().archive_dir();
    let ctx = Context {
        keyring: Some(state.profile()),
        archive: Some(&archive),
    };
    let judgement = judge_file(path, &ctx).map_err(Error::from_open)?;
    state.set_verified(path.to_path_buf());
    Ok(FileVerdict::of(path, judgement))
}

/// What the window receives for the file at `path`, as the verify commands send it (for the
/// app's verdict test, which runs the core's table of cases through it).
pub fn verdict_json(state: &AppState, path: &Path) -> Result<serde_json::Value, Error> {
    let verdict = verdict(state, path)?;
    Ok(serde_json::to_value(verdict).expect("a verdict serializes"))
}
