//! The static plots of the report: a title, a legend, and a row of panels per sweep.

use super::{bar_panel, box_panel, change_panel, err, legend, load_line_panel, Across, Area, ChartView, FONT};
use crate::analysis::Analysis;
use crate::compare::{Quantity, Rate};
use crate::metric::Metric;
use crate::model::Sweep;
use crate::stats::Stat;
use plotters::prelude::*;

/// The static plots of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Latency,
    Throughput,
    Qps,
    TradeOff,
}

const WIDTH: u32 = 1800;
const HEADER: u32 = 96;
const ROW: u32 = 400;

impl Figure {
    pub const ALL: [Figure; 4] = [Figure::Latency, Figure::Throughput, Figure::Qps, Figure::TradeOff];

    /// The file name without extension under `plots/`.
    pub fn file_stem(self) -> &'static str {
        match self {
            Figure::Latency => "latency_comparison",
            Figure::Throughput => "throughput_comparison",
            Figure::Qps => "qps_comparison",
            Figure::TradeOff => "tradeoff_comparison",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Figure::Latency => "Latency distributions per load level (box p25–p75, line p50, whiskers p5–p95)",
            Figure::Throughput => "Output-token throughput per load level, and its change against the baseline",
            Figure::Qps => "Latency (p50 with its interval, band to p90) and token rate against the load; hollow points: runs not at a steady state",
            Figure::TradeOff => "Latency p50 against the output-token throughput achieved, each line through a deployment's load levels: lower and further right is better",
        }
    }

    /// Pixel size: one row of panels per sweep.
    pub fn size(self, view: &ChartView) -> (u32, u32) {
        (WIDTH, HEADER + ROW * view.sweeps.len().max(1) as u32)
    }

    /// Draws the whole figure: title, legend, and a row of panels per sweep.
    pub fn draw<DB: DrawingBackend>(self, root: &Area<DB>, a: &Analysis, view: &ChartView) -> Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let (header, body) = root.split_vertically(HEADER);
        let title_style = TextStyle::from((FONT, 22).into_font().style(FontStyle::Bold));
        header.draw(&Text::new(self.title().to_string(), (10, 10), title_style.clone())).map_err(err)?;
        if let Some(note) = left_out(a, view) {
            let (title_width, _) = header.estimate_text_size(self.title(), &title_style).map_err(err)?;
            let style = (FONT, 15).into_font().color(&RGBColor(110, 110, 110));
            header.draw(&Text::new(note, (title_width as i32 + 40, 16), style)).map_err(err)?;
        }
        let (_, legend_area) = header.split_vertically(44);
        legend(&legend_area, a, view)?;
        let rows = body.split_evenly((view.sweeps.len().max(1), 1));
        for (sweep, row) in view.sweeps.iter().zip(rows) {
            self.draw_row(&row, a, sweep, view)?;
        }
        root.present().map_err(err)
    }

    fn draw_row<DB: DrawingBackend>(
        self,
        row: &Area<DB>,
        a: &Analysis,
        sweep: &Sweep,
        view: &ChartView,
    ) -> Result<(), String> {
        match self {
            Figure::Latency => {
                let metrics = [Metric::Ttft, Metric::GenerationTime, Metric::E2eLatency, Metric::DecodeTokensPerS];
                for (metric, panel) in metrics.into_iter().zip(row.split_evenly((1, 4))) {
                    box_panel(&panel, a, sweep, metric, view)?;
                }
            }
            Figure::Throughput => {
                let panels = row.split_evenly((1, 2));
                bar_panel(&panels[0], a, sweep, Quantity::Throughput(Rate::OutputTokens), view)?;
                change_panel(&panels[1], a, sweep, Rate::OutputTokens, view)?;
            }
            Figure::Qps => {
                let quantities = [
                    (Quantity::Stat(Metric::E2eLatency, Stat::P50), Some(Stat::P90)),
                    (Quantity::Stat(Metric::Ttft, Stat::P50), Some(Stat::P90)),
                    (Quantity::Throughput(Rate::OutputTokens), None),
                ];
                for ((quantity, band), panel) in quantities.into_iter().zip(row.split_evenly((1, 3))) {
                    load_line_panel(&panel, a, sweep, quantity, band, Across::Load, view)?;
                }
            }
            Figure::TradeOff => {
                let metrics = [Metric::Ttft, Metric::Tpot, Metric::E2eLatency];
                for (metric, panel) in metrics.into_iter().zip(row.split_evenly((1, 3))) {
                    let quantity = Quantity::Stat(metric, Stat::P50);
                    load_line_panel(&panel, a, sweep, quantity, None, Across::Achieved(Rate::OutputTokens), view)?;
                }
            }
        }
        Ok(())
    }
}

/// What a figure's view leaves out of the analysis, said on the figure.
fn left_out(a: &Analysis, view: &ChartView) -> Option<String> {
    let counts = [
        (view.deployments.len(), a.deployments.len(), "deployments"),
        (view.sweeps.len(), a.sweeps().len(), "scenarios"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(shown, all, _)| shown < all)
        .map(|(shown, all, what)| format!("{shown} of {all} {what}"))
        .collect();
    (!parts.is_empty()).then(|| format!("showing {}: summary.json and the site have them all", parts.join(" and ")))
}
