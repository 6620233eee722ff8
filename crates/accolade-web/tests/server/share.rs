//! Sharing and previews over HTTP, on SQLite and PostgreSQL: the credential page's share
//! panel and its Open Graph / Twitter card tags; tracked share redirects (LinkedIn's
//! add-to-profile form filled in, posts, email), counted per channel; the embed, frameable
//! by any site, escaping hostile text and showing the status live (revoked, expired); the
//! QR code; the preview images of credentials and issuers.

use super::{Browser, Http, Reply, claim_token, claim_with, hidden_csrf, start};
use accolade_app::analytics::EventTotals;
use accolade_app::{App, NewAchievement, NewAward, NewOrganization};
use accolade_core::{AchievementId, Actor, Award, Email, ExpiryPolicy, Membership, OrgId, Role};
use accolade_store::Store;
use std::io::Read;
use time::Duration;

fn get(http: &Http, path: &str) -> Reply {
    tokio::task::block_in_place(|| http.get(path, "text/html"))
}

/// A response with a binary body: status, content type, ETag, bytes.
fn get_bytes(http: &Http, path: &str, etag: Option<&str>) -> (u16, String, String, Vec<u8>) {
    tokio::task::block_in_place(|| {
        let mut req = http.agent.get(format!("{}{path}", http.base));
        if let Some(tag) = etag {
            req = req.header("If-None-Match", tag);
        }
        let mut res = req.call().unwrap();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let (content_type, tag) = (header("content-type"), header("etag"));
        let mut body = Vec::new();
        res.body_mut().as_reader().read_to_end(&mut body).unwrap();
        (res.status().as_u16(), content_type, tag, body)
    })
}

fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    (
        u32::from_be_bytes(png[16..20].try_into().unwrap()),
        u32::from_be_bytes(png[20..24].try_into().unwrap()),
    )
}

fn param(url: &str, name: &str) -> Option<String> {
    url.split_once('?')?
        .1
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

async fn setup(app: &App) -> (OrgId, AchievementId, AchievementId) {
    let org = app
        .create_org(NewOrganization {
            name: "Umbrella <College> & Co".into(),
            url: "https://umbrella.example".into(),
            email: None,
            description: None,
            slug: Some("umbrella".into()),
        })
        .await
        .unwrap();
    let svg = accolade_app::demo::badge_svg("SAFE", "UMB", "#1f4e79", "#f2c14e");
    let image = app.add_image(Some(org.id), svg.into_bytes()).await.unwrap();
    let achievement = |name: &str, expiry| NewAchievement {
        org_id: org.id,
        name: name.into(),
        description: "Safety first.".into(),
        criteria_narrative: Some("Pass the assessment.".into()),
        image_id: Some(image.id),
        expiry,
        ..NewAchievement::default()
    };
    let hostile = app
        .create_achievement(
            &Actor::system(),
            achievement(
                "Safety <img src=x onerror=alert(1)> \"Level\" 2",
                ExpiryPolicy::MonthsAfterIssue(12),
            ),
        )
        .await
        .unwrap();
    let short = app
        .create_achievement(
            &Actor::system(),
            achievement("Fire Drill", ExpiryPolicy::MonthsAfterIssue(1)),
        )
        .await
        .unwrap();
    (org.id, hostile.id, short.id)
}

async fn issue(app: &App, achievement: AchievementId, days_ago: i64) -> Award {
    let now = app.clock().now();
    app.award(
        &Actor::system(),
        NewAward {
            achievement_id: achievement,
            recipient_email: "ada@example.com".into(),
            recipient_name: Some("Ada <b>Lovelace</b>".into()),
            issued_at: Some(now - Duration::days(days_ago)),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn story(store: Store) {
    let (app, port) = start(store).await;
    let http = Http::new(port);
    let (org, hostile, short) = setup(&app).await;
    let award = issue(&app, hostile, 0).await;
    let expired = issue(&app, short, 60).await;
    let id = award.id.to_string();
    let page_url = format!("{}/credentials/{id}", super::PUBLIC);

    // Anyone: the page's link to share, none of the owner's tools.
    let public = get(&http, &format!("/credentials/{id}"));
    assert_eq!(public.status, 200, "{}", public.body);
    assert!(public.body.contains(&format!(r#"value="{page_url}""#)));
    for tool in [
        "/linkedin-profile\"",
        "share-embed",
        "share-signature",
        "/qr.svg\"",
    ] {
        assert!(!public.body.contains(tool), "{tool} on the public page");
    }
    // The owner, signed in: share panel, preview tags with absolute URLs, still not
    // frameable.
    let (mut owner, _) = super::accounts::sign_up(&http, "Ada Lovelace", "ada.l@example.com");
    claim_with(&mut owner, &claim_token(&app, &award).await);
    let page = owner.get(&format!("/credentials/{id}"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    for expected in [
        format!(r#"<meta property="og:image" content="{page_url}/og.png">"#),
        format!(r#"<meta name="twitter:image" content="{page_url}/og.png">"#),
        r#"<meta name="twitter:card" content="summary_large_image">"#.to_owned(),
        format!(r#"<meta property="og:url" content="{page_url}">"#),
        format!(r#"href="/s/{id}/linkedin-profile""#),
        format!(r#"href="/s/{id}/x""#),
        format!(r#"value="{page_url}""#),
        format!(r#"src="/credentials/{id}/qr.svg""#),
        format!("&lt;iframe src=&quot;{}/embed/{id}&quot;", super::PUBLIC),
        "/static/js/share.js?v=".to_owned(),
    ] {
        assert!(page.body.contains(&expected), "{expected} missing");
    }
    assert!(!page.body.contains("<img src=x"), "hostile name unescaped");
    let script = get(&http, "/static/js/share.js");
    assert_eq!(script.status, 200);

    // Share redirects: counted, then on to the right place.
    let go = |channel: &str| {
        let r = get(&http, &format!("/s/{id}/{channel}"));
        assert_eq!(r.status, 303, "{channel}: {}", r.body);
        r.header("location").unwrap().to_owned()
    };
    let linkedin = go("linkedin-profile");
    assert!(
        linkedin.starts_with("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&")
    );
    let encoded_url = page_url.replace(':', "%3A").replace('/', "%2F");
    let issued = award.issued_at;
    let expires = award.valid_until.unwrap();
    for (k, v) in [
        (
            "name",
            "Safety%20%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%22Level%22%202".to_owned(),
        ),
        (
            "organizationName",
            "Umbrella%20%3CCollege%3E%20%26%20Co".to_owned(),
        ),
        ("issueYear", issued.year().to_string()),
        ("issueMonth", u8::from(issued.month()).to_string()),
        ("expirationYear", expires.year().to_string()),
        ("expirationMonth", u8::from(expires.month()).to_string()),
        ("certUrl", encoded_url.clone()),
        ("certId", id.clone()),
    ] {
        assert_eq!(param(&linkedin, k), Some(v), "{k} in {linkedin}");
    }
    assert_eq!(
        go("linkedin"),
        format!("https://www.linkedin.com/sharing/share-offsite/?url={encoded_url}")
    );
    assert_eq!(
        go("facebook"),
        format!("https://www.facebook.com/sharer/sharer.php?u={encoded_url}")
    );
    assert_eq!(param(&go("x"), "url"), Some(encoded_url.clone()));
    assert_eq!(param(&go("x"), "url"), Some(encoded_url.clone()));
    assert!(go("email").starts_with("mailto:?subject=Safety"));
    assert_eq!(get(&http, &format!("/s/{id}/myspace")).status, 404);
    assert_eq!(get(&http, "/s/not-an-id/x").status, 404);
    assert_eq!(
        get(&http, &format!("/s/{}/x", accolade_core::AwardId::new())).status,
        404
    );

    // The embed: frameable by any site, escaped, live.
    let embed = get(&http, &format!("/embed/{id}"));
    assert_eq!(embed.status, 200, "{}", embed.body);
    assert_eq!(embed.header("x-frame-options"), None);
    let csp = embed.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors *"), "{csp}");
    assert!(!csp.contains("script-src"), "{csp}");
    assert!(
        embed.body.contains(r#"data-status="active">Verified<"#),
        "{}",
        embed.body
    );
    assert!(
        embed
            .body
            .contains("Safety &lt;img src=x onerror=alert(1)&gt;")
    );
    assert!(embed.body.contains("Umbrella &lt;College&gt; &amp; Co"));
    assert!(embed.body.contains("Ada &lt;b&gt;Lovelace&lt;/b&gt;"));
    assert!(!embed.body.contains("<img src=x") && !embed.body.contains("<b>"));
    assert!(embed.body.contains(&format!(r#"href="{page_url}""#)));
    app.revoke(&Actor::system(), award.id, "Issued in error")
        .await
        .unwrap();
    let embed = get(&http, &format!("/embed/{id}"));
    assert!(
        embed.body.contains(r#"data-status="revoked">Revoked<"#),
        "{}",
        embed.body
    );
    let old = get(&http, &format!("/embed/{}", expired.id));
    assert!(
        old.body.contains(r#"data-status="expired">Expired<"#),
        "{}",
        old.body
    );
    assert_eq!(get(&http, "/embed/nope").status, 404);

    // Counted: one view of the page, five channels (x twice), three embeds.
    app.flush_events().await;
    let totals = app.award_totals(award.id).await.unwrap();
    assert_eq!(
        totals,
        EventTotals {
            views: 1,
            linkedin_adds: 1,
            embed_impressions: 2,
            shares: 6,
            shares_by_channel: [
                ("email", 1),
                ("facebook", 1),
                ("linkedin", 1),
                ("linkedin-profile", 1),
                ("x", 2),
            ]
            .into_iter()
            .map(|(c, n)| (c.to_owned(), n))
            .collect(),
            ..EventTotals::default()
        }
    );
    // A check on the verify page counts as a verification of the credential.
    let verified = tokio::task::block_in_place(|| http.post_verify(&award.credential, None));
    assert_eq!(verified.status, 200);
    app.flush_events().await;
    assert_eq!(app.award_totals(award.id).await.unwrap().verifications, 1);

    // The QR code encodes the page's address.
    let (status, content_type, tag, svg) =
        get_bytes(&http, &format!("/credentials/{id}/qr.svg"), None);
    assert_eq!((status, content_type.as_str()), (200, "image/svg+xml"));
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
    let expected = qrcode::QrCode::with_error_correction_level(&page_url, qrcode::EcLevel::M)
        .unwrap()
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .build();
    assert_eq!(svg, expected);
    assert_eq!(
        get_bytes(&http, &format!("/credentials/{id}/qr.svg"), Some(&tag)).0,
        304
    );

    // Preview images: 1200×630 PNGs, revalidated by ETag.
    let (status, content_type, tag, png) =
        get_bytes(&http, &format!("/credentials/{id}/og.png"), None);
    assert_eq!((status, content_type.as_str()), (200, "image/png"));
    assert_eq!(png_size(&png), (1200, 630));
    assert!(!tag.is_empty());
    assert_eq!(
        get_bytes(&http, &format!("/credentials/{id}/og.png"), Some(&tag)).0,
        304
    );
    assert_eq!(get_bytes(&http, "/credentials/nope/og.png", None).0, 404);
    let issuer = get(&http, "/issuers/umbrella");
    let issuer_image = format!("{}/issuers/umbrella/og.png", super::PUBLIC);
    assert!(issuer.body.contains(&format!(
        r#"<meta property="og:image" content="{issuer_image}">"#
    )));
    let (status, _, _, png) = get_bytes(&http, "/issuers/umbrella/og.png", None);
    assert_eq!(status, 200);
    assert_eq!(png_size(&png), (1200, 630));

    // The award above is revoked now, and a revoked badge has no add-to-profile link: the
    // LinkedIn id is checked on a current one.
    let current = issue(&app, hostile, 0).await.id.to_string();
    tokio::task::block_in_place(|| workspace(&app, &http, org, &id, &current));
}

/// The issuer's totals per award and per badge, and the LinkedIn id in the settings.
fn workspace(app: &App, http: &Http, org: OrgId, id: &str, current: &str) {
    let rt = tokio::runtime::Handle::current();
    let mut admin = Browser::new(http);
    let token = hidden_csrf(&admin.get("/signup").body);
    let done = admin.post(
        "/signup",
        &[
            ("csrf", &token),
            ("name", "Ada Admin"),
            ("email", "admin@umbrella.example"),
            ("password", "correct horse battery staple"),
        ],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    let user = rt
        .block_on(
            app.store()
                .user_by_email(&Email::parse("admin@umbrella.example").unwrap()),
        )
        .unwrap()
        .unwrap();
    rt.block_on(app.store().insert_membership(&Membership {
        user_id: user.id,
        org_id: org,
        role: Role::Admin,
        created_at: app.clock().now(),
    }))
    .unwrap();

    let detail = admin.get(&format!("/dashboard/orgs/umbrella/awards/{id}"));
    assert_eq!(detail.status, 200, "{}", detail.body);
    for expected in [
        "<dt>Views</dt><dd>1</dd>",
        "<dt>Verifications</dt><dd>1</dd>",
        "<dt>Share clicks</dt><dd>6</dd>",
        "<dt>LinkedIn adds</dt><dd>1</dd>",
        "<dt>Embed views</dt><dd>2</dd>",
        "Post on X: 2",
    ] {
        assert!(detail.body.contains(expected), "{expected} missing");
    }
    let list = admin.get("/dashboard/orgs/umbrella/achievements");
    assert_eq!(list.status, 200);
    assert!(
        list.body
            .contains("1 views · 1 verifications · 6 share clicks · 1 LinkedIn adds"),
        "{}",
        list.body
    );

    // The organization's LinkedIn id, set in the settings, replaces its name.
    let settings = admin.get("/dashboard/orgs/umbrella/settings");
    assert!(settings.body.contains("LinkedIn organization id"));
    let csrf = hidden_csrf(&settings.body);
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("name", "Umbrella <College> & Co"),
        ("url", "https://umbrella.example"),
        ("linkedin_org_id", "not a number"),
    ];
    let refused = admin.post("/dashboard/orgs/umbrella/settings", &form);
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains(r#"value="not a number""#));
    form[3] = ("linkedin_org_id", "4242");
    let saved = admin.post("/dashboard/orgs/umbrella/settings", &form);
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains(r#"value="4242""#));
    let r = admin.get(&format!("/s/{current}/linkedin-profile"));
    let to = r.header("location").unwrap();
    assert_eq!(param(to, "organizationId").as_deref(), Some("4242"));
    assert_eq!(param(to, "organizationName"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn share_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn share_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    story(store).await;
}
