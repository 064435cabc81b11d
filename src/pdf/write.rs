//! Writing the PDF: the laid-out pages as content streams with the font embedded and subset
//! (printpdf), then the agreement file attached and the document made deterministic (lopdf).
//!
//! Nothing in the output depends on the machine, the clock or chance: the font resources have
//! fixed names (which also make their subset tags), the document information is set from the
//! agreement (its dates are the time of the last signature), the random XMP packet printpdf may
//! add is dropped, and the trailer's `/ID` is a hash of the agreement file and the exemplar.

use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use flate2::write::ZlibEncoder;
use flate2::Compression;

use lopdf::{Dictionary, Object, Stream, StringFormat};
use printpdf::{
    Color, FontId, LineDashPattern, Mm, Op, PaintMode, PdfDocument, PdfFont, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextMatrix,
};
use sha2::{Digest, Sha256};

use super::layout::{Chunk, FontKind, Fonts, Ink, Item, Page, Style, PAGE_H};
use super::seal_layout::{self, add_seal_field, seal_objects, Slots};
use super::{texts, Exemplar, PdfError, Renderer};
use crate::agreement::Agreement;
use crate::party::Party;

/// The font resource names; their first six letters are the subset tags.
const REGULAR_ID: &str = "TWVDSR";
const BOLD_ID: &str = "TWVDSB";

/// The document information key naming the exemplar (`1`, `2` or `to-sign`).
pub(crate) const EXEMPLAR_KEY: &str = "TweevoudExemplar";
/// The document information key naming the layout version.
pub(crate) const RENDERER_KEY: &str = "TweevoudRenderer";
fn round(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

fn font_handle(kind: FontKind) -> PdfFontHandle {
    PdfFontHandle::External(FontId(
        match kind {
            FontKind::Regular => REGULAR_ID,
            FontKind::Bold => BOLD_ID,
        }
        .to_string(),
    ))
}

fn color(ink: Ink) -> Color {
    let (r, g, b) = match ink {
        Ink::Text => (0.0, 0.0, 0.0),
        Ink::Muted => (0.36, 0.36, 0.36),
        Ink::Open => (0.30, 0.33, 0.50),
        Ink::Rule => (0.62, 0.62, 0.62),
    };
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

/// The graphics state already set, so that nothing is set twice.
#[derive(Default)]
struct State {
    font: Option<(FontKind, f32)>,
    fill: Option<Ink>,
    spacing: f32,
}

impl State {
    fn fill(&mut self, ink: Ink, ops: &mut Vec<Op>) {
        if self.fill != Some(ink) {
            ops.push(Op::SetFillColor { col: color(ink) });
            self.fill = Some(ink);
        }
    }

    fn font(&mut self, s: Style, ops: &mut Vec<Op>) {
        if self.font != Some((s.font, s.size)) {
            ops.push(Op::SetFont {
                font: font_handle(s.font),
                size: Pt(s.size),
            });
            self.font = Some((s.font, s.size));
        }
    }
}

/// One line of text: a text matrix at its start, then the chunks, with the space between
/// them (justification, hanging indents) as `TJ` adjustments after real space characters.
fn text_ops(y: f32, spacing: f32, chunks: &[Chunk], state: &mut State, ops: &mut Vec<Op>) {
    let Some(first) = chunks.first() else {
        return;
    };
    ops.push(Op::StartTextSection);
    // The text state (font, letter spacing) belongs to the graphics state: it carries over
    // from one text object to the next.
    let spacing = (spacing * 1000.0).round() / 1000.0;
    if state.spacing != spacing {
        ops.push(Op::SetCharacterSpacing {
            multiplier: spacing,
        });
        state.spacing = spacing;
    }
    ops.push(Op::SetTextMatrix {
        matrix: TextMatrix::Translate(Pt(round(first.x)), Pt(round(PAGE_H - y))),
    });
    let mut pen = first.x;
    let mut items: Vec<TextItem> = Vec::new();
    let mut current: Option<Style> = None;
    for c in chunks {
        if current != Some(c.style) {
            if !items.is_empty() {
                ops.push(Op::ShowText {
                    items: std::mem::take(&mut items),
                });
            }
            state.font(c.style, ops);
            state.fill(c.style.ink, ops);
            current = Some(c.style);
        }
        let gap = c.x - pen;
        if gap.abs() > 0.005 {
            items.push(TextItem::Offset(round(-gap * 1000.0 / c.style.size)));
        }
        items.push(TextItem::Text(c.text.clone()));
        pen = c.x + c.width;
    }
    if !items.is_empty() {
        ops.push(Op::ShowText { items });
    }
    ops.push(Op::EndTextSection);
}

/// The value of the marker operation (`7654.321 M`, a miter limit the pages never set) that
/// stands for a run of fills in a page's operations until [`put_fills`] puts the run's text
/// in its place.
const FILLS: f32 = 7654.321;

/// A page's operations for the PDF writer, and the text of each run of fills (a QR code's
/// modules, thousands of rectangles) that a marker stands for: written here as lopdf writes
/// the `re` and `f` operations printpdf makes of them, byte for byte, without building and
/// dropping two operations and four objects for each.
fn page_ops(page: &Page) -> (Vec<Op>, Vec<Vec<u8>>) {
    let mut ops = Vec::new();
    let mut fills: Vec<Vec<u8>> = Vec::new();
    let mut state = State::default();
    let mut stroke_set = false;
    for item in &page.items {
        match item {
            Item::Text { y, spacing, chunks } => {
                text_ops(*y, *spacing, chunks, &mut state, &mut ops)
            }
            Item::Fill { x, y, w, h } => {
                state.fill(Ink::Text, &mut ops);
                // A hair taller, so that rows of modules show no seam between them.
                let (x, y, w, h) = (
                    round(*x),
                    round(PAGE_H - y - h - 0.02),
                    round(*w),
                    round(h + 0.04),
                );
                // A run of fills (a QR code's) is written here as the PDF writer writes
                // it, in one go, and stands in the page's operations as one marker.
                let in_run =
                    matches!(ops.last(), Some(Op::SetMiterLimit { limit }) if limit.0 == FILLS);
                if !in_run || fills.is_empty() {
                    ops.push(Op::SetMiterLimit { limit: Pt(FILLS) });
                    fills.push(Vec::new());
                }
                let Some(run) = fills.last_mut() else {
                    continue;
                };
                if !run.is_empty() {
                    run.push(b'\n');
                }
                // As lopdf writes a real: `Display`; each operand followed by a space.
                for v in [x, y, w, h] {
                    put_real(run, v);
                    run.push(b' ');
                }
                run.extend_from_slice(b"re\nf");
            }
            Item::Frame { x, y, w, h, dashed } => {
                if !stroke_set {
                    ops.push(Op::SetOutlineColor {
                        col: color(Ink::Rule),
                    });
                    ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
                    stroke_set = true;
                }
                if *dashed {
                    ops.push(Op::SetLineDashPattern {
                        dash: LineDashPattern::new(0.0, &[3.0, 2.0]),
                    });
                }
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        mode: Some(PaintMode::Stroke),
                        ..Rect::from_xywh(
                            Pt(round(*x)),
                            Pt(round(PAGE_H - y - h)),
                            Pt(round(*w)),
                            Pt(round(*h)),
                        )
                    },
                });
                if *dashed {
                    ops.push(Op::SetLineDashPattern {
                        dash: LineDashPattern::new(0.0, &[]),
                    });
                }
            }
            Item::Rule { x0, x1, y, dotted } => {
                if !stroke_set {
                    ops.push(Op::SetOutlineColor {
                        col: color(Ink::Rule),
                    });
                    ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
                    stroke_set = true;
                }
                if *dotted {
                    ops.push(Op::SetLineDashPattern {
                        dash: LineDashPattern::new(0.0, &[1.0, 1.5]),
                    });
                }
                let at = |x: f32| printpdf::LinePoint {
                    p: Point {
                        x: Pt(round(x)),
                        y: Pt(round(PAGE_H - y)),
                    },
                    bezier: false,
                };
                ops.push(Op::DrawLine {
                    line: printpdf::Line {
                        points: vec![at(*x0), at(*x1)],
                        is_closed: false,
                    },
                });
                if *dotted {
                    ops.push(Op::SetLineDashPattern {
                        dash: LineDashPattern::new(0.0, &[]),
                    });
                }
            }
        }
    }
    (ops, fills)
}

/// Writes `v` as `Display` writes an `f32` (lopdf writes a real so), quickly for what
/// [`round`] makes of a coordinate on the page: hundredths, below 8192 in size. Such a value
/// is the `f32` nearest to `k / 100` for an integer `k`, and the shortest decimal that reads
/// back as it (what `Display` writes) is `k / 100` itself, its trailing zeros dropped: any
/// other decimal of at most two places is at least 0.01 away, where `f32`s below 8192 are
/// less than 0.001 apart. Anything else (zero and its sign among it) is written by `Display`
/// (a test compares the two on every hundredth up to 8192).
fn put_real(out: &mut Vec<u8>, v: f32) {
    let hundredths = (v * 100.0).round();
    let small = hundredths.abs() < 819_200.0;
    if v == 0.0 || !small || hundredths / 100.0 != v {
        let _ = write!(out, "{v}");
        return;
    }
    if hundredths < 0.0 {
        out.push(b'-');
    }
    let k = hundredths.abs() as u32;
    let mut whole = [0u8; 4];
    let mut at = whole.len();
    let mut n = k / 100;
    loop {
        at -= 1;
        whole[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&whole[at..]);
    let fraction = k % 100;
    if fraction != 0 {
        out.push(b'.');
        out.push(b'0' + (fraction / 10) as u8);
        if !fraction.is_multiple_of(10) {
            out.push(b'0' + (fraction % 10) as u8);
        }
    }
}

/// Puts each run of fills in the place of the marker that stands for it in the content
/// stream of its page, in order.
fn put_fills(pdf: &mut lopdf::Document, fills: Vec<Vec<Vec<u8>>>) -> Result<(), PdfError> {
    let marker = format!("{FILLS} M").into_bytes();
    let lost = || PdfError::Malformed("a page's fills were not written".into());
    let pages: Vec<lopdf::ObjectId> = pdf.get_pages().into_values().collect();
    if pages.len() != fills.len() {
        return Err(lost());
    }
    for (page, runs) in pages.into_iter().zip(fills) {
        if runs.is_empty() {
            continue;
        }
        let contents = pdf
            .get_dictionary(page)
            .and_then(|d| d.get(b"Contents"))
            .and_then(Object::as_reference)
            .map_err(|_| lost())?;
        let stream = pdf
            .get_object_mut(contents)
            .and_then(Object::as_stream_mut)
            .map_err(|_| lost())?;
        let old = &stream.content;
        let extra: usize = runs.iter().map(Vec::len).sum();
        let mut new = Vec::with_capacity(old.len() + extra);
        let mut from = 0;
        for run in &runs {
            let at = old[from..]
                .windows(marker.len())
                .position(|w| w == marker.as_slice())
                .ok_or_else(lost)?;
            new.extend_from_slice(&old[from..from + at]);
            new.extend_from_slice(run);
            from += at + marker.len();
        }
        if old[from..]
            .windows(marker.len())
            .any(|w| w == marker.as_slice())
        {
            return Err(lost());
        }
        new.extend_from_slice(&old[from..]);
        stream.set_content(new);
    }
    Ok(())
}

/// A PDF text string: PDFDocEncoding for ASCII, UTF-16BE with a byte-order mark otherwise.
fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// `D:20261123150000+01'00'`: the time of the last signature, or of the last event.
fn pdf_date(agreement: &Agreement) -> Option<String> {
    let time = agreement
        .signatures()
        .last()
        .map(|s| s.statement.time.clone())
        .or_else(|| agreement.audit().last().map(|e| e.time.clone()))?;
    let t = chrono::DateTime::parse_from_rfc3339(&time).ok()?;
    let offset = t.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.abs();
    Some(format!(
        "D:{}{sign}{:02}'{:02}'",
        t.format("%Y%m%d%H%M%S"),
        offset / 3600,
        offset % 3600 / 60
    ))
}

/// The name of the agreement file inside the PDF.
pub(crate) fn attachment_name(agreement: &Agreement) -> String {
    let t = agreement.template();
    let stem = texts::file_name(Exemplar::ToSign, agreement);
    let words = texts::words(t.language());
    let stem = stem
        .strip_suffix(".pdf")
        .and_then(|s| s.strip_suffix(words.file_to_sign))
        .map(|s| s.trim_end_matches('-').to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| t.id().to_string());
    format!("{stem}.tweevoud")
}

/// A PDF written, and for a renderer that seals (3 on), where its seal goes.
pub(crate) struct Written {
    /// The PDF, its seal's `/ByteRange` set and its `/Contents` all zeros.
    pub bytes: Vec<u8>,
    /// Where the seal goes, and the objects a second seal updates.
    pub slots: Option<Slots>,
}

pub(crate) fn write(
    agreement: &Agreement,
    exemplar: Exemplar,
    fonts: &Fonts,
    pages: &[Page],
    compressed: &Compressed,
) -> Result<Written, PdfError> {
    let template = agreement.template();
    let mut doc = PdfDocument::new(template.title());
    doc.resources.fonts.map.insert(
        FontId(REGULAR_ID.to_string()),
        PdfFont::new(fonts.regular.clone()),
    );
    doc.resources.fonts.map.insert(
        FontId(BOLD_ID.to_string()),
        PdfFont::new(fonts.bold.clone()),
    );
    let (ops, fills): (Vec<Vec<Op>>, Vec<Vec<Vec<u8>>>) = pages.iter().map(page_ops).unzip();
    doc.pages = ops
        .into_iter()
        .map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops))
        .collect();
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let renderer = compressed.renderer;
    let mut warnings = Vec::new();
    let mut pdf = doc.to_lopdf_document(&opts, &mut warnings);
    put_fills(&mut pdf, fills)?;
    pdf.version = "1.7".to_string();

    let json = agreement.to_json();
    let date = pdf_date(agreement);

    // The agreement file, as an associated file that is the source of the document.
    let name = attachment_name(agreement);
    let mut params = Dictionary::new();
    params.set("Size", json.len() as i64);
    if let Some(d) = &date {
        params.set("ModDate", Object::string_literal(d.as_str()));
    }
    let mut file_dict = Dictionary::new();
    file_dict.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
    file_dict.set("Subtype", Object::Name(b"application/json".to_vec()));
    file_dict.set("Params", params);
    let file_id = pdf.add_object(Stream::new(file_dict, json.clone().into_bytes()));
    let mut ef = Dictionary::new();
    ef.set("F", file_id);
    ef.set("UF", file_id);
    let mut spec = Dictionary::new();
    spec.set("Type", Object::Name(b"Filespec".to_vec()));
    spec.set("F", Object::string_literal(name.as_str()));
    spec.set("UF", text_string(&name));
    spec.set(
        "Desc",
        text_string("Tweevoud agreement file (tweevoud-agreement/1): the signed agreement"),
    );
    spec.set("AFRelationship", Object::Name(b"Source".to_vec()));
    spec.set("EF", ef);
    let spec_id = pdf.add_object(spec);

    let mut names = Dictionary::new();
    names.set(
        "EmbeddedFiles",
        Dictionary::from_iter(vec![(
            "Names",
            Object::Array(vec![
                Object::string_literal(name.as_str()),
                Object::Reference(spec_id),
            ]),
        )]),
    );
    let catalog = pdf
        .catalog_mut()
        .map_err(|e| PdfError::Malformed(format!("no catalog was written: {e}")))?;
    catalog.remove(b"Metadata");
    catalog.set("Names", names);
    catalog.set("AF", Object::Array(vec![Object::Reference(spec_id)]));
    catalog.set("Lang", Object::string_literal(template.language().code()));
    if renderer.seals() {
        add_seal_field(&mut pdf, date.as_deref())?;
    }

    // The document information, from the agreement alone.
    let party_name = |p: Party| texts::detail(agreement, &template.party(p).name);
    let author: Vec<String> = [Party::Provider, Party::Customer]
        .into_iter()
        .filter_map(party_name)
        .collect();
    let mut info = Dictionary::new();
    info.set("Title", text_string(template.title()));
    info.set("Author", text_string(&author.join(" / ")));
    info.set("Subject", text_string(&exemplar.label(agreement)));
    info.set(
        "Keywords",
        text_string(&format!(
            "tweevoud; template {}; text sha256 {}",
            template.id(),
            agreement.text_sha256()
        )),
    );
    info.set("Creator", Object::string_literal("Tweevoud"));
    info.set(
        "Producer",
        Object::string_literal(format!("Tweevoud exemplar renderer {}", renderer.id())),
    );
    if let Some(d) = &date {
        info.set("CreationDate", Object::string_literal(d.as_str()));
        info.set("ModDate", Object::string_literal(d.as_str()));
    }
    info.set(EXEMPLAR_KEY, Object::string_literal(exemplar.id()));
    info.set(RENDERER_KEY, Object::string_literal(renderer.id()));
    let info_id = pdf.add_object(info);
    pdf.trailer.set("Info", info_id);

    // The file identifier: the same agreement and exemplar give the same one.
    let mut h = Sha256::new();
    h.update(b"tweevoud-exemplar-id/1\n");
    h.update(exemplar.id().as_bytes());
    h.update(b"\n");
    h.update(renderer.id().as_bytes());
    h.update(b"\n");
    h.update(json.as_bytes());
    let id = h.finalize()[..16].to_vec();
    pdf.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );

    pdf.prune_objects();
    pdf.renumber_objects();
    compress(&mut pdf, compressed);
    let numbers = renderer.seals().then(|| seal_objects(&pdf)).transpose()?;
    let mut out = Vec::new();
    pdf.save_to(&mut out)
        .map_err(|e| PdfError::Malformed(format!("the PDF could not be written: {e}")))?;
    let slots = match numbers {
        Some(numbers) => Some(seal_layout::prepare(&mut out, numbers, date)?),
        None => None,
    };
    Ok(Written { bytes: out, slots })
}

/// Compresses the document's streams as lopdf's `Document::compress` does (each stream on
/// its own, with the same zlib), at the level of `compressed`'s renderer (renderer 1's level
/// is lopdf's, so its bytes are lopdf's), spread over the cores: compression is the largest
/// part of rendering an exemplar. A stream whose content `compressed` has seen is not
/// compressed again.
fn compress(pdf: &mut lopdf::Document, compressed: &Compressed) {
    let mut streams: Vec<&mut Stream> = pdf
        .objects
        .values_mut()
        .filter_map(|o| match o {
            Object::Stream(s) if s.allows_compression => Some(s),
            _ => None,
        })
        .collect();
    let threads = cores().clamp(1, streams.len().max(1));
    // Largest first, each to the least loaded thread.
    streams.sort_by_key(|s| std::cmp::Reverse(s.content.len()));
    let mut groups: Vec<(usize, Vec<&mut Stream>)> =
        (0..threads).map(|_| (0, Vec::new())).collect();
    for s in streams {
        if let Some(group) = groups.iter_mut().min_by_key(|(load, _)| *load) {
            group.0 += s.content.len();
            group.1.push(s);
        }
    }
    let compress_all = |group: Vec<&mut Stream>| {
        for s in group {
            // As lopdf does: a stream that has a filter, or that compression would not make
            // smaller, stays as it is.
            if s.dict.get(b"Filter").is_ok() {
                continue;
            }
            if let Some(packed) = compressed.deflated(&s.content) {
                s.dict.set("Filter", "FlateDecode");
                s.set_content(packed);
            }
        }
    };
    std::thread::scope(|scope| {
        let mut groups = groups.into_iter();
        let own = groups.next();
        for (_, group) in groups {
            scope.spawn(move || compress_all(group));
        }
        if let Some((_, group)) = own {
            compress_all(group);
        }
    });
}

/// The number of cores, asked once: the standard library reads it from the process's
/// cgroup files (a handful of system calls) every time it is asked.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A stream content and what [`deflate`] makes of it (`None`: left as it is).
struct Deflated {
    content: Vec<u8>,
    packed: OnceLock<Option<Vec<u8>>>,
}

/// The stream contents compressed while the exemplars of one agreement are rendered. The two
/// exemplars share their font subsets, their `ToUnicode` maps and the agreement file (about
/// 80 of the DPA's 186 kB of streams), and [`super::exemplars`] renders them at the same time:
/// the first to need a content compresses it, the other waits for that result instead of
/// compressing it a second time. Compression is a function of the content and the
/// renderer's level alone, so the bytes are those [`deflate`] gives. It lives as long as one
/// call, so that nothing is kept between renderings.
pub(crate) struct Compressed {
    /// The renderer whose level the streams are compressed at, and which the PDF names.
    renderer: Renderer,
    seen: Mutex<Vec<Arc<Deflated>>>,
}

impl Compressed {
    /// Nothing compressed yet, for a rendering with `renderer`.
    pub(crate) fn new(renderer: Renderer) -> Compressed {
        Compressed {
            renderer,
            seen: Mutex::default(),
        }
    }

    /// What [`deflate`] makes of `content` at the renderer's level: compressed here, or by
    /// another thread for the same content.
    fn deflated(&self, content: &[u8]) -> Option<Vec<u8>> {
        let entry = {
            let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
            match seen.iter().find(|d| d.content == content) {
                Some(d) => Arc::clone(d),
                None => {
                    let d = Arc::new(Deflated {
                        content: content.to_vec(),
                        packed: OnceLock::new(),
                    });
                    seen.push(Arc::clone(&d));
                    d
                }
            }
        };
        entry
            .packed
            .get_or_init(|| deflate(&entry.content, self.renderer.deflate_level()))
            .clone()
    }
}

/// What lopdf's `Stream::compress` makes of `content`, at zlib level `level` instead of its
/// fixed 9: the zlib stream, or `None` when it would not be at least 20 bytes smaller than
/// `content` (the stream then stays uncompressed). The same encoder as lopdf's (flate2 with
/// miniz_oxide), fed the same way, so that at level 9 the bytes are lopdf's. Writing to
/// memory cannot fail; if it did, the stream would stay uncompressed, as in lopdf.
fn deflate(content: &[u8], level: u32) -> Option<Vec<u8>> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::new(level));
    encoder.write_all(content).ok()?;
    let packed = encoder.finish().ok()?;
    (packed.len() + 19 < content.len()).then_some(packed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What lopdf's own `Stream::compress` makes of `content`.
    fn lopdf_compress(content: &[u8]) -> Option<Vec<u8>> {
        let mut s = Stream::new(Dictionary::new(), content.to_vec());
        s.compress().unwrap();
        s.dict.get(b"Filter").is_ok().then_some(s.content)
    }

    /// `put_real` writes what `Display` writes (what lopdf writes), on every value `round`
    /// gives below 8192 in size, and on others it leaves to `Display`.
    #[test]
    fn reals_as_display_writes_them() {
        let mut out = Vec::new();
        let mut expected = Vec::new();
        for k in -819_199i32..=819_199 {
            let v = round(k as f32 / 100.0);
            out.clear();
            expected.clear();
            put_real(&mut out, v);
            write!(expected, "{v}").unwrap();
            assert_eq!(out, expected, "{k}");
        }
        for v in [
            0.0,
            -0.0,
            8192.0,
            -8192.5,
            1e9,
            0.001,
            -0.004,
            1.0 / 3.0,
            f32::NAN,
            f32::INFINITY,
            f32::MIN_POSITIVE,
        ] {
            out.clear();
            expected.clear();
            put_real(&mut out, v);
            write!(expected, "{v}").unwrap();
            assert_eq!(out, expected, "{v:?}");
        }
    }

    #[test]
    fn deflated_gives_lopdf_bytes_first_time_and_again() {
        let text: Vec<u8> = (0..5000u32)
            .flat_map(|i| format!("{} {} 1.3 1.34 re\nf\n", i % 97, i % 13).into_bytes())
            .collect();
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let noise: Vec<u8> = (0..4000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect();
        let compressed = Compressed::new(Renderer::V1);
        for content in [&text[..], &noise[..], b"", b"BT ET"] {
            let expected = lopdf_compress(content);
            assert_eq!(compressed.deflated(content), expected);
            assert_eq!(compressed.deflated(content), expected, "remembered");
        }
        assert!(lopdf_compress(&text).is_some() && lopdf_compress(&noise).is_none());
    }

    /// Renderer 2's level: the zlib stream inflates back to the content, is the same every
    /// time, and is not level 9's.
    #[test]
    fn renderer_2_deflates_at_its_own_level() {
        let text: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("{} {} Td ({}) Tj\n", i % 89, i % 31, i % 7).into_bytes())
            .collect();
        let compressed = Compressed::new(Renderer::V2);
        let packed = compressed.deflated(&text).expect("text compresses");
        assert_eq!(deflate(&text, 3).as_ref(), Some(&packed));
        assert_ne!(Some(&packed), lopdf_compress(&text).as_ref());
        let mut plain = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(&packed[..]), &mut plain)
            .unwrap();
        assert_eq!(plain, text);
        // As at level 9: what would not be 20 bytes smaller stays as it is.
        assert_eq!(compressed.deflated(b"BT ET"), None);
    }

    #[test]
    fn deflated_on_several_threads_gives_lopdf_bytes() {
        let contents: Vec<Vec<u8>> = (0..6u8)
            .map(|i| {
                (0..20_000u32)
                    .map(|j| (j % (7 + u32::from(i))) as u8)
                    .collect()
            })
            .collect();
        let compressed = Compressed::new(Renderer::V1);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for c in &contents {
                        assert_eq!(compressed.deflated(c), lopdf_compress(c));
                    }
                });
            }
        });
        assert_eq!(compressed.seen.lock().unwrap().len(), contents.len());
    }
}
