// Event-driven pair-based STDP with clipping, pruning and optional normalisation: the
// algorithm and operation order of kernels/src/stdp.rs (weights row = presynaptic neuron),
// f32-rounded. Returns the number of synapses pruned.
const f = Math.fround;

/** p: Float32Array [a_plus, a_minus, w_max, prune_below, normalise_target] */
export function stdpUpdate(w, n, trace, spikes, nSpikes, p) {
  const aPlus = p[0], aMinus = p[1], wMax = p[2], prune = p[3], target = p[4];
  let pruned = 0;
  // Depression: each presynaptic spike j weakens its outgoing row by a₋·trace[i].
  for (let s = 0; s < nSpikes; s++) {
    const o = spikes[s] * n;
    for (let i = 0; i < n; i++) {
      const x = w[o + i];
      if (x > 0) {
        let c = f(x - f(aMinus * trace[i]));
        if (c < 0) c = 0;
        if (c > wMax) c = wMax;
        if (c < prune) { w[o + i] = 0; pruned++; } else w[o + i] = c;
      }
    }
  }
  // Potentiation: each postsynaptic spike i strengthens its incoming column by a₊·trace[j].
  if (nSpikes > 0) {
    for (let j = 0; j < n; j++) {
      const a = f(aPlus * trace[j]);
      const o = j * n;
      for (let s = 0; s < nSpikes; s++) {
        const idx = o + spikes[s];
        const x = w[idx];
        if (x > 0) {
          let c = f(x + a);
          if (c < 0) c = 0;
          if (c > wMax) c = wMax;
          if (c < prune) { w[idx] = 0; pruned++; } else w[idx] = c;
        }
      }
    }
  }
  if (target > 0) {
    for (let s = 0; s < nSpikes; s++) {
      const i = spikes[s];
      let sum = 0;
      for (let j = 0; j < n; j++) sum = f(sum + w[j * n + i]);
      if (sum > 0) {
        const scale = f(target / sum);
        for (let j = 0; j < n; j++) {
          const x = w[j * n + i];
          if (x > 0) {
            const y = f(x * scale);
            w[j * n + i] = y > wMax ? wMax : y;
          }
        }
      }
    }
  }
  return pruned;
}
