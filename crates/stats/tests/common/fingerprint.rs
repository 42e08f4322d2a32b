// Fixed inputs through every randomized and numeric path; included by tests/determinism.rs and
// usable from a wasm32 build to check bit-identity (no std::fs, no clock).

/// Numbers that must never change for these inputs and seeds.
pub fn fingerprint() -> Vec<f64> {
    use bench_stats::bootstrap::{delta_ratio, percentile_ratio, Side};
    use bench_stats::capacity::{capacity_ci, capacity_replicates, Level};
    use bench_stats::dependence::{tau_batch_means, tau_quantile, tau_real};
    use bench_stats::order_ci::quantile_ci;
    use bench_stats::repetitions::welch_log_ratio;
    use bench_stats::rng::{cell_key, Stream};
    use bench_stats::special::{beta_reg, normal_ppf, t_ppf};
    use bench_stats::steady::spearman;

    let mut out = Vec::new();
    // Deterministic dependent "latencies": a queue driven by the seeded stream.
    let mut s = Stream::for_cell(0, &cell_key(&["A", "B", "short_input", "3.5", "ttft_s", "p99"]));
    let mut w = 0.0f64;
    let x: Vec<f64> = (0..3000)
        .map(|_| {
            let service = -libm::log(s.uniform());
            w = (w + service + libm::log(s.uniform()) / 0.6).max(0.0);
            0.05 + w + service
        })
        .collect();
    let mut sorted = x.clone();
    sorted.sort_by(f64::total_cmp);
    let y: Vec<f64> = sorted.iter().map(|v| v * 1.07 + 0.001).collect();
    for q in [0.5, 0.9, 0.99] {
        let tau = tau_quantile(&x, &sorted, q);
        out.push(tau);
        let n_eff = x.len() as f64 / tau;
        let ci = quantile_ci(&sorted, q, n_eff, 0.05).unwrap();
        out.push(ci.low.unwrap_or(f64::NAN));
        out.push(ci.high.unwrap_or(f64::NAN));
        let (a, b) = (Side { sorted: &sorted, n_eff }, Side { sorted: &y, n_eff });
        let mut cell = Stream::for_cell(0, &format!("cell {q}"));
        if let Ok(r) = percentile_ratio(a, b, q, 0.05, 2000, &mut cell) {
            out.extend([r.ln_ratio, r.ln_low, r.ln_high, r.se_log]);
        }
        if let Some(d) = delta_ratio(a, b, q, 0.05) {
            out.extend([d.ln_low, d.ln_high]);
        }
    }
    out.push(tau_real(&x[..1000]));
    out.push(tau_batch_means(&x));
    let mut g = Stream::from_u64(42);
    out.extend((0..4).map(|_| g.gamma(0.3)));
    out.extend((0..4).map(|_| g.beta(2970.0, 31.0)));
    out.extend((0..4).map(|_| g.binomial(1_000_003, 0.9).unwrap() as f64));
    let levels: Vec<Level> = [(1.0, 0.99), (2.0, 0.95), (4.0, 0.85), (8.0, 0.4)]
        .iter()
        .map(|&(rate, attainment)| Level { rate, attainment, attempted: 500, tau: 1.2 })
        .collect();
    let draws = capacity_replicates(&levels, 0.9, 500, &mut Stream::for_cell(0, "capacity")).unwrap();
    let ci = capacity_ci(&draws, 0.05);
    out.extend([ci.low.unwrap(), ci.high.unwrap()]);
    let wl = welch_log_ratio(&[1.20, 1.25, 1.18], &[1.05, 1.02, 1.09], 0.05).unwrap();
    out.extend([wl.ci.ln_low, wl.ci.ln_high, wl.df, wl.p_value]);
    out.extend([normal_ppf(0.975), t_ppf(0.975, 3.9475), beta_reg(990.0, 11.0, 0.99)]);
    let launch: Vec<f64> = (0..500).map(|i| i as f64 * 0.1).collect();
    out.push(spearman(&launch, &x[..500]).unwrap().p_value);
    out
}
