//! GuideLLM's `benchmarks.json` / `.yaml`: one file holds a whole sweep, one entry of `benchmarks` per
//! load. Three schema generations: legacy (0.2–0.3: `args`, `run_stats`), v1 (0.4–0.6: `config`, top-level
//! `args`) and v2 (0.7+: `metadata.version` 2, top-level `config.spec`). Per-request lists may be sampled
//! or empty; then the run's statistics come from the entry's `metrics`.

use super::doc::{Node, Num, Object};
use super::schema::{Field, Kind, Records, Schema, Values};
use super::{checked, stat_names, usable, Document, Found, Place};
use crate::metric::Metric;
use crate::model::{Aggregates, Body, Format, Load, Request, RequestLog, RunData, Throughput};
use crate::text::shown;
use crate::warning::Warning;

pub(crate) fn read(path: &str, document: &Document) -> Result<(Found, Vec<Warning>), String> {
    let Some(top) = document.first_object() else {
        return Err("no GuideLLM report object".to_string());
    };
    let benchmarks = top.get("benchmarks").and_then(Node::array).ok_or("`benchmarks` is not a list")?;
    let version = top.at(&["metadata"]).and_then(|m| m.text("guidellm_version"));
    let scenario = scenario(&top);
    let mut runs = Vec::new();
    let mut warnings = Vec::new();
    for (i, node) in benchmarks.into_iter().enumerate() {
        let place = Place::Item(i + 1);
        let outcome = node
            .object()
            .ok_or_else(|| "not an object".to_string())
            .and_then(|benchmark| run(&benchmark, &mut warnings, path, place));
        match outcome {
            Ok(mut run) => {
                run.tool_version = version.clone();
                run.scenario = run.scenario.or_else(|| scenario.clone());
                run.part = Some(format!("benchmark {}", i + 1));
                runs.push(run);
            }
            Err(message) => warnings.push(Warning::file(path, format!("benchmark {}: {message}", i + 1))),
        }
    }
    Ok((Found::Runs(runs), warnings))
}

fn run(benchmark: &Object, warnings: &mut Vec<Warning>, path: &str, place: Place) -> Result<RunData, String> {
    let legacy = benchmark.has("args") && !benchmark.has("config");
    let config = if legacy { benchmark.at(&["args"]) } else { benchmark.at(&["config"]) };
    let strategy = config.as_ref().and_then(|c| c.at(&["strategy"])).ok_or("no `strategy` for the benchmark")?;
    let load = load(&strategy)?;
    let totals = if legacy { benchmark.at(&["request_totals"]) } else { benchmark.at(&["metrics", "request_totals"]) };
    let totals = totals.ok_or("no `request_totals`")?;
    let successful = totals.count("successful")?;
    let errored = totals.count("errored").unwrap_or(0);
    let duration = benchmark.num("duration").filter(|d| d.is_finite() && *d >= 0.0);
    let body = match complete_requests(benchmark, successful, errored)? {
        Some((ok, failed)) => Body::Requests(log(ok, failed, duration, warnings, path, place)?),
        None => Body::Aggregates(Box::new(aggregates(benchmark, successful, errored, duration)?)),
    };
    let mut run = RunData::new(Format::Guidellm, load, body);
    let backend = if legacy { benchmark.at(&["worker"]) } else { config.as_ref().and_then(|c| c.at(&["backend"])) };
    if let Some(backend) = backend {
        run.model = backend.text("backend_model").or_else(|| backend.text("model"));
        run.target = backend.text("backend_target").or_else(|| backend.text("target"));
    }
    if legacy {
        run.scenario = benchmark.at(&["request_loader"]).and_then(|l| l.text("data")).and_then(|d| dataset_name(&d));
    }
    run.id = benchmark.text("id_").or_else(|| config.as_ref().and_then(|c| c.text("id_")));
    Ok(run)
}

/// The load of a benchmark's own strategy (a file's run-wide profile may list fewer rates than it ran).
fn load(strategy: &Object) -> Result<Load, String> {
    let kind = strategy.text("type_").unwrap_or_default();
    let positive = |key: &str| strategy.num(key).filter(|v| v.is_finite() && *v > 0.0);
    match kind.as_str() {
        "constant" | "poisson" => {
            positive("rate").map(Load::qps).ok_or_else(|| format!("a `{kind}` strategy without a rate"))
        }
        "concurrent" => positive("streams")
            .map(Load::concurrency)
            .ok_or_else(|| "a concurrent strategy without `streams`".to_string()),
        "synchronous" => Ok(Load::concurrency(1.0)),
        "throughput" => Ok(Load::UNBOUNDED_QPS),
        other => Err(format!("strategy `{}` has no load level to compare", shown(other))),
    }
}

/// The scenario of the whole file: the data it was run on, when that names a dataset or a file.
fn scenario(top: &Object) -> Option<String> {
    let data = top.node(&["config", "spec", "data"]).or_else(|| top.node(&["args", "data"]))?;
    let first = data.array().and_then(|items| items.into_iter().next()).unwrap_or(data);
    if let Some(spec) = first.object() {
        let kind = spec.text("kind").unwrap_or_default();
        if kind.starts_with("synthetic") || kind.starts_with("in_memory") {
            return None;
        }
        return ["source", "path", "name"].iter().find_map(|k| spec.text(k)).and_then(|d| dataset_name(&d));
    }
    first.text().and_then(|d| dataset_name(&d))
}

/// A dataset's name from GuideLLM's data argument: none for a synthetic spec (`prompt_tokens=…`), a file's
/// stem for a path, else the text (a hub dataset).
fn dataset_name(data: &str) -> Option<String> {
    let data = data.trim();
    if data.is_empty() || data.contains('=') || data.starts_with('{') {
        return None;
    }
    let name = data.rsplit(['/', '\\']).next().unwrap_or(data);
    let stem = name.split('.').next().filter(|s| !s.is_empty()).unwrap_or(name);
    Some(stem.to_string())
}

/// One request as GuideLLM records it (legacy and v1/v2 field names).
#[derive(Debug)]
struct Entry {
    start_time: Option<Num>,
    end_time: Option<Num>,
    request_start_time: Option<Num>,
    request_end_time: Option<Num>,
    time_to_first_token_ms: Option<Num>,
    request_latency: Option<Num>,
    inter_token_latency_ms: Option<Num>,
    prompt_tokens: Option<Num>,
    output_tokens: Option<Num>,
}

static ENTRY: Schema = Schema {
    name: "Entry",
    fields: &[
        Field::optional("start_time", Kind::Num),
        Field::optional("end_time", Kind::Num),
        Field::optional("request_start_time", Kind::Num),
        Field::optional("request_end_time", Kind::Num),
        Field::optional("time_to_first_token_ms", Kind::Num),
        Field::optional("request_latency", Kind::Num),
        Field::optional("inter_token_latency_ms", Kind::Num),
        Field::optional("prompt_tokens", Kind::Num),
        Field::optional("output_tokens", Kind::Num),
    ],
};

impl Entry {
    fn new(mut entry: Values) -> Entry {
        Entry {
            start_time: entry.num("start_time"),
            end_time: entry.num("end_time"),
            request_start_time: entry.num("request_start_time"),
            request_end_time: entry.num("request_end_time"),
            time_to_first_token_ms: entry.num("time_to_first_token_ms"),
            request_latency: entry.num("request_latency"),
            inter_token_latency_ms: entry.num("inter_token_latency_ms"),
            prompt_tokens: entry.num("prompt_tokens"),
            output_tokens: entry.num("output_tokens"),
        }
    }

    fn start(&self) -> f64 {
        self.request_start_time.or(self.start_time).map_or(f64::NAN, |n| n.0)
    }

    fn end(&self) -> f64 {
        self.request_end_time.or(self.end_time).map_or(f64::NAN, |n| n.0)
    }
}

/// A benchmark's successful and errored requests.
type Lists = (Vec<Entry>, Vec<Entry>);

/// The request lists when they hold every successful and errored request; `None` when sampled or empty.
fn complete_requests(benchmark: &Object, successful: usize, errored: usize) -> Result<Option<Lists>, String> {
    let Some(lists) = benchmark.at(&["requests"]) else { return Ok(None) };
    let entries = |key: &str| -> Result<Vec<Entry>, String> {
        let read = lists.field_read(key, Records(&ENTRY))?.unwrap_or_default();
        Ok(read.into_iter().map(Entry::new).collect())
    };
    let ok = entries("successful")?;
    let failed = entries("errored")?;
    if ok.len() != successful || failed.len() != errored || successful == 0 {
        return Ok(None);
    }
    Ok(Some((ok, failed)))
}

fn log(
    ok: Vec<Entry>,
    failed: Vec<Entry>,
    duration: Option<f64>,
    warnings: &mut Vec<Warning>,
    path: &str,
    place: Place,
) -> Result<RequestLog, String> {
    let mut log = RequestLog { recorded_duration_s: duration, ..RequestLog::default() };
    for (i, entry) in ok.iter().enumerate() {
        match successful_request(entry) {
            Ok(request) => log.requests.push(request),
            Err(message) => {
                let _ = place;
                warnings.push(Warning::file(path, format!("successful request {}: skipped: {message}", i + 1)));
            }
        }
    }
    log.requests.extend(failed.iter().map(|entry| Request {
        start: entry.start(),
        end: entry.end(),
        ok: false,
        ..Request::UNKNOWN
    }));
    Ok(log)
}

fn successful_request(entry: &Entry) -> Result<Request, String> {
    let value = |name: &str, n: Option<Num>| checked(format_args!("`{name}`"), n.map_or(f64::NAN, |n| n.0));
    let ttft = value("time_to_first_token_ms", entry.time_to_first_token_ms)? / 1000.0;
    let latency = value("request_latency", entry.request_latency)?;
    let generation_time = checked("`request_latency` − TTFT", latency - ttft)?;
    let output_tokens = value("output_tokens", entry.output_tokens)?;
    // Its inter-token latency is (last token − first token) / (output tokens − 1): TPOT as vLLM defines it.
    let tpot = match entry.inter_token_latency_ms {
        Some(Num(ms)) if output_tokens > 1.0 => checked("`inter_token_latency_ms`", ms)? / 1000.0,
        _ => f64::NAN,
    };
    usable(Request {
        start: entry.start(),
        end: entry.end(),
        ttft,
        generation_time,
        tpot,
        input_tokens: value("prompt_tokens", entry.prompt_tokens)?,
        output_tokens,
        ..Request::UNKNOWN
    })
}

/// The statistics of successful requests that `metrics` states.
fn aggregates(
    benchmark: &Object,
    successful: usize,
    errored: usize,
    duration: Option<f64>,
) -> Result<Aggregates, String> {
    let metrics = benchmark.at(&["metrics"]).ok_or("neither complete request lists nor `metrics`")?;
    let mut aggregates = Aggregates::new(successful);
    aggregates.failed = Some(errored);
    aggregates.duration_s = duration;
    for (name, metric, scale) in [
        ("time_to_first_token_ms", Metric::Ttft, 1e-3),
        ("request_latency", Metric::E2eLatency, 1.0),
        ("inter_token_latency_ms", Metric::Tpot, 1e-3),
        ("prompt_token_count", Metric::PromptTokens, 1.0),
        ("output_token_count", Metric::GenerationTokens, 1.0),
    ] {
        if let Some(stats) = metrics.at(&[name, "successful"]) {
            stat_names::fill(aggregates.metric_mut(metric), &stats, scale);
        }
    }
    let total = |name: &str| metrics.at(&[name, "successful"]).and_then(|s| s.num("total_sum"));
    let per_second = |amount: Option<f64>| Some(amount? / duration.filter(|d| *d > 0.0)?);
    aggregates.throughput = Throughput {
        requests_per_s: per_second(Some(successful as f64)),
        output_tokens_per_s: per_second(total("output_token_count")),
        total_tokens_per_s: per_second(
            total("prompt_token_count").zip(total("output_token_count")).map(|(p, o)| p + o),
        ),
    };
    Ok(aggregates)
}
