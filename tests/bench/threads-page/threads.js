// The page side of bench/threads-probe.mjs: one case split over k workers (worker.js), each
// owning its slice in its own instance of the kernel module; worker 0 leads and times every
// call (wake the others, run its own slice, wait for theirs), so the page's thread is free, as
// the live simulation's would be. The same mechanism at k = 1 (the lead alone), so the figures
// compare threads, not protocols. Returns per k the call times (ms).
globalThis.runThreads = async ({ moduleUrl, kase, ks, calls, warmup }) => {
  const out = {};
  for (const k of ks) {
    const sab = new SharedArrayBuffer(8);
    const workers = [];
    await Promise.all(Array.from({ length: k }, (_, part) => new Promise((resolve, reject) => {
      const w = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
      workers.push(w);
      w.onmessage = (e) => (e.data.type === 'ready' ? resolve() : reject(new Error(e.data.message)));
      w.onerror = (e) => reject(new Error(e.message || 'worker error'));
      w.postMessage({ moduleUrl, kase, part, parts: k, sab, calls, warmup });
    })));
    out[k] = await new Promise((resolve, reject) => {
      workers[0].onmessage = (e) => (e.data.type === 'times' ? resolve(e.data.times) : reject(new Error(e.data.message)));
      workers[0].postMessage({ type: 'go' });
    });
    for (const w of workers) w.terminate();
  }
  return { out, cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated };
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
    const sab = new SharedArrayBuffer(8);
    const workers = [];
    await Promise.all(Array.from({ length: k }, (_, part) => new Promise((resolve, reject) => {
      const stack = x.sasi_alloc(STACK) >>> 0;
      const tls = x.sasi_alloc(Math.max(16, x.__tls_size.value)) >>> 0;
      if (!stack || !tls) throw new Error('stack allocation failed');
      const w = new Worker(new URL('shared-worker.js', import.meta.url), { type: 'module' });
      workers.push(w);
      w.onmessage = (e) => (e.data.type === 'ready' ? resolve() : reject(new Error(e.data.message)));
      w.onerror = (e) => reject(new Error(e.message || 'worker error'));
      w.postMessage({ module, memory, stackTop: stack + STACK, tls, jobs: slices[part], part, parts: k, sab, calls, warmup });
    })));
    out[k] = await new Promise((resolve, reject) => {
      workers[0].onmessage = (e) => (e.data.type === 'times' ? resolve(e.data.times) : reject(new Error(e.data.message)));
      workers[0].postMessage({ type: 'go' });
    });
    for (const w of workers) w.terminate();
    out[`${k}_memory_mb`] = memory.buffer.byteLength / 1048576;
  }
  return { out, cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated };
};
