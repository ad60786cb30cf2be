// The JS tier against reference vectors written by the Rust scalar kernels
// (kernels/examples/js_vectors.rs): bit for bit where the contract says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { Rng, fillUniform } from '../tier/rng.js';
import { applyActivation } from '../tier/activation.js';
import { denseBatch } from '../tier/dense.js';
import { lifStep } from '../tier/lif.js';
import { stdpUpdate } from '../tier/stdp.js';
import { meshEfficiency } from '../tier/efficiency.js';
import { blockSums } from '../tier/blocks.js';

const path = process.env.SASI_JS_VECTORS || new URL('../../../target/js-vectors.json', import.meta.url).pathname;
if (!existsSync(path)) throw new Error(`${path} is missing: run \`cargo run -p sasi-kernels --example js_vectors -- ${path}\``);
const V = JSON.parse(readFileSync(path, 'utf8'));
const f32 = (bits) => new Float32Array(Uint32Array.from(bits).buffer);
const bitsOf = (a) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

test('xorshift32 streams equal Rust for every seed (0 included)', () => {
  for (const { seed, u32 } of V.rng) {
    const r = new Rng(seed);
    assert.deepEqual(u32.map(() => r.nextU32()), u32, `seed ${seed}`);
  }
  const out = new Float32Array(V.fill_uniform.bits.length);
  fillUniform(V.fill_uniform.seed, out, V.fill_uniform.lo, V.fill_uniform.hi);
  assert.deepEqual(bitsOf(out), V.fill_uniform.bits);
});

test('activations agree with the Rust kernels within 2e-6 (NaN as NaN, the same limits at ±∞)', () => {
  // Each side is within 1e-6-ish of the f64 function; the contract between tiers is 2e-6.
  const input = f32(V.activation.input);
  for (const c of V.activation.cases) {
    const a = Float32Array.from(input);
    assert.ok(applyActivation(c.kind, a));
    const want = f32(c.bits);
    for (let i = 0; i < a.length; i++) {
      if (Number.isNaN(want[i])) assert.ok(Number.isNaN(a[i]), `${c.name}(${input[i]}) should be NaN`);
      else if (!Number.isFinite(want[i])) assert.equal(a[i], want[i], `${c.name}(${input[i]})`);
      else assert.ok(Math.abs(a[i] - want[i]) <= 2e-6, `${c.name}(${input[i]}) = ${a[i]}, Rust ${want[i]}`);
    }
  }
  assert.equal(applyActivation(9, new Float32Array(1)), false, 'unknown kind');
});

test('batched dense matches Rust within f32 rounding', () => {
  const d = V.dense;
  const ys = new Float32Array(d.batch * d.m);
  denseBatch(f32(d.w), f32(d.xs), f32(d.b), ys, d.m, d.n, d.batch, d.act);
  const want = f32(d.ys);
  for (let i = 0; i < ys.length; i++) assert.ok(Math.abs(ys[i] - want[i]) <= 2e-6, `ys[${i}] ${ys[i]} vs ${want[i]}`);
});

test('150 LIF+STDP steps give the same spikes, state and weights as Rust', () => {
  const L = V.lif;
  const n = L.n;
  const p = f32(L.params), sp = f32(L.stdp);
  const w = f32(L.w0), v = f32(L.v0);
  const refr = new Float32Array(n), trace = new Float32Array(n), syn = new Float32Array(n);
  const rng = Uint32Array.from(L.rng0), out = new Uint32Array(n);
  let prev = new Uint32Array(0);
  const counts = [], pruned = [];
  for (let s = 0; s < L.steps; s++) {
    const k = lifStep(p, v, refr, trace, syn, w, prev, prev.length, rng, out);
    assert.ok(k >= 0, `step ${s} returned ${k}`);
    pruned.push(stdpUpdate(w, n, trace, out.subarray(0, k), k, sp));
    prev = out.slice(0, k);
    counts.push(k);
  }
  assert.deepEqual(counts, L.counts);
  assert.deepEqual(pruned, L.pruned);
  assert.deepEqual(Array.from(prev), L.last_spikes);
  assert.deepEqual(bitsOf(v), L.v);
  assert.deepEqual(bitsOf(trace), L.trace);
  assert.deepEqual(bitsOf(w), L.w);
  assert.ok(L.counts.reduce((a, b) => a + b) > 100 && L.pruned.reduce((a, b) => a + b) > 0, 'the run fires and prunes');
});

test('mesh efficiency equals Rust to the last bit', () => {
  for (const g of V.efficiency) {
    assert.equal(meshEfficiency(Uint32Array.from(g.adj), g.n, g.wpr), g.e, `n=${g.n}`);
  }
});

test('block sums equal Rust (the SIMD tables\' order), with and without a remainder', () => {
  assert.equal(V.blocks.length, 3);
  for (const b of V.blocks) {
    const out = new Float32Array((b.n / b.block) ** 2);
    blockSums(f32(b.w), b.n, b.block, 0, b.n / b.block, out);
    assert.deepEqual(bitsOf(out), b.sums, `n=${b.n} block=${b.block}`);
    // The same pass in two ranges of source agents, into stale values: the same bits.
    const parts = new Float32Array(out.length).fill(-1), a = b.n / b.block;
    blockSums(f32(b.w), b.n, b.block, 0, 2, parts);
    assert.ok(parts.subarray(2 * a).every((x) => x === -1), 'rows past the range untouched');
    blockSums(f32(b.w), b.n, b.block, 2, a - 2, parts);
    assert.deepEqual(bitsOf(parts), b.sums, `n=${b.n} block=${b.block} in two ranges`);
  }
});
