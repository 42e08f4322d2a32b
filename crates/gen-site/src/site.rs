//! The static site beside the report: index.html, the viewer (wasm-bindgen glue and module, built by
//! build.rs), its stylesheet and file reader, and the result files in data.js. It opens from disk and
//! from any static host under any path: relative links only, classic scripts only, no request outside.

use lmbench_compare::bundle::{data_script, PackedFile};
use lmbench_compare::warning::Warning;

static INDEX_HTML: &str = include_str!("../assets/index.html");
static STYLE_CSS: &str = include_str!("../../../site/assets/style.css");
static FILES_JS: &str = include_str!("../../../site/assets/files.js");
static VIEWER_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/viewer.js"));
static VIEWER_WASM_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/viewer-wasm.js"));

/// The site's files as (relative path, contents). `warnings` are the problems found while finding the
/// files (the viewer finds the rest itself, by parsing `files`).
pub fn files(title: &str, generator: &str, packed: &[PackedFile], warnings: &[Warning]) -> Vec<(String, Vec<u8>)> {
    let index = INDEX_HTML.replace("{{TITLE}}", &html_escape(title));
    let data = data_script(title, generator, packed, warnings);
    [
        ("index.html", index),
        ("style.css", STYLE_CSS.to_string()),
        ("files.js", FILES_JS.to_string()),
        ("viewer.js", VIEWER_JS.to_string()),
        ("viewer-wasm.js", VIEWER_WASM_JS.to_string()),
        ("data.js", data),
        // GitHub Pages would otherwise run Jekyll, which skips files it does not expect.
        (".nojekyll", String::new()),
    ]
    .into_iter()
    .map(|(path, text)| (path.to_string(), text.into_bytes()))
    .collect()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_the_page_and_data() {
        let evil = "<img src=x onerror=alert(1)>";
        let packed = [PackedFile::pack(&format!("{evil}/LMBench_s_1.csv"), b"x")];
        let files = files(evil, "g", &packed, &[Warning::file(evil, "bad")]);
        for (path, bytes) in &files {
            let text = String::from_utf8_lossy(bytes);
            if path != "viewer-wasm.js" {
                assert!(!text.contains("<img"), "{path}");
            }
        }
        let index = String::from_utf8_lossy(&files[0].1).into_owned();
        assert!(index.contains("<title>LMBench comparison: &lt;img src=x onerror=alert(1)&gt;</title>"));
        assert!(
            !index.contains("http:") && !index.contains("https:") && !index.contains("//cdn"),
            "no request outside"
        );
    }
}
