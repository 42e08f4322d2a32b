//! The outside world of the page: the embedded data, the URL hash, timers, file reading and downloads.

use crate::loader::{Settings, Source};
use serving_compare::bundle::DATA_GLOBAL;
use serving_compare::inference::{parse_multiplicity, StatsConfig};
use serving_compare::slo::{Slo, SLO_METRICS};
use serving_compare::warning::Warning;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The global function (assets/files.js) that reads dropped or picked files.
const READ_FILES: &str = "genSiteReadFiles";
/// The global function (assets/files.js) that inflates an embedded file.
const INFLATE: &str = "genSiteInflate";

/// Results embedded in the page by gen-site (data.js).
pub struct Embedded {
    pub title: String,
    pub sources: Vec<Source>,
    /// Problems gen-site found with files it did not embed.
    pub warnings: Vec<Warning>,
    /// How gen-site analysed them.
    pub settings: Settings,
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn string(object: &JsValue, key: &str) -> String {
    get(object, key).as_string().unwrap_or_default()
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The data embedded in the page, if any.
pub fn embedded() -> Option<Embedded> {
    let data = get(&window()?.into(), DATA_GLOBAL);
    if !data.is_object() {
        return None;
    }
    let sources = js_sys::Array::from(&get(&data, "files"))
        .iter()
        .enumerate()
        .map(|(index, f)| Source::Packed {
            path: string(&f, "path"),
            size: get(&f, "size").as_f64().unwrap_or(0.0) as usize,
            index,
        })
        .collect();
    let warnings = js_sys::Array::from(&get(&data, "warnings"))
        .iter()
        .map(|w| Warning {
            file: string(&w, "file"),
            line: get(&w, "line").as_f64().map(|l| l as usize),
            message: string(&w, "message"),
        })
        .collect();
    let options = get(&data, "options");
    let settings = Settings::new(
        &string(&options, "deployment_by"),
        get(&options, "scenario").as_string(),
        get(&options, "baseline").as_string(),
        stats_config(&get(&options, "stats")),
        slo(&get(&options, "slo")),
    );
    Some(Embedded { title: string(&data, "title"), sources, warnings, settings })
}

/// The CLI's settings of intervals and verdicts (data.js `options.stats`); defaults for what is missing.
fn stats_config(stats: &JsValue) -> StatsConfig {
    let defaults = StatsConfig::default();
    let number = |key: &str| get(stats, key).as_f64();
    StatsConfig {
        confidence: number("confidence").unwrap_or(defaults.confidence),
        noise_threshold: number("noise_threshold").unwrap_or(defaults.noise_threshold),
        fdr: number("fdr").unwrap_or(defaults.fdr),
        multiplicity: get(stats, "multiplicity")
            .as_string()
            .and_then(|m| parse_multiplicity(&m))
            .unwrap_or(defaults.multiplicity),
        resamples: number("resamples").map_or(defaults.resamples, |r| r as usize),
        seed: number("seed").map_or(defaults.seed, |s| s as u64),
    }
}

/// The CLI's service-level objectives (data.js `options.slo`, thresholds in seconds).
fn slo(value: &JsValue) -> Slo {
    let mut slo = Slo::default();
    for name in SLO_METRICS {
        if let Some(threshold) = slo.threshold_mut(name) {
            *threshold = get(value, name).as_f64();
        }
    }
    slo.attainment = get(value, "attainment").as_f64().filter(|a| *a > 0.0 && *a <= 1.0).unwrap_or(slo.attainment);
    slo
}

pub fn hash() -> String {
    window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Replaces the URL hash without adding a history entry.
pub fn set_hash(hash: &str) {
    if let Some(w) = window() {
        if w.location().hash().ok().as_deref() != Some(hash) {
            let _ = w.history().and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(hash)));
        }
    }
}

pub fn set_title(title: &str) {
    if let Some(document) = window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// Device pixels per CSS pixel (1 where unknown), within reason.
pub fn device_pixel_ratio() -> f64 {
    window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 4.0)
}

/// Milliseconds since navigation started.
pub fn now() -> f64 {
    window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Removes the report that index.html shows until the viewer has drawn (gen-site writes it there).
pub fn remove_static_report() {
    if let Some(report) = window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("static-report")) {
        report.remove();
    }
}

/// Records when the first chart was drawn (read by the end-to-end test), once; the viewer's charts
/// then take the place of the report's.
pub fn mark_first_chart() {
    remove_static_report();
    if let Some(w) = window() {
        let key = JsValue::from_str("genSiteFirstChartMs");
        if get(&w, "genSiteFirstChartMs").is_undefined() {
            let _ = js_sys::Reflect::set(&w, &key, &JsValue::from_f64(now()));
        }
    }
}

/// Lets the browser run (paint, handle input) before the returned future resolves.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Starts reading the files of a drop (a `DataTransfer`, folders included) or of a file input (a
/// `FileList`). Must be called during the event: browsers empty a drop's data and a cleared input's list
/// once the handler returns. Finish with [`files_read`].
pub fn start_reading(source: &JsValue) -> Result<js_sys::Promise, String> {
    let function = get(&window().ok_or("no window")?.into(), READ_FILES);
    let function: js_sys::Function =
        function.dyn_into().map_err(|_| format!("{READ_FILES} is missing from the page"))?;
    function.call1(&JsValue::NULL, source).map_err(|e| format!("{e:?}"))?.dyn_into().map_err(|e| format!("{e:?}"))
}

/// The files read, as (path relative to what was chosen, bytes).
pub async fn files_read(reading: js_sys::Promise) -> Result<Vec<(String, Vec<u8>)>, String> {
    let files = JsFuture::from(reading).await.map_err(|e| format!("the files could not be read: {e:?}"))?;
    Ok(js_sys::Array::from(&files)
        .iter()
        .map(|pair| {
            let pair = js_sys::Array::from(&pair);
            (pair.get(0).as_string().unwrap_or_default(), js_sys::Uint8Array::new(&pair.get(1)).to_vec())
        })
        .collect())
}

/// The embedded files (data.js `files`).
fn embedded_files() -> Result<js_sys::Array, String> {
    Ok(js_sys::Array::from(&get(&get(&window().ok_or("no window")?.into(), DATA_GLOBAL), "files")))
}

/// The bytes of the embedded file at `index`: base64 of raw deflate streams of pieces of at most its `size`
/// bytes in all (separated by commas), inflated by the browser's own DecompressionStream. The base64 goes
/// from data.js to that function as it is: copied into the module and back, a million requests' 48 MB
/// held the page's thread twice.
pub async fn inflate(index: usize) -> Result<Vec<u8>, String> {
    let file = embedded_files()?.get(index as u32);
    let function = get(&window().ok_or("no window")?.into(), INFLATE);
    let function: js_sys::Function = function.dyn_into().map_err(|_| format!("{INFLATE} is missing from the page"))?;
    let promise: js_sys::Promise = function
        .call2(&JsValue::NULL, &get(&file, "deflate"), &get(&file, "size"))
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|e| format!("{e:?}"))?;
    let bytes = JsFuture::from(promise).await.map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))?;
    Ok(js_sys::Uint8Array::new(&bytes).to_vec())
}

/// Offers an embedded result file for download under its own name.
pub async fn download(path: &str) -> Result<(), String> {
    let index = embedded_files()?.iter().position(|f| string(&f, "path") == path).ok_or("no such file")?;
    let bytes = inflate(index).await?;
    save(path.rsplit('/').next().unwrap_or(path), &bytes, "application/octet-stream")
}

/// Offers `bytes` for download as a file named `name`.
pub fn save(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let document = window().and_then(|w| w.document()).ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|e| format!("{e:?}"))?.dyn_into().map_err(|_| "not an anchor")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
