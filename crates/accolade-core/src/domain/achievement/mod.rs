mod lang;
mod localized;

pub use lang::{LangTag, LangTagError};
pub use localized::{AchievementTranslation, CustomField, Localized};

use crate::{AchievementId, ImageId, OrgId};
use time::OffsetDateTime;

/// A badge class. Editing it never changes credentials already issued: each credential
/// embeds the achievement as it was at that moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Achievement {
    pub id: AchievementId,
    pub org_id: OrgId,
    pub name: String,
    pub description: String,
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    /// An OB 3.0 AchievementType value (`Badge`, `Certificate`, `Course`, …) or `ext:…`.
    pub achievement_type: String,
    pub image_id: Option<ImageId>,
    pub alignments: Vec<AlignmentSpec>,
    /// Credits or CEUs the achievement is worth.
    pub credits: Option<f64>,
    pub tags: Vec<String>,
    pub expiry: ExpiryPolicy,
    /// The language of the texts above (and of the custom field labels).
    pub language: LangTag,
    /// The same texts in other languages; an award carries the language chosen at issue.
    pub translations: Vec<AchievementTranslation>,
    /// Fields the issuer fills in per award, shown on the badge and embedded in the
    /// credential as results.
    pub custom_fields: Vec<CustomField>,
    /// What evidence issuers should collect before issuing (guidance shown to them).
    pub evidence_requirements: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Incremented on every change; concurrent edits compare it.
    pub version: i64,
}

/// A skill, competency or standard the achievement aligns with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AlignmentSpec {
    pub target_name: String,
    pub target_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
}

/// When an award expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExpiryPolicy {
    #[default]
    Never,
    /// Every award expires at this instant.
    FixedDate(OffsetDateTime),
    /// Each award expires this many calendar months after it is issued.
    MonthsAfterIssue(u32),
}

impl ExpiryPolicy {
    /// The expiry of an award issued at `issued`.
    pub fn expiry_for(&self, issued: OffsetDateTime) -> Option<OffsetDateTime> {
        match *self {
            ExpiryPolicy::Never => None,
            ExpiryPolicy::FixedDate(d) => Some(d),
            ExpiryPolicy::MonthsAfterIssue(m) => Some(add_months(issued, m)),
        }
    }
}

/// Adds calendar months, clamping the day to the target month's length (Jan 31 + 1 → Feb 28/29).
fn add_months(t: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = t.year() * 12 + (t.month() as i32 - 1) + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = time::Month::try_from(month0 as u8 + 1).unwrap_or(time::Month::January);
    let last = time::util::days_in_month(month, year);
    let day = t.day().min(last);
    time::Date::from_calendar_date(year, month, day).map_or(t, |d| t.replace_date(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn months_after_issue_clamps_to_month_end() {
        let p = ExpiryPolicy::MonthsAfterIssue(1);
        assert_eq!(
            p.expiry_for(datetime!(2024-01-31 10:00 UTC)),
            Some(datetime!(2024-02-29 10:00 UTC))
        );
        let p = ExpiryPolicy::MonthsAfterIssue(24);
        assert_eq!(
            p.expiry_for(datetime!(2025-03-15 0:00 UTC)),
            Some(datetime!(2027-03-15 0:00 UTC))
        );
        assert_eq!(
            ExpiryPolicy::Never.expiry_for(datetime!(2025-03-15 0:00 UTC)),
            None
        );
    }
}
