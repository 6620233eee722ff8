//! One truth for status, on every surface, over HTTP on SQLite and PostgreSQL: for a
//! revoked, a suspended and an expired badge, the verify page (JSON, VC-JWT, OB 2.0 hosted
//! assertion and baked OB 2.0 PNG of this very instance), the credential page and its
//! link-preview tags, the preview image, the email-signature image, the embed, the PDF
//! certificate, the share panel and the tracked share links all say so; and a reinstated
//! badge is valid again on all of them at once (new ETags). Also "Verify elsewhere", which
//! must lead to a verdict on the genuine badge.

use super::{Browser, Http, Reply, claim_token, claim_with, start};
use accolade_app::{App, NewAchievement, NewAward, NewOrganization};
use accolade_core::{AchievementId, Actor, Award, ExpiryPolicy};
use accolade_store::Store;
use accolade_store::testing::TestGuard;
use std::io::Read;
use time::Duration;

fn get(http: &Http, path: &str) -> Reply {
    tokio::task::block_in_place(|| http.get(path, "text/html"))
}

/// Status, headers that matter here, and the raw body.
struct Bytes {
    status: u16,
    etag: String,
    cache: String,
    location: String,
    body: Vec<u8>,
}

fn get_bytes(http: &Http, path: &str, etag: Option<&str>) -> Bytes {
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
        let (etag, cache, location) = (header("etag"), header("cache-control"), header("location"));
        let mut body = Vec::new();
        res.body_mut().as_reader().read_to_end(&mut body).unwrap();
        Bytes {
            status: res.status().as_u16(),
            etag,
            cache,
            location,
            body,
        }
    })
}

/// An 8-bit RGBA PNG (as the renderer writes them) decoded to its pixels: width, height and
/// rows of RGBA bytes.
fn decode_rgba(png: &[u8]) -> (usize, usize, Vec<u8>) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let (mut at, mut idat, mut size) = (8, Vec::new(), (0, 0));
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind = &png[at + 4..at + 8];
        let data = &png[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                size = (
                    u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize,
                    u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize,
                );
                assert_eq!(
                    (data[8], data[9], data[12]),
                    (8, 6, 0),
                    "RGBA8, not interlaced"
                );
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        at += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .unwrap();
    let (w, h) = size;
    let stride = w * 4;
    let mut out = vec![0u8; stride * h];
    for y in 0..h {
        let filter = raw[y * (stride + 1)];
        let line = &raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)];
        for x in 0..stride {
            let a = if x >= 4 { out[y * stride + x - 4] } else { 0 };
            let b = if y > 0 { out[(y - 1) * stride + x] } else { 0 };
            let c = if x >= 4 && y > 0 {
                out[(y - 1) * stride + x - 4]
            } else {
                0
            };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("PNG filter {f}"),
            };
            out[y * stride + x] = line[x].wrapping_add(predicted);
        }
    }
    (w, h, out)
}

/// Whether the opaque pixels of a region are (nearly) all grey, and how many are opaque.
fn grey_region(png: &[u8], x0: usize, y0: usize, x1: usize, y1: usize) -> (bool, usize) {
    let (w, _, px) = decode_rgba(png);
    let mut opaque = 0;
    let mut grey = true;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = &px[(y * w + x) * 4..(y * w + x) * 4 + 4];
            if p[3] < 200 {
                continue;
            }
            opaque += 1;
            let (max, min) = (p[..3].iter().max().unwrap(), p[..3].iter().min().unwrap());
            if max - min > 12 {
                grey = false;
            }
        }
    }
    (grey, opaque)
}

/// How many pixels of a region are the badge's red (the card behind it is blue).
fn red_pixels(png: &[u8], x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
    let (w, _, px) = decode_rgba(png);
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|(x, y)| {
            let p = &px[(y * w + x) * 4..(y * w + x) * 4 + 4];
            p[3] > 200 && p[0] > 150 && p[1] < 110 && p[2] < 110
        })
        .count()
}

fn pixel(png: &[u8], x: usize, y: usize) -> [u8; 3] {
    let (w, _, px) = decode_rgba(png);
    let p = &px[(y * w + x) * 4..(y * w + x) * 4 + 3];
    [p[0], p[1], p[2]]
}

/// The text of a PDF, with poppler's pdftotext; `None` when poppler is not installed.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("accolade-status-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.pdf", accolade_core::ImageId::new()));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .ok()?;
    assert!(out.status.success());
    Some(
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

async fn setup(app: &App) -> (AchievementId, AchievementId) {
    let org = app
        .create_org(NewOrganization {
            name: "Harbor Institute".into(),
            url: "https://harbor.example".into(),
            email: None,
            description: None,
            slug: Some("harbor".into()),
        })
        .await
        .unwrap();
    // A colourful badge, so that grey is a change anyone can measure.
    let svg = accolade_app::demo::badge_svg("SAIL", "HBR", "#c0392b", "#2e86de");
    let image = app.add_image(Some(org.id), svg.into_bytes()).await.unwrap();
    let achievement = |name: &str, expiry| NewAchievement {
        org_id: org.id,
        name: name.into(),
        description: "Sailing safely.".into(),
        criteria_narrative: Some("Pass the practical.".into()),
        image_id: Some(image.id),
        expiry,
        ..NewAchievement::default()
    };
    let yearly = app
        .create_achievement(
            &Actor::system(),
            achievement("Coastal Skipper", ExpiryPolicy::MonthsAfterIssue(12)),
        )
        .await
        .unwrap();
    let monthly = app
        .create_achievement(
            &Actor::system(),
            achievement("Night Watch", ExpiryPolicy::MonthsAfterIssue(1)),
        )
        .await
        .unwrap();
    (yearly.id, monthly.id)
}

async fn issue(app: &App, achievement: AchievementId, days_ago: i64) -> Award {
    let now = app.clock().now();
    app.award(
        &Actor::system(),
        NewAward {
            achievement_id: achievement,
            recipient_email: "sam@example.com".into(),
            recipient_name: Some("Sam Sailor".into()),
            issued_at: Some(now - Duration::days(days_ago)),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// What every surface shows of one award, for comparison before and after a change.
struct Surfaces {
    /// The page as anyone sees it (kept, with a tag).
    page: Reply,
    /// The page as the badge's owner sees it, with the share tools.
    owner: Reply,
    page_etag: String,
    og: Bytes,
    signature: Bytes,
    embed: Reply,
    pdf: Bytes,
    verified: Reply,
}

fn surfaces(http: &Http, owner: &mut Browser<'_>, award: &Award) -> Surfaces {
    let id = award.id;
    let page = get(http, &format!("/credentials/{id}"));
    assert_eq!(page.status, 200, "{}", page.body);
    // Share buttons are the owner's tools: nobody else is offered them.
    assert!(!page.body.contains(&format!("/s/{id}/")), "{}", page.body);
    let owner = owner.get(&format!("/credentials/{id}"));
    assert_eq!(owner.status, 200, "{}", owner.body);
    let page_etag = page.header("etag").unwrap().to_owned();
    let og = get_bytes(http, &format!("/credentials/{id}/og.png"), None);
    assert_eq!(og.status, 200);
    let signature = get_bytes(http, &format!("/credentials/{id}/signature.png"), None);
    assert_eq!(signature.status, 200);
    let embed = get(http, &format!("/embed/{id}"));
    assert_eq!(embed.status, 200);
    let pdf = get_bytes(http, &format!("/credentials/{id}/certificate.pdf"), None);
    assert_eq!(pdf.status, 200);
    let verified = tokio::task::block_in_place(|| http.post_verify(&award.credential, None));
    assert_eq!(verified.status, 200);
    Surfaces {
        page,
        owner,
        page_etag,
        og,
        signature,
        embed,
        pdf,
        verified,
    }
}

/// Everything says the badge is valid: the share panel offers every channel.
fn assert_valid(http: &Http, award: &Award, s: &Surfaces) {
    let id = award.id;
    let page_url = format!("{}/credentials/{id}", super::PUBLIC);
    assert!(
        s.page.body.contains("banner banner-good"),
        "{}",
        s.page.body
    );
    assert!(s.page.body.contains(&format!(
        r#"<meta property="og:image" content="{page_url}/og.png">"#
    )));
    for channel in ["linkedin-profile", "linkedin", "x", "facebook", "email"] {
        assert!(
            s.owner
                .body
                .contains(&format!(r#"href="/s/{id}/{channel}""#)),
            "{channel} missing"
        );
    }
    assert!(!s.owner.body.contains("share-withheld"));
    assert!(
        s.embed.body.contains(r#"data-status="active">Verified<"#),
        "{}",
        s.embed.body
    );
    // The badge in colour: the preview's badge area and the signature picture.
    assert!(red_pixels(&s.og.body, 80, 95, 520, 250) > 1000);
    assert!(!grey_region(&s.signature.body, 0, 0, 96, 40).0);
    if let Some(text) = pdf_text(&s.pdf.body) {
        assert!(!text.contains("NOT VALID"), "{text}");
    }
    assert!(
        s.verified.body.contains("Valid: authentic"),
        "{}",
        s.verified.body
    );
    assert_verify_result(award, &s.verified.body);
    let to = get_bytes(http, &format!("/s/{id}/linkedin-profile"), None);
    assert_eq!(to.status, 303);
    assert!(
        to.location
            .starts_with("https://www.linkedin.com/profile/add?"),
        "{}",
        to.location
    );
}

/// Everything says the badge is `state` ("revoked", "suspended", "expired"), with `word`
/// ("REVOKED") on pictures and prints and the `reason` where there is one.
fn assert_marked(http: &Http, award: &Award, s: &Surfaces, state: &str, reason: Option<&str>) {
    let id = award.id;
    let page_url = format!("{}/credentials/{id}", super::PUBLIC);
    let word = state.to_uppercase();
    let title = format!("{}{}", &state[..1].to_uppercase(), &state[1..]);
    // The page, and what link previews read of it.
    assert!(
        s.page.body.contains(&format!(">{title}<")),
        "{}",
        s.page.body
    );
    assert!(!s.page.body.contains("banner banner-good"));
    assert!(s.page.body.contains(&format!(
        r#"<meta property="og:image" content="{page_url}/og.png?status={state}">"#
    )));
    assert!(
        s.page.body.contains(&format!(
            r#"<meta property="og:title" content="{title}: Coastal Skipper"#
        )) || s.page.body.contains(&format!(
            r#"<meta property="og:title" content="{title}: Night Watch"#
        )),
        "{}",
        s.page.body
    );
    if let Some(r) = reason {
        let description = s
            .page
            .body
            .split(r#"<meta property="og:description" content=""#)
            .nth(1)
            .unwrap();
        assert!(description.split('"').next().unwrap().contains(r));
    }
    // The share panel: no add-to-profile, no posts; the reason why; email and link stay.
    for channel in ["linkedin-profile", "linkedin", "x", "facebook"] {
        assert!(
            !s.owner
                .body
                .contains(&format!(r#"href="/s/{id}/{channel}""#)),
            "{channel} offered for a {state} badge"
        );
    }
    assert!(s.owner.body.contains(&format!(r#"href="/s/{id}/email""#)));
    assert!(s.owner.body.contains(r#"class="share-withheld""#));
    // The tracked links no longer lead to LinkedIn, X or Facebook, but to the page.
    for channel in ["linkedin-profile", "linkedin", "x", "facebook"] {
        let to = get_bytes(http, &format!("/s/{id}/{channel}"), None);
        assert_eq!(to.status, 303);
        assert_eq!(to.location, page_url, "{channel}");
    }
    // The embed: greyed, with the word.
    assert!(
        s.embed
            .body
            .contains(&format!(r#"data-status="{state}">{title}<"#)),
        "{}",
        s.embed.body
    );
    assert!(s.embed.body.contains(&format!("embed-card embed-{state}")));
    // The pictures: the badge in grey; always revalidated.
    assert_eq!(
        red_pixels(&s.og.body, 80, 95, 520, 250),
        0,
        "the preview's badge is not grey"
    );
    let (grey, opaque) = grey_region(&s.signature.body, 0, 0, 96, 40);
    assert!(grey && opaque > 100, "the signature badge is not grey");
    let rule = pixel(&s.og.body, 600, 624);
    let expected = if state == "revoked" {
        [0xb3, 0x26, 0x1e]
    } else {
        [0x9a, 0x5b, 0x00]
    };
    assert_eq!(rule, expected, "the preview's bottom rule");
    assert_eq!(s.og.cache, "no-cache");
    assert_eq!(s.signature.cache, "no-cache");
    // The certificate carries the word, and the reason.
    match pdf_text(&s.pdf.body) {
        Some(text) => {
            assert!(
                text.contains(&format!("{word} · THIS CREDENTIAL IS NOT VALID")),
                "{text}"
            );
            if let Some(r) = reason {
                assert!(text.contains(r), "{text}");
            }
        }
        None => eprintln!("poppler-utils is not installed: the certificate's text is not read"),
    }
    // The verify page of this instance: not valid, for this very reason.
    assert!(
        s.verified.body.contains(&format!("{title}: ")),
        "{}",
        s.verified.body
    );
    assert!(!s.verified.body.contains("Valid: authentic"));
    assert!(!s.verified.body.contains("banner banner-good"));
    assert_verify_result(award, &s.verified.body);
    if let Some(r) = reason {
        // The issuer's reason, under the verdict, as the instance recorded it.
        let detail = format!(r#"<p class="report-status-detail">{title} by the issuer on "#);
        assert!(s.verified.body.contains(&detail), "{}", s.verified.body);
        assert!(s.verified.body.contains(&format!(": {r}</p>")));
    }
}

/// The verify page's result for one of this instance's badges: first on the page, where
/// the form sends the reader back to (`#result`), with the recipient, readable dates and
/// a link to the badge's page.
fn assert_verify_result(award: &Award, body: &str) {
    let result = body.find(r#"<section class="section report" id="result""#);
    let form = body.find(r#"<form method="post" action="/verify#result""#);
    assert!(
        matches!((result, form), (Some(r), Some(f)) if r < f),
        "{body}"
    );
    assert!(
        body.contains("<dt>Recipient</dt><dd>Sam Sailor</dd>"),
        "{body}"
    );
    assert!(body.contains("<dt>Valid from</dt><dd>"), "{body}");
    let page = format!("{}/credentials/{}", super::PUBLIC, award.id);
    assert!(
        body.contains(&format!(
            r#"<a class="button button-secondary" href="{page}">"#
        )),
        "{body}"
    );
}

/// The verify page on this instance's own OB 2.0 hosted assertion, by URL and as the baked
/// OB 2.0 PNG.
fn verify_ob2(http: &Http, award: &Award) -> (Reply, Reply) {
    let url = format!("{}/ob2/assertions/{}", super::PUBLIC, award.id);
    let by_url = get(http, &format!("/verify?url={url}"));
    let png = get_bytes(
        http,
        &format!("/credentials/{}/badge-ob2.png", award.id),
        None,
    );
    assert_eq!(png.status, 200);
    let baked = tokio::task::block_in_place(|| http.post_verify("", Some(&png.body)));
    (by_url, baked)
}

/// A running server with two badges: one valid for a year, one for a month.
struct World {
    app: std::sync::Arc<App>,
    http: Http,
    yearly: AchievementId,
    monthly: AchievementId,
    /// Deletes the database when the test ends.
    _guard: TestGuard,
}

async fn world((store, guard): (Store, TestGuard)) -> World {
    let (app, port) = start(store).await;
    let (yearly, monthly) = setup(&app).await;
    World {
        app,
        http: Http::new(port),
        yearly,
        monthly,
        _guard: guard,
    }
}

/// "Verify elsewhere" leads to a verdict on the genuine badge: the link carries the
/// credential's absolute URL, and the verify page also reads this instance's own paths.
async fn verify_elsewhere(w: &World) {
    let active = issue(&w.app, w.yearly, 0).await;
    let page = get(&w.http, &format!("/credentials/{}", active.id));
    let link = format!(
        "/verify?url=https%3A%2F%2Faccolade.test%2Fcredentials%2F{}",
        active.id
    );
    assert!(
        page.body.contains(&format!(r#"href="{link}""#)),
        "{}",
        page.body
    );
    let elsewhere = get(&w.http, &link);
    assert!(
        elsewhere.body.contains("Valid: authentic"),
        "{}",
        elsewhere.body
    );
    let relative = get(&w.http, &format!("/verify?url=/credentials/{}", active.id));
    assert!(
        relative.body.contains("Valid: authentic"),
        "{}",
        relative.body
    );
    // A scheme-relative address is not one of ours.
    let other = get(&w.http, "/verify?url=//elsewhere.example/credentials/1");
    assert!(!other.body.contains("Valid: authentic"));
}

/// This instance's own OB 2.0 hosted assertions verify on its verify page, by URL and as
/// baked OB 2.0 PNGs; a revoked one is reported revoked, a suspended one suspended.
async fn own_ob2(w: &World) {
    let (http, app) = (&w.http, &w.app);
    let active = issue(app, w.yearly, 0).await;
    let suspended = issue(app, w.yearly, 0).await;
    let revoked = issue(app, w.yearly, 0).await;
    let (by_url, baked) = verify_ob2(http, &active);
    for r in [&by_url, &baked] {
        assert!(!r.body.contains("could not be fetched"), "{}", r.body);
        assert!(r.body.contains("banner banner-good"), "{}", r.body);
    }
    app.suspend(&Actor::system(), suspended.id, Some("Under review"))
        .await
        .unwrap();
    app.revoke(&Actor::system(), revoked.id, "Issued in error")
        .await
        .unwrap();
    // OB 2.0 says "revoked" for a suspension; this instance knows it is a suspension.
    let (by_url, baked) = verify_ob2(http, &suspended);
    for r in [&by_url, &baked] {
        assert!(r.body.contains(">Suspended<"), "{}", r.body);
        assert!(!r.body.contains("banner banner-good"));
    }
    let (by_url, baked) = verify_ob2(http, &revoked);
    for r in [&by_url, &baked] {
        assert!(r.body.contains(">Revoked<"), "{}", r.body);
        assert!(!r.body.contains("could not be fetched"), "{}", r.body);
    }
    // The public route agrees: gone, and marked revoked.
    let gone = get_bytes(http, &format!("/ob2/assertions/{}", revoked.id), None);
    assert_eq!(gone.status, 410);
    let doc: serde_json::Value = serde_json::from_slice(&gone.body).unwrap();
    assert_eq!(doc["revoked"], true);
    app.reinstate(&Actor::system(), suspended.id).await.unwrap();
    let (by_url, _) = verify_ob2(http, &suspended);
    assert!(
        by_url.body.contains("banner banner-good"),
        "{}",
        by_url.body
    );
}

/// A suspended badge of this instance is not valid on its own verify page, in the JSON
/// and VC-JWT forms: a failed Status check, flagged suspended, from the one verify entry
/// point (which the pages, the import and the embeds use).
async fn suspension_in_verdicts(w: &World) {
    let (http, app) = (&w.http, &w.app);
    let suspended = issue(app, w.yearly, 0).await;
    app.suspend(&Actor::system(), suspended.id, Some("Under review"))
        .await
        .unwrap();
    let page = tokio::task::block_in_place(|| http.post_verify(&suspended.credential, None));
    assert!(page.body.contains(">Suspended<"), "{}", page.body);
    assert!(!page.body.contains("Valid: authentic"));
    let report = app
        .verify(suspended.credential.clone().into_bytes(), None)
        .await;
    assert!(!report.is_valid());
    assert!(report.flags.suspended && !report.flags.revoked);
    assert!(report.failures().any(|c| {
        c.check == accolade_credentials::verify::CheckKind::Status
            && c.message.contains("Under review")
    }));
    let jwt = get_bytes(
        http,
        &format!("/credentials/{}/credential.jwt", suspended.id),
        None,
    );
    let report = app.verify(jwt.body, None).await;
    assert!(!report.is_valid() && report.flags.suspended, "{report:?}");
    // The backpack import: stored as not valid, suspended.
    let user = app
        .sign_up(
            "sam@example.com",
            "Sam Sailor",
            "correct horse battery staple",
        )
        .await
        .unwrap();
    let imported = app
        .import_badge(
            &Actor::system(),
            &user,
            accolade_app::earner_imports::ImportInput::Text(suspended.credential.clone()),
        )
        .await
        .unwrap();
    assert!(!imported.is_verified() && imported.report.flags.suspended);
    assert_eq!(imported.record.verdict, "invalid");
    // A copy altered so that it is no longer ours does not take our award's status (and
    // fails on its own signature).
    let altered = suspended
        .credential
        .replace("Coastal Skipper", "Coastal Master");
    let report = app.verify(altered.into_bytes(), None).await;
    assert!(!report.is_valid() && !report.flags.suspended);
    app.reinstate(&Actor::system(), suspended.id).await.unwrap();
    let report = app
        .verify(suspended.credential.clone().into_bytes(), None)
        .await;
    assert!(report.is_valid(), "{report:?}");
}

/// Revoked, suspended and expired badges tell their status on every surface; a status
/// change shows on all of them at once, and reinstating restores them.
async fn every_surface(w: &World) {
    let (http, app) = (&w.http, &w.app);
    let suspended = issue(app, w.yearly, 0).await;
    let revoked = issue(app, w.yearly, 0).await;
    let expired = issue(app, w.monthly, 60).await;
    let (mut sam, _) = super::accounts::sign_up(http, "Sam Sailor", "sam.sailor@example.com");
    for award in [&suspended, &revoked, &expired] {
        claim_with(&mut sam, &claim_token(app, award).await);
    }

    let before = surfaces(http, &mut sam, &suspended);
    assert_valid(http, &suspended, &before);
    let og_tag = before.og.etag.clone();

    app.suspend(&Actor::system(), suspended.id, Some("Under review"))
        .await
        .unwrap();
    app.revoke(&Actor::system(), revoked.id, "Issued in error")
        .await
        .unwrap();

    let s = surfaces(http, &mut sam, &suspended);
    assert_ne!(s.page_etag, before.page_etag);
    assert_ne!(s.og.etag, og_tag);
    assert_ne!(s.signature.etag, before.signature.etag);
    assert_eq!(
        get_bytes(
            http,
            &format!("/credentials/{}/og.png", suspended.id),
            Some(&og_tag)
        )
        .status,
        200,
        "the old preview's tag must not match"
    );
    assert_marked(http, &suspended, &s, "suspended", Some("Under review"));

    let r = surfaces(http, &mut sam, &revoked);
    assert_marked(http, &revoked, &r, "revoked", Some("Issued in error"));

    let e = surfaces(http, &mut sam, &expired);
    assert_marked(http, &expired, &e, "expired", None);

    app.reinstate(&Actor::system(), suspended.id).await.unwrap();
    let after = surfaces(http, &mut sam, &suspended);
    assert_ne!(after.page_etag, s.page_etag);
    assert_ne!(after.og.etag, s.og.etag);
    assert_ne!(after.signature.etag, s.signature.etag);
    assert_valid(http, &suspended, &after);

    // Only the two add-to-profile clicks made while it was valid were counted; the four
    // withheld clicks while it was suspended were not.
    app.flush_events().await;
    let totals = app.award_totals(suspended.id).await.unwrap();
    assert_eq!((totals.linkedin_adds, totals.shares), (2, 2), "{totals:?}");
    assert_eq!(
        totals.shares_by_channel.keys().collect::<Vec<_>>(),
        ["linkedin-profile"]
    );
}

async fn sqlite() -> World {
    world(
        accolade_store::testing::fresh_sqlite()
            .await
            .unwrap()
            .into_parts(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verify_elsewhere_on_sqlite() {
    verify_elsewhere(&sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn own_ob2_on_sqlite() {
    own_ob2(&sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn suspension_in_verdicts_on_sqlite() {
    suspension_in_verdicts(&sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_surface_on_sqlite() {
    every_surface(&sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn status_surfaces_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let w = world(t.into_parts()).await;
    verify_elsewhere(&w).await;
    own_ob2(&w).await;
    suspension_in_verdicts(&w).await;
    every_surface(&w).await;
}
