use crate::tier::TierKind;
use leptos::prelude::*;

#[component]
pub fn Header(active: ReadSignal<Option<TierKind>>) -> impl IntoView {
    view! {
        <header class="top">
            <h1>"SASI Lab"</h1>
            <p class="tagline">"Spiking agents, SIMD kernels — every number measured in this page"</p>
            <div class="active-tier" data-testid="active-tier">
                "Active tier: "
                <strong>{move || active.get().map(|t| t.label()).unwrap_or("loading…")}</strong>
            </div>
        </header>
    }
}
