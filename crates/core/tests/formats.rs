//! Every sample of the other tools' formats (tests/data/formats, tests/data/exp-7-h100) read into runs
//! whose loads, counts and statistics equal those computed independently in Python
//! (tests/fixtures/formats_expected.py → tests/fixtures/formats.expected.json).

use serde_json::Value;
use serving_compare::analysis::{Group, Run, RunKey};
use serving_compare::formats::{assemble, is_candidate, read, Found, Sourced};
use serving_compare::model::DEFAULT_SCENARIO;
use serving_compare::warning::Warning;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The runs of a source: one file, or every file of a folder, read and assembled.
fn runs_of(source: &str, kind: &str) -> (Vec<Sourced>, Vec<Warning>) {
    let data = repo().join("tests/data");
    let paths: Vec<PathBuf> = if kind == "folder" {
        let mut paths: Vec<PathBuf> =
            std::fs::read_dir(data.join(source)).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        paths
    } else {
        vec![data.join(source)]
    };
    let mut warnings = Vec::new();
    let mut reads = Vec::new();
    for path in paths {
        let relative = path.strip_prefix(&data).unwrap().to_str().unwrap().to_string();
        if !is_candidate(&relative) {
            continue;
        }
        let read = read(&relative, std::fs::read(&path).unwrap());
        warnings.extend(read.warnings);
        reads.push((relative, read.found));
    }
    let runs = assemble(reads, &mut warnings);
    (runs, warnings)
}

fn close(got: Option<f64>, want: &Value, what: &str) {
    match (got, want.as_f64()) {
        (Some(g), Some(w)) => assert!((g - w).abs() <= 1e-9 * w.abs().max(1e-12), "{what}: got {g}, expected {w}"),
        (None, None) => {}
        (g, _) => panic!("{what}: got {g:?}, expected {want}"),
    }
}

fn check(run: &Run, want: &Value, name: &str) {
    let scenario = if run.scenario == DEFAULT_SCENARIO { "default" } else { run.scenario.as_str() };
    assert_eq!(scenario, want["scenario"].as_str().unwrap_or("default"), "{name}: scenario");
    assert_eq!(run.format.key(), want["format"], "{name}: format");
    assert_eq!(run.tool_version.as_deref(), want["tool_version"].as_str(), "{name}: tool version");
    assert_eq!(serde_json::to_value(run.load).unwrap(), want["load"], "{name}: load");
    assert_eq!(run.per_request, want["per_request"], "{name}: per_request");
    assert_eq!(Some(run.requests as u64), want["requests"].as_u64(), "{name}: requests");
    assert_eq!(run.failed_requests.map(|f| f as u64), want["failed_requests"].as_u64(), "{name}: failed");
    close(run.duration_s, &want["duration_s"], &format!("{name}: duration"));
    let throughput = serde_json::to_value(run.throughput).unwrap();
    for (key, value) in want["throughput"].as_object().unwrap() {
        close(throughput[key].as_f64(), value, &format!("{name}: {key}"));
    }
    let metrics = serde_json::to_value(&run.metrics).unwrap();
    for (metric, stats) in want["metrics"].as_object().unwrap() {
        for (stat, value) in stats.as_object().unwrap() {
            let got = &metrics[metric][stat];
            if stat == "n" {
                assert_eq!(got, value, "{name}: {metric}.n");
            } else {
                close(got.as_f64(), value, &format!("{name}: {metric}.{stat}"));
            }
        }
    }
}

#[test]
fn every_sample_gives_the_independently_computed_runs() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("tests/fixtures/formats.expected.json")).unwrap())
            .unwrap();
    let sources = expected["sources"].as_array().unwrap();
    assert!(sources.len() >= 30);
    for source in sources {
        let name = source["source"].as_str().unwrap();
        let (runs, warnings) = runs_of(name, source["kind"].as_str().unwrap());
        let want = source["runs"].as_array().unwrap();
        assert_eq!(runs.len(), want.len(), "{name}: runs (warnings: {warnings:?})");
        if let Some(why) = source["warning"].as_str() {
            assert!(!warnings.is_empty(), "{name} should say that its {why}");
        }
        for (i, (sourced, want)) in runs.into_iter().zip(want).enumerate() {
            let scenario = sourced.run.scenario.clone().unwrap_or_else(|| DEFAULT_SCENARIO.to_string());
            let key = RunKey { deployment: "d".into(), scenario, load: sourced.run.load };
            let run = Run::summarise(&Group { key, parts: vec![sourced] });
            check(&run, want, &format!("{name} run {i}"));
        }
    }
}

#[test]
fn files_that_are_not_results_are_passed_over() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("tests/fixtures/formats.expected.json")).unwrap())
            .unwrap();
    for item in expected["not_results"].as_array().unwrap() {
        let path = item["path"].as_str().unwrap();
        if !is_candidate(path) {
            continue;
        }
        let (runs, _) = runs_of(path, "file");
        assert!(runs.is_empty(), "{path} gave runs");
    }
}

#[test]
fn yaml_samples_read_as_pyyaml_reads_them() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("tests/fixtures/yaml.expected.json")).unwrap())
            .unwrap();
    let documents = expected["documents"].as_object().unwrap();
    assert!(documents.len() >= 7);
    for (path, want) in documents {
        let text = std::fs::read_to_string(repo().join("tests/data").join(path)).unwrap();
        let json = serving_compare::formats::yaml::to_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let got: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(&got, want, "{path}");
    }
}

/// What the site carries of a file (`read_for_site`) reads as the file does, and is no larger.
#[test]
fn what_the_site_carries_reads_the_same() {
    let data = repo().join("tests/data");
    let mut stack = vec![data.clone()];
    let mut checked = 0;
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(&data).unwrap().to_str().unwrap().to_string();
            if !is_candidate(&relative) {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let original = read(&relative, bytes.clone());
            let (also, carried) = serving_compare::formats::read_for_site(&relative, bytes.clone());
            assert_eq!(format!("{also:?}"), format!("{original:?}"), "{relative}");
            assert!(carried.len() <= bytes.len(), "{relative}: {} > {}", carried.len(), bytes.len());
            // Compared as text: unknown values are NaN, which is never equal to itself.
            let again = read(&relative, carried);
            assert_eq!(format!("{:?}", again.found), format!("{:?}", original.found), "{relative}");
            checked += 1;
        }
    }
    assert!(checked > 80, "{checked}");
}

/// Every sample that holds results, by path under tests/data.
fn samples() -> Vec<(String, Vec<u8>)> {
    let data = repo().join("tests/data");
    let mut out = Vec::new();
    let mut stack = vec![data.join("formats"), data.join("exp-7-h100")];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(&data).unwrap().to_str().unwrap().to_string();
            let bytes = std::fs::read(&path).unwrap();
            if is_candidate(&relative)
                && !matches!(read(&relative, bytes.clone()).found, Found::Nothing | Found::Companion { .. })
            {
                out.push((relative, bytes));
            }
        }
    }
    out.sort();
    out
}

/// A truncated or emptied result file gets a warning naming it and what is wrong, and no run.
#[test]
fn truncated_and_empty_files_say_what_is_wrong() {
    let samples = samples();
    assert!(samples.len() >= 25, "{}", samples.len());
    for (path, bytes) in &samples {
        let empty = read(path, Vec::new());
        assert_eq!(empty.found, Found::Nothing, "{path}");
        assert_eq!(empty.warnings[0].to_string(), format!("{path}: the file is empty"));
        if !path.ends_with(".json") {
            continue;
        }
        for share in [0.1, 0.5, 0.9] {
            let cut = (bytes.len() as f64 * share) as usize;
            let truncated = read(path, bytes[..cut].to_vec());
            let messages: Vec<String> = truncated.warnings.iter().map(ToString::to_string).collect();
            assert!(!messages.is_empty(), "{path} cut at {share}: no warning");
            assert!(messages.iter().all(|m| m.starts_with(path.as_str())), "{messages:?}");
            if !matches!(truncated.found, Found::Runs(ref runs) if !runs.is_empty()) {
                assert!(
                    messages.iter().any(|m| m.contains("ends too early") || m.contains("not valid JSON")),
                    "{path} cut at {share}: {messages:?}"
                );
            }
        }
    }
}

/// A recognised file with a key missing or of the wrong type gets one clear warning naming the file and
/// the key, and the rest of the folder is still read.
#[test]
fn broken_keys_are_named() {
    let data = repo().join("tests/data/formats");
    let cases: [(&str, &str, Option<serde_json::Value>, &str); 10] = [
        (
            "vllm-bench/0.19.1/vllm-20.0qps-mock-model-20261128-123210.json",
            "/request_rate",
            None,
            "`request_rate` is missing",
        ),
        (
            "vllm-bench/0.19.1/vllm-20.0qps-mock-model-20261128-123210.json",
            "/ttfts",
            Some("x".into()),
            "`ttfts`: invalid type",
        ),
        (
            "vllm-bench/0.19.1/vllm-20.0qps-mock-model-20261128-123210.json",
            "/itls",
            Some(serde_json::json!([[0.1]])),
            "`itls` has 1 entries but `ttfts` has 12",
        ),
        (
            "vllm-bench/0.19.1/openai-chat-infqps-concurrency2-mock-model-20261128-123218.json",
            "/completed",
            Some("many".into()),
            "`completed` is missing or not a number",
        ),
        ("guidellm/0.8.1/benchmarks.json", "/benchmarks", Some(5.into()), "`benchmarks` is not a list"),
        ("guidellm/0.8.1/benchmarks.json", "/benchmarks/0/config/strategy", None, "benchmark 1: no `strategy`"),
        (
            "inference-perf/0.7.0/stage_0_lifecycle_metrics.json",
            "/successes/count",
            Some("x".into()),
            "`count` is missing or not a number",
        ),
        ("aiperf/0.13.0/profile_export_aiperf.json", "/request_count", None, "no `request_count`"),
        (
            "aiperf/0.13.0/profile_export_aiperf.json",
            "/time_to_first_token/unit",
            Some("fortnights".into()),
            "unknown unit `fortnights`",
        ),
        (
            "guidellm/0.3.1/benchmarks.json",
            "/benchmarks/1/args/strategy/type_",
            Some("warp".into()),
            "benchmark 2: strategy `warp`",
        ),
    ];
    for (file, pointer, value, expected) in cases {
        let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(data.join(file)).unwrap()).unwrap();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let target = json.pointer_mut(parent).unwrap_or_else(|| panic!("{file}{pointer}"));
        match (value, target) {
            (None, serde_json::Value::Object(map)) => {
                map.remove(key);
            }
            (Some(value), serde_json::Value::Object(map)) => {
                map.insert(key.to_string(), value);
            }
            (Some(value), serde_json::Value::Array(items)) => items[key.parse::<usize>().unwrap()] = value,
            other => panic!("{file}{pointer}: {other:?}"),
        }
        let read = read(file, serde_json::to_vec(&json).unwrap());
        let messages: Vec<String> = read.warnings.iter().map(ToString::to_string).collect();
        assert!(
            messages.iter().any(|m| m.starts_with(file) && m.contains(expected)),
            "{file}{pointer}: expected `{expected}` in {messages:?}"
        );
    }
}

mod any_bytes {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Reading never panics, whatever the bytes: real samples with bytes changed, cut or repeated.
        #[test]
        fn no_panic_on_damaged_samples(
            which in 0usize..1000,
            changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..16),
            cut in any::<prop::sample::Index>(),
        ) {
            let samples = samples();
            let (path, bytes) = &samples[which % samples.len()];
            let mut damaged = bytes.clone();
            for (at, byte) in changes {
                let i = at.index(damaged.len().max(1));
                if i < damaged.len() {
                    damaged[i] = byte;
                }
            }
            damaged.truncate(cut.index(damaged.len() + 1));
            let read = read(path, damaged.clone());
            for warning in &read.warnings {
                prop_assert!(warning.to_string().starts_with(path.as_str()));
            }
            let _ = serving_compare::formats::read_for_site(path, damaged);
        }

        #[test]
        fn no_panic_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000), name in 0usize..6) {
            let path = ["a.json", "a.jsonl", "a.yaml", "a.csv", "LMBench_a_1.csv", "a.yml"][name];
            let _ = read(path, bytes.clone());
            let text: String = bytes.iter().map(|&b| b"{}[]:,\"0123456789.-eE \n\tabnulltrue#-&*|>'"[b as usize % 40] as char).collect();
            let _ = read(path, text.into_bytes());
        }
    }
}

/// A file read a slice at a time (`Lines`) reads as the whole file does, carried text included, whatever
/// the slices; or it says to read the file whole.
#[test]
fn files_read_as_they_come_read_as_whole_files() {
    use serving_compare::formats::{read_for_site, Lines};
    let streamed = |path: &str, bytes: &[u8], slice: usize| -> Option<(String, String)> {
        let mut lines = Lines::start(path, &bytes[..bytes.len().min(1 << 20)])?;
        let mut carried = String::new();
        for piece in bytes.chunks(slice) {
            if !lines.push(piece) {
                return None;
            }
            carried.push_str(lines.carried());
            lines.carried().clear();
        }
        let (read, rest) = lines.finish()?;
        Some((format!("{read:?}"), carried + &rest))
    };
    let sample = std::fs::read(repo().join("tests/data/formats/aiperf/0.13.0/profile_export.jsonl")).unwrap();
    let text = String::from_utf8(sample.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let variants: Vec<(&str, Vec<u8>, bool)> = vec![
        ("a/profile_export.jsonl", sample.clone(), true),
        ("a/profile_export.jsonl", [b"\xEF\xBB\xBF".as_slice(), &sample].concat(), true),
        ("a/profile_export.jsonl", text.replace('\n', "\r\n").into_bytes(), true),
        ("a/profile_export.jsonl", format!("\n \n{}\n\n", lines.join("\n\n")).into_bytes(), true),
        ("a/profile_export.jsonl", text.trim_end().as_bytes().to_vec(), true),
        // A broken record, a record serde reads (escapes), records with errors: still read as they come.
        ("a/x.jsonl", format!("{}\n{{\"metadata\": [1\n{}\n", lines[0], lines[1]).into_bytes(), true),
        (
            "a/x.jsonl",
            format!("{}\n{}\n", lines[0], lines[1].replace("profiling", "prof\\u0069ling")).into_bytes(),
            true,
        ),
        // Warm-up records only: the first carried as it is, whichever way the file is read.
        (
            "a/x.jsonl",
            format!("{}\n{}\n", lines[0], lines[1]).replace("\"profiling\"", "\"warmup\"").into_bytes(),
            true,
        ),
        // Read whole: one record, a line that is not an object, Python's NaN, text that is not UTF-8.
        ("a/x.jsonl", format!("{}\n", lines[0]).into_bytes(), false),
        ("a/x.jsonl", format!("{}\n[1]\n{}\n", lines[0], lines[1]).into_bytes(), false),
        ("a/x.jsonl", format!("{}\n{}\n", lines[0], lines[1].replacen("1", "NaN", 1)).into_bytes(), false),
        (
            "a/x.jsonl",
            [format!("{}\n", lines[0]).as_bytes(), b"{\"a\": \"\xFF\"}\n", lines[1].as_bytes()].concat(),
            false,
        ),
        ("a/x.csv", sample.clone(), false),
    ];
    for (path, bytes, streams) in variants {
        let (whole, carried) = read_for_site(path, bytes.clone());
        let whole = (format!("{whole:?}"), String::from_utf8_lossy(&carried).into_owned());
        for slice in [1, 7, 100, 4096, 1 << 20] {
            match streamed(path, &bytes, slice) {
                Some(streamed) => assert_eq!(streamed, whole, "{path} {:?} in slices of {slice}", &bytes[..40]),
                None => assert!(!streams, "{path}: not read as it comes: {:?}", String::from_utf8_lossy(&bytes)),
            }
            assert!(streams || streamed(path, &bytes, slice).is_none());
        }
    }
    // Every sample: read as it comes or not at all, the same either way.
    for (path, bytes) in samples() {
        if let Some(streamed) = streamed(&path, &bytes, 1000) {
            let (whole, carried) = read_for_site(&path, bytes.clone());
            assert_eq!(streamed, (format!("{whole:?}"), String::from_utf8(carried).unwrap()), "{path}");
        }
    }
}
