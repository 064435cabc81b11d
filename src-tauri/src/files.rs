//! The files the app reads and writes for the user: an agreement from a file chosen or
//! dropped (an agreement file, or an exemplar PDF carrying one), saying plainly what it is
//! when it is not one; exemplar PDFs written where the user chose, or taken from the archive.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use tweevoud::agreement::MAX_AGREEMENT_BYTES;
use tweevoud::archive::ObjectKind;
use tweevoud::canonical::sha256_hex;
use tweevoud::fsutil::write_atomic;
use tweevoud::pdf::{self, Exemplar, ExemplarPdf, PdfError};
use tweevoud::profile::create_private_dir;
use tweevoud::{verify, Agreement, AgreementError, Archive};

use crate::view::file_name;
use crate::Error;

/// An agreement read from a file.
#[derive(Debug)]
pub struct Opened {
    /// The agreement.
    pub agreement: Agreement,
    /// For an exemplar PDF: which exemplar it says it is.
    pub label: Option<String>,
    /// For an exemplar PDF: what does not hold about the PDF itself, beyond the agreement
    /// inside (its visible document is not the exemplar the agreement gives, say).
    pub pdf_problems: Vec<String>,
}

/// Reads the agreement in `path`: an agreement file, or the one inside an exemplar PDF (whose
/// visible document is checked against it). A file that cannot be read as an agreement is
/// either [`Error::Damaged`] (it is a Tweevoud file, so it was damaged or altered) or
/// [`Error::NotAnAgreement`] (anything else); a file that cannot be read at all is an
/// [`Error::Agreement`] read error.
pub fn read_agreement(path: &Path) -> Result<Opened, Error> {
    let is_pdf = pdf::is_pdf_file(path).map_err(|source| AgreementError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if is_pdf {
        return read_exemplar(path);
    }
    let agreement = Agreement::load(path).map_err(|e| classify(path, e))?;
    Ok(Opened {
        agreement,
        label: None,
        pdf_problems: Vec::new(),
    })
}

fn read_exemplar(path: &Path) -> Result<Opened, Error> {
    let bytes = pdf::read_pdf_file(path).map_err(|e| classify(path, e))?;
    match pdf::verify_exemplar(&bytes) {
        Ok(check) => {
            let own = verify(&check.agreement).problems;
            let pdf_problems = check
                .verification
                .problems
                .into_iter()
                .filter(|p| !own.contains(p))
                .collect();
            Ok(Opened {
                agreement: check.agreement,
                label: check.label,
                pdf_problems,
            })
        }
        Err(e) => Err(pdf_error(path, e)),
    }
}

/// Writes exemplar PDFs where the user chose: one PDF to `chosen` itself, several into the
/// folder `chosen` under their own names. The names written.
pub fn write_exemplars(pdfs: &[ExemplarPdf], chosen: &Path) -> Result<Vec<String>, Error> {
    let mut written = Vec::new();
    for p in pdfs {
        let path = match pdfs {
            [_] => chosen.to_path_buf(),
            _ => chosen.join(&p.file_name),
        };
        write_atomic(&path, &p.bytes).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        written.push(file_name(&path));
    }
    Ok(written)
}

/// The exemplar `exemplar` (`1`, `2` or `to-sign`) of archived agreement `id` as a file in
/// `dir`: the stored exemplar, exported from the archive (which logs the export); one the
/// archive does not store (the PDF to sign of an agreement awaiting its countersignature) is
/// rendered from the archived agreement file, which gives the very bytes the parties
/// exchanged, since rendering is deterministic.
pub fn archived_exemplar(
    archive: &mut Archive,
    id: &str,
    exemplar: &str,
    dir: &Path,
    now: DateTime<FixedOffset>,
) -> Result<PathBuf, Error> {
    let details = archive.show(id)?;
    let stored = details.objects.iter().find(|o| {
        o.kind == ObjectKind::Exemplar
            && o.number.map(|n| n.to_string()).as_deref() == Some(exemplar)
    });
    if let Some(row) = stored {
        let exported = archive.export(id, dir, now, None)?;
        return exported
            .files
            .into_iter()
            .find(|p| std::fs::read(p).is_ok_and(|b| sha256_hex(&b) == row.sha256))
            .ok_or_else(|| Error::Viewer {
                path: dir.to_path_buf(),
                reason: "the exported exemplar is not the stored one".into(),
            });
    }
    let agreement = archive.agreement(id)?;
    let which = Exemplar::from_id(exemplar).ok_or_else(|| Error::Viewer {
        path: dir.join(exemplar),
        reason: "no such exemplar".into(),
    })?;
    let path = dir.join(which.file_name(&agreement));
    let bytes = pdf::render(&agreement, which)?;
    let write = |path: &Path, source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    create_private_dir(dir).map_err(|e| write(dir, e))?;
    write_atomic(&path, &bytes).map_err(|e| write(&path, e))?;
    Ok(path)
}

/// A PDF that is no exemplar at all is "not an agreement"; one that carries a broken
/// agreement file is "damaged".
fn pdf_error(path: &Path, e: PdfError) -> Error {
    let reason = e.to_string();
    match e {
        PdfError::NotPdf | PdfError::NoAgreement | PdfError::Malformed(_) => {
            Error::NotAnAgreement {
                path: path.to_path_buf(),
                reason,
            }
        }
        _ => Error::Damaged {
            path: path.to_path_buf(),
            reason,
        },
    }
}

fn classify(path: &Path, e: AgreementError) -> Error {
    let inner = match e {
        AgreementError::InFile { source, .. } => *source,
        other => other,
    };
    let inner = match inner {
        AgreementError::Pdf(e) => return pdf_error(path, *e),
        AgreementError::Read { .. } => return inner.into(),
        other => other,
    };
    let reason = inner.to_string();
    if looks_like_ours(path) {
        Error::Damaged {
            path: path.to_path_buf(),
            reason,
        }
    } else {
        Error::NotAnAgreement {
            path: path.to_path_buf(),
            reason,
        }
    }
}

/// Whether the file is JSON whose `format` names a Tweevoud format.
fn looks_like_ours(path: &Path) -> bool {
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_AGREEMENT_BYTES);
    small
        && std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v.get("format")?.as_str().map(str::to_string))
            .is_some_and(|f| f.starts_with("tweevoud-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_foreign_files_from_damaged_ones() {
        let dir = tempfile::tempdir().unwrap();
        let foreign = dir.path().join("notes.tweevoud");
        std::fs::write(&foreign, "%PDF-1.7 not really").unwrap();
        let e = read_agreement(&foreign).unwrap_err();
        assert_eq!(e.kind(), "not_an_agreement", "{e}");

        let damaged = dir.path().join("damaged.tweevoud");
        std::fs::write(
            &damaged,
            r#"{"format":"tweevoud-agreement/1","template":{"id":"x","sha256":"00","text":""},"values":[],"audit":[]}"#,
        )
        .unwrap();
        let e = read_agreement(&damaged).unwrap_err();
        assert_eq!(e.kind(), "altered", "{e}");

        let missing = dir.path().join("missing.tweevoud");
        assert_eq!(read_agreement(&missing).unwrap_err().kind(), "read_failed");
    }
}
