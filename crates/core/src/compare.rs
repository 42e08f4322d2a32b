//! What is compared and how: the quantities read off a run (a metric's statistic or a throughput
//! figure), and each deployment's % change against the baseline with the better direction explicit.

use crate::analysis::{find_run, Run};
use crate::metric::{Better, Metric};
use crate::model::Load;
use crate::stats::Stat;
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

    /// The quantities compared against the baseline: p50, p90 and p99 of every metric with a better
    /// direction, and every throughput figure.
    pub fn compared() -> Vec<Quantity> {
        let stats = Metric::ALL
            .into_iter()
            .filter(|m| m.better().is_some())
            .flat_map(|m| [Stat::P50, Stat::P90, Stat::P99].map(|s| Quantity::Stat(m, s)));
        stats.chain(Rate::ALL.map(Quantity::Throughput)).collect()
    }
}

/// Whether a change is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Better,
    Worse,
    /// Less than 0.05 % either way: the same at the precision reported.
    Same,
}

/// The change of one quantity against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    #[serde(serialize_with = "metric_key")]
    pub metric: Quantity,
    /// `p50`, `p90`, `p99`; absent for throughput figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stat: Option<&'static str>,
    pub baseline_value: f64,
    pub value: f64,
    /// `(value - baseline) / baseline * 100`; `None` when the baseline is 0 or the change is beyond f64's
    /// range (a baseline of 1e-306 tokens/s, say).
    pub change_pct: Option<f64>,
    pub better: Better,
    pub verdict: Option<Verdict>,
}

fn metric_key<S: Serializer>(quantity: &Quantity, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(match quantity {
        Quantity::Stat(metric, _) => metric.key(),
        Quantity::Throughput(rate) => rate.key(),
    })
}

impl Change {
    /// The change from `baseline` to `value`; `None` when the quantity has no better direction.
    pub fn new(quantity: Quantity, baseline: f64, value: f64) -> Option<Change> {
        let better = quantity.better()?;
        let change_pct = Some((value - baseline) / baseline * 100.0).filter(|pct| pct.is_finite());
        let verdict = change_pct.map(|pct| match (pct.abs() < 0.05, pct < 0.0, better) {
            (true, _, _) => Verdict::Same,
            (false, true, Better::Lower) | (false, false, Better::Higher) => Verdict::Better,
            _ => Verdict::Worse,
        });
        let stat = match quantity {
            Quantity::Stat(_, stat) => Some(stat.key()),
            Quantity::Throughput(_) => None,
        };
        Some(Change { metric: quantity, stat, baseline_value: baseline, value, change_pct, better, verdict })
    }

    /// The change of `quantity` from the baseline run to another run, when both have it.
    pub fn between(quantity: Quantity, baseline: &Run, run: &Run) -> Option<Change> {
        Change::new(quantity, quantity.of(baseline)?, quantity.of(run)?)
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

/// Compares every non-baseline run with the baseline's run of the same scenario and load, where there is one.
/// `runs` are in [`crate::analysis::RunKey::order`].
pub fn compare_all(runs: &[Run], baseline: &str) -> Vec<Comparison> {
    let quantities = Quantity::compared();
    runs.iter()
        .filter(|run| run.deployment != baseline)
        .filter_map(|run| {
            let base = find_run(runs, baseline, &run.scenario, run.load)?;
            Some(Comparison {
                deployment: run.deployment.clone(),
                baseline: baseline.to_string(),
                scenario: run.scenario.clone(),
                qps: run.qps,
                load: run.load,
                changes: quantities.iter().filter_map(|&q| Change::between(q, base, run)).collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_decides_the_verdict() {
        let ttft = Quantity::Stat(Metric::Ttft, Stat::P50);
        let rate = Quantity::Throughput(Rate::OutputTokens);
        let c = Change::new(ttft, 2.0, 1.5).unwrap();
        assert_eq!((c.change_pct, c.verdict, c.better), (Some(-25.0), Some(Verdict::Better), Better::Lower));
        assert_eq!(Change::new(ttft, 2.0, 2.5).unwrap().verdict, Some(Verdict::Worse));
        assert_eq!(Change::new(rate, 100.0, 110.0).unwrap().verdict, Some(Verdict::Better));
        assert_eq!(Change::new(rate, 100.0, 90.0).unwrap().verdict, Some(Verdict::Worse));
        assert_eq!(Change::new(rate, 100.0, 100.04).unwrap().verdict, Some(Verdict::Same));
        let zero = Change::new(ttft, 0.0, 1.0).unwrap();
        assert_eq!((zero.change_pct, zero.verdict), (None, None));
        let both_zero = Change::new(ttft, 0.0, 0.0).unwrap();
        assert_eq!((both_zero.change_pct, both_zero.verdict), (None, None));
        let overflow = Change::new(rate, 2e-306, 60.0).unwrap();
        assert_eq!((overflow.change_pct, overflow.verdict), (None, None));
        assert!(Change::new(Quantity::Stat(Metric::PromptTokens, Stat::P50), 1.0, 2.0).is_none());
    }

    #[test]
    fn compared_quantities_cover_latency_percentiles_and_throughput() {
        let q = Quantity::compared();
        assert_eq!(q.len(), 6 * 3 + 3);
        assert!(q.contains(&Quantity::Stat(Metric::Tpot, Stat::P99)));
        assert!(!q.iter().any(|q| matches!(q, Quantity::Stat(Metric::GenerationTokens, _))));
        assert_eq!(Quantity::Stat(Metric::Tpot, Stat::P99).key(), "metrics.tpot_s.p99");
        assert_eq!(Quantity::Throughput(Rate::TotalTokens).key(), "throughput.total_tokens_per_s");
    }
}
