//! The result files carried inside the generated site: each file deflate-compressed and base64-encoded in a
//! classic `<script>` (data.js), because browsers block `fetch()` on `file://`. The site's viewer
//! decodes them with this same module.

use crate::warning::Warning;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;

/// The global that data.js defines.
pub const DATA_GLOBAL: &str = "GEN_SITE_DATA";

/// One file as stored in data.js.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackedFile {
    /// Path relative to the results folder.
    pub path: String,
    /// Size of the original file in bytes.
    pub size: usize,
    /// base64 of the raw deflate stream.
    pub deflate: String,
}

impl PackedFile {
    pub fn pack(path: &str, bytes: &[u8]) -> PackedFile {
        // Level 1: most of the gain (Huffman coding of the digits) at a fraction of the time of level 6.
        let deflate = STANDARD.encode(miniz_oxide::deflate::compress_to_vec(bytes, 1));
        PackedFile { path: path.to_string(), size: bytes.len(), deflate }
    }
}

/// Decodes a file packed by [`PackedFile::pack`].
pub fn unpack(path: &str, deflate_base64: &str, size: usize) -> Result<Vec<u8>, String> {
    let damaged = |e: &dyn std::fmt::Display| format!("{path}: the embedded data is damaged ({e})");
    let compressed = STANDARD.decode(deflate_base64).map_err(|e| damaged(&e))?;
    miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, size).map_err(|e| damaged(&e))
}

#[derive(Serialize)]
struct Bundle<'a> {
    title: &'a str,
    generator: &'a str,
    files: &'a [PackedFile],
    warnings: &'a [Warning],
}

/// The text of data.js: assigns the bundle to `window.GEN_SITE_DATA`. `warnings` are the problems met
/// while finding the files (names that don't fit, unreadable files), which the viewer can't see itself.
pub fn data_script(title: &str, generator: &str, files: &[PackedFile], warnings: &[Warning]) -> String {
    let bundle = Bundle { title, generator, files, warnings };
    let json = serde_json::to_string(&bundle).expect("strings and numbers serialise");
    // `<` escaped so that the text is also safe inline in an HTML <script> element.
    format!("window.{DATA_GLOBAL} = {};\n", json.replace('<', "\\u003c"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_smaller_than_csv() {
        let csv =
            crate::synth::results_csv(3, &crate::synth::EXAMPLE_PROFILES[0], &crate::synth::LONG_INPUT, 0.5, 2000);
        let packed = PackedFile::pack("a/b.csv", csv.as_bytes());
        assert_eq!(packed.size, csv.len());
        assert!(packed.deflate.len() < csv.len() * 3 / 4, "{} vs {}", packed.deflate.len(), csv.len());
        assert_eq!(unpack("a/b.csv", &packed.deflate, packed.size).unwrap(), csv.as_bytes());
        assert!(unpack("a/b.csv", &packed.deflate, packed.size - 1).is_err(), "the size is a limit");
        assert!(unpack("x", "not base64!", 10).unwrap_err().starts_with("x: the embedded data is damaged"));
        assert!(unpack("x", &STANDARD.encode([200, 0, 0, 0, 1, 2]), 10).is_err());
    }

    #[test]
    fn script_escapes_markup() {
        let files = [PackedFile::pack("<img src=x>/LMBench_a_1.csv", b"x")];
        let script = data_script("</script><script>alert(1)", "g", &files, &[Warning::file("<b>", "x")]);
        assert!(script.starts_with("window.GEN_SITE_DATA = {"));
        assert!(!script.contains('<'), "{script}");
    }
}
