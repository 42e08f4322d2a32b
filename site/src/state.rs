//! The view state (what the user chose to look at) and its form in the URL hash, so that a copied link
//! reopens the same view. Pure: tested natively.

use serving_compare::analysis::Analysis;
use serving_compare::charts::Scale;
use serving_compare::compare::{Quantity, Rate};
use serving_compare::decimal;
use serving_compare::inference::StatsConfig;
use serving_compare::metric::Metric;
use serving_compare::model::{Load, LoadKind, Sweep};
use serving_compare::slo::{Slo, SLO_METRICS};
use serving_compare::stats::Stat;

/// The metric the user picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetricChoice {
    #[default]
    Ttft,
    Tpot,
    Itl,
    E2e,
    DecodeRate,
    Throughput,
}

impl MetricChoice {
    pub const ALL: [MetricChoice; 6] = [
        MetricChoice::Ttft,
        MetricChoice::Tpot,
        MetricChoice::Itl,
        MetricChoice::E2e,
        MetricChoice::DecodeRate,
        MetricChoice::Throughput,
    ];

    pub fn key(self) -> &'static str {
        match self {
            MetricChoice::Ttft => "ttft",
            MetricChoice::Tpot => "tpot",
            MetricChoice::Itl => "itl",
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
            MetricChoice::Itl => Some(Metric::Itl),
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
    /// The kind of load of the chosen sweep, when the scenario was run at both kinds.
    pub kind: Option<LoadKind>,
    pub baseline: Option<String>,
    /// Ids of hidden deployments.
    pub hidden: Vec<String>,
    pub metric: MetricChoice,
    pub stat: Option<Stat>,
    /// The load level of the distribution views (its value; `None` inside for unbounded).
    pub level: Option<Option<f64>>,
    pub scale: Scale,
    /// The noise threshold in percent, when the user changed it.
    pub noise: Option<f64>,
    /// The confidence level in percent, when the user changed it.
    pub confidence: Option<f64>,
    /// Per SLO metric (in the order of `SLO_METRICS`): the threshold in ms the user set, or `Some(None)`
    /// when they cleared it; `None` keeps the CLI's.
    pub slo_ms: [Option<Option<f64>>; SLO_METRICS.len()],
    /// The attainment target in percent, when the user changed it.
    pub attainment: Option<f64>,
}

/// Noise thresholds (%) the page offers.
pub const NOISE_CHOICES: [f64; 6] = [1.0, 2.0, 5.0, 10.0, 15.0, 20.0];
/// Confidence levels (%) the page offers.
pub const CONFIDENCE_CHOICES: [f64; 3] = [90.0, 95.0, 99.0];

/// A view state made valid for one analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub sweep: Sweep,
    pub baseline: String,
    /// Indices of the shown deployments, in deployment order.
    pub shown: Vec<usize>,
    pub metric: MetricChoice,
    pub stat: Stat,
    /// The load of the distribution views: the chosen level if the sweep has it, else the highest.
    pub load: Load,
    pub scale: Scale,
    /// The settings of intervals and verdicts: the analysis's, with the user's threshold and confidence.
    pub config: StatsConfig,
    /// The SLOs: the CLI's, with the user's changes.
    pub slo: Slo,
}

/// A sweep's key in the page's controls: its scenario, and `@concurrency` for a sweep of concurrencies.
pub fn sweep_key(sweep: &Sweep) -> String {
    match sweep.kind {
        LoadKind::Qps => sweep.scenario.clone(),
        LoadKind::Concurrency => format!("{}@concurrency", sweep.scenario),
    }
}

/// A level's key in the URL and the controls: its value, or `inf`.
pub fn level_key(load: Load) -> String {
    load.value.map_or_else(|| "inf".to_string(), |v| v.to_string())
}

/// An SLO threshold in ms from the URL: a positive number, or `off` for none.
fn parse_threshold(text: &str) -> Option<Option<f64>> {
    match text {
        "off" => Some(None),
        t => decimal::parse(t).filter(|ms| ms.is_finite() && *ms >= 0.0).map(Some),
    }
}

/// A percentage within bounds.
fn parse_percent(text: &str, low: f64, high: f64) -> Option<f64> {
    decimal::parse(text).filter(|p| (low..=high).contains(p))
}

fn parse_level(text: &str) -> Option<Option<f64>> {
    match text {
        "inf" => Some(None),
        t => decimal::parse(t).filter(|q| q.is_finite()).map(Some),
    }
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
                "kind" => state.kind = (value == "concurrency").then_some(LoadKind::Concurrency),
                "baseline" => state.baseline = Some(value),
                "hide" => state.hidden = value.split('\n').filter(|v| !v.is_empty()).map(String::from).collect(),
                "metric" => state.metric = MetricChoice::ALL.into_iter().find(|m| m.key() == value).unwrap_or_default(),
                "stat" => state.stat = Stat::from_key(&value),
                "level" => state.level = parse_level(&value),
                "scale" => state.scale = if value == "log" { Scale::Log } else { Scale::Linear },
                "noise" => state.noise = parse_percent(&value, 0.01, 90.0),
                "confidence" => state.confidence = parse_percent(&value, 50.0, 99.99),
                "attain" => state.attainment = parse_percent(&value, 1.0, 100.0),
                other => {
                    if let Some(i) = other.strip_prefix("slo_").and_then(|m| SLO_METRICS.iter().position(|n| *n == m)) {
                        state.slo_ms[i] = parse_threshold(&value);
                    }
                }
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
        if self.kind == Some(LoadKind::Concurrency) {
            pairs.push("kind=concurrency".to_string());
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
        if let Some(level) = self.level {
            pairs.push(format!("level={}", level.map_or_else(|| "inf".to_string(), |v| v.to_string())));
        }
        if self.scale == Scale::Log {
            pairs.push("scale=log".to_string());
        }
        if let Some(noise) = self.noise {
            pairs.push(format!("noise={noise}"));
        }
        if let Some(confidence) = self.confidence {
            pairs.push(format!("confidence={confidence}"));
        }
        for (name, threshold) in SLO_METRICS.iter().zip(&self.slo_ms) {
            match threshold {
                Some(Some(ms)) => pairs.push(format!("slo_{name}={ms}")),
                Some(None) => pairs.push(format!("slo_{name}=off")),
                None => {}
            }
        }
        if let Some(attainment) = self.attainment {
            pairs.push(format!("attain={attainment}"));
        }
        format!("#{}", pairs.join("&"))
    }

    /// Fills in defaults (`slo`: the CLI's SLOs) and drops choices that this analysis can't honour.
    pub fn resolve(&self, analysis: &Analysis, slo: &Slo) -> Resolved {
        let mut slo = *slo;
        for (name, threshold) in SLO_METRICS.iter().zip(&self.slo_ms) {
            if let (Some(choice), Some(slot)) = (threshold, slo.threshold_mut(name)) {
                *slot = choice.map(|ms| ms / 1000.0);
            }
        }
        if let Some(attainment) = self.attainment {
            slo.attainment = attainment / 100.0;
        }
        let sweeps = analysis.sweeps();
        let wanted =
            |s: &&Sweep| Some(&s.scenario) == self.scenario.as_ref() && s.kind == self.kind.unwrap_or(LoadKind::Qps);
        let same_scenario = |s: &&Sweep| Some(&s.scenario) == self.scenario.as_ref();
        let sweep = sweeps
            .iter()
            .find(wanted)
            .or_else(|| sweeps.iter().find(same_scenario))
            .or(sweeps.first())
            .cloned()
            .unwrap_or(Sweep { scenario: String::new(), kind: LoadKind::Qps });
        let baseline = self
            .baseline
            .clone()
            .filter(|b| analysis.deployment_index(b).is_some())
            .unwrap_or_else(|| analysis.baseline.clone());
        let shown =
            (0..analysis.deployments.len()).filter(|&i| !self.hidden.contains(&analysis.deployments[i].id)).collect();
        let levels = analysis.levels(&sweep);
        let load = self
            .level
            .and_then(|value| levels.iter().copied().find(|l| l.value == value))
            .or(levels.last().copied())
            .unwrap_or(Load { kind: sweep.kind, value: None });
        Resolved {
            sweep,
            baseline,
            shown,
            metric: self.metric,
            stat: self.stat.unwrap_or(Stat::P50),
            load,
            scale: self.scale,
            config: StatsConfig {
                noise_threshold: self.noise.map_or(analysis.config.noise_threshold, |p| p / 100.0),
                confidence: self.confidence.map_or(analysis.config.confidence, |p| p / 100.0),
                ..analysis.config
            },
            slo,
        }
    }

    /// Chooses a sweep by its [`sweep_key`].
    pub fn choose_sweep(&mut self, key: &str) {
        match key.strip_suffix("@concurrency") {
            Some(scenario) => {
                self.scenario = Some(scenario.to_string());
                self.kind = Some(LoadKind::Concurrency);
            }
            None => {
                self.scenario = Some(key.to_string());
                self.kind = None;
            }
        }
    }

    /// Chooses the level of the distribution views by its [`level_key`].
    pub fn choose_level(&mut self, key: &str) {
        self.level = parse_level(key);
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
            kind: Some(LoadKind::Concurrency),
            baseline: Some("a/b c&d=e#f".into()),
            hidden: vec!["<img src=x>".into(), "x/y".into()],
            metric: MetricChoice::Tpot,
            stat: Some(Stat::P99),
            level: Some(Some(9.5)),
            scale: Scale::Log,
            noise: Some(2.5),
            confidence: Some(99.0),
            slo_ms: [Some(Some(60.0)), Some(None), None, Some(Some(12.5))],
            attainment: Some(95.0),
        };
        let hash = state.to_hash();
        assert!(!hash[1..].contains(['#', ' ', '<']), "{hash}");
        assert_eq!(ViewState::from_hash(&hash), state);
        assert_eq!(ViewState::default().to_hash(), "#");
        assert_eq!(ViewState::from_hash(""), ViewState::default());
    }

    #[test]
    fn junk_in_the_hash_is_ignored() {
        let state = ViewState::from_hash(
            "#metric=nope&stat=p42&level=abc&scale=weird&zzz=1&baseline=%zz&&=&noise=-3&confidence=100",
        );
        assert_eq!((state.noise, state.confidence), (None, None));
        assert_eq!(state.metric, MetricChoice::Ttft);
        assert_eq!((state.stat, state.level, state.scale), (None, None, Scale::Linear));
        assert_eq!(state.baseline.as_deref(), Some("%zz"));
        assert_eq!(ViewState::from_hash("#level=inf").level, Some(None));
        assert_eq!(ViewState::from_hash("#level=NaN").level, None);
        assert_eq!(ViewState::from_hash("#level=inf").to_hash(), "#level=inf");
    }

    #[test]
    fn sweeps_and_levels_by_key() {
        let mut state = ViewState::default();
        state.choose_sweep("x@concurrency");
        assert_eq!((state.scenario.as_deref(), state.kind), (Some("x"), Some(LoadKind::Concurrency)));
        state.choose_sweep("y");
        assert_eq!((state.scenario.as_deref(), state.kind), (Some("y"), None));
        state.choose_level("inf");
        assert_eq!(state.level, Some(None));
        assert_eq!(sweep_key(&Sweep { scenario: "a".into(), kind: LoadKind::Concurrency }), "a@concurrency");
        assert_eq!(level_key(Load::qps(2.5)), "2.5");
        assert_eq!(level_key(Load::UNBOUNDED_QPS), "inf");
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
