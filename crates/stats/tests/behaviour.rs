//! Behaviour of each module on hand-made cases: the rules of the design, refusals and edge cases.

use bench_stats::bootstrap::{delta_ratio, percentile_ratio, Side};
use bench_stats::capacity::*;
use bench_stats::effect::superiority;
use bench_stats::means::{mean_ci, ratio_of_means, MeanStats};
use bench_stats::proportion::{slo_status, wilson, SloStatus};
use bench_stats::repetitions::welch_log_ratio;
use bench_stats::rng::Stream;
use bench_stats::special::{beta_reg, binom_cdf};
use bench_stats::steady::*;
use bench_stats::verdict::*;
use bench_stats::Refusal;

fn tested(low: f64, high: f64, p_dir: f64, p_eq: f64) -> Cell {
    Cell::Tested(Tested { low, high, p_dir, p_eq, direction: Direction::LowerIsBetter })
}

#[test]
fn verdict_states_follow_the_rules() {
    let cells = [
        tested(1.086, 1.248, 0.0004, 0.99), // worse
        tested(0.80, 0.90, 0.0001, 0.99),   // better
        tested(0.97, 1.02, 0.9, 0.001),     // same, 1 inside
        tested(1.016, 1.049, 0.9, 0.002),   // same, detectably above 1
        tested(0.995, 1.08, 0.5, 0.5),      // straddles +5 %: inconclusive
        tested(1.06, 1.20, 0.04, 0.99),     // worse by CI, raw p ≤ 0.05 but not after BH: †
        Cell::Insufficient,
        Cell::Unstable,
        Cell::NotApplicable,
    ];
    let v = verdicts(&cells, &Config::default());
    let states: Vec<&str> = v.iter().map(|v| v.state.key()).collect();
    assert_eq!(
        states,
        ["worse", "better", "same", "same", "inconclusive", "inconclusive", "insufficient", "unstable", "n_a"]
    );
    assert!(!v[2].detectable && v[3].detectable);
    assert_eq!(v[5].without_correction, Some(State::Worse));
    assert_eq!(v[4].without_correction, None);
    assert!(v[0].p_dir_adjusted.is_some() && v[6].p_dir_adjusted.is_none());
    // Without correction the † cell is worse.
    let v = verdicts(&cells, &Config { multiplicity: Multiplicity::None, ..Config::default() });
    assert_eq!(v[5].state, State::Worse);
    // Higher is better swaps the labels.
    let up = Cell::Tested(Tested { low: 1.2, high: 1.3, p_dir: 1e-6, p_eq: 1.0, direction: Direction::HigherIsBetter });
    assert_eq!(verdicts(&[up], &Config::default())[0].state, State::Better);
}

#[test]
fn p_values_are_consistent_with_the_ci() {
    // θ̂ = ln 1.163, s = 0.035: far above +5 % → p_dir tiny, p_eq near 1.
    let p = p_values(1.163f64.ln(), 0.035, 0.05, None).unwrap();
    assert!(p.p_dir < 0.01 && p.p_eq > 0.99 && p.p_up < p.p_down);
    // Centered at 1 with a small SE: equivalence.
    let p = p_values(0.0, 0.01, 0.05, None).unwrap();
    assert!(p.p_eq < 1e-5 && p.p_dir > 0.99);
    assert!(p_values(0.0, 0.0, 0.05, None).is_none());
    assert!(p_values(0.0, 0.1, 0.05, Some(-1.0)).is_none());
}

#[test]
fn steady_state_reason_and_rules() {
    // Overloaded: requests launched uniformly over 100 s, finishing slowly; TTFT grows linearly.
    let n = 400;
    let launch: Vec<f64> = (0..n).map(|i| i as f64 * 0.25).collect();
    let finish: Vec<f64> = launch.iter().map(|t| 4.0 * t).collect();
    let ttft: Vec<f64> = (0..n).map(|i| 0.01 * (1.0 + i as f64)).collect();
    let s = steady_state(&launch, &finish, &ttft, false, &SteadyConfig::default());
    assert!(s.unstable);
    // Drift: median of the last 100 (3.505) over the first 100 (0.505).
    assert_eq!(s.reason().unwrap(), "not at steady state: completion ratio 0.25, TTFT ×6.94");
    assert!(s.trend_p.unwrap() < 1e-10);
    // Healthy: every request finishes 0.1 s after launch, flat TTFT.
    let finish: Vec<f64> = launch.iter().map(|t| t + 0.1).collect();
    let flat: Vec<f64> = (0..n).map(|i| 0.05 + 0.001 * ((i * 37) % 11) as f64).collect();
    let s = steady_state(&launch, &finish, &flat, false, &SteadyConfig::default());
    assert!(!s.unstable && s.reason().is_none());
    assert!((s.completion_ratio.unwrap() - 1.0).abs() < 0.01);
    assert!((s.launch_rate.unwrap() - 4.0).abs() < 1e-9);
    // τ̂ = ∞ alone makes a run unstable.
    let s = steady_state(&launch, &finish, &flat, true, &SteadyConfig::default());
    assert_eq!(s.reason().unwrap(), "not at steady state: requests never decorrelate");
    assert!(launch_rate_differs(8.9, 16.0) && !launch_rate_differs(2.45, 2.5));
    assert_eq!(completion_ratio(&[1.0, 1.0], &[2.0]), None);
    assert_eq!(drift(&[1.0, 2.0, 3.0]), None);
}

#[test]
fn capacity_bootstrap_brackets_the_point() {
    let rates = [1.0, 2.0, 4.0, 8.0];
    let att = [0.99, 0.95, 0.85, 0.40];
    let levels: Vec<Level> = rates
        .iter()
        .zip(att)
        .map(|(&rate, attainment)| Level { rate, attainment, attempted: 2000, tau: 1.3 })
        .collect();
    let point = first_crossing(&rates, &att, 0.9).unwrap();
    let draws = capacity_replicates(&levels, 0.9, 2000, &mut Stream::for_cell(0, "cap A")).unwrap();
    let ci = capacity_ci(&draws, 0.05);
    let (lo, hi) = (ci.low.unwrap(), ci.high.unwrap());
    assert!(lo < 3.0 && 3.0 < hi && lo > 2.0 && hi < 4.0, "[{lo}, {hi}]");
    assert_eq!((ci.p_below, ci.p_not_reached), (0.0, 0.0));
    // B is 20 % better: every level shifted to 1.2× the rate.
    let rates_b: Vec<f64> = rates.iter().map(|r| r * 1.2).collect();
    let levels_b: Vec<Level> = levels.iter().zip(&rates_b).map(|(l, &rate)| Level { rate, ..*l }).collect();
    let point_b = first_crossing(&rates_b, &att, 0.9).unwrap();
    let draws_b = capacity_replicates(&levels_b, 0.9, 2000, &mut Stream::for_cell(0, "cap B")).unwrap();
    let r = capacity_ratio(&point.capacity, &draws, &point_b.capacity, &draws_b, 0.05).unwrap();
    assert!((r.ratio() - 1.2).abs() < 1e-12);
    let (l, h) = r.ci();
    assert!(l < 1.2 && 1.2 < h);
    // Not reached on one side: undefined ratio.
    let all = first_crossing(&rates, &[0.99; 4], 0.9).unwrap();
    assert_eq!(capacity_ratio(&all.capacity, &draws, &point_b.capacity, &draws_b, 0.05), Err(Refusal::Undefined));
    // Too few effective requests at a level.
    let thin = [Level { rate: 1.0, attainment: 0.9, attempted: 1, tau: 2.0 }];
    assert!(capacity_replicates(&thin, 0.9, 10, &mut Stream::from_u64(0)).is_none());
    // Percentile form: p99 of 40, 55, 70 ms against 60 ms crosses at 2 + 5/15.
    let est = first_crossing_percentile(&[1.0, 2.0, 3.0], &[40.0, 55.0, 70.0], 60.0).unwrap();
    assert!((est.capacity.rate().unwrap() - (2.0 + 1.0 / 3.0)).abs() < 1e-12);
}

#[test]
fn proportions_and_status() {
    let (lo, hi) = wilson(90.0, 100.0, 1.0, 0.05).unwrap();
    assert_eq!(slo_status((lo, hi), 0.9), SloStatus::Unresolved);
    assert_eq!(slo_status(wilson(990.0, 1000.0, 1.0, 0.05).unwrap(), 0.95), SloStatus::Pass);
    assert_eq!(slo_status(wilson(700.0, 1000.0, 1.0, 0.05).unwrap(), 0.9), SloStatus::Fail);
    // τ̂ widens the interval.
    let (l2, h2) = wilson(90.0, 100.0, 2.0, 0.05).unwrap();
    assert!(l2 < lo && h2 > hi);
    assert_eq!(wilson(5.0, 4.0, 1.0, 0.05), None);
}

#[test]
fn refusals() {
    let x: Vec<f64> = (1..=100).map(f64::from).collect();
    let side = Side { sorted: &x, n_eff: 100.0 };
    let r = percentile_ratio(side, side, 0.99, 0.05, 100, &mut Stream::from_u64(0));
    assert_eq!(r, Err(Refusal::Insufficient { m_a: 100, m_b: 100, n_min: 368 }));
    assert!(delta_ratio(side, side, 0.99, 0.05).is_none());
    let zero: Vec<f64> = (0..100).map(f64::from).collect();
    let z = Side { sorted: &zero, n_eff: 100.0 };
    assert_eq!(percentile_ratio(z, side, 0.5, 0.05, 100, &mut Stream::from_u64(0)), Err(Refusal::Undefined));
    let ok = percentile_ratio(side, side, 0.5, 0.05, 500, &mut Stream::from_u64(0)).unwrap();
    assert_eq!(ok.ratio(), 1.0);
    let (l, h) = ok.ci();
    assert!(l < 1.0 && h > 1.0);
    // Means: n/τ̂ < 30 is insufficient.
    let m = MeanStats { n: 50, mean: 1.0, sd: 0.1, tau: 2.0 };
    assert!(matches!(mean_ci(&m, 0.05), Err(Refusal::Insufficient { m_a: 25, .. })));
    assert!(matches!(ratio_of_means(&m, &m, 0.05), Err(Refusal::Insufficient { .. })));
    assert!(MeanStats::of(&[1.0]).is_none());
    // Repetitions: one run is insufficient; identical runs have no spread.
    assert!(matches!(
        welch_log_ratio(&[1.0], &[1.0, 2.0], 0.05),
        Err(Refusal::Insufficient { m_a: 1, m_b: 2, n_min: 2 })
    ));
    assert_eq!(welch_log_ratio(&[1.0, 1.0], &[2.0, 2.0], 0.05), Err(Refusal::Undefined));
    // Effect size: identical samples give PS = 0.5.
    let s = superiority(&x, &x, 1.0).unwrap();
    assert_eq!((s.ps, s.cliffs_delta), (0.5, 0.0));
    let (lo, hi) = s.ci(0.05);
    assert!(lo < 0.5 && hi > 0.5);
}

/// The Binomial sampler (beta splitting + inversion) against the exact distribution function at
/// several points, |F̂(k) − F(k)| ≤ 4.5 SE, and mean within 4 SE; and the Gamma boost for
/// shapes < 1 through Beta(0.3, 0.7) (KS-type bound on the largest CDF gap).
#[test]
fn samplers_match_their_distributions() {
    const N: usize = 20_000;
    for (n, p) in [(20u64, 0.3), (64, 0.5), (65, 0.5), (100, 0.02), (5000, 0.97), (1_000_000, 0.9), (123_457, 0.001)] {
        let mut s = Stream::for_cell(0, &format!("binomial {n} {p}"));
        let draws: Vec<u64> = (0..N).map(|_| s.binomial(n, p).unwrap()).collect();
        assert!(draws.iter().all(|&k| k <= n));
        let mean = draws.iter().sum::<u64>() as f64 / N as f64;
        let sd = (n as f64 * p * (1.0 - p)).sqrt();
        assert!((mean - n as f64 * p).abs() < 4.0 * sd / (N as f64).sqrt(), "Binomial({n}, {p}) mean {mean}");
        for z in [-2.0, -1.0, 0.0, 1.0, 2.0] {
            let k = (n as f64 * p + z * sd).floor() as i64;
            let f = binom_cdf(k, n, p);
            let emp = draws.iter().filter(|&&d| d as i64 <= k).count() as f64 / N as f64;
            let se = (f * (1.0 - f) / N as f64).sqrt().max(1e-4);
            assert!((emp - f).abs() < 4.5 * se, "Binomial({n}, {p}) at {k}: {emp} vs {f}");
        }
    }
    let mut s = Stream::for_cell(0, "beta small shapes");
    let mut x: Vec<f64> = (0..N).map(|_| s.beta(0.3, 0.7)).collect();
    x.sort_by(f64::total_cmp);
    let d = x
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let c = beta_reg(0.3, 0.7, v);
            (c - i as f64 / N as f64).max((i + 1) as f64 / N as f64 - c)
        })
        .fold(0.0, f64::max);
    assert!(d < 1.63 / (N as f64).sqrt(), "Beta(0.3, 0.7) KS D = {d}"); // p > 0.01
}
