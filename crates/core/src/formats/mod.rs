//! Reading the result files of LLM benchmark tools into the normalised model ([`crate::model`]).
//!
//! A file is recognised by its content (its name only breaks ties), and read by the module of its tool.
//! Every module has the same entry point, `read(path, document) -> Result<Found, String>`, except LMBench,
//! whose CSVs are parsed a slice at a time ([`lmbench::LmbenchReader`]). Tools that spread one run over
//! several files (inference-perf report folders, AIPerf artifact folders) give [`Part`]s, which
//! [`assemble`] combines per folder.

pub mod aiperf;
mod doc;
pub mod guidellm;
pub mod inference_perf;
pub mod llmd_report;
pub mod lmbench;
mod scan;
mod schema;
pub mod sglang;
mod stat_names;
pub mod vllm;
pub mod yaml;

use crate::model::{Format, Request, RunData};
use crate::text::{cut, shown, NAME_CHARS};
use crate::warning::Warning;
use doc::{json_values, python_json, single_json, yaml_as_json, Node, Object, Single};
use lmbench::LmbenchReader;
use std::borrow::Cow;

/// What reading one file gave: what it holds, and the problems met on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRead {
    pub found: Found,
    pub warnings: Vec<Warning>,
}

impl FileRead {
    /// A file that can't be used, with why.
    pub fn failed(warning: Warning) -> FileRead {
        FileRead { found: Found::Nothing, warnings: vec![warning] }
    }

    fn of(found: Found, warnings: Vec<Warning>) -> FileRead {
        FileRead { found, warnings }
    }
}

/// What a file holds.
#[derive(Debug, Clone, PartialEq)]
// One per file read, and short-lived: the size of its variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Found {
    /// Runs complete in themselves.
    Runs(Vec<RunData>),
    /// Part of a tool's per-run folder, combined with the folder's other parts by [`assemble`].
    Part(Part),
    /// A file a tool writes beside its results that holds nothing more to read (its configuration, inputs,
    /// or a CSV export of data also in JSON): passed over, with `note` as a warning when nothing of its
    /// tool is beside it.
    Companion { format: Format, note: Option<&'static str> },
    /// Nothing usable: the warnings say why.
    Nothing,
}

/// A piece of a tool's per-run folder.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    InferencePerf(inference_perf::Piece),
    Aiperf(aiperf::Piece),
    /// A `vllm bench sweep` summary.json: the runs of its folder's `run=N.json` files again.
    VllmSweepSummary(Vec<RunData>),
}

/// Counts skipped records of one file and keeps the first few warnings, so that a file with a million bad
/// records gives a bounded report.
pub(crate) struct Skips {
    pub(crate) path: String,
    count: usize,
    warnings: Vec<Warning>,
}

impl Skips {
    pub(crate) fn new(path: &str) -> Skips {
        Skips { path: path.to_string(), count: 0, warnings: Vec::new() }
    }

    pub(crate) fn skip(&mut self, warning: Warning) {
        self.count += 1;
        if self.count <= lmbench::MAX_ROW_WARNINGS_PER_FILE {
            self.warnings.push(warning);
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// The warnings, with one counting those not listed.
    pub(crate) fn finish(mut self) -> Vec<Warning> {
        if self.count > lmbench::MAX_ROW_WARNINGS_PER_FILE {
            let more = self.count - lmbench::MAX_ROW_WARNINGS_PER_FILE;
            self.warnings
                .push(Warning::file(&self.path, format!("{more} more records skipped (not listed one by one)")));
        }
        self.warnings
    }
}

/// Whether a file with this name may be a result file (by its extension); others are not opened.
pub fn is_candidate(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".csv", ".json", ".jsonl", ".yaml", ".yml"].iter().any(|ext| lower.ends_with(ext))
}

/// Reads a whole file.
pub fn read(path: &str, bytes: Vec<u8>) -> FileRead {
    let mut reading = Reading::new(path, bytes);
    loop {
        if let Some(read) = reading.step(usize::MAX) {
            return read;
        }
    }
}

#[cfg(feature = "carry")]
/// Reads a whole file, and gives back what a site should carry of it for its viewer to read again: the
/// file itself, or, where a format's files hold much that nothing here reads (vLLM's and SGLang's
/// generated texts, AIPerf's dozens of metrics per record and its warm-up records), a smaller file of the
/// same format that reads the same.
pub fn read_for_site(path: &str, bytes: Vec<u8>) -> (FileRead, Vec<u8>) {
    match lmbench_start(path, &bytes) {
        Some((key, start)) => {
            let mut reader = LmbenchReader::new(path, key, bytes, start);
            let read = loop {
                if let Some(read) = reader.step(usize::MAX) {
                    break read;
                }
            };
            (read, reader.into_text())
        }
        None => {
            let (read, carry) = read_whole(path, &bytes, Some(&Site));
            let carried = match carry {
                None => bytes,
                Some(Carry::Text(text)) => text.into_bytes(),
                Some(Carry::Without(cuts)) => {
                    // Ranges of the text after the file's BOM.
                    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
                    let cuts: Vec<_> = cuts.into_iter().map(|c| c.start + bom..c.end + bom).collect();
                    without(bytes, &cuts)
                }
            };
            (read, carried)
        }
    }
}

/// Writes what a site carries of a file (see [`read_for_site`]). Only gen-site makes sites, and the code
/// behind this trait is reached through [`read_for_site`] and [`Lines`] alone: the viewer's module,
/// which reads files but never carries them, is without it.
pub(crate) trait Carrier {
    /// The document without the members named `drop` in its top-level objects.
    fn without(&self, document: &Document, drop: &[&str]) -> Carry;
    /// An AIPerf record, as a line of the smaller file.
    fn aiperf_record(&self, out: &mut String, fields: &aiperf::Fields, gaps: &[f64]);
}

/// What gen-site's sites carry.
#[cfg(feature = "carry")]
struct Site;

#[cfg(feature = "carry")]
impl Carrier for Site {
    fn without(&self, document: &Document, drop: &[&str]) -> Carry {
        document.carry_without(drop)
    }

    fn aiperf_record(&self, out: &mut String, fields: &aiperf::Fields, gaps: &[f64]) {
        aiperf::write_record(out, fields, gaps);
    }
}

/// A file read for the site as its bytes come, where its format allows (AIPerf's JSON lines, which run to
/// gigabytes): neither the file nor what the site carries of it is ever held whole. It reads what
/// [`read_for_site`] reads of the whole file, or says, at any step, that the file must be read whole after
/// all (a line that is not UTF-8 or not an object, Python's bare `NaN`…: rare files, whose problems the
/// whole-file read reports as it always does).
#[cfg(feature = "carry")]
pub struct Lines {
    records: aiperf::Records,
    /// The bytes of a line not ended yet.
    pending: Vec<u8>,
    /// Lines begun, and those that are not blank.
    lines: usize,
    values: usize,
}

#[cfg(feature = "carry")]
impl Lines {
    /// A reader of `path`, from its first bytes (which it does not read: give them to [`Lines::push`] too),
    /// if they hold a first line that makes it a file this reads as it comes.
    pub fn start(path: &str, head: &[u8]) -> Option<Lines> {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        if has_extension(path, &[".csv"]) {
            return None;
        }
        // The first line that is not blank, whole.
        let mut lines = head.split(|&b| b == b'\n');
        // Not ended.
        lines.next_back();
        let first = lines.map(std::str::from_utf8).find(|line| line.map_or(true, |l| !l.trim().is_empty()))?.ok()?;
        if first.contains("NaN") || first.contains("Infinity") || !first.trim().starts_with('{') {
            return None;
        }
        let object = Node(first.trim()).object()?;
        if detect_object(&object) != Tool::Aiperf || !aiperf::is_records(&object) {
            return None;
        }
        Some(Lines { records: aiperf::Records::new(path, Some(&Site)), pending: Vec::new(), lines: 0, values: 0 })
    }

    /// Reads the next bytes of the file, from the first; `false` when it must be read whole after all.
    pub fn push(&mut self, mut bytes: &[u8]) -> bool {
        if !self.pending.is_empty() {
            let Some(end) = memchr::memchr(b'\n', bytes) else {
                self.pending.extend_from_slice(bytes);
                return true;
            };
            let mut line = std::mem::take(&mut self.pending);
            line.extend_from_slice(&bytes[..end]);
            bytes = &bytes[end + 1..];
            let read = self.line(&line);
            self.pending = line;
            self.pending.clear();
            if !read {
                return false;
            }
        }
        while let Some(end) = memchr::memchr(b'\n', bytes) {
            if !self.line(&bytes[..end]) {
                return false;
            }
            bytes = &bytes[end + 1..];
        }
        self.pending.extend_from_slice(bytes);
        true
    }

    /// One line of the file, without its end.
    fn line(&mut self, mut line: &[u8]) -> bool {
        if self.lines == 0 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        self.lines += 1;
        let Ok(text) = std::str::from_utf8(line) else { return false };
        if memchr::memchr2(b'N', b'I', line).is_some() && (text.contains("NaN") || text.contains("Infinity")) {
            return false;
        }
        let text = text.trim();
        if text.is_empty() {
            return true;
        }
        if !text.starts_with('{') {
            return false;
        }
        self.values += 1;
        self.records.line(Place::Line(self.lines), text);
        true
    }

    /// What the site carries of the file, written so far and not taken yet.
    pub fn carried(&mut self) -> &mut String {
        self.records.carried()
    }

    /// What the file holds, once all its bytes are read, with the rest of what the site carries of it;
    /// `None` when it must be read whole after all.
    pub fn finish(mut self) -> Option<(FileRead, String)> {
        let last = std::mem::take(&mut self.pending);
        if !self.line(&last) || self.values < 2 {
            return None;
        }
        let (found, warnings, carried) = self.records.finish();
        let carried = match carried {
            Some(Carry::Text(text)) => text,
            _ => String::new(),
        };
        Some((FileRead::of(found, warnings), carried))
    }
}

/// A file being read a slice at a time (LMBench CSVs; other files are read in one step).
#[derive(Debug)]
pub struct Reading(Stage);

#[derive(Debug)]
enum Stage {
    Csv(Box<LmbenchReader>),
    Whole { path: String, bytes: Vec<u8> },
    Done,
}

/// The scenario and QPS of an LMBench CSV that can be parsed a slice at a time, and where its text starts
/// (after a BOM); `None` for other files, and for LMBench files whose problems the whole-file read reports.
fn lmbench_start(path: &str, bytes: &[u8]) -> Option<((String, f64), usize)> {
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let key = has_extension(path, &[".csv"]).then(|| lmbench_key(path, &bytes[start..])).flatten()?;
    std::str::from_utf8(&bytes[start..]).is_ok().then_some((key, start))
}

impl Reading {
    pub fn new(path: &str, bytes: Vec<u8>) -> Reading {
        Reading(match lmbench_start(path, &bytes) {
            Some((key, start)) => Stage::Csv(Box::new(LmbenchReader::new(path, key, bytes, start))),
            None => Stage::Whole { path: path.to_string(), bytes },
        })
    }

    /// The share of the file read so far.
    pub fn progress(&self) -> f64 {
        match &self.0 {
            Stage::Csv(reader) => reader.progress(),
            Stage::Whole { .. } => 0.0,
            Stage::Done => 1.0,
        }
    }

    /// Reads about `budget` bytes; what the file holds once it is all read.
    pub fn step(&mut self, budget: usize) -> Option<FileRead> {
        match &mut self.0 {
            Stage::Csv(reader) => {
                let done = reader.step(budget)?;
                self.0 = Stage::Done;
                Some(done)
            }
            Stage::Whole { .. } => {
                let Stage::Whole { path, bytes } = std::mem::replace(&mut self.0, Stage::Done) else {
                    unreachable!("matched above")
                };
                Some(read_whole(&path, &bytes, None).0)
            }
            Stage::Done => Some(FileRead { found: Found::Nothing, warnings: Vec::new() }),
        }
    }
}

fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn has_extension(path: &str, extensions: &[&str]) -> bool {
    let lower = name_of(path).to_ascii_lowercase();
    extensions.iter().any(|ext| lower.ends_with(ext))
}

/// The scenario and QPS of an LMBench CSV: its header has LMBench's columns, or its name is LMBench's.
/// `None` when it is not one (or its name gives no key: reported by the whole-file read).
fn lmbench_key(path: &str, bytes: &[u8]) -> Option<(String, f64)> {
    let named = name_of(path).starts_with("LMBench_");
    let header = first_csv_record(bytes);
    let fields: Vec<&str> = header.iter().map(|f| f.trim()).collect();
    if !named && !lmbench::is_lmbench_header(&fields) {
        return None;
    }
    lmbench::name_key(name_of(path)).ok()
}

/// The fields of a CSV's first record (up to 64 KiB of it).
fn first_csv_record(bytes: &[u8]) -> Vec<String> {
    let input = &bytes[..bytes.len().min(64 << 10)];
    let mut reader = lmbench::csv_reader();
    let mut output = vec![0; input.len() + 1];
    let mut ends = vec![0; 4096];
    let (result, _, written, ended) = reader.read_record(input, &mut output, &mut ends);
    let fields = match result {
        csv_core::ReadRecordResult::Record => fields_of(&output, &ends[..ended]),
        csv_core::ReadRecordResult::InputEmpty => {
            // The whole (short) file is one line without an end: finish it.
            let (result, _, _, more) = reader.read_record(&[], &mut output[written..], &mut ends[ended..]);
            match result {
                csv_core::ReadRecordResult::Record => fields_of(&output, &ends[..ended + more]),
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    lmbench::free_csv_reader(reader);
    fields
}

fn fields_of(output: &[u8], ends: &[usize]) -> Vec<String> {
    let mut start = 0;
    ends.iter()
        .map(|&end| {
            let field = String::from_utf8_lossy(&output[start..end]).into_owned();
            start = end;
            field
        })
        .collect()
}

/// What a site carries of a file instead of the file itself (see [`read_for_site`]).
#[cfg_attr(not(feature = "carry"), allow(dead_code))]
pub(crate) enum Carry {
    /// Another text.
    Text(String),
    /// The file without these byte ranges (in order, not overlapping).
    Without(Vec<std::ops::Range<usize>>),
}

/// `bytes` without the ranges `cuts`, in place.
#[cfg(feature = "carry")]
fn without(mut bytes: Vec<u8>, cuts: &[std::ops::Range<usize>]) -> Vec<u8> {
    let (mut read, mut written) = (0, 0);
    for cut in cuts {
        bytes.copy_within(read..cut.start, written);
        written += cut.start - read;
        read = cut.end;
    }
    bytes.copy_within(read.., written);
    bytes.truncate(written + bytes.len() - read);
    bytes
}

/// Reads a file that is not parsed a slice at a time; with a `carry`, also the smaller file a site may
/// carry instead (see [`read_for_site`]), where the format has one.
fn read_whole(path: &str, bytes: &[u8], carry: Option<&'static dyn Carrier>) -> (FileRead, Option<Carry>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
            let warning = Warning::line(path, line, "not UTF-8 text: is this really a result file?");
            return (FileRead::failed(warning), None);
        }
    };
    if text.trim().is_empty() {
        return (FileRead::failed(Warning::file(path, "the file is empty")), None);
    }
    let first = text.trim_start().as_bytes()[0];
    let outcome = if has_extension(path, &[".csv"]) {
        read_csv(path, text).map(|read| (read, None))
    } else if first == b'{' || first == b'[' {
        read_json(path, text, carry)
    } else if has_extension(path, &[".yaml", ".yml"]) || !has_extension(path, &[".json", ".jsonl"]) {
        read_yaml(path, text).map(|read| (read, None))
    } else {
        Err(format!("not JSON: it starts with `{}`", shown(&text.trim_start().chars().take(20).collect::<String>())))
    };
    match outcome {
        Ok(read) => read,
        Err(message) => (FileRead::failed(Warning::file(path, message)), None),
    }
}

/// A CSV that is not an LMBench file with a usable name.
fn read_csv(path: &str, text: &str) -> Result<FileRead, String> {
    let header = first_csv_record(text.as_bytes());
    let fields: Vec<&str> = header.iter().map(|f| f.trim()).collect();
    if name_of(path).starts_with("LMBench_") || lmbench::is_lmbench_header(&fields) {
        if let Err(reason) = lmbench::name_key(name_of(path)) {
            return Err(format!("an LMBench CSV, but {reason}"));
        }
        if !lmbench::is_lmbench_header(&fields) {
            // Named like LMBench: let the reader say which columns are missing.
            let key = lmbench::name_key(name_of(path))?;
            return Ok(read_lmbench_anyway(path, key, text));
        }
    }
    if fields.starts_with(&["Type", "Run Id", "Id", "Name", "Start Time"])
        || fields.starts_with(&["Run Info", "Run Info"])
    {
        let note = "a GuideLLM CSV export, not read (it has no per-request data): keep the benchmarks.json GuideLLM writes beside it";
        return Ok(companion(Format::Guidellm, Some(note)));
    }
    if fields.starts_with(&["Metric", "avg", "min", "max"]) {
        let note = "an AIPerf CSV export, not read: keep the profile_export.jsonl and profile_export_aiperf.json AIPerf writes beside it";
        return Ok(companion(Format::Aiperf, Some(note)));
    }
    let columns = fields.iter().take(8).map(|f| format!("`{}`", shown(f))).collect::<Vec<_>>().join(", ");
    Err(format!(
        "not a result file of a known benchmark tool (a CSV with columns {columns}{})",
        if fields.len() > 8 { ", …" } else { "" }
    ))
}

fn read_lmbench_anyway(path: &str, key: (String, f64), text: &str) -> FileRead {
    let mut reader = LmbenchReader::new(path, key, text.as_bytes().to_vec(), 0);
    loop {
        if let Some(read) = reader.step(usize::MAX) {
            return read;
        }
    }
}

fn companion(format: Format, note: Option<&'static str>) -> FileRead {
    FileRead { found: Found::Companion { format, note }, warnings: Vec::new() }
}

fn read_json(path: &str, text: &str, carry: Option<&'static dyn Carrier>) -> Result<(FileRead, Option<Carry>), String> {
    let python = python_json(text);
    let of_file = matches!(python, Cow::Borrowed(_));
    let text = python.as_ref();
    // One value (most files) is parsed in one pass; several (JSON lines, appended objects) are first
    // cut into values, each parsed when read.
    let document = match single_json(text) {
        Some(single) => Document { text, of_file, values: Vec::new(), single: Some(single), carry },
        None => Document { text, of_file, values: json_values(text)?, single: None, carry },
    };
    let tool = match (&document.single, document.values.first()) {
        (Some(Single::Object(object)), _) => detect_object(object),
        (Some(Single::Array(items)), _) => detect_array(items),
        (None, Some(&(_, first))) => match (Node(first).object(), Node(first).array()) {
            (Some(object), _) => detect_object(&object),
            (_, Some(items)) => detect_array(&items),
            _ => Tool::Unknown("a JSON value that is not an object or array".to_string()),
        },
        (None, None) => return Err("the file is empty".to_string()),
    };
    dispatch(path, tool, document)
}

fn read_yaml(path: &str, text: &str) -> Result<FileRead, String> {
    let json = yaml_as_json(text)?;
    if !json.starts_with('{') {
        return Err("not a result file of a known benchmark tool (a YAML document that is not a mapping)".to_string());
    }
    read_json(path, &json, None).map(|(read, _)| read)
}

/// A parsed document, as the tool modules get it: the top-level JSON values (unparsed) with the lines
/// they start on.
pub(crate) struct Document<'a> {
    text: &'a str,
    /// The text's one object or array, parsed a level deep; or else
    single: Option<Single<'a>>,
    /// its values, unparsed, with the lines they start on.
    values: Vec<(usize, &'a str)>,
    /// Whether `text` is the file's (after any BOM), or the file's made JSON (see [`python_json`]).
    #[cfg_attr(not(feature = "carry"), allow(dead_code))]
    of_file: bool,
    /// What writes the smaller file a site may carry (see [`read_for_site`]), when the reader should.
    pub(crate) carry: Option<&'static dyn Carrier>,
}

impl<'a> Document<'a> {
    /// The top-level objects with where they are; items of a top-level array are objects too. A value that
    /// is not an object (a broken line of JSON lines, say) is there as what is wrong with it.
    pub(crate) fn objects(&self) -> Vec<(Place, Result<Object<'a>, String>)> {
        let items = |items: &[Node<'a>]| -> Vec<(Place, Result<Object<'a>, String>)> {
            let item = |node: &Node<'a>| node.object().ok_or_else(|| "not a JSON object".to_string());
            items.iter().enumerate().map(|(i, node)| (Place::Item(i + 1), item(node))).collect()
        };
        match &self.single {
            Some(Single::Object(object)) => return vec![(Place::Whole, Ok(object.clone()))],
            Some(Single::Array(nodes)) => return items(nodes),
            None => {}
        }
        let many = self.values.len() > 1;
        let mut out = Vec::new();
        for &(line, raw) in &self.values {
            let place = if many { Place::Line(line) } else { Place::Whole };
            match Node(raw).parsed() {
                Ok(Single::Object(object)) => out.push((place, Ok(object))),
                Ok(Single::Array(nodes)) => out.extend(items(&nodes)),
                Err(message) => out.push((place, Err(message))),
            }
        }
        out
    }

    /// The first top-level object (the whole document, or the first of several).
    pub(crate) fn first_object(&self) -> Option<Object<'a>> {
        match &self.single {
            Some(Single::Object(object)) => Some(object.clone()),
            Some(Single::Array(_)) => None,
            None => self.values.first().and_then(|&(_, raw)| Node(raw).object()),
        }
    }

    /// The top-level values with where they are, unparsed, for readers of one record per line.
    pub(crate) fn raw_lines(&self) -> Vec<(Place, Node<'a>)> {
        if self.single.is_some() {
            return vec![(Place::Whole, Node(self.text))];
        }
        let many = self.values.len() > 1;
        self.values
            .iter()
            .map(|&(line, raw)| (if many { Place::Line(line) } else { Place::Whole }, Node(raw)))
            .collect()
    }

    /// The document without the members named `drop` in its top-level objects: the smaller file a site may
    /// carry, as the ranges of the text to cut (the file stays as it was written otherwise), or when they
    /// can't be scanned, as a text in the document's own shape.
    #[cfg(feature = "carry")]
    fn carry_without(&self, drop: &[&str]) -> Carry {
        match self.cuts(drop) {
            Some(cuts) if self.of_file => Carry::Without(cuts),
            Some(cuts) => {
                Carry::Text(String::from_utf8(without(self.text.as_bytes().to_vec(), &cuts)).unwrap_or_default())
            }
            None => Carry::Text(self.without(drop)),
        }
    }

    /// The ranges of the members named `drop` in the top-level objects, each with a comma next to it.
    #[cfg(feature = "carry")]
    fn cuts(&self, drop: &[&str]) -> Option<Vec<std::ops::Range<usize>>> {
        let mut cuts = Vec::new();
        let mut cut = |object: &'a str| -> Option<()> {
            let base = object.as_ptr() as usize - self.text.as_ptr() as usize;
            // Each member: whether it is dropped, where its key starts and where its value ends.
            let mut members = Vec::new();
            let mut scan = scan::Scan::new(object);
            scan.object(|scan, key| {
                let start = key.as_ptr() as usize - object.as_ptr() as usize - 1;
                scan.value()?;
                members.push((drop.contains(&key), start, scan.at));
                Some(())
            })?;
            let mut kept_before = false;
            for (i, &(dropped, start, end)) in members.iter().enumerate() {
                if !dropped {
                    kept_before = true;
                    continue;
                }
                // With the comma before it, or (the first kept) the one after it.
                let range = match (kept_before, members.get(i + 1)) {
                    (true, _) => members[i - 1].2..end,
                    (false, Some(next)) => start..next.1,
                    (false, None) => start..end,
                };
                cuts.push(base + range.start..base + range.end);
            }
            Some(())
        };
        match &self.single {
            Some(Single::Object(_)) => cut(self.text)?,
            Some(Single::Array(items)) => {
                for item in items.iter().filter(|item| item.0.starts_with('{')) {
                    cut(item.0)?;
                }
            }
            None => {
                for &(_, value) in self.values.iter().filter(|(_, value)| value.starts_with('{')) {
                    cut(value)?;
                }
            }
        }
        Some(cuts)
    }

    /// The document again without the members named `drop` in its top-level objects, in the document's own
    /// shape (one object, an array of them, or one per line).
    #[cfg(feature = "carry")]
    fn without(&self, drop: &[&str]) -> String {
        let object_text = |object: &Object| {
            let mut members: Vec<(&str, Node)> = object.members().filter(|(key, _)| !drop.contains(key)).collect();
            crate::sorting::sort_by(&mut members, |a, b| a.0.cmp(b.0));
            let members: Vec<String> = members
                .iter()
                .map(|(key, node)| format!("{}:{}", serde_json::to_string(key).unwrap_or_default(), node.0))
                .collect();
            format!("{{{}}}", members.join(","))
        };
        match &self.single {
            Some(Single::Object(object)) => object_text(object),
            Some(Single::Array(items)) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|item| item.object().map_or_else(|| item.0.to_string(), |o| object_text(&o)))
                    .collect();
                format!("[{}]", items.join(","))
            }
            None => {
                let lines: Vec<String> = self
                    .values
                    .iter()
                    .map(|(_, value)| Node(value).object().map_or_else(|| value.to_string(), |o| object_text(&o)))
                    .collect();
                lines.join("\n") + "\n"
            }
        }
    }

    /// The items of a top-level array.
    pub(crate) fn array(&self) -> Option<Vec<Node<'a>>> {
        match &self.single {
            Some(Single::Array(items)) => Some(items.clone()),
            Some(Single::Object(_)) => None,
            None => self.values.first().and_then(|&(_, raw)| Node(raw).array()),
        }
    }
}

/// Where in a file a run or a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Whole,
    /// A line of a file with one JSON object per line.
    Line(usize),
    /// An item of a top-level array (1-based).
    Item(usize),
}

impl Place {
    /// A warning at this place of `path`.
    pub fn warning(self, path: &str, message: impl Into<String>) -> Warning {
        match self {
            Place::Whole => Warning::file(path, message),
            Place::Line(line) => Warning::line(path, line, message),
            Place::Item(item) => Warning::file(path, format!("item {item}: {}", message.into())),
        }
    }

    /// The place as a part name of a run, where a file holds several.
    pub fn part(self) -> Option<String> {
        match self {
            Place::Whole => None,
            Place::Line(line) => Some(format!("line {line}")),
            Place::Item(item) => Some(format!("item {item}")),
        }
    }
}

/// Reads each of `objects` with `read_one`; a broken one gives a warning naming where it is, and the
/// others are still read. Runs get their place as their part, and the count of records skipped in them.
pub(crate) fn each_object(
    path: &str,
    objects: Vec<(Place, Result<Object, String>)>,
    mut read_one: impl FnMut(&Object, Place, &mut Skips) -> Result<Option<RunData>, String>,
) -> (Vec<RunData>, Vec<Warning>) {
    let mut runs = Vec::new();
    let mut warnings = Vec::new();
    let mut skips = Skips::new(path);
    for (place, object) in &objects {
        let before = skips.count();
        match object.as_ref().map_err(Clone::clone).and_then(|object| read_one(object, *place, &mut skips)) {
            Ok(Some(mut run)) => {
                run.part = place.part();
                run.skipped = skips.count() - before;
                runs.push(run);
            }
            Ok(None) => {}
            Err(message) => warnings.push(place.warning(path, message)),
        }
    }
    warnings.extend(skips.finish());
    (runs, warnings)
}

/// Which tool wrote a structured document, by its shape.
#[derive(Debug, Clone, PartialEq)]
enum Tool {
    Vllm,
    Sglang,
    Guidellm,
    InferencePerf,
    Aiperf,
    LlmdReport,
    Companion(Format),
    /// Recognised, but not read: what it is.
    Unsupported(String),
    /// Not a result of a known tool: what it looks like.
    Unknown(String),
}

fn detect_object(object: &Object) -> Tool {
    let has = |key: &str| object.has(key);
    if has("benchmarks") {
        return Tool::Guidellm;
    }
    if has("version") && ((has("scenario") && has("metrics")) || (has("run") && has("results"))) {
        return Tool::LlmdReport;
    }
    if has("load_summary") && has("successes") && has("failures") {
        return Tool::InferencePerf;
    }
    if (has("metadata") && has("metrics")) || has("records") || (has("input_config") && aiperf::is_summary(object)) {
        return match aiperf::is_aiperf(object) {
            true => Tool::Aiperf,
            false => Tool::Unsupported("a genai-perf export (not read yet: use AIPerf, its successor)".to_string()),
        };
    }
    if has("experiments") {
        return Tool::Unsupported("a genai-perf profile export (not read yet: use AIPerf, its successor)".to_string());
    }
    if has("completed")
        && has("duration")
        && (has("mean_e2e_latency_ms") || has("total_output_tokens_retokenized"))
        && !has("date")
        && !has("model_id")
    {
        return Tool::Sglang;
    }
    if has("completed") && has("duration") && (has("mean_ttft_ms") || has("ttfts")) {
        return Tool::Vllm;
    }
    if inference_perf::is_config(object) {
        return Tool::InferencePerf;
    }
    if has("global") && has("reports") {
        return Tool::Companion(Format::InferencePerf);
    }
    if has("data")
        && object.get("data").and_then(Node::array).is_some_and(|items| {
            items.first().and_then(|i| i.object()).is_some_and(|i| i.has("session_id") || i.has("payloads"))
        })
    {
        return Tool::Companion(Format::Aiperf);
    }
    if has("$schema") || has("$defs") {
        return Tool::Unknown("a JSON schema".to_string());
    }
    let mut keys: Vec<&str> = object.keys().collect();
    crate::sorting::sort_dedup(&mut keys);
    let shown_keys: Vec<String> = keys.iter().take(6).map(|k| format!("`{}`", shown(k))).collect();
    let more = if keys.len() > 6 { ", …" } else { "" };
    Tool::Unknown(format!("an object with keys {}{more}", shown_keys.join(", ")))
}

fn detect_array(items: &[Node]) -> Tool {
    let Some(first) = items.first() else { return Tool::Unknown("an empty array".to_string()) };
    let Some(object) = first.object() else { return Tool::Unknown("an array of non-objects".to_string()) };
    if ["start_time", "end_time", "request", "error"].iter().all(|k| object.has(k)) {
        return Tool::InferencePerf;
    }
    if object.has("benchmark") && object.has("metric") {
        return Tool::Companion(Format::VllmBench);
    }
    match detect_object(&object) {
        Tool::Unknown(what) => Tool::Unknown(format!("an array of {what}")),
        tool => tool,
    }
}

/// What a tool's reader gives: what the file holds, the problems met, and (when asked) the smaller file a
/// site may carry instead.
pub(crate) type ToolRead = (Found, Vec<Warning>, Option<Carry>);

fn dispatch(path: &str, tool: Tool, document: Document) -> Result<(FileRead, Option<Carry>), String> {
    let with_file = |(found, warnings): (Found, Vec<Warning>)| (found, warnings, None);
    let (found, warnings, carry) = match tool {
        Tool::Vllm => vllm::read(path, &document)?,
        Tool::Sglang => sglang::read(path, &document)?,
        Tool::Guidellm => guidellm::read(path, &document).map(with_file)?,
        Tool::InferencePerf => inference_perf::read(path, &document).map(with_file)?,
        Tool::Aiperf => aiperf::read(path, &document)?,
        Tool::LlmdReport => llmd_report::read(path, &document).map(with_file)?,
        Tool::Companion(format) => return Ok((companion(format, None), None)),
        Tool::Unsupported(what) => return Err(what),
        Tool::Unknown(what) => return Err(format!("not a result file of a known benchmark tool ({what})")),
    };
    Ok((FileRead::of(found, warnings), carry))
}

/// A run and the files it was read from (several for tools that spread a run over a folder).
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced {
    pub files: Vec<String>,
    pub run: RunData,
}

/// The runs of every file read: complete runs as they are, parts combined per folder. `reads` are
/// (relative path, what reading it found); problems go to `warnings`. Ordered by first file.
pub fn assemble(reads: Vec<(String, Found)>, warnings: &mut Vec<Warning>) -> Vec<Sourced> {
    use std::collections::BTreeMap;
    let folder_of = |path: &str| path.rsplit_once('/').map_or(String::new(), |(folder, _)| folder.to_string());
    let mut out = Vec::new();
    let mut inference_perf: BTreeMap<String, Vec<(String, inference_perf::Piece)>> = BTreeMap::new();
    let mut aiperf: BTreeMap<String, Vec<(String, aiperf::Piece)>> = BTreeMap::new();
    let mut sweep_summaries = Vec::new();
    let mut companions = Vec::new();
    for (path, found) in reads {
        match found {
            Found::Runs(runs) => out.extend(runs.into_iter().map(|run| Sourced { files: vec![path.clone()], run })),
            Found::Part(Part::InferencePerf(piece)) => {
                inference_perf.entry(folder_of(&path)).or_default().push((path, piece))
            }
            Found::Part(Part::Aiperf(piece)) => aiperf.entry(folder_of(&path)).or_default().push((path, piece)),
            Found::Part(Part::VllmSweepSummary(runs)) => sweep_summaries.push((path, runs)),
            Found::Companion { format, note } => companions.push((path, format, note)),
            Found::Nothing => {}
        }
    }
    for (_, pieces) in inference_perf {
        out.extend(inference_perf::assemble(pieces, warnings).into_iter().map(|(files, run)| Sourced { files, run }));
    }
    for (folder, pieces) in aiperf {
        out.extend(aiperf::assemble(&folder, pieces, warnings).into_iter().map(|(files, run)| Sourced { files, run }));
    }
    for (path, runs) in sweep_summaries {
        let folder = folder_of(&path);
        let beside = out.iter().any(|s| s.run.format == Format::VllmBench && folder_of(&s.files[0]) == folder);
        if !beside {
            out.extend(runs.into_iter().map(|run| Sourced { files: vec![path.clone()], run }));
        }
    }
    for (path, format, note) in companions {
        let folder = folder_of(&path);
        let beside = out.iter().any(|s| s.run.format == format && s.files.iter().any(|f| folder_of(f) == folder));
        if let (false, Some(note)) = (beside, note) {
            warnings.push(Warning::file(&path, note));
        }
    }
    for sourced in &mut out {
        bound_names(&mut sourced.run);
    }
    // Stable: the runs of one file keep the file's order.
    crate::sorting::sort_by(&mut out, |a, b| a.files.cmp(&b.files));
    let mut seen: std::collections::HashMap<(Format, String), String> = std::collections::HashMap::new();
    out.retain(|sourced| {
        let Some(id) = &sourced.run.id else { return true };
        match seen.entry((sourced.run.format, id.clone())) {
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(sourced.files[0].clone());
                true
            }
            std::collections::hash_map::Entry::Occupied(first) => {
                warnings.push(Warning::file(
                    &sourced.files[0],
                    format!(
                        "the same {} run as in `{}` (id {}): read once",
                        sourced.run.format.tool(),
                        first.get(),
                        shown(id)
                    ),
                ));
                false
            }
        }
    });
    out
}

/// Cuts the names a file gives its run to [`NAME_CHARS`] characters: they label tables, charts and
/// messages, whatever length the file gave them.
fn bound_names(run: &mut RunData) {
    let names = [&mut run.scenario, &mut run.model, &mut run.target, &mut run.tool_version, &mut run.id];
    for text in names.into_iter().flatten() {
        if let std::borrow::Cow::Owned(short) = cut(text, NAME_CHARS) {
            *text = short;
        }
    }
}

/// A value that must be finite and not negative, by its name for the message (formatted only then).
/// `-0` becomes `0`, so that no output shows a negative zero.
#[inline]
pub(crate) fn checked(name: impl std::fmt::Display, value: f64) -> Result<f64, String> {
    if value.is_nan() {
        Err(format!("{name} is NaN, not a number"))
    } else if value.is_infinite() {
        Err(format!("{name} is {}, not a finite number", if value > 0.0 { "infinite" } else { "-infinite" }))
    } else if value < 0.0 {
        Err(format!("{name} is negative ({})", crate::text::number(value)))
    } else {
        Ok(value + 0.0)
    }
}

/// A successful request, if every metric computed from it is finite and not negative; else why not
/// (see [`crate::metric::unusable`]). Every reader passes its requests through here.
#[inline]
pub(crate) fn usable(request: Request) -> Result<Request, String> {
    match crate::metric::unusable(&request) {
        Some(why) => Err(why),
        None => Ok(request),
    }
}

#[cfg(all(test, feature = "carry"))]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The document without `drop`, cut from the text, is the document's JSON without those members.
    #[test]
    fn members_are_cut_from_the_text() {
        let drop = ["g", "h"];
        let dropped = |value: &Value| -> Value {
            match value {
                Value::Object(members) => Value::Object(
                    members
                        .iter()
                        .filter(|(k, _)| !drop.contains(&k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                other => other.clone(),
            }
        };
        for text in [
            r#"{"a": 1, "g": "x", "b": [2, {"g": 1}]}"#,
            r#"{"g": "x", "a": 1}"#,
            r#"{"g": "x", "h": [1], "a": 1}"#,
            r#"{ "a": 1 , "g" : "x" , "h" : null }"#,
            r#"{"g": "x"}"#,
            r#"{"g": 1, "h": 2}"#,
            r#"{"a": 1, "g": 2, "b": 3, "h": 4, "c": 5}"#,
            r#"{}"#,
            r#"[{"a": 1, "g": 2}, 3, {"g": 4, "b": 5}]"#,
            "{\"a\": 1, \"g\": 2}\n\n{\"g\": 3, \"b\": 4}\n",
        ] {
            let single = single_json(text);
            let document = match single {
                Some(single) => Document { text, of_file: true, values: Vec::new(), single: Some(single), carry: None },
                None => Document { text, of_file: true, values: json_values(text).unwrap(), single: None, carry: None },
            };
            let cuts = document.cuts(&drop).unwrap();
            let cut = String::from_utf8(without(text.as_bytes().to_vec(), &cuts)).unwrap();
            let values = |text: &str| -> Vec<Value> {
                serde_json::Deserializer::from_str(text).into_iter::<Value>().map(Result::unwrap).collect()
            };
            let expected: Vec<Value> = values(text)
                .iter()
                .map(|value| match value {
                    Value::Array(items) => Value::Array(items.iter().map(dropped).collect()),
                    value => dropped(value),
                })
                .collect();
            assert_eq!(values(&cut), expected, "{text} → {cut}");
        }
    }
}
