//! The badge designer and the settings page over HTTP, on SQLite and PostgreSQL: the live
//! preview answers with the SVG a save stores; a save makes an image served sandboxed, with a
//! PNG rendition; hostile uploads are refused on the page and nothing is stored; roles and
//! other organizations' ids are enforced; a profile change shows on the public issuer page.

use super::accounts::{location, sign_up};
use super::{Browser, Http, Reply, hidden_csrf, start};
use accolade_app::App;
use accolade_core::{Membership, Role};
use std::io::Read;
use std::sync::Arc;

const SLUG: &str = "initech-academy";

/// A binary response: status, headers, bytes.
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }
}

fn get_raw(http: &Http, path: &str, if_none_match: Option<&str>) -> Raw {
    let mut req = http.agent.get(format!("{}{path}", http.base));
    if let Some(tag) = if_none_match {
        req = req.header("If-None-Match", tag);
    }
    let mut res = req.call().unwrap();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let mut body = Vec::new();
    res.body_mut().as_reader().read_to_end(&mut body).unwrap();
    Raw {
        status: res.status().as_u16(),
        headers,
        body,
    }
}

/// A file part for a multipart form: field name, file name, content type, bytes.
type FilePart<'a> = (&'a str, &'a str, &'a str, &'a [u8]);

fn post_multipart(
    b: &mut Browser,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<FilePart>,
) -> Reply {
    try_post_multipart(b, path, fields, file).unwrap()
}

/// The same, returning the transport error: the server may answer an oversized upload and
/// close the connection while the client is still sending it.
fn try_post_multipart(
    b: &mut Browser,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<FilePart>,
) -> Result<Reply, ureq::Error> {
    let boundary = "accolade-designer-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, file_name, content_type, bytes)) = file {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let res = b
        .http
        .agent
        .post(format!("{}{path}", b.http.base))
        .header("Cookie", b.cookie_header())
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&body[..])?;
    b.absorb(&res);
    Ok(Http::reply(res))
}

fn design_fields<'a>(csrf: &'a str, title: &'a str, action: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", title),
        ("subtitle", "Level 2"),
        ("shape", "shield"),
        ("background", "#204060"),
        ("foreground", "#ffffff"),
        ("accent", "#f2c14e"),
        ("border_style", "double"),
        ("border_width", "6"),
        ("border_colour", "#f2c14e"),
        ("icon", "rocket"),
        ("logo", ""),
        ("action", action),
    ]
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `png` with one more chunk (checksum right) just before IEND.
fn with_chunk(png: &[u8], kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let iend = png.len() - 12;
    let mut out = png[..iend].to_vec();
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
    out.extend_from_slice(&png[iend..]);
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

/// A PNG header declaring `width`×`height` (checksums right), with a tiny IDAT.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

fn assert_sandboxed(r: &Raw, content_type: &str) {
    assert_eq!(r.header("content-type"), content_type);
    let csp = r.header("content-security-policy");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("sandbox"),
        "{csp}"
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff");
}

fn designer_flow(app: Arc<App>, http: &Http) {
    let rt = tokio::runtime::Handle::current();
    let (mut ada, csrf) = sign_up(http, "Ada Admin", "ada@initech.example");
    let created = ada.post(
        "/dashboard/orgs",
        &[
            ("csrf", &csrf),
            ("name", "Initech Academy"),
            ("url", "https://initech.example"),
        ],
    );
    assert_eq!(created.status, 303);
    let org = rt.block_on(app.org_by_slug(SLUG)).unwrap();
    let designer = format!("/dashboard/orgs/{SLUG}/designer");

    // The page: every control, the script, no inline code.
    let page = ada.get(&designer);
    assert_eq!(page.status, 200, "{}", page.body);
    for needle in [
        "name=\"shape\" value=\"ribbon\"",
        "value=\"graduation-cap\"",
        "type=\"color\"",
        "name=\"logo_file\"",
        "enctype=\"multipart/form-data\"",
        "/static/js/designer.js?v=",
        "aria-current=\"page\">Badge designer",
    ] {
        assert!(page.body.contains(needle), "{needle} missing");
    }
    assert!(!page.body.contains("<script>") && !page.body.contains(" onclick="));

    // The live preview answers with the SVG, sandboxed; a refused field says which.
    let fields = design_fields(&csrf, "Rocket Science", "preview");
    let preview = ada.post(&format!("{designer}/preview"), &fields);
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.header("content-type"), Some("image/svg+xml"));
    assert!(
        preview
            .header("content-security-policy")
            .unwrap()
            .contains("sandbox")
    );
    assert!(preview.body.starts_with("<svg") && preview.body.contains("Rocket Science"));
    let mut bad = fields.clone();
    bad[4] = ("background", "url(javascript:alert(1))");
    let refused = ada.post(&format!("{designer}/preview"), &bad);
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.starts_with(
            "Background: The colour \"url(javascript:alert(1))\" is not of the form #rrggbb."
        ),
        "{}",
        refused.body
    );
    let forged = ada.post(
        &format!("{designer}/preview"),
        &design_fields("forged", "x", "preview"),
    );
    assert_eq!(forged.status, 403);
    let script = http.get("/static/js/designer.js", "*/*");
    assert_eq!(script.status, 200);
    assert!(script.body.contains("createObjectURL"));

    // Without script, Preview re-renders the page with the badge inline.
    let shown = post_multipart(&mut ada, &designer, &fields, None);
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(
        shown.body.contains("src=\"data:image/svg+xml,"),
        "preview shown"
    );

    // Save: a design and its image; the page offers the achievement form with the image.
    let saved = post_multipart(
        &mut ada,
        &designer,
        &design_fields(&csrf, "Rocket Science", "save"),
        None,
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let location = saved.header("location").unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{designer}?design=")),
        "{location}"
    );
    let design = rt.block_on(app.designs(org.id)).unwrap().remove(0);
    let again = ada.get(&location);
    assert_eq!(again.status, 200);
    let create_link = format!(
        "/dashboard/orgs/{SLUG}/achievements/new?image={}",
        design.image_id
    );
    assert!(again.body.contains(&create_link), "{}", again.body);
    assert!(
        again.body.contains("value=\"Rocket Science\""),
        "the design's values come back"
    );
    let audit = rt.block_on(app.audit_log(org.id, 10, 0)).unwrap();
    assert!(audit.iter().any(|e| e.action == "design.save"));

    // The image: sanitized SVG, sandboxed; a PNG rendition, cached by ETag.
    let svg = get_raw(http, &format!("/images/{}", design.image_id), None);
    assert_eq!(svg.status, 200);
    assert_sandboxed(&svg, "image/svg+xml");
    assert!(
        String::from_utf8(svg.body)
            .unwrap()
            .contains("Rocket Science")
    );
    let png_path = format!("/images/{}.png", design.image_id);
    let rendition = get_raw(http, &png_path, None);
    assert_eq!(rendition.status, 200);
    assert_sandboxed(&rendition, "image/png");
    assert_eq!(png_size(&rendition.body), (512, 512));
    let etag = rendition.header("etag").to_owned();
    assert_eq!(get_raw(http, &png_path, Some(&etag)).status, 304);
    let small = get_raw(
        http,
        &format!("/images/{}?format=png&size=64", design.image_id),
        None,
    );
    assert_eq!(png_size(&small.body), (64, 64));
    assert_eq!(
        get_raw(
            http,
            &format!("/images/{}.png?size=99999", design.image_id),
            None
        )
        .status,
        400
    );
    assert_eq!(get_raw(http, "/images/not-an-id.png", None).status, 404);

    // Hostile uploads are refused with a clear message, and nothing is stored.
    let images_before = rt.block_on(app.org_images(org.id)).unwrap().len();
    let huge_png = png_header(60_000, 60_000);
    let idat = small.body.windows(4).position(|w| w == b"IDAT").unwrap();
    let mut bad_crc = small.body.clone();
    bad_crc[idat + 10] ^= 0x40;
    let mut huge_chunk = small.body.clone();
    huge_chunk[idat - 4..idat].copy_from_slice(&u32::MAX.to_be_bytes());
    let svg_doc = |body: &str| {
        format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{body}</svg>"#)
    };
    let hostile: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("script.svg", svg_doc("<script>alert(1)</script>").into_bytes(), "image/svg+xml", "a &lt;script&gt; element"),
        ("onload.svg", r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.as_bytes().to_vec(), "image/svg+xml", "event handler"),
        ("fo.svg", svg_doc("<foreignObject><p>x</p></foreignObject>").into_bytes(), "image/svg+xml", "foreignObject"),
        ("href.svg", svg_doc(r#"<image href="https://tracker.example/p.png" width="5" height="5"/>"#).into_bytes(), "image/svg+xml", "another file or address"),
        ("xxe.svg", br#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#.to_vec(), "image/svg+xml", "DOCTYPE or entity"),
        ("huge.png", huge_png, "image/png", "60000×60000 pixels"),
        ("bomb.png", png_header(100_000, 100_000), "image/png", "100000×100000 pixels"),
        ("truncated.png", small.body[..small.body.len() / 2].to_vec(), "image/png", "it is truncated"),
        ("crc.png", bad_crc, "image/png", "its IDAT chunk fails its CRC check"),
        ("length.png", huge_chunk, "image/png", "its IDAT chunk declares a length of 4294967295 bytes, more than PNG allows"),
        ("notes.png", b"these are my meeting notes".to_vec(), "image/png", "not a PNG, JPEG, WebP or SVG"),
    ];
    for (name, bytes, content_type, message) in &hostile {
        let r = post_multipart(
            &mut ada,
            &designer,
            &fields,
            Some(("logo_file", name, content_type, bytes)),
        );
        assert_eq!(r.status, 400, "{name}: {}", r.body);
        assert!(
            r.body.contains(message),
            "{name}: {message:?} not in the page"
        );
        assert!(r.body.contains("Nothing was stored."), "{name}");
    }
    // A file over the upload limit is refused before it is read in full.
    let oversized = vec![b'x'; 3 * 1024 * 1024];
    // The answer comes before the upload is read in full, so the client may see the
    // connection closed mid-send instead; either way nothing is stored.
    if let Ok(r) = try_post_multipart(
        &mut ada,
        &designer,
        &fields,
        Some(("logo_file", "big.png", "image/png", &oversized)),
    ) {
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(
            r.body
                .contains("Logo: the file is larger than the 2 MiB limit"),
            "{}",
            r.body
        );
    }
    assert!(rt.block_on(app.design_logos(org.id)).unwrap().is_empty());
    assert_eq!(
        rt.block_on(app.org_images(org.id)).unwrap().len(),
        images_before
    );

    // A good logo is kept (written again: pixels only, whatever else the file carried),
    // chosen, and drawn into the preview.
    let carrier = with_chunk(&small.body, b"tEXt", b"Comment\0<script>alert(1)</script>");
    let with_logo = post_multipart(
        &mut ada,
        &designer,
        &fields,
        Some(("logo_file", "initech.png", "image/png", &carrier)),
    );
    assert_eq!(with_logo.status, 200, "{}", with_logo.body);
    assert!(
        with_logo
            .body
            .contains("The logo initech.png was checked and added.")
    );
    let logo = rt.block_on(app.design_logos(org.id)).unwrap().remove(0);
    let stored = rt.block_on(app.image(logo.image_id)).unwrap();
    assert_eq!(stored.content_type, "image/png");
    assert_eq!(chunk_types(&stored.bytes), ["IHDR", "IDAT", "IEND"]);
    assert!(!String::from_utf8_lossy(&stored.bytes).contains("script"));
    assert_eq!(png_size(&stored.bytes), (64, 64));
    assert!(
        with_logo
            .body
            .contains(&format!("<option value=\"{}\" selected>", logo.image_id))
    );

    // A viewer cannot open or save the designer; another organization's ids are not found.
    let (mut vera, vera_csrf) = sign_up(http, "Vera Viewer", "vera@initech.example");
    let vera_user = rt
        .block_on(
            app.store()
                .user_by_email(&accolade_core::Email::parse("vera@initech.example").unwrap()),
        )
        .unwrap()
        .unwrap();
    rt.block_on(app.store().insert_membership(&Membership {
        user_id: vera_user.id,
        org_id: org.id,
        role: Role::Viewer,
        created_at: org.created_at,
    }))
    .unwrap();
    assert_eq!(vera.get(&designer).status, 403);
    let attempt = post_multipart(
        &mut vera,
        &designer,
        &design_fields(&vera_csrf, "Mine", "save"),
        None,
    );
    assert_eq!(attempt.status, 403);
    assert_eq!(rt.block_on(app.designs(org.id)).unwrap().len(), 1);
    assert_eq!(
        vera.get(&format!("/dashboard/orgs/{SLUG}/settings")).status,
        403
    );

    let (mut eve, eve_csrf) = sign_up(http, "Eve", "eve@elsewhere.example");
    eve.post(
        "/dashboard/orgs",
        &[
            ("csrf", &eve_csrf),
            ("name", "Elsewhere"),
            ("url", "https://elsewhere.example"),
        ],
    );
    let eve_designer = "/dashboard/orgs/elsewhere/designer";
    assert_eq!(eve.get(eve_designer).status, 200);
    assert_eq!(
        eve.get(&format!("{eve_designer}?design={}", design.id))
            .status,
        404
    );
    assert_eq!(eve.get(&designer).status, 404);
    let design_id = design.id.to_string();
    let mut steal = design_fields(&eve_csrf, "Stolen", "save");
    steal.push(("design", &design_id));
    assert_eq!(
        post_multipart(&mut eve, eve_designer, &steal, None).status,
        404
    );
    let logo_id = logo.image_id.to_string();
    let mut borrow = design_fields(&eve_csrf, "Borrowed", "preview");
    borrow[11] = ("logo", &logo_id);
    assert_eq!(
        eve.post(&format!("{eve_designer}/preview"), &borrow).status,
        404
    );
    assert_eq!(
        rt.block_on(app.designs(org.id)).unwrap()[0].name,
        "Rocket Science: Level 2"
    );

    settings_flow(&app, http, &mut ada, &csrf, &mut vera, &small.body);
}

fn settings_flow(
    app: &Arc<App>,
    http: &Http,
    ada: &mut Browser,
    csrf: &str,
    vera: &mut Browser,
    png: &[u8],
) {
    let rt = tokio::runtime::Handle::current();
    let org = rt.block_on(app.org_by_slug(SLUG)).unwrap();
    let settings = format!("/dashboard/orgs/{SLUG}/settings");
    let page = ada.get(&settings);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("value=\"Initech Academy\"") && page.body.contains("Rotate key"));

    // Invalid input comes back with the message and the user's input.
    let bad = ada.post(
        &settings,
        &[
            ("csrf", csrf),
            ("name", "Initech Institute"),
            ("url", "javascript:alert(1)"),
            ("languages", "en"),
        ],
    );
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains(
            "<p id=\"f-url-error\" class=\"field-error\"><span class=\"visually-hidden\">Error: </span>Enter the website as a web address starting with https://"
        ) && bad.body.contains("aria-describedby=\"f-url-error f-url-hint\""),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"Initech Institute\""));
    let bad_lang = ada.post(
        &settings,
        &[
            ("csrf", csrf),
            ("name", "Initech"),
            ("url", "https://initech.example"),
            ("languages", "en, klingon!"),
        ],
    );
    assert_eq!(bad_lang.status, 400);
    assert!(
        bad_lang.body.contains("id=\"f-languages-error\"")
            && bad_lang.body.contains("is not a language tag"),
        "{}",
        bad_lang.body
    );

    let saved = ada.post(
        &settings,
        &[
            ("csrf", csrf),
            ("name", "Initech Institute"),
            ("url", "https://institute.initech.example"),
            ("email", "badges@initech.example"),
            ("description", "Teaching TPS reports since 1999."),
            ("languages", "en, de-ch"),
        ],
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("The profile was saved."));
    assert!(saved.body.contains("value=\"en, de-CH\""));
    let public = http.get(&format!("/issuers/{SLUG}"), "text/html");
    assert!(public.body.contains("Initech Institute"));
    assert!(public.body.contains("Teaching TPS reports since 1999."));
    assert!(public.body.contains("https://institute.initech.example"));
    let audit = rt.block_on(app.audit_log(org.id, 50, 0)).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "org.update" && e.actor.label.contains("Ada Admin"))
    );

    // The logo: a hostile one is refused on the page; a good one is shown publicly.
    let hostile = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let refused = post_multipart(
        ada,
        &format!("{settings}/logo"),
        &[("csrf", csrf)],
        Some(("logo_file", "logo.svg", "image/svg+xml", hostile)),
    );
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("<p id=\"f-logo_file-error\" class=\"field-error\"><span class=\"visually-hidden\">Error: </span>The SVG was refused: it contains a &lt;script&gt; element. Nothing was stored.</p>"), "{}", refused.body);
    assert!(
        refused
            .body
            .contains("aria-invalid=\"true\" autofocus aria-describedby=\"f-logo_file-error f-logo_file-hint\""),
        "{}",
        refused.body
    );
    assert_eq!(rt.block_on(app.org(org.id)).unwrap().image_id, None);
    let mut damaged = png.to_vec();
    let at = damaged.len() - 20; // inside the last IDAT's data or CRC
    damaged[at] ^= 0x01;
    for (bytes, why) in [
        (damaged, "fails its CRC check"),
        (png[..png.len() - 12].to_vec(), "it is truncated"),
        (
            png_header(100_000, 100_000),
            "The image is 100000×100000 pixels",
        ),
    ] {
        let refused = post_multipart(
            ada,
            &format!("{settings}/logo"),
            &[("csrf", csrf)],
            Some(("logo_file", "logo.png", "image/png", &bytes)),
        );
        assert_eq!(refused.status, 400);
        assert!(refused.body.contains(why), "{why}: {}", refused.body);
        assert!(refused.body.contains("Nothing was stored."));
    }
    assert_eq!(rt.block_on(app.org(org.id)).unwrap().image_id, None);
    let ok = post_multipart(
        ada,
        &format!("{settings}/logo"),
        &[("csrf", csrf)],
        Some(("logo_file", "logo.png", "image/png", png)),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    let logo_id = rt.block_on(app.org(org.id)).unwrap().image_id.unwrap();
    assert!(
        http.get(&format!("/issuers/{SLUG}"), "text/html")
            .body
            .contains(&format!("/images/{logo_id}"))
    );

    // Key rotation: owners only, after a confirmation step; audited.
    let keys_before = rt.block_on(app.keys(org.id)).unwrap().len();
    let confirm = ada.get(&format!("{settings}/keys/rotate"));
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("Yes, rotate the key"));
    let unconfirmed = ada.post(&format!("{settings}/keys/rotate"), &[("csrf", csrf)]);
    assert!(unconfirmed.body.contains("Yes, rotate the key"));
    assert_eq!(rt.block_on(app.keys(org.id)).unwrap().len(), keys_before);
    let rotated = ada.post(
        &format!("{settings}/keys/rotate"),
        &[("csrf", csrf), ("confirm", "rotate")],
    );
    // Redirected after rotating: reloading the page does not rotate again.
    assert_eq!(rotated.status, 303, "{}", rotated.body);
    let rotated = ada.get(&location(&rotated));
    assert!(rotated.body.contains("A new signing key was made"));
    assert_eq!(
        rt.block_on(app.keys(org.id)).unwrap().len(),
        keys_before + 1
    );
    let audit = rt.block_on(app.audit_log(org.id, 50, 0)).unwrap();
    assert!(audit.iter().any(|e| e.action == "key.rotate"));
    assert!(audit.iter().any(|e| e.action == "org.logo"));
    // An admin edits the profile but cannot rotate keys.
    let vera_user = rt
        .block_on(
            app.store()
                .user_by_email(&accolade_core::Email::parse("vera@initech.example").unwrap()),
        )
        .unwrap()
        .unwrap();
    rt.block_on(app.store().remove_membership(vera_user.id, org.id))
        .unwrap();
    rt.block_on(app.store().insert_membership(&Membership {
        user_id: vera_user.id,
        org_id: org.id,
        role: Role::Admin,
        created_at: org.created_at,
    }))
    .unwrap();
    assert_eq!(vera.get(&settings).status, 200);
    let vera_csrf = hidden_csrf(&vera.get(&settings).body);
    assert_eq!(vera.get(&format!("{settings}/keys/rotate")).status, 403);
    assert_eq!(
        vera.post(
            &format!("{settings}/keys/rotate"),
            &[("csrf", &vera_csrf), ("confirm", "rotate")]
        )
        .status,
        403
    );
    assert_eq!(
        rt.block_on(app.keys(org.id)).unwrap().len(),
        keys_before + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn designer_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| designer_flow(app, &http));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn designer_on_postgres() {
    let Some(t) = accolade_store::testing::fresh_postgres().await.unwrap() else {
        return;
    };
    let (store, _guard) = t.into_parts();
    let (app, port) = start(store).await;
    let http = Http::new(port);
    tokio::task::block_in_place(|| designer_flow(app, &http));
}
