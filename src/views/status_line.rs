use crate::controller::LiveStats;
use leptos::prelude::*;

#[component]
pub fn StatusLine(live: ReadSignal<LiveStats>) -> impl IntoView {
    view! {
        <div class="status-line">
            <span>"fps "<b data-testid="fps">{move || format!("{:.0}", live.get().fps)}</b></span>
            <span>"sim "<b data-testid="sim-ms">{move || format!("{:.2}", live.get().sim_ms)}</b>" ms/frame"</span>
            <span>"spikes/s "<b data-testid="spikes-per-s">{move || crate::targets::fmt_count(live.get().spikes_per_s)}</b></span>
            <span>"mesh efficiency "<b data-testid="efficiency">{move || format!("{:.3}", live.get().efficiency)}</b></span>
            <span>"edges "<b>{move || live.get().edges}</b></span>
            <span>"pruned "<b>{move || live.get().pruned}</b></span>
            <span>"t = "<b>{move || format!("{:.1}", live.get().sim_seconds)}</b>" s"</span>
            <span class="muted">{move || live.get().state_note.clone()}</span>
        </div>
    }
}
