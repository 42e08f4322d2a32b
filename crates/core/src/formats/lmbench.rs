//! LMBench per-request CSVs: columns found by header name, one request per record; the scenario and QPS
//! come from the file name (`LMBench_<scenario>_<qps>.csv`, `LMBench_<scenario>_qps<qps>.csv`).
//! Parsed with `csv-core` a slice at a time, so that the page can parse large files between repaints.

use super::{checked, usable, FileRead, Found};
use crate::decimal;
use crate::model::{Body, Format, Load, Request, RequestLog, RunData};
use crate::text::shown;
use crate::warning::Warning;
use csv_core::{ReadRecordResult, Reader};

thread_local! {
    /// A CSV reader built before and free again. Building one computes its automaton, most of the cost of
    /// reading a one-row file; and csv-core's `Clone` does not copy the automaton whole.
    static SPARE_CSV_READER: std::cell::Cell<Option<Reader>> = const { std::cell::Cell::new(None) };
}

/// A CSV reader in its initial state; give it back with [`free_csv_reader`].
// `Reader::default()` is not `Reader::new()`: it lacks the automaton, and reads nothing.
#[allow(clippy::unwrap_or_default)]
pub(crate) fn csv_reader() -> Reader {
    SPARE_CSV_READER.take().unwrap_or_else(Reader::new)
}

/// Keeps `reader` for the next [`csv_reader`].
pub(crate) fn free_csv_reader(mut reader: Reader) {
    reader.reset();
    SPARE_CSV_READER.set(Some(reader));
}

/// The high bit of each byte of a word, and `-` in each byte (see [`LmbenchReader::plain_record`]).
const HIGH: u64 = 0x8080_8080_8080_8080;
const BELOW: u64 = 0x2D2D_2D2D_2D2D_2D2D;

/// The columns every LMBench file has.
pub const REQUIRED_COLUMNS: [&str; 6] =
    ["prompt_tokens", "generation_tokens", "ttft", "generation_time", "launch_time", "finish_time"];

/// How many skipped rows of one file are reported line by line; the rest are counted in one warning.
pub const MAX_ROW_WARNINGS_PER_FILE: usize = 20;

/// The longest record kept: a row is about 100 bytes, and one longer than this (a file that is one huge
/// line, say) is skipped without being held in memory.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// The most fields a record may have, for the same reason.
const MAX_FIELDS: usize = 1 << 12;

/// Whether a CSV header (its first record's fields) is LMBench's: it has every required column.
pub fn is_lmbench_header(fields: &[&str]) -> bool {
    REQUIRED_COLUMNS.iter().all(|c| fields.contains(c))
}

/// The scenario and QPS a file name gives, or what is wrong with the name.
pub fn name_key(file_name: &str) -> Result<(String, f64), String> {
    const EXPECTED: &str = "expected LMBench_<scenario>_<qps>.csv or LMBench_<scenario>_qps<qps>.csv";
    let stem = match file_name.len().checked_sub(4).and_then(|cut| file_name.get(cut..).map(|ext| (cut, ext))) {
        Some((cut, ext)) if ext.eq_ignore_ascii_case(".csv") => &file_name[..cut],
        _ => file_name,
    };
    let Some(rest) = stem.strip_prefix("LMBench_") else {
        return Err(format!("the name does not start with LMBench_ ({EXPECTED})"));
    };
    let Some((scenario, qps_text)) = rest.rsplit_once('_') else {
        return Err(format!("no QPS after the scenario in the name ({EXPECTED})"));
    };
    let qps_text = qps_text.strip_prefix("qps").unwrap_or(qps_text);
    let qps = match decimal::parse(qps_text) {
        Some(qps) if qps.is_finite() && qps > 0.0 && !qps_text.starts_with(['+', '-']) => qps,
        _ => return Err(format!("`{}` in the name is not a positive QPS ({EXPECTED})", shown(qps_text))),
    };
    let scenario = scenario.strip_suffix("_output").unwrap_or(scenario);
    if scenario.is_empty() {
        return Err(format!("the scenario in the name is empty ({EXPECTED})"));
    }
    Ok((scenario.to_string(), qps))
}

/// An LMBench file being parsed, a slice at a time: see [`LmbenchReader::step`].
#[derive(Debug)]
pub struct LmbenchReader {
    path: String,
    scenario: String,
    qps: f64,
    text: Vec<u8>,
    pos: usize,
    csv: Reader,
    record: Vec<u8>,
    ends: Vec<usize>,
    record_len: usize,
    ends_len: usize,
    /// Where the record taken without csv-core starts in the text (see [`LmbenchReader::plain_record`]).
    plain_from: Option<usize>,
    /// Line ends in the text up to `counted_to`, and the line where the record being read started.
    lines_before: usize,
    counted_to: usize,
    record_line: usize,
    in_record: bool,
    /// Whether the record being read outgrew [`MAX_RECORD_BYTES`] or [`MAX_FIELDS`]: its bytes are dropped.
    oversized: bool,
    /// For each column, which required value it holds, if any; empty until the header is read.
    slots: Vec<Option<usize>>,
    rows: usize,
    skipped: usize,
    requests: Vec<Request>,
    warnings: Vec<Warning>,
}

impl LmbenchReader {
    /// Starts on `text` (UTF-8, without BOM), a file named with `key`.
    pub fn new(path: &str, key: (String, f64), text: Vec<u8>, start: usize) -> LmbenchReader {
        // About one request per line, lines about as long as the first two: reserving that spares the
        // copies of a growing vector without a pass over the text.
        let head = text.len().min(start + 4096);
        let second_line_end = text[start..head].iter().enumerate().filter(|(_, &b)| b == b'\n').nth(1).map(|(i, _)| i);
        let lines = second_line_end.map_or(0, |end| (text.len() - start) / end.div_ceil(2).max(8) * 5 / 4);
        LmbenchReader {
            path: path.to_string(),
            scenario: key.0,
            qps: key.1,
            text,
            pos: start,
            csv: csv_reader(),
            record: vec![0; 256],
            ends: vec![0; 16],
            record_len: 0,
            ends_len: 0,
            plain_from: None,
            lines_before: 0,
            counted_to: start,
            record_line: 0,
            in_record: false,
            oversized: false,
            slots: Vec::new(),
            rows: 0,
            skipped: 0,
            requests: Vec::with_capacity(lines),
            warnings: Vec::new(),
        }
    }

    /// The share of the file parsed so far.
    pub fn progress(&self) -> f64 {
        if self.text.is_empty() {
            1.0
        } else {
            self.pos as f64 / self.text.len() as f64
        }
    }

    /// Parses about `budget` bytes; the outcome once the whole file is parsed.
    pub fn step(&mut self, budget: usize) -> Option<FileRead> {
        let stop = self.pos.saturating_add(budget.max(1)).min(self.text.len());
        loop {
            let at_end = self.pos >= self.text.len();
            if !self.in_record && !at_end {
                self.start_record();
                if self.plain_record(stop) {
                    if let Err(warning) = self.take_record() {
                        return Some(FileRead::failed(warning));
                    }
                    continue;
                }
            }
            let input = if at_end { &[][..] } else { &self.text[self.pos..stop.max(self.pos)] };
            if input.is_empty() && !at_end {
                return None;
            }
            let (result, read, written, ended) =
                self.csv.read_record(input, &mut self.record[self.record_len..], &mut self.ends[self.ends_len..]);
            self.pos += read;
            self.record_len += written;
            self.ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty => {
                    if !at_end {
                        return None;
                    }
                }
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull
                    if self.record.len() >= MAX_RECORD_BYTES || self.ends.len() >= MAX_FIELDS =>
                {
                    // Read on to the record's end, writing over what it had.
                    self.oversized = true;
                    self.record_len = 0;
                    self.ends_len = 0;
                }
                ReadRecordResult::OutputFull => self.record.resize(self.record.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    if let Err(warning) = self.take_record() {
                        return Some(FileRead::failed(warning));
                    }
                }
                ReadRecordResult::End => return Some(self.finish()),
            }
        }
    }

    /// Notes the line where the next record starts: after the line ends that precede it, which csv-core
    /// skips.
    fn start_record(&mut self) {
        let newlines =
            self.text[self.pos..].iter().take_while(|&&b| b == b'\n' || b == b'\r').filter(|&&b| b == b'\n').count();
        self.record_line = self.lines_before + newlines + 1;
        self.in_record = true;
    }

    /// Takes the next row as csv-core would, without it, when it is a plain line: whole before `stop`, no
    /// quote, no `\r` but before its `\n`, and shorter than the buffers csv-core has (so that it would
    /// not have grown them, nor found the row oversized). Most rows
    /// are, and their fields are then read where they lie in the text: csv-core's automaton, which takes a
    /// byte at a time and copies each field, was a third of reading an LMBench CSV. After a record
    /// csv-core is in a state that reads on as at a file's start (line ends skipped), so the rows it reads
    /// after these are read as if it had read these too. False when csv-core must read the row.
    fn plain_record(&mut self, stop: usize) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let rest = &self.text[self.pos..stop.max(self.pos)];
        let Some(start) = rest.iter().position(|&b| b != b'\n' && b != b'\r') else { return false };
        let mut ended = 0;
        // Only bytes below `-` can end a field or make the row not plain (`,`, `\n`, `\r`, `"`; spaces and
        // `+` are rare), found eight at a time: a byte's test took a fifth of reading an LMBench CSV.
        let mut chunk = start;
        while chunk < rest.len() {
            let mut candidates = match rest.get(chunk..chunk + 8) {
                // Exact for ASCII (no borrow crosses a byte with its high bit set first); some other bytes
                // are candidates too, and pass below.
                Some(bytes) => !((u64::from_le_bytes(bytes.try_into().unwrap_or_default()) | HIGH) - BELOW) & HIGH,
                None => HIGH >> (8 * (8 - (rest.len() - chunk))),
            };
            while candidates != 0 {
                let at = chunk + (candidates.trailing_zeros() / 8) as usize;
                candidates &= candidates - 1;
                match rest[at] {
                    b',' if ended + 1 < self.ends.len() => {
                        self.ends[ended] = at - start;
                        ended += 1;
                    }
                    byte @ (b'\n' | b'\r') if at - start < self.record.len() => {
                        let crlf = byte == b'\r';
                        if crlf && rest.get(at + 1) != Some(&b'\n') {
                            return false;
                        }
                        self.ends[ended] = at - start;
                        self.ends_len = ended + 1;
                        self.plain_from = Some(self.pos + start);
                        self.pos += at + 1 + usize::from(crlf);
                        // The line ends before the record, counted by `start_record`, and its own.
                        self.lines_before = self.record_line;
                        self.counted_to = self.pos;
                        return true;
                    }
                    b',' | b'\n' | b'\r' | b'"' => return false,
                    _ => {}
                }
            }
            chunk += 8;
        }
        false
    }

    fn take_record(&mut self) -> Result<(), Warning> {
        let line = self.record_line;
        self.lines_before += memchr::memchr_iter(b'\n', &self.text[self.counted_to..self.pos]).count();
        self.counted_to = self.pos;
        self.in_record = false;
        let outcome = if std::mem::take(&mut self.oversized) {
            let too_long = format!("longer than {} MiB or {MAX_FIELDS} fields", MAX_RECORD_BYTES >> 20);
            if self.slots.is_empty() {
                Err(Warning::line(&self.path, line, format!("the header is {too_long}: not an LMBench file")))
            } else {
                self.rows += 1;
                self.skip(line, too_long);
                Ok(())
            }
        } else {
            self.take_fields(line)
        };
        self.record_len = 0;
        self.ends_len = 0;
        self.plain_from = None;
        outcome
    }

    /// Takes a whole record: the header, or a row.
    fn take_fields(&mut self, line: usize) -> Result<(), Warning> {
        let ends = &self.ends[..self.ends_len];
        let length = ends.last().copied().unwrap_or(0);
        let (record, delimited) = match self.plain_from {
            Some(from) => (&self.text[from..from + length], true),
            None => (&self.record[..length], false),
        };
        // The file was checked to be UTF-8, and fields end at ASCII delimiters: a record is text, checked
        // again whole rather than field by field (which took a tenth of reading an LMBench CSV).
        let fields = Fields { record: std::str::from_utf8(record).unwrap_or(""), ends, delimited };
        if fields.ends.len() == 1 && fields.get(0).trim().is_empty() {
            // A line of spaces (csv-core skips only empty lines).
            return Ok(());
        }
        if self.slots.is_empty() {
            let names: Vec<&str> = (0..fields.ends.len()).map(|i| fields.get(i)).collect();
            self.slots = header_slots(&names).map_err(|message| Warning::line(&self.path, line, message))?;
            return Ok(());
        }
        self.rows += 1;
        match row_values(&fields, &self.slots).and_then(|values| usable(request(values))) {
            Ok(request) => self.requests.push(request),
            Err(message) => self.skip(line, message),
        }
        Ok(())
    }

    /// Counts a skipped row, with a warning for the first few.
    fn skip(&mut self, line: usize, why: String) {
        self.skipped += 1;
        if self.skipped <= MAX_ROW_WARNINGS_PER_FILE {
            self.warnings.push(Warning::line(&self.path, line, format!("row skipped: {why}")));
        }
    }

    /// The file's bytes, given back once it is read.
    pub fn into_text(mut self) -> Vec<u8> {
        std::mem::take(&mut self.text)
    }

    fn finish(&mut self) -> FileRead {
        let path = self.path.as_str();
        if self.slots.is_empty() {
            return FileRead::failed(Warning::file(path, "the file is empty"));
        }
        if self.rows == 0 {
            return FileRead::failed(Warning::file(path, "no data rows, only a header"));
        }
        let mut warnings = std::mem::take(&mut self.warnings);
        if self.skipped > MAX_ROW_WARNINGS_PER_FILE {
            let more = self.skipped - MAX_ROW_WARNINGS_PER_FILE;
            warnings.push(Warning::file(path, format!("{more} more rows skipped (not listed one by one)")));
        }
        if self.requests.is_empty() {
            warnings.push(Warning::file(path, format!("no usable rows: all {} rows were skipped", self.rows)));
        }
        let mut requests = std::mem::take(&mut self.requests);
        requests.shrink_to_fit();
        let log = RequestLog { requests, ..RequestLog::default() };
        let mut run = RunData::new(Format::LmbenchCsv, Load::qps(self.qps), Body::Requests(log));
        run.scenario = Some(self.scenario.clone());
        run.skipped = self.skipped;
        FileRead { found: Found::Runs(vec![run]), warnings }
    }
}

impl Drop for LmbenchReader {
    fn drop(&mut self) {
        free_csv_reader(std::mem::take(&mut self.csv));
    }
}

/// For each column of the header, which required value it holds; or which columns are missing.
fn header_slots(names: &[&str]) -> Result<Vec<Option<usize>>, String> {
    let names: Vec<&str> = names.iter().map(|n| n.trim()).collect();
    let mut slots = vec![None; names.len()];
    let mut missing = Vec::new();
    for (slot, required) in REQUIRED_COLUMNS.into_iter().enumerate() {
        match names.iter().position(|name| *name == required) {
            Some(i) => slots[i] = Some(slot),
            None => missing.push(format!("`{required}`")),
        }
    }
    if missing.is_empty() {
        return Ok(slots);
    }
    let s = if missing.len() == 1 { "" } else { "s" };
    Err(format!("missing required column{s} {} (the header is `{}`)", missing.join(", "), shown(&names.join(","))))
}

/// The fields of one record: their bytes, and where each ends; one after another as csv-core leaves them,
/// or `delimited` by one byte each as in a plain line of the text.
struct Fields<'a> {
    record: &'a str,
    ends: &'a [usize],
    delimited: bool,
}

impl Fields<'_> {
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] + usize::from(self.delimited) };
        self.record.get(start..self.ends[i]).unwrap_or("")
    }
}

/// The six required values of a row, in [`REQUIRED_COLUMNS`] order. A wrong field count is reported
/// before a bad value.
fn row_values(fields: &Fields, slots: &[Option<usize>]) -> Result<[f64; 6], String> {
    if fields.ends.len() != slots.len() {
        return Err(format!("expected {} fields as in the header, found {}", slots.len(), fields.ends.len()));
    }
    let mut values = [0.0; 6];
    for (i, slot) in slots.iter().enumerate() {
        if let Some(slot) = *slot {
            values[slot] = parse_value(fields.get(i).trim(), REQUIRED_COLUMNS[slot])?;
        }
    }
    let [_, _, _, _, launch, finish] = values;
    if finish < launch {
        let number = crate::text::number;
        return Err(format!("`finish_time` ({}) is before `launch_time` ({})", number(finish), number(launch)));
    }
    Ok(values)
}

fn parse_value(text: &str, name: &str) -> Result<f64, String> {
    match decimal::parse(text) {
        Some(v) => checked(format_args!("`{name}`"), v),
        None if text.is_empty() => Err(format!("`{name}` is empty")),
        None => Err(format!("`{name}` is not a number: `{}`", shown(text))),
    }
}

fn request([prompt_tokens, generation_tokens, ttft, generation_time, launch, finish]: [f64; 6]) -> Request {
    Request {
        start: launch,
        end: finish,
        ttft,
        generation_time,
        input_tokens: prompt_tokens,
        output_tokens: generation_tokens,
        ..Request::UNKNOWN
    }
}

#[cfg(test)]
mod tests {
    use super::super::{read, Found, Reading};
    use super::*;

    const HEADER: &str = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time";

    fn log(run: &RunData) -> &RequestLog {
        match &run.body {
            Body::Requests(log) => log,
            other => panic!("{other:?}"),
        }
    }

    /// The run and the warnings of a file named `d/LMBench_s_2.csv`.
    fn ok(text: &str) -> (RunData, Vec<String>) {
        let read = read("d/LMBench_s_2.csv", text.as_bytes().to_vec());
        let warnings = read.warnings.iter().map(ToString::to_string).collect();
        match read.found {
            Found::Runs(mut runs) => (runs.remove(0), warnings),
            other => panic!("{other:?} {warnings:?}"),
        }
    }

    fn err(bytes: &[u8]) -> String {
        let read = read("d/LMBench_s_2.csv", bytes.to_vec());
        assert_eq!(read.found, Found::Nothing, "{:?}", read.warnings);
        read.warnings[0].to_string()
    }

    #[test]
    fn float_token_counts_and_extra_columns() {
        let (run, warnings) =
            ok("prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time\n\
             76.0,20.0,0.04,0.52,1203,1,100.5,101.1\n77,21,0.05,0.53,1204,1,99.0,100.0\n");
        assert!(warnings.is_empty());
        assert_eq!((run.scenario.as_deref(), run.load), (Some("s"), Load::qps(2.0)));
        let log = log(&run);
        assert_eq!(log.requests.len(), 2);
        assert_eq!((log.requests[0].input_tokens, log.requests[1].output_tokens), (76.0, 21.0));
        assert_eq!((log.requests[0].start, log.requests[0].end), (100.5, 101.1));
        assert!((log.duration_s().unwrap() - 2.1).abs() < 1e-9);
    }

    #[test]
    fn bom_crlf_and_any_column_order() {
        let (run, _) = ok(
            "\u{FEFF}finish_time,launch_time,generation_time,ttft,generation_tokens,prompt_tokens\r\n10,5,4,1,3,2\r\n",
        );
        let r = log(&run).requests[0];
        assert_eq!((r.input_tokens, r.output_tokens, r.ttft, r.generation_time), (2.0, 3.0, 1.0, 4.0));
        assert_eq!((r.start, r.end), (5.0, 10.0));
    }

    #[test]
    fn quoted_fields_may_hold_commas_and_line_ends() {
        let (run, warnings) = ok(&format!(
            "{HEADER},note\n\"1\",\"2\",0.1,0.2,3,4,\"a, b\"\n1,2,0.1,0.2,3,4,\"two\nlines\"\n1,2,x,0.2,3,4,y\n"
        ));
        assert_eq!(log(&run).requests.len(), 2);
        assert_eq!(log(&run).requests[0].input_tokens, 1.0);
        // The bad row starts on line 5: the quoted line end moved the count on.
        assert_eq!(warnings, ["d/LMBench_s_2.csv:5: row skipped: `ttft` is not a number: `x`"]);
    }

    #[test]
    fn every_kind_of_bad_row_is_skipped_with_its_line() {
        let text = format!(
            "{HEADER}\n1,2,0.1,0.2,3,4\n1,2,0.1\n1,2,abc,0.2,3,4\n1,2,NaN,0.2,3,4\n1,2,inf,0.2,3,4\n\
             1,2,-0.1,0.2,3,4\n1,2,,0.2,3,4\n\n1,2,0.1,0.2,3,4,5\n5,6,0.3,0.4,5,9\n1,2,1e308,1e308,3,4\n1,2,0.1,0.2,9,4\n"
        );
        let (run, warnings) = ok(&text);
        assert_eq!(log(&run).requests.len(), 2);
        assert_eq!(run.skipped, 9);
        assert_eq!(
            warnings,
            [
                "d/LMBench_s_2.csv:3: row skipped: expected 6 fields as in the header, found 3",
                "d/LMBench_s_2.csv:4: row skipped: `ttft` is not a number: `abc`",
                "d/LMBench_s_2.csv:5: row skipped: `ttft` is NaN, not a number",
                "d/LMBench_s_2.csv:6: row skipped: `ttft` is infinite, not a finite number",
                "d/LMBench_s_2.csv:7: row skipped: `ttft` is negative (-0.1)",
                "d/LMBench_s_2.csv:8: row skipped: `ttft` is empty",
                "d/LMBench_s_2.csv:10: row skipped: expected 6 fields as in the header, found 7",
                "d/LMBench_s_2.csv:12: row skipped: `e2e_latency_s` computed from its values is infinite",
                "d/LMBench_s_2.csv:13: row skipped: `finish_time` (4) is before `launch_time` (9)",
            ]
        );
    }

    #[test]
    fn huge_records_are_skipped_without_being_held() {
        let huge = "x".repeat(MAX_RECORD_BYTES * 3);
        let commas = ",".repeat(MAX_FIELDS * 2);
        let (run, warnings) =
            ok(&format!("{HEADER}\n1,2,0.1,0.2,3,4\n{huge}\n\"{huge}\n\"\n{commas}\n5,6,0.3,0.4,5,9"));
        assert_eq!((log(&run).requests.len(), run.skipped), (2, 3));
        assert_eq!(
            warnings,
            [3, 4, 6].map(|line| format!("d/LMBench_s_2.csv:{line}: row skipped: longer than 1 MiB or 4096 fields"))
        );
        assert_eq!(
            err(huge.as_bytes()),
            "d/LMBench_s_2.csv:1: the header is longer than 1 MiB or 4096 fields: not an LMBench file"
        );
    }

    #[test]
    fn many_bad_rows_are_counted_not_all_listed() {
        let mut text = format!("{HEADER}\n");
        for _ in 0..100 {
            text.push_str("x,2,0.1,0.2,3,4\n");
        }
        text.push_str("1,2,0.1,0.2,3,4\n");
        let (run, warnings) = ok(&text);
        assert_eq!(run.skipped, 100);
        assert_eq!(warnings.len(), MAX_ROW_WARNINGS_PER_FILE + 1);
        assert_eq!(warnings.last().unwrap(), "d/LMBench_s_2.csv: 80 more rows skipped (not listed one by one)");
    }

    #[test]
    fn file_with_only_bad_rows_has_no_requests_and_says_so() {
        let (run, warnings) = ok(&format!("{HEADER}\n1,2\n"));
        assert!(log(&run).requests.is_empty());
        assert_eq!(warnings.last().unwrap(), "d/LMBench_s_2.csv: no usable rows: all 1 rows were skipped");
    }

    #[test]
    fn bad_files() {
        assert_eq!(err(b""), "d/LMBench_s_2.csv: the file is empty");
        assert_eq!(err(b" \r\n\n"), "d/LMBench_s_2.csv: the file is empty");
        assert_eq!(err(format!("{HEADER}\n").as_bytes()), "d/LMBench_s_2.csv: no data rows, only a header");
        assert_eq!(err(format!("{HEADER}\r\n\r\n").as_bytes()), "d/LMBench_s_2.csv: no data rows, only a header");
        assert_eq!(
            err(b"prompt_tokens,generation_tokens,ttft,launch_time\n1,2,3,4\n"),
            "d/LMBench_s_2.csv:1: missing required columns `generation_time`, `finish_time` \
             (the header is `prompt_tokens,generation_tokens,ttft,launch_time`)"
        );
        assert_eq!(err(b"a,b\n1,2\n\xff\xfe"), "d/LMBench_s_2.csv:3: not UTF-8 text: is this really a result file?");
        let misnamed = read("d/LMBench_x_abc.csv", format!("{HEADER}\n1,2,0.1,0.2,3,4\n").into_bytes());
        assert!(misnamed.warnings[0]
            .message
            .starts_with("an LMBench CSV, but `abc` in the name is not a positive QPS"));
    }

    #[test]
    fn names() {
        assert_eq!(name_key("LMBench_long_input_output_0.1.csv"), Ok(("long_input".to_string(), 0.1)));
        assert_eq!(name_key("LMBench_short_input_qps9.5.csv"), Ok(("short_input".to_string(), 9.5)));
        assert_eq!(name_key("LMBench_a_b_c_qps2.CSV"), Ok(("a_b_c".to_string(), 2.0)));
        for bad in [
            "results.csv",
            "LMBench_.csv",
            "LMBench_x_.csv",
            "LMBench_x_qps.csv",
            "LMBench_x_-1.csv",
            "LMBench_x_0.csv",
            "LMBench_x_inf.csv",
            "LMBench__5.csv",
            "LMBench_5.csv",
        ] {
            assert!(name_key(bad).unwrap_err().contains("expected"), "{bad}");
        }
    }

    #[test]
    fn reading_in_slices_equals_reading_whole() {
        let mut text = format!("\r\n{HEADER}\r\n");
        for i in 0..500 {
            text.push_str(&format!("{i},{},0.{i},1.5,{i},{}\r\n", i % 7, i + 2));
            if i % 97 == 0 {
                text.push_str("bad,row\n\n\"quoted\nline\",x\n");
            }
        }
        let whole = read("p/LMBench_s_1.csv", text.clone().into_bytes());
        for size in [1, 10, 100, 4096] {
            let mut reading = Reading::new("p/LMBench_s_1.csv", text.clone().into_bytes());
            let mut steps = 0;
            let sliced = loop {
                steps += 1;
                if let Some(read) = reading.step(size) {
                    break read;
                }
            };
            // Compared as text: unknown values are NaN, which is never equal to itself.
            assert!(format!("{sliced:?}") == format!("{whole:?}"), "slices of {size}");
            assert!(steps > text.len() / size / 2, "{steps} steps of {size}");
        }
        assert_eq!(
            whole.warnings[0].to_string(),
            "p/LMBench_s_1.csv:4: row skipped: expected 6 fields as in the header, found 2"
        );
        assert_eq!(
            whole.warnings[1].to_string(),
            "p/LMBench_s_1.csv:6: row skipped: expected 6 fields as in the header, found 2"
        );
    }

    #[test]
    fn no_panic_on_arbitrary_bytes_and_plain_lines_read_as_by_csv_core() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut rows = 0;
        let cases = [("", &b"0123456789.,-\n\r\"eE ,naif\xff\xc3"[..], 1), ("\n", b"0123456789.,,,,,\n\r\" ", 30)];
        for (head, alphabet, rounds) in cases {
            for len in (0..400).cycle().take(400 * rounds) {
                let mut bytes = format!("{HEADER}{head}").into_bytes();
                for _ in 0..len {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    bytes.push(alphabet[(seed % alphabet.len() as u64) as usize]);
                }
                let whole = read("LMBench_x_1.csv", bytes.clone());
                let _ = read("LMBench_x_1.csv", bytes[HEADER.len() + head.len()..].to_vec());
                // A byte at a time, csv-core reads every row; whole, most go by the plain lines' path.
                let mut reading = Reading::new("LMBench_x_1.csv", bytes);
                let bytewise = loop {
                    if let Some(read) = reading.step(1) {
                        break read;
                    }
                };
                assert!(format!("{bytewise:?}") == format!("{whole:?}"), "{len}");
                if let Found::Runs(runs) = &whole.found {
                    rows += log(&runs[0]).requests.len() + runs[0].skipped;
                }
            }
        }
        assert!(rows > 10_000, "{rows}");
    }
}
