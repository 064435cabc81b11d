//! The PDF syntax Tweevoud's exemplars use, read with a bound on everything: one revision
//! with a cross-reference table, objects at the offsets it gives, values nested at most
//! [`MAX_DEPTH`] deep and at most [`MAX_VALUES`] to an object, streams exactly as long as
//! their `/Length` says, and a work budget ([`MAX_WORK`]) that every byte and every value read
//! spends, so that no file, however it refers to itself, costs more than a fixed amount of
//! time. Nothing is allocated from a number the file states: a count or a length is checked
//! against the bytes that are really there first.
//!
//! What it does not read, it refuses: cross-reference streams, object streams (which only a
//! cross-reference stream can point into), encryption, hybrid files.

use std::cell::Cell;
use std::ops::Range;

/// The most objects a PDF may number. An exemplar has about 30, and 4 more per page.
pub(crate) const MAX_OBJECTS: usize = 100_000;
/// How deep arrays and dictionaries may nest. Tweevoud writes at most 4 levels.
pub(crate) const MAX_DEPTH: usize = 32;
/// The most values (numbers, names, strings, ...) one object read may hold.
pub(crate) const MAX_VALUES: usize = 20_000;
/// The most cross-reference sections followed back through `/Prev`.
pub(crate) const MAX_SECTIONS: usize = 8;
/// The work one reading may do: a unit for each byte looked at, [`VALUE_WORK`] for each value
/// made. Reading an exemplar costs a few thousand; reading every byte of the largest PDF
/// accepted once, about 70 million.
pub(crate) const MAX_WORK: u64 = 128 << 20;
/// The work a value costs, beyond its bytes.
const VALUE_WORK: u64 = 16;

/// Why a PDF is refused, in words that finish "the PDF cannot be read: ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused(pub(crate) String);

impl Refused {
    fn new(why: impl Into<String>) -> Refused {
        Refused(why.into())
    }
}

type Result<T> = std::result::Result<T, Refused>;

/// A PDF value. A stream is a dictionary with the place of its data in the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Real,
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<Value>),
    Dict(Dict),
    Ref(u32, u16),
    Stream(Dict, Range<usize>),
}

/// A dictionary: its keys in the file's order, each once.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Dict(Vec<(Vec<u8>, Value)>);

impl Dict {
    pub(crate) fn get(&self, key: &[u8]) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(crate) fn has(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Its keys and values, in the file's order.
    pub(crate) fn entries(&self) -> &[(Vec<u8>, Value)] {
        &self.0
    }
}

fn is_white(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

/// A PDF held in memory, and the budget its reading spends.
pub(crate) struct Pdf<'a> {
    bytes: &'a [u8],
    work: Cell<u64>,
    /// Each object number's offset and generation, from the cross-reference table.
    offsets: Vec<Option<(usize, u16)>>,
    /// The trailer dictionary of the revision read.
    pub(crate) trailer: Dict,
}

/// One cross-reference section: where it is, the entries it lists (`None` for a free one),
/// its trailer, and where its trailer ends.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    /// The offset of its `xref` keyword.
    pub(crate) at: usize,
    /// Each object number it lists, and where that object is.
    pub(crate) entries: Vec<(u32, Option<(usize, u16)>)>,
    /// Its trailer dictionary.
    pub(crate) trailer: Dict,
    /// The offset right after its trailer dictionary.
    pub(crate) end: usize,
}

impl<'a> Pdf<'a> {
    /// Reads the cross-reference table the file ends with, and through `/Prev` the first one:
    /// the PDF is read as it was first written (an update appended later by another program
    /// is not read; it makes the file differ from the exemplar Tweevoud renders, or it is
    /// judged apart: `updates`).
    pub(crate) fn open(bytes: &'a [u8]) -> Result<Pdf<'a>> {
        let (mut sections, spent) = Pdf::sections(bytes)?;
        let first = sections
            .pop()
            .ok_or_else(|| Refused::new("it has no cross-reference table"))?;
        Ok(Pdf::layered(bytes, &[first], spent))
    }

    /// Every cross-reference section, from the one the file ends with back through `/Prev`
    /// to the first, newest first: at most [`MAX_SECTIONS`]; and the work reading them took.
    pub(crate) fn sections(bytes: &'a [u8]) -> Result<(Vec<Section>, u64)> {
        let reader = Pdf {
            bytes,
            work: Cell::new(0),
            offsets: Vec::new(),
            trailer: Dict::default(),
        };
        let mut at = reader.startxref()?;
        let mut sections = Vec::new();
        for _ in 0..MAX_SECTIONS {
            let section = reader.section(at)?;
            for key in [&b"Encrypt"[..], b"XRefStm"] {
                if section.trailer.has(key) {
                    return Err(Refused::new(format!(
                        "its trailer has /{}, which Tweevoud's exemplars never have",
                        String::from_utf8_lossy(key)
                    )));
                }
            }
            let prev = match section.trailer.get(b"Prev") {
                None => None,
                Some(Value::Int(prev)) => Some(
                    usize::try_from(*prev)
                        .ok()
                        .filter(|&p| p < at)
                        .ok_or_else(|| {
                            Refused::new("its trailer's /Prev does not point back into the file")
                        })?,
                ),
                Some(_) => return Err(Refused::new("its trailer's /Prev is not an offset")),
            };
            sections.push(section);
            match prev {
                None => return Ok((sections, reader.spent())),
                Some(prev) => at = prev,
            }
        }
        Err(Refused::new(format!(
            "it has more than {MAX_SECTIONS} cross-reference sections"
        )))
    }

    /// The PDF as the revisions of `sections` (oldest first) make it: each object where the
    /// newest section that lists it says (a free entry removes it), the newest trailer.
    /// `spent` is the work already done on the same bytes, which this reading goes on from.
    pub(crate) fn layered(bytes: &'a [u8], sections: &[Section], spent: u64) -> Pdf<'a> {
        let mut offsets: Vec<Option<(usize, u16)>> = Vec::new();
        for section in sections {
            for &(num, entry) in &section.entries {
                let i = num as usize;
                if offsets.len() <= i {
                    offsets.resize(i + 1, None);
                }
                offsets[i] = entry;
            }
        }
        Pdf {
            bytes,
            work: Cell::new(spent),
            offsets,
            trailer: sections
                .last()
                .map(|s| s.trailer.clone())
                .unwrap_or_default(),
        }
    }

    /// The work this reading has done, counting what it went on from.
    pub(crate) fn spent(&self) -> u64 {
        self.work.get()
    }

    /// Whether object `num` is in the file (at this revision).
    pub(crate) fn has_object(&self, num: u32) -> bool {
        self.offsets.get(num as usize).copied().flatten().is_some()
    }

    fn spend(&self, units: u64) -> Result<()> {
        let spent = self.work.get().saturating_add(units);
        self.work.set(spent);
        if spent > MAX_WORK {
            return Err(Refused::new(
                "reading it takes more work than any exemplar needs",
            ));
        }
        Ok(())
    }

    /// The offset `startxref` gives, near the end of the file.
    fn startxref(&self) -> Result<usize> {
        let tail_from = self.bytes.len().saturating_sub(1024);
        let tail = &self.bytes[tail_from..];
        let at = tail
            .windows(9)
            .rposition(|w| w == b"startxref")
            .ok_or_else(|| Refused::new("it has no startxref at its end (is it cut short?)"))?;
        let mut lexer = Lexer::new(self, tail_from + at + 9);
        match lexer.token()? {
            Token::Int(n) => usize::try_from(n)
                .ok()
                .filter(|&n| n < self.bytes.len())
                .ok_or_else(|| Refused::new("its startxref points outside the file")),
            _ => Err(Refused::new("its startxref is not followed by an offset")),
        }
    }

    /// One cross-reference section at `at`: the table and its trailer.
    fn section(&self, at: usize) -> Result<Section> {
        let mut lexer = Lexer::new(self, at);
        match lexer.token()? {
            Token::Keyword(k) if k == b"xref" => {}
            Token::Int(_) => {
                return Err(Refused::new(
                    "it has a cross-reference stream; Tweevoud's exemplars have a \
                     cross-reference table, and Tweevoud reads only the PDFs it writes",
                ))
            }
            _ => {
                return Err(Refused::new(
                    "its startxref does not point at a cross-reference table",
                ))
            }
        }
        let mut entries: Vec<(u32, Option<(usize, u16)>)> = Vec::new();
        loop {
            let first = match lexer.token()? {
                Token::Keyword(k) if k == b"trailer" => break,
                Token::Int(n) => n,
                _ => return Err(Refused::new("its cross-reference table is malformed")),
            };
            let Token::Int(count) = lexer.token()? else {
                return Err(Refused::new("its cross-reference table is malformed"));
            };
            let (first, count) = match (usize::try_from(first), usize::try_from(count)) {
                (Ok(f), Ok(c)) if f.saturating_add(c) <= MAX_OBJECTS => (f, c),
                _ => {
                    return Err(Refused::new(format!(
                        "its cross-reference table numbers more than {MAX_OBJECTS} objects"
                    )))
                }
            };
            lexer.skip_white()?;
            let start = lexer.pos;
            let table = self
                .bytes
                .get(start..start.saturating_add(count * 20))
                .filter(|t| t.len() == count * 20)
                .ok_or_else(|| Refused::new("its cross-reference table is cut short"))?;
            self.spend(table.len() as u64)?;
            if entries.len().saturating_add(count) > MAX_OBJECTS {
                return Err(Refused::new(format!(
                    "its cross-reference table numbers more than {MAX_OBJECTS} objects"
                )));
            }
            for (i, entry) in table.chunks_exact(20).enumerate() {
                // first + i <= MAX_OBJECTS, checked above.
                let num = u32::try_from(first + i).unwrap_or(u32::MAX);
                entries.push((num, xref_entry(entry, self.bytes.len())?));
            }
            lexer.pos = start + count * 20;
        }
        let trailer = match lexer.value(0, &mut 0)? {
            Value::Dict(d) => d,
            _ => return Err(Refused::new("its trailer is not a dictionary")),
        };
        Ok(Section {
            at,
            entries,
            trailer,
            end: lexer.pos,
        })
    }

    /// Object `num`, read where the cross-reference table says it is. A stream's data is
    /// checked to be exactly `/Length` bytes, followed by `endstream`.
    pub(crate) fn object(&self, num: u32) -> Result<Value> {
        self.object_and_end(num).map(|(value, _)| value)
    }

    /// Object `num` and the offset right after its `endobj`.
    pub(crate) fn object_and_end(&self, num: u32) -> Result<(Value, usize)> {
        let (at, generation) = self
            .offsets
            .get(num as usize)
            .copied()
            .flatten()
            .ok_or_else(|| Refused::new(format!("object {num} is not in the file")))?;
        let mut lexer = Lexer::new(self, at);
        let header_fits = matches!(lexer.token()?, Token::Int(n) if n == i64::from(num))
            && matches!(lexer.token()?, Token::Int(g) if g == i64::from(generation))
            && matches!(lexer.token()?, Token::Keyword(k) if k == b"obj");
        if !header_fits {
            return Err(Refused::new(format!(
                "object {num} is not where the cross-reference table says"
            )));
        }
        let value = lexer.value(0, &mut 0)?;
        match lexer.token()? {
            Token::Keyword(k) if k == b"endobj" => Ok((value, lexer.pos)),
            Token::Keyword(k) if k == b"stream" => {
                let Value::Dict(dict) = value else {
                    return Err(Refused::new(format!(
                        "object {num} has stream data after something that is not a dictionary"
                    )));
                };
                let data = self.stream_data(num, &dict, lexer.pos)?;
                // After `endstream`, `endobj`.
                let mut after = Lexer::new(self, data.end);
                after.token()?;
                match after.token()? {
                    Token::Keyword(k) if k == b"endobj" => {
                        Ok((Value::Stream(dict, data), after.pos))
                    }
                    _ => Err(Refused::new(format!(
                        "object {num} does not end with endobj"
                    ))),
                }
            }
            _ => Err(Refused::new(format!(
                "object {num} does not end with endobj"
            ))),
        }
    }

    fn stream_data(&self, num: u32, dict: &Dict, after_keyword: usize) -> Result<Range<usize>> {
        let bytes = self.bytes;
        let start = match bytes.get(after_keyword..after_keyword + 2) {
            Some(b"\r\n") => after_keyword + 2,
            Some([b'\n', _]) => after_keyword + 1,
            _ => {
                return Err(Refused::new(format!(
                    "the stream of object {num} does not start on a new line"
                )))
            }
        };
        let length = match dict.get(b"Length") {
            Some(Value::Int(n)) => *n,
            // qpdf's --qdf writes each length as an object of its own.
            Some(Value::Ref(n, _)) if *n != num => match self.object(*n)? {
                Value::Int(n) => n,
                _ => {
                    return Err(Refused::new(format!(
                        "object {num}'s /Length is not a number"
                    )))
                }
            },
            _ => {
                return Err(Refused::new(format!(
                    "object {num}'s /Length is not a number"
                )))
            }
        };
        let end = usize::try_from(length)
            .ok()
            .and_then(|l| start.checked_add(l))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| {
                Refused::new(format!(
                    "the stream of object {num} has a /Length that does not fit in the file"
                ))
            })?;
        let mut lexer = Lexer::new(self, end);
        match lexer.token()? {
            Token::Keyword(k) if k == b"endstream" => Ok(start..end),
            _ => Err(Refused::new(format!(
                "the stream of object {num} is not as long as its /Length says"
            ))),
        }
    }

    /// The stream data of a stream value.
    pub(crate) fn data(&self, range: &Range<usize>) -> &'a [u8] {
        &self.bytes[range.clone()]
    }

    /// A value with references followed (a few at most) to the object they name.
    pub(crate) fn resolve(&self, value: &Value) -> Result<Value> {
        let mut value = value.clone();
        for _ in 0..4 {
            match value {
                Value::Ref(num, _) => value = self.object(num)?,
                other => return Ok(other),
            }
        }
        Err(Refused::new(
            "it has a chain of references that does not end",
        ))
    }
}

/// One 20-byte entry of a cross-reference table: `oooooooooo ggggg n` and an end of line.
fn xref_entry(entry: &[u8], file_len: usize) -> Result<Option<(usize, u16)>> {
    let bad = || Refused::new("its cross-reference table has an entry that is not 20 bytes");
    let digits = |r: Range<usize>| -> Result<u64> {
        let field = &entry[r];
        if !field.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        Ok(field.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
    };
    if entry[10] != b' ' || entry[16] != b' ' || !matches!(&entry[18..], b" \n" | b" \r" | b"\r\n")
    {
        return Err(bad());
    }
    let offset = digits(0..10)?;
    let generation = digits(11..16)?;
    match entry[17] {
        b'f' => Ok(None),
        b'n' => {
            let offset = usize::try_from(offset)
                .ok()
                .filter(|&o| o < file_len)
                .ok_or_else(|| Refused::new("its cross-reference table points outside the file"))?;
            let generation = u16::try_from(generation).map_err(|_| bad())?;
            Ok(Some((offset, generation)))
        }
        _ => Err(bad()),
    }
}

enum Token {
    Int(i64),
    Real,
    Name(Vec<u8>),
    Str(Vec<u8>),
    Keyword(Vec<u8>),
    DictOpen,
    DictClose,
    ArrayOpen,
    ArrayClose,
}

struct Lexer<'p, 'a> {
    pdf: &'p Pdf<'a>,
    pos: usize,
}

impl<'p, 'a> Lexer<'p, 'a> {
    fn new(pdf: &'p Pdf<'a>, pos: usize) -> Lexer<'p, 'a> {
        Lexer { pdf, pos }
    }

    fn peek(&self) -> Option<u8> {
        self.pdf.bytes.get(self.pos).copied()
    }

    fn cut_short() -> Refused {
        Refused::new("it ends in the middle of an object (is it cut short?)")
    }

    /// Skips white space and comments.
    fn skip_white(&mut self) -> Result<()> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
        self.pdf.spend((self.pos - start) as u64)
    }

    fn token(&mut self) -> Result<Token> {
        self.skip_white()?;
        let start = self.pos;
        let b = self.peek().ok_or_else(Self::cut_short)?;
        let token = match b {
            b'<' if self.pdf.bytes.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Token::DictOpen
            }
            b'>' if self.pdf.bytes.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Token::DictClose
            }
            b'[' => {
                self.pos += 1;
                Token::ArrayOpen
            }
            b']' => {
                self.pos += 1;
                Token::ArrayClose
            }
            b'/' => {
                self.pos += 1;
                Token::Name(self.name()?)
            }
            b'(' => {
                self.pos += 1;
                Token::Str(self.literal()?)
            }
            b'<' => {
                self.pos += 1;
                Token::Str(self.hex()?)
            }
            b if is_regular(b) => {
                while self.peek().is_some_and(is_regular) {
                    self.pos += 1;
                }
                let word = &self.pdf.bytes[start..self.pos];
                number(word).unwrap_or_else(|| Token::Keyword(word.to_vec()))
            }
            other => {
                return Err(Refused::new(format!(
                    "it has a stray {:?} at byte {start}",
                    char::from(other)
                )))
            }
        };
        self.pdf.spend((self.pos - start) as u64 + VALUE_WORK)?;
        Ok(token)
    }

    fn name(&mut self) -> Result<Vec<u8>> {
        let mut name = Vec::new();
        while let Some(b) = self.peek().filter(|&b| is_regular(b)) {
            self.pos += 1;
            if b == b'#' {
                let hex = self
                    .pdf
                    .bytes
                    .get(self.pos..self.pos + 2)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| Refused::new("it has a name with a bad # escape"))?;
                self.pos += 2;
                name.push(hex);
            } else {
                name.push(b);
            }
        }
        Ok(name)
    }

    fn literal(&mut self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut open = 1usize;
        loop {
            let b = self.peek().ok_or_else(Self::cut_short)?;
            self.pos += 1;
            match b {
                b'(' => {
                    open += 1;
                    out.push(b);
                }
                b')' => {
                    open -= 1;
                    if open == 0 {
                        return Ok(out);
                    }
                    out.push(b);
                }
                b'\\' => {
                    let e = self.peek().ok_or_else(Self::cut_short)?;
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0C),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(v as u8);
                        }
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'\r' => {
                    // An end of line in a string is a line feed, whatever it was.
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                other => out.push(other),
            }
        }
    }

    fn hex(&mut self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let b = self.peek().ok_or_else(Self::cut_short)?;
            self.pos += 1;
            let nibble = match b {
                b'>' => break,
                b if is_white(b) => continue,
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => {
                    return Err(Refused::new(
                        "it has a hexadecimal string with other characters",
                    ))
                }
            };
            match high.take() {
                Some(h) => out.push(h << 4 | nibble),
                None => high = Some(nibble),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        Ok(out)
    }

    /// A value, nested at most [`MAX_DEPTH`] deep; `count` counts the values made so far.
    fn value(&mut self, depth: usize, count: &mut usize) -> Result<Value> {
        let token = self.token()?;
        self.value_from(token, depth, count)
    }

    fn value_from(&mut self, token: Token, depth: usize, count: &mut usize) -> Result<Value> {
        *count += 1;
        if *count > MAX_VALUES {
            return Err(Refused::new(format!(
                "it has an object of more than {MAX_VALUES} values"
            )));
        }
        if depth > MAX_DEPTH {
            return Err(Refused::new(format!(
                "it nests arrays or dictionaries more than {MAX_DEPTH} deep"
            )));
        }
        Ok(match token {
            Token::Int(n) => {
                // `n g R`, a reference, or a number.
                let back = self.pos;
                if let (Ok(g), Ok(n)) = (u16::try_from(self.next_int()?), u32::try_from(n)) {
                    if matches!(self.token(), Ok(Token::Keyword(k)) if k == b"R") {
                        return Ok(Value::Ref(n, g));
                    }
                }
                self.pos = back;
                Value::Int(n)
            }
            Token::Real => Value::Real,
            Token::Name(n) => Value::Name(n),
            Token::Str(s) => Value::Str(s),
            Token::Keyword(k) => match &k[..] {
                b"true" => Value::Bool(true),
                b"false" => Value::Bool(false),
                b"null" => Value::Null,
                _ => {
                    return Err(Refused::new(format!(
                        "it has {:?} where a value belongs",
                        String::from_utf8_lossy(&k[..k.len().min(20)])
                    )))
                }
            },
            Token::ArrayOpen => {
                let mut items = Vec::new();
                loop {
                    match self.token()? {
                        Token::ArrayClose => break Value::Array(items),
                        t => items.push(self.value_from(t, depth + 1, count)?),
                    }
                }
            }
            Token::DictOpen => {
                let mut entries: Vec<(Vec<u8>, Value)> = Vec::new();
                loop {
                    match self.token()? {
                        Token::DictClose => break Value::Dict(Dict(entries)),
                        Token::Name(key) => {
                            let value = self.value(depth + 1, count)?;
                            if entries.iter().any(|(k, _)| *k == key) {
                                return Err(Refused::new(format!(
                                    "it has a dictionary with the key /{} twice",
                                    String::from_utf8_lossy(&key)
                                )));
                            }
                            entries.push((key, value));
                        }
                        _ => {
                            return Err(Refused::new("it has a dictionary whose key is not a name"))
                        }
                    }
                }
            }
            Token::ArrayClose | Token::DictClose => {
                return Err(Refused::new(
                    "it closes an array or dictionary it never opened",
                ))
            }
        })
    }

    /// The next token if it is an integer; otherwise -1 (never a generation).
    fn next_int(&mut self) -> Result<i64> {
        let back = self.pos;
        match self.token() {
            Ok(Token::Int(g)) => Ok(g),
            Ok(_) | Err(_) => {
                self.pos = back;
                Ok(-1)
            }
        }
    }
}

/// An integer or a real number, as PDF writes them (`12`, `-3`, `+4`, `.5`, `-0.25`).
fn number(word: &[u8]) -> Option<Token> {
    let digits = word
        .strip_prefix(b"-")
        .or_else(|| word.strip_prefix(b"+"))
        .unwrap_or(word);
    if digits.is_empty() {
        return None;
    }
    if digits.iter().all(u8::is_ascii_digit) {
        return std::str::from_utf8(word)
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .map(Token::Int)
            .or(Some(Token::Real));
    }
    let dots = digits.iter().filter(|&&b| b == b'.').count();
    let rest_digits = digits.iter().all(|&b| b == b'.' || b.is_ascii_digit());
    (dots == 1 && rest_digits && digits.len() > 1).then_some(Token::Real)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf(bytes: &[u8]) -> Pdf<'_> {
        Pdf {
            bytes,
            work: Cell::new(0),
            offsets: Vec::new(),
            trailer: Dict::default(),
        }
    }

    fn value(text: &[u8]) -> Result<Value> {
        let p = pdf(text);
        let mut lexer = Lexer::new(&p, 0);
        lexer.value(0, &mut 0)
    }

    #[test]
    fn reads_the_values_tweevoud_writes() {
        let v = value(b"<</Type/Filespec/F(a\\(b\\)\\101.tweevoud)/UF<FEFF0061>/EF<</F 27 0 R>>/N[1 -2 .5 true null]>>").unwrap();
        let Value::Dict(d) = v else { panic!() };
        assert_eq!(d.get(b"Type"), Some(&Value::Name(b"Filespec".to_vec())));
        assert_eq!(d.get(b"F"), Some(&Value::Str(b"a(b)A.tweevoud".to_vec())));
        assert_eq!(d.get(b"UF"), Some(&Value::Str(vec![0xFE, 0xFF, 0, 0x61])));
        let Some(Value::Dict(ef)) = d.get(b"EF") else {
            panic!()
        };
        assert_eq!(ef.get(b"F"), Some(&Value::Ref(27, 0)));
        assert_eq!(
            d.get(b"N"),
            Some(&Value::Array(vec![
                Value::Int(1),
                Value::Int(-2),
                Value::Real,
                Value::Bool(true),
                Value::Null
            ]))
        );
        assert_eq!(
            value(b"/application#2Fjson").unwrap(),
            Value::Name(b"application/json".to_vec())
        );
    }

    #[test]
    fn fail_nesting_values_and_duplicate_keys_are_bounded() {
        let deep = [vec![b'['; 100_000], vec![b']'; 100_000]].concat();
        assert!(value(&deep).unwrap_err().0.contains("deep"));
        let many = [b"[".to_vec(), b"1 ".repeat(MAX_VALUES + 1), b"]".to_vec()].concat();
        assert!(value(&many).unwrap_err().0.contains("values"));
        assert!(value(b"<</A 1/A 2>>").unwrap_err().0.contains("twice"));
        assert!(value(b"(unclosed").is_err());
        assert!(value(b"<</A 1").is_err());
        assert!(value(b"]").is_err());
    }

    #[test]
    fn fail_work_is_bounded() {
        let p = pdf(b"");
        p.spend(MAX_WORK).unwrap();
        assert!(p.spend(1).is_err());
    }
}
