//! Which files are results: the naming rules for LMBench CSVs and which folders to pass over.
//! Works on relative paths it is given (always `/`-separated); the walking itself is the caller's.

/// The file that marks a folder as this tool's own output, so that it is never read back as input.
pub const OUTPUT_MARKER: &str = ".gen-site-output";

/// Identifies a run: one deployment, one scenario, one QPS level.
#[derive(Debug, Clone, PartialEq)]
pub struct RunKey {
    /// The folder holding the file, relative to the results folder (`.` for the results folder itself).
    pub deployment: String,
    pub scenario: String,
    pub qps: f64,
}

/// What a file path is, by its name.
#[derive(Debug, Clone, PartialEq)]
pub enum FileKind {
    /// A result file of this run.
    Result(RunKey),
    /// A CSV whose name does not follow the result naming rules; the reason says what is off.
    MisnamedCsv(String),
    /// Anything else (not a CSV): passed over silently.
    Other,
}

/// Whether a folder with this name is passed over while looking for results.
pub fn skip_folder(name: &str) -> bool {
    name.starts_with('.')
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

/// Classifies a file by its path relative to the results folder.
///
/// Names are `LMBench_<scenario>_<qps>.csv` or `LMBench_<scenario>_qps<qps>.csv`; the scenario loses a
/// trailing `_output`.
pub fn classify(relative_path: &str) -> FileKind {
    let (folder, name) = match relative_path.rsplit_once('/') {
        Some((folder, name)) => (folder, name),
        None => (".", relative_path),
    };
    let Some(stem) = strip_suffix_ignore_case(name, ".csv") else {
        return FileKind::Other;
    };
    match parse_stem(stem) {
        Ok((scenario, qps)) => FileKind::Result(RunKey { deployment: folder.to_string(), scenario, qps }),
        Err(reason) => FileKind::MisnamedCsv(reason),
    }
}

fn strip_suffix_ignore_case<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let split = name.len().checked_sub(suffix.len())?;
    let (stem, tail) = (name.get(..split)?, name.get(split..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(stem)
}

fn parse_stem(stem: &str) -> Result<(String, f64), String> {
    const EXPECTED: &str = "expected LMBench_<scenario>_<qps>.csv or LMBench_<scenario>_qps<qps>.csv";
    let Some(rest) = stem.strip_prefix("LMBench_") else {
        return Err(format!("name does not start with LMBench_ ({EXPECTED})"));
    };
    let Some((scenario, qps_text)) = rest.rsplit_once('_') else {
        return Err(format!("no QPS after the scenario ({EXPECTED})"));
    };
    let qps_text = qps_text.strip_prefix("qps").unwrap_or(qps_text);
    let qps = match qps_text.parse::<f64>() {
        Ok(qps) if qps.is_finite() && qps > 0.0 && !qps_text.starts_with(['+', '-']) => qps,
        _ => return Err(format!("`{qps_text}` is not a positive QPS ({EXPECTED})")),
    };
    let scenario = scenario.strip_suffix("_output").unwrap_or(scenario);
    if scenario.is_empty() {
        return Err(format!("the scenario is empty ({EXPECTED})"));
    }
    Ok((scenario.to_string(), qps))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(path: &str) -> RunKey {
        match classify(path) {
            FileKind::Result(key) => key,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn both_name_patterns() {
        let key = result("standalone/standalone-vllm-llama-3b/LMBench_long_input_output_0.1.csv");
        assert_eq!(key.deployment, "standalone/standalone-vllm-llama-3b");
        assert_eq!(key.scenario, "long_input");
        assert_eq!(key.qps, 0.1);
        let key = result("llm-d-70b/LMBench_short_input_qps9.5.csv");
        assert_eq!((key.deployment.as_str(), key.scenario.as_str(), key.qps), ("llm-d-70b", "short_input", 9.5));
        let key = result("a/LMBench_sharegpt_output_40.csv");
        assert_eq!((key.scenario.as_str(), key.qps), ("sharegpt", 40.0));
    }

    #[test]
    fn nesting_and_top_level() {
        assert_eq!(result("a/b/c/d/LMBench_x_1.csv").deployment, "a/b/c/d");
        assert_eq!(result("LMBench_x_1.csv").deployment, ".");
        assert_eq!(deployment_label("a/b/c"), "c");
        assert_eq!(deployment_label("c"), "c");
    }

    #[test]
    fn scenario_keeps_inner_underscores_and_output() {
        assert_eq!(result("d/LMBench_long_output_input_2.csv").scenario, "long_output_input");
        assert_eq!(result("d/LMBench_a_b_c_qps2.csv").scenario, "a_b_c");
        assert_eq!(result("d/LMBench_x.CSV_1.CSV").scenario, "x.CSV");
    }

    #[test]
    fn names_that_do_not_fit() {
        for path in [
            "d/results.csv",
            "d/LMBench_.csv",
            "d/LMBench_x_.csv",
            "d/LMBench_x_abc.csv",
            "d/LMBench_x_qps.csv",
            "d/LMBench_x_-1.csv",
            "d/LMBench_x_0.csv",
            "d/LMBench_x_inf.csv",
            "d/LMBench_x_NaN.csv",
            "d/LMBench__5.csv",
            "d/LMBench_5.csv",
        ] {
            match classify(path) {
                FileKind::MisnamedCsv(reason) => assert!(reason.contains("expected"), "{path}: {reason}"),
                other => panic!("{path} should be misnamed, got {other:?}"),
            }
        }
    }

    #[test]
    fn non_csv_files_are_other() {
        assert_eq!(classify("d/README.md"), FileKind::Other);
        assert_eq!(classify("d/LMBench_x_1.json"), FileKind::Other);
        assert_eq!(classify("d/csv"), FileKind::Other);
        assert_eq!(classify("d/é.csv").clone(), classify("d/é.csv"));
    }

    #[test]
    fn passed_over_folders_among_paths() {
        let paths = ["a/x.csv", "r/.gen-site-output", "r/data/x.csv", "rr/x.csv", ".git/x.csv", "a/.b/x.csv"];
        let outputs = output_folders(paths.into_iter());
        assert_eq!(outputs, ["r"]);
        let kept: Vec<&str> = paths.into_iter().filter(|p| !in_passed_over_folder(p, &outputs)).collect();
        assert_eq!(kept, ["a/x.csv", "rr/x.csv"]);
        assert!(output_folders([".gen-site-output", "x.csv"].into_iter()).is_empty());
    }

    #[test]
    fn hidden_folders_are_skipped() {
        assert!(skip_folder(".git"));
        assert!(skip_folder(".cache"));
        assert!(!skip_folder("llm-d"));
    }
}
