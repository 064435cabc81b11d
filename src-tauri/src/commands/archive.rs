//! The archive: store the agreement on the desk, list and search what is stored, show one
//! agreement with its audit trail, open one of its exemplars in the system's PDF viewer,
//! verify the whole archive, and say which archive it is. On a profile connected to a team
//! archive (`tweevoud archive connect`) every one of them works on the team archive: the
//! desk opens the profile's archive, whichever it is.

use std::collections::BTreeMap;

use serde::Serialize;
use tauri::AppHandle;
use tweevoud::agreement::AuditEntry;
use tweevoud::archive::{Added, Details, Report, Summary};
use tweevoud::pdf::Exemplar;
use tweevoud::Labels;
use tweevoud_desk::view::{grouped_hex, ArchiveWhere};
use tweevoud_desk::{command as desk, open_archive, DeskError, Place};
use zeroize::Zeroizing;

use crate::files::archived_exemplar;
use crate::{clock, viewer, worker, Error};

/// One archived agreement, with what the window needs beyond the index.
#[derive(Debug, Serialize)]
pub struct ArchiveDetails {
    /// What the archive holds: summary, signatures, objects, its log entries.
    #[serde(flatten)]
    details: Details,
    /// The agreement's own audit trail.
    audit: Vec<AuditEntry>,
    /// Its exemplars: id (`1`, `2` or `to-sign`) and label.
    exemplars: Vec<ExemplarRef>,
    /// The labels of its blanks, by id, for wording the audit trail.
    labels: BTreeMap<String, Labels>,
    /// Its text's fingerprint, its id and each signer's key fingerprint (in the order of its
    /// signatures), in groups.
    text_sha256_grouped: String,
    id_grouped: String,
    fingerprints_grouped: Vec<String>,
}

/// An exemplar that can be opened.
#[derive(Debug, Serialize)]
pub struct ExemplarRef {
    id: &'static str,
    label: String,
}

/// Stores the agreement on the desk in the archive. The archive's log entry is signed with
/// the profile's key `key` (fingerprint hex), unlocked with `passphrase`, and the profile's
/// checkpoint of the log moves to it: an archive only the profile's keys write to. A wrong
/// passphrase stores nothing.
#[tauri::command]
pub async fn archive_agreement(
    app: AppHandle,
    key: String,
    passphrase: String,
) -> Result<Added, Error> {
    let passphrase = Zeroizing::new(passphrase);
    worker::run(&app, move |state| {
        let unlocked = state
            .profile()
            .unlock(&key, &passphrase)
            .map_err(DeskError::from)?;
        let mut guard = state.work();
        let work = desk::current_mut(&mut guard)?;
        let mut archive = open_archive(state.profile())?;
        let json = work.agreement.to_json();
        let added = archive.add(json.as_bytes(), clock::now(), Some(&unlocked))?;
        work.archived = Some(added.id.clone());
        work.archive_error = None;
        Ok(added)
    })
    .await
}

/// Every archived agreement, or those `query` finds (customer, enterprise number, text, id).
#[tauri::command]
pub async fn list_archive(app: AppHandle, query: Option<String>) -> Result<Vec<Summary>, Error> {
    worker::run(&app, move |state| {
        let archive = open_archive(state.profile())?;
        Ok(match query.as_deref().map(str::trim) {
            Some(q) if !q.is_empty() => archive.search(q)?,
            _ => archive.list(None)?,
        })
    })
    .await
}

/// One archived agreement in full.
#[tauri::command]
pub async fn archive_details(app: AppHandle, id: String) -> Result<ArchiveDetails, Error> {
    worker::run(&app, move |state| {
        let archive = open_archive(state.profile())?;
        let details = archive.show(&id)?;
        let agreement = archive.agreement(&id)?;
        // The exemplars it stores (sealed when they were archived).
        let exemplars = Exemplar::for_status(details.summary.status)
            .into_iter()
            .filter(|e| match e {
                Exemplar::Copy(p) => archive.exemplar(&id, p.exemplar()).is_ok(),
                Exemplar::ToSign => false,
            })
            .map(|e| ExemplarRef {
                id: e.id(),
                label: e.label(&agreement),
            })
            .collect();
        Ok(ArchiveDetails {
            text_sha256_grouped: grouped_hex(&details.summary.text_sha256),
            id_grouped: grouped_hex(&details.summary.id),
            fingerprints_grouped: details
                .signatures
                .iter()
                .map(|s| grouped_hex(&s.fingerprint))
                .collect(),
            labels: tweevoud_desk::view::blank_labels(&agreement),
            audit: agreement.audit().to_vec(),
            details,
            exemplars,
        })
    })
    .await
}

/// Opens exemplar `exemplar` (`1`, `2` or `to-sign`) of archived agreement `id` in the system's
/// PDF viewer (see [`archived_exemplar`]): a stored exemplar the archive checked is a PDF,
/// written under a `.pdf` name the archive chose.
#[tauri::command]
pub async fn open_exemplar(app: AppHandle, id: String, exemplar: String) -> Result<String, Error> {
    worker::run(&app, move |state| {
        let archive = open_archive(state.profile())?;
        let dir = state
            .data_dir()
            .join("exemplars")
            .join(archive.resolve(&id)?);
        let path = archived_exemplar(&archive, &id, &exemplar, &dir)?;
        viewer::open(&path)?;
        Ok(crate::files::file_name(&path))
    })
    .await
}

/// Which archive the archive screen works on: the profile's own, or the team archive it is
/// connected to (its database without a password, and its bucket). Read from the profile
/// alone, so that it is said also when the team archive cannot be reached.
#[tauri::command]
pub async fn archive_place(app: AppHandle) -> Result<ArchiveWhere, Error> {
    worker::run(&app, |state| {
        Ok(tweevoud_desk::archive_where(state.profile())?)
    })
    .await
}

/// Verifies the whole archive as the profile trusts it (every log entry, object, signature,
/// the checkpoint and the index), and writes nothing to it.
#[tauri::command]
pub async fn verify_archive(app: AppHandle) -> Result<Report, Error> {
    worker::run(&app, |state| {
        Ok(tweevoud_desk::verify_archive(
            state.profile(),
            clock::now(),
        )?)
    })
    .await
}
