//! The JSON Canonicalization Scheme (RFC 8785), written from the RFC: object members sorted by
//! the UTF-16 code units of their names, no whitespace, strings escaped as ECMAScript's
//! `JSON.stringify` escapes them, numbers written as `Number.prototype.toString` writes an
//! IEEE 754 double. A number that is not exactly a double (an integer beyond 2^53 that a
//! double would round) is refused rather than silently changed.

use serde_json::{Map, Number, Value};
use std::cmp::Ordering;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum JcsError {
    #[error("the number {0} is not exactly an IEEE 754 double, so JCS cannot represent it")]
    NotADouble(String),
    #[error("the JSON is nested more than {0} levels deep")]
    TooDeep(usize),
}

/// Nesting allowed (the JSON-LD processor's limit, so every credential it accepts fits).
const MAX_DEPTH: usize = 256;

/// The canonical JSON text of `value`.
pub fn canonicalize(value: &Value) -> Result<String, JcsError> {
    let mut out = String::new();
    write_value(&mut out, value, 0)?;
    Ok(out)
}

fn write_value(out: &mut String, value: &Value, depth: usize) -> Result<(), JcsError> {
    if depth > MAX_DEPTH {
        return Err(JcsError::TooDeep(MAX_DEPTH));
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n)?),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(map) => write_object(out, map, depth)?,
    }
    Ok(())
}

fn write_object(out: &mut String, map: &Map<String, Value>, depth: usize) -> Result<(), JcsError> {
    let mut members: Vec<(&String, &Value)> = map.iter().collect();
    members.sort_by(|(a, _), (b, _)| utf16_cmp(a, b));
    out.push('{');
    for (i, (name, value)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, name);
        out.push(':');
        write_value(out, value, depth + 1)?;
    }
    out.push('}');
    Ok(())
}

/// Orders by UTF-16 code units, as RFC 8785 § 3.2.3 requires (differs from byte order for
/// characters above U+FFFF against U+E000…U+FFFF).
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// A string as `JSON.stringify` writes it: `"` and `\` escaped, the two-letter escapes for
/// backspace, tab, line feed, form feed and carriage return, `\u00xx` (lowercase) for the
/// other control characters, everything else as itself.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The double a JSON number stands for, if it is exactly one.
fn as_double(n: &Number) -> Result<f64, JcsError> {
    let refuse = || JcsError::NotADouble(n.to_string());
    if let Some(i) = n.as_i64() {
        let d = i as f64;
        // Exact when converting back gives the same integer (|d| < 2^63 here).
        return (d as i64 == i && d.abs() < 9.223_372_036_854_776e18)
            .then_some(d)
            .ok_or_else(refuse);
    }
    if let Some(u) = n.as_u64() {
        let d = u as f64;
        return (d < 1.844_674_407_370_955_2e19 && d as u64 == u)
            .then_some(d)
            .ok_or_else(refuse);
    }
    n.as_f64().filter(|d| d.is_finite()).ok_or_else(refuse)
}

fn number(n: &Number) -> Result<String, JcsError> {
    Ok(es_number(as_double(n)?))
}

/// ECMAScript `Number.prototype.toString()` of a finite double (ECMA-262 Number::toString):
/// the shortest digits that read back as the same double, placed by the exponent rules.
pub fn es_number(x: f64) -> String {
    if x == 0.0 {
        return "0".into(); // also -0
    }
    if x < 0.0 {
        return format!("-{}", es_number(-x));
    }
    // Rust's `{:e}` writes the shortest round-trip digits: "d.ddde±x".
    let (mut digits, exp) = split_sci(&format!("{x:e}"));
    if digits.ends_with(['1', '3', '5', '7', '9'])
        && let Some(even) = even_of_tie(x, &digits, exp)
    {
        digits = even;
    }
    let k = digits.len() as i32;
    // x = 0.digits × 10^n
    let n = exp + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        if rest.is_empty() {
            format!("{first}e{sign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{sign}{}", e.abs())
        }
    }
}

/// "d.ddde±x" → ("dddd", x).
fn split_sci(sci: &str) -> (String, i32) {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

/// When x lies exactly halfway between two shortest candidates, ECMAScript takes the one
/// whose last digit is even, while Rust's shortest form rounds the half up. `digits` is
/// Rust's (odd) choice; returns the even neighbour below it when x is such a tie and that
/// neighbour reads back as x.
fn even_of_tie(x: f64, digits: &str, exp: i32) -> Option<String> {
    // Every double has a finite decimal expansion of at most 767 significant digits.
    let (exact, exact_exp) = split_sci(&format!("{x:.800e}"));
    let k = digits.len();
    if exact_exp != exp || exact.len() <= k {
        return None;
    }
    let (head, tail) = exact.split_at(k);
    let tie = tail.starts_with('5') && tail[1..].bytes().all(|b| b == b'0');
    let even = head.ends_with(['0', '2', '4', '6', '8']);
    let reads_back = format!("{}.{}e{exp}", &head[..1], &head[1..])
        .parse::<f64>()
        .is_ok_and(|y| y == x);
    (tie && even && reads_back).then(|| head.to_owned())
}

#[cfg(test)]
mod tests;
