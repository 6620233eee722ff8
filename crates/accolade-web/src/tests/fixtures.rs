//! Realistic views for the tests and the screenshot preview.

use accolade_credentials::verify::Outcome;

use crate::views::{
    AchievementCard, AlignmentView, CheckView, CredentialView, ErrorView, EvidenceView, HomeView,
    IssuerView, KeyView, Layout, OrganizationCard, ReportView, Status, VerificationView,
    VerifyView,
};

pub const CREDENTIAL_URL: &str =
    "https://badges.example.org/credentials/0b7e52c4-6f1d-4c8e-9d43-1a2b3c4d5e6f";

/// A small badge drawn as SVG, inline so the preview needs no server.
pub fn badge_image() -> String {
    let svg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 200 200'>\
        <circle cx='100' cy='100' r='96' fill='#1d4e89'/>\
        <circle cx='100' cy='100' r='82' fill='none' stroke='#c9a227' stroke-width='6'/>\
        <path d='M100 42l16 33 36 5-26 25 6 36-32-17-32 17 6-36-26-25 36-5z' fill='#f3d36b'/>\
        <text x='100' y='168' font-family='sans-serif' font-size='15' font-weight='700' \
        fill='#ffffff' text-anchor='middle'>DATA SAFETY</text></svg>";
    format!(
        "data:image/svg+xml,{}",
        svg.replace('<', "%3C")
            .replace('>', "%3E")
            .replace('#', "%23")
    )
}

pub fn layout(title: &str) -> Layout {
    Layout::new(
        title,
        "A verified Open Badges 3.0 credential issued by Northwind Health Academy.",
    )
}

pub fn checks_valid() -> Vec<CheckView> {
    vec![
        CheckView::new(
            "Readable",
            Outcome::Passed,
            "The credential is well-formed JSON-LD.",
        ),
        CheckView::new(
            "Signature",
            Outcome::Passed,
            "The eddsa-rdfc-2022 proof matches the document.",
        ),
        CheckView::new(
            "Issuer key",
            Outcome::Passed,
            "The signing key is published by Northwind Health Academy.",
        ),
        CheckView::new(
            "Validity period",
            Outcome::Passed,
            "Valid from 14 March 2025 until 14 March 2028.",
        ),
        CheckView::new(
            "Revocation status",
            Outcome::Passed,
            "Not revoked or suspended according to the issuer's status list.",
        ),
    ]
}

pub fn credential(status: Status) -> CredentialView {
    let mut checks = checks_valid();
    let (summary, reason) = match status {
        Status::Revoked => {
            checks[4] = CheckView::new(
                "Revocation status",
                Outcome::Failed,
                "The issuer has revoked this credential.",
            );
            (
                "This credential has been revoked by its issuer.",
                Some("Awarded in error: the final assessment was not completed."),
            )
        }
        Status::Suspended => {
            checks[4] = CheckView::new(
                "Revocation status",
                Outcome::Failed,
                "The issuer has suspended this credential.",
            );
            ("This credential is suspended.", Some("Under review."))
        }
        Status::Expired => {
            checks[3] = CheckView::new(
                "Validity period",
                Outcome::Failed,
                "The credential expired on 14 March 2025.",
            );
            ("This credential has expired.", None)
        }
        Status::Unchecked => {
            checks[1] = CheckView::new(
                "Signature",
                Outcome::Inconclusive,
                "The proof type is not supported, so the signature was not checked.",
            );
            checks[2] = CheckView::new(
                "Issuer key",
                Outcome::Warning,
                "The issuer's DID document could not be fetched.",
            );
            (
                "Nothing failed, but authenticity could not be established.",
                None,
            )
        }
        Status::Invalid => {
            checks[1] = CheckView::new(
                "Signature",
                Outcome::Failed,
                "The proof does not match the document: it was changed after signing.",
            );
            (
                "The signature does not match: this credential was altered.",
                None,
            )
        }
        _ => (
            "All checks passed: this credential is authentic and current.",
            None,
        ),
    };
    CredentialView {
        layout: layout("Data Safety Practitioner").with_og_image(badge_image()),
        credential_id: format!("urn:uuid:{}", "0b7e52c4-6f1d-4c8e-9d43-1a2b3c4d5e6f"),
        credential_id_parts: vec![format!(
            "urn:uuid:{}",
            "0b7e52c4-6f1d-4c8e-9d43-1a2b3c4d5e6f"
        )],
        credential_url: CREDENTIAL_URL.to_owned(),
        verify_url: CREDENTIAL_URL.to_owned(),
        achievement_name: "Data Safety Practitioner".to_owned(),
        achievement_type: "Certificate".to_owned(),
        description: "Recognises clinicians and administrators who handle patient data \
            safely and lawfully in day-to-day practice.\n\nHolders have shown they can \
            apply the data-protection principles, respond to a breach and explain \
            patients' rights in plain language."
            .to_owned(),
        image_url: Some(badge_image()),
        image_alt: "Data Safety Practitioner badge: a gold star on a blue seal".to_owned(),
        recipient_name: Some("Amara Okonkwo-Lindqvist".to_owned()),
        issuer_name: "Northwind Health Academy".to_owned(),
        issuer_url: "/issuers/northwind".to_owned(),
        issuer_logo_url: None,
        issued_on: "14 March 2022".to_owned(),
        expires_on: Some(
            if status == Status::Expired {
                "14 March 2025"
            } else {
                "14 March 2028"
            }
            .to_owned(),
        ),
        criteria_narrative: Some(
            "Complete the six online modules of the Data Safety programme.\n\n\
             Pass the final assessment with a score of at least 80%, including a \
             practical breach-response scenario reviewed by an assessor."
                .to_owned(),
        ),
        criteria_url: Some("https://northwind.example.org/programmes/data-safety".to_owned()),
        alignments: vec![
            AlignmentView {
                name: "Protect personal data and privacy".to_owned(),
                framework: Some("ESCO".to_owned()),
                code: Some("S5.6.1".to_owned()),
                url: Some("https://esco.ec.europa.eu/en/classification/skill".to_owned()),
            },
            AlignmentView {
                name: "Information governance".to_owned(),
                framework: Some("O*NET".to_owned()),
                code: Some("2.C.9.b".to_owned()),
                url: None,
            },
            AlignmentView {
                name: "Incident response".to_owned(),
                framework: None,
                code: None,
                url: None,
            },
        ],
        credits: Some("12 CPD hours".to_owned()),
        evidence: vec![EvidenceView {
            name: "Breach-response scenario, assessor's report".to_owned(),
            description: Some("Reviewed on 2 March 2022.".to_owned()),
            url: Some("https://northwind.example.org/evidence/4411".to_owned()),
            narrative: Some("Led the **tabletop** exercise.".to_owned()),
        }],
        language: None,
        language_name: None,
        results: vec![crate::views::ResultView {
            label: "Final grade".to_owned(),
            value: "Distinction".to_owned(),
        }],
        status,
        status_reason: reason.map(str::to_owned),
        replaced_by_url: None,
        renewed_by_url: None,
        verification: VerificationView {
            summary: summary.to_owned(),
            checked_at: "9 June 2025, 10:42 UTC".to_owned(),
            signature_checked_at: None,
            checks,
        },
        downloads: Some(crate::views::DownloadsView::for_credential(CREDENTIAL_URL)),
        share: None,
    }
}

pub fn home() -> HomeView {
    HomeView {
        layout: layout("Digital badges"),
        issue_url: "/signup?next=/dashboard".to_owned(),
        organizations: vec![
            OrganizationCard {
                name: "Northwind Health Academy".to_owned(),
                url: "/issuers/northwind".to_owned(),
                logo_url: Some("/images/logo-northwind".to_owned()),
                description: Some("Continuing education for healthcare staff.".to_owned()),
            },
            OrganizationCard {
                name: "Guild of Structural Engineers".to_owned(),
                url: "/issuers/guild".to_owned(),
                logo_url: None,
                description: None,
            },
        ],
    }
}

pub fn issuer() -> IssuerView {
    IssuerView {
        layout: layout("Northwind Health Academy"),
        name: "Northwind Health Academy".to_owned(),
        logo_url: None,
        description: Some("Continuing education for healthcare staff since 1998.".to_owned()),
        website: Some("https://northwind.example.org".to_owned()),
        email: Some("badges@northwind.example.org".to_owned()),
        search: Default::default(),
        achievements: vec![
            AchievementCard {
                name: "Data Safety Practitioner".to_owned(),
                achievement_type: "Certificate".to_owned(),
                description: "Handles patient data safely and lawfully.".to_owned(),
                image_url: Some(badge_image()),
                image_alt: "Data Safety Practitioner badge".to_owned(),
                url: None,
                facts: vec![],
                criteria: None,
            },
            AchievementCard {
                name: "Infection Control Basics".to_owned(),
                achievement_type: "Course".to_owned(),
                description: "Hand hygiene, PPE and safe waste handling.".to_owned(),
                image_url: None,
                image_alt: String::new(),
                url: Some("/issuers/northwind/achievements/infection-control".to_owned()),
                facts: vec![],
                criteria: None,
            },
        ],
        did: "did:web:badges.example.org:issuers:northwind".to_owned(),
        did_document_url: "https://badges.example.org/issuers/northwind/did.json".to_owned(),
        keys: vec![
            KeyView {
                id: "did:web:badges.example.org:issuers:northwind#key-2".to_owned(),
                key_type: "Ed25519 (Multikey)".to_owned(),
                created: "2 January 2025".to_owned(),
                retired: None,
            },
            KeyView {
                id: "did:web:badges.example.org:issuers:northwind#key-1".to_owned(),
                key_type: "Ed25519 (Multikey)".to_owned(),
                created: "3 May 2021".to_owned(),
                retired: Some("2 January 2025".to_owned()),
            },
        ],
    }
}

pub fn report(status: Status) -> ReportView {
    let credential = credential(status);
    ReportView {
        status,
        summary: credential.verification.summary,
        format: "Baked PNG image".to_owned(),
        kind: Some("Open Badges 3.0 (Data Integrity proof)".to_owned()),
        issuer_name: Some("Northwind Health Academy".to_owned()),
        issuer_id: Some("did:web:badges.example.org:issuers:northwind".to_owned()),
        achievement_name: Some("Data Safety Practitioner".to_owned()),
        language: Some("en".into()),
        image_url: Some(badge_image()),
        checks: credential.verification.checks,
        checked_at: "9 June 2025, 10:42 UTC".to_owned(),
        credential_json: Some(
            "{\n  \"@context\": [\n    \"https://www.w3.org/ns/credentials/v2\"\n  ],\n  \
             \"type\": [\"VerifiableCredential\", \"OpenBadgeCredential\"]\n}"
                .to_owned(),
        ),
        recipient_name: Some("Ada Lovelace".to_owned()),
        valid_from: Some("9 June 2025".to_owned()),
        valid_until: None,
        badge_page: Some("https://badges.example.org/credentials/1".to_owned()),
        status_detail: None,
    }
}

pub fn verify(report: Option<ReportView>) -> VerifyView {
    VerifyView {
        layout: layout("Verify a badge"),
        input: String::new(),
        email: String::new(),
        error: None,
        report,
    }
}

pub fn error(status: u16) -> ErrorView {
    let (title, message) = match status {
        404 => ("Page not found", "There is no page at this address."),
        413 => ("File too large", "Badge files up to 5 MB can be checked."),
        400 => ("Bad request", "The request could not be understood."),
        _ => (
            "Something went wrong",
            "The page could not be shown. Please try again later.",
        ),
    };
    ErrorView {
        layout: layout(title),
        status,
        title: title.to_owned(),
        message: message.to_owned(),
        request_id: Some("01JXA6Z7Q3M5".to_owned()),
    }
}
