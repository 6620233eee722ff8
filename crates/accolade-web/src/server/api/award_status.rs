//! Changing an award: revoke, suspend, reinstate, re-issue with a corrected recipient, renew.
//! Each is one `App` call, after checking the award is the caller's organization's.

use super::auth::ApiAuth;
use super::awards::{award_out, created, org_award};
use super::problem::Problem;
use super::rejections::{ApiJson, ApiPath};
use super::types::{AwardOut, ProblemDoc};
use crate::server::AppState;
use accolade_app::ApiScope;
use accolade_app::awards::Correction;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(revoke))
        .routes(routes!(suspend))
        .routes(routes!(reinstate))
        .routes(routes!(reissue))
        .routes(routes!(renew))
}

/// Why the award is suspended.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Under review."}))]
pub(crate) struct ReasonIn {
    /// Shown on the credential's page.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// Why the award is revoked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Issued to the wrong person."}))]
pub(crate) struct RevokeIn {
    /// Shown on the credential's page and in the notice to the earner.
    #[schema(min_length = 1, max_length = 1000, pattern = "\\S")]
    pub reason: String,
}

/// The corrected recipient of a re-issued award.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"recipient_email": "ada.lovelace@example.org", "recipient_name": "Ada Lovelace"}))]
pub(crate) struct CorrectionIn {
    #[schema(format = "email", max_length = 254)]
    pub recipient_email: String,
    #[schema(max_length = 200)]
    pub recipient_name: Option<String>,
    /// The language of the new credential (BCP 47); the old one's when absent.
    pub language: Option<String>,
}

/// Revoke an award
///
/// For good: the award's bit in the revocation status list is set, and verifiers see it
/// revoked. A revoked award is a 409.
#[utoipa::path(post, path = "/awards/{id}/revoke", operation_id = "revokeAward", tag = "Awards",
    params(("id" = String, Path, description = "The award's id")),
    request_body = RevokeIn,
    responses(
        (status = 200, description = "The award, revoked", body = AwardOut),
        (status = 400, description = "No reason, or too long a reason", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such award in the organization", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Already revoked", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn revoke(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<RevokeIn>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Revoke)?;
    let award = org_award(&app, caller.org_id, &id).await?;
    let award = app.revoke(&caller.actor, award.id, &body.reason).await?;
    Ok(axum::Json(award_out(&app, &award).await?).into_response())
}

/// Suspend an award
///
/// Until it is reinstated: verifiers see it suspended. Only an active award can be.
#[utoipa::path(post, path = "/awards/{id}/suspend", operation_id = "suspendAward", tag = "Awards",
    params(("id" = String, Path, description = "The award's id")),
    request_body = ReasonIn,
    responses(
        (status = 200, description = "The award, suspended", body = AwardOut,
            links(("reinstate" = (operation_id = "reinstateAward", parameters(("id" = "$response.body#/id")))))),
        (status = 400, description = "Too long a reason", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such award in the organization", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not active", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn suspend(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ReasonIn>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Revoke)?;
    let award = org_award(&app, caller.org_id, &id).await?;
    let award = app
        .suspend(&caller.actor, award.id, body.reason.as_deref())
        .await?;
    Ok(axum::Json(award_out(&app, &award).await?).into_response())
}

/// Reinstate an award
///
/// Lifts a suspension. Only a suspended award can be.
#[utoipa::path(post, path = "/awards/{id}/reinstate", operation_id = "reinstateAward", tag = "Awards",
    params(("id" = String, Path, description = "The award's id")),
    responses(
        (status = 200, description = "The award, active again", body = AwardOut),
        (status = 404, description = "No such award in the organization", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not suspended", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn reinstate(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Revoke)?;
    let award = org_award(&app, caller.org_id, &id).await?;
    let award = app.reinstate(&caller.actor, award.id).await?;
    Ok(axum::Json(award_out(&app, &award).await?).into_response())
}

/// Re-issue an award
///
/// Issues a corrected credential (same achievement and dates) to the corrected recipient
/// and revokes this one as superseded by it.
#[utoipa::path(post, path = "/awards/{id}/reissue", operation_id = "reissueAward", tag = "Awards",
    params(("id" = String, Path, description = "The award's id")),
    request_body = CorrectionIn,
    responses(
        (status = 201, description = "The new award", body = AwardOut,
            links(
                ("get" = (operation_id = "getAward", parameters(("id" = "$response.body#/id")))),
                ("credential" = (operation_id = "getAwardCredential", parameters(("id" = "$response.body#/id")))),
                ("revoke" = (operation_id = "revokeAward", parameters(("id" = "$response.body#/id")))),
                ("suspend" = (operation_id = "suspendAward", parameters(("id" = "$response.body#/id")))),
                ("reinstate" = (operation_id = "reinstateAward", parameters(("id" = "$response.body#/id")))),
                ("reissue" = (operation_id = "reissueAward", parameters(("id" = "$response.body#/id")))),
                ("renew" = (operation_id = "renewAward", parameters(("id" = "$response.body#/id"))))
            ),
            headers(("Location" = String, description = "The new award's address"))),
        (status = 400, description = "A field is not valid", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such award in the organization", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not active, or already re-issued", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn reissue(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<CorrectionIn>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Issue)?;
    let award = org_award(&app, caller.org_id, &id).await?;
    let correction = Correction {
        recipient_email: body.recipient_email,
        recipient_name: body.recipient_name,
        language: body.language,
    };
    let new = app.reissue(&caller.actor, award.id, correction).await?;
    Ok(created(&app, &new))
}

/// Renew an award
///
/// Issues a renewal for the same recipient, valid from now under the achievement's expiry
/// policy, linked to this one.
#[utoipa::path(post, path = "/awards/{id}/renew", operation_id = "renewAward", tag = "Awards",
    params(("id" = String, Path, description = "The award's id")),
    responses(
        (status = 201, description = "The renewal", body = AwardOut,
            links(
                ("get" = (operation_id = "getAward", parameters(("id" = "$response.body#/id")))),
                ("credential" = (operation_id = "getAwardCredential", parameters(("id" = "$response.body#/id")))),
                ("revoke" = (operation_id = "revokeAward", parameters(("id" = "$response.body#/id")))),
                ("suspend" = (operation_id = "suspendAward", parameters(("id" = "$response.body#/id")))),
                ("reinstate" = (operation_id = "reinstateAward", parameters(("id" = "$response.body#/id")))),
                ("reissue" = (operation_id = "reissueAward", parameters(("id" = "$response.body#/id")))),
                ("renew" = (operation_id = "renewAward", parameters(("id" = "$response.body#/id"))))
            ),
            headers(("Location" = String, description = "The renewal's address"))),
        (status = 404, description = "No such award in the organization", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 400, description = "The badge does not expire, so there is nothing to renew", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not renewable (not active, or already renewed)", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn renew(
    State(app): State<AppState>,
    ApiAuth(caller): ApiAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    caller.require(ApiScope::Issue)?;
    let award = org_award(&app, caller.org_id, &id).await?;
    let new = app.renew(&caller.actor, award.id).await?;
    Ok(created(&app, &new))
}
