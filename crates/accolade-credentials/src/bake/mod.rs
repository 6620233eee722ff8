//! Baked badges: a credential carried inside its own PNG or SVG image, so the earner can
//! share one file and anyone can extract and verify it.
//!
//! Writing follows OB 3.0 (PNG `iTXt` keyword `openbadgecredential`; SVG element
//! `<openbadges:credential>` in namespace `https://purl.imsglobal.org/ob/v3p0`), or OB 2.0 for
//! older displayers ([`bake_png_ob2`], [`bake_svg_ob2`]). Reading also accepts OB 2.0 bakes (`openbadges` iTXt/tEXt/zTXt; `<openbadges:assertion>` in
//! `http://openbadges.org`) so old badges can still be imported.
//!
//! Images come from users, so every reader here is bounded: files over 16 MiB and credential
//! texts over 2 MiB are refused, compressed text is inflated with a cap, XML DTDs that could
//! expand entities are refused, and malformed input yields an error, never a panic.

mod png;
mod svg;

pub use png::{bake_png, bake_png_ob2, unbake_png};
pub use svg::{bake_svg, bake_svg_ob2, unbake_svg};

/// Largest image accepted for baking or reading: 16 MiB, well above any badge image.
pub const MAX_IMAGE_BYTES: usize = 16 * 1024 * 1024;

/// Largest credential text accepted: 2 MiB, well above real credentials with endorsements.
pub const MAX_CREDENTIAL_BYTES: usize = 2 * 1024 * 1024;

/// A credential found in a baked image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baked {
    /// An OB 3.0 credential as JSON text.
    Ob3Json(String),
    /// An OB 3.0 credential as a compact JWT (VC-JWT).
    Ob3Jwt(String),
    /// An OB 2.0 assertion: JSON, a compact JWS, or the URL of a hosted assertion.
    Ob2(String),
}

impl Baked {
    /// The credential text, whatever its kind.
    pub fn text(&self) -> &str {
        match self {
            Self::Ob3Json(s) | Self::Ob3Jwt(s) | Self::Ob2(s) => s,
        }
    }

    /// Sorts OB 3.0 text into JSON or JWT by its content, since the PNG format does not say.
    fn ob3(text: String) -> Result<Self, BakeError> {
        match BakePayload::classify(&text) {
            Some(BakePayload::Json(_)) => Ok(Self::Ob3Json(text)),
            Some(BakePayload::Jwt(_)) => Ok(Self::Ob3Jwt(text)),
            None => Err(BakeError::UnrecognisedCredential),
        }
    }
}

/// What to bake into an SVG: the two OB 3.0 forms are written differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BakePayload {
    /// A credential as JSON text (written in a CDATA section).
    Json(String),
    /// A credential as a compact JWT (written in a `verify` attribute).
    Jwt(String),
}

impl BakePayload {
    /// Guesses the form from the text: a JSON object, or three base64url parts joined by dots.
    pub fn classify(text: &str) -> Option<Self> {
        let t = text.trim();
        if t.starts_with('{') {
            return Some(Self::Json(t.to_owned()));
        }
        if is_compact_jws(t) {
            return Some(Self::Jwt(t.to_owned()));
        }
        None
    }

    fn text(&self) -> &str {
        match self {
            Self::Json(s) | Self::Jwt(s) => s,
        }
    }
}

/// Three non-empty-header base64url segments separated by dots (the signature may be empty
/// only in unsigned tokens, which verification rejects later; here we just recognise shape).
fn is_compact_jws(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && !parts[0].is_empty()
        && !parts[1].is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// Why an image could not be baked or read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BakeError {
    /// Neither a PNG nor an SVG.
    #[error("the file is neither a PNG nor an SVG image")]
    UnknownFormat,
    /// Over [`MAX_IMAGE_BYTES`].
    #[error("the image is larger than the 16 MiB limit for baked badges")]
    ImageTooLarge,
    /// Over [`MAX_CREDENTIAL_BYTES`].
    #[error("the credential inside the image is larger than the 2 MiB limit")]
    CredentialTooLarge,
    /// An empty credential text was given to bake.
    #[error("there is no credential text to bake")]
    EmptyCredential,
    /// The PNG is broken.
    #[error("the PNG image is damaged: {0}")]
    BadPng(String),
    /// A PNG chunk's checksum does not match its contents.
    #[error("the PNG image is damaged: the {chunk} chunk at byte {offset} fails its CRC check")]
    PngCrc {
        /// Chunk type, e.g. `IDAT`.
        chunk: String,
        /// Byte offset of the chunk in the file.
        offset: usize,
    },
    /// The SVG is not well-formed XML, or not an SVG.
    #[error("the SVG image could not be read: {0}")]
    BadSvg(String),
    /// The SVG declares a DTD subset or entities (billion laughs, external entities).
    #[error("the SVG contains a document type or entity declaration, which is not allowed")]
    SvgDtd,
    /// Two or more credentials in one image: it is unclear which one is meant.
    #[error("the image carries more than one baked credential")]
    MultipleCredentials,
    /// The credential text is not UTF-8.
    #[error("the baked credential is not valid UTF-8 text")]
    NotUtf8,
    /// The OB 3.0 text is neither JSON nor a compact JWT.
    #[error("the baked credential is neither JSON nor a compact JWT")]
    UnrecognisedCredential,
    /// The JWT to bake contains characters not allowed in a compact JWS.
    #[error("the JWT to bake is not a compact JWS (three base64url parts joined by dots)")]
    BadJwt,
}

/// Reads the credential from a PNG or SVG image, sniffing the format from its first bytes.
/// `Ok(None)` means a well-formed image with no credential in it.
pub fn unbake(bytes: &[u8]) -> Result<Option<Baked>, BakeError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::ImageTooLarge);
    }
    if bytes.starts_with(png::SIGNATURE) {
        return unbake_png(bytes);
    }
    if svg::looks_like_svg(bytes) {
        return unbake_svg(bytes);
    }
    Err(BakeError::UnknownFormat)
}

#[cfg(test)]
mod tests;
