//! The kernels compiled to WebAssembly (`+simd128`, run by wasm-bindgen-test-runner in Node):
//! the SIMD paths as wasm SIMD128 instructions, against the scalar paths and the f64
//! reference on the same seeded inputs.
#![cfg(target_arch = "wasm32")]

use sasi_kernels::activation::{apply_scalar, apply_simd, Activation};
use sasi_kernels::dense::{dense_batch_scalar, dense_batch_simd, dense_simd};
use sasi_kernels::efficiency::{efficiency_scalar, efficiency_simd, words_per_row};
use sasi_kernels::lif::{lif_step_scalar, lif_step_simd, LifParams};
use sasi_kernels::reference;
use sasi_kernels::rng::{uniform_vec, Rng};
use sasi_kernels::stdp::{stdp_scalar, stdp_simd, StdpParams};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn built_with_simd128() {
    assert!(
        cfg!(target_feature = "simd128"),
        "run with RUSTFLAGS=-C target-feature=+simd128"
    );
    assert!(sasi_kernels::dispatch::TIER >= 1);
}

#[wasm_bindgen_test]
fn activations_agree_bitwise_and_with_f64() {
    for len in [0usize, 1, 3, 4, 5, 1023, 4097] {
        let x = uniform_vec(len as u32 + 5, len, -20.0, 20.0);
        for act in Activation::ALL {
            let (mut a, mut b) = (x.clone(), x.clone());
            apply_scalar(act, &mut a);
            apply_simd(act, &mut b);
            for i in 0..len {
                assert_eq!(a[i].to_bits(), b[i].to_bits(), "{act:?} len {len} at {i}");
                let r = reference::activation(act, x[i] as f64);
                assert!(
                    (b[i] as f64 - r).abs() <= 2e-6,
                    "{act:?}({}) = {} vs {r}",
                    x[i],
                    b[i]
                );
            }
        }
    }
    let mut special = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 0.0, 1.0];
    apply_simd(Activation::Gelu, &mut special);
    assert!(special[0].is_nan());
    assert_eq!(&special[1..4], &[f32::INFINITY, 0.0, 0.0]);
}

#[wasm_bindgen_test]
fn dense_simd_and_scalar_within_tolerance_of_f64() {
    for (m, n, batch) in [
        (1, 1, 1),
        (5, 7, 3),
        (64, 64, 4),
        (33, 129, 9),
        (256, 256, 1),
    ] {
        let (w, xs, b) = (
            uniform_vec(1, m * n, -1.0, 1.0),
            uniform_vec(2, batch * n, -1.0, 1.0),
            uniform_vec(3, m, -0.5, 0.5),
        );
        let (mut ya, mut yb) = (vec![0.0; batch * m], vec![0.0; batch * m]);
        dense_batch_scalar(&w, &xs, &b, &mut ya, m, n, batch, Activation::Identity).unwrap();
        dense_batch_simd(&w, &xs, &b, &mut yb, m, n, batch, Activation::Identity).unwrap();
        for k in 0..batch {
            let (r, mag) =
                reference::dense(&w, &xs[k * n..(k + 1) * n], &b, m, n, Activation::Identity);
            for i in 0..m {
                let tol = 4.0 * f32::EPSILON as f64 * (n as f64).sqrt() * mag[i] + 1e-7;
                assert!((ya[k * m + i] as f64 - r[i]).abs() <= tol);
                assert!((yb[k * m + i] as f64 - r[i]).abs() <= tol);
            }
        }
        if batch == 1 {
            let mut y = vec![0.0; m];
            dense_simd(&w, &xs, &b, &mut y, m, n, Activation::Identity).unwrap();
            assert!(y.iter().zip(&yb).all(|(a, c)| (a - c).abs() <= 1e-4));
        }
    }
}

#[wasm_bindgen_test]
fn lif_and_stdp_agree_exactly_over_200_steps() {
    let n = 301;
    let mut r = Rng::new(9);
    let mut w0 = vec![0.0f32; n * n];
    for j in 0..n {
        for i in 0..n {
            if i != j && r.next_f32() < 0.15 {
                w0[j * n + i] = 0.02 + 0.1 * r.next_f32();
            }
        }
    }
    let p = LifParams::from_slice(&[1.0, 20.0, 0.0, 0.0, 1.0, 2.0, 0.95, 0.05, 0.6]).unwrap();
    let sp = StdpParams::from_slice(&[0.004, 0.0042, 0.2, 0.03, 0.0]).unwrap();
    let mut runs = Vec::new();
    for simd in [false, true] {
        let mut w = w0.clone();
        let mut v = uniform_vec(4, n, 0.0, 1.0);
        let (mut refr, mut trace, mut syn, mut out) =
            (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0u32; n]);
        let mut rng = [1, 2, 3, 4];
        let mut prev = Vec::new();
        let mut log = Vec::new();
        for _ in 0..200 {
            let k = if simd {
                lif_step_simd(
                    &p, &mut v, &mut refr, &mut trace, &mut syn, &w, &prev, &mut rng, &mut out,
                )
                .unwrap()
            } else {
                lif_step_scalar(
                    &p, &mut v, &mut refr, &mut trace, &mut syn, &w, &prev, &mut rng, &mut out,
                )
                .unwrap()
            };
            let pruned = if simd {
                stdp_simd(&mut w, n, &trace, &out[..k], &sp)
            } else {
                stdp_scalar(&mut w, n, &trace, &out[..k], &sp)
            }
            .unwrap();
            prev = out[..k].to_vec();
            log.push((k, pruned));
        }
        let wbits: Vec<u32> = w.iter().map(|x| x.to_bits()).collect();
        runs.push((log, wbits, prev));
    }
    assert_eq!(runs[0].0, runs[1].0, "spike counts and pruning per step");
    assert_eq!(runs[0].2, runs[1].2);
    assert!(runs[0].1 == runs[1].1, "weights differ");
    assert!(runs[0].0.iter().map(|x| x.0).sum::<usize>() > 100);
}

#[wasm_bindgen_test]
fn efficiency_agrees_exactly() {
    for n in [0usize, 2, 31, 32, 129, 300] {
        let wpr = words_per_row(n);
        let mut adj = vec![0u32; n * wpr];
        let mut r = Rng::new(n as u32 + 1);
        for i in 0..n {
            for j in 0..n {
                if r.next_f32() < 3.0 / n.max(1) as f32 {
                    adj[i * wpr + j / 32] |= 1 << (j % 32);
                }
            }
        }
        let a = efficiency_scalar(&adj, n, wpr).unwrap();
        assert_eq!(
            a.to_bits(),
            efficiency_simd(&adj, n, wpr).unwrap().to_bits()
        );
        assert!((a - reference::efficiency(&adj, n, wpr)).abs() < 1e-12);
    }
}
