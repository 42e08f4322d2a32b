//! NVIDIA AIPerf artifact folders: `profile_export.jsonl` (one record per request, epoch nanoseconds,
//! every metric `{value, unit}`, warm-up records too) and `profile_export_aiperf.json` (aggregates, and the
//! load and dataset the run was configured with). Each gives a [`Piece`]; [`assemble`] combines a folder's.

use super::doc::{Node, Num, Object};
use super::schema::{self, Field, Kind, Schema, Values};
use super::{checked, stat_names, usable, Document, Found, Part, Place, Skips, ToolRead};
use crate::metric::Metric;
use crate::model::{Aggregates, Body, Format, Load, Request, RequestLog, RunData, Throughput};
use crate::warning::Warning;
use serde::Serialize;
use serde_json::value::RawValue;

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

pub(crate) fn read(path: &str, document: &Document) -> Result<ToolRead, String> {
    let first = document.first_object().ok_or("no AIPerf object")?;
    if first.has("metadata") && first.has("metrics") {
        let (log, warnings, carry) = records(path, document.raw_lines(), document.carry);
        return Ok((Found::Part(Part::Aiperf(Piece::Records(log))), warnings, carry));
    }
    Ok((Found::Part(Part::Aiperf(summary(&first)?)), Vec::new(), None))
}

/// A record as far as it is read; written back (see [`super::read_for_site`]) it is a smaller record that
/// reads the same.
#[derive(Debug, Serialize)]
struct Record {
    metadata: Metadata,
    metrics: Metrics,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Box<RawValue>>,
}

static RECORD: Schema = Schema {
    name: "Record",
    fields: &[
        Field::required("metadata", Kind::Record(&METADATA)),
        Field::defaulted("metrics", Kind::Record(&METRICS)),
        Field::optional("error", Kind::Raw),
    ],
};

impl Record {
    fn new(mut record: Values) -> Record {
        Record {
            // Required: always read.
            metadata: record.record("metadata").map(Metadata::new).unwrap_or_default(),
            metrics: record.record("metrics").map(Metrics::new).unwrap_or_default(),
            error: record.raw("error"),
        }
    }
}

#[derive(Debug, Default, Serialize)]
struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    benchmark_phase: Option<String>,
    /// 0.1.x calls its phases credit phases.
    #[serde(skip_serializing_if = "Option::is_none")]
    credit_phase: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_start_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_end_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp_ns: Option<u64>,
}

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

impl Metadata {
    fn new(mut metadata: Values) -> Metadata {
        Metadata {
            benchmark_phase: metadata.text("benchmark_phase"),
            credit_phase: metadata.text("credit_phase"),
            request_start_ns: metadata.count("request_start_ns"),
            request_end_ns: metadata.count("request_end_ns"),
            timestamp_ns: metadata.count("timestamp_ns"),
        }
    }
}

#[derive(Debug, Default, Serialize)]
struct Metrics {
    #[serde(skip_serializing_if = "Option::is_none")]
    time_to_first_token: Option<Measure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ttft: Option<Measure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_latency: Option<Measure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inter_token_latency: Option<Measure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inter_chunk_latency: Option<Measures>,
    #[serde(skip_serializing_if = "Option::is_none")]
    input_sequence_length: Option<Measure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_sequence_length: Option<Measure>,
}

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

impl Metrics {
    fn new(mut metrics: Values) -> Metrics {
        let inter_chunk_latency = metrics.record("inter_chunk_latency").map(Measures::new);
        let mut measure = |name: &str| metrics.record(name).map(Measure::new);
        Metrics {
            time_to_first_token: measure("time_to_first_token"),
            ttft: measure("ttft"),
            request_latency: measure("request_latency"),
            inter_token_latency: measure("inter_token_latency"),
            inter_chunk_latency,
            input_sequence_length: measure("input_sequence_length"),
            output_sequence_length: measure("output_sequence_length"),
        }
    }
}

#[derive(Debug, Serialize)]
struct Measure {
    value: Num,
    unit: Option<String>,
}

static MEASURE: Schema =
    Schema { name: "Measure", fields: &[Field::required("value", Kind::Num), Field::optional("unit", Kind::Text)] };

impl Measure {
    fn new(mut measure: Values) -> Measure {
        // Required: always read.
        Measure { value: measure.num("value").unwrap_or(Num(f64::NAN)), unit: measure.text("unit") }
    }
}

#[derive(Debug, Serialize)]
struct Measures {
    value: Vec<Num>,
    unit: Option<String>,
}

static MEASURES: Schema =
    Schema { name: "Measures", fields: &[Field::required("value", Kind::Nums), Field::optional("unit", Kind::Text)] };

impl Measures {
    fn new(mut measures: Values) -> Measures {
        // Required: always read.
        Measures { value: measures.nums("value").unwrap_or_default(), unit: measures.text("unit") }
    }
}

/// A measure in seconds (or tokens), by its unit.
fn seconds(measure: &Option<Measure>, name: &str) -> Result<f64, String> {
    let Some(measure) = measure else { return Ok(f64::NAN) };
    let unit = measure.unit.as_deref().unwrap_or("ms");
    let scale = stat_names::seconds_per(unit).ok_or_else(|| format!("`{name}` has an unknown unit `{unit}`"))?;
    checked(format_args!("`{name}`"), measure.value.0 * scale)
}

/// The profiling records, with (when `carry`) the smaller file a site may carry: those records with only
/// what is read of them.
fn records(path: &str, lines: Vec<(Place, Node)>, carry: bool) -> (RequestLog, Vec<Warning>, Option<String>) {
    let mut log = RequestLog::default();
    let mut carried = carry.then(String::new);
    let mut skips = Skips::new(path);
    // Nanosecond clocks exceed 2^53: times are kept as integers until made relative to the first start.
    let mut origin: Option<u64> = None;
    let first_line = lines.first().map(|(_, node)| node.0);
    for (place, node) in lines {
        let record = match node.read(schema::Record(&RECORD)) {
            Ok(record) => Record::new(record),
            Err(e) => {
                skips.skip(place.warning(path, format!("record skipped: {e}")));
                continue;
            }
        };
        let phase = record.metadata.benchmark_phase.as_deref().or(record.metadata.credit_phase.as_deref());
        if phase.is_some_and(|p| !p.eq_ignore_ascii_case("profiling")) {
            continue;
        }
        match request(&record, &mut origin, &mut log.itl) {
            Ok(request) => log.requests.push(request),
            Err(message) => skips.skip(place.warning(path, format!("record skipped: {message}"))),
        }
        if let Some(carried) = carried.as_mut() {
            carried.push_str(&serde_json::to_string(&record).unwrap_or_default());
            carried.push('\n');
        }
    }
    // Warm-up or broken records only: the first carried as it is, for an empty file would read as nothing
    // rather than as these (no) records, and the folder's aggregates would be read as its run instead.
    if let (Some(carried), Some(first)) = (carried.as_mut().filter(|c| c.is_empty()), first_line) {
        carried.push_str(first);
    }
    (log, skips.finish(), carried)
}

fn request(record: &Record, origin: &mut Option<u64>, itl: &mut Vec<f64>) -> Result<Request, String> {
    let metadata = &record.metadata;
    let start_ns = metadata.request_start_ns.or(metadata.timestamp_ns).ok_or("no `request_start_ns`")?;
    let origin = *origin.get_or_insert(start_ns);
    let clock = |ns: u64| (ns as i128 - origin as i128) as f64 / 1e9;
    let mut request = Request {
        start: clock(start_ns),
        end: metadata.request_end_ns.map_or(f64::NAN, clock),
        ok: record.error.is_none(),
        ..Request::UNKNOWN
    };
    if request.end < request.start {
        return Err("`request_end_ns` is before `request_start_ns`".to_string());
    }
    if !request.ok {
        return Ok(request);
    }
    let m = &record.metrics;
    request.ttft =
        seconds(if m.time_to_first_token.is_some() { &m.time_to_first_token } else { &m.ttft }, "time_to_first_token")?;
    let latency = seconds(&m.request_latency, "request_latency")?;
    request.generation_time = if request.ttft.is_finite() {
        checked("`request_latency` − TTFT", latency - request.ttft)?
    } else {
        f64::NAN
    };
    request.input_tokens = seconds(&m.input_sequence_length, "input_sequence_length")?;
    request.output_tokens = seconds(&m.output_sequence_length, "output_sequence_length")?;
    // AIPerf's inter-token latency is (request latency − TTFT) / (output tokens − 1): TPOT.
    if request.output_tokens > 1.0 {
        request.tpot = seconds(&m.inter_token_latency, "inter_token_latency")?;
    }
    let mut request = usable(request)?;
    if let Some(chunks) = &m.inter_chunk_latency {
        let unit = chunks.unit.as_deref().unwrap_or("ms");
        let scale = stat_names::seconds_per(unit)
            .ok_or_else(|| format!("`inter_chunk_latency` has an unknown unit `{unit}`"))?;
        let before = itl.len();
        for gap in &chunks.value {
            match checked("`inter_chunk_latency`", gap.0 * scale) {
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
        digits.parse().ok().filter(|v: &f64| v.is_finite() && *v > 0.0)
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
