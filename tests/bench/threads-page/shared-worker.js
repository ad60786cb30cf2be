// One thread of the threads probe's second idea (issue 29: real wasm threads): an instance of
// the kernel module built with atomics and an imported shared memory (see threads-probe.mjs for
// the build), instantiated on the page's one shared `WebAssembly.Memory`, with its own stack
// and thread-local block (allocated for it by the page's instance), computing its rows of
// buffers every thread sees: the case's data exists once. Worker 0 leads and times
// (kernels/js/bench/thread-loop.js).
import { serve } from '/kernels-js/bench/thread-loop.js';

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
    await serve(sab, run, { part, parts, calls, warmup });
  } catch (err) {
    postMessage({ type: 'error', message: String(err?.message || err) });
  }
};
