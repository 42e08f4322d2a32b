//! What the SLO gives against the request rate, one line per deployment with each run's interval as a
//! whisker: the attainment, with the target as a dashed line and each deployment's capacity marked where
//! its line crosses it; or the goodput, with the rate at which every request would be good dashed.

use super::{colour, draw_axes, err, frame, no_data, tick, Area, Axes, ChartView, Hit};
use crate::analysis::Analysis;
use crate::model::{Load, LoadKind, Sweep};
use crate::slo::SloReport;
use crate::text;
use plotters::prelude::*;

/// What an SLO panel shows of each run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SloShown {
    /// The share of good requests.
    Attainment,
    /// Good requests per second.
    Goodput,
}

pub fn attainment_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    sweep: &Sweep,
    report: &SloReport,
    shown: SloShown,
    view: &ChartView,
) -> Result<Vec<Hit>, String> {
    let slo = &report.slo;
    let caption = match shown {
        SloShown::Attainment => format!("Share of requests with {} · {}", slo.describe(), sweep),
        SloShown::Goodput => format!("Goodput: requests per second with {} · {}", slo.describe(), sweep),
    };
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
                .filter_map(|(r, at)| {
                    let at = at.as_ref()?;
                    match shown {
                        SloShown::Attainment => Some((r.load.value?, at.attainment, at.attainment_ci)),
                        SloShown::Goodput => {
                            // The attainment's interval scaled as the goodput is: good / attempted × rate.
                            let goodput = at.goodput_requests_per_s?;
                            let per_share = (at.attainment > 0.0).then(|| goodput / at.attainment);
                            let ci = at.attainment_ci.zip(per_share).map(|([l, h], s)| [l * s, h * s]);
                            Some((r.load.value?, goodput, ci))
                        }
                    }
                })
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
    let top = match shown {
        SloShown::Attainment => 1.05,
        SloShown::Goodput => {
            let highest = series.iter().flat_map(|(_, p)| p.iter().map(|&(_, v, ci)| ci.map_or(v, |[_, h]| h.max(v))));
            highest.fold(x_range.end, f64::max) * 1.05
        }
    };
    let mut chart = frame(area, &caption, x_range.clone(), 0.0..top)?;
    let x_labels = |v: &f64| tick(*v);
    let y_labels = |v: &f64| match shown {
        SloShown::Attainment => format!("{} %", tick(v * 100.0)),
        SloShown::Goodput => tick(*v),
    };
    draw_axes(
        &mut chart,
        Axes {
            x_labels: &x_labels,
            y_labels: &y_labels,
            x_desc: sweep.kind.axis(),
            y_desc: match shown {
                SloShown::Attainment => "good requests (% of attempted)",
                SloShown::Goodput => "good requests per second",
            },
            categories: None,
        },
    )?;
    let target = slo.attainment;
    // The target share, or the goodput if every request launched were good.
    let reference = |x: f64| match shown {
        SloShown::Attainment => target,
        SloShown::Goodput => x,
    };
    let dashes = (0..40).map(|i| {
        let x0 = x_range.start + (x_range.end - x_range.start) * i as f64 / 40.0;
        let x1 = x0 + (x_range.end - x_range.start) / 80.0;
        PathElement::new(vec![(x0, reference(x0)), (x1, reference(x1))], BLACK.mix(0.6).stroke_width(1))
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
            let load = Load { kind: sweep.kind, value: Some(q) };
            let text = match shown {
                SloShown::Attainment => {
                    let interval = ci.map_or(String::new(), |[l, h]| format!(" [{:.1}, {:.1}]", l * 100.0, h * 100.0));
                    format!("{label} at {load}: {:.1} %{interval} good", v * 100.0)
                }
                SloShown::Goodput => {
                    let interval = ci.map_or(String::new(), |[l, h]| {
                        format!(" [{}, {}]", text::significant(l), text::significant(h))
                    });
                    format!("{label} at {load}: {}{interval} good requests per second", text::significant(v))
                }
            };
            hits.push(Hit { x, y, deployment: *d, text });
        }
        let capacity = report.capacity(&a.deployments[*d].id, &sweep.scenario).filter(|c| c.status == "at");
        if let Some(capacity) = capacity.filter(|_| shown == SloShown::Attainment) {
            let marker = (capacity.qps, target);
            // A triangle pointing up, 13 px wide: not plotters' `TriangleMarker`, whose corners are found with
            // `sin` and `cos`, which alone brought WebAssembly's trigonometry (about 10 KB) into the page.
            let triangle = Polygon::new(vec![(0, -7), (-6, 4), (6, 4)], c.filled());
            chart.draw_series([EmptyElement::at(marker) + triangle]).map_err(err)?;
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
