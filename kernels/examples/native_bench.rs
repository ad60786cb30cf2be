//! The native ceiling: the same Rust kernels (`dispatch`, i.e. the SIMD source at SSE2 width on
//! x86_64), the same sizes and the same timing scheme as the browser harness
//! (`kernels/js/bench/bench.js`): warm-up, batches of calls of ≥ 2 ms, 15 batches, median.
//! Prints a JSON array `[{kernel, size, median_ns}]` on stdout and a table on stderr.
//!
//! `cargo run --release -p sasi-kernels --example native_bench [quick|full] [KERNEL]`: with
//! `KERNEL` (e.g. `stdp`), only the cases whose kernel name starts with it.
// A test/tool, not library code: a failed call should stop it with its message.
#![allow(clippy::unwrap_used)]
use sasi_kernels::dispatch;
use sasi_kernels::model;
use sasi_kernels::ops::activation::Activation;
use sasi_kernels::ops::efficiency::{random_graph, words_per_row};
use sasi_kernels::ops::lif::LifNeurons;
use sasi_kernels::rng::{uniform_vec, Rng};
use std::hint::black_box;
use std::time::Instant;

/// The app's run at N after 500 steps, as the browser harness takes it (bench.js `LIVE`,
/// `liveModel(…).snapshot(n)`): seeded network (seed 7, agents of N / 64), drive 30 Hz, LIF
/// then STDP each step in the scalar table (the module the harness builds it in, so the bits
/// are the same); `prev`: the last step's spikes; `typical`: the spikes of the first later step
/// within max(1, 25 %) of the warm-up's mean count (the STDP case's).
struct LiveSnap {
    w: Vec<f32>,
    neurons: LifNeurons,
    prev: Vec<u32>,
    typical: Vec<u32>,
}

fn live_snapshot(n: usize) -> LiveSnap {
    let k = dispatch::scalar();
    let (lif, stdp) = (model::lif_params(30.0), model::stdp_params());
    let (mut w, v, lanes) = model::initial_network(n, (n / 64).max(1), &mut Rng::new(7));
    let mut neurons = LifNeurons::new(v, lanes);
    let mut out = vec![0u32; n];
    let mut step = |w: &mut Vec<f32>, neurons: &mut LifNeurons, prev: &[u32]| -> Vec<u32> {
        let c = (k.lif_step)(&lif, &mut neurons.state(), w, prev, &mut out).expect("a live step");
        let spikes = out[..c].to_vec();
        if c > 0 {
            (k.stdp)(w, n, &neurons.trace, &spikes, &stdp).expect("a live update");
        }
        spikes
    };
    let (mut prev, mut total) = (Vec::new(), 0usize);
    for _ in 0..500 {
        prev = step(&mut w, &mut neurons, &prev);
        total += prev.len();
    }
    let mean = total as f64 / 500.0;
    let snap = (
        w.clone(),
        neurons.v.clone(),
        neurons.refr.clone(),
        neurons.trace.clone(),
        neurons.syn.clone(),
        neurons.rng,
        prev.clone(),
    );
    let mut typical = None;
    let mut last = prev.clone();
    for _ in 0..64 {
        last = step(&mut w, &mut neurons, &last);
        if (last.len() as f64 - mean).abs() <= (0.25 * mean).max(1.0) {
            typical = Some(last.clone());
            break;
        }
    }
    let (w, v, refr, trace, syn, rng, prev) = snap;
    LiveSnap {
        w,
        neurons: LifNeurons {
            v,
            refr,
            trace,
            syn,
            rng,
        },
        typical: typical.unwrap_or_else(|| prev.clone()),
        prev,
    }
}

/// The best table in each form of kernel `kernel` (a `dispatch::VARIANT_KERNELS` index).
fn forms(kernel: usize) -> Vec<dispatch::Kernels> {
    (0..dispatch::FORMS[kernel].len())
        .filter_map(|f| dispatch::with_form(dispatch::BEST, kernel, f))
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// ns per call, median of 15 batches of ≥ 2 ms after ≥ 50 ms of warm-up.
fn measure(mut call: impl FnMut()) -> f64 {
    measure_ring(|_| call(), || {}, u32::MAX)
}

/// The same for a ring of `ring` fresh inputs, as in the browser harness: a batch runs in
/// segments of at most `ring` calls, each after an untimed `reset`, and sums their times.
fn measure_ring(mut call: impl FnMut(usize), mut reset: impl FnMut(), ring: u32) -> f64 {
    let mut batch = |k: u32| {
        let mut total = 0.0;
        let mut done = 0;
        while done < k {
            let c = ring.min(k - done);
            reset();
            let s = Instant::now();
            for i in 0..c {
                call(i as usize);
            }
            total += s.elapsed().as_secs_f64();
            done += c;
        }
        total / k as f64
    };
    let t0 = Instant::now();
    let mut per = batch(1);
    while t0.elapsed().as_secs_f64() < 0.05 {
        per = batch(3);
    }
    let k = ((0.002 / per.max(1e-9)).ceil() as u32).max(1);
    median((0..15).map(|_| batch(k) * 1e9).collect())
}

/// Bytes of input copies an in-place case keeps (as `RING_BYTES` in kernels/js/bench/bench.js).
const RING_BYTES: usize = 8 << 20;

fn main() {
    let full = std::env::args().nth(1).as_deref() != Some("quick");
    let only = std::env::args().nth(2).unwrap_or_default();
    let want = |kernel: &str| kernel.starts_with(only.as_str());
    let mut out: Vec<(String, String, f64)> = Vec::new();
    let act_n = if full { 1_048_576 } else { 65_536 };
    for (name, act) in [
        ("activation_relu", Activation::Relu),
        ("activation_sigmoid", Activation::Sigmoid),
        ("activation_tanh", Activation::Tanh),
        ("activation_gelu", Activation::Gelu),
    ] {
        if !want(name) {
            continue;
        }
        let input = uniform_vec(11, act_n, -8.0, 8.0);
        // The browser harness's ring: 8 MB of copies, each call on a fresh one.
        let copies = (RING_BYTES / (4 * act_n)).clamp(1, 256);
        let ring = std::cell::RefCell::new(vec![input.clone(); copies]);
        let t = measure_ring(
            |i| (dispatch::BEST.act_apply)(act, black_box(&mut ring.borrow_mut()[i % copies])),
            || {
                ring.borrow_mut()
                    .iter_mut()
                    .for_each(|c| c.copy_from_slice(&input))
            },
            copies as u32,
        );
        out.push((name.into(), act_n.to_string(), t));
    }
    let sizes: &[usize] = if full {
        &[64, 256, 512, 1024, 2048]
    } else {
        &[64, 256, 1024]
    };
    let mut dense_cases: Vec<(usize, usize, usize)> = sizes.iter().map(|&s| (s, s, 1)).collect();
    dense_cases.push((32, 32, 64));
    if full {
        dense_cases.push((64, 64, 2048));
    }
    for (m, n, batch) in dense_cases {
        if !want(if batch == 1 { "dense" } else { "dense_batch" }) {
            continue;
        }
        let w = uniform_vec(21, m * n, -0.5, 0.5);
        let xs = uniform_vec(22, batch * n, -1.0, 1.0);
        let b = uniform_vec(23, m, -0.1, 0.1);
        let mut y = vec![0.0; batch * m];
        let (kernel, size) = if batch == 1 {
            ("dense", format!("{m}x{n}"))
        } else {
            ("dense_batch", format!("{batch}x{n}x{m}"))
        };
        let t = if batch == 1 {
            measure(|| {
                (dispatch::BEST.dense)(&w, &xs, &b, black_box(&mut y), m, n, Activation::Identity)
                    .unwrap();
            })
        } else {
            // The GEMM in both forms (broadcast, shuffle), as a module's calibration would:
            // the faster counts.
            forms(4)
                .into_iter()
                .map(|k| {
                    measure(|| {
                        (k.dense_batch)(
                            &w,
                            &xs,
                            &b,
                            black_box(&mut y),
                            m,
                            n,
                            batch,
                            Activation::Identity,
                        )
                        .unwrap();
                    })
                })
                .fold(f64::INFINITY, f64::min)
        };
        out.push((kernel.into(), size, t));
    }
    let ns: &[usize] = if full { &[1024, 4096] } else { &[1024] };
    for &n in ns.iter().filter(|_| want("lif_step")) {
        // The browser harness's LIF case (kernels/js/bench/bench.js `lifCase`): the app's run
        // after its warm-up, each call one step from the last call's spikes. Both forms
        // (dispatch::with_form), as a module's calibration would: the faster counts.
        let t = forms(0)
            .into_iter()
            .map(|k| {
                let LiveSnap {
                    w,
                    mut neurons,
                    prev,
                    ..
                } = live_snapshot(n);
                let p = model::lif_params(30.0);
                let (mut prev, mut o) = (prev, vec![0u32; n]);
                measure(|| {
                    let c = (k.lif_step)(&p, &mut neurons.state(), &w, &prev, &mut o).unwrap();
                    prev.clear();
                    prev.extend_from_slice(&o[..c]);
                })
            })
            .fold(f64::INFINITY, f64::min);
        out.push(("lif_step".into(), n.to_string(), t));
    }
    for &n in ns.iter().filter(|_| want("stdp")) {
        // `stdpCase`: the app's weights and traces after the warm-up, a typical step's spikes;
        // both forms, the faster counts.
        let t = forms(1)
            .into_iter()
            .map(|k| {
                let LiveSnap {
                    mut w,
                    neurons,
                    typical,
                    ..
                } = live_snapshot(n);
                let p = model::stdp_params();
                measure(|| {
                    (k.stdp)(black_box(&mut w), n, &neurons.trace, &typical, &p).unwrap();
                })
            })
            .fold(f64::INFINITY, f64::min);
        out.push(("stdp".into(), n.to_string(), t));
    }
    let es: &[usize] = if full { &[256, 1024] } else { &[256] };
    for &n in es.iter().filter(|_| want("efficiency")) {
        let wpr = words_per_row(n);
        // The graph kernels/js/bench/bench.js builds: undirected, mean degree ≈ 4.
        let adj = random_graph(n, 8.0 / 2.0 / n as f32, 51, true);
        out.push((
            "efficiency".into(),
            n.to_string(),
            measure(|| {
                black_box((dispatch::BEST.efficiency)(&adj, n, wpr).unwrap());
            }),
        ));
    }
    let json: Vec<String> = out
        .iter()
        .map(|(k, s, t)| format!("{{\"kernel\":\"{k}\",\"size\":\"{s}\",\"median_ns\":{t:.1}}}"))
        .collect();
    println!("[{}]", json.join(","));
    eprintln!(
        "native (SSE2 width, {}):",
        if cfg!(target_arch = "x86_64") {
            "x86_64"
        } else {
            "other"
        }
    );
    for (k, s, t) in &out {
        eprintln!("  {k:<20} {s:<12} {:>12.1} µs", t / 1000.0);
    }
}
