//! "Your badge expires soon": the reminder an earner gets at each of the organization's
//! offsets before the badge's `validUntil`, in the credential's language where a template
//! exists for it (English otherwise).

use super::language::credential_language;
use super::templates::{
    EmailContent, MailLanguage, button, escape, fill_html_bold, layout, localized_date, one_line,
};
use crate::i18n::{Lang, tr, tr_with};
use crate::{App, AppResult};
use accolade_core::{Achievement, Award, OutboxId};
use accolade_store::{OutboxMessage, OutboxState, QueuedEmail};
use time::OffsetDateTime;

use crate::jobs::JobKind;

/// The outbox `template` of an expiry reminder.
pub const EXPIRY_REMINDER: &str = "expiry_reminder";

/// What the reminder says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExpiringSoon<'a> {
    pub org_name: &'a str,
    pub badge_name: &'a str,
    pub recipient_name: Option<&'a str>,
    pub credential_url: &'a str,
    pub expires_at: OffsetDateTime,
    /// Days left as of writing, to the nearest day.
    pub days_left: i64,
    pub org_email: Option<&'a str>,
    pub language: MailLanguage,
}

fn days_words(lang: Lang, days: i64) -> String {
    match days {
        ..=0 => tr(lang, "less than a day").to_owned(),
        1 => tr(lang, "1 day").to_owned(),
        n => tr_with(lang, "{count} days", &[("count", &n.to_string())]),
    }
}

fn footer(lang: Lang, org: &str, contact: Option<&str>) -> String {
    let renew = match contact {
        Some(email) => tr_with(
            lang,
            "To renew it, contact {org} at {email}.",
            &[("org", org), ("email", email)],
        ),
        None => tr_with(lang, "To renew it, contact {org}.", &[("org", org)]),
    };
    let check = tr(
        lang,
        "Until it expires, anyone can check your badge at its link, with Accolade or any other verifier.",
    );
    format!("{renew} {check}")
}

fn hello(lang: Lang, name: Option<&str>) -> String {
    match name {
        Some(n) => tr_with(lang, "Hello {name},", &[("name", n)]),
        None => tr(lang, "Hello,").to_owned(),
    }
}

pub(crate) fn expiring_soon(r: &ExpiringSoon<'_>) -> EmailContent {
    let lang = r.language.lang();
    let date = localized_date(r.language, r.expires_at);
    let left = days_words(lang, r.days_left);
    let values = [
        ("badge", r.badge_name),
        ("org", r.org_name),
        ("date", date.as_str()),
        ("left", left.as_str()),
    ];
    let subject = one_line(&tr_with(
        lang,
        "Your badge \"{badge}\" from {org} expires on {date}",
        &values,
    ));
    let footer = footer(lang, r.org_name, r.org_email);
    let greeting = hello(lang, r.recipient_name);
    let text = format!(
        "{greeting}\n\n{}\n\n{} {}\n\n{footer}\n",
        tr_with(
            lang,
            "Your badge \"{badge}\" from {org} expires on {date}, in {left}.",
            &values,
        ),
        tr(lang, "See your badge:"),
        r.credential_url,
    );
    let expires = fill_html_bold(
        tr(
            lang,
            "Your badge {badge} from {org} expires on {date}, in {left}.",
        ),
        &values,
    );
    let inner = format!(
        r#"<tr><td style="padding:32px 32px 8px;font-size:16px;line-height:24px;">
<p style="margin:0 0 16px;">{greeting}</p>
<p style="margin:0 0 16px;">{expires}</p>
</td></tr>
<tr><td align="center" style="padding:8px 32px 24px;">{view}</td></tr>"#,
        greeting = escape(&greeting),
        view = button(r.credential_url, tr(lang, "See your badge"), "#1d4ed8"),
    );
    EmailContent {
        html: layout(r.language, &subject, &inner, &footer),
        subject,
        text,
    }
}

impl App {
    /// The reminder that `award` expires, sent `offset_days` before, with its send job (keyed
    /// by award and offset, so that queueing it twice sends it once).
    pub(crate) fn expiry_reminder_email(
        &self,
        org: &accolade_core::Organization,
        achievement: &Achievement,
        award: &Award,
        offset_days: u32,
        expires_at: OffsetDateTime,
    ) -> AppResult<QueuedEmail> {
        let now = self.now();
        let credential_url = self.urls().credential(award.id);
        let content = expiring_soon(&ExpiringSoon {
            org_name: &org.name,
            badge_name: &achievement.name,
            recipient_name: award.recipient_name.as_deref(),
            credential_url: &credential_url,
            expires_at,
            // To the nearest day: a scan a few seconds late still says "in 19 days".
            days_left: ((expires_at - now).whole_hours() + 12).div_euclid(24),
            org_email: org.email.as_ref().map(|e| e.as_str()),
            language: MailLanguage::for_tag(credential_language(&award.credential)),
        });
        let id = OutboxId::new();
        let key = format!("mail:{EXPIRY_REMINDER}:{}:{offset_days}", award.id);
        Ok(QueuedEmail {
            message: OutboxMessage {
                id,
                org_id: Some(award.org_id),
                award_id: Some(award.id),
                template: EXPIRY_REMINDER.to_owned(),
                to: award.recipient_email.clone(),
                subject: content.subject,
                body_text: content.text,
                body_html: content.html,
                state: OutboxState::Queued,
                attempts: 0,
                last_error: None,
                created_at: now,
                sent_at: None,
            },
            job: JobKind::SendEmail { outbox_id: id }.new_job(Some(key), now),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn reminder_is_escaped_and_says_when() {
        let mail = expiring_soon(&ExpiringSoon {
            org_name: "Acme <Academy>",
            badge_name: "First \"Aid\"\r\nBcc: x@evil.example",
            recipient_name: Some("Ada & Co"),
            credential_url: "https://badges.example.org/credentials/1",
            expires_at: datetime!(2027-03-01 09:30 UTC),
            days_left: 7,
            org_email: Some("badges@acme.example"),
            language: MailLanguage::English,
        });
        assert!(!mail.subject.contains('\n') && !mail.subject.contains('\r'));
        assert!(mail.subject.ends_with("expires on 1 March 2027"));
        assert!(mail.text.contains("expires on 1 March 2027, in 7 days"));
        assert!(
            mail.text
                .contains("See your badge: https://badges.example.org/credentials/1")
        );
        assert!(
            mail.text
                .contains("contact Acme <Academy> at badges@acme.example")
        );
        assert!(mail.html.contains("Hello Ada &amp; Co,"));
        assert!(mail.html.contains("Acme &lt;Academy&gt;"));
        assert!(!mail.html.contains("<Academy>"));
        assert_eq!(days_words(Lang::En, 1), "1 day");
        assert_eq!(days_words(Lang::En, 0), "less than a day");
    }

    #[test]
    fn reminder_in_the_credential_language() {
        let mail = |language| {
            expiring_soon(&ExpiringSoon {
                org_name: "Acme",
                badge_name: "Erste Hilfe",
                recipient_name: None,
                credential_url: "https://badges.example.org/credentials/1",
                expires_at: datetime!(2027-03-01 09:30 UTC),
                days_left: 7,
                org_email: None,
                language,
            })
        };
        let de = mail(MailLanguage::German);
        assert_eq!(
            de.subject,
            "Ihr Badge „Erste Hilfe“ von Acme läuft am 1. März 2027 ab"
        );
        assert!(de.text.starts_with("Hallo,"), "{}", de.text);
        assert!(de.text.contains("in 7 Tagen"), "{}", de.text);
        assert!(de.html.contains("<html lang=\"de\">"));
        let es = mail(MailLanguage::Spanish);
        assert!(
            es.text.contains("el 1 de marzo de 2027, dentro de 7 días"),
            "{}",
            es.text
        );
        let fr = mail(MailLanguage::French);
        assert!(
            fr.text.contains("le 1 mars 2027, dans 7 jours"),
            "{}",
            fr.text
        );
        for lang in [Lang::Es, Lang::Fr, Lang::De] {
            for days in [0, 1, 5] {
                assert_ne!(days_words(lang, days), days_words(Lang::En, days));
            }
        }
    }
}
