// Global efficiency by bit-parallel BFS on Uint32Array words: the algorithm of
// kernels/src/ops/efficiency.rs (rows of wordsPerRow(n) = 4·ceil(n/128) words). Counts per
// distance are integers and the sum Σ count[d]/d is formed in ascending d, so the result
// equals the wasm tiers' f64 exactly.
export const wordsPerRow = (n) => 4 * Math.ceil(n / 128);

function popcount(x) {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Returns E, or null when padding bits are set (not a valid matrix). */
export function meshEfficiency(adj, n, wpr) {
  const used = Math.ceil(n / 32);
  for (let i = 0; i < n; i++) {
    const o = i * wpr;
    if (n % 32 !== 0 && (adj[o + used - 1] >>> (n % 32)) !== 0) return null;
    for (let k = used; k < wpr; k++) if (adj[o + k] !== 0) return null;
  }
  if (n < 2) return 0;
  const counts = new Float64Array(n + 1);
  let visited = new Uint32Array(wpr), frontier = new Uint32Array(wpr), next = new Uint32Array(wpr);
  for (let s = 0; s < n; s++) {
    visited.fill(0);
    frontier.fill(0);
    visited[s >>> 5] |= 1 << (s & 31);
    frontier[s >>> 5] |= 1 << (s & 31);
    let d = 0;
    for (;;) {
      next.fill(0);
      for (let wi = 0; wi < wpr; wi++) {
        let bits = frontier[wi];
        while (bits !== 0) {
          const low = bits & -bits;
          const u = wi * 32 + (31 - Math.clz32(low));
          bits ^= low;
          const o = u * wpr;
          for (let k = 0; k < wpr; k++) next[k] |= adj[o + k];
        }
      }
      let found = 0;
      for (let k = 0; k < wpr; k++) {
        const x = next[k] & ~visited[k];
        next[k] = x;
        visited[k] |= x;
        found += popcount(x);
      }
      if (found === 0) break;
      d++;
      counts[d] += found;
      const t = frontier; frontier = next; next = t;
    }
  }
  let sum = 0;
  for (let d = 1; d <= n; d++) sum += counts[d] / d;
  return sum / (n * (n - 1));
}
