// The JS tier's ABI: same error codes as the wasm modules, checked before anything is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as x from '../tier/abi.js';

const E = x.ERRORS;
const buf = (floats) => {
  const h = x.sasi_alloc(floats.length * 4);
  x.f32(h, floats.length).set(floats);
  return h;
};

test('alloc and free', () => {
  assert.equal(x.sasi_alloc(0), 0);
  assert.equal(x.sasi_alloc(300 * 1024 * 1024), 0, 'over the 256 MiB cap');
  const before = x.allocated_bytes();
  const h = x.sasi_alloc(64);
  assert.ok(h > 0);
  assert.equal(x.allocated_bytes(), before + 64);
  assert.deepEqual(Array.from(x.f32(h, 16)), new Array(16).fill(0), 'zero-filled');
  assert.equal(x.sasi_free(h, 32), E.BadHandle, 'wrong size');
  assert.equal(x.sasi_free(h, 64), 0);
  assert.equal(x.sasi_free(h, 64), E.BadHandle, 'double free');
  assert.equal(x.allocated_bytes(), before);
  assert.throws(() => x.f32(h, 1), /kernel error -1/);
  assert.equal(x.sasi_tier(), 3);
});

test('activation: bad kind, bad handle, too long, empty', () => {
  const h = buf([1, -1, 2]);
  assert.equal(x.act_apply(6, h, 3), E.BadArgument);
  assert.equal(x.act_apply(1, 999999, 3), E.BadHandle);
  assert.equal(x.act_apply(1, h, 4), E.BadHandle, 'longer than the buffer');
  assert.deepEqual(Array.from(x.f32(h, 3)), [1, -1, 2], 'untouched');
  assert.equal(x.act_apply(1, 0, 0), 0, 'empty is a no-op');
  assert.equal(x.act_apply(1, h, 3), 0);
  assert.deepEqual(Array.from(x.f32(h, 3)), [1, 0, 2]);
});

test('dense: mismatched lengths, zero and oversize shapes, aliasing', () => {
  const w = buf([1, 2, 3, 4, 5, 6]), xv = buf([1, 1, 1]), b = buf([0, 1]), y = buf([9, 9]);
  assert.equal(x.dense_forward(w, 6, xv, 3, b, 2, y, 2, 2, 3, 0), 0);
  assert.deepEqual(Array.from(x.f32(y, 2)), [6, 16]);
  x.f32(y, 2).set([9, 9]);
  assert.equal(x.dense_forward(w, 6, xv, 2, b, 2, y, 2, 2, 3, 0), E.LengthMismatch);
  assert.equal(x.dense_forward(w, 6, xv, 3, b, 2, y, 2, 0, 3, 0), E.ZeroSize);
  assert.equal(x.dense_forward(w, 6, xv, 3, b, 2, y, 2, 8193, 3, 0), E.TooLarge);
  assert.equal(x.dense_forward(w, 6, xv, 3, b, 2, w, 2, 2, 3, 0), E.Aliasing);
  assert.equal(x.dense_forward(w, 6, xv, 3, b, 2, y, 2, 2, 3, 7), E.BadArgument);
  assert.deepEqual(Array.from(x.f32(y, 2)), [9, 9], 'nothing written on error');
});

test('lif_step and stdp_update validate indices and params', () => {
  const n = 4;
  const P = buf([1, 20, 0, 0, 1, 2, 0.9, 0.1, 0.5]);
  const v = buf([0, 0, 0, 0]), r = buf([0, 0, 0, 0]), t = buf([0, 0, 0, 0]), s = buf([0, 0, 0, 0]);
  const w = buf(new Array(16).fill(0.1));
  const prev = x.sasi_alloc(8);
  x.u32(prev, 2).set([1, 4]);
  const rng = x.sasi_alloc(16);
  x.u32(rng, 4).set([1, 2, 3, 4]);
  const out = x.sasi_alloc(16);
  assert.equal(x.lif_step(P, 9, v, r, t, s, n, w, 16, prev, 2, rng, out, 4), E.BadArgument, 'index 4 ≥ n');
  assert.equal(x.lif_step(P, 8, v, r, t, s, n, w, 16, prev, 1, rng, out, 4), E.LengthMismatch);
  assert.equal(x.lif_step(P, 9, v, v, t, s, n, w, 16, prev, 1, rng, out, 4), E.Aliasing);
  assert.ok(x.lif_step(P, 9, v, r, t, s, n, w, 16, prev, 1, rng, out, 4) >= 0);
  const nanV = buf([NaN, 0, 0, 0]);
  assert.equal(x.lif_step(P, 9, nanV, r, t, s, n, w, 16, prev, 0, rng, out, 4), E.NonFinite);
  const SP = buf([0.1, 0.1, 1, 0, 0]);
  assert.equal(x.stdp_update(w, 16, n, t, 4, prev, 2, SP, 5), E.BadArgument);
  assert.equal(x.stdp_update(w, 15, n, t, 4, prev, 1, SP, 5), E.LengthMismatch);
  const badP = buf([0.1, -1, 1, 0, 0]);
  assert.equal(x.stdp_update(w, 16, n, t, 4, prev, 1, badP, 5), E.BadArgument);
  assert.ok(x.stdp_update(w, 16, n, t, 4, prev, 1, SP, 5) >= 0);
});

test('mesh_efficiency and block_sums shapes', () => {
  const adj = x.sasi_alloc(2 * 4 * 4);
  x.u32(adj, 8).set([0b10, 0, 0, 0, 0b01, 0, 0, 0]);
  const out = x.sasi_alloc(8);
  assert.equal(x.mesh_efficiency(adj, 8, 2, 4, out), 0);
  assert.equal(x.f64(out, 1)[0], 1);
  assert.equal(x.mesh_efficiency(adj, 8, 2, 3, out), E.LengthMismatch);
  x.u32(adj, 8)[0] = 0b110;
  assert.equal(x.mesh_efficiency(adj, 8, 2, 4, out), E.BadArgument, 'padding bit set');
  const w = buf(new Array(16).fill(1)), o = buf([0, 0, 0, 0]);
  assert.equal(x.block_sums(w, 16, 4, 3, 0, 1, o, 4), E.BadArgument, '4 % 3');
  assert.equal(x.block_sums(w, 16, 4, 2, 1, 2, o, 4), E.BadArgument, 'source agents past A');
  assert.equal(x.block_sums(w, 16, 4, 2, 0, 2, o, 4), 0);
  assert.deepEqual(Array.from(x.f32(o, 4)), [4, 4, 4, 4]);
});
