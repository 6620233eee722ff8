//! The running server, end to end over real HTTP on loopback, on SQLite and PostgreSQL:
//! issue → public page → JSON → verify → revoke → the page and verifiers say revoked; the
//! issuer's DID document and status list; errors; and, with ACCOLADE_INTEROP=1, the Digital
//! Bazaar verifier and the Learner Credential Wallet's verifier-core resolving everything
//! over HTTP from this server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use accolade_app::{App, NewAchievement, NewAward, NewOrganization};
use accolade_core::{Actor, ExpiryPolicy, SystemClock};
use accolade_store::Store;
use std::io::Read;
use std::process::Command;
use std::sync::Arc;

#[path = "server/accounts.rs"]
mod accounts;
#[path = "server/achievements.rs"]
mod achievements;
#[path = "server/api_auth.rs"]
mod api_auth;
#[path = "server/api_idempotency.rs"]
mod api_idempotency;
#[path = "server/api_integration.rs"]
mod api_integration;
#[path = "server/api_keys_page.rs"]
mod api_keys_page;
#[path = "server/api_openapi.rs"]
mod api_openapi;
#[path = "server/api_resources.rs"]
mod api_resources;
#[path = "server/api_schemathesis.rs"]
mod api_schemathesis;
#[path = "server/authorization.rs"]
mod authorization;
#[path = "server/award_delivery.rs"]
mod award_delivery;
#[path = "server/awards.rs"]
mod awards;
#[path = "server/backpack_emails.rs"]
mod backpack_emails;
#[path = "server/bulk_issue.rs"]
mod bulk_issue;
#[path = "server/catalog.rs"]
mod catalog;
#[path = "server/credential_page.rs"]
mod credential_page;
#[path = "server/designer.rs"]
mod designer;
#[path = "server/disk_full.rs"]
mod disk_full;
#[path = "server/downloads.rs"]
mod downloads;
#[path = "server/earner.rs"]
mod earner;
#[path = "server/earner_import.rs"]
mod earner_import;
#[path = "server/earner_profile.rs"]
mod earner_profile;
#[path = "server/fixture.rs"]
mod fixture;
#[path = "server/health.rs"]
mod health;
#[path = "server/i18n.rs"]
mod i18n;
#[path = "server/insights.rs"]
mod insights;
#[path = "server/jwt.rs"]
mod jwt;
#[path = "server/kept_verdicts.rs"]
mod kept_verdicts;
#[path = "server/load_shedding.rs"]
mod load_shedding;
#[path = "server/members_manage.rs"]
mod members_manage;
#[path = "server/onboarding.rs"]
mod onboarding;
#[path = "server/openbadgeslib.rs"]
mod openbadgeslib;
#[path = "server/page_cache.rs"]
mod page_cache;
#[path = "server/pathways.rs"]
mod pathways;
#[path = "server/public_header.rs"]
mod public_header;
#[path = "server/rate_limits.rs"]
mod rate_limits;
#[path = "server/share.rs"]
mod share;
#[path = "server/signup_closed.rs"]
mod signup_closed;
#[path = "server/signup_confirm.rs"]
mod signup_confirm;
#[path = "server/status_surfaces.rs"]
mod status_surfaces;
#[path = "server/verify_limit.rs"]
mod verify_limit;
#[path = "server/webhooks.rs"]
mod webhooks;
#[path = "server/workspace.rs"]
mod workspace;

const PUBLIC: &str = "https://accolade.test";

struct Http {
    agent: ureq::Agent,
    base: String,
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Http {
    fn new(port: u16) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Self {
            agent,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    fn reply(mut res: ureq::http::Response<ureq::Body>) -> Reply {
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let mut body = String::new();
        res.body_mut()
            .as_reader()
            .read_to_string(&mut body)
            .unwrap();
        Reply {
            status: res.status().as_u16(),
            headers,
            body,
        }
    }

    fn get(&self, path: &str, accept: &str) -> Reply {
        Self::reply(
            self.agent
                .get(format!("{}{path}", self.base))
                .header("Accept", accept)
                .call()
                .unwrap(),
        )
    }

    fn get_if_none_match(&self, path: &str, etag: &str) -> Reply {
        Self::reply(
            self.agent
                .get(format!("{}{path}", self.base))
                .header("If-None-Match", etag)
                .call()
                .unwrap(),
        )
    }

    /// A multipart form post, as the verify page's form sends it.
    fn post_verify(&self, input: &str, file: Option<&[u8]>) -> Reply {
        let boundary = "accolade-test-boundary";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"input\"\r\n\r\n{input}\r\n"
            )
            .as_bytes(),
        );
        if let Some(f) = file {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"badge.png\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
            body.extend_from_slice(f);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let res = self
            .agent
            .post(format!("{}/verify", self.base))
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .send(&body[..])
            .unwrap();
        Self::reply(res)
    }
}

async fn start(store: Store) -> (Arc<App>, u16) {
    start_with_clock(store, Arc::new(SystemClock)).await
}

/// The server on a clock the test sets.
async fn start_with_clock(store: Store, clock: Arc<dyn accolade_core::Clock>) -> (Arc<App>, u16) {
    let app = Arc::new(fixture::app(store, clock, fixture::config(PUBLIC, false)));
    (app.clone(), fixture::serve(app).await)
}

fn interop() -> bool {
    accolade_testkit::gate::require_flag(
        "ACCOLADE_INTEROP",
        "the Digital Bazaar interop check",
        "needs `npm ci` in interop/; scripts/test.sh does both",
    )
}

fn node(script: &str, args: &[&str]) -> (bool, String) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../interop");
    let out = Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .output()
        .expect("node is required for the interop tests");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn story(store: Store) {
    let (app, port) = start(store).await;
    let http = Http::new(port);
    let org = app
        .create_org(NewOrganization {
            name: "Acme <Academy>".into(),
            url: "https://acme.example".into(),
            email: Some("badges@acme.example".into()),
            description: Some("Training since 1998.".into()),
            slug: Some("acme".into()),
        })
        .await
        .unwrap();
    let svg = accolade_app::demo::badge_svg("RUST", "ACME", "#1f4e79", "#f2c14e");
    let image = app.add_image(Some(org.id), svg.into_bytes()).await.unwrap();
    let achievement = app
        .create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "Rust Fundamentals".into(),
                description: "Completed the Rust course.".into(),
                criteria_narrative: Some("Pass the final assessment.".into()),
                achievement_type: Some("Course".into()),
                image_id: Some(image.id),
                credits: Some(2.5),
                expiry: ExpiryPolicy::MonthsAfterIssue(24),
                ..NewAchievement::default()
            },
        )
        .await
        .unwrap();
    let award = |email: &'static str, name: &'static str| {
        let app = app.clone();
        async move {
            app.award(
                &Actor::system(),
                NewAward {
                    achievement_id: achievement.id,
                    recipient_email: email.into(),
                    recipient_name: Some(name.into()),
                    issued_at: None,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
        }
    };
    let kept = award("ada@example.com", "Ada Lovelace").await;
    let doomed = award("eve@example.com", "Eve <script>alert(1)</script>").await;

    let res = tokio::task::block_in_place(|| http.get("/", "text/html"));
    assert_eq!(res.status, 200);
    assert!(
        res.body.contains("Acme &lt;Academy&gt;"),
        "names are escaped"
    );
    assert!(
        res.header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));

    let page = tokio::task::block_in_place(|| http.get("/issuers/acme", "text/html"));
    assert!(page.status == 200 && page.body.contains("did:web:accolade.test:issuers:acme"));
    let profile = tokio::task::block_in_place(|| http.get("/issuers/acme", "application/ld+json"));
    let profile: serde_json::Value = serde_json::from_str(&profile.body).unwrap();
    assert_eq!(profile["id"], "did:web:accolade.test:issuers:acme");
    let did =
        tokio::task::block_in_place(|| http.get("/issuers/acme/did.json", "application/did+json"));
    assert_eq!(did.header("content-type"), Some("application/did+json"));
    let did: serde_json::Value = serde_json::from_str(&did.body).unwrap();
    assert_eq!(did["id"], "did:web:accolade.test:issuers:acme");

    let path = format!("/credentials/{}", kept.id);
    let html = tokio::task::block_in_place(|| {
        http.get(&path, "text/html,application/xhtml+xml,*/*;q=0.8")
    });
    assert_eq!(html.status, 200);
    for needle in [
        "Verified",
        "Ada Lovelace",
        "Rust Fundamentals",
        "Acme &lt;Academy&gt;",
        "2.5 credits",
    ] {
        assert!(html.body.contains(needle), "credential page lacks {needle}");
    }
    for accept in [
        "application/ld+json",
        "application/vc+ld+json",
        "application/json",
    ] {
        let json = tokio::task::block_in_place(|| http.get(&path, accept));
        assert_eq!(json.body, kept.credential, "{accept}");
    }
    let download = tokio::task::block_in_place(|| http.get(&format!("{path}.json"), "*/*"));
    assert_eq!(download.body, kept.credential);
    let evil = tokio::task::block_in_place(|| {
        http.get(&format!("/credentials/{}", doomed.id), "text/html")
    });
    assert!(
        !evil.body.contains("<script>alert(1)"),
        "earner names are escaped"
    );

    let list_path = "/issuers/acme/status/revocation";
    let list = tokio::task::block_in_place(|| http.get(list_path, "application/vc+ld+json"));
    assert_eq!(list.header("cache-control"), Some("no-cache"));
    let etag = list.header("etag").unwrap().to_owned();
    let again = tokio::task::block_in_place(|| http.get_if_none_match(list_path, &etag));
    assert_eq!(again.status, 304);

    // The verify page: pasted JSON, a credential URL, a tampered copy, and garbage.
    let ok = tokio::task::block_in_place(|| http.post_verify(&kept.credential, None));
    assert!(
        ok.status == 200 && ok.body.contains("Valid: authentic"),
        "{}",
        ok.body
    );
    let by_url = tokio::task::block_in_place(|| {
        http.get(&format!("/verify?url={PUBLIC}{path}"), "text/html")
    });
    assert!(by_url.body.contains("Valid: authentic"));
    let tampered = kept.credential.replace("Rust Fundamentals", "Rust Mastery");
    let bad = tokio::task::block_in_place(|| http.post_verify(&tampered, None));
    assert!(
        bad.body.contains("signature does not match"),
        "{}",
        bad.body
    );
    let garbage =
        tokio::task::block_in_place(|| http.post_verify("", Some(b"\x89PNG\r\n\x1a\nnot really")));
    assert_eq!(garbage.status, 200);
    assert!(garbage.body.contains("Not valid"));
    // A VC-JWT forged with the forger's own key in its header, naming this instance's issuer:
    // the signature matches that key, which proves nothing.
    let forger = accolade_credentials::jwt::sign::Es256Key::generate().unwrap();
    let mut claims: serde_json::Value = serde_json::from_str(&kept.credential).unwrap();
    claims.as_object_mut().unwrap().remove("proof");
    claims["iss"] = claims["issuer"]["id"].clone();
    claims["jti"] = claims["id"].clone();
    let forged = forger.sign_compact(
        &serde_json::json!({"alg": "ES256", "jwk": forger.public_jwk()}),
        &claims,
    );
    let page = tokio::task::block_in_place(|| http.post_verify(&forged, None));
    assert!(
        page.body.contains("Not valid") && !page.body.contains("Valid: authentic"),
        "{}",
        page.body
    );
    // A credential whose status list cannot be fetched: amber, never green.
    let key = accolade_credentials::multikey::KeyPair::generate().unwrap();
    let mut loose: serde_json::Value = serde_json::from_str(&kept.credential).unwrap();
    loose.as_object_mut().unwrap().remove("proof");
    loose["issuer"]["id"] = key.public().did_key().into();
    loose["credentialStatus"]["statusListCredential"] = "https://status.invalid/list".into();
    loose["credentialStatus"]["id"] = "https://status.invalid/list#1".into();
    let signed = accolade_credentials::proof::sign(
        &loose,
        &key,
        &accolade_credentials::proof::ProofOptions::assertion(
            key.public().did_key_verification_method(),
            None,
        ),
    )
    .unwrap();
    let page = tokio::task::block_in_place(|| http.post_verify(&signed.to_string(), None));
    assert!(
        page.body.contains("Could not be checked") && !page.body.contains("Valid: authentic"),
        "{}",
        page.body
    );

    // Revoke: the bit flips at once; the page, the list and every verifier agree.
    app.revoke(
        &accolade_core::Actor::system(),
        doomed.id,
        "Issued in error",
    )
    .await
    .unwrap();
    let revoked = tokio::task::block_in_place(|| {
        http.get(&format!("/credentials/{}", doomed.id), "text/html")
    });
    assert!(revoked.body.contains("Revoked") && revoked.body.contains("Issued in error"));
    let changed = tokio::task::block_in_place(|| http.get_if_none_match(list_path, &etag));
    assert_eq!(
        changed.status, 200,
        "the list changed, so the old ETag no longer matches"
    );

    // Errors: unknown and malformed ids, JSON problems for programs; images are sandboxed.
    let missing = tokio::task::block_in_place(|| http.get("/credentials/not-a-uuid", "text/html"));
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("request id") || missing.body.to_lowercase().contains("request"));
    let missing = tokio::task::block_in_place(|| {
        http.get(
            &format!("/credentials/{}", accolade_core::AwardId::new()),
            "application/json",
        )
    });
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("application/problem+json")
    );
    assert_eq!(
        tokio::task::block_in_place(|| http.get("/issuers/nobody", "text/html")).status,
        404
    );
    let img = tokio::task::block_in_place(|| http.get(&format!("/images/{}", image.id), "*/*"));
    assert!(
        img.header("content-security-policy")
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(
        tokio::task::block_in_place(|| http.get("/healthz", "*/*")).status,
        200
    );

    // Key rotation: credentials signed with the retired key still verify everywhere.
    app.rotate_key(&Actor::system(), org.id).await.unwrap();
    let fresh = award("grace@example.com", "Grace Hopper").await;
    assert_ne!(fresh.key_id, kept.key_id);
    let old = tokio::task::block_in_place(|| http.post_verify(&kept.credential, None));
    assert!(
        old.body.contains("Valid: authentic"),
        "a credential signed before rotation must still verify"
    );

    if interop() {
        let host_map = format!("accolade.test=127.0.0.1:{port}");
        let (ok, out) = tokio::task::block_in_place(|| {
            node(
                "verify.mjs",
                &[
                    "--check-status",
                    "--host-map",
                    &host_map,
                    &format!("{PUBLIC}/credentials/{}", fresh.id),
                ],
            )
        });
        assert!(
            ok,
            "Digital Bazaar rejected a credential signed with the new key: {out}"
        );
        let live = format!("{PUBLIC}/credentials/{}", kept.id);
        let dead = format!("{PUBLIC}/credentials/{}", doomed.id);
        let (ok, out) = tokio::task::block_in_place(|| {
            node(
                "verify.mjs",
                &["--check-status", "--host-map", &host_map, &live],
            )
        });
        assert!(ok, "Digital Bazaar rejected a live credential: {out}");
        let (ok, out) = tokio::task::block_in_place(|| {
            node(
                "verify.mjs",
                &["--check-status", "--host-map", &host_map, &dead],
            )
        });
        assert!(
            !ok && out.contains("revocation"),
            "Digital Bazaar accepted a revoked credential: {out}"
        );
        let (ok, out) = tokio::task::block_in_place(|| {
            node("verifier-core.mjs", &["--host-map", &host_map, &live])
        });
        assert!(ok, "verifier-core rejected a live credential: {out}");
        let (ok, out) = tokio::task::block_in_place(|| {
            node("verifier-core.mjs", &["--host-map", &host_map, &dead])
        });
        assert!(
            !ok && out.contains("revocation"),
            "verifier-core accepted a revoked credential: {out}"
        );
        let (ok, out) =
            tokio::task::block_in_place(|| node("schema.mjs", &[&write_tmp(&kept.credential)]));
        assert!(
            ok,
            "the official schema rejected a server-issued credential: {out}"
        );
    }
}

fn write_tmp(content: &str) -> String {
    let p = std::env::temp_dir().join(format!(
        "accolade-server-{}.json",
        accolade_core::AwardId::new()
    ));
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn server_story_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn server_story_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    story(store).await;
}

/// A browser-like session: keeps cookies, posts url-encoded forms.
struct Browser<'a> {
    http: &'a Http,
    cookies: std::collections::BTreeMap<String, String>,
}

fn form_encode(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// The value of `<input type="hidden" name="csrf" value="…">` in a page.
fn hidden_csrf(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("the page has a csrf field")
        + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

impl<'a> Browser<'a> {
    fn new(http: &'a Http) -> Self {
        Self {
            http,
            cookies: Default::default(),
        }
    }

    fn absorb(&mut self, res: &ureq::http::Response<ureq::Body>) {
        for v in res.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (kv, _) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if v.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn get(&mut self, path: &str) -> Reply {
        let res = self
            .http
            .agent
            .get(format!("{}{path}", self.http.base))
            .header("Cookie", self.cookie_header())
            .call()
            .unwrap();
        self.absorb(&res);
        Http::reply(res)
    }

    /// Posts a form and, when it is answered with a redirect (a form done), follows it.
    fn post_follow(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let r = self.post(path, fields);
        if r.status != 303 {
            return r;
        }
        let to = r
            .header("location")
            .expect("a redirect's Location")
            .to_owned();
        self.get(&to)
    }

    fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let res = self
            .http
            .agent
            .post(format!("{}{path}", self.http.base))
            .header("Cookie", self.cookie_header())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(form_encode(fields))
            .unwrap();
        self.absorb(&res);
        Http::reply(res)
    }
}

/// The claim token in the award's badge email (no SMTP here: read from the outbox).
async fn claim_token(app: &App, award: &accolade_core::Award) -> String {
    let mails = app.outbox(Some(award.org_id), 500).await.unwrap();
    let mail = mails
        .iter()
        .find(|m| m.award_id == Some(award.id) && m.template == "badge_issued")
        .expect("the badge email");
    link_token(&mail.body_text, "claim").expect("a claim link")
}

/// The token of the first `{PUBLIC}/{path}/TOKEN` link in `text` (an email, a page).
fn link_token(text: &str, path: &str) -> Option<String> {
    let prefix = format!("{PUBLIC}/{path}/");
    let at = text.find(&prefix)? + prefix.len();
    Some(
        text[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect(),
    )
}

/// Claims an award into the account `b` is signed in to, with a claim link's token.
fn claim_with(b: &mut Browser<'_>, token: &str) {
    let claim = format!("/claim/{token}");
    let csrf = hidden_csrf(&b.get(&claim).body);
    let done = b.post(&claim, &[("csrf", &csrf)]);
    assert_eq!(done.status, 303, "{}", done.body);
}
