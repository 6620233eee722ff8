//! Reading captured mail the way a mail client would: unfolded headers with RFC 2047 words
//! decoded, multipart bodies split, and each part's quoted-printable or base64 undone, so
//! that tests can assert on what a person would see.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// One message as it arrived over SMTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`).
    pub from: String,
    /// The envelope recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// The message as sent after `DATA` (headers and body, CRLF line ends).
    pub raw: String,
}

/// A leaf part of a message: its content type (lower case, without parameters) and its
/// decoded body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub content_type: String,
    pub body: String,
}

impl ReceivedMail {
    pub fn new(from: String, to: Vec<String>, raw: String) -> Self {
        Self { from, to, raw }
    }

    /// A top-level header's value, unfolded and decoded; the first one of that name.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = split_head(&self.raw);
        header_in(head, name).map(|v| decode_words(&v))
    }

    /// Every leaf part, decoded (a single-part message is one part).
    pub fn parts(&self) -> Vec<Part> {
        let mut out = Vec::new();
        collect_parts(&self.raw, &mut out);
        out
    }

    /// The first part of this content type (`text/plain`, `text/html`), decoded.
    pub fn body(&self, content_type: &str) -> Option<String> {
        self.parts()
            .into_iter()
            .find(|p| p.content_type == content_type)
            .map(|p| p.body)
    }
}

fn split_head(entity: &str) -> (&str, &str) {
    entity
        .split_once("\r\n\r\n")
        .or_else(|| entity.split_once("\n\n"))
        .unwrap_or((entity, ""))
}

fn header_in(head: &str, name: &str) -> Option<String> {
    let mut found: Option<String> = None;
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(v) = found.as_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if found.is_some() {
            break;
        }
        if let Some((n, v)) = line.split_once(':')
            && n.trim().eq_ignore_ascii_case(name)
        {
            found = Some(v.trim().to_owned());
        }
    }
    found
}

/// `text/html; charset=utf-8; boundary="x"` → the parameter's value.
fn parameter(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn collect_parts(entity: &str, out: &mut Vec<Part>) {
    let (head, body) = split_head(entity);
    let content_type = header_in(head, "content-type").unwrap_or_else(|| "text/plain".into());
    let kind = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if kind.starts_with("multipart/") {
        let Some(boundary) = parameter(&content_type, "boundary") else {
            return;
        };
        let delimiter = format!("--{boundary}");
        for chunk in body.split(&delimiter).skip(1) {
            if chunk.starts_with("--") {
                break; // the closing delimiter
            }
            let chunk = chunk.strip_prefix("\r\n").unwrap_or(chunk);
            let chunk = chunk.strip_suffix("\r\n").unwrap_or(chunk);
            collect_parts(chunk, out);
        }
        return;
    }
    let encoding = header_in(head, "content-transfer-encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "quoted-printable" => quoted_printable(body),
        "base64" => {
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            STANDARD.decode(compact).unwrap_or_default()
        }
        _ => body.as_bytes().to_vec(),
    };
    out.push(Part {
        content_type: kind,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    });
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        match (bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(b'\r'), Some(b'\n')) => i += 3, // soft line break
            (Some(b'\n'), _) => i += 2,
            (Some(&h), Some(&l)) => match (hex(h), hex(l)) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b);
                    i += 1;
                }
            },
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`); whitespace between two
/// adjacent encoded words is dropped, as the RFC says.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, from) = rest.split_at(start);
        let Some(word) = encoded_word(from) else {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            last_was_word = false;
            continue;
        };
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        out.push_str(&word.0);
        rest = &from[word.1..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

/// One encoded word at the start of `s`: its text and its length in `s`.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let (_charset, after) = inner.split_once('?')?;
    let (encoding, after) = after.split_once('?')?;
    let end = after.find("?=")?;
    let payload = &after[..end];
    let bytes = match encoding.to_ascii_lowercase().as_str() {
        "b" => STANDARD.decode(payload).ok()?,
        "q" => quoted_printable(&payload.replace('_', " ")),
        _ => return None,
    };
    let consumed = s.len() - after.len() + end + 2;
    Some((String::from_utf8_lossy(&bytes).into_owned(), consumed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_quoted_printable_and_base64() {
        let raw = "Subject: =?utf-8?b?w5xiZXI=?= =?utf-8?q?_caf=C3=A9?=\r\n\
                   To: x@example.org\r\n\
                   Content-Type: multipart/alternative;\r\n boundary=\"BB\"\r\n\r\n\
                   --BB\r\nContent-Type: text/plain; charset=utf-8\r\n\
                   Content-Transfer-Encoding: quoted-printable\r\n\r\n\
                   a very long=\r\n line =C3=A9 x=3Dy\r\n\
                   --BB\r\nContent-Type: text/html; charset=utf-8\r\n\
                   Content-Transfer-Encoding: base64\r\n\r\n\
                   PHA+aGk8L3A+\r\n\
                   --BB--\r\n";
        let mail = ReceivedMail::new("a".into(), vec!["b".into()], raw.into());
        assert_eq!(mail.header("subject").as_deref(), Some("Über café"));
        assert_eq!(
            mail.body("text/plain").as_deref(),
            Some("a very long line é x=y")
        );
        assert_eq!(mail.body("text/html").as_deref(), Some("<p>hi</p>"));
        assert_eq!(mail.parts().len(), 2);
    }
}
