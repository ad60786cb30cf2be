//! The performance panel: live figures from the running simulation, each tier's load, and the
//! seed report's targets checked against what this page measured.
use crate::features::targets::TargetRow;
use crate::runtime::controller::{Command, CommandQueue, LiveStats};
use crate::runtime::memory::MemoryParts;
use crate::tiers::forms::FormsState;
use crate::tiers::loader::{self, TierState, TierStatus};
use crate::tiers::tier::TierKind;
use crate::util::fmt;
use leptos::prelude::*;

/// Bytes of one kernel module in the memory parts, for a `data-*` attribute (None: not loaded).
fn tier_bytes(m: &MemoryParts, name: &str) -> Option<String> {
    m.tiers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, b)| b.to_string())
}

/// What the kernel time counts, for its tooltip (the status line shows the same figure).
pub const KERNEL_TIME_HELP: &str = "Time inside kernel calls per animation frame, mean over the last half second: the LIF + STDP steps, the agents' networks and, every 15 frames, the mesh update; timed with performance.now() around the calls. The status line's \"kernel time\" is this same figure.";

#[component]
pub fn PerfPanel(
    live: ReadSignal<LiveStats>,
    statuses: ReadSignal<Vec<TierStatus>>,
    target_rows: Signal<Vec<TargetRow>>,
    /// Where the targets' figures came from (benchmark set, animation state).
    source_note: Signal<String>,
    /// The kernel forms each SIMD module runs (`tiers::forms`).
    forms: ReadSignal<FormsState>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <section class="perf-panel" data-testid="perf-panel" aria-label="performance panel">
            <h2>"Performance lab"</h2>
            <LiveFigures live/>
            <TierLoads statuses/>
            <KernelForms forms/>
            <TargetTable target_rows source_note/>
            {children.map(|c| c())}
        </section>
    }
}

/// The live figures of the running simulation, the engine, and what the memory figure counts.
#[component]
fn LiveFigures(live: ReadSignal<LiveStats>) -> impl IntoView {
    let engine = crate::util::browser::EngineInfo::detect();
    view! {
        <div class="live-grid">
            <div class="fig" title="Mean interval between animation frames over the last second (1000 ÷ frames per second): kernels, drawing, the browser's own rendering and idle time.">
                <span class="k">"Frame time"</span><span class="v">{move || format!("{:.1} ms", live.get().frame_ms)}</span>
            </div>
            <div class="fig-group">
                <div class="fig" title=KERNEL_TIME_HELP>
                    <span class="k">"Kernel time"</span><span class="v">{move || format!("{:.2} ms/frame", live.get().sim_ms)}</span>
                </div>
                <div class="fig sub" title="Of the kernel time: the LIF neuron steps and the STDP weight updates (steps per frame × both kernels), timed around the calls.">
                    <span class="k">"of which LIF + STDP"</span><span class="v">{move || format!("{:.2} ms/frame", live.get().lif_ms)}</span>
                </div>
                <div class="fig sub" title="LIF + STDP time per simulated step: each frame's time over its steps is one sample; the median and the interquartile range of the last half second's frames. The benchmark's live_step row measures the same thing in its worker, frame by frame.">
                    <span class="k">"per step (median, p25–p75)"</span>
                    <span class="v" data-testid="lif-stdp-step"
                        data-median-ms=move || live.with(|l| l.lif_step_ms.map(|s| s.median.to_string()))
                        data-p25-ms=move || live.with(|l| l.lif_step_ms.map(|s| s.p25.to_string()))
                        data-p75-ms=move || live.with(|l| l.lif_step_ms.map(|s| s.p75.to_string()))>
                        {move || live.with(|l| match l.lif_step_ms {
                            Some(s) => format!("{} ({}–{})", fmt::fmt_ns(s.median * 1e6), fmt::fmt_ns(s.p25 * 1e6), fmt::fmt_ns(s.p75 * 1e6)),
                            None => "–".into(),
                        })}
                    </span>
                </div>
                <div class="fig sub" title="Of the kernel time: the agents' small dense networks that steer them (two batched dense calls per frame), timed around the calls.">
                    <span class="k">"of which agent networks"</span><span class="v">{move || format!("{:.3} ms/frame", live.get().agents_ms)}</span>
                </div>
            </div>
            <div class="fig" title="Neuron updates per second of wall-clock time: N × steps actually simulated per second of real time while the animation plays (limited by the frame rate and the steps per frame). 0 while paused.">
                <span class="k">"Delivered (wall clock)"</span>
                <span class="v" data-testid="ops-delivered" data-value=move || live.get().delivered_ops_per_s.to_string()>
                    {move || { let v = live.get().delivered_ops_per_s; if v > 0.0 { format!("{} ops/s", fmt::fmt_count(v)) } else { "paused".into() } }}
                </span>
            </div>
            <div class="fig" title="Neuron updates per second of kernel time: N × steps divided by the time spent inside the LIF and STDP kernels only (not wall clock). What the kernels could deliver back to back; the throughput target uses this.">
                <span class="k">"Capacity (kernel time)"</span>
                <span class="v" data-testid="ops-per-s" data-value=move || live.get().ops_per_s.to_string()>{move || format!("{} ops/s", fmt::fmt_count(live.get().ops_per_s))}</span>
            </div>
            <div class="fig" title="Synaptic events per second of LIF + STDP kernel time: each spike adds its row of N outgoing weights, so events = spikes × N.">
                <span class="k">"Synaptic events"</span><span class="v">{move || format!("{} /s", fmt::fmt_count(live.get().syn_events_per_s))}</span>
            </div>
            <div class="fig" title="Whole page: the app's own wasm memory + every loaded kernel module's wasm memory (scalar, SIMD, relaxed) + the benchmark worker's wasm memories while a run is going + the JS heap (performance.memory.usedJSHeapSize; the JS tier's buffers are inside it). Where the JS heap is not exposed, the JS tier's buffers are counted instead. A wasm memory never shrinks. The two kernel figures below are parts of this one.">
                <span class="k">"Page memory (all)"</span>
                <span class="v" data-testid="memory" data-bytes=move || live.get().memory.total().to_string()>
                    {move || fmt::fmt_bytes(live.get().memory.total())}
                </span>
            </div>
            <div class="fig-group">
                <div class="fig" title="The size of every tier's memory, summed: each wasm module's linear memory (it grows in 64 KiB pages and never shrinks) and the JS tier's buffers. It holds the buffers in use below plus free space, and is part of the page memory above.">
                    <span class="k">"Kernel memories (reserved)"</span><span class="v" data-testid="memory-all-tiers" data-bytes=move || live.get().all_tiers_bytes.to_string()>{move || fmt::fmt_bytes(live.get().all_tiers_bytes)}</span>
                </div>
                <div class="fig sub" title="Bytes in live kernel allocations, summed over all tiers: the simulation's state (weights, potentials, traces, the agents' networks) and scratch buffers. Inside the reserved memories above; a tier switch frees the old tier's state.">
                    <span class="k">"of which buffers in use"</span><span class="v" data-testid="memory-in-use" data-bytes=move || live.get().all_tiers_in_use.to_string()>{move || fmt::fmt_bytes(live.get().all_tiers_in_use)}</span>
                </div>
            </div>
            <div class="fig" title=move || live.with(|l| format!("Measured every 2 s over 200 calls: one kernel call {:.2} µs + reading a frame's spikes and motion back {:.2} µs", l.call_us, l.handoff_us))>
                <span class="k">"Call + hand-off"</span><span class="v" data-testid="overhead">{move || format!("{:.2} µs", live.get().overhead_us)}</span>
            </div>
            <div class="fig" title="The smallest step between two performance.now() readings, measured in this page at start; cross-origin isolation gives the finest timer.">
                <span class="k">"Timer"</span><span class="v">{move || live.get().timer_note.clone()}</span>
            </div>
            <div class="fig" title="Threads the simulation runs on (Threads control, ?threads=k; 1 is the page's own), and the hash of every step's spikes at the latest whole second of simulated time (FNV-1a, as the race's): the same seed gives the same hash at any thread count and in any tier.">
                <span class="k">"Threads · spike hash"</span>
                <span class="v" data-testid="spike-hash" data-threads=move || live.with(|l| l.threads.to_string()) data-t=move || live.with(|l| l.spike_check.as_ref().map(|c| c.0.to_string())) data-hash=move || live.with(|l| l.spike_check.as_ref().map(|c| c.1.clone()))>
                    {move || live.with(|l| match &l.spike_check { Some((t, h)) => format!("{} · t = {t} ms: {}", l.threads, &h[..12]), None => format!("{} · –", l.threads) })}
                </span>
            </div>
        </div>
        <p class="muted op-def" data-testid="engine" data-engine=engine.name.clone()>
            "Engine: "{engine.describe()}". Which tiers this engine validates and loads, with the reasons, is in the table below."
        </p>
        <p class="muted op-def" data-testid="memory-parts"
            data-total=move || live.with(|l| l.memory.total().to_string())
            data-app-wasm=move || live.with(|l| l.memory.app_wasm.to_string())
            data-kernels=move || live.with(|l| l.memory.kernels().to_string())
            data-tier-scalar=move || live.with(|l| tier_bytes(&l.memory, "scalar"))
            data-tier-simd=move || live.with(|l| tier_bytes(&l.memory, "simd"))
            data-tier-relaxed=move || live.with(|l| tier_bytes(&l.memory, "relaxed"))
            data-worker=move || live.with(|l| l.memory.worker_wasm.to_string())
            data-js-heap=move || live.with(|l| l.memory.js_heap.map(|h| h.to_string()))
            data-js-tier=move || live.with(|l| l.memory.js_tier_bytes.to_string())
            data-js-part=move || live.with(|l| l.memory.js_part().to_string())>
            "Memory = "{move || live.with(|l| l.memory.describe())}
            {move || live.with(|l| {
                let k = l.memory.kernels_breakdown();
                if k.is_empty() { String::new() } else { format!(" (kernels: {k})") }
            })}
            ". The benchmark worker counts while it runs; it is stopped, and its memory freed, after a run."
        </p>
        <p class="muted op-def">
            "One op = one neuron update in the LIF step (leak, synaptic input, drive, threshold, refractory, trace), "
            "Capacity counts them per second of time spent in the LIF and STDP kernels at the current N; "
            "delivered counts them per second of wall-clock time while the animation plays. "
            "Synaptic events/s = spikes × N outgoing weights added per second of kernel time."
        </p>
    }
}

/// Each tier's load state and timing, with Retry where a load can be tried again.
#[component]
fn TierLoads(statuses: ReadSignal<Vec<TierStatus>>) -> impl IntoView {
    let queue = CommandQueue::from_context();
    let tier_rows = move || {
        statuses
            .get()
            .into_iter()
            .map(|s| {
                let kind = s.kind;
                let state = match &s.state {
                    TierState::Loaded(_) => "loaded".to_string(),
                    TierState::Unavailable(r) => format!("unavailable: {r}"),
                };
                // The JS tier is an ES module import (fetch, parse, link and evaluate of its
                // files), not a wasm fetch + compile + instantiate: one cell says so, so the
                // row does not read as a load-time comparison with the wasm columns.
                let timing = match &s.state {
                    TierState::Loaded(t) if kind == TierKind::Js => view! {
                        <td colspan="3" class="js-import" data-label="import" title=loader::JS_IMPORT_METHOD>{loader::js_import_text(t)}</td>
                        <td class="num" data-label="total (ms)">{format!("{:.1}", t.total_ms)}</td>
                    }
                    .into_any(),
                    TierState::Loaded(t) => view! {
                        <td class="num" data-label="fetch (ms)">{format!("{:.1}", t.fetch_ms)}</td>
                        <td class="num" data-label="compile (ms)">{format!("{:.1}", t.compile_ms)}</td>
                        <td class="num" data-label="instantiate (ms)">{format!("{:.1}", t.instantiate_ms)}</td>
                        <td class="num" data-label="total (ms)">{format!("{:.1}", t.total_ms)}</td>
                    }
                    .into_any(),
                    TierState::Unavailable(_) => view! {
                        <td class="num">"–"</td><td class="num">"–"</td><td class="num">"–"</td><td class="num">"–"</td>
                    }
                    .into_any(),
                };
                let cls = if s.available() { "ok" } else { "bad" };
                // A tier that failed to load can be tried again; one switched off by the URL or
                // missing from the browser cannot.
                let retry = s.reason().is_some_and(|r| !r.contains("switched off") && !r.contains("does not validate") && r != loader::RETRYING);
                view! {
                    <tr data-tier=s.kind.key()>
                        <td class="name">{s.kind.label()}</td>
                        <td class=cls data-label="state">{state}" "
                            {retry.then(|| view! {
                                <button data-testid=format!("retry-{}", kind.key())
                                    on:click=move |_| queue.send(Command::RetryTier(kind))>"Retry"</button>
                            })}
                        </td>
                        {timing}
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <h3>"Kernel modules"</h3>
        <div class="table-scroll" role="region" aria-label="kernel modules" tabindex="0">
        <table class="tiers">
            <thead><tr><th>"Tier"</th><th>"State"</th>
                <th class="num" title="Network fetch of the wasm module's bytes, until the last byte arrived">"fetch (ms)"</th>
                <th class="num" title="WebAssembly.compile of the fetched bytes">"compile (ms)"</th>
                <th class="num" title="WebAssembly.instantiate of the compiled module">"instantiate (ms)"</th>
                <th class="num" title="From the request to a usable tier">"total (ms)"</th></tr></thead>
            <tbody>{tier_rows}</tbody>
        </table>
        </div>
    }
}

/// Which form of each kernel with two forms the SIMD modules run, and how it was chosen.
#[component]
fn KernelForms(forms: ReadSignal<FormsState>) -> impl IntoView {
    let running = move |k: TierKind| {
        forms.with(|f| {
            f.running.get(&k).map(|r| {
                sasi_kernels::dispatch::VARIANT_KERNELS
                    .iter()
                    .zip(r)
                    .enumerate()
                    .map(|(k, (kernel, f))| {
                        format!(
                            "{kernel}:{}",
                            sasi_kernels::dispatch::form_name(k, *f as usize).unwrap_or("?")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
        })
    };
    view! {
        <div class="kernel-forms" data-testid="kernel-forms"
            data-simd=move || running(TierKind::Simd) data-relaxed=move || running(TierKind::Relaxed)
            data-calibrated=move || forms.with(|f| (f.elapsed_ms.is_some()).to_string())>
            <h3>"Kernel forms"</h3>
            <p class="muted op-def">
                "LIF, STDP, efficiency and block sums come in two forms in every module: lanes (the SIMD code) and loop "
                "(plain loops with early exits); the batched dense layer in broadcast and shuffle (how each input reaches the lanes). "
                "Which is faster depends on the CPU and the engine, so a worker times both at load "
                "and each SIMD module here runs the faster; within 15 % of each other a module keeps its own (lanes, broadcast). "
                "Compare by hand with ?variant=stdp:loop or ?variant=dense_batch:shuffle (kernel:form, comma-separated)."
                {move || forms.with(|f| f.elapsed_ms.map(|ms| format!(" Calibrated in {ms:.0} ms.")))}
                {move || forms.with(|f| f.note.clone().map(|n| format!(" {n}")))}
            </p>
            <ul>{move || forms.with(|f| f.describe().into_iter().map(|l| view! { <li>{l}</li> }).collect_view())}</ul>
        </div>
    }
}

/// The seed report's targets against this page's figures.
#[component]
fn TargetTable(target_rows: Signal<Vec<TargetRow>>, source_note: Signal<String>) -> impl IntoView {
    let target_view = move || {
        target_rows
            .get()
            .into_iter()
            .map(|r| {
                let (mark, cls) = match r.pass {
                    None if r.inconclusive => ("≈ inconclusive", "inconclusive"),
                    None if r.not_measurable => ("– not measurable here", "not-measurable"),
                    Some(true) => ("✔ pass", "pass"),
                    Some(false) => ("✘ fail", "fail"),
                    None => ("… pending", "pending"),
                };
                let margin = r.margin.map(|m| format!("{m:.1}×")).unwrap_or_else(|| "–".into());
                view! {
                    <tr class=cls data-target=r.name>
                        <td class="name">{r.name}</td><td data-label="goal">{r.goal}</td>
                        <td data-label="measured">{r.measured.unwrap_or_else(|| "not measured yet".into())}</td>
                        <td class="num" data-label="margin">{margin}</td><td class="mark" data-label="result">{mark}</td><td class="muted detail">{r.detail}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <h3>"Targets"</h3>
        <div class="table-scroll" role="region" aria-label="targets" tabindex="0">
        <table class="targets" data-testid="targets">
            <caption class="muted" data-testid="targets-source" style="caption-side: bottom; text-align: left; padding-top: 0.3rem">{move || source_note.get()}</caption>
            <thead><tr><th>"Target"</th><th>"Goal"</th><th>"Measured"</th><th>"Margin"</th><th>"Result"</th><th>"How it was judged"</th></tr></thead>
            <tbody>{target_view}</tbody>
        </table>
        </div>
    }
}
