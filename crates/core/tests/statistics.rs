//! The statistics of comparisons on real results (tests/data/exp-3-h100) against the oracles of the
//! statistics design (shared/design/statistics.md §11): the steady-state gate (oracle 16), the verdict
//! counts of an independent numpy/scipy implementation (oracle 18), and determinism (oracle 17).

use serving_compare::analysis::Analysis;
use serving_compare::compare::Quantity;
use serving_compare::inference::{self, Assessed, State, StatsConfig};
use serving_compare::metric::Metric;
use serving_compare::stats::Stat;
use std::path::Path;

#[path = "support/exp3.rs"]
mod support;

use support::{exp3, BASELINE};

const CANDIDATE: &str = "llm-d-70b-2replicas-H100";

/// The analysis with the default settings, made once for all tests.
fn exp3_default() -> &'static Analysis {
    static ANALYSIS: std::sync::OnceLock<Analysis> = std::sync::OnceLock::new();
    ANALYSIS.get_or_init(|| exp3(StatsConfig::default()))
}

/// Oracle 16: the gate flags 29 of the 30 ShareGPT runs (all but vLLM-standalone at 4 QPS, which sits
/// at capacity) and none of the 40 short-input runs.
#[test]
fn overloaded_runs_are_unstable() {
    let analysis = exp3_default();
    let unstable = |scenario: &str| {
        analysis
            .runs
            .iter()
            .filter(|r| r.scenario == scenario && r.evidence.unstable())
            .map(|r| format!("{} {} {}", r.deployment, r.scenario, r.load.key()))
            .collect::<Vec<_>>()
    };
    assert_eq!(unstable("short_input"), Vec::<String>::new());
    let sharegpt = unstable("sharegpt");
    assert_eq!(sharegpt.len(), 29, "{sharegpt:?}");
    assert!(!sharegpt.contains(&format!("{BASELINE} sharegpt qps=4")), "{sharegpt:?}");
}

/// Oracle 18: short_input, vLLM-standalone as baseline against llm-d, TTFT at p50/p90/p95/p99 over the
/// 20 QPS levels, as one family: better 5, worse 14, same 0, inconclusive 46, insufficient 15, up to
/// cells whose interval ends within 5 % of the interval's width from a threshold (Monte Carlo noise of
/// a different random generator).
#[test]
fn verdicts_match_an_independent_implementation() {
    let config = StatsConfig::default();
    let analysis = exp3_default();
    let changes: Vec<_> = analysis
        .comparisons
        .iter()
        .filter(|c| c.scenario == "short_input" && c.deployment == CANDIDATE)
        .flat_map(|c| &c.changes)
        .filter(|c| matches!(c.metric, Quantity::Stat(Metric::Ttft, stat) if stat != Stat::Mean))
        .collect();
    assert_eq!(changes.len(), 80);
    let assessed: Vec<Assessed> =
        changes.iter().map(|c| Assessed { estimate: &c.estimate, better: c.better }).collect();
    let verdicts = inference::verdicts(&assessed, &config);
    let count = |state: State| verdicts.iter().filter(|v| v.state == state).count() as i64;
    let expected = [
        (State::Better, 5),
        (State::Worse, 14),
        (State::Same, 0),
        (State::Inconclusive, 46),
        (State::Insufficient, 15),
    ];
    let borderline = changes
        .iter()
        .filter(|c| {
            let Some([low, high]) = c.ratio_ci else { return false };
            let margin = 0.05 * (high - low);
            [1.0 - config.noise_threshold, 1.0 + config.noise_threshold]
                .iter()
                .any(|t| (low - t).abs() <= margin || (high - t).abs() <= margin)
        })
        .count() as i64;
    let off: i64 = expected.iter().map(|&(state, want)| (count(state) - want).abs()).sum::<i64>() / 2;
    let got: Vec<(State, i64)> = expected.iter().map(|&(s, _)| (s, count(s))).collect();
    assert!(off <= borderline, "{got:?}: {off} cells differ, {borderline} borderline");
    assert_eq!(count(State::Insufficient), 15);
}

/// Swapping baseline and candidate inverts the same interval exactly (oracle 7), and an analysis against
/// another baseline computed after the intervals were prepared equals one computed from scratch.
#[test]
fn another_baseline_inverts_the_intervals() {
    let config = StatsConfig::default();
    let a = exp3_default();
    assert!(a.prepare(CANDIDATE, &config, usize::MAX));
    let swapped = a.with_settings(CANDIDATE, config);
    let fresh = exp3(config).with_settings(CANDIDATE, config);
    assert_eq!(swapped.comparisons, fresh.comparisons);
    let forward = a.comparison(CANDIDATE, "short_input", serving_compare::model::Load::qps(3.5)).unwrap();
    let backward = swapped.comparison(BASELINE, "short_input", serving_compare::model::Load::qps(3.5)).unwrap();
    let quantity = Quantity::Stat(Metric::Ttft, Stat::P90);
    let [low, high] = forward.change(quantity).unwrap().ratio_ci.unwrap();
    let [back_low, back_high] = backward.change(quantity).unwrap().ratio_ci.unwrap();
    assert!((low * back_high - 1.0).abs() < 1e-12 && (high * back_low - 1.0).abs() < 1e-12);
}

/// The intervals prepared in shares (as on several threads) give the analysis computed at once.
#[test]
fn intervals_prepared_in_shares_give_the_same_comparisons() {
    // Another seed than the analysis was made with: none of its intervals is reused.
    let config = StatsConfig { seed: 7, ..StatsConfig::default() };
    let a = exp3(StatsConfig::default());
    for part in [2, 0, 1] {
        a.add_prepared(a.prepare_share(BASELINE, &config, part, 3), &config);
    }
    let fresh = exp3(config);
    assert_eq!(a.with_settings(BASELINE, config).comparisons, fresh.comparisons);
}

/// Oracle 17: the same inputs and seed give the same numbers; another seed moves interval ends by less
/// than 5 % of the interval's width.
#[test]
fn intervals_are_reproducible_and_barely_move_with_the_seed() {
    let a = exp3_default();
    let b = exp3(StatsConfig::default());
    assert_eq!(a.comparisons, b.comparisons);
    let c = exp3(StatsConfig { seed: 7, ..StatsConfig::default() });
    let intervals = |x: &Analysis| -> Vec<[f64; 2]> {
        x.comparisons.iter().flat_map(|c| &c.changes).filter_map(|c| c.ratio_ci).collect()
    };
    let (first, second) = (intervals(a), intervals(&c));
    assert_eq!(first.len(), second.len());
    assert!(first.len() > 300, "{}", first.len());
    // Each end is a Monte Carlo estimate: with B = 2000 its standard error is about 1.5 % of the width,
    // so two seeds' ends differ by about 2 % of the width on average, rarely by more than 5 %.
    let mut moves: Vec<f64> =
        first.iter().zip(&second).map(|(x, y)| (x[0] - y[0]).abs().max((x[1] - y[1]).abs()) / (x[1] - x[0])).collect();
    moves.sort_by(f64::total_cmp);
    let median = moves[moves.len() / 2];
    let p90 = moves[moves.len() * 9 / 10];
    assert!(median < 0.03 && p90 < 0.05, "moves of the interval ends: median {median}, p90 {p90} of the width");
}

/// On a terminal the tables fit its width: too wide, a table is stacked one quantity per line; piped,
/// it is whole.
#[test]
fn terminal_tables_fit_the_terminal() {
    let analysis = exp3_default();
    let fitted = serving_compare::report::terminal(analysis, Some(100), None);
    let lines: Vec<&str> = fitted.lines().skip_while(|l| !l.starts_with("Baseline:")).skip(1).collect();
    assert!(lines.iter().all(|l| l.chars().count() <= 100), "{fitted}");
    assert!(fitted.contains("  TTFT p50 "), "{fitted}");
    let whole = serving_compare::report::terminal(analysis, None, None);
    assert!(whole.lines().any(|l| l.chars().count() > 100));
    assert!(whole.lines().count() < fitted.lines().count());
}

/// Capacities on exp-3 short input with TTFT ≤ 60 ms and TPOT ≤ 30 ms for 90 % of requests equal an
/// independent computation (tests/fixtures/capacity_expected.py) to 1e-9, with the design's intervals
/// (§8.5: vLLM 2.15 [2.12, 2.20], llm-d 3.36 [3.25, 3.52], up to Monte Carlo noise).
#[test]
fn capacities_match_an_independent_computation() {
    use serving_compare::slo::{Slo, SloReport};
    let fixture: serde_json::Value = serde_json::from_slice(
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/exp-3-capacity.expected.json"))
            .unwrap(),
    )
    .unwrap();
    let analysis = exp3_default();
    let report = SloReport::of(analysis, &Slo::parse("ttft=60ms,tpot=30ms", 0.9).unwrap());
    for run in fixture["runs"].as_array().unwrap() {
        let (i, _) = analysis
            .runs
            .iter()
            .enumerate()
            .find(|(_, r)| {
                r.deployment == run["deployment"] && r.scenario == run["scenario"] && r.qps == run["qps"].as_f64()
            })
            .unwrap();
        let got = report.runs[i].unwrap();
        assert_eq!(
            (got.good as u64, got.attempted as u64),
            (run["good"].as_u64().unwrap(), run["attempted"].as_u64().unwrap())
        );
    }
    let expected = fixture["capacities"].as_array().unwrap();
    assert_eq!(report.capacities.len(), expected.len());
    for want in expected {
        let got = report.capacity(want["deployment"].as_str().unwrap(), want["scenario"].as_str().unwrap()).unwrap();
        assert_eq!(got.status, want["status"]);
        assert!((got.qps - want["qps"].as_f64().unwrap()).abs() < 1e-9, "{got:?} {want}");
        assert_eq!(serde_json::to_value(got.bracket).unwrap(), want["bracket"]);
    }
    let ci = |d: &str| report.capacity(d, "short_input").unwrap().ci.unwrap();
    let (vllm, llmd) = (ci(BASELINE), ci(CANDIDATE));
    assert!((vllm[0] - 2.12).abs() < 0.03 && (vllm[1] - 2.20).abs() < 0.03, "{vllm:?}");
    assert!((llmd[0] - 3.25).abs() < 0.05 && (llmd[1] - 3.52).abs() < 0.05, "{llmd:?}");
    assert!(report.capacity(BASELINE, "short_input").unwrap().non_monotone);
    let comparison =
        report.comparisons.iter().find(|c| c.deployment == CANDIDATE && c.scenario == "short_input").unwrap();
    assert_eq!(comparison.verdict, State::Better);
}
