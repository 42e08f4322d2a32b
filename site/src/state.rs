//! The view state (what the user chose to look at) and its form in the URL hash, so that a copied link
//! reopens the same view. Pure: tested natively.

use serving_compare::analysis::Analysis;
use serving_compare::charts::Scale;
use serving_compare::compare::{Quantity, Rate};
use serving_compare::metric::Metric;
use serving_compare::stats::Stat;

/// The metric the user picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetricChoice {
    #[default]
    Ttft,
    Tpot,
    E2e,
    DecodeRate,
    Throughput,
}

impl MetricChoice {
    pub const ALL: [MetricChoice; 5] =
        [MetricChoice::Ttft, MetricChoice::Tpot, MetricChoice::E2e, MetricChoice::DecodeRate, MetricChoice::Throughput];

    pub fn key(self) -> &'static str {
        match self {
            MetricChoice::Ttft => "ttft",
            MetricChoice::Tpot => "tpot",
            MetricChoice::E2e => "e2e",
            MetricChoice::DecodeRate => "decode",
            MetricChoice::Throughput => "throughput",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MetricChoice::Throughput => "Throughput (output tokens/s)",
            other => other.per_request().map_or("", Metric::label),
        }
    }

    /// The per-request metric, for distribution views; throughput has none.
    pub fn per_request(self) -> Option<Metric> {
        match self {
            MetricChoice::Ttft => Some(Metric::Ttft),
            MetricChoice::Tpot => Some(Metric::Tpot),
            MetricChoice::E2e => Some(Metric::E2eLatency),
            MetricChoice::DecodeRate => Some(Metric::DecodeTokensPerS),
            MetricChoice::Throughput => None,
        }
    }

    /// What a per-QPS chart plots for this metric and statistic.
    pub fn quantity(self, stat: Stat) -> Quantity {
        match self.per_request() {
            Some(metric) => Quantity::Stat(metric, stat),
            None => Quantity::Throughput(Rate::OutputTokens),
        }
    }
}

/// Everything the user chose. Unset or unknown choices fall back to defaults when resolved against data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ViewState {
    pub scenario: Option<String>,
    pub baseline: Option<String>,
    /// Ids of hidden deployments.
    pub hidden: Vec<String>,
    pub metric: MetricChoice,
    pub stat: Option<Stat>,
    pub qps: Option<f64>,
    pub scale: Scale,
}

/// A view state made valid for one analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub scenario: String,
    pub baseline: String,
    /// Indices of the shown deployments, in deployment order.
    pub shown: Vec<usize>,
    pub metric: MetricChoice,
    pub stat: Stat,
    /// The QPS level for distribution views: the chosen one if the scenario has it, else the highest.
    pub qps: f64,
    pub scale: Scale,
}

impl ViewState {
    /// Parses `#key=value&...` (the leading `#` is optional); unknown keys and values are ignored.
    pub fn from_hash(hash: &str) -> ViewState {
        let mut state = ViewState::default();
        for pair in hash.trim_start_matches('#').split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match key {
                "scenario" => state.scenario = Some(value),
                "baseline" => state.baseline = Some(value),
                "hide" => state.hidden = value.split('\n').filter(|v| !v.is_empty()).map(String::from).collect(),
                "metric" => state.metric = MetricChoice::ALL.into_iter().find(|m| m.key() == value).unwrap_or_default(),
                "stat" => state.stat = Stat::from_key(&value),
                "qps" => state.qps = value.parse().ok().filter(|q: &f64| q.is_finite()),
                "scale" => state.scale = if value == "log" { Scale::Log } else { Scale::Linear },
                _ => {}
            }
        }
        state
    }

    /// The state as a URL hash, without defaults.
    pub fn to_hash(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(scenario) = &self.scenario {
            pairs.push(format!("scenario={}", encode(scenario)));
        }
        if let Some(baseline) = &self.baseline {
            pairs.push(format!("baseline={}", encode(baseline)));
        }
        if !self.hidden.is_empty() {
            pairs.push(format!("hide={}", encode(&self.hidden.join("\n"))));
        }
        if self.metric != MetricChoice::default() {
            pairs.push(format!("metric={}", self.metric.key()));
        }
        if let Some(stat) = self.stat {
            pairs.push(format!("stat={}", stat.key()));
        }
        if let Some(qps) = self.qps {
            pairs.push(format!("qps={qps}"));
        }
        if self.scale == Scale::Log {
            pairs.push("scale=log".to_string());
        }
        format!("#{}", pairs.join("&"))
    }

    /// Fills in defaults and drops choices that this analysis can't honour.
    pub fn resolve(&self, analysis: &Analysis) -> Resolved {
        let scenarios = analysis.scenarios();
        let scenario = self
            .scenario
            .as_deref()
            .filter(|s| scenarios.contains(s))
            .or(scenarios.first().copied())
            .unwrap_or_default()
            .to_string();
        let baseline = self
            .baseline
            .clone()
            .filter(|b| analysis.deployment_index(b).is_some())
            .unwrap_or_else(|| analysis.baseline.clone());
        let shown =
            (0..analysis.deployments.len()).filter(|&i| !self.hidden.contains(&analysis.deployments[i].id)).collect();
        let levels = analysis.qps_levels(&scenario);
        let qps = self.qps.filter(|q| levels.contains(q)).or(levels.last().copied()).unwrap_or(0.0);
        Resolved {
            scenario,
            baseline,
            shown,
            metric: self.metric,
            stat: self.stat.unwrap_or(Stat::P50),
            qps,
            scale: self.scale,
        }
    }

    /// Shows or hides one deployment.
    pub fn toggle(&mut self, id: &str) {
        match self.hidden.iter().position(|h| h == id) {
            Some(i) => {
                self.hidden.remove(i);
            }
            None => self.hidden.push(id.to_string()),
        }
    }
}

/// Percent-encodes everything but unreserved characters, so ids with `&`, `=`, `#` or spaces survive.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = || std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex()) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_round_trip() {
        let state = ViewState {
            scenario: Some("short_input".into()),
            baseline: Some("a/b c&d=e#f".into()),
            hidden: vec!["<img src=x>".into(), "x/y".into()],
            metric: MetricChoice::Tpot,
            stat: Some(Stat::P99),
            qps: Some(9.5),
            scale: Scale::Log,
        };
        let hash = state.to_hash();
        assert!(!hash[1..].contains(['#', ' ', '<']), "{hash}");
        assert_eq!(ViewState::from_hash(&hash), state);
        assert_eq!(ViewState::default().to_hash(), "#");
        assert_eq!(ViewState::from_hash(""), ViewState::default());
    }

    #[test]
    fn junk_in_the_hash_is_ignored() {
        let state = ViewState::from_hash("#metric=nope&stat=p42&qps=abc&scale=weird&zzz=1&baseline=%zz&&=");
        assert_eq!(state.metric, MetricChoice::Ttft);
        assert_eq!((state.stat, state.qps, state.scale), (None, None, Scale::Linear));
        assert_eq!(state.baseline.as_deref(), Some("%zz"));
        assert_eq!(ViewState::from_hash("#qps=inf").qps, None);
    }

    #[test]
    fn toggling_hides_and_shows() {
        let mut state = ViewState::default();
        state.toggle("a");
        state.toggle("b");
        assert_eq!(state.hidden, ["a", "b"]);
        state.toggle("a");
        assert_eq!(state.hidden, ["b"]);
    }

    #[test]
    fn metric_choices_map_to_quantities() {
        assert_eq!(MetricChoice::E2e.quantity(Stat::P90), Quantity::Stat(Metric::E2eLatency, Stat::P90));
        assert_eq!(MetricChoice::Throughput.quantity(Stat::P90), Quantity::Throughput(Rate::OutputTokens));
        assert_eq!(MetricChoice::Throughput.per_request(), None);
    }
}
