//! gen-site's behaviour as a command: bad input reported and the rest analysed, exit codes, the output
//! folder's safety rules, what discovery passes over, and escaping of names from the user's folders.

mod support;

use std::fs;
use support::*;

const HEADER: &str = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time\n";

fn good_csv() -> String {
    format!("{HEADER}100,11,0.5,1.0,1000,1001.5\n200,21,0.7,2.0,1001,1003.7\n150,16,0.6,1.5,1002,1004.1\n")
}

#[test]
fn bad_input_is_reported_and_the_rest_is_analysed() {
    let tmp = tempfile::tempdir().unwrap();
    let results = tmp.path().join("results");
    write(&results, "good/LMBench_s_1.csv", good_csv().as_bytes());
    write(&results, "good/LMBench_s_qps2.csv", format!("{}1,2,oops,0.1,1,2\n3,4\n", good_csv()).as_bytes());
    write(&results, "good/notes.csv", b"a,b\n");
    write(&results, "good/README.md", b"# notes\n");
    write(&results, "bad/LMBench_s_1.csv", b"");
    write(&results, "bad/LMBench_s_2.csv", HEADER.as_bytes());
    write(&results, "bad/LMBench_s_3.csv", b"prompt_tokens,ttft\n1,2\n");
    write(&results, "bad/LMBench_s_4.csv", b"\x89PNG\r\n\x1a\n\x00\xff\xfe");
    write(&results, ".hidden/LMBench_s_1.csv", good_csv().as_bytes());
    let before = snapshot(&results);

    let output = gen_site(tmp.path(), &["results", "-o", "out"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    for line in [
        "warning: good/LMBench_s_qps2.csv:5: row skipped: `ttft` is not a number: `oops`",
        "warning: good/LMBench_s_qps2.csv:6: row skipped: expected 6 fields as in the header, found 2",
        "warning: good/notes.csv: not a result file of a known benchmark tool (a CSV with columns `a`, `b`)",
        "warning: bad/LMBench_s_1.csv: the file is empty",
        "warning: bad/LMBench_s_2.csv: no data rows, only a header",
        "warning: bad/LMBench_s_3.csv:1: missing required columns `generation_tokens`, `generation_time`, `launch_time`, `finish_time`",
        "warning: bad/LMBench_s_4.csv:1: not UTF-8 text",
    ] {
        assert!(err.contains(line), "stderr lacks `{line}`:\n{err}");
    }
    assert!(!err.contains(".hidden") && !err.contains("warning: good/README.md"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let summary = read_json(&tmp.path().join("out/summary.json"));
    let runs = summary["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r["deployment"] == "good" && r["requests"] == 3));
    assert_eq!(runs[1]["skipped_rows"], 2);
    assert_eq!(summary["skipped_rows"], 2);
    assert_eq!(summary["warnings"].as_array().unwrap().len(), 7);
    assert_eq!(summary["warnings"][0]["file"], "bad/LMBench_s_1.csv");
    let readme = fs::read_to_string(tmp.path().join("out/README.md")).unwrap();
    assert!(readme.contains("7 problems in the input passed over"), "{readme}");
    assert_eq!(snapshot(&results), before, "the results folder changed");

    let strict = gen_site(tmp.path(), &["results", "-o", "out", "--strict"]);
    assert!(!strict.status.success());
    assert!(stderr(&strict).contains("--strict"));
}

#[test]
fn nothing_usable_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "results/a/LMBench_s_1.csv", HEADER.as_bytes());
    write(tmp.path(), "results/a/LMBench_s_2.csv", format!("{HEADER}x,y,z,1,2,3\n").as_bytes());
    let output = gen_site(tmp.path(), &["results"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("error: no run could be analysed"), "{}", stderr(&output));

    fs::create_dir(tmp.path().join("empty")).unwrap();
    let output = gen_site(tmp.path(), &["empty"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("error: no result files in `empty`"), "{}", stderr(&output));
    // A failed run leaves nothing behind: no output folder it created, no staging folder in one it didn't.
    assert!(!tmp.path().join("gen-site-out").exists());
    fs::create_dir(tmp.path().join("kept")).unwrap();
    assert!(!gen_site(tmp.path(), &["empty", "-o", "kept"]).status.success());
    assert_eq!(fs::read_dir(tmp.path().join("kept")).unwrap().count(), 0);

    let output = gen_site(tmp.path(), &["missing"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("error: the results folder `missing` does not exist"));
}

#[test]
fn output_folder_is_never_someone_elses() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "results/a/LMBench_s_1.csv", good_csv().as_bytes());
    write(tmp.path(), "out/notes.txt", b"mine");

    let refused = gen_site(tmp.path(), &["results", "-o", "out"]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("holds files that gen-site did not write (such as `notes.txt`)"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(snapshot(&tmp.path().join("out")), vec![("notes.txt".into(), b"mine".to_vec())]);

    gen_site_ok(tmp.path(), &["results", "-o", "out", "--force"]);
    assert_eq!(fs::read(tmp.path().join("out/notes.txt")).unwrap(), b"mine");
    assert!(tmp.path().join("out/summary.json").exists());

    // Its own folder is rewritten without --force, and holds nothing else (tests/hardening_output.rs tries
    // the rules on hostile and unlucky folders).
    gen_site_ok(tmp.path(), &["results", "-o", "report"]);
    gen_site_ok(tmp.path(), &["results", "-o", "report"]);
    let mut names: Vec<String> =
        snapshot(&tmp.path().join("report")).into_iter().map(|(p, _)| p.display().to_string()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".gen-site-output",
            ".nojekyll",
            "README.md",
            "data.js",
            "files.js",
            "index.html",
            "plots/latency_comparison.png",
            "plots/latency_comparison.svg",
            "plots/qps_comparison.png",
            "plots/qps_comparison.svg",
            "plots/throughput_comparison.png",
            "plots/throughput_comparison.svg",
            "plots/tradeoff_comparison.png",
            "plots/tradeoff_comparison.svg",
            "style.css",
            "summary.json",
            "viewer-wasm.js",
            "viewer.js",
        ]
    );

    let same = gen_site(tmp.path(), &["results", "-o", "results", "--force"]);
    assert!(!same.status.success());
    assert!(stderr(&same).contains("the output folder is the results folder"));

    write(tmp.path(), "file", b"x");
    let not_a_folder = gen_site(tmp.path(), &["results", "-o", "file"]);
    assert!(!not_a_folder.status.success());
    assert!(stderr(&not_a_folder).contains("exists and is not a folder"));
}

#[test]
fn output_folders_inside_the_results_are_not_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let results = tmp.path().join("results");
    write(&results, "a/LMBench_s_1.csv", good_csv().as_bytes());
    // An earlier report, moved elsewhere in the results, still carries its marker.
    write(&results, "old-report/.gen-site-output", b"# Written by gen-site\n");
    write(&results, "old-report/data/LMBench_s_1.csv", good_csv().as_bytes());
    gen_site_ok(tmp.path(), &["results", "-o", "results/report"]);
    let output = gen_site_ok(tmp.path(), &["results", "-o", "results/report"]);
    assert!(!stderr(&output).contains("warning:"), "{}", stderr(&output));
    let summary = read_json(&results.join("report/summary.json"));
    assert_eq!(summary["runs"].as_array().unwrap().len(), 1);
    assert_eq!(summary["deployments"].as_array().unwrap().len(), 1);
}

#[test]
fn names_from_folders_are_escaped_in_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let evil = "<img src=x onerror=alert(1)>";
    write(tmp.path(), &format!("results/{evil}/LMBench_s_1.csv"), good_csv().as_bytes());
    write(tmp.path(), "results/standalone/vllm/LMBench_s_1.csv", good_csv().as_bytes());
    gen_site_ok(tmp.path(), &["results", "-o", "out"]);
    let readme = fs::read_to_string(tmp.path().join("out/README.md")).unwrap();
    assert!(!readme.contains("<img"), "{readme}");
    assert!(readme.contains("&lt;img src=x onerror=alert(1)&gt;"), "{readme}");
    let summary = read_json(&tmp.path().join("out/summary.json"));
    assert_eq!(summary["baseline"], "standalone/vllm");
    assert_eq!(summary["deployments"][0]["id"], evil);
}

#[test]
fn baseline_can_be_chosen_by_id_or_label() {
    let tmp = tempfile::tempdir().unwrap();
    let example = example();
    let example = example.to_str().unwrap();
    gen_site_ok(tmp.path(), &[example, "-o", "a", "--baseline", "llm-d-llama-3b"]);
    assert_eq!(read_json(&tmp.path().join("a/summary.json"))["baseline"], "llm-d/llm-d-llama-3b");
    gen_site_ok(tmp.path(), &[example, "-o", "b", "--baseline", "standalone/standalone-vllm-llama-3b"]);
    let summary = read_json(&tmp.path().join("b/summary.json"));
    assert_eq!(summary["baseline"], "standalone/standalone-vllm-llama-3b");
    assert_eq!(summary["comparisons"][0]["deployment"], "llm-d/llm-d-llama-3b");
    let wrong = gen_site(tmp.path(), &[example, "-o", "c", "--baseline", "nope"]);
    assert!(!wrong.status.success());
    assert!(stderr(&wrong).contains("--baseline `nope` names no deployment; the deployments are: llm-d/llm-d-llama-3b, standalone/standalone-vllm-llama-3b"));
}

#[test]
fn a_folder_of_every_tool_gives_one_report_comparing_like_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let results = tmp.path().join("results");
    mixed_results(&results);
    let before = snapshot(&results);
    let output = gen_site(tmp.path(), &["results", "-o", "out", "--baseline", "vllm"]);
    assert!(output.status.success(), "{}", stderr(&output));
    // Every file is recognised: the companions pass silently, and nothing is reported.
    assert!(!stderr(&output).contains("warning:"), "{}", stderr(&output));
    let summary = read_json(&tmp.path().join("out/summary.json"));
    assert_eq!(summary["schema_version"], 3);
    let ids: Vec<&str> = summary["deployments"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["aiperf", "guidellm", "inference-perf", "llmd", "sglang", "vllm"]);
    let runs = summary["runs"].as_array().unwrap();
    let formats: std::collections::BTreeSet<&str> = runs.iter().map(|r| r["format"].as_str().unwrap()).collect();
    assert_eq!(formats.len(), 6, "{formats:?}");
    // The same load of the same (default) scenario is compared across tools; loads of another kind never.
    let compared = |load: serde_json::Value| -> Vec<&str> {
        let mut ids: Vec<&str> = summary["comparisons"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["load"] == load)
            .map(|c| c["deployment"].as_str().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(compared(serde_json::json!({"kind": "qps", "value": 5.0})), ["guidellm", "inference-perf"]);
    assert_eq!(compared(serde_json::json!({"kind": "qps", "value": 10.0})), ["guidellm", "llmd"]);
    assert_eq!(compared(serde_json::json!({"kind": "qps", "value": 20.0})), ["sglang"]);
    assert_eq!(compared(serde_json::json!({"kind": "concurrency", "value": 2.0})), ["aiperf", "sglang"]);
    for comparison in summary["comparisons"].as_array().unwrap() {
        assert_eq!(comparison["baseline"], "vllm");
        let base = runs.iter().find(|r| r["deployment"] == "vllm" && r["load"] == comparison["load"]).unwrap();
        assert_eq!(base["scenario"], comparison["scenario"]);
    }
    // Failures are counted per run, and the per-request runs say so.
    let aiperf = runs.iter().find(|r| r["deployment"] == "aiperf").unwrap();
    assert_eq!((aiperf["requests"].as_u64(), aiperf["failed_requests"].as_u64()), (Some(10), Some(2)));
    assert_eq!(aiperf["per_request"], true);
    let llmd = runs.iter().find(|r| r["deployment"] == "llmd").unwrap();
    assert_eq!((llmd["per_request"].as_bool(), llmd["tool_version"].as_str()), (Some(false), Some("0.3.0")));
    let readme = fs::read_to_string(tmp.path().join("out/README.md")).unwrap();
    assert!(readme.contains("#### default at concurrency 2"), "{readme}");
    assert!(readme.contains("10 (2 failed, 16.7 %)"), "{readme}");
    assert_eq!(snapshot(&results), before, "the results folder changed");

    // Named by model instead, every deployment of this folder is the mock server: one deployment, whose
    // repetitions at one load pool their requests.
    let by_model = gen_site(tmp.path(), &["results", "-o", "by-model", "--deployment-by", "model"]);
    assert!(by_model.status.success(), "{}", stderr(&by_model));
    let summary = read_json(&tmp.path().join("by-model/summary.json"));
    let ids: Vec<&str> = summary["deployments"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"mock-model"), "{ids:?}");
}

/// The statistics options: the same seed gives the same summary.json byte for byte; `--fail-on`
/// gates a pipeline on a regression or on overloaded runs; bad values are refused with a reason.
#[test]
fn verdicts_are_reproducible_and_can_gate_a_pipeline() {
    let tmp = tempfile::tempdir().unwrap();
    let real = real_data();
    let real = real.to_str().unwrap();
    let baseline = ["--baseline", "vllm-standalone-llama-3-70b-2replicas-H100"];
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec![real, "-o", out];
        args.extend(baseline);
        args.extend(extra);
        gen_site(tmp.path(), &args)
    };
    for out in ["a", "b"] {
        let output = run(out, &[]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let summary = |out: &str| fs::read(tmp.path().join(out).join("summary.json")).unwrap();
    assert_eq!(summary("a"), summary("b"), "the same input and seed gave another summary.json");
    assert!(run("c", &["--seed", "7"]).status.success());
    assert_ne!(summary("a"), summary("c"), "the seed changed nothing");

    let json = read_json(&tmp.path().join("a/summary.json"));
    assert_eq!(json["stats_config"]["noise_threshold"], 0.05);
    let changes: Vec<&serde_json::Value> =
        json["comparisons"].as_array().unwrap().iter().flat_map(|c| c["changes"].as_array().unwrap()).collect();
    let worse = changes.iter().filter(|c| c["verdict"] == "worse").count();
    assert!(worse > 0);
    let readme = fs::read_to_string(tmp.path().join("a/README.md")).unwrap();
    assert!(readme.contains("changes within ±5 % are treated as noise"), "{readme}");
    assert!(readme.contains("## Verdicts") && readme.contains("### Runs not at a steady state"), "{readme}");

    let gated = run("d", &["--fail-on", "worse"]);
    assert_eq!(gated.status.code(), Some(3), "{}", stderr(&gated));
    assert!(
        stderr(&gated).contains(&format!("--fail-on: {worse} changes worse than the baseline")),
        "{}",
        stderr(&gated)
    );
    assert!(tmp.path().join("d/README.md").exists(), "the report is written before failing");
    let unstable = run("e", &["--fail-on", "unstable"]);
    assert_eq!(unstable.status.code(), Some(3));
    assert!(stderr(&unstable).contains("29 runs not at a steady state"), "{}", stderr(&unstable));
    // A noise threshold wider than every change makes nothing worse.
    let lenient = run("f", &["--fail-on", "worse", "--noise-threshold", "0.9"]);
    assert!(lenient.status.success(), "{}", stderr(&lenient));

    for (flag, value, why) in [
        ("--confidence", "2", "not between"),
        ("--noise-threshold", "x", "not a number"),
        ("--multiplicity", "bonferroni", "invalid value"),
        ("--resamples", "10", "not in 100..=1000000"),
    ] {
        let refused = run("g", &[flag, value]);
        assert!(!refused.status.success(), "{flag} {value} was accepted");
        assert!(stderr(&refused).contains(why), "{flag} {value}: {}", stderr(&refused));
    }
}
