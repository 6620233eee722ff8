//! Accounts on either backend: users, sessions, memberships, invitations, password resets,
//! sign-in throttling.

use crate::store::on_backend;
use crate::{Store, StoreError};
use accolade_core::{Email, Invitation, Membership, OrgId, Role, SessionRecord, User, UserId};
use time::OffsetDateTime;

impl Store {
    /// A taken email fails with `Conflict { what: "email" }`.
    pub async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        on_backend!(self.insert_user(user))
    }

    pub async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        on_backend!(self.user(id))
    }

    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        on_backend!(self.user_by_email(email))
    }

    pub async fn set_password_hash(&self, id: UserId, hash: &str) -> Result<bool, StoreError> {
        on_backend!(self.set_password_hash(id, hash))
    }

    pub async fn insert_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        on_backend!(self.insert_session(session))
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        on_backend!(self.session(token_hash))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        on_backend!(self.delete_session(token_hash))
    }

    /// Signs a user out everywhere (after a password change).
    pub async fn delete_sessions_of(&self, user: UserId) -> Result<(), StoreError> {
        on_backend!(self.delete_sessions_of(user))
    }

    /// An existing membership fails with `Conflict { what: "membership" }`.
    pub async fn insert_membership(&self, m: &Membership) -> Result<(), StoreError> {
        on_backend!(self.insert_membership(m))
    }

    pub async fn memberships_of(&self, user: UserId) -> Result<Vec<Membership>, StoreError> {
        on_backend!(self.memberships_of(user))
    }

    pub async fn members(&self, org: OrgId) -> Result<Vec<Membership>, StoreError> {
        on_backend!(self.members(org))
    }

    /// The organization's memberships with their accounts, in one query.
    pub async fn members_with_users(
        &self,
        org: OrgId,
    ) -> Result<Vec<(Membership, User)>, StoreError> {
        on_backend!(self.members_with_users(org))
    }

    pub async fn set_role(&self, user: UserId, org: OrgId, role: Role) -> Result<bool, StoreError> {
        on_backend!(self.set_role(user, org, role))
    }

    pub async fn remove_membership(&self, user: UserId, org: OrgId) -> Result<bool, StoreError> {
        on_backend!(self.remove_membership(user, org))
    }

    pub async fn insert_invitation(&self, invitation: &Invitation) -> Result<(), StoreError> {
        on_backend!(self.insert_invitation(invitation))
    }

    /// Uses an invitation once; `None` if unknown, expired or already used.
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Invitation>, StoreError> {
        on_backend!(self.accept_invitation(token_hash, now))
    }

    /// An invitation by its token's hash, whatever its state.
    pub async fn invitation(&self, token_hash: &str) -> Result<Option<Invitation>, StoreError> {
        on_backend!(self.invitation(token_hash))
    }

    /// An organization's invitations neither accepted nor expired at `now`, newest first.
    pub async fn pending_invitations(
        &self,
        org: OrgId,
        now: OffsetDateTime,
    ) -> Result<Vec<Invitation>, StoreError> {
        on_backend!(self.pending_invitations(org, now))
    }

    /// Deletes an organization's unaccepted invitation; `false` if there is none.
    pub async fn delete_invitation(
        &self,
        org: OrgId,
        token_hash: &str,
    ) -> Result<bool, StoreError> {
        on_backend!(self.delete_invitation(org, token_hash))
    }

    pub async fn insert_password_reset(
        &self,
        token_hash: &str,
        user: UserId,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        on_backend!(self.insert_password_reset(token_hash, user, expires_at))
    }

    /// Keeps a sign-up waiting for its address to be confirmed (expired ones are dropped).
    pub async fn insert_pending_signup(
        &self,
        token_hash: &str,
        pending: &crate::PendingSignup,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        on_backend!(self.insert_pending_signup(token_hash, pending, now, expires_at))
    }

    /// Takes a waiting sign-up once; `None` if unknown, expired or already taken.
    pub async fn take_pending_signup(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<crate::PendingSignup>, StoreError> {
        on_backend!(self.take_pending_signup(token_hash, now))
    }

    /// Uses a password-reset token once; `None` if unknown, expired or already used.
    pub async fn use_password_reset(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>, StoreError> {
        on_backend!(self.use_password_reset(token_hash, now))
    }

    pub async fn record_signin_failure(
        &self,
        key: &str,
        now: OffsetDateTime,
        window_start: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        on_backend!(self.record_signin_failure(key, now, window_start))
    }

    pub async fn signin_failures(
        &self,
        key: &str,
        window_start: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        on_backend!(self.signin_failures(key, window_start))
    }

    pub async fn clear_signin_failures(&self, key: &str) -> Result<(), StoreError> {
        on_backend!(self.clear_signin_failures(key))
    }
}
