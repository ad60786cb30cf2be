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
