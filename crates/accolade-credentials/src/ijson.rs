//! Strict JSON for everything that is verified (I-JSON, RFC 7493): a member name may appear
//! only once in an object. Readers disagree about duplicates (one keeps the first value,
//! another the last), so a signed document with two `name`s could show one text here and
//! another elsewhere; such input is refused, never read one way.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Why text is not strict JSON.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct StrictJsonError(String);

/// Parses JSON text, refusing duplicate member names anywhere in it.
pub fn from_str(text: &str) -> Result<Value, StrictJsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictValue
        .deserialize(&mut de)
        .map_err(|e| StrictJsonError(e.to_string()))?;
    de.end().map_err(|e| StrictJsonError(e.to_string()))?;
    Ok(value)
}

/// Parses JSON bytes (UTF-8), refusing duplicate member names anywhere in it.
pub fn from_slice(bytes: &[u8]) -> Result<Value, StrictJsonError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| StrictJsonError("the JSON is not valid UTF-8".into()))?;
    from_str(text)
}

/// Builds a [`Value`] like serde_json does, but fails on a repeated member name.
struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(StrictValue)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the member name {key:?} appears twice in one object, which readers resolve differently"
                )));
            }
            let value = map.next_value_seed(StrictValue)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#"{"a": [1, 2.5, -3, true, null, "x\u00e9"], "b": {"c": {}}, "n": 1e400}"#;
        let strict = from_str(text.replace("1e400", "1e30").as_str()).unwrap();
        let plain: Value = serde_json::from_str(&text.replace("1e400", "1e30")).unwrap();
        assert_eq!(strict, plain);
        assert_eq!(strict.to_string(), plain.to_string());
    }

    #[test]
    fn refuses_duplicate_names_at_any_depth() {
        for text in [
            r#"{"name": "A", "name": "B"}"#,
            r#"{"x": {"achievement": {"name": "A", "id": 1, "name": "B"}}}"#,
            r#"[{"a": 1}, {"b": 1, "b": 1}]"#,
            r#"{"\u0061": 1, "a": 2}"#,
        ] {
            let e = from_str(text).unwrap_err();
            assert!(e.to_string().contains("appears twice"), "{text}: {e}");
        }
        // The same name in sibling objects is fine.
        assert!(from_str(r#"[{"a": 1}, {"a": 2}]"#).is_ok());
    }

    #[test]
    fn refuses_trailing_data_and_bad_text() {
        assert!(from_str(r#"{"a": 1} {"a": 2}"#).is_err());
        assert!(from_str(r#"{"a": "\ud800"}"#).is_err());
        assert!(from_slice(b"{\"a\": \"\xff\"}").is_err());
    }
}
