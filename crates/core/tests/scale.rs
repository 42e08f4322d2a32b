//! The analysis and the report of very many runs cost n log n: 30,000 one-row runs, at distinct loads
//! of two deployments, or each its own deployment and scenario (once quadratic: lookups by key scanned
//! every run, and tables crossed every deployment with every load).

use serving_compare::analysis::{group_runs, Analysis, Grouping, Run};
use serving_compare::charts::{ChartView, FIGURE_SWEEPS};
use serving_compare::formats::{assemble, read};
use serving_compare::inference::StatsConfig;
use serving_compare::report;
use std::time::{Duration, Instant};

const HEADER: &str = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time\n";

/// Reads, analyses and reports (Markdown and terminal) files of one row each, named by `path(i)`; returns the analysis and the time.
fn analyse(count: usize, path: impl Fn(usize) -> String) -> (Analysis, Duration) {
    let started = Instant::now();
    let mut warnings = Vec::new();
    let reads = (0..count)
        .map(|i| {
            let row = format!("{},{},0.{},1.{},1000,1002\n", 10 + i % 7, 20 + i % 5, 1 + i % 9, i % 7);
            let read = read(&path(i), format!("{HEADER}{row}").into_bytes());
            warnings.extend(read.warnings);
            (path(i), read.found)
        })
        .collect();
    let sourced = assemble(reads, &mut warnings);
    let groups = group_runs(sourced, &Grouping::default(), &mut warnings);
    let runs: Vec<Run> = groups.iter().map(Run::summarise).collect();
    let analysis = Analysis::new(runs, warnings, "results", None, StatsConfig::default()).unwrap();
    let markdown = report::markdown(&analysis, "results", &[], None);
    let terminal = report::terminal(&analysis, None, None);
    // summary.json is one pass of serde_json, whose unoptimised build here would take most of the time.
    assert!(markdown.len() > count * 100 && terminal.len() > count * 100);
    (analysis, started.elapsed())
}

#[test]
fn thirty_thousand_runs_of_two_deployments_at_distinct_loads() {
    let (analysis, took) = analyse(30_000, |i| format!("d{}/LMBench_s_{}.csv", i % 2, 1.0 + i as f64 / 1000.0));
    println!("30,000 runs at distinct loads: {took:?}");
    assert_eq!(analysis.runs.len(), 30_000);
    assert!(analysis.comparisons.is_empty(), "no load is shared");
    // Quadratic, this took minutes (with the core optimised, as in every build of the tests).
    assert!(took < Duration::from_secs(15), "{took:?}");
}

#[test]
fn thirty_thousand_runs_each_its_own_deployment_and_scenario() {
    let (analysis, took) = analyse(30_000, |i| format!("d{i}/LMBench_s{i}_{}.csv", 1 + i % 3));
    println!("30,000 deployments and scenarios: {took:?}");
    assert_eq!((analysis.deployments.len(), analysis.sweeps().len()), (30_000, 30_000));
    assert!(took < Duration::from_secs(15), "{took:?}");
    let view = ChartView::for_figures(&analysis);
    assert_eq!((view.deployments.len(), view.sweeps.len()), (10, FIGURE_SWEEPS));
}
