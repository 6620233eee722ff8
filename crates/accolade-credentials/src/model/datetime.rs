//! RFC 3339 date-times with a timezone (`DateTimeZ` in the OB 3.0 data model).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use super::ModelError;

/// A date-time with a timezone, e.g. `2025-01-15T12:00:00Z` or `2022-11-10T07:38:00-08:00`.
///
/// Keeps the text it was read from, so a credential is written back as it came; a value made
/// from an [`OffsetDateTime`] is written with seconds precision (sub-seconds only when
/// non-zero) and `Z` for UTC. Equality compares the text; compare instants with
/// [`DateTime::instant`], [`DateTime::is_before`] or [`DateTime::is_after`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateTime {
    text: String,
    instant: OffsetDateTime,
}

impl DateTime {
    /// Parses RFC 3339 text; a timezone (`Z` or `±hh:mm`) is required.
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        let instant =
            OffsetDateTime::parse(text, &Rfc3339).map_err(|e| ModelError::InvalidDateTime {
                value: text.to_owned(),
                reason: e.to_string(),
            })?;
        Ok(Self {
            text: text.to_owned(),
            instant,
        })
    }

    /// Writes an instant in canonical form. Fails only for values RFC 3339 cannot hold
    /// (years before 0000). An offset with seconds is converted to UTC.
    pub fn from_offset_date_time(instant: OffsetDateTime) -> Result<Self, ModelError> {
        let instant = if instant.offset().seconds_past_minute() == 0 {
            instant
        } else {
            instant.to_offset(UtcOffset::UTC)
        };
        let text = instant
            .format(&Rfc3339)
            .map_err(|e| ModelError::InvalidDateTime {
                value: format!("{instant:?}"),
                reason: e.to_string(),
            })?;
        Ok(Self { text, instant })
    }

    /// The instant, for comparisons and arithmetic.
    pub fn instant(&self) -> OffsetDateTime {
        self.instant
    }

    /// The text as written in the credential.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this instant is strictly earlier than `other`.
    pub fn is_before(&self, other: OffsetDateTime) -> bool {
        self.instant < other
    }

    /// Whether this instant is strictly later than `other`.
    pub fn is_after(&self, other: OffsetDateTime) -> bool {
        self.instant > other
    }
}

impl TryFrom<OffsetDateTime> for DateTime {
    type Error = ModelError;

    fn try_from(instant: OffsetDateTime) -> Result<Self, Self::Error> {
        Self::from_offset_date_time(instant)
    }
}

impl From<DateTime> for OffsetDateTime {
    fn from(value: DateTime) -> Self {
        value.instant
    }
}

impl FromStr for DateTime {
    type Err = ModelError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_and_keeps_text() {
        let d = DateTime::parse("2022-11-10T07:38:00-08:00").unwrap();
        assert_eq!(d.as_str(), "2022-11-10T07:38:00-08:00");
        assert_eq!(d.instant(), datetime!(2022-11-10 15:38:00 UTC));
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            "2022-11-10T07:38:00-08:00"
        );
    }

    #[test]
    fn rejects_missing_timezone_and_garbage() {
        assert!(DateTime::parse("2010-01-01T00:00:00").is_err());
        assert!(DateTime::parse("2010-01-01").is_err());
        assert!(DateTime::parse("yesterday").is_err());
        assert!(
            serde_json::from_value::<DateTime>(serde_json::json!("2010-13-01T00:00:00Z")).is_err()
        );
    }

    #[test]
    fn canonical_form_from_instant() {
        let d = DateTime::try_from(datetime!(2025-01-15 12:00:00 UTC)).unwrap();
        assert_eq!(d.as_str(), "2025-01-15T12:00:00Z");
        let d = DateTime::try_from(datetime!(2025-01-15 12:00:00.250 UTC)).unwrap();
        assert_eq!(d.as_str(), "2025-01-15T12:00:00.25Z");
        let d = DateTime::try_from(datetime!(2025-01-15 12:00:00 +02:00)).unwrap();
        assert_eq!(d.as_str(), "2025-01-15T12:00:00+02:00");
        let d = DateTime::try_from(datetime!(2025-01-15 12:00:00 +02:00:30)).unwrap();
        assert_eq!(d.as_str(), "2025-01-15T09:59:30Z");
        assert!(DateTime::try_from(datetime!(-0001-01-01 0:00 UTC)).is_err());
    }

    #[test]
    fn compares_instants() {
        let a = DateTime::parse("2010-01-01T00:00:00Z").unwrap();
        assert!(a.is_before(datetime!(2010-01-01 00:00:01 UTC)));
        assert!(a.is_after(datetime!(2009-12-31 23:59:59 UTC)));
    }
}
