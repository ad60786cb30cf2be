//! The race: two tiers side by side on the same seed, each with its spike raster, simulated
//! clock, steps/s and kernel time, and the spike hashes at the latest checkpoint both reached.
//! The race itself runs in the frame loop (`src/features/race/mod.rs`, `Controller::tick`); this view sends
//! `StartRace`/`StopRace` and shows `RaceStatus`.
use crate::features::live::raster::{self, RasterPixels, RasterStyle};
use crate::features::race::{LiveLane, LiveRace, RaceStatus};
use crate::runtime::controller::{Command, CommandQueue};
use crate::runtime::params::RaceSide;
use crate::tiers::loader::TierStatus;
use crate::tiers::tier::TierKind;
use leptos::html::Canvas;
use leptos::prelude::*;
use std::cell::RefCell;
use web_sys::HtmlCanvasElement;

/// The race's signals and canvases (held by `driver::Ui`, written by the frame loop).
#[derive(Clone, Copy)]
pub struct RaceUi {
    pub status: RwSignal<Option<RaceStatus>>,
    pub canvases: [NodeRef<Canvas>; 2],
}

impl RaceUi {
    pub fn new() -> RaceUi {
        RaceUi {
            status: RwSignal::new(None),
            canvases: [NodeRef::new(), NodeRef::new()],
        }
    }

    /// Draws both sides' rasters while a race runs (called once per animation frame).
    pub fn draw(&self, race: Option<&LiveRace>) {
        let Some(race) = race else {
            return;
        };
        for (i, side) in race.sides.iter().enumerate() {
            if let Some(el) = self.canvases[i].get_untracked() {
                PIXELS.with(|p| draw_lane(&el, side, &mut p.borrow_mut()[i]));
            }
        }
    }
}

thread_local! {
    /// One reused pixel buffer and wall-clock window per side.
    static PIXELS: RefCell<[RasterPixels; 2]> = RefCell::new(Default::default());
}

/// A side's raster: the main view's raster (`raster_view::draw`) in its tier's hue, without
/// the rate strip.
fn draw_lane(el: &HtmlCanvasElement, side: &LiveLane, px: &mut RasterPixels) {
    let hue: [u8; 4] = match side.sim.tier.kind {
        TierKind::Js => [255, 159, 107, 255],
        TierKind::Scalar => [201, 165, 255, 255],
        TierKind::Simd => [94, 200, 255, 255],
        TierKind::Relaxed => [83, 209, 138, 255],
    };
    raster::draw(el, side.raster_frame(), RasterStyle::plain(hue), px);
}

/// "SIMD", or "SIMD × 2" on two threads.
fn short(k: TierKind, threads: u32) -> String {
    let name = crate::features::headline::short(k);
    if threads > 1 {
        format!("{name} × {threads}")
    } else {
        name.to_string()
    }
}

/// The sides a race can pick: every tier on the page's thread, and each wasm tier on two
/// threads (the same tier on one thread and on two: the same spikes, compared).
fn race_sides() -> impl Iterator<Item = RaceSide> {
    let threaded = TierKind::ALL
        .into_iter()
        .filter(|k| *k != TierKind::Js)
        .map(|tier| RaceSide { tier, threads: 2 });
    TierKind::ALL.into_iter().map(RaceSide::one).chain(threaded)
}

#[component]
pub fn RaceView(race: RaceUi, statuses: ReadSignal<Vec<TierStatus>>) -> impl IntoView {
    let queue = CommandQueue::from_context();
    let left = RwSignal::new(RaceSide::one(TierKind::Simd));
    let right = RwSignal::new(RaceSide::one(TierKind::Js));
    // The pair the URL asked for, once a race reports it (set only on a change: the status
    // is new every frame).
    Effect::new(move |_| {
        if let Some(s) = race.status.get() {
            let side = |i: usize| RaceSide {
                tier: s.sides[i].kind,
                threads: s.sides[i].threads,
            };
            for (sel, k) in [(left, side(0)), (right, side(1))] {
                if sel.get_untracked() != k {
                    sel.set(k);
                }
            }
        }
    });
    let status = race.status;
    let running = move || status.with(|s| s.as_ref().is_some_and(|s| s.running));
    let available = move |k: TierKind| {
        statuses.with(|st| st.iter().any(|s| s.kind == k && s.reason().is_none()))
    };
    let options = move |sel: RwSignal<RaceSide>| {
        race_sides()
            .map(|k| {
                view! {
                    <option value=k.key() disabled=move || !available(k.tier)
                        selected=move || sel.get() == k>{k.label()}</option>
                }
            })
            .collect_view()
    };
    let pick = move |sel: RwSignal<RaceSide>| {
        move |ev| {
            if let Some(k) = RaceSide::from_key(&event_target_value(&ev)) {
                sel.set(k);
            }
        }
    };
    let hash_line = move || {
        status.with(|s| {
            let s = s.as_ref()?;
            let (a, b) = (
                short(s.sides[0].kind, s.sides[0].threads),
                short(s.sides[1].kind, s.sides[1].threads),
            );
            Some(match s.common {
                Some((t, ha, hb)) => {
                    let equal = ha == hb;
                    view! {
                        <p class=if equal { "race-hash equal" } else { "race-hash differ" } data-testid="race-hash"
                            data-t=t.to_string() data-equal=equal.to_string() data-a=ha.short() data-b=hb.short()>
                            {format!("spike hash at t = {t} ms: {a} {} · {b} {} — {}", ha.short(), hb.short(),
                                if equal { "equal: both computed the same spikes" } else { "DIFFERENT" })}
                        </p>
                    }
                    .into_any()
                }
                None => view! {
                    <p class="race-hash" data-testid="race-hash" data-t="">
                        {format!("spike hashes: waiting for both sides to reach t = {} ms", crate::features::race::CHECKPOINT_STEPS)}
                    </p>
                }
                .into_any(),
            })
        })
    };
    let divergence = move || {
        status.with(|s| {
            s.as_ref().and_then(|s| s.first_divergence).map(|t| view! {
                <p class="race-diverged" data-testid="race-divergence" data-t=t.to_string()>
                    {format!("The two sides' spikes first differ at the checkpoint t = {t} ms (hashes every {} ms of simulated time).",
                        crate::features::race::CHECKPOINT_STEPS)}
                </p>
            })
        })
    };
    let about = move || {
        status.with(|s| match s.as_ref() {
            Some(s) => format!(
                "Same seed ({}), N = {}, each side may spend {:.0} ms of kernel time per animation frame and runs as many \
                 1 ms steps (LIF + STDP) as fit, at least one. The hash is FNV-1a over every step's index and spike \
                 indices; the hashes are compared at the latest {} ms checkpoint both sides have reached. A side on \
                 threads asks them each frame for as many steps as fit at its last frame's time per step.{}",
                s.seed, s.n, s.budget_ms, crate::features::race::CHECKPOINT_STEPS,
                if s.running {
                    " Changing N, agents, seed, drive or STDP (or Reset) starts the race again on the new \
                     settings; the URL always names the race that runs."
                } else {
                    ""
                }
            ),
            None => format!(
                "Pick two tiers and start: both run this simulation from the same seed, each with {:.0} ms of kernel \
                 time per frame; the slower one falls behind, the spike hash shows they compute the same spikes.",
                crate::features::race::BUDGET_MS
            ),
        })
    };
    view! {
        <section class="race" data-testid="race" aria-label="race of two tiers"
            data-running=move || running().to_string()>
            <h2>"Race"</h2>
            <div class="race-controls">
                <label>"Left "<select data-testid="race-left" on:change=pick(left)>{options(left)}</select></label>
                <label>"vs right "<select data-testid="race-right" on:change=pick(right)>{options(right)}</select></label>
                <button data-testid="race-start" disabled=move || left.get() == right.get()
                    on:click=move |_| queue.send(Command::StartRace(left.get_untracked(), right.get_untracked()))>
                    {move || if running() { "Restart race" } else { "Start race" }}
                </button>
                <button data-testid="race-stop" disabled=move || !running()
                    on:click=move |_| queue.send(Command::StopRace)>"Stop race"</button>
                <span class="race-state" data-testid="race-state">
                    {move || status.with(|s| match s {
                        Some(s) if s.running => "running — the main simulation is paused while the race runs".to_string(),
                        Some(s) => s.message.clone().unwrap_or_else(|| "stopped; the main simulation runs again".into()),
                        None => "not started".to_string(),
                    })}
                </span>
            </div>
            <div class="race-lanes" hidden=move || status.with(Option::is_none)>
                <RaceLane race i=0/>
                <RaceLane race i=1/>
            </div>
            {hash_line}
            {divergence}
            <p class="race-about muted">{about}</p>
        </section>
    }
}

/// One side of the race: its tier, simulated clock, raster and figures.
#[component]
fn RaceLane(race: RaceUi, i: usize) -> impl IntoView {
    let status = race.status;
    let side = move || status.with(|s| s.as_ref().map(|s| s.sides[i].clone()));
    view! {
        <div class="race-lane" data-testid=format!("race-lane-{i}")
            data-tier=move || side().map(|s| s.kind.key()).unwrap_or("")
            data-threads=move || side().map(|s| s.threads.to_string()).unwrap_or_default()>
            <div class="race-lane-head">
                <span class="race-tier">{move || side().map(|s| RaceSide { tier: s.kind, threads: s.threads }.label()).unwrap_or_else(|| "–".into())}</span>
                <span class="race-clock">"t = "
                    <b data-testid=format!("race-clock-{i}")
                        data-ms=move || side().map(|s| s.clock_ms.to_string()).unwrap_or_default()>
                        {move || side().map(|s| format!("{:.1}", s.clock_ms as f64 / 1000.0)).unwrap_or_default()}
                    </b>" s simulated"</span>
            </div>
            <canvas node_ref=race.canvases[i] data-testid=format!("race-canvas-{i}")
                aria-label=format!("spike raster of race side {}", i + 1)></canvas>
            <div class="race-figures">
                <span>"steps/s "<b data-testid=format!("race-steps-{i}")>
                    {move || side().map(|s| format!("{:.0}", s.steps_per_s)).unwrap_or_default()}</b></span>
                <span>"kernel "<b>{move || side().map(|s| format!("{:.2} ms", s.last_frame_ms)).unwrap_or_default()}</b>
                    {move || side().map(|s| format!(" for {} steps last frame", s.last_frame_steps)).unwrap_or_default()}</span>
                <span>"per step "<b>{move || side().and_then(|s| s.us_per_step).map(|u| format!("{u:.0} µs")).unwrap_or_else(|| "–".into())}</b></span>
            </div>
        </div>
    }
}
