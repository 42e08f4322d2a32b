//! Reading the candidate files in parallel with the core's readers, with a progress bar for large inputs,
//! and packing those that hold results for the site.

use crate::site::DataWriter;
use crate::walk::Candidate;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serving_compare::formats::{read_for_site, Found};
use serving_compare::warning::Warning;
use std::fs;

/// Inputs smaller than this load too fast for a progress bar to help.
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

/// What loading found.
pub struct Loaded {
    /// What each file holds, by relative path, in path order.
    pub reads: Vec<(String, Found)>,
    /// Every problem met reading the files.
    pub warnings: Vec<Warning>,
}

/// Reads and parses every candidate, and puts those that hold results (or parts of them), compressed,
/// into the site's data, which reads them again. Each file's bytes are dropped once parsed and
/// compressed, so memory holds what was read and only as many raw files as threads.
pub fn load(candidates: Vec<Candidate>, show_progress: bool, data: &DataWriter) -> Loaded {
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
    let outcomes: Vec<(String, Found, Vec<Warning>)> = candidates
        .into_par_iter()
        .enumerate()
        .map(|(i, c)| {
            let outcome = match fs::read(&c.path) {
                Ok(bytes) => {
                    let (read, carried) = read_for_site(&c.relative, bytes);
                    let holds_results = matches!(read.found, Found::Runs(_) | Found::Part(_));
                    data.add(i, holds_results.then(|| crate::site::pack(&c.relative, &carried)));
                    (c.relative, read.found, read.warnings)
                }
                Err(e) => {
                    data.add(i, None);
                    let warning = Warning::file(&c.relative, format!("can't be read: {e}"));
                    (c.relative, Found::Nothing, vec![warning])
                }
            };
            progress.inc(c.size);
            outcome
        })
        .collect();
    progress.finish_and_clear();
    let mut loaded = Loaded { reads: Vec::new(), warnings: Vec::new() };
    for (relative, found, mut warnings) in outcomes {
        loaded.reads.push((relative, found));
        loaded.warnings.append(&mut warnings);
    }
    loaded
}
