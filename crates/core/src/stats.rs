//! Descriptive statistics of a sample: count, mean, sample standard deviation, extremes and
//! percentiles interpolated linearly between closest ranks (numpy's default).

use serde::Serialize;

/// The percentiles reported for every metric, besides min (0) and max (100).
pub const PERCENTILES: [f64; 7] = [5.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0];

/// Summary of one metric over one run. Computed from requests, every field but `n` is `None` when `n` is 0,
/// and `std` also when `n` < 2. Read from a file's aggregates, only the statistics the file states are
/// set (`n` too may be unknown).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Summary {
    pub n: Option<usize>,
    pub mean: Option<f64>,
    pub std: Option<f64>,
    pub min: Option<f64>,
    pub p5: Option<f64>,
    pub p25: Option<f64>,
    pub p50: Option<f64>,
    pub p75: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

/// A statistic that can be read off a [`Summary`]: what tables and charts let the user choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stat {
    Mean,
    P50,
    P90,
    P95,
    P99,
}

impl Stat {
    pub const ALL: [Stat; 5] = [Stat::P50, Stat::P90, Stat::P95, Stat::P99, Stat::Mean];

    pub fn key(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::P50 => "p50",
            Stat::P90 => "p90",
            Stat::P95 => "p95",
            Stat::P99 => "p99",
        }
    }

    pub fn from_key(key: &str) -> Option<Stat> {
        Stat::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The level of a percentile as a fraction; `None` for the mean.
    pub fn quantile(self) -> Option<f64> {
        match self {
            Stat::Mean => None,
            Stat::P50 => Some(0.5),
            Stat::P90 => Some(0.9),
            Stat::P95 => Some(0.95),
            Stat::P99 => Some(0.99),
        }
    }
}

/// A statistic of a [`Summary`], for readers that set them one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Mean,
    Std,
    Min,
    P5,
    P25,
    P50,
    P75,
    P90,
    P95,
    P99,
    Max,
}

impl Field {
    pub const ALL: [Field; 11] = [
        Field::Mean,
        Field::Std,
        Field::Min,
        Field::P5,
        Field::P25,
        Field::P50,
        Field::P75,
        Field::P90,
        Field::P95,
        Field::P99,
        Field::Max,
    ];
}

impl Summary {
    /// Nothing known, not even the count.
    pub const UNKNOWN: Summary = Summary {
        n: None,
        mean: None,
        std: None,
        min: None,
        p5: None,
        p25: None,
        p50: None,
        p75: None,
        p90: None,
        p95: None,
        p99: None,
        max: None,
    };

    /// Summarises `values`, which are reordered (sorted) in place. Values must not be NaN.
    pub fn of(values: &mut [f64]) -> Summary {
        sort(values);
        Summary::of_sorted(values)
    }

    /// Summarises ascending `values`.
    pub fn of_sorted(values: &[f64]) -> Summary {
        let n = values.len();
        if n == 0 {
            return Summary { n: Some(0), ..Summary::UNKNOWN };
        }
        let mean = mean(values);
        let p = |q| Some(percentile_of_sorted(values, q));
        Summary {
            n: Some(n),
            mean: Some(mean),
            std: sample_std(values, mean),
            min: Some(values[0]),
            p5: p(5.0),
            p25: p(25.0),
            p50: p(50.0),
            p75: p(75.0),
            p90: p(90.0),
            p95: p(95.0),
            p99: p(99.0),
            max: Some(values[n - 1]),
        }
    }

    pub fn field(&self, field: Field) -> Option<f64> {
        let mut copy = *self;
        *copy.field_mut(field)
    }

    pub fn field_mut(&mut self, field: Field) -> &mut Option<f64> {
        match field {
            Field::Mean => &mut self.mean,
            Field::Std => &mut self.std,
            Field::Min => &mut self.min,
            Field::P5 => &mut self.p5,
            Field::P25 => &mut self.p25,
            Field::P50 => &mut self.p50,
            Field::P75 => &mut self.p75,
            Field::P90 => &mut self.p90,
            Field::P95 => &mut self.p95,
            Field::P99 => &mut self.p99,
            Field::Max => &mut self.max,
        }
    }

    /// Whether anything is known besides the count.
    pub fn has_values(&self) -> bool {
        [self.mean, self.std, self.min, self.p5, self.p25, self.p50, self.p75, self.p90, self.p95, self.p99, self.max]
            .iter()
            .any(Option::is_some)
    }

    pub fn get(&self, stat: Stat) -> Option<f64> {
        match stat {
            Stat::Mean => self.mean,
            Stat::P50 => self.p50,
            Stat::P90 => self.p90,
            Stat::P95 => self.p95,
            Stat::P99 => self.p99,
        }
    }
}

/// Sorts ascending. Whole numbers below 2^16 (token counts) are counted, a third of the time of the
/// sort below; other non-negative floats (all metrics here) sort as their bit patterns, which is
/// several times faster than a float comparison; anything else falls back to `total_cmp`.
pub fn sort(values: &mut [f64]) {
    if sort_small_whole_numbers(values) {
        return;
    }
    if values.iter().all(|v| v.is_sign_positive()) {
        values.sort_unstable_by_key(|v| v.to_bits());
    } else {
        values.sort_unstable_by(f64::total_cmp);
    }
}

/// Sorts `values` by counting them if they are all whole numbers from 0 (not -0) to 2^16 - 1; whether
/// they were. The first other value ends the check: no time is spent on other columns.
fn sort_small_whole_numbers(values: &mut [f64]) -> bool {
    const LIMIT: u32 = 1 << 16;
    let mut largest = 0;
    for &v in values.iter() {
        let whole = v as u32;
        if whole >= LIMIT || f64::from(whole).to_bits() != v.to_bits() {
            return false;
        }
        largest = largest.max(whole);
    }
    let mut counts = vec![0usize; largest as usize + 1];
    for &v in values.iter() {
        counts[v as usize] += 1;
    }
    let mut at = 0;
    for (whole, &count) in (0u32..).zip(&counts) {
        values[at..at + count].fill(f64::from(whole));
        at += count;
    }
    true
}

/// The `q`-th percentile (0..=100) of ascending `sorted`, interpolating linearly between the closest
/// ranks, as numpy's `percentile(..., method="linear")`. Panics on an empty slice.
pub fn percentile_of_sorted(sorted: &[f64], q: f64) -> f64 {
    bench_stats::quantile::type7(sorted, (q / 100.0).clamp(0.0, 1.0)).expect("a sample to summarise")
}

/// The mean of finite values: finite, even where their sum is not (values near f64's largest).
pub fn mean(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let sum: f64 = values.iter().sum();
    if sum.is_finite() {
        sum / n
    } else {
        values.iter().map(|v| v / n).sum()
    }
}

/// Sample standard deviation (n - 1 in the denominator), two-pass for accuracy; `None` below two values.
/// Finite for finite values: where the squares overflow, the deviations are scaled down by the largest.
pub fn sample_std(values: &[f64], mean: f64) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let spread = |scale: f64| {
        let squares: f64 = values.iter().map(|v| ((v - mean) / scale).powi(2)).sum();
        (squares / (values.len() - 1) as f64).sqrt() * scale
    };
    let std = spread(1.0);
    if std.is_finite() {
        return Some(std);
    }
    let largest = values.iter().map(|v| (v - mean).abs()).fold(0.0, f64::max);
    Some(spread(largest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn matches_numpy_on_known_values() {
        // numpy.percentile([1, 2, 3, 4, 10], [0, 25, 50, 90, 99, 100]) = [1, 2, 3, 7.6, 9.76, 10]
        let sorted = [1.0, 2.0, 3.0, 4.0, 10.0];
        let got: Vec<f64> =
            [0.0, 25.0, 50.0, 90.0, 99.0, 100.0].iter().map(|&q| percentile_of_sorted(&sorted, q)).collect();
        let want = [1.0, 2.0, 3.0, 7.6, 9.76, 10.0];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
        // numpy.std([1, 2, 3, 4, 10], ddof=1) = 3.5355339059327378
        let s = Summary::of(&mut [10.0, 2.0, 4.0, 1.0, 3.0]);
        assert_eq!(s.mean, Some(4.0));
        assert!((s.std.unwrap() - 3.5355339059327378).abs() < 1e-12);
        assert_eq!((s.min, s.max, s.p50), (Some(1.0), Some(10.0), Some(3.0)));
    }

    #[test]
    fn empty_and_single_samples() {
        assert_eq!(Summary::of(&mut []), Summary { n: Some(0), ..Summary::UNKNOWN });
        let s = Summary::of(&mut [2.5]);
        assert_eq!((s.n, s.mean, s.std, s.p99, s.min), (Some(1), Some(2.5), None, Some(2.5), Some(2.5)));
    }

    #[test]
    fn huge_values_give_finite_statistics() {
        let s = Summary::of(&mut [1.7e308, 1.7e308, 1e308, 0.0]);
        assert_eq!(s.mean, Some(1.7e308 / 4.0 * 2.0 + 1e308 / 4.0));
        let std = s.std.unwrap();
        // statistics.stdev([1.7, 1.7, 1.0, 0.0]) = 0.8041558721209879
        assert!((std / 1e308 - 0.8041558721209879).abs() < 1e-12, "{std}");
        assert_eq!(s.max, Some(1.7e308));
        let s = Summary::of(&mut [f64::MAX, f64::MAX]);
        assert_eq!((s.mean, s.std, s.p50), (Some(f64::MAX), Some(0.0), Some(f64::MAX)));
        let s = Summary::of(&mut [0.0, f64::MAX]);
        assert!(s.std.unwrap().is_finite() && s.mean.unwrap().is_finite());
    }

    #[test]
    fn sort_handles_negative_values_too() {
        let mut v = [3.0, -1.0, 0.0, -0.0, 2.0];
        sort(&mut v);
        assert_eq!(v, [-1.0, -0.0, 0.0, 2.0, 3.0]);
    }

    fn reference_percentile(values: &[f64], q: f64) -> f64 {
        let mut sorted = values.to_vec();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let rank = (sorted.len() - 1) as f64 * q / 100.0;
        let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
        sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
    }

    proptest! {
        #[test]
        fn percentiles_are_ordered_bounded_and_match_the_definition(
            mut values in prop::collection::vec(0.0f64..1e6, 1..300)
        ) {
            let original = values.clone();
            let s = Summary::of(&mut values);
            let chain = [s.min, s.p5, s.p25, s.p50, s.p75, s.p90, s.p95, s.p99, s.max].map(Option::unwrap);
            prop_assert!(chain.windows(2).all(|w| w[0] <= w[1]), "{chain:?}");
            for (q, got) in [(5.0, s.p5), (50.0, s.p50), (99.0, s.p99)] {
                let want = reference_percentile(&original, q);
                prop_assert!((got.unwrap() - want).abs() <= 1e-9 * want.abs().max(1.0));
            }
            let m = s.mean.unwrap();
            prop_assert!(s.min.unwrap() <= m + 1e-9 && m <= s.max.unwrap() + 1e-9);
            prop_assert_eq!(s.n, Some(original.len()));
        }

        #[test]
        fn std_is_shift_invariant_and_zero_for_constants(
            values in prop::collection::vec(0.0f64..1e3, 2..200), shift in 0.0f64..1e3, c in 0.0f64..1e6
        ) {
            let base = Summary::of(&mut values.clone()).std.unwrap();
            let shifted = Summary::of(&mut values.iter().map(|v| v + shift).collect::<Vec<_>>()).std.unwrap();
            prop_assert!((base - shifted).abs() <= 1e-6 * base.max(1.0));
            let constant = Summary::of(&mut vec![c; values.len()]);
            prop_assert!(constant.std.unwrap() <= 1e-12 * c.max(1.0));
            prop_assert_eq!(constant.p90, Some(c));
        }

        #[test]
        fn counting_equals_float_sort(mut values in prop::collection::vec(0u32..70_000, 0..300), other in any::<bool>()) {
            let mut values: Vec<f64> = values.drain(..).map(f64::from).collect();
            if other && !values.is_empty() {
                values[0] = -0.0;
            }
            let mut reference = values.clone();
            reference.sort_by(f64::total_cmp);
            sort(&mut values);
            prop_assert_eq!(values.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                reference.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        }

        #[test]
        fn bit_sort_equals_float_sort(mut values in prop::collection::vec(0.0f64..1e9, 0..300)) {
            let mut reference = values.clone();
            reference.sort_by(f64::total_cmp);
            sort(&mut values);
            prop_assert_eq!(values, reference);
        }
    }
}
