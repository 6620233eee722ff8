//! The public catalogue of an organization's badges: which ones match a visitor's search,
//! and a short summary of how to earn each.

use accolade_core::Achievement;

/// The achievements matching `query`, in their given order. A blank query matches all.
/// Every word must appear (case-insensitively) in the name, description, criteria,
/// skills (alignment names, frameworks, codes) or tags.
pub fn search_catalog<'a>(achievements: &'a [Achievement], query: &str) -> Vec<&'a Achievement> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    achievements
        .iter()
        .filter(|a| {
            let text = searchable_text(a);
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect()
}

fn searchable_text(a: &Achievement) -> String {
    let mut parts: Vec<&str> = vec![&a.name, &a.description];
    if let Some(c) = &a.criteria_narrative {
        parts.push(c);
    }
    for al in &a.alignments {
        parts.push(&al.target_name);
        parts.extend(al.target_framework.as_deref());
        parts.extend(al.target_code.as_deref());
    }
    parts.extend(a.tags.iter().map(String::as_str));
    parts.join("\n").to_lowercase()
}

/// The first `max` characters of a criteria narrative as plain text (Markdown markers
/// dropped, whitespace collapsed), cut at a word with an ellipsis when longer.
pub fn criteria_summary(narrative: &str, max: usize) -> String {
    let plain: String = narrative
        .lines()
        .map(|l| l.trim().trim_start_matches(['#', '-', '*', '>', ' ']))
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['*', '_', '`'], "");
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if plain.chars().count() <= max {
        return plain;
    }
    let cut: String = plain.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use accolade_core::{AchievementId, AlignmentSpec, ExpiryPolicy, LangTag, OrgId};

    fn achievement(name: &str, description: &str, tags: &[&str]) -> Achievement {
        Achievement {
            id: AchievementId::new(),
            org_id: OrgId::new(),
            name: name.into(),
            description: description.into(),
            criteria_narrative: Some("Pass the **final** exam.".into()),
            criteria_url: None,
            achievement_type: "Badge".into(),
            image_id: None,
            alignments: vec![],
            credits: None,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            expiry: ExpiryPolicy::Never,
            language: LangTag::parse("en").unwrap(),
            translations: vec![],
            custom_fields: vec![],
            evidence_requirements: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
            version: 1,
        }
    }

    #[test]
    fn search_matches_name_description_skills_and_tags_ignoring_case() {
        let mut rust = achievement("Rust Basics", "Ownership and borrowing", &["systems"]);
        rust.alignments.push(AlignmentSpec {
            target_name: "Memory safety".into(),
            target_url: "https://example.org/s".into(),
            target_code: Some("MS-1".into()),
            target_framework: None,
        });
        let first_aid = achievement("First Aid", "Emergency care", &["Health"]);
        let all = vec![rust, first_aid];
        let names = |q: &str| -> Vec<String> {
            search_catalog(&all, q)
                .iter()
                .map(|a| a.name.clone())
                .collect()
        };
        assert_eq!(names(""), ["Rust Basics", "First Aid"]);
        assert_eq!(names("  "), ["Rust Basics", "First Aid"]);
        assert_eq!(names("rust"), ["Rust Basics"]);
        assert_eq!(names("EMERGENCY"), ["First Aid"]);
        assert_eq!(names("memory SAFETY"), ["Rust Basics"]);
        assert_eq!(names("ms-1"), ["Rust Basics"]);
        assert_eq!(names("health"), ["First Aid"]);
        assert_eq!(names("final exam"), ["Rust Basics", "First Aid"]);
        assert!(names("rust health").is_empty());
        assert!(names("knitting").is_empty());
    }

    #[test]
    fn criteria_summary_is_plain_and_short() {
        assert_eq!(
            criteria_summary("## Steps\n- Pass the **exam**", 100),
            "Steps Pass the exam"
        );
        let long = "Complete all five modules, then pass the final assessment with 80 percent.";
        let s = criteria_summary(long, 30);
        assert!(s.ends_with('…') && s.chars().count() <= 31, "{s}");
        assert_eq!(s, "Complete all five modules…");
    }
}
