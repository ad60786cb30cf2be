// Issue 29's first question, measured: how much does a second core give, with either idea?
// `own`: workers that each own their slice in their own instance of the SIMD module (no shared
// wasm memory, two control words in a SharedArrayBuffer); `shared`: real wasm threads, every
// worker an instance of the threads build on one shared memory, the data once. One case at a
// time, k = 1, 2, … threads, the same synchronisation at every k (worker 0 leads and times).
// Not a test and not part of `make bench`. The threads build (nightly, std rebuilt):
//   RUSTFLAGS="-C target-feature=+simd128,+atomics,+bulk-memory,+mutable-globals
//     -C link-arg=--shared-memory -C link-arg=--import-memory -C link-arg=--max-memory=1073741824
//     -C link-arg=--export=__stack_pointer -C link-arg=--export=__wasm_init_tls
//     -C link-arg=--export=__tls_size -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base"
//     cargo +nightly build -Z build-std=std,panic_abort -p sasi-kernels --features ffi --lib
//     --release --target wasm32-unknown-unknown --target-dir target/threads-probe
//   make build && cd tests && node bench/threads-probe.mjs chromium dense_batch 300 own 1 2
// Prints per k the median call time, p25–p75, and the speed-up over k = 1.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, launch } from '../e2e/engines.mjs';
import { startServer } from '../e2e/server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const [engineName = 'chromium', kase = 'dense_batch', calls = '300', mode = 'own', ...kArgs] = process.argv.slice(2);
const ks = kArgs.length ? kArgs.map(Number) : [1, 2];
const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || 'unknown';
const server = await startServer({
  root: join(HERE, 'threads-page'),
  mounts: {
    '/kernels-js/': join(HERE, '..', '..', 'kernels', 'js'),
    '/kernels/': join(DIST, 'kernels'),
    '/threads-build/': join(HERE, '..', '..', 'target', 'threads-probe', 'wasm32-unknown-unknown', 'release'),
  },
});
const engine = await launch(engineName);
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]; };
try {
  const page = await engine.newPage();
  await page.goto(`${server.url}/index.html`);
  await page.waitFor(() => typeof globalThis.runThreads === 'function', null, { timeout: 30000, what: 'the threads page' });
  await page.evaluate((a) => {
    globalThis.__threads = null;
    const run = a.mode === 'shared' ? globalThis.runSharedThreads : globalThis.runThreads;
    run(a).then((v) => { globalThis.__threads = { v }; }, (e) => { globalThis.__threads = { e: String(e?.message || e) }; });
    return true;
  }, { mode, moduleUrl: mode === 'shared' ? '/threads-build/sasi_kernels.wasm' : '/kernels/kernels-simd.wasm', kase, ks, calls: Number(calls), warmup: 50 });
  const r = await page.waitFor(() => globalThis.__threads, null, { timeout: 600000, interval: 500, what: 'the probe' });
  if (r.e) throw new Error(r.e);
  const { out, cores, isolated } = r.v;
  // `own` gives (median, p25, p75) per k; `shared` every call's time.
  const stat = (k, p) => (r.v.summary ? out[k][{ 0.5: 0, 0.25: 1, 0.75: 2 }[p]] : q(out[k], p));
  const base = stat(ks[0], 0.5);
  console.log(`${engine.label} · ${cpu} · ${cores} cores · isolated ${isolated} · ${kase} · ${mode === 'shared' ? 'shared memory, threads build' : 'own slice per worker, SIMD module'} · ${calls} calls per k`);
  for (const k of ks) {
    const m = stat(k, 0.5);
    const mem = out[`${k}_memory_mb`] ? ` · shared memory ${out[`${k}_memory_mb`].toFixed(1)} MB` : '';
    console.log(`k = ${k}${mem}: median ${(m * 1e3).toFixed(1)} µs (p25–p75 ${(stat(k, 0.25) * 1e3).toFixed(1)}–${(stat(k, 0.75) * 1e3).toFixed(1)}), ${(base / m).toFixed(2)}× over k = ${ks[0]}`);
  }
} finally {
  await engine.close();
  await server.close();
}
