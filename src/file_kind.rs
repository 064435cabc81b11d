//! What a file is, whatever it turns out to hold: an agreement file, a Tweevoud exemplar PDF,
//! some other PDF, or not a Tweevoud file at all.
//!
//! Readers refuse a file with the first thing that does not hold; whoever shows the refusal
//! needs one more fact: was this meant to be a Tweevoud file (so it was damaged or altered,
//! and must not be trusted), or is it something else the user picked by mistake? The app and
//! the CLI ask the same question here, so that they answer it the same way.

use serde::Serialize;

use crate::agreement::MAX_AGREEMENT_BYTES;
use crate::pdf::{self, PdfError};

/// What a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// JSON whose `format` names a Tweevoud format: an agreement file, readable or not.
    AgreementFile,
    /// A PDF that carries a Tweevoud agreement file (or tries to: several, or a broken one).
    Exemplar,
    /// A PDF that carries no agreement file, or that cannot be read as a PDF.
    OtherPdf,
    /// Anything else.
    Other,
}

impl FileKind {
    /// The kind's code, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::AgreementFile => "agreement_file",
            FileKind::Exemplar => "exemplar",
            FileKind::OtherPdf => "other_pdf",
            FileKind::Other => "other",
        }
    }

    /// Whether the file was meant to be a Tweevoud file: if it cannot be read as one, it was
    /// damaged or altered.
    pub fn is_tweevoud(self) -> bool {
        matches!(self, FileKind::AgreementFile | FileKind::Exemplar)
    }
}

/// What the file with these bytes is. A PDF is parsed (bounded, as every PDF read here) to
/// look for its agreement file; other bytes are looked at only up to the size of the largest
/// agreement file.
pub fn identify(bytes: &[u8]) -> FileKind {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tweevoud_json_is_an_agreement_file_even_when_broken() {
        let broken = br#"{"format":"tweevoud-agreement/1","template":{}}"#;
        assert_eq!(identify(broken), FileKind::AgreementFile);
        assert!(FileKind::AgreementFile.is_tweevoud());
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
            assert!(!kind.is_tweevoud());
        }
    }

    #[test]
    fn fail_a_pdf_without_agreement_file_is_another_pdf() {
        assert_eq!(identify(b"%PDF-1.7 not really a PDF"), FileKind::OtherPdf);
        assert!(!FileKind::OtherPdf.is_tweevoud());
    }

    #[test]
    fn fail_a_huge_file_is_not_read_as_json() {
        let mut big = br#"{"format":"tweevoud-agreement/1","pad":""#.to_vec();
        big.resize(MAX_AGREEMENT_BYTES as usize + 10, b' ');
        big.extend_from_slice(b"\"}");
        assert_eq!(identify(&big), FileKind::Other);
    }

    #[test]
    fn codes_are_stable() {
        let kinds = [
            FileKind::AgreementFile,
            FileKind::Exemplar,
            FileKind::OtherPdf,
            FileKind::Other,
        ];
        for k in kinds {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }
}
