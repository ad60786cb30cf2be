use crate::runtime::controller::{FrameBudget, LiveStats};
use leptos::prelude::*;

/// The parts of a frame in the order they happen, with their names on screen.
fn parts(b: &FrameBudget) -> [(&'static str, &'static str, f64); 5] {
    [
        ("kernels", "kernels", b.kernels_ms),
        ("mesh", "mesh drawing", b.mesh_ms),
        ("raster", "raster drawing", b.raster_ms),
        ("page", "panel & DOM", b.page_ms),
        ("other", "browser & idle", b.other_ms),
    ]
}

#[component]
pub fn StatusLine(live: ReadSignal<LiveStats>) -> impl IntoView {
    let budget = move || {
        let b = live.get().budget;
        let total = b.total_ms();
        if total <= 0.0 {
            return view! { <span class="muted">"frame budget: measuring…"</span> }.into_any();
        }
        let segments = parts(&b)
            .into_iter()
            .map(|(key, _, ms)| {
                view! {
                    <span class=format!("seg seg-{key}") data-part=key data-ms=format!("{ms:.3}")
                        style:width=format!("{:.2}%", 100.0 * ms / total)></span>
                }
            })
            .collect_view();
        let legend = parts(&b)
            .into_iter()
            .map(|(key, name, ms)| {
                view! { <span class="leg"><i class=format!("sw seg-{key}")></i>{format!("{name} {ms:.1}")}</span> }
            })
            .collect_view();
        view! {
            <span class="budget-label">{format!("frame {total:.1} ms =")}</span>
            <span class="budget-bar" role="img"
                aria-label=parts(&b).map(|(_, n, ms)| format!("{n} {ms:.1} ms")).join(", ")>{segments}</span>
            <span class="budget-legend">{legend}" ms"</span>
        }
        .into_any()
    };
    view! {
        <section class="status" aria-label="live figures">
        <div class="status-line">
            <span title="Animation frames per second, counted over the last second">"fps "<b data-testid="fps">{move || format!("{:.0}", live.get().fps)}</b></span>
            <span title=crate::features::live::panel::KERNEL_TIME_HELP>"kernel time "<b data-testid="sim-ms">{move || format!("{:.2}", live.get().sim_ms)}</b>" ms/frame"</span>
            <span title="Spikes per second of simulated time, all neurons (counted over the last half second)">"spikes "<b data-testid="spikes-per-s">{move || crate::util::fmt::fmt_count(live.get().spikes_per_s)}</b>" /s"</span>
            <span title="Global efficiency of the agent graph (mean inverse shortest-path length, 0–1), computed by the efficiency kernel a few times a second">"mesh efficiency "<b data-testid="efficiency">{move || format!("{:.3}", live.get().efficiency)}</b></span>
            <span title="Agent pairs whose summed synaptic weight (both directions) is above the run's edge threshold; the mesh draws these">"edges "<b>{move || live.get().edges}</b></span>
            <span title="Synapses STDP has pruned to zero since the start of this run">"pruned "<b>{move || live.get().pruned}</b></span>
            <span title="Simulated time since the start: each frame runs a fixed number of 1 ms steps, so a slow frame slows this clock">"t = "<b>{move || format!("{:.1}", live.get().sim_seconds)}</b>" s"</span>
            <span class="muted">{move || live.get().state_note.clone()}</span>
        </div>
        <div class="frame-budget" data-testid="frame-budget"
            title="Where each frame's time goes, mean over the last half second: this app's parts, measured around each call, and the rest of the interval between two animation frames (the browser's style, layout, paint, garbage collection, and idle time).">
            {budget}
        </div>
        </section>
    }
}
