//! NVIDIA AIPerf artifact folders: `profile_export.jsonl` (one record per request, epoch nanoseconds,
//! every metric `{value, unit}`, warm-up records too) and `profile_export_aiperf.json` (aggregates, and the
//! load and dataset the run was configured with). Each gives a [`Piece`]; [`assemble`] combines a folder's.

use super::doc::{Node, Object};
use super::scan::{Scan, Shape};
use super::schema::{self, Field, Kind, Schema, Values};
use super::{checked, stat_names, usable, Carrier, Carry, Document, Found, Part, Place, Skips, ToolRead};
use crate::decimal;
use crate::metric::Metric;
use crate::model::{Aggregates, Body, Format, Load, Request, RequestLog, RunData, Throughput};
use crate::warning::Warning;
use std::borrow::Cow;

/// What one file of an artifact folder holds.
#[derive(Debug, Clone, PartialEq)]
// One per file read, and short-lived: the size of its variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Piece {
    /// The profiling phase's requests (profile_export.jsonl).
    Records(RequestLog),
    /// The aggregates; the run's load when the file records it (profile_export_aiperf.json).
    Summary { load: Option<Load>, run: RunData },
}

/// Whether an object was written by AIPerf (rather than genai-perf, whose exports look alike).
pub(crate) fn is_aiperf(object: &Object) -> bool {
    ["aiperf_version", "benchmark_id", "error_summary", "was_cancelled", "records"].iter().any(|k| object.has(k))
        || (object.has("metadata") && object.has("metrics"))
}

/// Whether an object is an aggregate export: metrics shaped `{unit, avg, …}`.
pub(crate) fn is_summary(object: &Object) -> bool {
    object.members().any(|(_, node)| node.object().is_some_and(|m| m.has("unit") && m.has("avg")))
}

/// Whether the first object of a file makes it profile_export.jsonl.
pub(crate) fn is_records(first: &Object) -> bool {
    first.has("metadata") && first.has("metrics")
}

pub(crate) fn read(path: &str, document: &Document) -> Result<ToolRead, String> {
    let first = document.first_object().ok_or("no AIPerf object")?;
    if is_records(&first) {
        let mut records = Records::new(path, document.carry);
        for (place, node) in document.raw_lines() {
            records.line(place, node.0);
        }
        return Ok(records.finish());
    }
    Ok((Found::Part(Part::Aiperf(summary(&first)?)), Vec::new(), None))
}

/// What is read of a record: borrowed from its line when scanned (see [`scanned`]), owned when serde read
/// it (see [`RECORD`]). Written back (see [`super::read_for_site`]) it is a smaller record that reads the
/// same.
#[derive(Default)]
pub(crate) struct Fields<'t> {
    benchmark_phase: Option<Cow<'t, str>>,
    /// 0.1.x calls its phases credit phases.
    credit_phase: Option<Cow<'t, str>>,
    request_start_ns: Option<u64>,
    request_end_ns: Option<u64>,
    timestamp_ns: Option<u64>,
    /// The metrics of [`MEASURE_NAMES`], in that order.
    measures: [Option<Measure<'t>>; 6],
    /// `inter_chunk_latency`, whose values are read into a list of their own.
    chunks: Option<Chunks<'t>>,
    /// The error, as JSON.
    error: Option<Cow<'t, str>>,
}

/// The metrics read as single values, in the order of [`Fields::measures`].
const MEASURE_NAMES: [&str; 6] = [
    "time_to_first_token",
    "ttft",
    "request_latency",
    "inter_token_latency",
    "input_sequence_length",
    "output_sequence_length",
];
const TIME_TO_FIRST_TOKEN: usize = 0;
const TTFT: usize = 1;
const REQUEST_LATENCY: usize = 2;
const INTER_TOKEN_LATENCY: usize = 3;
const INPUT_SEQUENCE_LENGTH: usize = 4;
const OUTPUT_SEQUENCE_LENGTH: usize = 5;

struct Measure<'t> {
    value: f64,
    unit: Option<Cow<'t, str>>,
    /// The value as written, when scanned.
    #[cfg_attr(not(feature = "carry"), allow(dead_code))]
    text: Option<&'t str>,
}

struct Chunks<'t> {
    unit: Option<Cow<'t, str>>,
    /// The values as written (a JSON list), when scanned.
    #[cfg_attr(not(feature = "carry"), allow(dead_code))]
    text: Option<&'t str>,
}

static RECORD: Schema = Schema {
    name: "Record",
    fields: &[
        Field::required("metadata", Kind::Record(&METADATA)),
        Field::defaulted("metrics", Kind::Record(&METRICS)),
        Field::optional("error", Kind::Raw),
    ],
};

static METADATA: Schema = Schema {
    name: "Metadata",
    fields: &[
        Field::optional("benchmark_phase", Kind::Text),
        Field::optional("credit_phase", Kind::Text),
        Field::optional("request_start_ns", Kind::Count),
        Field::optional("request_end_ns", Kind::Count),
        Field::optional("timestamp_ns", Kind::Count),
    ],
};

static METRICS: Schema = Schema {
    name: "Metrics",
    fields: &[
        Field::optional("time_to_first_token", Kind::Record(&MEASURE)),
        Field::optional("ttft", Kind::Record(&MEASURE)),
        Field::optional("request_latency", Kind::Record(&MEASURE)),
        Field::optional("inter_token_latency", Kind::Record(&MEASURE)),
        Field::optional("inter_chunk_latency", Kind::Record(&MEASURES)),
        Field::optional("input_sequence_length", Kind::Record(&MEASURE)),
        Field::optional("output_sequence_length", Kind::Record(&MEASURE)),
    ],
};

static MEASURE: Schema =
    Schema { name: "Measure", fields: &[Field::required("value", Kind::Num), Field::optional("unit", Kind::Text)] };

static MEASURES: Schema =
    Schema { name: "Measures", fields: &[Field::required("value", Kind::Nums), Field::optional("unit", Kind::Text)] };

impl Fields<'static> {
    /// A record as serde read it, with the values of `inter_chunk_latency` put in `gaps`.
    fn new(mut record: Values, gaps: &mut Vec<f64>) -> Fields<'static> {
        let mut fields = Fields::default();
        // Required: always read.
        if let Some(mut metadata) = record.record("metadata") {
            fields.benchmark_phase = metadata.text("benchmark_phase").map(Cow::Owned);
            fields.credit_phase = metadata.text("credit_phase").map(Cow::Owned);
            fields.request_start_ns = metadata.count("request_start_ns");
            fields.request_end_ns = metadata.count("request_end_ns");
            fields.timestamp_ns = metadata.count("timestamp_ns");
        }
        if let Some(mut metrics) = record.record("metrics") {
            if let Some(mut chunks) = metrics.record("inter_chunk_latency") {
                // Required: always read.
                gaps.extend(chunks.nums("value").unwrap_or_default().into_iter().map(|n| n.0));
                fields.chunks = Some(Chunks { unit: chunks.text("unit").map(Cow::Owned), text: None });
            }
            for (name, measure) in MEASURE_NAMES.iter().zip(&mut fields.measures) {
                *measure = metrics.record(name).map(|mut m| Measure {
                    // Required: always read.
                    value: m.num("value").map_or(f64::NAN, |n| n.0),
                    unit: m.text("unit").map(Cow::Owned),
                    text: None,
                });
            }
        }
        fields.error = record.raw("error").map(|raw| Cow::Owned(String::from(Box::<str>::from(raw))));
        fields
    }
}

/// Which of a record's fields have been met: serde refuses a field given twice.
struct Met(u16);

impl Met {
    fn once(&mut self, bit: u16) -> Option<()> {
        let new = self.0 & bit == 0;
        self.0 |= bit;
        new.then_some(())
    }
}

/// The keys of the objects of a file's records, as they were last (see [`Shape`]).
#[derive(Default)]
pub(crate) struct Shapes {
    record: Shape,
    metadata: Shape,
    metrics: Shape,
    measure: Shape,
}

/// A record scanned, with the values of `inter_chunk_latency` put in `gaps`: the common case of a line that
/// is an object whose strings have no escapes and whose numbers are numbers; `None` for any other line,
/// which serde then reads (and says what is wrong with).
fn scanned<'t>(line: &'t str, gaps: &mut Vec<f64>, shapes: &mut Shapes) -> Option<Fields<'t>> {
    let mut fields = Fields::default();
    let mut met = Met(0);
    let mut scan = Scan::new(line);
    let tag = |key: &str| ["metadata", "metrics", "error"].iter().position(|&k| k == key).map_or(0, |i| i as u8 + 1);
    let Shapes { record, metadata: metadata_shape, metrics: metrics_shape, measure: measure_shape } = shapes;
    scan.object_shaped(record, tag, |scan, tag| match tag {
        1 => {
            met.once(1)?;
            metadata(scan, &mut fields, metadata_shape)
        }
        2 => {
            met.once(2)?;
            metrics(scan, &mut fields, gaps, metrics_shape, measure_shape)
        }
        3 => {
            met.once(4)?;
            if !scan.null() {
                fields.error = Some(Cow::Borrowed(scan.value()?));
            }
            Some(())
        }
        _ => scan.value().map(drop),
    })?;
    // `metadata` is required.
    (met.0 & 1 == 1 && scan.at_end()).then_some(fields)
}

/// The fields of `metadata` read, in the order of their tags (1, 2, …).
const METADATA_NAMES: [&str; 5] =
    ["benchmark_phase", "credit_phase", "request_start_ns", "request_end_ns", "timestamp_ns"];

fn metadata<'t>(scan: &mut Scan<'t>, fields: &mut Fields<'t>, shape: &mut Shape) -> Option<()> {
    let mut met = Met(0);
    let text =
        |scan: &mut Scan<'t>| if scan.null() { Some(None) } else { scan.plain().map(|t| Some(Cow::Borrowed(t))) };
    let count = |scan: &mut Scan<'t>| if scan.null() { Some(None) } else { scan.count().map(Some) };
    let tag = |key: &str| METADATA_NAMES.iter().position(|&k| k == key).map_or(0, |i| i as u8 + 1);
    scan.object_shaped(shape, tag, |scan, tag| {
        if tag > 0 {
            met.once(1 << tag)?;
        }
        match tag {
            1 => fields.benchmark_phase = text(scan)?,
            2 => fields.credit_phase = text(scan)?,
            3 => fields.request_start_ns = count(scan)?,
            4 => fields.request_end_ns = count(scan)?,
            5 => fields.timestamp_ns = count(scan)?,
            _ => _ = scan.value()?,
        }
        Some(())
    })
}

fn metrics<'t>(
    scan: &mut Scan<'t>,
    fields: &mut Fields<'t>,
    gaps: &mut Vec<f64>,
    shape: &mut Shape,
    measure_shape: &mut Shape,
) -> Option<()> {
    let mut met = Met(0);
    // The measures by their index + 1, the chunks after them.
    let chunks_tag = MEASURE_NAMES.len() as u8 + 1;
    let tag = |key: &str| match MEASURE_NAMES.iter().position(|&name| name == key) {
        Some(i) => i as u8 + 1,
        None if key == "inter_chunk_latency" => chunks_tag,
        None => 0,
    };
    scan.object_shaped(shape, tag, |scan, tag| {
        if tag == 0 {
            return scan.value().map(drop);
        }
        met.once(1 << tag)?;
        if scan.null() {
            return Some(());
        }
        if tag == chunks_tag {
            fields.chunks = Some(chunks(scan, gaps)?);
        } else {
            fields.measures[usize::from(tag) - 1] = Some(measure(scan, measure_shape)?);
        }
        Some(())
    })
}

/// `{"value": <number>, "unit": <text>}`, the value required.
fn measure<'t>(scan: &mut Scan<'t>, shape: &mut Shape) -> Option<Measure<'t>> {
    let (mut value, mut unit, mut met) = (None, None, Met(0));
    let tag = |key: &str| ["value", "unit"].iter().position(|&k| k == key).map_or(0, |i| i as u8 + 1);
    scan.object_shaped(shape, tag, |scan, tag| match tag {
        1 => {
            met.once(1)?;
            scan.next()?;
            let start = scan.at;
            let number = scan.num()?;
            value = Some((number, &scan.text()[start..scan.at]));
            Some(())
        }
        2 => {
            met.once(2)?;
            unit = if scan.null() { None } else { Some(Cow::Borrowed(scan.plain()?)) };
            Some(())
        }
        _ => scan.value().map(drop),
    })?;
    let (value, text) = value?;
    Some(Measure { value, unit, text: Some(text) })
}

/// `{"value": [<number>, …], "unit": <text>}`, the values put in `gaps`.
fn chunks<'t>(scan: &mut Scan<'t>, gaps: &mut Vec<f64>) -> Option<Chunks<'t>> {
    let (mut values, mut unit, mut met) = (None, None, Met(0));
    scan.object(|scan, key| match key {
        "value" => {
            met.once(1)?;
            scan.next()?;
            let start = scan.at;
            scan.array(|scan| {
                gaps.push(scan.num()?);
                Some(())
            })?;
            values = Some(&scan.text()[start..scan.at]);
            Some(())
        }
        "unit" => {
            met.once(2)?;
            unit = if scan.null() { None } else { Some(Cow::Borrowed(scan.plain()?)) };
            Some(())
        }
        _ => scan.value().map(drop),
    })?;
    Some(Chunks { unit, text: Some(values?) })
}

/// A measure in seconds (or tokens), by its unit.
fn seconds(measure: &Option<Measure>, name: &str) -> Result<f64, String> {
    let Some(measure) = measure else { return Ok(f64::NAN) };
    let unit = measure.unit.as_deref().unwrap_or("ms");
    let scale = stat_names::seconds_per(unit).ok_or_else(|| format!("`{name}` has an unknown unit `{unit}`"))?;
    checked(format_args!("`{name}`"), measure.value * scale)
}

/// The profiling records of profile_export.jsonl, read a line at a time, with (when it carries) the smaller
/// file a site may carry: those records with only what is read of them.
pub(crate) struct Records {
    log: RequestLog,
    skips: Skips,
    /// Nanosecond clocks exceed 2^53: times are kept as integers until made relative to the first start.
    origin: Option<u64>,
    carry: Option<&'static dyn Carrier>,
    carried: String,
    /// Whether any record was carried, and the first line, carried as it is if none is: a file of warm-up
    /// (or broken) records only would otherwise be carried empty, which reads as nothing rather than as
    /// these (no) records, and the folder's aggregates would then be read as its run.
    carried_any: bool,
    first_line: Option<String>,
    shapes: Shapes,
    /// The values of the record's `inter_chunk_latency`.
    gaps: Vec<f64>,
}

impl Records {
    pub(crate) fn new(path: &str, carry: Option<&'static dyn Carrier>) -> Records {
        let (log, skips, carried, gaps) = (RequestLog::default(), Skips::new(path), String::new(), Vec::new());
        let shapes = Shapes::default();
        Records { log, skips, origin: None, carry, carried, carried_any: false, first_line: None, gaps, shapes }
    }

    /// Reads the record of one line.
    pub(crate) fn line(&mut self, place: Place, line: &str) {
        if self.carry.is_some() && self.first_line.is_none() {
            self.first_line = Some(line.to_owned());
        }
        self.gaps.clear();
        let fields = match scanned(line, &mut self.gaps, &mut self.shapes) {
            Some(fields) => fields,
            None => {
                self.gaps.clear();
                match Node(line).read(schema::Record(&RECORD)) {
                    Ok(values) => Fields::new(values, &mut self.gaps),
                    Err(e) => {
                        let warning = place.warning(&self.skips.path, format!("record skipped: {e}"));
                        return self.skips.skip(warning);
                    }
                }
            }
        };
        let phase = fields.benchmark_phase.as_deref().or(fields.credit_phase.as_deref());
        if phase.is_some_and(|p| !p.eq_ignore_ascii_case("profiling")) {
            return;
        }
        match request(&fields, &self.gaps, &mut self.origin, &mut self.log.itl) {
            Ok(request) => self.log.requests.push(request),
            Err(message) => {
                let warning = place.warning(&self.skips.path, format!("record skipped: {message}"));
                self.skips.skip(warning);
            }
        }
        if let Some(carry) = self.carry {
            carry.aiperf_record(&mut self.carried, &fields, &self.gaps);
            self.carried_any = true;
        }
    }

    /// What the site carries, written so far.
    #[cfg(feature = "carry")]
    pub(crate) fn carried(&mut self) -> &mut String {
        &mut self.carried
    }

    pub(crate) fn finish(mut self) -> ToolRead {
        if let (false, Some(first)) = (self.carried_any, self.first_line.take()) {
            self.carried = first;
        }
        let carried = self.carry.map(|_| Carry::Text(self.carried));
        (Found::Part(Part::Aiperf(Piece::Records(self.log))), self.skips.finish(), carried)
    }
}

/// The record as a line of profile_export.jsonl with only what is read of it.
#[cfg(feature = "carry")]
pub(crate) fn write_record(out: &mut String, fields: &Fields, gaps: &[f64]) {
    fn string(out: &mut String, text: &str) {
        if text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
            out.push_str(&serde_json::to_string(text).unwrap_or_default());
        } else {
            out.push('"');
            out.push_str(text);
            out.push('"');
        }
    }
    fn number(out: &mut String, value: f64, text: Option<&str>) {
        match text {
            Some(text) => out.push_str(text),
            None => out.push_str(&serde_json::to_string(&super::doc::Num(value)).unwrap_or_default()),
        }
    }
    fn unit(out: &mut String, unit: &Option<Cow<str>>) {
        out.push_str(",\"unit\":");
        match unit {
            Some(unit) => string(out, unit),
            None => out.push_str("null"),
        }
        out.push('}');
    }
    /// `"name":` after a comma unless first.
    fn key(out: &mut String, first: &mut bool, name: &str) {
        if !std::mem::take(first) {
            out.push(',');
        }
        out.push('"');
        out.push_str(name);
        out.push_str("\":");
    }
    out.push_str("{\"metadata\":{");
    let mut first = true;
    for (name, text) in [("benchmark_phase", &fields.benchmark_phase), ("credit_phase", &fields.credit_phase)] {
        if let Some(text) = text {
            key(out, &mut first, name);
            string(out, text);
        }
    }
    for (name, count) in [
        ("request_start_ns", fields.request_start_ns),
        ("request_end_ns", fields.request_end_ns),
        ("timestamp_ns", fields.timestamp_ns),
    ] {
        if let Some(count) = count {
            key(out, &mut first, name);
            out.push_str(itoa(count, &mut [0; 20]));
        }
    }
    out.push_str("},\"metrics\":{");
    let mut first = true;
    let measures = |out: &mut String, first: &mut bool, which: std::ops::Range<usize>| {
        for (name, measure) in MEASURE_NAMES[which.clone()].iter().zip(&fields.measures[which]) {
            if let Some(measure) = measure {
                key(out, first, name);
                out.push_str("{\"value\":");
                number(out, measure.value, measure.text);
                unit(out, &measure.unit);
            }
        }
    };
    // In AIPerf's order: the gaps after the inter-token latency.
    measures(out, &mut first, 0..INPUT_SEQUENCE_LENGTH);
    if let Some(chunks) = &fields.chunks {
        key(out, &mut first, "inter_chunk_latency");
        out.push_str("{\"value\":");
        match chunks.text {
            Some(text) => out.push_str(text),
            None => {
                out.push('[');
                for (i, &gap) in gaps.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    number(out, gap, None);
                }
                out.push(']');
            }
        }
        unit(out, &chunks.unit);
    }
    measures(out, &mut first, INPUT_SEQUENCE_LENGTH..MEASURE_NAMES.len());
    out.push('}');
    if let Some(error) = &fields.error {
        out.push_str(",\"error\":");
        out.push_str(error);
    }
    out.push_str("}\n");
}

/// A count in decimal, written into `buffer`.
#[cfg(feature = "carry")]
fn itoa(mut n: u64, buffer: &mut [u8; 20]) -> &str {
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buffer[at..]).unwrap_or_default()
}

fn request(fields: &Fields, gaps: &[f64], origin: &mut Option<u64>, itl: &mut Vec<f64>) -> Result<Request, String> {
    let start_ns = fields.request_start_ns.or(fields.timestamp_ns).ok_or("no `request_start_ns`")?;
    let origin = *origin.get_or_insert(start_ns);
    let clock = |ns: u64| (ns as i128 - origin as i128) as f64 / 1e9;
    let mut request = Request {
        start: clock(start_ns),
        end: fields.request_end_ns.map_or(f64::NAN, clock),
        ok: fields.error.is_none(),
        ..Request::UNKNOWN
    };
    if request.end < request.start {
        return Err("`request_end_ns` is before `request_start_ns`".to_string());
    }
    if !request.ok {
        return Ok(request);
    }
    let m = &fields.measures;
    let ttft = if m[TIME_TO_FIRST_TOKEN].is_some() { &m[TIME_TO_FIRST_TOKEN] } else { &m[TTFT] };
    request.ttft = seconds(ttft, "time_to_first_token")?;
    let latency = seconds(&m[REQUEST_LATENCY], "request_latency")?;
    request.generation_time = if request.ttft.is_finite() {
        checked("`request_latency` − TTFT", latency - request.ttft)?
    } else {
        f64::NAN
    };
    request.input_tokens = seconds(&m[INPUT_SEQUENCE_LENGTH], "input_sequence_length")?;
    request.output_tokens = seconds(&m[OUTPUT_SEQUENCE_LENGTH], "output_sequence_length")?;
    // AIPerf's inter-token latency is (request latency − TTFT) / (output tokens − 1): TPOT.
    if request.output_tokens > 1.0 {
        request.tpot = seconds(&m[INTER_TOKEN_LATENCY], "inter_token_latency")?;
    }
    let mut request = usable(request)?;
    if let Some(chunks) = &fields.chunks {
        let unit = chunks.unit.as_deref().unwrap_or("ms");
        let scale = stat_names::seconds_per(unit)
            .ok_or_else(|| format!("`inter_chunk_latency` has an unknown unit `{unit}`"))?;
        let before = itl.len();
        for &gap in gaps {
            match checked("`inter_chunk_latency`", gap * scale) {
                Ok(gap) => itl.push(gap),
                Err(message) => {
                    itl.truncate(before);
                    return Err(message);
                }
            }
        }
        request.itl_gaps = (itl.len() - before) as u32;
    }
    Ok(request)
}

/// profile_export_aiperf.json: `<metric>: {unit, avg, p50, …}` (≥0.2) or `records.<metric>` (0.1.x).
fn summary(object: &Object) -> Result<Piece, String> {
    let metrics = object.at(&["records"]).unwrap_or_else(|| object.clone());
    let avg = |name: &str| metrics.at(&[name]).and_then(|m| m.num("avg")).filter(|v| v.is_finite() && *v >= 0.0);
    let requests = avg("request_count").ok_or("no `request_count`")?;
    let mut aggregates = Aggregates::new(super::doc::whole("request_count", requests)?);
    aggregates.failed =
        Some(avg("error_request_count").map_or(Ok(0), |n| super::doc::whole("error_request_count", n))?);
    aggregates.duration_s = metrics.at(&["benchmark_duration"]).and_then(|d| {
        let scale = stat_names::seconds_per(&d.text("unit").unwrap_or_else(|| "sec".to_string()))?;
        Some(d.num("avg")? * scale)
    });
    for (names, metric) in [
        (&["time_to_first_token", "ttft"][..], Metric::Ttft),
        (&["request_latency"], Metric::E2eLatency),
        (&["inter_token_latency"], Metric::Tpot),
        (&["inter_chunk_latency"], Metric::Itl),
        (&["input_sequence_length"], Metric::PromptTokens),
        (&["output_sequence_length"], Metric::GenerationTokens),
    ] {
        let Some(stats) = names.iter().find_map(|name| metrics.at(&[name])) else { continue };
        let unit = stats.text("unit").unwrap_or_default();
        let scale =
            stat_names::seconds_per(&unit).ok_or_else(|| format!("`{}` has an unknown unit `{unit}`", names[0]))?;
        stat_names::fill(aggregates.metric_mut(metric), &stats, scale);
    }
    aggregates.throughput = Throughput {
        requests_per_s: avg("request_throughput"),
        output_tokens_per_s: avg("output_token_throughput"),
        total_tokens_per_s: avg("total_token_throughput"),
    };
    let config = object.at(&["input_config"]);
    let load = config.as_ref().and_then(load);
    let mut run =
        RunData::new(Format::Aiperf, load.unwrap_or(Load::UNBOUNDED_QPS), Body::Aggregates(Box::new(aggregates)));
    run.tool_version = object.text("aiperf_version");
    run.id = object.text("benchmark_id");
    if let Some(config) = &config {
        run.model = config.node(&["models", "items"]).and_then(|i| i.array()?.first()?.object()?.text("name"));
        run.model =
            run.model.or_else(|| config.node(&["endpoint", "model_names"]).and_then(|n| n.array()?.first()?.text()));
        run.target = config
            .node(&["endpoint", "urls"])
            .and_then(|u| u.array()?.first()?.text())
            .or_else(|| config.at(&["endpoint"])?.text("url"));
        run.scenario = scenario(config);
    }
    Ok(Piece::Summary { load, run })
}

/// The profiling phase's load (≥0.10: `phases`; 0.1.x: `loadgen`).
fn load(config: &Object) -> Option<Load> {
    let positive = |o: &Object, key: &str| o.num(key).filter(|v| v.is_finite() && *v > 0.0);
    if let Some(phases) = config.get("phases").and_then(Node::array) {
        let phases: Vec<Object> = phases.into_iter().filter_map(Node::object).collect();
        let profiling = phases.iter().find(|p| p.text("kind").as_deref() == Some("profiling")).or(phases.last())?;
        return match profiling.text("type").as_deref() {
            Some("concurrency") => positive(profiling, "concurrency").map(Load::concurrency),
            _ => positive(profiling, "rate")
                .map(Load::qps)
                .or_else(|| positive(profiling, "concurrency").map(Load::concurrency)),
        };
    }
    let loadgen = config.at(&["loadgen"])?;
    positive(&loadgen, "request_rate")
        .map(Load::qps)
        .or_else(|| positive(&loadgen, "concurrency").map(Load::concurrency))
}

fn scenario(config: &Object) -> Option<String> {
    let dataset = config.node(&["datasets"]).and_then(|d| d.array()?.into_iter().next()?.object())?;
    match dataset.text("type").as_deref() {
        Some("synthetic") | None => None,
        Some("public") => dataset.text("dataset").or_else(|| dataset.text("name")),
        Some(_) => {
            dataset.text("path").map(|p| p.rsplit('/').next().unwrap_or(&p).split('.').next().unwrap_or(&p).to_string())
        }
    }
}

/// The load an AIPerf artifact folder's name states (`…-concurrency8`, `…-request_rate10.0`).
fn load_from_folder(folder: &str) -> Option<Load> {
    let name = folder.rsplit('/').next()?;
    let tail = |marker: &str| -> Option<f64> {
        let at = name.rfind(marker)?;
        let digits: String =
            name[at + marker.len()..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        decimal::parse(&digits).filter(|v| v.is_finite() && *v > 0.0)
    };
    tail("request_rate").map(Load::qps).or_else(|| tail("concurrency").map(Load::concurrency))
}

/// The most requests in flight at once, from their start and end times.
fn peak_in_flight(log: &RequestLog) -> Option<usize> {
    let mut events: Vec<(f64, i32)> = Vec::with_capacity(log.requests.len() * 2);
    for r in &log.requests {
        if r.start.is_finite() && r.end.is_finite() {
            events.push((r.start, 1));
            events.push((r.end, -1));
        }
    }
    // Ends before starts at the same instant: a request that ends as another begins is not concurrent with it.
    crate::sorting::sort_by(&mut events, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut peak) = (0i32, 0i32);
    for (_, change) in events {
        now += change;
        peak = peak.max(now);
    }
    usize::try_from(peak).ok().filter(|&p| p > 0)
}

/// The run of one artifact folder: the records with the summary's load and identity, or either alone.
pub fn assemble(
    folder: &str,
    pieces: Vec<(String, Piece)>,
    warnings: &mut Vec<Warning>,
) -> Vec<(Vec<String>, RunData)> {
    let mut records = None;
    let mut summary = None;
    for (file, piece) in pieces {
        match piece {
            Piece::Records(log) => records = Some((file, log)),
            Piece::Summary { load, run } => summary = Some((file, load, run)),
        }
    }
    match (records, summary) {
        (Some((file, log)), summary) => {
            let load = summary.as_ref().and_then(|(_, load, _)| *load).or_else(|| load_from_folder(folder));
            let Some(load) = load.or_else(|| {
                // AIPerf runs at a concurrency unless given a rate; in that mode as many requests are in
                // flight as the concurrency allows.
                let peak = peak_in_flight(&log)?;
                warnings.push(Warning::file(
                    &file,
                    format!(
                        "the load is not recorded (no profile_export_aiperf.json beside it): taken as concurrency \
                         {peak}, the most requests in flight at once"
                    ),
                ));
                Some(Load::concurrency(peak as f64))
            }) else {
                warnings.push(Warning::file(&file, "AIPerf records without times or a recorded load: not read"));
                return Vec::new();
            };
            let mut run = RunData::new(Format::Aiperf, load, Body::Requests(log));
            let mut files = vec![file];
            if let Some((summary_file, _, described)) = summary {
                run.tool_version = described.tool_version;
                run.id = described.id;
                run.model = described.model;
                run.target = described.target;
                run.scenario = described.scenario;
                files.push(summary_file);
            }
            vec![(files, run)]
        }
        (None, Some((file, load, run))) => match load.or_else(|| load_from_folder(folder)) {
            Some(load) => vec![(vec![file], RunData { load, ..run })],
            None => {
                warnings.push(Warning::file(&file, "an AIPerf export that records no load: not read"));
                Vec::new()
            }
        },
        (None, None) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything read of a record, numbers as bits.
    fn shown(fields: &Fields, gaps: &[f64]) -> String {
        let measures: Vec<String> = fields
            .measures
            .iter()
            .map(|m| m.as_ref().map(|m| format!("{:x} {:?}", m.value.to_bits(), m.unit)).unwrap_or_default())
            .collect();
        format!(
            "{:?} {:?} {:?} {:?} {:?} {measures:?} {:?} {:?} {:?}",
            fields.benchmark_phase,
            fields.credit_phase,
            fields.request_start_ns,
            fields.request_end_ns,
            fields.timestamp_ns,
            fields.chunks.as_ref().map(|c| &c.unit),
            gaps.iter().map(|g| g.to_bits()).collect::<Vec<_>>(),
            fields.error
        )
    }

    #[test]
    fn scanned_records_read_as_serde_reads_them() {
        let typical = r#"{"metadata":{"session_num":0,"x_request_id":"5a2c-0","benchmark_phase":"profiling","request_start_ns":1746701007086849536,"request_end_ns":1746701007362487040,"was_cancelled":false},"metrics":{"http_req_receiving":{"value":123.3,"unit":"ms"},"time_to_first_token":{"value":152.3057797883482,"unit":"ms"},"input_sequence_length":{"value":462,"unit":"tokens"},"output_sequence_length":{"value":7,"unit":"tokens"},"request_latency":{"value":275.6374616452084,"unit":"ms"},"inter_token_latency":{"value":20.555280309476707,"unit":"ms"},"inter_chunk_latency":{"value":[21.566109313928393,19.3674166321817,null],"unit":"ms"}}}"#;
        let lines = [
            typical,
            r#"{"metadata": {"credit_phase": "warmup", "timestamp_ns": 18446744073709551615}, "metrics": {}, "error": {"code": 500, "message": "x"}}"#,
            r#"{"metadata":{"request_start_ns":1},"metrics":{"ttft":{"value":1e2},"request_latency":{"value":null,"unit":null}},"error":null}"#,
            r#"{"metadata":{"request_start_ns":1},"metrics":{"inter_chunk_latency":null,"ttft":null}}"#,
            r#"{"metadata":{"request_start_ns":1}}"#,
            r#"{"metadata":{"request_start_ns":1,"request_start_ns":2}}"#,
            r#"{"metadata":{"request_start_ns":1,"x":1,"x":2},"metrics":{"ttft":{"value":1,"value":2}}}"#,
            r#"{"metadata":{"request_start_ns":-1}}"#,
            r#"{"metadata":{"request_start_ns":1.5}}"#,
            r#"{"metadata":{"request_start_ns":18446744073709551616}}"#,
            r#"{"metadata":{"benchmark_phase":"pro
filing"}}"#,
            r#"{"metadata":{"benchmark_phase":5}}"#,
            r#"{"metadata":null}"#,
            r#"{"metrics":{}}"#,
            r#"{"metadata":{},"metrics":null}"#,
            r#"{"metadata":{},"metrics":{"ttft":{"unit":"ms"}}}"#,
            r#"{"metadata":{},"metrics":{"ttft":{"value":"inf"}}}"#,
            r#"{"metadata":{},"metrics":{"ttft":{"value":1e999}}}"#,
            r#"{"metadata":{},"metrics":{"inter_chunk_latency":{"value":[1,"2"]}}}"#,
            r#"{"metadata":{},"metrics":{"inter_chunk_latency":{"value":null}}}"#,
            r#"{"metadata":{},"metrics":{"inter_chunk_latency":{"unit":"ms"}}}"#,
            r#"{"metadata":{},"metrics":{"ttft":{"value":1}},"metrics":{}}"#,
            r#"{"metadata":{},"other":[1,{"a":"é"}]}"#,
            r#"{"metadata":{},"other":[1,}"#,
            r#"{"metadata":{}} x"#,
            r#"[{}, {}, null]"#,
            r#"{ "metadata" : { "request_start_ns" : 1 , "benchmark_phase" : "profiling" } , "metrics" : { "ttft" : { "unit" : "s" , "value" : 2 } } }"#,
            r#"{"metrics":{"ttft":{"unit":"s","value":2}},"metadata":{"request_start_ns":1}}"#,
            r#"{"metadata ":{}}"#,
        ];
        let mut scanned_lines = 0;
        // Shapes kept from line to line, as a file's are, and each line read twice: its keys then known.
        let mut shapes = Shapes::default();
        for line in lines.iter().flat_map(|line| [line, line]) {
            let mut gaps = Vec::new();
            let read = Node(line).read(schema::Record(&RECORD)).map(|values| Fields::new(values, &mut gaps));
            let mut scanned_gaps = Vec::new();
            if let Some(fields) = scanned(line, &mut scanned_gaps, &mut shapes) {
                scanned_lines += 1;
                let read = read.unwrap_or_else(|e| panic!("{line}: scanned, but serde says {e}"));
                assert_eq!(shown(&fields, &scanned_gaps), shown(&read, &gaps), "{line}");
                // Written back, it reads the same.
                let mut written = String::new();
                write_record(&mut written, &fields, &scanned_gaps);
                let mut again = Vec::new();
                let fields_again = scanned(written.trim_end(), &mut again, &mut Shapes::default()).expect(&written);
                assert_eq!(shown(&fields_again, &again), shown(&fields, &scanned_gaps), "{written}");
            }
        }
        assert!(scanned_lines >= 10, "{scanned_lines}");
        assert!(scanned(typical, &mut Vec::new(), &mut Shapes::default()).is_some());
    }

    #[test]
    fn loads_from_folder_names_and_requests_in_flight() {
        assert_eq!(load_from_folder("a/mock-model-openai-chat-concurrency8"), Some(Load::concurrency(8.0)));
        assert_eq!(load_from_folder("a/m-openai-chat-request_rate10.5"), Some(Load::qps(10.5)));
        assert_eq!(load_from_folder("a/results"), None);
        let request = |start: f64, end: f64| Request { start, end, ..Request::UNKNOWN };
        let log = RequestLog {
            requests: vec![request(0.0, 2.0), request(1.0, 3.0), request(2.0, 4.0), request(3.5, 5.0)],
            ..RequestLog::default()
        };
        assert_eq!(peak_in_flight(&log), Some(2));
        assert_eq!(peak_in_flight(&RequestLog::default()), None);
    }

    /// Found by fuzzing (fuzz/fuzz_targets/read.rs): a file of warm-up records only was carried to the
    /// site empty, which reads as nothing, so the viewer showed the folder's aggregates as a run that the
    /// report left out.
    #[test]
    fn what_the_site_carries_of_warm_up_records_only_reads_the_same() {
        let warm_up = r#"{"metadata":{"benchmark_phase":"warmup","request_start_ns":1},"metrics":{}}"#;
        for text in [format!("{warm_up}\n{warm_up}\n"), r#"{"metadata":{"benchmark_phase":"p"},"metrics":{}}"#.into()] {
            let path = "d/profile_export.jsonl";
            let original = super::super::read(path, text.clone().into_bytes());
            assert_eq!(original.found, Found::Part(Part::Aiperf(Piece::Records(RequestLog::default()))));
            let (also, carried) = super::super::read_for_site(path, text.clone().into_bytes());
            assert_eq!(also, original);
            assert!(carried.len() <= text.len());
            assert_eq!(super::super::read(path, carried).found, original.found, "{text}");
        }
    }
}
