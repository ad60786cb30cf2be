//! Tier selector, play/pause/step/reset and the sliders. Controls only send `Command`s; the
//! frame loop applies them, so the engine is changed in exactly one place.
use crate::runtime::controller::{Command, CommandQueue};
use crate::runtime::params::{
    Settings, WeightStorage, AGENTS_RANGE, DRIVE_RANGE, N_RANGE, STEPS_RANGE, THREADS_RANGE,
};
use crate::tiers::loader::TierStatus;
use crate::tiers::tier::TierKind;
use leptos::prelude::*;

#[component]
pub fn Controls(
    statuses: ReadSignal<Vec<TierStatus>>,
    active: ReadSignal<Option<TierKind>>,
    settings: ReadSignal<Settings>,
    running: ReadSignal<bool>,
) -> impl IntoView {
    let queue = CommandQueue::from_context();
    let send = move |c: Command| queue.send(c);
    let options = move || {
        TierKind::ALL
            .into_iter()
            .enumerate()
            .map(|(i, kind)| {
                let st = statuses.get().into_iter().find(|s| s.kind == kind);
                let reason = st.as_ref().and_then(|s| s.reason().map(str::to_string));
                let loading = st.is_none();
                let title = reason.clone().unwrap_or_else(|| {
                    if loading {
                        "loading…".into()
                    } else {
                        format!("key {}", i + 1)
                    }
                });
                let label = match (&reason, loading) {
                    (Some(_), _) => format!("{} (unavailable)", kind.label()),
                    (None, true) => format!("{} (loading)", kind.label()),
                    _ => kind.label().to_string(),
                };
                view! {
                    <option value=kind.key() disabled=reason.is_some() || loading title=title
                        selected=move || active.get() == Some(kind)>{label}</option>
                }
            })
            .collect_view()
    };
    view! {
        <section class="controls" aria-label="simulation controls">
            <label>"Tier "
                <select data-testid="tier-select"
                    prop:value=move || active.get().map(|t| t.key()).unwrap_or("simd")
                    on:change=move |ev| {
                        if let Some(t) = TierKind::from_key(&event_target_value(&ev)) { send(Command::SetTier(t)) }
                    }>
                    {options}
                </select>
            </label>
            <button data-testid="play-pause" on:click=move |_| send(Command::TogglePlay)>
                {move || if running.get() { "Pause" } else { "Play" }}
            </button>
            <button data-testid="step" on:click=move |_| send(Command::Step) disabled=move || running.get()>"Step"</button>
            <label>"Seed "
                <input type="number" data-testid="seed" min="0" prop:value=move || settings.get().seed
                    on:change=move |ev| send(Command::Configure(vec![("seed".into(), event_target_value(&ev))])) />
            </label>
            <button data-testid="reset" on:click=move |_| send(Command::Configure(vec![]))>"Reset"</button>
            <label>"Neurons "<b>{move || settings.get().n}</b>
                <input type="range" data-testid="n" min=N_RANGE.0 max=move || settings.get().weights.max_n() step="64" prop:value=move || settings.get().n
                    on:change=move |ev| send(Command::Configure(vec![("n".into(), event_target_value(&ev))])) />
            </label>
            <label title="How the N² synaptic weights are stored, in every tier: f32, or 16-bit bfloat16 (half the bytes; up to N = 8192)">"Weights "
                <select data-testid="weights" prop:value=move || settings.get().weights.key()
                    on:change=move |ev| send(Command::Configure(vec![("weights".into(), event_target_value(&ev))]))>
                    {WeightStorage::ALL.into_iter().map(|w| view! {
                        <option value=w.key() selected=move || settings.get().weights == w>{w.key()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label title="Threads the live simulation runs on: 1 is the page's own; k ≥ 2 are workers that each own a part of the network and exchange spikes every step (the same spikes as one thread). Wasm tiers (f32 or bf16 weights), on a cross-origin isolated page; otherwise the page says why and runs one.">"Threads "
                <select data-testid="threads" prop:value=move || settings.get().threads.to_string()
                    on:change=move |ev| send(Command::Configure(vec![("threads".into(), event_target_value(&ev))]))>
                    {(THREADS_RANGE.0..=thread_choices()).map(|k| view! {
                        <option value=k.to_string() selected=move || settings.get().threads == k>{k.to_string()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Agents "<b>{move || settings.get().agents}</b>
                <input type="range" data-testid="agents" min=AGENTS_RANGE.0 max=AGENTS_RANGE.1 prop:value=move || settings.get().agents
                    on:change=move |ev| send(Command::Configure(vec![("agents".into(), event_target_value(&ev))])) />
            </label>
            <label>"Drive "<b>{move || settings.get().drive_hz}</b>" Hz"
                <input type="range" data-testid="drive" min=DRIVE_RANGE.0 max=DRIVE_RANGE.1 prop:value=move || settings.get().drive_hz
                    on:change=move |ev| send(Command::Configure(vec![("drive".into(), event_target_value(&ev))])) />
            </label>
            <label>"Steps/frame "<b>{move || settings.get().steps}</b>
                <input type="range" data-testid="steps" min=STEPS_RANGE.0 max=STEPS_RANGE.1 prop:value=move || settings.get().steps
                    on:change=move |ev| send(Command::Configure(vec![("steps".into(), event_target_value(&ev))])) />
            </label>
            <label>
                <input type="checkbox" data-testid="stdp" prop:checked=move || settings.get().stdp
                    on:change=move |ev| send(Command::Configure(vec![("stdp".into(), if event_target_checked(&ev) { "on" } else { "off" }.into())])) />
                " STDP"
            </label>
            <span class="muted keys">"Keys: space play/pause · → step · 1–4 tier"</span>
        </section>
    }
}

/// The most threads the control offers: the cores the browser reports (at least 2, so the
/// choice is there to try on any machine; at most the setting's bound).
fn thread_choices() -> u32 {
    crate::util::browser::cores().clamp(2, THREADS_RANGE.1)
}
