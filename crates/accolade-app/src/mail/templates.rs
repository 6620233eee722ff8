//! The emails Accolade writes, each as plain text and as HTML. Every value from users
//! (names, reasons) is escaped in the HTML; the HTML is deliberately old-fashioned (tables,
//! inline styles, no external resources but the badge image) so that mail clients show it.

pub use super::language::MailLanguage;
use crate::i18n::tr;
use time::OffsetDateTime;

/// `pattern` with each `{key}` replaced by `show(value)`, in one pass (a value that holds
/// `{…}` itself is never expanded); the literal text goes through `literal`.
fn substitute(
    pattern: &str,
    values: &[(&str, &str)],
    literal: impl Fn(&str) -> String,
    show: impl Fn(&str) -> String,
) -> String {
    let mut out = String::with_capacity(pattern.len() + 64);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let found = rest[open + 1..].find('}').and_then(|close| {
            let key = &rest[open + 1..open + 1 + close];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (close, *v))
        });
        match found {
            Some((close, value)) => {
                out.push_str(&literal(&rest[..open]));
                out.push_str(&show(value));
                rest = &rest[open + close + 2..];
            }
            None => {
                out.push_str(&literal(&rest[..=open]));
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(&literal(rest));
    out
}

/// `pattern` with each `{key}` replaced by its value.
pub(crate) fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    substitute(pattern, values, str::to_owned, str::to_owned)
}

/// `pattern` escaped for HTML, each `{key}` replaced by its escaped value in bold.
pub(crate) fn fill_html_bold(pattern: &str, values: &[(&str, &str)]) -> String {
    substitute(pattern, values, escape, |v| {
        format!("<strong>{}</strong>", escape(v))
    })
}

/// One email's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailContent {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The side of the badge image in the email, in CSS pixels.
pub(crate) const BADGE_IMAGE_PX: u32 = 160;

/// "You have a badge": what the earner gets when an award is issued.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BadgeIssued<'a> {
    pub org_name: &'a str,
    pub badge_name: &'a str,
    pub badge_description: &'a str,
    pub image_url: Option<&'a str>,
    pub recipient_name: Option<&'a str>,
    /// Where "view your badge" leads: the award's claim link, which shows the badge at once
    /// and lets the earner add it to a backpack.
    pub view_url: &'a str,
    pub linkedin_url: &'a str,
    pub valid_until: Option<OffsetDateTime>,
    pub language: MailLanguage,
}

/// "Your badge was revoked", with the issuer's reason.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Revoked<'a> {
    pub org_name: &'a str,
    pub badge_name: &'a str,
    pub recipient_name: Option<&'a str>,
    pub credential_url: &'a str,
    /// `None`: the issuer gave no reason.
    pub reason: Option<&'a str>,
    /// The credential's language.
    pub language: MailLanguage,
}

pub(crate) fn badge_issued(b: &BadgeIssued<'_>) -> EmailContent {
    let w = b.language.issued_words();
    let names = [("org", b.org_name), ("badge", b.badge_name)];
    let subject = one_line(&fill(w.subject, &names));
    let hello = match b.recipient_name {
        Some(n) => fill(w.hello_name, &[("name", n)]),
        None => w.hello.to_owned(),
    };
    let expiry = b
        .valid_until
        .map(|t| fill(w.valid_until, &[("date", &localized_date(b.language, t))]));
    let footer = fill(w.footer, &[("org", b.org_name)]);
    let mut text = format!(
        "{hello}\n\n{}\n\n{}\n\n{} {}\n\n{} {}\n",
        fill(w.awarded, &names),
        b.badge_description,
        w.view_text,
        b.view_url,
        w.linkedin_text,
        b.linkedin_url,
    );
    if let Some(expiry) = &expiry {
        text.push_str(&format!("\n{expiry}\n"));
    }
    text.push_str(&format!("\n{footer}\n"));

    let image = b.image_url.map_or_else(String::new, |url| {
        format!(
            r#"<tr><td align="center" style="padding:32px 32px 0;"><img src="{}" alt="{}" width="{px}" height="{px}" style="display:block;border:0;width:{px}px;height:{px}px;"></td></tr>"#,
            escape(url),
            escape(b.badge_name),
            px = BADGE_IMAGE_PX,
        )
    });
    let expiry_html = expiry.map_or_else(String::new, |e| {
        format!(r#"<p style="margin:0 0 16px;">{}</p>"#, escape(&e))
    });
    let inner = format!(
        r#"{image}
<tr><td style="padding:24px 32px 8px;font-size:16px;line-height:24px;">
<p style="margin:0 0 16px;">{hello}</p>
<p style="margin:0 0 16px;">{awarded}</p>
<p style="margin:0 0 16px;color:#4b5563;">{description}</p>
{expiry_html}</td></tr>
<tr><td align="center" style="padding:8px 32px 24px;">
{view}
{linkedin}
</td></tr>"#,
        hello = escape(&hello),
        awarded = fill_html_bold(w.awarded_html, &names),
        description = escape(b.badge_description),
        view = button(b.view_url, w.view_button, "#1d4ed8"),
        linkedin = button(b.linkedin_url, w.linkedin_button, "#0a66c2"),
    );
    EmailContent {
        html: layout(b.language, &subject, &inner, &footer),
        subject,
        text,
    }
}

pub(crate) fn revocation(r: &Revoked<'_>) -> EmailContent {
    let lang = r.language.lang();
    let names = [("org", r.org_name), ("badge", r.badge_name)];
    let subject = one_line(&fill(
        tr(lang, "Your badge \"{badge}\" from {org} was revoked"),
        &names,
    ));
    let hello = match r.recipient_name {
        Some(n) => fill(tr(lang, "Hello {name},"), &[("name", n)]),
        None => tr(lang, "Hello,").to_owned(),
    };
    let revoked = tr(lang, "{org} has revoked your badge \"{badge}\".");
    let reason_label = tr(lang, "Reason:");
    let reason = r.reason.unwrap_or(tr(lang, "not given"));
    let sees = tr(
        lang,
        "Anyone who checks the badge now sees that it is revoked.",
    );
    let footer = fill(
        tr(
            lang,
            "Your badge is an Open Badges 3.0 credential signed by {org}: anyone can check it at its link, with Accolade or any other verifier.",
        ),
        &[("org", r.org_name)],
    );
    let text = format!(
        "{hello}\n\n{}\n\n{reason_label} {reason}\n\n{sees} {}\n\n{footer}\n",
        fill(revoked, &names),
        r.credential_url,
    );
    let inner = format!(
        r#"<tr><td style="padding:32px 32px 8px;font-size:16px;line-height:24px;">
<p style="margin:0 0 16px;">{hello}</p>
<p style="margin:0 0 16px;">{revoked}</p>
<p style="margin:0 0 16px;"><strong>{reason_label}</strong> {reason}</p>
<p style="margin:0 0 16px;">{sees}</p>
</td></tr>
<tr><td align="center" style="padding:8px 32px 24px;">{view}</td></tr>"#,
        hello = escape(&hello),
        revoked = fill_html_bold(revoked, &names),
        reason_label = escape(reason_label),
        reason = escape(reason),
        sees = escape(sees),
        view = button(r.credential_url, tr(lang, "See the badge"), "#4b5563"),
    );
    EmailContent {
        html: layout(r.language, &subject, &inner, &footer),
        subject,
        text,
    }
}

pub(crate) fn greeting(name: Option<&str>) -> String {
    match name {
        Some(n) => format!("Hello {n},"),
        None => "Hello,".into(),
    }
}

pub(crate) fn button(href: &str, label: &str, colour: &str) -> String {
    format!(
        r#"<a href="{}" style="display:inline-block;margin:4px;padding:12px 20px;background:{colour};color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">{}</a>"#,
        escape(href),
        escape(label)
    )
}

/// The frame every HTML email shares: a centred 560-pixel table, `footer` in small print.
pub(crate) fn layout(language: MailLanguage, title: &str, rows: &str, footer: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{title}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:560px;background:#ffffff;border-radius:8px;font-family:Arial,Helvetica,sans-serif;color:#111827;">
{rows}
<tr><td style="padding:16px 32px 32px;font-size:13px;line-height:20px;color:#6b7280;">{footer}</td></tr>
</table></td></tr></table>
</body></html>
"#,
        lang = language.tag(),
        title = escape(title),
        footer = escape(footer),
    )
}

/// The date (UTC) as the email's language writes it: `1 March 2028`, `1. März 2028`.
pub(crate) fn localized_date(language: MailLanguage, t: OffsetDateTime) -> String {
    crate::i18n::format_date(language.lang(), t.to_offset(time::UtcOffset::UTC))
}

/// `1 March 2028` (UTC).
pub(crate) fn long_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{} {} {}", t.day(), t.month(), t.year())
}

/// A header-safe single line: control characters (newlines included) become spaces.
pub(crate) fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Escapes text for HTML element content and double-quoted attributes.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn issued() -> BadgeIssued<'static> {
        BadgeIssued {
            org_name: "Acme <Academy>",
            badge_name: "First \"Aid\"\r\nBcc: x@evil.example",
            badge_description: "<script>alert(1)</script>",
            image_url: Some("https://badges.example.org/images/1"),
            recipient_name: Some("Ada & Co"),
            view_url: "https://badges.example.org/claim/abc",
            linkedin_url: "https://www.linkedin.com/profile/add?a=1&b=2",
            valid_until: Some(datetime!(2028-03-01 09:30 UTC)),
            language: MailLanguage::English,
        }
    }

    #[test]
    fn badge_issued_is_escaped_and_complete() {
        let mail = badge_issued(&issued());
        assert!(!mail.subject.contains('\n') && !mail.subject.contains('\r'));
        assert!(
            mail.text
                .contains("View your badge: https://badges.example.org/claim/abc")
        );
        assert!(mail.text.contains("valid until 1 March 2028"));
        assert!(
            mail.text
                .contains("https://www.linkedin.com/profile/add?a=1&b=2")
        );
        let html = &mail.html;
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("Acme &lt;Academy&gt;"));
        assert!(html.contains("Hello Ada &amp; Co,"));
        assert!(html.contains(r#"href="https://www.linkedin.com/profile/add?a=1&amp;b=2""#));
        assert!(html.contains(r#"<img src="https://badges.example.org/images/1""#));
        // No external resources but the badge image.
        assert_eq!(html.matches("src=").count(), 1);
        assert!(!html.contains("<link") && !html.contains("url("));
    }

    #[test]
    fn badge_issued_in_the_credential_language() {
        for (language, hello, view, date) in [
            (
                MailLanguage::Spanish,
                "Hola Ada & Co:",
                "Ver tu insignia:",
                "1 de marzo de 2028",
            ),
            (
                MailLanguage::French,
                "Bonjour Ada & Co,",
                "Voir votre badge :",
                "1 mars 2028",
            ),
            (
                MailLanguage::German,
                "Hallo Ada & Co,",
                "Zu Ihrem Badge:",
                "1. März 2028",
            ),
        ] {
            let mail = badge_issued(&BadgeIssued {
                language,
                ..issued()
            });
            assert!(mail.text.starts_with(hello), "{}", mail.text);
            assert!(mail.text.contains(view), "{}", mail.text);
            assert!(mail.text.contains(date), "{}", mail.text);
            assert!(!mail.text.contains("View your badge"), "{}", mail.text);
            assert!(!mail.subject.contains("awarded you"), "{}", mail.subject);
            assert!(
                mail.html
                    .contains(&format!("<html lang=\"{}\">", language.tag()))
            );
        }
    }

    #[test]
    fn placeholders_are_filled_once() {
        let values = [("org", "{badge}"), ("badge", "<b>")];
        assert_eq!(
            fill("{org} gave {badge} {x}", &values),
            "{badge} gave <b> {x}"
        );
        assert_eq!(
            fill_html_bold("{org} & {badge}", &values),
            "<strong>{badge}</strong> &amp; <strong>&lt;b&gt;</strong>"
        );
    }

    #[test]
    fn no_image_no_expiry() {
        let mail = badge_issued(&BadgeIssued {
            image_url: None,
            valid_until: None,
            recipient_name: None,
            ..issued()
        });
        assert!(!mail.html.contains("<img"));
        assert!(!mail.text.contains("valid until"));
        assert!(mail.text.starts_with("Hello,"));
    }

    #[test]
    fn revocation_gives_the_reason() {
        let mail = revocation(&Revoked {
            org_name: "Acme",
            badge_name: "First Aid",
            recipient_name: None,
            credential_url: "https://badges.example.org/credentials/1",
            reason: Some("Issued in <error>"),
            language: MailLanguage::English,
        });
        assert_eq!(
            mail.subject,
            "Your badge \"First Aid\" from Acme was revoked"
        );
        assert!(mail.text.contains("Reason: Issued in <error>"));
        assert!(mail.html.contains("Issued in &lt;error&gt;"));
    }

    #[test]
    fn revocation_speaks_the_credentials_language() {
        let mail = revocation(&Revoked {
            org_name: "Acme",
            badge_name: "Erste Hilfe",
            recipient_name: Some("Lena"),
            credential_url: "https://badges.example.org/credentials/1",
            reason: None,
            language: MailLanguage::German,
        });
        assert_eq!(
            mail.subject,
            "Ihr Badge „Erste Hilfe“ von Acme wurde widerrufen"
        );
        assert!(mail.text.starts_with("Hallo Lena,"), "{}", mail.text);
        assert!(
            mail.text.contains("Grund: nicht angegeben"),
            "{}",
            mail.text
        );
        assert!(mail.html.contains("lang=\"de\""));
        assert!(mail.html.contains("Badge ansehen"));
        for english in ["revoked", "Reason", "Hello", "See the badge"] {
            assert!(!mail.text.contains(english), "{english} in {}", mail.text);
            assert!(!mail.html.contains(english), "{english} in {}", mail.html);
        }
    }
}
