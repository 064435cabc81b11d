//! The one way a time is written in an agreement file: signing, filling and verifying all
//! read times through [`parse_time`], so that what signing writes is what verifying accepts
//! (and the module that writes agreements need not reach into the one that verifies them).

use chrono::{DateTime, FixedOffset};

/// Reads a time as Tweevoud writes it and as verification requires it: exactly
/// `YYYY-MM-DDTHH:MM:SS+HH:MM` or `...-HH:MM` (RFC 3339 with a numeric offset, whole seconds),
/// a year from 0001, a day that exists, hours 00–23, minutes and seconds 00–59, an offset of
/// at most 23:59, and not `-00:00` (RFC 3339's "offset unknown", which ISO 8601 does not have
/// and Tweevoud never writes: UTC is `+00:00`). `None` for anything else (`Z`, a fraction of a
/// second, a leap second).
pub fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    const SHAPE: &[u8; 25] = b"9999-99-99T99:99:99+99:99";
    let b = s.as_bytes();
    if b.len() != SHAPE.len() {
        return None;
    }
    let shaped = b.iter().zip(SHAPE).all(|(&c, &want)| match want {
        b'9' => c.is_ascii_digit(),
        b'+' => c == b'+' || c == b'-',
        _ => c == want,
    });
    if !shaped {
        return None;
    }
    let n = |from: usize, to: usize| s.get(from..to).and_then(|d| d.parse::<u32>().ok());
    let year = n(0, 4)?;
    let (hour, minute, second) = (n(11, 13)?, n(14, 16)?, n(17, 19)?);
    let (off_h, off_m) = (n(20, 22)?, n(23, 25)?);
    if year == 0 || hour > 23 || minute > 59 || second > 59 || off_h > 23 || off_m > 59 {
        return None;
    }
    if &b[19..] == b"-00:00" {
        return None;
    }
    DateTime::parse_from_rfc3339(s).ok()
}
