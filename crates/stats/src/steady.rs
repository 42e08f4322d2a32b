//! Steady-state gate (design §3): mid-run completion ratio, TTFT drift with a Spearman trend test,
//! the "unstable" rule, and the launch-rate check against the nominal QPS.

use crate::special::t_sf;

/// Thresholds of the gate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SteadyConfig {
    /// Unstable when ρ_W is below this (default 0.90).
    pub min_completion_ratio: f64,
    /// Unstable when the drift is at least this … (default 3.0)
    pub max_drift: f64,
    /// … and the Spearman p-value is below this (default 1e-3).
    pub trend_p: f64,
}

impl Default for SteadyConfig {
    fn default() -> SteadyConfig {
        SteadyConfig { min_completion_ratio: 0.90, max_drift: 3.0, trend_p: 1e-3 }
    }
}

/// Measurements and outcome of the gate for one run. A `None` measurement could not be computed
/// (too few requests, zero span) and does not make the run unstable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SteadyState {
    /// ρ_W = #{finish ∈ W} / #{launch ∈ W}, W = [t_min + T/4, t_min + 3T/4).
    pub completion_ratio: Option<f64>,
    /// D = median TTFT of the last ⌊n/4⌋ requests / median of the first ⌊n/4⌋ (launch order).
    pub drift: Option<f64>,
    /// Two-sided Spearman p-value of (launch time, TTFT).
    pub trend_p: Option<f64>,
    /// Measured launch rate (n − 1)/T in requests per time unit of the inputs.
    pub launch_rate: Option<f64>,
    /// τ̂ = ∞ for this run (design §4), supplied by the caller.
    pub tau_infinite: bool,
    /// ρ_W < min, or (D ≥ max drift and p < trend_p), or τ̂ = ∞.
    pub unstable: bool,
    low_completion: bool,
    drifting: bool,
}

impl SteadyState {
    /// Words for the badge when unstable, naming each failed criterion, e.g.
    /// "not at steady state: completion ratio 0.25, TTFT ×320". None when the run is stable.
    pub fn reason(&self) -> Option<String> {
        if !self.unstable {
            return None;
        }
        let mut parts = Vec::new();
        if let (true, Some(r)) = (self.low_completion, self.completion_ratio) {
            parts.push(format!("completion ratio {r:.2}"));
        }
        if let (true, Some(d)) = (self.drifting, self.drift) {
            parts.push(format!("TTFT ×{}", three_digits(d)));
        }
        if self.tau_infinite {
            parts.push("requests never decorrelate".to_string());
        }
        Some(format!("not at steady state: {}", parts.join(", ")))
    }
}

/// 3 significant digits without exponent: 320, 32.5, 2.06.
fn three_digits(v: f64) -> String {
    if !v.is_finite() {
        return "∞".to_string();
    }
    let a = v.abs();
    if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Runs the gate on one run: `launch`, `finish` and `ttft` per request in launch order (equal
/// lengths; times in seconds or any one unit). Non-finite times are ignored by the completion
/// ratio; mismatched lengths leave drift and trend as None.
pub fn steady_state(
    launch: &[f64],
    finish: &[f64],
    ttft: &[f64],
    tau_infinite: bool,
    config: &SteadyConfig,
) -> SteadyState {
    let completion_ratio = completion_ratio(launch, finish);
    let (drift, trend_p) = if ttft.len() == launch.len() {
        (drift(ttft), spearman(launch, ttft).map(|s| s.p_value))
    } else {
        (None, None)
    };
    let low_completion = completion_ratio.is_some_and(|r| r < config.min_completion_ratio);
    let drifting = matches!((drift, trend_p), (Some(d), Some(p)) if d >= config.max_drift && p < config.trend_p);
    SteadyState {
        completion_ratio,
        drift,
        trend_p,
        launch_rate: launch_rate(launch),
        tau_infinite,
        unstable: low_completion || drifting || tau_infinite,
        low_completion,
        drifting,
    }
}

/// Finite minimum and maximum.
fn span(t: &[f64]) -> Option<(f64, f64)> {
    let mut it = t.iter().copied().filter(|v| v.is_finite());
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

/// Mid-run completion ratio ρ_W (design §3). None when the launch span is zero or no launch falls
/// in W.
pub fn completion_ratio(launch: &[f64], finish: &[f64]) -> Option<f64> {
    let (t0, t1) = span(launch)?;
    let t = t1 - t0;
    if t.is_nan() || t <= 0.0 {
        return None;
    }
    let (w0, w1) = (t0 + 0.25 * t, t0 + 0.75 * t);
    let inside = |v: &&f64| **v >= w0 && **v < w1;
    let launched = launch.iter().filter(inside).count();
    if launched == 0 {
        return None;
    }
    Some(finish.iter().filter(inside).count() as f64 / launched as f64)
}

/// TTFT drift D (design §3). None for n < 4, NaN medians, or 0/0; +∞ when only the first median
/// is 0.
pub fn drift(ttft: &[f64]) -> Option<f64> {
    let k = ttft.len() / 4;
    if k == 0 {
        return None;
    }
    let d = median(&ttft[ttft.len() - k..]) / median(&ttft[..k]);
    (!d.is_nan()).then_some(d)
}

fn median(x: &[f64]) -> f64 {
    // The middle values selected rather than all sorted: a tenth of the time.
    let mut v = x.to_vec();
    let n = v.len();
    let (below, &mut middle, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        middle
    } else {
        let before = below.iter().copied().max_by(f64::total_cmp).unwrap_or(middle);
        0.5 * (before + middle)
    }
}

/// Spearman rank correlation with its two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spearman {
    /// Rank correlation in [−1, 1].
    pub rho: f64,
    /// Two-sided p-value of ρ = 0.
    pub p_value: f64,
}

/// Spearman's ρ as `scipy.stats.spearmanr`: Pearson correlation of average ranks (ties share the
/// mean rank), p from Student t with n − 2 df, t = ρ·√((n−2)/((1+ρ)(1−ρ))) (p = 0 at |ρ| = 1).
/// None for n < 3, mismatched lengths, a NaN value or a constant input.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<Spearman> {
    let n = x.len();
    if n < 3 || y.len() != n || x.iter().chain(y).any(|v| v.is_nan()) {
        return None;
    }
    let (rx, ry) = (average_ranks(x), average_ranks(y));
    let mean = (n as f64 + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        let (da, db) = (a - mean, b - mean);
        sxy += da * db;
        sxx += da * da;
        syy += db * db;
    }
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    let rho = (sxy / libm::sqrt(sxx * syy)).clamp(-1.0, 1.0);
    let dof = (n - 2) as f64;
    let t = rho * libm::sqrt((dof / ((rho + 1.0) * (1.0 - rho))).max(0.0));
    let p_value = if t.is_infinite() { 0.0 } else { (2.0 * t_sf(t.abs(), dof)).min(1.0) };
    Some(Spearman { rho, p_value })
}

/// 1-based ranks, ties averaged (SciPy's `rankdata(method='average')`).
fn average_ranks(x: &[f64]) -> Vec<f64> {
    // The values sorted with their positions (by a key in `total_cmp`'s order), rather than the positions
    // by values fetched from afar at each comparison: 166k random values, 8.4 -> 4.8 ms; by the key alone,
    // and ties found by it rather than by the values, 3.3 ms. Ties share their rank, so their order does
    // not matter; -0 is keyed as 0, which it equals.
    let total_order = |v: f64| {
        let bits = (v + 0.0).to_bits();
        if bits >> 63 == 1 {
            !bits
        } else {
            bits | 1 << 63
        }
    };
    let mut keyed: Vec<(u64, usize)> = x.iter().enumerate().map(|(k, &v)| (total_order(v), k)).collect();
    keyed.sort_unstable_by_key(|&(key, _)| key);
    let mut ranks = vec![0.0; x.len()];
    let mut i = 0;
    while i < keyed.len() {
        let mut j = i;
        while j + 1 < keyed.len() && keyed[j + 1].0 == keyed[i].0 {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &(_, k) in &keyed[i..=j] {
            ranks[k] = r;
        }
        i = j + 1;
    }
    ranks
}

/// Measured launch rate (n − 1)/T over the finite launch times. None for fewer than 2 or T = 0.
pub fn launch_rate(launch: &[f64]) -> Option<f64> {
    let (t0, t1) = span(launch)?;
    let n = launch.iter().filter(|v| v.is_finite()).count();
    (n >= 2 && t1 > t0).then(|| (n - 1) as f64 / (t1 - t0))
}

/// Warn (not gate) when the measured launch rate differs from the nominal QPS by more than 10 %:
/// |measured/nominal − 1| > 0.10. False when either is not finite or nominal ≤ 0.
pub fn launch_rate_differs(measured: f64, nominal: f64) -> bool {
    measured.is_finite() && nominal.is_finite() && nominal > 0.0 && (measured / nominal - 1.0).abs() > 0.10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_their_mean_rank() {
        // scipy.stats.rankdata([2, 1, 2, -0.0, 0, 3, -1]) = [5.5, 4, 5.5, 2.5, 2.5, 7, 1]
        assert_eq!(average_ranks(&[2.0, 1.0, 2.0, -0.0, 0.0, 3.0, -1.0]), [5.5, 4.0, 5.5, 2.5, 2.5, 7.0, 1.0]);
        assert!(average_ranks(&[]).is_empty());
    }
}
