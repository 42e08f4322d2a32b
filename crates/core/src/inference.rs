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
}

impl Method {
    /// The method in words.
    pub fn describe(self) -> &'static str {
        match self {
            Method::PercentileBootstrapBeta => "percentile bootstrap over the requests",
            Method::DeltaLogMeans => "delta method on the means",
            Method::WelchLogRuns => "Welch's t over the repetitions",
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

/// The interval of `quantity`'s ratio from the baseline's run `base` to `run`. A bootstrap draws from
/// the stream of its cell (baseline, candidate, scenario, load, metric, statistic), so that a cell's
/// interval does not depend on which other cells exist.
pub fn estimate(quantity: Quantity, base: &Run, run: &Run, config: &StatsConfig) -> Estimate {
    let alpha = config.alpha();
    let latency = matches!(quantity, Quantity::Stat(..));
    if latency {
        if let Some(reason) = [("baseline", base), ("candidate", run)].iter().find_map(|(side, r)| {
            r.evidence.unstable().then(|| {
                let why = r.evidence.steady().and_then(|s| s.reason()).unwrap_or_default();
                format!("{side} {why}")
            })
        }) {
            return refused(State::Unstable, reason);
        }
    }
    if base.repetitions.len() > 1 && run.repetitions.len() > 1 {
        let values = |r: &Run| -> Option<Vec<f64>> { r.repetitions.iter().map(|f| value(quantity, f)).collect() };
        let (Some(a), Some(b)) = (values(base), values(run)) else {
            return refused(State::NotApplicable, "a repetition lacks this figure");
        };
        return match welch_log_ratio(&a, &b, alpha) {
            Ok(w) => Estimate::Interval { ci: w.ci, df: Some(w.df), method: Method::WelchLogRuns },
            Err(refusal) => refusal_estimate(refusal, "runs"),
        };
    }
    let Quantity::Stat(metric, stat) = quantity else {
        return refused(State::NotApplicable, "one run per side: throughput has an interval only with repetitions");
    };
    let (Some(a), Some(b)) = (base.evidence.column(metric), run.evidence.column(metric)) else {
        return refused(
            State::NotApplicable,
            "read from the files' aggregates: intervals need per-request records or repetitions",
        );
    };
    let result = match stat.quantile() {
        Some(q) => {
            let key = cell_key(&[
                &base.deployment,
                &run.deployment,
                &run.scenario,
                &run.load.key(),
                metric.key(),
                stat.key(),
            ]);
            let mut stream = Stream::for_cell(config.seed, &key);
            let (a, b) = (side(a, stat), side(b, stat));
            percentile_ratio(a, b, q, alpha, config.resamples, &mut stream)
                .map(|ci| (ci, Method::PercentileBootstrapBeta))
        }
        None => match (a.mean, b.mean) {
            (Some(ma), Some(mb)) => ratio_of_means(&ma, &mb, alpha).map(|ci| (ci, Method::DeltaLogMeans)),
            _ => Err(Refusal::Undefined),
        },
    };
    match result {
        Ok((ci, method)) => Estimate::Interval { ci, df: None, method },
        Err(refusal) => refusal_estimate(refusal, "requests"),
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

fn refusal_estimate(refusal: Refusal, units: &str) -> Estimate {
    match refusal {
        Refusal::Insufficient { m_a, m_b, n_min } => refused(
            State::Insufficient,
            format!("needs at least {n_min} effective {units} per side; the baseline has {m_a}, the candidate {m_b}"),
        ),
        _ => refused(State::NotApplicable, "no interval: values not all positive and finite, or without spread"),
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
