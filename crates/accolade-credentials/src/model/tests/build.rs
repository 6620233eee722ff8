//! Credentials built in code, and the single-value forms of compacted JSON-LD.

use serde_json::json;
use time::macros::datetime;

use super::super::*;

fn digest_subject() -> AchievementSubject {
    let identity = IdentityObject::hashed(
        IdentifierType::EmailAddress,
        "sha256$815d0499d8c5d198644be401ed16156680e2add5bfcb14b8178d5f9aead4cd57",
        Some("Kx7Rq2Lw".to_owned()),
    );
    let mut achievement = Achievement::new(
        "https://example.com/achievements/rust-fundamentals",
        "Rust Fundamentals",
        "Awarded for completing the Rust Fundamentals course.",
        Criteria::narrative("Pass the final assessment with a score of 80% or higher."),
    );
    achievement.image = Some(Image::new(
        "https://example.com/achievements/rust-fundamentals/image.png",
    ));
    AchievementSubject::with_identifier(identity, achievement)
}

/// The signed credential of the digest (§1.1), built in code.
#[test]
fn built_credential_is_canonical_json() {
    let valid_from = DateTime::try_from(datetime!(2025-01-15 12:00 UTC)).unwrap();
    let mut credential = AchievementCredential::builder(
        "https://example.com/credentials/8f3c2a10-5d7e-4b61-9a2f-0c4d1e6b7a93",
        Profile::new("https://example.com/issuers/1", "Example Academy"),
        digest_subject(),
    )
    .valid_from(valid_from.clone())
    .name("Rust Fundamentals")
    .build()
    .unwrap();
    credential.proof.push(Proof::data_integrity(
        "eddsa-rdfc-2022",
        valid_from,
        "https://example.com/issuers/1#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "z5HSPRNcz7tG2zoH92yGMmsNVEXvnfpEY9hjpShK97dysgKAUWN52JqD6U8e7UPnM89EZ4Ns7pFH9bs3V8QF2eCfC",
    ));
    let expected = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "https://example.com/credentials/8f3c2a10-5d7e-4b61-9a2f-0c4d1e6b7a93",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://example.com/issuers/1", "type": ["Profile"],
                   "name": "Example Academy"},
        "validFrom": "2025-01-15T12:00:00Z",
        "name": "Rust Fundamentals",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress",
                "hashed": true,
                "identityHash":
                    "sha256$815d0499d8c5d198644be401ed16156680e2add5bfcb14b8178d5f9aead4cd57",
                "salt": "Kx7Rq2Lw"}],
            "achievement": {
                "id": "https://example.com/achievements/rust-fundamentals",
                "type": ["Achievement"],
                "name": "Rust Fundamentals",
                "description": "Awarded for completing the Rust Fundamentals course.",
                "criteria": {
                    "narrative": "Pass the final assessment with a score of 80% or higher."},
                "image": {"id": "https://example.com/achievements/rust-fundamentals/image.png",
                          "type": "Image"}}},
        "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
            "created": "2025-01-15T12:00:00Z",
            "verificationMethod":
                "https://example.com/issuers/1#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "proofPurpose": "assertionMethod",
            "proofValue": "z5HSPRNcz7tG2zoH92yGMmsNVEXvnfpEY9hjpShK97dysgKAUWN52JqD6U8e7UPnM89EZ4Ns7pFH9bs3V8QF2eCfC"}]
    });
    assert_eq!(credential.to_json_value().unwrap(), expected);
    // Key order is the order of the OB data model, starting with @context, id, type.
    let text = serde_json::to_string(&credential).unwrap();
    assert!(text.starts_with(r#"{"@context":["#), "{text}");
    assert_eq!(credential.issuer_id(), "https://example.com/issuers/1");
    assert_eq!(credential.achievement().name, "Rust Fundamentals");
    assert!(credential.is_open_badge());
}

#[test]
fn builder_checks_and_extensions_context() {
    let issuer = Profile::new("https://example.com/issuers/1", "Example Academy");
    let from = DateTime::parse("2025-01-15T12:00:00Z").unwrap();
    let before = DateTime::parse("2025-01-14T12:00:00+01:00").unwrap();
    let builder = || AchievementCredential::builder("urn:uuid:1", issuer.clone(), digest_subject());
    assert!(matches!(
        builder().build(),
        Err(ModelError::MissingValidFrom)
    ));
    let err = builder()
        .valid_from(from.clone())
        .valid_until(before)
        .build();
    assert!(matches!(
        err,
        Err(ModelError::ValidUntilBeforeValidFrom { .. })
    ));
    let nobody = AchievementSubject {
        identifier: Vec::new(),
        ..digest_subject()
    };
    let err = AchievementCredential::builder("urn:uuid:1", issuer.clone(), nobody)
        .valid_from(from.clone())
        .build();
    assert!(matches!(err, Err(ModelError::SubjectWithoutRecipient)));

    let c = builder()
        .achievement_credential_type()
        .valid_from(from)
        .credential_status(CredentialStatus {
            id: Some("https://example.com/status/1".into()),
            r#type: "1EdTechRevocationList".into(),
            ..CredentialStatus::default()
        })
        .context("https://example.com/extra-context.json")
        .extra("customProperty", json!({"a": 1}))
        .build()
        .unwrap();
    let contexts: Vec<_> = c.context.iter().filter_map(Context::as_iri).collect();
    assert_eq!(
        contexts,
        [
            CONTEXT_VC_V2,
            CONTEXT_OB_V3,
            CONTEXT_OB_V3_EXTENSIONS,
            "https://example.com/extra-context.json"
        ]
    );
    let v = c.to_json_value().unwrap();
    assert_eq!(
        v["type"],
        json!(["VerifiableCredential", "AchievementCredential"])
    );
    assert_eq!(v["customProperty"], json!({"a": 1}));
}

#[test]
fn single_value_forms_are_read() {
    let compact = json!({
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": "urn:uuid:2",
        "type": "OpenBadgeCredential",
        "issuer": "https://example.com/issuers/1",
        "validFrom": "2025-01-15T12:00:00Z",
        "credentialSubject": [{
            "id": "did:example:learner",
            "type": "AchievementSubject",
            "identifier": {"type": "IdentityObject", "hashed": false,
                           "identityHash": "learner@example.com", "identityType": "emailAddress"},
            "result": {"type": "Result", "value": "A", "resultDescription": "urn:uuid:rd"},
            "achievement": {
                "id": "urn:uuid:a", "type": "Achievement", "name": "A", "description": "D",
                "criteria": {"id": "https://example.com/criteria"},
                "alignment": {"type": "Alignment", "targetName": "T",
                              "targetUrl": "https://example.com/t", "targetType": "ext:Mine"},
                "resultDescription": {"id": "urn:uuid:rd", "type": "ResultDescription",
                                      "name": "Grade", "resultType": "LetterGrade"},
                "tag": "rust",
                "image": "https://example.com/badge.png"}}],
        "evidence": {"type": "Evidence", "name": "Report"},
        "endorsement": {
            "@context": ["https://www.w3.org/ns/credentials/v2", CONTEXT_OB_V3],
            "id": "urn:uuid:e", "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": "E", "issuer": "https://example.org/endorser",
            "validFrom": "2025-01-15T12:00:00Z",
            "credentialSubject": {"id": "urn:uuid:2", "type": "EndorsementSubject"}},
        "credentialSchema": {"id": "https://example.com/schema.json", "type": "JsonSchema"},
        "termsOfUse": {"type": "ObligationPolicy"},
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    });
    let c: AchievementCredential = serde_json::from_value(compact).unwrap();
    assert_eq!(c.types(), ["OpenBadgeCredential"]);
    assert!(!c.is_open_badge(), "VerifiableCredential is missing");
    assert_eq!(
        c.issuer,
        ProfileRef::Iri("https://example.com/issuers/1".into())
    );
    assert_eq!(c.issuer_id(), "https://example.com/issuers/1");
    assert!(c.issuer_profile().is_none());
    let a = c.achievement();
    assert_eq!(
        a.alignment[0].target_type,
        Some(AlignmentTargetType::extension("Mine"))
    );
    assert_eq!(a.tag, ["rust"]);
    assert_eq!(a.image, Some(Image::new("https://example.com/badge.png")));
    assert_eq!(c.credential_subject.identifier.len(), 1);
    assert_eq!(c.credential_subject.result[0].value.as_deref(), Some("A"));
    assert_eq!(c.evidence[0].name.as_deref(), Some("Report"));
    assert_eq!(c.endorsement[0].issuer_id(), "https://example.org/endorser");
    assert_eq!(c.proof[0].cryptosuite.as_deref(), Some("eddsa-rdfc-2022"));

    let out = c.to_json_value().unwrap();
    assert_eq!(out["type"], json!(["OpenBadgeCredential"]));
    assert_eq!(
        out["@context"],
        json!(["https://www.w3.org/ns/credentials/v2"])
    );
    assert_eq!(out["issuer"], json!("https://example.com/issuers/1"));
    assert!(out["credentialSubject"].is_object());
    assert_eq!(
        out["credentialSubject"]["identifier"][0]["type"],
        json!("IdentityObject")
    );
    assert_eq!(
        out["credentialSubject"]["achievement"]["tag"],
        json!(["rust"])
    );
    assert_eq!(
        out["credentialSubject"]["achievement"]["image"],
        json!({"id": "https://example.com/badge.png", "type": "Image"})
    );
    for key in [
        "evidence",
        "endorsement",
        "credentialSchema",
        "termsOfUse",
        "proof",
    ] {
        assert!(out[key].is_array(), "{key}");
    }
    let again: AchievementCredential = serde_json::from_value(out).unwrap();
    assert_eq!(again, c);
}
