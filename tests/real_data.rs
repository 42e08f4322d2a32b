//! gen-site on real results (tests/data/exp-3-h100: 3 deployments, 2 scenarios, QPS sets that differ):
//! summary.json against statistics computed independently with numpy/pandas
//! (tests/fixtures/expected_stats.py), and the plots are real images with something drawn.

mod support;

use serde_json::Value;
use support::*;

fn close(got: &Value, want: &Value, what: &str) {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => assert!((g - w).abs() <= 1e-9 * w.abs().max(1e-9), "{what}: got {g}, numpy says {w}"),
        _ => assert_eq!(got, want, "{what}"),
    }
}

#[test]
fn summary_matches_numpy_and_plots_are_drawn() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let data = real_data();
    gen_site_ok(tmp.path(), &[data.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let summary = read_json(&out.join("summary.json"));
    let expected = read_json(&repo().join("tests/fixtures/exp-3-h100.expected.json"));

    assert_eq!(summary["schema_version"], 3);
    let ids: Vec<&str> = summary["deployments"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "llm-d-70b-2replicas-H100",
            "llm-d-70b-2replicas-H100-no-router",
            "vllm-standalone-llama-3-70b-2replicas-H100"
        ]
    );
    // No top-level `standalone` folder: the first deployment by id is the baseline.
    assert_eq!(summary["baseline"], "llm-d-70b-2replicas-H100");

    let runs = summary["runs"].as_array().unwrap();
    let want_runs = expected["runs"].as_array().unwrap();
    assert_eq!(runs.len(), want_runs.len());
    assert_eq!(runs.len(), 70);
    for want in want_runs {
        let run = runs
            .iter()
            .find(|r| {
                r["deployment"] == want["deployment"] && r["scenario"] == want["scenario"] && r["qps"] == want["qps"]
            })
            .unwrap_or_else(|| panic!("no run for {want:?}"));
        let name = format!("{} {} {}", want["deployment"], want["scenario"], want["qps"]);
        assert_eq!(run["requests"], want["requests"], "{name}");
        assert_eq!((run["format"].as_str(), run["per_request"].as_bool()), (Some("lmbench-csv"), Some(true)), "{name}");
        assert_eq!(run["load"], serde_json::json!({"kind": "qps", "value": want["qps"]}), "{name}");
        assert_eq!(run["failed_requests"], 0, "{name}");
        assert_eq!(run["skipped_rows"], 0, "{name}");
        close(&run["duration_s"], &want["duration_s"], &format!("{name} duration"));
        for (key, value) in want["throughput"].as_object().unwrap() {
            close(&run["throughput"][key], value, &format!("{name} {key}"));
        }
        for (metric, stats) in want["metrics"].as_object().unwrap() {
            for (stat, value) in stats.as_object().unwrap() {
                close(&run["metrics"][metric][stat], value, &format!("{name} {metric}.{stat}"));
            }
        }
    }

    // The no-router deployment only ran sharegpt: short_input compares two deployments, sharegpt three.
    let comparisons = summary["comparisons"].as_array().unwrap();
    let count = |scenario: &str| comparisons.iter().filter(|c| c["scenario"] == scenario).count();
    assert_eq!((count("sharegpt"), count("short_input")), (20, 20));
    let first = &comparisons[0];
    let ttft =
        first["changes"].as_array().unwrap().iter().find(|c| c["metric"] == "ttft_s" && c["stat"] == "p50").unwrap();
    assert_eq!(ttft["better"], "lower");
    let (b, v) = (ttft["baseline_value"].as_f64().unwrap(), ttft["value"].as_f64().unwrap());
    close(&ttft["change_pct"], &Value::from((v - b) / b * 100.0), "change_pct");

    for stem in ["latency_comparison", "throughput_comparison", "qps_comparison"] {
        let png = image::open(out.join(format!("plots/{stem}.png"))).unwrap().to_rgb8();
        assert!(png.width() >= 1200 && png.height() >= 600, "{stem}: {}x{}", png.width(), png.height());
        let non_white = png.pixels().filter(|p| p.0 != [255, 255, 255]).count();
        assert!(non_white > png.pixels().len() / 50, "{stem}.png is nearly blank");
        // Each deployment's colour appears (one colour per deployment across every chart).
        for colour in [[78, 121, 167], [242, 142, 43], [225, 87, 89]] {
            assert!(png.pixels().any(|p| p.0 == colour), "{stem}.png lacks colour {colour:?}");
        }
        let svg = std::fs::read_to_string(out.join(format!("plots/{stem}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{stem}.svg");
        assert!(
            svg.matches("<rect").count() + svg.matches("<polyline").count() + svg.matches("<path").count() > 20,
            "{stem}.svg draws little"
        );
        assert!(
            svg.contains("sharegpt") && svg.contains("short_input") && svg.contains("QPS"),
            "{stem}.svg lacks titles"
        );
    }
}

/// The tests read copies of the shared data kept in the repository, so that they run anywhere; where the
/// shared originals are beside the repository (as on CI), each copy must be identical to its original.
#[test]
fn the_copies_of_the_shared_data_are_unchanged() {
    let shared = repo().join("../shared/data");
    if !shared.exists() {
        println!("{} is not here: nothing to compare", shared.display());
        return;
    }
    for (copy, original) in
        [("exp-3-h100", "real/exp-3-h100"), ("exp-7-h100", "real/exp-7-h100"), ("formats", "formats")]
    {
        assert_eq!(snapshot(&repo().join("tests/data").join(copy)), snapshot(&shared.join(original)), "{copy}");
    }
}
