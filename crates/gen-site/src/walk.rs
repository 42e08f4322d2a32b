//! Finding the files that may be results under the results folder: walks folders (passing over hidden
//! ones and this tool's own output) and keeps the files whose names the readers may take.

use serving_compare::discovery::{skip_folder, OUTPUT_MARKER};
use serving_compare::formats::is_candidate;
use serving_compare::warning::Warning;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// A file to read.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Relative to the results folder, `/`-separated.
    pub relative: String,
    pub path: PathBuf,
    pub size: u64,
}

/// The files found, sorted by relative path, and warnings about folders that could not be walked.
#[derive(Debug, Default)]
pub struct Walked {
    pub candidates: Vec<Candidate>,
    pub warnings: Vec<Warning>,
}

/// Walks `root`. `skip` is a folder (canonical) never to enter: the output folder.
pub fn find_results(root: &Path, skip: Option<&Path>) -> Walked {
    let mut found = Walked::default();
    let mut visited = HashSet::new();
    walk(root, "", skip, &mut visited, &mut found);
    found.candidates.sort_by(|a, b| a.relative.cmp(&b.relative));
    found
}

fn walk(folder: &Path, relative: &str, skip: Option<&Path>, visited: &mut HashSet<PathBuf>, found: &mut Walked) {
    let shown = if relative.is_empty() { ".".to_string() } else { relative.to_string() };
    // Following links is useful (results folders are often assembled from links) but must not loop.
    match fs::canonicalize(folder) {
        Ok(canonical) if skip == Some(canonical.as_path()) => return,
        Ok(canonical) => {
            if !visited.insert(canonical) {
                return;
            }
        }
        Err(e) => {
            found.warnings.push(Warning::file(shown, format!("folder skipped: {e}")));
            return;
        }
    }
    if !relative.is_empty() && folder.join(OUTPUT_MARKER).exists() {
        return;
    }
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) => {
            found.warnings.push(Warning::file(shown, format!("folder skipped, can't be read: {e}")));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = if relative.is_empty() { name.clone() } else { format!("{relative}/{name}") };
        let path = entry.path();
        let metadata = match fs::metadata(&path) {
            Ok(metadata) => metadata,
            Err(e) => {
                found.warnings.push(Warning::file(child, format!("skipped, can't be read: {e}")));
                continue;
            }
        };
        if metadata.is_dir() {
            if !skip_folder(&name) {
                walk(&path, &child, skip, visited, found);
            }
            continue;
        }
        if is_candidate(&name) {
            found.candidates.push(Candidate { relative: child, path, size: metadata.len() });
        }
    }
}
