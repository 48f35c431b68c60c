//! Timestamps as okchat writes them: ISO-8601, microseconds, `+00:00`.

use time::{format_description::FormatItem, macros::format_description, OffsetDateTime};

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]+00:00");

/// Now, in UTC. Lexicographic order equals time order, so the database sorts on the text.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// `at` in the API's format; `at` must be in UTC.
pub fn format(at: OffsetDateTime) -> String {
    at.format(FORMAT).expect("a UTC timestamp always formats")
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_have_microseconds_and_utc_offset() {
        let ts = super::now();
        assert_eq!(ts.len(), "2025-01-22T04:30:45.790337+00:00".len());
        assert!(ts.ends_with("+00:00"));
        assert_eq!(&ts[19..20], ".");
    }
}
