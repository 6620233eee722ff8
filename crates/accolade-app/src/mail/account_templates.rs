//! The account emails: an invitation to join an organization, and a password reset link.
//! Both carry a secret link; they say how long it works and what to do if unexpected.

use super::templates::{
    EmailContent, MailLanguage, button, escape, fill_html_bold, greeting, layout, long_date,
    one_line,
};
use time::OffsetDateTime;

/// "Join {org} on Accolade".
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Invited<'a> {
    pub org_name: &'a str,
    pub inviter_name: &'a str,
    /// What the role allows, e.g. "an issuer (you can issue and revoke badges)".
    pub role: &'a str,
    pub accept_url: &'a str,
    pub expires_at: OffsetDateTime,
}

/// "Reset your password".
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reset<'a> {
    pub user_name: &'a str,
    pub email: &'a str,
    pub reset_url: &'a str,
    pub valid_minutes: i64,
}

const UNEXPECTED_INVITATION: &str =
    "If you did not expect this invitation, you can ignore this email.";
const UNEXPECTED_RESET: &str = "If you did not ask for this, ignore this email: your password \
     stays as it is, and nobody can change it without this link.";

pub(crate) fn invitation(i: &Invited<'_>) -> EmailContent {
    let subject = one_line(&format!(
        "{} invited you to join {} on Accolade",
        i.inviter_name, i.org_name
    ));
    let expires = long_date(i.expires_at);
    let text = format!(
        "Hello,\n\n{} invited you to join {} on Accolade as {}.\n\n\
         Accept the invitation: {}\n\n\
         The link works once, until {expires}. You can create an account with this email \
         address, or sign in to the one you have.\n\n{UNEXPECTED_INVITATION}\n",
        i.inviter_name, i.org_name, i.role, i.accept_url,
    );
    let invited = fill_html_bold(
        "{inviter} invited you to join {org} on Accolade as {role}.",
        &[
            ("inviter", i.inviter_name),
            ("org", i.org_name),
            ("role", i.role),
        ],
    );
    let expires = escape(&expires);
    let action = (i.accept_url, "Accept the invitation");
    let more = format!(
        "The link works once, until {expires}. You can create an account with this email address, or sign in to the one you have."
    );
    framed(
        subject,
        text,
        &["Hello,", &invited, &more],
        action,
        "",
        UNEXPECTED_INVITATION,
    )
}

pub(crate) fn password_reset(r: &Reset<'_>) -> EmailContent {
    let subject = "Reset your Accolade password".to_owned();
    let hello = greeting(Some(r.user_name));
    let text = format!(
        "{hello}\n\nSomeone, hopefully you, asked to reset the password of the Accolade \
         account {}.\n\nChoose a new password: {}\n\n\
         The link works once, within {} minutes.\n\n{UNEXPECTED_RESET}\n",
        r.email, r.reset_url, r.valid_minutes,
    );
    let asked = fill_html_bold(
        "Someone, hopefully you, asked to reset the password of the Accolade account {email}.",
        &[("email", r.email)],
    );
    let within = format!("The link works once, within {} minutes.", r.valid_minutes);
    framed(
        subject,
        text,
        &[&escape(&hello), &asked, &within],
        (r.reset_url, "Choose a new password"),
        "",
        UNEXPECTED_RESET,
    )
}

/// The frame of every account email (sign-up, invitation, reset): `paragraphs` (HTML,
/// escaped already) in the message block, the button `action` (link, label), then `after`
/// (more table rows, or nothing), in the common layout with `unexpected` at the foot.
pub(super) fn framed(
    subject: String,
    text: String,
    paragraphs: &[&str],
    action: (&str, &str),
    after: &str,
    unexpected: &str,
) -> EmailContent {
    let paragraphs: String = paragraphs
        .iter()
        .map(|p| format!("<p style=\"margin:0 0 16px;\">{p}</p>\n"))
        .collect();
    // The button's cell keeps the block's bottom padding when nothing follows it.
    let bottom = if after.is_empty() { 24 } else { 8 };
    let inner = format!(
        r#"<tr><td style="padding:32px 32px 8px;font-size:16px;line-height:24px;">
{paragraphs}</td></tr>
<tr><td align="center" style="padding:8px 32px {bottom}px;">{button}</td></tr>{after}"#,
        button = button(action.0, action.1, "#1d4ed8"),
    );
    EmailContent {
        html: layout(MailLanguage::English, &subject, &inner, unexpected),
        subject,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn invitation_links_and_escapes() {
        let mail = invitation(&Invited {
            org_name: "Acme <Academy>",
            inviter_name: "Ada\r\nBcc: x@evil.example",
            role: "an issuer (you can issue and revoke badges)",
            accept_url: "https://badges.example.org/invitations/abc?x=1&y=2",
            expires_at: datetime!(2026-03-08 09:30 UTC),
        });
        assert!(!mail.subject.contains('\n') && !mail.subject.contains('\r'));
        assert!(
            mail.text
                .contains("Accept the invitation: https://badges.example.org/invitations/abc")
        );
        assert!(mail.text.contains("until 8 March 2026"));
        assert!(mail.html.contains("<strong>Acme &lt;Academy&gt;</strong>"));
        assert!(
            mail.html
                .contains(r#"href="https://badges.example.org/invitations/abc?x=1&amp;y=2""#)
        );
        assert!(!mail.html.contains("src="), "no external resources");
    }

    #[test]
    fn reset_says_how_long_it_works() {
        let mail = password_reset(&Reset {
            user_name: "Ada <3",
            email: "ada@example.com",
            reset_url: "https://badges.example.org/reset/tok",
            valid_minutes: 60,
        });
        assert_eq!(mail.subject, "Reset your Accolade password");
        assert!(mail.text.starts_with("Hello Ada <3,"));
        assert!(
            mail.text
                .contains("Choose a new password: https://badges.example.org/reset/tok")
        );
        assert!(mail.text.contains("within 60 minutes"));
        assert!(mail.html.contains("Hello Ada &lt;3,"));
        assert!(
            mail.html
                .contains(r#"href="https://badges.example.org/reset/tok""#)
        );
    }
}
