//! Reading the candidate files in parallel with the core's readers, with a progress bar for large inputs,
//! and packing those that hold results for the site. A file is read only if it is a regular file, and
//! only up to [`MAX_FILE_BYTES`]: no read blocks or goes on without end. Files that can be are read a
//! slice at a time (AIPerf's JSON lines, which run to gigabytes), others whole.

use crate::site::{DataWriter, Packer, PIECE};
use crate::walk::{not_regular, Candidate};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serving_compare::bundle::PackedFile;
use serving_compare::formats::{read_for_site, FileRead, Found, Lines};
use serving_compare::warning::Warning;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek};
use std::os::unix::fs::OpenOptionsExt;

/// The largest result file read, 16 GiB: far above what the tools write for one benchmark (an AIPerf
/// request record, the largest per request, takes about 2 KB), and a bound on what a file that keeps
/// growing makes gen-site read.
pub const MAX_FILE_BYTES: u64 = 16 << 30;

/// Inputs smaller than this load too fast for a progress bar to help.
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

/// The slices a file is read in.
const SLICE: usize = 1 << 20;

/// What loading found.
pub struct Loaded {
    /// What each file holds, by relative path, in path order.
    pub reads: Vec<(String, Found)>,
    /// Every problem met reading the files.
    pub warnings: Vec<Warning>,
}

/// Reads and parses every candidate, and puts those that hold results (or parts of them), compressed,
/// into the site's data, which reads them again. Each file's bytes are dropped once parsed and
/// compressed, so memory holds what was read and only as many raw files as threads. The files are taken
/// in their order, so that those read ahead of data.js's next file, which wait for it, are few.
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
    let mut outcomes: Vec<(usize, String, Found, Vec<Warning>)> = candidates
        .into_iter()
        .enumerate()
        .par_bridge()
        .map(|(i, c)| {
            let outcome = match read(&c) {
                Ok((read, packed)) => {
                    data.add(i, packed);
                    (i, c.relative, read.found, read.warnings)
                }
                Err(warning) => {
                    data.add(i, None);
                    (i, c.relative, Found::Nothing, vec![warning])
                }
            };
            progress.inc(c.size.min(MAX_FILE_BYTES));
            outcome
        })
        .collect();
    progress.finish_and_clear();
    outcomes.sort_unstable_by_key(|outcome| outcome.0);
    let mut loaded = Loaded { reads: Vec::new(), warnings: Vec::new() };
    for (_, relative, found, mut warnings) in outcomes {
        loaded.reads.push((relative, found));
        loaded.warnings.append(&mut warnings);
    }
    loaded
}

/// What a candidate holds, and (if it holds results) the file the site carries instead, compressed: read
/// a slice at a time where its format allows, else whole.
fn read(candidate: &Candidate) -> Result<(FileRead, Option<PackedFile>), Warning> {
    let path = &candidate.relative;
    let (file, size) = open(candidate)?;
    let unreadable = |e: std::io::Error| Warning::file(path, format!("can't be read: {e}"));
    let mut slice = vec![0; SLICE.min(size as usize + 1)];
    let mut reader = (&file).take(MAX_FILE_BYTES + 1);
    let mut length = fill(&mut reader, &mut slice).map_err(unreadable)?;
    if let Some(mut lines) = Lines::start(path, &slice[..length]) {
        let mut packer = Packer::new();
        let mut total = length;
        let mut going = lines.push(&slice[..length]);
        while going && length > 0 {
            let carried = lines.carried();
            if carried.len() >= PIECE {
                packer.piece(carried.as_bytes());
                carried.clear();
            }
            length = fill(&mut reader, &mut slice).map_err(unreadable)?;
            total += length;
            going = lines.push(&slice[..length]);
        }
        if total as u64 > MAX_FILE_BYTES {
            return Err(too_large(path));
        }
        if let Some((read, rest)) = if going { lines.finish() } else { None } {
            if !rest.is_empty() {
                packer.piece(rest.as_bytes());
            }
            return Ok((read, Some(packer.finish(path))));
        }
        // Read whole after all, from the start.
        (&file).rewind().map_err(unreadable)?;
        reader = (&file).take(MAX_FILE_BYTES + 1);
        length = 0;
    }
    // The size is a hint: the file may grow while it is read, so the read itself is bounded.
    let mut bytes = Vec::with_capacity(size as usize);
    bytes.extend_from_slice(&slice[..length]);
    drop(slice);
    reader.read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(path));
    }
    let (read, carried) = read_for_site(path, bytes);
    let holds_results = matches!(read.found, Found::Runs(_) | Found::Part(_));
    let packed = holds_results.then(|| crate::site::pack(path, &carried));
    Ok((read, packed))
}

/// Reads into `buffer` until it is full or the file ends; how much was read.
fn fill(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut length = 0;
    while length < buffer.len() {
        match reader.read(&mut buffer[length..]) {
            Ok(0) => break,
            Ok(n) => length += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(length)
}

fn too_large(path: &str) -> Warning {
    let message =
        format!("skipped: larger than {} GiB, the most gen-site reads of a result file", MAX_FILE_BYTES >> 30);
    Warning::file(path, message)
}

/// A candidate opened, with its size, if it is still a regular file (it may have been replaced since the
/// walk): opened without blocking and without following a link, then checked before it is read.
fn open(candidate: &Candidate) -> Result<(File, u64), Warning> {
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
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large(&candidate.relative));
    }
    Ok((file, metadata.len()))
}
