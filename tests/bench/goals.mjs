// Issue 28's goals, read off one engine's `make bench` run (tests/bench/run.mjs writes it as
// `goals` in latest-<engine>.json and prints it): each goal per row, its figure, its bound,
// and whether the run met it. Benchmark figures, not timed tests: nothing here fails a build.
// A pure function of the run's JSON (tests/e2e/goals.test.mjs).

/** The bounds, as issue 28 states them. */
export const GOALS = Object.freeze({
  // SIMD ÷ JS on every kernel in Chromium and Firefox (the seed's target), unless the
  // roofline shows why not: the JS tier already moving MEMORY_BOUND_JS of the read ceiling.
  simd_over_js: 2,
  // A memory-bound row's bytes per second over the page's read ceiling.
  read_share: 0.85,
  // The batched GEMM's flops per second over the mul+add ceiling (the fused one for relaxed).
  gemm_share: 0.75,
  // tfjs-wasm ÷ ours in the head to head: every shared workload, and those not at the memory roof.
  tfjs_every: 1.0,
  tfjs_off_roof: 1.2,
  // SIMD ÷ native, on every kernel.
  simd_over_native: 1.25,
});

/** Where a JS tier already moves this share of the read ceiling, no tier can be 2× faster. */
const MEMORY_BOUND_JS = 0.5;

/** The rows issue 28 calls memory-bound: matvec from 1024², LIF and STDP at 4096. */
export function memoryBoundRow(r) {
  if (r.kernel === 'dense') return Number(r.size.split('x')[0]) >= 1024;
  return ['lif_step', 'stdp'].includes(r.kernel) && Number(r.size) >= 4096;
}

/** A tier's median in a result row where that tier ran and agreed with its check, else null
 *  (a row that failed or disagreed never counts in a ratio). */
export const usableMedian = (r, t) => {
  const s = r.stats?.[t];
  return s && !s.error && s.agrees !== false && r.median_ns?.[t] > 0 ? r.median_ns[t] : null;
};

/**
 * The goals for one engine's run `out` (as run.mjs builds it: `engine`, `ceilings`,
 * `results`, `head_to_head`). Returns `[{ goal, kernel, size, value, bound, met, note? }]`:
 * `value` the figure (a ratio or a share), `met` true/false, or null where the run has no
 * figure for it (`note` says why).
 */
export function issue28Goals(out) {
  const list = [];
  const read = out.ceilings?.read_gb_s > 0 ? out.ceilings.read_gb_s : null;
  const roof = { simd: out.ceilings?.mul_add_gflop_s, relaxed: out.ceilings?.fma_gflop_s };
  const push = (goal, r, value, bound, atLeast, note) => list.push({
    goal, kernel: r.kernel, size: r.size, value, bound,
    met: value == null || !Number.isFinite(value) ? null : atLeast ? value >= bound : value <= bound,
    ...(note ? { note } : {}),
  });
  for (const r of out.results ?? []) {
    const [js, scalar, simd] = [usableMedian(r, 'js'), usableMedian(r, 'scalar'), usableMedian(r, 'simd')];
    if (simd && scalar) push('SIMD not slower than scalar', r, scalar / simd, 1, true);
    if (simd && js && ['chromium', 'firefox'].includes(out.engine)) {
      const jsShare = read && r.achieved?.js?.gb_s ? r.achieved.js.gb_s / read : null;
      const why = jsShare != null && jsShare >= MEMORY_BOUND_JS ? `JS already moves ${(100 * jsShare).toFixed(0)} % of the read ceiling` : undefined;
      push('SIMD ≥ 2× JS', r, js / simd, GOALS.simd_over_js, true, why);
    }
    const native = r.median_ns?.native;
    if (simd && native > 0) push('SIMD within 1.25× of native', r, simd / native, GOALS.simd_over_native, false);
    if (memoryBoundRow(r)) {
      const gb = r.achieved?.simd?.gb_s;
      push('memory-bound row at ≥ 85 % of read', r, gb && read ? gb / read : null, GOALS.read_share, true, read ? undefined : 'no read ceiling');
    }
    if (r.kernel === 'dense_batch') {
      for (const t of ['simd', 'relaxed']) {
        const gf = r.achieved?.[t]?.gflop_s;
        if (gf && roof[t] > 0) push(`batched GEMM (${t}) at ≥ 75 % of its ${t === 'relaxed' ? 'fma' : 'mul+add'} roof`, r, gf / roof[t], GOALS.gemm_share, true);
      }
    }
  }
  for (const q of out.head_to_head?.rows ?? []) {
    const best = Math.max(...['simd', 'relaxed'].map((t) => q.tiers?.[t]?.ratio_median ?? -Infinity));
    if (!Number.isFinite(best)) continue;
    const r = (out.results ?? []).find((x) => x.kernel === q.kernel && x.size === q.size);
    const gb = r?.achieved?.simd?.gb_s;
    const atRoof = read && gb ? gb >= GOALS.read_share * read : false;
    push('tfjs-wasm ÷ ours ≥ 1.0', q, best, GOALS.tfjs_every, true);
    if (!atRoof) push('tfjs-wasm ÷ ours ≥ 1.2 (not at the memory roof)', q, best, GOALS.tfjs_off_roof, true);
  }
  return list;
}

/** The goals as lines for the terminal: every unmet goal, then a count per goal. */
export function goalLines(goals) {
  const fmt = (g) => (g.value == null ? '–' : g.goal.includes('%') ? `${(100 * g.value).toFixed(0)} %` : `${g.value.toFixed(2)}×`);
  const lines = [];
  const byGoal = new Map();
  for (const g of goals) {
    if (!byGoal.has(g.goal)) byGoal.set(g.goal, []);
    byGoal.get(g.goal).push(g);
  }
  for (const [goal, gs] of byGoal) {
    const met = gs.filter((g) => g.met === true).length;
    const missed = gs.filter((g) => g.met === false);
    lines.push(`${goal}: ${met} of ${gs.length} met${missed.length ? ` — not: ${missed.map((g) => `${g.kernel} ${g.size} ${fmt(g)}${g.note ? ` (${g.note})` : ''}`).join(', ')}` : ''}`);
  }
  return lines;
}
