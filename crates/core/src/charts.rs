//! Chart drawing, written once over plotters' `DrawingBackend`: the CLI draws on bitmaps and SVG, the
//! browser on a canvas. Panels draw one chart and return where their data points landed, so that a
//! viewer can show the exact value under the pointer; figures lay panels out for the static plots.

use crate::analysis::{Analysis, Run};
use crate::compare::{Change, Quantity, Rate};
use crate::metric::Metric;
use crate::stats::Stat;
use crate::text;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::ops::Range;

/// One colour per deployment, by its index in `Analysis::deployments` (Tableau 10).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(89, 161, 79),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(186, 176, 172),
];

pub fn colour(deployment: usize) -> RGBColor {
    PALETTE[deployment % PALETTE.len()]
}

/// The CSS form of a deployment's colour, for HTML legends.
pub fn css_colour(deployment: usize) -> String {
    let RGBColor(r, g, b) = colour(deployment);
    format!("#{r:02x}{g:02x}{b:02x}")
}

const FONT: &str = "sans-serif";

/// Linear or logarithmic value axis. Log charts draw log10 of the value on a linear axis, so every
/// panel has one coordinate type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    #[default]
    Linear,
    Log,
}

impl Scale {
    fn map(self, v: f64) -> f64 {
        match self {
            Scale::Linear => v,
            Scale::Log => v.max(1e-12).log10(),
        }
    }

    /// The drawn range for values in `lo..=hi`, with some headroom.
    fn range(self, lo: f64, hi: f64) -> Range<f64> {
        match self {
            Scale::Linear => {
                let (lo, hi) = (lo.min(0.0), hi.max(0.0));
                let span = if hi > lo { hi - lo } else { 1.0 };
                (lo - if lo < 0.0 { span * 0.08 } else { 0.0 })..(hi + span * 0.08)
            }
            // The data's own span, not whole decades: those would squash a tight spread into a thin band.
            Scale::Log => {
                let (lo, hi) = (self.map(lo.max(1e-9)), self.map(hi.max(1e-9)));
                let span = if hi > lo { hi - lo } else { 0.5 };
                (lo - span * 0.08)..(hi + span * 0.08)
            }
        }
    }

    fn label(self, drawn: f64) -> String {
        match self {
            Scale::Linear => tick(drawn),
            Scale::Log => tick(10f64.powf(drawn)),
        }
    }
}

/// What the charts show: which scenarios, which deployments (indices into `Analysis::deployments`),
/// against which baseline, on which scale.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartView {
    pub scenarios: Vec<String>,
    pub deployments: Vec<usize>,
    pub baseline: String,
    pub scale: Scale,
}

impl ChartView {
    /// Everything, linear, against the analysis' baseline.
    pub fn all(analysis: &Analysis) -> ChartView {
        ChartView {
            scenarios: analysis.scenarios().into_iter().map(String::from).collect(),
            deployments: (0..analysis.deployments.len()).collect(),
            baseline: analysis.baseline.clone(),
            scale: Scale::Linear,
        }
    }
}

/// A drawn data point, in backend pixels, with what a tooltip says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub x: i32,
    pub y: i32,
    pub deployment: usize,
    pub text: String,
}

type Area<DB> = DrawingArea<DB, Shift>;

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("drawing failed: {e}")
}

/// An axis tick: three significant digits without trailing zeros (`0.8`, `2`, `0.05`).
fn tick(v: f64) -> String {
    // Ticks near zero come out as ±1e-17 or -0: they are 0.
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    let text = text::significant(v);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

fn axis_title(metric_label: &str, unit: &str) -> String {
    format!("{metric_label} ({unit})")
}

/// A panel's frame: caption, axes with units, QPS categories or values on x.
type Chart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

fn frame<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    caption: &str,
    x: Range<f64>,
    y: Range<f64>,
) -> Result<Chart<'a, DB>, String> {
    // Narrow canvases (phones) get smaller captions, so that they fit.
    let caption_size = if area.dim_in_pixel().0 < 640 { 13 } else { 17 };
    ChartBuilder::on(area)
        .caption(caption, (FONT, caption_size))
        .margin(8)
        .margin_right(16)
        .x_label_area_size(42)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// What the axes say: tick labels, titles, and for QPS categories (bar and box panels) how many labels fit.
struct Axes<'a> {
    x_labels: &'a dyn Fn(&f64) -> String,
    y_labels: &'a dyn Fn(&f64) -> String,
    x_desc: &'a str,
    y_desc: &'a str,
    categories: Option<usize>,
}

/// Axes, labels and a light grid, the same on every panel; categorical x axes get no vertical grid lines.
fn draw_axes<DB: DrawingBackend>(chart: &mut Chart<'_, DB>, axes: Axes<'_>) -> Result<(), String> {
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(axes.x_labels)
        .y_label_formatter(axes.y_labels)
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225));
    if let Some(labels) = axes.categories {
        mesh.disable_x_mesh().x_labels(labels);
    }
    mesh.draw().map_err(err)
}

fn no_data<DB: DrawingBackend>(area: &Area<DB>, caption: &str) -> Result<Vec<Hit>, String> {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(caption.to_string(), (10, 10), (FONT, 17))).map_err(err)?;
    area.draw(&Text::new(
        "no data".to_string(),
        (w as i32 / 2 - 30, h as i32 / 2),
        (FONT, 15).into_font().color(&RGBColor(120, 120, 120)),
    ))
    .map_err(err)?;
    Ok(Vec::new())
}

/// Slots of deployments within one category: (offset from the category centre, width).
fn slots(count: usize) -> impl Fn(usize) -> (f64, f64) {
    let width = 0.8 / count.max(1) as f64;
    move |j| (-0.4 + width * (j as f64 + 0.5), width)
}

/// How many category labels fit along the x axis: about one per 48 pixels; plotters then labels every
/// k-th category.
fn category_labels<DB: DrawingBackend>(area: &Area<DB>, categories: usize) -> usize {
    let fit = (area.dim_in_pixel().0 as usize / 48).max(2);
    categories.clamp(2, fit)
}

fn qps_axis_labels(levels: &[f64]) -> impl Fn(&f64) -> String + '_ {
    move |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < levels.len() {
            text::qps(levels[i as usize])
        } else {
            String::new()
        }
    }
}

/// For each QPS level (by index into `levels`) and each of `deployments`, `value` of that deployment's run
/// at that level, where there is a run and a value.
fn per_level<'a, T>(
    a: &'a Analysis,
    scenario: &str,
    levels: &[f64],
    deployments: &[usize],
    value: impl Fn(&'a Run) -> Option<T>,
) -> Vec<(usize, usize, T)> {
    let mut out = Vec::new();
    for (i, &qps) in levels.iter().enumerate() {
        for &d in deployments {
            if let Some(v) = a.run(&a.deployments[d].id, scenario, qps).and_then(&value) {
                out.push((i, d, v));
            }
        }
    }
    out
}

/// Box plots of one metric per QPS level and deployment: box p25–p75, line p50, whiskers p5–p95.
pub fn box_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    scenario: &str,
    metric: Metric,
    view: &ChartView,
) -> Result<Vec<Hit>, String> {
    let caption = format!("{} by QPS · {}", metric.label(), scenario);
    let levels = a.qps_levels(scenario);
    let boxes =
        per_level(a, scenario, &levels, &view.deployments, |run| Some(run.metrics.get(metric)).filter(|s| s.n > 0));
    let values = || boxes.iter().flat_map(|(_, _, s)| [s.p5, s.p95]).flatten();
    let (Some(lo), Some(hi)) = (values().reduce(f64::min), values().reduce(f64::max)) else {
        return no_data(area, &caption);
    };
    let scale = view.scale;
    let mut chart = frame(area, &caption, -0.5..levels.len() as f64 - 0.5, scale.range(lo, hi))?;
    let x_labels = qps_axis_labels(&levels);
    let y_labels = |v: &f64| scale.label(*v);
    draw_axes(
        &mut chart,
        Axes {
            x_labels: &x_labels,
            y_labels: &y_labels,
            x_desc: "QPS",
            y_desc: &axis_title(metric.label(), metric.unit()),
            categories: Some(category_labels(area, levels.len())),
        },
    )?;
    let slot = slots(view.deployments.len());
    let mut hits = Vec::new();
    for &(i, d, s) in &boxes {
        let j = view.deployments.iter().position(|&x| x == d).unwrap_or(0);
        let (offset, width) = slot(j);
        let (centre, half) = (i as f64 + offset, width * 0.4);
        let [p5, p25, p50, p75, p95] = [s.p5, s.p25, s.p50, s.p75, s.p95].map(|v| scale.map(v.unwrap_or(0.0)));
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
        let v = |x: Option<f64>| text::exact(x, metric.unit());
        hits.push(Hit {
            x,
            y,
            deployment: d,
            text: format!(
                "{} at {} QPS: {} p50 {} (p25 {}, p75 {}, p5 {}, p95 {})",
                a.deployments[d].label,
                text::qps(levels[i]),
                metric.label(),
                v(s.p50),
                v(s.p25),
                v(s.p75),
                v(s.p5),
                v(s.p95)
            ),
        });
    }
    Ok(hits)
}

/// Grouped bars of one quantity per QPS level and deployment (linear whatever the view's scale).
pub fn bar_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    scenario: &str,
    quantity: Quantity,
    view: &ChartView,
) -> Result<Vec<Hit>, String> {
    let caption = format!("{} by QPS · {}", quantity.label(), scenario);
    let levels = a.qps_levels(scenario);
    let bars = per_level(a, scenario, &levels, &view.deployments, |run| quantity.of(run));
    let y_desc = axis_title(&quantity.label(), quantity.unit());
    grouped_bars(area, a, &caption, &levels, &bars, &y_desc, &view.deployments, |v| {
        text::exact(Some(v), quantity.unit())
    })
}

/// Grouped bars of the % change of a throughput figure against the baseline, per QPS level.
pub fn change_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    scenario: &str,
    rate: Rate,
    view: &ChartView,
) -> Result<Vec<Hit>, String> {
    let quantity = Quantity::Throughput(rate);
    let baseline_label = a.label(&view.baseline);
    let caption = format!("{} change vs {} · {} (higher is better)", quantity.label(), baseline_label, scenario);
    let levels = a.qps_levels(scenario);
    let others: Vec<usize> =
        view.deployments.iter().copied().filter(|&d| a.deployments[d].id != view.baseline).collect();
    let bars = per_level(a, scenario, &levels, &others, |run| {
        let base = a.run(&view.baseline, scenario, run.qps)?;
        Change::between(quantity, base, run)?.change_pct
    });
    grouped_bars(area, a, &caption, &levels, &bars, "change vs baseline (%)", &others, |v| format!("{v:+.1}%"))
}

/// Bars per QPS level (index into `levels`) and deployment, grouped by level in the order of `deployments`.
/// Always on a linear axis from zero: a bar's length is its value, which a log or cut axis would misstate.
#[allow(clippy::too_many_arguments)]
fn grouped_bars<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    caption: &str,
    levels: &[f64],
    bars: &[(usize, usize, f64)],
    y_desc: &str,
    deployments: &[usize],
    describe: impl Fn(f64) -> String,
) -> Result<Vec<Hit>, String> {
    let (Some(lo), Some(hi)) = (bars.iter().map(|b| b.2).reduce(f64::min), bars.iter().map(|b| b.2).reduce(f64::max))
    else {
        return no_data(area, caption);
    };
    let mut chart = frame(area, caption, -0.5..levels.len() as f64 - 0.5, Scale::Linear.range(lo, hi))?;
    let x_labels = qps_axis_labels(levels);
    let y_labels = |v: &f64| tick(*v);
    draw_axes(
        &mut chart,
        Axes {
            x_labels: &x_labels,
            y_labels: &y_labels,
            x_desc: "QPS",
            y_desc,
            categories: Some(category_labels(area, levels.len())),
        },
    )?;
    let shown: Vec<usize> = deployments.iter().copied().filter(|d| bars.iter().any(|b| b.1 == *d)).collect();
    let slot = slots(shown.len());
    let mut hits = Vec::new();
    for &(i, d, v) in bars {
        let (offset, width) = slot(shown.iter().position(|&x| x == d).unwrap_or(0));
        let (left, right) = (i as f64 + offset - width * 0.45, i as f64 + offset + width * 0.45);
        chart.draw_series([Rectangle::new([(left, 0.0), (right, v)], colour(d).filled())]).map_err(err)?;
        let (x, y) = chart.backend_coord(&(i as f64 + offset, v));
        hits.push(Hit {
            x,
            y,
            deployment: d,
            text: format!("{} at {} QPS: {}", a.deployments[d].label, text::qps(levels[i]), describe(v)),
        });
    }
    if lo < 0.0 {
        chart
            .draw_series([PathElement::new(vec![(-0.5, 0.0), (levels.len() as f64 - 0.5, 0.0)], BLACK.stroke_width(1))])
            .map_err(err)?;
    }
    Ok(hits)
}

/// One line per deployment of a quantity against QPS; with `band`, a shaded band from the line's
/// statistic up to the band's (for instance p50 to p90).
pub fn qps_line_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    scenario: &str,
    quantity: Quantity,
    band: Option<Stat>,
    view: &ChartView,
) -> Result<Vec<Hit>, String> {
    let band_quantity = match (quantity, band) {
        (Quantity::Stat(metric, _), Some(stat)) => Some(Quantity::Stat(metric, stat)),
        _ => None,
    };
    let caption = match (band_quantity, band) {
        (Some(_), Some(stat)) => format!("{} (band to {}) vs QPS · {}", quantity.label(), stat.key(), scenario),
        _ => format!("{} vs QPS · {}", quantity.label(), scenario),
    };
    /// QPS, value, and the band's value.
    type Point = (f64, f64, Option<f64>);
    let series: Vec<(usize, Vec<Point>)> = view
        .deployments
        .iter()
        .map(|&d| {
            let points = a
                .runs_of(&a.deployments[d].id, scenario)
                .filter_map(|r| Some((r.qps, quantity.of(r)?, band_quantity.and_then(|b| b.of(r)))))
                .collect();
            (d, points)
        })
        .filter(|(_, p): &(usize, Vec<_>)| !p.is_empty())
        .collect();
    let all = || series.iter().flat_map(|(_, p)| p.iter());
    let values = || all().flat_map(|&(_, v, b)| [Some(v), b]).flatten();
    let (Some(lo), Some(hi), Some(max_qps)) =
        (values().reduce(f64::min), values().reduce(f64::max), all().map(|p| p.0).reduce(f64::max))
    else {
        return no_data(area, &caption);
    };
    let scale = view.scale;
    let mut chart = frame(area, &caption, 0.0..max_qps * 1.05, scale.range(lo, hi))?;
    let y_labels = |v: &f64| scale.label(*v);
    let x_labels = |v: &f64| tick(*v);
    draw_axes(
        &mut chart,
        Axes {
            x_labels: &x_labels,
            y_labels: &y_labels,
            x_desc: "QPS",
            y_desc: &axis_title(&quantity.label(), quantity.unit()),
            categories: None,
        },
    )?;
    let mut hits = Vec::new();
    for (d, points) in &series {
        let c = colour(*d);
        let banded: Vec<(f64, f64, f64)> = points.iter().filter_map(|&(q, v, b)| Some((q, v, b?))).collect();
        if banded.len() > 1 {
            let outline = banded
                .iter()
                .map(|&(q, v, _)| (q, scale.map(v)))
                .chain(banded.iter().rev().map(|&(q, _, b)| (q, scale.map(b))));
            chart.draw_series([Polygon::new(outline.collect::<Vec<_>>(), c.mix(0.15).filled())]).map_err(err)?;
        }
        chart
            .draw_series(LineSeries::new(points.iter().map(|&(q, v, _)| (q, scale.map(v))), c.stroke_width(2)))
            .map_err(err)?
            .label(a.deployments[*d].label.clone());
        chart
            .draw_series(points.iter().map(|&(q, v, _)| Circle::new((q, scale.map(v)), 3, c.filled())))
            .map_err(err)?;
        for &(q, v, b) in points {
            let (x, y) = chart.backend_coord(&(q, scale.map(v)));
            let band_text = b
                .map(|b| format!(" ({} {})", band.map_or("", Stat::key), text::exact(Some(b), quantity.unit())))
                .unwrap_or_default();
            hits.push(Hit {
                x,
                y,
                deployment: *d,
                text: format!(
                    "{} at {} QPS: {} {}{}",
                    a.deployments[*d].label,
                    text::qps(q),
                    quantity.label(),
                    text::exact(Some(v), quantity.unit()),
                    band_text
                ),
            });
        }
    }
    Ok(hits)
}

/// A row of coloured squares with the shown deployments' labels; the baseline is marked.
pub fn legend<DB: DrawingBackend>(area: &Area<DB>, a: &Analysis, view: &ChartView) -> Result<(), String> {
    let style = TextStyle::from((FONT, 15).into_font());
    let (width, _) = area.dim_in_pixel();
    let (mut x, mut y) = (10i32, 6i32);
    for &d in &view.deployments {
        let deployment = &a.deployments[d];
        let text = if deployment.id == view.baseline {
            format!("{} (baseline)", deployment.label)
        } else {
            deployment.label.clone()
        };
        let (text_width, _) = area.estimate_text_size(&text, &style).map_err(err)?;
        if x > 10 && x + 24 + text_width as i32 > width as i32 {
            x = 10;
            y += 24;
        }
        area.draw(&Rectangle::new([(x, y + 2), (x + 14, y + 16)], colour(d).filled())).map_err(err)?;
        area.draw(&Text::new(text, (x + 20, y + 1), style.clone())).map_err(err)?;
        x += 20 + text_width as i32 + 28;
    }
    Ok(())
}

/// The three static plots of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Latency,
    Throughput,
    Qps,
}

const WIDTH: u32 = 1800;
const HEADER: u32 = 96;
const ROW: u32 = 400;

impl Figure {
    pub const ALL: [Figure; 3] = [Figure::Latency, Figure::Throughput, Figure::Qps];

    /// The file name without extension under `plots/`.
    pub fn file_stem(self) -> &'static str {
        match self {
            Figure::Latency => "latency_comparison",
            Figure::Throughput => "throughput_comparison",
            Figure::Qps => "qps_comparison",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Figure::Latency => "Latency distributions per QPS (box p25–p75, line p50, whiskers p5–p95)",
            Figure::Throughput => "Output-token throughput per QPS, and its change against the baseline",
            Figure::Qps => "Latency (p50, band to p90) and token rate against QPS",
        }
    }

    /// Pixel size: one row of panels per scenario.
    pub fn size(self, view: &ChartView) -> (u32, u32) {
        (WIDTH, HEADER + ROW * view.scenarios.len().max(1) as u32)
    }

    /// Draws the whole figure: title, legend, and a row of panels per scenario.
    pub fn draw<DB: DrawingBackend>(self, root: &Area<DB>, a: &Analysis, view: &ChartView) -> Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let (header, body) = root.split_vertically(HEADER);
        header
            .draw(&Text::new(self.title().to_string(), (10, 10), (FONT, 22).into_font().style(FontStyle::Bold)))
            .map_err(err)?;
        let (_, legend_area) = header.split_vertically(44);
        legend(&legend_area, a, view)?;
        let rows = body.split_evenly((view.scenarios.len().max(1), 1));
        for (scenario, row) in view.scenarios.iter().zip(rows) {
            self.draw_row(&row, a, scenario, view)?;
        }
        root.present().map_err(err)
    }

    fn draw_row<DB: DrawingBackend>(
        self,
        row: &Area<DB>,
        a: &Analysis,
        scenario: &str,
        view: &ChartView,
    ) -> Result<(), String> {
        match self {
            Figure::Latency => {
                let metrics = [Metric::Ttft, Metric::GenerationTime, Metric::E2eLatency, Metric::DecodeTokensPerS];
                for (metric, panel) in metrics.into_iter().zip(row.split_evenly((1, 4))) {
                    box_panel(&panel, a, scenario, metric, view)?;
                }
            }
            Figure::Throughput => {
                let panels = row.split_evenly((1, 2));
                bar_panel(&panels[0], a, scenario, Quantity::Throughput(Rate::OutputTokens), view)?;
                change_panel(&panels[1], a, scenario, Rate::OutputTokens, view)?;
            }
            Figure::Qps => {
                let panels = row.split_evenly((1, 3));
                qps_line_panel(
                    &panels[0],
                    a,
                    scenario,
                    Quantity::Stat(Metric::E2eLatency, Stat::P50),
                    Some(Stat::P90),
                    view,
                )?;
                qps_line_panel(
                    &panels[1],
                    a,
                    scenario,
                    Quantity::Stat(Metric::Ttft, Stat::P50),
                    Some(Stat::P90),
                    view,
                )?;
                qps_line_panel(&panels[2], a, scenario, Quantity::Throughput(Rate::OutputTokens), None, view)?;
            }
        }
        Ok(())
    }
}

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

/// Per-request points (seconds since the run's first launch, metric value), at most `max_points`, evenly
/// strided over the requests in launch order.
pub fn timeline_points(requests: &[crate::metric::Request], metric: Metric, max_points: usize) -> Vec<(f64, f64)> {
    let start = requests.iter().map(|r| r.launch_time).fold(f64::INFINITY, f64::min);
    let stride = requests.len().div_ceil(max_points.max(1)).max(1);
    let mut points: Vec<(f64, f64)> =
        requests.iter().step_by(stride).filter_map(|r| Some((r.launch_time - start, metric.of(r)?))).collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points
}

/// The empirical CDF of one metric per deployment at one QPS level. `series` holds CDF points per
/// deployment index, as from [`cdf_points`]; the scale applies to the value axis (x).
pub fn cdf_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    caption: &str,
    metric: Metric,
    series: &[(usize, Vec<(f64, f64)>)],
    scale: Scale,
) -> Result<Vec<Hit>, String> {
    let values = || series.iter().flat_map(|(_, p)| p.iter().map(|&(v, _)| v));
    let (Some(lo), Some(hi)) = (values().reduce(f64::min), values().reduce(f64::max)) else {
        return no_data(area, caption);
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

/// Each request of one run per deployment: its launch time (seconds since the run's first launch) against
/// its metric value. `series` holds points per deployment index, as from [`timeline_points`].
pub fn timeline_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    a: &Analysis,
    caption: &str,
    metric: Metric,
    series: &[(usize, Vec<(f64, f64)>)],
    scale: Scale,
) -> Result<Vec<Hit>, String> {
    let all = || series.iter().flat_map(|(_, p)| p.iter());
    let (Some(lo), Some(hi), Some(end)) =
        (all().map(|p| p.1).reduce(f64::min), all().map(|p| p.1).reduce(f64::max), all().map(|p| p.0).reduce(f64::max))
    else {
        return no_data(area, caption);
    };
    let mut chart = frame(area, caption, 0.0..end.max(1e-9) * 1.02, scale.range(lo, hi))?;
    let x_labels = |v: &f64| tick(*v);
    let y_labels = |v: &f64| scale.label(*v);
    draw_axes(
        &mut chart,
        Axes {
            x_labels: &x_labels,
            y_labels: &y_labels,
            x_desc: "launch time since the run's first request (s)",
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

/// The hit nearest to (x, y) within `radius` pixels: what a tooltip shows.
pub fn nearest_hit(hits: &[Hit], x: i32, y: i32, radius: i32) -> Option<&Hit> {
    let distance = |h: &Hit| (h.x - x).pow(2) + (h.y - y).pow(2);
    hits.iter().filter(|h| distance(h) <= radius * radius).min_by_key(|h| distance(h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::Request;

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

    #[test]
    fn timeline_points_are_relative_and_bounded() {
        let requests: Vec<Request> = (0..100)
            .map(|i| Request {
                prompt_tokens: 1.0,
                generation_tokens: 3.0,
                ttft: 0.5,
                generation_time: f64::from(i),
                launch_time: 1000.0 + f64::from(i),
            })
            .collect();
        let points = timeline_points(&requests, Metric::E2eLatency, 10);
        assert_eq!(points.len(), 10);
        assert_eq!(points[0], (0.0, 0.5));
        assert_eq!(points[1], (10.0, 10.5));
    }

    #[test]
    fn scales_span_the_data() {
        assert_eq!(tick(-0.0), "0");
        assert_eq!(tick(-1e-17), "0");
        assert_eq!(tick(0.800), "0.8");
        let linear = Scale::Linear.range(2.0, 4.0);
        assert!(linear.start == 0.0 && linear.end > 4.0);
        let log = Scale::Log.range(0.57, 0.68);
        let (lo, hi) = (10f64.powf(log.start), 10f64.powf(log.end));
        assert!(lo < 0.57 && lo > 0.55 && hi > 0.68 && hi < 0.70, "{lo}..{hi}");
        let single = Scale::Log.range(3.0, 3.0);
        assert!(single.start < 3f64.log10() && single.end > 3f64.log10());
    }

    #[test]
    fn nearest_hit_within_radius() {
        let hit = |x, y| Hit { x, y, deployment: 0, text: format!("{x},{y}") };
        let hits = [hit(10, 10), hit(20, 10)];
        assert_eq!(nearest_hit(&hits, 14, 10, 8).unwrap().text, "10,10");
        assert_eq!(nearest_hit(&hits, 16, 11, 8).unwrap().text, "20,10");
        assert!(nearest_hit(&hits, 50, 50, 8).is_none());
    }
}
