//! Distribution-free confidence intervals for a quantile from order statistics (design §5.1–§5.2):
//! binomial ranks in an effective sample of m requests, mapped to ranks of the full sample.

use crate::special::{binom_isf, binom_ppf};
use std::cell::RefCell;

/// Which binomial quantile: `binom_ppf` (lower ranks) or `binom_isf` (upper ranks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    Lower,
    Upper,
}

/// A binomial quantile's arguments: the tail, the bits of prob, m, the bits of p.
type QuantileKey = (Tail, u64, u64, u64);

/// A remembered quantile: its arguments, then its value.
type Remembered = Option<(QuantileKey, Option<u64>)>;

/// log₂ of the slots of the memory of quantiles.
const SLOT_BITS: u32 = 12;

thread_local! {
    /// Direct-mapped: a key has one slot, where a newer key replaces an older one. A table rather than a
    /// hash map, whose code would weigh on the page's WebAssembly.
    static QUANTILES: RefCell<Vec<Remembered>> = RefCell::new(vec![None; 1 << SLOT_BITS]);
}

/// A key's slot: its parts mixed by a multiplication, the top bits.
fn slot((tail, prob, m, p): QuantileKey) -> usize {
    let mixed = (prob ^ p.rotate_left(21) ^ m.rotate_left(42) ^ tail as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (64 - SLOT_BITS)) as usize
}

/// The binomial quantile of (prob, m, p), remembered (design §5.1: cached per (m, q)): each costs a
/// bisection of regularized incomplete beta functions, and the runs of a folder ask for the same ones over
/// and over (30,000 one-row runs: 30,000 times each; a tenth of gen-site's time before).
fn binomial_quantile(tail: Tail, prob: f64, m: u64, p: f64) -> Option<u64> {
    let key = (tail, prob.to_bits(), m, p.to_bits());
    let at = slot(key);
    if let Some((_, known)) = QUANTILES.with_borrow(|q| q[at]).filter(|(k, _)| *k == key) {
        return known;
    }
    let k = match tail {
        Tail::Lower => binom_ppf(prob, m, p),
        Tail::Upper => binom_isf(prob, m, p),
    };
    QUANTILES.with_borrow_mut(|q| q[at] = Some((key, k)));
    k
}

/// 1-based ranks (Conover 1999) bounding the q-quantile in a sample of m: `lower` = smallest k with
/// P(N ≤ k) ≥ α/2, `upper` = (smallest k with P(N > k) ≤ α/2) + 1, N ~ Binomial(m, q).
/// `None` marks an unbounded end (rank 0 or m + 1). Identical to SciPy's
/// `quantile_test(x, q=…, p=q).confidence_interval(1 − α)` index choice when m = n.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranks {
    /// Lower rank l, None when unbounded (l = 0).
    pub lower: Option<u64>,
    /// Upper rank u, None when unbounded (u = m + 1).
    pub upper: Option<u64>,
}

/// The two-sided (1 − α) order-statistic ranks for the q-quantile in an m-sample.
/// None when m = 0, m > 2⁵³, q ∉ (0, 1) or α ∉ (0, 1).
pub fn ranks(m: u64, q: f64, alpha: f64) -> Option<Ranks> {
    if m == 0 || !(q > 0.0 && q < 1.0 && alpha > 0.0 && alpha < 1.0) {
        return None;
    }
    let a = alpha / 2.0;
    let l = binomial_quantile(Tail::Lower, a, m, q)?;
    let u = binomial_quantile(Tail::Upper, a, m, q)? + 1;
    Some(Ranks { lower: (l >= 1).then_some(l), upper: (u <= m).then_some(u) })
}

/// Maps rank r of an m-sample to the full sample of n: ⌈n·r/m⌉ (1-based), clamped to [1, n].
/// Returns 0 only when n = 0 or m = 0.
pub fn full_sample_rank(r: u64, m: u64, n: usize) -> usize {
    if m == 0 || n == 0 {
        return 0;
    }
    let k = (n as u128 * r as u128).div_ceil(m as u128);
    k.clamp(1, n as u128) as usize
}

/// Minimum effective sample size for a bounded two-sided (1 − α) CI of the q-quantile:
/// n_min = ⌈ln(α/2) / ln(max(q, 1 − q))⌉ (95 %: p50 6, p90 36, p95 72, p99 368, p99.9 3688).
/// None when q ∉ (0, 1) or α ∉ (0, 1).
pub fn n_min(q: f64, alpha: f64) -> Option<u64> {
    if !(q > 0.0 && q < 1.0 && alpha > 0.0 && alpha < 1.0) {
        return None;
    }
    let v = libm::ceil(libm::log(alpha / 2.0) / libm::log(q.max(1.0 - q)));
    Some(v as u64)
}

/// Requests a run would need for a bounded CI under its dependence: ⌈n_min · τ̂⌉.
/// None when τ̂ is not finite or below 1 (invalid) or the result does not fit in u64.
pub fn requests_needed(n_min: u64, tau: f64) -> Option<u64> {
    if !(tau.is_finite() && tau >= 1.0) {
        return None;
    }
    let v = libm::ceil(n_min as f64 * tau);
    (v < u64::MAX as f64).then_some(v as u64)
}

/// A confidence interval for a quantile, in the units of the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantileCi {
    /// Sample size.
    pub n: usize,
    /// Effective sample size m = ⌊min(n_eff, n)⌋ the ranks were computed for.
    pub m: u64,
    /// Lower end x₍⌈n·l/m⌉₎, or None when unbounded (−∞).
    pub low: Option<f64>,
    /// Upper end x₍⌈n·u/m⌉₎, or None when unbounded (+∞).
    pub high: Option<f64>,
    /// 1-based rank of `low` in the full sample.
    pub low_rank: Option<usize>,
    /// 1-based rank of `high` in the full sample.
    pub high_rank: Option<usize>,
}

impl QuantileCi {
    /// Both ends finite: the effective sample reached n_min.
    pub fn is_bounded(&self) -> bool {
        self.low.is_some() && self.high.is_some()
    }
}

/// Two-sided (1 − α) CI of the q-quantile of ascending `sorted` with effective size `n_eff` = n/τ̂
/// (pass n for iid data; `n_eff` above n is capped at n). With m = 0 (e.g. τ̂ = ∞) both ends are
/// unbounded. None when `sorted` is empty, q ∉ (0, 1), α ∉ (0, 1) or `n_eff` is NaN or negative.
pub fn quantile_ci(sorted: &[f64], q: f64, n_eff: f64, alpha: f64) -> Option<QuantileCi> {
    let n = sorted.len();
    if n == 0 || n_eff.is_nan() || n_eff < 0.0 || !(q > 0.0 && q < 1.0 && alpha > 0.0 && alpha < 1.0) {
        return None;
    }
    let m = libm::floor(n_eff.min(n as f64)) as u64;
    let mut ci = QuantileCi { n, m, low: None, high: None, low_rank: None, high_rank: None };
    if m == 0 {
        return Some(ci);
    }
    let r = ranks(m, q, alpha)?;
    ci.low_rank = r.lower.map(|l| full_sample_rank(l, m, n));
    ci.high_rank = r.upper.map(|u| full_sample_rank(u, m, n));
    ci.low = ci.low_rank.map(|k| sorted[k - 1]);
    ci.high = ci.high_rank.map(|k| sorted[k - 1]);
    Some(ci)
}

/// One-sided lower confidence bound of the q-quantile at level `level` (e.g. 0.975): x₍⌈n·l/m⌉₎ with
/// l = smallest k with P(N ≤ k) ≥ 1 − level. It exists long before the two-sided CI does for
/// upper quantiles. None when it is unbounded or inputs are invalid (as [`quantile_ci`]).
pub fn lower_bound(sorted: &[f64], q: f64, n_eff: f64, level: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 || n_eff.is_nan() || n_eff < 0.0 || !(q > 0.0 && q < 1.0 && level > 0.0 && level < 1.0) {
        return None;
    }
    let m = libm::floor(n_eff.min(n as f64)) as u64;
    if m == 0 {
        return None;
    }
    let l = binomial_quantile(Tail::Lower, 1.0 - level, m, q)?;
    (l >= 1).then(|| sorted[full_sample_rank(l, m, n) - 1])
}

/// [`lower_bound`] at 97.5 %: the lower end of the two-sided 95 % CI, reported when the CI itself
/// is unbounded (design §5.2: "p99 ≥ 1.21 s at 97.5 %").
pub fn lower_bound_97_5(sorted: &[f64], q: f64, n_eff: f64) -> Option<f64> {
    lower_bound(sorted, q, n_eff, 0.975)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Remembered quantiles are the quantiles: asked twice (the second time from memory), the ranks
        /// and lower bounds are those of `binom_ppf` and `binom_isf` themselves.
        #[test]
        fn remembered_ranks_are_the_ranks(m in 1u64..5000, q in 0.001f64..0.999, alpha in 0.001f64..0.5) {
            for _ in 0..2 {
                let a = alpha / 2.0;
                let (l, u) = (binom_ppf(a, m, q).unwrap(), binom_isf(a, m, q).unwrap() + 1);
                let want = Ranks { lower: (l >= 1).then_some(l), upper: (u <= m).then_some(u) };
                proptest::prop_assert_eq!(ranks(m, q, alpha), Some(want));
                let sorted: Vec<f64> = (1..=m).map(|i| i as f64).collect();
                let bound = binom_ppf(1.0 - (1.0 - a), m, q).filter(|&l| l >= 1).map(|l| l as f64);
                proptest::prop_assert_eq!(lower_bound(&sorted, q, m as f64, 1.0 - a), bound);
            }
        }
    }

    #[test]
    fn fixed_cases_of_the_design() {
        let r = |m, q| ranks(m, q, 0.05).unwrap();
        assert_eq!(r(100, 0.5), Ranks { lower: Some(40), upper: Some(61) });
        assert_eq!(r(368, 0.99), Ranks { lower: Some(360), upper: Some(368) });
        assert_eq!(r(367, 0.99).upper, None);
        assert_eq!(r(10_000, 0.95), Ranks { lower: Some(9457), upper: Some(9543) });
        let x: Vec<f64> = (1..=1000).map(f64::from).collect();
        let ci = quantile_ci(&x, 0.99, 1000.0, 0.05).unwrap();
        assert_eq!((ci.low, ci.high), (Some(983.0), Some(997.0)));
        let table = [(0.5, 6), (0.9, 36), (0.95, 72), (0.99, 368), (0.999, 3688)];
        for (q, want) in table {
            assert_eq!(n_min(q, 0.05), Some(want));
        }
        assert_eq!(requests_needed(368, 1.28), Some(472));
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(ranks(0, 0.5, 0.05), None);
        assert_eq!(quantile_ci(&[], 0.5, 0.0, 0.05), None);
        let ci = quantile_ci(&[1.0, 2.0], 0.5, 0.0, 0.05).unwrap();
        assert!(!ci.is_bounded());
        assert_eq!(n_min(f64::NAN, 0.05), None);
        assert_eq!(requests_needed(368, f64::INFINITY), None);
    }
}
