//! Sample quantiles: Hyndman–Fan type 7 (numpy's default "linear" method) of sorted data.

/// Sorts ascending by IEEE total order (`f64::total_cmp`): −NaN first, then −∞ … +∞, then NaN.
/// Deterministic for every input, unlike a partial comparison.
pub fn sort(values: &mut [f64]) {
    values.sort_unstable_by(f64::total_cmp);
}

/// The positions of `keys` in ascending order (as [`sort`] orders values), ties in position order. One
/// sort for every such ordering, so that its code is compiled once.
pub fn ascending_positions(keys: &[f64]) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..keys.len()).collect();
    positions.sort_by(|&i, &j| keys[i].total_cmp(&keys[j]));
    positions
}

/// The type-7 quantile at level `q` in [0, 1] of ascending `sorted`: with h = (n−1)q,
/// x₍⌊h⌋₎ + (h−⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) (0-based), exactly numpy's `quantile(x, q)` including its
/// interpolation form (`b − (b−a)(1−t)` when t ≥ ½), so the result is exact at both ends.
///
/// Same formula as `lmbench_compare::stats::percentile_of_sorted`, with q as a fraction.
/// None for an empty slice or q outside [0, 1] (or NaN). NaN values propagate.
pub fn type7(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let h = (n - 1) as f64 * q;
    let below = h.floor() as usize;
    let above = (below + 1).min(n - 1);
    Some(lerp(sorted[below], sorted[above], h - below as f64))
}

/// numpy's `_lerp`: a + (b−a)t for t < ½, b − (b−a)(1−t) otherwise.
pub(crate) fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_values_and_edges() {
        // numpy.quantile([1, 2, 3, 4, 10], [0, .25, .5, .9, .99, 1]) = [1, 2, 3, 7.6, 9.76, 10]
        let s = [1.0, 2.0, 3.0, 4.0, 10.0];
        let want = [1.0, 2.0, 3.0, 7.6, 9.76, 10.0];
        for (q, w) in [0.0, 0.25, 0.5, 0.9, 0.99, 1.0].into_iter().zip(want) {
            assert!((type7(&s, q).unwrap() - w).abs() < 1e-12);
        }
        assert_eq!(type7(&[], 0.5), None);
        assert_eq!(type7(&s, 1.5), None);
        assert_eq!(type7(&s, f64::NAN), None);
        assert_eq!(type7(&[7.0], 0.3), Some(7.0));
    }
}
