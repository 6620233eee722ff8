use serde::Serialize;

use super::Layout;

/// One input of a form.
#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub name: String,
    pub label: String,
    /// `text`, `email`, `password`, `url`, `textarea`, `select`, `hidden`.
    pub kind: String,
    pub value: String,
    pub autocomplete: Option<String>,
    pub hint: Option<String>,
    pub required: bool,
    /// Needed, though the browser does not insist because the rule is more than "not empty"
    /// (criteria: a narrative or a page; a bulk column of a required custom field, whose
    /// rows without a value are reported): no `required` attribute, and no "(optional)".
    pub soft_required: bool,
    pub options: Vec<OptionView>,
    /// Why the value was refused, shown at the input (see [`super::Refusal`]).
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OptionView {
    pub value: String,
    pub label: String,
}

impl FieldView {
    pub fn new(name: &str, label: &str, kind: &str) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
            kind: kind.into(),
            value: String::new(),
            autocomplete: None,
            hint: None,
            required: true,
            soft_required: false,
            options: Vec::new(),
            error: None,
        }
    }

    pub fn value(mut self, v: impl Into<String>) -> Self {
        self.value = v.into();
        self
    }

    pub fn autocomplete(mut self, a: &str) -> Self {
        self.autocomplete = Some(a.into());
        self
    }

    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }

    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// Needed, checked by the application rather than the browser; its hint says how.
    pub fn soft_required(mut self) -> Self {
        self.required = false;
        self.soft_required = true;
        self
    }

    pub fn options(mut self, options: Vec<OptionView>) -> Self {
        self.options = options;
        self
    }
}

/// A small form page: sign in, sign up.
#[derive(Debug, Clone, Serialize)]
pub struct AuthView {
    pub layout: Layout,
    pub heading: String,
    pub intro: String,
    pub action: String,
    pub csrf: String,
    pub fields: Vec<FieldView>,
    pub submit_label: String,
    pub error: Option<String>,
    /// e.g. ("Create an account", "/signup")
    pub alternative: Option<(String, String)>,
}

/// An organization on the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct OrgCardView {
    pub name: String,
    pub role: String,
    pub url: String,
}

/// The signed-in user's home: their organizations and a form to create one.
#[derive(Debug, Clone, Serialize)]
pub struct DashboardView {
    pub layout: Layout,
    pub user_name: String,
    pub csrf: String,
    pub organizations: Vec<OrgCardView>,
    pub create_fields: Vec<FieldView>,
    pub error: Option<String>,
}

/// One award in the workspace list.
#[derive(Debug, Clone, Serialize)]
pub struct AwardRow {
    pub id: String,
    pub recipient: String,
    pub achievement: String,
    pub issued_on: String,
    pub status: String,
    pub url: String,
    /// The award's page in the workspace, where it is revoked, suspended or re-issued.
    pub manage_url: String,
}

/// An achievement on the workspace overview, with the way to its issue form.
#[derive(Debug, Clone, Serialize)]
pub struct AchievementLink {
    pub name: String,
    pub issue_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberRow {
    pub name: String,
    pub email: String,
    pub role: String,
}

/// An organization's workspace: issue a badge, recent awards, members.
#[derive(Debug, Clone, Serialize)]
pub struct OrgWorkspaceView {
    pub layout: Layout,
    pub name: String,
    pub slug: String,
    pub role: String,
    pub public_url: String,
    pub csrf: String,
    pub can_issue: bool,
    pub awards: Vec<AwardRow>,
    pub members: Vec<MemberRow>,
    pub achievements: Vec<AchievementLink>,
    /// The first steps, until the first badge is issued.
    pub getting_started: Vec<GuideStep>,
}

/// One step of the getting-started guide of a new organization.
#[derive(Debug, Clone, Serialize)]
pub struct GuideStep {
    pub title: String,
    pub text: String,
    /// Where the step is done; `None` when this member's role cannot do it.
    pub url: Option<String>,
    pub action: String,
    pub done: bool,
    /// The first step still to do: its button is the primary one.
    pub next: bool,
}
