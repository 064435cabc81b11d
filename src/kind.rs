//! Kinds of blanks, and the one place where a value typed by a person is checked and put into
//! its normal form.
//!
//! Every value that enters an agreement goes through [`Kind::normalize`]: the CLI, the desktop
//! app and the file reader all call it, so there is exactly one definition of "a valid Belgian
//! enterprise number" or "a date". A normal form is what gets stored and signed; how a value
//! reads inside the agreement text is [`Kind::display`].

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use unicode_normalization::{is_nfc, UnicodeNormalization};

use crate::error::{param, Coded, CodedJson, Params};
use crate::language::Language;

/// What a blank holds, and so how its value is checked, stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kind {
    /// One line of free text (a company name, a reference).
    Text,
    /// Several lines, such as a postal address; shown on one line, joined by ", ".
    Multiline,
    /// The name of a natural person.
    PersonName,
    /// A person's function or title ("CEO", "zaakvoerder").
    Function,
    /// A place name (a municipality).
    Place,
    /// A calendar date, stored as ISO 8601 `YYYY-MM-DD`.
    Date,
    /// A Belgian enterprise number (KBO/BCE), stored as `BE0123.456.789` (the form the DPA's
    /// own text gives the provider's, so both parties' read alike); files of earlier versions,
    /// which stored `0123.456.789`, keep it ([`Kind::is_stored_form`]).
    EnterpriseNumber,
    /// An e-mail address.
    Email,
}

/// Every kind, in the order the documentation lists them.
pub const ALL_KINDS: [Kind; 8] = [
    Kind::Text,
    Kind::Multiline,
    Kind::PersonName,
    Kind::Function,
    Kind::Place,
    Kind::Date,
    Kind::EnterpriseNumber,
    Kind::Email,
];

/// Longest value of a one-line kind, in characters.
const MAX_LINE: usize = 300;
/// Most lines of a multi-line value.
const MAX_LINES: usize = 8;
/// Longest name, function or place, in characters.
const MAX_NAME: usize = 120;
/// Longest e-mail address, in characters.
const MAX_EMAIL: usize = 254;

/// Whether a text may hold line breaks (LF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: no LF.
    One,
    /// Several lines, separated by LF.
    Many,
}

/// The invisible formatting characters no text may hold: Unicode general category Cf, as
/// inclusive ranges of code points. This is exactly the Cf set of Unicode 16.0
/// (`docs/templates.md`, "Allowed text", lists it too, for a second implementation).
pub const INVISIBLE: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),   // soft hyphen
    (0x0600, 0x0605),   // Arabic number signs
    (0x061C, 0x061C),   // Arabic letter mark
    (0x06DD, 0x06DD),   // Arabic end of ayah
    (0x070F, 0x070F),   // Syriac abbreviation mark
    (0x0890, 0x0891),   // Arabic pound and piastre marks above
    (0x08E2, 0x08E2),   // Arabic disputed end of ayah
    (0x180E, 0x180E),   // Mongolian vowel separator
    (0x200B, 0x200F),   // zero-width space, non-joiner, joiner; LRM, RLM
    (0x202A, 0x202E),   // bidi embeddings and overrides
    (0x2060, 0x2064),   // word joiner, invisible function application, times, separator, plus
    (0x2066, 0x206F),   // bidi isolates, deprecated format characters
    (0xFEFF, 0xFEFF),   // zero-width no-break space (byte-order mark)
    (0xFFF9, 0xFFFB),   // interlinear annotation
    (0x110BD, 0x110BD), // Kaithi number sign
    (0x110CD, 0x110CD), // Kaithi number sign above
    (0x13430, 0x1343F), // Egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3), // shorthand format controls
    (0x1D173, 0x1D17A), // musical symbol format controls
    (0xE0001, 0xE0001), // language tag
    (0xE0020, 0xE007F), // tag characters
];

/// Why one character may not stand in a text, if it may not: the character rules of
/// [`text_problem`].
pub fn char_problem(c: char, lines: Lines) -> Option<Problem> {
    let cp = u32::from(c);
    if c == '\n' {
        return (lines == Lines::One).then_some(Problem::LineBreak);
    }
    if c == '\u{2028}' || c == '\u{2029}' {
        return Some(Problem::LineSeparator);
    }
    if cp <= 0x1F || (0x7F..=0x9F).contains(&cp) {
        return Some(Problem::ControlCharacter);
    }
    if INVISIBLE.iter().any(|&(lo, hi)| (lo..=hi).contains(&cp)) {
        return Some(Problem::InvisibleCharacter { found: c });
    }
    None
}

/// The one definition of allowed text, for values and for the text of templates: the text is
/// in Unicode NFC; it holds no control character (category Cc, U+0000–U+001F and
/// U+007F–U+009F) except LF where lines are allowed, no invisible formatting character
/// ([`INVISIBLE`]), and no U+2028 or U+2029. `None` when the text is allowed.
pub fn text_problem(s: &str, lines: Lines) -> Option<Problem> {
    if let Some(p) = s.chars().find_map(|c| char_problem(c, lines)) {
        return Some(p);
    }
    if !is_nfc(s) {
        return Some(Problem::NotNfc);
    }
    None
}

/// Why a value was refused. The words are English; the app maps [`Problem::code`] to its own
/// language.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Nothing but white space.
    Empty,
    /// Longer than the kind allows.
    TooLong {
        /// The limit, in characters.
        max: usize,
    },
    /// More lines than a multi-line value may have.
    TooManyLines {
        /// The limit.
        max: usize,
    },
    /// A line break in a one-line kind.
    LineBreak,
    /// A control character (Unicode category Cc, other than a line break where lines are
    /// allowed).
    ControlCharacter,
    /// An invisible formatting character (Unicode category Cf: a soft hyphen, a zero-width
    /// space, a bidirectional override, a tag character, ...; see [`INVISIBLE`]).
    InvisibleCharacter {
        /// The character.
        found: char,
    },
    /// U+2028 LINE SEPARATOR or U+2029 PARAGRAPH SEPARATOR, which no text may hold.
    LineSeparator,
    /// Not in Unicode Normalization Form C.
    NotNfc,
    /// A name, function or place without a single letter.
    NoLetter,
    /// A character that has no place in this kind.
    BadCharacter {
        /// The character.
        found: char,
    },
    /// Not written as a date in a form this program reads.
    DateFormat,
    /// A date form, but no such day (31-02-2026).
    NoSuchDate,
    /// An enterprise number with the wrong number of digits.
    EnterpriseNumberLength {
        /// How many digits were given.
        digits: usize,
    },
    /// An enterprise number whose first digit is not 0 or 1.
    EnterpriseNumberFirstDigit,
    /// An enterprise number whose last two digits are not its mod-97 check.
    EnterpriseNumberCheck {
        /// The check digits the number should end with.
        expected: String,
    },
    /// Not an e-mail address.
    Email,
}

impl Problem {
    /// Every code [`Problem`] gives, so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "empty",
        "too_long",
        "too_many_lines",
        "line_break",
        "control_character",
        "invisible_character",
        "line_separator",
        "not_nfc",
        "no_letter",
        "bad_character",
        "date_format",
        "no_such_date",
        "enterprise_number_length",
        "enterprise_number_first_digit",
        "enterprise_number_check",
        "email",
    ];
}

/// A stable, language-neutral code for the problem (`"empty"`, `"enterprise_number_check"`,
/// ...), for a user interface that words it in its own language. Parameters: `max` (a
/// number of characters or lines), `digits` (how many were given), `expected` (check
/// digits), `found` (the character: itself when it is visible, as `U+200B` when it is not).
impl Coded for Problem {
    fn code(&self) -> &'static str {
        match self {
            Problem::Empty => "empty",
            Problem::TooLong { .. } => "too_long",
            Problem::TooManyLines { .. } => "too_many_lines",
            Problem::LineBreak => "line_break",
            Problem::ControlCharacter => "control_character",
            Problem::InvisibleCharacter { .. } => "invisible_character",
            Problem::LineSeparator => "line_separator",
            Problem::NotNfc => "not_nfc",
            Problem::NoLetter => "no_letter",
            Problem::BadCharacter { .. } => "bad_character",
            Problem::DateFormat => "date_format",
            Problem::NoSuchDate => "no_such_date",
            Problem::EnterpriseNumberLength { .. } => "enterprise_number_length",
            Problem::EnterpriseNumberFirstDigit => "enterprise_number_first_digit",
            Problem::EnterpriseNumberCheck { .. } => "enterprise_number_check",
            Problem::Email => "email",
        }
    }

    fn params(&self) -> Params {
        match self {
            Problem::TooLong { max } | Problem::TooManyLines { max } => vec![param("max", max)],
            Problem::InvisibleCharacter { found } => {
                vec![param("found", format!("U+{:04X}", u32::from(*found)))]
            }
            Problem::BadCharacter { found } => vec![param("found", found)],
            Problem::EnterpriseNumberLength { digits } => vec![param("digits", digits)],
            Problem::EnterpriseNumberCheck { expected } => vec![param("expected", expected)],
            Problem::Empty
            | Problem::LineBreak
            | Problem::ControlCharacter
            | Problem::LineSeparator
            | Problem::NotNfc
            | Problem::NoLetter
            | Problem::DateFormat
            | Problem::NoSuchDate
            | Problem::EnterpriseNumberFirstDigit
            | Problem::Email => Vec::new(),
        }
    }
}

impl Serialize for Problem {
    /// As `{code, params, message}`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CodedJson(self).serialize(serializer)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => write!(f, "it is empty"),
            Problem::TooLong { max } => write!(f, "it is longer than {max} characters"),
            Problem::TooManyLines { max } => write!(f, "it has more than {max} lines"),
            Problem::LineBreak => write!(f, "it must fit on one line"),
            Problem::ControlCharacter => write!(f, "it contains a control character"),
            Problem::InvisibleCharacter { found } => write!(
                f,
                "it contains the invisible character U+{:04X}, which is not allowed",
                u32::from(*found)
            ),
            Problem::LineSeparator => write!(
                f,
                "it contains a line or paragraph separator (U+2028, U+2029); use a line break"
            ),
            Problem::NotNfc => write!(f, "it is not in Unicode normalization form C"),
            Problem::NoLetter => write!(f, "it contains no letter"),
            Problem::BadCharacter { found } => {
                write!(f, "the character {found:?} is not allowed here")
            }
            Problem::DateFormat => write!(
                f,
                "it is not a date; write it as dd-mm-yyyy (23-11-2026) or yyyy-mm-dd"
            ),
            Problem::NoSuchDate => write!(f, "that day does not exist"),
            Problem::EnterpriseNumberLength { digits } => write!(
                f,
                "an enterprise number has 10 digits (or 9 in the old form), not {digits}"
            ),
            Problem::EnterpriseNumberFirstDigit => {
                write!(f, "an enterprise number starts with 0 or 1")
            }
            Problem::EnterpriseNumberCheck { expected } => write!(
                f,
                "the check digits are wrong (the mod-97 check says the number should end in {expected}); \
                 it is probably mistyped"
            ),
            Problem::Email => write!(f, "it is not an e-mail address (name@example.be)"),
        }
    }
}

impl Kind {
    /// The name used in template headers and JSON (`"enterprise_number"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Multiline => "multiline",
            Kind::PersonName => "person_name",
            Kind::Function => "function",
            Kind::Place => "place",
            Kind::Date => "date",
            Kind::EnterpriseNumber => "enterprise_number",
            Kind::Email => "email",
        }
    }

    /// The most characters a value of this kind can take in an agreement's text (as
    /// [`Kind::display`] shows its normal form): what bounds the text a template renders
    /// (`docs/templates.md`, "Limits").
    pub fn longest_shown(self) -> usize {
        match self {
            Kind::Text => MAX_LINE,
            // The lines joined by ", ".
            Kind::Multiline => MAX_LINES * MAX_LINE + (MAX_LINES - 1) * 2,
            Kind::PersonName | Kind::Function | Kind::Place => MAX_NAME,
            // "30 september 2026", "1er décembre 2026": well under.
            Kind::Date => 32,
            Kind::EnterpriseNumber => 14,
            Kind::Email => MAX_EMAIL,
        }
    }

    /// The kind with this name, if there is one.
    pub fn from_name(name: &str) -> Option<Kind> {
        ALL_KINDS.into_iter().find(|k| k.as_str() == name)
    }

    /// Checks a value as a person typed it and returns its normal form: the exact string that
    /// is stored and signed.
    ///
    /// All kinds: Unicode NFC, leading and trailing white space removed, runs of spaces and
    /// tabs folded to one space, no control characters. Then per kind: see the module
    /// documentation in `docs/templates.md`.
    pub fn normalize(self, raw: &str) -> Result<String, Problem> {
        let nfc: String = raw.nfc().collect();
        // What was typed is held to the rules of allowed text, except for the white space
        // that normalizing folds or trims (tabs, CR, and line breaks a one-line kind trims).
        if let Some(p) = nfc
            .chars()
            .filter(|&c| !matches!(c, '\t' | '\r' | '\n'))
            .find_map(|c| char_problem(c, Lines::One))
        {
            return Err(p);
        }
        let normal = self.normalize_nfc(&nfc)?;
        match text_problem(&normal, self.lines()) {
            Some(p) => Err(p),
            None => Ok(normal),
        }
    }

    /// Whether `value`, read from a file, is a form this kind's values are stored in: the
    /// normal form ([`Kind::normalize`] gives it back unchanged), or the form earlier versions
    /// of Tweevoud stored, which files made then keep and are read, signed and shown in as they
    /// were: an enterprise number without `BE` (`0821.588.020`). A value typed in is always put
    /// in the normal form.
    pub fn is_stored_form(self, value: &str) -> bool {
        match self.normalize(value) {
            Ok(normal) if normal == value => true,
            Ok(normal) => {
                self == Kind::EnterpriseNumber && normal.strip_prefix("BE") == Some(value)
            }
            Err(_) => false,
        }
    }

    /// Whether values of this kind may have several lines.
    pub fn lines(self) -> Lines {
        match self {
            Kind::Multiline => Lines::Many,
            _ => Lines::One,
        }
    }

    fn normalize_nfc(self, nfc: &str) -> Result<String, Problem> {
        match self {
            Kind::Multiline => normalize_lines(nfc),
            _ => {
                let line = one_line(nfc)?;
                match self {
                    Kind::Text => limit(line, MAX_LINE),
                    Kind::PersonName => name_like(line, |c| matches!(c, '-' | '\'' | '’' | '.')),
                    Kind::Function => name_like(line, |c| {
                        matches!(
                            c,
                            '-' | '\'' | '’' | '.' | ',' | '/' | '&' | '(' | ')' | '+'
                        ) || c.is_ascii_digit()
                    }),
                    Kind::Place => {
                        name_like(line, |c| matches!(c, '-' | '\'' | '’' | '.' | '(' | ')'))
                    }
                    Kind::Date => parse_date(&line).map(|d| d.format("%Y-%m-%d").to_string()),
                    Kind::EnterpriseNumber => normalize_enterprise_number(&line),
                    Kind::Email => normalize_email(&line),
                    Kind::Multiline => unreachable_multiline(),
                }
            }
        }
    }

    /// How a normal-form value reads inside the agreement text, in the template's language:
    /// a date in words ("23 november 2026"), the lines of an address joined by ", ", every
    /// other kind as stored. A value that is not in normal form is shown as it is.
    pub fn display(self, value: &str, language: Language) -> String {
        match self {
            Kind::Multiline => value.split('\n').collect::<Vec<_>>().join(", "),
            Kind::Date => match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Ok(d) => language.long_date(d.day(), d.month(), d.year()),
                Err(_) => value.to_string(),
            },
            _ => value.to_string(),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `Kind::Multiline` is handled before the one-line kinds are matched; this keeps the match
/// exhaustive without a panic path.
fn unreachable_multiline() -> Result<String, Problem> {
    Err(Problem::LineBreak)
}

/// Folds runs of spaces and tabs to one space and trims; refuses control characters.
fn fold_spaces(s: &str) -> Result<String, Problem> {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c == ' ' || c == '\t' || c == '\u{a0}' {
            pending_space = !out.is_empty();
            continue;
        }
        if let Some(p) = char_problem(c, Lines::One) {
            return Err(p);
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    Ok(out)
}

fn one_line(s: &str) -> Result<String, Problem> {
    let trimmed = s.trim_matches(|c: char| c.is_whitespace());
    if trimmed.contains(['\n', '\r']) {
        return Err(Problem::LineBreak);
    }
    let folded = fold_spaces(trimmed)?;
    if folded.is_empty() {
        return Err(Problem::Empty);
    }
    Ok(folded)
}

fn limit(s: String, max: usize) -> Result<String, Problem> {
    if s.chars().count() > max {
        Err(Problem::TooLong { max })
    } else {
        Ok(s)
    }
}

fn normalize_lines(s: &str) -> Result<String, Problem> {
    let mut lines = Vec::new();
    for line in s.split('\n') {
        let folded = fold_spaces(line.trim_end_matches('\r').trim())?;
        if !folded.is_empty() {
            lines.push(limit(folded, MAX_LINE)?);
        }
    }
    if lines.is_empty() {
        return Err(Problem::Empty);
    }
    if lines.len() > MAX_LINES {
        return Err(Problem::TooManyLines { max: MAX_LINES });
    }
    Ok(lines.join("\n"))
}

/// Names, functions and places: letters, marks, spaces and a few punctuation marks.
fn name_like(s: String, extra: impl Fn(char) -> bool) -> Result<String, Problem> {
    let s = limit(s, MAX_NAME)?;
    if let Some(found) = s
        .chars()
        .find(|&c| !(c.is_alphabetic() || c == ' ' || is_mark(c) || extra(c)))
    {
        return Err(Problem::BadCharacter { found });
    }
    if !s.chars().any(char::is_alphabetic) {
        return Err(Problem::NoLetter);
    }
    Ok(s)
}

/// Combining marks that NFC could not fold into a letter.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}')
}

/// Reads `dd-mm-yyyy`, `dd/mm/yyyy`, `dd.mm.yyyy` (day and month may have one digit) and
/// ISO `yyyy-mm-dd`.
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, Problem> {
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let sep_count = s.chars().filter(|c| matches!(c, '-' | '/' | '.')).count();
    if parts.len() != 3 || sep_count != 2 {
        return Err(Problem::DateFormat);
    }
    let digits = |p: &str, min: usize, max: usize| -> Result<u32, Problem> {
        if p.len() < min || p.len() > max || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::DateFormat);
        }
        p.parse().map_err(|_| Problem::DateFormat)
    };
    let (year, month, day) = if parts[0].len() == 4 {
        if !s.contains('-') || s.contains(['/', '.']) {
            return Err(Problem::DateFormat);
        }
        (
            digits(parts[0], 4, 4)?,
            digits(parts[1], 2, 2)?,
            digits(parts[2], 2, 2)?,
        )
    } else {
        // The same separator twice: 23-11.2026 is not a way anyone writes a date.
        let mut seps = s.chars().filter(|c| matches!(c, '-' | '/' | '.'));
        if seps.next() != seps.next() {
            return Err(Problem::DateFormat);
        }
        (
            digits(parts[2], 4, 4)?,
            digits(parts[1], 1, 2)?,
            digits(parts[0], 1, 2)?,
        )
    };
    if !(1900..=2199).contains(&year) {
        return Err(Problem::NoSuchDate);
    }
    let year = i32::try_from(year).map_err(|_| Problem::NoSuchDate)?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or(Problem::NoSuchDate)
}

/// Accepts `0821.588.020`, `0821588020`, `BE0821588020`, `BE 0821.588.020` and the old
/// 9-digit form `821.588.020`; checks the mod-97 rule; returns `BE0821.588.020`.
fn normalize_enterprise_number(s: &str) -> Result<String, Problem> {
    let upper = s.to_ascii_uppercase();
    let rest = upper.strip_prefix("BE").unwrap_or(&upper);
    let mut digits = String::with_capacity(10);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' => {}
            other => return Err(Problem::BadCharacter { found: other }),
        }
    }
    match digits.len() {
        9 => digits.insert(0, '0'),
        10 => {}
        n => return Err(Problem::EnterpriseNumberLength { digits: n }),
    }
    if !digits.starts_with(['0', '1']) {
        return Err(Problem::EnterpriseNumberFirstDigit);
    }
    let base: u64 = digits[..8]
        .parse()
        .map_err(|_| Problem::EnterpriseNumberLength {
            digits: digits.len(),
        })?;
    let check: u64 = digits[8..]
        .parse()
        .map_err(|_| Problem::EnterpriseNumberLength {
            digits: digits.len(),
        })?;
    let expected = 97 - base % 97;
    if check != expected {
        return Err(Problem::EnterpriseNumberCheck {
            expected: format!("{expected:02}"),
        });
    }
    Ok(format!(
        "BE{}.{}.{}",
        &digits[..4],
        &digits[4..7],
        &digits[7..]
    ))
}

/// A pragmatic address check: one `@`, a local part and a dotted domain, no spaces; the
/// domain is lower-cased.
fn normalize_email(s: &str) -> Result<String, Problem> {
    let s = limit(s.to_string(), MAX_EMAIL)?;
    let (local, domain) = s.split_once('@').ok_or(Problem::Email)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let domain = domain.to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(char::is_alphabetic) && tld.len() >= 2);
    if !(local_ok && domain_ok) {
        return Err(Problem::Email);
    }
    Ok(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_codes_are_stable_and_listed() {
        let all = [
            Problem::Empty,
            Problem::TooLong { max: 3 },
            Problem::TooManyLines { max: 3 },
            Problem::LineBreak,
            Problem::ControlCharacter,
            Problem::InvisibleCharacter { found: '\u{200b}' },
            Problem::LineSeparator,
            Problem::NotNfc,
            Problem::NoLetter,
            Problem::BadCharacter { found: '<' },
            Problem::DateFormat,
            Problem::NoSuchDate,
            Problem::EnterpriseNumberLength { digits: 8 },
            Problem::EnterpriseNumberFirstDigit,
            Problem::EnterpriseNumberCheck {
                expected: "20".into(),
            },
            Problem::Email,
        ];
        let coded: Vec<&dyn Coded> = all.iter().map(|p| p as &dyn Coded).collect();
        crate::error::assert_codes(&coded, Problem::CODES);
        let json = serde_json::to_value(Problem::InvisibleCharacter { found: '\u{200b}' }).unwrap();
        assert_eq!(json["code"], "invisible_character");
        assert_eq!(json["params"]["found"], "U+200B");
        assert!(json["message"].as_str().unwrap().contains("U+200B"));
    }

    fn ok(kind: Kind, raw: &str) -> String {
        kind.normalize(raw)
            .unwrap_or_else(|e| panic!("{kind} {raw:?} was refused: {e}"))
    }

    fn fail(kind: Kind, raw: &str) -> Problem {
        match kind.normalize(raw) {
            Ok(v) => panic!("{kind} {raw:?} was accepted as {v:?}"),
            Err(p) => p,
        }
    }

    #[test]
    fn enterprise_number_accepts_every_written_form() {
        for raw in [
            "0821.588.020",
            "0821588020",
            "BE0821588020",
            "BE 0821.588.020",
            "BE0821.588.020",
            "be 0821 588 020",
            "821.588.020",
            "821588020",
        ] {
            assert_eq!(ok(Kind::EnterpriseNumber, raw), "BE0821.588.020", "{raw}");
        }
    }

    #[test]
    fn enterprise_number_stored_forms() {
        let k = Kind::EnterpriseNumber;
        // The normal form, and the form earlier versions stored: both read from a file.
        assert!(k.is_stored_form("BE0821.588.020"));
        assert!(k.is_stored_form("0821.588.020"));
        // Neither is what a value typed in becomes unless it is the normal form.
        assert_eq!(ok(k, "0821.588.020"), "BE0821.588.020");
        for other in [
            "BE 0821.588.020",
            "0821588020",
            "be0821.588.020",
            "821.588.020",
        ] {
            assert!(!k.is_stored_form(other), "{other}");
        }
        assert!(!k.is_stored_form("0821.588.021"));
        // Other kinds: the normal form only.
        assert!(Kind::Date.is_stored_form("2026-11-23"));
        assert!(!Kind::Date.is_stored_form("23-11-2026"));
    }

    #[test]
    fn enterprise_number_new_series_starting_with_1() {
        // 10000000 mod 97 = 76, so the check digits are 97 - 76 = 21.
        assert_eq!(ok(Kind::EnterpriseNumber, "1000.000.021"), "BE1000.000.021");
    }

    #[test]
    fn fail_enterprise_number_check_digits() {
        assert_eq!(
            fail(Kind::EnterpriseNumber, "0821.588.021"),
            Problem::EnterpriseNumberCheck {
                expected: "20".into()
            }
        );
    }

    #[test]
    fn fail_enterprise_number_shapes() {
        assert_eq!(
            fail(Kind::EnterpriseNumber, "0821.588"),
            Problem::EnterpriseNumberLength { digits: 7 }
        );
        assert!(matches!(
            fail(Kind::EnterpriseNumber, "0821.588.0200"),
            Problem::EnterpriseNumberLength { digits: 11 }
        ));
        assert!(matches!(
            fail(Kind::EnterpriseNumber, "2821.588.020"),
            Problem::EnterpriseNumberFirstDigit
        ));
        assert!(matches!(
            fail(Kind::EnterpriseNumber, "NL0821588020"),
            Problem::BadCharacter { found: 'N' }
        ));
        assert_eq!(fail(Kind::EnterpriseNumber, "  "), Problem::Empty);
    }

    #[test]
    fn dates_in_belgian_and_iso_forms() {
        for raw in [
            "23-11-2026",
            "23/11/2026",
            "23.11.2026",
            "2026-11-23",
            " 23-11-2026 ",
        ] {
            assert_eq!(ok(Kind::Date, raw), "2026-11-23", "{raw}");
        }
        assert_eq!(ok(Kind::Date, "1-2-2027"), "2027-02-01");
        assert_eq!(ok(Kind::Date, "29-02-2028"), "2028-02-29");
    }

    #[test]
    fn fail_dates() {
        assert_eq!(fail(Kind::Date, "31-02-2026"), Problem::NoSuchDate);
        assert_eq!(fail(Kind::Date, "29-02-2027"), Problem::NoSuchDate);
        assert_eq!(fail(Kind::Date, "2026-13-01"), Problem::NoSuchDate);
        assert_eq!(fail(Kind::Date, "23 november 2026"), Problem::DateFormat);
        assert_eq!(fail(Kind::Date, "11/23/26"), Problem::DateFormat);
        assert_eq!(fail(Kind::Date, "2026/11/23"), Problem::DateFormat);
        assert_eq!(fail(Kind::Date, "23-11-2026-1"), Problem::DateFormat);
        assert_eq!(fail(Kind::Date, "01-01-0001"), Problem::NoSuchDate);
        assert_eq!(fail(Kind::Date, "23-11.2026"), Problem::DateFormat);
        assert_eq!(fail(Kind::Date, "23/11-2026"), Problem::DateFormat);
    }

    #[test]
    fn dates_display_in_words() {
        assert_eq!(
            Kind::Date.display("2026-11-23", Language::Nl),
            "23 november 2026"
        );
        assert_eq!(
            Kind::Date.display("2026-02-01", Language::Fr),
            "1er février 2026"
        );
        assert_eq!(
            Kind::Date.display("2026-08-23", Language::Fr),
            "23 août 2026"
        );
        assert_eq!(
            Kind::Date.display("2026-11-23", Language::En),
            "23 November 2026"
        );
    }

    #[test]
    fn person_names() {
        assert_eq!(ok(Kind::PersonName, "  Tom   Hendrix "), "Tom Hendrix");
        assert_eq!(
            ok(Kind::PersonName, "Anne-Marie D'Hondt"),
            "Anne-Marie D'Hondt"
        );
        assert_eq!(ok(Kind::PersonName, "Zoë Çelik"), "Zoë Çelik");
        // A decomposed ë is stored composed (NFC).
        assert_eq!(ok(Kind::PersonName, "Zoe\u{308}"), "Zoë");
    }

    #[test]
    fn fail_person_names() {
        assert_eq!(fail(Kind::PersonName, "Tom\nHendrix"), Problem::LineBreak);
        assert_eq!(
            fail(Kind::PersonName, "R2D2"),
            Problem::BadCharacter { found: '2' }
        );
        assert_eq!(fail(Kind::PersonName, "--"), Problem::NoLetter);
        assert_eq!(fail(Kind::PersonName, ""), Problem::Empty);
        assert_eq!(
            fail(Kind::PersonName, "Tom\u{202e}Hendrix"),
            Problem::InvisibleCharacter { found: '\u{202e}' }
        );
        assert_eq!(
            fail(Kind::PersonName, &"a".repeat(121)),
            Problem::TooLong { max: 120 }
        );
    }

    #[test]
    fn functions_and_places() {
        assert_eq!(ok(Kind::Function, "CEO"), "CEO");
        assert_eq!(ok(Kind::Function, "Zaakvoerder / DPO"), "Zaakvoerder / DPO");
        assert_eq!(ok(Kind::Place, "Dilsen-Stokkem"), "Dilsen-Stokkem");
        assert_eq!(ok(Kind::Place, "Sint-Genesius-Rode"), "Sint-Genesius-Rode");
        assert_eq!(
            fail(Kind::Place, "3650"),
            Problem::BadCharacter { found: '3' }
        );
        assert_eq!(
            fail(Kind::Function, "<b>"),
            Problem::BadCharacter { found: '<' }
        );
    }

    #[test]
    fn multiline_addresses() {
        assert_eq!(
            ok(Kind::Multiline, " Kerkstraat 1 \r\n\r\n 3600   Genk \n"),
            "Kerkstraat 1\n3600 Genk"
        );
        assert_eq!(
            Kind::Multiline.display("Kerkstraat 1\n3600 Genk", Language::Nl),
            "Kerkstraat 1, 3600 Genk"
        );
        assert_eq!(fail(Kind::Multiline, "\n \n"), Problem::Empty);
        assert_eq!(
            fail(Kind::Multiline, &"a\n".repeat(9)),
            Problem::TooManyLines { max: 8 }
        );
    }

    #[test]
    fn text() {
        assert_eq!(ok(Kind::Text, "Acme\tNV"), "Acme NV");
        assert_eq!(fail(Kind::Text, "a\u{0}b"), Problem::ControlCharacter);
        assert_eq!(fail(Kind::Text, "a\rb"), Problem::LineBreak);
    }

    #[test]
    fn emails() {
        assert_eq!(ok(Kind::Email, "Tom@SMSTools.BE"), "Tom@smstools.be");
        for bad in [
            "tom",
            "tom@",
            "@x.be",
            "tom@be",
            "tom @x.be",
            "t..m@x.be",
            "tom@x.b3",
        ] {
            assert_eq!(fail(Kind::Email, bad), Problem::Email, "{bad}");
        }
    }

    #[test]
    fn fail_invisible_characters_in_values() {
        for (raw, found) in [
            ("Acme\u{ad}NV", '\u{ad}'),
            ("f\u{2061}x", '\u{2061}'),
            ("Ulaan\u{180e}baatar", '\u{180e}'),
            ("Acme\u{e0041}\u{e007f}", '\u{e0041}'),
            ("\u{feff}Acme", '\u{feff}'),
            ("Acme \u{200b}", '\u{200b}'),
        ] {
            for kind in [Kind::Text, Kind::Multiline, Kind::PersonName, Kind::Place] {
                assert_eq!(
                    fail(kind, raw),
                    Problem::InvisibleCharacter { found },
                    "{kind} {raw:?}"
                );
            }
        }
        assert_eq!(
            Problem::InvisibleCharacter { found: '\u{2061}' }.to_string(),
            "it contains the invisible character U+2061, which is not allowed"
        );
        for raw in ["a\u{2028}b", "a\u{2029}", "\u{2028}"] {
            assert_eq!(fail(Kind::Text, raw), Problem::LineSeparator, "{raw:?}");
            assert_eq!(
                fail(Kind::Multiline, raw),
                Problem::LineSeparator,
                "{raw:?}"
            );
        }
        // A control character is refused even where trimming would have dropped it.
        assert_eq!(fail(Kind::Text, "Acme\u{85}"), Problem::ControlCharacter);
        assert_eq!(
            fail(Kind::Multiline, "a\u{7}\nb"),
            Problem::ControlCharacter
        );
    }

    #[test]
    fn allowed_text_is_one_definition() {
        assert_eq!(text_problem("Zoë Çelik", Lines::One), None);
        assert_eq!(text_problem("Ζωή Ελευθερίου", Lines::One), None);
        assert_eq!(text_problem("王小明 ・ Иван", Lines::One), None);
        assert_eq!(text_problem("a\nb", Lines::Many), None);
        assert_eq!(text_problem("a\nb", Lines::One), Some(Problem::LineBreak));
        assert_eq!(
            text_problem("a\tb", Lines::Many),
            Some(Problem::ControlCharacter)
        );
        assert_eq!(
            text_problem("Zoe\u{308}", Lines::One),
            Some(Problem::NotNfc)
        );
        assert_eq!(
            text_problem("abc\u{202e}", Lines::Many),
            Some(Problem::InvisibleCharacter { found: '\u{202e}' })
        );
        // Every range is ordered, and they do not touch: the list is as short as it can be.
        for w in INVISIBLE.windows(2) {
            assert!(w[0].0 <= w[0].1 && w[0].1 + 1 < w[1].0, "{w:?}");
        }
    }

    #[test]
    fn accented_non_latin_and_no_break_spaces_are_accepted() {
        assert_eq!(ok(Kind::PersonName, "Ζωή Ελευθερίου"), "Ζωή Ελευθερίου");
        assert_eq!(ok(Kind::PersonName, "Łukasz Żółć"), "Łukasz Żółć");
        assert_eq!(
            ok(Kind::Text, "Société générale — 東京"),
            "Société générale — 東京"
        );
        // A no-break space is folded into a space, as a space is.
        assert_eq!(ok(Kind::PersonName, "Jan\u{a0}De\u{a0}Smet"), "Jan De Smet");
        assert_eq!(ok(Kind::Text, "Art.\u{a0}5"), "Art. 5");
        // A narrow no-break space is kept in free text, refused in a name.
        assert_eq!(ok(Kind::Text, "« oui\u{202f}»"), "« oui\u{202f}»");
        assert_eq!(
            fail(Kind::PersonName, "Jan\u{202f}Smet"),
            Problem::BadCharacter { found: '\u{202f}' }
        );
    }

    #[test]
    fn kind_names_round_trip() {
        for k in ALL_KINDS {
            assert_eq!(Kind::from_name(k.as_str()), Some(k));
        }
        assert_eq!(Kind::from_name("iban"), None);
    }
}
