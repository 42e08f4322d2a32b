//! Means (design §5.3, §6.3): CI of a mean and ratio of two means, with the batch-means
//! dependence factor.

use crate::bootstrap::RatioCi;
use crate::dependence::tau_batch_means;
use crate::special::normal_ppf;
use crate::Refusal;

/// Effective sample size below which no mean CI is given (GuideLLM's `min_samples`).
pub const MIN_EFFECTIVE_N: f64 = 30.0;

/// Summary of one run's values for mean inference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanStats {
    /// Number of values.
    pub n: usize,
    /// Sample mean x̄.
    pub mean: f64,
    /// Sample standard deviation s (divisor n − 1).
    pub sd: f64,
    /// Dependence factor τ̂_mean ≥ 1 (batch means, [`tau_batch_means`]).
    pub tau: f64,
}

impl MeanStats {
    /// Mean, sd and batch-means τ̂ of `x` in launch order. None for fewer than 2 values or a value
    /// that is not finite.
    pub fn of(x: &[f64]) -> Option<MeanStats> {
        let n = x.len();
        if n < 2 || x.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let mean = x.iter().sum::<f64>() / n as f64;
        let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
        Some(MeanStats { n, mean, sd: libm::sqrt(var), tau: tau_batch_means(x) })
    }

    /// Effective sample size n/τ̂.
    pub fn n_eff(&self) -> f64 {
        self.n as f64 / self.tau
    }

    fn check(&self) -> Result<(), Refusal> {
        if !(self.mean.is_finite() && self.sd.is_finite() && self.sd >= 0.0 && self.tau >= 1.0) {
            return Err(Refusal::Undefined);
        }
        Ok(())
    }

    fn sufficient(&self) -> bool {
        self.n >= 2 && self.n_eff() >= MIN_EFFECTIVE_N
    }

    fn insufficient(a: &MeanStats, b: &MeanStats) -> Refusal {
        let m = |s: &MeanStats| libm::floor(s.n_eff().max(0.0)) as u64;
        Refusal::Insufficient { m_a: m(a), m_b: m(b), n_min: MIN_EFFECTIVE_N as u64 }
    }
}

/// (1 − α) CI of the mean, x̄ ∓ z·s·√(τ̂/n) (normal quantile z). Errors: insufficient when n < 2 or
/// n/τ̂ < 30 (reported with m_a = m_b = ⌊n/τ̂⌋), undefined for non-finite summaries or α ∉ (0, 1).
pub fn mean_ci(s: &MeanStats, alpha: f64) -> Result<(f64, f64), Refusal> {
    s.check()?;
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Refusal::Undefined);
    }
    if !s.sufficient() {
        return Err(MeanStats::insufficient(s, s));
    }
    let half = normal_ppf(1.0 - alpha / 2.0) * s.sd * libm::sqrt(s.tau / s.n as f64);
    Ok((s.mean - half, s.mean + half))
}

/// §6.3: ratio of means x̄_B/x̄_A by the delta method on the log scale,
/// SE² = τ̂_A s_A²/(n_A x̄_A²) + τ̂_B s_B²/(n_B x̄_B²), CI = R̂·exp(∓z·SE).
/// Errors: insufficient unless both n/τ̂ ≥ 30; undefined for a mean ≤ 0 or α ∉ (0, 1).
pub fn ratio_of_means(a: &MeanStats, b: &MeanStats, alpha: f64) -> Result<RatioCi, Refusal> {
    a.check()?;
    b.check()?;
    if !(alpha > 0.0 && alpha < 1.0) || a.mean <= 0.0 || b.mean <= 0.0 {
        return Err(Refusal::Undefined);
    }
    if !a.sufficient() || !b.sufficient() {
        return Err(MeanStats::insufficient(a, b));
    }
    let rel = |s: &MeanStats| s.tau * s.sd * s.sd / (s.n as f64 * s.mean * s.mean);
    let se_log = libm::sqrt(rel(a) + rel(b));
    let z = normal_ppf(1.0 - alpha / 2.0);
    let ln_ratio = libm::log(b.mean) - libm::log(a.mean);
    Ok(RatioCi { ln_ratio, ln_low: ln_ratio - z * se_log, ln_high: ln_ratio + z * se_log, se_log })
}
