//! The live simulation on screen: the agent mesh, the spike raster (and its wall-clock
//! window), the status line and the performance panel.
pub mod mesh;
pub mod panel;
pub mod raster;
pub mod raster_window;
pub mod status_line;
