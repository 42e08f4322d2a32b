//! Proportions (design §5.4, §6.6, §8.3): Wilson score interval on effective counts, Newcombe's
//! hybrid score interval for a difference, and the confident pass/fail status of an SLO level.

use crate::special::normal_ppf;

/// Wilson (1927) score interval for k good of n attempted, with the counts scaled by 1/τ̂ of the
/// good-indicator sequence: p̂ = k/n, n' = n/τ̂,
/// (p̂ + z²/2n' ∓ z·√(p̂(1−p̂)/n' + z²/4n'²)) / (1 + z²/n'). Equals statsmodels
/// `proportion_confint(k, n, method='wilson')` at τ̂ = 1. None unless 0 ≤ k ≤ n, n > 0, τ̂ ≥ 1
/// finite and α ∈ (0, 1).
pub fn wilson(k: f64, n: f64, tau: f64, alpha: f64) -> Option<(f64, f64)> {
    if !(n > 0.0 && n.is_finite() && (0.0..=n).contains(&k) && tau >= 1.0 && tau.is_finite()) {
        return None;
    }
    if !(alpha > 0.0 && alpha < 1.0) {
        return None;
    }
    let p = k / n;
    let ne = n / tau;
    let z = normal_ppf(1.0 - alpha / 2.0);
    let z2 = z * z;
    let denom = 1.0 + z2 / ne;
    let center = (p + z2 / (2.0 * ne)) / denom;
    let dist = z * libm::sqrt(p * (1.0 - p) / ne + z2 / (4.0 * ne * ne)) / denom;
    Some((center - dist, center + dist))
}

/// Newcombe (1998) hybrid score interval for p₁ − p₂ from two independent Wilson intervals:
/// [d − √((p₁−l₁)² + (u₂−p₂)²), d + √((u₁−p₁)² + (p₂−l₂)²)]. Equals statsmodels
/// `confint_proportions_2indep(k1, n1, k2, n2, method='newcomb')` at τ̂ = 1. Same validity
/// conditions as [`wilson`].
#[allow(clippy::too_many_arguments)]
pub fn newcombe(k1: f64, n1: f64, tau1: f64, k2: f64, n2: f64, tau2: f64, alpha: f64) -> Option<(f64, f64)> {
    let (l1, u1) = wilson(k1, n1, tau1, alpha)?;
    let (l2, u2) = wilson(k2, n2, tau2, alpha)?;
    let (p1, p2) = (k1 / n1, k2 / n2);
    let d = p1 - p2;
    let hyp = |a: f64, b: f64| libm::sqrt(a * a + b * b);
    Some((d - hyp(p1 - l1, u2 - p2), d + hyp(u1 - p1, p2 - l2)))
}

/// Confident SLO status of one level against an attainment target A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SloStatus {
    /// Lower bound ≥ A.
    Pass,
    /// Upper bound < A.
    Fail,
    /// The interval contains A: the run was too short to tell.
    Unresolved,
}

/// Pass if the interval's lower end ≥ `target`, fail if its upper end < `target`, else unresolved
/// (also for NaN ends).
pub fn slo_status(interval: (f64, f64), target: f64) -> SloStatus {
    if interval.0 >= target {
        SloStatus::Pass
    } else if interval.1 < target {
        SloStatus::Fail
    } else {
        SloStatus::Unresolved
    }
}
