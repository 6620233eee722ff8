use accolade_app::i18n::{Lang, tr, tr_with};
use accolade_credentials::verify::{Report, Verdict};
use serde::Serialize;

/// The state a credential is shown in: drives the banner's colour, icon and words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Authentic, not revoked or suspended, within its dates.
    Verified,
    Revoked,
    Suspended,
    Expired,
    NotYetValid,
    /// A check failed for another reason (signature, issuer key, shape…).
    Invalid,
    /// Nothing failed, but something needed could not be checked (an unreachable status
    /// list or key document, an unsupported proof): never shown as verified.
    Unchecked,
}

impl Status {
    /// Reads the status off a verification report. Revocation and suspension are named
    /// first because they say the most to the reader.
    pub fn from_report(report: &Report) -> Self {
        let flags = report.flags;
        match report.verdict {
            Verdict::Valid => Self::Verified,
            _ if flags.revoked => Self::Revoked,
            _ if flags.suspended => Self::Suspended,
            _ if flags.expired => Self::Expired,
            _ if flags.not_yet_valid => Self::NotYetValid,
            Verdict::Invalid => Self::Invalid,
            Verdict::Unchecked => Self::Unchecked,
        }
    }

    /// The CSS tone: green, red, amber, or the distinct amber of "could not be checked".
    /// Colour is never the only signal: the banner always carries an icon and a title in
    /// words.
    pub fn tone(self) -> &'static str {
        match self {
            Self::Verified => "good",
            Self::Revoked | Self::Invalid => "bad",
            Self::Suspended | Self::Expired | Self::NotYetValid => "caution",
            Self::Unchecked => "unchecked",
        }
    }

    fn icon(self) -> &'static str {
        match self {
            Self::Verified => "check",
            Self::Revoked | Self::Invalid => "cross",
            Self::Suspended => "pause",
            Self::Expired | Self::NotYetValid => "clock",
            Self::Unchecked => "question",
        }
    }

    /// The banner's title, in English.
    pub fn title(self) -> &'static str {
        match self {
            Self::Verified => "Verified",
            Self::Revoked => "Revoked",
            Self::Suspended => "Suspended",
            Self::Expired => "Expired",
            Self::NotYetValid => "Not yet valid",
            Self::Invalid => "Not valid",
            Self::Unchecked => "Could not be checked",
        }
    }
}

/// The status banner as the templates show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Banner {
    pub status: Status,
    pub tone: &'static str,
    pub icon: &'static str,
    /// The title and message, in the page's language.
    pub title: &'static str,
    pub message: String,
    /// The issuer's reason, for a revoked or suspended badge.
    pub reason: Option<String>,
}

impl Banner {
    /// `issuer` and `expired_on` (a formatted date) make the message specific when known.
    pub fn new(
        lang: Lang,
        status: Status,
        issuer: Option<&str>,
        expired_on: Option<&str>,
        reason: Option<&str>,
    ) -> Self {
        let said = |text: &str, values: &[(&str, &str)]| tr_with(lang, text, values);
        let message = match (status, issuer) {
            (Status::Verified, Some(name)) => said(
                "This badge is authentic, was issued by {issuer}, and is currently valid.",
                &[("issuer", name)],
            ),
            (Status::Verified, None) => said("This badge is authentic and currently valid.", &[]),
            (Status::Revoked, Some(name)) => said(
                "{issuer} has revoked this badge. It is no longer valid.",
                &[("issuer", name)],
            ),
            (Status::Revoked, None) => said(
                "The issuer has revoked this badge. It is no longer valid.",
                &[],
            ),
            (Status::Suspended, Some(name)) => said(
                "{issuer} has suspended this badge. It is not valid while suspended.",
                &[("issuer", name)],
            ),
            (Status::Suspended, None) => said(
                "The issuer has suspended this badge. It is not valid while suspended.",
                &[],
            ),
            (Status::Expired, _) => match expired_on {
                Some(date) => said(
                    "This badge expired on {date}. It was genuinely issued but is no longer current.",
                    &[("date", date)],
                ),
                None => said(
                    "This badge has expired. It was genuinely issued but is no longer current.",
                    &[],
                ),
            },
            (Status::NotYetValid, _) => said("This badge is not valid until a later date.", &[]),
            (Status::Invalid, _) => said(
                "One or more checks failed. Do not rely on this badge until the issuer confirms it.",
                &[],
            ),
            (Status::Unchecked, _) => said(
                "Nothing failed, but not everything needed could be checked, so this badge is not confirmed. Do not treat it as verified; try again later.",
                &[],
            ),
        };
        let reason = match status {
            Status::Revoked | Status::Suspended => reason
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
            _ => None,
        };
        Self {
            status,
            tone: status.tone(),
            icon: status.icon(),
            title: tr(lang, status.title()),
            message,
            reason,
        }
    }
}
