//! Reference vectors for the JS tier's tests (`kernels/js/test/`), from the Rust scalar
//! kernels (bit for bit where the JS tier must match: PRNG, LIF, STDP, efficiency, blocks;
//! within the contract's tolerance for activations and dense; block sums from the lanes
//! version the SIMD tables run, whose order the JS tier follows): `cargo run -p sasi-kernels --example js_vectors -- target/js-vectors.json`.
//! f32 values are written as their bit patterns (u32) so nothing is lost in printing. `"abi"`
//! is the table of exports (`sasi_kernels::exports::json`).
// A test/tool, not library code: a failed call should stop it with its message.
#![allow(clippy::unwrap_used)]
use sasi_kernels::dispatch;
use sasi_kernels::ops::activation::Activation;
use sasi_kernels::ops::blocks::block_sums_lanes;
use sasi_kernels::ops::efficiency::{efficiency_scalar, random_graph, words_per_row};
use sasi_kernels::ops::lif::{lif_step_scalar, LifNeurons, LifParams};
use sasi_kernels::ops::stdp::{stdp_scalar, StdpParams};
use sasi_kernels::rng::{uniform_vec, Rng};

fn bits(v: &[f32]) -> String {
    let b: Vec<String> = v.iter().map(|x| x.to_bits().to_string()).collect();
    format!("[{}]", b.join(","))
}
fn nums<T: ToString>(v: &[T]) -> String {
    let b: Vec<String> = v.iter().map(T::to_string).collect();
    format!("[{}]", b.join(","))
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/js-vectors.json".into());
    let mut parts: Vec<String> = Vec::new();

    // PRNG streams.
    let mut streams = Vec::new();
    for seed in [1u32, 7, 0, 0xdead_beef] {
        let mut r = Rng::new(seed);
        let v: Vec<u32> = (0..8).map(|_| r.next_u32()).collect();
        streams.push(format!("{{\"seed\":{seed},\"u32\":{}}}", nums(&v)));
    }
    parts.push(format!("\"rng\":[{}]", streams.join(",")));
    parts.push(format!(
        "\"fill_uniform\":{{\"seed\":3,\"lo\":-2,\"hi\":2,\"bits\":{}}}",
        bits(&uniform_vec(3, 33, -2.0, 2.0))
    ));

    // Activations: special values, a grid over [-20, 20] and random values beyond it.
    let mut input = vec![
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        1e-30,
        -1e-30,
        88.5,
        -88.5,
        100.0,
        -100.0,
        -10.0,
        -9.99,
    ];
    input.extend((0..=800).map(|i| -20.0 + i as f32 * 0.05));
    input.extend(uniform_vec(9, 211, -120.0, 120.0));
    let mut acts = Vec::new();
    for act in Activation::ALL {
        let mut y = input.clone();
        (dispatch::scalar().act_apply)(act, &mut y);
        acts.push(format!(
            "{{\"kind\":{},\"name\":\"{}\",\"bits\":{}}}",
            act as u32,
            act.name(),
            bits(&y)
        ));
    }
    parts.push(format!(
        "\"activation\":{{\"input\":{},\"cases\":[{}]}}",
        bits(&input),
        acts.join(",")
    ));

    // Dense, batched (odd shapes), tanh.
    let (m, n, batch) = (5usize, 7usize, 6usize);
    let (w, xs, b) = (
        uniform_vec(21, m * n, -1.0, 1.0),
        uniform_vec(22, batch * n, -1.0, 1.0),
        uniform_vec(23, m, -0.5, 0.5),
    );
    let mut ys = vec![0.0; batch * m];
    (dispatch::scalar().dense_batch)(&w, &xs, &b, &mut ys, m, n, batch, Activation::Tanh).unwrap();
    parts.push(format!(
        "\"dense\":{{\"m\":{m},\"n\":{n},\"batch\":{batch},\"act\":4,\"w\":{},\"xs\":{},\"b\":{},\"ys\":{}}}",
        bits(&w),
        bits(&xs),
        bits(&b),
        bits(&ys)
    ));

    // LIF + STDP run: 150 steps of a 67-neuron network.
    let n = 67usize;
    let mut r = Rng::new(5);
    let mut w = vec![0.0f32; n * n];
    for j in 0..n {
        for i in 0..n {
            if i != j && r.next_f32() < 0.25 {
                w[j * n + i] = 0.02 + 0.1 * r.next_f32();
            }
        }
    }
    let w0 = w.clone();
    let v0 = uniform_vec(6, n, 0.0, 1.0);
    let p = LifParams::one_ms(0.08, 0.7);
    let lp = p.to_array();
    let sp = [0.004, 0.0042, 0.2, 0.03, 0.0];
    let s = StdpParams::from_slice(&sp).unwrap();
    let mut neurons = LifNeurons::new(v0.clone(), [11, 12, 13, 14]);
    let mut out = vec![0u32; n];
    let mut prev: Vec<u32> = Vec::new();
    let (mut counts, mut pruned) = (Vec::new(), Vec::new());
    for _ in 0..150 {
        let k = lif_step_scalar(&p, &mut neurons.state(), &w, &prev, &mut out).unwrap();
        pruned.push(stdp_scalar(&mut w, n, &neurons.trace, &out[..k], &s).unwrap());
        prev = out[..k].to_vec();
        counts.push(k);
    }
    parts.push(format!(
        "\"lif\":{{\"n\":{n},\"steps\":150,\"params\":{},\"stdp\":{},\"w0\":{},\"v0\":{},\"rng0\":[11,12,13,14],\"counts\":{},\"pruned\":{},\"last_spikes\":{},\"v\":{},\"trace\":{},\"w\":{}}}",
        bits(&lp),
        bits(&sp),
        bits(&w0),
        bits(&v0),
        nums(&counts),
        nums(&pruned),
        nums(&prev),
        bits(&neurons.v),
        bits(&neurons.trace),
        bits(&w)
    ));

    // Efficiency of a few graphs, and block sums of the final weights.
    let mut graphs = Vec::new();
    for (gn, deg, seed) in [
        (0usize, 0.0f32, 1u32),
        (1, 1.0, 2),
        (2, 2.0, 3),
        (33, 3.0, 4),
        (129, 6.0, 5),
        (200, 1.5, 6),
    ] {
        let wpr = words_per_row(gn);
        let adj = random_graph(gn, deg / gn.max(1) as f32, seed, false);
        let e = efficiency_scalar(&adj, gn, wpr).unwrap();
        graphs.push(format!(
            "{{\"n\":{gn},\"wpr\":{wpr},\"adj\":{},\"e\":{e:?}}}",
            nums(&adj)
        ));
    }
    parts.push(format!("\"efficiency\":[{}]", graphs.join(",")));
    // Blocks of whole lane pairs, with a remainder after them, and too small for lanes.
    let mut blocks = Vec::new();
    for (bn, block, seed) in [(64usize, 16usize, 61u32), (60, 12, 62), (35, 5, 63)] {
        let wb = uniform_vec(seed, bn * bn, 0.0, 1.0);
        let mut sums = vec![0.0; (bn / block) * (bn / block)];
        block_sums_lanes::<sasi_kernels::simd::array::F32x4, f32>(
            &wb,
            bn,
            block,
            0,
            bn / block,
            &mut sums,
        )
        .unwrap();
        blocks.push(format!(
            "{{\"n\":{bn},\"block\":{block},\"w\":{},\"sums\":{}}}",
            bits(&wb),
            bits(&sums)
        ));
    }
    parts.push(format!("\"blocks\":[{}]", blocks.join(",")));

    // The app's seeded network (model::initial_network), which the wasm modules' model_network
    // must write bit for bit: N = 96 in agents of 8 (sparse links between agents), seed 7.
    let (nn, nper, nseed) = (96usize, 8usize, 7u32);
    let (nw, nv, nl) = sasi_kernels::model::initial_network(nn, nper, &mut Rng::new(nseed));
    parts.push(format!(
        "\"network\":{{\"n\":{nn},\"per\":{nper},\"seed\":{nseed},\"w\":{},\"v\":{},\"lanes\":{}}}",
        bits(&nw),
        bits(&nv),
        nums(&nl)
    ));

    // The kernels with two forms and each one's forms, by index (dispatch.rs), which bench.js
    // FORMS names for `variant_select`.
    let names = |v: &[&str]| {
        let q: Vec<String> = v.iter().map(|s| format!("\"{s}\"")).collect();
        format!("[{}]", q.join(","))
    };
    let forms: Vec<String> = sasi_kernels::dispatch::FORMS
        .iter()
        .map(|f| names(f))
        .collect();
    parts.push(format!(
        "\"forms\":{{\"kernels\":{},\"forms\":[{}]}}",
        names(&sasi_kernels::dispatch::VARIANT_KERNELS),
        forms.join(",")
    ));

    // The export table and the contract's constants (kernels/src/exports.rs), which the JS
    // tier's signatures and args.test.mjs's calls are checked against.
    parts.push(format!("\"abi\":{}", sasi_kernels::exports::json()));

    let json = format!("{{{}}}\n", parts.join(",\n"));
    if let Some(dir) = std::path::Path::new(&path).parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(&path, json).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
    eprintln!("wrote {path}");
}
