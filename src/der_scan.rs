//! The strict DER pre-scan every DER input goes through before any decoder sees it: a
//! timestamp token, a TSA's reply, a certificate given as an anchor, a seal's CMS.
//!
//! Why it exists: the `der` crate reads a SET OF by collecting its members and then sorting
//! them by insertion, each comparison encoding both members again: quadratic in the members.
//! A SET OF that is not in DER order would be read (and sorted) at that cost; DER requires
//! the order, so the scan refuses it, and a SET OF in order costs the decoder one comparison
//! per member. The scan itself is one pass over the bytes (no recursion: a stack of at most
//! [`MAX_DEPTH`] frames), so its cost is linear in the input.
//!
//! What it checks (docs/timestamps.md, step 1):
//! - one-byte tags; definite lengths in their shortest form; every constructed element is
//!   exactly a run of elements; nothing after the one element scanned;
//! - at most [`MAX_DEPTH`] nested constructed elements and at most [`MAX_MEMBERS`] members in
//!   any one;
//! - universal SEQUENCE and SET constructed, every other universal type primitive (DER
//!   writes strings primitive); OBJECT IDENTIFIERs and RELATIVE-OIDs with every
//!   subidentifier in its shortest form (no leading 0x80 octet: `const-oid` accepts one, DER
//!   does not), BOOLEAN `00` or `FF`, INTEGER and ENUMERATED minimal, NULL empty, BIT STRING
//!   with 0 to 7 unused bits, all zero;
//! - the members of every universal SET (tag 0x31) in ascending order of their encodings
//!   (X.690 11.6), with no two equal. Comparing whole encodings as octet strings with the
//!   shorter padded with zero octets is the same as comparing them as octet strings: one
//!   element's encoding is never a proper prefix of another's. Two equal members are refused,
//!   as the `der` crate refuses them.
//!
//! `scan_cms` adds what only the schema says: the SET OFs a CMS SignerInfo carries under
//! implicit tags (`signedAttrs [0]`, `unsignedAttrs [1]`), which the `cms` crate decodes as
//! SET OFs, are held to the same order, with caps on their members ([`MAX_ATTRIBUTES`],
//! [`MAX_ATTRIBUTE_VALUES`]). SignedData's `certificates [0]` and `crls [1]` are capped
//! ([`MAX_CERTIFICATE_ENTRIES`], [`MAX_MEMBERS`]) but not held to the order: OpenSSL's `ts`
//! writes the certificates as a SEQUENCE OF (in chain order), and the readers take both as
//! written, element by element, never through a SET OF decoder, so nothing sorts them.

use std::cmp::Ordering;

/// Most constructed elements nested in one another. A timestamp token nests 17 deep (a name
/// inside an ESS signing-certificate attribute), a seal carrying one 25.
pub const MAX_DEPTH: usize = 32;

/// Most nesting in a seal's CMS (docs/pdf.md): a timestamp token, itself up to [`MAX_DEPTH`]
/// deep, sits as the value of the seal's unsigned attribute, 8 levels down.
pub const MAX_SEAL_DEPTH: usize = MAX_DEPTH + 8;

/// Most members of any one constructed element (SEQUENCE, SET or tagged). A certificate's
/// extensions or a name's parts are a handful.
pub const MAX_MEMBERS: usize = 256;

/// Most entries in a CMS `certificates` field: certificates and other formats together (of
/// the certificates, a token may carry at most `timestamp::MAX_CERTIFICATES`).
pub const MAX_CERTIFICATE_ENTRIES: usize = 32;

/// Most attributes in a SignerInfo's signed attributes, and as many in its unsigned ones.
pub const MAX_ATTRIBUTES: usize = 32;

/// Most values of one attribute. The attributes a token or a seal is checked by have one.
pub const MAX_ATTRIBUTE_VALUES: usize = 16;

/// One element read: its tag, and where its content and its whole encoding lie.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element<'a> {
    /// The tag byte.
    pub tag: u8,
    /// The content octets.
    pub content: &'a [u8],
    /// Tag, length and content.
    pub whole: &'a [u8],
}

/// The tag and the length of the element `bytes` starts with: `(tag, header length, content
/// length)`, the content within `bytes`.
fn header(bytes: &[u8]) -> Result<(u8, usize, usize), String> {
    let short = || "an element is cut short".to_string();
    let (&tag, rest) = bytes.split_first().ok_or_else(short)?;
    if tag & 0x1F == 0x1F {
        return Err("a tag of more than one byte".into());
    }
    let (&first, rest) = rest.split_first().ok_or_else(short)?;
    let (header, len) = match first {
        0..=0x7F => (2, usize::from(first)),
        0x80 => return Err("an indefinite length (BER, not DER)".into()),
        0x81..=0x84 => {
            let n = usize::from(first & 0x7F);
            let octets = rest.get(..n).ok_or_else(short)?;
            let len = octets
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            if octets[0] == 0 || len < 0x80 {
                return Err("a length not in its shortest form".into());
            }
            (2 + n, len)
        }
        _ => return Err("a length of more than four octets".into()),
    };
    if header
        .checked_add(len)
        .is_none_or(|whole| whole > bytes.len())
    {
        return Err(short());
    }
    Ok((tag, header, len))
}

/// What DER asks of a primitive element's content, by its universal tag.
fn check_primitive(tag: u8, content: &[u8]) -> Result<(), String> {
    match tag {
        // BOOLEAN
        0x01 if content != [0x00] && content != [0xFF] => {
            Err("a BOOLEAN other than 00 or FF".into())
        }
        // INTEGER, ENUMERATED
        0x02 | 0x0A => match content {
            [] => Err("an empty INTEGER".into()),
            [0x00, b, ..] if b & 0x80 == 0 => Err("an INTEGER not in its shortest form".into()),
            [0xFF, b, ..] if b & 0x80 != 0 => Err("an INTEGER not in its shortest form".into()),
            _ => Ok(()),
        },
        // BIT STRING: the unused bits counted, and zero.
        0x03 => match content {
            [0] => Ok(()),
            [unused, .., last] if *unused < 8 && last & ((1u8 << unused) - 1) == 0 => Ok(()),
            _ => Err("a BIT STRING whose unused bits are not DER".into()),
        },
        // NULL
        0x05 if !content.is_empty() => Err("a NULL with content".into()),
        // OBJECT IDENTIFIER, RELATIVE-OID
        0x06 | 0x0D => {
            if content.last().is_none_or(|b| b & 0x80 != 0) {
                return Err("an OBJECT IDENTIFIER cut short".into());
            }
            let mut starts = true;
            for &b in content {
                if starts && b == 0x80 {
                    return Err(
                        "an OBJECT IDENTIFIER not in its shortest form (a 0x80 octet leads a subidentifier)"
                            .into(),
                    );
                }
                starts = b & 0x80 == 0;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A constructed element being walked.
struct Frame {
    /// Where its content ends.
    end: usize,
    /// Its members so far.
    members: usize,
    /// A universal SET: its members must be in order.
    set: bool,
    /// Its last member read, for the order.
    previous: Option<(usize, usize)>,
}

/// Checks that `bytes` is exactly one DER element, within the bounds (the module's doc).
/// Linear in `bytes`.
pub(crate) fn scan(bytes: &[u8]) -> Result<(), String> {
    scan_to_depth(bytes, MAX_DEPTH)
}

/// [`scan`], with at most `max_depth` constructed elements nested in one another.
fn scan_to_depth(bytes: &[u8], max_depth: usize) -> Result<(), String> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut pos = 0;
    let mut started = false;
    loop {
        while stack.last().is_some_and(|f| f.end == pos) {
            stack.pop();
        }
        let limit = match stack.last() {
            Some(f) => f.end,
            None if started => break,
            None => bytes.len(),
        };
        let (tag, head, len) = header(&bytes[pos..limit])?;
        let (start, end) = (pos, pos + head + len);
        if let Some(frame) = stack.last_mut() {
            frame.members += 1;
            if frame.members > MAX_MEMBERS {
                return Err(format!("an element with more than {MAX_MEMBERS} members"));
            }
            if frame.set {
                if let Some((a, b)) = frame.previous {
                    in_order(&bytes[a..b], &bytes[start..end])?;
                }
                frame.previous = Some((start, end));
            }
        }
        started = true;
        let constructed = tag & 0x20 != 0;
        if tag & 0xC0 == 0 {
            let number = tag & 0x1F;
            if number == 0 {
                return Err("an end-of-contents tag (BER, not DER)".into());
            }
            let sequence_or_set = number == 0x10 || number == 0x11;
            if constructed != sequence_or_set {
                return Err(if constructed {
                    format!(
                        "a constructed universal element of tag {number} (DER writes it primitive)"
                    )
                } else {
                    "a SEQUENCE or SET that is not constructed".into()
                });
            }
        }
        if constructed {
            if stack.len() == max_depth {
                return Err(format!(
                    "more than {max_depth} elements nested in one another"
                ));
            }
            stack.push(Frame {
                end,
                members: 0,
                set: tag == 0x31,
                previous: None,
            });
            pos = start + head;
        } else {
            if tag & 0xC0 == 0 {
                check_primitive(tag, &bytes[start + head..end])?;
            }
            pos = end;
        }
    }
    if pos != bytes.len() {
        return Err("the element is followed by other bytes".into());
    }
    Ok(())
}

/// Two members of a SET OF, `a` before `b`: `a` must sort first (X.690 11.6).
fn in_order(a: &[u8], b: &[u8]) -> Result<(), String> {
    match a.cmp(b) {
        Ordering::Less => Ok(()),
        Ordering::Equal => Err("a SET OF with two equal members".into()),
        Ordering::Greater => Err("a SET OF whose members are not in DER order".into()),
    }
}

/// The elements `content` is made of. Only for bytes [`scan`] accepted: anything else ends
/// the list early.
pub(crate) fn members(mut content: &[u8]) -> Vec<Element<'_>> {
    let mut out = Vec::new();
    while let Ok((tag, head, len)) = header(content) {
        out.push(Element {
            tag,
            content: &content[head..head + len],
            whole: &content[..head + len],
        });
        content = &content[head + len..];
    }
    out
}

/// The members of an implicitly tagged SET OF: at most `max`, and in order when `ordered`.
fn check_set_of<'a>(
    content: &'a [u8],
    max: usize,
    ordered: bool,
    what: &str,
) -> Result<Vec<Element<'a>>, String> {
    let items = members(content);
    if items.len() > max {
        return Err(format!("its {what} has more than {max} members"));
    }
    if ordered {
        for pair in items.windows(2) {
            in_order(pair[0].whole, pair[1].whole).map_err(|e| format!("its {what}: {e}"))?;
        }
    }
    Ok(items)
}

/// A SignerInfo's attributes (`signedAttrs [0]` or `unsignedAttrs [1]`): in order, at most
/// [`MAX_ATTRIBUTES`], each with at most [`MAX_ATTRIBUTE_VALUES`] values.
fn check_attributes(content: &[u8], what: &str) -> Result<(), String> {
    for attribute in check_set_of(content, MAX_ATTRIBUTES, true, what)? {
        if let [oid, values] = members(attribute.content)[..] {
            if oid.tag == 0x06 && values.tag == 0x31 {
                let n = members(values.content).len();
                if n > MAX_ATTRIBUTE_VALUES {
                    return Err(format!(
                        "an attribute of its {what} has {n} values, more than {MAX_ATTRIBUTE_VALUES}"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// [`scan`] (with at most `max_depth` levels: [`MAX_DEPTH`] for a token, [`MAX_SEAL_DEPTH`]
/// for a seal), and for a CMS `ContentInfo` holding `SignedData` (RFC 5652) its implicitly
/// tagged SET OFs in order and within their caps (the module's doc). A shape other than
/// ContentInfo → `[0]` → SignedData is left for the reader to refuse.
pub(crate) fn scan_cms(bytes: &[u8], max_depth: usize) -> Result<(), String> {
    scan_to_depth(bytes, max_depth)?;
    let Some(info) = members(bytes).first().copied() else {
        return Ok(());
    };
    let [_, explicit] = members(info.content)[..] else {
        return Ok(());
    };
    let [signed] = members(explicit.content)[..] else {
        return Ok(());
    };
    let fields = members(signed.content);
    // certificates [0]: capped, taken as written (the module's doc).
    for field in fields.iter().filter(|f| f.tag == 0xA0) {
        check_set_of(
            field.content,
            MAX_CERTIFICATE_ENTRIES,
            false,
            "certificates",
        )?;
    }
    // signerInfos: the last field, a SET OF SignerInfo.
    if let Some(infos) = fields.last().filter(|f| f.tag == 0x31 && fields.len() > 1) {
        for info in members(infos.content) {
            for field in members(info.content) {
                match field.tag {
                    0xA0 => check_attributes(field.content, "signed attributes")?,
                    0xA1 => check_attributes(field.content, "unsigned attributes")?,
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let n = content.len();
        if n < 0x80 {
            out.push(n as u8);
        } else if n < 0x100 {
            out.extend_from_slice(&[0x81, n as u8]);
        } else {
            out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
        }
        out.extend_from_slice(content);
        out
    }

    #[test]
    fn der_is_accepted() {
        for ok in [
            tlv(0x30, &[]),
            tlv(0x31, &[[2, 1, 1], [2, 1, 2]].concat()),
            tlv(0x31, &[&[2, 1, 1][..], &[2, 2, 1, 0]].concat()),
            tlv(0x06, &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D]),
            tlv(0x04, &[0; 300]),
            tlv(0x03, &[1, 0xFE]),
            tlv(0xA0, &[[2, 1, 9], [2, 1, 1]].concat()),
        ] {
            assert_eq!(scan(&ok), Ok(()), "{ok:02x?}");
        }
    }

    #[test]
    fn fail_what_der_does_not_allow() {
        let refused = |bytes: &[u8], words: &str| {
            let e = scan(bytes).unwrap_err();
            assert!(e.contains(words), "{bytes:02x?}: {e}");
        };
        refused(
            &tlv(0x31, &[[2, 1, 2], [2, 1, 1]].concat()),
            "not in DER order",
        );
        refused(&tlv(0x31, &[[2, 1, 1], [2, 1, 1]].concat()), "two equal");
        // Deeper: a set inside a sequence inside a tagged element.
        let inner = tlv(0x31, &[tlv(0x04, b"b"), tlv(0x04, b"a")].concat());
        refused(&tlv(0xA1, &tlv(0x30, &inner)), "not in DER order");
        refused(&tlv(0x06, &[0x2A, 0x80, 0x01]), "shortest form");
        refused(&tlv(0x06, &[0x80, 0x01]), "shortest form");
        refused(&tlv(0x06, &[0x2A, 0x86]), "cut short");
        refused(&[0x04, 0x81, 0x03, 1, 2, 3], "shortest form");
        refused(&[0x30, 0x80, 0, 0], "indefinite");
        refused(&[0x1F, 0x01, 0x00], "more than one byte");
        refused(&[0x04, 0x02, 0x00], "cut short");
        refused(&[0x04, 0x00, 0x00], "followed by other bytes");
        refused(&tlv(0x24, &tlv(0x04, b"x")), "primitive");
        refused(&tlv(0x10, &[]), "not constructed");
        refused(&tlv(0x02, &[0, 1]), "INTEGER");
        refused(&tlv(0x01, &[1]), "BOOLEAN");
        refused(&tlv(0x03, &[1, 0xFF]), "BIT STRING");
        refused(&tlv(0x05, &[0]), "NULL");
    }

    #[test]
    fn depth_and_members_are_capped() {
        let mut deep = tlv(0x05, &[]);
        for _ in 0..MAX_DEPTH {
            deep = tlv(0x30, &deep);
        }
        assert_eq!(scan(&deep), Ok(()));
        let deeper = tlv(0x30, &deep);
        assert!(scan(&deeper).unwrap_err().contains("nested"));
        let many = tlv(0x30, &tlv(0x05, &[]).repeat(MAX_MEMBERS));
        assert_eq!(scan(&many), Ok(()));
        let more = tlv(0x30, &tlv(0x05, &[]).repeat(MAX_MEMBERS + 1));
        assert!(scan(&more).unwrap_err().contains("members"));
        // Deep nesting of the largest size costs no recursion.
        let mut chain = Vec::new();
        for _ in 0..MAX_DEPTH * 4 {
            chain = tlv(0x30, &chain);
        }
        assert!(scan(&chain).is_err());
    }

    /// ContentInfo { signedData, [0] SignedData { 1, {}, {oid}, certs, infos } }.
    fn signed_data(certs: &[u8], attrs: &[u8]) -> Vec<u8> {
        let info = tlv(0x30, &[tlv(0x02, &[1]), attrs.to_vec()].concat());
        let sd = tlv(
            0x30,
            &[
                tlv(0x02, &[3]),
                tlv(0x31, &[]),
                tlv(0x30, &tlv(0x06, &[0x2A, 3])),
                certs.to_vec(),
                tlv(0x31, &info),
            ]
            .concat(),
        );
        tlv(0x30, &[tlv(0x06, &[0x2A, 2]), tlv(0xA0, &sd)].concat())
    }

    fn attribute(arc: u8, values: usize) -> Vec<u8> {
        let values: Vec<u8> = (0..values).flat_map(|i| tlv(0x02, &[i as u8])).collect();
        tlv(
            0x30,
            &[tlv(0x06, &[0x2A, arc]), tlv(0x31, &values)].concat(),
        )
    }

    fn scan_cms_token(bytes: &[u8]) -> Result<(), String> {
        scan_cms(bytes, MAX_DEPTH)
    }

    #[test]
    fn implicit_sets_of_cms_are_in_order_and_capped() {
        let c = |a: u8| tlv(0x30, &tlv(0x02, &[a]));
        let ordered = tlv(0xA0, &[c(1), c(2)].concat());
        let attrs = tlv(0xA0, &[attribute(1, 1), attribute(2, 3)].concat());
        assert_eq!(scan_cms_token(&signed_data(&ordered, &attrs)), Ok(()));
        // Certificates as OpenSSL writes them, in chain order: read as written, never sorted.
        let unordered = tlv(0xA0, &[c(2), c(1)].concat());
        assert_eq!(scan_cms_token(&signed_data(&unordered, &attrs)), Ok(()));
        // The generic scan cannot know a SignerInfo's [0] and [1] are SET OFs; scan_cms does.
        for tag in [0xA0, 0xA1] {
            let swapped = tlv(tag, &[attribute(2, 1), attribute(1, 1)].concat());
            assert_eq!(scan(&signed_data(&ordered, &swapped)), Ok(()));
            let e = scan_cms_token(&signed_data(&ordered, &swapped)).unwrap_err();
            assert!(e.contains("attributes") && e.contains("order"), "{e}");
        }
        let many_values = tlv(0xA1, &attribute(1, MAX_ATTRIBUTE_VALUES + 1));
        let e = scan_cms_token(&signed_data(&ordered, &many_values)).unwrap_err();
        assert!(e.contains("values"), "{e}");
        let at_cap = tlv(0xA1, &attribute(1, MAX_ATTRIBUTE_VALUES));
        assert_eq!(scan_cms_token(&signed_data(&ordered, &at_cap)), Ok(()));
        let many: Vec<u8> = (1..=MAX_ATTRIBUTES as u8 + 1)
            .flat_map(|a| attribute(a, 1))
            .collect();
        let e = scan_cms_token(&signed_data(&ordered, &tlv(0xA0, &many))).unwrap_err();
        assert!(e.contains("more than"), "{e}");
        let certs: Vec<u8> = (1..=MAX_CERTIFICATE_ENTRIES as u8 + 1)
            .flat_map(c)
            .collect();
        let e = scan_cms_token(&signed_data(&tlv(0xA0, &certs), &attrs)).unwrap_err();
        assert!(e.contains("certificates"), "{e}");
    }
}
