//! Connection optimisation: pair-based STDP with pruning, event-driven.
//!
//! `Δw_ij = A₊·x_pre[j]·s_post[i] − A₋·x_post[i]·w_ij·s_pre[j]` for the synapse j → i, with
//! one exponential trace per neuron serving as both x_pre and x_post (same time constant), and
//! s the spikes of this step. Only rows and columns of neurons that spiked are touched.
//! Potentiation is additive (`A₊` in weight units), depression multiplicative (`A₋` a
//! fraction of the weight): the rule of van Rossum, Bi & Turrigiano (2000, "Stable Hebbian
//! learning from spike timing-dependent plasticity"), whose weights settle around
//! `A₊·⟨x_pre⟩ / (A₋·⟨x_post⟩)` instead of splitting into pruned and clipped ones as purely
//! additive STDP does (`model.rs` says why the app needs that).
//!
//! **Weight layout: row = presynaptic neuron** (`w[j*N + i]` is j → i), the layout `lif.rs`
//! needs so that a spike adds one contiguous row. With it, depression (a presynaptic spike j
//! weakens all of j's outgoing synapses by `A₋·trace[i]·w`) is a contiguous row update, which
//! is where the SIMD tiers win; potentiation (a postsynaptic spike i strengthens all incoming
//! synapses by `A₊·trace[j]`) touches column i with stride N. It is done row-major over all
//! spikes at once (rows j..j+4 interleaved at each spiking i, the four weights gathered into
//! one vector in the SIMD tables), and normalisation's column sums are taken in the same pass, so a step walks
//! the rows once (twice when normalising) instead of two column walks per spike; the results
//! are those of the column-by-column statement bit for bit (same operations per weight, same
//! summation order per column).
//!
//! Why not faster: potentiation must read and write `N·|s|` weights spread over
//! `N·min(|s|, N/16)` cache lines, however the walk is ordered; at N = 4096 (64 MB) and 5 %
//! firing that is about half the matrix per step, so every tier runs at memory bandwidth and
//! SIMD cannot be much faster than JS there. `examples/floors.rs` measures the floor: the same
//! walk doing nothing but `w += a` takes 2.4–2.8 ms natively at N = 4096 (130 µs at 1024),
//! against 11–13 ms for the JS tier: 4× JS (2.8–3.3 ms) would leave almost nothing beyond
//! the memory traffic for the clip, prune and select every weight needs. The lane code below
//! keeps its instructions few (clips by `pmax`/`pmin`, the pruned count in a vector): in a walk
//! bounded by how many loads the core keeps in flight, fewer instructions per weight leave room
//! for more of them. A transposed copy would make potentiation contiguous but depression
//! strided in the copy (every update goes to both), at another N² floats (64 MB at N = 4096):
//! the same scattered traffic plus twice the memory, so we don't.
//! Skipping rows whose increment `A₊·trace[j]` is 0 is not exact (a weight below `prune_below`,
//! e.g. after normalisation, would escape the pruning `x + 0` gives it) and traces are almost
//! never exactly 0, so we don't do that either.
//!
//! Rules (`kernels/ABI.md`): a weight of exactly 0 is "no synapse" and is never touched (no
//! self-synapses, pruning is permanent). After each update the weight is clipped to
//! `[0, w_max]`; below `prune_below` it becomes 0 and counts as pruned. Depression first
//! (spikes in list order), then potentiation (rows ascending). Optional normalisation scales
//! each spiking neuron's incoming column to sum `normalise_target`.
use crate::error::KernelError;
use crate::ops::lif::Part;
use crate::ops::weight::Weight;
use crate::simd::{four, four_mut, F32Lanes, MaskLanes};

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

/// Shapes and indices of an update of `part` (`Part::whole(n)`: the whole `n × n` W), checked
/// before anything is written.
pub fn check(w: usize, trace: usize, spikes: &[u32], part: Part) -> Result<(), KernelError> {
    part.check()?;
    let n = part.n;
    if Some(w) != n.checked_mul(part.width) || trace != n || spikes.len() > n {
        return Err(KernelError::LengthMismatch);
    }
    if spikes.iter().any(|&i| i as usize >= n) {
        return Err(KernelError::BadArgument);
    }
    Ok(())
}

/// The spikes among a part's neurons, numbered within the part (its columns of W): all of
/// them, as they are, for the whole population.
fn own_columns(spikes: &[u32], part: Part) -> std::borrow::Cow<'_, [u32]> {
    if part.first == 0 && part.width == part.n {
        return std::borrow::Cow::Borrowed(spikes);
    }
    let (lo, hi) = (part.first as u32, (part.first + part.width) as u32);
    std::borrow::Cow::Owned(
        spikes
            .iter()
            .filter(|&&i| (lo..hi).contains(&i))
            .map(|&i| i - lo)
            .collect(),
    )
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

/// Depression of one stored weight by its postsynaptic trace `t` (a presynaptic spike):
/// `w − (a₋·t)·w`, settled and stored; 0 (no synapse) is left alone. Returns 1 if pruned.
#[inline(always)]
fn depress<W: Weight>(x: &mut W, t: f32, p: &StdpParams) -> usize {
    let xv = x.get();
    if xv > 0.0 {
        let (nw, pr) = settle(xv - (p.a_minus * t) * xv, p);
        *x = W::put(nw);
        pr as usize
    } else {
        0
    }
}

/// [`settle`] on lanes: `nw` clipped to `[0, w_max]` by `pmax`/`pmin` (one instruction each,
/// with `settle`'s own predicates: `nw < 0 ? 0 : nw`, then `w_max < c ? w_max : c`, so the same
/// bits, NaN included), then set to 0 where it is below `prune_below` in a `live` lane.
/// Returns the weights to store in live lanes and the pruned lanes (all ones). Cheaper than
/// selects (three instructions each without relaxed SIMD) in loops bounded by how many loads
/// the core keeps in flight, where every instruction less is a miss more in the window.
#[inline(always)]
fn settle_lanes<V: F32Lanes>(nw: V, live: V::Mask, zero: V, wmax: V, prune: V) -> (V, V::Mask) {
    let c = nw.pmax(zero).pmin(wmax);
    let cut = c.lt(prune).and(live);
    (V::from_bits(c.bits().andnot(cut)), cut)
}

/// The pruned count from a sum of pruned masks (each pruned lane adds all ones, i.e. −1).
#[inline(always)]
fn count_cuts<M: MaskLanes>(cuts: M) -> usize {
    cuts.to_array()
        .iter()
        .map(|&c| 0u32.wrapping_sub(c) as usize)
        .sum()
}

/// Whether every spike index is larger than the one before it (so no index repeats). The
/// row-wise passes below need it: a repeated index must see the previous update of its
/// weight, which a 4-lane gather or a per-column sum taken in one pass would not.
fn strictly_ascending(spikes: &[u32]) -> bool {
    spikes.windows(2).all(|p| p[0] < p[1])
}

/// Potentiation then normalisation as the doc states them, column by column: the reference
/// order, used when spike indices repeat (never the case for `lif_step`'s ascending output).
fn potentiate_and_normalise_columns<W: Weight>(
    w: &mut [W],
    width: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> usize {
    let mut pruned = 0;
    for j in 0..trace.len() {
        let a = p.a_plus * trace[j];
        let row = &mut w[j * width..(j + 1) * width];
        for &i in spikes {
            let x = &mut row[i as usize];
            if x.get() > 0.0 {
                let (nw, pr) = settle(x.get() + a, p);
                *x = W::put(nw);
                pruned += pr as usize;
            }
        }
    }
    if p.normalise_target > 0.0 {
        for &i in spikes {
            let i = i as usize;
            let mut sum = 0.0f32;
            for j in 0..trace.len() {
                sum += w[j * width + i].get();
            }
            if sum > 0.0 {
                let scale = p.normalise_target / sum;
                for j in 0..trace.len() {
                    let x = &mut w[j * width + i];
                    if x.get() > 0.0 {
                        let y = x.get() * scale;
                        *x = W::put(if y > p.w_max { p.w_max } else { y });
                    }
                }
            }
        }
    }
    pruned
}

/// Normalisation's second pass, row-major: column `spikes[k]` of every row is multiplied by
/// `scale[k]` (NaN: the column's sum was not > 0 and it is left alone) and clipped to `w_max`.
fn scale_columns<W: Weight>(
    w: &mut [W],
    width: usize,
    spikes: &[u32],
    scale: &[f32],
    p: &StdpParams,
) {
    for row in w.chunks_exact_mut(width) {
        for (&i, &s) in spikes.iter().zip(scale) {
            let x = &mut row[i as usize];
            if x.get() > 0.0 && !s.is_nan() {
                let y = x.get() * s;
                *x = W::put(if y > p.w_max { p.w_max } else { y });
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
/// when normalising), four rows interleaved (each spike column of rows `j..j+4`, then the
/// next column: four row streams keep more cache misses in flight than one): the spike
/// columns are potentiated and, when normalising, added to their columns' sums in the same
/// visit. Every weight sees the same operations in the same
/// order as in [`potentiate_and_normalise_columns`] (each column's sum still runs over
/// ascending rows), so the results are identical; only the walk changed: the column walks of
/// normalisation (two per spike, stride N) became row-major passes over the spike columns.
fn potentiate_and_normalise_scalar<W: Weight>(
    w: &mut [W],
    width: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> usize {
    if spikes.is_empty() {
        return 0;
    }
    if !strictly_ascending(spikes) {
        return potentiate_and_normalise_columns(w, width, trace, spikes, p);
    }
    let normalise = p.normalise_target > 0.0;
    let mut sums = vec![0.0f32; if normalise { spikes.len() } else { 0 }];
    let mut pruned = 0;
    let rows4 = trace.len() / 4;
    let (body, tail) = w.split_at_mut(4 * rows4 * width);
    for (b, block) in body.chunks_exact_mut(4 * width).enumerate() {
        let a: [f32; 4] = std::array::from_fn(|r| p.a_plus * trace[4 * b + r]);
        for (k, &i) in spikes.iter().enumerate() {
            let i = i as usize;
            for (r, &ar) in a.iter().enumerate() {
                let x = &mut block[r * width + i];
                if x.get() > 0.0 {
                    let (nw, pr) = settle(x.get() + ar, p);
                    *x = W::put(nw);
                    pruned += pr as usize;
                }
                if normalise {
                    sums[k] += x.get();
                }
            }
        }
    }
    for (row, &t) in tail.chunks_exact_mut(width).zip(&trace[4 * rows4..]) {
        let s = if normalise { Some(&mut sums[..]) } else { None };
        pruned += potentiate_row(row, p.a_plus * t, spikes, s, p);
    }
    if normalise {
        scale_columns(w, width, spikes, &scales(&sums, p), p);
    }
    pruned
}

/// Row j's spike columns, scalar: potentiation by `a`, then (when `sums` is given) each
/// column's weight added to its sum. Returns the synapses pruned.
fn potentiate_row<W: Weight>(
    row: &mut [W],
    a: f32,
    spikes: &[u32],
    sums: Option<&mut [f32]>,
    p: &StdpParams,
) -> usize {
    let mut pruned = 0;
    let mut sums = sums;
    for (k, &i) in spikes.iter().enumerate() {
        let x = &mut row[i as usize];
        if x.get() > 0.0 {
            let (nw, pr) = settle(x.get() + a, p);
            *x = W::put(nw);
            pruned += pr as usize;
        }
        if let Some(s) = sums.as_deref_mut() {
            s[k] += x.get();
        }
    }
    pruned
}

/// The same on lane type `V`: four rows at a time, each lane one row (`j..j+4`) at the same
/// spike column, gathered, updated with the depression's masks and scattered back; the
/// increments `a₊·trace[j..j+4]` are one vector. Four interleaved row streams keep more
/// cache misses in flight than one (1.4–2× faster than the row-by-row walk natively at
/// N = 1024 and 4096). Each weight sees the scalar operations, and each column's sum adds
/// the four lanes in row order, so the results are the same bits. The last `N mod 4` rows go
/// through the scalar code.
fn potentiate_and_normalise_lanes<V: F32Lanes, W: Weight>(
    w: &mut [W],
    width: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> usize {
    if spikes.is_empty() {
        return 0;
    }
    if !strictly_ascending(spikes) {
        return potentiate_and_normalise_columns(w, width, trace, spikes, p);
    }
    let normalise = p.normalise_target > 0.0;
    let mut sums = vec![0.0f32; if normalise { spikes.len() } else { 0 }];
    let (zero, wmax, prune) = (V::zero(), V::splat(p.w_max), V::splat(p.prune_below));
    let ap = V::splat(p.a_plus);
    let rows4 = trace.len() / 4;
    let mut pruned = 0usize;
    let mut cuts = V::Mask::splat(0);
    {
        let (body, tail) = w.split_at_mut(4 * rows4 * width);
        for (b, block) in body.chunks_exact_mut(4 * width).enumerate() {
            let a = ap.mul(V::load(&trace[4 * b..]));
            let (r0, rest) = block.split_at_mut(width);
            let (r1, rest) = rest.split_at_mut(width);
            let (r2, r3) = rest.split_at_mut(width);
            for (k, &i) in spikes.iter().enumerate() {
                let i = i as usize;
                // Gathered as stored, decoded and encoded in lanes (one widening load and
                // shift for bf16, no per-lane conversion).
                let wv: V = W::load4(&[r0[i], r1[i], r2[i], r3[i]]);
                let live: V::Mask = wv.gt(zero);
                let (c, cut) = settle_lanes(wv.add(a), live, zero, wmax, prune);
                cuts = cuts.add(cut);
                let mut o = [W::default(); 4];
                W::store4(live.select(c, wv), &mut o);
                r0[i] = o[0];
                r1[i] = o[1];
                r2[i] = o[2];
                r3[i] = o[3];
                if normalise {
                    // The stored values, as the scalar sums take them.
                    let o = W::load4::<V>(&o).to_array();
                    sums[k] = (((sums[k] + o[0]) + o[1]) + o[2]) + o[3];
                }
            }
        }
        for (row, &t) in tail.chunks_exact_mut(width).zip(&trace[4 * rows4..]) {
            let s = if normalise { Some(&mut sums[..]) } else { None };
            pruned += potentiate_row(row, p.a_plus * t, spikes, s, p);
        }
    }
    pruned += count_cuts(cuts);
    if normalise {
        let sc = scales(&sums, p);
        let (body, tail) = w.split_at_mut(4 * rows4 * width);
        for block in body.chunks_exact_mut(4 * width) {
            let (r0, rest) = block.split_at_mut(width);
            let (r1, rest) = rest.split_at_mut(width);
            let (r2, r3) = rest.split_at_mut(width);
            for (&i, &s) in spikes.iter().zip(&sc) {
                if s.is_nan() {
                    continue;
                }
                let i = i as usize;
                let wv: V = W::load4(&[r0[i], r1[i], r2[i], r3[i]]);
                // `w_max < y ? w_max : y`: the scalar clip's predicate, one instruction.
                let y = wv.mul(V::splat(s)).pmin(wmax);
                let mut o = [W::default(); 4];
                W::store4(wv.gt(zero).select(y, wv), &mut o);
                r0[i] = o[0];
                r1[i] = o[1];
                r2[i] = o[2];
                r3[i] = o[3];
            }
        }
        scale_columns(tail, width, spikes, &sc, p);
    }
    pruned
}

/// One STDP update on weights stored as `W` (`ops::weight`: each store encoded, each read
/// decoded), scalar.
pub fn stdp_scalar<W: Weight>(
    w: &mut [W],
    n: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> Result<usize, KernelError> {
    stdp_part_scalar(w, trace, spikes, p, Part::whole(n))
}

/// One STDP update of the columns of `part` only (`ops::lif`'s "Parts": the caller holds the
/// part's `n × width` columns of W and all `n` traces, and `spikes` is the whole step's list);
/// parts covering 0..N give the whole update's weights and pruned count.
pub fn stdp_part_scalar<W: Weight>(
    w: &mut [W],
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
    part: Part,
) -> Result<usize, KernelError> {
    check(w.len(), trace.len(), spikes, part)?;
    let width = part.width;
    // Depression: the part's columns of each spiking row, against its own neurons' traces.
    let own_trace = &trace[part.first..part.first + width];
    let mut pruned = 0;
    for &j in spikes {
        let row = &mut w[j as usize * width..(j as usize + 1) * width];
        for (x, &t) in row.iter_mut().zip(own_trace) {
            pruned += depress(x, t, p);
        }
    }
    let cols = own_columns(spikes, part);
    Ok(pruned + potentiate_and_normalise_scalar(w, width, trace, &cols, p))
}

/// The same on lane type `V`.
pub fn stdp_lanes<V: F32Lanes, W: Weight>(
    w: &mut [W],
    n: usize,
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
) -> Result<usize, KernelError> {
    stdp_part_lanes::<V, W>(w, trace, spikes, p, Part::whole(n))
}

/// [`stdp_part_scalar`] on lane type `V`.
pub fn stdp_part_lanes<V: F32Lanes, W: Weight>(
    w: &mut [W],
    trace: &[f32],
    spikes: &[u32],
    p: &StdpParams,
    part: Part,
) -> Result<usize, KernelError> {
    check(w.len(), trace.len(), spikes, part)?;
    let (n, full_trace) = (part.width, trace);
    let trace = &full_trace[part.first..part.first + n];
    let body = n & !3;
    let (zero, wmax, prune) = (V::zero(), V::splat(p.w_max), V::splat(p.prune_below));
    let neg_am = V::splat(-p.a_minus);
    let am = V::splat(p.a_minus);
    let mut pruned = 0usize;
    let mut cuts = V::Mask::splat(0);
    for &j in spikes {
        let row = &mut w[j as usize * n..(j as usize + 1) * n];
        let mut i = 0;
        while i < body {
            let wv: V = W::load4(four(&row[i..]));
            let t = V::load(&trace[i..]);
            let live: V::Mask = wv.gt(zero);
            // Relaxed build: one fused multiply-add; otherwise w − (a₋·t)·w exactly as scalar.
            let nw = if cfg!(target_feature = "relaxed-simd") {
                neg_am.mul(t).mul_add(wv, wv)
            } else {
                wv.sub(am.mul(t).mul(wv))
            };
            let (c, cut) = settle_lanes(nw, live, zero, wmax, prune);
            cuts = cuts.add(cut);
            W::store4(live.select(c, wv), four_mut(&mut row[i..]));
            i += 4;
        }
        for (x, &t) in row[body..].iter_mut().zip(&trace[body..]) {
            pruned += depress(x, t, p);
        }
    }
    let cols = own_columns(spikes, part);
    let pot = potentiate_and_normalise_lanes::<V, W>(w, n, full_trace, &cols, p);
    Ok(pruned + count_cuts(cuts) + pot)
}
