//! Every sample of the other tools' formats (tests/data/formats, tests/data/exp-7-h100) read into runs
//! whose loads, counts and statistics equal those computed independently in Python
//! (tests/fixtures/formats_expected.py → tests/fixtures/formats.expected.json).

use serde_json::Value;
use serving_compare::analysis::{Group, Run, RunKey};
use serving_compare::formats::{assemble, is_candidate, read, Sourced};
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
