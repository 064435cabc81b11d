//! The time things happen at.

use chrono::{DateTime, FixedOffset};

/// Now, with the local offset. `TWEEVOUD_NOW` (RFC 3339) fixes it, as for the CLI, so that a
/// scripted run gives the same dates; an unreadable value is ignored.
pub fn now() -> DateTime<FixedOffset> {
    std::env::var("TWEEVOUD_NOW")
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .unwrap_or_else(|| chrono::Local::now().fixed_offset())
}
