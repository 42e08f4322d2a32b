//! Records read by one deserializer that follows a [`Schema`] (the per-request records of AIPerf,
//! inference-perf and GuideLLM), rather than by one derived deserializer per record type: each of those
//! compiled serde's reading code once more, which made up much of the page's WebAssembly. Fields read as
//! serde reads the Rust types their [`Kind`]s name, so values and messages are the derived ones.

use super::doc::Num;
use serde::de::{self, DeserializeSeed, Deserializer, Expected, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

/// A record type: its name (for messages) and its fields, in order.
pub(crate) struct Schema {
    pub name: &'static str,
    pub fields: &'static [Field],
}

pub(crate) struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub presence: Presence,
}

impl Field {
    pub const fn optional(name: &'static str, kind: Kind) -> Field {
        Field { name, kind, presence: Presence::Optional }
    }

    pub const fn required(name: &'static str, kind: Kind) -> Field {
        Field { name, kind, presence: Presence::Required }
    }

    pub const fn defaulted(name: &'static str, kind: Kind) -> Field {
        Field { name, kind, presence: Presence::Defaulted }
    }
}

/// What a field holds, read as serde reads the Rust type named.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// [`Num`].
    Num,
    /// `Vec<Num>`.
    Nums,
    /// `String`.
    Text,
    /// `u64`.
    Count,
    /// `IgnoredAny`: only whether it is there.
    Any,
    /// `Box<RawValue>`.
    Raw,
    /// A record of another schema.
    Record(&'static Schema),
}

/// Whether a field must be there.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Presence {
    /// An `Option`: absent or null, nothing.
    Optional,
    /// A missing field is an error.
    Required,
    /// `#[serde(default)]`: absent, nothing.
    Defaulted,
}

enum Value {
    /// Not met (yet) in the record.
    Unread,
    Absent,
    Num(Num),
    Nums(Vec<Num>),
    Text(String),
    Count(u64),
    Any,
    Raw(Box<RawValue>),
    Record(Values),
}

/// A record as read: its fields' values, each taken once by name.
pub(crate) struct Values {
    schema: &'static Schema,
    values: Vec<Value>,
    /// Where the next field taken is looked for first: readers take them in order.
    next: usize,
}

/// The index of the field `name`, looked for from `from` on, then before it: records list their fields, and
/// readers take them, mostly in the same order every time, so the first field looked at is mostly the one.
fn position(schema: &Schema, name: &str, from: usize) -> Option<usize> {
    let fields = schema.fields;
    let from = from.min(fields.len());
    let after = fields[from..].iter().position(|field| field.name == name).map(|i| from + i);
    after.or_else(|| fields[..from].iter().position(|field| field.name == name))
}

impl Values {
    fn take(&mut self, name: &str) -> Value {
        match position(self.schema, name, self.next) {
            Some(i) => {
                self.next = i + 1;
                std::mem::replace(&mut self.values[i], Value::Absent)
            }
            None => Value::Absent,
        }
    }

    pub fn num(&mut self, name: &str) -> Option<Num> {
        match self.take(name) {
            Value::Num(n) => Some(n),
            _ => None,
        }
    }

    pub fn nums(&mut self, name: &str) -> Option<Vec<Num>> {
        match self.take(name) {
            Value::Nums(n) => Some(n),
            _ => None,
        }
    }

    pub fn text(&mut self, name: &str) -> Option<String> {
        match self.take(name) {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn count(&mut self, name: &str) -> Option<u64> {
        match self.take(name) {
            Value::Count(n) => Some(n),
            _ => None,
        }
    }

    pub fn has(&mut self, name: &str) -> bool {
        !matches!(self.take(name), Value::Absent)
    }

    pub fn raw(&mut self, name: &str) -> Option<Box<RawValue>> {
        match self.take(name) {
            Value::Raw(raw) => Some(raw),
            _ => None,
        }
    }

    pub fn record(&mut self, name: &str) -> Option<Values> {
        match self.take(name) {
            Value::Record(values) => Some(values),
            _ => None,
        }
    }
}

/// Reads one record: a JSON object, or an array of the fields in order (as serde allows for structs).
#[derive(Clone, Copy)]
pub(crate) struct Record(pub &'static Schema);

impl<'de> DeserializeSeed<'de> for Record {
    type Value = Values;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Values, D::Error> {
        // JSON names every field it holds: serde_json has no use for the list of names.
        deserializer.deserialize_struct(self.0.name, &[], self)
    }
}

impl<'de> Visitor<'de> for Record {
    type Value = Values;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "struct {}", self.0.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Values, A::Error> {
        let fields = self.0.fields;
        let mut values: Vec<Value> = fields.iter().map(|_| Value::Unread).collect();
        let mut next = 0;
        while let Some(key) = map.next_key_seed(Key(self.0, next))? {
            let Some(i) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            next = i + 1;
            if !matches!(values[i], Value::Unread) {
                return Err(de::Error::duplicate_field(fields[i].name));
            }
            values[i] = map.next_value_seed(FieldValue(&fields[i]))?;
        }
        for (value, field) in values.iter_mut().zip(fields) {
            if matches!(value, Value::Unread) {
                if field.presence == Presence::Required {
                    return Err(de::Error::missing_field(field.name));
                }
                *value = Value::Absent;
            }
        }
        Ok(Values { schema: self.0, values, next: 0 })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Values, A::Error> {
        let mut values = Vec::with_capacity(self.0.fields.len());
        for (i, field) in self.0.fields.iter().enumerate() {
            match seq.next_element_seed(FieldValue(field))? {
                Some(value) => values.push(value),
                None if field.presence == Presence::Defaulted => values.push(Value::Absent),
                None => return Err(de::Error::invalid_length(i, &Elements(self.0))),
            }
        }
        Ok(Values { schema: self.0, values, next: 0 })
    }
}

/// A list of records of one schema.
pub(crate) struct Records(pub &'static Schema);

impl<'de> DeserializeSeed<'de> for Records {
    type Value = Vec<Values>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<Values>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records {
    type Value = Vec<Values>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Values>, A::Error> {
        let mut records = Vec::new();
        while let Some(record) = seq.next_element_seed(Record(self.0))? {
            records.push(record);
        }
        Ok(records)
    }
}

/// What a record given as an array should have held, for messages.
struct Elements(&'static Schema);

impl Expected for Elements {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "struct {} with {} elements", self.0.name, self.0.fields.len())
    }
}

/// A key: the index of the field it names, or `None` for a key the schema does not read; looked for first
/// from the field after the last key's.
struct Key(&'static Schema, usize);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Key {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(position(self.0, key, self.1))
    }
}

/// A field's value, null included for an optional field.
struct FieldValue(&'static Field);

impl<'de> DeserializeSeed<'de> for FieldValue {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        match self.0.presence {
            Presence::Optional => deserializer.deserialize_option(self),
            Presence::Required | Presence::Defaulted => read(self.0.kind, deserializer),
        }
    }
}

impl<'de> Visitor<'de> for FieldValue {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("option")
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Absent)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Absent)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        read(self.0.kind, deserializer)
    }
}

fn read<'de, D: Deserializer<'de>>(kind: Kind, deserializer: D) -> Result<Value, D::Error> {
    Ok(match kind {
        Kind::Num => Value::Num(Num::deserialize(deserializer)?),
        Kind::Nums => Value::Nums(Vec::deserialize(deserializer)?),
        Kind::Text => Value::Text(String::deserialize(deserializer)?),
        Kind::Count => Value::Count(u64::deserialize(deserializer)?),
        Kind::Any => {
            IgnoredAny::deserialize(deserializer)?;
            Value::Any
        }
        Kind::Raw => Value::Raw(Deserialize::deserialize(deserializer)?),
        Kind::Record(schema) => Value::Record(Record(schema).deserialize(deserializer)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// The same record, derived.
    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Derived {
        a: Num,
        b: Option<Vec<Num>>,
        #[serde(default)]
        c: Inner,
        d: Option<String>,
        e: Option<u64>,
        f: Option<IgnoredAny>,
        g: Option<Box<RawValue>>,
    }

    #[allow(dead_code)]
    #[derive(Debug, Default, Deserialize)]
    struct Inner {
        x: Option<Num>,
    }

    static INNER: Schema = Schema { name: "Inner", fields: &[Field::optional("x", Kind::Num)] };

    static SCHEMA: Schema = Schema {
        name: "Derived",
        fields: &[
            Field::required("a", Kind::Num),
            Field::optional("b", Kind::Nums),
            Field::defaulted("c", Kind::Record(&INNER)),
            Field::optional("d", Kind::Text),
            Field::optional("e", Kind::Count),
            Field::optional("f", Kind::Any),
            Field::optional("g", Kind::Raw),
        ],
    };

    fn ours(json: &str) -> Result<Values, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        let values = Record(&SCHEMA).deserialize(&mut de).map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        Ok(values)
    }

    #[test]
    fn reads_and_fails_as_serde_derive_does() {
        for json in [
            r#"{"a": 1, "b": [1, "2.5", null], "c": {"x": 3}, "d": "t", "e": 7, "f": {}, "g": [1, 2], "z": 0}"#,
            r#"{"a": null, "b": null, "c": {"x": null}, "d": null, "e": null, "f": null, "g": null}"#,
            r#"{"a": "inf"}"#,
            r#"[1, [2], {"x": 1}, "t", 3, 4, 5]"#,
            r#"[1, [2], {"x": 1}, "t"]"#,
            r#"[1, [2], {"x": 1}, "t", 3, 4, 5, 6]"#,
            r#"[]"#,
            r#"{}"#,
            r#"{"b": [1]}"#,
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": true}"#,
            r#"{"a": 1, "c": null}"#,
            r#"{"a": 1, "c": 5}"#,
            r#"{"a": 1, "c": {"x": [1]}}"#,
            r#"{"a": 1, "d": 5}"#,
            r#"{"a": 1, "e": -1}"#,
            r#"{"a": 1, "e": 1.5}"#,
            r#"{"a": 1, "b": {"x": 1}}"#,
            r#"{"a": 1, "g": [1, "#,
            r#"{"a": 1} x"#,
            r#"5"#,
            r#""text""#,
        ] {
            let derived = serde_json::from_str::<Derived>(json);
            match (ours(json), derived) {
                (Ok(mut values), Ok(derived)) => {
                    assert_eq!(values.num("a").map(|n| n.0.to_bits()), Some(derived.a.0.to_bits()), "{json}");
                    let bits =
                        |list: Option<Vec<Num>>| list.map(|l| l.iter().map(|n| n.0.to_bits()).collect::<Vec<_>>());
                    assert_eq!(bits(values.nums("b")), bits(derived.b), "{json}");
                    let x = values.record("c").and_then(|mut c| c.num("x"));
                    assert_eq!(x.map(|n| n.0.to_bits()), derived.c.x.map(|n| n.0.to_bits()), "{json}");
                    assert_eq!(values.text("d"), derived.d, "{json}");
                    assert_eq!(values.count("e"), derived.e, "{json}");
                    assert_eq!(values.has("f"), derived.f.is_some(), "{json}");
                    assert_eq!(values.raw("g").map(|r| r.get().to_string()), derived.g.map(|r| r.get().to_string()));
                }
                (Err(ours), Err(derived)) => assert_eq!(ours, derived.to_string(), "{json}"),
                (ours, derived) => panic!("{json}: ours {:?}, derived {derived:?}", ours.map(|_| ())),
            }
        }
    }

    #[test]
    fn lists_read_as_serde_reads_vectors() {
        let read = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            Records(&INNER).deserialize(&mut de).map(|list| list.len()).map_err(|e| e.to_string())
        };
        let derived = |json: &str| serde_json::from_str::<Vec<Inner>>(json).map(|l| l.len()).map_err(|e| e.to_string());
        for json in [r#"[{"x": 1}, {}]"#, "[]", r#"{"x": 1}"#, r#"[{"x": "a"}]"#, "[1]"] {
            assert_eq!(read(json), derived(json), "{json}");
        }
    }
}
