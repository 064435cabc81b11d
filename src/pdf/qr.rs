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
//! can match each of them. This module makes the code's modules; the layout draws them
//! (`layout::draw_qr`).

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel};

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

/// The masks in the order `qrcode` tries them; the first with the lowest penalty wins.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The QR code of `content` (error correction M): its width and its modules, row by row,
/// `true` for dark. Exactly the code `qrcode::QrCode::with_error_correction_level` makes —
/// the same segments, version, codewords and mask — built from the same crate's parts, but
/// with the mask chosen by [`penalty`], which scores a mask as `qrcode` does at a small
/// fraction of the cost (its scoring took a third of the time of rendering an exemplar).
/// Exemplars are compared byte for byte, so this must never pick another mask: the tests
/// hold it to `qrcode`'s choice.
pub(crate) fn modules(content: &[u8]) -> Option<(usize, Vec<bool>)> {
    let bits = qrcode::bits::encode_auto(content, EcLevel::M).ok()?;
    let version = bits.version();
    let width = usize::try_from(version.width()).ok()?;
    let (data, ec) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).ok()?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let mut best: Option<(u16, Vec<bool>)> = None;
    for mask in MASKS {
        let mut masked = canvas.clone();
        masked.apply_mask(mask);
        let dark: Vec<bool> = masked
            .into_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        let score = if width <= 128 {
            penalty_bits(&dark, width)
        } else {
            penalty(&dark, width)
        };
        if best.as_ref().is_none_or(|(b, _)| score < *b) {
            best = Some((score, dark));
        }
    }
    best.map(|(_, dark)| (width, dark))
}

/// [`penalty`], with each row and each column of a code at most 128 modules wide (version 27
/// and below) held as the bits of one `u128`, module `k` in bit `k`.
fn penalty_bits(dark: &[bool], w: usize) -> u16 {
    let mut rows = vec![0u128; w];
    let mut columns = vec![0u128; w];
    // Row by row: no division per module.
    for ((y, line), row) in dark.chunks_exact(w).enumerate().zip(rows.iter_mut()) {
        for (x, _) in line.iter().enumerate().filter(|(_, d)| **d) {
            *row |= 1 << x;
            columns[x] |= 1 << y;
        }
    }
    // The low `n` bits.
    let low = |n: usize| {
        if n >= 128 {
            u128::MAX
        } else {
            (1u128 << n) - 1
        }
    };
    let mut total = 0u16;
    for lines in [&rows, &columns] {
        let mut adjacent = 0u16;
        let mut finder = 0u16;
        for &line in lines.iter() {
            // Runs: a set bit k in `ends` ends a run at module k.
            let mut ends = (line ^ (line >> 1)) & low(w - 1);
            let mut start = 0;
            loop {
                let end = if ends == 0 {
                    w - 1
                } else {
                    ends.trailing_zeros() as usize
                };
                let run = (end + 1 - start) as u16;
                if run >= 5 {
                    adjacent = adjacent.wrapping_add(run - 2);
                }
                if ends == 0 {
                    break;
                }
                ends &= ends - 1;
                start = end + 1;
            }
            // Finder-like patterns #.###.# starting at bit j, then light on either side
            // (outside the code counts as light: no bits there).
            let at = |k: usize| line >> k;
            let found = line & !at(1) & at(2) & at(3) & at(4) & !at(5) & at(6) & low(w - 6);
            let dark_before = (line << 1) | (line << 2) | (line << 3) | (line << 4);
            let dark_after = at(7) | at(8) | at(9) | at(10);
            let penalised = (found & (!dark_before | !dark_after)).count_ones() as u16;
            finder = finder.wrapping_add(penalised.wrapping_mul(40));
        }
        total = total
            .wrapping_add(adjacent)
            .wrapping_add(finder.wrapping_sub(360));
    }
    // 2×2 blocks of one colour, by their top left module.
    let mut blocks = 0u16;
    for pair in rows.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let same_below = !(a ^ b);
        let same_right = !(a ^ (a >> 1));
        let n = (same_below & (same_below >> 1) & same_right & low(w - 1)).count_ones() as u16;
        blocks = blocks.wrapping_add(n.wrapping_mul(3));
    }
    let count: usize = rows.iter().map(|r| r.count_ones() as usize).sum();
    let balance = (count * 200 / (w * w)).abs_diff(100) as u16;
    total.wrapping_add(blocks).wrapping_add(balance)
}

/// The penalty of a masked code (`dark`, `w` modules a row), computed as `qrcode` 0.14
/// computes it for a normal (not micro) QR code, in the same `u16` arithmetic: runs of five
/// or more modules of one colour in a row or column (length − 2 each), 2×2 blocks of one
/// colour (3 each), finder-like patterns `#.###.#` without four light modules on one side,
/// outside the code counting as light (40 each, less the 360 the three finder patterns
/// always score, per direction), and the distance of the dark share from half.
fn penalty(dark: &[bool], w: usize) -> u16 {
    // Columns as rows, so that both directions are read as contiguous lines.
    let mut columns = Vec::with_capacity(w * w);
    for x in 0..w {
        columns.extend((0..w).map(|y| dark[y * w + x]));
    }
    let mut total = 0u16;
    for grid in [dark, &columns[..]] {
        let mut adjacent = 0u16;
        let mut finder = 0u16;
        for line in grid.chunks_exact(w) {
            let mut run = 1u16;
            for k in 1..w {
                if line[k] == line[k - 1] {
                    run += 1;
                } else {
                    if run >= 5 {
                        adjacent = adjacent.wrapping_add(run - 2);
                    }
                    run = 1;
                }
            }
            if run >= 5 {
                adjacent = adjacent.wrapping_add(run - 2);
            }
            // The last 15 modules of the line padded with 4 light ones at each end, the
            // newest in bit 0: 4 before, the 7 of the pattern, 4 after.
            let mut window = 0u32;
            let padded = line.iter().copied().chain([false; 4]);
            for (k, module) in padded.enumerate() {
                window = ((window << 1) | u32::from(module)) & 0x7fff;
                if k >= 10
                    && (window >> 4) & 0x7f == 0b101_1101
                    && (window >> 11 == 0 || window & 0xf == 0)
                {
                    finder = finder.wrapping_add(40);
                }
            }
        }
        total = total
            .wrapping_add(adjacent)
            .wrapping_add(finder.wrapping_sub(360));
    }
    let mut blocks = 0u16;
    for rows in dark.chunks_exact(w).collect::<Vec<_>>().windows(2) {
        let (a, b) = (rows[0], rows[1]);
        for x in 0..w - 1 {
            if a[x] == a[x + 1] && a[x] == b[x] && a[x] == b[x + 1] {
                blocks = blocks.wrapping_add(3);
            }
        }
    }
    let ratio = dark.iter().filter(|d| **d).count() * 200 / dark.len();
    let balance = ratio.abs_diff(100) as u16;
    total.wrapping_add(blocks).wrapping_add(balance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::QrCode;

    /// The codes made here are, module for module, those `qrcode` makes: for contents of
    /// every length a signature's QR code has and around it, in every kind of character mix.
    #[test]
    fn the_same_code_as_qrcode_makes() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabets: [&[u8]; 3] = [
            b"0123456789abcdef",
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:",
            b"tweevoud:1;agreement=template=role=key=sig=0123456789abcdef",
        ];
        for round in 0..200 {
            let alphabet = alphabets[round % alphabets.len()];
            let len = 1 + (next() % 420) as usize;
            let content: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let theirs = QrCode::with_error_correction_level(&content, EcLevel::M).unwrap();
            let (width, ours) = modules(&content).unwrap();
            assert_eq!(
                width,
                theirs.width(),
                "{}",
                String::from_utf8_lossy(&content)
            );
            let theirs: Vec<bool> = theirs
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            assert!(ours == theirs, "{}", String::from_utf8_lossy(&content));
        }
    }

    /// The two ways of scoring agree, on any grid of any width they both take.
    #[test]
    fn both_scorings_agree() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for w in (21..=125).step_by(4).chain([128]) {
            for density in [2, 3, 5] {
                // Long runs and finder-like patterns show up often enough with runs of
                // repeated random bits.
                let mut dark = Vec::with_capacity(w * w);
                while dark.len() < w * w {
                    let bit = next() % density == 0;
                    let repeat = 1 + (next() % 6) as usize;
                    dark.extend(std::iter::repeat_n(bit, repeat));
                }
                dark.truncate(w * w);
                assert_eq!(penalty_bits(&dark, w), penalty(&dark, w), "width {w}");
            }
        }
    }

    /// Codes wider than 128 modules are scored the slower way, to the same result.
    #[test]
    fn large_codes_are_the_same_as_qrcode_makes() {
        let content = "tweevoud:1;".repeat(160);
        let theirs = QrCode::with_error_correction_level(content.as_bytes(), EcLevel::M).unwrap();
        assert!(theirs.width() > 128);
        let (width, ours) = modules(content.as_bytes()).unwrap();
        assert_eq!(width, theirs.width());
        let theirs: Vec<bool> = theirs
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        assert!(ours == theirs);
    }
}
