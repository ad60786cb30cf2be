// One thread's part of the live network (kernels/js/live/live-part.js), the code the page's
// threads and the benchmark's run: where the page's parts start (whole agents on 4-neuron
// lanes), and one part that is the whole population, or two parts joined, giving the whole
// kernels' spikes, traces and block sums bit for bit over 300 steps in every module, with f32
// and with bf16 weights (model_network_part_bf16's columns: weights_to_bf16 of the whole
// network's). Several parts at once, in real threads, are tests/e2e/live-threads.test.mjs and
// threads.test.mjs.
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

/** The suffix of the exports that take each weight storage (kernels/ABI.md "Weight storage"). */
const SUFFIX = { f32: '', bf16: '_bf16' };

/**
 * The whole kernels as the page's one thread runs them (src/runtime/sim.rs run_steps) in module
 * `x`, W stored as `weights` (bf16: model_network's weights through weights_to_bf16, the
 * rounding Sim::seeded gives them): every step's spikes, then the traces' and the block sums'
 * bits after the last step.
 */
function wholeRun(x, { n, per, seed, driveHz, steps, weights }) {
  const sfx = SUFFIX[weights];
  const F = x.sasi_alloc(n * n * 4) >>> 0, V = x.sasi_alloc(n * 4) >>> 0, G = x.sasi_alloc(16) >>> 0;
  assert.equal(x.model_network(n, per, seed, F, n * n, V, G), 0);
  let W = F;
  if (weights === 'bf16') {
    W = x.sasi_alloc(n * n * 2) >>> 0;
    assert.equal(x.weights_to_bf16(F, n * n, W), 0);
  }
  const L = put(x, new Float32Array(9)), P = put(x, new Float32Array(5));
  assert.equal(x.model_params(driveHz, L, P), 0);
  const R = put(x, new Float32Array(n)), T = put(x, new Float32Array(n)), S = put(x, new Float32Array(n));
  let prev = put(x, new Uint32Array(n)), out = put(x, new Uint32Array(n)), nPrev = 0;
  const spikes = [];
  for (let s = 0; s < steps; s++) {
    const k = x[`lif_step${sfx}`](L, 9, V, R, T, S, n, W, n * n, prev, nPrev, G, out, n);
    assert.ok(k >= 0);
    if (k > 0) assert.ok(x[`stdp_update${sfx}`](W, n * n, n, T, n, out, k, P, 5) >= 0);
    spikes.push([...new Uint32Array(x.memory.buffer, out, k)]);
    [prev, out] = [out, prev];
    nPrev = k;
  }
  const a = n / per, B = put(x, new Float32Array(a * a));
  assert.equal(x[`block_sums${sfx}`](W, n * n, n, per, 0, a, B, a * a), 0);
  return { spikes, trace: [...new Uint32Array(x.memory.buffer, T, n)], sums: [...new Uint32Array(x.memory.buffer, B, a * a)] };
}

/**
 * The same run as `parts` parts (the page's, agentPartStart), each a livePart in its own
 * instance of module `name`, as the page's threads run it, stepped one part after the other:
 * one part meets itself through a real spikeExchange; with more, each part's exchange hands it
 * the whole run's list of the step (`whole.spikes`), so every part runs against the whole run
 * without threads (real threads: tests/e2e/live-threads.test.mjs, threads.test.mjs). Returns the
 * parts' own spikes joined in part order every step, their own traces and their block sums'
 * columns, joined.
 */
async function partsRun(name, cfg, whole, parts) {
  const { n, per, steps } = cfg, a = n / per;
  const spikes = Array.from({ length: steps }, () => []);
  const trace = new Uint32Array(n), sums = new Float32Array(a * a).fill(NaN);
  for (let p = 0; p < parts; p++) {
    const first = agentPartStart(n, per, p, parts), width = agentPartStart(n, per, p + 1, parts) - first;
    const through = parts === 1 ? spikeExchange(new SharedArrayBuffer(liveSabBytes(n, 1)), n, 0, 1) : null;
    let s = 0;
    const exchange = (mine) => {
      spikes[s].push(...mine);
      const list = through ? through(mine) : Uint32Array.from(whole.spikes[s]);
      s++;
      return list;
    };
    const live = livePart(await loadModule(name), { ...cfg, first, width }, exchange);
    for (let t = 0; t < steps; t++) live.step(true);
    trace.set(new Uint32Array(live.trace().slice().buffer, 4 * first, width), first);
    live.blockSums(0, a, sums, a);
  }
  return { spikes, trace: [...trace], sums: [...new Uint32Array(sums.buffer)] };
}

for (const weights of ['f32', 'bf16']) {
  test(`${weights} weights: one part that is the whole population, and two parts joined, give the whole kernels' spikes, traces and block sums, bit for bit`, async () => {
    const cfg = { n: 256, per: 16, seed: 5, driveHz: 40, steps: 300, weights };
    for (const name of MODULES) {
      const whole = wholeRun(await loadModule(name), cfg);
      assert.ok(whole.spikes.flat().length > 100, `${name}: the run fires (${whole.spikes.flat().length} spikes)`);
      for (const parts of [1, 2]) {
        const got = await partsRun(name, cfg, whole, parts);
        const at = `${name}, ${weights}, ${parts} part(s)`;
        assert.deepEqual(got.spikes, whole.spikes, `${at}: spikes`);
        assert.deepEqual(got.trace, whole.trace, `${at}: traces`);
        assert.deepEqual(got.sums, whole.sums, `${at}: block sums`);
      }
    }
  });
}

test("model_network_part_bf16 writes weights_to_bf16 of the whole network's columns, and refuses what model_network_part refuses", async () => {
  const [n, per, seed] = [96, 8, 7];
  for (const name of MODULES) {
    const x = await loadModule(name);
    const F = x.sasi_alloc(n * n * 4) >>> 0, H = x.sasi_alloc(n * n * 2) >>> 0, V = x.sasi_alloc(n * 4) >>> 0, G = x.sasi_alloc(16) >>> 0;
    assert.equal(x.model_network(n, per, seed, F, n * n, V, G), 0);
    assert.equal(x.weights_to_bf16(F, n * n, H), 0);
    const whole = new Uint16Array(x.memory.buffer, H, n * n).slice(), v = new Uint32Array(x.memory.buffer, V, n).slice(), g = new Uint32Array(x.memory.buffer, G, 4).slice();
    for (const [first, width] of [[0, n], [32, 48], [8, 4]]) {
      const y = await loadModule(name);
      const Hp = y.sasi_alloc(n * width * 2) >>> 0, Vp = y.sasi_alloc(n * 4) >>> 0, Gp = y.sasi_alloc(16) >>> 0;
      assert.equal(y.model_network_part_bf16(n, per, seed, first, width, Hp, n * width, Vp, Gp), 0, `${name} ${first}+${width}`);
      const cols = new Uint16Array(n * width);
      for (let j = 0; j < n; j++) cols.set(whole.subarray(j * n + first, j * n + first + width), j * width);
      assert.deepEqual(new Uint16Array(y.memory.buffer, Hp, n * width), cols, `${name} ${first}+${width}: the columns`);
      assert.deepEqual(new Uint32Array(y.memory.buffer, Vp, n), v, `${name}: the potentials`);
      assert.deepEqual(new Uint32Array(y.memory.buffer, Gp, 4), g, `${name}: the drive's lanes`);
    }
    const before = new Uint16Array(x.memory.buffer, H, n * 8).slice();
    assert.equal(x.model_network_part_bf16(n, per, seed, 92, 8, H, n * 8, V, G), -6, 'first + width > n is BadArgument');
    assert.equal(x.model_network_part_bf16(n, per, seed, 0, 8, H, n * 8 - 1, V, G), -2, 'w_len ≠ n·width is LengthMismatch');
    assert.equal(x.model_network_part_bf16(n, per, seed, 0, 0, H, 0, V, G), -3, 'width = 0 is ZeroSize');
    assert.deepEqual(new Uint16Array(x.memory.buffer, H, n * 8), before, `${name}: nothing written`);
  }
});
