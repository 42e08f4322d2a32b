//! Hostile rows and names, generated: whatever the values and the names, reading, analysing, reporting
//! and drawing finish, without a panic, in bounded time and output; every number shown is finite; and
//! every name reads, in each medium, as the text it is.

use plotters::prelude::*;
use proptest::prelude::*;
use serving_compare::analysis::{group_runs, Analysis, Grouping, Run};
use serving_compare::charts::{ChartView, Figure};
use serving_compare::formats::{assemble, read};
use serving_compare::inference::StatsConfig;
use serving_compare::slo::{Slo, SloReport};
use serving_compare::{report, summary, text};
use std::sync::mpsc;
use std::time::Duration;

mod escaping;

const HEADER: &str = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time";

/// Values at the edges: of f64's range, of the formats' rules, and of CSV's.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => (0.0f64..100.0).prop_map(|v| v.to_string()),
        2 => prop::sample::select(vec![
            "0", "-0", "-0.0", "1e-310", "5e-324", "2.2250738585072014e-308", "1.7e308", "1.7976931348623157e308",
            "1e307", "1.0000000000000002", "1e300", "-1", "NaN", "inf", "-inf", "", " ", "abc", "1e", "0x10",
        ])
        .prop_map(String::from),
        1 => prop::sample::select(vec![
            "\"1\"", "\"a,b\"", "\"x\ny\"", "\"a\"\"b\"", "\"\r\n\"", "\u{1b}[31m", "\u{1b}]0;t\u{7}", "\u{202e}1",
        ])
        .prop_map(String::from),
    ]
}

/// Mostly rows of the header's six fields.
fn row() -> impl Strategy<Value = String> {
    prop_oneof![3 => prop::collection::vec(field(), 6), 1 => prop::collection::vec(field(), 4..8)]
        .prop_map(|fields| fields.join(","))
}

/// A folder or scenario name: Markdown's characters, blanks, digits, controls, bidirectional controls.
fn name() -> impl Strategy<Value = String> {
    let chars = prop::sample::select(vec![
        'a', 'b', '1', '9', ' ', ' ', '.', ')', '#', '-', '+', '=', '*', '_', '`', '~', '[', ']', '(', '<', '>', '&',
        '|', '\\', '!', ':', '\t', '\u{1}', '\u{1b}', '\u{7f}', '\u{9b}', '\u{202e}', '\u{2028}', 'é', '·',
    ]);
    prop::collection::vec(chars, 1..24).prop_map(|chars| chars.into_iter().collect())
}

/// Runs `work` on its own thread and fails if it takes longer than `limit`: a loop is a failure.
fn within<T: Send + 'static>(limit: Duration, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(work());
    });
    receive.recv_timeout(limit).expect("finished in time (or panicked)")
}

fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let font = include_bytes!("../../gen-site/assets/DejaVuSans.ttf");
        for style in [FontStyle::Normal, FontStyle::Bold] {
            plotters::style::register_font("sans-serif", style, font).unwrap_or_else(|_| panic!("the font is valid"));
        }
    });
}

fn analysis_of(files: &[(String, String)]) -> Option<Analysis> {
    let mut warnings = Vec::new();
    let reads = files
        .iter()
        .map(|(path, text)| {
            let read = read(path, text.clone().into_bytes());
            warnings.extend(read.warnings);
            (path.clone(), read.found)
        })
        .collect();
    let sourced = assemble(reads, &mut warnings);
    let groups = group_runs(sourced, &Grouping::default(), &mut warnings);
    serving_compare::warning::sort(&mut warnings);
    let runs: Vec<Run> = groups.iter().map(Run::summarise).collect();
    Analysis::new(runs, warnings, "results", None, StatsConfig::default()).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, max_shrink_time: 60_000, ..ProptestConfig::default() })]

    /// Files of hostile rows in folders of hostile names: the report, the terminal table, summary.json
    /// and every figure come out in bounded time and size, with finite numbers only.
    #[test]
    fn hostile_rows_give_bounded_reports_of_finite_numbers(
        files in prop::collection::vec((name(), 1..4u8, prop::collection::vec(row(), 0..12)), 1..5)
    ) {
        let files: Vec<(String, String)> = files
            .into_iter()
            .map(|(folder, qps, rows)| {
                let mut text = format!("{HEADER}\n");
                for row in rows {
                    text.push_str(&row);
                    text.push('\n');
                }
                // A good row beside the hostile ones, so that there is something to analyse.
                text.push_str("10,20,0.5,1.0,1000,1002\n");
                (format!("{folder}/LMBench_s_{qps}.csv"), text)
            })
            .collect();
        let input_size: usize = files.iter().map(|(p, t)| p.len() + t.len()).sum();
        let outputs = within(Duration::from_secs(30), move || {
            let analysis = analysis_of(&files)?;
            // Tight objectives, so that some requests meet them and some don't.
            let slo = Slo::parse("ttft=0.5,e2el=1.2", 0.9).expect("a valid SLO");
            let slo = SloReport::of(&analysis, &slo);
            let json = summary::to_json(&analysis, Some(&slo), "test");
            let markdown = report::markdown(&analysis, "results", &[], Some(&slo));
            let terminal = report::terminal(&analysis, Some(100), Some(&slo));
            register_font();
            let view = ChartView::for_figures(&analysis);
            let svgs: Vec<String> = Figure::ALL
                .iter()
                .map(|figure| {
                    let mut svg = String::new();
                    {
                        let root = SVGBackend::with_string(&mut svg, figure.size(&view)).into_drawing_area();
                        figure.draw(&root, &analysis, &view).unwrap();
                    }
                    svg
                })
                .collect();
            Some((analysis, json, markdown, terminal, svgs))
        });
        let Some((analysis, json, markdown, terminal, svgs)) = outputs else { return Ok(()) };
        prop_assert!(svgs.iter().all(|svg| svg.starts_with("<svg")));
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        for run in value["runs"].as_array().unwrap() {
            for (metric, stats) in run["metrics"].as_object().unwrap() {
                let n = stats["n"].as_u64().unwrap_or(0);
                for stat in ["mean", "min", "p50", "p99", "max"] {
                    prop_assert!(n == 0 || stats[stat].is_f64(), "{metric}.{stat} of {n} values: {}", stats[stat]);
                }
                prop_assert!(n < 2 || stats["std"].is_f64(), "{metric}.std of {n} values: {}", stats["std"]);
            }
        }
        // The tables, that is: warnings may quote a file's `NaN`.
        let tables = &markdown[markdown.find("## Results by scenario and load").unwrap()..];
        for text in [tables, &terminal] {
            for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
                prop_assert!(!["NaN", "inf"].contains(&word), "`{word}` in\n{text}");
            }
        }
        for text in [&markdown, &terminal] {
            prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "a control character in\n{text}");
            prop_assert!(text.lines().all(|line| line.chars().count() < 3000), "a line of thousands of characters");
        }
        for warning in &analysis.warnings {
            prop_assert!(warning.message.chars().count() < 400, "{warning}");
        }
        prop_assert!(markdown.len() < 20_000 + 40 * input_size, "{} bytes of Markdown", markdown.len());
        for svg in &svgs {
            prop_assert!(svg.len() < 2 << 20, "{} bytes of SVG", svg.len());
        }
    }

    /// Escaped for Markdown, a name renders as its text (hidden characters shown as escapes), as a list
    /// item and as a table cell, never as any other markup.
    #[test]
    fn names_render_in_markdown_as_the_text_they_are(name in name()) {
        prop_assert_eq!(escaping::markdown_renders_as_text(&name), Ok(()));
    }

    /// The terminal and XML forms hold nothing that acts, and a quote is bounded.
    #[test]
    fn terminal_and_xml_forms_hold_nothing_that_acts(name in name(), repeat in 1..200usize) {
        let long = name.repeat(repeat);
        let terminal = text::terminal(&long);
        prop_assert!(!terminal.chars().any(escaping::acts), "{:?}", terminal);
        let xml = text::xml(&long);
        prop_assert!(xml.chars().all(escaping::xml_char), "{:?}", xml);
        let shown = text::shown(&long);
        prop_assert!(shown.chars().count() <= text::SHOWN_CHARS * 10 + 1);
        prop_assert!(shown.ends_with('…') == (long.chars().count() > text::SHOWN_CHARS));
    }
}
