// Summed weight between agents (kernels/src/blocks.rs): out[a*A + b] = Σ_{j∈a} Σ_{i∈b} w[j*n+i],
// row by row, each row reduced block by block in f32.
const f = Math.fround;

export function blockSums(w, n, block, out) {
  const agents = n / block;
  out.fill(0);
  for (let j = 0; j < n; j++) {
    const o = j * n;
    const dst = ((j / block) | 0) * agents;
    for (let b = 0; b < agents; b++) {
      let s = 0;
      const start = o + b * block;
      for (let i = 0; i < block; i++) s = f(s + w[start + i]);
      out[dst + b] = f(out[dst + b] + s);
    }
  }
}
