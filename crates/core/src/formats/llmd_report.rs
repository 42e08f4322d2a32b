//! llm-d-benchmark's "benchmark report" (v0.1, v0.2.x; YAML or JSON): aggregates of one run (one stage)
//! per file, every statistic with its `units`. inference-perf writes v0.2.1 reports beside its own files;
//! those are combined with the rest of its folder ([`super::inference_perf`]).

use super::doc::Object;
use super::{stat_names, Document, Found, Part};
use crate::decimal;
use crate::metric::Metric;
use crate::model::{Aggregates, Body, Format, Load, RunData, Throughput};
use crate::warning::Warning;

pub(crate) fn read(_path: &str, document: &Document) -> Result<(Found, Vec<Warning>), String> {
    let report = document.first_object().ok_or("no report object")?;
    let (run, load_known) = if report.has("results") { v0_2(&report)? } else { (v0_1(&report)?, true) };
    let written_by_inference_perf =
        report.at(&["run"]).and_then(|r| r.text("uid")).is_some_and(|uid| uid.starts_with("inference-perf"));
    if written_by_inference_perf {
        let piece = super::inference_perf::Piece::Report { run, load_known };
        return Ok((Found::Part(Part::InferencePerf(piece)), Vec::new()));
    }
    if !load_known {
        return Err(
            "the report records no load (`scenario.load.standardized`): it can't be placed on a load axis".to_string()
        );
    }
    Ok((Found::Runs(vec![run]), Vec::new()))
}

/// Fills a metric from a statistics object with `units`.
fn put(aggregates: &mut Aggregates, metric: Metric, stats: Option<Object>) -> Result<(), String> {
    let Some(stats) = stats else { return Ok(()) };
    let units = stats.text("units").unwrap_or_default();
    let scale =
        stat_names::seconds_per(&units).ok_or_else(|| format!("{} has unknown units `{units}`", metric.key()))?;
    let requests = aggregates.requests;
    let summary = aggregates.metric_mut(metric);
    if stat_names::fill(summary, &stats, scale) && metric != Metric::Itl {
        summary.n = summary.n.or(Some(requests));
    }
    Ok(())
}

const LATENCIES: [(&str, Metric); 4] = [
    ("time_to_first_token", Metric::Ttft),
    ("time_per_output_token", Metric::Tpot),
    ("inter_token_latency", Metric::Itl),
    ("request_latency", Metric::E2eLatency),
];

fn v0_1(report: &Object) -> Result<RunData, String> {
    let metrics = report.at(&["metrics"]).ok_or("no `metrics`")?;
    let requests = metrics.at(&["requests"]).ok_or("no `metrics.requests`")?;
    let total = requests.count("total")?;
    let failures = requests.count("failures").unwrap_or(0);
    let incomplete = requests.count("incomplete").unwrap_or(0);
    let mut aggregates = Aggregates::new(total.saturating_sub(failures + incomplete));
    aggregates.failed = Some(failures);
    aggregates.duration_s =
        metrics.at(&["time"]).and_then(|t| t.num("duration")).filter(|d| d.is_finite() && *d >= 0.0);
    for (name, metric) in LATENCIES {
        put(&mut aggregates, metric, metrics.at(&["latency", name]))?;
    }
    put(&mut aggregates, Metric::PromptTokens, requests.at(&["input_length"]))?;
    put(&mut aggregates, Metric::GenerationTokens, requests.at(&["output_length"]))?;
    let throughput = metrics.at(&["throughput"]);
    let rate = |key: &str| throughput.as_ref()?.num(key).filter(|v| v.is_finite() && *v >= 0.0);
    aggregates.throughput = Throughput {
        requests_per_s: rate("requests_per_sec"),
        output_tokens_per_s: rate("output_tokens_per_sec"),
        total_tokens_per_s: rate("total_tokens_per_sec"),
    };
    let scenario = report.at(&["scenario"]);
    let load_spec = scenario.as_ref().and_then(|s| s.at(&["load"]));
    let args = load_spec.as_ref().and_then(|l| l.at(&["args"]));
    let positive = |key: &str| args.as_ref()?.num(key).filter(|v| v.is_finite() && *v > 0.0);
    let load = positive("qps_values")
        .or_else(|| positive("qps"))
        .or_else(|| positive("rate"))
        .map(Load::qps)
        .or_else(|| positive("concurrency").or_else(|| positive("max_concurrency")).map(Load::concurrency))
        .ok_or("no load in `scenario.load.args` (qps_values, rate or concurrency)")?;
    let mut run = RunData::new(Format::LlmdReport, load, Body::Aggregates(Box::new(aggregates)));
    run.scenario = load_spec.as_ref().and_then(|l| l.text("type"));
    run.model = scenario.as_ref().and_then(|s| s.at(&["model"])).and_then(|m| m.text("name"));
    Ok(run)
}

/// The run, and whether the report states its load.
fn v0_2(report: &Object) -> Result<(RunData, bool), String> {
    let aggregate = report
        .at(&["results", "request_performance", "aggregate"])
        .ok_or("no `results.request_performance.aggregate`")?;
    let requests = aggregate.at(&["requests"]).ok_or("no `aggregate.requests`")?;
    let total = requests.count("total")?;
    let failures = requests.count("failures").unwrap_or(0);
    let mut aggregates = Aggregates::new(total.saturating_sub(failures));
    aggregates.failed = Some(failures);
    aggregates.duration_s = report.at(&["run", "time"]).and_then(|t| t.text("duration")).and_then(|d| iso_duration(&d));
    for (name, metric) in LATENCIES {
        put(&mut aggregates, metric, aggregate.at(&["latency", name]))?;
    }
    put(&mut aggregates, Metric::PromptTokens, requests.at(&["input_length"]))?;
    put(&mut aggregates, Metric::GenerationTokens, requests.at(&["output_length"]))?;
    let rate = |key: &str| aggregate.at(&["throughput", key])?.num("mean").filter(|v| v.is_finite() && *v >= 0.0);
    aggregates.throughput = Throughput {
        requests_per_s: rate("request_rate"),
        output_tokens_per_s: rate("output_token_rate"),
        total_tokens_per_s: rate("total_token_rate"),
    };
    let standardized = report.at(&["scenario", "load", "standardized"]);
    let positive = |key: &str| standardized.as_ref()?.num(key).filter(|v| v.is_finite() && *v > 0.0);
    let load = match (positive("rate_qps"), positive("concurrency")) {
        (Some(rate), _) => Some(Load::qps(rate)),
        (None, Some(c)) => Some(Load::concurrency(c)),
        (None, None) if standardized.is_some() => Some(Load::UNBOUNDED_QPS),
        (None, None) => None,
    };
    let mut run =
        RunData::new(Format::LlmdReport, load.unwrap_or(Load::UNBOUNDED_QPS), Body::Aggregates(Box::new(aggregates)));
    run.tool_version = standardized.as_ref().and_then(|s| s.text("tool_version"));
    run.id = report.at(&["run"]).and_then(|r| r.text("uid"));
    run.model = report
        .node(&["scenario", "stack"])
        .and_then(|s| s.array())
        .and_then(|stack| stack.into_iter().find_map(|c| c.object()?.at(&["standardized", "model"])?.text("name")));
    Ok((run, load.is_some()))
}

/// Seconds of an ISO 8601 duration (`PT49.97S`, `PT1H2M3S`, `P1DT2H`).
fn iso_duration(text: &str) -> Option<f64> {
    let rest = text.trim().strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut seconds = 0.0;
    for (part, units) in
        [(days, &[('W', 604_800.0), ('D', 86_400.0)][..]), (time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])]
    {
        let mut number = String::new();
        for c in part.chars() {
            match units.iter().find(|(u, _)| *u == c) {
                Some((_, scale)) => {
                    seconds += decimal::parse(&number)? * scale;
                    number.clear();
                }
                None if c.is_ascii_digit() || c == '.' => number.push(c),
                None => return None,
            }
        }
        if !number.is_empty() {
            return None;
        }
    }
    Some(seconds).filter(|s: &f64| s.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations() {
        assert_eq!(iso_duration("PT49.97S"), Some(49.97));
        assert_eq!(iso_duration("PT1H2M3S"), Some(3723.0));
        assert_eq!(iso_duration("P1DT1S"), Some(86_401.0));
        assert_eq!(iso_duration("49"), None);
        assert_eq!(iso_duration("PT5X"), None);
    }
}
