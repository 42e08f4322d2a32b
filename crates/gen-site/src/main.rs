//! gen-site: reads a folder of LMBench results and writes the comparison report (summary.json,
//! README.md, plots) into an output folder, with the comparison table on stdout.

mod load;
mod output;
mod plots;
mod site;
mod walk;

use clap::Parser;
use output::Staging;
use rayon::prelude::*;
use serving_compare::analysis::{group_runs, Analysis, Run};
use serving_compare::bundle::PackedFile;
use serving_compare::charts::{ChartView, Figure};
use serving_compare::warning::Warning;
use serving_compare::{report, summary, text};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Compare LLM-serving deployments from their LMBench results: writes summary.json, a Markdown report
/// and plots into OUT, and prints the comparison table.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// The results folder: one folder per deployment holding LMBench_<scenario>_<qps>.csv or
    /// LMBench_<scenario>_qps<qps>.csv files, at any depth.
    results: PathBuf,
    /// Output folder; created if needed. Refused if it holds files gen-site did not write.
    #[arg(short, long, default_value = "gen-site-out")]
    out: PathBuf,
    /// Baseline deployment, by folder id (e.g. standalone/vllm) or label (vllm). Default: the deployment
    /// under a top-level folder named `standalone`, else the first by id.
    #[arg(long)]
    baseline: Option<String>,
    /// Write into OUT even if it holds files gen-site did not write (they are left alone).
    #[arg(long)]
    force: bool,
    /// Exit with an error status if any input problem was found (the report is still written).
    #[arg(long)]
    strict: bool,
}

const GENERATOR: &str = concat!("gen-site ", env!("CARGO_PKG_VERSION"));

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<ExitCode, String> {
    let started = Instant::now();
    let results = &args.results;
    if !results.is_dir() {
        return Err(format!("the results folder `{}` does not exist or is not a folder", results.display()));
    }
    let results_canonical = results.canonicalize().map_err(|e| format!("`{}`: {e}", results.display()))?;
    let out_canonical = args.out.canonicalize().ok();
    if out_canonical.as_deref() == Some(results_canonical.as_path()) {
        return Err("the output folder is the results folder; choose another with -o".to_string());
    }
    let staging = Staging::begin(&args.out, args.force)?;
    let out_canonical = args.out.canonicalize().map_err(|e| format!("`{}`: {e}", args.out.display()))?;

    let found = walk::find_results(results, Some(&out_canonical));
    let mut warnings = found.warnings;
    if found.candidates.is_empty() {
        report_warnings(&warnings);
        return Err(format!(
            "no result files in `{}`: expected files named LMBench_<scenario>_<qps>.csv or LMBench_<scenario>_qps<qps>.csv",
            results.display()
        ));
    }
    let loaded = load::load(found.candidates, std::io::stderr().is_terminal());
    // Problems met before parsing, which the site's viewer can't find by itself.
    warnings.extend(loaded.read_warnings);
    let site_warnings = warnings.clone();
    warnings.extend(loaded.parse_warnings);
    warnings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    report_warnings(&warnings);

    let groups = group_runs(&loaded.files);
    let runs: Vec<Run> = groups.par_iter().filter_map(|(key, members)| Run::summarise(key, members)).collect();
    drop(groups);
    drop(loaded.files);
    let root_label =
        results_canonical.file_name().map_or_else(|| "results".to_string(), |n| n.to_string_lossy().into_owned());
    let analysis = Analysis::new(runs, warnings, &root_label, args.baseline.as_deref())?;

    let mut written = write_report(&staging, &analysis, &root_label)?;
    written.extend(write_site(&staging, &root_label, &loaded.packed, &site_warnings)?);
    staging.commit(&written).map_err(|e| format!("can't write into `{}`: {e}", args.out.display()))?;

    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(report::terminal(&analysis).as_bytes());
    let _ = stdout.flush();
    eprintln!(
        "wrote {} ({}, {}, {}) in {:.2} s",
        args.out.join("README.md").display(),
        text::count(analysis.runs.len(), "run"),
        text::count(analysis.total_requests(), "request"),
        text::count(analysis.warnings.len(), "warning"),
        started.elapsed().as_secs_f64()
    );
    if args.strict && !analysis.warnings.is_empty() {
        eprintln!("error: {} input problems and --strict", analysis.warnings.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn report_warnings(warnings: &[Warning]) {
    let mut stderr = std::io::stderr().lock();
    for warning in warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
}

/// Stages the site's files; returns their relative paths.
fn write_site(
    staging: &Staging,
    title: &str,
    packed: &[PackedFile],
    warnings: &[Warning],
) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for (relative, bytes) in site::code_files(title) {
        staging.write(&relative, &bytes).map_err(|e| format!("{relative}: {e}"))?;
        written.push(relative);
    }
    let failed = |e: std::io::Error| format!("{}: {e}", site::DATA_FILE);
    site::write_data(&staging.path(site::DATA_FILE).map_err(failed)?, title, GENERATOR, packed, warnings)
        .map_err(failed)?;
    written.push(site::DATA_FILE.to_string());
    Ok(written)
}

/// Stages the report's files; returns their relative paths.
fn write_report(staging: &Staging, analysis: &Analysis, title: &str) -> Result<Vec<String>, String> {
    let view = ChartView::all(analysis);
    let plot_files: Vec<String> = Figure::ALL
        .par_iter()
        .flat_map(|&figure| {
            let stem = figure.file_stem();
            [(figure, format!("plots/{stem}.png")), (figure, format!("plots/{stem}.svg"))]
        })
        .map(|(figure, relative)| {
            let failed = |e: String| format!("{relative}: {e}");
            if relative.ends_with(".png") {
                let path = staging.path(&relative).map_err(|e| failed(e.to_string()))?;
                plots::png(figure, analysis, &view, &path).map_err(failed)?;
            } else {
                let svg = plots::svg(figure, analysis, &view).map_err(failed)?;
                staging.write(&relative, svg.as_bytes()).map_err(|e| failed(e.to_string()))?;
            }
            Ok(relative)
        })
        .collect::<Result<_, String>>()?;
    let captions: Vec<(String, &str)> =
        Figure::ALL.iter().map(|f| (format!("plots/{}.png", f.file_stem()), f.title())).collect();
    let captions: Vec<(&str, &str)> = captions.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let texts = [
        ("summary.json".to_string(), summary::to_json(analysis, GENERATOR)),
        ("README.md".to_string(), report::markdown(analysis, title, &captions)),
    ];
    for (relative, text) in &texts {
        staging.write(relative, text.as_bytes()).map_err(|e| format!("{relative}: {e}"))?;
    }
    Ok(texts.into_iter().map(|(relative, _)| relative).chain(plot_files).collect())
}
