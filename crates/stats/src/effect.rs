//! Whole-distribution effect size (design §6.4, descriptive): probability of superiority and
//! Cliff's δ from two sorted samples by one merge, with the Hanley–McNeil variance.

use crate::special::normal_ppf;

/// Probability of superiority of B over A for a lower-is-better metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Superiority {
    /// Mann–Whitney U of A: #{(a, b): a > b} + ½·#{a = b}.
    pub u_a: f64,
    /// PS = P(X_B < X_A) + ½P(X_B = X_A) = U_A/(n_A·n_B): a random request is faster on B with
    /// probability PS.
    pub ps: f64,
    /// Cliff's δ = 2·PS − 1.
    pub cliffs_delta: f64,
    /// Hanley–McNeil (1982) variance of PS times the dependence factor:
    /// [PS(1−PS) + (n_A−1)(Q₁−PS²) + (n_B−1)(Q₂−PS²)]/(n_A·n_B)·τ̂, Q₁ = PS/(2−PS),
    /// Q₂ = 2PS²/(1+PS).
    pub variance: f64,
}

impl Superiority {
    /// (1 − α) normal interval PS ∓ z·√variance, clamped to [0, 1]. NaN ends for α ∉ (0, 1).
    pub fn ci(&self, alpha: f64) -> (f64, f64) {
        let half = normal_ppf(1.0 - alpha / 2.0) * libm::sqrt(self.variance);
        ((self.ps - half).clamp(0.0, 1.0), (self.ps + half).clamp(0.0, 1.0))
    }
}

/// PS, Cliff's δ and the Hanley–McNeil variance from ascending `sorted_a` and `sorted_b`, in
/// O(n_A + n_B). `tau` multiplies the variance: max(τ̂_A, τ̂_B) at q = 0.5 (1 for iid).
/// Equals `scipy.stats.mannwhitneyu(a, b).statistic/(n_A·n_B)`. None for an empty sample, NaN
/// values (checked at the ends of the sorted slices) or τ̂ < 1 / NaN.
pub fn superiority(sorted_a: &[f64], sorted_b: &[f64], tau: f64) -> Option<Superiority> {
    let (na, nb) = (sorted_a.len(), sorted_b.len());
    if na == 0 || nb == 0 || tau.is_nan() || tau < 1.0 {
        return None;
    }
    let has_nan = |s: &[f64]| s[0].is_nan() || s[s.len() - 1].is_nan();
    if has_nan(sorted_a) || has_nan(sorted_b) {
        return None;
    }
    // Two pointers: lt = #{b < a}, le = #{b ≤ a}; both only move forward as a increases.
    let (mut lt, mut le) = (0usize, 0usize);
    let mut twice_u: u128 = 0;
    for &a in sorted_a {
        while lt < nb && sorted_b[lt] < a {
            lt += 1;
        }
        le = le.max(lt);
        while le < nb && sorted_b[le] <= a {
            le += 1;
        }
        twice_u += (lt + le) as u128;
    }
    let u_a = twice_u as f64 / 2.0;
    let (fa, fb) = (na as f64, nb as f64);
    let ps = u_a / (fa * fb);
    let q1 = ps / (2.0 - ps);
    let q2 = 2.0 * ps * ps / (1.0 + ps);
    let var = (ps * (1.0 - ps) + (fa - 1.0) * (q1 - ps * ps) + (fb - 1.0) * (q2 - ps * ps)) / (fa * fb);
    Some(Superiority { u_a, ps, cliffs_delta: 2.0 * ps - 1.0, variance: var.max(0.0) * tau })
}
