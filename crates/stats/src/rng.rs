//! Reproducible random streams: ChaCha8 seeded per cell with `seed ⊕ FNV-1a-64(cell key)`
//! (design §6.2), and in-house samplers (uniform, normal, Gamma, Beta, Binomial) whose output is
//! fixed by this file, not by an upstream crate's version, and identical native and on wasm32.
//! ChaCha8 itself is in-house too, one block at a time: `rand_chacha`'s four-block code was the
//! largest function of the page's WebAssembly (6 KB); the stream is the same (tested against it).

/// FNV-1a 64-bit hash: offset basis 0xcbf29ce484222325, prime 0x100000001b3, one byte at a time
/// (xor, then multiply modulo 2⁶⁴). `fnv1a64(b"") = 0xcbf29ce484222325`, `fnv1a64(b"a") =
/// 0xaf63dc4c8601ec8c`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The cell key: parts joined by the unit separator U+001F, e.g.
/// `baseline␟candidate␟scenario␟qps␟metric␟statistic` (format the QPS canonically first).
pub fn cell_key(parts: &[&str]) -> String {
    parts.join("\u{1f}")
}

/// A deterministic random stream. All draws are functions of the seed and the call sequence only.
#[derive(Debug, Clone)]
pub struct Stream {
    rng: ChaCha8,
    spare_normal: Option<f64>,
}

/// `rand_chacha`'s `ChaCha8Rng`: Bernstein's ChaCha with 8 rounds, the key from the seed, a 64-bit block
/// counter from 0 and stream 0; its output words in order.
#[derive(Debug, Clone)]
struct ChaCha8 {
    key: [u32; 8],
    counter: u64,
    block: [u32; 16],
    /// Words of `block` already given out.
    used: usize,
}

impl ChaCha8 {
    /// `SeedableRng::seed_from_u64` of `rand_core`: the 32-byte key from eight PCG32 outputs.
    fn seed_from_u64(mut state: u64) -> ChaCha8 {
        let key = std::array::from_fn(|_| {
            state = state.wrapping_mul(0x5851_F42D_4C95_7F2D).wrapping_add(0xA176_54E4_6FBE_17F3);
            let xorshifted = (((state >> 18) ^ state) >> 27) as u32;
            xorshifted.rotate_right((state >> 59) as u32)
        });
        ChaCha8 { key, counter: 0, block: [0; 16], used: 16 }
    }

    /// Two output words, the first as the low half (as `rand_core`'s block RNGs join them).
    fn next_u64(&mut self) -> u64 {
        if self.used == 16 {
            self.block = self.block_at(self.counter);
            self.counter = self.counter.wrapping_add(1);
            self.used = 0;
        }
        let (lo, hi) = (self.block[self.used], self.block[self.used + 1]);
        self.used += 2;
        (u64::from(hi) << 32) | u64::from(lo)
    }

    fn block_at(&self, counter: u64) -> [u32; 16] {
        let mut input = [0u32; 16];
        input[..4].copy_from_slice(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]);
        input[4..12].copy_from_slice(&self.key);
        input[12] = counter as u32;
        input[13] = (counter >> 32) as u32;
        let mut x = input;
        // Constant indices throughout, so that the state can live in registers (WebAssembly locals): a loop
        // over a table of indices kept it in memory, and took twice the time natively.
        for _ in 0..4 {
            quarter_round(&mut x, 0, 4, 8, 12);
            quarter_round(&mut x, 1, 5, 9, 13);
            quarter_round(&mut x, 2, 6, 10, 14);
            quarter_round(&mut x, 3, 7, 11, 15);
            quarter_round(&mut x, 0, 5, 10, 15);
            quarter_round(&mut x, 1, 6, 11, 12);
            quarter_round(&mut x, 2, 7, 8, 13);
            quarter_round(&mut x, 3, 4, 9, 14);
        }
        std::array::from_fn(|i| x[i].wrapping_add(input[i]))
    }
}

/// ChaCha's quarter round on words a, b, c, d of the state.
#[inline(always)]
fn quarter_round(x: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(16);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(12);
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(8);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(7);
}

impl Stream {
    /// The stream of one cell: `ChaCha8Rng::seed_from_u64(seed ^ fnv1a64(cell_key))`.
    pub fn for_cell(seed: u64, cell_key: &str) -> Stream {
        Stream::from_u64(seed ^ fnv1a64(cell_key.as_bytes()))
    }

    /// A stream from `ChaCha8Rng::seed_from_u64(state)`.
    pub fn from_u64(state: u64) -> Stream {
        Stream { rng: ChaCha8::seed_from_u64(state), spare_normal: None }
    }

    /// The next raw 64-bit output of ChaCha8.
    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Uniform on the open interval (0, 1): (k + ½)·2⁻⁵³ with k the top 53 bits of one output.
    /// Never 0 or 1, so logarithms of it are finite.
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Standard normal by Box–Muller: two uniforms give √(−2 ln u₁)·cos(2πu₂), then the sine
    /// partner is returned by the next call.
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        let r = libm::sqrt(-2.0 * libm::log(self.uniform()));
        // One argument reduction for both: the same bits as `sin` and `cos` apart (tested below).
        let (sin, cos) = libm::sincos(2.0 * core::f64::consts::PI * self.uniform());
        self.spare_normal = Some(r * sin);
        r * cos
    }

    /// Gamma(shape, 1) by Marsaglia & Tsang (2000); for shape < 1, Gamma(shape + 1)·U^(1/shape).
    /// NaN for a shape that is not finite and positive.
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if !(shape > 0.0 && shape.is_finite()) {
            return f64::NAN;
        }
        if shape < 1.0 {
            let g = self.gamma(shape + 1.0);
            return g * libm::exp(libm::log(self.uniform()) / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / libm::sqrt(9.0 * d);
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.uniform();
            let x2 = x * x;
            if u < 1.0 - 0.0331 * x2 * x2 || libm::log(u) < 0.5 * x2 + d * (1.0 - v + libm::log(v)) {
                return d * v;
            }
        }
    }

    /// Beta(a, b) as G_a / (G_a + G_b) with independent Gamma draws (G_a first). NaN for invalid
    /// shapes.
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let ga = self.gamma(a);
        let gb = self.gamma(b);
        ga / (ga + gb)
    }

    /// Binomial(n, p), exact in distribution: while n > 64, split at the median order statistic
    /// U₍ₖ₎ ~ Beta(k, n−k+1) of n uniforms (Knuth, TAOCP vol. 2, §3.4.1) and recurse into one side;
    /// then sequential inversion of the pmf. O(log n) Beta draws, no tables, no approximation
    /// beyond floating point. None for p outside [0, 1] or NaN.
    pub fn binomial(&mut self, n: u64, p: f64) -> Option<u64> {
        if !(0.0..=1.0).contains(&p) {
            return None;
        }
        let (mut n, mut p, mut acc) = (n, p, 0u64);
        while n > 64 && p > 0.0 && p < 1.0 {
            let k = n / 2 + 1;
            let u = self.beta(k as f64, (n - k + 1) as f64);
            if p < u {
                // The successes are among the k − 1 uniforms below U₍ₖ₎, uniform on (0, U₍ₖ₎).
                n = k - 1;
                p /= u;
            } else {
                // The k smallest all succeed; the other n − k are uniform on (U₍ₖ₎, 1).
                acc += k;
                n -= k;
                p = (p - u) / (1.0 - u);
            }
        }
        Some(acc + self.binomial_inversion(n, p))
    }

    /// Sequential search on the pmf for small n: P(0) = (1−p)ⁿ, P(x) = P(x−1)·((n+1)s/x − s).
    fn binomial_inversion(&mut self, n: u64, p: f64) -> u64 {
        if p <= 0.0 || n == 0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        if p > 0.5 {
            return n - self.binomial_inversion(n, 1.0 - p);
        }
        let s = p / (1.0 - p);
        let a = (n + 1) as f64 * s;
        let mut r = libm::exp(n as f64 * libm::log1p(-p));
        let mut u = self.uniform();
        let mut x = 0u64;
        while u > r {
            u -= r;
            x += 1;
            if x >= n {
                return n;
            }
            r *= a / x as f64 - s;
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_of_rand_chacha() {
        use rand_core::{Rng, SeedableRng};
        for seed in [0, 1, 42, 0xDEAD_BEEF, u64::MAX] {
            let mut theirs = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let mut ours = Stream::from_u64(seed);
            for _ in 0..1000 {
                assert_eq!(ours.next_u64(), theirs.next_u64(), "seed {seed}");
            }
        }
    }

    fn sincos_matches_sin_and_cos(u: f64) {
        let theta = 2.0 * core::f64::consts::PI * u;
        let (sin, cos) = libm::sincos(theta);
        assert_eq!((sin.to_bits(), cos.to_bits()), (libm::sin(theta).to_bits(), libm::cos(theta).to_bits()), "{u}");
    }

    proptest::proptest! {
        /// `normal` takes both from `sincos`: the same bits as `sin` and `cos` apart on the angles it
        /// asks for, 2π·u with u in (0, 1).
        #[test]
        fn sincos_is_sin_and_cos(u in 0.0f64..1.0) {
            sincos_matches_sin_and_cos(u);
        }
    }

    /// The edges of `sincos`'s branches: tiny angles (where `sin` and `sincos` test different bounds)
    /// and angles next to multiples of π/4 (where the argument reduction changes quadrant).
    #[test]
    fn sincos_is_sin_and_cos_at_the_edges() {
        let tiny = (0..=340).map(|k| 0.5 * (1.0 / 9_007_199_254_740_992.0) * libm::exp2(k as f64 / 10.0));
        let near_eighths = (1..16).flat_map(|k| {
            let u = k as f64 / 16.0;
            [u, f64::from_bits(u.to_bits() - 1), f64::from_bits(u.to_bits() + 1)]
        });
        tiny.chain(near_eighths).for_each(sincos_matches_sin_and_cos);
    }

    #[test]
    fn fnv_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn uniform_in_open_interval_and_invalid_shapes() {
        let mut s = Stream::for_cell(0, "k");
        for _ in 0..10_000 {
            let u = s.uniform();
            assert!(u > 0.0 && u < 1.0);
        }
        assert!(s.gamma(0.0).is_nan());
        assert!(s.gamma(f64::INFINITY).is_nan());
        assert!(s.beta(f64::NAN, 1.0).is_nan());
        assert_eq!(s.binomial(10, f64::NAN), None);
        assert_eq!(s.binomial(10, 1.0), Some(10));
        assert_eq!(s.binomial(1_000_000, 0.0), Some(0));
    }
}
