//! The earner's side: claim tokens (stored only as hashes), ownership of awards in a
//! backpack with a visibility per badge, collections, an account's extra email addresses,
//! and the handle of a public portfolio.

use crate::{AwardId, Email, UserId};
use std::fmt;
use std::str::FromStr;
use time::OffsetDateTime;
use uuid::Uuid;

/// The secret link in a badge email, as stored: the SHA-256 of the token, never the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimToken {
    pub token_hash: String,
    pub award_id: AwardId,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// When the token made the award someone's (it works once for that).
    pub used_at: Option<OffsetDateTime>,
    pub used_by: Option<UserId>,
}

/// Who may see a badge or a collection on its owner's portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Listed on the portfolio.
    Public,
    /// Not listed; shown to whoever has its direct link.
    Unlisted,
    /// Shown to nobody but its owner.
    Private,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [
        Visibility::Public,
        Visibility::Unlisted,
        Visibility::Private,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether someone holding the direct link may see it.
    pub fn by_link(self) -> bool {
        self != Visibility::Private
    }
}

/// An award in a user's backpack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ownership {
    pub award_id: AwardId,
    pub user_id: UserId,
    pub visibility: Visibility,
    pub claimed_at: OffsetDateTime,
}

/// An email address of an account besides (or as well as) its sign-in address. Awards
/// sent to a verified address can be added to the account's backpack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarnerEmail {
    pub user_id: UserId,
    pub email: Email,
    /// The hash of the pending verification link's token, while one is pending.
    pub token_hash: Option<String>,
    pub token_expires_at: Option<OffsetDateTime>,
    pub verified_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// A named, ordered group of badges in a backpack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub id: CollectionId,
    pub user_id: UserId,
    pub name: String,
    pub visibility: Visibility,
    pub position: i64,
    /// Its badges, in order.
    pub awards: Vec<AwardId>,
    pub created_at: OffsetDateTime,
}

/// A collection's id (random, like every id).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CollectionId(Uuid);

impl CollectionId {
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }
}

impl Default for CollectionId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for CollectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.hyphenated())
    }
}

impl fmt::Debug for CollectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CollectionId({})", self.0.hyphenated())
    }
}

impl FromStr for CollectionId {
    type Err = crate::IdError;
    fn from_str(s: &str) -> Result<Self, crate::IdError> {
        Uuid::parse_str(s.trim())
            .map(Self)
            .map_err(|_| crate::IdError(s.chars().take(64).collect()))
    }
}

/// A portfolio's handle, as in `/u/{handle}`: 3 to 30 characters of lowercase letters,
/// digits and inner hyphens, not a reserved word.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Handle(String);

/// Why a handle is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandleError {
    #[error("a handle has 3 to 30 characters")]
    Length,
    #[error("a handle has only lowercase letters a-z, digits and hyphens, not at either end")]
    Characters,
    #[error("this handle is reserved")]
    Reserved,
}

const RESERVED_HANDLES: &[&str] = &[
    "admin",
    "api",
    "backpack",
    "claim",
    "dashboard",
    "issuers",
    "root",
    "signin",
    "signup",
    "static",
    "support",
    "verify",
];

impl Handle {
    /// Lowercases and trims, then checks.
    pub fn parse(raw: &str) -> Result<Self, HandleError> {
        let h = raw.trim().to_ascii_lowercase();
        let n = h.chars().count();
        if !(3..=30).contains(&n) {
            return Err(HandleError::Length);
        }
        let ok = h
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok || h.starts_with('-') || h.ends_with('-') || h.contains("--") {
            return Err(HandleError::Characters);
        }
        if RESERVED_HANDLES.contains(&h.as_str()) {
            return Err(HandleError::Reserved);
        }
        Ok(Self(h))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles() {
        assert_eq!(Handle::parse(" Ada-L ").unwrap().as_str(), "ada-l");
        for bad in [
            "ab",
            "-ada",
            "ada-",
            "a--b",
            "ada lovelace",
            "<script>",
            "adä",
            "claim",
        ] {
            assert!(Handle::parse(bad).is_err(), "{bad}");
        }
        assert!(Handle::parse(&"a".repeat(31)).is_err());
    }

    #[test]
    fn visibility_round_trips() {
        for v in Visibility::ALL {
            assert_eq!(Visibility::parse(v.as_str()), Some(v));
        }
        assert!(!Visibility::Private.by_link() && Visibility::Unlisted.by_link());
    }
}
