//! Demo data for a first look: one organization, three achievements with real badge images
//! (one of them also in German, with a custom field), and awards in every state (active,
//! expired, suspended, revoked), and an account that owns it, so a newcomer can sign in and
//! look around a populated workspace.

mod account;

pub use account::{DEMO_EMAIL, DemoSignIn, new_demo_password};

use crate::{
    App, AppResult, NewAchievement, NewAward, NewEvidence, NewOrganization, NewTranslation,
};
use accolade_core::{Actor, AlignmentSpec, AwardSummary, CustomField, ExpiryPolicy, Organization};
use std::collections::BTreeMap;
use time::Duration;

const PROJECT_FIELD: &str = "final-project";

/// The data course is also written in German and records each learner's final project.
fn data_course_extras() -> (Vec<NewTranslation>, Vec<CustomField>, Option<String>) {
    let german = NewTranslation {
        language: "de".into(),
        name: "Grundlagen der Datenanalyse".into(),
        description: "Grundlagen der Datenanalyse: von der Northwind Academy an Lernende verliehen, die die veröffentlichten Kriterien erfüllen.".into(),
        criteria_narrative: Some(
            "Alle Module von **Grundlagen der Datenanalyse** abschließen.\n\nDie Abschlussprüfung mit mindestens 80 % bestehen.".into(),
        ),
        field_labels: BTreeMap::from([(PROJECT_FIELD.to_owned(), "Abschlussprojekt".to_owned())]),
    };
    let field = CustomField {
        key: PROJECT_FIELD.into(),
        label: "Final project".into(),
        required: true,
    };
    let evidence = "A link to the learner's final project report or notebook.".to_owned();
    (vec![german], vec![field], Some(evidence))
}

/// What the demo created, for printing.
pub struct Demo {
    pub org: Organization,
    pub awards: Vec<(String, AwardSummary)>,
}

/// A round badge with a banner and a star, drawn with `accolade-media`'s designer: SVG, no
/// scripts, no external references. Colours that are not `#rrggbb` fall back to the defaults.
pub fn badge_svg(title: &str, subtitle: &str, fill: &str, accent: &str) -> String {
    use accolade_media::{BadgeDesign, Border, BorderStyle, Colour, Icon, Shape};
    let base = BadgeDesign::default();
    let background = Colour::parse(fill).unwrap_or(base.background);
    let accent = Colour::parse(accent).unwrap_or(base.accent);
    accolade_media::to_svg(&BadgeDesign {
        shape: Shape::Ribbon,
        background,
        foreground: Colour::rgb(0xff, 0xff, 0xff),
        accent,
        border: Border {
            style: BorderStyle::Double,
            width: 8.0,
            colour: accent,
        },
        title: title.into(),
        subtitle: subtitle.into(),
        icon: Some(Icon::Star),
        logo: None,
    })
}

impl App {
    /// Seeds the demo organization unless it exists; returns it with its awards.
    pub async fn seed_demo(&self) -> AppResult<Demo> {
        if let Ok(org) = self.org_by_slug("northwind-academy").await {
            let awards = self.store.awards(org.id, 20, 0).await?;
            return Ok(Demo {
                org,
                awards: awards
                    .into_iter()
                    .map(|a| (a.recipient_name.clone().unwrap_or_default(), a))
                    .collect(),
            });
        }
        let org = self
            .create_org(NewOrganization {
                name: "Northwind Academy".into(),
                url: "https://northwind.example".into(),
                email: Some("badges@northwind.example".into()),
                description: Some(
                    "Professional training in data, safety and leadership since 1998.".into(),
                ),
                slug: Some("northwind-academy".into()),
            })
            .await?;
        let specs = [
            (
                "Data Analysis Fundamentals",
                "DATA",
                "#1f4e79",
                "#f2c14e",
                "Course",
                ExpiryPolicy::Never,
                2.5,
            ),
            (
                "Certified Safety Officer",
                "SAFETY",
                "#7a1f2b",
                "#f4d35e",
                "Certification",
                ExpiryPolicy::MonthsAfterIssue(24),
                4.0,
            ),
            (
                "Community Mentor",
                "MENTOR",
                "#1d5c4a",
                "#e8c468",
                "Badge",
                ExpiryPolicy::Never,
                0.0,
            ),
        ];
        let mut achievements = Vec::new();
        for (name, short, fill, accent, kind, expiry, credits) in specs {
            let (translations, custom_fields, evidence_requirements) = if short == "DATA" {
                data_course_extras()
            } else {
                Default::default()
            };
            let image = self
                .add_image(
                    Some(org.id),
                    badge_svg(short, "NORTHWIND", fill, accent).into_bytes(),
                )
                .await?;
            let a = self
                .create_achievement(&Actor::system(), NewAchievement {
                    org_id: org.id,
                    name: name.into(),
                    description: format!("{name}: awarded by Northwind Academy to learners who meet the published criteria."),
                    criteria_narrative: Some(format!(
                        "Complete every module of **{name}**.\n\nPass the final assessment with a score of at least 80%."
                    )),
                    criteria_url: None,
                    achievement_type: Some(kind.into()),
                    image_id: Some(image.id),
                    alignments: vec![AlignmentSpec {
                        target_name: format!("{name} skills"),
                        target_url: "https://northwind.example/frameworks/skills".into(),
                        target_code: Some(short.into()),
                        target_framework: Some("Northwind Skills Framework".into()),
                    }],
                    credits: (credits > 0.0).then_some(credits),
                    tags: vec![short.to_lowercase()],
                    expiry,
                    language: Some("en".into()),
                    translations,
                    custom_fields,
                    evidence_requirements,
                })
                .await?;
            achievements.push(a);
        }
        let now = self.now();
        let plan = [
            ("Ada Lovelace", "ada@example.com", 0, 0, "active"),
            ("Grace Hopper", "grace@example.com", 1, 0, "active"),
            ("Alan Turing", "alan@example.com", 1, 900, "expired"),
            (
                "Katherine Johnson",
                "katherine@example.com",
                2,
                30,
                "suspended",
            ),
            ("Edsger Dijkstra", "edsger@example.com", 0, 60, "revoked"),
        ];
        let mut awards = Vec::new();
        for (name, email, which, days_ago, state) in plan {
            let a = &achievements[which];
            let mut field_values = BTreeMap::new();
            if a.custom_fields.iter().any(|f| f.key == PROJECT_FIELD) {
                field_values.insert(
                    PROJECT_FIELD.to_owned(),
                    format!("Sales forecast for a regional bakery chain ({name})"),
                );
            }
            // Ada chose German; her credential carries the German texts and `inLanguage: de`.
            let language = (email == "ada@example.com").then(|| "de".to_owned());
            let evidence = if email == "ada@example.com" {
                vec![NewEvidence {
                    url: Some("https://northwind.example/projects/ada-forecast".into()),
                    name: Some("Final project report".into()),
                    narrative: None,
                }]
            } else {
                Vec::new()
            };
            let award = self
                .award(
                    &Actor::system(),
                    NewAward {
                        achievement_id: achievements[which].id,
                        recipient_email: email.into(),
                        recipient_name: Some(name.into()),
                        issued_at: Some(now - Duration::days(days_ago)),
                        language,
                        field_values,
                        evidence,
                        ..Default::default()
                    },
                )
                .await?;
            let award = match state {
                "suspended" => {
                    self.suspend(
                        &Actor::system(),
                        award.id,
                        Some("Under review after a complaint"),
                    )
                    .await?
                }
                "revoked" => {
                    self.revoke(
                        &Actor::system(),
                        award.id,
                        "Issued in error: assessment not completed",
                    )
                    .await?
                }
                _ => award,
            };
            awards.push((format!("{name} ({state})"), award.summary()));
        }
        Ok(Demo { org, awards })
    }
}
