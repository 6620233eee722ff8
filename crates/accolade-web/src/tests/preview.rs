//! Writes pages under `target/accolade-web-preview/` for screenshots in a browser.
//! The stylesheet goes beside them at the path the pages link to, so a `file://` view
//! (or any static server rooted there) looks like the real thing.

use std::path::PathBuf;

use super::fixtures;
use crate::views::Status;

fn preview_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/accolade-web-preview")
}

#[test]
fn write_preview_pages() -> Result<(), Box<dyn std::error::Error>> {
    let dir = preview_dir();
    std::fs::create_dir_all(dir.join("static"))?;
    std::fs::write(dir.join("static/accolade.css"), crate::STYLESHEET)?;
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
    for (name, html) in pages {
        // Root-relative links become relative so the files open straight from disk.
        let html = html.replace("href=\"/static/", "href=\"static/");
        std::fs::write(dir.join(name), html)?;
    }
    Ok(())
}
