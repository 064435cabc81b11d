//! The time things happen at: the browser's clock, with the offset of its time zone at that
//! moment (so a signature made in Brussels in winter says +01:00, as the desktop's would).

use chrono::{DateTime, FixedOffset};

/// Now, with the local offset.
#[cfg(target_arch = "wasm32")]
pub fn now() -> DateTime<FixedOffset> {
    let date = js_sys::Date::new_0();
    let utc = DateTime::from_timestamp_millis(date.get_time() as i64).unwrap_or_default();
    // JavaScript gives the minutes from local time to UTC (-60 in Brussels in winter).
    let offset = FixedOffset::west_opt((date.get_timezone_offset() * 60.0) as i32)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC is an offset"));
    utc.with_timezone(&offset)
}

/// Now, with the local offset (the operating system's clock: the native tests).
#[cfg(not(target_arch = "wasm32"))]
pub fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}
