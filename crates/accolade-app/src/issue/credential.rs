//! The unsigned OpenBadgeCredential of one award: the issuer profile and the achievement as
//! they are now, the achievement's texts in the language chosen at issue (`inLanguage`),
//! custom fields as standard results and the evidence.
//!
//! Custom fields use only standard OB 3.0 terms, so every verifier can process them: each
//! field is a `ResultDescription` of the achievement (id `{achievement}#field-{key}`,
//! `resultType` `ext:CustomField`) and each value a `Result` of the subject pointing at it.

use super::details::IssueDetails;
use crate::{App, AppError, AppResult, rfc3339};
use accolade_core::{Achievement, AwardId, Email, Organization, StatusPurpose};
use accolade_credentials::identity;
use accolade_credentials::model::{
    Achievement as ObAchievement, AchievementCredential, AchievementResult, AchievementSubject,
    AchievementType, Alignment, CredentialStatus, Criteria, DateTime, IdentifierType,
    IdentityObject, Image, Profile, ResultDescription, ResultType, StatusListIndex,
};
use time::OffsetDateTime;

/// `resultType` of the results that carry custom field values.
pub const CUSTOM_FIELD_RESULT_TYPE: &str = "ext:CustomField";

fn model_err(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
    AppError::internal("building the credential", e)
}

/// The id of a custom field's result description.
pub fn field_result_id(achievement_url: &str, key: &str) -> String {
    format!("{achievement_url}#field-{key}")
}

impl App {
    pub(crate) fn credential_json_with(
        &self,
        org: &Organization,
        achievement: &Achievement,
        (id, index): (AwardId, u32),
        (email, name): (&Email, Option<&str>),
        (issued_at, valid_until): (OffsetDateTime, Option<OffsetDateTime>),
        details: &IssueDetails,
    ) -> AppResult<serde_json::Value> {
        let urls = self.urls();
        let mut issuer = Profile::new(urls.issuer_did(&org.slug), org.name.clone());
        issuer.url = Some(org.url.clone());
        issuer.email = org.email.as_ref().map(|e| e.as_str().to_owned());
        issuer.description = org.description.clone();
        issuer.image = org
            .image_id
            .map(|i| Image::new(urls.image(i)).with_caption(org.name.clone()));

        let texts = achievement.localized(&details.language).ok_or_else(|| {
            AppError::internal_msg(format!(
                "building the credential: no text in {}",
                details.language
            ))
        })?;
        let criteria = Criteria {
            id: achievement.criteria_url.clone(),
            narrative: texts.criteria_narrative.map(str::to_owned),
            ..Criteria::default()
        };
        let achievement_url = urls.achievement(achievement.id);
        let mut ob = ObAchievement::new(
            achievement_url.clone(),
            texts.name.to_owned(),
            texts.description.to_owned(),
            criteria,
        );
        ob.in_language = Some(details.language.to_string());
        ob.achievement_type = Some(
            serde_json::from_value::<AchievementType>(serde_json::Value::String(
                achievement.achievement_type.clone(),
            ))
            .map_err(model_err)?,
        );
        ob.image = achievement
            .image_id
            .map(|i| Image::new(urls.image(i)).with_caption(texts.name.to_owned()));
        ob.credits_available = achievement.credits;
        ob.tag = achievement.tags.clone();
        ob.alignment = achievement
            .alignments
            .iter()
            .map(|a| {
                let mut al = Alignment::new(a.target_name.clone(), a.target_url.clone());
                al.target_code = a.target_code.clone();
                al.target_framework = a.target_framework.clone();
                al
            })
            .collect();
        ob.result_description = texts
            .fields
            .iter()
            .map(|(field, label)| {
                ResultDescription::new(
                    field_result_id(&achievement_url, &field.key),
                    *label,
                    ResultType::extension(CUSTOM_FIELD_RESULT_TYPE),
                )
            })
            .collect();

        let salt = identity::new_salt().map_err(model_err)?;
        let hashed = IdentityObject::hashed(
            IdentifierType::EmailAddress,
            identity::hash_email(email, &salt),
            Some(salt),
        );
        let mut subject = AchievementSubject::with_identifier(hashed, ob);
        if let Some(n) = name {
            subject
                .identifier
                .push(IdentityObject::plain(IdentifierType::Name, n));
        }
        if let Some(c) = achievement.credits {
            subject.credits_earned = Some(c);
        }
        subject.result = details
            .values
            .iter()
            .map(|(key, value)| {
                AchievementResult::value(field_result_id(&achievement_url, key), value.clone())
            })
            .collect();

        let list = urls.status_list(&org.slug, StatusPurpose::Revocation);
        let status = CredentialStatus {
            id: Some(format!("{list}#{index}")),
            r#type: "BitstringStatusListEntry".into(),
            status_purpose: Some("revocation".into()),
            status_list_index: Some(StatusListIndex::Text(index.to_string())),
            status_list_credential: Some(list),
            status_size: None,
            extra: Default::default(),
        };
        let date = |t| DateTime::parse(&rfc3339(t)).map_err(model_err);
        let mut builder = AchievementCredential::builder(urls.credential(id), issuer, subject)
            .name(texts.name.to_owned())
            .in_language(details.language.to_string())
            .valid_from(date(issued_at)?)
            .credential_status(status);
        if let Some(u) = valid_until {
            builder = builder.valid_until(date(u)?);
        }
        for e in &details.evidence {
            builder = builder.evidence(e.clone());
        }
        let credential = builder.build().map_err(model_err)?;
        credential.to_json_value().map_err(model_err)
    }
}

/// Adds to `doc` (the public JSON of `a`, in its default language) what credentials embed
/// beyond the texts: language, tags, credits, alignments and custom fields.
pub fn describe_achievement(urls: &crate::PublicUrl, a: &Achievement, doc: &mut serde_json::Value) {
    let url = urls.achievement(a.id);
    doc["inLanguage"] = a.language.to_string().into();
    if !a.tags.is_empty() {
        doc["tag"] = a.tags.clone().into();
    }
    if let Some(c) = a.credits {
        doc["creditsAvailable"] = c.into();
    }
    if !a.alignments.is_empty() {
        doc["alignment"] = a
            .alignments
            .iter()
            .map(|al| {
                let mut v = serde_json::json!({
                    "type": ["Alignment"],
                    "targetName": al.target_name,
                    "targetUrl": al.target_url,
                });
                if let Some(code) = &al.target_code {
                    v["targetCode"] = code.clone().into();
                }
                if let Some(fw) = &al.target_framework {
                    v["targetFramework"] = fw.clone().into();
                }
                v
            })
            .collect();
    }
    if !a.custom_fields.is_empty() {
        doc["resultDescription"] = a
            .custom_fields
            .iter()
            .map(|f| {
                serde_json::json!({
                    "id": field_result_id(&url, &f.key),
                    "type": ["ResultDescription"],
                    "name": f.label,
                    "resultType": CUSTOM_FIELD_RESULT_TYPE,
                })
            })
            .collect();
    }
}
