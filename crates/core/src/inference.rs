//! Intervals and verdicts of the changes against the baseline (statistics design §5–§7): the interval
//! of each ratio candidate/baseline (percentile bootstrap, delta method for means, Welch on logs for
//! repetitions), or why there is none, and the verdicts of a whole report under a multiplicity
//! correction.

use crate::analysis::{Figures, Run};
use crate::compare::{Quantity, Rate};
use crate::evidence::Column;
use crate::metric::Better;
use bench_stats::bootstrap::{percentile_ratio, RatioCi, Side};
use bench_stats::means::ratio_of_means;
use bench_stats::repetitions::welch_log_ratio;
use bench_stats::rng::{cell_key, Stream};
use bench_stats::verdict::{self, Direction};
pub use bench_stats::verdict::{Multiplicity, State};
use bench_stats::Refusal;
use serde::Serialize;
use std::collections::HashMap;

/// The settings of intervals and verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StatsConfig {
    /// Two-sided confidence level of every interval (0.95).
    pub confidence: f64,
    /// Changes within ± this fraction are noise (0.05).
    pub noise_threshold: f64,
    /// The false discovery rate (or family-wise error rate, for Holm) of the verdicts (0.05).
    pub fdr: f64,
    #[serde(serialize_with = "multiplicity_key")]
    pub multiplicity: Multiplicity,
    /// Bootstrap replicates per interval (2000).
    pub resamples: usize,
    /// Seed of every interval's random stream (0).
    pub seed: u64,
}

impl Default for StatsConfig {
    fn default() -> StatsConfig {
        StatsConfig {
            confidence: 0.95,
            noise_threshold: 0.05,
            fdr: 0.05,
            multiplicity: Multiplicity::Bh,
            resamples: bench_stats::bootstrap::DEFAULT_RESAMPLES,
            seed: 0,
        }
    }
}

impl StatsConfig {
    pub fn alpha(&self) -> f64 {
        1.0 - self.confidence
    }
}

fn multiplicity_key<S: serde::Serializer>(m: &Multiplicity, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(multiplicity_name(*m))
}

/// `bh`, `holm` or `none`, as the command line takes it.
pub fn multiplicity_name(m: Multiplicity) -> &'static str {
    match m {
        Multiplicity::Bh => "bh",
        Multiplicity::Holm => "holm",
        Multiplicity::None => "none",
    }
}

pub fn parse_multiplicity(name: &str) -> Option<Multiplicity> {
    [Multiplicity::Bh, Multiplicity::Holm, Multiplicity::None].into_iter().find(|&m| multiplicity_name(m) == name)
}

/// How an interval was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Two-sample percentile bootstrap with order-statistic Beta draws (§6.2).
    PercentileBootstrapBeta,
    /// Ratio of means by the delta method on the log scale (§6.3).
    DeltaLogMeans,
    /// Welch t-interval on the logs of the repetitions' figures (§6.5).
    WelchLogRuns,
    /// Percentile interval of the ratio of two capacities' parametric bootstrap replicates (§8.5).
    CapacityBootstrap,
}

impl Method {
    /// The method in words.
    pub fn describe(self) -> &'static str {
        match self {
            Method::PercentileBootstrapBeta => "percentile bootstrap over the requests",
            Method::DeltaLogMeans => "delta method on the means",
            Method::WelchLogRuns => "Welch's t over the repetitions",
            Method::CapacityBootstrap => "bootstrap of the attainment at each rate",
        }
    }
}

/// A change's interval, or why it has none.
#[derive(Debug, Clone, PartialEq)]
pub enum Estimate {
    Interval {
        ci: RatioCi,
        df: Option<f64>,
        method: Method,
    },
    /// No interval: the state (insufficient, unstable or n/a) and the reason in words.
    Refused {
        state: State,
        reason: String,
    },
}

fn refused(state: State, reason: impl Into<String>) -> Estimate {
    Estimate::Refused { state, reason: reason.into() }
}

/// An interval as computed for a pair of runs in their canonical order (the first by deployment id as
/// the baseline), or why there is none.
type Raw = Result<(RatioCi, Option<f64>, Method), Refusal>;

/// The intervals computed so far, shared by an analysis and its copies against other baselines: the
/// interval of B against A is that of A against B inverted, so each pair of runs is computed once
/// whichever is the baseline. Valid for one confidence, seed and number of resamples.
#[derive(Debug, Default)]
pub struct Estimates {
    settings: Option<(u64, u64, usize)>,
    cells: HashMap<String, Raw>,
}

impl Estimates {
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Adds the intervals of `other`, computed with `config` (see [`crate::compare::prepare_share`]).
    pub fn add(&mut self, other: Estimates, config: &StatsConfig) {
        self.for_settings(config);
        self.cells.extend(other.cells);
    }

    /// Forgets every interval if they were computed with other settings.
    fn for_settings(&mut self, config: &StatsConfig) {
        let settings = Some((config.confidence.to_bits(), config.seed, config.resamples));
        if self.settings != settings {
            self.settings = settings;
            self.cells.clear();
        }
    }
}

/// The interval of `quantity`'s ratio from the baseline's run `base` to `run`, computed at most once
/// per pair of runs (see [`Estimates`]). A bootstrap draws from the stream of its cell (the pair in
/// deployment id order, scenario, load, metric, statistic), so that a cell's interval does not depend
/// on which other cells exist, nor on which of the two deployments is the baseline.
pub fn estimate(quantity: Quantity, base: &Run, run: &Run, config: &StatsConfig, known: &mut Estimates) -> Estimate {
    if matches!(quantity, Quantity::Stat(..)) {
        if let Some(reason) = [("baseline", base), ("candidate", run)].iter().find_map(|(side, r)| {
            r.evidence.unstable().then(|| {
                let why = r.evidence.steady().and_then(|s| s.reason()).unwrap_or_default();
                format!("{side} {why}")
            })
        }) {
            return refused(State::Unstable, reason);
        }
    }
    let repetitions = base.repetitions.len() > 1 && run.repetitions.len() > 1;
    match quantity {
        Quantity::Throughput(_) if !repetitions => {
            return refused(State::NotApplicable, "one run per side: throughput has an interval only with repetitions")
        }
        Quantity::Stat(metric, _)
            if !repetitions && (base.evidence.column(metric).is_none() || run.evidence.column(metric).is_none()) =>
        {
            return refused(
                State::NotApplicable,
                "read from the files' aggregates: intervals need per-request records or repetitions",
            )
        }
        _ => {}
    }
    let swapped = base.deployment > run.deployment;
    let (first, second) = if swapped { (run, base) } else { (base, run) };
    let key = quantity_cell_key(quantity, first, second);
    known.for_settings(config);
    let raw = *known.cells.entry(key).or_insert_with(|| compute(quantity, first, second, config, repetitions));
    let units = if repetitions { "runs" } else { "requests" };
    match raw {
        Ok((ci, df, method)) => Estimate::Interval { ci: if swapped { ci.inverse() } else { ci }, df, method },
        Err(Refusal::Insufficient { m_a, m_b, n_min }) => {
            let (m_a, m_b) = if swapped { (m_b, m_a) } else { (m_a, m_b) };
            refused(
                State::Insufficient,
                format!(
                    "needs at least {n_min} effective {units} per side; the baseline has {m_a}, the candidate {m_b}"
                ),
            )
        }
        Err(_) => refused(State::NotApplicable, "no interval: values not all positive and finite, or without spread"),
    }
}

/// The cell key of a quantity for a pair of runs (design §6.2).
fn quantity_cell_key(quantity: Quantity, first: &Run, second: &Run) -> String {
    let (metric, stat) = match quantity {
        Quantity::Stat(metric, stat) => (metric.key(), stat.key()),
        Quantity::Throughput(rate) => (rate.key(), ""),
    };
    cell_key(&[&first.deployment, &second.deployment, &second.scenario, &second.load.key(), metric, stat])
}

/// The interval of `quantity`'s ratio from run `a` to run `b`: over their repetitions when both have
/// several, else over their requests.
fn compute(quantity: Quantity, a: &Run, b: &Run, config: &StatsConfig, repetitions: bool) -> Raw {
    let alpha = config.alpha();
    if repetitions {
        let values = |r: &Run| -> Option<Vec<f64>> { r.repetitions.iter().map(|f| value(quantity, f)).collect() };
        let (Some(x), Some(y)) = (values(a), values(b)) else { return Err(Refusal::Undefined) };
        return welch_log_ratio(&x, &y, alpha).map(|w| (w.ci, Some(w.df), Method::WelchLogRuns));
    }
    let Quantity::Stat(metric, stat) = quantity else { return Err(Refusal::Undefined) };
    let (Some(x), Some(y)) = (a.evidence.column(metric), b.evidence.column(metric)) else {
        return Err(Refusal::Undefined);
    };
    match stat.quantile() {
        Some(q) => {
            let mut stream = Stream::for_cell(config.seed, &quantity_cell_key(quantity, a, b));
            percentile_ratio(side(x, stat), side(y, stat), q, alpha, config.resamples, &mut stream)
                .map(|ci| (ci, None, Method::PercentileBootstrapBeta))
        }
        None => match (x.mean, y.mean) {
            (Some(mx), Some(my)) => ratio_of_means(&mx, &my, alpha).map(|ci| (ci, None, Method::DeltaLogMeans)),
            _ => Err(Refusal::Undefined),
        },
    }
}

fn side(column: &Column, stat: crate::stats::Stat) -> Side<'_> {
    Side { sorted: &column.sorted, n_eff: column.n_eff(stat) }
}

/// The figure of one repetition.
fn value(quantity: Quantity, f: &Figures) -> Option<f64> {
    match quantity {
        Quantity::Stat(metric, stat) => f.metrics.get(metric).get(stat),
        Quantity::Throughput(Rate::Requests) => f.throughput.requests_per_s,
        Quantity::Throughput(Rate::OutputTokens) => f.throughput.output_tokens_per_s,
        Quantity::Throughput(Rate::TotalTokens) => f.throughput.total_tokens_per_s,
    }
}

/// A change as it enters the verdicts: its estimate and which way is better.
pub struct Assessed<'a> {
    pub estimate: &'a Estimate,
    pub better: Better,
}

/// The verdict of every change of one report, in order: the family of a multiplicity correction is
/// every change with an interval (design §7.3).
pub fn verdicts(changes: &[Assessed], config: &StatsConfig) -> Vec<verdict::Verdict> {
    let cells: Vec<verdict::Cell> = changes
        .iter()
        .map(|c| match c.estimate {
            Estimate::Interval { ci, df, .. } => {
                match verdict::p_values(ci.ln_ratio, ci.se_log, config.noise_threshold, *df) {
                    Some(p) => {
                        let (low, high) = ci.ci();
                        let direction = match c.better {
                            Better::Lower => Direction::LowerIsBetter,
                            Better::Higher => Direction::HigherIsBetter,
                        };
                        verdict::Cell::Tested(verdict::Tested { low, high, p_dir: p.p_dir, p_eq: p.p_eq, direction })
                    }
                    None => verdict::Cell::NotApplicable,
                }
            }
            Estimate::Refused { state: State::Insufficient, .. } => verdict::Cell::Insufficient,
            Estimate::Refused { state: State::Unstable, .. } => verdict::Cell::Unstable,
            Estimate::Refused { .. } => verdict::Cell::NotApplicable,
        })
        .collect();
    let settings =
        verdict::Config { delta: config.noise_threshold, level: config.fdr, multiplicity: config.multiplicity };
    verdict::verdicts(&cells, &settings)
}
