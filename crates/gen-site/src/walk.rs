//! Finding the files that may be results under the results folder: walks folders (passing over hidden
//! ones, this tool's own output and links that lead out of the results folder) and keeps the regular
//! files whose names the readers may take.

use serving_compare::discovery::{skip_folder, OUTPUT_MARKER};
use serving_compare::formats::is_candidate;
use serving_compare::warning::Warning;
use std::borrow::Cow;
use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::fmt::Write;
use std::fs::{self, FileType, Metadata};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// A file to read.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Relative to the results folder, `/`-separated, as shown (see [`shown_name`]).
    pub relative: String,
    /// Where to open it: for a link, the file it leads to.
    pub path: PathBuf,
    pub size: u64,
}

/// The files found, sorted by relative path, and warnings about what was passed over.
#[derive(Debug, Default)]
pub struct Walked {
    pub candidates: Vec<Candidate>,
    pub warnings: Vec<Warning>,
}

/// A folder's identity on its file system, which tells whether two paths lead to the same folder
/// without resolving every link on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FolderId {
    device: u64,
    inode: u64,
}

impl FolderId {
    pub fn of(metadata: &Metadata) -> FolderId {
        FolderId { device: metadata.dev(), inode: metadata.ino() }
    }
}

/// A file or folder name as text: as it is when it is UTF-8, else with each byte that is not shown as
/// `\xNN`, so that names differing only in such bytes stay apart.
pub fn shown_name(name: &OsStr) -> Cow<'_, str> {
    if let Some(text) = name.to_str() {
        return Cow::Borrowed(text);
    }
    let mut shown = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        shown.push_str(chunk.valid());
        for byte in chunk.invalid() {
            let _ = write!(shown, "\\x{byte:02x}");
        }
    }
    Cow::Owned(shown)
}

/// The warning for a candidate that is not a regular file: it is never opened, since reading a FIFO or
/// a device could block or never end.
pub fn not_regular(relative: &str, file_type: FileType) -> Warning {
    let kind = if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_char_device() || file_type.is_block_device() {
        "a device"
    } else {
        "a folder"
    };
    Warning::file(relative, format!("skipped: not a regular file but {kind}"))
}

/// Walks `root`, whose links are followed only where they lead to a place inside it (`root_canonical`,
/// resolved once) and never twice into one folder. `skip` is a folder never to enter: the output folder.
pub fn find_results(root: &Path, root_canonical: &Path, skip: Option<FolderId>) -> Walked {
    let mut walk = Walk { root: root_canonical, skip, visited: HashSet::new(), found: Walked::default() };
    match fs::metadata(root) {
        Ok(metadata) => walk.folder(root, "", FolderId::of(&metadata)),
        Err(e) => walk.found.warnings.push(Warning::file(".", format!("folder skipped, can't be read: {e}"))),
    }
    walk.found.candidates.sort_by(|a, b| a.relative.cmp(&b.relative));
    walk.found
}

struct Walk<'a> {
    root: &'a Path,
    skip: Option<FolderId>,
    visited: HashSet<FolderId>,
    found: Walked,
}

/// What a folder entry is, links followed.
enum Entry {
    Folder(PathBuf, FolderId),
    File(PathBuf, u64),
    /// A FIFO, socket or device.
    Special(FileType),
    /// A link to a place outside the results folder; whether that is a folder.
    Outside {
        folder: bool,
    },
    Unreadable(std::io::Error),
}

impl Walk<'_> {
    fn folder(&mut self, path: &Path, relative: &str, id: FolderId) {
        if self.skip == Some(id) || !self.visited.insert(id) {
            return;
        }
        let listing = match fs::read_dir(path) {
            Ok(listing) => listing,
            Err(e) => {
                let shown = if relative.is_empty() { "." } else { relative };
                self.found.warnings.push(Warning::file(shown, format!("folder skipped, can't be read: {e}")));
                return;
            }
        };
        let mut entries: Vec<(OsString, Option<FileType>)> =
            listing.filter_map(Result::ok).map(|e| (e.file_name(), e.file_type().ok())).collect();
        // A folder holding the marker is a report of this tool's; the results folder itself is what the
        // user chose to read.
        if !relative.is_empty() && entries.iter().any(|(name, _)| name == OUTPUT_MARKER) {
            return;
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let shown: Vec<Cow<str>> = entries.iter().map(|(name, _)| shown_name(name)).collect();
        // The names an escaped one could be mistaken for; needed only where there is an escaped one.
        let escaped = |s: &Cow<str>| matches!(s, Cow::Owned(_));
        let literal: HashSet<&str> = match shown.iter().any(escaped) {
            true => shown.iter().filter(|s| !escaped(s)).map(|s| &**s).collect(),
            false => HashSet::new(),
        };
        for ((name, file_type), shown) in entries.iter().zip(&shown) {
            let child = if relative.is_empty() { shown.to_string() } else { format!("{relative}/{shown}") };
            let entry = self.entry(&path.join(name), *file_type);
            let wanted = match &entry {
                Entry::Folder(..) | Entry::Outside { folder: true } => !skip_folder(shown),
                Entry::File(..) | Entry::Special(_) | Entry::Outside { folder: false } | Entry::Unreadable(_) => {
                    is_candidate(shown)
                }
            };
            if !wanted {
                continue;
            }
            if let Cow::Owned(escaped) = shown {
                if literal.contains(escaped.as_str()) {
                    let message = "skipped: its name is not UTF-8 and would be shown as the name beside it";
                    self.found.warnings.push(Warning::file(child, message));
                    continue;
                }
                let message = "a name that is not UTF-8, shown with its other bytes as \\xNN";
                self.found.warnings.push(Warning::file(&child, message));
            }
            match entry {
                Entry::Folder(path, id) => self.folder(&path, &child, id),
                Entry::File(path, size) => self.found.candidates.push(Candidate { relative: child, path, size }),
                Entry::Special(file_type) => self.found.warnings.push(not_regular(&child, file_type)),
                Entry::Outside { folder } => {
                    let what = if folder { "folder" } else { "file" };
                    let message = format!("skipped: a link to a {what} outside the results folder");
                    self.found.warnings.push(Warning::file(child, message));
                }
                Entry::Unreadable(e) => {
                    self.found.warnings.push(Warning::file(child, format!("skipped, can't be read: {e}")));
                }
            }
        }
    }

    /// Resolves one entry: a link by its target (one resolution per link, however deep), anything else
    /// by its own metadata.
    fn entry(&self, path: &Path, file_type: Option<FileType>) -> Entry {
        let is_link = file_type.is_some_and(|t| t.is_symlink());
        let (path, metadata) = if is_link {
            let target = match fs::canonicalize(path) {
                Ok(target) => target,
                Err(e) => return Entry::Unreadable(e),
            };
            match fs::metadata(&target) {
                Ok(metadata) if !target.starts_with(self.root) => return Entry::Outside { folder: metadata.is_dir() },
                Ok(metadata) => (target, metadata),
                Err(e) => return Entry::Unreadable(e),
            }
        } else {
            match fs::symlink_metadata(path) {
                Ok(metadata) => (path.to_path_buf(), metadata),
                Err(e) => return Entry::Unreadable(e),
            }
        };
        if metadata.is_dir() {
            Entry::Folder(path, FolderId::of(&metadata))
        } else if metadata.is_file() {
            Entry::File(path, metadata.len())
        } else {
            Entry::Special(metadata.file_type())
        }
    }
}
