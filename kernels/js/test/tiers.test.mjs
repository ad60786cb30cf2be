// All four tiers on the same seeded inputs, in Node: the harness checks every wasm tier's
// output against the JS tier (exact for activations, LIF and efficiency).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBench, cases } from '../bench/bench.js';
import * as js from '../tier/abi.js';

import { loadModule as load, RELAXED_OK as relaxedOk } from './modules.mjs';

test('each module reports its tier', async () => {
  assert.equal((await load('scalar')).sasi_tier(), 0);
  assert.equal((await load('simd')).sasi_tier(), 1);
});

test('scalar, SIMD (and relaxed, where Node runs it) agree with JS on every quick case', async () => {
  const tiers = { js, scalar: await load('scalar'), simd: await load('simd') };
  if (relaxedOk) tiers.relaxed = await load('relaxed');
  const { rows } = await runBench({ tiers, set: cases('quick') });
  const bad = rows.filter((r) => r.agrees !== true);
  assert.deepEqual(bad.map((r) => `${r.kernel} ${r.size} ${r.tier}: ${r.error || r.max_diff}`), []);
  assert.equal(rows.length, cases('quick').length * Object.keys(tiers).length);
});

test('bad input returns error codes from the wasm ABI, memory untouched', async () => {
  const x = await load('simd');
  const h = x.sasi_alloc(16);
  const v = new Float32Array(x.memory.buffer, h, 4);
  v.set([1, -2, 3, -4]);
  assert.equal(x.act_apply(1, h, 5), -1, 'past the allocation');
  assert.equal(x.act_apply(1, h + 2, 1), -1, 'misaligned');
  assert.equal(x.act_apply(9, h, 4), -6);
  assert.equal(x.dense_forward(h, 4, h, 2, h, 2, h, 2, 2, 2, 0), -7, 'output aliases inputs');
  assert.equal(x.dense_forward(h, 4, h, 2, h, 2, h, 2, 0, 2, 0), -3);
  assert.deepEqual(Array.from(new Float32Array(x.memory.buffer, h, 4)), [1, -2, 3, -4]);
  assert.equal(x.sasi_alloc(0), 0);
  assert.equal(x.sasi_alloc(0x7fffffff), 0, 'oversize request refused');
  assert.equal(x.sasi_free(h, 16), 0);
  assert.equal(x.act_apply(1, h, 4), -1, 'freed');
});
