//! The page: loads the embedded (or dropped) results a slice at a time, then shows the overview, the
//! controls, the charts, the comparison table and the report, with the view state kept in the URL.

use crate::browser;
use crate::chart::{Area, Chart, Resize};
use crate::loader::{with_common_root_stripped, Loaded, Loader, Progress, Source};
use crate::markdown;
use crate::state::{MetricChoice, Resolved, ViewState};
use crate::table::{comparison_tables, verdict_class};
use leptos::prelude::*;
use serving_compare::analysis::Analysis;
use serving_compare::charts::{
    bar_panel, box_panel, cdf_panel, cdf_points, change_panel, css_colour, qps_line_panel, timeline_panel,
    timeline_points, ChartView, Hit, Scale,
};
use serving_compare::compare::{Quantity, Rate};
use serving_compare::metric::Request;
use serving_compare::report::{self, TABLE_QUANTITIES};
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
) {
    generation.update_value(|g| *g += 1);
    let mine = generation.get_value();
    status.set(Status::Loading { fraction: 0.0, message: "reading results".to_string() });
    leptos::task::spawn_local(async move {
        browser::yield_to_browser().await;
        let mut loader = Loader::new(&title, sources, warnings);
        let mut slice_start = browser::now();
        while let Progress::Working(fraction, message) = loader.step(STEP_BYTES) {
            if browser::now() - slice_start > SLICE_MS {
                status.set(Status::Loading { fraction, message });
                browser::yield_to_browser().await;
                if generation.get_value() != mine {
                    return;
                }
                slice_start = browser::now();
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
            browser::set_title(&format!("LMBench comparison: {}", loaded.title));
        }
    });
    if let Some(embedded) = browser::embedded() {
        if !embedded.sources.is_empty() || !embedded.warnings.is_empty() {
            start_loading(status, generation, embedded.title, embedded.sources, embedded.warnings);
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
                    start_loading(status, generation, title, sources, Vec::new());
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
                    "LMBench comparison"
                    {move || match status.get() {
                        Status::Ready(loaded) => format!(": {}", loaded.title),
                        _ => String::new(),
                    }}
                </h1>
                <OpenFiles open=open />
            </header>
            <main>
                {move || match status.get() {
                    Status::Empty => view! { <EmptyState /> }.into_any(),
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
                "Drop a folder of LMBench results (one folder per deployment, files named "
                <code>"LMBench_<scenario>_<qps>.csv"</code>
                "), or LMBench CSV files, anywhere on this page, or use the buttons above. "
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
                "Open CSV files"
                <input type="file" multiple accept=".csv,text/csv" data-testid="open-files" on:change=picked />
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

#[component]
fn Viewer(loaded: Arc<Loaded>, state: RwSignal<ViewState>) -> impl IntoView {
    let view = {
        let loaded = loaded.clone();
        Memo::new(move |_| state.with(|s| s.resolve(&loaded.analysis)))
    };
    let analysis = {
        let loaded = loaded.clone();
        Memo::new(move |_| Arc::new(loaded.analysis.with_baseline(&view.with(|v| v.baseline.clone()))))
    };
    let chart_view = move || {
        let v = view.get();
        ChartView {
            scenarios: vec![v.scenario.clone()],
            deployments: v.shown.clone(),
            baseline: v.baseline.clone(),
            scale: v.scale,
        }
    };
    let (loaded_cdf, loaded_timeline) = (loaded.clone(), loaded.clone());
    let draw_boxes = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = view.get();
        match v.metric.per_request() {
            Some(metric) => box_panel(area, &analysis.get(), &v.scenario, metric, &chart_view()),
            None => message(area, "Throughput has no per-request distribution: choose a latency metric."),
        }
    };
    let draw_lines = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = view.get();
        let band = (v.stat == Stat::P50 && v.metric != MetricChoice::Throughput).then_some(Stat::P90);
        qps_line_panel(area, &analysis.get(), &v.scenario, v.metric.quantity(v.stat), band, &chart_view())
    };
    let draw_throughput = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = view.get();
        bar_panel(area, &analysis.get(), &v.scenario, Quantity::Throughput(Rate::OutputTokens), &chart_view())
    };
    let draw_change = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = view.get();
        change_panel(area, &analysis.get(), &v.scenario, Rate::OutputTokens, &chart_view())
    };
    let draw_cdf = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = view.get();
        let Some(metric) = v.metric.per_request() else {
            return message(area, "Throughput has no per-request distribution: choose a latency metric.");
        };
        let series = per_deployment(&loaded_cdf, &v, |requests| {
            let mut values: Vec<f64> = requests.iter().filter_map(|r| metric.of(r)).collect();
            cdf_points(&mut values, MAX_POINTS)
        });
        let caption = format!("CDF of {} at {} QPS · {}", metric.label(), text::qps(v.qps), v.scenario);
        cdf_panel(area, &analysis.get(), &caption, metric, &series, v.scale)
    };
    let draw_timeline = move |area: &Area| -> Result<Vec<Hit>, String> {
        let v = view.get();
        let Some(metric) = v.metric.per_request() else {
            return message(area, "Throughput has no per-request values: choose a latency metric.");
        };
        let series = per_deployment(&loaded_timeline, &v, |requests| timeline_points(requests, metric, MAX_POINTS));
        let caption =
            format!("{} per request over the run at {} QPS · {}", metric.label(), text::qps(v.qps), v.scenario);
        timeline_panel(area, &analysis.get(), &caption, metric, &series, v.scale)
    };
    let report_html = {
        let title = loaded.title.clone();
        move || markdown::to_html(&report::markdown(&analysis.get(), &title, &[]))
    };
    view! {
        <Overview loaded=loaded.clone() />
        <Controls analysis=loaded.clone() state=state view=view />
        <section class="charts">
            <Chart name="latency-distribution" draw=draw_boxes />
            <Chart name="qps-lines" draw=draw_lines />
            <Chart name="throughput" draw=draw_throughput />
            <Chart name="throughput-change" draw=draw_change />
            <Chart name="cdf" draw=draw_cdf />
            <Chart name="timeline" draw=draw_timeline />
        </section>
        <ComparisonTables analysis=analysis view=view />
        <details class="report">
            <summary>"The report (README.md)"</summary>
            <div class="markdown" inner_html=report_html></div>
        </details>
    }
}

/// Points for each shown deployment's run at the chosen QPS, from its requests; runs without points are left out.
fn per_deployment(
    loaded: &Loaded,
    v: &Resolved,
    points: impl Fn(&[Request]) -> Vec<(f64, f64)>,
) -> Vec<(usize, Vec<(f64, f64)>)> {
    v.shown
        .iter()
        .map(|&d| {
            let id = &loaded.analysis.deployments[d].id;
            let requests: Vec<Request> =
                loaded.requests(id, &v.scenario, v.qps).flat_map(|f| f.parsed.requests.iter().copied()).collect();
            (d, points(&requests))
        })
        .filter(|(_, p)| !p.is_empty())
        .collect()
}

/// A message in place of a chart.
fn message(area: &Area, text: &str) -> Result<Vec<Hit>, String> {
    use plotters::prelude::*;
    area.draw(&Text::new(text.to_string(), (16, 30), ("sans-serif", 15))).map_err(|e| e.to_string())?;
    Ok(Vec::new())
}

#[component]
fn Overview(loaded: Arc<Loaded>) -> impl IntoView {
    let a = &loaded.analysis;
    let rows = a
        .deployments
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let scenarios = a
                .scenarios()
                .into_iter()
                .filter_map(|s| {
                    let runs: Vec<String> =
                        a.runs_of(&d.id, s).map(|r| format!("{} ({})", text::qps(r.qps), r.requests)).collect();
                    (!runs.is_empty()).then(|| view! { <div><b>{s.to_string()}</b>": "{runs.join(", ")}</div> })
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
                    <td>{scenarios}</td>
                </tr>
            }
        })
        .collect_view();
    let files: Vec<String> = loaded.files.iter().map(|f| f.path.clone()).collect();
    view! {
        <section class="overview">
            <p class="summary">
                {format!(
                    "{}, {}, {} in {}; {}.",
                    text::count(a.deployments.len(), "deployment"),
                    text::count(a.scenarios().len(), "scenario"),
                    text::count(a.total_requests(), "request"),
                    text::count(a.runs.len(), "run"),
                    text::count(a.total_skipped_rows(), "skipped row"),
                )}
            </p>
            <table class="deployments">
                <thead><tr><th>"Deployment and folder"</th><th>"QPS levels (requests per run)"</th></tr></thead>
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
                                                    let _ = browser::download(&target);
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
    let scenarios: Vec<String> = a.scenarios().into_iter().map(String::from).collect();
    let deployments = a.deployments.clone();
    let levels_of = {
        let analysis = analysis.clone();
        move |scenario: &str| analysis.analysis.qps_levels(scenario)
    };
    let value = |ev: &web_sys::Event| event_target_value(ev);
    view! {
        <section class="controls" aria-label="What to show">
            <label>
                "Scenario "
                <select data-control="scenario" on:change=move |ev| state.update(|s| s.scenario = Some(value(&ev)))>
                    {scenarios
                        .into_iter()
                        .map(|s| {
                            let (current, label) = (s.clone(), s.clone());
                            view! { <option value=s selected=move || view.with(|v| v.scenario == current)>{label}</option> }
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
                "QPS "
                <select data-control="qps" on:change=move |ev| state.update(|s| s.qps = value(&ev).parse().ok())>
                    {move || {
                        let v = view.get();
                        levels_of(&v.scenario)
                            .into_iter()
                            .map(|q| view! { <option value=q.to_string() selected=v.qps == q>{text::qps(q)}</option> })
                            .collect_view()
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
                                view! {
                                    <td class=verdict_class(cell) data-quantity=q.key() data-value=cell.raw.map(|r| r.to_string())>
                                        {cell.value.clone()}
                                        {cell.change.map(|c| view! { <span class="change">{text::change(&c)}</span> })}
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
                                <td data-quantity="requests" data-value=row.requests.to_string()>{row.requests}</td>
                                {cells}
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <h3>{format!("{} at {} QPS", v.scenario, text::qps(t.qps))}</h3>
                    <div class="scroll">
                        <table class="comparison" data-scenario=v.scenario.clone() data-qps=t.qps.to_string()>
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
                "Each change is against the baseline at the same QPS: "
                <span class="better">"better"</span>", "<span class="worse">"worse"</span>
                " (latency is better lower, throughput higher)."
            </p>
            {tables}
        </section>
    }
}
