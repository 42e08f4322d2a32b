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
#[derive(Debug, Clone, PartialEq)]
pub struct PackedFile {
    /// Path relative to the results folder.
    pub path: String,
    /// Size of the original file in bytes.
    pub size: usize,
    /// The raw deflate stream (base64-encoded in data.js).
    pub deflate: Vec<u8>,
}

impl PackedFile {
    pub fn pack(path: &str, bytes: &[u8]) -> PackedFile {
        // Level 1: most of the gain (Huffman coding of the digits) at a fraction of the time of level 6.
        PackedFile {
            path: path.to_string(),
            size: bytes.len(),
            deflate: miniz_oxide::deflate::compress_to_vec(bytes, 1),
        }
    }
}

/// Decodes a file as stored in data.js: base64 of a deflate stream of at most `size` bytes.
pub fn unpack(path: &str, deflate_base64: &str, size: usize) -> Result<Vec<u8>, String> {
    let damaged = |e: &dyn std::fmt::Display| format!("{path}: the embedded data is damaged ({e})");
    let compressed = STANDARD.decode(deflate_base64).map_err(|e| damaged(&e))?;
    miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, size).map_err(|e| damaged(&e))
}

/// JSON for a JS file: `<` escaped so that the text would also be safe inline in an HTML <script>.
fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("strings and numbers serialise").replace('<', "\\u003c")
}

/// Writes data.js, which assigns `window.GEN_SITE_DATA = {title, generator, files: [{path, size, deflate}],
/// warnings}`. `warnings` are the problems met while finding the files (names that don't fit, unreadable
/// files), which the viewer can't see itself. Streams the (large) file data rather than building it.
pub fn write_data_script<W: std::io::Write>(
    out: &mut W,
    title: &str,
    generator: &str,
    files: &[PackedFile],
    warnings: &[Warning],
) -> std::io::Result<()> {
    write!(out, "window.{DATA_GLOBAL} = {{\"title\":{},\"generator\":{},\"files\":[", json(title), json(generator))?;
    let mut encoded = String::new();
    for (i, file) in files.iter().enumerate() {
        let separator = if i == 0 { "" } else { "," };
        write!(out, "{separator}{{\"path\":{},\"size\":{},\"deflate\":\"", json(&file.path), file.size)?;
        // In slices, so that only a slice's base64 is ever held; 3 divides the slice size, so the pieces
        // concatenate to the base64 of the whole.
        for chunk in file.deflate.chunks(3 << 16) {
            encoded.clear();
            STANDARD.encode_string(chunk, &mut encoded);
            out.write_all(encoded.as_bytes())?;
        }
        write!(out, "\"}}")?;
    }
    writeln!(out, "],\"warnings\":{}}};", json(warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(title: &str, files: &[PackedFile], warnings: &[Warning]) -> String {
        let mut out = Vec::new();
        write_data_script(&mut out, title, "g", files, warnings).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The base64 of the first file's data in a script.
    fn encoded(script: &str) -> &str {
        script.split("\"deflate\":\"").nth(1).unwrap().split('"').next().unwrap()
    }

    #[test]
    fn round_trip_and_smaller_than_csv() {
        // Larger than one encoding slice, so that slices are joined.
        let csv =
            crate::synth::results_csv(3, &crate::synth::EXAMPLE_PROFILES[0], &crate::synth::LONG_INPUT, 0.5, 8000);
        let packed = PackedFile::pack("a/b.csv", csv.as_bytes());
        assert!(packed.deflate.len() > 3 << 16);
        assert_eq!(packed.size, csv.len());
        let script = script("t", std::slice::from_ref(&packed), &[]);
        let text = encoded(&script);
        assert!(text.len() < csv.len() * 3 / 4, "{} vs {}", text.len(), csv.len());
        assert_eq!(text, STANDARD.encode(&packed.deflate));
        assert_eq!(unpack("a/b.csv", text, packed.size).unwrap(), csv.as_bytes());
        assert!(unpack("a/b.csv", text, packed.size - 1).is_err(), "the size is a limit");
        assert!(unpack("x", "not base64!", 10).unwrap_err().starts_with("x: the embedded data is damaged"));
        assert!(unpack("x", &STANDARD.encode([200, 0, 0, 0, 1, 2]), 10).is_err());
    }

    #[test]
    fn script_is_one_object_and_escapes_markup() {
        let files = [PackedFile::pack("<img src=x>/LMBench_a_1.csv", b"x"), PackedFile::pack("b", b"yy")];
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
