//! The window's words are data: one JSON object per language, `ui/words/<lang>.json` (key ->
//! string, `{name}` a placeholder), which `ui/i18n.js` loads. Read here with a JSON parser, they
//! must word every code the core, the desk, the desktop app and the browser edition can send,
//! in every language; hold no word that is neither for such a code nor for a key the window
//! names (`ui/*.js`, `ui/index.html`); and give every language the same keys, each with the
//! same placeholders.
//!
//! This test lives with the desktop app because the app's crate sees every edition's codes:
//! its own, the desk's and the core's, and (a dev-dependency) the browser edition's.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use tweevoud::agreement::AuditEvent;
use tweevoud::archive::{ArchiveError, LogEvent};
use tweevoud::contact::ContactError;
use tweevoud::judgement::{TimeNote, TrustStatus};
use tweevoud::key::{KeyError, StrengthLevel};
use tweevoud::kind::ALL_KINDS;
use tweevoud::pdf::PdfError;
use tweevoud::seal::SealProblem;
use tweevoud::signature::SignatureError;
use tweevoud::template::{TemplateError, TemplateProblem};
use tweevoud::timestamp::TokenProblem;
use tweevoud::verify::{Reason, Status};
use tweevoud::{
    AgreementError, ChangeError, Language, OpenError, Party, Problem, StrengthReason, VerdictCode,
};
use tweevoud_desk::view::Phase;

/// The languages the window speaks, one words file each.
const LANGUAGES: [&str; 3] = ["nl", "fr", "en"];

fn ui() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One words file's entries in the order written, so that a key given twice is seen (a map
/// would keep one of the two without a word).
struct Entries(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, String>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// The words of `lang`: key -> string. Panics on a file that is not an object of strings or
/// that gives a key twice.
fn words(lang: &str) -> BTreeMap<String, String> {
    let path = ui().join("words").join(format!("{lang}.json"));
    let Entries(entries) =
        serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut words = BTreeMap::new();
    for (key, text) in entries {
        assert!(
            words.insert(key.clone(), text).is_none(),
            "{lang}.json gives {key} twice"
        );
    }
    words
}

/// The `{name}` placeholders of a string, as `t()` in ui/i18n.js fills them.
fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        rest = &rest[start + 1..];
        if let Some(end) = rest.find('}') {
            let name = &rest[..end];
            if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                found.insert(name);
            }
        }
    }
    found
}

/// Every code a command can fail with: the app's own, the core errors it wraps (with the codes
/// their wrapping variants delegate to), the desk's and the browser edition's.
fn error_codes() -> Vec<&'static str> {
    [
        tweevoud_app::Error::CODES,
        TemplateError::CODES,
        TemplateProblem::CODES,
        AgreementError::CODES,
        KeyError::CODES,
        ContactError::CODES,
        PdfError::CODES,
        ArchiveError::CODES,
        OpenError::CODES,
        ChangeError::CODES,
        tweevoud_desk::DeskError::CODES,
        tweevoud_web::WebError::CODES,
        // The card's errors reach the window when it signs with an eID.
        tweevoud::eid::CardError::CODES,
        tweevoud::eid::BindError::CODES,
    ]
    .concat()
}

/// The codes of an enum the window words by its serialized name, every variant listed: the
/// `match` stops compiling when a variant is added, until it is listed here (and worded).
macro_rules! variants {
    ($ty:ident: $($variant:ident),+) => {{
        let all = [$($ty::$variant),+];
        for variant in &all {
            match variant {
                $($ty::$variant)|+ => {}
            }
        }
        all.iter()
            .map(|v| serde_json::to_value(v).expect("a code").as_str().expect("a string").to_string())
            .collect::<Vec<String>>()
    }};
}

/// The keys every code of the core, the desk and both editions needs, by the family the window
/// looks them up in (ui/i18n.js, ui/*.js): `(prefix, codes, suffixes)`.
fn families() -> Vec<(&'static str, Vec<String>, Vec<&'static str>)> {
    let owned = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let reasons = [
        Reason::CODES,
        // A seal's, a timestamp's and a signature record's problems are reasons too (in
        // `Reason::CODES` today): named here as well, so that a new one cannot go unworded.
        SealProblem::CODES,
        TokenProblem::CODES,
        SignatureError::CODES,
        // An eID certificate's problems are reasons of a binding or a qualified seal.
        tweevoud::eid::PathProblem::CODES,
        tweevoud::eid::BindingProblem::CODES,
        tweevoud::eid::OcspProblem::CODES,
    ]
    .concat();
    // The agreement's history and the archive's log, both shown as events (ui/archive.js).
    // Both enums are open (`non_exhaustive`): a new event is listed here by hand.
    let events = [
        AuditEvent::Created,
        AuditEvent::Filled,
        AuditEvent::Cleared,
        AuditEvent::Signed,
    ]
    .map(AuditEvent::as_str)
    .into_iter()
    .chain(
        [
            LogEvent::Added,
            LogEvent::Exported,
            LogEvent::Verified,
            LogEvent::Deleted,
        ]
        .map(LogEvent::as_str),
    );
    vec![
        ("error_", owned(&error_codes()), vec![""]),
        ("problem_", owned(Problem::CODES), vec![""]),
        ("reason_", owned(&reasons), vec![""]),
        ("strength_reason_", owned(StrengthReason::CODES), vec![""]),
        // What is odd about a signing time next to the time a TSA attests.
        // And what is to know of a signer confirmed by eID.
        (
            "note_",
            owned(&[TimeNote::CODES, tweevoud::judgement::EidNote::CODES].concat()),
            vec![""],
        ),
        // A verdict has a title and a text.
        (
            "verdict_",
            VerdictCode::ALL.iter().map(|c| c.to_string()).collect(),
            vec!["", "_text"],
        ),
        (
            "trust_",
            variants!(TrustStatus: Eid, OwnKey, VerifiedContact, UnverifiedContact, Unknown),
            vec![""],
        ),
        (
            "status_",
            variants!(Status: Complete, AwaitingCountersignature, Unsigned, Invalid),
            vec![""],
        ),
        (
            "strength_",
            variants!(StrengthLevel: Weak, Fair, Strong),
            vec![""],
        ),
        ("lang_", variants!(Language: Nl, Fr, En), vec![""]),
        // Who acts on the agreement on the desk, by the desk's phase of the turn.
        (
            "acting_",
            variants!(Phase: Invalid, Review, Waiting, Done, Filling),
            vec![""],
        ),
        // A party by name, and lower case inside a sentence.
        (
            "party_",
            variants!(Party: Provider, Customer),
            vec!["", "_lower"],
        ),
        (
            "kind_",
            ALL_KINDS.map(|k| k.as_str().to_string()).to_vec(),
            vec![""],
        ),
        ("event_", events.map(str::to_string).collect(), vec![""]),
    ]
}

/// What the window's code names: the string literals of ui/*.js and the attribute values of
/// ui/index.html that look like a key, and the keys ui/*.js builds from a template literal
/// (`party_${party}_lower` -> ("party_", "_lower")). Among them, those it asks `t()` for by a
/// literal and those its `data-i18n*` attributes name, which must have words.
#[derive(Default)]
struct Named {
    literals: BTreeSet<String>,
    templates: BTreeSet<(String, String)>,
    asked: BTreeSet<String>,
}

fn is_key(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.' || c == '$'
}

/// Whether a literal that follows `before` is the key argument of `t(…)`: `t("key"` or
/// `t(lang, "key"`.
fn asks_t(before: &[char]) -> bool {
    let text: String = before.iter().collect();
    let mut head = text.trim_end();
    if let Some(h) = head.strip_suffix(',') {
        head = h.trim_end().trim_end_matches(is_word_char);
    }
    head.strip_suffix("t(")
        .is_some_and(|h| !h.ends_with(is_word_char))
}

impl Named {
    fn read() -> Named {
        let mut named = Named::default();
        let mut scripts: Vec<PathBuf> = fs::read_dir(ui())
            .expect("ui/")
            .map(|e| e.expect("ui/ entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "js"))
            .collect();
        scripts.sort();
        assert!(scripts.len() > 5, "ui/*.js: {scripts:?}");
        for script in scripts {
            let js: Vec<char> = read(&script).chars().collect();
            named.code(&js, 0, false);
        }
        named.page(&read(&ui().join("index.html")));
        named
    }

    /// Reads code from `at` (comments skipped, literals noted) to its end, or with `inner` to
    /// the `}` that closes a template literal's `${`; returns where it stopped.
    fn code(&mut self, js: &[char], mut at: usize, inner: bool) -> usize {
        let mut depth = 0usize;
        while at < js.len() {
            let next = js.get(at + 1).copied();
            match js[at] {
                '/' if next == Some('/') => {
                    while at < js.len() && js[at] != '\n' {
                        at += 1;
                    }
                }
                '/' if next == Some('*') => {
                    at += 2;
                    while at + 1 < js.len() && !(js[at] == '*' && js[at + 1] == '/') {
                        at += 1;
                    }
                    at += 1;
                }
                quote @ ('"' | '\'') => {
                    let start = at + 1;
                    at = start;
                    while at < js.len() && js[at] != quote {
                        at += if js[at] == '\\' { 2 } else { 1 };
                    }
                    let literal: String = js[start..at.min(js.len())].iter().collect();
                    if is_key(&literal) {
                        if asks_t(&js[..start - 1]) {
                            self.asked.insert(literal.clone());
                        }
                        self.literals.insert(literal);
                    }
                }
                '`' => at = self.template(js, at),
                '{' => depth += 1,
                '}' if inner && depth == 0 => return at,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            at += 1;
        }
        at
    }

    /// Reads the template literal opening at `at`; returns where it closes. One without `${…}`
    /// is a literal, one with a single `${…}` between two key-like pieces builds keys.
    fn template(&mut self, js: &[char], mut at: usize) -> usize {
        let start = at;
        let mut pieces = vec![String::new()];
        at += 1;
        while at < js.len() && js[at] != '`' {
            if js[at] == '\\' {
                at += 1;
            } else if js[at] == '$' && js.get(at + 1) == Some(&'{') {
                at = self.code(js, at + 2, true);
                pieces.push(String::new());
            } else if let Some(piece) = pieces.last_mut() {
                piece.push(js[at]);
            }
            at += 1;
        }
        match &pieces[..] {
            [literal] if is_key(literal) => {
                if asks_t(&js[..start]) {
                    self.asked.insert(literal.clone());
                }
                self.literals.insert(literal.clone());
            }
            [prefix, suffix]
                if is_key(prefix) && suffix.chars().all(|c| c.is_ascii_lowercase() || c == '_') =>
            {
                self.templates.insert((prefix.clone(), suffix.clone()));
            }
            _ => {}
        }
        at
    }

    /// The attribute values of the page; those of `data-i18n*` must be words.
    fn page(&mut self, html: &str) {
        for (i, _) in html.match_indices("=\"") {
            let value = &html[i + 2..];
            let value = &value[..value.find('"').expect("a closed attribute")];
            if is_key(value) {
                self.literals.insert(value.to_string());
                let attribute = html[..i].rsplit(char::is_whitespace).next();
                if attribute.is_some_and(|a| a.starts_with("data-i18n")) {
                    self.asked.insert(value.to_string());
                }
            }
        }
    }
}

#[test]
fn every_language_has_the_same_keys_and_placeholders() {
    let en = words("en");
    assert!(en.len() > 300, "{}", en.len());
    for lang in LANGUAGES {
        let other = words(lang);
        let only_en: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
        let only_here: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(
            only_en.is_empty() && only_here.is_empty(),
            "{lang}: missing {only_en:?}, extra {only_here:?}"
        );
        for (key, text) in &other {
            assert!(!text.trim().is_empty(), "{lang}: {key} is empty");
            assert_eq!(
                placeholders(text),
                placeholders(&en[key]),
                "{lang}: the placeholders of {key}"
            );
        }
    }
    let mut files: Vec<String> = fs::read_dir(ui().join("words"))
        .expect("ui/words/")
        .map(|e| {
            e.expect("ui/words/ entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["en.json", "fr.json", "nl.json"],
        "one file per language, no other"
    );
}

#[test]
fn every_code_has_words_in_every_language() {
    let families = families();
    for lang in LANGUAGES {
        let words = words(lang);
        let mut missing = Vec::new();
        for (prefix, codes, suffixes) in &families {
            for code in codes {
                for suffix in suffixes {
                    let key = format!("{prefix}{code}{suffix}");
                    if !words.contains_key(&key) {
                        missing.push(key);
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
    }
}

#[test]
fn every_key_the_window_asks_for_has_words() {
    let named = Named::read();
    assert!(named.asked.len() > 100, "{}", named.asked.len());
    let en = words("en");
    let missing: Vec<_> = named
        .asked
        .iter()
        .filter(|k| !en.contains_key(*k))
        .collect();
    assert!(missing.is_empty(), "no words for {missing:?}");
}

/// A word is for a code (its family's prefix, a code of that family, a suffix), or for a key
/// the window names: a literal, or one its template literals build. A family's keys are judged
/// by the family alone (`error_${err.kind}` does not make every `error_…` a word), unless a
/// template with a longer prefix builds them (`reason_state_${state}` under `reason_`).
#[test]
fn every_word_is_for_a_code_or_a_key_the_window_names() {
    let named = Named::read();
    let families = families();
    let for_a_code = |key: &str| {
        families.iter().any(|(prefix, codes, suffixes)| {
            codes.iter().any(|code| {
                suffixes
                    .iter()
                    .any(|suffix| key == format!("{prefix}{code}{suffix}"))
            })
        })
    };
    // The length of the longest family prefix `key` starts with.
    let family = |key: &str| {
        families
            .iter()
            .map(|(prefix, ..)| *prefix)
            .filter(|prefix| key.starts_with(prefix))
            .map(str::len)
            .max()
    };
    let built = |key: &str| {
        named.templates.iter().any(|(prefix, suffix)| {
            key.len() > prefix.len() + suffix.len()
                && key.starts_with(prefix.as_str())
                && key.ends_with(suffix.as_str())
                && family(key).is_none_or(|len| prefix.len() > len)
        })
    };
    let stale: Vec<String> = words("en")
        .into_keys()
        .filter(|k| !for_a_code(k) && !built(k) && !named.literals.contains(k))
        .collect();
    assert!(
        stale.is_empty(),
        "words for no code and no key of the window: {stale:?}"
    );
}
