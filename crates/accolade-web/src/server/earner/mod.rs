//! The earner's pages: a badge email's claim link (`/claim/{token}`), the backpack
//! (`/backpack`, signed in) and the public portfolio (`/u/{handle}`).

mod backpack;
mod claim;
mod portfolio;
mod profile;

use super::AppState;
use accolade_app::images::MAX_UPLOAD_BYTES;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/claim/{token}", get(claim::page).post(claim::submit))
        .route("/backpack", get(backpack::page))
        .route(
            "/backpack/badges/{id}/visibility",
            post(backpack::visibility),
        )
        .route("/backpack/waiting/{id}", post(backpack::add_waiting))
        .route("/backpack/collections", post(backpack::create_collection))
        .route(
            "/backpack/collections/{id}",
            post(backpack::edit_collection),
        )
        .route("/backpack/handle", post(backpack::handle))
        .route("/backpack/headline", post(profile::headline))
        .route(
            "/backpack/photo",
            post(profile::photo).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 16 * 1024)),
        )
        .route("/backpack/emails", post(backpack::emails))
        .route(
            "/backpack/emails/verify/{token}",
            get(backpack::verify_email),
        )
        .route("/u/{handle}", get(portfolio::home))
        .route("/u/{handle}/badges/{id}", get(portfolio::badge))
        .route("/u/{handle}/collections/{id}", get(portfolio::collection))
}

/// `raw` if it is a path on this site (`/…`, not `//…` or `/\…`, no control characters),
/// for returning after signing in; anything else is dropped.
pub(crate) fn safe_next(raw: &str) -> Option<String> {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.contains('\\')
        && raw.len() <= 512
        && !raw.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then(|| raw.to_owned())
}

/// `path?next={next}`, the next path percent-encoded.
pub(crate) fn with_next(path: &str, next: &str) -> String {
    const PATH: &percent_encoding::AsciiSet = &crate::filters::UNRESERVED.remove(b'/');
    format!(
        "{path}?next={}",
        percent_encoding::utf8_percent_encode(next, PATH)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_paths() {
        assert_eq!(safe_next("/claim/abc").as_deref(), Some("/claim/abc"));
        for bad in [
            "//evil.example/x",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "/a b",
            "/a\nb",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
        assert_eq!(
            with_next("/signin", "/claim/a b"),
            "/signin?next=/claim/a%20b"
        );
    }
}
