//! The comparison as tables: one model per scenario and load level, rendered as the Markdown report
//! (README.md) and as an aligned table for the terminal.

use crate::analysis::Analysis;
use crate::compare::{headlines, Change, Quantity, Rate, VERDICT_ORDER};
use crate::findings::key_findings;
use crate::inference::{Multiplicity, State};
use crate::metric::Metric;
use crate::model::Load;
use crate::slo::SloReport;
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
    /// Why the run is not at a steady state, when it is not.
    pub unstable: Option<String>,
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
pub fn table(analysis: &Analysis, scenario: &str, load: Load, quantities: &[Quantity]) -> Vec<Row> {
    let baseline = analysis.baseline.as_str();
    let base = analysis.run(baseline, scenario, load);
    let others = analysis.runs_at(scenario, load).filter(|run| run.deployment != baseline);
    base.into_iter()
        .chain(others)
        .map(|run| {
            let is_baseline = run.deployment == baseline;
            let comparison = analysis.comparison(&run.deployment, scenario, load).filter(|_| !is_baseline);
            let cells = quantities
                .iter()
                .map(|&q| Cell {
                    raw: q.of(run),
                    value: text::value(q.of(run), q.unit()),
                    change: comparison.and_then(|c| c.change(q)).cloned(),
                })
                .collect();
            Row {
                deployment: run.deployment.clone(),
                label: analysis.label(&run.deployment).to_string(),
                is_baseline,
                requests: run.requests,
                failed: run.failed_requests,
                aggregate_only: !run.per_request,
                unstable: run.evidence.unstable().then(|| run.evidence.steady().and_then(|s| s.reason())).flatten(),
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
    let marked = if row.unstable.is_some() { format!("{name} ⚠") } else { name };
    let mut texts = vec![marked, row.requests_text()];
    texts.extend(row.cells.iter().map(cell_text));
    texts
}

/// The Markdown report. `title` names what was compared (the results folder); `plots` are the
/// relative paths of the plot images with their captions.
pub fn markdown(analysis: &Analysis, title: &str, plots: &[(&str, &str)], slo: Option<&SloReport>) -> String {
    let mut md = String::new();
    let esc = text::markdown;
    let baseline = analysis.label(&analysis.baseline);
    let _ = writeln!(md, "# Benchmark comparison: {}\n", esc(title));
    let failed = analysis.total_failed();
    let _ = writeln!(
        md,
        "{}, {}, {}{} in {}. Baseline: **{}**.\n\n{}\n",
        text::count(analysis.deployments.len(), "deployment"),
        text::count(analysis.scenarios().len(), "scenario"),
        text::count(analysis.total_requests(), "request"),
        if failed > 0 { format!(" (and {failed} failed)") } else { String::new() },
        text::count(analysis.runs.len(), "run"),
        esc(baseline),
        legend(analysis),
    );
    md.push_str("## Key findings\n\n");
    for finding in key_findings(analysis, slo) {
        let _ = writeln!(md, "- {}", esc(&finding));
    }
    md.push('\n');
    if let Some(report) = slo.filter(|r| r.slo.is_set()) {
        write_slo(&mut md, analysis, report);
    }

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
    write_unstable(&mut md, analysis);
    write_verdicts(&mut md, analysis);

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
            let rows = table(analysis, &sweep.scenario, load, &TABLE_QUANTITIES);
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
            for row in rows.iter().filter(|r| r.unstable.is_some()) {
                let reason = row.unstable.as_deref().unwrap_or_default();
                let _ = writeln!(md, "\n⚠ {}: {reason}.", esc(&row.label));
            }
            if rows.iter().any(|r| r.aggregate_only) {
                let _ = writeln!(md, "\n– marks a statistic the file does not state (aggregate-only results).");
            }
            md.push('\n');
        }
    }
    md
}

/// What the changes in the tables mean.
pub fn legend(analysis: &Analysis) -> String {
    let config = &analysis.config;
    let tested = analysis.comparisons.iter().flat_map(|c| &c.changes).filter(|c| c.change_pct_ci.is_some()).count();
    let correction = match config.multiplicity {
        Multiplicity::Bh => {
            format!("Benjamini–Hochberg at a {} % false discovery rate", text::percent(config.fdr))
        }
        Multiplicity::Holm => format!("Holm at a {} % family-wise error rate", text::percent(config.fdr)),
        Multiplicity::None => "none".to_string(),
    };
    format!(
        "Each change is against the baseline at the same scenario and load, with its {} % interval; \
         changes within ±{} % are treated as noise. Latency is better lower, throughput higher. \
         ✓ better and ✗ worse: the interval lies beyond the noise threshold; = the same: it lies within it; \
         ? can't tell: it reaches across († only after correcting for the report's {tested} compared changes: {correction}); \
         too few: not enough requests for an interval; unstable: a run never reached a steady state \
         (its latency grew for the whole run), so its percentiles measure the run's length, not the deployment.",
        text::percent(config.confidence),
        text::percent(config.noise_threshold),
    )
}

/// Capacities and each run's attainment under the SLO.
fn write_slo(md: &mut String, analysis: &Analysis, report: &SloReport) {
    let esc = text::markdown;
    let slo = &report.slo;
    let _ = writeln!(
        md,
        "## Service-level objectives\n\nA request is good when it succeeded with {}; the target is {} % of \
         attempted requests (failures count). Capacity is the highest request rate meeting the target, \
         interpolated between the measured rates around the first one that fails, with its {} % interval.\n",
        esc(&slo.describe()),
        text::percent(slo.attainment),
        text::percent(analysis.config.confidence),
    );
    md.push_str("| Deployment | Scenario | Capacity | Between | Against the baseline |\n|---|---|---|---|---|\n");
    for c in &report.capacities {
        let bracket = c.bracket.map_or("–".to_string(), |[l, h]| format!("{} – {} QPS", text::qps(l), text::qps(h)));
        let against = report
            .comparisons
            .iter()
            .find(|k| k.deployment == c.deployment && k.scenario == c.scenario)
            .map_or(String::new(), |k| match (k.change_pct, k.change_pct_ci) {
                (Some(pct), Some([l, h])) => {
                    format!("{pct:+.1}% [{l:+.1}, {h:+.1}] {}", text::verdict_mark(k.verdict, false))
                }
                (Some(pct), None) => format!("{pct:+.1}% {}", text::verdict_mark(k.verdict, false)),
                _ => k.reason.clone().unwrap_or_default(),
            });
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            esc(analysis.label(&c.deployment)),
            esc(&c.scenario),
            esc(&crate::findings::capacity_words(c)),
            bracket,
            esc(&against)
        );
    }
    md.push_str("\n| Deployment | Scenario | Load | Attainment | Interval | Status | Goodput |\n|---|---|---|---:|---|---|---:|\n");
    for (run, attainment) in analysis.runs.iter().zip(&report.runs) {
        let Some(a) = attainment else { continue };
        let interval =
            a.attainment_ci.map_or("–".to_string(), |[l, h]| format!("{:.1} – {:.1} %", l * 100.0, h * 100.0));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.1} % | {interval} | {} | {} |",
            esc(analysis.label(&run.deployment)),
            esc(&run.scenario),
            run.load,
            a.attainment * 100.0,
            a.status,
            text::value(a.goodput_requests_per_s, "requests/s"),
        );
    }
    md.push('\n');
}

/// The runs that failed the steady-state gate, with why.
fn write_unstable(md: &mut String, analysis: &Analysis) {
    const LISTED: usize = 50;
    let unstable: Vec<_> = analysis.runs.iter().filter(|r| r.evidence.unstable()).collect();
    if unstable.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "### Runs not at a steady state\n\n{} of {} never reached a steady state: their latency is shown but not compared.\n",
        unstable.len(),
        text::count(analysis.runs.len(), "run")
    );
    for run in unstable.iter().take(LISTED) {
        let reason = run.evidence.steady().and_then(|s| s.reason()).unwrap_or_default();
        let _ = writeln!(
            md,
            "- {}, {} at {}: {}",
            text::markdown(analysis.label(&run.deployment)),
            text::markdown(&run.scenario),
            run.load,
            reason
        );
    }
    if unstable.len() > LISTED {
        let _ = writeln!(md, "- … and {} more, listed in summary.json", unstable.len() - LISTED);
    }
    md.push('\n');
}

/// How each deployment's changes came out, per quantity of the tables, over every scenario and load.
fn write_verdicts(md: &mut String, analysis: &Analysis) {
    let headlines = headlines(&analysis.comparisons);
    if headlines.is_empty() {
        return;
    }
    md.push_str("## Verdicts\n\nHow many scenarios and loads each change came out as, against the baseline.\n\n");
    md.push_str("| Deployment | Quantity |");
    for state in VERDICT_ORDER {
        let _ = write!(md, " {} |", verdict_name(state));
    }
    let _ = writeln!(md, "\n|---|---|{}", "---:|".repeat(VERDICT_ORDER.len()));
    for headline in headlines.iter().filter(|h| TABLE_QUANTITIES.contains(&h.metric)) {
        let _ =
            write!(md, "| {} | {} |", text::markdown(analysis.label(&headline.deployment)), headline.metric.label());
        for count in headline.counts {
            let _ = write!(md, " {count} |");
        }
        md.push('\n');
    }
    md.push_str("\nEvery percentile and mean of every metric is in summary.json (`headlines`, `comparisons`).\n\n");
}

/// A verdict as a column heading.
pub fn verdict_name(state: State) -> &'static str {
    match state {
        State::Better => "✓ better",
        State::Worse => "✗ worse",
        State::Same => "= same",
        State::Inconclusive => "? can't tell",
        State::Insufficient => "too few",
        State::Unstable => "unstable",
        State::NotApplicable => "no interval",
    }
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

/// The comparison as aligned plain-text tables, one per scenario and load level, fitted to `width`
/// characters when given (a terminal's): a table too wide is stacked, one line per quantity under each
/// deployment, so that nothing wraps.
pub fn terminal(analysis: &Analysis, width: Option<usize>, slo: Option<&SloReport>) -> String {
    let mut out = String::new();
    for finding in key_findings(analysis, slo) {
        let _ = writeln!(out, "* {}", text::markdown(&finding));
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "Baseline: {}. Changes against it with their {} % interval: ✓ better, ✗ worse, = the same within ±{} %, \
         ? can't tell; too few requests; unstable runs.",
        text::shown(analysis.label(&analysis.baseline)),
        text::percent(analysis.config.confidence),
        text::percent(analysis.config.noise_threshold),
    );
    for sweep in analysis.sweeps() {
        for load in analysis.levels(&sweep) {
            let _ = writeln!(out, "\n{} at {}", text::shown(&sweep.scenario), load);
            let rows = table(analysis, &sweep.scenario, load, &TABLE_QUANTITIES);
            let named: Vec<(String, &Row)> = rows
                .iter()
                .map(|row| {
                    let label = text::shown(&row.label);
                    (if row.is_baseline { format!("{label} (baseline)") } else { label }, row)
                })
                .collect();
            let mut lines = vec![header()];
            lines.extend(named.iter().map(|(name, row)| row_texts(row, name.clone())));
            let mut table = String::new();
            write_aligned(&mut table, &lines);
            let widest = table.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            if width.is_some_and(|w| widest > w) {
                write_stacked(&mut out, &named);
            } else {
                out.push_str(&table);
            }
        }
    }
    out
}

/// Each deployment's row as a block: its name and requests, then a line per quantity.
fn write_stacked(out: &mut String, rows: &[(String, &Row)]) {
    let labels: Vec<String> = TABLE_QUANTITIES.iter().map(|q| q.label()).collect();
    let label_width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    for (name, row) in rows {
        let _ = writeln!(out, "{name}: {} requests", row.requests_text());
        for (label, cell) in labels.iter().zip(&row.cells) {
            let pad = " ".repeat(label_width - label.chars().count());
            let _ = writeln!(out, "  {label}{pad}  {}", cell_text(cell));
        }
    }
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
