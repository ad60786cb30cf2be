//! The page's layout. State lives in `driver::Ui` (signals) and `controller::Controller`
//! (the frame loop); views get the command queue from context.
use crate::features::bench::panel::BenchPanel;
use crate::features::bench::run::BenchState;
use crate::features::bench::run::BenchWorker;
use crate::features::compare::view::CompareView;
use crate::features::headline::view::HeadlineView;
use crate::features::live::{
    mesh::MeshView, panel::PerfPanel, raster::RasterView, status_line::StatusLine,
};
use crate::features::race::view::RaceView;
use crate::features::sweep::view::SweepView;
use crate::features::targets;
use crate::runtime::controller::{Command, CommandQueue};
use crate::runtime::driver::{self, Ui};
use crate::runtime::notices::Notices;
use crate::runtime::url::url_settings;
use crate::ui::{controls::Controls, error_banner::ErrorBanner, header::Header};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let (settings, notices) = url_settings();
    let simd_off = settings.simd_off;
    let debug = settings.debug;
    let autorun = settings.bench.map(|b| b.key().to_string());
    let ui = Ui::new(settings, notices);
    let queue = CommandQueue::new();
    provide_context(queue);
    let worker = BenchWorker;
    driver::bind_keys(queue, ui.presenter);
    driver::start(ui, queue, autorun, worker);

    let measured = ui.measured;
    let target_rows = Signal::derive(move || measured.with(targets::evaluate));
    let source_note = Signal::derive(move || measured.with(targets::source_note));
    let notices = ui.notices;
    let bench = ui.bench;
    let roof_reading = Signal::derive(move || bench.with(BenchState::live_reading));
    view! {
        <ErrorBanner error=ui.error />
        <Header active=ui.active.read_only() presenter=ui.presenter />
        <HeadlineView headline=ui.headline.read_only() roof_reading />
        <div class="notices" data-testid="notices" role="region" aria-label="notices" hidden=move || notices.with(Notices::is_empty)>
            <ul>{move || notices.with(|n| n.iter().map(|n| view! { <li>{n}</li> }).collect_view())}</ul>
            <button on:click=move |_| notices.set(Notices::new())>"Dismiss"</button>
        </div>
        <Controls statuses=ui.statuses.read_only() active=ui.active.read_only() settings=ui.settings.read_only() running=ui.running.read_only() />
        <StatusLine live=ui.live.read_only() />
        <main class="stage">
            <MeshView canvas_ref=ui.mesh />
            <RasterView canvas_ref=ui.raster />
        </main>
        <RaceView race=ui.race statuses=ui.statuses.read_only() />
        <SweepView live=ui.live.read_only() settings=ui.settings.read_only() headline=ui.headline.read_only() roof_reading />
        <PerfPanel live=ui.live.read_only() statuses=ui.statuses.read_only() target_rows=target_rows source_note=source_note forms=ui.forms.read_only()>
            <BenchPanel bench=ui.bench measured=measured frames=ui.frames.read_only() running=ui.running.read_only() simd_off=simd_off worker=worker settings=ui.settings.read_only() />
        </PerfPanel>
        <CompareView bench=ui.bench />
        {debug.then(|| view! {
            <button class="debug" data-testid="debug-nan" on:click=move |_| queue.send(Command::InjectNan)>
                "Write NaN into the state (debug)"
            </button>
            <button class="debug" data-testid="debug-panic" on:click=move |_| queue.send(Command::Panic)>
                "Trigger a panic (debug)"
            </button>
        })}
    }
}
