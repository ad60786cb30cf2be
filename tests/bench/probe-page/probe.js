// The page side of bench/engine-probe.mjs: our modules from several directories, the
// harness's own cases (kernels/js/bench/bench.js) and its `interleave`, the builds taking turns round
// by round. Returns per case and directory the median µs of each round.
import { cases, interleave, timerResolutionMs } from '/kernels-js/bench/bench.js';
import { loadKernelModule } from '/kernels-js/load.js';

globalThis.runProbe = async (dirs, tier, filter, rounds) => {
  const resolutionMs = timerResolutionMs();
  const mods = {};
  for (const d of dirs) mods[d] = (await loadKernelModule(`/${d}/kernels-${tier}.wasm`)).exports;
  const out = [];
  for (const c of cases('full').filter((q) => `${q.kernel}:${q.size}`.startsWith(filter))) {
    const runs = Object.fromEntries(dirs.map((d) => [d, c.prepare(mods[d])]));
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
