//! Canonical JSON (RFC 8785, the JSON Canonicalization Scheme) and the hashes taken over it.
//!
//! Everything Tweevoud hashes or signs that is structured is first serialized to JSON and then
//! canonicalized: keys sorted, no white space, numbers and strings in their one ECMAScript
//! form. That makes the bytes independent of the order in which a program happened to write
//! the fields, so another implementation can rebuild them from the document alone.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The RFC 8785 canonical form of a value.
///
/// Written by this module's own writer (`Canonical`) straight into one buffer; a value it
/// does not take on itself (a floating-point number, an integer beyond 2^53, a key that needs
/// escaping or is not a string, a duplicate key) is handed whole to
/// `serde_json_canonicalizer`, whose bytes are the reference (a property test holds the two
/// equal on generated values).
pub fn to_canonical_json<T: Serialize>(value: &T) -> Vec<u8> {
    // Our values are strings, integers, booleans, arrays and objects with string keys: none
    // of them can fail to serialize.
    write(value)
        .unwrap_or_else(|Unhandled| serde_json_canonicalizer::to_vec(value).unwrap_or_default())
}

/// [`tagged_hash`] of a value serialized as an object, without its top-level members named
/// in `leave_out`: the hash of what `serde_json::to_value` makes of it with those members
/// removed, without making that `Value`.
pub(crate) fn tagged_hash_without<T: Serialize>(
    tag: &str,
    value: &T,
    leave_out: &[&str],
) -> [u8; 32] {
    match write_without(value, leave_out) {
        Ok(bytes) => hash_tagged(tag, &bytes),
        Err(Unhandled) => {
            let mut value = serde_json::to_value(value).unwrap_or_default();
            if let Some(map) = value.as_object_mut() {
                for key in leave_out {
                    map.remove(*key);
                }
            }
            tagged_hash(tag, &value)
        }
    }
}

/// The canonical form as [`Canonical`] writes it, or [`Unhandled`].
fn write<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Unhandled> {
    write_without(value, &[])
}

/// [`write`], the top-level object's members named in `leave_out` left out.
fn write_without<T: Serialize + ?Sized>(
    value: &T,
    leave_out: &[&str],
) -> Result<Vec<u8>, Unhandled> {
    let mut w = Canonical {
        out: Vec::with_capacity(256),
        members: Vec::new(),
        scratch: Vec::new(),
        leave_out,
        depth: 0,
        skip_value: false,
    };
    value.serialize(&mut w)?;
    Ok(w.out)
}

/// SHA-256 over `tag || 0x0A || canonical JSON of value`: the domain tag keeps a hash of one
/// kind of object from ever being taken for another.
pub fn tagged_hash<T: Serialize>(tag: &str, value: &T) -> [u8; 32] {
    hash_tagged(tag, &to_canonical_json(value))
}

/// SHA-256 over `tag || 0x0A || canonical`.
fn hash_tagged(tag: &str, canonical: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(tag.as_bytes());
    h.update(b"\n");
    h.update(canonical);
    h.finalize().into()
}

/// Reads an optional member that, when present, must hold a value: JSON `null` is refused
/// (`#[serde(default, deserialize_with = "crate::canonical::present")]`). A member the format
/// says is absent when it has nothing is absent, never `null`: so each value has one
/// encoding, and an entry hashed as it is stored is the entry as it is read.
pub(crate) fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// Reads a member that must be present and holds a value or `null` (the contact files'
/// `organisation` and `verified`, which Tweevoud writes as `null` when there is none): absence
/// is refused, so each value has one encoding.
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d)
}

/// The canonical JSON writer: a serde serializer over one output buffer. An object's members
/// are written in the order they come, each `"key":value` without separators, and put in
/// order when the object ends (sorted by their keys' UTF-16 code units, as RFC 8785 says);
/// an object inside a member is complete, and in order, before its member ends.
struct Canonical<'k> {
    out: Vec<u8>,
    /// The members of the objects being written, innermost last: where each member starts
    /// in `out`, and where its key's escaped text ends.
    members: Vec<Member>,
    /// Where an object's members are moved to while they are written back in order.
    scratch: Vec<u8>,
    /// Members of the top-level object to leave out.
    leave_out: &'k [&'k str],
    /// How many objects are open.
    depth: usize,
    /// Whether the next map value is one left out (its key was).
    skip_value: bool,
}

#[derive(Clone, Copy)]
struct Member {
    /// Offset of the key's opening quote.
    start: usize,
    /// Offset just after the key's closing quote.
    key_end: usize,
    /// Offset just after the value (set when the member's value is written).
    end: usize,
}

/// A value the writer leaves to the reference implementation.
#[derive(Debug)]
struct Unhandled;

impl std::fmt::Display for Unhandled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("left to the reference canonicalizer")
    }
}

impl std::error::Error for Unhandled {}

impl serde::ser::Error for Unhandled {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Unhandled
    }
}

/// The largest integer every JSON number (an IEEE 754 double) holds exactly: RFC 8785 writes
/// an integer up to it in its plain decimal digits.
const EXACT: u64 = 1 << 53;

impl Canonical<'_> {
    fn integer(&mut self, negative: bool, magnitude: u128) -> Result<(), Unhandled> {
        if magnitude > u128::from(EXACT) {
            return Err(Unhandled);
        }
        if negative && magnitude != 0 {
            self.out.push(b'-');
        }
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut m = magnitude as u64;
        loop {
            i -= 1;
            digits[i] = b'0' + (m % 10) as u8;
            m /= 10;
            if m == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[i..]);
        Ok(())
    }

    /// A string, quoted, escaped as RFC 8785 says: `"` and `\\`, the five control
    /// characters with short escapes, every other one below U+0020 as `\\u00xx`.
    fn string(&mut self, s: &str) {
        self.out.push(b'"');
        let bytes = s.as_bytes();
        let mut from = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                0x08 => b"\\b",
                0x09 => b"\\t",
                0x0A => b"\\n",
                0x0C => b"\\f",
                0x0D => b"\\r",
                0x00..=0x1F => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    self.out.extend_from_slice(&bytes[from..i]);
                    self.out.extend_from_slice(b"\\u00");
                    self.out.push(HEX[usize::from(b >> 4)]);
                    self.out.push(HEX[usize::from(b & 0xF)]);
                    from = i + 1;
                    continue;
                }
                _ => continue,
            };
            self.out.extend_from_slice(&bytes[from..i]);
            self.out.extend_from_slice(escape);
            from = i + 1;
        }
        self.out.extend_from_slice(&bytes[from..]);
        self.out.push(b'"');
    }

    /// Starts a member: its key. A key that would be escaped is left to the reference
    /// implementation (members are ordered by their keys' text, which is then not the text
    /// written).
    fn key(&mut self, key: &str) -> Result<(), Unhandled> {
        if self.depth == 1 && self.leave_out.contains(&key) {
            self.skip_value = true;
            return Ok(());
        }
        if key.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
            return Err(Unhandled);
        }
        let start = self.out.len();
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.push(b'"');
        self.members.push(Member {
            start,
            key_end: self.out.len(),
            end: self.out.len(),
        });
        self.out.push(b':');
        Ok(())
    }

    /// Ends the member just written.
    fn member_end(&mut self) {
        let end = self.out.len();
        if let Some(m) = self.members.last_mut() {
            m.end = end;
        }
    }

    /// Ends an object whose `{` is at `open` and whose members are `members[first..]`: they
    /// are written back sorted, with commas, and the object closed.
    fn object_end(&mut self, open: usize, first: usize) -> Result<(), Unhandled> {
        let body = open + 1;
        let members = &mut self.members[first..];
        let sorted = members
            .windows(2)
            .all(|w| key_order(&self.out, &w[0], &w[1]) == std::cmp::Ordering::Less);
        if !sorted {
            members.sort_unstable_by(|a, b| key_order(&self.out, a, b));
            if members
                .windows(2)
                .any(|w| key_order(&self.out, &w[0], &w[1]) == std::cmp::Ordering::Equal)
            {
                return Err(Unhandled);
            }
        }
        self.scratch.clear();
        self.scratch.extend_from_slice(&self.out[body..]);
        self.out.truncate(body);
        for (i, m) in self.members[first..].iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.out
                .extend_from_slice(&self.scratch[m.start - body..m.end - body]);
        }
        self.out.push(b'}');
        self.members.truncate(first);
        self.depth -= 1;
        Ok(())
    }
}

/// RFC 8785's order of two members: their keys (unescaped, as `key` takes only keys that
/// are written as they are) compared by UTF-16 code units. UTF-8's byte order is the order
/// of code points, which is UTF-16's except between U+E000..U+FFFF and the characters
/// beyond U+FFFF: a key with such characters is compared in UTF-16.
fn key_order(out: &[u8], a: &Member, b: &Member) -> std::cmp::Ordering {
    let ka = &out[a.start + 1..a.key_end - 1];
    let kb = &out[b.start + 1..b.key_end - 1];
    if ka.is_ascii() || kb.is_ascii() {
        return ka.cmp(kb);
    }
    match (std::str::from_utf8(ka), std::str::from_utf8(kb)) {
        (Ok(a), Ok(b)) => a.encode_utf16().cmp(b.encode_utf16()),
        _ => ka.cmp(kb),
    }
}

/// An object being written: where its `{` is, and where its members start in `members`.
struct Object<'a, 'k> {
    w: &'a mut Canonical<'k>,
    open: usize,
    first: usize,
}

/// An array being written.
struct Array<'a, 'k> {
    w: &'a mut Canonical<'k>,
    empty: bool,
}

/// A map key: a string, or what serializes as one.
struct Key<'a, 'k>(&'a mut Canonical<'k>);

impl<'a, 'k> serde::Serializer for &'a mut Canonical<'k> {
    type Ok = ();
    type Error = Unhandled;
    type SerializeSeq = Array<'a, 'k>;
    type SerializeTuple = Array<'a, 'k>;
    type SerializeTupleStruct = Array<'a, 'k>;
    type SerializeTupleVariant = serde::ser::Impossible<(), Unhandled>;
    type SerializeMap = Object<'a, 'k>;
    type SerializeStruct = Object<'a, 'k>;
    type SerializeStructVariant = serde::ser::Impossible<(), Unhandled>;

    fn serialize_bool(self, v: bool) -> Result<(), Unhandled> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Unhandled> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Unhandled> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Unhandled> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unhandled> {
        self.integer(v < 0, u128::from(v.unsigned_abs()))
    }
    fn serialize_i128(self, v: i128) -> Result<(), Unhandled> {
        self.integer(v < 0, v.unsigned_abs())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unhandled> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Unhandled> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unhandled> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unhandled> {
        self.integer(false, v.into())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Unhandled> {
        self.integer(false, v)
    }
    fn serialize_f32(self, _: f32) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_f64(self, _: f64) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_char(self, v: char) -> Result<(), Unhandled> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unhandled> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unhandled> {
        use serde::ser::SerializeSeq;
        let mut a = self.serialize_seq(Some(v.len()))?;
        for b in v {
            a.serialize_element(b)?;
        }
        a.end()
    }
    fn serialize_none(self) -> Result<(), Unhandled> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unhandled> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unhandled> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unhandled> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unhandled> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unhandled> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unhandled> {
        use serde::ser::SerializeMap;
        let mut o = self.serialize_map(Some(1))?;
        o.serialize_entry(variant, value)?;
        o.end()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Array<'a, 'k>, Unhandled> {
        self.out.push(b'[');
        Ok(Array {
            w: self,
            empty: true,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Array<'a, 'k>, Unhandled> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Array<'a, 'k>, Unhandled> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unhandled> {
        Err(Unhandled)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a, 'k>, Unhandled> {
        let open = self.out.len();
        self.out.push(b'{');
        let first = self.members.len();
        self.depth += 1;
        Ok(Object {
            w: self,
            open,
            first,
        })
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Object<'a, 'k>, Unhandled> {
        // serde_json's own numbers and raw values pass as structs of these names.
        if name.starts_with("$serde_json::") {
            return Err(Unhandled);
        }
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unhandled> {
        Err(Unhandled)
    }
}

impl serde::ser::SerializeSeq for Array<'_, '_> {
    type Ok = ();
    type Error = Unhandled;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unhandled> {
        if !self.empty {
            self.w.out.push(b',');
        }
        self.empty = false;
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Unhandled> {
        self.w.out.push(b']');
        Ok(())
    }
}

impl serde::ser::SerializeTuple for Array<'_, '_> {
    type Ok = ();
    type Error = Unhandled;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unhandled> {
        serde::ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Unhandled> {
        serde::ser::SerializeSeq::end(self)
    }
}

impl serde::ser::SerializeTupleStruct for Array<'_, '_> {
    type Ok = ();
    type Error = Unhandled;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unhandled> {
        serde::ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Unhandled> {
        serde::ser::SerializeSeq::end(self)
    }
}

impl serde::ser::SerializeMap for Object<'_, '_> {
    type Ok = ();
    type Error = Unhandled;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unhandled> {
        key.serialize(Key(&mut *self.w))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unhandled> {
        if std::mem::take(&mut self.w.skip_value) {
            return Ok(());
        }
        value.serialize(&mut *self.w)?;
        self.w.member_end();
        Ok(())
    }
    fn end(self) -> Result<(), Unhandled> {
        self.w.object_end(self.open, self.first)
    }
}

impl serde::ser::SerializeStruct for Object<'_, '_> {
    type Ok = ();
    type Error = Unhandled;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unhandled> {
        self.w.key(key)?;
        serde::ser::SerializeMap::serialize_value(self, value)
    }
    fn end(self) -> Result<(), Unhandled> {
        serde::ser::SerializeMap::end(self)
    }
}

impl serde::Serializer for Key<'_, '_> {
    type Ok = ();
    type Error = Unhandled;
    type SerializeSeq = serde::ser::Impossible<(), Unhandled>;
    type SerializeTuple = serde::ser::Impossible<(), Unhandled>;
    type SerializeTupleStruct = serde::ser::Impossible<(), Unhandled>;
    type SerializeTupleVariant = serde::ser::Impossible<(), Unhandled>;
    type SerializeMap = serde::ser::Impossible<(), Unhandled>;
    type SerializeStruct = serde::ser::Impossible<(), Unhandled>;
    type SerializeStructVariant = serde::ser::Impossible<(), Unhandled>;

    fn serialize_str(self, v: &str) -> Result<(), Unhandled> {
        self.0.key(v)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unhandled> {
        self.0.key(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unhandled> {
        value.serialize(self)
    }
    // Any other key (a number, a boolean, a character...) is left to the reference.
    fn serialize_bool(self, _: bool) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_i8(self, _: i8) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_i16(self, _: i16) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_i32(self, _: i32) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_i64(self, _: i64) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_u8(self, _: u8) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_u16(self, _: u16) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_u32(self, _: u32) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_u64(self, _: u64) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_f32(self, _: f32) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_f64(self, _: f64) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_char(self, _: char) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_none(self) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_unit(self) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unhandled> {
        Err(Unhandled)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unhandled> {
        Err(Unhandled)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unhandled> {
        Err(Unhandled)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unhandled> {
        Err(Unhandled)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unhandled> {
        Err(Unhandled)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unhandled> {
        Err(Unhandled)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Unhandled> {
        Err(Unhandled)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unhandled> {
        Err(Unhandled)
    }
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use serde_json::json;

    #[test]
    fn sorts_keys_and_drops_white_space() {
        let v = json!({"b": 1, "a": [true, null, "x\u{e9}\n"], "A": {}});
        assert_eq!(
            String::from_utf8(to_canonical_json(&v)).unwrap(),
            "{\"A\":{},\"a\":[true,null,\"x\u{e9}\\n\"],\"b\":1}"
        );
    }

    /// Characters that matter to the writer: escapes, controls, the edges of UTF-8 and of
    /// UTF-16's order (U+E000..U+FFFF sort after the characters beyond U+FFFF there).
    fn text() -> impl Strategy<Value = String> {
        let special = prop::sample::select(vec![
            '"',
            '\\',
            '/',
            '\n',
            '\r',
            '\t',
            '\u{8}',
            '\u{c}',
            '\u{0}',
            '\u{1f}',
            '\u{7f}',
            'a',
            'b',
            'B',
            '\u{e9}',
            '\u{2028}',
            '\u{e000}',
            '\u{ffff}',
            '\u{10000}',
            '\u{1f600}',
        ]);
        prop::collection::vec(prop_oneof![special, any::<char>()], 0..6)
            .prop_map(|v| v.into_iter().collect())
    }

    fn value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        // What the writer leaves to the reference (big integers, floats, keys it would
        // escape) is rare enough that most values are written by the writer.
        let leaf = prop_oneof![
            2 => Just(Value::Null),
            2 => any::<bool>().prop_map(Value::Bool),
            8 => (-1000i64..1000).prop_map(Value::from),
            4 => (-(1i64 << 53)..=(1i64 << 53)).prop_map(Value::from),
            1 => any::<u64>().prop_map(Value::from),
            1 => any::<i64>().prop_map(Value::from),
            1 => (-1e30f64..1e30).prop_map(Value::from),
            16 => text().prop_map(Value::String),
        ];
        let key = prop_oneof![
            12 => text().prop_map(|k| k.replace(|c: char| c < ' ' || c == '"' || c == '\\', "")),
            1 => text(),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Whether a value holds what the writer leaves to the reference.
    fn unhandled(v: &serde_json::Value) -> bool {
        use serde_json::Value;
        match v {
            Value::Number(n) => n
                .as_i64()
                .map(i64::unsigned_abs)
                .or(n.as_u64())
                .is_none_or(|m| m > EXACT),
            Value::Array(a) => a.iter().any(unhandled),
            Value::Object(o) => o.iter().any(|(k, v)| {
                k.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') || unhandled(v)
            }),
            _ => false,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The writer's bytes are the reference implementation's, and it leaves to the
        /// reference only what it says it does.
        #[test]
        fn same_bytes_as_the_reference(v in value()) {
            let reference = serde_json_canonicalizer::to_vec(&v).unwrap();
            match write(&v) {
                Ok(bytes) => {
                    prop_assert!(!unhandled(&v));
                    prop_assert_eq!(String::from_utf8(bytes).unwrap(), String::from_utf8(reference.clone()).unwrap());
                }
                Err(Unhandled) => prop_assert!(unhandled(&v)),
            }
            prop_assert_eq!(to_canonical_json(&v), reference);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Leaving members out while writing is removing them from the `Value`: at the top
        /// level only.
        #[test]
        fn leaving_out_is_removing(
            members in prop::collection::vec(
                (prop_oneof![text(), Just("hash".to_string()), Just("signature".to_string())], value()),
                0..6,
            ),
            nested in value(),
        ) {
            let mut map: serde_json::Map<String, serde_json::Value> = members.into_iter().collect();
            map.insert("inner".into(), json!({"hash": nested.clone(), "x": nested}));
            let v = serde_json::Value::Object(map);
            let mut removed = v.clone();
            if let Some(m) = removed.as_object_mut() {
                m.remove("hash");
                m.remove("signature");
            }
            prop_assert_eq!(
                tagged_hash_without("t", &v, &["hash", "signature"]),
                tagged_hash("t", &removed)
            );
            if let Ok(bytes) = write_without(&v, &["hash", "signature"]) {
                prop_assert_eq!(bytes, serde_json_canonicalizer::to_vec(&removed).unwrap());
            }
        }
    }

    /// The property above is about the writer: most generated values must be written by
    /// it, not handed to the reference.
    #[test]
    fn the_writer_writes_most_values() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = value();
        let written = (0..1000)
            .filter(|_| {
                let v = strategy.new_tree(&mut runner).unwrap().current();
                write(&v).is_ok()
            })
            .count();
        assert!(written > 500, "{written} of 1000 written by the writer");
    }

    /// Members in the order the types write them (not sorted), nested objects, options,
    /// enums, bytes and characters: as serde derives them, as the reference writes them.
    #[test]
    fn derived_types_as_the_reference() {
        #[derive(Serialize)]
        #[serde(rename_all = "snake_case")]
        enum Kind {
            Unit,
            Wrapped(u32),
        }
        #[derive(Serialize)]
        struct Inner {
            z: Option<String>,
            a: Vec<Kind>,
            #[serde(skip_serializing_if = "Option::is_none")]
            m: Option<u8>,
        }
        #[derive(Serialize)]
        struct Outer {
            zeta: Inner,
            alpha: (i32, char),
            #[serde(with = "serde_bytes_as_seq")]
            bytes: Vec<u8>,
            map: std::collections::HashMap<String, i64>,
            beta: Inner,
        }
        mod serde_bytes_as_seq {
            pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(v)
            }
        }
        let v = Outer {
            zeta: Inner {
                z: None,
                a: vec![Kind::Unit, Kind::Wrapped(7)],
                m: Some(3),
            },
            alpha: (-5, '\u{1f600}'),
            bytes: vec![0, 255],
            map: [
                ("\u{e000}".to_string(), 1),
                ("\u{10000}".to_string(), 2),
                ("b".to_string(), -3),
            ]
            .into_iter()
            .collect(),
            beta: Inner {
                z: Some("x\"y".into()),
                a: vec![],
                m: None,
            },
        };
        let mine = write(&v).unwrap();
        assert_eq!(mine, serde_json_canonicalizer::to_vec(&v).unwrap());
        assert!(String::from_utf8(mine)
            .unwrap()
            .contains("\"\u{10000}\":2,\"\u{e000}\":1"));
    }

    /// A duplicate key is refused by both, a float and an integer beyond 2^53 are written
    /// by the reference.
    #[test]
    fn left_to_the_reference() {
        struct Twice;
        impl Serialize for Twice {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("k", &1)?;
                m.serialize_entry("k", &2)?;
                m.end()
            }
        }
        assert!(write(&Twice).is_err());
        assert!(serde_json_canonicalizer::to_vec(&Twice).is_err());
        assert_eq!(to_canonical_json(&Twice), b"");
        assert_eq!(to_canonical_json(&json!([1.5, 1e21])), b"[1.5,1e+21]");
        assert_eq!(
            to_canonical_json(&json!([9007199254740993u64, 9007199254740992u64])),
            serde_json_canonicalizer::to_vec(&json!([9007199254740993u64, 9007199254740992u64]))
                .unwrap()
        );
    }

    /// The cases the property tests above shrank to (proptest-regressions/canonical.txt):
    /// U+10000 is D800 DC00 in UTF-16 and U+E000 is E000, so RFC 8785 puts "\u{10000}"
    /// first, where the order of UTF-8 bytes (and of `char`s, and of a `BTreeMap`'s keys)
    /// puts it last. Inside a member, and inside a member whose siblings are left out.
    #[test]
    fn keys_beyond_u_ffff_sort_by_their_utf16_code_units() {
        let v = json!({"": {"\u{e000}": "", "\u{10000}": null}});
        let expected = "{\"\":{\"\u{10000}\":null,\"\u{e000}\":\"\"}}";
        assert_eq!(String::from_utf8(write(&v).unwrap()).unwrap(), expected);
        assert_eq!(
            serde_json_canonicalizer::to_vec(&v).unwrap(),
            expected.as_bytes()
        );
        assert_eq!(to_canonical_json(&v), expected.as_bytes());

        let nested = json!({"\u{e000}": "", "\u{10000}": ""});
        let v = json!({"inner": {"hash": nested, "x": nested}, "hash": 1, "signature": 2});
        let removed = json!({"inner": {"hash": nested, "x": nested}});
        let written = write_without(&v, &["hash", "signature"]).unwrap();
        assert_eq!(
            String::from_utf8(written.clone()).unwrap(),
            "{\"inner\":{\"hash\":{\"\u{10000}\":\"\",\"\u{e000}\":\"\"},\
             \"x\":{\"\u{10000}\":\"\",\"\u{e000}\":\"\"}}}"
        );
        assert_eq!(written, serde_json_canonicalizer::to_vec(&removed).unwrap());
        assert_eq!(
            tagged_hash_without("t", &v, &["hash", "signature"]),
            tagged_hash("t", &removed)
        );
        // Among other keys, ASCII or not, in whatever order they arrive.
        struct InOrder<'a>(&'a [&'a str]);
        impl Serialize for InOrder<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for k in self.0 {
                    m.serialize_entry(k, &0)?;
                }
                m.end()
            }
        }
        for keys in [
            [
                "\u{e9}",
                "\u{e000}",
                "\u{10000}",
                "\u{ffff}",
                "\u{1f600}",
                "z",
            ],
            [
                "\u{1f600}",
                "z",
                "\u{ffff}",
                "\u{10000}",
                "\u{e000}",
                "\u{e9}",
            ],
        ] {
            assert_eq!(
                String::from_utf8(write(&InOrder(&keys)).unwrap()).unwrap(),
                "{\"z\":0,\"\u{e9}\":0,\"\u{10000}\":0,\"\u{1f600}\":0,\"\u{e000}\":0,\"\u{ffff}\":0}"
            );
            assert_eq!(
                write(&InOrder(&keys)).unwrap(),
                serde_json_canonicalizer::to_vec(&InOrder(&keys)).unwrap()
            );
        }
    }

    #[test]
    fn tag_separates_domains() {
        let v = json!({"a": 1});
        assert_ne!(tagged_hash("one/1", &v), tagged_hash("two/1", &v));
        assert_eq!(
            hex::encode(tagged_hash("t", &v)),
            sha256_hex(b"t\n{\"a\":1}")
        );
    }
}
