//! Reading an exemplar PDF back: the agreement file inside it and which exemplar it says it
//! is.
//!
//! PDFs come from anywhere, and Tweevoud only accepts the ones it writes (verifying one
//! renders it again and compares bytes). So no PDF reaches a general-purpose parser: this is
//! a strict reader of the layout Tweevoud writes ([`syntax`]), which finds the attachment and
//! refuses everything else, in bounded time and memory: the file's size, the number of
//! objects, how deep values nest, how many values an object holds, the name tree's depth and
//! entries, the size the attachment inflates to, and the total work of one reading are all
//! limited (`docs/pdf.md`, "Reading and verifying a PDF").

mod syntax;
mod updates;

use std::io::Read;

use syntax::{Dict, Pdf, Refused, Value};
pub(crate) use updates::{appended, Appended};

use super::write::{EXEMPLAR_KEY, RENDERER_KEY};
use super::{PdfError, MAX_PDF_BYTES};
use crate::agreement::MAX_AGREEMENT_BYTES;

/// How deep the embedded-files name tree may be.
const MAX_TREE_DEPTH: usize = 8;
/// The most file specifications the embedded-files name tree and `/AF` may list, and the most
/// nodes of the name tree read. An exemplar lists one.
const MAX_TREE_ENTRIES: usize = 1000;

/// What an exemplar PDF carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    /// The attachment's file name.
    pub name: String,
    /// The agreement file's text.
    pub json: String,
    /// The exemplar the PDF says it is (`/TweevoudExemplar`), if it says.
    pub exemplar: Option<String>,
    /// The layout version the PDF says it was made with (`/TweevoudRenderer`), if it says.
    pub renderer: Option<String>,
}

/// Whether the bytes start like a PDF (`%PDF-`).
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// Takes the agreement file out of an exemplar PDF.
///
/// The agreement file is the one embedded file whose name ends in `.tweevoud`, in lower case
/// (in the `/EmbeddedFiles` name tree of the catalog, or among the catalog's associated files
/// `/AF`). Its last `startxref` must be followed by its offset and `%%EOF`. The PDF must have the layout Tweevoud writes: one cross-reference table (and, if another
/// program appended an update, the revision Tweevoud wrote is the one read), no
/// cross-reference or object streams, no encryption, the attachment stored as it is or with
/// `/FlateDecode`. Anything else is refused as [`PdfError::Malformed`], in bounded time and
/// memory.
pub fn embedded_agreement(bytes: &[u8]) -> Result<Embedded, PdfError> {
    if bytes.len() as u64 > MAX_PDF_BYTES {
        return Err(PdfError::TooLarge);
    }
    if !is_pdf(bytes) {
        return Err(PdfError::NotPdf);
    }
    if !eof_after_startxref(bytes) {
        return Err(PdfError::Malformed(
            "its last startxref is not followed by an offset and %%EOF (was it cut short?)"
                .to_string(),
        ));
    }
    let pdf = Pdf::open(bytes).map_err(malformed)?;
    read_document(&pdf)
}

/// Whether the last `startxref` in the file's last 1024 bytes (the one the reader follows) is
/// followed by one end of line, its offset in digits, one end of line and `%%EOF` (ISO
/// 32000-1, 7.5.5), as Tweevoud writes it: a file cut short there is refused. A file with no
/// `startxref` there passes, and the reader refuses it with that reason. What follows `%%EOF`
/// is not read; it makes the file differ from the exemplar, which verification reports.
fn eof_after_startxref(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let Some(at) = tail.windows(9).rposition(|w| w == b"startxref") else {
        return true;
    };
    let eol = |b: &[u8]| -> Option<usize> {
        match b {
            [b'\r', b'\n', ..] => Some(2),
            [b'\r' | b'\n', ..] => Some(1),
            _ => None,
        }
    };
    let rest = &tail[at + 9..];
    let Some(n) = eol(rest) else { return false };
    let rest = &rest[n..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    let rest = &rest[digits..];
    eol(rest).is_some_and(|n| rest[n..].starts_with(b"%%EOF"))
}

fn malformed(e: Refused) -> PdfError {
    PdfError::Malformed(e.0)
}

/// A file specification found in the catalog: its name and its dictionary.
type Spec = (String, Dict);

fn read_document(pdf: &Pdf<'_>) -> Result<Embedded, PdfError> {
    let root = pdf
        .trailer
        .get(b"Root")
        .ok_or_else(|| PdfError::Malformed("its trailer names no document catalog".to_string()))?;
    let catalog = match pdf.resolve(root).map_err(malformed)? {
        Value::Dict(d) if d.get(b"Type") == Some(&Value::Name(b"Catalog".to_vec())) => d,
        _ => {
            return Err(PdfError::Malformed(
                "its /Root is not a document catalog".to_string(),
            ))
        }
    };
    let mut specs: Vec<Spec> = Vec::new();
    if let Some(Value::Dict(names)) = optional(pdf, catalog.get(b"Names"))? {
        if let Some(Value::Dict(tree)) = optional(pdf, names.get(b"EmbeddedFiles"))? {
            let mut nodes = 0;
            name_tree(pdf, &tree, 0, &mut nodes, &mut specs)?;
        }
    }
    if let Some(Value::Array(af)) = optional(pdf, catalog.get(b"AF"))? {
        if af.len() > MAX_TREE_ENTRIES {
            return Err(too_many());
        }
        for o in &af {
            if let Value::Dict(spec) = pdf.resolve(o).map_err(malformed)? {
                if let Some(name) = spec_name(&spec) {
                    specs.push((name, spec));
                }
            }
        }
    }
    // The same file spec may be listed twice (name tree and /AF): keep one per name.
    specs.sort_by(|a, b| a.0.cmp(&b.0));
    specs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let ours: Vec<&Spec> = specs
        .iter()
        // Exactly as Tweevoud names it: `X.TWEEVOUD` is another file (names are case-sensitive).
        .filter(|(name, _)| name.ends_with(".tweevoud"))
        .collect();
    let (name, spec) = match ours.as_slice() {
        [] => return Err(PdfError::NoAgreement),
        [one] => *one,
        more => return Err(PdfError::SeveralAgreements(more.len())),
    };
    let json = attachment(pdf, name, spec)?;
    let info = match optional(pdf, pdf.trailer.get(b"Info"))? {
        Some(Value::Dict(d)) => Some(d),
        _ => None,
    };
    let text = |key: &str| -> Result<Option<String>, PdfError> {
        Ok(
            match optional(pdf, info.as_ref().and_then(|d| d.get(key.as_bytes())))? {
                Some(Value::Str(b)) => Some(String::from_utf8_lossy(&b).into_owned()),
                _ => None,
            },
        )
    };
    Ok(Embedded {
        name: name.clone(),
        json,
        exemplar: text(EXEMPLAR_KEY)?,
        renderer: text(RENDERER_KEY)?,
    })
}

/// The value an optional entry refers to.
fn optional(pdf: &Pdf<'_>, value: Option<&Value>) -> Result<Option<Value>, PdfError> {
    value.map(|v| pdf.resolve(v)).transpose().map_err(malformed)
}

fn too_many() -> PdfError {
    PdfError::Malformed(format!(
        "it lists more than {MAX_TREE_ENTRIES} embedded files; an exemplar lists one"
    ))
}

/// The agreement file's text: the embedded file stream of `spec`, stored as it is or with
/// `/FlateDecode`, inflated a piece at a time to at most [`MAX_AGREEMENT_BYTES`] (whatever
/// the PDF says its size is).
fn attachment(pdf: &Pdf<'_>, name: &str, spec: &Dict) -> Result<String, PdfError> {
    let fail = |why: &str| PdfError::Attachment(format!("{name}: {why}"));
    let ef = match optional(pdf, spec.get(b"EF"))? {
        Some(Value::Dict(ef)) => ef,
        _ => return Err(fail("it has no embedded file stream")),
    };
    let (dict, range) = match optional(pdf, ef.get(b"F").or_else(|| ef.get(b"UF")))? {
        Some(Value::Stream(dict, range)) => (dict, range),
        _ => return Err(fail("it has no embedded file stream")),
    };
    let data = pdf.data(&range);
    let flate = Value::Name(b"FlateDecode".to_vec());
    let deflated = match dict.get(b"Filter") {
        None => false,
        Some(f) if *f == flate => true,
        Some(Value::Array(fs)) if fs.as_slice() == [flate.clone()] => true,
        Some(Value::Array(fs)) if fs.is_empty() => false,
        Some(_) => return Err(fail("it is encoded with a filter Tweevoud does not write")),
    };
    if dict.has(b"DecodeParms") {
        return Err(fail(
            "it is encoded with parameters Tweevoud does not write",
        ));
    }
    let limit = MAX_AGREEMENT_BYTES;
    let content = if deflated {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(data)
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| fail(&format!("it does not inflate: {e}")))?;
        out
    } else {
        data.to_vec()
    };
    if content.len() as u64 > limit {
        return Err(fail(&format!(
            "it is larger than {limit} bytes; an agreement file is far smaller"
        )));
    }
    String::from_utf8(content).map_err(|_| fail("it is not UTF-8 text"))
}
/// A file specification's name: `/UF` (a text string) or `/F`.
fn spec_name(spec: &Dict) -> Option<String> {
    match spec.get(b"UF").or_else(|| spec.get(b"F"))? {
        Value::Str(raw) => Some(decode_text(raw)),
        _ => None,
    }
}

/// A PDF text string: UTF-16BE after a byte-order mark, or (close enough for file names)
/// PDFDocEncoding read as Latin-1.
fn decode_text(raw: &[u8]) -> String {
    match raw.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => raw.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Collects the file specifications of a name tree: at most [`MAX_TREE_DEPTH`] deep, at most
/// [`MAX_TREE_ENTRIES`] nodes read and entries found.
fn name_tree(
    pdf: &Pdf<'_>,
    node: &Dict,
    depth: usize,
    nodes: &mut usize,
    out: &mut Vec<Spec>,
) -> Result<(), PdfError> {
    *nodes += 1;
    if depth > MAX_TREE_DEPTH || *nodes > MAX_TREE_ENTRIES {
        return Err(PdfError::Malformed(format!(
            "its embedded-files name tree is more than {MAX_TREE_DEPTH} deep or has more than \
             {MAX_TREE_ENTRIES} nodes; an exemplar's has one"
        )));
    }
    if let Some(Value::Array(names)) = optional(pdf, node.get(b"Names"))? {
        if names.len() > 2 * MAX_TREE_ENTRIES {
            return Err(too_many());
        }
        for pair in names.chunks(2) {
            if let [key, value] = pair {
                let key = match pdf.resolve(key).map_err(malformed)? {
                    Value::Str(k) => decode_text(&k),
                    _ => continue,
                };
                if let Value::Dict(spec) = pdf.resolve(value).map_err(malformed)? {
                    if out.len() >= MAX_TREE_ENTRIES {
                        return Err(too_many());
                    }
                    let name = spec_name(&spec).unwrap_or(key);
                    out.push((name, spec));
                }
            }
        }
    }
    if let Some(Value::Array(kids)) = optional(pdf, node.get(b"Kids"))? {
        for kid in &kids {
            if let Value::Dict(kid) = pdf.resolve(kid).map_err(malformed)? {
                name_tree(pdf, &kid, depth + 1, nodes, out)?;
            }
        }
    }
    Ok(())
}
