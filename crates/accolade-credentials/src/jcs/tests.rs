use super::*;
use serde_json::json;

/// RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
const APPENDIX_B: &[(u64, &str)] = &[
    (0x0000000000000000, "0"),
    (0x8000000000000000, "0"),
    (0x0000000000000001, "5e-324"),
    (0x8000000000000001, "-5e-324"),
    (0x7fefffffffffffff, "1.7976931348623157e+308"),
    (0xffefffffffffffff, "-1.7976931348623157e+308"),
    (0x4340000000000000, "9007199254740992"),
    (0xc340000000000000, "-9007199254740992"),
    (0x4430000000000000, "295147905179352830000"),
    (0x44b52d02c7e14af5, "9.999999999999997e+22"),
    (0x44b52d02c7e14af6, "1e+23"),
    (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
    (0x444b1ae4d6e2ef4e, "999999999999999700000"),
    (0x444b1ae4d6e2ef4f, "999999999999999900000"),
    (0x444b1ae4d6e2ef50, "1e+21"),
    (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
    (0x3eb0c6f7a0b5ed8d, "0.000001"),
    (0x41b3de4355555553, "333333333.3333332"),
    (0x41b3de4355555554, "333333333.33333325"),
    (0x41b3de4355555555, "333333333.3333333"),
    (0x41b3de4355555556, "333333333.3333334"),
    (0x41b3de4355555557, "333333333.33333343"),
    (0xbecbf647612f3696, "-0.0000033333333333333333"),
    (0x43143ff3c1cb0959, "1424953923781206.2"),
];

#[test]
fn rfc8785_appendix_b_numbers() {
    for (bits, text) in APPENDIX_B {
        let x = f64::from_bits(*bits);
        assert_eq!(es_number(x), *text, "{bits:#018x}");
        // The same double read from its canonical text writes the same text again.
        let parsed: Value = serde_json::from_str(text).unwrap();
        assert_eq!(canonicalize(&parsed).unwrap(), *text, "{text}");
    }
}

#[test]
fn rfc8785_section_3_2_2_example() {
    let input = r#"{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }"#;
    let v: Value = serde_json::from_str(input).unwrap();
    assert_eq!(
        canonicalize(&v).unwrap(),
        "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"\u{20ac}$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}"
    );
}

#[test]
fn rfc8785_section_3_2_3_sorting_is_by_utf16_code_units() {
    let input = r#"{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }"#;
    let v: Value = serde_json::from_str(input).unwrap();
    let out = canonicalize(&v).unwrap();
    let order: Vec<&str> = [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ]
    .to_vec();
    let positions: Vec<usize> = order.iter().map(|s| out.find(s).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{out}");
    // Byte order would put U+FB33 before the emoji; UTF-16 order puts it after.
    assert!("\u{fb33}".as_bytes() < "\u{1f600}".as_bytes());
}

#[test]
fn insertion_order_never_matters() {
    let a = json!({"b": 1, "a": {"d": [1, 2], "c": null}});
    let b = json!({"a": {"c": null, "d": [1, 2]}, "b": 1});
    assert_eq!(canonicalize(&a).unwrap(), canonicalize(&b).unwrap());
    assert_eq!(
        canonicalize(&a).unwrap(),
        r#"{"a":{"c":null,"d":[1,2]},"b":1}"#
    );
}

#[test]
fn strings_are_escaped_as_json_stringify_does() {
    let v = json!("\u{0}\u{1f}\u{7f}\u{2028}<>&é\"\\/");
    assert_eq!(
        canonicalize(&v).unwrap(),
        "\"\\u0000\\u001f\u{7f}\u{2028}<>&é\\\"\\\\/\""
    );
}

#[test]
fn numbers_follow_ecmascript() {
    for (input, text) in [
        ("1.0", "1"),
        ("-0", "0"),
        ("-0.0", "0"),
        ("100", "100"),
        ("1e21", "1e+21"),
        ("1e20", "100000000000000000000"),
        ("123e-20", "1.23e-18"),
        ("0.1", "0.1"),
        ("2.5", "2.5"),
        ("1152921504606846976", "1152921504606847000"),
        ("-9007199254740992", "-9007199254740992"),
    ] {
        let v: Value = serde_json::from_str(input).unwrap();
        assert_eq!(canonicalize(&v).unwrap(), text, "{input}");
    }
    assert_eq!(es_number(0.1 + 0.2), "0.30000000000000004");
}

#[test]
fn numbers_a_double_cannot_hold_are_refused() {
    for input in [
        "9007199254740993",
        "18446744073709551615",
        "-9007199254740993",
    ] {
        let v: Value = serde_json::from_str(input).unwrap();
        assert!(
            matches!(canonicalize(&v), Err(JcsError::NotADouble(_))),
            "{input}"
        );
    }
}

#[test]
fn depth_is_bounded() {
    let mut v = json!(1);
    for _ in 0..300 {
        v = json!([v]);
    }
    assert_eq!(canonicalize(&v), Err(JcsError::TooDeep(MAX_DEPTH)));
}
