//! Hostile SVG (attacks 3 and 4 of the project's security list) is refused or made inert.

use accolade_media::{MediaError, check_strict_upload, check_upload, render_png};
use std::time::{Duration, Instant};

fn svg(body: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100" viewBox="0 0 100 100"><rect width="100" height="100" fill="#369"/>{body}</svg>"##
    )
}

/// Each case: the SVG and the (lower-case) strings its output must not contain.
fn corpus() -> Vec<(&'static str, String, Vec<&'static str>)> {
    vec![
        ("script", svg("<script>alert(1)</script>"), vec!["<script", "alert"]),
        ("cdata script", svg("<script><![CDATA[alert(1)]]></script>"), vec!["<script", "alert"]),
        ("onload", svg(r#"<g onload="alert(1)"><circle r="5" onclick="alert(2)" onmouseover="x()"/></g>"#), vec!["onload", "onclick", "onmouseover", "alert"]),
        ("root onload", r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" width="10" height="10"><rect width="10" height="10"/></svg>"#.into(), vec!["onload", "alert"]),
        ("foreignObject", svg(r#"<foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example/"/></div></foreignObject>"#), vec!["foreignobject", "iframe", "evil"]),
        ("javascript link", svg(r#"<a href="javascript:alert(1)"><text y="20">x</text></a><a xlink:href="jAvAsCrIpT:alert(2)"><rect width="5" height="5"/></a>"#), vec!["javascript", "alert"]),
        ("data html link", svg(r#"<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="><rect width="5" height="5"/></a>"#), vec!["data:text", "phnjcmlwd"]),
        ("animate href", svg(r#"<a><animate attributeName="href" values="javascript:alert(1)"/><rect width="9" height="9"/></a>"#), vec!["<animate", "javascript", "alert"]),
        ("set href", svg(r#"<a><set attributeName="href" to="javascript:alert(1)"/><rect width="9" height="9"/></a>"#), vec!["<set", "javascript"]),
        ("animate xlink href", svg(r##"<use xlink:href="#r"><animate attributeName="xlink:href" to="https://evil.example/x.svg#a"/></use><rect id="r" width="2" height="2"/>"##), vec!["<animate", "evil"]),
        ("css url in style element", svg(r#"<style>rect { fill: url(https://evil.example/track.png); background: url('//evil.example/x') } @import url(https://evil.example/x.css);</style>"#), vec!["evil", "@import", "track"]),
        ("css url in style attribute", svg(r#"<rect width="5" height="5" style="fill: url(https://evil.example/p.svg#g); filter: url(/local#f)"/>"#), vec!["evil", "/local"]),
        ("url in presentation attribute", svg(r#"<rect width="5" height="5" fill="url(https://evil.example/g.svg#p)" mask="url(data:image/svg+xml,abc)"/>"#), vec!["evil", "data:image/svg+xml,abc"]),
        ("external image", svg(r#"<image href="https://evil.example/pixel.png" width="10" height="10"/><image xlink:href="//evil.example/p2.png" width="10" height="10"/>"#), vec!["evil", "pixel.png", "p2.png"]),
        ("local file image", svg(r#"<image href="/etc/passwd" width="10" height="10"/><image href="file:///etc/passwd" width="10" height="10"/>"#), vec!["passwd"]),
        ("external use", svg(r#"<use href="https://evil.example/sprite.svg#icon"/><use xlink:href="other.svg#x"/>"#), vec!["evil", "sprite", "other.svg"]),
        ("iframe embed object", svg(r#"<iframe src="https://evil.example"/><embed src="x.swf"/><object data="x"/>"#), vec!["iframe", "embed", "object", "evil"]),
        ("feImage external", svg(r#"<filter id="f"><feImage href="https://evil.example/x.png"/></filter>"#), vec!["evil"]),
        ("html namespace script", svg(r#"<html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(1)</html:script>"#), vec!["script", "alert"]),
        ("data svg with script", svg(r#"<image width="10" height="10" href="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciPjxzY3JpcHQ+YWxlcnQoMSk8L3NjcmlwdD48L3N2Zz4="/>"#), vec!["phnjcmlwd", "<script"]),
    ]
}

#[test]
fn hostile_svg_is_refused_or_rendered_inert() {
    for (name, input, forbidden) in corpus() {
        match check_upload(input.as_bytes()) {
            Err(e) => eprintln!("{name}: refused: {e}"),
            Ok(checked) => {
                assert_eq!(checked.content_type, "image/svg+xml");
                let out = String::from_utf8(checked.bytes.clone()).unwrap();
                let lower = out.to_ascii_lowercase();
                for f in &forbidden {
                    assert!(!lower.contains(f), "{name}: {f:?} survived in {out}");
                }
                for f in [
                    "<script",
                    "javascript:",
                    "http://e",
                    "https://",
                    "foreignobject",
                    "<animate",
                    "<set",
                ] {
                    assert!(!lower.contains(f), "{name}: {f:?} survived in {out}");
                }
                // Every surviving href is a fragment or an embedded image.
                for part in lower.split("href=\"").skip(1) {
                    assert!(
                        part.starts_with('#') || part.starts_with("data:image/"),
                        "{name}: {out}"
                    );
                }
                // Every surviving url() is a fragment.
                for part in lower.split("url(").skip(1) {
                    assert!(part.starts_with('#'), "{name}: url({part} in {out}");
                }
                // And it still renders.
                render_png(&out, 64).unwrap();
                // Sanitizing is stable.
                let again = check_upload(&checked.bytes).unwrap();
                assert_eq!(again.bytes, checked.bytes, "{name}");
            }
        }
    }
}

#[test]
fn hostile_svg_is_refused_outright_by_the_strict_upload_check() {
    for (name, input, _) in corpus() {
        match check_strict_upload(input.as_bytes()) {
            Err(MediaError::SvgRefused(why)) => assert!(
                why.starts_with("it") || why.starts_with("an image"),
                "{name}: {why}"
            ),
            other => panic!("{name}: expected a refusal, got {other:?}"),
        }
    }
}

/// "Fast" is a bound that an unoptimized test build on a loaded 2-core CI machine still
/// meets; a hang or an exponential blow-up takes far longer.
const FAST: Duration = Duration::from_millis(2000);

fn assert_refused_fast(name: &str, input: &str) -> MediaError {
    let t = Instant::now();
    let e = check_upload(input.as_bytes()).expect_err(name);
    assert!(t.elapsed() < FAST, "{name}: {:?}", t.elapsed());
    // Rendering refuses the same input just as fast.
    let t = Instant::now();
    assert!(render_png(input, 64).is_err(), "{name}");
    assert!(t.elapsed() < FAST, "{name}: {:?}", t.elapsed());
    e
}

#[test]
fn entities_doctype_and_deep_structures_are_refused_fast() {
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>"#;
    let e = assert_refused_fast("billion laughs", laughs);
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>"#;
    assert_refused_fast("external entity", xxe);
    let remote = r#"<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>"#;
    assert_refused_fast("doctype", remote);
    let lower = r#"<!doctype svg><svg xmlns="http://www.w3.org/2000/svg"/>"#;
    assert_refused_fast("lower-case doctype", lower);

    let deep = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg">{}{}</svg>"#,
        "<g>".repeat(5000),
        "</g>".repeat(5000)
    );
    let e = assert_refused_fast("deep nesting", &deep);
    assert!(e.to_string().contains("nest"), "{e}");

    // A "use bomb": ten levels each using the previous one ten times.
    let mut body = String::from(r#"<rect id="l0" width="1" height="1"/>"#);
    for level in 1..=10 {
        body.push_str(&format!(r#"<g id="l{level}">"#));
        for _ in 0..10 {
            body.push_str(&format!(r##"<use href="#l{}"/>"##, level - 1));
        }
        body.push_str("</g>");
    }
    let bomb = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg"><defs>{body}</defs><use href="#l10"/></svg>"##
    );
    let e = assert_refused_fast("use bomb", &bomb);
    assert!(e.to_string().contains("expand"), "{e}");
    let cycle = r##"<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#a"/></g></svg>"##;
    assert_refused_fast("use cycle", cycle);

    assert!(matches!(
        check_upload(b"<html><body>hi</body></html>"),
        Err(MediaError::SvgInvalid(_))
    ));
    assert!(check_upload(b"<svg>no namespace</svg>").is_err());
    assert!(check_upload(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><unclosed></svg>").is_err());
}
