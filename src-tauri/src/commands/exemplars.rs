//! Exemplar PDFs: the PDF to send for countersignature, or the two final exemplars, saved
//! where the user chooses.

use tauri::{AppHandle, State};
use tweevoud::pdf::ExemplarPdf;
use tweevoud_desk::command as desk;
use zeroize::Zeroizing;

use crate::dialog::FileDialog;
use crate::files::write_exemplars;
use crate::{worker, AppState, Error};

/// Saves the agreement's exemplars: the one PDF to send while it awaits its countersignature
/// (a save dialog), both exemplars once complete (a folder dialog), sealed by a key of this
/// profile that signed the agreement. Right after signing here they are the PDFs sealed then;
/// otherwise `key` (fingerprint hex) and `passphrase` unlock the key that seals them, and
/// without them the answer is `seal_key_needed`. The names written, or `None` if the dialog
/// was cancelled.
#[tauri::command]
pub async fn export_exemplars(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    key: Option<String>,
    passphrase: Option<String>,
) -> Result<Option<Vec<String>>, Error> {
    let passphrase = passphrase.map(Zeroizing::new);
    let pdfs = worker::run(&app, move |state| {
        let pdfs = desk::exemplars(
            state.profile(),
            &state.work(),
            key.as_deref(),
            passphrase.as_deref().map(|p| p.as_str()),
        )?;
        Ok(pdfs)
    })
    .await?;
    save_exemplars(app, state, title, pdfs).await
}

/// Saves exemplars made already: one PDF where a save dialog says, two in the folder a folder
/// dialog names. The names written, or `None` if the dialog was cancelled. (The eID's sealed
/// exemplars are saved the same way.)
pub(crate) async fn save_exemplars(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    pdfs: Vec<ExemplarPdf>,
) -> Result<Option<Vec<String>>, Error> {
    let dialog = match &pdfs[..] {
        [one] => FileDialog::save(title, one.file_name.clone()).filter("PDF", &["pdf"]),
        _ => FileDialog::folder(title),
    };
    let Some(chosen) = dialog.ask(&state).await else {
        return Ok(None);
    };
    worker::run(&app, move |_| write_exemplars(&pdfs, &chosen).map(Some)).await
}
