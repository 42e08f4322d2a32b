//! Repetitions (design §6.5): the run is the unit. Welch t-interval on the logarithms of run-level
//! statistics (ratio of geometric means) and Cochran's Q / I² heterogeneity across runs.

use crate::bootstrap::RatioCi;
use crate::special::{normal_ppf, t_ppf, t_sf};
use crate::Refusal;

/// Welch comparison of run-level statistics on the log scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WelchLog {
    /// ln of the ratio of geometric means, its (1 − α) t-interval and SE (`se_log`).
    pub ci: RatioCi,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// t statistic d/SE.
    pub t: f64,
    /// Two-sided p-value of H₀: equal geometric means (SciPy's `ttest_ind(…, equal_var=False)`).
    pub p_value: f64,
}

/// Welch t-interval on y = ln θ per run: d = ȳ_B − ȳ_A, SE² = s²_B/R_B + s²_A/R_A,
/// df = SE⁴ / ((s²_A/R_A)²/(R_A−1) + (s²_B/R_B)²/(R_B−1)), CI = exp(d ∓ t_{df,1−α/2}·SE).
/// Equals `scipy.stats.ttest_ind(log b, log a, equal_var=False).confidence_interval(1 − α)`
/// exponentiated.
///
/// Errors: insufficient when either side has fewer than 2 runs (m_a, m_b = run counts, n_min = 2);
/// undefined for a value ≤ 0 or not finite, α ∉ (0, 1), or zero spread on both sides (SE = 0).
pub fn welch_log_ratio(a: &[f64], b: &[f64], alpha: f64) -> Result<WelchLog, Refusal> {
    if a.len() < 2 || b.len() < 2 {
        return Err(Refusal::Insufficient { m_a: a.len() as u64, m_b: b.len() as u64, n_min: 2 });
    }
    if !(alpha > 0.0 && alpha < 1.0) || a.iter().chain(b).any(|v| !(*v > 0.0 && v.is_finite())) {
        return Err(Refusal::Undefined);
    }
    let stats = |x: &[f64]| -> (f64, f64, f64) {
        let y: Vec<f64> = x.iter().map(|v| libm::log(*v)).collect();
        let r = y.len() as f64;
        let mean = y.iter().sum::<f64>() / r;
        let var = y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (r - 1.0);
        (mean, var / r, r)
    };
    let (ma, va, ra) = stats(a);
    let (mb, vb, rb) = stats(b);
    let se2 = va + vb;
    if se2.is_nan() || se2 <= 0.0 {
        return Err(Refusal::Undefined);
    }
    let se = libm::sqrt(se2);
    let df = se2 * se2 / (va * va / (ra - 1.0) + vb * vb / (rb - 1.0));
    let d = mb - ma;
    let t = d / se;
    let half = t_ppf(1.0 - alpha / 2.0, df) * se;
    let ci = RatioCi { ln_ratio: d, ln_low: d - half, ln_high: d + half, se_log: se };
    Ok(WelchLog { ci, df, t, p_value: (2.0 * t_sf(t.abs(), df)).min(1.0) })
}

/// Cochran's Q test of homogeneity of run-level log statistics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Heterogeneity {
    /// Q = Σ w_r (y_r − ȳ_w)², w_r = 1/SE_r².
    pub q: f64,
    /// Degrees of freedom R − 1.
    pub df: usize,
    /// I² = max(0, (Q − (R−1))/Q), 0 when Q = 0. Above 0.5: runs disagree beyond sampling noise.
    pub i2: f64,
}

/// Cochran's Q and I² for run-level values `y` (e.g. ln p90 per run) with within-run standard
/// errors `se` (e.g. [`log_se_from_ci`]). None for fewer than 2 runs, mismatched lengths, or a
/// value or SE that is not finite, or an SE ≤ 0.
pub fn cochran_q(y: &[f64], se: &[f64]) -> Option<Heterogeneity> {
    let r = y.len();
    if r < 2 || se.len() != r || y.iter().chain(se).any(|v| !v.is_finite()) || se.iter().any(|s| *s <= 0.0) {
        return None;
    }
    let w: Vec<f64> = se.iter().map(|s| 1.0 / (s * s)).collect();
    let sw: f64 = w.iter().sum();
    let ybar = w.iter().zip(y).map(|(w, y)| w * y).sum::<f64>() / sw;
    let q: f64 = w.iter().zip(y).map(|(w, y)| w * (y - ybar) * (y - ybar)).sum();
    let df = r - 1;
    let i2 = if q > 0.0 { ((q - df as f64) / q).max(0.0) } else { 0.0 };
    Some(Heterogeneity { q, df, i2 })
}

/// Standard error on the log scale from a (1 − α) CI [low, high] of a positive statistic:
/// (ln high − ln low)/(2·z_{1−α/2}). NaN for non-positive ends or α ∉ (0, 1).
pub fn log_se_from_ci(low: f64, high: f64, alpha: f64) -> f64 {
    if !(low > 0.0 && high >= low && alpha > 0.0 && alpha < 1.0) {
        return f64::NAN;
    }
    (libm::log(high) - libm::log(low)) / (2.0 * normal_ppf(1.0 - alpha / 2.0))
}
