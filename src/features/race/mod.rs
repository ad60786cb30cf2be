//! The race: two tiers run the same seeded simulation side by side, each under the same
//! per-frame budget of kernel time, so the slower one falls behind on its simulated clock;
//! a hash of every step's spikes, compared at checkpoints both sides have reached, shows that
//! they compute the same thing.
//!
//! The model is plain types ([`Lane`], [`SpikeHash`], [`run_budgeted`], [`common_checkpoint`])
//! with unit tests; [`LiveRace`] puts two [`Sim`]s of the app behind it, or a side's threads
//! (`runtime/live_threads.rs`) when it runs on k of them: the same tier on one thread and on
//! two gives the same hashes.
pub mod view;
use crate::runtime::engine::Engine;
use crate::runtime::live_threads::{self, LiveThreads, Polled};
use crate::runtime::params::{RaceSide, Settings};
use crate::runtime::sim::Sim;
use crate::tiers::tier::{Fault, Tier, TierKind};
use crate::util::browser::now_ms;
use std::collections::VecDeque;
use std::rc::Rc;

/// Kernel time each side may spend per animation frame, ms: as many 1 ms steps as fit, at
/// least one. Two sides at 3 ms leave room for drawing in a 16.7 ms frame.
pub const BUDGET_MS: f64 = 3.0;
/// A hash checkpoint every this many simulated ms (steps).
pub const CHECKPOINT_STEPS: u64 = 100;
/// Upper bound on steps per side per frame, in case the timer is too coarse to see a step.
pub const MAX_STEPS_PER_FRAME: u32 = 400;
/// Steps of spike history each side keeps for its raster (1 ms each): 2 s.
pub const HISTORY_STEPS: usize = 2000;
/// Checkpoints kept per side (100 ms each: over 27 simulated hours).
const MAX_CHECKPOINTS: usize = 1_000_000;

pub use crate::runtime::sim::SpikeHash;

/// One side's clock and hash: steps taken, the running hash, and the hash at every
/// checkpoint passed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lane {
    pub steps: u64,
    pub hash: SpikeHash,
    /// (simulated ms, hash after that step), every [`CHECKPOINT_STEPS`].
    pub checkpoints: Vec<(u64, SpikeHash)>,
    pub frames: u64,
    /// Kernel time spent, ms.
    pub kernel_ms: f64,
    /// Kernel time of the last frame, ms.
    pub last_frame_ms: f64,
    /// Steps of the last frame.
    pub last_frame_steps: u32,
}

impl Lane {
    /// Records a step's spikes (called once per 1 ms step, in order).
    pub fn record(&mut self, spikes: &[u32]) {
        self.hash.step(self.steps, spikes);
        self.steps += 1;
        if self.steps.is_multiple_of(CHECKPOINT_STEPS) && self.checkpoints.len() < MAX_CHECKPOINTS {
            self.checkpoints.push((self.steps, self.hash));
        }
    }

    pub fn frame_done(&mut self, steps: u32, ms: f64) {
        self.frames += 1;
        self.kernel_ms += ms;
        self.last_frame_ms = ms;
        self.last_frame_steps = steps;
    }

    /// Simulated time, ms (one step = 1 ms).
    pub fn clock_ms(&self) -> u64 {
        self.steps
    }

    /// Mean kernel time of one step, µs.
    pub fn us_per_step(&self) -> Option<f64> {
        (self.steps > 0).then(|| self.kernel_ms * 1000.0 / self.steps as f64)
    }
}

/// Runs steps until `budget_ms` of `now()` has passed (at least one step, at most
/// `max_steps`). Returns the steps run and the time they took, ms.
pub fn run_budgeted<E>(
    budget_ms: f64,
    max_steps: u32,
    now: impl Fn() -> f64,
    mut step: impl FnMut() -> Result<(), E>,
) -> Result<(u32, f64), E> {
    let t0 = now();
    let mut n = 0;
    loop {
        step()?;
        n += 1;
        let spent = now() - t0;
        if spent >= budget_ms || n >= max_steps.max(1) {
            return Ok((n, spent));
        }
    }
}

/// The two sides' hashes at the latest checkpoint both have reached: (simulated ms, a, b).
pub fn common_checkpoint(a: &Lane, b: &Lane) -> Option<(u64, SpikeHash, SpikeHash)> {
    let k = a.checkpoints.len().min(b.checkpoints.len());
    // Both lists hold every checkpoint from the first, so index k-1 is the same time in both.
    let i = k.checked_sub(1)?;
    let (ta, ha) = a.checkpoints[i];
    let (tb, hb) = b.checkpoints[i];
    (ta == tb).then_some((ta, ha, hb))
}

/// The first checkpoint both reached where the hashes differ (simulated ms).
pub fn first_divergence(a: &Lane, b: &Lane) -> Option<u64> {
    a.checkpoints
        .iter()
        .zip(&b.checkpoints)
        .find(|(x, y)| x.1 != y.1)
        .map(|(x, _)| x.0)
}

/// What the page shows of one side.
#[derive(Clone, Debug, PartialEq)]
pub struct SideStatus {
    pub kind: TierKind,
    /// Threads the side runs on (1: the page's own).
    pub threads: u32,
    pub clock_ms: u64,
    pub steps_per_s: f64,
    pub last_frame_ms: f64,
    pub last_frame_steps: u32,
    pub us_per_step: Option<f64>,
}

/// What the page shows of the race.
#[derive(Clone, Debug, PartialEq)]
pub struct RaceStatus {
    pub running: bool,
    pub sides: [SideStatus; 2],
    pub n: u32,
    pub seed: u32,
    pub budget_ms: f64,
    /// (simulated ms, hash a, hash b) at the latest checkpoint both reached.
    pub common: Option<(u64, SpikeHash, SpikeHash)>,
    pub first_divergence: Option<u64>,
    /// Why the race stopped, if it did not stop by request.
    pub message: Option<String>,
}

/// One side of a running race: the simulation in its tier, its clock and its raster history.
/// On threads, `sim` holds only the small state (the threads step the network) and `threads`
/// runs it.
pub struct LiveLane {
    pub sim: Sim,
    pub lane: Lane,
    pub history: VecDeque<Vec<u32>>,
    threads: Option<SideThreads>,
}

/// A race side's threads, and how many steps to ask of them next: as many as fit in
/// [`BUDGET_MS`] at the last frame's time per step.
struct SideThreads {
    run: LiveThreads,
    next_steps: u32,
}

impl LiveLane {
    /// Threads the side runs on (1: the page's own).
    fn threads(&self) -> u32 {
        self.threads.as_ref().map_or(1, |t| t.run.threads)
    }

    /// On threads: applies what they answered (each step into the clock, hash and raster) and
    /// asks for the next frame's steps when they are free; never waits.
    fn frame_on_threads(&mut self, now: f64, settings: &Settings) -> Result<(), Fault> {
        let Some(t) = self.threads.as_mut() else {
            return Ok(());
        };
        match t.run.poll(now) {
            Polled::Waiting | Polled::Ready(_) => {}
            Polled::Frame(f) => {
                for spikes in f.step_spikes() {
                    self.lane.record(spikes);
                    crate::runtime::engine::push_spikes(&mut self.history, HISTORY_STEPS, spikes);
                }
                self.lane.frame_done(f.steps, f.ms);
                if f.steps > 0 && f.ms > 0.0 {
                    let fit = (BUDGET_MS * f.steps as f64 / f.ms).floor() as u32;
                    t.next_steps = fit.clamp(1, MAX_STEPS_PER_FRAME);
                }
            }
            Polled::Failed(why) => {
                return Err(Fault::Thrown {
                    call: "race threads",
                    message: why,
                })
            }
        }
        if t.run.idle() {
            t.run.ask(t.next_steps, settings, 0..0, now);
        }
        Ok(())
    }
}

impl LiveLane {
    /// What this side's raster draws (the main view's raster code draws it).
    pub fn raster_frame(&self) -> crate::runtime::engine::RasterFrame<'_> {
        crate::runtime::engine::RasterFrame {
            history: &self.history,
            n: self.sim.n,
            per: self.sim.per,
            step: self.lane.clock_ms(),
        }
    }
}

/// A running race: two simulations of the same seeded state, in two tiers.
pub struct LiveRace {
    pub sides: [LiveLane; 2],
    pub settings: Settings,
    /// Wall-clock time the race has run while visible, ms (for steps/s).
    wall_ms: f64,
    last_now: Option<f64>,
}

impl LiveRace {
    /// Both sides start from the seeded state of these settings (same seed, same N), each
    /// built in its own tier's memory (`Sim::seeded`).
    pub fn start(tiers: [(Rc<Tier>, u32); 2], settings: &Settings) -> Result<LiveRace, String> {
        let [a, b] = tiers;
        let lane = |(t, k): (Rc<Tier>, u32)| -> Result<LiveLane, String> {
            let on = Settings {
                threads: k,
                ..settings.clone()
            };
            let threads = if k > 1 {
                let isolated = live_threads::page_can_share_memory();
                if let Some(why) = live_threads::unsupported(&on, t.kind, isolated) {
                    return Err(why);
                }
                Some(SideThreads {
                    run: LiveThreads::start(&t, &on, now_ms())?,
                    next_steps: 1,
                })
            } else {
                None
            };
            let sim = match threads {
                Some(_) => Sim::seeded_without_weights(t, &on),
                None => Sim::seeded(t, &on),
            };
            Ok(LiveLane {
                sim: sim.map_err(|f| f.to_string())?,
                lane: Lane::default(),
                history: VecDeque::with_capacity(HISTORY_STEPS),
                threads,
            })
        };
        Ok(LiveRace {
            sides: [lane(a)?, lane(b)?],
            settings: settings.clone(),
            wall_ms: 0.0,
            last_now: None,
        })
    }

    /// One animation frame: each side runs as many steps as fit in [`BUDGET_MS`]. The side
    /// that goes first alternates, so neither always finds the caches the other left.
    pub fn frame(&mut self, now_ms: f64, clock: impl Fn() -> f64) -> Result<(), Fault> {
        if let Some(prev) = self.last_now {
            // A long gap (a hidden tab, a stall) does not count as racing time.
            self.wall_ms += (now_ms - prev).clamp(0.0, 250.0);
        }
        self.last_now = Some(now_ms);
        let stdp = self.settings.stdp;
        let first = (self.sides[0].lane.frames % 2) as usize;
        for i in [first, 1 - first] {
            let side = &mut self.sides[i];
            if side.threads.is_some() {
                side.frame_on_threads(now_ms, &self.settings)?;
                continue;
            }
            let (sim, lane, history) = (&mut side.sim, &mut side.lane, &mut side.history);
            let (steps, ms) = run_budgeted(BUDGET_MS, MAX_STEPS_PER_FRAME, &clock, || {
                sim.run_steps(1, stdp, |spikes| {
                    lane.record(spikes);
                    crate::runtime::engine::push_spikes(history, HISTORY_STEPS, spikes);
                })
                .map(|_| ())
            })?;
            lane.frame_done(steps, ms);
        }
        Ok(())
    }

    /// The two sides racing, left then right.
    pub fn pair(&self) -> (RaceSide, RaceSide) {
        let side = |l: &LiveLane| RaceSide {
            tier: l.sim.tier.kind,
            threads: l.threads(),
        };
        (side(&self.sides[0]), side(&self.sides[1]))
    }

    /// Whether one of the sides runs in this instance of a tier (its memory holds that side's
    /// copy of the weights until the instance is replaced).
    pub fn runs_in(&self, tier: &Rc<Tier>) -> bool {
        self.sides.iter().any(|s| Rc::ptr_eq(&s.sim.tier, tier))
    }

    /// Forgets the visible-time stamp (a paused or hidden frame), so the gap is not counted.
    pub fn idle(&mut self) {
        self.last_now = None;
    }

    pub fn status(&self, running: bool, message: Option<String>) -> RaceStatus {
        let wall_s = self.wall_ms / 1000.0;
        let side = |s: &LiveLane| SideStatus {
            kind: s.sim.tier.kind,
            threads: s.threads(),
            clock_ms: s.lane.clock_ms(),
            steps_per_s: if wall_s > 0.0 {
                s.lane.steps as f64 / wall_s
            } else {
                0.0
            },
            last_frame_ms: s.lane.last_frame_ms,
            last_frame_steps: s.lane.last_frame_steps,
            us_per_step: s.lane.us_per_step(),
        };
        let (a, b) = (&self.sides[0].lane, &self.sides[1].lane);
        RaceStatus {
            running,
            sides: [side(&self.sides[0]), side(&self.sides[1])],
            n: self.settings.n,
            seed: self.settings.seed,
            budget_ms: BUDGET_MS,
            common: common_checkpoint(a, b),
            first_divergence: first_divergence(a, b),
            message,
        }
    }
}

/// Starts a race of tiers `a` and `b` on the engine's settings. A tier that is not loaded is
/// an error that gives the reason (`?simd=off`, a failed load), like a bad `race` value: the
/// caller shows it and no race runs.
pub fn start(e: &Engine, a: RaceSide, b: RaceSide) -> Result<LiveRace, String> {
    let tier = |side: RaceSide| {
        let k = side.tier;
        e.tier(k).map(|t| (t, side.threads)).ok_or_else(|| {
            let why = e
                .statuses()
                .iter()
                .find(|st| st.kind == k)
                .and_then(|st| st.reason())
                .unwrap_or("not loaded");
            format!("{} is not available ({why})", k.label())
        })
    };
    LiveRace::start([tier(a)?, tier(b)?], e.settings())
}

/// What a race frame hands back to its caller.
#[derive(Default)]
pub struct Tick {
    /// The race's figures for the page (`None`: no race, or the tab is hidden).
    pub status: Option<RaceStatus>,
    /// The race a fault ended, for the caller to give its memory back.
    pub ended: Option<LiveRace>,
}

/// The race's part of a frame (called by `Controller::tick` with the frame's `now`, ms, and
/// whether the tab is hidden): a frame of both sides unless hidden, and its figures. A fault
/// ends the race with the reason in its figures: `race` becomes `None` and the ended race is
/// handed back. Returns plain values, so this module needs nothing of the controller's.
pub fn tick(race: &mut Option<LiveRace>, now: f64, hidden: bool) -> Tick {
    let Some(r) = race.as_mut() else {
        return Tick::default();
    };
    if hidden {
        r.idle();
        return Tick::default();
    }
    match r.frame(now, now_ms) {
        Ok(()) => Tick {
            status: Some(r.status(true, None)),
            ended: None,
        },
        Err(f) => Tick {
            status: Some(r.status(false, Some(format!("the race stopped: {f}")))),
            ended: race.take(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn fnv1a_matches_the_reference_and_sees_every_spike_and_step() {
        // FNV-1a 64 of the empty input is the offset basis; of "a" the published value.
        assert_eq!(SpikeHash::default().0, 0xcbf29ce484222325);
        let mut h = SpikeHash::default();
        h.bytes(b"a");
        assert_eq!(h.0, 0xaf63dc4c8601ec8c);
        let run = |steps: &[&[u32]]| {
            let mut h = SpikeHash::default();
            for (i, s) in steps.iter().enumerate() {
                h.step(i as u64, s);
            }
            h
        };
        let base = run(&[&[1, 5], &[], &[7]]);
        assert_eq!(base, run(&[&[1, 5], &[], &[7]]), "deterministic");
        assert_ne!(base, run(&[&[1, 5], &[7], &[]]), "a spike one step early");
        assert_ne!(base, run(&[&[5, 1], &[], &[7]]), "another order");
        assert_ne!(base, run(&[&[1, 5], &[], &[8]]), "another neuron");
        assert_ne!(
            base,
            run(&[&[1, 5], &[], &[7], &[]]),
            "one more (empty) step"
        );
        assert_eq!(base.short().len(), 12);
    }

    #[test]
    fn the_budget_runs_as_many_steps_as_fit_and_at_least_one() {
        // A fake clock: every step costs 0.7 ms.
        let t = Cell::new(0.0);
        let now = || t.get();
        let step = || -> Result<(), ()> {
            t.set(t.get() + 0.7);
            Ok(())
        };
        let (n, ms) = run_budgeted(3.0, 400, now, step).unwrap();
        assert_eq!(
            n, 5,
            "0.7 × 4 = 2.8 < 3 ms, the fifth step crosses the budget"
        );
        assert!((ms - 3.5).abs() < 1e-9);
        // A step slower than the whole budget still runs once.
        let slow = Cell::new(0.0);
        let (n, _) = run_budgeted(
            3.0,
            400,
            || slow.get(),
            || -> Result<(), ()> {
                slow.set(slow.get() + 10.0);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(n, 1);
        // A clock that never moves stops at the cap.
        let (n, _) = run_budgeted(3.0, 50, || 0.0, || -> Result<(), ()> { Ok(()) }).unwrap();
        assert_eq!(n, 50);
        // An error stops the frame and is passed on.
        let calls = Cell::new(0);
        let r = run_budgeted(
            3.0,
            400,
            || 0.0,
            || {
                calls.set(calls.get() + 1);
                if calls.get() == 3 {
                    Err("NaN")
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!((r, calls.get()), (Err("NaN"), 3));
    }

    fn lane_of(steps: u64, spike_at: impl Fn(u64) -> Vec<u32>) -> Lane {
        let mut l = Lane::default();
        for i in 0..steps {
            l.record(&spike_at(i));
        }
        l
    }

    #[test]
    fn checkpoints_compare_at_the_time_both_reached() {
        let spikes = |i: u64| vec![(i % 7) as u32, (i * 3 % 11) as u32];
        let fast = lane_of(1234, spikes);
        let slow = lane_of(456, spikes);
        assert_eq!(fast.checkpoints.len(), 12);
        assert_eq!(slow.checkpoints.len(), 4);
        let (t, a, b) = common_checkpoint(&fast, &slow).expect("both passed 400 ms");
        assert_eq!(t, 400);
        assert_eq!(a, b, "the same spikes give the same hash at 400 ms");
        assert_eq!(first_divergence(&fast, &slow), None);
        assert_eq!(
            common_checkpoint(&fast, &lane_of(99, spikes)),
            None,
            "before 100 ms"
        );

        // A side that differs in one spike at step 250 diverges from the 300 ms checkpoint on.
        let other = lane_of(456, |i| if i == 250 { vec![9] } else { spikes(i) });
        assert_eq!(first_divergence(&fast, &other), Some(300));
        let (t, a, b) = common_checkpoint(&fast, &other).unwrap();
        assert_eq!(t, 400);
        assert_ne!(a, b);
    }

    #[test]
    fn a_lane_counts_frames_and_kernel_time() {
        let mut l = Lane::default();
        assert_eq!(l.us_per_step(), None);
        for _ in 0..8 {
            l.record(&[]);
        }
        l.frame_done(8, 2.0);
        assert_eq!((l.clock_ms(), l.frames, l.last_frame_steps), (8, 1, 8));
        assert_eq!(l.us_per_step(), Some(250.0));
    }
}
