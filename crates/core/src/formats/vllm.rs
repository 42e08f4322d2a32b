//! vLLM's `vllm bench serve` (and the older `benchmark_serving.py`) result JSON: one object per run, as a
//! file, as lines appended with `--append-result`, or as the array of a `vllm bench sweep` summary.json.
//! With `--save-detailed` (always in older versions) it holds per-request arrays; otherwise only
//! aggregates in milliseconds. SGLang's bench_serving writes the same shape ([`super::sglang`]).

use super::doc::{Num, Object};
use super::scan::{self, Scan};
use super::{checked, each_object, usable, Document, Found, Part, Place, ToolRead};
use crate::metric::Metric;
use crate::model::{Aggregates, Body, Format, Load, Request, RequestLog, RunData, Throughput};
use crate::text::shown;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// How the vLLM-shaped formats name their aggregate metrics (`mean_<name>_ms`, `p99_<name>_ms`).
pub(crate) struct AggregateNames {
    pub metrics: &'static [(&'static str, Metric)],
}

const VLLM_NAMES: AggregateNames = AggregateNames {
    metrics: &[("ttft", Metric::Ttft), ("tpot", Metric::Tpot), ("itl", Metric::Itl), ("e2el", Metric::E2eLatency)],
};

/// What the viewer does not read: per-request texts, large and never used here.
pub(crate) const NOT_READ: [&str; 1] = ["generated_texts"];

pub(crate) fn read(path: &str, document: &Document) -> Result<ToolRead, String> {
    let objects = document.objects();
    // A sweep's summary.json repeats its run=N.json files: it is combined with them per folder.
    let sweep_summary = objects
        .iter()
        .all(|(place, o)| matches!(place, Place::Item(_)) && o.as_ref().is_ok_and(|o| o.has("run_number")))
        && !objects.is_empty();
    let (runs, warnings) = each_object(path, objects, |object, place, skips| {
        run(object, Format::VllmBench, &VLLM_NAMES, &mut |message| skips.skip(place.warning(path, message)))
    });
    let carry = document.carry.map(|carrier| carrier.without(document, &NOT_READ));
    if sweep_summary {
        return Ok((Found::Part(Part::VllmSweepSummary(runs)), warnings, carry));
    }
    Ok((Found::Runs(runs), warnings, carry))
}

/// One run from a result object; `None` for a sweep's warm-up run (run_number −1). Requests with unusable
/// values are skipped, each told to `skip`.
pub(crate) fn run(
    object: &Object,
    format: Format,
    names: &AggregateNames,
    skip: &mut dyn FnMut(String),
) -> Result<Option<RunData>, String> {
    if object.num("run_number").is_some_and(|n| n < 0.0) {
        return Ok(None);
    }
    let load = load(object)?;
    let body = if object.has("ttfts") {
        Body::Requests(requests(object, skip)?)
    } else {
        Body::Aggregates(Box::new(aggregates(object, names)?))
    };
    let mut run = RunData::new(format, load, body);
    run.model = object.text("model_id");
    run.scenario = object.text("dataset_name").filter(|name| !is_synthetic(name));
    Ok(Some(run))
}

/// Dataset names of the tools' generators rather than of a corpus: they name no scenario.
pub(crate) fn is_synthetic(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["random", "synthetic", "generated", "shared_prefix", "prefix_repetition", "sonnet", "burstgpt"]
        .iter()
        .any(|s| name.contains(s))
}

/// `request_rate` (a number, or `"inf"`) and `max_concurrency`.
fn load(object: &Object) -> Result<Load, String> {
    let rate = match object.get("request_rate") {
        None => return Err("`request_rate` is missing".to_string()),
        Some(node) if node.is_null() => f64::INFINITY,
        Some(node) => match node.de::<Num>() {
            Ok(Num(rate)) => rate,
            Err(_) => {
                let text = node.text().unwrap_or_default();
                return Err(format!("`request_rate` is `{}`: a replay has no load level to compare", shown(&text)));
            }
        },
    };
    let concurrency = object.num("max_concurrency").filter(|c| c.is_finite() && *c > 0.0);
    match (rate, concurrency) {
        (r, _) if r.is_finite() && r > 0.0 => Ok(Load::qps(r)),
        (r, Some(c)) if r.is_infinite() && r > 0.0 => Ok(Load::concurrency(c)),
        (r, None) if r.is_infinite() && r > 0.0 => Ok(Load::UNBOUNDED_QPS),
        (r, _) => Err(format!("`request_rate` is {r}, not a rate")),
    }
}

/// The per-request arrays: `ttfts`, `itls`, `input_lens`, `output_lens`, `errors` and (newer versions)
/// `start_times`, index-aligned.
fn requests(object: &Object, skip: &mut dyn FnMut(String)) -> Result<RequestLog, String> {
    let ttfts = numbers(object, "ttfts")?.unwrap_or_default();
    let n = ttfts.len();
    let itls = match object.get("itls").and_then(|node| Gaps::scanned(node.0)) {
        Some(gaps) => gaps,
        None => object.field::<Gaps>("itls")?.unwrap_or_default(),
    };
    let inputs = numbers(object, "input_lens")?.unwrap_or_default();
    let outputs = numbers(object, "output_lens")?.unwrap_or_default();
    let errors = match object.get("errors").and_then(|node| error_flags(node.0)) {
        Some(flags) => Some(flags),
        None => object.field::<Vec<ErrorFlag>>("errors")?.map(|flags| flags.into_iter().map(|f| f.0).collect()),
    };
    let starts = numbers(object, "start_times")?;
    for (name, len) in [
        ("itls", Some(itls.counts.len())),
        ("input_lens", Some(inputs.len())),
        ("output_lens", Some(outputs.len())),
        ("errors", errors.as_ref().map(Vec::len)),
        ("start_times", starts.as_ref().map(Vec::len)),
    ] {
        if let Some(len) = len.filter(|&len| len != n) {
            return Err(format!("`{name}` has {len} entries but `ttfts` has {n}"));
        }
    }
    let mut log = RequestLog { recorded_duration_s: object.num("duration"), ..RequestLog::default() };
    log.requests.reserve(n);
    // The gaps of the requests kept are moved to the front of their own vector, which becomes the log's.
    let mut gaps = itls.gaps;
    let (mut read_at, mut write_at) = (0, 0);
    for i in 0..n {
        let count = itls.counts[i] as usize;
        let range = read_at..read_at + count;
        read_at += count;
        let ok = !errors.as_ref().is_some_and(|e| e[i]);
        let mut request = Request {
            start: starts.as_ref().map_or(f64::NAN, |s| s[i]),
            input_tokens: inputs[i],
            output_tokens: outputs[i],
            ok,
            ..Request::UNKNOWN
        };
        if ok {
            match successful(&mut request, ttfts[i], &gaps[range.clone()]) {
                Ok(()) => {
                    gaps.copy_within(range, write_at);
                    write_at += count;
                }
                Err(message) => {
                    skip(format!("request {} (index {i}) skipped: {message}", i + 1));
                    continue;
                }
            }
        }
        log.requests.push(request);
    }
    gaps.truncate(write_at);
    log.itl = gaps;
    Ok(log)
}

/// Fills in a successful request's times from its TTFT and inter-token gaps.
fn successful(request: &mut Request, ttft: f64, gaps: &[f64]) -> Result<(), String> {
    request.ttft = checked("`ttfts`", ttft)?;
    let mut total = 0.0;
    for &gap in gaps {
        total += checked("`itls`", gap)?;
    }
    request.generation_time = checked("the sum of `itls`", total)?;
    request.input_tokens = checked("`input_lens`", request.input_tokens)?;
    request.output_tokens = checked("`output_lens`", request.output_tokens)?;
    request.itl_gaps = gaps.len() as u32;
    usable(*request).map(drop)
}

/// The aggregates: counts, throughput, and `mean_/median_/std_/p<P>_<metric>_ms`.
pub(crate) fn aggregates(object: &Object, names: &AggregateNames) -> Result<Aggregates, String> {
    let completed = object.count("completed")?;
    let mut aggregates = Aggregates::new(completed);
    aggregates.failed = match object.num("failed") {
        Some(failed) => Some(super::doc::whole("failed", failed)?),
        None => object
            .num("num_prompts")
            .and_then(|n| super::doc::whole("num_prompts", n).ok())
            .map(|n| n.saturating_sub(completed)),
    };
    aggregates.duration_s = object.num("duration").filter(|d| d.is_finite() && *d >= 0.0);
    let rate = |key: &str| object.num(key).filter(|v| v.is_finite() && *v >= 0.0);
    aggregates.throughput = Throughput {
        requests_per_s: rate("request_throughput"),
        output_tokens_per_s: rate("output_throughput"),
        total_tokens_per_s: rate("total_token_throughput").or_else(|| rate("total_throughput")),
    };
    for &(name, metric) in names.metrics {
        let suffix = format!("_{name}_ms");
        let summary = aggregates.metric_mut(metric);
        let mut median = None;
        for (key, node) in object.members() {
            let Some(stat) = key.strip_suffix(&suffix) else { continue };
            let Some(value) = node.num().filter(|v| v.is_finite()) else { continue };
            match stat {
                "median" => median = Some(value / 1000.0),
                stat => {
                    if let Some(field) = super::stat_names::field(stat) {
                        *summary.field_mut(field) = Some(value / 1000.0);
                    }
                }
            }
        }
        summary.p50 = summary.p50.or(median);
        if summary.has_values() && metric != Metric::Itl {
            summary.n = Some(completed);
        }
    }
    Ok(aggregates)
}

/// A member that is a list of numbers (null: NaN): scanned when it is a plain one (the common case), else
/// read by serde, which says what is wrong.
fn numbers(object: &Object, key: &str) -> Result<Option<Vec<f64>>, String> {
    if let Some(list) = object.get(key).and_then(|node| scan::nums(node.0)) {
        return Ok(Some(list));
    }
    let list: Option<Vec<Num>> = object.field(key)?;
    Ok(list.map(|list| list.into_iter().map(|n| n.0).collect()))
}

/// `errors` scanned (see [`ErrorFlag`]).
fn error_flags(text: &str) -> Option<Vec<bool>> {
    scan::list(text, Scan::error_flag)
}

/// `itls`: a list of gap lists, read straight into one flat vector and a count per request.
#[derive(Debug, Default)]
struct Gaps {
    gaps: Vec<f64>,
    counts: Vec<u32>,
}

impl Gaps {
    /// The gaps scanned, as serde reads them.
    fn scanned(text: &str) -> Option<Gaps> {
        let mut scan = Scan::new(text);
        let mut gaps = Gaps::default();
        scan.array(|scan| {
            let before = gaps.gaps.len();
            if !scan.null() {
                scan.array(|scan| {
                    gaps.gaps.push(scan.num()?);
                    Some(())
                })?;
            }
            gaps.counts.push(u32::try_from(gaps.gaps.len() - before).unwrap_or(u32::MAX));
            Some(())
        })?;
        scan.at_end().then_some(gaps)
    }
}

impl<'de> Deserialize<'de> for Gaps {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Gaps, D::Error> {
        struct Outer;
        impl<'de> Visitor<'de> for Outer {
            type Value = Gaps;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of lists of numbers")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Gaps, A::Error> {
                let mut gaps = Gaps::default();
                while let Some(inner) = seq.next_element_seed(Inner(&mut gaps.gaps))? {
                    gaps.counts.push(inner);
                }
                Ok(gaps)
            }
        }
        struct Inner<'a>(&'a mut Vec<f64>);
        impl<'de> serde::de::DeserializeSeed<'de> for Inner<'_> {
            type Value = u32;
            fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u32, D::Error> {
                deserializer.deserialize_any(self)
            }
        }
        impl<'de> Visitor<'de> for Inner<'_> {
            type Value = u32;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of numbers")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u32, A::Error> {
                let mut count = 0u32;
                while let Some(Num(gap)) = seq.next_element()? {
                    self.0.push(gap);
                    count = count.saturating_add(1);
                }
                Ok(count)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<u32, E> {
                Ok(0)
            }
        }
        deserializer.deserialize_seq(Outer)
    }
}

/// An entry of `errors`: true when it holds a message (an empty string or null means success).
#[derive(Debug, Clone, Copy)]
struct ErrorFlag(bool);

impl<'de> Deserialize<'de> for ErrorFlag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ErrorFlag, D::Error> {
        struct Flag;
        impl Visitor<'_> for Flag {
            type Value = ErrorFlag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an error message or an empty string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ErrorFlag, E> {
                Ok(ErrorFlag(!v.is_empty()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<ErrorFlag, E> {
                Ok(ErrorFlag(false))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<ErrorFlag, E> {
                Ok(ErrorFlag(v))
            }
        }
        deserializer.deserialize_any(Flag)
    }
}
