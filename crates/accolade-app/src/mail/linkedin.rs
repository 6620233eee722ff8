//! LinkedIn's "Add to profile" link for a certification, with the fields filled in: the
//! badge's name, the issuing organization, issue and expiry month, the credential's URL and id.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use time::OffsetDateTime;

/// What LinkedIn's add-certification form is prefilled with.
#[derive(Debug, Clone, PartialEq)]
pub struct Certification<'a> {
    pub name: &'a str,
    pub organization: &'a str,
    pub issued_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub credential_url: &'a str,
    pub credential_id: &'a str,
}

/// `https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=…` with every value
/// percent-encoded.
pub fn add_to_profile_url(cert: &Certification<'_>) -> String {
    let mut params: Vec<(&str, String)> = vec![
        ("startTask", "CERTIFICATION_NAME".into()),
        ("name", cert.name.into()),
        ("organizationName", cert.organization.into()),
        ("issueYear", cert.issued_at.year().to_string()),
        ("issueMonth", u8::from(cert.issued_at.month()).to_string()),
    ];
    if let Some(exp) = cert.expires_at {
        params.push(("expirationYear", exp.year().to_string()));
        params.push(("expirationMonth", u8::from(exp.month()).to_string()));
    }
    params.push(("certUrl", cert.credential_url.into()));
    params.push(("certId", cert.credential_id.into()));
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    format!("https://www.linkedin.com/profile/add?{}", query.join("&"))
}

/// Percent-encodes everything but RFC 3986's unreserved characters (so a space is `%20`,
/// `&` is `%26`, and non-ASCII text is its UTF-8 bytes).
pub fn percent_encode(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

/// Bytes other than RFC 3986's unreserved characters.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn every_field_is_encoded() {
        let url = add_to_profile_url(&Certification {
            name: "First Aid & CPR: Level 2",
            organization: "Ærø Academy",
            issued_at: datetime!(2026-03-01 09:30 UTC),
            expires_at: Some(datetime!(2028-03-01 09:30 UTC)),
            credential_url: "https://badges.example.org/credentials/abc?x=1",
            credential_id: "abc",
        });
        assert_eq!(
            url,
            "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME\
             &name=First%20Aid%20%26%20CPR%3A%20Level%202\
             &organizationName=%C3%86r%C3%B8%20Academy&issueYear=2026&issueMonth=3\
             &expirationYear=2028&expirationMonth=3\
             &certUrl=https%3A%2F%2Fbadges.example.org%2Fcredentials%2Fabc%3Fx%3D1&certId=abc"
        );
    }

    #[test]
    fn no_expiry_no_expiration_fields() {
        let url = add_to_profile_url(&Certification {
            name: "x",
            organization: "y",
            issued_at: datetime!(2026-12-31 23:59 UTC),
            expires_at: None,
            credential_url: "u",
            credential_id: "i",
        });
        assert!(
            url.contains("issueYear=2026&issueMonth=12&certUrl=u"),
            "{url}"
        );
        assert!(!url.contains("expiration"));
    }
}
