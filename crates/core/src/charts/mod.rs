//! Chart drawing, written once over plotters' `DrawingBackend`: the CLI draws on bitmaps and SVG, the
//! browser on a canvas. Panels (one module each) draw one chart and return where their data points
//! landed, so that a viewer can show the exact value under the pointer; figures lay panels out for the
//! static plots. This module holds what panels share: colours, scales, frames, axes and hits.

mod attainment;
mod bars;
mod boxes;
mod cdf;
mod figure;
mod lines;
mod timeline;

pub use attainment::{attainment_panel, SloShown};
pub use bars::{bar_panel, change_panel};
pub use boxes::box_panel;
pub use cdf::{cdf_panel, cdf_points};
pub use figure::Figure;
pub use lines::{load_line_panel, Across};
pub use timeline::{timeline_panel, timeline_points};

use crate::analysis::{Analysis, Run};
use crate::model::{Load, Sweep};
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

/// The charts' font. Named by variant, not by text: plotters lowercases a family given as text, which
/// would bring Unicode's case tables into the page's module.
pub const FONT: FontFamily<'static> = FontFamily::SansSerif;

/// Linear or logarithmic value axis. Log charts draw log10 of the value on a linear axis, so every
/// panel has one coordinate type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    #[default]
    Linear,
    Log,
}

impl Scale {
    pub(crate) fn map(self, v: f64) -> f64 {
        match self {
            Scale::Linear => v,
            Scale::Log => v.max(1e-12).log10(),
        }
    }

    /// The drawn range for values in `lo..=hi`, with some headroom.
    pub(crate) fn range(self, lo: f64, hi: f64) -> Range<f64> {
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

    pub(crate) fn label(self, drawn: f64) -> String {
        match self {
            Scale::Linear => tick(drawn),
            Scale::Log => tick(10f64.powf(drawn)),
        }
    }
}

/// What the charts show: which sweeps (scenario and kind of load), which deployments (indices into
/// `Analysis::deployments`), against which baseline, on which scale.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartView {
    pub sweeps: Vec<Sweep>,
    pub deployments: Vec<usize>,
    pub baseline: String,
    pub scale: Scale,
}

/// The most sweeps (rows of panels) a static figure draws.
pub const FIGURE_SWEEPS: usize = 8;

impl ChartView {
    /// What the static figures show, linear, against the analysis' baseline: every sweep and deployment,
    /// but at most [`FIGURE_SWEEPS`] sweeps and one deployment per colour of [`PALETTE`] (the baseline and
    /// the first others by id), so that a figure of very many runs stays a readable size. The figure says
    /// what it leaves out.
    pub fn for_figures(analysis: &Analysis) -> ChartView {
        let baseline = analysis.deployment_index(&analysis.baseline);
        let others = (0..analysis.deployments.len()).filter(|&d| Some(d) != baseline);
        let mut deployments: Vec<usize> = baseline.into_iter().chain(others).take(PALETTE.len()).collect();
        deployments.sort_unstable();
        let mut sweeps = analysis.sweeps();
        sweeps.truncate(FIGURE_SWEEPS);
        ChartView { sweeps, deployments, baseline: analysis.baseline.clone(), scale: Scale::Linear }
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

pub(crate) type Area<DB> = DrawingArea<DB, Shift>;

pub(crate) fn err<E: std::fmt::Display>(e: E) -> String {
    format!("drawing failed: {e}")
}

/// An axis tick: three significant digits without trailing zeros (`0.8`, `2`, `0.05`).
pub(crate) fn tick(v: f64) -> String {
    // Ticks near zero come out as ±1e-17 or -0: they are 0.
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    let text = crate::text::significant(v);
    let (digits, exponent) = text.split_at(text.find('e').unwrap_or(text.len()));
    if digits.contains('.') {
        format!("{}{exponent}", digits.trim_end_matches('0').trim_end_matches('.'))
    } else {
        text
    }
}

pub(crate) fn axis_title(metric_label: &str, unit: &str) -> String {
    format!("{metric_label} ({unit})")
}

/// A panel's frame: caption, axes with units, QPS categories or values on x.
pub(crate) type Chart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

pub(crate) fn frame<'a, DB: DrawingBackend>(
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
        .build_cartesian_2d(drawable(x), drawable(y))
        .map_err(err)
}

/// A range plotters can put ticks on, containing `range` where it is finite. Plotters' tick search
/// divides the span by ten until enough ticks fit, and never ends when the span is not finite, underflows
/// to zero, or is lost in the rounding of its ends. So the ends are made finite (halved where their
/// difference would not be), and the span at least a billionth of their magnitude and 1e-200.
pub(crate) fn drawable(range: Range<f64>) -> Range<f64> {
    let end = |v: f64| if v.is_nan() { 0.0 } else { v.clamp(-f64::MAX, f64::MAX) };
    let (lo, hi) = (end(range.start), end(range.end));
    let (mut lo, mut hi) = (lo.min(hi), lo.max(hi));
    if !(hi - lo).is_finite() {
        (lo, hi) = (lo.max(-f64::MAX / 2.0), hi.min(f64::MAX / 2.0));
    }
    let least = (lo.abs().max(hi.abs()) * 1e-9).max(1e-200);
    if hi - lo >= least {
        lo..hi
    } else if lo + least <= f64::MAX {
        lo..lo + least
    } else {
        hi - least..hi
    }
}

/// What the axes say: tick labels, titles, and for QPS categories (bar and box panels) how many labels fit.
pub(crate) struct Axes<'a> {
    pub x_labels: &'a dyn Fn(&f64) -> String,
    pub y_labels: &'a dyn Fn(&f64) -> String,
    pub x_desc: &'a str,
    pub y_desc: &'a str,
    pub categories: Option<usize>,
}

/// Axes, labels and a light grid, the same on every panel; categorical x axes get no vertical grid lines.
pub(crate) fn draw_axes<DB: DrawingBackend>(chart: &mut Chart<'_, DB>, axes: Axes<'_>) -> Result<(), String> {
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

/// A panel with nothing to draw: its caption, and why (centred, in grey, in as many lines as it needs).
pub(crate) fn no_data<DB: DrawingBackend>(area: &Area<DB>, caption: &str, why: &str) -> Result<Vec<Hit>, String> {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(caption.to_string(), (10, 10), (FONT, 17))).map_err(err)?;
    let style = (FONT, 15).into_font().color(&RGBColor(110, 110, 110));
    let width = |text: &str| area.estimate_text_size(text, &style).map(|(width, _)| width as i32).map_err(err);
    let mut lines: Vec<String> = Vec::new();
    for word in why.split(' ') {
        match lines.last_mut() {
            Some(line) if width(&format!("{line} {word}"))? <= w as i32 - 40 => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    let top = h as i32 / 2 - 10 * lines.len() as i32;
    for (i, line) in lines.into_iter().enumerate() {
        let x = (w as i32 - width(&line)?).max(20) / 2;
        area.draw(&Text::new(line, (x, top + 20 * i as i32), style.clone())).map_err(err)?;
    }
    Ok(Vec::new())
}

/// Why a chart of a sweep has nothing to draw: no data at all, or only runs without what it needs.
pub(crate) fn why_empty(a: &Analysis, sweep: &Sweep, deployments: &[usize], needs_requests: bool) -> &'static str {
    let places = places(a, deployments);
    let shown = |r: &&Run| a.deployment_index(&r.deployment).is_some_and(|d| places[d].is_some());
    let runs: Vec<&Run> = a.runs_in(sweep).filter(shown).collect();
    if needs_requests && !runs.is_empty() && runs.iter().all(|r| !r.per_request) {
        "these runs have only the aggregates their files state: no per-request data to draw"
    } else {
        "no data"
    }
}

/// The most load levels a chart draws as categories (boxes, bars): more would be slivers.
pub(crate) const MAX_CATEGORIES: usize = 40;

/// The load levels of a sweep as a chart's categories; or, when they are too many, why it draws none.
pub(crate) fn category_levels(a: &Analysis, sweep: &Sweep) -> Result<Vec<Load>, String> {
    let levels = a.levels(sweep);
    if levels.len() <= MAX_CATEGORIES {
        return Ok(levels);
    }
    let n = levels.len();
    Err(format!(
        "{n} load levels: more than {MAX_CATEGORIES} to draw side by side; the chart against the load shows them all"
    ))
}

/// Slots of deployments within one category: (offset from the category centre, width).
pub(crate) fn slots(count: usize) -> impl Fn(usize) -> (f64, f64) {
    let width = 0.8 / count.max(1) as f64;
    move |j| (-0.4 + width * (j as f64 + 0.5), width)
}

/// How many category labels fit along the x axis: about one per 48 pixels; plotters then labels every
/// k-th category.
pub(crate) fn category_labels<DB: DrawingBackend>(area: &Area<DB>, categories: usize) -> usize {
    let fit = (area.dim_in_pixel().0 as usize / 48).max(2);
    categories.clamp(2, fit)
}

/// Labels of a categorical load axis: the level of each category (`0.5`, `10`, `∞`).
pub(crate) fn level_labels(levels: &[Load]) -> impl Fn(&f64) -> String + '_ {
    move |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < levels.len() {
            levels[i as usize].level()
        } else {
            String::new()
        }
    }
}

/// For each load level (by index into `levels`) and each of `deployments` (ascending indices, as in every
/// view), `value` of that deployment's run at that level, where there is a run and a value.
pub(crate) fn per_level<'a, T>(
    a: &'a Analysis,
    scenario: &str,
    levels: &[Load],
    deployments: &[usize],
    value: impl Fn(&'a Run) -> Option<T>,
) -> Vec<(usize, usize, T)> {
    let places = places(a, deployments);
    let mut out = Vec::new();
    for (i, &load) in levels.iter().enumerate() {
        // By deployment id, which is the order of indices.
        for run in a.runs_at(scenario, load) {
            let Some(d) = a.deployment_index(&run.deployment).filter(|&d| places[d].is_some()) else { continue };
            if let Some(v) = value(run) {
                out.push((i, d, v));
            }
        }
    }
    out
}

/// For each deployment of the analysis (by index), its place among `deployments`, if it is there.
pub(crate) fn places(a: &Analysis, deployments: &[usize]) -> Vec<Option<usize>> {
    let mut places = vec![None; a.deployments.len()];
    for (place, &d) in deployments.iter().enumerate() {
        places[d] = Some(place);
    }
    places
}

/// How many characters of a deployment's label a legend shows.
const LEGEND_CHARS: usize = 40;

/// A row of coloured squares with the shown deployments' labels; the baseline is marked.
pub fn legend<DB: DrawingBackend>(area: &Area<DB>, a: &Analysis, view: &ChartView) -> Result<(), String> {
    let style = TextStyle::from((FONT, 15).into_font());
    let (width, _) = area.dim_in_pixel();
    let (mut x, mut y) = (10i32, 6i32);
    for &d in &view.deployments {
        let deployment = &a.deployments[d];
        // Cut, so that the legend of a figure stays within its header.
        let label = crate::text::cut(&deployment.label, LEGEND_CHARS);
        let text = if deployment.id == view.baseline { format!("{label} (baseline)") } else { label.into_owned() };
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

/// The hit nearest to (x, y) within `radius` pixels: what a tooltip shows.
pub fn nearest_hit(hits: &[Hit], x: i32, y: i32, radius: i32) -> Option<&Hit> {
    let distance = |h: &Hit| (h.x - x).pow(2) + (h.y - y).pow(2);
    hits.iter().filter(|h| distance(h) <= radius * radius).min_by_key(|h| distance(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_span_the_data() {
        assert_eq!(tick(-0.0), "0");
        assert_eq!(tick(-1e-17), "0");
        assert_eq!(tick(0.800), "0.8");
        assert_eq!(tick(2e300), "2e300");
        assert_eq!(tick(2.5e-7), "2.5e-7");
        let linear = Scale::Linear.range(2.0, 4.0);
        assert!(linear.start == 0.0 && linear.end > 4.0);
        let log = Scale::Log.range(0.57, 0.68);
        let (lo, hi) = (10f64.powf(log.start), 10f64.powf(log.end));
        assert!(lo < 0.57 && lo > 0.55 && hi > 0.68 && hi < 0.70, "{lo}..{hi}");
        let single = Scale::Log.range(3.0, 3.0);
        assert!(single.start < 3f64.log10() && single.end > 3f64.log10());
    }

    #[test]
    fn drawable_ranges_are_finite_wide_enough_and_hold_the_data() {
        for (range, holds) in [
            (0.0..f64::INFINITY, 0.0..f64::MAX),
            (f64::NEG_INFINITY..f64::NAN, -f64::MAX..0.0),
            (-f64::MAX..f64::MAX, -8e307..8e307),
            (f64::MAX..f64::MAX, f64::MAX..f64::MAX),
            (0.0..2e-306, 0.0..2e-306),
            (1e10..1e10, 1e10..1e10),
            (1.0..1.0 + 1e-15, 1.0..1.0),
            (-108.0..f64::MAX, -108.0..f64::MAX),
        ] {
            let drawn = drawable(range.clone());
            assert!(drawn.start.is_finite() && drawn.end.is_finite(), "{range:?}: {drawn:?}");
            assert!((drawn.end - drawn.start).is_finite(), "{range:?}: {drawn:?}");
            assert!(drawn.end - drawn.start >= 1e-200, "{range:?}: {drawn:?}");
            assert!(drawn.start <= holds.start && drawn.end >= holds.end, "{range:?}: {drawn:?}");
        }
    }

    /// Ticks of extreme ranges come back (plotters' search for them loops forever on a bad range).
    #[test]
    fn extreme_ranges_get_ticks() {
        use plotters::coord::ranged1d::{BoldPoints, Ranged};
        use plotters::coord::types::RangedCoordf64;
        for range in [
            0.0..f64::INFINITY,
            0.0..2.16e-306,
            1e300..1e300,
            1.0..1.0 + 2e-16,
            -108.0..f64::MAX,
            -f64::MAX..f64::MAX,
            f64::MAX..f64::MAX,
            0.0..1e-320,
        ] {
            let coord = RangedCoordf64::from(drawable(range.clone()));
            let ticks = coord.key_points(BoldPoints(10));
            assert!(!ticks.is_empty() && ticks.len() <= 20, "{range:?}: {} ticks", ticks.len());
        }
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
