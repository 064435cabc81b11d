//! The window words every code the browser's desk can send, in each of its languages.

use tweevoud::contact::ContactError;
use tweevoud::key::KeyError;
use tweevoud::pdf::PdfError;
use tweevoud::template::{TemplateError, TemplateProblem};
use tweevoud::{AgreementError, ChangeError, OpenError, Problem};
use tweevoud_desk::DeskError;
use tweevoud_web::WebError;

/// The keys of one language's table in `ui/i18n.js`.
fn keys(lang: &str) -> Vec<String> {
    let js = include_str!("../../ui/i18n.js");
    let start = js
        .find(&format!("\n  {lang}: {{"))
        .unwrap_or_else(|| panic!("no {lang} table"));
    let end = start + js[start..].find("\n  },").expect("the table ends");
    js[start..end]
        .lines()
        .filter_map(|l| l.strip_prefix("    ")?.split_once(':'))
        .map(|(k, _)| k.trim().to_string())
        .collect()
}

#[test]
fn every_error_has_words_in_nl_fr_and_en() {
    let codes = [
        WebError::CODES,
        DeskError::CODES,
        AgreementError::CODES,
        TemplateError::CODES,
        TemplateProblem::CODES,
        KeyError::CODES,
        ContactError::CODES,
        PdfError::CODES,
        OpenError::CODES,
        ChangeError::CODES,
    ]
    .concat();
    for lang in ["nl", "fr", "en"] {
        let keys = keys(lang);
        let missing: Vec<String> = codes
            .iter()
            .map(|c| format!("error_{c}"))
            .chain(Problem::CODES.iter().map(|c| format!("problem_{c}")))
            .filter(|k| !keys.contains(k))
            .collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
    }
}
