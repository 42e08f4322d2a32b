//! Property tests: transformation rules of the ratio bootstrap (design §11 oracle 7) and "no
//! panic on any input" for every public function.

use bench_stats::bootstrap::*;
use bench_stats::capacity::*;
use bench_stats::dependence::*;
use bench_stats::effect::superiority;
use bench_stats::means::{mean_ci, ratio_of_means, MeanStats};
use bench_stats::order_ci::*;
use bench_stats::proportion::{newcombe, slo_status, wilson};
use bench_stats::quantile::{sort, type7};
use bench_stats::repetitions::{cochran_q, log_se_from_ci, welch_log_ratio};
use bench_stats::rng::{cell_key, fnv1a64, Stream};
use bench_stats::special::*;
use bench_stats::steady::*;
use bench_stats::verdict::*;
use proptest::prelude::*;

/// Positive latency-like samples of 40–400 values.
fn positive_sample() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0.001f64..100.0, 40..400).prop_map(|mut v| {
        sort(&mut v);
        v
    })
}

/// Any f64, biased towards awkward values.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(1.0),
        Just(f64::MIN_POSITIVE),
        Just(f64::MAX),
        -10.0f64..10.0,
        any::<f64>(),
    ]
}

fn any_vec() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        Just(vec![]),
        prop::collection::vec(any_f64(), 0..40),
        prop::collection::vec(-5.0f64..5.0, 0..200),
        (any_f64(), 0usize..60).prop_map(|(v, n)| vec![v; n]),
    ]
}

fn rel_eq(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Oracle 7: scaling both samples by c > 0 leaves the ratio CI unchanged (same stream).
    #[test]
    fn scaling_both_sides_leaves_ci_unchanged(a in positive_sample(), b in positive_sample(),
                                              c in 1e-3f64..1e3, q in 0.3f64..0.95, tau in 1.0f64..1.5) {
        let (ca, cb): (Vec<f64>, Vec<f64>) = (a.iter().map(|v| v * c).collect(), b.iter().map(|v| v * c).collect());
        let run = |x: &[f64], y: &[f64]| percentile_ratio(
            Side { sorted: x, n_eff: x.len() as f64 / tau }, Side { sorted: y, n_eff: y.len() as f64 / tau },
            q, 0.05, 300, &mut Stream::for_cell(0, "scale"));
        match (run(&a, &b), run(&ca, &cb)) {
            (Ok(r1), Ok(r2)) => {
                let ((l1, h1), (l2, h2)) = (r1.ci(), r2.ci());
                prop_assert!(rel_eq(r1.ratio(), r2.ratio(), 1e-12));
                prop_assert!(rel_eq(l1, l2, 1e-12) && rel_eq(h1, h2, 1e-12), "{l1} {l2} {h1} {h2}");
            }
            (r1, r2) => prop_assert_eq!(r1, r2),
        }
    }

    /// Oracle 7: reusing the replicates, CI(A/B) = 1/CI(B/A) — exactly on the log scale, and to
    /// the rounding of one reciprocal on the ratio scale.
    #[test]
    fn inverse_from_reused_replicates_is_exact(a in positive_sample(), b in positive_sample(), q in 0.05f64..0.95) {
        let (sa, sb) = (Side { sorted: &a, n_eff: a.len() as f64 }, Side { sorted: &b, n_eff: b.len() as f64 });
        let reps = log_ratio_replicates(sa, sb, q, 500, &mut Stream::for_cell(1, "inverse"));
        let point = type7(&b, q).unwrap().ln() - type7(&a, q).unwrap().ln();
        let ba = ci_from_log_replicates(point, &reps, 0.05).unwrap();
        let neg: Vec<f64> = reps.iter().map(|v| -v).collect();
        let ab = ci_from_log_replicates(-point, &neg, 0.05).unwrap();
        prop_assert_eq!(ab.ln_low.to_bits(), (-ba.ln_high).to_bits());
        prop_assert_eq!(ab.ln_high.to_bits(), (-ba.ln_low).to_bits());
        prop_assert_eq!(ab, ba.inverse());
        let ((l_ab, h_ab), (l_ba, h_ba)) = (ab.ci(), ba.ci());
        prop_assert!(rel_eq(l_ab, 1.0 / h_ba, 4e-16) && rel_eq(h_ab, 1.0 / l_ba, 4e-16));
    }

    /// Oracle 7: scaling B by 1.1 multiplies the point estimate and both CI ends by 1.1.
    #[test]
    fn scaling_b_scales_point_and_ci(a in positive_sample(), b in positive_sample(), q in 0.3f64..0.95) {
        let b11: Vec<f64> = b.iter().map(|v| v * 1.1).collect();
        let run = |y: &[f64]| percentile_ratio(Side { sorted: &a, n_eff: a.len() as f64 },
            Side { sorted: y, n_eff: y.len() as f64 }, q, 0.05, 300, &mut Stream::for_cell(2, "b11"));
        if let (Ok(r1), Ok(r2)) = (run(&b), run(&b11)) {
            let ((l1, h1), (l2, h2)) = (r1.ci(), r2.ci());
            prop_assert!(rel_eq(1.1 * r1.ratio(), r2.ratio(), 1e-12));
            prop_assert!(rel_eq(1.1 * l1, l2, 1e-12) && rel_eq(1.1 * h1, h2, 1e-12));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Every public function returns (None / NaN / a refusal) instead of panicking.
    #[test]
    fn no_panic_anywhere(x in any_vec(), y in any_vec(), p in any_f64(), q in any_f64(), r in any_f64(),
                         k in any::<u64>(), small in 0u64..5000, bits in prop::collection::vec(any::<bool>(), 0..300)) {
        // special
        let _ = (ln_gamma(p), normal_cdf(p), normal_sf(p), normal_ppf(p), beta_reg(p, q, r));
        let _ = (t_cdf(p, q), t_sf(p, q), t_ppf(p, q));
        let _ = (binom_cdf(k as i64, small, p), binom_sf(k as i64 % 100, small, q), binom_ppf(p, small, q), binom_isf(p, small, q));
        // quantile / order statistics
        let mut sx = x.clone();
        sort(&mut sx);
        let _ = (type7(&x, p), type7(&sx, q));
        let _ = (ranks(small, p, q), ranks(small, 0.5, 0.05), n_min(p, q), requests_needed(k, p));
        let _ = (full_sample_rank(k, small, x.len()), full_sample_rank(k, k, usize::MAX));
        let _ = (quantile_ci(&sx, p, q, r), quantile_ci(&sx, 0.9, sx.len() as f64, 0.05), lower_bound(&sx, p, q, r), lower_bound_97_5(&sx, 0.99, r));
        // dependence
        let bs = BitSeq::from_bools(&bits);
        let _ = (tau_bits(&bs), tau_indicator(&x, p), tau_quantile(&x, &sx, q), tau_quantile(&x, &y, q), tau_real(&x), tau_batch_means(&x));
        // rng
        let mut s = Stream::for_cell(k, &cell_key(&["a", "b"]));
        let _ = (fnv1a64(&k.to_le_bytes()), s.uniform(), s.normal(), s.gamma(p), s.beta(p, q), s.beta(0.5, 0.25));
        let _ = (s.binomial(k, q), s.binomial(small, 0.3), s.binomial(k, 0.5));
        // bootstrap
        let (a, b) = (Side { sorted: &sx, n_eff: p }, Side { sorted: &sx, n_eff: sx.len() as f64 });
        let _ = quantile_replicate(&sx, k, p, &mut s);
        let _ = quantile_replicate(&sx, small, q, &mut s);
        let _ = log_ratio_replicates(a, b, q, 20, &mut s);
        let _ = ci_from_log_replicates(p, &y, q);
        let _ = (percentile_ratio(a, b, q, r, 20, &mut s), percentile_ratio(b, b, 0.5, 0.05, 20, &mut s), delta_ratio(a, b, q, r), delta_ratio(b, b, 0.5, 0.05));
        // means
        if let Some(m) = MeanStats::of(&x) {
            let _ = (mean_ci(&m, p), ratio_of_means(&m, &m, 0.05), m.n_eff());
        }
        let weird = MeanStats { n: small as usize, mean: p, sd: q, tau: r };
        let _ = (mean_ci(&weird, 0.05), ratio_of_means(&weird, &weird, 0.05));
        // repetitions
        let _ = (welch_log_ratio(&x, &y, p), welch_log_ratio(&x, &y, 0.05), cochran_q(&x, &y), log_se_from_ci(p, q, r));
        // verdicts
        let _ = (p_values(p, q, r, None), p_values(p, q, 0.05, Some(r)), bh_adjust(&x), holm_adjust(&y));
        let _ = (select(&x, p, Multiplicity::Bh), select(&x, 0.05, Multiplicity::Holm), select(&y, q, Multiplicity::None));
        let cells: Vec<Cell> = x.iter().zip(&y).map(|(&l, &h)| Cell::Tested(Tested { low: l, high: h, p_dir: p, p_eq: h, direction: Direction::HigherIsBetter }))
            .chain([Cell::Insufficient, Cell::Unstable, Cell::NotApplicable]).collect();
        let _ = verdicts(&cells, &Config { delta: p, level: q, multiplicity: Multiplicity::Bh });
        // steady state
        let _ = steady_state(&x, &y, &x, false, &SteadyConfig::default());
        let _ = (completion_ratio(&x, &y), drift(&x), spearman(&x, &y), spearman(&x, &x), launch_rate(&x), launch_rate_differs(p, q));
        let _ = steady_state(&x, &y, &y, true, &SteadyConfig::default()).reason();
        // proportions
        let _ = (wilson(p, q, r, 0.05), wilson(small as f64, 5000.0, 1.0, p), newcombe(p, q, r, p, q, r, 0.05), slo_status((p, q), r));
        // capacity
        let _ = (first_crossing(&x, &y, p), first_crossing_percentile(&x, &y, q));
        let levels: Vec<Level> = x.iter().zip(&y).take(6).map(|(&a, &b)| Level { rate: a, attainment: b, attempted: small, tau: r }).collect();
        let draws = capacity_replicates(&levels, p, 10, &mut s).unwrap_or_default();
        let ci = capacity_ci(&draws, q);
        let _ = ci.crossed;
        let pt = Capacity::Crossing { rate: p, bracket: (q, r) };
        let _ = capacity_ratio(&pt, &draws, &pt, &draws, q);
        // effect
        let _ = (superiority(&sx, &sx, p), superiority(&sx, &y, 1.0));
    }
}

/// Extreme sizes that proptest does not reach, once.
#[test]
fn no_panic_at_extremes() {
    let _ = ranks(u64::MAX, 0.5, 0.05);
    let _ = ranks(1 << 40, 0.999, 0.01);
    let mut s = Stream::from_u64(0);
    assert!(s.binomial(u64::MAX, 0.5).is_some());
    let x = [1.0, 2.0, 3.0];
    assert!(quantile_replicate(&x, u64::MAX, 1.0, &mut s).is_finite());
    let levels = [
        Level { rate: 1.0, attainment: 0.99, attempted: u64::MAX, tau: 1.0 },
        Level { rate: 2.0, attainment: 0.5, attempted: 10, tau: 1.0 },
    ];
    assert!(capacity_replicates(&levels, 0.9, 5, &mut s).is_some());
}
