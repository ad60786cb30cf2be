// Issue 28's goals read off a `make bench` run (tests/bench/goals.mjs): a pure function of the
// run's JSON, checked here on a made-up run whose every figure is known (no browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GOALS, goalLines, issue28Goals, memoryBoundRow } from '../bench/goals.mjs';

const row = (kernel, size, ns, achieved = {}) => ({
  kernel, size, median_ns: ns, achieved,
  stats: Object.fromEntries(Object.keys(ns).filter((t) => t !== 'native').map((t) => [t, { agrees: true }])),
});
const run = (engine, results, h2h = []) => ({
  engine,
  ceilings: { read_gb_s: 40, mul_add_gflop_s: 60, fma_gflop_s: 80 },
  results,
  head_to_head: { rows: h2h },
});
const find = (goals, goal, kernel, size) => goals.find((g) => g.goal.startsWith(goal) && g.kernel === kernel && g.size === size);

test('each goal is read from its own figures, with its bound and whether it was met', () => {
  const goals = issue28Goals(run('chromium', [
    row('dense', '2048x2048', { js: 800, scalar: 400, simd: 100, native: 90 }, { simd: { gb_s: 36 }, js: { gb_s: 4 } }),
    row('stdp', '4096', { js: 150, scalar: 95, simd: 100, native: 70 }, { simd: { gb_s: 6 }, js: { gb_s: 4 } }),
    row('dense_batch', '2048x64x64', { js: 1000, scalar: 500, simd: 100, relaxed: 90 }, { simd: { gflop_s: 48 }, relaxed: { gflop_s: 56 } }),
  ], [
    { kernel: 'dense', size: '2048x2048', tiers: { simd: { ratio_median: 1.05 }, relaxed: { ratio_median: 1.1 } } },
    { kernel: 'dense_batch', size: '2048x64x64', tiers: { simd: { ratio_median: 1.1 } } },
  ]));
  assert.deepEqual(find(goals, 'SIMD not slower', 'stdp', '4096'), { goal: 'SIMD not slower than scalar', kernel: 'stdp', size: '4096', value: 0.95, bound: 1, met: false });
  assert.equal(find(goals, 'SIMD ≥ 2× JS', 'dense', '2048x2048').met, true);
  assert.equal(find(goals, 'SIMD ≥ 2× JS', 'stdp', '4096').met, false);
  assert.equal(find(goals, 'SIMD within', 'stdp', '4096').value, 100 / 70);
  assert.equal(find(goals, 'SIMD within', 'stdp', '4096').met, false);
  // Memory-bound rows against the read ceiling: 36 of 40 GB/s is 90 %.
  assert.equal(find(goals, 'memory-bound', 'dense', '2048x2048').value, 0.9);
  assert.equal(find(goals, 'memory-bound', 'dense', '2048x2048').met, true);
  assert.equal(find(goals, 'memory-bound', 'stdp', '4096').met, false);
  // The GEMM against its own tier's roof: SIMD 48 of mul+add 60, relaxed 56 of fma 80.
  assert.equal(find(goals, 'batched GEMM (simd)', 'dense_batch', '2048x64x64').value, 0.8);
  assert.equal(find(goals, 'batched GEMM (relaxed)', 'dense_batch', '2048x64x64').met, false);
  // The head to head: the better of our tiers; 1.2× only off the memory roof (matvec is at it).
  assert.equal(find(goals, 'tfjs-wasm ÷ ours ≥ 1.0', 'dense', '2048x2048').value, 1.1);
  assert.equal(find(goals, 'tfjs-wasm ÷ ours ≥ 1.2', 'dense', '2048x2048'), undefined);
  assert.equal(find(goals, 'tfjs-wasm ÷ ours ≥ 1.2', 'dense_batch', '2048x64x64').met, false);
  assert.equal(GOALS.tfjs_off_roof, 1.2);
});

test('SIMD ≥ 2× JS says why not where the JS tier is already at the memory roof; other engines skip it', () => {
  const r = row('dense', '4096x4096', { js: 150, simd: 100 }, { js: { gb_s: 30 }, simd: { gb_s: 38 } });
  const g = find(issue28Goals(run('firefox', [r])), 'SIMD ≥ 2× JS', 'dense', '4096x4096');
  assert.equal(g.met, false);
  assert.match(g.note, /JS already moves 75 % of the read ceiling/);
  assert.equal(find(issue28Goals(run('webkit', [r])), 'SIMD ≥ 2× JS', 'dense', '4096x4096'), undefined, 'Chromium and Firefox only');
});

test('a tier that failed or disagreed, or a run without ceilings, gives no figure rather than a wrong one', () => {
  const bad = row('lif_step', '4096', { js: 100, scalar: 80, simd: 50 });
  bad.stats.scalar = { error: 'trap' };
  bad.stats.js = { agrees: false };
  const goals = issue28Goals({ engine: 'chromium', ceilings: null, results: [bad] });
  assert.equal(find(goals, 'SIMD not slower', 'lif_step', '4096'), undefined);
  assert.equal(find(goals, 'SIMD ≥ 2× JS', 'lif_step', '4096'), undefined);
  const mem = find(goals, 'memory-bound', 'lif_step', '4096');
  assert.equal(mem.met, null);
  assert.equal(mem.note, 'no read ceiling');
  assert.deepEqual(issue28Goals({ engine: 'chromium' }), []);
});

test('which rows are memory-bound, and the printed lines name every unmet row', () => {
  assert.ok(memoryBoundRow({ kernel: 'dense', size: '1024x1024' }));
  assert.ok(!memoryBoundRow({ kernel: 'dense', size: '512x512' }));
  assert.ok(memoryBoundRow({ kernel: 'stdp', size: '4096' }));
  assert.ok(!memoryBoundRow({ kernel: 'lif_step', size: '1024' }));
  assert.ok(!memoryBoundRow({ kernel: 'dense_batch', size: '2048x64x64' }));
  const lines = goalLines([
    { goal: 'SIMD within 1.25× of native', kernel: 'dense', size: '64x64', value: 1.47, bound: 1.25, met: false },
    { goal: 'SIMD within 1.25× of native', kernel: 'dense', size: '256x256', value: 1.1, bound: 1.25, met: true },
    { goal: 'memory-bound row at ≥ 85 % of read', kernel: 'stdp', size: '4096', value: 0.16, bound: 0.85, met: false },
  ]);
  assert.deepEqual(lines, [
    'SIMD within 1.25× of native: 1 of 2 met — not: dense 64x64 1.47×',
    'memory-bound row at ≥ 85 % of read: 0 of 1 met — not: stdp 4096 16 %',
  ]);
});
