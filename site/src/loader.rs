//! Loading results in the browser a slice at a time: each step decodes or reads a bounded amount, or
//! summarises one run, so the page can repaint (and show progress) between steps. The same readers,
//! assembly and grouping as the CLI. Pure: tested natively.

use serving_compare::analysis::{group_runs, Analysis, Group, Grouping, Run};
use serving_compare::discovery::{in_passed_over_folder, output_folders, DeploymentBy};
use serving_compare::formats::{assemble, is_candidate, Found, Reading};
use serving_compare::inference::StatsConfig;
use serving_compare::model::{Body, Load, RequestLog};
use serving_compare::slo::Slo;
use serving_compare::warning::Warning;
use std::collections::VecDeque;

/// A result file to load: embedded in the page (deflated and base64-encoded, inflated by the browser
/// when the loader asks for it; `index` is its place among the embedded files, whose text stays with the
/// page's JavaScript), or opened by the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Packed { path: String, size: usize, index: usize },
    Raw { path: String, bytes: Vec<u8> },
}

impl Source {
    pub fn path(&self) -> &str {
        match self {
            Source::Packed { path, .. } | Source::Raw { path, .. } => path,
        }
    }

    fn size(&self) -> usize {
        match self {
            Source::Packed { size, .. } => *size,
            Source::Raw { bytes, .. } => bytes.len(),
        }
    }
}

/// Files the user opened, as sources: when they all lie in one top folder (an opened or dropped results
/// folder), their paths become relative to it and it names the results, as the CLI's RESULTS argument does.
pub fn with_common_root_stripped(files: Vec<(String, Vec<u8>)>) -> (String, Vec<Source>) {
    let root = files.first().and_then(|(p, _)| p.split_once('/')).map(|(root, _)| root.to_string());
    let shared = root.filter(|root| {
        files.iter().all(|(p, _)| p.strip_prefix(root.as_str()).is_some_and(|rest| rest.starts_with('/')))
    });
    let title = shared.clone().unwrap_or_else(|| "opened files".to_string());
    let sources = files
        .into_iter()
        .map(|(path, bytes)| {
            let path = match &shared {
                Some(root) => path[root.len() + 1..].to_string(),
                None => path,
            };
            Source::Raw { path, bytes }
        })
        .collect();
    (title, sources)
}

/// How the CLI analysed embedded results, so that the page shows the same.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    pub grouping: Grouping,
    pub baseline: Option<String>,
    pub config: StatsConfig,
    /// The SLOs the CLI was given: the page's until the user sets others.
    pub slo: Slo,
}

impl Settings {
    /// From data.js's `options` (`deployment_by` key, `scenario`, `baseline`, `stats`, `slo`).
    pub fn new(
        deployment_by: &str,
        scenario: Option<String>,
        baseline: Option<String>,
        config: StatsConfig,
        slo: Slo,
    ) -> Settings {
        let deployment_by = DeploymentBy::ALL.into_iter().find(|by| by.key() == deployment_by).unwrap_or_default();
        Settings { grouping: Grouping { deployment_by, scenario }, baseline, config, slo }
    }
}

/// Everything the viewer shows, once loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub title: String,
    /// Whether the files came with the page (and so can be offered for download), not opened by the user.
    pub embedded: bool,
    pub analysis: Analysis,
    /// The runs as read, for per-request views (CDF, timeline); ordered as the analysis' runs.
    pub groups: Vec<Group>,
    /// The files read, by path.
    pub files: Vec<String>,
    /// The SLOs the page starts with (the CLI's).
    pub slo: Slo,
}

impl Loaded {
    /// The request logs of one run (one per repetition); none for aggregate-only runs.
    pub fn logs<'a>(
        &'a self,
        deployment: &'a str,
        scenario: &'a str,
        load: Load,
    ) -> impl Iterator<Item = &'a RequestLog> + 'a {
        self.groups
            .iter()
            .filter(move |g| {
                g.key.deployment == deployment && g.key.scenario == scenario && g.key.load.order(load).is_eq()
            })
            .flat_map(|g| g.parts.iter())
            .filter_map(|p| match &p.run.body {
                Body::Requests(log) => Some(log),
                Body::Aggregates(_) => None,
            })
    }
}

/// Where a loader is.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Fraction done (0..1) and what is being done.
    Working(f64, String),
    /// The loader needs the bytes of the embedded file at `index`: inflate it and hand the outcome to
    /// [`Loader::inflated`].
    Inflate {
        path: String,
        index: usize,
    },
    Done,
}

struct Current {
    path: String,
    size: usize,
    reading: Reading,
}

/// Loads sources step by step; see [`Loader::step`].
pub struct Loader {
    title: String,
    embedded: bool,
    settings: Settings,
    queue: VecDeque<Source>,
    total_bytes: usize,
    done_bytes: usize,
    current: Option<Current>,
    /// The size of the embedded file being inflated, between [`Progress::Inflate`] and [`Loader::inflated`].
    inflating: Option<usize>,
    reads: Vec<(String, Found)>,
    files: Vec<String>,
    warnings: Vec<Warning>,
    groups: Option<Vec<Group>>,
    summarised: usize,
    runs: Vec<Run>,
    result: Option<Result<Loaded, String>>,
}

impl Loader {
    /// `warnings` are problems found before loading (by the CLI, for files not embedded).
    pub fn new(title: &str, sources: Vec<Source>, warnings: Vec<Warning>, settings: Settings) -> Loader {
        let outputs: Vec<String> =
            output_folders(sources.iter().map(Source::path)).into_iter().map(String::from).collect();
        let outputs: Vec<&str> = outputs.iter().map(String::as_str).collect();
        let embedded = sources.iter().any(|s| matches!(s, Source::Packed { .. }));
        let mut queue: Vec<Source> = sources
            .into_iter()
            .filter(|s| !in_passed_over_folder(s.path(), &outputs) && is_candidate(s.path()))
            .collect();
        serving_compare::sorting::sort_by(&mut queue, |a, b| a.path().cmp(b.path()));
        let total_bytes = queue.iter().map(Source::size).sum();
        Loader {
            title: title.to_string(),
            embedded,
            settings,
            queue: queue.into(),
            total_bytes,
            done_bytes: 0,
            current: None,
            inflating: None,
            reads: Vec::new(),
            files: Vec::new(),
            warnings,
            groups: None,
            summarised: 0,
            runs: Vec::new(),
            result: None,
        }
    }

    /// Does about `budget` bytes of reading (or one run's statistics) and says where it is.
    pub fn step(&mut self, budget: usize) -> Progress {
        if self.result.is_some() {
            return Progress::Done;
        }
        if let Some(mut current) = self.current.take() {
            match current.reading.step(budget) {
                Some(read) => {
                    self.done_bytes += current.size;
                    self.warnings.extend(read.warnings);
                    self.files.push(current.path.clone());
                    self.reads.push((current.path, read.found));
                }
                None => self.current = Some(current),
            }
            return self.reading_progress();
        }
        if let Some(source) = self.queue.pop_front() {
            return match source {
                Source::Raw { path, bytes } => {
                    self.inflated(&path, Ok(bytes));
                    self.reading_progress()
                }
                Source::Packed { path, size, index } => {
                    self.inflating = Some(size);
                    Progress::Inflate { path, index }
                }
            };
        }
        if self.groups.is_none() {
            let sourced = assemble(std::mem::take(&mut self.reads), &mut self.warnings);
            self.groups = Some(group_runs(sourced, &self.settings.grouping, &mut self.warnings));
            return Progress::Working(1.0, "computing statistics".to_string());
        }
        let groups = self.groups.as_ref().expect("set above");
        if let Some(group) = groups.get(self.summarised) {
            self.runs.push(Run::summarise(group));
            self.summarised += 1;
            return Progress::Working(1.0, "computing statistics".to_string());
        }
        serving_compare::warning::sort(&mut self.warnings);
        let runs = std::mem::take(&mut self.runs);
        let warnings = self.warnings.clone();
        let config = self.settings.config;
        // The warnings are kept on failure too: they say why nothing could be analysed. The comparisons
        // come later, in the background: the first charts don't wait for their intervals.
        let baseline = self.settings.baseline.as_deref();
        let analysis = match Analysis::uncompared(runs.clone(), warnings.clone(), &self.title, baseline, config) {
            // A baseline the CLI chose that these files don't have: the default one.
            Err(_) if baseline.is_some() => Analysis::uncompared(runs, warnings, &self.title, None, config),
            analysis => analysis,
        };
        let groups = self.groups.take().unwrap_or_default();
        self.result = Some(analysis.map(|analysis| Loaded {
            title: self.title.clone(),
            embedded: self.embedded,
            analysis,
            groups,
            files: std::mem::take(&mut self.files),
            slo: self.settings.slo,
        }));
        Progress::Done
    }

    /// The bytes of the file the loader asked for (or why they could not be had); reading starts with
    /// the next step.
    pub fn inflated(&mut self, path: &str, bytes: Result<Vec<u8>, String>) {
        let size = self.inflating.take().unwrap_or_else(|| bytes.as_ref().map_or(0, Vec::len));
        match bytes {
            Ok(bytes) => {
                self.current = Some(Current { reading: Reading::new(path, bytes), path: path.to_string(), size })
            }
            Err(message) => {
                self.done_bytes += size;
                self.warnings.push(Warning::file(path, message));
            }
        }
    }

    /// The outcome once [`Loader::step`] said `Done`: the loaded data, or why nothing could be analysed
    /// with the warnings that explain it.
    pub fn finish(self) -> Result<Loaded, (String, Vec<Warning>)> {
        let warnings = self.warnings;
        match self.result {
            Some(Ok(loaded)) => Ok(loaded),
            Some(Err(message)) => Err((message, warnings)),
            None => Err(("loading did not finish".to_string(), warnings)),
        }
    }

    fn reading_progress(&self) -> Progress {
        let within = self.current.as_ref().map_or(0.0, |c| c.reading.progress() * c.size as f64);
        let fraction =
            if self.total_bytes == 0 { 1.0 } else { (self.done_bytes as f64 + within) / self.total_bytes as f64 };
        let files = self.files.len() + self.queue.len() + usize::from(self.current.is_some());
        Progress::Working(fraction.min(1.0), format!("reading {} of {files} files", (self.files.len() + 1).min(files)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The files of a folder of the repository, as (relative path, bytes).
    fn files_of(folder: &str) -> Vec<(String, Vec<u8>)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(folder);
        let mut files = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let relative = path.strip_prefix(&root).unwrap().to_str().unwrap().to_string();
                    files.push((relative, std::fs::read(&path).unwrap()));
                }
            }
        }
        files.sort();
        files
    }

    /// What the CLI computes from the same files, in one go.
    fn reference(files: &[(String, Vec<u8>)], title: &str) -> Analysis {
        let mut warnings = Vec::new();
        let mut reads = Vec::new();
        for (path, bytes) in files.iter().filter(|(p, _)| is_candidate(p)) {
            let read = serving_compare::formats::read(path, bytes.clone());
            warnings.extend(read.warnings);
            reads.push((path.clone(), read.found));
        }
        let sourced = assemble(reads, &mut warnings);
        let groups = group_runs(sourced, &Grouping::default(), &mut warnings);
        serving_compare::warning::sort(&mut warnings);
        let runs = groups.iter().map(Run::summarise).collect();
        Analysis::new(runs, warnings, title, None, StatsConfig::default()).unwrap()
    }

    /// Loads `sources`, the embedded ones being `packed` (base64 of deflate, size), as data.js has them.
    fn load(sources: Vec<Source>, packed: &[(String, usize)], budget: usize) -> Result<Loaded, (String, Vec<Warning>)> {
        let mut loader = Loader::new("t", sources, Vec::new(), Settings::default());
        let mut steps = 0;
        let mut last = 0.0;
        loop {
            match loader.step(budget) {
                Progress::Working(fraction, _) => {
                    assert!(fraction >= last - 1e-9 && fraction <= 1.0, "progress went from {last} to {fraction}");
                    last = fraction;
                }
                Progress::Inflate { path, index } => {
                    let (deflate, size) = &packed[index];
                    loader.inflated(&path, inflate(deflate, *size))
                }
                Progress::Done => break,
            }
            steps += 1;
            assert!(steps < 100_000, "the loader does not finish");
        }
        loader.finish()
    }

    /// What the page's inflate function (files.js) does: each comma-separated piece inflated, joined.
    fn inflate(deflate_base64: &str, size: usize) -> Result<Vec<u8>, String> {
        let mut bytes = Vec::new();
        for piece in deflate_base64.split(',') {
            let deflate = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, piece)
                .map_err(|e| format!("the embedded data is damaged ({e})"))?;
            bytes.extend(
                miniz_oxide::inflate::decompress_to_vec_with_limit(&deflate, size)
                    .map_err(|e| format!("the embedded data is damaged ({e})"))?,
            );
        }
        if bytes.len() > size {
            return Err(format!("larger than the {size} bytes recorded"));
        }
        Ok(bytes)
    }

    fn raw(files: &[(String, Vec<u8>)]) -> Vec<Source> {
        files.iter().map(|(p, b)| Source::Raw { path: p.clone(), bytes: b.clone() }).collect()
    }

    #[test]
    fn step_wise_loading_equals_the_cli_computation() {
        let files = files_of("examples/compare-results");
        let want = reference(&files, "t");
        let data: Vec<(String, usize)> = files
            .iter()
            .map(|(_, b)| {
                let deflate = miniz_oxide::deflate::compress_to_vec(b, 1);
                (base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &deflate), b.len())
            })
            .collect();
        let packed = files
            .iter()
            .enumerate()
            .map(|(index, (p, b))| Source::Packed { path: p.clone(), size: b.len(), index })
            .collect();
        for (sources, budget) in [(raw(&files), 1 << 20), (raw(&files), 1000), (packed, 4096)] {
            let loaded = load(sources, &data, budget).unwrap();
            // The page compares in the background, once the first charts are drawn.
            assert!(!loaded.analysis.is_compared());
            assert_eq!(loaded.analysis.with_settings(&want.baseline, want.config), want);
            assert_eq!(loaded.files.len(), 6);
            assert_eq!(loaded.logs("llm-d/llm-d-llama-3b", "long_input", Load::qps(0.5)).count(), 1);
        }
    }

    #[test]
    fn every_format_loads_as_in_the_cli() {
        let files = files_of("tests/data/formats");
        let want = reference(&files, "t");
        let loaded = load(raw(&files), &[], 4096).unwrap();
        assert_eq!(loaded.analysis.with_settings(&want.baseline, want.config), want);
        assert!(loaded.analysis.runs.len() >= 15, "{}", loaded.analysis.runs.len());
    }

    #[test]
    fn bad_and_passed_over_files_give_the_cli_warnings() {
        let header = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time\n";
        let good = format!("{header}1,2,0.1,0.2,10,11\n1,x,0.1,0.2,10,11\n");
        let files: Vec<(String, Vec<u8>)> = vec![
            ("a/LMBench_s_1.csv".into(), good.clone().into_bytes()),
            ("a/LMBench_s_2.csv".into(), b"".to_vec()),
            ("a/LMBench_s_3.csv".into(), b"a,b\n1,2\n".to_vec()),
            ("a/LMBench_s_4.csv".into(), b"\xff\xfe".to_vec()),
            ("a/LMBench_s_5.csv".into(), format!("\u{feff}{good}").into_bytes()),
            ("a/notes.csv".into(), b"x,y\n1,2\n".to_vec()),
            ("a/broken.json".into(), b"{\"completed\": 1, \"duration\": ".to_vec()),
            ("a/notes.txt".into(), b"x".to_vec()),
            ("old/.gen-site-output".into(), b"#".to_vec()),
            ("old/LMBench_s_1.csv".into(), good.clone().into_bytes()),
            (".hidden/LMBench_s_1.csv".into(), good.into_bytes()),
        ];
        let loaded = load(raw(&files), &[], 7).unwrap();
        let kept: Vec<(String, Vec<u8>)> = files.into_iter().filter(|(p, _)| p.starts_with("a/")).collect();
        let want = reference(&kept, "t").warnings;
        assert_eq!(loaded.analysis.warnings, want);
        let messages: Vec<String> = want.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 7, "{messages:#?}");
        assert!(messages.iter().any(|m| m.starts_with("a/notes.csv: not a result file")), "{messages:#?}");
        assert!(messages.iter().any(|m| m.starts_with("a/broken.json: the JSON ends too early")), "{messages:#?}");
        assert_eq!(loaded.analysis.runs.len(), 2);
        assert_eq!(loaded.analysis.runs[1].requests, 1);
    }

    #[test]
    fn an_opened_folder_is_the_root() {
        let files = vec![("results/a/x.csv".to_string(), vec![1]), ("results/b/y.csv".to_string(), vec![2])];
        let (title, sources) = with_common_root_stripped(files);
        assert_eq!(title, "results");
        assert_eq!(sources.iter().map(Source::path).collect::<Vec<_>>(), ["a/x.csv", "b/y.csv"]);
        let loose = vec![("x.csv".to_string(), vec![]), ("results/y.csv".to_string(), vec![])];
        let (title, sources) = with_common_root_stripped(loose);
        assert_eq!(title, "opened files");
        assert_eq!(sources[1].path(), "results/y.csv");
        let (_, sources) = with_common_root_stripped(vec![("r/x.csv".into(), vec![]), ("rr/y.csv".into(), vec![])]);
        assert_eq!(sources[0].path(), "r/x.csv");
    }

    #[test]
    fn nothing_usable_keeps_the_warnings() {
        let sources = vec![Source::Raw { path: "a/LMBench_s_1.csv".into(), bytes: b"".to_vec() }];
        let (message, warnings) = load(sources, &[], 100).unwrap_err();
        assert!(message.contains("no run could be analysed"), "{message}");
        assert_eq!(warnings.len(), 1);
        let damaged = vec![Source::Packed { path: "a/LMBench_s_1.csv".into(), size: 3, index: 0 }];
        let (_, warnings) = load(damaged, &[("!!".into(), 3)], 100).unwrap_err();
        assert!(warnings[0].message.contains("damaged"), "{warnings:?}");
    }
}
