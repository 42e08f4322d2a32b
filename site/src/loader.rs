//! Loading results in the browser a slice at a time: each step decodes, parses or summarises a bounded
//! amount, so the page can repaint (and show progress) between steps. Pure: tested natively.

use serving_compare::analysis::{group_run_indices, Analysis, ResultFile, Run};
use serving_compare::bundle::unpack;
use serving_compare::discovery::{classify, in_passed_over_folder, output_folders, FileKind, RunKey};
use serving_compare::parse::{decode, pieces, CsvParser};
use serving_compare::warning::Warning;
use std::collections::VecDeque;

/// A result file to load: embedded in the page, or opened by the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Packed { path: String, size: usize, deflate: String },
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

    /// The file's bytes.
    pub fn into_bytes(self) -> Result<Vec<u8>, String> {
        match self {
            Source::Packed { path, size, deflate } => unpack(&path, &deflate, size),
            Source::Raw { bytes, .. } => Ok(bytes),
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

/// Everything the viewer shows, once loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub title: String,
    /// Whether the files came with the page (and so can be offered for download), not opened by the user.
    pub embedded: bool,
    pub analysis: Analysis,
    /// The parsed files, for per-request views (CDF, timeline).
    pub files: Vec<ResultFile>,
}

impl Loaded {
    /// The parsed requests of one run.
    pub fn requests<'a>(
        &'a self,
        deployment: &'a str,
        scenario: &'a str,
        qps: f64,
    ) -> impl Iterator<Item = &'a ResultFile> {
        self.files
            .iter()
            .filter(move |f| f.key.deployment == deployment && f.key.scenario == scenario && f.key.qps == qps)
    }
}

/// Where a loader is.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Fraction done (0..1) and what is being done.
    Working(f64, String),
    Done,
}

struct Parsing {
    path: String,
    key: RunKey,
    text: String,
    offset: usize,
    parser: CsvParser,
}

/// Loads sources step by step; see [`Loader::step`].
pub struct Loader {
    title: String,
    embedded: bool,
    queue: VecDeque<Source>,
    total_bytes: usize,
    done_bytes: usize,
    current: Option<Parsing>,
    files: Vec<ResultFile>,
    warnings: Vec<Warning>,
    groups: Option<Vec<(RunKey, Vec<usize>)>>,
    runs: Vec<Run>,
    result: Option<Result<Loaded, String>>,
}

impl Loader {
    /// `warnings` are problems found before loading (by the CLI's walk, for embedded data).
    pub fn new(title: &str, sources: Vec<Source>, mut warnings: Vec<Warning>) -> Loader {
        let outputs: Vec<String> =
            output_folders(sources.iter().map(Source::path)).into_iter().map(String::from).collect();
        let outputs: Vec<&str> = outputs.iter().map(String::as_str).collect();
        let embedded = sources.iter().any(|s| matches!(s, Source::Packed { .. }));
        let mut queue = VecDeque::new();
        for source in sources {
            let path = source.path();
            if in_passed_over_folder(path, &outputs) {
                continue;
            }
            match classify(path) {
                FileKind::Result(_) => queue.push_back(source),
                FileKind::MisnamedCsv(reason) => warnings.push(Warning::file(path, format!("not read: {reason}"))),
                FileKind::Other => {}
            }
        }
        let total_bytes = queue.iter().map(Source::size).sum();
        Loader {
            title: title.to_string(),
            embedded,
            queue,
            total_bytes,
            done_bytes: 0,
            current: None,
            files: Vec::new(),
            warnings,
            groups: None,
            runs: Vec::new(),
            result: None,
        }
    }

    /// Does about `budget` bytes of parsing (or one run's statistics) and says where it is.
    pub fn step(&mut self, budget: usize) -> Progress {
        if self.result.is_some() {
            return Progress::Done;
        }
        if let Some(mut parsing) = self.current.take() {
            let piece = pieces(&parsing.text[parsing.offset..], budget).next().unwrap_or("");
            parsing.parser.feed(piece);
            parsing.offset += piece.len();
            self.done_bytes += piece.len();
            if parsing.offset < parsing.text.len() {
                self.current = Some(parsing);
            } else {
                let Parsing { path, key, parser, .. } = parsing;
                self.finish_file(path, key, parser);
            }
            return self.parsing_progress();
        }
        if let Some(source) = self.queue.pop_front() {
            self.start_file(source);
            return self.parsing_progress();
        }
        let groups = self.groups.get_or_insert_with(|| group_run_indices(&self.files));
        if let Some((key, indices)) = groups.pop() {
            let members: Vec<&ResultFile> = indices.iter().map(|&i| &self.files[i]).collect();
            self.runs.extend(Run::summarise(&key, &members));
            return Progress::Working(1.0, "computing statistics".to_string());
        }
        self.warnings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        let runs = std::mem::take(&mut self.runs);
        // Kept on failure too: they say why nothing could be analysed.
        let analysis = Analysis::new(runs, self.warnings.clone(), &self.title, None);
        self.result = Some(analysis.map(|analysis| Loaded {
            title: self.title.clone(),
            embedded: self.embedded,
            analysis,
            files: std::mem::take(&mut self.files),
        }));
        Progress::Done
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

    fn start_file(&mut self, source: Source) {
        let path = source.path().to_string();
        let FileKind::Result(key) = classify(&path) else { return };
        self.done_bytes += source.size();
        let bytes = match source.into_bytes() {
            Ok(bytes) => bytes,
            Err(message) => return self.warnings.push(Warning::file(&path, message)),
        };
        // The rows start where the header ends; both checks are the core's, so messages match the CLI's.
        let offset =
            match decode(&path, &bytes).and_then(|text| CsvParser::new(&path, text).map(|(p, rows)| (p, rows.len()))) {
                Ok((parser, rows_len)) => Ok((parser, bytes.len() - rows_len)),
                Err(warning) => Err(warning),
            };
        match offset {
            Ok((parser, offset)) => {
                // `decode` accepted these bytes, so they are UTF-8.
                let text = String::from_utf8(bytes).unwrap_or_default();
                self.done_bytes -= text.len() - offset;
                self.current = Some(Parsing { path, key, text, offset, parser });
            }
            Err(warning) => self.warnings.push(warning),
        }
    }

    fn finish_file(&mut self, path: String, key: RunKey, parser: CsvParser) {
        match parser.finish() {
            Ok(mut parsed) => {
                self.warnings.append(&mut parsed.warnings);
                self.files.push(ResultFile { path, key, parsed });
            }
            Err(warning) => self.warnings.push(warning),
        }
    }

    fn parsing_progress(&self) -> Progress {
        let fraction = if self.total_bytes == 0 { 1.0 } else { self.done_bytes as f64 / self.total_bytes as f64 };
        Progress::Working(
            fraction.min(1.0),
            format!("reading {} of {} files", self.files.len() + 1, self.files.len() + self.queue.len() + 1),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serving_compare::analysis::group_runs;
    use serving_compare::bundle::PackedFile;
    use serving_compare::parse::parse_csv;
    use std::path::Path;

    /// The example's files, as (relative path, bytes).
    fn example_files() -> Vec<(String, Vec<u8>)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/compare-results");
        let mut files = Vec::new();
        for deployment in ["llm-d/llm-d-llama-3b", "standalone/standalone-vllm-llama-3b"] {
            for entry in std::fs::read_dir(root.join(deployment)).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_str().unwrap().to_string();
                files.push((format!("{deployment}/{name}"), std::fs::read(&path).unwrap()));
            }
        }
        files.sort();
        files
    }

    /// What the CLI computes from the same files, in one go.
    fn reference(files: &[(String, Vec<u8>)], title: &str) -> Analysis {
        let mut warnings = Vec::new();
        let mut parsed = Vec::new();
        for (path, bytes) in files {
            let FileKind::Result(key) = classify(path) else { continue };
            match parse_csv(path, bytes) {
                Ok(mut p) => {
                    warnings.append(&mut p.warnings);
                    parsed.push(ResultFile { path: path.clone(), key, parsed: p });
                }
                Err(w) => warnings.push(w),
            }
        }
        warnings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        let runs = group_runs(&parsed).iter().filter_map(|(k, m)| Run::summarise(k, m)).collect();
        Analysis::new(runs, warnings, title, None).unwrap()
    }

    fn load(sources: Vec<Source>, budget: usize) -> Result<Loaded, (String, Vec<Warning>)> {
        let mut loader = Loader::new("t", sources, Vec::new());
        let mut steps = 0;
        let mut last = 0.0;
        while let Progress::Working(fraction, _) = loader.step(budget) {
            assert!(fraction >= last - 1e-9 && fraction <= 1.0, "progress went from {last} to {fraction}");
            last = fraction;
            steps += 1;
            assert!(steps < 100_000, "the loader does not finish");
        }
        loader.finish()
    }

    #[test]
    fn piecewise_loading_equals_the_cli_computation() {
        let files = example_files();
        let want = reference(&files, "t");
        let raw: Vec<Source> = files.iter().map(|(p, b)| Source::Raw { path: p.clone(), bytes: b.clone() }).collect();
        let packed: Vec<Source> = files
            .iter()
            .map(|(p, b)| {
                let packed = PackedFile::pack(p, b);
                let deflate = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &packed.deflate);
                Source::Packed { path: packed.path, size: packed.size, deflate }
            })
            .collect();
        for (sources, budget) in [(raw.clone(), 1 << 20), (raw, 1000), (packed, 4096)] {
            let loaded = load(sources, budget).unwrap();
            assert_eq!(loaded.analysis, want);
            assert_eq!(loaded.files.len(), 6);
            assert_eq!(loaded.requests("llm-d/llm-d-llama-3b", "long_input", 0.5).count(), 1);
        }
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
            ("a/notes.csv".into(), b"x".to_vec()),
            ("old/.gen-site-output".into(), b"#".to_vec()),
            ("old/LMBench_s_1.csv".into(), good.clone().into_bytes()),
            (".hidden/LMBench_s_1.csv".into(), good.into_bytes()),
        ];
        let sources = files.iter().map(|(p, b)| Source::Raw { path: p.clone(), bytes: b.clone() }).collect();
        let loaded = load(sources, 7).unwrap();
        let messages: Vec<String> = loaded.analysis.warnings.iter().map(|w| w.to_string()).collect();
        let kept: Vec<(String, Vec<u8>)> = files.into_iter().filter(|(p, _)| p.starts_with("a/")).collect();
        let mut want = reference(&kept, "t").warnings;
        want.push(Warning::file("a/notes.csv", "not read: name does not start with LMBench_ (expected LMBench_<scenario>_<qps>.csv or LMBench_<scenario>_qps<qps>.csv)"));
        want.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        assert_eq!(loaded.analysis.warnings, want, "{messages:#?}");
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
        let (message, warnings) = load(sources, 100).unwrap_err();
        assert!(message.contains("no run could be analysed"), "{message}");
        assert_eq!(warnings.len(), 1);
        let damaged = vec![Source::Packed { path: "a/LMBench_s_1.csv".into(), size: 3, deflate: "!!".into() }];
        let (_, warnings) = load(damaged, 100).unwrap_err();
        assert!(warnings[0].message.contains("damaged"), "{warnings:?}");
    }
}
