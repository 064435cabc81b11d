//! The profile's own signing keys: make one, list them, hand out the public key.

use tauri::{AppHandle, State};
use tweevoud::fsutil::write_atomic;
use tweevoud::{passphrase_strength as strength, KeyStore, Strength};
use zeroize::Zeroizing;

use crate::dialog::FileDialog;
use crate::files::file_name;
use crate::{clock, worker, AppState, Error};
use tweevoud_desk::view::KeyView;

/// The profile's keys, oldest first.
#[tauri::command]
pub async fn list_keys(app: AppHandle) -> Result<Vec<KeyView>, Error> {
    worker::run(&app, |state| {
        let keys = KeyStore::open(state.profile()).list()?;
        Ok(keys.iter().map(KeyView::from).collect())
    })
    .await
}

/// How strong a passphrase looks (a hint while it is typed).
#[tauri::command]
pub async fn passphrase_strength(app: AppHandle, passphrase: String) -> Result<Strength, Error> {
    let passphrase = Zeroizing::new(passphrase);
    worker::run(&app, move |_| Ok(strength(&passphrase))).await
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
    if passphrase != confirmation {
        return Err(Error::PassphrasesDiffer);
    }
    worker::run(&app, move |state| {
        let store = KeyStore::open(state.profile());
        let info = store.create(
            &name,
            Some(&organisation),
            Some(&function),
            &passphrase,
            clock::now(),
        )?;
        Ok(KeyView::from(&info))
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
    let (name, pem) = worker::run(&app, move |state| {
        let store = KeyStore::open(state.profile());
        let info = store.get(&fingerprint)?;
        Ok((info.name().to_string(), store.export_public(&fingerprint)?))
    })
    .await?;
    let suggested = format!("{}.pub.pem", name.replace(char::is_whitespace, "-"));
    let dialog = FileDialog::save(title, suggested).filter("PEM", &["pem"]);
    let Some(path) = dialog.ask(&state).await else {
        return Ok(None);
    };
    worker::run(&app, move |_| {
        write_atomic(&path, pem.as_bytes()).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        Ok(Some(file_name(&path)))
    })
    .await
}
