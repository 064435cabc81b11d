//! The archive: store the agreement on the desk, list and search what is stored, show one
//! agreement with its audit trail, open one of its exemplars in the system's PDF viewer.

use serde::Serialize;
use tauri::State;
use tweevoud::agreement::AuditEntry;
use tweevoud::archive::{Added, Details, ObjectKind, Summary};
use tweevoud::canonical::sha256_hex;
use tweevoud::pdf::{self, Exemplar};
use tweevoud::{Archive, Status};

use crate::{clock, viewer, AppState, Error};

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
}

/// An exemplar that can be opened.
#[derive(Debug, Serialize)]
pub struct ExemplarRef {
    id: &'static str,
    label: String,
}

/// Stores the agreement on the desk in the archive.
#[tauri::command]
pub fn archive_agreement(state: State<'_, AppState>) -> Result<Added, Error> {
    let mut guard = state.work();
    let work = guard.as_mut().ok_or(Error::NoAgreement)?;
    let mut archive = Archive::open(&state.profile().archive_dir())?;
    let added = archive.add(work.agreement.to_json().as_bytes(), clock::now(), None)?;
    work.archived = Some(added.id.clone());
    work.archive_error = None;
    Ok(added)
}

/// Every archived agreement, or those `query` finds (customer, enterprise number, text, id).
#[tauri::command]
pub fn list_archive(
    state: State<'_, AppState>,
    query: Option<String>,
) -> Result<Vec<Summary>, Error> {
    let archive = Archive::open(&state.profile().archive_dir())?;
    Ok(match query.as_deref().map(str::trim) {
        Some(q) if !q.is_empty() => archive.search(q)?,
        _ => archive.list(None)?,
    })
}

/// One archived agreement in full.
#[tauri::command]
pub fn archive_details(state: State<'_, AppState>, id: String) -> Result<ArchiveDetails, Error> {
    let archive = Archive::open(&state.profile().archive_dir())?;
    let details = archive.show(&id)?;
    let agreement = archive.agreement(&id)?;
    let exemplars = exemplars_of(details.summary.status)
        .into_iter()
        .map(|e| ExemplarRef {
            id: e.id(),
            label: e.label(&agreement),
        })
        .collect();
    Ok(ArchiveDetails {
        audit: agreement.audit().to_vec(),
        details,
        exemplars,
    })
}

/// Opens exemplar `exemplar` (`1`, `2` or `to-sign`) of archived agreement `id` in the system's
/// PDF viewer: the stored exemplar, exported from the archive (which logs the export); an
/// exemplar the archive does not store (the PDF to sign of an agreement awaiting its
/// countersignature) is rendered from the archived agreement file, byte for byte the one the
/// parties exchanged, since rendering is deterministic.
#[tauri::command]
pub fn open_exemplar(
    state: State<'_, AppState>,
    id: String,
    exemplar: String,
) -> Result<String, Error> {
    let mut archive = Archive::open(&state.profile().archive_dir())?;
    let details = archive.show(&id)?;
    let dir = state
        .data_dir()
        .join("exemplars")
        .join(&details.summary.id[..16]);
    let stored = details.objects.iter().find(|o| {
        o.kind == ObjectKind::Exemplar && o.number.map(|n| n.to_string()) == Some(exemplar.clone())
    });
    let path = match stored {
        Some(row) => {
            let exported = archive.export(&id, &dir, clock::now(), None)?;
            exported
                .files
                .into_iter()
                .find(|p| std::fs::read(p).is_ok_and(|b| sha256_hex(&b) == row.sha256))
                .ok_or_else(|| Error::Viewer {
                    path: dir.clone(),
                    reason: "the exported exemplar is not the stored one".into(),
                })?
        }
        None => {
            let agreement = archive.agreement(&id)?;
            let which = Exemplar::from_id(&exemplar).ok_or_else(|| Error::Viewer {
                path: exemplar.clone().into(),
                reason: "no such exemplar".into(),
            })?;
            let path = dir.join(which.file_name(&agreement));
            let bytes = pdf::render(&agreement, which)?;
            tweevoud::profile::create_private_dir(&dir).map_err(|source| Error::Write {
                path: dir.clone(),
                source,
            })?;
            tweevoud::fsutil::write_atomic(&path, &bytes).map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
            path
        }
    };
    viewer::open(&path)?;
    Ok(crate::view::file_name(&path))
}

fn exemplars_of(status: Status) -> Vec<Exemplar> {
    use tweevoud::Party;
    match status {
        Status::Complete => vec![
            Exemplar::Copy(Party::Provider),
            Exemplar::Copy(Party::Customer),
        ],
        Status::AwaitingCountersignature => vec![Exemplar::ToSign],
        _ => Vec::new(),
    }
}
