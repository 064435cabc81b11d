//! The seal's bytes in the PDF (docs/pdf.md, "The seal"), written down once: the signature
//! dictionary with its `/ByteRange` placeholder and its `/Contents` of zeros, the invisible
//! signature field (a widget) and its flags, the catalog's `/AcroForm`, and the second seal's
//! incremental update. The first seal's objects go into the document the PDF writer saves
//! (`write`); the second seal's are the same dictionaries, written as the update's text here.
//! Sealing and checking what lies in those places is `sealed`'s.
//!
//! Every byte outside a seal's `/Contents` is a function of the agreement (and, for the
//! second seal, of the first revision), so that a verifier writes it again and compares.

use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use sha2::{Digest, Sha256};

use super::PdfError;

/// The bytes of `/Contents` set aside for a seal, zeros until it is sealed.
pub(crate) const SEAL_SPACE: usize = crate::seal::MAX_SEAL_BYTES;
/// What the `/ByteRange` holds until it is set: wide enough for any offset in a PDF read.
pub(crate) const BYTE_RANGE_PLACEHOLDER: i64 = 1_000_000_000;
/// The name of the seal's field.
pub(crate) const SEAL_FIELD_1: &str = "Tweevoud seal 1";
/// The name of the second seal's field.
pub(crate) const SEAL_FIELD_2: &str = "Tweevoud seal 2";

/// Annotation flags (ISO 32000-1, 12.5.3): printed with the page ...
pub(crate) const ANNOT_PRINT: i64 = 1 << 2;
/// ... and not to be deleted or its properties changed by a viewer.
pub(crate) const ANNOT_LOCKED: i64 = 1 << 7;
/// The flags of a seal's widget (`/F 132`).
pub(crate) const SEAL_WIDGET_FLAGS: i64 = ANNOT_PRINT | ANNOT_LOCKED;

/// Signature flags of the `/AcroForm` (ISO 32000-1, 12.7.2): the document holds signatures ...
pub(crate) const SIG_FLAGS_SIGNATURES_EXIST: i64 = 1;
/// ... and is to be saved by incremental updates only, or a signature breaks.
pub(crate) const SIG_FLAGS_APPEND_ONLY: i64 = 2;
/// The `/SigFlags` of a sealed exemplar (`/SigFlags 3`).
pub(crate) const SEAL_SIG_FLAGS: i64 = SIG_FLAGS_SIGNATURES_EXIST | SIG_FLAGS_APPEND_ONLY;

/// The few kinds of PDF value the seal's objects hold.
#[derive(Clone)]
enum Value {
    Name(&'static str),
    Int(i64),
    /// A literal string `( )`.
    Text(String),
    Ref(ObjectId),
    Array(Vec<Value>),
    /// A hexadecimal string of this many zero bytes: an empty `/Contents`.
    Zeros(usize),
    Dict(Vec<(&'static str, Value)>),
}

impl Value {
    /// The value as the document the PDF writer saves holds it.
    fn to_lopdf(&self) -> Object {
        match self {
            Value::Name(n) => Object::Name(n.as_bytes().to_vec()),
            Value::Int(i) => Object::Integer(*i),
            Value::Text(t) => Object::String(t.as_bytes().to_vec(), StringFormat::Literal),
            Value::Ref(id) => Object::Reference(*id),
            Value::Array(a) => Object::Array(a.iter().map(Value::to_lopdf).collect()),
            // The PDF writer writes a hexadecimal string a byte at a time through its
            // formatter (a fifth of writing an exemplar went to the seal's 16 KiB of zeros):
            // it is given the same number of bytes as a literal string of zero digits,
            // `(00..0)`, which it writes in one go, and [`prepare`] puts the `<` and `>` in
            // the place of its parentheses.
            Value::Zeros(n) => Object::String(vec![b'0'; n * 2], StringFormat::Literal),
            Value::Dict(entries) => {
                let mut d = Dictionary::new();
                for (key, value) in entries {
                    d.set(*key, value.to_lopdf());
                }
                Object::Dictionary(d)
            }
        }
    }

    /// Writes the value as the PDF writer writes it: no space but where two tokens would run
    /// together (a key and a number or reference after it, the items of an array).
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Value::Name(n) => {
                out.push(b'/');
                out.extend_from_slice(n.as_bytes());
            }
            Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Value::Text(t) => {
                out.push(b'(');
                for b in t.bytes() {
                    if matches!(b, b'(' | b')' | b'\\') {
                        out.push(b'\\');
                    }
                    out.push(b);
                }
                out.push(b')');
            }
            Value::Ref((number, generation)) => {
                out.extend_from_slice(format!("{number} {generation} R").as_bytes())
            }
            Value::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    item.write(out);
                }
                out.push(b']');
            }
            Value::Zeros(n) => {
                out.push(b'<');
                out.resize(out.len() + n * 2, b'0');
                out.push(b'>');
            }
            Value::Dict(entries) => {
                out.extend_from_slice(b"<<");
                for (key, value) in entries {
                    out.push(b'/');
                    out.extend_from_slice(key.as_bytes());
                    if matches!(value, Value::Int(_) | Value::Ref(_)) {
                        out.push(b' ');
                    }
                    value.write(out);
                }
                out.extend_from_slice(b">>");
            }
        }
    }
}

/// The seal's signature dictionary: PAdES (`ETSI.CAdES.detached`), the `/ByteRange`
/// placeholder, room for the seal, and the signing time `date` if the agreement has one.
fn signature(date: Option<&str>) -> Value {
    let placeholder = Value::Int(BYTE_RANGE_PLACEHOLDER);
    let mut entries = vec![
        ("Type", Value::Name("Sig")),
        ("Filter", Value::Name("Adobe.PPKLite")),
        ("SubFilter", Value::Name("ETSI.CAdES.detached")),
        (
            "ByteRange",
            Value::Array(vec![
                Value::Int(0),
                Value::Int(BYTE_RANGE_PLACEHOLDER),
                Value::Int(BYTE_RANGE_PLACEHOLDER),
                placeholder,
            ]),
        ),
        ("Contents", Value::Zeros(SEAL_SPACE)),
    ];
    if let Some(d) = date {
        entries.push(("M", Value::Text(d.to_string())));
    }
    Value::Dict(entries)
}

/// The seal's field: an invisible widget (`/Rect[0 0 0 0]`) on `page` whose value is the
/// signature dictionary `sig`.
fn widget(name: &str, page: ObjectId, sig: ObjectId) -> Value {
    Value::Dict(vec![
        ("Type", Value::Name("Annot")),
        ("Subtype", Value::Name("Widget")),
        ("FT", Value::Name("Sig")),
        ("T", Value::Text(name.to_string())),
        ("F", Value::Int(SEAL_WIDGET_FLAGS)),
        ("Rect", Value::Array(vec![Value::Int(0); 4])),
        ("P", Value::Ref(page)),
        ("V", Value::Ref(sig)),
    ])
}

fn references(ids: &[ObjectId]) -> Value {
    Value::Array(ids.iter().map(|id| Value::Ref(*id)).collect())
}

/// The catalog's `/AcroForm`: the seals' fields.
fn form(fields: &[ObjectId]) -> Value {
    Value::Dict(vec![
        ("Fields", references(fields)),
        ("SigFlags", Value::Int(SEAL_SIG_FLAGS)),
    ])
}

/// Adds the first seal's place to the document being written: its signature dictionary, its
/// field on the last page (in an `/Annots` array of its own) and the catalog's `/AcroForm`.
pub(crate) fn add_seal_field(
    pdf: &mut lopdf::Document,
    date: Option<&str>,
) -> Result<(), PdfError> {
    let last_page = pdf
        .get_pages()
        .values()
        .next_back()
        .copied()
        .ok_or_else(|| PdfError::Malformed("the PDF has no pages".into()))?;
    let sig_id = pdf.add_object(signature(date).to_lopdf());
    let widget_id = pdf.add_object(widget(SEAL_FIELD_1, last_page, sig_id).to_lopdf());
    let annots = pdf.add_object(references(&[widget_id]).to_lopdf());
    let page = pdf
        .get_object_mut(last_page)
        .and_then(Object::as_dict_mut)
        .map_err(|e| PdfError::Malformed(format!("the last page cannot be found: {e}")))?;
    page.set("Annots", Object::Reference(annots));
    let form_id = pdf.add_object(form(&[widget_id]).to_lopdf());
    pdf.catalog_mut()
        .map_err(|e| PdfError::Malformed(format!("no catalog was written: {e}")))?
        .set("AcroForm", Object::Reference(form_id));
    Ok(())
}

/// The objects of the seal, as numbered in the PDF written.
pub(crate) struct SealObjects {
    root: u32,
    info: u32,
    form: u32,
    annots: u32,
    widget: u32,
    page: u32,
    size: u32,
    id: Vec<u8>,
}

/// Finds the numbers of the seal's objects in the document about to be saved.
pub(crate) fn seal_objects(pdf: &lopdf::Document) -> Result<SealObjects, PdfError> {
    let missing = |what: &str| PdfError::Malformed(format!("the seal's {what} was not written"));
    let reference = |d: &Dictionary, key: &[u8]| d.get(key).and_then(Object::as_reference).ok();
    let root = reference(&pdf.trailer, b"Root").ok_or_else(|| missing("catalog"))?;
    let info = reference(&pdf.trailer, b"Info").ok_or_else(|| missing("information"))?;
    let catalog = pdf.get_dictionary(root).map_err(|_| missing("catalog"))?;
    let form = reference(catalog, b"AcroForm").ok_or_else(|| missing("form"))?;
    let widget = pdf
        .get_dictionary(form)
        .ok()
        .and_then(|f| f.get(b"Fields").and_then(Object::as_array).ok())
        .and_then(|fields| fields.first())
        .and_then(|w| w.as_reference().ok())
        .ok_or_else(|| missing("field"))?;
    let page = pdf
        .get_dictionary(widget)
        .ok()
        .and_then(|w| reference(w, b"P"))
        .ok_or_else(|| missing("page"))?;
    let annots = pdf
        .get_dictionary(page)
        .ok()
        .and_then(|p| reference(p, b"Annots"))
        .ok_or_else(|| missing("annotations"))?;
    let id = match pdf.trailer.get(b"ID").and_then(Object::as_array) {
        Ok(a) => match a.first() {
            Some(Object::String(id, _)) => id.clone(),
            _ => return Err(missing("file identifier")),
        },
        Err(_) => return Err(missing("file identifier")),
    };
    Ok(SealObjects {
        root: root.0,
        info: info.0,
        form: form.0,
        annots: annots.0,
        widget: widget.0,
        page: page.0,
        size: pdf.max_id + 1,
        id,
    })
}

/// Where a seal goes, in a PDF written by a renderer that seals.
pub(crate) struct Slots {
    /// The offsets of the `<` and the `>` around the seal's `/Contents`.
    contents: (usize, usize),
    /// The objects the second seal updates.
    objects: SealObjects,
    /// Where the first revision's cross-reference table starts (its `startxref`).
    startxref: usize,
    /// The `/M` of the seals: the time of the last signature.
    date: Option<String>,
}

impl Slots {
    /// The offsets of the `<` and the `>` around the first seal's `/Contents`.
    pub(crate) fn contents(&self) -> (usize, usize) {
        self.contents
    }
}

/// Where `needle` (not empty) first stands in `haystack` from `from` on. Only where its first
/// byte stands is the rest compared: a PDF's bytes are far from its placeholders' first bytes
/// at almost every offset.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let hay = haystack.get(from..)?;
    let mut start = 0;
    while let Some(at) = hay[start..].iter().position(|&b| b == first) {
        let at = start + at;
        if hay.get(at + 1..at + needle.len()) == Some(rest) {
            return Some(from + at);
        }
        start = at + 1;
    }
    None
}

/// The bytes of `value` as written.
fn written(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    value.write(&mut out);
    out
}

/// The `/ByteRange` placeholder as the PDF writer writes it.
fn placeholder() -> Vec<u8> {
    written(&Value::Array(vec![
        Value::Int(0),
        Value::Int(BYTE_RANGE_PLACEHOLDER),
        Value::Int(BYTE_RANGE_PLACEHOLDER),
        Value::Int(BYTE_RANGE_PLACEHOLDER),
    ]))
}

/// Finds the seal's place written from `from` on: sets its `/ByteRange` placeholder to
/// `[0 lt gt+1 rest]` (padded with spaces to the placeholder's width) and returns the
/// offsets of the `<` and the `>` around its `/Contents`.
fn set_byte_range(bytes: &mut [u8], from: usize) -> Result<(usize, usize), PdfError> {
    let missing = || PdfError::Malformed("the seal's place was not written".into());
    let lt = find(bytes, &written(&Value::Zeros(SEAL_SPACE)), from).ok_or_else(missing)?;
    let contents = (lt, lt + SEAL_SPACE * 2 + 1);
    let placeholder = placeholder();
    let at = find(bytes, &placeholder, from).ok_or_else(missing)?;
    let width = placeholder.len();
    let after = contents.1 + 1;
    let text = format!("[0 {} {} {}]", contents.0, after, bytes.len() - after);
    let mut padded = text.into_bytes();
    if padded.len() > width {
        return Err(PdfError::Malformed(
            "the PDF is too large to be sealed".into(),
        ));
    }
    padded.resize(width, b' ');
    bytes[at..at + width].copy_from_slice(&padded);
    Ok(contents)
}

/// Finds the seal's place in a PDF just written, and sets its `/ByteRange`.
pub(crate) fn prepare(
    out: &mut [u8],
    objects: SealObjects,
    date: Option<String>,
) -> Result<Slots, PdfError> {
    // The seal's `/Contents` as the writer wrote it (`Value::to_lopdf`), made the hexadecimal
    // string of zeros it stands for. The first such string is the seal's: the objects
    // written before its signature dictionary (the pages, the fonts, the attachment, the
    // catalog) hold no literal string of 32 KiB, nor any stream that does not compress.
    let literal = {
        let mut zeros = vec![b'0'; SEAL_SPACE * 2 + 2];
        zeros[0] = b'(';
        zeros[SEAL_SPACE * 2 + 1] = b')';
        zeros
    };
    let missing = || PdfError::Malformed("the seal's place was not written".into());
    let open = find(out, &literal, 0).ok_or_else(missing)?;
    out[open] = b'<';
    out[open + SEAL_SPACE * 2 + 1] = b'>';
    let contents = set_byte_range(out, 0)?;
    let startxref = find(out, b"startxref\n", out.len().saturating_sub(64))
        .and_then(|at| {
            let digits = &out[at + 10..];
            let end = digits.iter().position(|b| !b.is_ascii_digit())?;
            std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
        })
        .ok_or_else(|| PdfError::Malformed("the seal's place was not written".into()))?;
    Ok(Slots {
        contents,
        objects,
        startxref,
        date,
    })
}

/// The bytes a seal at `contents` covers: all but its `/Contents` (the `<` and `>` are outside
/// the range signed), as the two ranges of its `/ByteRange`.
pub(crate) fn signed_ranges(bytes: &[u8], contents: (usize, usize)) -> [&[u8]; 2] {
    [&bytes[..contents.0], &bytes[contents.1 + 1..]]
}

/// SHA-256 of the bytes outside `contents`: what a companion seal's message digest is.
pub(crate) fn digest(bytes: &[u8], contents: (usize, usize)) -> [u8; 32] {
    let mut h = Sha256::new();
    signed_ranges(bytes, contents)
        .iter()
        .for_each(|range| h.update(range));
    h.finalize().into()
}

/// The second seal's incremental update of the first revision `base` (whose slots are
/// `slots`), with its `/ByteRange` set and its `/Contents` zeros; and where its `/Contents` is:
/// its signature dictionary and field, the page's `/Annots` and the `/AcroForm` with both
/// fields, a cross-reference section and a trailer whose `/Prev` is the first revision's.
pub(crate) fn increment(base: &[u8], slots: &Slots) -> Result<(Vec<u8>, (usize, usize)), PdfError> {
    let o = &slots.objects;
    let sig = (o.size, 0);
    let widget_id = (o.size + 1, 0);
    let first_widget = (o.widget, 0);
    let objects = [
        (sig.0, signature(slots.date.as_deref())),
        (widget_id.0, widget(SEAL_FIELD_2, (o.page, 0), sig)),
        (o.annots, references(&[first_widget, widget_id])),
        (o.form, form(&[first_widget, widget_id])),
    ];
    let mut out = base.to_vec();
    out.push(b'\n');
    let mut offsets: Vec<(u32, usize)> = Vec::new();
    for (number, value) in &objects {
        offsets.push((*number, out.len()));
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        value.write(&mut out);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    offsets.sort_unstable();
    out.extend_from_slice(b"xref\n0 1\n0000000000 65535 f \n");
    for (num, at) in &offsets {
        out.extend_from_slice(format!("{num} 1\n{at:010} 00000 n \n").as_bytes());
    }
    let id = hex::encode_upper(&o.id);
    out.extend_from_slice(
        format!(
            "trailer\n<</Size {}/Root {} 0 R/Info {} 0 R/ID[<{id}><{id}>]/Prev {}>>\nstartxref\n{xref}\n%%EOF\n",
            widget_id.0 + 1,
            o.root,
            o.info,
            slots.startxref
        )
        .as_bytes(),
    );
    let contents = set_byte_range(&mut out, base.len())?;
    Ok((out, contents))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flags_are_the_numbers_the_spec_shows() {
        // docs/pdf.md, "The seal": `/F 132` and `/SigFlags 3`.
        assert_eq!(SEAL_WIDGET_FLAGS, 132);
        assert_eq!(SEAL_SIG_FLAGS, 3);
    }

    #[test]
    fn the_objects_are_written_as_the_spec_shows_them() {
        let text = |v: &Value| String::from_utf8(written(v)).unwrap();
        assert_eq!(
            text(&widget(SEAL_FIELD_2, (7, 0), (12, 0))),
            "<</Type/Annot/Subtype/Widget/FT/Sig/T(Tweevoud seal 2)/F 132/Rect[0 0 0 0]/P 7 0 R/V 12 0 R>>"
        );
        assert_eq!(
            text(&form(&[(9, 0), (13, 0)])),
            "<</Fields[9 0 R 13 0 R]/SigFlags 3>>"
        );
        let head = "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange[0 1000000000 1000000000 1000000000]/Contents<";
        let tail = ">/M(D:20260101120000+01'00')>>";
        assert_eq!(
            text(&signature(Some("D:20260101120000+01'00'"))),
            format!("{head}{}{tail}", "0".repeat(SEAL_SPACE * 2))
        );
        assert_eq!(text(&Value::Text("a(b)\\".into())), "(a\\(b\\)\\\\)");
    }

    /// `find` is the first match from `from` on, as a search of every window finds it.
    #[test]
    fn find_is_the_first_match_from_where_it_starts() {
        let naive = |h: &[u8], n: &[u8], from: usize| {
            h.get(from..)?
                .windows(n.len())
                .position(|w| w == n)
                .map(|at| at + from)
        };
        let hay = b"<<<0<00<000>>[0 1[0 1 0]<000>";
        for needle in [
            &b"<000>"[..],
            b"<00",
            b"<",
            b"[0 1 0]",
            b">",
            b"x",
            b"<000>>[0 1[0 1 0]<000>x",
        ] {
            for from in 0..=hay.len() + 1 {
                assert_eq!(
                    find(hay, needle, from),
                    naive(hay, needle, from),
                    "{needle:?} {from}"
                );
            }
        }
        assert_eq!(find(hay, b"<000>", 0), Some(7));
        assert_eq!(find(hay, b"<000>", 8), Some(24));
    }
}
