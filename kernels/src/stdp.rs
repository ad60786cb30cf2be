//! Connection optimisation: pair-based STDP with pruning, event-driven.
//!
//! `Δw_ij = A₊·x_pre[j]·s_post[i] − A₋·x_post[i]·s_pre[j]` for the synapse j → i, with one
//! exponential trace per neuron serving as both x_pre and x_post (same time constant), and
//! s the spikes of this step. Only rows and columns of neurons that spiked are touched.
//!
//! **Weight layout: row = presynaptic neuron** (`w[j*N + i]` is j → i), the layout `lif.rs`
//! needs so that a spike adds one contiguous row. With it, depression (a presynaptic spike j
//! weakens all of j's outgoing synapses by `A₋·trace[i]`) is a contiguous row update, which
//! is where the SIMD tiers win; potentiation (a postsynaptic spike i strengthens all incoming
//! synapses by `A₊·trace[j]`) walks column i with stride N, which no tier can vectorise, so
//! it is done row-major over all spikes at once (row j, then each spiking i) to stay
//! cache-friendly. A transposed copy would make both contiguous at twice the memory and a
//! second write per update; at N = 4096 that is another 64 MB, so we don't.
//!
//! Rules (`kernels/ABI.md`): a weight of exactly 0 is "no synapse" and is never touched (no
//! self-synapses, pruning is permanent). After each update the weight is clipped to
//! `[0, w_max]`; below `prune_below` it becomes 0 and counts as pruned. Depression first
//! (spikes in list order), then potentiation (rows ascending). Optional normalisation scales
//! each spiking neuron's incoming column to sum `normalise_target`.
use crate::error::{KernelError, MAX_DIM};
use crate::simd::{F32Lanes, MaskLanes};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StdpParams {
    pub a_plus: f32,
    pub a_minus: f32,
    pub w_max: f32,
    pub prune_below: f32,
    pub normalise_target: f32,
}

pub const PARAMS_LEN: usize = 5;

impl StdpParams {
    pub fn from_slice(p: &[f32]) -> Result<StdpParams, KernelError> {
        if p.len() != PARAMS_LEN {
            return Err(KernelError::LengthMismatch);
        }
        if p.iter().any(|x| !x.is_finite() || *x < 0.0) {
            return Err(KernelError::BadArgument);
        }
        Ok(StdpParams {
            a_plus: p[0],
            a_minus: p[1],
            w_max: p[2],
            prune_below: p[3],
            normalise_target: p[4],
        })
    }

    pub fn to_array(&self) -> [f32; PARAMS_LEN] {
        [
            self.a_plus,
            self.a_minus,
            self.w_max,
            self.prune_below,
            self.normalise_target,
        ]
    }
}

pub fn check(w: usize, n: usize, trace: usize, spikes: &[u32]) -> Result<(), KernelError> {
    if n == 0 {
        return Err(KernelError::ZeroSize);
    }
    if n > MAX_DIM {
        return Err(KernelError::TooLarge);
    }
    if w != n * n || trace != n || spikes.len() > n {
        return Err(KernelError::LengthMismatch);
    }
    if spikes.iter().any(|&i| i as usize >= n) {
        return Err(KernelError::BadArgument);
    }
    Ok(())
}

/// Clip to [0, w_max], prune below the threshold. Returns (new weight, pruned?).
#[inline(always)]
fn settle(nw: f32, p: &StdpParams) -> (f32, bool) {
    let c = if nw < 0.0 { 0.0 } else { nw };
    let c = if c > p.w_max { p.w_max } else { c };
    if c < p.prune_below {
        (0.0, true)
    } else {
        (c, false)
    }
}

/// Whether every spike index is larger than the one before it (so no index repeats). The
/// row-wise passes below need it: a repeated index must see the previous update of its
/// weight, which a 4-lane gather or a per-column sum taken in one pass would not.
fn strictly_ascending(spikes: &[u32]) -> bool {
    spikes.windows(2).all(|p| p[0] < p[1])
}

/// Potentiation then normalisation as the doc states them, column by column: the reference
/// order, used when spike indices repeat (never the case for `lif_step`'s ascending output).
fn potentiate_and_normalise_columns(
    w: &mut [f32],
    n: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> usize {
    let mut pruned = 0;
    for j in 0..n {
        let a = p.a_plus * trace[j];
        let row = &mut w[j * n..(j + 1) * n];
        for &i in spikes {
            let x = &mut row[i as usize];
            if *x > 0.0 {
                let (nw, pr) = settle(*x + a, p);
                *x = nw;
                pruned += pr as usize;
            }
        }
    }
    if p.normalise_target > 0.0 {
        for &i in spikes {
            let i = i as usize;
            let mut sum = 0.0f32;
            for j in 0..n {
                sum += w[j * n + i];
            }
            if sum > 0.0 {
                let scale = p.normalise_target / sum;
                for j in 0..n {
                    let x = &mut w[j * n + i];
                    if *x > 0.0 {
                        let y = *x * scale;
                        *x = if y > p.w_max { p.w_max } else { y };
                    }
                }
            }
        }
    }
    pruned
}

/// Normalisation's second pass, row-major: column `spikes[k]` of every row is multiplied by
/// `scale[k]` (NaN: the column's sum was not > 0 and it is left alone) and clipped to `w_max`.
fn scale_columns(w: &mut [f32], n: usize, spikes: &[u32], scale: &[f32], p: &StdpParams) {
    for row in w.chunks_exact_mut(n) {
        for (&i, &s) in spikes.iter().zip(scale) {
            let x = &mut row[i as usize];
            if *x > 0.0 && !s.is_nan() {
                let y = *x * s;
                *x = if y > p.w_max { p.w_max } else { y };
            }
        }
    }
}

/// `normalise_target / sum` per spike column; NaN (never a real scale: the target is > 0 and
/// finite) where the sum is not > 0, so the column is skipped.
fn scales(sums: &[f32], p: &StdpParams) -> Vec<f32> {
    sums.iter()
        .map(|&s| {
            if s > 0.0 {
                p.normalise_target / s
            } else {
                f32::NAN
            }
        })
        .collect()
}

/// Potentiation and normalisation, scalar, one pass over the rows (plus one more to scale
/// when normalising): row j's spike columns are potentiated and, when normalising, added to
/// their columns' sums in the same visit. Every weight sees the same operations in the same
/// order as in [`potentiate_and_normalise_columns`] (each column's sum still runs over
/// ascending rows), so the results are identical; only the walk changed: the column walks of
/// normalisation (two per spike, stride N) became row-major passes over the spike columns.
fn potentiate_and_normalise_scalar(
    w: &mut [f32],
    n: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> usize {
    if spikes.is_empty() {
        return 0;
    }
    if !strictly_ascending(spikes) {
        return potentiate_and_normalise_columns(w, n, trace, spikes, p);
    }
    let normalise = p.normalise_target > 0.0;
    let mut sums = vec![0.0f32; if normalise { spikes.len() } else { 0 }];
    let mut pruned = 0;
    for (row, &t) in w.chunks_exact_mut(n).zip(trace) {
        let a = p.a_plus * t;
        for (k, &i) in spikes.iter().enumerate() {
            let x = &mut row[i as usize];
            if *x > 0.0 {
                let (nw, pr) = settle(*x + a, p);
                *x = nw;
                pruned += pr as usize;
            }
            if normalise {
                sums[k] += *x;
            }
        }
    }
    if normalise {
        scale_columns(w, n, spikes, &scales(&sums, p), p);
    }
    pruned
}

/// The same on lane type `V`: four spike columns of a row at a time (gathered, updated with
/// the depression's masks, scattered back), each lane one column, so the order per weight and
/// per column sum is the scalar one and the results are the same bits. The rest of a row's
/// spike list (fewer than four) goes through the scalar code.
fn potentiate_and_normalise_lanes<V: F32Lanes>(
    w: &mut [f32],
    n: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> usize {
    if spikes.is_empty() {
        return 0;
    }
    if !strictly_ascending(spikes) {
        return potentiate_and_normalise_columns(w, n, trace, spikes, p);
    }
    let normalise = p.normalise_target > 0.0;
    let (quads, rest) = spikes.as_chunks::<4>();
    let body = 4 * quads.len();
    let (zero, wmax, prune) = (V::zero(), V::splat(p.w_max), V::splat(p.prune_below));
    let mut sums4 = vec![zero; if normalise { quads.len() } else { 0 }];
    let mut sums = vec![0.0f32; if normalise { rest.len() } else { 0 }];
    let mut pruned = 0usize;
    for (row, &t) in w.chunks_exact_mut(n).zip(trace) {
        let a = p.a_plus * t;
        let av = V::splat(a);
        for (q, idx) in quads.iter().enumerate() {
            let [i0, i1, i2, i3] = idx.map(|i| i as usize);
            let wv = V::load_array(&[row[i0], row[i1], row[i2], row[i3]]);
            let live: V::Mask = wv.gt(zero);
            let nw = wv.add(av);
            let c = nw.lt(zero).select(zero, nw);
            let c = c.gt(wmax).select(wmax, c);
            let cut = c.lt(prune).and(live);
            pruned += cut.bitmask().count_ones() as usize;
            let out = live.select(cut.select(zero, c), wv);
            if normalise {
                sums4[q] = sums4[q].add(out);
            }
            let o = out.to_array();
            row[i0] = o[0];
            row[i1] = o[1];
            row[i2] = o[2];
            row[i3] = o[3];
        }
        for (k, &i) in rest.iter().enumerate() {
            let x = &mut row[i as usize];
            if *x > 0.0 {
                let (nw, pr) = settle(*x + a, p);
                *x = nw;
                pruned += pr as usize;
            }
            if normalise {
                sums[k] += *x;
            }
        }
    }
    if normalise {
        let mut all: Vec<f32> = sums4.iter().flat_map(|s| s.to_array()).collect();
        all.extend_from_slice(&sums);
        let sc = scales(&all, p);
        let (sc4, sc_rest) = sc.split_at(body);
        let wmax = V::splat(p.w_max);
        let sc4: Vec<V> = sc4
            .as_chunks::<4>()
            .0
            .iter()
            .map(|s| V::load_array(s))
            .collect();
        for row in w.chunks_exact_mut(n) {
            for (idx, &s) in quads.iter().zip(&sc4) {
                let [i0, i1, i2, i3] = idx.map(|i| i as usize);
                let wv = V::load_array(&[row[i0], row[i1], row[i2], row[i3]]);
                let on = wv.gt(zero).and(s.eq(s));
                let y = wv.mul(s);
                let y = y.gt(wmax).select(wmax, y);
                let o = on.select(y, wv).to_array();
                row[i0] = o[0];
                row[i1] = o[1];
                row[i2] = o[2];
                row[i3] = o[3];
            }
            for (&i, &s) in rest.iter().zip(sc_rest) {
                let x = &mut row[i as usize];
                if *x > 0.0 && !s.is_nan() {
                    let y = *x * s;
                    *x = if y > p.w_max { p.w_max } else { y };
                }
            }
        }
    }
    pruned
}

pub fn stdp_scalar(
    w: &mut [f32],
    n: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> Result<usize, KernelError> {
    check(w.len(), n, trace.len(), spikes)?;
    let mut pruned = 0;
    for &j in spikes {
        let row = &mut w[j as usize * n..(j as usize + 1) * n];
        for (x, t) in row.iter_mut().zip(trace) {
            if *x > 0.0 {
                let (nw, pr) = settle(*x - p.a_minus * t, p);
                *x = nw;
                pruned += pr as usize;
            }
        }
    }
    Ok(pruned + potentiate_and_normalise_scalar(w, n, trace, spikes, p))
}

pub fn stdp_lanes<V: F32Lanes>(
    w: &mut [f32],
    n: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> Result<usize, KernelError> {
    check(w.len(), n, trace.len(), spikes)?;
    let body = n & !3;
    let (zero, wmax, prune) = (V::zero(), V::splat(p.w_max), V::splat(p.prune_below));
    let neg_am = V::splat(-p.a_minus);
    let am = V::splat(p.a_minus);
    let mut pruned = 0usize;
    for &j in spikes {
        let row = &mut w[j as usize * n..(j as usize + 1) * n];
        let mut i = 0;
        while i < body {
            let wv = V::load(&row[i..]);
            let t = V::load(&trace[i..]);
            let live: V::Mask = wv.gt(zero);
            // Relaxed build: one fused multiply-add; otherwise w − a₋·t exactly as scalar.
            let nw = if cfg!(target_feature = "relaxed-simd") {
                neg_am.mul_add(t, wv)
            } else {
                wv.sub(am.mul(t))
            };
            let c = nw.lt(zero).select(zero, nw);
            let c = c.gt(wmax).select(wmax, c);
            let cut = c.lt(prune).and(live);
            pruned += cut.bitmask().count_ones() as usize;
            live.select(cut.select(zero, c), wv).store(&mut row[i..]);
            i += 4;
        }
        for i in body..n {
            let x = &mut row[i];
            if *x > 0.0 {
                let (nw, pr) = settle(*x - p.a_minus * trace[i], p);
                *x = nw;
                pruned += pr as usize;
            }
        }
    }
    Ok(pruned + potentiate_and_normalise_lanes::<V>(w, n, trace, spikes, p))
}
