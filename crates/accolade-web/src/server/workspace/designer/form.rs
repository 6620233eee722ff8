//! Reading the designer's multipart form, and showing an SVG inline.

use accolade_app::DesignForm;
use accolade_app::images::MAX_UPLOAD_BYTES;
use axum::extract::Multipart;
use axum::http::StatusCode;
use std::collections::HashMap;

/// A `data:` URL of an SVG, percent-encoded (the page's CSP allows `data:` images).
pub(super) fn svg_data_url(svg: &[u8]) -> String {
    // Characters an SVG uses often and that are safe in a data URL stay readable.
    const KEEP: &percent_encoding::AsciiSet = &crate::filters::UNRESERVED
        .remove(b' ')
        .remove(b'/')
        .remove(b'=')
        .remove(b':')
        .remove(b',')
        .remove(b';')
        .remove(b'(')
        .remove(b')');
    format!(
        "data:image/svg+xml,{}",
        percent_encoding::percent_encode(svg, KEEP)
    )
}

/// The multipart form: its text fields, and the logo file if one was chosen.
pub(super) struct Submitted {
    pub fields: HashMap<String, String>,
    pub logo: Option<(String, Vec<u8>)>,
    /// Why reading the form stopped early (a file over the limit).
    pub problem: Option<String>,
}

impl Submitted {
    pub fn get(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    pub fn design_form(&self) -> DesignForm {
        DesignForm {
            shape: self.get("shape"),
            background: self.get("background"),
            foreground: self.get("foreground"),
            accent: self.get("accent"),
            border_style: self.get("border_style"),
            border_width: self.get("border_width"),
            border_colour: self.get("border_colour"),
            title: self.get("title"),
            subtitle: self.get("subtitle"),
            icon: self.get("icon"),
            logo: self.get("logo"),
        }
    }
}

fn too_large() -> String {
    format!(
        "Logo: the file is larger than the {} MiB limit",
        MAX_UPLOAD_BYTES / (1024 * 1024)
    )
}

pub(super) async fn read_multipart(mut multipart: Multipart) -> Submitted {
    let mut s = Submitted {
        fields: HashMap::new(),
        logo: None,
        problem: None,
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                s.problem = Some(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    "The form could not be read; reload the page and try again.".into()
                });
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "logo_file" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            match field.bytes().await {
                Ok(b) if b.is_empty() => {}
                Ok(b) if b.len() > MAX_UPLOAD_BYTES => {
                    s.problem = Some(too_large());
                    break;
                }
                Ok(b) => s.logo = Some((file_name, b.to_vec())),
                Err(e) => {
                    s.problem = Some(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large()
                    } else {
                        "The logo could not be read; try again.".into()
                    });
                    break;
                }
            }
        } else {
            match field.text().await {
                Ok(t) => {
                    s.fields.insert(name, t);
                }
                Err(_) => {
                    s.problem =
                        Some("The form could not be read; reload the page and try again.".into());
                    break;
                }
            }
        }
    }
    s
}
