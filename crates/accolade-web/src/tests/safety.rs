//! Escaping, URL filtering and the CSP-relevant shape of every page.

use accolade_credentials::verify::Outcome;

use super::fixtures;
use crate::filters::{href, img_src, paragraphs, query_value};
use crate::views::{
    AchievementCard, AlignmentView, CheckView, EvidenceView, KeyView, Layout, OrganizationCard,
    Status,
};

const PAYLOAD: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>\"' style=\"x\"";

/// What the strict CSP needs: no scripts, no inline styles, no event handlers.
pub fn assert_csp_clean(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "script tag in output");
    assert!(!lower.contains("<style"), "style element in output");
    assert!(!lower.contains("javascript:"), "javascript: URL in output");
    assert!(
        !has_attribute(&lower, |name| name == "style"),
        "style attribute in output"
    );
    assert!(
        !has_attribute(&lower, |name| name.starts_with("on") && name.len() > 2),
        "event handler attribute in output"
    );
}

/// Whether a tag has an attribute whose name matches `pred`. Text cannot hold `<` or `>`
/// (they are escaped), so everything between them is a tag; quoted values are skipped.
fn has_attribute(html: &str, pred: impl Fn(&str) -> bool) -> bool {
    html.split('<').skip(1).any(|rest| {
        attribute_names(rest.split('>').next().unwrap_or(""))
            .iter()
            .any(|n| pred(n))
    })
}

fn attribute_names(tag: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = tag.chars().skip_while(|c| !c.is_whitespace()).peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == '/').is_some() {}
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=' && *c != '/'))
                .collect();
        if name.is_empty() {
            break;
        }
        names.push(name);
        if chars.next_if_eq(&'=').is_some() {
            match chars.next() {
                Some(quote @ ('"' | '\'')) => while chars.next().is_some_and(|c| c != quote) {},
                Some(_) => while chars.next_if(|c| !c.is_whitespace()).is_some() {},
                None => break,
            }
        }
    }
    names
}

fn assert_escaped(html: &str) {
    assert_csp_clean(html);
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "payload missing"
    );
    assert!(!html.contains("<img src=x"));
}

fn hostile_layout() -> Layout {
    Layout {
        instance_name: PAYLOAD.to_owned(),
        page_title: PAYLOAD.to_owned(),
        description: PAYLOAD.to_owned(),
        og_image: Some("javascript:alert(3)".to_owned()),
        canonical_url: Some("javascript:alert(4)".to_owned()),
        user: Some(crate::views::UserNav {
            name: PAYLOAD.to_owned(),
            csrf: PAYLOAD.to_owned(),
        }),
        lang: accolade_app::i18n::Lang::De,
        switcher: true,
    }
}

#[test]
fn credential_escapes_every_text_field() -> Result<(), Box<dyn std::error::Error>> {
    let p = || PAYLOAD.to_owned();
    let js = || "javascript:alert(5)".to_owned();
    let mut view = fixtures::credential(Status::Revoked);
    view.layout = hostile_layout();
    view.credential_id = p();
    view.credential_url = js();
    view.achievement_name = p();
    view.achievement_type = p();
    view.description = p();
    view.image_url = Some(js());
    view.image_alt = p();
    view.recipient_name = Some(p());
    view.issuer_name = p();
    view.issuer_url = js();
    view.issuer_logo_url = Some(js());
    view.issued_on = p();
    view.expires_on = Some(p());
    view.criteria_narrative = Some(p());
    view.criteria_url = Some(js());
    view.alignments = vec![AlignmentView {
        name: p(),
        framework: Some(p()),
        code: Some(p()),
        url: Some(js()),
    }];
    view.credits = Some(p());
    view.evidence = vec![EvidenceView {
        name: p(),
        description: Some(p()),
        url: Some(js()),
        narrative: Some(p()),
    }];
    view.language = Some(p());
    view.results = vec![crate::views::ResultView {
        label: p(),
        value: p(),
    }];
    view.status_reason = Some(p());
    view.verification.summary = p();
    view.verification.checked_at = p();
    view.verification.checks = vec![CheckView::new(p(), Outcome::Failed, p())];
    let html = crate::credential(&view)?;
    assert_escaped(&html);
    Ok(())
}

#[test]
fn verify_escapes_every_text_field() -> Result<(), Box<dyn std::error::Error>> {
    let p = || PAYLOAD.to_owned();
    let mut report = fixtures::report(Status::Invalid);
    report.summary = p();
    report.format = p();
    report.issuer_name = Some(p());
    report.issuer_id = Some(p());
    report.achievement_name = Some(p());
    report.image_url = Some("javascript:alert(6)".to_owned());
    report.checks = vec![CheckView::new(p(), Outcome::Warning, p())];
    report.checked_at = p();
    report.credential_json = Some(p());
    let mut view = fixtures::verify(Some(report));
    view.layout = hostile_layout();
    view.input = format!("</textarea>{PAYLOAD}");
    view.email = p();
    view.error = Some(p());
    let html = crate::verify(&view)?;
    assert_escaped(&html);
    assert!(!html.contains("</textarea><script"));
    Ok(())
}

#[test]
fn home_issuer_error_escape_every_text_field() -> Result<(), Box<dyn std::error::Error>> {
    let p = || PAYLOAD.to_owned();
    let js = || "javascript:alert(7)".to_owned();
    let mut home = fixtures::home();
    home.layout = hostile_layout();
    home.organizations = vec![OrganizationCard {
        name: p(),
        url: js(),
        logo_url: Some(js()),
        description: Some(p()),
    }];
    assert_escaped(&crate::home(&home)?);

    let mut issuer = fixtures::issuer();
    issuer.layout = hostile_layout();
    issuer.name = p();
    issuer.logo_url = Some(js());
    issuer.description = Some(p());
    issuer.website = Some(js());
    issuer.email = Some(p());
    issuer.achievements = vec![AchievementCard {
        name: p(),
        achievement_type: p(),
        description: p(),
        image_url: Some(js()),
        image_alt: p(),
        url: Some(js()),
        facts: vec![],
        criteria: None,
    }];
    issuer.did = p();
    issuer.did_document_url = p();
    issuer.keys = vec![KeyView {
        id: p(),
        key_type: p(),
        created: p(),
        retired: Some(p()),
    }];
    assert_escaped(&crate::issuer(&issuer)?);

    let mut error = fixtures::error(500);
    error.layout = hostile_layout();
    error.title = p();
    error.message = p();
    error.request_id = Some(p());
    assert_escaped(&crate::error_page(&error)?);
    Ok(())
}

#[test]
fn url_filters_allow_only_safe_schemes() {
    assert_eq!(href(Some("https://example.org/a")), "https://example.org/a");
    assert_eq!(href(Some(" HTTP://example.org")), "HTTP://example.org");
    assert_eq!(href(Some("mailto:a@example.org")), "mailto:a@example.org");
    assert_eq!(href(Some("/issuers/acme")), "/issuers/acme");
    assert_eq!(href(Some("//evil.example")), "");
    assert_eq!(href(Some("/\\evil.example")), "");
    assert_eq!(href(Some("javascript:alert(1)")), "");
    assert_eq!(href(Some("JaVaScRiPt:alert(1)")), "");
    assert_eq!(href(Some("data:text/html,<b>")), "");
    assert_eq!(href(Some("relative/path")), "");
    assert_eq!(href(Some("")), "");
    assert_eq!(
        img_src(Some("data:image/png;base64,AAAA")),
        "data:image/png;base64,AAAA"
    );
    assert_eq!(
        img_src(Some("DATA:image/svg+xml,%3Csvg")),
        "DATA:image/svg+xml,%3Csvg"
    );
    assert_eq!(img_src(Some("data:text/html,x")), "");
    assert_eq!(img_src(Some("/images/abc")), "/images/abc");
    assert_eq!(img_src(Some("é")), "");
}

#[test]
fn html_escaping_covers_text_and_attributes() {
    assert_eq!(
        crate::escape::escape_html("<a href=\"x\" title='y'>&amp;</a>"),
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
    );
}

#[test]
fn query_values_are_fully_encoded() {
    assert_eq!(
        query_value("https://a.example/x?y=1&z=é"),
        "https%3A%2F%2Fa.example%2Fx%3Fy%3D1%26z%3D%C3%A9"
    );
}

#[test]
fn paragraphs_split_at_blank_lines() {
    assert_eq!(
        paragraphs(Some("One\ntwo\n\n  \nThree\r\n\r\nFour  ")),
        vec!["One two", "Three", "Four"]
    );
    assert!(paragraphs(Some("  \n ")).is_empty());
    assert!(paragraphs(None).is_empty());
    assert_eq!(href(None), "");
}

#[test]
fn the_checker_catches_what_it_should() {
    assert!(has_attribute("<p style=\"x\">", |n| n == "style"));
    assert!(has_attribute("<a onclick='x'>", |n| n.starts_with("on")));
    assert!(!has_attribute("<p>style=&quot;x&quot;</p>", |n| n == "style"));
    assert!(!has_attribute("<a href=\"/verify?url=x\">", |n| n == "url"));
    assert!(!has_attribute("<img alt=\"a onerror=x\" src=y>", |n| n == "onerror"));
    assert!(has_attribute("<img alt=\"a\" src=y onerror=x>", |n| n == "onerror"));
    assert_eq!(
        attribute_names("svg class=\"i\" aria-hidden=\"true\" hidden"),
        ["class", "aria-hidden", "hidden"]
    );
}
