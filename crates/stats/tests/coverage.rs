//! Coverage simulation (design §11 oracle 9), slow: run with
//! `cargo test -p bench-stats --release -- --ignored coverage`.
//!
//! M/M/1 FIFO queue (arrival rate 0.5, service rate 1, utilization ρ = 0.5) by the Lindley
//! recursion W_{t+1} = max(0, W_t + S_t − A_{t+1}); a request's latency is its sojourn time W + S,
//! in launch order. The queue starts in its stationary state, and the stationary sojourn time is
//! exactly Exponential(μ − λ), so the true q-quantile is −ln(1 − q)/(μ − λ) (used instead of a
//! long simulated run). 200 replications of n = 10 000 requests.

use bench_stats::bootstrap::{percentile_ratio, Side};
use bench_stats::dependence::tau_quantile;
use bench_stats::order_ci::quantile_ci;
use bench_stats::quantile::sort;
use bench_stats::rng::Stream;

const LAMBDA: f64 = 0.5;
const MU: f64 = 1.0;
const N: usize = 10_000;
const REPS: usize = 200;

fn exp(s: &mut Stream, rate: f64) -> f64 {
    -libm::log(s.uniform()) / rate
}

/// Sojourn times of N consecutive requests of a stationary M/M/1 queue.
fn mm1(s: &mut Stream) -> Vec<f64> {
    // Stationary waiting time: 0 with probability 1 − ρ, else Exponential(μ − λ).
    let mut w = if s.uniform() < LAMBDA / MU { exp(s, MU - LAMBDA) } else { 0.0 };
    (0..N)
        .map(|_| {
            let service = exp(s, MU);
            let sojourn = w + service;
            w = (sojourn - exp(s, LAMBDA)).max(0.0);
            sojourn
        })
        .collect()
}

fn true_quantile(q: f64) -> f64 {
    -libm::log(1.0 - q) / (MU - LAMBDA)
}

#[test]
#[ignore = "slow: coverage simulation"]
fn coverage_one_sample_p90() {
    let q = 0.9;
    let truth = true_quantile(q);
    let (mut geyer, mut iid, mut tau_sum) = (0usize, 0usize, 0.0);
    for rep in 0..REPS {
        let mut s = Stream::for_cell(0, &format!("coverage one-sample {rep}"));
        let x = mm1(&mut s);
        let mut sorted = x.clone();
        sort(&mut sorted);
        let tau = tau_quantile(&x, &sorted, q);
        tau_sum += tau;
        let covers = |n_eff: f64| {
            let ci = quantile_ci(&sorted, q, n_eff, 0.05).unwrap();
            ci.low.is_some_and(|l| l <= truth) && ci.high.is_some_and(|h| truth <= h)
        };
        geyer += usize::from(covers(N as f64 / tau));
        iid += usize::from(covers(N as f64));
    }
    let (g, i) = (geyer as f64 / REPS as f64, iid as f64 / REPS as f64);
    eprintln!("p90 one-sample coverage: indicator-Geyer {g:.3} (mean τ̂ {:.2}), iid {i:.3}", tau_sum / REPS as f64);
    assert!((0.92..=0.98).contains(&g), "Geyer coverage {g}");
    assert!(i < 0.70, "iid coverage {i} should be visibly too low");
}

#[test]
#[ignore = "slow: coverage simulation"]
fn coverage_two_sample_ratio() {
    for q in [0.9, 0.99] {
        let (mut covered, mut refused) = (0usize, 0usize);
        for rep in 0..REPS {
            let mut s = Stream::for_cell(0, &format!("coverage two-sample {q} {rep}"));
            let xa = mm1(&mut s);
            // B: an independent queue with time rescaled by 1.1, so the true ratio is exactly 1.1.
            let xb: Vec<f64> = mm1(&mut s).into_iter().map(|v| 1.1 * v).collect();
            let (mut sa, mut sb) = (xa.clone(), xb.clone());
            sort(&mut sa);
            sort(&mut sb);
            let a = Side { sorted: &sa, n_eff: N as f64 / tau_quantile(&xa, &sa, q) };
            let b = Side { sorted: &sb, n_eff: N as f64 / tau_quantile(&xb, &sb, q) };
            let mut cell = Stream::for_cell(0, &format!("cell {q} {rep}"));
            match percentile_ratio(a, b, q, 0.05, 2000, &mut cell) {
                Ok(r) => {
                    let (lo, hi) = r.ci();
                    covered += usize::from(lo <= 1.1 && 1.1 <= hi);
                }
                Err(_) => refused += 1,
            }
        }
        let c = covered as f64 / (REPS - refused) as f64;
        eprintln!("two-sample p{} ratio coverage {c:.3} ({refused} of {REPS} refused)", q * 100.0);
        assert!(refused < REPS / 10, "too many refusals at q={q}");
        assert!((0.90..=0.99).contains(&c), "q={q}: coverage {c}");
    }
}
