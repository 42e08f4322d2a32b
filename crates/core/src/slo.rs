//! Service-level objectives (statistics design §8): which requests are good, each run's attainment
//! (with its interval) and goodput, and each deployment's capacity in a scenario — the highest request
//! rate at which the attainment target holds — compared with the baseline's.

use crate::analysis::{Analysis, Run};
use crate::decimal;
use crate::inference::{Estimate, Method, State, StatsConfig};
use crate::metric::Better;
use crate::model::LoadKind;
use crate::text;
use bench_stats::capacity::{capacity_ci, capacity_ratio, capacity_replicates, first_crossing, Capacity};
use bench_stats::capacity::{CapacityDraw, CapacityEstimate, Level};
use bench_stats::dependence::{tau_bits, BitSeq};
use bench_stats::proportion::{slo_status, wilson, SloStatus};
use bench_stats::rng::{cell_key, Stream};
use serde::Serialize;

/// Per-request thresholds in seconds (any subset) and the attainment target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Slo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttft: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tpot: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e2el: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub itl: Option<f64>,
    /// The share of attempted requests that must be good (0.9, DistServe's).
    pub attainment: f64,
}

/// The attainment target when none is given.
pub const DEFAULT_ATTAINMENT: f64 = 0.9;

/// The metrics an SLO can bound, with their names on the command line and in the URL.
pub const SLO_METRICS: [&str; 4] = ["ttft", "tpot", "e2el", "itl"];

impl Default for Slo {
    fn default() -> Slo {
        Slo { ttft: None, tpot: None, e2el: None, itl: None, attainment: DEFAULT_ATTAINMENT }
    }
}

impl Slo {
    /// Parses `ttft=200ms,tpot=50ms,e2el=2s` (any subset; `ms` or `s`, seconds without a unit).
    pub fn parse(spec: &str, attainment: f64) -> Result<Slo, String> {
        let mut slo = Slo { attainment, ..Slo::default() };
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) =
                part.split_once('=').ok_or_else(|| format!("`{part}`: expected metric=threshold, e.g. ttft=200ms"))?;
            let seconds = parse_duration(value.trim()).ok_or_else(|| {
                format!("`{part}`: `{}` is not a duration such as 200ms or 1.5s", text::shown(value.trim()))
            })?;
            *slo.threshold_mut(name.trim()).ok_or_else(|| {
                format!(
                    "`{part}`: unknown metric `{}`; SLOs bound {}",
                    text::shown(name.trim()),
                    SLO_METRICS.join(", ")
                )
            })? = Some(seconds);
        }
        if !(attainment > 0.0 && attainment <= 1.0) {
            return Err(format!("the attainment target {attainment} is not in (0, 1]"));
        }
        Ok(slo)
    }

    pub fn threshold(&self, name: &str) -> Option<f64> {
        let mut copy = *self;
        copy.threshold_mut(name).and_then(|t| *t)
    }

    pub fn threshold_mut(&mut self, name: &str) -> Option<&mut Option<f64>> {
        match name {
            "ttft" => Some(&mut self.ttft),
            "tpot" => Some(&mut self.tpot),
            "e2el" => Some(&mut self.e2el),
            "itl" => Some(&mut self.itl),
            _ => None,
        }
    }

    /// Whether any threshold is set.
    pub fn is_set(&self) -> bool {
        SLO_METRICS.iter().any(|m| self.threshold(m).is_some())
    }

    /// `TTFT ≤ 60 ms and TPOT ≤ 30 ms`.
    pub fn describe(&self) -> String {
        let names = [("ttft", "TTFT"), ("tpot", "TPOT"), ("e2el", "E2E latency"), ("itl", "every ITL")];
        let parts: Vec<String> = names
            .iter()
            .filter_map(|(key, label)| Some(format!("{label} ≤ {}", text::value(Some(self.threshold(key)?), "s"))))
            .collect();
        parts.join(" and ")
    }

    /// Whether a successful request meets every threshold (≤, as vLLM, inference-perf and DistServe).
    /// An unknown value fails its threshold: the request can't be shown to meet it.
    fn good(&self, r: &SloRequest) -> bool {
        let meets = |threshold: Option<f64>, value: f64| threshold.is_none_or(|t| value <= t);
        meets(self.ttft, r.ttft) && meets(self.tpot, r.tpot) && meets(self.e2el, r.e2el) && meets(self.itl, r.itl_max)
    }
}

/// `200ms`, `1.5s`, `2` (seconds) as seconds.
fn parse_duration(text: &str) -> Option<f64> {
    let (number, scale) = match text.strip_suffix("ms") {
        Some(ms) => (ms, 1e-3),
        None => (text.strip_suffix('s').unwrap_or(text), 1.0),
    };
    decimal::parse(number.trim()).map(|v| v * scale).filter(|v| v.is_finite() && *v >= 0.0)
}

/// What SLOs check of one successful request; NaN where the file does not tell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SloRequest {
    pub ttft: f64,
    /// 0 for a request of one output token (vLLM's convention: it passes any TPOT bound).
    pub tpot: f64,
    pub e2el: f64,
    /// The request's longest inter-token gap; 0 without gaps.
    pub itl_max: f64,
    pub output_tokens: f64,
}

/// A run's attainment and goodput under an SLO.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Attainment {
    pub good: usize,
    /// Successful and failed requests: a failure is never good.
    pub attempted: usize,
    pub attainment: f64,
    /// Wilson interval on effective counts.
    pub attainment_ci: Option<[f64; 2]>,
    pub goodput_requests_per_s: Option<f64>,
    pub goodput_output_tokens_per_s: Option<f64>,
    /// `pass` (the interval's lower end reaches the target), `fail` (its upper end does not), or
    /// `unresolved` (the run is too short to tell).
    pub status: &'static str,
    /// τ̂ of the good indicator in launch order.
    #[serde(skip)]
    pub tau: f64,
}

/// A run's attainment; `None` for a run without per-request records.
pub fn attainment(run: &Run, slo: &Slo, alpha: f64) -> Option<Attainment> {
    let requests = run.evidence.slo_requests()?;
    let good_bits = BitSeq::from_fn(requests.len(), |i| slo.good(&requests[i]));
    let good = (0..requests.len()).filter(|&i| slo.good(&requests[i])).count();
    let attempted = requests.len() + run.failed_requests.unwrap_or(0);
    if attempted == 0 {
        return None;
    }
    let tau = tau_bits(&good_bits).max(1.0);
    let share = good as f64 / attempted as f64;
    let ci = wilson(good as f64, attempted as f64, tau, alpha);
    let status = match ci.map(|ci| slo_status(ci, slo.attainment)) {
        Some(SloStatus::Pass) => "pass",
        Some(SloStatus::Fail) => "fail",
        _ => "unresolved",
    };
    let per_second = |amount: f64| run.duration_s.filter(|d| *d > 0.0).map(|d| amount / d);
    let good_tokens: f64 =
        requests.iter().filter(|r| slo.good(r)).map(|r| r.output_tokens).filter(|t| t.is_finite()).sum();
    Some(Attainment {
        good,
        attempted,
        attainment: share,
        attainment_ci: ci.map(|(low, high)| [low, high]),
        goodput_requests_per_s: per_second(good as f64),
        goodput_output_tokens_per_s: per_second(good_tokens),
        status,
        tau,
    })
}

/// How much load one deployment serves in one scenario under the SLO.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityResult {
    pub deployment: String,
    pub scenario: String,
    /// `at` (a crossing), `below` (the lowest rate fails), `not_reached` (every rate passes).
    pub status: &'static str,
    /// The interpolated capacity; the lowest rate for `below`, the highest for `not_reached`.
    pub qps: f64,
    /// The measured rates around the crossing.
    pub bracket: Option<[f64; 2]>,
    /// The bootstrap interval of the crossing (from the replicates that crossed).
    pub ci: Option<[f64; 2]>,
    /// A rate above the first failing one passes again.
    pub non_monotone: bool,
    /// The highest measured rate before the first failure.
    pub max_passing: Option<f64>,
    /// Shares of the replicates with every rate passing, or the lowest failing.
    pub p_not_reached: f64,
    pub p_below: f64,
    #[serde(skip)]
    estimate: CapacityEstimate,
    #[serde(skip)]
    draws: Vec<CapacityDraw>,
}

/// One deployment's capacity against the baseline's in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityComparison {
    pub deployment: String,
    pub baseline: String,
    pub scenario: String,
    pub baseline_qps: f64,
    pub qps: f64,
    pub change_pct: Option<f64>,
    pub change_pct_ci: Option<[f64; 2]>,
    #[serde(serialize_with = "crate::compare::state_key")]
    pub verdict: State,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Everything the SLO tells about an analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SloReport {
    pub slo: Slo,
    /// Per run of the analysis, in its order.
    pub runs: Vec<Option<Attainment>>,
    /// Per deployment and scenario with request-rate runs, in deployment then scenario order.
    pub capacities: Vec<CapacityResult>,
    pub comparisons: Vec<CapacityComparison>,
}

impl SloReport {
    /// Attainment and goodput of every run, capacities, and their comparison with the baseline's.
    pub fn of(analysis: &Analysis, slo: &Slo) -> SloReport {
        let config = &analysis.config;
        let runs: Vec<Option<Attainment>> = analysis.runs.iter().map(|r| attainment(r, slo, config.alpha())).collect();
        let mut capacities = Vec::new();
        for deployment in &analysis.deployments {
            for scenario in analysis.scenarios() {
                let levels: Vec<(f64, Attainment)> = analysis
                    .runs
                    .iter()
                    .zip(&runs)
                    .filter(|(r, _)| r.deployment == deployment.id && r.scenario == scenario)
                    .filter(|(r, _)| r.load.kind == LoadKind::Qps)
                    .filter_map(|(r, a)| Some((r.load.value?, (*a)?)))
                    .collect();
                if let Some(capacity) = capacity(&deployment.id, scenario, &levels, slo, config) {
                    capacities.push(capacity);
                }
            }
        }
        let comparisons = compare_capacities(&capacities, &analysis.baseline, config);
        SloReport { slo: *slo, runs, capacities, comparisons }
    }

    pub fn capacity(&self, deployment: &str, scenario: &str) -> Option<&CapacityResult> {
        self.capacities.iter().find(|c| c.deployment == deployment && c.scenario == scenario)
    }
}

/// The capacity of one deployment in one scenario from its levels (rate ascending, attainment).
fn capacity(
    deployment: &str,
    scenario: &str,
    levels: &[(f64, Attainment)],
    slo: &Slo,
    config: &StatsConfig,
) -> Option<CapacityResult> {
    let rates: Vec<f64> = levels.iter().map(|(rate, _)| *rate).collect();
    let shares: Vec<f64> = levels.iter().map(|(_, a)| a.attainment).collect();
    let estimate = first_crossing(&rates, &shares, slo.attainment)?;
    let bootstrap_levels: Vec<Level> = levels
        .iter()
        .map(|(rate, a)| Level { rate: *rate, attainment: a.attainment, attempted: a.attempted as u64, tau: a.tau })
        .collect();
    let mut stream = Stream::for_cell(config.seed, &cell_key(&["capacity", deployment, scenario]));
    let draws =
        capacity_replicates(&bootstrap_levels, slo.attainment, config.resamples, &mut stream).unwrap_or_default();
    let ci = (!draws.is_empty()).then(|| capacity_ci(&draws, config.alpha()));
    let (status, qps, bracket) = match estimate.capacity {
        Capacity::Crossing { rate, bracket } => ("at", rate, Some([bracket.0, bracket.1])),
        Capacity::BelowLowest { lowest } => ("below", lowest, None),
        Capacity::NotReached { highest } => ("not_reached", highest, None),
    };
    Some(CapacityResult {
        deployment: deployment.to_string(),
        scenario: scenario.to_string(),
        status,
        qps,
        bracket,
        ci: ci.and_then(|c| Some([c.low?, c.high?])).filter(|_| status == "at"),
        non_monotone: estimate.non_monotone,
        max_passing: estimate.max_passing,
        p_not_reached: ci.map_or(f64::NAN, |c| c.p_not_reached),
        p_below: ci.map_or(f64::NAN, |c| c.p_below),
        estimate,
        draws,
    })
}

/// Each deployment's capacity against the baseline's in the same scenario, with verdicts (a family of
/// their own).
fn compare_capacities(capacities: &[CapacityResult], baseline: &str, config: &StatsConfig) -> Vec<CapacityComparison> {
    let pairs: Vec<(&CapacityResult, &CapacityResult)> = capacities
        .iter()
        .filter(|c| c.deployment != baseline)
        .filter_map(|c| Some((capacities.iter().find(|b| b.deployment == baseline && b.scenario == c.scenario)?, c)))
        .collect();
    let estimates: Vec<Estimate> = pairs
        .iter()
        .map(|(base, c)| {
            match capacity_ratio(&base.estimate.capacity, &base.draws, &c.estimate.capacity, &c.draws, config.alpha()) {
                Ok(ci) => Estimate::Interval { ci, df: None, method: Method::CapacityBootstrap },
                Err(_) if base.status != "at" || c.status != "at" => Estimate::Refused {
                    state: State::NotApplicable,
                    reason: "a capacity lies outside the measured rates: no ratio".to_string(),
                },
                Err(_) => Estimate::Refused {
                    state: State::Insufficient,
                    reason: "too few bootstrap replicates cross on both sides".to_string(),
                },
            }
        })
        .collect();
    let assessed: Vec<crate::inference::Assessed> =
        estimates.iter().map(|estimate| crate::inference::Assessed { estimate, better: Better::Higher }).collect();
    let verdicts = crate::inference::verdicts(&assessed, config);
    pairs
        .iter()
        .zip(&estimates)
        .zip(verdicts)
        .map(|(((base, c), estimate), verdict)| CapacityComparison {
            deployment: c.deployment.clone(),
            baseline: base.deployment.clone(),
            scenario: c.scenario.clone(),
            baseline_qps: base.qps,
            qps: c.qps,
            change_pct: (base.status == "at" && c.status == "at").then(|| (c.qps / base.qps - 1.0) * 100.0),
            change_pct_ci: match estimate {
                Estimate::Interval { ci, .. } => {
                    let (low, high) = ci.ci();
                    Some([(low - 1.0) * 100.0, (high - 1.0) * 100.0])
                }
                Estimate::Refused { .. } => None,
            },
            verdict: verdict.state,
            reason: match estimate {
                Estimate::Refused { reason, .. } => Some(reason.clone()),
                Estimate::Interval { .. } => None,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Group, RunKey};
    use crate::formats::Sourced;
    use crate::model::{Body, Format, Load, Request, RequestLog, RunData};

    #[test]
    fn slos_parse_with_units_and_refuse_nonsense() {
        let slo = Slo::parse("ttft=200ms, tpot=0.05s,e2el=2", 0.95).unwrap();
        assert_eq!((slo.ttft, slo.tpot, slo.e2el, slo.itl), (Some(0.2), Some(0.05), Some(2.0), None));
        assert_eq!(slo.describe(), "TTFT ≤ 200 ms and TPOT ≤ 50.0 ms and E2E latency ≤ 2.00 s");
        assert!(!Slo::default().is_set());
        for (spec, why) in [
            ("ttft", "expected metric=threshold"),
            ("ttft=fast", "not a duration"),
            ("ttft=-1ms", "not a duration"),
            ("queue=1s", "unknown metric `queue`"),
        ] {
            let err = Slo::parse(spec, 0.9).unwrap_err();
            assert!(err.contains(why), "{spec}: {err}");
        }
        assert!(Slo::parse("ttft=1s", 1.5).unwrap_err().contains("not in (0, 1]"));
    }

    fn run(requests: Vec<Request>) -> Run {
        let log = RequestLog { requests, itl: vec![], recorded_duration_s: None };
        let run = RunData::new(Format::VllmBench, Load::qps(1.0), Body::Requests(log));
        let key = RunKey { deployment: "d".into(), scenario: "s".into(), load: Load::qps(1.0) };
        Run::summarise(&Group { key, parts: vec![Sourced { files: vec!["f.json".into()], run }] })
    }

    /// Oracle 15: vLLM's rules. A request exactly at the SLO is good (≤), one of a single output token
    /// passes any TPOT bound, a failed one is never good but counts as attempted; goodput is good
    /// requests over the run's span (last end − first start).
    #[test]
    fn goodput_follows_vllms_rules() {
        let request = |start: f64, ttft: f64, generation_time: f64, output_tokens: f64, ok: bool| Request {
            start,
            end: start + ttft + generation_time,
            ttft,
            generation_time,
            output_tokens,
            input_tokens: 10.0,
            ok,
            ..Request::UNKNOWN
        };
        let five = |t: f64| {
            [
                request(t, 0.2, 0.9, 10.0, true),       // TTFT exactly at the SLO, TPOT 0.1: good
                request(t + 1.0, 0.1, 0.0, 1.0, true),  // one output token: TPOT counts as 0, good
                request(t + 2.0, 0.3, 0.9, 10.0, true), // TTFT over: not good
                request(t + 3.0, 0.1, 1.8, 10.0, true), // TPOT 0.2 over: not good
                request(t + 4.0, 0.1, 0.0, 0.0, false), // failed: attempted, not good
            ]
        };
        let slo = Slo::parse("ttft=200ms,tpot=100ms", 0.9).unwrap();
        let a = attainment(&run(five(0.0).to_vec()), &slo, 0.05).unwrap();
        assert_eq!((a.good, a.attempted), (2, 5));
        assert_eq!(a.attainment, 0.4);
        let span = 3.0 + 0.1 + 1.8; // last end (4.9) − first start (0)
        assert!((a.goodput_requests_per_s.unwrap() - 2.0 / span).abs() < 1e-12);
        assert!((a.goodput_output_tokens_per_s.unwrap() - 11.0 / span).abs() < 1e-12);
        // Forty times as many requests tell that 40 % is below the target.
        let many: Vec<Request> = (0..40).flat_map(|i| five(5.0 * i as f64)).collect();
        let a = attainment(&run(many), &slo, 0.05).unwrap();
        assert_eq!((a.good, a.attempted, a.status), (80, 200, "fail"));
        let [low, high] = a.attainment_ci.unwrap();
        assert!(low < 0.4 && 0.4 < high && high < 0.9, "{low} {high}");
    }
}
