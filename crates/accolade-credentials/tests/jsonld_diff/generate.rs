//! A generator of varied Open Badges 3.0 credentials for the differential tests.

use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------------------
// Generated Open Badges 3.0 credentials

pub(crate) const V2: &str = "https://www.w3.org/ns/credentials/v2";
pub(crate) const OB: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
pub(crate) const EXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";

/// xorshift64*: deterministic choices without a dependency.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

pub(crate) fn insert_if(
    rng: &mut Rng,
    m: &mut Map<String, Value>,
    percent: u64,
    key: &str,
    value: Value,
) {
    if rng.chance(percent) {
        m.insert(key.into(), value);
    }
}

pub(crate) fn text(rng: &mut Rng, base: &str) -> Value {
    match rng.next() % 4 {
        0 => {
            json!({"@value": base, "@language": *rng.pick(&["en", "fr-CA", "de-DE-1996", "EN-gb"])})
        }
        1 => json!(format!("{base} \"quoted\"\n\tline — ünïcode")),
        _ => json!(base),
    }
}

pub(crate) fn number(rng: &mut Rng) -> Value {
    rng.pick(&[
        json!(3),
        json!(2.5),
        json!(0.1),
        json!(1e3),
        json!(-7),
        json!(12.75),
        json!(0),
        json!(1.0),
        json!(123456789012u64),
    ])
    .clone()
}

pub(crate) fn image(rng: &mut Rng, n: u64) -> Value {
    if rng.chance(50) {
        json!(format!("https://example.org/images/{n}.png"))
    } else {
        json!({"id": format!("data:image/png;base64,iVBOR{n}"), "type": "Image", "caption": text(rng, "An image")})
    }
}

pub(crate) fn profile(rng: &mut Rng, n: u64, depth: u32) -> Value {
    let mut m = Map::new();
    m.insert(
        "id".into(),
        json!(format!("https://issuer.example/profiles/{n}")),
    );
    m.insert(
        "type".into(),
        if rng.chance(50) {
            json!("Profile")
        } else {
            json!(["Profile"])
        },
    );
    m.insert("name".into(), text(rng, "Example University"));
    insert_if(rng, &mut m, 50, "url", json!("https://issuer.example/"));
    insert_if(rng, &mut m, 40, "email", json!("registrar@issuer.example"));
    insert_if(rng, &mut m, 30, "phone", json!("+1 555 0100"));
    let v = text(rng, "A fine institution");
    insert_if(rng, &mut m, 30, "description", v);
    if rng.chance(40) {
        m.insert("image".into(), image(rng, n));
    }
    if rng.chance(30) {
        m.insert(
            "address".into(),
            json!({"type": ["Address"], "addressCountry": "USA", "addressLocality": "Austin",
                   "postalCode": "12345",
                   "geo": {"type": "GeoCoordinates", "latitude": 30.2672, "longitude": -97.7431}}),
        );
    }
    if rng.chance(30) {
        m.insert(
            "otherIdentifier".into(),
            json!([{"type": "IdentifierEntry", "identifier": "12345", "identifierType": "sourcedId"}]),
        );
    }
    if depth < 2 && rng.chance(30) {
        m.insert("parentOrg".into(), profile(rng, n + 100, depth + 1));
    }
    if depth < 1 && rng.chance(25) {
        m.insert("endorsement".into(), json!([endorsement(rng, n + 200)]));
    }
    Value::Object(m)
}

pub(crate) fn endorsement(rng: &mut Rng, n: u64) -> Value {
    json!({
        "@context": [V2, OB],
        "id": format!("urn:uuid:endorsement-{n}"),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Endorsement",
        "issuer": {"id": "https://endorser.example/", "type": ["Profile"], "name": "Endorser"},
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "https://issuer.example/profiles/1", "type": ["EndorsementSubject"],
                              "endorsementComment": text(rng, "In good standing")},
        "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                   "created": "2024-01-01T00:00:00Z", "proofPurpose": "assertionMethod",
                   "verificationMethod": "did:key:z6MkEndorser#z6MkEndorser", "proofValue": "z3abc"}]
    })
}

pub(crate) fn achievement(rng: &mut Rng, n: u64) -> Value {
    let mut m = Map::new();
    m.insert(
        "id".into(),
        json!(format!("https://issuer.example/achievements/{n}")),
    );
    m.insert("type".into(), json!(["Achievement"]));
    m.insert("name".into(), text(rng, "Teamwork"));
    m.insert("description".into(), text(rng, "Works well with others."));
    let mut criteria = Map::new();
    insert_if(
        rng,
        &mut criteria,
        30,
        "id",
        json!("https://issuer.example/criteria/1"),
    );
    criteria.insert("narrative".into(), text(rng, "Nominated by *peers*."));
    m.insert("criteria".into(), Value::Object(criteria));
    let v = json!(*rng.pick(&["Badge", "Certificate", "ext:Custom"]));
    insert_if(rng, &mut m, 40, "achievementType", v);
    if rng.chance(40) {
        m.insert("image".into(), image(rng, n));
    }
    if rng.chance(40) {
        m.insert(
            "alignment".into(),
            json!([{"type": ["Alignment"], "targetName": "CCSS.ELA", "targetUrl": "https://example.org/ccss",
                    "targetType": "CFItem", "targetCode": "x1"},
                   {"type": "Alignment", "targetName": "Other", "targetUrl": "https://example.org/other",
                    "targetDescription": text(rng, "desc"), "targetFramework": "F"}]),
        );
    }
    if rng.chance(40) {
        m.insert(
            "resultDescription".into(),
            json!([{"id": format!("urn:uuid:rd-{n}"), "type": ["ResultDescription"], "name": "Grade",
                    "resultType": "LetterGrade", "allowedValue": *rng.pick(&[json!(["A", "B", "C"]), json!([]), json!("A")]),
                    "requiredValue": "C", "valueMin": "0", "valueMax": "100",
                    "rubricCriterionLevel": [{"id": "urn:uuid:rcl-1", "type": ["RubricCriterionLevel"],
                                              "name": "Exemplary", "level": "4", "points": "10"}]}]),
        );
    }
    if rng.chance(50) {
        m.insert("creditsAvailable".into(), number(rng));
    }
    insert_if(rng, &mut m, 30, "tag", json!(["teamwork", "collaboration"]));
    insert_if(rng, &mut m, 20, "fieldOfStudy", json!("Computer Science"));
    insert_if(rng, &mut m, 20, "humanCode", json!("CS-101"));
    insert_if(rng, &mut m, 20, "inLanguage", json!("en"));
    insert_if(rng, &mut m, 20, "version", json!("1.0"));
    insert_if(rng, &mut m, 20, "specialization", json!("Algorithms"));
    if rng.chance(30) {
        m.insert("creator".into(), profile(rng, n + 10, 1));
    }
    if rng.chance(20) {
        m.insert(
            "related".into(),
            json!([{"id": "https://issuer.example/achievements/fr", "type": ["Related"], "inLanguage": "fr", "version": "1"}]),
        );
    }
    Value::Object(m)
}

pub(crate) fn credential(seed: u64) -> Value {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut m = Map::new();
    let ext = rng.chance(30);
    m.insert(
        "@context".into(),
        if ext {
            json!([V2, OB, EXT])
        } else {
            json!([V2, OB])
        },
    );
    insert_if(
        &mut rng,
        &mut m,
        80,
        "id",
        json!(format!("urn:uuid:cred-{seed}")),
    );
    m.insert(
        "type".into(),
        json!([
            "VerifiableCredential",
            *rng.pick(&["OpenBadgeCredential", "AchievementCredential"])
        ]),
    );
    m.insert(
        "issuer".into(),
        if rng.chance(25) {
            json!("did:web:issuer.example")
        } else {
            profile(&mut rng, seed, 0)
        },
    );
    m.insert("validFrom".into(), json!("2024-05-01T12:00:00Z"));
    insert_if(
        &mut rng,
        &mut m,
        40,
        "validUntil",
        json!("2030-05-01T12:00:00Z"),
    );
    insert_if(
        &mut rng,
        &mut m,
        30,
        "awardedDate",
        json!("2024-05-01T12:00:00Z"),
    );
    m.insert("name".into(), text(&mut rng, "Teamwork Badge"));
    let v = text(&mut rng, "Awarded for teamwork.");
    insert_if(&mut rng, &mut m, 40, "description", v);
    if rng.chance(30) {
        m.insert("image".into(), image(&mut rng, seed));
    }
    let mut subject = Map::new();
    if rng.chance(60) {
        subject.insert("id".into(), json!(format!("did:example:learner{seed}")));
    } else {
        subject.insert(
            "identifier".into(),
            json!([{"type": "IdentityObject", "hashed": rng.chance(50), "identityHash": "sha256$abc",
                    "identityType": "emailAddress", "salt": "pepper"}]),
        );
    }
    subject.insert("type".into(), json!(["AchievementSubject"]));
    subject.insert("achievement".into(), achievement(&mut rng, seed));
    if rng.chance(40) {
        subject.insert(
            "result".into(),
            json!([{"type": ["Result"], "resultDescription": format!("urn:uuid:rd-{seed}"), "value": "A",
                    "achievedLevel": "urn:uuid:rcl-1", "status": "Completed"}]),
        );
    }
    if rng.chance(40) {
        subject.insert("creditsEarned".into(), number(&mut rng));
    }
    insert_if(
        &mut rng,
        &mut subject,
        20,
        "activityStartDate",
        json!("2024-01-01"),
    );
    insert_if(
        &mut rng,
        &mut subject,
        20,
        "activityEndDate",
        json!("2024-04-30"),
    );
    insert_if(&mut rng, &mut subject, 20, "licenseNumber", json!("A-1"));
    insert_if(&mut rng, &mut subject, 20, "role", json!("Lead"));
    insert_if(&mut rng, &mut subject, 20, "term", json!("Fall"));
    if rng.chance(20) {
        subject.insert("source".into(), profile(&mut rng, seed + 50, 1));
    }
    m.insert("credentialSubject".into(), Value::Object(subject));
    if rng.chance(40) {
        m.insert(
            "evidence".into(),
            json!([{"id": "https://issuer.example/evidence/1", "type": ["Evidence"], "name": "Project",
                    "narrative": "Built a thing", "description": "desc", "genre": "Project", "audience": "All"},
                   {"type": "Evidence", "narrative": text(&mut rng, "No id here")}]),
        );
    }
    if rng.chance(40) {
        m.insert(
            "credentialStatus".into(),
            json!({"id": format!("https://issuer.example/status/1#{seed}"), "type": "BitstringStatusListEntry",
                   "statusPurpose": "revocation", "statusListIndex": format!("{seed}"),
                   "statusListCredential": "https://issuer.example/status/1"}),
        );
    }
    if rng.chance(25) {
        let schema = if ext {
            json!([{"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
                    "type": "1EdTechJsonSchemaValidator2019"}])
        } else {
            json!({"id": "https://issuer.example/schema.json", "type": "JsonSchema",
                   "jsonSchema": {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                                  "properties": {"z": {"minimum": 2.5}, "a": {"const": [1.0, true, null, "é\u{1}"]}}}})
        };
        m.insert("credentialSchema".into(), schema);
    }
    if rng.chance(15) {
        m.insert("endorsement".into(), json!([endorsement(&mut rng, seed)]));
    }
    if rng.chance(60) {
        let mut p = Map::new();
        p.insert("type".into(), json!("DataIntegrityProof"));
        p.insert("cryptosuite".into(), json!("eddsa-rdfc-2022"));
        insert_if(
            &mut rng,
            &mut p,
            80,
            "created",
            json!("2024-05-01T12:00:00Z"),
        );
        p.insert(
            "verificationMethod".into(),
            json!("did:web:issuer.example#key-1"),
        );
        p.insert("proofPurpose".into(), json!("assertionMethod"));
        p.insert("proofValue".into(), json!("z58DAdFfa9SkqZMVPxAQpic7ndSayn1PzZs6ZjWp1CktyGesjuTSwRdoWhAfGFCF5bppETSTojQCrfFPP2oumHKtz"));
        m.insert(
            "proof".into(),
            if rng.chance(50) {
                Value::Object(p)
            } else {
                json!([Value::Object(p)])
            },
        );
    }
    Value::Object(m)
}
