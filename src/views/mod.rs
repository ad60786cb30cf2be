//! One view per file; they read the signals `driver::Ui` holds and send commands through
//! `controller::CommandQueue` from context.
pub mod bench_panel;
pub mod canvas;
pub mod charts;
pub mod compare_view;
pub mod controls;
pub mod error_banner;
pub mod header;
pub mod headline;
pub mod mesh_view;
pub mod perf_panel;
pub mod race_view;
pub mod raster_view;
pub mod roofline;
pub mod status_line;
pub mod sweep_view;
