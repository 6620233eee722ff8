//! Reading values that JSON-LD compaction may give as a single value or as an array.
//!
//! Model fields are plain `Vec<T>`; the `deserialize` helper of this module accepts both
//! forms, and the field is written back as an array (`skip_serializing_if = "Vec::is_empty"`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{
    BoolDeserializer, BorrowedStrDeserializer, F64Deserializer, I64Deserializer,
    MapAccessDeserializer, SeqAccessDeserializer, StrDeserializer, StringDeserializer,
    U64Deserializer,
};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// One value or an array of values, as found in compacted JSON-LD.
///
/// Deserializes from either form; always serializes as an array.
#[derive(Debug, Clone, PartialEq)]
pub enum OneOrMany<T> {
    /// A single value (`"type": "Profile"`).
    One(T),
    /// An array (`"type": ["Profile"]`).
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values as a vector (one element for [`OneOrMany::One`]).
    pub fn into_vec(self) -> Vec<T> {
        match self {
            Self::One(value) => vec![value],
            Self::Many(values) => values,
        }
    }

    /// The values as a slice.
    pub fn as_slice(&self) -> &[T] {
        match self {
            Self::One(value) => std::slice::from_ref(value),
            Self::Many(values) => values,
        }
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(values: Vec<T>) -> Self {
        Self::Many(values)
    }
}

impl<T> From<OneOrMany<T>> for Vec<T> {
    fn from(value: OneOrMany<T>) -> Self {
        value.into_vec()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OneOrManyVisitor(PhantomData))
    }
}

struct OneOrManyVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
    type Value = OneOrMany<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or an array of values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Vec::<T>::deserialize(SeqAccessDeserializer::new(seq)).map(OneOrMany::Many)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        T::deserialize(StrDeserializer::<E>::new(v)).map(OneOrMany::One)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        T::deserialize(BorrowedStrDeserializer::<E>::new(v)).map(OneOrMany::One)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        T::deserialize(StringDeserializer::<E>::new(v)).map(OneOrMany::One)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::deserialize(BoolDeserializer::<E>::new(v)).map(OneOrMany::One)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(I64Deserializer::<E>::new(v)).map(OneOrMany::One)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(U64Deserializer::<E>::new(v)).map(OneOrMany::One)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::deserialize(F64Deserializer::<E>::new(v)).map(OneOrMany::One)
    }
}

/// `deserialize_with` helper for `Vec<T>` fields: accepts a single value or an array.
pub(crate) fn deserialize<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    OneOrMany::<T>::deserialize(deserializer).map(OneOrMany::into_vec)
}

/// `deserialize_with` helper for a value the schema wants single: accepts the value or an
/// array holding exactly one.
pub(crate) fn deserialize_single<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    match OneOrMany::<T>::deserialize(deserializer)? {
        OneOrMany::One(value) => Ok(value),
        OneOrMany::Many(values) => {
            let count = values.len();
            let mut iter = values.into_iter();
            match (iter.next(), iter.next()) {
                (Some(value), None) => Ok(value),
                _ => Err(de::Error::invalid_length(count, &"exactly one value")),
            }
        }
    }
}

/// `serialize_with` helper for `Vec<T>` fields outside the OB schema that are conventionally
/// compact (a single value is written alone, several as an array), e.g. a proof `domain`.
pub(crate) fn serialize_compact<S, T>(values: &[T], serializer: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: Serialize,
{
    match values {
        [single] => single.serialize(serializer),
        _ => values.serialize(serializer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Holder {
        #[serde(default, deserialize_with = "deserialize")]
        items: Vec<String>,
    }

    #[test]
    fn reads_single_and_array_forms() {
        let one: Holder = serde_json::from_value(json!({"items": "a"})).unwrap();
        let many: Holder = serde_json::from_value(json!({"items": ["a", "b"]})).unwrap();
        let none: Holder = serde_json::from_value(json!({})).unwrap();
        assert_eq!(one.items, ["a"]);
        assert_eq!(many.items, ["a", "b"]);
        assert!(none.items.is_empty());
    }

    #[test]
    fn writes_an_array() {
        let value = OneOrMany::One(1u8);
        assert_eq!(serde_json::to_value(&value).unwrap(), json!([1]));
        let parsed: OneOrMany<u8> = serde_json::from_value(json!(3)).unwrap();
        assert_eq!(parsed, OneOrMany::One(3));
    }

    #[test]
    fn single_rejects_several() {
        #[derive(Debug, Deserialize)]
        struct One {
            #[serde(deserialize_with = "deserialize_single")]
            #[allow(dead_code)]
            item: String,
        }
        assert!(serde_json::from_value::<One>(json!({"item": ["a"]})).is_ok());
        assert!(serde_json::from_value::<One>(json!({"item": ["a", "b"]})).is_err());
    }
}
