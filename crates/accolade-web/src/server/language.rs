//! The language of each page ([`PageLang`]): `?lang=` (which also sets the `lang` cookie),
//! else the switcher's cookie, else `Accept-Language`, else English. The [`layer`] works it
//! out once per request, remembers a `?lang=` choice in the cookie, marks HTML responses
//! `Vary: Accept-Language, Cookie`, and shows error pages in the visitor's language.

use super::AppState;
use super::errors::ErrorPage;
use super::viewer::{personal, viewer};
use super::workspace::{SESSION_COOKIE, cookie};
use accolade_app::i18n::{Lang, negotiate};
use axum::extract::State;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use std::convert::Infallible;

/// The cookie that keeps the switcher's choice.
pub const LANG_COOKIE: &str = "lang";

/// The language a page is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLang(pub Lang);

/// The `lang` value of a query string, if any.
fn query_lang(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "lang")
        .map(|(_, v)| v)
}

pub(crate) fn from_request(query: Option<&str>, headers: &HeaderMap) -> (Lang, Option<Lang>) {
    let chosen = query_lang(query).and_then(Lang::from_tag);
    let saved = cookie(headers, LANG_COOKIE);
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = negotiate(chosen.map(Lang::tag), saved.as_deref(), accept);
    (lang, chosen)
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        if let Some(lang) = parts.extensions.get::<PageLang>() {
            return Ok(*lang);
        }
        Ok(PageLang(from_request(parts.uri.query(), &parts.headers).0))
    }
}

/// Negotiates the language for the handlers, then fixes up the response: the cookie for a
/// `?lang=` choice, `Vary` on HTML, and the error page re-rendered in the language.
pub async fn layer(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let (lang, chosen) = from_request(req.uri().query(), req.headers());
    req.extensions_mut().insert(PageLang(lang));
    // Only the session cookie is kept, for an error page's header.
    let session: HeaderMap = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .map(|v| (header::COOKIE, v.clone()))
        .collect();
    let mut res = next.run(req).await;
    let signed_in = cookie(&session, SESSION_COOKIE).is_some_and(|c| !c.is_empty());
    if (lang != Lang::En || signed_in)
        && let Some(page) = res.extensions_mut().remove::<ErrorPage>()
    {
        let user = if signed_in {
            viewer(&app, &session).await
        } else {
            None
        };
        let status = res.status();
        let mut localized = (status, Html(page.render(lang, user.clone()))).into_response();
        for (name, value) in res.headers() {
            if name != header::CONTENT_LENGTH {
                localized.headers_mut().insert(name, value.clone());
            }
        }
        res = personal(localized, user.as_ref());
    }
    let res_status_not_modified = res.status() == axum::http::StatusCode::NOT_MODIFIED;
    let headers = res.headers_mut();
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
        || res_status_not_modified;
    if html {
        headers.append(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    if let Some(lang) = chosen
        && let Ok(value) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
            lang.tag()
        ))
    {
        headers.append(header::SET_COOKIE, value);
    }
    res
}

/// The English texts the pages translate that are not literals in templates or `tr(…)`
/// calls: labels from the verifier and from views, error titles and messages.
#[cfg(test)]
pub(crate) fn runtime_texts() -> Vec<String> {
    use crate::views::{
        CHECK_KINDS, DownloadsView, INPUT_FORMATS, Status, check_label, format_label,
        verdict_label, visibility_options,
    };
    use accolade_credentials::verify::CredentialKind;
    let mut out: Vec<String> = Vec::new();
    out.extend(CHECK_KINDS.iter().map(|k| check_label(*k).to_owned()));
    out.push("Suspension".into());
    out.extend(INPUT_FORMATS.iter().map(|f| format_label(*f).to_owned()));
    out.extend(
        [
            CredentialKind::Ob3DataIntegrity,
            CredentialKind::Ob3Jwt,
            CredentialKind::Ob2Hosted,
            CredentialKind::Ob2Signed,
            CredentialKind::Unknown,
        ]
        .iter()
        .map(|k| k.label().to_owned()),
    );
    out.push("Unknown".into());
    out.extend(
        ["valid", "unchecked", "invalid"]
            .iter()
            .map(|v| verdict_label(v).to_owned()),
    );
    out.extend(
        [
            Status::Verified,
            Status::Revoked,
            Status::Suspended,
            Status::Expired,
            Status::NotYetValid,
            Status::Invalid,
            Status::Unchecked,
        ]
        .iter()
        .map(|s| s.title().to_owned()),
    );
    for file in DownloadsView::for_credential("/credentials/x").files {
        out.push(file.label);
        out.push(file.hint);
    }
    // The verification summaries (views/checks.rs).
    out.extend(
        [
            "Valid: authentic, unaltered and current, issued by {issuer}.",
            "Revoked: the issuer {issuer} has revoked this credential.",
            "Suspended: the issuer {issuer} has suspended this credential.",
            "Expired: this credential is past its validity period.",
        ]
        .map(str::to_owned),
    );
    // Why the share panel offers no add-to-profile or posts (views/share.rs).
    out.extend(
        [
            "This badge has been revoked by its issuer, so it cannot be added to a profile or posted. Its page and embed show the status to everyone.",
            "This badge is suspended by its issuer, so it cannot be added to a profile or posted while the suspension lasts. Its page and embed show the status to everyone.",
            "This badge has expired, so it cannot be added to a profile or posted. Its page and embed show the status to everyone.",
        ]
        .map(str::to_owned),
    );
    // The share panel's channels (views/share.rs).
    out.extend(
        [
            "Add to LinkedIn profile",
            "Post on LinkedIn",
            "Post on X",
            "Share on Facebook",
            "Send by email",
        ]
        .map(str::to_owned),
    );
    out.extend(
        visibility_options(Lang::En)
            .into_iter()
            .map(|(_, label)| label),
    );
    for code in [400, 401, 403, 404, 409, 413, 429, 500, 503] {
        if let Ok(status) = axum::http::StatusCode::from_u16(code) {
            out.push(super::errors::title(status).to_owned());
        }
    }
    out.extend(
        [
            "There is no page at this address.",
            "There is no credential with this id.",
            super::rate_limit::TOO_MANY,
            super::shed::BUSY,
            "An unexpected error occurred. If it persists, give the request id to the site's operator.",
        ]
        .map(str::to_owned),
    );
    out
}

/// The string literals that follow `marker` in `source` (`t("…")`, `tr(lang, "…")`).
#[cfg(test)]
fn literals_after(source: &str, markers: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for marker in markers {
        let mut rest = source;
        while let Some(at) = rest.find(marker) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + marker.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            // Skip the language argument of `tr(lang, …)`, on this line or the next.
            let mut after = rest.trim_start();
            if let Some(stripped) = after.strip_prefix("lang,") {
                after = stripped.trim_start();
            }
            for quote in ['"', '\''] {
                if let Some(body) = after.strip_prefix(quote) {
                    let mut text = String::new();
                    let mut chars = body.chars();
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => {
                                if let Some(next) = chars.next() {
                                    text.push(next);
                                }
                            }
                            c if c == quote => break,
                            c => text.push(c),
                        }
                    }
                    out.push(text);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use accolade_app::i18n::lookup;
    use std::path::Path;

    fn rust_sources(dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs")
                // This file names the markers themselves.
                && !path.ends_with("server/language.rs")
            {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }

    /// Every text the public and earner pages translate has its Spanish, French and German.
    #[test]
    fn every_text_is_translated() {
        let mut texts: Vec<String> = Vec::new();
        for (_, source) in crate::render::TEMPLATES {
            texts.extend(literals_after(source, &["t("]));
        }
        let mut sources = Vec::new();
        rust_sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut sources,
        );
        for source in &sources {
            texts.extend(literals_after(source, &["tr(", "tr_with(", "said("]));
        }
        texts.extend(runtime_texts());
        texts.retain(|t| !t.is_empty());
        texts.sort();
        texts.dedup();
        assert!(texts.len() > 200, "only {} texts found", texts.len());
        let mut missing = Vec::new();
        for lang in [Lang::Es, Lang::Fr, Lang::De] {
            for text in &texts {
                if lookup(lang, text).is_none() {
                    missing.push(format!("{lang}: {text}"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "{} missing:\n{}",
            missing.len(),
            missing.join("\n")
        );
    }

    #[test]
    fn literals_are_found() {
        let found = literals_after(
            "{{ t(\"A {x}\", x=1) }} tr(\n  lang,\n  \"B\") said(\"C\", &[]) format(\"D\") {{ t('E') }}",
            &["t(", "tr(", "said("],
        );
        assert_eq!(found, vec!["A {x}", "E", "B", "C"]);
    }

    #[test]
    fn query_then_cookie_then_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("es-MX,es;q=0.9"),
        );
        assert_eq!(from_request(None, &headers), (Lang::Es, None));
        headers.insert(header::COOKIE, HeaderValue::from_static("a=b; lang=fr"));
        assert_eq!(from_request(Some("x=1"), &headers), (Lang::Fr, None));
        assert_eq!(
            from_request(Some("x=1&lang=de"), &headers),
            (Lang::De, Some(Lang::De))
        );
        assert_eq!(from_request(Some("lang=zz"), &headers), (Lang::Fr, None));
    }
}
