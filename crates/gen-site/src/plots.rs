//! Rendering the report's figures to PNG and SVG with the core's drawing code.

use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};
use serving_compare::analysis::Analysis;
use serving_compare::charts::{ChartView, Figure};
use serving_compare::text;
use std::borrow::Cow;
use std::path::Path;
use std::sync::Once;

/// DejaVu Sans (free licence, see assets/DejaVuSans-LICENSE), so PNG text looks the same on every machine.
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            register_font("sans-serif", style, FONT).unwrap_or_else(|_| panic!("the embedded font is valid"));
        }
    });
}

/// Draws `figure` as a PNG file at `path`.
pub fn png(figure: Figure, analysis: &Analysis, view: &ChartView, path: &Path) -> Result<(), String> {
    register_fonts();
    let root = BitMapBackend::new(path, figure.size(view)).into_drawing_area();
    figure.draw(&root, analysis, view)
}

/// Draws `figure` as SVG text: valid XML whatever characters the names drawn hold.
pub fn svg(figure: Figure, analysis: &Analysis, view: &ChartView) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, figure.size(view)).into_drawing_area();
        figure.draw(&root, analysis, view)?;
    }
    Ok(match text::xml(&svg) {
        Cow::Owned(valid) => valid,
        Cow::Borrowed(_) => svg,
    })
}
