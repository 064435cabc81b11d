//! Reading what a user hands Tweevoud: an agreement file, an exemplar PDF (the PDF to sign, or
//! one of the two exemplars), or anything else, and saying which it is.
//!
//! Every command that takes a file reads it here, so that they all refuse the same files: a
//! file that is not a Tweevoud file, a damaged one, and an exemplar PDF whose visible document
//! is not the agreement inside it (an edited page, an incremental update, another renderer).
//! Whatever such a PDF carries, a person reading it sees something else than what would be
//! filled in, signed or archived, so nothing is done with it.

use std::path::PathBuf;

use crate::agreement::{Agreement, AgreementError, MAX_AGREEMENT_BYTES};
use crate::error::{param, with_params, Coded, Params};
use crate::file_kind::FileKind;
use crate::pdf::{self, CheckedExemplar, ExemplarCheck, PdfError, MAX_PDF_BYTES};
use crate::verify::{Reason, Verification};

/// The largest file read at all: the largest PDF.
pub const MAX_FILE_BYTES: u64 = MAX_PDF_BYTES;

/// A file could not be opened as an agreement. Not `non_exhaustive`: the app words each
/// case, and a new one must make its match fail to compile.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file cannot be read (it does not exist, no permission, a directory, ...).
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file was read, and is refused: `reason` says why (a reader's refusal, as
    /// [`Reason::Unreadable`], or what does not hold about an exemplar PDF itself).
    #[error("{}: {reason}", path.display())]
    Refused {
        /// The file.
        path: PathBuf,
        /// What the file is: a Tweevoud file refused is damaged or altered, anything else is
        /// not an agreement.
        kind: FileKind,
        /// Why.
        reason: Reason,
    },
}

impl OpenError {
    /// The reason a read file was refused.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            OpenError::Read { .. } => None,
            OpenError::Refused { reason, .. } => Some(reason),
        }
    }
}

impl OpenError {
    /// Every code of [`OpenError`], so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] =
        &["read_failed", "not_a_file", "altered", "not_an_agreement"];
}

/// A file that cannot be read is `read_failed`, a path that names no regular file (a
/// directory, a named pipe, a device: [`crate::fsutil::NotAFile`], refused before it is
/// opened) `not_a_file`; a Tweevoud file refused is `altered` (damaged or altered), any other
/// file `not_an_agreement`. Parameters: `path`, `detail` (English
/// words), and for a refusal the [`Reason`]'s code as `reason`, its parameters following.
impl Coded for OpenError {
    fn code(&self) -> &'static str {
        match self {
            #[cfg(feature = "fs")]
            OpenError::Read { source, .. } if crate::fsutil::not_a_file(source).is_some() => {
                "not_a_file"
            }
            OpenError::Read { .. } => "read_failed",
            OpenError::Refused { kind, .. } if kind.is_tweevoud() => "altered",
            OpenError::Refused { .. } => "not_an_agreement",
        }
    }

    fn params(&self) -> Params {
        match self {
            OpenError::Read { path, source } => {
                vec![param("path", path.display()), param("detail", source)]
            }
            OpenError::Refused { path, reason, .. } => with_params(
                vec![
                    param("path", path.display()),
                    param("reason", reason.code()),
                ],
                reason,
            ),
        }
    }
}

/// What a readable Tweevoud file holds.
#[derive(Debug, Clone)]
pub struct Contents {
    /// [`FileKind::AgreementFile`] or [`FileKind::Exemplar`].
    pub kind: FileKind,
    /// The agreement.
    pub agreement: Agreement,
    /// Its verification, on its own.
    pub verification: Verification,
    /// For an exemplar PDF, the check of the PDF itself.
    pub pdf: Option<ExemplarCheck>,
}

impl Contents {
    /// Why the file must not be worked on, beyond the agreement inside: the first problem of
    /// the PDF itself.
    pub fn pdf_problem(&self) -> Option<&Reason> {
        self.pdf.as_ref().and_then(|p| p.problems.first())
    }
}

/// A file read in whole that cannot be read as an agreement: what it is, and the reader's
/// reason in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// What the file is.
    pub kind: FileKind,
    /// Why it cannot be read as an agreement.
    pub detail: String,
}

impl Unreadable {
    /// As a verification reason.
    pub fn reason(&self) -> Reason {
        Reason::Unreadable {
            kind: self.kind,
            detail: self.detail.clone(),
        }
    }
}

/// Reads a file of at most [`MAX_FILE_BYTES`] bytes. A larger file is refused as
/// [`OpenError::Refused`] without being read.
#[cfg(feature = "fs")]
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, OpenError> {
    match crate::fsutil::read_limited(path, MAX_FILE_BYTES) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => Err(OpenError::Refused {
            path: path.to_path_buf(),
            kind: FileKind::Other,
            reason: Reason::Unreadable {
                kind: FileKind::Other,
                detail: format!(
                    "the file is larger than {MAX_FILE_BYTES} bytes; no agreement file or exemplar is that large"
                ),
            },
        }),
        Err(source) => Err(OpenError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// What the file with these bytes is. A PDF is read (bounded, as every PDF read here) to look
/// for its agreement file; other bytes are looked at only up to the size of the largest
/// agreement file.
pub fn identify(bytes: &[u8]) -> FileKind {
    // Larger than any agreement file or exemplar: not looked at, whatever it starts with (the
    // same answer as a file refused before it is read, `read_file`).
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return FileKind::Other;
    }
    if pdf::is_pdf(bytes) {
        return match pdf::embedded_agreement(bytes) {
            Ok(_) => FileKind::Exemplar,
            Err(
                PdfError::NoAgreement
                | PdfError::NotPdf
                | PdfError::Malformed(_)
                | PdfError::TooLarge,
            ) => FileKind::OtherPdf,
            Err(_) => FileKind::Exemplar,
        };
    }
    if bytes.len() as u64 > MAX_AGREEMENT_BYTES {
        return FileKind::Other;
    }
    let format = serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v.get("format")?.as_str().map(str::to_string));
    match format {
        Some(f) if f.starts_with("tweevoud-") => FileKind::AgreementFile,
        _ => FileKind::Other,
    }
}

/// Reads what `bytes` hold: the agreement of an agreement file, or of an exemplar PDF with the
/// check of the PDF itself. Verifies the agreement.
pub fn read(bytes: &[u8]) -> Result<Contents, Unreadable> {
    let refused = |detail: String| Unreadable {
        kind: identify(bytes),
        detail,
    };
    if pdf::is_pdf(bytes) {
        let CheckedExemplar {
            agreement,
            verification,
            pdf,
        } = pdf::check_exemplar(bytes).map_err(|e| refused(e.to_string()))?;
        return Ok(Contents {
            kind: FileKind::Exemplar,
            agreement,
            verification,
            pdf: Some(pdf),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        refused(AgreementError::Json("the file is not UTF-8 text".into()).to_string())
    })?;
    let agreement = Agreement::from_json(text).map_err(|e| refused(e.to_string()))?;
    Ok(Contents {
        kind: FileKind::AgreementFile,
        verification: crate::verify::verify(&agreement),
        agreement,
        pdf: None,
    })
}

/// Why a file is not opened to work on: what it is, and the core's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What the file is.
    pub kind: FileKind,
    /// Why it is refused.
    pub reason: Reason,
}

/// Reads what `bytes` hold, to work on it (fill in, sign, render, export, archive, put on a
/// desk): [`read`], and refused also when it is a PDF whose visible document is not the
/// agreement inside it. Every way of opening a file to work on it goes through here, so that
/// what one refuses, all refuse.
pub fn read_to_work_on(bytes: &[u8]) -> Result<Contents, Refusal> {
    let contents = read(bytes).map_err(|u| Refusal {
        kind: u.kind,
        reason: u.reason(),
    })?;
    if let Some(problem) = contents.pdf_problem() {
        return Err(Refusal {
            kind: contents.kind,
            reason: problem.clone(),
        });
    }
    Ok(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tweevoud_json_is_an_agreement_file_even_when_broken() {
        let broken = br#"{"format":"tweevoud-agreement/1","template":{}}"#;
        assert_eq!(identify(broken), FileKind::AgreementFile);
    }

    #[test]
    fn fail_other_json_text_and_binary_are_not_tweevoud() {
        for bytes in [
            &br#"{"format":"something-else/1"}"#[..],
            br#"{"format":42}"#,
            b"[1, 2, 3]",
            b"Dear customer,\nplease sign.",
            b"\x00\x01\x02\xff",
            b"",
        ] {
            let kind = identify(bytes);
            assert_eq!(kind, FileKind::Other, "{bytes:?}");
        }
    }

    #[test]
    fn fail_a_pdf_without_agreement_file_is_another_pdf() {
        assert_eq!(identify(b"%PDF-1.7 not really a PDF"), FileKind::OtherPdf);
    }

    #[test]
    fn fail_a_huge_file_is_not_read_as_json() {
        let mut big = br#"{"format":"tweevoud-agreement/1","pad":""#.to_vec();
        big.resize(MAX_AGREEMENT_BYTES as usize + 10, b' ');
        big.extend_from_slice(b"\"}");
        assert_eq!(identify(&big), FileKind::Other);
    }
}
