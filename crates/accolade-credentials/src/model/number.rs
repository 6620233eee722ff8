//! Writing `Float` properties (`creditsAvailable`, `creditsEarned`, coordinates).
//!
//! A whole number is written without a fraction (`42`, not `42.0`), so a credential read
//! with `"creditsEarned": 42` is written back as it came. JSON-LD gives both forms the same
//! RDF value, so nothing that is signed changes.

use serde::Serializer;

/// Largest integer an `f64` holds exactly (2^53).
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

fn write<S: Serializer>(value: f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() <= EXACT_INTEGER_LIMIT {
        // Exact: whole and within the range where f64 and i64 agree.
        #[allow(clippy::cast_possible_truncation)]
        let whole = value as i64;
        serializer.serialize_i64(whole)
    } else {
        serializer.serialize_f64(value)
    }
}

/// `serialize_with` helper for `f64` fields.
pub(crate) fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    write(*value, serializer)
}

/// `serialize_with` helper for `Option<f64>` fields (use with `skip_serializing_if`).
pub(crate) fn serialize_opt<S: Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => write(*v, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde_json::json;

    #[derive(Serialize)]
    struct N {
        #[serde(serialize_with = "super::serialize")]
        a: f64,
        #[serde(serialize_with = "super::serialize_opt")]
        b: Option<f64>,
    }

    #[test]
    fn whole_numbers_have_no_fraction() {
        let v = serde_json::to_string(&N {
            a: 42.0,
            b: Some(1.5),
        })
        .unwrap();
        assert_eq!(v, r#"{"a":42,"b":1.5}"#);
        let v = serde_json::to_value(N { a: -3.0, b: None }).unwrap();
        assert_eq!(v, json!({"a": -3, "b": null}));
    }
}
