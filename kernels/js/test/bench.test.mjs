// The harness's statistics on known inputs, and one real run of the JS tier on tiny cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile, ratio, runBench, summarise, cases } from '../bench.js';
import * as js from '../abi.js';

test('median, percentile, ratio', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.equal(median([NaN, 7]), 7);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
  assert.equal(percentile([5], 50), 5);
  assert.equal(ratio(8, 2), 4);
  assert.equal(ratio(8, 0), null);
});

test('the sets cover every kernel of the issue', () => {
  const kernels = new Set(cases('full').map((c) => c.kernel));
  for (const k of ['activation_relu', 'activation_sigmoid', 'activation_tanh', 'activation_gelu', 'dense', 'dense_batch', 'lif_step', 'stdp', 'efficiency']) {
    assert.ok(kernels.has(k), k);
  }
  const sizes = cases('full').map((c) => `${c.kernel} ${c.size}`);
  for (const s of ['activation_sigmoid 1048576', 'dense 256x256', 'dense 2048x2048', 'dense_batch 64x32x32', 'dense_batch 2048x64x64', 'lif_step 4096', 'stdp 1024', 'efficiency 1024']) {
    assert.ok(sizes.includes(s), s);
  }
});

test('a run of the JS tier produces well-formed, agreeing rows', async () => {
  const tiny = cases('quick').filter((c) => ['activation_gelu', 'dense_batch', 'lif_step', 'efficiency'].includes(c.kernel));
  const progress = [];
  const { rows, cancelled } = await runBench({ tiers: { js }, set: tiny, onProgress: (p) => progress.push(p) });
  assert.equal(cancelled, false);
  assert.equal(rows.length, tiny.length);
  assert.equal(progress.length, tiny.length);
  for (const r of rows) {
    assert.equal(r.tier, 'js');
    assert.ok(r.median_ns > 0 && r.min_ns <= r.median_ns && r.median_ns <= r.max_ns, JSON.stringify(r));
    assert.ok(r.p90_ns >= r.median_ns);
    assert.equal(r.agrees, true);
    assert.ok(r.ops > 0);
  }
  const s = summarise(rows);
  assert.equal(s.results.length, tiny.length);
  assert.equal(s.results[0].median_ns.simd, null, 'absent tiers are null');
});

test('cancellation stops the run', async () => {
  let calls = 0;
  const { cancelled, rows } = await runBench({ tiers: { js }, set: cases('quick').slice(0, 3), isCancelled: () => ++calls > 1 });
  assert.equal(cancelled, true);
  assert.ok(rows.length < 3);
});

test('op counting per kernel', () => {
  const byName = Object.fromEntries(cases('full').map((c) => [`${c.kernel} ${c.size}`, c]));
  assert.equal(byName['activation_gelu 1048576'].ops, 1048576);
  assert.equal(byName['activation_relu 1048576'].bytes, 8 * 1048576, 'read + write each float');
  assert.equal(byName['dense 256x256'].flops, 2 * 256 * 256);
  assert.equal(byName['dense_batch 2048x64x64'].flops, 2 * 64 * 64 * 2048, 'FLOPs = 2·m·n·B');
  assert.equal(byName['dense 2048x2048'].bytes, 4 * (2048 * 2048 + 2048 + 2048 + 2048));
  assert.equal(byName['lif_step 4096'].ops, 4096, 'one op = one neuron update');
  const stdp = byName['stdp 4096'];
  assert.equal(stdp.ops % (2 * 4096), 0, 'two synapse updates per spike per neuron');
  assert.ok(stdp.ops / (2 * 4096) > 150 && stdp.ops / (2 * 4096) < 260, 'about 5 % of 4096 neurons spike');
  assert.equal(byName['efficiency 1024'].ops, 1024 ** 3 / 32, 'n³/32 word operations');
});
