//! Conversions from the verifier's report, banners and dates.

use accolade_credentials::verify::{
    Check, CheckKind, Flags, InputFormat, Outcome, Report, Verdict,
};
use serde_json::json;
use time::macros::datetime;

use crate::views::{Banner, CheckView, ReportView, Status, VerificationView};

fn report(verdict: Verdict, flags: Flags) -> Report {
    Report {
        verdict,
        summary: "Summary.".to_owned(),
        format: InputFormat::Png,
        kind: accolade_credentials::verify::CredentialKind::Ob3DataIntegrity,
        flags,
        issuer_id: Some("did:web:example.org".to_owned()),
        issuer_name: Some("Example".to_owned()),
        checks: vec![
            Check {
                check: CheckKind::Proof,
                outcome: Outcome::Passed,
                message: "The proof matches.".to_owned(),
            },
            Check {
                check: CheckKind::Status,
                outcome: Outcome::Failed,
                message: "Revoked.".to_owned(),
            },
        ],
        credential: Some(json!({
            "credentialSubject": [{
                "achievement": {
                    "name": "Welding Level 2",
                    "image": { "id": "data:image/png;base64,iVBORw0KGgo=", "type": "Image" }
                }
            }]
        })),
    }
}

#[test]
fn status_prefers_the_most_telling_flag() {
    let flags = |revoked, suspended, expired| Flags {
        revoked,
        suspended,
        expired,
        not_yet_valid: false,
    };
    let status = |v, f| Status::from_report(&report(v, f));
    assert_eq!(
        status(Verdict::Valid, flags(false, false, false)),
        Status::Verified
    );
    assert_eq!(
        status(Verdict::Invalid, flags(true, true, true)),
        Status::Revoked
    );
    assert_eq!(
        status(Verdict::Invalid, flags(false, true, true)),
        Status::Suspended
    );
    assert_eq!(
        status(Verdict::Invalid, flags(false, false, true)),
        Status::Expired
    );
    assert_eq!(
        status(Verdict::Invalid, flags(false, false, false)),
        Status::Invalid
    );
    assert_eq!(
        status(Verdict::Unchecked, flags(false, false, false)),
        Status::Unchecked
    );
}

#[test]
fn report_view_takes_what_the_page_shows() {
    let view = ReportView::from_report(&report(Verdict::Invalid, Flags::default()), "now");
    assert_eq!(view.status, Status::Invalid);
    assert_eq!(view.format, "Baked PNG image");
    assert_eq!(view.achievement_name.as_deref(), Some("Welding Level 2"));
    assert_eq!(
        view.image_url.as_deref(),
        Some("data:image/png;base64,iVBORw0KGgo=")
    );
    assert_eq!(
        view.checks[0],
        CheckView::new("Signature", Outcome::Passed, "The proof matches.")
    );
    assert!(view.credential_json.is_some_and(|j| j.contains("\n  ")));

    let mut remote = report(Verdict::Valid, Flags::default());
    remote.credential = Some(json!({
        "credentialSubject": { "achievement": { "name": "X", "image": "https://cdn.example/x.png" } }
    }));
    let view = ReportView::from_report(&remote, "now");
    assert_eq!(view.image_url, None, "remote images are not shown");

    let panel = VerificationView::from_report(&remote, "9 June 2025, 10:42 UTC");
    assert_eq!(panel.checks.len(), 2);
    assert_eq!(panel.checks[1].label, "Revocation status");
}

#[test]
fn banner_words() {
    let b = Banner::new(
        accolade_app::i18n::Lang::En,
        Status::Revoked,
        Some("Acme"),
        None,
        Some("  "),
    );
    assert_eq!((b.tone, b.title), ("bad", "Revoked"));
    assert_eq!(b.reason, None, "a blank reason is not shown");
    let b = Banner::new(
        accolade_app::i18n::Lang::En,
        Status::Verified,
        None,
        None,
        Some("ignored"),
    );
    assert_eq!(b.message, "This badge is authentic and currently valid.");
    assert_eq!(b.reason, None);
    let b = Banner::new(
        accolade_app::i18n::Lang::En,
        Status::Expired,
        None,
        Some("1 May 2024"),
        None,
    );
    assert!(b.message.contains("expired on 1 May 2024"));
}

#[test]
fn dates_read_naturally() {
    assert_eq!(
        crate::format_date(datetime!(2025-03-04 23:30 UTC)),
        "4 March 2025"
    );
    assert_eq!(
        crate::format_datetime(datetime!(2025-03-04 23:30 -02:00)),
        "5 March 2025, 01:30 UTC"
    );
}
