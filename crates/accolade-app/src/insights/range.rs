//! The span of days a dashboard shows: one of the presets ending today, or any days from–to.

use crate::{AppError, AppResult};
use time::{Date, Duration, OffsetDateTime};

/// The presets offered, in days ending today.
pub const PRESETS: [u32; 4] = [7, 30, 90, 365];
/// The longest custom range, in days (about ten years).
pub const MAX_DAYS: i64 = 3_660;

/// Days since 1970-01-01 (UTC) of an instant.
pub fn day_number(t: OffsetDateTime) -> i64 {
    t.unix_timestamp().div_euclid(86_400)
}

const EPOCH: Date = time::macros::date!(1970 - 01 - 01);

/// Days since 1970-01-01 of a date.
pub fn date_number(d: Date) -> i64 {
    (d - EPOCH).whole_days()
}

/// The date `n` days after 1970-01-01.
pub fn number_date(n: i64) -> Date {
    EPOCH + Duration::days(n)
}

/// Days `from` to `to`, both included (UTC dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: Date,
    pub to: Date,
    /// The preset it was made from, if any.
    pub preset: Option<u32>,
}

impl DateRange {
    /// The `days` days ending on `today`'s date.
    pub fn last_days(days: u32, today: OffsetDateTime) -> Self {
        let to = today.date();
        Self {
            from: to - Duration::days(i64::from(days.max(1)) - 1),
            to,
            preset: Some(days),
        }
    }

    /// Any days from `from` to `to` (both included); `from` after `to`, or a span longer than
    /// [`MAX_DAYS`], is refused.
    pub fn custom(from: Date, to: Date) -> AppResult<Self> {
        if from > to {
            return Err(AppError::invalid_field(
                "from",
                "The start date is after the end date. Choose a start on or before the end.",
            ));
        }
        if (to - from).whole_days() + 1 > MAX_DAYS {
            return Err(AppError::invalid_field(
                "from",
                "Choose a range of ten years or less.",
            ));
        }
        Ok(Self {
            from,
            to,
            preset: None,
        })
    }

    /// Days in the range.
    pub fn days(&self) -> i64 {
        (self.to - self.from).whole_days() + 1
    }

    /// `[first, end)` as day numbers.
    pub fn day_bounds(&self) -> (i64, i64) {
        (date_number(self.from), date_number(self.to) + 1)
    }

    /// `[start, end)` as instants (midnights UTC).
    pub fn instants(&self) -> (OffsetDateTime, OffsetDateTime) {
        (
            self.from.midnight().assume_utc(),
            (self.to + Duration::days(1)).midnight().assume_utc(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn presets_end_today_and_count_today() {
        let r = DateRange::last_days(7, datetime!(2026-12-07 18:00 UTC));
        assert_eq!(r.from, date!(2026 - 12 - 01));
        assert_eq!(r.to, date!(2026 - 12 - 07));
        assert_eq!(r.days(), 7);
        let (a, b) = r.day_bounds();
        assert_eq!(b - a, 7);
        assert_eq!(number_date(a), r.from);
        assert_eq!(number_date(b - 1), r.to);
        assert_eq!(day_number(datetime!(2026-12-07 23:59:59 UTC)), b - 1);
        assert_eq!(day_number(datetime!(1970-01-01 00:00 UTC)), 0);
        assert_eq!(day_number(datetime!(1969-12-31 23:59 UTC)), -1);
    }

    #[test]
    fn custom_ranges_are_checked() {
        assert!(DateRange::custom(date!(2026 - 12 - 02), date!(2026 - 12 - 01)).is_err());
        let one = DateRange::custom(date!(2026 - 12 - 01), date!(2026 - 12 - 01)).unwrap();
        assert_eq!(one.days(), 1);
        assert_eq!(
            one.instants(),
            (
                datetime!(2026-12-01 00:00 UTC),
                datetime!(2026-12-02 00:00 UTC)
            )
        );
        assert!(DateRange::custom(date!(2000 - 01 - 01), date!(2026 - 01 - 01)).is_err());
    }
}
