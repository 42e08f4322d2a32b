//! From the runs the readers found to the analysis: runs grouped by deployment, scenario and load
//! (repetitions together), each group's statistics and throughput, the deployments with their labels,
//! and the baseline.

use crate::compare::{compare_all, Comparison};
use crate::discovery::{deployment_id, deployment_label, DeploymentBy};
use crate::formats::Sourced;
use crate::metric::Metric;
use crate::model::{Aggregates, Body, Format, Load, RequestLog, Sweep, Throughput, DEFAULT_SCENARIO};
use crate::sorting::{sort_by, sort_dedup};
use crate::stats::Summary;
use crate::warning::Warning;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::cmp::Ordering;

/// A deployment: its id (by default its folder relative to the results folder), and a short label for
/// charts and tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deployment {
    pub id: String,
    pub label: String,
}

/// Identifies a run: one deployment, one scenario, one load.
#[derive(Debug, Clone, PartialEq)]
pub struct RunKey {
    pub deployment: String,
    pub scenario: String,
    pub load: Load,
}

impl RunKey {
    /// The one order of runs everywhere: deployment id, scenario, load.
    pub fn order(&self, other: &RunKey) -> Ordering {
        (&self.deployment, &self.scenario).cmp(&(&other.deployment, &other.scenario)).then(self.load.order(other.load))
    }
}

/// How runs are keyed: how deployments are named, and a scenario for every run instead of the files'.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grouping {
    pub deployment_by: DeploymentBy,
    pub scenario: Option<String>,
}

/// The runs read for one key: one per repetition.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: RunKey,
    pub parts: Vec<Sourced>,
}

/// Groups runs by key, ordered by key; parts by file. Warnings when deployments must be named by
/// folder for want of a recorded model or target.
pub fn group_runs(runs: Vec<Sourced>, grouping: &Grouping, warnings: &mut Vec<Warning>) -> Vec<Group> {
    let mut keyed: Vec<(RunKey, Sourced)> = runs
        .into_iter()
        .map(|sourced| {
            let deployment = deployment_id(&sourced, grouping.deployment_by, warnings);
            let scenario = grouping
                .scenario
                .clone()
                .or_else(|| sourced.run.scenario.clone())
                .unwrap_or_else(|| DEFAULT_SCENARIO.to_string());
            (RunKey { deployment, scenario, load: sourced.run.load }, sourced)
        })
        .collect();
    sort_by(&mut keyed, |a, b| {
        a.0.order(&b.0).then_with(|| a.1.files.cmp(&b.1.files)).then_with(|| a.1.run.part.cmp(&b.1.run.part))
    });
    let mut groups: Vec<Group> = Vec::new();
    for (key, sourced) in keyed {
        match groups.last_mut() {
            Some(group) if group.key.order(&key).is_eq() => group.parts.push(sourced),
            _ => groups.push(Group { key, parts: vec![sourced] }),
        }
    }
    groups
}

/// The statistics of every [`Metric`] for one run; serialised as an object keyed by `Metric::key`.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics([Summary; Metric::ALL.len()]);

impl Metrics {
    pub fn get(&self, metric: Metric) -> &Summary {
        &self.0[metric as usize]
    }

    /// Every metric over the successful requests of `logs`, pooled, reusing one buffer.
    pub fn of(logs: &[&RequestLog]) -> Metrics {
        let count: usize = logs.iter().map(|l| l.requests.len()).sum();
        let mut buffer = Vec::with_capacity(count);
        Metrics(Metric::ALL.map(|metric| {
            buffer.clear();
            if metric == Metric::Itl {
                for log in logs {
                    buffer.extend(log.itl.iter().copied().filter(|v| v.is_finite()));
                }
                // A metric no request of the run has is unknown, not empty.
                if buffer.is_empty() && logs.iter().all(|l| l.requests.iter().all(|r| r.itl_gaps == 0)) {
                    return Summary::UNKNOWN;
                }
            } else {
                for log in logs {
                    buffer.extend(log.requests.iter().filter(|r| r.ok).filter_map(|r| metric.of(r)));
                }
                if buffer.is_empty() && !logs.iter().any(|l| l.requests.iter().any(|r| r.ok && known(metric, r))) {
                    return Summary::UNKNOWN;
                }
            }
            Summary::of(&mut buffer)
        }))
    }
}

/// Whether a request's file records what `metric` is computed from.
fn known(metric: Metric, r: &crate::model::Request) -> bool {
    match metric {
        Metric::Ttft => r.ttft.is_finite(),
        Metric::GenerationTime | Metric::E2eLatency | Metric::DecodeTokensPerS => r.generation_time.is_finite(),
        Metric::Tpot => r.tpot.is_finite() || r.generation_time.is_finite(),
        Metric::Itl => r.itl_gaps > 0,
        Metric::PromptTokens => r.input_tokens.is_finite(),
        Metric::GenerationTokens => r.output_tokens.is_finite(),
    }
}

impl Serialize for Metrics {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Metric::ALL.len()))?;
        for metric in Metric::ALL {
            map.serialize_entry(metric.key(), self.get(metric))?;
        }
        map.end()
    }
}

/// The statistics of one run: one deployment, one scenario, one load; one or more repetitions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub deployment: String,
    pub scenario: String,
    /// The request rate, for a run at a bounded rate; `null` otherwise.
    pub qps: Option<f64>,
    pub load: Load,
    pub format: Format,
    pub tool_version: Option<String>,
    pub files: Vec<String>,
    /// Whether the statistics come from per-request records (else from the files' aggregates).
    pub per_request: bool,
    /// Successful requests.
    pub requests: usize,
    /// Failed requests; `null` when the files can't tell.
    pub failed_requests: Option<usize>,
    pub skipped_rows: usize,
    /// Sum over repetitions of each one's duration (gaps between repetitions don't count).
    pub duration_s: Option<f64>,
    pub throughput: Throughput,
    pub metrics: Metrics,
}

impl Run {
    /// Summarises the runs of one key. Per-request repetitions are pooled; when any repetition has only
    /// aggregates, each statistic is the mean over the repetitions that state it.
    pub fn summarise(group: &Group) -> Run {
        let parts = &group.parts;
        let logs: Vec<&RequestLog> = parts
            .iter()
            .filter_map(|p| match &p.run.body {
                Body::Requests(log) => Some(log),
                Body::Aggregates(_) => None,
            })
            .collect();
        let per_request = logs.len() == parts.len();
        let first = &parts[0].run;
        let mut files: Vec<String> = parts.iter().flat_map(|p| p.files.iter().cloned()).collect();
        files.dedup();
        let aggregates = if per_request { pooled(&logs) } else { averaged(parts) };
        let Aggregates { requests, failed, duration_s, throughput, metrics } = aggregates;
        Run {
            deployment: group.key.deployment.clone(),
            scenario: group.key.scenario.clone(),
            qps: group.key.load.qps_value(),
            load: group.key.load,
            format: first.format,
            tool_version: first.tool_version.clone(),
            files,
            per_request,
            requests,
            failed_requests: failed,
            skipped_rows: parts.iter().map(|p| p.run.skipped).sum(),
            duration_s,
            throughput,
            metrics: Metrics(metrics),
        }
    }
}

/// The statistics of pooled per-request repetitions.
fn pooled(logs: &[&RequestLog]) -> Aggregates {
    let durations: Option<Vec<f64>> = logs.iter().map(|l| l.duration_s()).collect();
    let duration_s = durations.map(|d| d.iter().sum::<f64>()).filter(|d| d.is_finite());
    let ok = || logs.iter().flat_map(|l| l.requests.iter()).filter(|r| r.ok);
    let requests = ok().count();
    let output: f64 = ok().map(|r| r.output_tokens).filter(|t| t.is_finite()).sum();
    let input: f64 = ok().map(|r| r.input_tokens).filter(|t| t.is_finite()).sum();
    let per_second = |amount: f64| duration_s.filter(|d| *d > 0.0).map(|d| amount / d).filter(|v| v.is_finite());
    Aggregates {
        requests,
        failed: Some(logs.iter().map(|l| l.failed()).sum()),
        duration_s,
        throughput: Throughput {
            requests_per_s: per_second(requests as f64),
            output_tokens_per_s: per_second(output),
            total_tokens_per_s: per_second(input + output),
        },
        metrics: Metrics::of(logs).0,
    }
}

/// Repetitions of which some have only aggregates: counts summed, each rate and statistic the mean of
/// the repetitions' (known only when every repetition states it).
fn averaged(parts: &[Sourced]) -> Aggregates {
    let each: Vec<Aggregates> = parts
        .iter()
        .map(|p| match &p.run.body {
            Body::Requests(log) => pooled(&[log]),
            Body::Aggregates(a) => (**a).clone(),
        })
        .collect();
    if let [one] = each.as_slice() {
        return one.clone();
    }
    let mean = |values: Vec<Option<f64>>| -> Option<f64> {
        let known: Option<Vec<f64>> = values.into_iter().collect();
        known.filter(|v| !v.is_empty()).map(|v| crate::stats::mean(&v))
    };
    let sum_counts = |values: Vec<Option<usize>>| -> Option<usize> { values.into_iter().sum() };
    let mut metrics = [Summary::UNKNOWN; Metric::ALL.len()];
    for (i, summary) in metrics.iter_mut().enumerate() {
        summary.n = sum_counts(each.iter().map(|a| a.metrics[i].n).collect());
        for field in crate::stats::Field::ALL {
            *summary.field_mut(field) = mean(each.iter().map(|a| a.metrics[i].field(field)).collect());
        }
    }
    Aggregates {
        requests: each.iter().map(|a| a.requests).sum(),
        failed: sum_counts(each.iter().map(|a| a.failed).collect()),
        duration_s: each.iter().map(|a| a.duration_s).sum::<Option<f64>>().filter(|d| d.is_finite()),
        throughput: Throughput {
            requests_per_s: mean(each.iter().map(|a| a.throughput.requests_per_s).collect()),
            output_tokens_per_s: mean(each.iter().map(|a| a.throughput.output_tokens_per_s).collect()),
            total_tokens_per_s: mean(each.iter().map(|a| a.throughput.total_tokens_per_s).collect()),
        },
        metrics,
    }
}

/// Everything the reports and charts show.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Ordered by id; a deployment's index here is its colour everywhere.
    pub deployments: Vec<Deployment>,
    /// Id of the baseline deployment.
    pub baseline: String,
    /// Ordered by deployment, scenario, load.
    pub runs: Vec<Run>,
    pub comparisons: Vec<Comparison>,
    /// Every problem met in the input, in path order.
    pub warnings: Vec<Warning>,
}

impl Analysis {
    /// Builds the analysis from summarised runs (see [`group_runs`] and [`Run::summarise`]).
    /// `root_label` names the results folder, for files that lie directly in it; `baseline` is an id or
    /// label chosen by the user. Errors when there is no run, or the baseline names no deployment.
    pub fn new(
        mut runs: Vec<Run>,
        warnings: Vec<Warning>,
        root_label: &str,
        baseline: Option<&str>,
    ) -> Result<Analysis, String> {
        runs.retain(|r| r.requests > 0 || r.metrics.0.iter().any(Summary::has_values));
        if runs.is_empty() {
            return Err("no run could be analysed: no result file had a usable record".to_string());
        }
        sort_by(&mut runs, |a, b| key_of(a).order(&key_of(b)));
        let mut ids: Vec<&str> = runs.iter().map(|r| r.deployment.as_str()).collect();
        ids.dedup();
        let deployments = label_deployments(&ids, root_label);
        let baseline = choose_baseline(&deployments, baseline)?;
        let comparisons = compare_all(&runs, &baseline);
        Ok(Analysis { deployments, baseline, runs, comparisons, warnings })
    }

    /// The same analysis compared against another baseline (an id); unchanged if the id is unknown.
    pub fn with_baseline(&self, baseline: &str) -> Analysis {
        if baseline == self.baseline || self.deployment_index(baseline).is_none() {
            return self.clone();
        }
        Analysis { baseline: baseline.to_string(), comparisons: compare_all(&self.runs, baseline), ..self.clone() }
    }

    pub fn deployment_index(&self, id: &str) -> Option<usize> {
        self.deployments.iter().position(|d| d.id == id)
    }

    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.deployments.iter().find(|d| d.id == id).map_or(id, |d| d.label.as_str())
    }

    /// Scenarios in name order.
    pub fn scenarios(&self) -> Vec<&str> {
        let mut scenarios: Vec<&str> = self.runs.iter().map(|r| r.scenario.as_str()).collect();
        sort_dedup(&mut scenarios);
        scenarios
    }

    /// Each scenario with each kind of load it was run at: what one chart's load axis shows.
    pub fn sweeps(&self) -> Vec<Sweep> {
        let mut sweeps: Vec<Sweep> =
            self.runs.iter().map(|r| Sweep { scenario: r.scenario.clone(), kind: r.load.kind }).collect();
        sort_dedup(&mut sweeps);
        sweeps
    }

    /// The loads of a sweep over all deployments, ascending (unbounded last).
    pub fn levels(&self, sweep: &Sweep) -> Vec<Load> {
        let mut levels: Vec<Load> = self.runs_in(sweep).map(|r| r.load).collect();
        sort_by(&mut levels, |a, b| a.order(*b));
        levels.dedup_by(|a, b| a.order(*b).is_eq());
        levels
    }

    pub fn run(&self, deployment: &str, scenario: &str, load: Load) -> Option<&Run> {
        self.runs.iter().find(|r| r.deployment == deployment && r.scenario == scenario && r.load.order(load).is_eq())
    }

    fn runs_in<'a>(&'a self, sweep: &'a Sweep) -> impl Iterator<Item = &'a Run> + 'a {
        self.runs.iter().filter(move |r| r.scenario == sweep.scenario && r.load.kind == sweep.kind)
    }

    /// The runs of one deployment in one sweep, by load.
    pub fn runs_of<'a>(&'a self, deployment: &'a str, sweep: &'a Sweep) -> impl Iterator<Item = &'a Run> + 'a {
        self.runs_in(sweep).filter(move |r| r.deployment == deployment)
    }

    pub fn total_requests(&self) -> usize {
        self.runs.iter().map(|r| r.requests).sum()
    }

    pub fn total_failed(&self) -> usize {
        self.runs.iter().filter_map(|r| r.failed_requests).sum()
    }

    pub fn total_skipped_rows(&self) -> usize {
        self.runs.iter().map(|r| r.skipped_rows).sum()
    }
}

fn key_of(run: &Run) -> RunKey {
    RunKey { deployment: run.deployment.clone(), scenario: run.scenario.clone(), load: run.load }
}

/// Labels are the id's last component, or the whole id where two deployments would share one.
fn label_deployments(ids: &[&str], root_label: &str) -> Vec<Deployment> {
    let short = |id: &str| if id == "." { root_label.to_string() } else { deployment_label(id).to_string() };
    ids.iter()
        .map(|&id| {
            let label = short(id);
            let shared = ids.iter().filter(|&&other| short(other) == label).count() > 1;
            Deployment { id: id.to_string(), label: if shared { id.to_string() } else { label } }
        })
        .collect()
}

/// The user's choice (id, else a unique label), else the deployment under a top-level `standalone`
/// folder, else the first by id.
fn choose_baseline(deployments: &[Deployment], wanted: Option<&str>) -> Result<String, String> {
    let Some(wanted) = wanted else {
        let standalone = deployments.iter().find(|d| d.id == "standalone" || d.id.starts_with("standalone/"));
        return Ok(standalone.unwrap_or(&deployments[0]).id.clone());
    };
    if let Some(d) = deployments.iter().find(|d| d.id == wanted) {
        return Ok(d.id.clone());
    }
    let by_label: Vec<&Deployment> =
        deployments.iter().filter(|d| deployment_label(&d.id) == wanted || d.label == wanted).collect();
    match by_label.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(format!(
            "--baseline `{wanted}` names no deployment; the deployments are: {}",
            deployments.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", ")
        )),
        many => Err(format!(
            "--baseline `{wanted}` is ambiguous; give one of: {}",
            many.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}
