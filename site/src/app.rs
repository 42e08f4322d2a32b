//! The page: loads the embedded (or dropped) results a slice at a time, then shows the overview, the
//! controls, the charts, the comparison table and the report, with the view state kept in the URL.

use crate::browser;
use crate::chart::{Area, Chart, Resize};
use crate::loader::{with_common_root_stripped, Loaded, Loader, Progress, Settings, Source};
use crate::state::{level_key, sweep_key, MetricChoice, Resolved, ViewState, CONFIDENCE_CHOICES, NOISE_CHOICES};
use crate::table::{comparison_tables, verdict_class};
use leptos::prelude::*;
use serving_compare::analysis::Analysis;
use serving_compare::charts::{
    attainment_panel, bar_panel, box_panel, cdf_panel, cdf_points, change_panel, css_colour, load_line_panel,
    timeline_panel, timeline_points, Across, ChartView, Hit, Scale, SloShown,
};
use serving_compare::compare::{Quantity, Rate};
use serving_compare::decimal;
use serving_compare::findings::key_findings;
use serving_compare::inference::StatsConfig;
use serving_compare::metric::Metric;
use serving_compare::model::{LoadKind, RequestLog, Sweep};
use serving_compare::report::{self, TABLE_QUANTITIES};
use serving_compare::slo::{Slo, SloReport, SLO_METRICS};
use serving_compare::stats::Stat;
use serving_compare::text;
use serving_compare::warning::Warning;
use std::sync::Arc;

/// How much to parse between two chances for the browser to repaint.
const STEP_BYTES: usize = 512 << 10;
/// Longest stretch of work before yielding to the browser, in ms.
const SLICE_MS: f64 = 40.0;
/// Points drawn per deployment in the per-request charts.
const MAX_POINTS: usize = 2000;

#[derive(Clone)]
enum Status {
    Empty,
    Loading { fraction: f64, message: String },
    Failed { message: String, warnings: Vec<Warning> },
    Ready(Arc<Loaded>),
}

/// Loads results step by step; a newer load makes an older one stop.
fn start_loading(
    status: RwSignal<Status>,
    generation: StoredValue<u64>,
    title: String,
    sources: Vec<Source>,
    warnings: Vec<Warning>,
    settings: Settings,
) {
    generation.update_value(|g| *g += 1);
    let mine = generation.get_value();
    status.set(Status::Loading { fraction: 0.0, message: "reading results".to_string() });
    leptos::task::spawn_local(async move {
        browser::yield_to_browser().await;
        let mut loader = Loader::new(&title, sources, warnings, settings);
        let mut slice_start = browser::now();
        let mut shown = String::new();
        loop {
            match loader.step(STEP_BYTES) {
                Progress::Working(fraction, message) => {
                    // A new stage, whose steps may each take longer (a run's statistics rather than a slice
                    // of a file), starts in a task of its own.
                    if browser::now() - slice_start > SLICE_MS || message != shown {
                        shown.clone_from(&message);
                        status.set(Status::Loading { fraction, message });
                        browser::yield_to_browser().await;
                        if generation.get_value() != mine {
                            return;
                        }
                        slice_start = browser::now();
                    }
                }
                Progress::Inflate { path, index } => {
                    // The browser inflates off the page's thread; the loader waits for it.
                    let bytes =
                        browser::inflate(index).await.map_err(|e| format!("the embedded data is damaged ({e})"));
                    if generation.get_value() != mine {
                        return;
                    }
                    loader.inflated(&path, bytes);
                    slice_start = browser::now();
                }
                Progress::Done => break,
            }
        }
        if generation.get_value() == mine {
            status.set(match loader.finish() {
                Ok(loaded) => Status::Ready(Arc::new(loaded)),
                Err((message, warnings)) => Status::Failed { message, warnings },
            });
        }
    });
}

#[component]
pub fn App() -> impl IntoView {
    let status = RwSignal::new(Status::Empty);
    let generation = StoredValue::new(0u64);
    let state = RwSignal::new(ViewState::from_hash(&browser::hash()));
    let resize = RwSignal::new(0u32);
    provide_context(Resize(resize));
    let _ = window_event_listener(leptos::ev::resize, move |_| resize.update(|r| *r += 1));
    Effect::new(move |_| browser::set_hash(&state.with(ViewState::to_hash)));
    Effect::new(move |_| {
        if let Status::Ready(loaded) = status.get() {
            browser::set_title(&format!("Benchmark comparison: {}", loaded.title));
        }
    });
    if let Some(embedded) = browser::embedded() {
        if !embedded.sources.is_empty() || !embedded.warnings.is_empty() {
            start_loading(status, generation, embedded.title, embedded.sources, embedded.warnings, embedded.settings);
        }
    }
    let open = move |source: wasm_bindgen::JsValue| {
        let reading = browser::start_reading(&source);
        leptos::task::spawn_local(async move {
            let files = match reading {
                Ok(reading) => browser::files_read(reading).await,
                Err(message) => Err(message),
            };
            match files {
                Ok(files) if !files.is_empty() => {
                    let (title, sources) = with_common_root_stripped(files);
                    start_loading(status, generation, title, sources, Vec::new(), Settings::default());
                }
                Ok(_) => status.set(Status::Failed { message: "no files were chosen".into(), warnings: Vec::new() }),
                Err(message) => status.set(Status::Failed { message, warnings: Vec::new() }),
            }
        });
    };
    let dragging = RwSignal::new(false);
    view! {
        <div
            class="page"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                if let Some(transfer) = ev.data_transfer() {
                    open(transfer.into());
                }
            }
        >
            <header>
                <h1>
                    "Benchmark comparison"
                    {move || match status.get() {
                        Status::Ready(loaded) => format!(": {}", loaded.title),
                        _ => String::new(),
                    }}
                </h1>
                <OpenFiles open=open />
            </header>
            <main>
                {move || match status.get() {
                    Status::Empty => {
                        browser::remove_static_report();
                        view! { <EmptyState /> }.into_any()
                    }
                    Status::Loading { fraction, message } => {
                        view! {
                            <section class="loading" aria-busy="true">
                                <progress max="1" value=fraction></progress>
                                <p>{format!("{message} ({:.0} %)", fraction * 100.0)}</p>
                            </section>
                        }
                            .into_any()
                    }
                    Status::Failed { message, warnings } => {
                        browser::remove_static_report();
                        view! {
                            <section class="failed">
                                <p class="error">{message}</p>
                                <Warnings warnings=warnings />
                            </section>
                        }
                            .into_any()
                    }
                    Status::Ready(loaded) => view! { <Viewer loaded=loaded state=state /> }.into_any(),
                }}
            </main>
            <footer>"Made by gen-site. Everything happens in this page: nothing is uploaded."</footer>
        </div>
    }
}

#[component]
fn EmptyState() -> impl IntoView {
    view! {
        <section class="empty">
            <h2>"Drop a results folder here"</h2>
            <p>
                "Drop a folder of benchmark results (one folder per deployment) or result files anywhere on this "
                "page, or use the buttons above: LMBench CSVs, vLLM bench and SGLang bench_serving JSON, GuideLLM "
                "JSON or YAML, inference-perf report folders, AIPerf exports and llm-d benchmark reports. "
                "They are read in your browser; nothing is uploaded."
            </p>
        </section>
    }
}

#[component]
fn OpenFiles(open: impl Fn(wasm_bindgen::JsValue) + Copy + 'static) -> impl IntoView {
    let folder = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = folder.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    let picked = move |ev: web_sys::Event| {
        use wasm_bindgen::JsCast;
        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            if let Some(files) = input.files() {
                open(files.into());
            }
            input.set_value("");
        }
    };
    view! {
        <div class="open">
            <label class="button">
                "Open a results folder"
                <input type="file" data-testid="open-folder" node_ref=folder on:change=picked />
            </label>
            <label class="button">
                "Open result files"
                <input
                    type="file"
                    multiple
                    accept=".csv,.json,.jsonl,.yaml,.yml,text/csv,application/json"
                    data-testid="open-files"
                    on:change=picked
                />
            </label>
        </div>
    }
}

#[component]
fn Warnings(warnings: Vec<Warning>) -> impl IntoView {
    let count = warnings.len();
    (count > 0).then(|| {
        view! {
            <details class="warnings" open=count <= 30>
                <summary>{text::count(count, "problem")} " in the input (passed over)"</summary>
                <ul>{warnings.into_iter().map(|w| view! { <li>{w.to_string()}</li> }).collect_view()}</ul>
            </details>
        }
    })
}

/// The settings under which a baseline's comparisons were prepared: its id and what the intervals
/// depend on.
type Prepared = (String, u64, u64, usize);

fn prepared_key(baseline: &str, config: &StatsConfig) -> Prepared {
    (baseline.to_string(), config.confidence.to_bits(), config.seed, config.resamples)
}

/// Computes in the background, a few intervals at a time so that the page stays responsive, what the
/// comparisons against the chosen baseline need, then against every other deployment, so that choosing
/// another baseline redraws at once. Stops when the settings change (a new run starts then).
fn prepare_in_background(loaded: Arc<Loaded>, view: Memo<Resolved>, prepared: RwSignal<Vec<Prepared>>) {
    let (baseline, config) = view.with_untracked(|v| (v.baseline.clone(), v.config));
    leptos::task::spawn_local(async move {
        let others = loaded.analysis.deployments.iter().map(|d| d.id.clone()).filter(|id| *id != baseline);
        for id in std::iter::once(baseline.clone()).chain(others) {
            let key = prepared_key(&id, &config);
            if prepared.with_untracked(|p| p.contains(&key)) {
                continue;
            }
            loop {
                browser::yield_to_browser().await;
                if view.with_untracked(|v| prepared_key(&v.baseline, &v.config)) != prepared_key(&baseline, &config) {
                    return;
                }
                if loaded.analysis.prepare(&id, &config, 12) {
                    break;
                }
            }
            prepared.update(|p| p.push(key));
        }
    });
}

#[component]
fn Viewer(loaded: Arc<Loaded>, state: RwSignal<ViewState>) -> impl IntoView {
    let view = {
        let loaded = loaded.clone();
        Memo::new(move |_| state.with(|s| s.resolve(&loaded.analysis, &loaded.slo)))
    };
    // The SLO changes only its own charts and the findings: what depends on the rest of the view reads it
    // through these, so that a moved SLO slider recomputes no comparison and redraws no other chart.
    let settings = Memo::new(move |_| view.with(|v| (v.baseline.clone(), v.config)));
    let without_slo = Memo::new(move |_| view.with(|v| Resolved { slo: Slo::default(), ..v.clone() }));
    let prepared = RwSignal::new(Vec::<Prepared>::new());
    let analysis = {
        let loaded = loaded.clone();
        Memo::new(move |_| {
            let (baseline, config) = settings.get();
            let ready = prepared.with(|p| p.contains(&prepared_key(&baseline, &config)));
            Arc::new(if ready {
                loaded.analysis.with_settings(&baseline, config)
            } else {
                loaded.analysis.pending(&baseline, config)
            })
        })
    };
    let slo_report = Memo::new(move |_| {
        let slo = view.with(|v| v.slo);
        slo.is_set().then(|| Arc::new(SloReport::of(&analysis.get(), &slo)))
    });
    {
        // A new background run whenever the baseline or the intervals' settings change.
        let loaded = loaded.clone();
        let key = Memo::new(move |_| settings.with(|(baseline, config)| prepared_key(baseline, config)));
        Effect::new(move |_| {
            key.track();
            prepare_in_background(loaded.clone(), view, prepared);
        });
    }
    // The charts don't show verdicts: they don't redraw when only the noise threshold changes.
    let charted = Memo::new(move |_| {
        without_slo.with(|v| Resolved { config: StatsConfig { noise_threshold: 0.0, ..v.config }, ..v.clone() })
    });
    let chart_analysis = {
        let loaded = loaded.clone();
        Memo::new(move |_| {
            let (baseline, config) = charted.with(|v| (v.baseline.clone(), v.config));
            Arc::new(loaded.analysis.pending(&baseline, config))
        })
    };
    let chart_view = move || {
        let v = charted.get();
        ChartView {
            sweeps: vec![v.sweep.clone()],
            deployments: v.shown.clone(),
            baseline: v.baseline.clone(),
            scale: v.scale,
        }
    };
    let (loaded_cdf, loaded_timeline) = (loaded.clone(), loaded.clone());
    let draw_boxes = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = charted.get();
        match v.metric.per_request() {
            Some(metric) => box_panel(area, &chart_analysis.get(), &v.sweep, metric, &chart_view()),
            None => message(area, "Throughput has no per-request distribution: choose a latency metric."),
        }
    };
    let draw_lines = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = charted.get();
        let band = (v.stat == Stat::P50 && v.metric != MetricChoice::Throughput).then_some(Stat::P90);
        load_line_panel(
            area,
            &chart_analysis.get(),
            &v.sweep,
            v.metric.quantity(v.stat),
            band,
            Across::Load,
            &chart_view(),
        )
    };
    let draw_tradeoff = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = charted.get();
        if v.metric == MetricChoice::Throughput {
            return message(
                area,
                "The trade-off curve sets a latency against the throughput: choose a latency metric.",
            );
        }
        let quantity = v.metric.quantity(v.stat);
        let across = Across::Achieved(Rate::OutputTokens);
        load_line_panel(area, &chart_analysis.get(), &v.sweep, quantity, None, across, &chart_view())
    };
    let draw_throughput = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = charted.get();
        bar_panel(area, &chart_analysis.get(), &v.sweep, Quantity::Throughput(Rate::OutputTokens), &chart_view())
    };
    let draw_change = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = charted.get();
        change_panel(area, &chart_analysis.get(), &v.sweep, Rate::OutputTokens, &chart_view())
    };
    let draw_cdf = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = charted.get();
        let Some(metric) = v.metric.per_request() else {
            return message(area, "Throughput has no per-request distribution: choose a latency metric.");
        };
        let series = per_deployment(&loaded_cdf, &v, |logs| {
            let mut values: Vec<f64> = if metric == Metric::Itl {
                logs.iter().flat_map(|log| log.itl.iter().copied()).collect()
            } else {
                logs.iter().flat_map(|log| log.requests.iter().filter(|r| r.ok).filter_map(|r| metric.of(r))).collect()
            };
            cdf_points(&mut values, MAX_POINTS)
        });
        let caption = format!("CDF of {} at {} · {}", metric.label(), v.load, v.sweep);
        let why = no_requests_why(&loaded_cdf, &v, "no data");
        cdf_panel(area, &chart_analysis.get(), &caption, metric, &series, v.scale, why)
    };
    let draw_timeline = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = charted.get();
        let Some(metric) = v.metric.per_request().filter(|m| *m != Metric::Itl) else {
            return message(
                area,
                "The timeline shows per-request values: choose TTFT, TPOT, E2E latency or decode rate.",
            );
        };
        let series = per_deployment(&loaded_timeline, &v, |logs| {
            let each = MAX_POINTS / logs.len().max(1);
            logs.iter().flat_map(|log| timeline_points(&log.requests, metric, each)).collect()
        });
        let caption = format!("{} per request over the run at {} · {}", metric.label(), v.load, v.sweep);
        let why = no_requests_why(&loaded_timeline, &v, "these files record no start time per request");
        timeline_panel(area, &chart_analysis.get(), &caption, metric, &series, v.scale, why)
    };
    let download_report = {
        let title = loaded.title.clone();
        move |ev: web_sys::MouseEvent| {
            ev.prevent_default();
            let markdown = report::markdown(&analysis.get(), &title, &[], slo_report.get().as_deref());
            let _ = browser::save("README.md", markdown.as_bytes(), "text/markdown");
        }
    };
    let draw_slo = move |shown: SloShown| {
        move |area: &Area| -> Result<Vec<Hit>, String> {
            let v = view.get();
            match slo_report.get() {
                Some(report) => attainment_panel(area, &analysis.get(), &v.sweep, &report, shown, &chart_view()),
                None => {
                    message(area, "Set a service-level objective above to see how much load each deployment serves.")
                }
            }
        }
    };
    view! {
        <Overview loaded=loaded.clone() />
        <KeyFindings analysis=analysis slo_report=slo_report />
        <Controls analysis=loaded.clone() state=state view=view />
        <SloControls loaded=loaded.clone() state=state view=view />
        <section class="charts">
            <Chart name="slo-attainment" draw=draw_slo(SloShown::Attainment) />
            <Chart name="slo-goodput" draw=draw_slo(SloShown::Goodput) />
            <Chart name="latency-distribution" draw=draw_boxes />
            <Chart name="qps-lines" draw=draw_lines />
            <Chart name="tradeoff" draw=draw_tradeoff />
            <Chart name="throughput" draw=draw_throughput />
            <Chart name="throughput-change" draw=draw_change />
            <Chart name="cdf" draw=draw_cdf />
            <Chart name="timeline" draw=draw_timeline />
        </section>
        <ComparisonTables analysis=analysis view=without_slo />
        <p class="report">
            <a href="#" data-testid="download-report" on:click=download_report>
                "Download this comparison as a Markdown report (README.md)"
            </a>
        </p>
    }
}

/// The answer first: how much load each deployment serves under the SLO, or where each is better or
/// worse than the baseline.
#[component]
fn KeyFindings(analysis: Memo<Arc<Analysis>>, slo_report: Memo<Option<Arc<SloReport>>>) -> impl IntoView {
    view! {
        <section class="findings" aria-label="Key findings">
            <h2>"Key findings"</h2>
            <ul>
                {move || {
                    let a = analysis.get();
                    let pending = !a.is_compared() && slo_report.with(Option::is_none);
                    let findings = key_findings(&a, slo_report.get().as_deref());
                    (!pending)
                        .then(|| findings.into_iter().map(|f| view! { <li>{f}</li> }).collect_view())
                }}
            </ul>
        </section>
    }
}

/// The service-level objectives: a threshold per metric (a number and a slider, in ms) and the
/// attainment target; they recompute attainment, goodput and capacity as they change.
#[component]
fn SloControls(loaded: Arc<Loaded>, state: RwSignal<ViewState>, view: Memo<Resolved>) -> impl IntoView {
    let labels = ["TTFT", "TPOT", "E2E latency", "ITL"];
    let metrics = [Metric::Ttft, Metric::Tpot, Metric::E2eLatency, Metric::Itl];
    let inputs = SLO_METRICS
        .iter()
        .zip(labels)
        .zip(metrics)
        .enumerate()
        .filter(|(_, (_, metric))| loaded.analysis.runs.iter().any(|r| r.metrics.get(*metric).p50.is_some()))
        .map(|(i, ((name, label), metric))| {
            // A logarithmic slider from half the lowest p50 to twice the highest p90 of any run: results
            // of one folder span milliseconds to minutes.
            let stats = |f: fn(&serving_compare::stats::Summary) -> Option<f64>| {
                loaded.analysis.runs.iter().filter_map(move |r| f(r.metrics.get(metric))).filter(|v| *v > 0.0)
            };
            let low = stats(|s| s.p50).fold(f64::INFINITY, f64::min) * 500.0;
            let high = (stats(|s| s.p90).fold(0.0, f64::max) * 2000.0).max(low * 10.0);
            let to_ms = move |position: f64| low * (high / low).powf(position / 1000.0);
            let to_position = move |ms: f64| (1000.0 * (ms / low).ln() / (high / low).ln()).clamp(0.0, 1000.0);
            let current = move || view.with(|v| v.slo.threshold(name).map(|s| s * 1000.0));
            let set = move |text: String| {
                state.update(|s| s.slo_ms[i] = Some(decimal::parse(text.trim()).filter(|v| v.is_finite() && *v >= 0.0)))
            };
            let slide = move |text: String| {
                let ms = to_ms(decimal::parse(&text).unwrap_or(0.0));
                state.update(|s| s.slo_ms[i] = Some(Some(round_ms(ms))));
            };
            view! {
                <label class="slo-metric">
                    {format!("{label} ≤ ")}
                    <input
                        type="number"
                        min="0"
                        step="any"
                        data-slo=*name
                        prop:value=move || current().map(text::significant).unwrap_or_default()
                        on:change=move |ev| set(event_target_value(&ev))
                    />
                    " ms "
                    <input
                        type="range"
                        min="0"
                        max="1000"
                        data-slo-slider=*name
                        prop:value=move || current().map_or(0.0, to_position).to_string()
                        on:input=move |ev| slide(event_target_value(&ev))
                    />
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="slo" aria-label="Service-level objectives">
            <h2>"Service-level objectives"</h2>
            <p class="legend">"A request is good when it succeeded within every threshold set; capacity is the highest request rate at which enough requests are good. Leave a field empty for no threshold."</p>
            {inputs}
            <label>
                "Good requests ≥ "
                <input
                    type="number"
                    min="1"
                    max="100"
                    step="any"
                    data-slo="attainment"
                    prop:value=move || view.with(|v| text::significant(v.slo.attainment * 100.0))
                    on:change=move |ev| state.update(|s| s.attainment = decimal::parse(&event_target_value(&ev)).filter(|p| *p > 0.0 && *p <= 100.0))
                />
                " %"
            </label>
        </section>
    }
}

/// A threshold from a slider, to three significant digits: what a person would type.
fn round_ms(ms: f64) -> f64 {
    decimal::parse(&text::significant(ms)).unwrap_or(ms)
}

/// Points for each shown deployment's run at the chosen load, from its request logs; runs without points
/// are left out.
fn per_deployment(
    loaded: &Loaded,
    v: &Resolved,
    points: impl Fn(&[&RequestLog]) -> Vec<(f64, f64)>,
) -> Vec<(usize, Vec<(f64, f64)>)> {
    v.shown
        .iter()
        .map(|&d| {
            let id = &loaded.analysis.deployments[d].id;
            let logs: Vec<&RequestLog> = loaded.logs(id, &v.sweep.scenario, v.load).collect();
            (d, points(&logs))
        })
        .filter(|(_, p)| !p.is_empty())
        .collect()
}

/// Why a per-request chart of the chosen load is empty: its runs have only aggregates, or `otherwise`.
fn no_requests_why(loaded: &Loaded, v: &Resolved, otherwise: &'static str) -> &'static str {
    let a = &loaded.analysis;
    let runs: Vec<_> = v.shown.iter().filter_map(|&d| a.run(&a.deployments[d].id, &v.sweep.scenario, v.load)).collect();
    if !runs.is_empty() && runs.iter().all(|r| !r.per_request) {
        "these runs have only the aggregates their files state: no per-request data to draw"
    } else {
        otherwise
    }
}

/// A message in place of a chart.
fn message(area: &Area, text: &str) -> Result<Vec<Hit>, String> {
    use plotters::prelude::*;
    area.draw(&Text::new(text.to_string(), (16, 30), (serving_compare::charts::FONT, 15)))
        .map_err(|e| e.to_string())?;
    Ok(Vec::new())
}

#[component]
fn Overview(loaded: Arc<Loaded>) -> impl IntoView {
    let a = &loaded.analysis;
    // The runs of each deployment in each sweep come deployment after deployment, as the deployments do.
    let mut by_sweep = a.runs_by_deployment_and_sweep().peekable();
    let rows = a
        .deployments
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let sweeps = std::iter::from_fn(|| by_sweep.next_if(|runs| runs[0].deployment == d.id))
                .map(|runs| {
                    let sweep = Sweep { scenario: runs[0].scenario.clone(), kind: runs[0].load.kind };
                    let levels: Vec<String> =
                        runs.iter().map(|r| format!("{} ({})", r.load.level(), r.requests)).collect();
                    let mut tools: Vec<&str> = runs.iter().map(|r| r.format.tool()).collect();
                    tools.dedup();
                    let failed: usize = runs.iter().filter_map(|r| r.failed_requests).sum();
                    let failed = (failed > 0).then(|| format!("; {failed} failed"));
                    view! {
                        <div>
                            <b>{sweep.to_string()}</b>" ("{sweep.kind.axis()}"): "{levels.join(", ")}{failed}
                            <span class="tool">{format!(" · {}", tools.join(", "))}</span>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <tr data-deployment=d.id.clone()>
                    <td>
                        <span class="swatch" style=format!("background:{}", css_colour(i))></span>
                        {d.label.clone()}
                        {(d.id == a.baseline).then_some(" (default baseline)")}
                        <br />
                        <code class="id">{d.id.clone()}</code>
                    </td>
                    <td>{sweeps}</td>
                </tr>
            }
        })
        .collect_view();
    let files = loaded.files.clone();
    view! {
        <section class="overview">
            <p class="summary">
                {format!(
                    "{}, {}, {}{} in {}; {}.",
                    text::count(a.deployments.len(), "deployment"),
                    text::count(a.scenarios().len(), "scenario"),
                    text::count(a.total_requests(), "request"),
                    match a.total_failed() {
                        0 => String::new(),
                        failed => format!(" (and {failed} failed)"),
                    },
                    text::count(a.runs.len(), "run"),
                    text::count(a.total_skipped_rows(), "skipped record"),
                )}
            </p>
            <table class="deployments">
                <thead><tr><th>"Deployment and folder"</th><th>"Load levels (successful requests per run)"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <Warnings warnings=a.warnings.clone() />
            {loaded
                .embedded
                .then(|| {
                    view! {
                        <details class="files">
                            <summary>{format!("The {} (download)", text::count(files.len(), "result file"))}</summary>
                            <ul>
                                {files
                                    .into_iter()
                                    .map(|path| {
                                        let target = path.clone();
                                        view! {
                                            <li>
                                                <a href="#" on:click=move |ev| {
                                                    ev.prevent_default();
                                                    let target = target.clone();
                                                    leptos::task::spawn_local(async move {
                                                        let _ = browser::download(&target).await;
                                                    });
                                                }>{path}</a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </details>
                    }
                })}
        </section>
    }
}

#[component]
fn Controls(analysis: Arc<Loaded>, state: RwSignal<ViewState>, view: Memo<Resolved>) -> impl IntoView {
    let a = &analysis.analysis;
    let sweeps = a.sweeps();
    let deployments = a.deployments.clone();
    let levels_of = {
        let analysis = analysis.clone();
        move |v: &Resolved| analysis.analysis.levels(&v.sweep)
    };
    let value = |ev: &web_sys::Event| event_target_value(ev);
    view! {
        <section class="controls" aria-label="What to show">
            <label>
                "Scenario "
                <select data-control="scenario" on:change=move |ev| state.update(|s| s.choose_sweep(&value(&ev)))>
                    {sweeps
                        .into_iter()
                        .map(|sweep| {
                            let label = sweep.to_string();
                            let key = sweep_key(&sweep);
                            view! { <option value=key selected=move || view.with(|v| v.sweep == sweep)>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Baseline "
                <select data-control="baseline" on:change=move |ev| state.update(|s| s.baseline = Some(value(&ev)))>
                    {deployments
                        .iter()
                        .map(|d| {
                            let id = d.id.clone();
                            view! { <option value=d.id.clone() selected=move || view.with(|v| v.baseline == id)>{d.label.clone()}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Metric "
                <select
                    data-control="metric"
                    on:change=move |ev| {
                        let key = value(&ev);
                        state.update(|s| s.metric = MetricChoice::ALL.into_iter().find(|m| m.key() == key).unwrap_or_default())
                    }
                >
                    {MetricChoice::ALL
                        .into_iter()
                        .map(|m| view! { <option value=m.key() selected=move || view.with(|v| v.metric == m)>{m.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Statistic "
                <select data-control="stat" on:change=move |ev| state.update(|s| s.stat = Stat::from_key(&value(&ev)))>
                    {Stat::ALL
                        .into_iter()
                        .map(|st| view! { <option value=st.key() selected=move || view.with(|v| v.stat == st)>{st.key()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                {move || view.with(|v| if v.sweep.kind == LoadKind::Qps { "QPS " } else { "Concurrency " })}
                <select data-control="level" on:change=move |ev| state.update(|s| s.choose_level(&value(&ev)))>
                    {move || {
                        let v = view.get();
                        levels_of(&v)
                            .into_iter()
                            .map(|load| {
                                let selected = load.order(v.load).is_eq();
                                view! { <option value=level_key(load) selected=selected>{load.level()}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <label>
                "Noise ±"
                <select data-control="noise" on:change=move |ev| state.update(|s| s.noise = decimal::parse(&value(&ev)))>
                    {move || {
                        let current = view.with(|v| v.config.noise_threshold * 100.0);
                        percent_options(&NOISE_CHOICES, current)
                    }}
                </select>
            </label>
            <label>
                "Confidence "
                <select data-control="confidence" on:change=move |ev| state.update(|s| s.confidence = decimal::parse(&value(&ev)))>
                    {move || {
                        let current = view.with(|v| v.config.confidence * 100.0);
                        percent_options(&CONFIDENCE_CHOICES, current)
                    }}
                </select>
            </label>
            <label>
                "Scale "
                <select
                    data-control="scale"
                    on:change=move |ev| state.update(|s| s.scale = if value(&ev) == "log" { Scale::Log } else { Scale::Linear })
                >
                    <option value="linear" selected=move || view.with(|v| v.scale == Scale::Linear)>"linear"</option>
                    <option value="log" selected=move || view.with(|v| v.scale == Scale::Log)>"log"</option>
                </select>
            </label>
            <fieldset class="shown">
                <legend>"Deployments"</legend>
                {deployments
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let id = d.id.clone();
                        let toggled = d.id.clone();
                        view! {
                            <label>
                                <input
                                    type="checkbox"
                                    data-deployment=d.id.clone()
                                    prop:checked=move || state.with(|s| !s.hidden.contains(&id))
                                    on:change=move |_| state.update(|s| s.toggle(&toggled))
                                />
                                <span class="swatch" style=format!("background:{}", css_colour(i))></span>
                                {d.label}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
        </section>
    }
}

/// The options of a percentage control, with the current value among them even when it is not a choice
/// (a threshold given on the command line).
fn percent_options(choices: &[f64], current: f64) -> impl IntoView {
    let mut values = choices.to_vec();
    if !values.iter().any(|v| (v - current).abs() < 1e-9) {
        values.push(current);
        values.sort_by(f64::total_cmp);
    }
    values
        .into_iter()
        .map(|v| {
            let selected = (v - current).abs() < 1e-9;
            view! { <option value=v.to_string() selected=selected>{format!("{} %", text::percent(v / 100.0))}</option> }
        })
        .collect_view()
}

#[component]
fn ComparisonTables(analysis: Memo<Arc<Analysis>>, view: Memo<Resolved>) -> impl IntoView {
    let tables = move || {
        let a = analysis.get();
        let v = view.get();
        comparison_tables(&a, &v)
            .into_iter()
            .map(|t| {
                let header = TABLE_QUANTITIES.iter().map(|q| view! { <th>{q.label()}</th> }).collect_view();
                let rows = t
                    .rows
                    .into_iter()
                    .map(|row| {
                        let colour = a.deployment_index(&row.deployment).map(css_colour).unwrap_or_default();
                        let cells = row
                            .cells
                            .iter()
                            .zip(TABLE_QUANTITIES)
                            .map(|(cell, q)| {
                                let change = cell.change.as_ref();
                                view! {
                                    <td
                                        class=verdict_class(cell)
                                        data-quantity=q.key()
                                        data-value=cell.raw.map(|r| r.to_string())
                                        data-verdict=change.map(|c| c.verdict.key())
                                        data-ci=change.and_then(|c| c.change_pct_ci).map(|[low, high]| format!("{low} {high}"))
                                        title=change.map(text::verdict_explained)
                                    >
                                        {cell.value.clone()}
                                        {change.map(|c| view! { <span class="change">{text::change(c)}</span> })}
                                    </td>
                                }
                            })
                            .collect_view();
                        view! {
                            <tr data-deployment=row.deployment.clone()>
                                <th scope="row">
                                    <span class="swatch" style=format!("background:{colour}")></span>
                                    {row.label.clone()}
                                    {row.is_baseline.then_some(" (baseline)")}
                                </th>
                                <td data-quantity="requests" data-value=row.requests.to_string()>{row.requests_text()}</td>
                                {cells}
                            </tr>
                        }
                    })
                    .collect_view();
                let kind = if t.load.kind == LoadKind::Qps { "qps" } else { "concurrency" };
                view! {
                    <h3>{format!("{} at {}", v.sweep.scenario, t.load)}</h3>
                    <div class="scroll">
                        <table class="comparison" data-scenario=v.sweep.scenario.clone() data-kind=kind data-level=level_key(t.load)>
                            <thead><tr><th>"Deployment"</th><th>"Requests"</th>{header}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <section class="tables">
            <h2>"Comparison with the baseline"</h2>
            <p class="legend">
                {move || {
                    let config = view.with(|v| v.config);
                    format!(
                        "Each change is against the baseline at the same load, with its {} % interval; changes within ±{} % are noise. ",
                        text::percent(config.confidence),
                        text::percent(config.noise_threshold)
                    )
                }}
                <span class="better">"✓ better"</span>", "<span class="worse">"✗ worse"</span>", "
                <span class="same">"= the same"</span>" (the interval within the noise), "
                <span class="inconclusive">"? can't tell"</span>" († only after correcting for the many comparisons), "
                <span class="insufficient">"too few requests"</span>" for an interval, "
                <span class="unstable">"unstable"</span>": a run never reached a steady state. Hover a change for why."
            </p>
            {move || (!analysis.with(|a| a.is_compared())).then(|| view! { <p class="pending">"Computing the intervals of the changes…"</p> })}
            {tables}
        </section>
    }
}
