//! The app's network (`sasi_kernels::model`: its parameters and seeded initial state) run
//! natively with the real kernels (`dispatch::best()`: `lif_step` then `stdp_update` every
//! 1 ms step, as `src/runtime/sim.rs` does) and checked against a band of healthy dynamics:
//! - the population's mean firing rate stays within [`RATE_BAND`] in every 10 s window after
//!   the first (no collapse to silence, no runaway bursting),
//! - the fraction of the initial synapses still alive stays above [`LIVE_FLOOR`],
//! - the mean live weight stays below [`MEAN_W_CEILING`] of `w_max`, at most
//!   [`AT_CLIP_CEILING`] of the live synapses sit at the clip and their spread (coefficient
//!   of variation) stays below [`CV_CEILING`] (no split into pruned and clipped groups),
//! - the app's mesh (the agent graph the page draws) keeps at least [`MESH_KEPT_FLOOR`] of its
//!   initial edges and of its initial global efficiency.
//!
//! `cargo test` runs 60 s at N = 1024 and 2 s at N = 256, 1024, 4096 (issue 14: the rate stays
//! in the band at every N). The 600 s runs at N = 1024 and 2048 (issue 16), each with f32 and
//! with bfloat16 weights (issue 30: both in the band, and the bf16 run's mean rate and mesh
//! efficiency within [`BF16_DRIFT`] of the f32 run's), run in optimised
//! builds only (unoptimised they would take many minutes): `make test` runs them as
//! `cargo test --release -p sasi-kernels --test plasticity ten_minutes -- --nocapture`, which
//! prints one line per 10 s window, the mesh's edges and efficiency included.
// A test/tool, not library code: a failed call should stop it with its message.
#![allow(clippy::unwrap_used)]
#![cfg(not(target_arch = "wasm32"))]
use sasi_kernels::dispatch::{self, BlockSumsFn, LifFn, StdpFn};
use sasi_kernels::model;
use sasi_kernels::ops::efficiency::words_per_row;
use sasi_kernels::ops::lif::LifNeurons;
use sasi_kernels::ops::weight::Weight;
use sasi_kernels::rng::Rng;

/// Mean firing rate per neuron, Hz, in every window after the settling one.
const RATE_BAND: (f64, f64) = (1.0, 50.0);
/// Live synapses, as a fraction of the initial ones.
const LIVE_FLOOR: f64 = 0.9;
/// Mean live weight, as a fraction of `w_max`.
const MEAN_W_CEILING: f64 = 0.6;
/// Live synapses at `w_max`, as a fraction.
const AT_CLIP_CEILING: f64 = 0.05;
/// Coefficient of variation of the live weights (initially ≈ 0.3).
const CV_CEILING: f64 = 1.0;
/// The mesh's edges and its global efficiency, each as a fraction of the initial mesh's: the
/// mesh may change (STDP moves agent pairs across the threshold fixed at the start, and as the
/// weights' spread narrows fewer pairs stay above a threshold taken from the initial spread's
/// tail), but not thin out (the earlier rule took 64 agents from ~300 edges to ~40 and the
/// efficiency from 0.54 to 0.09 within 300 s at N = 2048). Measured: ≥ 0.71 and ≥ 0.72 over
/// 600 s at N = 2048, above 1 at N = 1024.
const MESH_KEPT_FLOOR: f64 = 0.5;

/// The app's defaults (`src/runtime/params.rs`): 64 agents, drive 30 Hz, seed 7.
const AGENTS: usize = 64;
const DRIVE_HZ: f32 = 30.0;

#[derive(Clone, Copy, Debug)]
struct Window {
    /// End of the window, simulated seconds.
    t: f64,
    rate_hz: f64,
    live: f64,
    mean_w: f64,
    at_clip: f64,
    /// Coefficient of variation of the live weights (STDP spreads them; a split into pruned
    /// and clipped groups would drive it up).
    cv: f64,
    /// The app's mesh at the end of the window (`model::agent_edges` over the agents' summed
    /// weights, the threshold fixed from the initial weights as a Reset fixes it): its edge
    /// count and global efficiency, the figures the page shows, and each as a fraction of the
    /// initial mesh's.
    edges: usize,
    edges_kept: f64,
    efficiency: f64,
    efficiency_kept: f64,
}

/// The mesh the app draws from `w`: agent × agent block sums, then the edges above `threshold`
/// (`None`: the threshold of these weights, as a Reset takes it) and their global efficiency.
fn mesh<W: Weight>(
    k: &dispatch::Kernels,
    sums_of: BlockSumsFn<W>,
    w: &[W],
    n: usize,
    threshold: Option<f32>,
) -> (f32, usize, f64) {
    let per = n / AGENTS;
    let mut sums = vec![0.0f32; AGENTS * AGENTS];
    sums_of(w, n, per, 0, AGENTS, &mut sums).unwrap();
    let threshold = threshold.unwrap_or_else(|| model::edge_threshold(&sums, AGENTS));
    let (edges, bits) = model::agent_edges(&sums, AGENTS, threshold);
    let efficiency = (k.efficiency)(&bits, AGENTS, words_per_row(AGENTS)).unwrap();
    (threshold, edges.len(), efficiency)
}

/// The kernels of one weight storage (`ops::weight`): f32 or bfloat16.
struct Storage<W: Weight> {
    lif_step: LifFn<W>,
    stdp: StdpFn<W>,
    block_sums: BlockSumsFn<W>,
}

fn f32_storage() -> Storage<f32> {
    let k = dispatch::best();
    Storage {
        lif_step: k.lif_step,
        stdp: k.stdp,
        block_sums: k.block_sums,
    }
}

fn bf16_storage() -> Storage<u16> {
    let k = dispatch::best();
    Storage {
        lif_step: k.lif_step_bf16,
        stdp: k.stdp_bf16,
        block_sums: k.block_sums_bf16,
    }
}

/// `seconds` of simulated time at N neurons, statistics every `window_s` seconds.
fn simulate(n: usize, seconds: f64, window_s: f64, seed: u32) -> Vec<Window> {
    simulate_in(&f32_storage(), n, seconds, window_s, seed)
}

/// [`simulate`] with the weights stored as `W` (the seeded f32 weights encoded once, as the
/// app seeds a bf16 run).
fn simulate_in<W: Weight>(
    st: &Storage<W>,
    n: usize,
    seconds: f64,
    window_s: f64,
    seed: u32,
) -> Vec<Window> {
    let k = dispatch::best();
    let per = n / AGENTS;
    let mut rng = Rng::new(seed);
    let (w32, v, lanes) = model::initial_network(n, per, &mut rng);
    let mut w: Vec<W> = w32.iter().map(|&x| W::put(x)).collect();
    let lif = model::lif_params(DRIVE_HZ);
    let sp = model::stdp_params();
    let initial_live = w.iter().filter(|x| x.get() > 0.0).count() as f64;
    let (threshold, edges0, efficiency0) = mesh(&k, st.block_sums, &w, n, None);
    let mut neurons = LifNeurons::new(v, lanes);
    let (mut prev, mut out) = (Vec::new(), vec![0u32; n]);
    let steps_per_window = (window_s * 1000.0).round() as usize;
    let windows = (seconds / window_s).round() as usize;
    let mut stats = Vec::with_capacity(windows);
    for wi in 0..windows {
        let mut spikes = 0usize;
        for _ in 0..steps_per_window {
            let c = (st.lif_step)(&lif, &mut neurons.state(), &w, &prev, &mut out).unwrap();
            (st.stdp)(&mut w, n, &neurons.trace, &out[..c], &sp).unwrap();
            spikes += c;
            prev.clear();
            prev.extend_from_slice(&out[..c]);
        }
        let live: Vec<f32> = w.iter().map(|x| x.get()).filter(|&x| x > 0.0).collect();
        let mean_w = live.iter().map(|&x| x as f64).sum::<f64>() / live.len().max(1) as f64;
        let at_clip = live.iter().filter(|&&x| x >= sp.w_max).count() as f64;
        let var = live
            .iter()
            .map(|&x| (x as f64 - mean_w).powi(2))
            .sum::<f64>()
            / live.len().max(1) as f64;
        let (_, edges, efficiency) = mesh(&k, st.block_sums, &w, n, Some(threshold));
        stats.push(Window {
            t: (wi + 1) as f64 * window_s,
            rate_hz: spikes as f64 / (n as f64 * window_s),
            live: live.len() as f64 / initial_live,
            mean_w: mean_w / sp.w_max as f64,
            at_clip: at_clip / live.len().max(1) as f64,
            cv: var.sqrt() / mean_w.max(f64::MIN_POSITIVE),
            edges,
            edges_kept: edges as f64 / edges0.max(1) as f64,
            efficiency,
            efficiency_kept: efficiency / efficiency0.max(f64::MIN_POSITIVE),
        });
    }
    stats
}

fn print(n: usize, stats: &[Window]) {
    for s in stats {
        println!(
            "N={n} t={:6.1}s rate {:6.2} Hz  live {:5.3}  mean w {:5.3} w_max  at clip {:5.3}  cv {:5.3}  mesh {:3} edges ({:4.2} of the first), efficiency {:5.3} ({:4.2})",
            s.t, s.rate_hz, s.live, s.mean_w, s.at_clip, s.cv, s.edges, s.edges_kept, s.efficiency, s.efficiency_kept
        );
    }
}

/// Every window after the first `settle` ones is inside the band.
fn assert_band(n: usize, stats: &[Window], settle: usize) {
    print(n, stats);
    for s in &stats[settle..] {
        assert!(
            (RATE_BAND.0..=RATE_BAND.1).contains(&s.rate_hz),
            "N={n} t={}: rate {} Hz outside {RATE_BAND:?}",
            s.t,
            s.rate_hz
        );
        assert!(
            s.live >= LIVE_FLOOR,
            "N={n} t={}: live fraction {}",
            s.t,
            s.live
        );
        assert!(
            s.mean_w <= MEAN_W_CEILING,
            "N={n} t={}: mean weight {} w_max",
            s.t,
            s.mean_w
        );
        assert!(
            s.at_clip <= AT_CLIP_CEILING,
            "N={n} t={}: {} at the clip",
            s.t,
            s.at_clip
        );
        assert!(
            s.cv <= CV_CEILING,
            "N={n} t={}: weight spread {}",
            s.t,
            s.cv
        );
        assert!(
            s.edges_kept >= MESH_KEPT_FLOOR && s.efficiency_kept >= MESH_KEPT_FLOOR,
            "N={n} t={}: the mesh thinned to {} edges ({} of the first), efficiency {} ({})",
            s.t,
            s.edges,
            s.edges_kept,
            s.efficiency,
            s.efficiency_kept
        );
    }
}

#[test]
fn a_minute_at_1024_stays_in_the_band() {
    let stats = simulate(1024, 60.0, 10.0, 7);
    assert_band(1024, &stats, 1);
}

#[test]
fn the_rate_stays_in_the_band_at_every_n() {
    // 2 s at each N, the first 0.5 s left to settle: the weight scaling keeps the regime.
    for n in [256, 1024, 4096] {
        let stats = simulate(n, 2.0, 0.5, 7);
        print(n, &stats);
        for s in &stats[1..] {
            assert!(
                (RATE_BAND.0..=RATE_BAND.1).contains(&s.rate_hz),
                "N={n} t={}: rate {} Hz outside {RATE_BAND:?}",
                s.t,
                s.rate_hz
            );
        }
    }
}

/// How far the bf16 run may drift from the f32 run (issue 30): its mean firing rate and mean
/// mesh efficiency over the windows after the first, as a fraction of the f32 run's.
const BF16_DRIFT: f64 = 0.10;

/// 600 s at N in both weight storages (one thread each), every window of both in the band,
/// and the bf16 run's mean rate and mesh efficiency within [`BF16_DRIFT`] of the f32 run's.
fn ten_minutes_in_both_storages(n: usize) {
    let (f, h) = std::thread::scope(|s| {
        let f = s.spawn(|| simulate_in(&f32_storage(), n, 600.0, 10.0, 7));
        let h = s.spawn(|| simulate_in(&bf16_storage(), n, 600.0, 10.0, 7));
        (f.join().unwrap(), h.join().unwrap())
    });
    println!("f32 weights:");
    assert_band(n, &f, 1);
    println!("bf16 weights:");
    assert_band(n, &h, 1);
    let mean = |w: &[Window], get: fn(&Window) -> f64| {
        w[1..].iter().map(get).sum::<f64>() / (w.len() - 1) as f64
    };
    for (what, get) in [
        (
            "firing rate",
            (|w: &Window| w.rate_hz) as fn(&Window) -> f64,
        ),
        ("mesh efficiency", |w: &Window| w.efficiency),
    ] {
        let (a, b) = (mean(&f, get), mean(&h, get));
        println!(
            "N={n} mean {what}: f32 {a:.4}, bf16 {b:.4} ({:+.2} %)",
            (b / a - 1.0) * 100.0
        );
        assert!(
            (b / a - 1.0).abs() <= BF16_DRIFT,
            "N={n}: bf16 mean {what} {b} is more than {BF16_DRIFT} from the f32 run's {a}"
        );
    }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "600 s of simulated time: run optimised, as `make test` does (module doc)"
)]
fn ten_minutes_at_1024_stay_in_the_band() {
    ten_minutes_in_both_storages(1024);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "600 s of simulated time: run optimised, as `make test` does (module doc)"
)]
fn ten_minutes_at_2048_stay_in_the_band() {
    ten_minutes_in_both_storages(2048);
}

/// Exploration: `SOAK_N`, `SOAK_S` env vars, prints the windows.
#[test]
#[ignore = "exploration helper"]
fn explore() {
    let n: usize = std::env::var("SOAK_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1024);
    let s: f64 = std::env::var("SOAK_S")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60.0);
    let t0 = std::time::Instant::now();
    let stats = simulate(n, s, 10.0f64.min(s / 4.0), 7);
    print(n, &stats);
    println!("{:.1} s wall", t0.elapsed().as_secs_f64());
}
