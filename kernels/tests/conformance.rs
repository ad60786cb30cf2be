//! One conformance suite for every implementation table (`dispatch::all()`: scalar, generic
//! on arrays, and this build's SIMD where there is one), run natively (SSE2) and as wasm in
//! three builds (no simd128, simd128, relaxed SIMD; `make test-wasm`). Every kernel against
//! its f64 reference, hand-computed cases, bad input, and the tables against each other.
// A test/tool, not library code: a failed call should stop it with its message.
#![allow(clippy::unwrap_used)]
use sasi_kernels::dispatch::{
    self, BlockSumsFn, BlockSumsPartFn, Kernels, LifFn, LifPartFn, StdpFn, StdpPartFn,
};
use sasi_kernels::error::KernelError;
use sasi_kernels::ops::activation::{apply_one, Activation};
use sasi_kernels::ops::efficiency::{random_graph, words_per_row};
use sasi_kernels::ops::lif::{LifNeurons, LifParams, LifState, Part};
use sasi_kernels::ops::stdp::StdpParams;
use sasi_kernels::ops::weight::{encode_into, Weight};
use sasi_kernels::rng::{fill_uniform, uniform_vec, Rng};
use sasi_kernels::{model, reference};

/// A test that runs natively (`cargo test`) and in wasm (`wasm-bindgen-test-runner`).
macro_rules! conformance {
    ($(fn $name:ident() $body:block)*) => {$(
        #[cfg_attr(not(target_arch = "wasm32"), test)]
        #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
        fn $name() $body
    )*};
}

/// In the relaxed-SIMD build `mul_add` is fused in the SIMD table only, so results that go
/// through it (activations, dense, STDP) agree with the other tables within rounding, not to
/// the bit.
const FUSED: bool = cfg!(target_feature = "relaxed-simd");

const LENGTHS: [usize; 36] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
    26, 27, 28, 29, 30, 31, 32, 33, 1023, 4097,
];

fn same_bits(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

fn close(a: &[f32], b: &[f32], tol: f32) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= tol * x.abs().max(1.0) || (x.is_nan() && y.is_nan()))
}

/// Whether table `k` may fuse multiply-adds: the SIMD source's tables in the relaxed build
/// (`simd`, and `simd, other forms`, whose lane kernels are the same).
fn fuses(k: &Kernels) -> bool {
    FUSED && k.name.starts_with("simd")
}

/// `a` and `b` from two tables: identical bits, or within `tol` where one of them fuses.
fn agree(k: &Kernels, a: &[f32], b: &[f32], tol: f32) -> bool {
    if fuses(k) {
        close(a, b, tol)
    } else {
        same_bits(a, b)
    }
}

fn tables() -> Vec<Kernels> {
    let all = dispatch::all();
    assert!(all.len() >= 2, "scalar and generic at least");
    assert_eq!(
        all.iter().any(|k| k.name == "simd"),
        sasi_kernels::simd::HAS_VECTORS
    );
    all
}

conformance! {
    fn activations_within_2e6_of_f64_on_a_dense_grid() {
        let grid: Vec<f32> = (0..=400_000).map(|i| -20.0 + i as f32 * 1e-4).collect();
        for k in tables() {
            for act in Activation::ALL {
                let mut y = grid.clone();
                (k.act_apply)(act, &mut y);
                let worst = grid
                    .iter()
                    .zip(&y)
                    .map(|(&x, &v)| (v as f64 - reference::activation(act, x as f64)).abs())
                    .fold(0.0, f64::max);
                assert!(worst <= 2e-6, "{k:?} {act:?}: max abs error {worst}");
            }
        }
    }

    fn activation_special_values_in_lanes_and_tail() {
        let inf = f32::INFINITY;
        let limits: [(Activation, [f32; 2]); 6] = [
            (Activation::Identity, [inf, -inf]),
            (Activation::Relu, [inf, 0.0]),
            (Activation::LeakyRelu, [inf, -inf]),
            (Activation::Sigmoid, [1.0, 0.0]),
            (Activation::Tanh, [1.0, -1.0]),
            (Activation::Gelu, [inf, 0.0]),
        ];
        for k in tables() {
            for (act, [at_pos, at_neg]) in limits {
                // Lanes 0..4 take the vector path, lane 4 the padded tail.
                let mut v = [inf, -inf, f32::NAN, 0.0, f32::NAN];
                (k.act_apply)(act, &mut v);
                assert_eq!(v[0], at_pos, "{k:?} {act:?}(+inf)");
                assert_eq!(v[1], at_neg, "{k:?} {act:?}(-inf)");
                assert!(v[2].is_nan() && v[4].is_nan(), "{k:?} {act:?}(NaN) must be NaN: {v:?}");
                assert_eq!(v[3], reference::activation(act, 0.0) as f32, "{k:?} {act:?}(0)");
                let mut tail = [-inf, 1e-30, -1e-30, 3e38, -3e38, f32::MIN_POSITIVE];
                (k.act_apply)(act, &mut tail);
                assert_eq!(tail[0], at_neg, "{k:?} {act:?}(-inf) in the tail");
                for (x, y) in [1e-30f32, -1e-30, f32::MIN_POSITIVE].iter().zip([tail[1], tail[2], tail[5]]) {
                    assert!((y as f64 - reference::activation(act, *x as f64)).abs() <= 2e-6, "{k:?} {act:?}({x})");
                }
            }
        }
    }

    fn activation_nan_and_infinity_in_every_lane_of_every_block() {
        // Lengths around the 16-element loop, the 4-lane loop and the padded tail; a special
        // value at every position must give its own limit (or NaN) and leave its neighbours
        // (same vector, same loop turn) exact to the contract.
        let inf = f32::INFINITY;
        for k in tables() {
            for act in Activation::ALL {
                for len in [1, 2, 3, 4, 5, 7, 8, 12, 15, 16, 17, 19, 20, 31, 32, 33, 35, 47, 48, 49] {
                    for at in 0..len {
                        for special in [f32::NAN, inf, -inf] {
                            let mut x: Vec<f32> = (0..len).map(|i| (i as f32 - 9.5) * 0.83).collect();
                            x[at] = special;
                            let mut y = x.clone();
                            (k.act_apply)(act, &mut y);
                            for (i, (&xi, &yi)) in x.iter().zip(&y).enumerate() {
                                let r = reference::activation(act, xi as f64);
                                if xi.is_nan() {
                                    assert!(yi.is_nan(), "{k:?} {act:?}(NaN) at {i} of {len}: {yi}");
                                } else if xi.is_infinite() {
                                    assert_eq!(yi, r as f32, "{k:?} {act:?}({xi}) at {i} of {len}");
                                } else {
                                    assert!((yi as f64 - r).abs() <= 2e-6, "{k:?} {act:?}({xi}) next to {special} at {at} of {len}: {yi} vs {r}");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn activation_tables_agree_at_every_length() {
        let all = tables();
        for &len in &LENGTHS {
            let mut x = vec![0.0f32; len];
            fill_uniform(len as u32 + 1, &mut x, -30.0, 30.0);
            for act in Activation::ALL {
                let mut base = x.clone();
                (all[0].act_apply)(act, &mut base);
                for (i, v) in base.iter().enumerate() {
                    assert_eq!(v.to_bits(), apply_one(act, x[i]).to_bits(), "{act:?} len {len} [{i}]");
                }
                for k in &all[1..] {
                    let mut y = x.clone();
                    (k.act_apply)(act, &mut y);
                    assert!(agree(k, &base, &y, 1e-6), "{k:?} vs {:?}: {act:?} len {len}", all[0]);
                }
            }
        }
    }

    fn dense_against_f64_at_every_small_shape() {
        let sizes = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33];
        for &m in &sizes {
            for &n in &sizes {
                for batch in [1, 3, 4, 5] {
                    check_dense(m, n, batch, Activation::Identity, (m * 31 + n + batch) as u32);
                }
            }
        }
        for batch in [1, 2, 6, 7, 8, 9, 64] {
            check_dense(17, 33, batch, Activation::Tanh, 99);
        }
    }

    fn dense_against_f64_at_large_shapes() {
        for (m, n, batch) in [(256, 256, 1), (255, 257, 5), (64, 64, 64), (1024, 1024, 1)] {
            check_dense(m, n, batch, Activation::Identity, 5);
        }
        check_dense(2048, 2048, 1, Activation::Relu, 6);
        // Around the batched kernel's edges: 8-output panels, 256-deep panel slices (a wider
        // layer continues its sums slice by slice), 4-input tiles.
        for (m, n, batch) in [(9, 255, 5), (8, 256, 4), (7, 257, 9), (17, 512, 3), (16, 513, 6), (24, 769, 8)] {
            check_dense(m, n, batch, Activation::Identity, (m + n + batch) as u32);
        }
    }

    fn dense_batch_keeps_nan_and_infinity_to_their_own_rows() {
        // NaN or ∞ in one input of a 4-input tile (and of the 1-input remainder) reaches
        // exactly that input's outputs; the tile's other inputs stay finite.
        let (m, n, batch) = (11, 300, 6);
        let w = uniform_vec(7, m * n, -1.0, 1.0);
        let b = uniform_vec(8, m, -0.5, 0.5);
        for k in tables() {
            for (row, col) in [(1, 0), (2, 299), (5, 257)] {
                for special in [f32::NAN, f32::INFINITY] {
                    let mut xs = uniform_vec(9, batch * n, -1.0, 1.0);
                    xs[row * n + col] = special;
                    let mut ys = vec![0.0; batch * m];
                    (k.dense_batch)(&w, &xs, &b, &mut ys, m, n, batch, Activation::Identity).unwrap();
                    for q in 0..batch {
                        let out = &ys[q * m..(q + 1) * m];
                        if q == row && special.is_nan() {
                            assert!(out.iter().all(|v| v.is_nan()), "{k:?}: NaN in input {q} must reach all its outputs: {out:?}");
                        } else if q == row {
                            assert!(out.iter().all(|v| v.is_infinite() || v.is_nan()), "{k:?}: ∞ in input {q}: {out:?}");
                        } else {
                            assert!(out.iter().all(|v| v.is_finite()), "{k:?}: input {q} is finite: {out:?}");
                        }
                    }
                }
            }
        }
    }

    fn dense_propagates_nan_and_infinity() {
        for k in tables() {
            let w = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
            let b = vec![0.0, 0.0];
            let mut y = vec![0.0; 2];
            (k.dense)(&w, &[f32::NAN, 1.0, 1.0, 1.0], &b, &mut y, 2, 4, Activation::Identity).unwrap();
            assert!(y.iter().all(|v| v.is_nan()), "{k:?}: NaN in x reaches every output");
            (k.dense)(&w, &[f32::INFINITY, 0.0, 0.0, 0.0], &b, &mut y, 2, 4, Activation::Identity).unwrap();
            assert_eq!(y, vec![f32::INFINITY; 2], "{k:?}");
            (k.dense)(&w, &[f32::INFINITY, 0.0, 0.0, 0.0], &b, &mut y, 2, 4, Activation::Sigmoid).unwrap();
            assert_eq!(y, vec![1.0; 2], "{k:?}");
        }
    }

    fn dense_rejects_bad_shapes_without_writing() {
        let w = vec![1.0; 12];
        let x = vec![1.0; 4];
        let b = vec![0.0; 3];
        for k in tables() {
            let mut y = vec![7.0; 3];
            let id = Activation::Identity;
            assert_eq!((k.dense)(&w, &x, &b, &mut y, 3, 5, id), Err(KernelError::LengthMismatch));
            assert_eq!((k.dense)(&w, &x[..3], &b, &mut y, 3, 4, id), Err(KernelError::LengthMismatch));
            assert_eq!((k.dense)(&w, &x, &b, &mut y, 0, 4, id), Err(KernelError::ZeroSize));
            assert_eq!((k.dense)(&[], &[], &[], &mut [], 0, 0, id), Err(KernelError::ZeroSize));
            let big = vec![0.0; 8193];
            assert_eq!((k.dense)(&big, &big, &[0.0], &mut [0.0], 1, 8193, id), Err(KernelError::TooLarge));
            assert_eq!((k.dense_batch)(&w, &x, &b, &mut y, 3, 4, 2, id), Err(KernelError::LengthMismatch));
            assert_eq!((k.dense_batch)(&w, &x, &b, &mut y, 3, 4, 0, id), Err(KernelError::ZeroSize));
            assert_eq!(y, vec![7.0; 3], "{k:?}: nothing written on error");
            (k.dense)(&w, &x, &b, &mut y, 3, 4, id).unwrap();
            assert_eq!(y, vec![4.0; 3]);
        }
    }

    fn dense_tables_agree() {
        let all = tables();
        for (m, n, batch) in [(5, 7, 1), (16, 16, 4), (33, 17, 9), (64, 32, 64)] {
            let w = uniform_vec(1, m * n, -1.0, 1.0);
            let xs = uniform_vec(2, batch * n, -1.0, 1.0);
            let b = uniform_vec(3, m, -0.5, 0.5);
            let outs: Vec<Vec<f32>> = all
                .iter()
                .map(|k| {
                    let mut y = vec![0.0; batch * m];
                    (k.dense_batch)(&w, &xs, &b, &mut y, m, n, batch, Activation::Gelu).unwrap();
                    y
                })
                .collect();
            for (k, y) in all.iter().zip(&outs).skip(1) {
                assert!(agree(k, &outs[0], y, 1e-5), "{k:?} {m}x{n}x{batch}");
            }
        }
    }

    fn lif_tables_agree_exactly_at_odd_sizes() {
        let all = tables();
        for n in [1, 3, 4, 5, 33, 130, 1023] {
            let a = run(&all[0], n, 150, false);
            for k in &all[1..] {
                let b = run(k, n, 150, false);
                assert_eq!(a.spikes, b.spikes, "{k:?}: spike lists differ at n={n}");
                assert!(same_bits(&a.v, &b.v) && same_bits(&a.trace, &b.trace), "{k:?}: state differs at n={n}");
            }
            let total: usize = a.spikes.iter().map(Vec::len).sum();
            if n >= 33 {
                assert!(total > 0, "n={n}: the network should fire");
            }
        }
    }

    fn lif_with_stdp_over_300_steps() {
        tables_agree_over_300_steps(run);
    }

    fn lif_hand_computed_step() {
        // Two neurons: 0 fires from a big synaptic input, 1 is refractory, drive off.
        let p = LifParams::from_slice(&[1.0, 10.0, 0.0, -0.1, 1.0, 3.0, 0.5, 0.0, 0.3]).unwrap();
        let w = vec![0.0, 0.0, 2.0, 0.0]; // 1 → 0 with weight 2
        for k in tables() {
            let (mut v, mut refr, mut trace, mut syn) = (vec![0.5, 0.2], vec![0.0, 2.0], vec![0.4, 0.8], vec![9.0, 9.0]);
            let mut rng = [1, 2, 3, 4];
            let mut out = vec![0; 2];
            let mut st = LifState { v: &mut v, refr: &mut refr, trace: &mut trace, syn: &mut syn, rng: &mut rng };
            let n = (k.lif_step)(&p, &mut st, &w, &[1], &mut out).unwrap();
            assert_eq!((n, out[0]), (1, 0), "{k:?}");
            assert_eq!(syn, vec![2.0, 0.0]);
            assert_eq!(v, vec![-0.1, -0.1]);
            assert_eq!(refr, vec![3.0, 1.0]);
            assert_eq!(trace, vec![0.4 * 0.5 + 1.0, 0.4]);
            // Without input neuron 0 leaks: v = (v + 0.1·(0 − v)) + 0.
            let (mut v, mut refr) = (vec![0.5, 0.0], vec![0.0, 0.0]);
            let mut st = LifState { v: &mut v, refr: &mut refr, trace: &mut trace, syn: &mut syn, rng: &mut rng };
            assert_eq!((k.lif_step)(&p, &mut st, &w, &[], &mut out), Ok(0));
            assert_eq!(v[0], 0.5 + 0.1 * (0.0 - 0.5), "{k:?}");
        }
    }

    fn lif_drive_rate_matches_probability() {
        let n = 4096;
        let p = LifParams::from_slice(&[1.0, 20.0, 0.0, 0.0, 100.0, 0.0, 0.9, 0.05, 1.0]).unwrap();
        let w = vec![0.0; n * n];
        for k in tables() {
            let (mut v, mut refr, mut trace, mut syn) = (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
            let mut out = vec![0; n];
            let mut rng = [5, 6, 7, 8];
            let mut driven = 0usize;
            for _ in 0..50 {
                let mut st = LifState { v: &mut v, refr: &mut refr, trace: &mut trace, syn: &mut syn, rng: &mut rng };
                (k.lif_step)(&p, &mut st, &w, &[], &mut out).unwrap();
                driven += syn.iter().filter(|&&s| s == 1.0).count();
            }
            let rate = driven as f64 / (50.0 * n as f64);
            assert!((rate - 0.05).abs() < 0.003, "{k:?}: drive rate {rate}");
        }
    }

    fn lif_reports_bad_input_and_nan_state() {
        let p = lif_params();
        let n = 8;
        let w = vec![0.0; n * n];
        for k in tables() {
            let (mut v, mut refr, mut trace, mut syn) = (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
            let mut out = vec![0; n];
            let mut rng = [1; 4];
            let mut st = LifState { v: &mut v, refr: &mut refr, trace: &mut trace, syn: &mut syn, rng: &mut rng };
            assert_eq!((k.lif_step)(&p, &mut st, &w, &[8], &mut out), Err(KernelError::BadArgument), "{k:?}");
            assert_eq!((k.lif_step)(&p, &mut st, &w, &[], &mut out[..7]), Err(KernelError::LengthMismatch));
            assert_eq!((k.lif_step)(&p, &mut st, &w[..63], &[], &mut out), Err(KernelError::LengthMismatch));
            st.v[5] = f32::NAN;
            assert_eq!((k.lif_step)(&p, &mut st, &w, &[], &mut out), Err(KernelError::NonFinite), "{k:?}");
            let mut empty = LifState { v: &mut [], refr: &mut [], trace: &mut [], syn: &mut [], rng: &mut [1; 4] };
            assert_eq!((k.lif_step)(&p, &mut empty, &[], &[], &mut []), Err(KernelError::ZeroSize));
            let big = 9000;
            let (mut v, mut refr, mut trace, mut syn) = (vec![0.0; big], vec![0.0; big], vec![0.0; big], vec![0.0; big]);
            let mut huge = LifState { v: &mut v, refr: &mut refr, trace: &mut trace, syn: &mut syn, rng: &mut [1; 4] };
            assert_eq!((k.lif_step)(&p, &mut huge, &[], &[], &mut vec![0; big]), Err(KernelError::TooLarge), "{k:?}: refused, not allocated");
        }
        assert_eq!(LifParams::from_slice(&[1.0; 8]), Err(KernelError::LengthMismatch));
        assert_eq!(LifParams::from_slice(&[1.0, 0.0, 0.0, 0.0, 1.0, 2.0, 0.9, 0.1, 0.1]), Err(KernelError::BadArgument));
        assert_eq!(LifParams::from_slice(&[f32::NAN, 1.0, 0.0, 0.0, 1.0, 2.0, 0.9, 0.1, 0.1]), Err(KernelError::BadArgument));
    }

    fn stdp_hand_computed_update() {
        // 3 neurons; neuron 1 spiked. Row 1 (its outgoing synapses) is depressed by a₋·trace[i];
        // column 1 (its incoming synapses) is potentiated by a₊·trace[j]; zeros stay zero.
        let p = StdpParams::from_slice(&[0.1, 0.2, 0.96, 0.05, 0.0]).unwrap();
        let trace = [0.5, 1.0, 0.25];
        for k in tables() {
            let mut w = vec![0.0, 0.3, 0.5, 0.2, 0.0, 0.052, 0.9, 0.95, 0.0];
            let pruned = (k.stdp)(&mut w, 3, &trace, &[1], &p).unwrap();
            // Depression is multiplicative: 0.2 − (0.2·0.5)·0.2; 0.052 − (0.2·0.25)·0.052 =
            // 0.0494 < 0.05 → pruned; 0.95 + 0.1·0.25 clipped to w_max.
            let expect = [0.0, 0.3 + 0.1 * 0.5, 0.5, 0.2 - 0.2 * 0.5 * 0.2, 0.0, 0.0, 0.9, 0.96, 0.0];
            assert_eq!(pruned, 1, "{k:?}");
            assert!(close(&w, &expect, 1e-6), "{k:?}: {w:?}");
        }
    }

    fn stdp_normalises_incoming_weights() {
        let p = StdpParams::from_slice(&[0.0, 0.0, 10.0, 0.0, 1.0]).unwrap();
        for k in tables() {
            let mut w = vec![0.0, 1.0, 0.0, 3.0, 0.0, 0.0, 0.0, 3.0, 0.0];
            (k.stdp)(&mut w, 3, &[0.0; 3], &[1], &p).unwrap();
            assert_eq!((w[1], w[4], w[7]), (0.25, 0.0, 0.75), "{k:?}: column 1 scaled to sum 1");
            assert_eq!(w[3], 3.0, "other columns untouched");
        }
    }

    fn stdp_rejects_bad_input() {
        let p = StdpParams::from_slice(&[0.1, 0.1, 1.0, 0.0, 0.0]).unwrap();
        for k in tables() {
            let mut w = vec![0.5; 9];
            assert_eq!((k.stdp)(&mut w, 3, &[0.0; 3], &[3], &p), Err(KernelError::BadArgument), "{k:?}");
            assert_eq!((k.stdp)(&mut w, 3, &[0.0; 2], &[0], &p), Err(KernelError::LengthMismatch));
            assert_eq!((k.stdp)(&mut w, 0, &[], &[], &p), Err(KernelError::ZeroSize));
            assert_eq!(w, vec![0.5; 9]);
        }
        assert_eq!(StdpParams::from_slice(&[0.1, -0.1, 1.0, 0.0, 0.0]), Err(KernelError::BadArgument));
    }

    fn stdp_row_passes_give_the_column_order_bits() {
        // The kernels potentiate and normalise in row-major passes over the spike columns
        // (four columns per lane op in the SIMD tables); the doc states the update column by
        // column. Same bits, with and without normalisation, for spike lists of every length
        // mod 4, repeated indices (the reference path), zeros, negative and NaN weights.
        let (n, w0, trace, lists) = stdp_inputs(77);
        for target in [0.0, 0.7, 1e-3] {
            let p = StdpParams::from_slice(&[0.03, 0.02, 0.25, 0.01, target]).unwrap();
            for spikes in &lists {
                let mut want = w0.clone();
                let want_pruned = stdp_by_the_doc(&mut want, n, &trace, spikes, &p);
                for k in tables() {
                    let mut w = w0.clone();
                    let pruned = (k.stdp)(&mut w, n, &trace, spikes, &p).unwrap();
                    assert!(agree(&k, &want, &w, 1e-5), "{k:?} target {target} spikes {spikes:?}");
                    if !fuses(&k) {
                        assert_eq!(pruned, want_pruned, "{k:?} target {target} spikes {spikes:?}");
                    }
                }
            }
        }
    }

    fn bf16_stdp_is_the_doc_with_rounding_at_every_store() {
        // The same inputs as above, stored as bfloat16: each table's `stdp_bf16` gives the
        // column-by-column statement with every store rounded to nearest even (ABI.md
        // "Weight storage"), the pruned count of the f32 rule, and the bits of every other
        // table that does not fuse.
        let (n, w0, trace, lists) = stdp_inputs(78);
        let w0 = from_bf16(&to_bf16(&w0));
        let mut changed = 0;
        for target in [0.0, 0.7, 1e-3] {
            let p = StdpParams::from_slice(&[0.03, 0.02, 0.25, 0.01, target]).unwrap();
            for spikes in &lists {
                let mut want = w0.clone();
                let want_pruned = stdp_by_the_doc_stored(&mut want, n, &trace, spikes, &p, bf16_round);
                changed += want.iter().zip(&w0).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
                for k in tables() {
                    let mut w = to_bf16(&w0);
                    let pruned = (k.stdp_bf16)(&mut w, n, &trace, spikes, &p).unwrap();
                    let got = from_bf16(&w);
                    if fuses(&k) {
                        // One fused rounding before the bf16 one: at most one bf16 step apart.
                        assert!(close(&want, &got, 1.0 / 128.0), "{k:?} target {target} spikes {spikes:?}");
                    } else {
                        assert!(same_bits(&want, &got), "{k:?} target {target} spikes {spikes:?}");
                        assert_eq!(pruned, want_pruned, "{k:?} target {target} spikes {spikes:?}");
                    }
                }
            }
        }
        assert!(changed > 1000, "the updates change weights ({changed})");
    }

    fn bf16_lif_and_block_sums_are_the_f32_kernels_on_decoded_weights() {
        // Decoding is exact, so a bf16 step is the f32 step on the decoded weights, bit for
        // bit, in every table; the same for the mesh's block sums.
        for k in tables() {
            for n in [1usize, 5, 33, 130] {
                let f = run(&k, n, 120, false);
                let h = run_bf16(&k, n, 120, false);
                assert_eq!(f.spikes, h.spikes, "{k:?} n={n}");
                assert!(same_bits(&f.v, &h.v) && same_bits(&f.trace, &h.trace), "{k:?} n={n}");
            }
            for (n, block) in [(12usize, 3usize), (96, 32), (130, 13), (256, 64)] {
                let mut r = Rng::new(n as u32);
                let w16 = to_bf16(&(0..n * n).map(|_| r.next_f32() * 0.3).collect::<Vec<_>>());
                let a = n / block;
                let (mut want, mut got) = (vec![0.0; a * a], vec![0.0; a * a]);
                (k.block_sums)(&from_bf16(&w16), n, block, 0, a, &mut want).unwrap();
                (k.block_sums_bf16)(&w16, n, block, 0, a, &mut got).unwrap();
                assert!(same_bits(&want, &got), "{k:?} n={n} block={block}");
            }
        }
    }

    fn parts_of_the_population_give_the_whole_runs_bits() {
        // Issue 29: the population split by post-synaptic columns over 1, 2 and 3 parts (what
        // threads that each own their columns run), 300 steps of LIF + STDP, spikes exchanged
        // every step: the whole run's spikes every step, and its potentials, traces, weights
        // and pruned count at the end, in every table, with f32 and with bf16 weights.
        for k in tables() {
            parts_give_the_whole_run::<f32>(&k, (k.lif_step, k.stdp), (k.lif_step_part, k.stdp_part));
            parts_give_the_whole_run::<u16>(&k, (k.lif_step_bf16, k.stdp_bf16), (k.lif_step_part_bf16, k.stdp_part_bf16));
        }
    }

    fn a_parts_seeded_columns_are_the_whole_networks_in_either_storage() {
        // `model_network_part(_bf16)`'s set-up: every row drawn, the part's columns kept, in f32
        // as they are and in bf16 as `weights_to_bf16` rounds them; the potentials and the
        // drive's lanes are the whole network's.
        for (n, per, seed) in [(64usize, 8usize, 3u32), (130, 13, 5), (256, 16, 9)] {
            let (w, v, lanes) = model::initial_network(n, per, &mut Rng::new(seed));
            assert!(w.iter().filter(|&&x| x > 0.0).count() > n, "n={n}: the network has synapses");
            let half = n / 2 / 4 * 4;
            for (first, width) in [(0, n), (0, 4), (half, n - half), (8, 13)] {
                let cols: Vec<f32> = (0..n).flat_map(|j| w[j * n + first..j * n + first + width].iter().copied()).collect();
                let mut got = vec![f32::NAN; n * width];
                let (v1, lanes1) = model::initial_network_columns(n, per, &mut Rng::new(seed), (first, width), &mut got);
                assert!(same_bits(&got, &cols), "n={n} {first}+{width}: f32 columns");
                assert!(same_bits(&v1, &v) && lanes1 == lanes, "n={n} {first}+{width}: potentials and lanes");
                let mut want16 = vec![0u16; n * width];
                encode_into(&cols, &mut want16);
                let mut got16 = vec![0xFFFFu16; n * width];
                let (v2, lanes2) = model::initial_network_columns(n, per, &mut Rng::new(seed), (first, width), &mut got16);
                assert_eq!(got16, want16, "n={n} {first}+{width}: bf16 columns are weights_to_bf16 of the f32 ones");
                assert!(same_bits(&v2, &v) && lanes2 == lanes, "n={n} {first}+{width}: potentials and lanes (bf16)");
            }
        }
    }

    fn a_part_that_does_not_fit_is_refused() {
        let p = lif_params();
        let sp = StdpParams::from_slice(&[0.004, 0.3, 0.2, 0.03, 0.0]).unwrap();
        for k in tables() {
            let (mut v, mut refr, mut trace, mut syn) = (vec![0.0; 8], vec![0.0; 8], vec![0.0; 8], vec![0.0; 8]);
            let w = vec![0.1; 16 * 8];
            let mut out = vec![0; 8];
            let mut st = LifState { v: &mut v, refr: &mut refr, trace: &mut trace, syn: &mut syn, rng: &mut [1, 2, 3, 4] };
            let part = |first, width| Part { n: 16, first, width };
            assert_eq!((k.lif_step_part)(&p, &mut st, &w, &[], &mut out, part(2, 8)), Err(KernelError::BadArgument), "{k:?}: a start off the lanes");
            assert_eq!((k.lif_step_part)(&p, &mut st, &w, &[], &mut out, part(12, 8)), Err(KernelError::BadArgument), "{k:?}: past n");
            assert_eq!((k.lif_step_part)(&p, &mut st, &w[..120], &[], &mut out, part(8, 8)), Err(KernelError::LengthMismatch), "{k:?}");
            assert_eq!((k.lif_step_part)(&p, &mut st, &w, &[16], &mut out, part(8, 8)), Err(KernelError::BadArgument), "{k:?}: a spike past n");
            assert_eq!((k.lif_step_part)(&p, &mut st, &w, &[3, 15], &mut out, part(8, 8)).map(|_| ()), Ok(()), "{k:?}");
            let mut w = w.clone();
            assert_eq!((k.stdp_part)(&mut w[..120], &[0.5; 16], &[1], &sp, part(8, 8)), Err(KernelError::LengthMismatch), "{k:?}: 120 weights are not 16 × 8");
            assert_eq!((k.stdp_part)(&mut w, &[0.5; 8], &[1], &sp, part(8, 8)), Err(KernelError::LengthMismatch), "{k:?}: the trace is all n");
            assert_eq!((k.stdp_part)(&mut w, &[0.5; 16], &[1, 9], &sp, part(8, 8)).map(|_| ()), Ok(()), "{k:?}");
        }
    }

    fn bf16_matvec_is_the_f32_kernel_on_decoded_weights() {
        // Every shape class of the four-row walk: rows mod 4, columns mod 8 and 16, a tail.
        for k in tables() {
            for (m, n) in [(1usize, 1usize), (3, 5), (4, 8), (7, 17), (16, 33), (33, 64), (64, 130)] {
                let mut r = Rng::new((m * 131 + n) as u32);
                let w16 = to_bf16(&(0..m * n).map(|_| r.next_f32() - 0.5).collect::<Vec<_>>());
                let x: Vec<f32> = (0..n).map(|_| r.next_f32() - 0.5).collect();
                let b: Vec<f32> = (0..m).map(|_| r.next_f32()).collect();
                let (mut want, mut got) = (vec![0.0; m], vec![0.0; m]);
                (k.dense)(&from_bf16(&w16), &x, &b, &mut want, m, n, Activation::Identity).unwrap();
                (k.dense_bf16)(&w16, &x, &b, &mut got, m, n, Activation::Identity).unwrap();
                assert!(same_bits(&want, &got), "{k:?} {m}x{n}");
            }
        }
    }

    fn bf16_lif_with_stdp_agrees_across_tables_over_300_steps() {
        let a = tables_agree_over_300_steps(run_bf16);
        assert!(a.w.iter().all(|&x| (0.0..=0.2).contains(&x)), "weights stay in [0, w_max]");
    }

    fn efficiency_matches_bfs_reference_exactly() {
        let all = tables();
        for n in [0, 1, 2, 3, 31, 32, 33, 127, 128, 129, 300] {
            for (deg, und) in [(1.0, true), (3.0, false), (8.0, true)] {
                let adj = random_graph(n, deg / n.max(1) as f32, n as u32 + 3, und);
                let wpr = words_per_row(n);
                let r = reference::efficiency(&adj, n, wpr);
                let a = (all[0].efficiency)(&adj, n, wpr).unwrap();
                assert!((a - r).abs() < 1e-12, "n={n}: {a} vs {r}");
                for k in &all[1..] {
                    assert_eq!((k.efficiency)(&adj, n, wpr).unwrap().to_bits(), a.to_bits(), "{k:?} n={n}");
                }
            }
        }
    }

    fn efficiency_known_graphs_and_bad_layouts() {
        for k in tables() {
            // Complete graph: E = 1. Path 0-1-2: (1 + 1 + 1/2)·2 / 6 = 5/6.
            let n = 5;
            let wpr = words_per_row(n);
            let mut k5 = vec![0u32; n * wpr];
            for i in 0..n {
                k5[i * wpr] = 0b11111 & !(1 << i);
            }
            assert_eq!((k.efficiency)(&k5, n, wpr).unwrap(), 1.0, "{k:?}");
            let w3 = words_per_row(3);
            let mut path = vec![0u32; 3 * w3];
            path[0] = 0b010;
            path[w3] = 0b101;
            path[2 * w3] = 0b010;
            assert!(((k.efficiency)(&path, 3, w3).unwrap() - 5.0 / 6.0).abs() < 1e-15);
            let mut iso = vec![0u32; 2 * 4];
            iso[0] = 1; // a self loop, ignored
            assert_eq!((k.efficiency)(&iso, 2, 4).unwrap(), 0.0);
            let mut adj = vec![0u32; 3 * 4];
            assert_eq!((k.efficiency)(&adj, 3, 3), Err(KernelError::LengthMismatch));
            assert_eq!((k.efficiency)(&adj[..8], 3, 4), Err(KernelError::LengthMismatch));
            adj[0] = 1 << 5; // a padding bit: node 5 does not exist
            assert_eq!((k.efficiency)(&adj, 3, 4), Err(KernelError::BadArgument));
            assert_eq!((k.efficiency)(&[0; 8], 8193, 260), Err(KernelError::TooLarge));
        }
    }

    fn block_sums_against_f64() {
        for k in tables() {
            for (n, block) in [(1, 1), (12, 3), (64, 8), (256, 32), (130, 13)] {
                let w = uniform_vec(n as u32, n * n, 0.0, 1.0);
                let a = n / block;
                let mut out = vec![f32::NAN; a * a];
                (k.block_sums)(&w, n, block, 0, a, &mut out).unwrap();
                for (idx, got) in out.iter().enumerate() {
                    let (ba, bb) = (idx / a, idx % a);
                    let mut r = 0.0f64;
                    for j in ba * block..(ba + 1) * block {
                        for i in bb * block..(bb + 1) * block {
                            r += w[j * n + i] as f64;
                        }
                    }
                    assert!((*got as f64 - r).abs() <= 1e-5 * (block * block) as f64, "{k:?} n={n} block={block}");
                }
            }
            // One pass spread over ranges of source agents (as the app spreads it over frames)
            // gives the whole pass's bits, and a range writes only its own rows.
            let (n, block) = (130, 13);
            let (w, a) = (uniform_vec(9, n * n, 0.0, 1.0), n / block);
            let mut whole = vec![0.0; a * a];
            (k.block_sums)(&w, n, block, 0, a, &mut whole).unwrap();
            let mut parts = vec![f32::NAN; a * a];
            for first in (0..a).step_by(3) {
                (k.block_sums)(&w, n, block, first, 3.min(a - first), &mut parts).unwrap();
                assert!(parts[(first + 3).min(a) * a..].iter().all(|x| x.is_nan()), "{k:?}: rows past {first}+3 untouched");
            }
            assert_eq!(parts.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), whole.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), "{k:?}");
            let mut out = vec![7.0; 4];
            assert_eq!((k.block_sums)(&[1.0; 16], 4, 3, 0, 1, &mut out), Err(KernelError::BadArgument));
            assert_eq!((k.block_sums)(&[1.0; 16], 4, 0, 0, 1, &mut out), Err(KernelError::ZeroSize));
            assert_eq!((k.block_sums)(&[1.0; 16], 4, 2, 1, 2, &mut out), Err(KernelError::BadArgument));
            assert_eq!(out, vec![7.0; 4]);
        }
    }

    fn block_sums_parts_joined_give_the_whole_bits() {
        // Threads that each hold the columns of whole agents (`n × width`) sum their target
        // agents' entries: joined by columns, the whole call's bits, in every table, for the
        // scalar fallback (blocks under 8), the lanes path with and without a remainder, whole
        // and partial ranges of source agents, f32 and bf16 weights; every other entry keeps
        // its sentinel.
        for k in tables() {
            for (n, block) in [(64usize, 8usize), (96, 32), (96, 12), (130, 13), (256, 64), (60, 5)] {
                let mut w = uniform_vec(n as u32 * 3 + block as u32, n * n, 0.0, 1.0);
                w.iter_mut().step_by(7).for_each(|x| *x = 0.0);
                block_sums_parts_join(&k, &w, n, block, k.block_sums, k.block_sums_part);
                block_sums_parts_join(&k, &to_bf16(&w), n, block, k.block_sums_bf16, k.block_sums_part_bf16);
            }
        }
    }

    fn a_block_sums_part_that_does_not_fit_is_refused() {
        // n = 16 in agents of 4 (A = 4): a part holds whole agents inside 0..n, W is its
        // n × width columns, out is A × A, the source range lies in 0..A; nothing is written.
        for k in tables() {
            let part = |first, width| Part { n: 16, first, width };
            let w = vec![0.1; 16 * 8];
            let mut out = vec![7.0; 16];
            let f = k.block_sums_part;
            assert_eq!(f(&w, 4, 0, 4, &mut out, part(2, 8)), Err(KernelError::BadArgument), "{k:?}: a start inside an agent");
            assert_eq!(f(&w[..16 * 6], 4, 0, 4, &mut out, part(4, 6)), Err(KernelError::BadArgument), "{k:?}: a width of part of an agent");
            assert_eq!(f(&w, 4, 0, 4, &mut out, part(12, 8)), Err(KernelError::BadArgument), "{k:?}: past n");
            assert_eq!(f(&w[..16 * 6], 3, 0, 4, &mut out, part(0, 6)), Err(KernelError::BadArgument), "{k:?}: n not a multiple of the block");
            assert_eq!(f(&w[..120], 4, 0, 4, &mut out, part(8, 8)), Err(KernelError::LengthMismatch), "{k:?}: 120 weights are not 16 × 8");
            assert_eq!(f(&w, 4, 0, 4, &mut out, part(8, 4)), Err(KernelError::LengthMismatch), "{k:?}: 128 weights are not 16 × 4");
            assert_eq!(f(&w, 4, 0, 4, &mut out[..15], part(8, 8)), Err(KernelError::LengthMismatch), "{k:?}: out is A × A");
            assert_eq!(f(&w, 4, 3, 2, &mut out, part(8, 8)), Err(KernelError::BadArgument), "{k:?}: sources past A");
            assert_eq!(f(&w, 4, usize::MAX, 2, &mut out, part(8, 8)), Err(KernelError::BadArgument), "{k:?}: a source range that overflows");
            assert_eq!(f(&w, 4, 5, 0, &mut out, part(8, 8)), Err(KernelError::BadArgument), "{k:?}: an empty range past A");
            assert_eq!(f(&[], 4, 0, 4, &mut out, part(8, 0)), Err(KernelError::ZeroSize), "{k:?}: width 0");
            assert_eq!(f(&w, 0, 0, 4, &mut out, part(8, 8)), Err(KernelError::ZeroSize), "{k:?}: block 0");
            assert_eq!(f(&[], 4, 0, 0, &mut out, Part { n: 0, first: 0, width: 0 }), Err(KernelError::ZeroSize), "{k:?}: n 0");
            assert_eq!(f(&w, 8, 0, 1, &mut out, Part { n: 8200, first: 0, width: 8 }), Err(KernelError::TooLarge), "{k:?}: n past MAX_DIM");
            assert_eq!(out, vec![7.0; 16], "{k:?}: nothing written");
            assert_eq!(f(&w, 4, 1, 2, &mut out, part(8, 8)), Ok(()), "{k:?}");
            assert!(out.iter().enumerate().all(|(i, &x)| (x == 7.0) != ((4..12).contains(&i) && i % 4 >= 2)), "{k:?}: rows 1..3, columns 2..4 only: {out:?}");
            assert!((out[4 + 2] - 1.6).abs() < 1e-6, "{k:?}: sixteen weights of 0.1, {}", out[4 + 2]);
        }
    }

    fn probe_read_sums_within_rounding_of_f64() {
        for k in tables() {
            for &len in LENGTHS.iter().chain(&[65_536 + 7]) {
                let x = uniform_vec(len as u32 + 3, len, -1.0, 1.0);
                let exact: f64 = x.iter().map(|&v| v as f64).sum();
                let abs: f64 = x.iter().map(|&v| (v as f64).abs()).sum();
                let got = (k.probe_read)(&x) as f64;
                assert!((got - exact).abs() <= len as f64 * 2f64.powi(-24) * abs + 1e-30, "{k:?} len={len}: {got} vs {exact}");
            }
            // The tables sum in one order (eight lane accumulators, a fixed tree, the tail).
            let x = uniform_vec(5, 1000, -1.0, 1.0);
            assert_eq!((k.probe_read)(&x).to_bits(), (dispatch::generic().probe_read)(&x).to_bits(), "{k:?}");
        }
    }

    fn probe_mul_add_iterates_each_lane() {
        for k in tables() {
            let (a, b, iters) = (0.75f32, 0.5f32, 1000usize);
            // Lane i's chain (i / 4) starts at b when even, at a when odd; `acc` is only written.
            let start: Vec<f32> = (0..48).map(|i| if (i / 4) % 2 == 0 { b } else { a }).collect();
            let mut acc = vec![-7.0; 48];
            (k.probe_mul_add)(iters, a, b, &mut acc).unwrap();
            for (lane, (&got, &s)) in acc.iter().zip(&start).enumerate() {
                let mut r = s as f64;
                for _ in 0..iters {
                    r = r * a as f64 + b as f64;
                }
                assert!((got as f64 - r).abs() <= 1e-5 * r.abs().max(1.0), "{k:?} lane {lane}: {got} vs {r}");
            }
            let mut zero = vec![-7.0; 48];
            (k.probe_mul_add)(0, a, b, &mut zero).unwrap();
            assert_eq!(zero, start, "{k:?}: no iteration writes the starts");
            let mut one = vec![-7.0; 48];
            (k.probe_mul_add)(1, a, b, &mut one).unwrap();
            assert_eq!((one[0], one[4]), (b * a + b, a * a + b), "{k:?}: the chains start apart");
            let mut short = vec![1.0; 47];
            assert_eq!((k.probe_mul_add)(1, a, b, &mut short), Err(KernelError::LengthMismatch));
            assert_eq!(short, vec![1.0; 47]);
            let mut big = vec![-7.0; 48];
            assert_eq!((k.probe_mul_add)((1 << 24) + 1, a, b, &mut big), Err(KernelError::TooLarge));
            assert_eq!(big, vec![-7.0; 48], "{k:?}: nothing written");
        }
    }
}

/// Every table's dense and batched dense against the f64 reference.
fn check_dense(m: usize, n: usize, batch: usize, act: Activation, seed: u32) {
    let w = uniform_vec(seed, m * n, -1.0, 1.0);
    let xs = uniform_vec(seed + 1, batch * n, -1.0, 1.0);
    let b = uniform_vec(seed + 2, m, -0.5, 0.5);
    for k in tables() {
        let mut outs = Vec::new();
        if batch == 1 {
            let mut y = vec![f32::NAN; m];
            (k.dense)(&w, &xs, &b, &mut y, m, n, act).unwrap();
            outs.push(y);
        }
        let mut y = vec![f32::NAN; m * batch];
        (k.dense_batch)(&w, &xs, &b, &mut y, m, n, batch, act).unwrap();
        outs.push(y);
        for q in 0..batch {
            let (r, mag) = reference::dense(&w, &xs[q * n..(q + 1) * n], &b, m, n, act);
            for y in &outs {
                for i in 0..m {
                    let got = y[q * m + i] as f64;
                    // Summation error of n products in f32, plus the activation's own 2e-6.
                    let tol = 4.0 * f32::EPSILON as f64 * (n as f64).sqrt() * mag[i] + 2e-6;
                    assert!(
                        (got - r[i]).abs() <= tol,
                        "{k:?} m={m} n={n} B={batch} {act:?} [{q},{i}]: {got} vs {}",
                        r[i]
                    );
                }
            }
        }
    }
}

/// 300 steps of LIF + STDP at N = 257 by `run_of` in every table: some synapses pruned, and
/// every table's spikes, weights and pruned count the first table's (spike counts within 5 %
/// where a table fuses). Returns the first table's run.
fn tables_agree_over_300_steps(run_of: fn(&Kernels, usize, usize, bool) -> Run) -> Run {
    let all = tables();
    let a = run_of(&all[0], 257, 300, true);
    assert!(a.pruned > 0, "some synapses are pruned");
    for k in &all[1..] {
        let b = run_of(k, 257, 300, true);
        if fuses(k) {
            let (sa, sb) = (
                a.spikes.iter().map(Vec::len).sum::<usize>(),
                b.spikes.iter().map(Vec::len).sum::<usize>(),
            );
            assert!(sa.abs_diff(sb) * 20 <= sa, "{k:?}: {sb} spikes vs {sa}");
        } else {
            assert_eq!(a.spikes, b.spikes, "{k:?}");
            assert!(same_bits(&a.w, &b.w), "{k:?}: weights differ");
            assert_eq!(a.pruned, b.pruned, "{k:?}");
        }
    }
    a
}

/// The STDP tests' inputs (N = 37): weights with zeros, negatives, a NaN and one below
/// `prune_below` (pruned by the first update it gets), traces with zeros, and spike lists of
/// every length mod 4, all neurons, and one with repeated indices (the reference path).
fn stdp_inputs(seed: u32) -> (usize, Vec<f32>, Vec<f32>, Vec<Vec<u32>>) {
    let n = 37;
    let mut r = Rng::new(seed);
    let mut w0: Vec<f32> = (0..n * n)
        .map(|_| match r.next_u32() % 10 {
            0 | 1 => 0.0,
            2 => -0.01,
            _ => 0.3 * r.next_f32(),
        })
        .collect();
    w0[5] = f32::NAN;
    w0[n + 3] = 0.005;
    let trace: Vec<f32> = (0..n)
        .map(|j| if j % 7 == 0 { 0.0 } else { r.next_f32() })
        .collect();
    let mut lists: Vec<Vec<u32>> = (0..=9)
        .map(|len| (0..len).map(|k| (k * 4 + 1) as u32).collect())
        .collect();
    lists.push((0..n as u32).collect());
    lists.push(vec![3, 3, 8, 1, 20, 8]);
    (n, w0, trace, lists)
}

/// STDP exactly as `kernels/ABI.md` states it, column by column (no tier runs this order).
fn stdp_by_the_doc(
    w: &mut [f32],
    n: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> usize {
    stdp_by_the_doc_stored(w, n, trace, spikes, p, |x| x)
}

/// [`stdp_by_the_doc`] with every store of a weight going through `stored` (the storage's
/// rounding: bfloat16's round trip, `kernels/ABI.md` "Weight storage").
fn stdp_by_the_doc_stored(
    w: &mut [f32],
    n: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
    stored: impl Fn(f32) -> f32,
) -> usize {
    let settle = |x: f32| {
        let c = if x < 0.0 { 0.0 } else { x };
        let c = if c > p.w_max { p.w_max } else { c };
        if c < p.prune_below {
            (0.0, 1)
        } else {
            (c, 0)
        }
    };
    let mut pruned = 0;
    for &j in spikes {
        for i in 0..n {
            let x = &mut w[j as usize * n + i];
            if *x > 0.0 {
                let (c, pr) = settle(*x - (p.a_minus * trace[i]) * *x);
                *x = stored(c);
                pruned += pr;
            }
        }
    }
    for j in 0..n {
        for &i in spikes {
            let x = &mut w[j * n + i as usize];
            if *x > 0.0 {
                let (c, pr) = settle(*x + p.a_plus * trace[j]);
                *x = stored(c);
                pruned += pr;
            }
        }
    }
    if p.normalise_target > 0.0 {
        for &i in spikes {
            let mut sum = 0.0f32;
            for j in 0..n {
                sum += w[j * n + i as usize];
            }
            if sum > 0.0 {
                let scale = p.normalise_target / sum;
                for j in 0..n {
                    let x = &mut w[j * n + i as usize];
                    if *x > 0.0 {
                        let y = *x * scale;
                        *x = stored(if y > p.w_max { p.w_max } else { y });
                    }
                }
            }
        }
    }
    pruned
}

/// Table `k`'s whole run (`lif` and `stdp` on all of W) and the run split into 1, 2 and 3 parts
/// (`parts_fns`: their part kernels), with the weights stored as `W`, give the same spikes
/// every step and the same potentials, traces, weights and pruned count after 300 steps, for
/// several sizes, with and without normalisation.
fn parts_give_the_whole_run<W: Weight>(
    k: &Kernels,
    (lif, stdp): (LifFn<W>, StdpFn<W>),
    parts_fns: (LifPartFn<W>, StdpPartFn<W>),
) {
    let storage = W::NAME;
    for (n, target) in [
        (64usize, 0.0),
        (257, 0.0),
        (384, 0.0),
        (257, 2.0),
        (384, 2.0),
    ] {
        let whole = run_in::<W>(n, 300, true, target, lif, stdp);
        let fired: usize = whole.spikes.iter().map(Vec::len).sum();
        assert!(
            fired > 50,
            "{storage} n={n} target={target}: the network fires ({fired})"
        );
        for parts in 1..=3 {
            let got = run_parts_in::<W>(n, 300, parts, target, parts_fns);
            let at = format!("{k:?} {storage} n={n} target={target} parts={parts}");
            assert_eq!(got.spikes, whole.spikes, "{at}: spikes");
            assert!(
                same_bits(&got.v, &whole.v) && same_bits(&got.trace, &whole.trace),
                "{at}: state"
            );
            assert!(same_bits(&got.w, &whole.w), "{at}: weights");
            assert_eq!(got.pruned, whole.pruned, "{at}: pruned");
        }
    }
}

/// Table `k`'s block sums of `w` (`n × n`, stored as `W`) by `whole_fn`, and by `part_fn` over
/// 1, 2 and 3 parts of whole agents' columns joined, for whole and partial ranges of source
/// agents: the same bits, each part writing its target agents' entries of those rows only.
fn block_sums_parts_join<W: Weight>(
    k: &Kernels,
    w: &[W],
    n: usize,
    block: usize,
    whole_fn: BlockSumsFn<W>,
    part_fn: BlockSumsPartFn<W>,
) {
    let (a, storage) = (n / block, W::NAME);
    for (src_first, src_count) in [(0, a), (a / 4, a / 2), (a - 1, 1), (1, 0)] {
        let mut whole = vec![f32::NAN; a * a];
        whole_fn(w, n, block, src_first, src_count, &mut whole).unwrap();
        let sources = src_first..src_first + src_count;
        for parts in 1..=3 {
            let bounds: Vec<usize> = (0..=parts).map(|p| a * p / parts * block).collect();
            let mut joined = vec![f32::NAN; a * a];
            for p in 0..parts {
                let (first, width) = (bounds[p], bounds[p + 1] - bounds[p]);
                let at = format!(
                    "{k:?} {storage} n={n} block={block} part {first}+{width} sources {sources:?}"
                );
                let cols: Vec<W> = (0..n)
                    .flat_map(|j| w[j * n + first..j * n + first + width].iter().copied())
                    .collect();
                let mut got = vec![f32::NAN; a * a];
                part_fn(
                    &cols,
                    block,
                    src_first,
                    src_count,
                    &mut got,
                    Part { n, first, width },
                )
                .unwrap();
                let targets = first / block..(first + width) / block;
                for (idx, x) in got.iter().enumerate() {
                    if sources.contains(&(idx / a)) && targets.contains(&(idx % a)) {
                        assert!(!x.is_nan(), "{at}: entry {idx} written");
                        joined[idx] = *x;
                    } else {
                        assert!(x.is_nan(), "{at}: entry {idx} untouched");
                    }
                }
            }
            assert!(
                same_bits(&joined, &whole),
                "{k:?} {storage} n={n} block={block} parts={parts} sources {sources:?}"
            );
        }
    }
}

/// bfloat16's round trip: what a bf16 weight buffer holds after a store of `x`.
fn bf16_round(x: f32) -> f32 {
    u16::put(x).get()
}

fn to_bf16(w: &[f32]) -> Vec<u16> {
    w.iter().map(|&x| u16::put(x)).collect()
}

fn from_bf16(w: &[u16]) -> Vec<f32> {
    w.iter().map(|&h| h.get()).collect()
}

fn lif_params() -> LifParams {
    LifParams::one_ms(0.03, 0.5)
}

struct Run {
    spikes: Vec<Vec<u32>>,
    v: Vec<f32>,
    trace: Vec<f32>,
    w: Vec<f32>,
    pruned: usize,
}

/// `steps` LIF (+ STDP) steps of a seeded network with the app's shape in table `k`.
fn run(k: &Kernels, n: usize, steps: usize, plastic: bool) -> Run {
    run_with(k, n, steps, plastic, 0.0)
}

/// [`run`] with STDP normalising each spiking neuron's inputs to `target` (0: off).
fn run_with(k: &Kernels, n: usize, steps: usize, plastic: bool, target: f32) -> Run {
    run_in::<f32>(n, steps, plastic, target, k.lif_step, k.stdp)
}

/// The run with the weights stored as `W` (the seeded weights are exact in bf16), stepped by
/// `lif` and `stdp`; the answer's `w` is the stored weights, decoded.
fn run_in<W: Weight>(
    n: usize,
    steps: usize,
    plastic: bool,
    target: f32,
    lif: LifFn<W>,
    stdp: StdpFn<W>,
) -> Run {
    let (w, mut neurons) = seeded(n);
    let mut w: Vec<W> = w.iter().map(|&x| W::put(x)).collect();
    let p = lif_params();
    let sp = StdpParams::from_slice(&[0.004, 0.3, 0.2, 0.03, target]).unwrap();
    let (mut prev, mut out) = (Vec::new(), vec![0u32; n]);
    let (mut spikes, mut pruned) = (Vec::new(), 0);
    for _ in 0..steps {
        let c = lif(&p, &mut neurons.state(), &w, &prev, &mut out).unwrap();
        if plastic {
            pruned += stdp(&mut w, n, &neurons.trace, &out[..c], &sp).unwrap();
        }
        prev = out[..c].to_vec();
        spikes.push(prev.clone());
    }
    Run {
        spikes,
        v: neurons.v,
        trace: neurons.trace,
        w: w.iter().map(|x| x.get()).collect(),
        pruned,
    }
}

/// [`run`] with the population split into `parts` parts by post-synaptic columns (each a
/// multiple of 4 wide but the last), stepped in turn as threads would: every part's LIF from
/// the last step's whole spike list, the parts' spikes joined in order, every part's copy of
/// the other neurons' traces advanced from them, then every part's STDP. The answer's `v`,
/// `trace` and `w` are the parts' put back together (`w` decoded). The weights are stored as
/// `W` (the seeded weights are exact in bf16), stepped by `lif` and `stdp`, as [`run_in`]'s.
fn run_parts_in<W: Weight>(
    n: usize,
    steps: usize,
    parts: usize,
    target: f32,
    (lif, stdp): (LifPartFn<W>, StdpPartFn<W>),
) -> Run {
    let (w, neurons) = seeded(n);
    let p = lif_params();
    let sp = StdpParams::from_slice(&[0.004, 0.3, 0.2, 0.03, target]).unwrap();
    let bounds: Vec<usize> = (0..=parts)
        .map(|q| if q == parts { n } else { n * q / parts / 4 * 4 })
        .collect();
    struct Slice<W> {
        part: Part,
        w: Vec<W>,
        v: Vec<f32>,
        refr: Vec<f32>,
        syn: Vec<f32>,
        /// All n traces: the part's own are its LIF state, the others follow the spikes.
        trace: Vec<f32>,
        rng: [u32; 4],
        out: Vec<u32>,
    }
    let mut slices: Vec<Slice<W>> = bounds
        .windows(2)
        .map(|b| {
            let (first, width) = (b[0], b[1] - b[0]);
            Slice {
                part: Part { n, first, width },
                w: (0..n)
                    .flat_map(|j| {
                        w[j * n + first..j * n + first + width]
                            .iter()
                            .map(|&x| W::put(x))
                    })
                    .collect(),
                v: neurons.v[first..first + width].to_vec(),
                refr: vec![0.0; width],
                syn: vec![0.0; width],
                trace: vec![0.0; n],
                rng: neurons.rng,
                out: vec![0; width],
            }
        })
        .collect();
    let (mut prev, mut spikes, mut pruned) = (Vec::new(), Vec::new(), 0);
    for _ in 0..steps {
        let mut now: Vec<u32> = Vec::new();
        for s in &mut slices {
            let Part { first, width, .. } = s.part;
            let mut st = LifState {
                v: &mut s.v,
                refr: &mut s.refr,
                trace: &mut s.trace[first..first + width],
                syn: &mut s.syn,
                rng: &mut s.rng,
            };
            let c = lif(&p, &mut st, &s.w, &prev, &mut s.out, s.part).unwrap();
            now.extend_from_slice(&s.out[..c]);
        }
        for s in &mut slices {
            let own = s.part.first..s.part.first + s.part.width;
            let mut spiked = vec![false; n];
            for &j in &now {
                spiked[j as usize] = true;
            }
            for (j, t) in s.trace.iter_mut().enumerate() {
                if !own.contains(&j) {
                    *t = *t * p.trace_decay + if spiked[j] { 1.0 } else { 0.0 };
                }
            }
            pruned += stdp(&mut s.w, &s.trace, &now, &sp, s.part).unwrap();
        }
        prev = now;
        spikes.push(prev.clone());
    }
    let mut w_all = vec![0.0f32; n * n];
    let (mut v, mut trace) = (vec![0.0f32; n], vec![0.0f32; n]);
    for s in &slices {
        let Part { first, width, .. } = s.part;
        for j in 0..n {
            for (x, y) in w_all[j * n + first..j * n + first + width]
                .iter_mut()
                .zip(&s.w[j * width..(j + 1) * width])
            {
                *x = y.get();
            }
        }
        v[first..first + width].copy_from_slice(&s.v);
        trace[first..first + width].copy_from_slice(&s.trace[first..first + width]);
    }
    Run {
        spikes,
        v,
        trace,
        w: w_all,
        pruned,
    }
}

/// [`run`] with the weights stored as bfloat16 (the seeded weights rounded once); `w` of the
/// answer is the stored weights, decoded.
fn run_bf16(k: &Kernels, n: usize, steps: usize, plastic: bool) -> Run {
    run_in::<u16>(n, steps, plastic, 0.0, k.lif_step_bf16, k.stdp_bf16)
}

/// The seeded network of [`run`] and [`run_bf16`]: weights (20 % dense, no self-synapses,
/// each exactly a bf16 value) and neurons.
fn seeded(n: usize) -> (Vec<f32>, LifNeurons) {
    let mut r = Rng::new(11);
    let mut w = vec![0.0f32; n * n];
    for j in 0..n {
        for i in 0..n {
            if i != j && r.next_f32() < 0.2 {
                // Values bf16 holds exactly, so the f32 and the bf16 runs start alike.
                w[j * n + i] = bf16_round(0.02 + 0.1 * r.next_f32());
            }
        }
    }
    let neurons = LifNeurons::new((0..n).map(|_| r.next_f32()).collect(), [1, 2, 3, 4]);
    (w, neurons)
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn activations_match_reference_in_every_table(xs in prop::collection::vec(-25.0f32..25.0, 0..300), kind in 0u32..6) {
            let act = Activation::from_u32(kind).unwrap();
            for k in tables() {
                let mut y = xs.clone();
                (k.act_apply)(act, &mut y);
                for (x, v) in xs.iter().zip(&y) {
                    let r = reference::activation(act, *x as f64);
                    prop_assert!((*v as f64 - r).abs() <= 2e-6, "{:?} {:?}({}) = {} vs {}", k, act, x, v, r);
                }
            }
        }

        #[test]
        fn dense_batch_matches_reference(m in 1usize..40, n in 1usize..70, batch in 1usize..11, seed in any::<u32>()) {
            check_dense(m, n, batch, Activation::Identity, seed);
        }

        #[test]
        fn efficiency_tables_equal(n in 0usize..200, deg in 0.0f32..6.0, seed in any::<u32>()) {
            let adj = random_graph(n, deg / n.max(1) as f32, seed, seed % 2 == 0);
            let wpr = words_per_row(n);
            let all = tables();
            let a = (all[0].efficiency)(&adj, n, wpr).unwrap();
            for k in &all[1..] {
                prop_assert_eq!(a.to_bits(), (k.efficiency)(&adj, n, wpr).unwrap().to_bits());
            }
            prop_assert!((a - reference::efficiency(&adj, n, wpr)).abs() < 1e-12);
        }
    }
}
