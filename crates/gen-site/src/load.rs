//! Reading and parsing the result files in parallel, with a progress bar for large inputs.

use crate::walk::Candidate;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serving_compare::analysis::ResultFile;
use serving_compare::bundle::PackedFile;
use serving_compare::parse::parse_csv;
use serving_compare::warning::Warning;
use std::fs;

/// Inputs smaller than this load too fast for a progress bar to help.
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

/// What loading found.
pub struct Loaded {
    pub files: Vec<ResultFile>,
    /// Every file that could be read, compressed for the site.
    pub packed: Vec<PackedFile>,
    /// Files that could not be read: the site's viewer can't find these problems itself.
    pub read_warnings: Vec<Warning>,
    pub parse_warnings: Vec<Warning>,
}

enum Outcome {
    /// The file, packed for the site, and parsed (or why it can't be used).
    Read(PackedFile, Result<ResultFile, Warning>),
    Unreadable(Warning),
}

/// Reads, parses and packs every candidate. Each file's bytes are dropped once parsed and compressed,
/// so memory holds the parsed requests, the compressed files, and only as many raw files as threads.
pub fn load(candidates: Vec<Candidate>, show_progress: bool) -> Loaded {
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
    let outcomes: Vec<Outcome> = candidates
        .into_par_iter()
        .map(|c| {
            let outcome = match fs::read(&c.path) {
                Ok(bytes) => {
                    let parsed = parse_csv(&c.relative, &bytes);
                    let packed = PackedFile::pack(&c.relative, &bytes);
                    Outcome::Read(packed, parsed.map(|parsed| ResultFile { path: c.relative, key: c.key, parsed }))
                }
                Err(e) => Outcome::Unreadable(Warning::file(c.relative, format!("can't be read: {e}"))),
            };
            progress.inc(c.size);
            outcome
        })
        .collect();
    progress.finish_and_clear();
    let mut loaded =
        Loaded { files: Vec::new(), packed: Vec::new(), read_warnings: Vec::new(), parse_warnings: Vec::new() };
    for outcome in outcomes {
        match outcome {
            Outcome::Read(packed, parsed) => {
                loaded.packed.push(packed);
                match parsed {
                    Ok(mut file) => {
                        loaded.parse_warnings.append(&mut file.parsed.warnings);
                        loaded.files.push(file);
                    }
                    Err(warning) => loaded.parse_warnings.push(warning),
                }
            }
            Outcome::Unreadable(warning) => loaded.read_warnings.push(warning),
        }
    }
    loaded
}
