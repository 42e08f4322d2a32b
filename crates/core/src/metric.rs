//! The per-request metrics, defined once: how each is computed from a request, its unit, and which
//! direction is better.

use serde::Serialize;

/// Which way a change is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Lower,
    Higher,
}

/// A per-request metric. The order here is the order of every table, chart and JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    Ttft,
    GenerationTime,
    E2eLatency,
    Tpot,
    DecodeTokensPerS,
    PromptTokens,
    GenerationTokens,
}

impl Metric {
    pub const ALL: [Metric; 7] = [
        Metric::Ttft,
        Metric::GenerationTime,
        Metric::E2eLatency,
        Metric::Tpot,
        Metric::DecodeTokensPerS,
        Metric::PromptTokens,
        Metric::GenerationTokens,
    ];

    /// The key used in summary.json.
    pub fn key(self) -> &'static str {
        match self {
            Metric::Ttft => "ttft_s",
            Metric::GenerationTime => "generation_time_s",
            Metric::E2eLatency => "e2e_latency_s",
            Metric::Tpot => "tpot_s",
            Metric::DecodeTokensPerS => "decode_tokens_per_s",
            Metric::PromptTokens => "prompt_tokens",
            Metric::GenerationTokens => "generation_tokens",
        }
    }

    /// A short human name for tables and chart titles.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Ttft => "TTFT",
            Metric::GenerationTime => "Generation time",
            Metric::E2eLatency => "E2E latency",
            Metric::Tpot => "TPOT",
            Metric::DecodeTokensPerS => "Decode rate",
            Metric::PromptTokens => "Prompt tokens",
            Metric::GenerationTokens => "Generation tokens",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Metric::Ttft | Metric::GenerationTime | Metric::E2eLatency | Metric::Tpot => "s",
            Metric::DecodeTokensPerS => "tokens/s",
            Metric::PromptTokens | Metric::GenerationTokens => "tokens",
        }
    }

    /// Which direction is better; `None` for workload descriptors (token counts) that are not a quality.
    pub fn better(self) -> Option<Better> {
        match self {
            Metric::Ttft | Metric::GenerationTime | Metric::E2eLatency | Metric::Tpot => Some(Better::Lower),
            Metric::DecodeTokensPerS => Some(Better::Higher),
            Metric::PromptTokens | Metric::GenerationTokens => None,
        }
    }

    /// The metric's value for one request, or `None` when it is undefined for that request
    /// (TPOT needs at least two generated tokens, the decode rate a positive generation time).
    #[inline]
    pub fn of(self, r: &Request) -> Option<f64> {
        match self {
            Metric::Ttft => Some(r.ttft),
            Metric::GenerationTime => Some(r.generation_time),
            Metric::E2eLatency => Some(r.ttft + r.generation_time),
            Metric::Tpot => (r.generation_tokens > 1.0).then(|| r.generation_time / (r.generation_tokens - 1.0)),
            Metric::DecodeTokensPerS => (r.generation_time > 0.0).then(|| r.generation_tokens / r.generation_time),
            Metric::PromptTokens => Some(r.prompt_tokens),
            Metric::GenerationTokens => Some(r.generation_tokens),
        }
    }
}

/// The fields of one request that the metrics need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Request {
    pub prompt_tokens: f64,
    pub generation_tokens: f64,
    pub ttft: f64,
    pub generation_time: f64,
    /// When the request was sent (Unix seconds); used for timelines.
    pub launch_time: f64,
}
