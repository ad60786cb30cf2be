// Event-driven pair-based STDP with clipping, pruning and optional normalisation: the
// algorithm and operation order of kernels/src/stdp.rs (weights row = presynaptic neuron),
// f32-rounded. Returns the number of synapses pruned.
//
// Potentiation and normalisation walk the rows once (plus once more to scale when
// normalising) over the step's spike columns, as the Rust tiers do, instead of walking each
// spiking neuron's column with stride N: the same operations per weight in the same order
// (each column's sum still runs over ascending rows), so the same bits. A spike list whose
// indices repeat (lif_step never gives one) takes the column-by-column reference order.
const f = Math.fround;

function strictlyAscending(spikes, nSpikes) {
  for (let s = 1; s < nSpikes; s++) if (!(spikes[s - 1] < spikes[s])) return false;
  return true;
}

function potentiateColumns(w, n, trace, spikes, nSpikes, aPlus, wMax, prune, target) {
  let pruned = 0;
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
  if (nSpikes === 0) return pruned;
  if (!strictlyAscending(spikes, nSpikes)) return pruned + potentiateColumns(w, n, trace, spikes, nSpikes, aPlus, wMax, prune, target);
  // Potentiation: each postsynaptic spike i strengthens its incoming column by a₊·trace[j],
  // row by row; when normalising, each spike column's sum is taken in the same visit.
  const normalise = target > 0;
  const sums = normalise ? new Float32Array(nSpikes) : null;
  for (let j = 0; j < n; j++) {
    const a = f(aPlus * trace[j]);
    const o = j * n;
    for (let s = 0; s < nSpikes; s++) {
      const idx = o + spikes[s];
      let x = w[idx];
      if (x > 0) {
        let c = f(x + a);
        if (c < 0) c = 0;
        if (c > wMax) c = wMax;
        if (c < prune) { x = 0; pruned++; } else x = c;
        w[idx] = x;
      }
      if (normalise) sums[s] += x;
    }
  }
  if (normalise) {
    // Scale each spike column to sum `target` (a column summing to ≤ 0 is left alone).
    const scale = new Float32Array(nSpikes);
    for (let s = 0; s < nSpikes; s++) scale[s] = sums[s] > 0 ? target / sums[s] : NaN;
    for (let j = 0; j < n; j++) {
      const o = j * n;
      for (let s = 0; s < nSpikes; s++) {
        const idx = o + spikes[s];
        const x = w[idx];
        const sc = scale[s];
        if (x > 0 && sc === sc) {
          const y = f(x * sc);
          w[idx] = y > wMax ? wMax : y;
        }
      }
    }
  }
  return pruned;
}
