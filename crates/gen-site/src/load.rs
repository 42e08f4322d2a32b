//! Reading and parsing the result files in parallel, with a progress bar for large inputs.

use crate::walk::Candidate;
use indicatif::{ProgressBar, ProgressStyle};
use lmbench_compare::analysis::ResultFile;
use lmbench_compare::parse::parse_csv;
use lmbench_compare::warning::Warning;
use rayon::prelude::*;
use std::fs;

/// Inputs smaller than this load too fast for a progress bar to help.
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

/// Parses every candidate. Each file is read, parsed and its bytes dropped before the next, so memory
/// holds the parsed requests and only as many raw files as there are threads.
pub fn load(candidates: Vec<Candidate>, show_progress: bool) -> (Vec<ResultFile>, Vec<Warning>) {
    let total: u64 = candidates.iter().map(|c| c.size).sum();
    let progress = if show_progress && total >= PROGRESS_MIN_BYTES {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{spinner} reading results {bar:30} {bytes}/{total_bytes} ({eta})")
                .expect("the template is valid"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let outcomes: Vec<Result<ResultFile, Warning>> = candidates
        .into_par_iter()
        .map(|c| {
            let outcome = match fs::read(&c.path) {
                Ok(bytes) => {
                    parse_csv(&c.relative, &bytes).map(|parsed| ResultFile { path: c.relative, key: c.key, parsed })
                }
                Err(e) => Err(Warning::file(c.relative, format!("can't be read: {e}"))),
            };
            progress.inc(c.size);
            outcome
        })
        .collect();
    progress.finish_and_clear();
    let mut files = Vec::with_capacity(outcomes.len());
    let mut warnings = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(mut file) => {
                warnings.append(&mut file.parsed.warnings);
                files.push(file);
            }
            Err(warning) => warnings.push(warning),
        }
    }
    (files, warnings)
}
