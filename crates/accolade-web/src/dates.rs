//! One way to write dates on every page.

use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// "12 March 2025", in the date's own offset.
pub fn format_date(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[day padding:none] [month repr:long] [year]"
    ))
    .unwrap_or_else(|_| at.date().to_string())
}

/// "12 March 2025, 14:03 UTC".
pub fn format_datetime(at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
    utc.format(format_description!(
        "[day padding:none] [month repr:long] [year], [hour]:[minute] UTC"
    ))
    .unwrap_or_else(|_| utc.to_string())
}
