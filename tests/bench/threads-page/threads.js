// The page side of bench/threads-probe.mjs: one case split over k workers (worker.js), each
// call one generation: the page bumps the generation and wakes them, every worker runs its
// slice, the page spins until all k are done (the page may not Atomics.wait; spinning on it is
// what a frame that needs the result would do). The same mechanism at k = 1, so the figures
// compare threads, not protocols. Returns per k the call times (ms).
globalThis.runThreads = async ({ moduleUrl, kase, ks, calls, warmup }) => {
  const out = {};
  for (const k of ks) {
    const sab = new SharedArrayBuffer(8);
    const ctl = new Int32Array(sab);
    const workers = [];
    await Promise.all(Array.from({ length: k }, (_, part) => new Promise((resolve, reject) => {
      const w = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
      workers.push(w);
      w.onmessage = (e) => (e.data.type === 'ready' ? resolve() : reject(new Error(e.data.message)));
      w.onerror = (e) => reject(new Error(e.message || 'worker error'));
      w.postMessage({ moduleUrl, kase, part, parts: k, sab });
    })));
    const times = [];
    for (let c = 0; c < warmup + calls; c++) {
      Atomics.store(ctl, 1, 0);
      const t0 = performance.now();
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      while (Atomics.load(ctl, 1) < k) { /* spin: the frame waits for its result */ }
      if (c >= warmup) times.push(performance.now() - t0);
      // Let the workers settle back into their wait, as between two frames.
      if (c % 16 === 15) await new Promise((r) => setTimeout(r, 0));
    }
    Atomics.store(ctl, 0, -1);
    Atomics.notify(ctl, 0);
    for (const w of workers) w.terminate();
    out[k] = times;
  }
  return { out, cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated };
};
