//! The effective status of an award: the one answer every surface gives (the credential
//! page, the verify page, embeds, the email-signature image, the link preview, the printed
//! certificate, the share panel and share links, OB 2.0 documents), and what it allows.
//! Views never decide this themselves: they show what [`App::effective_status`] says.

use crate::App;
use crate::i18n::{Lang, format_date, tr, tr_with};
use crate::sharing::ShareChannel;
use accolade_core::{AwardState, AwardStatusFields};
use time::OffsetDateTime;

/// An award's status now, with the issuer's reason and the dates that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveStatus {
    pub state: AwardState,
    /// The issuer's reason, for a revoked or suspended award.
    pub reason: Option<String>,
    /// When the issuer revoked or suspended it.
    pub since: Option<OffsetDateTime>,
    /// The end of its validity period (`validUntil`), if it has one.
    pub valid_until: Option<OffsetDateTime>,
}

/// Band colours of the status marks on pictures (red for revoked, amber otherwise).
const REVOKED_COLOUR: (u8, u8, u8) = (0xb3, 0x26, 0x1e);
const CAUTION_COLOUR: (u8, u8, u8) = (0x9a, 0x5b, 0x00);

impl EffectiveStatus {
    /// The status of `award` at `now`.
    pub fn of(award: &impl AwardStatusFields, now: OffsetDateTime) -> Self {
        let state = AwardState::of(award.status(), award.valid_until(), now);
        let withdrawn = matches!(state, AwardState::Revoked | AwardState::Suspended);
        Self {
            state,
            reason: award
                .status_reason()
                .map(str::trim)
                .filter(|r| withdrawn && !r.is_empty())
                .map(str::to_owned),
            since: award.status_changed_at().filter(|_| withdrawn),
            valid_until: award.valid_until(),
        }
    }

    /// Valid now: neither revoked, suspended nor expired.
    pub fn is_active(&self) -> bool {
        self.state == AwardState::Active
    }

    /// Whether the badge may be put forward as a current qualification: added to a LinkedIn
    /// profile, posted on LinkedIn, X or Facebook.
    pub fn may_promote(&self) -> bool {
        self.is_active()
    }

    /// Whether a share link on `channel` leads on. An email only passes on the page's
    /// address, and the page tells the status; every other channel promotes the badge.
    pub fn allows(&self, channel: ShareChannel) -> bool {
        channel == ShareChannel::Email || self.may_promote()
    }

    /// The word pictures and prints carry, `None` for a valid badge.
    pub fn word(&self) -> Option<&'static str> {
        match self.state {
            AwardState::Active => None,
            AwardState::Revoked => Some("REVOKED"),
            AwardState::Suspended => Some("SUSPENDED"),
            AwardState::Expired => Some("EXPIRED"),
        }
    }

    /// The mark drawn on pictures of the badge, `None` for a valid badge.
    pub fn mark(&self) -> Option<accolade_media::StatusMark<'static>> {
        let colour = match self.state {
            AwardState::Revoked => REVOKED_COLOUR,
            _ => CAUTION_COLOUR,
        };
        self.word()
            .map(|word| accolade_media::StatusMark { word, colour })
    }

    /// The status word of prints in `lang`, upper case ("REVOKED", "WIDERRUFEN").
    pub fn word_in(&self, lang: Lang) -> Option<String> {
        let word = match self.state {
            AwardState::Active => return None,
            AwardState::Revoked => tr(lang, "Revoked"),
            AwardState::Suspended => tr(lang, "Suspended"),
            AwardState::Expired => tr(lang, "Expired"),
        };
        Some(word.to_uppercase())
    }

    /// One line for prints in `lang`: "Revoked by the issuer on 3 March 2026: Issued in
    /// error".
    pub fn detail_in(&self, lang: Lang) -> Option<String> {
        let date = |at: Option<OffsetDateTime>| at.map(|t| format_date(lang, t));
        let head = match (self.state, date(self.since), date(self.valid_until)) {
            (AwardState::Active, ..) => return None,
            (AwardState::Revoked, Some(d), _) => {
                tr_with(lang, "Revoked by the issuer on {date}", &[("date", &d)])
            }
            (AwardState::Revoked, None, _) => tr(lang, "Revoked by the issuer").to_owned(),
            (AwardState::Suspended, Some(d), _) => {
                tr_with(lang, "Suspended by the issuer on {date}", &[("date", &d)])
            }
            (AwardState::Suspended, None, _) => tr(lang, "Suspended by the issuer").to_owned(),
            (AwardState::Expired, _, Some(d)) => {
                tr_with(lang, "Expired on {date}.", &[("date", &d)])
                    .trim_end_matches('.')
                    .to_owned()
            }
            (AwardState::Expired, _, None) => tr(lang, "Expired").to_owned(),
        };
        Some(match &self.reason {
            Some(r) => format!("{head}: {r}"),
            None => head,
        })
    }

    /// A key that changes whenever what is shown of the status changes, for entity tags
    /// and cache keys of everything drawn from it.
    pub fn cache_key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.state.as_str(),
            self.since.map_or(0, |t| t.unix_timestamp()),
            self.reason.as_deref().unwrap_or_default()
        )
    }
}

impl App {
    /// The effective status of `award` now.
    pub fn effective_status(&self, award: &impl AwardStatusFields) -> EffectiveStatus {
        EffectiveStatus::of(award, self.now())
    }
}
