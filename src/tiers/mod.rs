//! The kernel tiers: the typed imports of the kernel modules and the JS tier ([`bridge`], the
//! only file that spells the boundary), one `Tier` type over the four of them ([`tier`]), and
//! how each is found and loaded in this browser ([`loader`]).
pub mod bridge;
pub mod forms;
pub mod loader;
pub mod tier;
