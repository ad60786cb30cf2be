//! One view per file; they read the signals `driver::Ui` holds and send commands through
//! `controller::CommandQueue` from context.
pub mod bench_panel;
pub mod canvas;
pub mod charts;
pub mod controls;
pub mod error_banner;
pub mod header;
pub mod headline;
pub mod mesh_view;
pub mod perf_panel;
pub mod raster_view;
pub mod status_line;
