//! Builders for the story's records.

use accolade_core::{
    Achievement, AchievementId, AchievementTranslation, AlignmentSpec, Award, AwardId, AwardStatus,
    CustomField, Email, ExpiryPolicy, KeyId, LangTag, OrgId, Organization, SigningKeyRecord, Slug,
};
use accolade_store::StoreError;
use time::OffsetDateTime;
use time::macros::datetime;

pub const T0: OffsetDateTime = datetime!(2025-03-01 09:30:00.123456 UTC);

pub fn minutes(n: i64) -> OffsetDateTime {
    T0 + time::Duration::minutes(n)
}

pub fn org(name: &str, slug: &str) -> Organization {
    Organization {
        id: OrgId::new(),
        slug: Slug::parse(slug).unwrap(),
        name: name.into(),
        url: format!("https://{slug}.example.org"),
        email: Some(Email::parse(&format!("badges@{slug}.example.org")).unwrap()),
        description: Some(format!("{name}, issuing since 1999")),
        image_id: None,
        languages: Vec::new(),
        created_at: T0,
    }
}

pub fn key(org: OrgId, at: OffsetDateTime) -> SigningKeyRecord {
    SigningKeyRecord {
        id: KeyId::new(),
        org_id: org,
        public_multibase: format!("z6Mk{}", KeyId::new().as_uuid().simple()),
        sealed_secret: vec![0, 1, 2, 254, 255],
        created_at: at,
        retired_at: None,
    }
}

pub fn achievement(org: OrgId, name: &str, expiry: ExpiryPolicy) -> Achievement {
    Achievement {
        id: AchievementId::new(),
        org_id: org,
        name: name.into(),
        description: format!("Awarded for {name}"),
        criteria_narrative: Some("Pass the **final** exam.".into()),
        criteria_url: Some("https://example.org/criteria".into()),
        achievement_type: "Certificate".into(),
        image_id: None,
        alignments: vec![
            AlignmentSpec {
                target_name: "Use spreadsheets".into(),
                target_url: "http://data.europa.eu/esco/skill/1234".into(),
                target_code: Some("S5.6.1".into()),
                target_framework: Some("ESCO".into()),
            },
            AlignmentSpec {
                target_name: "Teamwork".into(),
                target_url: "https://example.org/skills/teamwork".into(),
                target_code: None,
                target_framework: None,
            },
        ],
        credits: Some(2.5),
        tags: vec!["data".into(), "office ✓".into()],
        expiry,
        language: LangTag::parse("en-GB").unwrap(),
        translations: vec![AchievementTranslation {
            language: LangTag::parse("de").unwrap(),
            name: format!("{name} (de)"),
            description: "Verliehen für".into(),
            criteria_narrative: None,
            field_labels: [("grade".to_owned(), "Note".to_owned())].into(),
        }],
        custom_fields: vec![CustomField {
            key: "grade".into(),
            label: "Grade".into(),
            required: true,
        }],
        evidence_requirements: Some("A link to the project".into()),
        created_at: T0,
        updated_at: minutes(1),
        version: 3,
    }
}

pub fn award(a: &Achievement, key: KeyId, index: u32, created: OffsetDateTime) -> Award {
    Award {
        id: AwardId::new(),
        org_id: a.org_id,
        achievement_id: a.id,
        recipient_email: Email::parse(&format!("earner{index}@example.com")).unwrap(),
        recipient_name: Some(format!("Earner {index}")),
        issued_at: created,
        valid_until: a.expiry.expiry_for(created),
        status: AwardStatus::Active,
        status_reason: None,
        status_changed_at: None,
        status_index: index,
        key_id: key,
        credential: format!("{{\"id\":\"urn:award:{index}\"}}"),
        created_at: created,
    }
}

pub fn expect_corrupt<T: std::fmt::Debug>(got: Result<T, StoreError>, table: &str, column: &str) {
    match got {
        Err(StoreError::Corrupt {
            table: t,
            column: c,
            ..
        }) if t == table && c == column => {}
        other => panic!("expected a corrupt {table}.{column}, got {other:?}"),
    }
}
