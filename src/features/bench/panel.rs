//! The benchmark run's panel: button, progress, cancel, export, results table, charts. It binds
//! `bench_run`'s state and worker; the run itself happens there.
use super::roofline_view as roofline;
use super::table::BenchTable;
use super::threads_table::ThreadScalingTable;
use crate::features::bench::roofline as roof;
use crate::features::bench::run::{BenchState, BenchWorker};
use crate::features::bench::{self, ResultLine};
use crate::features::targets::Measured;
use crate::runtime::params::{BenchSet, Settings};
use crate::tiers::tier::TierKind;
use crate::ui::charts;
use crate::util::browser;
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
    let lines = Memo::new(move |_| bench.with(|b| bench::group(&b.rows)));
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

    view! {
        <h3>"Benchmark run"</h3>
        <BenchControls bench set measured running simd_off worker settings/>
        <BenchExport bench set settings/>
        <BenchTable bench lines/>
        <BenchCharts bench lines frames/>
        <ThreadScalingTable bench/>
    }
}

/// The size set, Run / Run full set / Cancel, and the progress and status of the run.
#[component]
fn BenchControls(
    bench: RwSignal<BenchState>,
    set: RwSignal<String>,
    measured: RwSignal<Measured>,
    running: ReadSignal<bool>,
    simd_off: bool,
    worker: BenchWorker,
    settings: ReadSignal<Settings>,
) -> impl IntoView {
    let start = move |which: &str| {
        set.set(which.to_string());
        // On threads (`?threads=k`), the run measures the thread scaling after its cases.
        let threads = settings.get_untracked().threads > 1;
        worker.start(
            which,
            simd_off,
            running.get_untracked(),
            threads,
            bench,
            measured,
        );
    };
    let run = move |_| start(&set.get_untracked());
    let run_full = move |_| start("full");
    let cancel = move |_| worker.cancel(bench);
    view! {
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
    }
}

/// Export of the finished run (JSON, CSV), the link that re-runs it, and where its figures
/// came from: the run's conditions, this engine's ceilings and the environment.
#[component]
fn BenchExport(
    bench: RwSignal<BenchState>,
    set: RwSignal<String>,
    settings: ReadSignal<Settings>,
) -> impl IntoView {
    let rerun_href = move || {
        Settings {
            bench: BenchSet::from_key(&set.get()),
            ..settings.get()
        }
        .to_query()
    };

    view! {
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
    }
}

/// The speed-up, scaling, frame-time and roofline charts, drawn again on a resize or zoom.
#[component]
fn BenchCharts(
    bench: RwSignal<BenchState>,
    lines: Memo<Vec<ResultLine>>,
    frames: ReadSignal<Vec<(f64, f64, TierKind)>>,
) -> impl IntoView {
    let speed_ref = NodeRef::<Canvas>::new();
    let scale_ref = NodeRef::<Canvas>::new();
    let frames_ref = NodeRef::<Canvas>::new();
    let roof_ref = NodeRef::<Canvas>::new();
    let chart_error = RwSignal::new(None::<String>);
    // The roofline of the rows under this engine's ceilings (none before a run has both).
    let roofs = Memo::new(move |_| {
        bench.with(|b| b.ceilings.as_ref().and_then(|c| roof::model(&b.rows, c)))
    });
    // Charts are drawn at the canvas's size × devicePixelRatio: a resize or a zoom (which
    // changes the ratio) draws them again, so they stay sharp and fill the space they get.
    let resized = crate::ui::canvas::resize_ticks();
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
    view! {
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
