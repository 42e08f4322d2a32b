//! Builds the viewer (site/) for wasm32-unknown-unknown and runs wasm-bindgen on it as a library, so that
//! `cargo build` alone yields a gen-site that writes the whole site: no tool to install by hand.
//! Outputs in OUT_DIR: viewer.js (the no-modules glue, without comments), viewer-wasm.js (the module, compressed, in a
//! classic script, since browsers block fetch() on file://) and files.js (site/assets/files.js without comments).

#[path = "build/code_streams.rs"]
mod code_streams;

use base64::Engine;
use std::env;
use std::io::Write;
use wasm_encoder::reencode::{Error as ReencodeErrorOf, Reencode};
use wasmparser::TypeRef;

type ReencodeError = ReencodeErrorOf<std::convert::Infallible>;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let workspace = manifest.join("../..");
    for input in [
        "site/src",
        "site/assets/files.js",
        "site/Cargo.toml",
        "crates/core/src",
        "crates/core/Cargo.toml",
        "crates/stats/src",
        "crates/stats/Cargo.toml",
        "Cargo.lock",
        "Cargo.toml",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(input).display());
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    ensure_target(&cargo);

    // Its own folder under the target directory: a nested build in the outer build's folder would wait
    // on the outer build's lock.
    let target_root = match env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    };
    let target_dir = target_root.join("viewer");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
    let status = Command::new(&cargo)
        .current_dir(&workspace)
        .args(["build", "-p", "gen-site-viewer", "--lib", "--target", TARGET, "--profile", "wasm-release"])
        .arg("--target-dir")
        .arg(&target_dir)
        // Flags and wrappers meant for the host build (clippy's, coverage's) don't belong in the wasm build.
        .env_remove("RUSTFLAGS")
        // Leptos' type-erased views: the page draws the same with fewer copies of its rendering code
        // (measured: the module 3 KB smaller deflated, though 14 KB larger before).
        .env("CARGO_ENCODED_RUSTFLAGS", "--cfg\u{1f}erase_components")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("RUSTC_WRAPPER")
        .status()
        .unwrap_or_else(|e| panic!("can't run cargo to build the viewer: {e}"));
    assert!(status.success(), "building the viewer (site/) for {TARGET} failed; see the errors above");

    let wasm = target_dir.join(TARGET).join("wasm-release/gen_site_viewer.wasm");
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(&wasm)
        .no_modules(true)
        .and_then(|b| {
            // The names order the functions (see `ordered_by_name`), which then drops them.
            b.typescript(false)
                .remove_name_section(false)
                .remove_producers_section(true)
                .out_name("viewer")
                .generate(&out)
        })
        .unwrap_or_else(|e| panic!("wasm-bindgen failed on {}: {e:?}", wasm.display()));

    let (module, imports) =
        ordered_by_name(&std::fs::read(out.join("viewer_bg.wasm")).expect("wasm-bindgen wrote the module"));
    std::fs::write(out.join("viewer-wasm.js"), module_script(&module)).expect("OUT_DIR is writable");
    let glue = std::fs::read_to_string(out.join("viewer.js")).expect("wasm-bindgen wrote the glue");
    let glue = with_imports_renamed(glue, &imports);
    if let Some(compact) = without_comments(&glue) {
        std::fs::write(out.join("viewer.js"), compact).expect("OUT_DIR is writable");
    }
    // files.js too: 2.9 KB gzipped against 4.1 KB as written.
    let files = std::fs::read_to_string(workspace.join("site/assets/files.js")).expect("site/assets/files.js");
    let compact = without_comments(&files).expect("files.js keeps to the rules of `without_comments`");
    std::fs::write(out.join("files.js"), compact).expect("OUT_DIR is writable");
}

/// A script (the glue, files.js) without its comments, indentation and blank lines: the glue a seventh
/// smaller gzipped (measured: 7.2 KB against 8.4 KB). Line by line, which is safe because neither writes a
/// string or template across lines nor a comment beside code that opens one; `None` when a line breaks
/// those rules.
fn without_comments(js: &str) -> Option<String> {
    let mut compact = String::with_capacity(js.len());
    let mut in_comment = false;
    for line in js.lines().map(str::trim) {
        if line.ends_with('\\') || line.matches('`').count() % 2 == 1 {
            return None;
        }
        if in_comment || line.starts_with("/*") {
            if line.contains("*/") && !line.ends_with("*/") {
                return None;
            }
            in_comment = !line.ends_with("*/");
            continue;
        }
        if !line.is_empty() && !line.starts_with("//") {
            compact.push_str(line);
            compact.push('\n');
        }
    }
    Some(compact)
}

/// The glue with the keys of the module's imports renamed as in `imports` (old name, new name). Panics if
/// an old name is not a key named once (wasm-bindgen wrote the glue otherwise than this expects).
fn with_imports_renamed(mut glue: String, imports: &[(String, String)]) -> String {
    for (old, new) in imports {
        let at = glue
            .find(old.as_str())
            .filter(|&at| glue[at + old.len()..].starts_with(':') && glue.matches(old.as_str()).count() == 1)
            .unwrap_or_else(|| panic!("the glue names the import {old} otherwise than once, as a key"));
        glue.replace_range(at..at + old.len(), new);
    }
    glue
}

/// The module with its functions in the order of their names, without the names (nor any other custom
/// section), and its imports renamed (given as old name, new name). wasm-bindgen writes the functions
/// largest first, which scatters the many copies of each generic function (one per type) over the module;
/// side by side, the compressor finds their likeness (measured: 7.5 KB smaller with LZMA, 9.7 KB with
/// deflate).
fn ordered_by_name(module: &[u8]) -> (Vec<u8>, Vec<(String, String)>) {
    let (mut imported, mut defined) = (0, 0);
    let mut names = std::collections::HashMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        match payload.expect("wasm-bindgen writes valid modules") {
            wasmparser::Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    let ty = import.expect("a valid import").ty;
                    imported += u32::from(matches!(ty, TypeRef::Func(_) | TypeRef::FuncExact(_)));
                }
            }
            wasmparser::Payload::FunctionSection(functions) => defined = functions.count(),
            wasmparser::Payload::CustomSection(section) => {
                if let wasmparser::KnownCustom::Name(subsections) = section.as_known() {
                    for subsection in subsections {
                        if let Ok(wasmparser::Name::Function(map)) = subsection {
                            names.extend(map.into_iter().flatten().map(|naming| (naming.index, naming.name)));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // Stable: functions of the same name stay in wasm-bindgen's order.
    let mut order: Vec<u32> = (imported..imported + defined).collect();
    order.sort_by_key(|index| names.get(index).map(|name| without_hash(name)));
    let mut new_index: Vec<u32> = (0..imported + defined).collect();
    for (position, &old) in (imported..).zip(&order) {
        new_index[old as usize] = position;
    }
    let order = order.iter().map(|&old| (old - imported) as usize).collect();
    let mut reordering = Reordering { new_index, order, imports: Vec::new() };
    let mut reordered = wasm_encoder::Module::new();
    reordering.parse_core_module(&mut reordered, wasmparser::Parser::new(0), module).expect("a valid module");
    (reordered.finish(), reordering.imports)
}

/// The `index`th of the names a, ..., z, A, ..., Z, ba, bb, ...: short, and keys in JavaScript.
fn short_name(mut index: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = String::new();
    loop {
        name.push(char::from(LETTERS[index % LETTERS.len()]));
        index /= LETTERS.len();
        if index == 0 {
            return name;
        }
    }
}

/// A symbol's name without the hash that tells instances of a generic function apart.
fn without_hash(name: &str) -> &str {
    match name.rsplit_once("::h") {
        Some((path, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => path,
        _ => name,
    }
}

/// Re-encodes a module with its defined functions in `order` (positions among them), each call and
/// reference following, and without custom sections.
struct Reordering {
    /// Each function's index in the new order, by its old index.
    new_index: Vec<u32>,
    order: Vec<usize>,
    /// The imports renamed so far: old name, new name.
    imports: Vec<(String, String)>,
}

impl Reencode for Reordering {
    type Error = std::convert::Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, ReencodeError> {
        Ok(self.new_index[func as usize])
    }

    /// Each import named by `short_name`: wasm-bindgen names them by the function and a hash
    /// (`__wbg_createObjectURL_45693a1454d24dac`), in the glue too, where they are the keys of the import
    /// object (measured: the glue 1.9 KB smaller gzipped, the module's script 2.3 KB).
    fn parse_imports(
        &mut self,
        section: &mut wasm_encoder::ImportSection,
        imports: wasmparser::Imports<'_>,
    ) -> Result<(), ReencodeError> {
        let wasmparser::Imports::Single(_, import) = imports else {
            panic!("wasm-bindgen writes imports one at a time");
        };
        let name = short_name(self.imports.len());
        section.import(import.module, &name, self.entity_type(import.ty)?);
        self.imports.push((import.name.to_string(), name));
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        functions: &mut wasm_encoder::FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), ReencodeError> {
        let mut types = Vec::new();
        for ty in section {
            types.push(self.type_index(ty?)?);
        }
        for &position in &self.order {
            functions.function(types[position]);
        }
        Ok(())
    }

    fn parse_code_section(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> Result<(), ReencodeError> {
        let mut bodies = Vec::new();
        for body in section {
            let body = body?;
            let mut function = self.new_function_with_parsed_locals(&body)?;
            let mut reader = body.get_operators_reader()?;
            while !reader.eof() {
                function.instruction(&self.parse_instruction(&mut reader)?);
            }
            bodies.push(function);
        }
        for &position in &self.order {
            code.function(&bodies[position]);
        }
        Ok(())
    }

    /// Every custom section goes: the names, and what wasm-bindgen leaves for tools (`target_features`,
    /// `__wasm_split_unstable`), which the browser ignores.
    fn parse_custom_section(
        &mut self,
        _module: &mut wasm_encoder::Module,
        _section: wasmparser::CustomSectionReader<'_>,
    ) -> Result<(), ReencodeError> {
        Ok(())
    }
}

/// The module's streams (`code_streams`) LZMA-compressed (its properties byte first, then the raw stream,
/// without end marker) and base64-encoded, for files.js to decode and join. LZMA over libdeflate's
/// strongest deflate: the script gzips 17 % smaller (measured: 283 KB against 342 KB), for a decoder of
/// 1.6 KB gzipped in files.js and about a tenth of a second decoding as the page loads. One literal context
/// bit, no literal position bits and no match position bits: the streams are numbers, not aligned data
/// (measured with xz's encoder: 258.4 KB, as with 2 bits, against 259.1 KB with xz's default of 3, 260.5 KB
/// with the 4 best for the module unsplit, 261.4 KB with none).
fn module_script(module: &[u8]) -> String {
    let streams = code_streams::split(module);
    let mut options = lzma_rust2::LzmaOptions::with_preset(9);
    (options.lc, options.lp, options.pb, options.nice_len) = (1, 0, 0, lzma_rust2::LzmaOptions::NICE_LEN_MAX);
    let mut lzma = vec![options.get_props()];
    let mut writer = lzma_rust2::LzmaWriter::new_no_header(&mut lzma, &options, false).expect("valid options");
    writer.write_all(&streams).expect("writing to memory can't fail");
    writer.finish().expect("writing to memory can't fail");
    let base64 = base64::engine::general_purpose::STANDARD.encode(&lzma);
    format!("window.GEN_SITE_WASM = {{ streams: {}, size: {}, lzma: \"{base64}\" }};\n", streams.len(), module.len())
}

/// Installs the wasm32 target into the toolchain in use if it lacks it (rustup reaches only the Rust
/// distribution server), so that a fresh machine needs nothing done by hand.
fn ensure_target(cargo: &str) {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let libdir = Command::new(&rustc).args(["--print", "target-libdir", "--target", TARGET]).output().ok();
    let installed = libdir
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .is_some_and(|dir| has_files(&dir));
    if installed {
        return;
    }
    println!("cargo:warning=installing the {TARGET} target with rustup, to build the viewer");
    let added = Command::new("rustup").args(["target", "add", TARGET]).status().is_ok_and(|s| s.success());
    assert!(
        added,
        "the {TARGET} target is missing and `rustup target add {TARGET}` failed; install it (cargo: {cargo})"
    );
}

fn has_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}
