//! Accounts: sign-up, sign-in with throttling and identical answers for known and unknown
//! emails, sessions with an anti-forgery token, organization membership with roles, single-
//! use invitations, and password resets.

mod members;
mod operator;
mod password_work;
mod reset;
pub(crate) mod secrets;
mod signup;

pub use members::{InvitationView, MemberView};
pub use operator::new_password;
pub use password_work::PasswordWork;
pub use secrets::{MAX_PASSWORD, MIN_PASSWORD, constant_time_eq};
pub use signup::{MAX_SIGNUP_MAILS_PER_ADDRESS, SIGNUP_CLOSED, SIGNUP_LIFETIME, SignUpMode};

use crate::orgs::{NewOrganization, check_text};
use crate::{App, AppError, AppResult};
use accolade_core::{Email, Membership, OrgId, Organization, Role, SessionRecord, User, UserId};
use accolade_store::StoreError;
use time::Duration;

/// How long a session lasts without signing in again.
pub const SESSION_LIFETIME: Duration = Duration::days(14);
/// Sign-in failures allowed per account, and per client, in [`THROTTLE_WINDOW`].
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);
pub const INVITATION_LIFETIME: Duration = Duration::days(7);
pub const RESET_LIFETIME: Duration = Duration::hours(1);

/// The one message for every failed sign-in, whether or not the account exists.
pub const SIGNIN_FAILED: &str = "The email or password is incorrect.";

/// A new session: the token goes in an HttpOnly cookie, the CSRF token in forms.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub token: String,
    pub csrf_token: String,
}

/// The signed-in user behind a session token.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub csrf_token: String,
    pub memberships: Vec<Membership>,
}

impl CurrentUser {
    pub fn role_in(&self, org: OrgId) -> Option<Role> {
        self.memberships
            .iter()
            .find(|m| m.org_id == org)
            .map(|m| m.role)
    }
}

fn parse_email(raw: &str) -> AppResult<Email> {
    crate::checks::parse_email("email", raw)
}

impl App {
    /// Creates an account at once, for callers that know the address is the person's (an
    /// invitation link, the command line, an instance without mail). Fails with `Conflict`
    /// for an email already registered. The public form uses [`App::request_sign_up`].
    pub async fn sign_up(&self, email: &str, name: &str, password: &str) -> AppResult<User> {
        let email = parse_email(email)?;
        let name = check_text("name", "your name", name, 200)?;
        secrets::check_password_rules(password)?;
        let user = User {
            id: UserId::new(),
            email,
            name,
            password_hash: self.passwords.hash(password).await?,
            created_at: self.now(),
        };
        self.store.insert_user(&user).await.map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict(
                "An account with this email address already exists. Sign in, or reset the password.".into(),
            ),
            other => other.into(),
        })?;
        Ok(user)
    }

    /// Checks a password and opens a session. Every failure (unknown email, wrong password,
    /// too many attempts) costs one Argon2 verification and answers [`SIGNIN_FAILED`] or the
    /// same throttling message, so responses do not reveal which accounts exist.
    /// `client` identifies the caller for throttling (e.g. a hash of its address).
    pub async fn sign_in(&self, email: &str, password: &str, client: &str) -> AppResult<SignedIn> {
        let now = self.now();
        let window = now - THROTTLE_WINDOW;
        let email = Email::parse(email).ok();
        let account_key = format!("account:{}", email.as_ref().map_or("", |e| e.as_str()));
        let client_key = format!("client:{client}");
        let throttled = self.store.signin_failures(&account_key, window).await?
            >= MAX_FAILURES_PER_ACCOUNT
            || self.store.signin_failures(&client_key, window).await? >= MAX_FAILURES_PER_CLIENT;
        let user = match &email {
            Some(e) => self.store.user_by_email(e).await?,
            None => None,
        };
        let hash = user.as_ref().map(|u| u.password_hash.clone());
        let matches = self.passwords.verify(password, hash).await?;
        if throttled {
            return Err(AppError::RateLimited(format!(
                "Too many sign-in attempts. Try again in {} minutes.",
                THROTTLE_WINDOW.whole_minutes()
            )));
        }
        let Some(user) = user.filter(|_| matches) else {
            self.store
                .record_signin_failure(&account_key, now, window)
                .await?;
            self.store
                .record_signin_failure(&client_key, now, window)
                .await?;
            return Err(AppError::Unauthorized(SIGNIN_FAILED.into()));
        };
        self.store.clear_signin_failures(&account_key).await?;
        self.open_session(user).await
    }

    /// A new session for `user`, who proved who they are (a password, an emailed link).
    pub(crate) async fn open_session(&self, user: User) -> AppResult<SignedIn> {
        let now = self.now();
        let token = crate::tokens::new_token()?;
        let csrf_token = crate::tokens::new_token()?;
        let session = SessionRecord {
            token_hash: crate::tokens::token_hash(&token),
            user_id: user.id,
            csrf_token: csrf_token.clone(),
            created_at: now,
            expires_at: now + SESSION_LIFETIME,
        };
        self.store.insert_session(&session).await?;
        Ok(SignedIn {
            user,
            token,
            csrf_token,
        })
    }

    /// The user behind a session token; `None` for unknown or expired sessions.
    pub async fn current_user(&self, token: &str) -> AppResult<Option<CurrentUser>> {
        let Some(session) = self
            .store
            .session(&crate::tokens::token_hash(token))
            .await?
        else {
            return Ok(None);
        };
        if session.expires_at <= self.now() {
            self.store.delete_session(&session.token_hash).await?;
            return Ok(None);
        }
        let Some(user) = self.store.user(session.user_id).await? else {
            return Ok(None);
        };
        let memberships = self.store.memberships_of(user.id).await?;
        Ok(Some(CurrentUser {
            user,
            csrf_token: session.csrf_token,
            memberships,
        }))
    }

    pub async fn sign_out(&self, token: &str) -> AppResult<()> {
        Ok(self
            .store
            .delete_session(&crate::tokens::token_hash(token))
            .await?)
    }

    /// The organization, if `who` has at least `needed` in it. Anyone else gets
    /// `NotFound`: ids of other organizations reveal nothing.
    pub async fn authorize(
        &self,
        who: &CurrentUser,
        org: OrgId,
        needed: Role,
    ) -> AppResult<Organization> {
        match who.role_in(org) {
            Some(role) if role >= needed => self.org(org).await,
            Some(_) => Err(AppError::Forbidden(format!(
                "This needs the {} role.",
                needed.as_str()
            ))),
            None => Err(AppError::NotFound("organization")),
        }
    }

    /// Creates an organization with `who` as its owner.
    pub async fn create_org_for(
        &self,
        who: &CurrentUser,
        new: NewOrganization,
    ) -> AppResult<Organization> {
        let org = self.create_org(new).await?;
        self.store
            .insert_membership(&Membership {
                user_id: who.user.id,
                org_id: org.id,
                role: Role::Owner,
                created_at: self.now(),
            })
            .await?;
        Ok(org)
    }
}
