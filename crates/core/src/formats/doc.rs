//! Structured documents as the readers see them: JSON (one value, appended values, or JSON lines), with
//! Python's bare `NaN`/`Infinity` accepted; YAML is turned into JSON first, so that readers have one kind
//! of node. Nodes stay unparsed slices until a reader asks for them, so large per-request arrays go
//! straight into typed vectors (and each typed reader is compiled once, which keeps the page small).

use super::scan::Scan;
use crate::decimal;
use crate::text::shown;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A node of a document: the unparsed text of one JSON value (checked when it is parsed).
#[derive(Debug, Clone, Copy)]
pub struct Node<'a>(pub &'a str);

/// An object's members, in the document's order; a key given twice has its last value, as in JavaScript.
/// A list rather than a hash map: objects are small and read a few keys each, and the page's WebAssembly
/// is smaller without one more kind of map.
#[derive(Debug, Clone, Default)]
pub struct Object<'a>(Vec<(String, Node<'a>)>);

impl<'a> Node<'a> {
    /// The node as a typed value, or what is wrong with it.
    pub fn de<T: DeserializeOwned>(self) -> Result<T, String> {
        self.read(PhantomData)
    }

    /// The node read by `seed` (records of a [`super::schema::Schema`], say), or what is wrong with it.
    pub fn read<S: DeserializeSeed<'a>>(self, seed: S) -> Result<S::Value, String> {
        let mut deserializer = serde_json::Deserializer::from_str(self.0);
        let value = seed.deserialize(&mut deserializer).and_then(|value| deserializer.end().map(|()| value));
        value.map_err(|e| without_position(&e))
    }

    pub fn object(self) -> Option<Object<'a>> {
        self.parsed().ok()?.into_object()
    }

    /// The node parsed a level deep, or what is wrong with its JSON.
    pub fn parsed(self) -> Result<Single<'a>, String> {
        serde_json::from_str(self.0).map_err(|e| json_error(&e))
    }

    pub fn array(self) -> Option<Vec<Node<'a>>> {
        match serde_json::from_str(self.0).ok()? {
            Single::Array(items) => Some(items),
            Single::Object(_) => None,
        }
    }

    pub fn is_null(self) -> bool {
        self.0.trim() == "null"
    }

    /// A number, also from a numeric string; `None` when absent, null or not a number.
    pub fn num(self) -> Option<f64> {
        self.de::<Num>().ok().map(|n| n.0).filter(|v| !v.is_nan())
    }

    /// A string, or a number or boolean written as text.
    pub fn text(self) -> Option<String> {
        self.de::<Text>().ok().and_then(|t| t.0)
    }
}

impl<'a> Object<'a> {
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        self.0.iter().find(|(k, _)| k == key).map(|&(_, node)| node)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(key, _)| key.as_str())
    }

    pub fn members(&self) -> impl Iterator<Item = (&str, Node<'a>)> {
        self.0.iter().map(|(key, node)| (key.as_str(), *node))
    }

    /// The object under a path of keys.
    pub fn at(&self, path: &[&str]) -> Option<Object<'a>> {
        let mut object = self.clone();
        for key in path {
            object = object.get(key)?.object()?;
        }
        Some(object)
    }

    /// The node under a path of keys, the last of which may be any node.
    pub fn node(&self, path: &[&str]) -> Option<Node<'a>> {
        let (last, parents) = path.split_last()?;
        self.at(parents)?.get(last)
    }

    pub fn num(&self, key: &str) -> Option<f64> {
        self.get(key)?.num()
    }

    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key)?.text()
    }

    /// A typed member; `Ok(None)` when it is absent or null.
    pub fn field<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, String> {
        self.field_read(key, PhantomData)
    }

    /// A member read by `seed`; `Ok(None)` when it is absent or null.
    pub fn field_read<S: DeserializeSeed<'a>>(&self, key: &str, seed: S) -> Result<Option<S::Value>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(node) if node.is_null() => Ok(None),
            Some(node) => node.read(seed).map(Some).map_err(|e| format!("`{key}`: {e}")),
        }
    }

    /// A count that must be there and be a whole number that is not negative.
    pub fn count(&self, key: &str) -> Result<usize, String> {
        let value = self.num(key).ok_or_else(|| format!("`{key}` is missing or not a number"))?;
        whole(key, value)
    }
}

/// A count from a number: whole and not negative.
pub fn whole(key: &str, value: f64) -> Result<usize, String> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value < 1e15 {
        Ok(value as usize)
    } else {
        Err(format!("`{key}` is {value}, not a count"))
    }
}

impl serde::Serialize for Num {
    /// As a JSON number, or `null` when not a number (JSON has no NaN); infinities as text.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            v if v.is_finite() => serializer.serialize_f64(v),
            v if v.is_nan() => serializer.serialize_none(),
            v if v > 0.0 => serializer.serialize_str("inf"),
            _ => serializer.serialize_str("-inf"),
        }
    }
}

/// A number as Python tools write them: a JSON number, `null` (NaN), or text such as `"inf"`,
/// `"Infinity"`, `"NaN"` or `"2.5"` (vLLM writes `request_rate` as `"inf"`, and metadata as strings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl<'de> Deserialize<'de> for Num {
    /// A JSON number is read from its own text by the scanner, exactly (as serde_json reads numbers with its
    /// `float_roundtrip` feature, which this crate goes without: its exact parser was 7 KB of the page's
    /// code, gzipped; serde_json's own parser without it can be a unit in the last place off). Anything
    /// else is read as before.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Num, D::Error> {
        let raw = <&RawValue>::deserialize(deserializer)?.get();
        if let Some(value) = json_number(raw) {
            return value.map(Num).ok_or_else(|| de::Error::custom("number out of range"));
        }
        // Null and strings (numbers were read above).
        struct NumVisitor;
        impl Visitor<'_> for NumVisitor {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Num, E> {
                Ok(Num(f64::NAN))
            }
            fn visit_none<E: de::Error>(self) -> Result<Num, E> {
                Ok(Num(f64::NAN))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                let t = v.trim();
                let lower = t.to_ascii_lowercase();
                match lower.trim_start_matches('+') {
                    "inf" | "infinity" | ".inf" => return Ok(Num(f64::INFINITY)),
                    "-inf" | "-infinity" | "-.inf" => return Ok(Num(f64::NEG_INFINITY)),
                    "nan" | ".nan" => return Ok(Num(f64::NAN)),
                    _ => {}
                }
                decimal::parse(t).map(Num).ok_or_else(|| E::custom(format!("`{}` is not a number", shown(v))))
            }
        }
        from_raw(raw, NumVisitor)
    }
}

/// A scalar as text: a string, or a number or boolean written out; `None` for null or a collection.
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    /// A number is written out as serde_json would have read it (see [`Num`]'s reading): a whole number
    /// that fits a u64 or a negative i64 as that integer, any other as the f64 it reads as.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        let raw = <&RawValue>::deserialize(deserializer)?.get();
        if let Some(value) = json_number(raw) {
            let text = match (raw.parse::<u64>(), raw.parse::<i64>()) {
                (Ok(whole), _) => whole.to_string(),
                (_, Ok(negative)) if negative < 0 => negative.to_string(),
                _ => value.ok_or_else(|| de::Error::custom("number out of range"))?.to_string(),
            };
            return Ok(Text(Some(text)));
        }
        // Strings, booleans, null and collections (numbers were read above).
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Text, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        from_raw(raw, TextVisitor)
    }
}

/// A JSON number's value, read from its text as serde_json reads it with `float_roundtrip` (`Some(None)`
/// when it is too large for an f64); `None` when the text is not a number.
fn json_number(raw: &str) -> Option<Option<f64>> {
    if !raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return None;
    }
    let mut scan = Scan::new(raw);
    Some(scan.number().filter(|_| scan.at_end()))
}

/// A value that is not a number, read by `visitor` from its text (so messages are serde_json's own).
fn from_raw<'de, V: Visitor<'de>, E: de::Error>(raw: &'de str, visitor: V) -> Result<V::Value, E> {
    serde_json::Deserializer::from_str(raw).deserialize_any(visitor).map_err(|e| E::custom(without_position(&e)))
}

/// serde_json's message without its position, which is relative to the node, not the file.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(cut) if e.line() > 0 => text[..cut].to_string(),
        _ => text,
    }
}

/// What is wrong with a JSON text, saying whether it looks cut short.
fn json_error(e: &serde_json::Error) -> String {
    let what = if e.is_eof() { "the JSON ends too early (truncated?)" } else { "not valid JSON" };
    format!("{what}: {}", without_position(e))
}

/// Python's bare `NaN`, `Infinity` and `-Infinity` (outside strings) turned into JSON that [`Num`]
/// reads: `null`, `"Infinity"`, `"-Infinity"`. Borrowed when there are none.
pub fn python_json(text: &str) -> Cow<'_, str> {
    if !text.contains("NaN") && !text.contains("Infinity") {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let (mut in_string, mut escaped, mut copied, mut i) = (false, false, 0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        let replacement = match b {
            b'"' => {
                in_string = true;
                None
            }
            b'N' if bytes[i..].starts_with(b"NaN") => Some((3, "null")),
            b'I' if bytes[i..].starts_with(b"Infinity") => Some((8, "\"Infinity\"")),
            b'-' if bytes[i..].starts_with(b"-Infinity") => Some((9, "\"-Infinity\"")),
            _ => None,
        };
        match replacement {
            Some((length, with)) => {
                out.push_str(&text[copied..i]);
                out.push_str(with);
                i += length;
                copied = i;
            }
            None => i += 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// A text that is one JSON object or array, parsed one level deep in one pass: its members or items stay
/// unparsed slices.
#[derive(Debug)]
pub enum Single<'a> {
    Object(Object<'a>),
    Array(Vec<Node<'a>>),
}

impl<'a> Single<'a> {
    pub fn into_object(self) -> Option<Object<'a>> {
        match self {
            Single::Object(object) => Some(object),
            Single::Array(_) => None,
        }
    }
}

impl<'de> Deserialize<'de> for Single<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Single<'de>, D::Error> {
        struct SingleVisitor;
        impl<'de> Visitor<'de> for SingleVisitor {
            type Value = Single<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object or array")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Single<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, &'de RawValue>()? {
                    members.push((key, Node(value.get())));
                }
                Ok(Single::Object(Object(last_of_each_key(members))))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Single<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<&'de RawValue>()? {
                    items.push(Node(item.get()));
                }
                Ok(Single::Array(items))
            }
        }
        deserializer.deserialize_any(SingleVisitor)
    }
}

/// The members without those whose key comes again later.
fn last_of_each_key(mut members: Vec<(String, Node)>) -> Vec<(String, Node)> {
    let mut order: Vec<usize> = (0..members.len()).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| members[a].0.cmp(&members[b].0));
    let mut kept = vec![true; members.len()];
    for pair in order.windows(2) {
        // Stable: of equal keys, the later member comes later.
        if members[pair[0]].0 == members[pair[1]].0 {
            kept[pair[0]] = false;
        }
    }
    let mut kept = kept.into_iter();
    members.retain(|_| kept.next().unwrap_or(true));
    members
}

/// The text as one object or array, when it is exactly one (the common case), in one pass; `None`
/// otherwise (several values, or not valid JSON: [`json_values`] says which).
pub fn single_json(text: &str) -> Option<Single<'_>> {
    scanned_single(text).or_else(|| serde_json::from_str(text).ok())
}

/// [`single_json`] by a [`Scan`], for well-formed texts whose keys have no escapes.
fn scanned_single(text: &str) -> Option<Single<'_>> {
    let mut scan = Scan::new(text);
    let single = match scan.next()? {
        b'{' => {
            let mut members = Vec::new();
            scan.object(|scan, key| {
                members.push((key.to_string(), Node(scan.value()?)));
                Some(())
            })?;
            Single::Object(Object(last_of_each_key(members)))
        }
        b'[' => {
            let mut items = Vec::new();
            scan.array(|scan| {
                items.push(Node(scan.value()?));
                Some(())
            })?;
            Single::Array(items)
        }
        _ => return None,
    };
    scan.at_end().then_some(single)
}

/// The top-level JSON values of a text, each with the line it starts on: one for a JSON document, several
/// for appended objects or JSON lines. Blank lines between values are fine. JSON lines (each line an
/// object) are cut at line ends without parsing, so that a broken line is reported alone when read;
/// other texts are cut by parsing, which reports a broken value.
pub fn json_values(text: &str) -> Result<Vec<(usize, &str)>, String> {
    let lines: Vec<(usize, &str)> =
        text.lines().enumerate().map(|(i, line)| (i + 1, line.trim())).filter(|(_, line)| !line.is_empty()).collect();
    let json_lines = lines.len() > 1
        && lines.iter().all(|(_, line)| line.starts_with('{'))
        && lines.first().is_some_and(|(_, line)| serde_json::from_str::<de::IgnoredAny>(line).is_ok());
    if json_lines {
        return Ok(lines);
    }
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    let mut line = 1;
    let mut counted_to = 0;
    loop {
        let start = stream.byte_offset();
        let skipped = text[start..].bytes().take_while(u8::is_ascii_whitespace).count();
        line += text[counted_to..start + skipped].bytes().filter(|&b| b == b'\n').count();
        counted_to = start + skipped;
        match stream.next() {
            None => break,
            Some(Ok(value)) => values.push((line, value.get())),
            Some(Err(e)) => return Err(format!("{} (line {}, column {})", json_error(&e), e.line(), e.column())),
        }
    }
    Ok(values)
}

/// A YAML document (the first of a file) as JSON text (see [`super::yaml`]).
pub fn yaml_as_json(text: &str) -> Result<String, String> {
    super::yaml::to_json(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn numbers_read_exactly_and_written_as_serde_json_reads_them() {
        // serde_json without `float_roundtrip` reads 0.9452706955539224: its significand rounded, then divided.
        assert_eq!(Node("0.9452706955539223").num(), Some(0.9452706955539223));
        assert_eq!(Node(" [0.9452706955539223, null]").de::<Vec<Num>>().unwrap()[0], Num(0.9452706955539223));
        for (json, text) in [
            ("0.9452706955539223", "0.9452706955539223"),
            ("1e3", "1000"),
            ("-5", "-5"),
            ("-0", "-0"),
            ("18446744073709551615", "18446744073709551615"),
            ("18446744073709551616", "18446744073709552000"),
            ("-9223372036854775809", "-9223372036854776000"),
        ] {
            assert_eq!(Node(json).text().as_deref(), Some(text), "{json}");
        }
        assert_eq!(Node("1e400").de::<Num>().unwrap_err(), "number out of range");
        assert_eq!(Node("true").de::<Num>().unwrap_err(), "invalid type: boolean `true`, expected a number");
        assert_eq!(Node(r#"" 2.5""#).num(), Some(2.5));
    }

    #[test]
    fn python_numbers_become_json() {
        let text = r#"{"a": NaN, "b": Infinity, "c": -Infinity, "d": "NaN Infinity", "e": [1, NaN]}"#;
        let fixed = python_json(text);
        let value: Value = serde_json::from_str(&fixed).unwrap();
        assert_eq!(value["a"], Value::Null);
        assert_eq!(value["b"], "Infinity");
        assert_eq!(value["c"], "-Infinity");
        assert_eq!(value["d"], "NaN Infinity");
        let nums: Vec<Num> = serde_json::from_str(&value["e"].to_string()).unwrap();
        assert!(nums[1].0.is_nan());
        assert!(matches!(python_json(r#"{"x": "Infinity"}"#), Cow::Borrowed(_)));
        assert!(matches!(python_json(r#"{"x": 1}"#), Cow::Borrowed(_)));
        assert_eq!(serde_json::from_str::<Num>(r#""inf""#).unwrap().0, f64::INFINITY);
        assert_eq!(serde_json::from_str::<Num>(r#""2.5""#).unwrap().0, 2.5);
        assert!(serde_json::from_str::<Num>(r#""abc""#).is_err());
    }

    #[test]
    fn a_repeated_key_has_its_last_value() {
        let object = Node(r#"{"b": 1, "a": 2, "b": 3, "c": 4, "b": 5}"#).object().unwrap();
        assert_eq!(object.members().map(|(k, n)| (k, n.0)).collect::<Vec<_>>(), [("a", "2"), ("c", "4"), ("b", "5")]);
        assert_eq!(object.num("b"), Some(5.0));
    }

    #[test]
    fn values_and_their_lines() {
        let values = json_values("{\"a\": 1}\n\n{\"a\": 2}\n{\"a\":\n3}\n[1]").unwrap();
        assert_eq!(Node(values[3].1).array().map(|items| items.len()), Some(1));
        assert_eq!(values.iter().map(|(line, _)| *line).collect::<Vec<_>>(), [1, 3, 4, 6]);
        // JSON lines are cut at line ends: a broken line is found when it is read.
        let lines = json_values("{\"a\": 1}\n{\"a\": [1, 2\n\n{\"b\": 3}").unwrap();
        assert_eq!(lines.iter().map(|(line, _)| *line).collect::<Vec<_>>(), [1, 2, 4]);
        assert!(Node(lines[1].1).object().is_none());
        let err = json_values("{\"a\":\n 1}\n{\"a\": [1, 2").unwrap_err();
        assert!(err.contains("ends too early") && err.contains("line 3"), "{err}");
        let err = json_values("[1]\n{\"a\" 2}").unwrap_err();
        assert!(err.starts_with("not valid JSON") && err.contains("line 2"), "{err}");
    }

    #[test]
    fn yaml_keeps_infinities_as_text() {
        let json = yaml_as_json("version: 0.2\nrate: .inf\nn: ~\nlist: [1, 2.5]\n---\nsecond: 1\n").unwrap();
        let object = Node(&json).object().unwrap();
        assert_eq!(object.num("version"), Some(0.2));
        assert_eq!(object.text("rate").as_deref(), Some("inf"));
        assert_eq!(object.num("rate"), Some(f64::INFINITY));
        assert!(object.get("n").unwrap().is_null());
        assert!(!object.has("second"));
        let err = yaml_as_json("a: [1, 2").unwrap_err();
        assert!(err.starts_with("not valid YAML"), "{err}");
    }
}
