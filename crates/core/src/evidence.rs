//! What a run's requests tell about how far its statistics can be trusted (statistics design §3–§5):
//! the steady-state gate of each repetition, and for each compared metric the sorted values with the
//! dependence between consecutive requests (effective sample sizes). Intervals and verdicts are
//! computed from this; it is built once per run, while the requests are at hand.

use crate::metric::Metric;
use crate::model::RequestLog;
use crate::slo::SloRequest;
use crate::sorting::sort_by;
use crate::stats::{self, Stat};
use bench_stats::dependence::tau_quantile;
use bench_stats::means::{mean_ci, MeanStats};
use bench_stats::order_ci::{lower_bound, n_min, quantile_ci, requests_needed};
use bench_stats::steady::{steady_state, SteadyConfig, SteadyState};
use serde::Serialize;
use std::sync::Arc;

/// The percentiles that get intervals and verdicts.
pub const LEVELS: [Stat; 4] = [Stat::P50, Stat::P90, Stat::P95, Stat::P99];

/// The metrics with a column of per-request values: those of which less or more is better, but ITL (whose
/// column pools the gaps within requests).
const COLUMNS: [Metric; 5] =
    [Metric::Ttft, Metric::GenerationTime, Metric::E2eLatency, Metric::Tpot, Metric::DecodeTokensPerS];

/// One compared metric's values in one run.
#[derive(Debug)]
pub struct Column {
    /// Ascending.
    pub sorted: Vec<f64>,
    /// τ̂ of each of [`LEVELS`] (≥ 1, ∞ when requests never decorrelate); NaN when not estimated
    /// because the run failed the steady-state gate.
    pub tau: [f64; LEVELS.len()],
    /// Mean, standard deviation and batch-means τ̂, for two values or more.
    pub mean: Option<MeanStats>,
}

/// Equal when the values and estimates are, τ̂'s NaN included: an analysis equals itself (what the
/// page's memos rely on not to redraw).
impl PartialEq for Column {
    fn eq(&self, other: &Column) -> bool {
        let bits = |tau: &[f64; LEVELS.len()]| tau.map(f64::to_bits);
        self.sorted == other.sorted && bits(&self.tau) == bits(&other.tau) && self.mean == other.mean
    }
}

impl Column {
    /// The effective sample size n/τ̂ behind a statistic.
    pub fn n_eff(&self, stat: Stat) -> f64 {
        match LEVELS.iter().position(|&s| s == stat) {
            Some(i) => self.sorted.len() as f64 / self.tau[i],
            None => self.mean.map_or(0.0, |m| m.n_eff()),
        }
    }

    pub fn tau(&self, stat: Stat) -> f64 {
        match LEVELS.iter().position(|&s| s == stat) {
            Some(i) => self.tau[i],
            None => self.mean.map_or(f64::NAN, |m| m.tau),
        }
    }
}

/// The interval of one statistic of one run (design §5), or why there is none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The effective number of requests the interval rests on (n/τ̂).
    pub n_eff: f64,
    /// `effective_n_below_min` (too few requests), `unstable` (not at steady state), `undefined`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// The effective requests a percentile's interval needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n_min: Option<u64>,
    /// Without an interval: the one-sided lower bound at 1 − α/2 that the requests do give.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_bound: Option<f64>,
    /// Without an interval: how many requests a run like this one would need.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests_needed: Option<u64>,
}

impl Column {
    /// The (1 − α) interval of a statistic; none for a run that failed the steady-state gate.
    pub fn interval(&self, stat: Stat, alpha: f64, unstable: bool) -> Interval {
        let n_eff = self.n_eff(stat);
        let none = |reason| Interval {
            low: None,
            high: None,
            n_eff,
            reason: Some(reason),
            n_min: None,
            lower_bound: None,
            requests_needed: None,
        };
        if unstable {
            return none("unstable");
        }
        let Some(q) = stat.quantile() else {
            return match self.mean.map(|m| mean_ci(&m, alpha)) {
                Some(Ok((low, high))) => Interval { low: Some(low), high: Some(high), ..none("") }.bounded(),
                Some(Err(bench_stats::Refusal::Insufficient { n_min, .. })) => {
                    Interval { n_min: Some(n_min), ..none("effective_n_below_min") }
                }
                _ => none("undefined"),
            };
        };
        match quantile_ci(&self.sorted, q, n_eff, alpha) {
            Some(ci) if ci.is_bounded() => Interval { low: ci.low, high: ci.high, ..none("") }.bounded(),
            Some(_) => {
                let n_min = n_min(q, alpha);
                Interval {
                    n_min,
                    lower_bound: lower_bound(&self.sorted, q, n_eff, 1.0 - alpha / 2.0),
                    requests_needed: n_min.and_then(|n| requests_needed(n, self.tau(stat))),
                    ..none("effective_n_below_min")
                }
            }
            None => none("undefined"),
        }
    }
}

impl Interval {
    fn bounded(self) -> Interval {
        Interval { reason: None, ..self }
    }
}

/// The steady-state gate of one repetition (one file, or one part of a file).
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// The repetition's first file, for warnings.
    pub file: String,
    /// How many requests were launched.
    pub launches: usize,
    pub state: SteadyState,
}

/// What a run's requests tell about its statistics; empty for a run read from aggregates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evidence {
    /// The gate of each repetition with request times.
    pub gates: Vec<Gate>,
    columns: Vec<(Metric, Arc<Column>)>,
    /// What SLOs check of each successful request, in launch order.
    slo_requests: Option<Arc<Vec<SloRequest>>>,
}

impl Evidence {
    /// The gate that decides the run: the first unstable repetition, else the first.
    pub fn steady(&self) -> Option<&SteadyState> {
        self.gates.iter().find(|g| g.state.unstable).or(self.gates.first()).map(|g| &g.state)
    }

    pub fn unstable(&self) -> bool {
        self.gates.iter().any(|g| g.state.unstable)
    }

    pub fn column(&self, metric: Metric) -> Option<&Column> {
        self.columns.iter().find(|(m, _)| *m == metric).map(|(_, c)| c.as_ref())
    }

    /// What SLOs check of each successful request, in launch order; `None` for aggregates, or when not
    /// kept (see [`Evidence::of`]).
    pub fn slo_requests(&self) -> Option<&[SloRequest]> {
        self.slo_requests.as_deref().map(Vec::as_slice)
    }

    /// Builds the evidence of pooled repetitions (`logs`, each with its first file) over their
    /// successful requests in launch order; what SLOs check of each request only if `for_slo`: 40 bytes a
    /// request, built and held to the end for nothing when no SLO is checked (on 1M requests, a sixth of
    /// the page faults and a twentieth of gen-site's time).
    pub fn of(logs: &[(&str, &RequestLog)], for_slo: bool) -> Evidence {
        let orders: Vec<Vec<usize>> = logs.iter().map(|(_, log)| launch_order(log)).collect();
        let mut gates: Vec<Gate> = logs
            .iter()
            .zip(&orders)
            .filter_map(|((file, log), order)| {
                let times = |f: fn(&crate::model::Request) -> f64| -> Vec<f64> {
                    order.iter().map(|&i| f(&log.requests[i])).collect()
                };
                let launch = times(|r| r.start);
                if launch.is_empty() || launch.iter().any(|t| !t.is_finite()) {
                    return None;
                }
                let state =
                    steady_state(&launch, &times(|r| r.end), &times(|r| r.ttft), false, &SteadyConfig::default());
                Some(Gate { file: file.to_string(), launches: launch.len(), state })
            })
            .collect();
        let unstable = gates.iter().any(|g| g.state.unstable);
        // Every column's values in one pass over the requests, where each value's metric is known where it
        // is computed: a pass per metric, which chose the metric's formula at each request, took a twentieth
        // of gen-site's time on 1M requests.
        let count = orders.iter().map(Vec::len).sum();
        let mut gathered: [Vec<f64>; COLUMNS.len()] = std::array::from_fn(|_| Vec::with_capacity(count));
        for ((_, log), order) in logs.iter().zip(&orders) {
            for &i in order {
                let request = &log.requests[i];
                for (metric, values) in COLUMNS.iter().zip(&mut gathered) {
                    if let Some(value) = metric.of(request) {
                        values.push(value);
                    }
                }
            }
        }
        let mut columns: Vec<(Metric, Arc<Column>)> = COLUMNS
            .into_iter()
            .zip(gathered)
            .filter(|(_, values)| !values.is_empty())
            .map(|(metric, values)| (metric, Arc::new(column(values, unstable))))
            .collect();
        if let Some(itl) = itl_column(logs, columns.iter().find(|(m, _)| *m == Metric::Tpot).map(|(_, c)| c.as_ref())) {
            columns.push((Metric::Itl, Arc::new(itl)));
        }
        // Requests that never decorrelate make every interval meaningless: the run is unstable (§4).
        if !unstable && columns.iter().any(|(_, c)| c.tau.iter().any(|t| t.is_infinite())) {
            for gate in &mut gates {
                gate.state.tau_infinite = true;
                gate.state.unstable = true;
            }
        }
        let slo_requests = for_slo.then(|| {
            Arc::new(logs.iter().zip(&orders).flat_map(|((_, log), order)| slo_requests(log, order)).collect())
        });
        Evidence { gates, columns, slo_requests }
    }
}

/// What SLOs check of a log's successful requests, in `order`.
fn slo_requests(log: &RequestLog, order: &[usize]) -> Vec<SloRequest> {
    // Each successful request's gaps follow the previous one's in the log.
    let mut itl_max = vec![0.0f64; log.requests.len()];
    let mut gaps = log.itl.iter();
    for (i, r) in log.requests.iter().enumerate().filter(|(_, r)| r.ok) {
        itl_max[i] = gaps.by_ref().take(r.itl_gaps as usize).fold(0.0, |max, &g| if g > max { g } else { max });
    }
    order
        .iter()
        .map(|&i| {
            let r = &log.requests[i];
            let single_token = r.output_tokens <= 1.0;
            SloRequest {
                ttft: r.ttft,
                tpot: Metric::Tpot.of(r).unwrap_or(if single_token { 0.0 } else { f64::NAN }),
                e2el: Metric::E2eLatency.of(r).unwrap_or(f64::NAN),
                itl_max: itl_max[i],
                output_tokens: r.output_tokens,
            }
        })
        .collect()
}

/// Indices of a log's successful requests in launch order (ties in file order); file order when some
/// request has no launch time.
fn launch_order(log: &RequestLog) -> Vec<usize> {
    let mut order: Vec<usize> = (0..log.requests.len()).filter(|&i| log.requests[i].ok).collect();
    let timed = order.iter().all(|&i| log.requests[i].start.is_finite());
    if timed && !order.windows(2).all(|w| log.requests[w[0]].start <= log.requests[w[1]].start) {
        sort_by(&mut order, |&a, &b| log.requests[a].start.total_cmp(&log.requests[b].start));
    }
    order
}

/// A column from values in launch order; τ̂ only for a run at steady state.
fn column(values: Vec<f64>, unstable: bool) -> Column {
    let mut sorted = values.clone();
    stats::sort(&mut sorted);
    let tau = LEVELS.map(|stat| {
        if unstable {
            return f64::NAN;
        }
        stat.quantile().map_or(f64::NAN, |q| tau_quantile(&values, &sorted, q))
    });
    Column { mean: MeanStats::of(&values), sorted, tau }
}

/// Inter-token latencies pool many gaps per request, which are far from independent: the request is
/// the unit (design §13), so the effective size of a level is the smaller of the number of gaps and
/// the effective number of requests of TPOT (each request's mean gap) at that level.
fn itl_column(logs: &[(&str, &RequestLog)], tpot: Option<&Column>) -> Option<Column> {
    let gaps: Vec<f64> = logs.iter().flat_map(|(_, log)| log.itl.iter().copied().filter(|v| v.is_finite())).collect();
    if gaps.is_empty() {
        return None;
    }
    let mut sorted = gaps.clone();
    stats::sort(&mut sorted);
    let n = sorted.len() as f64;
    let tau = LEVELS.map(|stat| match tpot {
        Some(tpot) => n / tpot.n_eff(stat).min(n),
        None => f64::NAN,
    });
    let mean = MeanStats::of(&gaps).map(|m| {
        let requests = tpot.map_or(1.0, |t| t.sorted.len() as f64);
        MeanStats { tau: m.tau.max(n / requests), ..m }
    });
    Some(Column { sorted, tau, mean })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_the_compared_per_request_metrics_in_order() {
        let compared: Vec<Metric> =
            Metric::ALL.into_iter().filter(|m| m.better().is_some() && *m != Metric::Itl).collect();
        assert_eq!(COLUMNS.to_vec(), compared);
    }
}
