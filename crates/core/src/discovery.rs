//! Which files are read and whose results they are: folders passed over, and the identity rules that
//! give each run its deployment (the folder above a tool's own per-run folders, or the model or target
//! the files record). Works on `/`-separated relative paths; the walking itself is the caller's.

use crate::decimal;
use crate::formats::Sourced;
use crate::model::Format;
use crate::text::shown;
use crate::warning::Warning;

/// The file that marks a folder as this tool's own output, so that it is never read back as input.
pub const OUTPUT_MARKER: &str = ".gen-site-output";

/// Whether a folder with this name is passed over while looking for results: hidden folders, and the
/// `lost+found` of a file system's root (on a results volume, and readable by root only).
pub fn skip_folder(name: &str) -> bool {
    name.starts_with('.') || name == "lost+found"
}

/// Whether a file (by its relative path) lies in a folder that is passed over: a hidden folder, or one of
/// `output_folders` (folders that hold [`OUTPUT_MARKER`]). For callers given a list of paths, such as the
/// browser with a dropped folder, rather than a file system to walk.
pub fn in_passed_over_folder(relative_path: &str, output_folders: &[&str]) -> bool {
    let Some((folder, _)) = relative_path.rsplit_once('/') else { return false };
    folder.split('/').any(skip_folder)
        || output_folders
            .iter()
            .any(|out| folder == *out || folder.strip_prefix(out).is_some_and(|rest| rest.starts_with('/')))
}

/// The folders holding [`OUTPUT_MARKER`] among relative file paths. The top folder is never one: it is
/// what the user chose to read.
pub fn output_folders<'a>(relative_paths: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    relative_paths
        .filter_map(|p| match p.rsplit_once('/') {
            Some((folder, OUTPUT_MARKER)) => Some(folder),
            _ => None,
        })
        .collect()
}

/// The deployment's short label: the last component of its id.
pub fn deployment_label(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// How deployments are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeploymentBy {
    /// The folder holding the results (above a tool's own per-run folders).
    #[default]
    Folder,
    /// The model the files record as served.
    Model,
    /// The endpoint URL the files record as measured.
    Target,
}

impl DeploymentBy {
    pub const ALL: [DeploymentBy; 3] = [DeploymentBy::Folder, DeploymentBy::Model, DeploymentBy::Target];

    pub fn key(self) -> &'static str {
        match self {
            DeploymentBy::Folder => "folder",
            DeploymentBy::Model => "model",
            DeploymentBy::Target => "target",
        }
    }
}

/// Whether a folder name is one a tool makes for each run it writes, so that its runs belong to the
/// deployment folder above.
fn is_tool_run_folder(name: &str, format: Format) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match format {
        // reports-YYYYMMDD-HHMMSS
        Format::InferencePerf => name
            .strip_prefix("reports-")
            .and_then(|rest| rest.split_once('-'))
            .is_some_and(|(date, time)| digits(date, 8) && digits(time, 6)),
        // SERVE--<params>-BENCH--<params> combinations and their experiment folder, YYYYMMDD_HHMMSS.
        Format::VllmBench => {
            name.starts_with("SERVE-")
                || name.starts_with("BENCH-")
                || name.split_once('_').is_some_and(|(date, time)| digits(date, 8) && digits(time, 6))
        }
        // <model>-<service>-<endpoint>-concurrency8 (or -request_rate10.0, -fixed_schedule, -user_centric-…),
        // profile_runs/run_0001, trial_0001, search_iter_0001, sweep values such as concurrency_10, artifacts.
        Format::Aiperf => {
            let numbered = |prefix: &str| {
                name.strip_prefix(prefix).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            };
            const SWEPT: [&str; 7] = ["concurrency", "request_rate", "rate", "request_count", "isl", "osl", "users"];
            let sweep_value = name.split("__").all(|part| {
                part.rsplit_once('_')
                    .is_some_and(|(key, value)| SWEPT.contains(&key) && decimal::parse(value).is_some())
            });
            ["profile_runs", "artifacts", "aggregate", "sweep_aggregate"].contains(&name)
                || numbered("run_")
                || numbered("trial_")
                || numbered("search_iter_")
                || sweep_value
                || ["-concurrency", "-request_rate", "-fixed_schedule", "-user_centric"]
                    .iter()
                    .any(|m| name.contains(m))
        }
        Format::LmbenchCsv | Format::SglangBench | Format::Guidellm | Format::LlmdReport => false,
    }
}

/// The deployment folder of a file read as `format`: the folder holding it, less the tool's own per-run
/// folders at its end; `.` for the results folder itself.
pub fn deployment_folder(file: &str, format: Format) -> String {
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    while parts.last().is_some_and(|name| is_tool_run_folder(name, format)) {
        parts.pop();
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// The deployment id of a run by the chosen rule. Naming by model or target falls back to the folder,
/// with a warning, when the run's files record none.
pub fn deployment_id(sourced: &Sourced, by: DeploymentBy, warnings: &mut Vec<Warning>) -> String {
    let folder = || deployment_folder(&sourced.files[0], sourced.run.format);
    let recorded = match by {
        DeploymentBy::Folder => return folder(),
        DeploymentBy::Model => sourced.run.model.as_deref(),
        DeploymentBy::Target => sourced.run.target.as_deref(),
    };
    match recorded.map(str::trim).filter(|r| !r.is_empty()) {
        Some(name) => shown(name),
        None => {
            warnings.push(Warning::file(
                &sourced.files[0],
                format!("no {} recorded: the deployment is named by its folder", by.key()),
            ));
            folder()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_run_folders_belong_to_the_folder_above() {
        assert_eq!(deployment_folder("a/b/LMBench_x_1.csv", Format::LmbenchCsv), "a/b");
        assert_eq!(deployment_folder("LMBench_x_1.csv", Format::LmbenchCsv), ".");
        assert_eq!(
            deployment_folder("llm-d/reports-20250101-120000/stage_0_lifecycle_metrics.json", Format::InferencePerf),
            "llm-d"
        );
        assert_eq!(
            deployment_folder("llm-d/reports-2025/stage_0_lifecycle_metrics.json", Format::InferencePerf),
            "llm-d/reports-2025"
        );
        assert_eq!(
            deployment_folder(
                "vllm/20250513_043751/SERVE--max_num_seqs=32-BENCH--max_concurrency=4/run=0.json",
                Format::VllmBench
            ),
            "vllm"
        );
        assert_eq!(
            deployment_folder(
                "dep/artifacts/mock-model-openai-completions-concurrency2/profile_export.jsonl",
                Format::Aiperf
            ),
            "dep"
        );
        assert_eq!(
            deployment_folder("dep/base/profile_runs/run_0002/profile_export.jsonl", Format::Aiperf),
            "dep/base"
        );
        assert_eq!(deployment_folder("dep/request_rate_5.0/profile_export.jsonl", Format::Aiperf), "dep");
        assert_eq!(deployment_folder("aiperf-dep/profile_export.jsonl", Format::Aiperf), "aiperf-dep");
        // Other tools' folders are not theirs to strip.
        assert_eq!(deployment_folder("dep/run_0001/x.json", Format::VllmBench), "dep/run_0001");
    }

    #[test]
    fn passed_over_folders_among_paths() {
        let paths = ["a/x.csv", "r/.gen-site-output", "r/data/x.csv", "rr/x.csv", ".git/x.csv", "a/.b/x.csv"];
        let outputs = output_folders(paths.into_iter());
        assert_eq!(outputs, ["r"]);
        let kept: Vec<&str> = paths.into_iter().filter(|p| !in_passed_over_folder(p, &outputs)).collect();
        assert_eq!(kept, ["a/x.csv", "rr/x.csv"]);
        assert!(output_folders([".gen-site-output", "x.csv"].into_iter()).is_empty());
        assert_eq!(deployment_label("a/b/c"), "c");
    }

    #[test]
    fn hidden_folders_are_skipped() {
        assert!(skip_folder(".git"));
        assert!(skip_folder("lost+found"));
        assert!(!skip_folder("llm-d"));
    }
}
