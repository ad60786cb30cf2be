// Every core, bit for bit (issue 29 part 3): the app's run split by post-synaptic columns over
// 1, 2 and 3 real threads (kernels/js/bench/thread-worker.js: Web Workers that each own their
// columns in their own SIMD module, spikes exchanged through a SharedArrayBuffer every step)
// gives the spikes of one thread running the whole-population kernels, over 1000 steps. The
// check is a hash of every step's spike list. In Chromium and Firefox (SASI_ENGINES to choose);
// behaviour, not speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineList, waitRunning } from './engines.mjs';
import { describeEngine } from './suite.mjs';

const N = 512;
const STEPS = 1000;

/** In the page: the hash of 1000 steps of the whole network in one SIMD module (lif_step, stdp_update). */
async function wholeRunHash({ n, steps }) {
  const { loadKernelModule } = await import('/js/load.js');
  const { seededNetwork, LIVE } = await import('/js/bench/bench.js');
  const x = (await loadKernelModule('/kernels/kernels-simd.wasm')).exports;
  const net = seededNetwork(x, { n, per: Math.max(1, Math.floor(n / LIVE.agents)) }, LIVE.seed);
  const alloc = (arr) => {
    const h = x.sasi_alloc(arr.length * 4) >>> 0;
    new (arr instanceof Uint32Array ? Uint32Array : Float32Array)(x.memory.buffer, h, arr.length).set(arr);
    return h;
  };
  const L = alloc(new Float32Array(9)), SP = alloc(new Float32Array(5));
  x.model_params(LIVE.driveHz, L, SP);
  const W = alloc(net.w), V = alloc(net.v), R = alloc(new Float32Array(n)), T = alloc(new Float32Array(n)), S = alloc(new Float32Array(n));
  const G = alloc(Uint32Array.from(net.lanes));
  let prev = alloc(new Uint32Array(n)), out = alloc(new Uint32Array(n)), nPrev = 0, hash = 2166136261, fired = 0;
  for (let s = 0; s < steps; s++) {
    const k = x.lif_step(L, 9, V, R, T, S, n, W, n * n, prev, nPrev, G, out, n);
    if (k < 0) throw new Error(`lif_step ${k}`);
    if (k > 0 && x.stdp_update(W, n * n, n, T, n, out, k, SP, 5) < 0) throw new Error('stdp_update');
    [prev, out] = [out, prev];
    nPrev = k;
    fired += k;
    hash = Math.imul(hash ^ k, 16777619) >>> 0;
    for (const j of new Uint32Array(x.memory.buffer, prev, k)) hash = Math.imul(hash ^ j, 16777619) >>> 0;
  }
  return { hash, fired };
}

for (const name of engineList(process.env.SASI_ENGINES || 'chromium,firefox')) {
  describeEngine(name, (s) => {
    test(`${name}: 1, 2 and 3 threads that each own their columns run the one-thread spikes over ${STEPS} steps`, async () => {
      const page = await s.open('/');
      await waitRunning(page);
      await page.click('[data-testid=play-pause]');
      assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true, 'isolated: SharedArrayBuffer');
      const { hash: whole, fired } = await page.evaluate(wholeRunHash, { n: N, steps: STEPS });
      assert.ok(fired > 500, `the run fires: ${fired} spikes, so the hash covers real spike lists`);
      const hashes = {};
      for (const k of [1, 2, 3]) {
        hashes[k] = await page.evaluate(async ({ n, steps, k }) => {
          const { timeAt } = await import('/js/bench/threads.js');
          // Frames of 4 steps as the page runs them, every one timed (no warm-up): the hash
          // covers all `steps` of the run.
          const times = await timeAt('/kernels/kernels-simd.wasm', 'live_step', k, steps / 4, 0, { n, steps: 4 });
          return { hash: times.hash, steps: 4 * times.length };
        }, { n: N, steps: STEPS, k });
        assert.equal(hashes[k].steps, STEPS, `${k} threads ran ${STEPS} steps`);
      }
      console.log(`# ${name}: spike hashes over ${STEPS} steps at N = ${N}: one thread, whole kernels ${whole} (${fired} spikes); ${[1, 2, 3].map((k) => `${k} threads ${hashes[k].hash}`).join(', ')}`);
      for (const k of [1, 2, 3]) assert.equal(hashes[k].hash, whole, `${k} threads: the one-thread spikes`);
      assert.deepEqual(await page.problems(), []);
    });
  });
}
