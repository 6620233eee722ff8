//! The earner's profile on their portfolio: a short headline and a photo, and a summary of
//! the skills their public badges align with.

use super::backpack::BackpackBadge;
use crate::{App, AppError, AppResult};
use accolade_core::{Actor, ImageId, User, Visibility};
use accolade_store::EarnerProfile;
use std::collections::HashMap;

/// Longest headline, in characters.
pub const MAX_HEADLINE_CHARS: usize = 120;

/// One skill on a portfolio: an alignment target of the public badges, with how many of
/// them back it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skill {
    pub name: String,
    /// The alignment's `targetUrl`, only when it is an `http(s)` address (safe to link).
    pub url: Option<String>,
    pub badges: usize,
}

/// The distinct alignments of the public badges among `badges`, most-backed first (then by
/// name). Names are compared ignoring case and surrounding space; a badge counts once per
/// skill however many times it names it. Badges that are not public add nothing.
pub fn skills_of(badges: &[BackpackBadge]) -> Vec<Skill> {
    let mut skills: Vec<Skill> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for badge in badges.iter().filter(|b| b.visibility == Visibility::Public) {
        let mut seen_here: Vec<usize> = Vec::new();
        for alignment in &badge.alignments {
            let name = alignment.target_name.trim();
            if name.is_empty() {
                continue;
            }
            let url = web_link(&alignment.target_url);
            let at = *index.entry(name.to_lowercase()).or_insert_with(|| {
                skills.push(Skill {
                    name: name.to_owned(),
                    url: None,
                    badges: 0,
                });
                skills.len() - 1
            });
            let Some(skill) = skills.get_mut(at) else {
                continue;
            };
            if skill.url.is_none() {
                skill.url = url;
            }
            if !seen_here.contains(&at) {
                seen_here.push(at);
                skill.badges += 1;
            }
        }
    }
    skills.sort_by(|a, b| {
        b.badges
            .cmp(&a.badges)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    skills
}

/// `raw` when it is an absolute `http` or `https` URL; anything else is shown unlinked.
fn web_link(raw: &str) -> Option<String> {
    let url = raw.trim();
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let plain = !rest.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    plain.then(|| url.to_owned())
}

/// A headline as stored: trimmed, one line, at most [`MAX_HEADLINE_CHARS`] characters.
fn headline(raw: &str) -> AppResult<String> {
    let text = raw.trim();
    if text.chars().count() > MAX_HEADLINE_CHARS {
        return Err(AppError::invalid_field(
            "headline",
            "Keep the headline to 120 characters or fewer.",
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(AppError::invalid_field(
            "headline",
            "Write the headline on one line, as plain text.",
        ));
    }
    Ok(text.to_owned())
}

impl App {
    /// The account's headline and photo (empty when never set).
    pub async fn earner_profile(&self, user: &User) -> AppResult<EarnerProfile> {
        Ok(self.store.earner_profile(user.id).await?)
    }

    /// Sets the headline shown on the portfolio; an empty one removes it.
    pub async fn set_headline(
        &self,
        actor: &Actor,
        user: &User,
        raw: &str,
    ) -> AppResult<EarnerProfile> {
        let before = self.store.earner_profile(user.id).await?;
        let after = EarnerProfile {
            headline: headline(raw)?,
            ..before
        };
        self.store
            .set_earner_profile(user.id, &after, self.now())
            .await?;
        tracing::info!(actor = %actor.label, "portfolio headline set");
        Ok(after)
    }

    /// Checks and stores a profile photo through the image checks every upload gets, or
    /// removes it (`None`). A refused image is an error on the `photo` field.
    pub async fn set_profile_photo(
        &self,
        actor: &Actor,
        user: &User,
        upload: Option<Vec<u8>>,
    ) -> AppResult<EarnerProfile> {
        let image_id: Option<ImageId> = match upload {
            Some(bytes) => Some(
                self.add_image(None, bytes)
                    .await
                    .map_err(|e| e.for_field("photo"))?
                    .id,
            ),
            None => None,
        };
        let before = self.store.earner_profile(user.id).await?;
        let after = EarnerProfile { image_id, ..before };
        self.store
            .set_earner_profile(user.id, &after, self.now())
            .await?;
        tracing::info!(actor = %actor.label, removed = image_id.is_none(), "profile photo set");
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::earners::BadgeSource;
    use accolade_core::{AlignmentSpec, AwardId, AwardState};
    use time::macros::datetime;

    fn align(name: &str, url: &str) -> AlignmentSpec {
        AlignmentSpec {
            target_name: name.into(),
            target_url: url.into(),
            target_code: None,
            target_framework: None,
        }
    }

    fn badge(visibility: Visibility, alignments: Vec<AlignmentSpec>) -> BackpackBadge {
        BackpackBadge {
            source: BadgeSource::Issued(AwardId::new()),
            name: "Badge".into(),
            description: String::new(),
            language: None,
            image_path: None,
            issuer_name: "Acme".into(),
            issuer_path: None,
            recipient_name: None,
            issued_at: datetime!(2026-01-01 0:00 UTC),
            valid_until: None,
            state: AwardState::Active,
            visibility,
            credential_path: String::new(),
            org_id: None,
            alignments,
        }
    }

    #[test]
    fn skills_count_public_badges_and_sort_by_count() {
        let badges = vec![
            badge(
                Visibility::Public,
                vec![
                    align("SQL", "https://skills.example/sql"),
                    align("Rust", "javascript:alert(1)"),
                    // Named twice on one badge: still one badge.
                    align(" sql ", ""),
                ],
            ),
            badge(
                Visibility::Public,
                vec![
                    align("sql", ""),
                    align("Rust", "https://skills.example/rust"),
                ],
            ),
            badge(Visibility::Public, vec![align("SQL", ""), align("  ", "")]),
            // Private and unlisted badges add nothing.
            badge(Visibility::Private, vec![align("Secret skill", "")]),
            badge(
                Visibility::Unlisted,
                vec![align("Rust", ""), align("Go", "")],
            ),
        ];
        let skills = skills_of(&badges);
        assert_eq!(
            skills,
            vec![
                Skill {
                    name: "SQL".into(),
                    url: Some("https://skills.example/sql".into()),
                    badges: 3
                },
                Skill {
                    name: "Rust".into(),
                    url: Some("https://skills.example/rust".into()),
                    badges: 2
                },
            ]
        );
        assert!(skills_of(&[]).is_empty());
    }

    #[test]
    fn ties_sort_by_name() {
        let badges = vec![badge(
            Visibility::Public,
            vec![
                align("b", ""),
                align("A", ""),
                align("c", "ftp://x.example/"),
            ],
        )];
        let names: Vec<_> = skills_of(&badges)
            .into_iter()
            .map(|s| (s.name, s.url))
            .collect();
        assert_eq!(
            names,
            vec![("A".into(), None), ("b".into(), None), ("c".into(), None)]
        );
    }

    #[test]
    fn headlines_are_one_short_plain_line() {
        assert_eq!(headline("  Data engineer  ").unwrap(), "Data engineer");
        assert_eq!(headline("").unwrap(), "");
        assert!(headline(&"é".repeat(MAX_HEADLINE_CHARS)).is_ok());
        let long = headline(&"é".repeat(MAX_HEADLINE_CHARS + 1)).unwrap_err();
        assert_eq!(long.field(), Some("headline"));
        assert!(long.message().contains(&MAX_HEADLINE_CHARS.to_string()));
        assert!(headline("two\nlines").is_err());
    }
}
