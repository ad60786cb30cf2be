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

test('the frame budget holds in every period, not only on average', () => {
  // Just under 10 minutes at 60 Hz, cut into 300 s periods; 0.5 % of frames drop one vsync.
  const smooth = Array.from({ length: 35000 }, (_, i) => (i % 200 === 0 ? 33.3 : 16.7));
  const a = frameBudget(smooth, 300000);
  assert.equal(a.ok, true);
  assert.deepEqual(a.periods.map((p) => p.p99_ms), [16.7, 16.7]);
  assert.ok(a.periods.every((p) => p.frames > 17000 && p.frames < 18000), JSON.stringify(a.periods));
  // The same start, then 2 % of frames at 50 ms in the second period: its p99 leaves the budget.
  const late = smooth.map((f, i) => (i > 18000 && i % 50 === 0 ? 50 : f));
  const b = frameBudget(late, 300000);
  assert.equal(b.ok, false);
  assert.deepEqual(b.periods.map((p) => p.p99_ms), [16.7, 50]);
});
