//! A problem found in the user's input: which file, which line if any, and what is wrong.

use serde::Serialize;
use std::fmt;

/// One problem with the input, printed as `path:line: message` (or `path: message` for a whole file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Path of the file, relative to the results folder.
    pub file: String,
    /// 1-based line number, when the problem is one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

/// Orders warnings by file and line, and drops repeats: the order of every list of warnings.
pub fn sort(warnings: &mut Vec<Warning>) {
    crate::sorting::sort_by(warnings, |a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    warnings.dedup();
}

impl Warning {
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Warning { file: file.into(), line: None, message: message.into() }
    }

    pub fn line(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Warning { file: file.into(), line: Some(line), message: message.into() }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}
