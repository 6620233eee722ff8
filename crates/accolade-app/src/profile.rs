//! An organization's profile as its admins edit it: name, website, contact email,
//! description, logo and the languages it issues in. The issuer page, the DID document and
//! the Profile embedded in new credentials follow it; credentials already issued keep the
//! profile they were signed with.

use crate::checks::{parse_email, parse_lang_tag};
use crate::orgs::{check_http_url, check_text};
use crate::{App, AppError, AppResult};
use accolade_core::{Actor, LangTag, OrgId, Organization};

/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// Most languages an organization may list.
pub const MAX_LANGUAGES: usize = 20;

/// The profile as submitted: the whole of it, every field replacing the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgProfile {
    pub name: String,
    pub url: String,
    /// Empty or absent: no contact email.
    pub email: Option<String>,
    pub description: Option<String>,
    /// BCP 47 language tags, e.g. `en`, `de-CH`, `zh-Hant-TW`.
    pub languages: Vec<String>,
}

/// The languages as stored: each tag checked and normalized, duplicates dropped, in the
/// order given.
pub fn language_tags(raw: &[String]) -> AppResult<Vec<LangTag>> {
    let mut tags: Vec<LangTag> = Vec::new();
    for r in raw.iter().filter(|r| !r.trim().is_empty()) {
        let tag = parse_lang_tag("languages", r)?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_LANGUAGES {
        return Err(AppError::invalid_field(
            "languages",
            format!("List at most {MAX_LANGUAGES} languages."),
        ));
    }
    Ok(tags)
}

fn optional(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

impl App {
    /// Replaces the organization's profile (not its logo, see [`App::set_org_logo`]) and
    /// records `org.update` with the fields that changed. Nothing is written or recorded
    /// when nothing changed.
    pub async fn update_org_profile(
        &self,
        actor: &Actor,
        org_id: OrgId,
        changes: OrgProfile,
    ) -> AppResult<Organization> {
        let before = self.org(org_id).await?;
        let name = check_text("name", "the organization's name", &changes.name, 200)?;
        let url = check_http_url("url", "the website", &changes.url)?;
        let email = optional(changes.email.as_deref())
            .map(|e| parse_email("email", e))
            .transpose()?;
        let description = optional(changes.description.as_deref()).map(str::to_owned);
        if let Some(d) = &description {
            let n = d.chars().count();
            if n > MAX_DESCRIPTION_CHARS {
                return Err(AppError::invalid_field(
                    "description",
                    format!(
                        "Shorten the description to at most {MAX_DESCRIPTION_CHARS} characters (it has {n})."
                    ),
                ));
            }
        }
        let languages = language_tags(&changes.languages)?;
        let after = Organization {
            name,
            url,
            email,
            description,
            languages,
            ..before.clone()
        };
        let mut changed = Vec::new();
        if after.name != before.name {
            changed.push(format!("name: {:?} → {:?}", before.name, after.name));
        }
        if after.url != before.url {
            changed.push(format!("website: {}", after.url));
        }
        if after.email != before.email {
            changed.push(format!(
                "email: {}",
                after.email.as_ref().map_or("none", |e| e.as_str())
            ));
        }
        if after.description != before.description {
            changed.push("description".into());
        }
        if after.languages != before.languages {
            let tags: Vec<&str> = after.languages.iter().map(LangTag::as_str).collect();
            changed.push(format!("languages: {}", tags.join(", ")));
        }
        if changed.is_empty() {
            return Ok(before);
        }
        if !self.store.update_org_profile(&after).await? {
            return Err(AppError::NotFound("organization"));
        }
        self.audit(
            org_id,
            actor,
            "org.update",
            after.slug.as_str(),
            &changed.join("; "),
        )
        .await?;
        Ok(after)
    }

    /// Checks and stores an uploaded logo (PNG, JPEG made PNG, or inert SVG, sanitized; small
    /// enough to embed in a badge) and makes it the organization's; `None` removes the logo.
    /// Records `org.logo`.
    pub async fn set_org_logo(
        &self,
        actor: &Actor,
        org_id: OrgId,
        upload: Option<Vec<u8>>,
    ) -> AppResult<Organization> {
        let before = self.org(org_id).await?;
        let (image_id, detail) = match upload {
            Some(bytes) => {
                let image = self.add_checked_image(Some(org_id), bytes, true).await?;
                (Some(image.id), format!("{} logo", image.content_type))
            }
            None => (None, "removed".to_owned()),
        };
        let after = Organization { image_id, ..before };
        if !self.store.update_org_profile(&after).await? {
            return Err(AppError::NotFound("organization"));
        }
        let target = image_id.map_or_else(String::new, |i| i.to_string());
        self.audit(org_id, actor, "org.logo", &target, &detail)
            .await?;
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_checked_normalized_and_deduplicated() {
        let list = language_tags(&["en".into(), "EN".into(), " ".into(), "pt-br".into()]).unwrap();
        let list: Vec<&str> = list.iter().map(LangTag::as_str).collect();
        assert_eq!(list, ["en", "pt-BR"]);
        let err = language_tags(&["en".into(), "english language".into()]).unwrap_err();
        assert!(err.to_string().starts_with("languages: "), "{err}");
        let many: Vec<String> = (0..21).map(|i| format!("en-{i:03}")).collect();
        assert!(language_tags(&many).is_err());
    }
}
