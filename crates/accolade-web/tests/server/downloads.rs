//! Downloads of a credential over HTTP, on SQLite and PostgreSQL: the OB 3.0 baked PNG and
//! SVG (from an SVG badge, a PNG badge, and an achievement without an image) and the signed
//! JSON, each an attachment. What is baked is read back with our own reader and verified on
//! the verify page; with ACCOLADE_PYTHON set, independent Python tools (pypng, defusedxml,
//! openbadges-bakery) read the files too; with ACCOLADE_INTEROP=1, the credential they
//! extracted verifies with Digital Bazaar's verifier.

#[path = "downloads_ob2.rs"]
mod ob2;

use super::{Http, node, start};
use accolade_app::{App, NewAchievement, NewAward, NewOrganization};
use accolade_core::{AchievementId, Actor, Award, ImageId, OrgId};
use accolade_credentials::bake::{self, Baked};
use accolade_store::Store;
use std::io::Read;
use std::process::Command;

/// A download: status, headers and the raw bytes.
struct File {
    status: u16,
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

/// Runs `interop/py/{script}` with the Python of ACCOLADE_PYTHON and reads one JSON value
/// per output line; `None` (skipped visibly) when ACCOLADE_PYTHON is not set, a failure
/// under CI.
fn python_json(script: &str, args: &[String]) -> Option<Vec<serde_json::Value>> {
    let python = accolade_testkit::gate::require_var(
        "ACCOLADE_PYTHON",
        &format!("interop/py/{script}"),
        "a Python with interop/py/requirements.txt; scripts/test.sh sets it",
    )?;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../interop/py")
        .join(script);
    let out = Command::new(&python)
        .arg(&path)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{script} printed {l:?} ({e}); stderr: {stderr}"))
        })
        .collect();
    assert!(
        !lines.is_empty(),
        "{script} printed nothing; stderr: {stderr}"
    );
    Some(lines)
}

fn fetch(http: &Http, path: &str) -> File {
    let mut res = http
        .agent
        .get(format!("{}{path}", http.base))
        .call()
        .unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let mut bytes = Vec::new();
    res.body_mut().as_reader().read_to_end(&mut bytes).unwrap();
    File {
        status: res.status().as_u16(),
        content_type,
        disposition,
        bytes,
    }
}

async fn achievement(
    app: &App,
    org: OrgId,
    name: &str,
    image_id: Option<ImageId>,
) -> AchievementId {
    app.create_achievement(
        &Actor::system(),
        NewAchievement {
            org_id: org,
            name: name.into(),
            description: format!("Completed {name}."),
            criteria_narrative: Some("Pass the assessment.".into()),
            image_id,
            ..NewAchievement::default()
        },
    )
    .await
    .unwrap()
    .id
}

async fn award(app: &App, achievement_id: AchievementId, email: &str) -> Award {
    app.award(
        &Actor::system(),
        NewAward {
            achievement_id,
            recipient_email: email.into(),
            recipient_name: Some("Ada Lovelace".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

fn write_tmp(name: &str, bytes: &[u8]) -> String {
    // One folder per test run, one file per call (the run's files are left for inspection).
    let dir = std::env::temp_dir().join(format!("accolade-downloads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{}-{name}", ImageId::new()));
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

/// The baked PNG and SVG of `award` carry its credential, byte for byte, and each verifies
/// on the verify page. Returns the two files.
fn baked_files(http: &Http, award: &Award, stem: &str) -> (Vec<u8>, Vec<u8>) {
    let base = format!("/credentials/{}", award.id);
    let png = fetch(http, &format!("{base}/badge.png"));
    assert_eq!(png.status, 200);
    assert_eq!(png.content_type, "image/png");
    assert_eq!(
        png.disposition,
        format!("attachment; filename=\"{stem}.png\"")
    );
    assert_eq!(
        bake::unbake(&png.bytes).unwrap(),
        Some(Baked::Ob3Json(award.credential.clone()))
    );
    let svg = fetch(http, &format!("{base}/badge.svg"));
    assert_eq!(svg.status, 200);
    assert_eq!(svg.content_type, "image/svg+xml");
    assert_eq!(
        svg.disposition,
        format!("attachment; filename=\"{stem}.svg\"")
    );
    let text = String::from_utf8(svg.bytes.clone()).unwrap();
    assert!(text.contains("xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\""));
    assert_eq!(
        bake::unbake(&svg.bytes).unwrap(),
        Some(Baked::Ob3Json(award.credential.clone()))
    );
    for file in [&png.bytes, &svg.bytes] {
        let page = http.post_verify("", Some(file));
        assert!(
            page.status == 200 && page.body.contains("Valid: authentic"),
            "{}",
            page.body
        );
    }
    (png.bytes, svg.bytes)
}

fn python_reads(http_port: u16, files: &[(&str, &[u8], &str)]) {
    let paths: Vec<String> = files
        .iter()
        .map(|(name, bytes, _)| write_tmp(name, bytes))
        .collect();
    let Some(lines) = python_json("unbake.py", &paths) else {
        return;
    };
    for ((name, _, credential), line) in files.iter().zip(&lines) {
        assert!(line.get("error").is_none(), "{name}: {line}");
        assert_eq!(
            line["ob3"], *credential,
            "{name}: the Python reader differs"
        );
        assert!(
            line["ob2"].is_null(),
            "{name}: an OB 3.0 bake carries no OB 2.0 assertion"
        );
        if super::interop() {
            let json = write_tmp("extracted.json", line["ob3"].as_str().unwrap().as_bytes());
            let host_map = format!("accolade.test=127.0.0.1:{http_port}");
            let (ok, out) = node(
                "verify.mjs",
                &["--check-status", "--host-map", &host_map, &json],
            );
            assert!(
                ok,
                "Digital Bazaar rejected the credential read from {name}: {out}"
            );
        }
    }
}

/// A PDF that parses: with poppler (Debian poppler-utils) when installed, one A4 landscape
/// page and its text; otherwise only its structure (header and trailer).
fn check_pdf(pdf: &[u8], texts: &[&str]) {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let tail = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(32)..]).into_owned();
    assert!(tail.contains("%%EOF"), "the PDF has no trailer");
    let path = write_tmp("certificate.pdf", pdf);
    let poppler = |tool: &str, args: &[&str]| {
        let args = args
            .iter()
            .map(|a| if *a == "FILE" { path.as_str() } else { a });
        let out = Command::new(tool).args(args).output().ok()?;
        assert!(
            out.status.success(),
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    let Some(info) = poppler("pdfinfo", &["FILE"]) else {
        eprintln!(
            "poppler-utils is not installed: the certificate's structure is checked, not its text"
        );
        return;
    };
    assert!(info.contains("Pages: 1"), "{info}");
    assert!(info.contains("Page size: 842 x 595 pts (A4)"), "{info}");
    let text = poppler("pdftotext", &["-layout", "FILE", "-"]).unwrap();
    for t in texts {
        assert!(text.contains(t), "the certificate lacks {t:?}: {text}");
    }
}

async fn story(store: Store) {
    let (app, port) = start(store).await;
    let http = Http::new(port);
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
    let svg = accolade_app::demo::badge_svg("RUST", "ACME", "#1f4e79", "#f2c14e");
    let svg_image = app.add_image(Some(org.id), svg.into_bytes()).await.unwrap();
    let png = app.image_png(svg_image.id, 96).await.unwrap();
    let png_image = app.add_image(Some(org.id), png).await.unwrap();
    assert_eq!(png_image.content_type, "image/png");

    let with_svg = achievement(&app, org.id, "Rust Fundamentals", Some(svg_image.id)).await;
    let with_png = achievement(&app, org.id, "Erste Hilfe: Grundkurs", Some(png_image.id)).await;
    let plain = achievement(&app, org.id, "Safety Basics", None).await;
    let a = award(&app, with_svg, "ada@example.com").await;
    let b = award(&app, with_png, "ada@example.com").await;
    let c = award(&app, plain, "ada@example.com").await;

    let (svg_png, svg_svg, png_png, png_svg, plain_png, plain_svg) =
        tokio::task::block_in_place(|| {
            let (p1, s1) = baked_files(&http, &a, "rust-fundamentals");
            let (p2, s2) = baked_files(&http, &b, "erste-hilfe-grundkurs");
            let (p3, s3) = baked_files(&http, &c, "safety-basics");
            (p1, s1, p2, s2, p3, s3)
        });
    // The PNG badge is baked as it was stored, and wrapped as it is in the SVG.
    let stored = app.image(png_image.id).await.unwrap().bytes;
    assert!(
        png_png.starts_with(&stored[..33]) && png_png.ends_with(&stored[33..]),
        "the stored PNG's chunks are kept as they were, with the credential after IHDR"
    );
    assert!(String::from_utf8_lossy(&png_svg).contains("data:image/png;base64,"));
    // The badge without an image is drawn: a real PNG of the baked size with its name.
    assert_eq!(&plain_png[12..16], b"IHDR");
    assert_eq!(
        u32::from_be_bytes(plain_png[16..20].try_into().unwrap()),
        512
    );
    assert!(String::from_utf8_lossy(&plain_svg).contains("<svg"));

    tokio::task::block_in_place(|| {
        // The signed JSON, as a file.
        let json = fetch(&http, &format!("/credentials/{}/credential.json", a.id));
        assert_eq!(json.status, 200);
        assert_eq!(json.content_type, "application/vc+ld+json");
        assert_eq!(
            json.disposition,
            "attachment; filename=\"rust-fundamentals.json\""
        );
        assert_eq!(json.bytes, a.credential.as_bytes());

        // The printable certificate: a one-page PDF with the texts, dates and the URL.
        let pdf = fetch(&http, &format!("/credentials/{}/certificate.pdf", a.id));
        assert_eq!(pdf.status, 200);
        assert_eq!(pdf.content_type, "application/pdf");
        assert_eq!(
            pdf.disposition,
            "attachment; filename=\"rust-fundamentals-certificate.pdf\""
        );
        check_pdf(
            &pdf.bytes,
            &[
                "Rust Fundamentals",
                "awarded to",
                "Ada Lovelace",
                "by Acme Academy",
                "Issued",
                &format!("accolade.test/credentials/{}", a.id),
            ],
        );

        // The credential page offers them all.
        let page = http.get(&format!("/credentials/{}", a.id), "text/html");
        for file in [
            "badge.png",
            "badge.svg",
            "credential.json",
            "certificate.pdf",
            "badge-ob2.png",
            "badge-ob2.svg",
        ] {
            assert!(
                page.body
                    .contains(&format!("href=\"/credentials/{}/{file}\"", a.id)),
                "the page lacks a link to {file}"
            );
        }

        // Unknown and malformed ids are not found.
        let unknown = format!("/credentials/{}/badge.png", accolade_core::AwardId::new());
        assert_eq!(fetch(&http, &unknown).status, 404);
        assert_eq!(fetch(&http, "/credentials/nope/badge.svg").status, 404);

        python_reads(
            port,
            &[
                ("svg-badge.png", &svg_png, &a.credential),
                ("svg-badge.svg", &svg_svg, &a.credential),
                ("png-badge.png", &png_png, &b.credential),
                ("png-badge.svg", &png_svg, &b.credential),
                ("plain.png", &plain_png, &c.credential),
                ("plain.svg", &plain_svg, &c.credential),
            ],
        );
    });

    // A revoked credential still downloads; its baked badge shows it revoked.
    app.revoke(&Actor::system(), c.id, "Issued in error")
        .await
        .unwrap();
    tokio::task::block_in_place(|| {
        let png = fetch(&http, &format!("/credentials/{}/badge.png", c.id));
        assert_eq!(png.status, 200);
        let page = http.post_verify("", Some(&png.bytes));
        assert!(page.body.contains("Revoked"), "{}", page.body);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn downloads_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    story(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn downloads_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    story(store).await;
}
