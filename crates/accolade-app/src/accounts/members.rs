//! An organization's members: roles, invitations by email (single use, expiring, the
//! invitation email queued with them), role changes and removal. Admins manage members up to
//! admin; only owners grant, change or remove the owner role; the last owner stays.

use super::{CurrentUser, INVITATION_LIFETIME, parse_email};
use crate::{ApiCaller, ApiScope, App, AppError, AppResult};
use accolade_core::{Actor, Invitation, Membership, OrgId, Organization, Role, User, UserId};
use accolade_store::StoreError;
use time::OffsetDateTime;

/// A member with their account.
#[derive(Debug, Clone)]
pub struct MemberView {
    pub user: User,
    pub role: Role,
    pub since: OffsetDateTime,
}

/// An invitation waiting to be accepted, as its organization's admins see it. `id` is the
/// token's hash (it names the invitation; the token itself is never stored).
#[derive(Debug, Clone)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub expires_at: OffsetDateTime,
}

/// The role needed to give, change or take away `role`.
fn needed_for(role: Role) -> Role {
    if role == Role::Owner {
        Role::Owner
    } else {
        Role::Admin
    }
}

impl App {
    /// The organization's members with their accounts, owners first.
    pub async fn members(&self, who: &CurrentUser, org: OrgId) -> AppResult<Vec<MemberView>> {
        self.authorize(who, org, Role::Viewer).await?;
        self.org_members(org).await
    }

    /// The organization's members, for an API key with the read scope.
    pub async fn members_for_key(&self, caller: &ApiCaller) -> AppResult<Vec<MemberView>> {
        caller.require(ApiScope::Read)?;
        self.org_members(caller.org_id).await
    }

    /// The organization's members with their accounts (one query), owners first.
    async fn org_members(&self, org: OrgId) -> AppResult<Vec<MemberView>> {
        let mut out: Vec<MemberView> = self
            .store
            .members_with_users(org)
            .await?
            .into_iter()
            .map(|(m, user)| MemberView {
                user,
                role: m.role,
                since: m.created_at,
            })
            .collect();
        out.sort_by(|a, b| b.role.cmp(&a.role).then(a.user.name.cmp(&b.user.name)));
        Ok(out)
    }

    /// Invites `email` to `org` with `role`, and queues the invitation email; returns the
    /// token of the invitation link. Admins invite up to admin; only owners invite owners.
    pub async fn invite(
        &self,
        who: &CurrentUser,
        org: OrgId,
        email: &str,
        role: Role,
    ) -> AppResult<(Invitation, String)> {
        let organization = self.authorize(who, org, needed_for(role)).await?;
        let email = parse_email(email)?;
        let existing = self.store.user_by_email(&email).await?;
        let members = self.store.members(org).await?;
        if existing.is_some_and(|u| members.iter().any(|m| m.user_id == u.id)) {
            return Err(AppError::Conflict(format!(
                "{} is already a member of this organization.",
                email.as_str()
            )));
        }
        let token = crate::tokens::new_token()?;
        let now = self.now();
        let invitation = Invitation {
            token_hash: crate::tokens::token_hash(&token),
            org_id: org,
            email,
            role,
            invited_by: who.user.id,
            created_at: now,
            expires_at: now + INVITATION_LIFETIME,
            accepted_at: None,
        };
        self.store.insert_invitation(&invitation).await?;
        let mail = self.invitation_email(&organization, &who.user, &invitation, &token)?;
        self.queue_emails(std::slice::from_ref(&mail)).await?;
        let detail = format!("{} as {}", invitation.email.as_str(), role.as_str());
        self.audit(
            org,
            &Actor::user(&who.user),
            "member.invite",
            invitation.email.as_str(),
            &detail,
        )
        .await?;
        Ok((invitation, token))
    }

    /// The organization's invitations not yet accepted nor expired (admins).
    pub async fn pending_invitations(
        &self,
        who: &CurrentUser,
        org: OrgId,
    ) -> AppResult<Vec<InvitationView>> {
        self.authorize(who, org, Role::Admin).await?;
        self.org_invitations(org).await
    }

    /// The organization's pending invitations, for an API key with the admin scope.
    pub async fn invitations_for_key(&self, caller: &ApiCaller) -> AppResult<Vec<InvitationView>> {
        caller.require(ApiScope::Admin)?;
        self.org_invitations(caller.org_id).await
    }

    async fn org_invitations(&self, org: OrgId) -> AppResult<Vec<InvitationView>> {
        let mut out = Vec::new();
        for i in self.store.pending_invitations(org, self.now()).await? {
            let invited_by = self.store.user(i.invited_by).await?.map(|u| u.name);
            out.push(InvitationView {
                id: i.token_hash,
                email: i.email.as_str().to_owned(),
                role: i.role,
                invited_by,
                expires_at: i.expires_at,
            });
        }
        Ok(out)
    }

    /// Withdraws an invitation (by its id, see [`InvitationView`]); its link stops working.
    pub async fn revoke_invitation(
        &self,
        who: &CurrentUser,
        org: OrgId,
        id: &str,
    ) -> AppResult<()> {
        let invitation = self
            .store
            .invitation(id)
            .await?
            .filter(|i| i.org_id == org && i.accepted_at.is_none())
            .ok_or(AppError::NotFound("invitation"))?;
        self.authorize(who, org, needed_for(invitation.role))
            .await?;
        if !self.store.delete_invitation(org, id).await? {
            return Err(AppError::NotFound("invitation"));
        }
        self.audit(
            org,
            &Actor::user(&who.user),
            "member.uninvite",
            invitation.email.as_str(),
            invitation.role.as_str(),
        )
        .await
    }

    /// The invitation behind a link and its organization, if it can still be accepted.
    pub async fn invitation_for_token(&self, token: &str) -> AppResult<(Invitation, Organization)> {
        let invalid = || {
            AppError::invalid(
                "This invitation link does not work any more: it was already used, it expired, or it was withdrawn. Ask for a new invitation.",
            )
        };
        let invitation = self
            .store
            .invitation(&crate::tokens::token_hash(token))
            .await?
            .filter(|i| i.accepted_at.is_none() && i.expires_at > self.now())
            .ok_or_else(invalid)?;
        let org = self.org(invitation.org_id).await?;
        Ok((invitation, org))
    }

    /// Joins the invitation's organization. The token works once, before it expires, and only
    /// for the account of the email it was sent to.
    pub async fn accept_invitation(&self, user: &User, token: &str) -> AppResult<Membership> {
        let (pending, _) = self.invitation_for_token(token).await?;
        if pending.email != user.email {
            return Err(AppError::Forbidden(format!(
                "This invitation is for {}. Sign in with that address to accept it.",
                pending.email.as_str()
            )));
        }
        let invitation = self
            .store
            .accept_invitation(&crate::tokens::token_hash(token), self.now())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "This invitation link does not work any more: it was already used, it expired, or it was withdrawn. Ask for a new invitation.",
                )
            })?;
        let membership = Membership {
            user_id: user.id,
            org_id: invitation.org_id,
            role: invitation.role,
            created_at: self.now(),
        };
        match self.store.insert_membership(&membership).await {
            Ok(()) => {}
            Err(StoreError::Conflict { .. }) => {
                return Err(AppError::Conflict(
                    "You are already a member of this organization.".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        self.audit(
            invitation.org_id,
            &Actor::user(user),
            "member.join",
            user.email.as_str(),
            invitation.role.as_str(),
        )
        .await?;
        Ok(membership)
    }

    /// Changes a member's role; keeps at least one owner.
    pub async fn set_member_role(
        &self,
        who: &CurrentUser,
        org: OrgId,
        member: UserId,
        role: Role,
    ) -> AppResult<()> {
        let (target, owners) = self.member_and_owners(who, org, member).await?;
        self.authorize(who, org, needed_for(role.max(target.role)))
            .await?;
        if target.role == Role::Owner && role != Role::Owner && owners == 1 {
            return Err(AppError::Conflict(
                "An organization needs at least one owner.".into(),
            ));
        }
        self.store.set_role(member, org, role).await?;
        let detail = format!("{} → {}", target.role.as_str(), role.as_str());
        self.audit(
            org,
            &Actor::user(&who.user),
            "member.role",
            &member.to_string(),
            &detail,
        )
        .await
    }

    /// Removes a member from the organization; the last owner stays.
    pub async fn remove_member(
        &self,
        who: &CurrentUser,
        org: OrgId,
        member: UserId,
    ) -> AppResult<()> {
        let (target, owners) = self.member_and_owners(who, org, member).await?;
        self.authorize(who, org, needed_for(target.role)).await?;
        if target.role == Role::Owner && owners == 1 {
            return Err(AppError::Conflict(
                "An organization needs at least one owner.".into(),
            ));
        }
        self.store.remove_membership(member, org).await?;
        self.audit(
            org,
            &Actor::user(&who.user),
            "member.remove",
            &member.to_string(),
            target.role.as_str(),
        )
        .await
    }

    /// A member of `org` (else `NotFound`, also for non-members asking) and the owner count.
    async fn member_and_owners(
        &self,
        who: &CurrentUser,
        org: OrgId,
        member: UserId,
    ) -> AppResult<(Membership, usize)> {
        self.authorize(who, org, Role::Viewer).await?;
        let members = self.store.members(org).await?;
        let owners = members.iter().filter(|m| m.role == Role::Owner).count();
        let target = members
            .into_iter()
            .find(|m| m.user_id == member)
            .ok_or(AppError::NotFound("member"))?;
        Ok((target, owners))
    }
}
