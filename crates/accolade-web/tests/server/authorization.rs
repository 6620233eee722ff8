//! Who may do what in an organization's workspace, as one table: every workspace route ×
//! every kind of visitor (owner, admin, issuer, viewer, a member of another organization,
//! anonymous), on SQLite and PostgreSQL. A role below a route's need is refused with 403, a
//! member of another organization finds nothing (404), an anonymous visitor is sent to sign
//! in (pages; a JSON answer is a 401) or refused (forms, which have no session token); a role
//! at or above the need is
//! let through. Refused forms change nothing: the audit log is the same before and after.

use super::accounts::{create_org, current_user, location, sign_up, sign_up_member};
use super::bulk_issue::upload;
use super::{Browser, Http, Reply, start};
use accolade_app::{ApiScope, App, NewAchievement, NewApiKey, OrgAdmin};
use accolade_core::{Actor, ExpiryPolicy, Role};
use accolade_store::Store;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

/// A route of the table, with the least role it needs in the organization.
struct Route {
    method: Method,
    path: String,
    need: Role,
    /// Form fields besides the session's form token.
    form: Vec<(&'static str, String)>,
}

fn get(path: impl Into<String>, need: Role) -> Route {
    Route {
        method: Method::Get,
        path: path.into(),
        need,
        form: Vec::new(),
    }
}

fn post(path: impl Into<String>, need: Role, form: &[(&'static str, &str)]) -> Route {
    Route {
        method: Method::Post,
        path: path.into(),
        need,
        form: form.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
    }
}

/// A signed-in visitor: the browser, its form token, and its role in the organization.
struct Visitor<'a> {
    name: &'static str,
    browser: Browser<'a>,
    csrf: String,
    role: Option<Role>,
}

impl Visitor<'_> {
    fn send(&mut self, route: &Route) -> Reply {
        match route.method {
            Method::Get => self.browser.get(&route.path),
            Method::Post => {
                let mut fields: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
                fields.extend(route.form.iter().map(|(k, v)| (*k, v.as_str())));
                self.browser.post(&route.path, &fields)
            }
        }
    }
}

/// Refused for authorization: what a visitor without the right may see.
fn refused(r: &Reply) -> bool {
    matches!(r.status, 401 | 403 | 404) || (r.status == 303 && location(r).starts_with("/signin"))
}

fn check_refusals(route: &Route, visitors: &mut [Visitor<'_>], http: &Http) {
    for v in visitors.iter_mut() {
        let allowed = v.role.is_some_and(|r| r >= route.need);
        if allowed {
            continue;
        }
        let r = v.send(route);
        let expected = if v.role.is_some() { 403 } else { 404 };
        assert_eq!(
            r.status, expected,
            "{} {:?} {} must be refused ({expected}), got {}: {}",
            v.name, route.method, route.path, r.status, r.body
        );
    }
    // Anonymous: pages send to sign-in; forms (no session, so no form token) are refused.
    let mut anon = Browser::new(http);
    let r = match route.method {
        Method::Get => anon.get(&route.path),
        Method::Post => {
            let mut fields: Vec<(&str, &str)> = vec![("csrf", "")];
            fields.extend(route.form.iter().map(|(k, v)| (*k, v.as_str())));
            anon.post(&route.path, &fields)
        }
    };
    match route.method {
        // A page sends to sign-in; a JSON answer (an import's progress) is a 401.
        Method::Get => assert!(
            r.status == 401 || (r.status == 303 && location(&r).starts_with("/signin")),
            "anonymous GET {} must be sent to sign in, got {}: {}",
            route.path,
            r.status,
            r.body
        ),
        Method::Post => assert!(
            refused(&r),
            "anonymous POST {} must be refused, got {}: {}",
            route.path,
            r.status,
            r.body
        ),
    }
}

/// Pages: every role at or above the need sees them. Forms: the least role that may send
/// one does (once: forms change things).
fn check_allowed(route: &Route, visitors: &mut [Visitor<'_>]) {
    let mut allowed: Vec<&mut Visitor<'_>> = visitors
        .iter_mut()
        .filter(|v| v.role.is_some_and(|r| r >= route.need))
        .collect();
    if route.method == Method::Post {
        allowed.sort_by_key(|v| v.role);
        allowed.truncate(1);
    }
    for v in allowed {
        let r = v.send(route);
        assert!(
            !refused(&r) && r.status < 500,
            "{} {:?} {} must be let through, got {}: {}",
            v.name,
            route.method,
            route.path,
            r.status,
            r.body
        );
        // A page, or a form done: redirected, or a page with the result (a claim link, a
        // new key's confirmation).
        let done = match route.method {
            Method::Get => r.status == 200,
            Method::Post => matches!(r.status, 200 | 303),
        };
        assert!(
            done,
            "{} {:?} {}: {} {}",
            v.name, route.method, route.path, r.status, r.body
        );
    }
}

fn flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let (mut ada, csrf) = sign_up(http, "Ada Owner", "ada@example.com");
    let slug = create_org(&mut ada, &csrf, "Table Academy");
    let org = rt.block_on(app.org_by_slug(&slug)).unwrap();
    let owner = current_user(&app, "ada@example.com");
    let member = |role: Role, name: &'static str, email: &str| {
        let (browser, csrf, user) = sign_up_member(&app, http, &owner, (org.id, role), name, email);
        (
            Visitor {
                name,
                browser,
                csrf,
                role: Some(role),
            },
            user,
        )
    };
    let (admin, _) = member(Role::Admin, "admin", "adele@example.com");
    let (issuer, _) = member(Role::Issuer, "issuer", "isaac@example.com");
    let (viewer, _) = member(Role::Viewer, "viewer", "vera@example.com");
    // Members the table's forms act on.
    let (_, spare_role) = member(Role::Viewer, "spare", "sam@example.com");
    let (_, spare_remove) = member(Role::Viewer, "leaving", "lee@example.com");
    let (mut eve, eve_csrf) = sign_up(http, "Eve Other", "eve@example.com");
    create_org(&mut eve, &eve_csrf, "Other Academy");
    let mut visitors = vec![
        Visitor {
            name: "owner",
            browser: ada,
            csrf: csrf.clone(),
            role: Some(Role::Owner),
        },
        admin,
        issuer,
        viewer,
        Visitor {
            name: "another organization's owner",
            browser: eve,
            csrf: eve_csrf,
            role: None,
        },
    ];

    // What the routes name.
    let badge = rt
        .block_on(app.create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "Table Badge".into(),
                description: "A badge for the table.".into(),
                criteria_narrative: Some("Sit at the table.".into()),
                ..NewAchievement::default()
            },
        ))
        .unwrap();
    let yearly = rt
        .block_on(app.create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: org.id,
                name: "Yearly Badge".into(),
                description: "Renewed every year.".into(),
                criteria_narrative: Some("Come back every year.".into()),
                expiry: ExpiryPolicy::MonthsAfterIssue(12),
                ..NewAchievement::default()
            },
        ))
        .unwrap();
    let renewable = rt.block_on(super::fixture::issue(
        &app,
        &yearly,
        "yearly@example.com",
        None,
        None,
    ));
    let awards: Vec<_> = (0..4)
        .map(|i| {
            rt.block_on(super::fixture::issue(
                &app,
                &badge,
                &format!("earner{i}@example.com"),
                None,
                None,
            ))
        })
        .collect();
    let (_, invitation) = rt
        .block_on(app.invite(&owner, org.id, "ivy@example.com", Role::Viewer))
        .unwrap();
    let pending = rt
        .block_on(app.pending_invitations(&owner, org.id))
        .unwrap();
    let invitation_id = pending
        .iter()
        .find(|p| p.email.as_str() == "ivy@example.com")
        .map(|p| p.id.clone())
        .unwrap();
    drop(invitation);
    let mail = rt.block_on(app.outbox(Some(org.id), 10)).unwrap()[0].id;
    let api_key = rt
        .block_on(app.create_api_key(
            OrgAdmin::Member(&owner),
            org.id,
            NewApiKey {
                name: "Table sync".into(),
                scopes: vec![ApiScope::Read],
                expires_in_days: None,
            },
        ))
        .unwrap()
        .key
        .prefix;
    let b = badge.id.to_string();
    let base = format!("/dashboard/orgs/{slug}");
    // A pathway, made by its owner through the form.
    let made = visitors[0].send(&post(
        format!("{base}/pathways"),
        Role::Admin,
        &[
            ("name", "Table Path"),
            ("description", "Around the table."),
            ("rows", "1"),
            ("kind-0", "badge"),
            ("badge-0", &b),
        ],
    ));
    assert_eq!(made.status, 303, "{}", made.body);
    let pathway = rt.block_on(app.pathways(org.id)).unwrap()[0].id;
    // An import (dry run) and an upload waiting for its columns.
    let file = "email,name\nnew1@example.com,New One\n";
    let up = upload(
        &mut visitors[0].browser,
        &slug,
        &csrf,
        &b,
        "a.csv",
        file.as_bytes(),
    );
    assert_eq!(up.status, 303, "{}", up.body);
    let map_action = location(&up).split('?').next().unwrap().to_owned();
    let mapped = visitors[0].browser.post(
        &map_action,
        &[
            ("csrf", &csrf),
            ("achievement", &b),
            ("email", "email"),
            ("name", "name"),
            ("issued_at", ""),
        ],
    );
    assert_eq!(mapped.status, 303, "{}", mapped.body);
    let import = location(&mapped);
    let second = upload(
        &mut visitors[0].browser,
        &slug,
        &csrf,
        &b,
        "b.csv",
        file.as_bytes(),
    );
    let waiting = location(&second);
    let waiting_action = waiting.split('?').next().unwrap().to_owned();

    let mut version_in = |page: &str| {
        let html = visitors[0].browser.get(page).body;
        let field = "name=\"version\" value=\"";
        let at = html.find(field).expect("a version field") + field.len();
        html[at..].split('"').next().unwrap().to_owned()
    };
    let badge_version = version_in(&format!("{base}/achievements/{b}/edit"));
    let pathway_version = version_in(&format!("{base}/pathways/{pathway}"));
    let award = |i: usize| format!("{base}/awards/{}", awards[i].id);
    let a0 = awards[0].id.to_string();
    let profile: [(&'static str, &str); 6] = [
        ("name", "Table Academy"),
        ("url", "https://table.example"),
        ("email", ""),
        ("description", "We sit at tables."),
        ("languages", "en"),
        ("linkedin_org_id", ""),
    ];
    use Role::{Admin, Issuer, Owner, Viewer};
    let table = vec![
        // Pages.
        get(base.clone(), Viewer),
        get(format!("{base}/achievements"), Viewer),
        get(format!("{base}/achievements/new"), Admin),
        get(format!("{base}/achievements/{b}/edit"), Admin),
        get(format!("{base}/achievements/{b}/issue"), Issuer),
        get(format!("{base}/awards"), Viewer),
        get(format!("{base}/awards/export.csv"), Viewer),
        get(format!("{base}/awards/expiring"), Viewer),
        get(award(0), Viewer),
        get(format!("{base}/imports"), Viewer),
        get(
            format!("{base}/imports/template.csv?achievement={b}"),
            Viewer,
        ),
        get(import.clone(), Viewer),
        get(format!("{import}/progress"), Viewer),
        get(format!("{import}/issues.csv"), Viewer),
        get(waiting.clone(), Issuer),
        get(format!("{base}/insights"), Viewer),
        get(format!("{base}/insights/summary.csv"), Viewer),
        get(format!("{base}/pathways"), Admin),
        get(format!("{base}/pathways/new"), Admin),
        get(format!("{base}/pathways/{pathway}"), Admin),
        get(format!("{base}/designer"), Admin),
        get(format!("{base}/members"), Viewer),
        get(format!("{base}/settings"), Admin),
        get(format!("{base}/settings/keys/rotate"), Owner),
        get(format!("{base}/settings/api-keys"), Admin),
        get(format!("{base}/settings/api-keys/{api_key}/revoke"), Admin),
        get(format!("{base}/audit"), Admin),
        get(format!("{base}/outbox"), Admin),
        get(format!("{base}/outbox/{mail}"), Admin),
        // Forms.
        post(
            format!("{base}/achievements"),
            Admin,
            &[
                ("name", "Made by form"),
                ("description", "Made."),
                ("criteria_narrative", "Fill in a form."),
            ],
        ),
        post(
            format!("{base}/achievements/{b}/edit"),
            Admin,
            &[
                ("version", &badge_version),
                ("name", "Table Badge"),
                ("description", "A badge for the table."),
                ("criteria_narrative", "Sit at the table."),
            ],
        ),
        post(
            format!("{base}/achievements/{b}/issue"),
            Issuer,
            &[("email", "issued-by-form@example.com"), ("language", "en")],
        ),
        post(
            format!("{base}/awards/expiring"),
            Admin,
            &[("offsets", "30,7")],
        ),
        post(format!("{base}/awards/bulk-revoke"), Issuer, &[("id", &a0)]),
        post(
            format!("{base}/awards/{}/status", awards[1].id),
            Issuer,
            &[("action", "suspend"), ("reason", "Under review")],
        ),
        post(
            format!("{}/reissue", award(2)),
            Issuer,
            &[
                ("email", "fixed@example.com"),
                ("name", ""),
                ("language", ""),
            ],
        ),
        post(format!("{base}/awards/{}/renew", renewable.id), Issuer, &[]),
        post(format!("{}/resend", award(0)), Issuer, &[]),
        post(format!("{}/claim-link", award(0)), Issuer, &[]),
        post(
            waiting_action,
            Issuer,
            &[
                ("achievement", &b),
                ("email", "email"),
                ("name", "name"),
                ("issued_at", ""),
            ],
        ),
        post(format!("{import}/discard"), Issuer, &[]),
        post(
            format!("{base}/pathways/{pathway}"),
            Admin,
            &[
                ("version", &pathway_version),
                ("name", "Table Path"),
                ("description", "Around the table, again."),
                ("rows", "1"),
                ("kind-0", "badge"),
                ("badge-0", &b),
            ],
        ),
        post(format!("{base}/settings"), Admin, &profile),
        post(
            format!("{base}/settings/api-keys"),
            Admin,
            &[
                ("name", "Made by form"),
                ("scope_read", "on"),
                ("expires_in_days", ""),
            ],
        ),
        post(
            format!("{base}/settings/api-keys/{api_key}/revoke"),
            Admin,
            &[],
        ),
        post(
            format!("{base}/members/invite"),
            Admin,
            &[("email", "newcomer@example.com"), ("role", "viewer")],
        ),
        post(
            format!("{base}/members/{}/role", spare_role.id),
            Admin,
            &[("role", "issuer")],
        ),
        post(
            format!("{base}/members/invitations/{invitation_id}/revoke"),
            Admin,
            &[],
        ),
        post(
            format!("{base}/members/{}/remove", spare_remove.id),
            Admin,
            &[],
        ),
        post(format!("{base}/pathways/{pathway}/delete"), Admin, &[]),
        post(
            format!("{base}/settings/keys/rotate"),
            Owner,
            &[("confirm", "rotate")],
        ),
    ];

    // Every refusal first: none of them may change anything.
    let audit_before = rt.block_on(app.audit_log(org.id, 1000, 0)).unwrap().len();
    for route in &table {
        check_refusals(route, &mut visitors, http);
    }
    let audit_after = rt.block_on(app.audit_log(org.id, 1000, 0)).unwrap().len();
    assert_eq!(
        audit_before, audit_after,
        "a refused request changed something"
    );
    for route in &table {
        check_allowed(route, &mut visitors);
    }
}

async fn run(store: Store) {
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn route_by_role_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn route_by_role_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}

/// An API route of the table, with the least scope a key needs for it.
struct ApiRoute {
    method: &'static str,
    path: String,
    need: ApiScope,
    body: Option<String>,
    /// Whether the route names something of the first organization by id: another
    /// organization's key then finds nothing (404).
    names_one: bool,
}

fn api(method: &'static str, path: impl Into<String>, need: ApiScope) -> ApiRoute {
    ApiRoute {
        method,
        path: path.into(),
        need,
        body: None,
        names_one: false,
    }
}

impl ApiRoute {
    fn body(mut self, json: serde_json::Value) -> Self {
        self.body = Some(json.to_string());
        self
    }

    fn one(mut self) -> Self {
        self.names_one = true;
        self
    }
}

/// The API: every operation × a key of each scope, another organization's key, and no key.
fn api_flow(app: Arc<App>, port: u16) {
    use super::api_auth::{Api, key, org};
    let rt = tokio::runtime::Handle::current();
    let (acme, badge) = rt.block_on(super::fixture::org_with_badge(
        &app,
        "Acme Table",
        "acme-table",
        "Table Badge",
    ));
    let other = rt.block_on(org(&app, "other-table"));
    let keys: Vec<(ApiScope, String)> = ApiScope::ALL
        .iter()
        .map(|s| (*s, rt.block_on(key(&app, &acme, &[*s], None))))
        .collect();
    let outsider = rt.block_on(key(&app, &other, &[ApiScope::Admin], None));
    let awards: Vec<_> = (0..6)
        .map(|i| {
            rt.block_on(super::fixture::issue(
                &app,
                &badge,
                &format!("api{i}@example.com"),
                None,
                None,
            ))
        })
        .collect();
    let yearly = rt
        .block_on(app.create_achievement(
            &Actor::system(),
            NewAchievement {
                org_id: acme.id,
                name: "Yearly".into(),
                description: "Every year.".into(),
                criteria_narrative: Some("Come back.".into()),
                expiry: ExpiryPolicy::MonthsAfterIssue(12),
                ..NewAchievement::default()
            },
        ))
        .unwrap();
    let renewable = rt.block_on(super::fixture::issue(
        &app,
        &yearly,
        "yearly@example.com",
        None,
        None,
    ));
    let hook = rt
        .block_on(app.create_webhook_endpoint(
            OrgAdmin::Operator,
            acme.id,
            accolade_app::webhooks::EndpointForm {
                url: "https://hooks.example/accolade".into(),
                description: "Table".into(),
                events: Vec::new(),
            },
        ))
        .unwrap()
        .id;
    let client = Api::new(port);
    let admin = &keys.iter().find(|(s, _)| *s == ApiScope::Admin).unwrap().1;
    let bearer = |token: &str| format!("Bearer {token}");
    let b = badge.id;
    let w = |i: usize| awards[i].id;
    let created = client.call(
        "POST",
        "/awards",
        Some(&bearer(admin)),
        &[("Idempotency-Key", "table-setup")],
        Some(&serde_json::json!({"achievement_id": b.to_string(), "recipient_email": "setup@example.com"}).to_string()),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    use ApiScope::{Admin, Issue, Read, Revoke};
    let table = vec![
        api("GET", "/organization", Read),
        api("GET", "/achievements", Read),
        api("GET", format!("/achievements/{b}"), Read).one(),
        api("GET", "/awards", Read),
        api("GET", format!("/awards/{}", w(0)), Read).one(),
        api("GET", format!("/awards/{}/credential", w(0)), Read).one(),
        api("GET", format!("/awards/{}/analytics", w(0)), Read).one(),
        api("GET", "/pathways", Read),
        api("GET", "/analytics", Read),
        api("GET", "/members", Read),
        api("GET", "/invitations", Admin),
        api("GET", "/audit-log", Admin),
        api("GET", "/api-keys", Admin),
        api("POST", "/achievements", Admin).body(serde_json::json!({
            "name": "By the API",
            "description": "Made through the API.",
            "criteria_narrative": "Call the API."
        })),
        api("PATCH", format!("/achievements/{b}"), Admin)
            .one()
            .body(serde_json::json!({"description": "Changed through the API."})),
        api("POST", "/awards", Issue).body(serde_json::json!({
            "achievement_id": b.to_string(),
            "recipient_email": "by-api@example.com"
        })),
        api("POST", format!("/awards/batch?achievement={b}"), Issue)
            .body(serde_json::json!([{"recipient_email": "batch@example.com"}])),
        api("POST", format!("/awards/{}/suspend", w(1)), Revoke)
            .one()
            .body(serde_json::json!({"reason": "Under review."})),
        api("POST", format!("/awards/{}/revoke", w(2)), Revoke)
            .one()
            .body(serde_json::json!({"reason": "Issued in error."})),
        api("POST", format!("/awards/{}/reissue", w(3)), Issue)
            .one()
            .body(serde_json::json!({"recipient_email": "fixed@example.com"})),
        api("POST", format!("/awards/{}/renew", renewable.id), Issue)
            .one()
            .body(serde_json::json!({})),
        api("POST", "/api-keys", Admin).body(serde_json::json!({
            "name": "Made by a key",
            "scopes": ["read"]
        })),
        api("GET", "/webhooks", Admin),
        api("POST", "/webhooks", Admin).body(serde_json::json!({
            "url": "https://hooks.example/other",
            "events": ["award.issued"]
        })),
        api("GET", format!("/webhooks/{hook}"), Admin).one(),
        api("GET", format!("/webhooks/{hook}/deliveries"), Admin).one(),
        api("POST", format!("/webhooks/{hook}/ping"), Admin).one(),
        api("DELETE", format!("/webhooks/{hook}"), Admin).one(),
    ];
    let lacking = |need: ApiScope| {
        keys.iter()
            .filter(move |(s, _)| !caller_allows(*s, need))
            .map(|(s, t)| (*s, t.clone()))
            .collect::<Vec<_>>()
    };
    let send = |route: &ApiRoute, token: Option<&str>, n: usize| {
        let idem = format!("table-{n}-{}", route.path);
        let headers: Vec<(&str, &str)> = match route.method {
            "POST" => vec![("Idempotency-Key", idem.as_str())],
            _ => Vec::new(),
        };
        client.call(
            route.method,
            &route.path,
            token.map(bearer).as_deref(),
            &headers,
            route.body.as_deref(),
        )
    };
    // Refusals first: none may change anything.
    let audit_before = rt.block_on(app.audit_log(acme.id, 1000, 0)).unwrap().len();
    for (n, route) in table.iter().enumerate() {
        let r = send(route, None, n);
        assert_eq!(
            r.status, 401,
            "no key: {} {}: {}",
            route.method, route.path, r.body
        );
        for (scope, token) in lacking(route.need) {
            let r = send(route, Some(&token), n);
            assert_eq!(
                r.status,
                403,
                "a {} key: {} {}: {}",
                scope.as_str(),
                route.method,
                route.path,
                r.body
            );
        }
        if route.names_one {
            let r = send(route, Some(&outsider), n);
            assert_eq!(
                r.status, 404,
                "another organization's key: {} {}: {}",
                route.method, route.path, r.body
            );
        }
    }
    let audit_after = rt.block_on(app.audit_log(acme.id, 1000, 0)).unwrap().len();
    assert_eq!(
        audit_before, audit_after,
        "a refused request changed something"
    );
    for (n, route) in table.iter().enumerate() {
        let token = &keys.iter().find(|(s, _)| *s == route.need).unwrap().1;
        let r = send(route, Some(token), n);
        assert!(
            (200..300).contains(&r.status),
            "a {} key: {} {}: {} {}",
            route.need.as_str(),
            route.method,
            route.path,
            r.status,
            r.body
        );
    }
}

/// What a key of `scope` may do, by the rule stated once: admin implies all; issue and revoke
/// imply read.
fn caller_allows(scope: ApiScope, need: ApiScope) -> bool {
    scope == need || scope == ApiScope::Admin || need == ApiScope::Read
}

async fn run_api(store: Store) {
    let (app, port) = start(store).await;
    tokio::task::block_in_place(|| api_flow(app, port));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_route_by_scope_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run_api(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_route_by_scope_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run_api(store).await;
}
