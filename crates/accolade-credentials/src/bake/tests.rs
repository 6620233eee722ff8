use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;

use super::png::SIGNATURE;
use super::*;

fn vector(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/vectors/1edtech-validator/ob30/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

/// A 2×2 greyscale PNG written by hand: signature, IHDR, IDAT, IEND (+ extra chunks).
fn tiny_png(extra: &[Vec<u8>]) -> Vec<u8> {
    let mut png = SIGNATURE.to_vec();
    let ihdr = [0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0]; // 2x2, 8-bit grey
    png.extend(chunk(b"IHDR", &ihdr));
    for c in extra {
        png.extend_from_slice(c);
    }
    // Each row: filter byte 0, then two pixels.
    png.extend(chunk(b"IDAT", &zlib(&[0, 0x00, 0xff, 0, 0xff, 0x00])));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// (type, data) of every chunk, for inspecting results.
fn chunk_list(png: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = &png[8..];
    while rest.len() >= 12 {
        let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        out.push((
            String::from_utf8_lossy(&rest[4..8]).into_owned(),
            rest[8..8 + len].to_vec(),
        ));
        rest = &rest[12 + len..];
    }
    out
}

const JSON: &str =
    r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:1","name":"a ]]> b"}"#;
const JWT: &str = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

#[test]
fn validator_pngs_unbake() {
    let json = unbake(&vector("simple-json.png")).unwrap().unwrap();
    let Baked::Ob3Json(text) = &json else {
        panic!("expected JSON, got {json:?}")
    };
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(value["name"], "Teamwork Badge");
    for name in ["simple-jwt.png", "simple-jwt_v1.png"] {
        let baked = unbake_png(&vector(name)).unwrap().unwrap();
        assert!(
            matches!(&baked, Baked::Ob3Jwt(t) if t.split('.').count() == 3),
            "{name}"
        );
    }
}

#[test]
fn validator_svgs_unbake() {
    let json = unbake(&vector("simple-json.svg")).unwrap().unwrap();
    let Baked::Ob3Json(text) = &json else {
        panic!("expected JSON, got {json:?}")
    };
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(value["id"], "http://example.com/credentials/3527");
    for name in ["simple-jwt.svg", "simple-jwt_v1.svg"] {
        let baked = unbake_svg(&vector(name)).unwrap().unwrap();
        assert!(
            matches!(&baked, Baked::Ob3Jwt(t) if t.starts_with("eyJ")),
            "{name}"
        );
    }
}

#[test]
fn png_round_trip_and_rebake_replaces() {
    let png = tiny_png(&[]);
    assert_eq!(unbake_png(&png), Ok(None));
    let baked = bake_png(&png, JSON).unwrap();
    let chunks = chunk_list(&baked);
    assert_eq!(chunks[1].0, "iTXt", "the credential goes right after IHDR");
    assert!(chunks[1].1.starts_with(b"openbadgecredential\0\0\0\0\0{"));
    assert_eq!(unbake(&baked), Ok(Some(Baked::Ob3Json(JSON.into()))));

    let rebaked = bake_png(&baked, JWT).unwrap();
    let itxt = chunk_list(&rebaked)
        .iter()
        .filter(|(k, _)| k == "iTXt")
        .count();
    assert_eq!(itxt, 1);
    assert_eq!(unbake_png(&rebaked), Ok(Some(Baked::Ob3Jwt(JWT.into()))));
    assert_eq!(rebaked.len(), png.len() + 12 + 24 + JWT.len());
}

#[test]
fn png_flipped_byte_fails_crc() {
    let baked = bake_png(&tiny_png(&[]), JSON).unwrap();
    // Flip one byte inside the credential text, then one inside IDAT.
    let mut tampered = baked.clone();
    tampered[33 + 8 + 30] ^= 0x01;
    let err = unbake(&tampered).unwrap_err();
    assert!(
        matches!(&err, BakeError::PngCrc { chunk, offset: 33 } if chunk == "iTXt"),
        "{err}"
    );
    assert!(err.to_string().contains("CRC"));
    let idat = baked.windows(4).position(|w| w == b"IDAT").unwrap() + 5;
    let mut tampered = baked;
    tampered[idat] ^= 0x80;
    assert!(
        matches!(bake_png(&tampered, JSON), Err(BakeError::PngCrc { chunk, .. }) if chunk == "IDAT")
    );
}

#[test]
fn png_truncations_and_garbage_never_panic() {
    let baked = bake_png(&tiny_png(&[]), JSON).unwrap();
    for len in 0..baked.len() {
        assert!(unbake(&baked[..len]).is_err(), "prefix of {len} bytes");
    }
    let mut garbage = SIGNATURE.to_vec();
    garbage.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    assert!(unbake_png(&garbage).is_err());
    assert!(matches!(unbake(b"GIF89a"), Err(BakeError::UnknownFormat)));
    assert!(matches!(unbake(b""), Err(BakeError::UnknownFormat)));
    // A chunk length of 2^32-1 must not overflow anything.
    let mut huge = SIGNATURE.to_vec();
    huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, b'I', b'H', b'D', b'R', 0, 0]);
    assert!(matches!(unbake_png(&huge), Err(BakeError::BadPng(_))));
}

#[test]
fn png_compressed_itxt_is_read_and_bombs_fail_fast() {
    let mut data = b"openbadgecredential\0\x01\x00en\0\0".to_vec();
    data.extend(zlib(JSON.as_bytes()));
    let png = tiny_png(&[chunk(b"iTXt", &data)]);
    assert_eq!(unbake_png(&png), Ok(Some(Baked::Ob3Json(JSON.into()))));

    let mut bomb = b"openbadgecredential\0\x01\x00\0\0".to_vec();
    bomb.extend(zlib(&vec![b' '; 64 * 1024 * 1024]));
    assert!(bomb.len() < 200_000);
    let png = tiny_png(&[chunk(b"iTXt", &bomb)]);
    let started = std::time::Instant::now();
    assert_eq!(unbake_png(&png), Err(BakeError::CredentialTooLarge));
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn png_ob2_and_duplicates() {
    let url = tiny_png(&[chunk(
        b"tEXt",
        b"openbadges\0https://example.org/assertions/1",
    )]);
    assert_eq!(
        unbake(&url),
        Ok(Some(Baked::Ob2("https://example.org/assertions/1".into())))
    );
    let itxt = tiny_png(&[chunk(
        b"iTXt",
        b"openbadges\0\0\0\0\0{\"type\":\"Assertion\"}",
    )]);
    assert_eq!(
        unbake(&itxt),
        Ok(Some(Baked::Ob2("{\"type\":\"Assertion\"}".into())))
    );

    let ob3 = chunk(
        b"iTXt",
        &[b"openbadgecredential\0\0\0\0\0".as_slice(), JWT.as_bytes()].concat(),
    );
    let two = tiny_png(&[ob3.clone(), ob3.clone()]);
    assert_eq!(unbake(&two), Err(BakeError::MultipleCredentials));
    let mixed = tiny_png(&[ob3, chunk(b"tEXt", b"openbadges\0https://example.org/a")]);
    assert_eq!(unbake(&mixed), Err(BakeError::MultipleCredentials));
    // Baking over an OB 2.0 image leaves only the new credential.
    let rebaked = bake_png(&mixed, JSON).unwrap();
    assert_eq!(unbake(&rebaked), Ok(Some(Baked::Ob3Json(JSON.into()))));
}

#[test]
fn png_limits() {
    let png = tiny_png(&[]);
    assert_eq!(bake_png(&png, ""), Err(BakeError::EmptyCredential));
    let big = "x".repeat(MAX_CREDENTIAL_BYTES + 1);
    assert_eq!(bake_png(&png, &big), Err(BakeError::CredentialTooLarge));
    let mut huge = png.clone();
    huge.resize(MAX_IMAGE_BYTES + 1, 0);
    assert_eq!(unbake(&huge), Err(BakeError::ImageTooLarge));
    let not_text = tiny_png(&[chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0hello world")]);
    assert_eq!(unbake(&not_text), Err(BakeError::UnrecognisedCredential));
}

const SVG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
  <circle cx="5" cy="5" r="4"/>
</svg>
"#;

#[test]
fn svg_round_trip_json_and_jwt() {
    assert_eq!(unbake_svg(SVG.as_bytes()), Ok(None));
    let baked = bake_svg(SVG, &BakePayload::Json(JSON.into())).unwrap();
    assert!(baked.contains(r#"xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0""#));
    assert!(
        baked.contains("]]]]><![CDATA[>"),
        "]]> must be split: {baked}"
    );
    assert!(baked.contains(r#"<circle cx="5" cy="5" r="4"/>"#));
    assert_eq!(
        unbake(baked.as_bytes()),
        Ok(Some(Baked::Ob3Json(JSON.into())))
    );

    let rebaked = bake_svg(&baked, &BakePayload::Jwt(JWT.into())).unwrap();
    assert_eq!(rebaked.matches("<openbadges:credential").count(), 1);
    assert_eq!(rebaked.matches("xmlns:openbadges").count(), 1);
    assert!(rebaked.contains(&format!(r#"<openbadges:credential verify="{JWT}"/>"#)));
    assert_eq!(
        unbake(rebaked.as_bytes()),
        Ok(Some(Baked::Ob3Jwt(JWT.into())))
    );
    // Re-baking the same payload is stable: no growth, no blank lines piling up.
    let again = bake_svg(&rebaked, &BakePayload::Jwt(JWT.into())).unwrap();
    assert_eq!(again, rebaked);
}

#[test]
fn svg_rebake_validator_file_and_self_closing_root() {
    let original = String::from_utf8(vector("simple-jwt.svg")).unwrap();
    let rebaked = bake_svg(&original, &BakePayload::Json(JSON.into())).unwrap();
    assert_eq!(rebaked.matches("openbadges:credential").count(), 2); // start and end tag
    assert_eq!(
        unbake_svg(rebaked.as_bytes()),
        Ok(Some(Baked::Ob3Json(JSON.into())))
    );

    let empty = r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#;
    let baked = bake_svg(empty, &BakePayload::Jwt(JWT.into())).unwrap();
    assert!(baked.ends_with("</svg>"));
    assert_eq!(
        unbake_svg(baked.as_bytes()),
        Ok(Some(Baked::Ob3Jwt(JWT.into())))
    );
}

#[test]
fn svg_namespaces_are_resolved_not_matched_by_prefix() {
    let other_prefix = r#"<svg xmlns="http://www.w3.org/2000/svg"
        xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="a.b.c"/></svg>"#;
    assert_eq!(
        unbake_svg(other_prefix.as_bytes()),
        Ok(Some(Baked::Ob3Jwt("a.b.c".into())))
    );
    let wrong_ns =
        r#"<svg xmlns:openbadges="urn:other"><openbadges:credential verify="a.b.c"/></svg>"#;
    assert_eq!(unbake_svg(wrong_ns.as_bytes()), Ok(None));
    let ob2 = r#"<svg xmlns:openbadges="http://openbadges.org">
        <openbadges:assertion verify="https://example.org/assertions/1"/></svg>"#;
    assert_eq!(
        unbake(ob2.as_bytes()),
        Ok(Some(Baked::Ob2("https://example.org/assertions/1".into())))
    );
    // Baking over an OB 2.0 image rebinds the prefix and drops the old assertion.
    let rebaked = bake_svg(ob2, &BakePayload::Jwt(JWT.into())).unwrap();
    assert!(!rebaked.contains("http://openbadges.org"));
    assert_eq!(
        unbake(rebaked.as_bytes()),
        Ok(Some(Baked::Ob3Jwt(JWT.into())))
    );
    let clash = r#"<svg xmlns:openbadges="urn:other"/>"#;
    assert!(matches!(
        bake_svg(clash, &BakePayload::Jwt(JWT.into())),
        Err(BakeError::BadSvg(_))
    ));
}

#[test]
fn svg_entities_and_doctype_subsets_are_refused() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol2;</text></svg>"#;
    assert_eq!(unbake(laughs.as_bytes()), Err(BakeError::SvgDtd));
    assert_eq!(
        bake_svg(laughs, &BakePayload::Jwt(JWT.into())),
        Err(BakeError::SvgDtd)
    );
    let xxe = r#"<!DOCTYPE svg [<!entity xxe SYSTEM "file:///etc/passwd">]><svg>&xxe;</svg>"#;
    assert_eq!(unbake_svg(xxe.as_bytes()), Err(BakeError::SvgDtd));
    let subset = r#"<!DOCTYPE svg [ ]><svg xmlns="http://www.w3.org/2000/svg"/>"#;
    assert_eq!(unbake_svg(subset.as_bytes()), Err(BakeError::SvgDtd));
    assert!(BakeError::SvgDtd.to_string().contains("not allowed"));
}

#[test]
fn svg_malformed_and_duplicate_inputs() {
    let two = r#"<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
        <openbadges:credential verify="a.b.c"/><openbadges:credential verify="d.e.f"/></svg>"#;
    assert_eq!(
        unbake_svg(two.as_bytes()),
        Err(BakeError::MultipleCredentials)
    );
    for bad in [
        "<svg><g></svg>",
        "<html><svg/></html>",
        "<svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential>",
        "<svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\">\
         <openbadges:credential>&bogus;</openbadges:credential></svg>",
        "   ",
    ] {
        assert!(unbake_svg(bad.as_bytes()).is_err(), "{bad}");
    }
    assert!(unbake_svg(b"<svg>\xff\xfe</svg>").is_err());
    let escaped = r#"<svg xmlns:b="https://purl.imsglobal.org/ob/v3p0"><b:credential>
        {"name": "a &amp; b &#x263A;"}</b:credential></svg>"#;
    assert_eq!(
        unbake_svg(escaped.as_bytes()),
        Ok(Some(Baked::Ob3Json(
            "{\"name\": \"a & b \u{263A}\"}".into()
        )))
    );
    assert_eq!(
        bake_svg(SVG, &BakePayload::Jwt("a.b.c\"/><script/>".into())),
        Err(BakeError::BadJwt)
    );
}

#[test]
fn payload_classification() {
    assert_eq!(
        BakePayload::classify(" {\"a\":1} "),
        Some(BakePayload::Json("{\"a\":1}".into()))
    );
    assert_eq!(
        BakePayload::classify(JWT),
        Some(BakePayload::Jwt(JWT.into()))
    );
    assert_eq!(BakePayload::classify("https://example.org/a"), None);
    assert_eq!(Baked::Ob2("x".into()).text(), "x");
}

#[test]
fn ob2_bakes_round_trip_and_give_way_to_ob3() {
    let assertion = r#"{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://x.test/ob2/assertions/1"}"#;
    let png = bake_png_ob2(&tiny_png(&[]), assertion).unwrap();
    let itxt = chunk_list(&png)
        .into_iter()
        .find(|(kind, _)| kind == "iTXt")
        .unwrap();
    assert!(itxt.1.starts_with(b"openbadges\0\0\0\0\0{"));
    assert_eq!(unbake(&png).unwrap(), Some(Baked::Ob2(assertion.into())));
    // Re-baking either way leaves exactly one credential.
    let ob3 = bake_png(&png, "{\"id\":\"urn:x\"}").unwrap();
    assert_eq!(
        unbake(&ob3).unwrap(),
        Some(Baked::Ob3Json("{\"id\":\"urn:x\"}".into()))
    );
    let back = bake_png_ob2(&ob3, assertion).unwrap();
    assert_eq!(unbake(&back).unwrap(), Some(Baked::Ob2(assertion.into())));

    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>"#;
    let url = "https://x.test/ob2/assertions/1?a=1&b=2";
    let baked = bake_svg_ob2(svg, url, &format!("{assertion}]]>")).unwrap();
    assert!(baked.contains(r#"xmlns:openbadges="http://openbadges.org""#));
    assert!(baked.contains("verify=\"https://x.test/ob2/assertions/1?a=1&amp;b=2\""));
    // The verify attribute (the hosted URL) is what OB 2.0 readers take.
    assert_eq!(
        unbake(baked.as_bytes()).unwrap(),
        Some(Baked::Ob2(url.into()))
    );
    let ob3 = bake_svg(&baked, &BakePayload::Json("{\"id\":\"urn:x\"}".into())).unwrap();
    assert!(!ob3.contains("openbadges.org") && !ob3.contains("assertion"));
    assert!(bake_svg_ob2(svg, "", assertion).is_err());
}
