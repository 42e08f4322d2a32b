//! gen-site: reads a folder of LLM benchmark results (LMBench, vLLM, SGLang, GuideLLM, inference-perf,
//! AIPerf, llm-d benchmark reports) and writes the comparison report (summary.json, README.md, plots) and
//! site into an output folder, with the comparison table on stdout.

mod deflate;
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
use serving_compare::findings::key_findings;
use serving_compare::formats::assemble;
use serving_compare::inference::{Estimates, Multiplicity, State, StatsConfig};
use serving_compare::slo::{Slo, SloReport};
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
    /// Output folder; created if needed. Refused if it holds files gen-site did not write, result files,
    /// or the results folder.
    #[arg(short, long, default_value = "gen-site-out")]
    out: PathBuf,
    /// Baseline deployment, by folder id (e.g. standalone/vllm) or label (vllm). Default: the deployment
    /// under a top-level folder named `standalone`, else the first by id.
    #[arg(long)]
    baseline: Option<String>,
    /// Write into OUT even if it holds files gen-site did not write: beside them, never over them.
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
    /// Confidence level of every interval, between 0.5 and 1 (e.g. 0.95 or 0.99).
    #[arg(long, default_value_t = 0.95, value_parser = fraction_between(0.5, 0.9999))]
    confidence: f64,
    /// Changes within ± this fraction count as noise: a change is better or worse only when its
    /// interval lies beyond it, the same only when its interval lies within it.
    #[arg(long, default_value_t = 0.05, value_parser = fraction_between(0.0001, 0.9))]
    noise_threshold: f64,
    /// Seed of the bootstrap's random streams: the same seed and inputs give the same report.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Bootstrap replicates per interval.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(100..=1_000_000))]
    resamples: u32,
    /// Correction for the many changes of one report: Benjamini–Hochberg (false discovery rate 5 %),
    /// Holm (family-wise error rate 5 %), or none.
    #[arg(long, value_enum, default_value_t = Correction::Bh)]
    multiplicity: Correction,
    /// Exit with status 3 when a change is worse (and `unstable`: when a run never reached a steady
    /// state), after writing the report: for gating a pipeline on a regression.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATE")]
    fail_on: Vec<FailOn>,
    /// Service-level objectives per request, any of ttft, tpot, e2el and itl, in ms or s: e.g.
    /// `ttft=200ms,tpot=50ms`. A request is good when it succeeded within every one; the report then
    /// gives each run's share of good requests and each deployment's capacity.
    #[arg(long, value_name = "METRIC=TIME,...")]
    slo: Option<String>,
    /// The share of attempted requests that must be good for a load to pass the SLO.
    #[arg(long, default_value_t = 0.9, value_parser = fraction_between(0.01, 1.0))]
    attainment: f64,
}

/// `--multiplicity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Correction {
    Bh,
    Holm,
    None,
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Worse,
    Unstable,
}

/// A parser of a fraction within bounds.
fn fraction_between(low: f64, high: f64) -> impl Fn(&str) -> Result<f64, String> + Clone {
    move |text: &str| {
        let value: f64 = text.trim().parse().map_err(|_| format!("`{text}` is not a number"))?;
        if (low..=high).contains(&value) {
            Ok(value)
        } else {
            Err(format!("{value} is not between {low} and {high}"))
        }
    }
}

impl Args {
    fn stats_config(&self) -> StatsConfig {
        StatsConfig {
            confidence: self.confidence,
            noise_threshold: self.noise_threshold,
            multiplicity: match self.multiplicity {
                Correction::Bh => Multiplicity::Bh,
                Correction::Holm => Multiplicity::Holm,
                Correction::None => Multiplicity::None,
            },
            resamples: self.resamples as usize,
            seed: self.seed,
            ..StatsConfig::default()
        }
    }
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
    keep_freed_memory();
    let args = Args::parse();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {}", text::terminal(&message));
            ExitCode::FAILURE
        }
    }
}

/// Has glibc's allocator keep 256 MiB of freed memory at the top of each heap for what is allocated next
/// (`M_TOP_PAD`), rather than give it back to the system and fault it in again, a page at a time: on 1M
/// requests, the kernel's time 0.16 -> 0.13 s (LMBench CSVs), 0.53 -> 0.35 s (vLLM), 0.70 -> 0.49 s
/// (AIPerf), for 6-17 MiB more at the peak. (The container's musl binary allocates as it does.)
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt sets a parameter of the allocator, before any other thread is started.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 256 << 20);
    }
}

fn run(args: &Args) -> Result<ExitCode, String> {
    let started = Instant::now();
    let results = &args.results;
    if !results.is_dir() {
        return Err(format!("the results folder `{}` does not exist or is not a folder", results.display()));
    }
    let slo = Slo::parse(args.slo.as_deref().unwrap_or(""), args.attainment).map_err(|e| format!("--slo: {e}"))?;
    let results_canonical = results.canonicalize().map_err(|e| format!("`{}`: {e}", results.display()))?;
    let staging = Staging::begin(&args.out, &results_canonical, args.force)?;
    let out_id = std::fs::metadata(&args.out).ok().map(|m| walk::FolderId::of(&m));

    let walked = walk::find_results(results, &results_canonical, out_id);
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
        results_canonical.file_name().map_or_else(|| "results".to_string(), |n| walk::shown_name(n).into_owned());
    let data_failed = |e: std::io::Error| format!("{}: {e}", site::DATA_FILE);
    let data_path = staging.path(site::DATA_FILE).map_err(data_failed)?;
    let data = site::DataWriter::create(&data_path, &root_label, GENERATOR).map_err(data_failed)?;
    let loaded = load::load(walked.candidates, std::io::stderr().is_terminal(), &data);
    warnings.extend(loaded.warnings);
    let sourced = assemble(loaded.reads, &mut warnings);
    let grouping = Grouping { deployment_by: args.deployment_by.into(), scenario: args.scenario.clone() };
    let groups = group_runs(sourced, &grouping, &mut warnings);
    // Each group's requests are freed as soon as it is summarised, by its thread: freeing them all after
    // (hundreds of MB) held the main thread before the analysis, while the others idled.
    let runs: Vec<Run> = groups.into_par_iter().map(|group| Run::summarise_for(&group, slo.is_set())).collect();
    let config = args.stats_config();
    let uncompared = match Analysis::uncompared(runs, warnings.clone(), &root_label, args.baseline.as_deref(), config) {
        Ok(analysis) => analysis,
        Err(message) => {
            serving_compare::warning::sort(&mut warnings);
            report_warnings(&warnings);
            return Err(message);
        }
    };
    report_warnings(&uncompared.warnings);

    // The plots need no comparison: they are drawn while the comparisons' intervals (their bootstraps) are
    // computed, in shares that keep every core busy to the end (one share, the comparisons took one core
    // alone for the last 20-25 ms on 1M requests).
    let (analysis, plots) = rayon::join(
        || {
            let parts = 2 * rayon::current_num_threads();
            let shares: Vec<Estimates> = (0..parts)
                .into_par_iter()
                .map(|part| uncompared.prepare_share(&uncompared.baseline, &config, part, parts))
                .collect();
            for share in shares {
                uncompared.add_prepared(share, &config);
            }
            uncompared.with_settings(&uncompared.baseline, config)
        },
        || write_plots(&staging, &uncompared),
    );
    drop(uncompared);
    let plots = plots?;
    let slo_report = slo.is_set().then(|| SloReport::of(&analysis, &slo));
    let mut written = write_texts(&staging, &analysis, slo_report.as_ref(), &root_label)?;
    written.extend(plots);
    let options = Options {
        deployment_by: grouping.deployment_by.key(),
        scenario: grouping.scenario.clone(),
        baseline: analysis.baseline.clone(),
        stats: analysis.config,
        slo,
    };
    let findings = key_findings(&analysis, slo_report.as_ref());
    written.extend(write_site(&staging, &root_label, &findings, &options, data, &analysis.warnings)?);
    staging.commit(&written)?;

    let mut stdout = std::io::stdout().lock();
    // On a terminal, tables fit its width; piped, they are whole.
    let width = terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0));
    let _ = stdout.write_all(report::terminal(&analysis, width, slo_report.as_ref()).as_bytes());
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
    let failing = failing_states(&analysis, &args.fail_on);
    if !failing.is_empty() {
        eprintln!("error: --fail-on: {}", failing.join("; "));
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

/// What `--fail-on` finds in the analysis, counted in words; empty when nothing.
fn failing_states(analysis: &Analysis, fail_on: &[FailOn]) -> Vec<String> {
    let mut found = Vec::new();
    if fail_on.contains(&FailOn::Worse) {
        let worse = analysis.comparisons.iter().flat_map(|c| &c.changes).filter(|c| c.verdict == State::Worse).count();
        if worse > 0 {
            found.push(format!("{} worse than the baseline", text::count(worse, "change")));
        }
    }
    if fail_on.contains(&FailOn::Unstable) {
        let unstable = analysis.runs.iter().filter(|r| r.evidence.unstable()).count();
        if unstable > 0 {
            found.push(format!("{} not at a steady state", text::count(unstable, "run")));
        }
    }
    found
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
    findings: &[String],
    options: &Options,
    data: site::DataWriter,
    warnings: &[Warning],
) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for (relative, bytes) in site::code_files(title, findings) {
        staging.write(&relative, &bytes).map_err(|e| format!("{relative}: {e}"))?;
        written.push(relative);
    }
    let failed = |e: std::io::Error| format!("{}: {e}", site::DATA_FILE);
    data.finish(options, warnings).map_err(failed)?;
    written.push(site::DATA_FILE.to_string());
    Ok(written)
}

/// Stages the report's plots; returns their relative paths.
fn write_plots(staging: &Staging, analysis: &Analysis) -> Result<Vec<String>, String> {
    let view = ChartView::for_figures(analysis);
    Figure::ALL
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
        .collect()
}

/// Stages the report's texts (summary.json, README.md); returns their relative paths.
fn write_texts(
    staging: &Staging,
    analysis: &Analysis,
    slo: Option<&SloReport>,
    title: &str,
) -> Result<Vec<String>, String> {
    let captions: Vec<(String, &str)> =
        Figure::ALL.iter().map(|f| (format!("plots/{}.png", f.file_stem()), f.title())).collect();
    let captions: Vec<(&str, &str)> = captions.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let texts = [
        ("summary.json".to_string(), summary::to_json(analysis, slo, GENERATOR)),
        ("README.md".to_string(), report::markdown(analysis, title, &captions, slo)),
    ];
    for (relative, text) in &texts {
        staging.write(relative, text.as_bytes()).map_err(|e| format!("{relative}: {e}"))?;
    }
    Ok(texts.into_iter().map(|(relative, _)| relative).collect())
}
