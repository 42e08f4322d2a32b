//! The empirical CDF of a metric at one load level, one line per deployment.

use super::{axis_title, colour, draw_axes, err, frame, no_data, Area, Axes, Hit, Scale};
use crate::analysis::Analysis;
use crate::metric::Metric;
use crate::text;
use plotters::prelude::*;

/// Points of an empirical CDF of `values` (sorted here): at most `max_points` (value, fraction ≤ value),
/// always including the minimum and the maximum.
pub fn cdf_points(values: &mut [f64], max_points: usize) -> Vec<(f64, f64)> {
    crate::stats::sort(values);
    let n = values.len();
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(values[0], 1.0)];
    }
    let k = max_points.clamp(2, n);
    (0..k)
        .map(|i| {
            let rank = i * (n - 1) / (k - 1);
            (values[rank], (rank + 1) as f64 / n as f64)
        })
        .collect()
}

/// The empirical CDF of one metric per deployment at one QPS level. `series` holds CDF points per
/// deployment index, as from [`cdf_points`]; the scale applies to the value axis (x); `why` says why
/// there is nothing to draw, if so.
pub fn cdf_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    caption: &str,
    metric: Metric,
    series: &[(usize, Vec<(f64, f64)>)],
    scale: Scale,
    why: &str,
) -> Result<Vec<Hit>, String> {
    let values = || series.iter().flat_map(|(_, p)| p.iter().map(|&(v, _)| v));
    let (Some(lo), Some(hi)) = (values().reduce(f64::min), values().reduce(f64::max)) else {
        return no_data(area, caption, why);
    };
    let mut chart = frame(area, caption, scale.range(lo, hi), 0.0..1.0)?;
    let x_labels = |v: &f64| scale.label(*v);
    let y_labels = |v: &f64| format!("{:.0}%", v * 100.0);
    draw_axes(
        &mut chart,
        Axes {
            x_labels: &x_labels,
            y_labels: &y_labels,
            x_desc: &axis_title(metric.label(), metric.unit()),
            y_desc: "requests at or below",
            categories: None,
        },
    )?;
    let mut hits = Vec::new();
    for (d, points) in series {
        let c = colour(*d);
        let steps = points.iter().map(|&(v, f)| (scale.map(v), f));
        chart.draw_series(LineSeries::new(steps, c.stroke_width(2))).map_err(err)?;
        for &(v, f) in points.iter().step_by(points.len().div_ceil(100).max(1)) {
            let (x, y) = chart.backend_coord(&(scale.map(v), f));
            let label = &a.deployments[*d].label;
            let text = format!("{label}: {:.1}% of requests ≤ {}", f * 100.0, text::exact(Some(v), metric.unit()));
            hits.push(Hit { x, y, deployment: *d, text });
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_points_span_the_sample() {
        let mut values: Vec<f64> = (0..1000).rev().map(f64::from).collect();
        let points = cdf_points(&mut values, 11);
        assert_eq!(points.len(), 11);
        assert_eq!(points[0], (0.0, 0.001));
        assert_eq!(points[10], (999.0, 1.0));
        assert!(points.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 < w[1].1));
        assert_eq!(cdf_points(&mut [], 10), vec![]);
        assert_eq!(cdf_points(&mut [3.0], 10), vec![(3.0, 1.0)]);
    }
}
