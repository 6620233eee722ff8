//! SVG baking with quick-xml: namespace-aware reading, and writing by splicing the source text
//! so the artwork is left byte for byte as it was.
//!
//! DTDs are the XML attack surface (billion laughs, external entities): any `<!ENTITY` and any
//! DOCTYPE with an internal subset is refused before or while parsing. A plain
//! `<!DOCTYPE svg PUBLIC … "…svg11.dtd">`, which many editors write, is allowed: nothing is
//! ever fetched, so it is inert.

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::{BakeError, BakePayload, Baked, MAX_CREDENTIAL_BYTES, MAX_IMAGE_BYTES};

/// OB 3.0 baking namespace.
const OB3_NS: &str = "https://purl.imsglobal.org/ob/v3p0";
/// OB 2.0 baking namespace (http, not https).
const OB2_NS: &str = "http://openbadges.org";

/// Whether the bytes look like an SVG (XML text with an `svg` element near the start).
pub(super) fn looks_like_svg(bytes: &[u8]) -> bool {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let starts_with_tag = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    let head = &body[..body.len().min(64 * 1024)];
    starts_with_tag && head.windows(4).any(|w| w == b"<svg" || w == b":svg")
}

/// Size, encoding and DTD checks shared by baking and reading.
fn prepare(bytes: &[u8]) -> Result<&str, BakeError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::ImageTooLarge);
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = std::str::from_utf8(body)
        .map_err(|_| BakeError::BadSvg("the file is not UTF-8 text".into()))?;
    if contains_ignore_case(text.as_bytes(), b"<!ENTITY") {
        return Err(BakeError::SvgDtd);
    }
    Ok(text)
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn bad(e: impl std::fmt::Display) -> BakeError {
    BakeError::BadSvg(e.to_string())
}

/// What kind of credential element an element is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ob3,
    Ob2,
}

fn kind_of(ns: &ResolveResult<'_>, element: &BytesStart<'_>) -> Option<Kind> {
    let ResolveResult::Bound(ns) = ns else {
        return None;
    };
    match (ns.0, element.local_name().as_ref()) {
        (OB3_NS, "credential") => Some(Kind::Ob3),
        (OB2_NS, "assertion") => Some(Kind::Ob2),
        _ => None,
    }
}

/// The parts of an SVG that baking needs: where the root start tag is, and where any
/// credential elements are.
struct Layout<'a> {
    root: BytesStart<'a>,
    root_span: (usize, usize),
    root_is_empty: bool,
    /// Byte spans of existing credential elements, in document order.
    credentials: Vec<(usize, usize)>,
}

/// One read step: the event and the byte range it covered.
fn next<'a>(
    reader: &mut NsReader<&'a [u8]>,
) -> Result<(Option<Kind>, Event<'a>, usize, usize), BakeError> {
    let before = position(reader);
    let (ns, event) = reader.read_resolved_event().map_err(bad)?;
    let kind = match &event {
        Event::Start(e) | Event::Empty(e) => kind_of(&ns, e),
        Event::DocType(d) => {
            let content = d.clone().into_inner();
            if content.contains('[') || contains_ignore_case(content.as_bytes(), b"ENTITY") {
                return Err(BakeError::SvgDtd);
            }
            None
        }
        _ => None,
    };
    Ok((kind, event, before, position(reader)))
}

fn position(reader: &NsReader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

fn reader(text: &str) -> NsReader<&[u8]> {
    NsReader::from_str(text)
}

fn layout(text: &str) -> Result<Layout<'_>, BakeError> {
    let mut reader = reader(text);
    let mut root: Option<Root<'_>> = None;
    let mut credentials = Vec::new();
    loop {
        let (kind, event, before, after) = next(&mut reader)?;
        match event {
            Event::Start(e) if root.is_none() => root = Some(check_root(e, before, after, false)?),
            Event::Empty(e) if root.is_none() => root = Some(check_root(e, before, after, true)?),
            Event::Start(e) if kind.is_some() => {
                reader.read_to_end(e.name()).map_err(bad)?;
                credentials.push((before, position(&reader)));
            }
            Event::Empty(_) if kind.is_some() => credentials.push((before, after)),
            Event::Eof => break,
            _ => {}
        }
    }
    let Some((root, root_span, root_is_empty)) = root else {
        return Err(BakeError::BadSvg("there is no <svg> element".into()));
    };
    Ok(Layout {
        root,
        root_span,
        root_is_empty,
        credentials,
    })
}

type Root<'a> = (BytesStart<'a>, (usize, usize), bool);

fn check_root(
    e: BytesStart<'_>,
    start: usize,
    end: usize,
    empty: bool,
) -> Result<Root<'_>, BakeError> {
    if e.local_name().as_ref() != "svg" {
        return Err(BakeError::BadSvg("the root element is not <svg>".into()));
    }
    Ok((e, (start, end), empty))
}

/// Bakes a credential into an SVG: declares `xmlns:openbadges` for OB 3.0 on the root `<svg>`
/// and writes one `<openbadges:credential>` right after it, removing any credential element
/// already present (OB 3.0 or OB 2.0), so re-baking replaces rather than duplicates.
pub fn bake_svg(svg: &str, payload: &BakePayload) -> Result<String, BakeError> {
    let credential = credential_element(payload)?;
    splice(svg, &credential, OB3_NS)
}

/// Bakes an OB 2.0 hosted assertion into an SVG, for displayers that read only OB 2.0:
/// declares `xmlns:openbadges="http://openbadges.org"` on the root `<svg>` and writes one
/// `<openbadges:assertion verify="{assertion_url}">` right after it, with the assertion JSON
/// in a CDATA section. Any credential element already present is removed, as in
/// [`bake_svg`].
pub fn bake_svg_ob2(
    svg: &str,
    assertion_url: &str,
    assertion_json: &str,
) -> Result<String, BakeError> {
    let body = assertion_json.trim();
    if body.is_empty() || assertion_url.trim().is_empty() {
        return Err(BakeError::EmptyCredential);
    }
    if body.len() > MAX_CREDENTIAL_BYTES {
        return Err(BakeError::CredentialTooLarge);
    }
    let url = quick_xml::escape::escape(assertion_url.trim());
    let element = format!(
        "<openbadges:assertion verify=\"{url}\"><![CDATA[{}]]></openbadges:assertion>",
        body.replace("]]>", "]]]]><![CDATA[>")
    );
    splice(svg, &element, OB2_NS)
}

/// Writes `element` right after the root start tag, binding `openbadges` to `namespace` there
/// and removing every credential element already present.
fn splice(svg: &str, element: &str, namespace: &str) -> Result<String, BakeError> {
    let credential = element;
    let text = prepare(svg.as_bytes())?;
    let layout = layout(text)?;
    let root_tag = root_start_tag(&layout, namespace)?;
    let (root_start, root_end) = layout.root_span;

    let mut out = String::with_capacity(text.len() + credential.len() + 64);
    out.push_str(&text[..root_start]);
    out.push_str(&root_tag);
    out.push_str("\n  ");
    out.push_str(credential);
    if layout.root_is_empty {
        out.push_str("\n</svg>");
    }
    let mut cursor = root_end;
    for &(start, end) in &layout.credentials {
        // Drop the indentation before the old element too, so re-baking adds no blank lines.
        out.push_str(text[cursor..start].trim_end());
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    Ok(out)
}

fn credential_element(payload: &BakePayload) -> Result<String, BakeError> {
    let body = payload.text().trim();
    if body.is_empty() {
        return Err(BakeError::EmptyCredential);
    }
    if body.len() > MAX_CREDENTIAL_BYTES {
        return Err(BakeError::CredentialTooLarge);
    }
    Ok(match payload {
        BakePayload::Json(_) => format!(
            "<openbadges:credential><![CDATA[{}]]></openbadges:credential>",
            body.replace("]]>", "]]]]><![CDATA[>")
        ),
        BakePayload::Jwt(_) => {
            if !super::is_compact_jws(body) {
                return Err(BakeError::BadJwt);
            }
            format!("<openbadges:credential verify=\"{body}\"/>")
        }
    })
}

/// The root start tag rewritten with `xmlns:openbadges` bound to `namespace`.
fn root_start_tag(layout: &Layout<'_>, namespace: &str) -> Result<String, BakeError> {
    let root = &layout.root;
    let mut tag = format!("<{}", root.name().as_ref());
    for attr in root.attributes() {
        let attr = attr.map_err(bad)?;
        let key = attr.key.as_ref();
        if key == "xmlns:openbadges" {
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(bad)?;
            // The old binding is replaced: its credential elements are removed.
            if value != OB3_NS && value != OB2_NS {
                return Err(BakeError::BadSvg(
                    "the prefix \"openbadges\" is already bound to another namespace".into(),
                ));
            }
            continue;
        }
        // Keep the value exactly as written; pick the quote it cannot contain.
        let quote = if attr.value.contains('"') { '\'' } else { '"' };
        tag.push_str(&format!(" {key}={quote}{}{quote}", attr.value));
    }
    tag.push_str(&format!(" xmlns:openbadges=\"{namespace}\">"));
    Ok(tag)
}

/// Reads the credential baked into an SVG: `<credential>` in the OB 3.0 namespace (JWT in its
/// `verify` attribute, or JSON in its body), or OB 2.0 `<assertion>` in
/// `http://openbadges.org`. Any prefix may be used. `Ok(None)` if there is none.
pub fn unbake_svg(bytes: &[u8]) -> Result<Option<Baked>, BakeError> {
    let text = prepare(bytes)?;
    let mut reader = reader(text);
    let mut seen_root = false;
    let mut found = None;
    loop {
        let (kind, event, _, _) = next(&mut reader)?;
        let (element, has_body) = match event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::Eof => break,
            _ => continue,
        };
        if !seen_root && element.local_name().as_ref() != "svg" {
            return Err(BakeError::BadSvg("the root element is not <svg>".into()));
        }
        seen_root = true;
        let Some(kind) = kind else { continue };
        if found.is_some() {
            return Err(BakeError::MultipleCredentials);
        }
        let verify = verify_attribute(&element)?;
        let body = if has_body {
            read_body(&mut reader)?
        } else {
            String::new()
        };
        let text = verify.unwrap_or(body).trim().to_owned();
        if text.len() > MAX_CREDENTIAL_BYTES {
            return Err(BakeError::CredentialTooLarge);
        }
        found = Some(match kind {
            Kind::Ob3 => Baked::ob3(text)?,
            Kind::Ob2 if text.is_empty() => return Err(BakeError::UnrecognisedCredential),
            Kind::Ob2 => Baked::Ob2(text),
        });
    }
    if !seen_root {
        return Err(BakeError::BadSvg("there is no <svg> element".into()));
    }
    Ok(found)
}

/// The unprefixed `verify` attribute, if present and not blank.
fn verify_attribute(element: &BytesStart<'_>) -> Result<Option<String>, BakeError> {
    for attr in element.attributes() {
        let attr = attr.map_err(bad)?;
        if attr.key.as_ref() == "verify" {
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(bad)?;
            if !value.trim().is_empty() {
                return Ok(Some(value.into_owned()));
            }
        }
    }
    Ok(None)
}

/// The text content of the element just opened (text, CDATA and character references),
/// bounded by [`MAX_CREDENTIAL_BYTES`].
fn read_body(reader: &mut NsReader<&[u8]>) -> Result<String, BakeError> {
    let mut body = String::new();
    let mut depth = 0usize;
    loop {
        match next(reader)?.1 {
            Event::Text(t) => body.push_str(&t.xml10_content()),
            Event::CData(c) => body.push_str(&c.into_inner()),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().map_err(bad)? {
                    body.push(c);
                } else {
                    let name = r.into_inner();
                    let value = quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| bad(format!("unknown entity &{name};")))?;
                    body.push_str(value);
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return Ok(body),
            Event::End(_) => depth -= 1,
            Event::Eof => return Err(bad("the credential element is not closed")),
            _ => {}
        }
        if body.len() > MAX_CREDENTIAL_BYTES {
            return Err(BakeError::CredentialTooLarge);
        }
    }
}
