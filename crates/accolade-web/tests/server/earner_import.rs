//! Importing badges over HTTP, on SQLite and PostgreSQL: a signed-in earner imports an OB 2.0
//! hosted assertion by URL (served by a local issuer site), a revoked one (410), a baked
//! OB 2.0 PNG, an OB 3.0 credential pasted as JSON and uploaded baked in a PNG, a VC-JWT in an
//! SVG and a pasted JWT; each is stored with its report, unverifiable ones marked. Hostile
//! input (oversize, decompression bombs, non-images, deep JSON, huge JWTs, private addresses)
//! is refused with a message and nothing is stored; one account never sees another's imports.

use super::accounts::{location, sign_up};
use super::{Browser, Http, Reply, hidden_csrf};
use accolade_app::App;
use accolade_core::SystemClock;
use accolade_credentials::bake;
use accolade_store::Store;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::json;
use std::sync::Arc;

fn vector(path: &str) -> Vec<u8> {
    let p = format!(
        "{}/../accolade-credentials/tests/vectors/1edtech-validator/ob30/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The server, allowed to fetch from loopback (the local issuer site) but nothing private.
async fn start(store: Store) -> (Arc<App>, u16) {
    let config = super::fixture::config(super::PUBLIC, true);
    let app = Arc::new(super::fixture::app(store, Arc::new(SystemClock), config));
    (app.clone(), super::fixture::serve(app).await)
}

/// Another platform's OB 2.0 site on loopback: an issuer, a badge, assertions 1 and 2, and
/// assertion 3 revoked (410 Gone).
async fn ob2_site() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let b = base.clone();
    let issuer = json!({"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": format!("{b}/issuer"),
        "name": "Other Platform Academy", "url": b, "email": "badges@other.example"});
    let badge = json!({"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": format!("{b}/badge"),
        "name": "Knot Tying", "description": "Ties six knots.", "image": format!("{b}/badge.png"),
        "criteria": {"narrative": "Tie six knots."}, "issuer": format!("{b}/issuer")});
    let assertion = move |n: u32| {
        json!({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": format!("{b}/assertions/{n}"),
            "recipient": {"type": "email", "hashed": true, "salt": "s", "identity": "sha256$00"},
            "badge": format!("{b}/badge"), "verification": {"type": "hosted"}, "issuedOn": "2026-01-01T00:00:00Z"})
        .to_string()
    };
    let (a1, a2) = (assertion(1), assertion(2));
    let router = axum::Router::new()
        .route("/issuer", get(move || async move { issuer.to_string() }))
        .route("/badge", get(move || async move { badge.to_string() }))
        .route("/assertions/1", get(move || async move { a1 }))
        .route("/assertions/2", get(move || async move { a2 }))
        .route(
            "/assertions/3",
            get(|| async { (StatusCode::GONE, "revoked") }),
        );
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    base
}

/// Posts the import form as multipart: text fields and an optional file.
pub(super) fn post_import(
    b: &mut Browser<'_>,
    csrf: &str,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
) -> Reply {
    let boundary = "accolade-import-boundary";
    let mut body = Vec::new();
    let mut part = |name: &str, value: &[u8], file: bool| {
        let disposition = if file {
            format!(
                "form-data; name=\"{name}\"; filename=\"badge\"\r\nContent-Type: application/octet-stream"
            )
        } else {
            format!("form-data; name=\"{name}\"")
        };
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    };
    part("csrf", csrf.as_bytes(), false);
    for (k, v) in fields {
        part(k, v.as_bytes(), false);
    }
    if let Some(f) = file {
        part("file", f, true);
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let res = b
        .http
        .agent
        .post(format!("{}/backpack/import", b.http.base))
        .header("Cookie", b.cookie_header())
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&body[..])
        .unwrap();
    b.absorb(&res);
    Http::reply(res)
}

/// Imports and opens the stored badge's page.
fn import_ok(
    b: &mut Browser<'_>,
    csrf: &str,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
) -> (String, Reply) {
    let done = post_import(b, csrf, fields, file);
    assert_eq!(done.status, 303, "{}", done.body);
    let at = location(&done);
    assert!(at.starts_with("/backpack/imports/"), "{at}");
    let page = b.get(&at);
    assert_eq!(page.status, 200, "{}", page.body);
    (at, page)
}

fn refused(
    b: &mut Browser<'_>,
    csrf: &str,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
    words: &str,
) {
    let r = post_import(b, csrf, fields, file);
    assert!(matches!(r.status, 413 | 422), "{} {}", r.status, r.body);
    assert!(r.body.contains(words), "expected {words:?} in:\n{}", r.body);
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A 1×1 grey PNG with no badge in it.
fn tiny_png() -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&[0, 0]).unwrap();
    let idat = z.finish().unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        png.extend_from_slice(&typed);
        png.extend_from_slice(&crc32(&typed).to_be_bytes());
    };
    chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    chunk(b"IDAT", &idat);
    chunk(b"IEND", &[]);
    png
}

/// `png` with one more chunk just before IEND.
fn with_chunk(png: &[u8], kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let iend = png.len() - 12;
    let mut out = png[..iend].to_vec();
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut typed = kind.to_vec();
    typed.extend_from_slice(data);
    out.extend_from_slice(&typed);
    out.extend_from_slice(&crc32(&typed).to_be_bytes());
    out.extend_from_slice(&png[iend..]);
    out
}

/// A PNG declaring `width`×`height` (every CRC right) with a tiny IDAT.
pub(super) fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let tiny = tiny_png();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut typed = b"IHDR".to_vec();
    typed.extend_from_slice(&ihdr);
    let mut out = tiny[..8].to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&typed);
    out.extend_from_slice(&crc32(&typed).to_be_bytes());
    out.extend_from_slice(&tiny[33..]);
    out
}

/// The types of a PNG's chunks, in order.
fn chunk_types(png: &[u8]) -> Vec<String> {
    let mut rest = &png[8..];
    let mut out = Vec::new();
    while rest.len() >= 12 {
        let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        out.push(String::from_utf8_lossy(&rest[4..8]).into_owned());
        rest = &rest[(12 + len).min(rest.len())..];
    }
    out
}

/// An imported badge's image as served: status, content type, CSP and bytes.
fn imported_image(b: &Browser<'_>, page: &str) -> (u16, String, String, Vec<u8>) {
    use std::io::Read;
    let mut res = b
        .http
        .agent
        .get(format!("{}{page}/image", b.http.base))
        .header("Cookie", b.cookie_header())
        .call()
        .unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map_or(String::new(), |v| v.to_str().unwrap().to_owned())
    };
    let (content_type, csp) = (header("content-type"), header("content-security-policy"));
    let mut body = Vec::new();
    res.body_mut().as_reader().read_to_end(&mut body).unwrap();
    (res.status().as_u16(), content_type, csp, body)
}

fn flow(app: Arc<App>, http: &Http, site: &str) {
    let rt = tokio::runtime::Handle::current();
    // Signed out: sent to sign in and back.
    let mut visitor = Browser::new(http);
    let r = visitor.get("/backpack/import");
    assert_eq!(r.status, 303);
    assert!(location(&r).starts_with("/signin?next=/backpack/import"));

    let (mut ada, _) = sign_up(http, "Ada Lovelace", "ada-import@example.com");
    let page = ada.get("/backpack/import");
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = hidden_csrf(&page.body);

    // An OB 2.0 hosted assertion by URL: fetched, verified and stored.
    let (_, page) = import_ok(
        &mut ada,
        &csrf,
        &[("url", &format!("{site}/assertions/1"))],
        None,
    );
    assert!(
        page.body.contains("Knot Tying") && page.body.contains(">Verified<"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Open Badges 2.0 (hosted assertion)"));
    assert!(page.body.contains("Other Platform Academy"));
    // Revoked (410 Gone): kept, and marked.
    let (_, page) = import_ok(
        &mut ada,
        &csrf,
        &[("url", &format!("{site}/assertions/3"))],
        None,
    );
    assert!(
        page.body.contains(">Not verified<") && page.body.contains("410 Gone"),
        "{}",
        page.body
    );
    // A baked OB 2.0 PNG that points at its hosted assertion.
    let baked =
        bake::bake_png_ob2(&vector("simple-json.png"), &format!("{site}/assertions/2")).unwrap();
    let (image_page, page) = import_ok(&mut ada, &csrf, &[], Some(&baked));
    assert!(
        page.body.contains(">Verified<") && page.body.contains("Baked PNG image"),
        "{}",
        page.body
    );
    // What is served is the picture written again: none of the upload's chunks, so not the
    // baked assertion either (the upload stays the credential's source).
    let (status, content_type, csp, shown) = imported_image(&ada, &image_page);
    assert_eq!((status, content_type.as_str()), (200, "image/png"));
    assert!(csp.contains("sandbox"), "{csp}");
    assert_ne!(shown, baked);
    assert_eq!(chunk_types(&shown), ["IHDR", "IDAT", "IEND"]);
    assert!(!String::from_utf8_lossy(&shown).contains("assertions/2"));

    // An OB 3.0 credential of this instance, pasted as JSON, and baked in a PNG.
    let (_, achievement) = rt.block_on(super::fixture::org_with_badge(
        &app,
        "Import Academy",
        "import-academy",
        "Rope Safety",
    ));
    let award = rt.block_on(super::fixture::issue(
        &app,
        &achievement,
        "ada-import@example.com",
        None,
        None,
    ));
    let (_, page) = import_ok(&mut ada, &csrf, &[("text", &award.credential)], None);
    assert!(
        page.body.contains("Rope Safety") && page.body.contains(">Verified<"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Open Badges 3.0 (Data Integrity proof)"));
    let baked = bake::bake_png(&vector("simple-json.png"), &award.credential).unwrap();
    let (_, page) = import_ok(&mut ada, &csrf, &[], Some(&baked));
    assert!(page.body.contains(">Verified<"), "{}", page.body);
    // A baked SVG carrying a script, handlers, foreignObject and outside references: imported
    // (its credential is genuine), but shown only sanitized and sandboxed.
    let hostile_svg = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40" onload="alert(1)"><script>alert(2)</script><rect width="40" height="40" fill="#369" onclick="alert(3)"/><foreignObject width="9" height="9"><div xmlns="http://www.w3.org/1999/xhtml"><script>alert(4)</script></div></foreignObject><image href="https://tracker.example/p.png" width="5" height="5"/><use xlink:href="https://evil.example/s.svg#x"/><a href="javascript:alert(5)"><circle r="3"/></a><style>rect { fill: url(https://evil.example/f.svg#g) }</style></svg>"##;
    let baked_svg = bake::bake_svg(
        hostile_svg,
        &bake::BakePayload::Json(award.credential.clone()),
    )
    .unwrap();
    let (svg_page, page) = import_ok(&mut ada, &csrf, &[], Some(baked_svg.as_bytes()));
    assert!(page.body.contains(">Verified<"), "{}", page.body);
    let (status, content_type, csp, shown) = imported_image(&ada, &svg_page);
    assert_eq!((status, content_type.as_str()), (200, "image/svg+xml"));
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let shown = String::from_utf8(shown).unwrap();
    for gone in [
        "script",
        "alert",
        "onload",
        "onclick",
        "foreignobject",
        "tracker",
        "evil",
        "javascript",
        "credentialsubject",
    ] {
        assert!(
            !shown.to_lowercase().contains(gone),
            "{gone} served: {shown}"
        );
    }
    assert!(shown.contains("<rect"), "{shown}");

    // A VC-JWT baked in an SVG whose only key is the one in its own header, published by no
    // issuer: anyone could have made it, so it is kept but not verified.
    let (_, page) = import_ok(&mut ada, &csrf, &[], Some(&vector("simple-jwt.svg")));
    assert!(
        page.body.contains("Open Badges 3.0 (VC-JWT)")
            && page.body.contains(">Not verified<")
            && !page.body.contains(">Verified<"),
        "{}",
        page.body
    );
    // A pasted JWT that does not verify (a pre-release context): kept and marked.
    let jwt = String::from_utf8(vector("simple.jwt")).unwrap();
    let (unverified, page) = import_ok(&mut ada, &csrf, &[("text", jwt.trim())], None);
    assert!(
        page.body.contains(">Not verified<") && page.body.contains("did not pass verification"),
        "{}",
        page.body
    );

    let list = ada.get("/backpack/import");
    let stored = list.body.matches("class=\"imported-badge\"").count();
    assert_eq!(stored, 8, "{}", list.body);

    // Hostile input: refused with a message, nothing stored.
    refused(
        &mut ada,
        &csrf,
        &[],
        Some(&vec![b'{'; 6 * 1024 * 1024]),
        "The upload could not be read",
    );
    let mut bomb = b"openbadges\0\x01\x00\0\0".to_vec();
    {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![b' '; 64 * 1024 * 1024]).unwrap();
        bomb.extend(z.finish().unwrap());
    }
    let bomb_png = with_chunk(&tiny_png(), b"iTXt", &bomb);
    refused(
        &mut ada,
        &csrf,
        &[],
        Some(&bomb_png),
        "not a badge that can be imported",
    );
    refused(
        &mut ada,
        &csrf,
        &[],
        Some(b"GIF89a\x01\x00\x01\x00\x00\xff\x00,"),
        "not a badge that can be imported",
    );
    refused(
        &mut ada,
        &csrf,
        &[],
        Some(&tiny_png()),
        "carries no baked credential",
    );
    // A genuine credential baked into a 100000×100000 PNG, and into one with a damaged IDAT.
    let pixel_bomb = bake::bake_png(&png_declaring(100_000, 100_000), &award.credential).unwrap();
    refused(
        &mut ada,
        &csrf,
        &[],
        Some(&pixel_bomb),
        "the image is 100000×100000 pixels; the limit is 4096×4096",
    );
    let mut damaged = bake::bake_png(&vector("simple-json.png"), &award.credential).unwrap();
    let idat = damaged.windows(4).rposition(|w| w == b"IDAT").unwrap();
    damaged[idat + 8] ^= 0x10;
    refused(&mut ada, &csrf, &[], Some(&damaged), "CRC");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    refused(
        &mut ada,
        &csrf,
        &[("text", &deep)],
        None,
        "not a badge that can be imported",
    );
    let deep_obj = format!("{}1{}", "{\"a\":".repeat(5_000), "}".repeat(5_000));
    refused(
        &mut ada,
        &csrf,
        &[("text", &deep_obj)],
        None,
        "not a badge that can be imported",
    );
    let huge_jwt = format!(
        "eyJhbGciOiJSUzI1NiJ9.eyJ{}.c2ln",
        "A".repeat(3 * 1024 * 1024)
    );
    refused(&mut ada, &csrf, &[("text", &huge_jwt)], None, "larger than");
    refused(
        &mut ada,
        &csrf,
        &[("url", "http://169.254.169.254/latest/meta-data/")],
        None,
        "refused",
    );
    refused(
        &mut ada,
        &csrf,
        &[("url", "http://10.1.2.3/badge.json")],
        None,
        "refused",
    );
    refused(
        &mut ada,
        &csrf,
        &[("url", "file:///etc/passwd")],
        None,
        "starting with https://",
    );
    refused(&mut ada, &csrf, &[], None, "Choose a badge file");
    let forged = post_import(
        &mut ada,
        "not-the-token",
        &[("text", &award.credential)],
        None,
    );
    assert_eq!(forged.status, 403);
    let list = ada.get("/backpack/import");
    assert_eq!(list.body.matches("class=\"imported-badge\"").count(), 8);

    // Another account sees none of them.
    let (mut bob, _) = sign_up(http, "Bob", "bob-import@example.com");
    assert_eq!(bob.get(&unverified).status, 404);
    assert_eq!(bob.get(&format!("{image_page}/image")).status, 404);
    assert!(!bob.get("/backpack/import").body.contains("Knot Tying"));

    // Removing one.
    let page = ada.get(&unverified);
    let csrf = hidden_csrf(&page.body);
    let done = ada.post(&format!("{unverified}/delete"), &[("csrf", &csrf)]);
    assert_eq!(done.status, 303);
    assert_eq!(ada.get(&unverified).status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn earner_import_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    run(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn earner_import_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    run(store).await;
}

async fn run(store: Store) {
    let site = ob2_site().await;
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| flow(app, &http, &site));
}
