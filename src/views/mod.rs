//! One view per file; the app (`app.rs`) owns the signals and passes them down.
pub mod bench_panel;
pub mod canvas;
pub mod charts;
pub mod controls;
pub mod error_banner;
pub mod header;
pub mod mesh_view;
pub mod perf_panel;
pub mod raster_view;
pub mod status_line;
