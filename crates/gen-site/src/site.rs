//! The static site beside the report: index.html, the viewer (wasm-bindgen glue and module, built by
//! build.rs), its stylesheet and file reader, and the result files in data.js. It opens from disk and
//! from any static host under any path: relative links only, classic scripts only, no request outside.

use serving_compare::bundle::{DataScript, Options, PackedFile};
use serving_compare::charts::Figure;
use serving_compare::warning::Warning;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;

static INDEX_HTML: &str = include_str!("../assets/index.html");
static STYLE_CSS: &str = include_str!("../../../site/assets/style.css");
static FILES_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/files.js"));
static VIEWER_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/viewer.js"));
static VIEWER_WASM_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/viewer-wasm.js"));

/// The file holding the result files.
pub const DATA_FILE: &str = "data.js";

/// A result file compressed for [`DATA_FILE`], in pieces (see [`Packer`]).
pub fn pack(path: &str, bytes: &[u8]) -> PackedFile {
    let mut packer = Packer::new();
    for piece in bytes.chunks(PIECE) {
        packer.piece(piece);
    }
    packer.finish(path)
}

/// The size of the pieces a file is compressed in: a large file is compressed as it is read, never held
/// whole (see [`serving_compare::bundle`]); a piece restarts the compressor's window of 32 KB, which costs
/// nothing measurable at this size.
pub const PIECE: usize = 4 << 20;

/// A result file compressed for [`DATA_FILE`] a piece at a time, by [`crate::deflate`]: compressing is
/// much of gen-site's time on large inputs.
#[derive(Default)]
pub struct Packer {
    pieces: Vec<Vec<u8>>,
    size: usize,
}

impl Packer {
    pub fn new() -> Packer {
        Packer::default()
    }

    /// Compresses the next piece of the file.
    pub fn piece(&mut self, bytes: &[u8]) {
        self.pieces.push(crate::deflate::compress(bytes));
        self.size += bytes.len();
    }

    /// The file, as `path`.
    pub fn finish(mut self, path: &str) -> PackedFile {
        if self.pieces.is_empty() {
            self.piece(b"");
        }
        PackedFile { path: path.to_string(), size: self.size, deflate: self.pieces }
    }
}

/// The report's plots that index.html shows before the viewer has drawn, most telling first.
const FIRST_PAINT: [Figure; 4] = [Figure::Qps, Figure::TradeOff, Figure::Throughput, Figure::Latency];

/// The site's files but [`DATA_FILE`], as (relative path, contents). index.html holds the key findings and
/// the report's plots: what a reader sees at once, before the viewer has drawn its charts (which then
/// take their place), and all they see without JavaScript.
pub fn code_files(title: &str, findings: &[String]) -> Vec<(String, Vec<u8>)> {
    let mut report = format!("<div id=\"static-report\">\n<h1>Benchmark comparison: {}</h1>\n", html_escape(title));
    report.push_str("<section class=\"findings\"><h2>Key findings</h2><ul>\n");
    for finding in findings {
        report.push_str(&format!("<li>{}</li>\n", html_escape(finding)));
    }
    report.push_str("</ul></section>\n<section class=\"charts\">\n");
    for figure in FIRST_PAINT {
        report.push_str(&format!(
            "<figure class=\"chart\"><img src=\"plots/{}.png\" alt=\"{}\" elementtiming=\"static-chart\"></figure>\n",
            figure.file_stem(),
            html_escape(figure.title())
        ));
    }
    report.push_str("</section>\n</div>\n");
    let index = INDEX_HTML.replace("{{TITLE}}", &html_escape(title)).replace("{{REPORT}}", &report);
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

/// [`DATA_FILE`] written while the files are read: each file that holds results goes in once it and the
/// files before it are read, so that the compressed files are never all held at once and their order is
/// the files' order, whatever the threads do.
pub struct DataWriter(Mutex<Pending>);

struct Pending {
    script: DataScript<BufWriter<File>>,
    /// The index of the next file to write, and the files read ahead of it (`None`: nothing to carry).
    next: usize,
    waiting: BTreeMap<usize, Option<PackedFile>>,
    paths: Vec<String>,
    error: Option<io::Error>,
}

impl DataWriter {
    pub fn create(path: &Path, title: &str, generator: &str) -> io::Result<DataWriter> {
        let script = DataScript::begin(BufWriter::new(File::create(path)?), title, generator)?;
        let pending = Pending { script, next: 0, waiting: BTreeMap::new(), paths: Vec::new(), error: None };
        Ok(DataWriter(Mutex::new(pending)))
    }

    /// The `index`-th file read (in the order of the files): packed, if the site carries it.
    pub fn add(&self, index: usize, file: Option<PackedFile>) {
        let mut guard = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let pending = &mut *guard;
        pending.waiting.insert(index, file);
        while let Some(file) = pending.waiting.remove(&pending.next) {
            pending.next += 1;
            let Some(file) = file else { continue };
            if pending.error.is_none() {
                pending.error = pending.script.file(&file).err();
            }
            pending.paths.push(file.path);
        }
    }

    /// Ends data.js with `options` and those of `warnings` about files it does not carry: the viewer reads
    /// the files it carries again and finds their problems itself. Returns the paths of the files carried.
    pub fn finish(self, options: &Options, warnings: &[Warning]) -> io::Result<Vec<String>> {
        let pending = self.0.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(error) = pending.error {
            return Err(error);
        }
        let carried: std::collections::HashSet<&str> = pending.paths.iter().map(String::as_str).collect();
        let others: Vec<Warning> = warnings.iter().filter(|w| !carried.contains(w.file.as_str())).cloned().collect();
        pending.script.finish(options, &others)?.flush()?;
        Ok(pending.paths)
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_files_inflate_to_the_original() {
        let csv = serving_compare::synth::results_csv(
            1,
            &serving_compare::synth::EXAMPLE_PROFILES[0],
            &serving_compare::synth::LONG_INPUT,
            0.5,
            3000,
        );
        let inflated = |packed: &PackedFile| -> Vec<u8> {
            packed.deflate.iter().flat_map(|piece| miniz_oxide::inflate::decompress_to_vec(piece).unwrap()).collect()
        };
        let packed = pack("a/b.csv", csv.as_bytes());
        assert_eq!(packed.size, csv.len());
        assert_eq!(packed.deflate.len(), 1);
        assert!(packed.deflate[0].len() < csv.len() / 2, "{} of {}", packed.deflate[0].len(), csv.len());
        assert_eq!(inflated(&packed), csv.as_bytes());
        assert_eq!(inflated(&pack("e", b"")), b"");
        // In pieces.
        let mut packer = Packer::new();
        for piece in csv.as_bytes().chunks(1000) {
            packer.piece(piece);
        }
        let packed = packer.finish("a/b.csv");
        assert_eq!((packed.size, packed.deflate.len()), (csv.len(), csv.len().div_ceil(1000)));
        assert_eq!(inflated(&packed), csv.as_bytes());
    }

    #[test]
    fn files_go_into_data_js_in_their_order() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join(DATA_FILE);
        let writer = DataWriter::create(&data, "t", "g").unwrap();
        for i in [2, 0, 3, 1] {
            writer.add(i, (i != 3).then(|| pack(&format!("f{i}"), b"x")));
        }
        let paths = writer.finish(&Options::default(), &[]).unwrap();
        assert_eq!(paths, ["f0", "f1", "f2"]);
        let text = std::fs::read_to_string(&data).unwrap();
        let positions: Vec<usize> = ["\"f0\"", "\"f1\"", "\"f2\""].iter().map(|p| text.find(p).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    }

    #[test]
    fn names_are_escaped_in_the_page_and_data() {
        let evil = "<img src=x onerror=alert(1)>";
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join(DATA_FILE);
        let packed = [pack(&format!("{evil}/LMBench_s_1.csv"), b"x")];
        let writer = DataWriter::create(&data, evil, "g").unwrap();
        for (i, file) in packed.into_iter().enumerate() {
            writer.add(i, Some(file));
        }
        writer.finish(&Options::default(), &[Warning::file(evil, "bad")]).unwrap();
        assert!(!std::fs::read_to_string(&data).unwrap().contains(evil));
        let findings = [format!("{evil} serves 3 QPS")];
        for (path, bytes) in code_files(evil, &findings) {
            if path != "viewer-wasm.js" {
                assert!(!String::from_utf8_lossy(&bytes).contains(evil), "{path}");
            }
        }
        let index = String::from_utf8(code_files(evil, &findings).remove(0).1).unwrap();
        assert!(index.contains("<li>&lt;img src=x onerror=alert(1)&gt; serves 3 QPS</li>"));
        assert!(index.contains("<title>Benchmark comparison: &lt;img src=x onerror=alert(1)&gt;</title>"));
        assert!(
            !index.contains("http:") && !index.contains("https:") && !index.contains("//cdn"),
            "no request outside"
        );
    }
}
