// The page side of bench/engine-probe.mjs: our modules from several directories, the
// harness's own cases (kernels/js/bench/bench.js) and its `interleave`, the builds taking turns round
// by round. Returns per case and directory the median µs of each round.
import { cases, interleave, liveModel, networkBuilder, timerResolutionMs } from '/kernels-js/bench/bench.js';
import { loadKernelModule } from '/kernels-js/load.js';

globalThis.runProbe = async (dirs, tier, filter, rounds) => {
  const resolutionMs = timerResolutionMs();
  const mods = {};
  for (const d of dirs) mods[d] = (await loadKernelModule(`/${d}/kernels-${tier}.wasm`)).exports;
  // The live-step cases run the app's model, built by a module that has it.
  const builder = networkBuilder(Object.fromEntries(Object.values(mods).map((x, i) => [['scalar', 'simd', 'relaxed'][i % 3], x])));
  const model = builder ? liveModel(builder) : null;
  const out = [];
  for (const c of cases('full').filter((q) => `${q.kernel}:${q.size}`.startsWith(filter))) {
    if (c.live && !model) continue;
    const runs = Object.fromEntries(dirs.map((d) => [d, c.prepare(mods[d], model)]));
    let ns;
    try {
      ns = await interleave(runs, rounds, resolutionMs);
    } finally {
      for (const r of Object.values(runs)) r.free();
    }
    const us = Object.fromEntries(Object.entries(ns).map(([d, v]) => [d, v.map((x) => x / 1e3)]));
    out.push({ case: `${c.kernel} ${c.size}`, us });
  }
  return out;
};
