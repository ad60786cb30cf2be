// `make bench`: every kernel in every tier in headless Chromium (the same worker and harness
// as the page's "Run benchmark"), with the plain-JS loops as the check on the JS tier, the
// native ceiling, TensorFlow.js's WebAssembly backend (XNNPACK) as the outside anchor, and the
// live simulation's frame rate per tier and size. Prints tables; writes
// target/bench/latest.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, open, waitRunning, REPO } from '../e2e/helpers.mjs';
import { runTfjsAnchor } from './tfjs.mjs';

const SET = process.env.SET || 'full';
const log = (...a) => console.error(...a);
const fmtNs = (ns) => (ns == null ? '–' : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
const x = (a, b) => (a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

log(`native ceiling: cargo run --release -p sasi-kernels --example native_bench ${SET}`);
const native = JSON.parse(execFileSync('cargo', ['run', '-q', '--release', '-p', 'sasi-kernels', '--example', 'native_bench', '--', SET], {
  cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
}));

const env = await setup();
let out;
let tfjs = { env: null, rows: [] };
try {
  const { page, context, problems } = await open(env, '/');
  await waitRunning(page);
  // Pause the animation so the benchmark has the machine to itself.
  await page.click('[data-testid=play-pause]');
  const browserVersion = env.browser.version();
  log(`browser: Chromium ${browserVersion}; running the ${SET} set in a worker…`);
  const done = await page.evaluate((set) => new Promise((resolve) => {
    const w = new Worker('/js/bench-worker.js', { type: 'module' });
    let last = 0;
    w.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'progress' && performance.now() - last > 2000) {
        last = performance.now();
        console.log(`progress ${m.done}/${m.total} ${m.kernel} ${m.size} ${m.tier}`);
      }
      if (m.type === 'done' || m.type === 'error') resolve(m);
    };
    w.onerror = (e) => resolve({ type: 'error', message: e.message });
    w.postMessage({ type: 'run', set, plain: true, modules: { scalar: '/kernels/kernels-scalar.wasm', simd: '/kernels/kernels-simd.wasm', relaxed: '/kernels/kernels-relaxed.wasm' }, jsUrl: '/js/abi.js' });
  }), SET);
  if (done.type !== 'done') throw new Error(`benchmark failed: ${done.message}`);
  await context.close();
  if (problems.length) log('page problems:', problems);

  // The outside anchor: TensorFlow.js's wasm backend (SIMD, one thread) on the shared workloads.
  log('tfjs-wasm anchor…');
  try {
    tfjs = await runTfjsAnchor(env.browser, { set: SET, log });
  } catch (e) {
    log(`tfjs-wasm anchor failed: ${e.message}`);
    tfjs.error = String(e.message);
  }

  // The live simulation: frame rate and kernel ms per frame, per tier and N.
  const live = [];
  for (const n of [1024, 2048, 4096]) {
    for (const tier of ['js', 'scalar', 'simd', 'relaxed']) {
      const s = await open(env, `/?tier=${tier}&n=${n}&agents=64&steps=4&seed=7`);
      await waitRunning(s.page, 60000);
      await s.page.waitForTimeout(4000);
      const sample = async () => s.page.evaluate(() => ({
        fps: Number(document.querySelector('[data-testid=fps]').textContent),
        sim_ms: Number(document.querySelector('[data-testid=sim-ms]').textContent),
      }));
      const a = await sample();
      await s.page.waitForTimeout(2000);
      const b = await sample();
      live.push({ tier, n, fps: (a.fps + b.fps) / 2, sim_ms: (a.sim_ms + b.sim_ms) / 2 });
      log(`live ${tier} n=${n}: ${b.fps} fps, ${b.sim_ms} ms`);
      await s.context.close();
    }
  }

  const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || 'unknown';
  const rows = done.rows;
  const results = done.summary.results.map((r) => {
    const nat = native.find((n) => n.kernel === r.kernel && n.size === r.size);
    const stats = Object.fromEntries(rows.filter((x) => x.kernel === r.kernel && x.size === r.size).map((x) => [x.tier, x]));
    const tf = tfjs.rows.find((t) => t.kernel === r.kernel && t.size === r.size);
    if (tf) stats.tfjs_wasm = tf;
    const tfOk = tf && !tf.error && tf.agrees ? tf.op.median_ns : null;
    return {
      ...r,
      median_ns: { ...r.median_ns, native: nat ? nat.median_ns : null, tfjs_wasm: tfOk, tfjs_wasm_readback: tf && !tf.error && tf.agrees ? tf.op_readback.median_ns : null },
      speedup: { ...r.speedup, simd_tfjs: tfOk && r.median_ns.simd ? tfOk / r.median_ns.simd : null },
      stats,
    };
  });
  out = {
    env: { browser: `Chromium ${browserVersion}`, userAgent: done.env.userAgent, cpu, cores: done.env.hardwareConcurrency,
      crossOriginIsolated: done.env.crossOriginIsolated, timerResolutionNs: done.env.timerResolutionNs, set: SET, date: done.env.date },
    tiers: done.tiers,
    tfjs: { env: tfjs.env, error: tfjs.error ?? null },
    results,
    live,
  };
} finally {
  await env.close();
}

mkdirSync(join(REPO, 'target', 'bench'), { recursive: true });
writeFileSync(join(REPO, 'target', 'bench', 'latest.json'), JSON.stringify(out, null, 2));

const thru = (r, t) => {
  const s = r.stats[t];
  if (!s || !(s.median_ns > 0)) return '';
  if (s.flops > 0) return `${(s.flops / s.median_ns).toFixed(1)} GFLOP/s`;
  if (r.kernel === 'activation_relu') return `${(s.bytes / s.median_ns).toFixed(1)} GB/s`;
  return `${((s.ops * 1e9) / s.median_ns / 1e6).toFixed(1)} M ${s.op_unit}/s`;
};
console.log(`\n${out.env.browser} · ${out.env.cpu} · ${out.env.cores} cores · isolated ${out.env.crossOriginIsolated} · timer ${out.env.timerResolutionNs?.toFixed(0)} ns · set ${SET}\n`);
// Medians with their spread (IQR as ± half of it, in % of the median); * = warm-up never
// settled, ! = output disagreed (never counted in a ratio).
const cell = (r, t) => {
  const st = r.stats[t];
  if (t === 'native') return fmtNs(r.median_ns.native);
  if (!st) return '–';
  if (st.error) return `error: ${st.error}`;
  const s = t === 'tfjs_wasm' ? st.op : st;
  if (!(s.median_ns > 0)) return '–';
  const iqr = s.p75_ns != null && s.p25_ns != null ? ` ±${((50 * (s.p75_ns - s.p25_ns)) / s.median_ns).toFixed(0)}%` : '';
  return `${fmtNs(s.median_ns)}${iqr}${st.settled === false ? '*' : ''}${st.agrees === false ? '!' : ''}`;
};
const ok = (r, t) => (r.stats[t] && r.stats[t].agrees !== false && !r.stats[t].error ? r.median_ns[t] : null);
console.log(`| kernel | size | JS | plain JS | scalar | SIMD | relaxed | native | tfjs-wasm | JS/plain | SIMD/JS | SIMD/scalar | relaxed/SIMD | SIMD/native | tfjs/SIMD | SIMD throughput |`);
console.log(`|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|`);
for (const r of out.results) {
  const m = (t) => ok(r, t);
  const cells = ['js', 'plain', 'scalar', 'simd', 'relaxed', 'native', 'tfjs_wasm'].map((t) => cell(r, t));
  console.log(`| ${r.kernel} | ${r.size} | ${cells.join(' | ')} | ${x(m('js'), m('plain'))} | ${x(m('js'), m('simd'))} | ${x(m('scalar'), m('simd'))} | ${x(m('simd'), m('relaxed'))} | ${x(m('simd'), r.median_ns.native)} | ${x(r.median_ns.tfjs_wasm, m('simd'))} | ${thru(r, 'simd')} |`);
}
if (tfjs.env) console.log(`\ntfjs-wasm: ${JSON.stringify(tfjs.env)} (op time; op + readback in latest.json)`);
console.log(`\nLive simulation (64 agents, 4 steps of 1 ms per frame, STDP on):\n`);
console.log(`| tier | N=1024 fps / sim ms | N=2048 fps / sim ms | N=4096 fps / sim ms |`);
console.log(`|---|--:|--:|--:|`);
for (const tier of ['js', 'scalar', 'simd', 'relaxed']) {
  const cells = [1024, 2048, 4096].map((n) => out.live.find((l) => l.tier === tier && l.n === n)).map((l) => (l ? `${l.fps.toFixed(0)} / ${l.sim_ms.toFixed(2)}` : '–'));
  console.log(`| ${tier} | ${cells.join(' | ')} |`);
}
console.log(`\nwrote target/bench/latest.json`);
