//! The public pages render from fixtures without template errors, and every asset they
//! reference (`/static/…`) and every in-page anchor (`#…`) resolves. With
//! `ACCOLADE_WEB_PREVIEW_DIR` set, the pages are also written there for screenshots in a
//! browser, the stylesheet beside them at the path they link to (nothing is written otherwise).

use std::path::PathBuf;

use super::fixtures;
use crate::views::Status;

/// Every `attr="…"` value in `html`.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

/// Whether `reference` names something this server serves from its own assets.
fn asset_resolves(reference: &str) -> bool {
    let path = reference.split('?').next().unwrap_or_default();
    if path == crate::assets::STYLESHEET_PATH {
        return true;
    }
    match path.strip_prefix("/static/js/") {
        Some(name) => {
            crate::assets::script(name).is_some()
                && crate::assets::script_href(name).as_deref() == Some(reference)
        }
        None => false,
    }
}

#[test]
fn preview_pages_render_and_their_assets_resolve() -> Result<(), Box<dyn std::error::Error>> {
    let mut pages = vec![
        ("home.html", crate::home(&fixtures::home())?),
        ("issuer.html", crate::issuer(&fixtures::issuer())?),
        ("verify.html", crate::verify(&fixtures::verify(None))?),
        (
            "verify-report.html",
            crate::verify(&fixtures::verify(Some(fixtures::report(Status::Verified))))?,
        ),
        (
            "verify-invalid.html",
            crate::verify(&fixtures::verify(Some(fixtures::report(Status::Invalid))))?,
        ),
        (
            "verify-unchecked.html",
            crate::verify(&fixtures::verify(Some(fixtures::report(Status::Unchecked))))?,
        ),
        ("error.html", crate::error_page(&fixtures::error(404))?),
    ];
    for (name, status) in [
        ("credential.html", Status::Verified),
        ("credential-revoked.html", Status::Revoked),
        ("credential-suspended.html", Status::Suspended),
        ("credential-expired.html", Status::Expired),
        ("credential-unchecked.html", Status::Unchecked),
    ] {
        pages.push((name, crate::credential(&fixtures::credential(status))?));
    }
    let mut long = fixtures::credential(Status::Revoked);
    long.achievement_name = "Advanced Interdisciplinary Clinical Information Governance".to_owned();
    long.recipient_name = Some("Wolfeschlegelsteinhausenbergerdorff-Okonkwo".to_owned());
    long.credential_id = format!("https://badges.example.org/credentials/{}", "f".repeat(64));
    long.status_reason = Some("x".repeat(120));
    pages.push(("credential-long.html", crate::credential(&long)?));
    assert!(pages.len() >= 13);
    for (name, html) in &pages {
        assert!(
            html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"),
            "{name}: not a full page"
        );
        assert!(html.trim_end().ends_with("</html>"), "{name}: truncated");
        for leftover in ["{{", "}}", "{%", "%}"] {
            assert!(
                !html.contains(leftover),
                "{name}: template syntax {leftover} left in the page"
            );
        }
        let stylesheets: Vec<&str> = attribute_values(html, "href")
            .into_iter()
            .filter(|h| h.starts_with(crate::assets::STYLESHEET_PATH))
            .collect();
        assert!(!stylesheets.is_empty(), "{name}: no link to the stylesheet");
        for reference in attribute_values(html, "href")
            .into_iter()
            .chain(attribute_values(html, "src"))
            .filter(|r| r.starts_with("/static/"))
        {
            assert!(
                asset_resolves(reference),
                "{name}: {reference} is not served"
            );
        }
        for anchor in attribute_values(html, "href")
            .into_iter()
            .filter_map(|h| h.strip_prefix('#'))
            .filter(|a| !a.is_empty())
        {
            assert!(
                html.contains(&format!(" id=\"{anchor}\"")),
                "{name}: #{anchor} names no element"
            );
        }
    }
    if let Some(dir) = std::env::var_os("ACCOLADE_WEB_PREVIEW_DIR") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(dir.join("static"))?;
        std::fs::write(dir.join("static/accolade.css"), crate::STYLESHEET)?;
        for (name, html) in pages {
            // Root-relative asset links become relative so the files open straight from disk.
            let html = html.replace("=\"/static/", "=\"static/");
            std::fs::write(dir.join(name), html)?;
        }
    }
    Ok(())
}
