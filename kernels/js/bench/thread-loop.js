// The synchronisation every thread-scaling worker uses (thread-worker.js; the threads probe's
// shared-memory worker): two control words in a SharedArrayBuffer, ctl[0] the generation
// (negative: stop) and ctl[1] the helpers done with the current one. Helpers `follow`; worker
// 0 `lead`s and times every call: it wakes the others, runs its own slice, and waits for theirs.

/** Runs `run()` once per new generation until told to stop. */
export function follow(ctl, run) {
  let gen = 0;
  for (;;) {
    Atomics.wait(ctl, 0, gen);
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
    for (let done = Atomics.load(ctl, 1); done < parts - 1; done = Atomics.load(ctl, 1)) Atomics.wait(ctl, 1, done);
    if (c >= warmup) times.push(performance.now() - t0);
  }
  Atomics.store(ctl, 0, -1);
  Atomics.notify(ctl, 0);
  return times;
}
