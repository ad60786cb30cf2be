// One thread of the threads probe's second idea (issue 29: real wasm threads): an instance of
// the kernel module built with atomics and an imported shared memory (see threads-probe.mjs for
// the build), instantiated on the page's one shared `WebAssembly.Memory`, with its own stack
// and thread-local block (allocated for it by the page's instance), computing its rows of
// buffers every thread sees: the case's data exists once. Worker 0 leads and times, as in
// worker.js.
onmessage = async (e) => {
  const { module, memory, stackTop, tls, jobs, part, parts, sab, calls, warmup } = e.data;
  try {
    const x = (await WebAssembly.instantiate(module, { env: { memory } })).exports;
    // This instance's stack and thread-locals, before any call (its globals start at the
    // linker's values, which are the first instance's).
    x.__stack_pointer.value = stackTop;
    x.__wasm_init_tls(tls);
    const run = () => {
      for (const [name, args] of jobs) {
        const code = x[name](...args);
        if (code < 0) throw new Error(`${name} returned ${code}`);
      }
    };
    run();
    const ctl = new Int32Array(sab);
    postMessage({ type: 'ready' });
    if (part > 0) {
      let gen = 0;
      for (;;) {
        Atomics.wait(ctl, 0, gen);
        gen = Atomics.load(ctl, 0);
        if (gen < 0) break;
        run();
        Atomics.add(ctl, 1, 1);
        Atomics.notify(ctl, 1);
      }
      return;
    }
    await new Promise((resolve) => { onmessage = resolve; });
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
    postMessage({ type: 'times', times });
  } catch (err) {
    postMessage({ type: 'error', message: String(err?.message || err) });
  }
};
