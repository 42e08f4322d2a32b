//! A quantity against the load level or against the throughput achieved (the trade-off curve), one line
//! per deployment through its load levels, with each statistic's interval as a whisker, runs not at a
//! steady state hollow, and an optional band to another statistic. Loads without a bound have no place
//! on the load axis and are left out.

use super::{axis_title, colour, draw_axes, err, frame, no_data, tick, Area, Axes, ChartView, Hit};
use crate::analysis::Analysis;
use crate::compare::{Quantity, Rate};
use crate::evidence::Interval;
use crate::model::{Load, Sweep};
use crate::stats::Stat;
use crate::text;
use plotters::prelude::*;
use std::ops::Range;

/// What the x axis of a line panel shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Across {
    /// The load level (request rate or concurrency).
    Load,
    /// The throughput each run achieved: the trade-off between latency and throughput, each line going
    /// through its load levels in order.
    Achieved(Rate),
}

/// One line per deployment of a quantity against the load or the achieved throughput; with `band`, a
/// shaded band from the line's statistic up to the band's (for instance p50 to p90).
pub fn load_line_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    sweep: &Sweep,
    quantity: Quantity,
    band: Option<Stat>,
    across: Across,
    view: &ChartView,
) -> Result<Vec<Hit>, String> {
    let band_quantity = match (quantity, band) {
        (Quantity::Stat(metric, _), Some(stat)) => Some(Quantity::Stat(metric, stat)),
        _ => None,
    };
    let x_quantity = match across {
        Across::Load => None,
        Across::Achieved(rate) => Some(Quantity::Throughput(rate)),
    };
    let x_desc = match x_quantity {
        None => sweep.kind.axis().to_string(),
        Some(x) => format!("throughput achieved ({})", x.unit()),
    };
    let caption = match (band_quantity, band, x_quantity) {
        (Some(_), Some(stat), _) => format!("{} (band to {}) vs {} · {}", quantity.label(), stat.key(), x_desc, sweep),
        (_, _, Some(x)) => format!("{} vs {} achieved · {}", quantity.label(), x.label(), sweep),
        _ => format!("{} vs {} · {}", quantity.label(), x_desc, sweep),
    };
    let series: Vec<(usize, Vec<Point>)> = view
        .deployments
        .iter()
        .map(|&d| {
            let points: Vec<Point> = a
                .runs_of(&a.deployments[d].id, sweep)
                .filter_map(|r| {
                    Some(Point {
                        load: r.load,
                        level: match x_quantity {
                            None => r.load.value?,
                            Some(x) => x.of(r)?,
                        },
                        value: quantity.of(r)?,
                        band: band_quantity.and_then(|b| b.of(r)),
                        interval: a.interval(r, quantity),
                        unstable: r.evidence.unstable(),
                    })
                })
                .collect();
            (d, thinned(points))
        })
        .filter(|(_, p): &(usize, Vec<_>)| !p.is_empty())
        .collect();
    let all = || series.iter().flat_map(|(_, p)| p.iter());
    let values = || {
        all()
            .flat_map(|p| [Some(p.value), p.band, p.interval.and_then(|i| i.low), p.interval.and_then(|i| i.high)])
            .flatten()
    };
    let levels = || all().map(|p| p.level);
    let (Some(lo), Some(hi), Some(first), Some(last)) =
        (values().reduce(f64::min), values().reduce(f64::max), levels().reduce(f64::min), levels().reduce(f64::max))
    else {
        return no_data(
            area,
            &caption,
            if x_quantity.is_some() { "no throughput measured" } else { "no data at a bounded load" },
        );
    };
    let scale = view.scale;
    let x_range = level_range(first, last);
    let cap = (x_range.end - x_range.start) * 0.006;
    let mut chart = frame(area, &caption, x_range, scale.range(lo, hi))?;
    let y_labels = |v: &f64| scale.label(*v);
    let x_labels = |v: &f64| tick(*v);
    draw_axes(
        &mut chart,
        Axes {
            x_labels: &x_labels,
            y_labels: &y_labels,
            x_desc: &x_desc,
            y_desc: &axis_title(&quantity.label(), quantity.unit()),
            categories: None,
        },
    )?;
    let mut hits = Vec::new();
    for (d, points) in &series {
        let c = colour(*d);
        let marked = points.len() <= MARKED_POINTS;
        let banded: Vec<(f64, f64, f64)> = points.iter().filter_map(|p| Some((p.level, p.value, p.band?))).collect();
        if banded.len() > 1 {
            let outline = banded
                .iter()
                .map(|&(q, v, _)| (q, scale.map(v)))
                .chain(banded.iter().rev().map(|&(q, _, b)| (q, scale.map(b))));
            // A light fill and an outlined edge, so that overlapping bands of several deployments stay readable.
            chart.draw_series([Polygon::new(outline.collect::<Vec<_>>(), c.mix(0.08).filled())]).map_err(err)?;
            let edge = banded.iter().map(|&(q, _, b)| (q, scale.map(b)));
            chart.draw_series(LineSeries::new(edge, c.mix(0.45).stroke_width(1))).map_err(err)?;
        }
        // Each statistic's interval as a whisker with caps.
        let whiskers = points.iter().filter_map(|p| {
            let interval = p.interval?;
            let (low, high) = (scale.map(interval.low?), scale.map(interval.high?));
            let (x0, x1) = (p.level - cap, p.level + cap);
            Some([
                PathElement::new(vec![(p.level, low), (p.level, high)], c.stroke_width(1)),
                PathElement::new(vec![(x0, low), (x1, low)], c.stroke_width(1)),
                PathElement::new(vec![(x0, high), (x1, high)], c.stroke_width(1)),
            ])
        });
        chart.draw_series(whiskers.flatten()).map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|p| (p.level, scale.map(p.value))),
                c.stroke_width(if marked { 2 } else { 1 }),
            ))
            .map_err(err)?
            .label(a.deployments[*d].label.clone());
        // A run not at a steady state is a hollow point: its statistic measures the run's length.
        if marked {
            chart
                .draw_series(points.iter().map(|p| {
                    let style = if p.unstable { WHITE.filled() } else { c.filled() };
                    Circle::new((p.level, scale.map(p.value)), 3, style)
                }))
                .map_err(err)?;
            chart
                .draw_series(
                    points
                        .iter()
                        .filter(|p| p.unstable)
                        .map(|p| Circle::new((p.level, scale.map(p.value)), 3, c.stroke_width(2))),
                )
                .map_err(err)?;
        }
        for p in points {
            let (x, y) = chart.backend_coord(&(p.level, scale.map(p.value)));
            let band_text = p
                .band
                .map(|b| format!(" ({} {})", band.map_or("", Stat::key), text::exact(Some(b), quantity.unit())))
                .unwrap_or_default();
            let interval_text = match p.interval {
                Some(Interval { low: Some(low), high: Some(high), .. }) => format!(
                    ", {} % interval {} to {}",
                    text::percent(a.config.confidence),
                    text::exact(Some(low), quantity.unit()),
                    text::exact(Some(high), quantity.unit())
                ),
                Some(Interval { reason: Some("effective_n_below_min"), .. }) => {
                    ", too few requests for an interval".to_string()
                }
                _ => String::new(),
            };
            let steady = if p.unstable { ", not at a steady state" } else { "" };
            let achieved = x_quantity
                .map(|x| format!(", {} {}", x.label(), text::exact(Some(p.level), x.unit())))
                .unwrap_or_default();
            hits.push(Hit {
                x,
                y,
                deployment: *d,
                text: format!(
                    "{} at {}: {} {}{band_text}{interval_text}{achieved}{steady}",
                    a.deployments[*d].label,
                    p.load,
                    quantity.label(),
                    text::exact(Some(p.value), quantity.unit()),
                ),
            });
        }
    }
    Ok(hits)
}

/// One run's point: its load, its place on the x axis, value, the band's value, the value's interval, and
/// whether the run is at a steady state.
struct Point {
    load: Load,
    level: f64,
    value: f64,
    band: Option<f64>,
    interval: Option<Interval>,
    unstable: bool,
}

/// The most points a line draws, about two per pixel of the widest panel: a sweep of more load levels is
/// thinned evenly (its first and last level kept), so that a figure of very many runs stays small.
const LINE_POINTS: usize = 1000;
/// Lines of at most this many points mark each point and are drawn 2 pixels wide; denser ones would only
/// look thicker, and plotters joins wide segments at sharp angles with spikes that leave the chart.
const MARKED_POINTS: usize = 100;

fn thinned<T>(points: Vec<T>) -> Vec<T> {
    if points.len() <= LINE_POINTS {
        return points;
    }
    let (stride, last) = (points.len().div_ceil(LINE_POINTS), points.len() - 1);
    points.into_iter().enumerate().filter(|&(i, _)| i % stride == 0 || i == last).map(|(_, p)| p).collect()
}

/// The drawn span of load levels: the measured levels with a margin, not from zero (levels from 8 to 40
/// QPS would otherwise crowd the right of the chart).
fn level_range(first: f64, last: f64) -> Range<f64> {
    let span = if last > first { last - first } else { first.abs().max(1.0) * 0.2 };
    (first - span * 0.05).max(if first >= 0.0 { 0.0 } else { f64::MIN })..(last + span * 0.05)
}
