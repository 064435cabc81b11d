//! The few DER encodings a seal is made of, written and read by hand: a seal is a fixed shape
//! (docs/pdf.md, "The seal"), and writing it byte by byte keeps it exactly reproducible.
//!
//! The reader takes one TLV at a time, with definite, minimally encoded lengths and one-byte
//! tags only: it is used to take a seal apart, after which the seal is made again from its
//! parts and compared byte for byte, so nothing it lets through is trusted on its own.

use chrono::{DateTime, Datelike, Utc};
use const_oid::ObjectIdentifier;

/// A tag, a length and the content.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of the parts, in order.
pub(crate) fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// A SET OF the elements, in DER order (sorted by their encodings).
pub(crate) fn set_of(mut elements: Vec<Vec<u8>>) -> Vec<u8> {
    elements.sort();
    tlv(0x31, &elements.concat())
}

/// An OBJECT IDENTIFIER.
pub(crate) fn oid(o: ObjectIdentifier) -> Vec<u8> {
    tlv(0x06, o.as_bytes())
}

/// An INTEGER from the big-endian bytes of a non-negative number.
pub(crate) fn uint(be: &[u8]) -> Vec<u8> {
    let skip = be
        .iter()
        .take_while(|b| **b == 0)
        .count()
        .min(be.len().saturating_sub(1));
    let be = &be[skip..];
    let mut content = Vec::with_capacity(be.len() + 1);
    if be.first().is_none_or(|b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(be);
    tlv(0x02, &content)
}

/// An OCTET STRING.
pub(crate) fn octets(b: &[u8]) -> Vec<u8> {
    tlv(0x04, b)
}

/// A BIT STRING of whole bytes, or with `unused` bits of the last byte unused.
pub(crate) fn bits(b: &[u8], unused: u8) -> Vec<u8> {
    let mut content = vec![unused];
    content.extend_from_slice(b);
    tlv(0x03, &content)
}

/// A UTF8String.
pub(crate) fn utf8(s: &str) -> Vec<u8> {
    tlv(0x0C, s.as_bytes())
}

/// BOOLEAN TRUE.
pub(crate) fn true_() -> Vec<u8> {
    vec![0x01, 0x01, 0xFF]
}

/// A context-specific constructed tag `[n]` around `content`.
pub(crate) fn ctx(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0xA0 | n, content)
}

/// A time as X.509 writes it: UTCTime (`YYMMDDHHMMSSZ`) for the years 1950–2049,
/// GeneralizedTime (`YYYYMMDDHHMMSSZ`) otherwise.
pub(crate) fn time(t: DateTime<Utc>) -> Vec<u8> {
    if (1950..2050).contains(&t.year()) {
        tlv(0x17, t.format("%y%m%d%H%M%SZ").to_string().as_bytes())
    } else {
        tlv(0x18, t.format("%Y%m%d%H%M%SZ").to_string().as_bytes())
    }
}

/// One TLV read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    /// The tag byte.
    pub tag: u8,
    /// The content.
    pub content: &'a [u8],
    /// The whole encoding: tag, length and content.
    pub whole: &'a [u8],
}

/// The TLV `bytes` start with, and the bytes after it. `None` for anything but a one-byte tag
/// with a definite, minimally encoded length that fits.
pub(crate) fn read(bytes: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    if tag & 0x1F == 0x1F {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || rest.len() < n || rest[0] == 0 {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        if len < 0x80 {
            return None;
        }
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    let header = bytes.len() - rest.len();
    Some((
        Tlv {
            tag,
            content: &rest[..len],
            whole: &bytes[..header + len],
        },
        &rest[len..],
    ))
}

/// The TLVs `content` is made of, at most `max` of them; `None` if it is not exactly that.
pub(crate) fn items(mut content: &[u8], max: usize) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        if out.len() == max {
            return None;
        }
        let (t, rest) = read(content)?;
        out.push(t);
        content = rest;
    }
    Some(out)
}

/// The one TLV `bytes` is, with the tag `tag`.
pub(crate) fn only(bytes: &[u8], tag: u8) -> Option<Tlv<'_>> {
    match read(bytes)? {
        (t, []) if t.tag == tag => Some(t),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_integers_are_minimal() {
        assert_eq!(tlv(0x04, &[7; 3]), [4, 3, 7, 7, 7]);
        let long = tlv(0x04, &[0; 300]);
        assert_eq!(&long[..4], &[4, 0x82, 1, 44]);
        assert_eq!(read(&long).unwrap().0.content.len(), 300);
        assert_eq!(uint(&[0, 0, 1]), [2, 1, 1]);
        assert_eq!(uint(&[0x80]), [2, 2, 0, 0x80]);
        assert_eq!(uint(&[0]), [2, 1, 0]);
        // Non-minimal lengths, indefinite lengths and long tags are refused.
        for bad in [
            &[4u8, 0x81, 3, 1, 2, 3][..],
            &[4, 0x80, 0, 0],
            &[0x1F, 1, 0],
            &[4, 5, 1],
        ] {
            assert!(read(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn sets_are_sorted_and_times_are_x509s() {
        assert_eq!(
            set_of(vec![vec![2, 1, 9], vec![2, 1, 3]]),
            [0x31, 6, 2, 1, 3, 2, 1, 9]
        );
        let t = DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00")
            .unwrap()
            .to_utc();
        assert_eq!(time(t), tlv(0x17, b"261123090000Z"));
        let far = DateTime::parse_from_rfc3339("9999-12-31T23:59:59+00:00")
            .unwrap()
            .to_utc();
        assert_eq!(time(far), tlv(0x18, b"99991231235959Z"));
    }
}
