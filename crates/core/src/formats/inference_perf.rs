//! kubernetes-sigs/inference-perf report folders: `per_request_lifecycle_metrics.json` (every request of
//! every stage, on a `perf_counter` clock), `stage_N_lifecycle_metrics.json` (one stage's aggregates and
//! load), `summary_lifecycle_metrics.json` (all stages together) and `config.yaml`. Each file gives a
//! [`Piece`]; [`assemble`] makes one run per stage from the pieces of one folder.

use super::doc::{Num, Object};
use super::schema::{Field, Kind, Record, Schema, Values};
use super::{checked, stat_names, usable, Document, Found, Part, Skips};
use crate::metric::Metric;
use crate::model::{Aggregates, Body, Format, Load, Request, RequestLog, RunData, Throughput};
use crate::warning::Warning;

/// What one file of a report folder holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Every request, sorted by start time (stages follow each other in that order).
    Requests(RequestLog),
    /// A stage's aggregates; `index` from the file name (`stage_N_…`), `count` = requests sent.
    Stage { index: Option<usize>, count: usize, run: RunData },
    /// The aggregates over all stages.
    Summary(RunData),
    /// config.yaml: the stages' loads, and what the runs were about.
    Config(Config),
    /// An llm-d benchmark report that inference-perf writes beside its own reports (it duplicates a stage),
    /// and whether it states its load.
    Report { run: RunData, load_known: bool },
}

/// What config.yaml says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    pub stages: Vec<Load>,
    pub scenario: Option<String>,
    pub model: Option<String>,
    pub target: Option<String>,
}

/// Whether an object is inference-perf's configuration (config.yaml).
pub(crate) fn is_config(object: &Object) -> bool {
    object.at(&["load"]).is_some_and(|load| load.has("stages")) && (object.has("server") || object.has("api"))
}

pub(crate) fn config(object: &Object) -> Config {
    let stages = object
        .node(&["load", "stages"])
        .and_then(|s| s.array())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|stage| {
            let stage = stage.object()?;
            let positive = |key: &str| stage.num(key).filter(|v| v.is_finite() && *v > 0.0);
            positive("concurrency_level").map(Load::concurrency).or_else(|| positive("rate").map(Load::qps))
        })
        .collect();
    let server = object.at(&["server"]);
    Config {
        stages,
        scenario: object
            .at(&["data"])
            .and_then(|d| d.text("type"))
            .filter(|t| !super::vllm::is_synthetic(t) && t != "mock"),
        model: server.as_ref().and_then(|s| s.text("model_name")),
        target: server.as_ref().and_then(|s| s.text("base_url")),
    }
}

pub(crate) fn read(path: &str, document: &Document) -> Result<(Found, Vec<Warning>), String> {
    if let Some(items) = document.array() {
        let (log, warnings) = requests(path, &items)?;
        return Ok((Found::Part(Part::InferencePerf(Piece::Requests(log))), warnings));
    }
    let object = document.first_object().ok_or("no report object")?;
    if is_config(&object) {
        return Ok((Found::Part(Part::InferencePerf(Piece::Config(config(&object)))), Vec::new()));
    }
    let load = object.at(&["load_summary"]).and_then(|l| l.num("requested_rate")).filter(|r| r.is_finite() && *r > 0.0);
    let count = object.at(&["load_summary"]).map(|l| l.count("count")).transpose()?.unwrap_or(0);
    let aggregates = aggregates(&object)?;
    let run = RunData::new(
        Format::InferencePerf,
        load.map_or(Load::UNBOUNDED_QPS, Load::qps),
        Body::Aggregates(Box::new(aggregates)),
    );
    let piece = match load {
        Some(_) => Piece::Stage { index: stage_index(path), count, run },
        None => Piece::Summary(run),
    };
    Ok((Found::Part(Part::InferencePerf(piece)), Vec::new()))
}

/// N of a `stage_N_lifecycle_metrics.json` name.
fn stage_index(path: &str) -> Option<usize> {
    let name = path.rsplit('/').next()?;
    name.strip_prefix("stage_")?.split('_').next()?.parse().ok()
}

/// One request of the per-request file.
#[derive(Debug)]
struct Entry {
    start_time: Num,
    end_time: Num,
    /// Whether it has an `error`.
    error: bool,
    info: Option<Info>,
    time_per_output_token: Option<Num>,
}

static ENTRY: Schema = Schema {
    name: "Entry",
    fields: &[
        Field::required("start_time", Kind::Num),
        Field::required("end_time", Kind::Num),
        Field::optional("error", Kind::Any),
        Field::optional("info", Kind::Record(&INFO)),
        Field::optional("computed_metrics", Kind::Record(&COMPUTED)),
    ],
};

static COMPUTED: Schema = Schema { name: "Computed", fields: &[Field::optional("time_per_output_token", Kind::Num)] };

impl Entry {
    fn new(mut entry: Values) -> Entry {
        // Required fields are always read.
        let required = |n: Option<Num>| n.unwrap_or(Num(f64::NAN));
        Entry {
            start_time: required(entry.num("start_time")),
            end_time: required(entry.num("end_time")),
            error: entry.has("error"),
            info: entry.record("info").map(Info::new),
            time_per_output_token: entry.record("computed_metrics").and_then(|mut c| c.num("time_per_output_token")),
        }
    }
}

#[derive(Debug)]
struct Info {
    input_tokens: Option<Num>,
    output_tokens: Option<Num>,
    output_token_times: Option<Vec<Num>>,
    /// `request_metrics.text.input_tokens`.
    text_input_tokens: Option<Num>,
    response_metrics: Option<ResponseMetrics>,
    response_info: Option<ResponseMetrics>,
}

static INFO: Schema = Schema {
    name: "Info",
    fields: &[
        Field::optional("input_tokens", Kind::Num),
        Field::optional("output_tokens", Kind::Num),
        Field::optional("output_token_times", Kind::Nums),
        Field::optional("request_metrics", Kind::Record(&REQUEST_METRICS)),
        Field::optional("response_metrics", Kind::Record(&RESPONSE_METRICS)),
        Field::optional("response_info", Kind::Record(&RESPONSE_METRICS)),
    ],
};

static REQUEST_METRICS: Schema =
    Schema { name: "RequestMetrics", fields: &[Field::optional("text", Kind::Record(&TEXT_METRICS))] };

static TEXT_METRICS: Schema = Schema { name: "TextMetrics", fields: &[Field::optional("input_tokens", Kind::Num)] };

impl Info {
    fn new(mut info: Values) -> Info {
        Info {
            input_tokens: info.num("input_tokens"),
            output_tokens: info.num("output_tokens"),
            output_token_times: info.nums("output_token_times"),
            text_input_tokens: info
                .record("request_metrics")
                .and_then(|mut m| m.record("text"))
                .and_then(|mut t| t.num("input_tokens")),
            response_metrics: info.record("response_metrics").map(ResponseMetrics::new),
            response_info: info.record("response_info").map(ResponseMetrics::new),
        }
    }
}

#[derive(Debug)]
struct ResponseMetrics {
    output_token_times: Option<Vec<Num>>,
    output_tokens: Option<Num>,
}

static RESPONSE_METRICS: Schema = Schema {
    name: "ResponseMetrics",
    fields: &[Field::optional("output_token_times", Kind::Nums), Field::optional("output_tokens", Kind::Num)],
};

impl ResponseMetrics {
    fn new(mut metrics: Values) -> ResponseMetrics {
        ResponseMetrics {
            output_token_times: metrics.nums("output_token_times"),
            output_tokens: metrics.num("output_tokens"),
        }
    }
}

/// The per-request file, sorted by start time.
fn requests(path: &str, items: &[super::doc::Node]) -> Result<(RequestLog, Vec<Warning>), String> {
    let mut entries = Vec::with_capacity(items.len());
    let mut skips = Skips::new(path);
    for (i, item) in items.iter().enumerate() {
        match item.read(Record(&ENTRY)) {
            Ok(entry) => entries.push(Entry::new(entry)),
            Err(e) => skips.skip(super::Place::Item(i + 1).warning(path, format!("request skipped: {e}"))),
        }
    }
    crate::sorting::sort_by(&mut entries, |a, b| a.start_time.0.total_cmp(&b.start_time.0));
    let mut log = RequestLog::default();
    for (i, entry) in entries.iter().enumerate() {
        let gaps_before = log.itl.len();
        match request(entry, &mut log.itl).and_then(usable) {
            Ok(request) => log.requests.push(request),
            Err(message) => {
                // A skipped request's gaps go too.
                log.itl.truncate(gaps_before);
                skips.skip(Warning::file(path, format!("request {} by start time skipped: {message}", i + 1)))
            }
        }
    }
    Ok((log, skips.finish()))
}

fn request(entry: &Entry, itl: &mut Vec<f64>) -> Result<Request, String> {
    let start = checked("`start_time`", entry.start_time.0)?;
    let end = checked("`end_time`", entry.end_time.0)?;
    if end < start {
        return Err(format!("`end_time` ({end}) is before `start_time` ({start})"));
    }
    let mut request = Request { start, end, ok: !entry.error, ..Request::UNKNOWN };
    if !request.ok {
        return Ok(request);
    }
    let info = entry.info.as_ref();
    let response = info.and_then(|i| i.response_metrics.as_ref().or(i.response_info.as_ref()));
    let times =
        response.and_then(|r| r.output_token_times.as_ref()).or(info.and_then(|i| i.output_token_times.as_ref()));
    request.input_tokens = info
        .and_then(|i| i.text_input_tokens.or(i.input_tokens))
        .or(info.and_then(|i| i.input_tokens))
        .map_or(f64::NAN, |n| n.0);
    request.output_tokens =
        response.and_then(|r| r.output_tokens).or(info.and_then(|i| i.output_tokens)).map_or(f64::NAN, |n| n.0);
    let e2e = end - start;
    if let Some(times) = times.filter(|t| !t.is_empty()) {
        let first = times[0].0;
        request.ttft = checked("the first token's time − `start_time`", first - start)?;
        request.generation_time = checked("`end_time` − the first token's time", e2e - request.ttft)?;
        let before = itl.len();
        for pair in times.windows(2) {
            itl.push(checked("a gap between output token times", pair[1].0 - pair[0].0)?);
        }
        request.itl_gaps = (itl.len() - before) as u32;
        // inference-perf's TPOT: (last token − first token) / (output tokens − 1).
        let last = times[times.len() - 1].0;
        let computed = entry.time_per_output_token.map(|n| n.0);
        if request.output_tokens > 1.0 {
            request.tpot = computed.filter(|t| t.is_finite()).unwrap_or((last - first) / (request.output_tokens - 1.0));
        }
    }
    Ok(request)
}

/// A stage or summary file's statistics of successful requests (seconds, no standard deviation).
fn aggregates(object: &Object) -> Result<Aggregates, String> {
    let successes = object.at(&["successes"]).ok_or("no `successes`")?;
    let mut aggregates = Aggregates::new(successes.count("count")?);
    aggregates.failed = object.at(&["failures"]).and_then(|f| f.count("count").ok());
    aggregates.duration_s = object.num("benchmark_time_seconds").filter(|d| d.is_finite() && *d >= 0.0);
    let requests = aggregates.requests;
    for (path, metric) in [
        (&["latency", "time_to_first_token"][..], Metric::Ttft),
        (&["latency", "request_latency"], Metric::E2eLatency),
        (&["latency", "time_per_output_token"], Metric::Tpot),
        (&["latency", "inter_token_latency"], Metric::Itl),
        (&["prompt_tokens"], Metric::PromptTokens),
        (&["prompt_len"], Metric::PromptTokens),
        (&["output_tokens"], Metric::GenerationTokens),
        (&["output_len"], Metric::GenerationTokens),
    ] {
        let summary = aggregates.metric_mut(metric);
        if summary.has_values() {
            continue;
        }
        if let Some(stats) = successes.at(path) {
            if stat_names::fill(summary, &stats, 1.0) && metric != Metric::Itl {
                summary.n = Some(requests);
            }
        }
    }
    let throughput = successes.at(&["throughput"]);
    let rate = |key: &str| throughput.as_ref()?.num(key).filter(|v| v.is_finite() && *v >= 0.0);
    aggregates.throughput = Throughput {
        requests_per_s: rate("requests_per_sec"),
        output_tokens_per_s: rate("output_tokens_per_sec"),
        total_tokens_per_s: rate("total_tokens_per_sec"),
    };
    Ok(aggregates)
}

/// Runs from the pieces of one report folder: one per stage. `files` name the pieces in the same order.
pub fn assemble(pieces: Vec<(String, Piece)>, warnings: &mut Vec<Warning>) -> Vec<(Vec<String>, RunData)> {
    let mut requests = None;
    let mut stages = Vec::new();
    let mut summary = None;
    let mut config = None;
    let mut reports = Vec::new();
    for (file, piece) in pieces {
        match piece {
            Piece::Requests(log) => requests = Some((file, log)),
            Piece::Stage { index, count, run } => stages.push((index, file, count, run)),
            Piece::Summary(run) => summary = Some((file, run)),
            Piece::Config(c) => config = Some((file, c)),
            Piece::Report { run, load_known } => reports.push((file, run, load_known)),
        }
    }
    crate::sorting::sort_by(&mut stages, |a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let native = requests.is_some() || !stages.is_empty() || summary.is_some();
    let config_file = config.as_ref().map(|(f, _)| f.clone());
    let config = config.map(|(_, c)| c).unwrap_or_default();
    let mut runs: Vec<(Vec<String>, RunData)> = Vec::new();
    if let Some((file, log)) = requests {
        let loads: Vec<(Load, usize, Vec<String>)> = if stages.is_empty() {
            split_by_config(&config, &log, warnings, &file)
        } else {
            stages.iter().map(|(_, f, count, run)| (run.load, *count, vec![f.clone()])).collect()
        };
        runs.extend(split(log, loads, warnings, &file).into_iter().map(|(mut files, run)| {
            files.insert(0, file.clone());
            (files, run)
        }));
    } else if !stages.is_empty() {
        runs.extend(stages.into_iter().map(|(_, file, _, run)| (vec![file], run)));
    } else if let Some((file, mut run)) = summary {
        match config.stages.as_slice() {
            [one] => {
                run.load = *one;
                runs.push((vec![file], run));
            }
            _ => warnings.push(Warning::file(
                &file,
                "an inference-perf summary without its stage files or a one-stage config.yaml: its load is unknown, so it is not read",
            )),
        }
    }
    for (files, run) in &mut runs {
        run.scenario = run.scenario.clone().or_else(|| config.scenario.clone());
        run.model = run.model.clone().or_else(|| config.model.clone());
        run.target = run.target.clone().or_else(|| config.target.clone());
        files.extend(config_file.iter().cloned());
    }
    if !native {
        // Reports without inference-perf's own files beside them stand on their own, if they state a load.
        for (file, run, load_known) in reports {
            if load_known {
                runs.push((vec![file], run));
            } else {
                warnings.push(Warning::file(
                    &file,
                    "an llm-d benchmark report written by inference-perf that records no load, without the \
                     stage files it duplicates: not read",
                ));
            }
        }
    }
    runs
}

/// Stages from config.yaml when there are no stage files: counts of rate × duration are not kept, so
/// only a one-stage config can be used.
fn split_by_config(
    config: &Config,
    log: &RequestLog,
    warnings: &mut Vec<Warning>,
    file: &str,
) -> Vec<(Load, usize, Vec<String>)> {
    match config.stages.as_slice() {
        [one] => vec![(*one, log.requests.len(), Vec::new())],
        _ => {
            warnings.push(Warning::file(
                file,
                "inference-perf requests without stage files or a one-stage config.yaml: their load is unknown, so they are not read",
            ));
            Vec::new()
        }
    }
}

/// The requests (sorted by start) cut into consecutive stages of the given counts.
fn split(
    log: RequestLog,
    loads: Vec<(Load, usize, Vec<String>)>,
    warnings: &mut Vec<Warning>,
    file: &str,
) -> Vec<(Vec<String>, RunData)> {
    let total: usize = loads.iter().map(|l| l.1).sum();
    if total != log.requests.len() && !loads.is_empty() {
        warnings.push(Warning::file(
            file,
            format!(
                "{} requests, but the stage files count {total}: stages are cut by those counts",
                log.requests.len()
            ),
        ));
    }
    let mut runs = Vec::new();
    let (mut first, mut gap) = (0, 0);
    for (stage, (load, count, files)) in loads.into_iter().enumerate() {
        let last = (first + count).min(log.requests.len());
        let requests = log.requests[first..last].to_vec();
        let gaps: usize = requests.iter().map(|r| r.itl_gaps as usize).sum();
        let itl = log.itl[gap..gap + gaps].to_vec();
        first = last;
        gap += gaps;
        let mut run = RunData::new(
            Format::InferencePerf,
            load,
            Body::Requests(RequestLog { requests, itl, recorded_duration_s: None }),
        );
        run.part = Some(format!("stage {stage}"));
        runs.push((files, run));
    }
    runs
}
