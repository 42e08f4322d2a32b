//! The output folder's and the readers' promises tried as a hostile or unlucky user meets them (issue 11,
//! items 3 to 9, and the deep folders of item 15): the user's own files in the output folder, gen-site's
//! own names taken by the user's files, links, FIFOs, huge files, names that are not UTF-8, two runs at
//! once, and runs killed at any moment; and folder layouts generated with all of these mixed.

mod support;

use proptest::prelude::*;
use std::ffi::{CString, OsStr};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::*;

/// Far longer than any run here takes: a run that does not end within it is hung.
const LIMIT: Duration = Duration::from_secs(20);

fn run(cwd: &Path, args: &[&str]) -> Output {
    gen_site_within(cwd, args, LIMIT)
}

fn refused(cwd: &Path, args: &[&str], message: &str) {
    let output = run(cwd, args);
    assert!(!output.status.success(), "gen-site {args:?} succeeded");
    assert!(stderr(&output).contains(message), "gen-site {args:?}: no `{message}` in:\n{}", stderr(&output));
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

/// Item 3: --force writes beside the user's own files, and never over them.
#[test]
fn force_never_replaces_the_users_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "results/a/LMBench_s_1.csv", results_csv(0.5).as_bytes());
    for (name, text) in [
        ("README.md", "my notes"),
        ("index.html", "<p>my page"),
        ("data.js", "my();"),
        ("plots/latency_comparison.png", "my plot"),
    ] {
        write(root, &format!("out/{name}"), text.as_bytes());
    }
    let before = entries(root);
    refused(
        root,
        &["results", "-o", "out"],
        "holds files that gen-site did not write (such as `README.md`, `data.js`, `index.html`)",
    );
    refused(
        root,
        &["results", "-o", "out", "--force"],
        "holds files that gen-site did not write where it writes its own: `README.md`, \
         `plots/latency_comparison.png`, `index.html` and 1 more; they are left alone: move them away, or choose \
         another folder with -o",
    );
    assert_eq!(entries(root), before);

    // Moved away as told, the user's other files stay beside the report, run after run.
    for name in ["README.md", "index.html", "data.js", "plots/latency_comparison.png"] {
        fs::remove_file(root.join("out").join(name)).unwrap();
    }
    write(root, "out/notes.txt", b"mine");
    write(root, "out/plots/mine.png", b"my plot");
    let mine = |root: &Path| {
        let mut kept = entries(&root.join("out"));
        kept.retain(|(p, _)| ["notes.txt", "plots/mine.png"].iter().any(|m| p == Path::new(m)));
        kept
    };
    let users = mine(root);
    assert_eq!(users.len(), 2);
    for _ in 0..2 {
        let output = run(root, &["results", "-o", "out", "--force"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(mine(root), users);
    }
    assert_eq!(deployments(&root.join("out/summary.json")), ["a"]);
    refused(
        root,
        &["results", "-o", "out"],
        "holds files that gen-site did not write (such as `notes.txt`, `plots/mine.png`)",
    );

    // gen-site's README replaced by the user's link (to a file of theirs) is theirs now.
    write(root, "my-readme.md", b"mine");
    fs::remove_file(root.join("out/README.md")).unwrap();
    symlink(root.join("my-readme.md"), root.join("out/README.md")).unwrap();
    let before = entries(root);
    refused(root, &["results", "-o", "out", "--force"], "where it writes its own: `README.md` (a link)");
    assert_eq!(entries(root), before);
}

/// Item 4: gen-site's own names (its staging folder, marker and lock file) taken by the user's files:
/// never deleted or overwritten, --force or not, in a folder of the user's or in gen-site's own.
#[test]
fn gen_sites_names_taken_by_the_user_are_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "results/a/LMBench_s_1.csv", results_csv(0.5).as_bytes());
    for (i, (taken, refusal)) in [
        (
            ".gen-site-staging/keep.txt",
            "/.gen-site-staging` is not gen-site's, and gen-site stages its files under this name",
        ),
        (".gen-site-output", "/.gen-site-output` is not gen-site's list of the files it wrote"),
        (".gen-site-lock", "/.gen-site-lock` is not gen-site's, and gen-site needs this name to lock the folder"),
    ]
    .into_iter()
    .enumerate()
    {
        let users = format!("users-{i}");
        write(root, &format!("{users}/{taken}"), b"mine");
        let own = format!("own-{i}");
        assert!(run(root, &["results", "-o", &own]).status.success());
        write(root, &format!("{own}/{taken}"), b"mine");
        let before = entries(root);
        for out in [&users, &own] {
            refused(root, &["results", "-o", out], refusal);
            refused(root, &["results", "-o", out, "--force"], refusal);
        }
        assert_eq!(entries(root), before, "{taken}");
    }
}

/// Item 5: never through a link out of the output folder, never into the results, never where result
/// files would be hidden by its marker; the output folder itself may be a link the user chose.
#[test]
fn links_and_results_around_the_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "results/a/LMBench_s_1.csv", results_csv(0.5).as_bytes());
    write(root, "results/b/LMBench_s_1.csv", results_csv(0.7).as_bytes());
    fs::create_dir_all(root.join("elsewhere")).unwrap();
    fs::create_dir_all(root.join("out")).unwrap();
    symlink("../elsewhere", root.join("out/plots")).unwrap();
    write(root, "report/plots/a/LMBench_s_1.csv", results_csv(0.5).as_bytes());
    fs::create_dir(root.join("real-out")).unwrap();
    symlink("real-out", root.join("chosen")).unwrap();
    let before = entries(root);
    let around = outside(root, "real-out");

    refused(root, &["results", "-o", "out"], "holds files that gen-site did not write (such as `plots`)");
    refused(root, &["results", "-o", "out", "--force"], "where it writes its own: `plots` (a link)");
    refused(
        root,
        &["report/plots", "-o", "report", "--force"],
        "the results folder is inside the output folder `report`",
    );
    refused(root, &["results", "-o", "results", "--force"], "the output folder is the results folder");
    // The deployment would vanish from every later analysis of `results`, and the report lie among its files.
    refused(root, &["results", "-o", "results/b", "--force"], "holds result files (such as `LMBench_s_1.csv`)");
    assert_eq!(entries(root), before);

    let output = run(root, &["results", "-o", "chosen"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(deployments(&root.join("real-out/summary.json")), ["a", "b"]);
    assert_eq!(outside(root, "real-out"), around);
}

/// Every entry of `root` but those under `out`: what a run writing into `out` must leave as it was.
fn outside(root: &Path, out: &str) -> Vec<(PathBuf, Entry)> {
    entries(root).into_iter().filter(|(p, _)| !p.starts_with(out)).collect()
}

fn spawn(cwd: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_gen-site"))
        .current_dir(cwd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Item 6: two runs into one output folder at once. One writes its whole report; the other stops at
/// once, naming the run that holds the folder.
#[test]
fn two_runs_at_once_into_one_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "a/results/x/LMBench_s_1.csv", results_csv(0.5).as_bytes());
    write(root, "b/results/x/LMBench_s_1.csv", results_csv(0.9).as_bytes());
    let reports: Vec<_> = ["a", "b"]
        .iter()
        .map(|r| {
            assert!(run(&root.join(r), &["results", "-o", "../report"]).status.success());
            entries(&root.join("report"))
        })
        .collect();
    let inputs = outside(root, "out");
    for _ in 0..4 {
        let _ = fs::remove_dir_all(root.join("out"));
        let runs = [
            spawn(&root.join("a"), &["results", "-o", "../out"]),
            spawn(&root.join("b"), &["results", "-o", "../out"]),
        ];
        let ids = runs.each_ref().map(Child::id);
        let outputs = runs.map(|child| child.wait_with_output().unwrap());
        assert!(outputs.iter().any(|o| o.status.success()), "{}", stderr(&outputs[0]));
        for (i, output) in outputs.iter().enumerate() {
            if !output.status.success() {
                let holder = format!("another gen-site run (process {}) is writing into `../out`", ids[1 - i]);
                assert!(stderr(output).contains(&holder), "{}", stderr(output));
            }
        }
        let out = entries(&root.join("out"));
        assert!(reports.contains(&out), "the output is neither run's report");
    }
    assert_eq!(outside(root, "out"), inputs);
}

/// Item 6: a run killed at any moment leaves every file of its output whole (the previous version or
/// the new one); the next run into the folder, whatever it is, first finishes or clears what the killed
/// one left, so that the folder then holds the previous complete output or the new one, never a mix.
/// Kills land at moments spread over a whole run, and right after the run decides to switch (seen from
/// outside, as its staging folder's marker comes to list its files), at varied delays.
#[test]
fn a_run_killed_at_any_moment_leaves_the_old_or_the_new_output() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "old/x/LMBench_s_1.csv", results_csv(0.5).as_bytes());
    write(root, "new/x/LMBench_s_1.csv", results_csv(0.9).as_bytes());
    fs::create_dir(root.join("none")).unwrap();
    let report = |results: &str| {
        let folder = format!("report-{results}");
        write(root, &format!("{folder}/notes.txt"), b"the user's own file, beside the report");
        let started = Instant::now();
        let output = run(root, &[results, "-o", &folder, "--force"]);
        assert!(output.status.success(), "{}", stderr(&output));
        (entries(&root.join(folder)), started.elapsed())
    };
    let (old, _) = report("old");
    let (new, took) = report("new");
    let inputs = outside(root, "out");
    let journal = root.join("out/.gen-site-staging/.gen-site-output");
    let decided = || fs::read_to_string(&journal).is_ok_and(|text| text.lines().count() > 1);

    let mut mid_switch = 0;
    for attempt in 0..60u32 {
        let _ = fs::remove_dir_all(root.join("out"));
        for (path, entry) in &old {
            match entry {
                Entry::Folder => fs::create_dir_all(root.join("out").join(path)).unwrap(),
                Entry::File(bytes) => write(&root.join("out"), path.to_str().unwrap(), bytes),
                other => panic!("{other:?} in a report"),
            }
        }
        let mut child = spawn(root, &["new", "-o", "out", "--force"]);
        if attempt < 12 {
            std::thread::sleep(took.mul_f64(f64::from(attempt) / 12.0));
        } else {
            while !decided() && child.try_wait().unwrap().is_none() {}
            let extra = Instant::now();
            while extra.elapsed() < Duration::from_micros(u64::from(25 * (attempt % 8))) {}
        }
        child.kill().unwrap();
        child.wait().unwrap();

        // At once: every file under its final name is whole, the old one or the new one.
        for (path, entry) in entries(&root.join("out")) {
            let working = path.starts_with(".gen-site-staging") || path == Path::new(".gen-site-lock");
            assert!(
                working || old.contains(&(path.clone(), entry.clone())) || new.contains(&(path.clone(), entry)),
                "attempt {attempt}: `{}` is neither the old file nor the new one",
                path.display()
            );
        }
        mid_switch += usize::from(decided());
        // The next run (one with no results, which stops early) completes what the killed one left.
        let next = run(root, &["none", "-o", "out", "--force"]);
        assert!(stderr(&next).contains("no result files"), "{}", stderr(&next));
        let now = entries(&root.join("out"));
        assert!(now == old || now == new, "attempt {attempt}: a mix of the old and the new output: {:#?}", now);
        if attempt >= 12 && mid_switch >= 3 {
            break;
        }
    }
    assert!(mid_switch >= 1, "no kill landed while a run switched to its new output");
    assert_eq!(outside(root, "out"), inputs);
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

/// Item 8: a FIFO or socket named like a result file is passed over at once, with a warning; so is a
/// FIFO under gen-site's own names in the output folder.
#[test]
fn fifos_never_block() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "results/a/LMBench_s_1.csv", results_csv(0.5).as_bytes());
    mkfifo(&root.join("results/a/LMBench_s_2.csv"));
    let _socket = std::os::unix::net::UnixListener::bind(root.join("results/a/sglang.jsonl")).unwrap();
    fs::create_dir_all(root.join("out-marker")).unwrap();
    mkfifo(&root.join("out-marker/.gen-site-output"));
    fs::create_dir_all(root.join("out-lock")).unwrap();
    mkfifo(&root.join("out-lock/.gen-site-lock"));
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
    refused(root, &["results", "-o", "out-marker", "--force"], "out-marker/.gen-site-output` is not gen-site's");
    refused(root, &["results", "-o", "out-lock", "--force"], "out-lock/.gen-site-lock` is not gen-site's");
    assert_eq!(outside(root, "out"), before.into_iter().filter(|(p, _)| !p.starts_with("out")).collect::<Vec<_>>());
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

/// Item 15, its part on folders: 1,000 nested folders are walked in a fraction of a second (a look at
/// each folder and file; resolving each folder's whole path took 13 s, growing faster than the square of
/// the depth).
#[test]
fn deep_folders_are_walked_in_linear_time() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let deployment = vec!["d"; 1000].join("/");
    write(root, &format!("results/{deployment}/LMBench_s_1.csv"), results_csv(0.5).as_bytes());
    let started = Instant::now();
    let output = run(root, &["results", "-o", "out"]);
    assert!(output.status.success(), "{}", stderr(&output));
    // Far above the 0.3 s it takes, for busy machines.
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(deployments(&root.join("out/summary.json")), [deployment]);
}

/// One entry of a generated results folder, under a generated relative path.
#[derive(Debug, Clone)]
enum Planted {
    /// A result file of five requests, or one whose rows hold `row` beside them.
    Result {
        ttft: f64,
        row: Option<String>,
    },
    /// A link to a file outside the results, to a result file inside them, to the folder above, or
    /// to nothing.
    Link(u8),
    Fifo,
    Folder,
    /// A file that is no result (JSON, YAML or text).
    Other(String),
}

fn planted() -> impl Strategy<Value = Planted> {
    prop_oneof![
        4 => (0.01f64..5.0, prop::option::of(prop::sample::select(vec![
            "1e308,1e308,1e-310,1,0,1", "NaN,1,1,1,1,1", "\"a\nb\",1,1,1,1,1", "1,2", ",,,,,", "-1,-1,-1,-1,-1,-1",
        ]).prop_map(String::from))).prop_map(|(ttft, row)| Planted::Result { ttft, row }),
        2 => (0u8..4).prop_map(Planted::Link),
        1 => Just(Planted::Fifo),
        1 => Just(Planted::Folder),
        1 => prop::sample::select(vec!["{", "[1,2", "{\"benchmarks\": 3}", "a: [", "\u{0}\u{1b}[2J", ""])
            .prop_map(|s: &str| Planted::Other(s.to_string())),
    ]
}

/// A relative path of one to four parts: names with blanks, Markdown, HTML, controls, dots; the last a
/// result-like name or not.
fn planted_path() -> impl Strategy<Value = PathBuf> {
    let part = prop::sample::select(vec![
        "a",
        "b",
        "llm-d",
        " x",
        "#h",
        "1. big",
        "<b>",
        "\u{1b}]0;t\u{7}",
        "..a",
        "é",
        "reports-1",
        "SERVE--x-BENCH--y",
    ]);
    let leaf = prop::sample::select(vec![
        "LMBench_s_1.csv",
        "LMBench_s_2.csv",
        "LMBench_long_input_0.5.csv",
        "result.json",
        "benchmarks.yaml",
        "profile_export.jsonl",
        "notes.txt",
        "data.csv",
    ]);
    (prop::collection::vec(part, 0..4), leaf).prop_map(|(parts, leaf)| {
        let mut path: PathBuf = parts.iter().collect();
        path.push(leaf);
        path
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the layout of the results (links in and out, FIFOs, hostile names and rows, files of
    /// other kinds) and whatever the output folder holds already, gen-site ends in bounded time with
    /// bounded output, leaves every input as it was and writes nothing outside the output folder.
    #[test]
    fn generated_layouts_leave_everything_but_the_output_folder_unchanged(
        layout in prop::collection::vec((planted_path(), planted()), 1..12),
        users_file in any::<bool>(),
        force in any::<bool>(),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "secret.txt", b"SECRET-7f3a9c");
        fs::create_dir_all(root.join("results")).unwrap();
        for (relative, entry) in &layout {
            let path = root.join("results").join(relative);
            if fs::symlink_metadata(&path).is_ok() || path.ancestors().skip(1).any(|a| a.is_file() || a.is_symlink()) {
                continue;
            }
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            match entry {
                Planted::Result { ttft, row } => {
                    let mut csv = results_csv(*ttft);
                    if let Some(row) = row {
                        csv.push_str(row);
                        csv.push('\n');
                    }
                    fs::write(&path, csv).unwrap();
                }
                Planted::Link(0) => symlink(root.join("secret.txt"), &path).unwrap(),
                Planted::Link(1) => symlink(root.join("results"), &path).unwrap(),
                Planted::Link(2) => symlink("..", &path).unwrap(),
                Planted::Link(_) => symlink("nothing-here", &path).unwrap(),
                Planted::Fifo => mkfifo(&path),
                Planted::Folder => fs::create_dir_all(&path).unwrap(),
                Planted::Other(text) => fs::write(&path, text).unwrap(),
            }
        }
        if users_file {
            write(root, "out/notes.md", b"the user's own");
        }
        let before = outside(root, "out");
        let input_size: usize = entries(&root.join("results"))
            .iter()
            .map(|(p, e)| p.as_os_str().len() + if let Entry::File(b) = e { b.len() } else { 0 })
            .sum();
        let mut args = vec!["results", "-o", "out"];
        if force {
            args.push("--force");
        }
        let output = run(root, &args);
        prop_assert!(outside(root, "out") == before, "gen-site changed something outside `out`");
        if users_file {
            prop_assert_eq!(fs::read(root.join("out/notes.md")).unwrap(), b"the user's own");
        }
        prop_assert!(output.stderr.len() < 20_000 + 2 * input_size, "{} bytes on stderr", output.stderr.len());
        if output.status.success() {
            let summary = read_json(&root.join("out/summary.json"));
            prop_assert!(summary["runs"].as_array().is_some_and(|runs| !runs.is_empty()));
            for file in ["README.md", "summary.json"] {
                let size = fs::metadata(root.join("out").join(file)).unwrap().len() as usize;
                prop_assert!(size < 200_000 + 20 * input_size, "{file} is {size} bytes");
            }
            prop_assert!(!snapshot(&root.join("out")).iter().any(|(_, b)| b.windows(13).any(|w| w == b"SECRET-7f3a9c")));
        } else {
            // Refused or nothing to analyse: one clear line, nothing written.
            prop_assert!(stderr(&output).lines().any(|l| l.starts_with("error:")), "{}", stderr(&output));
        }
    }
}
