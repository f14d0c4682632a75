//! The one reading of the clock: the date every command takes as today (for dates that may not
//! lie in the future, a scaffold's first changelog entry, synthetic dates).
//!
//! `AABC_TODAY=YYYY-MM-DD` fixes it, so that a run can be reproduced on another day and tests
//! can show that no output depends on when it was made; unset, it is the system's local date.

use chrono::NaiveDate;

/// The environment variable that fixes today's date.
pub const TODAY_VAR: &str = "AABC_TODAY";

/// Today: the date in `AABC_TODAY`, or the system's local date.
///
/// # Panics
/// When `AABC_TODAY` is set to anything but a `YYYY-MM-DD` date: a test or a reproduction run
/// that asked for a fixed date must not quietly get the real one.
pub fn today() -> NaiveDate {
    match std::env::var(TODAY_VAR) {
        Ok(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d").unwrap_or_else(|_| {
            panic!("{TODAY_VAR}={text:?} is not a date: write it as YYYY-MM-DD, or unset it")
        }),
        Err(_) => chrono::Local::now().date_naive(),
    }
}
