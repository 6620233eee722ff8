//! Verdicts on credentials this instance issued also carry what the instance knows of the
//! award. A credential's own status entry only covers revocation; suspension is published
//! separately, and an OB 2.0 document cannot express it. So when the verified credential is
//! one of ours (its id under our public URL, the award found, and the credential equal to
//! the stored one), a suspended or revoked award fails the Status check here, in the one
//! entry point every page, import and embed verifies through.

use crate::App;
use crate::downloads::long_date;
use crate::effective::EffectiveStatus;
use accolade_core::{AwardId, AwardState};
use accolade_credentials::verify::{Check, CheckKind, CredentialKind, Outcome, Report, Verdict};
use serde_json::Value;

/// The claims a VC-JWT adds around the credential it carries.
const JWT_CLAIMS: [&str; 7] = ["iss", "jti", "sub", "nbf", "exp", "iat", "vc"];

/// What this instance knows of a credential it issued, beyond the credential itself.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedHere {
    /// The recipient's name as the issuer gave it.
    pub recipient_name: Option<String>,
    /// The credential's public page.
    pub page_url: String,
    /// The badge image, on this instance.
    pub image_url: Option<String>,
    /// The award's status now, with the issuer's reason.
    pub status: EffectiveStatus,
}

impl App {
    /// `report`, with the award's suspension or revocation added when the credential is one
    /// this instance issued. Call from a blocking thread.
    pub(crate) fn with_own_status(
        &self,
        runtime: &tokio::runtime::Handle,
        report: Report,
    ) -> Report {
        let Some(id) = self.own_award_id(&report) else {
            return report;
        };
        let Ok(award) = runtime.block_on(self.award_by_id(id)) else {
            return report;
        };
        let ours = match report.kind {
            // The hosted assertion was read from this instance itself.
            CredentialKind::Ob2Hosted => true,
            kind => same_credential(&award.credential, report.credential.as_ref(), kind),
        };
        if !ours {
            return report;
        }
        let status = self.effective_status(&award);
        with_status(report, &status)
    }

    /// What this instance knows of a verified credential it issued (the same test as for
    /// its status: our URL, the award found, the very credential stored): for the verify
    /// page to show the recipient, the badge's page and image and the issuer's reason.
    /// `None` for anyone else's credential.
    pub async fn issued_here(&self, report: &Report) -> Option<IssuedHere> {
        let id = self.own_award_id(report)?;
        let award = self.award_by_id(id).await.ok()?;
        let ours = report.kind == CredentialKind::Ob2Hosted
            || same_credential(&award.credential, report.credential.as_ref(), report.kind);
        if !ours {
            return None;
        }
        let image_url = match self.achievement(award.achievement_id).await {
            Ok(a) => a.image_id.map(|i| self.urls().image(i)),
            Err(_) => None,
        };
        Some(IssuedHere {
            recipient_name: award.recipient_name.clone(),
            page_url: self.urls().credential(award.id),
            image_url,
            status: self.effective_status(&award),
        })
    }

    /// The award a verified credential names, if its id is one of this instance's
    /// credential or hosted-assertion URLs.
    fn own_award_id(&self, report: &Report) -> Option<AwardId> {
        let id = report.credential.as_ref()?.get("id")?.as_str()?;
        let path = self.urls().local_path(id)?;
        let rest = match report.kind {
            CredentialKind::Ob3DataIntegrity | CredentialKind::Ob3Jwt => {
                path.strip_prefix("/credentials/")?
            }
            CredentialKind::Ob2Hosted => path.strip_prefix("/ob2/assertions/")?,
            CredentialKind::Ob2Signed | CredentialKind::Unknown => return None,
        };
        rest.parse().ok()
    }
}

/// Whether the verified credential is the stored one (for a VC-JWT: its payload without
/// the JWT's own claims).
fn same_credential(stored: &str, verified: Option<&Value>, kind: CredentialKind) -> bool {
    let (Ok(stored), Some(verified)) = (serde_json::from_str::<Value>(stored), verified) else {
        return false;
    };
    if &stored == verified {
        return true;
    }
    if kind != CredentialKind::Ob3Jwt {
        return false;
    }
    let mut bare = verified.clone();
    if let Some(o) = bare.as_object_mut() {
        for claim in JWT_CLAIMS {
            o.remove(claim);
        }
    }
    bare == stored
}

/// The report with a failed Status check for a suspended or revoked award.
pub(crate) fn with_status(mut report: Report, status: &EffectiveStatus) -> Report {
    let (word, known) = match status.state {
        AwardState::Suspended => ("suspended", report.flags.suspended),
        AwardState::Revoked => ("revoked", report.flags.revoked),
        AwardState::Active | AwardState::Expired => return report,
    };
    if status.state == AwardState::Suspended && report.kind == CredentialKind::Ob2Hosted {
        // OB 2.0 has no suspension: the hosted assertion says "revoked" while it lasts.
        report.flags.revoked = false;
    }
    if !known {
        let when = status
            .since
            .map(|t| format!(" on {}", long_date(t)))
            .unwrap_or_default();
        let why = status
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        report.checks.push(Check {
            check: CheckKind::Status,
            outcome: Outcome::Failed,
            message: format!(
                "the issuer has {word} this credential{when}{why} (recorded by the instance that issued it)"
            ),
        });
    }
    match status.state {
        AwardState::Suspended => report.flags.suspended = true,
        _ => report.flags.revoked = true,
    }
    let who = match (&report.issuer_name, &report.issuer_id) {
        (Some(n), Some(i)) => format!("{n} ({i})"),
        (None, Some(i)) => i.clone(),
        _ => "an unnamed issuer".into(),
    };
    let title = match status.state {
        AwardState::Suspended => "Suspended",
        _ => "Revoked",
    };
    report.verdict = Verdict::Invalid;
    report.summary = format!("{title}: the issuer {who} has {word} this credential.");
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_jwt_payload_is_the_stored_credential_with_claims() {
        let stored = json!({"id": "https://x/credentials/1", "proof": {"proofValue": "z1"}});
        let mut payload = stored.clone();
        payload["iss"] = "did:web:x".into();
        payload["jti"] = "https://x/credentials/1".into();
        let text = stored.to_string();
        assert!(same_credential(
            &text,
            Some(&stored),
            CredentialKind::Ob3DataIntegrity
        ));
        assert!(same_credential(
            &text,
            Some(&payload),
            CredentialKind::Ob3Jwt
        ));
        assert!(!same_credential(
            &text,
            Some(&payload),
            CredentialKind::Ob3DataIntegrity
        ));
        let mut changed = stored.clone();
        changed["name"] = "Other".into();
        assert!(!same_credential(
            &text,
            Some(&changed),
            CredentialKind::Ob3Jwt
        ));
        assert!(!same_credential(&text, None, CredentialKind::Ob3Jwt));
    }
}
