use serde::Serialize;

/// The downloads panel of a credential page: the badge with the credential baked in, the
/// signed JSON, and the older formats some displayers still read.
#[derive(Debug, Clone, Serialize)]
pub struct DownloadsView {
    pub files: Vec<DownloadLink>,
}

/// One file to download.
#[derive(Debug, Clone, Serialize)]
pub struct DownloadLink {
    /// e.g. "Badge image (PNG)".
    pub label: String,
    /// What it is for, in a few words.
    pub hint: String,
    /// A same-origin path.
    pub href: String,
    /// The MIME type, for the link's `type` attribute.
    pub media_type: String,
}

impl DownloadsView {
    /// The files of the credential whose page is `credential_url` (`/credentials/{id}`).
    pub fn for_credential(credential_url: &str) -> Self {
        let link = |file: &str, label: &str, hint: &str, media_type: &str| DownloadLink {
            label: label.to_owned(),
            hint: hint.to_owned(),
            href: format!("{credential_url}/{file}"),
            media_type: media_type.to_owned(),
        };
        Self {
            files: vec![
                link(
                    "badge.png",
                    "Badge image (PNG)",
                    "The credential is baked into the image: share one file, anyone can verify it.",
                    "image/png",
                ),
                link(
                    "badge.svg",
                    "Badge image (SVG)",
                    "The same, as a scalable vector image.",
                    "image/svg+xml",
                ),
                link(
                    "credential.json",
                    "Signed credential (JSON)",
                    "Open Badges 3.0 JSON-LD with its Data Integrity proof.",
                    "application/vc+ld+json",
                ),
                link(
                    "credential.jwt",
                    "Signed credential (VC-JWT)",
                    "The same credential as a JSON Web Token signed with ES256.",
                    "text/plain",
                ),
                link(
                    "certificate.pdf",
                    "Certificate (PDF)",
                    "A printable A4 certificate with a QR code to this page.",
                    "application/pdf",
                ),
                link(
                    "badge-ob2.png",
                    "Open Badges 2.0 image (PNG)",
                    "For older badge backpacks and displayers.",
                    "image/png",
                ),
                link(
                    "badge-ob2.svg",
                    "Open Badges 2.0 image (SVG)",
                    "The same, as a vector image.",
                    "image/svg+xml",
                ),
            ],
        }
    }
}
