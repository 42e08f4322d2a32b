//! The generated site in a real browser (headless Chromium, driven by tests/e2e/site.test.mjs with
//! playwright-core): from file:// and from a local server under a sub-path, charts drawn, table equal to
//! summary.json, controls and URL state, drop and file picker (LMBench CSVs, and every other tool's files with
//! the CLI's numbers), hostile names, values at the edges of f64, a 200 MB one-line file, 1M requests; and
//! the size of the site's code and data.
//! tests/e2e/setup.sh installs Chromium and playwright-core first if they are missing.

mod support;

use std::fs;
use std::path::Path;
use std::process::Command;
use support::*;

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn site_in_a_real_browser() {
    let e2e = repo().join("tests/e2e");
    let setup = Command::new("bash").arg(e2e.join("setup.sh")).status().expect("bash runs");
    assert!(setup.success(), "tests/e2e/setup.sh could not install what the browser tests need");

    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    gen_site_ok(tmp.path(), &[real_data().to_str().unwrap(), "-o", site.to_str().unwrap()]);
    // Checked after the browser tests, so that one run reports both.
    let sizes = check_sizes(&site);
    let summary: serde_json::Value = serde_json::from_slice(&fs::read(site.join("summary.json")).unwrap()).unwrap();
    let baseline = summary["baseline"].as_str().unwrap();
    let deployments = summary["deployments"].as_array().unwrap();
    let other = deployments.iter().map(|d| d["id"].as_str().unwrap()).find(|id| *id != baseline).unwrap();
    let slo_site = tmp.path().join("slo");
    gen_site_ok(
        tmp.path(),
        &[real_data().to_str().unwrap(), "-o", slo_site.to_str().unwrap(), "--slo", "ttft=60ms,tpot=30ms"],
    );
    let other_site = tmp.path().join("other-baseline");
    gen_site_ok(tmp.path(), &[real_data().to_str().unwrap(), "-o", other_site.to_str().unwrap(), "--baseline", other]);

    let evil_results = tmp.path().join("evil");
    let real = real_data();
    copy_dir(&real.join("llm-d-70b-2replicas-H100"), &evil_results.join("<img src=x onerror=alert(1)>"));
    copy_dir(&real.join("vllm-standalone-llama-3-70b-2replicas-H100"), &evil_results.join("standalone"));
    let evil_site = tmp.path().join("evil-site");
    gen_site_ok(tmp.path(), &[evil_results.to_str().unwrap(), "-o", evil_site.to_str().unwrap()]);

    let empty_site = tmp.path().join("empty-site");
    copy_dir(&site, &empty_site);
    fs::remove_file(empty_site.join("data.js")).unwrap();

    let big = tmp.path().join("big");
    let synth = Command::new(env!("CARGO_BIN_EXE_synth-results"))
        .args([big.to_str().unwrap(), "--requests", "1000000", "--seed", "5"])
        .status()
        .unwrap();
    assert!(synth.success());
    let big_site = tmp.path().join("big-site");
    gen_site_ok(tmp.path(), &[big.to_str().unwrap(), "-o", big_site.to_str().unwrap()]);

    let mixed = tmp.path().join("mixed");
    mixed_results(&mixed);
    let mixed_site = tmp.path().join("mixed-site");
    gen_site_ok(tmp.path(), &[mixed.to_str().unwrap(), "-o", mixed_site.to_str().unwrap()]);

    let extreme = tmp.path().join("extreme");
    extreme_results(&extreme);
    let extreme_site = tmp.path().join("extreme-site");
    gen_site_ok(tmp.path(), &[extreme.to_str().unwrap(), "-o", extreme_site.to_str().unwrap()]);

    // A 200 MB file of one line, named like a result file, beside an ordinary deployment.
    let huge = tmp.path().join("huge");
    copy_dir(&example().join("standalone"), &huge.join("standalone"));
    write(&huge, "huge/LMBench_long_input_0.5.csv", "x".repeat(200 << 20).as_bytes());

    let output = Command::new("node")
        .current_dir(&e2e)
        .args(["--test", "--test-reporter=spec", "site.test.mjs"])
        .env("SITE", &site)
        .env("OTHER_BASELINE_SUMMARY", other_site.join("summary.json"))
        .env("SLO_SUMMARY", slo_site.join("summary.json"))
        .env("EVIL_SITE", &evil_site)
        .env("EMPTY_SITE", &empty_site)
        .env("BIG_SITE", &big_site)
        .env("CSV_DIR", example())
        .env("MIXED_DIR", &mixed)
        .env("MIXED_SUMMARY", mixed_site.join("summary.json"))
        .env("EXTREME_SITE", &extreme_site)
        .env("SLO_SITE", &slo_site)
        .env("REAL_DATA", real_data())
        .env("GUIDELLM_ANCHOR", repo().join("tests/data/anchors/guidellm-0.8.1-report.html"))
        .env("HUGE_DIR", &huge)
        .output()
        .expect("node runs");
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    println!("{report}");
    assert!(output.status.success(), "browser tests failed:\n{report}");
    sizes.unwrap();
}

/// The site's code, gzipped, is at most 250 KB (issue 10's budget, 1.5 % over what it is), and its data
/// takes less room than the CSVs.
fn check_sizes(site: &Path) -> Result<(), String> {
    let gzipped = |name: &str| miniz_oxide::deflate::compress_to_vec(&fs::read(site.join(name)).unwrap(), 9).len() + 18;
    let code: usize =
        ["index.html", "style.css", "files.js", "viewer.js", "viewer-wasm.js"].iter().map(|f| gzipped(f)).sum();
    println!("site code, gzipped: {code} bytes");
    if code > 250_000 {
        return Err(format!("the site's code is {code} bytes gzipped, over 250 KB"));
    }
    let csv: u64 = snapshot(&real_data()).iter().map(|(_, bytes)| bytes.len() as u64).sum();
    let data = fs::metadata(site.join("data.js")).unwrap().len();
    println!("data.js: {data} bytes for {csv} bytes of CSV");
    if data >= csv {
        return Err(format!("data.js ({data}) is larger than the CSVs ({csv})"));
    }
    Ok(())
}
