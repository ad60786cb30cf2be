// The JS tier's ceiling probes (kernels/ABI.md "Ceiling probes", kernels/src/ops/probe.rs): the
// same sums in the same order as the wasm modules, each operation rounded to f32.
const F = Math.fround;

/** `Σ x` in the wasm tiers' order: 32 lane accumulators, a fixed tree, then the tail. */
export function probeRead(x) {
  const len = x.length;
  const acc = new Float32Array(32);
  const end = len - (len % 32);
  for (let i = 0; i < end; i += 32) for (let j = 0; j < 32; j++) acc[j] += x[i + j];
  // Vector k lane l is acc[4k + l]: ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7)) per lane.
  const lane = (l) => {
    const v = (k) => acc[4 * k + l];
    return F(F(F(v(0) + v(1)) + F(v(2) + v(3))) + F(F(v(4) + v(5)) + F(v(6) + v(7))));
  };
  let s = F(F(lane(0) + lane(2)) + F(lane(1) + lane(3)));
  for (let i = end; i < len; i++) s = F(s + x[i]);
  return s;
}

/** Lane k starts at b (even chains k >> 2) or a (odd), then `x ← x·a + b` `iters` times, each
 *  lane a chain of its own (not fused), written to `acc[k]` (kernels/ABI.md `probe_mul_add`). */
export function probeMulAdd(iters, a, b, acc) {
  const fa = F(a), fb = F(b);
  for (let k = 0; k < acc.length; k++) {
    // Lane k is in chain k >> 2, which starts at b (even chains) or a (odd).
    let v = (k >> 2) % 2 === 0 ? fb : fa;
    for (let i = 0; i < iters; i++) v = F(F(v * fa) + fb);
    acc[k] = v;
  }
}
