//! The frame loop's logic as a plain type: [`Controller::tick`] applies the queued
//! [`Command`]s to the [`Engine`], runs a frame, meters it and says what changed
//! ([`Changes`]). It knows nothing of signals or canvases — `driver.rs` feeds it the clock and
//! the commands and applies its changes to the page — and the views know nothing of it: they
//! only push commands onto the [`CommandQueue`] they get from context.
use crate::features::headline::{Headline, Probe};
use crate::runtime::engine::Engine;
use crate::runtime::memory::MemoryParts;
use crate::runtime::params::{RaceSide, Settings};
use crate::runtime::sim::Sim;
use crate::tiers::loader::{TierState, TierStatus};
use crate::tiers::tier::{Fault, Tier, TierKind};
use crate::util::browser::js_heap_bytes;
use leptos::prelude::*;
use std::collections::VecDeque;
use std::rc::Rc;

/// What the controls and keys ask for; applied by the frame loop, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    SetTier(TierKind),
    TogglePlay,
    Step,
    /// Changed settings as raw `key=value` pairs (validated by `params`); empty = reset.
    Configure(Vec<(String, String)>),
    /// Loads a tier again (after a failed load), without reloading the page.
    RetryTier(TierKind),
    /// Hidden debug switches (`?debug=1`): a Rust panic, and a NaN written into the state.
    Panic,
    InjectNan,
    /// Races two tiers on this run's settings (`src/features/race/mod.rs`); the main simulation pauses.
    StartRace(RaceSide, RaceSide),
    StopRace,
}

/// The page's command queue, shared through `provide_context`: views `send`, the frame loop
/// `take`s everything queued once per frame.
#[derive(Clone, Copy)]
pub struct CommandQueue(StoredValue<Vec<Command>>);

impl CommandQueue {
    pub fn new() -> CommandQueue {
        CommandQueue(StoredValue::new(Vec::new()))
    }
    pub fn send(&self, c: Command) {
        self.0.update_value(|q| q.push(c));
    }
    pub fn take(&self) -> Vec<Command> {
        self.0.try_update_value(std::mem::take).unwrap_or_default()
    }
    /// The queue the app provided (every view lives under `App`, which provides it). A view
    /// outside `App` is a programming error, and says so: a queue of its own would take its
    /// commands and silently never deliver them.
    pub fn from_context() -> CommandQueue {
        expect_context::<CommandQueue>()
    }
}

/// Figures of the running simulation, refreshed about twice a second.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveStats {
    pub fps: f64,
    pub frame_ms: f64,
    pub sim_ms: f64,
    pub lif_ms: f64,
    /// LIF + STDP per simulated step, ms: median and quartiles over the window's frames (the
    /// measuring protocol of the benchmark's `live_step` row).
    pub lif_step_ms: Option<crate::util::stats::Spread>,
    pub agents_ms: f64,
    pub spikes_per_s: f64,
    /// Capacity: neuron updates per second of LIF + STDP kernel time.
    pub ops_per_s: f64,
    /// Delivered: neuron updates (steps × N) per second of wall-clock time while playing.
    pub delivered_ops_per_s: f64,
    pub syn_events_per_s: f64,
    /// The whole page's memory, part by part (`memory.total()` is the figure shown).
    pub memory: MemoryParts,
    /// Threads the live run is on (1: the page's own).
    pub threads: u32,
    /// The live run's spike hash at its latest checkpoint: (simulated ms, 16 hex digits).
    pub spike_check: Option<(u64, String)>,
    /// Bytes of the live run's N² weights, in its storage (the memory target grows with them).
    pub weight_bytes: f64,
    pub all_tiers_bytes: f64,
    /// Bytes in live allocations across all tiers.
    pub all_tiers_in_use: f64,
    pub overhead_us: f64,
    /// Its two parts: one kernel call, and reading a frame's results back.
    pub call_us: f64,
    pub handoff_us: f64,
    pub efficiency: f64,
    pub edges: usize,
    pub pruned: u64,
    pub sim_seconds: f64,
    pub timer_note: String,
    pub state_note: String,
    /// The mean frame of the window, part by part.
    pub budget: FrameBudget,
}

/// One frame's duration, stamped with the wall clock (s) and the tier that ran it.
pub type FrameSample = (f64, f64, TierKind);

/// What one tick changed, for the page to show. `None`/empty: unchanged.
#[derive(Debug, Default)]
pub struct Changes {
    pub statuses: Option<Vec<TierStatus>>,
    pub active: Option<TierKind>,
    /// The settings of what runs now, when they changed (`Controller::running_settings`):
    /// the controls show them and the address bar is written from them alone.
    pub settings: Option<Settings>,
    pub notices: Vec<String>,
    pub error: Option<String>,
    /// An error this controller reported that no longer holds (the run it stopped was reset):
    /// the page clears it if it still shows exactly this text.
    pub error_cleared: Option<String>,
    pub playing: bool,
    /// Refreshed about twice a second: the figures, and the last minute of frame times.
    pub live: Option<(LiveStats, Vec<FrameSample>)>,
    /// Tiers to load again; the caller loads them and hands them back with `arrive`.
    pub reload: Vec<TierKind>,
    /// The headline's figures, while they are measured and when they are done.
    pub headline: Option<Headline>,
    /// The race's figures, every frame while it runs, and once when it stops.
    pub race: Option<crate::features::race::RaceStatus>,
    /// The kernel forms, when they were (re)selected.
    pub forms: Option<crate::tiers::forms::FormsState>,
}

/// What the page knows at the start of a frame.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// `performance.now()`, ms.
    pub now: f64,
    /// The tab is hidden: nothing runs, nothing is drawn as progress.
    pub hidden: bool,
    /// Wasm memory the benchmark worker holds now.
    pub worker_memory: f64,
    /// Where the previous frame's time went, measured by the driver (`None` on the first).
    pub last_budget: Option<FrameBudget>,
}

/// Where a frame's time went, ms: this app's work by part, and the rest of the interval
/// between two animation frames — the browser's own style, layout, paint and compositing,
/// garbage collection, and idle time.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameBudget {
    /// The tick: commands, the simulation's kernels and the headline's timed frames.
    pub kernels_ms: f64,
    pub mesh_ms: f64,
    pub raster_ms: f64,
    /// Signals → DOM: the panel, status line and charts updating.
    pub page_ms: f64,
    /// Browser work and idle: the frame interval minus everything above.
    pub other_ms: f64,
}

impl FrameBudget {
    pub fn total_ms(&self) -> f64 {
        self.kernels_ms + self.mesh_ms + self.raster_ms + self.page_ms + self.other_ms
    }
    fn add(&mut self, o: &FrameBudget) {
        self.kernels_ms += o.kernels_ms;
        self.mesh_ms += o.mesh_ms;
        self.raster_ms += o.raster_ms;
        self.page_ms += o.page_ms;
        self.other_ms += o.other_ms;
    }
    fn scaled(&self, k: f64) -> FrameBudget {
        FrameBudget {
            kernels_ms: self.kernels_ms * k,
            mesh_ms: self.mesh_ms * k,
            raster_ms: self.raster_ms * k,
            page_ms: self.page_ms * k,
            other_ms: self.other_ms * k,
        }
    }
}

/// Per-frame figures accumulated between two refreshes of `LiveStats`.
#[derive(Debug, Default)]
pub struct Meter {
    /// Timestamps of the frames of the last second (fps).
    frames: VecDeque<f64>,
    since: f64,
    spikes: u64,
    steps: u64,
    kernel_ms: f64,
    lif_ms: f64,
    /// LIF + STDP time per step of each frame of the window, ms: the samples of
    /// `LiveStats::lif_step_ms` (a frame is one sample, as in the benchmark's frame protocol).
    step_samples: Vec<f64>,
    agents_ms: f64,
    frames_in_window: u32,
    budget: FrameBudget,
    budgets: u32,
}

/// How often `LiveStats` is refreshed, ms.
pub const REFRESH_MS: f64 = 500.0;

impl Meter {
    pub fn new(now: f64) -> Meter {
        Meter {
            since: now,
            ..Meter::default()
        }
    }

    /// A frame that ran `steps` steps with `spikes` spikes, and what its kernels cost.
    pub fn record(&mut self, steps: u32, spikes: u32, lif_ms: f64, agents_ms: f64, mesh_ms: f64) {
        self.spikes += spikes as u64;
        self.steps += steps as u64;
        self.kernel_ms += lif_ms + agents_ms + mesh_ms;
        self.lif_ms += lif_ms;
        if steps > 0 {
            self.step_samples.push(lif_ms / steps as f64);
        }
        self.agents_ms += agents_ms;
        self.frames_in_window += 1;
    }

    /// Where the previous frame's time went.
    pub fn budget(&mut self, b: &FrameBudget) {
        self.budget.add(b);
        self.budgets += 1;
    }

    /// A frame was shown at `now` (running or not).
    pub fn shown(&mut self, now: f64) {
        self.frames.push_back(now);
        while self.frames.front().is_some_and(|&t| now - t > 1000.0) {
            self.frames.pop_front();
        }
    }

    /// The window's rates once it is `REFRESH_MS` long (and a new window starts), for `n`
    /// neurons; `running`: the simulation played the whole time (else delivered rates are 0).
    /// Only the rate fields of the `LiveStats` are filled (pure arithmetic, unit-tested).
    pub fn take_rates(&mut self, now: f64, n: f64, running: bool) -> Option<LiveStats> {
        let window_ms = now - self.since;
        if window_ms < REFRESH_MS {
            return None;
        }
        let f = self.frames_in_window.max(1) as f64;
        let fps = match (self.frames.front(), self.frames.len()) {
            (Some(first), len) if len > 1 => (len - 1) as f64 * 1000.0 / (now - first).max(1.0),
            _ => 0.0,
        };
        let lif_s = self.lif_ms / 1000.0;
        let sim_s = self.steps as f64 / 1000.0;
        let per = |x: f64, s: f64| if s > 0.0 { x / s } else { 0.0 };
        let fps = if running { fps } else { 0.0 };
        let rates = LiveStats {
            fps,
            frame_ms: if fps > 0.0 { 1000.0 / fps } else { 0.0 },
            sim_ms: self.kernel_ms / f,
            lif_ms: self.lif_ms / f,
            lif_step_ms: crate::util::stats::spread(&self.step_samples),
            agents_ms: self.agents_ms / f,
            spikes_per_s: per(self.spikes as f64, sim_s),
            ops_per_s: per(n * self.steps as f64, lif_s),
            delivered_ops_per_s: if running {
                per(n * self.steps as f64, window_ms / 1000.0)
            } else {
                0.0
            },
            syn_events_per_s: per(self.spikes as f64 * n, lif_s),
            budget: self.budget.scaled(1.0 / self.budgets.max(1) as f64),
            ..LiveStats::default()
        };
        *self = Meter {
            frames: std::mem::take(&mut self.frames),
            ..Meter::new(now)
        };
        Some(rates)
    }
}

/// The whole page's memory now: the app's wasm memory, every loaded kernel module's memory,
/// the benchmark worker's while it runs, and the JS heap (or, where the browser hides it, the
/// JS tier's live buffers).
fn page_memory(tiers: &[(TierKind, Rc<Tier>)], worker_wasm: f64) -> MemoryParts {
    let mut parts = MemoryParts {
        app_wasm: crate::tiers::bridge::app_memory_bytes(),
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

/// Merges changed `key=value` pairs into the current settings' query and validates the
/// result: the new settings and the validator's notes.
pub fn merged_settings(cur: &Settings, pairs: &[(String, String)]) -> (Settings, Vec<String>) {
    let mut all: Vec<(String, String)> = pairs.to_vec();
    for kv in cur.to_query().trim_start_matches('?').split('&') {
        if let Some((k, v)) = kv.split_once('=') {
            if !all.iter().any(|(key, _)| key == k) {
                all.push((k.to_string(), v.to_string()));
            }
        }
    }
    Settings::from_pairs(all.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// A tier that finished loading again: the tier, or why it still cannot run.
pub type Arrival = (TierKind, Result<Rc<Tier>, String>);

/// Drops the headline probe's copy of the run and gives its tier's memory back at once (a
/// fresh instance), not at the next 90-frame release: so at N = 4096 the page holds at most one
/// copy besides the live run, for the ten frames that tier is timed, never one per tier.
fn drop_probe_copy(probe_sim: &mut Option<(TierKind, Sim)>, e: &mut Engine) {
    if probe_sim.take().is_some() {
        e.release_idle_tiers();
    }
}

/// The running app outside the reactive graph: the engine, play state and the meters.
pub struct Controller {
    pub engine: Engine,
    playing: bool,
    meter: Meter,
    frame_log: VecDeque<FrameSample>,
    last_frame: f64,
    /// The measured cost of a kernel call plus a frame's read-back, µs (probed every 2 s).
    overhead_us: f64,
    overhead_parts: (f64, f64),
    last_probe: f64,
    timer_note: String,
    arrivals: Vec<Arrival>,
    /// The kernel-form calibration's outcome, applied at the next tick (`forms_arrived`).
    forms_arrival: Option<Result<crate::tiers::forms::Calibrated, String>>,
    /// The forms chosen and what the instances run (shown in the panel).
    forms: crate::tiers::forms::FormsState,
    /// The headline measurement under way, and the copy of the run it times in a tier other
    /// than the active one.
    probe: Option<Probe>,
    probe_sim: Option<(TierKind, Sim)>,
    /// The race, while it runs (its two `Sim`s are dropped when it stops).
    pub race: Option<crate::features::race::LiveRace>,
    /// The settings last handed to the page and the address bar (`publish_settings`).
    shown: Option<Settings>,
    /// Why the simulation stopped by itself (a kernel fault, a NaN state), as reported in
    /// `Changes::error`; `None` while it runs or when the user paused it. A reset reseeds the
    /// state, so it lifts this stop: the run resumes and the message is withdrawn.
    stopped: Option<String>,
}

impl Controller {
    pub fn new(engine: Engine, now: f64, timer_note: String) -> Controller {
        let mut c = Controller {
            engine,
            playing: true,
            meter: Meter::new(now),
            frame_log: VecDeque::new(),
            last_frame: now,
            overhead_us: 0.0,
            overhead_parts: (0.0, 0.0),
            last_probe: f64::NEG_INFINITY,
            timer_note,
            arrivals: Vec::new(),
            forms_arrival: None,
            forms: crate::tiers::forms::FormsState::calibrating(),
            probe: None,
            probe_sim: None,
            race: None,
            shown: None,
            stopped: None,
        };
        c.measure_headline();
        c
    }

    /// (Re)starts the headline measurement: every loaded tier, on this run's shape.
    pub fn measure_headline(&mut self) {
        let e = &self.engine;
        let tiers = TierKind::ALL
            .into_iter()
            .filter(|k| e.tier(*k).is_some())
            .collect();
        let shape = (e.settings().n, e.settings().agents, e.settings().steps);
        let mut probe = Probe::new(tiers, shape);
        probe.result.threads = (e.threads() > 1).then(|| (e.active(), e.threads()));
        self.probe = Some(probe);
        drop_probe_copy(&mut self.probe_sim, &mut self.engine);
    }

    /// One timed frame for the headline. The active tier's sample is this tick's real frame
    /// (`frame_ms`); another tier times the same steps on a copy of the run in its own memory,
    /// after the real frame (the animation goes on, each frame a little slower while this
    /// lasts). Only LIF + STDP are timed, in every tier alike.
    fn probe_frame(&mut self, frame_ms: Option<f64>, ch: &mut Changes) {
        let Some(probe) = self.probe.as_mut() else {
            return;
        };
        let Some(kind) = probe.current() else {
            self.probe = None;
            return;
        };
        let e = &mut self.engine;
        let steps = e.settings().steps;
        let sample = if kind == e.active() {
            // Over threads, a frame in which their answer had not come yet is no sample.
            if frame_ms.is_none() && e.threads() > 1 {
                return;
            }
            drop_probe_copy(&mut self.probe_sim, e);
            frame_ms
        } else {
            if self.probe_sim.as_ref().map(|(k, _)| *k) != Some(kind) {
                drop_probe_copy(&mut self.probe_sim, e);
                self.probe_sim = e
                    .tier(kind)
                    .and_then(|t| e.copy_run_into(t).ok())
                    .map(|sim| (kind, sim));
            }
            self.probe_sim.as_mut().and_then(|(_, sim)| {
                let t0 = crate::util::browser::now_ms();
                let ok = sim.run_steps(steps, e.settings().stdp, |_| {}).is_ok();
                ok.then(|| crate::util::browser::now_ms() - t0)
            })
        };
        let done = probe.record(sample);
        ch.headline = Some(probe.result.clone());
        if done {
            self.probe = None;
            drop_probe_copy(&mut self.probe_sim, e);
        }
    }

    /// The kernel-form calibration finished (`tiers::forms::calibrate`); applied at the next
    /// tick, so the forms change between frames.
    pub fn forms_arrived(&mut self, r: Result<crate::tiers::forms::Calibrated, String>) {
        self.forms_arrival = Some(r);
    }

    /// Selects the chosen forms in every loaded tier (again after a tier is loaded anew) and
    /// records what the instances run.
    fn apply_forms(&mut self, ch: &mut Changes) {
        let (running, notes) = self.engine.select_forms(&self.forms.selections());
        ch.notices.extend(notes);
        self.forms.running = running;
        crate::tiers::forms::set_running(&self.forms);
        ch.forms = Some(self.forms.clone());
    }

    /// A tier loaded again (see `Changes::reload`); applied at the next tick.
    pub fn arrive(&mut self, arrival: Arrival) {
        self.arrivals.push(arrival);
    }

    /// One animation frame: arrivals, then commands in order, then (playing and visible, or
    /// a single step) the simulation, then the meters.
    pub fn tick(&mut self, commands: Vec<Command>, clock: Clock) -> Changes {
        let mut ch = Changes::default();
        let mut remeasure = false;
        let e = &mut self.engine;
        let steps_before = e.settings().steps;
        let mut reselect = false;
        for (kind, result) in std::mem::take(&mut self.arrivals) {
            remeasure |= result.is_ok();
            reselect |= result.is_ok();
            e.tier_arrived(kind, result);
            ch.statuses = Some(e.statuses().to_vec());
        }
        match self.forms_arrival.take() {
            Some(Ok(c)) => {
                self.forms.chosen = c.forms;
                self.forms.elapsed_ms = Some(c.elapsed_ms);
                self.forms.note = None;
                self.apply_forms(&mut ch);
                remeasure = true;
            }
            Some(Err(why)) => {
                self.forms.note = Some(format!(
                    "not calibrated ({why}); every module runs its own forms"
                ));
                self.apply_forms(&mut ch);
            }
            None if reselect && !self.forms.chosen.is_empty() => self.apply_forms(&mut ch),
            None => {}
        }
        let mut step_once = false;
        for cmd in commands {
            self.apply(cmd, &mut ch, &mut step_once, &mut remeasure);
        }
        if remeasure || self.engine.settings().steps != steps_before {
            self.measure_headline();
        }
        // While the race runs the main simulation pauses, so the two sides do not compete with it.
        let running = self.playing && !clock.hidden && self.race.is_none();
        let race = crate::features::race::tick(&mut self.race, clock.now, clock.hidden);
        if race.status.is_some() {
            ch.race = race.status;
        }
        if let Some(ended) = race.ended {
            self.give_back_race_memory(ended, &mut ch);
        }
        let mut frame_ms = None;
        if running || step_once {
            let e = &mut self.engine;
            let single = step_once && !self.playing;
            let steps = if single { 1 } else { e.settings().steps };
            match e.frame(steps) {
                Ok(()) => {
                    let (last, times) = (e.last_frame(), e.times());
                    self.meter.record(
                        last.steps,
                        last.spikes,
                        times.lif_stdp_ms,
                        times.agents_ms,
                        times.mesh_ms,
                    );
                    // A run over threads has frames in which no answer came: no sample.
                    frame_ms = (!single && last.steps > 0).then_some(times.lif_stdp_ms);
                }
                Err(f) => self.stop_on(&f, &mut ch),
            }
        } else if self.stopped.is_none() {
            // Paused on threads: what they answered still lands (a Step shows its step).
            if let Err(f) = self.engine.settle_threads() {
                self.stop_on(&f, &mut ch);
            }
        }
        if running && self.playing {
            self.probe_frame(frame_ms, &mut ch);
        }
        if let Some(note) = self.engine.take_thread_note() {
            ch.notices.push(note);
        }
        ch.playing = self.playing;
        self.after_frame(clock, &mut ch);
        self.publish_settings(&mut ch);
        ch
    }

    /// The simulation stopped on `f`: said in the error banner, and the run paused.
    fn stop_on(&mut self, f: &Fault, ch: &mut Changes) {
        let msg = format!("The simulation stopped: {f}");
        ch.error = Some(msg.clone());
        self.stopped = Some(msg);
        self.playing = false;
    }

    /// One command, in the order queued.
    fn apply(
        &mut self,
        cmd: Command,
        ch: &mut Changes,
        step_once: &mut bool,
        remeasure: &mut bool,
    ) {
        let e = &mut self.engine;
        match cmd {
            Command::TogglePlay => self.playing = !self.playing,
            Command::Step => *step_once = true,
            Command::SetTier(k) => match e.switch_tier(k) {
                Ok(()) => ch.active = Some(k),
                Err(msg) => ch.notices.push(format!("cannot switch to {k}: {msg}")),
            },
            Command::Configure(pairs) => {
                let cur = e.settings().clone();
                let (new, notes) = merged_settings(&cur, &pairs);
                ch.notices.extend(notes);
                let reshape = pairs.is_empty()
                    || new.n != cur.n
                    || new.agents != cur.agents
                    || new.seed != cur.seed
                    || new.weights != cur.weights
                    || new.threads != cur.threads;
                let mut restarted = false;
                if reshape {
                    match e.reset(new) {
                        Ok(()) => {
                            *remeasure = true;
                            restarted = true;
                            // The state that stopped the run is gone: run again, and take
                            // back the message about it.
                            if let Some(msg) = self.stopped.take() {
                                self.playing = true;
                                ch.error_cleared = Some(msg);
                            }
                        }
                        Err(msg) => ch.error = Some(format!("reset failed: {msg}")),
                    }
                } else {
                    e.retune(new);
                }
                // A race runs the page's settings. A change to what it computes (N, agents,
                // seed, drive, STDP), or a Reset, starts it again on the new settings, from
                // their seeded state: the race on screen, the controls and the URL then
                // describe one run, and a reload of the URL races exactly that.
                let again = self
                    .race
                    .as_ref()
                    .filter(|r| restarted || !r.settings.same_run(self.engine.settings()))
                    .map(crate::features::race::LiveRace::pair);
                if let Some((a, b)) = again {
                    self.start_race(a, b, ch);
                }
            }
            Command::RetryTier(kind) => {
                e.set_state(
                    kind,
                    TierState::Unavailable(crate::tiers::loader::RETRYING.into()),
                );
                ch.statuses = Some(e.statuses().to_vec());
                ch.reload.push(kind);
            }
            Command::InjectNan => e.inject_nan(),
            Command::StartRace(a, b) => self.start_race(a, b, ch),
            Command::StopRace => {
                if let Some(r) = self.race.take() {
                    ch.race = Some(r.status(false, None));
                    self.give_back_race_memory(r, ch);
                }
            }
            Command::Panic => {
                panic!("debug switch: deliberate panic to test the error banner")
            }
        }
    }

    /// Races `a` against `b` on the engine's settings; a race already running ends first (its
    /// memory is given back before the new one is built). A race that cannot start is a notice
    /// and no race.
    fn start_race(&mut self, a: RaceSide, b: RaceSide, ch: &mut Changes) {
        if let Some(old) = self.race.take() {
            // Its last figures, in case the new one cannot start (a new one's replace them).
            ch.race = Some(old.status(false, None));
            self.give_back_race_memory(old, ch);
        }
        match crate::features::race::start(&self.engine, a, b) {
            Ok(r) => self.race = Some(r),
            Err(msg) => ch.notices.push(format!(
                "cannot race {a} against {b}: {msg}; no race is started"
            )),
        }
    }

    /// Drops an ended race's two simulations and gives back the memory they grew, so the page
    /// returns to what the main run holds without a Reset: a side that ran in the active tier's
    /// instance grew its memory by a copy of the weights, so the main run moves into a fresh
    /// instance (`Engine::compact_active`); the other tiers it ran in are idle and are
    /// instantiated afresh (`Engine::release_idle_tiers`); a JS side's buffers go to the
    /// garbage collector.
    fn give_back_race_memory(&mut self, race: crate::features::race::LiveRace, ch: &mut Changes) {
        let in_active = race.runs_in(self.engine.running_tier());
        drop(race);
        if in_active {
            if let Err(msg) = self.engine.compact_active() {
                ch.notices.push(format!(
                    "the race's memory in {} could not be given back ({msg}); a Reset gives it back",
                    self.engine.active()
                ));
            }
        }
        self.engine.release_idle_tiers();
    }

    /// The settings of what runs now (`url::running_settings`): the main simulation's, in the
    /// tier it runs in, with the race's run and pair while one runs.
    pub fn running_settings(&self) -> Settings {
        let e = &self.engine;
        let race = self.race.as_ref().map(|r| (r.pair(), &r.settings));
        crate::runtime::url::running_settings(e.settings(), e.active(), race)
    }

    /// The one place the page's settings and address bar are derived: after every tick, from
    /// what runs (never patched per command), and handed to the page when they changed.
    fn publish_settings(&mut self, ch: &mut Changes) {
        let now = self.running_settings();
        if self.shown.as_ref() != Some(&now) {
            ch.settings = Some(now.clone());
            self.shown = Some(now);
        }
    }

    /// The meters: frame log, overhead probe, and every `REFRESH_MS` the live figures.
    fn after_frame(&mut self, clock: Clock, ch: &mut Changes) {
        let now = clock.now;
        let running = self.playing && !clock.hidden && self.race.is_none();
        let e = &mut self.engine;
        if running {
            self.frame_log
                .push_back((now / 1000.0, now - self.last_frame, e.active()));
        }
        self.last_frame = now;
        while self
            .frame_log
            .front()
            .is_some_and(|f| now / 1000.0 - f.0 > 60.0)
        {
            self.frame_log.pop_front();
        }
        self.meter.shown(now);
        if let Some(b) = clock.last_budget {
            self.meter.budget(&b);
        }
        if now - self.last_probe > 2000.0 {
            self.last_probe = now;
            if let Ok((call, handoff)) = e.probe_overhead(200, crate::util::browser::now_ms) {
                self.overhead_us = call + handoff;
                self.overhead_parts = (call, handoff);
            }
        }
        let Some(rates) = self.meter.take_rates(now, e.n() as f64, running) else {
            return;
        };
        let stats = LiveStats {
            memory: MemoryParts {
                threads_wasm: e.threads_memory_bytes(),
                ..page_memory(e.tiers(), clock.worker_memory)
            },
            threads: e.threads(),
            spike_check: e.spike_check().map(|(t, h)| (t, format!("{:016x}", h.0))),
            weight_bytes: f64::from(e.n()).powi(2) * f64::from(e.settings().weights.bytes()),
            all_tiers_bytes: e.tiers().iter().map(|(_, t)| t.memory_bytes()).sum(),
            all_tiers_in_use: e.tiers().iter().map(|(_, t)| t.memory_in_use()).sum(),
            overhead_us: self.overhead_us,
            call_us: self.overhead_parts.0,
            handoff_us: self.overhead_parts.1,
            efficiency: e.mesh_frame().efficiency,
            edges: e.mesh_frame().edges.len(),
            pruned: e.total_pruned(),
            sim_seconds: e.step() as f64 / 1000.0,
            timer_note: self.timer_note.clone(),
            state_note: if clock.hidden {
                "paused: tab hidden".into()
            } else if self.race.is_some() {
                "paused while the race runs".into()
            } else if !self.playing {
                "paused".into()
            } else {
                format!(
                    "{} steps of 1 ms per frame; a slow frame slows the clock, work never queues up",
                    e.settings().steps
                )
            },
            ..rates
        };
        ch.live = Some((stats, self.frame_log.iter().copied().collect()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_gives_the_median_step_time_of_the_window_s_frames() {
        let mut m = Meter::new(0.0);
        // Frames of 4 steps taking 0.4, 0.4, 0.8 ms and one outlier of 4 ms; a single step of 1 ms.
        for lif in [0.4, 0.8, 0.4, 4.0] {
            m.record(4, 1, lif, 0.0, 0.0);
        }
        m.record(1, 0, 0.1, 0.0, 0.0);
        m.record(0, 0, 0.0, 0.0, 0.0);
        let r = m.take_rates(500.0, 1000.0, true).expect("window over");
        let s = r.lif_step_ms.expect("steps ran");
        // Per step: 0.1, 0.1, 0.2, 1.0 and 0.1 ms; a frame without steps is no sample.
        assert!((s.median - 0.1).abs() < 1e-12, "{s:?}");
        assert!((s.p75 - 0.2).abs() < 1e-12, "{s:?}");
        assert!(
            (r.lif_ms - 5.7 / 6.0).abs() < 1e-12,
            "the mean per frame stays a mean"
        );
        // The next window starts empty.
        assert_eq!(
            m.take_rates(1000.0, 1000.0, true)
                .and_then(|r| r.lif_step_ms),
            None
        );
    }

    #[test]
    fn the_meter_turns_a_window_of_frames_into_rates() {
        let mut m = Meter::new(0.0);
        // 31 frames 1/60 s apart, each 10 steps with 5 spikes and 2 ms of LIF.
        for i in 0..=30 {
            let t = i as f64 * 1000.0 / 60.0;
            m.record(10, 5, 2.0, 0.5, 0.0);
            m.shown(t);
            if i < 30 {
                assert_eq!(
                    m.take_rates(t, 1000.0, true),
                    None,
                    "window not over at {t}"
                );
            }
        }
        let r = m
            .take_rates(500.0, 1000.0, true)
            .expect("a 500 ms window gives rates");
        assert!((r.fps - 60.0).abs() < 1e-9, "{r:?}");
        assert!((r.lif_ms - 2.0).abs() < 1e-12 && (r.sim_ms - 2.5).abs() < 1e-12);
        // 310 steps (0.31 s simulated) with 155 spikes: 500 spikes per simulated second.
        assert!((r.spikes_per_s - 500.0).abs() < 1e-9, "{r:?}");
        // 310 steps × 1000 neurons in 62 ms of LIF time.
        assert!((r.ops_per_s - 310_000.0 / 0.062).abs() < 1e-3, "{r:?}");
        // ... delivered in 0.5 s of wall clock.
        assert!((r.delivered_ops_per_s - 620_000.0).abs() < 1e-6, "{r:?}");
        // A new window starts empty but keeps the last second of frames for the fps.
        assert_eq!(m.take_rates(600.0, 1000.0, true), None);
        m.budget(&FrameBudget {
            kernels_ms: 4.0,
            other_ms: 12.0,
            ..FrameBudget::default()
        });
        m.budget(&FrameBudget {
            kernels_ms: 6.0,
            mesh_ms: 2.0,
            other_ms: 8.0,
            ..FrameBudget::default()
        });
        let paused = m.take_rates(1000.0, 1000.0, false).expect("window over");
        assert_eq!(
            paused.budget,
            FrameBudget {
                kernels_ms: 5.0,
                mesh_ms: 1.0,
                other_ms: 10.0,
                ..FrameBudget::default()
            },
            "the budget is the mean frame of the window"
        );
        assert_eq!(paused.budget.total_ms(), 16.0);
        assert_eq!(
            (paused.fps, paused.delivered_ops_per_s, paused.ops_per_s),
            (0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn changed_pairs_override_the_current_settings_and_the_rest_is_kept() {
        let (cur, _) = Settings::from_pairs([("n", "512"), ("seed", "7")]);
        let (new, notes) = merged_settings(&cur, &[("seed".into(), "9".into())]);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!((new.n, new.seed), (512, 9));
        let (bad, notes) = merged_settings(&cur, &[("n".into(), "-3".into())]);
        assert!(!notes.is_empty(), "an invalid size is reported");
        assert_eq!(bad.seed, 7, "the other settings are kept");
    }
}
