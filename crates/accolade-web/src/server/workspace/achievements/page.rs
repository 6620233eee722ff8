//! The authoring page: the form's inputs from what was typed or stored, with blank rows to
//! add more, the organization's images, the bundled frameworks, and the stored version when
//! someone else saved meanwhile.

use super::base;
use super::form::AchievementInput;
use crate::server::AppState;
use crate::server::errors::WebError;
use crate::server::workspace::{html, nav};
use crate::views::{
    AchievementFormView, AlignmentRow, CurrentVersionView, CustomFieldRow, FieldLabelRow,
    FieldView, FrameworkOption, ImageChoice, Layout, OptionView, Refusal, TranslationRow,
};
use accolade_app::accounts::CurrentUser;
use accolade_app::i18n::{ACHIEVEMENT_TYPES, Lang, achievement_type_label};
use accolade_app::{ALIGNMENT_FRAMEWORKS, AppError};
use accolade_core::{Achievement, Organization};
use axum::http::StatusCode;
use axum::response::Response;

/// Blank rows offered below the filled ones (more appear after saving, or with the script).
const BLANK_ALIGNMENTS: usize = 2;
const BLANK_FIELDS: usize = 2;
const BLANK_TRANSLATIONS: usize = 1;

/// What the form is for.
pub(super) enum Mode<'a> {
    Create,
    /// Editing `achievement`, from `version`.
    Edit {
        achievement: &'a Achievement,
        version: i64,
    },
}

fn text_fields(input: &AchievementInput) -> Vec<FieldView> {
    let option = |raw: &str| OptionView {
        value: raw.to_owned(),
        label: achievement_type_label(Lang::En, raw),
    };
    let mut types: Vec<OptionView> = ACHIEVEMENT_TYPES.iter().map(|(v, _)| option(v)).collect();
    if !input.achievement_type.is_empty()
        && !ACHIEVEMENT_TYPES
            .iter()
            .any(|(v, _)| *v == input.achievement_type)
    {
        types.push(option(&input.achievement_type));
    }
    vec![
        FieldView::new("name", "Name", "text").value(&input.name),
        FieldView::new("description", "Description", "textarea")
            .value(&input.description)
            .hint("Shown on the badge page and embedded in every credential."),
        FieldView::new("achievement_type", "Achievement type", "select")
            .value(&input.achievement_type)
            .options(types),
        // The application requires criteria: a narrative, a page, or both. Neither input
        // is optional on its own, so neither says so; each says the other may stand in.
        FieldView::new("criteria_narrative", "Criteria", "textarea")
            .value(&input.criteria_narrative)
            .soft_required()
            .hint(
                "What an earner did. Required unless you give a criteria page below. \
                 Markdown: **bold**, *italic*, lists, [links](https://…).",
            ),
        FieldView::new("criteria_url", "Criteria page", "url")
            .value(&input.criteria_url)
            .soft_required()
            .hint("A page with the full criteria. Required unless you write the criteria above; you may give both."),
        FieldView::new("language", "Language of these texts", "text")
            .value(&input.language)
            .hint("A language tag such as en, de, fr-CA. Add other languages below."),
        FieldView::new("credits", "Credits or CEUs", "text")
            .value(&input.credits)
            .optional(),
        FieldView::new("tags", "Tags", "text")
            .value(&input.tags)
            .optional()
            .hint("Separated by commas."),
        FieldView::new("evidence_requirements", "Evidence to collect", "textarea")
            .value(&input.evidence_requirements)
            .optional()
            .hint("Shown to issuers on the issue form. Markdown."),
    ]
}

/// The translation rows with one label input per custom field that has a key.
fn translation_rows(input: &AchievementInput) -> Vec<TranslationRow> {
    let fields: Vec<&CustomFieldRow> = input
        .custom_fields
        .iter()
        .filter(|f| !f.key.is_empty())
        .collect();
    input
        .translations
        .iter()
        .cloned()
        .chain(std::iter::repeat_n(
            TranslationRow::default(),
            BLANK_TRANSLATIONS,
        ))
        .map(|mut t| {
            t.field_labels = fields
                .iter()
                .map(|f| FieldLabelRow {
                    key: f.key.clone(),
                    default_label: f.label.clone(),
                    label: t
                        .field_labels
                        .iter()
                        .find(|l| l.key == f.key)
                        .map(|l| l.label.clone())
                        .unwrap_or_default(),
                })
                .collect();
            t
        })
        .collect()
}

pub(super) fn current_version(a: &Achievement) -> CurrentVersionView {
    CurrentVersionView {
        version: a.version,
        updated: crate::format_datetime(a.updated_at),
        name: a.name.clone(),
        description: a.description.clone(),
        criteria_narrative: a.criteria_narrative.clone(),
        criteria_url: a.criteria_url.clone(),
        achievement_type: a.achievement_type.clone(),
        languages: a
            .languages()
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        tags: a.tags.join(", "),
        custom_fields: a
            .custom_fields
            .iter()
            .map(|f| {
                if f.required {
                    format!("{} (required)", f.label)
                } else {
                    f.label.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Inputs the template draws itself that a refusal can be shown at: the expiry inputs and
/// the fieldsets of repeated rows.
const DRAWN_INPUTS: &[&str] = &[
    "expiry_kind",
    "expiry_date",
    "expiry_months",
    "alignments",
    "custom_fields",
    "translations",
];

/// What the page says about the form.
#[derive(Default)]
pub(super) struct Messages {
    pub notice: Option<String>,
    /// Why the form was refused: shown at its input, or above the form.
    pub refusal: Option<Refusal>,
    /// The stored version, when someone else saved meanwhile.
    pub conflict: Option<CurrentVersionView>,
    /// The achievement was just created.
    pub created: bool,
}

impl Messages {
    pub(super) fn error(e: &AppError) -> Self {
        Self {
            refusal: Some(Refusal::from(e)),
            ..Self::default()
        }
    }
}

pub(super) async fn form_page(
    app: &AppState,
    user: &CurrentUser,
    org: &Organization,
    input: &AchievementInput,
    mode: Mode<'_>,
    msg: Messages,
) -> Result<Response, WebError> {
    let Messages {
        notice,
        refusal,
        conflict,
        created,
    } = msg;
    let mut fields = text_fields(input);
    // The application names the policy `expiry`; the form has an input for each kind.
    let expiry_input = match input.expiry_kind.as_str() {
        "fixed_date" => "expiry_date",
        _ => "expiry_months",
    };
    let refused = refusal.is_some();
    let (field_error, error) = match refusal {
        Some(r) => r
            .rename(&[("expiry", expiry_input)])
            .place_in(&mut [&mut fields], DRAWN_INPUTS),
        None => (None, None),
    };
    let slug = org.slug.to_string();
    let images = app.org_images(org.id).await?;
    let (issue_url, public_url) = match &mode {
        Mode::Create => (None, None),
        Mode::Edit { achievement, .. } => (
            Some(format!("{}/{}/issue", base(&slug), achievement.id)),
            Some(format!("/achievements/{}", achievement.id)),
        ),
    };
    let (heading, action, submit_label, version) = match &mode {
        Mode::Create => (
            "New achievement".to_owned(),
            base(&slug),
            "Create achievement",
            None,
        ),
        Mode::Edit {
            achievement,
            version,
        } => (
            format!("Edit {}", achievement.name),
            format!("{}/{}/edit", base(&slug), achievement.id),
            "Save changes",
            Some(*version),
        ),
    };
    let view = AchievementFormView {
        layout: Layout::new(format!("{heading} — {}", org.name), "Achievement authoring")
            .with_user(nav(user)),
        slug: slug.clone(),
        csrf: user.csrf_token.clone(),
        heading,
        action,
        submit_label: submit_label.into(),
        version,
        fields,
        refused: field_error,
        expiry_kind: input.expiry_kind.clone(),
        expiry_date: input.expiry_date.clone(),
        expiry_months: input.expiry_months.clone(),
        no_image_selected: !images.iter().any(|i| i.id.to_string() == input.image),
        images: images
            .iter()
            .map(|i| ImageChoice {
                id: i.id.to_string(),
                url: format!("/images/{}", i.id),
                selected: i.id.to_string() == input.image,
            })
            .collect(),
        designer_url: format!("/dashboard/orgs/{slug}/designer"),
        alignments: input
            .alignments
            .iter()
            .cloned()
            .chain(std::iter::repeat_n(
                AlignmentRow::default(),
                BLANK_ALIGNMENTS,
            ))
            .collect(),
        frameworks: ALIGNMENT_FRAMEWORKS
            .iter()
            .map(|f| FrameworkOption {
                name: f.name.into(),
                url: f.url.into(),
                about: f.about.into(),
            })
            .collect(),
        custom_fields: input
            .custom_fields
            .iter()
            .cloned()
            .chain(std::iter::repeat_n(CustomFieldRow::default(), BLANK_FIELDS))
            .collect(),
        translations: translation_rows(input),
        notice,
        error: error.clone(),
        conflict: conflict.clone(),
        script_src: crate::script_href("achievement-form.js"),
        issue_url,
        public_url,
        created,
    };
    let status = match (refused, &conflict) {
        (_, Some(_)) => StatusCode::CONFLICT,
        (true, None) => StatusCode::BAD_REQUEST,
        (false, None) => StatusCode::OK,
    };
    Ok(html(crate::achievement_form(&view), status))
}
