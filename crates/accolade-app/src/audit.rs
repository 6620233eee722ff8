//! The audit log: every issue, revocation, suspension, key operation, role change and
//! setting change, with who did it and when. Owners and admins read it.

use crate::{App, AppResult};
use accolade_core::{Actor, AuditEvent, AuditId, OrgId};

/// Longest target or detail kept in an entry; longer text is cut (the log is a record of
/// who did what, not a copy of the data).
const MAX_FIELD: usize = 1000;

fn clip(text: &str) -> String {
    text.chars().take(MAX_FIELD).collect()
}

impl App {
    /// Appends an entry to the organization's audit log.
    pub async fn audit(
        &self,
        org: OrgId,
        actor: &Actor,
        action: &str,
        target: &str,
        detail: &str,
    ) -> AppResult<()> {
        let event = self.audit_event(org, actor, action, target, detail);
        self.store.insert_audit(&event).await?;
        Ok(())
    }

    /// An entry for the log, to be written in the transaction of the change it records.
    pub(crate) fn audit_event(
        &self,
        org: OrgId,
        actor: &Actor,
        action: &str,
        target: &str,
        detail: &str,
    ) -> AuditEvent {
        AuditEvent {
            id: AuditId::new(),
            org_id: org,
            actor: actor.clone(),
            action: action.to_owned(),
            target: clip(target),
            detail: clip(detail),
            at: self.now(),
        }
    }

    /// A page of the organization's audit log, newest first.
    pub async fn audit_log(
        &self,
        org: OrgId,
        limit: i64,
        offset: i64,
    ) -> AppResult<Vec<AuditEvent>> {
        Ok(self.store.audit_events(org, limit, offset).await?)
    }

    /// The organization's stored images (badge images and logos), newest first.
    pub async fn org_images(&self, org: OrgId) -> AppResult<Vec<accolade_core::ImageRecord>> {
        Ok(self.store.org_images(org).await?)
    }
}
