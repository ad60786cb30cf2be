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
use sasi_kernels::ops::activation::Activation;
use sasi_kernels::ops::efficiency::{random_graph, words_per_row};
use sasi_kernels::ops::lif::{LifNeurons, LifParams};
use sasi_kernels::ops::stdp::StdpParams;
use sasi_kernels::rng::{pick_indices, uniform_vec};
use std::hint::black_box;
use std::time::Instant;

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
        let t = measure(|| {
            if batch == 1 {
                (dispatch::BEST.dense)(&w, &xs, &b, black_box(&mut y), m, n, Activation::Identity)
                    .unwrap();
            } else {
                (dispatch::BEST.dense_batch)(
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
            }
        });
        out.push((kernel.into(), size, t));
    }
    let ns: &[usize] = if full { &[1024, 4096] } else { &[1024] };
    for &n in ns.iter().filter(|_| want("lif_step")) {
        // The browser harness's LIF case (kernels/js/bench/bench.js): ≈ 5 % firing.
        let p = LifParams::one_ms(0.05, 1.5);
        let w = uniform_vec(31, n * n, 0.0, 0.004);
        let mut neurons = LifNeurons::new(uniform_vec(32, n, 0.0, 0.9), [1, 2, 3, 4]);
        let prev = pick_indices(33, n, 0.05);
        let mut o = vec![0u32; n];
        let t = measure(|| {
            (dispatch::BEST.lif_step)(&p, &mut neurons.state(), &w, &prev, &mut o).unwrap();
        });
        out.push(("lif_step".into(), n.to_string(), t));
    }
    for &n in ns.iter().filter(|_| want("stdp")) {
        let p = StdpParams::from_slice(&[1e-5, 1.05e-5, 0.2, 0.0, 0.0]).unwrap();
        let mut w = uniform_vec(41, n * n, 0.05, 0.15);
        let trace = uniform_vec(42, n, 0.0, 1.0);
        let spikes = pick_indices(43, n, 0.05);
        out.push((
            "stdp".into(),
            n.to_string(),
            measure(|| {
                (dispatch::BEST.stdp)(black_box(&mut w), n, &trace, &spikes, &p).unwrap();
            }),
        ));
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
