//! The output folder, written safely: this tool only writes into a folder that is new, empty or its own
//! (unless forced), never deletes what it did not write, and stages every file so that an interrupted
//! run leaves no half-written file under a final name.

use serving_compare::discovery::OUTPUT_MARKER;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const STAGING: &str = ".gen-site-staging";

/// An output folder being written. Dropped without [`Staging::commit`] (the run failed), it removes its
/// staging folder, and the output folder too if it created it and it is empty.
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    created_out: bool,
    committed: bool,
}

impl Staging {
    /// Checks that `out` may be written, and makes it ready. Refuses, unless `force`, when `out` holds
    /// files that this tool did not write (by its marker file's list).
    pub fn begin(out: &Path, force: bool) -> Result<Staging, String> {
        if out.exists() && !out.is_dir() {
            return Err(format!("the output `{}` exists and is not a folder", out.display()));
        }
        if out.is_dir() && !force {
            let ours = previous_files(out);
            if let Some(foreign) = first_foreign_file(out, Path::new(""), &ours) {
                return Err(format!(
                    "the output folder `{}` holds files that gen-site did not write (such as `{}`); \
                     choose a new or empty folder with -o, or pass --force to write beside them (nothing is deleted)",
                    out.display(),
                    foreign.display()
                ));
            }
        }
        let created_out = !out.exists();
        let staging = out.join(STAGING);
        // A staging folder left by an interrupted run holds only our own partial files.
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| format!("can't clear `{}`: {e}", staging.display()))?;
        }
        fs::create_dir_all(&staging).map_err(|e| format!("can't create the output folder `{}`: {e}", out.display()))?;
        Ok(Staging { out: out.to_path_buf(), staging, created_out, committed: false })
    }

    /// Where to stage the file that will be `relative` in the output; its folders are created.
    pub fn path(&self, relative: &str) -> io::Result<PathBuf> {
        let path = self.staging.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(path)
    }

    pub fn write(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        fs::write(self.path(relative)?, bytes)
    }

    /// Moves every staged file to its final name (each move is atomic), then records them in the marker.
    pub fn commit(mut self, relatives: &[String]) -> io::Result<()> {
        self.committed = true;
        for relative in relatives {
            let target = self.out.join(relative);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::rename(self.staging.join(relative), target)?;
        }
        let mut marker =
            String::from("# Written by gen-site; it replaces these files on its next run into this folder.\n");
        for relative in relatives {
            marker.push_str(relative);
            marker.push('\n');
        }
        let marker_path = self.out.join(OUTPUT_MARKER);
        let temporary = self.staging.join(OUTPUT_MARKER);
        fs::write(&temporary, marker)?;
        fs::rename(temporary, marker_path)?;
        fs::remove_dir_all(&self.staging)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
            if self.created_out {
                // Fails, and so keeps the folder, unless it is empty.
                let _ = fs::remove_dir(&self.out);
            }
        }
    }
}

/// The files a previous run recorded in the marker.
fn previous_files(out: &Path) -> HashSet<PathBuf> {
    let Ok(text) = fs::read_to_string(out.join(OUTPUT_MARKER)) else { return HashSet::new() };
    text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).map(PathBuf::from).collect()
}

fn first_foreign_file(folder: &Path, relative: &Path, ours: &HashSet<PathBuf>) -> Option<PathBuf> {
    let mut entries: Vec<_> = fs::read_dir(folder.join(relative)).ok()?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let child = relative.join(entry.file_name());
        if child == Path::new(OUTPUT_MARKER) || child == Path::new(STAGING) {
            continue;
        }
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir {
            if let Some(found) = first_foreign_file(folder, &child, ours) {
                return Some(found);
            }
        } else if !ours.contains(&child) {
            return Some(child);
        }
    }
    None
}
