// The harness's statistics on known inputs, and one real run of the JS tier on tiny cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile, ratio, runBench, summarise, cases, settledAt, callsPerBatch, batch, measure, agreement, interleave, liveModel, LIVE } from '../bench/bench.js';
import * as js from '../tier/abi.js';
import { loadModule } from './modules.mjs';

// The live-step cases build the app's model in a wasm module (model_network, model_params).
const scalar = await loadModule('scalar');

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

test('a run of the JS tier and the scalar module produces well-formed, agreeing rows', async () => {
  const tiny = cases('quick').filter((c) => ['activation_gelu', 'dense_batch', 'lif_step', 'live_step', 'efficiency'].includes(c.kernel));
  const progress = [];
  const { rows, cancelled } = await runBench({ tiers: { js, scalar }, set: tiny, onProgress: (p) => progress.push(p) });
  assert.equal(cancelled, false);
  assert.equal(rows.length, 2 * tiny.length);
  assert.equal(progress.length, 2 * tiny.length);
  for (const r of rows) {
    assert.ok(['js', 'scalar'].includes(r.tier), r.tier);
    assert.ok(r.median_ns > 0 && r.min_ns <= r.median_ns && r.median_ns <= r.max_ns, JSON.stringify(r));
    assert.ok(r.p90_ns >= r.median_ns);
    assert.equal(r.agrees, true);
    if (r.kernel === 'live_step') assert.ok(r.settled === null && /^frames of 4 calls/.test(r.protocol), JSON.stringify(r));
    else assert.ok(typeof r.settled === 'boolean' && r.protocol === 'back-to-back batches');
    assert.ok(r.p25_ns <= r.median_ns && r.median_ns <= r.p75_ns, 'spread around the median');
    assert.ok(r.calls_per_batch >= 1 && r.warmup_rounds >= 1);
    assert.ok(r.ops > 0);
  }
  // The live cases run at the app's own firing (about 3 Hz at 1 ms steps), not a chosen 5 %.
  for (const r of rows.filter((q) => ['lif_step', 'live_step'].includes(q.kernel))) {
    assert.ok(r.firing_fraction > 0 && r.firing_fraction < 0.02, `${r.kernel} ${r.tier} fires ${r.firing_fraction}`);
  }
  const s = summarise(rows);
  assert.equal(s.results.length, tiny.length);
  assert.equal(s.results[0].median_ns.simd, null, 'absent tiers are null');
});

test('without a wasm module the live cases say why, and the others run', async () => {
  const set = cases('quick').filter((c) => ['dense_batch', 'live_step'].includes(c.kernel));
  const { rows } = await runBench({ tiers: { js }, set });
  assert.equal(rows.find((r) => r.kernel === 'dense_batch').agrees, true);
  assert.match(rows.find((r) => r.kernel === 'live_step').error, /model_network/);
});

test("the live cases run the app's model: its network, parameters and firing, one snapshot for every tier", () => {
  const model = liveModel(scalar);
  const { snap, lif, stdp } = model.snapshot(1024);
  assert.equal(lif.length, 9);
  assert.equal(stdp.length, 5);
  assert.equal(Math.fround(lif[7]), Math.fround(LIVE.driveHz / 1000), 'drive probability per 1 ms step');
  assert.equal(model.snapshot(1024), model.snapshot(1024), 'computed once per N');
  assert.ok(snap.meanSpikes > 0 && snap.meanSpikes / 1024 < 0.02, `mean spikes per step ${snap.meanSpikes}`);
  assert.ok(Math.abs(snap.typical.length - snap.meanSpikes) <= Math.max(1, 0.25 * snap.meanSpikes), 'a typical step');
  const c = cases('quick').find((q) => q.kernel === 'stdp');
  const run = c.prepare(js, model);
  run.free();
  assert.equal(c.ops, 2 * snap.typical.length * 1024, 'two synapse updates per spike per neuron');
  assert.equal(c.bytes, 16 * snap.typical.length * 1024);
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
  assert.equal(byName['live_step 4096'].ops, 4096);
  assert.equal(byName['efficiency 1024'].ops, 1024 ** 3 / 32, 'n³/32 word operations');
});

test('warm-up rule: settled when two successive round medians agree within 5 %', () => {
  assert.equal(settledAt([100, 60, 50, 49]), 3, 'tier-up, then stable');
  assert.equal(settledAt([100, 60, 50, 40, 30]), -1, 'still getting faster');
  assert.equal(settledAt([10, 10]), -1, 'fewer than three rounds never settle');
  assert.equal(settledAt([10, 10], { minRounds: 2 }), 1);
  assert.equal(settledAt([10, 10.6, 10.9]), 2, '10.6 → 10.9 is within 5 %');
  assert.equal(callsPerBatch(0.001, 2), 2000, 'a batch lasts ≥ 2 ms');
  assert.equal(callsPerBatch(5, 2), 1);
  let resets = 0, calls = 0;
  const ring = { maxCalls: 3, reset: () => resets++, call: (i) => { assert.ok(i < 3, 'a call index never passes the ring'); calls++; } };
  batch(ring, 8);
  assert.equal(calls, 8);
  assert.equal(resets, 3, 'segments of 3 + 3 + 2 calls, each after a reset');
});

// A scripted clock: `performance.now()` (which bench.js reads at every call) advances only by
// what the fake runs below say a call costs, so a preempted or loaded machine (CI's) cannot
// decide whether a run settles.
async function withScriptedClock(body) {
  let t = 0;
  performance.now = () => t;
  try {
    return await body((ms) => { t += ms; });
  } finally {
    delete performance.now;
  }
}

test('measure keeps warming while the code gets faster, and marks a run that never settles', async () => {
  await withScriptedClock(async (advance) => {
    // A "JIT" that gets 2× faster after 300 calls, then is stable.
    let calls = 0;
    const tiering = { call: () => advance(++calls < 300 ? 0.04 : 0.02), reset: () => {} };
    const a = await measure(tiering, { resolutionMs: 0.001 });
    assert.equal(a.settled, true);
    assert.ok(calls > 300, 'the warm-up outlasted the slow phase');
    assert.ok(Math.abs(median(a.samples) - 20000) < 1e-3, `timed after tier-up (0.02 ms a call): ${median(a.samples)} ns`);
    // 15 % slower every batch: two successive round medians never agree within 5 %, so the cap
    // ends the warm-up.
    let slow = 0.002;
    const drifting = { call: () => advance(slow), reset: () => { slow *= 1.15; } };
    const b = await measure(drifting, { resolutionMs: 0.001, cap: { ms: 300, rounds: 12 } });
    assert.equal(b.settled, false);
    assert.ok(b.warmup_rounds <= 12);
  });
  assert.ok(performance.now() > 0, 'the real clock is back');
});

test('interleave times every run once a round, the order rotating, slower runs reading slower', async () => {
  const order = [];
  const t = await withScriptedClock((advance) => {
    const run = (name, ms) => ({ call: () => { if (order.at(-1) !== name) order.push(name); advance(ms); }, reset: () => {} });
    return interleave({ a: run('a', 0.01), b: run('b', 0.03) }, 3, 0.001);
  });
  assert.deepEqual(Object.keys(t), ['a', 'b']);
  assert.equal(t.a.length, 3);
  assert.equal(t.b.length, 3);
  // Runs of calls to one run, in time order: a b | b a | a b, the rounds' seams merged
  // (without the rotation it would be a b a b a b).
  assert.deepEqual(order, ['a', 'b', 'a', 'b'], 'round 2 starts with b, round 3 with a again');
  t.a.forEach((ns, i) => assert.ok(t.b[i] > ns, `round ${i}: ${t.b[i]} ns (3× the work) > ${ns} ns`));
});

test('a case that throws is a row with its error, and the run finishes', async () => {
  const boom = { kernel: 'boom', size: '1', ops: 1, compare: { against: 'js', tolerance: 0 }, prepare() { throw new Error('no memory for you'); } };
  const [ok] = cases('quick').filter((c) => c.kernel === 'activation_relu');
  const rows = [];
  const res = await runBench({ tiers: { js }, set: [boom, ok], onRow: (r) => rows.push(r) });
  assert.equal(res.cancelled, false);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].median_ns, null);
  assert.match(rows[0].error, /no memory for you/);
  assert.equal(rows[0].agrees, false);
  assert.ok(rows[1].median_ns > 0 && rows[1].agrees);
  const s = summarise(rows);
  assert.equal(s.results[0].median_ns.js, null);
});

test('a tier whose output disagrees is marked, against the f64 reference or the JS tier', () => {
  const [sig] = cases('quick').filter((c) => c.kernel === 'activation_sigmoid');
  const good = Float32Array.from(sig.compare.reference);
  assert.equal(agreement(sig, good, null).agrees, true);
  const bad = Float32Array.from(good);
  bad[100] += 1e-4;
  const v = agreement(sig, bad, null);
  assert.equal(v.agrees, false);
  assert.ok(Math.abs(v.max_diff - 1e-4) < 1e-6);
  const [lif] = cases('quick').filter((c) => c.kernel === 'lif_step');
  const out = { spikes: Uint32Array.from([1, 5]), v: Float32Array.from([0.5, 0.25]) };
  assert.equal(agreement(lif, out, out).agrees, true);
  assert.equal(agreement(lif, { ...out, spikes: Uint32Array.from([1, 6]) }, out).agrees, false, 'one spike moved');
  assert.equal(agreement(lif, { ...out, v: Float32Array.from([0.5, Math.fround(0.25000003)]) }, out).agrees, false, 'one ulp');
});

test('in-place kernels get a fresh input for every call of a batch', () => {
  const [relu] = cases('quick').filter((c) => c.kernel === 'activation_relu');
  const seen = [];
  const spy = { ...js, act_apply: (k, h, len) => { seen.push(h); return js.act_apply(k, h, len); } };
  const run = relu.prepare(spy);
  const k = Math.min(run.maxCalls, 20);
  run.reset();
  for (let i = 0; i < k; i++) run.call(i);
  assert.equal(new Set(seen).size, k, 'no copy is used twice in a batch');
  const first = js.f32(seen[0], 65536);
  assert.ok(first.every((x) => x >= 0), 'the call rectified its copy');
  run.reset();
  assert.ok(first.some((x) => x < 0), 'reset restores the input');
  run.free();
});
