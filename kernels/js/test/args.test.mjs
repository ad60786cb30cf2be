// The JS tier refuses integer arguments a wasm u32 cannot hold (kernels/ABI.md, Errors): every
// handle, length, size, count, kind and seed of every export, given 1.5, -1, NaN, ±Infinity,
// 2**40 or a string, returns BadHandle (a handle) or BadArgument (anything else) and writes
// nothing — instead of truncating or throwing. Values a u32 can hold but the kernel cannot
// take (0, 4097, 2**31, 2**32-1) give the JS tier exactly the code the wasm scalar module
// returns for the same call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import * as js from '../tier/abi.js';
import { loadModule } from './modules.mjs';

const E = js.ERRORS;
// The signatures come from the one table of exports (kernels/src/exports.rs), which the
// js_vectors example writes into js-vectors.json: per argument `h` a handle, `u` another u32,
// `f` a float.
const vectors = process.env.SASI_JS_VECTORS || new URL('../../../target/js-vectors.json', import.meta.url).pathname;
if (!existsSync(vectors)) throw new Error(`${vectors} is missing: run \`cargo run -p sasi-kernels --example js_vectors -- ${vectors}\``);
// The JS tier's exports: every one of the table but the wasm-only model set-up.
const SIG = Object.fromEntries(JSON.parse(readFileSync(vectors, 'utf8')).abi.exports.filter((e) => !e.wasm_only).map((e) => [e.name, e.sig]));
/** Exports that answer a value, not a code, for what is not a u32 (the third test). */
const VALUE_EXPORTS = ['sasi_alloc', 'mesh_words_per_row'];
const loadScalar = () => loadModule('scalar');

/** Typed views on a tier's buffers: the JS tier's own, or the wasm module's memory. */
function viewsOf(x) {
  if (x === js) return { f32: (h, n) => js.f32(h, n), u32: (h, n) => js.u32(h, n), u16: (h, n) => js.u16(h, n) };
  return { f32: (h, n) => new Float32Array(x.memory.buffer, h, n), u32: (h, n) => new Uint32Array(x.memory.buffer, h, n), u16: (h, n) => new Uint16Array(x.memory.buffer, h, n) };
}

/**
 * One valid call of every export that takes integers, with its signature from the table.
 * Fresh buffers each time, so each call starts clean.
 */
function validCalls(x) {
  const v = viewsOf(x);
  const f = (vals) => {
    const h = x.sasi_alloc(vals.length * 4);
    v.f32(h, vals.length).set(vals);
    return h;
  };
  const u = (vals) => {
    const h = x.sasi_alloc(vals.length * 4);
    v.u32(h, vals.length).set(vals);
    return h;
  };
  const w16 = () => f(Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? 0 : 0.1)));
  // The same 4 × 4 weights stored as bfloat16 (0x3dcd ≈ 0.1).
  const bf16W = () => {
    const h = x.sasi_alloc(32);
    v.u16(h, 16).set(Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? 0 : 0x3dcd)));
    return h;
  };
  const lifP = f([1, 20, 0, 0, 1, 2, 0.9, 0.1, 0.5]);
  const stdpP = f([0.01, 0.01, 1, 0.001, 0]);
  const adj = u([0b10, 0, 0, 0, 0b01, 0, 0, 0]);
  const eff = x.sasi_alloc(8);
  const freeMe = x.sasi_alloc(64);
  const calls = {
    sasi_free: [freeMe, 64],
    rng_fill_uniform: [7, f([0, 0, 0, 0]), 4, 0, 1],
    act_apply: [1, f([1, -2, 3, -4]), 4],
    dense_forward: [f([1, 2, 3, 4, 5, 6]), 6, f([1, 1, 1]), 3, f([0, 1]), 2, f([9, 9]), 2, 2, 3, 0],
    dense_batch_forward: [f([1, 2, 3, 4, 5, 6]), 6, f([1, 1, 1, 2, 2, 2]), 6, f([0, 1]), 2, f([9, 9, 9, 9]), 4, 2, 3, 2, 3],
    lif_step: [lifP, 9, f([0, 0, 0, 0]), f([0, 0, 0, 0]), f([0, 0, 0, 0]), f([0, 0, 0, 0]), 4, w16(), 16, u([1]), 1, u([1, 2, 3, 4]), u([0, 0, 0, 0]), 4],
    stdp_update: [w16(), 16, 4, f([0.5, 0.5, 0.5, 0.5]), 4, u([1]), 1, stdpP, 5],
    mesh_efficiency: [adj, 8, 2, 4, eff],
    block_sums: [w16(), 16, 4, 2, 0, 2, f([0, 0, 0, 0]), 4],
    dense_forward_bf16: [bf16W(), 16, f([1, 1, 1, 1]), 4, f([0, 1, 0, 1]), 4, f([9, 9, 9, 9]), 4, 4, 4, 0],
    lif_step_bf16: [lifP, 9, f([0, 0, 0, 0]), f([0, 0, 0, 0]), f([0, 0, 0, 0]), f([0, 0, 0, 0]), 4, bf16W(), 16, u([1]), 1, u([1, 2, 3, 4]), u([0, 0, 0, 0]), 4],
    stdp_update_bf16: [bf16W(), 16, 4, f([0.5, 0.5, 0.5, 0.5]), 4, u([1]), 1, stdpP, 5],
    block_sums_bf16: [bf16W(), 16, 4, 2, 0, 2, f([0, 0, 0, 0]), 4],
    weights_to_bf16: [f([0.1, 0.25, 0, 1]), 4, bf16W()],
    probe_read: [f([1, 2, 3, 4]), 4, f([0])],
    probe_mul_add: [3, 0.5, 1, f(Array.from({ length: 48 }, (_, k) => k))],
  };
  return Object.fromEntries(Object.entries(calls).map(([name, a]) => [name, [SIG[name], a]]));
}

/** Every buffer of a call, as bytes, to check that a refused call wrote nothing. */
function snapshot(x, sig, args) {
  const v = viewsOf(x);
  return [...sig].map((k, i) => (k === 'h' ? Array.from(v.u32(args[i], 1)) : null));
}

const NOT_U32 = [1.5, -1, NaN, Infinity, -Infinity, 2 ** 40, 2 ** 32, -0.5, '3', undefined, null];

test('the calls below cover every export of the table that takes an integer, with its arguments', () => {
  const calls = validCalls(js);
  const want = Object.keys(SIG).filter((name) => /[hu]/.test(SIG[name]) && !VALUE_EXPORTS.includes(name));
  assert.deepEqual(Object.keys(calls).sort(), want.sort());
  for (const [name, [sig, args]] of Object.entries(calls)) assert.equal(args.length, sig.length, name);
});

test('every export refuses integers a u32 cannot hold, with the documented code', () => {
  const calls = validCalls(js);
  for (const [name, [sig, args]] of Object.entries(calls)) {
    for (let i = 0; i < sig.length; i++) {
      if (sig[i] === 'f') continue;
      const want = name === 'sasi_free' || sig[i] === 'h' ? E.BadHandle : E.BadArgument;
      for (const bad of NOT_U32) {
        const a = [...args];
        a[i] = bad;
        const before = snapshot(js, sig, args);
        let got;
        assert.doesNotThrow(() => { got = js[name](...a); }, `${name} arg ${i} = ${String(bad)}`);
        assert.equal(got, want, `${name} argument ${i} = ${String(bad)}`);
        assert.deepEqual(snapshot(js, sig, args), before, `${name} arg ${i} = ${String(bad)} wrote nothing`);
      }
    }
  }
});

test('the valid calls succeed, and a bad size or kind does not silently do nothing', () => {
  for (const [name, [, args]] of Object.entries(validCalls(js))) {
    assert.ok(js[name](...args) >= 0, `${name} with valid arguments`);
  }
  const c = validCalls(js).act_apply[1];
  assert.equal(js.act_apply(2.5, c[1], 4), E.BadArgument, 'the issue: act_apply(2.5, …) used to succeed');
  assert.deepEqual(Array.from(js.f32(c[1], 4)), [1, -2, 3, -4], 'untouched');
});

test('sasi_alloc and mesh_words_per_row refuse what is not a u32', () => {
  for (const bad of [...NOT_U32, 0, js.MAX_ALLOC + 1, 0xfffffff0]) {
    assert.equal(js.sasi_alloc(bad), 0, `sasi_alloc(${String(bad)})`);
  }
  const h = js.sasi_alloc(js.MAX_ALLOC);
  assert.ok(h > 0, 'the cap itself is granted');
  assert.equal(js.sasi_free(h, js.MAX_ALLOC), 0);
  for (const bad of NOT_U32) assert.equal(js.mesh_words_per_row(bad), 0, `mesh_words_per_row(${String(bad)})`);
  assert.equal(js.mesh_words_per_row(129), 8);
});

test('u32 values out of the kernel\'s range: the JS tier returns what the wasm scalar module returns', async () => {
  const wasm = await loadScalar();
  const OUT_OF_RANGE = [0, 4097, 2 ** 31, 2 ** 32 - 1];
  const BAD_HANDLES = [0, 2 ** 31, 2 ** 32 - 1];
  const jsCalls = validCalls(js);
  const wasmCalls = validCalls(wasm);
  const differ = [];
  for (const [name, [sig, jsArgs]] of Object.entries(jsCalls)) {
    const wasmArgs = wasmCalls[name][1];
    for (let i = 0; i < sig.length; i++) {
      if (sig[i] === 'f') continue;
      // A JS handle is a small integer (4097 may be live), a wasm one a byte address: only
      // values that are no handle in either tier are compared for handles.
      for (const bad of sig[i] === 'h' ? BAD_HANDLES : OUT_OF_RANGE) {
        // A fresh valid call each time: the same call in both tiers, one argument replaced.
        const ja = [...validCalls(js)[name][1]];
        const wa = [...validCalls(wasm)[name][1]];
        ja[i] = bad;
        wa[i] = bad;
        const got = js[name](...ja);
        const want = wasm[name](...wa);
        // Success counts (spikes, pruned synapses) may differ in value; the sign must not.
        if (got !== want && !(got >= 0 && want >= 0)) differ.push(`${name} arg ${i} = ${bad}: js ${got}, wasm ${want}`);
      }
    }
    assert.ok(jsArgs.length === wasmArgs.length);
  }
  assert.deepEqual(differ, []);
});
