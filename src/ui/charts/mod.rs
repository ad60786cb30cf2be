//! Charts drawn with plotters on `<canvas>` (plotters-canvas): speedup over JS per kernel
//! (horizontal bars, log scale), time against work per call (log-log), the frame-time
//! history and the thread scaling (speed-up against threads, with the ideal line). Each takes
//! the canvas and the data; nothing is cached.
//!
//! Text is laid out here, not by plotters' mesh: every label is measured with the canvas's own
//! `measureText` before it is placed, a tick label that would touch one already drawn is left
//! out, and legends sit in a band above the plot, never over the data. Every drawn label's box
//! (CSS px) is written to the canvas's `data-label-boxes` attribute, so a test can check that
//! none intersect and that none is smaller than [`MIN_FONT_CSS_PX`].
//!
//! What is where (every item is re-exported here, so `charts::NAME` reaches it):
//! - `style`: the colours, the font sizes and line height, `tier_colour`;
//! - `ticks`: names and formats for people (kernels, sizes, speedups), the ticks of log,
//!   speedup and linear axes, `log_map`/`lin_map` from values to pixels;
//! - `painter`: `TextBox`, `Anchor`, `Painter` (canvas sizing, text measuring and placing,
//!   the label boxes written out by `finish`);
//! - `shapes`: `Swatch` and the `Painter`'s lines, dashes, rectangles, markers and legends;
//! - `speedup`: `speedup_bars`; `scaling`: `scaling_kernel`, `scaling`; `frames`:
//!   `frame_axis`, `frame_history`; `threads`: `thread_scaling`.
mod frames;
mod painter;
mod scaling;
mod shapes;
mod speedup;
mod style;
mod threads;
mod ticks;

// The charts' shared parts, reached as `charts::NAME` (the path they had when this module was
// one file) by the charts here and by any chart added beside them; not every one is used
// through this path today, hence the allow.
#[allow(unused_imports)]
pub use self::{
    frames::{frame_axis, frame_history},
    painter::TextBox,
    scaling::{scaling, scaling_kernel},
    speedup::speedup_bars,
    style::{tier_colour, MIN_FONT_CSS_PX},
    threads::thread_scaling,
    ticks::{
        fmt_speedup, fmt_speedup_tick, kernel_name, linear_ticks, log_ticks, short_kernel_name,
        size_name, speedup_ticks,
    },
};
#[allow(unused_imports)]
pub(crate) use self::{
    painter::{err, Anchor, Painter, Root, CENTRE_TOP, LEFT_MID, LEFT_TOP, RIGHT_MID},
    shapes::Swatch,
    speedup::WASM_TIERS,
    style::{
        BG, GOAL_2X, GOAL_4X, GRID, INK, LABEL_PX, LINE, MUTED, TICK_GAP_CSS, TICK_PX, TITLE_PX,
        VALUE_PX,
    },
    ticks::{lin_map, log_map},
};
