//! The QR code of each signature in the signature block.
//!
//! Its content is one line of ASCII (specified in `docs/pdf.md`):
//!
//! ```text
//! tweevoud:1;agreement=<text sha256>;template=<template sha256>;role=<provider|customer>;key=<key fingerprint>;sig=<record hash>
//! ```
//!
//! so that a phone shows which agreement text, which template, which party, which key and
//! which signature record the panel stands for, and a verifier holding the agreement file
//! can match each of them. The code is drawn as filled rectangles, one per run of dark
//! modules in a row, with no image.

use qrcode::{Color, EcLevel, QrCode};

use super::layout::Item;
use crate::agreement::Agreement;
use crate::signature::SignatureRecord;

/// The QR content for one signature of an agreement.
pub fn qr_content(agreement: &Agreement, record: &SignatureRecord) -> String {
    let st = &record.statement;
    let key = st.fingerprint().map(hex::encode).unwrap_or_default();
    format!(
        "tweevoud:1;agreement={};template={};role={};key={key};sig={}",
        agreement.text_sha256(),
        agreement.template().sha256_hex(),
        st.signer.role,
        record.record_hash()
    )
}

/// The code's dark modules as rectangles in a `size`-wide square at (`x`, `y`) (top left).
pub(crate) fn draw(content: &str, x: f32, y: f32, size: f32) -> Vec<Item> {
    // The content is a few hundred ASCII bytes: far below the largest QR code.
    let Ok(code) = QrCode::with_error_correction_level(content.as_bytes(), EcLevel::M) else {
        return vec![Item::Frame {
            x,
            y,
            w: size,
            h: size,
            dashed: true,
        }];
    };
    let n = code.width();
    let module = size / n as f32;
    let mut items = Vec::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if code[(col, row)] == Color::Dark {
                let start = col;
                while col < n && code[(col, row)] == Color::Dark {
                    col += 1;
                }
                items.push(Item::Fill {
                    x: x + start as f32 * module,
                    y: y + row as f32 * module,
                    w: (col - start) as f32 * module,
                    h: module,
                });
            } else {
                col += 1;
            }
        }
    }
    items
}
