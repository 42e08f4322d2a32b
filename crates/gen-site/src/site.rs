//! The static site beside the report: index.html, the viewer (wasm-bindgen glue and module, built by
//! build.rs), its stylesheet and file reader, and the result files in data.js. It opens from disk and
//! from any static host under any path: relative links only, classic scripts only, no request outside.

use serving_compare::bundle::{write_data_script, PackedFile};
use serving_compare::warning::Warning;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

static INDEX_HTML: &str = include_str!("../assets/index.html");
static STYLE_CSS: &str = include_str!("../../../site/assets/style.css");
static FILES_JS: &str = include_str!("../../../site/assets/files.js");
static VIEWER_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/viewer.js"));
static VIEWER_WASM_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/viewer-wasm.js"));

/// The file holding the result files.
pub const DATA_FILE: &str = "data.js";

/// The site's files but [`DATA_FILE`], as (relative path, contents).
pub fn code_files(title: &str) -> Vec<(String, Vec<u8>)> {
    let index = INDEX_HTML.replace("{{TITLE}}", &html_escape(title));
    [
        ("index.html", index),
        ("style.css", STYLE_CSS.to_string()),
        ("files.js", FILES_JS.to_string()),
        ("viewer.js", VIEWER_JS.to_string()),
        ("viewer-wasm.js", VIEWER_WASM_JS.to_string()),
        // GitHub Pages would otherwise run Jekyll, which skips files it does not expect.
        (".nojekyll", String::new()),
    ]
    .into_iter()
    .map(|(path, text)| (path.to_string(), text.into_bytes()))
    .collect()
}

/// Writes [`DATA_FILE`] at `path`. `warnings` are the problems found while finding the files (the viewer
/// finds the rest itself, by parsing `packed`).
pub fn write_data(
    path: &Path,
    title: &str,
    generator: &str,
    packed: &[PackedFile],
    warnings: &[Warning],
) -> io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    write_data_script(&mut out, title, generator, packed, warnings)?;
    out.flush()
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
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join(DATA_FILE);
        let packed = [PackedFile::pack(&format!("{evil}/LMBench_s_1.csv"), b"x")];
        write_data(&data, evil, "g", &packed, &[Warning::file(evil, "bad")]).unwrap();
        assert!(!std::fs::read_to_string(&data).unwrap().contains("<img"));
        for (path, bytes) in code_files(evil) {
            if path != "viewer-wasm.js" {
                assert!(!String::from_utf8_lossy(&bytes).contains("<img"), "{path}");
            }
        }
        let index = String::from_utf8(code_files(evil).remove(0).1).unwrap();
        assert!(index.contains("<title>LMBench comparison: &lt;img src=x onerror=alert(1)&gt;</title>"));
        assert!(
            !index.contains("http:") && !index.contains("https:") && !index.contains("//cdn"),
            "no request outside"
        );
    }
}
