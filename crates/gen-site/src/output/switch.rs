//! Moving a staged output into place. The staging folder's marker is the journal: once every file is
//! staged it lists them, atomically (written aside, then renamed), and from then on the switch is
//! decided. A run stopped before that leaves the previous output untouched (its staging folder is
//! cleared by the next run); one stopped after it leaves the rest of the switch to the next run, which
//! finishes it before anything else. Every step can be done again, so a run stopped while finishing
//! another's is finished in turn.

use super::place::{self, kind, Place};
use serving_compare::discovery::OUTPUT_MARKER;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;

/// Where the journal is written before it is renamed to the staging folder's marker.
const JOURNAL_ASIDE: &str = ".gen-site-output.next";

/// Decides the switch to the files staged in `staging`: from now on it is the next run's to finish if
/// this one stops.
pub fn decide(staging: &Path, files: &[String]) -> io::Result<()> {
    let aside = staging.join(JOURNAL_ASIDE);
    super::marker::write(&aside, files)?;
    fs::rename(aside, staging.join(OUTPUT_MARKER))
}

/// What stands in `out` where a staged file (of `files`, those still in `staging`) would go, and is not
/// one of `ours` (the previous output's files): a file or link gen-site did not write, or a link or file
/// where it needs a folder; each shown as `` `README.md` `` or `` `plots` (a link) ``.
pub fn obstacles(out: &Path, staging: &Path, ours: &HashSet<&str>, files: &[String]) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    for relative in files {
        if !is_staged(staging, relative)? {
            continue;
        }
        let obstacle = match place::look(out, relative)? {
            Place::Absent => continue,
            Place::Found(metadata) if metadata.is_file() && ours.contains(relative.as_str()) => continue,
            Place::Found(metadata) if metadata.is_file() => format!("`{relative}`"),
            Place::Found(metadata) => format!("`{relative}` ({})", kind(&metadata)),
            Place::Blocked(folder, metadata) => format!("`{folder}` ({})", kind(&metadata)),
        };
        if !found.contains(&obstacle) {
            found.push(obstacle);
        }
    }
    Ok(found)
}

/// Finishes a decided switch: moves the files still staged into place, removes the previous output's
/// files that the new one lacks, then replaces the marker and removes the staging folder. Call it only
/// when [`obstacles`] finds none.
pub fn finish(out: &Path, staging: &Path, previous: &[String], files: &[String]) -> io::Result<()> {
    for relative in files {
        if !is_staged(staging, relative)? {
            continue;
        }
        let target = out.join(relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(staging.join(relative), target)?;
    }
    for relative in previous.iter().filter(|p| !files.contains(p)) {
        if let Place::Found(metadata) = place::look(out, relative)? {
            if metadata.is_file() {
                fs::remove_file(out.join(relative))?;
            }
        }
    }
    // Emptied but for the journal before the marker leaves it: a staging folder without a marker is
    // the user's unless it is empty.
    for entry in fs::read_dir(staging)? {
        let entry = entry?;
        if entry.file_name() == OUTPUT_MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    fs::rename(staging.join(OUTPUT_MARKER), out.join(OUTPUT_MARKER))?;
    fs::remove_dir(staging)
}

fn is_staged(staging: &Path, relative: &str) -> io::Result<bool> {
    Ok(matches!(place::look(staging, relative)?, Place::Found(metadata) if metadata.is_file()))
}
