//! The key findings: the answer in a few sentences, first in the report, the terminal and the page —
//! how much load each deployment serves under the SLO, or, without one, where each is better or worse
//! than the baseline, and which runs could not be compared.

use crate::analysis::Analysis;
use crate::compare::{headlines, Quantity, Rate};
use crate::inference::State;
use crate::metric::Metric;
use crate::slo::{CapacityResult, SloReport};
use crate::stats::Stat;
use crate::text;

/// The quantities whose verdicts the findings sum up without an SLO.
const SUMMED: [Quantity; 3] = [
    Quantity::Stat(Metric::Ttft, Stat::P90),
    Quantity::Stat(Metric::Tpot, Stat::P90),
    Quantity::Throughput(Rate::OutputTokens),
];

/// The findings, one sentence each. Names are plain text: escape them for the medium.
pub fn key_findings(analysis: &Analysis, slo: Option<&SloReport>) -> Vec<String> {
    let mut findings = match slo.filter(|r| r.slo.is_set()) {
        Some(report) => capacity_findings(analysis, report),
        None => verdict_findings(analysis),
    };
    let unstable = analysis.runs.iter().filter(|r| r.evidence.unstable()).count();
    if unstable > 0 {
        findings.push(format!(
            "{} of {} never reached a steady state (the server fell behind): their latency is shown but not compared.",
            unstable,
            text::count(analysis.runs.len(), "run")
        ));
    }
    findings
}

/// Per scenario: each deployment's capacity, and its change against the baseline's.
fn capacity_findings(analysis: &Analysis, report: &SloReport) -> Vec<String> {
    let slo = &report.slo;
    let condition = format!("{} for {} % of requests", slo.describe(), text::percent(slo.attainment));
    let mut findings = Vec::new();
    for scenario in analysis.scenarios() {
        let capacities: Vec<&CapacityResult> = report.capacities.iter().filter(|c| c.scenario == scenario).collect();
        if capacities.is_empty() {
            continue;
        }
        let parts: Vec<String> = capacities
            .iter()
            .map(|c| {
                let name = analysis.label(&c.deployment);
                let baseline = if c.deployment == analysis.baseline { " (baseline)" } else { "" };
                let change = report
                    .comparisons
                    .iter()
                    .find(|k| k.deployment == c.deployment && k.scenario == scenario)
                    .and_then(|k| {
                        let pct = k.change_pct?;
                        let ci = k.change_pct_ci.map(|[l, h]| format!(" [{l:+.0}, {h:+.0}]")).unwrap_or_default();
                        Some(format!(", {pct:+.0} %{ci} against the baseline ({})", verdict_word(k.verdict)))
                    })
                    .unwrap_or_default();
                format!("{name}{baseline} {}{change}", capacity_words(c))
            })
            .collect();
        findings.push(format!("{scenario}, {condition}: {}.", parts.join("; ")));
    }
    findings
}

/// `serves 3.36 QPS [3.25, 3.52]`, `fails it even at its lowest rate, 4 QPS`, `meets it at every rate
/// measured, up to 10 QPS`.
pub fn capacity_words(c: &CapacityResult) -> String {
    match c.status {
        "at" => {
            let ci =
                c.ci.map(|[l, h]| format!(" [{}, {}]", text::significant(l), text::significant(h))).unwrap_or_default();
            let note = if c.non_monotone { " (attainment is not monotone in the load)" } else { "" };
            format!("serves {} QPS{ci}{note}", text::significant(c.qps))
        }
        "below" => format!("fails it even at its lowest rate, {} QPS", text::qps(c.qps)),
        _ => format!("meets it at every rate measured, up to {} QPS", text::qps(c.qps)),
    }
}

fn verdict_word(state: State) -> &'static str {
    match state {
        State::Better => "better",
        State::Worse => "worse",
        State::Same => "the same",
        State::Inconclusive => "can't tell",
        State::Insufficient => "too few requests",
        State::Unstable => "unstable",
        State::NotApplicable => "no interval",
    }
}

/// Per deployment: where its TTFT, TPOT and output rate are better or worse than the baseline's.
fn verdict_findings(analysis: &Analysis) -> Vec<String> {
    let headlines = headlines(&analysis.comparisons);
    let mut findings = Vec::new();
    for deployment in analysis.deployments.iter().filter(|d| d.id != analysis.baseline) {
        let parts: Vec<String> = SUMMED
            .iter()
            .filter_map(|&quantity| {
                let h = headlines.iter().find(|h| h.deployment == deployment.id && h.metric == quantity)?;
                let counts: Vec<String> = [State::Better, State::Worse, State::Same, State::Inconclusive]
                    .into_iter()
                    .filter(|&s| h.count(s) > 0)
                    .map(|s| format!("{} at {}", verdict_word(s), text::count(h.count(s), "load")))
                    .collect();
                (!counts.is_empty()).then(|| format!("{} {}", quantity.label(), counts.join(", ")))
            })
            .collect();
        if !parts.is_empty() {
            findings.push(format!(
                "{} against {}: {}.",
                deployment.label,
                analysis.label(&analysis.baseline),
                parts.join("; ")
            ));
        }
    }
    findings.push(
        "Set service-level objectives (--slo ttft=200ms,tpot=50ms) to see how much load each deployment serves within them."
            .to_string(),
    );
    findings
}
