//! The stylesheet and the security policy the pages are written for.

/// The one stylesheet every page links to, kept in several source files by topic and
/// joined in this order (the media queries last, so they override).
pub const STYLESHEET: &str = concat!(
    include_str!("../static/css/01-base.css"),
    include_str!("../static/css/02-components.css"),
    include_str!("../static/css/03-home-issuer.css"),
    include_str!("../static/css/04-credential-verify.css"),
    include_str!("../static/css/06-workspace.css"),
    include_str!("../static/css/08-designer.css"),
    include_str!("../static/css/10-imports.css"),
    include_str!("../static/css/09-awards.css"),
    include_str!("../static/css/07-achievements.css"),
    include_str!("../static/css/12-downloads.css"),
    include_str!("../static/css/11-share.css"),
    include_str!("../static/css/13-earner.css"),
    include_str!("../static/css/17-languages.css"),
    include_str!("../static/css/18-pathways.css"),
    include_str!("../static/css/19-onboarding.css"),
    include_str!("../static/css/20-insights.css"),
    include_str!("../static/css/21-api.css"),
    include_str!("../static/css/21-api-keys.css"),
    include_str!("../static/css/22-webhooks.css"),
    include_str!("../static/css/05-media.css"),
);

/// Where the handlers serve [`STYLESHEET`] (as `text/css; charset=utf-8`).
pub const STYLESHEET_PATH: &str = "/static/accolade.css";

/// The policy the pages are written to satisfy: scripts only from this origin's own files
/// ([`SCRIPTS`]; no inline code), styles only from the stylesheet, images from this origin
/// or `data:` (inline badge images on the verify page and the favicon), requests and forms
/// only to this origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

/// First-party scripts, by file name, served from `/static/js/{name}`. Pages work without
/// them; they add live previews and progress. Nothing else is ever loaded.
pub const SCRIPTS: &[(&str, &str)] = &[
    ("share.js", include_str!("../static/js/share.js")),
    ("progress.js", include_str!("../static/js/progress.js")),
    ("designer.js", include_str!("../static/js/designer.js")),
    ("awards.js", include_str!("../static/js/awards.js")),
    (
        "achievement-form.js",
        include_str!("../static/js/achievement-form.js"),
    ),
];

/// The source of a first-party script.
pub fn script(name: &str) -> Option<&'static str> {
    SCRIPTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, source)| *source)
}

/// A script's URL as pages link it: the path plus a version query from its content.
pub fn script_href(name: &str) -> Option<String> {
    script(name).map(|s| format!("/static/js/{name}?v={:012x}", fnv1a(s.as_bytes()) >> 16))
}

/// FNV-1a of the stylesheet, so its URL changes whenever its content does and the
/// handler may serve it with a long `Cache-Control: immutable`.
const STYLESHEET_HASH: u64 = fnv1a(STYLESHEET.as_bytes());

const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The stylesheet's URL as the pages link it: the path plus a version query.
pub fn stylesheet_href() -> String {
    format!("{STYLESHEET_PATH}?v={:012x}", STYLESHEET_HASH >> 16)
}
