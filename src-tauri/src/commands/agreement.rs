//! The agreement on the desk: start one from a template, fill it in, sign it, save it, open
//! one from a file (picked or dropped).

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, State};
use tweevoud::{Agreement, KeyStore, Party};
use zeroize::Zeroizing;

use crate::dialog::FileDialog;
use crate::files::read_agreement;
use crate::state::{sign_and_archive, Work};
use crate::{clock, worker, AppState, Error};
use tweevoud_desk::view::{AgreementView, SignPreview};

/// A value as the core would store it.
#[derive(Debug, Serialize)]
pub struct Checked {
    /// The normal form.
    value: String,
    /// As it would read in the text.
    display: String,
}

/// Starts an agreement from the template `template`, prepared by the provider.
#[tauri::command]
pub async fn new_agreement(app: AppHandle, template: String) -> Result<AgreementView, Error> {
    worker::run(&app, move |state| {
        let template = state.template(&template)?.clone();
        let work = Work::new(Agreement::new(template, Party::Provider, clock::now()));
        let view = AgreementView::of(state.profile(), &work);
        *state.work() = Some(work);
        Ok(view)
    })
    .await
}

/// The agreement on the desk as it stands (after its signers' trust changed, say).
#[tauri::command]
pub async fn current_agreement(app: AppHandle) -> Result<AgreementView, Error> {
    worker::run(&app, |state| {
        let guard = state.work();
        let work = guard.as_ref().ok_or(Error::NoAgreement)?;
        Ok(AgreementView::of(state.profile(), work))
    })
    .await
}

/// Checks a value for a blank of the open agreement without changing anything.
#[tauri::command]
pub async fn check_value(app: AppHandle, blank: String, value: String) -> Result<Checked, Error> {
    worker::run(&app, move |state| {
        let guard = state.work();
        let a = &guard.as_ref().ok_or(Error::NoAgreement)?.agreement;
        let value = a.check_value(&blank, &value)?;
        let display = a
            .template()
            .blank(&blank)
            .map(|b| b.kind.display(&value, a.template().language()));
        Ok(Checked {
            display: display.unwrap_or_else(|| value.clone()),
            value,
        })
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
        let mut guard = state.work();
        let work = guard.as_mut().ok_or(Error::NoAgreement)?;
        let party = work.filler(state.profile())?;
        let before = work.agreement.audit().len();
        if value.trim().is_empty() {
            work.agreement.clear(party, &[blank], clock::now())?;
        } else {
            work.agreement
                .fill(party, &[(blank, value)], clock::now())?;
        }
        work.saved &= work.agreement.audit().len() == before;
        Ok(AgreementView::of(state.profile(), work))
    })
    .await
}

/// The user has seen the signatures already on the agreement: filling in may begin.
#[tauri::command]
pub async fn acknowledge_signatures(app: AppHandle) -> Result<AgreementView, Error> {
    worker::run(&app, |state| {
        let mut guard = state.work();
        let work = guard.as_mut().ok_or(Error::NoAgreement)?;
        work.reviewed = true;
        Ok(AgreementView::of(state.profile(), work))
    })
    .await
}

/// What signing now would sign, and with which keys.
#[tauri::command]
pub async fn sign_preview(app: AppHandle) -> Result<SignPreview, Error> {
    worker::run(&app, |state| {
        let guard = state.work();
        let work = guard.as_ref().ok_or(Error::NoAgreement)?;
        Ok(SignPreview::of(state.profile(), work, clock::now())?)
    })
    .await
}

/// Signs as the acting party with the key `key` (fingerprint hex), leaving the other
/// party's empty blanks open for it. A wrong passphrase changes nothing.
#[tauri::command]
pub async fn sign_agreement(
    app: AppHandle,
    key: String,
    passphrase: String,
) -> Result<AgreementView, Error> {
    let passphrase = Zeroizing::new(passphrase);
    worker::run(&app, move |state| {
        let store = KeyStore::open(state.profile());
        let owner = store.get(&key)?;
        let unlocked = store.unlock(&key, &passphrase)?;
        let mut guard = state.work();
        let work = guard.as_mut().ok_or(Error::NoAgreement)?;
        sign_and_archive(work, state.profile(), &unlocked, owner.name(), clock::now())?;
        Ok(AgreementView::of(state.profile(), work))
    })
    .await
}

/// Asks the profile's time-stamping authorities for a trusted timestamp of every signature
/// that has none (signed offline, or when no TSA answered). `no_timestamp` when none could be
/// added for a signature that has none.
#[tauri::command]
pub async fn timestamp_agreement(app: AppHandle) -> Result<AgreementView, Error> {
    worker::run(&app, |state| {
        let tsas = tweevoud::tsa::TsaList::open(state.profile());
        let named = tsas.list().map(|l| l.len()).unwrap_or(0);
        let mut guard = state.work();
        let work = guard.as_mut().ok_or(Error::NoAgreement)?;
        let before = work.agreement.to_json();
        let missing = work.timestamp(&tsas);
        if missing > 0 && work.agreement.to_json() == before {
            return Err(Error::NoTimestamp { tsas: named });
        }
        Ok(AgreementView::of(state.profile(), work))
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
        let work = guard.as_ref().ok_or(Error::NoAgreement)?;
        suggested_file(work)
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
        let mut guard = state.work();
        let work = guard.as_mut().ok_or(Error::NoAgreement)?;
        work.agreement.save(&path)?;
        work.file = Some(path);
        work.saved = true;
        Ok(Some(AgreementView::of(state.profile(), work)))
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

/// Reads the agreement in `path` and puts it on the desk; a file that is refused leaves the
/// desk as it was (it is read before the desk is touched).
fn open_path(state: &AppState, path: PathBuf) -> Result<AgreementView, Error> {
    let opened = read_agreement(&path)?;
    let work = Work::opened(state.profile(), opened, path);
    let view = AgreementView::of(state.profile(), &work);
    *state.work() = Some(work);
    Ok(view)
}

/// The file name offered when saving, and the folder: where it came from, else the
/// template's id.
fn suggested_file(work: &Work) -> (String, Option<PathBuf>) {
    match &work.file {
        Some(path) => (
            crate::files::file_name(&path.with_extension("tweevoud")),
            path.parent().map(PathBuf::from),
        ),
        None => (
            format!("{}.tweevoud", work.agreement.template().id()),
            std::env::var_os("HOME").map(PathBuf::from),
        ),
    }
}
