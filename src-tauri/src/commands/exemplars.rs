//! Exemplar PDFs: the PDF to send for countersignature, or the two final exemplars, saved
//! where the user chooses.

use tauri::{AppHandle, State};
use tweevoud::pdf;

use crate::dialog::FileDialog;
use crate::files::write_exemplars;
use crate::{worker, AppState, Error};

/// Saves the agreement's exemplars: the one PDF to send while it awaits its countersignature
/// (a save dialog), both exemplars once complete (a folder dialog). The names written, or
/// `None` if the dialog was cancelled.
#[tauri::command]
pub async fn export_exemplars(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
) -> Result<Option<Vec<String>>, Error> {
    let pdfs = worker::run(&app, |state| {
        let guard = state.work();
        let work = guard.as_ref().ok_or(Error::NoAgreement)?;
        Ok(pdf::exemplars(&work.agreement)?)
    })
    .await?;
    let dialog = match &pdfs[..] {
        [one] => FileDialog::save(title, one.file_name.clone()).filter("PDF", &["pdf"]),
        _ => FileDialog::folder(title),
    };
    let Some(chosen) = dialog.ask(&state).await else {
        return Ok(None);
    };
    worker::run(&app, move |_| write_exemplars(&pdfs, &chosen).map(Some)).await
}
