//! The counterparties' public keys: import one, list them, mark one verified. Each command is
//! the desk's of the same name ([`tweevoud_desk::command`]); the app adds the file dialog.

use std::path::Path;

use tauri::{AppHandle, State};
use tweevoud::contact::ContactError;
use tweevoud::fsutil::read_limited;
use tweevoud::key::MAX_PEM_BYTES;
use tweevoud_desk::command as desk;
use tweevoud_desk::view::{ContactView, Imported};
use tweevoud_desk::DeskError;

use crate::dialog::FileDialog;
use crate::{clock, worker, AppState, Error};

/// The contacts, by name.
#[tauri::command]
pub async fn list_contacts(app: AppHandle) -> Result<Vec<ContactView>, Error> {
    worker::run(&app, |state| Ok(desk::list_contacts(state.profile())?)).await
}

/// Imports a counterparty's public key from a file the user picks, under `name`; `None` if
/// the dialog was cancelled. The file is read with the core's limits (a key file is small).
#[tauri::command]
pub async fn import_contact(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    organisation: String,
    title: String,
) -> Result<Option<Imported>, Error> {
    let dialog = FileDialog::open(title)
        .filter("PEM", &["pem", "pub", "txt"])
        .filter("*", &["*"]);
    let Some(path) = dialog.ask(&state).await else {
        return Ok(None);
    };
    worker::run(&app, move |state| {
        let text = key_file(&path).map_err(DeskError::from)?;
        let mut place = state.profile().clone();
        let imported =
            desk::import_contact(&mut place, &text, &name, Some(&organisation), clock::now())?;
        Ok(Some(imported))
    })
    .await
}

/// The text of the key file at `path`, read with the core's limit for a key file.
fn key_file(path: &Path) -> Result<String, ContactError> {
    let io = |source| ContactError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = read_limited(path, MAX_PEM_BYTES).map_err(io)?;
    String::from_utf8(bytes).map_err(|_| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "it is not text (UTF-8)",
        ))
    })
}

/// Remembers the key of signature `index` of the agreement on the desk as a contact, under
/// the name and organisation it was signed with, not verified.
#[tauri::command]
pub async fn remember_signer(app: AppHandle, index: usize) -> Result<Imported, Error> {
    worker::run(&app, move |state| {
        let mut place = state.profile().clone();
        Ok(desk::remember_signer(
            &mut place,
            &state.work(),
            index,
            clock::now(),
        )?)
    })
    .await
}

/// Marks the contact `fingerprint` (hex) verified: the user compared it with the person.
#[tauri::command]
pub async fn verify_contact(app: AppHandle, fingerprint: String) -> Result<(), Error> {
    worker::run(&app, move |state| {
        let mut place = state.profile().clone();
        Ok(desk::verify_contact(
            &mut place,
            &fingerprint,
            clock::now(),
        )?)
    })
    .await
}
