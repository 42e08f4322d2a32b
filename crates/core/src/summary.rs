//! summary.json: the analysis for machines and CI. Field names and shape are a promise (schema_version 2;
//! the README lists the changes from 1); new fields may be added.

use crate::analysis::{Analysis, Deployment, Run};
use crate::compare::Comparison;
use crate::warning::Warning;
use serde::Serialize;

pub const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
struct SummaryJson<'a> {
    schema_version: u32,
    generator: &'a str,
    baseline: &'a str,
    deployments: &'a [Deployment],
    scenarios: Vec<&'a str>,
    total_requests: usize,
    failed_requests: usize,
    skipped_rows: usize,
    runs: &'a [Run],
    comparisons: &'a [Comparison],
    warnings: &'a [Warning],
}

/// The analysis as pretty-printed JSON. `generator` names the program and version that made it.
pub fn to_json(analysis: &Analysis, generator: &str) -> String {
    let summary = SummaryJson {
        schema_version: SCHEMA_VERSION,
        generator,
        baseline: &analysis.baseline,
        deployments: &analysis.deployments,
        scenarios: analysis.scenarios(),
        total_requests: analysis.total_requests(),
        failed_requests: analysis.total_failed(),
        skipped_rows: analysis.total_skipped_rows(),
        runs: &analysis.runs,
        comparisons: &analysis.comparisons,
        warnings: &analysis.warnings,
    };
    let mut json = serde_json::to_string_pretty(&summary).expect("the summary has only string keys and numbers");
    json.push('\n');
    json
}
