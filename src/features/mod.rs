//! One folder per thing the page does, its plain model (`mod.rs`, tested natively) beside the
//! components that bind it (`view.rs`, `panel.rs`) and the services that do its I/O (`run.rs`,
//! `import.rs`).
pub mod bench;
pub mod compare;
pub mod headline;
pub mod live;
pub mod race;
pub mod sweep;
pub mod targets;
