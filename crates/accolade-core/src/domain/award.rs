use crate::{AchievementId, AwardId, Email, KeyId, OrgId};
use time::OffsetDateTime;

/// One issued credential.
#[derive(Debug, Clone, PartialEq)]
pub struct Award {
    pub id: AwardId,
    pub org_id: OrgId,
    pub achievement_id: AchievementId,
    pub recipient_email: Email,
    pub recipient_name: Option<String>,
    /// `validFrom` of the credential.
    pub issued_at: OffsetDateTime,
    /// `validUntil`, if the achievement's policy sets one.
    pub valid_until: Option<OffsetDateTime>,
    pub status: AwardStatus,
    pub status_reason: Option<String>,
    pub status_changed_at: Option<OffsetDateTime>,
    /// The award's position in its organization's status lists (the same position in the
    /// revocation and the suspension list).
    pub status_index: u32,
    /// The key that signed the credential.
    pub key_id: KeyId,
    /// The signed credential, exactly as issued; it never changes.
    pub credential: String,
    pub created_at: OffsetDateTime,
}

/// The lifecycle state of an award. "Expired" is not stored: it follows from time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AwardStatus {
    Active,
    Suspended,
    Revoked,
}

impl AwardStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            AwardStatus::Active => "active",
            AwardStatus::Suspended => "suspended",
            AwardStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(AwardStatus::Active),
            "suspended" => Some(AwardStatus::Suspended),
            "revoked" => Some(AwardStatus::Revoked),
            _ => None,
        }
    }
}

/// The two status lists every organization publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusPurpose {
    Revocation,
    Suspension,
}

impl StatusPurpose {
    pub fn as_str(&self) -> &'static str {
        match self {
            StatusPurpose::Revocation => "revocation",
            StatusPurpose::Suspension => "suspension",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "revocation" => Some(StatusPurpose::Revocation),
            "suspension" => Some(StatusPurpose::Suspension),
            _ => None,
        }
    }

    /// The award status whose awards have this list's bit set.
    pub fn marks(&self) -> AwardStatus {
        match self {
            StatusPurpose::Revocation => AwardStatus::Revoked,
            StatusPurpose::Suspension => AwardStatus::Suspended,
        }
    }
}
