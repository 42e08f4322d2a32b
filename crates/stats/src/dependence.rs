//! Dependence between consecutive requests (design §4): Geyer's initial-monotone-sequence
//! autocorrelation time τ̂ of a 0/1 sequence (bitset, popcounts, exact integer arithmetic), of the
//! quantile indicator 1{x_t ≤ Q̂(q)} in launch order with the tail floor, of a real sequence, and
//! batch means for the mean. The effective sample size is n/τ̂.

use crate::quantile::type7;

/// Geyer's truncation cap: lags beyond min(⌊n/2⌋, `MAX_LAG`) are not examined.
pub const MAX_LAG: usize = 5000;

/// A 0/1 sequence packed 64 to a word (bit t of word t/64), bits past `len` zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitSeq {
    words: Vec<u64>,
    len: usize,
}

impl BitSeq {
    /// Packs `f(0), …, f(len−1)`.
    pub fn from_fn(len: usize, mut f: impl FnMut(usize) -> bool) -> BitSeq {
        // Each word built whole, its bits or-ed in without a branch: a quantile's indicator is as likely
        // one as zero, and a branch on it (mispredicted half the time) made τ̂ a twentieth of gen-site's
        // time on 1M requests.
        let words = (0..len)
            .step_by(64)
            .map(|start| (start..len.min(start + 64)).fold(0u64, |word, t| word | u64::from(f(t)) << (t - start)))
            .collect();
        BitSeq { words, len }
    }

    /// Packs a slice of booleans.
    pub fn from_bools(bits: &[bool]) -> BitSeq {
        BitSeq::from_fn(bits.len(), |t| bits[t])
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the sequence has no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of ones among the first `k` elements (k ≤ len), given `cum[i]` = ones in words[..i].
    fn prefix_ones(&self, cum: &[u64], k: usize) -> u64 {
        let full = k / 64;
        let mut s = cum[full];
        if !k.is_multiple_of(64) {
            s += u64::from((self.words[full] & ((1u64 << (k % 64)) - 1)).count_ones());
        }
        s
    }

    /// Cumulative popcounts: entry i = ones in words[..i] (len + 1 entries).
    fn cumulative(&self) -> Vec<u64> {
        let mut cum = Vec::with_capacity(self.words.len() + 1);
        let mut s = 0u64;
        cum.push(0);
        for w in &self.words {
            s += u64::from(w.count_ones());
            cum.push(s);
        }
        cum
    }

    /// Σ_t y_t·y_{t+k} = popcount(b & (b ≫ k)), n/64 word operations.
    fn lag_product(&self, k: usize) -> u64 {
        let (ws, bs) = (k / 64, k % 64);
        let nw = self.words.len();
        let mut c = 0u64;
        for i in 0..nw.saturating_sub(ws) {
            let mut shifted = self.words[i + ws] >> bs;
            if bs != 0 && i + ws + 1 < nw {
                shifted |= self.words[i + ws + 1] << (64 - bs);
            }
            c += u64::from((self.words[i] & shifted).count_ones());
        }
        c
    }
}

/// Geyer (1992) initial-monotone-sequence autocorrelation time of a 0/1 sequence:
/// Γ_j = ρ_{2j} + ρ_{2j+1}, summed while positive and made non-increasing, τ̂ = max(1, −1 + 2ΣΓ_j).
///
/// The autocovariances use divisor n and are computed exactly in integers (scaled by n³), so the
/// truncation decision never depends on rounding. Returns 1 for n < 2 or a constant sequence, and
/// `f64::INFINITY` when no Γ_j ≤ 0 occurs at lags ≤ min(⌊n/2⌋, 5000) (the run is unstable).
pub fn tau_bits(y: &BitSeq) -> f64 {
    let n = y.len;
    if n < 2 {
        return 1.0;
    }
    let cum = y.cumulative();
    let (ni, s) = (n as i128, y.prefix_ones(&cum, n) as i128);
    // n³·γ_k = n²C_k − nS(S_head + S_tail) + (n−k)S², with γ_0·n³ = nS(n − S).
    let num0 = ni * s * (ni - s);
    if num0 == 0 {
        return 1.0;
    }
    let num = |k: usize| -> i128 {
        let c = y.lag_product(k) as i128;
        let head = y.prefix_ones(&cum, n - k) as i128;
        let tail = s - y.prefix_ones(&cum, k) as i128;
        ni * ni * c - ni * s * (head + tail) + (ni - k as i128) * s * s
    };
    geyer(n, num0, |k| if k == 0 { num0 } else { num(k) })
}

/// Scalars the Geyer recursion runs on: exact i128 (bit sequences) or f64 (real sequences).
trait Scalar: Copy + PartialOrd + core::ops::Add<Output = Self> {
    const ZERO: Self;
    fn to_f64(self) -> f64;
}

impl Scalar for i128 {
    const ZERO: i128 = 0;
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl Scalar for f64 {
    const ZERO: f64 = 0.0;
    fn to_f64(self) -> f64 {
        self
    }
}

/// The Geyer recursion on scaled autocovariances `num(k)` = c·γ_k (the same c > 0 for every lag),
/// `num0` = c·γ_0 > 0. Lags up to min(⌊n/2⌋, [`MAX_LAG`]) are examined.
fn geyer<N: Scalar>(n: usize, num0: N, mut num: impl FnMut(usize) -> N) -> f64 {
    let cap = (n / 2).min(MAX_LAG);
    let mut sum = N::ZERO;
    let mut prev: Option<N> = None;
    let mut j = 0usize;
    while 2 * j < cap {
        let mut g = num(2 * j) + num(2 * j + 1);
        if g <= N::ZERO {
            return (-1.0 + 2.0 * sum.to_f64() / num0.to_f64()).max(1.0);
        }
        if let Some(p) = prev {
            if p < g {
                g = p;
            }
        }
        prev = Some(g);
        sum = sum + g;
        j += 1;
    }
    f64::INFINITY
}

/// Geyer τ̂ of the indicator y_t = 1{x_t ≤ threshold} of `x` in launch order (NaN counts as 0).
pub fn tau_indicator(x: &[f64], threshold: f64) -> f64 {
    tau_bits(&BitSeq::from_fn(x.len(), |t| x[t] <= threshold))
}

/// τ̂ for the q-quantile (design §4): Geyer τ̂ of 1{x_t ≤ Q̂₇(q)} with `x` in launch order and
/// `sorted` its ascending copy; for q > 0.9 the tail floor max(τ̂(q), τ̂(0.9)) applies.
/// Returns 1 for n < 2 and NaN for q outside [0, 1] or `sorted.len() != x.len()`.
pub fn tau_quantile(x: &[f64], sorted: &[f64], q: f64) -> f64 {
    if x.len() != sorted.len() || !(0.0..=1.0).contains(&q) {
        return f64::NAN;
    }
    if x.len() < 2 {
        return 1.0;
    }
    let at = |level: f64| type7(sorted, level).map_or(f64::NAN, |t| tau_indicator(x, t));
    let tau = at(q);
    if q > 0.9 {
        tau.max(at(0.9))
    } else {
        tau
    }
}

/// Geyer τ̂ of a real-valued sequence (e.g. raw TTFT, or an AR(1) test series), O(n·lags) with
/// divisor-n autocovariances around the sample mean. Same conventions as [`tau_bits`]; NaN when
/// any value is not finite.
pub fn tau_real(x: &[f64]) -> f64 {
    let n = x.len();
    if x.iter().any(|v| !v.is_finite()) {
        return f64::NAN;
    }
    if n < 2 {
        return 1.0;
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let c: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let gamma = |k: usize| -> f64 { c[..n - k].iter().zip(&c[k..]).map(|(a, b)| a * b).sum() };
    let g0 = gamma(0);
    if g0 <= 0.0 {
        return 1.0;
    }
    geyer(n, g0, |k| if k == 0 { g0 } else { gamma(k) })
}

/// Batch-means inflation factor for the mean (Flegal & Jones 2010): b = ⌊√n⌋ batches of
/// s = ⌊n/b⌋ consecutive values (the last n − b·s values are left out),
/// τ̂ = s·Var(batch means)/Var(x), both sample variances (divisor − 1), floored at 1.
/// Returns 1 for n < 4 or zero variance, NaN when any value is not finite.
pub fn tau_batch_means(x: &[f64]) -> f64 {
    let n = x.len();
    if x.iter().any(|v| !v.is_finite()) {
        return f64::NAN;
    }
    if n < 4 {
        return 1.0;
    }
    let b = libm::floor(libm::sqrt(n as f64)) as usize;
    let s = n / b;
    let means: Vec<f64> = x[..b * s].chunks_exact(s).map(|c| c.iter().sum::<f64>() / s as f64).collect();
    let var = |v: &[f64]| -> f64 {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / (v.len() - 1) as f64
    };
    let vx = var(x);
    if vx <= 0.0 {
        return 1.0;
    }
    (s as f64 * var(&means) / vx).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_counts_match_naive() {
        let bits: Vec<bool> = (0..300).map(|t| (t * 7919 + t / 13) % 5 < 2).collect();
        let y = BitSeq::from_bools(&bits);
        let cum = y.cumulative();
        for k in [0, 1, 5, 63, 64, 65, 128, 200, 299] {
            let naive = (0..300 - k).filter(|&t| bits[t] && bits[t + k]).count() as u64;
            assert_eq!(y.lag_product(k), naive, "lag {k}");
            assert_eq!(y.prefix_ones(&cum, k), bits[..k].iter().filter(|b| **b).count() as u64);
        }
    }

    #[test]
    fn bits_and_real_agree_on_a_binary_sequence() {
        let bits: Vec<bool> = (0..5000u64).map(|t| (t.wrapping_mul(2654435761) >> 7) % 3 == 0).collect();
        let x: Vec<f64> = bits.iter().map(|&b| f64::from(u8::from(b))).collect();
        let (a, b) = (tau_bits(&BitSeq::from_bools(&bits)), tau_real(&x));
        assert!((a - b).abs() < 1e-9 * a, "{a} {b}");
    }

    #[test]
    fn degenerate_sequences() {
        assert_eq!(tau_bits(&BitSeq::from_bools(&[])), 1.0);
        assert_eq!(tau_bits(&BitSeq::from_bools(&[true])), 1.0);
        assert_eq!(tau_bits(&BitSeq::from_bools(&[true; 100])), 1.0);
        assert_eq!(tau_real(&[3.0; 10]), 1.0);
        assert!(tau_real(&[1.0, f64::NAN]).is_nan());
        assert_eq!(tau_batch_means(&[1.0, 2.0]), 1.0);
        assert!(tau_quantile(&[1.0], &[1.0, 2.0], 0.5).is_nan());
        // A step (ones, then zeros): n·γ_k = n/4 − 3k/4 crosses zero at k = n/3, so τ̂ ≈ n/3 when
        // that lag is below the cap (n = 1000) and τ̂ = ∞ when it is beyond lag 5000 (n = 20 000).
        let step = |n: usize| BitSeq::from_fn(n, |t| t < n / 2);
        let tau = tau_bits(&step(1000));
        assert!((tau - 1000.0 / 3.0).abs() < 1.0, "{tau}");
        assert_eq!(tau_bits(&step(20_000)), f64::INFINITY);
    }
}
