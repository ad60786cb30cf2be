use leptos::prelude::*;

/// Errors that reach the user: kernel faults, a NaN state, a tier that failed. A Rust panic
/// writes into the same element from the panic hook (`main.rs`).
#[component]
pub fn ErrorBanner(error: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <div class="error-banner" data-testid="error-banner" role="alert" hidden=move || error.get().is_none()>
            <span>{move || error.get().unwrap_or_default()}</span>
            <button on:click=move |_| error.set(None)>"Dismiss"</button>
            <a class="reload" href="">"Reload"</a>
        </div>
    }
}
