//! Small things every layer uses: number formats, statistics, the browser's clock and heap,
//! and the one Web Worker client.
pub mod browser;
pub mod fmt;
pub mod stats;
pub mod worker;
