// block_sums_part (kernels/ABI.md "Parts of the population") in every wasm module: threads that
// each hold the n × width columns of whole agents sum their target agents' entries, and the
// parts joined by columns are block_sums' output bit for bit, in both of its forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RELAXED_OK, loadModule } from './modules.mjs';

const MODULES = ['scalar', 'simd', ...(RELAXED_OK ? ['relaxed'] : [])];

/** n × n weights in [0, 1), every seventh 0 (no synapse), from a fixed xorshift32. */
function weights(n, seed) {
  let x = seed >>> 0 || 1;
  return Float32Array.from({ length: n * n }, (_, k) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return k % 7 === 0 ? 0 : (x >>> 8) / 16777216;
  });
}

/** `len` f32 in module `x`, filled from `init`; re-read views after every alloc. */
function put(x, init) {
  const h = x.sasi_alloc(init.length * 4);
  assert.ok(h, 'allocated');
  new Float32Array(x.memory.buffer, h, init.length).set(init);
  return h;
}

test('block_sums_part: parts of whole agents, joined by columns, are block_sums bit for bit in every module and form', async () => {
  for (const name of MODULES) {
    const x = await loadModule(name);
    for (const form of [0, 1]) {
      assert.equal(x.variant_select(3, form), 0, `${name}: block_sums form ${form}`);
      for (const [n, block] of [[64, 8], [96, 12], [130, 13], [60, 5]]) {
        const a = n / block, w = weights(n, n * 31 + block);
        for (const [srcFirst, srcCount] of [[0, a], [1, a - 2]]) {
          const hw = put(x, w), ho = put(x, new Float32Array(a * a).fill(NaN));
          assert.equal(x.block_sums(hw, n * n, n, block, srcFirst, srcCount, ho, a * a), 0);
          const whole = [...new Uint32Array(x.memory.buffer, ho, a * a)];
          x.sasi_free(hw, n * n * 4); x.sasi_free(ho, a * a * 4);
          for (const parts of [1, 2, 3]) {
            const joined = new Float32Array(a * a).fill(NaN);
            for (let p = 0; p < parts; p++) {
              const first = Math.floor(a * p / parts) * block, width = Math.floor(a * (p + 1) / parts) * block - first;
              const cols = Float32Array.from({ length: n * width }, (_, k) => w[Math.floor(k / width) * n + first + (k % width)]);
              const hc = put(x, cols), hp = put(x, new Float32Array(a * a).fill(NaN));
              assert.equal(x.block_sums_part(hc, n * width, n, first, width, block, srcFirst, srcCount, hp, a * a), 0, `${name} ${first}+${width}`);
              const got = new Float32Array(x.memory.buffer, hp, a * a);
              for (let i = 0; i < a * a; i++) {
                const mine = Math.floor(i / a) >= srcFirst && Math.floor(i / a) < srcFirst + srcCount
                  && i % a >= first / block && i % a < (first + width) / block;
                if (mine) joined[i] = got[i];
                else assert.ok(Number.isNaN(got[i]), `${name} n=${n} part ${first}+${width}: entry ${i} untouched`);
              }
              x.sasi_free(hc, n * width * 4); x.sasi_free(hp, a * a * 4);
            }
            assert.deepEqual([...new Uint32Array(joined.buffer)], whole, `${name} form ${form} n=${n} block=${block} parts=${parts} sources ${srcFirst}+${srcCount}`);
          }
        }
      }
    }
    assert.equal(x.sasi_allocated_bytes(), 0, `${name}: everything freed`);
  }
});

test('block_sums_part refuses a part of an agent, a wrong length or sources past A, writing nothing', async () => {
  const x = await loadModule('scalar');
  const n = 16, hw = put(x, new Float32Array(n * 8).fill(0.1)), ho = put(x, new Float32Array(16).fill(7));
  assert.equal(x.block_sums_part(hw, n * 8, n, 2, 8, 4, 0, 4, ho, 16), -6, 'a start inside an agent is BadArgument');
  assert.equal(x.block_sums_part(hw, n * 6, n, 4, 6, 4, 0, 4, ho, 16), -6, 'a width of part of an agent is BadArgument');
  assert.equal(x.block_sums_part(hw, n * 8, n, 12, 8, 4, 0, 4, ho, 16), -6, 'first + width > n is BadArgument');
  assert.equal(x.block_sums_part(hw, n * 8, n, 8, 8, 4, 3, 2, ho, 16), -6, 'sources past A are BadArgument');
  assert.equal(x.block_sums_part(hw, n * 8 - 1, n, 8, 8, 4, 0, 4, ho, 16), -2, 'w_len ≠ n·width is LengthMismatch');
  assert.equal(x.block_sums_part(hw, n * 8, n, 8, 8, 4, 0, 4, ho, 15), -2, 'out_len ≠ A² is LengthMismatch');
  assert.equal(x.block_sums_part(hw, 0, n, 8, 0, 4, 0, 4, ho, 16), -3, 'width 0 is ZeroSize');
  assert.equal(x.block_sums_part(hw, n * 8, n, 8, 8, 4, 0, 4, hw, 16), -7, 'out inside w is Aliasing');
  assert.ok(new Float32Array(x.memory.buffer, ho, 16).every((v) => v === 7), 'nothing written');
  x.sasi_free(hw, n * 8 * 4); x.sasi_free(ho, 16 * 4);
});
