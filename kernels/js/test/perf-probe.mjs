// Before/after probe of kernel modules in one Node process (V8, the engine of Chromium). Not
// a test (no assertions on time): `node --test kernels/js/test/` loads it and it does nothing.
// Loads kernels-<tier>.wasm from two directories and times the benchmark harness's own cases
// (kernels/js/bench/bench.js `cases('full')`: same inputs, same in-place ring for activations),
// alternating before/after ROUNDS times: each timing is the median of 15 batches of >= 2 ms
// after a warm-up. Prints per-round medians and the before/after ratio (> 1: after is faster).
//   bash kernels/build-modules.sh /tmp/k-before   (on the old commit; then on the new one:)
//   bash kernels/build-modules.sh /tmp/k-after
//   node --experimental-wasm-relaxed-simd kernels/js/test/perf-probe.mjs /tmp/k-before /tmp/k-after \
//     [tiers=simd,relaxed] [case prefixes, e.g. activation_sigmoid,dense_batch:2048] [rounds=3]
// Also prints the ratio of the per-round minima, steadier than the median on a loaded machine.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { cases, liveModel, median } from '../bench/bench.js';

if (process.env.NODE_TEST_CONTEXT || process.argv.length < 4) {
  if (!process.env.NODE_TEST_CONTEXT) console.error('usage: perf-probe.mjs BEFORE_DIR AFTER_DIR [tiers] [cases] [rounds]');
  process.exit(process.env.NODE_TEST_CONTEXT ? 0 : 2);
}

const [before, after, tiersArg = 'simd,relaxed', filter = '', roundsArg = '3'] = process.argv.slice(2);
const tiers = tiersArg.split(',');
const filters = filter ? filter.split(',') : [];
const rounds = Number(roundsArg);
const load = (dir, tier) => new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path.join(dir, `kernels-${tier}.wasm`))), {}).exports;

function timeOnce(run, calls) {
  // A batch in segments of at most maxCalls calls, each after an untimed reset (as bench.js).
  const seg = run.maxCalls ?? Infinity;
  let total = 0, done = 0;
  while (done < calls) {
    const c = Math.min(seg, calls - done);
    run.reset();
    const t0 = performance.now();
    for (let i = 0; i < c; i++) run.call(i);
    total += performance.now() - t0;
    done += c;
  }
  return total / calls;
}

function measure(run) {
  const t0 = performance.now();
  let per = timeOnce(run, 1);
  while (performance.now() - t0 < 300) per = timeOnce(run, 3);
  const k = Math.max(1, Math.ceil(2 / Math.max(per, 1e-6)));
  return median(Array.from({ length: 15 }, () => timeOnce(run, k))) * 1e6; // ns
}

const list = cases('full').filter((c) => filters.length === 0 || filters.some((f) => `${c.kernel}:${c.size}`.startsWith(f)));
const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(3)} ms` : `${(ns / 1e3).toFixed(1)} µs`);
for (const tier of tiers) {
  const mods = { before: load(before, tier), after: load(after, tier) };
  for (const c of list) {
    // The live-step cases run the app's model, built by the module that has it.
    const builder = [mods.after, mods.before].find((x) => typeof x.model_network === 'function');
    if (c.live && !builder) continue;
    const model = builder ? liveModel(builder) : null;
    const runs = Object.fromEntries(Object.entries(mods).map(([k, x]) => [k, c.prepare(x, model)]));
    // Outputs agree within the harness's tolerance (against f64 for activations/dense).
    const cmp = c.compare;
    for (const [k, r] of Object.entries(runs)) {
      r.reset(); r.call(0);
      if (cmp.against === 'f64') {
        const o = r.output();
        let worst = 0;
        for (let i = 0; i < o.length; i++) if (!(Number.isNaN(o[i]) && Number.isNaN(cmp.reference[i]))) worst = Math.max(worst, Math.abs(o[i] - cmp.reference[i]));
        if (!(worst <= cmp.tolerance)) console.log(`  !! ${tier} ${k} ${c.kernel} ${c.size}: error ${worst} > ${cmp.tolerance}`);
      }
    }
    const t = { before: [], after: [] };
    for (let r = 0; r < rounds; r++) for (const k of r % 2 ? ['after', 'before'] : ['before', 'after']) t[k].push(measure(runs[k]));
    const mb = median(t.before), ma = median(t.after);
    console.log(`${tier.padEnd(8)} ${c.kernel.padEnd(20)} ${c.size.padEnd(12)} before ${t.before.map(fmt).join(' / ')}  after ${t.after.map(fmt).join(' / ')}  ratio ${(mb / ma).toFixed(2)}× (of minima ${(Math.min(...t.before) / Math.min(...t.after)).toFixed(2)}×)`);
    for (const r of Object.values(runs)) r.free();
  }
}
