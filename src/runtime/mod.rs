//! What runs: the frame loop's wiring ([`driver`]) and logic ([`controller`]), the running demo
//! ([`engine`]) and its simulation ([`sim`]), the settings ([`params`], [`url`]), the notices
//! and the page's memory figure. Features read the engine through its views; they do not reach
//! into it.
pub mod controller;
pub mod driver;
pub mod engine;
pub mod live_threads;
pub mod memory;
pub mod notices;
pub mod params;
pub mod sim;
pub mod url;
