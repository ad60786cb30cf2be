// `make bench BROWSER=chromium|firefox|webkit|all`: every kernel in every tier in the named
// engine(s) (the same worker and harness as the page's "Run benchmark"), with the plain-JS
// loops as the check on the JS tier, the native ceiling, TensorFlow.js's WebAssembly backend
// (XNNPACK) as the outside anchor, and the live simulation's frame rate per tier and size.
// Engines are driven through tests/e2e/engines.mjs (playwright-core, puppeteer-core over
// WebDriver BiDi, selenium-webdriver + WebKitWebDriver). Prints one set of tables per engine;
// writes target/bench/latest.json (the first engine's figures at the top level, as before, with
// `engine` and `engine_version`, and every engine's under `runs`) and latest-<engine>.json.
// A tier an engine cannot run is recorded with the reason, never as a figure. Each engine's
// `ceilings` (read bandwidth, mul+add and fma throughput, call overhead; bench.js
// `measureCeilings`) come from the same worker, and each result's `achieved` GB/s and GFLOP/s
// per tier from its case's bytes and flops (kernels/ABI.md "Counting rule").
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBE_SOURCE, REPO, engineList, engineMissing, launch, startApp, waitRunning, sleep } from '../e2e/engines.mjs';
import { runHarness } from './harness.mjs';
import { runTfjsThreaded, startAnchorServer } from './tfjs.mjs';
import { threadCounts } from '../../kernels/js/bench/threads.js';
import { goalLines, issue28Goals, usableMedian } from './goals.mjs';

const SET = process.env.SET || 'full';
// Rounds of the interleaved tfjs-vs-ours comparison (each round times every side once).
const H2H_ROUNDS = Number(process.env.H2H_ROUNDS || 5);
// BROWSER=chromium (default) | firefox | webkit | all | a comma list.
const ENGINES = engineList(process.env.BROWSER || 'chromium');
const LIVE_N = (process.env.LIVE_N || '1024,2048,4096').split(',').map(Number);
const LIVE_TIERS = ['js', 'scalar', 'simd', 'relaxed'];
// The live simulation over threads (issue 29, `?threads=k`): the SIMD tier again at these k.
const LIVE_THREADS = (process.env.LIVE_THREADS || '2').split(',').map(Number).filter((k) => k > 1);
/** Every live row's (tier, threads), and how the tables name it. */
const LIVE_VARIANTS = [...LIVE_TIERS.map((tier) => [tier, 1]), ...LIVE_THREADS.map((k) => ['simd', k])];
const liveLabel = (tier, k) => (k > 1 ? `${tier} × ${k} threads` : tier);
const LABELS = { js: 'JavaScript', scalar: 'WASM scalar', simd: 'WASM SIMD128', relaxed: 'WASM relaxed SIMD' };
const log = (...a) => console.error(...a);
const fmtNs = (ns) => (ns == null ? '–' : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
const x = (a, b) => (a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : '–');

log(`native ceiling: cargo run --release -p sasi-kernels --example native_bench ${SET}`);
const native = JSON.parse(execFileSync('cargo', ['run', '-q', '--release', '-p', 'sasi-kernels', '--example', 'native_bench', '--', SET], {
  cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
}));
const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || 'unknown';

/** Thread scaling in `page` (kernels/js/bench/threads.js), polled as the harness is, in the
 *  SIMD module's kernel `forms` the harness's calibration chose (`done.forms.simd`). */
async function runThreadScaling(page, forms = null) {
  await page.evaluate((forms) => {
    globalThis.__scaling = null;
    import('/js/bench/threads.js')
      .then((m) => m.threadScaling({ moduleUrl: '/kernels/kernels-simd.wasm', forms }))
      .then((v) => { globalThis.__scaling = v; }, (e) => { globalThis.__scaling = { error: String(e?.message || e) }; });
    return true;
  }, forms);
  for (;;) {
    const r = await page.evaluate(() => globalThis.__scaling);
    if (r) return r;
    await sleep(1000);
  }
}

/** TensorFlow.js's wasm backend on its own page (tests/bench/tfjs-page, served as tfjs.mjs does), in this engine. */
async function runTfjs(engine, set, forms = {}) {
  const server = await startAnchorServer({ isolation: false, probe: PROBE_SOURCE });
  const page = await engine.newPage();
  try {
    await page.goto(`${server.url}/index.html`);
    await page.waitFor(() => typeof globalThis.runAnchor === 'function', null, { timeout: 30000, what: 'the tfjs anchor page' });
    // The anchor, then on the same page the head to head: tfjs and our SIMD tiers interleaved,
    // round by round, on the workloads where tfjs's output was right.
    log(`then the head to head (tfjs-wasm and our SIMD tiers interleaved, ${H2H_ROUNDS} rounds)…`);
    await page.evaluate(({ s, rounds, forms }) => {
      globalThis.__anchor = null;
      globalThis.runAnchor(s, { headToHead: rounds, forms })
        .then((r) => { globalThis.__anchor = { ok: r }; }, (e) => { globalThis.__anchor = { error: String(e.message || e) }; });
      return true;
    }, { s: set, rounds: H2H_ROUNDS, forms });
    const r = await page.waitFor(() => globalThis.__anchor, null, { timeout: 3600000, interval: 1000, what: 'the tfjs anchor and head to head to finish' });
    if (r.error) throw new Error(r.error);
    // The page asks for nothing it lacks; a browser's own favicon request is not the page's.
    const failed = server.failures.filter((f) => !f.endsWith(' /favicon.ico'));
    if (failed.length) throw new Error(`tfjs anchor page: ${failed.join('; ')}`);
    // As tests/bench/tfjs.mjs: page errors and requests leaving 127.0.0.1 fail the anchor.
    const problems = (await page.problems()).filter((p) => /^(pageerror|request left)/.test(p));
    if (problems.length) throw new Error(`tfjs anchor page: ${problems.join('; ')}`);
    return r.ok;
  } finally {
    await page.close().catch(() => {});
    await server.close();
  }
}

/** One engine: the harness, the tfjs anchor, the live simulation. */
async function benchEngine(name) {
  const notes = [];
  const engine = await launch(name);
  const app = await startApp();
  try {
    log(`\n== ${engine.label} (${engine.automation}): ${SET} set in a worker…`);
    const page = await engine.newPage();
    await page.goto(`${app.url}/`);
    await waitRunning(page, 60000);
    // Pause the animation so the benchmark has the machine to itself.
    await page.click('[data-testid=play-pause]');
    const done = await runHarness(page, SET, { plain: true, log });
    if (done.type !== 'done') throw new Error(`benchmark failed in ${name}: ${done.message}`);
    log('thread scaling (workers that each own their slice)…');
    const threadScaling = await runThreadScaling(page, done.forms?.simd ?? null);
    const problems = await page.problems();
    if (problems.length) log('page problems:', problems);
    await page.close();
    for (const [tier, st] of Object.entries(done.tiers)) {
      if (!st.ok) notes.push(`${tier} tier not measured in ${engine.label}: ${st.reason}`);
    }
    if (done.env.timerResolutionNs > 10000) {
      notes.push(`performance.now() resolution ${(done.env.timerResolutionNs / 1000).toFixed(0)} µs in ${engine.label}: the harness lengthens batches to ≥ 200 ticks, so each figure is an average over a longer batch`);
    }

    log('tfjs-wasm anchor…');
    let tfjs = { env: null, rows: [] };
    try {
      tfjs = await runTfjs(engine, SET, done.forms ?? {});
    } catch (e) {
      log(`tfjs-wasm anchor failed in ${name}: ${e.message}`);
      tfjs.error = String(e.message);
      notes.push(`tfjs-wasm anchor failed in ${engine.label}: ${e.message}`);
    }

    // Issue 29 part 4: tfjs's threaded build against our threads at the same counts.
    let tfjsThreads;
    if (threadScaling?.cases?.length) {
      tfjsThreads = await runTfjsThreaded(engine, threadCounts(threadScaling.threads_available ?? 1), { log, forms: done.forms?.simd ?? null })
        .catch((e) => ({ error: String(e?.message || e) }));
    } else {
      tfjsThreads = { error: `our thread scaling did not run here: ${threadScaling?.error ?? 'unknown'}` };
    }

    // The live simulation: frame rate and kernel ms per frame, per tier and N. A tier this
    // engine cannot run is recorded as such (the app would run another one instead).
    const live = [];
    for (const n of LIVE_N) {
      for (const [tier, threads] of LIVE_VARIANTS) {
        const unavailable = done.tiers[tier] && !done.tiers[tier].ok;
        if (unavailable) {
          live.push({ tier, threads, n, fps: null, sim_ms: null, note: `unavailable: ${done.tiers[tier].reason}` });
          continue;
        }
        const s = await engine.newPage();
        try {
          await s.goto(`${app.url}/?tier=${tier}&n=${n}&agents=64&steps=4&seed=7${threads > 1 ? `&threads=${threads}` : ''}`);
          await waitRunning(s, 60000);
          const activeTier = await s.text('active-tier');
          if (!activeTier.includes(LABELS[tier])) {
            live.push({ tier, threads, n, fps: null, sim_ms: null, note: `the app ran ${activeTier} instead` });
            continue;
          }
          if (threads > 1) {
            // The panel says what runs; a page that could not start the threads says why.
            await sleep(1500);
            const ran = await s.evaluate(() => Number(document.querySelector('[data-testid=spike-hash]')?.dataset.threads));
            if (ran !== threads) {
              live.push({ tier, threads, n, fps: null, sim_ms: null, note: `the page ran ${ran} thread(s): ${await s.text('notices')}` });
              continue;
            }
          }
          await sleep(4000);
          // fps, kernel ms, and the page's frame budget (ms per frame in kernels, mesh, raster,
          // panel/DOM and the rest: the browser's own work and idle time).
          const sample = () => s.evaluate(() => ({
            fps: Number(document.querySelector('[data-testid=fps]').textContent),
            sim_ms: Number(document.querySelector('[data-testid=sim-ms]').textContent),
            budget: Object.fromEntries([...document.querySelectorAll('[data-testid=frame-budget] [data-part]')]
              .map((el) => [el.dataset.part, Number(el.dataset.ms)])),
          }));
          const a = await sample();
          await sleep(2000);
          const b = await sample();
          const budget = Object.fromEntries(Object.keys(b.budget).map((k) => [k, ((a.budget[k] ?? b.budget[k]) + b.budget[k]) / 2]));
          live.push({ tier, threads, n, fps: (a.fps + b.fps) / 2, sim_ms: (a.sim_ms + b.sim_ms) / 2, budget });
          log(`live ${name} ${liveLabel(tier, threads)} n=${n}: ${b.fps} fps, ${b.sim_ms} ms`);
        } finally {
          await s.close().catch(() => {});
        }
      }
    }

    const rows = done.rows;
    const results = done.summary.results.map((r) => {
      const nat = native.find((n) => n.kernel === r.kernel && n.size === r.size);
      const stats = Object.fromEntries(rows.filter((q) => q.kernel === r.kernel && q.size === r.size).map((q) => [q.tier, q]));
      const tf = (tfjs.rows || []).find((t) => t.kernel === r.kernel && t.size === r.size);
      if (tf) stats.tfjs_wasm = tf;
      const tfOk = tf && !tf.error && tf.agrees ? tf.op.median_ns : null;
      return {
        ...r,
        median_ns: { ...r.median_ns, native: nat ? nat.median_ns : null, tfjs_wasm: tfOk, tfjs_wasm_readback: tf && !tf.error && tf.agrees ? tf.op_readback.median_ns : null },
        speedup: { ...r.speedup, simd_tfjs: tfOk && r.median_ns.simd ? tfOk / r.median_ns.simd : null },
        stats,
      };
    });
    return {
      engine: name,
      engine_version: engine.version,
      automation: engine.automation,
      env: { browser: engine.label, engine: name, engineVersion: engine.version, userAgent: done.env.userAgent, cpu, cores: done.env.hardwareConcurrency,
        crossOriginIsolated: done.env.crossOriginIsolated, timerResolutionNs: done.env.timerResolutionNs, set: SET, date: done.env.date },
      tiers: done.tiers,
      // This engine's ceilings, measured in the same worker before the cases (bench.js
      // `measureCeilings`; each result's `achieved` is read against them).
      ceilings: done.ceilings ?? null,
      // The kernel forms the harness ran (its own calibration: make bench has no page's).
      forms: done.forms ?? null,
      // Issue 29 part 4: speed-up over one thread at k = 1 … cores (bench/threads.js).
      thread_scaling: threadScaling,
      tfjs: { env: tfjs.env, error: tfjs.error ?? null },
      head_to_head: tfjs.head_to_head ?? null,
      // tfjs-wasm's threaded build (setThreadsCount(k), and the count it runs) against our
      // workers at the same k (tfjs-page/anchor.js threadedHeadToHead).
      head_to_head_threads: tfjsThreads,
      results,
      live,
      notes,
    };
  } finally {
    await engine.close();
    await app.close();
  }
}

const runs = [];
for (const name of ENGINES) {
  const missing = engineMissing(name);
  if (missing) {
    log(`skipping ${name}: ${missing}`);
    runs.push({ engine: name, engine_version: null, error: `not installed: ${missing}`, notes: [`${name} not measured: ${missing}`] });
    continue;
  }
  try {
    const run = await benchEngine(name);
    // Issue 28's goals against this engine's figures (goals.mjs): benchmark figures, not tests.
    run.goals = issue28Goals(run);
    runs.push(run);
  } catch (e) {
    // One engine failing does not lose the others' figures.
    log(`${name} failed: ${e.stack || e.message}`);
    runs.push({ engine: name, engine_version: null, error: String(e.message), notes: [`${name} not measured: ${e.message}`] });
  }
}
const measured = runs.filter((r) => !r.error);
if (measured.length === 0) {
  log('no engine produced figures');
  process.exit(1);
}
// Backward compatible: the top level is the first engine measured (env, tiers, tfjs, results,
// live, as before), now with `engine` and `engine_version`; `runs` has every engine, in order.
const out = { ...measured[0], runs };
mkdirSync(join(REPO, 'target', 'bench'), { recursive: true });
writeFileSync(join(REPO, 'target', 'bench', 'latest.json'), JSON.stringify(out, null, 2));
for (const r of measured) writeFileSync(join(REPO, 'target', 'bench', `latest-${r.engine}.json`), JSON.stringify(r, null, 2));

// The SIMD tier's throughput, and where the counting rule gives one, its share of this
// engine's ceiling (mul+add for flops: the SIMD module does not fuse; read bandwidth for bytes).
const thru = (r, t, ceil) => {
  const s = r.stats[t];
  if (!s || !(s.median_ns > 0)) return '';
  const of = (v, roof) => (roof > 0 ? ` (${((100 * v) / roof).toFixed(0)} % of roof)` : '');
  if (s.flops > 0) return `${(s.flops / s.median_ns).toFixed(1)} GFLOP/s${of(s.flops / s.median_ns, ceil?.mul_add_gflop_s)}`;
  // The read ceiling is memory's: a case whose data stays in cache can pass it, and says so.
  const read = (v, roof) => (roof > 0 && v > roof ? ` (${(v / roof).toFixed(1)}× the read ceiling: from cache)` : of(v, roof));
  if (r.kernel === 'activation_relu') return `${(s.bytes / s.median_ns).toFixed(1)} GB/s${read(s.bytes / s.median_ns, ceil?.read_gb_s)}`;
  return `${((s.ops * 1e9) / s.median_ns / 1e6).toFixed(1)} M ${s.op_unit}/s`;
};
const fmtRate = (c, k, unit) => {
  if (!(c?.[k] > 0)) return `– (${c?.errors?.[k] ?? 'not measured'})`;
  const sp = c.spread?.[k];
  return `${c[k].toFixed(1)} ${unit}${sp ? ` (${sp.p25.toFixed(1)}–${sp.p75.toFixed(1)})` : ''}`;
};
function printCeilings(out) {
  const c = out.ceilings;
  if (!c) {
    console.log(`
Ceilings in ${out.env.browser}: not measured
`);
    return;
  }
  const calls = Object.entries(c.call_ns || {}).map(([t, ns]) => `${t} ${ns.toFixed(0)}`).join(' · ');
  console.log(`
Ceilings in ${out.env.browser} (median, p25–p75; read: ${c.tiers?.read ?? '–'} module summing ${(c.read_bytes / 2 ** 20).toFixed(0)} MB; mul+add: ${c.tiers?.mul_add ?? '–'}; fma: ${c.tiers?.fma ?? '–'}):`);
  console.log(`read ${fmtRate(c, 'read_gb_s', 'GB/s')} · mul+add ${fmtRate(c, 'mul_add_gflop_s', 'GFLOP/s')} · fma ${fmtRate(c, 'fma_gflop_s', 'GFLOP/s')} · call ns ${calls}\n`);
}
function printRun(out) {
  console.log(`\n### ${out.env.browser}\n`);
  console.log(`${out.env.browser} · ${out.env.cpu} · ${out.env.cores} cores · isolated ${out.env.crossOriginIsolated} · timer ${out.env.timerResolutionNs?.toFixed(0)} ns · set ${SET}\n`);
  printCeilings(out);
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
  console.log(`| kernel | size | JS | plain JS | scalar | SIMD | relaxed | native | tfjs-wasm | JS/plain | SIMD/JS | SIMD/scalar | relaxed/SIMD | SIMD/native | tfjs/SIMD | SIMD throughput |`);
  console.log(`|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|`);
  for (const r of out.results) {
    const m = (t) => usableMedian(r, t);
    const cells = ['js', 'plain', 'scalar', 'simd', 'relaxed', 'native', 'tfjs_wasm'].map((t) => cell(r, t));
    console.log(`| ${r.kernel} | ${r.size} | ${cells.join(' | ')} | ${x(m('js'), m('plain'))} | ${x(m('js'), m('simd'))} | ${x(m('scalar'), m('simd'))} | ${x(m('simd'), m('relaxed'))} | ${x(m('simd'), r.median_ns.native)} | ${x(r.median_ns.tfjs_wasm, m('simd'))} | ${thru(r, 'simd', out.ceilings)} |`);
  }
  if (out.tfjs.env) console.log(`\ntfjs-wasm: ${JSON.stringify(out.tfjs.env)} (op time; op + readback in latest.json)`);
  const h = out.head_to_head;
  if (h?.rows?.length) {
    // The ratio of record against tfjs: both sides on one page, interleaved, so each ratio
    // compares figures taken seconds apart (the tfjs/SIMD column above compares two phases).
    const tiers = ['simd', 'relaxed'].filter((t) => h.rows.some((q) => q.tiers[t]));
    const span = (v) => (v ? `**${v.ratio_median.toFixed(2)}×** (${v.ratio_min.toFixed(2)}–${v.ratio_max.toFixed(2)})` : '–');
    console.log(`\nHead to head in ${out.env.browser}: tfjs-wasm ÷ ours on one page, ${h.rounds} interleaved rounds (median ratio, min–max over rounds; > 1: ours faster):\n`);
    console.log(`| kernel | size | tfjs-wasm | ${tiers.map((t) => `${LABELS[t]} | tfjs ÷ ${t}`).join(' | ')} |`);
    console.log(`|---|---|--:|${tiers.map(() => '--:|--:').join('|')}|`);
    for (const q of h.rows) {
      console.log(`| ${q.kernel} | ${q.size} | ${fmtNs(q.tfjs_median_ns)} | ${tiers.map((t) => `${fmtNs(q.tiers[t]?.median_ns)} | ${span(q.tiers[t])}`).join(' | ')} |`);
    }
    for (const [t, why] of Object.entries(h.skipped || {})) console.log(`\n${t} not in the head to head here: ${why}`);
  } else if (h?.error) console.log(`\nhead to head failed: ${h.error}`);
  const ts = out.thread_scaling;
  if (ts?.cases?.length) {
    const ks = Object.keys(ts.cases[0].by_k);
    console.log(`\nThread scaling in ${out.env.browser} (${ts.how}; ${ts.threads_available} cores; median per call, speed-up over one thread):\n`);
    console.log(`| kernel | size | ${ks.map((k) => `${k} thread${k === '1' ? '' : 's'}`).join(' | ')} |`);
    console.log(`|---|---|${ks.map(() => '--:').join('|')}|`);
    const ceiling = (p, k) => (k !== '1' && p?.stdp_balance_ceiling ? `, at most ${p.stdp_balance_ceiling.toFixed(2)}×` : '');
    const at = (c, k) => (c.by_k[k]?.error ? `failed: ${c.by_k[k].error}` : `${fmtNs(c.by_k[k]?.median_ns)} (${c.speedup[k]?.toFixed(2) ?? '–'}×${ceiling(c.by_k[k], k)})`);
    for (const c of ts.cases) console.log(`| ${c.kernel} | ${c.size} | ${ks.map((k) => at(c, k)).join(' | ')} |`);
    const mem = (c) => ks.map((k) => `${k}: ${c.by_k[k]?.memory_bytes ? `${(c.by_k[k].memory_bytes / 2 ** 20).toFixed(1)} MiB` : '–'}`).join(', ');
    for (const c of ts.cases) console.log(`\n${c.kernel} ${c.size}: the threads' wasm memories, summed, by thread count — ${mem(c)}`);
    if (ts.cases.some((c) => Object.values(c.by_k).some((p) => p.stdp_balance_ceiling))) console.log("\nThe live step's \"at most\": STDP walks each spiking neuron's column in the thread that owns it, most of a step's work, so a step waits for the part with the most spikes: the run's spikes ÷ the busiest part's, on any machine.");
  } else if (ts?.error) console.log(`\nthread scaling not measured in ${out.env.browser}: ${ts.error}`);
  const ht = out.head_to_head_threads;
  if (ht?.by_k) {
    console.log(`\nThreaded head to head in ${out.env.browser}: tfjs-wasm's threaded SIMD build ÷ our SIMD workers at the same k (median per call; ${'>'} 1: ours faster):\n`);
    console.log('| kernel | size | k asked | tfjs threads used | tfjs | ours | tfjs ÷ ours (min–max over rounds) |');
    console.log('|---|---|--:|--:|--:|--:|--:|');
    for (const [k, r] of Object.entries(ht.by_k)) {
      if (r.error) { console.log(`| – | – | ${k} | – | – | – | failed: ${r.error} |`); continue; }
      for (const q of r.rows) console.log(`| ${q.kernel} | ${q.size} | ${k} | ${r.env.threads_used} | ${fmtNs(q.tfjs_median_ns)} | ${fmtNs(q.ours_median_ns)} | **${q.ratio_median.toFixed(2)}×** (${q.ratio_min.toFixed(2)}–${q.ratio_max.toFixed(2)}) |`);
    }
  } else if (ht?.error) console.log(`\nthreaded head to head not run in ${out.env.browser}: ${ht.error}`);
  console.log(`\nLive simulation in ${out.env.browser} (64 agents, 4 steps of 1 ms per frame, STDP on):\n`);
  console.log(`| tier | ${LIVE_N.map((n) => `N=${n} fps / sim ms`).join(' | ')} |`);
  console.log(`|---|${LIVE_N.map(() => '--:').join('|')}|`);
  const liveRow = (tier, k, n) => out.live.find((l) => l.tier === tier && (l.threads ?? 1) === k && l.n === n);
  for (const [tier, k] of LIVE_VARIANTS) {
    const cells = LIVE_N.map((n) => liveRow(tier, k, n))
      .map((l) => (!l ? '–' : l.fps == null ? 'unavailable' : `${l.fps.toFixed(0)} / ${l.sim_ms.toFixed(2)}`));
    console.log(`| ${liveLabel(tier, k)} | ${cells.join(' | ')} |`);
  }
  const parts = ['kernels', 'mesh', 'raster', 'page', 'other'];
  console.log(`\nFrame budget in ${out.env.browser} (ms per frame, the page's own measurement: kernels · mesh · raster · panel/DOM · browser + idle):\n`);
  console.log(`| tier | ${LIVE_N.map((n) => `N=${n}`).join(' | ')} |`);
  console.log(`|---|${LIVE_N.map(() => '--:').join('|')}|`);
  for (const [tier, k] of LIVE_VARIANTS) {
    const cells = LIVE_N.map((n) => liveRow(tier, k, n))
      .map((l) => (!l || !l.budget || !Object.keys(l.budget).length ? '–' : parts.map((p) => (l.budget[p] ?? NaN).toFixed(1)).join(' · ')));
    console.log(`| ${liveLabel(tier, k)} | ${cells.join(' | ')} |`);
  }
  console.log(`\nIssue 28's goals in ${out.env.browser}, this run (benchmark figures; goals.mjs):\n`);
  for (const l of goalLines(out.goals ?? [])) console.log(`- ${l}`);
  for (const n of out.notes) console.log(`\nnote: ${n}`);
}
for (const r of measured) printRun(r);
// With more than one engine: the ratios side by side, one column per engine (each ratio taken
// within its own engine's run).
if (measured.length > 1) {
  const ratio = (v) => (v == null || !Number.isFinite(v) ? '–' : `${v.toFixed(v >= 10 ? 0 : 1)}×`);
  const names = measured.map((r) => r.env.browser.split(' ')[0]);
  const cols = [['simd_js', 'SIMD/JS'], ['simd_scalar', 'SIMD/scalar'], ['simd_tfjs', 'SIMD vs tfjs-wasm']];
  console.log(`\n### Ratios by engine\n`);
  console.log(`| kernel | size | ${cols.map(([, l]) => names.map((n) => `${l} ${n}`).join(' | ')).join(' | ')} |`);
  console.log(`|---|---|${cols.flatMap(() => names.map(() => '--:')).join('|')}|`);
  for (const r of measured[0].results) {
    const cells = cols.flatMap(([k]) => measured.map((m) => ratio(m.results.find((q) => q.kernel === r.kernel && q.size === r.size)?.speedup[k])));
    console.log(`| ${r.kernel} | ${r.size} | ${cells.join(' | ')} |`);
  }
}
for (const r of runs.filter((q) => q.error)) console.log(`\n### ${r.engine}: not measured — ${r.error}`);
console.log(`\nwrote target/bench/latest.json (${measured.map((r) => r.engine).join(', ')}) and latest-<engine>.json`);
