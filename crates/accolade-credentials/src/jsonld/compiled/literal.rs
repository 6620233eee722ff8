//! Object to RDF Conversion for values (JSON-LD 1.1 API §8.6): native numbers and booleans,
//! language tags, and `@json` literals.
//!
//! Numbers follow the general processor's (oxjsonld) reading of the spec, digit for digit,
//! because the two paths must produce the same statements: a number is an `xsd:integer`
//! when its exact decimal value is an integer with fewer than 21 digits before the point in
//! `0.ddd×10^e` form (so 1.0 → "1"), else a canonical `xsd:double` built from the
//! shortest decimal digits that round-trip (2.5 → "2.5E0", 0.1 → "1.0E-1"). jsonld.js
//! formats doubles with `toExponential(15)`; the two agree except for values that need 17
//! significant digits, which Open Badges never carries.

use super::{Result, invalid};
use crate::rdf::{Literal, RDF_LANG_STRING, XSD_STRING};
use serde_json::Value;
use std::fmt::Write;

pub(super) const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
pub(super) const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";
pub(super) const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
pub(super) const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";

/// The literal for a JSON scalar with an optional datatype or language (never both; the
/// caller has checked that only strings carry a language).
pub(super) fn scalar(
    value: &Value,
    datatype: Option<&str>,
    language: Option<&str>,
) -> Result<Literal> {
    let typed = |value: String, default: &str| Literal {
        value,
        datatype: datatype.unwrap_or(default).to_owned(),
        language: None,
    };
    Ok(match value {
        Value::String(s) => match language {
            Some(tag) => Literal {
                value: s.clone(),
                datatype: RDF_LANG_STRING.to_owned(),
                language: Some(language_tag(tag)?),
            },
            None => typed(s.clone(), XSD_STRING),
        },
        Value::Bool(b) => typed(if *b { "true" } else { "false" }.to_owned(), XSD_BOOLEAN),
        Value::Number(n) => {
            // The serde_json rendering is the lexical form the general processor parses.
            let lexical = n.to_string();
            let (text, integer) = canonical_number(&lexical, datatype == Some(XSD_DOUBLE))
                .ok_or_else(|| invalid(format!("unreadable number {lexical}")))?;
            typed(text, if integer { XSD_INTEGER } else { XSD_DOUBLE })
        }
        Value::Null | Value::Array(_) | Value::Object(_) => {
            return Err(invalid("a value must be a string, a number or a boolean"));
        }
    })
}

/// A BCP 47 tag, checked and lowercased as the RDF model of the general processor does; an
/// invalid tag is an error (the general processor silently drops the statement).
fn language_tag(tag: &str) -> Result<String> {
    let lit = oxrdf::Literal::new_language_tagged_literal(String::new(), tag)
        .map_err(|_| invalid(format!("invalid language tag {tag:?}")))?;
    lit.language()
        .map(str::to_owned)
        .ok_or_else(|| invalid(format!("invalid language tag {tag:?}")))
}

/// Canonical form of a JSON number's lexical form: `(text, is_integer)`.
pub(super) fn canonical_number(lexical: &str, always_double: bool) -> Option<(String, bool)> {
    let (negative, unsigned) = match lexical.as_bytes().first()? {
        b'-' => (true, &lexical[1..]),
        b'+' => (false, &lexical[1..]),
        _ => (false, lexical),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (unsigned, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !int_part
        .bytes()
        .chain(frac_part.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // value = 0.<digits> × 10^point
    let all: String = int_part.chars().chain(frac_part.chars()).collect();
    let mut point = i64::try_from(int_part.len()).ok()?.checked_add(exponent)?;
    let leading = all.len() - all.trim_start_matches('0').len();
    point = point.checked_sub(i64::try_from(leading).ok()?)?;
    let mut digits = all.trim_start_matches('0').trim_end_matches('0');
    if digits.is_empty() {
        digits = "0";
        point = 1;
    }
    let zero = digits == "0";
    let count = i64::try_from(digits.len()).ok()?;
    let mut out = String::with_capacity(digits.len() + 8);
    if negative && !zero {
        out.push('-');
    }
    if !always_double && point >= count && point < 21 {
        out.push_str(digits);
        for _ in count..point {
            out.push('0');
        }
        return Some((out, true));
    }
    out.push_str(&digits[..1]);
    out.push('.');
    out.push_str(if digits.len() > 1 { &digits[1..] } else { "0" });
    write!(out, "E{}", point.checked_sub(1)?).ok()?;
    Some((out, false))
}

/// An `rdf:JSON` literal: the JSON Canonicalization Scheme form the general processor
/// writes (members sorted by key, ECMAScript number formatting, minimal escaping).
pub(super) fn json(value: &Value) -> Literal {
    let mut out = String::new();
    write_json(&mut out, value);
    Literal {
        value: out,
        datatype: RDF_JSON.to_owned(),
        language: None,
    }
}

fn write_json(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => es_number(out, n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, k);
                out.push(':');
                write_json(out, v);
            }
            out.push('}');
        }
    }
}

fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// ECMAScript `Number.prototype.toString` (ECMA-262 §6.1.6.1.20), from the shortest
/// round-tripping digits that Rust's `{:e}` formatting gives.
fn es_number(out: &mut String, f: f64) {
    if f == 0.0 || !f.is_finite() {
        out.push_str(if f.is_nan() {
            "NaN"
        } else if f == 0.0 {
            "0"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        });
        return;
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i64;
    // value = 0.<digits> × 10^n
    let n = exp.parse::<i64>().unwrap_or(0) + 1;
    if f < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        for _ in k..n {
            out.push('0');
        }
    } else if 0 < n && n <= 21 {
        let (a, b) = digits.split_at(n as usize);
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        for _ in n..0 {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = n - 1;
        let _ = write!(out, "e{}{}", if e >= 0 { "+" } else { "-" }, e.abs());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_canonical_forms() {
        let c = |s: &str, d: bool| canonical_number(s, d).unwrap();
        assert_eq!(c("12", false), ("12".into(), true));
        assert_eq!(c("-12", false), ("-12".into(), true));
        assert_eq!(c("1", true), ("1.0E0".into(), false));
        assert_eq!(c("2.5", false), ("2.5E0".into(), false));
        assert_eq!(c("1.0", false), ("1".into(), true));
        assert_eq!(c("1000.0", false), ("1000".into(), true));
        assert_eq!(c("0.1", false), ("1.0E-1".into(), false));
        assert_eq!(c("12.3456E3", false), ("1.23456E4".into(), false));
        assert_eq!(c("0.01234E-1", false), ("1.234E-3".into(), false));
        assert_eq!(c("-0.0", false), ("0".into(), true));
        assert_eq!(c("0", true), ("0.0E0".into(), false));
        assert_eq!(c("1e20", false), ("1.0E20".into(), false));
        assert_eq!(c("1e19", false), ("10000000000000000000".into(), true));
        assert_eq!(c("100.5", false), ("1.005E2".into(), false));
    }

    #[test]
    fn numbers_ecmascript_form() {
        let es = |f: f64| {
            let mut s = String::new();
            es_number(&mut s, f);
            s
        };
        assert_eq!(es(0.0), "0");
        assert_eq!(es(-0.0), "0");
        assert_eq!(es(1.0), "1");
        assert_eq!(es(2.5), "2.5");
        assert_eq!(es(-1.5e-7), "-1.5e-7");
        assert_eq!(es(1e21), "1e+21");
        assert_eq!(es(1e20), "100000000000000000000");
        assert_eq!(es(123.456), "123.456");
        assert_eq!(es(0.000001), "0.000001");
        assert_eq!(es(0.0000001), "1e-7");
    }

    #[test]
    fn json_literals_are_canonical() {
        let v: Value =
            serde_json::from_str(r#"{"b":[1.0,2.5,"x\u0001\n"],"a":{"z":null,"y":true}}"#).unwrap();
        assert_eq!(
            json(&v).value,
            r#"{"a":{"y":true,"z":null},"b":[1,2.5,"x\u0001\n"]}"#
        );
    }
}
