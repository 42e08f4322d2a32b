//! Verdicts (design §7): p-values for "changed beyond ±δ" and "within ±δ" (TOST) from a log-scale
//! estimate and SE, Benjamini–Hochberg / Holm selection over a family of cells, and the state of
//! each cell (better, worse, same, inconclusive, insufficient, unstable, n/a).

use crate::special::{normal_cdf, normal_sf, t_cdf, t_sf};

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Latencies (TTFT, TPOT, ITL, E2E).
    LowerIsBetter,
    /// Throughput, goodput, attainment, capacity.
    HigherIsBetter,
}

/// The state of one comparison cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The candidate is better beyond δ (BH-selected).
    Better,
    /// The candidate is worse beyond δ (BH-selected).
    Worse,
    /// CI inside [1 − δ, 1 + δ] and selected on p_eq.
    Same,
    /// The CI straddles ±δ, or the multiplicity correction did not select the cell.
    Inconclusive,
    /// Too few (effective) requests or runs to bound the statistic.
    Insufficient,
    /// A run failed the steady-state gate.
    Unstable,
    /// No uncertainty model (single-run throughput, token counts).
    NotApplicable,
}

impl State {
    /// Machine-readable key: "better", "worse", "same", "inconclusive", "insufficient", "unstable",
    /// "n_a".
    pub fn key(self) -> &'static str {
        match self {
            State::Better => "better",
            State::Worse => "worse",
            State::Same => "same",
            State::Inconclusive => "inconclusive",
            State::Insufficient => "insufficient",
            State::Unstable => "unstable",
            State::NotApplicable => "n_a",
        }
    }
}

/// One-sided and combined p-values of a log-ratio estimate against the noise threshold δ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PValues {
    /// H₀: R ≤ 1 + δ; small when R is above 1 + δ.
    pub p_up: f64,
    /// H₀: R ≥ 1 − δ; small when R is below 1 − δ.
    pub p_down: f64,
    /// min(1, 2·min(p_up, p_down)): evidence of a change beyond δ in either direction.
    pub p_dir: f64,
    /// TOST p-value of "within ±δ": max(F((θ̂ − ln(1+δ))/s), F((ln(1−δ) − θ̂)/s)).
    pub p_eq: f64,
}

/// p-values from θ̂ = ln R̂ and its SE s (design §7.3) with the standard normal, or with Student t
/// on `df` degrees of freedom when given (Welch). None when s is not finite and positive, θ̂ is not
/// finite, δ ∉ (0, 1) or df ≤ 0.
pub fn p_values(ln_ratio: f64, se: f64, delta: f64, df: Option<f64>) -> Option<PValues> {
    if !(se > 0.0 && se.is_finite() && ln_ratio.is_finite() && delta > 0.0 && delta < 1.0) {
        return None;
    }
    if df.is_some_and(|d| d.is_nan() || d <= 0.0) {
        return None;
    }
    let cdf = |z: f64| df.map_or_else(|| normal_cdf(z), |d| t_cdf(z, d));
    let sf = |z: f64| df.map_or_else(|| normal_sf(z), |d| t_sf(z, d));
    let zu = (ln_ratio - libm::log1p(delta)) / se;
    let zd = (libm::log1p(-delta) - ln_ratio) / se;
    let (p_up, p_down) = (sf(zu), sf(zd));
    Some(PValues { p_up, p_down, p_dir: (2.0 * p_up.min(p_down)).min(1.0), p_eq: cdf(zu).max(cdf(zd)) })
}

/// Multiple-comparison procedure over a report's family of cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplicity {
    /// Benjamini–Hochberg (FDR), the default.
    Bh,
    /// Holm (FWER).
    Holm,
    /// No correction: select p ≤ level.
    None,
}

/// Benjamini–Hochberg adjusted p-values, as `scipy.stats.false_discovery_control(ps)`:
/// p̃₍ᵢ₎ = min(1, min_{j ≥ i} p₍ⱼ₎·M/j). NaN counts as 1. Same order as the input.
pub fn bh_adjust(ps: &[f64]) -> Vec<f64> {
    let m = ps.len();
    let order = ascending_order(ps);
    let mut adj = vec![0.0; m];
    let mut running = f64::INFINITY;
    for (rank, &i) in order.iter().enumerate().rev() {
        let v = clean(ps[i]) * (m as f64 / (rank + 1) as f64);
        running = running.min(v);
        adj[i] = running.min(1.0);
    }
    adj
}

/// Holm adjusted p-values, as statsmodels `multipletests(ps, method='holm')`:
/// p̃₍ᵢ₎ = min(1, max_{j ≤ i} (M − j + 1)·p₍ⱼ₎). NaN counts as 1. Same order as the input.
pub fn holm_adjust(ps: &[f64]) -> Vec<f64> {
    let m = ps.len();
    let order = ascending_order(ps);
    let mut adj = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(clean(ps[i]) * (m - rank) as f64);
        adj[i] = running.min(1.0);
    }
    adj
}

/// Adjusted p-values under `method` (identity for [`Multiplicity::None`], NaN → 1).
pub fn adjust(ps: &[f64], method: Multiplicity) -> Vec<f64> {
    match method {
        Multiplicity::Bh => bh_adjust(ps),
        Multiplicity::Holm => holm_adjust(ps),
        Multiplicity::None => ps.iter().map(|&p| clean(p)).collect(),
    }
}

/// Selected cells: adjusted p ≤ `level` (equivalent to the step-up / step-down rules).
pub fn select(ps: &[f64], level: f64, method: Multiplicity) -> Vec<bool> {
    adjust(ps, method).into_iter().map(|p| p <= level).collect()
}

fn clean(p: f64) -> f64 {
    if p.is_nan() {
        1.0
    } else {
        p.clamp(0.0, 1.0)
    }
}

/// Indices sorted by p ascending (NaN as 1), ties in input order.
fn ascending_order(ps: &[f64]) -> Vec<usize> {
    let cleaned: Vec<f64> = ps.iter().map(|&p| clean(p)).collect();
    crate::quantile::ascending_positions(&cleaned)
}

/// A cell entering the verdict procedure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// A ratio with a CI and p-values: a member of the multiplicity family.
    Tested(Tested),
    /// Too few effective requests or runs.
    Insufficient,
    /// A run failed the steady-state gate.
    Unstable,
    /// No uncertainty model.
    NotApplicable,
}

/// The numbers of a tested cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tested {
    /// Lower end L of the CI of the ratio R (candidate over baseline).
    pub low: f64,
    /// Upper end U of the CI of R.
    pub high: f64,
    /// p_dir from [`p_values`].
    pub p_dir: f64,
    /// p_eq from [`p_values`].
    pub p_eq: f64,
    /// Which way the metric improves.
    pub direction: Direction,
}

/// Verdict settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Noise threshold δ (default 0.05: changes within ±5 % are noise).
    pub delta: f64,
    /// Level q of the multiplicity procedure (default 0.05).
    pub level: f64,
    /// Default Benjamini–Hochberg.
    pub multiplicity: Multiplicity,
}

impl Default for Config {
    fn default() -> Config {
        Config { delta: 0.05, level: 0.05, multiplicity: Multiplicity::Bh }
    }
}

/// The verdict of one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    /// The state shown.
    pub state: State,
    /// For an inconclusive cell, the state (better or worse) it would have had without the
    /// multiplicity correction (the † mark); None otherwise.
    pub without_correction: Option<State>,
    /// For "same": 1 ∉ [L, U], i.e. a change within ±δ is nevertheless detectable.
    pub detectable: bool,
    /// Adjusted p_dir (tested cells only).
    pub p_dir_adjusted: Option<f64>,
    /// Adjusted p_eq (tested cells only).
    pub p_eq_adjusted: Option<f64>,
}

/// Verdicts for a family (design §7.1, §7.3). The family is every `Cell::Tested`; p_dir and p_eq
/// are corrected separately. For lower-is-better (swap for higher-is-better):
/// better ⇔ U < 1 − δ and p_dir selected; worse ⇔ L > 1 + δ and p_dir selected;
/// same ⇔ 1 − δ ≤ L, U ≤ 1 + δ and p_eq selected; otherwise inconclusive, with
/// `without_correction` set when the CI condition holds and the raw p_dir ≤ level.
/// A NaN CI end makes the cell inconclusive.
pub fn verdicts(cells: &[Cell], config: &Config) -> Vec<Verdict> {
    let tested: Vec<(usize, Tested)> = cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| if let Cell::Tested(t) = c { Some((i, *t)) } else { None })
        .collect();
    let p_dir: Vec<f64> = tested.iter().map(|(_, t)| t.p_dir).collect();
    let p_eq: Vec<f64> = tested.iter().map(|(_, t)| t.p_eq).collect();
    let adj_dir = adjust(&p_dir, config.multiplicity);
    let adj_eq = adjust(&p_eq, config.multiplicity);
    let plain = |state| Verdict {
        state,
        without_correction: None,
        detectable: false,
        p_dir_adjusted: None,
        p_eq_adjusted: None,
    };
    let mut out: Vec<Verdict> = cells
        .iter()
        .map(|c| match c {
            Cell::Insufficient => plain(State::Insufficient),
            Cell::Unstable => plain(State::Unstable),
            Cell::NotApplicable => plain(State::NotApplicable),
            Cell::Tested(_) => plain(State::Inconclusive),
        })
        .collect();
    let (lo_t, hi_t) = (1.0 - config.delta, 1.0 + config.delta);
    for (k, (i, t)) in tested.iter().enumerate() {
        let (up, down) = (t.low > hi_t, t.high < lo_t);
        let (up_state, down_state) = match t.direction {
            Direction::LowerIsBetter => (State::Worse, State::Better),
            Direction::HigherIsBetter => (State::Better, State::Worse),
        };
        let moved = if up {
            Some(up_state)
        } else if down {
            Some(down_state)
        } else {
            None
        };
        let within = t.low >= lo_t && t.high <= hi_t;
        let v = &mut out[*i];
        v.p_dir_adjusted = Some(adj_dir[k]);
        v.p_eq_adjusted = Some(adj_eq[k]);
        if let Some(s) = moved {
            if adj_dir[k] <= config.level {
                v.state = s;
            } else if clean(t.p_dir) <= config.level {
                v.without_correction = Some(s);
            }
        } else if within && adj_eq[k] <= config.level {
            v.state = State::Same;
            v.detectable = t.low > 1.0 || t.high < 1.0;
        }
    }
    out
}
