//! The pathway form's data. The form edits one level of groups: the pathway asks for all of
//! its step rows, each row either one badge or "N of" several badges, plus an optional
//! credits threshold counted over the badges of the rows. Rows are named `kind-{i}`,
//! `badge-{i}`, `n-{i}` and `group-{i}` (repeated, one per chosen badge). Requirement
//! trees beyond that shape (made through the application API) are shown as such, and
//! saving the form replaces them.

use crate::views::FormRowView;
use accolade_app::AppError;
use accolade_app::pathways::NewPathway;
use accolade_core::{AchievementId, OrgId, Pathway, Requirement};
use std::collections::HashSet;

/// Most step rows the form shows.
pub const MAX_ROWS: usize = 60;
/// Empty rows offered below the filled ones.
const SPARE_ROWS: usize = 2;
/// Rows a new pathway starts with.
const FIRST_ROWS: usize = 4;

/// Submitted form fields, in order (names may repeat).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// One step row, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowInput {
    /// ``, `badge` or `group`.
    pub kind: String,
    pub badge: String,
    pub n: String,
    pub group: Vec<String>,
}

/// The form's values, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathwayInput {
    pub name: String,
    pub description: String,
    pub target: String,
    pub rows: Vec<RowInput>,
    pub credits: String,
}

impl PathwayInput {
    pub fn from_form(f: &FormData) -> Self {
        let count = f
            .get("rows")
            .trim()
            .parse::<usize>()
            .unwrap_or(FIRST_ROWS)
            .min(MAX_ROWS);
        Self {
            name: f.get("name").to_owned(),
            description: f.get("description").to_owned(),
            target: f.get("target").to_owned(),
            rows: (0..count)
                .map(|i| RowInput {
                    kind: f.get(&format!("kind-{i}")).to_owned(),
                    badge: f.get(&format!("badge-{i}")).to_owned(),
                    n: f.get(&format!("n-{i}")).to_owned(),
                    group: f.all(&format!("group-{i}")),
                })
                .collect(),
            credits: f.get("credits").to_owned(),
        }
    }

    /// The form filled from a stored pathway, and whether its requirements go beyond
    /// what the form edits (then the form starts empty).
    pub fn from_pathway(p: &Pathway) -> (Self, bool) {
        let mut input = Self {
            name: p.name.clone(),
            description: p.description.clone(),
            target: p.target.map(|t| t.to_string()).unwrap_or_default(),
            rows: Vec::new(),
            credits: String::new(),
        };
        let parts = match &p.requirement {
            Requirement::AllOf(parts) => parts.as_slice(),
            other => std::slice::from_ref(other),
        };
        let mut credits_over = None;
        for part in parts {
            match part {
                Requirement::Achievement(a) => input.rows.push(RowInput {
                    kind: "badge".into(),
                    badge: a.to_string(),
                    ..RowInput::default()
                }),
                Requirement::AnyOf { n, of } => {
                    let Some(group) = leaves(of) else {
                        return (input.without_rows(), true);
                    };
                    input.rows.push(RowInput {
                        kind: "group".into(),
                        n: n.to_string(),
                        group: group.iter().map(ToString::to_string).collect(),
                        ..RowInput::default()
                    });
                }
                Requirement::CreditsAtLeast { credits, of } if credits_over.is_none() => {
                    input.credits = crate::views::credits_text(*credits);
                    credits_over = Some(of.clone());
                }
                _ => return (input.without_rows(), true),
            }
        }
        if let Some(of) = credits_over {
            // The form counts credits over the rows' badges (or, with no rows, over the
            // organization's badges that carry credits, which is not known here).
            let rows: HashSet<AchievementId> = input.row_badges().into_iter().collect();
            let over: HashSet<AchievementId> = of.into_iter().collect();
            if !rows.is_empty() && rows != over {
                return (input.without_rows(), true);
            }
        }
        (input, false)
    }

    fn without_rows(mut self) -> Self {
        self.rows.clear();
        self.credits.clear();
        self
    }

    /// The badges the rows name, once each, in order (ids that do not parse left out).
    fn row_badges(&self) -> Vec<AchievementId> {
        let mut seen = HashSet::new();
        self.rows
            .iter()
            .flat_map(|r| match r.kind.as_str() {
                "badge" => vec![r.badge.clone()],
                "group" => r.group.clone(),
                _ => Vec::new(),
            })
            .filter_map(|s| s.parse::<AchievementId>().ok())
            .filter(|a| seen.insert(*a))
            .collect()
    }

    /// The rows to show: as many as the form had (at least `FIRST_ROWS`, and a few empty
    /// ones after the last filled one), plus `extra`.
    pub fn row_views(&self, extra: usize) -> Vec<FormRowView> {
        let filled = self.rows.iter().rposition(|r| !r.kind.is_empty());
        let count = filled
            .map_or(0, |i| i + 1 + SPARE_ROWS)
            .max(self.rows.len())
            .max(FIRST_ROWS)
            .saturating_add(extra)
            .min(MAX_ROWS);
        (0..count)
            .map(|i| {
                let r = self.rows.get(i).cloned().unwrap_or_default();
                FormRowView {
                    index: i,
                    kind: r.kind,
                    badge: r.badge,
                    n: r.n,
                    group: r.group,
                }
            })
            .collect()
    }

    /// The application's `NewPathway`. `credit_badges` are the organization's badges that
    /// carry credits: a threshold with no rows counts over them.
    pub fn to_new(
        &self,
        org: OrgId,
        credit_badges: &[AchievementId],
    ) -> Result<NewPathway, AppError> {
        let id = |raw: &str| {
            raw.trim()
                .parse::<AchievementId>()
                .map_err(|_| AppError::NotFound("achievement"))
        };
        let mut parts = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            match row.kind.as_str() {
                "" => {}
                "badge" => parts.push(Requirement::Achievement(id(&row.badge)?)),
                "group" => {
                    let n = row.n.trim().parse::<usize>().map_err(|_| {
                        AppError::invalid_field(
                            format!("n-{i}"),
                            format!(
                                "Enter how many badges of step {}'s group are needed, like 2.",
                                i + 1
                            ),
                        )
                    })?;
                    let of = row
                        .group
                        .iter()
                        .map(|g| id(g).map(Requirement::Achievement))
                        .collect::<Result<Vec<_>, _>>()?;
                    parts.push(Requirement::AnyOf { n, of });
                }
                _ => {
                    return Err(AppError::invalid_field(
                        format!("kind-{i}"),
                        "Choose a kind of step from the list.",
                    ));
                }
            }
        }
        let credits = self.credits.trim();
        if !credits.is_empty() {
            let needed = credits.replace(',', ".").parse::<f64>().map_err(|_| {
                AppError::invalid_field("credits", "Enter the credits as a number, like 10.")
            })?;
            let mut over = self.row_badges();
            if over.is_empty() {
                over = credit_badges.to_vec();
            }
            parts.push(Requirement::CreditsAtLeast {
                credits: needed,
                of: over,
            });
        }
        if parts.is_empty() {
            return Err(AppError::invalid_field(
                "requirement",
                "Add at least one step: a badge, a group of badges or a number of credits.",
            ));
        }
        let target = match self.target.trim() {
            "" => None,
            t => Some(id(t)?),
        };
        Ok(NewPathway {
            org_id: org,
            name: self.name.clone(),
            description: self.description.clone(),
            target,
            requirement: Requirement::AllOf(parts),
        })
    }
}

/// The achievements of a group that holds only badges.
fn leaves(of: &[Requirement]) -> Option<Vec<AchievementId>> {
    of.iter()
        .map(|r| match r {
            Requirement::Achievement(a) => Some(*a),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::datetime;

    fn form(fields: &[(&str, &str)]) -> FormData {
        FormData(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn rows_become_a_tree_and_back() {
        let [a, b, c] = [(); 3].map(|_| AchievementId::new());
        let (a_s, b_s, c_s) = (a.to_string(), b.to_string(), c.to_string());
        let f = form(&[
            ("name", "Practitioner"),
            ("rows", "3"),
            ("kind-0", "badge"),
            ("badge-0", &a_s),
            ("kind-1", "group"),
            ("n-1", "1"),
            ("group-1", &b_s),
            ("group-1", &c_s),
            ("kind-2", ""),
            ("credits", "2,5"),
        ]);
        let input = PathwayInput::from_form(&f);
        let org = OrgId::new();
        let new = input.to_new(org, &[]).unwrap();
        let tree = Requirement::AllOf(vec![
            Requirement::Achievement(a),
            Requirement::AnyOf {
                n: 1,
                of: vec![Requirement::Achievement(b), Requirement::Achievement(c)],
            },
            Requirement::CreditsAtLeast {
                credits: 2.5,
                of: vec![a, b, c],
            },
        ]);
        assert_eq!(new.requirement, tree);
        let t = datetime!(2026-01-01 0:00 UTC);
        let stored = Pathway {
            id: accolade_core::PathwayId::new(),
            org_id: org,
            name: new.name.clone(),
            description: String::new(),
            target: None,
            requirement: tree,
            created_at: t,
            updated_at: t,
            version: 1,
        };
        let (back, beyond) = PathwayInput::from_pathway(&stored);
        assert!(!beyond);
        assert_eq!(back.rows, input.rows[..2]);
        assert_eq!(back.credits, "2.5");
        assert_eq!(back.row_views(0).len(), 4);

        let deeper = Pathway {
            requirement: Requirement::AllOf(vec![Requirement::AllOf(vec![
                Requirement::Achievement(a),
            ])]),
            ..stored
        };
        let (empty, beyond) = PathwayInput::from_pathway(&deeper);
        assert!(beyond && empty.rows.is_empty());
    }

    #[test]
    fn bad_input_is_refused() {
        let org = OrgId::new();
        let none = PathwayInput::from_form(&form(&[("name", "x")]));
        assert!(matches!(none.to_new(org, &[]), Err(AppError::Invalid(_))));
        let bad_id = PathwayInput::from_form(&form(&[("kind-0", "badge"), ("badge-0", "nope")]));
        assert!(matches!(
            bad_id.to_new(org, &[]),
            Err(AppError::NotFound("achievement"))
        ));
        let no_n = PathwayInput::from_form(&form(&[("kind-0", "group"), ("n-0", "")]));
        assert!(matches!(no_n.to_new(org, &[]), Err(AppError::Invalid(_))));
        let credits_only = PathwayInput::from_form(&form(&[("credits", "3")]));
        let pool = [AchievementId::new()];
        assert_eq!(
            credits_only.to_new(org, &pool).unwrap().requirement,
            Requirement::AllOf(vec![Requirement::CreditsAtLeast {
                credits: 3.0,
                of: pool.to_vec()
            }])
        );
    }
}
