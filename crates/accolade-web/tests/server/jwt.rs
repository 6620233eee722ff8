//! The credential as an Open Badges 3.0 VC-JWT over HTTP, on SQLite and PostgreSQL: the
//! download (an attachment, counted as a download), the token's header and claims as the OB
//! 3.0 profile wants them, its key made once on first use (even under concurrent first
//! downloads) and published as one JWK at the `kid`, in the DID document and in the JWK Set;
//! our verifier accepts it and refuses a tampered copy; a revoked credential downloads and
//! verifies as revoked; key rotation keeps old tokens verifying. With ACCOLADE_INTEROP=1,
//! `jose` checks the token against the JWK and the DID document the server publishes.

use super::{Http, PUBLIC, node, start};
use accolade_app::{NewAchievement, NewAward, NewOrganization};
use accolade_core::{Actor, ExpiryPolicy};
use accolade_credentials::verify::{CheckKind, CredentialKind, InputFormat, Outcome, Verdict};
use accolade_store::Store;
use serde_json::Value;

/// The header (0) or payload (1) of a token.
fn part(token: &str, index: usize) -> Value {
    let decoded = accolade_credentials::jwt::decode(token).unwrap();
    Value::Object(match index {
        0 => decoded.header,
        _ => decoded.payload,
    })
}

fn seconds(date: &Value) -> i64 {
    time::OffsetDateTime::parse(
        date.as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .unix_timestamp()
}

fn write_tmp(name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("accolade-jwt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{}-{name}", accolade_core::AwardId::new()));
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into_owned()
}

/// The path of one of our URLs.
fn local(url: &str) -> &str {
    url.strip_prefix(PUBLIC).unwrap()
}

/// `token` with the payload of `other` (a genuine payload, signed for someone else) under
/// its own header and signature.
fn swap_payload(token: &str, other: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let theirs: Vec<&str> = other.split('.').collect();
    format!("{}.{}.{}", parts[0], theirs[1], parts[2])
}

async fn jwt_story(store: Store) {
    let (app, port) = start(store).await;
    let http = Http::new(port);
    let block = |f: &dyn Fn() -> super::Reply| tokio::task::block_in_place(f);
    let org = app
        .create_org(NewOrganization {
            name: "Acme Academy".into(),
            url: "https://acme.example".into(),
            email: None,
            description: None,
            slug: Some("acme".into()),
        })
        .await
        .unwrap();
    let achievement = app
        .create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "Rust Fundamentals".into(),
                description: "Completed the Rust course.".into(),
                criteria_narrative: Some("Pass the final assessment.".into()),
                expiry: ExpiryPolicy::MonthsAfterIssue(24),
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    let award = |email: &'static str| {
        let app = app.clone();
        async move {
            app.award(
                &Actor::system(),
                NewAward {
                    achievement_id: achievement.id,
                    recipient_email: email.into(),
                    recipient_name: Some("Ada Lovelace".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
        }
    };
    let ada = award("ada@example.com").await;
    let eve = award("eve@example.com").await;

    // No key before the first token; the DID document lists none, and rotating the signing
    // key makes none either.
    app.rotate_key(&Actor::system(), org.id).await.unwrap();
    assert!(app.jwt_keys(&org).await.unwrap().is_empty());
    let did = block(&|| http.get("/issuers/acme/did.json", "application/did+json"));
    assert!(!did.body.contains("JsonWebKey"));

    // Several first downloads at once make one key, and all sign with it.
    let path = format!("/credentials/{}/credential.jwt", ada.id);
    let downloads: Vec<super::Reply> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| http.get(&path, "*/*"))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let keys = app.jwt_keys(&org).await.unwrap();
    assert_eq!(keys.len(), 1, "one key, whatever the race");
    let kid = format!("{PUBLIC}/issuers/acme/keys/{}.jwk", keys[0].id);
    for d in &downloads {
        assert_eq!(d.status, 200, "{}", d.body);
        assert_eq!(d.header("content-type"), Some("text/plain"));
        assert_eq!(
            d.header("content-disposition"),
            Some("attachment; filename=\"rust-fundamentals.jwt\"")
        );
        assert_eq!(part(&d.body, 0)["kid"], kid.as_str());
    }
    let token = downloads[0].body.clone();
    app.flush_events().await;
    let counts = app.store().award_event_counts(ada.id).await.unwrap();
    assert!(
        counts
            .iter()
            .any(|c| c.kind == "download" && c.channel == "jwt" && c.count == 4),
        "{counts:?}"
    );
    let audit = app.audit_log(org.id, 50, 0).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "jwt_key.create" && e.target == kid)
            .count(),
        1
    );

    // The OB 3.0 VC-JWT profile: header {alg, typ, kid}; the credential itself as payload,
    // its Data Integrity proof kept; the claims equal the credential's fields.
    let header = part(&token, 0);
    assert_eq!(
        header,
        serde_json::json!({"alg": "ES256", "typ": "JWT", "kid": kid})
    );
    let payload = part(&token, 1);
    let credential: Value = serde_json::from_str(&ada.credential).unwrap();
    assert_eq!(payload["iss"], credential["issuer"]["id"]);
    assert_eq!(payload["iss"], "did:web:accolade.test:issuers:acme");
    assert_eq!(payload["jti"], credential["id"]);
    assert_eq!(payload["nbf"], seconds(&credential["validFrom"]));
    assert_eq!(payload["exp"], seconds(&credential["validUntil"]));
    assert_eq!(
        payload.get("sub"),
        credential["credentialSubject"].get("id"),
        "sub only when the subject has an id"
    );
    let mut without_claims = payload.clone();
    for claim in ["iss", "jti", "sub", "nbf", "exp"] {
        without_claims.as_object_mut().unwrap().remove(claim);
    }
    assert_eq!(without_claims, credential);
    assert!(payload["proof"].is_array() || payload["proof"].is_object());

    // The key, as one JWK at the kid; in the DID document; in the JWK Set.
    let jwk_reply = block(&|| http.get(local(&kid), "application/jwk+json"));
    assert_eq!(jwk_reply.status, 200);
    assert_eq!(
        jwk_reply.header("content-type"),
        Some("application/jwk+json")
    );
    assert_eq!(jwk_reply.header("access-control-allow-origin"), Some("*"));
    let jwk: Value = serde_json::from_str(&jwk_reply.body).unwrap();
    assert_eq!(jwk["kty"], "EC");
    assert_eq!(jwk["crv"], "P-256");
    assert_eq!(jwk["kid"], kid.as_str());
    assert_eq!(jwk["alg"], "ES256");
    assert!(jwk.get("d").is_none(), "never the private key");
    let did = block(&|| http.get("/issuers/acme/did.json", "application/did+json"));
    let did: Value = serde_json::from_str(&did.body).unwrap();
    let method_id = format!("did:web:accolade.test:issuers:acme#jwt-{}", keys[0].id);
    let method = did["verificationMethod"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == method_id.as_str())
        .expect("the DID document lists the JWT key");
    assert_eq!(method["type"], "JsonWebKey");
    assert_eq!(method["controller"], did["id"]);
    assert_eq!(method["publicKeyJwk"], jwk);
    assert!(
        did["assertionMethod"]
            .as_array()
            .unwrap()
            .contains(&method_id.as_str().into())
    );
    let set = block(&|| http.get("/.well-known/jwks.json", "application/jwk-set+json"));
    assert_eq!(set.header("content-type"), Some("application/jwk-set+json"));
    let set: Value = serde_json::from_str(&set.body).unwrap();
    assert_eq!(set["keys"], serde_json::json!([jwk]));
    assert_eq!(
        block(&|| http.get("/issuers/acme/keys/not-a-key.jwk", "*/*")).status,
        404
    );
    assert_eq!(
        block(&|| http.get(&format!("/issuers/nobody/keys/{}.jwk", keys[0].id), "*/*")).status,
        404
    );

    // Our verifier: valid, as a VC-JWT whose key is the issuer's; a tampered copy fails.
    let report = app.verify(token.clone().into_bytes(), None).await;
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert_eq!(report.format, InputFormat::Jwt);
    assert_eq!(report.kind, CredentialKind::Ob3Jwt);
    assert_eq!(
        report.check(CheckKind::IssuerKey).map(|c| c.outcome),
        Some(Outcome::Passed)
    );
    let eve_token =
        block(&|| http.get(&format!("/credentials/{}/credential.jwt", eve.id), "*/*")).body;
    let forged = swap_payload(&token, &eve_token);
    let report = app.verify(forged.clone().into_bytes(), None).await;
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(
        report.check(CheckKind::Proof).map(|c| c.outcome),
        Some(Outcome::Failed)
    );
    let page = block(&|| http.post_verify(&token, None));
    assert!(page.body.contains("Valid: authentic"), "{}", page.body);

    // A revoked credential still downloads; the token verifies as revoked.
    app.revoke(&Actor::system(), eve.id, "Issued in error")
        .await
        .unwrap();
    let revoked = block(&|| http.get(&format!("/credentials/{}/credential.jwt", eve.id), "*/*"));
    assert_eq!(revoked.status, 200);
    let report = app.verify(revoked.body.clone().into_bytes(), None).await;
    assert!(
        report.flags.revoked && report.verdict == Verdict::Invalid,
        "{report:#?}"
    );
    assert_eq!(
        block(&|| http.get(
            &format!(
                "/credentials/{}/credential.jwt",
                accolade_core::AwardId::new()
            ),
            "*/*"
        ))
        .status,
        404
    );

    if super::interop() {
        let token_file = write_tmp("token.jwt", &token);
        let jwk_file = write_tmp("key.jwk", &jwk_reply.body);
        let did_file = write_tmp("did.json", &did.to_string());
        for key_arg in [["--jwk", &jwk_file], ["--did", &did_file]] {
            let (ok, out) = tokio::task::block_in_place(|| {
                node("jose-verify.mjs", &[key_arg[0], key_arg[1], &token_file])
            });
            assert!(ok, "jose rejected the token ({}): {out}", key_arg[0]);
            let line: Value = serde_json::from_str(out.trim()).unwrap();
            assert_eq!(line["alg"], "ES256");
            assert_eq!(line["kid"], kid.as_str());
        }
        // The DID document, now with a JsonWebKey beside the Multikey, still serves the
        // Data Integrity verifiers of the Digital Bazaar stack and of the LCW.
        let host_map = format!("accolade.test=127.0.0.1:{port}");
        let live = format!("{PUBLIC}/credentials/{}", ada.id);
        for script in ["verify.mjs", "verifier-core.mjs"] {
            let (ok, out) =
                tokio::task::block_in_place(|| node(script, &["--host-map", &host_map, &live]));
            assert!(
                ok,
                "{script} rejected a credential once the issuer had a JWT key: {out}"
            );
        }
        let forged_file = write_tmp("forged.jwt", &forged);
        let (ok, out) = tokio::task::block_in_place(|| {
            node("jose-verify.mjs", &["--jwk", &jwk_file, &forged_file])
        });
        assert!(
            !ok && out.contains("signature verification failed"),
            "jose accepted a tampered token: {out}"
        );
    }

    // Rotation replaces the JWT key too; tokens signed before keep verifying.
    app.rotate_key(&Actor::system(), org.id).await.unwrap();
    let keys = app.jwt_keys(&org).await.unwrap();
    assert_eq!(keys.len(), 2);
    // Both keys may carry the same creation second, so the order says nothing: one retired,
    // one current.
    let current: Vec<_> = keys.iter().filter(|k| k.retired_at.is_none()).collect();
    assert_eq!(current.len(), 1, "{keys:?}");
    let fresh = block(&|| http.get(&path, "*/*"));
    let new_kid = format!("{PUBLIC}/issuers/acme/keys/{}.jwk", current[0].id);
    assert_eq!(part(&fresh.body, 0)["kid"], new_kid.as_str());
    for t in [&token, &fresh.body] {
        let report = app.verify(t.clone().into_bytes(), None).await;
        assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    }
    let did = block(&|| http.get("/issuers/acme/did.json", "application/did+json"));
    assert!(
        did.body.contains(&keys[0].id.to_string()) && did.body.contains(&keys[1].id.to_string())
    );
    let set = block(&|| http.get("/.well-known/jwks.json", "*/*"));
    let set: Value = serde_json::from_str(&set.body).unwrap();
    assert_eq!(set["keys"].as_array().unwrap().len(), 2);
    let audit = app.audit_log(org.id, 50, 0).await.unwrap();
    assert!(
        audit.iter().any(|e| e.action == "jwt_key.rotate"
            && e.target == new_kid
            && e.detail.contains(&kid)),
        "{audit:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jwt_download_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    jwt_story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jwt_download_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    jwt_story(store).await;
}
