//! The three languages of Belgium's agreements that Tweevoud speaks: Dutch, French and
//! English. A template is written in one of them; its blank labels exist in all three.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A language a template can be written in and a label can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Dutch (nl).
    Nl,
    /// French (fr).
    Fr,
    /// English (en).
    En,
}

impl Language {
    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::Fr => "fr",
            Language::En => "en",
        }
    }

    /// The language with this ISO 639-1 code (case-insensitive; a region such as `nl-BE` is
    /// ignored).
    pub fn from_code(code: &str) -> Option<Language> {
        let base = code.split(['-', '_']).next().unwrap_or(code);
        match base.to_ascii_lowercase().as_str() {
            "nl" => Some(Language::Nl),
            "fr" => Some(Language::Fr),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    /// A date written out as the language writes it in an agreement: "23 november 2026",
    /// "1er février 2026", "23 November 2026".
    pub fn long_date(self, day: u32, month: u32, year: i32) -> String {
        let names: [&str; 12] = match self {
            Language::Nl => [
                "januari",
                "februari",
                "maart",
                "april",
                "mei",
                "juni",
                "juli",
                "augustus",
                "september",
                "oktober",
                "november",
                "december",
            ],
            Language::Fr => [
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ],
            Language::En => [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
        };
        let month_name = usize::try_from(month)
            .ok()
            .and_then(|m| m.checked_sub(1))
            .and_then(|i| names.get(i))
            .copied()
            .unwrap_or("?");
        if self == Language::Fr && day == 1 {
            format!("1er {month_name} {year}")
        } else {
            format!("{day} {month_name} {year}")
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A short text in each of the three languages, such as a blank's label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// Dutch.
    pub nl: String,
    /// French.
    pub fr: String,
    /// English.
    pub en: String,
}

impl Labels {
    /// The text in one language.
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Nl => &self.nl,
            Language::Fr => &self.fr,
            Language::En => &self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(Language::from_code("nl-BE"), Some(Language::Nl));
        assert_eq!(Language::from_code("FR"), Some(Language::Fr));
        assert_eq!(Language::from_code("en_GB"), Some(Language::En));
        assert_eq!(Language::from_code("de"), None);
    }

    #[test]
    fn long_dates() {
        assert_eq!(Language::Nl.long_date(1, 3, 2027), "1 maart 2027");
        assert_eq!(Language::Fr.long_date(1, 3, 2027), "1er mars 2027");
        assert_eq!(Language::En.long_date(31, 12, 2026), "31 December 2026");
        assert_eq!(Language::En.long_date(1, 13, 2026), "1 ? 2026");
    }
}
