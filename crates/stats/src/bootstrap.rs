//! Ratio of two percentiles (design §6.2): percentile bootstrap in which each replicate of a
//! type-7 quantile of an m-out-of-n resample is drawn in O(1) from Beta order statistics of
//! uniforms, and a deterministic log-scale delta-method cross-check.

use crate::order_ci::{n_min, quantile_ci};
use crate::quantile::{lerp, type7};
use crate::rng::Stream;
use crate::special::normal_ppf;
use crate::Refusal;

/// Default number of bootstrap replicates B.
pub const DEFAULT_RESAMPLES: usize = 2000;

/// One side of a comparison: ascending request values of one run and its effective sample size
/// for the quantile, `n_eff` = n/τ̂_q (n for iid data; values above n are capped at n).
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The run's values, ascending.
    pub sorted: &'a [f64],
    /// Effective sample size n/τ̂ for the quantile compared.
    pub n_eff: f64,
}

impl Side<'_> {
    /// m = ⌊min(n_eff, n)⌋, the resample size; 0 when `n_eff` is NaN or not positive.
    pub fn m(&self) -> u64 {
        if self.n_eff.is_nan() || self.n_eff <= 0.0 {
            return 0;
        }
        libm::floor(self.n_eff.min(self.sorted.len() as f64)) as u64
    }

    /// Positive, finite data (checked at both ends of the sorted slice, O(1)).
    fn is_positive(&self) -> bool {
        let s = self.sorted;
        !s.is_empty() && s[0] > 0.0 && s[s.len() - 1].is_finite()
    }
}

/// Draws one replicate of the type-7 q-quantile of an m-sample from the empirical distribution of
/// `sorted` (n values): U₍ₖ₎ ~ Beta(k, m−k+1), U₍ₖ₊₁₎ = U₍ₖ₎ + (1−U₍ₖ₎)(1 − V^(1/(m−k))),
/// value = X(U₍ₖ₎) + f·(X(U₍ₖ₊₁₎) − X(U₍ₖ₎)) with X(u) = x₍clamp(⌈n·u⌉, 1, n)₎, h = (m−1)q,
/// k = ⌊h⌋+1, f = h−⌊h⌋. Consumes two Gamma draws and (when k < m) one uniform.
/// Requires 1 ≤ m and a non-empty `sorted`; returns NaN otherwise.
pub fn quantile_replicate(sorted: &[f64], m: u64, q: f64, stream: &mut Stream) -> f64 {
    let n = sorted.len();
    if n == 0 || m == 0 || !(0.0..=1.0).contains(&q) {
        return f64::NAN;
    }
    let h = (m - 1) as f64 * q;
    let k = (libm::floor(h) as u64).saturating_add(1).min(m);
    let f = h - libm::floor(h);
    let u1 = stream.beta(k as f64, (m - k + 1) as f64);
    let u2 = if k < m {
        let v = stream.uniform();
        u1 + (1.0 - u1) * -libm::expm1(libm::log(v) / (m - k) as f64)
    } else {
        u1
    };
    let x = |u: f64| sorted[(libm::ceil(n as f64 * u) as usize).clamp(1, n) - 1];
    lerp(x(u1), x(u2), f)
}

/// B replicates of ln(Q*_B / Q*_A) = ln Q*_B − ln Q*_A, drawn independently for the two sides
/// (per replicate: side A, then side B) with m = ⌊n_eff⌋ for each. Negating the vector gives the
/// replicates of the inverse comparison exactly. Empty when either m is 0.
pub fn log_ratio_replicates(a: Side, b: Side, q: f64, resamples: usize, stream: &mut Stream) -> Vec<f64> {
    let (ma, mb) = (a.m(), b.m());
    if ma == 0 || mb == 0 || a.sorted.is_empty() || b.sorted.is_empty() {
        return Vec::new();
    }
    (0..resamples)
        .map(|_| {
            let ra = quantile_replicate(a.sorted, ma, q, stream);
            let rb = quantile_replicate(b.sorted, mb, q, stream);
            libm::log(rb) - libm::log(ra)
        })
        .collect()
}

/// A ratio R = θ_B/θ_A with its confidence interval, held on the log scale where the interval is
/// exactly symmetric under swapping the sides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatioCi {
    /// Point estimate ln R̂ = ln θ̂_B − ln θ̂_A.
    pub ln_ratio: f64,
    /// Lower end of the CI of ln R.
    pub ln_low: f64,
    /// Upper end of the CI of ln R.
    pub ln_high: f64,
    /// Standard error on the log scale: sd(ln R*) for the bootstrap (sample sd, divisor B − 1),
    /// the delta-method SE otherwise. Used for p-values (design §7.3).
    pub se_log: f64,
}

impl RatioCi {
    /// R̂ = exp(ln R̂).
    pub fn ratio(&self) -> f64 {
        libm::exp(self.ln_ratio)
    }

    /// CI of R: (exp(ln_low), exp(ln_high)).
    pub fn ci(&self) -> (f64, f64) {
        (libm::exp(self.ln_low), libm::exp(self.ln_high))
    }

    /// The comparison the other way round (A over B): log endpoints negated and swapped. Equal,
    /// bit for bit, to recomputing from the negated replicates; on the ratio scale CI(A/B) =
    /// 1/CI(B/A) up to the rounding of one reciprocal.
    pub fn inverse(&self) -> RatioCi {
        RatioCi { ln_ratio: -self.ln_ratio, ln_low: -self.ln_high, ln_high: -self.ln_low, se_log: self.se_log }
    }
}

/// Percentile CI from log-ratio replicates: with the replicates sorted, h = (B−1)·α/2, j = ⌊h⌋,
/// f = h − j, low = lerp(d₍ⱼ₎, d₍ⱼ₊₁₎, f) and high = lerp(d₍B−1−j₎, d₍B−2−j₎, f) (0-based) — the
/// type-7 quantiles at α/2 and 1 − α/2 with the upper one written as the mirror of the lower one,
/// so that negated replicates give exactly the negated, swapped interval. Interpolation is
/// linear in ln R (geometric in R). None when B < 2, α ∉ (0, 1) or a replicate is NaN.
pub fn ci_from_log_replicates(ln_ratio: f64, replicates: &[f64], alpha: f64) -> Option<RatioCi> {
    let b = replicates.len();
    if b < 2 || !(alpha > 0.0 && alpha < 1.0) || replicates.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut d = replicates.to_vec();
    d.sort_unstable_by(f64::total_cmp);
    let h = (b - 1) as f64 * (alpha / 2.0);
    let j = (libm::floor(h) as usize).min(b - 2);
    let f = h - j as f64;
    let ln_low = lerp(d[j], d[j + 1], f);
    let ln_high = lerp(d[b - 1 - j], d[b - 2 - j], f);
    // Sums pair the i-th smallest with the i-th largest, so negated replicates give exactly the
    // negated mean and the same variance.
    let sym_sum = |g: &dyn Fn(f64) -> f64| -> f64 {
        let mut s = if b % 2 == 1 { g(d[b / 2]) } else { 0.0 };
        for i in 0..b / 2 {
            s += g(d[i]) + g(d[b - 1 - i]);
        }
        s
    };
    let mean = sym_sum(&|v| v) / b as f64;
    let var = sym_sum(&|v| (v - mean) * (v - mean)) / (b - 1) as f64;
    Some(RatioCi { ln_ratio, ln_low, ln_high, se_log: libm::sqrt(var) })
}

/// §6.2: ratio Q̂_B(q)/Q̂_A(q) with a (1 − α) percentile-bootstrap CI from `resamples` replicates
/// (m-out-of-n, m = ⌊n_eff⌋, deliberately not rescaled, so the spread includes the dependence).
/// Needs positive data; `stream` should be the cell's stream ([`Stream::for_cell`]).
/// Use [`log_ratio_replicates`] and [`ci_from_log_replicates`] directly to keep the replicates.
///
/// Errors: [`Refusal::Insufficient`] when ⌊m⌋ < n_min(q) on either side (state **insufficient**);
/// [`Refusal::Undefined`] for an empty side, a value ≤ 0 or not finite, q ∉ (0, 1), α ∉ (0, 1) or
/// B < 2.
pub fn percentile_ratio(
    a: Side,
    b: Side,
    q: f64,
    alpha: f64,
    resamples: usize,
    stream: &mut Stream,
) -> Result<RatioCi, Refusal> {
    let nm = n_min(q, alpha).ok_or(Refusal::Undefined)?;
    if !a.is_positive() || !b.is_positive() || resamples < 2 {
        return Err(Refusal::Undefined);
    }
    let (m_a, m_b) = (a.m(), b.m());
    if m_a < nm || m_b < nm {
        return Err(Refusal::Insufficient { m_a, m_b, n_min: nm });
    }
    let qa = type7(a.sorted, q).ok_or(Refusal::Undefined)?;
    let qb = type7(b.sorted, q).ok_or(Refusal::Undefined)?;
    let reps = log_ratio_replicates(a, b, q, resamples, stream);
    ci_from_log_replicates(libm::log(qb) - libm::log(qa), &reps, alpha).ok_or(Refusal::Undefined)
}

/// The deterministic cross-check (design §6.2): SE_g = (ln x₍u_g₎ − ln x₍l_g₎)/(2z) from each side's
/// order-statistic CI (§5.1, same n_eff), CI = R̂·exp(∓z·√(SE_A² + SE_B²)). None when either
/// order-statistic CI is unbounded or the data are not positive.
pub fn delta_ratio(a: Side, b: Side, q: f64, alpha: f64) -> Option<RatioCi> {
    if !a.is_positive() || !b.is_positive() {
        return None;
    }
    let z = normal_ppf(1.0 - alpha / 2.0);
    let se = |s: Side| -> Option<f64> {
        let ci = quantile_ci(s.sorted, q, s.n_eff, alpha)?;
        Some((libm::log(ci.high?) - libm::log(ci.low?)) / (2.0 * z))
    };
    let (sa, sb) = (se(a)?, se(b)?);
    let ln_ratio = libm::log(type7(b.sorted, q)?) - libm::log(type7(a.sorted, q)?);
    let se_log = libm::sqrt(sa * sa + sb * sb);
    Some(RatioCi { ln_ratio, ln_low: ln_ratio - z * se_log, ln_high: ln_ratio + z * se_log, se_log })
}
