// The check on the JS tier: for each kernel the plain loop a JavaScript developer would write
// straight away — typed arrays, no handles, no argument checks, doubles stored to f32, no
// Math.fround — written independently of the tier's code. `make bench` times the JS tier
// (through its ABI) against these on the same inputs ("plain JS" column, JS/plain ratio): the
// tier must stay within 1.25× of them, or it is not the strongest JS baseline.
const GELU_2C = 2 * Math.sqrt(2 / Math.PI);

function denseRows(w, x, b, y, m, n) {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    let s0 = b[i], s1 = b[i + 1], s2 = b[i + 2], s3 = b[i + 3];
    const o = i * n;
    for (let j = 0; j < n; j++) {
      const v = x[j];
      s0 += w[o + j] * v;
      s1 += w[o + n + j] * v;
      s2 += w[o + 2 * n + j] * v;
      s3 += w[o + 3 * n + j] * v;
    }
    y[i] = s0; y[i + 1] = s1; y[i + 2] = s2; y[i + 3] = s3;
  }
  for (; i < m; i++) {
    let s = b[i];
    for (let j = 0; j < n; j++) s += w[i * n + j] * x[j];
    y[i] = s;
  }
}

export const PLAIN = {
  activation_relu(a) {
    for (let i = 0; i < a.length; i++) if (a[i] < 0) a[i] = 0;
  },
  activation_sigmoid(a) {
    for (let i = 0; i < a.length; i++) a[i] = 1 / (1 + Math.exp(-a[i]));
  },
  activation_tanh(a) {
    for (let i = 0; i < a.length; i++) a[i] = Math.tanh(a[i]);
  },
  activation_gelu(a) {
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      a[i] = x < -10 ? 0 : x / (1 + Math.exp(-GELU_2C * (x + 0.044715 * x * x * x)));
    }
  },
  dense(w, x, b, y, m, n) {
    denseRows(w, x, b, y, m, n);
  },
  dense_batch(w, xs, b, ys, m, n, batch) {
    for (let k = 0; k < batch; k++) denseRows(w, xs.subarray(k * n, (k + 1) * n), b, ys.subarray(k * m, (k + 1) * m), m, n);
  },
  lif_step(p, v, refr, trace, syn, w, prev, nPrev, rng, out) {
    const n = v.length;
    const [dt, tau, vRest, vReset, vTh, refSteps, decay, driveP, driveAmp] = p;
    syn.fill(0);
    for (let s = 0; s < nPrev; s++) {
      const o = prev[s] * n;
      for (let i = 0; i < n; i++) syn[i] += w[o + i];
    }
    const thr = driveP * 16777216;
    for (let i = 0; i < n; i++) {
      let r = rng[i & 3];
      r ^= r << 13; r ^= r >>> 17; r ^= r << 5;
      rng[i & 3] = r >>> 0;
      if ((r >>> 8) < thr) syn[i] += driveAmp;
    }
    const k = dt / tau;
    let count = 0;
    for (let i = 0; i < n; i++) {
      let spiked = 0;
      if (refr[i] > 0) {
        refr[i] -= 1;
        v[i] = vReset;
      } else {
        const vi = v[i] + k * (vRest - v[i]) + syn[i];
        if (vi >= vTh) { spiked = 1; v[i] = vReset; refr[i] = refSteps; } else v[i] = vi;
      }
      trace[i] = trace[i] * decay + spiked;
      if (spiked) out[count++] = i;
    }
    return count;
  },
  stdp(w, n, trace, spikes, nSpikes, p) {
    const [aPlus, aMinus, wMax, prune, target] = p;
    const clip = (x) => (x < 0 ? 0 : x > wMax ? wMax : x);
    let pruned = 0;
    for (let s = 0; s < nSpikes; s++) {
      const o = spikes[s] * n;
      for (let i = 0; i < n; i++) {
        if (w[o + i] > 0) {
          const c = clip(w[o + i] - aMinus * trace[i] * w[o + i]);
          if (c < prune) { w[o + i] = 0; pruned++; } else w[o + i] = c;
        }
      }
    }
    for (let j = 0; j < n && nSpikes > 0; j++) {
      const a = aPlus * trace[j];
      for (let s = 0; s < nSpikes; s++) {
        const idx = j * n + spikes[s];
        if (w[idx] > 0) {
          const c = clip(w[idx] + a);
          if (c < prune) { w[idx] = 0; pruned++; } else w[idx] = c;
        }
      }
    }
    if (target > 0) {
      for (let s = 0; s < nSpikes; s++) {
        const i = spikes[s];
        let sum = 0;
        for (let j = 0; j < n; j++) sum += w[j * n + i];
        if (sum > 0) for (let j = 0; j < n; j++) if (w[j * n + i] > 0) w[j * n + i] = Math.min(wMax, w[j * n + i] * (target / sum));
      }
    }
    return pruned;
  },
  efficiency(adj, n, wpr) {
    if (n < 2) return 0;
    const counts = new Float64Array(n + 1);
    const seen = new Uint32Array(wpr), front = new Uint32Array(wpr), next = new Uint32Array(wpr);
    for (let s = 0; s < n; s++) {
      seen.fill(0); front.fill(0);
      seen[s >>> 5] = front[s >>> 5] = 1 << (s & 31);
      for (let d = 1; ; d++) {
        next.fill(0);
        for (let u = 0; u < n; u++) {
          if (front[u >>> 5] & (1 << (u & 31))) for (let k = 0; k < wpr; k++) next[k] |= adj[u * wpr + k];
        }
        let found = 0;
        for (let k = 0; k < wpr; k++) {
          const x = next[k] & ~seen[k];
          front[k] = x;
          seen[k] |= x;
          for (let y = x; y !== 0; y &= y - 1) found++;
        }
        if (found === 0) break;
        counts[d] += found;
      }
    }
    let sum = 0;
    for (let d = 1; d <= n; d++) sum += counts[d] / d;
    return sum / (n * (n - 1));
  },
};
