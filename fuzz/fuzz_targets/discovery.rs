//! Arbitrary lists of relative paths (one a line) through the discovery rules: which folders are passed
//! over, which files are candidates, which deployment each file's runs belong to, and the grouping of
//! runs by deployment.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serving_compare::analysis::{group_runs, Grouping};
use serving_compare::discovery::{
    deployment_folder, deployment_id, deployment_label, in_passed_over_folder, output_folders, skip_folder,
    DeploymentBy, OUTPUT_MARKER,
};
use serving_compare::formats::{is_candidate, Sourced};
use serving_compare::model::{Body, Format, Load, RequestLog, RunData};
use serving_compare::text::SHOWN_CHARS;

const FORMATS: [Format; 7] = [
    Format::LmbenchCsv,
    Format::VllmBench,
    Format::SglangBench,
    Format::Guidellm,
    Format::InferencePerf,
    Format::Aiperf,
    Format::LlmdReport,
];

/// Whether `path` lies in `folder` (at any depth).
fn inside(path: &str, folder: &str) -> bool {
    path.strip_prefix(folder).is_some_and(|rest| rest.starts_with('/'))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let paths: Vec<&str> = text.split('\n').take(256).collect();

    let outputs = output_folders(paths.iter().copied());
    for out in &outputs {
        assert!(paths.contains(&format!("{out}/{OUTPUT_MARKER}").as_str()), "{out:?} holds no marker");
    }
    for (i, path) in paths.iter().enumerate() {
        // As a walk gives them: no empty component (nor a leading or doubled `/`).
        let well_formed = path.split('/').all(|c| !c.is_empty());
        let passed_over = in_passed_over_folder(path, &outputs);
        // A file of the top folder is always looked at.
        if !path.contains('/') {
            assert!(!passed_over, "{path:?}");
        }
        // Inside an output folder, or a hidden one, a file is passed over.
        if outputs.iter().any(|out| inside(path, out)) {
            assert!(passed_over, "{path:?} in an output folder of {outputs:?}");
        }
        if let Some((folder, _)) = path.rsplit_once('/') {
            if folder.split('/').any(skip_folder) {
                assert!(passed_over, "{path:?} in a hidden folder");
            }
        }
        // More output folders pass over more, never less.
        if passed_over {
            let mut more = outputs.clone();
            more.push(paths[(i + 1) % paths.len()]);
            assert!(in_passed_over_folder(path, &more));
        } else {
            assert!(!in_passed_over_folder(path, &[]));
        }
        // Candidates by extension, whatever the case.
        assert_eq!(is_candidate(path), is_candidate(&path.to_ascii_uppercase()), "{path:?}");

        for format in FORMATS {
            let folder = deployment_folder(path, format);
            // The folder holding the file, or one above it, or the results folder itself.
            assert!(folder == "." || inside(path, &folder), "{path:?} as {format:?}: {folder:?}");
            // What is left is no tool's run folder: a file in it belongs to it.
            assert_eq!(deployment_folder(&format!("{folder}/x"), format), folder, "{path:?} as {format:?}");
            // LMBench has no run folders of its own: its deployment is the folder holding the file.
            if format == Format::LmbenchCsv && well_formed {
                assert_eq!(folder, path.rsplit_once('/').map_or(".", |(f, _)| f), "{path:?}");
            }
            let label = deployment_label(&folder);
            assert!(folder.ends_with(label) && !label.contains('/'), "{folder:?}: {label:?}");
        }
    }

    // Runs from these files, the model and target each records taken from the next path, grouped by
    // each rule.
    let sourced: Vec<Sourced> = paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let format = FORMATS[i % FORMATS.len()];
            let mut run = RunData::new(format, Load::qps(1.0 + i as f64), Body::Requests(RequestLog::default()));
            let recorded = paths[(i + 1) % paths.len()];
            run.model = Some(recorded.to_string());
            run.target = (i % 2 == 0).then(|| recorded.to_string());
            Sourced { files: vec![path.to_string()], run }
        })
        .collect();
    for by in DeploymentBy::ALL {
        let mut warnings = Vec::new();
        for s in &sourced {
            let before = warnings.len();
            let id = deployment_id(s, by, &mut warnings);
            let folder = deployment_folder(&s.files[0], s.run.format);
            let recorded = match by {
                DeploymentBy::Folder => None,
                DeploymentBy::Model => s.run.model.as_deref(),
                DeploymentBy::Target => s.run.target.as_deref(),
            };
            match recorded.filter(|r| !r.trim().is_empty()) {
                // A recorded name, shown bounded and with nothing that acts on a terminal.
                Some(_) => {
                    assert!(id.chars().count() <= 10 * SHOWN_CHARS + 1, "{id:?}");
                    assert!(!id.chars().any(char::is_control), "{id:?}");
                    assert_eq!(warnings.len(), before);
                }
                None => {
                    assert_eq!(id, folder);
                    assert_eq!(warnings.len(), before + (by != DeploymentBy::Folder) as usize);
                }
            }
        }
        let mut warnings = Vec::new();
        let groups = group_runs(sourced.clone(), &Grouping { deployment_by: by, scenario: None }, &mut warnings);
        assert_eq!(groups.iter().map(|g| g.parts.len()).sum::<usize>(), sourced.len());
        for pair in groups.windows(2) {
            assert!(pair[0].key.order(&pair[1].key).is_lt(), "{:?} then {:?}", pair[0].key, pair[1].key);
        }
    }
});
