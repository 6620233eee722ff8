//! Importing badges from elsewhere into an earner's account: an uploaded baked PNG/SVG, pasted
//! JSON or JWT, or a URL (fetched through the SSRF-guarded client). Every import is verified
//! and stored with its report, including those that fail verification (clearly marked).
//! Input that cannot be read as a badge at all (not an image, oversize, malformed, nested too
//! deeply, a refused URL…) is refused with the reason, and nothing is stored.

use crate::{Admission, App, AppError, AppResult};
use accolade_core::{Actor, User, UserId};
use accolade_credentials::did::FetchError;
use accolade_credentials::verify::{CheckKind, Outcome, Report};
use accolade_media::{CheckedImage, normalise_image};
use accolade_store::EarnerImport;
use serde_json::Value;
use std::sync::Arc;

/// Largest upload or pasted text accepted for an import.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
/// Most imports one account may hold.
pub const MAX_IMPORTS_PER_USER: usize = 500;

/// What an earner gives to import a badge.
#[derive(Debug, Clone)]
pub enum ImportInput {
    /// An uploaded file: a baked PNG/SVG, or a JSON/JWT file.
    File(Vec<u8>),
    /// Pasted JSON or JWT (or a URL, which is fetched).
    Text(String),
    /// The URL of a badge (an OB 2.0 hosted assertion, a credential, a baked image).
    Url(String),
}

/// An imported badge with its verification report.
#[derive(Debug, Clone)]
pub struct ImportedBadge {
    pub record: EarnerImport,
    pub report: Report,
}

impl ImportedBadge {
    pub fn is_verified(&self) -> bool {
        self.report.is_valid()
    }
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => m.values().next().and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// The badge's name: the OB 3.0 achievement's (or the credential's), or the OB 2.0 BadgeClass's.
fn badge_name(credential: &Value) -> Option<String> {
    let subject = match credential.get("credentialSubject") {
        Some(Value::Array(a)) => a.first(),
        other => other,
    };
    subject
        .and_then(|s| s.get("achievement"))
        .and_then(|a| text_of(a.get("name")))
        .or_else(|| credential.get("badge").and_then(|b| text_of(b.get("name"))))
        .or_else(|| text_of(credential.get("name")))
        .map(|n| n.chars().take(200).collect())
}

fn as_str<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

fn is_url(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("https://") || t.starts_with("http://")) && !t.contains(char::is_whitespace)
}

/// Inputs whose image is shown: baked PNG and SVG.
fn shows_image(input_format: &str) -> bool {
    matches!(input_format, "png" | "svg")
}

/// An imported image normalised for showing, off the async workers.
async fn shown_image(bytes: Vec<u8>) -> Result<CheckedImage, AppError> {
    tokio::task::spawn_blocking(move || normalise_image(&bytes, MAX_IMPORT_BYTES))
        .await
        .map_err(|e| AppError::internal("image check failed", e))?
        .map_err(|e| AppError::invalid(crate::checks::sentence(&e.to_string())))
}

impl App {
    /// Imports a badge into `user`'s account: reads and verifies it, and stores it with its
    /// report. Input that is not a readable badge is refused and nothing is stored.
    pub async fn import_badge(
        self: &Arc<Self>,
        actor: &Actor,
        user: &User,
        input: ImportInput,
    ) -> AppResult<ImportedBadge> {
        let admission = self.verify_gate().admit()?;
        self.import_badge_admitted(actor, user, input, admission)
            .await
    }

    /// [`App::import_badge`] with a place in the verifier's line taken before the upload was
    /// read ([`crate::VerifyGate::admit`]); [`AppError::Busy`] when no worker frees up in time.
    pub async fn import_badge_admitted(
        self: &Arc<Self>,
        actor: &Actor,
        user: &User,
        input: ImportInput,
        admission: Admission,
    ) -> AppResult<ImportedBadge> {
        let (source, url, bytes) = match input {
            ImportInput::Url(url) => ("url", Some(url.trim().to_owned()), Vec::new()),
            ImportInput::Text(t) if is_url(&t) => ("url", Some(t.trim().to_owned()), Vec::new()),
            ImportInput::Text(t) => ("text", None, t.trim().as_bytes().to_vec()),
            ImportInput::File(b) => ("file", None, b),
        };
        // The input the person used, for refusals about it.
        let field = source;
        let bytes = match &url {
            Some(u) if !is_url(u) => {
                return Err(AppError::invalid_field(
                    field,
                    "Enter the badge's address starting with https://.",
                ));
            }
            Some(u) => match self.fetch_document(u.clone()).await {
                Ok(b) => b,
                // Gone: an OB 2.0 hosted assertion its issuer revoked; the verifier says so.
                Err(FetchError::Status { status: 410, .. }) => u.as_bytes().to_vec(),
                Err(e) => {
                    return Err(AppError::invalid_field(
                        field,
                        format!("The badge could not be fetched from this address ({e})."),
                    ));
                }
            },
            None => bytes,
        };
        if bytes.is_empty() {
            return Err(AppError::invalid(
                "Choose a badge file, paste its JSON or JWT, or enter its address.",
            ));
        }
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(AppError::invalid_field(
                field,
                format!("The badge is larger than {} MiB.", MAX_IMPORT_BYTES >> 20),
            ));
        }
        // An image's declared size is read from its header before anything else reads it.
        if let Err(e) = crate::images::check_declared_size(&bytes) {
            return Err(AppError::invalid_field(
                field,
                format!(
                    "The badge's image was refused: {}.",
                    crate::checks::embedded(&e.message())
                ),
            ));
        }
        if self.store.earner_imports_of(user.id).await?.len() >= MAX_IMPORTS_PER_USER {
            return Err(AppError::invalid(format!(
                "An account can hold at most {MAX_IMPORTS_PER_USER} imported badges."
            )));
        }
        let report = self.verify_admitted(admission, bytes.clone(), None).await?;
        if let Some(unreadable) = report
            .checks
            .iter()
            .find(|c| c.check == CheckKind::Parse && c.outcome == Outcome::Failed)
        {
            return Err(AppError::invalid_field(
                field,
                format!(
                    "This is not a badge that can be imported: {}",
                    unreadable.message
                ),
            ));
        }
        // The image must be one that can be shown (written again, or sanitized): checked now,
        // so that an image that never can is refused with the reason and nothing is stored.
        let input_format = as_str(report.format);
        if shows_image(&input_format) {
            shown_image(bytes.clone()).await.map_err(|e| {
                AppError::invalid_field(
                    field,
                    format!(
                        "The badge's image was refused: {}.",
                        crate::checks::embedded(&e.message())
                    ),
                )
            })?;
        }
        let record = EarnerImport {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: user.id,
            source: source.to_owned(),
            source_url: url,
            input_format,
            kind: as_str(report.kind),
            verdict: as_str(report.verdict),
            summary: report.summary.clone(),
            badge_name: report.credential.as_ref().and_then(badge_name),
            issuer_name: report.issuer_name.clone(),
            report: serde_json::to_string(&report)
                .map_err(|e| AppError::internal("report not serializable", e))?,
            imported_at: self.now(),
        };
        self.store.insert_earner_import(&record, &bytes).await?;
        tracing::info!(actor = %actor.label, import = %record.id, verdict = %record.verdict, kind = %record.kind, "badge imported");
        Ok(ImportedBadge { record, report })
    }

    /// The badges `user_id` imported, newest first (each with its verdict and summary).
    pub async fn imported_badges(&self, user_id: UserId) -> AppResult<Vec<EarnerImport>> {
        Ok(self.store.earner_imports_of(user_id).await?)
    }

    /// One imported badge of `user_id`, with its stored report.
    pub async fn imported_badge(&self, user_id: UserId, id: &str) -> AppResult<ImportedBadge> {
        let record = self
            .store
            .earner_import(user_id, id)
            .await?
            .ok_or(AppError::NotFound("imported badge"))?;
        let report = serde_json::from_str(&record.report)
            .map_err(|e| AppError::internal("stored report unreadable", e))?;
        Ok(ImportedBadge { record, report })
    }

    /// The image of an imported baked badge as it may be shown: a PNG written again from its
    /// pixels (no chunks of the original, the credential included) or the SVG sanitized; never
    /// the upload itself, which is kept only as the credential's source.
    pub async fn imported_badge_image(&self, user_id: UserId, id: &str) -> AppResult<CheckedImage> {
        let record = self
            .store
            .earner_import(user_id, id)
            .await?
            .ok_or(AppError::NotFound("imported badge"))?;
        if !shows_image(&record.input_format) {
            return Err(AppError::NotFound("image"));
        }
        let original = self.imported_badge_original(user_id, id).await?;
        shown_image(original).await.map_err(|e| {
            tracing::warn!(import = %id, error = %crate::Chain(&e), "an imported badge's image cannot be shown");
            AppError::NotFound("image")
        })
    }

    /// What the earner gave for an import (the baked image or the text).
    pub async fn imported_badge_original(&self, user_id: UserId, id: &str) -> AppResult<Vec<u8>> {
        self.store
            .earner_import_original(user_id, id)
            .await?
            .ok_or(AppError::NotFound("imported badge"))
    }

    /// Removes an imported badge from the account.
    pub async fn delete_imported_badge(
        &self,
        actor: &Actor,
        user: &User,
        id: &str,
    ) -> AppResult<()> {
        if !self.store.delete_earner_import(user.id, id).await? {
            return Err(AppError::NotFound("imported badge"));
        }
        tracing::info!(actor = %actor.label, import = %id, "imported badge removed");
        Ok(())
    }
}
