//! Statistics for comparing LLM-serving deployments from benchmark results: intervals for
//! percentiles, means and proportions under request-to-request dependence, ratios of two
//! deployments, verdicts with multiplicity control, a steady-state gate, and capacity under an SLO.
//! It implements `shared/design/statistics.md` (section numbers below refer to it).
//!
//! | module | job | design |
//! |---|---|---|
//! | [`quantile`] | type-7 (numpy "linear") quantile of sorted data | §2 |
//! | [`order_ci`] | exact order-statistic CI ranks, n_min, one-sided bound | §5.1–5.2 |
//! | [`dependence`] | Geyer τ̂ of indicators (bitset) and of real sequences; batch means | §4 |
//! | [`rng`] | per-cell ChaCha8 streams; uniform, normal, Gamma, Beta, Binomial samplers | §6.2 |
//! | [`bootstrap`] | ratio of percentiles: Beta-trick percentile bootstrap, delta cross-check | §6.2 |
//! | [`means`] | mean CI and ratio of means with batch-means τ̂ | §5.3, §6.3 |
//! | [`repetitions`] | Welch t-interval on log run-level statistics, Cochran Q / I² | §6.5 |
//! | [`verdict`] | p_dir / p_eq, Benjamini–Hochberg / Holm, verdict states | §7 |
//! | [`steady`] | completion ratio, TTFT drift, Spearman trend, launch-rate check | §3 |
//! | [`proportion`] | Wilson and Newcombe intervals on effective counts, SLO status | §5.4, §8.3 |
//! | [`capacity`] | first-crossing capacity, parametric bootstrap, capacity ratio | §8.4–8.5 |
//! | [`effect`] | probability of superiority, Cliff's δ, Hanley–McNeil variance | §6.4 |
//! | [`special`] | normal, Student t, incomplete beta, binomial distribution functions | — |
//!
//! # Conventions
//! * Pure and deterministic: no I/O, clock, threads or global state. Randomness only through a
//!   [`rng::Stream`] the caller creates per cell (`seed ⊕ FNV-1a-64(cell key)`).
//! * Bit-identical native and on `wasm32-unknown-unknown`: every transcendental function comes
//!   from the pure-Rust `libm` crate (never `f64::exp`/`ln`, which call the platform's C library
//!   natively), no fused multiply-add, no `powi`; integer arithmetic where a decision hinges on a
//!   sign (Geyer truncation).
//! * No panics on any input: invalid input gives `None`, NaN, or [`Refusal`], as each function
//!   documents. Ratios are "candidate over baseline" (B/A) and are held on the log scale.
//!
//! # Special functions: in-house, not `statrs`
//! Measured on a tiny wasm32 cdylib (opt-level "z", LTO, one codegen unit, panic = abort) calling
//! the normal cdf/ppf, Student t cdf/ppf, regularized incomplete beta and log-gamma: `statrs` 0.19
//! with `default-features = false` adds 11.9 KB gzipped (12.3 KB vs 0.35 KB empty), this crate's
//! [`special`] 5.7 KB. More important, `statrs` calls `f64::exp`, `ln`, … which are the platform
//! libm natively and a different implementation on wasm32, so results could differ in the last
//! bits between the CLI and the browser. [`special`] instead implements Wichura's AS 241 normal
//! quantile, Lentz's continued fraction for the incomplete beta function with Loader's
//! saddle-point prefactor (accurate for binomial parameters in the millions), a safeguarded Newton
//! Student-t quantile, and uses `libm`'s `lgamma`/`erfc`. It is tested against SciPy
//! (`tests/oracles/oracles.json`) to 1e-12 relative or better (see [`special`] for the limits).
//!
//! # Tests
//! * `cargo test -p bench-stats` — unit tests, SciPy/statsmodels oracles
//!   (`tests/oracles/make_oracles.py` writes `tests/oracles/oracles.json`), property tests and a
//!   determinism guard.
//! * `cargo test -p bench-stats --release -- --ignored coverage` — the slow coverage simulation
//!   (design §11, oracle 9: M/M/1 queues, 200 replications), a few minutes on two cores.

#![warn(missing_docs)]

pub mod bootstrap;
pub mod capacity;
pub mod dependence;
pub mod effect;
pub mod means;
pub mod order_ci;
pub mod proportion;
pub mod quantile;
pub mod repetitions;
pub mod rng;
pub mod special;
pub mod steady;
pub mod verdict;

/// Why an interval was not computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too few effective observations on a side (state **insufficient**).
    Insufficient {
        /// Effective size of the baseline side (requests, runs, or crossing replicates).
        m_a: u64,
        /// Effective size of the candidate side.
        m_b: u64,
        /// The size required.
        n_min: u64,
    },
    /// The statistic is undefined for these inputs (empty, non-positive or non-finite data,
    /// invalid parameters).
    Undefined,
}
