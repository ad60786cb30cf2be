//! The performance panel: live figures from the running simulation, each tier's load, and the
//! seed report's targets checked against what this page measured.
use crate::controller::{Command, CommandQueue, LiveStats};
use crate::loader::{TierState, TierStatus};
use crate::memory::MemoryParts;
use crate::targets::{self, TargetRow};
use leptos::prelude::*;

/// Bytes of one kernel module in the memory parts, for a `data-*` attribute (None: not loaded).
fn tier_bytes(m: &MemoryParts, name: &str) -> Option<String> {
    m.tiers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, b)| b.to_string())
}

#[component]
pub fn PerfPanel(
    live: ReadSignal<LiveStats>,
    statuses: ReadSignal<Vec<TierStatus>>,
    target_rows: Signal<Vec<TargetRow>>,
    /// Where the targets' figures came from (benchmark set, animation state).
    source_note: Signal<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let queue = CommandQueue::from_context();
    let engine = crate::browser::EngineInfo::detect();
    let tier_rows = move || {
        statuses
            .get()
            .into_iter()
            .map(|s| {
                let (state, fetch, compile, inst, total) = match &s.state {
                    TierState::Loaded(t) => (
                        "loaded".to_string(),
                        format!("{:.1}", t.fetch_ms),
                        format!("{:.1}", t.compile_ms),
                        format!("{:.1}", t.instantiate_ms),
                        format!("{:.1}", t.total_ms),
                    ),
                    TierState::Unavailable(r) => (format!("unavailable: {r}"), "–".into(), "–".into(), "–".into(), "–".into()),
                };
                let cls = if s.available() { "ok" } else { "bad" };
                let kind = s.kind;
                // A tier that failed to load can be tried again; one switched off by the URL or
                // missing from the browser cannot.
                let retry = s.reason().is_some_and(|r| !r.contains("switched off") && !r.contains("does not validate") && r != "retrying…");
                view! {
                    <tr data-tier=s.kind.key()>
                        <td>{s.kind.label()}</td>
                        <td class=cls>{state}" "
                            {retry.then(|| view! {
                                <button data-testid=format!("retry-{}", kind.key())
                                    on:click=move |_| queue.send(Command::RetryTier(kind))>"Retry"</button>
                            })}
                        </td>
                        <td class="num">{fetch}</td><td class="num">{compile}</td><td class="num">{inst}</td><td class="num">{total}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let target_view = move || {
        target_rows
            .get()
            .into_iter()
            .map(|r| {
                let (mark, cls) = match r.pass {
                    None if r.inconclusive => ("≈ inconclusive", "inconclusive"),
                    Some(true) => ("✔ pass", "pass"),
                    Some(false) => ("✘ fail", "fail"),
                    None => ("… pending", "pending"),
                };
                let margin = r.margin.map(|m| format!("{m:.1}×")).unwrap_or_else(|| "–".into());
                view! {
                    <tr class=cls data-target=r.name>
                        <td>{r.name}</td><td>{r.goal}</td>
                        <td>{r.measured.unwrap_or_else(|| "not measured yet".into())}</td>
                        <td class="num">{margin}</td><td class="mark">{mark}</td><td class="muted">{r.detail}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="perf-panel" data-testid="perf-panel" aria-label="performance panel">
            <h2>"Performance lab"</h2>
            <div class="live-grid">
                <div><span class="k">"Frame time"</span><span class="v">{move || format!("{:.1} ms", live.get().frame_ms)}</span></div>
                <div><span class="k">"Kernel time / frame"</span><span class="v">{move || format!("{:.2} ms", live.get().sim_ms)}</span></div>
                <div><span class="k">"  LIF + STDP"</span><span class="v">{move || format!("{:.2} ms", live.get().lif_ms)}</span></div>
                <div><span class="k">"  agent networks"</span><span class="v">{move || format!("{:.3} ms", live.get().agents_ms)}</span></div>
                <div title="Neuron updates per second of wall-clock time: N × steps actually simulated per second of real time while the animation plays (limited by the frame rate and the steps per frame). 0 while paused.">
                    <span class="k">"Delivered ops/s (wall clock)"</span>
                    <span class="v" data-testid="ops-delivered" data-value=move || live.get().delivered_ops_per_s.to_string()>
                        {move || { let v = live.get().delivered_ops_per_s; if v > 0.0 { targets::fmt_count(v) } else { "paused".into() } }}
                    </span>
                </div>
                <div title="Neuron updates per second of kernel time: N × steps divided by the time spent inside the LIF and STDP kernels only (not wall clock). What the kernels could deliver back to back; the throughput target uses this.">
                    <span class="k">"Capacity ops/s (kernel time)"</span>
                    <span class="v" data-testid="ops-per-s" data-value=move || live.get().ops_per_s.to_string()>{move || targets::fmt_count(live.get().ops_per_s)}</span>
                </div>
                <div><span class="k">"Synaptic events/s"</span><span class="v">{move || targets::fmt_count(live.get().syn_events_per_s)}</span></div>
                <div title="Whole page: the app's own wasm memory + every loaded kernel module's wasm memory (scalar, SIMD, relaxed) + the benchmark worker's wasm memories while a run is going + the JS heap (performance.memory.usedJSHeapSize; the JS tier's buffers are inside it). Where the JS heap is not exposed, the JS tier's buffers are counted instead. A wasm memory never shrinks.">
                    <span class="k">"Memory (whole page)"</span>
                    <span class="v" data-testid="memory" data-bytes=move || live.get().memory.total().to_string()>
                        {move || targets::fmt_bytes(live.get().memory.total())}
                    </span>
                </div>
                <div><span class="k">"All tiers in use"</span><span class="v" data-testid="memory-in-use" data-bytes=move || live.get().all_tiers_in_use.to_string()>{move || targets::fmt_bytes(live.get().all_tiers_in_use)}</span></div>
                <div><span class="k">"All tiers reserved"</span><span class="v" data-testid="memory-all-tiers" data-bytes=move || live.get().all_tiers_bytes.to_string()>{move || targets::fmt_bytes(live.get().all_tiers_bytes)}</span></div>
                <div><span class="k">"Call + hand-off"</span><span class="v" data-testid="overhead" title=move || live.with(|l| format!("one kernel call {:.2} µs + reading a frame's spikes and motion back {:.2} µs", l.call_us, l.handoff_us))>{move || format!("{:.2} µs", live.get().overhead_us)}</span></div>
                <div><span class="k">"Timer"</span><span class="v">{move || live.get().timer_note.clone()}</span></div>
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
            <h3>"Kernel modules"</h3>
            <table class="tiers">
                <thead><tr><th>"Tier"</th><th>"State"</th><th>"fetch ms"</th><th>"compile ms"</th><th>"instantiate ms"</th><th>"total ms"</th></tr></thead>
                <tbody>{tier_rows}</tbody>
            </table>
            <h3>"Targets"</h3>
            <table class="targets" data-testid="targets">
                <caption class="muted" data-testid="targets-source" style="caption-side: bottom; text-align: left; padding-top: 0.3rem">{move || source_note.get()}</caption>
                <thead><tr><th>"Target"</th><th>"Goal"</th><th>"Measured"</th><th>"Margin"</th><th>""</th><th>""</th></tr></thead>
                <tbody>{target_view}</tbody>
            </table>
            {children.map(|c| c())}
        </section>
    }
}
