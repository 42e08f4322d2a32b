//! The normalised model every format reader produces and everything downstream uses: a run's load, its
//! per-request records or the aggregates its file states, and where the run came from.

use crate::decimal;
use crate::metric::Metric;
use crate::stats::Summary;
use crate::text::number;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// The benchmark tool (and file family) a run was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Format {
    #[serde(rename = "lmbench-csv")]
    LmbenchCsv,
    #[serde(rename = "vllm-bench")]
    VllmBench,
    #[serde(rename = "sglang-bench")]
    SglangBench,
    #[serde(rename = "guidellm")]
    Guidellm,
    #[serde(rename = "inference-perf")]
    InferencePerf,
    #[serde(rename = "aiperf")]
    Aiperf,
    #[serde(rename = "llmd-report")]
    LlmdReport,
}

impl Format {
    /// The key used in summary.json.
    pub fn key(self) -> &'static str {
        match self {
            Format::LmbenchCsv => "lmbench-csv",
            Format::VllmBench => "vllm-bench",
            Format::SglangBench => "sglang-bench",
            Format::Guidellm => "guidellm",
            Format::InferencePerf => "inference-perf",
            Format::Aiperf => "aiperf",
            Format::LlmdReport => "llmd-report",
        }
    }

    /// The tool's name as its users write it.
    pub fn tool(self) -> &'static str {
        match self {
            Format::LmbenchCsv => "LMBench",
            Format::VllmBench => "vLLM bench",
            Format::SglangBench => "SGLang bench_serving",
            Format::Guidellm => "GuideLLM",
            Format::InferencePerf => "inference-perf",
            Format::Aiperf => "AIPerf",
            Format::LlmdReport => "llm-d benchmark report",
        }
    }
}

/// How a load generator drove the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LoadKind {
    /// Requests sent at a rate (requests per second), whatever the server's state.
    Qps,
    /// A fixed number of requests in flight.
    Concurrency,
}

impl LoadKind {
    /// The axis title of a chart of this kind of load.
    pub fn axis(self) -> &'static str {
        match self {
            LoadKind::Qps => "QPS",
            LoadKind::Concurrency => "concurrency",
        }
    }
}

/// A run's load: a request rate or a concurrency, `None` when unbounded (as fast as the server answers).
/// Only loads of one kind are compared with each other.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Load {
    pub kind: LoadKind,
    pub value: Option<f64>,
}

impl Load {
    pub fn qps(value: f64) -> Load {
        Load { kind: LoadKind::Qps, value: Some(value) }
    }

    pub fn concurrency(value: f64) -> Load {
        Load { kind: LoadKind::Concurrency, value: Some(value) }
    }

    pub const UNBOUNDED_QPS: Load = Load { kind: LoadKind::Qps, value: None };

    /// The request rate, for a rate load with a bound.
    pub fn qps_value(self) -> Option<f64> {
        (self.kind == LoadKind::Qps).then_some(self.value).flatten()
    }

    /// Kind first, then value ascending with unbounded last: the order of every table and axis.
    pub fn order(self, other: Load) -> Ordering {
        self.kind.cmp(&other.kind).then_with(|| match (self.value, other.value) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
    }

    /// The level as a number on its axis (`∞` for unbounded), without the unit: `0.5`, `10`, `∞`.
    pub fn level(self) -> String {
        match self.value {
            Some(v) => number(v),
            None => "∞".to_string(),
        }
    }

    /// A stable text form for keys (URL hash, seeds): `qps=0.5`, `concurrency=8`, `qps=inf`.
    pub fn key(self) -> String {
        let kind = match self.kind {
            LoadKind::Qps => "qps",
            LoadKind::Concurrency => "concurrency",
        };
        match self.value {
            Some(v) => format!("{kind}={}", number(v)),
            None => format!("{kind}=inf"),
        }
    }

    /// Parses [`Load::key`].
    pub fn from_key(key: &str) -> Option<Load> {
        let (kind, value) = key.split_once('=')?;
        let kind = match kind {
            "qps" => LoadKind::Qps,
            "concurrency" => LoadKind::Concurrency,
            _ => return None,
        };
        let value = match value {
            "inf" => None,
            v => Some(decimal::parse(v).filter(|v| v.is_finite() && *v > 0.0)?),
        };
        Some(Load { kind, value })
    }
}

impl fmt::Display for Load {
    /// `0.5 QPS`, `concurrency 8`, `unbounded QPS`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.value.map(number)) {
            (LoadKind::Qps, Some(v)) => write!(f, "{v} QPS"),
            (LoadKind::Qps, None) => write!(f, "unbounded QPS"),
            (LoadKind::Concurrency, Some(v)) => write!(f, "concurrency {v}"),
            (LoadKind::Concurrency, None) => write!(f, "unbounded concurrency"),
        }
    }
}

impl Serialize for Load {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Load", 2)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("value", &self.value)?;
        s.end()
    }
}

/// A scenario swept over loads of one kind: what one chart's load axis shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sweep {
    pub scenario: String,
    pub kind: LoadKind,
}

impl fmt::Display for Sweep {
    /// The scenario, with the load kind when it is not a rate: `sharegpt`, `default · concurrency`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            LoadKind::Qps => write!(f, "{}", self.scenario),
            LoadKind::Concurrency => write!(f, "{} · concurrency", self.scenario),
        }
    }
}

/// The scenario of runs whose files name none.
pub const DEFAULT_SCENARIO: &str = "default";

/// One request as the formats record it. Times are seconds; `NaN` marks a value the file does not have
/// (every other value is finite and not negative: readers reject the rest).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Request {
    /// When it was sent, on the file's clock (Unix time, or a monotonic clock with an arbitrary origin):
    /// only differences within a run mean something.
    pub start: f64,
    /// When its last byte arrived, on the same clock.
    pub end: f64,
    /// Time to first token.
    pub ttft: f64,
    /// Time from the first token to the end (the decode phase): end-to-end latency minus TTFT.
    pub generation_time: f64,
    /// Time per output token after the first, where the file records it per request; else derived.
    pub tpot: f64,
    pub input_tokens: f64,
    pub output_tokens: f64,
    /// How many of the log's inter-token gaps are this request's (they follow the previous requests').
    pub itl_gaps: u32,
    /// False for a request the tool recorded as failed.
    pub ok: bool,
}

impl Request {
    /// A request with nothing known, to be filled in by a reader.
    pub const UNKNOWN: Request = Request {
        start: f64::NAN,
        end: f64::NAN,
        ttft: f64::NAN,
        generation_time: f64::NAN,
        tpot: f64::NAN,
        input_tokens: f64::NAN,
        output_tokens: f64::NAN,
        itl_gaps: 0,
        ok: true,
    };

    pub fn e2e_latency(&self) -> f64 {
        self.ttft + self.generation_time
    }
}

/// The per-request records of one run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequestLog {
    pub requests: Vec<Request>,
    /// Every successful request's inter-token gaps (s), request after request.
    pub itl: Vec<f64>,
    /// The run's duration as the file records it, for runs whose requests lack start or end times.
    pub recorded_duration_s: Option<f64>,
}

impl RequestLog {
    /// Wall-clock span: last end minus first start over every request, when each has both; else the
    /// duration the file records.
    pub fn duration_s(&self) -> Option<f64> {
        let timed = !self.requests.is_empty() && self.requests.iter().all(|r| r.start.is_finite() && r.end.is_finite());
        if !timed {
            return self.recorded_duration_s.filter(|d| d.is_finite() && *d >= 0.0);
        }
        let first = self.requests.iter().map(|r| r.start).fold(f64::INFINITY, f64::min);
        let last = self.requests.iter().map(|r| r.end).fold(f64::NEG_INFINITY, f64::max);
        Some(last - first).filter(|d| d.is_finite() && *d >= 0.0)
    }

    pub fn successful(&self) -> usize {
        self.requests.iter().filter(|r| r.ok).count()
    }

    pub fn failed(&self) -> usize {
        self.requests.len() - self.successful()
    }
}

/// Requests per second and tokens per second over a run's duration.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Throughput {
    pub requests_per_s: Option<f64>,
    pub output_tokens_per_s: Option<f64>,
    pub total_tokens_per_s: Option<f64>,
}

/// What an aggregate-only file states about a run, converted to seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregates {
    /// Successful requests.
    pub requests: usize,
    /// Failed requests, when the file tells.
    pub failed: Option<usize>,
    pub duration_s: Option<f64>,
    pub throughput: Throughput,
    /// The statistics the file states per metric; unknown ones are `None`.
    pub metrics: [Summary; Metric::ALL.len()],
}

impl Aggregates {
    pub fn new(requests: usize) -> Aggregates {
        Aggregates {
            requests,
            failed: None,
            duration_s: None,
            throughput: Throughput::default(),
            metrics: [Summary::UNKNOWN; Metric::ALL.len()],
        }
    }

    pub fn metric_mut(&mut self, metric: Metric) -> &mut Summary {
        &mut self.metrics[metric as usize]
    }
}

/// A run's data: its requests, or only what its file states about them.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Requests(RequestLog),
    Aggregates(Box<Aggregates>),
}

/// One run as a reader found it: one load level of one tool invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct RunData {
    pub format: Format,
    pub tool_version: Option<String>,
    /// The scenario the file names (a dataset or workload), if any.
    pub scenario: Option<String>,
    pub load: Load,
    /// The model the file says was served, for naming deployments by model.
    pub model: Option<String>,
    /// The endpoint the file says was measured, for naming deployments by target.
    pub target: Option<String>,
    /// Where in its file the run is, when a file holds several (`line 2`, `benchmark 1`, `stage 0`).
    pub part: Option<String>,
    /// The tool's own identifier of the run, when it writes one (GuideLLM, AIPerf, llm-d reports): the
    /// same run found in two files (a JSON and a YAML export) is read once.
    pub id: Option<String>,
    /// Records of the run that could not be used (each reported as a warning).
    pub skipped: usize,
    pub body: Body,
}

impl RunData {
    pub fn new(format: Format, load: Load, body: Body) -> RunData {
        RunData {
            format,
            tool_version: None,
            scenario: None,
            load,
            model: None,
            target: None,
            part: None,
            id: None,
            skipped: 0,
            body,
        }
    }
}
