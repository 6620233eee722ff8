//! The `/api/v1` foundation the resources build on: the authenticated caller and problem
//! details. Stand-ins until the API key module lands; they refuse every request.

use accolade_app::{AppError, AppResult};
use accolade_core::{Actor, OrgId};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ApiScope {
    Read,
    Issue,
    Revoke,
    Admin,
}

#[derive(Clone, Debug)]
pub(crate) struct ApiCaller {
    pub org_id: OrgId,
    pub actor: Actor,
}

impl ApiCaller {
    pub fn require(&self, _needed: ApiScope) -> AppResult<()> {
        Err(AppError::Forbidden(
            "API keys are not available yet.".into(),
        ))
    }
}

pub(crate) struct ApiAuth(pub ApiCaller);

impl<S: Send + Sync> FromRequestParts<S> for ApiAuth {
    type Rejection = Problem;
    async fn from_request_parts(_: &mut Parts, _: &S) -> Result<Self, Problem> {
        Err(Problem(AppError::Unauthorized("No API key.".into())))
    }
}

pub(crate) struct Problem(AppError);

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        crate::server::errors::WebError::from(self.0)
            .json(true)
            .into_response()
    }
}
