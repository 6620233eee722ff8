//! The email an organization's admins get when Accolade turns a webhook endpoint off.

use crate::mail::templates::{EmailContent, MailLanguage, button, escape, layout, one_line};

/// "Webhooks to {url} were turned off": why, and the endpoint's page to turn them on again.
pub(crate) fn webhook_disabled(org: &str, url: &str, reason: &str, page: &str) -> EmailContent {
    let subject = one_line(&format!("{org}: webhooks to {url} were turned off"));
    let text = format!(
        "Hello,\n\nAccolade stopped sending {org}'s webhook events to {url}.\n\n{reason}\n\n\
         Events that happen now are not queued for it. When the receiver works again, \
         turn the endpoint back on and send failed deliveries again: {page}\n"
    );
    let rows = format!(
        r#"<tr><td style="padding:32px 32px 8px;font-size:16px;line-height:24px;">
<p style="margin:0 0 16px;">Accolade stopped sending {org}'s webhook events to <b>{url}</b>.</p>
<p style="margin:0 0 16px;">{reason}</p>
<p style="margin:0 0 16px;">Events that happen now are not queued for it. When the receiver works again, turn the endpoint back on and send failed deliveries again.</p></td></tr>
<tr><td align="center" style="padding:8px 32px 24px;">{button}</td></tr>"#,
        org = escape(org),
        url = escape(url),
        reason = escape(reason),
        button = button(page, "Open the endpoint", "#1d4ed8"),
    );
    EmailContent {
        html: layout(
            MailLanguage::English,
            &subject,
            &rows,
            "You get this email as an admin of the organization.",
        ),
        subject,
        text,
    }
}
