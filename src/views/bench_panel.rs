//! The benchmark run's panel: button, progress, cancel, results table, charts, export. It binds
//! `bench_run`'s state and worker; the run itself happens there.
use super::{charts, roofline};
use crate::bench::{self, ResultLine};
use crate::bench_run::{BenchState, BenchWorker};
use crate::browser;
use crate::params::{BenchSet, Settings};
use crate::roofline as roof;
use crate::targets::Measured;
use crate::tier::TierKind;
use leptos::html::Canvas;
use leptos::prelude::*;

#[component]
pub fn BenchPanel(
    bench: RwSignal<BenchState>,
    measured: RwSignal<Measured>,
    frames: ReadSignal<Vec<(f64, f64, TierKind)>>,
    /// Whether the animation plays (recorded with each run: it competes for the cores).
    running: ReadSignal<bool>,
    simd_off: bool,
    worker: BenchWorker,
    /// The run's settings: the re-run link is them plus this set.
    settings: ReadSignal<Settings>,
) -> impl IntoView {
    let set = RwSignal::new("quick".to_string());
    let speed_ref = NodeRef::<Canvas>::new();
    let scale_ref = NodeRef::<Canvas>::new();
    let frames_ref = NodeRef::<Canvas>::new();
    let roof_ref = NodeRef::<Canvas>::new();
    let chart_error = RwSignal::new(None::<String>);
    let lines = Memo::new(move |_| bench.with(|b| bench::group(&b.rows)));
    // The roofline of the rows under this engine's ceilings (none before a run has both).
    let roofs = Memo::new(move |_| {
        bench.with(|b| b.ceilings.as_ref().and_then(|c| roof::model(&b.rows, c)))
    });

    // Charts are drawn at the canvas's size × devicePixelRatio: a resize or a zoom (which
    // changes the ratio) draws them again, so they stay sharp and fill the space they get.
    let resized = RwSignal::new(0u32);
    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        resized.update(|n| *n = n.wrapping_add(1))
    });
    on_cleanup(move || on_resize.remove());
    Effect::new(move |_| {
        resized.track();
        let l = lines.get();
        if let (Some(a), Some(b)) = (speed_ref.get(), scale_ref.get()) {
            let r = charts::speedup_bars(&a, &l).and_then(|_| charts::scaling(&b, &l));
            chart_error.set(r.err());
        }
    });
    Effect::new(move |_| {
        resized.track();
        let m = roofs.get();
        if let Some(c) = roof_ref.get() {
            if let Err(e) = roofline::draw(&c, m.as_ref()) {
                chart_error.set(Some(e));
            }
        }
    });
    Effect::new(move |_| {
        resized.track();
        let f = frames.get();
        if let Some(c) = frames_ref.get() {
            if let Err(e) = charts::frame_history(&c, &f) {
                chart_error.set(Some(e));
            }
        }
    });
    // A run started from the URL (`?bench=full`) selects its set too, so the link matches.
    Effect::new(move |_| {
        let started = bench.with(|b| {
            b.source
                .as_ref()
                .filter(|_| b.running)
                .map(|s| s.set.clone())
        });
        if let Some(s) = started.filter(|s| *s != set.get_untracked()) {
            set.set(s);
        }
    });
    // A pause or resume during a run is part of where its figures came from.
    Effect::new(move |_| {
        let playing = running.get();
        let changed = bench.with(|b| {
            b.running
                && b.source
                    .as_ref()
                    .is_some_and(|s| !s.animation_changed && s.animation_at_start != playing)
        });
        if changed {
            bench.update(|b| {
                if let Some(s) = b.source.as_mut() {
                    s.animation_changed = true;
                }
            });
        }
    });

    let start = move |which: &str| {
        set.set(which.to_string());
        worker.start(which, simd_off, running.get_untracked(), bench, measured);
    };
    let run = move |_| start(&set.get_untracked());
    let run_full = move |_| start("full");
    let cancel = move |_| worker.cancel(bench);
    let rerun_href = move || {
        Settings {
            bench: BenchSet::from_key(&set.get()),
            ..settings.get()
        }
        .to_query()
    };

    let cell = move |line: &ResultLine, t: &'static str, unavailable: bool| {
        let (kernel, size) = (line.kernel.clone(), line.size.clone());
        // The column's name, shown before the figure when the table reflows on a phone.
        let label = TierKind::from_key(t).map(TierKind::label).unwrap_or(t);
        match line.by_tier.get(t).cloned() {
            Some(r) if r.error.is_some() => {
                let err = r.error.clone().unwrap_or_default();
                view! {
                    <td class="num bad" data-label=label data-kernel=kernel data-tier=t data-size=size title=r.method_text()>
                        <span data-testid="bench-error" data-error=err.clone()>{r.time_text()}</span>
                    </td>
                }
                .into_any()
            }
            Some(r) => {
                let median = r.median().map(|m| m.to_string());
                let spread = r.spread_pct().map(|p| format!("{p:.2}"));
                let settled = r.settled.map(|s| s.to_string());
                let disagrees = (r.agrees == Some(false)).then(|| {
                    let why = match (r.max_diff, r.tolerance) {
                        (Some(d), Some(t)) => format!("output differs from the reference by {d:.3e} (tolerance {t:.3e}); not counted toward any target"),
                        _ => "output differs from the reference; not counted toward any target".to_string(),
                    };
                    view! { <span data-testid="bench-disagrees" title=why style="color: var(--fail)">" ⚠ disagrees"</span> }
                });
                let unsettled = r.not_settled().then(|| {
                    let why = format!(
                        "warm-up stopped at its cap ({} rounds) before two successive round medians agreed within 5 %: the engine may not have finished optimising, read this figure with care",
                        r.warmup_rounds.map(|w| format!("{w:.0}")).unwrap_or_else(|| "?".into())
                    );
                    view! { <span data-testid="bench-unsettled" title=why style="color: var(--warn)">" ⚠ not settled"</span> }
                });
                view! {
                    <td class="num" data-label=label data-kernel=kernel data-tier=t data-size=size
                        data-median-ns=median data-p25-ns=r.p25_ns.map(|v| v.to_string()) data-p75-ns=r.p75_ns.map(|v| v.to_string())
                        data-spread-pct=spread data-settled=settled data-agrees=r.agrees.map(|a| a.to_string())
                        title=r.method_text()>
                        {r.time_text()}<br/>
                        <span class="muted">{bench::fmt_throughput(&r)}</span>{disagrees}{unsettled}
                    </td>
                }
                .into_any()
            }
            None => view! {
                <td class="num muted" data-label=label data-kernel=kernel data-tier=t data-size=size>
                    {if unavailable { "unavailable" } else { "…" }}
                </td>
            }
            .into_any(),
        }
    };

    let table = move || {
        let l: Vec<ResultLine> = lines.get();
        let unavailable: Vec<bool> = bench.with(|b| {
            TierKind::ALL
                .iter()
                .map(|k| b.tiers.get(k).is_some_and(|s| !s.ok))
                .collect()
        });
        l.into_iter()
            .map(|line| {
                let cells = bench::TIERS
                    .iter()
                    .zip(unavailable.iter())
                    .map(|(t, u)| cell(&line, t, *u))
                    .collect_view();
                let sp = |fast: &str, slow: &str| {
                    let text = line
                        .speedup(fast, slow)
                        .map(|v| format!("{v:.2}×"))
                        .unwrap_or_else(|| "–".into());
                    match line.trusted_speedup(fast, slow) {
                        Some(Err(why)) if line.speedup(fast, slow).is_some() => {
                            format!("{text} ({why})")
                        }
                        _ => text,
                    }
                };
                view! {
                    <tr>
                        <td class="kernel">{line.kernel.clone()}</td><td class="size">{line.size.clone()}</td>
                        {cells}
                        <td class="num" data-label="SIMD/JS" data-speedup="simd/js">{sp("simd", "js")}</td>
                        <td class="num" data-label="SIMD/scalar" data-speedup="simd/scalar">{sp("simd", "scalar")}</td>
                        <td class="num" data-label="relaxed/SIMD" data-speedup="relaxed/simd">{sp("relaxed", "simd")}</td>
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
            <button data-testid="bench-run-full" on:click=run_full disabled=move || bench.get().running
                title="every kernel at the issue's sizes (N up to 4096, dense up to 2048²); takes a few minutes">"Run full set"</button>
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
                on:click=move |_| { let _ = browser::download("sasi-bench.json", "application/json", &bench.get_untracked().to_json()); }>"Download JSON"</button>
            <button data-testid="export-csv" disabled=move || !bench.get().finished
                on:click=move |_| { let _ = browser::download("sasi-bench.csv", "text/csv", &bench::to_csv(&bench.get_untracked().rows)); }>"Download CSV"</button>
            <a data-testid="rerun-link" href=rerun_href>"Link that re-runs this configuration"</a>
            <span class="muted" data-testid="bench-source">{move || bench.with(|b| b.source.as_ref().map(|s| format!("this run: {}", s.describe())).unwrap_or_default())}</span>
            <span class="muted" data-testid="bench-ceilings"
                data-read-gb-s=move || bench.with(|b| b.ceilings.as_ref().and_then(|c| c.read_gb_s).map(|v| v.to_string()))
                data-mul-add-gflop-s=move || bench.with(|b| b.ceilings.as_ref().and_then(|c| c.mul_add_gflop_s).map(|v| v.to_string()))
                data-fma-gflop-s=move || bench.with(|b| b.ceilings.as_ref().and_then(|c| c.fma_gflop_s).map(|v| v.to_string()))
                title="this engine's ceilings, measured in the benchmark worker before the cases with the same warm-up and batches: read = a SIMD sum over a buffer far past the last-level cache (single thread), mul+add = independent multiply-adds in the SIMD module, fma = fused in the relaxed-SIMD module, call = a near-empty kernel call; median (p25–p75)">
                {move || bench.with(|b| b.ceilings.as_ref().map(|c| format!("this engine's ceilings: {}", c.describe())).unwrap_or_default())}
            </span>
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
        <p class="muted op-def">
            "Each cell: median time per call ± half the interquartile range (p25–p75) of the timed batches, "
            "then throughput. ⚠ not settled: the warm-up reached its cap before the timings stabilised. "
            "⚠ disagrees / error: that tier's output or run failed its check and is not counted toward any target. "
            "Hover a cell for how it was measured."
        </p>
        <div class="table-scroll" role="region" aria-label="benchmark results" tabindex="0">
        <table class="bench" data-testid="bench-table">
            <thead><tr>
                <th>"Kernel"</th><th>"Size"</th>
                <th class="num">"JS"</th><th class="num">"WASM scalar"</th><th class="num">"WASM SIMD128"</th><th class="num">"WASM relaxed SIMD"</th>
                <th class="num" title="median JS time ÷ median SIMD128 time">"SIMD/JS"</th>
                <th class="num" title="median scalar wasm time ÷ median SIMD128 time">"SIMD/scalar"</th>
                <th class="num" title="median SIMD128 time ÷ median relaxed SIMD time">"relaxed/SIMD"</th>
            </tr></thead>
            <tbody>{table}</tbody>
        </table>
        </div>
        <p class="muted">{move || chart_error.get().map(|e| format!("chart error: {e}")).unwrap_or_default()}</p>
        <div class="charts">
            <canvas node_ref=speed_ref data-testid="chart-speedup" role="img" aria-label="speedup chart"></canvas>
            <div class="charts-pair">
                <canvas node_ref=scale_ref data-testid="chart-scaling" role="img" aria-label="scaling chart"></canvas>
                <canvas node_ref=frames_ref data-testid="chart-frames" role="img" aria-label="frame-time chart"></canvas>
            </div>
            <canvas node_ref=roof_ref data-testid="chart-roofline" role="img" aria-label="roofline chart"></canvas>
            <p class="muted" data-testid="roofline-reading">{move || roofs.with(|m| m.as_ref().map(roof::reading).unwrap_or_default())}</p>
        </div>
    }
}
