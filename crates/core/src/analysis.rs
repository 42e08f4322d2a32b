//! From parsed files to the analysis: files grouped into runs (deployment x scenario x QPS), each run's
//! statistics and throughput, the deployments with their labels, and the baseline.

use crate::compare::{compare_all, Comparison};
use crate::discovery::{deployment_label, RunKey};
use crate::metric::{Metric, Request};
use crate::parse::ParsedFile;
use crate::stats::Summary;
use crate::warning::Warning;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::cmp::Ordering;

/// A deployment: its folder relative to the results folder, and a short label for charts and tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deployment {
    pub id: String,
    pub label: String,
}

/// One parsed result file and where it belongs.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultFile {
    /// Path relative to the results folder.
    pub path: String,
    pub key: RunKey,
    pub parsed: ParsedFile,
}

/// Requests per second and tokens per second over a run's wall-clock duration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Throughput {
    pub requests_per_s: Option<f64>,
    pub output_tokens_per_s: Option<f64>,
    pub total_tokens_per_s: Option<f64>,
}

/// The statistics of every [`Metric`] for one run; serialised as an object keyed by `Metric::key`.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics([Summary; Metric::ALL.len()]);

impl Metrics {
    pub fn get(&self, metric: Metric) -> &Summary {
        &self.0[metric as usize]
    }

    /// Computes every metric over `requests`, reusing one buffer.
    pub fn of(requests: &[Request]) -> Metrics {
        let mut buffer = Vec::with_capacity(requests.len());
        Metrics(Metric::ALL.map(|metric| {
            buffer.clear();
            buffer.extend(requests.iter().filter_map(|r| metric.of(r)));
            Summary::of(&mut buffer)
        }))
    }
}

impl Serialize for Metrics {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Metric::ALL.len()))?;
        for metric in Metric::ALL {
            map.serialize_entry(metric.key(), self.get(metric))?;
        }
        map.end()
    }
}

/// The statistics of one run: one deployment, one scenario, one QPS level, one or more files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub deployment: String,
    pub scenario: String,
    pub qps: f64,
    pub files: Vec<String>,
    pub requests: usize,
    pub skipped_rows: usize,
    /// Sum over the run's files of last finish minus first launch (repetitions don't count the gaps).
    pub duration_s: f64,
    pub throughput: Throughput,
    pub metrics: Metrics,
}

impl Run {
    /// Summarises the files of one run; they must share `key`. `None` when no file had a usable row.
    pub fn summarise(key: &RunKey, files: &[&ResultFile]) -> Option<Run> {
        let usable: Vec<&ParsedFile> = files.iter().map(|f| &f.parsed).filter(|p| !p.requests.is_empty()).collect();
        if usable.is_empty() {
            return None;
        }
        let requests: Cow<[Request]> = match usable.as_slice() {
            [one] => Cow::Borrowed(&one.requests),
            many => Cow::Owned(many.iter().flat_map(|p| p.requests.iter().copied()).collect()),
        };
        let duration_s: f64 = usable.iter().map(|p| p.duration_s()).sum();
        let output_tokens: f64 = requests.iter().map(|r| r.generation_tokens).sum();
        let prompt_tokens: f64 = requests.iter().map(|r| r.prompt_tokens).sum();
        let per_second = |amount: f64| (duration_s > 0.0).then(|| amount / duration_s);
        Some(Run {
            deployment: key.deployment.clone(),
            scenario: key.scenario.clone(),
            qps: key.qps,
            files: files.iter().map(|f| f.path.clone()).collect(),
            requests: requests.len(),
            skipped_rows: files.iter().map(|f| f.parsed.skipped_rows).sum(),
            duration_s,
            throughput: Throughput {
                requests_per_s: per_second(requests.len() as f64),
                output_tokens_per_s: per_second(output_tokens),
                total_tokens_per_s: per_second(prompt_tokens + output_tokens),
            },
            metrics: Metrics::of(&requests),
        })
    }
}

/// Groups result files into runs, ordered by deployment id, scenario and QPS; files within a run by path.
pub fn group_runs(files: &[ResultFile]) -> Vec<(RunKey, Vec<&ResultFile>)> {
    group_run_indices(files)
        .into_iter()
        .map(|(key, members)| (key, members.into_iter().map(|i| &files[i]).collect()))
        .collect()
}

/// [`group_runs`] by index into `files`, for callers that summarise runs later, one at a time.
pub fn group_run_indices(files: &[ResultFile]) -> Vec<(RunKey, Vec<usize>)> {
    let mut sorted: Vec<usize> = (0..files.len()).collect();
    sorted.sort_by(|&a, &b| key_order(&files[a].key, &files[b].key).then_with(|| files[a].path.cmp(&files[b].path)));
    let mut runs: Vec<(RunKey, Vec<usize>)> = Vec::new();
    for i in sorted {
        match runs.last_mut() {
            Some((key, members)) if key_order(key, &files[i].key).is_eq() => members.push(i),
            _ => runs.push((files[i].key.clone(), vec![i])),
        }
    }
    runs
}

fn key_order(a: &RunKey, b: &RunKey) -> Ordering {
    order((&a.deployment, &a.scenario, a.qps), (&b.deployment, &b.scenario, b.qps))
}

/// The one order of runs everywhere: deployment id, scenario, QPS.
fn order(a: (&str, &str, f64), b: (&str, &str, f64)) -> Ordering {
    (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2))
}

/// Everything the reports and charts show.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Ordered by id; a deployment's index here is its colour everywhere.
    pub deployments: Vec<Deployment>,
    /// Id of the baseline deployment.
    pub baseline: String,
    /// Ordered by deployment, scenario, QPS.
    pub runs: Vec<Run>,
    pub comparisons: Vec<Comparison>,
    /// Every problem met in the input, in the order the files were given.
    pub warnings: Vec<Warning>,
}

impl Analysis {
    /// Builds the analysis from summarised runs (see [`group_runs`] and [`Run::summarise`]).
    /// `root_label` names the results folder, for files that lie directly in it; `baseline` is an id or
    /// label chosen by the user. Errors when there is no run, or the baseline names no deployment.
    pub fn new(
        mut runs: Vec<Run>,
        warnings: Vec<Warning>,
        root_label: &str,
        baseline: Option<&str>,
    ) -> Result<Analysis, String> {
        if runs.is_empty() {
            return Err("no run could be analysed: no result file had a usable row".to_string());
        }
        runs.sort_by(|a, b| order((&a.deployment, &a.scenario, a.qps), (&b.deployment, &b.scenario, b.qps)));
        let mut ids: Vec<&str> = runs.iter().map(|r| r.deployment.as_str()).collect();
        ids.dedup();
        let deployments = label_deployments(&ids, root_label);
        let baseline = choose_baseline(&deployments, baseline)?;
        let comparisons = compare_all(&runs, &baseline);
        Ok(Analysis { deployments, baseline, runs, comparisons, warnings })
    }

    /// The same analysis compared against another baseline (an id); unchanged if the id is unknown.
    pub fn with_baseline(&self, baseline: &str) -> Analysis {
        if baseline == self.baseline || self.deployment_index(baseline).is_none() {
            return self.clone();
        }
        Analysis { baseline: baseline.to_string(), comparisons: compare_all(&self.runs, baseline), ..self.clone() }
    }

    pub fn deployment_index(&self, id: &str) -> Option<usize> {
        self.deployments.iter().position(|d| d.id == id)
    }

    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.deployments.iter().find(|d| d.id == id).map_or(id, |d| d.label.as_str())
    }

    /// Scenarios in name order.
    pub fn scenarios(&self) -> Vec<&str> {
        let mut scenarios: Vec<&str> = self.runs.iter().map(|r| r.scenario.as_str()).collect();
        scenarios.sort_unstable();
        scenarios.dedup();
        scenarios
    }

    /// QPS levels of a scenario over all deployments, ascending.
    pub fn qps_levels(&self, scenario: &str) -> Vec<f64> {
        let mut levels: Vec<f64> = self.runs.iter().filter(|r| r.scenario == scenario).map(|r| r.qps).collect();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        levels
    }

    pub fn run(&self, deployment: &str, scenario: &str, qps: f64) -> Option<&Run> {
        self.runs.iter().find(|r| r.deployment == deployment && r.scenario == scenario && r.qps == qps)
    }

    /// The runs of one deployment in one scenario, by QPS.
    pub fn runs_of<'a>(&'a self, deployment: &'a str, scenario: &'a str) -> impl Iterator<Item = &'a Run> + 'a {
        self.runs.iter().filter(move |r| r.deployment == deployment && r.scenario == scenario)
    }

    pub fn total_requests(&self) -> usize {
        self.runs.iter().map(|r| r.requests).sum()
    }

    pub fn total_skipped_rows(&self) -> usize {
        self.runs.iter().map(|r| r.skipped_rows).sum()
    }
}

/// Labels are the folder's last component, or the whole id where two deployments would share one.
fn label_deployments(ids: &[&str], root_label: &str) -> Vec<Deployment> {
    let short = |id: &str| if id == "." { root_label.to_string() } else { deployment_label(id).to_string() };
    ids.iter()
        .map(|&id| {
            let label = short(id);
            let shared = ids.iter().filter(|&&other| short(other) == label).count() > 1;
            Deployment { id: id.to_string(), label: if shared { id.to_string() } else { label } }
        })
        .collect()
}

/// The user's choice (id, else a unique label), else the deployment under a top-level `standalone`
/// folder, else the first by id.
fn choose_baseline(deployments: &[Deployment], wanted: Option<&str>) -> Result<String, String> {
    let Some(wanted) = wanted else {
        let standalone = deployments.iter().find(|d| d.id == "standalone" || d.id.starts_with("standalone/"));
        return Ok(standalone.unwrap_or(&deployments[0]).id.clone());
    };
    if let Some(d) = deployments.iter().find(|d| d.id == wanted) {
        return Ok(d.id.clone());
    }
    let by_label: Vec<&Deployment> =
        deployments.iter().filter(|d| deployment_label(&d.id) == wanted || d.label == wanted).collect();
    match by_label.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(format!(
            "--baseline `{wanted}` names no deployment; the deployments are: {}",
            deployments.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", ")
        )),
        many => Err(format!(
            "--baseline `{wanted}` is ambiguous; give one of: {}",
            many.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_csv;

    pub(crate) fn file(path: &str, csv: &str) -> ResultFile {
        let key = match crate::discovery::classify(path) {
            crate::discovery::FileKind::Result(key) => key,
            other => panic!("{other:?}"),
        };
        ResultFile { path: path.to_string(), key, parsed: parse_csv(path, csv.as_bytes()).unwrap() }
    }

    const HEADER: &str = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time\n";

    #[test]
    fn run_statistics_and_throughput() {
        let f = file(
            "d/LMBench_s_1.csv",
            &format!("{HEADER}10,1,0.5,0.0,100,100.5\n20,5,1.0,2.0,101,104\n30,11,0.25,1.0,102,110\n"),
        );
        let run = Run::summarise(&f.key, &[&f]).unwrap();
        assert_eq!(run.requests, 3);
        assert_eq!(run.duration_s, 10.0);
        assert_eq!(run.throughput.requests_per_s, Some(0.3));
        assert_eq!(run.throughput.output_tokens_per_s, Some(1.7));
        assert_eq!(run.throughput.total_tokens_per_s, Some(7.7));
        let e2e = run.metrics.get(Metric::E2eLatency);
        assert_eq!((e2e.n, e2e.min, e2e.max, e2e.p50), (3, Some(0.5), Some(3.0), Some(1.25)));
        // TPOT only over rows with more than one generated token: 2/4 and 1/10.
        let tpot = run.metrics.get(Metric::Tpot);
        assert_eq!((tpot.n, tpot.min, tpot.max), (2, Some(0.1), Some(0.5)));
        // Decode rate only over rows with a positive generation time: 5/2 and 11/1.
        let rate = run.metrics.get(Metric::DecodeTokensPerS);
        assert_eq!((rate.n, rate.min, rate.max), (2, Some(2.5), Some(11.0)));
        assert_eq!(run.metrics.get(Metric::PromptTokens).mean, Some(20.0));
    }

    #[test]
    fn repetitions_form_one_run_and_add_their_durations() {
        let files = [
            file("d/LMBench_s_qps1.csv", &format!("{HEADER}1,2,0.1,0.2,0,10\n")),
            file("d/LMBench_s_1.0.csv", &format!("{HEADER}1,2,0.3,0.2,1000,1005\n")),
            file("d/LMBench_s_2.csv", &format!("{HEADER}1,2,0.3,0.2,0,1\n")),
        ];
        let runs = group_runs(&files);
        assert_eq!(runs.len(), 2);
        let (key, members) = &runs[0];
        assert_eq!(
            members.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            ["d/LMBench_s_1.0.csv", "d/LMBench_s_qps1.csv"]
        );
        let run = Run::summarise(key, members).unwrap();
        assert_eq!((run.requests, run.duration_s), (2, 15.0));
    }

    #[test]
    fn labels_baseline_and_ordering() {
        let csv = format!("{HEADER}1,2,0.1,0.2,0,10\n");
        let files = [
            file("x/llm-d/LMBench_s_1.csv", &csv),
            file("standalone/vllm/LMBench_s_1.csv", &csv),
            file("y/llm-d/LMBench_s_2.csv", &csv),
            file("LMBench_s_1.csv", &csv),
        ];
        let runs: Vec<Run> = group_runs(&files).iter().filter_map(|(k, f)| Run::summarise(k, f)).collect();
        let a = Analysis::new(runs.clone(), vec![], "results", None).unwrap();
        let labels: Vec<(&str, &str)> = a.deployments.iter().map(|d| (d.id.as_str(), d.label.as_str())).collect();
        assert_eq!(
            labels,
            [(".", "results"), ("standalone/vllm", "vllm"), ("x/llm-d", "x/llm-d"), ("y/llm-d", "y/llm-d")]
        );
        assert_eq!(a.baseline, "standalone/vllm");
        assert_eq!(Analysis::new(runs.clone(), vec![], "r", Some("x/llm-d")).unwrap().baseline, "x/llm-d");
        assert_eq!(Analysis::new(runs.clone(), vec![], "r", Some("vllm")).unwrap().baseline, "standalone/vllm");
        assert!(Analysis::new(runs.clone(), vec![], "r", Some("llm-d")).unwrap_err().contains("ambiguous"));
        assert!(Analysis::new(runs.clone(), vec![], "r", Some("nope")).unwrap_err().contains("names no deployment"));
        let without_standalone: Vec<Run> =
            runs.into_iter().filter(|r| !r.deployment.starts_with("standalone")).collect();
        assert_eq!(Analysis::new(without_standalone, vec![], "r", None).unwrap().baseline, ".");
        assert!(Analysis::new(vec![], vec![], "r", None).is_err());
        let rebased = a.with_baseline("x/llm-d");
        assert_eq!(rebased.baseline, "x/llm-d");
        assert!(rebased.comparisons.iter().all(|c| c.baseline == "x/llm-d" && c.deployment != "x/llm-d"));
        assert_eq!(rebased.comparisons.len(), 2);
        assert_eq!(a.with_baseline("unknown"), a);
    }

    #[test]
    fn a_run_without_usable_rows_is_none() {
        let f = file("d/LMBench_s_1.csv", &format!("{HEADER}a,b,c,d,e,f\n"));
        assert!(Run::summarise(&f.key, &[&f]).is_none());
    }
}
