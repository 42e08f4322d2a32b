//! The comparison as tables: one model per scenario and QPS level, rendered as the Markdown report
//! (README.md) and as an aligned table for the terminal.

use crate::analysis::Analysis;
use crate::compare::{Change, Quantity, Rate};
use crate::metric::Metric;
use crate::stats::Stat;
use crate::text;
use std::fmt::Write;

/// The columns of every comparison table.
pub const TABLE_QUANTITIES: [Quantity; 7] = [
    Quantity::Stat(Metric::Ttft, Stat::P50),
    Quantity::Stat(Metric::Ttft, Stat::P99),
    Quantity::Stat(Metric::E2eLatency, Stat::P50),
    Quantity::Stat(Metric::E2eLatency, Stat::P99),
    Quantity::Stat(Metric::Tpot, Stat::P50),
    Quantity::Stat(Metric::Tpot, Stat::P99),
    Quantity::Throughput(Rate::OutputTokens),
];

/// One cell: the value, and its change against the baseline where there is one to compare with.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The value as computed, for machines (the page's `data-value`).
    pub raw: Option<f64>,
    /// The value formatted in its unit.
    pub value: String,
    pub change: Option<Change>,
}

/// One deployment's row at one scenario and QPS level.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub deployment: String,
    pub label: String,
    pub is_baseline: bool,
    pub requests: usize,
    pub cells: Vec<Cell>,
}

/// The table of one scenario and QPS level: a row per deployment that has that run, the baseline first,
/// then in deployment order.
pub fn table(analysis: &Analysis, scenario: &str, qps: f64, baseline: &str, quantities: &[Quantity]) -> Vec<Row> {
    let base = analysis.run(baseline, scenario, qps);
    let baseline_first = analysis
        .deployments
        .iter()
        .filter(|d| d.id == baseline)
        .chain(analysis.deployments.iter().filter(|d| d.id != baseline));
    baseline_first
        .filter_map(|d| {
            let run = analysis.run(&d.id, scenario, qps)?;
            let is_baseline = d.id == baseline;
            let cells = quantities
                .iter()
                .map(|&q| Cell {
                    raw: q.of(run),
                    value: text::value(q.of(run), q.unit()),
                    change: base.filter(|_| !is_baseline).and_then(|b| Change::between(q, b, run)),
                })
                .collect();
            Some(Row { deployment: d.id.clone(), label: d.label.clone(), is_baseline, requests: run.requests, cells })
        })
        .collect()
}

fn cell_text(cell: &Cell) -> String {
    match &cell.change {
        Some(change) => format!("{} ({})", cell.value, text::change(change)),
        None => cell.value.clone(),
    }
}

fn header() -> Vec<String> {
    let mut header = vec!["Deployment".to_string(), "Requests".to_string()];
    header.extend(TABLE_QUANTITIES.iter().map(|q| q.label()));
    header
}

fn row_texts(row: &Row, name: String) -> Vec<String> {
    let mut texts = vec![name, row.requests.to_string()];
    texts.extend(row.cells.iter().map(cell_text));
    texts
}

/// The Markdown report. `title` names what was compared (the results folder); `plots` are the
/// relative paths of the plot images with their captions.
pub fn markdown(analysis: &Analysis, title: &str, plots: &[(&str, &str)]) -> String {
    let mut md = String::new();
    let esc = text::markdown;
    let baseline = analysis.label(&analysis.baseline);
    let _ = writeln!(md, "# LMBench comparison: {}\n", esc(title));
    let _ = writeln!(
        md,
        "{}, {}, {} in {}. Baseline: **{}**. \
         Changes are against the baseline at the same scenario and QPS: ✓ better, ✗ worse, = within 0.05 %. \
         Latency is better lower, throughput higher.\n",
        text::count(analysis.deployments.len(), "deployment"),
        text::count(analysis.scenarios().len(), "scenario"),
        text::count(analysis.total_requests(), "request"),
        text::count(analysis.runs.len(), "run"),
        esc(baseline),
    );

    md.push_str("## What was compared\n\n");
    md.push_str(
        "| Deployment | Folder | Scenario | QPS levels | Requests | Skipped rows |\n|---|---|---|---|---:|---:|\n",
    );
    for d in &analysis.deployments {
        for scenario in analysis.scenarios() {
            let runs: Vec<_> = analysis.runs_of(&d.id, scenario).collect();
            if runs.is_empty() {
                continue;
            }
            let levels: Vec<String> = runs.iter().map(|r| text::qps(r.qps)).collect();
            let _ = writeln!(
                md,
                "| {}{} | {} | {} | {} | {} | {} |",
                esc(&d.label),
                if d.id == analysis.baseline { " (baseline)" } else { "" },
                esc(&d.id),
                esc(scenario),
                levels.join(", "),
                runs.iter().map(|r| r.requests).sum::<usize>(),
                runs.iter().map(|r| r.skipped_rows).sum::<usize>(),
            );
        }
    }
    md.push('\n');
    write_warnings(&mut md, analysis);

    if !plots.is_empty() {
        md.push_str("## Plots\n\n");
        for (path, caption) in plots {
            let _ = writeln!(md, "### {caption}\n\n![{caption}]({path})\n");
        }
    }

    md.push_str("## Results by scenario and QPS\n\n");
    for scenario in analysis.scenarios() {
        let _ = writeln!(md, "### Scenario {}\n", esc(scenario));
        for qps in analysis.qps_levels(scenario) {
            let _ = writeln!(md, "#### {} at {} QPS\n", esc(scenario), text::qps(qps));
            let rows = table(analysis, scenario, qps, &analysis.baseline, &TABLE_QUANTITIES);
            let header = header();
            let _ = writeln!(md, "| {} |", header.join(" | "));
            let _ = writeln!(md, "|---|{}", "---:|".repeat(header.len() - 1));
            for row in &rows {
                let name = if row.is_baseline { format!("{} (baseline)", esc(&row.label)) } else { esc(&row.label) };
                let _ = writeln!(md, "| {} |", row_texts(row, name).join(" | "));
            }
            if !rows.iter().any(|r| r.is_baseline) {
                let _ = writeln!(md, "\nThe baseline has no run at this QPS level: nothing to compare against.");
            }
            md.push('\n');
        }
    }
    md
}

fn write_warnings(md: &mut String, analysis: &Analysis) {
    const LISTED: usize = 50;
    if analysis.warnings.is_empty() {
        md.push_str("Every row of every result file was used.\n\n");
        return;
    }
    let problems = text::count(analysis.warnings.len(), "problem");
    let _ = writeln!(md, "### Skipped input\n\n{problems} in the input passed over:\n");
    for warning in analysis.warnings.iter().take(LISTED) {
        let _ = writeln!(md, "- {}", text::markdown(&warning.to_string()));
    }
    if analysis.warnings.len() > LISTED {
        let _ = writeln!(md, "- … and {} more, listed in summary.json", analysis.warnings.len() - LISTED);
    }
    md.push('\n');
}

/// The comparison as aligned plain-text tables, one per scenario and QPS level.
pub fn terminal(analysis: &Analysis) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Baseline: {}. Changes against it: ✓ better, ✗ worse, = within 0.05 %.",
        analysis.label(&analysis.baseline)
    );
    for scenario in analysis.scenarios() {
        for qps in analysis.qps_levels(scenario) {
            let _ = writeln!(out, "\n{} at {} QPS", scenario, text::qps(qps));
            let rows = table(analysis, scenario, qps, &analysis.baseline, &TABLE_QUANTITIES);
            let mut lines = vec![header()];
            lines.extend(rows.iter().map(|row| {
                let name = if row.is_baseline { format!("{} (baseline)", row.label) } else { row.label.clone() };
                row_texts(row, name)
            }));
            write_aligned(&mut out, &lines);
        }
    }
    out
}

/// Left-aligns the first column, right-aligns the others; widths in characters.
fn write_aligned(out: &mut String, lines: &[Vec<String>]) {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| lines.iter().filter_map(|l| l.get(c)).map(|t| t.chars().count()).max().unwrap_or(0))
        .collect();
    for line in lines {
        let mut text = String::new();
        for (c, cell) in line.iter().enumerate() {
            let pad = " ".repeat(widths[c] - cell.chars().count());
            if c == 0 {
                let _ = write!(text, "{cell}{pad}");
            } else {
                let _ = write!(text, "  {pad}{cell}");
            }
        }
        let _ = writeln!(out, "{}", text.trim_end());
    }
}
