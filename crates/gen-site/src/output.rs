//! The output folder, written safely. gen-site writes, replaces or removes only what it wrote: the files
//! its marker lists, and its own marker, lock file and staging folder. It writes into a new or empty
//! folder, its own, or with --force beside files it did not write, but never over them, never through a
//! link, never where the results are or where result files would be hidden by its marker. One run at a
//! time writes into a folder ([`lock`]). Every file is staged inside the folder and then moved into
//! place ([`switch`]), so a stopped run leaves the previous output, or the new one once the next run has
//! finished moving it.

mod lock;
mod marker;
mod place;
mod survey;
mod switch;

use lock::{Lock, LOCK_FILE};
use marker::Marker;
use serving_compare::discovery::OUTPUT_MARKER;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const STAGING: &str = ".gen-site-staging";

/// An output folder being written, locked for this run. Dropped without [`Staging::commit`] (the run
/// failed), it removes its staging folder, and the output folder too if it created it and it is empty.
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    /// The files of the previous output, which this run may replace or remove.
    previous: Vec<String>,
    created_out: bool,
    /// Whether the staging folder is this run's.
    staged: bool,
    /// Whether the switch is decided: the staging folder is then kept, for the next run to finish.
    decided: bool,
    lock: Option<Lock>,
}

impl Staging {
    /// Checks that `out` may be written with the results at `results` (canonical), locks it, finishes
    /// or clears what a stopped run left, and makes a staging folder. Refuses an output folder holding
    /// files gen-site did not write unless `force`, and one holding result files or the results always.
    pub fn begin(out: &Path, results: &Path, force: bool) -> Result<Staging, String> {
        let shown = out.display();
        let created_out = match fs::metadata(out) {
            Ok(metadata) if !metadata.is_dir() => {
                return Err(format!("the output `{shown}` exists and is not a folder"));
            }
            Ok(_) => {
                let canonical = out.canonicalize().map_err(|e| format!("`{shown}`: {e}"))?;
                if results == canonical {
                    return Err("the output folder is the results folder; choose another with -o".to_string());
                }
                if results.starts_with(&canonical) {
                    return Err(format!(
                        "the results folder is inside the output folder `{shown}`: gen-site would write among \
                         the results; choose another output folder with -o"
                    ));
                }
                false
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => true,
            Err(e) => return Err(format!("`{shown}`: {e}")),
        };
        fs::create_dir_all(out).map_err(|e| format!("can't create the output folder `{shown}`: {e}"))?;
        let mut staging = Staging {
            out: out.to_path_buf(),
            staging: out.join(STAGING),
            previous: Vec::new(),
            created_out,
            staged: false,
            decided: false,
            lock: None,
        };
        staging.lock = Some(Lock::acquire(out)?);
        staging.recover()?;
        staging.previous = staging.previous_files()?;
        staging.survey(force)?;
        let failed = |e: io::Error| format!("can't write into `{shown}`: {e}");
        fs::create_dir(&staging.staging).map_err(failed)?;
        staging.staged = true;
        marker::write(&staging.staging.join(OUTPUT_MARKER), &[]).map_err(failed)?;
        Ok(staging)
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

    /// Moves the staged files (`relatives`) into place, unless something gen-site did not write stands
    /// where one goes.
    pub fn commit(mut self, relatives: &[String]) -> Result<(), String> {
        let failed = |e: io::Error| format!("can't write into `{}`: {e}", self.out.display());
        let ours: HashSet<&str> = self.previous.iter().map(String::as_str).collect();
        let obstacles = switch::obstacles(&self.out, &self.staging, &ours, relatives).map_err(failed)?;
        if !obstacles.is_empty() {
            return Err(self.in_the_way(&obstacles));
        }
        switch::decide(&self.staging, relatives).map_err(failed)?;
        self.decided = true;
        switch::finish(&self.out, &self.staging, &self.previous, relatives).map_err(|e| {
            format!(
                "can't move the new report into place in `{}`: {e}; the next run into it finishes the move",
                self.out.display()
            )
        })
    }

    /// Finishes the switch a stopped run decided, or clears the staging folder of one stopped before.
    fn recover(&self) -> Result<(), String> {
        let failed = |e: io::Error| format!("can't clear what a stopped run left in `{}`: {e}", self.out.display());
        let metadata = match fs::symlink_metadata(&self.staging) {
            Ok(metadata) => metadata,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(failed(e)),
        };
        let foreign = || {
            Err(format!(
                "`{}` is not gen-site's, and gen-site stages its files under this name: rename it, or choose \
                 another folder with -o",
                self.staging.display()
            ))
        };
        if !metadata.is_dir() {
            return foreign();
        }
        match marker::read(&self.staging.join(OUTPUT_MARKER)).map_err(failed)? {
            Marker::Ours(files) if !files.is_empty() => {
                let previous = self.previous_files()?;
                let ours: HashSet<&str> = previous.iter().map(String::as_str).collect();
                let obstacles = switch::obstacles(&self.out, &self.staging, &ours, &files).map_err(failed)?;
                if !obstacles.is_empty() {
                    return Err(self.in_the_way(&obstacles));
                }
                switch::finish(&self.out, &self.staging, &previous, &files).map_err(failed)
            }
            Marker::Ours(_) => fs::remove_dir_all(&self.staging).map_err(failed),
            // Left by a run stopped right after making it, if empty; being empty, it holds nothing to lose.
            Marker::Absent => fs::remove_dir(&self.staging).or_else(|_| foreign()),
            Marker::Foreign => foreign(),
        }
    }

    /// The files the previous run wrote, by its marker.
    fn previous_files(&self) -> Result<Vec<String>, String> {
        let path = self.out.join(OUTPUT_MARKER);
        match marker::read(&path) {
            Ok(Marker::Ours(files)) => Ok(files),
            Ok(Marker::Absent) => Ok(Vec::new()),
            Ok(Marker::Foreign) => Err(format!(
                "`{}` is not gen-site's list of the files it wrote, and gen-site needs this name: rename it, or \
                 choose another folder with -o",
                path.display()
            )),
            Err(e) => Err(format!("`{}`: {e}", path.display())),
        }
    }

    /// Refuses result files gen-site did not write, and without `force`, any file it did not write.
    fn survey(&self, force: bool) -> Result<(), String> {
        let shown = self.out.display();
        let ours: HashSet<&str> = self.previous.iter().map(String::as_str).collect();
        let found = survey::survey(&self.out, &ours, &[OUTPUT_MARKER, LOCK_FILE, STAGING])
            .map_err(|e| format!("can't look into the output folder `{shown}`: {e}"))?;
        if let Some(file) = found.result_file {
            return Err(format!(
                "the output folder `{shown}` holds result files (such as `{file}`), which gen-site's marker \
                 would hide from every later run reading it; choose another folder with -o"
            ));
        }
        if !force && !found.foreign.is_empty() {
            return Err(format!(
                "the output folder `{shown}` holds files that gen-site did not write (such as {}); choose a new \
                 or empty folder with -o, or pass --force to write beside them (they are left alone)",
                quoted(&found.foreign)
            ));
        }
        Ok(())
    }

    fn in_the_way(&self, obstacles: &[String]) -> String {
        let named = survey::NAMED;
        let more = obstacles.len().saturating_sub(named);
        format!(
            "the output folder `{}` holds files that gen-site did not write where it writes its own: {}{}; they \
             are left alone: move them away, or choose another folder with -o",
            self.out.display(),
            obstacles[..obstacles.len().min(named)].join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() }
        )
    }
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.staged && !self.decided {
            let _ = fs::remove_dir_all(&self.staging);
        }
        // Released (its file removed) only once the staging folder is gone.
        self.lock = None;
        if self.created_out && !self.decided {
            // Fails, and so keeps the folder, unless it is empty.
            let _ = fs::remove_dir(&self.out);
        }
    }
}
