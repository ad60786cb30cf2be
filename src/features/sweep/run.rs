//! The sweep's worker (`sweep.rs` is its model, `src/features/sweep/view.rs` binds both): starts the
//! sweep in a benchmark worker of its own, feeds its messages to the `SweepState`, and ends it
//! when it is over, cancelled, failed, or past its time bound.
use crate::features::sweep::{
    kernel_budget, SweepMsg, SweepRequest, SweepRun, SweepState, ThreadEnv, TIME_BOUND_MS,
};
use crate::runtime::controller::LiveStats;
use crate::runtime::params::Settings;
use crate::util::worker::{self, WorkerEvent, WorkerSlot};
use leptos::prelude::*;

/// Past the worker's own time bound, how long the page waits for its last word before it
/// ends the sweep itself (a worker stuck in a case never reaches its bound check).
const BOUND_GRACE_MS: f64 = 10_000.0;

thread_local! {
    /// The sweep's worker while it runs.
    static WORKER: WorkerSlot<SweepMsg> = const { WorkerSlot::new() };
}

/// Where this page can run the sweep's threads.
pub fn thread_env() -> ThreadEnv {
    ThreadEnv {
        cores: crate::util::browser::cores(),
        can_share_memory: crate::runtime::live_threads::page_can_share_memory(),
    }
}

/// Stops the sweep's worker, if any; it reports nothing more (the caller says why in the
/// state).
pub fn stop() {
    WORKER.with(WorkerSlot::stop);
}

/// Starts a sweep of `settings` within the 60 fps budget left by this page's frame (`live`);
/// a sweep before it stops. `Err`: the worker could not be started, and why.
pub fn start(
    state: RwSignal<SweepState>,
    settings: &Settings,
    live: &LiveStats,
) -> Result<(), String> {
    stop();
    let budget = kernel_budget(live);
    let run = SweepRun::of(settings, thread_env());
    let request = worker::to_js(&SweepRequest {
        forms: crate::tiers::forms::running(),
        ..SweepRequest::new(settings, budget.ms, &run)
    })?;
    state.set(SweepState::starting(budget, run));
    let client = WORKER.with(|slot| {
        slot.start(
            "js/bench/bench-worker.js",
            "the sweep worker",
            &request,
            move |ev| match ev {
                WorkerEvent::Message(msg) => {
                    let mut over = false;
                    state.update(|s| over = s.apply(msg));
                    if over {
                        stop();
                    }
                }
                WorkerEvent::Failed(why) => {
                    state.update(|s| s.stop(&format!("{why}; Run sweep tries again")));
                }
            },
        )
    })?;
    // The page's own bound: the worker checks the time between cases; if it never answers,
    // the sweep still ends, with what was measured.
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new((TIME_BOUND_MS + BOUND_GRACE_MS) as u32).await;
        let still = WORKER.with(|slot| slot.running().is_some_and(|w| w.same(&client)));
        if still {
            stop();
            state.update(|s| {
                let what = s
                    .progress
                    .map(|(side, n, ..)| format!(" (it was timing {side} at N = {n})"))
                    .unwrap_or_default();
                s.stop(&format!(
                    "stopped: the worker did not finish within its {:.0} s bound{what}",
                    TIME_BOUND_MS / 1000.0
                ))
            });
        }
    });
    Ok(())
}
