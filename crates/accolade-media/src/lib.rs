//! Accolade's badge images, as pure functions (no IO, no async):
//!
//! - [`BadgeDesign`] → [`to_svg`]: the badge designer's model drawn as clean, accessible SVG;
//! - [`render_png`] and [`render_og_card`]: SVG to PNG with the bundled font only;
//! - [`check_upload`] / [`check_badge_image`] / [`normalise_image`]: uploaded PNG, JPEG, WebP
//!   or SVG checked under strict limits; raster images decoded and encoded again as fresh
//!   PNG, SVG sanitized.

mod active;
mod catalog;
mod design;
mod error;
mod guard;
mod icons;
mod marked;
mod png;
mod render;
mod sanitize;
mod shapes;
mod svg;
mod text;
mod upload;

pub use active::{active_content, check_strict_upload};
pub use catalog::design_image;
pub use design::{
    BadgeDesign, Border, BorderStyle, Colour, Logo, MAX_BORDER_WIDTH, MAX_LOGO_BYTES,
    MAX_SUBTITLE_CHARS, MAX_TITLE_CHARS,
};
pub use error::MediaError;
pub use guard::{MAX_SVG_DEPTH, MAX_SVG_ELEMENTS, MAX_SVG_EXPANDED};
pub use icons::{Icon, IconPath};
pub use marked::{StatusMark, render_badge_marked, render_og_card_marked};
pub use render::{MAX_RENDER_PX, MAX_SVG_BYTES, OG_HEIGHT, OG_WIDTH, render_og_card, render_png};
pub use shapes::Shape;
pub use svg::{subtitle_fit, title_fit, title_rule_for, to_svg};
pub use text::{FitRule, FittedText, fit, text_width};
pub use upload::{
    CheckedImage, MAX_CONVERTED_SIDE, MAX_DECODE_BYTES, MAX_DIMENSION, MAX_UPLOAD_BYTES,
    check_badge_image, check_upload, declared_size, normalise_image,
};
