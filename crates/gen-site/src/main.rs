//! gen-site: reads a folder of LLM benchmark results (LMBench, vLLM, SGLang, GuideLLM, inference-perf,
//! AIPerf, llm-d benchmark reports) and writes the comparison report (summary.json, README.md, plots) and
//! site into an output folder, with the comparison table on stdout.

mod load;
mod output;
mod plots;
mod site;
mod walk;

use clap::{Parser, ValueEnum};
use output::Staging;
use rayon::prelude::*;
use serving_compare::analysis::{group_runs, Analysis, Grouping, Run};
use serving_compare::bundle::Options;
use serving_compare::charts::{ChartView, Figure};
use serving_compare::discovery::DeploymentBy;
use serving_compare::formats::assemble;
use serving_compare::warning::Warning;
use serving_compare::{report, summary, text};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Compare LLM-serving deployments from their benchmark results: writes summary.json, a Markdown report,
/// plots and an interactive site into OUT, and prints the comparison table.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// The results folder: one folder per deployment holding the result files of LMBench, vLLM bench,
    /// SGLang bench_serving, GuideLLM, inference-perf, AIPerf or llm-d benchmark reports, at any depth.
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
    /// How deployments are named: by the folder holding their results, or by the model or the target URL
    /// their files record.
    #[arg(long, value_enum, default_value_t = NameBy::Folder)]
    deployment_by: NameBy,
    /// Put every run in this scenario, whatever the files name: for results of one workload written by
    /// tools that name it differently.
    #[arg(long, value_name = "NAME")]
    scenario: Option<String>,
}

/// `--deployment-by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum NameBy {
    Folder,
    Model,
    Target,
}

impl From<NameBy> for DeploymentBy {
    fn from(by: NameBy) -> DeploymentBy {
        match by {
            NameBy::Folder => DeploymentBy::Folder,
            NameBy::Model => DeploymentBy::Model,
            NameBy::Target => DeploymentBy::Target,
        }
    }
}

const GENERATOR: &str = concat!("gen-site ", env!("CARGO_PKG_VERSION"));

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {}", text::terminal(&message));
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

    let walked = walk::find_results(results, Some(&out_canonical));
    let mut warnings = walked.warnings;
    if walked.candidates.is_empty() {
        report_warnings(&warnings);
        return Err(format!(
            "no result files in `{}`: expected the CSV, JSON, JSON lines or YAML files of LMBench, vLLM bench, \
             SGLang bench_serving, GuideLLM, inference-perf, AIPerf or llm-d benchmark reports",
            results.display()
        ));
    }
    let root_label =
        results_canonical.file_name().map_or_else(|| "results".to_string(), |n| n.to_string_lossy().into_owned());
    let data_failed = |e: std::io::Error| format!("{}: {e}", site::DATA_FILE);
    let data_path = staging.path(site::DATA_FILE).map_err(data_failed)?;
    let data = site::DataWriter::create(&data_path, &root_label, GENERATOR).map_err(data_failed)?;
    let loaded = load::load(walked.candidates, std::io::stderr().is_terminal(), &data);
    warnings.extend(loaded.warnings);
    let sourced = assemble(loaded.reads, &mut warnings);
    let grouping = Grouping { deployment_by: args.deployment_by.into(), scenario: args.scenario.clone() };
    let groups = group_runs(sourced, &grouping, &mut warnings);
    serving_compare::warning::sort(&mut warnings);
    report_warnings(&warnings);
    let runs: Vec<Run> = groups.par_iter().map(Run::summarise).collect();
    drop(groups);
    let analysis = Analysis::new(runs, warnings, &root_label, args.baseline.as_deref())?;

    let mut written = write_report(&staging, &analysis, &root_label)?;
    let options = Options {
        deployment_by: grouping.deployment_by.key(),
        scenario: grouping.scenario.clone(),
        baseline: analysis.baseline.clone(),
    };
    written.extend(write_site(&staging, &root_label, &options, data, &analysis.warnings)?);
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

/// Prints the warnings on stderr, names from the input escaped so that they can't act on the terminal.
fn report_warnings(warnings: &[Warning]) {
    let mut stderr = std::io::stderr().lock();
    for warning in warnings {
        let _ = writeln!(stderr, "warning: {}", text::terminal(&warning.to_string()));
    }
}

/// Stages the site's files, ending data.js; returns their relative paths.
fn write_site(
    staging: &Staging,
    title: &str,
    options: &Options,
    data: site::DataWriter,
    warnings: &[Warning],
) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for (relative, bytes) in site::code_files(title) {
        staging.write(&relative, &bytes).map_err(|e| format!("{relative}: {e}"))?;
        written.push(relative);
    }
    let failed = |e: std::io::Error| format!("{}: {e}", site::DATA_FILE);
    data.finish(options, warnings).map_err(failed)?;
    written.push(site::DATA_FILE.to_string());
    Ok(written)
}

/// Stages the report's files; returns their relative paths.
fn write_report(staging: &Staging, analysis: &Analysis, title: &str) -> Result<Vec<String>, String> {
    let view = ChartView::for_figures(analysis);
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
