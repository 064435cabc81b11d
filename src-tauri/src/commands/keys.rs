//! The profile's own signing keys: make one, list them, hand out the public key.

use tauri::State;
use tweevoud::{passphrase_strength as strength, KeyStore, Strength};
use zeroize::Zeroizing;

use crate::dialog::FileDialog;
use crate::files::file_name;
use crate::view::KeyView;
use crate::{clock, AppState, Error};

/// The profile's keys, oldest first.
#[tauri::command]
pub fn list_keys(state: State<'_, AppState>) -> Result<Vec<KeyView>, Error> {
    let keys = KeyStore::open(state.profile()).list()?;
    Ok(keys.iter().map(KeyView::from).collect())
}

/// How strong a passphrase looks (a hint while it is typed).
#[tauri::command]
pub fn passphrase_strength(passphrase: String) -> Strength {
    strength(&Zeroizing::new(passphrase))
}

/// Makes a new signing key, its secret encrypted with `passphrase`.
#[tauri::command]
pub async fn create_key(
    state: State<'_, AppState>,
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
    let store = KeyStore::open(state.profile());
    let info = store.create(
        &name,
        Some(&organisation),
        Some(&function),
        &passphrase,
        clock::now(),
    )?;
    Ok(KeyView::from(&info))
}

/// Saves the public key `fingerprint` (hex) where the user chooses; the file's name, or
/// `None` if the dialog was cancelled.
#[tauri::command]
pub async fn export_public_key(
    state: State<'_, AppState>,
    fingerprint: String,
    title: String,
) -> Result<Option<String>, Error> {
    let store = KeyStore::open(state.profile());
    let info = store.get(&fingerprint)?;
    let pem = store.export_public(&fingerprint)?;
    let suggested = format!("{}.pub.pem", info.name().replace(char::is_whitespace, "-"));
    let dialog = FileDialog::save(title, suggested).filter("PEM", &["pem"]);
    let Some(path) = dialog.ask(&state).await else {
        return Ok(None);
    };
    std::fs::write(&path, pem).map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    Ok(Some(file_name(&path)))
}
