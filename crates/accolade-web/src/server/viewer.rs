//! Who is looking at a public page, for its header: pages anyone may open still show a
//! signed-in visitor their Dashboard, Backpack and Sign out. Such a page is made for one
//! person (it carries the session's form token), so it is never stored by caches; pages
//! for anonymous visitors are unchanged and keep their caching.

use super::AppState;
use super::workspace::{current, nav};
use crate::views::UserNav;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

/// The signed-in visitor, as the header shows them. A session that cannot be read counts
/// as anonymous: a public page never fails for it.
pub async fn viewer(app: &AppState, headers: &HeaderMap) -> Option<UserNav> {
    current(app, headers)
        .await
        .ok()
        .flatten()
        .and_then(|u| nav(&u))
}

/// Marks a page made for a signed-in visitor as not to be stored.
pub fn personal(mut res: Response, user: Option<&UserNav>) -> Response {
    if user.is_some() {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}
