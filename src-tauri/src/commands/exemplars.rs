//! Exemplar PDFs: the PDF to send for countersignature, or the two final exemplars, saved
//! where the user chooses.

use tauri::State;
use tweevoud::pdf;

use crate::dialog::FileDialog;
use crate::files::write_exemplars;
use crate::{AppState, Error};

/// Saves the agreement's exemplars: the one PDF to send while it awaits its countersignature
/// (a save dialog), both exemplars once complete (a folder dialog). The names written, or
/// `None` if the dialog was cancelled.
#[tauri::command]
pub async fn export_exemplars(
    state: State<'_, AppState>,
    title: String,
) -> Result<Option<Vec<String>>, Error> {
    let pdfs = {
        let guard = state.work();
        let work = guard.as_ref().ok_or(Error::NoAgreement)?;
        pdf::exemplars(&work.agreement)?
    };
    let dialog = match &pdfs[..] {
        [one] => FileDialog::save(title, one.file_name.clone()).filter("PDF", &["pdf"]),
        _ => FileDialog::folder(title),
    };
    let Some(chosen) = dialog.ask(&state).await else {
        return Ok(None);
    };
    let written = write_exemplars(&pdfs, &chosen)?;
    Ok(Some(written))
}
