//! Typed identifiers. Random (UUID v4), never sequential, so ids cannot be guessed or
//! enumerated across organizations.

use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// An identifier that is not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a valid id")]
pub struct IdError(pub String);

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A new random id.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }
            pub fn from_uuid(u: Uuid) -> Self {
                Self(u)
            }
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0.hyphenated())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| IdError(s.chars().take(64).collect()))
            }
        }
    };
}

id_type!(
    /// An organization (an issuer).
    OrgId
);
id_type!(
    /// An achievement (a badge class).
    AchievementId
);
id_type!(
    /// An award: one issued credential.
    AwardId
);
id_type!(
    /// A signing key.
    KeyId
);
id_type!(
    /// A stored image.
    ImageId
);
id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// A background job.
    JobId
);
id_type!(
    /// A message in the mail outbox.
    OutboxId
);
id_type!(
    /// A bulk import (one CSV file issued for one achievement).
    ImportId
);
id_type!(
    /// An entry in an organization's audit log.
    AuditId
);
id_type!(
    /// A saved badge design.
    DesignId
);
id_type!(
    /// An organization's API key.
    ApiKeyId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = AwardId::new();
        assert_eq!(id.to_string().parse::<AwardId>().unwrap(), id);
        assert_ne!(AwardId::new(), AwardId::new());
        assert!("42".parse::<AwardId>().is_err());
        assert!("".parse::<OrgId>().is_err());
    }
}
