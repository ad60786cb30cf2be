use crate::tiers::tier::TierKind;
use leptos::prelude::*;

#[component]
pub fn Header(
    active: ReadSignal<Option<TierKind>>,
    /// Presenter mode: headline and canvases fill the screen (key F, Esc to leave).
    presenter: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <header class="top">
            <h1>"SASI Lab"</h1>
            <p class="tagline">"Spiking agents, SIMD kernels — every number measured in this page"</p>
            <button data-testid="presenter" aria-pressed=move || presenter.get().to_string()
                title="Presenter mode (key F; Esc leaves): the headline and the canvases fill the screen, readouts large enough for a projector"
                on:click=move |_| presenter.update(|p| *p = !*p)>
                {move || if presenter.get() { "Leave presenter mode" } else { "Presenter mode (F)" }}
            </button>
            <div class="active-tier" data-testid="active-tier">
                "Active tier: "
                <strong>{move || active.get().map(|t| t.label()).unwrap_or("loading…")}</strong>
            </div>
        </header>
    }
}
