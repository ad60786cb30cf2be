// The JS tier's fast kernels against f64 references, and the plain-loop check against the
// tier: the JS baseline is fast *and* right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyActivation } from '../tier/activation.js';
import { dense, denseBatch } from '../tier/dense.js';
import { lifStep } from '../tier/lif.js';
import { stdpUpdate } from '../tier/stdp.js';
import { meshEfficiency } from '../tier/efficiency.js';
import { PLAIN } from '../bench/plain-loops.js';
import { uniform } from '../bench/bench.js';

const GC = Math.sqrt(2 / Math.PI);
const REF = {
  1: (x) => (x < 0 ? 0 : x),
  2: (x) => (x < 0 ? 0.01 * x : x),
  3: (x) => 1 / (1 + Math.exp(-x)),
  4: (x) => Math.tanh(x),
  5: (x) => (x < -10 ? 0 : 0.5 * x * (1 + Math.tanh(GC * (x + 0.044715 * x * x * x)))),
};
const NAMES = { 1: 'relu', 2: 'leaky', 3: 'sigmoid', 4: 'tanh', 5: 'gelu' };

test('activations within 2e-6 of f64 on a dense grid of [-20, 20]', () => {
  const grid = Float32Array.from({ length: 400001 }, (_, i) => -20 + i * 1e-4);
  for (const k of [1, 2, 3, 4, 5]) {
    const a = Float32Array.from(grid);
    applyActivation(k, a);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - REF[k](grid[i])));
    assert.ok(worst <= 2e-6, `${NAMES[k]}: max abs error ${worst}`);
  }
});

test('activations: NaN stays NaN, ±∞ give the limits, huge and tiny values, every length', () => {
  const limits = { 1: [Infinity, 0], 2: [Infinity, -Infinity], 3: [1, 0], 4: [1, -1], 5: [Infinity, 0] };
  for (const k of [1, 2, 3, 4, 5]) {
    const a = Float32Array.from([Infinity, -Infinity, NaN, 0, -0, 1e-30, -1e-30, 3e38, -3e38, 1e-45]);
    applyActivation(k, a);
    assert.equal(a[0], limits[k][0], `${NAMES[k]}(+inf)`);
    assert.equal(a[1], limits[k][1], `${NAMES[k]}(-inf)`);
    assert.ok(Number.isNaN(a[2]), `${NAMES[k]}(NaN)`);
    for (let i = 3; i < a.length; i++) assert.ok(Number.isFinite(a[i]) || k === 2, `${NAMES[k]} finite at ${i}: ${a[i]}`);
    assert.ok(Math.abs(a[3] - REF[k](0)) <= 2e-6);
    for (const len of [0, 1, 3, 4, 5, 17, 1023]) {
      const x = uniform(len + 1, len, -9, 9);
      const y = Float32Array.from(x);
      applyActivation(k, y);
      for (let i = 0; i < len; i++) assert.ok(Math.abs(y[i] - REF[k](x[i])) <= 2e-6, `${NAMES[k]} len ${len} [${i}]`);
    }
  }
});

function denseRef(w, xs, b, m, n, batch) {
  const y = new Float64Array(batch * m);
  let scale = 1;
  for (let k = 0; k < batch; k++) {
    for (let i = 0; i < m; i++) {
      let s = b[i], a = Math.abs(b[i]);
      for (let j = 0; j < n; j++) {
        s += w[i * n + j] * xs[k * n + j];
        a += Math.abs(w[i * n + j] * xs[k * n + j]);
      }
      y[k * m + i] = s;
      scale = Math.max(scale, a);
    }
  }
  return { y, tol: 1e-5 * scale };
}

test('dense and batched dense match f64 at odd shapes; NaN propagates', () => {
  for (const [m, n] of [[1, 1], [3, 5], [5, 3], [17, 33], [64, 64], [7, 129]]) {
    for (const batch of [1, 3, 4, 5, 9]) {
      const w = uniform(m * 31 + n, m * n, -1, 1), xs = uniform(batch * 7 + n, batch * n, -1, 1), b = uniform(m, m, -0.5, 0.5);
      const ys = new Float32Array(batch * m);
      if (batch === 1) dense(w, xs, b, ys, m, n, 0);
      else denseBatch(w, xs, b, ys, m, n, batch, 0);
      const { y, tol } = denseRef(w, xs, b, m, n, batch);
      for (let i = 0; i < ys.length; i++) assert.ok(Math.abs(ys[i] - y[i]) <= tol, `${m}x${n} batch ${batch} [${i}]: ${ys[i]} vs ${y[i]}`);
      const p = new Float32Array(batch * m);
      if (batch === 1) PLAIN.dense(w, xs, b, p, m, n);
      else PLAIN.dense_batch(w, xs, b, p, m, n, batch);
      for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - y[i]) <= tol, `plain ${m}x${n} batch ${batch}`);
    }
  }
  const w = Float32Array.from([1, 2, 3, 4]), y = new Float32Array(2);
  dense(w, Float32Array.from([NaN, 1]), Float32Array.from([0, 0]), y, 2, 2, 0);
  assert.ok(Number.isNaN(y[0]) && Number.isNaN(y[1]));
});

test('the plain loops compute what the tier computes', () => {
  for (const k of [1, 3, 4, 5]) {
    const name = { 1: 'activation_relu', 3: 'activation_sigmoid', 4: 'activation_tanh', 5: 'activation_gelu' }[k];
    const x = uniform(5, 4099, -12, 12);
    const a = Float32Array.from(x), b = Float32Array.from(x);
    applyActivation(k, a);
    PLAIN[name](b);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 4e-6, `${name} [${i}]`);
  }
  // LIF and STDP on the same state: same spikes (no transcendental; doubles vs f32 agree here).
  const n = 300;
  const w = uniform(1, n * n, 0, 0.01);
  const p = Float32Array.from([1, 20, 0, 0, 1, 2, Math.exp(-1 / 20), 0.05, 1.5]);
  const mk = () => ({ v: uniform(2, n, 0, 0.9), refr: new Float32Array(n), trace: new Float32Array(n), syn: new Float32Array(n), rng: Uint32Array.from([1, 2, 3, 4]), out: new Uint32Array(n) });
  const A = mk(), B = mk();
  const prev = Uint32Array.from([3, 50, 299]);
  for (let s = 0; s < 20; s++) {
    const ka = lifStep(p, A.v, A.refr, A.trace, A.syn, w, prev, prev.length, A.rng, A.out);
    const kb = PLAIN.lif_step(p, B.v, B.refr, B.trace, B.syn, w, prev, prev.length, B.rng, B.out);
    assert.deepEqual(Array.from(B.out.subarray(0, kb)), Array.from(A.out.subarray(0, ka)), `step ${s}`);
  }
  const sp = Float32Array.from([0.004, 0.0042, 0.25, 0.002, 0.5]);
  const wa = uniform(3, n * n, 0, 0.2), wb = Float32Array.from(wa), tr = uniform(4, n, 0, 1), spikes = Uint32Array.from([1, 7, 100, 250]);
  assert.equal(PLAIN.stdp(wb, n, tr, spikes, spikes.length, sp), stdpUpdate(wa, n, tr, spikes, spikes.length, sp));
  for (let i = 0; i < wa.length; i++) assert.ok(Math.abs(wa[i] - wb[i]) <= 1e-6, `stdp w[${i}]`);
  const wpr = 4, adj = new Uint32Array(64 * wpr);
  for (let i = 0; i < 63; i++) { adj[i * wpr + ((i + 1) >>> 5)] |= 1 << ((i + 1) & 31); adj[(i + 1) * wpr + (i >>> 5)] |= 1 << (i & 31); }
  assert.equal(PLAIN.efficiency(adj, 64, wpr), meshEfficiency(adj, 64, wpr), 'a path graph');
});
