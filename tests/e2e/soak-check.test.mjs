// The soak's growth check (tests/bench/soak-check.mjs) on scripted samples: `make soak` runs
// for minutes to an hour and is not part of `make test`, but the rule that passes or fails it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameBudget, levelledOff, retainedFloors } from '../bench/soak-check.mjs';

const MB = 2 ** 20;
// A 600 s soak sampled every 10 s; N follows the soak's plan every 100 s.
const PLAN = [2048, 1024, 2048, 4096, 2048, 1024];
const BASE = { 1024: 14 * MB, 2048: 25 * MB, 4096: 75 * MB };
const soak = (retained) => Array.from({ length: 60 }, (_, i) => {
  const t = 10 * (i + 1), n = PLAN[Math.floor((t - 1) / 100)];
  return { t, n, retained: retained(t, n, i) };
});

test('visits are stretches at one N, each with its lowest retained reading', () => {
  const v = retainedFloors([
    { t: 10, n: 2048, retained: 30 }, { t: 20, n: 2048, retained: 26 }, { t: 30, n: 2048, retained: NaN },
    { t: 40, n: 1024, retained: 15 }, { t: 50, n: 2048, retained: 27 },
  ]);
  assert.deepEqual(v.map((x) => [x.n, x.floor, x.samples, x.t_start, x.t_end]), [[2048, 26, 2, 10, 20], [1024, 15, 1, 40, 40], [2048, 27, 1, 50, 50]]);
});

test('levelled off: peaks between collections and a one-off high-water mark pass', () => {
  // Every third sample carries 20 MB of garbage, and the floor steps up once, early.
  const r = levelledOff(retainedFloors(soak((t, n, i) => BASE[n] + (i % 3 === 0 ? 20 * MB : 0) + (t > 50 ? MB : 0))), 600);
  assert.deepEqual(r, { ok: true, growing: [] });
});

test('kept growing: a floor that creeps visit after visit fails, naming the N', () => {
  // 6 MB an hour, as the first clean hour's floors at N = 2048 suggested.
  const r = levelledOff(retainedFloors(soak((t, n) => BASE[n] + (t / 600) * 6 * MB)), 600);
  assert.equal(r.ok, false);
  assert.ok(r.growing.some((g) => g.startsWith('N = 2048')), r.growing.join('; '));
  assert.ok(r.growing.some((g) => g.startsWith('N = 1024')), r.growing.join('; '));
});

// Stretches of 10 s (600 frames at 60 Hz), each one tier at one N, as the soak hands them over.
const stretches = (frames, of = () => ({ n: 2048, tier: 'simd', kernel_ms: 4 })) => {
  const out = [];
  for (let i = 0; i < frames.length; i += 600) out.push({ ...of(out.length), frames: frames.slice(i, i + 600) });
  return out;
};

test('the frame budget holds in every period, not only on average', () => {
  // Just under 10 minutes at 60 Hz, cut into 300 s periods; 0.5 % of frames drop one vsync.
  const smooth = Array.from({ length: 35000 }, (_, i) => (i % 200 === 0 ? 33.3 : 16.7));
  const a = frameBudget(stretches(smooth), 300000);
  assert.equal(a.ok, true);
  assert.deepEqual(a.periods.map((p) => p.p99_ms), [16.7, 16.7]);
  assert.ok(a.periods.every((p) => p.frames > 17000 && p.frames < 18000), JSON.stringify(a.periods));
  assert.deepEqual(a.by_tier.map((t) => [t.tier, t.n, t.frames]), [['simd', 2048, 35000]]);
  // The same start, then 2 % of frames at 50 ms in the second period: its p99 leaves the budget.
  const late = smooth.map((f, i) => (i > 18000 && i % 50 === 0 ? 50 : f));
  const b = frameBudget(stretches(late), 300000);
  assert.equal(b.ok, false);
  assert.deepEqual(b.periods.map((p) => p.p99_ms), [16.7, 50]);
});

test('every tier is held to the budget; a slow tier\'s frames are named in by_tier', () => {
  // Every fourth stretch is the JS tier at N = 4096 with a third of its frames at 50 ms (as
  // before the mesh's pass was spread over frames): its share is enough to fail the periods.
  const of = (i) => (i % 4 === 0 ? { n: 4096, tier: 'js', kernel_ms: 12 } : { n: 4096, tier: 'simd', kernel_ms: 5 });
  const frames = Array.from({ length: 36000 }, (_, i) => (Math.floor(i / 600) % 4 === 0 ? (i % 3 ? 16.7 : 50) : 16.7));
  const a = frameBudget(stretches(frames, of), 300000);
  assert.equal(a.ok, false);
  assert.ok(a.periods.every((p) => p.p99_ms === 50), JSON.stringify(a.periods));
  const js = a.by_tier.find((t) => t.tier === 'js'), simd = a.by_tier.find((t) => t.tier === 'simd');
  assert.deepEqual([js.n, js.frames, js.p99_ms, js.kernel_ms_median], [4096, 9000, 50, 12]);
  assert.deepEqual([simd.frames, simd.p99_ms, simd.frame_ms_median], [27000, 16.7, 16.7]);
});
