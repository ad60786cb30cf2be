// The benchmark worker's protocol (bench-protocol.js): what the worker posts is what the page
// reads. The worker itself runs here, in Node, with the JS tier and one small sweep; every
// message it posts must pass the protocol's check, in the order the page expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as protocol from '../bench/bench-protocol.js';
import { modulePath } from './modules.mjs';

test('every message the protocol builds passes its own check, and nothing else does', () => {
  const built = [
    protocol.ready(),
    protocol.tiers({ js: { ok: true, reason: null, load_ms: 1 } }),
    protocol.memory({ bytes: 0, modules: {} }),
    protocol.ceilings({ read_gb_s: 30, mul_add_gflop_s: 60, fma_gflop_s: null }),
    protocol.progress({ kernel: 'dense', size: '256x256', tier: 'js', done: 0, total: 4 }),
    protocol.row({ kernel: 'dense' }),
    protocol.done({ rows: [], summary: {}, env: {}, tiers: {}, memory_bytes: 0 }),
    protocol.cancelled(),
    protocol.error(new Error('boom')),
    protocol.sweepProgress({ tier: 'js', threads: 1, n: 64, done: 0, total: 1 }),
    protocol.sweepPoint({ tier: 'js', n: 64 }),
    protocol.sweepDone({ elapsed_ms: 5, timedOut: false }),
    protocol.calibrated({ forms: { simd: { stdp: { form: 'loop', by: 'timing', ratio: 1.6 } } }, elapsed_ms: 90 }),
  ];
  assert.deepEqual(built.map((m) => m.type).sort(), Object.keys(protocol.FIELDS).sort(), 'one builder per type');
  for (const m of built) assert.equal(protocol.invalid(m), null, JSON.stringify(m));
  assert.deepEqual(protocol.error('plain text'), { type: 'error', message: 'plain text' });
  assert.match(protocol.invalid({ type: 'sweepDone' }), /unknown type/);
  assert.match(protocol.invalid({ type: 'row' }), /row lacks row/);
  assert.match(protocol.invalid(null), /not an object/);
});

test('the worker says ready first, then posts only protocol messages through a sweep', async () => {
  const posted = [];
  let finished;
  const over = new Promise((resolve) => { finished = resolve; });
  // A worker's globals, in Node: its scope is `self`, and what it posts comes here.
  globalThis.self = globalThis;
  globalThis.postMessage = (m) => {
    posted.push(structuredClone(m));
    if (['sweep_done', 'cancelled', 'error'].includes(m.type)) finished();
  };
  await import('../bench/bench-worker.js');
  assert.deepEqual(posted, [protocol.ready()]);
  // Node's fetch does not read files: the worker's module loads are served from disk here.
  const nodeFetch = globalThis.fetch;
  globalThis.fetch = async (u, opts) => {
    const url = new URL(u);
    if (url.protocol !== 'file:') return nodeFetch(u, opts);
    return new Response(readFileSync(fileURLToPath(new URL(url.pathname, url))), { headers: { 'content-type': 'application/wasm' } });
  };
  // What src/features/sweep/mod.rs sends, at one small size (N 64 in agents of 8), with the JS
  // tier and the scalar module (the networks are built by its model_network).
  const n = 64, per = 8;
  self.onmessage({
    data: {
      type: protocol.REQUEST.sweep,
      modules: { scalar: pathToFileURL(modulePath('scalar')).href },
      jsUrl: new URL('../tier/abi.js', import.meta.url).href,
      shapes: [{ n, per }],
      steps: 2,
      stdp: true,
      seed: 7,
      lif: [1, 20, 0, 0, 1, 2, Math.exp(-1 / 20), 0.03, 0.45],
      stdpParams: [0.002, 0.04, 0.25, 0.002, 1.2],
      budgetMs: 1e6,
      warmup: 1,
      frames: 2,
      timeBoundMs: 60000,
    },
  });
  await over;
  globalThis.fetch = nodeFetch;
  for (const m of posted) assert.equal(protocol.invalid(m), null, JSON.stringify(m));
  assert.deepEqual(posted.map((m) => m.type), ['ready', 'tiers', 'sweep_progress', 'sweep_point', 'sweep_point', 'sweep_done']);
  assert.equal(posted[1].status.js.ok, true, JSON.stringify(posted[1].status));
  assert.equal(posted[1].status.scalar.ok, true, JSON.stringify(posted[1].status));
  assert.deepEqual(posted.filter((m) => m.type === 'sweep_point').map((m) => [m.point.tier, m.point.n]), [['js', 64], ['scalar', 64]]);
  assert.equal(posted[1].status.simd.reason, 'switched off for this run');
});
