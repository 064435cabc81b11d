//! The counterparties' public keys: import one, list them, mark one verified.

use serde::Serialize;
use tauri::{AppHandle, State};
use tweevoud::contact::Added;
use tweevoud::key::PublicKey;
use tweevoud::profile::ContactBook;

use crate::dialog::FileDialog;
use crate::{clock, worker, AppState, Error};
use tweevoud_desk::view::ContactView;

/// What importing did.
#[derive(Debug, Serialize)]
pub struct Imported {
    /// The contact.
    contact: ContactView,
    /// False when the key was already a contact (nothing changed).
    new: bool,
}

/// The contacts, by name.
#[tauri::command]
pub async fn list_contacts(app: AppHandle) -> Result<Vec<ContactView>, Error> {
    worker::run(&app, |state| {
        let contacts = ContactBook::open(state.profile()).list()?;
        Ok(contacts.iter().map(ContactView::from).collect())
    })
    .await
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
        let book = ContactBook::open(state.profile());
        let added = book.add_file(&path, &name, Some(&organisation), false, clock::now())?;
        Ok(Some(imported(added)))
    })
    .await
}

fn imported(added: Added) -> Imported {
    match added {
        Added::New(c) => Imported {
            contact: ContactView::from(&c),
            new: true,
        },
        Added::AlreadyKnown(c) => Imported {
            contact: ContactView::from(&c),
            new: false,
        },
    }
}

/// Remembers the key of signature `index` of the agreement on the desk as a contact, under
/// the name and organisation it was signed with, not verified.
#[tauri::command]
pub async fn remember_signer(app: AppHandle, index: usize) -> Result<Imported, Error> {
    worker::run(&app, move |state| {
        let statement = {
            let guard = state.work();
            let work = guard.as_ref().ok_or(Error::NoAgreement)?;
            let record = work
                .agreement
                .signatures()
                .get(index)
                .ok_or(Error::NoAgreement)?;
            record.statement.clone()
        };
        let key = PublicKey::from_base64(&statement.public_key)?;
        let book = ContactBook::open(state.profile());
        let added = book.add_key(
            &key,
            &statement.signer.name,
            Some(&statement.signer.organisation),
            false,
            clock::now(),
        )?;
        Ok(imported(added))
    })
    .await
}

/// Marks the contact `fingerprint` (hex) verified: the user compared it with the person.
#[tauri::command]
pub async fn verify_contact(app: AppHandle, fingerprint: String) -> Result<(), Error> {
    worker::run(&app, move |state| {
        let book = ContactBook::open(state.profile());
        let contact = book.get(&fingerprint)?;
        book.mark_verified(contact.fingerprint(), clock::now())?;
        Ok(())
    })
    .await
}
