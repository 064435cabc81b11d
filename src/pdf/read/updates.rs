//! Incremental updates another program appended after Tweevoud's revisions (docs/pdf.md,
//! "Other tools' signatures"): each is read within bounds and accepted only when all it does
//! is add a signature, changing nothing a reader is shown. What it adds is then a signature
//! to check (`sealed`), not a change to the exemplar.
//!
//! An update is accepted when it is one classic cross-reference section whose objects tile
//! the bytes between the previous revision's `%%EOF` and its `xref`, its trailer keeps the
//! previous `/Root`, `/Info` and first `/ID`, and every object it writes is one of:
//! - a new signature dictionary (`/Type /Sig`, `adbe.pkcs7.detached` or
//!   `ETSI.CAdES.detached`), the value of
//! - a new invisible signature widget (`/FT /Sig`, a zero-area `/Rect` of integers, or the
//!   hidden or no-view flag), added to a page's `/Annots` and to the `/AcroForm`'s `/Fields`;
//! - a page again with only its `/Annots` grown by such widgets (or the array it points to);
//! - the `/AcroForm` again with only its `/Fields` grown and its `/SigFlags` set;
//! - the catalog again with only `/AcroForm` (the same), `/DSS`, `/Extensions`, `/Version`
//!   and `/Metadata` added or changed;
//! - `/Info` again with only its dates and `/Producer` changed (its other text the same,
//!   whatever the string encoding);
//! - the XMP `/Metadata` stream, the `/DSS` and what hangs from it, a widget's appearance
//!   (`/AP`) and the `/Extensions`: new objects reached only from these, which nothing
//!   shows.
//!
//! Anything else (a changed content stream, a visible widget, a new page, an object deleted,
//! bytes between objects) is refused with the reason.

use std::ops::Range;

use super::syntax::{Dict, Pdf, Refused, Section, Value, MAX_SECTIONS};

/// Most updates read after Tweevoud's revisions (every revision is a cross-reference section,
/// and a PDF has at most [`MAX_SECTIONS`]).
pub(crate) const MAX_UPDATES: usize = MAX_SECTIONS - 1;
/// Most objects one update may write. A signature writes about eight.
pub(crate) const MAX_UPDATE_OBJECTS: usize = 256;
/// The largest `/Contents` of a signature read, in bytes.
pub(crate) const MAX_SIGNATURE_BYTES: usize = 64 << 10;
/// How deep a page tree is walked to find the pages. Tweevoud's has one level.
const MAX_PAGE_TREE_DEPTH: usize = 8;
/// The most entries of a dictionary an update writes again (a catalog, a page, `/Info`) that
/// are compared with the old one. Tweevoud's have at most a dozen.
const MAX_COMPARED_KEYS: usize = 64;

/// Annotation flags (ISO 32000-1, 12.5.3) that keep an annotation from being shown.
const ANNOT_HIDDEN: i64 = 1 << 1;
const ANNOT_NO_VIEW: i64 = 1 << 5;

/// A signature another program appended, as its update writes it; its CMS is not checked
/// here.
#[derive(Debug, Clone)]
pub(crate) struct Appended {
    /// Its field's name (`/T`), if it has one.
    pub(crate) field: Option<String>,
    /// The bytes of its `/Contents` (the CMS, and the zeros after it).
    pub(crate) contents: Vec<u8>,
    /// The two ranges of the file its `/ByteRange` covers: from the start to its
    /// `/Contents`, and from after it to the end of its revision.
    pub(crate) signed: [Range<usize>; 2],
    /// Its `/M`, as written.
    pub(crate) time: Option<String>,
}

fn refused(why: impl Into<String>) -> Refused {
    Refused(why.into())
}

fn is_white(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

/// Reads the updates after Tweevoud's revisions, which end at `ours_end`, and returns the
/// signatures they add; refused when one of them does anything else (or is beyond bounds).
pub(crate) fn appended(bytes: &[u8], ours_end: usize) -> Result<Vec<Appended>, Refused> {
    let (mut sections, mut spent) = Pdf::sections(bytes)?;
    sections.reverse();
    let ours = sections.iter().filter(|s| s.at < ours_end).count();
    if ours == 0 || ours == sections.len() {
        return Err(refused(
            "its last cross-reference section is not after Tweevoud's revisions",
        ));
    }
    if sections.len() - ours > MAX_UPDATES {
        return Err(refused(format!(
            "it has more than {MAX_UPDATES} updates after Tweevoud's"
        )));
    }
    let mut found = Vec::new();
    let mut start = ours_end;
    for index in ours..sections.len() {
        let section = &sections[index];
        let end = revision_end(bytes, section)?;
        let last = index + 1 == sections.len();
        if last != (end == bytes.len()) {
            return Err(refused("an update does not end where the next one starts"));
        }
        let before = Pdf::layered(bytes, &sections[..index], spent);
        let after = Pdf::layered(bytes, &sections[..=index], before.spent());
        let update = Update {
            bytes,
            start,
            end,
            section,
            before: &before,
            after: &after,
            previous_xref: sections[index - 1].at,
        };
        found.extend(update.read()?);
        spent = after.spent();
        start = end;
    }
    Ok(found)
}

/// Where the revision of `section` ends: after its trailer, `startxref`, its own offset,
/// `%%EOF`, and one end of line if there is one.
fn revision_end(bytes: &[u8], section: &Section) -> Result<usize, Refused> {
    let bad = || refused("an update does not end with startxref, its offset and %%EOF");
    let mut at = section.end;
    let skip = |at: &mut usize| {
        while bytes.get(*at).copied().is_some_and(is_white) {
            *at += 1;
        }
    };
    skip(&mut at);
    if !bytes[at..].starts_with(b"startxref") {
        return Err(bad());
    }
    at += b"startxref".len();
    skip(&mut at);
    let digits = bytes[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let offset: usize = std::str::from_utf8(&bytes[at..at + digits])
        .ok()
        .and_then(|d| d.parse().ok())
        .ok_or_else(bad)?;
    if offset != section.at {
        return Err(bad());
    }
    at += digits;
    skip(&mut at);
    if !bytes[at..].starts_with(b"%%EOF") {
        return Err(bad());
    }
    at += b"%%EOF".len();
    match bytes.get(at..at + 2) {
        Some(b"\r\n") => Ok(at + 2),
        _ if matches!(bytes.get(at), Some(b'\n' | b'\r')) => Ok(at + 1),
        _ => Ok(at),
    }
}

/// One update, between the revision `before` and the revision `after`.
struct Update<'u, 'a> {
    bytes: &'a [u8],
    /// Where its bytes start (the end of the previous revision) and end.
    start: usize,
    end: usize,
    section: &'u Section,
    before: &'u Pdf<'a>,
    after: &'u Pdf<'a>,
    previous_xref: usize,
}

/// The objects of the previous revision an update may write again.
struct Roles {
    catalog: u32,
    form: Option<u32>,
    info: Option<u32>,
    metadata: Option<u32>,
    dss: Option<u32>,
    /// The arrays (as objects of their own) that are a page's `/Annots` or the `/Fields`.
    lists: Vec<u32>,
}

/// What an update's changed objects let it add.
#[derive(Default)]
struct Added {
    /// New objects named as new items of `/Annots` or `/Fields`: widgets.
    widgets: Vec<u32>,
    /// Values from which what is reached is not shown (metadata, DSS, appearances,
    /// extensions).
    unshown: Vec<Value>,
}

fn reference(value: Option<&Value>) -> Option<u32> {
    match value {
        Some(Value::Ref(n, _)) => Some(*n),
        _ => None,
    }
}

fn int(value: Option<&Value>) -> Option<i64> {
    match value {
        Some(Value::Int(n)) => Some(*n),
        _ => None,
    }
}

fn name_is(value: Option<&Value>, name: &[u8]) -> bool {
    matches!(value, Some(Value::Name(n)) if n == name)
}

/// The keys whose values differ between two dictionaries (added, removed or changed).
fn changed_keys<'d>(old: &'d Dict, new: &'d Dict) -> Vec<&'d [u8]> {
    let mut keys: Vec<&[u8]> = Vec::new();
    for (k, _) in old.entries().iter().chain(new.entries()) {
        if old.get(k) != new.get(k) && !keys.contains(&k.as_slice()) {
            keys.push(k);
        }
    }
    keys
}

/// A PDF text string (ISO 32000-1, 7.9.2.2): UTF-16BE after its byte-order mark, else
/// PDFDocEncoding (Latin-1 but for the characters of D.2 below, and undefined codes kept as
/// U+FFFD), so that the same text written either way compares equal.
fn text(raw: &[u8]) -> String {
    if let Some(utf16) = raw.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks(2)
            .map(|p| u16::from_be_bytes([p[0], p.get(1).copied().unwrap_or(0)]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    const FROM_0X18: [char; 8] = ['˘', 'ˇ', 'ˆ', '˙', '˝', '˛', '˚', '˜'];
    const FROM_0X80: [char; 33] = [
        '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘', '’', '‚',
        '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', '\u{FFFD}', '€',
    ];
    raw.iter()
        .map(|&b| match b {
            0x18..=0x1F => FROM_0X18[usize::from(b - 0x18)],
            0x80..=0xA0 => FROM_0X80[usize::from(b - 0x80)],
            0x7F | 0xAD => '\u{FFFD}',
            _ => char::from(b),
        })
        .collect()
}

impl<'a> Update<'_, 'a> {
    fn read(&self) -> Result<Vec<Appended>, Refused> {
        let entries = &self.section.entries;
        if entries.len() > MAX_UPDATE_OBJECTS + 1 {
            return Err(refused(format!(
                "an update writes more than {MAX_UPDATE_OBJECTS} objects"
            )));
        }
        self.check_trailer()?;
        // Every object in the update's bytes, one after the other with only white space
        // between; none removed.
        let mut spans: Vec<(usize, u32)> = Vec::new();
        for &(num, entry) in entries {
            match entry {
                None if num == 0 => {}
                None => return Err(refused(format!("an update removes object {num}"))),
                Some((at, _)) if num == 0 => {
                    return Err(refused(format!("an update writes object 0 at {at}")))
                }
                Some((at, _)) if at < self.start || at >= self.section.at => {
                    return Err(refused(format!(
                        "an update points object {num} outside its own bytes"
                    )))
                }
                Some((at, _)) => spans.push((at, num)),
            }
        }
        spans.sort_unstable();
        let mut at = self.start;
        for &(offset, num) in &spans {
            if offset < at || !self.bytes[at..offset].iter().all(|&b| is_white(b)) {
                return Err(refused("an update has bytes that are not its objects"));
            }
            let (_, end) = self.after.object_and_end(num)?;
            at = end;
        }
        if at > self.section.at || !self.bytes[at..self.section.at].iter().all(|&b| is_white(b)) {
            return Err(refused("an update has bytes that are not its objects"));
        }
        let written: Vec<u32> = spans.iter().map(|&(_, n)| n).collect();
        let is_new = |n: u32| written.contains(&n) && !self.before.has_object(n);

        let roles = self.roles()?;
        let mut added = Added::default();
        for &num in &written {
            if self.before.has_object(num) {
                self.changed(num, &roles, &is_new, &mut added)?;
            }
        }
        // The new objects: the widgets and their signature dictionaries, then whatever only
        // unshown parts reach.
        let mut accepted: Vec<u32> = Vec::new();
        let mut found = Vec::new();
        for &widget in &added.widgets {
            if accepted.contains(&widget) {
                continue;
            }
            let (field, sig, appearance) = self.widget(widget, &is_new)?;
            accepted.push(widget);
            if let Some(ap) = appearance {
                added.unshown.push(ap);
            }
            if !accepted.contains(&sig) {
                accepted.push(sig);
                found.push(self.signature(sig, field)?);
            }
        }
        let mut queue = std::mem::take(&mut added.unshown);
        while let Some(value) = queue.pop() {
            match value {
                Value::Ref(n, _) if is_new(n) && !accepted.contains(&n) => {
                    accepted.push(n);
                    queue.push(self.after.object(n)?);
                }
                Value::Array(items) => queue.extend(items),
                Value::Dict(d) | Value::Stream(d, _) => {
                    queue.extend(d.entries().iter().map(|(_, v)| v.clone()))
                }
                _ => {}
            }
        }
        if let Some(&num) = written
            .iter()
            .find(|&&n| is_new(n) && !accepted.contains(&n))
        {
            return Err(refused(format!(
                "an update adds object {num}, which is not part of a signature"
            )));
        }
        Ok(found)
    }

    fn check_trailer(&self) -> Result<(), Refused> {
        let (old, new) = (&self.before.trailer, &self.section.trailer);
        if int(new.get(b"Prev")) != i64::try_from(self.previous_xref).ok() {
            return Err(refused(
                "an update's /Prev is not the previous cross-reference section",
            ));
        }
        for key in [&b"Root"[..], b"Info"] {
            if old.get(key) != new.get(key) {
                return Err(refused(format!(
                    "an update changes the trailer's /{}",
                    String::from_utf8_lossy(key)
                )));
            }
        }
        let first_id = |d: &Dict| match d.get(b"ID") {
            Some(Value::Array(ids)) => ids.first().cloned(),
            _ => None,
        };
        if first_id(old) != first_id(new) {
            return Err(refused("an update changes the file's first /ID"));
        }
        Ok(())
    }

    /// The roles of the previous revision's objects, found from its trailer and catalog.
    fn roles(&self) -> Result<Roles, Refused> {
        let old = self.before;
        let catalog = reference(old.trailer.get(b"Root"))
            .ok_or_else(|| refused("the trailer's /Root is not a reference"))?;
        let Value::Dict(cat) = old.object(catalog)? else {
            return Err(refused("the catalog is not a dictionary"));
        };
        let form = reference(cat.get(b"AcroForm"));
        let mut lists = Vec::new();
        if let Some(form) = form {
            if let Value::Dict(f) = old.object(form)? {
                lists.extend(reference(f.get(b"Fields")));
            }
        }
        let mut pages = Vec::new();
        if let Some(root) = cat.get(b"Pages") {
            self.pages(root, 0, &mut pages)?;
        }
        for page in &pages {
            lists.extend(reference(page.get(b"Annots")));
        }
        Ok(Roles {
            catalog,
            form,
            info: reference(old.trailer.get(b"Info")),
            metadata: reference(cat.get(b"Metadata")),
            dss: reference(cat.get(b"DSS")),
            lists,
        })
    }

    /// The pages of the previous revision's page tree under `node`.
    fn pages(&self, node: &Value, depth: usize, out: &mut Vec<Dict>) -> Result<(), Refused> {
        if depth > MAX_PAGE_TREE_DEPTH {
            return Err(refused(format!(
                "its page tree is more than {MAX_PAGE_TREE_DEPTH} deep"
            )));
        }
        let Value::Dict(d) = self.before.resolve(node)? else {
            return Ok(());
        };
        if name_is(d.get(b"Type"), b"Pages") {
            if let Some(Value::Array(kids)) = d.get(b"Kids") {
                for kid in kids {
                    self.pages(kid, depth + 1, out)?;
                }
            }
        } else {
            out.push(d);
        }
        Ok(())
    }

    /// Checks an object of the previous revision that the update writes again.
    fn changed(
        &self,
        num: u32,
        roles: &Roles,
        is_new: &dyn Fn(u32) -> bool,
        added: &mut Added,
    ) -> Result<(), Refused> {
        let old = self.before.object(num)?;
        let new = self.after.object(num)?;
        if old == new {
            return Ok(());
        }
        let too_many =
            |v: &Value| matches!(v, Value::Dict(d) if d.entries().len() > MAX_COMPARED_KEYS);
        if too_many(&old) || too_many(&new) {
            return Err(refused(format!(
                "an update writes object {num} again with more than {MAX_COMPARED_KEYS} entries"
            )));
        }
        let shown = || refused(format!("an update changes object {num}, which is shown"));
        match (&old, &new) {
            (Value::Dict(o), Value::Dict(n)) if num == roles.catalog => {
                for key in changed_keys(o, n) {
                    match key {
                        b"DSS" | b"Metadata" => added.unshown.extend(n.get(key).cloned()),
                        b"Extensions" => added.unshown.extend(n.get(key).cloned()),
                        b"Version" if matches!(n.get(key), Some(Value::Name(_))) => {}
                        _ => return Err(shown()),
                    }
                }
                if let Some(Value::Ref(m, _)) = n.get(b"Metadata") {
                    if !is_new(*m) && Some(*m) != roles.metadata {
                        return Err(shown());
                    }
                }
            }
            (Value::Dict(o), Value::Dict(n)) if Some(num) == roles.form => {
                for key in changed_keys(o, n) {
                    match key {
                        b"Fields" => self.grown(o.get(key), n.get(key), is_new, added)?,
                        b"SigFlags" if int(n.get(key)).is_some_and(|f| (0..=3).contains(&f)) => {}
                        _ => return Err(shown()),
                    }
                }
            }
            (Value::Dict(o), Value::Dict(n)) if Some(num) == roles.info => {
                for key in changed_keys(o, n) {
                    let same_text = match (o.get(key), n.get(key)) {
                        (Some(Value::Str(a)), Some(Value::Str(b))) => text(a) == text(b),
                        _ => false,
                    };
                    let dated = matches!(key, b"ModDate" | b"CreationDate" | b"Producer")
                        && matches!(n.get(key), Some(Value::Str(_)));
                    if !same_text && !dated {
                        return Err(shown());
                    }
                }
            }
            (_, Value::Stream(d, _))
                if Some(num) == roles.metadata && name_is(d.get(b"Type"), b"Metadata") => {}
            (_, Value::Dict(_)) if Some(num) == roles.dss => added.unshown.push(new.clone()),
            (Value::Dict(o), Value::Dict(n)) if name_is(o.get(b"Type"), b"Page") => {
                for key in changed_keys(o, n) {
                    match key {
                        b"Annots" => self.grown(o.get(key), n.get(key), is_new, added)?,
                        _ => return Err(shown()),
                    }
                }
            }
            (Value::Array(o), Value::Array(n)) if roles.lists.contains(&num) => {
                self.grown_items(o, n, is_new, added)?;
            }
            _ => return Err(shown()),
        }
        Ok(())
    }

    /// An `/Annots` or `/Fields` entry written again: the same reference (the array object
    /// itself is checked where it is written), or an array that is the old items and new
    /// widgets after them.
    fn grown(
        &self,
        old: Option<&Value>,
        new: Option<&Value>,
        is_new: &dyn Fn(u32) -> bool,
        added: &mut Added,
    ) -> Result<(), Refused> {
        let items = |v: Option<&Value>, pdf: &Pdf<'_>| -> Result<Vec<Value>, Refused> {
            match v.map(|v| pdf.resolve(v)).transpose()? {
                None => Ok(Vec::new()),
                Some(Value::Array(items)) => Ok(items),
                Some(_) => Err(refused("an /Annots or /Fields is not an array")),
            }
        };
        match (old, new) {
            (Some(Value::Ref(a, _)), Some(Value::Ref(b, _))) if a == b => Ok(()),
            (_, Some(Value::Ref(..))) => Err(refused(
                "an update points /Annots or /Fields to another array",
            )),
            _ => {
                let old_items = items(old, self.before)?;
                let new_items = items(new, self.after)?;
                self.grown_items(&old_items, &new_items, is_new, added)
            }
        }
    }

    fn grown_items(
        &self,
        old: &[Value],
        new: &[Value],
        is_new: &dyn Fn(u32) -> bool,
        added: &mut Added,
    ) -> Result<(), Refused> {
        if !new.starts_with(old) {
            return Err(refused("an update takes an item out of /Annots or /Fields"));
        }
        for item in &new[old.len()..] {
            match item {
                Value::Ref(n, _) if is_new(*n) => added.widgets.push(*n),
                _ => {
                    return Err(refused(
                        "an update adds to /Annots or /Fields something it does not write",
                    ))
                }
            }
        }
        Ok(())
    }

    /// A new widget: a signature field merged with its widget, not shown. Its field name,
    /// its signature dictionary, and its appearance (if any).
    fn widget(
        &self,
        num: u32,
        is_new: &dyn Fn(u32) -> bool,
    ) -> Result<(Option<String>, u32, Option<Value>), Refused> {
        let Value::Dict(w) = self.after.object(num)? else {
            return Err(refused(format!("object {num} is not a widget")));
        };
        let not_sig = || refused(format!("object {num} is not a signature widget"));
        if !name_is(w.get(b"Subtype"), b"Widget")
            || !name_is(w.get(b"FT"), b"Sig")
            || w.has(b"Kids")
            || w.has(b"Parent")
        {
            return Err(not_sig());
        }
        let hidden = int(w.get(b"F")).is_some_and(|f| f & (ANNOT_HIDDEN | ANNOT_NO_VIEW) != 0);
        let zero_area = match w.get(b"Rect") {
            Some(Value::Array(r)) => match r.as_slice() {
                [Value::Int(x1), Value::Int(y1), Value::Int(x2), Value::Int(y2)] => {
                    x1 == x2 || y1 == y2
                }
                _ => false,
            },
            _ => false,
        };
        if !hidden && !zero_area {
            return Err(refused(format!(
                "object {num} is a signature widget that is shown"
            )));
        }
        let sig = match reference(w.get(b"V")) {
            Some(sig) if is_new(sig) => sig,
            _ => {
                return Err(refused(format!(
                    "the widget {num} has no new signature as its value"
                )))
            }
        };
        let field = match w.get(b"T") {
            Some(Value::Str(t)) => Some(text(t)),
            _ => None,
        };
        Ok((field, sig, w.get(b"AP").cloned()))
    }

    /// A new signature dictionary: its `/Contents` and its `/ByteRange`, which must cover the
    /// whole revision but its `/Contents`.
    fn signature(&self, num: u32, field: Option<String>) -> Result<Appended, Refused> {
        let (value, object_end) = self.after.object_and_end(num)?;
        let Value::Dict(sig) = value else {
            return Err(refused(format!(
                "object {num} is not a signature dictionary"
            )));
        };
        let bad = |why: &str| refused(format!("the signature dictionary {num} {why}"));
        if !name_is(sig.get(b"Type"), b"Sig") && sig.has(b"Type") {
            return Err(bad("is not of /Type /Sig"));
        }
        let detached = [&b"adbe.pkcs7.detached"[..], b"ETSI.CAdES.detached"];
        if !detached.iter().any(|f| name_is(sig.get(b"SubFilter"), f)) {
            return Err(bad("is not a detached CMS signature"));
        }
        let contents = match sig.get(b"Contents") {
            Some(Value::Str(c)) if c.len() <= MAX_SIGNATURE_BYTES => c.clone(),
            Some(Value::Str(_)) => {
                return Err(bad(&format!(
                    "has a /Contents larger than {MAX_SIGNATURE_BYTES} bytes"
                )))
            }
            _ => return Err(bad("has no /Contents")),
        };
        let range: Vec<usize> = match sig.get(b"ByteRange") {
            Some(Value::Array(r)) => r
                .iter()
                .map(|v| int(Some(v)).and_then(|n| usize::try_from(n).ok()))
                .collect::<Option<Vec<usize>>>()
                .ok_or_else(|| bad("has a /ByteRange that is not four offsets"))?,
            _ => return Err(bad("has no /ByteRange")),
        };
        let [0, lt, after, rest] = range[..] else {
            return Err(bad("has a /ByteRange that is not [0 a b c]"));
        };
        // `<` at `lt`, `>` right before `after`, the hex between them the /Contents, all
        // inside the signature dictionary; and the range ends with the revision.
        let object_start = self.section.entries.iter().find_map(|&(n, e)| match e {
            Some((at, _)) if n == num => Some(at),
            _ => None,
        });
        let inside = object_start.is_some_and(|s| s < lt) && after < object_end && lt < after;
        let hex_is_contents = inside
            && self.bytes[lt] == b'<'
            && self.bytes[after - 1] == b'>'
            && hex::decode(&self.bytes[lt + 1..after - 1]).as_deref() == Ok(&contents[..]);
        if !hex_is_contents {
            return Err(bad(
                "has a /ByteRange that does not leave out exactly its /Contents",
            ));
        }
        if after.checked_add(rest) != Some(self.end) {
            return Err(bad(
                "has a /ByteRange that does not cover its revision to the end",
            ));
        }
        let time = match sig.get(b"M") {
            Some(Value::Str(m)) => Some(text(m)),
            _ => None,
        };
        Ok(Appended {
            field,
            contents,
            signed: [0..lt, after..self.end],
            time,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_compare_as_text() {
        // pyHanko writes /Info's /Subject again in PDFDocEncoding where Tweevoud wrote UTF-16.
        let utf16: Vec<u8> = [0xFE, 0xFF, 0x00, b'a', 0x20, 0x14, 0x00, b'b'].to_vec();
        assert_eq!(text(&utf16), "a—b");
        assert_eq!(text(b"a\x84b"), "a—b");
        assert_eq!(text(&[0x18, 0x80, 0xA0, 0xE9, 0x7F]), "˘•€é\u{FFFD}");
    }

    #[test]
    fn revisions_end_after_eof_and_one_end_of_line() {
        let section = |at: usize, end: usize| Section {
            at,
            entries: Vec::new(),
            trailer: Dict::default(),
            end,
        };
        let bytes = b"xref<<>>\nstartxref\n0\n%%EOF\r\nrest";
        assert_eq!(revision_end(bytes, &section(0, 8)), Ok(bytes.len() - 4));
        assert_eq!(
            revision_end(b"xref<<>> startxref 0 %%EOF", &section(0, 8)),
            Ok(26)
        );
        for bad in [
            &b"xref<<>>\nstartxref\n1\n%%EOF"[..],
            b"xref<<>>\nstartref\n0\n%%EOF",
            b"xref<<>>",
        ] {
            assert!(revision_end(bad, &section(0, 8)).is_err());
        }
    }
}
