//! What a file is, whatever it turns out to hold: an agreement file, a Tweevoud exemplar PDF,
//! some other PDF, or not a Tweevoud file at all.
//!
//! Readers refuse a file with the first thing that does not hold; whoever shows the refusal
//! needs one more fact: was this meant to be a Tweevoud file (so it was damaged or altered,
//! and must not be trusted), or is it something else the user picked by mistake? The app and
//! the CLI ask the same question ([`crate::open::identify`]), so that they answer it the same
//! way.

use serde::Serialize;

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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(FileKind::AgreementFile.is_tweevoud() && FileKind::Exemplar.is_tweevoud());
        assert!(!FileKind::OtherPdf.is_tweevoud() && !FileKind::Other.is_tweevoud());
    }
}
