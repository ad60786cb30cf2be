// The "largest N at 60 fps" sweep's worker side (bench.js runSweep): the app's seeded network,
// a tier stopped at its first miss, the time bound and cancellation. The JS tier at small N.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { networkBuilder, percentile, runSweep, seededNetwork } from '../bench/bench.js';
import * as js from '../tier/abi.js';
import { RELAXED_OK, loadModule } from './modules.mjs';

// What src/features/sweep/mod.rs sends for N neurons in agents of `per`: the shape only.
const shape = (n, per) => ({ n, per });
const vectors = JSON.parse(readFileSync(process.env.SASI_JS_VECTORS || new URL('../../../target/js-vectors.json', import.meta.url).pathname, 'utf8'));
const scalar = await loadModule('scalar');
const LIF = Float32Array.from([1, 20, 0, 0, 1, 2, Math.exp(-1 / 20), 0.03, 0.45]);
const STDP = Float32Array.from([0.002, 0.04, 0.25, 0.002, 1.2]);
const base = { tiers: { js, scalar }, steps: 4, stdp: true, seed: 7, lif: LIF, stdpParams: STDP, warmup: 3, frames: 5 };

test("every wasm module's model_network writes the app's network (model::initial_network) bit for bit", async () => {
  const { n, per, seed, w, v, lanes } = vectors.network;
  const modules = ['scalar', 'simd', ...(RELAXED_OK ? ['relaxed'] : [])];
  for (const name of modules) {
    const net = seededNetwork(await loadModule(name), { n, per }, seed);
    assert.deepEqual([...new Uint32Array(net.w.buffer)], w, `${name}: weights`);
    assert.deepEqual([...new Uint32Array(net.v.buffer)], v, `${name}: potentials`);
    assert.deepEqual([...net.lanes], lanes, `${name}: generator lanes`);
  }
  assert.ok(w.some((b) => b !== 0) && v.some((b) => b !== 0), 'the vector is not empty');
});

test('model_network refuses a bad shape with an error code, writing nothing', () => {
  const n = 16, h = scalar.sasi_alloc(n * n * 4), hv = scalar.sasi_alloc(n * 4), hl = scalar.sasi_alloc(16);
  assert.equal(scalar.model_network(n, 4, 7, h, n * n - 1, hv, hl), -2, 'w_len ≠ n² is LengthMismatch');
  assert.equal(scalar.model_network(0, 4, 7, h, 0, hv, hl), -3, 'n = 0 is ZeroSize');
  assert.equal(scalar.model_network(n, 0, 7, h, n * n, hv, hl), -3, 'per = 0 is ZeroSize');
  assert.equal(scalar.model_network(n, 4, 7, h, n * n, h, hl), -7, 'v inside w is Aliasing');
  assert.ok(new Float32Array(scalar.memory.buffer, h, n * n).every((x) => x === 0), 'nothing written');
  for (const [p, b] of [[h, n * n * 4], [hv, n * 4], [hl, 16]]) scalar.sasi_free(p, b);
});

test("model_network_part writes the whole network's columns first..first + width, in every module", async () => {
  const { n, per, seed, w, v, lanes } = vectors.network;
  const modules = ['scalar', 'simd', ...(RELAXED_OK ? ['relaxed'] : [])];
  const splits = [[0, n], [0, 4], [4, n - 4], [n - 3, 3], [n / 2, n / 2]];
  for (const name of modules) {
    const x = await loadModule(name);
    for (const [first, width] of splits) {
      const hw = x.sasi_alloc(n * width * 4), hv = x.sasi_alloc(n * 4), hl = x.sasi_alloc(16);
      assert.equal(x.model_network_part(n, per, seed, first, width, hw, n * width, hv, hl), 0, `${name} ${first}+${width}`);
      const cols = new Uint32Array(x.memory.buffer, hw, n * width);
      const want = Array.from({ length: n * width }, (_, k) => w[Math.floor(k / width) * n + first + (k % width)]);
      assert.deepEqual([...cols], want, `${name}: columns ${first}..${first + width}`);
      assert.deepEqual([...new Uint32Array(x.memory.buffer, hv, n)], v, `${name}: potentials`);
      assert.deepEqual([...new Uint32Array(x.memory.buffer, hl, 4)], lanes, `${name}: lanes`);
      for (const [p, b] of [[hw, n * width * 4], [hv, n * 4], [hl, 16]]) x.sasi_free(p, b);
    }
  }
});

test('model_network_part refuses a part outside the network or a wrong length, writing nothing', () => {
  const n = 16, h = scalar.sasi_alloc(n * n * 4), hv = scalar.sasi_alloc(n * 4), hl = scalar.sasi_alloc(16);
  assert.equal(scalar.model_network_part(n, 4, 7, 12, 8, h, n * 8, hv, hl), -6, 'first + width > n is BadArgument');
  assert.equal(scalar.model_network_part(n, 4, 7, 0, 8, h, n * 8 - 1, hv, hl), -2, 'w_len ≠ n·width is LengthMismatch');
  assert.equal(scalar.model_network_part(n, 4, 7, 0, 0, h, 0, hv, hl), -3, 'width = 0 is ZeroSize');
  assert.ok(new Float32Array(scalar.memory.buffer, h, n * n).every((x) => x === 0), 'nothing written');
  for (const [p, b] of [[h, n * n * 4], [hv, n * 4], [hl, 16]]) scalar.sasi_free(p, b);
});

test('the sweep needs a wasm module for its networks, and says so without one', async () => {
  assert.equal(networkBuilder({ js }), null);
  assert.equal(networkBuilder({ js, simd: scalar }), scalar);
  await assert.rejects(runSweep({ ...base, tiers: { js }, shapes: [shape(64, 8)], budgetMs: Infinity }), /model_network/);
});

test('every size is timed while frames fit; a tier stops at its first miss', async () => {
  const shapes = [shape(64, 8), shape(128, 16), shape(256, 32)];
  const points = [], progress = [];
  const all = await runSweep({ ...base, shapes, budgetMs: Infinity, onPoint: (p) => points.push(p), onProgress: (p) => progress.push(p) });
  assert.equal(all.cancelled, false);
  assert.equal(all.timedOut, false);
  assert.deepEqual(points.map((p) => [p.tier, p.n]), [['js', 64], ['scalar', 64], ['js', 128], ['scalar', 128], ['js', 256], ['scalar', 256]]);
  for (const p of points) assert.ok(p.median_ms >= 0 && p.p25_ms <= p.median_ms && p.median_ms <= p.p75_ms && p.frames === 5, JSON.stringify(p));
  assert.deepEqual(progress.map((p) => [p.tier, p.n, p.done, p.total]), [['js', 64, 0, 6], ['js', 128, 2, 6], ['js', 256, 4, 6]]);
  const missed = [];
  await runSweep({ ...base, shapes, budgetMs: -1, onPoint: (p) => missed.push(p) });
  assert.deepEqual(missed.map((p) => [p.tier, p.n]), [['js', 64], ['scalar', 64]], 'nothing fits a negative budget: only the first size is tried');
});

test('the time bound and a cancel end the sweep', async () => {
  const shapes = [shape(64, 8), shape(128, 16)];
  const bounded = await runSweep({ ...base, shapes, budgetMs: Infinity, timeBoundMs: -1 });
  assert.equal(bounded.timedOut, true);
  let asked = 0;
  const cancelled = await runSweep({ ...base, shapes, budgetMs: Infinity, isCancelled: () => ++asked > 2 });
  assert.equal(cancelled.cancelled, true);
});

test('after the tiers, the rows on threads, size by size: each count stops at its own miss or error', async () => {
  const shapes = [shape(64, 8), shape(128, 16), shape(256, 32)];
  const asked = [];
  // A stand-in for threads.js timeAt (the real one needs Web Workers; e2e live-threads runs it):
  // 2 threads fit until 256, where a frame takes 50 ms; 3 threads fail at 128.
  const timeOnThreads = async (k, s) => {
    asked.push([k, s.n, s.per]);
    if (k === 3 && s.n === 128) throw new Error('thread 1: allocation failed');
    return k === 2 && s.n === 256 ? [50, 51, 49] : [1, 2, 3];
  };
  const points = [], progress = [];
  await runSweep({ ...base, shapes, budgetMs: Infinity, threadsTier: 'scalar', threadCounts: [2, 3], threadsBudgetMs: 16.7, timeOnThreads,
    onPoint: (p) => points.push(p), onProgress: (p) => progress.push(p) });
  assert.deepEqual(asked, [[2, 64, 8], [3, 64, 8], [2, 128, 16], [3, 128, 16], [2, 256, 32]], 'shapes passed through; 3 not tried after it failed');
  assert.deepEqual(points.map((p) => [p.tier, p.threads, p.n]), [
    ['js', 1, 64], ['scalar', 1, 64], ['js', 1, 128], ['scalar', 1, 128], ['js', 1, 256], ['scalar', 1, 256],
    ['scalar', 2, 64], ['scalar', 3, 64], ['scalar', 2, 128], ['scalar', 3, 128], ['scalar', 2, 256],
  ]);
  const at = (k, n) => points.find((p) => p.threads === k && p.n === n);
  assert.deepEqual([at(2, 64).median_ms, at(2, 64).p25_ms, at(2, 64).p75_ms, at(2, 64).frames], [2, percentile([1, 2, 3], 25), percentile([1, 2, 3], 75), 3], 'the one-thread rows\' statistics');
  assert.equal(at(2, 256).median_ms, 50, 'the miss is reported with its time');
  assert.deepEqual([at(3, 128).median_ms, at(3, 128).error], [null, 'thread 1: allocation failed']);
  assert.deepEqual(progress.map((p) => [p.threads, p.n, p.total]), [[1, 64, 12], [1, 128, 12], [1, 256, 12], [2, 64, 12], [3, 64, 12], [2, 128, 12], [3, 128, 12], [2, 256, 12]]);
  // The rows on threads go on past a size where every one-thread tier has missed.
  const late = [];
  await runSweep({ ...base, shapes, budgetMs: -1, threadsTier: 'scalar', threadCounts: [2], threadsBudgetMs: 16.7, timeOnThreads: async () => [1], onPoint: (p) => late.push(p) });
  assert.deepEqual(late.map((p) => [p.tier, p.threads, p.n]), [['js', 1, 64], ['scalar', 1, 64], ['scalar', 2, 64], ['scalar', 2, 128], ['scalar', 2, 256]]);
  // A tier on threads that did not load here has no rows on threads (the page says why).
  const none = [];
  await runSweep({ ...base, shapes: [shape(64, 8)], budgetMs: Infinity, threadsTier: 'simd', threadCounts: [2], timeOnThreads, onPoint: (p) => none.push(p) });
  assert.ok(none.every((p) => p.threads === 1), JSON.stringify(none));
});
