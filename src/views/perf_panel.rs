//! The performance panel: live figures from the running simulation, each tier's load, and the
//! seed report's targets checked against what this page measured.
use crate::app::{Command, LiveStats};
use crate::loader::{TierState, TierStatus};
use crate::targets::{self, TargetRow};
use leptos::prelude::*;

#[component]
pub fn PerfPanel(
    live: ReadSignal<LiveStats>,
    statuses: ReadSignal<Vec<TierStatus>>,
    target_rows: Signal<Vec<TargetRow>>,
    commands: StoredValue<Vec<Command>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
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
                                    on:click=move |_| commands.update_value(|q| q.push(Command::RetryTier(kind)))>"Retry"</button>
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
                <div><span class="k">"Ops/s (neuron updates)"</span><span class="v" data-testid="ops-per-s">{move || targets::fmt_count(live.get().ops_per_s)}</span></div>
                <div><span class="k">"Synaptic events/s"</span><span class="v">{move || targets::fmt_count(live.get().syn_events_per_s)}</span></div>
                <div><span class="k">"Memory in use"</span><span class="v" data-testid="memory" data-bytes=move || live.get().memory_bytes.to_string()>
                    {move || {
                        let l = live.get();
                        match l.js_heap_bytes {
                            Some(_) => targets::fmt_bytes(l.memory_bytes),
                            None => format!("{} (wasm only: no performance.memory here)", targets::fmt_bytes(l.memory_bytes)),
                        }
                    }}
                </span></div>
                <div><span class="k">"All tiers in use"</span><span class="v" data-testid="memory-in-use" data-bytes=move || live.get().all_tiers_in_use.to_string()>{move || targets::fmt_bytes(live.get().all_tiers_in_use)}</span></div>
                <div><span class="k">"All tiers reserved"</span><span class="v" data-testid="memory-all-tiers" data-bytes=move || live.get().all_tiers_bytes.to_string()>{move || targets::fmt_bytes(live.get().all_tiers_bytes)}</span></div>
                <div><span class="k">"Call + hand-off"</span><span class="v">{move || format!("{:.2} µs", live.get().overhead_us)}</span></div>
                <div><span class="k">"Timer"</span><span class="v">{move || live.get().timer_note.clone()}</span></div>
            </div>
            <p class="muted op-def">
                "One op = one neuron update in the LIF step (leak, synaptic input, drive, threshold, refractory, trace), "
                "counted per second of time spent in the LIF and STDP kernels at the current N. "
                "Synaptic events/s = spikes × N outgoing weights added per second of that time."
            </p>
            <h3>"Kernel modules"</h3>
            <table class="tiers">
                <thead><tr><th>"Tier"</th><th>"State"</th><th>"fetch ms"</th><th>"compile ms"</th><th>"instantiate ms"</th><th>"total ms"</th></tr></thead>
                <tbody>{tier_rows}</tbody>
            </table>
            <h3>"Targets"</h3>
            <table class="targets" data-testid="targets">
                <thead><tr><th>"Target"</th><th>"Goal"</th><th>"Measured"</th><th>"Margin"</th><th>""</th><th>""</th></tr></thead>
                <tbody>{target_view}</tbody>
            </table>
            {children.map(|c| c())}
        </section>
    }
}
