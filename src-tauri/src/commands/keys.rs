//! The profile's own signing keys: make one, list them, hand out the public key. Each command
//! is the desk's of the same name ([`tweevoud_desk::command`]); the app adds the file dialog.

use tauri::{AppHandle, State};
use tweevoud::fsutil::write_atomic;
use tweevoud::Strength;
use tweevoud_desk::command as desk;
use tweevoud_desk::view::KeyView;
use zeroize::Zeroizing;

use crate::dialog::FileDialog;
use crate::files::file_name;
use crate::{clock, worker, AppState, Error};

/// The profile's keys, oldest first.
#[tauri::command]
pub async fn list_keys(app: AppHandle) -> Result<Vec<KeyView>, Error> {
    worker::run(&app, |state| Ok(desk::list_keys(state.profile())?)).await
}

/// How strong a passphrase looks (a hint while it is typed).
#[tauri::command]
pub async fn passphrase_strength(app: AppHandle, passphrase: String) -> Result<Strength, Error> {
    let passphrase = Zeroizing::new(passphrase);
    worker::run(&app, move |_| Ok(desk::passphrase_strength(&passphrase))).await
}

/// Makes a new signing key, its secret encrypted with `passphrase`.
#[tauri::command]
pub async fn create_key(
    app: AppHandle,
    name: String,
    organisation: String,
    function: String,
    passphrase: String,
    confirmation: String,
) -> Result<KeyView, Error> {
    // Passphrases are wiped from memory when dropped, as the core does with its own copies.
    let (passphrase, confirmation) = (Zeroizing::new(passphrase), Zeroizing::new(confirmation));
    worker::run(&app, move |state| {
        let mut place = state.profile().clone();
        let key = desk::create_key(
            &mut place,
            &name,
            &organisation,
            &function,
            &passphrase,
            &confirmation,
            clock::now(),
        )?;
        Ok(key)
    })
    .await
}

/// Saves the public key `fingerprint` (hex) where the user chooses; the file's name, or
/// `None` if the dialog was cancelled.
#[tauri::command]
pub async fn export_public_key(
    app: AppHandle,
    state: State<'_, AppState>,
    fingerprint: String,
    title: String,
) -> Result<Option<String>, Error> {
    let file = worker::run(&app, move |state| {
        Ok(desk::public_key_file(state.profile(), &fingerprint)?)
    })
    .await?;
    let dialog = FileDialog::save(title, file.file_name).filter("PEM", &["pem"]);
    let Some(path) = dialog.ask(&state).await else {
        return Ok(None);
    };
    worker::run(&app, move |_| {
        write_atomic(&path, file.text.as_bytes()).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        Ok(Some(file_name(&path)))
    })
    .await
}
