//! Typesetting: the agreement's blocks set as an A4 legal document, then paginated.
//!
//! The words set are exactly the words of the canonical text (`render.rs`), block by block:
//! a paragraph's words in order, a bullet as "•" and its words, kept lines line by line. The
//! layout only decides where they stand. Paragraphs and bullets are justified with a
//! left-aligned last line; a line is only ever broken at a space, never inside a word (a word
//! wider than the whole line, which no real agreement has, is the one exception). Numbered
//! clauses ("2.1. ...") and bullets hang their text from a common indent. Pagination keeps at
//! least two lines of a paragraph on each side of a page break, never leaves a heading, a
//! title or a paragraph that leads into a list (ending in ":") at the bottom of a page without
//! what follows, and never splits a group of kept lines or a party's signature panel.
//!
//! Widths come from the font's horizontal metrics truncated to thousandths of an em, the same
//! numbers the PDF's `/W` array carries, so the positions computed here are the positions a
//! viewer computes.

use std::sync::{Arc, OnceLock};

use printpdf::{AzulParsedFont, ParsedFont};
use rust_fontconfig::FontBytes;

use super::texts::{self, words, Words};
use super::{qr, Exemplar, PdfError};
use crate::agreement::Agreement;
use crate::key::PublicKey;
use crate::party::{Party, PARTIES};
use crate::render::blank_text;
use crate::signature::SignatureRecord;
use crate::template::{BlockKind, Span};

/// A4, in points.
pub(crate) const PAGE_W: f32 = 595.2756;
/// A4, in points.
pub(crate) const PAGE_H: f32 = 841.8898;
const MARGIN_X: f32 = 70.87; // 25 mm
const TOP: f32 = 62.36; // 22 mm
const BOTTOM: f32 = PAGE_H - 70.87; // the text ends 25 mm above the paper's edge
const FOOTER_BASELINE: f32 = PAGE_H - 36.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

const BODY: f32 = 10.0;
const LEADING: f32 = 14.2;
/// A justified line's gap between words is at most this many ems: text extractors (poppler's
/// pdftotext among them) read a gap of about an em as a column break.
const MAX_GAP: f32 = 0.85;
/// Letter spacing added to a justified line is at most this many ems per glyph: extractors
/// start a new word at a tenth of an em.
const MAX_LETTER_SPACING: f32 = 0.04;
/// Spaces stretch by this many space widths before letters are spaced too.
const COMFORTABLE_STRETCH: f32 = 0.8;

/// How a justified line absorbs `slack`: extra space per gap, and letter spacing per glyph.
/// The spaces stretch first, up to a comfortable amount, then the letters, then the spaces
/// again up to [`MAX_GAP`]; a line that would need more is set flush left.
fn justify(slack: f32, gaps: usize, glyphs: usize, space: f32, size: f32) -> (f32, f32) {
    if slack <= 0.0 || gaps == 0 {
        return (0.0, 0.0);
    }
    let gaps_f = gaps as f32;
    // Letter spacing applies between every two glyphs of the line.
    let between = glyphs.saturating_sub(1) as f32;
    let comfortable = COMFORTABLE_STRETCH * space;
    let hard = (MAX_GAP * size - space).max(0.0);
    if slack <= comfortable * gaps_f {
        return (slack / gaps_f, 0.0);
    }
    let letters =
        ((slack - comfortable * gaps_f) / between.max(1.0)).min(MAX_LETTER_SPACING * size);
    // Rounded as the content stream writes it, so that the line ends where computed.
    let letters = (letters * 1000.0).floor() / 1000.0;
    let rest = slack - letters * between;
    let extra = rest / gaps_f;
    if extra <= hard {
        (extra, letters)
    } else {
        (0.0, 0.0)
    }
}

/// The two faces used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FontKind {
    Regular,
    Bold,
}

/// The colours used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ink {
    /// The text.
    Text,
    /// Labels and the footer.
    Muted,
    /// An open blank's label.
    Open,
    /// Frames and rules.
    Rule,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub font: FontKind,
    pub size: f32,
    pub ink: Ink,
}

const fn style(font: FontKind, size: f32, ink: Ink) -> Style {
    Style { font, size, ink }
}

/// Text starting at `x`, `width` wide.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chunk {
    pub x: f32,
    pub width: f32,
    pub text: String,
    pub style: Style,
}

/// Something drawn on a page; `y` grows downwards from the top of the page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// One line of text on the baseline `y`, with `spacing` points between letters.
    Text {
        y: f32,
        spacing: f32,
        chunks: Vec<Chunk>,
    },
    /// A filled rectangle (QR modules).
    Fill { x: f32, y: f32, w: f32, h: f32 },
    /// A rectangle's outline.
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        dashed: bool,
    },
    /// A horizontal line; dotted under an open blank.
    Rule {
        x0: f32,
        x1: f32,
        y: f32,
        dotted: bool,
    },
}

impl Item {
    fn shifted(mut self, dy: f32) -> Item {
        match &mut self {
            Item::Text { y, .. }
            | Item::Fill { y, .. }
            | Item::Frame { y, .. }
            | Item::Rule { y, .. } => *y += dy,
        }
        self
    }
}

/// A laid-out page.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Page {
    pub items: Vec<Item>,
}

/// The font faces, parsed once.
pub(crate) struct Fonts {
    pub regular: ParsedFont,
    pub bold: ParsedFont,
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

impl Fonts {
    /// The fonts, parsed on first use (the two faces on two threads), then kept for the
    /// life of the process.
    pub(crate) fn get() -> Result<&'static Fonts, PdfError> {
        FONTS
            .get_or_init(|| {
                // Parsed with the glyph outlines left in the font's own bytes, read when the
                // subset is made, rather than copied out at once (`from_bytes` copies the
                // loca and glyf tables, a megabyte, before a glyph is needed): the same font,
                // a third less of verifying an exemplar's time before rendering can start.
                let parse = |bytes: &[u8], name: &str| {
                    let mut warnings = Vec::new();
                    let bytes = Arc::new(FontBytes::Owned(Arc::from(bytes)));
                    AzulParsedFont::from_bytes_shared(bytes, 0, &mut warnings)
                        .map(ParsedFont::from_azul)
                        .ok_or_else(|| format!("{name} does not parse"))
                };
                #[cfg(not(target_arch = "wasm32"))]
                let (regular, bold) = std::thread::scope(|s| {
                    let bold = s.spawn(|| parse(dejavu::sans::bold(), "DejaVu Sans Bold"));
                    let regular = parse(dejavu::sans::regular(), "DejaVu Sans");
                    (regular, bold.join())
                });
                // WebAssembly in a browser has no threads: one face after the other.
                #[cfg(target_arch = "wasm32")]
                let (regular, bold) = (
                    parse(dejavu::sans::regular(), "DejaVu Sans"),
                    Ok::<_, ()>(parse(dejavu::sans::bold(), "DejaVu Sans Bold")),
                );
                Ok(Fonts {
                    regular: regular?,
                    bold: bold.map_err(|_| "DejaVu Sans Bold does not parse".to_string())??,
                })
            })
            .as_ref()
            .map_err(|e| PdfError::Font(e.clone()))
    }

    /// Starts parsing the fonts on another thread, unless they are parsed already, so that
    /// what the caller does next (reading a PDF, verifying an agreement) overlaps it. A
    /// rendering that needs them meanwhile waits for that parse instead of starting another.
    /// (WebAssembly in a browser has no threads: there the fonts are parsed when first needed.)
    pub(crate) fn warm_up() {
        #[cfg(not(target_arch = "wasm32"))]
        if FONTS.get().is_none() {
            std::thread::spawn(|| {
                let _ = Fonts::get();
            });
        }
    }

    pub(crate) fn face(&self, kind: FontKind) -> &ParsedFont {
        match kind {
            FontKind::Regular => &self.regular,
            FontKind::Bold => &self.bold,
        }
    }

    /// The advance of `c` in thousandths of an em, as the PDF's `/W` array states it.
    fn advance(&self, kind: FontKind, c: char) -> Result<i64, PdfError> {
        let face = self.face(kind);
        let gid = face
            .lookup_glyph_index(c as u32)
            .ok_or(PdfError::MissingGlyph { ch: c })?;
        let upm = f32::from(face.pdf_font_metrics.units_per_em.max(1));
        Ok((f32::from(face.get_horizontal_advance(gid)) * 1000.0 / upm) as i64)
    }

    pub(crate) fn width(&self, s: Style, text: &str) -> Result<f32, PdfError> {
        let mut total = 0i64;
        for c in text.chars() {
            total += self.advance(s.font, c)?;
        }
        Ok(total as f32 * s.size / 1000.0)
    }
}

/// A piece of a word in one style.
#[derive(Debug, Clone)]
struct Frag {
    text: String,
    open: bool,
    width: f32,
}

/// A word: what stands between two spaces.
#[derive(Debug, Clone)]
struct Word {
    frags: Vec<Frag>,
    width: f32,
    /// No space after it: the next word continues it (a word too wide for a line, cut).
    glued: bool,
}

impl Word {
    fn glyphs(&self) -> usize {
        self.frags.iter().map(|f| f.text.chars().count()).sum()
    }
}

/// Text in one style, with open blanks marked.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    open: bool,
}

impl Piece {
    fn plain(text: impl Into<String>) -> Piece {
        Piece {
            text: text.into(),
            open: false,
        }
    }
}

struct Setter<'f> {
    fonts: &'f Fonts,
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Justify,
    Left,
    Center,
}

impl Setter<'_> {
    fn style_of(&self, base: Style, open: bool) -> Style {
        if open {
            Style {
                ink: Ink::Open,
                ..base
            }
        } else {
            base
        }
    }

    /// Splits pieces into words at spaces, keeping each piece's style.
    fn words(&self, pieces: &[Piece], base: Style) -> Result<Vec<Word>, PdfError> {
        let mut out: Vec<Word> = Vec::new();
        let mut cur: Vec<Frag> = Vec::new();
        let finish = |cur: &mut Vec<Frag>, out: &mut Vec<Word>| {
            if !cur.is_empty() {
                let frags = std::mem::take(cur);
                let width = frags.iter().map(|f| f.width).sum();
                out.push(Word {
                    frags,
                    width,
                    glued: false,
                });
            }
        };
        for piece in pieces {
            for part in piece.text.split_inclusive(' ') {
                let (text, ends_word) = match part.strip_suffix(' ') {
                    Some(t) => (t, true),
                    None => (part, false),
                };
                if !text.is_empty() {
                    let width = self.fonts.width(self.style_of(base, piece.open), text)?;
                    cur.push(Frag {
                        text: text.to_string(),
                        open: piece.open,
                        width,
                    });
                }
                if ends_word {
                    finish(&mut cur, &mut out);
                }
            }
        }
        finish(&mut cur, &mut out);
        Ok(out)
    }

    /// Cuts words wider than `width` into glued pieces that fit.
    fn cut_wide_words(
        &self,
        words: Vec<Word>,
        width: f32,
        base: Style,
    ) -> Result<Vec<Word>, PdfError> {
        let mut out = Vec::with_capacity(words.len());
        for word in words {
            if word.width <= width {
                out.push(word);
                continue;
            }
            let mut pieces: Vec<Word> = Vec::new();
            let mut cur = Word {
                frags: Vec::new(),
                width: 0.0,
                glued: true,
            };
            for frag in &word.frags {
                let s = self.style_of(base, frag.open);
                for c in frag.text.chars() {
                    let w = self.fonts.width(s, c.encode_utf8(&mut [0; 4]))?;
                    if cur.width + w > width && cur.width > 0.0 {
                        pieces.push(std::mem::replace(
                            &mut cur,
                            Word {
                                frags: Vec::new(),
                                width: 0.0,
                                glued: true,
                            },
                        ));
                    }
                    match cur.frags.last_mut() {
                        Some(last) if last.open == frag.open => {
                            last.text.push(c);
                            last.width += w;
                        }
                        _ => cur.frags.push(Frag {
                            text: c.to_string(),
                            open: frag.open,
                            width: w,
                        }),
                    }
                    cur.width += w;
                }
            }
            cur.glued = word.glued;
            pieces.push(cur);
            out.extend(pieces);
        }
        Ok(out)
    }

    /// Chooses line breaks: the fewest badly stretched lines (a small Knuth–Plass, breaking
    /// only at spaces). Returns the index one past each line's last word.
    fn breaks(&self, words: &[Word], width: f32, space: f32, size: f32) -> Vec<usize> {
        let n = words.len();
        if n == 0 {
            return Vec::new();
        }
        let mut best = vec![f64::INFINITY; n + 1];
        let mut next = vec![n; n + 1];
        best[n] = 0.0;
        for i in (0..n).rev() {
            let mut natural = 0.0f32;
            let mut gaps = 0usize;
            let mut glyphs = 0usize;
            for j in i..n {
                if j > i && !words[j - 1].glued {
                    natural += space;
                    gaps += 1;
                    glyphs += 1;
                }
                natural += words[j].width;
                glyphs += words[j].glyphs();
                if natural > width + 0.01 && j > i {
                    break;
                }
                let end = j + 1;
                // TeX's demerits: (line penalty + badness)², the badness growing with the cube
                // of how far the spaces must stretch, capped. A line that cannot be justified
                // within the limits (it would be set flush left), or a line of one word that
                // leaves room, is far worse than any stretched line.
                let slack = f64::from((width - natural).max(0.0));
                let cost = if end == n || words[j].glued {
                    0.0
                } else if gaps == 0 {
                    if slack > f64::from(space) {
                        1e12
                    } else {
                        100.0
                    }
                } else if slack > 0.5
                    && justify(width - natural, gaps, glyphs, space, size) == (0.0, 0.0)
                {
                    // Flush left: the fuller the line, the less it shows.
                    1e10 + 1e8 * slack
                } else {
                    let ratio = slack / (gaps as f64 * f64::from(space));
                    let badness = (100.0 * ratio.powi(3)).min(10_000.0);
                    (10.0 + badness).powi(2)
                };
                let total = cost + best[end];
                if total < best[i] {
                    best[i] = total;
                    next[i] = end;
                }
            }
        }
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            let end = next[i].max(i + 1);
            out.push(end);
            i = end;
        }
        out
    }

    /// Sets words into lines of `width` starting at `x`; each line is one [`Item::Text`] (with
    /// the dotted rules under open blanks) at baseline 0.
    fn set(
        &self,
        words: &[Word],
        x: f32,
        width: f32,
        base: Style,
        align: Align,
    ) -> Result<Vec<Vec<Item>>, PdfError> {
        let space = self.fonts.width(base, " ")?;
        let words = self.cut_wide_words(words.to_vec(), width, base)?;
        let ends = self.breaks(&words, width, space, base.size);
        let mut lines = Vec::with_capacity(ends.len());
        let mut start = 0;
        for (k, &end) in ends.iter().enumerate() {
            let line = &words[start..end];
            let last = k + 1 == ends.len();
            let natural: f32 = line.iter().map(|w| w.width).sum::<f32>()
                + space * line[..line.len() - 1].iter().filter(|w| !w.glued).count() as f32;
            let gaps = line[..line.len() - 1].iter().filter(|w| !w.glued).count();
            let glyphs = line
                .iter()
                .map(|w| {
                    w.frags
                        .iter()
                        .map(|f| f.text.chars().count())
                        .sum::<usize>()
                })
                .sum::<usize>()
                + gaps;
            let (extra, spacing) = match align {
                Align::Justify if !last && gaps > 0 => {
                    justify(width - natural, gaps, glyphs, space, base.size)
                }
                _ => (0.0, 0.0),
            };
            let mut pen = match align {
                Align::Center => x + ((width - natural) / 2.0).max(0.0),
                _ => x,
            };
            let mut chunks = Vec::new();
            let mut rules = Vec::new();
            let mut open_from: Option<f32> = None;
            for (i, word) in line.iter().enumerate() {
                for frag in &word.frags {
                    let s = self.style_of(base, frag.open);
                    match (frag.open, open_from) {
                        (true, None) => open_from = Some(pen),
                        (false, Some(from)) => {
                            rules.push((from, pen));
                            open_from = None;
                        }
                        _ => {}
                    }
                    let w = frag.width + spacing * frag.text.chars().count() as f32;
                    chunks.push(Chunk {
                        x: pen,
                        width: w,
                        text: frag.text.clone(),
                        style: s,
                    });
                    pen += w;
                }
                if i + 1 < line.len() && !word.glued {
                    let last_open = word.frags.last().is_some_and(|f| f.open);
                    let next_open = line[i + 1].frags.first().is_some_and(|f| f.open);
                    if let (Some(from), false) = (open_from, last_open && next_open) {
                        rules.push((from, pen));
                        open_from = None;
                    }
                    chunks.push(Chunk {
                        x: pen,
                        width: space + spacing,
                        text: " ".to_string(),
                        style: self.style_of(base, last_open && next_open),
                    });
                    pen += space + spacing + extra;
                }
            }
            if let Some(from) = open_from {
                rules.push((from, pen));
            }
            let mut items = vec![Item::Text {
                y: 0.0,
                spacing,
                chunks: merge(chunks),
            }];
            for (x0, x1) in rules {
                items.push(Item::Rule {
                    x0,
                    x1,
                    y: base.size * 0.22,
                    dotted: true,
                });
            }
            lines.push(items);
            start = end;
        }
        Ok(lines)
    }
}

/// Joins neighbouring chunks of one style that touch.
fn merge(chunks: Vec<Chunk>) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::with_capacity(chunks.len());
    for c in chunks {
        if let Some(last) = out.last_mut() {
            if last.style == c.style && (last.x + last.width - c.x).abs() < 0.001 {
                last.text.push_str(&c.text);
                last.width += c.width;
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// One line of a block: its height and what it draws, `y` relative to the line's top.
#[derive(Debug, Clone)]
struct Row {
    height: f32,
    items: Vec<Item>,
}

/// A block ready to be paginated.
#[derive(Debug, Clone)]
struct BlockBox {
    space_before: f32,
    rows: Vec<Row>,
    /// Whether a page may break between its rows (two rows stay on each side).
    splittable: bool,
    /// Whether it must stand on the same page as the start of the next block.
    keep_with_next: bool,
}

impl BlockBox {
    fn height(&self) -> f32 {
        self.rows.iter().map(|r| r.height).sum()
    }

    /// The least of it that must fit on a page for it to start there.
    fn start_height(&self) -> f32 {
        if self.splittable && self.rows.len() >= 4 && !self.keep_with_next {
            self.rows[..2].iter().map(|r| r.height).sum()
        } else {
            self.height()
        }
    }
}

/// Lines at a leading, each with its items moved to the baseline.
fn rows(lines: Vec<Vec<Item>>, leading: f32, size: f32) -> Vec<Row> {
    let baseline = leading / 2.0 + size * 0.36;
    lines
        .into_iter()
        .map(|items| Row {
            height: leading,
            items: items.into_iter().map(|i| i.shifted(baseline)).collect(),
        })
        .collect()
}

/// Whether a paragraph's first word is a clause number: "2.1.", "3.", "10.2".
fn clause_number(word: &Word) -> bool {
    let [frag] = word.frags.as_slice() else {
        return false;
    };
    let t = &frag.text;
    !frag.open
        && t.contains('.')
        && t.starts_with(|c: char| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !t.contains("..")
}

/// Sets a label (a clause number or a bullet) hanging at `x`, with the words indented to
/// `indent`.
fn hanging(
    setter: &Setter,
    label: &Word,
    words: &[Word],
    x: f32,
    indent: f32,
    base: Style,
) -> Result<Vec<Vec<Item>>, PdfError> {
    let mut lines = setter.set(
        words,
        indent,
        MARGIN_X + TEXT_W - indent,
        base,
        Align::Justify,
    )?;
    let space = setter.fonts.width(base, " ")?;
    if let Some(Item::Text {
        chunks, spacing, ..
    }) = lines.first_mut().and_then(|l| l.first_mut())
    {
        // The line's letter spacing applies to the label too.
        let text: String = label.frags.iter().map(|f| f.text.as_str()).collect();
        let width = label.width + *spacing * text.chars().count() as f32;
        let mut head = vec![Chunk {
            x,
            width,
            text,
            style: base,
        }];
        // A real space after the label, so that extracted text reads "2.1. Deze".
        head.push(Chunk {
            x: x + width,
            width: space + *spacing,
            text: " ".to_string(),
            style: base,
        });
        head.append(chunks);
        *chunks = merge(head);
    }
    Ok(lines)
}

/// The agreement's blocks as pieces of text, in the canonical text's words.
fn block_pieces(agreement: &Agreement, spans: &[Span]) -> Vec<Piece> {
    let template = agreement.template();
    spans
        .iter()
        .map(|span| match span {
            Span::Text { text } => Piece::plain(text.clone()),
            Span::Blank { id } => {
                let value = agreement.value(id);
                Piece {
                    text: blank_text(template, id, value),
                    open: value.is_none(),
                }
            }
        })
        .collect()
}

fn body(setter: &Setter, agreement: &Agreement) -> Result<Vec<BlockBox>, PdfError> {
    let template = agreement.template();
    let regular = style(FontKind::Regular, BODY, Ink::Text);
    // The hanging indent of numbered clauses: wide enough for the widest number.
    let mut hang: f32 = 0.0;
    let mut blocks = Vec::new();
    for block in template.blocks() {
        let pieces: Vec<Vec<Piece>> = block
            .lines
            .iter()
            .map(|l| block_pieces(agreement, l))
            .collect();
        blocks.push((block.kind, pieces));
    }
    for (kind, lines) in &blocks {
        if *kind == BlockKind::Paragraph {
            let words = setter.words(&lines.concat(), regular)?;
            if let Some(first) = words
                .first()
                .filter(|w| words.len() > 1 && clause_number(w))
            {
                hang = hang.max(first.width);
            }
        }
    }
    let numbered = hang > 0.0;
    let hang = if numbered {
        (hang + 7.0).max(28.0).ceil()
    } else {
        0.0
    };
    let bullet_x = MARGIN_X + if numbered { hang } else { 8.0 };

    let mut out: Vec<BlockBox> = Vec::new();
    let mut prev: Option<BlockKind> = None;
    for (kind, lines) in &blocks {
        // Paragraph source lines are joined with one space, as in the canonical text.
        let joined = || -> Vec<Piece> {
            let mut v = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                if i > 0 {
                    v.push(Piece::plain(" "));
                }
                v.extend(l.iter().cloned());
            }
            v
        };
        let space_before = match (prev, kind) {
            (None, _) => 0.0,
            (Some(BlockKind::Title), _) => 14.0,
            (_, BlockKind::Heading) => 15.0,
            (_, BlockKind::Subheading) => 11.0,
            (Some(BlockKind::Heading | BlockKind::Subheading), _) => 5.0,
            (Some(BlockKind::Bullet), BlockKind::Bullet) => 2.5,
            (_, BlockKind::Lines) => 12.0,
            _ => 7.0,
        };
        let bx = match kind {
            BlockKind::Title => {
                let s = style(FontKind::Bold, 15.0, Ink::Text);
                let words = setter.words(&joined(), s)?;
                BlockBox {
                    space_before,
                    rows: rows(
                        setter.set(&words, MARGIN_X, TEXT_W, s, Align::Center)?,
                        20.0,
                        15.0,
                    ),
                    splittable: false,
                    keep_with_next: true,
                }
            }
            BlockKind::Heading | BlockKind::Subheading => {
                let size = if *kind == BlockKind::Heading {
                    11.0
                } else {
                    10.0
                };
                let s = style(FontKind::Bold, size, Ink::Text);
                let words = setter.words(&joined(), s)?;
                BlockBox {
                    space_before,
                    rows: rows(
                        setter.set(&words, MARGIN_X, TEXT_W, s, Align::Left)?,
                        size * 1.4,
                        size,
                    ),
                    splittable: false,
                    keep_with_next: true,
                }
            }
            BlockKind::Paragraph => {
                let words = setter.words(&joined(), regular)?;
                let lines = match words.split_first() {
                    Some((first, rest)) if !rest.is_empty() && clause_number(first) => {
                        hanging(setter, first, rest, MARGIN_X, MARGIN_X + hang, regular)?
                    }
                    _ => setter.set(&words, MARGIN_X, TEXT_W, regular, Align::Justify)?,
                };
                let lead_in = words
                    .last()
                    .and_then(|w| w.frags.last())
                    .is_some_and(|f| f.text.ends_with(':'));
                BlockBox {
                    space_before,
                    rows: rows(lines, LEADING, BODY),
                    splittable: true,
                    keep_with_next: lead_in,
                }
            }
            BlockKind::Bullet => {
                let words = setter.words(&joined(), regular)?;
                let bullet = setter.words(&[Piece::plain("•")], regular)?;
                let lines = hanging(
                    setter,
                    &bullet[0],
                    &words,
                    bullet_x,
                    bullet_x + 12.0,
                    regular,
                )?;
                BlockBox {
                    space_before,
                    rows: rows(lines, LEADING, BODY),
                    splittable: true,
                    keep_with_next: false,
                }
            }
            BlockKind::Lines => {
                let mut all = Vec::new();
                for l in lines {
                    let words = setter.words(l, regular)?;
                    let set = setter.set(&words, MARGIN_X, TEXT_W, regular, Align::Left)?;
                    all.extend(set);
                }
                BlockBox {
                    space_before,
                    rows: rows(all, LEADING, BODY),
                    splittable: false,
                    keep_with_next: false,
                }
            }
        };
        out.push(bx);
        prev = Some(*kind);
    }
    // A short list stays on one page (a long one may break between its items).
    let mut i = 0;
    while i < blocks.len() {
        let run = blocks[i..]
            .iter()
            .take_while(|(k, _)| *k == BlockKind::Bullet)
            .count();
        if (2..=6).contains(&run) {
            for b in &mut out[i..i + run - 1] {
                b.keep_with_next = true;
            }
        }
        i += run.max(1);
    }
    Ok(out)
}

/// One text line of the signature panel: a muted label (with its colon) and its value, or a
/// value alone.
fn panel_line(
    setter: &Setter,
    label: Option<&str>,
    value: &[Piece],
    x: f32,
    width: f32,
    s: Style,
) -> Result<Vec<Vec<Item>>, PdfError> {
    let mut pieces = Vec::new();
    if let Some(label) = label {
        pieces.push(Piece::plain(format!("{label} ")));
    }
    pieces.extend(value.iter().cloned());
    let words = setter.words(&pieces, s)?;
    let mut lines = setter.set(&words, x, width, s, Align::Left)?;
    // The label is muted: recolour the chunks that make it up.
    if let (Some(label), Some(Item::Text { chunks, .. })) =
        (label, lines.first_mut().and_then(|l| l.first_mut()))
    {
        let mut rest: &str = label;
        let mut out = Vec::new();
        for c in chunks.drain(..) {
            if rest.is_empty() {
                out.push(c);
                continue;
            }
            // Chunks of one style were merged; split the label off the first one.
            let take = common_prefix(&c.text, rest);
            if take == 0 {
                out.push(c);
                rest = "";
                continue;
            }
            let (head, tail) = c.text.split_at(take);
            let head_w = setter.fonts.width(c.style, head)?;
            out.push(Chunk {
                x: c.x,
                width: head_w,
                text: head.to_string(),
                style: Style {
                    ink: Ink::Muted,
                    ..c.style
                },
            });
            if !tail.is_empty() {
                out.push(Chunk {
                    x: c.x + head_w,
                    width: c.width - head_w,
                    text: tail.to_string(),
                    style: c.style,
                });
            }
            rest = &rest[take..];
        }
        *chunks = out;
    }
    Ok(lines)
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x == y)
        .last()
        .map(|((i, c), _)| i + c.len_utf8())
        .unwrap_or(0)
}

/// The signature block: a heading, a note, and one panel per party. With `timestamps`
/// (renderer 3 on), each signature's panel says what its trusted timestamp attests, or that
/// it has none.
fn signature_block(
    setter: &Setter,
    agreement: &Agreement,
    timestamps: bool,
) -> Result<Vec<BlockBox>, PdfError> {
    let template = agreement.template();
    let language = template.language();
    let w: &Words = words(language);
    let mut out = Vec::new();

    let h = style(FontKind::Bold, 11.0, Ink::Text);
    let heading = setter.words(&[Piece::plain(w.signatures)], h)?;
    out.push(BlockBox {
        space_before: 26.0,
        rows: rows(
            setter.set(&heading, MARGIN_X, TEXT_W, h, Align::Left)?,
            15.4,
            11.0,
        ),
        splittable: false,
        keep_with_next: true,
    });
    let note_style = style(FontKind::Regular, 8.5, Ink::Muted);
    let note = setter.words(&[Piece::plain(w.attached)], note_style)?;
    out.push(BlockBox {
        space_before: 2.0,
        rows: rows(
            setter.set(&note, MARGIN_X, TEXT_W, note_style, Align::Left)?,
            12.0,
            8.5,
        ),
        splittable: false,
        keep_with_next: true,
    });

    for party in PARTIES {
        let record = agreement
            .signatures()
            .iter()
            .find(|s| s.statement.signer.role == party);
        out.push(BlockBox {
            space_before: 10.0,
            rows: vec![panel(setter, agreement, party, record, timestamps)?],
            splittable: false,
            keep_with_next: false,
        });
    }
    Ok(out)
}

const PAD: f32 = 9.0;
const QR_SIZE: f32 = 90.0;

/// One party's signature panel, as a single row.
fn panel(
    setter: &Setter,
    agreement: &Agreement,
    party: Party,
    record: Option<&SignatureRecord>,
    timestamps: bool,
) -> Result<Row, PdfError> {
    let template = agreement.template();
    let language = template.language();
    let w = words(language);
    let details = template.party(party);
    let x = MARGIN_X + PAD;
    let width = TEXT_W - 2.0 * PAD - QR_SIZE - 14.0;
    let small = style(FontKind::Regular, 8.5, Ink::Text);
    let lead = 11.8;
    let detail_or_label = |d: &crate::template::Detail| -> Piece {
        match texts::detail(agreement, d) {
            Some(v) => Piece::plain(v),
            None => {
                let id = match d {
                    crate::template::Detail::Blank(id) => id.as_str(),
                    crate::template::Detail::Fixed(_) => "",
                };
                Piece {
                    text: blank_text(template, id, None),
                    open: true,
                }
            }
        }
    };

    let mut lines: Vec<(Vec<Vec<Item>>, f32, f32)> = Vec::new();
    let title_style = style(FontKind::Bold, 10.0, Ink::Text);
    let organisation = match record {
        Some(r) => Piece::plain(r.statement.signer.organisation.clone()),
        None => detail_or_label(&details.name),
    };
    let title = setter.words(
        &[
            Piece::plain(format!(
                "{} {}{} ",
                capitalise(w.for_),
                details.designation,
                w.colon
            )),
            organisation,
        ],
        title_style,
    )?;
    lines.push((
        setter.set(&title, x, width, title_style, Align::Left)?,
        14.0,
        10.0,
    ));
    let (name, function) = match record {
        Some(r) => (
            Piece::plain(r.statement.signer.name.clone()),
            Piece::plain(r.statement.signer.function.clone()),
        ),
        None => (
            detail_or_label(&details.signatory_name),
            detail_or_label(&details.signatory_function),
        ),
    };
    lines.push((
        panel_line(setter, Some(&w.labelled(w.name)), &[name], x, width, small)?,
        lead,
        8.5,
    ));
    lines.push((
        panel_line(
            setter,
            Some(&w.labelled(w.function)),
            &[function],
            x,
            width,
            small,
        )?,
        lead,
        8.5,
    ));
    let mut qr_content = None;
    match record {
        Some(r) => {
            let st = &r.statement;
            let time = texts::signing_time(language, &st.time);
            lines.push((
                panel_line(
                    setter,
                    Some(&w.labelled(w.signed_on)),
                    &[Piece::plain(time)],
                    x,
                    width,
                    small,
                )?,
                lead,
                8.5,
            ));
            let strong = style(FontKind::Bold, 8.5, Ink::Text);
            lines.push((
                panel_line(
                    setter,
                    None,
                    &[Piece::plain(w.with_ed25519)],
                    x,
                    width,
                    strong,
                )?,
                lead,
                8.5,
            ));
            if timestamps {
                let (label, text, ink) = match attested(r) {
                    Some(a) => (
                        Some(w.labelled(w.timestamp)),
                        format!(
                            "{}, {} {}",
                            texts::signing_time(language, &a.time),
                            w.by,
                            settable(setter.fonts, &a.tsa)
                        ),
                        Ink::Text,
                    ),
                    None => (None, w.no_timestamp.to_string(), Ink::Muted),
                };
                lines.push((
                    panel_line(
                        setter,
                        label.as_deref(),
                        &[Piece::plain(text)],
                        x,
                        width,
                        style(FontKind::Regular, 8.5, ink),
                    )?,
                    lead,
                    8.5,
                ));
            }
            let fingerprint = PublicKey::from_base64(&st.public_key)
                .map(|k| k.fingerprint().to_string())
                .unwrap_or_else(|_| "—".to_string());
            lines.push((
                panel_line(
                    setter,
                    Some(&w.labelled(w.key_fingerprint)),
                    &[],
                    x,
                    width,
                    small,
                )?,
                lead,
                8.5,
            ));
            let groups: Vec<&str> = fingerprint.split(' ').collect();
            for half in groups.chunks(8) {
                lines.push((
                    panel_line(
                        setter,
                        None,
                        &[Piece::plain(half.join(" "))],
                        x + 10.0,
                        width - 10.0,
                        small,
                    )?,
                    lead,
                    8.5,
                ));
            }
            lines.push((
                panel_line(setter, Some(&w.labelled(w.signature)), &[], x, width, small)?,
                lead,
                8.5,
            ));
            let sig: Vec<char> = r.signature.chars().collect();
            for part in sig.chunks(44) {
                let part: String = part.iter().collect();
                lines.push((
                    panel_line(
                        setter,
                        None,
                        &[Piece::plain(part)],
                        x + 10.0,
                        width - 10.0,
                        small,
                    )?,
                    lead,
                    8.5,
                ));
            }
            qr_content = Some(qr::qr_content(agreement, r));
        }
        None => {
            let pending = style(FontKind::Bold, 8.5, Ink::Open);
            lines.push((
                panel_line(setter, None, &[Piece::plain(w.pending)], x, width, pending)?,
                lead + 4.0,
                8.5,
            ));
        }
    }

    let mut items = Vec::new();
    let mut y = PAD;
    for (set, leading, size) in lines {
        for row in rows(set, leading, size) {
            items.extend(row.items.into_iter().map(|i| i.shifted(y)));
            y += row.height;
        }
    }
    let height = (y + PAD).max(QR_SIZE + 2.0 * PAD);
    let qr_x = MARGIN_X + TEXT_W - PAD - QR_SIZE;
    match qr_content {
        Some(content) => items.extend(draw_qr(&content, qr_x, PAD, QR_SIZE)),
        None => items.push(Item::Frame {
            x: qr_x,
            y: PAD,
            w: QR_SIZE,
            h: QR_SIZE,
            dashed: true,
        }),
    }
    items.insert(
        0,
        Item::Frame {
            x: MARGIN_X,
            y: 0.0,
            w: TEXT_W,
            h: height,
            dashed: false,
        },
    );
    Ok(Row { height, items })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Breaks the blocks into pages.
fn paginate(blocks: &[BlockBox]) -> Vec<Page> {
    let mut pages = vec![Page::default()];
    let mut y = TOP;
    let new_page = |pages: &mut Vec<Page>, y: &mut f32| {
        pages.push(Page::default());
        *y = TOP;
    };
    for (i, block) in blocks.iter().enumerate() {
        let space = if y <= TOP { 0.0 } else { block.space_before };
        // What must fit here: the block's start, and whatever it keeps with.
        let mut need = block.start_height();
        let mut j = i;
        while blocks[j].keep_with_next && j + 1 < blocks.len() && j < i + 8 {
            j += 1;
            need += blocks[j].space_before + blocks[j].start_height();
        }
        if y + space + need > BOTTOM && y > TOP {
            new_page(&mut pages, &mut y);
        } else {
            y += space;
        }
        let mut k = 0;
        while k < block.rows.len() {
            // How many of the remaining rows fit on this page.
            let mut fit = 0;
            let mut h = 0.0;
            for row in &block.rows[k..] {
                if y + h + row.height > BOTTOM + 0.01 {
                    break;
                }
                h += row.height;
                fit += 1;
            }
            let remaining = block.rows.len() - k;
            if fit < remaining {
                if !block.splittable {
                    fit = if y > TOP { 0 } else { fit.max(1) };
                } else {
                    // Two rows at least on each side of the break.
                    if remaining - fit < 2 {
                        fit = remaining.saturating_sub(2);
                    }
                    if fit < 2 {
                        fit = 0;
                    }
                }
                if fit == 0 && y <= TOP {
                    fit = 1; // a row taller than a page: set it anyway
                }
            }
            let page = pages.last_mut().expect("at least one page");
            for row in &block.rows[k..k + fit] {
                page.items
                    .extend(row.items.iter().cloned().map(|it| it.shifted(y)));
                y += row.height;
            }
            k += fit;
            if k < block.rows.len() {
                new_page(&mut pages, &mut y);
            }
        }
    }
    pages
}

/// The footer of every page: the label, the text's fingerprint and the page number.
fn footer(
    setter: &Setter,
    agreement: &Agreement,
    exemplar: Exemplar,
    fingerprint: &str,
    n: usize,
    of: usize,
) -> Result<Vec<Item>, PdfError> {
    let language = agreement.template().language();
    let w = words(language);
    let text = format!(
        "{} · {} {} · {}",
        exemplar.label(agreement),
        w.text_fingerprint,
        fingerprint,
        texts::page(language, n, of)
    );
    let s = style(FontKind::Regular, 7.5, Ink::Muted);
    let words = setter.words(&[Piece::plain(text)], s)?;
    let mut items = vec![Item::Rule {
        x0: MARGIN_X,
        x1: MARGIN_X + TEXT_W,
        y: FOOTER_BASELINE - 11.0,
        dotted: false,
    }];
    for line in setter.set(&words, MARGIN_X, TEXT_W, s, Align::Center)? {
        items.extend(line.into_iter().map(|i| i.shifted(FOOTER_BASELINE)));
    }
    Ok(items)
}

/// The most characters of a TSA's name an exemplar shows.
const MAX_TSA_NAME: usize = 100;

/// A TSA's name as the exemplar can set it: it comes from a certificate, so anything may be in
/// it. Control and invisible formatting characters are left out, a character the font lacks
/// shows as `?`, and it is cut to [`MAX_TSA_NAME`] characters.
fn settable(fonts: &Fonts, name: &str) -> String {
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{AD}')
    };
    let mut out: String = name
        .chars()
        .filter(|&c| !invisible(c))
        .map(|c| {
            let known = [FontKind::Regular]
                .iter()
                .all(|&k| fonts.face(k).lookup_glyph_index(c as u32).is_some());
            if known {
                c
            } else {
                '?'
            }
        })
        .take(MAX_TSA_NAME + 1)
        .collect();
    if out.chars().count() > MAX_TSA_NAME {
        out = out.chars().take(MAX_TSA_NAME).collect::<String>() + "…";
    }
    out
}

/// What the first timestamp of a signature that holds attests, its time in the signer's
/// offset.
fn attested(record: &SignatureRecord) -> Option<crate::verify::Stamped> {
    let bytes = record.signature_bytes()?;
    record.timestamps.iter().find_map(|t| {
        let token =
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &t.token).ok()?;
        let a = crate::timestamp::check_token(&token, &bytes, &[]).ok()?;
        Some(crate::verify::Stamped::of(&a, &record.statement.time))
    })
}

/// Sets the whole exemplar (`timestamps`: see [`signature_block`]).
pub(crate) fn typeset(
    agreement: &Agreement,
    exemplar: Exemplar,
    fonts: &Fonts,
    timestamps: bool,
) -> Result<Vec<Page>, PdfError> {
    with_footers(
        paginated(agreement, fonts, timestamps)?,
        agreement,
        exemplar,
        fonts,
    )
}

/// The agreement's text and signature block set and broken into pages, without the footers:
/// what every exemplar of the agreement has in common (the footers name the exemplar, and
/// take no room from the pages), so the exemplars of one agreement are set from one call.
pub(crate) fn paginated(
    agreement: &Agreement,
    fonts: &Fonts,
    timestamps: bool,
) -> Result<Vec<Page>, PdfError> {
    let setter = Setter { fonts };
    // The text and the signature block are set independently: side by side where there are
    // cores (the signature block's QR codes cost more than the whole text).
    let (text, signatures) = crate::parallel::join(
        || body(&setter, agreement),
        || signature_block(&setter, agreement, timestamps),
    );
    let mut blocks = text?;
    blocks.extend(signatures?);
    Ok(paginate(&blocks))
}

/// The pages from [`paginated`] with the footers of `exemplar`: the whole exemplar.
pub(crate) fn with_footers(
    mut pages: Vec<Page>,
    agreement: &Agreement,
    exemplar: Exemplar,
    fonts: &Fonts,
) -> Result<Vec<Page>, PdfError> {
    let setter = Setter { fonts };
    let of = pages.len();
    // Rendered and hashed once, not once a page.
    let fingerprint = super::text_fingerprint(agreement);
    for (i, page) in pages.iter_mut().enumerate() {
        page.items.extend(footer(
            &setter,
            agreement,
            exemplar,
            &fingerprint,
            i + 1,
            of,
        )?);
    }
    Ok(pages)
}

/// The QR code of `content` as filled rectangles, one per run of dark modules in a row (no
/// image), in a `size`-wide square at (`x`, `y`) (top left).
fn draw_qr(content: &str, x: f32, y: f32, size: f32) -> Vec<Item> {
    // The content is a few hundred ASCII bytes: far below the largest QR code.
    let Some((n, dark)) = qr::modules(content.as_bytes()) else {
        return vec![Item::Frame {
            x,
            y,
            w: size,
            h: size,
            dashed: true,
        }];
    };
    let module = size / n as f32;
    let mut items = Vec::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if dark[row * n + col] {
                let start = col;
                while col < n && dark[row * n + col] {
                    col += 1;
                }
                items.push(Item::Fill {
                    x: x + start as f32 * module,
                    y: y + row as f32 * module,
                    w: (col - start) as f32 * module,
                    h: module,
                });
            } else {
                col += 1;
            }
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::party::Party;

    #[test]
    fn clause_numbers() {
        let word = |t: &str| Word {
            frags: vec![Frag {
                text: t.to_string(),
                open: false,
                width: 10.0,
            }],
            width: 10.0,
            glued: false,
        };
        for yes in ["2.1.", "3.", "10.2", "1.2.3."] {
            assert!(clause_number(&word(yes)), "{yes}");
        }
        for no in ["2024", "AVG:", "2..1", ".5", "a.1"] {
            assert!(!clause_number(&word(no)), "{no}");
        }
    }

    #[test]
    fn breaks_never_exceed_the_width_and_keep_every_word() {
        let fonts = Fonts::get().unwrap();
        let setter = Setter { fonts };
        let s = style(FontKind::Regular, BODY, Ink::Text);
        let text = "De aansprakelijkheid van XIS is beperkt tot directe schade en maximaal \
                    het bedrag dat XIS van de Klant heeft ontvangen in de maand voorafgaand \
                    aan de schadeveroorzakende gebeurtenis. Eenwoordzonderspatiesdatveeltelangisomopeenregeltepassenzelfsalsdieregelheelbreedisenzovoortenzoverder.";
        let words = setter.words(&[Piece::plain(text)], s).unwrap();
        let lines = setter.set(&words, 0.0, 200.0, s, Align::Justify).unwrap();
        let mut joined = String::new();
        for line in &lines {
            let Item::Text {
                chunks, spacing, ..
            } = &line[0]
            else {
                panic!("a line is text")
            };
            let last = chunks.last().unwrap();
            assert!(last.x + last.width - spacing <= 200.01, "{chunks:?}");
            for c in chunks {
                joined.push_str(&c.text);
            }
        }
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    }

    fn filled_dpa() -> Agreement {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap();
        let mut a = Agreement::new(crate::template::builtin().remove(0), Party::Provider, now);
        let set = |k: &str, v: &str| (k.to_string(), v.to_string());
        a.fill(
            Party::Customer,
            &[
                set("customer_name", "Brouwerij De Zwarte Kat BV"),
                set("customer_address", "Kerkstraat 12\n3600 Genk"),
                set("customer_enterprise_number", "0403.170.701"),
                set("date", "2026-11-23"),
                set("customer_signatory_name", "Anne-Marie D'Hondt"),
                set("customer_signatory_function", "Zaakvoerder"),
            ],
            now,
        )
        .unwrap();
        a
    }

    /// The body lines of a page (not the footer), top to bottom.
    fn body_lines(page: &Page) -> Vec<(f32, &Vec<Chunk>)> {
        page.items
            .iter()
            .filter_map(|i| match i {
                Item::Text { y, chunks, .. } if *y < BOTTOM + 1.0 => Some((*y, chunks)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn no_page_ends_with_a_heading_and_every_line_fits() {
        let fonts = Fonts::get().unwrap();
        let a = filled_dpa();
        let pages = typeset(&a, Exemplar::ToSign, fonts, true).unwrap();
        assert!(pages.len() >= 3);
        for (n, page) in pages.iter().enumerate() {
            let lines = body_lines(page);
            let (_, last) = lines.last().expect("text on every page");
            assert!(
                !(last[0].style.font == FontKind::Bold
                    && last[0].style.size >= 10.5
                    && (last[0].x - MARGIN_X).abs() < 0.01),
                "page {} ends with a heading: {:?}",
                n + 1,
                last[0].text
            );
            for (y, chunks) in &lines {
                assert!(*y > TOP && *y < BOTTOM, "page {}: a line at {y}", n + 1);
                let c = chunks.last().unwrap();
                assert!(
                    c.x + c.width <= MARGIN_X + TEXT_W + 1.0,
                    "page {}: {:?} runs into the margin",
                    n + 1,
                    c.text
                );
            }
        }
    }

    #[test]
    fn paragraphs_keep_two_lines_on_each_side_of_a_page_break() {
        let fonts = Fonts::get().unwrap();
        let a = filled_dpa();
        let setter = Setter { fonts };
        let blocks = body(&setter, &a).unwrap();
        let pages = paginate(&blocks);
        let text = |items: &[Item]| -> String {
            match &items[0] {
                Item::Text { chunks, .. } => chunks.iter().map(|c| c.text.as_str()).collect(),
                _ => String::new(),
            }
        };
        let rows: Vec<Vec<String>> = blocks
            .iter()
            .map(|b| b.rows.iter().map(|r| text(&r.items)).collect())
            .collect();
        let mut splits = 0;
        for page in &pages[1..] {
            let lines = body_lines(page);
            let top: String = lines[0].1.iter().map(|c| c.text.as_str()).collect();
            // The top line of a page starts a block, or is at least the third line of its
            // block with at least one more after it.
            for block in &rows {
                if let Some(k) = block.iter().position(|r| *r == top) {
                    if k > 0 {
                        splits += 1;
                        assert!(
                            k >= 2 && k + 2 <= block.len(),
                            "{top:?}: line {k} of {}",
                            block.len()
                        );
                    }
                }
            }
        }
        assert!(pages.len() >= 3 && splits <= pages.len());
    }

    /// A TSA's name comes from a certificate: what the font cannot set, or should not show,
    /// never stops an exemplar from being made.
    #[test]
    fn a_tsa_name_is_made_settable() {
        let fonts = Fonts::get().unwrap();
        assert_eq!(
            settable(fonts, "Agence nationale de sécurité"),
            "Agence nationale de sécurité"
        );
        assert_eq!(settable(fonts, "TSA\u{1b}[31m\u{202E}evil"), "TSA[31mevil");
        assert_eq!(settable(fonts, "时间戳"), "???");
        let long = settable(fonts, &"x".repeat(500));
        assert_eq!(long.chars().count(), MAX_TSA_NAME + 1);
        assert!(long.ends_with('…'));
    }
}
