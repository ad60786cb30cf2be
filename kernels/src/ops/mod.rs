//! The kernels, one file each: the scalar form and the SIMD form side by side, chosen by
//! [`crate::dispatch`] at compile time, each tested against the f64 references.
pub mod activation;
pub mod blocks;
pub mod dense;
pub mod efficiency;
pub mod lif;
pub mod probe;
pub mod stdp;
pub mod weight;
