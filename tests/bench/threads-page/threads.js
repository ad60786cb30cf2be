// The page side of bench/threads-probe.mjs. `runThreads`: the first idea through the bench's
// own thread scaling (kernels/js/bench/threads.js); `runSharedThreads`: the second idea, real
// wasm threads on one shared memory (shared-worker.js). Worker 0 leads and times in both.
globalThis.runThreads = async ({ moduleUrl, kase, ks, calls, warmup }) => {
  const { threadScaling } = await import('/kernels-js/bench/threads.js');
  const r = await threadScaling({ moduleUrl, cases: [kase], maxThreads: Math.max(...ks), calls, warmup });
  if (r.error) throw new Error(r.error);
  const out = {};
  for (const [k, v] of Object.entries(r.cases[0].by_k)) out[k] = [v.median_ns / 1e6, v.p25_ns / 1e6, v.p75_ns / 1e6];
  return { out, cores: r.threads_available, isolated: r.isolated, summary: true };
};

/**
 * The second idea: one shared memory, the case's data once, every thread an instance of the
 * threads build of the kernel module on it. The page's own instance allocates the data, and a
 * stack and thread-local block per thread, then hands each worker its rows as pointers.
 */
globalThis.runSharedThreads = async ({ moduleUrl, kase, ks, calls, warmup }) => {
  const { uniform } = await import('/kernels-js/bench/bench.js');
  const module = await WebAssembly.compileStreaming(fetch(moduleUrl));
  const out = {};
  for (const k of ks) {
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 16384, shared: true });
    const x = (await WebAssembly.instantiate(module, { env: { memory } })).exports;
    const put = (f32) => {
      const h = x.sasi_alloc(f32.length * 4) >>> 0;
      if (!h) throw new Error('allocation failed');
      new Float32Array(memory.buffer, h, f32.length).set(f32);
      return h;
    };
    const slices = [];
    if (kase === 'dense_batch') {
      const m = 64, n = 64, batch = 2048;
      const w = put(uniform(1, m * n, -1, 1)), b = put(uniform(3, m, -0.5, 0.5));
      const xs = put(uniform(2, batch * n, -1, 1)), ys = put(new Float32Array(batch * m));
      for (let p = 0; p < k; p++) {
        const lo = Math.floor((batch * p) / k), hi = Math.floor((batch * (p + 1)) / k), rows = hi - lo;
        slices.push([['dense_batch_forward', [w, m * n, xs + 4 * lo * n, rows * n, b, m, ys + 4 * lo * m, rows * m, m, n, rows, 0]]]);
      }
    } else if (kase === 'matvec') {
      const m = 2048, n = 2048;
      const w = put(uniform(1, m * n, -1, 1)), v = put(uniform(2, n, -1, 1)), b = put(uniform(3, m, -0.5, 0.5)), y = put(new Float32Array(m));
      for (let p = 0; p < k; p++) {
        const lo = Math.floor((m * p) / k), hi = Math.floor((m * (p + 1)) / k), rows = hi - lo;
        slices.push([['dense_forward', [w + 4 * lo * n, rows * n, v, n, b + 4 * lo, rows, y + 4 * lo, rows, rows, n, 0]]]);
      }
    } else throw new Error(`unknown case ${kase}`);
    const STACK = 1 << 20;
    // Every thread's stack and thread-local block, from the page's instance, before any starts.
    const own = slices.map(() => {
      const stack = x.sasi_alloc(STACK) >>> 0;
      const tls = x.sasi_alloc(Math.max(16, x.__tls_size.value)) >>> 0;
      if (!stack || !tls) throw new Error('stack allocation failed');
      return { stackTop: stack + STACK, tls };
    });
    const { timeThreads } = await import('/kernels-js/bench/thread-loop.js');
    out[k] = await timeThreads(new URL('shared-worker.js', import.meta.url), k, (part, sab) => ({
      module, memory, ...own[part], jobs: slices[part], part, parts: k, sab, calls, warmup,
    }));
    out[`${k}_memory_mb`] = memory.buffer.byteLength / 1048576;
  }
  return { out, cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated };
};
