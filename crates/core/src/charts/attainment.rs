//! SLO attainment against the request rate, one line per deployment with each run's interval as a
//! whisker, the target as a dashed line, and each deployment's capacity marked where its line crosses it.

use super::{colour, draw_axes, err, frame, no_data, tick, Area, Axes, ChartView, Hit};
use crate::analysis::Analysis;
use crate::model::{Load, LoadKind, Sweep};
use crate::slo::SloReport;
use crate::text;
use plotters::prelude::*;

pub fn attainment_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    sweep: &Sweep,
    report: &SloReport,
    view: &ChartView,
) -> Result<Vec<Hit>, String> {
    let slo = &report.slo;
    let caption = format!("Share of requests with {} · {}", slo.describe(), sweep);
    if sweep.kind != LoadKind::Qps {
        return no_data(area, &caption, "capacity is measured over request rates, not concurrencies");
    }
    /// Rate, attainment and its interval.
    type Point = (f64, f64, Option<[f64; 2]>);
    let series: Vec<(usize, Vec<Point>)> = view
        .deployments
        .iter()
        .map(|&d| {
            let points = a
                .runs
                .iter()
                .zip(&report.runs)
                .filter(|(r, _)| r.deployment == a.deployments[d].id && r.scenario == sweep.scenario)
                .filter(|(r, _)| r.load.kind == LoadKind::Qps)
                .filter_map(|(r, at)| Some((r.load.value?, at.as_ref()?.attainment, at.as_ref()?.attainment_ci)))
                .collect();
            (d, points)
        })
        .filter(|(_, p): &(usize, Vec<Point>)| !p.is_empty())
        .collect();
    let rates = || series.iter().flat_map(|(_, p)| p.iter().map(|q| q.0));
    let (Some(first), Some(last)) = (rates().reduce(f64::min), rates().reduce(f64::max)) else {
        return no_data(area, &caption, "no per-request records at a request rate");
    };
    let span = if last > first { last - first } else { first.abs().max(1.0) * 0.2 };
    let x_range = (first - span * 0.05).max(0.0)..(last + span * 0.05);
    let cap = (x_range.end - x_range.start) * 0.006;
    let mut chart = frame(area, &caption, x_range.clone(), 0.0..1.05)?;
    let x_labels = |v: &f64| tick(*v);
    let y_labels = |v: &f64| format!("{} %", tick(v * 100.0));
    draw_axes(
        &mut chart,
        Axes {
            x_labels: &x_labels,
            y_labels: &y_labels,
            x_desc: sweep.kind.axis(),
            y_desc: "good requests (% of attempted)",
            categories: None,
        },
    )?;
    let target = slo.attainment;
    let dashes = (0..40).map(|i| {
        let x0 = x_range.start + (x_range.end - x_range.start) * i as f64 / 40.0;
        let x1 = x0 + (x_range.end - x_range.start) / 80.0;
        PathElement::new(vec![(x0, target), (x1, target)], BLACK.mix(0.6).stroke_width(1))
    });
    chart.draw_series(dashes).map_err(err)?;
    let mut hits = Vec::new();
    for (d, points) in &series {
        let c = colour(*d);
        let whiskers = points.iter().filter_map(|&(q, _, ci)| {
            let [low, high] = ci?;
            Some([
                PathElement::new(vec![(q, low), (q, high)], c.stroke_width(1)),
                PathElement::new(vec![(q - cap, low), (q + cap, low)], c.stroke_width(1)),
                PathElement::new(vec![(q - cap, high), (q + cap, high)], c.stroke_width(1)),
            ])
        });
        chart.draw_series(whiskers.flatten()).map_err(err)?;
        chart.draw_series(LineSeries::new(points.iter().map(|&(q, v, _)| (q, v)), c.stroke_width(2))).map_err(err)?;
        chart.draw_series(points.iter().map(|&(q, v, _)| Circle::new((q, v), 3, c.filled()))).map_err(err)?;
        let label = &a.deployments[*d].label;
        for &(q, v, ci) in points {
            let (x, y) = chart.backend_coord(&(q, v));
            let interval = ci.map_or(String::new(), |[l, h]| format!(" [{:.1}, {:.1}]", l * 100.0, h * 100.0));
            let load = Load { kind: sweep.kind, value: Some(q) };
            hits.push(Hit {
                x,
                y,
                deployment: *d,
                text: format!("{label} at {load}: {:.1} %{interval} good", v * 100.0),
            });
        }
        if let Some(capacity) = report.capacity(&a.deployments[*d].id, &sweep.scenario).filter(|c| c.status == "at") {
            let marker = (capacity.qps, target);
            chart.draw_series([TriangleMarker::new(marker, 7, c.filled())]).map_err(err)?;
            let (x, y) = chart.backend_coord(&marker);
            let words = crate::findings::capacity_words(capacity);
            hits.push(Hit {
                x,
                y,
                deployment: *d,
                text: format!("{label} {words} ({} % good)", text::percent(target)),
            });
        }
    }
    Ok(hits)
}
