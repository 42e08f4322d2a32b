//! Box plots of a metric's distribution per load level and deployment.

use super::{
    axis_title, category_labels, category_levels, colour, draw_axes, err, frame, level_labels, no_data, per_level,
    places, slots, why_empty, Area, Axes, ChartView, Hit,
};
use crate::analysis::Analysis;
use crate::metric::Metric;
use crate::model::Sweep;
use crate::text;
use plotters::prelude::*;

/// Box plots of one metric per load level and deployment: box p25–p75, line p50, whiskers p5–p95. Runs
/// whose files don't state all five are left out.
pub fn box_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    sweep: &Sweep,
    metric: Metric,
    view: &ChartView,
) -> Result<Vec<Hit>, String> {
    let caption = format!("{} by {} · {}", metric.label(), sweep.kind.axis(), sweep);
    let levels = match category_levels(a, sweep) {
        Ok(levels) => levels,
        Err(why) => return no_data(area, &caption, &why),
    };
    let boxes = per_level(a, &sweep.scenario, &levels, &view.deployments, |run| {
        let s = run.metrics.get(metric);
        let [p5, p25, p50, p75, p95] = [s.p5, s.p25, s.p50, s.p75, s.p95];
        Some([p5?, p25?, p50?, p75?, p95?])
    });
    let values = || boxes.iter().flat_map(|(_, _, s)| [s[0], s[4]]);
    let (Some(lo), Some(hi)) = (values().reduce(f64::min), values().reduce(f64::max)) else {
        return no_data(area, &caption, why_empty(a, sweep, &view.deployments, true));
    };
    let scale = view.scale;
    let mut chart = frame(area, &caption, -0.5..levels.len() as f64 - 0.5, scale.range(lo, hi))?;
    let x_labels = level_labels(&levels);
    let y_labels = |v: &f64| scale.label(*v);
    draw_axes(
        &mut chart,
        Axes {
            x_labels: &x_labels,
            y_labels: &y_labels,
            x_desc: sweep.kind.axis(),
            y_desc: &axis_title(metric.label(), metric.unit()),
            categories: Some(category_labels(area, levels.len())),
        },
    )?;
    let slot = slots(view.deployments.len());
    let places = places(a, &view.deployments);
    let mut hits = Vec::new();
    for &(i, d, s) in &boxes {
        let (offset, width) = slot(places[d].unwrap_or(0));
        let (centre, half) = (i as f64 + offset, width * 0.4);
        let [p5, p25, p50, p75, p95] = s.map(|v| scale.map(v));
        let c = colour(d);
        chart
            .draw_series([
                Rectangle::new([(centre - half, p25), (centre + half, p75)], c.mix(0.35).filled()),
                Rectangle::new([(centre - half, p25), (centre + half, p75)], c.stroke_width(1)),
            ])
            .map_err(err)?;
        chart
            .draw_series([
                PathElement::new(vec![(centre - half, p50), (centre + half, p50)], c.stroke_width(2)),
                PathElement::new(vec![(centre, p75), (centre, p95)], c.stroke_width(1)),
                PathElement::new(vec![(centre, p25), (centre, p5)], c.stroke_width(1)),
                PathElement::new(vec![(centre - half / 2.0, p95), (centre + half / 2.0, p95)], c.stroke_width(1)),
                PathElement::new(vec![(centre - half / 2.0, p5), (centre + half / 2.0, p5)], c.stroke_width(1)),
            ])
            .map_err(err)?;
        let (x, y) = chart.backend_coord(&(centre, p50));
        let v = |x: f64| text::exact(Some(x), metric.unit());
        hits.push(Hit {
            x,
            y,
            deployment: d,
            text: format!(
                "{} at {}: {} p50 {} (p25 {}, p75 {}, p5 {}, p95 {})",
                a.deployments[d].label,
                levels[i],
                metric.label(),
                v(s[2]),
                v(s[1]),
                v(s[3]),
                v(s[0]),
                v(s[4])
            ),
        });
    }
    Ok(hits)
}
