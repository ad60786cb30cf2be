// Summed weight between agents (kernels/src/ops/blocks.rs): out[a*A + b] = Σ_{j∈a} Σ_{i∈b} w[j*n+i],
// row by row, each row reduced block by block in f32, for the source agents a in
// first..first + count only (the rows of W they own; every other row of `out` is left alone).
//
// Eight running sums per block, combined as the SIMD tables combine their two four-lane
// accumulators (`block_sums_lanes`: lanes k and k+4 added, then (0+2) + (1+3)), then the block's
// last `block % 8` weights one by one: the SIMD tiers' bits exactly. One running sum per block
// (the scalar table's order) is a chain of dependent f32 adds, three times slower here (70 vs
// 23 ms for N = 4096 in Node), and the JS tier is the fastest plain JS we can write, not the
// slowest. With fewer than eight weights per block the eight sums stay 0 and this is the
// scalar order, as the Rust lanes version falls back to.
const f = Math.fround;
const { decodeRow, scratch, words } = await import(`./weight.js${new URL(import.meta.url).search}`);

export function blockSums(w, n, block, first, count, out) {
  const agents = n / block;
  out.fill(0, first * agents, (first + count) * agents);
  for (let j = first * block; j < (first + count) * block; j++) {
    addRow(w, j * n, block, agents, out, ((j / block) | 0) * agents);
  }
}

let rowScratch = scratch(0);
/** The same on bfloat16 weights (a Uint16Array), each row decoded exactly first: the bits of
 * blockSums on the decoded weights. */
export function blockSumsBf16(w16, n, block, first, count, out) {
  const agents = n / block;
  if (rowScratch.f32.length < n) rowScratch = scratch(n);
  const { f32: row, u32: rowBits } = rowScratch;
  const w32 = words(w16);
  out.fill(0, first * agents, (first + count) * agents);
  for (let j = first * block; j < (first + count) * block; j++) {
    decodeRow(w16, w32, j * n, n, row, rowBits);
    addRow(row, 0, block, agents, out, ((j / block) | 0) * agents);
  }
}

/** The row of W at `w[o..]`, reduced block by block, added into `out[dst..dst + agents]`. */
function addRow(w, o, block, agents, out, dst) {
  const vectorPart = block - (block % 8);
  for (let b = 0; b < agents; b++) {
    const start = o + b * block;
    const end = start + vectorPart;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    for (let i = start; i < end; i += 8) {
      a0 = f(a0 + w[i]); a1 = f(a1 + w[i + 1]); a2 = f(a2 + w[i + 2]); a3 = f(a3 + w[i + 3]);
      a4 = f(a4 + w[i + 4]); a5 = f(a5 + w[i + 5]); a6 = f(a6 + w[i + 6]); a7 = f(a7 + w[i + 7]);
    }
    let s = f(f(f(a0 + a4) + f(a2 + a6)) + f(f(a1 + a5) + f(a3 + a7)));
    for (let i = end; i < start + block; i++) s = f(s + w[i]);
    out[dst + b] = f(out[dst + b] + s);
  }
}
