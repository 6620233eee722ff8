//! Context and shape checks: the standard contexts, the credential's types, and the types
//! and required properties of its nested objects, as the OB 3.0 schema and the 1EdTech
//! validator's probes require.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
pub const VC_V1: &str = "https://www.w3.org/2018/credentials/v1";
const OB_CONTEXT_PREFIX: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context";
const OB_CURRENT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// Data model version of a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataModel {
    V2,
    V1,
}

pub(crate) fn as_list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(v) => vec![v],
    }
}

pub(crate) fn has_type(v: &Value, ty: &str) -> bool {
    as_list(v.get("type"))
        .iter()
        .any(|t| t.as_str() == Some(ty))
}

/// Result of the context check: the data model, or why the contexts are unacceptable, plus
/// warnings.
pub struct ContextFindings {
    pub model: Result<DataModel, String>,
    pub warnings: Vec<String>,
}

pub fn check_context(cred: &Value) -> ContextFindings {
    let mut warnings = Vec::new();
    let fail = |m: String| ContextFindings {
        model: Err(m),
        warnings: Vec::new(),
    };
    let entries = as_list(cred.get("@context"));
    if entries.is_empty() {
        return fail("the credential has no @context".into());
    }
    let mut urls = Vec::new();
    for e in &entries {
        match e.as_str() {
            Some(u) => urls.push(u),
            None => {
                return fail(
                    "the @context contains an inline context object; only the standard \
                     published contexts are accepted, because an inline context can redefine \
                     what the credential's terms mean"
                        .into(),
                );
            }
        }
    }
    if let Some(unknown) = urls.iter().find(|u| crate::contexts::get(u).is_none()) {
        return fail(format!(
            "the context {unknown} is not one of the standard contexts this verifier trusts"
        ));
    }
    let model = match urls[0] {
        VC_V2 => DataModel::V2,
        VC_V1 => {
            warnings
                .push("the credential uses the older Verifiable Credentials 1.1 data model".into());
            DataModel::V1
        }
        other => {
            return fail(format!(
                "the first @context must be the Verifiable Credentials context, not {other}"
            ));
        }
    };
    let is_ob = [
        "OpenBadgeCredential",
        "AchievementCredential",
        "EndorsementCredential",
    ]
    .iter()
    .any(|t| has_type(cred, t));
    let ob_ctx = urls.iter().find(|u| u.starts_with(OB_CONTEXT_PREFIX));
    match ob_ctx {
        None if is_ob => {
            return fail("an Open Badges credential needs the Open Badges 3.0 @context".into());
        }
        Some(u) if *u != OB_CURRENT => warnings.push(format!(
            "the credential uses an older Open Badges context ({u})"
        )),
        _ => {}
    }
    ContextFindings {
        model: Ok(model),
        warnings,
    }
}

/// Problems with the credential's shape, in plain words (empty when it is well formed).
pub fn check_shape(cred: &Value, model: DataModel) -> Vec<String> {
    let mut p = Vec::new();
    if !has_type(cred, "VerifiableCredential") {
        p.push("its type does not include VerifiableCredential".into());
    }
    let endorsement = has_type(cred, "EndorsementCredential");
    let badge = has_type(cred, "OpenBadgeCredential") || has_type(cred, "AchievementCredential");
    if !badge && !endorsement {
        p.push("its type includes neither OpenBadgeCredential nor AchievementCredential".into());
    }
    if cred.get("id").is_some_and(|v| !v.is_string()) {
        p.push("its id is not a string".into());
    }
    check_issuer(cred.get("issuer"), &mut p);
    let (from_key, until_key) = match model {
        DataModel::V2 => ("validFrom", "validUntil"),
        DataModel::V1 => ("issuanceDate", "expirationDate"),
    };
    match cred.get(from_key) {
        None => p.push(format!("it has no {from_key} date")),
        Some(v) if parse_date(v).is_none() => p.push(format!(
            "its {from_key} is not a date-time with a time zone"
        )),
        _ => {}
    }
    if cred.get(until_key).is_some_and(|v| parse_date(v).is_none()) {
        p.push(format!(
            "its {until_key} is not a date-time with a time zone"
        ));
    }
    let subjects = as_list(cred.get("credentialSubject"));
    if subjects.is_empty() {
        p.push("it has no credentialSubject".into());
    }
    for s in subjects {
        if endorsement {
            typed(s, "EndorsementSubject", "credentialSubject", &mut p);
            if s.get("id").is_none() {
                p.push("the endorsement's credentialSubject has no id".into());
            }
        } else {
            check_subject(s, &mut p);
        }
    }
    for e in as_list(cred.get("evidence")) {
        typed(e, "Evidence", "evidence", &mut p);
    }
    for e in as_list(cred.get("endorsement")) {
        typed(e, "EndorsementCredential", "endorsement", &mut p);
    }
    p
}

fn typed(v: &Value, ty: &str, what: &str, p: &mut Vec<String>) {
    if !v.is_object() {
        p.push(format!("{what} is not an object"));
    } else if !has_type(v, ty) {
        let found: Vec<&str> = as_list(v.get("type"))
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        p.push(format!("{what} has type {found:?}; it must include {ty}"));
    }
}

fn check_issuer(issuer: Option<&Value>, p: &mut Vec<String>) {
    match issuer {
        None => p.push("it has no issuer".into()),
        Some(Value::String(s)) if s.contains(':') => {}
        Some(Value::Object(o)) => {
            let v = Value::Object(o.clone());
            if !o.get("id").is_some_and(Value::is_string) {
                p.push("its issuer has no id".into());
            }
            typed(&v, "Profile", "issuer", p);
            if let Some(parent) = o.get("parentOrg") {
                typed(parent, "Profile", "issuer.parentOrg", p);
            }
            for other in as_list(o.get("otherIdentifier")) {
                typed(other, "IdentifierEntry", "issuer.otherIdentifier", p);
            }
        }
        Some(_) => p.push("its issuer is neither a URI nor a Profile".into()),
    }
}

fn check_subject(s: &Value, p: &mut Vec<String>) {
    typed(s, "AchievementSubject", "credentialSubject", p);
    let identifiers = as_list(s.get("identifier"));
    if s.get("id").is_none() && identifiers.is_empty() {
        p.push("credentialSubject names its recipient neither by id nor by identifier".into());
    }
    for i in identifiers {
        if i.get("type").and_then(Value::as_str) != Some("IdentityObject") {
            p.push("credentialSubject.identifier must have type IdentityObject".into());
        }
        for field in ["identityHash", "identityType"] {
            if !i.get(field).is_some_and(Value::is_string) {
                p.push(format!("credentialSubject.identifier has no {field}"));
            }
        }
        if !i.get("hashed").is_some_and(Value::is_boolean) {
            p.push("credentialSubject.identifier.hashed must be true or false".into());
        }
    }
    for r in as_list(s.get("result")) {
        typed(r, "Result", "credentialSubject.result", p);
    }
    if let Some(source) = s.get("source") {
        typed(source, "Profile", "credentialSubject.source", p);
    }
    match s.get("achievement") {
        None => p.push("credentialSubject has no achievement".into()),
        Some(a) => check_achievement(a, p),
    }
}

fn check_achievement(a: &Value, p: &mut Vec<String>) {
    typed(a, "Achievement", "the achievement", p);
    for field in ["id", "name"] {
        if !a.get(field).is_some_and(Value::is_string) {
            p.push(format!("the achievement has no {field}"));
        }
    }
    match a.get("criteria") {
        Some(c) if c.get("id").is_some() || c.get("narrative").is_some() => {}
        _ => p.push("the achievement's criteria need an id or a narrative".into()),
    }
    for rd in as_list(a.get("resultDescription")) {
        typed(rd, "ResultDescription", "achievement.resultDescription", p);
    }
    for al in as_list(a.get("alignment")) {
        typed(al, "Alignment", "achievement.alignment", p);
    }
}

/// Parses an RFC 3339 date-time (a time zone is required).
pub fn parse_date(v: &Value) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(v.as_str()?, &Rfc3339).ok()
}
