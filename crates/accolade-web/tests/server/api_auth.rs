//! The API's door over real HTTP, on SQLite and PostgreSQL: a request without a key, with a
//! malformed, unknown, wrong-secret, revoked or expired one is refused with 401 problem JSON
//! and `WWW-Authenticate: Bearer`; a good key reads its own organization, its use is recorded at most once a minute, and every answer
//! carries the rate limit headers; past the key's budget, 429 with `Retry-After`, while
//! another key is unaffected and the budget comes back with time.

use super::{PUBLIC, fixture};
use accolade_app::{ApiScope, App, NewApiKey, NewOrganization, OrgAdmin, Rate, RequestLimits};
use accolade_core::{Clock, FixedClock};
use accolade_store::Store;
use std::io::Read;
use std::sync::Arc;

const BUDGET: u32 = 5;

pub(super) struct ApiReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl ApiReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// A problem's fields, checked to be one.
    pub fn problem(&self, status: u16) -> serde_json::Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.body
        );
        let p = self.json();
        assert_eq!(p["status"], status, "{p}");
        assert!(p["type"].is_string() && p["title"].is_string() && p["detail"].is_string());
        p
    }
}

/// A client of the API on `port`.
pub(super) struct Api {
    agent: ureq::Agent,
    base: String,
}

impl Api {
    pub fn new(port: u16) -> Self {
        Self {
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .build()
                .into(),
            base: format!("http://127.0.0.1:{port}/api/v1"),
        }
    }

    fn reply(mut res: ureq::http::Response<ureq::Body>) -> ApiReply {
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
        ApiReply {
            status: res.status().as_u16(),
            headers,
            body,
        }
    }

    /// A request with `authorization` (a whole header value) if given.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> ApiReply {
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(a) = authorization {
            req = req.header("Authorization", a);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = match body {
            Some(b) => self.agent.run(
                req.header("Content-Type", "application/json")
                    .body(b.as_bytes().to_vec())
                    .unwrap(),
            ),
            None => self.agent.run(req.body(Vec::new()).unwrap()),
        };
        Self::reply(res.unwrap())
    }

    pub fn get(&self, path: &str, token: &str) -> ApiReply {
        self.call("GET", path, Some(&format!("Bearer {token}")), &[], None)
    }
}

pub(super) async fn org(app: &App, slug: &str) -> accolade_core::Organization {
    app.create_org(NewOrganization {
        name: format!("{slug} org"),
        url: format!("https://{slug}.example"),
        email: None,
        description: None,
        slug: Some(slug.into()),
    })
    .await
    .unwrap()
}

pub(super) async fn key(
    app: &App,
    org: &accolade_core::Organization,
    scopes: &[ApiScope],
    expires_in_days: Option<u32>,
) -> String {
    app.create_api_key(
        OrgAdmin::Operator,
        org.id,
        NewApiKey {
            name: format!("{} key", scopes[0].as_str()),
            scopes: scopes.to_vec(),
            expires_in_days,
        },
    )
    .await
    .unwrap()
    .token
}

async fn run(store: Store) {
    let clock = Arc::new(FixedClock::new(
        time::macros::datetime!(2026-03-01 12:00 UTC),
    ));
    let app = Arc::new(fixture::app(
        store,
        clock.clone(),
        fixture::config(PUBLIC, false),
    ));
    let options = accolade_web::ServeOptions {
        request_limits: RequestLimits {
            api: Rate::per_minute(BUDGET),
            ..RequestLimits::default()
        },
        ..Default::default()
    };
    let port = fixture::serve_with(app.clone(), &options).await;
    let acme = org(&app, "acme").await;
    let read = key(&app, &acme, &[ApiScope::Read], None).await;
    let issue = key(&app, &acme, &[ApiScope::Issue], None).await;
    let soon = key(&app, &acme, &[ApiScope::Read], Some(1)).await;
    let revoked = key(&app, &acme, &[ApiScope::Admin], None).await;
    let revoked_prefix = &revoked[..12];
    app.revoke_api_key(OrgAdmin::Operator, acme.id, revoked_prefix)
        .await
        .unwrap();
    let api = Api::new(port);
    tokio::task::block_in_place(|| {
        // No key, a malformed one, another scheme, an unknown prefix, a wrong secret, a
        // revoked key: 401 problems that ask for a bearer token.
        let secret_of = |t: &str| t[13..].to_owned();
        let wrong_secret = format!("{}_{}", &read[..12], secret_of(&issue));
        let unknown = format!("acc_00000000_{}", secret_of(&read));
        for (auth, says) in [
            (None, "needs an API key"),
            (Some("Bearer nonsense".to_owned()), "not valid"),
            (Some(format!("Basic {read}")), "Bearer"),
            (Some(format!("Bearer {unknown}")), "not valid"),
            (Some(format!("Bearer {wrong_secret}")), "not valid"),
            (Some(format!("Bearer {revoked}")), "revoked"),
        ] {
            let r = api.call("GET", "/organization", auth.as_deref(), &[], None);
            let p = r.problem(401);
            assert!(
                p["detail"].as_str().unwrap().contains(says),
                "{auth:?}: {p}"
            );
            assert!(
                r.header("www-authenticate").unwrap().starts_with("Bearer"),
                "{auth:?}"
            );
        }

        // A good key reads its organization, with the rate limit headers.
        let r = api.get("/organization", &read);
        assert_eq!(r.status, 200, "{}", r.body);
        let o = r.json();
        assert_eq!(o["id"], acme.id.to_string());
        assert_eq!(o["slug"], "acme");
        assert_eq!(o["profile_url"], format!("{PUBLIC}/issuers/acme"));
        assert_eq!(
            r.header("ratelimit-policy"),
            Some(format!("\"default\";q={BUDGET};w=60").as_str())
        );
        assert_eq!(
            r.header("ratelimit"),
            Some(format!("\"default\";r={};t=12", BUDGET - 1).as_str())
        );
        // Issue implies read.
        assert_eq!(api.get("/organization", &issue).status, 200);
        // Unknown endpoints are problems too.
        api.get("/nothing-here", &read).problem(404);
    });

    // The last use is recorded, and not again within the minute.
    let last_used = |prefix: String| {
        let app = app.clone();
        async move {
            app.api_keys(OrgAdmin::Operator, acme.id)
                .await
                .unwrap()
                .into_iter()
                .find(|k| k.prefix == prefix)
                .unwrap()
                .last_used_at
        }
    };
    let first = last_used(read[..12].to_owned()).await;
    assert_eq!(first, Some(clock.now()));
    clock.advance(time::Duration::seconds(30));
    tokio::task::block_in_place(|| assert_eq!(api.get("/organization", &read).status, 200));
    assert_eq!(last_used(read[..12].to_owned()).await, first);
    clock.advance(time::Duration::seconds(31));
    tokio::task::block_in_place(|| assert_eq!(api.get("/organization", &read).status, 200));
    assert_eq!(last_used(read[..12].to_owned()).await, Some(clock.now()));

    // After its day, the expiring key is refused.
    tokio::task::block_in_place(|| assert_eq!(api.get("/organization", &soon).status, 200));
    clock.advance(time::Duration::days(1));
    tokio::task::block_in_place(|| {
        let p = api.get("/organization", &soon).problem(401);
        assert!(p["detail"].as_str().unwrap().contains("expired"), "{p}");
    });

    // The budget: BUDGET requests at once, then 429 with Retry-After and the headers.
    let busy = key(&app, &acme, &[ApiScope::Read], None).await;
    let other = key(&app, &acme, &[ApiScope::Read], None).await;
    tokio::task::block_in_place(|| {
        for i in 0..BUDGET {
            let r = api.get("/organization", &busy);
            assert_eq!(r.status, 200, "request {i}: {}", r.body);
            assert_eq!(
                r.header("ratelimit"),
                Some(format!("\"default\";r={};t={}", BUDGET - 1 - i, 12 * (i + 1)).as_str())
            );
        }
        let r = api.get("/organization", &busy);
        r.problem(429);
        assert_eq!(r.header("retry-after"), Some("12"));
        assert_eq!(r.header("ratelimit"), Some("\"default\";r=0;t=12"));
        assert!(r.header("ratelimit-policy").is_some());
        assert_eq!(api.get("/organization", &other).status, 200);
    });
    clock.advance(time::Duration::seconds(12));
    tokio::task::block_in_place(|| {
        assert_eq!(api.get("/organization", &busy).status, 200);
        api.get("/organization", &busy).problem(429);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_auth_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_auth_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}
