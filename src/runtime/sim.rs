//! The simulation: one model, stepped by whichever tier is active.
//!
//! Per step: external Poisson drive + event-driven LIF step (`lif_step`) → STDP with pruning
//! (`stdp_update`). Per frame: each agent's small network (`dense_batch_forward` ×2, one call
//! for all agents) turns its neurons' spike traces into a motion vector. A few times a second:
//! summed inter-agent weights (`block_sums`) give the mesh edges and `mesh_efficiency` their
//! global efficiency. All state lives in the tier's own memory; only spike indices, agent
//! motion and the agent-level weight sums come back to Rust each frame.
use crate::runtime::params::{Settings, WeightStorage};
use crate::tiers::tier::{Buf, Fault, LifBufs, Tier, WeightBuf};
use sasi_kernels::model;
/// The agent graph the mesh draws: written once, with the model (`sasi_kernels::model`), for
/// the app and for the plasticity test that follows its efficiency over time.
pub use sasi_kernels::model::{agent_edges, edge_threshold};
use sasi_kernels::ops::activation::Activation;
use sasi_kernels::ops::efficiency::words_per_row;
use sasi_kernels::ops::weight::encode_into;
use sasi_kernels::rng::Rng;
use std::ops::Range;
use std::rc::Rc;

/// Hidden width of each agent's network.
pub const HIDDEN: u32 = 16;

/// The neuron model with the app's external drive (`sasi_kernels::model::lif_params`: each
/// neuron driven with probability `drive_hz` per second, by 0.45 of the threshold), as the
/// buffer the kernels take (`kernels/ABI.md` orders it).
pub fn lif_params(drive_hz: f32) -> [f32; 9] {
    model::lif_params(drive_hz).to_array()
}

/// The app's plasticity (`sasi_kernels::model::stdp_params`: STDP with pruning and synaptic
/// scaling), as the buffer the kernels take.
pub fn stdp_params() -> [f32; 5] {
    model::stdp_params().to_array()
}

/// Everything needed to continue a run in another tier without a jump.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub v: Vec<f32>,
    pub refr: Vec<f32>,
    pub trace: Vec<f32>,
    pub w: Vec<f32>,
    pub rng: Vec<u32>,
    pub prev: Vec<u32>,
    pub net: [Vec<f32>; 4],
}

/// The initial state for a seed: the network of `sasi_kernels::model::initial_network`
/// (block-structured weights scaled with the fan-in, random membrane potentials), then a small
/// random network per agent, drawn from the same generator. (The app builds it with
/// [`Sim::seeded`]; this whole-snapshot form is for tests.)
#[cfg(test)]
pub fn initial_state(s: &Settings) -> Snapshot {
    let n = s.n as usize;
    let mut w = vec![0.0; n * n];
    let small = initial_state_rows(s, |j, row| w[j * n..(j + 1) * n].copy_from_slice(row));
    Snapshot { w, ..small }
}

/// [`initial_state`] with the N² weights handed to `row` one presynaptic row at a time and
/// left out of the answer (`w` empty): what [`Sim::seeded`] writes straight into a tier's
/// memory. Same generator, same draws, same order.
pub fn initial_state_rows(s: &Settings, row: impl FnMut(usize, &[f32])) -> Snapshot {
    let n = s.n as usize;
    let per = s.per_agent() as usize;
    let mut rng = Rng::new(s.seed);
    let (v, lanes) = model::initial_network_rows(n, per, &mut rng, row);
    let rng_lanes = lanes.to_vec();
    let h = HIDDEN as usize;
    let scale1 = 2.0 / (per as f32).sqrt();
    let w1: Vec<f32> = (0..h * per)
        .map(|_| scale1 * (rng.next_f32() - 0.5))
        .collect();
    let b1: Vec<f32> = (0..h).map(|_| 0.2 * (rng.next_f32() - 0.5)).collect();
    let w2: Vec<f32> = (0..2 * h).map(|_| 1.5 * (rng.next_f32() - 0.5)).collect();
    let b2 = vec![0.0; 2];
    Snapshot {
        v,
        refr: vec![0.0; n],
        trace: vec![0.0; n],
        w: Vec::new(),
        rng: rng_lanes,
        prev: Vec::new(),
        net: [w1, b1, w2, b2],
    }
}

/// Where a new simulation's weights come from.
enum Weights<'a> {
    /// Another tier's weight buffer, copied memory to memory (same storage).
    From(&'a WeightBuf),
    /// A buffer of this tier already holding them.
    Filled(WeightBuf),
    /// None here: the run's threads hold them.
    None,
}

/// Per-frame figures of one `Sim::frame` call.
/// FNV-1a (64-bit) over every step's index and spike indices, little-endian: the same spikes
/// at the same steps give the same hash, whatever tier computed them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpikeHash(pub u64);

impl Default for SpikeHash {
    fn default() -> Self {
        SpikeHash(0xcbf2_9ce4_8422_2325)
    }
}

impl SpikeHash {
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    pub(crate) fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= x as u64;
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    /// Adds one step: its index (so an empty step still counts) and its spike indices.
    pub fn step(&mut self, index: u64, spikes: &[u32]) {
        self.bytes(&index.to_le_bytes());
        for s in spikes {
            self.bytes(&s.to_le_bytes());
        }
    }

    /// The first 12 hex digits, as shown.
    pub fn short(self) -> String {
        format!("{:016x}", self.0)[..12].to_string()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameStats {
    pub spikes: u32,
    pub pruned: u32,
    pub steps: u32,
}

pub struct Sim {
    pub tier: Rc<Tier>,
    pub n: u32,
    pub agents: u32,
    pub per: u32,
    v: Buf<f32>,
    refr: Buf<f32>,
    trace: Buf<f32>,
    syn: Buf<f32>,
    /// `None` when the run's weights live in its threads (`runtime/live_threads.rs`): this
    /// state then only feeds the agents' networks and the mesh.
    w: Option<WeightBuf>,
    prev: Buf<u32>,
    out: Buf<u32>,
    n_prev: u32,
    rng: Buf<u32>,
    lif_p: Buf<f32>,
    stdp_p: Buf<f32>,
    net: [Buf<f32>; 4],
    hidden: Buf<f32>,
    motion: Buf<f32>,
    blocks: Buf<f32>,
    adj: Buf<u32>,
    eff_out: Buf<f64>,
    /// One float, for probing the bare cost of a kernel call.
    eff_out_f32: Buf<f32>,
    spikes_buf: Vec<u32>,
    motion_buf: Vec<f32>,
}

impl Sim {
    /// A new run from the seed, built in `tier`'s memory: the weights are generated row by
    /// row straight into it (the app's memory never holds the N² floats), each row encoded
    /// into the run's storage on the way (bf16: rounded to nearest even, as the kernels' own
    /// `weights_to_bf16` does).
    pub fn seeded(tier: Rc<Tier>, s: &Settings) -> Result<Sim, Fault> {
        let n = s.n;
        let len = n.checked_mul(n).ok_or(Fault::Kernel {
            call: "sasi_alloc",
            error: sasi_kernels::error::KernelError::TooLarge,
        })?;
        let (small, w) = match s.weights {
            WeightStorage::F32 => {
                let w = tier.alloc::<f32>(len)?;
                let small = initial_state_rows(s, |j, row| w.write_at(j as u32 * n, row));
                (small, WeightBuf::F32(w))
            }
            WeightStorage::Bf16 => {
                let w = tier.alloc::<u16>(len)?;
                let mut encoded = vec![0u16; n as usize];
                let small = initial_state_rows(s, |j, row| {
                    encode_into(row, &mut encoded);
                    w.write_at(j as u32 * n, &encoded);
                });
                (small, WeightBuf::Bf16(w))
            }
        };
        Self::build(tier, s, &small, Weights::Filled(w))
    }

    /// The seeded run's state without its N² weights, for a run whose weights and stepping
    /// live in its threads (`runtime/live_threads.rs`): the agents' networks, the traces they
    /// read (written each frame from the threads', [`Sim::write_trace`]) and the mesh's
    /// buffers. The rows are drawn and dropped (the threads seed their own columns).
    pub fn seeded_without_weights(tier: Rc<Tier>, s: &Settings) -> Result<Sim, Fault> {
        let small = initial_state_rows(s, |_, _| {});
        Self::build(tier, s, &small, Weights::None)
    }

    /// The same run in another tier: the small state goes through the app, the N² weights
    /// straight from this tier's memory into the new one's (`Buf::copy_from`).
    pub fn hand_over(&self, tier: Rc<Tier>, s: &Settings) -> Result<Sim, Fault> {
        let mut prev = self.prev.to_vec();
        prev.truncate(self.n_prev as usize);
        let small = Snapshot {
            v: self.v.to_vec(),
            refr: self.refr.to_vec(),
            trace: self.trace.to_vec(),
            w: Vec::new(),
            rng: self.rng.to_vec(),
            prev,
            net: self.net.each_ref().map(Buf::to_vec),
        };
        Self::build(tier, s, &small, Weights::From(self.weights("hand_over")?))
    }

    /// The run's weights, or why there are none here (they live in the run's threads).
    fn weights(&self, call: &'static str) -> Result<&WeightBuf, Fault> {
        self.w.as_ref().ok_or(Fault::Thrown {
            call,
            message: "this run's weights are in its threads".into(),
        })
    }

    /// Overwrites the traces (all N) with the run's threads' after their last step.
    pub fn write_trace(&self, trace: &[f32]) {
        if trace.len() == self.n as usize {
            self.trace.write(trace);
        }
    }

    fn build(tier: Rc<Tier>, s: &Settings, snap: &Snapshot, w: Weights<'_>) -> Result<Sim, Fault> {
        let (n, a, per) = (s.n, s.agents, s.per_agent());
        let mut prev_buf = vec![0u32; n as usize];
        prev_buf[..snap.prev.len()].copy_from_slice(&snap.prev);
        let wpr = words_per_row(a as usize) as u32;
        let weights = match w {
            Weights::From(WeightBuf::F32(src)) => {
                let b = tier.alloc::<f32>(src.len)?;
                b.copy_from(src);
                Some(WeightBuf::F32(b))
            }
            Weights::From(WeightBuf::Bf16(src)) => {
                let b = tier.alloc::<u16>(src.len)?;
                b.copy_from(src);
                Some(WeightBuf::Bf16(b))
            }
            Weights::Filled(b) => Some(b),
            Weights::None => None,
        };
        let sim = Sim {
            v: tier.buf_from(&snap.v)?,
            refr: tier.buf_from(&snap.refr)?,
            trace: tier.buf_from(&snap.trace)?,
            syn: tier.alloc(n)?,
            w: weights,
            prev: tier.buf_from(&prev_buf)?,
            out: tier.alloc(n)?,
            n_prev: snap.prev.len() as u32,
            rng: tier.buf_from(&snap.rng)?,
            lif_p: tier.buf_from(&lif_params(s.drive_hz))?,
            stdp_p: tier.buf_from(&stdp_params())?,
            net: [
                tier.buf_from(&snap.net[0])?,
                tier.buf_from(&snap.net[1])?,
                tier.buf_from(&snap.net[2])?,
                tier.buf_from(&snap.net[3])?,
            ],
            hidden: tier.alloc(a * HIDDEN)?,
            motion: tier.alloc(a * 2)?,
            blocks: tier.alloc(a * a)?,
            adj: tier.alloc(a * wpr)?,
            eff_out: tier.alloc(1)?,
            eff_out_f32: tier.alloc(1)?,
            spikes_buf: vec![0; n as usize],
            motion_buf: vec![0.0; (a * 2) as usize],
            tier,
            n,
            agents: a,
            per,
        };
        Ok(sim)
    }

    pub fn set_drive(&self, drive_hz: f32) {
        self.lif_p.write(&lif_params(drive_hz));
    }

    /// Runs `steps` simulation steps; `on_step` sees each step's spike indices.
    pub fn run_steps(
        &mut self,
        steps: u32,
        stdp: bool,
        mut on_step: impl FnMut(&[u32]),
    ) -> Result<FrameStats, Fault> {
        let mut st = FrameStats::default();
        for _ in 0..steps {
            let w = self.weights("lif_step")?;
            let state = LifBufs {
                params: &self.lif_p,
                v: &self.v,
                refr: &self.refr,
                trace: &self.trace,
                syn: &self.syn,
                w,
                prev: &self.prev,
                rng: &self.rng,
                out: &self.out,
            };
            let k = self.tier.lif_step(&state, self.n_prev)?;
            if stdp && k > 0 {
                st.pruned += self
                    .tier
                    .stdp(w, self.n, &self.trace, &self.out, k, &self.stdp_p)?;
            }
            let spikes = &mut self.spikes_buf[..k as usize];
            self.out.read(spikes);
            on_step(spikes);
            std::mem::swap(&mut self.prev, &mut self.out);
            self.n_prev = k;
            st.spikes += k;
            st.steps += 1;
        }
        Ok(st)
    }

    /// Each agent's network on its neurons' traces: `tanh(W2 · tanh(W1 · trace_a + b1) + b2)`,
    /// one batched call per layer for all agents. Returns `[dx0, dy0, dx1, dy1, ...]`.
    pub fn agent_motion(&mut self) -> Result<&[f32], Fault> {
        let (a, per) = (self.agents, self.per);
        // The trace buffer is already agents × per row-major: the batch input as it lies.
        self.tier.dense_batch(
            &self.net[0],
            &self.trace,
            &self.net[1],
            &self.hidden,
            HIDDEN,
            per,
            a,
            Activation::Tanh,
        )?;
        self.tier.dense_batch(
            &self.net[2],
            &self.hidden,
            &self.net[3],
            &self.motion,
            2,
            HIDDEN,
            a,
            Activation::Tanh,
        )?;
        self.motion.read(&mut self.motion_buf);
        if self.motion_buf.iter().any(|x| !x.is_finite()) {
            return Err(Fault::Thrown {
                call: "agent_motion",
                message: "the agent network produced NaN/∞ (state is corrupt)".into(),
            });
        }
        Ok(&self.motion_buf)
    }

    /// Summed weight from agent a to agent b, row-major A × A.
    pub fn agent_weights(&self, out: &mut [f32]) -> Result<(), Fault> {
        self.agent_weights_of(0..self.agents, out)
    }

    /// The rows of `out` (A × A, as [`Sim::agent_weights`]) of the source agents `sources`
    /// only, from their rows of W; the other rows of `out` are left as they are.
    pub fn agent_weights_of(&self, sources: Range<u32>, out: &mut [f32]) -> Result<(), Fault> {
        if sources.is_empty() {
            return Ok(());
        }
        let a = self.agents as usize;
        let (from, to) = (sources.start as usize * a, sources.end as usize * a);
        self.tier.block_sums(
            self.weights("block_sums")?,
            self.n,
            self.per,
            sources,
            &self.blocks,
        )?;
        if let Some(rows) = out.get_mut(from..to) {
            self.blocks.read_at(from as u32, rows);
        }
        Ok(())
    }

    /// Global efficiency of the agent graph given as an adjacency bit matrix (`words_per_row`
    /// layout of the kernel crate).
    pub fn efficiency(&self, adj_bits: &[u32]) -> Result<f64, Fault> {
        self.adj.write(adj_bits);
        let wpr = words_per_row(self.agents as usize) as u32;
        self.tier
            .efficiency(&self.adj, self.agents, wpr, &self.eff_out)
    }

    /// Integration overhead, measured: the mean cost of one JS→wasm kernel call on a
    /// one-element buffer, and of reading back a frame's worth of results (all N spike slots
    /// and the agent motion), both in µs.
    pub fn probe_overhead(
        &mut self,
        calls: u32,
        now: impl Fn() -> f64,
    ) -> Result<(f64, f64), Fault> {
        let t0 = now();
        for _ in 0..calls {
            self.tier
                .activation(Activation::Identity, &self.eff_out_f32)?;
        }
        let t1 = now();
        for _ in 0..calls {
            self.out.read(&mut self.spikes_buf);
            self.motion.read(&mut self.motion_buf);
        }
        let t2 = now();
        Ok((
            (t1 - t0) * 1000.0 / calls as f64,
            (t2 - t1) * 1000.0 / calls as f64,
        ))
    }

    /// Debug switch: corrupts one membrane potential, which the next LIF step must report.
    pub fn inject_nan(&mut self) {
        self.v.write(&[f32::NAN]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_parameters_are_pinned() {
        // Written out by position once more, here only: the named constructors must give
        // these exact bits (a change would alter every seeded run).
        let lif = [
            1.0,
            20.0,
            0.0,
            0.0,
            1.0,
            2.0,
            (-1.0f32 / 20.0).exp(),
            0.03,
            0.45,
        ];
        assert_eq!(lif_params(30.0).map(f32::to_bits), lif.map(f32::to_bits));
        // Weight-dependent STDP with synaptic scaling to a summed input of 1.2
        // (kernels/src/model.rs says why).
        assert_eq!(stdp_params(), [0.002, 0.04, 0.25, 0.25 * 0.008, 1.2]);
    }

    #[test]
    fn initial_input_weight_does_not_grow_with_n() {
        // Each neuron's summed input weight is about model::INPUT_WEIGHT at every N (issue 14).
        for n in [256u32, 1024, 4096] {
            let s = Settings {
                n,
                ..Settings::default()
            };
            let snap = initial_state(&s);
            let n = n as usize;
            let total: f64 = snap.w.iter().map(|&x| x as f64).sum();
            let per_neuron = total / n as f64;
            assert!(
                (per_neuron - 1.2).abs() < 0.1,
                "n={n}: summed input weight {per_neuron}"
            );
            assert!(snap.w.iter().all(|&x| (0.0..=0.25).contains(&x)), "n={n}");
        }
    }

    #[test]
    fn initial_weights_are_block_structured() {
        let s = Settings {
            n: 256,
            agents: 8,
            ..Settings::default()
        };
        let snap = initial_state(&s);
        let (n, per) = (256usize, 32usize);
        let mut inside = 0;
        let mut between = 0;
        for j in 0..n {
            assert_eq!(snap.w[j * n + j], 0.0, "no self synapses");
            for i in 0..n {
                if snap.w[j * n + i] > 0.0 {
                    if i / per == j / per {
                        inside += 1
                    } else {
                        between += 1
                    }
                }
            }
        }
        let inside_density = inside as f64 / (8.0 * 32.0 * 31.0);
        let between_density = between as f64 / (256.0 * 224.0);
        assert!(
            inside_density > 0.25 && inside_density < 0.45,
            "{inside_density}"
        );
        assert!(between_density < 0.1 && between > 0, "{between_density}");
        assert_eq!(initial_state(&s), snap, "same seed, same state");
    }
}
