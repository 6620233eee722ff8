//! The validator's files: read, written back, read again.

use serde_json::{Value, json};
use time::macros::datetime;

use super::super::*;
use super::vector;

/// Files already in canonical form (arrays everywhere the schema wants them).
const CANONICAL: &[&str] = &[
    "simple.json",
    "simple.1ob",
    "simple-did-key-method.json",
    "simple-multiple-proofs.json",
    "simple-context-alias.json",
    "simple-context-version.json",
    "simple-eddsa-2022.json",
    "simple_v1.json",
    "sd/derivedcredential.json",
    "complete.json",
    "complete_v1.json",
    "simple-err-expired.json",
    "simple-err-proof-value.json",
];

/// Files with single-value (compacted) forms: read, and written with arrays.
const COMPACTED: &[&str] = &[
    "simple-did-web-method.json",
    "credential-status-revoked.json",
    "bit-string-list/credential-status-revoked.json",
    "bit-string-list/credential-status-revoked-blank-nodes.json",
    "simple-err-credential-subject-type.json",
    "simple-err-credential-subject-identifier-type.json",
    "simple-err-credential-subject-result-type.json",
    "simple-err-credential-subject-achievement-result-description-type.json",
    "simple-err-credential-subject-profile-type.json",
    "simple-err-evidence-type.json",
    "simple-err-issuer-type.json",
    "simple-err-issuer-parentorg-type.json",
    "simple-err-issuer-otheridentifier-type.json",
    "simple-err-proof-method.json",
];

fn round_trip(name: &str) -> (Value, Value, AchievementCredential) {
    let input: Value = serde_json::from_str(&vector(name)).unwrap();
    let credential: AchievementCredential =
        serde_json::from_value(input.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let output = serde_json::to_value(&credential).unwrap();
    let again: AchievementCredential = serde_json::from_value(output.clone()).unwrap();
    assert_eq!(again, credential, "{name}: re-read differs");
    (input, output, credential)
}

#[test]
fn validator_credentials_round_trip() {
    for name in CANONICAL {
        let (input, output, credential) = round_trip(name);
        assert_eq!(output, input, "{name}: output differs from the input");
        assert!(credential.is_open_badge(), "{name}");
    }
    for name in COMPACTED {
        let (input, output, credential) = round_trip(name);
        assert!(
            input["proof"].is_object(),
            "{name}: expected a single proof"
        );
        assert!(
            output["proof"].is_array(),
            "{name}: proof not written as an array"
        );
        assert_eq!(output["proof"][0], input["proof"], "{name}");
        assert_eq!(credential.proof.len(), 1);
    }
}

#[test]
fn validator_endorsements_round_trip() {
    for name in [
        "endorsement-valid.json",
        "endorsement-err-schema-status-refresh.json",
    ] {
        let input: Value = serde_json::from_str(&vector(name)).unwrap();
        let endorsement: EndorsementCredential = serde_json::from_value(input.clone()).unwrap();
        assert!(endorsement.is_endorsement());
        let output = serde_json::to_value(&endorsement).unwrap();
        let again: EndorsementCredential = serde_json::from_value(output.clone()).unwrap();
        assert_eq!(again, endorsement);
        if name == "endorsement-valid.json" {
            assert_eq!(output, input);
        } else {
            // "type": "Profile" / "EndorsementSubject" are written as arrays.
            assert_eq!(output["issuer"]["type"], json!(["Profile"]));
            assert_eq!(
                output["credentialSubject"]["type"],
                json!(["EndorsementSubject"])
            );
        }
    }
}

#[test]
fn complete_json_fields() {
    let (_, _, c) = round_trip("complete.json");
    assert_eq!(c.issuer_id(), "https://1edtech.edu/issuers/565049");
    let issuer = c.issuer_profile().unwrap();
    assert_eq!(
        issuer.other_identifier[1].identifier_type,
        IdentifierType::NationalIdentityNumber
    );
    assert_eq!(
        issuer.parent_org.as_ref().unwrap().id,
        "did:example:123456789"
    );
    assert_eq!(
        issuer
            .address
            .as_ref()
            .unwrap()
            .geo
            .as_ref()
            .unwrap()
            .latitude,
        1.0
    );
    let a = c.achievement();
    assert_eq!(a.achievement_type, Some(AchievementType::Degree));
    assert_eq!(a.credits_available, Some(36.0));
    assert_eq!(a.alignment[1].target_type, Some(AlignmentTargetType::Ctdl));
    assert_eq!(
        a.result_description[1].result_type,
        ResultType::RubricCriterionLevel
    );
    assert_eq!(
        a.result_description[1].rubric_criterion_level[0].name,
        "Mastery"
    );
    assert_eq!(a.creator.as_ref().unwrap().endorsement.len(), 2);
    assert_eq!(a.tag, ["research", "computer science"]);
    let s = &c.credential_subject;
    assert_eq!(s.credits_earned, Some(42.0));
    assert_eq!(s.result[2].status, Some(ResultStatusType::Completed));
    assert_eq!(s.identifier[0].identity_type, IdentifierType::EmailAddress);
    assert_eq!(c.evidence.len(), 2);
    assert_eq!(
        c.endorsement[0].id.as_deref(),
        Some("http://1edtech.edu/endorsementcredential/3735")
    );
    assert_eq!(
        c.endorsement[0].credential_subject.id,
        "https://1edtech.edu/issuers/565049"
    );
    assert_eq!(
        c.credential_status.as_ref().unwrap().r#type,
        "1EdTechRevocationList"
    );
    assert!(c.uses_1edtech_extensions());
    assert!(c.is_valid_at(datetime!(2020-06-01 0:00 UTC)));
    assert!(!c.is_valid_at(datetime!(2031-01-01 0:00 UTC)));
}

#[test]
fn legacy_and_edge_files() {
    let (_, _, v1) = round_trip("simple_v1.json");
    assert!(v1.valid_from.is_none());
    assert_eq!(
        v1.validity_start().unwrap().as_str(),
        "2010-01-01T00:00:00Z"
    );
    let (_, _, v1) = round_trip("complete_v1.json");
    // OB 2.0 style "email" is kept verbatim, and flagged as not conforming.
    assert_eq!(
        v1.credential_subject.identifier[0].identity_type,
        IdentifierType::Unknown("email".into())
    );
    assert!(!v1.is_valid_at(datetime!(2021-01-01 0:00 UTC)));
    let (_, _, key) = round_trip("simple-did-key-method.json");
    assert_eq!(
        key.types(),
        ["VerifiableCredential", "AchievementCredential"]
    );
    assert_eq!(
        key.valid_from.as_ref().unwrap().instant(),
        datetime!(2022-11-10 15:38 UTC)
    );
    let (_, _, multi) = round_trip("simple-multiple-proofs.json");
    assert_eq!(multi.proof.len(), 2);
    let (_, _, status) = round_trip("bit-string-list/credential-status-revoked.json");
    let entry = status.credential_status.unwrap();
    assert_eq!(entry.status_list_index.and_then(|i| i.value()), Some(23));
    assert!(entry.status_list_credential.unwrap().ends_with("/testlist"));
}

#[test]
fn invalid_files_fail_where_the_model_requires_a_field() {
    // These have no achievement (and simple-err-issuer no issuer).
    for name in [
        "simple-err-issuer.json",
        "simple-err-context.json",
        "simple-err-type.json",
        "simple-err-issued.json",
    ] {
        assert!(
            AchievementCredential::from_json(&vector(name)).is_err(),
            "{name}"
        );
    }
    // Wrong types are a verifier's finding, not a parse error.
    let c = AchievementCredential::from_json(&vector("simple-err-credential-subject-type.json"))
        .unwrap();
    assert_eq!(c.credential_subject.r#type, ["InvalidAchievementSubject"]);
    let mut v: Value = serde_json::from_str(&vector("simple.json")).unwrap();
    v["type"] = json!(["VerifiableCredential", "OtherCredential"]);
    let c: AchievementCredential = serde_json::from_value(v).unwrap();
    assert!(!c.is_open_badge());
}

#[test]
fn unknown_properties_are_kept() {
    let mut v: Value = serde_json::from_str(&vector("simple.json")).unwrap();
    v["x:top"] = json!({"nested": [1, 2.5, "three"]});
    v["issuer"]["x:issuer"] = json!(true);
    v["credentialSubject"]["x:subject"] = json!(null);
    v["credentialSubject"]["achievement"]["criteria"]["x:criteria"] = json!("c");
    v["proof"][0]["previousProof"] = json!("urn:uuid:p");
    let c: AchievementCredential = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(c.extra["x:top"], json!({"nested": [1, 2.5, "three"]}));
    assert_eq!(c.to_json_value().unwrap(), v);
}

#[test]
fn bad_dates_and_missing_fields_are_errors() {
    let mut v: Value = serde_json::from_str(&vector("simple.json")).unwrap();
    v["validFrom"] = json!("2010-01-01T00:00:00");
    let err = serde_json::from_value::<AchievementCredential>(v).unwrap_err();
    assert!(err.to_string().contains("2010-01-01T00:00:00"), "{err}");
    let mut v: Value = serde_json::from_str(&vector("simple.json")).unwrap();
    v["credentialSubject"] = json!([
        v["credentialSubject"].clone(),
        v["credentialSubject"].clone()
    ]);
    assert!(serde_json::from_value::<AchievementCredential>(v).is_err());
}
