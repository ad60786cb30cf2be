// The soak's growth check, apart so that it can be tested (tests/e2e/soak-check.test.mjs).
//
// A wasm memory never shrinks and the JS heap's size between collections says when the
// collector last ran, so neither a peak nor a single reading tells a leak from a high-water
// mark. What does: the memory the page retains after a full collection, at the same N, visit
// after visit. Each visit (a stretch of samples at one N) has a floor, its lowest retained
// reading; the page has levelled off when no visit in the last third of the soak has a floor
// more than `tolerance` above every earlier visit's floor at that N.

export function groupBy(xs, key) {
  const out = {};
  for (const x of xs) (out[key(x)] ||= []).push(x);
  return out;
}

/** Visits in time order: `{ n, t_start, t_end, samples, floor }` from samples in time order. */
export function retainedFloors(samples) {
  const visits = [];
  for (const s of samples) {
    if (!Number.isFinite(s.retained)) continue;
    const v = visits.at(-1);
    if (v && v.n === s.n) {
      v.t_end = s.t;
      v.samples++;
      v.floor = Math.min(v.floor, s.retained);
    } else {
      visits.push({ n: s.n, t_start: s.t, t_end: s.t, samples: 1, floor: s.retained });
    }
  }
  return visits;
}

/** `{ ok, growing }`: growing lists each late visit whose floor passed its N's earlier ones. */
export function levelledOff(visits, seconds, { tolerance = 0.05 } = {}) {
  const lateFrom = (2 * seconds) / 3;
  const growing = [];
  for (const [n, vs] of Object.entries(groupBy(visits, (v) => v.n))) {
    const earlier = vs.filter((v) => v.t_start < lateFrom);
    if (!earlier.length) continue;
    const ref = Math.max(...earlier.map((v) => v.floor));
    for (const v of vs.filter((v) => v.t_start >= lateFrom)) {
      if (v.floor > ref * (1 + tolerance)) {
        growing.push(`N = ${n} at t = ${v.t_start.toFixed(0)} s: ${(v.floor / 2 ** 20).toFixed(1)} MB after at most ${(ref / 2 ** 20).toFixed(1)} MB`);
      }
    }
  }
  return { ok: growing.length === 0, growing };
}

/** The `p` quantile (0–1) of values sorted ascending: the value at rank ⌊p·n⌋, the last one at most. */
export const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** The frame budget a soak holds: at 60 Hz, 99 % of frames within two vsync periods. */
export const FRAME_P99_BUDGET_MS = 33.4;

/**
 * Frame intervals in stretches of one tier at one N, `{ n, tier, kernel_ms, frames }` in time
 * order (frames in ms), cut into periods of `periodMs` of page time: each period's p99 and frame
 * count, and `ok` when every period keeps its p99 within the budget — the budget holds at the
 * end of the soak as at its start, not only on average, and for every tier: the frames of all
 * of them are held to it. `by_tier` has each tier's frames at each N (median, p99, its kernels'
 * median ms a frame), to show which tier a period's slow frames came from.
 */
export function frameBudget(chunks, periodMs, budgetMs = FRAME_P99_BUDGET_MS) {
  const periods = [];
  let cur = [], elapsed = 0;
  const close = () => {
    if (!cur.length) return;
    const sorted = [...cur].sort((a, b) => a - b);
    periods.push({ frames: cur.length, p99_ms: quantile(sorted, 0.99) });
    cur = [];
  };
  const byTier = {};
  for (const c of chunks) {
    const t = (byTier[`${c.tier} at N = ${c.n}`] ||= { tier: c.tier, n: c.n, frames: [], kernel_ms: [] });
    t.frames.push(...c.frames);
    t.kernel_ms.push(c.kernel_ms);
    for (const f of c.frames) {
      cur.push(f);
      elapsed += f;
      if (elapsed >= periodMs * (periods.length + 1)) close();
    }
  }
  close();
  const by_tier = Object.values(byTier).map(({ tier, n, frames, kernel_ms }) => {
    const sorted = [...frames].sort((a, b) => a - b);
    return { tier, n, frames: frames.length, frame_ms_median: quantile(sorted, 0.5), p99_ms: quantile(sorted, 0.99), kernel_ms_median: quantile([...kernel_ms].sort((a, b) => a - b), 0.5) };
  });
  return { ok: periods.every((p) => p.p99_ms <= budgetMs), budget_ms: budgetMs, periods, by_tier };
}
