// One thread's part of the live network (kernels/js/live/live-part.js), the code the page's
// threads and the benchmark's run: where the page's parts start (whole agents on 4-neuron
// lanes), and a part that is the whole population giving the whole kernels' spikes, traces and
// block sums bit for bit over 300 steps in every module. Several parts at once, in real
// threads, are tests/e2e/live-threads.test.mjs and threads.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RELAXED_OK, loadModule } from './modules.mjs';
import { agentPartStart, livePart, liveSabBytes, spikeExchange } from '../live/live-part.js';

const MODULES = ['scalar', 'simd', ...(RELAXED_OK ? ['relaxed'] : [])];

test("the page's parts: whole agents, starts on 4-neuron lanes, covering 0..n in order; none when n has too few", () => {
  for (const [n, per] of [[4096, 64], [1024, 32], [960, 15], [100, 4], [1000, 10], [512, 2 * 3 * 5]]) {
    for (const parts of [1, 2, 3, 4]) {
      const starts = Array.from({ length: parts + 1 }, (_, p) => agentPartStart(n, per, p, parts));
      if (starts.includes(null)) {
        const unit = per % 4 === 0 ? per : per % 2 === 0 ? 2 * per : 4 * per;
        assert.ok(Math.floor(n / unit) < parts, `n=${n} per=${per} parts=${parts}: refused though it splits`);
        continue;
      }
      assert.equal(starts[0], 0);
      assert.equal(starts[parts], n);
      for (let p = 0; p < parts; p++) {
        assert.ok(starts[p] % 4 === 0 && starts[p] % per === 0, `n=${n} per=${per} parts=${parts}: ${starts}`);
        assert.ok(starts[p] < starts[p + 1], `n=${n} per=${per} parts=${parts}: an empty part in ${starts}`);
      }
    }
  }
  assert.equal(agentPartStart(64, 32, 1, 2), 32);
  assert.equal(agentPartStart(60, 15, 1, 2), null, '4 agents of 15 neurons: no boundary of whole agents on the 4-neuron lanes but 0 and 60');
});

/** `len` words in `x` from `init` (Float32Array or Uint32Array). */
function put(x, init) {
  const h = x.sasi_alloc(init.length * 4) >>> 0;
  assert.ok(h, 'allocated');
  new init.constructor(x.memory.buffer, h, init.length).set(init);
  return h;
}

test('one part that is the whole population: the whole kernels\' spikes, traces and block sums, bit for bit', async () => {
  const [n, per, seed, driveHz, steps] = [256, 16, 5, 40, 300];
  for (const name of MODULES) {
    // The whole kernels, as the page's one thread runs them (src/runtime/sim.rs run_steps).
    const x = await loadModule(name);
    const W = x.sasi_alloc(n * n * 4) >>> 0, V = x.sasi_alloc(n * 4) >>> 0, G = x.sasi_alloc(16) >>> 0;
    assert.equal(x.model_network(n, per, seed, W, n * n, V, G), 0);
    const L = put(x, new Float32Array(9)), P = put(x, new Float32Array(5));
    assert.equal(x.model_params(driveHz, L, P), 0);
    const R = put(x, new Float32Array(n)), T = put(x, new Float32Array(n)), S = put(x, new Float32Array(n));
    let prev = put(x, new Uint32Array(n)), out = put(x, new Uint32Array(n)), nPrev = 0;
    const whole = [];
    for (let s = 0; s < steps; s++) {
      const k = x.lif_step(L, 9, V, R, T, S, n, W, n * n, prev, nPrev, G, out, n);
      assert.ok(k >= 0);
      if (k > 0) assert.ok(x.stdp_update(W, n * n, n, T, n, out, k, P, 5) >= 0);
      whole.push([...new Uint32Array(x.memory.buffer, out, k)]);
      [prev, out] = [out, prev];
      nPrev = k;
    }
    const a = n / per, B = put(x, new Float32Array(a * a));
    assert.equal(x.block_sums(W, n * n, n, per, 0, a, B, a * a), 0);
    const sums = [...new Uint32Array(x.memory.buffer, B, a * a)];
    const trace = [...new Uint32Array(x.memory.buffer, T, n)];

    // The part, in a module of its own, its exchange a shared buffer of one part.
    const y = await loadModule(name);
    const exchange = spikeExchange(new SharedArrayBuffer(liveSabBytes(n, 1)), n, 0, 1);
    const live = livePart(y, { n, per, seed, driveHz, first: 0, width: n }, exchange);
    const got = [];
    for (let s = 0; s < steps; s++) got.push([...live.step(true)]);
    assert.deepEqual(got, whole, `${name}: spikes`);
    assert.ok(whole.flat().length > 100, `${name}: the run fires (${whole.flat().length} spikes)`);
    assert.deepEqual([...new Uint32Array(live.trace().slice().buffer)], trace, `${name}: traces`);
    const partSums = new Float32Array(a * a).fill(NaN);
    live.blockSums(0, a, partSums, a);
    assert.deepEqual([...new Uint32Array(partSums.buffer)], sums, `${name}: block sums`);
  }
});
