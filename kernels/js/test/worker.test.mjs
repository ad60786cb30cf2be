// The benchmark worker's messages, scripted in Node: the worker script runs in this process
// with `self`, `postMessage` and a `fetch` of local files standing in for the browser's, and one
// small case; what it posts is what the page (src/features/bench/mod.rs `WorkerMsg`) and `make bench`
// (tests/bench/run.mjs) read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cases } from '../bench/bench.js';

import { KERNEL_DIR as dir, RELAXED_OK as relaxedOk } from './modules.mjs';

test('a run posts tiers, memory, ceilings (before the first row), rows and done with ceilings and achieved', async () => {
  for (const t of ['scalar', 'simd', 'relaxed']) if (!existsSync(`${dir}/kernels-${t}.wasm`)) throw new Error(`run kernels/build-modules.sh ${dir}`);
  const posted = [];
  const saved = { self: globalThis.self, postMessage: globalThis.postMessage, fetch: globalThis.fetch };
  const nav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  globalThis.self = globalThis;
  // A real worker clones each message; the env here names the list of cases, which holds
  // functions, so every message is cloned but that field.
  globalThis.postMessage = (m) => posted.push(structuredClone(m.env ? { ...m, env: { ...m.env, set: 'one case' } } : m));
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'node', hardwareConcurrency: 2 }, configurable: true });
  globalThis.fetch = async (url) => {
    const bytes = readFileSync(new URL(url));
    return { ok: true, status: 200, statusText: 'OK', headers: new Headers(), arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) };
  };
  try {
    await import('../bench/bench-worker.js');
    assert.deepEqual(posted.shift(), { type: 'ready' });
    const modules = Object.fromEntries(['scalar', 'simd', ...(relaxedOk ? ['relaxed'] : [])].map((t) => [t, pathToFileURL(`${dir}/kernels-${t}.wasm`).href]));
    // Called directly, not posted: the set can be a list of cases (not cloneable) to keep it short.
    globalThis.onmessage({ data: { type: 'run', set: cases('quick').filter((c) => c.kernel === 'dense' && c.size === '64x64'), modules, jsUrl: new URL('../tier/abi.js', import.meta.url).href, readBytes: 1 << 20 } });
    const t0 = Date.now();
    while (!posted.some((m) => m.type === 'done' || m.type === 'error') && Date.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 50));
    const types = posted.map((m) => m.type);
    assert.ok(!types.includes('error'), JSON.stringify(posted.find((m) => m.type === 'error')));
    const ci = types.indexOf('ceilings');
    assert.ok(ci > types.indexOf('tiers') && ci < types.indexOf('row'), `order: ${types.join(' ')}`);
    const { ceilings } = posted[ci];
    for (const k of ['read_gb_s', 'mul_add_gflop_s', ...(relaxedOk ? ['fma_gflop_s'] : [])]) {
      assert.ok(Number.isFinite(ceilings[k]) && ceilings[k] > 0, `${k} = ${ceilings[k]}`);
      assert.ok(ceilings.spread[k].p25 > 0 && ceilings.spread[k].p75 >= ceilings.spread[k].p25, k);
    }
    assert.equal(ceilings.read_bytes, 1 << 20);
    assert.ok(posted.some((m) => m.type === 'progress' && m.kernel === 'ceilings'), 'progress names the probe');
    const done = posted.find((m) => m.type === 'done');
    assert.deepEqual(done.ceilings, ceilings);
    const r = done.summary.results[0];
    for (const t of ['js', 'scalar', 'simd']) assert.ok(r.achieved[t].gb_s > 0 && r.achieved[t].gflop_s > 0, t);
  } finally {
    globalThis.self = saved.self;
    globalThis.postMessage = saved.postMessage;
    globalThis.fetch = saved.fetch;
    if (nav) Object.defineProperty(globalThis, 'navigator', nav);
    else delete globalThis.navigator;
  }
});
