//! The one place Accolade reads the time. Everything else takes a `&dyn Clock`, so expiry,
//! status and validity checks are deterministic in tests.

use std::sync::Mutex;
use time::OffsetDateTime;

/// A source of the current time.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the single sanctioned reading of the system clock
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that says what it is told; for tests and for "verify as of" checks.
#[derive(Debug)]
pub struct FixedClock(Mutex<OffsetDateTime>);

impl FixedClock {
    pub fn new(at: OffsetDateTime) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: OffsetDateTime) {
        if let Ok(mut t) = self.0.lock() {
            *t = at;
        }
    }

    pub fn advance(&self, by: time::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        match self.0.lock() {
            Ok(t) => *t,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let c = FixedClock::new(datetime!(2025-01-01 0:00 UTC));
        assert_eq!(c.now(), datetime!(2025-01-01 0:00 UTC));
        c.advance(time::Duration::days(1));
        assert_eq!(c.now(), datetime!(2025-01-02 0:00 UTC));
    }
}
