//! The analysis of the real results in tests/data/exp-3-h100, read as gen-site reads them: shared by the
//! statistics tests and the SLO benchmark (benches/slo.rs).

use serving_compare::analysis::{group_runs, Analysis, Grouping, Run};
use serving_compare::formats::{assemble, is_candidate, read};
use serving_compare::inference::StatsConfig;
use std::path::{Path, PathBuf};

pub const BASELINE: &str = "vllm-standalone-llama-3-70b-2replicas-H100";

fn files(folder: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, root, out);
        } else {
            out.push((path.strip_prefix(root).unwrap().to_str().unwrap().to_string(), path));
        }
    }
}

pub fn exp3(config: StatsConfig) -> Analysis {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/exp-3-h100");
    let mut paths = Vec::new();
    files(&root, &root, &mut paths);
    let mut warnings = Vec::new();
    let reads = paths
        .into_iter()
        .filter(|(relative, _)| is_candidate(relative))
        .map(|(relative, path)| {
            let read = read(&relative, std::fs::read(path).unwrap());
            warnings.extend(read.warnings);
            (relative, read.found)
        })
        .collect();
    let sourced = assemble(reads, &mut warnings);
    let groups = group_runs(sourced, &Grouping::default(), &mut warnings);
    let runs: Vec<Run> = groups.iter().map(Run::summarise).collect();
    Analysis::new(runs, warnings, "exp-3-h100", Some(BASELINE), config).unwrap()
}
