//! From the runs the readers found to the analysis: runs grouped by deployment, scenario and load
//! (repetitions together), each group's statistics and throughput, the deployments with their labels,
//! and the baseline.

use crate::compare::{compare_all, decide, prepare, prepare_share, Comparison, Quantity};
use crate::discovery::{deployment_id, deployment_label, DeploymentBy};
use crate::evidence::{Evidence, Interval};
use crate::formats::Sourced;
use crate::inference::{Estimates, StatsConfig};
use crate::metric::Metric;
use crate::model::{Aggregates, Body, Format, Load, RequestLog, Sweep, Throughput, DEFAULT_SCENARIO};
use crate::sorting::{sort_by, sort_dedup};
use crate::stats::Summary;
use crate::text::shown;
use crate::warning::Warning;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::sync::{Arc, Mutex};

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
        key_order((&self.deployment, &self.scenario, self.load), (&other.deployment, &other.scenario, other.load))
    }
}

/// [`RunKey::order`] on borrowed keys: (deployment id, scenario, load).
fn key_order(a: (&str, &str, Load), b: (&str, &str, Load)) -> Ordering {
    (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.order(b.2))
}

fn key(run: &Run) -> (&str, &str, Load) {
    (&run.deployment, &run.scenario, run.load)
}

/// The order of the runs of one sweep: scenario, kind and value of the load, deployment id.
fn load_order(a: &Run, b: &Run) -> Ordering {
    a.scenario.cmp(&b.scenario).then(a.load.order(b.load)).then(a.deployment.cmp(&b.deployment))
}

/// The run of `runs` (in [`RunKey::order`]) with this key, found by bisection.
pub fn find_run<'a>(runs: &'a [Run], deployment: &str, scenario: &str, load: Load) -> Option<&'a Run> {
    runs.binary_search_by(|run| key_order(key(run), (deployment, scenario, load))).ok().map(|i| &runs[i])
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

    /// Every metric over the successful requests of `logs`, pooled: from the evidence's sorted values
    /// where it has them, else through one reused buffer.
    pub fn of(logs: &[&RequestLog], evidence: &Evidence) -> Metrics {
        let count: usize = logs.iter().map(|l| l.requests.len()).sum();
        let mut buffer = Vec::with_capacity(count);
        Metrics(Metric::ALL.map(|metric| {
            if let Some(column) = evidence.column(metric) {
                return Summary::of_sorted(&column.sorted);
            }
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
    /// What the requests tell about the statistics' uncertainty.
    #[serde(skip)]
    pub evidence: Evidence,
    /// Each repetition's own figures, when there are several (compared run by run).
    #[serde(skip)]
    pub repetitions: Vec<Figures>,
}

/// The figures of one repetition.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub throughput: Throughput,
    pub metrics: Metrics,
}

impl Run {
    /// Summarises the runs of one key. Per-request repetitions are pooled; when any repetition has only
    /// aggregates, each statistic is the mean over the repetitions that state it.
    pub fn summarise(group: &Group) -> Run {
        Run::summarise_for(group, true)
    }

    /// [`Run::summarise`], keeping what SLOs check of each request only if `for_slo`: a caller that checks
    /// no SLO need not (see [`Evidence::of`]).
    pub fn summarise_for(group: &Group, for_slo: bool) -> Run {
        let parts = &group.parts;
        let logs: Vec<(&str, &RequestLog)> = parts
            .iter()
            .filter_map(|p| match &p.run.body {
                Body::Requests(log) => Some((p.files.first().map_or("", String::as_str), log)),
                Body::Aggregates(_) => None,
            })
            .collect();
        let per_request = logs.len() == parts.len();
        let first = &parts[0].run;
        let mut files: Vec<String> = parts.iter().flat_map(|p| p.files.iter().cloned()).collect();
        files.dedup();
        let evidence = if per_request { Evidence::of(&logs, for_slo) } else { Evidence::default() };
        let aggregates = if per_request { pooled(&logs, &evidence) } else { averaged(parts) };
        let repetitions = if parts.len() > 1 { parts.iter().map(figures).collect() } else { Vec::new() };
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
            evidence,
            repetitions,
        }
    }
}

/// One repetition's own figures.
fn figures(part: &Sourced) -> Figures {
    let Aggregates { throughput, metrics, .. } = aggregates_of(part);
    Figures { throughput, metrics: Metrics(metrics) }
}

/// A repetition's aggregates: as read, or computed from its requests.
fn aggregates_of(part: &Sourced) -> Aggregates {
    match &part.run.body {
        Body::Requests(log) => pooled(&[("", log)], &Evidence::default()),
        Body::Aggregates(a) => (**a).clone(),
    }
}

/// The statistics of pooled per-request repetitions.
fn pooled(logs: &[(&str, &RequestLog)], evidence: &Evidence) -> Aggregates {
    let logs: Vec<&RequestLog> = logs.iter().map(|(_, log)| *log).collect();
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
        metrics: Metrics::of(&logs, evidence).0,
    }
}

/// Repetitions of which some have only aggregates: counts summed, each rate and statistic the mean of
/// the repetitions' (known only when every repetition states it).
fn averaged(parts: &[Sourced]) -> Aggregates {
    let each: Vec<Aggregates> = parts.iter().map(aggregates_of).collect();
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
    /// The settings of intervals and verdicts.
    pub config: StatsConfig,
    /// The intervals computed so far, shared with this analysis's copies against other baselines.
    estimates: SharedEstimates,
    /// Whether `comparisons` were computed (see [`Analysis::pending`]).
    compared: bool,
    /// Indices of `runs` by scenario, load and deployment: the runs of one sweep, and of one load, side by
    /// side, so that queries by load take logarithmic time and the report's cost grows as n log n.
    by_load: Vec<usize>,
}

/// Intervals shared between copies of an analysis; not part of what an analysis is (equal always).
#[derive(Debug, Clone, Default)]
struct SharedEstimates(Arc<Mutex<Estimates>>);

impl PartialEq for SharedEstimates {
    fn eq(&self, _: &SharedEstimates) -> bool {
        true
    }
}

impl SharedEstimates {
    fn with<T>(&self, f: impl FnOnce(&mut Estimates) -> T) -> T {
        // A panic while holding the lock cannot leave the cache inconsistent: entries are whole.
        let mut known = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut known)
    }
}

impl Analysis {
    /// Builds the analysis from summarised runs (see [`group_runs`] and [`Run::summarise`]), with every
    /// comparison against the baseline. See [`Analysis::uncompared`] for the arguments.
    pub fn new(
        runs: Vec<Run>,
        warnings: Vec<Warning>,
        root_label: &str,
        baseline: Option<&str>,
        config: StatsConfig,
    ) -> Result<Analysis, String> {
        let pending = Analysis::uncompared(runs, warnings, root_label, baseline, config)?;
        Ok(pending.with_settings(&pending.baseline, config))
    }

    /// Builds the analysis from summarised runs without the comparisons, which take longest (see
    /// [`Analysis::pending`]).
    /// `root_label` names the results folder, for files that lie directly in it; `baseline` is an id or
    /// label chosen by the user. Errors when there is no run, or the baseline names no deployment.
    pub fn uncompared(
        mut runs: Vec<Run>,
        mut warnings: Vec<Warning>,
        root_label: &str,
        baseline: Option<&str>,
        config: StatsConfig,
    ) -> Result<Analysis, String> {
        runs.retain(|r| r.requests > 0 || r.metrics.0.iter().any(Summary::has_values));
        if runs.is_empty() {
            return Err("no run could be analysed: no result file had a usable record".to_string());
        }
        sort_by(&mut runs, |a, b| key_order(key(a), key(b)));
        let mut ids: Vec<&str> = runs.iter().map(|r| r.deployment.as_str()).collect();
        ids.dedup();
        let deployments = label_deployments(&ids, root_label);
        let baseline = choose_baseline(&deployments, baseline)?;
        warnings.extend(launch_rate_warnings(&runs));
        crate::warning::sort(&mut warnings);
        let mut by_load: Vec<usize> = (0..runs.len()).collect();
        sort_by(&mut by_load, |&a, &b| load_order(&runs[a], &runs[b]));
        Ok(Analysis {
            deployments,
            baseline,
            runs,
            comparisons: Vec::new(),
            warnings,
            config,
            estimates: SharedEstimates::default(),
            compared: false,
            by_load,
        })
    }

    /// This analysis against `baseline` with `config`, without its comparisons yet: what a viewer shows
    /// while their intervals are computed ([`Analysis::prepare`]).
    pub fn pending(&self, baseline: &str, config: StatsConfig) -> Analysis {
        let baseline = if self.deployment_index(baseline).is_some() { baseline } else { &self.baseline };
        Analysis { baseline: baseline.to_string(), config, comparisons: Vec::new(), compared: false, ..self.clone() }
    }

    /// Whether the comparisons are computed (not [`Analysis::pending`]).
    pub fn is_compared(&self) -> bool {
        self.compared
    }

    /// The same analysis compared against another baseline (an id; the current one if the id is
    /// unknown) with other settings. Only what changed is recomputed: the verdicts alone when only the
    /// noise threshold or the multiplicity correction changed.
    pub fn with_settings(&self, baseline: &str, config: StatsConfig) -> Analysis {
        let baseline = if self.deployment_index(baseline).is_some() { baseline } else { &self.baseline };
        let same_intervals = StatsConfig {
            noise_threshold: config.noise_threshold,
            multiplicity: config.multiplicity,
            fdr: config.fdr,
            ..self.config
        } == config;
        let mut analysis = Analysis { baseline: baseline.to_string(), config, compared: true, ..self.clone() };
        if baseline != self.baseline || !same_intervals || !self.compared {
            analysis.comparisons = self.estimates.with(|known| compare_all(&analysis.runs, baseline, &config, known));
        } else if config != self.config {
            decide(&mut analysis.comparisons, &config);
        }
        analysis
    }

    /// The interval of a run's statistic at the analysis's confidence; `None` for a quantity without
    /// one (throughput) or a run read from aggregates.
    pub fn interval(&self, run: &Run, quantity: Quantity) -> Option<Interval> {
        let Quantity::Stat(metric, stat) = quantity else { return None };
        let column = run.evidence.column(metric)?;
        Some(column.interval(stat, self.config.alpha(), run.evidence.unstable()))
    }

    /// Computes up to `budget` of the intervals that [`Analysis::with_settings`] for `baseline` and
    /// `config` will need, so that it is quick when the time comes; whether all are computed.
    pub fn prepare(&self, baseline: &str, config: &StatsConfig, budget: usize) -> bool {
        self.estimates.with(|known| prepare(&self.runs, baseline, config, known, budget))
    }

    /// Share `part` of `parts` of the intervals that [`Analysis::with_settings`] for `baseline` and
    /// `config` will need, computed apart from the analysis, so that the shares can be computed at once on
    /// several threads; each is then given to [`Analysis::add_prepared`].
    pub fn prepare_share(&self, baseline: &str, config: &StatsConfig, part: usize, parts: usize) -> Estimates {
        prepare_share(&self.runs, baseline, config, part, parts)
    }

    /// Keeps a share of intervals from [`Analysis::prepare_share`] for what needs them.
    pub fn add_prepared(&self, share: Estimates, config: &StatsConfig) {
        self.estimates.with(|known| known.add(share, config));
    }

    /// The comparison of one deployment with the baseline at one scenario and load.
    pub fn comparison(&self, deployment: &str, scenario: &str, load: Load) -> Option<&Comparison> {
        // In the order of the runs they compare.
        let at = self.comparisons.binary_search_by(|c| {
            key_order((c.deployment.as_str(), c.scenario.as_str(), c.load), (deployment, scenario, load))
        });
        at.ok().map(|i| &self.comparisons[i])
    }

    pub fn deployment_index(&self, id: &str) -> Option<usize> {
        self.deployments.binary_search_by(|d| d.id.as_str().cmp(id)).ok()
    }

    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.deployment_index(id).map_or(id, |i| self.deployments[i].label.as_str())
    }

    /// Scenarios in name order.
    pub fn scenarios(&self) -> Vec<&str> {
        let mut scenarios: Vec<&str> = self.runs.iter().map(|r| r.scenario.as_str()).collect();
        sort_dedup(&mut scenarios);
        scenarios
    }

    /// Each scenario with each kind of load it was run at: what one chart's load axis shows.
    pub fn sweeps(&self) -> Vec<Sweep> {
        let mut sweeps: Vec<Sweep> = Vec::new();
        for run in self.by_load.iter().map(|&i| &self.runs[i]) {
            if sweeps.last().is_none_or(|last| last.scenario != run.scenario || last.kind != run.load.kind) {
                sweeps.push(Sweep { scenario: run.scenario.clone(), kind: run.load.kind });
            }
        }
        sweeps
    }

    /// The loads of a sweep over all deployments, ascending (unbounded last).
    pub fn levels(&self, sweep: &Sweep) -> Vec<Load> {
        let mut levels: Vec<Load> = self.runs_in(sweep).map(|r| r.load).collect();
        levels.dedup_by(|a, b| a.order(*b).is_eq());
        levels
    }

    pub fn run(&self, deployment: &str, scenario: &str, load: Load) -> Option<&Run> {
        find_run(&self.runs, deployment, scenario, load)
    }

    /// The runs of one sweep, by load and then deployment id.
    pub fn runs_in<'a>(&'a self, sweep: &Sweep) -> impl Iterator<Item = &'a Run> + 'a {
        let place = |run: &Run| (run.scenario.as_str(), run.load.kind).cmp(&(sweep.scenario.as_str(), sweep.kind));
        self.by_load[bisect(&self.by_load, |&i| place(&self.runs[i]))].iter().map(|&i| &self.runs[i])
    }

    /// The runs of one scenario at one load, by deployment id.
    pub fn runs_at<'a>(&'a self, scenario: &str, load: Load) -> impl Iterator<Item = &'a Run> + 'a {
        let place = |run: &Run| run.scenario.as_str().cmp(scenario).then(run.load.order(load));
        self.by_load[bisect(&self.by_load, |&i| place(&self.runs[i]))].iter().map(|&i| &self.runs[i])
    }

    /// The runs of one deployment in one sweep, by load.
    pub fn runs_of<'a>(&'a self, deployment: &str, sweep: &Sweep) -> impl Iterator<Item = &'a Run> + 'a {
        let wanted = (deployment, sweep.scenario.as_str(), sweep.kind);
        self.runs
            [bisect(&self.runs, |run| (run.deployment.as_str(), run.scenario.as_str(), run.load.kind).cmp(&wanted))]
        .iter()
    }

    /// The runs of each deployment in each sweep it has runs in: consecutive slices of `runs`.
    pub fn runs_by_deployment_and_sweep(&self) -> impl Iterator<Item = &[Run]> {
        self.runs
            .chunk_by(|a, b| (&a.deployment, &a.scenario, a.load.kind) == (&b.deployment, &b.scenario, b.load.kind))
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

/// A warning for each repetition whose measured launch rate is more than 10 % off its nominal request
/// rate (a truncated run, or a load generator that could not keep up): not a gate (design §3). Random
/// (Poisson) arrivals make the measured rate of n requests vary by about 1/√n, so a short run is
/// only flagged when it is off by more than three times that.
fn launch_rate_warnings(runs: &[Run]) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for run in runs {
        let Some(nominal) = run.qps else { continue };
        for gate in &run.evidence.gates {
            let Some(measured) = gate.state.launch_rate else { continue };
            let noise = 3.0 / (gate.launches.saturating_sub(1).max(1) as f64).sqrt();
            if bench_stats::steady::launch_rate_differs(measured, nominal) && (measured / nominal - 1.0).abs() > noise {
                warnings.push(Warning::file(
                    &gate.file,
                    format!(
                        "requests were launched at {} per second, not the nominal {}: a truncated run, or a load generator that fell behind",
                        crate::text::significant(measured),
                        crate::text::qps(nominal)
                    ),
                ));
            }
        }
    }
    warnings
}

/// Where in `items` (ordered by `place`) the items are that `place` finds `Equal`, by bisection.
fn bisect<T>(items: &[T], place: impl Fn(&T) -> Ordering) -> std::ops::Range<usize> {
    items.partition_point(|item| place(item).is_lt())..items.partition_point(|item| place(item).is_le())
}

/// Labels are the id's last component, or the whole id where two deployments would share one.
fn label_deployments(ids: &[&str], root_label: &str) -> Vec<Deployment> {
    let short = |id: &'_ str| if id == "." { root_label.to_string() } else { deployment_label(id).to_string() };
    let mut uses: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for &id in ids {
        *uses.entry(short(id)).or_default() += 1;
    }
    ids.iter()
        .map(|&id| {
            let label = short(id);
            let shared = uses[&label] > 1;
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
            "--baseline `{}` names no deployment; the deployments are: {}",
            shown(wanted),
            listed(deployments.iter())
        )),
        many => {
            Err(format!("--baseline `{}` is ambiguous; give one of: {}", shown(wanted), listed(many.iter().copied())))
        }
    }
}

/// The ids of `deployments`, the first twenty of them.
fn listed<'a>(deployments: impl ExactSizeIterator<Item = &'a Deployment>) -> String {
    const LISTED: usize = 20;
    let more = deployments.len().saturating_sub(LISTED);
    let ids: Vec<&str> = deployments.take(LISTED).map(|d| d.id.as_str()).collect();
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!("{}{more}", ids.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LoadKind;
    use proptest::prelude::*;

    fn run(deployment: &str, scenario: &str, load: Load) -> Run {
        Run {
            deployment: deployment.to_string(),
            scenario: scenario.to_string(),
            qps: load.qps_value(),
            load,
            format: Format::LmbenchCsv,
            tool_version: None,
            files: Vec::new(),
            per_request: true,
            requests: 1,
            failed_requests: Some(0),
            skipped_rows: 0,
            duration_s: Some(1.0),
            throughput: Throughput { requests_per_s: Some(1.0), ..Throughput::default() },
            metrics: Metrics([Summary::UNKNOWN; Metric::ALL.len()]),
            evidence: Evidence::default(),
            repetitions: Vec::new(),
        }
    }

    proptest! {
        /// The queries that bisect the sorted runs and the index by load give what their definitions do.
        #[test]
        fn queries_by_key_and_by_load_equal_their_definitions(
            keys in prop::collection::btree_set((0..5usize, 0..3usize, any::<bool>(), prop::option::of(1..6u8)), 1..80)
        ) {
            // Given in reverse, to be sorted.
            let a = Analysis::new(runs_of(&keys).into_iter().rev().collect(), Vec::new(), "root", None, StatsConfig::default())
                .unwrap();
            let same = |x: &Run, y: &Run| key_order(key(x), key(y)).is_eq();
            let mut sweeps: Vec<Sweep> =
                a.runs.iter().map(|r| Sweep { scenario: r.scenario.clone(), kind: r.load.kind }).collect();
            sort_dedup(&mut sweeps);
            prop_assert_eq!(a.sweeps(), sweeps.clone());
            for sweep in &sweeps {
                let mut naive: Vec<&Run> =
                    a.runs.iter().filter(|r| r.scenario == sweep.scenario && r.load.kind == sweep.kind).collect();
                sort_by(&mut naive, |x, y| load_order(x, y));
                let got: Vec<&Run> = a.runs_in(sweep).collect();
                prop_assert!(got.len() == naive.len() && got.iter().zip(&naive).all(|(x, y)| same(x, y)));
                let mut levels: Vec<Load> = naive.iter().map(|r| r.load).collect();
                levels.dedup_by(|x, y| x.order(*y).is_eq());
                prop_assert_eq!(a.levels(sweep), levels.clone());
                for load in levels {
                    let at: Vec<&Run> = naive.iter().copied().filter(|r| r.load.order(load).is_eq()).collect();
                    let got: Vec<&Run> = a.runs_at(&sweep.scenario, load).collect();
                    prop_assert!(got.len() == at.len() && got.iter().zip(&at).all(|(x, y)| same(x, y)));
                    for d in &a.deployments {
                        let naive = a.runs.iter().find(|r| r.deployment == d.id && r.scenario == sweep.scenario && r.load.order(load).is_eq());
                        prop_assert_eq!(a.run(&d.id, &sweep.scenario, load).map(key), naive.map(key));
                    }
                }
                for d in &a.deployments {
                    let naive: Vec<&Run> = a.runs.iter().filter(|r| r.deployment == d.id && r.scenario == sweep.scenario && r.load.kind == sweep.kind).collect();
                    let got: Vec<&Run> = a.runs_of(&d.id, sweep).collect();
                    prop_assert!(got.len() == naive.len() && got.iter().zip(&naive).all(|(x, y)| same(x, y)));
                }
            }
            let chunks: usize = a.runs_by_deployment_and_sweep().map(<[Run]>::len).sum();
            prop_assert_eq!(chunks, a.runs.len());
            for (i, d) in a.deployments.iter().enumerate() {
                prop_assert_eq!(a.deployment_index(&d.id), Some(i));
            }
            prop_assert_eq!(a.deployment_index("none"), None);
        }
    }

    fn runs_of(keys: &std::collections::BTreeSet<(usize, usize, bool, Option<u8>)>) -> Vec<Run> {
        keys.iter()
            .map(|&(d, s, concurrency, v)| {
                let kind = if concurrency { LoadKind::Concurrency } else { LoadKind::Qps };
                run(&format!("d{d}"), &format!("s{s}"), Load { kind, value: v.map(f64::from) })
            })
            .collect()
    }

    #[test]
    fn labels_are_shared_only_where_they_would_clash() {
        let labels = label_deployments(&["a/x", "b/x", "c/y", "."], "root");
        let labels: Vec<&str> = labels.iter().map(|d| d.label.as_str()).collect();
        assert_eq!(labels, ["a/x", "b/x", "y", "root"]);
        let many: Vec<Deployment> = (0..30).map(|i| Deployment { id: format!("d{i}"), label: String::new() }).collect();
        let message = choose_baseline(&many, Some("nope\u{1b}[2J")).unwrap_err();
        assert!(message.starts_with("--baseline `nope\\u{1b}[2J` names no deployment; the deployments are: d0, d1,"));
        assert!(message.ends_with("d19 and 10 more"), "{message}");
    }
}
