//! One gen-site run at a time in an output folder: an advisory lock (`flock`) on a lock file in it,
//! which names the process holding it and is removed when the run ends. A run that finds the folder
//! locked stops at once rather than waiting: a run that never ends would otherwise hold up every other.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

/// The lock file's name in the output folder.
pub const LOCK_FILE: &str = ".gen-site-lock";

/// The start of what a lock file holds, by which gen-site knows a lock file as its own.
const HEADER: &str = "# gen-site is writing into this folder; it removes this file when it is done.\n";

/// The lock on an output folder, held until dropped (which removes the lock file).
pub struct Lock {
    /// Kept open while the lock is held: closing it unlocks.
    _locked: File,
    path: PathBuf,
}

impl Lock {
    /// Locks `out`, which exists, or says who holds it.
    pub fn acquire(out: &Path) -> Result<Lock, String> {
        let path = out.join(LOCK_FILE);
        let failed = |e: io::Error| format!("can't lock the output folder `{}`: {e}", out.display());
        // A run ending removes its lock file, so the file locked may be gone by then: try again.
        for _ in 0..100 {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o644)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(&path)
                .map_err(|e| match e.raw_os_error() {
                    Some(libc::ELOOP) | Some(libc::EISDIR) => foreign(&path),
                    _ => failed(e),
                })?;
            let metadata = file.metadata().map_err(failed)?;
            if !metadata.is_file() {
                return Err(foreign(&path));
            }
            // SAFETY: flock takes any open descriptor; the file outlives the call.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::WouldBlock {
                    return Err(failed(e));
                }
                return Err(format!(
                    "another gen-site run{} is writing into `{}`; wait for it to end, or choose another folder with -o",
                    holder(file).map(|pid| format!(" (process {pid})")).unwrap_or_default(),
                    out.display()
                ));
            }
            let still_there =
                fs::symlink_metadata(&path).is_ok_and(|now| (now.dev(), now.ino()) == (metadata.dev(), metadata.ino()));
            if !still_there {
                continue;
            }
            let mut file = file;
            claim(&mut file, &path)?;
            return Ok(Lock { _locked: file, path });
        }
        Err(failed(io::Error::other("the lock file keeps being replaced")))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked (closing the file unlocks it), so that a run starting now makes a
        // new lock file rather than locking this one: see the check in `acquire`.
        let _ = fs::remove_file(&self.path);
    }
}

/// Writes this process's id into the locked file once it is known to be gen-site's own: new, or left
/// by a run that was stopped. Anything else under its name is the user's, and left alone (unlocked when
/// `file` is dropped, and not removed).
fn claim(file: &mut File, path: &Path) -> Result<(), String> {
    let mut held = String::new();
    let readable = (&*file).take(HEADER.len() as u64).read_to_string(&mut held).is_ok();
    if !readable || !(held.is_empty() || held == HEADER) {
        return Err(foreign(path));
    }
    let written = file.set_len(0).and_then(|()| {
        file.rewind()?;
        writeln!(file, "{HEADER}{}", std::process::id())
    });
    written.map_err(|e| format!("can't write `{}`: {e}", path.display()))
}

fn foreign(path: &Path) -> String {
    format!(
        "`{}` is not gen-site's, and gen-site needs this name to lock the folder while it writes: rename it, \
         or choose another folder with -o",
        path.display()
    )
}

/// The process id the holder wrote: it writes it right after locking, so it may take a moment to come.
fn holder(mut file: File) -> Option<u32> {
    for _ in 0..50 {
        let mut text = String::new();
        file.rewind().ok()?;
        file.read_to_string(&mut text).ok()?;
        if let Some(pid) = text.strip_prefix(HEADER).and_then(|pid| pid.trim().parse().ok()) {
            return Some(pid);
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    None
}
