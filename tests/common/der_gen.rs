//! Timestamp tokens taken apart and put together again, for the hostile-input tests and the
//! vectors: what a TSA's signature does not cover (the certificates, the unsigned attributes)
//! is changed, the rest kept byte for byte, every enclosing length written again.
//!
//! The shapes (docs/timestamps.md, step 1 and "Cost"): the most expensive token the reader
//! accepts at its caps, and the ones just past each cap or out of DER order.
#![allow(dead_code)]

use tweevoud::der_scan::{
    MAX_ATTRIBUTES, MAX_ATTRIBUTE_VALUES, MAX_CERTIFICATE_ENTRIES, MAX_DEPTH, MAX_MEMBERS,
};
use tweevoud::timestamp::{MAX_CERTIFICATES, MAX_TOKEN_BYTES};

/// A DER element: primitive (its content) or constructed (its members).
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Prim(u8, Vec<u8>),
    Cons(u8, Vec<Node>),
}

/// Tag, minimal length, content.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
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

fn read_one(bytes: &[u8]) -> (Node, &[u8]) {
    let tag = bytes[0];
    let (len, head) = match bytes[1] {
        n if n < 0x80 => (usize::from(n), 2),
        n => {
            let k = usize::from(n & 0x7F);
            let len = bytes[2..2 + k]
                .iter()
                .fold(0usize, |a, &b| (a << 8) | usize::from(b));
            (len, 2 + k)
        }
    };
    let content = &bytes[head..head + len];
    let node = if tag & 0x20 != 0 {
        let mut rest = content;
        let mut members = Vec::new();
        while !rest.is_empty() {
            let (m, r) = read_one(rest);
            members.push(m);
            rest = r;
        }
        Node::Cons(tag, members)
    } else {
        Node::Prim(tag, content.to_vec())
    };
    (node, &bytes[head + len..])
}

impl Node {
    /// The one element `bytes` is (which must be DER).
    pub fn parse(bytes: &[u8]) -> Node {
        let (node, rest) = read_one(bytes);
        assert!(rest.is_empty());
        node
    }

    pub fn encode(&self) -> Vec<u8> {
        match self {
            Node::Prim(tag, content) => tlv(*tag, content),
            Node::Cons(tag, members) => {
                let content: Vec<u8> = members.iter().flat_map(Node::encode).collect();
                tlv(*tag, &content)
            }
        }
    }

    fn members(&mut self) -> &mut Vec<Node> {
        match self {
            Node::Cons(_, m) => m,
            Node::Prim(..) => panic!("not constructed"),
        }
    }

    fn tag(&self) -> u8 {
        match self {
            Node::Prim(t, _) | Node::Cons(t, _) => *t,
        }
    }
}

/// A token's SignedData fields.
fn signed_data(token: &mut Node) -> &mut Vec<Node> {
    token.members()[1].members()[0].members()
}

/// The fields of a token's (one) SignerInfo.
fn signer_info(token: &mut Node) -> &mut Vec<Node> {
    signed_data(token)
        .last_mut()
        .unwrap()
        .members()
        .first_mut()
        .unwrap()
        .members()
}

/// `token` with the entries of its `certificates [0]` replaced by `entries` (DER each), in the
/// order given.
pub fn with_certificates(token: &[u8], entries: &[Vec<u8>]) -> Vec<u8> {
    let mut t = Node::parse(token);
    let fields = signed_data(&mut t);
    let certs = fields.iter_mut().find(|f| f.tag() == 0xA0).unwrap();
    *certs.members() = entries.iter().map(|e| Node::parse(e)).collect();
    t.encode()
}

/// The entries of a token's `certificates [0]`, DER each.
pub fn certificates(token: &[u8]) -> Vec<Vec<u8>> {
    let mut t = Node::parse(token);
    let fields = signed_data(&mut t);
    let certs = fields.iter_mut().find(|f| f.tag() == 0xA0).unwrap();
    certs.members().iter().map(Node::encode).collect()
}

/// `token` with `attributes` (DER each, in the order given) as its unsigned attributes.
pub fn with_unsigned(token: &[u8], attributes: &[Vec<u8>]) -> Vec<u8> {
    let mut t = Node::parse(token);
    let fields = signer_info(&mut t);
    fields.retain(|f| f.tag() != 0xA1);
    fields.push(Node::Cons(
        0xA1,
        attributes.iter().map(|a| Node::parse(a)).collect(),
    ));
    t.encode()
}

/// `token` with its signed attributes in reverse order (out of DER order).
pub fn with_signed_reversed(token: &[u8]) -> Vec<u8> {
    let mut t = Node::parse(token);
    let fields = signer_info(&mut t);
    let attrs = fields.iter_mut().find(|f| f.tag() == 0xA0).unwrap();
    attrs.members().reverse();
    t.encode()
}

/// An attribute of the private arc 1.3.6.1.4.1.99999.9.`k` with `values` (DER each), in the
/// order given.
pub fn attribute(k: u8, values: &[Vec<u8>]) -> Vec<u8> {
    assert!(k < 0x80);
    let oid = tlv(0x06, &[0x2B, 6, 1, 4, 1, 0x86, 0x8D, 0x1F, 9, k]);
    tlv(0x30, &[oid, tlv(0x31, &values.concat())].concat())
}

/// `n` distinct small DER values (INTEGERs, then OCTET STRINGs of two bytes), shortest
/// first, in DER order.
pub fn distinct_values(n: usize) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..=255u8).map(|b| tlv(0x02, &[b])).collect();
    let mut i = 0u16;
    while out.len() < n {
        out.push(tlv(0x04, &i.to_be_bytes()));
        i += 1;
    }
    out.truncate(n);
    out.sort();
    out
}

/// `levels` SEQUENCEs nested in one another around a NULL.
pub fn nested(levels: usize) -> Vec<u8> {
    let mut v = tlv(0x05, &[]);
    for _ in 0..levels {
        v = tlv(0x30, &v);
    }
    v
}

/// Where an unsigned attribute's value sits: ContentInfo, [0], SignedData, signerInfos,
/// SignerInfo, [1], Attribute, its SET: 8 constructed elements.
pub const VALUE_DEPTH: usize = 8;

/// The CA certificate a token carries (the self-issued one), its TBS's serial changed by `k`:
/// another certificate of the same name and key.
fn ca_variant(token: &[u8], k: u8) -> Vec<u8> {
    let ca = certificates(token)
        .into_iter()
        .find(|c| {
            let mut n = Node::parse(c);
            let tbs = n.members()[0].members();
            tbs[3] == tbs[5]
        })
        .unwrap();
    let mut n = Node::parse(&ca);
    let tbs = n.members()[0].members();
    let Node::Prim(0x02, serial) = &mut tbs[1] else {
        panic!("serial")
    };
    *serial.last_mut().unwrap() ^= k;
    n.encode()
}

/// An `other [3] IMPLICIT OtherCertificateFormat`: the private OID 1.3.6.1.4.1.99999.8.`k` and
/// an OCTET STRING.
pub fn other_certificate(k: u8) -> Vec<u8> {
    let oid = tlv(0x06, &[0x2B, 6, 1, 4, 1, 0x86, 0x8D, 0x1F, 8, k]);
    tlv(
        0xA3,
        &[oid, tlv(0x04, b"not an X.509 certificate")].concat(),
    )
}

/// The token's certificates, then `variants` more of its CA and `others` other formats.
pub fn many_certificates(token: &[u8], variants: usize, others: usize) -> Vec<Vec<u8>> {
    let mut all = certificates(token);
    all.extend((1..=variants as u8).map(|k| ca_variant(token, k)));
    all.extend((1..=others as u8).map(other_certificate));
    all
}

/// The most expensive token the reader accepts: every cap reached (certificates, entries,
/// attributes, values per attribute, members of a SEQUENCE, nesting), in DER order, filled
/// to 64 KiB with the values' bytes.
pub fn at_caps(token: &[u8]) -> Vec<u8> {
    let n = certificates(token).len();
    let entries = many_certificates(
        token,
        MAX_CERTIFICATES - n,
        MAX_CERTIFICATE_ENTRIES - MAX_CERTIFICATES,
    );
    let base = with_certificates(token, &entries);
    let build = |fill: usize| {
        let mut attrs: Vec<Vec<u8>> = (1..=MAX_ATTRIBUTES as u8)
            .map(|k| {
                let mut values: Vec<Vec<u8>> = (0..MAX_ATTRIBUTE_VALUES as u16)
                    .map(|i| {
                        let mut content = vec![0u8; fill.max(2)];
                        content[..2].copy_from_slice(&i.to_be_bytes());
                        tlv(0x04, &content)
                    })
                    .collect();
                if k == 1 {
                    values.pop();
                    values.pop();
                    values.push(nested(MAX_DEPTH - VALUE_DEPTH));
                    values.push(tlv(0x30, &tlv(0x05, &[]).repeat(MAX_MEMBERS)));
                    values.sort();
                }
                attribute(k, &values)
            })
            .collect();
        attrs.sort();
        with_unsigned(&base, &attrs)
    };
    let mut fill = MAX_TOKEN_BYTES / (MAX_ATTRIBUTES * MAX_ATTRIBUTE_VALUES);
    loop {
        let t = build(fill);
        if t.len() <= MAX_TOKEN_BYTES {
            return t;
        }
        fill -= 1;
    }
}

/// The case: as many distinct values as a 64 KiB token holds (about 15,800), in one
/// unsigned attribute, in reverse DER order: what the `der` crate sorted by insertion. With
/// how many.
pub fn many_values_reversed(token: &[u8]) -> (Vec<u8>, usize) {
    let mut n = 16_000;
    loop {
        let mut values = distinct_values(n);
        values.reverse();
        let t = with_unsigned(token, &[attribute(1, &values)]);
        if t.len() <= MAX_TOKEN_BYTES {
            return (t, n);
        }
        n -= 50;
    }
}

/// Shapes the reader must refuse as unreadable, each just past a cap or out of order, named.
pub fn refused(token: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let n = certificates(token).len();
    let two = distinct_values(2);
    let mut many = distinct_values(15_000);
    let in_order = with_unsigned(token, &[attribute(1, &many)]);
    many.truncate(MAX_ATTRIBUTE_VALUES + 1);
    let mut not_other = certificates(token);
    not_other.push(tlv(0xA3, &tlv(0x04, b"no OID")));
    let deep = nested(MAX_DEPTH - VALUE_DEPTH + 1);
    vec![
        (
            "many values in reverse order",
            many_values_reversed(token).0,
        ),
        ("15,000 values in order", in_order),
        (
            "two values out of order",
            with_unsigned(token, &[attribute(1, &[two[1].clone(), two[0].clone()])]),
        ),
        (
            "two equal values",
            with_unsigned(token, &[attribute(1, &[two[0].clone(), two[0].clone()])]),
        ),
        (
            "one value too many",
            with_unsigned(token, &[attribute(1, &many)]),
        ),
        ("one attribute too many", {
            let attrs: Vec<Vec<u8>> = (1..=MAX_ATTRIBUTES as u8 + 1)
                .map(|k| attribute(k, &two[..1]))
                .collect();
            with_unsigned(token, &attrs)
        }),
        (
            "attributes out of order",
            with_unsigned(token, &[attribute(2, &two[..1]), attribute(1, &two[..1])]),
        ),
        (
            "signed attributes out of order",
            with_signed_reversed(token),
        ),
        (
            "nested one level too deep",
            with_unsigned(token, &[attribute(1, &[deep])]),
        ),
        (
            "a SEQUENCE with one member too many",
            with_unsigned(
                token,
                &[attribute(
                    1,
                    &[tlv(0x30, &tlv(0x05, &[]).repeat(MAX_MEMBERS + 1))],
                )],
            ),
        ),
        (
            "one certificate too many",
            with_certificates(
                token,
                &many_certificates(token, MAX_CERTIFICATES + 1 - n, 0),
            ),
        ),
        (
            "one certificate entry too many",
            with_certificates(
                token,
                &many_certificates(token, 0, MAX_CERTIFICATE_ENTRIES + 1 - n),
            ),
        ),
        (
            "an other certificate format without its OID",
            with_certificates(token, &not_other),
        ),
        (
            "an OID with a 0x80 octet",
            with_unsigned(token, &[attribute(1, &[tlv(0x06, &[0x2A, 0x80, 0x01])])]),
        ),
    ]
}
