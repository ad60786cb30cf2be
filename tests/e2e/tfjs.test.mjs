// The outside anchor that make bench uses (TensorFlow.js's wasm backend) still loads from local
// files, runs every shared workload on a tiny set and agrees with the f64 reference — so the
// benchmark's tfjs column cannot silently rot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { runTfjsAnchor, runTfjsThreaded } from '../bench/tfjs.mjs';
import { launch } from './engines.mjs';

test('tfjs-wasm anchor: SIMD, one thread, every shared workload agrees', async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const { env, rows, head_to_head: h2h } = await runTfjsAnchor(browser, { set: 'smoke', log: () => {}, headToHead: 2 });
    assert.equal(env.backend, 'wasm');
    assert.equal(env.simd, true, 'the SIMD build of the backend');
    assert.equal(env.threads, 1, 'one thread, like our kernels');
    assert.equal(env.multithread_support, false, 'the single-threaded SIMD build, no worker pool');
    const names = rows.map((r) => `${r.kernel} ${r.size}`);
    assert.deepEqual(names, ['activation_relu 4096', 'activation_sigmoid 4096', 'activation_tanh 4096', 'dense 64x64', 'dense_batch 64x32x32']);
    for (const r of rows) {
      assert.equal(r.error, undefined, `${r.kernel}: ${r.error}`);
      assert.equal(r.agrees, true, `${r.kernel} ${r.size}: max diff ${r.max_diff} > ${r.tolerance}`);
      assert.ok(r.op.median_ns > 0 && r.op_readback.median_ns > 0, `${r.kernel} timed`);
      assert.ok(r.op.p25_ns <= r.op.median_ns && r.op.median_ns <= r.op.p75_ns);
    }
    // The head to head: the workloads both harnesses share at this set (our smoke-sized cases
    // are the quick set's, so the dense ones), every round timed on both sides, each ratio
    // tfjs ÷ ours from the same round.
    assert.deepEqual(h2h.skipped, {}, 'both our SIMD modules load next to tfjs');
    assert.deepEqual(h2h.rows.map((q) => `${q.kernel} ${q.size}`), ['dense 64x64', 'dense_batch 64x32x32']);
    for (const q of h2h.rows) {
      assert.equal(q.tfjs_rounds_ns.length, 2);
      for (const t of ['simd', 'relaxed']) {
        const v = q.tiers[t];
        assert.equal(v.rounds_ns.length, 2, `${q.kernel} ${t}: one timing per round`);
        v.ratios.forEach((r, i) => assert.ok(Math.abs(r - q.tfjs_rounds_ns[i] / v.rounds_ns[i]) < 1e-9 && r > 0, `${q.kernel} ${t} round ${i}`));
        assert.ok(v.ratio_min <= v.ratio_median && v.ratio_median <= v.ratio_max);
      }
    }
  } finally {
    await browser.close();
  }
});

// Issue 29 part 4: tfjs's threaded SIMD build (setThreadsCount(k)) against our SIMD module over
// k workers that own their slice, timed alike; the count tfjs actually runs is reported (on a
// 2-core VM its pool may keep one thread whatever is asked), never assumed.
test('threaded head to head: tfjs-wasm threaded and our workers at k = 2, both sides timed, the count tfjs uses reported', async () => {
  const engine = await launch('chromium');
  try {
    const { by_k: byK } = await runTfjsThreaded(engine, [2], { rounds: 1, calls: 20, warmup: 5, log: () => {} });
    const r = byK[2];
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.env.backend, 'wasm');
    assert.equal(r.env.multithread_support, true, 'isolated, tfjs loads its threaded build');
    assert.equal(r.env.threads_asked, 2);
    assert.ok(Number.isInteger(r.env.threads_used) && r.env.threads_used >= 1, `threads used: ${r.env.threads_used}`);
    console.log(`# tfjs threads: asked 2, uses ${r.env.threads_used}`);
    assert.deepEqual(r.rows.map((q) => `${q.kernel} ${q.size}`), ['dense 2048x2048', 'dense_batch 2048x64x64', 'activation_relu 1048576']);
    for (const q of r.rows) {
      assert.ok(q.tfjs_median_ns > 0 && q.ours_median_ns > 0, JSON.stringify(q));
      assert.ok(Math.abs(q.ratios[0] - q.tfjs_rounds_ns[0] / q.ours_rounds_ns[0]) < 1e-9);
    }
  } finally {
    await engine.close();
  }
});
