//! Golden tests: the Markdown report and the terminal table for the shipped example are exactly as
//! committed in tests/golden/, and www/example-data.js is the example's data.js. After an intended change, rerun with UPDATE_GOLDEN=1 and review the diff.

mod support;

use support::*;

fn check(name: &str, actual: &str) {
    check_at(&repo().join("tests/golden").join(name), actual);
}

fn check_at(path: &std::path::Path, actual: &str) {
    let name = path.display();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(e, a)| e != a).map_or(0, |i| i + 1);
        panic!("{name} differs from the golden file from line {line}:\n--- golden\n{expected}\n--- actual\n{actual}");
    }
}

#[test]
fn example_report_and_terminal_table() {
    let tmp = tempfile::tempdir().unwrap();
    let output = gen_site_ok(&repo(), &[example().to_str().unwrap(), "-o", tmp.path().join("out").to_str().unwrap()]);
    check("example-README.md", &std::fs::read_to_string(tmp.path().join("out/README.md")).unwrap());
    check("example-stdout.txt", &stdout(&output));
    // The data `trunk serve` shows (www/) is the example's, as gen-site writes it.
    check_at(&repo().join("www/example-data.js"), &std::fs::read_to_string(tmp.path().join("out/data.js")).unwrap());
}
