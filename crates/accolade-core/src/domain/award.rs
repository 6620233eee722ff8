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

impl Award {
    /// What the award is at `now`: its stored status, or `Expired` for an active award
    /// whose `validUntil` has passed.
    pub fn state_at(&self, now: OffsetDateTime) -> AwardState {
        AwardState::of(self.status, self.valid_until, now)
    }

    /// The award without its credential.
    pub fn summary(&self) -> AwardSummary {
        AwardSummary {
            id: self.id,
            org_id: self.org_id,
            achievement_id: self.achievement_id,
            recipient_email: self.recipient_email.clone(),
            recipient_name: self.recipient_name.clone(),
            issued_at: self.issued_at,
            valid_until: self.valid_until,
            status: self.status,
            status_reason: self.status_reason.clone(),
            status_changed_at: self.status_changed_at,
            status_index: self.status_index,
            key_id: self.key_id,
            created_at: self.created_at,
        }
    }
}

/// What decides an award's state, read the same way from a full [`Award`] and from an
/// [`AwardSummary`].
pub trait AwardStatusFields {
    fn status(&self) -> AwardStatus;
    fn status_reason(&self) -> Option<&str>;
    fn status_changed_at(&self) -> Option<OffsetDateTime>;
    fn valid_until(&self) -> Option<OffsetDateTime>;
}

macro_rules! status_fields {
    ($t:ty) => {
        impl AwardStatusFields for $t {
            fn status(&self) -> AwardStatus {
                self.status
            }
            fn status_reason(&self) -> Option<&str> {
                self.status_reason.as_deref()
            }
            fn status_changed_at(&self) -> Option<OffsetDateTime> {
                self.status_changed_at
            }
            fn valid_until(&self) -> Option<OffsetDateTime> {
                self.valid_until
            }
        }
    };
}
status_fields!(Award);
status_fields!(AwardSummary);

/// An award without its signed credential: what lists of awards read, so that a page of
/// fifty awards does not carry fifty credentials of several kilobytes each.
#[derive(Debug, Clone, PartialEq)]
pub struct AwardSummary {
    pub id: AwardId,
    pub org_id: OrgId,
    pub achievement_id: AchievementId,
    pub recipient_email: Email,
    pub recipient_name: Option<String>,
    pub issued_at: OffsetDateTime,
    pub valid_until: Option<OffsetDateTime>,
    pub status: AwardStatus,
    pub status_reason: Option<String>,
    pub status_changed_at: Option<OffsetDateTime>,
    pub status_index: u32,
    pub key_id: KeyId,
    pub created_at: OffsetDateTime,
}

impl AwardSummary {
    /// What the award is at `now` (see [`Award::state_at`]).
    pub fn state_at(&self, now: OffsetDateTime) -> AwardState {
        AwardState::of(self.status, self.valid_until, now)
    }
}

/// How an award is related to others: a corrected re-issue supersedes it (and it is
/// revoked), or a renewal continues it (and it stays as it is). Kept beside the award, not
/// in the signed credential, which never changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AwardLinks {
    /// The corrected credential that superseded this one.
    pub replaced_by: Option<AwardId>,
    /// The credential this corrected one supersedes.
    pub replaces: Option<AwardId>,
    /// The renewal issued for this one.
    pub renewed_by: Option<AwardId>,
    /// The credential this one renews.
    pub renewal_of: Option<AwardId>,
}

/// Everything about an award that can change once it is issued (the signed credential never
/// does): its status and why, and its links. Pages made from an award stay true while its
/// standing is the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardStanding {
    pub status: AwardStatus,
    pub status_reason: Option<String>,
    pub status_changed_at: Option<OffsetDateTime>,
    pub links: AwardLinks,
}

impl AwardStanding {
    pub fn of(award: &Award, links: AwardLinks) -> Self {
        Self {
            status: award.status,
            status_reason: award.status_reason.clone(),
            status_changed_at: award.status_changed_at,
            links,
        }
    }
}

/// An award's state as people see it: the stored status, with "expired" following from
/// time (an active award past its `validUntil`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AwardState {
    Active,
    Suspended,
    Revoked,
    Expired,
}

impl AwardState {
    /// The state of an award with stored `status` and `valid_until` at `now`: its stored
    /// status, or `Expired` for an active award whose `validUntil` has passed.
    pub fn of(
        status: AwardStatus,
        valid_until: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Self {
        match status {
            AwardStatus::Revoked => AwardState::Revoked,
            AwardStatus::Suspended => AwardState::Suspended,
            AwardStatus::Active if valid_until.is_some_and(|u| u <= now) => AwardState::Expired,
            AwardStatus::Active => AwardState::Active,
        }
    }

    pub const ALL: [AwardState; 4] = [
        AwardState::Active,
        AwardState::Suspended,
        AwardState::Revoked,
        AwardState::Expired,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            AwardState::Active => "active",
            AwardState::Suspended => "suspended",
            AwardState::Revoked => "revoked",
            AwardState::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
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
