//! The result files carried inside the generated site: each file deflate-compressed (by the CLI) and
//! base64-encoded in a classic `<script>` (data.js), because browsers block `fetch()` on `file://`. The
//! site's viewer has the browser inflate them. A large file may be compressed in pieces as it is read: its
//! data is then the pieces' base64, separated by commas.

use crate::inference::StatsConfig;
use crate::slo::Slo;
use crate::warning::Warning;
use base64::Engine;
use serde::Serialize;

/// The global that data.js defines.
pub const DATA_GLOBAL: &str = "GEN_SITE_DATA";

/// data.js's base64 encoder: natively by AVX2 or NEON where the processor has them, twice as fast as the
/// scalar encoder on compressed files (what the CLI writes); the scalar one elsewhere.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn base64_engine() -> impl Engine {
    base64::engine::Simd::standard(base64::engine::general_purpose::PAD)
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn base64_engine() -> impl Engine {
    base64::engine::general_purpose::STANDARD
}

/// One file as stored in data.js.
#[derive(Debug, Clone, PartialEq)]
pub struct PackedFile {
    /// Path relative to the results folder.
    pub path: String,
    /// Size of the original file in bytes.
    pub size: usize,
    /// The file as raw deflate streams, each of a piece of it in order (base64-encoded in data.js, joined
    /// by commas).
    pub deflate: Vec<Vec<u8>>,
}

/// JSON for a JS file: `<` escaped so that the text would also be safe inline in an HTML <script>.
fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("strings and numbers serialise").replace('<', "\\u003c")
}

/// What the viewer needs besides the files to reproduce the CLI's analysis.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Options {
    /// `folder`, `model` or `target` (`--deployment-by`).
    pub deployment_by: &'static str,
    /// `--scenario`, when given.
    pub scenario: Option<String>,
    /// The baseline's id.
    pub baseline: String,
    /// The settings of intervals and verdicts.
    pub stats: StatsConfig,
    /// The service-level objectives given (`--slo`, `--attainment`).
    pub slo: Slo,
}

/// Writes data.js, which assigns `window.GEN_SITE_DATA = {title, generator, files: [{path, size, deflate}],
/// options, warnings}`, a file at a time as they are compressed, so that the (large) compressed data is
/// never all held at once. `warnings` are the problems with files not carried here (unreadable, not
/// results), which the viewer can't see itself.
pub struct DataScript<W: std::io::Write> {
    out: W,
    files: usize,
    encoded: String,
}

impl<W: std::io::Write> DataScript<W> {
    pub fn begin(mut out: W, title: &str, generator: &str) -> std::io::Result<DataScript<W>> {
        write!(
            out,
            "window.{DATA_GLOBAL} = {{\"title\":{},\"generator\":{},\"files\":[",
            json(title),
            json(generator)
        )?;
        Ok(DataScript { out, files: 0, encoded: String::new() })
    }

    pub fn file(&mut self, file: &PackedFile) -> std::io::Result<()> {
        let separator = if self.files == 0 { "" } else { "," };
        self.files += 1;
        write!(self.out, "{separator}{{\"path\":{},\"size\":{},\"deflate\":\"", json(&file.path), file.size)?;
        let engine = base64_engine();
        for (i, piece) in file.deflate.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            // In slices, so that only a slice's base64 is ever held; 3 divides the slice size, so the
            // slices concatenate to the base64 of the whole.
            for chunk in piece.chunks(3 << 16) {
                self.encoded.clear();
                engine.encode_string(chunk, &mut self.encoded);
                self.out.write_all(self.encoded.as_bytes())?;
            }
        }
        write!(self.out, "\"}}")
    }

    /// Ends the script; returns the writer.
    pub fn finish(mut self, options: &Options, warnings: &[Warning]) -> std::io::Result<W> {
        writeln!(self.out, "],\"options\":{},\"warnings\":{}}};", json(options), json(warnings))?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    fn script(title: &str, files: &[PackedFile], warnings: &[Warning]) -> String {
        let mut script = DataScript::begin(Vec::new(), title, "g").unwrap();
        for file in files {
            script.file(file).unwrap();
        }
        String::from_utf8(script.finish(&Options::default(), warnings).unwrap()).unwrap()
    }

    /// The base64 of the first file's data in a script.
    fn encoded(script: &str) -> &str {
        script.split("\"deflate\":\"").nth(1).unwrap().split('"').next().unwrap()
    }

    fn packed(path: &str, bytes: &[u8]) -> PackedFile {
        PackedFile {
            path: path.to_string(),
            size: bytes.len(),
            deflate: vec![miniz_oxide::deflate::compress_to_vec(bytes, 1)],
        }
    }

    #[test]
    fn the_data_is_base64_of_the_deflate_stream() {
        // Larger than one encoding slice, so that slices are joined.
        let csv =
            crate::synth::results_csv(3, &crate::synth::EXAMPLE_PROFILES[0], &crate::synth::LONG_INPUT, 0.5, 8000);
        let packed = packed("a/b.csv", csv.as_bytes());
        assert!(packed.deflate[0].len() > 3 << 16);
        let whole = script("t", std::slice::from_ref(&packed), &[]);
        let text = encoded(&whole);
        assert!(text.len() < csv.len() * 3 / 4, "{} vs {}", text.len(), csv.len());
        let deflate = STANDARD.decode(text).unwrap();
        assert_eq!(miniz_oxide::inflate::decompress_to_vec(&deflate).unwrap(), csv.as_bytes());
        // In pieces: each piece's base64, separated by commas.
        let (a, b) = csv.as_bytes().split_at(csv.len() / 3);
        let pieces = [a, b].map(|piece| miniz_oxide::deflate::compress_to_vec(piece, 1));
        let packed = PackedFile { path: "a/b.csv".to_string(), size: csv.len(), deflate: pieces.to_vec() };
        let in_pieces = script("t", &[packed], &[]);
        let inflated: Vec<u8> = encoded(&in_pieces)
            .split(',')
            .flat_map(|piece| miniz_oxide::inflate::decompress_to_vec(&STANDARD.decode(piece).unwrap()).unwrap())
            .collect();
        assert_eq!(inflated, csv.as_bytes());
    }

    #[test]
    fn script_is_one_object_and_escapes_markup() {
        let files = [packed("<img src=x>/LMBench_a_1.csv", b"x"), packed("b", b"yy")];
        let script = script("</script><script>alert(1)", &files, &[Warning::line("<b>", 3, "x")]);
        assert!(script.starts_with("window.GEN_SITE_DATA = {"));
        assert!(!script.contains('<'), "{script}");
        let json: serde_json::Value =
            serde_json::from_str(script.trim_start_matches("window.GEN_SITE_DATA = ").trim_end().trim_end_matches(';'))
                .unwrap();
        assert_eq!(json["files"].as_array().unwrap().len(), 2);
        assert_eq!(json["files"][1]["size"], 2);
        assert_eq!(json["warnings"][0]["line"], 3);
        assert_eq!(json["title"], "</script><script>alert(1)");
    }
}
