//! Widgets shared by the features: canvas plumbing, the chart kit, the controls, the header
//! and the error banner. They read the signals `runtime::driver::Ui` holds and send commands
//! through `runtime::controller::CommandQueue` from context.
pub mod canvas;
pub mod charts;
pub mod controls;
pub mod error_banner;
pub mod header;
