//! Achievement types in words. Open Badges names them in CamelCase (`ApprenticeshipCertificate`)
//! and lets issuers add their own as `ext:…`; people read "Apprenticeship certificate", in
//! their language.

use super::{Lang, tr};

/// Every AchievementType of Open Badges 3.0 and its English name, in the order the authoring
/// form offers them.
pub const ACHIEVEMENT_TYPES: &[(&str, &str)] = &[
    ("Badge", "Badge"),
    ("Achievement", "Achievement"),
    ("ApprenticeshipCertificate", "Apprenticeship certificate"),
    ("Assessment", "Assessment"),
    ("Assignment", "Assignment"),
    ("AssociateDegree", "Associate degree"),
    ("Award", "Award"),
    ("BachelorDegree", "Bachelor's degree"),
    ("Certificate", "Certificate"),
    ("CertificateOfCompletion", "Certificate of completion"),
    ("Certification", "Certification"),
    ("CoCurricular", "Co-curricular activity"),
    ("CommunityService", "Community service"),
    ("Competency", "Competency"),
    ("Course", "Course"),
    ("Degree", "Degree"),
    ("Diploma", "Diploma"),
    ("DoctoralDegree", "Doctoral degree"),
    ("Fieldwork", "Fieldwork"),
    (
        "GeneralEducationDevelopment",
        "General education development (GED)",
    ),
    ("JourneymanCertificate", "Journeyman certificate"),
    ("LearningProgram", "Learning program"),
    ("License", "License"),
    ("MasterCertificate", "Master certificate"),
    ("MasterDegree", "Master's degree"),
    ("Membership", "Membership"),
    ("MicroCredential", "Micro-credential"),
    ("ProfessionalDoctorate", "Professional doctorate"),
    ("QualityAssuranceCredential", "Quality assurance credential"),
    ("ResearchDoctorate", "Research doctorate"),
    ("SecondarySchoolDiploma", "Secondary school diploma"),
];

/// The English name of a type: the table's, or for any other value (an `ext:` type) its
/// words split at capitals, first letter kept, the rest lowercased.
fn english(raw: &str) -> String {
    if let Some((_, name)) = ACHIEVEMENT_TYPES.iter().find(|(v, _)| *v == raw) {
        return (*name).to_owned();
    }
    let bare = raw.strip_prefix("ext:").unwrap_or(raw);
    let mut out = String::with_capacity(bare.len() + 4);
    let mut previous: Option<char> = None;
    for c in bare.chars() {
        let c = if c == '_' || c == '-' { ' ' } else { c };
        match previous {
            Some(p) if c.is_uppercase() && p.is_lowercase() => {
                out.push(' ');
                out.extend(c.to_lowercase());
            }
            Some(_) if c.is_uppercase() && out.ends_with(' ') => out.extend(c.to_lowercase()),
            _ => out.push(c),
        }
        previous = Some(c);
    }
    out
}

/// The type in words in `lang`: "Apprenticeship certificate", "Ausbildungszeugnis".
/// A type the catalogs lack (an issuer's own) shows in its English words.
pub fn achievement_type_label(lang: Lang, raw: &str) -> String {
    let words = english(raw.trim());
    tr(lang, &words).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_as_words_in_every_language() {
        let label = |l, raw| achievement_type_label(l, raw);
        assert_eq!(
            label(Lang::En, "ApprenticeshipCertificate"),
            "Apprenticeship certificate"
        );
        assert_eq!(
            label(Lang::De, "ApprenticeshipCertificate"),
            "Ausbildungszeugnis"
        );
        assert_eq!(label(Lang::Es, "Course"), "Curso");
        assert_eq!(label(Lang::Fr, "MicroCredential"), "Microcertification");
        assert_eq!(label(Lang::En, "ext:WorkshopSeries"), "Workshop series");
        assert_eq!(label(Lang::En, "ext:first_aid"), "first aid");
        for (raw, name) in ACHIEVEMENT_TYPES {
            assert_eq!(label(Lang::En, raw), *name);
            for lang in [Lang::Es, Lang::Fr, Lang::De] {
                assert!(
                    super::super::lookup(lang, name).is_some(),
                    "{lang}: no translation of {name:?}"
                );
            }
        }
    }
}
