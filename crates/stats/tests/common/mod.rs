//! Shared helpers of the integration tests: the oracle JSON and goodness-of-fit p-values.
#![allow(dead_code)]

use serde_json::Value;
use std::sync::OnceLock;

/// `tests/oracles/oracles.json`, written by `tests/oracles/make_oracles.py`.
pub fn oracles() -> &'static Value {
    static DATA: OnceLock<Value> = OnceLock::new();
    DATA.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/oracles.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("oracles.json")).expect("valid JSON")
    })
}

/// A number of the oracle file: floats are strings (parsed exactly by `str::parse`), integers are
/// JSON numbers, null is NaN, "inf"/"-inf" are infinities.
pub fn f(v: &Value) -> f64 {
    match v {
        Value::Null => f64::NAN,
        Value::String(s) => s.parse().unwrap_or_else(|_| panic!("not a number: {s}")),
        _ => v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")),
    }
}

/// Like [`f`], with None for null.
pub fn opt(v: &Value) -> Option<f64> {
    (!v.is_null()).then(|| f(v))
}

pub fn fs(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(f).collect()
}

/// |got − want| ≤ rel·|want| (+ abs), with equal infinities and NaN ↔ NaN accepted.
pub fn close(got: f64, want: f64, rel: f64, abs: f64) -> bool {
    if want.is_nan() {
        return got.is_nan();
    }
    if want.is_infinite() {
        return got == want;
    }
    (got - want).abs() <= rel * want.abs() + abs
}

/// Asymptotic Kolmogorov p-value P(D > d) for effective size `ne`, with Stephens' correction
/// λ = (√ne + 0.12 + 0.11/√ne)·d (Numerical Recipes §14.3).
pub fn kolmogorov_p(d: f64, ne: f64) -> f64 {
    let s = ne.sqrt();
    let lambda = (s + 0.12 + 0.11 / s) * d;
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    for j in 1..=100 {
        let j = j as f64;
        let term = (-2.0 * j * j * lambda * lambda).exp();
        sum += if j as i64 % 2 == 1 { term } else { -term };
        if term < 1e-16 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// One-sample KS statistic of `x` against the distribution function `cdf`.
pub fn ks_one_sample(x: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    v.iter()
        .enumerate()
        .map(|(i, &x)| {
            let c = cdf(x);
            (c - i as f64 / n).max((i + 1) as f64 / n - c)
        })
        .fold(0.0, f64::max)
}

/// Two-sample KS statistic and asymptotic p-value.
pub fn ks_two_sample(a: &[f64], b: &[f64]) -> (f64, f64) {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0usize, 0usize, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / na - j as f64 / nb).abs());
    }
    (d, kolmogorov_p(d, na * nb / (na + nb)))
}
