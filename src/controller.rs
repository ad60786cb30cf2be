//! What flows between the frame loop and the views, as plain types: the commands the controls
//! and keys send, and the live figures the loop publishes. Views import these from here, not
//! from `app`, so the app and its views do not depend on each other.
use crate::memory::MemoryParts;
use crate::tier::TierKind;

/// What the controls and keys ask for; applied by the frame loop, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    SetTier(TierKind),
    TogglePlay,
    Step,
    /// Changed settings as raw `key=value` pairs (validated by `params`); empty = reset.
    Configure(Vec<(String, String)>),
    /// Loads a tier again (after a failed load), without reloading the page.
    RetryTier(TierKind),
    /// Hidden debug switches (`?debug=1`): a Rust panic, and a NaN written into the state.
    Panic,
    InjectNan,
}

/// Figures of the running simulation, refreshed about twice a second.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveStats {
    pub fps: f64,
    pub frame_ms: f64,
    pub sim_ms: f64,
    pub lif_ms: f64,
    pub agents_ms: f64,
    pub spikes_per_s: f64,
    /// Capacity: neuron updates per second of LIF + STDP kernel time.
    pub ops_per_s: f64,
    /// Delivered: neuron updates (steps × N) per second of wall-clock time while playing.
    pub delivered_ops_per_s: f64,
    pub syn_events_per_s: f64,
    /// The whole page's memory, part by part (`memory.total()` is the figure shown).
    pub memory: MemoryParts,
    pub all_tiers_bytes: f64,
    /// Bytes in live allocations across all tiers.
    pub all_tiers_in_use: f64,
    pub overhead_us: f64,
    pub efficiency: f64,
    pub edges: usize,
    pub pruned: u64,
    pub sim_seconds: f64,
    pub timer_note: String,
    pub state_note: String,
}
