//! Accounts the operator makes on the command line (`accolade user create`): the way to a
//! first account on an instance without mail, where the sign-up form is closed. The
//! operator vouches for the address, as an invitation link does.

use crate::{App, AppError, AppResult};
use accolade_core::{Actor, Membership, OrgId, Role, User};
use accolade_store::StoreError;

/// A new password to hand to someone: four groups of four characters that cannot be
/// mistaken for one another when typed (about 79 random bits).
pub fn new_password() -> AppResult<String> {
    crate::demo::new_demo_password()
}

impl App {
    /// Makes `user` a member of `org` with `role`, without an invitation (the operator's
    /// command line). Fails with `Conflict` when the account is already a member.
    pub async fn add_member_by_operator(
        &self,
        user: &User,
        org: OrgId,
        role: Role,
    ) -> AppResult<Membership> {
        let membership = Membership {
            user_id: user.id,
            org_id: org,
            role,
            created_at: self.now(),
        };
        match self.store.insert_membership(&membership).await {
            Ok(()) => {}
            Err(StoreError::Conflict { .. }) => {
                return Err(AppError::Conflict(format!(
                    "{} is already a member of this organization.",
                    user.email.as_str()
                )));
            }
            Err(e) => return Err(e.into()),
        }
        self.audit(
            org,
            &Actor::system(),
            "member.add",
            user.email.as_str(),
            role.as_str(),
        )
        .await?;
        Ok(membership)
    }
}
