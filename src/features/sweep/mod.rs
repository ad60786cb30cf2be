//! "Largest N at 60 fps" per tier and thread count: the benchmark worker times one frame of
//! this simulation (`steps` × LIF + STDP at the current settings, as `Engine::frame` runs them)
//! at growing N in each tier on one thread, and in one wasm tier on 2…k threads (the page's
//! threads, `kernels/js/live/live-part.js`), and stops a row at its first miss; this module
//! says what it asks the worker, reads what comes back, and decides what each row's bar shows.
pub mod run;
pub mod view;
use crate::features::bench::TierLoad;
use crate::runtime::controller::LiveStats;
use crate::runtime::params::{RaceSide, Settings, WeightStorage, THREADS_RANGE};
use crate::tiers::tier::TierKind;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// The step between two sizes: fine enough that tiers which differ do not tie at a grid step.
pub const SIZE_STEP: u32 = 256;

/// The sizes tried with weights stored as `weights`, smallest first: every [`SIZE_STEP`] up to
/// the largest N the storage allows (`WeightStorage::max_n`: 4096 for f32, 8192 for bf16), so
/// a tier that fits there is shown as "≥" it.
pub fn sizes(weights: WeightStorage) -> Vec<u32> {
    (1..=weights.max_n() / SIZE_STEP)
        .map(|i| i * SIZE_STEP)
        .collect()
}
/// The whole sweep stops after this long, whatever is left (the bound shown on the page).
pub const TIME_BOUND_MS: f64 = 60_000.0;
/// Timed frames per tier and size (the median counts).
pub const TIMED_FRAMES: u32 = 7;
/// One frame at 60 fps, ms.
pub const FRAME_60FPS_MS: f64 = 1000.0 / 60.0;
/// The share of a 60 fps frame given to LIF + STDP when the page has not measured its frame yet.
pub const FIXED_SHARE: f64 = 0.75;
/// The budget never drops below this, ms (a page whose drawing takes the whole frame).
pub const MIN_BUDGET_MS: f64 = 2.0;
/// A frame on threads may take the whole 60 fps frame: the threads step while the page's
/// thread draws (it only applies what they send), and the page asks for the next frame's steps
/// when they are done.
pub const THREADS_BUDGET_MS: f64 = FRAME_60FPS_MS;

/// The thread counts the sweep times besides one thread: 2, the page's own count and every
/// core the browser reports (`cores`, at least 2 so the row is there to see on any machine,
/// at most [`THREADS_RANGE`]'s bound), smallest first.
pub fn thread_counts(page_threads: u32, cores: u32) -> Vec<u32> {
    let top = cores.clamp(2, THREADS_RANGE.1);
    let mut ks = vec![2, page_threads.clamp(2, top), top];
    ks.sort_unstable();
    ks.dedup();
    ks
}

/// Where the sweep can run threads: the cores the browser reports and whether the page can
/// share memory with workers (cross-origin isolated, `SharedArrayBuffer`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThreadEnv {
    pub cores: u32,
    pub can_share_memory: bool,
}

/// Warm-up frames before timing: at least 100 ms of simulated time (so the network is past
/// its first spikes from the seeded start) and at least 3 frames.
pub fn warmup_frames(steps: u32) -> u32 {
    100u32.div_ceil(steps.max(1)).max(3)
}

/// The kernel time one frame may take at 60 fps, and how it was decided (shown on the page).
#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    pub ms: f64,
    pub how: String,
}

/// 16.7 ms minus what the page's measured frame spends outside LIF + STDP: drawing the mesh
/// and the raster, updating the DOM, and the other kernels (agent networks, mesh). The
/// browser's own work and idle time are not subtracted (idle time is what is left to use).
/// With no measured frame yet (nothing drawn, or paused), a fixed share of the frame.
pub fn kernel_budget(live: &LiveStats) -> Budget {
    let b = &live.budget;
    let drawing = b.mesh_ms + b.raster_ms + b.page_ms;
    let other_kernels = (live.sim_ms - live.lif_ms).max(0.0);
    let outside = drawing + other_kernels;
    if b.total_ms() > 0.0 && outside.is_finite() && live.lif_ms > 0.0 {
        let ms = (FRAME_60FPS_MS - outside).max(MIN_BUDGET_MS);
        Budget {
            ms,
            how: format!(
                "{FRAME_60FPS_MS:.1} ms − {outside:.1} ms this page's frame spends outside LIF + STDP \
                 (drawing {drawing:.1} ms, other kernels {other_kernels:.1} ms, measured just now) = {ms:.1} ms"
            ),
        }
    } else {
        let ms = FRAME_60FPS_MS * FIXED_SHARE;
        Budget {
            ms,
            how: format!(
                "no frame measured yet: a fixed {:.0} % of {FRAME_60FPS_MS:.1} ms = {ms:.1} ms",
                FIXED_SHARE * 100.0
            ),
        }
    }
}

/// The network at one size: N neurons in agents of `per`. The worker builds it with the app's
/// own set-up (`model_network` in a kernel module: `sasi_kernels::model::initial_network`), so
/// only the shape travels.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Shape {
    pub n: u32,
    pub per: u32,
}

impl Shape {
    /// N neurons in agents of `n / agents` (the current agent count, at least one neuron each).
    pub fn new(n: u32, agents: u32) -> Shape {
        Shape {
            n,
            per: (n / agents.max(1)).max(1),
        }
    }
}

/// What the page asks the worker (`{type: "sweep", …}` in `kernels/js/bench/bench-worker.js`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename = "sweep", rename_all = "camelCase")]
pub struct SweepRequest {
    pub modules: BTreeMap<TierKind, Option<&'static str>>,
    pub js_url: &'static str,
    pub shapes: Vec<Shape>,
    pub steps: u32,
    pub stdp: bool,
    pub seed: u32,
    pub lif: [f32; 9],
    pub stdp_params: [f32; 5],
    pub budget_ms: f64,
    pub warmup: u32,
    pub frames: u32,
    pub time_bound_ms: f64,
    /// The weight storage of the page's run (`f32`, `bf16`): every tier's frames store theirs so.
    pub weights: &'static str,
    /// The kernel forms the page's modules run (`tiers::forms`), so each tier's frames are
    /// the page's; left out before the page's calibration.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub forms: BTreeMap<TierKind, BTreeMap<String, String>>,
    /// The tier timed on threads (its module's URL is in `modules`), at each of
    /// `thread_counts`; none when the sweep has no rows on threads ([`SweepRun::threads_off`]).
    pub threads_tier: Option<TierKind>,
    pub thread_counts: Vec<u32>,
    /// The budget of a frame on threads ([`THREADS_BUDGET_MS`]).
    pub threads_budget_ms: f64,
    /// The drive the threads' parts are built with (`model_params`; the one-thread tiers get
    /// its parameters in `lif`).
    pub drive_hz: f32,
}

impl SweepRequest {
    pub fn new(s: &Settings, budget_ms: f64, run: &SweepRun) -> SweepRequest {
        let req = crate::features::bench::RunRequest::new("sweep", s.simd_off);
        let on_threads = run.threads_off.is_none();
        SweepRequest {
            modules: req.modules,
            js_url: req.js_url,
            shapes: sizes(s.weights)
                .into_iter()
                .map(|n| Shape::new(n, s.agents))
                .collect(),
            weights: s.weights.key(),
            steps: s.steps,
            stdp: s.stdp,
            seed: s.seed,
            lif: crate::runtime::sim::lif_params(s.drive_hz),
            stdp_params: crate::runtime::sim::stdp_params(),
            budget_ms,
            warmup: warmup_frames(s.steps),
            frames: TIMED_FRAMES,
            time_bound_ms: TIME_BOUND_MS,
            forms: BTreeMap::new(),
            threads_tier: on_threads.then_some(run.threads_tier),
            thread_counts: if on_threads {
                run.thread_counts.clone()
            } else {
                Vec::new()
            },
            threads_budget_ms: THREADS_BUDGET_MS,
            drive_hz: s.drive_hz,
        }
    }
}

fn finite<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.filter(|x| x.is_finite() && *x >= 0.0))
}

/// One tier at one size: the median frame time of the timed frames, or why there is none.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Point {
    pub tier: Option<TierKind>,
    /// The threads the frame ran on (absent or 0: one, the tier in the worker itself).
    pub threads: u32,
    pub n: u32,
    #[serde(deserialize_with = "finite")]
    pub median_ms: Option<f64>,
    #[serde(deserialize_with = "finite")]
    pub p25_ms: Option<f64>,
    #[serde(deserialize_with = "finite")]
    pub p75_ms: Option<f64>,
    pub error: Option<String>,
}

impl Point {
    /// The row this point belongs to.
    pub fn side(&self) -> Option<RaceSide> {
        self.tier.map(|tier| RaceSide {
            tier,
            threads: self.threads.max(1),
        })
    }
}

/// Messages from the worker during a sweep.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SweepMsg {
    Ready,
    Tiers {
        status: BTreeMap<TierKind, TierLoad>,
    },
    SweepProgress {
        tier: TierKind,
        /// 0 or absent: the one-thread tiers, taking turns.
        #[serde(default)]
        threads: u32,
        n: u32,
        done: u32,
        total: u32,
    },
    SweepPoint {
        point: Point,
    },
    SweepDone {
        #[serde(default)]
        elapsed_ms: f64,
        #[serde(default)]
        timed_out: bool,
    },
    Cancelled,
    Error {
        message: String,
    },
}

/// The sweep as the page shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SweepState {
    pub running: bool,
    pub budget: Option<Budget>,
    pub tiers: BTreeMap<TierKind, TierLoad>,
    pub points: Vec<Point>,
    /// (row, N, done, total) of the case being timed.
    pub progress: Option<(RaceSide, u32, u32, u32)>,
    pub message: Option<String>,
    pub finished: bool,
    pub timed_out: bool,
    pub elapsed_ms: f64,
    /// The settings the running (or last) sweep measures: its caption describes them, not the
    /// sliders as they are now.
    pub run: Option<SweepRun>,
}

/// What one sweep measured, fixed when it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRun {
    pub steps: u32,
    pub stdp: bool,
    pub agents: u32,
    pub seed: u32,
    pub drive_hz: f32,
    pub weights: WeightStorage,
    /// The wasm tier timed on threads: the page's own when it is one, else SIMD (or scalar
    /// with `?simd=off`).
    pub threads_tier: TierKind,
    /// Its thread counts ([`thread_counts`]).
    pub thread_counts: Vec<u32>,
    /// Why there are no rows on threads (the page cannot share memory), or `None`.
    pub threads_off: Option<String>,
}

impl SweepRun {
    pub fn of(s: &Settings, env: ThreadEnv) -> SweepRun {
        let threads_tier = match s.tier {
            _ if s.simd_off => TierKind::Scalar,
            TierKind::Js => TierKind::Simd,
            t => t,
        };
        SweepRun {
            steps: s.steps,
            stdp: s.stdp,
            agents: s.agents,
            seed: s.seed,
            drive_hz: s.drive_hz,
            weights: s.weights,
            threads_tier,
            thread_counts: thread_counts(s.threads, env.cores),
            threads_off: (!env.can_share_memory)
                .then(|| crate::util::browser::NO_SHARED_MEMORY.to_string()),
        }
    }

    /// The rows on threads, in order (one "not measured" row when they are off).
    pub fn thread_sides(&self) -> Vec<RaceSide> {
        self.thread_counts
            .iter()
            .take(if self.threads_off.is_some() {
                1
            } else {
                usize::MAX
            })
            .map(|&threads| RaceSide {
                tier: self.threads_tier,
                threads,
            })
            .collect()
    }

    /// The largest size this run tries.
    pub fn max_size(&self) -> u32 {
        self.weights.max_n()
    }
}

impl SweepState {
    /// A sweep that has just been asked for: running, "starting…", nothing measured yet.
    pub fn starting(budget: Budget, run: SweepRun) -> SweepState {
        SweepState {
            running: true,
            budget: Some(budget),
            message: Some("starting…".into()),
            run: Some(run),
            ..SweepState::default()
        }
    }

    /// Applies one worker message; `true` when the sweep is over (the worker can go).
    pub fn apply(&mut self, msg: SweepMsg) -> bool {
        match msg {
            SweepMsg::Ready => false,
            SweepMsg::Tiers { status } => {
                self.tiers = status;
                false
            }
            SweepMsg::SweepProgress {
                tier,
                threads,
                n,
                done,
                total,
            } => {
                let side = RaceSide {
                    tier,
                    threads: threads.max(1),
                };
                self.progress = Some((side, n, done, total));
                self.message = Some(format!("timing {} at N = {n}…", side.label()));
                false
            }
            SweepMsg::SweepPoint { point } => {
                self.points.push(point);
                false
            }
            SweepMsg::SweepDone {
                elapsed_ms,
                timed_out,
            } => {
                self.running = false;
                self.finished = true;
                self.timed_out = timed_out;
                self.elapsed_ms = elapsed_ms;
                self.progress = None;
                self.message = Some(if timed_out {
                    format!(
                        "stopped at the {:.0} s bound; larger sizes were not tried",
                        TIME_BOUND_MS / 1000.0
                    )
                } else {
                    format!("finished in {:.1} s", elapsed_ms / 1000.0)
                });
                true
            }
            SweepMsg::Cancelled => {
                self.stop("cancelled");
                true
            }
            SweepMsg::Error { message } => {
                self.stop(&format!("sweep failed: {message}"));
                true
            }
        }
    }

    pub fn stop(&mut self, why: &str) {
        self.running = false;
        self.progress = None;
        self.message = Some(why.to_string());
    }

    /// One result per tier the worker was asked about, in tier order. A tier that had not
    /// missed yet when the sweep stopped early (cancelled, failed, at the time bound) is
    /// `unfinished`: its largest N is a lower bound, not its answer.
    /// The rows on threads follow, each against [`THREADS_BUDGET_MS`]; when the page cannot
    /// run threads, one such row says why.
    pub fn results(&self) -> Vec<TierResult> {
        let budget = self.budget.as_ref().map_or(f64::INFINITY, |b| b.ms);
        let stopped_early = !self.running && (!self.finished || self.timed_out);
        let max = self
            .run
            .as_ref()
            .map_or(WeightStorage::F32.max_n(), SweepRun::max_size);
        let one_thread = TierKind::ALL
            .into_iter()
            .filter(|k| {
                self.tiers.contains_key(k) || self.points.iter().any(|p| p.tier == Some(*k))
            })
            .map(|k| (RaceSide::one(k), budget));
        let threads = self
            .run
            .iter()
            .flat_map(SweepRun::thread_sides)
            .map(|side| (side, THREADS_BUDGET_MS));
        one_thread
            .chain(threads)
            .map(|(side, budget)| {
                let mut pts: Vec<&Point> = self
                    .points
                    .iter()
                    .filter(|p| p.side() == Some(side))
                    .collect();
                pts.sort_by_key(|p| p.n);
                let off = self
                    .run
                    .as_ref()
                    .and_then(|r| r.threads_off.clone())
                    .filter(|_| side.threads > 1);
                let mut r = tier_result(side, &pts, budget, self.tiers.get(&side.tier), max);
                r.unavailable = off.or(r.unavailable);
                r.unfinished = (self.running || stopped_early)
                    && r.missed.is_none()
                    && !r.at_limit
                    && r.unavailable.is_none();
                r
            })
            .collect()
    }
}

/// What one row's bar shows: a tier on one thread or on k.
#[derive(Clone, Debug, PartialEq)]
pub struct TierResult {
    pub side: RaceSide,
    /// The largest N whose median frame fits the budget, and that median (ms).
    pub largest: Option<(u32, f64)>,
    /// It fit at the largest size tried: the real limit is at least that.
    pub at_limit: bool,
    /// The first size that missed, and its median (ms) or its error.
    pub missed: Option<(u32, Result<f64, String>)>,
    /// Why the tier was not measured (unavailable in the worker).
    pub unavailable: Option<String>,
    /// The sweep is still running or stopped before this tier missed or reached the limit:
    /// `largest` is what it has fit so far.
    pub unfinished: bool,
}

/// Walks the sizes upwards: the largest N that fits before the first miss; `max_size` is the
/// largest size the sweep tries.
pub fn tier_result(
    side: RaceSide,
    pts: &[&Point],
    budget_ms: f64,
    load: Option<&TierLoad>,
    max_size: u32,
) -> TierResult {
    let mut r = TierResult {
        side,
        largest: None,
        at_limit: false,
        missed: None,
        unavailable: load
            .filter(|l| !l.ok)
            .map(|l| l.reason.clone().unwrap_or_else(|| "unavailable".into())),
        unfinished: false,
    };
    for p in pts {
        match (p.median_ms, &p.error) {
            (Some(ms), None) if ms <= budget_ms => r.largest = Some((p.n, ms)),
            (Some(ms), None) => {
                r.missed = Some((p.n, Ok(ms)));
                break;
            }
            (_, e) => {
                let why = e.clone().unwrap_or_else(|| "no valid median".into());
                r.missed = Some((p.n, Err(why)));
                break;
            }
        }
    }
    r.at_limit = r.missed.is_none() && r.largest.is_some_and(|(n, _)| n == max_size);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::controller::FrameBudget;

    const TWO_CORES: ThreadEnv = ThreadEnv {
        cores: 2,
        can_share_memory: true,
    };

    fn pt(tier: TierKind, n: u32, ms: f64) -> Point {
        Point {
            tier: Some(tier),
            n,
            median_ms: Some(ms),
            ..Point::default()
        }
    }

    #[test]
    fn the_budget_subtracts_what_the_frame_spends_outside_lif_and_stdp() {
        let live = LiveStats {
            lif_ms: 3.0,
            sim_ms: 3.5,
            budget: FrameBudget {
                kernels_ms: 3.6,
                mesh_ms: 1.0,
                raster_ms: 0.5,
                page_ms: 1.0,
                other_ms: 10.0,
            },
            ..LiveStats::default()
        };
        let b = kernel_budget(&live);
        assert!((b.ms - (FRAME_60FPS_MS - 3.0)).abs() < 1e-9, "{b:?}");
        assert!(b.how.contains("measured"), "{}", b.how);
        let fixed = kernel_budget(&LiveStats::default());
        assert!((fixed.ms - FRAME_60FPS_MS * FIXED_SHARE).abs() < 1e-9);
        assert!(fixed.how.contains("fixed"), "{}", fixed.how);
        // A page whose drawing alone exceeds the frame still gets a floor, not a negative budget.
        let heavy = LiveStats {
            lif_ms: 1.0,
            sim_ms: 1.0,
            budget: FrameBudget {
                mesh_ms: 40.0,
                ..FrameBudget::default()
            },
            ..LiveStats::default()
        };
        assert_eq!(kernel_budget(&heavy).ms, MIN_BUDGET_MS);
    }

    #[test]
    fn the_largest_fit_stops_at_the_first_miss() {
        let (js, simd) = (TierKind::Js, TierKind::Simd);
        let pts = [
            pt(js, 256, 1.0),
            pt(js, 512, 4.0),
            pt(js, 1024, 13.0),
            pt(js, 1536, 30.0),
        ];
        let refs: Vec<&Point> = pts.iter().collect();
        let r = tier_result(RaceSide::one(js), &refs, 12.0, None, 4096);
        assert_eq!(r.largest, Some((512, 4.0)));
        assert_eq!(r.missed, Some((1024, Ok(13.0))));
        assert!(!r.at_limit);
        // A later "fit" after a miss (noise) does not count.
        let noisy = [pt(js, 256, 1.0), pt(js, 512, 20.0), pt(js, 1024, 3.0)];
        let refs: Vec<&Point> = noisy.iter().collect();
        assert_eq!(
            tier_result(RaceSide::one(js), &refs, 12.0, None, 4096).largest,
            Some((256, 1.0))
        );
        // Every size fits: at the kernels' limit.
        let all: Vec<Point> = sizes(WeightStorage::F32)
            .into_iter()
            .map(|n| pt(simd, n, n as f64 / 1000.0))
            .collect();
        let refs: Vec<&Point> = all.iter().collect();
        let r = tier_result(RaceSide::one(simd), &refs, 12.0, None, 4096);
        assert_eq!(r.largest, Some((4096, 4.096)));
        assert!(r.at_limit && r.missed.is_none());
        // Even the smallest misses.
        let slow = [pt(js, 256, 50.0)];
        let refs: Vec<&Point> = slow.iter().collect();
        let r = tier_result(RaceSide::one(js), &refs, 12.0, None, 4096);
        assert_eq!((r.largest, r.missed), (None, Some((256, Ok(50.0)))));
    }

    #[test]
    fn messages_parse_and_a_failed_case_is_a_miss_with_its_reason() {
        let mut st = SweepState {
            running: true,
            budget: Some(Budget {
                ms: 12.0,
                how: String::new(),
            }),
            ..SweepState::default()
        };
        let msgs = [
            r#"{"type":"ready"}"#,
            r#"{"type":"tiers","status":{"js":{"ok":true,"reason":null,"load_ms":1},"simd":{"ok":true,"load_ms":2},"relaxed":{"ok":false,"reason":"switched off for this run","load_ms":0}}}"#,
            r#"{"type":"sweep_progress","tier":"js","n":256,"done":0,"total":21}"#,
            r#"{"type":"sweep_point","point":{"tier":"js","n":256,"median_ms":2.5,"p25_ms":2.4,"p75_ms":2.7}}"#,
            r#"{"type":"sweep_point","point":{"tier":"js","n":512,"median_ms":null,"error":"allocation failed"}}"#,
            r#"{"type":"sweep_point","point":{"tier":"simd","n":256,"median_ms":0.5}}"#,
        ];
        for m in msgs {
            let msg: SweepMsg = serde_json::from_str(m).unwrap_or_else(|e| panic!("{m}: {e}"));
            assert!(!st.apply(msg));
        }
        assert_eq!(st.progress, Some((RaceSide::one(TierKind::Js), 256, 0, 21)));
        let done: SweepMsg =
            serde_json::from_str(r#"{"type":"sweep_done","elapsed_ms":1234,"timed_out":false}"#)
                .unwrap();
        assert!(st.apply(done));
        assert!(st.finished && !st.running);
        let r = st.results();
        assert_eq!(
            r.iter().map(|x| x.side.tier).collect::<Vec<_>>(),
            [TierKind::Js, TierKind::Simd, TierKind::Relaxed]
        );
        assert_eq!(r[0].largest, Some((256, 2.5)));
        assert_eq!(r[0].missed, Some((512, Err("allocation failed".into()))));
        assert_eq!(r[1].largest, Some((256, 0.5)));
        assert_eq!(
            r[2].unavailable.as_deref(),
            Some("switched off for this run")
        );
        assert!(serde_json::from_str::<SweepMsg>(r#"{"type":"sweep_point"}"#).is_err());
        let nan: SweepMsg = serde_json::from_str(
            r#"{"type":"sweep_point","point":{"tier":"js","n":1024,"median_ms":-1}}"#,
        )
        .unwrap();
        assert!(matches!(nan, SweepMsg::SweepPoint { point } if point.median_ms.is_none()));
    }

    #[test]
    fn a_sweep_stopped_early_marks_the_tiers_that_had_not_missed_as_unfinished() {
        let (js, simd) = (TierKind::Js, TierKind::Simd);
        let budget = Budget {
            ms: 12.0,
            how: String::new(),
        };
        let (settings, _) = Settings::from_query("?steps=4&seed=3");
        let mut st = SweepState::starting(budget, SweepRun::of(&settings, TWO_CORES));
        assert_eq!(st.run.as_ref().map(|r| (r.steps, r.seed)), Some((4, 3)));
        // JS missed at 512 (its answer is final); SIMD fit 256 and 512 and was still going.
        st.points = vec![
            pt(js, 256, 3.0),
            pt(js, 512, 20.0),
            pt(simd, 256, 1.0),
            pt(simd, 512, 2.0),
        ];
        let while_running = st.results();
        assert!(!while_running[0].unfinished && while_running[1].unfinished);
        st.stop("cancelled");
        let r = st.results();
        assert_eq!((r[0].largest, r[0].unfinished), (Some((256, 3.0)), false));
        assert_eq!((r[1].largest, r[1].unfinished), (Some((512, 2.0)), true));
        // A sweep that finished normally: every answer is final.
        st.finished = true;
        assert!(st.results().iter().all(|x| !x.unfinished));
        // One that stopped at the time bound: the tiers still in it are lower bounds.
        st.timed_out = true;
        assert!(st.results()[1].unfinished);
    }

    #[test]
    fn the_request_carries_the_app_model_and_the_settings() {
        let (s, _) = Settings::from_query("?n=1024&agents=32&steps=2&seed=9&simd=off");
        let req = serde_json::to_value(SweepRequest::new(&s, 12.5, &SweepRun::of(&s, TWO_CORES)))
            .unwrap();
        assert_eq!(req["type"], "sweep");
        assert_eq!(
            (req["steps"].as_u64(), req["seed"].as_u64()),
            (Some(2), Some(9))
        );
        assert_eq!(req["budgetMs"], 12.5);
        assert_eq!(req["warmup"], 50, "100 simulated ms at 2 steps per frame");
        assert!(
            req["modules"]["simd"].is_null(),
            "?simd=off: no SIMD module"
        );
        let shapes = req["shapes"].as_array().unwrap();
        assert_eq!(shapes.len(), 16, "every 256 up to 4096");
        assert_eq!(req["weights"], "f32");
        let (b, _) = Settings::from_query("?weights=bf16");
        let req16 = serde_json::to_value(SweepRequest::new(&b, 12.5, &SweepRun::of(&b, TWO_CORES)))
            .unwrap();
        assert_eq!(
            (
                req16["weights"].as_str(),
                req16["shapes"].as_array().map(Vec::len)
            ),
            (Some("bf16"), Some(32)),
            "every 256 up to 8192"
        );
        assert_eq!(
            (shapes[0]["n"].as_u64(), shapes[0]["per"].as_u64()),
            (Some(256), Some(8))
        );
        assert_eq!(req["lif"].as_array().unwrap().len(), 9);
        assert_eq!(req["stdpParams"].as_array().unwrap().len(), 5);
        // Only the shape travels: the worker builds the network with the model's own code.
        assert_eq!(
            shapes[0].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["n", "per"]
        );
        assert_eq!(Shape::new(100, 0), Shape { n: 100, per: 100 });
        assert_eq!(Shape::new(4, 32), Shape { n: 4, per: 1 });
        assert_eq!(warmup_frames(4), 25);
        assert_eq!(warmup_frames(32), 4);
        assert_eq!(warmup_frames(100), 3);
        // ?simd=off: the threads run the scalar module, at 2 threads, the page's drive.
        assert_eq!(
            (
                req["threadsTier"].as_str(),
                req["threadCounts"].as_array().map(Vec::len),
                req["threadsBudgetMs"].as_f64(),
                req["driveHz"].as_f64()
            ),
            (Some("scalar"), Some(1), Some(THREADS_BUDGET_MS), Some(30.0))
        );
    }

    #[test]
    fn the_thread_counts_are_two_the_pages_own_and_every_core() {
        assert_eq!(thread_counts(1, 2), [2]);
        assert_eq!(thread_counts(1, 1), [2], "the row is there on one core too");
        assert_eq!(thread_counts(3, 8), [2, 3, 8]);
        assert_eq!(thread_counts(8, 8), [2, 8]);
        assert_eq!(thread_counts(1, 64), [2, THREADS_RANGE.1]);
        // The tier on threads: the page's wasm tier, else SIMD, else (simd=off) scalar.
        let tier = |q: &str| SweepRun::of(&Settings::from_query(q).0, TWO_CORES).threads_tier;
        assert_eq!(tier("?tier=relaxed"), TierKind::Relaxed);
        assert_eq!(tier("?tier=js"), TierKind::Simd);
        assert_eq!(tier("?tier=scalar"), TierKind::Scalar);
        assert_eq!(tier("?tier=simd&simd=off"), TierKind::Scalar);
    }

    #[test]
    fn rows_on_threads_follow_the_tiers_against_the_whole_frame_or_say_why_they_are_off() {
        let budget = Budget {
            ms: 12.0,
            how: String::new(),
        };
        let (s, _) = Settings::from_query("?threads=3");
        let env = ThreadEnv {
            cores: 4,
            can_share_memory: true,
        };
        let mut st = SweepState::starting(budget.clone(), SweepRun::of(&s, env));
        let simd = TierKind::Simd;
        let on = |k: u32, n: u32, ms: f64| Point {
            threads: k,
            ..pt(simd, n, ms)
        };
        // 14 ms misses the one-thread budget (12) but fits a frame on threads (16.7).
        st.points = vec![
            pt(simd, 256, 5.0),
            pt(simd, 512, 14.0),
            on(2, 256, 5.0),
            on(2, 512, 14.0),
            on(2, 768, 20.0),
            on(3, 256, 4.0),
        ];
        st.finished = true;
        st.running = false;
        let r = st.results();
        let sides: Vec<String> = r.iter().map(|x| x.side.key()).collect();
        assert_eq!(sides, ["simd", "simd:2", "simd:3", "simd:4"]);
        assert_eq!(r[0].largest, Some((256, 5.0)));
        assert_eq!(r[1].largest, Some((512, 14.0)));
        assert_eq!(r[1].missed, Some((768, Ok(20.0))));
        assert_eq!(r[2].largest, Some((256, 4.0)));
        assert_eq!(r[3].largest, None, "nothing timed at 4 threads");
        // A point without `threads` is one thread's.
        let p: Point = serde_json::from_str(r#"{"tier":"simd","n":256,"median_ms":1}"#).unwrap();
        assert_eq!(p.side(), Some(RaceSide::one(simd)));
        // A page that cannot share memory: one row on threads, with the reason; none asked for.
        let off = SweepRun::of(
            &s,
            ThreadEnv {
                cores: 4,
                can_share_memory: false,
            },
        );
        let req = serde_json::to_value(SweepRequest::new(&s, 12.0, &off)).unwrap();
        assert!(req["threadsTier"].is_null() && req["threadCounts"] == serde_json::json!([]));
        let st = SweepState::starting(budget, off);
        let r = st.results();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].side.key(), "simd:2");
        assert_eq!(
            r[0].unavailable.as_deref(),
            Some(crate::util::browser::NO_SHARED_MEMORY)
        );
        assert!(!r[0].unfinished);
    }
}
