//! Verify any file: picked in the dialog or dropped on the window.

use std::path::Path;

use tauri::State;
use tweevoud::{archive, pdf};

use crate::dialog::FileDialog;
use crate::files::read_agreement;
use crate::view::FileVerdict;
use crate::{AppState, Error};

/// Verifies a file the user picks; `None` if the dialog was cancelled.
#[tauri::command]
pub async fn verify_file(
    state: State<'_, AppState>,
    title: String,
) -> Result<Option<FileVerdict>, Error> {
    let dialog = FileDialog::open(title)
        .filter("Tweevoud", &["tweevoud", "pdf", "json"])
        .filter("*", &["*"]);
    match dialog.ask(&state).await {
        Some(path) => verdict(&state, &path).map(Some),
        None => Ok(None),
    }
}

/// Verifies the file last dropped on the window.
#[tauri::command]
pub fn verify_dropped(state: State<'_, AppState>) -> Result<FileVerdict, Error> {
    let path = state.take_dropped()?;
    verdict(&state, &path)
}

fn verdict(state: &AppState, path: &Path) -> Result<FileVerdict, Error> {
    let mut verdict = match read_agreement(path) {
        Ok(opened) => FileVerdict::of(state.profile(), path, &opened),
        Err(e) if e.kind() == "read_failed" => return Err(e),
        Err(e) => return Ok(FileVerdict::unreadable(path, &e)),
    };
    // Whether the archive holds these very bytes; a file too large to be either is not asked.
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= pdf::MAX_PDF_BYTES);
    if let Some(bytes) = small.then(|| std::fs::read(path).ok()).flatten() {
        verdict.archive = archive::lookup(&state.profile().archive_dir(), &bytes).ok();
    }
    Ok(verdict)
}
