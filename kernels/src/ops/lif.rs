//! Spiking population step: N leaky integrate-and-fire neurons with refractory period and an
//! exponential spike trace; synaptic input is event-driven (as in GeNN, Brian2 and NEST).
//!
//! Weight layout: `w[j*N + i]` is the synapse j → i, so **row j holds the outgoing weights of
//! presynaptic neuron j**, contiguous. A spike of j adds its whole row to the input — one
//! streaming vector add per spike — so a step costs O(spikes × N + N), not O(N²).
//!
//! One step (`kernels/ABI.md`), identical in every tier:
//! 1. `syn = 0`; for each j in `prev` (the previous step's spikes, in order): `syn += w[j, :]`.
//! 2. External drive: four xorshift32 lanes, neuron i uses lane `i & 3`; neuron i gets
//!    `+drive_amp` when `(r >> 8) < drive_p · 2²⁴` (Poisson-like, probability `drive_p`).
//! 3. Refractory neurons count down and stay at `v_reset`. Others:
//!    `v = (v + (dt/τ)·(v_rest − v)) + syn`; spike when `v ≥ v_th`, then `v = v_reset`,
//!    `refr = refractory_steps`.
//! 4. `trace = trace · trace_decay + spike`.
//!
//! Scalar and SIMD do the same f32 operations in the same order, so spikes and state agree
//! bit for bit. A NaN or infinite membrane potential is reported as `NonFinite` (after the
//! step) instead of spreading silently.
//!
//! **Parts** (issue 29: one population over several threads): a step may compute only the
//! post-synaptic neurons `first..first + width` of the N ([`Part`]), holding only their columns
//! of W (`w[j*width + (i − first)]`) and their state; the drive's generator still advances for
//! all N neurons, so each neuron gets the draw it gets in a whole step, and the part's spikes
//! are the whole step's spikes in that range. Parts that cover 0..N give the whole step's
//! spikes and state, bit for bit, whatever the split (`first` a multiple of 4).
use crate::error::{KernelError, MAX_DIM};
use crate::ops::weight::Weight;
use crate::rng::xorshift32;
use crate::simd::{F32Lanes, MaskLanes};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LifParams {
    pub dt: f32,
    pub tau_m: f32,
    pub v_rest: f32,
    pub v_reset: f32,
    pub v_th: f32,
    pub refractory_steps: f32,
    pub trace_decay: f32,
    pub drive_p: f32,
    pub drive_amp: f32,
}

pub const PARAMS_LEN: usize = 9;

impl LifParams {
    pub fn from_slice(p: &[f32]) -> Result<LifParams, KernelError> {
        if p.len() != PARAMS_LEN {
            return Err(KernelError::LengthMismatch);
        }
        if p.iter().any(|x| !x.is_finite())
            || p[1] <= 0.0
            || p[5] < 0.0
            || !(0.0..=1.0).contains(&p[7])
        {
            return Err(KernelError::BadArgument);
        }
        Ok(LifParams {
            dt: p[0],
            tau_m: p[1],
            v_rest: p[2],
            v_reset: p[3],
            v_th: p[4],
            refractory_steps: p[5],
            trace_decay: p[6],
            drive_p: p[7],
            drive_amp: p[8],
        })
    }

    pub fn to_array(&self) -> [f32; PARAMS_LEN] {
        [
            self.dt,
            self.tau_m,
            self.v_rest,
            self.v_reset,
            self.v_th,
            self.refractory_steps,
            self.trace_decay,
            self.drive_p,
            self.drive_amp,
        ]
    }

    /// The network's neuron model with 1 ms steps — τ = 20 ms, rest and reset at 0, threshold
    /// 1, 2 refractory steps, trace decay e^(−1/20) — and the external drive (`drive_p`,
    /// `drive_amp`): the one place these numbers are written for tests, benches and examples.
    pub fn one_ms(drive_p: f32, drive_amp: f32) -> LifParams {
        LifParams {
            dt: 1.0,
            tau_m: 20.0,
            v_rest: 0.0,
            v_reset: 0.0,
            v_th: 1.0,
            refractory_steps: 2.0,
            trace_decay: (-1.0f32 / 20.0).exp(),
            drive_p,
            drive_amp,
        }
    }

    /// The drive threshold on the top 24 bits of a lane's draw.
    #[inline]
    pub fn drive_threshold(&self) -> f32 {
        self.drive_p * 16_777_216.0
    }
}

/// Which post-synaptic neurons a kernel computes: `first..first + width` of an `n`-neuron
/// population, whose columns of W the caller holds (`w[j*width + (i − first)]`, `n × width`).
/// [`Part::whole`] is all of them (W the whole `n × n`). LIF's state slices are the part's
/// `width` neurons; STDP's trace is all `n` (rows are presynaptic).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    /// Neurons in the whole population (presynaptic indices run over `0..n`).
    pub n: usize,
    /// The part's first neuron; a multiple of 4 (the drive's four lanes line up with it).
    pub first: usize,
    /// Neurons in the part.
    pub width: usize,
}

impl Part {
    /// The whole population of `n` neurons.
    pub fn whole(n: usize) -> Part {
        Part {
            n,
            first: 0,
            width: n,
        }
    }

    /// Shape errors of a part of `n`: none of it, past the limit, a start the drive's lanes
    /// do not line up with, or an end past `n`.
    pub fn check(&self) -> Result<(), KernelError> {
        if self.n == 0 || self.width == 0 {
            return Err(KernelError::ZeroSize);
        }
        if self.n > MAX_DIM {
            return Err(KernelError::TooLarge);
        }
        if !self.first.is_multiple_of(4)
            || self
                .first
                .checked_add(self.width)
                .is_none_or(|end| end > self.n)
        {
            return Err(KernelError::BadArgument);
        }
        Ok(())
    }
}

/// A population's per-neuron state (each slice N long, or the part's width) and its drive
/// generator: what a step reads and updates, apart from the weights and the previous step's
/// spikes.
#[derive(Debug)]
pub struct LifState<'a> {
    /// Membrane potentials.
    pub v: &'a mut [f32],
    /// Refractory steps left (stored as f32, like every tier).
    pub refr: &'a mut [f32],
    /// Spike traces (also STDP's pre/post traces).
    pub trace: &'a mut [f32],
    /// Scratch: the step's synaptic input.
    pub syn: &'a mut [f32],
    /// The four xorshift32 lanes of the external drive.
    pub rng: &'a mut [u32; 4],
}

/// Owned per-neuron state of N neurons, for tests, benches and the examples (the app keeps
/// its state in a tier's memory instead): potentials `v`, everything else zero.
#[derive(Clone, Debug)]
pub struct LifNeurons {
    pub v: Vec<f32>,
    pub refr: Vec<f32>,
    pub trace: Vec<f32>,
    pub syn: Vec<f32>,
    pub rng: [u32; 4],
}

impl LifNeurons {
    pub fn new(v: Vec<f32>, rng: [u32; 4]) -> LifNeurons {
        let n = v.len();
        LifNeurons {
            v,
            refr: vec![0.0; n],
            trace: vec![0.0; n],
            syn: vec![0.0; n],
            rng,
        }
    }

    /// The state a step reads and writes.
    pub fn state(&mut self) -> LifState<'_> {
        LifState {
            v: &mut self.v,
            refr: &mut self.refr,
            trace: &mut self.trace,
            syn: &mut self.syn,
            rng: &mut self.rng,
        }
    }
}

impl LifState<'_> {
    /// Shapes and indices of a step of `part` on this state, checked before anything is
    /// written; returns the part's width.
    pub fn check<W>(
        &self,
        w: &[W],
        prev: &[u32],
        out: &[u32],
        part: Part,
    ) -> Result<usize, KernelError> {
        if part == Part::whole(self.v.len()) {
            return check(
                part.n,
                self.refr.len(),
                self.trace.len(),
                self.syn.len(),
                w.len(),
                prev,
                out.len(),
            );
        }
        part.check()?;
        let width = part.width;
        let lens = [
            self.v.len(),
            self.refr.len(),
            self.trace.len(),
            self.syn.len(),
        ];
        if lens.iter().any(|&l| l != width)
            || Some(w.len()) != part.n.checked_mul(width)
            || out.len() < width
            || prev.len() > part.n
        {
            return Err(KernelError::LengthMismatch);
        }
        if prev.iter().any(|&j| j as usize >= part.n) {
            return Err(KernelError::BadArgument);
        }
        Ok(width)
    }
}

/// Shapes and indices, checked before anything is written.
#[allow(clippy::too_many_arguments)]
pub fn check(
    v: usize,
    refr: usize,
    trace: usize,
    syn: usize,
    w: usize,
    prev: &[u32],
    out: usize,
) -> Result<usize, KernelError> {
    let n = v;
    if n == 0 {
        return Err(KernelError::ZeroSize);
    }
    if n > MAX_DIM {
        return Err(KernelError::TooLarge);
    }
    if refr != n || trace != n || syn != n || w != n * n || out < n || prev.len() > n {
        return Err(KernelError::LengthMismatch);
    }
    if prev.iter().any(|&j| j as usize >= n) {
        return Err(KernelError::BadArgument);
    }
    Ok(n)
}

/// One step, scalar (the order of operations of [`lif_step_lanes`], so both agree bit for bit),
/// on weights stored as `W` (`ops::weight`: decoded exactly, so a bf16 step is the f32 step on
/// the decoded weights).
pub fn lif_step_scalar<W: Weight>(
    p: &LifParams,
    st: &mut LifState<'_>,
    w: &[W],
    prev: &[u32],
    out: &mut [u32],
) -> Result<usize, KernelError> {
    let whole = Part::whole(st.v.len());
    lif_step_part_scalar(p, st, w, prev, out, whole)
}

/// [`lif_step_scalar`] for the neurons of `part` only (the module doc's "Parts").
pub fn lif_step_part_scalar<W: Weight>(
    p: &LifParams,
    st: &mut LifState<'_>,
    w: &[W],
    prev: &[u32],
    out: &mut [u32],
    part: Part,
) -> Result<usize, KernelError> {
    let n = st.check(w, prev, out, part)?;
    let LifState {
        v,
        refr,
        trace,
        syn,
        rng,
    } = st;
    syn.fill(0.0);
    for &j in prev {
        let row = &w[j as usize * n..(j as usize + 1) * n];
        for (s, x) in syn.iter_mut().zip(row) {
            *s += x.get();
        }
    }
    skip_draws(rng, 0..part.first);
    drive_scalar(p, syn, 0, rng);
    skip_draws(rng, part.first + n..part.n);
    let (count, bad) = membrane_scalar(p, v, refr, trace, syn, 0, out, 0);
    offset(&mut out[..count], part.first);
    if bad {
        return Err(KernelError::NonFinite);
    }
    Ok(count)
}

/// The draws of the neurons `range` outside a part, taken and dropped: neuron i draws from
/// lane `i & 3`, so after a part's step the generator is where a whole step leaves it.
fn skip_draws(rng: &mut [u32; 4], range: std::ops::Range<usize>) {
    for i in range {
        let lane = &mut rng[i & 3];
        *lane = xorshift32(*lane);
    }
}

/// A part's spikes, numbered within the part, as neuron indices of the whole population.
fn offset(spikes: &mut [u32], first: usize) {
    if first > 0 {
        for s in spikes {
            *s += first as u32;
        }
    }
}

/// Step 2 for neurons `from..`: lane `i & 3` of `rng` decides neuron i's drive.
fn drive_scalar(p: &LifParams, syn: &mut [f32], from: usize, rng: &mut [u32; 4]) {
    let thr = p.drive_threshold();
    for (i, s) in syn.iter_mut().enumerate().skip(from) {
        let lane = &mut rng[i & 3];
        *lane = xorshift32(*lane);
        if ((*lane >> 8) as f32) < thr {
            *s += p.drive_amp;
        }
    }
}

/// Steps 3–4 for neurons `from..`, appending spikes to `out[count..]`. Returns the new
/// spike count and whether a membrane potential became NaN/∞.
#[allow(clippy::too_many_arguments)]
fn membrane_scalar(
    p: &LifParams,
    v: &mut [f32],
    refr: &mut [f32],
    trace: &mut [f32],
    syn: &[f32],
    from: usize,
    out: &mut [u32],
    mut count: usize,
) -> (usize, bool) {
    let k = p.dt / p.tau_m;
    let mut bad = false;
    for i in from..v.len() {
        let mut spiked = false;
        if refr[i] > 0.0 {
            refr[i] -= 1.0;
            v[i] = p.v_reset;
        } else {
            let vi = (v[i] + k * (p.v_rest - v[i])) + syn[i];
            bad |= !vi.is_finite();
            if vi >= p.v_th {
                spiked = true;
                v[i] = p.v_reset;
                refr[i] = p.refractory_steps;
            } else {
                v[i] = vi;
            }
        }
        trace[i] = trace[i] * p.trace_decay + if spiked { 1.0 } else { 0.0 };
        if spiked {
            out[count] = i as u32;
            count += 1;
        }
    }
    (count, bad)
}

/// One step, four neurons at a time on lane type `V`, weights stored as `W`.
pub fn lif_step_lanes<V: F32Lanes, W: Weight>(
    p: &LifParams,
    st: &mut LifState<'_>,
    w: &[W],
    prev: &[u32],
    out: &mut [u32],
) -> Result<usize, KernelError> {
    let whole = Part::whole(st.v.len());
    lif_step_part_lanes::<V, W>(p, st, w, prev, out, whole)
}

/// [`lif_step_lanes`] for the neurons of `part` only (the module doc's "Parts").
pub fn lif_step_part_lanes<V: F32Lanes, W: Weight>(
    p: &LifParams,
    st: &mut LifState<'_>,
    w: &[W],
    prev: &[u32],
    out: &mut [u32],
    part: Part,
) -> Result<usize, KernelError> {
    let n = st.check(w, prev, out, part)?;
    let LifState {
        v,
        refr,
        trace,
        syn,
        rng,
    } = st;
    let body = n & !3;
    syn.fill(0.0);
    for &j in prev {
        let row = &w[j as usize * n..(j as usize + 1) * n];
        for (s, r) in syn
            .as_chunks_mut::<4>()
            .0
            .iter_mut()
            .zip(row.as_chunks::<4>().0)
        {
            V::load_array(s).add(W::load4::<V>(r)).store_array(s);
        }
        for i in body..n {
            syn[i] += row[i].get();
        }
    }
    // Drive: each 4-neuron chunk's lane k is rng lane k, as in the scalar loop (a part starts
    // at a multiple of 4, so its chunks line up with the whole step's).
    skip_draws(rng, 0..part.first);
    let thr = V::splat(p.drive_threshold());
    let amp = V::splat(p.drive_amp);
    let mut st = V::Mask::load_array(rng);
    for s4 in syn.as_chunks_mut::<4>().0 {
        st = st.xor(st.shl::<13>());
        st = st.xor(st.shr::<17>());
        st = st.xor(st.shl::<5>());
        let r = V::from_i32(st.shr::<8>());
        let s = V::load_array(s4);
        r.lt(thr).select(s.add(amp), s).store_array(s4);
    }
    st.store_array(rng);
    drive_scalar(p, syn, body, rng);
    skip_draws(rng, part.first + n..part.n);
    // Membrane, refractory and trace, four neurons at a time; spikes compacted by bitmask.
    let k = V::splat(p.dt / p.tau_m);
    let (v_rest, v_reset, v_th) = (V::splat(p.v_rest), V::splat(p.v_reset), V::splat(p.v_th));
    let (zero, one) = (V::zero(), V::splat(1.0));
    let (decay, ref_steps) = (V::splat(p.trace_decay), V::splat(p.refractory_steps));
    let mut count = 0;
    let mut bad = V::Mask::splat(0);
    let chunks = v
        .as_chunks_mut::<4>()
        .0
        .iter_mut()
        .zip(refr.as_chunks_mut::<4>().0)
        .zip(trace.as_chunks_mut::<4>().0)
        .zip(syn.as_chunks::<4>().0);
    for (c, (((v4, r4), t4), s4)) in chunks.enumerate() {
        let vv = V::load_array(v4);
        let rr = V::load_array(r4);
        let in_refr = rr.gt(zero);
        let vi = vv.add(k.mul(v_rest.sub(vv))).add(V::load_array(s4));
        // finite ⇔ vi − vi == 0 (NaN and ±∞ give NaN)
        bad = bad.or(vi.sub(vi).eq(zero).not().andnot(in_refr));
        let spike = vi.ge(v_th).andnot(in_refr);
        in_refr.or(spike).select(v_reset, vi).store_array(v4);
        in_refr
            .select(rr.sub(one), spike.select(ref_steps, rr))
            .store_array(r4);
        V::load_array(t4)
            .mul(decay)
            .add(spike.select(one, zero))
            .store_array(t4);
        let mut bits = spike.bitmask();
        while bits != 0 {
            out[count] = (4 * c + bits.trailing_zeros() as usize) as u32;
            count += 1;
            bits &= bits - 1;
        }
    }
    let (count, bad_tail) = membrane_scalar(p, v, refr, trace, syn, body, out, count);
    offset(&mut out[..count], part.first);
    if bad.any() || bad_tail {
        return Err(KernelError::NonFinite);
    }
    Ok(count)
}
