//! Every kernel, scalar and SIMD, against the f64 reference and against each other.
#![cfg(not(target_arch = "wasm32"))]
use proptest::prelude::*;
use sasi_kernels::activation::{apply_one, apply_scalar, apply_simd, exp_scalar, Activation};
use sasi_kernels::blocks::{block_sums_scalar, block_sums_simd};
use sasi_kernels::dense::{dense_batch_scalar, dense_batch_simd, dense_scalar, dense_simd};
use sasi_kernels::efficiency::{efficiency_scalar, efficiency_simd, random_graph, words_per_row};
use sasi_kernels::error::KernelError;
use sasi_kernels::lif::{lif_step_scalar, lif_step_simd, LifParams};
use sasi_kernels::reference;
use sasi_kernels::rng::{fill_uniform, uniform_vec, Rng};
use sasi_kernels::stdp::{stdp_scalar, stdp_simd, StdpParams};

const LENGTHS: [usize; 8] = [0, 1, 3, 4, 5, 17, 1023, 4097];

fn same_bits(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

#[test]
fn exp_is_accurate_and_has_the_right_limits() {
    let mut worst = 0.0f64;
    let mut x = -87.0f32;
    while x < 88.0 {
        let r = (x as f64).exp();
        worst = worst.max(((exp_scalar(x) as f64 - r) / r).abs());
        x += 0.0137;
    }
    assert!(worst < 4e-7, "max relative error {worst}");
    assert_eq!(exp_scalar(f32::INFINITY), f32::INFINITY);
    assert_eq!(exp_scalar(f32::NEG_INFINITY), 0.0);
    assert_eq!(exp_scalar(100.0), f32::INFINITY);
    assert_eq!(exp_scalar(-100.0), 0.0);
    assert!(exp_scalar(f32::NAN).is_nan());
    assert_eq!(exp_scalar(0.0), 1.0);
}

#[test]
fn activations_within_2e6_of_f64_on_a_dense_grid() {
    let grid: Vec<f32> = (0..=400_000).map(|i| -20.0 + i as f32 * 1e-4).collect();
    for act in Activation::ALL {
        for (name, f) in [
            ("scalar", apply_scalar as fn(Activation, &mut [f32])),
            ("simd", apply_simd),
        ] {
            let mut y = grid.clone();
            f(act, &mut y);
            let worst = grid
                .iter()
                .zip(&y)
                .map(|(&x, &v)| (v as f64 - reference::activation(act, x as f64)).abs())
                .fold(0.0, f64::max);
            assert!(worst <= 2e-6, "{name} {act:?}: max abs error {worst}");
        }
    }
}

#[test]
fn activation_special_values() {
    let inf = f32::INFINITY;
    let cases: [(Activation, [f32; 2]); 6] = [
        (Activation::Identity, [inf, -inf]),
        (Activation::Relu, [inf, 0.0]),
        (Activation::LeakyRelu, [inf, -inf]),
        (Activation::Sigmoid, [1.0, 0.0]),
        (Activation::Tanh, [1.0, -1.0]),
        (Activation::Gelu, [inf, 0.0]),
    ];
    for (act, [at_pos, at_neg]) in cases {
        for f in [apply_scalar as fn(Activation, &mut [f32]), apply_simd] {
            // Lanes 0..4 go through the vector path in the SIMD version, lane 4 through the tail.
            let mut v = [inf, -inf, f32::NAN, 0.0, f32::NAN];
            f(act, &mut v);
            assert_eq!(v[0], at_pos, "{act:?}(+inf)");
            assert_eq!(v[1], at_neg, "{act:?}(-inf)");
            assert!(v[2].is_nan() && v[4].is_nan(), "{act:?}(NaN) must be NaN");
            assert_eq!(v[3], reference::activation(act, 0.0) as f32, "{act:?}(0)");
        }
    }
}

#[test]
fn activations_scalar_and_simd_agree_bitwise_at_every_length() {
    for &len in &LENGTHS {
        let mut x = vec![0.0f32; len];
        fill_uniform(len as u32 + 1, &mut x, -30.0, 30.0);
        for act in Activation::ALL {
            let (mut a, mut b) = (x.clone(), x.clone());
            apply_scalar(act, &mut a);
            apply_simd(act, &mut b);
            assert!(same_bits(&a, &b), "{act:?} len {len}");
        }
    }
}

fn check_dense(m: usize, n: usize, batch: usize, act: Activation, seed: u32) {
    let w = uniform_vec(seed, m * n, -1.0, 1.0);
    let xs = uniform_vec(seed + 1, batch * n, -1.0, 1.0);
    let b = uniform_vec(seed + 2, m, -0.5, 0.5);
    let mut outs = Vec::new();
    if batch == 1 {
        for f in [
            dense_scalar
                as fn(
                    &[f32],
                    &[f32],
                    &[f32],
                    &mut [f32],
                    usize,
                    usize,
                    Activation,
                ) -> Result<(), KernelError>,
            dense_simd,
        ] {
            let mut y = vec![f32::NAN; m];
            f(&w, &xs, &b, &mut y, m, n, act).unwrap();
            outs.push(y);
        }
    }
    for f in [
        dense_batch_scalar
            as fn(
                &[f32],
                &[f32],
                &[f32],
                &mut [f32],
                usize,
                usize,
                usize,
                Activation,
            ) -> Result<(), KernelError>,
        dense_batch_simd,
    ] {
        let mut y = vec![f32::NAN; m * batch];
        f(&w, &xs, &b, &mut y, m, n, batch, act).unwrap();
        outs.push(y);
    }
    for k in 0..batch {
        let (r, mag) = reference::dense(&w, &xs[k * n..(k + 1) * n], &b, m, n, act);
        for y in &outs {
            for i in 0..m {
                let got = y[k * m + i] as f64;
                // Summation error of n products in f32, plus the activation's own 2e-6.
                let tol = 4.0 * f32::EPSILON as f64 * (n as f64).sqrt() * mag[i] + 2e-6;
                assert!(
                    (got - r[i]).abs() <= tol,
                    "m={m} n={n} B={batch} {act:?} [{k},{i}]: {got} vs {}",
                    r[i]
                );
            }
        }
    }
}

#[test]
fn dense_against_f64_at_odd_shapes() {
    for (m, n) in [
        (1, 1),
        (1, 3),
        (3, 1),
        (5, 7),
        (17, 33),
        (64, 64),
        (255, 257),
        (256, 256),
    ] {
        for batch in [1, 2, 4, 5, 9] {
            check_dense(
                m,
                n,
                batch,
                Activation::Identity,
                (m * 31 + n + batch) as u32,
            );
        }
        check_dense(m, n, 6, Activation::Tanh, 99);
        check_dense(m, n, 1, Activation::Relu, 7);
    }
    check_dense(2048, 2048, 1, Activation::Identity, 5);
}

#[test]
fn dense_rejects_bad_shapes_without_writing() {
    let w = vec![1.0; 12];
    let x = vec![1.0; 4];
    let b = vec![0.0; 3];
    let mut y = vec![7.0; 3];
    let f = dense_simd;
    assert_eq!(
        f(&w, &x, &b, &mut y, 3, 5, Activation::Identity),
        Err(KernelError::LengthMismatch)
    );
    assert_eq!(
        f(&w, &x[..3], &b, &mut y, 3, 4, Activation::Identity),
        Err(KernelError::LengthMismatch)
    );
    assert_eq!(
        f(&w, &x, &b, &mut y, 0, 4, Activation::Identity),
        Err(KernelError::ZeroSize)
    );
    assert_eq!(
        f(&[], &[], &[], &mut [], 0, 0, Activation::Identity),
        Err(KernelError::ZeroSize)
    );
    let big = vec![0.0; 4097];
    assert_eq!(
        f(
            &big,
            &big,
            &[0.0],
            &mut [0.0],
            1,
            4097,
            Activation::Identity
        ),
        Err(KernelError::TooLarge)
    );
    assert_eq!(
        dense_batch_scalar(&w, &x, &b, &mut y, 3, 4, 2, Activation::Identity),
        Err(KernelError::LengthMismatch)
    );
    assert_eq!(y, vec![7.0; 3], "nothing written on error");
    dense_scalar(&w, &x, &b, &mut y, 3, 4, Activation::Identity).unwrap();
    assert_eq!(y, vec![4.0; 3]);
}

/// A small seeded network like the app's: block weights, random potentials.
fn network(n: usize, seed: u32) -> (Vec<f32>, Vec<f32>) {
    let mut r = Rng::new(seed);
    let mut w = vec![0.0f32; n * n];
    for j in 0..n {
        for i in 0..n {
            if i != j && r.next_f32() < 0.2 {
                w[j * n + i] = 0.02 + 0.1 * r.next_f32();
            }
        }
    }
    let v = (0..n).map(|_| r.next_f32()).collect();
    (w, v)
}

fn lif_params() -> LifParams {
    LifParams::from_slice(&[
        1.0,
        20.0,
        0.0,
        0.0,
        1.0,
        2.0,
        (-1.0f32 / 20.0).exp(),
        0.03,
        0.5,
    ])
    .unwrap()
}

type LifFn = fn(
    &LifParams,
    &mut [f32],
    &mut [f32],
    &mut [f32],
    &mut [f32],
    &[f32],
    &[u32],
    &mut [u32; 4],
    &mut [u32],
) -> Result<usize, KernelError>;
type StdpFn = fn(&mut [f32], usize, &[f32], &[u32], &StdpParams) -> Result<usize, KernelError>;

/// What `run` returns: spike lists per step, final v, trace and weights, total pruned.
type Run = (Vec<Vec<u32>>, Vec<f32>, Vec<f32>, Vec<f32>, usize);

/// Runs `steps` LIF (+ optional STDP) steps; returns the spike lists and the final state.
fn run(n: usize, steps: usize, lif: LifFn, stdp: Option<StdpFn>) -> Run {
    let (mut w, mut v) = network(n, 11);
    let p = lif_params();
    let sp = StdpParams::from_slice(&[0.004, 0.0042, 0.2, 0.005, 0.0]).unwrap();
    let (mut refr, mut trace, mut syn) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut rng = [1, 2, 3, 4];
    let (mut prev, mut out) = (Vec::new(), vec![0u32; n]);
    let mut all = Vec::new();
    let mut pruned = 0;
    for _ in 0..steps {
        let k = lif(
            &p, &mut v, &mut refr, &mut trace, &mut syn, &w, &prev, &mut rng, &mut out,
        )
        .unwrap();
        if let Some(f) = stdp {
            pruned += f(&mut w, n, &trace, &out[..k], &sp).unwrap();
        }
        prev = out[..k].to_vec();
        all.push(prev.clone());
    }
    (all, v, trace, w, pruned)
}

#[test]
fn lif_scalar_and_simd_agree_exactly_at_odd_sizes() {
    for n in [1, 3, 4, 5, 33, 130, 1023] {
        let a = run(n, 150, lif_step_scalar, None);
        let b = run(n, 150, lif_step_simd, None);
        assert_eq!(a.0, b.0, "spike lists differ at n={n}");
        assert!(
            same_bits(&a.1, &b.1) && same_bits(&a.2, &b.2),
            "state differs at n={n}"
        );
        let total: usize = a.0.iter().map(Vec::len).sum();
        if n >= 33 {
            assert!(total > 0, "n={n}: the network should fire");
        }
    }
}

#[test]
fn lif_with_stdp_agrees_exactly_and_prunes() {
    let a = run(257, 300, lif_step_scalar, Some(stdp_scalar));
    let b = run(257, 300, lif_step_simd, Some(stdp_simd));
    assert_eq!(a.0, b.0);
    assert!(same_bits(&a.3, &b.3), "weights differ");
    assert_eq!(a.4, b.4);
    assert!(a.4 > 0, "some synapses are pruned");
}

#[test]
fn lif_hand_computed_step() {
    // Two neurons: 0 fires from a big synaptic input, 1 is refractory, drive off.
    let p = LifParams::from_slice(&[1.0, 10.0, 0.0, -0.1, 1.0, 3.0, 0.5, 0.0, 0.3]).unwrap();
    let w = vec![0.0, 0.0, 2.0, 0.0]; // 1 → 0 with weight 2
    for f in [lif_step_scalar as LifFn, lif_step_simd] {
        let (mut v, mut refr, mut trace, mut syn) = (
            vec![0.5, 0.2],
            vec![0.0, 2.0],
            vec![0.4, 0.8],
            vec![9.0, 9.0],
        );
        let mut out = vec![0; 2];
        let k = f(
            &p,
            &mut v,
            &mut refr,
            &mut trace,
            &mut syn,
            &w,
            &[1],
            &mut [1, 2, 3, 4],
            &mut out,
        )
        .unwrap();
        assert_eq!((k, out[0]), (1, 0));
        assert_eq!(syn, vec![2.0, 0.0]);
        assert_eq!(v, vec![-0.1, -0.1]);
        assert_eq!(refr, vec![3.0, 1.0]);
        assert_eq!(trace, vec![0.4 * 0.5 + 1.0, 0.4]);
        // Without input neuron 0 leaks: v = (v + 0.1·(0 − v)) + 0.
        let (mut v, mut refr) = (vec![0.5, 0.0], vec![0.0, 0.0]);
        let k = f(
            &p,
            &mut v,
            &mut refr,
            &mut trace,
            &mut syn,
            &w,
            &[],
            &mut [1, 2, 3, 4],
            &mut out,
        )
        .unwrap();
        assert_eq!(k, 0);
        assert_eq!(v[0], 0.5 + 0.1 * (0.0 - 0.5));
    }
}

#[test]
fn lif_drive_rate_matches_probability() {
    let n = 4096;
    let p = LifParams::from_slice(&[1.0, 20.0, 0.0, 0.0, 100.0, 0.0, 0.9, 0.05, 1.0]).unwrap();
    let w = vec![0.0; n * n];
    let (mut v, mut refr, mut trace, mut syn) =
        (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut out = vec![0; n];
    let mut driven = 0usize;
    let mut rng = [5, 6, 7, 8];
    for _ in 0..50 {
        lif_step_simd(
            &p,
            &mut v,
            &mut refr,
            &mut trace,
            &mut syn,
            &w,
            &[],
            &mut rng,
            &mut out,
        )
        .unwrap();
        driven += syn.iter().filter(|&&s| s == 1.0).count();
    }
    let rate = driven as f64 / (50.0 * n as f64);
    assert!((rate - 0.05).abs() < 0.003, "drive rate {rate}");
}

#[test]
fn lif_reports_bad_input_and_nan_state() {
    let p = lif_params();
    let n = 8;
    let w = vec![0.0; n * n];
    let (mut v, mut refr, mut trace, mut syn) =
        (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut out = vec![0; n];
    for f in [lif_step_scalar as LifFn, lif_step_simd] {
        assert_eq!(
            f(
                &p,
                &mut v,
                &mut refr,
                &mut trace,
                &mut syn,
                &w,
                &[8],
                &mut [1; 4],
                &mut out
            ),
            Err(KernelError::BadArgument)
        );
        assert_eq!(
            f(
                &p,
                &mut v,
                &mut refr,
                &mut trace,
                &mut syn[..7],
                &w,
                &[],
                &mut [1; 4],
                &mut out
            ),
            Err(KernelError::LengthMismatch)
        );
        assert_eq!(
            f(
                &p,
                &mut v,
                &mut refr,
                &mut trace,
                &mut syn,
                &w,
                &[],
                &mut [1; 4],
                &mut out[..7]
            ),
            Err(KernelError::LengthMismatch)
        );
        assert_eq!(
            f(
                &p,
                &mut [],
                &mut [],
                &mut [],
                &mut [],
                &[],
                &[],
                &mut [1; 4],
                &mut []
            ),
            Err(KernelError::ZeroSize)
        );
        let mut vn = v.clone();
        vn[5] = f32::NAN;
        assert_eq!(
            f(
                &p,
                &mut vn,
                &mut refr,
                &mut trace,
                &mut syn,
                &w,
                &[],
                &mut [1; 4],
                &mut out
            ),
            Err(KernelError::NonFinite)
        );
    }
    assert_eq!(
        LifParams::from_slice(&[1.0; 8]),
        Err(KernelError::LengthMismatch)
    );
    assert_eq!(
        LifParams::from_slice(&[1.0, 0.0, 0.0, 0.0, 1.0, 2.0, 0.9, 0.1, 0.1]),
        Err(KernelError::BadArgument)
    );
    assert_eq!(
        LifParams::from_slice(&[f32::NAN, 1.0, 0.0, 0.0, 1.0, 2.0, 0.9, 0.1, 0.1]),
        Err(KernelError::BadArgument)
    );
}

#[test]
fn stdp_hand_computed_update() {
    // 3 neurons; neuron 1 spiked. Row 1 (its outgoing synapses) is depressed by a₋·trace[i];
    // column 1 (its incoming synapses) is potentiated by a₊·trace[j]; zeros stay zero.
    let p = StdpParams::from_slice(&[0.1, 0.2, 0.96, 0.05, 0.0]).unwrap();
    let trace = [0.5, 1.0, 0.25];
    for f in [stdp_scalar as StdpFn, stdp_simd] {
        let mut w = vec![
            0.0, 0.3, 0.5, // 0 → 1, 0 → 2
            0.2, 0.0, 0.06, // 1 → 0, 1 → 2
            0.9, 0.95, 0.0, // 2 → 0, 2 → 1
        ];
        let pruned = f(&mut w, 3, &trace, &[1], &p).unwrap();
        let expect = [
            0.0,
            0.3 + 0.1 * 0.5,
            0.5, //
            0.2 - 0.2 * 0.5,
            0.0,
            0.0, // 0.06 − 0.05 = 0.01 < 0.05 → pruned
            0.9,
            0.96,
            0.0, // 0.95 + 0.025 clipped to w_max
        ];
        assert_eq!(pruned, 1);
        for (a, b) in w.iter().zip(expect) {
            assert!((a - b).abs() < 1e-6, "{w:?}");
        }
    }
}

#[test]
fn stdp_normalises_incoming_weights() {
    let p = StdpParams::from_slice(&[0.0, 0.0, 10.0, 0.0, 1.0]).unwrap();
    let mut w = vec![0.0, 1.0, 0.0, 3.0, 0.0, 0.0, 0.0, 3.0, 0.0];
    stdp_simd(&mut w, 3, &[0.0; 3], &[1], &p).unwrap();
    assert_eq!(
        (w[1], w[4], w[7]),
        (0.25, 0.0, 0.75),
        "column 1 scaled to sum 1"
    );
    assert_eq!(w[3], 3.0, "other columns untouched");
    let mut w2 = vec![0.0, 1.0, 0.0, 3.0, 0.0, 0.0, 0.0, 3.0, 0.0];
    stdp_scalar(&mut w2, 3, &[0.0; 3], &[1], &p).unwrap();
    assert_eq!(w, w2);
}

#[test]
fn stdp_rejects_bad_input() {
    let p = StdpParams::from_slice(&[0.1, 0.1, 1.0, 0.0, 0.0]).unwrap();
    let mut w = vec![0.5; 9];
    assert_eq!(
        stdp_simd(&mut w, 3, &[0.0; 3], &[3], &p),
        Err(KernelError::BadArgument)
    );
    assert_eq!(
        stdp_simd(&mut w, 3, &[0.0; 2], &[0], &p),
        Err(KernelError::LengthMismatch)
    );
    assert_eq!(
        stdp_scalar(&mut w, 0, &[], &[], &p),
        Err(KernelError::ZeroSize)
    );
    assert_eq!(w, vec![0.5; 9]);
    assert_eq!(
        StdpParams::from_slice(&[0.1, -0.1, 1.0, 0.0, 0.0]),
        Err(KernelError::BadArgument)
    );
}

fn graph(n: usize, degree: f32, seed: u32, undirected: bool) -> Vec<u32> {
    random_graph(n, degree / n.max(1) as f32, seed, undirected)
}

#[test]
fn efficiency_matches_bfs_reference_exactly() {
    for n in [0, 1, 2, 3, 31, 32, 33, 127, 128, 129, 300] {
        for (deg, und) in [(1.0, true), (3.0, false), (8.0, true)] {
            let adj = graph(n, deg, n as u32 + 3, und);
            let wpr = words_per_row(n);
            let r = reference::efficiency(&adj, n, wpr);
            let a = efficiency_scalar(&adj, n, wpr).unwrap();
            let b = efficiency_simd(&adj, n, wpr).unwrap();
            assert_eq!(a.to_bits(), b.to_bits(), "n={n}");
            assert!((a - r).abs() < 1e-12, "n={n}: {a} vs {r}");
        }
    }
}

#[test]
fn efficiency_known_graphs() {
    // Complete graph: every pair at distance 1 → E = 1. Path 0-1-2: (1+1+1/2)·2 / 6 = 5/6.
    let n = 5;
    let wpr = words_per_row(n);
    let mut k5 = vec![0u32; n * wpr];
    for i in 0..n {
        k5[i * wpr] = 0b11111 & !(1 << i);
    }
    assert_eq!(efficiency_simd(&k5, n, wpr).unwrap(), 1.0);
    let wpr3 = words_per_row(3);
    let mut path = vec![0u32; 3 * wpr3];
    path[0] = 0b010;
    path[wpr3] = 0b101;
    path[2 * wpr3] = 0b010;
    assert!((efficiency_scalar(&path, 3, wpr3).unwrap() - 5.0 / 6.0).abs() < 1e-15);
    // Self loops are ignored; two isolated nodes have E = 0.
    let mut iso = vec![0u32; 2 * 4];
    iso[0] = 1;
    assert_eq!(efficiency_simd(&iso, 2, 4).unwrap(), 0.0);
}

#[test]
fn efficiency_rejects_bad_layouts() {
    let mut adj = vec![0u32; 3 * 4];
    assert_eq!(
        efficiency_simd(&adj, 3, 3),
        Err(KernelError::LengthMismatch)
    );
    assert_eq!(
        efficiency_simd(&adj[..8], 3, 4),
        Err(KernelError::LengthMismatch)
    );
    adj[0] = 1 << 5; // a padding bit: node 5 does not exist
    assert_eq!(efficiency_scalar(&adj, 3, 4), Err(KernelError::BadArgument));
    assert_eq!(
        efficiency_simd(&vec![0; 4097 * 132], 4097, 132),
        Err(KernelError::TooLarge)
    );
}

#[test]
fn block_sums_agree() {
    let (w, _) = network(256, 3);
    let mut a = vec![0.0; 64];
    let mut b = vec![0.0; 64];
    block_sums_scalar(&w, 256, 32, &mut a).unwrap();
    block_sums_simd(&w, 256, 32, &mut b).unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() <= 1e-4 * x.abs().max(1.0));
    }
}

#[test]
fn huge_sizes_are_refused_not_allocated() {
    let p = lif_params();
    let n = 5000;
    let (mut v, mut refr, mut trace, mut syn, mut out) = (
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0; n],
    );
    let r = lif_step_simd(
        &p,
        &mut v,
        &mut refr,
        &mut trace,
        &mut syn,
        &[],
        &[],
        &mut [1; 4],
        &mut out,
    );
    assert_eq!(r, Err(KernelError::TooLarge));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn prop_activations_match_reference(xs in prop::collection::vec(-25.0f32..25.0, 0..300), k in 0u32..6) {
        let act = Activation::from_u32(k).unwrap();
        let (mut a, mut b) = (xs.clone(), xs.clone());
        apply_scalar(act, &mut a);
        apply_simd(act, &mut b);
        prop_assert!(same_bits(&a, &b));
        for (x, y) in xs.iter().zip(&b) {
            let r = reference::activation(act, *x as f64);
            prop_assert!((*y as f64 - r).abs() <= 2e-6 + 1e-6 * r.abs(), "{:?}({}) = {} vs {}", act, x, y, r);
            prop_assert_eq!(y.to_bits(), apply_one(act, *x).to_bits());
        }
    }

    #[test]
    fn prop_dense_batch_matches_reference(m in 1usize..40, n in 1usize..70, batch in 1usize..11, seed in any::<u32>()) {
        check_dense(m, n, batch, Activation::Identity, seed);
    }

    #[test]
    fn prop_efficiency_tiers_equal(n in 0usize..200, deg in 0.0f32..6.0, seed in any::<u32>()) {
        let adj = graph(n, deg, seed, seed % 2 == 0);
        let wpr = words_per_row(n);
        let a = efficiency_scalar(&adj, n, wpr).unwrap();
        prop_assert_eq!(a.to_bits(), efficiency_simd(&adj, n, wpr).unwrap().to_bits());
        prop_assert!((a - reference::efficiency(&adj, n, wpr)).abs() < 1e-12);
    }
}
