//! Reading an agreement from a file the user chose or dropped, and saying plainly what it is
//! when it is not one.

use std::path::Path;

use tweevoud::agreement::MAX_AGREEMENT_BYTES;
use tweevoud::{Agreement, AgreementError};

use crate::Error;

/// Reads the agreement in `path`. A file that cannot be read as an agreement is either
/// [`Error::Damaged`] (it says it is a Tweevoud file, so it was damaged or altered) or
/// [`Error::NotAnAgreement`] (anything else); a file that cannot be read at all is an
/// [`Error::Agreement`] read error.
pub fn read_agreement(path: &Path) -> Result<Agreement, Error> {
    Agreement::load(path).map_err(|e| classify(path, e))
}

fn classify(path: &Path, e: AgreementError) -> Error {
    let inner = match e {
        AgreementError::InFile { source, .. } => *source,
        other => other,
    };
    if matches!(inner, AgreementError::Read { .. }) {
        return inner.into();
    }
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
