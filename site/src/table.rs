//! The comparison table of the page: the core's table model for the chosen sweep, baseline and
//! deployments, one table per load level, with the CSS class of each change. Pure: tested natively.

use crate::state::Resolved;
use serving_compare::analysis::Analysis;
use serving_compare::inference::State;
use serving_compare::model::Load;
use serving_compare::report::{table, Cell, Row, TABLE_QUANTITIES};

/// The rows of one load level.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelTable {
    pub load: Load,
    pub rows: Vec<Row>,
}

/// One table per load level of the sweep, holding the shown deployments (the baseline first).
pub fn comparison_tables(analysis: &Analysis, view: &Resolved) -> Vec<LevelTable> {
    let shown: Vec<&str> = view.shown.iter().map(|&i| analysis.deployments[i].id.as_str()).collect();
    analysis
        .levels(&view.sweep)
        .into_iter()
        .map(|load| {
            let rows = table(analysis, &view.sweep.scenario, load, &TABLE_QUANTITIES)
                .into_iter()
                .filter(|row| shown.contains(&row.deployment.as_str()))
                .collect();
            LevelTable { load, rows }
        })
        .filter(|t| !t.rows.is_empty())
        .collect()
}

/// The CSS class of a cell: its verdict against the baseline, if any.
pub fn verdict_class(cell: &Cell) -> &'static str {
    match cell.change.as_ref().map(|c| c.verdict) {
        Some(State::Better) => "better",
        Some(State::Worse) => "worse",
        Some(State::Same) => "same",
        Some(State::Inconclusive) => "inconclusive",
        Some(State::Insufficient) => "insufficient",
        Some(State::Unstable) => "unstable",
        Some(State::NotApplicable) | None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ViewState;
    use serving_compare::analysis::{group_runs, Grouping, Run};
    use serving_compare::formats::{assemble, read};
    use serving_compare::inference::StatsConfig;
    use serving_compare::slo::Slo;

    fn analysis() -> Analysis {
        let header = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time\n";
        let reads = [
            ("base/LMBench_s_1.csv", "0.5"),
            ("base/LMBench_s_2.csv", "0.5"),
            ("fast/LMBench_s_1.csv", "0.25"),
            ("slow/LMBench_s_1.csv", "1.0"),
            ("slow/LMBench_s_3.csv", "1.0"),
        ]
        .into_iter()
        .map(|(path, ttft)| {
            // Enough requests for intervals, the TTFT varying a little and without a trend.
            let mut text = header.to_string();
            for i in 0..400 {
                let ttft = ttft.parse::<f64>().unwrap() * (1.0 + (i % 10) as f64 * 0.01);
                text.push_str(&format!("10,11,{ttft},1.0,{i},{}\n", i as f64 + ttft + 1.0));
            }
            (path.to_string(), read(path, text.into_bytes()).found)
        })
        .collect();
        let mut warnings = Vec::new();
        let sourced = assemble(reads, &mut warnings);
        let runs = group_runs(sourced, &Grouping::default(), &mut warnings).iter().map(Run::summarise).collect();
        Analysis::new(runs, vec![], "t", Some("base"), StatsConfig::default()).unwrap()
    }

    #[test]
    fn tables_follow_the_view() {
        let a = analysis();
        let view = ViewState::default().resolve(&a, &Slo::default());
        let tables = comparison_tables(&a, &view);
        assert_eq!(tables.iter().map(|t| t.load).collect::<Vec<_>>(), [1.0, 2.0, 3.0].map(Load::qps));
        let at_1: Vec<&str> = tables[0].rows.iter().map(|r| r.deployment.as_str()).collect();
        assert_eq!(at_1, ["base", "fast", "slow"]);
        // TTFT p50: fast halves it (better), slow doubles it (worse); the baseline has no change.
        assert_eq!(verdict_class(&tables[0].rows[0].cells[0]), "");
        assert_eq!(verdict_class(&tables[0].rows[1].cells[0]), "better");
        assert_eq!(verdict_class(&tables[0].rows[2].cells[0]), "worse");
        // QPS 3 only has `slow`: shown, compared with nothing.
        assert!(tables[2].rows[0].cells.iter().all(|c| c.change.is_none()));

        let mut state = ViewState { baseline: Some("slow".into()), ..ViewState::default() };
        state.toggle("fast");
        let view = state.resolve(&a, &Slo::default());
        // As the page does when the baseline changes.
        let a = a.with_settings(&view.baseline, a.config);
        let tables = comparison_tables(&a, &view);
        let at_1: Vec<&str> = tables[0].rows.iter().map(|r| r.deployment.as_str()).collect();
        assert_eq!(at_1, ["slow", "base"]);
        assert_eq!(verdict_class(&tables[0].rows[1].cells[0]), "better");
    }

    #[test]
    fn resolve_falls_back_to_what_exists() {
        let a = analysis();
        let state = ViewState {
            scenario: Some("nope".into()),
            baseline: Some("nope".into()),
            level: Some(Some(7.0)),
            ..ViewState::default()
        };
        let view = state.resolve(&a, &Slo::default());
        assert_eq!((view.sweep.scenario.as_str(), view.baseline.as_str(), view.load), ("s", "base", Load::qps(3.0)));
        assert_eq!(view.shown, [0, 1, 2]);
        assert_eq!(
            ViewState { level: Some(Some(2.0)), ..ViewState::default() }.resolve(&a, &Slo::default()).load,
            Load::qps(2.0)
        );
    }
}
