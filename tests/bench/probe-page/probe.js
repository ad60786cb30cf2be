// The page side of bench/engine-probe.mjs: our modules from several directories, the
// harness's own cases (kernels/js/bench.js) and `measure`, the builds taking turns round by
// round. Returns per case and directory the median µs of each round.
import { cases, measure, median, timerResolutionMs } from '/kernels-js/bench.js';
import { loadKernelModule } from '/kernels-js/load.js';

globalThis.runProbe = async (dirs, tier, filter, rounds) => {
  const resolutionMs = timerResolutionMs();
  const mods = {};
  for (const d of dirs) mods[d] = (await loadKernelModule(`/${d}/kernels-${tier}.wasm`)).exports;
  const out = [];
  for (const c of cases('full').filter((q) => `${q.kernel}:${q.size}`.startsWith(filter))) {
    const runs = Object.fromEntries(dirs.map((d) => [d, c.prepare(mods[d])]));
    const us = Object.fromEntries(dirs.map((d) => [d, []]));
    try {
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < dirs.length; i++) {
          const d = dirs[(i + r) % dirs.length];
          us[d].push(median((await measure(runs[d], { full: false, resolutionMs })).samples) / 1e3);
        }
      }
    } finally {
      for (const r of Object.values(runs)) r.free();
    }
    out.push({ case: `${c.kernel} ${c.size}`, us });
  }
  return out;
};
