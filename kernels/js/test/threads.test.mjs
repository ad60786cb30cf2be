// The thread scaling's pure parts (kernels/js/bench/threads.js, thread-loop.js): which thread
// counts a run measures, where each part of the population starts, and the shared buffer's
// size. The threads themselves run in browsers (tests/e2e/threads.test.mjs, the lab's run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balance, threadCounts } from '../bench/threads.js';
import { busiestPart, partStart, timeSamples } from '../bench/thread-loop.js';
import { liveSabBytes } from '../live/live-part.js';

test('thread counts: every count to 4, then powers of two, then the cores reported', () => {
  assert.deepEqual(threadCounts(1), [1]);
  assert.deepEqual(threadCounts(2), [1, 2]);
  assert.deepEqual(threadCounts(4), [1, 2, 3, 4]);
  assert.deepEqual(threadCounts(6), [1, 2, 3, 4, 6]);
  assert.deepEqual(threadCounts(16), [1, 2, 3, 4, 8, 16]);
  assert.deepEqual(threadCounts(24), [1, 2, 3, 4, 8, 16, 24]);
  for (const bad of [0, -3, NaN, undefined]) assert.deepEqual(threadCounts(bad), [1], `${bad}`);
});

test('parts start at multiples of 4, cover 0..n in order, and the last ends at n', () => {
  for (const n of [64, 257, 384, 4096, 8192]) {
    for (const parts of [1, 2, 3, 5, 8]) {
      const starts = Array.from({ length: parts + 1 }, (_, p) => partStart(n, p, parts));
      assert.equal(starts[0], 0);
      assert.equal(starts[parts], n);
      for (let p = 0; p < parts; p++) {
        assert.ok(starts[p] % 4 === 0 && starts[p] <= starts[p + 1], `n=${n} parts=${parts}: ${starts}`);
      }
    }
  }
  // The spike exchange: three control words, then per part and parity a count and n slots.
  assert.equal(liveSabBytes(4096, 2), 12 + 8 * 2 + 8 * 2 * 4096);
});

test('timeSamples: samples of k calls, k sized from the warm-up to span the floor; k = 1 without a warm-up', () => {
  let n = 0;
  // A call that takes at least 0.1 ms of wall-clock time.
  const once = () => { n++; const t = performance.now(); while (performance.now() - t < 0.1); };
  const times = timeSamples(once, 3, 4, 2);
  assert.equal(times.length, 3);
  assert.ok(times.callsPerSample >= 2 && times.callsPerSample <= 20, `k = ${times.callsPerSample}`);
  assert.equal(n, 4 + 3 * times.callsPerSample, 'warm-up calls, then k per sample');
  assert.ok(times.every((t) => t >= 0.1), 'each figure is one call\'s time, not the sample\'s');
  n = 0;
  const single = timeSamples(once, 5, 0, 2);
  assert.equal(single.callsPerSample, 1);
  assert.equal(n, 5);
});

test("the live step's balance: the busiest part's spikes, and the ceiling they set", () => {
  // n = 64 in two parts: 0..32 and 32..64.
  assert.equal(busiestPart(Uint32Array.from([1, 5, 9, 40]), 64, 2), 3);
  assert.equal(busiestPart(Uint32Array.from([33, 40, 63]), 64, 2), 3, 'all in the second part');
  assert.equal(busiestPart(Uint32Array.from([0, 63]), 64, 2), 1);
  assert.equal(busiestPart(Uint32Array.from([0, 31, 32, 63]), 64, 1), 4, 'one part holds every spike');
  assert.equal(busiestPart(new Uint32Array(0), 64, 3), 0);
  // Three parts of 64: 0..20, 20..40 (multiples of 4), 40..64; the middle one empty here.
  assert.equal(busiestPart(Uint32Array.from([3, 19, 41, 50, 63]), 64, 3), 3);
  assert.deepEqual(balance({ spikes: 12, busiest: 8 }), { column_walks: { spikes: 12, busiest: 8 }, stdp_balance_ceiling: 1.5 });
  assert.deepEqual(balance({ spikes: 0, busiest: 0 }), {}, 'no spikes: no ceiling');
  assert.deepEqual(balance(undefined), {}, 'not the live step');
});
