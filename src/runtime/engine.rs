//! The running demo outside the reactive graph: loaded tiers, the simulation in the active
//! tier, agent positions and the recent spike history the canvases draw. The app owns one
//! `Engine` and calls `frame` once per animation frame.
use crate::runtime::live_threads::{self, LiveThreads, Polled, ThreadFrame};
use crate::runtime::params::Settings;
use crate::runtime::sim::{self, FrameStats, Sim, SpikeHash};
use crate::tiers::loader::{TierState, TierStatus};
use crate::tiers::tier::{Fault, Tier, TierKind};
use crate::util::browser::now_ms;
use std::collections::VecDeque;
use std::ops::Range;
use std::rc::Rc;

/// Steps of spike history the raster keeps (1 ms each): 4 s.
pub const HISTORY_STEPS: usize = 4000;
/// Efficiency samples kept for the sparkline (one per mesh update, 4 per second: 30 s).
pub const EFFICIENCY_HISTORY: usize = 120;
/// How often idle tiers are checked for memory to give back, in animation frames.
const RELEASE_EVERY_FRAMES: u64 = 90;
/// How often the mesh edges and efficiency are recomputed, in animation frames. The block
/// sums they come from (one pass over the N² weights) are spread over these frames, a slice of
/// the source agents in each ([`mesh_slice`]): at N = 4096 one pass takes the JS tier ~23 ms
/// and its frames already spend ~8 ms in LIF and STDP, so a whole pass in one frame made every
/// 15th frame three vsyncs long (the one-hour soak's frame p99 at N = 4096 was 50–100 ms).
pub const MESH_EVERY_FRAMES: u64 = 15;

/// The source agents whose block sums frame `frame_no` (counted from 1) computes: the pass
/// is cut into `MESH_EVERY_FRAMES` slices of ⌈A / MESH_EVERY_FRAMES⌉ agents (the last ones
/// may be empty), and the slice of the frames that are multiples of `MESH_EVERY_FRAMES` is
/// the last, so the pass is complete when the edges are drawn from it.
pub fn mesh_slice(agents: u32, frame_no: u64) -> Range<u32> {
    let chunk = agents.div_ceil(MESH_EVERY_FRAMES as u32);
    let k = (frame_no.wrapping_sub(1) % MESH_EVERY_FRAMES) as u32;
    let start = (k * chunk).min(agents);
    start..(start + chunk).min(agents)
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Agent {
    pub x: f32,
    pub y: f32,
    pub vx: f32,
    pub vy: f32,
    /// Smoothed firing rate, spikes per neuron per second.
    pub rate: f32,
    /// Spikes in the last frame.
    pub fired: u32,
}

/// A spike pulse travelling along an edge, `t` from 0 to 1.
#[derive(Clone, Copy, Debug)]
pub struct Pulse {
    pub from: u16,
    pub to: u16,
    pub t: f32,
}

/// Kernel time of the last frame, by kernel, in ms (the figures the panel shows live).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct KernelTimes {
    pub lif_stdp_ms: f64,
    pub agents_ms: f64,
    pub mesh_ms: f64,
}

/// Appends one step's spikes to a raster history of at most `cap` steps, reusing the oldest
/// step's allocation once the history is full.
pub fn push_spikes(history: &mut VecDeque<Vec<u32>>, cap: usize, spikes: &[u32]) {
    if history.len() >= cap {
        let mut old = history.pop_front().unwrap_or_default();
        old.clear();
        old.extend_from_slice(spikes);
        history.push_back(old);
    } else {
        history.push_back(spikes.to_vec());
    }
}

/// What the mesh view draws, read from the engine for one frame.
#[derive(Clone, Copy)]
pub struct MeshFrame<'a> {
    pub agents: &'a [Agent],
    /// (agent, agent, summed weight) of the edges over the threshold.
    pub edges: &'a [(u16, u16, f32)],
    /// The summed weight an edge needs (infinite before the first mesh).
    pub edge_threshold: f32,
    pub pulses: &'a [Pulse],
    pub efficiency: f64,
    /// Recent efficiency samples, oldest first, at most [`EFFICIENCY_HISTORY`].
    pub efficiency_history: &'a VecDeque<f64>,
}

/// What a spike raster draws, read from a running simulation for one frame: the main run's
/// (`Engine::raster_frame`) or a race side's (`race::LiveLane::raster_frame`), drawn by the
/// same code.
#[derive(Clone, Copy)]
pub struct RasterFrame<'a> {
    /// Spike indices of each recent step, newest last.
    pub history: &'a VecDeque<Vec<u32>>,
    /// Neurons (rows).
    pub n: u32,
    /// Neurons per agent (adjacent rows of one agent share a hue).
    pub per: u32,
    /// Steps simulated so far: the raster's clock.
    pub step: u64,
}

/// The running demo. Its state is private: the controller changes it through the methods
/// below, and the views read it through [`MeshFrame`] and [`RasterFrame`].
pub struct Engine {
    settings: Settings,
    tiers: Vec<(TierKind, Rc<Tier>)>,
    statuses: Vec<TierStatus>,
    sim: Sim,
    agents: Vec<Agent>,
    edges: Vec<(u16, u16, f32)>,
    edge_threshold: f32,
    efficiency: f64,
    efficiency_history: VecDeque<f64>,
    pulses: Vec<Pulse>,
    /// Spike indices of each recent step, newest last.
    history: VecDeque<Vec<u32>>,
    step: u64,
    frame_no: u64,
    total_pruned: u64,
    last: FrameStats,
    times: KernelTimes,
    sums: Vec<f32>,
    /// The run's threads when it runs over k ≥ 2 (`?threads=k`); `sim` then holds the state
    /// without the weights (the agents' networks and the mesh's buffers).
    threads: Option<LiveThreads>,
    /// Why the run is not on the threads asked for, to be said once (`take_thread_note`).
    thread_note: Option<String>,
    /// Every step's spikes so far, hashed as the race hashes them, and the hash at the latest
    /// multiple of [`SPIKE_CHECK_STEPS`]: the same run gives the same at any thread count.
    spike_hash: SpikeHash,
    spike_check: Option<(u64, SpikeHash)>,
}

/// Steps between two shown spike hashes of the live run: one simulated second, so a hash
/// stays on screen long enough to be read and compared with another run's at the same time.
pub const SPIKE_CHECK_STEPS: u64 = 1000;

/// Adds step `index`'s spikes to `hash`, and keeps it in `check` after each
/// [`SPIKE_CHECK_STEPS`]th step.
fn hash_step(
    hash: &mut SpikeHash,
    check: &mut Option<(u64, SpikeHash)>,
    index: u64,
    spikes: &[u32],
) {
    hash.step(index, spikes);
    if (index + 1).is_multiple_of(SPIKE_CHECK_STEPS) {
        *check = Some((index + 1, *hash));
    }
}

/// A run as asked: its state in `tier`, its threads when it runs over threads, and why it
/// does not when it cannot (the settings then say one thread).
struct Started {
    sim: Sim,
    threads: Option<LiveThreads>,
    note: Option<String>,
    settings: Settings,
}

/// Starts `settings`' seeded run in `tier`: over `settings.threads` threads when the page can
/// (`live_threads::unsupported` says why not), else on this thread.
fn start_run(tier: Rc<Tier>, mut settings: Settings) -> Result<Started, String> {
    let mut note =
        live_threads::unsupported(&settings, tier.kind, live_threads::page_can_share_memory());
    if settings.threads > 1 && note.is_none() {
        let sim =
            Sim::seeded_without_weights(Rc::clone(&tier), &settings).map_err(|f| f.to_string())?;
        match LiveThreads::start(&tier, &settings, now_ms()) {
            Ok(t) => {
                return Ok(Started {
                    sim,
                    threads: Some(t),
                    note: None,
                    settings,
                })
            }
            Err(why) => {
                note = Some(format!(
                    "{} threads could not start ({why}); the simulation runs on one thread",
                    settings.threads
                ))
            }
        }
    }
    settings.threads = 1;
    let sim = Sim::seeded(tier, &settings).map_err(|f| f.to_string())?;
    Ok(Started {
        sim,
        threads: None,
        note,
        settings,
    })
}

impl Engine {
    pub fn tier(&self, kind: TierKind) -> Option<Rc<Tier>> {
        self.tiers
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| Rc::clone(t))
    }

    /// What runs: the settings, with the tier that actually runs.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The loaded tiers (a failed or unloaded tier is absent).
    pub fn tiers(&self) -> &[(TierKind, Rc<Tier>)] {
        &self.tiers
    }

    /// Every tier's load state, loaded or not, with the reason when not.
    pub fn statuses(&self) -> &[TierStatus] {
        &self.statuses
    }

    /// The figures of the last frame's simulation steps.
    pub fn last_frame(&self) -> FrameStats {
        self.last
    }

    /// Kernel time of the last frame, by kernel.
    pub fn times(&self) -> KernelTimes {
        self.times
    }

    /// Steps simulated since the start or the last Reset.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Synapses pruned since the start or the last Reset.
    pub fn total_pruned(&self) -> u64 {
        self.total_pruned
    }

    /// Neurons in the running network.
    pub fn n(&self) -> u32 {
        self.sim.n
    }

    /// Threads the run is on now (1: this page's own).
    pub fn threads(&self) -> u32 {
        self.threads.as_ref().map_or(1, |t| t.threads)
    }

    /// The run's threads' wasm memories, summed (0 on one thread).
    pub fn threads_memory_bytes(&self) -> f64 {
        self.threads.as_ref().map_or(0.0, LiveThreads::memory_bytes)
    }

    /// The run's spike hash at its latest checkpoint: (steps, hash).
    pub fn spike_check(&self) -> Option<(u64, SpikeHash)> {
        self.spike_check
    }

    /// Why the run is not on the threads asked for, once.
    pub fn take_thread_note(&mut self) -> Option<String> {
        self.thread_note.take()
    }

    /// The tier instance the run lives in (a race side may share it).
    pub fn running_tier(&self) -> &Rc<Tier> {
        &self.sim.tier
    }

    pub fn mesh_frame(&self) -> MeshFrame<'_> {
        MeshFrame {
            agents: &self.agents,
            edges: &self.edges,
            edge_threshold: self.edge_threshold,
            pulses: &self.pulses,
            efficiency: self.efficiency,
            efficiency_history: &self.efficiency_history,
        }
    }

    pub fn raster_frame(&self) -> RasterFrame<'_> {
        RasterFrame {
            history: &self.history,
            n: self.sim.n,
            per: self.sim.per,
            step: self.step,
        }
    }

    /// A copy of the running state in another tier's instance (the headline probe times the
    /// same steps there); the run itself is untouched. A run over threads has its state in
    /// their modules: the copy is then the run's start, seeded in that tier.
    pub fn copy_run_into(&self, tier: Rc<Tier>) -> Result<Sim, Fault> {
        if self.threads.is_some() {
            let one = Settings {
                threads: 1,
                ..self.settings.clone()
            };
            return Sim::seeded(tier, &one);
        }
        self.sim.hand_over(tier, &self.settings)
    }

    /// Settings that do not reshape the network (drive, STDP, steps per frame) take effect
    /// from the next frame; the state carries on. A change of N, agents, seed or weight
    /// storage is a [`Engine::reset`].
    pub fn retune(&mut self, mut settings: Settings) {
        settings.tier = self.active();
        self.sim.set_drive(settings.drive_hz);
        self.settings = settings;
    }

    /// The debug switch: a NaN in the state, to show what a fault looks like.
    pub fn inject_nan(&mut self) {
        self.sim.inject_nan();
    }

    /// The cost of one kernel call and one state hand-off in the running tier, in µs
    /// (`Sim::probe_overhead`).
    pub fn probe_overhead(
        &mut self,
        calls: u32,
        now: impl Fn() -> f64,
    ) -> Result<(f64, f64), Fault> {
        self.sim.probe_overhead(calls, now)
    }

    /// A tier (re)loaded: it replaces any instance of its kind, and its status reads loaded.
    pub fn tier_arrived(&mut self, kind: TierKind, result: Result<Rc<Tier>, String>) {
        let state = match result {
            Ok(t) => {
                let timing = t.load;
                self.tiers.retain(|(k, _)| *k != kind);
                self.tiers.push((kind, t));
                TierState::Loaded(timing)
            }
            Err(reason) => TierState::Unavailable(reason),
        };
        self.set_state(kind, state);
    }

    /// Selects kernel forms in the loaded tiers (`Tier::select_forms`): per tier, the forms
    /// to run. Returns per wasm tier the forms its instance runs now, and a notice per tier
    /// that refused.
    pub fn select_forms(
        &mut self,
        selections: &std::collections::BTreeMap<
            TierKind,
            [Option<u32>; sasi_kernels::dispatch::VARIANTS],
        >,
    ) -> (
        std::collections::BTreeMap<TierKind, [u32; sasi_kernels::dispatch::VARIANTS]>,
        Vec<String>,
    ) {
        let (mut running, mut notes) = (std::collections::BTreeMap::new(), Vec::new());
        for (kind, tier) in &self.tiers {
            let Some(sel) = selections.get(kind) else {
                continue;
            };
            match tier.select_forms(sel) {
                Ok(Some(r)) => {
                    running.insert(*kind, r);
                }
                Ok(None) => {}
                Err(f) => notes.push(format!("kernel forms in {kind}: {f}")),
            }
        }
        (running, notes)
    }

    /// Sets one tier's load state (e.g. "retrying").
    pub fn set_state(&mut self, kind: TierKind, state: TierState) {
        for st in self.statuses.iter_mut().filter(|st| st.kind == kind) {
            st.state = state.clone();
        }
    }

    /// The tier to use for a wish: the wish if loaded, else the fastest loaded one.
    pub fn pick_tier(tiers: &[(TierKind, Rc<Tier>)], wish: TierKind) -> Option<Rc<Tier>> {
        let order = [
            wish,
            TierKind::Relaxed,
            TierKind::Simd,
            TierKind::Scalar,
            TierKind::Js,
        ];
        order.iter().find_map(|k| {
            tiers
                .iter()
                .find(|(t, _)| t == k)
                .map(|(_, t)| Rc::clone(t))
        })
    }

    pub fn new(
        settings: Settings,
        tiers: Vec<(TierKind, Rc<Tier>)>,
        statuses: Vec<TierStatus>,
    ) -> Result<Engine, String> {
        let tier =
            Self::pick_tier(&tiers, settings.tier).ok_or("no kernel tier could be loaded")?;
        // The settings say what runs: the tier picked, not the one wished for.
        let mut settings = settings;
        settings.tier = tier.kind;
        let Started {
            sim,
            threads,
            note,
            settings,
        } = start_run(tier, settings)?;
        let mut e = Engine {
            agents: Vec::new(),
            edges: Vec::new(),
            edge_threshold: f32::INFINITY,
            efficiency: 0.0,
            efficiency_history: VecDeque::new(),
            pulses: Vec::new(),
            history: VecDeque::new(),
            step: 0,
            frame_no: 0,
            total_pruned: 0,
            last: FrameStats::default(),
            times: KernelTimes::default(),
            sums: vec![0.0; (settings.agents * settings.agents) as usize],
            settings,
            tiers,
            statuses,
            sim,
            threads,
            thread_note: note,
            spike_hash: SpikeHash::default(),
            spike_check: None,
        };
        e.place_agents();
        e.first_mesh().map_err(|f| f.to_string())?;
        Ok(e)
    }

    /// The mesh of a new run: on one thread from its weights now; over threads when they
    /// are ready (their block sums at step 0 come with `Polled::Ready`).
    fn first_mesh(&mut self) -> Result<(), Fault> {
        if self.threads.is_some() {
            self.edges.clear();
            return Ok(());
        }
        self.sim.agent_weights(&mut self.sums)?;
        self.edge_threshold = sim::edge_threshold(&self.sums, self.settings.agents as usize);
        self.update_mesh()
    }

    /// Agents start on a sunflower spiral in the unit square.
    fn place_agents(&mut self) {
        let a = self.settings.agents as usize;
        self.agents = (0..a)
            .map(|i| {
                let r = 0.42 * ((i as f32 + 0.5) / a as f32).sqrt();
                let th = i as f32 * 2.399_963;
                Agent {
                    x: 0.5 + r * th.cos(),
                    y: 0.5 + r * th.sin(),
                    ..Agent::default()
                }
            })
            .collect();
    }

    pub fn active(&self) -> TierKind {
        self.sim.tier.kind
    }

    /// Hands the current state to another tier; the run continues from the same state. The
    /// tier left behind is instantiated afresh once nothing holds it (see
    /// [`Engine::release_idle_tiers`]), so visiting every tier does not leave an N² copy in each.
    pub fn switch_tier(&mut self, kind: TierKind) -> Result<(), String> {
        if kind == self.active() {
            return Ok(());
        }
        let tier = self
            .tier(kind)
            .ok_or_else(|| format!("{kind} is not available"))?;
        if let Some(t) = &self.threads {
            // The state is in the threads' modules: the run starts again in the new tier.
            let k = t.threads;
            let settings = Settings {
                tier: kind,
                ..self.settings.clone()
            };
            self.restart(tier, settings)?;
            let note = self.thread_note.take();
            self.thread_note = Some(note.unwrap_or_else(|| {
                format!(
                    "a run over {k} threads does not move between tiers: it started again from the seed in {kind}"
                )
            }));
            return Ok(());
        }
        // Build the new one first: if it fails, the old one keeps running.
        let new_sim = self
            .sim
            .hand_over(tier, &self.settings)
            .map_err(|f| f.to_string())?;
        self.sim = new_sim;
        self.settings.tier = kind;
        self.release_idle_tiers();
        Ok(())
    }

    /// Starts over with new settings (size, seed, drive) in the same tier.
    ///
    /// A wasm tier builds the new state in a fresh instance of its module and then drops the
    /// old instance with the old state: the old one keeps running if the new one cannot be
    /// built, and the memory afterwards holds one state, not the old and the new side by side
    /// (a wasm memory never shrinks; building in the same instance left it at both sizes, e.g.
    /// 65 → 129 MB after a Reset at N = 4096). The JS tier's buffers are JS objects, freed by
    /// the garbage collector, so it builds in place.
    pub fn reset(&mut self, mut settings: Settings) -> Result<(), String> {
        settings.tier = self.active();
        let old = Rc::clone(&self.sim.tier);
        let tier = match old.fresh() {
            Ok(Some(t)) => Rc::new(t),
            Ok(None) | Err(_) => Rc::clone(&old),
        };
        drop(old);
        self.restart(tier, settings)
    }

    /// Starts `settings`' seeded run in `tier` (the threads asked for, or why not), in place
    /// of the running one.
    fn restart(&mut self, tier: Rc<Tier>, settings: Settings) -> Result<(), String> {
        // Built first: if it cannot be, the old run (and its threads) keeps running.
        let started = start_run(Rc::clone(&tier), settings)?;
        self.sim = started.sim;
        self.threads = started.threads;
        if started.note.is_some() {
            self.thread_note = started.note;
        }
        if let Some(entry) = self.tiers.iter_mut().find(|(k, _)| *k == tier.kind) {
            entry.1 = tier;
        }
        self.settings = started.settings;
        self.step = 0;
        self.spike_hash = SpikeHash::default();
        self.spike_check = None;
        self.history.clear();
        self.pulses.clear();
        self.efficiency_history.clear();
        self.total_pruned = 0;
        self.sums = vec![0.0; (self.settings.agents * self.settings.agents) as usize];
        self.place_agents();
        self.frame_no = 0;
        self.release_idle_tiers();
        self.first_mesh().map_err(|f| f.to_string())
    }

    /// Gives back the memory of every wasm tier that is not running and that nothing holds
    /// (no simulation, no probe copy, no race): its memory grew, so it is replaced by a fresh
    /// instance of its module, and the old instance with its memory goes to the garbage
    /// collector. Returns how many were replaced. Cheap when there is nothing to do.
    pub fn release_idle_tiers(&mut self) -> usize {
        let active = self.active();
        let mut replaced = 0;
        for (kind, tier) in self.tiers.iter_mut() {
            // Only this list holds it: no `Buf` (each holds an `Rc<Tier>`) is alive.
            if *kind == active || Rc::strong_count(tier) > 1 || !tier.grown() {
                continue;
            }
            if let Ok(Some(t)) = tier.fresh() {
                *tier = Rc::new(t);
                replaced += 1;
            }
        }
        replaced
    }

    /// Moves the run into a fresh instance of its tier, memory to memory (`Sim::hand_over`),
    /// and lets the old instance go: for when the active tier's memory grew for something
    /// besides the run (a race side ran in it), since a wasm memory never shrinks. The run
    /// continues from the same state. The JS tier has no instance to renew (its buffers are
    /// freed by the garbage collector); if the fresh instance cannot be built or filled, the
    /// run stays where it is and the error says why.
    pub fn compact_active(&mut self) -> Result<(), String> {
        if self.threads.is_some() {
            // The run's weights are in its threads; this instance holds only the small state.
            return Ok(());
        }
        let tier = match self.sim.tier.fresh().map_err(|f| f.to_string())? {
            Some(t) => Rc::new(t),
            None => return Ok(()),
        };
        self.sim = self
            .sim
            .hand_over(Rc::clone(&tier), &self.settings)
            .map_err(|f| f.to_string())?;
        if let Some(entry) = self.tiers.iter_mut().find(|(k, _)| *k == tier.kind) {
            entry.1 = tier;
        }
        Ok(())
    }

    /// Block sums of the whole matrix, then the mesh from them.
    fn update_mesh(&mut self) -> Result<(), Fault> {
        self.sim.agent_weights(&mut self.sums)?;
        self.finish_mesh()
    }

    /// Edges and efficiency from the block sums as they stand.
    fn finish_mesh(&mut self) -> Result<(), Fault> {
        let (edges, bits) = sim::agent_edges(
            &self.sums,
            self.settings.agents as usize,
            self.edge_threshold,
        );
        self.edges = edges;
        self.efficiency = self.sim.efficiency(&bits)?;
        self.efficiency_history.push_back(self.efficiency);
        while self.efficiency_history.len() > EFFICIENCY_HISTORY {
            self.efficiency_history.pop_front();
        }
        Ok(())
    }

    /// One animation frame: `steps` simulation steps, agent motion, and now and then the mesh.
    pub fn frame(&mut self, steps: u32) -> Result<(), Fault> {
        if self.threads.is_some() {
            return self.frame_on_threads(Some(steps));
        }
        let per = self.sim.per as usize;
        let a = self.agents.len();
        let mut fired = vec![0u32; a];
        let history = &mut self.history;
        let (hash, check) = (&mut self.spike_hash, &mut self.spike_check);
        let mut index = self.step;
        let t0 = now_ms();
        let st = self.sim.run_steps(steps, self.settings.stdp, |spikes| {
            for &i in spikes {
                if let Some(f) = fired.get_mut(i as usize / per) {
                    *f += 1;
                }
            }
            push_spikes(history, HISTORY_STEPS, spikes);
            hash_step(hash, check, index, spikes);
            index += 1;
        })?;
        let t1 = now_ms();
        self.step += st.steps as u64;
        self.total_pruned += st.pruned as u64;
        self.last = st;
        self.after_steps(st.steps, &fired, t1 - t0, None)
    }

    /// While the run is paused: applies what its threads answered since (a Step's steps, the
    /// frame in flight at the pause) and asks for nothing. Nothing to do on one thread.
    pub fn settle_threads(&mut self) -> Result<(), Fault> {
        if self.threads.is_some() {
            self.frame_on_threads(None)?;
        }
        Ok(())
    }

    /// A frame of a run over threads: whatever the threads have answered since the last frame
    /// is applied (never waited for), and the next frame's `steps` are asked for when they are
    /// free (`None`: nothing asked). When the threads fail, the run starts again on this
    /// thread and says why.
    fn frame_on_threads(&mut self, steps: Option<u32>) -> Result<(), Fault> {
        let Some(threads) = self.threads.as_mut() else {
            return Ok(());
        };
        let k = threads.threads;
        let polled = threads.poll(now_ms());
        self.last = FrameStats::default();
        self.times = KernelTimes::default();
        match polled {
            Polled::Waiting => {}
            Polled::Ready(sums) => {
                if sums.len() == self.sums.len() {
                    self.sums = sums;
                    self.edge_threshold =
                        sim::edge_threshold(&self.sums, self.settings.agents as usize);
                    self.finish_mesh()?;
                }
            }
            Polled::Frame(f) => self.apply_thread_frame(f)?,
            Polled::Failed(why) => {
                let mut one = self.settings.clone();
                one.threads = 1;
                self.thread_note = Some(format!(
                    "the simulation's {k} threads stopped ({why}); it started again from the seed on one thread"
                ));
                return self.reset(one).map_err(|message| Fault::Thrown {
                    call: "threads",
                    message,
                });
            }
        }
        let a = self.settings.agents;
        let next = mesh_slice(a, self.frame_no + 1);
        if let (Some(t), Some(steps)) = (self.threads.as_mut().filter(|t| t.idle()), steps) {
            t.ask(steps, &self.settings, next, now_ms());
        }
        Ok(())
    }

    /// The threads' answer to a frame: its steps' spikes into the raster and the agents'
    /// counts, their traces into this thread's state for the agents' networks, their block
    /// sums into the mesh's.
    fn apply_thread_frame(&mut self, f: ThreadFrame) -> Result<(), Fault> {
        let per = self.sim.per as usize;
        let mut fired = vec![0u32; self.agents.len()];
        let mut spiked = 0;
        for (index, spikes) in (self.step..).zip(f.step_spikes()) {
            spiked += spikes.len() as u32;
            hash_step(&mut self.spike_hash, &mut self.spike_check, index, spikes);
            for &i in spikes {
                if let Some(x) = fired.get_mut(i as usize / per) {
                    *x += 1;
                }
            }
            push_spikes(&mut self.history, HISTORY_STEPS, spikes);
        }
        self.sim.write_trace(&f.trace);
        self.step += f.steps as u64;
        self.total_pruned += f.pruned as u64;
        self.last = FrameStats {
            spikes: spiked,
            pruned: f.pruned,
            steps: f.steps,
        };
        self.after_steps(f.steps, &fired, f.ms, Some((f.src, &f.sums)))
    }

    /// After a frame's steps (`steps`, `fired` per agent, `steps_ms` spent on them): the
    /// agents' motion, the pulses, the mesh's slice of block sums (`sums`: rows the threads
    /// computed; `None`: from this thread's weights) and now and then the mesh.
    fn after_steps(
        &mut self,
        steps: u32,
        fired: &[u32],
        steps_ms: f64,
        sums: Option<(Range<u32>, &[f32])>,
    ) -> Result<(), Fault> {
        let per = self.sim.per as usize;
        let a = self.agents.len();
        let t1 = now_ms();
        let motion = self.sim.agent_motion()?;
        let t2 = now_ms();
        let dt_s = steps as f32 / 1000.0;
        // The networks steer; the swarm's mean motion is removed so it does not drift off,
        // and a short-range repulsion keeps agents from piling up.
        let (mut mx0, mut my0) = (0.0f32, 0.0f32);
        for i in 0..a {
            mx0 += motion[2 * i];
            my0 += motion[2 * i + 1];
        }
        let (mx0, my0) = (mx0 / a.max(1) as f32, my0 / a.max(1) as f32);
        let spacing = 0.6 / (a.max(1) as f32).sqrt();
        let mut push = vec![(0.0f32, 0.0f32); a];
        for i in 0..a {
            for j in i + 1..a {
                let (dx, dy) = (
                    self.agents[i].x - self.agents[j].x,
                    self.agents[i].y - self.agents[j].y,
                );
                let d2 = dx * dx + dy * dy;
                if d2 < spacing * spacing && d2 > 1e-12 {
                    let f = (spacing * spacing - d2) / (spacing * spacing) * 0.002 / d2.sqrt();
                    push[i].0 += dx * f;
                    push[i].1 += dy * f;
                    push[j].0 -= dx * f;
                    push[j].1 -= dy * f;
                }
            }
        }
        for (i, ag) in self.agents.iter_mut().enumerate() {
            let (mx, my) = (motion[2 * i] - mx0, motion[2 * i + 1] - my0);
            ag.vx = 0.9 * ag.vx + 0.004 * mx + push[i].0 + 0.0008 * (0.5 - ag.x);
            ag.vy = 0.9 * ag.vy + 0.004 * my + push[i].1 + 0.0008 * (0.5 - ag.y);
            ag.x = (ag.x + ag.vx).clamp(0.03, 0.97);
            ag.y = (ag.y + ag.vy).clamp(0.03, 0.97);
            let inst = fired[i] as f32 / (per as f32 * dt_s.max(1e-3));
            ag.rate = 0.9 * ag.rate + 0.1 * inst;
            ag.fired = fired[i];
        }
        // Pulses: a firing agent sends one along each of its edges (bounded for big meshes).
        for p in self.pulses.iter_mut() {
            p.t += 0.06;
        }
        self.pulses.retain(|p| p.t < 1.0);
        for &(x, y, _) in self.edges.iter() {
            if self.pulses.len() > 600 {
                break;
            }
            let fx = self.agents[x as usize].fired;
            let fy = self.agents[y as usize].fired;
            if fx as usize * 4 > per * steps as usize / 8 {
                self.pulses.push(Pulse {
                    from: x,
                    to: y,
                    t: 0.0,
                });
            }
            if fy as usize * 4 > per * steps as usize / 8 {
                self.pulses.push(Pulse {
                    from: y,
                    to: x,
                    t: 0.0,
                });
            }
        }
        self.frame_no += 1;
        match sums {
            None => self
                .sim
                .agent_weights_of(mesh_slice(a as u32, self.frame_no), &mut self.sums)?,
            Some((rows, values)) => {
                let at = rows.start as usize * a;
                if let Some(dst) = self.sums.get_mut(at..at + values.len()) {
                    dst.copy_from_slice(values);
                }
            }
        }
        if self.frame_no.is_multiple_of(MESH_EVERY_FRAMES) {
            self.finish_mesh()?;
        }
        // Copies of the run elsewhere (the headline probe's, a race's) end on their own; the
        // tiers they grew give their memory back within a second or two.
        if self.frame_no.is_multiple_of(RELEASE_EVERY_FRAMES) {
            self.release_idle_tiers();
        }
        let t3 = now_ms();
        self.times = KernelTimes {
            lif_stdp_ms: steps_ms,
            agents_ms: t2 - t1,
            mesh_ms: t3 - t2,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mesh_slices_cover_every_source_agent_once_per_pass_and_end_on_the_mesh_frame() {
        for agents in [1u32, 8, 14, 15, 16, 64, 100] {
            // Two passes: each agent is in exactly one slice of each pass.
            for pass in 0..2u64 {
                // Frames pass·15 + 1 ..= pass·15 + 15; the last of them draws the mesh, so a
                // pass is whole by then.
                let mut seen = vec![0u32; agents as usize];
                for f in 1..=MESH_EVERY_FRAMES {
                    let frame_no = pass * MESH_EVERY_FRAMES + f;
                    let r = mesh_slice(agents, frame_no);
                    assert!(
                        r.start <= r.end && r.end <= agents,
                        "{agents}: frame {frame_no} {r:?}"
                    );
                    for a in r.clone() {
                        seen[a as usize] += 1;
                    }
                }
                assert!(
                    seen.iter().all(|&c| c == 1),
                    "{agents} agents, pass {pass}: {seen:?}"
                );
            }
        }
        // 64 agents (the default): slices of 5, thirteen frames of work, two empty.
        assert_eq!(mesh_slice(64, 1), 0..5);
        assert_eq!(mesh_slice(64, 13), 60..64);
        assert_eq!(mesh_slice(64, 14), 64..64);
        assert_eq!(mesh_slice(64, 15), 64..64);
        assert_eq!(mesh_slice(64, 16), 0..5);
        assert_eq!(mesh_slice(0, 7), 0..0);
    }
}
