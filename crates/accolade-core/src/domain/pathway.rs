//! Pathways: a route of an organization's achievements toward a goal ("Certified
//! Practitioner"), as a tree of requirements (all of, N of, credits at least X) over the
//! organization's achievements, optionally leading to a target achievement. Progress is a pure
//! function of the achievements an earner validly holds ([`Requirement::evaluate`]), so it is
//! computed afresh whenever it is shown and follows every revocation or expiry at once.

mod progress;
#[cfg(test)]
mod tests;

pub use progress::{RequirementProgress, RequirementStep};

use crate::{AchievementId, OrgId};
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;
use time::OffsetDateTime;
use uuid::Uuid;

/// How deep requirements may nest (the root is level 1).
pub const MAX_DEPTH: usize = 4;
/// How many requirements (groups, badges and credit thresholds) one pathway may have.
pub const MAX_NODES: usize = 200;
/// The largest credits threshold.
pub const MAX_CREDITS: f64 = 100_000.0;

/// A pathway of an organization.
#[derive(Debug, Clone, PartialEq)]
pub struct Pathway {
    pub id: PathwayId,
    pub org_id: OrgId,
    pub name: String,
    pub description: String,
    /// The badge the pathway leads to, if it leads to one.
    pub target: Option<AchievementId>,
    pub requirement: Requirement,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Incremented on every change; concurrent edits compare it.
    pub version: i64,
}

/// What a pathway asks for. Leaves are achievements of the pathway's organization.
#[derive(Debug, Clone, PartialEq)]
pub enum Requirement {
    /// Hold this achievement.
    Achievement(AchievementId),
    /// Meet every one of these.
    AllOf(Vec<Requirement>),
    /// Meet at least `n` of these.
    AnyOf { n: usize, of: Vec<Requirement> },
    /// Hold achievements from `of` whose credits add up to at least `credits`.
    CreditsAtLeast {
        credits: f64,
        of: Vec<AchievementId>,
    },
}

/// Why a requirement tree is not acceptable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RequirementError {
    #[error("a group of steps needs at least one step")]
    EmptyGroup,
    #[error("\"{n} of\" a group of {len} steps cannot be met: choose between 1 and {len}")]
    BadCount { n: usize, len: usize },
    #[error("steps can be nested at most {MAX_DEPTH} levels deep")]
    TooDeep,
    #[error("a pathway has at most {MAX_NODES} steps")]
    TooLarge,
    #[error("a credits threshold is a number above 0 and at most 100000")]
    BadCredits,
    #[error("a credits threshold needs the badges whose credits count")]
    NoCreditSources,
    #[error("a badge appears twice in the same group")]
    Duplicate,
}

impl Requirement {
    /// Checks the tree's shape: no empty group, `n` within its group, a sensible credits
    /// threshold, no badge twice in one group, and bounded depth and size.
    pub fn check(&self) -> Result<(), RequirementError> {
        if self.size() > MAX_NODES {
            return Err(RequirementError::TooLarge);
        }
        self.check_at(1)
    }

    fn check_at(&self, depth: usize) -> Result<(), RequirementError> {
        if depth > MAX_DEPTH {
            return Err(RequirementError::TooDeep);
        }
        match self {
            Requirement::Achievement(_) => Ok(()),
            Requirement::AllOf(of) => check_group(of, depth),
            Requirement::AnyOf { n, of } => {
                check_group(of, depth)?;
                if *n == 0 || *n > of.len() {
                    return Err(RequirementError::BadCount {
                        n: *n,
                        len: of.len(),
                    });
                }
                Ok(())
            }
            Requirement::CreditsAtLeast { credits, of } => {
                if !credits.is_finite() || *credits <= 0.0 || *credits > MAX_CREDITS {
                    return Err(RequirementError::BadCredits);
                }
                if of.is_empty() {
                    return Err(RequirementError::NoCreditSources);
                }
                let mut seen = HashSet::new();
                if !of.iter().all(|a| seen.insert(*a)) {
                    return Err(RequirementError::Duplicate);
                }
                Ok(())
            }
        }
    }

    /// How many requirements the tree has, itself included (the achievements a credits
    /// threshold counts are one each).
    pub fn size(&self) -> usize {
        match self {
            Requirement::Achievement(_) => 1,
            Requirement::AllOf(of) | Requirement::AnyOf { of, .. } => {
                1 + of.iter().map(Requirement::size).sum::<usize>()
            }
            Requirement::CreditsAtLeast { of, .. } => 1 + of.len(),
        }
    }

    /// Every achievement the tree mentions, once each, in the order they first appear.
    pub fn achievements(&self) -> Vec<AchievementId> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        self.collect(&mut out, &mut seen);
        out
    }

    fn collect(&self, out: &mut Vec<AchievementId>, seen: &mut HashSet<AchievementId>) {
        match self {
            Requirement::Achievement(a) => {
                if seen.insert(*a) {
                    out.push(*a);
                }
            }
            Requirement::AllOf(of) | Requirement::AnyOf { of, .. } => {
                for r in of {
                    r.collect(out, seen);
                }
            }
            Requirement::CreditsAtLeast { of, .. } => {
                for a in of {
                    if seen.insert(*a) {
                        out.push(*a);
                    }
                }
            }
        }
    }
}

fn check_group(of: &[Requirement], depth: usize) -> Result<(), RequirementError> {
    if of.is_empty() {
        return Err(RequirementError::EmptyGroup);
    }
    let mut seen = HashSet::new();
    for r in of {
        if let Requirement::Achievement(a) = r
            && !seen.insert(*a)
        {
            return Err(RequirementError::Duplicate);
        }
        r.check_at(depth + 1)?;
    }
    Ok(())
}

/// A pathway's id (random, like every id).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathwayId(Uuid);

impl PathwayId {
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }
}

impl Default for PathwayId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for PathwayId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.hyphenated())
    }
}

impl fmt::Debug for PathwayId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PathwayId({})", self.0.hyphenated())
    }
}

impl FromStr for PathwayId {
    type Err = crate::IdError;
    fn from_str(s: &str) -> Result<Self, crate::IdError> {
        Uuid::parse_str(s.trim())
            .map(Self)
            .map_err(|_| crate::IdError(s.chars().take(64).collect()))
    }
}
