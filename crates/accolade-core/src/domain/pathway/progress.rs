//! Evaluating a requirement tree against the achievements an earner holds.
//!
//! Progress is counted in steps: one step per badge to hold and one per credits threshold.
//! A group of "all of" counts the steps of all its parts; a group of "N of" counts those of
//! the N parts closest to completion (so "2 of 3 courses" asks for two steps, and the
//! count follows the route the earner is already taking).

use super::Requirement;
use crate::AchievementId;
use std::collections::{HashMap, HashSet};

/// What one requirement is, as its progress shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum RequirementStep {
    Achievement {
        id: AchievementId,
        held: bool,
    },
    AllOf,
    AnyOf {
        n: usize,
    },
    /// Credits earned from the badges `of`, of those needed.
    Credits {
        earned: f64,
        needed: f64,
        of: Vec<AchievementId>,
    },
}

/// Progress on one requirement and, below it, on its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct RequirementProgress {
    pub step: RequirementStep,
    /// Steps done, of `required`.
    pub done: usize,
    pub required: usize,
    pub complete: bool,
    /// Achievements to earn next, in the tree's order, once each; empty when complete.
    pub next_steps: Vec<AchievementId>,
    pub children: Vec<RequirementProgress>,
}

impl Requirement {
    /// RequirementProgress given the achievements the earner validly holds (not revoked, suspended or
    /// expired) and the credits each achievement is worth (absent: none).
    pub fn evaluate(
        &self,
        held: &HashSet<AchievementId>,
        credits: &HashMap<AchievementId, f64>,
    ) -> RequirementProgress {
        match self {
            Requirement::Achievement(id) => {
                let has = held.contains(id);
                RequirementProgress {
                    step: RequirementStep::Achievement { id: *id, held: has },
                    done: usize::from(has),
                    required: 1,
                    complete: has,
                    next_steps: if has { Vec::new() } else { vec![*id] },
                    children: Vec::new(),
                }
            }
            Requirement::AllOf(of) => {
                let children: Vec<RequirementProgress> =
                    of.iter().map(|r| r.evaluate(held, credits)).collect();
                let chosen: Vec<&RequirementProgress> = children.iter().collect();
                group(
                    RequirementStep::AllOf,
                    &chosen,
                    children.iter().all(|c| c.complete),
                )
                .with_children(children)
            }
            Requirement::AnyOf { n, of } => {
                let children: Vec<RequirementProgress> =
                    of.iter().map(|r| r.evaluate(held, credits)).collect();
                let met = children.iter().filter(|c| c.complete).count();
                // The parts closest to completion: fewest steps left, then most done.
                let mut order: Vec<&RequirementProgress> = children.iter().collect();
                order.sort_by_key(|c| (c.required - c.done.min(c.required), usize::MAX - c.done));
                order.truncate(*n);
                group(RequirementStep::AnyOf { n: *n }, &order, met >= *n).with_children(children)
            }
            Requirement::CreditsAtLeast {
                credits: needed,
                of,
            } => {
                let earned: f64 = of
                    .iter()
                    .filter(|a| held.contains(a))
                    .filter_map(|a| credits.get(a))
                    .filter(|c| c.is_finite() && **c > 0.0)
                    .sum();
                let complete = earned >= *needed;
                let next_steps = if complete {
                    Vec::new()
                } else {
                    of.iter()
                        .filter(|a| !held.contains(a))
                        .filter(|a| credits.get(a).is_some_and(|c| *c > 0.0))
                        .copied()
                        .collect()
                };
                RequirementProgress {
                    step: RequirementStep::Credits {
                        earned,
                        needed: *needed,
                        of: of.clone(),
                    },
                    done: usize::from(complete),
                    required: 1,
                    complete,
                    next_steps,
                    children: Vec::new(),
                }
            }
        }
    }
}

/// A group's progress from the parts that count toward it.
fn group(
    step: RequirementStep,
    counted: &[&RequirementProgress],
    complete: bool,
) -> RequirementProgress {
    let mut next_steps = Vec::new();
    let mut seen = HashSet::new();
    if !complete {
        for part in counted.iter().filter(|p| !p.complete) {
            for a in &part.next_steps {
                if seen.insert(*a) {
                    next_steps.push(*a);
                }
            }
        }
    }
    RequirementProgress {
        step,
        done: counted.iter().map(|p| p.done.min(p.required)).sum(),
        required: counted.iter().map(|p| p.required).sum(),
        complete,
        next_steps,
        children: Vec::new(),
    }
}

impl RequirementProgress {
    fn with_children(mut self, children: Vec<RequirementProgress>) -> Self {
        self.children = children;
        self
    }
}
