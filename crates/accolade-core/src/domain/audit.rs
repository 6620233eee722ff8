use crate::{AuditId, OrgId, User, UserId};
use time::OffsetDateTime;

/// Who performed an action: a signed-in user, the command line, or the platform itself
/// (jobs, scheduled reminders).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<UserId>,
    /// How the audit log names the actor: the user's name and email, `command line`,
    /// or `system`.
    pub label: String,
}

impl Actor {
    pub fn user(user: &User) -> Self {
        Self {
            user_id: Some(user.id),
            label: format!("{} <{}>", user.name, user.email.as_str()),
        }
    }

    /// An operator at the server's command line (`accolade award …`).
    pub fn cli() -> Self {
        Self {
            user_id: None,
            label: "command line".into(),
        }
    }

    /// The platform itself: jobs, scheduled work, demo data.
    pub fn system() -> Self {
        Self {
            user_id: None,
            label: "system".into(),
        }
    }
}

/// One entry of an organization's audit log: who did what to which thing, and when.
/// Entries are only ever appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: AuditId,
    pub org_id: OrgId,
    pub actor: Actor,
    /// A dotted verb: `award.issue`, `award.revoke`, `key.rotate`, `member.role`, …
    pub action: String,
    /// What it acted on, e.g. an award id or a member's email.
    pub target: String,
    /// A short human-readable detail (a reason, the old and new role, …); may be empty.
    pub detail: String,
    pub at: OffsetDateTime,
}
