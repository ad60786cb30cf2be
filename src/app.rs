//! The app: owns the signals and the engine, loads the tiers, runs the frame loop.
use crate::browser::{js_heap_bytes, now_ms, timer_resolution_us, window};
use crate::controller::{Command, LiveStats};
use crate::engine::Engine;
use crate::loader::{self, TierStatus};
use crate::memory::MemoryParts;
use crate::params::Settings;
use crate::targets::{self, Measured};
use crate::tier::TierKind;
use crate::url::{url_flag, url_pairs, write_url};
use crate::views::{
    bench_panel::{BenchPanel, BenchState, BenchWorker},
    controls::Controls,
    error_banner::ErrorBanner,
    header::Header,
    mesh_view,
    mesh_view::MeshView,
    perf_panel::PerfPanel,
    raster_view,
    raster_view::RasterPixels,
    raster_view::RasterView,
    status_line::StatusLine,
};
use js_sys::Reflect;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The whole page's memory now: the app's wasm memory, every loaded kernel module's memory,
/// the benchmark worker's while it runs, and the JS heap (or, where the browser hides it, the
/// JS tier's live buffers).
fn page_memory(tiers: &[(TierKind, Rc<crate::tier::Tier>)], worker_wasm: f64) -> MemoryParts {
    let mut parts = MemoryParts {
        app_wasm: crate::bridge::app_memory_bytes(),
        worker_wasm,
        js_heap: js_heap_bytes(),
        ..MemoryParts::default()
    };
    for kind in TierKind::ALL {
        if let Some((_, t)) = tiers.iter().find(|(k, _)| *k == kind) {
            match kind {
                TierKind::Js => parts.js_tier_bytes = t.memory_bytes(),
                _ => parts.tiers.push((kind.key().to_string(), t.memory_bytes())),
            }
        }
    }
    parts
}

/// A tier that finished loading again: the tier, or why it still cannot run.
type Arrival = (TierKind, Result<Rc<crate::tier::Tier>, String>);
/// The frame callback, kept alive while it re-registers itself.
type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

thread_local! {
    /// Tiers loaded again from the panel's Retry button, waiting for the frame loop.
    static ARRIVALS: RefCell<Vec<Arrival>> = const { RefCell::new(Vec::new()) };
}

/// Calls `tick` on every animation frame, forever.
fn start_frame_loop(mut tick: impl FnMut(f64) + 'static) {
    let slot: FrameCallback = Rc::new(RefCell::new(None));
    let again = Rc::clone(&slot);
    *slot.borrow_mut() = Some(Closure::new(move |t: f64| {
        tick(t);
        if let Some(cb) = again.borrow().as_ref() {
            let _ = window().request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }));
    let first = slot.borrow();
    if let Some(cb) = first.as_ref() {
        let _ = window().request_animation_frame(cb.as_ref().unchecked_ref());
    }
}

/// Rolling per-frame figures between two refreshes of `LiveStats`.
#[derive(Default)]
struct Meter {
    frames: VecDeque<f64>,
    since: f64,
    spikes: u64,
    steps: u64,
    kernel_ms: f64,
    lif_ms: f64,
    agents_ms: f64,
    frames_in_window: u32,
    overhead_us: f64,
    last_probe: f64,
}

#[component]
pub fn App() -> impl IntoView {
    let (settings0, notices0) =
        Settings::from_pairs(url_pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let settings = RwSignal::new(settings0.clone());
    let notices = RwSignal::new(notices0);
    let (statuses, set_statuses) = signal(Vec::<TierStatus>::new());
    let (active, set_active) = signal(None::<TierKind>);
    let (running, set_running) = signal(true);
    let (live, set_live) = signal(LiveStats::default());
    let error = RwSignal::new(None::<String>);
    let measured = RwSignal::new(Measured::default());
    let commands = StoredValue::new(Vec::<Command>::new());
    let mesh_ref = NodeRef::<Canvas>::new();
    let raster_ref = NodeRef::<Canvas>::new();
    let debug = url_flag("debug").unwrap_or_default();
    let bench = RwSignal::new(BenchState::default());
    let (frames, set_frames) = signal(Vec::<(f64, f64, TierKind)>::new());
    let worker = BenchWorker;
    let simd_off = settings0.simd_off;
    let autorun = url_flag("bench").filter(|v| v == "quick" || v == "full");
    let worker_for_autorun = worker;

    let target_rows = Signal::derive(move || measured.with(targets::evaluate));
    let source_note = Signal::derive(move || measured.with(targets::source_note));

    // Keyboard: space = play/pause, → = step, 1–4 = tier.
    let key_handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let in_field = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
            .unwrap_or(false);
        if in_field {
            return;
        }
        let cmd = match ev.key().as_str() {
            " " => Some(Command::TogglePlay),
            "ArrowRight" => Some(Command::Step),
            k @ ("1" | "2" | "3" | "4") => Some(Command::SetTier(
                TierKind::ALL[k.parse::<usize>().unwrap_or(1) - 1],
            )),
            _ => None,
        };
        if let Some(c) = cmd {
            ev.prevent_default();
            commands.update_value(|q| q.push(c));
        }
    });
    on_cleanup(move || key_handle.remove());

    spawn_local(async move {
        let loaded = loader::load_all(settings0.simd_off).await;
        let statuses_now: Vec<TierStatus> = loaded.iter().map(|(s, _)| s.clone()).collect();
        let tiers: Vec<_> = loaded
            .into_iter()
            .filter_map(|(s, t)| t.map(|t| (s.kind, t)))
            .collect();
        set_statuses.set(statuses_now.clone());
        // The target is about kernel modules: the wasm tiers (the JS tier's import is shown too).
        let max_load = tiers
            .iter()
            .filter(|(k, _)| *k != TierKind::Js)
            .map(|(_, t)| t.load.total_ms)
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
        measured.update(|m| m.max_module_load_ms = max_load);
        let mut s = settings.get_untracked();
        let engine = match Engine::new(s.clone(), tiers, statuses_now) {
            Ok(e) => e,
            Err(msg) => {
                error.set(Some(format!("Cannot start the simulation: {msg}")));
                return;
            }
        };
        if engine.active() != s.tier {
            let why = engine
                .statuses
                .iter()
                .find(|st| st.kind == s.tier)
                .and_then(|st| st.reason().map(str::to_string));
            notices.update(|n| {
                n.push(format!(
                    "{} is unavailable ({}); running {}",
                    s.tier.label(),
                    why.unwrap_or_default(),
                    engine.active().label()
                ))
            });
            s.tier = engine.active();
            settings.set(s.clone());
        }
        set_active.set(Some(engine.active()));
        write_url(&s);
        let timer_us = timer_resolution_us();
        let isolated = Reflect::get(&window(), &"crossOriginIsolated".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let timer_note = format!(
            "{timer_us:.0} µs resolution, {}",
            if isolated {
                "cross-origin isolated"
            } else {
                "not isolated"
            }
        );

        if let Some(set) = autorun {
            if let Err(e) = worker_for_autorun.start(&set, simd_off, true, bench, measured) {
                bench.update(|b| {
                    b.message = Some(format!("cannot start the benchmark worker: {e}"))
                });
            }
        }
        let engine = Rc::new(RefCell::new(engine));
        let mut frame_log: VecDeque<(f64, f64, TierKind)> = VecDeque::new();
        let mut last_frame = now_ms();
        let mut pixels = RasterPixels::default();
        let mut meter = Meter {
            since: now_ms(),
            ..Meter::default()
        };
        let mut playing = true;
        start_frame_loop(move |_t| {
            let mut e = engine.borrow_mut();
            let mut step_once = false;
            for (kind, result) in ARRIVALS.with(|a| std::mem::take(&mut *a.borrow_mut())) {
                let state = match result {
                    Ok(t) => {
                        let timing = t.load;
                        e.tiers.retain(|(k, _)| *k != kind);
                        e.tiers.push((kind, t));
                        loader::TierState::Loaded(timing)
                    }
                    Err(reason) => loader::TierState::Unavailable(reason),
                };
                for st in e.statuses.iter_mut().filter(|st| st.kind == kind) {
                    st.state = state.clone();
                }
                set_statuses.set(e.statuses.clone());
            }
            for cmd in commands
                .try_update_value(std::mem::take)
                .unwrap_or_default()
            {
                match cmd {
                    Command::TogglePlay => playing = !playing,
                    Command::Step => step_once = true,
                    Command::SetTier(k) => match e.switch_tier(k) {
                        Ok(()) => {
                            set_active.set(Some(k));
                            settings.update(|s| s.tier = k);
                            write_url(&e.settings);
                        }
                        Err(msg) => {
                            notices.update(|n| n.push(format!("cannot switch to {k}: {msg}")))
                        }
                    },
                    Command::Configure(pairs) => {
                        let cur = e.settings.clone();
                        let mut all: Vec<(String, String)> = pairs.clone();
                        let base = cur.to_query();
                        for kv in base.trim_start_matches('?').split('&') {
                            if let Some((k, v)) = kv.split_once('=') {
                                if !all.iter().any(|(key, _)| key == k) {
                                    all.push((k.to_string(), v.to_string()));
                                }
                            }
                        }
                        let (new, notes) =
                            Settings::from_pairs(all.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                        notices.update(|n| n.extend(notes));
                        let reshape = pairs.is_empty()
                            || new.n != cur.n
                            || new.agents != cur.agents
                            || new.seed != cur.seed;
                        if reshape {
                            if let Err(msg) = e.reset(new.clone()) {
                                error.set(Some(format!("reset failed: {msg}")));
                            }
                        } else {
                            e.settings = new.clone();
                            e.sim.set_drive(new.drive_hz);
                        }
                        settings.set(e.settings.clone());
                        write_url(&e.settings);
                    }
                    Command::RetryTier(kind) => {
                        for st in e.statuses.iter_mut().filter(|st| st.kind == kind) {
                            st.state = loader::TierState::Unavailable("retrying…".into());
                        }
                        set_statuses.set(e.statuses.clone());
                        let simd_off = e.settings.simd_off;
                        spawn_local(async move {
                            let r = loader::load_tier(kind, simd_off).await;
                            ARRIVALS.with(|a| a.borrow_mut().push((kind, r)));
                        });
                    }
                    Command::InjectNan => e.sim.inject_nan(),
                    Command::Panic => {
                        panic!("debug switch: deliberate panic to test the error banner")
                    }
                }
            }
            set_running.set(playing);
            let hidden = window().document().map(|d| d.hidden()).unwrap_or(false);
            if (playing && !hidden) || step_once {
                let steps = if step_once && !playing {
                    1
                } else {
                    e.settings.steps
                };
                if let Err(f) = e.frame(steps) {
                    error.set(Some(format!("The simulation stopped: {f}")));
                    playing = false;
                }
                meter.spikes += e.last.spikes as u64;
                meter.steps += e.last.steps as u64;
                meter.kernel_ms += e.times.lif_stdp_ms + e.times.agents_ms + e.times.mesh_ms;
                meter.lif_ms += e.times.lif_stdp_ms;
                meter.agents_ms += e.times.agents_ms;
                meter.frames_in_window += 1;
            }
            if let Some(c) = mesh_ref.get_untracked() {
                mesh_view::draw(&c, &e);
            }
            if let Some(c) = raster_ref.get_untracked() {
                raster_view::draw(&c, &e, &mut pixels);
            }
            let now = now_ms();
            if playing && !hidden {
                frame_log.push_back((now / 1000.0, now - last_frame, e.active()));
            }
            last_frame = now;
            while frame_log.front().is_some_and(|f| now / 1000.0 - f.0 > 60.0) {
                frame_log.pop_front();
            }
            meter.frames.push_back(now);
            while meter.frames.front().is_some_and(|&t| now - t > 1000.0) {
                meter.frames.pop_front();
            }
            if now - meter.last_probe > 2000.0 {
                meter.last_probe = now;
                if let Ok((call, handoff)) = e.sim.probe_overhead(200, now_ms) {
                    meter.overhead_us = call + handoff;
                }
            }
            let window_ms = now - meter.since;
            if window_ms >= 500.0 {
                let f = meter.frames_in_window.max(1) as f64;
                let fps = if meter.frames.len() > 1 {
                    (meter.frames.len() - 1) as f64 * 1000.0 / (now - meter.frames[0]).max(1.0)
                } else {
                    0.0
                };
                let n = e.sim.n as f64;
                let lif_s = meter.lif_ms / 1000.0;
                let memory = page_memory(&e.tiers, bench.with_untracked(|b| b.worker_memory));
                let all_tiers: f64 = e.tiers.iter().map(|(_, t)| t.memory_bytes()).sum();
                let sim_s = meter.steps as f64 / 1000.0;
                let stats = LiveStats {
                    fps: if playing && !hidden { fps } else { 0.0 },
                    frame_ms: if fps > 0.0 { 1000.0 / fps } else { 0.0 },
                    sim_ms: meter.kernel_ms / f,
                    lif_ms: meter.lif_ms / f,
                    agents_ms: meter.agents_ms / f,
                    spikes_per_s: if sim_s > 0.0 {
                        meter.spikes as f64 / sim_s
                    } else {
                        0.0
                    },
                    ops_per_s: if lif_s > 0.0 {
                        n * meter.steps as f64 / lif_s
                    } else {
                        0.0
                    },
                    delivered_ops_per_s: if playing && !hidden {
                        n * meter.steps as f64 / (window_ms / 1000.0)
                    } else {
                        0.0
                    },
                    syn_events_per_s: if lif_s > 0.0 {
                        meter.spikes as f64 * n / lif_s
                    } else {
                        0.0
                    },
                    memory: memory.clone(),
                    all_tiers_bytes: all_tiers,
                    all_tiers_in_use: e.tiers.iter().map(|(_, t)| t.memory_in_use()).sum(),
                    overhead_us: meter.overhead_us,
                    efficiency: e.efficiency,
                    edges: e.edges.len(),
                    pruned: e.total_pruned,
                    sim_seconds: e.step as f64 / 1000.0,
                    timer_note: timer_note.clone(),
                    state_note: if hidden {
                        "paused: tab hidden".into()
                    } else if !playing {
                        "paused".into()
                    } else {
                        format!("{} steps of 1 ms per frame; a slow frame slows the clock, work never queues up", e.settings.steps)
                    },
                };
                measured.update(|m| {
                    m.memory = Some(memory);
                    if meter.overhead_us > 0.0 {
                        m.overhead_us = Some(meter.overhead_us);
                    }
                    if stats.ops_per_s > 0.0 {
                        m.ops_per_s = Some(stats.ops_per_s);
                    }
                    if stats.delivered_ops_per_s > 0.0 {
                        m.delivered_ops_per_s = Some(stats.delivered_ops_per_s);
                    }
                });
                set_live.set(stats);
                set_frames.set(frame_log.iter().copied().collect());
                meter.since = now;
                meter.spikes = 0;
                meter.steps = 0;
                meter.kernel_ms = 0.0;
                meter.lif_ms = 0.0;
                meter.agents_ms = 0.0;
                meter.frames_in_window = 0;
            }
        });
    });

    view! {
        <ErrorBanner error=error />
        <Header active=active />
        <div class="notices" data-testid="notices" hidden=move || notices.get().is_empty()>
            <ul>{move || notices.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            <button on:click=move |_| notices.set(vec![])>"Dismiss"</button>
        </div>
        <Controls statuses=statuses active=active settings=settings.read_only() running=running commands=commands />
        <StatusLine live=live />
        <main class="stage">
            <MeshView canvas_ref=mesh_ref />
            <RasterView canvas_ref=raster_ref />
        </main>
        <PerfPanel live=live statuses=statuses target_rows=target_rows source_note=source_note commands=commands>
            <BenchPanel bench=bench measured=measured frames=frames running=running simd_off=simd_off worker=worker />
        </PerfPanel>
        {(!debug.is_empty()).then(|| view! {
            <button class="debug" data-testid="debug-nan" on:click=move |_| commands.update_value(|q| q.push(Command::InjectNan))>
                "Write NaN into the state (debug)"
            </button>
            <button class="debug" data-testid="debug-panic" on:click=move |_| commands.update_value(|q| q.push(Command::Panic))>
                "Trigger a panic (debug)"
            </button>
        })}
    }
}
