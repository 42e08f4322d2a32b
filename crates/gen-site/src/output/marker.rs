//! The marker file: the list of the files gen-site wrote into a folder, by which its next run knows what
//! it may replace. Any file of this name also marks its folder as a report, passed over when reading
//! results.

use super::place::is_plain;
use std::fs::{self, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The marker's first line, by which gen-site knows a marker as its own (the same since its first
/// version).
const HEADER: &str = "# Written by gen-site; it replaces these files on its next run into this folder.";

/// Far more than gen-site's list of files takes; a larger file of this name is not one of its markers.
const MAX_BYTES: u64 = 1 << 20;

/// What a marker file holds.
#[derive(Debug, PartialEq)]
pub enum Marker {
    Absent,
    /// gen-site's, with the files it lists. An empty file counts as one that lists none: it holds
    /// nothing to lose, and is what a run stopped while writing a marker leaves.
    Ours(Vec<String>),
    /// A file of this name that gen-site did not write, or not a file at all.
    Foreign,
}

/// Reads the marker at `path` without following a link or opening anything but a regular file.
pub fn read(path: &Path) -> io::Result<Marker> {
    let metadata = match fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Marker::Absent),
        Err(e) => return Err(e),
    };
    if !metadata.is_file() || metadata.len() > MAX_BYTES {
        return Ok(Marker::Foreign);
    }
    let mut bytes = Vec::new();
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?
        .take(MAX_BYTES)
        .read_to_end(&mut bytes)?;
    let Ok(text) = String::from_utf8(bytes) else { return Ok(Marker::Foreign) };
    let mut lines = text.lines();
    match lines.next() {
        None => Ok(Marker::Ours(Vec::new())),
        Some(HEADER) => {
            Ok(Marker::Ours(lines.filter(|l| !l.starts_with('#') && is_plain(l)).map(str::to_string).collect()))
        }
        Some(_) => Ok(Marker::Foreign),
    }
}

/// Writes a marker listing `files` at `path`.
pub fn write(path: &Path, files: &[String]) -> io::Result<()> {
    let mut text = format!("{HEADER}\n");
    for file in files {
        text.push_str(file);
        text.push('\n');
    }
    fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_gen_sites_markers_are_its_own() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("m");
        assert_eq!(read(&path).unwrap(), Marker::Absent);
        write(&path, &["a.md".into(), "plots/b.png".into()]).unwrap();
        assert_eq!(read(&path).unwrap(), Marker::Ours(vec!["a.md".into(), "plots/b.png".into()]));
        fs::write(&path, format!("{HEADER}\nok\n../../etc/passwd\n/etc/passwd\n")).unwrap();
        assert_eq!(read(&path).unwrap(), Marker::Ours(vec!["ok".into()]));
        fs::write(&path, "").unwrap();
        assert_eq!(read(&path).unwrap(), Marker::Ours(Vec::new()));
        fs::write(&path, "my notes\n").unwrap();
        assert_eq!(read(&path).unwrap(), Marker::Foreign);
        fs::remove_file(&path).unwrap();
        fs::create_dir(&path).unwrap();
        assert_eq!(read(&path).unwrap(), Marker::Foreign);
    }
}
