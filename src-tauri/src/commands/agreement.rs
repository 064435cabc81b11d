//! The agreement on the desk: start one from a template, fill it in, sign it, save it, open
//! one from a file (picked or dropped). Each command is the desk's of the same name
//! ([`tweevoud_desk::command`]); the app adds the dialogs and the files.

use std::path::PathBuf;

use tauri::{AppHandle, State};
use tweevoud_desk::command as desk;
use tweevoud_desk::view::{AgreementView, Checked, SignPreview};
use zeroize::Zeroizing;

use crate::dialog::FileDialog;
use crate::files::read_agreement;
use crate::{clock, worker, AppState, Error};

/// Starts an agreement from the template `template`, prepared by the provider.
#[tauri::command]
pub async fn new_agreement(app: AppHandle, template: String) -> Result<AgreementView, Error> {
    worker::run(&app, move |state| {
        let view = desk::new_agreement(
            state.profile(),
            state.templates(),
            &mut state.work(),
            &template,
            clock::now(),
        )?;
        Ok(view)
    })
    .await
}

/// The agreement on the desk as it stands (after its signers' trust changed, say).
#[tauri::command]
pub async fn current_agreement(app: AppHandle) -> Result<AgreementView, Error> {
    worker::run(&app, |state| {
        Ok(desk::current_agreement(state.profile(), &state.work())?)
    })
    .await
}

/// Checks a value for a blank of the open agreement without changing anything.
#[tauri::command]
pub async fn check_value(app: AppHandle, blank: String, value: String) -> Result<Checked, Error> {
    worker::run(&app, move |state| {
        Ok(desk::check_value(&state.work(), &blank, &value)?)
    })
    .await
}

/// Fills a blank as the acting party (an empty value empties it); nothing changes if the
/// value is refused.
#[tauri::command]
pub async fn fill_blank(
    app: AppHandle,
    blank: String,
    value: String,
) -> Result<AgreementView, Error> {
    worker::run(&app, move |state| {
        let view = desk::fill_blank(
            state.profile(),
            &mut state.work(),
            blank,
            value,
            clock::now(),
        )?;
        Ok(view)
    })
    .await
}

/// The user has seen the signatures already on the agreement: filling in may begin.
#[tauri::command]
pub async fn acknowledge_signatures(app: AppHandle) -> Result<AgreementView, Error> {
    worker::run(&app, |state| {
        Ok(desk::acknowledge_signatures(
            state.profile(),
            &mut state.work(),
        )?)
    })
    .await
}

/// What signing now would sign, and with which keys.
#[tauri::command]
pub async fn sign_preview(app: AppHandle) -> Result<SignPreview, Error> {
    worker::run(&app, |state| {
        Ok(desk::sign_preview(
            state.profile(),
            &state.work(),
            clock::now(),
        )?)
    })
    .await
}

/// Signs as the acting party with the key `key` (fingerprint hex), leaving the other
/// party's empty blanks open for it; then files it in the profile's archive. A wrong
/// passphrase changes nothing.
#[tauri::command]
pub async fn sign_agreement(
    app: AppHandle,
    key: String,
    passphrase: String,
) -> Result<AgreementView, Error> {
    let passphrase = Zeroizing::new(passphrase);
    worker::run(&app, move |state| {
        let view = desk::sign_agreement(
            state.profile(),
            &mut state.work(),
            &key,
            &passphrase,
            clock::now(),
        )?;
        Ok(view)
    })
    .await
}

/// Asks the profile's time-stamping authorities for a trusted timestamp of every signature
/// that has none (signed offline, or when no TSA answered).
#[tauri::command]
pub async fn timestamp_agreement(app: AppHandle) -> Result<AgreementView, Error> {
    worker::run(&app, |state| {
        Ok(desk::timestamp_agreement(
            state.profile(),
            &mut state.work(),
        )?)
    })
    .await
}

/// Saves the agreement file where the user chooses; `None` if the dialog was cancelled.
#[tauri::command]
pub async fn save_agreement(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
) -> Result<Option<AgreementView>, Error> {
    let (name, dir) = {
        let guard = state.work();
        let work = desk::current(&guard)?;
        let dir = match &work.file {
            Some(path) => path.parent().map(PathBuf::from),
            None => std::env::var_os("HOME").map(PathBuf::from),
        };
        (work.file_name(), dir)
    };
    let dialog = FileDialog::save(title, name)
        .filter("Tweevoud", &["tweevoud"])
        .in_directory(dir);
    let Some(mut path) = dialog.ask(&state).await else {
        return Ok(None);
    };
    let pdf = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if path.extension().is_none() || pdf {
        path.set_extension("tweevoud");
    }
    worker::run(&app, move |state| {
        let mut work = state.work();
        desk::current(&work)?.agreement.save(&path)?;
        Ok(Some(desk::saved_as(state.profile(), &mut work, path)?))
    })
    .await
}

/// Opens an agreement file the user picks; `None` if the dialog was cancelled. A file that
/// is not a readable agreement is refused and the agreement on the desk stays as it was.
#[tauri::command]
pub async fn open_agreement(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
) -> Result<Option<AgreementView>, Error> {
    let dialog = FileDialog::open(title)
        .filter("Tweevoud", &["tweevoud", "pdf", "json"])
        .filter("*", &["*"]);
    match dialog.ask(&state).await {
        Some(path) => worker::run(&app, |state| open_path(state, path))
            .await
            .map(Some),
        None => Ok(None),
    }
}

/// Opens the agreement file last dropped on the window (or handed to the app to open).
#[tauri::command]
pub async fn open_dropped(app: AppHandle) -> Result<AgreementView, Error> {
    worker::run(&app, |state| {
        let path = state.take_dropped()?;
        open_path(state, path)
    })
    .await
}

/// Opens the file last verified (the verify screen's "open this agreement").
#[tauri::command]
pub async fn open_verified(app: AppHandle) -> Result<AgreementView, Error> {
    worker::run(&app, |state| open_path(state, state.verified()?)).await
}

/// Reads the file at `path` and puts the agreement in it on the desk; a file that is refused
/// leaves the desk as it was.
fn open_path(state: &AppState, path: PathBuf) -> Result<AgreementView, Error> {
    read_agreement(state.profile(), &mut state.work(), path)
}
