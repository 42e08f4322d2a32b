//! gen-site against hostile and unlucky values, as a user meets them: numbers at the edges of f64 (no
//! hang, no NaN, inf or -0 anywhere), CSV records with quoted line ends, huge lines, names holding
//! terminal escape sequences, XML-invalid characters or Markdown syntax, and very many runs.

mod support;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};
use support::*;

const HEADER: &str = LMBENCH_HEADER;

fn write(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// No `NaN`, `inf` or negative zero in a text meant for people.
fn assert_numbers_read_well(what: &str, text: &str) {
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        assert!(!["NaN", "nan", "inf", "infinity", "Infinity"].contains(&word), "{what} shows `{word}`");
    }
    for token in text.split(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '.'))) {
        let zero = token.parse::<f64>().is_ok_and(|v| v == 0.0 && v.is_sign_negative());
        assert!(!zero, "{what} shows a negative zero `{token}`");
    }
}

/// Every number in a JSON value is finite (serde_json writes NaN and inf as null) and not -0.
fn json_numbers(value: &serde_json::Value, out: &mut Vec<f64>) {
    match value {
        serde_json::Value::Number(n) => out.push(n.as_f64().unwrap()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_numbers(v, out)),
        serde_json::Value::Object(members) => members.values().for_each(|v| json_numbers(v, out)),
        _ => {}
    }
}

#[test]
fn extreme_values_finish_quickly_and_read_as_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let results = tmp.path().join("results");
    extreme_results(&results);

    let output = gen_site_ok_within(tmp.path(), &["results", "-o", "out"], Duration::from_secs(60));
    let (out, err) = (stdout(&output), stderr(&output));
    let readme = fs::read_to_string(tmp.path().join("out/README.md")).unwrap();
    assert_numbers_read_well("stdout", &out);
    assert_numbers_read_well("README.md", &readme);
    for line in [
        "warning: edge/LMBench_s_1.csv:2: row skipped: `decode_tokens_per_s` computed from its values is infinite",
        "warning: edge/LMBench_s_4.csv:2: row skipped: `e2e_latency_s` computed from its values is infinite",
        "warning: edge/LMBench_s_5.csv:2: row skipped: `tpot_s` computed from its values is infinite",
    ] {
        assert!(err.contains(line), "stderr lacks `{line}`:\n{err}");
    }

    let summary_text = fs::read_to_string(tmp.path().join("out/summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&summary_text).unwrap();
    let mut numbers = Vec::new();
    json_numbers(&summary, &mut numbers);
    assert!(numbers.iter().all(|v| v.is_finite() && !(*v == 0.0 && v.is_sign_negative())));
    assert!(!summary_text.contains("-0.0,") && !summary_text.contains("-0.0\n"), "a negative zero in summary.json");
    // Statistics that exist are numbers: null only where a statistic is undefined (std of one value).
    for run in summary["runs"].as_array().unwrap() {
        for (metric, stats) in run["metrics"].as_object().unwrap() {
            let Some(n) = stats["n"].as_u64().filter(|&n| n > 0) else { continue };
            for (stat, value) in stats.as_object().unwrap() {
                let undefined = stat == "std" && n < 2;
                assert_eq!(value.is_null(), undefined, "{} {metric}.{stat} = {value}", run["files"][0]);
            }
        }
    }
    let huge = summary["runs"].as_array().unwrap().iter().find(|r| r["files"][0] == "edge/LMBench_s_8.csv").unwrap();
    assert_eq!(huge["metrics"]["ttft_s"]["mean"], 1.7e308);
    assert_eq!(huge["metrics"]["ttft_s"]["std"], 0.0);
    // A change beyond f64's range is n/a, never +inf %: against edge's 8e-306 tokens/s at QPS 3.
    let output =
        gen_site_ok_within(tmp.path(), &["results", "-o", "out", "--baseline", "edge"], Duration::from_secs(60));
    assert_numbers_read_well("stdout", &stdout(&output));
    let summary = read_json(&tmp.path().join("out/summary.json"));
    let at_3 = summary["comparisons"].as_array().unwrap().iter().find(|c| c["load"]["value"] == 3.0).unwrap();
    let change = at_3["changes"].as_array().unwrap().iter().find(|c| c["metric"] == "output_tokens_per_s").unwrap();
    assert!(change["change_pct"].is_null() && change["verdict"] == "n_a", "{change}");
    let readme = fs::read_to_string(tmp.path().join("out/README.md")).unwrap();
    assert_numbers_read_well("README.md", &readme);
    assert!(readme.contains("20.0 tokens/s (n/a)"), "{readme}");
    // Every plot was drawn.
    for name in ["latency_comparison", "throughput_comparison", "qps_comparison"] {
        assert!(fs::metadata(tmp.path().join(format!("out/plots/{name}.png"))).unwrap().len() > 10_000);
    }
}

#[test]
fn quoted_line_ends_keep_each_record_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let header = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time,note\n";
    // A note that holds line ends, one that holds what looks like a whole row, CRLF inside quotes, and a
    // quoted number spread over two lines (not a number: skipped, named by the line it starts on).
    let csv = format!(
        "{header}10,20,0.5,1.0,1000,1002,\"first\nsecond\"\n\
         10,20,0.5,1.0,1000,1002,\"\n10,20,0.5,1.0,1000,1002,x\n\"\r\n\
         10,20,0.5,1.0,1000,1002,\"a\r\nb\"\"\nc\"\n\
         \"1\n0\",20,0.5,1.0,1000,1002,y\n\
         10,20,0.5,1.0,1000,1002,last"
    );
    write(tmp.path(), "results/a/LMBench_s_1.csv", csv.as_bytes());
    let output = gen_site_ok_within(tmp.path(), &["results", "-o", "out"], Duration::from_secs(60));
    let err = stderr(&output);
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings, ["warning: a/LMBench_s_1.csv:10: row skipped: `prompt_tokens` is not a number: `1\\u{a}0`"]);
    let summary = read_json(&tmp.path().join("out/summary.json"));
    assert_eq!((summary["runs"][0]["requests"].as_u64(), summary["skipped_rows"].as_u64()), (Some(4), Some(1)));
}

#[test]
fn a_huge_line_is_quoted_short_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let results = tmp.path().join("results");
    let huge = "x".repeat(50 << 20);
    write(&results, "a/LMBench_s_1.csv", format!("{HEADER}10,20,0.5,1.0,1000,1002\n").as_bytes());
    // 50 MB without a line end: as a row, as a header, as a value, as a CSV of another tool, as JSON.
    write(&results, "a/LMBench_s_2.csv", format!("{HEADER}10,20,0.5,1.0,1000,1002\n{huge}").as_bytes());
    write(&results, "a/LMBench_s_3.csv", huge.as_bytes());
    write(&results, "a/LMBench_s_4.csv", format!("{HEADER}10,20,{huge},1.0,1000,1002\n").as_bytes());
    write(&results, "a/notes.csv", format!("a,{huge}\n").as_bytes());
    write(&results, "a/broken.json", format!("{{\"{huge}\": 1}}").as_bytes());
    let output = gen_site_ok_within(tmp.path(), &["results", "-o", "out"], Duration::from_secs(120));
    let err = stderr(&output);
    assert_eq!(err.lines().filter(|l| l.starts_with("warning:")).count(), 6, "{err}");
    assert!(err.len() < 4000, "{} bytes on stderr", err.len());
    assert!(err.contains("a/LMBench_s_2.csv:3: row skipped: longer than 1 MiB or 4096 fields"), "{err}");
    for file in ["README.md", "summary.json"] {
        // About 15 KB each with the statistics' settings and notes, whatever the line's length.
        let size = fs::metadata(tmp.path().join("out").join(file)).unwrap().len();
        assert!(size < 40_000, "{file} is {size} bytes");
    }
}

/// Folder names that are terminal escape sequences, characters XML forbids, bidirectional controls, and
/// Markdown that would start a block where a name starts a line.
const HOSTILE_NAMES: [&str; 9] = [
    "\u{1b}]0;retitled\u{7}\u{1b}[31mred\u{1b}[2J",
    "ctl\u{1}name",
    "bidi\u{202e}txt.exe",
    "c1\u{9b}31m",
    "1. big",
    "  # heading",
    "- item",
    "> quote",
    "    code",
];

fn hostile_results(root: &Path) {
    for name in HOSTILE_NAMES {
        write(root, &format!("{name}/LMBench_s_1.csv"), format!("{HEADER}10,20,0.5,1.0,1000,1002\n").as_bytes());
        // A cell holding escape sequences, quoted in a warning.
        let bad = format!("{HEADER}10,20,\u{1b}]52;c;cGF5bG9hZA==\u{7}\u{1b}[1;1H,1.0,1000,1002\n");
        write(root, &format!("{name}/LMBench_s_2.csv"), bad.as_bytes());
    }
    write(root, "standalone/LMBench_s_1.csv", format!("{HEADER}10,20,0.5,1.0,1000,1002\n").as_bytes());
}

#[test]
fn nothing_from_the_input_acts_on_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    hostile_results(&tmp.path().join("results"));
    let output = gen_site_ok_within(tmp.path(), &["results", "-o", "out"], Duration::from_secs(60));
    for (stream, text) in [("stdout", stdout(&output)), ("stderr", stderr(&output))] {
        let acting = text.chars().find(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c));
        assert_eq!(acting, None, "{stream}:\n{text}");
    }
    let err = stderr(&output);
    assert!(
        err.contains("warning: \\u{1b}]0;retitled\\u{7}\\u{1b}[31mred\\u{1b}[2J/LMBench_s_2.csv:2: row skipped"),
        "{err}"
    );
    assert!(err.contains("`ttft` is not a number: `\\u{1b}]52;c;cGF5bG9hZA==\\u{7}\\u{1b}[1;1H`"), "{err}");
}

#[test]
fn svg_plots_are_valid_xml_whatever_the_names() {
    let tmp = tempfile::tempdir().unwrap();
    hostile_results(&tmp.path().join("results"));
    gen_site_ok_within(tmp.path(), &["results", "-o", "out"], Duration::from_secs(60));
    for name in ["latency_comparison", "throughput_comparison", "qps_comparison"] {
        let svg = fs::read_to_string(tmp.path().join(format!("out/plots/{name}.svg"))).unwrap();
        let forbidden = svg.chars().find(|&c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}');
        assert_eq!(forbidden, None, "{name}.svg holds a character XML 1.0 forbids");
        assert!(svg.contains("ctl\\u{1}name"), "{name}.svg does not name the deployment");
    }
}

#[test]
fn names_render_in_the_report_as_the_text_they_are() {
    use pulldown_cmark::{html, Options, Parser};
    let tmp = tempfile::tempdir().unwrap();
    hostile_results(&tmp.path().join("results"));
    gen_site_ok_within(tmp.path(), &["results", "-o", "out"], Duration::from_secs(60));
    let readme = fs::read_to_string(tmp.path().join("out/README.md")).unwrap();
    let mut rendered = String::new();
    html::push_html(&mut rendered, Parser::new_ext(&readme, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH));
    // The report's own code spans, which name summary.json's keys.
    let rendered = rendered.replace("<code>headlines</code>", "").replace("<code>comparisons</code>", "");
    for markup in ["<ol", "<blockquote", "<pre", "<hr", "<code", "<em>"] {
        assert!(!rendered.contains(markup), "the report renders `{markup}`:\n{rendered}");
    }
    assert_eq!(rendered.matches("<strong>").count(), 1, "only the baseline is in bold");
    let headings: Vec<&str> = rendered.lines().filter(|l| l.starts_with("<h")).collect();
    assert!(headings.iter().all(|h| !h.contains("heading") && !h.contains("big")), "{headings:#?}");
    // Each warning's list item starts with the path as it is: characters that act shown as escapes, as on
    // the terminal, and HTML's own escaped by the renderer.
    let html = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    for name in HOSTILE_NAMES {
        let item = format!("<li>{}/LMBench_s_2.csv:2: row skipped:", html(&serving_compare::text::terminal(name)));
        assert!(rendered.contains(&item), "no `{item}` in:\n{rendered}");
    }
}

#[test]
fn many_runs_take_linear_time_and_give_readable_plots() {
    let tmp = tempfile::tempdir().unwrap();
    let results = tmp.path().join("results");
    // 3,000 one-row runs, each at its own QPS, over 20 deployments and 12 scenarios: at one time the cost
    // grew with the square of the runs (8 minutes at 100,000), and the plots with their number. (The cost
    // of 30,000 runs is checked on the pure part, in crates/core/tests/scale.rs.)
    for i in 0..3000 {
        let (deployment, scenario, qps) = (i % 20, i % 12, 1.0 + i as f64 / 1000.0);
        let row = format!("{},{},0.{},1.{},1000,1002\n", 10 + i % 7, 20 + i % 5, 1 + i % 9, i % 7);
        write(
            &results,
            &format!("d{deployment:02}/LMBench_s{scenario}_{qps}.csv"),
            format!("{HEADER}{row}").as_bytes(),
        );
    }
    let started = Instant::now();
    gen_site_ok_within(tmp.path(), &["results", "-o", "out"], Duration::from_secs(90));
    println!("3000 runs: {:.1} s (debug build)", started.elapsed().as_secs_f64());
    let summary = read_json(&tmp.path().join("out/summary.json"));
    assert_eq!(summary["runs"].as_array().unwrap().len(), 3000);
    for name in ["latency_comparison", "throughput_comparison", "qps_comparison"] {
        let svg = fs::read_to_string(tmp.path().join(format!("out/plots/{name}.svg"))).unwrap();
        assert!(svg.len() < 2 << 20, "{name}.svg is {} bytes", svg.len());
        assert!(
            svg.contains("showing 10 of 20 deployments and 8 of 12 scenarios"),
            "{name}.svg says nothing of what it leaves out"
        );
        let png = image::open(tmp.path().join(format!("out/plots/{name}.png"))).unwrap();
        assert_eq!((png.width(), png.height()), (1800, 96 + 8 * 400));
    }
    let latency = fs::read_to_string(tmp.path().join("out/plots/latency_comparison.svg")).unwrap();
    assert!(latency.contains("250 load levels: more than 40 to draw side by side"), "boxes of 250 load levels drawn");
}
