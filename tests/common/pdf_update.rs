//! Incremental updates written by hand, as another program would append them to an exemplar:
//! for the tests of what an update may do (tests/foreign_signature.rs) and the vectors of
//! what it may not (tests/vectors.rs).

/// The object number of page 1's content stream.
pub fn content_object(pdf: &[u8]) -> u32 {
    let text = String::from_utf8_lossy(pdf);
    let page = text.find("/Type/Page/").unwrap();
    let at = text[page..].find("/Contents ").unwrap() + page + "/Contents ".len();
    text[at..].split(' ').next().unwrap().parse().unwrap()
}

/// `pdf` with a classic incremental update writing `objects`, its trailer the last one's
/// (`/Root`, `/Info`, `/ID`) with `/Prev` set.
pub fn append_update(pdf: &[u8], objects: &[(u32, String)]) -> Vec<u8> {
    let text = String::from_utf8_lossy(pdf).into_owned();
    let prev_at = text.rfind("startxref").unwrap() + "startxref".len();
    let prev: usize = text[prev_at..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let trailer_at = text.rfind("trailer").unwrap() + "trailer".len();
    let trailer = text[trailer_at..text.rfind("startxref").unwrap()].trim();
    let root = field(trailer, "/Root");
    let info = field(trailer, "/Info");
    let id = &trailer[trailer.find("/ID").unwrap()..];
    let id = &id[..id.find(']').unwrap() + 1];
    let size = objects.iter().map(|(n, _)| n + 1).max().unwrap().max(100);
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut xref = String::from("xref\n0 1\n0000000000 65535 f \n");
    for (num, body) in objects {
        xref.push_str(&format!("{num} 1\n{:010} 00000 n \n", out.len()));
        out.extend(format!("{num} 0 obj\n{body}\nendobj\n").as_bytes());
    }
    let at = out.len();
    out.extend(xref.as_bytes());
    out.extend(
        format!(
            "trailer\n<</Size {size}/Root {root} 0 R/Info {info} 0 R{id}/Prev {prev}>>\nstartxref\n{at}\n%%EOF\n"
        )
        .as_bytes(),
    );
    out
}

/// The object number after `key` in a trailer (`/Root 26 0 R`).
fn field(trailer: &str, key: &str) -> u32 {
    let at = trailer.find(key).unwrap() + key.len();
    trailer[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The object number of page 1 and its dictionary as written.
pub fn page_1(pdf: &[u8]) -> (u32, String) {
    let text = String::from_utf8_lossy(pdf);
    let page = text.find("/Type/Page/").unwrap();
    let obj = text[..page].rfind(" 0 obj").unwrap();
    let line = text[..obj].rfind('\n').unwrap() + 1;
    let num = text[line..obj].parse().unwrap();
    let start = text[obj..].find("<<").unwrap() + obj;
    let end = text[start..].find("\nendobj").unwrap() + start;
    (num, text[start..end].to_string())
}

/// `pdf` with an update that adds a signature whose widget is shown (a box of 200 by 100 on
/// page 1): not one that only adds a signature. Its /Contents is zeros: the update is refused
/// before any signature is checked.
pub fn with_visible_signature_widget(pdf: &[u8]) -> Vec<u8> {
    let (page, dict) = page_1(pdf);
    assert!(dict.contains("/Annots[]"), "page 1 has no annotations");
    let page_again = dict.replace("/Annots[]", "/Annots[900 0 R]");
    append_update(
        pdf,
        &[
            (page, page_again),
            (
                900,
                format!("<</Type/Annot/Subtype/Widget/FT/Sig/T(Stamp)/F 4/Rect[100 100 300 200]/P {page} 0 R/V 901 0 R>>"),
            ),
            (
                901,
                format!(
                    "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/adbe.pkcs7.detached/ByteRange[0 0 0 0]/Contents<{}>>>",
                    "00".repeat(64)
                ),
            ),
        ],
    )
}
