//! Templates: an agreement's text with named, typed blanks, and a header that says who the
//! parties are.
//!
//! The format is specified in `docs/templates.md`. In short: a TOML header between two `+++`
//! lines, then the body, a very small Markdown-like text in which `{{blank_id}}` marks where a
//! blank stands. Parsing checks everything a template author can get wrong and names the line;
//! a [`Template`] that exists is well-formed, so the rest of the program never re-checks it.
//!
//! A template is identified by the SHA-256 of its canonical text ([`canonicalize`]), so the
//! same template saved with Windows line endings or a decomposed "é" has the same identity.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;
use unicode_normalization::UnicodeNormalization;

use crate::error::{param, with_params, Coded, Params};
use crate::kind::{char_problem, text_problem, Kind, Lines, Problem};
use crate::language::{Labels, Language};
use crate::party::{Party, PARTIES};

/// The `format` line a template header must carry.
pub const FORMAT: &str = "tweevoud-template/1";

/// Largest template accepted, in bytes: far more than any agreement, far less than harm.
pub const MAX_TEMPLATE_BYTES: usize = 1 << 20;

/// Most blanks a template declares (`docs/templates.md`, "Limits"): every list an agreement
/// file carries about blanks (its values, a statement's values and open blanks, an audit
/// entry's blanks) is held to this too.
pub const MAX_BLANKS: usize = 256;

/// Most characters of the longest text a template can render (its own text, plus for each
/// blank marker the longest its blank can be shown, value or `[label]`): what bounds the work
/// of rendering, laying out and checking an exemplar, whatever the values.
pub const MAX_TEXT_CHARS: usize = 128 << 10;

/// A template that was read, checked and is ready to be filled in. Cloning one is cheap: the
/// parsed template is shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    data: Arc<TemplateData>,
}

#[derive(Debug, PartialEq, Eq)]
struct TemplateData {
    canonical: String,
    sha256: [u8; 32],
    id: String,
    title: String,
    language: Language,
    parties: Vec<PartyDetails>,
    blanks: Vec<Blank>,
    /// Each blank's position in `blanks`, by id: a lookup by id costs a logarithm, not a walk.
    positions: BTreeMap<String, usize>,
    blocks: Vec<Block>,
}

/// A blank declared in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blank {
    /// The name used in `{{...}}` and in agreement files.
    pub id: String,
    /// What the blank asks for, in the three languages.
    pub label: Labels,
    /// How a value is checked and shown.
    pub kind: Kind,
    /// Who fills it in.
    pub party: Party,
    /// Whether the agreement is incomplete without it.
    pub required: bool,
    /// A value offered when an agreement is created (normal form).
    pub default: Option<String>,
    /// Filled in by the program rather than typed.
    pub auto: Option<Auto>,
}

/// A value the program fills in by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Auto {
    /// When the blank's party signs and the blank is still open, it gets the date of that
    /// signature. With the customer as the blank's party this is "the date of the last
    /// signature" in the usual order.
    SigningDate,
}

impl Auto {
    fn from_name(name: &str) -> Option<Auto> {
        match name {
            "signing_date" => Some(Auto::SigningDate),
            _ => None,
        }
    }
}

/// A detail of a party: written in the template, or taken from a blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    /// Fixed in the template ("Xtreme Internet Solutions BV").
    Fixed(String),
    /// The value of this blank.
    Blank(String),
}

/// Who a party is, as the template states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyDetails {
    /// Which side.
    pub party: Party,
    /// The organisation's legal name.
    pub name: Detail,
    /// How the agreement refers to the party after "for": "XIS", "de Klant".
    pub designation: String,
    /// Registered office, if stated.
    pub address: Option<Detail>,
    /// Belgian enterprise number, if stated.
    pub enterprise_number: Option<Detail>,
    /// The person who signs for the party.
    pub signatory_name: Detail,
    /// That person's function.
    pub signatory_function: Detail,
}

/// A piece of a line of text: words, or a blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Span {
    /// Literal text.
    Text {
        /// The words.
        text: String,
    },
    /// Where a blank's value goes.
    Blank {
        /// The blank's id.
        id: String,
    },
}

/// What a block of the body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    /// The document title (`# `).
    Title,
    /// A section heading (`## `).
    Heading,
    /// A sub-heading (`### `).
    Subheading,
    /// A paragraph; its source lines are joined by one space.
    Paragraph,
    /// A bullet item (`- `), rendered with "• ".
    Bullet,
    /// Lines kept as they are (`| `), such as a signature section.
    Lines,
}

/// A block of the body: a heading, a paragraph, a bullet or a group of kept lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// What kind of block.
    pub kind: BlockKind,
    /// The block's lines; every kind but [`BlockKind::Lines`] has exactly one.
    pub lines: Vec<Vec<Span>>,
}

/// The body of a template as structured text, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document<'a> {
    /// The blocks in order.
    pub blocks: &'a [Block],
}

/// What `template show --json` prints: the template's identity and its blanks.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateSummary {
    /// Template id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Language of the text.
    pub language: Language,
    /// SHA-256 of the canonical text, lower-case hex.
    pub sha256: String,
    /// The parties as the template states them.
    pub parties: Vec<PartyDetails>,
    /// The blanks, in declaration order.
    pub fields: Vec<FieldSummary>,
}

/// One blank in a [`TemplateSummary`].
#[derive(Debug, Clone, Serialize)]
pub struct FieldSummary {
    /// Blank id.
    pub id: String,
    /// Kind name.
    pub kind: Kind,
    /// Who fills it in.
    pub party: Party,
    /// Whether it must be filled.
    pub required: bool,
    /// Value offered at creation, if any.
    pub default: Option<String>,
    /// Filled in by the program, if so.
    pub auto: Option<Auto>,
    /// Labels in nl, fr, en.
    pub label: Labels,
}

/// A template could not be read or is not well-formed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The file could not be read.
    #[error("cannot read template {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A problem in a template file.
    #[error("{}:{}", path.display(), source)]
    InFile {
        /// The file.
        path: PathBuf,
        /// The problem.
        source: Box<TemplateError>,
    },
    /// A problem at a line of the template text.
    #[error("line {line}: {problem}")]
    At {
        /// 1-based line number in the template text.
        line: usize,
        /// What is wrong.
        problem: TemplateProblem,
    },
    /// No template with this id is built in, and no file has this name.
    #[error("no template {0:?}: it is neither a built-in template id nor a file")]
    NotFound(String),
}

impl TemplateError {
    /// The line of the template text the problem is on, if it is about a line.
    pub fn line(&self) -> Option<usize> {
        match self {
            TemplateError::At { line, .. } => Some(*line),
            TemplateError::InFile { source, .. } => source.line(),
            _ => None,
        }
    }

    /// The problem, if it is about the template's content.
    pub fn problem(&self) -> Option<&TemplateProblem> {
        match self {
            TemplateError::At { problem, .. } => Some(problem),
            TemplateError::InFile { source, .. } => source.problem(),
            _ => None,
        }
    }
}

impl TemplateError {
    /// Every code of [`TemplateError`]'s own variants (one at a line gives its
    /// [`TemplateProblem`]'s), so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &["template_unreadable", "template_not_found"];
}

/// Parameters: `path`, `line`, `template` (the id asked for), `detail` (English words); a
/// problem at a line as [`TemplateProblem`] gives them.
impl Coded for TemplateError {
    fn code(&self) -> &'static str {
        match self {
            TemplateError::Read { .. } => "template_unreadable",
            TemplateError::InFile { source, .. } => source.code(),
            TemplateError::At { problem, .. } => problem.code(),
            TemplateError::NotFound(_) => "template_not_found",
        }
    }

    fn params(&self) -> Params {
        match self {
            TemplateError::Read { path, source } => {
                vec![param("path", path.display()), param("detail", source)]
            }
            TemplateError::InFile { path, source } => {
                with_params(vec![param("path", path.display())], source)
            }
            TemplateError::At { line, problem } => with_params(vec![param("line", line)], problem),
            TemplateError::NotFound(id) => vec![param("template", id)],
        }
    }
}

/// What is wrong in a template's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateProblem {
    /// Larger than [`MAX_TEMPLATE_BYTES`].
    #[error("the template is larger than {} bytes", MAX_TEMPLATE_BYTES)]
    TooLarge,
    /// More blanks than [`MAX_BLANKS`].
    #[error(
        "the template declares {found} blanks; at most {} are allowed",
        MAX_BLANKS
    )]
    TooManyBlanks {
        /// How many it declares.
        found: usize,
    },
    /// The longest text the template can render is longer than [`MAX_TEXT_CHARS`].
    #[error(
        "the template can render a text of {found} characters (its text, and each blank marker \
         at its longest value or label); at most {} are allowed",
        MAX_TEXT_CHARS
    )]
    TextTooLong {
        /// The longest text it can render, in characters.
        found: usize,
    },
    /// A control character other than a tab or line break.
    #[error("control character U+{0:04X} is not allowed in a template")]
    ControlCharacter(u32),
    /// Text of the template that is not allowed text (`docs/templates.md`, "Allowed text"):
    /// an invisible formatting character such as a bidirectional override, a line separator.
    #[error("{what}: {problem}")]
    BadText {
        /// Which text: `the text`, `the title`, `label.nl of blank x`, ...
        what: String,
        /// Why.
        problem: Problem,
    },
    /// The first line is not `+++`.
    #[error("a template starts with a line \"+++\" that opens its header")]
    NoHeader,
    /// The header is never closed.
    #[error("the header opened here is never closed by a line \"+++\"")]
    UnclosedHeader,
    /// The header is not valid TOML or has the wrong shape.
    #[error("malformed header: {0}")]
    Header(String),
    /// The header's `format` is not one this program reads.
    #[error("format {found:?} is not supported (this program reads {FORMAT:?})")]
    UnsupportedFormat {
        /// What the header says.
        found: String,
    },
    /// The template id is not lower-case letters, digits and dashes.
    #[error(
        "template id {0:?} must be lower-case letters, digits and dashes, starting with a letter"
    )]
    BadTemplateId(String),
    /// A header text that must not be empty is empty.
    #[error("{0} must not be empty")]
    Empty(&'static str),
    /// The language is not nl, fr or en.
    #[error("language {0:?} is not supported (nl, fr or en)")]
    UnknownLanguage(String),
    /// A party is not `provider` or `customer`.
    #[error("unknown party {0:?}: a party is \"provider\" or \"customer\"")]
    UnknownParty(String),
    /// `[parties.provider]` or `[parties.customer]` is missing.
    #[error("the header does not describe the {0} ([parties.{0}])")]
    MissingParty(Party),
    /// A blank id is not lower-case letters, digits and underscores.
    #[error(
        "blank id {0:?} must be lower-case letters, digits and underscores, starting with a letter"
    )]
    BadBlankId(String),
    /// Two blanks have the same id.
    #[error("blank {id:?} is declared twice (first on line {first_line})")]
    DuplicateBlank {
        /// The id.
        id: String,
        /// Where it was first declared.
        first_line: usize,
    },
    /// A blank's kind is unknown.
    #[error("blank {blank:?} has unknown kind {found:?} (known: text, multiline, person_name, function, place, date, enterprise_number, email)")]
    UnknownKind {
        /// The blank.
        blank: String,
        /// The kind named.
        found: String,
    },
    /// A blank's default value is not valid for its kind.
    #[error("the default of blank {blank:?} is not valid: {problem}")]
    BadDefault {
        /// The blank.
        blank: String,
        /// Why.
        problem: Problem,
    },
    /// A blank's `auto` is unknown or does not fit its kind.
    #[error("blank {blank:?}: auto {found:?} is not supported here (only \"signing_date\", on a date blank)")]
    BadAuto {
        /// The blank.
        blank: String,
        /// What was asked.
        found: String,
    },
    /// A party detail names a blank that is not declared.
    #[error("the {party}'s {detail} refers to blank {blank:?}, which is not declared")]
    DetailUnknownBlank {
        /// The party.
        party: Party,
        /// Which detail.
        detail: &'static str,
        /// The blank named.
        blank: String,
    },
    /// A party detail names a blank that the other party fills.
    #[error("the {party}'s {detail} refers to blank {blank:?}, which the {owner} fills")]
    DetailWrongParty {
        /// The party.
        party: Party,
        /// Which detail.
        detail: &'static str,
        /// The blank named.
        blank: String,
        /// Who fills that blank.
        owner: Party,
    },
    /// A fixed party detail is not valid for what it is.
    #[error("the {party}'s {detail} is not valid: {problem}")]
    BadDetail {
        /// The party.
        party: Party,
        /// Which detail.
        detail: &'static str,
        /// Why.
        problem: Problem,
    },
    /// `{{id}}` in the body names no declared blank.
    #[error("unknown blank {{{{{0}}}}}: it is not declared in the header")]
    UnknownPlaceholder(String),
    /// `{{` that does not start a well-formed blank marker.
    #[error(
        "malformed blank {0:?}: write a blank as {{{{blank_id}}}}, and a literal brace as \\{{"
    )]
    MalformedPlaceholder(String),
    /// A declared blank is never used in the body.
    #[error("blank {0:?} is declared but never used in the text")]
    UnusedBlank(String),
    /// The body has no text.
    #[error("the template has no text after its header")]
    EmptyBody,
    /// A heading marker without text.
    #[error("a heading needs text after the #")]
    EmptyHeading,
}

impl TemplateProblem {
    /// Every code of [`TemplateProblem`], so that a user interface can check it words them
    /// all.
    pub const CODES: &'static [&'static str] = &[
        "template_too_large",
        "template_too_many_blanks",
        "template_text_too_long",
        "template_control_character",
        "template_bad_text",
        "template_no_header",
        "template_unclosed_header",
        "template_bad_header",
        "template_unsupported_format",
        "template_bad_id",
        "template_empty_field",
        "template_unknown_language",
        "template_unknown_party",
        "template_missing_party",
        "template_bad_blank_id",
        "template_duplicate_blank",
        "template_unknown_kind",
        "template_bad_default",
        "template_bad_auto",
        "template_detail_unknown_blank",
        "template_detail_wrong_party",
        "template_bad_detail",
        "template_unknown_placeholder",
        "template_malformed_placeholder",
        "template_unused_blank",
        "template_empty_body",
        "template_empty_heading",
    ];
}

/// Parameters: `found` (what the template says), `max` (bytes), `what` (which text),
/// `field`, `party`, `owner`, `blank`, `first_line`, `detail` (a party detail, or English
/// words), and for a value refused the [`Problem`]'s code as `cause` with its parameters.
impl Coded for TemplateProblem {
    fn code(&self) -> &'static str {
        match self {
            TemplateProblem::TooLarge => "template_too_large",
            TemplateProblem::TooManyBlanks { .. } => "template_too_many_blanks",
            TemplateProblem::TextTooLong { .. } => "template_text_too_long",
            TemplateProblem::ControlCharacter(_) => "template_control_character",
            TemplateProblem::BadText { .. } => "template_bad_text",
            TemplateProblem::NoHeader => "template_no_header",
            TemplateProblem::UnclosedHeader => "template_unclosed_header",
            TemplateProblem::Header(_) => "template_bad_header",
            TemplateProblem::UnsupportedFormat { .. } => "template_unsupported_format",
            TemplateProblem::BadTemplateId(_) => "template_bad_id",
            TemplateProblem::Empty(_) => "template_empty_field",
            TemplateProblem::UnknownLanguage(_) => "template_unknown_language",
            TemplateProblem::UnknownParty(_) => "template_unknown_party",
            TemplateProblem::MissingParty(_) => "template_missing_party",
            TemplateProblem::BadBlankId(_) => "template_bad_blank_id",
            TemplateProblem::DuplicateBlank { .. } => "template_duplicate_blank",
            TemplateProblem::UnknownKind { .. } => "template_unknown_kind",
            TemplateProblem::BadDefault { .. } => "template_bad_default",
            TemplateProblem::BadAuto { .. } => "template_bad_auto",
            TemplateProblem::DetailUnknownBlank { .. } => "template_detail_unknown_blank",
            TemplateProblem::DetailWrongParty { .. } => "template_detail_wrong_party",
            TemplateProblem::BadDetail { .. } => "template_bad_detail",
            TemplateProblem::UnknownPlaceholder(_) => "template_unknown_placeholder",
            TemplateProblem::MalformedPlaceholder(_) => "template_malformed_placeholder",
            TemplateProblem::UnusedBlank(_) => "template_unused_blank",
            TemplateProblem::EmptyBody => "template_empty_body",
            TemplateProblem::EmptyHeading => "template_empty_heading",
        }
    }

    fn params(&self) -> Params {
        let cause = |own: Params, problem: &Problem| {
            with_params(
                [own, vec![param("cause", problem.code())]].concat(),
                problem,
            )
        };
        match self {
            TemplateProblem::TooLarge => vec![param("max", MAX_TEMPLATE_BYTES)],
            TemplateProblem::TooManyBlanks { found } => {
                vec![param("found", found), param("max", MAX_BLANKS)]
            }
            TemplateProblem::TextTooLong { found } => {
                vec![param("found", found), param("max", MAX_TEXT_CHARS)]
            }
            TemplateProblem::ControlCharacter(c) => vec![param("found", format!("U+{c:04X}"))],
            TemplateProblem::BadText { what, problem } => cause(vec![param("what", what)], problem),
            TemplateProblem::Header(detail) => vec![param("detail", detail)],
            TemplateProblem::UnsupportedFormat { found } => vec![param("found", found)],
            TemplateProblem::BadTemplateId(found)
            | TemplateProblem::UnknownLanguage(found)
            | TemplateProblem::UnknownParty(found)
            | TemplateProblem::BadBlankId(found)
            | TemplateProblem::MalformedPlaceholder(found) => vec![param("found", found)],
            TemplateProblem::Empty(field) => vec![param("field", field)],
            TemplateProblem::MissingParty(party) => vec![param("party", party)],
            TemplateProblem::DuplicateBlank { id, first_line } => {
                vec![param("blank", id), param("first_line", first_line)]
            }
            TemplateProblem::UnknownKind { blank, found }
            | TemplateProblem::BadAuto { blank, found } => {
                vec![param("blank", blank), param("found", found)]
            }
            TemplateProblem::BadDefault { blank, problem } => {
                cause(vec![param("blank", blank)], problem)
            }
            TemplateProblem::DetailUnknownBlank {
                party,
                detail,
                blank,
            } => vec![
                param("party", party),
                param("detail", detail),
                param("blank", blank),
            ],
            TemplateProblem::DetailWrongParty {
                party,
                detail,
                blank,
                owner,
            } => vec![
                param("party", party),
                param("detail", detail),
                param("blank", blank),
                param("owner", owner),
            ],
            TemplateProblem::BadDetail {
                party,
                detail,
                problem,
            } => cause(
                vec![param("party", party), param("detail", detail)],
                problem,
            ),
            TemplateProblem::UnknownPlaceholder(blank) | TemplateProblem::UnusedBlank(blank) => {
                vec![param("blank", blank)]
            }
            TemplateProblem::NoHeader
            | TemplateProblem::UnclosedHeader
            | TemplateProblem::EmptyBody
            | TemplateProblem::EmptyHeading => Vec::new(),
        }
    }
}

fn at(line: usize, problem: TemplateProblem) -> TemplateError {
    TemplateError::At { line, problem }
}

/// The canonical text of a template: the bytes its SHA-256 is taken over and that an
/// agreement file embeds.
///
/// A leading byte-order mark is dropped, CR LF and lone CR become LF, the text is put in
/// Unicode NFC, trailing spaces and tabs are removed from every line, trailing empty lines are
/// removed, and the text ends with exactly one LF.
pub fn canonicalize(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let unix = text.replace("\r\n", "\n").replace('\r', "\n");
    let nfc: String = unix.nfc().collect();
    let mut out = String::with_capacity(nfc.len() + 1);
    for line in nfc.split('\n') {
        out.push_str(line.trim_end_matches([' ', '\t']));
        out.push('\n');
    }
    let trimmed_len = out.trim_end_matches('\n').len();
    out.truncate(trimmed_len);
    out.push('\n');
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    format: Spanned<String>,
    id: Spanned<String>,
    title: Spanned<String>,
    language: Spanned<String>,
    parties: BTreeMap<String, RawParty>,
    #[serde(default)]
    blanks: Vec<Spanned<RawBlank>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParty {
    name: RawDetail,
    designation: Spanned<String>,
    address: Option<RawDetail>,
    enterprise_number: Option<RawDetail>,
    signatory_name: RawDetail,
    signatory_function: RawDetail,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDetail {
    Fixed(String),
    Blank { blank: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlank {
    id: Spanned<String>,
    kind: Spanned<String>,
    party: Spanned<String>,
    #[serde(default = "yes")]
    required: bool,
    default: Option<Spanned<String>>,
    auto: Option<Spanned<String>>,
    label: Labels,
}

fn yes() -> bool {
    true
}

/// Turns byte offsets in the header into line numbers of the template: the offsets of the
/// line breaks are found once, and each lookup is a binary search (a header of many blanks
/// asks for many lines).
struct HeaderLines {
    breaks: Vec<usize>,
    first_line: usize,
}

impl HeaderLines {
    fn new(header: &str, first_line: usize) -> HeaderLines {
        let breaks = header
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i)
            .collect();
        HeaderLines { breaks, first_line }
    }

    fn line_of(&self, offset: usize) -> usize {
        // The line breaks before `offset`.
        self.first_line + self.breaks.partition_point(|&at| at < offset)
    }

    fn of<T>(&self, spanned: &Spanned<T>) -> usize {
        self.line_of(spanned.span().start)
    }
}

fn is_template_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
        && s.len() <= 64
}

fn is_blank_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.len() <= 64
}

impl Template {
    /// Reads a template from its text. See `docs/templates.md` for the format.
    ///
    /// Every agreement file carries its template's text, so reading many agreements parses
    /// the same text again and again (in `archive verify`, that was a third of the work): the
    /// last few templates parsed are remembered, by their exact text.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        if let Some(t) = remembered(text) {
            return Ok(t);
        }
        let template = Template::parse_text(text)?;
        remember(text, &template);
        Ok(template)
    }

    fn parse_text(text: &str) -> Result<Template, TemplateError> {
        if text.len() > MAX_TEMPLATE_BYTES {
            return Err(at(1, TemplateProblem::TooLarge));
        }
        let canonical = canonicalize(text);
        // The rules of allowed text, for every line; a tab is white space in the source.
        for (i, line) in canonical.split('\n').enumerate() {
            let found = line
                .chars()
                .filter(|&c| c != '\t')
                .find_map(|c| char_problem(c, Lines::One).map(|p| (c, p)));
            match found {
                None => {}
                Some((c, Problem::ControlCharacter)) => {
                    return Err(at(i + 1, TemplateProblem::ControlCharacter(u32::from(c))))
                }
                Some((_, problem)) => {
                    return Err(at(
                        i + 1,
                        TemplateProblem::BadText {
                            what: "the text".to_string(),
                            problem,
                        },
                    ))
                }
            }
        }
        let lines: Vec<&str> = canonical.trim_end_matches('\n').split('\n').collect();
        if lines.first().map(|l| l.trim()) != Some("+++") {
            return Err(at(1, TemplateProblem::NoHeader));
        }
        let close = lines
            .iter()
            .skip(1)
            .position(|l| l.trim() == "+++")
            .map(|p| p + 1)
            .ok_or_else(|| at(1, TemplateProblem::UnclosedHeader))?;
        let header_text = lines[1..close].join("\n");
        let header_lines = HeaderLines::new(&header_text, 2);
        let raw: RawHeader = toml::from_str(&header_text).map_err(|e| {
            let line = e.span().map(|s| header_lines.line_of(s.start)).unwrap_or(1);
            at(
                line,
                TemplateProblem::Header(e.message().trim().to_string()),
            )
        })?;
        let (id, title, language) = check_identity(&raw, &header_lines)?;
        if raw.blanks.len() > MAX_BLANKS {
            return Err(at(
                header_lines.of(&raw.blanks[MAX_BLANKS]),
                TemplateProblem::TooManyBlanks {
                    found: raw.blanks.len(),
                },
            ));
        }
        let (blanks, blank_lines) = check_blanks(&raw.blanks, &header_lines)?;
        let parties = check_parties(&raw, &blanks, &header_lines)?;

        let body_first_line = close + 2;
        let (blocks, used) = parse_body(&lines[close + 1..], body_first_line, &blanks)?;
        if blocks.is_empty() {
            return Err(at(
                body_first_line.min(lines.len()),
                TemplateProblem::EmptyBody,
            ));
        }
        for (blank, line) in blanks.iter().zip(&blank_lines) {
            if !used.contains_key(blank.id.as_str()) {
                return Err(at(*line, TemplateProblem::UnusedBlank(blank.id.clone())));
            }
        }
        let longest = longest_text(&canonical, &blocks, &blanks, language);
        if longest > MAX_TEXT_CHARS {
            return Err(at(1, TemplateProblem::TextTooLong { found: longest }));
        }
        let positions = blanks
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.clone(), i))
            .collect();
        let sha256 = Sha256::digest(canonical.as_bytes()).into();
        Ok(Template {
            data: Arc::new(TemplateData {
                canonical,
                sha256,
                id,
                title,
                language,
                parties,
                blanks,
                positions,
                blocks,
            }),
        })
    }

    /// A built-in template by id, or else (with the `fs` feature) a template file by path.
    pub fn resolve(id_or_path: &str) -> Result<Template, TemplateError> {
        if let Some(t) = builtin().into_iter().find(|t| t.id() == id_or_path) {
            return Ok(t);
        }
        #[cfg(feature = "fs")]
        {
            let path = std::path::Path::new(id_or_path);
            if path.exists() {
                return Template::load(path);
            }
        }
        Err(TemplateError::NotFound(id_or_path.to_string()))
    }

    /// The template id from the header.
    pub fn id(&self) -> &str {
        &self.data.id
    }

    /// The title from the header.
    pub fn title(&self) -> &str {
        &self.data.title
    }

    /// The language the text is written in.
    pub fn language(&self) -> Language {
        self.data.language
    }

    /// The canonical text (see [`canonicalize`]).
    pub fn canonical_text(&self) -> &str {
        &self.data.canonical
    }

    /// SHA-256 of the canonical text.
    pub fn sha256(&self) -> [u8; 32] {
        self.data.sha256
    }

    /// SHA-256 of the canonical text, lower-case hex.
    pub fn sha256_hex(&self) -> String {
        hex::encode(self.data.sha256)
    }

    /// The blanks, in declaration order.
    pub fn blanks(&self) -> &[Blank] {
        &self.data.blanks
    }

    /// The blank with this id.
    pub fn blank(&self, id: &str) -> Option<&Blank> {
        self.blank_position(id).map(|at| &self.data.blanks[at])
    }

    /// The position of the blank with this id among [`Template::blanks`] (its place in the
    /// template's blank order).
    pub fn blank_position(&self, id: &str) -> Option<usize> {
        self.data.positions.get(id).copied()
    }

    /// The parties, provider first.
    pub fn parties(&self) -> &[PartyDetails] {
        &self.data.parties
    }

    /// One party's details.
    pub fn party(&self, party: Party) -> &PartyDetails {
        // check_parties stores exactly one entry per party, provider first.
        &self.data.parties[match party {
            Party::Provider => 0,
            Party::Customer => 1,
        }]
    }

    /// The body's blocks.
    pub fn blocks(&self) -> &[Block] {
        &self.data.blocks
    }

    /// The body as structured text, for display.
    pub fn document(&self) -> Document<'_> {
        Document {
            blocks: &self.data.blocks,
        }
    }

    /// What `template show --json` prints.
    pub fn summary(&self) -> TemplateSummary {
        TemplateSummary {
            id: self.data.id.clone(),
            title: self.data.title.clone(),
            language: self.data.language,
            sha256: self.sha256_hex(),
            parties: self.data.parties.clone(),
            fields: self
                .data
                .blanks
                .iter()
                .map(|b| FieldSummary {
                    id: b.id.clone(),
                    kind: b.kind,
                    party: b.party,
                    required: b.required,
                    default: b.default.clone(),
                    auto: b.auto,
                    label: b.label.clone(),
                })
                .collect(),
        }
    }
}

fn check_identity(
    raw: &RawHeader,
    lines: &HeaderLines,
) -> Result<(String, String, Language), TemplateError> {
    if raw.format.get_ref() != FORMAT {
        return Err(at(
            lines.of(&raw.format),
            TemplateProblem::UnsupportedFormat {
                found: raw.format.get_ref().clone(),
            },
        ));
    }
    if !is_template_id(raw.id.get_ref()) {
        return Err(at(
            lines.of(&raw.id),
            TemplateProblem::BadTemplateId(raw.id.get_ref().clone()),
        ));
    }
    let title = raw
        .title
        .get_ref()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if title.is_empty() {
        return Err(at(lines.of(&raw.title), TemplateProblem::Empty("title")));
    }
    allowed(&title, "the title", lines.of(&raw.title))?;
    let language = Language::from_code(raw.language.get_ref())
        .filter(|l| l.code() == raw.language.get_ref())
        .ok_or_else(|| {
            at(
                lines.of(&raw.language),
                TemplateProblem::UnknownLanguage(raw.language.get_ref().clone()),
            )
        })?;
    Ok((raw.id.get_ref().clone(), title, language))
}

/// Refuses a text of the header that is not allowed text (one line), naming it and its line.
fn allowed(text: &str, what: &str, line: usize) -> Result<(), TemplateError> {
    match text_problem(text, Lines::One) {
        None => Ok(()),
        Some(problem) => Err(at(
            line,
            TemplateProblem::BadText {
                what: what.to_string(),
                problem,
            },
        )),
    }
}

fn check_blanks(
    raw: &[Spanned<RawBlank>],
    lines: &HeaderLines,
) -> Result<(Vec<Blank>, Vec<usize>), TemplateError> {
    let mut blanks = Vec::with_capacity(raw.len());
    let mut blank_lines = Vec::with_capacity(raw.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for rb in raw {
        let line = lines.of(rb);
        let rb = rb.get_ref();
        let id = rb.id.get_ref().clone();
        let id_line = lines.of(&rb.id);
        if !is_blank_id(&id) {
            return Err(at(id_line, TemplateProblem::BadBlankId(id)));
        }
        if let Some(&first_line) = seen.get(&id) {
            return Err(at(
                id_line,
                TemplateProblem::DuplicateBlank { id, first_line },
            ));
        }
        seen.insert(id.clone(), id_line);
        let kind = Kind::from_name(rb.kind.get_ref()).ok_or_else(|| {
            at(
                lines.of(&rb.kind),
                TemplateProblem::UnknownKind {
                    blank: id.clone(),
                    found: rb.kind.get_ref().clone(),
                },
            )
        })?;
        let party: Party = rb.party.get_ref().parse().map_err(|_| {
            at(
                lines.of(&rb.party),
                TemplateProblem::UnknownParty(rb.party.get_ref().clone()),
            )
        })?;
        let default = match &rb.default {
            None => None,
            Some(d) => Some(kind.normalize(d.get_ref()).map_err(|problem| {
                at(
                    lines.of(d),
                    TemplateProblem::BadDefault {
                        blank: id.clone(),
                        problem,
                    },
                )
            })?),
        };
        let auto = match &rb.auto {
            None => None,
            Some(a) => match Auto::from_name(a.get_ref()) {
                Some(Auto::SigningDate) if kind == Kind::Date => Some(Auto::SigningDate),
                _ => {
                    return Err(at(
                        lines.of(a),
                        TemplateProblem::BadAuto {
                            blank: id.clone(),
                            found: a.get_ref().clone(),
                        },
                    ))
                }
            },
        };
        for (name, text) in [
            ("nl", &rb.label.nl),
            ("fr", &rb.label.fr),
            ("en", &rb.label.en),
        ] {
            if text.trim().is_empty() {
                return Err(at(
                    line,
                    TemplateProblem::Empty(match name {
                        "nl" => "label.nl",
                        "fr" => "label.fr",
                        _ => "label.en",
                    }),
                ));
            }
            allowed(text, &format!("label.{name} of blank {id}"), line)?;
        }
        blanks.push(Blank {
            id,
            label: rb.label.clone(),
            kind,
            party,
            required: rb.required,
            default,
            auto,
        });
        blank_lines.push(id_line);
    }
    Ok((blanks, blank_lines))
}

fn check_parties(
    raw: &RawHeader,
    blanks: &[Blank],
    lines: &HeaderLines,
) -> Result<Vec<PartyDetails>, TemplateError> {
    for (name, rp) in &raw.parties {
        if name.parse::<Party>().is_err() {
            return Err(at(
                lines.of(&rp.designation),
                TemplateProblem::UnknownParty(name.clone()),
            ));
        }
    }
    let mut out = Vec::with_capacity(2);
    for party in PARTIES {
        let rp = raw
            .parties
            .get(party.as_str())
            .ok_or_else(|| at(lines.of(&raw.id), TemplateProblem::MissingParty(party)))?;
        let line = lines.of(&rp.designation);
        let detail =
            |raw: &RawDetail, name: &'static str, kind: Kind| -> Result<Detail, TemplateError> {
                match raw {
                    // Kept as written when it is a form values are stored in (a template
                    // of an earlier version keeps the details it was read with then).
                    RawDetail::Fixed(text) if kind.is_stored_form(text) => {
                        Ok(Detail::Fixed(text.clone()))
                    }
                    RawDetail::Fixed(text) => {
                        kind.normalize(text).map(Detail::Fixed).map_err(|problem| {
                            at(
                                line,
                                TemplateProblem::BadDetail {
                                    party,
                                    detail: name,
                                    problem,
                                },
                            )
                        })
                    }
                    RawDetail::Blank { blank } => match blanks.iter().find(|b| &b.id == blank) {
                        None => Err(at(
                            line,
                            TemplateProblem::DetailUnknownBlank {
                                party,
                                detail: name,
                                blank: blank.clone(),
                            },
                        )),
                        Some(b) if b.party != party => Err(at(
                            line,
                            TemplateProblem::DetailWrongParty {
                                party,
                                detail: name,
                                blank: blank.clone(),
                                owner: b.party,
                            },
                        )),
                        Some(_) => Ok(Detail::Blank(blank.clone())),
                    },
                }
            };
        let designation = rp
            .designation
            .get_ref()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if designation.is_empty() {
            return Err(at(
                lines.of(&rp.designation),
                TemplateProblem::Empty("designation"),
            ));
        }
        allowed(
            &designation,
            &format!("the {party}'s designation"),
            lines.of(&rp.designation),
        )?;
        out.push(PartyDetails {
            party,
            name: detail(&rp.name, "name", Kind::Text)?,
            designation,
            address: rp
                .address
                .as_ref()
                .map(|d| detail(d, "address", Kind::Multiline))
                .transpose()?,
            enterprise_number: rp
                .enterprise_number
                .as_ref()
                .map(|d| detail(d, "enterprise_number", Kind::EnterpriseNumber))
                .transpose()?,
            signatory_name: detail(&rp.signatory_name, "signatory_name", Kind::PersonName)?,
            signatory_function: detail(
                &rp.signatory_function,
                "signatory_function",
                Kind::Function,
            )?,
        });
    }
    Ok(out)
}

/// A block being gathered from source lines.
struct Pending {
    kind: BlockKind,
    lines: Vec<Vec<Span>>,
}

fn parse_body<'a>(
    body: &[&str],
    first_line: usize,
    blanks: &'a [Blank],
) -> Result<(Vec<Block>, HashMap<&'a str, usize>), TemplateError> {
    let mut blocks = Vec::new();
    let mut used: HashMap<&'a str, usize> = HashMap::new();
    let mut pending: Option<Pending> = None;
    let by_id: HashMap<&str, &'a Blank> = blanks.iter().map(|b| (b.id.as_str(), b)).collect();

    fn flush(pending: &mut Option<Pending>, blocks: &mut Vec<Block>) {
        if let Some(p) = pending.take() {
            blocks.push(Block {
                kind: p.kind,
                lines: p.lines,
            });
        }
    }

    for (i, raw_line) in body.iter().enumerate() {
        let line_no = first_line + i;
        let mut spans_of = |text: &str| parse_inline(text, line_no, &by_id, &mut used);
        if raw_line.trim().is_empty() {
            flush(&mut pending, &mut blocks);
            continue;
        }
        let heading = ["### ", "## ", "# "]
            .iter()
            .zip([BlockKind::Subheading, BlockKind::Heading, BlockKind::Title])
            .find(|(marker, _)| {
                raw_line.starts_with(**marker) || raw_line.trim_end() == marker.trim_end()
            });
        if let Some((marker, kind)) = heading {
            flush(&mut pending, &mut blocks);
            let text = raw_line.get(marker.len()..).unwrap_or("");
            let spans = spans_of(text)?;
            if spans.is_empty() {
                return Err(at(line_no, TemplateProblem::EmptyHeading));
            }
            blocks.push(Block {
                kind,
                lines: vec![spans],
            });
        } else if let Some(text) = raw_line.strip_prefix("- ") {
            flush(&mut pending, &mut blocks);
            pending = Some(Pending {
                kind: BlockKind::Bullet,
                lines: vec![spans_of(text)?],
            });
        } else if raw_line.starts_with("| ") || raw_line.trim_end() == "|" {
            let spans = spans_of(raw_line.get(2..).unwrap_or(""))?;
            match &mut pending {
                Some(p) if p.kind == BlockKind::Lines => p.lines.push(spans),
                _ => {
                    flush(&mut pending, &mut blocks);
                    pending = Some(Pending {
                        kind: BlockKind::Lines,
                        lines: vec![spans],
                    });
                }
            }
        } else {
            let spans = spans_of(raw_line)?;
            match &mut pending {
                Some(p) if matches!(p.kind, BlockKind::Paragraph | BlockKind::Bullet) => {
                    let line = p.lines.last_mut().expect("a pending block has a line");
                    join_spans(line, spans);
                }
                _ => {
                    flush(&mut pending, &mut blocks);
                    pending = Some(Pending {
                        kind: BlockKind::Paragraph,
                        lines: vec![spans],
                    });
                }
            }
        }
    }
    flush(&mut pending, &mut blocks);
    Ok((blocks, used))
}

/// Appends `more` to `line` with one space between, merging neighbouring text.
fn join_spans(line: &mut Vec<Span>, more: Vec<Span>) {
    if more.is_empty() {
        return;
    }
    if !line.is_empty() {
        push_text(line, " ");
    }
    for span in more {
        match span {
            Span::Text { text } => push_text(line, &text),
            blank => line.push(blank),
        }
    }
}

fn push_text(line: &mut Vec<Span>, text: &str) {
    if let Some(Span::Text { text: last }) = line.last_mut() {
        last.push_str(text);
    } else {
        line.push(Span::Text {
            text: text.to_string(),
        });
    }
}

/// Splits one source line into text and blanks: folds white space, resolves `\` escapes
/// before ASCII punctuation, and reads `{{id}}` blank markers.
fn parse_inline<'a>(
    text: &str,
    line_no: usize,
    blanks: &HashMap<&str, &'a Blank>,
    used: &mut HashMap<&'a str, usize>,
) -> Result<Vec<Span>, TemplateError> {
    let mut spans = Vec::new();
    let mut buf = String::new();
    let mut chars = text.trim().char_indices().peekable();
    let trimmed = text.trim();
    let mut last_was_space = false;
    while let Some((pos, c)) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&(_, next)) if next.is_ascii_punctuation() => {
                    buf.push(next);
                    chars.next();
                    last_was_space = false;
                }
                _ => {
                    buf.push('\\');
                    last_was_space = false;
                }
            },
            '{' if trimmed[pos..].starts_with("{{") => {
                let rest = &trimmed[pos + 2..];
                let end = rest.find("}}");
                let name = end.map(|e| &rest[..e]);
                match name {
                    Some(name) if is_blank_id(name) => {
                        let blank = blanks.get(name).copied().ok_or_else(|| {
                            at(
                                line_no,
                                TemplateProblem::UnknownPlaceholder(name.to_string()),
                            )
                        })?;
                        used.entry(blank.id.as_str()).or_insert(line_no);
                        if !buf.is_empty() {
                            spans.push(Span::Text {
                                text: std::mem::take(&mut buf),
                            });
                        }
                        spans.push(Span::Blank {
                            id: blank.id.clone(),
                        });
                        let skip_to = pos + 2 + name.len() + 2;
                        while chars.peek().is_some_and(|&(p, _)| p < skip_to) {
                            chars.next();
                        }
                        last_was_space = false;
                    }
                    _ => {
                        let shown: String = trimmed[pos..].chars().take(40).collect();
                        return Err(at(line_no, TemplateProblem::MalformedPlaceholder(shown)));
                    }
                }
            }
            ' ' | '\t' => {
                if !last_was_space {
                    buf.push(' ');
                }
                last_was_space = true;
            }
            other => {
                buf.push(other);
                last_was_space = false;
            }
        }
    }
    if !buf.is_empty() {
        spans.push(Span::Text { text: buf });
    }
    Ok(spans)
}

/// The most characters a template's text can render to (`docs/templates.md`, "Limits"): the
/// characters of its canonical text, plus for each blank marker in its body the longest its
/// blank can be shown: its kind's longest value, or its label in brackets, whichever is
/// longer. An upper bound of every text rendered from it, whatever the values.
fn longest_text(canonical: &str, blocks: &[Block], blanks: &[Blank], language: Language) -> usize {
    let longest: HashMap<&str, usize> = blanks
        .iter()
        .map(|b| {
            let label = b.label.get(language).chars().count() + 2;
            (b.id.as_str(), b.kind.longest_shown().max(label))
        })
        .collect();
    let markers: usize = blocks
        .iter()
        .flat_map(|block| block.lines.iter().flatten())
        .map(|span| match span {
            Span::Blank { id } => longest.get(id.as_str()).copied().unwrap_or(0),
            Span::Text { .. } => 0,
        })
        .sum();
    canonical.chars().count().saturating_add(markers)
}

/// The templates that ship with the program, the DPA first.
pub fn builtin() -> Vec<Template> {
    BUILTIN_SOURCES
        .iter()
        .filter_map(|(_, text)| Template::parse(text).ok())
        .collect()
}

/// How many parsed templates [`Template::parse`] remembers.
const REMEMBERED: usize = 8;

/// The templates parsed last, with the text each was parsed from, newest last.
static PARSED: Mutex<Vec<(Box<str>, Template)>> = Mutex::new(Vec::new());

fn remembered(text: &str) -> Option<Template> {
    let parsed = PARSED.lock().unwrap_or_else(|e| e.into_inner());
    parsed
        .iter()
        .find(|(t, _)| **t == *text)
        .map(|(_, template)| template.clone())
}

fn remember(text: &str, template: &Template) {
    let mut parsed = PARSED.lock().unwrap_or_else(|e| e.into_inner());
    if parsed.iter().any(|(t, _)| **t == *text) {
        return;
    }
    if parsed.len() == REMEMBERED {
        parsed.remove(0);
    }
    parsed.push((text.into(), template.clone()));
}

/// The file names and texts of the built-in templates (every one is parsed by a test).
pub const BUILTIN_SOURCES: &[(&str, &str)] = &[(
    "xis-verwerkersovereenkomst.tvt",
    include_str!("../templates/xis-verwerkersovereenkomst.tvt"),
)];

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Detail::Fixed(s) => f.write_str(s),
            Detail::Blank(id) => write!(f, "{{{{{id}}}}}"),
        }
    }
}
