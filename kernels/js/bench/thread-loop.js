// The synchronisation every thread-scaling worker uses (thread-worker.js; the threads probe's
// shared-memory worker): two control words in a SharedArrayBuffer, ctl[0] the generation
// (negative: stop) and ctl[1] the helpers done with the current one. Helpers `follow`; worker
// 0 `lead`s and times every call: it wakes the others, runs its own slice, and waits for theirs.

/** How long a thread polls a word before it sleeps on it (ms). Waking a sleeping thread took
 *  0.15 ms per step on this VM's 2 vCPUs (a step's spike exchange waited that long for the
 *  other thread's LIF), as long as half a step's work at N = 4096, so threads poll first and
 *  sleep only when nothing comes, as XNNPACK's pthreadpool spins before its futex wait. */
export const SPIN_MS = 0.5;

/** Waits while `arr[i]` is `value`: polls for up to SPIN_MS, then sleeps (Atomics.wait). */
export function waitWhile(arr, i, value) {
  const t0 = performance.now();
  while (Atomics.load(arr, i) === value) {
    if (performance.now() - t0 > SPIN_MS) {
      Atomics.wait(arr, i, value);
      return;
    }
  }
}

/** Runs `run()` once per new generation until told to stop. */
export function follow(ctl, run) {
  let gen = 0;
  for (;;) {
    waitWhile(ctl, 0, gen);
    gen = Atomics.load(ctl, 0);
    if (gen < 0) return;
    run();
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
}

/** Times `calls` calls (after `warmup`) over `parts` threads, this one included; ms each. Stops
 *  the helpers at the end. */
export function lead(ctl, run, parts, calls, warmup) {
  const times = [];
  for (let c = 0; c < warmup + calls; c++) {
    Atomics.store(ctl, 1, 0);
    const t0 = performance.now();
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    run();
    for (let done = Atomics.load(ctl, 1); done < parts - 1; done = Atomics.load(ctl, 1)) waitWhile(ctl, 1, done);
    if (c >= warmup) times.push(performance.now() - t0);
  }
  Atomics.store(ctl, 0, -1);
  Atomics.notify(ctl, 0);
  return times;
}

/**
 * A thread worker's life once its slice is ready: it says `ready`; a helper (`part > 0`)
 * follows; the lead waits for the page's `go` (every helper ready), times the calls and posts
 * them as `{ type: 'times', times }`.
 */
export async function serve(sab, run, { part, parts, calls, warmup, hash }) {
  const ctl = new Int32Array(sab, 0, 2);
  postMessage({ type: 'ready' });
  if (part > 0) {
    follow(ctl, run);
    return;
  }
  await new Promise((resolve) => { onmessage = resolve; });
  const times = lead(ctl, run, parts, calls, warmup);
  postMessage({ type: 'times', times, ...(hash ? { hash: hash() } : {}) });
}

/**
 * The page's side: starts `k` workers from `url`, posts each `messageFor(part, sab)` (`sab`:
 * `sabBytes` shared bytes, the first 8 the control words), waits until all are ready, tells
 * the lead to go, and returns its call times (ms), with the run's `hash` when the lead sends
 * one. The workers are stopped whatever happens.
 */
export async function timeThreads(url, k, messageFor, sabBytes = 8) {
  const sab = new SharedArrayBuffer(Math.max(8, sabBytes));
  const workers = [];
  try {
    await Promise.all(Array.from({ length: k }, (_, part) => new Promise((resolve, reject) => {
      const w = new Worker(url, { type: 'module' });
      workers.push(w);
      w.onmessage = (e) => (e.data.type === 'ready' ? resolve() : reject(new Error(e.data.message)));
      w.onerror = (e) => reject(new Error(e.message || 'thread worker error'));
      w.postMessage(messageFor(part, sab));
    })));
    return await new Promise((resolve, reject) => {
      workers[0].onmessage = (e) => (e.data.type === 'times' ? resolve(e.data.hash === undefined ? e.data.times : Object.assign(e.data.times, { hash: e.data.hash })) : reject(new Error(e.data.message)));
      workers[0].postMessage({ type: 'go' });
    });
  } finally {
    for (const w of workers) w.terminate();
  }
}

/** Where part `part` of `parts` of `n` neurons starts: a multiple of 4 (the drive's lanes,
 *  kernels/ABI.md "Parts of the population"); part `parts` is the end, `n`. */
export const partStart = (n, part, parts) => (part === parts ? n : Math.floor((n * part) / parts / 4) * 4);

/** Bytes of the shared buffer the live step's threads use at `n` over `parts` threads: the two
 *  control words, the arrival count, and for even and odd steps one spike count and `n` spike
 *  slots per part. */
export const liveSabBytes = (n, parts) => 12 + 8 * parts + 8 * parts * n;
