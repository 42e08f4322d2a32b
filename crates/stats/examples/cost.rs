//! Measures the cost of the hot paths (release build):
//! `cargo run -p bench-stats --release --example cost`.
//! Prints the median time of one §6.2 bootstrap cell (B = 2000), of τ̂ for n = 10⁶, and of the
//! order-statistic ranks for large m.

use bench_stats::bootstrap::{percentile_ratio, Side, DEFAULT_RESAMPLES};
use bench_stats::dependence::tau_quantile;
use bench_stats::order_ci::ranks;
use bench_stats::quantile::sort;
use bench_stats::rng::Stream;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // M/M/1-like dependent latencies, n = 10⁶, launch order.
    let n = 1_000_000;
    let mut s = Stream::from_u64(1);
    let mut w = 0.0f64;
    let x: Vec<f64> = (0..n)
        .map(|_| {
            let service = -s.uniform().ln();
            w = (w + service - (-s.uniform().ln() / 0.5)).max(0.0);
            w + service
        })
        .collect();
    let mut sorted = x.clone();
    sort(&mut sorted);

    let mut times = Vec::new();
    let mut tau = 0.0;
    for _ in 0..7 {
        let t = Instant::now();
        tau = tau_quantile(&x, &sorted, 0.99);
        times.push(t.elapsed().as_secs_f64());
    }
    println!(
        "tau_quantile(q = 0.99, n = 1e6, incl. tail floor): median {:.2} ms (tau = {tau:.3})",
        1e3 * median(times)
    );
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        tau = tau_quantile(&x, &sorted, 0.9);
        times.push(t.elapsed().as_secs_f64());
    }
    println!("tau_quantile(q = 0.90, n = 1e6): median {:.2} ms (tau = {tau:.3})", 1e3 * median(times));

    let a = Side { sorted: &sorted[..200_000], n_eff: 150_000.0 };
    let b = Side { sorted: &sorted[200_000..400_000], n_eff: 120_000.0 };
    for q in [0.5, 0.99] {
        let mut times = Vec::new();
        for cell in 0..200 {
            let mut stream = Stream::for_cell(0, &format!("cell {cell}"));
            let t = Instant::now();
            let r = percentile_ratio(a, b, q, 0.05, DEFAULT_RESAMPLES, &mut stream);
            times.push(t.elapsed().as_secs_f64());
            assert!(r.is_ok());
        }
        println!("bootstrap cell (q = {q}, B = 2000): median {:.3} ms over 200 cells", 1e3 * median(times));
    }

    for m in [1_000u64, 100_000, 1_000_000, 100_000_000] {
        let t = Instant::now();
        let r = ranks(m, 0.99, 0.05);
        println!("ranks(m = {m}, q = 0.99): {:.3} ms {r:?}", 1e3 * t.elapsed().as_secs_f64());
    }
}
