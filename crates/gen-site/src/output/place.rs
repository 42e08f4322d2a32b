//! Looking at a path inside the output folder without following links: what stands there, and whether
//! every folder on the way is a real folder, so that nothing written or removed there lands outside.

use std::fs::{self, Metadata};
use std::io;
use std::path::Path;

/// What stands at a relative path.
pub enum Place {
    Absent,
    /// Its metadata, of the entry itself (a link is not followed).
    Found(Metadata),
    /// A folder on the way (its relative path) is a link or not a folder.
    Blocked(String, Metadata),
}

/// Whether `relative` names a place inside a folder: `/`-separated plain names, no `.`, `..` or root.
/// Lists read from disk are checked with this, so that no entry leads out of the folder.
pub fn is_plain(relative: &str) -> bool {
    relative.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Looks at `root/relative` (a [`is_plain`] path), folder by folder.
pub fn look(root: &Path, relative: &str) -> io::Result<Place> {
    let mut path = root.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let metadata = match fs::symlink_metadata(&path) {
            Ok(metadata) => metadata,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Place::Absent),
            Err(e) => return Err(e),
        };
        if i + 1 == parts.len() {
            return Ok(Place::Found(metadata));
        }
        if !metadata.is_dir() {
            return Ok(Place::Blocked(parts[..=i].join("/"), metadata));
        }
    }
    Ok(Place::Absent)
}

/// How an entry that is in the way is described: `a link`, `a folder`, `a file`.
pub fn kind(metadata: &Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_symlink() {
        "a link"
    } else if file_type.is_dir() {
        "a folder"
    } else if file_type.is_file() {
        "a file"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_are_inside() {
        for plain in ["README.md", "plots/a.png", ".nojekyll"] {
            assert!(is_plain(plain), "{plain}");
        }
        for outside in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/./b", "a/"] {
            assert!(!is_plain(outside), "{outside}");
        }
    }
}
