// The "largest N at 60 fps" sweep's worker side (bench.js runSweep): the app's seeded network,
// a tier stopped at its first miss, the time bound and cancellation. The JS tier at small N.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSweep, sweepNetwork } from '../bench.js';
import * as js from '../abi.js';

// What src/features/sweep/mod.rs sends for N neurons in agents of `per` (model.rs: INPUT_WEIGHT 1.2,
// P_INSIDE 0.35, 12 synapses from other agents, w_max 0.25).
function shape(n, per) {
  const pBetween = Math.fround(Math.min(12 / n, 0.5));
  const fanIn = Math.fround(0.35) * (per - 1) + pBetween * (n - per);
  return { n, per, weightScale: Math.fround(1.2 / fanIn), pInside: Math.fround(0.35), pBetween, wMax: 0.25 };
}
const LIF = Float32Array.from([1, 20, 0, 0, 1, 2, Math.exp(-1 / 20), 0.03, 0.45]);
const STDP = Float32Array.from([0.002, 0.04, 0.25, 0.002, 1.2]);
const base = { tiers: { js }, steps: 4, stdp: true, seed: 7, lif: LIF, stdpParams: STDP, warmup: 3, frames: 5 };

test('the sweep network is the app model: seeded, block-structured, summed input ≈ 1.2', () => {
  const a = sweepNetwork(shape(256, 32), 7), b = sweepNetwork(shape(256, 32), 7);
  assert.deepEqual(a.w, b.w, 'same seed, same weights');
  assert.notDeepEqual(sweepNetwork(shape(256, 32), 8).w, a.w);
  const n = 256;
  let total = 0, inside = 0;
  for (let j = 0; j < n; j++) {
    assert.equal(a.w[j * n + j], 0, 'no self synapse');
    for (let i = 0; i < n; i++) {
      total += a.w[j * n + i];
      if (a.w[j * n + i] > 0 && ((i / 32) | 0) === ((j / 32) | 0)) inside++;
    }
  }
  assert.ok(Math.abs(total / n - 1.2) < 0.1, `summed input per neuron ${total / n}`);
  assert.ok(inside / (8 * 32 * 31) > 0.25 && inside / (8 * 32 * 31) < 0.45, 'dense inside an agent');
  assert.ok(a.v.every((x) => x >= 0 && x < 0.8) && a.lanes.length === 4);
});

test('every size is timed while frames fit; a tier stops at its first miss', async () => {
  const shapes = [shape(64, 8), shape(128, 16), shape(256, 32)];
  const points = [], progress = [];
  const all = await runSweep({ ...base, shapes, budgetMs: Infinity, onPoint: (p) => points.push(p), onProgress: (p) => progress.push(p) });
  assert.equal(all.cancelled, false);
  assert.equal(all.timedOut, false);
  assert.deepEqual(points.map((p) => p.n), [64, 128, 256]);
  for (const p of points) assert.ok(p.median_ms >= 0 && p.p25_ms <= p.median_ms && p.median_ms <= p.p75_ms && p.frames === 5, JSON.stringify(p));
  assert.deepEqual(progress.map((p) => [p.tier, p.n, p.done, p.total]), [['js', 64, 0, 3], ['js', 128, 1, 3], ['js', 256, 2, 3]]);
  const missed = [];
  await runSweep({ ...base, shapes, budgetMs: -1, onPoint: (p) => missed.push(p) });
  assert.deepEqual(missed.map((p) => p.n), [64], 'nothing fits a negative budget: only the first size is tried');
});

test('the time bound and a cancel end the sweep', async () => {
  const shapes = [shape(64, 8), shape(128, 16)];
  const bounded = await runSweep({ ...base, shapes, budgetMs: Infinity, timeBoundMs: -1 });
  assert.equal(bounded.timedOut, true);
  let asked = 0;
  const cancelled = await runSweep({ ...base, shapes, budgetMs: Infinity, isCancelled: () => ++asked > 2 });
  assert.equal(cancelled.cancelled, true);
});
