//! The readers' promises tried as a hostile or unlucky user meets them (issue 11, items 7 to 9, and the
//! deep folders of item 15): links, FIFOs, huge files, names that are not UTF-8.

mod support;

use std::ffi::{CString, OsStr};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};
use support::*;

/// Far longer than any run here takes: a run that does not end within it is hung.
const LIMIT: Duration = Duration::from_secs(20);

fn run(cwd: &Path, args: &[&str]) -> Output {
    gen_site_within(cwd, args, LIMIT)
}

/// An LMBench result whose requests take `ttft` seconds to their first token: each value gives another
/// report.
fn results_csv(ttft: f64) -> String {
    let mut csv = String::from("prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time\n");
    for i in 0..5 {
        let launch = 1000.0 + f64::from(i);
        csv.push_str(&format!("100,11,{ttft},1.0,{launch},{}\n", launch + ttft + 1.0));
    }
    csv
}

fn mkfifo(path: &Path) {
    let path = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid C string, for the call's length.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "{}", std::io::Error::last_os_error());
}

fn deployments(summary: &Path) -> Vec<String> {
    let summary = read_json(summary);
    summary["deployments"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect()
}

/// Every entry of `root` but those under `out`: what a run writing into `out` must leave as it was.
fn outside(root: &Path, out: &str) -> Vec<(PathBuf, Entry)> {
    entries(root).into_iter().filter(|(p, _)| !p.starts_with(out)).collect()
}

/// Item 7: links inside the results are followed (never round a loop); links leading out of them are
/// passed over with a warning, their targets never read: not a file elsewhere, not /dev/zero.
#[test]
fn links_out_of_the_results_are_passed_over() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "secret/passwd.csv", b"root:x:0:0:SECRET:/root:/bin/bash\n");
    write(root, "elsewhere/LMBench_s_1.csv", results_csv(0.7).as_bytes());
    write(root, "results/a/LMBench_s_1.csv", results_csv(0.5).as_bytes());
    symlink(root.join("secret/passwd.csv"), root.join("results/a/LMBench_s_2.csv")).unwrap();
    symlink("/dev/zero", root.join("results/a/LMBench_s_3.csv")).unwrap();
    symlink("nowhere", root.join("results/a/LMBench_s_4.csv")).unwrap();
    symlink("..", root.join("results/a/again")).unwrap();
    symlink("../elsewhere", root.join("results/outside")).unwrap();
    fs::create_dir(root.join("results/c")).unwrap();
    symlink("../a/LMBench_s_1.csv", root.join("results/c/LMBench_s_1.csv")).unwrap();
    let before = entries(root);

    let output = run(root, &["results", "-o", "out"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    for line in [
        "warning: a/LMBench_s_2.csv: skipped: a link to a file outside the results folder",
        "warning: a/LMBench_s_3.csv: skipped: a link to a file outside the results folder",
        "warning: a/LMBench_s_4.csv: skipped, can't be read: No such file or directory",
        "warning: outside: skipped: a link to a folder outside the results folder",
    ] {
        assert!(err.contains(line), "no `{line}` in:\n{err}");
    }
    assert_eq!(deployments(&root.join("out/summary.json")), ["a", "c"]);
    for file in ["README.md", "summary.json", "data.js"] {
        let text = fs::read_to_string(root.join("out").join(file)).unwrap();
        assert!(!text.contains("SECRET"), "{file}:\n{text}");
    }
    assert!(!err.contains("SECRET"), "{err}");
    // The site, meant for publishing, carries the files read and no other.
    let data = fs::read_to_string(root.join("out/data.js")).unwrap();
    let data: serde_json::Value =
        serde_json::from_str(data.trim_start_matches("window.GEN_SITE_DATA = ").trim_end().trim_end_matches(';'))
            .unwrap();
    let carried: Vec<&str> = data["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(carried, ["a/LMBench_s_1.csv", "c/LMBench_s_1.csv"]);
    assert_eq!(outside(root, "out"), before);
}

/// Item 7: a file larger than gen-site reads of a result file (16 GiB, here a sparse file taking no
/// room) is passed over with a warning, unread.
#[test]
fn a_file_too_large_is_passed_over_unread() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "results/a/LMBench_s_1.csv", results_csv(0.5).as_bytes());
    let huge = root.join("results/a/LMBench_s_2.csv");
    fs::File::create(&huge).unwrap().set_len((16 << 30) + 1).unwrap();
    let before = fs::metadata(&huge).unwrap();
    let output = run(root, &["results", "-o", "out"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let warning = "warning: a/LMBench_s_2.csv: skipped: larger than 16 GiB, the most gen-site reads of a result file";
    assert!(stderr(&output).contains(warning), "{}", stderr(&output));
    let after = fs::metadata(&huge).unwrap();
    assert_eq!((after.len(), after.modified().unwrap()), (before.len(), before.modified().unwrap()));
}

/// Item 8: a FIFO or socket named like a result file is passed over at once, with a warning.
#[test]
fn fifos_never_block() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "results/a/LMBench_s_1.csv", results_csv(0.5).as_bytes());
    mkfifo(&root.join("results/a/LMBench_s_2.csv"));
    let _socket = std::os::unix::net::UnixListener::bind(root.join("results/a/sglang.jsonl")).unwrap();
    let before = entries(root);

    let output = run(root, &["results", "-o", "out"]);
    assert!(output.status.success(), "{}", stderr(&output));
    for line in [
        "warning: a/LMBench_s_2.csv: skipped: not a regular file but a FIFO",
        "warning: a/sglang.jsonl: skipped: not a regular file but a socket",
    ] {
        assert!(stderr(&output).contains(line), "no `{line}` in:\n{}", stderr(&output));
    }
    assert_eq!(deployments(&root.join("out/summary.json")), ["a"]);
    assert_eq!(outside(root, "out"), before);
}

/// Item 9: deployment folders whose names differ only in bytes that are not UTF-8 stay two deployments,
/// shown with those bytes escaped, with a warning; one that would be shown as a name beside it is passed
/// over with a warning.
#[test]
fn names_that_are_not_utf8_stay_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let results = root.join("results");
    for (byte, ttft) in [(0xff, 0.5), (0xfe, 0.9)] {
        let folder = results.join(OsStr::from_bytes(&[b'd', b'e', b'p', byte]));
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("LMBench_s_1.csv"), results_csv(ttft)).unwrap();
    }
    let before = entries(root);
    let output = run(root, &["results", "-o", "out"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(deployments(&root.join("out/summary.json")), [r"dep\xfe", r"dep\xff"]);
    for name in [r"dep\xfe", r"dep\xff"] {
        let warning = format!(r"warning: {name}: a name that is not UTF-8, shown with its other bytes as \xNN");
        assert!(stderr(&output).contains(&warning), "no `{warning}` in:\n{}", stderr(&output));
    }
    assert_eq!(outside(root, "out"), before);

    write(&results, r"dep\xff/LMBench_s_1.csv", results_csv(0.7).as_bytes());
    let output = run(root, &["results", "-o", "out"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let warning = r"warning: dep\xff: skipped: its name is not UTF-8 and would be shown as the name beside it";
    assert!(stderr(&output).contains(warning), "{}", stderr(&output));
    assert_eq!(deployments(&root.join("out/summary.json")), [r"dep\xfe", r"dep\xff"]);
}

/// Item 15, its part on folders: 1,000 nested folders are walked in about the time of a few (a look at
/// each folder, where resolving each folder's path cost time growing with its depth).
#[test]
fn deep_folders_are_walked_in_linear_time() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let deployment = vec!["d"; 1000].join("/");
    write(root, &format!("results/{deployment}/LMBench_s_1.csv"), results_csv(0.5).as_bytes());
    let started = Instant::now();
    let output = run(root, &["results", "-o", "out"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(deployments(&root.join("out/summary.json")), [deployment]);
}
