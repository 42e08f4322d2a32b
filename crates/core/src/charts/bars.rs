//! Grouped bars per load level and deployment: a quantity, or its % change against the baseline.

use super::{
    axis_title, category_labels, category_levels, colour, draw_axes, err, frame, level_labels, no_data, per_level,
    places, slots, tick, Area, Axes, ChartView, Hit, Scale,
};
use crate::analysis::Analysis;
use crate::compare::{change_pct, Quantity, Rate};
use crate::model::{Load, Sweep};
use crate::text;
use plotters::prelude::*;

/// Grouped bars of one quantity per load level and deployment (linear whatever the view's scale).
pub fn bar_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    sweep: &Sweep,
    quantity: Quantity,
    view: &ChartView,
) -> Result<Vec<Hit>, String> {
    let caption = format!("{} by {} · {}", quantity.label(), sweep.kind.axis(), sweep);
    let levels = match category_levels(a, sweep) {
        Ok(levels) => levels,
        Err(why) => return no_data(area, &caption, &why),
    };
    let bars = per_level(a, &sweep.scenario, &levels, &view.deployments, |run| quantity.of(run));
    let y_desc = axis_title(&quantity.label(), quantity.unit());
    grouped_bars(area, a, sweep, &caption, &levels, &bars, &y_desc, &view.deployments, |v| {
        text::exact(Some(v), quantity.unit())
    })
}

/// Grouped bars of the % change of a throughput figure against the baseline, per load level.
pub fn change_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    sweep: &Sweep,
    rate: Rate,
    view: &ChartView,
) -> Result<Vec<Hit>, String> {
    let quantity = Quantity::Throughput(rate);
    let baseline_label = a.label(&view.baseline);
    let caption = format!("{} change vs {} · {} (higher is better)", quantity.label(), baseline_label, sweep);
    let levels = match category_levels(a, sweep) {
        Ok(levels) => levels,
        Err(why) => return no_data(area, &caption, &why),
    };
    let others: Vec<usize> =
        view.deployments.iter().copied().filter(|&d| a.deployments[d].id != view.baseline).collect();
    let bars = per_level(a, &sweep.scenario, &levels, &others, |run| {
        let base = a.run(&view.baseline, &sweep.scenario, run.load)?;
        change_pct(quantity, base, run)
    });
    grouped_bars(area, a, sweep, &caption, &levels, &bars, "change vs baseline (%)", &others, text::signed_percent)
}

/// Bars per load level (index into `levels`) and deployment, grouped by level in the order of `deployments`.
/// Always on a linear axis from zero: a bar's length is its value, which a log or cut axis would misstate.
#[allow(clippy::too_many_arguments)]
fn grouped_bars<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    sweep: &Sweep,
    caption: &str,
    levels: &[Load],
    bars: &[(usize, usize, f64)],
    y_desc: &str,
    deployments: &[usize],
    describe: impl Fn(f64) -> String,
) -> Result<Vec<Hit>, String> {
    let (Some(lo), Some(hi)) = (bars.iter().map(|b| b.2).reduce(f64::min), bars.iter().map(|b| b.2).reduce(f64::max))
    else {
        return no_data(area, caption, "no data");
    };
    let mut chart = frame(area, caption, -0.5..levels.len() as f64 - 0.5, Scale::Linear.range(lo, hi))?;
    let x_labels = level_labels(levels);
    let y_labels = |v: &f64| tick(*v);
    draw_axes(
        &mut chart,
        Axes {
            x_labels: &x_labels,
            y_labels: &y_labels,
            x_desc: sweep.kind.axis(),
            y_desc,
            categories: Some(category_labels(area, levels.len())),
        },
    )?;
    // Slots for the deployments that have a bar, in the order of `deployments`.
    let mut has_bar = vec![false; a.deployments.len()];
    for bar in bars {
        has_bar[bar.1] = true;
    }
    let shown: Vec<usize> = deployments.iter().copied().filter(|&d| has_bar[d]).collect();
    let places = places(a, &shown);
    let slot = slots(shown.len());
    let mut hits = Vec::new();
    for &(i, d, v) in bars {
        let (offset, width) = slot(places[d].unwrap_or(0));
        let (left, right) = (i as f64 + offset - width * 0.45, i as f64 + offset + width * 0.45);
        chart.draw_series([Rectangle::new([(left, 0.0), (right, v)], colour(d).filled())]).map_err(err)?;
        let (x, y) = chart.backend_coord(&(i as f64 + offset, v));
        hits.push(Hit {
            x,
            y,
            deployment: d,
            text: format!("{} at {}: {}", a.deployments[d].label, levels[i], describe(v)),
        });
    }
    if lo < 0.0 {
        chart
            .draw_series([PathElement::new(vec![(-0.5, 0.0), (levels.len() as f64 - 0.5, 0.0)], BLACK.stroke_width(1))])
            .map_err(err)?;
    }
    Ok(hits)
}
