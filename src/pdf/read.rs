//! Reading an exemplar PDF back: the agreement file inside it and which exemplar it says it
//! is. PDFs come from anywhere, so everything is bounded: the file's size, every stream's
//! decompressed size, the depth of the name tree, and the parser itself (a panic in it is
//! turned into an error).

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use lopdf::{Dictionary, Document, LoadOptions, Object};

use super::write::{EXEMPLAR_KEY, RENDERER_KEY};
use super::{PdfError, MAX_PDF_BYTES};
use crate::agreement::MAX_AGREEMENT_BYTES;

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

/// Whether the file at `path` starts like a PDF.
pub fn is_pdf_file(path: &Path) -> std::io::Result<bool> {
    let mut head = [0u8; 5];
    let mut file = std::fs::File::open(path)?;
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(is_pdf(&head[..read]))
}

/// Takes the agreement file out of an exemplar PDF.
///
/// The agreement file is the one embedded file whose name ends in `.tweevoud` (in the
/// `/EmbeddedFiles` name tree of the catalog, or among the catalog's associated files `/AF`).
pub fn embedded_agreement(bytes: &[u8]) -> Result<Embedded, PdfError> {
    if bytes.len() as u64 > MAX_PDF_BYTES {
        return Err(PdfError::TooLarge);
    }
    if !is_pdf(bytes) {
        return Err(PdfError::NotPdf);
    }
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_PDF_BYTES as usize),
        ..LoadOptions::default()
    };
    let doc = catch_unwind(AssertUnwindSafe(|| {
        Document::load_mem_with_options(bytes, options)
    }))
    .map_err(|_| PdfError::Malformed("its structure makes the PDF reader fail".to_string()))?
    .map_err(|e| PdfError::Malformed(e.to_string()))?;
    catch_unwind(AssertUnwindSafe(|| read_document(&doc))).unwrap_or_else(|_| {
        Err(PdfError::Malformed(
            "its structure makes the PDF reader fail".to_string(),
        ))
    })
}

fn read_document(doc: &Document) -> Result<Embedded, PdfError> {
    let catalog = doc
        .catalog()
        .map_err(|e| PdfError::Malformed(format!("no document catalog: {e}")))?;
    let mut specs: Vec<(String, Dictionary)> = Vec::new();
    if let Some(tree) = catalog
        .get(b"Names")
        .ok()
        .and_then(|o| resolve_dict(doc, o))
        .and_then(|names| names.get(b"EmbeddedFiles").ok())
        .and_then(|o| resolve_dict(doc, o))
    {
        name_tree(doc, tree, 0, &mut specs)?;
    }
    if let Some(af) = catalog.get(b"AF").ok().and_then(|o| resolve(doc, o)) {
        if let Ok(list) = af.as_array() {
            for o in list.iter().take(1000) {
                if let Some(spec) = resolve_dict(doc, o) {
                    if let Some(name) = spec_name(spec) {
                        specs.push((name, spec.clone()));
                    }
                }
            }
        }
    }
    // The same file spec may be listed twice (name tree and /AF): keep one per name.
    specs.sort_by(|a, b| a.0.cmp(&b.0));
    specs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let ours: Vec<&(String, Dictionary)> = specs
        .iter()
        .filter(|(name, _)| name.to_ascii_lowercase().ends_with(".tweevoud"))
        .collect();
    let (name, spec) = match ours.as_slice() {
        [] => return Err(PdfError::NoAgreement),
        [one] => *one,
        more => return Err(PdfError::SeveralAgreements(more.len())),
    };
    let stream = spec
        .get(b"EF")
        .ok()
        .and_then(|o| resolve_dict(doc, o))
        .and_then(|ef| ef.get(b"F").or_else(|_| ef.get(b"UF")).ok())
        .and_then(|o| resolve(doc, o))
        .and_then(|o| o.as_stream().ok())
        .ok_or_else(|| PdfError::Attachment(format!("{name} has no embedded file stream")))?;
    let content = stream
        .get_plain_content_with_limit(MAX_AGREEMENT_BYTES as usize)
        .map_err(|e| PdfError::Attachment(format!("{name}: {e}")))?;
    let json = String::from_utf8(content)
        .map_err(|_| PdfError::Attachment(format!("{name} is not UTF-8 text")))?;
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| resolve_dict(doc, o));
    let text = |key: &str| -> Option<String> {
        info.and_then(|d| d.get(key.as_bytes()).ok())
            .and_then(|o| resolve(doc, o))
            .and_then(|o| o.as_str().ok())
            .map(|b| String::from_utf8_lossy(b).into_owned())
    };
    Ok(Embedded {
        name: name.clone(),
        json,
        exemplar: text(EXEMPLAR_KEY),
        renderer: text(RENDERER_KEY),
    })
}

/// Follows references, a few at most.
fn resolve<'a>(doc: &'a Document, mut o: &'a Object) -> Option<&'a Object> {
    for _ in 0..8 {
        match o {
            Object::Reference(id) => o = doc.get_object(*id).ok()?,
            _ => return Some(o),
        }
    }
    None
}

fn resolve_dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    resolve(doc, o).and_then(|o| o.as_dict().ok())
}

/// A file specification's name: `/UF` (a text string) or `/F`.
fn spec_name(spec: &Dictionary) -> Option<String> {
    let raw = spec
        .get(b"UF")
        .or_else(|_| spec.get(b"F"))
        .ok()?
        .as_str()
        .ok()?;
    Some(decode_text(raw))
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

/// Collects the file specifications of a name tree, to a bounded depth and size.
fn name_tree(
    doc: &Document,
    node: &Dictionary,
    depth: usize,
    out: &mut Vec<(String, Dictionary)>,
) -> Result<(), PdfError> {
    if depth > 8 || out.len() > 1000 {
        return Err(PdfError::Malformed(
            "the embedded-files name tree is too deep or too large".to_string(),
        ));
    }
    if let Some(names) = node
        .get(b"Names")
        .ok()
        .and_then(|o| resolve(doc, o))
        .and_then(|o| o.as_array().ok())
    {
        for pair in names.chunks(2) {
            if let [key, value] = pair {
                let key = resolve(doc, key)
                    .and_then(|k| k.as_str().ok())
                    .map(decode_text);
                if let (Some(key), Some(spec)) = (key, resolve_dict(doc, value)) {
                    let name = spec_name(spec).unwrap_or(key);
                    out.push((name, spec.clone()));
                }
            }
        }
    }
    if let Some(kids) = node
        .get(b"Kids")
        .ok()
        .and_then(|o| resolve(doc, o))
        .and_then(|o| o.as_array().ok())
    {
        for kid in kids.iter().take(1000) {
            if let Some(kid) = resolve_dict(doc, kid) {
                name_tree(doc, kid, depth + 1, out)?;
            }
        }
    }
    Ok(())
}
