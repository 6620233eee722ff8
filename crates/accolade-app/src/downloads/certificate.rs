//! The printable certificate: one A4 landscape PDF page with the badge, the achievement's
//! name, the earner, the issuer, the dates, the credential's URL and a QR code to its
//! verification page. Drawn with krilla; the badge is the PNG rendering the other downloads
//! use (so one SVG renderer serves everything), the text is set in the bundled font.

use crate::i18n::{Lang, tr, tr_with};
use crate::{AppError, AppResult};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use std::sync::Arc;

/// The font every badge is drawn with (DejaVu Sans Bold, bundled by accolade-media).
static FONT: &[u8] = include_bytes!("../../../accolade-media/fonts/DejaVuSans-Bold.ttf");

/// A4 landscape, in points.
const WIDTH: f32 = 842.0;
const HEIGHT: f32 = 595.0;

const NAVY: (u8, u8, u8) = (0x1f, 0x4e, 0x79);
const GOLD: (u8, u8, u8) = (0xb8, 0x8a, 0x1e);
const INK: (u8, u8, u8) = (0x1b, 0x23, 0x30);
const MUTED: (u8, u8, u8) = (0x54, 0x5e, 0x6b);
const ALERT: (u8, u8, u8) = (0xb3, 0x26, 0x1e);
const WHITE: (u8, u8, u8) = (0xff, 0xff, 0xff);

/// What the certificate says.
pub(super) struct Certificate {
    pub achievement: String,
    pub achievement_type: String,
    /// `None`: "a verified email holder".
    pub recipient: Option<String>,
    pub issuer: String,
    pub issued_on: String,
    pub expires_on: Option<String>,
    /// The public credential page, which the QR code also opens.
    pub url: String,
    /// The badge as PNG.
    pub badge_png: Vec<u8>,
    /// For a badge that is no longer valid: the word ("REVOKED", in the certificate's
    /// language) and a line with the date and reason, printed in red across the top.
    pub status: Option<(String, String)>,
    /// The language the certificate's own words are in: the credential's.
    pub lang: Lang,
}

fn internal(what: &str) -> AppError {
    AppError::internal_msg(format!("the certificate PDF could not be made: {what}"))
}

fn fill(colour: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::EvenOdd,
    }
}

/// The column the texts are centred in.
#[derive(Clone, Copy)]
struct Column {
    centre: f32,
    width: f32,
}

/// Text centred in `column` at baseline `y`, shrunk (down to 8 pt) until it fits.
fn centred(
    surface: &mut Surface<'_>,
    font: &Font,
    text: &str,
    column: Column,
    y: f32,
    size: f32,
    colour: (u8, u8, u8),
) {
    let Column {
        centre: cx,
        width: max_width,
    } = column;
    let mut size = size;
    let mut width = accolade_media::text_width(text, size, 0.0);
    while width > max_width && size > 8.0 {
        size -= 1.0;
        width = accolade_media::text_width(text, size, 0.0);
    }
    surface.set_fill(Some(fill(colour)));
    surface.draw_text(
        Point::from_xy(cx - width / 2.0, y),
        font.clone(),
        size,
        text,
        false,
        TextDirection::Auto,
    );
}

/// The frame: a navy rule and a gold rule inside it.
fn frame(surface: &mut Surface<'_>) -> AppResult<()> {
    for (inset, thickness, colour) in [(22.0, 3.0, NAVY), (31.0, 1.0, GOLD)] {
        let mut pb = PathBuilder::new();
        let outer = Rect::from_xywh(inset, inset, WIDTH - 2.0 * inset, HEIGHT - 2.0 * inset);
        let inner = Rect::from_xywh(
            inset + thickness,
            inset + thickness,
            WIDTH - 2.0 * (inset + thickness),
            HEIGHT - 2.0 * (inset + thickness),
        );
        pb.push_rect(outer.ok_or_else(|| internal("frame"))?);
        pb.push_rect(inner.ok_or_else(|| internal("frame"))?);
        let path = pb.finish().ok_or_else(|| internal("frame"))?;
        surface.set_fill(Some(fill(colour)));
        surface.draw_path(&path);
    }
    Ok(())
}

/// A QR code of `url`, `side` points square, with its top-left corner at (`x`, `y`).
fn qr(surface: &mut Surface<'_>, url: &str, x: f32, y: f32, side: f32) -> AppResult<()> {
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| AppError::internal("making the certificate's QR code", e))?;
    let n = code.width();
    let colours = code.to_colors();
    // A quiet zone of two modules on each side.
    let module = side / (n as f32 + 4.0);
    let mut pb = PathBuilder::new();
    for (i, c) in colours.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (col, row) = ((i % n) as f32, (i / n) as f32);
            if let Some(r) = Rect::from_xywh(
                x + (col + 2.0) * module,
                y + (row + 2.0) * module,
                module,
                module,
            ) {
                pb.push_rect(r);
            }
        }
    }
    if let Some(path) = pb.finish() {
        let mut nonzero = fill(INK);
        nonzero.rule = FillRule::NonZero;
        surface.set_fill(Some(nonzero));
        surface.draw_path(&path);
    }
    Ok(())
}

/// A red band across the top with the status word, and the date and reason under it: a
/// print of a badge that is no longer valid must not pass for a valid one.
fn status_band(
    surface: &mut Surface<'_>,
    font: &Font,
    lang: Lang,
    word: &str,
    detail: &str,
) -> AppResult<()> {
    let band = Rect::from_xywh(36.0, 40.0, WIDTH - 72.0, 40.0).ok_or_else(|| internal("band"))?;
    let mut pb = PathBuilder::new();
    pb.push_rect(band);
    let path = pb.finish().ok_or_else(|| internal("band"))?;
    surface.set_fill(Some(fill(ALERT)));
    surface.draw_path(&path);
    let full = Column {
        centre: WIDTH / 2.0,
        width: WIDTH - 100.0,
    };
    centred(
        surface,
        font,
        &format!(
            "{word} · {}",
            tr(lang, "This credential is not valid").to_uppercase()
        ),
        full,
        68.0,
        21.0,
        WHITE,
    );
    centred(surface, font, detail, full, 99.0, 11.0, ALERT);
    Ok(())
}

impl Certificate {
    /// The PDF file.
    pub(super) fn to_pdf(&self) -> AppResult<Vec<u8>> {
        let font = Font::new(Arc::new(FONT.to_vec()).into(), 0).ok_or_else(|| internal("font"))?;
        let badge = Image::from_png(Arc::new(self.badge_png.clone()).into(), true)
            .map_err(|e| internal(&e))?;
        let mut document = Document::new();
        let settings = PageSettings::from_wh(WIDTH, HEIGHT).ok_or_else(|| internal("page"))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();

        frame(&mut surface)?;
        if let Some((word, detail)) = &self.status {
            status_band(&mut surface, &font, self.lang, word, detail)?;
        }

        // The badge on the left, the texts centred on the right.
        let (badge_x, badge_y, badge_side) = (78.0, 150.0, 230.0);
        surface.push_transform(&Transform::from_translate(badge_x, badge_y));
        surface.draw_image(
            badge,
            Size::from_wh(badge_side, badge_side).ok_or_else(|| internal("badge size"))?,
        );
        surface.pop();

        let col = Column {
            centre: 565.0,
            width: 430.0,
        };
        let lang = self.lang;
        let title = tr(lang, "Certificate of achievement");
        let eyebrow = match self.achievement_type.as_str() {
            "Badge" | "Achievement" | "" => title.to_owned(),
            kind => format!(
                "{} · {title}",
                crate::i18n::achievement_type_label(lang, kind)
            ),
        };
        centred(
            &mut surface,
            &font,
            &eyebrow.to_uppercase(),
            col,
            120.0,
            11.0,
            GOLD,
        );
        centred(
            &mut surface,
            &font,
            &self.achievement,
            col,
            180.0,
            30.0,
            NAVY,
        );
        let awarded_to = tr(lang, "awarded to");
        centred(&mut surface, &font, awarded_to, col, 232.0, 12.0, MUTED);
        let recipient = self
            .recipient
            .as_deref()
            .unwrap_or_else(|| tr(lang, "a verified email holder"));
        centred(&mut surface, &font, recipient, col, 275.0, 26.0, INK);
        centred(
            &mut surface,
            &font,
            &tr_with(lang, "by {issuer}", &[("issuer", &self.issuer)]),
            col,
            318.0,
            14.0,
            INK,
        );
        let issued = tr_with(lang, "Issued {date}", &[("date", &self.issued_on)]);
        let dates = match &self.expires_on {
            Some(e) => format!(
                "{issued} · {}",
                tr_with(lang, "Valid until {date}", &[("date", e)])
            ),
            None => issued,
        };
        centred(&mut surface, &font, &dates, col, 356.0, 12.0, MUTED);

        // The way to check it: a QR code to the verification page, and the URL in words.
        let qr_side = 96.0;
        qr(
            &mut surface,
            &self.url,
            WIDTH - 60.0 - qr_side,
            HEIGHT - 62.0 - qr_side,
            qr_side,
        )?;
        surface.set_fill(Some(fill(MUTED)));
        surface.draw_text(
            Point::from_xy(60.0, HEIGHT - 92.0),
            font.clone(),
            10.0,
            tr(lang, "Verify this credential at"),
            false,
            TextDirection::Auto,
        );
        surface.draw_text(
            Point::from_xy(60.0, HEIGHT - 76.0),
            font.clone(),
            9.0,
            &self.url,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
        document.finish().map_err(|e| internal(&format!("{e:?}")))
    }
}
