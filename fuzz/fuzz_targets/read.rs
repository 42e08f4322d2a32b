//! Arbitrary files through every reader and the whole in-memory pipeline: read (and read for the site),
//! assemble, group, summarise, analyse, and the Markdown report, terminal table and summary.json.
//!
//! The input is one or more files separated by [`SEP`]; each file's first byte picks its path (a name
//! from [`NAMES`] in a folder from [`FOLDERS`]), the rest is its content; the first file's first byte
//! also picks how deployments are named (by folder below 90, by the model the files record below 180,
//! else by their target). `fuzz/run.sh` makes the seeds so from the samples in tests/data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serving_compare::analysis::{group_runs, Analysis, Grouping, Run};
use serving_compare::discovery::DeploymentBy;
use serving_compare::formats::{assemble, read, read_for_site, Reading};
use serving_compare::inference::StatsConfig;
use serving_compare::slo::{Slo, SloReport};
use serving_compare::{report, summary};

/// Between two files of one input.
const SEP: &[u8] = b"\0FILE\0";

/// File names that take different paths through detection (`formats::read_whole`: by extension, then
/// by content) and through the readers and `assemble` (inference-perf's stage files, AIPerf's pair).
const NAMES: [&str; 18] = [
    "LMBench_s_1.csv",
    "LMBench_chat_output_qps0.5.csv",
    "LMBench_noqps.csv",
    "results.csv",
    "result.json",
    "results.jsonl",
    "benchmarks.yaml",
    "report.yml",
    "profile_export.jsonl",
    "profile_export_aiperf.json",
    "stage_0_lifecycle_metrics.json",
    "stage_1_lifecycle_metrics.json",
    "per_request_lifecycle_metrics.json",
    "summary_lifecycle_metrics.json",
    "config.yaml",
    "summary.json",
    "run=0.json",
    "data",
];

/// Folders: two deployments (so that runs are compared), a tool's own run folders (which belong to the
/// folder above), and the results folder itself.
const FOLDERS: [&str; 5] = ["d/", "e/", "d/reports-20250101-120000/", "e/artifacts/m-openai-chat-concurrency2/", ""];

const MAX_FILES: usize = 8;

fn split(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut rest = data;
    while files.len() < MAX_FILES {
        let (chunk, next) = match rest.windows(SEP.len()).position(|w| w == SEP) {
            Some(at) => (&rest[..at], Some(&rest[at + SEP.len()..])),
            None => (rest, None),
        };
        if let Some((&selector, content)) = chunk.split_first() {
            let selector = selector as usize;
            let path = format!("{}{}", FOLDERS[selector / NAMES.len() % FOLDERS.len()], NAMES[selector % NAMES.len()]);
            // A walk gives each path once.
            if !files.iter().any(|(p, _)| *p == path) {
                files.push((path, content.to_vec()));
            }
        }
        match next {
            Some(next) => rest = next,
            None => break,
        }
    }
    files
}

fn has_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}

fuzz_target!(|data: &[u8]| {
    let files = split(data);
    let input_size: usize = files.iter().map(|(p, c)| p.len() + c.len()).sum();
    let mut warnings = Vec::new();
    let mut reads = Vec::new();
    for (path, bytes) in files {
        let whole = read(&path, bytes.clone());
        for warning in &whole.warnings {
            assert!(warning.to_string().starts_with(path.as_str()), "{warning}");
            // Bounded, whatever the file: quotes are cut to 80 characters (each escaped in at most 10).
            assert!(warning.message.chars().count() < 10_000, "{warning}");
        }
        // Read a slice at a time (as the page does), the file reads as it does whole.
        let mut reading = Reading::new(&path, bytes.clone());
        let mut budget = 1 + bytes.len() / 3;
        let stepped = loop {
            if let Some(read) = reading.step(budget) {
                break read;
            }
            budget = budget * 2 + 7;
        };
        // Compared as text: unknown values are NaN, which is never equal to itself.
        assert_eq!(format!("{stepped:?}"), format!("{whole:?}"), "{path}: step-wise");
        // What the site carries of the file reads the same, and is no larger.
        let (also, carried) = read_for_site(&path, bytes.clone());
        assert_eq!(format!("{also:?}"), format!("{whole:?}"), "{path}: read for the site");
        assert!(carried.len() <= bytes.len(), "{path}: carried {} > {} bytes", carried.len(), bytes.len());
        let again = read(&path, carried);
        assert_eq!(format!("{:?}", again.found), format!("{:?}", whole.found), "{path}: what the site carries");
        warnings.extend(whole.warnings);
        reads.push((path, whole.found));
    }

    let sourced = assemble(reads, &mut warnings);
    let deployment_by = DeploymentBy::ALL[data.first().map_or(0, |&b| b as usize / (NAMES.len() * FOLDERS.len()) % 3)];
    let groups = group_runs(sourced, &Grouping { deployment_by, scenario: None }, &mut warnings);
    serving_compare::warning::sort(&mut warnings);
    let runs: Vec<Run> = groups.iter().map(Run::summarise).collect();
    // Fewer resamples than the default's 2000: the same code, faster.
    let config = StatsConfig { resamples: 200, ..StatsConfig::default() };
    let Ok(analysis) = Analysis::new(runs, warnings, "results", None, config) else { return };

    let slo = Slo::parse("ttft=0.5,e2el=1.2", 0.9).expect("a valid SLO");
    let slo = SloReport::of(&analysis, &slo);
    let json = summary::to_json(&analysis, Some(&slo), "fuzz");
    let markdown = report::markdown(&analysis, "results", &[], Some(&slo));
    let terminal = report::terminal(&analysis, Some(100), Some(&slo));

    let value: serde_json::Value = serde_json::from_str(&json).expect("summary.json is JSON");
    // Runs of per-request records (others have the statistics their files give).
    for run in value["runs"].as_array().expect("runs").iter().filter(|run| run["per_request"] == true) {
        for (metric, stats) in run["metrics"].as_object().expect("metrics") {
            let n = stats["n"].as_u64().unwrap_or(0);
            for stat in ["mean", "min", "p50", "p99", "max"] {
                assert!(n == 0 || stats[stat].is_f64(), "{metric}.{stat} of {n} values: {}", stats[stat]);
            }
        }
    }
    // The tables, that is: warnings may quote a file's `NaN`.
    let tables = markdown.find("## Results by scenario and load").map_or("", |at| &markdown[at..]);
    for text in [tables, &terminal] {
        for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            assert!(!["NaN", "inf"].contains(&word), "`{word}` in\n{text}");
        }
    }
    for text in [&markdown, &terminal] {
        assert!(!has_control(text), "a control character in\n{text}");
        assert!(text.lines().all(|line| line.chars().count() < 3000), "a line of thousands of characters");
    }
    assert!(markdown.len() < 20_000 + 40 * input_size, "{} bytes of Markdown from {input_size}", markdown.len());
});
