//! Benchmark run in a Web Worker: button, progress, cancel, results table, charts, export.
use super::charts;
use crate::bench::{self, BenchRow, ResultLine, TierLoad, WorkerMsg};
use crate::targets::Measured;
use crate::tier::TierKind;
use leptos::html::Canvas;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BenchState {
    pub running: bool,
    pub progress: Option<(String, u32, u32)>,
    pub rows: Vec<BenchRow>,
    pub tiers: BTreeMap<String, TierLoad>,
    pub env: serde_json::Value,
    pub set: String,
    pub message: Option<String>,
    pub finished: bool,
}

type MessageHandler = Closure<dyn FnMut(web_sys::MessageEvent)>;
type RunningWorker = (web_sys::Worker, MessageHandler);

thread_local! {
    /// The running worker, if any (the main thread keeps animating while it measures).
    static WORKER: RefCell<Option<RunningWorker>> = const { RefCell::new(None) };
    /// The last stopped worker's message handler: `stop` may be called from inside it, so it
    /// is dropped on the next `stop`, never while it runs.
    static RETIRED: RefCell<Option<MessageHandler>> = const { RefCell::new(None) };
}

/// Handle to the one benchmark worker of the page.
#[derive(Clone, Copy, Default)]
pub struct BenchWorker;

impl BenchWorker {
    pub fn start(
        &self,
        set: &str,
        simd_off: bool,
        state: RwSignal<BenchState>,
        measured: RwSignal<Measured>,
    ) -> Result<(), String> {
        self.stop();
        let opts = web_sys::WorkerOptions::new();
        opts.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options("/js/bench-worker.js", &opts)
            .map_err(|e| crate::bridge::js_error_text(&e))?;
        let me = *self;
        let on_msg =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let text = js_sys::JSON::stringify(&ev.data())
                    .ok()
                    .and_then(|s| s.as_string())
                    .unwrap_or_default();
                let msg = match serde_json::from_str::<WorkerMsg>(&text) {
                    Ok(m) => m,
                    Err(e) => {
                        state.update(|s| {
                            s.message =
                                Some(format!("unreadable message from the benchmark worker: {e}"))
                        });
                        return;
                    }
                };
                match msg {
                    WorkerMsg::Tiers { status } => state.update(|s| s.tiers = status),
                    WorkerMsg::Progress {
                        kernel,
                        size,
                        tier,
                        done,
                        total,
                    } => state.update(|s| {
                        s.progress = Some((format!("{kernel} {size} · {tier}"), done, total))
                    }),
                    WorkerMsg::Row { row } => state.update(|s| s.rows.push(row)),
                    WorkerMsg::Done { rows, env } => {
                        let lines = bench::group(&rows);
                        measured.update(|m| m.simd_vs_js = bench::simd_vs_js(&lines));
                        state.update(|s| {
                            s.rows = rows;
                            s.env = env;
                            s.running = false;
                            s.finished = true;
                            s.progress = None;
                            s.message = Some("finished".into());
                        });
                        me.stop();
                    }
                    WorkerMsg::Cancelled => {
                        state.update(|s| {
                            s.running = false;
                            s.progress = None;
                            s.message = Some("cancelled".into());
                        });
                        me.stop();
                    }
                    WorkerMsg::Error { message } => {
                        state.update(|s| {
                            s.running = false;
                            s.progress = None;
                            s.message = Some(format!("benchmark failed: {message}"));
                        });
                        me.stop();
                    }
                }
            });
        worker.set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
        let cfg = serde_json::json!({
            "type": "run",
            "set": set,
            "modules": {
                "scalar": TierKind::Scalar.url(),
                "simd": if simd_off { None } else { Some(TierKind::Simd.url()) },
                "relaxed": if simd_off { None } else { Some(TierKind::Relaxed.url()) },
            },
            "jsUrl": TierKind::Js.url(),
        });
        let msg =
            js_sys::JSON::parse(&cfg.to_string()).map_err(|e| crate::bridge::js_error_text(&e))?;
        worker
            .post_message(&msg)
            .map_err(|e| crate::bridge::js_error_text(&e))?;
        state.set(BenchState {
            running: true,
            set: set.to_string(),
            message: Some("starting…".into()),
            ..BenchState::default()
        });
        WORKER.with(|w| *w.borrow_mut() = Some((worker, on_msg)));
        Ok(())
    }

    pub fn cancel(&self) {
        WORKER.with(|slot| {
            if let Some((w, _)) = slot.borrow().as_ref() {
                let msg = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&msg, &"type".into(), &"cancel".into());
                let _ = w.post_message(&msg);
            }
        });
    }

    pub fn stop(&self) {
        let old = WORKER.with(|slot| slot.borrow_mut().take());
        if let Some((w, cb)) = old {
            w.terminate();
            w.set_onmessage(None);
            let previous = RETIRED.with(|r| r.borrow_mut().replace(cb));
            drop(previous);
        }
    }
}

fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlElement = doc.create_element("a")?.dyn_into()?;
    a.set_attribute("href", &url)?;
    a.set_attribute("download", name)?;
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

fn export_json(st: &BenchState) -> String {
    let lines = bench::group(&st.rows);
    let results: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| {
            let med: serde_json::Map<String, serde_json::Value> = bench::TIERS
                .iter()
                .map(|t| {
                    (
                        t.to_string(),
                        l.median(t)
                            .map(serde_json::Value::from)
                            .unwrap_or(serde_json::Value::Null),
                    )
                })
                .collect();
            serde_json::json!({"kernel": l.kernel, "size": l.size, "median_ns": med})
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "env": st.env, "set": st.set, "tiers": st.tiers, "results": results, "rows": st.rows,
    }))
    .unwrap_or_default()
}

#[component]
pub fn BenchPanel(
    bench: RwSignal<BenchState>,
    measured: RwSignal<Measured>,
    frames: ReadSignal<Vec<(f64, f64, TierKind)>>,
    simd_off: bool,
    worker: BenchWorker,
) -> impl IntoView {
    let set = RwSignal::new("quick".to_string());
    let speed_ref = NodeRef::<Canvas>::new();
    let scale_ref = NodeRef::<Canvas>::new();
    let frames_ref = NodeRef::<Canvas>::new();
    let chart_error = RwSignal::new(None::<String>);
    let lines = Memo::new(move |_| bench::group(&bench.get().rows));

    Effect::new(move |_| {
        let l = lines.get();
        if let (Some(a), Some(b)) = (speed_ref.get(), scale_ref.get()) {
            let kernel = if l.iter().filter(|x| x.kernel == "dense").count() > 1 {
                "dense"
            } else {
                "activation_sigmoid"
            };
            let r = charts::speedup_bars(&a, &l).and_then(|_| charts::scaling(&b, &l, kernel));
            chart_error.set(r.err());
        }
    });
    Effect::new(move |_| {
        let f = frames.get();
        if let Some(c) = frames_ref.get() {
            if let Err(e) = charts::frame_history(&c, &f) {
                chart_error.set(Some(e));
            }
        }
    });

    let w1 = worker;
    let run = move |_| {
        if let Err(e) = w1.start(&set.get_untracked(), simd_off, bench, measured) {
            bench.update(|s| s.message = Some(format!("cannot start the benchmark worker: {e}")));
        }
    };
    let w2 = worker;
    let cancel = move |_| w2.cancel();
    let rerun_href = move || {
        let loc = web_sys::window().map(|w| w.location());
        let search = loc.and_then(|l| l.search().ok()).unwrap_or_default();
        let base: Vec<&str> = search
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("bench="))
            .collect();
        let mut q = base.join("&");
        if !q.is_empty() {
            q.push('&');
        }
        format!("?{q}bench={}", set.get())
    };

    let table = move || {
        let l: Vec<ResultLine> = lines.get();
        l.into_iter()
            .map(|line| {
                let cells = bench::TIERS
                    .iter()
                    .map(|t| {
                        let row = line.by_tier.get(*t).cloned();
                        let unavailable = bench.get().tiers.get(*t).map(|s| !s.ok).unwrap_or(false);
                        match row {
                            Some(r) => {
                                let flag = if r.agrees == Some(false) { " ⚠ disagrees" } else { "" };
                                view! {
                                    <td class="num" data-kernel=line.kernel.clone() data-tier=t.to_string() data-size=line.size.clone()
                                        data-median-ns=format!("{}", r.median_ns)>
                                        {bench::fmt_ns(r.median_ns)}<br/><span class="muted">{bench::fmt_throughput(&r)}{flag}</span>
                                    </td>
                                }
                                .into_any()
                            }
                            None => view! {
                                <td class="num muted" data-kernel=line.kernel.clone() data-tier=t.to_string() data-size=line.size.clone()>
                                    {if unavailable { "unavailable" } else { "…" }}
                                </td>
                            }
                            .into_any(),
                        }
                    })
                    .collect_view();
                let sp = |x: Option<f64>| x.map(|v| format!("{v:.2}×")).unwrap_or_else(|| "–".into());
                view! {
                    <tr>
                        <td>{line.kernel.clone()}</td><td>{line.size.clone()}</td>
                        {cells}
                        <td class="num" data-speedup="simd/js">{sp(line.speedup("simd", "js"))}</td>
                        <td class="num" data-speedup="simd/scalar">{sp(line.speedup("simd", "scalar"))}</td>
                        <td class="num" data-speedup="relaxed/simd">{sp(line.speedup("relaxed", "simd"))}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <h3>"Benchmark run"</h3>
        <div class="bench-controls">
            <label>"Size set "
                <select data-testid="bench-set" prop:value=move || set.get() on:change=move |ev| set.set(event_target_value(&ev))>
                    <option value="quick">"quick (< 30 s)"</option>
                    <option value="full">"full (issue sizes)"</option>
                </select>
            </label>
            <button data-testid="bench-run" on:click=run disabled=move || bench.get().running>"Run benchmark"</button>
            <button data-testid="bench-cancel" on:click=cancel disabled=move || !bench.get().running>"Cancel"</button>
            <progress data-testid="bench-progress" max="100"
                value=move || bench.get().progress.map(|(_, d, t)| (100 * d / t.max(1)).to_string()).unwrap_or_else(|| if bench.get().finished { "100".into() } else { "0".into() })>
            </progress>
            <span data-testid="bench-status">{move || {
                let b = bench.get();
                match (&b.progress, &b.message) {
                    (Some((what, d, t)), _) => format!("{what} — {}% ({d}/{t})", 100 * d / (*t).max(1)),
                    (None, Some(m)) => m.clone(),
                    _ => "idle: the run happens in a Web Worker, the animation keeps going".into(),
                }
            }}</span>
        </div>
        <div class="bench-controls">
            <button data-testid="export-json" disabled=move || !bench.get().finished
                on:click=move |_| { let _ = download("sasi-bench.json", "application/json", &export_json(&bench.get_untracked())); }>"Download JSON"</button>
            <button data-testid="export-csv" disabled=move || !bench.get().finished
                on:click=move |_| { let _ = download("sasi-bench.csv", "text/csv", &bench::to_csv(&bench.get_untracked().rows)); }>"Download CSV"</button>
            <a data-testid="rerun-link" href=rerun_href>"Link that re-runs this configuration"</a>
            <span class="muted">{move || {
                let env = bench.get().env;
                if env.is_null() { String::new() } else {
                    format!("timer resolution {} ns · cross-origin isolated: {} · {} cores",
                        env.get("timerResolutionNs").and_then(|v| v.as_f64()).map(|v| format!("{v:.0}")).unwrap_or("?".into()),
                        env.get("crossOriginIsolated").and_then(|v| v.as_bool()).map(|v| v.to_string()).unwrap_or("?".into()),
                        env.get("hardwareConcurrency").and_then(|v| v.as_f64()).unwrap_or(0.0))
                }
            }}</span>
        </div>
        <table class="bench" data-testid="bench-table">
            <thead><tr>
                <th>"Kernel"</th><th>"Size"</th>
                <th class="num">"JS"</th><th class="num">"WASM scalar"</th><th class="num">"WASM SIMD128"</th><th class="num">"relaxed SIMD"</th>
                <th class="num">"SIMD/JS"</th><th class="num">"SIMD/scalar"</th><th class="num">"relaxed/SIMD"</th>
            </tr></thead>
            <tbody>{table}</tbody>
        </table>
        <p class="muted">{move || chart_error.get().map(|e| format!("chart error: {e}")).unwrap_or_default()}</p>
        <div class="charts">
            <canvas node_ref=speed_ref data-testid="chart-speedup"></canvas>
            <canvas node_ref=scale_ref data-testid="chart-scaling"></canvas>
            <canvas node_ref=frames_ref data-testid="chart-frames"></canvas>
        </div>
    }
}
