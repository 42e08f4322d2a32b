//! YAML to JSON text, for the YAML that benchmark tools write: PyYAML's `yaml.dump` output (block
//! mappings and sequences, indentless sequences, plain and quoted scalars folded over lines, flow
//! collections, anchors and aliases, tags) and hand-written reports with comments. Scalars follow
//! YAML 1.2's core schema: `null`/`~`, `true`/`false`, integers, floats, `.inf`, `.nan`; everything else is
//! a string. The first document of a file is read.
//!
//! Why not a YAML crate: the smallest full parser measured (serde_norway, a port of libyaml) adds
//! 45 KB gzipped to the page's WebAssembly, a sixth of its budget; this covers what the tools write in a
//! few KB. Not covered: complex (`?`) keys, merge keys, multi-document files beyond the first document.

use crate::decimal;
use std::collections::HashMap;
use std::fmt::Write;

/// A YAML document as JSON text; `.inf` and `.nan` become the strings `"inf"`, `"-inf"` and `"nan"`.
pub fn to_json(text: &str) -> Result<String, String> {
    let mut parser = Parser::new(text);
    let value = parser.document()?;
    let mut out = String::with_capacity(text.len());
    value.write_json(&mut out);
    Ok(out)
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    /// A number, already in JSON's syntax.
    Number(String),
    String(String),
    Seq(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(n),
            Value::String(s) => write_string(out, s),
            Value::Seq(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Map(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, key);
                    out.push(':');
                    value.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// The text of a scalar used as a mapping key.
    fn into_key(self) -> String {
        match self {
            Value::Null => "null".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) | Value::String(n) => n,
            other => {
                let mut out = String::new();
                other.write_json(&mut out);
                out
            }
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
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

/// How deep collections may nest: deeper input is refused rather than overflowing the stack.
const MAX_DEPTH: usize = 256;

/// How much aliases may copy of their anchors' values in all (in [`size`]'s units), beyond the file's
/// length: a file of a few hundred bytes can nest aliases of aliases into gigabytes (a "billion laughs"),
/// refused here rather than running out of memory.
const MAX_ALIASED: usize = 1 << 20;

struct Parser<'a> {
    /// The document's lines, without their line ends; a line being consumed is replaced by its rest.
    lines: Vec<String>,
    /// Original text, for nothing but its lifetime.
    _text: std::marker::PhantomData<&'a str>,
    line: usize,
    /// Each anchor's value, and its [`size`].
    anchors: HashMap<String, (Value, usize)>,
    /// How much aliases have copied so far, and may in all.
    aliased: usize,
    max_aliased: usize,
    depth: usize,
}

/// The size of a value as aliases copy it: its nodes, and the bytes of its texts.
fn size(value: &Value) -> usize {
    match value {
        Value::Null | Value::Bool(_) => 1,
        Value::Number(text) | Value::String(text) => 1 + text.len(),
        Value::Seq(items) => items.iter().fold(1, |sum, item| sum.saturating_add(size(item))),
        Value::Map(members) => {
            members.iter().fold(1, |sum, (key, value)| sum.saturating_add(key.len()).saturating_add(size(value)))
        }
    }
}

/// A mapping's members as they are read: in the order of their keys' first appearance, a repeated key
/// replacing the value. Keys are looked up by hash, so that a mapping of n keys is read in O(n).
#[derive(Default)]
struct Members {
    list: Vec<(String, Value)>,
    index: HashMap<String, usize>,
}

impl Members {
    fn insert(&mut self, key: String, value: Value) {
        match self.index.get(&key) {
            Some(&i) => self.list[i].1 = value,
            None => {
                self.index.insert(key.clone(), self.list.len());
                self.list.push((key, value));
            }
        }
    }
}

/// The indentation of a line: its leading spaces.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Whether a line holds nothing but spaces or a comment.
fn is_blank(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// The line without a trailing comment (a `#` after a space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'\\' if double => i += 1,
            b'#' if !single && !double && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') => {
                return line[..i].trim_end();
            }
            _ => {}
        }
        i += 1;
    }
    line.trim_end()
}

/// Where a mapping key ends in a line: the first `:` followed by a space or the line's end, outside
/// quotes and flow brackets; `None` if the line is not `key: …`.
fn key_colon(content: &str) -> Option<usize> {
    let bytes = content.as_bytes();
    if matches!(bytes.first(), Some(b'[' | b'{' | b'|' | b'>' | b'*')) {
        return None;
    }
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'\\' if double => i += 1,
            b':' if !single && !double && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t') => {
                return Some(i);
            }
            b' ' if !single && !double && bytes.get(i + 1) == Some(&b'#') => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether a line's content starts a block sequence item.
fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ") || content.starts_with("-\t")
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Parser {
            lines: text.lines().map(|l| l.replace('\t', "  ")).collect(),
            _text: std::marker::PhantomData,
            line: 0,
            anchors: HashMap::new(),
            aliased: 0,
            max_aliased: MAX_ALIASED.saturating_add(text.len()),
            depth: 0,
        }
    }

    fn anchor(&mut self, name: String, value: &Value) {
        self.anchors.insert(name, (value.clone(), size(value)));
    }

    /// The value of the anchor an alias names.
    fn alias(&mut self, name: &str) -> Result<Value, String> {
        let Some((value, size)) = self.anchors.get(name) else {
            return Err(self.error(&format!("unknown alias `*{name}`")));
        };
        self.aliased = self.aliased.saturating_add(*size);
        if self.aliased > self.max_aliased {
            return Err(self.error("aliases that repeat far more than the file holds (a \"billion laughs\")"));
        }
        Ok(value.clone())
    }

    fn error(&self, message: &str) -> String {
        format!("not valid YAML: {message} at line {}", self.line + 1)
    }

    /// The first document: after directives and `---`, up to the next `---` or `...`.
    fn document(&mut self) -> Result<Value, String> {
        while self.line < self.lines.len() {
            let line = self.lines[self.line].trim_end();
            if is_blank(line) || line.starts_with('%') {
                self.line += 1;
            } else if line == "---" || line.starts_with("--- ") {
                let rest = line[3..].trim_start().to_string();
                if is_blank(&rest) {
                    self.line += 1;
                } else {
                    self.lines[self.line] = rest;
                }
                break;
            } else {
                break;
            }
        }
        // The document ends at the next document marker.
        if let Some(end) = (self.line..self.lines.len())
            .find(|&i| i > self.line && (self.lines[i].starts_with("---") || self.lines[i].trim_end() == "..."))
        {
            self.lines.truncate(end);
        }
        self.skip_blank();
        if self.line >= self.lines.len() {
            return Ok(Value::Null);
        }
        let value = self.block(0)?;
        self.skip_blank();
        if self.line < self.lines.len() {
            return Err(self.error("unexpected content after the document's top level"));
        }
        Ok(value)
    }

    fn skip_blank(&mut self) {
        while self.line < self.lines.len() && is_blank(&self.lines[self.line]) {
            self.line += 1;
        }
    }

    /// A node whose first line is the current one, indented at least `min`.
    fn block(&mut self, min: usize) -> Result<Value, String> {
        self.skip_blank();
        let Some(line) = self.lines.get(self.line) else { return Ok(Value::Null) };
        let at = indent(line);
        if at < min {
            return Ok(Value::Null);
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        let content = strip_comment(&line[at..]).to_string();
        let value = if is_item(&content) {
            self.sequence(at)
        } else if key_colon(&content).is_some() {
            self.mapping(at)
        } else {
            let (properties, rest) = self.properties(&content);
            match rest.is_empty() {
                // A node that is only an anchor or a tag: its value is on the next lines.
                true => {
                    self.line += 1;
                    let value = self.block(min)?;
                    Ok(self.anchored(properties, value))
                }
                false => {
                    let value = self.inline(&rest, at, min.saturating_sub(1))?;
                    Ok(self.anchored(properties, value))
                }
            }
        };
        self.depth -= 1;
        value
    }

    /// Anchors (`&name`) and tags (`!tag`) before a node: the anchor, and the rest.
    fn properties(&self, content: &str) -> (Option<String>, String) {
        let mut anchor = None;
        let mut rest = content.trim();
        loop {
            if let Some(after) = rest.strip_prefix('&') {
                let end = after.find([' ', '\t']).unwrap_or(after.len());
                anchor = Some(after[..end].to_string());
                rest = after[end..].trim_start();
            } else if rest.starts_with('!') {
                let end = rest.find([' ', '\t']).unwrap_or(rest.len());
                rest = rest[end..].trim_start();
            } else {
                return (anchor, rest.to_string());
            }
        }
    }

    fn anchored(&mut self, anchor: Option<String>, value: Value) -> Value {
        if let Some(name) = anchor {
            self.anchor(name, &value);
        }
        value
    }

    /// A block sequence whose items start at column `at`.
    fn sequence(&mut self, at: usize) -> Result<Value, String> {
        let mut items = Vec::new();
        loop {
            self.skip_blank();
            let Some(line) = self.lines.get(self.line) else { break };
            if indent(line) != at || !is_item(strip_comment(&line[at..])) {
                break;
            }
            let rest = line[at + 1..].trim_start().to_string();
            if is_blank(&rest) {
                self.line += 1;
                items.push(self.block(at + 1)?);
            } else {
                // The item's content as if it started its own line, where it stands.
                let column = line.len() - line[at + 1..].trim_start().len();
                self.lines[self.line] = format!("{}{}", " ".repeat(column), rest);
                items.push(self.block(column)?);
            }
        }
        Ok(Value::Seq(items))
    }

    /// A block mapping whose keys start at column `at`.
    fn mapping(&mut self, at: usize) -> Result<Value, String> {
        let mut members = Members::default();
        loop {
            self.skip_blank();
            let Some(line) = self.lines.get(self.line) else { break };
            if indent(line) != at {
                if indent(line) > at {
                    return Err(self.error("a line indented more than its mapping's keys"));
                }
                break;
            }
            let content = strip_comment(&line[at..]).to_string();
            let Some(colon) = key_colon(&content) else {
                if is_item(&content) {
                    break;
                }
                return Err(self.error("expected `key: value`"));
            };
            let key = self.scalar(content[..colon].trim())?.into_key();
            let rest = content[colon + 1..].trim();
            let (anchor, rest) = self.properties(rest);
            let value = if rest.is_empty() {
                self.line += 1;
                self.skip_blank();
                // A nested block, or (PyYAML's style) a sequence at the key's own indentation.
                match self.lines.get(self.line) {
                    Some(next) if indent(next) > at => self.block(at + 1)?,
                    Some(next) if indent(next) == at && is_item(strip_comment(&next[at..])) => self.sequence(at)?,
                    _ => Value::Null,
                }
            } else {
                self.inline(&rest, at, at)?
            };
            let value = self.anchored(anchor, value);
            members.insert(key, value);
        }
        Ok(Value::Map(members.list))
    }

    /// A node that starts within the current line (after `key:` or `- `): a scalar, alias, block scalar
    /// or flow collection, which may continue on lines indented more than `parent`.
    fn inline(&mut self, rest: &str, _at: usize, parent: usize) -> Result<Value, String> {
        if let Some(name) = rest.strip_prefix('*') {
            let name = name.trim();
            let value = self.alias(name)?;
            self.line += 1;
            return Ok(value);
        }
        if rest.starts_with('|') || rest.starts_with('>') {
            return self.block_scalar(rest, parent);
        }
        // Gather continuation lines: more indented than the parent, or inside an open quote or bracket.
        let start = self.line;
        let mut text = rest.to_string();
        let mut open = Open::default();
        open.read(&text);
        self.line += 1;
        loop {
            let unbalanced = open.unbalanced();
            let Some(next) = self.lines.get(self.line) else { break };
            let continues =
                unbalanced || (!is_blank(next) && indent(next) > parent) || (next.trim().is_empty() && open.quoted());
            if !continues {
                break;
            }
            let piece = if unbalanced || open.quoted() {
                next.trim().to_string()
            } else {
                let piece = strip_comment(next).trim().to_string();
                // A plain scalar can't hold `: `: this is a key indented where none can be.
                if key_colon(&piece).is_some() || is_item(&piece) && text.trim_start().starts_with(['[', '{']) {
                    return Err(self.error("a line indented more than its mapping's keys"));
                }
                piece
            };
            text.push('\n');
            text.push_str(&piece);
            open.read("\n");
            open.read(&piece);
            self.line += 1;
        }
        // Problems are reported at the line where the value starts.
        let end = std::mem::replace(&mut self.line, start);
        let mut flow = Flow { text: text.as_bytes(), pos: 0, parser: self };
        let value = flow.node()?;
        flow.spaces();
        if flow.pos < flow.text.len() {
            return Err(self.error("unexpected characters after a value"));
        }
        self.line = end;
        Ok(value)
    }

    /// A literal (`|`) or folded (`>`) block scalar: the following lines indented more than `parent`.
    fn block_scalar(&mut self, header: &str, parent: usize) -> Result<Value, String> {
        let literal = header.starts_with('|');
        let keep = header.contains('+');
        let strip = header.contains('-');
        self.line += 1;
        let mut lines = Vec::new();
        let mut block_indent = None;
        while let Some(line) = self.lines.get(self.line) {
            if line.trim().is_empty() {
                lines.push(String::new());
                self.line += 1;
                continue;
            }
            let at = indent(line);
            if at <= parent {
                break;
            }
            let column = *block_indent.get_or_insert(at);
            if at < column {
                break;
            }
            lines.push(line[column..].to_string());
            self.line += 1;
        }
        let trailing = lines.iter().rev().take_while(|l| l.is_empty()).count();
        let content = &lines[..lines.len() - trailing];
        let mut text = String::new();
        for (i, line) in content.iter().enumerate() {
            if i > 0 {
                let folded = !literal && !line.is_empty() && !content[i - 1].is_empty() && !line.starts_with(' ');
                text.push(if folded { ' ' } else { '\n' });
            }
            text.push_str(line);
        }
        if !strip && !content.is_empty() {
            text.push('\n');
        }
        if keep {
            text.extend(std::iter::repeat_n('\n', trailing));
        }
        Ok(Value::String(text))
    }

    /// A plain scalar's value by the core schema.
    fn scalar(&self, text: &str) -> Result<Value, String> {
        let t = text.trim();
        if let Some(quoted) = t.strip_prefix('"') {
            return unescape_double(quoted.strip_suffix('"').unwrap_or(quoted))
                .map(Value::String)
                .map_err(|e| self.error(&e));
        }
        if let Some(quoted) = t.strip_prefix('\'') {
            return Ok(Value::String(quoted.strip_suffix('\'').unwrap_or(quoted).replace("''", "'")));
        }
        Ok(resolve(t))
    }
}

/// What a text gathered line by line leaves open: flow brackets (outside quotes), and the quoted scalar it
/// starts with. Read a piece at a time as lines are added, so that gathering a value of n lines costs
/// O(n), not a rereading of the whole text for each line.
#[derive(Debug, Default)]
struct Open {
    /// Brackets, and quotes anywhere in the text.
    depth: i32,
    single: bool,
    double: bool,
    escaped: bool,
    /// The quoted scalar the text starts with, if it does.
    start: Start,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Start {
    /// Only blanks so far.
    #[default]
    Blank,
    /// The text does not start with a quote.
    Unquoted,
    /// In a double-quoted scalar, after a `\` or not.
    Double {
        escaped: bool,
    },
    /// In a single-quoted scalar, just after a `'` (which closes it, unless another follows) or not.
    Single {
        quote: bool,
    },
    Closed,
}

impl Open {
    /// Reads on through `piece`, the text's next characters.
    fn read(&mut self, piece: &str) {
        for b in piece.bytes() {
            match b {
                _ if self.escaped => self.escaped = false,
                b'\\' if self.double => self.escaped = true,
                b'"' if !self.single => self.double = !self.double,
                b'\'' if !self.double => self.single = !self.single,
                b'[' | b'{' if !self.single && !self.double => self.depth += 1,
                b']' | b'}' if !self.single && !self.double => self.depth -= 1,
                _ => {}
            }
        }
        if matches!(self.start, Start::Unquoted | Start::Closed) {
            return;
        }
        for c in piece.chars() {
            self.start = match (self.start, c) {
                (Start::Blank, c) if c.is_whitespace() => Start::Blank,
                (Start::Blank, '"') => Start::Double { escaped: false },
                (Start::Blank, '\'') => Start::Single { quote: false },
                (Start::Blank, _) => Start::Unquoted,
                (Start::Double { escaped: true }, _) => Start::Double { escaped: false },
                (Start::Double { escaped: false }, '\\') => Start::Double { escaped: true },
                (Start::Double { escaped: false }, '"') => Start::Closed,
                // '' is an escaped quote.
                (Start::Single { quote: false }, '\'') => Start::Single { quote: true },
                (Start::Single { quote: true }, '\'') => Start::Single { quote: false },
                (Start::Single { quote: true }, _) => Start::Closed,
                (other, _) => other,
            };
            if matches!(self.start, Start::Unquoted | Start::Closed) {
                return;
            }
        }
    }

    /// Whether the text so far starts a quoted scalar that is not closed yet.
    fn quoted(&self) -> bool {
        matches!(self.start, Start::Double { .. } | Start::Single { quote: false })
    }

    /// Whether the text so far has an unclosed flow bracket, or an unclosed quoted scalar.
    fn unbalanced(&self) -> bool {
        self.depth > 0 || self.quoted()
    }
}

/// A plain scalar by YAML 1.2's core schema.
fn resolve(t: &str) -> Value {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::String("inf".to_string()),
        "-.inf" | "-.Inf" | "-.INF" => return Value::String("-inf".to_string()),
        ".nan" | ".NaN" | ".NAN" => return Value::String("nan".to_string()),
        _ => {}
    }
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(unsigned) {
        if let Ok(i) = t.parse::<i64>() {
            return Value::Number(i.to_string());
        }
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(e) => (&unsigned[..e], Some(&unsigned[e + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (digits(whole) || whole.is_empty()) && (digits(fraction) || fraction.is_empty()) && mantissa != "."
        }
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    if mantissa_ok && exponent_ok {
        if let Some(f) = decimal::parse(t) {
            if f.is_finite() {
                return Value::Number(format!("{f:?}"));
            }
        }
    }
    Value::String(t.to_string())
}

/// The body of a double-quoted scalar (between the quotes), its escapes resolved and its line breaks
/// folded.
fn unescape_double(body: &str) -> Result<String, String> {
    let folded = fold_lines(body, true);
    let mut out = String::with_capacity(folded.len());
    let mut chars = folded.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escaped = chars.next().ok_or("a `\\` at the end of a string")?;
        match escaped {
            'n' => out.push('\n'),
            't' | '\t' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'e' => out.push('\u{1b}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            ' ' => out.push(' '),
            '/' => out.push('/'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'N' => out.push('\u{85}'),
            '_' => out.push('\u{a0}'),
            'L' => out.push('\u{2028}'),
            'P' => out.push('\u{2029}'),
            '\u{1}' => {}
            'x' | 'u' | 'U' => {
                let width = match escaped {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.by_ref().take(width).collect();
                let code = u32::from_str_radix(&hex, 16).map_err(|_| format!("`\\{escaped}{hex}` is not an escape"))?;
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            other => return Err(format!("`\\{other}` is not an escape")),
        }
    }
    Ok(out)
}

/// A quoted scalar's line breaks folded: one break becomes a space, blank lines become line breaks; in a
/// double-quoted scalar, a `\` at the end of a line joins the lines (marked `\u{1}` for the unescaping).
fn fold_lines(body: &str, double: bool) -> String {
    if !body.contains('\n') {
        return body.to_string();
    }
    let lines: Vec<&str> = body.split('\n').collect();
    let mut out = String::new();
    let mut blanks = 0;
    for (i, line) in lines.iter().enumerate() {
        let line = if i == 0 {
            line.trim_end()
        } else if i + 1 == lines.len() {
            line.trim_start()
        } else {
            line.trim()
        };
        if i > 0 && line.is_empty() && i + 1 < lines.len() {
            blanks += 1;
            continue;
        }
        if i > 0 {
            if double && out.ends_with('\\') && !out.ends_with("\\\\") {
                out.pop();
                out.push_str("\\\u{1}");
            } else if blanks > 0 {
                out.extend(std::iter::repeat_n('\n', blanks));
            } else {
                out.push(' ');
            }
        }
        blanks = 0;
        out.push_str(line);
    }
    out
}

/// A flow node (`[…]`, `{…}`, a quoted or plain scalar) in a text gathered from one or more lines.
struct Flow<'p, 'a, 't> {
    text: &'t [u8],
    pos: usize,
    parser: &'p mut Parser<'a>,
}

impl Flow<'_, '_, '_> {
    fn spaces(&mut self) {
        while self.pos < self.text.len() && matches!(self.text[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn node(&mut self) -> Result<Value, String> {
        self.parser.depth += 1;
        if self.parser.depth > MAX_DEPTH {
            return Err(self.parser.error("nesting too deep"));
        }
        self.spaces();
        let value = match self.peek() {
            Some(b'[') => self.seq(),
            Some(b'{') => self.map(),
            Some(b'&') | Some(b'!') => {
                let start = self.pos;
                while self.pos < self.text.len() && !matches!(self.text[self.pos], b' ' | b'\n') {
                    self.pos += 1;
                }
                let property = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
                let value = self.node()?;
                if let Some(name) = property.strip_prefix('&') {
                    self.parser.anchor(name.to_string(), &value);
                }
                Ok(value)
            }
            Some(b'*') => {
                let start = self.pos + 1;
                while self.pos < self.text.len() && !matches!(self.text[self.pos], b' ' | b'\n' | b',' | b']' | b'}') {
                    self.pos += 1;
                }
                let name = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
                self.parser.alias(&name)
            }
            Some(b'"') | Some(b'\'') => self.quoted(),
            _ => Ok(self.plain(false)),
        };
        self.parser.depth -= 1;
        value
    }

    fn quoted(&mut self) -> Result<Value, String> {
        let quote = self.text[self.pos];
        let start = self.pos + 1;
        let mut i = start;
        loop {
            match self.text.get(i) {
                None => return Err(self.parser.error("a quoted string that is not closed")),
                Some(b'\\') if quote == b'"' => i += 2,
                Some(&b) if b == quote => {
                    if quote == b'\'' && self.text.get(i + 1) == Some(&b'\'') {
                        i += 2;
                    } else {
                        break;
                    }
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        let body = String::from_utf8_lossy(&self.text[start..i]).into_owned();
        if quote == b'"' {
            unescape_double(&body).map(Value::String).map_err(|e| self.parser.error(&e))
        } else {
            Ok(Value::String(fold_lines(&body, false).replace("''", "'")))
        }
    }

    /// A plain scalar, ending (in flow context) at `,`, `]`, `}` or `: `, or (outside) at the end.
    fn plain(&mut self, in_flow: bool) -> Value {
        let start = self.pos;
        while let Some(b) = self.peek() {
            let ends_key =
                b == b':' && matches!(self.text.get(self.pos + 1), None | Some(b' ' | b'\n' | b',' | b']' | b'}'));
            if in_flow && (matches!(b, b',' | b']' | b'}') || ends_key) {
                break;
            }
            if b == b'#' && self.pos > start && matches!(self.text[self.pos - 1], b' ' | b'\n') {
                break;
            }
            self.pos += 1;
        }
        let raw = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
        let folded = fold_lines(raw.trim(), false);
        resolve(&folded)
    }

    fn seq(&mut self) -> Result<Value, String> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.spaces();
            match self.peek() {
                None => return Err(self.parser.error("a `[` that is not closed")),
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Seq(items));
                }
                _ => {}
            }
            let item = self.flow_node()?;
            items.push(item);
            self.spaces();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {}
                _ => return Err(self.parser.error("expected `,` or `]`")),
            }
        }
    }

    fn map(&mut self) -> Result<Value, String> {
        self.pos += 1;
        let mut members = Members::default();
        loop {
            self.spaces();
            match self.peek() {
                None => return Err(self.parser.error("a `{` that is not closed")),
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Map(members.list));
                }
                _ => {}
            }
            let key = self.flow_node()?.into_key();
            self.spaces();
            let value = if self.peek() == Some(b':') {
                self.pos += 1;
                self.spaces();
                if matches!(self.peek(), Some(b',' | b'}')) {
                    Value::Null
                } else {
                    self.flow_node()?
                }
            } else {
                Value::Null
            };
            members.insert(key, value);
            self.spaces();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                _ => return Err(self.parser.error("expected `,` or `}`")),
            }
        }
    }

    /// A node inside a flow collection.
    fn flow_node(&mut self) -> Result<Value, String> {
        self.spaces();
        match self.peek() {
            Some(b'[' | b'{' | b'"' | b'\'' | b'&' | b'!' | b'*') => self.node(),
            _ => Ok(self.plain(true)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value as Json};

    fn parse(text: &str) -> Json {
        serde_json::from_str(&to_json(text).unwrap_or_else(|e| panic!("{e}"))).unwrap()
    }

    #[test]
    fn block_structure_as_pyyaml_writes_it() {
        let text = "---\nversion: '0.1' # a comment\nscenario:\n  load:\n    name: inference-perf\n    args:\n      qps_values: 1.34\n  host:\n    type:\n      - prefill\n      - decode\nstages:\n- rate: 2.0\n  duration: 4\n- rate: 5.0\n  duration: null\nempty: {}\nlist: []\n";
        assert_eq!(
            parse(text),
            json!({"version": "0.1", "scenario": {"load": {"name": "inference-perf", "args": {"qps_values": 1.34}},
                   "host": {"type": ["prefill", "decode"]}},
                   "stages": [{"rate": 2.0, "duration": 4}, {"rate": 5.0, "duration": null}], "empty": {}, "list": []})
        );
    }

    #[test]
    fn scalars_by_the_core_schema() {
        let text = "a: ~\nb: Null\nc: true\nd: 0.2\ne: 0.2.1\nf: .inf\ng: -.inf\nh: .nan\ni: 1e3\nj: -7\nk: yes\nl: 2025-11-05T18:00:42Z\nm: \"--dtype\"\nn: 'it''s'\no: \"tab\\tquote\\\" \\u00e9\"\np: 007\n\"--dtype\": fp16\nq: a#b\nr: a #c\n";
        assert_eq!(
            parse(text),
            json!({"a": null, "b": null, "c": true, "d": 0.2, "e": "0.2.1", "f": "inf", "g": "-inf", "h": "nan",
                   "i": 1000.0, "j": -7, "k": "yes", "l": "2025-11-05T18:00:42Z", "m": "--dtype", "n": "it's",
                   "o": "tab\tquote\" é", "p": 7, "--dtype": "fp16", "q": "a#b", "r": "a"})
        );
    }

    #[test]
    fn folded_scalars_flow_collections_anchors_and_tags() {
        let text = "description: a long text that PyYAML\n  folds over two lines\nquoted: \"one\n  two\\\n  three\"\nflow: [1, 'a, b', {x: 1, y: [2, 3]},\n  4]\nbase: &id001\n  k: v\ncopy: *id001\ntuple: !!python/tuple\n- 1\n- 2\nliteral: |\n  line 1\n  line 2\nfolded: >-\n  a\n  b\n";
        assert_eq!(
            parse(text),
            json!({"description": "a long text that PyYAML folds over two lines", "quoted": "one twothree",
                   "flow": [1, "a, b", {"x": 1, "y": [2, 3]}, 4], "base": {"k": "v"}, "copy": {"k": "v"},
                   "tuple": [1, 2], "literal": "line 1\nline 2\n", "folded": "a b"})
        );
    }

    #[test]
    fn sequences_of_mappings_and_nested_items() {
        let text = "items:\n  - name: a\n    values:\n    - 1\n    - 2\n  - name: b\n  - - x\n    - y\n  -\n    z: 1\n";
        assert_eq!(
            parse(text),
            json!({"items": [{"name": "a", "values": [1, 2]}, {"name": "b"}, ["x", "y"], {"z": 1}]})
        );
        assert_eq!(parse("- a\n- b\n"), json!(["a", "b"]));
        assert_eq!(parse("just text\n"), json!("just text"));
        assert_eq!(parse(""), json!(null));
        assert_eq!(parse("a: 1\n---\nb: 2\n"), json!({"a": 1}));
    }

    #[test]
    fn broken_yaml_is_an_error_with_its_line() {
        for (text, line) in [("a: [1, 2\n", 1), ("a: \"open\n", 1), ("a: 1\n  b: 2\n", 2), ("a: *missing\n", 1)] {
            let err = to_json(text).unwrap_err();
            assert!(err.starts_with("not valid YAML") && err.contains(&format!("line {line}")), "{text:?}: {err}");
        }
    }

    #[test]
    fn no_panic_on_arbitrary_text() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let alphabet = b"ab:- \n#'\"[]{},&*!|>\\.0123e~\t";
        for len in 0..600 {
            let text: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize] as char
                })
                .collect();
            if let Ok(json) = to_json(&text) {
                serde_json::from_str::<Json>(&json)
                    .unwrap_or_else(|e| panic!("{text:?} gave invalid JSON {json}: {e}"));
            }
        }
        assert!(to_json(&"[".repeat(10_000)).is_err());
        assert!(to_json(&"- ".repeat(10_000)).is_err());
    }

    /// Found by fuzzing (fuzz/fuzz_targets/read.rs): a value over many lines (a long quoted or plain text
    /// folded over lines, a long flow list) took time quadratic in its lines, each line rereading all
    /// before it: 3 s for half a megabyte, minutes for a few. Here 1 to 3 MB, read in well under a second.
    #[test]
    fn values_over_many_lines_take_linear_time() {
        let words: Vec<String> = (0..100_000).map(|i| format!("word{i:06} w")).collect();
        let lines: Vec<String> = words.chunks(6).map(|line| line.join(" ")).collect();
        let numbers: Vec<String> = (0..60_000).map(|i| format!("  {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i},")).collect();
        for text in [
            format!("text: \"{}\"\n", lines.join("\n  ")),
            format!("text: '{}'\n", lines.join("\n  ")),
            format!("text: {}\n", lines.join("\n  ")),
            format!("values: [\n{}\n  0]\n", numbers.join("\n")),
        ] {
            let started = std::time::Instant::now();
            let json = to_json(&text).unwrap_or_else(|e| panic!("{e}"));
            assert!(json.len() > 1_000_000);
            assert!(started.elapsed().as_secs_f64() < 2.0, "{:?} for {} bytes", started.elapsed(), text.len());
        }
    }

    /// Aliases of aliases, ten times each over nine levels: 10^9 copies from 500 bytes, which took all
    /// memory; refused once they copy far more than the file holds, as aliases that copy little still read.
    #[test]
    fn aliases_that_multiply_are_refused() {
        let mut text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_string();
        for i in 1..9 {
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", ")));
        }
        let started = std::time::Instant::now();
        let err = to_json(&text).unwrap_err();
        assert!(err.contains("billion laughs"), "{err}");
        assert!(started.elapsed().as_secs_f64() < 1.0, "{:?}", started.elapsed());
        let copies: String = (0..10_000).map(|i| format!("run{i}: *defaults\n")).collect();
        let json = to_json(&format!("base: &defaults {{rate: 2.0, duration: 60, model: a-model-name}}\n{copies}"));
        assert!(json.unwrap().ends_with(r#""run9999":{"rate":2.0,"duration":60,"model":"a-model-name"}}"#));
    }

    /// A mapping's keys were checked for repeats one by one against every key before: a mapping of 50,000
    /// keys (680 KB) took 3 s. A repeated key still replaces the value where the key first stood.
    #[test]
    fn mappings_of_many_keys_take_linear_time() {
        assert_eq!(parse("a: 1\nb: 2\na: 3\n"), json!({"a": 3, "b": 2}));
        assert_eq!(to_json("{a: 1, b: 2, a: 3}").unwrap(), r#"{"a":3,"b":2}"#);
        let block: String = (0..300_000).map(|i| format!("key{i}: {i}\n")).collect();
        let flow = format!("{{{}}}", (0..300_000).map(|i| format!("key{i}: {i}")).collect::<Vec<_>>().join(", "));
        for text in [block, flow] {
            let started = std::time::Instant::now();
            let json = to_json(&text).unwrap_or_else(|e| panic!("{e}"));
            assert!(json.ends_with(r#""key299999":299999}"#), "{}", &json[json.len() - 40..]);
            assert!(started.elapsed().as_secs_f64() < 2.0, "{:?} for {} bytes", started.elapsed(), text.len());
        }
    }
}
