//! The demo account: one sign-in that owns the demo organization. Its password is random
//! per installation; the caller keeps it (the command line stores it in the data directory)
//! and hands it back on every start, so the same sign-in keeps working.

use crate::accounts::secrets;
use crate::{App, AppError, AppResult};
use accolade_core::{Email, Membership, Organization, Role, User, UserId};

/// The demo account's email address (the demo organization's own domain).
pub const DEMO_EMAIL: &str = "demo@northwind.example";
/// The demo account's display name.
const DEMO_NAME: &str = "Demo Issuer";

/// Letters and digits that cannot be mistaken for one another when typed from a terminal.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// What signs in to the demo account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSignIn {
    pub email: String,
    pub password: String,
}

/// A new demo password: four groups of four characters (about 79 random bits).
pub fn new_demo_password() -> AppResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| AppError::internal("making the demo password", e))?;
    let mut out = String::with_capacity(19);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        // 256 is not a multiple of the alphabet's length; the slight bias costs under a bit.
        out.push(char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]));
    }
    Ok(out)
}

impl App {
    /// Makes `password` sign in to the demo account and the account an owner of `org`:
    /// creates the account when missing, sets the password when it is another one (the
    /// stored copy was lost or replaced), and adds the membership when missing. Running it
    /// again changes nothing.
    pub async fn ensure_demo_account(
        &self,
        org: &Organization,
        password: &str,
    ) -> AppResult<DemoSignIn> {
        secrets::check_password_rules(password)?;
        let email =
            Email::parse(DEMO_EMAIL).map_err(|e| AppError::internal("the demo address", e))?;
        let user = match self.store.user_by_email(&email).await? {
            Some(user) => {
                let hash = Some(user.password_hash.clone());
                if !self.passwords.verify(password, hash).await? {
                    let hash = self.passwords.hash(password).await?;
                    self.store.set_password_hash(user.id, &hash).await?;
                }
                user
            }
            None => {
                let user = User {
                    id: UserId::new(),
                    email: email.clone(),
                    name: DEMO_NAME.into(),
                    password_hash: self.passwords.hash(password).await?,
                    created_at: self.now(),
                };
                self.store.insert_user(&user).await?;
                user
            }
        };
        let member = self
            .store
            .memberships_of(user.id)
            .await?
            .iter()
            .any(|m| m.org_id == org.id);
        if !member {
            self.store
                .insert_membership(&Membership {
                    user_id: user.id,
                    org_id: org.id,
                    role: Role::Owner,
                    created_at: self.now(),
                })
                .await?;
        }
        Ok(DemoSignIn {
            email: email.as_str().to_owned(),
            password: password.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_grouped_random_and_long_enough() {
        let a = new_demo_password().unwrap();
        let b = new_demo_password().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 19);
        assert_eq!(a.split('-').count(), 4);
        assert!(a.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        assert!(secrets::check_password_rules(&a).is_ok());
    }
}
