//! Every page renders with realistic data and says what it must.

use super::fixtures;
use super::safety::assert_csp_clean;
use crate::views::{Layout, Status};

#[test]
fn credential_valid_is_calm_and_complete() -> Result<(), Box<dyn std::error::Error>> {
    let html = crate::credential(&fixtures::credential(Status::Verified))?;
    assert_csp_clean(&html);
    assert!(html.contains("banner banner-good"));
    assert!(html.contains(">Verified<"));
    assert!(html.contains("was issued by Northwind Health Academy, and is currently valid."));
    assert!(html.contains("Issued to <strong>Amara Okonkwo-Lindqvist</strong>"));
    assert!(html.contains("<h1 id=\"badge-name\">Data Safety Practitioner</h1>"));
    assert!(html.contains("The eddsa-rdfc-2022 proof matches the document."));
    assert!(html.contains("Checked 9 June 2025, 10:42 UTC"));
    assert!(html.contains("<p>Complete the six online modules of the Data Safety programme.</p>"));
    assert!(html.contains("ESCO · S5.6.1"));
    assert!(html.contains("12 CPD hours"));
    assert!(html.contains("rel=\"alternate\" type=\"application/ld+json\""));
    assert!(html.contains("0b7e52c4-6f1d-4c8e-9d43-1a2b3c4d5e6f.json\""));
    assert!(html.contains(
        "/verify?url=https%3A%2F%2Fbadges.example.org%2Fcredentials%2F0b7e52c4-6f1d-4c8e-9d43-1a2b3c4d5e6f"
    ));
    assert!(html.contains("property=\"og:image\""));
    assert!(html.contains("<title>Data Safety Practitioner · Accolade</title>"));
    assert!(!html.contains("Reason given by the issuer"));
    Ok(())
}

#[test]
fn credential_revoked_shows_reason() -> Result<(), Box<dyn std::error::Error>> {
    let html = crate::credential(&fixtures::credential(Status::Revoked))?;
    assert_csp_clean(&html);
    assert!(html.contains("banner banner-bad"));
    assert!(html.contains(">Revoked<"));
    assert!(html.contains("Northwind Health Academy has revoked this badge."));
    assert!(html.contains("Reason given by the issuer:</strong> Awarded in error"));
    assert!(html.contains("check check-failed"));
    assert!(html.contains("The issuer has revoked this credential."));
    Ok(())
}

#[test]
fn credential_suspended_expired_unverified() -> Result<(), Box<dyn std::error::Error>> {
    let html = crate::credential(&fixtures::credential(Status::Suspended))?;
    assert!(html.contains("banner banner-caution") && html.contains(">Suspended<"));
    assert!(html.contains("Reason given by the issuer:</strong> Under review."));

    let html = crate::credential(&fixtures::credential(Status::Expired))?;
    assert!(html.contains("banner banner-caution") && html.contains(">Expired<"));
    assert!(html.contains("This badge expired on 14 March 2025."));
    assert!(html.contains("<dt>Expired</dt><dd>14 March 2025</dd>"));

    let html = crate::credential(&fixtures::credential(Status::Unchecked))?;
    assert!(html.contains("banner banner-unchecked") && html.contains(">Could not be checked<"));
    assert!(!html.contains("banner-good") && !html.contains(">Verified<"));
    assert!(html.contains("check check-inconclusive"));
    assert!(html.contains("check check-warning"));
    Ok(())
}

#[test]
fn credential_without_name_image_or_optional_parts() -> Result<(), Box<dyn std::error::Error>> {
    let mut view = fixtures::credential(Status::Verified);
    view.recipient_name = None;
    view.image_url = None;
    view.expires_on = None;
    view.criteria_narrative = None;
    view.criteria_url = None;
    view.alignments.clear();
    view.evidence.clear();
    view.credits = None;
    view.layout.og_image = None;
    let html = crate::credential(&view)?;
    assert_csp_clean(&html);
    assert!(html.contains("Issued to a verified email holder"));
    assert!(html.contains("badge-placeholder"));
    assert!(html.contains("Does not expire"));
    assert!(!html.contains("id=\"criteria-title\""));
    assert!(!html.contains("id=\"skills-title\""));
    assert!(!html.contains("og:image"));
    Ok(())
}

#[test]
fn credential_with_long_texts() -> Result<(), Box<dyn std::error::Error>> {
    let mut view = fixtures::credential(Status::Verified);
    view.achievement_name = "Advanced ".repeat(40);
    view.description = "A very long paragraph. ".repeat(300);
    view.recipient_name = Some("Wolfeschlegelsteinhausenbergerdorff".repeat(4));
    view.credential_id = format!("urn:uuid:{}", "f".repeat(300));
    let html = crate::credential(&view)?;
    assert_csp_clean(&html);
    assert!(html.contains(&"A very long paragraph. ".repeat(299)));
    Ok(())
}

#[test]
fn verify_page_without_and_with_report() -> Result<(), Box<dyn std::error::Error>> {
    let html = crate::verify(&fixtures::verify(None))?;
    assert_csp_clean(&html);
    assert!(
        html.contains("method=\"post\" action=\"/verify#result\" enctype=\"multipart/form-data\"")
    );
    assert!(
        html.contains("<label for=\"verify-input\">Paste credential JSON, a JWT or a URL</label>")
    );
    assert!(html.contains("name=\"file\" type=\"file\""));
    assert!(html.contains("name=\"email\" type=\"email\""));
    assert!(html.contains("aria-current=\"page\""));
    assert!(!html.contains("id=\"result-title\""));

    for (status, tone, title) in [
        (Status::Verified, "good", "Verified"),
        (Status::Revoked, "bad", "Revoked"),
        (Status::Suspended, "caution", "Suspended"),
        (Status::Expired, "caution", "Expired"),
        (Status::Invalid, "bad", "Not valid"),
        (Status::Unchecked, "unchecked", "Could not be checked"),
    ] {
        let html = crate::verify(&fixtures::verify(Some(fixtures::report(status))))?;
        assert_csp_clean(&html);
        assert!(
            html.contains(&format!("banner banner-{tone}")),
            "{status:?}"
        );
        assert!(html.contains(&format!(">{title}<")), "{status:?}");
        assert!(html.contains("<details class=\"card raw-json\">"));
        assert!(html.contains("&quot;@context&quot;"));
        assert!(html.contains("Baked PNG image"));
    }
    Ok(())
}

#[test]
fn verify_page_refills_form_and_shows_error() -> Result<(), Box<dyn std::error::Error>> {
    let mut view = fixtures::verify(None);
    view.input = "eyJhbGciOiJFZERTQSJ9.e30.sig".to_owned();
    view.email = "amara@example.org".to_owned();
    view.error = Some("Paste a credential or choose a file.".to_owned());
    let html = crate::verify(&view)?;
    assert!(html.contains(">eyJhbGciOiJFZERTQSJ9.e30.sig</textarea>"));
    assert!(html.contains("value=\"amara@example.org\""));
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains("Paste a credential or choose a file."));
    Ok(())
}

#[test]
fn home_issuer_and_error_pages() -> Result<(), Box<dyn std::error::Error>> {
    let html = crate::home(&fixtures::home())?;
    assert_csp_clean(&html);
    assert!(html.contains("href=\"/verify\""));
    assert!(html.contains("Verify a badge"));
    assert!(html.contains("Northwind Health Academy"));
    assert!(html.contains("src=\"/images/logo-northwind\""));
    assert!(html.contains("org-monogram\" aria-hidden=\"true\">G<"));

    let mut empty = fixtures::home();
    empty.organizations.clear();
    empty.layout = Layout::new("Home", "Badges").with_instance_name("Campus Badges");
    let html = crate::home(&empty)?;
    assert!(html.contains("No organizations publish badges here yet."));
    assert!(html.contains("<span>Campus Badges</span>"));

    let html = crate::issuer(&fixtures::issuer())?;
    assert_csp_clean(&html);
    assert!(html.contains("Verification keys"));
    assert!(html.contains("did:web:badges.example.org:issuers:northwind#key-1"));
    assert!(html.contains("<dt>Retired</dt><dd>2 January 2025</dd>"));
    assert!(html.contains("Active"));
    assert!(html.contains("mailto:badges@northwind.example.org"));
    assert!(html.contains("Infection Control Basics"));

    for status in [400, 404, 413, 500] {
        let html = crate::error_page(&fixtures::error(status))?;
        assert_csp_clean(&html);
        assert!(html.contains(&format!("Error {status}")));
        assert!(html.contains("01JXA6Z7Q3M5"));
    }
    Ok(())
}

#[test]
fn layout_basics_on_every_page() -> Result<(), Box<dyn std::error::Error>> {
    let pages = [
        crate::home(&fixtures::home())?,
        crate::issuer(&fixtures::issuer())?,
        crate::credential(&fixtures::credential(Status::Verified))?,
        crate::verify(&fixtures::verify(None))?,
        crate::error_page(&fixtures::error(404))?,
    ];
    for html in pages {
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("name=\"viewport\""));
        assert!(html.contains("class=\"skip-link\" href=\"#main\""));
        assert!(html.contains("<main id=\"main\""));
        assert!(html.contains("<nav class=\"site-nav\" aria-label=\"Main\">"));
        assert!(html.contains("<footer"));
        assert!(html.contains("Powered by Accolade · Open Badges 3.0"));
        assert!(html.contains(&format!("href=\"{}\"", crate::stylesheet_href())));
        assert!(html.contains("property=\"og:title\""));
        assert!(html.contains("property=\"og:description\""));
    }
    Ok(())
}

/// The same view renders to the same bytes every time (the kept page's strong entity tag
/// depends on it), and the time a render takes is printed: in a release build,
/// `cargo test --release -p accolade-web --lib credential_renders_the_same -- --nocapture`.
#[test]
fn credential_renders_the_same_bytes_each_time() {
    let view = super::fixtures::credential(Status::Verified);
    let first = crate::credential(&view).unwrap();
    let n = 300;
    let start = std::time::Instant::now();
    for _ in 0..n {
        let again = crate::credential(std::hint::black_box(&view)).unwrap();
        assert_eq!(again, first);
    }
    let each = start.elapsed() / n;
    println!("credential page: {} bytes, {:?} each", first.len(), each);
}
