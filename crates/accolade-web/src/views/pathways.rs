//! Pathways: the workspace's list and form, the public pathway page, the progress shown in
//! the backpack and on the portfolio, and the backpack's imported badges.

use super::{FieldView, Layout, OptionView};
use accolade_app::pathways::PathwayProgress;
use accolade_core::{Achievement, AchievementId, RequirementProgress, RequirementStep};
use serde::Serialize;
use std::collections::HashMap;

/// A badge named by a pathway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepBadgeView {
    pub name: String,
    pub image_url: Option<String>,
}

impl StepBadgeView {
    pub fn of(a: &Achievement) -> Self {
        Self {
            name: a.name.clone(),
            image_url: a.image_id.map(|i| format!("/images/{i}")),
        }
    }
}

/// One requirement of a pathway, with its parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepView {
    /// `badge`, `all`, `any` or `credits`.
    pub kind: String,
    /// For `any`: how many of the parts.
    pub n: usize,
    /// For `credits`: earned and needed, as shown.
    pub credits_earned: String,
    pub credits_needed: String,
    pub badge: Option<StepBadgeView>,
    /// For `credits`: the badges whose credits count.
    pub sources: Vec<StepBadgeView>,
    pub complete: bool,
    pub children: Vec<StepView>,
}

/// A number of credits as people write it: no trailing `.0`.
pub fn credits_text(c: f64) -> String {
    let s = format!("{c:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

impl StepView {
    /// The tree of `progress`, naming the badges from `achievements`.
    pub fn of(
        progress: &RequirementProgress,
        achievements: &HashMap<AchievementId, Achievement>,
    ) -> Self {
        let badge = |id: &AchievementId| {
            achievements
                .get(id)
                .map(StepBadgeView::of)
                .unwrap_or_else(|| StepBadgeView {
                    name: "A badge no longer offered".into(),
                    image_url: None,
                })
        };
        let mut view = StepView {
            kind: String::new(),
            n: 0,
            credits_earned: String::new(),
            credits_needed: String::new(),
            badge: None,
            sources: Vec::new(),
            complete: progress.complete,
            children: progress
                .children
                .iter()
                .map(|c| StepView::of(c, achievements))
                .collect(),
        };
        match &progress.step {
            RequirementStep::Achievement { id, .. } => {
                view.kind = "badge".into();
                view.badge = Some(badge(id));
            }
            RequirementStep::AllOf => view.kind = "all".into(),
            RequirementStep::AnyOf { n } => {
                view.kind = "any".into();
                view.n = *n;
            }
            RequirementStep::Credits { earned, needed, of } => {
                view.kind = "credits".into();
                view.credits_earned = credits_text(*earned);
                view.credits_needed = credits_text(*needed);
                view.sources = of.iter().map(badge).collect();
            }
        }
        view
    }
}

/// Progress along one pathway, as the backpack and the portfolio show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathwayProgressView {
    pub name: String,
    pub url: String,
    pub org_name: String,
    /// What the steps lead to: the target badge's name, else the pathway's.
    pub goal: String,
    pub goal_image_url: Option<String>,
    pub done: usize,
    pub required: usize,
    pub complete: bool,
    pub has_target: bool,
    pub target_held: bool,
    pub next_steps: Vec<StepBadgeView>,
}

impl PathwayProgressView {
    pub fn of(p: &PathwayProgress) -> Self {
        Self {
            name: p.pathway.name.clone(),
            url: format!("/pathways/{}", p.pathway.id),
            org_name: p.org.name.clone(),
            goal: p
                .target
                .as_ref()
                .map_or_else(|| p.pathway.name.clone(), |t| t.name.clone()),
            goal_image_url: p
                .target
                .as_ref()
                .and_then(|t| t.image_id)
                .map(|i| format!("/images/{i}")),
            done: p.progress.done,
            required: p.progress.required,
            complete: p.progress.complete,
            has_target: p.target.is_some(),
            target_held: p.target_held,
            next_steps: p.next_steps.iter().map(StepBadgeView::of).collect(),
        }
    }
}

/// An imported badge in the backpack, with its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedRow {
    pub name: String,
    pub issuer_name: Option<String>,
    pub url: String,
    /// `verified`, `revoked`, `suspended`, `expired`, `invalid` or `unchecked`.
    pub verdict: String,
    pub verdict_label: String,
    pub imported_on: String,
}

/// `/pathways/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathwayPageView {
    pub layout: Layout,
    pub name: String,
    pub description: String,
    pub org_name: String,
    pub org_url: String,
    pub target: Option<StepBadgeView>,
    pub root: StepView,
    /// The signed-in viewer's progress, when they hold one of its badges.
    pub progress: Option<PathwayProgressView>,
}

/// A pathway in the workspace's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathwayRow {
    pub id: String,
    pub name: String,
    pub target: Option<String>,
    pub steps: usize,
    pub edit_url: String,
    pub public_url: String,
}

/// `/dashboard/orgs/{slug}/pathways`.
#[derive(Debug, Clone, Serialize)]
pub struct PathwaysView {
    pub layout: Layout,
    pub slug: String,
    pub org_name: String,
    pub csrf: String,
    pub rows: Vec<PathwayRow>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// One step row of the pathway form: a badge, or "N of" several badges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormRowView {
    pub index: usize,
    /// `` (unused), `badge` or `group`.
    pub kind: String,
    pub badge: String,
    pub n: String,
    pub group: Vec<String>,
}

/// The form that creates or edits a pathway.
#[derive(Debug, Clone, Serialize)]
pub struct PathwayFormView {
    pub layout: Layout,
    pub heading: String,
    pub slug: String,
    pub org_name: String,
    pub csrf: String,
    pub action: String,
    /// Empty when creating.
    pub version: String,
    pub fields: Vec<FieldView>,
    pub badges: Vec<OptionView>,
    /// Lines a group's list shows.
    pub group_size: usize,
    pub rows: Vec<FormRowView>,
    pub credits: String,
    /// The stored requirements go beyond what this form edits; saving replaces them.
    pub beyond_form: bool,
    pub public_url: Option<String>,
    /// A refusal of the form as a whole (or of an input it does not show).
    pub error: Option<String>,
    /// A refusal shown at an input the template draws itself.
    pub refused: Option<super::FieldError>,
}
