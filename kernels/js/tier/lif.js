// Event-driven LIF population step, the algorithm of kernels/src/ops/lif.rs with every f32
// operation rounded (Math.fround, or the Float32Array store), so spikes and state equal the
// scalar and SIMD wasm tiers bit for bit. Returns the spike count, or -8 (NonFinite) when a
// membrane potential became NaN/∞.
// Imported with this module's own query, as every module of the JS tier's graph does (why:
// abi.js).
const { xorshift32 } = await import(`./rng.js${new URL(import.meta.url).search}`);
const { decodeRow, scratch, words } = await import(`./weight.js${new URL(import.meta.url).search}`);

const f = Math.fround;

/** p: Float32Array [dt, tau_m, v_rest, v_reset, v_th, refractory_steps, trace_decay, drive_p, drive_amp] */
export function lifStep(p, v, refr, trace, syn, w, prev, nPrev, rng, out) {
  const n = v.length;
  syn.fill(0);
  for (let s = 0; s < nPrev; s++) {
    const o = prev[s] * n;
    for (let i = 0; i < n; i++) syn[i] += w[o + i];
  }
  return driveAndMembrane(p, v, refr, trace, syn, rng, out);
}

let rowScratch = scratch(0);
/**
 * The same step on bfloat16 weights `w16` (a Uint16Array; kernels/ABI.md "Weight storage"):
 * each spiking row decoded exactly (two weights per 32-bit word) and added, so the result is
 * lifStep's on the decoded weights, bit for bit.
 */
export function lifStepBf16(p, v, refr, trace, syn, w16, prev, nPrev, rng, out) {
  const n = v.length;
  if (rowScratch.f32.length < n) rowScratch = scratch(n);
  const { f32: row, u32: rowBits } = rowScratch;
  const w32 = words(w16);
  syn.fill(0);
  for (let s = 0; s < nPrev; s++) {
    decodeRow(w16, w32, prev[s] * n, n, row, rowBits);
    for (let i = 0; i < n; i++) syn[i] += row[i];
  }
  return driveAndMembrane(p, v, refr, trace, syn, rng, out);
}

/** Steps 2-4 of a step (drive, membrane, trace), once `syn` holds the synaptic input. */
function driveAndMembrane(p, v, refr, trace, syn, rng, out) {
  const n = v.length;
  const thr = f(p[7] * 16777216);
  const amp = p[8];
  for (let i = 0; i < n; i++) {
    const lane = i & 3;
    const x = xorshift32(rng[lane]);
    rng[lane] = x;
    if ((x >>> 8) < thr) syn[i] += amp;
  }
  const k = f(p[0] / p[1]);
  const vRest = p[2], vReset = p[3], vTh = p[4], refSteps = p[5], decay = p[6];
  let count = 0;
  let bad = false;
  for (let i = 0; i < n; i++) {
    let spiked = 0;
    if (refr[i] > 0) {
      refr[i] = refr[i] - 1;
      v[i] = vReset;
    } else {
      const vi = f(f(v[i] + f(k * f(vRest - v[i]))) + syn[i]);
      if (!Number.isFinite(vi)) bad = true;
      if (vi >= vTh) {
        spiked = 1;
        v[i] = vReset;
        refr[i] = refSteps;
      } else {
        v[i] = vi;
      }
    }
    trace[i] = f(trace[i] * decay) + spiked;
    if (spiked) out[count++] = i;
  }
  return bad ? -8 : count;
}
