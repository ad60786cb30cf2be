//! "Largest N at 60 fps" per tier and thread count: a button (or `?sweep=on`) starts the sweep
//! (`sweep_run`: a benchmark Web Worker of its own; the animation keeps running), with progress
//! and cancel; the result is one horizontal bar per tier, then one per thread count, in HTML.
use crate::features::bench::roofline_view::RooflineReading;
use crate::features::headline::Headline;
use crate::features::sweep::run;
use crate::features::sweep::{
    self, SweepRun, SweepState, TierResult, THREADS_BUDGET_MS, TIME_BOUND_MS,
};
use crate::runtime::controller::LiveStats;
use crate::runtime::params::Settings;
use crate::util::fmt::fmt_ms;
use leptos::prelude::*;

/// One row's bar, its length against `max_n`, the largest size the sweep tries.
fn bar(r: TierResult, max_n: u32) -> impl IntoView {
    let limit = max_n;
    let max_n = f64::from(max_n);
    let (n, pct, label) = match (&r.largest, &r.unavailable) {
        (_, Some(why)) => (0, 0.0, format!("not measured: {why}")),
        (Some((n, ms)), None) => (
            *n,
            100.0 * *n as f64 / max_n,
            format!(
                "{}N {}{n} · {} per frame{}",
                if r.unfinished { "so far " } else { "" },
                if r.at_limit || r.unfinished {
                    "≥ "
                } else {
                    "= "
                },
                fmt_ms(*ms),
                if r.at_limit {
                    format!(" ({limit} is the largest N of this weight storage)")
                } else {
                    String::new()
                }
            ),
        ),
        (None, None) => (
            0,
            0.0,
            match &r.missed {
                Some((m, Ok(ms))) => {
                    format!("none: N = {m} already takes {} per frame", fmt_ms(*ms))
                }
                Some((m, Err(e))) => format!("none: N = {m} failed ({e})"),
                None if r.unfinished => "no size timed yet".into(),
                None => "not measured".into(),
            },
        ),
    };
    let next = match &r.missed {
        Some((m, Ok(ms))) if r.largest.is_some() => {
            format!("next size N = {m}: {}", fmt_ms(*ms))
        }
        Some((m, Err(e))) if r.largest.is_some() => format!("next size N = {m}: {e}"),
        _ if r.unfinished => {
            "the sweep stopped before this row missed: larger sizes not timed".into()
        }
        _ => String::new(),
    };
    let (side, k) = (r.side, r.side.tier);
    let aria = format!("{side}: {label} {next}");
    view! {
        <div class="sweep-bar" data-testid="sweep-bar" data-tier=k.key() data-n=n.to_string()
            data-threads=side.threads.to_string()
            data-unfinished=r.unfinished.to_string()
            role="img" aria-label=aria>
            <span class="sweep-name">{side.label()}</span>
            <span class="sweep-track">
                <span class=format!("sweep-fill tier-{}", k.key()) style:width=format!("{pct:.1}%")></span>
            </span>
            <span class="sweep-value">{label}<span class="muted sweep-next">{next}</span></span>
        </div>
    }
}

/// What the rows on threads time, or why there are none.
fn threads_about(run: &SweepRun) -> String {
    let counts = run
        .thread_counts
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    match &run.threads_off {
        Some(why) => format!("No rows on threads: {why}."),
        None => format!(
            "After the tiers at each size, {} on {counts} threads: the same frame split over workers that each own \
             their columns of the network (as the page's threads run it), the spikes exchanged every step; the median \
             of the same number of frames after the same warm-up, timed by the first thread.",
            run.threads_tier.label()
        ),
    }
}

#[component]
pub fn SweepView(
    live: ReadSignal<LiveStats>,
    settings: ReadSignal<Settings>,
    headline: ReadSignal<Headline>,
    /// The roofline's reading of the last benchmark run (`BenchState::live_reading`).
    roof_reading: Signal<Option<String>>,
) -> impl IntoView {
    let state = RwSignal::new(SweepState::default());
    let begin = move || {
        let s = settings.get_untracked();
        if let Err(e) = live.with_untracked(|l| run::start(state, &s, l)) {
            state.update(|st| st.stop(&e));
        }
    };
    // `?sweep=on`: start once the page has measured its frame (the budget needs it) and the
    // headline's own timing is over (its timed copies would count as this page's frame).
    let auto = StoredValue::new(settings.get_untracked().sweep);
    Effect::new(move |_| {
        let measured = live.with(|l| l.budget.total_ms() > 0.0 && l.lif_ms > 0.0);
        let headline_done = headline.with(|h| h.measuring.is_none() && !h.tiers.is_empty());
        if auto.get_value() && measured && headline_done {
            auto.set_value(false);
            begin();
        }
    });
    on_cleanup(run::stop);
    let cancel = move |_| {
        run::stop();
        state.update(|s| s.stop("cancelled"));
    };
    let progress = move || {
        state.with(|s| match (s.running, s.progress) {
            (true, Some((side, n, done, total))) => format!(
                "{done}/{total} cases ({:.0} %): {}",
                100.0 * done as f64 / total.max(1) as f64,
                if side.threads > 1 {
                    format!("timing {side} at N = {n}…")
                } else {
                    format!("timing every tier still in at N = {n}, taking turns frame by frame…")
                }
            ),
            _ => s.message.clone().unwrap_or_else(|| "not run yet".into()),
        })
    };
    let bars = move || {
        state.with(|s| {
            (s.finished || s.running || !s.points.is_empty()).then(|| {
                let max = s.run.as_ref().map_or(4096, SweepRun::max_size);
                s.results().into_iter().map(|r| bar(r, max)).collect_view()
            })
        })
    };
    let budget = move || {
        state.with(|s| {
            s.budget
                .as_ref()
                .map(|b| {
                    format!(
                        "60 fps budget for LIF + STDP: {}. On threads: {THREADS_BUDGET_MS:.1} ms, the whole frame \
                         (the threads step while the page's thread draws).",
                        b.how
                    )
                })
        })
    };
    // The run being (or last) measured, or the sliders as they are before any run.
    let about = move || {
        let run = state
            .with(|st| st.run.clone())
            .unwrap_or_else(|| settings.with(|s| SweepRun::of(s, run::thread_env())));
        let which = if state.with(|st| st.run.is_some()) {
            "this sweep's"
        } else {
            "the current"
        };
        format!(
            "For each tier, one frame of this simulation ({} settings: {} steps of 1 ms, LIF + STDP {}, agents of N / {}, \
             seed {}, drive {} Hz, {} weights) is timed in a benchmark worker at N = {} to {} in steps of {}: {} warm-up frames, then the median of {} frames, \
             the tiers taking turns frame by frame so a passing load falls on all alike; a tier stops at its first size that \
             misses. {} Bounded: the sweep stops after {:.0} s. The page keeps animating meanwhile (it competes for the same cores).",
            which,
            run.steps,
            if run.stdp { "on" } else { "off" },
            run.agents,
            run.seed,
            run.drive_hz,
            run.weights.key(),
            sweep::SIZE_STEP,
            run.max_size(),
            sweep::SIZE_STEP,
            sweep::warmup_frames(run.steps),
            sweep::TIMED_FRAMES,
            threads_about(&run),
            TIME_BOUND_MS / 1000.0
        )
    };
    view! {
        <section class="sweep" data-testid="sweep" aria-label="largest N at 60 fps per tier"
            data-running=move || state.with(|s| s.running.to_string())
            data-finished=move || state.with(|s| s.finished.to_string())>
            <h2>"Largest N at 60 fps"</h2>
            <div class="sweep-controls">
                <button data-testid="sweep-run" disabled=move || state.with(|s| s.running)
                    on:click=move |_| begin()>"Run sweep"</button>
                <button data-testid="sweep-cancel" disabled=move || state.with(|s| !s.running)
                    on:click=cancel>"Cancel"</button>
                <span data-testid="sweep-status" class="sweep-status" aria-live="polite">{progress}</span>
            </div>
            <p class="sweep-budget" data-testid="sweep-budget">{budget}</p>
            <div class="sweep-bars" data-testid="sweep-bars">{bars}</div>
            <p class="muted sweep-about" data-testid="sweep-about">{about}</p>
            <RooflineReading reading=roof_reading testid="sweep-roofline-reading"/>
        </section>
    }
}
