//! Parsing of one LMBench CSV from its bytes: columns found by header name, rows that can't be used
//! skipped with a warning naming the line, and a file-level error when nothing in it can be used.

use crate::metric::Request;
use crate::warning::Warning;

/// The columns every result file must have.
pub const REQUIRED_COLUMNS: [&str; 6] =
    ["prompt_tokens", "generation_tokens", "ttft", "generation_time", "launch_time", "finish_time"];

/// How many skipped rows of one file are reported line by line; the rest are counted in one warning.
pub const MAX_ROW_WARNINGS_PER_FILE: usize = 20;

/// The requests of one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedFile {
    pub requests: Vec<Request>,
    /// Earliest launch and latest finish over the usable rows (Unix seconds); NaN when there are none.
    pub first_launch: f64,
    pub last_finish: f64,
    /// Rows that could not be used.
    pub skipped_rows: usize,
    /// One warning per skipped row (up to [`MAX_ROW_WARNINGS_PER_FILE`], then a count), and a file-level
    /// warning when no row was usable.
    pub warnings: Vec<Warning>,
}

impl ParsedFile {
    /// Wall-clock span of the file's requests: last finish minus first launch.
    pub fn duration_s(&self) -> f64 {
        self.last_finish - self.first_launch
    }
}

/// Parses a result file. `path` is only used in messages. An `Err` means the file as a whole can't be used.
pub fn parse_csv(path: &str, bytes: &[u8]) -> Result<ParsedFile, Warning> {
    let text = decode(path, bytes)?;
    let (mut parser, rows) = CsvParser::new(path, text)?;
    parser.feed(rows);
    parser.finish()
}

/// The file's text: without a UTF-8 BOM, checked to be UTF-8 and not blank.
pub fn decode<'a>(path: &str, bytes: &'a [u8]) -> Result<&'a str, Warning> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
        Warning::line(path, line, "not UTF-8 text: is this really a CSV file?")
    })?;
    if text.trim().is_empty() {
        return Err(Warning::file(path, "the file is empty"));
    }
    Ok(text)
}

/// Splits `text` into pieces of whole lines of about `size` bytes, so that a caller can parse a large file
/// a piece at a time (the browser does, to keep the page responsive).
pub fn pieces(text: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let cut = match rest.as_bytes().get(size..).and_then(|tail| tail.iter().position(|&b| b == b'\n')) {
            Some(newline) => size + newline + 1,
            None => rest.len(),
        };
        let (piece, tail) = rest.split_at(cut);
        rest = tail;
        Some(piece)
    })
}

/// A parser fed with the data rows of one file, piece by piece (each piece whole lines, in order).
#[derive(Debug)]
pub struct CsvParser {
    path: String,
    /// For each column, which required value it holds, if any.
    slots: Vec<Option<usize>>,
    quoted: bool,
    next_line: usize,
    rows: usize,
    parsed: ParsedFile,
}

impl CsvParser {
    /// Reads the header of `text` (as from [`decode`]); returns the parser and the data rows still to feed.
    pub fn new<'t>(path: &str, text: &'t str) -> Result<(CsvParser, &'t str), Warning> {
        let mut offset = 0;
        let mut line_number = 0;
        let header = loop {
            line_number += 1;
            let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
            let line = text[offset..end].strip_suffix('\r').unwrap_or(&text[offset..end]);
            offset = (end + 1).min(text.len());
            if !line.trim().is_empty() {
                break line;
            }
        };
        let quoted = text.contains('"');
        let names: Vec<&str> = fields(header, quoted).map(unquote).collect();
        let mut slots: Vec<Option<usize>> = vec![None; names.len()];
        let mut missing = Vec::new();
        for (slot, required) in REQUIRED_COLUMNS.into_iter().enumerate() {
            match names.iter().position(|name| *name == required) {
                Some(i) => slots[i] = Some(slot),
                None => missing.push(format!("`{required}`")),
            }
        }
        if !missing.is_empty() {
            let s = if missing.len() == 1 { "" } else { "s" };
            return Err(Warning::line(
                path,
                line_number,
                format!("missing required column{s} {} (the header is `{}`)", missing.join(", "), header.trim()),
            ));
        }
        let parsed = ParsedFile { first_launch: f64::INFINITY, last_finish: f64::NEG_INFINITY, ..Default::default() };
        let parser = CsvParser { path: path.to_string(), slots, quoted, next_line: line_number + 1, rows: 0, parsed };
        Ok((parser, &text[offset..]))
    }

    /// Parses whole lines that follow what was fed before.
    pub fn feed(&mut self, lines: &str) {
        let lines = lines.strip_suffix('\n').unwrap_or(lines);
        if lines.is_empty() {
            return;
        }
        for line in lines.split('\n') {
            let line_number = self.next_line;
            self.next_line += 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim_ascii().is_empty() {
                continue;
            }
            self.rows += 1;
            let parsed = &mut self.parsed;
            match parse_row(fields(line, self.quoted), &self.slots) {
                Ok([prompt_tokens, generation_tokens, ttft, generation_time, launch, finish]) => {
                    parsed.requests.push(Request {
                        prompt_tokens,
                        generation_tokens,
                        ttft,
                        generation_time,
                        launch_time: launch,
                    });
                    parsed.first_launch = parsed.first_launch.min(launch);
                    parsed.last_finish = parsed.last_finish.max(finish);
                }
                Err(message) => {
                    parsed.skipped_rows += 1;
                    if parsed.skipped_rows <= MAX_ROW_WARNINGS_PER_FILE {
                        parsed.warnings.push(Warning::line(&self.path, line_number, format!("row skipped: {message}")));
                    }
                }
            }
        }
    }

    /// The parsed file; an `Err` when it had no data row at all.
    pub fn finish(self) -> Result<ParsedFile, Warning> {
        let CsvParser { path, rows, mut parsed, .. } = self;
        let path = path.as_str();
        if rows == 0 {
            return Err(Warning::file(path, "no data rows, only a header"));
        }
        if parsed.skipped_rows > MAX_ROW_WARNINGS_PER_FILE {
            let more = parsed.skipped_rows - MAX_ROW_WARNINGS_PER_FILE;
            parsed.warnings.push(Warning::file(path, format!("{more} more rows skipped (not listed one by one)")));
        }
        if parsed.requests.is_empty() {
            parsed.first_launch = f64::NAN;
            parsed.last_finish = f64::NAN;
            parsed.warnings.push(Warning::file(path, format!("no usable rows: all {rows} rows were skipped")));
        }
        Ok(parsed)
    }
}

/// The six required values of a row, in [`REQUIRED_COLUMNS`] order; `slots` maps each column to the
/// required value it holds. A wrong field count is reported before a bad value.
fn parse_row<'a>(fields: impl Iterator<Item = &'a str>, slots: &[Option<usize>]) -> Result<[f64; 6], String> {
    let mut values = [0.0; 6];
    let mut first_error = None;
    let mut count = 0;
    for field in fields {
        if let Some(&Some(slot)) = slots.get(count) {
            if first_error.is_none() {
                match parse_value(unquote(field), REQUIRED_COLUMNS[slot]) {
                    Ok(value) => values[slot] = value,
                    Err(message) => first_error = Some(message),
                }
            }
        }
        count += 1;
    }
    if count != slots.len() {
        return Err(format!("expected {} fields as in the header, found {count}", slots.len()));
    }
    first_error.map_or(Ok(values), Err)
}

fn parse_value(text: &str, name: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_nan() || v.is_infinite() => Err(format!("`{name}` is `{text}`, not a finite number")),
        Ok(v) if v < 0.0 => Err(format!("`{name}` is negative ({text})")),
        Ok(v) => Ok(v),
        Err(_) if text.is_empty() => Err(format!("`{name}` is empty")),
        Err(_) => Err(format!("`{name}` is not a number: `{}`", truncate(text, 40))),
    }
}

/// The fields of a line, split at commas; in a file with quotes, commas inside double quotes don't split.
fn fields(line: &str, quoted: bool) -> impl Iterator<Item = &str> {
    let mut plain = (!quoted).then(|| line.split(','));
    let mut rest = quoted.then_some(line);
    std::iter::from_fn(move || match plain.as_mut() {
        Some(split) => split.next(),
        None => {
            let text = rest?;
            let mut in_quotes = false;
            let end = text.bytes().position(|b| {
                in_quotes ^= b == b'"';
                b == b',' && !in_quotes
            });
            match end {
                Some(end) => {
                    rest = Some(&text[end + 1..]);
                    Some(&text[..end])
                }
                None => {
                    rest = None;
                    Some(text)
                }
            }
        }
    })
}

fn unquote(field: &str) -> &str {
    let field = field.trim_ascii();
    field.strip_prefix('"').and_then(|f| f.strip_suffix('"')).map_or(field, str::trim_ascii)
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time";

    fn ok(text: &str) -> ParsedFile {
        parse_csv("d/f.csv", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn err(bytes: &[u8]) -> String {
        parse_csv("d/f.csv", bytes).expect_err("should fail").to_string()
    }

    #[test]
    fn float_token_counts_and_extra_columns() {
        let p =
            ok("prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time\n\
                    76.0,20.0,0.04,0.52,1203,1,100.5,101.1\n77,21,0.05,0.53,1204,1,99.0,100.0\n");
        assert_eq!(p.requests.len(), 2);
        assert_eq!(p.requests[0].prompt_tokens, 76.0);
        assert_eq!(p.requests[1].generation_tokens, 21.0);
        assert_eq!(p.requests[0].launch_time, 100.5);
        assert_eq!((p.first_launch, p.last_finish), (99.0, 101.1));
        assert!((p.duration_s() - 2.1).abs() < 1e-9);
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn bom_crlf_and_any_column_order() {
        let text = "\u{FEFF}finish_time,launch_time,generation_time,ttft,generation_tokens,prompt_tokens\r\n\
                    10,5,4,1,3,2\r\n";
        let p = ok(text);
        assert_eq!(p.requests.len(), 1);
        let r = p.requests[0];
        assert_eq!((r.prompt_tokens, r.generation_tokens, r.ttft, r.generation_time), (2.0, 3.0, 1.0, 4.0));
        assert_eq!((p.first_launch, p.last_finish), (5.0, 10.0));
    }

    #[test]
    fn quoted_fields() {
        let p = ok(&format!("{HEADER},note\n\"1\",\"2\",0.1,0.2,3,4,\"a, b\"\n"));
        assert_eq!(p.requests.len(), 1);
        assert_eq!(p.requests[0].prompt_tokens, 1.0);
    }

    #[test]
    fn every_kind_of_bad_row_is_skipped_with_its_line() {
        let text = format!(
            "{HEADER}\n1,2,0.1,0.2,3,4\n1,2,0.1\n1,2,abc,0.2,3,4\n1,2,NaN,0.2,3,4\n1,2,inf,0.2,3,4\n\
             1,2,-0.1,0.2,3,4\n1,2,,0.2,3,4\n\n1,2,0.1,0.2,3,4,5\n5,6,0.3,0.4,5,9\n"
        );
        let p = ok(&text);
        assert_eq!(p.requests.len(), 2);
        assert_eq!(p.skipped_rows, 7);
        let lines: Vec<_> = p.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            lines,
            [
                "d/f.csv:3: row skipped: expected 6 fields as in the header, found 3",
                "d/f.csv:4: row skipped: `ttft` is not a number: `abc`",
                "d/f.csv:5: row skipped: `ttft` is `NaN`, not a finite number",
                "d/f.csv:6: row skipped: `ttft` is `inf`, not a finite number",
                "d/f.csv:7: row skipped: `ttft` is negative (-0.1)",
                "d/f.csv:8: row skipped: `ttft` is empty",
                "d/f.csv:10: row skipped: expected 6 fields as in the header, found 7",
            ]
        );
    }

    #[test]
    fn many_bad_rows_are_counted_not_all_listed() {
        let mut text = format!("{HEADER}\n");
        for _ in 0..100 {
            text.push_str("x,2,0.1,0.2,3,4\n");
        }
        text.push_str("1,2,0.1,0.2,3,4\n");
        let p = ok(&text);
        assert_eq!(p.skipped_rows, 100);
        assert_eq!(p.warnings.len(), MAX_ROW_WARNINGS_PER_FILE + 1);
        assert_eq!(p.warnings.last().unwrap().to_string(), "d/f.csv: 80 more rows skipped (not listed one by one)");
    }

    #[test]
    fn file_with_only_bad_rows_has_no_requests_and_says_so() {
        let p = ok(&format!("{HEADER}\n1,2\n"));
        assert!(p.requests.is_empty());
        assert_eq!(p.warnings.last().unwrap().to_string(), "d/f.csv: no usable rows: all 1 rows were skipped");
    }

    #[test]
    fn bad_files() {
        assert_eq!(err(b""), "d/f.csv: the file is empty");
        assert_eq!(err(b" \r\n\n"), "d/f.csv: the file is empty");
        assert_eq!(err(format!("{HEADER}\n").as_bytes()), "d/f.csv: no data rows, only a header");
        assert_eq!(err(format!("{HEADER}\r\n\r\n").as_bytes()), "d/f.csv: no data rows, only a header");
        assert_eq!(
            err(b"prompt_tokens,generation_tokens,ttft,launch_time\n1,2,3,4\n"),
            "d/f.csv:1: missing required columns `generation_time`, `finish_time` \
             (the header is `prompt_tokens,generation_tokens,ttft,launch_time`)"
        );
        assert_eq!(err(b"a,b\n1,2\n\xff\xfe"), "d/f.csv:3: not UTF-8 text: is this really a CSV file?");
    }

    #[test]
    fn parsing_in_pieces_equals_parsing_whole() {
        let mut text = format!("\r\n{HEADER}\r\n");
        for i in 0..500 {
            text.push_str(&format!("{i},{},0.{i},1.5,{i},{}\r\n", i % 7, i + 2));
            if i % 97 == 0 {
                text.push_str("bad,row\n\n");
            }
        }
        let whole = parse_csv("p", text.as_bytes()).unwrap();
        assert_eq!(whole.requests.len(), 500);
        for size in [1, 10, 100, 4096] {
            let (mut parser, rows) = CsvParser::new("p", &text).unwrap();
            let chunks: Vec<&str> = pieces(rows, size).collect();
            assert_eq!(chunks.concat(), rows);
            assert!(chunks.iter().all(|c| c.ends_with('\n')));
            for piece in chunks {
                parser.feed(piece);
            }
            assert_eq!(parser.finish().unwrap(), whole, "pieces of {size}");
        }
        assert_eq!(whole.warnings[0].to_string(), "p:4: row skipped: expected 6 fields as in the header, found 2");
    }

    #[test]
    fn no_panic_on_arbitrary_bytes() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let alphabet = b"0123456789.,-\n\r\"eE ,naif\xff\xc3";
        for len in 0..400 {
            let mut bytes = HEADER.as_bytes().to_vec();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                bytes.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let _ = parse_csv("x", &bytes);
            let _ = parse_csv("x", &bytes[HEADER.len()..]);
        }
    }
}
