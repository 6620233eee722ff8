//! Sign-up by the public form, which never says whether an address has an account. With
//! mail configured, every well-formed request gets the same answer ("check your email"):
//! a new address is sent a single-use link that creates the account and signs the person
//! in; an address that has an account is sent a note with links to sign in and to reset
//! the password instead. Both cost one password hash, so timing tells nothing either.
//!
//! Without mail there is no way to prove an address, and creating the account at once
//! would answer "taken" for an address that has one: so the form is closed by default
//! ([`SignUpMode::Closed`]; accounts come from invitations and `accolade user create`),
//! unless the operator opens it knowing that ([`SignUpMode::AtOnce`]).

use super::{SignedIn, THROTTLE_WINDOW, parse_email, secrets};
use crate::orgs::check_text;
use crate::{App, AppError, AppResult};
use accolade_core::{User, UserId};
use accolade_store::{PendingSignup, StoreError};
use time::Duration;

/// How long a confirmation link works.
pub const SIGNUP_LIFETIME: Duration = Duration::hours(24);
/// Sign-up emails sent to one address in [`THROTTLE_WINDOW`]; further requests send nothing
/// (and answer the same), so the form cannot be used to flood someone's inbox.
pub const MAX_SIGNUP_MAILS_PER_ADDRESS: i64 = 3;

/// How the public sign-up form works on this instance ([`App::sign_up_mode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUpMode {
    /// Mail is sent: every well-formed request is answered "check your email".
    ConfirmByEmail,
    /// No mail, and the operator opened sign-up anyway: the account is made at once, so
    /// the form tells whether an address already has one.
    AtOnce,
    /// No mail (the default): the form takes no sign-ups and says how to get an account.
    Closed,
}

/// Why the form refuses when sign-up is closed.
pub const SIGNUP_CLOSED: &str = "This site does not take sign-ups. To get an account, ask an organization on this site to invite you, or ask the person who runs it.";

impl App {
    /// Opens the sign-up form on an instance without mail, creating accounts at once. That
    /// form reveals which addresses have an account; with mail it changes nothing.
    pub fn with_sign_up_without_email(mut self, open: bool) -> Self {
        self.sign_up_without_email = open;
        self
    }

    /// How the public sign-up form works: by email when this instance sends mail, else
    /// closed unless [`App::with_sign_up_without_email`] opened it.
    pub fn sign_up_mode(&self) -> SignUpMode {
        if self.mailer.is_configured() {
            SignUpMode::ConfirmByEmail
        } else if self.sign_up_without_email {
            SignUpMode::AtOnce
        } else {
            SignUpMode::Closed
        }
    }

    /// The public form on an instance that creates accounts at once ([`SignUpMode::AtOnce`]);
    /// refused in the other modes, so no caller can reveal an account where the operator
    /// did not choose to.
    pub async fn sign_up_at_once(
        &self,
        email: &str,
        name: &str,
        password: &str,
    ) -> AppResult<User> {
        if self.sign_up_mode() != SignUpMode::AtOnce {
            return Err(AppError::Forbidden(SIGNUP_CLOSED.into()));
        }
        self.sign_up(email, name, password).await
    }

    /// Checks what the person typed in the sign-up form (the address's shape, the name, the
    /// password rules): the only refusals the form shows, the same for every address.
    pub fn check_sign_up_form(&self, email: &str, name: &str, password: &str) -> AppResult<()> {
        parse_email(email)?;
        check_text("name", "your name", name, 200)?;
        secrets::check_password_rules(password)
    }

    /// The public sign-up form with mail: queues the confirmation link for a new address,
    /// or the note for one with an account (see the module's comment). `next` is a path on
    /// this site to go to once signed in, kept with the pending sign-up. Answers the same
    /// for every address; run it after answering, as it costs a password hash.
    pub async fn request_sign_up(
        &self,
        email: &str,
        name: &str,
        password: &str,
        next: Option<&str>,
    ) -> AppResult<()> {
        let email = parse_email(email)?;
        let name = check_text("name", "your name", name, 200)?;
        secrets::check_password_rules(password)?;
        let password_hash = self.passwords.hash(password).await?;
        let now = self.now();
        let window = now - THROTTLE_WINDOW;
        let key = format!("signup:{}", email.as_str());
        if self.store.signin_failures(&key, window).await? >= MAX_SIGNUP_MAILS_PER_ADDRESS {
            return Ok(());
        }
        self.store.record_signin_failure(&key, now, window).await?;
        let mail = match self.store.user_by_email(&email).await? {
            Some(user) => self.signup_existing_email(&user)?,
            None => {
                let token = crate::tokens::new_token()?;
                let token_hash = crate::tokens::token_hash(&token);
                let pending = PendingSignup {
                    email: email.as_str().to_owned(),
                    name: name.clone(),
                    password_hash,
                    next_path: next.map(str::to_owned),
                };
                self.store
                    .insert_pending_signup(&token_hash, &pending, now, now + SIGNUP_LIFETIME)
                    .await?;
                self.signup_confirm_email(&email, &name, &token, &token_hash)?
            }
        };
        self.queue_emails(std::slice::from_ref(&mail)).await?;
        Ok(())
    }

    /// Follows a confirmation link (once, before it expires): creates the account and
    /// signs it in. Returns the session and where the person was going.
    pub async fn confirm_sign_up(&self, token: &str) -> AppResult<(SignedIn, Option<String>)> {
        let now = self.now();
        let pending = self
            .store
            .take_pending_signup(&crate::tokens::token_hash(token), now)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "This confirmation link does not work any more: it was already used or it expired. Sign up again.",
                )
            })?;
        let user = User {
            id: UserId::new(),
            email: parse_email(&pending.email)?,
            name: pending.name,
            password_hash: pending.password_hash,
            created_at: now,
        };
        self.store.insert_user(&user).await.map_err(|e| match e {
            // Confirmed twice from two sign-ups: the person proved the address, so say so.
            StoreError::Conflict { .. } => AppError::Conflict(
                "An account with this email address already exists. Sign in, or reset the password.".into(),
            ),
            other => other.into(),
        })?;
        Ok((self.open_session(user).await?, pending.next_path))
    }
}
