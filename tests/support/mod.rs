//! Helpers shared by the integration tests: running the binary, and paths of the repository's data.
#![allow(dead_code)]

use std::fs;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

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

/// Runs gen-site with `args` in `cwd`, and fails if it has not ended within `limit` (having killed it).
pub fn gen_site_within(cwd: &Path, args: &[&str], limit: Duration) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_gen-site"))
        .current_dir(cwd)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gen-site runs");
    let pid = child.id();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || sender.send(child.wait_with_output()));
    match receiver.recv_timeout(limit) {
        Ok(output) => output.expect("gen-site's output is read"),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            panic!("gen-site {args:?} did not end within {limit:?}");
        }
    }
}

/// Runs gen-site as [`gen_site_within`] does, and asserts that it succeeded.
pub fn gen_site_ok_within(cwd: &Path, args: &[&str], limit: Duration) -> Output {
    let output = gen_site_within(cwd, args, limit);
    assert!(output.status.success(), "gen-site {args:?} failed:\n{}", stderr(&output));
    output
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

/// Writes `bytes` at `root/relative`, making its folders.
pub fn write(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// What stands at a path, as [`entries`] records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    File(Vec<u8>),
    /// A link, by the path it holds.
    Link(PathBuf),
    Folder,
    /// A FIFO, socket or device.
    Special,
}

/// Every entry under `root`, sorted by path, without following a link or opening anything but a regular
/// file: to prove that a folder holding links and FIFOs was left unchanged.
pub fn entries(root: &Path) -> Vec<(PathBuf, Entry)> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let file_type = fs::symlink_metadata(&path).unwrap().file_type();
            let recorded = if file_type.is_symlink() {
                Entry::Link(fs::read_link(&path).unwrap())
            } else if file_type.is_dir() {
                stack.push(path.clone());
                Entry::Folder
            } else if file_type.is_fifo()
                || file_type.is_socket()
                || file_type.is_char_device()
                || file_type.is_block_device()
            {
                Entry::Special
            } else {
                Entry::File(fs::read(&path).unwrap())
            };
            found.push((path.strip_prefix(root).unwrap().to_path_buf(), recorded));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// A results folder of every other tool's sample files (tests/data/formats), one deployment per tool, laid
/// out as each tool writes them.
pub fn mixed_results(root: &Path) {
    let formats = repo().join("tests/data/formats");
    let copy = |from: &str, to: &str| {
        let target = root.join(to);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(formats.join(from), target).unwrap();
    };
    for name in [
        "vllm-20.0qps-mock-model-20261128-123210.json",
        "openai-chat-infqps-concurrency2-mock-model-20261128-123218.json",
        "sweep_appended.json",
    ] {
        copy(&format!("vllm-bench/0.19.1/{name}"), &format!("vllm/{name}"));
    }
    copy("sglang-bench/0.4.6/sglang_bench_serving_mock.jsonl", "sglang/sglang_1128_12_32_12.jsonl");
    copy("guidellm/0.8.1/benchmarks.json", "guidellm/benchmarks.json");
    copy("guidellm/0.8.1/benchmarks.csv", "guidellm/benchmarks.csv");
    for name in fs::read_dir(formats.join("inference-perf/0.7.0")).unwrap() {
        let name = name.unwrap().file_name().into_string().unwrap();
        copy(&format!("inference-perf/0.7.0/{name}"), &format!("inference-perf/reports-20261128-121244/{name}"));
    }
    for name in ["profile_export.jsonl", "profile_export_aiperf.json", "profile_export_aiperf.csv", "inputs.json"] {
        copy(
            &format!("aiperf/0.13.0/{name}"),
            &format!("aiperf/artifacts/mock-model-openai-completions-concurrency2/{name}"),
        );
    }
    copy("llmd-report/br_v0_2_example.yaml", "llmd/benchmark_report_v0.2,_stage_3.yaml");
}

/// LMBench's columns, as a header line.
pub const LMBENCH_HEADER: &str = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time\n";

/// Results at the edges of f64's range: deployment `edge` has, at each QPS, one row whose values or
/// derived metrics reach those edges beside ordinary rows (and at QPS 8 four TTFTs whose sum and squares
/// overflow); `standalone` has ordinary rows at the same loads.
pub fn extreme_results(results: &Path) {
    let ok = "10,20,0.5,1.0,1000,1002\n";
    let rows = [
        "10,20,0.5,1e-310,1000,1002",  // a decode rate of 2e311 tokens/s: not a number f64 can hold
        "10,20,1.7e308,0.1,1000,1002", // a TTFT near f64's largest
        "10,20,0.5,0.1,1000,1e307",    // a run of 1e307 s: throughput of 1e-306 tokens/s
        "10,20,1.7e308,1.7e308,1000,1002", // TTFT + generation time overflows
        "10,1.0000000000000002,0.5,1e300,1000,1002", // TPOT over output tokens - 1 = 2e-16
        "10,20,-0,-0.0,-0,-0",         // negative zeros
        "1e308,1e308,0.5,1.0,1000,1002", // token counts whose sums overflow
    ];
    for (i, row) in rows.iter().enumerate() {
        let text = format!("{LMBENCH_HEADER}{row}\n{ok}{ok}{ok}");
        write(results, &format!("edge/LMBench_s_{}.csv", i + 1), text.as_bytes());
        write(results, &format!("standalone/LMBench_s_{}.csv", i + 1), format!("{LMBENCH_HEADER}{ok}{ok}").as_bytes());
    }
    let huge = "10,20,1.7e308,0.1,1000,1002\n".repeat(4);
    write(results, "edge/LMBench_s_8.csv", format!("{LMBENCH_HEADER}{huge}").as_bytes());
    write(results, "standalone/LMBench_s_8.csv", format!("{LMBENCH_HEADER}{ok}").as_bytes());
}
