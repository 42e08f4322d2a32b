//! What is compared and how: the quantities read off a run (a metric's statistic or a throughput
//! figure), and each deployment's % change against the baseline with the better direction explicit.

use crate::analysis::{find_run, Run};
use crate::evidence::LEVELS;
use crate::inference::{self, Assessed, Estimate, Estimates, Method, StatsConfig};
use crate::metric::{Better, Metric};
use crate::model::Load;
use crate::stats::Stat;
use bench_stats::verdict::State;
use serde::{Serialize, Serializer};

/// A throughput figure of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rate {
    Requests,
    OutputTokens,
    TotalTokens,
}

impl Rate {
    pub const ALL: [Rate; 3] = [Rate::Requests, Rate::OutputTokens, Rate::TotalTokens];

    pub fn key(self) -> &'static str {
        match self {
            Rate::Requests => "requests_per_s",
            Rate::OutputTokens => "output_tokens_per_s",
            Rate::TotalTokens => "total_tokens_per_s",
        }
    }
}

/// One number of a run that can be tabulated, charted and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantity {
    Stat(Metric, Stat),
    Throughput(Rate),
}

impl Quantity {
    pub fn of(self, run: &Run) -> Option<f64> {
        match self {
            Quantity::Stat(metric, stat) => run.metrics.get(metric).get(stat),
            Quantity::Throughput(Rate::Requests) => run.throughput.requests_per_s,
            Quantity::Throughput(Rate::OutputTokens) => run.throughput.output_tokens_per_s,
            Quantity::Throughput(Rate::TotalTokens) => run.throughput.total_tokens_per_s,
        }
    }

    /// Where the value sits in summary.json's run: `metrics.<metric>.<stat>` or `throughput.<rate>`.
    pub fn key(self) -> String {
        match self {
            Quantity::Stat(metric, stat) => format!("metrics.{}.{}", metric.key(), stat.key()),
            Quantity::Throughput(rate) => format!("throughput.{}", rate.key()),
        }
    }

    pub fn better(self) -> Option<Better> {
        match self {
            Quantity::Stat(metric, _) => metric.better(),
            Quantity::Throughput(_) => Some(Better::Higher),
        }
    }

    pub fn label(self) -> String {
        match self {
            Quantity::Stat(metric, stat) => format!("{} {}", metric.label(), stat.key()),
            Quantity::Throughput(Rate::Requests) => "Requests/s".to_string(),
            Quantity::Throughput(Rate::OutputTokens) => "Output tokens/s".to_string(),
            Quantity::Throughput(Rate::TotalTokens) => "Total tokens/s".to_string(),
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Quantity::Stat(metric, _) => metric.unit(),
            Quantity::Throughput(Rate::Requests) => "requests/s",
            Quantity::Throughput(_) => "tokens/s",
        }
    }

    /// The quantities compared against the baseline: the percentiles with intervals and the mean of
    /// every metric with a better direction, and every throughput figure.
    pub fn compared() -> Vec<Quantity> {
        let stats = Metric::ALL
            .into_iter()
            .filter(|m| m.better().is_some())
            .flat_map(|m| LEVELS.iter().chain([&Stat::Mean]).map(move |&s| Quantity::Stat(m, s)));
        stats.chain(Rate::ALL.map(Quantity::Throughput)).collect()
    }
}

/// The change of one quantity against the baseline: the two values, the interval of the change and the
/// verdict (statistics design §7).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    #[serde(serialize_with = "metric_key")]
    pub metric: Quantity,
    /// `p50`, `p90`, `p95`, `p99`, `mean`; absent for throughput figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stat: Option<&'static str>,
    pub baseline_value: f64,
    pub value: f64,
    /// `(value - baseline) / baseline * 100`; `None` when the baseline is 0 or the change is beyond f64's
    /// range (a baseline of 1e-306 tokens/s, say).
    pub change_pct: Option<f64>,
    pub better: Better,
    /// The interval of the % change; `None` without one (see `reason`).
    pub change_pct_ci: Option<[f64; 2]>,
    /// The ratio candidate/baseline as estimated (of geometric means, for repetitions) and its interval.
    pub ratio: Option<f64>,
    pub ratio_ci: Option<[f64; 2]>,
    pub method: Option<Method>,
    /// Evidence of a change beyond the noise threshold, and of one within it (before correction).
    pub p_dir: Option<f64>,
    pub p_eq: Option<f64>,
    #[serde(serialize_with = "state_key")]
    pub verdict: State,
    /// The verdict this change would have had without the multiplicity correction, when that made it
    /// inconclusive.
    #[serde(serialize_with = "optional_state_key", skip_serializing_if = "Option::is_none")]
    pub without_correction: Option<State>,
    /// Why there is no interval or verdict, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip)]
    pub estimate: Estimate,
}

fn metric_key<S: Serializer>(quantity: &Quantity, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(match quantity {
        Quantity::Stat(metric, _) => metric.key(),
        Quantity::Throughput(rate) => rate.key(),
    })
}

pub(crate) fn state_key<S: Serializer>(state: &State, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(state.key())
}

fn optional_state_key<S: Serializer>(state: &Option<State>, serializer: S) -> Result<S::Ok, S::Error> {
    match state {
        Some(state) => serializer.serialize_str(state.key()),
        None => serializer.serialize_none(),
    }
}

impl Change {
    /// The change of `quantity` from the baseline run to another run, when both have it and it has a
    /// better direction; its verdict is set by [`decide`] over the whole report.
    pub fn between(
        quantity: Quantity,
        baseline: &Run,
        run: &Run,
        config: &StatsConfig,
        known: &mut Estimates,
    ) -> Option<Change> {
        let better = quantity.better()?;
        let (base_value, value) = (quantity.of(baseline)?, quantity.of(run)?);
        let estimate = inference::estimate(quantity, baseline, run, config, known);
        let interval = match &estimate {
            Estimate::Interval { ci, method, .. } => Some((ci.ratio(), ci.ci(), *method)),
            Estimate::Refused { .. } => None,
        };
        let reason = match &estimate {
            Estimate::Refused { reason, .. } => Some(reason.clone()),
            Estimate::Interval { .. } => None,
        };
        Some(Change {
            metric: quantity,
            stat: match quantity {
                Quantity::Stat(_, stat) => Some(stat.key()),
                Quantity::Throughput(_) => None,
            },
            baseline_value: base_value,
            value,
            change_pct: pct(base_value, value),
            better,
            change_pct_ci: interval.map(|(_, (low, high), _)| [(low - 1.0) * 100.0, (high - 1.0) * 100.0]),
            ratio: interval.map(|(ratio, ..)| ratio),
            ratio_ci: interval.map(|(_, (low, high), _)| [low, high]),
            method: interval.map(|(.., method)| method),
            p_dir: None,
            p_eq: None,
            verdict: State::NotApplicable,
            without_correction: None,
            reason,
            estimate,
        })
    }
}

/// `(value - baseline) / baseline * 100`; `None` when the baseline is 0 or the change is beyond f64's
/// range (a baseline of 1e-306 tokens/s, say).
fn pct(baseline: f64, value: f64) -> Option<f64> {
    Some((value - baseline) / baseline * 100.0).filter(|pct| pct.is_finite())
}

/// The % change of `quantity` from the baseline run to another run, when both have it.
pub fn change_pct(quantity: Quantity, baseline: &Run, run: &Run) -> Option<f64> {
    pct(quantity.of(baseline)?, quantity.of(run)?)
}

/// Sets the verdict of every change of a report: the family of the multiplicity correction is every
/// change with an interval, across all deployments, scenarios and loads.
pub fn decide(comparisons: &mut [Comparison], config: &StatsConfig) {
    let assessed: Vec<Assessed> = comparisons
        .iter()
        .flat_map(|c| &c.changes)
        .map(|change| Assessed { estimate: &change.estimate, better: change.better })
        .collect();
    let verdicts = inference::verdicts(&assessed, config);
    let changes = comparisons.iter_mut().flat_map(|c| c.changes.iter_mut());
    for (change, verdict) in changes.zip(verdicts) {
        if let Estimate::Interval { ci, df, .. } = &change.estimate {
            let p = bench_stats::verdict::p_values(ci.ln_ratio, ci.se_log, config.noise_threshold, *df);
            change.p_dir = p.map(|p| p.p_dir);
            change.p_eq = p.map(|p| p.p_eq);
        }
        change.verdict = verdict.state;
        change.without_correction = verdict.without_correction;
    }
}

/// One deployment against the baseline at one scenario and load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub deployment: String,
    pub baseline: String,
    pub scenario: String,
    /// The request rate, when the load is a bounded rate.
    pub qps: Option<f64>,
    pub load: Load,
    pub changes: Vec<Change>,
}

impl Comparison {
    pub fn change(&self, quantity: Quantity) -> Option<&Change> {
        self.changes.iter().find(|c| c.metric == quantity)
    }
}

/// How one deployment's changes of one quantity against the baseline came out over every scenario and
/// load (design §7.4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    pub baseline: String,
    pub deployment: String,
    #[serde(serialize_with = "metric_key")]
    pub metric: Quantity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stat: Option<&'static str>,
    /// How many changes got each verdict, in the order of [`VERDICT_ORDER`], keyed by verdict.
    #[serde(serialize_with = "counts_by_key")]
    pub counts: [usize; VERDICT_ORDER.len()],
}

/// The order verdicts are counted and listed in.
pub const VERDICT_ORDER: [State; 7] = [
    State::Better,
    State::Worse,
    State::Same,
    State::Inconclusive,
    State::Insufficient,
    State::Unstable,
    State::NotApplicable,
];

fn counts_by_key<S: Serializer>(counts: &[usize; VERDICT_ORDER.len()], serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(counts.len()))?;
    for (state, count) in VERDICT_ORDER.iter().zip(counts) {
        map.serialize_entry(state.key(), count)?;
    }
    map.end()
}

impl Headline {
    pub fn count(&self, state: State) -> usize {
        VERDICT_ORDER.iter().position(|&s| s == state).map_or(0, |i| self.counts[i])
    }
}

/// The headline of every deployment and quantity, in deployment order, then in the order of
/// [`Quantity::compared`].
pub fn headlines(comparisons: &[Comparison]) -> Vec<Headline> {
    let mut out: Vec<Headline> = Vec::new();
    let mut index: std::collections::HashMap<(&str, Quantity), usize> = std::collections::HashMap::new();
    for comparison in comparisons {
        for change in &comparison.changes {
            let key = (comparison.deployment.as_str(), change.metric);
            let headline = match index.get(&key) {
                Some(&i) => &mut out[i],
                None => {
                    index.insert(key, out.len());
                    out.push(Headline {
                        baseline: comparison.baseline.clone(),
                        deployment: comparison.deployment.clone(),
                        metric: change.metric,
                        stat: change.stat,
                        counts: [0; VERDICT_ORDER.len()],
                    });
                    out.last_mut().expect("just pushed")
                }
            };
            if let Some(i) = VERDICT_ORDER.iter().position(|&s| s == change.verdict) {
                headline.counts[i] += 1;
            }
        }
    }
    out
}

/// Each run but the baseline's with the baseline's run of the same scenario and load, where there is
/// one. `runs` are in [`crate::analysis::RunKey::order`].
fn pairs<'a>(runs: &'a [Run], baseline: &'a str) -> impl Iterator<Item = (&'a Run, &'a Run)> + 'a {
    runs.iter()
        .filter(move |run| run.deployment != baseline)
        .filter_map(move |run| Some((find_run(runs, baseline, &run.scenario, run.load)?, run)))
}

/// Compares every non-baseline run with the baseline's run of the same scenario and load, where there
/// is one, and decides the verdicts. Intervals already in `known` are not computed again.
pub fn compare_all(runs: &[Run], baseline: &str, config: &StatsConfig, known: &mut Estimates) -> Vec<Comparison> {
    let quantities = Quantity::compared();
    let mut comparisons: Vec<Comparison> = pairs(runs, baseline)
        .map(|(base, run)| Comparison {
            deployment: run.deployment.clone(),
            baseline: baseline.to_string(),
            scenario: run.scenario.clone(),
            qps: run.qps,
            load: run.load,
            changes: quantities.iter().filter_map(|&q| Change::between(q, base, run, config, known)).collect(),
        })
        .collect();
    decide(&mut comparisons, config);
    comparisons
}

/// Computes into `known` up to `budget` of the intervals that comparing against `baseline` needs, so
/// that a later [`compare_all`] finds them; whether all are there now.
pub fn prepare(runs: &[Run], baseline: &str, config: &StatsConfig, known: &mut Estimates, budget: usize) -> bool {
    let limit = known.len().saturating_add(budget);
    for ((base, run), quantity) in cells(runs, baseline) {
        if known.len() >= limit {
            return false;
        }
        inference::estimate(quantity, base, run, config, known);
    }
    true
}

/// Computes into new [`Estimates`] share `part` of `parts` of the intervals that comparing against
/// `baseline` needs (every `parts`-th, from the `part`-th): since each interval draws from its cell's own
/// stream, the shares can be computed at once on as many threads, for the same intervals.
pub fn prepare_share(runs: &[Run], baseline: &str, config: &StatsConfig, part: usize, parts: usize) -> Estimates {
    let mut known = Estimates::default();
    for ((base, run), quantity) in cells(runs, baseline).skip(part).step_by(parts.max(1)) {
        inference::estimate(quantity, base, run, config, &mut known);
    }
    known
}

/// Each pair of runs compared against `baseline` with each quantity compared: the cells whose intervals
/// comparing needs, in order.
fn cells<'a>(runs: &'a [Run], baseline: &'a str) -> impl Iterator<Item = ((&'a Run, &'a Run), Quantity)> + 'a {
    let quantities = Quantity::compared();
    pairs(runs, baseline).flat_map(move |pair| quantities.clone().into_iter().map(move |quantity| (pair, quantity)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_beyond_f64_or_from_zero_have_no_percentage() {
        assert_eq!(pct(2.0, 1.5), Some(-25.0));
        assert_eq!(pct(0.0, 1.0), None);
        assert_eq!(pct(0.0, 0.0), None);
        assert_eq!(pct(2e-306, 60.0), None);
    }

    #[test]
    fn compared_quantities_cover_latency_percentiles_means_and_throughput() {
        let q = Quantity::compared();
        assert_eq!(q.len(), 6 * 5 + 3);
        assert!(q.contains(&Quantity::Stat(Metric::Tpot, Stat::P95)));
        assert!(q.contains(&Quantity::Stat(Metric::Ttft, Stat::Mean)));
        assert!(!q.iter().any(|q| matches!(q, Quantity::Stat(Metric::GenerationTokens, _))));
        assert_eq!(Quantity::Stat(Metric::Tpot, Stat::P99).key(), "metrics.tpot_s.p99");
        assert_eq!(Quantity::Throughput(Rate::TotalTokens).key(), "throughput.total_tokens_per_s");
    }
}
