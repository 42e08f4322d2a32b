//! The per-request metrics, defined once: how each is computed from a request, its unit, and which
//! direction is better.

use crate::model::Request;

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
    Itl,
    DecodeTokensPerS,
    PromptTokens,
    GenerationTokens,
}

impl Metric {
    pub const ALL: [Metric; 8] = [
        Metric::Ttft,
        Metric::GenerationTime,
        Metric::E2eLatency,
        Metric::Tpot,
        Metric::Itl,
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
            Metric::Itl => "itl_s",
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
            Metric::Itl => "ITL",
            Metric::DecodeTokensPerS => "Decode rate",
            Metric::PromptTokens => "Prompt tokens",
            Metric::GenerationTokens => "Generation tokens",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Metric::Ttft | Metric::GenerationTime | Metric::E2eLatency | Metric::Tpot | Metric::Itl => "s",
            Metric::DecodeTokensPerS => "tokens/s",
            Metric::PromptTokens | Metric::GenerationTokens => "tokens",
        }
    }

    /// Which direction is better; `None` for workload descriptors (token counts) that are not a quality.
    pub fn better(self) -> Option<Better> {
        match self {
            Metric::Ttft | Metric::GenerationTime | Metric::E2eLatency | Metric::Tpot | Metric::Itl => {
                Some(Better::Lower)
            }
            Metric::DecodeTokensPerS => Some(Better::Higher),
            Metric::PromptTokens | Metric::GenerationTokens => None,
        }
    }

    /// The metric's value for one request, or `None` when it is undefined or unknown for that request:
    /// TPOT needs at least two output tokens (unless the file states it), the decode rate a positive
    /// generation time. ITL is not a per-request value: its gaps are pooled over the run. Readers keep only
    /// requests whose values are all finite ([`unusable`]); the filter here is a second line of defence.
    #[inline]
    pub fn of(self, r: &Request) -> Option<f64> {
        self.computed(r).filter(|v| v.is_finite())
    }

    /// The value as computed, `NaN` when unknown, possibly infinite.
    #[inline]
    fn computed(self, r: &Request) -> Option<f64> {
        Some(match self {
            Metric::Ttft => r.ttft,
            Metric::GenerationTime => r.generation_time,
            Metric::E2eLatency => r.e2e_latency(),
            Metric::Tpot if r.tpot.is_finite() => r.tpot,
            Metric::Tpot if r.output_tokens > 1.0 => r.generation_time / (r.output_tokens - 1.0),
            Metric::DecodeTokensPerS if r.generation_time > 0.0 => r.output_tokens / r.generation_time,
            Metric::PromptTokens => r.input_tokens,
            Metric::GenerationTokens => r.output_tokens,
            Metric::Tpot | Metric::Itl | Metric::DecodeTokensPerS => return None,
        })
    }
}

/// Why a successful request can't be used although the reader accepted each of its values: a metric
/// computed from them is infinite (an end-to-end latency beyond f64's range, a decode rate over a
/// subnormal generation time, a TPOT over `output tokens − 1` = 2e-16) or negative. Readers skip such a
/// request with this as the reason, so that every value reaching the statistics and charts is finite.
pub fn unusable(r: &Request) -> Option<String> {
    if !r.ok {
        return None;
    }
    Metric::ALL.into_iter().find_map(|metric| {
        let value = metric.computed(r)?;
        let problem = if value.is_infinite() {
            "is infinite"
        } else if value < 0.0 {
            "is negative"
        } else {
            return None;
        };
        Some(format!("`{}` computed from its values {problem}", metric.key()))
    })
}
