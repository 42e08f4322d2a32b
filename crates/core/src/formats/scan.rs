//! A fast, strict reader of well-formed JSON, for the large parts of result files (per-request arrays, a
//! million JSON lines): read straight from the text in one pass, without serde's machinery. It accepts a
//! subset of what serde_json accepts, and reads what it accepts as serde_json does (the tests compare them);
//! on anything else (an escape in a key, a string where a number belongs, broken JSON…) it gives `None`, and
//! callers read the text with serde_json, whose results and messages stay the reference.

use crate::decimal::{self, not_digits, read_digits};

/// A position in a JSON text.
pub(crate) struct Scan<'a> {
    text: &'a str,
    pub at: usize,
}

/// Containers deeper than this are left to serde_json.
const MAX_DEPTH: u32 = 64;

/// The first byte from `at` on that ends or escapes a string, or can't be in one: `"`, `\\` or a control
/// character (eight bytes at a time).
#[inline]
fn string_stop(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let zero = |w: u64| w.wrapping_sub(ONES) & !w;
        let stops = (zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')))
            | zero(word & !(ONES * 0x1f)))
            & HIGH;
        if stops != 0 {
            return at + (stops.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        at += 1;
    }
    at
}

/// Skips the digits at `*at`, eight bytes at a time; whether there was one.
#[inline]
fn skip_digits(bytes: &[u8], at: &mut usize) -> bool {
    let first = *at;
    while let Some(word) = bytes.get(*at..*at + 8) {
        let marks = not_digits(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        if marks != 0 {
            *at += (marks.trailing_zeros() / 8) as usize;
            return *at > first;
        }
        *at += 8;
    }
    while let Some(b'0'..=b'9') = bytes.get(*at) {
        *at += 1;
    }
    *at > first
}

impl<'a> Scan<'a> {
    pub fn new(text: &'a str) -> Scan<'a> {
        Scan { text, at: 0 }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The next byte after whitespace (which is skipped).
    #[inline]
    pub fn next(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.at) {
            match b {
                b' ' | b'\n' | b'\r' | b'\t' => self.at += 1,
                _ => return Some(b),
            }
        }
        None
    }

    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then(|| self.at += 1)
    }

    /// Whether only whitespace is left.
    pub fn at_end(&mut self) -> bool {
        self.next().is_none()
    }

    /// `null`, if that is what comes next (then read).
    #[inline]
    pub fn null(&mut self) -> bool {
        let null = self.next() == Some(b'n') && self.text.as_bytes()[self.at..].starts_with(b"null");
        if null {
            self.at += 4;
        }
        null
    }

    /// A string without escapes, as its text.
    #[inline]
    pub fn plain(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let bytes = self.text.as_bytes();
        let start = self.at;
        self.at = string_stop(bytes, start);
        if *bytes.get(self.at)? != b'"' {
            return None;
        }
        self.at += 1;
        Some(&self.text[start..self.at - 1])
    }

    /// Skips the string that starts here, escapes checked as serde_json checks those of strings it skips;
    /// whether it is empty.
    fn skip_string(&mut self) -> Option<bool> {
        let bytes = self.text.as_bytes();
        self.at += 1;
        let start = self.at;
        loop {
            self.at = string_stop(bytes, self.at);
            match *bytes.get(self.at)? {
                b'"' => break,
                b'\\' => {
                    self.at += 1;
                    match *bytes.get(self.at)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 1,
                        b'u' if bytes.get(self.at + 1..self.at + 5)?.iter().all(u8::is_ascii_hexdigit) => self.at += 5,
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        Some(self.at - 1 == start)
    }

    /// A number, as serde_json reads it into an f64 (integers as their u64 or i64 converted, which rounds as
    /// reading them as f64 does): `None` for other values, and for numbers too large for an f64 (an error for
    /// serde_json).
    #[inline]
    pub fn number(&mut self) -> Option<f64> {
        self.next()?;
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut i = start;
        let negative = bytes.get(i) == Some(&b'-');
        i += negative as usize;
        let (mut significand, mut digits, mut exponent) = (0u64, 0u32, 0i32);
        match *bytes.get(i)? {
            b'0' => i += 1,
            b'1'..=b'9' => read_digits(bytes, &mut i, &mut significand, &mut digits),
            _ => return None,
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            let first = i;
            read_digits(bytes, &mut i, &mut significand, &mut digits);
            if i == first {
                return None;
            }
            exponent = -((i - first) as i32);
        }
        let mut exact = true;
        match bytes.get(i) {
            Some(b'e' | b'E') => {
                exact = false;
                i += 1;
                i += matches!(bytes.get(i), Some(b'+' | b'-')) as usize;
                if !skip_digits(bytes, &mut i) {
                    return None;
                }
            }
            // A leading zero followed by digits.
            Some(b'0'..=b'9') => return None,
            _ => {}
        }
        self.at = i;
        let quick = if exact && digits <= 19 { decimal::quick(significand, exponent.into()) } else { None };
        let value = match quick {
            Some(magnitude) if negative => -magnitude,
            Some(magnitude) => magnitude,
            None => decimal::parse(&self.text[start..i])?,
        };
        value.is_finite().then_some(value)
    }

    /// A number as [`super::doc::Num`] reads it, null being NaN.
    #[inline]
    pub fn num(&mut self) -> Option<f64> {
        if self.null() {
            return Some(f64::NAN);
        }
        self.number()
    }

    /// A whole number that is not negative and fits a u64, as serde reads a u64.
    #[inline]
    pub fn count(&mut self) -> Option<u64> {
        self.next()?;
        let bytes = self.text.as_bytes();
        let mut value: u64 = 0;
        match *bytes.get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                let (start, mut digits) = (self.at, 0);
                read_digits(bytes, &mut self.at, &mut value, &mut digits);
                // Up to 19 digits fit; 20 may not.
                if digits > 19 {
                    value = 0;
                    for &d in &bytes[start..self.at] {
                        value = value.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
                    }
                }
            }
            _ => return None,
        }
        match bytes.get(self.at) {
            Some(b'.' | b'e' | b'E' | b'0'..=b'9') => None,
            _ => Some(value),
        }
    }

    /// Skips the value that comes next, checked as serde_json checks the values it skips; its text.
    pub fn value(&mut self) -> Option<&'a str> {
        self.next()?;
        let start = self.at;
        self.skip()?;
        Some(&self.text[start..self.at])
    }

    /// Skips a value (after whitespace) without recursion: `objects` has a bit per open container, set for
    /// an object.
    fn skip(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        let (mut objects, mut depth) = (0u64, 0u32);
        loop {
            // A value starts here.
            match self.next()? {
                b'"' => {
                    self.skip_string()?;
                }
                b'-' | b'0'..=b'9' => {
                    self.skip_number()?;
                }
                open @ (b'{' | b'[') => {
                    self.at += 1;
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.next()? == close {
                        self.at += 1;
                    } else {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return None;
                        }
                        objects = objects << 1 | u64::from(open == b'{');
                        if open == b'{' {
                            self.key()?;
                        }
                        continue;
                    }
                }
                b't' if bytes[self.at..].starts_with(b"true") => self.at += 4,
                b'f' if bytes[self.at..].starts_with(b"false") => self.at += 5,
                b'n' if bytes[self.at..].starts_with(b"null") => self.at += 4,
                _ => return None,
            }
            // A value ended: the containers it ends.
            loop {
                if depth == 0 {
                    return Some(());
                }
                let object = objects & 1 == 1;
                match self.next()? {
                    b',' => {
                        self.at += 1;
                        if object {
                            self.key()?;
                        }
                        break;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return None,
                }
                self.at += 1;
                objects >>= 1;
                depth -= 1;
            }
        }
    }

    /// A key of a skipped object, and its colon.
    fn key(&mut self) -> Option<()> {
        if self.next()? != b'"' {
            return None;
        }
        self.skip_string()?;
        self.eat(b':')
    }

    /// Skips the number that starts here, checked.
    fn skip_number(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        let mut i = self.at + (bytes[self.at] == b'-') as usize;
        match bytes.get(i)? {
            b'0' => i += 1,
            b'1'..=b'9' => _ = skip_digits(bytes, &mut i),
            _ => return None,
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            skip_digits(bytes, &mut i).then_some(())?;
        }
        if let Some(b'e' | b'E') = bytes.get(i) {
            i += 1;
            i += matches!(bytes.get(i), Some(b'+' | b'-')) as usize;
            skip_digits(bytes, &mut i).then_some(())?;
        }
        if let Some(b'0'..=b'9') = bytes.get(i) {
            return None;
        }
        self.at = i;
        Some(())
    }

    /// A string, null, or a boolean as an entry of vLLM's `errors` reads: whether it says there was an error
    /// (a string that is not empty, or `true`).
    pub fn error_flag(&mut self) -> Option<bool> {
        let bytes = self.text.as_bytes();
        match self.next()? {
            b'"' => self.skip_string().map(|empty| !empty),
            b't' if bytes[self.at..].starts_with(b"true") => {
                self.at += 4;
                Some(true)
            }
            b'f' if bytes[self.at..].starts_with(b"false") => {
                self.at += 5;
                Some(false)
            }
            b'n' => self.null().then_some(false),
            _ => None,
        }
    }

    /// An object's members, each read by `member` from its key (without escapes), which must read the value.
    #[inline]
    pub fn object(&mut self, mut member: impl FnMut(&mut Scan<'a>, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.next()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let key = self.plain()?;
            self.eat(b':')?;
            member(self, key)?;
            match self.next()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An object's members, as [`Scan::object`] reads them, each read by `member` from its key's tag: the
    /// tag of the key `shape` has at its place when that key comes again, else `tag(key)`, then kept.
    #[inline]
    pub fn object_shaped(
        &mut self,
        shape: &mut Shape,
        tag: impl Fn(&str) -> u8,
        mut member: impl FnMut(&mut Scan<'a>, u8) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.next()? == b'}' {
            self.at += 1;
            return Some(());
        }
        let mut place = 0;
        loop {
            let rest = &self.text.as_bytes()[self.at..];
            let known = match shape.0.get(place) {
                Some((key, tag)) if rest.starts_with(key) => {
                    self.at += key.len();
                    *tag
                }
                _ => {
                    let key = self.plain()?;
                    self.eat(b':')?;
                    let known = tag(key);
                    let entry = (format!("\"{key}\":").into_bytes().into_boxed_slice(), known);
                    match shape.0.get_mut(place) {
                        Some(kept) => *kept = entry,
                        None => shape.0.push(entry),
                    }
                    known
                }
            };
            member(self, known)?;
            place += 1;
            match self.next()? {
                b',' => {
                    self.at += 1;
                    self.next()?;
                }
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array's items, each read by `item`.
    #[inline]
    pub fn array(&mut self, mut item: impl FnMut(&mut Scan<'a>) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.next()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            item(self)?;
            match self.next()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// The keys objects of one kind had last time, in order, each as `"key":` with the tag its reader gave
/// it: records of a file mostly repeat their keys, which are then checked by one comparison each, and not
/// looked up again (see [`Scan::object_shaped`]).
#[derive(Default)]
pub(crate) struct Shape(Vec<(Box<[u8]>, u8)>);

/// A whole text that is a list of numbers (null: NaN), as serde reads a `Vec<Num>`.
pub(crate) fn nums(text: &str) -> Option<Vec<f64>> {
    list(text, Scan::num)
}

/// A whole text that is a list, each item read by `item`.
pub(crate) fn list<'t, T>(text: &'t str, mut item: impl FnMut(&mut Scan<'t>) -> Option<T>) -> Option<Vec<T>> {
    let mut scan = Scan::new(text);
    let mut out = Vec::new();
    scan.array(|scan| {
        out.push(item(scan)?);
        Some(())
    })?;
    scan.at_end().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    /// What serde_json reads a number as with its `float_roundtrip` feature: the correctly rounded value,
    /// which std's parser gives too (an integer read as a u64 or i64 and converted rounds the same way).
    fn serde_num(text: &str) -> Option<f64> {
        let text = text.trim();
        if text == "null" {
            return Some(f64::NAN);
        }
        text.parse().ok()
    }

    fn ours(text: &str) -> Option<f64> {
        let mut scan = Scan::new(text);
        let value = scan.num()?;
        scan.at_end().then_some(value)
    }

    /// Where the scan reads a number, serde_json reads the same bits.
    fn same(text: &str) {
        if let Some(value) = ours(text) {
            let reference = serde_num(text).unwrap_or_else(|| panic!("{text}: read, but serde_json refuses it"));
            assert_eq!(value.to_bits(), reference.to_bits(), "{text}");
        }
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for text in [
            "0",
            "-0",
            "0.0",
            "-0.0",
            "1",
            "-1",
            "12.5",
            "1e3",
            "1E-3",
            "1e+3",
            "0.1",
            "0.30000000000000004",
            "123456789012345678",
            "1234567890123456789",
            "12345678901234567890",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "9007199254740993",
            "9007199254740993.0",
            "2.2250738585072011e-308",
            "4.9e-324",
            "1e-400",
            "1e308",
            "1.7976931348623157e308",
            "0.000000000000000000000000001",
            "1746701007086849536",
            "152.3057797883482",
            "null",
            " 7 ",
        ] {
            same(text);
            assert!(ours(text).is_some(), "{text}");
        }
        for text in ["1e400", "01", "1.", ".5", "-", "+1", "1e", "1e+", "--1", "0x10", "\"1\"", "NaN", "1 2", "[1]"] {
            assert_eq!(ours(text), None, "{text}");
        }
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..200_000 {
            let digits = 1 + rng.below(22) as usize;
            let mut text: String = (0..digits).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
            let point = rng.below(digits as u64 + 1) as usize;
            if point < digits {
                text.insert(point, '.');
            }
            if text.starts_with('.') {
                text.insert(0, '0');
            }
            if rng.below(4) == 0 {
                text = format!("{text}e{}", rng.below(60) as i64 - 30);
            }
            if rng.below(5) == 0 {
                text.insert(0, '-');
            }
            same(&text);
            // Python's shortest round trips, as tools write them.
            let value = f64::from_bits(rng.next() >> 2) * if rng.below(2) == 0 { 1e-300 } else { 1.0 };
            for text in [format!("{value}"), format!("{value:e}"), format!("{}", (value * 1e6).round() / 1e6)] {
                same(&text);
            }
        }
    }

    #[test]
    fn counts_read_as_serde_reads_u64() {
        for text in
            ["0", "7", "18446744073709551615", "18446744073709551616", "-1", "1.5", "1e3", "01", "null", "\"1\""]
        {
            let mut scan = Scan::new(text);
            let ours = scan.count().filter(|_| scan.at_end());
            if let Some(value) = ours {
                assert_eq!(serde_json::from_str::<u64>(text).ok(), Some(value), "{text}");
            }
        }
        assert_eq!(Scan::new("18446744073709551615").count(), Some(u64::MAX));
        assert_eq!(Scan::new("18446744073709551616").count(), None);
        assert_eq!(Scan::new("99999999999999999999").count(), None);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let value = rng.next() >> rng.below(64);
            for text in [value.to_string(), format!("{value},"), format!("{value}]")] {
                assert_eq!(Scan::new(&text).count(), Some(value), "{text}");
            }
        }
    }

    #[test]
    fn skipped_values_are_those_serde_json_accepts() {
        let valid = [
            r#"{"a": [1, 2.5, -3e2, true, false, null, "x\"y\\u00e9\n"], "b": {}, "c": [], "d": {"e": [[], {}]}}"#,
            "[]",
            "\"\"",
            "-0.5",
            r#"[{"a":1},{"b":[2,{"c":"d"}]}]"#,
            "[12345678901234567890123,0.123456789012345678901e-12,123456789,12345678,1234567]",
        ];
        for text in valid {
            let mut scan = Scan::new(text);
            assert_eq!(scan.value(), Some(text), "{text}");
            assert!(serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok(), "{text}");
        }
        let invalid = [
            "[1,]",
            "[1 2]",
            "{\"a\" 1}",
            "{\"a\":}",
            "{,}",
            "{\"a\":1,}",
            "[",
            "{\"a\":1",
            "\"abc",
            "\"a\tb\"",
            "\"\\x\"",
            "\"\\u12\"",
            "tru",
            "nul",
            "[123456789.]",
            "[1.123456789e]",
            "[123456789a]",
            "[01]",
            "{1:2}",
            "[1}",
            "{\"a\":1]",
        ];
        for text in invalid {
            let mut scan = Scan::new(text);
            let ours = scan.value().filter(|_| scan.at_end());
            assert_eq!(ours, None, "{text}");
            assert!(serde_json::from_str::<serde::de::IgnoredAny>(text).is_err(), "{text}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(Scan::new(&deep).value(), None);
    }

    #[test]
    fn lists_of_numbers() {
        assert_eq!(nums("[1, 2.5, null, 4]").map(|l| l.len()), Some(4));
        assert!(nums("[1, 2.5, null, 4]").unwrap()[2].is_nan());
        assert_eq!(nums(" [ ] "), Some(vec![]));
        for text in ["[1, \"2\"]", "[1,]", "[1] x", "{}", "[NaN]"] {
            assert_eq!(nums(text), None, "{text}");
        }
    }
}
