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

/// Potentiation and normalisation: the strided part, the same code in every tier.
fn potentiate_and_normalise(
    w: &mut [f32],
    n: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> usize {
    let mut pruned = 0;
    if !spikes.is_empty() {
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
    Ok(pruned + potentiate_and_normalise(w, n, trace, spikes, p))
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
    Ok(pruned + potentiate_and_normalise(w, n, trace, spikes, p))
}
