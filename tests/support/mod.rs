//! Helpers shared by the integration tests: running the binary, and paths of the repository's data.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

pub fn real_data() -> PathBuf {
    repo().join("tests/data/exp-3-h100")
}

pub fn example() -> PathBuf {
    repo().join("examples/compare-results")
}

/// Runs gen-site with `args` in `cwd`.
pub fn gen_site(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gen-site")).current_dir(cwd).args(args).output().expect("gen-site runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Runs gen-site and asserts it succeeded.
pub fn gen_site_ok(cwd: &Path, args: &[&str]) -> Output {
    let output = gen_site(cwd, args);
    assert!(output.status.success(), "gen-site {args:?} failed:\n{}", stderr(&output));
    output
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every file under `root` with its bytes, sorted by path: to prove a folder was left unchanged.
pub fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}
