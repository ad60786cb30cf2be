//! `sasi-kernels`: the neural kernels of SASI Lab, in scalar and SIMD versions side by side.
//!
//! | module | kernel |
//! |---|---|
//! | [`activation`](ops::activation) | ReLU, leaky ReLU, sigmoid, tanh, GELU (vectorised exp) |
//! | [`dense`](ops::dense) | `y = act(W·x + b)` and its batched, input-blocked form |
//! | [`lif`](ops::lif) | event-driven leaky integrate-and-fire population step |
//! | [`stdp`](ops::stdp) | pair-based STDP with clipping, pruning and normalisation |
//! | [`efficiency`](ops::efficiency) | global efficiency by bit-parallel BFS |
//! | [`blocks`](ops::blocks) | summed weights between agents (mesh edges) |
//! | [`probe`](ops::probe) | this engine's ceilings: a streaming sum (read bandwidth), independent multiply-adds |
//! | [`model`] | the app's network: neuron and plasticity parameters, the seeded initial state |
//!
//! [`simd`] is the portable 4-lane layer (wasm simd128 / SSE2 / arrays), [`dispatch`] picks
//! scalar or SIMD at compile time, [`abi`] (feature `ffi`) is the C ABI of the kernel
//! modules described in `kernels/ABI.md`, [`exports`] declares every export of that ABI once,
//! [`error`] is the one error-code enum and [`rng`] the PRNG shared with the JS tier. `reference` (feature `testing`) holds the f64 references of
//! the tests.
pub mod dispatch;
pub mod error;
pub mod exports;
pub mod model;
pub mod ops;
#[cfg(any(test, feature = "testing"))]
pub mod reference;
pub mod registry;
pub mod rng;
pub mod simd;

#[cfg(all(feature = "ffi", target_arch = "wasm32"))]
pub mod abi;

/// The version of the contract in `kernels/ABI.md`; every module (and the JS tier) reports it
/// from `sasi_abi_version()`, and the app refuses a module that reports another.
pub const ABI_VERSION: u32 = 10;
