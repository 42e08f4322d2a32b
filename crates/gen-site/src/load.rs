//! Reading the candidate files in parallel with the core's readers, with a progress bar for large inputs,
//! and packing those that hold results for the site. A file is read only if it is a regular file, and
//! only up to [`MAX_FILE_BYTES`]: no read blocks or goes on without end.

use crate::site::DataWriter;
use crate::walk::{not_regular, Candidate};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serving_compare::formats::{read_for_site, Found};
use serving_compare::warning::Warning;
use std::fs::OpenOptions;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;

/// The largest result file read, 16 GiB: far above what the tools write for one benchmark (an AIPerf
/// request record, the largest per request, takes about 2 KB), and a bound on what a file that keeps
/// growing makes gen-site read.
pub const MAX_FILE_BYTES: u64 = 16 << 30;

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
    let total: u64 = candidates.iter().map(|c| c.size.min(MAX_FILE_BYTES)).sum();
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
            let outcome = match read(&c) {
                Ok(bytes) => {
                    let (read, carried) = read_for_site(&c.relative, bytes);
                    let holds_results = matches!(read.found, Found::Runs(_) | Found::Part(_));
                    data.add(i, holds_results.then(|| crate::site::pack(&c.relative, &carried)));
                    (c.relative, read.found, read.warnings)
                }
                Err(warning) => {
                    data.add(i, None);
                    (c.relative, Found::Nothing, vec![warning])
                }
            };
            progress.inc(c.size.min(MAX_FILE_BYTES));
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

/// The bytes of a candidate, if it is still a regular file (it may have been replaced since the walk):
/// opened without blocking and without following a link, then checked before it is read.
fn read(candidate: &Candidate) -> Result<Vec<u8>, Warning> {
    let unreadable = |e: std::io::Error| Warning::file(&candidate.relative, format!("can't be read: {e}"));
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(&candidate.path)
        .map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(not_regular(&candidate.relative, metadata.file_type()));
    }
    let too_large = || {
        let message =
            format!("skipped: larger than {} GiB, the most gen-site reads of a result file", MAX_FILE_BYTES >> 30);
        Warning::file(&candidate.relative, message)
    };
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    // The size is a hint: the file may grow while it is read, so the read itself is bounded.
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}
