//! What an output folder holds that gen-site did not write, looked at (links not followed) before it
//! writes there.

use crate::walk::shown_name;
use serving_compare::discovery::skip_folder;
use serving_compare::formats::is_candidate;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;

/// How many of the files gen-site did not write a message names.
pub const NAMED: usize = 3;

#[derive(Debug, Default)]
pub struct Survey {
    /// The first [`NAMED`] entries that gen-site did not write, in path order: anything but folders, and
    /// folders that can't be read.
    pub foreign: Vec<String>,
    /// The first of them that a later run would read as a result file, if the folder were not marked as
    /// gen-site's (its marker makes every run pass over it).
    pub result_file: Option<String>,
}

/// Surveys `out`, leaving out `ours` (relative paths) and the entries named `reserved` at its top.
pub fn survey(out: &Path, ours: &HashSet<&str>, reserved: &[&str]) -> io::Result<Survey> {
    let mut survey = Survey::default();
    visit(out, "", false, ours, reserved, &mut survey)?;
    Ok(survey)
}

fn visit(
    folder: &Path,
    relative: &str,
    passed_over: bool,
    ours: &HashSet<&str>,
    reserved: &[&str],
    survey: &mut Survey,
) -> io::Result<()> {
    let listing = match fs::read_dir(folder) {
        Ok(listing) => listing,
        // A folder that can't be read (such as a volume's lost+found) is not gen-site's, whatever it holds.
        Err(_) if !relative.is_empty() => {
            note(relative.to_string(), survey);
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let mut entries = listing.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let shown = shown_name(&name);
        if relative.is_empty() && reserved.iter().any(|r| name == *r) {
            continue;
        }
        let child = if relative.is_empty() { shown.to_string() } else { format!("{relative}/{shown}") };
        if entry.file_type()?.is_dir() {
            visit(&entry.path(), &child, passed_over || skip_folder(&shown), ours, reserved, survey)?;
        } else if !ours.contains(child.as_str()) {
            if survey.result_file.is_none() && !passed_over && is_candidate(&shown) {
                survey.result_file = Some(child.clone());
            }
            note(child, survey);
        }
    }
    Ok(())
}

fn note(foreign: String, survey: &mut Survey) {
    if survey.foreign.len() < NAMED {
        survey.foreign.push(foreign);
    }
}
