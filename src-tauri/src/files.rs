//! The files the app reads and writes for the user: an agreement from a file chosen or
//! dropped (an agreement file, or an exemplar PDF carrying one), saying plainly what it is
//! when it is not one; exemplar PDFs written where the user chose, or taken from the archive.

use std::path::{Path, PathBuf};

use tweevoud::fsutil::write_atomic;
use tweevoud::open;
use tweevoud::pdf::{Exemplar, ExemplarPdf};
use tweevoud::profile::create_private_dir;
use tweevoud::Archive;

pub use tweevoud_desk::file_name;
use tweevoud_desk::view::AgreementView;
use tweevoud_desk::{command, Place, Work};

use crate::Error;

/// Reads the file at `path` and puts the agreement in it on the desk (the desk's
/// [`command::open`]): an agreement file, or the one inside an exemplar PDF that shows it. A
/// file that cannot be opened as an agreement leaves the desk as it was; its code says whether
/// it could not be read, is a damaged or altered Tweevoud file, or is no agreement at all.
pub fn read_agreement(
    place: &dyn Place,
    work: &mut Option<Work>,
    path: PathBuf,
) -> Result<AgreementView, Error> {
    let bytes = open::read_file(&path)?;
    Ok(command::open(place, work, path, &bytes)?)
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
/// `dir`: a stored exemplar as the archive holds it; one the archive does not store (the PDF
/// to sign of an agreement awaiting its countersignature) is rendered from the archived
/// agreement file, which gives the very bytes the parties exchanged, since rendering is
/// deterministic.
pub fn archived_exemplar(
    archive: &Archive,
    id: &str,
    exemplar: &str,
    dir: &Path,
) -> Result<PathBuf, Error> {
    let which = Exemplar::from_id(exemplar).ok_or_else(|| tweevoud::ArchiveError::NoExemplar {
        id: id.to_string(),
        number: exemplar.parse().unwrap_or(0),
    })?;
    let (name, bytes) = match which {
        // The PDF to sign is sealed by whoever sent it; the archive keeps only the two
        // exemplars it sealed itself.
        Exemplar::ToSign => {
            return Err(tweevoud::ArchiveError::NoExemplar {
                id: id.to_string(),
                number: 0,
            }
            .into())
        }
        Exemplar::Copy(party) => {
            let stored = archive.exemplar(id, party.exemplar())?;
            (stored.file_name, stored.bytes)
        }
    };
    let path = dir.join(name);
    let write = |path: &Path, source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    create_private_dir(dir).map_err(|e| write(dir, e))?;
    write_atomic(&path, &bytes).map_err(|e| write(&path, e))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use tweevoud::Coded;

    use super::*;

    #[test]
    fn tells_foreign_files_from_damaged_ones() {
        let dir = tempfile::tempdir().unwrap();
        let profile = tweevoud::Profile::at(dir.path().join("profile"));
        let read_agreement = |path: &Path| read_agreement(&profile, &mut None, path.to_path_buf());
        let foreign = dir.path().join("notes.tweevoud");
        std::fs::write(&foreign, "%PDF-1.7 not really").unwrap();
        let e = read_agreement(&foreign).unwrap_err();
        assert_eq!(e.code(), "not_an_agreement", "{e}");

        let damaged = dir.path().join("damaged.tweevoud");
        std::fs::write(
            &damaged,
            r#"{"format":"tweevoud-agreement/1","template":{"id":"x","sha256":"00","text":""},"values":[],"audit":[]}"#,
        )
        .unwrap();
        let e = read_agreement(&damaged).unwrap_err();
        assert_eq!(e.code(), "altered", "{e}");

        let missing = dir.path().join("missing.tweevoud");
        assert_eq!(read_agreement(&missing).unwrap_err().code(), "read_failed");
    }
}
