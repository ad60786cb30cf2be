// Allocation failure is an answer, not a trap (kernels/ABI.md, Memory): every tier returns 0 for
// a request it cannot satisfy — an impossible size, or more once its memory is full (a wasm32
// memory stops growing at 4 GiB) — and stays usable: a later alloc, kernel call and free work.
//
// Filling a module's memory touches ~4 GB (the allocator zero-fills), so each tier runs in a
// child process of its own (this file again, with SASI_ALLOC_CHILD=<tier>): the memory is
// returned when the child exits, one tier at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadModule, RELAXED_OK as relaxedOk } from './modules.mjs';

const MAX_ALLOC = 256 * 1024 * 1024;

async function load(tier) {
  if (tier === 'js') {
    const x = await import('../tier/abi.js');
    return { x, view: (h, n) => x.f32(h, n), u32: (h, n) => x.u32(h, n), f64: (h, n) => x.f64(h, n) };
  }
  const x = await loadModule(tier);
  return {
    x,
    view: (h, n) => new Float32Array(x.memory.buffer, h >>> 0, n),
    u32: (h, n) => new Uint32Array(x.memory.buffer, h >>> 0, n),
    f64: (h, n) => new Float64Array(x.memory.buffer, h >>> 0, n),
  };
}

// A 64-node ring for mesh_efficiency, whose BFS needs scratch memory of its own (4 words a row).
const RING = 64, RING_WPR = 4;
function ring(u32, adj) {
  const a = u32(adj, RING * RING_WPR);
  a.fill(0);
  for (let i = 0; i < RING; i++) {
    for (const j of [(i + 1) % RING, (i + RING - 1) % RING]) a[i * RING_WPR + (j >>> 5)] |= 1 << (j & 31);
  }
}

/** Fills the tier's memory, then checks it still works. Runs in the child; returns a report. */
async function exhaust(tier) {
  const { x, view, u32, f64 } = await load(tier);
  // The graph and the output are allocated before the memory fills up. (Handles past 2 GiB
  // come back from wasm as negative i32: the views take them `>>> 0`.)
  const adj = x.sasi_alloc(RING * RING_WPR * 4), out = x.sasi_alloc(8);
  ring(u32, adj);
  const r = { base: x.sasi_allocated_bytes() >>> 0 };
  r.huge = x.sasi_alloc(0xfffffff0);
  r.overCap = x.sasi_alloc(MAX_ALLOC + 16);
  r.gib = [];
  for (let i = 0; i < 8; i++) r.gib.push(x.sasi_alloc(2 ** 30));
  // Cap-sized blocks until refused, then ever smaller ones down to 16 bytes: nothing is left.
  const held = [];
  for (let i = 0; i < 64; i++) {
    const p = x.sasi_alloc(MAX_ALLOC);
    if (!p) break;
    held.push([p, MAX_ALLOC]);
  }
  r.big = held.length;
  r.bigAfterFull = x.sasi_alloc(MAX_ALLOC);
  for (let size = MAX_ALLOC / 2; size >= 16; size /= 2) {
    for (let k = 0; k < 64; k++) {
      const p = x.sasi_alloc(size);
      if (!p) break;
      held.push([p, size]);
    }
  }
  r.blocks = held.length;
  r.small = x.sasi_alloc(64); // what trapped before (the registry's own node allocation)
  r.tiny = x.sasi_alloc(16);
  r.accounted = (x.sasi_allocated_bytes() >>> 0) === r.base + held.reduce((a, [, s]) => a + s, 0);
  r.distinct = new Set(held.map(([p]) => p)).size === held.length;
  // A kernel on a live buffer needs no allocation: it still runs with the memory full.
  const [p0] = held[held.length - 1];
  const last = view(p0, 4);
  last.set([1, -2, 3, -4]);
  r.kernelWhenFull = x.act_apply(1, p0, 4);
  r.kernelWhenFullOut = Array.from(view(p0, 4));
  // A kernel that needs scratch memory answers OutOfMemory (-5) instead of trapping (the JS
  // tier's scratch is a JS array, so it runs).
  r.effWhenFull = x.mesh_efficiency(adj, RING * RING_WPR, RING, RING_WPR, out);
  // Free one big block: the usual round trip works again.
  r.freeBig = x.sasi_free(held[0][0], held[0][1]);
  r.effAfterFree = x.mesh_efficiency(adj, RING * RING_WPR, RING, RING_WPR, out);
  r.effValue = f64(out, 1)[0];
  const h = x.sasi_alloc(64);
  r.allocAfterFree = h;
  if (h) {
    view(h, 4).set([-1, 2, -3, 4]);
    r.kernel = x.act_apply(1, h, 4);
    r.kernelOut = Array.from(view(h, 4));
    r.free = x.sasi_free(h, 64);
  }
  r.freeRest = held.slice(1).map(([p, s]) => x.sasi_free(p, s)).filter((c) => c !== 0);
  r.allocatedAfter = x.sasi_allocated_bytes() >>> 0;
  // The freed memory is reused: as many cap-sized blocks fit again.
  const again = [];
  for (let i = 0; i < 64; i++) {
    const p = x.sasi_alloc(MAX_ALLOC);
    if (!p) break;
    again.push(p);
  }
  r.again = again.length;
  return r;
}

if (process.env.SASI_ALLOC_CHILD) {
  process.stdout.write(JSON.stringify(await exhaust(process.env.SASI_ALLOC_CHILD)));
} else {
  const tiers = ['js', 'scalar', 'simd', ...(relaxedOk ? ['relaxed'] : [])];
  for (const tier of tiers) {
    test(`${tier}: an impossible allocation returns 0 and the tier stays usable`, () => {
      const flags = process.execArgv.filter((a) => a.startsWith('--experimental-wasm'));
      const child = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url)], {
        env: { ...process.env, SASI_ALLOC_CHILD: tier },
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      assert.equal(child.status, 0, `child exited ${child.status} ${child.signal || ''}: ${child.stderr}`);
      const r = JSON.parse(child.stdout);
      assert.equal(r.huge, 0, 'sasi_alloc(0xFFFF_FFF0)');
      assert.equal(r.overCap, 0, 'over the 256 MiB cap');
      assert.deepEqual(r.gib, new Array(8).fill(0), 'repeated 1 GiB requests');
      // 4 GiB of memory holds at most 16 blocks of 256 MiB (the wasm modules' own data takes
      // part of the first); at least a few must have fitted for the test to mean anything.
      assert.ok(r.big >= 4 && r.big <= 16, `cap-sized blocks: ${r.big}`);
      assert.equal(r.bigAfterFull, 0, 'a further 256 MiB once the memory is full');
      assert.equal(r.small, 0, 'sasi_alloc(64) with nothing left returns 0 (no trap)');
      assert.equal(r.tiny, 0, 'sasi_alloc(16) with nothing left');
      assert.ok(r.accounted, 'sasi_allocated_bytes counts exactly the live blocks');
      assert.ok(r.distinct, 'every block has its own address');
      assert.equal(r.kernelWhenFull, 0, 'a kernel on live buffers runs with the memory full');
      assert.deepEqual(r.kernelWhenFullOut, [1, 0, 3, 0]);
      assert.equal(r.effWhenFull, tier === 'js' ? 0 : -5, 'mesh_efficiency with no room for its scratch');
      assert.equal(r.freeBig, 0);
      assert.equal(r.effAfterFree, 0, 'mesh_efficiency runs again once there is room');
      // A ring of 64: distances 1…31 twice and 32 once from every node.
      let sum = 0;
      for (let d = 1; d < 32; d++) sum += 2 / d;
      sum += 1 / 32;
      assert.ok(Math.abs(r.effValue - sum / (RING - 1)) < 1e-9, `ring efficiency ${r.effValue}`);
      assert.ok(r.allocAfterFree > 0, 'alloc works again after a free');
      assert.equal(r.kernel, 0);
      assert.deepEqual(r.kernelOut, [0, 2, 0, 4]);
      assert.equal(r.free, 0);
      assert.deepEqual(r.freeRest, [], 'every block frees');
      assert.equal(r.allocatedAfter, r.base);
      assert.equal(r.again, r.big, 'freed memory is reused');
    });
  }
}
