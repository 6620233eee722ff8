//! Who calls the API: a bearer token (`Authorization: Bearer acc_…`) names an API key. The
//! API's layer checks it once per request and keeps the [`ApiCaller`] in the request's
//! extensions (a token sent but not valid is answered with 401 there); [`ApiAuth`] hands it
//! to handlers, and refuses a request without one with 401 and `WWW-Authenticate: Bearer`.

use super::problem::Problem;
use crate::server::AppState;
use accolade_app::{ApiCaller, App};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};

/// The authenticated caller of an API handler.
#[derive(Clone, Debug)]
pub(crate) struct ApiAuth(pub ApiCaller);

const MISSING: &str = "This request needs an API key: send it as \"Authorization: Bearer acc_…\".";

/// The bearer token of the request: `None` without an `Authorization` header, `Some(Err)`
/// for one of another scheme or unreadable.
fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let Ok(text) = value.to_str() else {
        return Some(Err(()));
    };
    let mut parts = text.trim().splitn(2, ' ');
    let scheme = parts.next().unwrap_or("");
    let token = parts.next().map(str::trim).unwrap_or("");
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Some(Err(()));
    }
    Some(Ok(token))
}

/// The caller the request's token names: `Ok(None)` without an `Authorization` header, a
/// problem (401, or 503 when the database is away) for a token that does not name a usable
/// key.
pub(crate) async fn authenticate(
    app: &App,
    headers: &HeaderMap,
) -> Result<Option<ApiCaller>, Problem> {
    match bearer(headers) {
        None => Ok(None),
        Some(Err(())) => Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "The Authorization header must be \"Bearer\" followed by an API key.",
        )),
        Some(Ok(token)) => app.api_caller(token).await.map(Some).map_err(Problem::from),
    }
}

impl FromRequestParts<AppState> for ApiAuth {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Problem> {
        if let Some(caller) = parts.extensions.get::<ApiCaller>() {
            return Ok(Self(caller.clone()));
        }
        // Outside the API's layer: check the token here.
        match authenticate(app, &parts.headers).await? {
            Some(caller) => Ok(Self(caller)),
            None => Err(Problem::new(StatusCode::UNAUTHORIZED, MISSING)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_tokens_are_read_from_the_header() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer acc_x_y"),
        );
        assert_eq!(bearer(&h), Some(Ok("acc_x_y")));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  acc_x_y "),
        );
        assert_eq!(bearer(&h), Some(Ok("acc_x_y")));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic YTpi"),
        );
        assert_eq!(bearer(&h), Some(Err(())));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer"));
        assert_eq!(bearer(&h), Some(Err(())));
    }
}
