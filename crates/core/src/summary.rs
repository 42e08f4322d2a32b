//! summary.json: the analysis for machines and CI. Field names and shape are a promise (schema_version 3;
//! the README lists the changes from 1 and 2); new fields may be added.

use crate::analysis::{Analysis, Deployment, Run};
use crate::compare::{headlines, Comparison, Headline};
use crate::evidence::{Interval, LEVELS};
use crate::findings::key_findings;
use crate::inference::StatsConfig;
use crate::metric::Metric;
use crate::slo::{Attainment, CapacityComparison, CapacityResult, Slo, SloReport};
use crate::stats::Stat;
use crate::warning::Warning;
use bench_stats::steady::SteadyConfig;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

pub const SCHEMA_VERSION: u32 = 3;

#[derive(Serialize)]
struct SummaryJson<'a> {
    schema_version: u32,
    generator: &'a str,
    baseline: &'a str,
    stats_config: StatsJson,
    deployments: &'a [Deployment],
    scenarios: Vec<&'a str>,
    total_requests: usize,
    failed_requests: usize,
    skipped_rows: usize,
    runs: Vec<RunJson<'a>>,
    comparisons: &'a [Comparison],
    headlines: Vec<Headline>,
    /// The service-level objectives (seconds) and the attainment target, when given.
    slo: Option<&'a Slo>,
    /// Per deployment and scenario of request-rate runs, under the SLO.
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity: Option<&'a [CapacityResult]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity_comparisons: Option<&'a [CapacityComparison]>,
    key_findings: Vec<String>,
    warnings: &'a [Warning],
}

/// The settings of intervals and verdicts, with the fixed ones of the method.
#[derive(Serialize)]
struct StatsJson {
    #[serde(flatten)]
    config: StatsConfig,
    dependence: &'static str,
    steady_state: SteadyJson,
}

#[derive(Serialize)]
struct SteadyJson {
    min_completion_ratio: f64,
    max_drift: f64,
    trend_p: f64,
}

#[derive(Serialize)]
struct RunJson<'a> {
    #[serde(flatten)]
    run: &'a Run,
    /// The steady-state gate (absent without request times).
    #[serde(skip_serializing_if = "Option::is_none")]
    steady_state: Option<SteadyStateJson>,
    /// Per metric and statistic, its interval (absent for runs read from aggregates).
    intervals: Intervals<'a>,
    /// Attainment and goodput under the SLO (absent without one, or without per-request records).
    #[serde(skip_serializing_if = "Option::is_none")]
    slo: Option<Attainment>,
}

#[derive(Serialize)]
struct SteadyStateJson {
    ok: bool,
    completion_ratio: Option<f64>,
    ttft_drift: Option<f64>,
    trend_p: Option<f64>,
    launch_rate: Option<f64>,
    nominal_qps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// A run's intervals, keyed by metric, then by statistic; with each metric's τ̂ per percentile.
struct Intervals<'a> {
    run: &'a Run,
    alpha: f64,
}

impl Serialize for Intervals<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let evidence = &self.run.evidence;
        let columns: Vec<_> = Metric::ALL.into_iter().filter_map(|m| Some((m, evidence.column(m)?))).collect();
        let mut map = serializer.serialize_map(Some(columns.len()))?;
        for (metric, column) in columns {
            let stats: Vec<(&str, Interval)> = LEVELS
                .iter()
                .chain([&Stat::Mean])
                .map(|&stat| (stat.key(), column.interval(stat, self.alpha, evidence.unstable())))
                .collect();
            let tau: Vec<(&str, f64)> = LEVELS.iter().map(|&stat| (stat.key(), column.tau(stat))).collect();
            map.serialize_entry(metric.key(), &MetricIntervals { stats, tau })?;
        }
        map.end()
    }
}

struct MetricIntervals<'a> {
    stats: Vec<(&'a str, Interval)>,
    tau: Vec<(&'a str, f64)>,
}

impl Serialize for MetricIntervals<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.stats.len() + 1))?;
        for (key, interval) in &self.stats {
            map.serialize_entry(key, interval)?;
        }
        // NaN (not estimated) and ∞ (never decorrelates) are not JSON numbers: null and "inf".
        let tau: Vec<(&str, serde_json::Value)> = self
            .tau
            .iter()
            .map(|(key, t)| {
                let value = if t.is_infinite() { "inf".into() } else { serde_json::Value::from(*t) };
                (*key, value)
            })
            .collect();
        map.serialize_entry("tau", &Ordered(tau))?;
        map.end()
    }
}

/// Pairs serialised as a map in their order.
struct Ordered<'a, V>(Vec<(&'a str, V)>);

impl<V: Serialize> Serialize for Ordered<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

fn run_json<'a>(run: &'a Run, config: &StatsConfig, slo: Option<Attainment>) -> RunJson<'a> {
    let steady_state = run.evidence.steady().map(|s| SteadyStateJson {
        ok: !s.unstable,
        completion_ratio: s.completion_ratio,
        ttft_drift: s.drift.filter(|d| d.is_finite()),
        trend_p: s.trend_p,
        launch_rate: s.launch_rate,
        nominal_qps: run.qps,
        reason: s.reason(),
    });
    RunJson { run, steady_state, intervals: Intervals { run, alpha: config.alpha() }, slo }
}

/// Up to how many runs summary.json is indented for reading; larger ones are written compact, half the
/// size (30,000 one-row runs: 143 MB instead of 284 MB) and written in half the time, for programs.
pub const PRETTY_RUNS: usize = 1000;

/// The analysis as JSON (pretty-printed up to [`PRETTY_RUNS`] runs), with what the SLO tells when one is
/// given. `generator` names the program and version that made it.
pub fn to_json(analysis: &Analysis, slo: Option<&SloReport>, generator: &str) -> String {
    let slo = slo.filter(|r| r.slo.is_set());
    let attainment = |i: usize| slo.and_then(|r| r.runs.get(i).copied().flatten());
    let steady = SteadyConfig::default();
    let summary = SummaryJson {
        schema_version: SCHEMA_VERSION,
        generator,
        baseline: &analysis.baseline,
        stats_config: StatsJson {
            config: analysis.config,
            dependence: "geyer_indicator",
            steady_state: SteadyJson {
                min_completion_ratio: steady.min_completion_ratio,
                max_drift: steady.max_drift,
                trend_p: steady.trend_p,
            },
        },
        deployments: &analysis.deployments,
        scenarios: analysis.scenarios(),
        total_requests: analysis.total_requests(),
        failed_requests: analysis.total_failed(),
        skipped_rows: analysis.total_skipped_rows(),
        runs: analysis.runs.iter().enumerate().map(|(i, r)| run_json(r, &analysis.config, attainment(i))).collect(),
        comparisons: &analysis.comparisons,
        headlines: headlines(&analysis.comparisons),
        slo: slo.map(|r| &r.slo),
        capacity: slo.map(|r| r.capacities.as_slice()),
        capacity_comparisons: slo.map(|r| r.comparisons.as_slice()),
        key_findings: key_findings(analysis, slo),
        warnings: &analysis.warnings,
    };
    let written = if analysis.runs.len() <= PRETTY_RUNS {
        serde_json::to_string_pretty(&summary)
    } else {
        serde_json::to_string(&summary)
    };
    let mut json = written.expect("the summary has only string keys and numbers");
    json.push('\n');
    json
}
