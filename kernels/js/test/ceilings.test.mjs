// The ceiling probes (kernels/ABI.md "Ceiling probes") and the counting rule, by their results,
// never by their speed: every tier's sum is the exact one (the same bits as the JS tier's), the
// multiply-add chains match f64, the harness's ceilings come back well formed from real modules,
// and each summary result carries `achieved` per tier from its bytes and flops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { achieved, cases, measureCeilings, probeCases, runBench, summarise, READ_BYTES } from '../bench/bench.js';
import { probeRead } from '../tier/probe.js';
import { Rng } from '../tier/rng.js';
import * as js from '../tier/abi.js';

import { loadModule as load, RELAXED_OK as relaxedOk } from './modules.mjs';
async function allTiers() {
  const tiers = { js, scalar: await load('scalar'), simd: await load('simd') };
  if (relaxedOk) tiers.relaxed = await load('relaxed');
  return tiers;
}
const f32In = (x, data) => {
  const h = x.sasi_alloc(Math.max(4, data.length * 4));
  (x.memory ? new Float32Array(x.memory.buffer, h, data.length) : x.f32(h, data.length)).set(data);
  return h;
};
const f32Of = (x, h, n) => Float32Array.from(x.memory ? new Float32Array(x.memory.buffer, h, n) : x.f32(h, n));

test('probe_read: every tier returns the same bits, within len·2⁻²⁴·Σ|x| of the f64 sum', async () => {
  const tiers = await allTiers();
  for (const len of [0, 1, 5, 31, 32, 33, 64, 1000, 4097, 100003]) {
    const r = new Rng(len + 1);
    const data = Float32Array.from({ length: len }, () => r.nextF32() * 2 - 1);
    let exact = 0, abs = 0;
    for (const v of data) { exact += v; abs += Math.abs(v); }
    const bits = {};
    for (const [t, x] of Object.entries(tiers)) {
      const X = f32In(x, data), O = f32In(x, [NaN]);
      assert.equal(x.probe_read(X, len, O), 0, `${t} len ${len}`);
      const got = f32Of(x, O, 1)[0];
      assert.ok(Math.abs(got - exact) <= len * 2 ** -24 * abs + 1e-30, `${t} len ${len}: ${got} vs ${exact}`);
      bits[t] = got;
    }
    assert.equal(new Set(Object.values(bits)).size, 1, `len ${len}: ${JSON.stringify(bits)}`);
    assert.equal(probeRead(data), bits.js);
  }
});

test('probe_mul_add: each of the 48 lanes follows x·a + b from its chain\'s start, within f32 rounding of f64', async () => {
  const tiers = await allTiers();
  const [a, b, iters] = [0.75, 0.5, 1000];
  // Lane k's chain (k >> 2) starts at b when even, at a when odd; the buffer is only written.
  const start = Array.from({ length: 48 }, (_, k) => ((k >> 2) % 2 === 0 ? b : a));
  for (const [t, x] of Object.entries(tiers)) {
    const Z = f32In(x, Array(48).fill(-7));
    assert.equal(x.probe_mul_add(0, a, b, Z), 0, t);
    assert.deepEqual(Array.from(f32Of(x, Z, 48)), start, `${t}: zero iterations write the starts`);
    const A = f32In(x, Array(48).fill(-7));
    assert.equal(x.probe_mul_add(iters, a, b, A), 0, t);
    const got = f32Of(x, A, 48);
    for (let k = 0; k < 48; k++) {
      let want = start[k];
      for (let i = 0; i < iters; i++) want = want * a + b;
      assert.ok(Math.abs(got[k] - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${t} lane ${k}: ${got[k]} vs ${want}`);
    }
    assert.equal(x.probe_mul_add(2 ** 24 + 1, a, b, A), js.ERRORS.TooLarge, `${t}: the iteration cap`);
    const O = f32In(x, [0]);
    assert.equal(x.probe_read(A, 32, A), js.ERRORS.Aliasing, `${t}: out aliases x`);
    assert.equal(x.probe_read(A, 49, O), js.ERRORS.BadHandle, `${t}: past the buffer`);
  }
});

test('the probe cases know their answers: the read pattern sums exactly at every size', () => {
  for (const bytes of [128, 4096, 1 << 20, 3 * 1024 * 1024 + 128]) {
    const P = probeCases({ readBytes: bytes, iters: 16 });
    const x = new Float32Array(P.read.len);
    // The case fills its buffer with a pattern; run it in the JS tier and compare.
    const run = P.read.prepare(js);
    try {
      run.call(0);
      assert.equal(run.output(), P.read.expected, `${bytes} bytes`);
    } finally {
      run.free();
    }
    assert.equal(P.read.bytes, 4 * x.length);
    assert.equal(P.mul_add.flops, 2 * 48 * 16);
  }
  assert.ok(READ_BYTES >= 64 * 1024 * 1024, 'the read probe is sized far past any last-level cache');
});

test('measureCeilings: finite positive medians and quartiles from every module, the tiers named', async () => {
  const tiers = await allTiers();
  const c = await measureCeilings({ tiers, readBytes: 2 << 20, iters: 256, cap: { ms: 200, rounds: 4 } });
  assert.deepEqual(c.errors, {});
  const keys = ['read_gb_s', 'mul_add_gflop_s', ...(relaxedOk ? ['fma_gflop_s'] : [])];
  for (const k of keys) {
    assert.ok(Number.isFinite(c[k]) && c[k] > 0, `${k} = ${c[k]}`);
    assert.ok(c.spread[k].p25 <= c[k] && c[k] <= c.spread[k].p75, `${k} inside its quartiles`);
  }
  if (!relaxedOk) assert.equal(c.fma_gflop_s, null);
  assert.deepEqual(c.tiers, { read: 'simd', mul_add: 'simd', ...(relaxedOk ? { fma: 'relaxed' } : {}) });
  for (const t of Object.keys(tiers)) assert.ok(c.call_ns[t] > 0, `call overhead of ${t}`);
  assert.equal(c.read_bytes, 2 << 20);
  assert.ok(c.probes.every((p) => p.runs > 0 && p.median_ns > 0));
  // The read probe's buffer is freed: nothing stays allocated in any module.
  for (const [t, x] of Object.entries(tiers)) if (x.memory) assert.equal(x.sasi_allocated_bytes(), 0, t);
});

test('the counting rule: achieved GB/s and GFLOP/s from bytes, flops and the median', () => {
  assert.deepEqual(achieved({ bytes: 4000, flops: 2000, median_ns: 1000 }), { gb_s: 4, gflop_s: 2 });
  assert.deepEqual(achieved({ bytes: 800, flops: 0, median_ns: 100 }), { gb_s: 8, gflop_s: null });
  assert.deepEqual(achieved({ bytes: 800, flops: 10, median_ns: null }), { gb_s: null, gflop_s: null });
  const dense = cases('quick').find((c) => c.kernel === 'dense' && c.size === '256x256');
  assert.equal(dense.flops, 2 * 256 * 256);
  assert.equal(dense.bytes, 4 * (256 * 256 + 256 + 256 + 256));
  const { results } = summarise([
    { kernel: 'dense', size: '256x256', tier: 'simd', median_ns: 10000, bytes: dense.bytes, flops: dense.flops },
    { kernel: 'dense', size: '256x256', tier: 'js', median_ns: null, error: 'x' },
  ]);
  assert.deepEqual(results[0].achieved.simd, { gb_s: dense.bytes / 10000, gflop_s: dense.flops / 10000 });
  assert.deepEqual(results[0].achieved.js, { gb_s: null, gflop_s: null });
});

test('runBench with ceilings: measured first, handed to onCeilings and returned with the rows', async () => {
  const tiers = await allTiers();
  const seen = [];
  const progress = [];
  const one = cases('quick').filter((c) => c.kernel === 'dense' && c.size === '64x64');
  const res = await runBench({
    tiers, set: one, ceilings: true, readBytes: 1 << 20, cap: { ms: 100, rounds: 3 },
    onCeilings: (c) => seen.push(c), onProgress: (p) => progress.push(p),
  });
  assert.equal(seen.length, 1);
  assert.equal(res.ceilings, seen[0]);
  assert.ok(res.ceilings.read_gb_s > 0);
  assert.ok(progress.some((p) => p.kernel === 'ceilings' && p.size === 'read'));
  assert.equal(res.rows.length, Object.keys(tiers).length);
  const s = summarise(res.rows).results[0];
  for (const t of Object.keys(tiers)) assert.ok(s.achieved[t].gflop_s > 0 && s.achieved[t].gb_s > 0, t);
});
