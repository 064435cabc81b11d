//! The Belgian eID in a card reader: what it holds, binding a key to it, and the exemplars
//! sealed with it. Each is the desk's function of the same name ([`tweevoud_desk::eid`]); the
//! browser edition has none of them, for a page cannot reach a card reader.
//!
//! The PIN, when the window asked it (the token has no protected authentication path), is
//! wiped from memory once the one operation it was given for is done.

use tauri::{AppHandle, State};
use tweevoud_desk::eid::{self as desk, EidView};
use tweevoud_desk::view::KeyView;
use zeroize::Zeroizing;

use crate::{clock, worker, AppState, Error};

/// What the card readers hold: the eID card's holder, key, validity and trust, or why none
/// is shown.
#[tauri::command]
pub async fn eid_status(app: AppHandle) -> Result<EidView, Error> {
    worker::run(&app, |state| {
        Ok(desk::eid_status(state.profile(), clock::now()))
    })
    .await
}

/// Binds the key `fingerprint` (hex), unlocked with `passphrase`, to the eID in the reader;
/// `pin` is the card's PIN when the window asked it. The key as the window shows it now.
#[tauri::command]
pub async fn bind_eid(
    app: AppHandle,
    fingerprint: String,
    passphrase: String,
    pin: Option<String>,
) -> Result<KeyView, Error> {
    let passphrase = Zeroizing::new(passphrase);
    let pin = pin.map(Zeroizing::new);
    worker::run(&app, move |state| {
        Ok(desk::bind_eid(
            state.profile(),
            &fingerprint,
            &passphrase,
            pin,
            clock::now(),
        )?)
    })
    .await
}

/// Saves the agreement's exemplars sealed with the eID in the reader (a qualified seal), as
/// `export_exemplars` saves them: the card must be of a signer whose key is bound to it; `pin`
/// is the card's PIN when the window asked it. The names written, or `None` if the dialog
/// was cancelled.
#[tauri::command]
pub async fn export_eid_exemplars(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    pin: Option<String>,
) -> Result<Option<Vec<String>>, Error> {
    let pin = pin.map(Zeroizing::new);
    let pdfs = worker::run(&app, move |state| {
        Ok(desk::eid_exemplars(
            state.profile(),
            &state.work(),
            pin,
            clock::now(),
        )?)
    })
    .await?;
    super::exemplars::save_exemplars(app, state, title, pdfs).await
}
