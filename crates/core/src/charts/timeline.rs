//! Each request of one run per deployment: its start (seconds since the run's first request, whatever
//! the file's clock) against its value of a metric.

use super::{axis_title, colour, draw_axes, err, frame, no_data, tick, Area, Axes, Hit, Scale};
use crate::analysis::Analysis;
use crate::metric::Metric;
use crate::model::Request;
use crate::text;
use plotters::prelude::*;

/// Per-request points (seconds since the run's first start, metric value) of successful requests, at most
/// `max_points`, evenly strided over the requests in start order. None when the file has no start times.
pub fn timeline_points(requests: &[Request], metric: Metric, max_points: usize) -> Vec<(f64, f64)> {
    let start = requests.iter().map(|r| r.start).filter(|s| s.is_finite()).fold(f64::INFINITY, f64::min);
    let stride = requests.len().div_ceil(max_points.max(1)).max(1);
    let mut points: Vec<(f64, f64)> = requests
        .iter()
        .step_by(stride)
        .filter(|r| r.ok && r.start.is_finite())
        .filter_map(|r| Some((r.start - start, metric.of(r)?)))
        .collect();
    crate::sorting::sort_by(&mut points, |a, b| a.0.total_cmp(&b.0));
    points
}
/// Each request of one run per deployment: its launch time (seconds since the run's first launch) against
/// its metric value. `series` holds points per deployment index, as from [`timeline_points`].
pub fn timeline_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    caption: &str,
    metric: Metric,
    series: &[(usize, Vec<(f64, f64)>)],
    scale: Scale,
    why: &str,
) -> Result<Vec<Hit>, String> {
    let all = || series.iter().flat_map(|(_, p)| p.iter());
    let (Some(lo), Some(hi), Some(end)) =
        (all().map(|p| p.1).reduce(f64::min), all().map(|p| p.1).reduce(f64::max), all().map(|p| p.0).reduce(f64::max))
    else {
        return no_data(area, caption, why);
    };
    let mut chart = frame(area, caption, 0.0..end.max(1e-9) * 1.02, scale.range(lo, hi))?;
    let x_labels = |v: &f64| tick(*v);
    let y_labels = |v: &f64| scale.label(*v);
    draw_axes(
        &mut chart,
        Axes {
            x_labels: &x_labels,
            y_labels: &y_labels,
            x_desc: "start since the run's first request (s)",
            y_desc: &axis_title(metric.label(), metric.unit()),
            categories: None,
        },
    )?;
    let mut hits = Vec::new();
    for (d, points) in series {
        let c = colour(*d).mix(0.6).filled();
        chart.draw_series(points.iter().map(|&(t, v)| Circle::new((t, scale.map(v)), 2, c))).map_err(err)?;
        for &(t, v) in points {
            let (x, y) = chart.backend_coord(&(t, scale.map(v)));
            let label = &a.deployments[*d].label;
            hits.push(Hit {
                x,
                y,
                deployment: *d,
                text: format!("{label}: launched at {t:.1} s, {}", text::exact(Some(v), metric.unit())),
            });
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_points_are_relative_and_bounded() {
        let requests: Vec<Request> = (0..100)
            .map(|i| Request {
                start: 1000.0 + f64::from(i),
                ttft: 0.5,
                generation_time: f64::from(i),
                input_tokens: 1.0,
                output_tokens: 3.0,
                ok: i != 10,
                ..Request::UNKNOWN
            })
            .collect();
        let points = timeline_points(&requests, Metric::E2eLatency, 10);
        assert_eq!(points.len(), 9, "the failed request is not drawn");
        assert_eq!(points[0], (0.0, 0.5));
        assert_eq!(points[1], (20.0, 20.5));
        let unknown: Vec<Request> = requests.iter().map(|r| Request { start: f64::NAN, ..*r }).collect();
        assert!(timeline_points(&unknown, Metric::E2eLatency, 10).is_empty());
    }
}
