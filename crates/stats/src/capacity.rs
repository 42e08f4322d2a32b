//! Maximum sustainable request rate under an SLO (design §8.4–§8.5): first crossing of the
//! attainment curve through the target by linear interpolation (DistServe's `find_intersection`),
//! its parametric-bootstrap uncertainty, and the ratio of two capacities.

use crate::bootstrap::{ci_from_log_replicates, RatioCi};
use crate::quantile::type7;
use crate::rng::Stream;
use crate::Refusal;

/// Where the attainment curve first drops below the target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Capacity {
    /// a₁ < A: capacity is below the lowest measured rate λ₁ ("< λ₁").
    BelowLowest {
        /// λ₁.
        lowest: f64,
    },
    /// First i with a_i ≥ A > a_{i+1}: λ* interpolated linearly inside the bracket [λ_i, λ_{i+1}].
    Crossing {
        /// λ*.
        rate: f64,
        /// [λ_i, λ_{i+1}]: the grid resolution around λ*.
        bracket: (f64, f64),
    },
    /// Every level passes: capacity ≥ λ_k ("not reached").
    NotReached {
        /// λ_k.
        highest: f64,
    },
}

impl Capacity {
    /// λ* for a crossing, None otherwise.
    pub fn rate(&self) -> Option<f64> {
        match self {
            Capacity::Crossing { rate, .. } => Some(*rate),
            _ => None,
        }
    }
}

/// Capacity with its diagnostics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapacityEstimate {
    /// The capacity or where it lies.
    pub capacity: Capacity,
    /// Some level after the first failing one passes again (a_j ≥ A for j > first failure).
    pub non_monotone: bool,
    /// The highest measured rate before the first failure (λ_i for a crossing, λ_k when not
    /// reached, None below the lowest rate).
    pub max_passing: Option<f64>,
}

/// First crossing of `attainment` (one value per rate, rates strictly increasing) through `target`
/// (design §8.4). A level passes when a_i ≥ A. λ* = (A − a_i)(λ_{i+1} − λ_i)/(a_{i+1} − a_i) + λ_i,
/// DistServe's own expression. None for empty or mismatched inputs, non-finite values, or rates
/// not strictly increasing.
pub fn first_crossing(rates: &[f64], attainment: &[f64], target: f64) -> Option<CapacityEstimate> {
    let k = rates.len();
    if k == 0 || attainment.len() != k || !target.is_finite() {
        return None;
    }
    if rates.iter().chain(attainment).any(|v| !v.is_finite()) || rates.windows(2).any(|w| w[0] >= w[1]) {
        return None;
    }
    let first_fail = attainment.iter().position(|&a| a < target);
    let non_monotone = first_fail.is_some_and(|f| attainment[f + 1..].iter().any(|&a| a >= target));
    let (capacity, max_passing) = match first_fail {
        None => (Capacity::NotReached { highest: rates[k - 1] }, Some(rates[k - 1])),
        Some(0) => (Capacity::BelowLowest { lowest: rates[0] }, None),
        Some(f) => {
            let (x0, x1, y0, y1) = (rates[f - 1], rates[f], attainment[f - 1], attainment[f]);
            let rate = (target - y0) * (x1 - x0) / (y1 - y0) + x0;
            (Capacity::Crossing { rate, bracket: (x0, x1) }, Some(x0))
        }
    };
    Some(CapacityEstimate { capacity, non_monotone, max_passing })
}

/// Percentile-form SLO ("p99 TTFT ≤ T"): margin_i = Q̂_i/T − 1 passes when ≤ 0; the capacity is
/// the first crossing of the margin from ≤ 0 to > 0 with the same linear rule. None as
/// [`first_crossing`], or for a threshold ≤ 0.
pub fn first_crossing_percentile(rates: &[f64], quantiles: &[f64], threshold: f64) -> Option<CapacityEstimate> {
    if !(threshold > 0.0 && threshold.is_finite()) {
        return None;
    }
    let score: Vec<f64> = quantiles.iter().map(|q| -(q / threshold - 1.0)).collect();
    first_crossing(rates, &score, 0.0)
}

/// One measured level for the parametric bootstrap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    /// Nominal request rate λ_i.
    pub rate: f64,
    /// Attainment a_i in [0, 1].
    pub attainment: f64,
    /// Attempted requests N_i.
    pub attempted: u64,
    /// τ̂_i of the good-indicator sequence (≥ 1).
    pub tau: f64,
}

/// Outcome of one bootstrap replicate of the capacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CapacityDraw {
    /// a*₁ < A.
    Below,
    /// λ* of the replicate.
    Crossing(f64),
    /// Every level passed.
    NotReached,
}

/// Parametric bootstrap of the capacity (design §8.5): per replicate and level in order,
/// a*_i = Binomial(T_i, a_i)/T_i with T_i = ⌊N_i/τ̂_i⌋, then [`first_crossing`].
/// None for invalid levels (as [`first_crossing`], attainment outside [0, 1], τ̂ < 1 or NaN) or a
/// level with T_i = 0 (too few effective requests).
pub fn capacity_replicates(
    levels: &[Level],
    target: f64,
    resamples: usize,
    stream: &mut Stream,
) -> Option<Vec<CapacityDraw>> {
    let rates: Vec<f64> = levels.iter().map(|l| l.rate).collect();
    let points: Vec<f64> = levels.iter().map(|l| l.attainment).collect();
    first_crossing(&rates, &points, target)?;
    let mut trials = Vec::with_capacity(levels.len());
    for l in levels {
        if !((0.0..=1.0).contains(&l.attainment) && l.tau >= 1.0) {
            return None;
        }
        let t = libm::floor(l.attempted as f64 / l.tau) as u64;
        if t == 0 {
            return None;
        }
        trials.push(t);
    }
    let mut a = vec![0.0; levels.len()];
    let mut draws = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        for (i, l) in levels.iter().enumerate() {
            a[i] = stream.binomial(trials[i], l.attainment)? as f64 / trials[i] as f64;
        }
        let est = first_crossing(&rates, &a, target)?;
        draws.push(match est.capacity {
            Capacity::BelowLowest { .. } => CapacityDraw::Below,
            Capacity::Crossing { rate, .. } => CapacityDraw::Crossing(rate),
            Capacity::NotReached { .. } => CapacityDraw::NotReached,
        });
    }
    Some(draws)
}

/// Summary of capacity replicates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapacityCi {
    /// Type-7 quantile at α/2 of the replicates that crossed (None if none did).
    pub low: Option<f64>,
    /// Type-7 quantile at 1 − α/2 of the replicates that crossed.
    pub high: Option<f64>,
    /// Fraction of replicates with no crossing (every level passed).
    pub p_not_reached: f64,
    /// Fraction of replicates below the lowest rate.
    pub p_below: f64,
    /// Number of replicates that crossed.
    pub crossed: usize,
}

/// CI and crossing probabilities from [`capacity_replicates`]. Fractions are NaN for no draws.
pub fn capacity_ci(draws: &[CapacityDraw], alpha: f64) -> CapacityCi {
    let mut x: Vec<f64> =
        draws.iter().filter_map(|d| if let CapacityDraw::Crossing(r) = d { Some(*r) } else { None }).collect();
    x.sort_unstable_by(f64::total_cmp);
    let frac = |want: CapacityDraw| draws.iter().filter(|d| **d == want).count() as f64 / draws.len() as f64;
    let ok = alpha > 0.0 && alpha < 1.0;
    CapacityCi {
        low: if ok { type7(&x, alpha / 2.0) } else { None },
        high: if ok { type7(&x, 1.0 - alpha / 2.0) } else { None },
        p_not_reached: frac(CapacityDraw::NotReached),
        p_below: frac(CapacityDraw::Below),
        crossed: x.len(),
    }
}

/// Ratio λ*_B/λ*_A of two capacities with a percentile CI from independent replicate vectors,
/// pairing replicate b of A with replicate b of B and keeping the pairs where both crossed.
///
/// Errors: undefined when a point estimate is not a crossing, the vectors differ in length, or
/// α ∉ (0, 1); insufficient when fewer than ⌈(1 − α)·B⌉ pairs crossed on both sides (m_a, m_b =
/// replicates that crossed on each side), because a CI conditioned on crossing would then be
/// misleading — report P(no crossing) and P(below λ₁) instead.
pub fn capacity_ratio(
    point_a: &Capacity,
    draws_a: &[CapacityDraw],
    point_b: &Capacity,
    draws_b: &[CapacityDraw],
    alpha: f64,
) -> Result<RatioCi, Refusal> {
    let (Some(ra), Some(rb)) = (point_a.rate(), point_b.rate()) else { return Err(Refusal::Undefined) };
    if draws_a.len() != draws_b.len() || !(alpha > 0.0 && alpha < 1.0) || !(ra > 0.0 && rb > 0.0) {
        return Err(Refusal::Undefined);
    }
    let reps: Vec<f64> = draws_a
        .iter()
        .zip(draws_b)
        .filter_map(|p| match p {
            (CapacityDraw::Crossing(a), CapacityDraw::Crossing(b)) if *a > 0.0 && *b > 0.0 => {
                Some(libm::log(*b) - libm::log(*a))
            }
            _ => None,
        })
        .collect();
    let need = libm::ceil((1.0 - alpha) * draws_a.len() as f64) as u64;
    if (reps.len() as u64) < need.max(2) {
        let crossed = |d: &[CapacityDraw]| d.iter().filter(|x| matches!(x, CapacityDraw::Crossing(_))).count() as u64;
        return Err(Refusal::Insufficient { m_a: crossed(draws_a), m_b: crossed(draws_b), n_min: need });
    }
    ci_from_log_replicates(libm::log(rb) - libm::log(ra), &reps, alpha).ok_or(Refusal::Undefined)
}
