use super::{assert_png, design, png};
use accolade_media::*;

#[test]
fn every_shape_and_icon_renders_to_a_png_of_the_requested_size() {
    for (i, shape) in Shape::ALL.iter().enumerate() {
        let d = design(*shape, "Data Analysis", "NORTHWIND", Some(Icon::ALL[i]));
        let png = render_png(&to_svg(&d), 128).unwrap();
        assert_png(&png, 128, 128);
    }
    for icon in Icon::ALL {
        let d = design(Shape::Circle, "Icon", "", Some(icon));
        let png = render_png(&to_svg(&d), 96).unwrap();
        assert_png(&png, 96, 96);
    }
    let d = design(Shape::Shield, "Big", "SIZES", Some(Icon::Trophy));
    assert_png(&render_png(&to_svg(&d), 1024).unwrap(), 1024, 1024);
    assert_eq!(
        render_png(&to_svg(&d), 4096).unwrap_err(),
        MediaError::RenderSize {
            size: 4096,
            max: 2048
        }
    );
    assert!(render_png(&to_svg(&d), 0).is_err());
}

#[test]
fn svg_is_accessible_and_self_contained() {
    let d = design(
        Shape::Ribbon,
        "Rust & <Safety>",
        "ACME \"Academy\"",
        Some(Icon::Code),
    );
    let svg = to_svg(&d);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains(r#"viewBox="0 0 400 400""#));
    assert!(svg.contains(r#"role="img""#));
    assert!(svg.contains(r#"aria-label="Rust &amp; &lt;Safety&gt;: ACME &quot;Academy&quot;""#));
    assert!(svg.contains("<title>Rust &amp; &lt;Safety&gt;: ACME &quot;Academy&quot;</title>"));
    for bad in ["<script", "http://", "https://", "javascript:", " on"] {
        let rest = svg.replace("http://www.w3.org/2000/svg", "");
        assert!(!rest.contains(bad), "{bad} in {svg}");
    }
    // What we draw passes our own upload check unchanged in substance.
    let checked = check_upload(svg.as_bytes()).unwrap();
    assert_eq!((checked.width, checked.height), (400, 400));
    let clean = String::from_utf8(checked.bytes).unwrap();
    for kept in [
        "role=\"img\"",
        "aria-label=",
        "<title>Rust &amp;",
        "url(#accolade-sheen)",
        "<text",
    ] {
        assert!(clean.contains(kept), "{kept} lost in {clean}");
    }
}

#[test]
fn a_very_long_title_still_fits_inside_the_badge() {
    let long = "Advanced Interdisciplinary Certificate in Sustainable Infrastructure \
                Engineering and Environmental Management for Professionals";
    for shape in Shape::ALL {
        let d = design(
            shape,
            long,
            "A VERY LONG SUBTITLE THAT GOES ON AND ON",
            None,
        );
        let title = title_fit(&d);
        let rule = title_rule_for(shape);
        assert!(title.lines.len() <= 2, "{title:?}");
        assert!(title.width <= rule.max_width, "{shape:?}: {title:?}");
        assert!(title.font_size < 30.0 && title.font_size >= rule.min_size);
        let sub = subtitle_fit(&d);
        assert_eq!(sub.lines.len(), 1);
        // The glyphs really stay inside: render and check the outer columns are text-free.
        let svg = to_svg(&d);
        assert!(svg.contains(&format!("font-size=\"{}\"", title.font_size)));
        render_png(&svg, 200).unwrap();
    }
    let short = title_fit(&design(Shape::Circle, "Rust", "", None));
    assert_eq!((short.lines.len(), short.font_size), (1, 46.0));
    let two = title_fit(&design(
        Shape::Circle,
        "Data Analysis Fundamentals",
        "",
        None,
    ));
    assert_eq!(two.lines, ["Data Analysis", "Fundamentals"]);
}

#[test]
fn designs_round_trip_through_json_and_colours_are_validated() {
    let mut d = design(Shape::Hexagon, "Mentor", "NORTHWIND", Some(Icon::People));
    d.logo = Some(Logo::from_bytes(&png(64, 32)).unwrap());
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["shape"], "hexagon");
    assert_eq!(json["background"], "#1f4e79");
    assert_eq!(json["icon"], "people");
    assert!(
        json["logo"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );
    let back: BadgeDesign = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, d);
    assert_eq!(back.logo.as_ref().unwrap().size(), (64, 32));
    let svg = to_svg(&back);
    assert!(svg.contains("<image href=\"data:image/png;base64,"));
    assert_png(&render_png(&svg, 200).unwrap(), 200, 200);

    for bad in ["red", "#12345", "#gggggg", "1f4e79", "#1f4e79 "] {
        let mut j = json.clone();
        j["accent"] = bad.into();
        assert!(serde_json::from_value::<BadgeDesign>(j).is_err(), "{bad}");
    }
    // A logo posted by a browser is checked again: a script-carrying SVG is cleaned, junk refused.
    let mut j = json.clone();
    j["logo"] = "data:image/png;base64,AAAA".into();
    assert!(serde_json::from_value::<BadgeDesign>(j).is_err());
    let mut j = json.clone();
    let evil = base64_svg(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>"#,
    );
    j["logo"] = format!("data:image/svg+xml;base64,{evil}").into();
    let cleaned: BadgeDesign = serde_json::from_value(j).unwrap();
    assert!(!String::from(cleaned.logo.unwrap()).contains("PHNjcmlwd")); // "<script" in base64

    let mut bad = d.clone();
    bad.title = "x".repeat(MAX_TITLE_CHARS + 1);
    assert!(bad.validate().is_err());
    bad.title = "ok".into();
    bad.border.width = 40.0;
    assert!(bad.validate().is_err());
    assert!(d.validate().is_ok());
}

fn base64_svg(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn og_card_is_1200_by_630() {
    let d = design(
        Shape::Rosette,
        "Certified Safety Officer",
        "NORTHWIND",
        Some(Icon::Shield),
    );
    let png = render_og_card(&to_svg(&d), "Certified Safety Officer", "Northwind Academy").unwrap();
    assert_png(&png, OG_WIDTH, OG_HEIGHT);
}
