//! The comparison as tables: one model per scenario and load level, rendered as the Markdown report
//! (README.md) and as an aligned table for the terminal.

use crate::analysis::Analysis;
use crate::compare::{Change, Quantity, Rate};
use crate::metric::Metric;
use crate::model::Load;
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

/// One deployment's row at one scenario and load level.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub deployment: String,
    pub label: String,
    pub is_baseline: bool,
    /// Successful requests, and failed ones when the files tell.
    pub requests: usize,
    pub failed: Option<usize>,
    /// Whether the figures come from the files' aggregates rather than per-request records.
    pub aggregate_only: bool,
    pub cells: Vec<Cell>,
}

impl Row {
    /// `12`, `12 (2 failed, 14 %)`.
    pub fn requests_text(&self) -> String {
        match self.failed {
            Some(failed) if failed > 0 => {
                let rate = failed as f64 / (failed + self.requests) as f64 * 100.0;
                format!("{} ({failed} failed, {} %)", self.requests, text::significant(rate))
            }
            _ => self.requests.to_string(),
        }
    }
}

/// The table of one scenario and load level: a row per deployment that has that run, the baseline first,
/// then in deployment order.
pub fn table(analysis: &Analysis, scenario: &str, load: Load, baseline: &str, quantities: &[Quantity]) -> Vec<Row> {
    let base = analysis.run(baseline, scenario, load);
    let others = analysis.runs_at(scenario, load).filter(|run| run.deployment != baseline);
    base.into_iter()
        .chain(others)
        .map(|run| {
            let is_baseline = run.deployment == baseline;
            let cells = quantities
                .iter()
                .map(|&q| Cell {
                    raw: q.of(run),
                    value: text::value(q.of(run), q.unit()),
                    change: base.filter(|_| !is_baseline).and_then(|b| Change::between(q, b, run)),
                })
                .collect();
            Row {
                deployment: run.deployment.clone(),
                label: analysis.label(&run.deployment).to_string(),
                is_baseline,
                requests: run.requests,
                failed: run.failed_requests,
                aggregate_only: !run.per_request,
                cells,
            }
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
    let mut texts = vec![name, row.requests_text()];
    texts.extend(row.cells.iter().map(cell_text));
    texts
}

/// The Markdown report. `title` names what was compared (the results folder); `plots` are the
/// relative paths of the plot images with their captions.
pub fn markdown(analysis: &Analysis, title: &str, plots: &[(&str, &str)]) -> String {
    let mut md = String::new();
    let esc = text::markdown;
    let baseline = analysis.label(&analysis.baseline);
    let _ = writeln!(md, "# Benchmark comparison: {}\n", esc(title));
    let failed = analysis.total_failed();
    let _ = writeln!(
        md,
        "{}, {}, {}{} in {}. Baseline: **{}**. \
         Changes are against the baseline at the same scenario and load: ✓ better, ✗ worse, = within 0.05 %. \
         Latency is better lower, throughput higher.\n",
        text::count(analysis.deployments.len(), "deployment"),
        text::count(analysis.scenarios().len(), "scenario"),
        text::count(analysis.total_requests(), "request"),
        if failed > 0 { format!(" (and {failed} failed)") } else { String::new() },
        text::count(analysis.runs.len(), "run"),
        esc(baseline),
    );

    md.push_str("## What was compared\n\n");
    md.push_str(
        "| Deployment | Folder | Tool | Scenario | Loads | Requests | Failed | Skipped records |\n\
         |---|---|---|---|---|---:|---:|---:|\n",
    );
    for runs in analysis.runs_by_deployment_and_sweep() {
        let first = &runs[0];
        let levels: Vec<String> = runs.iter().map(|r| r.load.level()).collect();
        let mut tools: Vec<&str> = runs.iter().map(|r| r.format.tool()).collect();
        tools.dedup();
        let failed: Option<usize> = runs.iter().map(|r| r.failed_requests).sum();
        let _ = writeln!(
            md,
            "| {}{} | {} | {} | {} | {} {} | {} | {} | {} |",
            esc(analysis.label(&first.deployment)),
            if first.deployment == analysis.baseline { " (baseline)" } else { "" },
            esc(&first.deployment),
            tools.join(", "),
            esc(&first.scenario),
            first.load.kind.axis(),
            levels.join(", "),
            runs.iter().map(|r| r.requests).sum::<usize>(),
            failed.map_or("–".to_string(), |f| f.to_string()),
            runs.iter().map(|r| r.skipped_rows).sum::<usize>(),
        );
    }
    md.push('\n');
    write_warnings(&mut md, analysis);

    if !plots.is_empty() {
        md.push_str("## Plots\n\n");
        for (path, caption) in plots {
            let _ = writeln!(md, "### {caption}\n\n![{caption}]({path})\n");
        }
    }

    md.push_str("## Results by scenario and load\n\n");
    for sweep in analysis.sweeps() {
        let _ = writeln!(md, "### Scenario {}\n", esc(&sweep.to_string()));
        for load in analysis.levels(&sweep) {
            let _ = writeln!(md, "#### {} at {}\n", esc(&sweep.scenario), load);
            let rows = table(analysis, &sweep.scenario, load, &analysis.baseline, &TABLE_QUANTITIES);
            let header = header();
            let _ = writeln!(md, "| {} |", header.join(" | "));
            let _ = writeln!(md, "|---|{}", "---:|".repeat(header.len() - 1));
            for row in &rows {
                let name = if row.is_baseline { format!("{} (baseline)", esc(&row.label)) } else { esc(&row.label) };
                let _ = writeln!(md, "| {} |", row_texts(row, name).join(" | "));
            }
            if !rows.iter().any(|r| r.is_baseline) {
                let _ = writeln!(md, "\nThe baseline has no run at this load: nothing to compare against.");
            }
            if rows.iter().any(|r| r.aggregate_only) {
                let _ = writeln!(md, "\n– marks a statistic the file does not state (aggregate-only results).");
            }
            md.push('\n');
        }
    }
    md
}

fn write_warnings(md: &mut String, analysis: &Analysis) {
    const LISTED: usize = 50;
    if analysis.warnings.is_empty() {
        md.push_str("Every record of every result file was used.\n\n");
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

/// The comparison as aligned plain-text tables, one per scenario and load level.
pub fn terminal(analysis: &Analysis) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Baseline: {}. Changes against it: ✓ better, ✗ worse, = within 0.05 %.",
        text::shown(analysis.label(&analysis.baseline))
    );
    for sweep in analysis.sweeps() {
        for load in analysis.levels(&sweep) {
            let _ = writeln!(out, "\n{} at {}", text::shown(&sweep.scenario), load);
            let rows = table(analysis, &sweep.scenario, load, &analysis.baseline, &TABLE_QUANTITIES);
            let mut lines = vec![header()];
            lines.extend(rows.iter().map(|row| {
                let label = text::shown(&row.label);
                let name = if row.is_baseline { format!("{label} (baseline)") } else { label };
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
