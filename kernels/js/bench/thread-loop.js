// The synchronisation every thread-scaling worker uses (thread-worker.js; the threads probe's
// shared-memory worker): two control words in a SharedArrayBuffer, ctl[0] the generation
// (negative: stop) and ctl[1] the helpers done with the current one. Helpers `follow`; worker
// 0 `lead`s and times every call: it wakes the others, runs its own slice, and waits for theirs.

/** How long a thread polls a word before it sleeps on it (ms). Waking a sleeping thread took
 *  0.15 ms per step on this VM's 2 vCPUs (a step's spike exchange waited that long for the
 *  other thread's LIF), as long as half a step's work at N = 4096, so threads poll first and
 *  sleep only when nothing comes, as XNNPACK's pthreadpool spins before its futex wait. */
export const SPIN_MS = 0.5;

/** How long one sleep in `waitWhile` lasts at most (ms): a sleeping thread wakes this often
 *  even when nothing notifies it, so a `terminate()` from its parent never waits on a thread
 *  asleep for good. */
export const SLEEP_SLICE_MS = 50;

/** Waits while `arr[i]` is `value`: polls for up to SPIN_MS, then sleeps (Atomics.wait) in
 *  slices of SLEEP_SLICE_MS. Returns once the word has changed. */
export function waitWhile(arr, i, value) {
  const t0 = performance.now();
  while (Atomics.load(arr, i) === value) {
    if (performance.now() - t0 > SPIN_MS) Atomics.wait(arr, i, value, SLEEP_SLICE_MS);
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

/** Times `once()`: `warmup` calls, then `calls` samples of `k` calls each, `k` sized from the
 *  warm-up so a sample spans at least `minSampleMs` (the harness's rule, bench.js `measure`: a
 *  call shorter than a few hundred timer ticks would read as whole ticks); without a warm-up
 *  `k` is 1. Returns ms per call per sample, with `k` as `callsPerSample`. The one rule for
 *  the thread workers' lead and for what the threaded head to head compares them with. */
export function timeSamples(once, calls, warmup, minSampleMs = 0) {
  const t0 = performance.now();
  for (let c = 0; c < warmup; c++) once();
  const per = warmup > 0 ? (performance.now() - t0) / warmup : 0;
  const k = per > 0 ? Math.min(1 << 16, Math.max(1, Math.ceil(minSampleMs / per))) : 1;
  const times = [];
  for (let c = 0; c < calls; c++) {
    const t = performance.now();
    for (let j = 0; j < k; j++) once();
    times.push((performance.now() - t) / k);
  }
  return Object.assign(times, { callsPerSample: k });
}

/** The lead's `timeSamples` over `parts` threads, this one included: a call wakes the others,
 *  runs its own slice and waits for theirs. Stops the helpers at the end. */
export function lead(ctl, run, parts, calls, warmup, minSampleMs = 0) {
  const once = () => {
    Atomics.store(ctl, 1, 0);
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    run();
    for (let done = Atomics.load(ctl, 1); done < parts - 1; done = Atomics.load(ctl, 1)) waitWhile(ctl, 1, done);
  };
  const times = timeSamples(once, calls, warmup, minSampleMs);
  Atomics.store(ctl, 0, -1);
  Atomics.notify(ctl, 0);
  return times;
}

/**
 * A thread worker's life once its slice is ready: it says `ready` (with its module's memory
 * size, `memoryBytes`); a helper (`part > 0`)
 * follows; the lead waits for the page's `go` (every helper ready), times the calls and posts
 * them as `{ type: 'times', times, callsPerSample, ...report() }` (`report`: what the run
 * counted besides its time, such as the live step's spike hash).
 */
export async function serve(sab, run, { part, parts, calls, warmup, report = () => ({}), minSampleMs = 0, memoryBytes = 0 }) {
  const ctl = new Int32Array(sab, 0, 2);
  postMessage({ type: 'ready', memoryBytes });
  if (part > 0) {
    follow(ctl, run);
    return;
  }
  await new Promise((resolve) => { onmessage = resolve; });
  const times = lead(ctl, run, parts, calls, warmup, minSampleMs);
  postMessage({ type: 'times', times: [...times], callsPerSample: times.callsPerSample, ...report() });
}

/** How long one measurement at k threads may take, start to last call, before it is given up
 *  (ms): a thread that dies or hangs after `ready` would otherwise leave the others waiting on
 *  their shared words for ever. */
export const THREADS_TIMEOUT_MS = 120_000;

/**
 * The page's side: starts `k` workers from `url`, posts each `messageFor(part, sab)` (`sab`:
 * `sabBytes` shared bytes, the first 8 the control words), waits until all are ready, tells
 * the lead to go, and returns its per-call times (ms), with `callsPerSample`, `memoryBytes`
 * (the threads' wasm memories once set up, summed) and the run's `hash` when the lead sends
 * one. Any worker's error, before or after `ready`, or `timeoutMs` without the times, rejects
 * with the reason. The workers are stopped whatever happens.
 */
export async function timeThreads(url, k, messageFor, sabBytes = 8, { timeoutMs = THREADS_TIMEOUT_MS } = {}) {
  const sab = new SharedArrayBuffer(Math.max(8, sabBytes));
  const workers = [];
  let timer, ready = 0, memoryBytes = 0, onReady, onTimes;
  const allReady = new Promise((resolve) => { onReady = resolve; });
  const times = new Promise((resolve) => { onTimes = resolve; });
  const failed = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${k} thread(s) did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    for (let part = 0; part < k; part++) {
      const w = new Worker(url, { type: 'module' });
      workers.push(w);
      w.onmessage = (e) => {
        const m = e.data;
        if (m.type === 'ready') {
          memoryBytes += m.memoryBytes ?? 0;
          if (++ready === k) onReady();
        }
        else if (m.type === 'times' && part === 0) {
          const { type, times, callsPerSample = 1, ...counted } = m;
          onTimes(Object.assign(times, { callsPerSample, memoryBytes }, counted));
        }
        else if (m.type === 'error') reject(new Error(`thread ${part}: ${m.message}`));
      };
      w.onerror = (e) => reject(new Error(`thread ${part}: ${e.message || 'worker error'}`));
      w.postMessage(messageFor(part, sab));
    }
  });
  failed.catch(() => {}); // seen through the races below; never unhandled
  try {
    await Promise.race([allReady, failed]);
    workers[0].postMessage({ type: 'go' });
    return await Promise.race([times, failed]);
  } finally {
    clearTimeout(timer);
    for (const w of workers) w.terminate();
  }
}

/** Where part `part` of `parts` of `n` neurons starts: a multiple of 4 (the drive's lanes,
 *  kernels/ABI.md "Parts of the population"); part `parts` is the end, `n`. */
export const partStart = (n, part, parts) => (part === parts ? n : Math.floor((n * part) / parts / 4) * 4);

/** The most spikes of `joined` (ascending within each part, the parts in order) in any one
 *  of `parts` parts of `n` (`partStart`). */
export function busiestPart(joined, n, parts) {
  let most = 0, p = 0, inPart = 0;
  for (const j of joined) {
    while (j >= partStart(n, p + 1, parts)) {
      p++;
      inPart = 0;
    }
    most = Math.max(most, ++inPart);
  }
  return most;
}
