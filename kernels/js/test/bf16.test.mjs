// bfloat16 weights (kernels/ABI.md "Weight storage") in every tier, in Node: the JS tier's
// plain-JS decode and encode against the wasm modules, bit for bit, through the ABI as the app
// calls it: the encoding of awkward values, a run of LIF + STDP on the app's own network, the
// mesh's block sums, and a bf16 step equal to the f32 step on the decoded weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as js from '../tier/abi.js';
import { encode, decode } from '../tier/weight.js';
import { loadModule as load, RELAXED_OK as relaxedOk } from './modules.mjs';

/** Typed views of a tier's buffers. */
function views(x) {
  if (x === js) return { f32: js.f32, u32: js.u32, u16: js.u16 };
  return {
    f32: (h, n) => new Float32Array(x.memory.buffer, h, n),
    u32: (h, n) => new Uint32Array(x.memory.buffer, h, n),
    u16: (h, n) => new Uint16Array(x.memory.buffer, h, n),
  };
}

/** A buffer of `n` elements of `kind` holding `vals` (or zeros). */
function buffer(x, kind, n, vals) {
  const h = x.sasi_alloc(n * (kind === 'u16' ? 2 : 4));
  assert.ok(h > 0, `alloc ${n} ${kind}`);
  if (vals) views(x)[kind](h, n).set(vals);
  return h;
}

async function tiers() {
  const t = { js, scalar: await load('scalar'), simd: await load('simd') };
  if (relaxedOk) t.relaxed = await load('relaxed');
  return t;
}

test('encoding rounds to nearest even, the same bits in JS and in every module', async () => {
  const bits = new Uint32Array(1);
  const asF32 = new Float32Array(bits.buffer);
  const vals = [0, 0.25, 0.1, 0.002, 1 + 1 / 256, 1 + 3 / 256, 0.0709, 1e-30, 3.4e38, -0.01];
  // Halfway cases, one above, one below, around several exponents.
  for (const b of [0x3f808000, 0x3f818000, 0x3f808001, 0x3f807fff, 0x3d4c8000, 0x3d4d8000]) {
    bits[0] = b;
    vals.push(asF32[0]);
  }
  assert.equal(encode(1 + 1 / 256), 0x3f80, 'tie to even, down');
  assert.equal(encode(1 + 3 / 256), 0x3f82, 'tie to even, up');
  assert.equal(decode(0x3e80), 0.25);
  for (const [name, x] of Object.entries(await tiers())) {
    const src = buffer(x, 'f32', vals.length, vals);
    const out = buffer(x, 'u16', vals.length);
    assert.equal(x.weights_to_bf16(src, vals.length, out), 0, name);
    assert.deepEqual(Array.from(views(x).u16(out, vals.length)), vals.map(encode), name);
    assert.equal(x.weights_to_bf16(src, vals.length, src), js.ERRORS.Aliasing, `${name}: out aliasing x`);
  }
});

/** `steps` steps of LIF + STDP on bf16 weights in tier `x`, from the app's network. */
function run(x, net, steps) {
  const { n, w, v, lanes, lif, stdp } = net;
  const wh = buffer(x, 'f32', n * n, w);
  const w16 = buffer(x, 'u16', n * n);
  assert.equal(x.weights_to_bf16(wh, n * n, w16), 0);
  const st = {
    lif: buffer(x, 'f32', 9, lif), stdp: buffer(x, 'f32', 5, stdp),
    v: buffer(x, 'f32', n, v), refr: buffer(x, 'f32', n), trace: buffer(x, 'f32', n), syn: buffer(x, 'f32', n),
    rng: buffer(x, 'u32', 4, lanes), prev: buffer(x, 'u32', n), out: buffer(x, 'u32', n),
  };
  const spikes = [];
  let nPrev = 0;
  for (let s = 0; s < steps; s++) {
    const k = x.lif_step_bf16(st.lif, 9, st.v, st.refr, st.trace, st.syn, n, w16, n * n, st.prev, nPrev, st.rng, st.out, n);
    assert.ok(k >= 0, `lif_step_bf16: ${k}`);
    const p = x.stdp_update_bf16(w16, n * n, n, st.trace, n, st.out, k, st.stdp, 5);
    assert.ok(p >= 0, `stdp_update_bf16: ${p}`);
    const out = Array.from(views(x).u32(st.out, k));
    spikes.push(out);
    views(x).u32(st.prev, n).set(out);
    nPrev = k;
  }
  const agents = 8;
  const sums = buffer(x, 'f32', agents * agents);
  assert.equal(x.block_sums_bf16(w16, n * n, n, n / agents, 0, agents, sums, agents * agents), 0);
  return {
    spikes,
    v: Array.from(views(x).u32(st.v, n)),
    w: Array.from(views(x).u16(w16, n * n)),
    sums: Array.from(views(x).u32(sums, agents * agents)),
  };
}

/** The app's network at `n` (model_network, model_params of the SIMD module). */
async function appNetwork(n) {
  const m = await load('simd');
  const w = buffer(m, 'f32', n * n), v = buffer(m, 'f32', n), lanes = buffer(m, 'u32', 4);
  assert.equal(m.model_network(n, n / 8, 7, w, n * n, v, lanes), 0);
  const lif = buffer(m, 'f32', 9), stdp = buffer(m, 'f32', 5);
  assert.equal(m.model_params(30, lif, stdp), 0);
  const V = views(m);
  return {
    n, w: V.f32(w, n * n).slice(), v: V.f32(v, n).slice(), lanes: V.u32(lanes, 4).slice(),
    lif: V.f32(lif, 9).slice(), stdp: V.f32(stdp, 5).slice(),
  };
}

test('300 steps of LIF + STDP on bf16 weights: the JS tier has the scalar and SIMD modules\' spikes, state and weights', async () => {
  const net = await appNetwork(256);
  const t = await tiers();
  const want = run(t.scalar, net, 300);
  const fired = want.spikes.reduce((a, s) => a + s.length, 0);
  assert.ok(fired > 100, `the network fires (${fired} spikes)`);
  const moved = want.w.filter((h, i) => h !== encode(net.w[i])).length;
  assert.ok(moved > 100, `STDP changed weights (${moved})`);
  for (const name of ['js', 'simd']) {
    const got = run(t[name], net, 300);
    assert.deepEqual(got.spikes, want.spikes, `${name}: spikes`);
    assert.deepEqual(got.v, want.v, `${name}: membrane bits`);
    assert.deepEqual(got.w, want.w, `${name}: weight bits`);
  }
  // Block sums: the JS tier computes the SIMD modules' order (ABI.md "Agent block sums").
  assert.deepEqual(run(t.js, net, 300).sums, run(t.simd, net, 300).sums, 'block sums');
  if (t.relaxed) {
    // The relaxed module fuses depression's multiply-add: close, not equal.
    const got = run(t.relaxed, net, 300);
    const a = want.spikes.flat().length, b = got.spikes.flat().length;
    assert.ok(Math.abs(a - b) * 20 <= a, `relaxed: ${b} spikes vs ${a}`);
  }
});

test('a bf16 LIF step is the f32 step on the decoded weights, in the JS tier', () => {
  const n = 66; // even and odd rows, and a row tail
  const w = Array.from({ length: n * n }, (_, k) => ((k * 2654435761) >>> 0) % 7 === 0 ? 0.3 * (((k * 40503) % 1000) / 1000) : 0);
  const w16 = w.map(encode);
  const decoded = w16.map(decode);
  const results = [];
  for (const [fn, kind, vals] of [[js.lif_step_bf16, 'u16', w16], [js.lif_step, 'f32', decoded]]) {
    const st = {
      lif: buffer(js, 'f32', 9, [1, 20, 0, 0, 1, 2, 0.95, 0.05, 0.5]),
      v: buffer(js, 'f32', n, Array.from({ length: n }, (_, i) => (i % 10) / 10)),
      refr: buffer(js, 'f32', n), trace: buffer(js, 'f32', n), syn: buffer(js, 'f32', n),
      rng: buffer(js, 'u32', 4, [1, 2, 3, 4]), out: buffer(js, 'u32', n),
      prev: buffer(js, 'u32', n, Array.from({ length: n }, (_, i) => i)),
      w: buffer(js, kind, n * n, vals),
    };
    const k = fn(st.lif, 9, st.v, st.refr, st.trace, st.syn, n, st.w, n * n, st.prev, n, st.rng, st.out, n);
    assert.ok(k >= 0, `${kind}: ${k}`);
    results.push({ k, syn: Array.from(js.u32(st.syn, n)), v: Array.from(js.u32(st.v, n)) });
  }
  assert.deepEqual(results[0], results[1]);
});

test('matrix × vector on bf16 weights: the JS tier is dense_forward on the decoded weights, and the modules agree with it', async () => {
  const t = await tiers();
  for (const [m, n] of [[1, 1], [3, 5], [4, 8], [7, 17], [64, 130]]) {
    const w = Array.from({ length: m * n }, (_, k) => Math.sin(k * 0.37) * 0.5);
    const w16 = w.map(encode);
    const x = Array.from({ length: n }, (_, k) => Math.cos(k * 0.11));
    const b = Array.from({ length: m }, (_, k) => k / m);
    const outs = {};
    for (const [name, tier] of Object.entries(t)) {
      const W = buffer(tier, 'u16', m * n, w16), X = buffer(tier, 'f32', n, x), B = buffer(tier, 'f32', m, b), Y = buffer(tier, 'f32', m);
      assert.equal(tier.dense_forward_bf16(W, m * n, X, n, B, m, Y, m, m, n, 0), 0, `${name} ${m}x${n}`);
      outs[name] = Float32Array.from(views(tier).f32(Y, m));
    }
    const W = buffer(js, 'f32', m * n, w16.map(decode)), X = buffer(js, 'f32', n, x), B = buffer(js, 'f32', m, b), Y = buffer(js, 'f32', m);
    assert.equal(js.dense_forward(W, m * n, X, n, B, m, Y, m, m, n, 0), 0);
    assert.deepEqual(Array.from(outs.js), Array.from(js.f32(Y, m)), `${m}x${n}: JS bf16 = JS f32 on decoded weights`);
    // The modules sum in f32 lanes, the JS tier in doubles: within rounding of each other.
    for (const [name, y] of Object.entries(outs)) {
      for (let i = 0; i < m; i++) assert.ok(Math.abs(y[i] - outs.js[i]) <= 1e-5 * Math.max(1, Math.abs(outs.js[i])) * n, `${name} ${m}x${n} [${i}]: ${y[i]} vs ${outs.js[i]}`);
    }
  }
});
